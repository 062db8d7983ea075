//! The territories a server serves (its bundles): the needs and communes a beacon may name, and
//! the rules that say whether an orientation had help near.

use aiguillage_engine::bundle::Bundle;
use aiguillage_engine::Date;

use crate::beacon::{Beacon, Served};
use crate::store::Count;

#[derive(Default)]
pub struct Territories {
    bundles: Vec<Bundle>,
}

impl Territories {
    pub fn new(bundles: Vec<Bundle>) -> Territories {
        Territories { bundles }
    }

    pub fn bundles(&self) -> &[Bundle] {
        &self.bundles
    }

    /// The first bundle holding this commune.
    pub fn bundle_of(&self, insee: &str) -> Option<&Bundle> {
        self.bundles.iter().find(|b| b.communes.get(insee).is_some())
    }

    /// Every département served, in code order.
    pub fn departements(&self) -> Vec<String> {
        let mut codes: Vec<String> =
            self.bundles.iter().flat_map(|b| b.communes.iter().map(|c| c.departement.to_string())).collect();
        codes.sort();
        codes.dedup();
        codes
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

impl Served for Territories {
    fn has_need(&self, code: &str) -> bool {
        self.bundles.iter().any(|b| b.taxonomy.need_id(code).is_some())
    }

    fn has_commune(&self, insee: &str) -> bool {
        self.bundle_of(insee).is_some()
    }
}
