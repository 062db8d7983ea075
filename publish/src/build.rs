//! From the downloads to the files of a publication: every source and local file imported
//! together (data·inclusion services find their structures in another source), one card per
//! place, one bundle per département with its border places, the index of their communes, and
//! `territoires.json`, each bundle with its brotli copy.

use std::collections::BTreeMap;
use std::path::PathBuf;

use aiguillage_engine::bundle::Bundle;
use aiguillage_engine::calendar::Date;
use aiguillage_engine::{Communes, Rules, Taxonomy, Wording};
use aiguillage_import::sources::{import_each, Format, Input};
use aiguillage_import::territory::{self as cut, departement_name};
use aiguillage_import::{corrections, merge, Context, Report, Severity};

/// Days of opening hours compiled ahead, as `aiguillage bundle` does.
const HORIZON_DAYS: u16 = 400;

/// What every publication is built with: the shipped taxonomy, wording, rules and communes.
pub struct Project {
    pub taxonomy: Taxonomy,
    pub wording: Wording,
    pub rules: Rules,
    pub france: Communes,
}

impl Project {
    pub fn shipped() -> Result<Project, String> {
        let (taxonomy, wording, rules) = aiguillage_import::project::shipped().map_err(|e| e.to_string())?;
        Ok(Project { taxonomy, wording, rules, france: aiguillage_import::reference::france() })
    }
}

/// One file to import: a source's snapshot or a local file.
pub struct Material {
    /// Its path, for messages (the snapshot's path under `state_dir`).
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    pub format: Option<Format>,
    /// The day its publisher dated it (the response's Last-Modified, the date in a file's
    /// name), for lists without a date per row.
    pub published: Option<Date>,
}

/// What one file gave.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Figures {
    /// Places read (before merging).
    pub places: usize,
    /// Rows that could not be used (errors: see `aiguillage validate`).
    pub rows_left_out: usize,
    pub warnings: usize,
    /// The newest record date among its places.
    pub newest_record: Option<String>,
    /// The first problems, to show in the report without opening a file.
    pub first_errors: Vec<String>,
}

/// The files of a publication, by name, and what they hold.
pub struct Built {
    /// Each département's bundle, by code.
    pub bundles: BTreeMap<String, Bundle>,
    /// Per input, in order.
    pub figures: Vec<Figures>,
    /// Records merged into the card of the same place.
    pub merged: usize,
    /// Places corrected in the workspace (`[[correction]]` of a local file).
    pub corrected: usize,
    /// What the corrections could not do, and their conflicts with the sources.
    pub correction_notes: Vec<String>,
    /// The corrected fields whose sources' value changed since.
    pub conflicts: Vec<corrections::Conflict>,
    /// The communes of every département published: `index.bin` and its parts
    /// (`aiguillage_engine::index::folder_files`).
    pub index: Bundle,
}

/// Imports every file together, merges, and cuts each département's bundle. `on_departement`
/// is told each département as it is done (the progress bar).
pub fn build(
    project: &Project,
    materials: &[Material],
    departements: &[String],
    today: Date,
    mut on_departement: impl FnMut(&str),
) -> Built {
    let context = Context { taxonomy: &project.taxonomy, communes: &project.france, today, horizon_days: HORIZON_DAYS };
    let inputs: Vec<Input<'_>> =
        materials.iter().map(|m| Input { path: &m.path, bytes: &m.bytes, published: m.published }).collect();
    let formats: Vec<Option<Format>> = materials.iter().map(|m| m.format).collect();
    let mut imported = import_each(&inputs, &formats, &context);
    let corrections = corrections::take(&mut imported);
    let figures = imported
        .iter()
        .map(|file| figures_of(&file.report, file.actors().filter_map(|a| a.updated), file.entries.len()))
        .collect();
    let mut merges = Report::new("(publish)");
    let mut actors = merge::one_card_per_place(imported, &mut merges);
    let mut corrected = Report::new("(corrections)");
    let conflicts = corrections::apply(&mut actors, &corrections, &context, &mut corrected);
    let parts = cut::Project {
        france: &project.france,
        taxonomy: &project.taxonomy,
        wording: &project.wording,
        rules: &project.rules,
        built_on: today,
    };
    let mut bundles = BTreeMap::new();
    for code in departements {
        let mut report = Report::new(format!("(bundle {code})"));
        bundles.insert(code.clone(), cut::cut(&parts, &[code.as_str()], actors.clone(), &mut report));
        on_departement(code);
    }
    let index = cut::index_bundle(&parts, departements);
    Built {
        bundles,
        figures,
        merged: merges.diagnostics.len(),
        corrected: corrections.len(),
        correction_notes: corrected.diagnostics.iter().map(|d| d.message.clone()).collect(),
        conflicts,
        index,
    }
}

fn figures_of(report: &Report, dates: impl Iterator<Item = Date>, places: usize) -> Figures {
    let errors: Vec<_> = report.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
    Figures {
        places,
        rows_left_out: errors.len(),
        warnings: report.diagnostics.len() - errors.len(),
        newest_record: dates.max().map(|d| d.to_string()),
        first_errors: errors.iter().take(3).map(|d| d.to_string()).collect(),
    }
}

impl Built {
    /// `territoires.json`: each département's file, code and name, for the configurator.
    pub fn territories_json(&self) -> Vec<u8> {
        let listed: Vec<serde_json::Value> = self
            .bundles
            .keys()
            .map(
                |code| serde_json::json!({"file": format!("{code}.bin"), "code": code, "name": departement_name(code)}),
            )
            .collect();
        serde_json::to_vec_pretty(&listed).unwrap_or_default()
    }
}

/// A bundle's brotli copy, as the server serves it to browsers that accept it.
pub fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() / 3);
    let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() };
    // Writing into a Vec cannot fail.
    let _ = brotli::BrotliCompress(&mut std::io::Cursor::new(bytes), &mut out, &params);
    out
}
