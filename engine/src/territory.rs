//! The commune reference: every commune with its point, EPCI and département, and the search a
//! resident types into ("Ruffec" must say which Ruffec).

use std::sync::OnceLock;

use crate::best::keep_best;
use crate::compact::CompactStr;
use crate::geo::GeoPoint;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Commune {
    /// INSEE code (COG), e.g. `16292`; Corsica uses `2A`/`2B`.
    pub insee: CompactStr,
    pub name: CompactStr,
    /// Département code, e.g. `16`, `2A`, `971`.
    pub departement: CompactStr,
    /// SIREN of the EPCI, when the commune belongs to one.
    pub epci: Option<CompactStr>,
    pub postal_codes: PostalCodes,
    pub population: u32,
    pub point: Option<GeoPoint>,
}

/// The postal codes of a commune: nearly always one, kept inline (35,000 communes, 35,000
/// allocations fewer); a list for the others. Reads as a slice.
#[derive(Clone)]
pub struct PostalCodes(PostalRepr);

#[derive(Clone)]
enum PostalRepr {
    One(CompactStr),
    List(Vec<CompactStr>),
}

impl Default for PostalCodes {
    fn default() -> Self {
        PostalCodes(PostalRepr::List(Vec::new()))
    }
}

impl std::ops::Deref for PostalCodes {
    type Target = [CompactStr];

    fn deref(&self) -> &[CompactStr] {
        match &self.0 {
            PostalRepr::One(code) => std::slice::from_ref(code),
            PostalRepr::List(codes) => codes,
        }
    }
}

impl PostalCodes {
    pub(crate) fn one(code: CompactStr) -> Self {
        PostalCodes(PostalRepr::One(code))
    }

    pub(crate) fn list(codes: Vec<CompactStr>) -> Self {
        PostalCodes(PostalRepr::List(codes))
    }
}

impl FromIterator<CompactStr> for PostalCodes {
    fn from_iter<I: IntoIterator<Item = CompactStr>>(codes: I) -> Self {
        // No call after a `None`: collecting `Result`s would read on past the first error.
        let mut codes = codes.into_iter();
        let Some(first) = codes.next() else {
            return PostalCodes::default();
        };
        match codes.next() {
            None => PostalCodes(PostalRepr::One(first)),
            Some(second) => PostalCodes(PostalRepr::List([first, second].into_iter().chain(codes).collect())),
        }
    }
}

impl PartialEq for PostalCodes {
    fn eq(&self, other: &PostalCodes) -> bool {
        **self == **other
    }
}

impl Eq for PostalCodes {}

impl std::fmt::Debug for PostalCodes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Epci {
    pub siren: CompactStr,
    pub name: String,
}

/// A set of communes, looked up by INSEE code and searched by name or postal code.
#[derive(Clone, Debug, Default)]
pub struct Communes {
    /// Sorted by INSEE code.
    communes: Vec<Commune>,
    /// The names as the search compares them, folded on the first search: a national directory
    /// loaded to orient from codes never folds its 35,000 names (a fifth of its decoding).
    folded: OnceLock<FoldedNames>,
    /// (postal code as a number, commune index), sorted, made on the first lookup by postal code
    /// (the importers' repairs; the widget never asks).
    by_postal_code: OnceLock<Vec<(u32, u32)>>,
    /// The first 8 bytes of each INSEE code as a number, parallel to `communes`: a lookup
    /// searches numbers, and a bundle's order is checked on them.
    keys: Vec<u64>,
    /// EPCI and département of each commune as small numbers, parallel to `communes`, so that
    /// ranking compares integers, not strings.
    areas: Vec<Areas>,
    epcis: Vec<Epci>,
    /// Identifies this list of communes, so an index into it can be trusted without checking.
    fingerprint: u64,
}

/// Folded names, one after the other (one buffer rather than 35,000 strings); `ends[i]` is where
/// the name of the commune at `i` ends.
#[derive(Clone, Debug, Default)]
struct FoldedNames {
    text: String,
    ends: Vec<u32>,
}

