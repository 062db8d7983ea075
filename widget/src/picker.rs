//! Type-ahead on commune name or postal code. Homonyms carry their département ("Ruffec (16)",
//! "Ruffec (36)"); a postal code shared by several communes lists them all.

use aiguillage_engine::territory::Commune;
use aiguillage_engine::Lang;
use yew::prelude::*;

use crate::app::BundleRef;

#[derive(Properties, PartialEq)]
pub struct PickerProps {
    pub bundle: BundleRef,
    pub lang: Lang,
    /// Only communes of this département, when the host restricts the territory.
    pub territory: Option<String>,
    pub id_prefix: String,
    pub on_choose: Callback<String>,
}

/// How many matches are listed at most.
const MAX_MATCHES: usize = 8;

pub fn matches<'a>(bundle: &'a BundleRef, typed: &str, territory: Option<&str>) -> Vec<&'a Commune> {
    bundle
        .0
        .communes
        .search(typed, 200)
        .into_iter()
        .filter(|c| territory.is_none_or(|t| c.departement == t))
        .take(MAX_MATCHES)
        .collect()
}

/// "Ruffec (16) – 16700"
pub fn commune_label(commune: &Commune) -> String {
    let postal = commune.postal_codes.first().map(|code| code.as_str()).unwrap_or("");
    format!("{} ({}) – {}", commune.name, commune.departement, postal)
}

#[function_component(CommunePicker)]
pub fn commune_picker(props: &PickerProps) -> Html {
    let typed = use_state(String::new);
    let wording = &props.bundle.0.wording;
    let t = |key: &str| wording.text(key, props.lang).to_string();
    let input_id = format!("{}-commune", props.id_prefix);
    let oninput = {
        let typed = typed.clone();
        Callback::from(move |event: InputEvent| {
            let input: web_sys::HtmlInputElement = event.target_unchecked_into();
            typed.set(input.value());
        })
    };
    let found = matches(&props.bundle, &typed, props.territory.as_deref());
    let options = found.iter().map(|commune| {
        let insee = commune.insee.to_string();
        let on_choose = props.on_choose.clone();
        let onclick = Callback::from(move |_| on_choose.emit(insee.clone()));
        html! {
            <li><button type="button" class="commune-option" data-insee={commune.insee.to_string()} {onclick}>
                { commune_label(commune) }
            </button></li>
        }
    });
    let status = if typed.trim().chars().nth(1).is_none() {
        String::new()
    } else if found.is_empty() {
        t("ui.commune.none")
    } else {
        wording.render("ui.commune.count", props.lang, &[("count", &found.len().to_string())])
    };
    html! {
        <div class="commune-picker">
            <label for={input_id.clone()}>{ t("ui.commune.label") }</label>
            <input id={input_id} type="search" autocomplete="off" spellcheck="false" value={(*typed).clone()} {oninput} />
            <p class="picker-status" aria-live="polite">{ status }</p>
            <ul class="commune-options">{ for options }</ul>
        </div>
    }
}
