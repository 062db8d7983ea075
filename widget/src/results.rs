//! The answer: ranked actors with their reasons, or the national fallbacks.

use aiguillage_engine::explain::Explainer;
use aiguillage_engine::{orient, Profile};
use yew::prelude::*;

use crate::app::BundleRef;
use crate::clock;
use crate::config::Config;

#[derive(Properties, PartialEq)]
pub struct ResultsProps {
    pub bundle: BundleRef,
    pub config: Config,
    pub profile: Profile,
}

#[function_component(Results)]
pub fn results(props: &ResultsProps) -> Html {
    let bundle = &props.bundle.0;
    let lang = props.config.lang;
    let t = |key: &str| bundle.wording.text(key, lang).to_string();
    let Some(now) = clock::now(props.config.now.as_deref()) else {
        return html! { <p role="alert">{ t("ui.error.clock") }</p> };
    };
    let orientation = match orient(bundle.territory(), &props.profile, now, 5) {
        Ok(orientation) => orientation,
        Err(error) => return html! { <p role="alert">{ error.to_string() }</p> },
    };
    let explainer = Explainer { taxonomy: &bundle.taxonomy, wording: &bundle.wording, lang, now };
    let items = orientation.recommendations.iter().map(|rec| {
        let actor = &bundle.directory.actors()[rec.actor];
        let reasons =
            rec.reasons.iter().map(|r| html! { <li>{ explainer.reason(*r, actor.hours.source_text()) }</li> });
        html! {
            <li class="result" data-actor={actor.id.clone()}>
                <h3>{ actor.name.clone() }</h3>
                <ul class="reasons">{ for reasons }</ul>
            </li>
        }
    });
    html! {
        <div class="results">
            <h2 tabindex="-1">{ t("ui.results.title") }</h2>
            <ol class="result-list">{ for items }</ol>
        </div>
    }
}
