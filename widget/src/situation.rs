//! The situation questions that change the answer: how to be helped, adapted support, whether
//! the person can travel (and, at the desk, the publics).

use aiguillage_engine::vocab::{Autonomy, Public, Support};
use yew::prelude::*;

use crate::context::Ctx;
use crate::reducer::{Action, Edit, Flow};

/// The situation's fields; each answer is an action of the screen's reducer. The desk also asks
/// for publics (`with_publics`); the resident path sets "seniors" at its
/// entry point.
pub fn situation_fields(ctx: &Ctx, flow: &UseReducerHandle<Flow>, with_publics: bool) -> Html {
    let answers = &flow.answers;
    let id = |suffix: &str| format!("{}-{suffix}", ctx.id_prefix);
    // One drawing for every choice (one piece of code in the browser, not four); radio
    // buttons share a group, checkboxes have none.
    let choice = |group: Option<&str>, input: String, label_key: String, checked: bool, edit: Edit| {
        let flow = flow.clone();
        let onchange = Callback::from(move |_| flow.dispatch(Action::Edit(edit)));
        choice_input(id(&input), group.map(id), checked, ctx.text(&label_key), onchange)
    };
    let autonomy_options = [None, Some(Autonomy::Learn), Some(Autonomy::Help), Some(Autonomy::ForMe)].map(|value| {
        let code = value.map_or("any", |a| a.code());
        let (input, label) = (format!("autonomy-{code}"), format!("ui.autonomy.{code}"));
        choice(Some("autonomy"), input, label, answers.autonomy == value, Edit::Autonomy(value))
    });
    let travel_options = [(Some(true), "yes"), (Some(false), "no")].map(|(value, code)| {
        let (input, label) = (format!("travel-{code}"), format!("ui.travel.{code}"));
        choice(Some("travel"), input, label, answers.can_travel == value, Edit::Travel(value))
    });
    let supports = Support::ALL.iter().map(|&support| {
        let code = support.code();
        let (input, label) = (format!("support-{code}"), format!("ui.support.{code}"));
        choice(None, input, label, answers.supports.contains(support), Edit::Support(support))
    });
    let publics = Public::ALL.iter().map(|&public| {
        let code = public.code();
        let (input, label) = (format!("public-{code}"), format!("ui.public.{code}"));
        choice(None, input, label, answers.publics.contains(public), Edit::Public(public))
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
            if with_publics {
                <fieldset>
                    <legend>{ ctx.text("ui.desk.publics") }</legend>
                    { for publics }
                </fieldset>
            }
        </>
    }
}

/// One radio button (in the group `name`) or checkbox (no `name`), with its label.
fn choice_input(
    input_id: String,
    name: Option<String>,
    checked: bool,
    label: String,
    onchange: Callback<Event>,
) -> Html {
    let kind = if name.is_some() { "radio" } else { "checkbox" };
    html! {
        <div class="option">
            <input type={kind} id={input_id.clone()} {name} {checked} {onchange} />
            <label for={input_id}>{ label }</label>
        </div>
    }
}
