//! The report for coordinators and élus: orientations per month, per need and per EPCI, the
//! demand left without a place nearby, beside the coverage of the same territory; a commune is
//! named only where it counts at least [`NAMED_FROM`] orientations in the period.

use std::collections::BTreeMap;

use aiguillage_engine::bundle::Bundle;
use aiguillage_engine::taxonomy::NeedId;
use aiguillage_engine::territory::{Commune, Communes};
use aiguillage_engine::{Date, Taxonomy};
use aiguillage_import::coverage::coverage;

use crate::store::MonthRow;

/// Below this many orientations in the period, a commune is counted in "autres communes": a
/// small count could point at a person.
pub const NAMED_FROM: u64 = 5;
/// The group (EPCI table, CSV) of the communes alone in theirs with fewer than [`NAMED_FROM`].
const SMALL_GROUPS: &str = "autres";

/// Months `from` to `to`, both included, as `(year, month)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
    pub white_by_need: BTreeMap<String, usize>,
    /// The communes where at least one of those needs has no place within `remote_after_km`.
    pub white_communes: std::collections::BTreeSet<String>,
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
    }
    Some(total)
}

fn in_territory(commune: &Commune, departements: &[String]) -> bool {
    departements.is_empty() || departements.iter().any(|d| d.as_str() == commune.departement.as_str())
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub orientations: u64,
    pub without_help_near: u64,
}

impl Tally {
    fn add(&mut self, row: &MonthRow) {
        self.orientations += row.orientations;
        self.without_help_near += row.without_help_near;
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

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommuneLine {
    pub insee: String,
    pub name: String,
    pub epci: String,
    pub tally: Tally,
}

/// One line of the CSV: a month, a need, an EPCI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvLine {
    pub month: (i32, u32),
    pub need: String,
    pub epci_siren: String,
    pub epci: String,
    pub tally: Tally,
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
    pub needs: Vec<NeedLine>,
    pub epcis: Vec<EpciLine>,
    /// The communes with at least [`NAMED_FROM`] orientations, most first.
    pub communes: Vec<CommuneLine>,
    /// The other communes with orientations: how many, and their sum.
    pub other_communes: (usize, Tally),
    pub csv: Vec<CsvLine>,
    /// Orientations of communes alone in their group (no EPCI, or an EPCI of one) that stay
    /// under the small-count rule even together: in the totals, not in the EPCI table or the CSV.
    pub undisclosed: Tally,
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

pub fn build(rows: &[MonthRow], scope: Scope<'_>, period: Period) -> Report {
    let communes = scope.communes;
    let rows: Vec<&MonthRow> = rows
        .iter()
        .filter(|r| r.month >= period.from && r.month <= period.to)
        .filter(|r| communes.get(&r.commune).is_some_and(|c| in_territory(c, scope.departements)))
        .collect();
    let epci_of = |insee: &str| communes.get(insee).and_then(|c| c.epci.as_deref()).unwrap_or("").to_owned();
    let mut territory_communes = 0;
    let mut epci_communes: BTreeMap<String, usize> = BTreeMap::new();
    for commune in communes.iter().filter(|c| in_territory(c, scope.departements)) {
        territory_communes += 1;
        *epci_communes.entry(commune.epci.as_deref().unwrap_or("").to_owned()).or_default() += 1;
    }
    // A group of one commune (an EPCI of one, or the one commune without an EPCI, as L'Île-d'Yeu)
    // would name it: under the small-count rule it joins the other such groups.
    let mut per_commune: BTreeMap<&str, u64> = BTreeMap::new();
    for row in &rows {
        *per_commune.entry(&row.commune).or_default() += row.orientations;
    }
    let group_of = |insee: &str| {
        let siren = epci_of(insee);
        let alone = epci_communes.get(&siren) == Some(&1);
        if alone && per_commune.get(insee).copied().unwrap_or(0) < NAMED_FROM {
            SMALL_GROUPS.to_owned()
        } else {
            siren
        }
    };
    let epci_name = |siren: &str| match siren {
        SMALL_GROUPS => "Groupes d'une seule commune, chacune sous 5 orientations".to_owned(),
        _ => {
            communes.epci(siren).map(|e| e.name.clone()).unwrap_or_else(|| "Communes sans intercommunalité".to_owned())
        }
    };

    let mut total = Tally::default();
    let mut months: BTreeMap<(i32, u32), Tally> = period.months().into_iter().map(|m| (m, Tally::default())).collect();
    let mut by_need: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut by_epci: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_commune: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut csv: BTreeMap<((i32, u32), &str, String), Tally> = BTreeMap::new();
    for row in &rows {
        total.add(row);
        months.entry(row.month).or_default().add(row);
        by_need.entry(&row.need).or_default().add(row);
        by_epci.entry(group_of(&row.commune)).or_default().add(row);
        by_commune.entry(&row.commune).or_default().add(row);
        csv.entry((row.month, &row.need, group_of(&row.commune))).or_default().add(row);
    }

    // Needs in the taxonomy's order: every need asked for, and every top-level need.
    let coverage = scope.coverage.as_ref();
    let needs = scope
        .taxonomy
        .needs
        .iter()
        .filter(|need| need.parent.is_none() || by_need.contains_key(need.code.as_str()))
        .map(|need| NeedLine {
            code: need.code.clone(),
            label: need.label.fr.clone(),
            tally: by_need.get(need.code.as_str()).copied().unwrap_or_default(),
            white_communes: coverage.and_then(|c| c.white_by_need.get(&need.code).copied()),
        })
        .collect();

    let mut groups: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for commune in communes.iter().filter(|c| in_territory(c, scope.departements)) {
        let group = groups.entry(group_of(&commune.insee)).or_default();
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

    let mut named = Vec::new();
    let mut others = (0, Tally::default());
    for (insee, tally) in by_commune {
        if tally.orientations >= NAMED_FROM {
            let commune = communes.get(insee);
            named.push(CommuneLine {
                insee: insee.to_owned(),
                name: commune.map(|c| c.name.to_string()).unwrap_or_default(),
                epci: epci_name(&group_of(insee)),
                tally,
            });
        } else {
            others.0 += 1;
            others.1.orientations += tally.orientations;
            others.1.without_help_near += tally.without_help_near;
        }
    }
    named.sort_by(|a, b| b.tally.orientations.cmp(&a.tally.orientations).then_with(|| a.insee.cmp(&b.insee)));

    // Still under the rule all together (one such commune in the territory, say): not detailed.
    let small = by_epci.get(SMALL_GROUPS).copied().unwrap_or_default();
    let undisclosed = if small.orientations < NAMED_FROM { small } else { Tally::default() };
    if undisclosed.orientations > 0 {
        epcis.iter_mut().filter(|e| e.siren == SMALL_GROUPS).for_each(|e| e.tally = Tally::default());
    }
    let csv = csv
        .into_iter()
        .filter(|((_, _, siren), _)| undisclosed.orientations == 0 || siren != SMALL_GROUPS)
        .map(|((month, need, siren), tally)| CsvLine {
            month,
            need: need.to_owned(),
            epci: epci_name(&siren),
            epci_siren: siren,
            tally,
        })
        .collect();

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
        other_communes: others,
        csv,
        undisclosed,
        territory_communes,
        coverage: scope.coverage,
    }
}
