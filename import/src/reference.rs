//! The commune reference (COG 2026): every current commune of France with its point, EPCI and
//! département, shipped inside the binary so that the tools need no download.

use std::collections::BTreeMap;

use aiguillage_engine::geo::GeoPoint;
use aiguillage_engine::territory::{Commune, Communes, Epci};
use aiguillage_engine::CompactStr;

use crate::diagnostic::Report;
use crate::records::read_csv;

const COMMUNES_CSV: &str = include_str!("../../data/geo/communes-2026-points.csv");
const EPCI_CSV: &str = include_str!("../../data/geo/epci-2026.csv");

/// Every commune of France. The shipped files are checked by the tests, so a problem in them is
/// a build defect, reported on standard error rather than hidden.
pub fn france() -> Communes {
    let mut report = Report::new("data/geo/communes-2026-points.csv");
    let communes = parse_communes(COMMUNES_CSV, &mut report);
    let mut epci_report = Report::new("data/geo/epci-2026.csv");
    let epcis = parse_epcis(EPCI_CSV, &mut epci_report);
    for diagnostic in
        report.diagnostics.iter().chain(&epci_report.diagnostics).filter(|d| d.severity == crate::Severity::Error)
    {
        eprintln!("{diagnostic}");
    }
    Communes::new(communes, epcis)
}

/// Reads the commune reference format (`code_insee,nom,…,latitude,longitude`).
pub fn parse_communes(text: &str, report: &mut Report) -> Vec<Commune> {
    read_csv(text, report)
        .into_iter()
        .filter_map(|record| {
            let Some(insee) = record.get("code_insee") else {
                report.error(record.line, "code_insee", "missing: expected a 5-character INSEE code");
                return None;
            };
            let point = match (record.get("latitude"), record.get("longitude")) {
                (Some(lat), Some(lon)) => {
                    lat.parse().ok().zip(lon.parse().ok()).and_then(|(lat, lon)| GeoPoint::from_degrees(lat, lon))
                }
                _ => None,
            };
            Some(Commune {
                insee: insee.into(),
                name: record.get("nom").unwrap_or(insee).into(),
                departement: record.get("code_departement").unwrap_or("").into(),
                epci: record.get("epci_siren").map(CompactStr::from),
                postal_codes: record
                    .get("codes_postaux")
                    .map_or_else(Default::default, |p| p.split('|').map(CompactStr::from).collect()),
                population: record.get("population").and_then(|p| p.parse().ok()).unwrap_or(0),
                point,
            })
        })
        .collect()
}

/// The départements of a région (COG code, e.g. `75` for Nouvelle-Aquitaine), sorted; empty when
/// the code is unknown. Only data·inclusion v0 zones name régions.
pub fn departements_of_region(region: &str) -> Vec<String> {
    regions().remove(region).unwrap_or_default()
}

/// The départements of every région (COG code), from the commune reference: the one place that
/// knows them (the CLI's `--territory region:75`, and `regions.json` for the widget's
/// `territory="region:75"`, written by `aiguillage texts`).
pub fn regions() -> BTreeMap<String, Vec<String>> {
    let mut report = Report::new("data/geo/communes-2026-points.csv");
    let mut regions: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for record in read_csv(COMMUNES_CSV, &mut report).iter() {
        let (Some(region), Some(departement)) = (record.get("code_region"), record.get("code_departement")) else {
            continue;
        };
        if !region.is_empty() {
            regions.entry(region.to_owned()).or_default().push(departement.to_owned());
        }
    }
    for departements in regions.values_mut() {
        departements.sort();
        departements.dedup();
    }
    regions
}

pub fn parse_epcis(text: &str, report: &mut Report) -> Vec<Epci> {
    read_csv(text, report)
        .into_iter()
        .filter_map(|r| Some(Epci { siren: r.get("epci_siren")?.into(), name: r.get("epci_nom")?.to_string() }))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn each_region_has_its_departements_once() {
        let regions = super::regions();
        // 13 mainland régions, 5 overseas, and the overseas collectivities' own codes (975 to 989).
        assert_eq!(regions.len(), 26, "{:?}", regions.keys());
        assert_eq!(regions["75"].len(), 12, "Nouvelle-Aquitaine: {:?}", regions["75"]);
        assert!(regions["75"].contains(&"16".to_owned()) && regions["94"] == ["2A", "2B"]);
        assert_eq!(super::departements_of_region("04"), ["974"]);
        assert!(super::departements_of_region("99").is_empty());
    }

    #[test]
    fn every_commune_whose_name_is_shared_by_more_than_eight_can_be_chosen() {
        let france = super::france();
        let mut by_name: std::collections::BTreeMap<&str, Vec<_>> = std::collections::BTreeMap::new();
        for commune in france.iter() {
            by_name.entry(commune.name.as_str()).or_default().push(commune);
        }
        let crowded: Vec<_> = by_name.values().filter(|same| same.len() > 8).flatten().collect();
        assert!(crowded.len() > 80, "Sainte-Marie, Le Pin, Beaulieu, Saint-Marcel…: {}", crowded.len());
        for commune in crowded {
            let postal = commune.postal_codes.first().map(|p| p.as_str()).unwrap_or("");
            // As the list writes it: that commune first.
            let label = format!("{} ({}) – {postal}", commune.name, commune.departement);
            let (found, total) = france.search_within(&label, 8, |_| true);
            assert_eq!(found.first().map(|c| c.insee.as_str()), Some(commune.insee.as_str()), "{label}: {total} found");
            // As a person adds the département: among the first eight.
            let typed = format!("{} {}", commune.name, commune.departement);
            let (found, total) = france.search_within(&typed, 8, |_| true);
            assert!(found.iter().any(|c| c.insee == commune.insee), "{typed}: {total} found");
        }
        // « Sainte-Marie » (65) shares its postal code with 24 others: all counted, before the
        // commune whose INSEE code is 65370.
        let (found, total) = france.search_within("65370", 30, |_| true);
        assert_eq!(total, 26);
        assert!(found[..25].iter().all(|c| c.postal_codes.iter().any(|p| p == "65370")) && found[25].insee == "65370");
    }

    #[test]
    fn the_shipped_reference_is_complete_and_clean() {
        let mut report = super::Report::new("communes");
        let communes = super::parse_communes(super::COMMUNES_CSV, &mut report);
        assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics.first());
        assert_eq!(communes.len(), 35_014);
        let france = super::france();
        // Both communes named exactly Ruffec come first, the larger one first.
        let ruffec = france.search("Ruffec", 5);
        let first_two: Vec<_> = ruffec.iter().take(2).map(|c| format!("{} ({})", c.name, c.departement)).collect();
        assert_eq!(first_two, ["Ruffec (16)", "Ruffec (36)"]);
        let angouleme = france.get("16015").expect("Angoulême");
        assert_eq!(
            france.epci(angouleme.epci.as_deref().unwrap()).map(|e| e.name.as_str()),
            Some("CA du Grand Angoulême")
        );
        assert!(angouleme.point.is_some());
    }

    #[test]
    fn regions_list_their_departements() {
        assert_eq!(super::departements_of_region("94"), ["2A", "2B"]);
        assert_eq!(super::departements_of_region("75").len(), 12);
        assert!(super::departements_of_region("99").is_empty());
    }
}
