//! The project's own data files: the taxonomy of needs, the wording, the ranking rules.
//!
//! They are plain TOML a coordinator can edit; the shipped versions are embedded, and a
//! coordinator's edited copy can be given instead.

use std::collections::BTreeMap;

use aiguillage_engine::taxonomy::{Fallback, Need, Taxonomy, Text};
use aiguillage_engine::{Rules, Wording};
use serde::Deserialize;

pub const TAXONOMY_TOML: &str = include_str!("../../data/taxonomy.toml");
pub const WORDING_TOML: &str = include_str!("../../data/wording.toml");
pub const RULES_TOML: &str = include_str!("../../data/rules.toml");

/// A project data file that cannot be used, with its file name and the parser's position.
#[derive(Debug)]
pub struct ProjectFileError {
    pub file: String,
    pub message: String,
}

impl std::fmt::Display for ProjectFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

impl std::error::Error for ProjectFileError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TaxonomyFile {
    #[allow(dead_code)]
    version: u32,
    need: Vec<Need>,
    #[serde(default)]
    fallback: Vec<Fallback>,
}

pub fn parse_taxonomy(file: &str, text: &str) -> Result<Taxonomy, ProjectFileError> {
    let parsed: TaxonomyFile =
        toml::from_str(text).map_err(|e| ProjectFileError { file: file.into(), message: e.to_string() })?;
    Taxonomy::new(parsed.need, parsed.fallback)
        .map_err(|e| ProjectFileError { file: file.into(), message: e.to_string() })
}

pub fn parse_wording(file: &str, text: &str) -> Result<Wording, ProjectFileError> {
    let entries: BTreeMap<String, Text> =
        toml::from_str(text).map_err(|e| ProjectFileError { file: file.into(), message: e.to_string() })?;
    Ok(entries.into_iter().collect())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    weights: Rules,
    #[serde(default, rename = "example")]
    examples: Vec<RuleExample>,
}

/// A worked example kept beside the weights: a small directory, a situation, and the order the
/// actors must come out in. Run as tests.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleExample {
    pub name: String,
    pub commune: String,
    pub need: String,
    #[serde(default)]
    pub autonomy: Option<String>,
    #[serde(default)]
    pub supports: Vec<String>,
    #[serde(default)]
    pub publics: Vec<String>,
    #[serde(default)]
    pub can_travel: Option<bool>,
    pub actors: Vec<ExampleActor>,
    /// Actor ids, best first.
    pub expect: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleActor {
    pub id: String,
    pub commune: String,
    pub needs: Vec<String>,
    #[serde(default)]
    pub modes: Vec<String>,
    #[serde(default)]
    pub programmes: Vec<String>,
    #[serde(default)]
    pub supports: Vec<String>,
    #[serde(default)]
    pub publics: Vec<String>,
}

pub fn parse_rules(file: &str, text: &str) -> Result<(Rules, Vec<RuleExample>), ProjectFileError> {
    let parsed: RulesFile =
        toml::from_str(text).map_err(|e| ProjectFileError { file: file.into(), message: e.to_string() })?;
    Ok((parsed.weights, parsed.examples))
}

/// The shipped taxonomy, wording and rules.
pub fn shipped() -> Result<(Taxonomy, Wording, Rules), ProjectFileError> {
    Ok((
        parse_taxonomy("data/taxonomy.toml", TAXONOMY_TOML)?,
        parse_wording("data/wording.toml", WORDING_TOML)?,
        parse_rules("data/rules.toml", RULES_TOML)?.0,
    ))
}
