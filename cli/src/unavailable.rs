//! What the widget says when it cannot start (the engine, the data or the words could not be
//! had): a message and the national contacts, written once per language by `aiguillage texts`
//! as a small JSON file the loader fetches only then and builds as nodes (text is text, whatever
//! it holds; no markup from a string, so no Trusted Types policy). Baked here rather than drawn
//! by the widget's code: the resident's phone downloads it only when it is needed.

use aiguillage_engine::links;
use aiguillage_engine::texts::TextPack;
use serde_json::{json, Value};

/// The message and the contacts in the pack's language: `message`, `newTab` (said after a link
/// that opens a new tab) and `contacts`, each with its `name`, what it is `about`, and where
/// they exist its `tel:` link and `phone` as shown, and its `https:` `url`. Links of any other
/// scheme are left out.
pub fn page(pack: &TextPack) -> Value {
    let word = |key: &str| pack.wording.iter().find(|(k, _)| k == key).map_or("", |(_, text)| text.as_str());
    let need_label = |code: &String| pack.needs.iter().find(|n| &n.0 == code).map(|n| n.1.as_str());
    let contacts: Vec<Value> = pack
        .fallbacks
        .iter()
        .map(|fallback| {
            // A contact for some needs says which, in place of its text: the list stays short.
            let about: Vec<&str> = fallback.needs.iter().filter_map(need_label).collect();
            let about = if about.is_empty() {
                format!(" — {}", fallback.text.get(pack.lang))
            } else {
                format!(" ({})", about.join(", "))
            };
            let mut contact = json!({ "name": fallback.name, "about": about });
            if let Some(phone) = fallback.phone.as_deref() {
                if let Some(tel) = links::tel(phone) {
                    contact["tel"] = tel.into();
                    contact["phone"] = links::display_phone(phone).into();
                }
            }
            if let Some(url) = fallback.url.as_deref().and_then(links::https) {
                contact["url"] = url.into();
            }
            contact
        })
        .collect();
    json!({ "message": word("ui.error.load"), "newTab": word("ui.results.new-tab"), "contacts": contacts })
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
    fn gives_the_message_and_every_national_contact() {
        for (lang, words) in
            [(Lang::Fr, "pas pu se charger"), (Lang::FrFalc, "ne marche pas"), (Lang::En, "could not load")]
        {
            let pack = shipped_pack(lang);
            let page = super::page(&pack);
            assert!(page["message"].as_str().unwrap().contains(words), "{page}");
            let contacts = page["contacts"].as_array().unwrap();
            assert_eq!(contacts.len(), pack.fallbacks.len(), "every contact: {page}");
            let france_services = contacts.iter().find(|c| c["name"] == "France Services").unwrap();
            assert!(
                france_services["about"].as_str().unwrap().starts_with(" — "),
                "a contact for every need, with its text"
            );
            assert!(contacts.iter().any(|c| c["url"] == "https://www.17cyber.gouv.fr/"), "{page}");
            assert!(
                contacts.iter().any(|c| c["tel"] == "tel:3646" && c["phone"] == "36 46"),
                "a short number is a number"
            );
        }
    }

    #[test]
    fn a_link_of_another_scheme_or_a_bad_number_is_left_out() {
        let mut pack = shipped_pack(Lang::Fr);
        let contact = &mut pack.fallbacks[0];
        contact.url = Some("javascript:alert(1)".into());
        contact.phone = Some("0800 <script>".into());
        contact.name = "<img src=x onerror=alert(1)>".into();
        let page = super::page(&pack);
        let first = &page["contacts"][0];
        assert!(first.get("url").is_none() && first.get("tel").is_none(), "{first}");
        assert_eq!(first["name"], "<img src=x onerror=alert(1)>", "a name is text: the loader writes it as text");
        pack.fallbacks[0].url = Some("http://example.org".into());
        assert!(super::page(&pack)["contacts"][0].get("url").is_none(), "https only");
    }
}
