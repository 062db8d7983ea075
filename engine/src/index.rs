//! A folder's commune index, split by what a resident types: in national mode the widget
//! downloads the few small files its typing needs, never the 35,000 communes (issue #31).
//!
//! A commune is found under its *keys*: its folded name, each word of it, its postal codes and
//! its INSEE code, every text whose start a search can match ([`territory::rank`]). A *part* is
//! named by a prefix of keys, a searched text ([`territory::searched`]):
//! - *complete* when at most `most` communes have a key starting with it: it holds them all, and
//!   answers every search that starts with its name exactly as the whole index would;
//! - else the best [`TOP`] communes for exactly that text, in the search's order, with the first
//!   [`PER_DEPARTEMENT`] of each département (a host that keeps some départements still finds
//!   theirs); the parts one character longer follow it.
//!
//! So a search of any text needs one file: the part of its longest prefix that has one, when that
//! part is complete or is the text itself. Otherwise no commune matches, and no file is needed.
//! The manifest (`index.json`) names each part's file ([`manifest`]); the widget's loader reads it.

use crate::bundle::{self, Bundle};
use crate::territory::{self, Commune, Communes};

/// The most communes a complete part holds.
pub const MOST: usize = 400;
/// The communes of a part that is not complete: as many as the widget lists.
pub const TOP: usize = 50;
/// With the first of each département, for hosts that keep some départements only.
pub const PER_DEPARTEMENT: usize = 3;

/// One file of the split index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// The searched text the part answers.
    pub key: String,
    /// Whether it holds every commune with a key starting with `key`.
    pub complete: bool,
    /// In INSEE order, as a bundle keeps them.
    pub communes: Vec<Commune>,
}

/// Splits the communes of `index` into parts of at most `most` communes (or the best of a text
/// that more match). Deterministic: the same communes give the same parts.
pub fn split(index: &Communes, most: usize) -> Vec<Part> {
    let all: Vec<&Commune> = index.iter().collect();
    let folded: Vec<&str> = all.iter().map(|c| index.folded_name(c)).collect();
    let mut keys: Vec<(String, u32)> = Vec::new();
    for (at, commune) in all.iter().enumerate() {
        let name = folded[at];
        let mut own: Vec<&str> = vec![name, commune.insee.as_str()];
        own.extend(crate::ascii::split(name, b' ').filter(|word| !word.is_empty()));
        own.extend(commune.postal_codes.iter().map(|code| code.as_str()));
        own.sort_unstable();
        own.dedup();
        keys.extend(own.into_iter().filter(|key| !key.is_empty()).map(|key| (key.to_string(), at as u32)));
    }
    keys.sort_unstable();
    let mut parts = Vec::new();
    let split = Split { all: &all, folded: &folded, keys: &keys, most };
    split.children("", 0..keys.len(), &mut parts);
    parts
}

struct Split<'a> {
    all: &'a [&'a Commune],
    folded: &'a [&'a str],
    /// Every (key, commune) pair, sorted: the keys starting with a text are a run.
    keys: &'a [(String, u32)],
    most: usize,
}

impl Split<'_> {
    /// The parts of the texts one character longer than `prefix`, among `run` (whose keys all
    /// start with `prefix`).
    fn children(&self, prefix: &str, run: std::ops::Range<usize>, parts: &mut Vec<Part>) {
        let mut at = run.start;
        while at < run.end {
            let Some(next) = self.keys[at].0[prefix.len()..].chars().next() else {
                at += 1;
                continue;
            };
            let mut text = prefix.to_string();
            text.push(next);
            let end = at + self.keys[at..run.end].partition_point(|(key, _)| key.starts_with(&text));
            self.part(text, at..end, parts);
            at = end;
        }
    }

    fn part(&self, text: String, run: std::ops::Range<usize>, parts: &mut Vec<Part>) {
        let mut members: Vec<u32> = self.keys[run.clone()].iter().map(|(_, at)| *at).collect();
        members.sort_unstable();
        members.dedup();
        if members.len() <= self.most {
            let communes = members.iter().map(|at| self.all[*at as usize].clone()).collect();
            parts.push(Part { key: text, complete: true, communes });
            return;
        }
        let digits = text.bytes().all(|b| b.is_ascii_digit());
        let mut ranked: Vec<(u8, &Commune, u32)> = members
            .iter()
            .filter_map(|at| {
                let commune = self.all[*at as usize];
                territory::rank(commune, self.folded[*at as usize], &text, digits).map(|rank| (rank, commune, *at))
            })
            .collect();
        ranked.sort_by(|(ra, a, _), (rb, b, _)| territory::search_order((*ra, a), (*rb, b)));
        let mut chosen: Vec<u32> = ranked.iter().take(TOP).map(|(_, _, at)| *at).collect();
        let mut per_departement: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for (_, commune, at) in &ranked {
            let seen = per_departement.entry(commune.departement.as_str()).or_default();
            if *seen < PER_DEPARTEMENT {
                *seen += 1;
                chosen.push(*at);
            }
        }
        chosen.sort_unstable();
        chosen.dedup();
        let communes = chosen.iter().map(|at| self.all[*at as usize].clone()).collect();
        parts.push(Part { key: text.clone(), complete: false, communes });
        self.children(&text, run, parts);
    }
}

