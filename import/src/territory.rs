//! Cutting a territory (one or several départements) out of national data, and bundling it for
//! the widget.

use std::collections::HashSet;

use aiguillage_engine::bundle::Bundle;
use aiguillage_engine::calendar::Date;
use aiguillage_engine::geo::GeoPoint;
use aiguillage_engine::territory::Communes;
use aiguillage_engine::{Actor, Directory, Rules, Taxonomy, Wording};

use crate::diagnostic::Report;
use crate::reference;

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
    // The territory's box widened by the border distance: what lies outside cannot be within it
    // of any commune, and a national run asks this of every place for every département.
    let reach = Reach::around(&centres, border_km);
    let near_border =
        |point: GeoPoint| reach.contains(point) && centres.iter().any(|centre| centre.distance_m(point) <= border_m);
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

/// A box around points, widened by a distance, in 1e-5 degree.
struct Reach {
    lat: (i64, i64),
    lon: (i64, i64),
}

impl Reach {
    fn around(points: &[GeoPoint], km: u32) -> Reach {
        let lat = points.iter().map(|p| i64::from(p.lat_e5));
        let lon = points.iter().map(|p| i64::from(p.lon_e5));
        let (lat_min, lat_max) = (lat.clone().min().unwrap_or(0), lat.max().unwrap_or(0));
        let (lon_min, lon_max) = (lon.clone().min().unwrap_or(0), lon.max().unwrap_or(0));
        // A degree of latitude is 111 km; one of longitude shrinks with the cosine of the latitude
        // nearest a pole (never taken below 0.1, so the box stays finite).
        let lat_margin = i64::from(km) * 100_000 / 110 + 1;
        let farthest = (lat_min.abs().max(lat_max.abs()) + lat_margin) as f64 / 1e5;
        let shrink = farthest.min(89.0).to_radians().cos().max(0.1);
        let lon_margin = (lat_margin as f64 / shrink) as i64 + 1;
        Reach { lat: (lat_min - lat_margin, lat_max + lat_margin), lon: (lon_min - lon_margin, lon_max + lon_margin) }
    }

    fn contains(&self, point: GeoPoint) -> bool {
        let (lat, lon) = (i64::from(point.lat_e5), i64::from(point.lon_e5));
        (self.lat.0..=self.lat.1).contains(&lat) && (self.lon.0..=self.lon.1).contains(&lon)
    }
}

/// A `--territory` value that names no territory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownTerritory {
    pub given: String,
    pub region: bool,
}

impl std::fmt::Display for UnknownTerritory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.region {
            write!(
                f,
                "unknown région `{}`: expected a COG région code, e.g. region:75 (Nouvelle-Aquitaine)",
                self.given
            )
        } else {
            write!(
                f,
                "unknown territory `{}`: expected a département code such as 16, 2A or 971, several separated by commas, region:CODE or all",
                self.given
            )
        }
    }
}

impl std::error::Error for UnknownTerritory {}

/// The départements of a territory as coordinators write it: codes separated by commas,
/// `region:CODE`, `all`; each once, in the order given (`all`: in code order).
pub fn departements_of(spec: &str, france: &Communes) -> Result<Vec<String>, UnknownTerritory> {
    let known = |code: &str| france.iter().any(|c| c.departement.as_str() == code);
    let mut departements: Vec<String> = Vec::new();
    let add = |code: String, departements: &mut Vec<String>| {
        if !departements.contains(&code) {
            departements.push(code);
        }
    };
    for part in spec.split(',').map(str::trim) {
        if part.eq_ignore_ascii_case("all") {
            let mut all: Vec<String> = france.iter().map(|c| c.departement.to_string()).collect();
            all.sort();
            all.dedup();
            all.into_iter().for_each(|code| add(code, &mut departements));
        } else if let Some(region) = part.strip_prefix("region:") {
            let of_region = reference::departements_of_region(region.trim());
            if of_region.is_empty() {
                return Err(UnknownTerritory { given: region.to_string(), region: true });
            }
            of_region.into_iter().for_each(|code| add(code, &mut departements));
        } else if known(part) {
            add(part.to_string(), &mut departements);
        } else {
            return Err(UnknownTerritory { given: part.to_string(), region: false });
        }
    }
    Ok(departements)
}

/// The name of a département from its code (COG 2026), or the code itself when unknown.
pub fn departement_name(code: &str) -> String {
    const DEPARTEMENTS: &str = include_str!("../../data/geo/departements-2026.json");
    let parsed: serde_json::Value = serde_json::from_str(DEPARTEMENTS).unwrap_or_default();
    parsed
        .as_array()
        .and_then(|list| list.iter().find(|d| d["code"] == code))
        .and_then(|d| d["nom"].as_str())
        .unwrap_or(code)
        .to_string()
}

/// What a bundle is built from besides the places: the project's words and rules, and the day
/// its opening hours start.
pub struct Project<'a> {
    pub france: &'a Communes,
    pub taxonomy: &'a Taxonomy,
    pub wording: &'a Wording,
    pub rules: &'a Rules,
    pub built_on: Date,
}

