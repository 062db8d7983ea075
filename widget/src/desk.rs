//! Desk mode, for social workers: every criterion on one screen, results updated as they
//! change, native form controls only (fully keyboard-driven), the slip for the case file.

use yew::prelude::*;

use crate::context::Ctx;
use crate::picker::{commune_label, CommunePicker};
use crate::reducer::{Action, Flow};
use crate::results::{results, Outcome};
use crate::situation::situation_fields;

/// The desk's screen, with the answer the screen computed (`outcome`).
pub fn desk(ctx: &Ctx, flow: &UseReducerHandle<Flow>, outcome: &Outcome) -> Html {
    let bundle = &ctx.bundle.0;
    let need_id = format!("{}-need", ctx.id_prefix);
    let on_need = {
        let flow = flow.clone();
        Callback::from(move |event: Event| {
            let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
            let value = select.value();
            flow.dispatch(Action::SetNeed(Some(value).filter(|v| !v.is_empty())));
        })
    };
    let option = |need: &aiguillage_engine::taxonomy::Need| {
        let selected = flow.answers.need.as_deref() == Some(need.code.as_str());
        html! { <option value={need.code.clone()} {selected}>{ need.label.get(ctx.lang).to_string() }</option> }
    };
    // A need with precisions is a group: the need itself first, then its precisions (a screen
    // reader says the group; no dash to read aloud).
    let options = bundle.taxonomy.top_level().map(|(id, need)| {
        if bundle.taxonomy.children(id).next().is_none() {
            return option(need);
        }
        html! {
            <optgroup label={need.label.get(ctx.lang).to_string()}>
                { option(need) }{ for bundle.taxonomy.children(id).map(|(_, child)| option(child)) }
            </optgroup>
        }
    });
    let chosen_commune = flow.answers.commune.as_deref().and_then(|c| bundle.communes.get(c));
    let change_id = format!("{}-change-commune", ctx.id_prefix);
    let clear_commune = {
        let flow = flow.clone();
        Callback::from(move |_| flow.dispatch(Action::SetCommune(None)))
    };
    let set_commune = {
        let flow = flow.clone();
        Callback::from(move |insee| flow.dispatch(Action::SetCommune(Some(insee))))
    };
    html! {
        <div class="desk">
            <h2>{ ctx.text("ui.desk.title") }</h2>
            <div class="desk-grid">
                <form class="desk-criteria" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                    <label for={need_id.clone()}>{ ctx.text("ui.desk.need") }</label>
                    <select id={need_id} onchange={on_need}>
                        <option value="" selected={flow.answers.need.is_none()}>{ ctx.text("ui.desk.need.none") }</option>
                        { for options }
                    </select>
                    <div class="desk-commune">
                        if let Some(commune) = chosen_commune {
                            <p><strong>{ ctx.text("ui.desk.commune") }{ " : " }</strong>{ commune_label(commune) }
                               { " " }<button type="button" id={change_id} class="secondary" onclick={clear_commune}>{ ctx.text("ui.desk.change-commune") }</button></p>
                        } else {
                            <CommunePicker ctx={ctx.clone()} choose={set_commune} />
                        }
                    </div>
                    { situation_fields(ctx, flow, true) }
                </form>
                <div class="desk-results">
                    <h3>{ ctx.text("ui.desk.results") }</h3>
                    { results(ctx, flow, outcome) }
                </div>
            </div>
        </div>
    }
}
