//! The resident flow, phone first: need → detail (when the need has sub-needs) → commune →
//! situation → results. One reducer holds the screen's state; the answers live in the URL
//! fragment so a link can be shared and the back button works.

use std::rc::Rc;

use aiguillage_engine::vocab::Public;
use yew::prelude::*;

use crate::app::{BundleRef, Ctx};
use crate::fragment::Answers;
use crate::picker::commune_picker;
use crate::results::{results, Outcome, Shown};
use crate::situation::{situation_fields, Edit};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Need,
    Detail,
    Commune,
    Situation,
    Results,
}

impl Step {
    pub const ALL: [Step; 5] = [Step::Need, Step::Detail, Step::Commune, Step::Situation, Step::Results];

    pub fn code(self) -> &'static str {
        match self {
            Step::Need => "need",
            Step::Detail => "detail",
            Step::Commune => "commune",
            Step::Situation => "situation",
            Step::Results => "results",
        }
    }

    pub fn from_code(code: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.code() == code)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Flow {
    pub step: Step,
    pub answers: Answers,
    /// Whether the person moved at least once: focus follows their moves, never the page load.
    pub moved: bool,
    /// What is typed in the commune search (not an answer: it is not kept in the link).
    pub typed: String,
    /// Whether the slip was just copied (said until the next action).
    pub copied: bool,
    /// The text of the screen's polite live region.
    pub announcement: String,
    /// What was on screen when last announced (to announce only changes).
    pub announced: Option<Shown>,
    /// The resident flow's question, focused when the step changes (kept here rather than in
    /// a hook of its own: `use_node_ref` would bring `use_state`'s code into the browser).
    pub heading: NodeRef,
    /// Whether the last action changed the step (a new history entry, the focus moves).
    pub new_step: bool,
}

pub enum Action {
    ChooseNeed {
        code: String,
        has_detail: bool,
    },
    ToggleSenior,
    ChooseDetail(Option<String>),
    ChooseCommune(String),
    /// A situation question answered (the resident's situation step, the desk's criteria).
    Edit(Edit),
    /// The desk edits need and commune directly, without moving through steps.
    SetNeed(Option<String>),
    SetCommune(Option<String>),
    /// Typing in the commune search.
    TypeCommune(String),
    /// The slip was copied.
    Copied,
    /// What is on screen changed: it is recorded, and said in the live region when there is
    /// something to say.
    Announce {
        shown: Option<Shown>,
        text: Option<String>,
    },
    ShowResults,
    Back,
    Restart,
    /// The fragment changed under us (back button, shared link).
    Restore(Answers),
}

impl Action {
    /// Whether the commune search ends: a commune is chosen, or the step is left. Edits on the
    /// same screen (the desk's criteria) keep what was typed.
    fn ends_search(&self) -> bool {
        matches!(
            self,
            Action::ChooseNeed { .. }
                | Action::ChooseDetail(_)
                | Action::ChooseCommune(_)
                | Action::SetCommune(_)
                | Action::ShowResults
                | Action::Back
                | Action::Restart
                | Action::Restore(_)
        )
    }
}

impl Flow {
    /// Starts from the fragment's answers, or from the host's preset commune.
    pub fn start(answers: Answers, preset_commune: Option<String>) -> Flow {
        let mut answers = answers;
        if answers.commune.is_none() {
            answers.commune = preset_commune;
        }
        let step = answers.step.as_deref().and_then(Step::from_code).unwrap_or(Step::Need);
        Flow {
            step: Flow::reachable(step, &answers),
            answers,
            moved: false,
            typed: String::new(),
            copied: false,
            announcement: String::new(),
            announced: None,
            heading: NodeRef::default(),
            new_step: false,
        }
        .with_step_recorded()
    }

    /// A step whose answers are missing falls back to the first one that is.
    fn reachable(step: Step, answers: &Answers) -> Step {
        let needs_need = !matches!(step, Step::Need) && answers.need.is_none();
        let needs_commune = matches!(step, Step::Situation | Step::Results) && answers.commune.is_none();
        if needs_need {
            Step::Need
        } else if needs_commune {
            Step::Commune
        } else {
            step
        }
    }

    fn with_step_recorded(mut self) -> Flow {
        self.answers.step = Some(self.step.code().to_string());
        self
    }

    /// The step number and the total, for "Étape 2 sur 4".
    pub fn progress(&self, has_detail: bool) -> (usize, usize) {
        let steps: &[Step] = if has_detail {
            &[Step::Need, Step::Detail, Step::Commune, Step::Situation, Step::Results]
        } else {
            &[Step::Need, Step::Commune, Step::Situation, Step::Results]
        };
        let index = steps.iter().position(|s| *s == self.step).unwrap_or(0);
        (index + 1, steps.len())
    }
}

