//! What the widget says when it cannot start (the engine, the data or the words could not be
//! had): a message and the national contacts, written once per language by `aiguillage texts`
//! as a small HTML file the loader fetches only then. Baked here rather than drawn by the
//! widget's code: the resident's phone downloads it only when it is needed.

use aiguillage_engine::html::escape;
use aiguillage_engine::links;
use aiguillage_engine::texts::TextPack;

/// The message and the contacts in the pack's language, for the widget's section (the loader
/// gives the section its mode, name and language).
pub fn page(pack: &TextPack) -> String {
    let word = |key: &str| pack.wording.iter().find(|(k, _)| k == key).map_or("", |(_, text)| text.as_str());
    let need_label = |code: &String| pack.needs.iter().find(|n| &n.0 == code).map(|n| n.1.as_str());
    let new_tab = escape(word("ui.results.new-tab"));
    let mut html = format!(
        r#"<div class="unavailable" role="alert"><p>{}</p><ul class="fallbacks">"#,
        escape(word("ui.error.load"))
    );
    for fallback in &pack.fallbacks {
        // A contact for some needs says which, in place of its text: the list stays short.
        let about: Vec<&str> = fallback.needs.iter().filter_map(need_label).collect();
        let about = if about.is_empty() {
            format!(" — {}", escape(fallback.text.get(pack.lang)))
        } else {
            format!(" ({})", escape(&about.join(", ")))
        };
        html.push_str(&format!("<li><strong>{}</strong>{about}", escape(&fallback.name)));
        if let Some((href, shown)) =
            fallback.phone.as_deref().and_then(|p| Some((links::tel(p)?, links::display_phone(p))))
        {
            html.push_str(&format!(r#" <a href="{}">{}</a>"#, escape(&href), escape(&shown)));
        }
        if let Some(url) = fallback.url.as_deref().and_then(links::https) {
            let url = escape(&url);
            html.push_str(&format!(
                r#" <a href="{url}" target="_blank" rel="noopener noreferrer">{url}<span class="visually-hidden"> {new_tab}</span></a>"#
            ));
        }
        html.push_str("</li>");
    }
    html.push_str("</ul></div>");
    html
}

#[cfg(test)]
mod tests {
    use aiguillage_engine::texts::{self, TextPack};
    use aiguillage_engine::Lang;

    fn shipped_pack(lang: Lang) -> TextPack {
        let (taxonomy, wording, _) = aiguillage_import::project::shipped().expect("the shipped data files");
        // Through the pack as the browser gets it (encoded, then decoded).
        texts::decode(&texts::encode(&TextPack::from_words(&taxonomy, &wording, lang))).expect("a pack decodes")
    }

    #[test]
    fn gives_the_message_and_every_national_contact_with_safe_links() {
        for (lang, words) in
            [(Lang::Fr, "pas pu se charger"), (Lang::FrFalc, "ne marche pas"), (Lang::En, "could not load")]
        {
            let pack = shipped_pack(lang);
            let html = super::page(&pack);
            assert!(html.starts_with(r#"<div class="unavailable" role="alert"><p>"#) && html.contains(words), "{html}");
            assert!(
                html.contains("<strong>France Services</strong> — "),
                "a contact for every need, with its text: {html}"
            );
            assert!(html.contains(r#"href="https://www.17cyber.gouv.fr/""#), "{html}");
            assert!(html.contains(r#"<a href="tel:3646">36 46</a>"#), "a short number is a number: {html}");
            assert_eq!(html.matches("<li>").count(), pack.fallbacks.len(), "every contact: {html}");
            assert!(!html.contains("<script") && html.ends_with("</ul></div>"), "{html}");
        }
    }
}