impl FoldedNames {
    fn of(communes: &[Commune]) -> Self {
        let mut text = String::with_capacity(communes.iter().map(|c| c.name.len()).sum());
        let ends = communes
            .iter()
            .map(|c| {
                fold_into(&c.name, &mut text);
                text.len() as u32
            })
            .collect();
        FoldedNames { text, ends }
    }

    fn get(&self, index: usize) -> &str {
        let start = index.checked_sub(1).and_then(|previous| self.ends.get(previous)).map_or(0, |e| *e as usize);
        let end = self.ends.get(index).map_or(start, |e| *e as usize);
        self.text.get(start..end).unwrap_or("")
    }
}

/// Equal when they list the same communes and EPCIs: everything else is derived from those.
impl PartialEq for Communes {
    fn eq(&self, other: &Communes) -> bool {
        self.communes == other.communes && self.epcis == other.epcis
    }
}

impl Eq for Communes {}

/// Interned administrative areas of one commune; equal values mean the same area.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Areas {
    pub epci: Option<u32>,
    pub departement: u32,
}

impl Communes {
    /// Duplicated INSEE codes keep the first one; the importer reports duplicates before this.
    pub fn new(mut communes: Vec<Commune>, mut epcis: Vec<Epci>) -> Self {
        communes.sort_by(|a, b| a.insee.cmp(&b.insee));
        communes.dedup_by(|a, b| a.insee == b.insee);
        epcis.sort_by(|a, b| a.siren.cmp(&b.siren));
        epcis.dedup_by(|a, b| a.siren == b.siren);
        Self::indexed(communes, epcis, &[])
    }

    /// Communes in strict INSEE order and EPCIs in strict SIREN order, as a bundle stores them;
    /// `None` when they are not. Checking the order costs less than sorting, and keeps the
    /// sorting code out of the browser.
    pub fn from_sorted(communes: Vec<Commune>, epcis: Vec<Epci>) -> Option<Self> {
        Self::from_sorted_at(communes, epcis, &[])
    }

    /// [`Communes::from_sorted`], told where each commune's EPCI is in `epcis` (as a bundle
    /// stores it: no search), or `None` where it must be searched (no EPCI, or an unlisted one).
    pub(crate) fn from_sorted_at(
        communes: Vec<Commune>,
        epcis: Vec<Epci>,
        epci_positions: &[Option<u32>],
    ) -> Option<Self> {
        if !epcis.windows(2).all(|pair| pair[0].siren < pair[1].siren) {
            return None;
        }
        let indexed = Self::indexed(communes, epcis, epci_positions);
        // Keys follow the codes' order: only codes with equal keys need comparing.
        let in_order = indexed
            .keys
            .windows(2)
            .zip(indexed.communes.windows(2))
            .all(|(keys, pair)| keys[0] < keys[1] || (keys[0] == keys[1] && pair[0].insee < pair[1].insee));
        in_order.then_some(indexed)
    }

    fn indexed(communes: Vec<Commune>, epcis: Vec<Epci>, epci_positions: &[Option<u32>]) -> Self {
        let mut departements: Vec<&CompactStr> = Vec::new();
        // SIRENs of EPCIs the list lacks: numbered after the listed ones.
        let mut unlisted: Vec<&CompactStr> = Vec::new();
        // Neighbours in INSEE order often share their EPCI: the last one is tried first, then
        // the SIRENs' keys are searched (numbers: a national bundle looks up 35,000).
        let mut last_epci: Option<(&CompactStr, u32)> = None;
        let epci_keys: Vec<u64> = epcis.iter().map(|e| key_of(e.siren.as_bytes())).collect();
        let areas = communes
            .iter()
            .enumerate()
            .map(|(at, c)| Areas {
                epci: c.epci.as_ref().map(|siren| match (epci_positions.get(at).copied().flatten(), last_epci) {
                    (Some(index), _) => index,
                    (None, Some((last, index))) if last == siren => index,
                    _ => {
                        let index = match find(&epci_keys, siren.as_bytes(), |i| &epcis[i].siren) {
                            Some(listed) => listed as u32,
                            None => (epcis.len() + intern(&mut unlisted, siren)) as u32,
                        };
                        last_epci = Some((siren, index));
                        index
                    }
                }),
                departement: intern(&mut departements, &c.departement) as u32,
            })
            .collect();
        let fingerprint =
            crate::fingerprint::fnv1a(communes.iter().flat_map(|c| c.insee.as_bytes().iter().copied().chain([b','])));
        let keys = communes.iter().map(|c| key_of(c.insee.as_bytes())).collect();
        Self { communes, folded: OnceLock::new(), by_postal_code: OnceLock::new(), keys, areas, epcis, fingerprint }
    }

