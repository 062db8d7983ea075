//! A national-size directory from real data: the real actors of `data/real` (Charente,
//! Nouvelle-Aquitaine, Auvergne-Rhône-Alpes) replicated onto the real commune grid (COG 2026),
//! each copy moved to another commune's centre. The mix of services, modes, publics and hours is
//! real; only the count and the places are synthetic.
//!
//! Used by the criterion benches (`benches/orient.rs`, `benches/scale.rs`) and by the bench
//! bundles' writer (`examples/national_bundle.rs`), all run by `cargo xtask bench`.

use std::path::Path;

use aiguillage_engine::bundle::Bundle;
use aiguillage_engine::calendar::{Date, LocalDateTime};
use aiguillage_engine::territory::{Commune, Communes};
use aiguillage_engine::vocab::Autonomy;
use aiguillage_engine::{Actor, Profile};
use aiguillage_import::territory::{bundle, BundleParts};
use aiguillage_import::Context;
use aiguillage_import::{project, reference, sources};

pub const REAL_FILES: &[&str] = &[
    "charente-lieux-mediation-numerique-2023.json",
    "charente-bus-france-services-2023.json",
    "conseillers-numeriques-nouvelle-aquitaine-2022.json",
    "hinaura-auvergne-rhone-alpes-2022.json",
];

/// The day hours are compiled from, and the instant orientations are asked at.
pub const BUILT_ON: &str = "2026-11-30";
pub const AT: &str = "2026-12-01T10:00";

/// One step of the scale: how many départements' worth of actors, over which communes.
pub struct Scale {
    pub name: &'static str,
    /// Département codes whose communes are kept; empty = every commune of France.
    pub departements: &'static [&'static str],
    pub actors: usize,
}

/// ~180 actors per département (18,000 for France), as in the national directories.
pub const SCALES: &[Scale] = &[
    Scale { name: "1", departements: &["16"], actors: 180 },
    // The ten Nouvelle-Aquitaine départements with the lowest codes.
    Scale { name: "10", departements: &["16", "17", "19", "23", "24", "33", "40", "47", "64", "79"], actors: 1_800 },
    Scale { name: "100", departements: &[], actors: 18_000 },
];

/// The real actors of `data/real`, imported as the CLI would (hours compiled from [`BUILT_ON`]).
pub fn templates(communes: &Communes) -> Vec<Actor> {
    let (taxonomy, _, _) = project::shipped().expect("shipped data");
    let context = Context { taxonomy: &taxonomy, communes, today: Date::parse(BUILT_ON).unwrap(), horizon_days: 400 };
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/real");
    let mut templates = Vec::new();
    for file in REAL_FILES {
        let path = data.join(file);
        let bytes = std::fs::read(&path).expect("real data file");
        templates.extend(sources::import(&path, &bytes, None, &context).into_actors());
    }
    templates
}

/// The communes of `departements` (all of France when empty), with their EPCIs.
pub fn communes_of(france: &Communes, departements: &[&str]) -> Communes {
    if departements.is_empty() {
        return france.clone();
    }
    let communes: Vec<Commune> =
        france.iter().filter(|c| departements.contains(&c.departement.as_str())).cloned().collect();
    let sirens: std::collections::HashSet<&str> = communes.iter().filter_map(|c| c.epci.as_deref()).collect();
    let epcis = france.epcis().iter().filter(|e| sirens.contains(e.siren.as_str())).cloned().collect();
    Communes::new(communes, epcis)
}

/// `count` copies of the templates spread over `communes` (a large prime stride spreads them over
/// the whole grid), the same placement as `benches/orient.rs`.
pub fn replicate(templates: &[Actor], communes: &Communes, count: usize) -> Vec<Actor> {
    let placed: Vec<&Commune> = communes.iter().filter(|c| c.point.is_some()).collect();
    (0..count)
        .map(|i| {
            let mut actor = templates[i % templates.len()].clone();
            let commune = placed[(i * 7_919) % placed.len()];
            actor.id = format!("{}-{i}", actor.id);
            actor.insee = Some(commune.insee.clone());
            actor.point = commune.point;
            actor
        })
        .collect()
}

/// The bundle of one scale step, as `aiguillage bundle` would make it.
pub fn scale_bundle(france: &Communes, templates: &[Actor], scale: &Scale) -> Bundle {
    let (taxonomy, wording, rules) = project::shipped().expect("shipped data");
    let communes = communes_of(france, scale.departements);
    let actors = replicate(templates, &communes, scale.actors);
    let territory =
        if scale.departements.len() == 1 { scale.departements[0].to_string() } else { format!("bench-{}", scale.name) };
    bundle(BundleParts {
        territory,
        territory_name: format!("{} département(s) de données répliquées", scale.name),
        built_on: Date::parse(BUILT_ON).unwrap(),
        communes,
        actors,
        taxonomy,
        wording,
        rules,
    })
}

/// Varied queries: communes spread over the grid, every top need, every autonomy.
pub fn profiles(communes: &Communes, count: usize) -> Vec<Profile> {
    let needs = ["demarches", "demarches-impots", "emploi", "bases-numeriques", "materiel", "securite", "entreprise"];
    let autonomies = [None, Some(Autonomy::Learn), Some(Autonomy::Help), Some(Autonomy::ForMe)];
    let placed: Vec<&Commune> = communes.iter().filter(|c| c.point.is_some()).collect();
    (0..count)
        .map(|i| Profile {
            commune: placed[(i * 104_729) % placed.len()].insee.to_string(),
            need: needs[i % needs.len()].to_string(),
            autonomy: autonomies[i % autonomies.len()],
            ..Profile::default()
        })
        .collect()
}

pub fn at() -> LocalDateTime {
    LocalDateTime::parse(AT).unwrap()
}

pub fn france() -> Communes {
    reference::france()
}
