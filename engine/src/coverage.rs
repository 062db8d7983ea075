//! Coverage of a territory: for each need and each EPCI (and each commune), how many actors offer
//! it there and how far residents are from the nearest one — the "zones blanches" a coordinator
//! and élus look for.
//!
//! Distances are straight lines from the centre of each commune (the reference point the widget
//! also measures from) to the nearest actor offering the need that the commune's residents are
//! eligible for, wherever it is (an actor across the département border counts). For an EPCI:
//! the worst-served commune (the largest of those distances) and the population-weighted mean.
//! An actor offers a sub-need when it offers the sub-need or its parent, as in orientation.
//! Actors helping at a distance are counted apart: they have no place to measure to.

use crate::geo::GeoPoint;
use crate::taxonomy::{NeedId, Taxonomy};
use crate::territory::{fold, Commune, Communes};
use crate::{Actor, CompactStr};

/// The coverage of one territory.
#[derive(Clone, Debug, PartialEq)]
pub struct Coverage {
    /// The needs measured, in taxonomy order; every `cells` list follows this order.
    pub needs: Vec<NeedId>,
    /// EPCIs with at least one commune in the territory, by name.
    pub epcis: Vec<EpciRow>,
    /// The territory's communes, by INSEE code.
    pub communes: Vec<CommuneRow>,
    /// Per need: actors offering it at a distance to residents of the territory.
    pub remote: Vec<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EpciRow {
    pub siren: String,
    pub name: String,
    /// Population of its communes in the territory.
    pub population: u64,
    /// Indexes into [`Coverage::communes`].
    pub communes: Vec<usize>,
    pub cells: Vec<EpciCell>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct EpciCell {
    /// Actors offering the need located in the EPCI (in the territory or not).
    pub actors: usize,
    /// The worst-served commune (index into [`Coverage::communes`]) and its distance, in metres;
    /// `None` when no actor offers the need anywhere within reach of the data.
    pub worst: Option<(usize, u32)>,
    /// Population-weighted mean distance from its communes, in metres.
    pub mean_m: Option<u32>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CommuneRow {
    pub insee: CompactStr,
    pub name: String,
    pub epci: Option<CompactStr>,
    pub population: u32,
    pub cells: Vec<CommuneCell>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct CommuneCell {
    /// Actors offering the need located in the commune.
    pub actors: usize,
    /// The nearest actor offering the need (index into the actors given) and its distance in
    /// metres; `None` when there is none, or the commune has no known centre.
    pub nearest: Option<(usize, u32)>,
}

/// The needs worth a column: the top-level ones. A sub-need is offered by every actor offering
/// its parent (the rule of orientation), so its column would repeat its parent's.
pub fn reported_needs(taxonomy: &Taxonomy) -> Vec<NeedId> {
    taxonomy.top_level().map(|(id, _)| id).collect()
}

/// Where an actor receives people: its point, else its commune's centre; nowhere for help given
/// only at a distance (orientation gives it no distance either: it is counted apart). The
/// zones blanches map marks the same places.
pub fn place(actor: &Actor, france: &Communes) -> Option<GeoPoint> {
    if actor.is_remote_only() {
        return None;
    }
    actor.point.or_else(|| actor.insee.as_deref().and_then(|c| france.get(c)).and_then(|c| c.point))
}

/// Whether `actor` offers `need`: the need or its parent, as in orientation.
pub fn offers(actor: &Actor, need: NeedId, taxonomy: &Taxonomy) -> bool {
    actor.needs.contains(need) || taxonomy.parent(need).is_some_and(|p| actor.needs.contains(p))
}

/// Computes the coverage of `territory` (its communes) by `actors`, placed with the `france`
/// reference (actors may be outside the territory).
pub fn coverage(
    territory: &Communes,
    actors: &[Actor],
    france: &Communes,
    taxonomy: &Taxonomy,
    needs: &[NeedId],
) -> Coverage {
    let places: Vec<Option<GeoPoint>> = actors.iter().map(|a| place(a, france)).collect();
    let actor_communes: Vec<Option<&Commune>> =
        actors.iter().map(|a| a.insee.as_deref().filter(|_| !a.is_remote_only()).and_then(|c| france.get(c))).collect();
    let mut communes: Vec<CommuneRow> = territory
        .iter()
        .map(|c| CommuneRow {
            insee: c.insee.clone(),
            name: c.name.to_string(),
            epci: c.epci.clone(),
            population: c.population,
            cells: Vec::with_capacity(needs.len()),
        })
        .collect();
    let mut remote = Vec::with_capacity(needs.len());
    for &need in needs {
        let offering: Vec<usize> = (0..actors.len()).filter(|i| offers(&actors[*i], need, taxonomy)).collect();
        remote.push(
            offering
                .iter()
                .filter(|i| actors[**i].is_remote() && territory.iter().any(|c| actors[**i].serves(c)))
                .count(),
        );
        for (row, commune) in communes.iter_mut().zip(territory.iter()) {
            let actors_here =
                offering.iter().filter(|i| actor_communes[**i].is_some_and(|c| c.insee == commune.insee)).count();
            let nearest = commune.point.and_then(|centre| {
                offering
                    .iter()
                    .filter(|i| actors[**i].serves(commune))
                    .filter_map(|i| places[*i].map(|p| (*i, centre.distance_m(p))))
                    .min_by_key(|(i, metres)| (*metres, actors[*i].id.clone()))
            });
            row.cells.push(CommuneCell { actors: actors_here, nearest });
        }
    }
    let epcis = epci_rows(territory, france, &communes, &actor_communes, actors, taxonomy, needs);
    Coverage { needs: needs.to_vec(), epcis, communes, remote }
}

fn epci_rows(
    territory: &Communes,
    france: &Communes,
    communes: &[CommuneRow],
    actor_communes: &[Option<&Commune>],
    actors: &[Actor],
    taxonomy: &Taxonomy,
    needs: &[NeedId],
) -> Vec<EpciRow> {
    let mut sirens: Vec<&str> = territory.iter().filter_map(|c| c.epci.as_deref()).collect();
    sirens.sort_unstable();
    sirens.dedup();
    let mut rows: Vec<EpciRow> = sirens
        .into_iter()
        .map(|siren| {
            let members: Vec<usize> =
                (0..communes.len()).filter(|i| communes[*i].epci.as_deref() == Some(siren)).collect();
            let cells = needs
                .iter()
                .enumerate()
                .map(|(column, need)| {
                    let actors_in = actors
                        .iter()
                        .zip(actor_communes)
                        .filter(|(a, c)| {
                            c.is_some_and(|c| c.epci.as_deref() == Some(siren)) && offers(a, *need, taxonomy)
                        })
                        .count();
                    epci_cell(communes, &members, column, actors_in)
                })
                .collect();
            EpciRow {
                siren: siren.to_string(),
                name: france.epci(siren).map_or_else(|| siren.to_string(), |e| e.name.clone()),
                population: members.iter().map(|i| u64::from(communes[*i].population)).sum(),
                communes: members,
                cells,
            }
        })
        .collect();
    rows.sort_by_cached_key(|row| (fold(&row.name), row.siren.clone()));
    rows
}

fn epci_cell(communes: &[CommuneRow], members: &[usize], column: usize, actors: usize) -> EpciCell {
    let measured: Vec<(usize, u32, u64)> = members
        .iter()
        .filter_map(|i| communes[*i].cells[column].nearest.map(|(_, m)| (*i, m, u64::from(communes[*i].population))))
        .collect();
    let worst = measured.iter().max_by_key(|(i, m, _)| (*m, std::cmp::Reverse(*i))).map(|(i, m, _)| (*i, *m));
    let weight: u64 = measured.iter().map(|(_, _, p)| *p).sum();
    let mean_m = match (measured.len(), weight) {
        (0, _) => None,
        // Without populations, every commune counts the same.
        (n, 0) => Some((measured.iter().map(|(_, m, _)| u64::from(*m)).sum::<u64>() / n as u64) as u32),
        (_, w) => Some((measured.iter().map(|(_, m, p)| u64::from(*m) * p).sum::<u64>() / w) as u32),
    };
    EpciCell { actors, worst, mean_m }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::taxonomy::{Need, NeedSet, Text, TextList};
    use crate::territory::Epci;
    use crate::Zone;

    fn need(code: &str, parent: Option<&str>, own: bool) -> Need {
        Need {
            code: code.into(),
            parent: parent.map(Into::into),
            pictogram: String::new(),
            label: Text::default(),
            hint: Text::default(),
            mediation_v1: if own { vec![code.into()] } else { vec![] },
            mediation_v0: vec![],
            data_inclusion: vec![],
            bring: TextList::default(),
        }
    }

    fn taxonomy() -> Taxonomy {
        Taxonomy::new(
            vec![
                need("a", None, true),
                need("a-1", Some("a"), false),
                need("a-2", Some("a"), true),
                need("b", None, true),
            ],
            vec![],
        )
        .unwrap()
    }

    fn commune(insee: &str, epci: &str, population: u32, lat: f64) -> Commune {
        Commune {
            insee: insee.into(),
            name: format!("C{insee}").into(),
            departement: "16".into(),
            epci: Some(epci.into()),
            postal_codes: Default::default(),
            population,
            point: GeoPoint::from_degrees(lat, 0.0),
        }
    }

    fn actor(id: &str, needs: &[NeedId], insee: &str) -> Actor {
        let mut actor = Actor::new(id, id);
        let mut set = NeedSet::default();
        needs.iter().for_each(|n| set.insert(*n));
        actor.needs = set;
        actor.insee = Some(insee.into());
        actor
    }

    /// Two EPCIs along a meridian: 1 and 2 in E1 (0.1° apart, about 11.1 km), 3 in E2.
    fn reference() -> Communes {
        Communes::new(
            vec![
                commune("16001", "E1", 1000, 45.0),
                commune("16002", "E1", 3000, 45.1),
                commune("16003", "E2", 500, 45.3),
            ],
            vec![
                Epci { siren: "E1".into(), name: "CC Un".into() },
                Epci { siren: "E2".into(), name: "CA Deux".into() },
            ],
        )
    }

    #[test]
    fn only_top_level_needs_are_columns() {
        assert_eq!(reported_needs(&taxonomy()), [0, 3]);
    }

    #[test]
    fn worst_served_commune_and_weighted_mean() {
        let france = reference();
        let actors = [actor("x", &[0], "16001")];
        let result = coverage(&france, &actors, &france, &taxonomy(), &[0, 1, 3]);
        let e1 = result.epcis.iter().find(|e| e.siren == "E1").unwrap();
        assert_eq!((e1.population, e1.cells[0].actors), (4000, 1));
        let (worst, metres) = e1.cells[0].worst.unwrap();
        assert_eq!(result.communes[worst].insee, "16002");
        assert_eq!(metres / 100, 111, "{metres}");
        // (1000 × 0 + 3000 × 11 120) / 4000
        assert_eq!(e1.cells[0].mean_m.unwrap() / 100, 83);
        // A sub-need inherits its parent's actors.
        assert_eq!(e1.cells[1], e1.cells[0]);
        // Nobody offers b: a zone blanche everywhere.
        assert_eq!(e1.cells[2], EpciCell { actors: 0, worst: None, mean_m: None });
        let e2 = &result.epcis[0];
        assert_eq!((e2.name.as_str(), e2.cells[0].actors), ("CA Deux", 0));
        assert_eq!(e2.cells[0].worst.map(|(_, m)| m / 1000), Some(33));
    }

    #[test]
    fn eligibility_zones_are_hard_limits_and_remote_help_is_counted_apart() {
        let france = reference();
        let mut zoned = actor("zoned", &[3], "16001");
        zoned.zone = Some(Zone { epcis: vec!["E1".into()], ..Zone::default() });
        let mut remote = actor("remote", &[3], "16001");
        remote.insee = None;
        remote.modes.insert(crate::vocab::Mode::ADistance);
        let result = coverage(&france, &[zoned, remote], &france, &taxonomy(), &[3]);
        let c3 = result.communes.iter().find(|c| c.insee == "16003").unwrap();
        assert_eq!(c3.cells[0].nearest, None, "outside the zone, the actor does not count");
        assert_eq!(result.communes[0].cells[0].nearest, Some((0, 0)));
        assert_eq!(result.remote, [1]);
    }

    #[test]
    fn a_place_helping_only_at_a_distance_is_not_a_place_of_its_commune() {
        let france = reference();
        let mut phone_only = actor("telephone", &[3], "16001");
        phone_only.modes.insert(crate::vocab::Mode::ADistance);
        let mut both = actor("les-deux", &[3], "16003");
        both.modes.insert(crate::vocab::Mode::ADistance);
        both.modes.insert(crate::vocab::Mode::Individuel);
        let result = coverage(&france, &[phone_only, both], &france, &taxonomy(), &[3]);
        let e1 = result.epcis.iter().find(|e| e.siren == "E1").unwrap();
        assert_eq!(e1.cells[0].actors, 0, "its office does not make a place in the commune");
        assert_eq!(result.communes[0].cells[0].nearest.map(|(i, _)| i), Some(1), "the nearest is on site");
        assert_eq!(result.remote, [2], "both help at a distance");
    }
}