    pub fn len(&self) -> usize {
        self.communes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.communes.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Commune> {
        self.communes.iter()
    }

    pub fn epcis(&self) -> &[Epci] {
        &self.epcis
    }

    pub fn get(&self, insee: &str) -> Option<&Commune> {
        self.index_of(insee).and_then(|index| self.communes.get(index))
    }

    /// Position of a commune, for indexes that must not search again on every query.
    pub fn index_of(&self, insee: &str) -> Option<usize> {
        find(&self.keys, insee.as_bytes(), |index| &self.communes[index].insee)
    }

    pub fn at(&self, index: usize) -> Option<&Commune> {
        self.communes.get(index)
    }

    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    pub fn areas(&self, index: usize) -> Option<Areas> {
        self.areas.get(index).copied()
    }

    pub fn epci(&self, siren: &str) -> Option<&Epci> {
        let index = self.epcis.binary_search_by(|e| e.siren.as_str().cmp(siren)).ok()?;
        Some(&self.epcis[index])
    }

    /// The communes of a postal code (5 digits), in INSEE order.
    pub fn with_postal_code(&self, postal_code: &str) -> impl Iterator<Item = &Commune> {
        let index = self.by_postal_code.get_or_init(|| {
            let mut index: Vec<(u32, u32)> = (self.communes.iter().enumerate())
                .flat_map(|(at, c)| c.postal_codes.iter().filter_map(move |p| Some((p.parse().ok()?, at as u32))))
                .collect();
            index.sort_unstable();
            index.dedup();
            index
        });
        let digits = postal_code.len() == 5 && postal_code.bytes().all(|b| b.is_ascii_digit());
        let code = postal_code.parse::<u32>().ok().filter(|_| digits);
        let (start, end) = code.map_or((0, 0), |code| {
            (index.partition_point(|(p, _)| *p < code), index.partition_point(|(p, _)| *p <= code))
        });
        index[start..end].iter().filter_map(|(_, at)| self.communes.get(*at as usize))
    }

    /// A commune's name as searches compare it ([`fold`]), without folding it again.
    pub fn folded_name(&self, commune: &Commune) -> &str {
        let folded = self.folded.get_or_init(|| FoldedNames::of(&self.communes));
        match find(&self.keys, commune.insee.as_bytes(), |i| &self.communes[i].insee) {
            Some(index) => folded.get(index),
            None => "",
        }
    }

    /// Communes whose name or postal code matches what was typed, best first: exact name, then
    /// name prefix, then a word of the name, larger communes first; at most `limit`.
    pub fn search(&self, typed: &str, limit: usize) -> Vec<&Commune> {
        self.search_within(typed, limit, |_| true).0
    }

    /// [`Communes::search`] among the communes `keep` accepts (a host's départements): they are
    /// chosen before the best `limit` are, so that more populous homonyms elsewhere never push
    /// them out. With how many matched in all.
    ///
    /// A name may be followed by the département and the postal code, as the list writes them
    /// (« Sainte-Marie (65) – 65370 », « sainte marie 65 »): they narrow it. Digits alone are a
    /// postal code (spaces allowed: « 16 700 »), or else an INSEE code: postal codes first.
    pub fn search_within(&self, typed: &str, limit: usize, keep: impl Fn(&Commune) -> bool) -> (Vec<&Commune>, usize) {
        let Some(typed) = Typed::read(typed) else {
            return (Vec::new(), 0);
        };
        let narrowed = |commune: &Commune| {
            typed.departement.as_deref().is_none_or(|d| commune.departement.as_str().eq_ignore_ascii_case(d))
                && typed.postal.as_deref().is_none_or(|p| commune.postal_codes.iter().any(|code| code == p))
        };
        let order = |(ra, a): &(u8, &Commune), (rb, b): &(u8, &Commune)| search_order((*ra, a), (*rb, b));
        let mut hits: Vec<(u8, &Commune)> = Vec::new();
        let mut total = 0;
        let folded = self.folded.get_or_init(|| FoldedNames::of(&self.communes));
        for (index, commune) in self.communes.iter().enumerate() {
            if !keep(commune) || !narrowed(commune) {
                continue;
            }
            if let Some(rank) = rank(commune, folded.get(index), &typed.text, typed.digits) {
                total += 1;
                keep_best(&mut hits, (rank, commune), limit, &order);
            }
        }
        (hits.into_iter().map(|(_, c)| c).collect(), total)
    }
}

/// What is typed, as the search reads it: the text compared with names or codes, and the
/// département and postal code that narrow it.
struct Typed {
    text: String,
    /// Digits alone: a postal code or an INSEE code.
    digits: bool,
    departement: Option<String>,
    postal: Option<String>,
}

impl Typed {
    /// `None` when nothing searchable is typed.
    fn read(typed: &str) -> Option<Typed> {
        // Words of letters and digits; brackets, dashes and commas between them are not words.
        // (ASCII tests and a byte split: the Unicode tables and the standard library's string
        // searchers weigh kilobytes in the browser; a folded name's other letters are not ASCII.)
        let spaced: String = fold(typed)
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || !c.is_ascii() && !punctuation(c) { c } else { ' ' })
            .collect();
        let mut words: Vec<&str> = crate::ascii::split(&spaced, b' ').filter(|word| !word.is_empty()).collect();
        if words.is_empty() {
            return None;
        }
        let digits = words.iter().all(|word| word.bytes().all(|b| b.is_ascii_digit()));
        let (mut departement, mut postal) = (None, None);
        while words.len() > 1 && !digits {
            let last = words[words.len() - 1];
            let numeric = last.bytes().all(|b| b.is_ascii_digit());
            if numeric && last.len() == 5 && postal.is_none() {
                postal = Some(last.to_string());
            } else if departement.is_none()
                && (numeric && (2..=3).contains(&last.len()) || last == "2a" || last == "2b")
            {
                departement = Some(last.to_string());
            } else {
                break;
            }
            words.pop();
        }
        let mut text = String::new();
        for word in &words {
            if !digits && !text.is_empty() {
                text.push(' ');
            }
            text.push_str(word);
        }
        Some(Typed { text, digits, departement, postal })
    }
}

