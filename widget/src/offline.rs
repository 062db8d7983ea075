//! What the widget shows when its territory bundle cannot be used: a message and the national
//! contacts, from the language pack (which carries them whole), as HTML: no Yew code for this
//! case. Without the pack either, `mount` leaves it to the loader, which carries a message and
//! the contacts for every need (`unavailable` in its first-step words).

use aiguillage_engine::html::escape;
use aiguillage_engine::texts::TextPack;

use crate::config::Config;
use crate::links;

/// The whole view, for the widget's container: the message and the contacts in the pack's
/// language, in the same section as the widget's own view.
pub fn page(config: &Config, pack: &TextPack) -> String {
    let word = |key: &str| pack.wording.iter().find(|(k, _)| k == key).map_or("", |(_, text)| text.as_str());
    let need_label = |code: &String| pack.needs.iter().find(|n| &n.0 == code).map(|n| n.1.as_str());
    let new_tab = escape(word("ui.results.new-tab"));
    let mut html = String::new();
    let mut push = |parts: &[&str]| {
        // Size idiom (see lib.rs, "Rules for the browser path"): parts pushed, not `format!`.
        for part in parts {
            html.push_str(part);
        }
    };
    push(&[
        r#"<section class="aiguillage" data-mode=""#,
        config.mode.code(),
        r#"" part="container" aria-label=""#,
        &escape(config.label()),
        r#"" lang=""#,
        config.html_lang(),
        r#""><div class="unavailable" role="alert"><p>"#,
        &escape(word("ui.error.load")),
        r#"</p><ul class="fallbacks">"#,
    ]);
    for fallback in &pack.fallbacks {
        // A contact for some needs says which, in place of its text: the list stays short.
        let mut about = String::new();
        for label in fallback.needs.iter().filter_map(need_label) {
            if !about.is_empty() {
                about.push_str(", ");
            }
            about.push_str(label);
        }
        let (open, close) = if about.is_empty() { (" — ", "") } else { (" (", ")") };
        if about.is_empty() {
            about.push_str(fallback.text.get(pack.lang));
        }
        push(&["<li><strong>", &escape(&fallback.name), "</strong>", open, &escape(&about), close]);
        if let Some(phone) = fallback.phone.as_deref() {
            if let Some(href) = links::tel(phone) {
                push(&[r#" <a href=""#, &escape(&href), r#"">"#, &escape(&links::display_phone(phone)), "</a>"]);
            }
        }
        if let Some(url) = fallback.url.as_deref().and_then(links::https) {
            let url = escape(&url);
            push(&[
                r#" <a href=""#,
                &url,
                r#"" target="_blank" rel="noopener noreferrer">"#,
                &url,
                r#"<span class="visually-hidden"> "#,
                &new_tab,
                "</span></a>",
            ]);
        }
        push(&["</li>"]);
    }
    push(&["</ul></div></section>"]);
    html
}
