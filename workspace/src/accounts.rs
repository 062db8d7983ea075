//! Who may sign in: an account's name, its territories, its password's argon2id hash.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// The shortest password accepted: a phrase of a few words is easier to remember than symbols.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// An account as the workspace knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub name: String,
    /// Département codes (`16`, `2A`, `974`): the places and reports it sees and changes.
    pub territories: Vec<String>,
}

impl Account {
    /// Whether the account may see and change what belongs to `departement`.
    pub fn covers(&self, departement: &str) -> bool {
        self.territories.iter().any(|t| t == departement)
    }
}

/// A name: 2 to 64 of `a-z 0-9 . _ -` (it is shown in the journal and typed at sign-in).
pub fn check_name(name: &str) -> Result<(), String> {
    let fits = (2..=64).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if fits {
        Ok(())
    } else {
        Err(format!("`{name}` is not an account name: 2 to 64 lower-case letters, digits, `.`, `_` or `-`"))
    }
}

/// `16,86` into département codes, each checked (`01`–`95`, `2A`, `2B`, `971`–`976`).
pub fn parse_territories(text: &str) -> Result<Vec<String>, String> {
    let mut codes: Vec<String> = Vec::new();
    for code in text.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        let code = code.to_ascii_uppercase();
        if !is_departement(&code) {
            return Err(format!(
                "`{code}` is not a département code: write e.g. `16`, `2A` or `974`, several separated by commas"
            ));
        }
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    if codes.is_empty() {
        return Err("an account needs at least one territory, e.g. `--territory 16`".into());
    }
    Ok(codes)
}

fn is_departement(code: &str) -> bool {
    match code.len() {
        2 => code == "2A" || code == "2B" || code.parse::<u8>().is_ok_and(|n| (1..=95).contains(&n) && n != 20),
        3 => code.parse::<u16>().is_ok_and(|n| (971..=976).contains(&n)),
        _ => false,
    }
}

/// The argon2id hash of `password`, as a PHC string, or why it is refused.
pub fn hash_password(password: &str) -> Result<String, String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!(
            "a password needs at least {MIN_PASSWORD_CHARS} characters (a phrase of a few words will do)"
        ));
    }
    let mut salt = [0u8; 16];
    getrandom::getrandom(&mut salt).map_err(|e| format!("no randomness for the salt: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| e.to_string())
}

/// A hash checked for a name that has no account (of no password anyone has).
const UNKNOWN_NAME_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$YWlndWlsbGFnZWFpZ3VpbA$1lVPuU3OmD5qG40Z7Mr0kh+0LKwv0aV0yxAdIV0Cz0U";

/// Whether `password` matches `hash`. With no hash (an unknown name) a hash is still checked,
/// so that a wrong name takes as long as a wrong password.
pub fn verify_password(password: &str, hash: Option<&str>) -> bool {
    let known = hash.is_some();
    let Ok(parsed) = PasswordHash::new(hash.unwrap_or(UNKNOWN_NAME_HASH)) else { return false };
    Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok() && known
}

#[cfg(test)]
mod tests {
    /// A wrong name costs a real verification only if the stand-in hash can be read.
    #[test]
    fn the_stand_in_hash_of_unknown_names_is_a_real_one() {
        assert!(argon2::password_hash::PasswordHash::new(super::UNKNOWN_NAME_HASH).is_ok());
    }
}