impl Reducible for Flow {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        next.moved = true;
        if action.ends_search() {
            next.typed.clear();
        }
        next.copied = false;
        match action {
            Action::ChooseNeed { code, has_detail } => {
                next.answers.need = Some(code);
                next.step = if has_detail { Step::Detail } else { Step::Commune };
            }
            Action::ToggleSenior => {
                next.answers.publics.toggle(Public::Seniors);
                next.moved = self.moved;
            }
            Action::ChooseDetail(code) => {
                if let Some(code) = code {
                    next.answers.need = Some(code);
                }
                next.step = Step::Commune;
            }
            Action::ChooseCommune(insee) => {
                next.answers.commune = Some(insee);
                next.step = Step::Situation;
            }
            Action::Edit(Edit::Autonomy(autonomy)) => next.answers.autonomy = autonomy,
            Action::Edit(Edit::Support(support)) => next.answers.supports.toggle(support),
            Action::Edit(Edit::Public(public)) => next.answers.publics.toggle(public),
            Action::Edit(Edit::Travel(can_travel)) => next.answers.can_travel = can_travel,
            Action::SetNeed(need) => next.answers.need = need,
            Action::SetCommune(commune) => next.answers.commune = commune,
            Action::TypeCommune(typed) => {
                next.typed = typed;
                next.moved = self.moved;
            }
            Action::Copied => {
                next.copied = true;
                next.moved = self.moved;
            }
            Action::Announce { shown, text } => {
                // Said, not done: nothing else changes.
                next.announced = shown;
                if let Some(text) = text {
                    next.announcement = text;
                }
                next.moved = self.moved;
                next.copied = self.copied;
            }
            Action::ShowResults => next.step = Step::Results,
            Action::Back => {
                next.step = match self.step {
                    Step::Need | Step::Detail => Step::Need,
                    Step::Commune => Step::Need,
                    Step::Situation => Step::Commune,
                    Step::Results => Step::Situation,
                };
            }
            Action::Restart => {
                next.answers = Answers { commune: self.answers.commune.clone(), ..Answers::default() };
                next.step = Step::Need;
            }
            Action::Restore(answers) => {
                let step = answers.step.as_deref().and_then(Step::from_code).unwrap_or(Step::Need);
                next.step = Flow::reachable(step, &answers);
                next.answers = answers;
            }
        }
        next.new_step = next.step != self.step;
        Rc::new(next.with_step_recorded())
    }
}

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
    let has_detail = top_need.is_some_and(|id| bundle.taxonomy.children(id).next().is_some());
    let (step_number, step_total) = flow.progress(has_detail);
    let progress = ctx.render("ui.step", &[("n", &step_number.to_string()), ("total", &step_total.to_string())]);
    let back =
        html! { <button type="button" class="back" onclick={dispatch(|| Action::Back)}>{ t("ui.back") }</button> };

    let (title, body) = match flow.step {
        Step::Need => (t("ui.need.question"), need_step(ctx, flow)),
        Step::Detail => (t("ui.detail.question"), detail_step(ctx, flow, top_need)),
        Step::Commune => (t("ui.commune.question"), commune_picker(ctx, flow, Action::ChooseCommune)),
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
            <p class="progress">{ progress }</p>
            <h2 tabindex="-1" ref={flow.heading.clone()}>{ title }</h2>
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

#[cfg(test)]
mod tests {
    use super::*;
    use aiguillage_engine::vocab::Support;

    #[test]
    fn the_commune_search_lasts_until_a_commune_is_chosen_or_the_step_is_left() {
        let flow = Rc::new(Flow::start(Answers::default(), None));
        let typed = flow.reduce(Action::TypeCommune("ruf".into()));
        assert_eq!(typed.typed, "ruf");
        assert!(!typed.moved, "typing is not a move: focus stays in the search box");
        let kept = typed.clone().reduce(Action::Edit(Edit::Support(Support::ALL[0])));
        assert_eq!(kept.typed, "ruf", "a desk criterion changed beside the search");
        assert_eq!(kept.clone().reduce(Action::ChooseCommune("16292".into())).typed, "");
        assert_eq!(kept.clone().reduce(Action::Back).typed, "");
        assert_eq!(kept.reduce(Action::SetCommune(None)).typed, "");
    }

    #[test]
    fn new_step_says_whether_the_last_action_changed_the_step() {
        let start = Rc::new(Flow::start(Answers::default(), None));
        assert!(!start.new_step, "the page load is not a step change");
        let moved = start.reduce(Action::ChooseNeed { code: "emploi".into(), has_detail: false });
        assert!(moved.new_step && moved.step == Step::Commune);
        let edited = moved.clone().reduce(Action::Edit(Edit::Travel(Some(false))));
        assert!(!edited.new_step, "an edit on the same step");
        assert!(edited.reduce(Action::Back).new_step);
    }

    #[test]
    fn copied_is_said_until_the_next_action() {
        let copied = Rc::new(Flow::start(Answers::default(), None)).reduce(Action::Copied);
        assert!(copied.copied && !copied.moved);
        assert!(!copied.clone().reduce(Action::Edit(Edit::Travel(Some(true)))).copied);
        let shown = Some(("emploi".to_string(), "16015".to_string(), vec!["a".to_string()]));
        let announced = copied.reduce(Action::Announce { shown: shown.clone(), text: Some("3 lieux".into()) });
        assert_eq!((announced.announcement.as_str(), &announced.announced), ("3 lieux", &shown));
        assert!(announced.copied && !announced.moved, "an announcement changes nothing else");
    }
}
