//! Type-ahead on commune name or postal code. Homonyms carry their département ("Ruffec (16)",
//! "Ruffec (36)"); a postal code shared by several communes lists them all.

use std::rc::Rc;

use aiguillage_engine::territory::{searched, Commune};
use aiguillage_engine::Communes;
use yew::prelude::*;

use crate::context::Ctx;
use crate::host;

/// How many matches are listed at most (the list scrolls); beyond, the status says how many
/// and how to narrow them.
const MAX_MATCHES: usize = 50;

/// The communes matching what is typed, among the host's départements when it names some
/// (`territory="16"` or `territory="16,86"`), and how many matched in all.
pub fn matches<'a>(communes: &'a Communes, typed: &str, territory: Option<&str>) -> (Vec<&'a Commune>, usize) {
    // `ascii::split`: the standard library's string searchers weigh more in the browser. The
    // loader removed the spaces.
    let allowed = |commune: &Commune| {
        territory.is_none_or(|list| aiguillage_engine::ascii::split(list, b',').any(|d| commune.departement == d))
    };
    communes.search_within(typed, MAX_MATCHES, allowed)
}

/// "Ruffec (16) – 16700"
pub fn commune_label(commune: &Commune) -> String {
    let postal = commune.postal_codes.first().map(|code| code.as_str()).unwrap_or("");
    format!("{} ({}) – {}", commune.name, commune.departement, postal)
}

/// The search's own state: what is typed (not an answer: it is not kept in the link), the
/// suggestion under the arrow keys, whether Escape closed the list. It lasts as long as the
/// search is on screen: choosing a commune or leaving the step ends it, a desk criterion changed
/// beside it does not.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Search {
    pub typed: String,
    pub active: Option<usize>,
    pub closed: bool,
}

pub enum SearchAction {
    Type(String),
    /// The arrow keys: to the next (`by` 1) or previous (-1) of `count` suggestions, round the list.
    Move {
        by: isize,
        count: usize,
    },
    /// Escape: the suggestions close, the text stays.
    Close,
}

impl Reducible for Search {
    type Action = SearchAction;

    fn reduce(self: Rc<Self>, action: SearchAction) -> Rc<Self> {
        let (typed, active, closed) = match action {
            SearchAction::Type(typed) => (typed, None, false),
            SearchAction::Move { by, count } => {
                let active = (count > 0).then(|| match self.active {
                    Some(at) if !self.closed => (at as isize + by).rem_euclid(count as isize) as usize,
                    _ if by < 0 => count - 1,
                    _ => 0,
                });
                (self.typed.clone(), active, false)
            }
            SearchAction::Close => (self.typed.clone(), None, true),
        };
        Rc::new(Search { typed, active, closed })
    }
}

#[derive(Properties)]
pub struct PickerProps {
    pub ctx: Ctx,
    /// What choosing a commune (its INSEE code) does: the resident goes on, the desk sets it.
    pub choose: Callback<String>,
}

/// Drawn again whenever the screen is: its context (the communes delivered for what is typed)
/// and its callback are made by the screen's render.
impl PartialEq for PickerProps {
    fn eq(&self, _: &Self) -> bool {
        false
    }
}

