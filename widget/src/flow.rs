//! The resident flow, phone first: need → detail (when the need has sub-needs) → commune →
//! situation → results, each step a view of the screen's state ([`crate::reducer`]).

use aiguillage_engine::vocab::Public;
use yew::prelude::*;

use crate::context::{BundleRef, Ctx};
use crate::picker::{commune_label, CommunePicker};
use crate::reducer::{Action, Flow, Step};
use crate::results::{results, Outcome};
use crate::situation::situation_fields;

/// The current step of the resident flow (its question, `Flow::heading`, is focused by the
/// parent when the step changes); `outcome` is the answer the parent computed for the results
/// step.
pub fn resident_flow(ctx: &Ctx, flow: &UseReducerHandle<Flow>, outcome: &Outcome) -> Html {
    let bundle = &ctx.bundle.0;
    let t = |key: &str| ctx.text(key);
    let dispatch = |action: fn() -> Action| {
        let flow = flow.clone();
        Callback::from(move |_: MouseEvent| flow.dispatch(action()))
    };
    let need_id = flow.answers.need.as_deref().and_then(|code| bundle.taxonomy.need_id(code));
    let top_need = need_id.map(|id| bundle.taxonomy.parent(id).unwrap_or(id));
    let (step_number, step_total) = flow.progress();
    let progress = ctx.render("ui.step", &[("n", &step_number.to_string()), ("total", &step_total.to_string())]);
    let back =
        html! { <button type="button" class="back" onclick={dispatch(|| Action::Back)}>{ t("ui.back") }</button> };

    let (title, body) = match flow.step {
        Step::Need => (t("ui.need.question"), need_step(ctx, flow)),
        Step::Detail => (t("ui.detail.question"), detail_step(ctx, flow, top_need)),
        Step::Commune => (t("ui.commune.question"), commune_step(ctx, flow)),
        Step::Situation => {
            let onsubmit = {
                let flow = flow.clone();
                Callback::from(move |event: SubmitEvent| {
                    event.prevent_default();
                    flow.dispatch(Action::ShowResults)
                })
            };
            (
                t("ui.situation.question"),
                html! {
                    <form class="situation" {onsubmit}>
                        { situation_fields(ctx, flow, false) }
                        <button type="submit" class="primary">{ t("ui.next") }</button>
                    </form>
                },
            )
        }
        Step::Results => {
            let restart = dispatch(|| Action::Restart);
            (
                t("ui.results.title"),
                html! {
                    <>
                        { results(ctx, flow, outcome) }
                        <button type="button" class="secondary" onclick={restart}>{ t("ui.restart") }</button>
                    </>
                },
            )
        }
    };
    html! {
        <div class="step" data-step={flow.step.code()}>
            // The step is part of the heading that takes the focus, so that it is read with it.
            <h2 tabindex="-1" ref={flow.heading.clone()}>
                <span class="progress">{ progress }</span><span class="visually-hidden">{ ", " }</span>{ title }
            </h2>
            { body }
            if flow.step != Step::Need { { back } }
        </div>
    }
}

/// One need as a big button: pictogram, label, and a line of examples.
fn need_choice(ctx: &Ctx, need: &aiguillage_engine::taxonomy::Need, onclick: Callback<MouseEvent>) -> Html {
    html! {
        <li><button type="button" class="choice" data-need={need.code.clone()} {onclick}>
            <span class="pictogram" aria-hidden="true">{ need.pictogram.clone() }</span>
            <span class="choice-label">{ need.label.get(ctx.lang).to_string() }</span>
            <span class="choice-hint">{ need.hint.get(ctx.lang).to_string() }</span>
        </button></li>
    }
}

fn need_step(ctx: &Ctx, flow: &UseReducerHandle<Flow>) -> Html {
    let bundle = &ctx.bundle.0;
    let senior = flow.answers.publics.contains(Public::Seniors);
    let needs = bundle.taxonomy.top_level().map(|(id, need)| {
        let code = need.code.clone();
        let has_detail = bundle.taxonomy.children(id).next().is_some();
        let flow = flow.clone();
        need_choice(
            ctx,
            need,
            Callback::from(move |_| flow.dispatch(Action::ChooseNeed { code: code.clone(), has_detail })),
        )
    });
    let toggle_senior = {
        let flow = flow.clone();
        Callback::from(move |_| flow.dispatch(Action::ToggleSenior))
    };
    html! {
        <>
            <button type="button" class="senior" aria-pressed={senior.to_string()} onclick={toggle_senior}>
                <span class="pictogram" aria-hidden="true">{ "👵" }</span>{ ctx.text("ui.senior.entry") }
            </button>
            if senior { <p class="note">{ ctx.text("ui.senior.active") }</p> }
            <ul class="choices">{ for needs }</ul>
        </>
    }
}

fn detail_step(ctx: &Ctx, flow: &UseReducerHandle<Flow>, parent: Option<u8>) -> Html {
    let Some(parent) = parent else { return Html::default() };
    let bundle: &BundleRef = &ctx.bundle;
    let choices = bundle.0.taxonomy.children(parent).map(|(_, need)| {
        let code = need.code.clone();
        let flow = flow.clone();
        need_choice(ctx, need, Callback::from(move |_| flow.dispatch(Action::ChooseDetail(Some(code.clone())))))
    });
    let any = {
        let flow = flow.clone();
        let parent_code = bundle.0.taxonomy.need(parent).map(|n| n.code.clone());
        Callback::from(move |_| flow.dispatch(Action::ChooseDetail(parent_code.clone())))
    };
    html! {
        <ul class="choices">
            { for choices }
            <li><button type="button" class="choice" data-need="any" onclick={any}>
                <span class="choice-label">{ ctx.text("ui.detail.any") }</span>
            </button></li>
        </ul>
    }
}

/// The commune question: the commune already known (the host's, or the one chosen before going
/// back) is said, with a button to go on with it, above the search for another.
fn commune_step(ctx: &Ctx, flow: &UseReducerHandle<Flow>) -> Html {
    let known = flow.answers.commune.as_deref().and_then(|code| ctx.bundle.0.communes.get(code));
    let keep = known.map(|commune| {
        let insee = commune.insee.to_string();
        let flow = flow.clone();
        let onclick = Callback::from(move |_| flow.dispatch(Action::ChooseCommune(insee.clone())));
        html! {
            <p class="known-commune"><strong>{ ctx.text("ui.desk.commune") }{ " : " }</strong>{ commune_label(commune) }
               { " " }<button type="button" class="primary" {onclick}>{ ctx.text("ui.next") }</button></p>
        }
    });
    let choose = {
        let flow = flow.clone();
        Callback::from(move |insee| flow.dispatch(Action::ChooseCommune(insee)))
    };
    html! { <>{ for keep }<CommunePicker ctx={ctx.clone()} {choose} /></> }
}