/// A part's file: a bundle of its communes alone (no taxonomy, no place), as the widget
/// decodes any bundle. Points are left out: the commune question does not draw them.
pub fn encode(index: &Bundle, part: &Part) -> Vec<u8> {
    let communes =
        part.communes.iter().cloned().map(|commune| Commune { epci: None, point: None, ..commune }).collect();
    bundle::encode(&Bundle {
        territory: index.territory.clone(),
        territory_name: index.territory_name.clone(),
        built_on: index.built_on,
        communes: Communes::new(communes, Vec::new()),
        taxonomy: Default::default(),
        wording: Default::default(),
        rules: index.rules.clone(),
        directory: Default::default(),
    })
}

/// The bundle a widget on a folder starts on, before a commune is known: the index's taxonomy
/// and rules, no commune (they come by parts as the resident types).
pub fn start(index: &Bundle) -> Bundle {
    Bundle { communes: Communes::default(), ..index.clone() }
}

/// `index.json`: the texts of the complete parts, then of the others, and the hash that names
/// their files: `{"hash":"…","complete":["ruf",…],"top":["r",…]}`. The part at position N of
/// the two lists, one after the other, is `index/HASH-N.bin` ([`folder_files`]). One hash for
/// them all, of every part's bytes: the index changes only with the commune reference, and a
/// hash per file would make the manifest three times larger (about 10 KB brotli instead of 3).
pub fn manifest(parts: &[Part], hash: &str) -> String {
    let mut out = String::from("{\"hash\":");
    out.push_str(&crate::json::string(hash));
    for (group, complete) in [("complete", true), ("top", false)] {
        out.push_str(",\"");
        out.push_str(group);
        out.push_str("\":[");
        let mut first = true;
        for part in parts.iter().filter(|part| part.complete == complete) {
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str(&crate::json::string(&part.key));
        }
        out.push(']');
    }
    out.push('}');
    out
}

/// The files of a folder's commune index, by name: `index.bin` (every commune, no place: for
/// tools and coordinators), `start.bin` (what the widget starts on), `index.json` (the
/// manifest, [`manifest`]) and each part as `index/HASH-N.bin`. Every bundle without its words,
/// as a territory ships. Parts hold at most `most` communes ([`MOST`] in a folder).
pub fn folder_files(index: &Bundle, most: usize) -> Vec<(String, Vec<u8>)> {
    let index = index.without_texts();
    let mut parts = split(&index.communes, most);
    // Complete parts first, as the manifest lists them: a part's position is its file's number.
    parts.sort_by_key(|part| !part.complete);
    let encoded: Vec<Vec<u8>> = parts.iter().map(|part| encode(&index, part)).collect();
    let hash = format!("{:016x}", crate::fingerprint::fnv1a(encoded.iter().flatten().copied()));
    let mut files = vec![
        ("index.bin".to_string(), bundle::encode(&index)),
        ("start.bin".to_string(), bundle::encode(&start(&index))),
        ("index.json".to_string(), manifest(&parts, &hash).into_bytes()),
    ];
    files.extend(encoded.into_iter().enumerate().map(|(at, bytes)| (format!("index/{hash}-{at}.bin"), bytes)));
    files
}

