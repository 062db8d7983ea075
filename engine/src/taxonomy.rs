//! The shared language of needs, and all the wording the engine speaks, as data.
//!
//! The source is `data/taxonomy.toml` and `data/wording.toml`, read by the native shells;
//! the widget receives the same values inside the bundle.

/// The languages the product speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    Fr,
    /// "Facile à lire et à comprendre": short sentences, one idea each.
    FrFalc,
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Fr, Lang::FrFalc, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::FrFalc => "fr-falc",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|lang| lang.code().eq_ignore_ascii_case(code))
    }
}

/// One text in each language.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize, serde::Serialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Text {
    pub fr: String,
    pub falc: String,
    pub en: String,
}

impl Text {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.fr,
            Lang::FrFalc => &self.falc,
            Lang::En => &self.en,
        }
    }
}

/// A list of texts in each language (e.g. what to bring).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize, serde::Serialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct TextList {
    pub fr: Vec<String>,
    pub falc: Vec<String>,
    pub en: Vec<String>,
}

impl TextList {
    pub fn get(&self, lang: Lang) -> &[String] {
        match lang {
            Lang::Fr => &self.fr,
            Lang::FrFalc => &self.falc,
            Lang::En => &self.en,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize, serde::Serialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Need {
    pub code: String,
    #[cfg_attr(feature = "serde", serde(default))]
    pub parent: Option<String>,
    #[cfg_attr(feature = "serde", serde(default))]
    pub pictogram: String,
    pub label: Text,
    #[cfg_attr(feature = "serde", serde(default))]
    pub hint: Text,
    /// "Lieux de médiation numérique" v1.0 `services` values meaning this need.
    #[cfg_attr(feature = "serde", serde(default))]
    pub mediation_v1: Vec<String>,
    /// The same standard's v0.1 `services` values.
    #[cfg_attr(feature = "serde", serde(default))]
    pub mediation_v0: Vec<String>,
    /// data·inclusion v1 `thematiques` values.
    #[cfg_attr(feature = "serde", serde(default))]
    pub data_inclusion: Vec<String>,
    #[cfg_attr(feature = "serde", serde(default))]
    pub bring: TextList,
}

/// A national contact given under the local results, first when nothing local fits, and when the
/// data cannot be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize, serde::Serialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Fallback {
    pub code: String,
    pub name: String,
    #[cfg_attr(feature = "serde", serde(default))]
    pub phone: Option<String>,
    #[cfg_attr(feature = "serde", serde(default))]
    pub url: Option<String>,
    pub text: Text,
    /// The need codes it answers (a need's contacts also answer its sub-needs); empty: every need.
    #[cfg_attr(feature = "serde", serde(default))]
    pub needs: Vec<String>,
}

/// An index into [`Taxonomy::needs`]; at most 64 needs so that a set is one `u64`.
pub type NeedId = u8;

/// The maximum number of needs, so that an actor's needs fit in one `u64`.
pub const MAX_NEEDS: usize = 64;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Taxonomy {
    pub needs: Vec<Need>,
    pub fallbacks: Vec<Fallback>,
}

/// Why a taxonomy cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaxonomyError {
    TooManyNeeds(usize),
    DuplicateCode(String),
    UnknownParent { need: String, parent: String },
    NestedParent { need: String },
    UnknownFallbackNeed { fallback: String, need: String },
}

impl std::fmt::Display for TaxonomyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TaxonomyError::TooManyNeeds(n) => write!(f, "{n} needs: at most {MAX_NEEDS} are supported"),
            TaxonomyError::DuplicateCode(code) => write!(f, "need code `{code}` is defined twice"),
            TaxonomyError::UnknownParent { need, parent } => {
                write!(f, "need `{need}`: parent `{parent}` is not a need defined before it")
            }
            TaxonomyError::NestedParent { need } => {
                write!(f, "need `{need}`: its parent has a parent itself; only one level of sub-needs is allowed")
            }
            TaxonomyError::UnknownFallbackNeed { fallback, need } => {
                write!(f, "national contact `{fallback}`: need `{need}` is not a need of the taxonomy")
            }
        }
    }
}

impl std::error::Error for TaxonomyError {}

impl Taxonomy {
    /// Checks the invariants the engine relies on: unique codes, parents defined first, one level.
    pub fn new(needs: Vec<Need>, fallbacks: Vec<Fallback>) -> Result<Self, TaxonomyError> {
        if needs.len() > MAX_NEEDS {
            return Err(TaxonomyError::TooManyNeeds(needs.len()));
        }
        for (index, need) in needs.iter().enumerate() {
            let before = &needs[..index];
            if before.iter().any(|n| n.code == need.code) {
                return Err(TaxonomyError::DuplicateCode(need.code.clone()));
            }
            if let Some(parent) = &need.parent {
                let Some(parent_need) = before.iter().find(|n| &n.code == parent) else {
                    return Err(TaxonomyError::UnknownParent { need: need.code.clone(), parent: parent.clone() });
                };
                if parent_need.parent.is_some() {
                    return Err(TaxonomyError::NestedParent { need: need.code.clone() });
                }
            }
        }
        for fallback in &fallbacks {
            if let Some(need) = fallback.needs.iter().find(|code| !needs.iter().any(|n| &n.code == *code)) {
                return Err(TaxonomyError::UnknownFallbackNeed { fallback: fallback.code.clone(), need: need.clone() });
            }
        }
        Ok(Self { needs, fallbacks })
    }

