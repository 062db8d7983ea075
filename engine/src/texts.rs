//! Language packs: everything said in words, in one language, apart from the territory data.
//!
//! The words are the same for every territory and a resident reads one language, so they travel
//! separately: a territory bundle carries codes and data, a pack (`texts.fr.bin`) carries the
//! labels, hints, what to bring, fallback texts and wording of one language, cached once for all
//! territories. Same varint encoding and the same never-panic decoding as [`crate::bundle`].
//!
//! A pack also carries the national contacts whole (name, phone, link, the needs they answer):
//! when a territory's bundle cannot be loaded, the widget still lists them from its pack.

use crate::bundle::{Bundle, DecodeError, Reader, Writer};
use crate::taxonomy::{Fallback, Lang, Taxonomy, Text};
use crate::wording::Wording;

const MAGIC: &[u8; 4] = b"AIGT";
const VERSION: u8 = 2;

/// The words of one language, keyed by codes so that a pack fits any territory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TextPack {
    pub lang: Lang,
    /// Need code → (label, hint, what to bring).
    pub needs: Vec<(String, String, String, Vec<String>)>,
    /// The national contacts, their text in this language.
    pub fallbacks: Vec<Fallback>,
    /// Wording key → text.
    pub wording: Vec<(String, String)>,
}

/// Wording keys kept out of the widget's packs: what is printed, never shown by the widget
/// (`aiguillage guide`), and the report form's words, in a file of their own that the loader
/// fetches only when someone reports a mistake (`signalement.<lang>.json`).
pub const NOT_IN_PACKS: [&str; 2] = ["guide.", "report."];

impl TextPack {
    /// The words of a taxonomy and its wording, in `lang`.
    pub fn from_words(taxonomy: &Taxonomy, wording: &Wording, lang: Lang) -> TextPack {
        TextPack {
            lang,
            needs: taxonomy
                .needs
                .iter()
                .map(|n| {
                    (
                        n.code.clone(),
                        n.label.get(lang).to_string(),
                        n.hint.get(lang).to_string(),
                        n.bring.get(lang).to_vec(),
                    )
                })
                .collect(),
            fallbacks: taxonomy
                .fallbacks
                .iter()
                .map(|f| {
                    let mut text = Text::default();
                    *slot(&mut text, lang) = f.text.get(lang).to_string();
                    // An empty phone or link is no phone or link: the pack says nothing for both.
                    let phone = f.phone.clone().filter(|p| !p.is_empty());
                    let url = f.url.clone().filter(|u| !u.is_empty());
                    Fallback { text, phone, url, ..f.clone() }
                })
                .collect(),
            // The printed guide's and the report form's words stay out of the widget's packs: no
            // phone downloads them with the engine.
            wording: wording
                .iter()
                .filter(|(k, _)| !NOT_IN_PACKS.iter().any(|prefix| k.starts_with(prefix)))
                .map(|(k, t)| (k.to_string(), t.get(lang).to_string()))
                .collect(),
        }
    }

    /// Puts the pack's words into the bundle, in the pack's language, by code. Codes the
    /// territory does not have are ignored; what the pack lacks stays empty (shown as the key,
    /// for wording, so a gap is visible).
    pub fn apply(self, bundle: &mut Bundle) {
        let lang = self.lang;
        for (code, label, hint, bring) in self.needs {
            if let Some(need) = bundle.taxonomy.needs.iter_mut().find(|n| n.code == code) {
                *slot(&mut need.label, lang) = label;
                *slot(&mut need.hint, lang) = hint;
                *list_slot(&mut need.bring, lang) = bring;
            }
        }
        for contact in self.fallbacks {
            if let Some(fallback) = bundle.taxonomy.fallbacks.iter_mut().find(|f| f.code == contact.code) {
                *slot(&mut fallback.text, lang) = contact.text.get(lang).to_string();
            }
        }
        for (key, text) in self.wording {
            *slot(bundle.wording.entry(key), lang) = text;
        }
    }
}

fn slot(text: &mut crate::taxonomy::Text, lang: Lang) -> &mut String {
    match lang {
        Lang::Fr => &mut text.fr,
        Lang::FrFalc => &mut text.falc,
        Lang::En => &mut text.en,
    }
}

fn list_slot(list: &mut crate::taxonomy::TextList, lang: Lang) -> &mut Vec<String> {
    match lang {
        Lang::Fr => &mut list.fr,
        Lang::FrFalc => &mut list.falc,
        Lang::En => &mut list.en,
    }
}

pub fn encode(pack: &TextPack) -> Vec<u8> {
    let mut w = Writer(Vec::with_capacity(8 * 1024));
    w.0.extend_from_slice(MAGIC);
    w.0.push(VERSION);
    w.str(pack.lang.code());
    w.uint(pack.needs.len() as u64);
    for (code, label, hint, bring) in &pack.needs {
        w.str(code);
        w.str(label);
        w.str(hint);
        w.uint(bring.len() as u64);
        bring.iter().for_each(|item| w.str(item));
    }
    w.uint(pack.fallbacks.len() as u64);
    for fallback in &pack.fallbacks {
        w.str(&fallback.code);
        w.str(fallback.text.get(pack.lang));
        w.str(&fallback.name);
        w.str(fallback.phone.as_deref().unwrap_or_default());
        w.str(fallback.url.as_deref().unwrap_or_default());
        w.uint(fallback.needs.len() as u64);
        fallback.needs.iter().for_each(|need| w.str(need));
    }
    w.uint(pack.wording.len() as u64);
    for (key, text) in &pack.wording {
        w.str(key);
        w.str(text);
    }
    w.0
}

pub fn decode(bytes: &[u8]) -> Result<TextPack, DecodeError> {
    if bytes.len() < 5 || &bytes[..4] != MAGIC {
        return Err(DecodeError::NotATextPack);
    }
    if bytes[4] != VERSION {
        return Err(DecodeError::UnsupportedVersion(bytes[4]));
    }
    let mut r = Reader { bytes, at: 5 };
    let offset = r.at;
    let lang = Lang::from_code(&r.str("language")?).ok_or(DecodeError::Invalid { what: "language", offset })?;
    let mut needs = Vec::new();
    for _ in 0..r.count("needs")? {
        let code = r.str("need code")?;
        let label = r.str("need label")?;
        let hint = r.str("need hint")?;
        let mut bring = Vec::new();
        for _ in 0..r.count("things to bring")? {
            bring.push(r.str("thing to bring")?);
        }
        needs.push((code, label, hint, bring));
    }
    let mut fallbacks = Vec::new();
    for _ in 0..r.count("fallbacks")? {
        let code = r.str("fallback code")?;
        let mut text = Text::default();
        *slot(&mut text, lang) = r.str("fallback text")?;
        let name = r.str("fallback name")?;
        let phone = Some(r.str("fallback phone")?).filter(|p| !p.is_empty());
        let url = Some(r.str("fallback link")?).filter(|u| !u.is_empty());
        let mut needs = Vec::new();
        for _ in 0..r.count("fallback needs")? {
            needs.push(r.str("fallback need")?);
        }
        fallbacks.push(Fallback { code, name, phone, url, text, needs });
    }
    let mut wording = Vec::new();
    for _ in 0..r.count("wording entries")? {
        wording.push((r.str("wording key")?, r.str("wording text")?));
    }
    if r.at != bytes.len() {
        return Err(DecodeError::TrailingBytes { offset: r.at });
    }
    Ok(TextPack { lang, needs, fallbacks, wording })
}
