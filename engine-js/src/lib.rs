//! The engine as a JavaScript package, for intranets that want their own interface. A thin
//! shell: JSON-like objects in and out, the engine does the work.
//!
//! ```js
//! const engine = new Engine(bundleBytes, textsBytes); // e.g. charente.bin and texts.fr.bin
//! engine.orient({ commune: '16292', need: 'demarches', autonomy: 'for-me', at: '2026-12-01T10:00' });
//! ```

use aiguillage_engine::bundle::{self, Bundle};
use aiguillage_engine::explain::Explainer;
use aiguillage_engine::texts;
use aiguillage_engine::vocab::{Autonomy, Public, Support};
use aiguillage_engine::{orient, Calendar, Lang, LocalDateTime, Profile};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// What `orient` accepts; unknown keys are refused so a typo does not pass silently.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Query {
    pub commune: String,
    pub need: String,
    #[serde(default)]
    pub autonomy: Option<String>,
    #[serde(default)]
    pub publics: Vec<String>,
    #[serde(default)]
    pub supports: Vec<String>,
    #[serde(default)]
    pub can_travel: Option<bool>,
    #[serde(default)]
    pub has_device: Option<bool>,
    /// The resident's local time `YYYY-MM-DDTHH:MM`, on their commune's clock (`Engine.localTime`);
    /// required: the engine reads no clock.
    pub at: String,
    #[serde(default)]
    pub limit: Option<usize>,
    #[serde(default)]
    pub lang: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CommuneView<'a> {
    insee: &'a str,
    name: &'a str,
    departement: &'a str,
    postal_codes: &'a [aiguillage_engine::CompactStr],
}

#[derive(Serialize)]
struct NeedView<'a> {
    code: &'a str,
    parent: Option<&'a str>,
    label: &'a str,
    hint: &'a str,
}

/// Turns a query into an orientation, as JSON text; errors say what was expected.
pub fn orient_json(bundle: &Bundle, query_json: &str) -> Result<String, String> {
    let query: Query = serde_json::from_str(query_json).map_err(|e| format!("invalid query: {e}"))?;
    let parse_all = |values: &[String], what: &str, parse: &dyn Fn(&str) -> bool| -> Result<(), String> {
        match values.iter().find(|v| !parse(v)) {
            Some(bad) => Err(format!("unknown {what} `{bad}`")),
            None => Ok(()),
        }
    };
    parse_all(&query.publics, "public", &|v| Public::from_code(v).is_some())?;
    parse_all(&query.supports, "support", &|v| Support::from_code(v).is_some())?;
    let autonomy = match query.autonomy.as_deref() {
        None => None,
        Some(code) => Some(
            Autonomy::from_code(code)
                .ok_or_else(|| format!("unknown autonomy `{code}`: expected {}", Autonomy::codes()))?,
        ),
    };
    let lang = match query.lang.as_deref() {
        None => Lang::Fr,
        Some(code) => {
            Lang::from_code(code).ok_or_else(|| format!("unknown lang `{code}`: expected fr, fr-falc or en"))?
        }
    };
    let at = LocalDateTime::parse(&query.at)
        .ok_or_else(|| format!("invalid `at` `{}`: expected YYYY-MM-DDTHH:MM", query.at))?;
    let profile = Profile {
        commune: query.commune,
        need: query.need,
        autonomy,
        publics: query.publics.iter().filter_map(|p| Public::from_code(p)).collect(),
        supports: query.supports.iter().filter_map(|s| Support::from_code(s)).collect(),
        can_travel: query.can_travel,
        has_device: query.has_device,
    };
    let territory = bundle.territory();
    let orientation = orient(territory, &profile, at, query.limit.unwrap_or(5).min(50)).map_err(|e| e.to_string())?;
    let explainer = Explainer { taxonomy: &bundle.taxonomy, wording: &bundle.wording, lang, now: at };
    let view = aiguillage_engine::view::view(territory, &profile, &orientation, &explainer);
    serde_json::to_string(&view).map_err(|e| e.to_string())
}

