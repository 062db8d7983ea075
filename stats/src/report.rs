//! The report for coordinators and élus: orientations per month, per need and per EPCI, the
//! demand left without a place nearby, beside the coverage of the same territory.
//!
//! # The small-count rule, and why no query undoes it
//! Every figure is a sum of *cells*: the orientations of one month, one need (its top-level
//! need), one département and one EPCI (or the département's communes without one). The cells
//! do not depend on the question asked (its period is whole months, its territory whole
//! départements), and a cell of 1 to 4 orientations ([`SHOWN_FROM`]) is in no figure at all:
//! totals are totals of the cells shown. So any figure, and any difference of two figures
//! whose cells contain one another (two periods, two lists of départements, the CSV against the
//! page, a total against its rows), is a sum of whole cells of at least 5, or 0. The part without
//! help near is shown for a cell only when neither it nor the rest is between 1 and 4. Communes
//! are named (without a number) from [`NAMED_FROM`] orientations in the period: a threshold
//! says more or less, never how many.

use std::collections::BTreeMap;

use aiguillage_engine::bundle::Bundle;
use aiguillage_engine::coverage::coverage;
use aiguillage_engine::geo::GeoPoint;
use aiguillage_engine::taxonomy::NeedId;
use aiguillage_engine::territory::{Commune, Communes};
use aiguillage_engine::{Date, Taxonomy};
use aiguillage_paper::zones;

use crate::store::MonthRow;

/// A cell under this many orientations is not published, nor counted in any total.
pub const SHOWN_FROM: u64 = 5;
/// A commune is named (never with its count) from this many orientations in the period.
pub const NAMED_FROM: u64 = 5;

/// Months `from` to `to`, both included, as `(year, month)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Period {
    pub from: (i32, u32),
    pub to: (i32, u32),
}

impl Period {
    /// The twelve months that end with the month of `today`.
    pub fn last_twelve_months(today: Date) -> Period {
        let (year, month, _) = today.ymd();
        let from = if month == 12 { (year, 1) } else { (year - 1, month + 1) };
        Period { from, to: (year, month) }
    }

    pub fn months(self) -> Vec<(i32, u32)> {
        let mut months = Vec::new();
        let mut at = self.from;
        while at <= self.to && months.len() < 1200 {
            months.push(at);
            at = if at.1 == 12 { (at.0 + 1, 1) } else { (at.0, at.1 + 1) };
        }
        months
    }

    pub fn first_day(self) -> Date {
        Date::from_ymd(self.from.0, self.from.1, 1).unwrap_or(Date(0))
    }

    pub fn last_day(self) -> Date {
        let (year, month) = self.to;
        Date::from_ymd(year, month, aiguillage_engine::calendar::days_in_month(year, month)).unwrap_or(Date(0))
    }
}

/// Per need, the territory's communes with no place offering it within `remote_after_km`; and
/// the communes where at least one of those needs has none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CoverageSummary {
    pub communes: usize,
    /// Per need, in the order asked: its zones blanches map (each commune's distance to the
    /// nearest place, and the places).
    pub maps: Vec<NeedMap>,
    pub white_by_need: BTreeMap<String, usize>,
    /// The communes where at least one of those needs has no place within `remote_after_km`.
    pub white_communes: std::collections::BTreeSet<String>,
}

/// A need's zones blanches map: its communes as dots, and where its places are.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NeedMap {
    pub need: String,
    pub dots: Vec<zones::Dot>,
    pub places: Vec<GeoPoint>,
}

/// The coverage of the communes of `departements` by the places of `bundle`, for `needs`.
pub fn coverage_of(bundle: &Bundle, departements: &[String], needs: &[String]) -> CoverageSummary {
    let inside: Vec<Commune> = bundle.communes.iter().filter(|c| in_territory(c, departements)).cloned().collect();
    let territory = Communes::new(inside, bundle.communes.epcis().to_vec());
    let ids: Vec<(String, NeedId)> =
        needs.iter().filter_map(|code| Some((code.clone(), bundle.taxonomy.need_id(code)?))).collect();
    let need_ids: Vec<NeedId> = ids.iter().map(|(_, id)| *id).collect();
    let result = coverage(&territory, bundle.directory.actors(), &bundle.communes, &bundle.taxonomy, &need_ids);
    let limit_m = bundle.rules.remote_after_km.saturating_mul(1000);
    let mut summary = CoverageSummary { communes: result.communes.len(), ..CoverageSummary::default() };
    for (column, (code, _)) in ids.iter().enumerate() {
        let white = result
            .communes
            .iter()
            .filter(|row| row.cells[column].nearest.is_none_or(|(_, metres)| metres > limit_m))
            .count();
        summary.white_by_need.insert(code.clone(), white);
        summary.maps.push(NeedMap {
            need: code.clone(),
            dots: zones::dots(&result, &bundle.communes, column),
            places: zones::places(bundle.directory.actors(), ids[column].1, &bundle.taxonomy, &bundle.communes),
        });
    }
    for row in &result.communes {
        if row.cells.iter().any(|cell| cell.nearest.is_none_or(|(_, metres)| metres > limit_m)) {
            summary.white_communes.insert(row.insee.to_string());
        }
    }
    summary
}

