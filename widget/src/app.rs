//! The widget's screen, its main component: it holds the answers in one reducer, keeps them in
//! the URL fragment, and shows the resident flow or the desk, with one polite live region for
//! announcements. (Without data, `mount` leaves the page to the loader's message.)

use std::rc::Rc;

use aiguillage_engine::vocab::Public;
use yew::prelude::*;

use crate::config::Mode;
use crate::context::Ctx;
use crate::desk::desk;
use crate::flow::resident_flow;
use crate::fragment::Answers;
use crate::reducer::{Action, Flow};
use crate::{host, results};

#[derive(Properties)]
pub struct AppProps {
    pub ctx: Ctx,
}

/// The root's properties change only when the loader delivers communes for what is typed (it
/// mounts the widget again when an attribute changes).
impl PartialEq for AppProps {
    fn eq(&self, other: &Self) -> bool {
        self.ctx.bundle == other.ctx.bundle
            && self.ctx.found.as_ref().map(Rc::as_ptr) == other.ctx.found.as_ref().map(Rc::as_ptr)
    }
}

/// The widget, its bundle loaded: the screen, with one reducer for the
/// answers, kept in step with the URL fragment.
#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let ctx = &props.ctx;
    let key = ctx.config.fragment_key.clone();
    // The senior entry pressed on the loader's early question is part of the starting answers,
    // as if pressed on the widget's own question.
    let flow = {
        let key = key.clone();
        let preset = ctx.config.commune.clone();
        let senior = ctx.config.early_senior;
        use_reducer(move || {
            let mut answers = host::read_answers(&key).map(|v| Answers::decode(&v)).unwrap_or_default();
            if senior {
                answers.publics.insert(Public::Seniors);
            }
            Flow::start(answers, preset)
        })
    };
    // The answer, computed once per render where it is shown.
    let outcome = results::outcome(ctx, &flow);
    {
        // After the answers change: the fragment follows them, with a new history entry per
        // step; when the step changed by a move of the person's, its question takes the focus;
        // when what is shown changed, it is announced.
        let key = key.clone();
        let (new_step, moved, heading) = (flow.new_step, flow.moved, flow.heading.clone());
        let focus_after = flow.focus_after.map(|suffix| format!("{}-{suffix}", ctx.id_prefix));
        let (shown, nearest_m) = (results::shown(ctx, &outcome), results::nearest_m(&outcome));
        let (ctx, flow) = (ctx.clone(), flow.clone());
        use_effect_with(flow.answers.clone(), move |answers| {
            host::write_answers(&key, &answers.encode(), new_step);
            if let Some(element) = &ctx.config.host {
                host::answers_changed(element, answers.commune.as_deref());
            }
            let free = host::focus_is_ours(ctx.config.host.as_ref());
            if new_step && moved && free {
                host::focus(heading.cast::<web_sys::Element>());
            }
            if let Some(id) = focus_after.as_ref().filter(|_| free) {
                host::focus_id(ctx.config.host.as_ref(), id);
            }
            if shown != flow.announced {
                results::announce(&ctx, &flow, shown, nearest_m);
            }
        });
    }
    {
        // Once, after the first render. (1) The need chosen on the loader's early question is
        // replayed as the click it was (a new step, focus on its question). (2) The answers
        // follow the fragment when the person goes back or forward.
        let flow = flow.clone();
        let early_need = ctx.config.early_need.clone();
        let bundle = ctx.bundle.clone();
        use_effect_with((), move |_| {
            let taxonomy = &bundle.0.taxonomy;
            let top_level = early_need.and_then(|code| {
                let id = taxonomy.need_id(&code).filter(|id| taxonomy.parent(*id).is_none())?;
                Some((code, id))
            });
            if let Some((code, id)) = top_level {
                flow.dispatch(Action::ChooseNeed { code, has_detail: taxonomy.children(id).next().is_some() })
            }
            let listener = host::on_popstate(move || {
                let answers = host::read_answers(&key).map(|v| Answers::decode(&v)).unwrap_or_default();
                flow.dispatch(Action::Restore(answers));
            });
            move || drop(listener)
        });
    }
    let view = match ctx.config.mode {
        Mode::Resident => resident_flow(ctx, &flow, &outcome),
        Mode::Desk => desk(ctx, &flow, &outcome),
    };
    let config = &ctx.config;
    html! {
        <section class="aiguillage" data-mode={config.mode.code()} part="container" aria-label={config.label().to_string()} lang={config.html_lang()}>
            { view }
            <p class="visually-hidden" aria-live="polite" aria-atomic="true">{ flow.announcement.clone() }</p>
        </section>
    }
}
