//! Type-ahead on commune name or postal code. Homonyms carry their département ("Ruffec (16)",
//! "Ruffec (36)"); a postal code shared by several communes lists them all.

use aiguillage_engine::territory::Commune;
use yew::prelude::*;

use crate::context::{BundleRef, Ctx};
use crate::reducer::{Action, Flow};

/// How many matches are listed at most.
const MAX_MATCHES: usize = 8;

/// The communes matching what is typed, among the host's départements when it names some
/// (`territory="16"` or `territory="16,86"`).
pub fn matches<'a>(bundle: &'a BundleRef, typed: &str, territory: Option<&str>) -> Vec<&'a Commune> {
    // `ascii::split`: the standard library's string searchers weigh more in the browser. The
    // loader removed the spaces.
    let allowed = |commune: &Commune| {
        territory.is_none_or(|list| aiguillage_engine::ascii::split(list, b',').any(|d| commune.departement == d))
    };
    bundle.0.communes.search_within(typed, MAX_MATCHES, allowed)
}

/// "Ruffec (16) – 16700"
pub fn commune_label(commune: &Commune) -> String {
    let postal = commune.postal_codes.first().map(|code| code.as_str()).unwrap_or("");
    format!("{} ({}) – {}", commune.name, commune.departement, postal)
}

/// The commune search; what is typed is kept in the screen's reducer (`Flow::typed`), and the
/// commune chosen (its INSEE code) becomes the action `choose` makes.
pub fn commune_picker(ctx: &Ctx, flow: &UseReducerHandle<Flow>, choose: fn(String) -> Action) -> Html {
    let typed = &flow.typed;
    let t = |key: &str| ctx.text(key);
    let input_id = format!("{}-commune", ctx.id_prefix);
    let oninput = {
        let flow = flow.clone();
        Callback::from(move |event: InputEvent| {
            let input: web_sys::HtmlInputElement = event.target_unchecked_into();
            flow.dispatch(Action::TypeCommune(input.value()));
        })
    };
    let found = matches(&ctx.bundle, typed, ctx.config.territory.as_deref());
    let options = found.iter().map(|commune| {
        let insee = commune.insee.to_string();
        let flow = flow.clone();
        let onclick = Callback::from(move |_| flow.dispatch(choose(insee.clone())));
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
        ctx.render("ui.commune.count", &[("count", &found.len().to_string())])
    };
    html! {
        <div class="commune-picker">
            <label for={input_id.clone()}>{ t("ui.commune.label") }</label>
            <input id={input_id} type="search" autocomplete="address-level2" spellcheck="false" value={typed.clone()} {oninput} />
            <p class="picker-status" aria-live="polite">{ status }</p>
            <ul class="commune-options">{ for options }</ul>
        </div>
    }
}