/// The part a search of `text` ([`territory::searched`]) needs, as the loader chooses it from the
/// manifest: `None` when no commune can match. (The loader's copy of this walk, `partFile` in
/// widget/static/national.js, is checked from Node against the whole index:
/// tests/node/national-index.test.mjs.)
pub fn part_for<'a>(parts: &'a [Part], text: &str) -> Option<&'a Part> {
    let ends: Vec<usize> = text.char_indices().map(|(at, ch)| at + ch.len_utf8()).collect();
    for (count, end) in ends.iter().enumerate().rev() {
        let prefix = &text[..*end];
        if let Some(part) = parts.iter().find(|part| part.key == prefix) {
            return (part.complete || count + 1 == ends.len()).then_some(part);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commune(insee: &str, name: &str, departement: &str, postal: &str, population: u32) -> Commune {
        Commune {
            insee: insee.into(),
            name: name.into(),
            departement: departement.into(),
            epci: None,
            postal_codes: [postal.into()].into_iter().collect(),
            population,
            point: None,
        }
    }

    fn sample() -> Communes {
        let mut communes = vec![
            commune("16292", "Ruffec", "16", "16700", 3300),
            commune("36200", "Ruffec", "36", "36300", 600),
            commune("93066", "Saint-Denis", "93", "93200", 110_000),
            commune("97411", "Saint-Denis", "974", "97400", 150_000),
            commune("67482", "Strasbourg", "67", "67000", 290_000),
        ];
        for n in 0..30 {
            communes.push(commune(&format!("160{n:02}"), &format!("Saint-Amant {n}"), "16", "16100", 100 + n));
        }
        Communes::new(communes, Vec::new())
    }

    /// Every search answered by its one part as by the whole list: the same communes, in the
    /// same order (complete parts), or the same first ones (the others).
    #[test]
    fn each_search_is_answered_by_its_part_as_by_the_whole_index() {
        let index = sample();
        let parts = split(&index, 8);
        assert!(parts.iter().any(|p| !p.complete), "the sample needs parts that are not complete");
        for typed in [
            "r",
            "ru",
            "ruffec",
            "Ruffec 36",
            "sa",
            "saint",
            "saint d",
            "denis",
            "saint amant 2",
            "16",
            "16700",
            "974",
            "97411",
            "st",
            "zz",
            "s",
        ] {
            let text = territory::searched(typed);
            let whole: Vec<&str> = index.search(typed, 5).iter().map(|c| c.insee.as_str()).collect();
            let part = part_for(&parts, &text);
            let found: Vec<String> = match part {
                Some(part) => {
                    let communes = Communes::new(part.communes.clone(), Vec::new());
                    communes.search(typed, 5).iter().map(|c| c.insee.to_string()).collect()
                }
                None => Vec::new(),
            };
            assert_eq!(found, whole, "{typed:?} (searched {text:?}, part {:?})", part.map(|p| &p.key));
        }
    }

    #[test]
    fn complete_parts_are_small_and_the_others_have_each_departement() {
        let index = sample();
        let parts = split(&index, 8);
        for part in &parts {
            if part.complete {
                assert!(part.communes.len() <= 8, "{} holds {}", part.key, part.communes.len());
            }
        }
        let s = parts.iter().find(|p| p.key == "s").expect("a part for « s »");
        assert!(!s.complete);
        for departement in ["16", "67", "93", "974"] {
            assert!(s.communes.iter().any(|c| c.departement == departement), "« s » lacks {departement}");
        }
    }

    #[test]
    fn a_part_decodes_to_its_communes_and_the_manifest_names_it() {
        let index = sample();
        let bundle = Bundle {
            territory: "index".into(),
            territory_name: "France".into(),
            built_on: crate::Date(20_000),
            communes: index.clone(),
            taxonomy: Default::default(),
            wording: Default::default(),
            rules: crate::Rules::from_values([0; crate::Rules::COUNT]),
            directory: Default::default(),
        };
        let mut parts = split(&index, 8);
        parts.sort_by_key(|part| !part.complete);
        let ruf = part_for(&parts, "ruf").expect("a part for « ruf »");
        let bytes = encode(&bundle, ruf);
        let decoded = bundle::decode(&bytes).expect("a part is a bundle");
        let codes: Vec<&str> = decoded.communes.iter().map(|c| c.insee.as_str()).collect();
        assert_eq!(codes, ["16292", "36200"]);
        let files = folder_files(&bundle, 8);
        let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names[..3], ["index.bin", "start.bin", "index.json"]);
        let manifest = String::from_utf8(files[2].1.clone()).expect("text");
        let (hash, lists) =
            manifest.strip_prefix("{\"hash\":\"").and_then(|m| m.split_once("\",\"complete\":[")).expect("a hash");
        let (complete, top) = lists.split_once("],\"top\":[").expect("two lists");
        let position = complete.split(',').position(|key| key == format!("\"{}\"", ruf.key)).expect("listed");
        let file = files.iter().find(|(name, _)| *name == format!("index/{hash}-{position}.bin")).expect("its file");
        assert_eq!(file.1, bytes, "{manifest}");
        assert!(top.split(',').any(|key| key == "\"s\""), "{manifest}");
        assert_eq!(files.len(), 3 + parts.len());
    }
}