/// The text a search compares names and codes with ([`Communes::search_within`]): what is typed,
/// folded, its words one space apart, without the département or postal code that follow a name
/// (« Sainte-Marie (65) – 65370 » is `sainte marie`); digits alone are joined (« 16 700 » is
/// `16700`). Empty when nothing searchable is typed. A folder's commune index is split by it
/// ([`crate::index`]).
pub fn searched(typed: &str) -> String {
    Typed::read(typed).map(|typed| typed.text).unwrap_or_default()
}

/// The order of a search's matches: by [`rank`], then the larger commune first, then by INSEE
/// code (shared by [`Communes::search_within`] and the split index, `index::split`).
pub fn search_order((rank_a, a): (u8, &Commune), (rank_b, b): (u8, &Commune)) -> std::cmp::Ordering {
    rank_a.cmp(&rank_b).then(b.population.cmp(&a.population)).then(a.insee.cmp(&b.insee))
}

/// How a commune matches a searched text ([`searched`]), given its folded name: 0 best, `None`
/// not at all. Letters: the name is it (0), starts with it (1), a word of the name starts with it
/// (2). Digits: a postal code is it (0), starts with it (1), the INSEE code is it (2).
pub fn rank(commune: &Commune, folded_name: &str, text: &str, digits: bool) -> Option<u8> {
    if digits {
        if commune.postal_codes.iter().any(|p| *p == text) {
            Some(0)
        } else if commune.postal_codes.iter().any(|p| p.starts_with(text)) {
            Some(1)
        } else {
            (commune.insee == text).then_some(2)
        }
    } else if folded_name == text {
        Some(0)
    } else if folded_name.starts_with(text) {
        Some(1)
    } else if crate::ascii::split(folded_name, b' ').any(|word| word.starts_with(text)) {
        Some(2)
    } else {
        None
    }
}

