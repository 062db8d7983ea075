//! The project's own data files: the taxonomy of needs, the wording, the ranking rules.
//!
//! They are plain TOML a coordinator can edit; the shipped versions are embedded, and a
//! coordinator's edited copy can be given instead.

use std::collections::BTreeMap;

use aiguillage_engine::taxonomy::{Fallback, Need, Taxonomy, Text};
use aiguillage_engine::vocab::{Mode, Programme, Public};
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
    fallback: Vec<FallbackEntry>,
    #[serde(default)]
    service_type: Vec<ServiceType>,
}

/// A national contact as the taxonomy file writes it: the contact, and when and where it was
/// last checked (for the coordinator; not shipped to residents).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FallbackEntry {
    code: String,
    name: String,
    #[serde(default)]
    phone: Option<String>,
    #[serde(default)]
    url: Option<String>,
    text: Text,
    #[serde(default)]
    needs: Vec<String>,
    checked: String,
    source: String,
    how: String,
}

/// When, where and how a national contact was last checked (the coordinator's record, not
/// shipped to residents): for data/TAXONOMY.md and the yearly review.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContactCheck {
    pub code: String,
    pub checked: String,
    pub source: String,
    pub how: String,
}

/// A type of public service (the Annuaire de l'administration's `type_service_local`, and the
/// France Services list): the needs it answers and how. An empty `needs` leaves the type out,
/// saying so.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ServiceType {
    pub codes: Vec<String>,
    pub name: String,
    pub needs: Vec<String>,
    #[serde(default)]
    pub publics: Vec<String>,
    #[serde(default)]
    pub programmes: Vec<String>,
    #[serde(default)]
    pub modes: Vec<String>,
    /// Whom its places serve when the source does not say (the Annuaire's list of the
    /// communes a service is competent for comes first).
    #[serde(default)]
    pub serves: Serves,
}

/// Whom a public service's place serves: anyone, or the residents of its territory only.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Serves {
    /// Open to all (France Services, a point-justice): distance is what counts.
    #[default]
    Everyone,
    /// The residents of its commune (a CCAS).
    Commune,
    /// Of its EPCI (a CIAS).
    Epci,
    /// Of its département (a CAF, a CPAM, a chamber).
    Departement,
}

fn read_taxonomy_file(file: &str, text: &str) -> Result<TaxonomyFile, ProjectFileError> {
    let error = |message: String| ProjectFileError { file: file.into(), message };
    let parsed: TaxonomyFile = toml::from_str(text).map_err(|e| error(e.to_string()))?;
    for fallback in &parsed.fallback {
        if aiguillage_engine::calendar::Date::parse(&fallback.checked).is_none() {
            return Err(error(format!(
                "national contact `{}`: checked = {:?} is not a date YYYY-MM-DD",
                fallback.code, fallback.checked
            )));
        }
        if !fallback.source.starts_with("https://") {
            return Err(error(format!(
                "national contact `{}`: source = {:?} is not the https address of the page read",
                fallback.code, fallback.source
            )));
        }
        if fallback.how.trim().len() < 10 {
            return Err(error(format!(
                "national contact `{}`: how = {:?}: expected how it was checked (the page read online, a stored copy, notes), in a sentence",
                fallback.code, fallback.how
            )));
        }
    }
    for service in &parsed.service_type {
        let unknown_need = service.needs.iter().find(|code| !parsed.need.iter().any(|n| &n.code == *code));
        let checks = [
            unknown_need.map(|code| format!("need `{code}` is not a need of the taxonomy")),
            service
                .publics
                .iter()
                .find(|c| Public::from_code(c).is_none())
                .map(|c| format!("public `{c}` is unknown: expected one of {}", Public::codes())),
            service
                .programmes
                .iter()
                .find(|c| Programme::from_code(c).is_none())
                .map(|c| format!("programme `{c}` is unknown: expected one of {}", Programme::codes())),
            service
                .modes
                .iter()
                .find(|c| Mode::from_code(c).is_none())
                .map(|c| format!("mode `{c}` is unknown: expected one of {}", Mode::codes())),
        ];
        if let Some(problem) = checks.into_iter().flatten().next() {
            return Err(error(format!("service type `{}`: {problem}", service.name)));
        }
    }
    Ok(parsed)
}