/// The coverage of each of `departements`, each computed on the smallest bundle that holds it;
/// `None` when one of them is in no bundle.
pub fn coverage_for(bundles: &[Bundle], departements: &[String], needs: &[String]) -> Option<CoverageSummary> {
    let mut total = CoverageSummary::default();
    for departement in departements {
        let holds = |b: &&Bundle| b.communes.iter().any(|c| c.departement.as_str() == departement);
        let bundle = bundles.iter().filter(holds).min_by_key(|b| b.communes.len())?;
        let part = coverage_of(bundle, std::slice::from_ref(departement), needs);
        total.communes += part.communes;
        for (code, white) in part.white_by_need {
            *total.white_by_need.entry(code).or_default() += white;
        }
        total.white_communes.extend(part.white_communes);
        for map in part.maps {
            match total.maps.iter_mut().find(|m| m.need == map.need) {
                Some(into) => {
                    into.dots.extend(map.dots);
                    into.places.extend(map.places);
                }
                None => total.maps.push(map),
            }
        }
    }
    Some(total)
}

fn in_territory(commune: &Commune, departements: &[String]) -> bool {
    departements.is_empty() || departements.iter().any(|d| d.as_str() == commune.departement.as_str())
}

/// The orientations of one cell, as published: the part without help near only where it tells
/// no small count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cell {
    pub orientations: u64,
    pub without_help_near: Option<u64>,
}

impl Cell {
    /// `None` for a cell of 1 to 4 orientations: it is not published.
    fn published(orientations: u64, without_help_near: u64) -> Option<Cell> {
        if (1..SHOWN_FROM).contains(&orientations) {
            return None;
        }
        let small = |n: u64| (1..SHOWN_FROM).contains(&n);
        let with_help = orientations.saturating_sub(without_help_near);
        let without_help_near = (!small(without_help_near) && !small(with_help)).then_some(without_help_near);
        Some(Cell { orientations, without_help_near })
    }
}

/// A sum of published cells.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub orientations: u64,
    /// Of the cells whose part without help near is published.
    pub without_help_near: u64,
    /// The orientations of those cells: the share without help near is of these.
    pub help_known: u64,
}

