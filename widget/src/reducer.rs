//! The screen's state and its one reducer: the step, the answers (kept in the URL fragment, so
//! that a link can be shared and the back button works), the live region. (The commune search
//! keeps its own state: `picker::Search`.)
//! Views read it and dispatch [`Action`]s; nothing here draws.

use std::rc::Rc;

use aiguillage_engine::vocab::{Autonomy, Public, Support};
use yew::prelude::*;

use crate::fragment::Answers;

/// One change to the situation.
#[derive(Clone, Copy)]
pub enum Edit {
    Autonomy(Option<Autonomy>),
    Support(Support),
    Public(Public),
    Travel(Option<bool>),
}

/// What is on screen, announced when it changes: the need, the commune and the actors shown.
pub type Shown = (String, String, Vec<String>);

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
    /// At the desk, the control that takes the focus after the last action, when the one that
    /// had it went away (the id suffix: `change-commune` once a commune is chosen, `commune`,
    /// the search, after "change the commune"): never the page's `body`.
    pub focus_after: Option<&'static str>,
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
            copied: false,
            announcement: String::new(),
            announced: None,
            heading: NodeRef::default(),
            new_step: false,
            focus_after: None,
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

    /// The step number and the total, for "Étape 2 sur 4". The precision of a need is part of
    /// the first step, so that the total never changes on the way.
    pub fn progress(&self) -> (usize, usize) {
        let number = match self.step {
            Step::Need | Step::Detail => 1,
            Step::Commune => 2,
            Step::Situation => 3,
            Step::Results => 4,
        };
        (number, 4)
    }
}

impl Reducible for Flow {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        next.moved = true;
        next.copied = false;
        next.focus_after = None;
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
            Action::SetCommune(commune) => {
                next.focus_after = Some(if commune.is_some() { "change-commune" } else { "commune" });
                next.answers.commune = commune;
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn the_desk_says_where_the_focus_goes_when_the_commune_changes() {
        let start = Rc::new(Flow::start(Answers::default(), None));
        let chosen = start.reduce(Action::SetCommune(Some("16292".into())));
        assert_eq!(chosen.focus_after, Some("change-commune"));
        let cleared = chosen.reduce(Action::SetCommune(None));
        assert_eq!(cleared.focus_after, Some("commune"));
        assert_eq!(cleared.reduce(Action::Edit(Edit::Travel(Some(true)))).focus_after, None, "said once");
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