/// The commune search, a combobox: the suggestions are a listbox that the arrow keys walk (the
/// focus stays in the field, `aria-activedescendant` names the suggestion), Enter chooses, Escape
/// closes the list and keeps the text.
#[function_component(CommunePicker)]
pub fn commune_picker(props: &PickerProps) -> Html {
    let (ctx, choose) = (&props.ctx, &props.choose);
    let search = use_reducer(Search::default);
    let typed = &search.typed;
    let t = |key: &str| ctx.text(key);
    let id = |suffix: &str| format!("{}{suffix}", ctx.id_prefix);
    let (input_id, list_id, status_id) = (id("-commune"), id("-communes"), id("-commune-status"));
    let option_id = |index: usize| format!("{list_id}-{index}");
    {
        // The suggestion under the arrow keys stays in view in the list, which scrolls.
        let (host, option) = (ctx.config.host.clone(), search.active.map(option_id));
        use_effect_with(option, move |option| {
            if let Some(option) = option {
                host::reveal_id(host.as_ref(), option);
            }
        });
    }
    // On a folder of bundles the communes come by parts of the index as the resident types
    // (`host::communes_for`): until the part of what is typed is here, the search says it waits,
    // and the last part delivered goes on answering (its communes that match are real ones, and
    // the list is updated in place rather than drawn again when the part comes).
    let folder = ctx.config.data_src.ends_with('/');
    let text = searched(typed);
    let part = ctx.found.as_ref().filter(|found| found.text == text);
    let waiting = folder && part.is_none();
    let communes = if folder {
        ctx.found.as_ref().and_then(|found| found.communes.as_ref())
    } else {
        Some(&ctx.bundle.0.communes)
    };
    let oninput = {
        let search = search.clone();
        let host = ctx.config.host.clone().filter(|_| folder);
        Callback::from(move |event: InputEvent| {
            let input: web_sys::HtmlInputElement = event.target_unchecked_into();
            let value = input.value();
            if let Some(host) = &host {
                host::communes_for(host, &searched(&value));
            }
            search.dispatch(SearchAction::Type(value));
        })
    };
    let (found, total) =
        communes.map_or((Vec::new(), 0), |communes| matches(communes, typed, ctx.config.territory.as_deref()));
    let active = search.active.filter(|at| *at < found.len());
    let expanded = !search.closed && !found.is_empty();
    let onkeydown = {
        let (search, choose) = (search.clone(), choose.clone());
        let codes: Vec<String> = found.iter().map(|c| c.insee.to_string()).collect();
        Callback::from(move |event: KeyboardEvent| {
            let count = codes.len();
            let action = match event.key().as_str() {
                "ArrowDown" => SearchAction::Move { by: 1, count },
                "ArrowUp" => SearchAction::Move { by: -1, count },
                "Escape" => SearchAction::Close,
                // The suggestion under the arrows, the one a screen reader has named; nothing else.
                "Enter" => {
                    event.prevent_default();
                    if let Some(insee) = active.and_then(|at| codes.get(at)).filter(|_| expanded) {
                        choose.emit(insee.clone());
                    }
                    return;
                }
                _ => return,
            };
            // No form submitted, no search text erased by the browser's own Escape.
            event.prevent_default();
            search.dispatch(action);
        })
    };
    let options = found.iter().enumerate().map(|(index, commune)| {
        let insee = commune.insee.to_string();
        let onclick = choose.reform(move |_: MouseEvent| insee.clone());
        let selected = (active == Some(index)).to_string();
        html! {
            <li role="option" id={option_id(index)} aria-selected={selected} class="commune-option" data-insee={commune.insee.to_string()} {onclick}>
                { commune_label(commune) }
            </li>
        }
    });
    let asked = !text.is_empty();
    let nothing = asked && !waiting && communes.is_some() && found.is_empty();
    // Two regions always there, whose text changes (a region inserted with its text is not
    // read): the count is a status, from the first character; "no commune matches" is an
    // error, said at once (RGAA 7.5). More than the list holds: how to narrow them.
    let count = match total {
        _ if asked && waiting => t("ui.loading"),
        _ if !asked || nothing => String::new(),
        1 => t("ui.commune.one"),
        total if total > found.len() => ctx.render("ui.commune.more", &[("count", &total.to_string())]),
        total => ctx.render("ui.commune.count", &[("count", &total.to_string())]),
    };
    let error = match part {
        Some(found) if found.communes.is_none() => t("ui.commune.unavailable"),
        _ if nothing => t("ui.commune.none"),
        _ => String::new(),
    };
    let error_id = id("-commune-error");
    let described = format!("{status_id} {error_id}");
    html! {
        <div class="commune-picker">
            <label for={input_id.clone()}>{ t("ui.commune.label") }</label>
            <input id={input_id} type="search" role="combobox" aria-autocomplete="list"
                aria-expanded={expanded.to_string()} aria-controls={list_id.clone()}
                aria-activedescendant={active.map(option_id)} aria-describedby={described}
                aria-invalid={nothing.then_some("true")}
                autocomplete="address-level2" spellcheck="false" value={typed.clone()} {oninput} {onkeydown} />
            <p id={status_id} class="picker-status" role="status">{ count }</p>
            <p id={error_id} class="picker-status" role="alert">{ error }</p>
            <ul id={list_id.clone()} role="listbox" class="commune-options" aria-label={t("ui.commune.label")} hidden={!expanded}>{ for options }</ul>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn after(actions: impl IntoIterator<Item = SearchAction>) -> Rc<Search> {
        actions.into_iter().fold(Rc::new(Search::default()), |search, action| search.reduce(action))
    }

    #[test]
    fn the_arrow_keys_go_round_the_suggestions_and_escape_closes_them() {
        let down = || SearchAction::Move { by: 1, count: 3 };
        let typed = || SearchAction::Type("ruf".into());
        assert_eq!(after([typed(), down()]).active, Some(0));
        assert_eq!(after([typed(), down(), down(), down(), down()]).active, Some(0), "round the list");
        assert_eq!(after([typed(), SearchAction::Move { by: -1, count: 3 }]).active, Some(2));
        let closed = after([typed(), down(), SearchAction::Close]);
        assert!(closed.closed && closed.active.is_none() && closed.typed == "ruf", "Escape keeps the text");
        assert_eq!(closed.reduce(down()).active, Some(0), "the arrows open the list again");
        assert_eq!(after([typed(), SearchAction::Move { by: 1, count: 0 }]).active, None);
    }

    #[test]
    fn typing_starts_the_suggestions_again() {
        let typed =
            after([SearchAction::Type("ruf".into()), SearchAction::Move { by: 1, count: 3 }, SearchAction::Close]);
        let again = typed.reduce(SearchAction::Type("ruff".into()));
        assert_eq!(*again, Search { typed: "ruff".into(), active: None, closed: false });
    }
}
