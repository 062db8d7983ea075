//! Native importers for Aiguillage: real data as found in the wild, turned into engine values,
//! with a report of everything that could not be used.

/// The Annuaire de l'administration (service-public.fr): JSON file, API, 2019 CSV extract.
pub mod annuaire;
/// A coordinator's corrections of the sources' places, applied after the merge.
pub mod corrections;
/// The data·inclusion v1 standard (structures and services, JSON).
pub mod data_inclusion;
/// Problems in data, with file, line and field.
pub mod diagnostic;
/// Readers of the fields every format shares (location, contacts, links, hours, dates).
pub mod fields;
/// The national list of France Services sites (CSV).
pub mod france_services;
/// OSM `opening_hours` compiled into the engine's compact schedules (its own crate, which the
/// coordinator's workspace uses too).
pub use aiguillage_hours as hours;
/// The "lieux de médiation numérique" standard (v1.0 and v0.1).
pub mod mediation;
/// One card per place: records of the same place merged, across files.
pub mod merge;
/// Aiguillage's own TOML format for local actors.
pub mod native;
/// The project's own data files: taxonomy, wording, rules (their own small crate, which the
/// server and the statistics read without the importers).
pub use aiguillage_shipped::project;
/// Public services typed by `data/taxonomy.toml`'s `[[service_type]]`: the mapping shared by the
/// France Services list and the Annuaire.
pub mod public_services;
/// Data quality checks across all files: stale, unreachable, duplicated entries.
pub mod quality;
/// CSV and JSON rows with their line numbers.
pub mod records;
/// The commune reference (COG 2026), embedded.
pub mod reference;
/// The worked examples of a rules file, replayed.
pub mod rule_examples;
/// File formats, detection and text encodings.
pub mod sources;
/// Cutting a territory out and bundling it.
pub mod territory;

pub use diagnostic::{Diagnostic, Report, Severity};

use aiguillage_engine::calendar::Date;
use aiguillage_engine::{Actor, Communes, Taxonomy};

// The values every importer shares, here rather than in one importer, so that no module of this
// crate imports another importer to name them.

/// What the importer needs to know besides the rows.
pub struct Context<'a> {
    pub taxonomy: &'a Taxonomy,
    pub communes: &'a Communes,
    /// First day of compiled opening hours.
    pub today: Date,
    pub horizon_days: u16,
}

/// One usable actor, with where it comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub actor: Actor,
    /// The line its record starts on, in its file.
    pub line: usize,
    /// Entries of one group (the services of one data·inclusion structure) are different offers
    /// of one place, never duplicates of each other.
    pub group: Option<String>,
    /// The SIRET of the organisation, when the source gives a valid one (14 digits).
    pub siret: Option<String>,
}

/// What one file gave: its usable actors and the report of everything else.
#[derive(Debug)]
pub struct Imported {
    pub entries: Vec<Entry>,
    pub report: Report,
    /// Its `[[correction]]` tables (native TOML only), for [`corrections::apply`] once every
    /// file is merged.
    pub corrections: Vec<corrections::Correction>,
}

impl Imported {
    pub fn actors(&self) -> impl Iterator<Item = &Actor> {
        self.entries.iter().map(|e| &e.actor)
    }

    pub fn into_actors(self) -> impl Iterator<Item = Actor> {
        self.entries.into_iter().map(|e| e.actor)
    }
}
