//! The few places the widget touches the page around it: the URL fragment, the host's events,
//! the clipboard and printing. Each failure is swallowed: the host page must never see one.

use wasm_bindgen::{JsCast, JsValue};

use crate::fragment;

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// This widget's value in the URL fragment.
pub fn read_answers(key: &str) -> Option<String> {
    let hash = window()?.location().hash().ok()?;
    fragment::read(&hash, key)
}

/// Writes this widget's value into the fragment: a new history entry when the step changed (so
/// the browser's back button goes back a step), a replacement otherwise.
pub fn write_answers(key: &str, value: &str, new_entry: bool) {
    let Some(window) = window() else { return };
    let location = window.location();
    let Ok(hash) = location.hash() else { return };
    if fragment::read(&hash, key).as_deref().unwrap_or("") == value {
        return;
    }
    let url = url_with(&location, &hash, key, value, false);
    if let Ok(history) = window.history() {
        let _ = if new_entry {
            history.push_state_with_url(&JsValue::NULL, "", Some(&url))
        } else {
            history.replace_state_with_url(&JsValue::NULL, "", Some(&url))
        };
    }
}

/// This page's address with `value` as this widget's answers in the fragment (other pairs kept):
/// the path and query alone for the history, or whole (`absolute`) for a link sent away.
fn url_with(location: &web_sys::Location, hash: &str, key: &str, value: &str, absolute: bool) -> String {
    let origin = if absolute { location.origin().unwrap_or_default() } else { String::new() };
    let next = fragment::write(hash, key, value);
    format!("{origin}{}{}#{next}", location.pathname().unwrap_or_default(), location.search().unwrap_or_default())
}

/// The link that opens this page on these answers, to send to the resident. (Outside a browser,
/// in the render tests, there is no page: no link.)
pub fn link_to(key: &str, value: &str) -> String {
    if cfg!(not(target_family = "wasm")) {
        return String::new();
    }
    let Some(window) = window() else { return String::new() };
    let location = window.location();
    url_with(&location, &location.hash().unwrap_or_default(), key, value, true)
}

/// Calls one of the loader's element's methods (the contract, docs/ARCHITECTURE.md), if it has it.
fn call_host(host: &web_sys::HtmlElement, method: &str, arguments: &js_sys::Array) {
    if let Some(function) =
        js_sys::Reflect::get(host, &method.into()).ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    {
        let _ = function.apply(host, arguments);
    }
}

/// Tells the host page an orientation was shown: need code, commune code, ids of the actors
/// shown, metres to the nearest one met on site (`null`: none, all help at a distance). Nothing
/// personal. The loader's element (its `announce`, `static/aiguillage.js`) sends the
/// `aiguillage:orientation` event and, where the page opted in with `data-stats`, the anonymous
/// count.
pub fn announce_orientation(
    host: &web_sys::HtmlElement,
    need: &str,
    commune: &str,
    actor_ids: &[String],
    nearest_m: Option<u32>,
) {
    let ids = js_sys::Array::new();
    for id in actor_ids {
        ids.push(&JsValue::from_str(id));
    }
    let nearest = nearest_m.map_or(JsValue::NULL, JsValue::from);
    call_host(host, "announce", &js_sys::Array::of4(&need.into(), &commune.into(), &ids, &nearest));
}

/// Tells the loader the answers changed (the fragment is written), with their commune (its
/// INSEE code, `null` without one): on a folder of bundles it decides whether another file is
/// needed. The engine's reading of the fragment is the one that decides.
pub fn answers_changed(host: &web_sys::HtmlElement, commune: Option<&str>) {
    call_host(host, "answersChanged", &js_sys::Array::of1(&commune.map_or(JsValue::NULL, JsValue::from)));
}

/// Asks the loader for the communes of a searched text (`territory::searched`), on a folder of
/// bundles: it fetches the part of the commune index the text needs and hands it over through
/// what `mount` returned. (A single bundle holds its communes: nothing is asked.)
pub fn communes_for(host: &web_sys::HtmlElement, text: &str) {
    call_host(host, "communesFor", &js_sys::Array::of1(&text.into()));
}

pub fn copy_text(text: &str) {
    if let Some(window) = window() {
        let _ = window.navigator().clipboard().write_text(text);
    }
}

/// Prints the slip: the element is marked `data-printing` until the print is over, and the
/// loader's print rule for the host page then prints this widget alone, not the host's header
/// and footer (`PRINT_ALONE` in `static/aiguillage.js`, which also removes the mark afterwards).
pub fn print(host: Option<&web_sys::HtmlElement>) {
    if let Some(host) = host {
        let _ = host.set_attribute("data-printing", "");
    }
    if let Some(window) = window() {
        let _ = window.print();
    }
}

/// Whether the widget may move the focus: it is inside this widget, or nowhere (on the page's
/// body, as when the control that had it was replaced). Never away from where the person took it
/// on the host page meanwhile (a slow engine arriving after they tabbed to the host's links).
pub fn focus_is_ours(host: Option<&web_sys::HtmlElement>) -> bool {
    let Some(document) = window().and_then(|w| w.document()) else { return false };
    let Some(active) = document.active_element() else { return true };
    let is = |node: Option<&web_sys::HtmlElement>| node.is_some_and(|node| active.is_same_node(Some(node)));
    is(host) || is(document.body().as_ref())
}

/// Moves keyboard and screen-reader focus to an element (a step's heading).
pub fn focus(element: Option<web_sys::Element>) {
    if let Some(element) = element.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = element.focus();
    }
}

/// Focuses the element of this widget with that id (in the element's shadow root).
pub fn focus_id(host: Option<&web_sys::HtmlElement>, id: &str) {
    let Some(root) = host.and_then(|h| h.shadow_root()) else { return };
    focus(root.get_element_by_id(id));
}

/// Scrolls the list holding the element of this widget with that id just enough to show it (the
/// suggestion the arrow keys are on, in the commune list, which scrolls).
pub fn reveal_id(host: Option<&web_sys::HtmlElement>, id: &str) {
    let Some(root) = host.and_then(|h| h.shadow_root()) else { return };
    let Some(option) = root.get_element_by_id(id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) else {
        return;
    };
    let Some(list) = option.parent_element() else { return };
    let (top, bottom) = (option.offset_top(), option.offset_top() + option.offset_height());
    if top < list.scroll_top() {
        list.set_scroll_top(top);
    } else if bottom > list.scroll_top() + list.client_height() {
        list.set_scroll_top(bottom - list.client_height());
    }
}

/// Listens to the browser's back and forward buttons until the returned guard is dropped.
pub fn on_popstate(handler: impl Fn() + 'static) -> Option<PopstateListener> {
    let window = window()?;
    let closure = wasm_bindgen::closure::Closure::<dyn Fn()>::new(handler);
    window.add_event_listener_with_callback("popstate", closure.as_ref().unchecked_ref()).ok()?;
    Some(PopstateListener { window, closure })
}

pub struct PopstateListener {
    window: web_sys::Window,
    closure: wasm_bindgen::closure::Closure<dyn Fn()>,
}

impl Drop for PopstateListener {
    fn drop(&mut self) {
        let _ = self.window.remove_event_listener_with_callback("popstate", self.closure.as_ref().unchecked_ref());
    }
}
