//! A new bundle beside the live one: places added, removed and changed (which fields), and the
//! guard that keeps a broken upstream file from emptying a territory.

use std::collections::{BTreeMap, BTreeSet};

use aiguillage_engine::bundle::Bundle;
use aiguillage_engine::Actor;
use serde::{Deserialize, Serialize};

/// What a département's new bundle changes for residents.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changes {
    /// Places in the new bundle.
    pub places: usize,
    /// Places in the live one (`None`: nothing live yet).
    pub live_places: Option<usize>,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// Changed places: id → the fields that differ.
    pub changed: BTreeMap<String, Vec<String>>,
    /// Needs the live bundle served with at least one place and the new one with none.
    pub needs_lost: Vec<String>,
}

/// Why a département's bundle is not published.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Refusal {
    /// It would lose more than `max_loss` of its places.
    Loss { removed: usize, live: usize, max_loss: f64 },
    /// Every place of these needs would go.
    NeedsLost(Vec<String>),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Loss { removed, live, max_loss } => write!(
                f,
                "would lose {removed} of its {live} places ({:.0} %, more than max_loss {:.0} %)",
                *removed as f64 * 100.0 / (*live).max(1) as f64,
                max_loss * 100.0
            ),
            Refusal::NeedsLost(needs) => write!(f, "would lose every place for: {}", needs.join(", ")),
        }
    }
}

/// Whether two versions of a place agree on one field.
type SameField = fn(&Actor, &Actor) -> bool;

/// The fields a resident sees, compared one by one.
const FIELDS: &[(&str, SameField)] = &[
    ("name", |a, b| a.name == b.name),
    ("address", |a, b| {
        a.street == b.street && a.postal_code == b.postal_code && a.commune_name == b.commune_name && a.insee == b.insee
    }),
    ("point", |a, b| a.point == b.point),
    ("phone", |a, b| a.phone == b.phone),
    ("email", |a, b| a.email == b.email),
    ("website", |a, b| a.website == b.website),
    ("booking", |a, b| a.booking_url == b.booking_url),
    ("summary", |a, b| a.summary == b.summary),
    ("needs", |a, b| a.needs == b.needs),
    ("modes", |a, b| a.modes == b.modes && a.programmes == b.programmes),
    ("publics", |a, b| a.publics == b.publics && a.supports == b.supports && a.fees == b.fees),
    ("itinerant", |a, b| a.itinerant == b.itinerant),
    ("zone", |a, b| a.zone == b.zone),
    ("hours", |a, b| a.hours == b.hours),
    ("updated", |a, b| a.updated == b.updated),
];

/// Compares a new bundle with the live one (`None` on a first publication).
pub fn compare(live: Option<&Bundle>, new: &Bundle) -> Changes {
    let new_actors: BTreeMap<&str, &Actor> = new.directory.actors().iter().map(|a| (a.id.as_str(), a)).collect();
    let mut changes = Changes { places: new_actors.len(), ..Changes::default() };
    let Some(live) = live else {
        changes.added = new_actors.keys().map(|k| k.to_string()).collect();
        return changes;
    };
    let live_actors: BTreeMap<&str, &Actor> = live.directory.actors().iter().map(|a| (a.id.as_str(), a)).collect();
    changes.live_places = Some(live_actors.len());
    for (id, actor) in &new_actors {
        match live_actors.get(id) {
            None => changes.added.push(id.to_string()),
            Some(before) => {
                let fields: Vec<String> =
                    FIELDS.iter().filter(|(_, same)| !same(before, actor)).map(|(name, _)| name.to_string()).collect();
                if !fields.is_empty() {
                    changes.changed.insert(id.to_string(), fields);
                }
            }
        }
    }
    changes.removed = live_actors.keys().filter(|id| !new_actors.contains_key(*id)).map(|k| k.to_string()).collect();
    let served = |bundle: &Bundle| -> BTreeSet<String> {
        bundle
            .directory
            .actors()
            .iter()
            .flat_map(|a| a.needs.iter())
            .filter_map(|id| bundle.taxonomy.need(id).map(|n| n.code.to_string()))
            .collect()
    };
    let now_served = served(new);
    changes.needs_lost = served(live).into_iter().filter(|need| !now_served.contains(need)).collect();
    changes
}

/// The guard: `None` when the bundle may be published.
pub fn refusal(changes: &Changes, max_loss: f64) -> Option<Refusal> {
    let live = changes.live_places?;
    let removed = changes.removed.len();
    if live > 0 && removed as f64 > max_loss * live as f64 {
        return Some(Refusal::Loss { removed, live, max_loss });
    }
    (!changes.needs_lost.is_empty()).then(|| Refusal::NeedsLost(changes.needs_lost.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guard_counts_removed_places_and_lost_needs() {
        let mut changes = Changes { places: 6, live_places: Some(10), ..Changes::default() };
        changes.removed = (0..2).map(|i| i.to_string()).collect();
        assert_eq!(refusal(&changes, 0.2), None, "2 of 10 is not more than a fifth");
        changes.removed.push("x".into());
        assert!(matches!(refusal(&changes, 0.2), Some(Refusal::Loss { removed: 3, live: 10, .. })));
        assert_eq!(refusal(&changes, 0.5), None);
        changes.needs_lost = vec!["emploi".into()];
        assert_eq!(refusal(&changes, 0.5), Some(Refusal::NeedsLost(vec!["emploi".into()])));
        let first = Changes { places: 3, live_places: None, ..Changes::default() };
        assert_eq!(refusal(&first, 0.0), None, "nothing live: nothing to lose");
        assert!(Refusal::Loss { removed: 6, live: 10, max_loss: 0.2 }.to_string().contains("60 %"));
    }
}
