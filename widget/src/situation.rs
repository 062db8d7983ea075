//! The situation questions that change the answer: how to be helped, adapted support, whether
//! the person can travel (and, at the desk, the publics).

use aiguillage_engine::vocab::{Autonomy, Public, Support};
use yew::prelude::*;

use crate::app::Ctx;
use crate::fragment::Answers;

/// One change to the situation.
pub enum Edit {
    Autonomy(Option<Autonomy>),
    Support(Support),
    Public(Public),
    Travel(Option<bool>),
}

#[derive(Properties, PartialEq)]
pub struct SituationProps {
    pub ctx: Ctx,
    pub answers: Answers,
    pub on_edit: Callback<Edit>,
    /// The desk also asks for publics; the resident path sets "seniors" at its entry point.
    #[prop_or_default]
    pub with_publics: bool,
}

#[function_component(SituationFields)]
pub fn situation_fields(props: &SituationProps) -> Html {
    let ctx = &props.ctx;
    let id = |suffix: &str| format!("{}-{suffix}", ctx.id_prefix);
    let autonomy_options = [None, Some(Autonomy::Learn), Some(Autonomy::Help), Some(Autonomy::ForMe)].map(|value| {
        let key = value.map_or("ui.autonomy.any".to_string(), |a| format!("ui.autonomy.{}", a.code()));
        let input_id = id(&format!("autonomy-{}", value.map_or("any", |a| a.code())));
        let on_edit = props.on_edit.clone();
        let onchange = Callback::from(move |_| on_edit.emit(Edit::Autonomy(value)));
        html! {
            <div class="option">
                <input type="radio" id={input_id.clone()} name={id("autonomy")} checked={props.answers.autonomy == value} {onchange} />
                <label for={input_id}>{ ctx.text(&key) }</label>
            </div>
        }
    });
    let supports = Support::ALL.iter().map(|support| {
        let support = *support;
        let input_id = id(&format!("support-{}", support.code()));
        let on_edit = props.on_edit.clone();
        let onchange = Callback::from(move |_| on_edit.emit(Edit::Support(support)));
        html! {
            <div class="option">
                <input type="checkbox" id={input_id.clone()} checked={props.answers.supports.contains(support)} {onchange} />
                <label for={input_id}>{ ctx.text(&format!("ui.support.{}", support.code())) }</label>
            </div>
        }
    });
    let publics = Public::ALL.iter().map(|public| {
        let public = *public;
        let input_id = id(&format!("public-{}", public.code()));
        let on_edit = props.on_edit.clone();
        let onchange = Callback::from(move |_| on_edit.emit(Edit::Public(public)));
        html! {
            <div class="option">
                <input type="checkbox" id={input_id.clone()} checked={props.answers.publics.contains(public)} {onchange} />
                <label for={input_id}>{ ctx.text(&format!("ui.public.{}", public.code())) }</label>
            </div>
        }
    });
    let travel_options = [(Some(true), "ui.travel.yes", "yes"), (Some(false), "ui.travel.no", "no")].map(|(value, key, code)| {
        let input_id = id(&format!("travel-{code}"));
        let on_edit = props.on_edit.clone();
        let onchange = Callback::from(move |_| on_edit.emit(Edit::Travel(value)));
        html! {
            <div class="option">
                <input type="radio" id={input_id.clone()} name={id("travel")} checked={props.answers.can_travel == value} {onchange} />
                <label for={input_id}>{ ctx.text(key) }</label>
            </div>
        }
    });
    html! {
        <>
            <fieldset>
                <legend>{ ctx.text("ui.autonomy.legend") }</legend>
                { for autonomy_options }
            </fieldset>
            <fieldset>
                <legend>{ ctx.text("ui.travel.legend") }</legend>
                { for travel_options }
            </fieldset>
            <fieldset>
                <legend>{ ctx.text("ui.support.legend") }</legend>
                { for supports }
            </fieldset>
            if props.with_publics {
                <fieldset>
                    <legend>{ ctx.text("ui.desk.publics") }</legend>
                    { for publics }
                </fieldset>
            }
        </>
    }
}
