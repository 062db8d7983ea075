//! What a run did, for the coordinator (text on stdout) and for the history and the server's
//! dashboard (JSON, kept with each publication and as `state_dir/last-run.json`).

use std::fmt::Write;

use aiguillage_engine::calendar::Date;
use serde::{Deserialize, Serialize};

use crate::build::Figures;
use crate::compare::Changes;

pub const LAST_RUN: &str = "last-run.json";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunReport {
    /// Unix seconds.
    pub started: i64,
    pub finished: i64,
    pub outcome: Outcome,
    pub sources: Vec<SourceReport>,
    pub departements: Vec<DepartementReport>,
    /// Records merged into the card of the same place, across sources.
    pub merged: usize,
    /// Corrections of the coordinator's workspace applied to the places.
    #[serde(default)]
    pub corrected: usize,
    /// What the corrections could not do, and their conflicts with the sources (file and line).
    #[serde(default)]
    pub correction_notes: Vec<String>,
    /// The corrected fields whose sources' value changed since the correction (the workspace
    /// shows them to review).
    #[serde(default)]
    pub conflicts: Vec<Conflict>,
}

/// A corrected field the sources now say otherwise than when it was corrected.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    pub place: String,
    pub field: String,
    /// The sources' value now.
    pub now: String,
    /// Their value when the correction was made.
    pub then: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Outcome {
    /// A new publication is live.
    Published { id: String },
    /// Every file is the same as the live one: nothing was swapped.
    Unchanged { live: Option<String> },
    /// `--dry-run`: nothing was written to the served folder.
    DryRun,
    /// No source and no local file could be read at all: nothing to build.
    NothingToBuild,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SourceReport {
    pub name: String,
    /// The address, without any key.
    pub url: String,
    pub licence: Option<String>,
    pub status: SourceStatus,
    /// The snapshot used, relative to `state_dir`.
    pub snapshot: Option<String>,
    /// The day of that snapshot's download.
    pub snapshot_date: Option<String>,
    pub error: Option<String>,
    pub figures: Option<Figures>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceStatus {
    /// Downloaded, changed, used.
    Fresh,
    /// Unchanged since the last download (304, or the same bytes).
    NotModified,
    /// Its `refresh` period has not passed: the last snapshot is used without asking.
    NotDue,
    /// Failed; the last good snapshot is used.
    FailedKept,
    /// Failed, and never succeeded: absent from the publication.
    FailedAbsent,
    /// A local file of the coordinator's.
    Local,
}

impl SourceStatus {
    pub fn failed(self) -> bool {
        matches!(self, SourceStatus::FailedKept | SourceStatus::FailedAbsent)
    }

    /// The status as the report and the history say it.
    pub fn words(self) -> &'static str {
        match self {
            SourceStatus::Fresh => "fresh",
            SourceStatus::NotModified => "not modified",
            SourceStatus::NotDue => "not due",
            SourceStatus::FailedKept => "FAILED, kept",
            SourceStatus::FailedAbsent => "FAILED, absent",
            SourceStatus::Local => "local file",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DepartementReport {
    pub code: String,
    pub name: String,
    pub changes: Changes,
    /// Why the guard kept the live bundle instead.
    pub refused: Option<String>,
    /// Published despite the guard (`--force`).
    pub forced: bool,
}

impl RunReport {
    pub fn refused(&self) -> impl Iterator<Item = &DepartementReport> {
        self.departements.iter().filter(|d| d.refused.is_some() && !d.forced)
    }

    /// Every source asked failed (local files aside).
    pub fn every_source_failed(&self) -> bool {
        let asked: Vec<_> = self.sources.iter().filter(|s| s.status != SourceStatus::Local).collect();
        !asked.is_empty() && asked.iter().all(|s| s.status.failed())
    }

    /// The report as the coordinator reads it.
    pub fn text(&self, today: Date) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "Sources");
        let width = self.sources.iter().map(|s| s.name.chars().count()).max().unwrap_or(0);
        for source in &self.sources {
            let _ = write!(out, "  {:width$}  {:14}", source.name, source.status.words());
            if let Some(figures) = &source.figures {
                let _ = write!(out, "  {} places", figures.places);
                if figures.rows_left_out > 0 {
                    let _ = write!(out, ", {} rows left out", figures.rows_left_out);
                }
                if let Some(newest) = &figures.newest_record {
                    let _ = write!(out, ", newest record {newest}");
                }
            }
            if let Some(date) = &source.snapshot_date {
                let age = Date::parse(date).map(|d| today.0 - d.0).unwrap_or(0);
                let _ = write!(out, " (downloaded {date}, {age} days ago)");
            }
            let _ = writeln!(out);
            if let Some(error) = &source.error {
                let _ = writeln!(out, "  {:width$}    {error}", "");
            }
            for problem in source.figures.iter().flat_map(|f| &f.first_errors) {
                let _ = writeln!(out, "  {:width$}    {problem}", "");
            }
        }
        let _ = writeln!(out, "Départements");
        for departement in &self.departements {
            let changes = &departement.changes;
            let _ = write!(out, "  {} {}: {} places", departement.code, departement.name, changes.places);
            match changes.live_places {
                None => {
                    let _ = write!(out, " (first publication)");
                }
                Some(_) => {
                    let _ = write!(
                        out,
                        " (+{} -{}, {} changed",
                        changes.added.len(),
                        changes.removed.len(),
                        changes.changed.len()
                    );
                    let mut fields: Vec<(&str, usize)> = Vec::new();
                    for name in changes.changed.values().flatten() {
                        match fields.iter_mut().find(|(n, _)| n == name) {
                            Some((_, count)) => *count += 1,
                            None => fields.push((name, 1)),
                        }
                    }
                    if !fields.is_empty() {
                        let list: Vec<String> = fields.iter().map(|(n, c)| format!("{n} {c}")).collect();
                        let _ = write!(out, ": {}", list.join(", "));
                    }
                    let _ = write!(out, ")");
                }
            }
            if let Some(refused) = &departement.refused {
                if departement.forced {
                    let _ = write!(out, " — published by --force although it {refused}");
                } else {
                    let _ = write!(
                        out,
                        " — NOT PUBLISHED: it {refused}; the live bundle stays (check the sources, or --force {})",
                        departement.code
                    );
                }
            }
            let _ = writeln!(out);
        }
        if self.merged > 0 {
            let _ = writeln!(out, "{} records merged into the card of the same place", self.merged);
        }
        if self.corrected > 0 {
            let _ = writeln!(out, "{} places corrected in the workspace", self.corrected);
        }
        for note in &self.correction_notes {
            let _ = writeln!(out, "  {note}");
        }
        let _ = match &self.outcome {
            Outcome::Published { id } => writeln!(out, "Publication {id} is live."),
            Outcome::Unchanged { live: Some(id) } => writeln!(out, "Nothing changed: publication {id} stays live."),
            Outcome::Unchanged { live: None } => writeln!(out, "Nothing changed."),
            Outcome::DryRun => writeln!(out, "Dry run: nothing was published."),
            Outcome::NothingToBuild => writeln!(out, "No source could be read: nothing was published."),
        };
        out
    }
}

/// `20261207T013005Z`: a time as an id that sorts in order.
pub fn utc_stamp(unix: i64) -> String {
    let date = Date(unix.div_euclid(86_400) as i32);
    let (y, m, d) = date.ymd();
    let seconds = unix.rem_euclid(86_400);
    format!("{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z", seconds / 3600, seconds / 60 % 60, seconds % 60)
}

/// The UTC day of a time, `YYYY-MM-DD`.
pub fn utc_date(unix: i64) -> Date {
    Date(unix.div_euclid(86_400) as i32)
}

#[cfg(test)]
mod tests {
    #[test]
    fn stamps_sort_as_times() {
        assert_eq!(super::utc_stamp(0), "19700101T000000Z");
        assert_eq!(super::utc_stamp(1_796_604_605), "20261207T005005Z");
    }
}
