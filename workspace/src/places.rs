//! The places of an account's territories as residents get them, with what a coordinator should
//! look at: the quality rules of `aiguillage validate` (no hours, no way to reach, older than a
//! year, probably listed twice) and the corrections not yet published.

use std::collections::BTreeMap;

use aiguillage_engine::bundle::Bundle;
use aiguillage_engine::calendar::Date;
use aiguillage_engine::hours::Hours;
use aiguillage_engine::territory::fold;
use aiguillage_engine::Actor;

use crate::accounts::Account;
use crate::store::Correction;

/// What may be wrong with a place, as the list filters it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Flag {
    NoHours,
    Unreachable,
    Old,
    Duplicate,
    Corrected,
    Hidden,
    Reported,
    Conflict,
}

impl Flag {
    pub const ALL: [Flag; 8] = [
        Flag::Reported,
        Flag::Conflict,
        Flag::NoHours,
        Flag::Unreachable,
        Flag::Old,
        Flag::Duplicate,
        Flag::Corrected,
        Flag::Hidden,
    ];

    /// The code in the list's address (`?signal=sans-horaires`).
    pub fn code(self) -> &'static str {
        match self {
            Flag::NoHours => "sans-horaires",
            Flag::Unreachable => "injoignable",
            Flag::Old => "ancien",
            Flag::Duplicate => "doublon",
            Flag::Corrected => "corrige",
            Flag::Hidden => "masque",
            Flag::Reported => "signale",
            Flag::Conflict => "conflit",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Flag::NoHours => "Sans horaires",
            Flag::Unreachable => "Aucun moyen de contact",
            Flag::Old => "Vérifié il y a plus d'un an",
            Flag::Duplicate => "Doublon probable",
            Flag::Corrected => "Correction à publier",
            Flag::Hidden => "Masqué",
            Flag::Reported => "Signalement à traiter",
            Flag::Conflict => "Correction à revoir : la source a changé",
        }
    }

    pub fn from_code(code: &str) -> Option<Flag> {
        Flag::ALL.into_iter().find(|f| f.code() == code)
    }
}

/// Two places this close whose names share a significant word are probably one (as `validate`).
pub const DUPLICATE_METRES: u32 = 50;

/// Words too common in names to tell two places apart.
const STOP_WORDS: &[&str] = &["de", "du", "des", "la", "le", "les", "l", "d", "et", "a", "au", "aux", "en", "sur"];

/// A place of the account's territories.
pub struct Place<'a> {
    pub actor: &'a Actor,
    /// The département it belongs to (its commune's), which decides who may change it.
    pub departement: String,
    pub epci: Option<String>,
    pub flags: Vec<Flag>,
}

/// The département of a commune's INSEE code (`16292` → `16`, `97411` → `974`).
pub fn departement_of(insee: &str) -> &str {
    let width = if insee.starts_with("97") { 3 } else { 2 };
    insee.get(..width).unwrap_or(insee)
}

/// What the workspace knows of the places besides the bundles: its corrections, the places
/// with an open report, and those whose corrected field changed at its source since.
pub struct Known<'a> {
    pub corrections: &'a [Correction],
    pub reported: &'a [String],
    pub conflicts: &'a [String],
}

/// Every place of `account`'s territories in the `bundles`, once each, by name, with its flags.
pub fn places<'a>(bundles: &'a [Bundle], account: &Account, known: &Known<'_>, today: Date) -> Vec<Place<'a>> {
    let mut found: BTreeMap<&str, Place<'a>> = BTreeMap::new();
    // Every bundle: a département's places may be in a neighbour's bundle (its border places),
    // or in a bundle named otherwise (the demo's).
    for bundle in bundles {
        for actor in bundle.directory.actors() {
            if found.contains_key(actor.id.as_str()) {
                continue;
            }
            if let Some(mut place) = place_in(bundle, actor, account) {
                place.flags = flags_of(actor, known, today);
                found.insert(&actor.id, place);
            }
        }
    }
    let mut places: Vec<Place<'a>> = found.into_values().collect();
    mark_duplicates(&mut places);
    places.sort_by(|a, b| fold(&a.actor.name).cmp(&fold(&b.actor.name)).then_with(|| a.actor.id.cmp(&b.actor.id)));
    places
}

/// The place with this id, if `account` may see it.
pub fn place<'a>(bundles: &'a [Bundle], account: &Account, id: &str) -> Option<Place<'a>> {
    bundles.iter().find_map(|bundle| place_in(bundle, bundle.directory.actors().iter().find(|a| a.id == id)?, account))
}

/// `actor` of `bundle` as a place of `account`'s, if it is one of its départements' (its
/// commune's, else the bundle's), without its flags.
fn place_in<'a>(bundle: &'a Bundle, actor: &'a Actor, account: &Account) -> Option<Place<'a>> {
    let departement = actor.insee.as_deref().map_or(bundle.territory.as_str(), departement_of).to_owned();
    let epci = actor.insee.as_deref().and_then(|i| bundle.communes.get(i)).and_then(|c| c.epci.as_deref());
    account.covers(&departement).then(|| Place { actor, departement, epci: epci.map(str::to_owned), flags: Vec::new() })
}

fn flags_of(actor: &Actor, known: &Known<'_>, today: Date) -> Vec<Flag> {
    let mut flags = Vec::new();
    if known.reported.contains(&actor.id) {
        flags.push(Flag::Reported);
    }
    if known.conflicts.contains(&actor.id) {
        flags.push(Flag::Conflict);
    }
    if matches!(actor.hours, Hours::Unknown) {
        flags.push(Flag::NoHours);
    }
    if !actor.is_reachable() {
        flags.push(Flag::Unreachable);
    }
    if actor.updated.is_none_or(|updated| updated.0 < today.0 - 365) {
        flags.push(Flag::Old);
    }
    let mine = known.corrections.iter().filter(|c| c.place == actor.id);
    for correction in mine {
        let flag = if correction.field == crate::fields::HIDDEN { Flag::Hidden } else { Flag::Corrected };
        if !flags.contains(&flag) {
            flags.push(flag);
        }
    }
    flags
}

/// Marks the places that are probably listed twice: close, with a significant word in common.
fn mark_duplicates(places: &mut [Place<'_>]) {
    let words: Vec<Vec<String>> = places
        .iter()
        .map(|p| {
            fold(&p.actor.name)
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| w.len() > 1 && !STOP_WORDS.contains(w))
                .map(str::to_owned)
                .collect()
        })
        .collect();
    let mut twice = vec![false; places.len()];
    for a in 0..places.len() {
        let Some(here) = places[a].actor.point else { continue };
        for b in a + 1..places.len() {
            let Some(there) = places[b].actor.point else { continue };
            if here.distance_m(there) <= DUPLICATE_METRES && words[a].iter().any(|w| words[b].contains(w)) {
                twice[a] = true;
                twice[b] = true;
            }
        }
    }
    for (place, twice) in places.iter_mut().zip(twice) {
        if twice {
            place.flags.push(Flag::Duplicate);
            place.flags.sort();
        }
    }
}