/// The position of `code` in a sorted list whose `keys` are given, `code_at` reading the list.
/// Keys follow the codes' order; codes that share their first 8 bytes share a key, and are
/// searched by halves too (a bundle could hold many of them).
fn find<'a>(keys: &[u64], code: &[u8], code_at: impl Fn(usize) -> &'a CompactStr) -> Option<usize> {
    let key = key_of(code);
    let (mut low, mut high) = (keys.partition_point(|k| *k < key), keys.partition_point(|k| *k <= key));
    while low < high {
        let middle = low + (high - low) / 2;
        match code_at(middle).as_bytes().cmp(code) {
            std::cmp::Ordering::Less => low = middle + 1,
            std::cmp::Ordering::Greater => high = middle,
            std::cmp::Ordering::Equal => return Some(middle),
        }
    }
    None
}

/// The first 8 bytes of a code, big-endian, zero-padded: a number in the codes' order.
fn key_of(code: &[u8]) -> u64 {
    let mut bytes = [0u8; 8];
    for (slot, byte) in bytes.iter_mut().zip(code) {
        *slot = *byte;
    }
    u64::from_be_bytes(bytes)
}

/// The position of `value` in `seen`, added at the end when new. Communes come in INSEE order,
/// so the same département follows itself: the last one is tried first.
fn intern<'a>(seen: &mut Vec<&'a CompactStr>, value: &'a CompactStr) -> usize {
    if seen.last() == Some(&value) {
        return seen.len() - 1;
    }
    match seen.iter().position(|known| *known == value) {
        Some(at) => at,
        None => {
            seen.push(value);
            seen.len() - 1
        }
    }
}

/// The punctuation beyond ASCII that is typed or copied between words (the list's « – »).
fn punctuation(c: char) -> bool {
    matches!(c, '–' | '—' | '«' | '»' | '‘' | '’' | '“' | '”' | '…' | '\u{a0}' | '\u{202f}')
}

/// Lower case for the letters of French names (ASCII, Latin-1, Œ, Ÿ). Other letters stay as
/// they are: the full Unicode case tables would weigh more in the browser than they ever help.
fn lower(ch: char) -> char {
    match ch {
        'A'..='Z' => ch.to_ascii_lowercase(),
        'À'..='Þ' if ch != '×' => char::from_u32(ch as u32 + 32).unwrap_or(ch),
        'Œ' => 'œ',
        'Ÿ' => 'ÿ',
        _ => ch,
    }
}

/// Folds a name for matching: lower case, no accents, `-` and `'` as spaces, `st` as `saint`.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

