//! What the widget can say when its data bundle cannot be loaded (baked in at build time from
//! the data files by `build.rs`).

use aiguillage_engine::Lang;

pub struct Fallback {
    pub name: &'static str,
    pub phone: &'static str,
    pub url: &'static str,
    pub text: [&'static str; 3],
}

include!(concat!(env!("OUT_DIR"), "/offline.rs"));

pub fn pick(texts: &[&'static str; 3], lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => texts[0],
        Lang::FrFalc => texts[1],
        Lang::En => texts[2],
    }
}
