//! The embedding contract: what the host page says through the element's attributes.

use aiguillage_engine::Lang;
use wasm_bindgen::JsValue;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A resident, step by step, on a phone.
    Resident,
    /// A social worker at a desk: every criterion on one screen.
    Desk,
}

impl Mode {
    /// As written in the `mode` attribute, and on the widget's section (`data-mode`).
    pub fn code(self) -> &'static str {
        match self {
            Mode::Resident => "resident",
            Mode::Desk => "desk",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    /// URL of the data bundle.
    pub data_src: String,
    pub lang: Lang,
    pub mode: Mode,
    /// INSEE code to preselect.
    pub commune: Option<String>,
    /// Restricts communes to a département code (e.g. `16`).
    pub territory: Option<String>,
    /// Accessible name of the widget.
    pub title: Option<String>,
    /// A fixed local instant `YYYY-MM-DDTHH:MM`, for demonstrations and tests.
    pub now: Option<String>,
    /// This widget's key in the URL fragment (and prefix of its element ids): `aiguillage`, or
    /// `aiguillage-<id>` when the element has an id, so two widgets on a page keep apart.
    pub fragment_key: String,
    /// The custom element, target of the events for the host's analytics.
    pub host: Option<web_sys::HtmlElement>,
    /// What the resident answered on the loader's early first question, shown while the engine
    /// downloaded (`earlyStep` in `static/aiguillage.js`): the need chosen, and whether the
    /// senior entry was pressed. The widget takes them over as if answered on its own question.
    pub early_need: Option<String>,
    pub early_senior: bool,
}

impl Config {
    /// The widget's accessible name.
    pub fn label(&self) -> &str {
        self.title.as_deref().unwrap_or("Aiguillage")
    }

    /// The `lang` attribute of the widget's section (FALC is French).
    pub fn html_lang(&self) -> &'static str {
        match self.lang {
            Lang::En => "en",
            Lang::Fr | Lang::FrFalc => "fr",
        }
    }

    /// A widget with no host page and nothing preset, as the attributes' defaults make it: for
    /// rendering natively (the render tests, the first question written for the loader).
    #[cfg(not(target_family = "wasm"))]
    pub fn unhosted(data_src: &str, lang: Lang, mode: Mode) -> Self {
        Config {
            data_src: data_src.to_string(),
            lang,
            mode,
            commune: None,
            territory: None,
            title: None,
            now: None,
            fragment_key: "aiguillage".to_string(),
            host: None,
            early_need: None,
            early_senior: false,
        }
    }

    /// The attributes as the loader read them (`readAttributes` in `static/aiguillage.js`): trimmed,
    /// codes in lower case, the language one of the packs', the fragment key made from the id.
    pub fn from_attributes(attributes: &js_sys::Object, host: web_sys::HtmlElement) -> Self {
        let get = |name: &str| {
            js_sys::Reflect::get(attributes, &JsValue::from_str(name))
                .ok()
                .and_then(|v| v.as_string())
                .filter(|v| !v.is_empty())
        };
        Config {
            data_src: get("data-src").unwrap_or_default(),
            lang: get("lang").and_then(|l| Lang::from_code(&l)).unwrap_or_default(),
            mode: if get("mode").as_deref() == Some("desk") { Mode::Desk } else { Mode::Resident },
            commune: get("commune"),
            territory: get("territory"),
            title: get("title"),
            now: get("data-now"),
            fragment_key: get("fragment-key").unwrap_or_else(|| "aiguillage".to_string()),
            host: Some(host),
            early_need: get("early-need"),
            early_senior: get("early-senior").is_some(),
        }
    }
}