/// [`fold`], appended to `out` (the commune index folds 35,000 names into one buffer).
pub fn fold_into(text: &str, out: &mut String) {
    let start = out.len();
    let mut word_start = start;
    // "st" and "ste" as whole words read "saint" and "sainte".
    let expand = |out: &mut String, word_start: usize| {
        let expansion = match &out[word_start..] {
            "st" => "saint",
            "ste" => "sainte",
            _ => return,
        };
        out.truncate(word_start);
        out.push_str(expansion);
    };
    for ch in text.trim().chars() {
        // Most letters of French names: nothing to fold but the case.
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
            continue;
        }
        let folded = match lower(ch) {
            'à' | 'â' | 'ä' | 'á' | 'ã' => 'a',
            'ç' => 'c',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' => 'i',
            'ô' | 'ö' | 'ó' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ÿ' => 'y',
            'œ' => {
                out.push('o');
                'e'
            }
            'æ' => {
                out.push('a');
                'e'
            }
            '-' | '\'' | '’' | '_' | ',' | '.' | '(' | ')' => ' ',
            other => other,
        };
        if folded == ' ' {
            if out.len() == start || out.ends_with(' ') {
                continue;
            }
            expand(out, word_start);
            out.push(' ');
            word_start = out.len();
        } else {
            out.push(folded);
        }
    }
    if out.len() > start && out.ends_with(' ') {
        out.pop();
    } else {
        expand(out, word_start);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commune(insee: &str, name: &str, postal: &str, population: u32) -> Commune {
        Commune {
            insee: insee.into(),
            name: name.into(),
            departement: insee.get(..if insee.starts_with("97") { 3 } else { 2 }).unwrap_or(insee).into(),
            epci: None,
            postal_codes: [postal.into()].into_iter().collect(),
            population,
            point: None,
        }
    }

    fn reference() -> Communes {
        Communes::new(
            vec![
                commune("36176", "Ruffec", "36300", 550),
                commune("16292", "Ruffec", "16700", 3300),
                commune("16015", "Angoulême", "16000", 41_000),
                commune("16341", "Saint-Michel", "16470", 3000),
                commune("16102", "Cognac", "16100", 18_000),
            ],
            vec![],
        )
    }

    #[test]
    fn lookups_find_codes_that_share_a_key() {
        let commune = |insee: &str| commune(insee, insee, "", 0);
        let codes = ["", "16015", "16015", "2A004", "123456789a", "123456789b", "12345678", "1234567"];
        let communes = Communes::new(codes.iter().map(|c| commune(c)).collect(), vec![]);
        for code in codes {
            assert_eq!(communes.get(code).map(|c| c.insee.as_str()), Some(code), "{code:?}");
        }
        for absent in ["1601", "160150", "123456789", "123456789c", "2B004"] {
            assert_eq!(communes.index_of(absent), None, "{absent:?}");
        }
    }

    #[test]
    fn only_communes_in_strict_order_are_taken_as_sorted() {
        let commune = |insee: &str| commune(insee, insee, "", 0);
        let epci = |siren: &str| Epci { siren: siren.into(), name: siren.into() };
        let sorted = Communes::from_sorted(vec![commune("16015"), commune("16292")], vec![epci("200071827")]);
        assert_eq!(sorted.map(|c| c.len()), Some(2));
        assert!(Communes::from_sorted(vec![commune("16292"), commune("16015")], vec![]).is_none(), "out of order");
        assert!(Communes::from_sorted(vec![commune("16015"), commune("16015")], vec![]).is_none(), "twice");
        assert!(Communes::from_sorted(vec![], vec![epci("2"), epci("1")]).is_none(), "EPCIs out of order");
        // Codes whose first 8 bytes agree: the order of the keys says nothing, the codes decide.
        let long = |codes: [&str; 2]| Communes::from_sorted(codes.map(commune).to_vec(), vec![]).is_some();
        assert!(long(["123456789a", "123456789b"]));
        assert!(!long(["123456789b", "123456789a"]), "same key, out of order");
        assert!(!long(["123456789a", "123456789a"]), "same key, twice");
    }

    #[test]
    fn codes_sharing_a_key_are_searched_by_halves() {
        let codes: Vec<CompactStr> = (0..10_000).map(|i| CompactStr::from(format!("20007182{i:05}"))).collect();
        let keys: Vec<u64> = codes.iter().map(|c| key_of(c.as_bytes())).collect();
        assert!(keys.windows(2).all(|pair| pair[0] == pair[1]), "one key for all");
        for wanted in [0, 1, 4_999, 9_999] {
            let read = std::cell::Cell::new(0);
            let found = find(&keys, codes[wanted].as_bytes(), |i| {
                read.set(read.get() + 1);
                &codes[i]
            });
            assert_eq!(found, Some(wanted));
            assert!(read.get() <= 14, "{} codes read to find one of 10,000", read.get());
        }
        assert_eq!(find(&keys, b"2000718200000x", |i| &codes[i]), None);
    }

    #[test]
    fn postal_codes_stop_at_the_first_none() {
        let calls = std::cell::Cell::new(0);
        let codes: PostalCodes = std::iter::from_fn(|| {
            calls.set(calls.get() + 1);
            (calls.get() > 1).then(|| CompactStr::from("16700"))
        })
        .collect();
        assert!(codes.is_empty());
        assert_eq!(calls.get(), 1, "nothing is read after the end");
    }

    #[test]
    fn postal_codes_read_as_a_slice_however_many() {
        let codes = |texts: &[&str]| texts.iter().map(|t| CompactStr::from(*t)).collect::<PostalCodes>();
        for texts in [&[][..], &["16700"], &["75001", "75002", "75003"]] {
            let codes = codes(texts);
            let read: Vec<&str> = codes.iter().map(|c| c.as_str()).collect();
            assert_eq!(read, texts);
        }
        assert_ne!(codes(&["16700"]), codes(&["16700", "16701"]));
        assert_eq!(format!("{:?}", codes(&["16700", "16701"])), r#"["16700", "16701"]"#);
    }

    #[test]
    fn folding_ignores_case_accents_and_abbreviations() {
        assert_eq!(fold("  Angoulême "), "angouleme");
        assert_eq!(fold("ST-MICHEL"), "saint michel");
        assert_eq!(fold("L'Isle-d'Espagnac"), "l isle d espagnac");
        assert_eq!(fold("Ste-Marie"), "sainte marie");
        assert_eq!(fold("-St-"), "saint");
        assert_eq!(fold("Stella st. Ste"), "stella saint sainte");
        assert_eq!(fold("Œuvre  --  ST"), "oeuvre saint");
        assert_eq!(fold(" - "), "");
        let mut buffer = String::from("déjà");
        fold_into("Saint-Cœur", &mut buffer);
        assert_eq!(buffer, "déjàsaint coeur", "appends, leaving what was there");
    }

    #[test]
    fn search_lists_both_ruffec_largest_first() {
        let reference = reference();
        let found: Vec<_> = reference.search("ruffec", 5).iter().map(|c| c.insee.as_str()).collect();
        assert_eq!(found, ["16292", "36176"]);
    }

    #[test]
    fn postal_codes_and_folded_names_are_looked_up() {
        let reference = reference();
        let of = |code: &str| reference.with_postal_code(code).map(|c| c.insee.to_string()).collect::<Vec<_>>();
        assert_eq!((of("16700"), of("36300")), (vec!["16292".to_string()], vec!["36176".to_string()]));
        assert!(of("99999").is_empty() && of("1670").is_empty() && of("x").is_empty() && of("+1670").is_empty());
        let ruffec = reference.get("16292").unwrap();
        assert_eq!(reference.folded_name(ruffec), "ruffec");
    }

    #[test]
    fn a_name_is_narrowed_by_the_departement_and_the_postal_code_written_after_it() {
        let mut communes = vec![
            commune("65388", "Sainte-Marie", "65370", 70),
            commune("05150", "Sainte-Marie", "05150", 110),
            commune("97418", "Sainte-Marie", "97438", 34_000),
            commune("65001", "Sainte-Marie-de-Campan", "65710", 200),
        ];
        // Nine larger Sainte-Marie elsewhere: alone, the name of the Pyrénées' one is not in the
        // first eight.
        for n in 0..9 {
            communes.push(commune(&format!("3500{n}"), "Sainte-Marie", "35600", 1_000 + n));
        }
        let communes = Communes::new(communes, vec![]);
        let codes = |typed: &str| {
            let (found, total) = communes.search_within(typed, 8, |_| true);
            (found.iter().map(|c| c.insee.to_string()).collect::<Vec<_>>(), total)
        };
        let (alone, total) = codes("Sainte-Marie");
        assert_eq!(total, 13, "all counted");
        assert!(!alone.contains(&"65388".to_owned()), "not in the first eight by name alone");
        // With the département: it first, then Sainte-Marie-de-Campan (65) whose name starts so.
        for typed in ["Sainte-Marie 65", "Sainte-Marie (65)"] {
            assert_eq!(codes(typed), (vec!["65388".to_owned(), "65001".to_owned()], 2), "{typed}");
        }
        for typed in ["sainte marie (65) – 65370", "ste marie 65370"] {
            assert_eq!(codes(typed), (vec!["65388".to_owned()], 1), "{typed}");
        }
        assert_eq!(codes("Sainte-Marie 974").0, ["97418"]);
        assert_eq!(codes("Sainte-Marie 66").1, 0, "no Sainte-Marie in 66 here");
    }

    #[test]
    fn postal_codes_come_before_insee_codes_and_may_hold_a_space() {
        let communes = Communes::new(
            vec![
                commune("16292", "Ruffec", "16700", 3_300),
                commune("16700", "Une commune", "16110", 50),
                commune("16015", "Angoulême", "16000", 41_000),
            ],
            vec![],
        );
        let codes = |typed: &str| communes.search(typed, 8).iter().map(|c| c.insee.to_string()).collect::<Vec<_>>();
        assert_eq!(codes("16700"), ["16292", "16700"], "the postal code 16700 first, then the INSEE code 16700");
        assert_eq!(codes("16 700"), ["16292", "16700"]);
        assert_eq!(codes("16 0"), ["16015"]);
    }

    #[test]
    fn the_larger_of_homonyms_comes_first_whatever_its_code() {
        // Real populations (COG 2026): by INSEE code, the smallest Saint-Pierre would come first.
        let communes = Communes::new(
            vec![
                commune("04194", "Saint-Pierre", "06260", 99),
                commune("97225", "Saint-Pierre", "97250", 3_961),
                commune("97416", "Saint-Pierre", "97410", 85_038),
            ],
            vec![],
        );
        let found: Vec<_> = communes.search("saint-pierre", 3).iter().map(|c| c.insee.to_string()).collect();
        assert_eq!(found, ["97416", "97225", "04194"]);
    }

    #[test]
    fn search_within_chooses_before_it_cuts() {
        let reference = reference();
        // Ruffec (16) is the larger: the best one of all is in Charente, the best one in Indre is not.
        let first = |keep: &dyn Fn(&Commune) -> bool| {
            reference.search_within("ruffec", 1, keep).0.iter().map(|c| c.insee.to_string()).collect::<Vec<_>>()
        };
        assert_eq!(first(&|_| true), ["16292"]);
        assert_eq!(first(&|c| c.departement == "36"), ["36176"]);
    }

    #[test]
    fn search_by_postal_code_prefix_and_name_prefix() {
        let reference = reference();
        let by_postal: Vec<_> = reference.search("161", 5).iter().map(|c| c.name.as_str()).collect();
        assert_eq!(by_postal, ["Cognac"]);
        let by_prefix: Vec<_> = reference.search("st mich", 5).iter().map(|c| c.name.as_str()).collect();
        assert_eq!(by_prefix, ["Saint-Michel"]);
        assert!(reference.search("", 5).is_empty());
    }

    #[test]
    fn lookup_by_insee() {
        assert_eq!(reference().get("16015").map(|c| c.name.as_str()), Some("Angoulême"));
        assert_eq!(reference().get("99999"), None);
    }
}