    /// The national contacts for a need, as indices into [`Taxonomy::fallbacks`]: those naming
    /// the need itself first, then those naming its parent, then those valid for every need;
    /// in file order within each group.
    pub fn fallbacks_for(&self, need: NeedId) -> Vec<usize> {
        let code = self.need(need).map(|n| n.code.as_str());
        let parent = self.need(need).and_then(|n| n.parent.as_deref());
        let names = |fallback: &Fallback, wanted: Option<&str>| {
            wanted.is_some_and(|wanted| fallback.needs.iter().any(|n| n == wanted))
        };
        let mut chosen = Vec::new();
        for group in 0..3 {
            for (index, fallback) in self.fallbacks.iter().enumerate() {
                let belongs = match group {
                    0 => names(fallback, code),
                    1 => names(fallback, parent) && !names(fallback, code),
                    _ => fallback.needs.is_empty(),
                };
                if belongs {
                    chosen.push(index);
                }
            }
        }
        chosen
    }

    pub fn need_id(&self, code: &str) -> Option<NeedId> {
        self.needs.iter().position(|n| n.code == code).map(|i| i as NeedId)
    }

    pub fn need(&self, id: NeedId) -> Option<&Need> {
        self.needs.get(usize::from(id))
    }

    pub fn parent(&self, id: NeedId) -> Option<NeedId> {
        self.need(id)?.parent.as_deref().and_then(|code| self.need_id(code))
    }

    /// Top-level needs, in file order (the order a resident sees them in).
    pub fn top_level(&self) -> impl Iterator<Item = (NeedId, &Need)> {
        self.needs.iter().enumerate().filter(|(_, n)| n.parent.is_none()).map(|(i, n)| (i as NeedId, n))
    }

    pub fn children(&self, parent: NeedId) -> impl Iterator<Item = (NeedId, &Need)> {
        let code = self.need(parent).map(|n| n.code.clone());
        self.needs
            .iter()
            .enumerate()
            .filter(move |(_, n)| n.parent.is_some() && n.parent == code)
            .map(|(i, n)| (i as NeedId, n))
    }

    /// Codes, for messages that say what was expected.
    pub fn codes(&self) -> String {
        let mut codes = String::new();
        for need in &self.needs {
            if !codes.is_empty() {
                codes.push_str(", ");
            }
            codes.push_str(&need.code);
        }
        codes
    }
}

/// A set of needs, one bit per [`NeedId`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct NeedSet(pub u64);

impl NeedSet {
    pub fn insert(&mut self, id: NeedId) {
        if usize::from(id) < MAX_NEEDS {
            self.0 |= 1 << id;
        }
    }

    pub fn contains(self, id: NeedId) -> bool {
        usize::from(id) < MAX_NEEDS && self.0 & (1 << id) != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = NeedId> {
        (0..MAX_NEEDS as u8).filter(move |id| self.contains(*id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn need(code: &str, parent: Option<&str>) -> Need {
        Need {
            code: code.into(),
            parent: parent.map(Into::into),
            pictogram: String::new(),
            label: Text::default(),
            hint: Text::default(),
            mediation_v1: vec![],
            mediation_v0: vec![],
            data_inclusion: vec![],
            bring: TextList::default(),
        }
    }

    #[test]
    fn rejects_broken_taxonomies_with_a_reason() {
        let dup = Taxonomy::new(vec![need("a", None), need("a", None)], vec![]).unwrap_err();
        assert_eq!(dup.to_string(), "need code `a` is defined twice");
        let orphan = Taxonomy::new(vec![need("a-b", Some("a"))], vec![]).unwrap_err();
        assert_eq!(orphan.to_string(), "need `a-b`: parent `a` is not a need defined before it");
        let nested =
            Taxonomy::new(vec![need("a", None), need("b", Some("a")), need("c", Some("b"))], vec![]).unwrap_err();
        assert!(matches!(nested, TaxonomyError::NestedParent { .. }));
    }

    fn fallback(code: &str, needs: &[&str]) -> Fallback {
        Fallback {
            code: code.into(),
            name: code.into(),
            phone: None,
            url: None,
            text: Text::default(),
            needs: needs.iter().map(|n| n.to_string()).collect(),
        }
    }

    #[test]
    fn a_need_gets_its_own_contacts_then_its_parents_then_the_general_ones() {
        let taxonomy = Taxonomy::new(
            vec![need("a", None), need("a-1", Some("a")), need("b", None)],
            vec![
                fallback("all", &[]),
                fallback("for-a", &["a"]),
                fallback("for-a-1", &["a-1"]),
                fallback("for-b", &["b"]),
            ],
        )
        .unwrap();
        assert_eq!(taxonomy.fallbacks_for(1), [2, 1, 0], "the sub-need's own, its parent's, then every need's");
        assert_eq!(taxonomy.fallbacks_for(0), [1, 0], "a parent does not get its sub-needs' contacts");
        assert_eq!(taxonomy.fallbacks_for(2), [3, 0]);
        let unknown = Taxonomy::new(vec![need("a", None)], vec![fallback("x", &["z"])]).unwrap_err();
        assert_eq!(unknown.to_string(), "national contact `x`: need `z` is not a need of the taxonomy");
    }

    #[test]
    fn parents_and_children() {
        let taxonomy = Taxonomy::new(vec![need("a", None), need("a-1", Some("a")), need("b", None)], vec![]).unwrap();
        assert_eq!(taxonomy.parent(1), Some(0));
        assert_eq!(taxonomy.children(0).map(|(id, _)| id).collect::<Vec<_>>(), [1]);
        assert_eq!(taxonomy.top_level().map(|(_, n)| n.code.as_str()).collect::<Vec<_>>(), ["a", "b"]);
    }
}