/// A loaded territory bundle.
#[wasm_bindgen]
pub struct Engine {
    bundle: Bundle,
}

#[wasm_bindgen]
impl Engine {
    /// Decodes a territory bundle (made by `aiguillage bundle`) and a language pack (made by
    /// `aiguillage texts`, e.g. `texts.fr.bin`).
    #[wasm_bindgen(constructor)]
    pub fn new(bundle_bytes: &[u8], texts_bytes: &[u8]) -> Result<Engine, JsError> {
        let mut bundle = bundle::decode(bundle_bytes).map_err(|e| JsError::new(&e.to_string()))?;
        texts::decode(texts_bytes).map_err(|e| JsError::new(&e.to_string()))?.apply(&mut bundle);
        Ok(Engine { bundle })
    }

    /// Adds another language pack (e.g. `texts.en.bin`), to answer in that language too.
    #[wasm_bindgen(js_name = addTexts)]
    pub fn add_texts(&mut self, texts_bytes: &[u8]) -> Result<(), JsError> {
        texts::decode(texts_bytes).map_err(|e| JsError::new(&e.to_string()))?.apply(&mut self.bundle);
        Ok(())
    }

    /// Ranks the actors for a query object; see [`Query`] for its fields.
    pub fn orient(&self, query: JsValue) -> Result<JsValue, JsError> {
        let text: String =
            js_sys::JSON::stringify(&query).map_err(|_| JsError::new("the query is not serialisable"))?.into();
        let result = orient_json(&self.bundle, &text).map_err(|e| JsError::new(&e))?;
        js_sys::JSON::parse(&result).map_err(|_| JsError::new("internal: invalid JSON"))
    }

    /// Communes matching a typed name or postal code, best first.
    #[wasm_bindgen(js_name = searchCommunes)]
    pub fn search_communes(&self, typed: &str, limit: usize) -> Result<JsValue, JsError> {
        let found: Vec<CommuneView<'_>> = self
            .bundle
            .communes
            .search(typed, limit.min(100))
            .into_iter()
            .map(|c| CommuneView {
                insee: &c.insee,
                name: &c.name,
                departement: &c.departement,
                postal_codes: &c.postal_codes,
            })
            .collect();
        to_js(&found)
    }

    /// The resident's local time to give `orient` as `at` (`YYYY-MM-DDTHH:MM`): the instant
    /// `epoch_millis` (JavaScript's `Date.now()`) on the clock of the commune `insee` (La
    /// Réunion, Guyane… each have theirs).
    #[wasm_bindgen(js_name = localTime)]
    pub fn local_time(&self, insee: &str, epoch_millis: f64) -> String {
        let seconds = (epoch_millis / 1000.0).floor() as i64;
        Calendar::of_insee(insee).zone.local_from_unix(seconds).to_string()
    }

    /// The IANA time zone of the commune `insee` (`Europe/Paris`, `Indian/Reunion`…).
    #[wasm_bindgen(js_name = timeZone)]
    pub fn time_zone(&self, insee: &str) -> String {
        Calendar::of_insee(insee).zone.iana().to_string()
    }

    /// The needs of the taxonomy, in a language (`fr`, `fr-falc`, `en`).
    pub fn needs(&self, lang: &str) -> Result<JsValue, JsError> {
        let lang = Lang::from_code(lang).ok_or_else(|| JsError::new("expected fr, fr-falc or en"))?;
        let needs: Vec<NeedView<'_>> = self
            .bundle
            .taxonomy
            .needs
            .iter()
            .map(|n| NeedView {
                code: &n.code,
                parent: n.parent.as_deref(),
                label: n.label.get(lang),
                hint: n.hint.get(lang),
            })
            .collect();
        to_js(&needs)
    }
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    let text = serde_json::to_string(value).map_err(|e| JsError::new(&e.to_string()))?;
    js_sys::JSON::parse(&text).map_err(|_| JsError::new("internal: invalid JSON"))
}
