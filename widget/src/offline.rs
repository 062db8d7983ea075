//! What the widget shows when its data bundle cannot be loaded: a message and the national
//! contacts, baked in at build time from the data files (`build.rs`), as HTML.

use aiguillage_engine::Lang;

use crate::config::Config;

include!(concat!(env!("OUT_DIR"), "/offline.rs"));

/// The whole view, for the widget's container: the message and the contacts in the widget's
/// language, in the same section as the widget's own view.
pub fn page(config: &Config) -> String {
    let contacts = match config.lang {
        Lang::Fr => UNAVAILABLE[0],
        Lang::FrFalc => UNAVAILABLE[1],
        Lang::En => UNAVAILABLE[2],
    };
    let label = aiguillage_engine::html::escape(config.label());
    let mut html = String::new();
    // Size idiom (see lib.rs, "Rules for the browser path"): parts pushed, not `format!`.
    for part in [
        r#"<section class="aiguillage" data-mode=""#,
        config.mode.code(),
        r#"" part="container" aria-label=""#,
        &label,
        r#"" lang=""#,
        config.html_lang(),
        r#"">"#,
        contacts,
        "</section>",
    ] {
        html.push_str(part);
    }
    html
}
