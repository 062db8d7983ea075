//! The first question (what do you need?) for the loader, which draws it before the engine has
//! arrived: the widget's own need step (`flow::resident_flow` at its first step), rendered here
//! natively in every language and written as a tree of nodes, so that its markup is written in
//! one place. `cargo xtask dist` runs it after `aiguillage texts`.
//!
//! Run: `cargo run -p aiguillage-widget --example first_step -- OUT_DIR` writes
//! `OUT_DIR/first-step.json`: `{"fr": {"loading": "…", "step": NODE}, …}`, where a `NODE` is a
//! text or `[tag, {attribute: value}, NODE…]`. The step is drawn with the senior entry pressed,
//! then marked as the loader first shows it: the entry not pressed (`aria-pressed="false"`), its
//! note hidden; the loader's clicks toggle both.

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;

use aiguillage_engine::bundle::Bundle;
use aiguillage_engine::vocab::Public;
use aiguillage_engine::{Communes, Directory, Lang, LocalDateTime};
use aiguillage_import::project;
use aiguillage_widget::clock::Now;
use aiguillage_widget::config::{Config, Mode};
use aiguillage_widget::context::{BundleRef, Ctx};
use aiguillage_widget::flow::resident_flow;
use aiguillage_widget::fragment::Answers;
use aiguillage_widget::reducer::Flow;
use aiguillage_widget::results::outcome;
use serde_json::{json, Map, Value};
use yew::prelude::*;
use yew::virtual_dom::VNode;
use yew::LocalServerRenderer;

thread_local! {
    /// The step as the harness drew it.
    static DRAWN: RefCell<Option<Value>> = const { RefCell::new(None) };
}

#[derive(Properties)]
struct HarnessProps {
    ctx: Ctx,
}

impl PartialEq for HarnessProps {
    fn eq(&self, _: &Self) -> bool {
        false
    }
}

/// The resident flow at its first step, the senior entry pressed; its nodes are kept.
#[function_component(Harness)]
fn harness(props: &HarnessProps) -> Html {
    let flow = use_reducer(|| {
        let mut answers = Answers::default();
        answers.publics.insert(Public::Seniors);
        Flow::start(answers, None)
    });
    let html = resident_flow(&props.ctx, &flow, &outcome(&props.ctx, &flow));
    DRAWN.with(|drawn| *drawn.borrow_mut() = Some(tree(&html)));
    html
}

/// A node as the loader builds it: text, or `[tag, attributes, children…]`; lists flattened.
fn tree(node: &VNode) -> Value {
    match node {
        VNode::VText(text) => Value::String(text.text.to_string()),
        VNode::VTag(tag) => {
            let attributes: Map<String, Value> = tag
                .attributes
                .iter()
                .map(|(name, value)| (name.to_string(), Value::String(value.to_string())))
                .collect();
            let mut element = vec![Value::String(tag.tag().to_string()), Value::Object(attributes)];
            if let Some(children) = tag.children() {
                element.extend(nodes(children));
            }
            Value::Array(element)
        }
        other => panic!("the first question holds a node the loader cannot draw: {other:?}"),
    }
}

/// The nodes of `node` in order, lists flattened into their children, empty texts left out.
fn nodes(node: &VNode) -> Vec<Value> {
    match node {
        VNode::VList(list) => list.iter().flat_map(nodes).collect(),
        VNode::VText(text) if text.text.is_empty() => Vec::new(),
        other => vec![tree(other)],
    }
}

/// The element of `node` whose class is `class`, to be marked as the loader first shows it.
fn with_class<'a>(node: &'a mut Value, class: &str) -> Option<&'a mut Map<String, Value>> {
    let Value::Array(element) = node else { return None };
    if element[1]["class"] == class {
        return element[1].as_object_mut();
    }
    element.iter_mut().skip(2).find_map(|child| with_class(child, class))
}

fn ctx(lang: Lang) -> Ctx {
    let (taxonomy, wording, rules) = project::shipped().expect("the shipped data");
    let communes = Communes::new(Vec::new(), Vec::new());
    let directory = Directory::new(Vec::new(), &communes);
    let bundle = Bundle {
        territory: String::new(),
        territory_name: String::new(),
        built_on: aiguillage_engine::Date::parse("2026-01-01").expect("a date"),
        communes,
        taxonomy,
        wording,
        rules,
        directory,
    };
    let config = Config::unhosted("", lang, Mode::Resident);
    Ctx {
        bundle: BundleRef(Rc::new(bundle)),
        config,
        lang,
        id_prefix: "aiguillage".into(),
        now: Now::Fixed(LocalDateTime::parse("2026-01-01T10:00").expect("an instant")),
        found: None,
    }
}

fn main() {
    let out = PathBuf::from(std::env::args().nth(1).expect("usage: first_step OUT_DIR"));
    let runtime = tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
    let mut languages = Map::new();
    for lang in Lang::ALL {
        let ctx = ctx(lang);
        let loading = ctx.text("ui.loading");
        runtime.block_on(LocalServerRenderer::<Harness>::with_props(HarnessProps { ctx }).hydratable(false).render());
        let mut step = DRAWN.with(|drawn| drawn.borrow_mut().take()).expect("the step was drawn");
        with_class(&mut step, "senior").expect("the senior entry").insert("aria-pressed".into(), "false".into());
        with_class(&mut step, "note").expect("the senior note").insert("hidden".into(), "".into());
        languages.insert(lang.code().to_string(), json!({ "loading": loading, "step": step }));
    }
    let path = out.join("first-step.json");
    let text = Value::Object(languages).to_string();
    std::fs::write(&path, &text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    eprintln!("{}: {} bytes", path.display(), text.len());
}
