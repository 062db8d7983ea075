//! The resident flow: need → commune → results, with one reducer holding the screen's state.

use std::rc::Rc;

use aiguillage_engine::territory::Commune;
use aiguillage_engine::{Lang, Profile};
use yew::prelude::*;

use crate::app::BundleRef;
use crate::config::Config;
use crate::results::Results;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Need,
    Commune,
    Results,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlowState {
    pub step: Step,
    pub need: Option<String>,
    pub commune: Option<String>,
}

pub enum Action {
    ChooseNeed(String),
    ChooseCommune(String),
    Back,
}

impl Reducible for FlowState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::ChooseNeed(code) => {
                next.need = Some(code);
                next.step = if next.commune.is_some() { Step::Results } else { Step::Commune };
            }
            Action::ChooseCommune(insee) => {
                next.commune = Some(insee);
                next.step = Step::Results;
            }
            Action::Back => {
                next.step = match self.step {
                    Step::Need | Step::Commune => Step::Need,
                    Step::Results => Step::Commune,
                };
            }
        }
        Rc::new(next)
    }
}

#[derive(Properties, PartialEq)]
pub struct FlowProps {
    pub bundle: BundleRef,
    pub config: Config,
}

#[function_component(ResidentFlow)]
pub fn resident_flow(props: &FlowProps) -> Html {
    let preset = props.config.commune.clone();
    let state = use_reducer(move || FlowState { step: Step::Need, need: None, commune: preset });
    let bundle = &props.bundle.0;
    let lang = props.config.lang;
    let t = |key: &str| bundle.wording.text(key, lang).to_string();
    let back = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::Back))
    };
    match state.step {
        Step::Need => {
            let needs = bundle.taxonomy.top_level().map(|(_, need)| {
                let code = need.code.clone();
                let state = state.clone();
                let onclick = Callback::from(move |_| state.dispatch(Action::ChooseNeed(code.clone())));
                html! {
                    <li><button type="button" class="choice" data-need={need.code.clone()} {onclick}>
                        <span class="pictogram" aria-hidden="true">{ need.pictogram.clone() }</span>
                        <span class="choice-label">{ need.label.get(lang).to_string() }</span>
                        <span class="choice-hint">{ need.hint.get(lang).to_string() }</span>
                    </button></li>
                }
            });
            html! {
                <div class="step">
                    <h2 tabindex="-1">{ t("ui.need.question") }</h2>
                    <ul class="choices">{ for needs }</ul>
                </div>
            }
        }
        Step::Commune => {
            let on_choose = {
                let state = state.clone();
                Callback::from(move |insee: String| state.dispatch(Action::ChooseCommune(insee)))
            };
            html! {
                <div class="step">
                    <h2 tabindex="-1">{ t("ui.commune.question") }</h2>
                    <CommunePicker bundle={props.bundle.clone()} {lang} territory={props.config.territory.clone()} {on_choose} />
                    <button type="button" class="back" onclick={back}>{ t("ui.back") }</button>
                </div>
            }
        }
        Step::Results => {
            let profile = Profile {
                commune: state.commune.clone().unwrap_or_default(),
                need: state.need.clone().unwrap_or_default(),
                ..Profile::default()
            };
            html! {
                <div class="step">
                    <Results bundle={props.bundle.clone()} config={props.config.clone()} {profile} />
                    <button type="button" class="back" onclick={back}>{ t("ui.back") }</button>
                </div>
            }
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct PickerProps {
    pub bundle: BundleRef,
    pub lang: Lang,
    pub territory: Option<String>,
    pub on_choose: Callback<String>,
}

/// Type-ahead on commune name or postal code; homonyms show their département.
#[function_component(CommunePicker)]
pub fn commune_picker(props: &PickerProps) -> Html {
    let typed = use_state(String::new);
    let bundle = &props.bundle.0;
    let t = |key: &str| bundle.wording.text(key, props.lang).to_string();
    let oninput = {
        let typed = typed.clone();
        Callback::from(move |event: InputEvent| {
            let input: web_sys::HtmlInputElement = event.target_unchecked_into();
            typed.set(input.value());
        })
    };
    let matches: Vec<&Commune> = bundle
        .communes
        .search(&typed, 40)
        .into_iter()
        .filter(|c| props.territory.as_ref().is_none_or(|t| &c.departement == t))
        .take(8)
        .collect();
    let options = matches.iter().map(|commune| {
        let insee = commune.insee.clone();
        let on_choose = props.on_choose.clone();
        let onclick = Callback::from(move |_| on_choose.emit(insee.clone()));
        let postal = commune.postal_codes.first().cloned().unwrap_or_default();
        html! {
            <li><button type="button" class="commune-option" data-insee={commune.insee.clone()} {onclick}>
                { format!("{} ({}) – {}", commune.name, commune.departement, postal) }
            </button></li>
        }
    });
    html! {
        <div class="commune-picker">
            <label for="commune-input">{ t("ui.commune.label") }</label>
            <input id="commune-input" type="text" autocomplete="off" value={(*typed).clone()} {oninput} />
            <ul class="commune-options" aria-live="polite">{ for options }</ul>
        </div>
    }
}
