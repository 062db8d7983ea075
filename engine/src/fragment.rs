//! The resident's answers in the URL fragment — the only place they are kept — so a link can be
//! shared and the browser's back button works. Pure text in, text out.
//!
//! One widget owns one `key=value` pair of the fragment (`#aiguillage=need.demarches~commune.16292`);
//! other pairs (another widget, the host's own router) are left as they are.
//!
//! Here, not in the widget, so that the `fragment` fuzz target runs the same code without Yew.

use crate::ascii;
use crate::vocab::{Autonomy, Public, Set, Support};

/// Where the resident is in the flow, and what they said so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Answers {
    pub step: Option<String>,
    pub need: Option<String>,
    pub commune: Option<String>,
    pub autonomy: Option<Autonomy>,
    pub supports: Set<Support>,
    pub publics: Set<Public>,
    /// `Some(false)`: cannot travel.
    pub can_travel: Option<bool>,
}

/// Longest fragment value we read: beyond, it is not ours (or it is an attack).
const MAX_VALUE: usize = 512;

impl Answers {
    /// Encodes as `field.value~field.value` with only unreserved URL characters.
    pub fn encode(&self) -> String {
        let mut encoded = String::new();
        let mut push = |field: &str, value: &str| {
            if !encoded.is_empty() {
                encoded.push('~');
            }
            encoded.push_str(field);
            encoded.push('.');
            encoded.push_str(value);
        };
        if let Some(step) = &self.step {
            push("step", step);
        }
        if let Some(need) = &self.need {
            push("need", need);
        }
        if let Some(commune) = &self.commune {
            push("commune", commune);
        }
        if let Some(autonomy) = self.autonomy {
            push("autonomy", autonomy.code());
        }
        for support in self.supports.iter() {
            push("support", support.code());
        }
        for public in self.publics.iter() {
            push("public", public.code());
        }
        if let Some(can_travel) = self.can_travel {
            push("travel", if can_travel { "yes" } else { "no" });
        }
        encoded
    }

    /// Decodes what [`encode`](Self::encode) wrote. Unknown or malformed parts are ignored: a
    /// hand-edited or truncated link still opens the widget, never breaks it.
    pub fn decode(value: &str) -> Answers {
        let mut answers = Answers::default();
        if value.len() > MAX_VALUE {
            return answers;
        }
        for part in ascii::split(value, b'~') {
            let Some((field, value)) = ascii::split_once(part, b'.') else { continue };
            if !is_code(value) {
                continue;
            }
            match field {
                "step" => answers.step = Some(value.to_string()),
                "need" => answers.need = Some(value.to_string()),
                "commune" => answers.commune = Some(value.to_string()),
                "autonomy" => answers.autonomy = Autonomy::from_code(value),
                "support" => answers.supports.extend(Support::from_code(value)),
                "public" => answers.publics.extend(Public::from_code(value)),
                "travel" => {
                    answers.can_travel = match value {
                        "yes" => Some(true),
                        "no" => Some(false),
                        _ => None,
                    }
                }
                _ => {}
            }
        }
        answers
    }
}

/// Codes are short lowercase ASCII words with digits and `-` (INSEE codes have `2A`/`2B`).
fn is_code(value: &str) -> bool {
    !value.is_empty() && value.len() <= 64 && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// The value of `key` in a fragment of `&`-separated pairs (`location.hash`: one leading `#`,
/// optional, is not part of the first pair).
pub fn read(fragment: &str, key: &str) -> Option<String> {
    ascii::split(without_hash(fragment), b'&').find_map(|pair| {
        let (k, v) = ascii::split_once(pair, b'=')?;
        (k == key).then(|| v.to_string())
    })
}

/// The fragment, without its leading `#`, with `key` set to `value` (or removed when `value` is
/// empty), other pairs untouched.
pub fn write(fragment: &str, key: &str, value: &str) -> String {
    let mut written = String::new();
    let others = ascii::split(without_hash(fragment), b'&')
        .filter(|pair| !pair.is_empty() && ascii::split_once(pair, b'=').map_or(*pair != key, |(k, _)| k != key));
    for pair in others {
        written.push_str(pair);
        written.push('&');
    }
    if value.is_empty() {
        written.pop(); // the last separator, if any
    } else {
        written.push_str(key);
        written.push('=');
        written.push_str(value);
    }
    written
}

fn without_hash(fragment: &str) -> &str {
    fragment.strip_prefix("#").unwrap_or(fragment)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_round_trip() {
        let answers = Answers {
            step: Some("results".into()),
            need: Some("demarches-impots".into()),
            commune: Some("2A004".into()),
            autonomy: Some(Autonomy::ForMe),
            supports: [Support::Surdite, Support::LangueAutre].into_iter().collect(),
            publics: [Public::Seniors].into_iter().collect(),
            can_travel: Some(false),
        };
        let encoded = answers.encode();
        assert_eq!(
            encoded,
            "step.results~need.demarches-impots~commune.2A004~autonomy.for-me~support.surdite~support.langue-autre~public.seniors~travel.no"
        );
        assert_eq!(Answers::decode(&encoded), answers);
    }

    #[test]
    fn garbage_is_ignored_not_fatal() {
        let decoded = Answers::decode("need.<script>~commune.16292~autonomy.fly~support.~~.~x");
        assert_eq!(decoded, Answers { commune: Some("16292".into()), ..Answers::default() });
        assert_eq!(Answers::decode(&"a".repeat(10_000)), Answers::default());
    }

    #[test]
    fn fragment_pairs_of_others_are_kept() {
        assert_eq!(read("#route=/home&aiguillage=need.emploi", "aiguillage").as_deref(), Some("need.emploi"));
        assert_eq!(read("#aiguillage-2=x", "aiguillage"), None);
        assert_eq!(write("#route=/home&aiguillage=old", "aiguillage", "new"), "route=/home&aiguillage=new");
        assert_eq!(write("route=/home&aiguillage=old", "aiguillage", ""), "route=/home");
        assert_eq!(write("", "aiguillage", "v"), "aiguillage=v");
        // Found by fuzzing: a `#` inside the fragment belongs to its pair, only the first one is
        // the fragment's own.
        let odd = "&#aiguillage=need.emploi";
        assert_eq!(read(&format!("#{odd}"), "aiguillage"), None);
        let written = write(odd, "aiguillage", "");
        assert_eq!(read(&format!("#{written}"), "aiguillage"), None);
    }
}