/// The bundle of the `departements` (one or several), cut out of every place given, with the
/// places across their border within `border_km`.
pub fn cut(project: &Project<'_>, departements: &[&str], actors: Vec<Actor>, report: &mut Report) -> Bundle {
    let (communes, actors) = select(departements, project.france, actors, project.rules.border_km, report);
    let name = departements.iter().map(|code| departement_name(code)).collect::<Vec<_>>().join(", ");
    bundle(BundleParts {
        territory: departements.join(","),
        territory_name: name,
        built_on: project.built_on,
        communes,
        actors,
        taxonomy: project.taxonomy.clone(),
        wording: project.wording.clone(),
        rules: project.rules.clone(),
    })
}

/// A population as the commune question uses it, to list the larger of homonyms first (unless
/// both share a class: then the INSEE order decides): its three leading bits (classes 14 to 25 %
/// apart), about half the bytes of exact figures once compressed. Never larger than the
/// population, and in the same order.
fn size_class(population: u32) -> u32 {
    let shift = (32 - population.leading_zeros()).saturating_sub(3);
    population >> shift << shift
}

/// The commune question of a folder of bundles: every commune of its départements (code,
/// name, postal codes, point, département, EPCI) with the taxonomy and rules, and no place. A
/// bundle like the others, so the widget reads it with the same decoder.
pub fn index_bundle(project: &Project<'_>, departements: &[String]) -> Bundle {
    let codes: Vec<&str> = departements.iter().map(String::as_str).collect();
    let mut report = Report::new("(index)");
    let (communes, _) = select(&codes, project.france, Vec::new(), 0, &mut report);
    // What the commune question needs: no EPCI; points to the hundredth of a degree (about a
    // kilometre), enough to tell homonyms apart and to find the nearest département.
    let coarse = |v: i32| (v + v.signum() * 500) / 1000 * 1000;
    let communes = Communes::new(
        communes
            .iter()
            .cloned()
            .map(|mut c| {
                c.epci = None;
                c.point = c.point.map(|p| GeoPoint { lat_e5: coarse(p.lat_e5), lon_e5: coarse(p.lon_e5) });
                c.population = size_class(c.population);
                c
            })
            .collect(),
        Vec::new(),
    );
    bundle(BundleParts {
        territory: "index".into(),
        territory_name: match departements {
            [one] => departement_name(one),
            _ => "France".into(),
        },
        built_on: project.built_on,
        communes,
        actors: Vec::new(),
        taxonomy: project.taxonomy.clone(),
        wording: Wording::default(),
        rules: project.rules.clone(),
    })
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

#[cfg(test)]
mod tests {
    #[test]
    fn a_size_class_keeps_the_order_and_the_first_three_bits() {
        let mut previous = 0;
        for population in (0..100_000).chain([u32::MAX - 1, u32::MAX]) {
            let class = super::size_class(population);
            assert!(class <= population && class >= previous, "{population} -> {class}");
            // Within a quarter of the figure (exact below 8).
            assert!(u64::from(population - class) * 4 <= u64::from(population), "{population} -> {class}");
            previous = class;
        }
        assert_eq!(super::size_class(3_307), 3_072);
        assert_eq!(super::size_class(7), 7);
    }

    #[test]
    fn the_box_holds_every_point_within_the_distance() {
        use aiguillage_engine::geo::GeoPoint;
        let centres = [GeoPoint::from_degrees(45.65, 0.16).unwrap(), GeoPoint::from_degrees(46.03, 0.67).unwrap()];
        let reach = super::Reach::around(&centres, 20);
        for bearing in 0..36 {
            let angle = f64::from(bearing * 10).to_radians();
            for centre in centres {
                // 19.9 km away, in every direction.
                let (lat, lon) = (f64::from(centre.lat_e5) / 1e5, f64::from(centre.lon_e5) / 1e5);
                let dlat = 19.9 / 111.2 * angle.cos();
                let dlon = 19.9 / (111.2 * lat.to_radians().cos()) * angle.sin();
                let point = GeoPoint::from_degrees(lat + dlat, lon + dlon).unwrap();
                assert!(centre.distance_m(point) <= 20_000);
                assert!(reach.contains(point), "{bearing}");
            }
        }
        assert!(!reach.contains(GeoPoint::from_degrees(48.85, 2.35).unwrap()), "Paris is far from Charente");
    }

    #[test]
    fn territories_are_read_as_coordinators_write_them() {
        let france = crate::reference::france();
        assert_eq!(super::departements_of("16, 86,16", &france).unwrap(), ["16", "86"]);
        assert_eq!(super::departements_of("region:94", &france).unwrap(), ["2A", "2B"]);
        assert_eq!(super::departements_of("all", &france).unwrap().len(), 109);
        let error = super::departements_of("16,99", &france).unwrap_err();
        assert_eq!(error.given, "99");
        assert!(error.to_string().contains("département code"), "{error}");
        assert!(super::departements_of("region:99", &france).unwrap_err().region);
    }
}