pub fn parse_taxonomy(file: &str, text: &str) -> Result<Taxonomy, ProjectFileError> {
    let parsed = read_taxonomy_file(file, text)?;
    let fallbacks = parsed
        .fallback
        .into_iter()
        .map(|f| Fallback { code: f.code, name: f.name, phone: f.phone, url: f.url, text: f.text, needs: f.needs })
        .collect();
    Taxonomy::new(parsed.need, fallbacks).map_err(|e| ProjectFileError { file: file.into(), message: e.to_string() })
}

/// How each national contact of the shipped taxonomy was checked, in the file's order.
pub fn shipped_contact_checks() -> Result<Vec<ContactCheck>, ProjectFileError> {
    Ok(read_taxonomy_file("data/taxonomy.toml", TAXONOMY_TOML)?
        .fallback
        .into_iter()
        .map(|f| ContactCheck { code: f.code, checked: f.checked, source: f.source, how: f.how })
        .collect())
}

/// The service types of a taxonomy file (`[[service_type]]`), checked against its needs.
pub fn parse_service_types(file: &str, text: &str) -> Result<Vec<ServiceType>, ProjectFileError> {
    Ok(read_taxonomy_file(file, text)?.service_type)
}

/// The service types of the shipped taxonomy.
pub fn shipped_service_types() -> Result<Vec<ServiceType>, ProjectFileError> {
    parse_service_types("data/taxonomy.toml", TAXONOMY_TOML)
}

/// The words. Any character is allowed: the widget writes every word as text, never as markup.
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
    #[serde(default)]
    pub phone: Option<String>,
    /// The day its information was last updated, `YYYY-MM-DD`.
    #[serde(default)]
    pub updated: Option<String>,
    /// Reserved to the residents of these communes (INSEE codes); empty: open to all.
    #[serde(default)]
    pub serves: Vec<String>,
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

#[cfg(test)]
mod wording_tests {
    #[test]
    fn the_words_may_hold_any_character() {
        let shipped = super::parse_wording("data/wording.toml", super::WORDING_TOML);
        assert!(shipped.is_ok(), "the shipped words: {:?}", shipped.err().map(|e| e.to_string()));
        let text = "\"ui.map.label\" = { fr = 'Plan \"schématique\" <b> & co', falc = \"ok\", en = \"ok\" }";
        let words = super::parse_wording("mots.toml", text).unwrap();
        assert_eq!(words.get("ui.map.label").unwrap().fr, "Plan \"schématique\" <b> & co");
    }
}

#[cfg(test)]
mod contact_tests {
    const NEED: &str = "version = 1\n[[need]]\ncode = \"a\"\npictogram = \"x\"\nlabel = { fr = \"a\", falc = \"a\", en = \"a\" }\nhint = { fr = \"a\", falc = \"a\", en = \"a\" }\nmediation_v1 = []\nmediation_v0 = []\ndata_inclusion = []\nbring = { fr = [], falc = [], en = [] }\n";
    const CONTACT: &str = "[[fallback]]\ncode = \"c\"\nname = \"C\"\ntext = { fr = \"t\", falc = \"t\", en = \"t\" }\nchecked = \"2026-12-06\"\nsource = \"https://example.org/page\"\nhow = \"page officielle lue en ligne\"\n";

    #[test]
    fn a_national_contact_says_where_and_how_it_was_checked() {
        let good = format!("{NEED}{CONTACT}");
        assert!(super::parse_taxonomy("t.toml", &good).is_ok(), "{:?}", super::parse_taxonomy("t.toml", &good).err());
        let cases = [
            (CONTACT.replace("source = \"https://example.org/page\"\n", ""), "missing field `source`"),
            (CONTACT.replace("how = \"page officielle lue en ligne\"\n", ""), "missing field `how`"),
            (CONTACT.replace("page officielle lue en ligne", "vu"), "expected how it was checked"),
            (CONTACT.replace("https://example.org/page", "example.org"), "is not the https address"),
            (CONTACT.replace("2026-12-06", "décembre"), "is not a date"),
        ];
        for (contact, expected) in cases {
            let error = super::parse_taxonomy("t.toml", &format!("{NEED}{contact}")).err().map(|e| e.to_string());
            assert!(error.as_deref().is_some_and(|e| e.contains(expected)), "{expected}: {error:?}");
        }
        let checks = super::shipped_contact_checks().unwrap();
        assert!(checks.len() >= 20);
        assert!(checks.iter().all(|c| c.source.starts_with("https://") && !c.how.is_empty()));
    }
}
