//! Cutting a territory (one or several départements) out of national data, and bundling it for
//! the widget.

use std::collections::HashSet;

use aiguillage_engine::bundle::Bundle;
use aiguillage_engine::calendar::Date;
use aiguillage_engine::geo::GeoPoint;
use aiguillage_engine::territory::Communes;
use aiguillage_engine::{Actor, Directory, Rules, Taxonomy, Wording};

use crate::diagnostic::Report;

/// Keeps the communes of the `departements`, and the actors that serve them: located in them, helping
/// only at a distance, whose eligibility zone names it, or located in a neighbouring département
/// within `border_km` of one of its communes ("hors de votre département": ranked by the same
/// rules). Actors across the border are kept with their own point: one without a point cannot
/// be measured from the territory and is left out. Actors with the same id keep the first and
/// are reported.
pub fn select(
    departements: &[&str],
    france: &Communes,
    actors: Vec<Actor>,
    border_km: u32,
    report: &mut Report,
) -> (Communes, Vec<Actor>) {
    let communes: Vec<_> = france.iter().filter(|c| departements.contains(&c.departement.as_str())).cloned().collect();
    let epci_sirens: HashSet<&str> = communes.iter().filter_map(|c| c.epci.as_deref()).collect();
    let epcis = france.epcis().iter().filter(|e| epci_sirens.contains(e.siren.as_str())).cloned().collect();
    let territory = Communes::new(communes, epcis);
    let centres: Vec<GeoPoint> = territory.iter().filter_map(|c| c.point).collect();
    let border_m = border_km.saturating_mul(1000);
    let near_border = |point: GeoPoint| centres.iter().any(|centre| centre.distance_m(point) <= border_m);
    let mut seen = HashSet::new();
    let mut kept = Vec::new();
    let mut across = 0;
    for actor in actors {
        let inside = match actor.insee.as_deref() {
            Some(insee) => territory.get(insee).is_some(),
            None => departements.iter().any(|d| d.len() == 2 && actor.postal_code.starts_with(d)),
        };
        let zone_names_it =
            actor.zone.as_ref().is_some_and(|z| z.departements.iter().any(|d| departements.contains(&d.as_str())));
        let across_border = !inside && actor.point.is_some_and(near_border);
        if !(inside || zone_names_it || actor.is_remote_only() || across_border) {
            continue;
        }
        if !seen.insert(actor.id.clone()) {
            report.warning(0, "id", format!("`{}` appears more than once: the first one is kept", actor.id));
            continue;
        }
        across += usize::from(across_border && !actor.is_remote_only());
        kept.push(actor);
    }
    if across > 0 {
        report.warning(
            0,
            "(border)",
            format!("{across} places of neighbouring départements within {border_km} km of the territory are included"),
        );
    }
    (territory, kept)
}

pub struct BundleParts {
    pub territory: String,
    pub territory_name: String,
    pub built_on: Date,
    pub communes: Communes,
    pub actors: Vec<Actor>,
    pub taxonomy: Taxonomy,
    pub wording: Wording,
    pub rules: Rules,
}

pub fn bundle(parts: BundleParts) -> Bundle {
    let directory = Directory::new(parts.actors, &parts.communes);
    Bundle {
        territory: parts.territory,
        territory_name: parts.territory_name,
        built_on: parts.built_on,
        communes: parts.communes,
        taxonomy: parts.taxonomy,
        wording: parts.wording,
        rules: parts.rules,
        directory,
    }
}
