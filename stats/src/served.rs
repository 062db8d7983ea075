//! The territories a server serves (its bundles): the needs and communes a beacon may name, and
//! the rules that say whether an orientation had help near.

use aiguillage_engine::bundle::Bundle;
use aiguillage_engine::Date;

use crate::beacon::{Beacon, Served};
use crate::store::Count;

#[derive(Default)]
pub struct Territories {
    bundles: Vec<Bundle>,
    /// Every département served, in code order (asked at each dashboard request).
    departements: Vec<String>,
}

impl Territories {
    pub fn new(bundles: Vec<Bundle>) -> Territories {
        let mut departements: Vec<String> =
            bundles.iter().flat_map(|b| b.communes.iter().map(|c| c.departement.to_string())).collect();
        departements.sort();
        departements.dedup();
        Territories { bundles, departements }
    }

    pub fn bundles(&self) -> &[Bundle] {
        &self.bundles
    }

    /// The first bundle holding this commune.
    pub fn bundle_of(&self, insee: &str) -> Option<&Bundle> {
        self.bundles.iter().find(|b| b.communes.get(insee).is_some())
    }

    /// Every département served, in code order.
    pub fn departements(&self) -> &[String] {
        &self.departements
    }

    /// What is counted for a checked beacon on `day`: without help near when no on-site place
    /// was proposed within the rules' `remote_after_km` of the commune.
    pub fn count(&self, beacon: &Beacon, day: Date) -> Count {
        let remote_after_km = self.bundle_of(&beacon.commune).map_or(0, |b| b.rules.remote_after_km);
        Count {
            day,
            need: beacon.need.clone(),
            commune: beacon.commune.clone(),
            lang: beacon.lang,
            mode: beacon.mode,
            without_help_near: beacon.nearest_km.is_none_or(|km| km > f64::from(remote_after_km)),
        }
    }
}

/// A need's code as the taxonomy writes them: lower-case letters, digits and dashes. A bundle
/// from elsewhere cannot bring a code that a spreadsheet or a page would read otherwise.
fn need_alphabet(code: &str) -> bool {
    (1..=40).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// An INSEE code: five characters, digits but for Corsica's `2A`/`2B`.
fn commune_alphabet(code: &str) -> bool {
    let bytes = code.as_bytes();
    bytes.len() == 5
        && bytes[0].is_ascii_digit()
        && (bytes[1].is_ascii_digit() || (bytes[0] == b'2' && matches!(bytes[1], b'A' | b'B')))
        && bytes[2..].iter().all(u8::is_ascii_digit)
}

impl Served for Territories {
    fn has_need(&self, code: &str) -> bool {
        need_alphabet(code) && self.bundles.iter().any(|b| b.taxonomy.need_id(code).is_some())
    }

    fn has_commune(&self, insee: &str) -> bool {
        commune_alphabet(insee) && self.bundle_of(insee).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_checked_to_their_alphabet() {
        assert!(need_alphabet("demarches-caf") && need_alphabet("33700"));
        for refused in ["", "=1+1", "Emploi", "emploi ", "a,b", &"x".repeat(41)] {
            assert!(!need_alphabet(refused), "{refused}");
        }
        assert!(commune_alphabet("16292") && commune_alphabet("2A004") && commune_alphabet("97411"));
        for refused in ["1629", "162921", "2C004", "3A004", "=1629", "16 92"] {
            assert!(!commune_alphabet(refused), "{refused}");
        }
    }
}