impl Tally {
    fn add(&mut self, cell: Cell) {
        self.orientations += cell.orientations;
        if let Some(without) = cell.without_help_near {
            self.without_help_near += without;
            self.help_known += cell.orientations;
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NeedLine {
    pub code: String,
    pub label: String,
    pub tally: Tally,
    /// Communes of the territory without a place for this need within `remote_after_km`.
    pub white_communes: Option<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EpciLine {
    /// SIREN; empty for the communes that belong to no EPCI.
    pub siren: String,
    pub name: String,
    pub communes: usize,
    pub tally: Tally,
    pub white_communes: Option<usize>,
}

/// A commune with at least [`NAMED_FROM`] orientations in the period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommuneLine {
    pub insee: String,
    pub name: String,
    pub epci: String,
}

/// One line of the CSV: a published cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvLine {
    pub month: (i32, u32),
    pub need: String,
    pub departement: String,
    pub epci_siren: String,
    pub epci: String,
    pub cell: Cell,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// What the report covers, e.g. "Charente (16)".
    pub territory: String,
    /// Its départements' codes.
    pub departements: Vec<String>,
    pub period: Period,
    pub remote_after_km: u32,
    pub total: Tally,
    pub months: Vec<((i32, u32), Tally)>,
    /// The top-level needs, in the taxonomy's order.
    pub needs: Vec<NeedLine>,
    pub epcis: Vec<EpciLine>,
    /// The communes with at least [`NAMED_FROM`] orientations, by name.
    pub communes: Vec<CommuneLine>,
    /// Cells of 1 to 4 orientations, left out of every figure.
    pub hidden_cells: usize,
    pub csv: Vec<CsvLine>,
    /// Communes of the territory in all.
    pub territory_communes: usize,
    pub coverage: Option<CoverageSummary>,
}

/// What the report is built from besides the counts.
pub struct Scope<'a> {
    pub territory: String,
    pub departements: &'a [String],
    /// Names, EPCIs and départements of the communes.
    pub communes: &'a Communes,
    /// The needs and their words (the shipped taxonomy).
    pub taxonomy: &'a Taxonomy,
    pub remote_after_km: u32,
    pub coverage: Option<CoverageSummary>,
}

/// A cell's place: month, top-level need, département, EPCI's SIREN (empty: none).
type CellKey = ((i32, u32), String, String, String);

pub fn build(rows: &[MonthRow], scope: Scope<'_>, period: Period) -> Report {
    let communes = scope.communes;
    let taxonomy = scope.taxonomy;
    let top_need = |code: &str| {
        let need = taxonomy.needs.iter().find(|n| n.code == code)?;
        Some(need.parent.clone().unwrap_or_else(|| need.code.clone()))
    };

    let mut cells: BTreeMap<CellKey, (u64, u64)> = BTreeMap::new();
    let mut per_commune: BTreeMap<&str, u64> = BTreeMap::new();
    for row in rows.iter().filter(|r| r.month >= period.from && r.month <= period.to) {
        let Some(commune) = communes.get(&row.commune).filter(|c| in_territory(c, scope.departements)) else {
            continue;
        };
        let Some(need) = top_need(&row.need) else { continue };
        let key = (row.month, need, commune.departement.to_string(), commune.epci.as_deref().unwrap_or("").to_owned());
        let cell = cells.entry(key).or_default();
        cell.0 += row.orientations;
        cell.1 += row.without_help_near;
        *per_commune.entry(&row.commune).or_default() += row.orientations;
    }

    let epci_name = |siren: &str| {
        communes.epci(siren).map(|e| e.name.clone()).unwrap_or_else(|| "Communes sans intercommunalité".to_owned())
    };
    let mut total = Tally::default();
    let mut months: BTreeMap<(i32, u32), Tally> = period.months().into_iter().map(|m| (m, Tally::default())).collect();
    let mut by_need: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_epci: BTreeMap<String, Tally> = BTreeMap::new();
    let mut csv = Vec::new();
    let mut hidden_cells = 0;
    for ((month, need, departement, siren), (orientations, without)) in cells {
        let Some(cell) = Cell::published(orientations, without) else {
            hidden_cells += 1;
            continue;
        };
        total.add(cell);
        months.entry(month).or_default().add(cell);
        by_need.entry(need.clone()).or_default().add(cell);
        by_epci.entry(siren.clone()).or_default().add(cell);
        csv.push(CsvLine { month, need, departement, epci: epci_name(&siren), epci_siren: siren, cell });
    }

    let coverage = scope.coverage.as_ref();
    let needs = taxonomy
        .needs
        .iter()
        .filter(|need| need.parent.is_none())
        .map(|need| NeedLine {
            code: need.code.clone(),
            label: need.label.fr.clone(),
            tally: by_need.get(&need.code).copied().unwrap_or_default(),
            white_communes: coverage.and_then(|c| c.white_by_need.get(&need.code).copied()),
        })
        .collect();

    let mut territory_communes = 0;
    let mut groups: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for commune in communes.iter().filter(|c| in_territory(c, scope.departements)) {
        territory_communes += 1;
        let group = groups.entry(commune.epci.as_deref().unwrap_or("").to_owned()).or_default();
        group.0 += 1;
        group.1 += usize::from(coverage.is_some_and(|c| c.white_communes.contains(commune.insee.as_str())));
    }
    let mut epcis: Vec<EpciLine> = groups
        .into_iter()
        .map(|(siren, (count, white))| EpciLine {
            name: epci_name(&siren),
            communes: count,
            tally: by_epci.get(&siren).copied().unwrap_or_default(),
            white_communes: coverage.map(|_| white),
            siren,
        })
        .collect();
    epcis.sort_by(|a, b| b.tally.orientations.cmp(&a.tally.orientations).then_with(|| a.name.cmp(&b.name)));

    let mut named: Vec<CommuneLine> = per_commune
        .into_iter()
        .filter(|(_, orientations)| *orientations >= NAMED_FROM)
        .filter_map(|(insee, _)| communes.get(insee))
        .map(|commune| CommuneLine {
            insee: commune.insee.to_string(),
            name: commune.name.to_string(),
            epci: epci_name(commune.epci.as_deref().unwrap_or("")),
        })
        .collect();
    named.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.insee.cmp(&b.insee)));

    Report {
        territory: scope.territory,
        departements: scope.departements.to_vec(),
        period,
        remote_after_km: scope.remote_after_km,
        total,
        months: months.into_iter().collect(),
        needs,
        epcis,
        communes: named,
        hidden_cells,
        csv,
        territory_communes,
        coverage: scope.coverage,
    }
}
