//! Everything the product says, as data: reason sentences, interface strings, dates in words.
//!
//! Keys map to a [`Text`]; `{name}` placeholders are filled at render time. The source is
//! `data/wording.toml`; a missing key renders as the key itself, so a gap is visible, not fatal.

use crate::calendar::{Date, LocalDateTime};
use crate::taxonomy::{Lang, Text};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Wording {
    /// Sorted by key, one entry a key. A sorted list rather than a map: a few hundred entries
    /// are read by binary search, and the browser does not download a B-tree for them.
    entries: Vec<(String, Text)>,
}

impl<K: Into<String>> FromIterator<(K, Text)> for Wording {
    /// A later entry for the same key replaces an earlier one.
    fn from_iter<I: IntoIterator<Item = (K, Text)>>(entries: I) -> Self {
        let mut wording = Wording::default();
        for (key, text) in entries {
            wording.insert(key.into(), text);
        }
        wording
    }
}

impl Wording {
    pub fn text<'a>(&'a self, key: &'a str, lang: Lang) -> &'a str {
        self.get(key).map_or(key, |text| text.get(lang))
    }

    pub fn get(&self, key: &str) -> Option<&Text> {
        self.position(key).ok().map(|at| &self.entries[at].1)
    }

    /// The text of `key`, created empty when the key is new.
    pub fn entry(&mut self, key: String) -> &mut Text {
        let at = match self.position(&key) {
            Ok(at) => at,
            Err(at) => {
                self.entries.insert(at, (key, Text::default()));
                at
            }
        };
        &mut self.entries[at].1
    }

    /// Sets the text of `key`, replacing what it had.
    pub fn insert(&mut self, key: String, text: Text) {
        *self.entry(key) = text;
    }

    /// The entries in key order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &Text)> {
        self.entries.iter().map(|(key, text)| (key.as_str(), text))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn position(&self, key: &str) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    /// The text of `key` with each `{name}` replaced by its value.
    pub fn render(&self, key: &str, lang: Lang, args: &[(&str, &str)]) -> String {
        fill(self.text(key, lang), args)
    }

    /// A time of day in words: "9 h", "14 h 30" in French, "9:00" in English.
    pub fn time(&self, minute_of_day: u16, lang: Lang) -> String {
        let (h, m) = (minute_of_day / 60, minute_of_day % 60);
        let key = if m == 0 { "time.hour" } else { "time.hour-minute" };
        self.render(key, lang, &[("h", &h.to_string()), ("mm", &format!("{m:02}"))])
    }

    /// A moment in words relative to `now`: "aujourd'hui, 14 h", "demain, 9 h",
    /// "mardi 8 décembre, 9 h".
    pub fn when(&self, at: LocalDateTime, now: LocalDateTime, lang: Lang) -> String {
        let time = self.time(at.minute, lang);
        let day = match at.date.0 - now.date.0 {
            0 => self.text("date.today", lang).to_string(),
            1 => self.text("date.tomorrow", lang).to_string(),
            _ => self.date(at.date, lang),
        };
        self.render("date.day-time", lang, &[("day", &day), ("time", &time)])
    }

    /// A date in words: "mardi 8 décembre" / "Tuesday 8 December".
    pub fn date(&self, date: Date, lang: Lang) -> String {
        let (_, month, day) = date.ymd();
        let weekday = self.text(WEEKDAY_KEYS[date.weekday().index()], lang);
        let month = self.text(MONTH_KEYS[(month - 1) as usize], lang);
        self.render(
            "date.weekday-day-month",
            lang,
            &[("weekday", weekday), ("day", &day.to_string()), ("month", month)],
        )
    }
}

pub const WEEKDAY_KEYS: [&str; 7] = [
    "weekday.monday",
    "weekday.tuesday",
    "weekday.wednesday",
    "weekday.thursday",
    "weekday.friday",
    "weekday.saturday",
    "weekday.sunday",
];

pub const MONTH_KEYS: [&str; 12] = [
    "month.1", "month.2", "month.3", "month.4", "month.5", "month.6", "month.7", "month.8", "month.9", "month.10",
    "month.11", "month.12",
];

/// Replaces each `{name}` by its value; unknown placeholders stay as written.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = crate::ascii::find(rest, b'{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match crate::ascii::find(after, b'}') {
            Some(close) => {
                let name = &after[..close];
                match args.iter().find(|(key, _)| *key == name) {
                    Some((_, value)) => out.push_str(value),
                    None => out.push_str(&rest[open..open + close + 2]),
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_known_placeholders_only() {
        assert_eq!(fill("à {km} km", &[("km", "8")]), "à 8 km");
        assert_eq!(fill("{a}{b} {", &[("a", "1")]), "1{b} {");
        assert_eq!(fill("", &[]), "");
    }

    #[test]
    fn missing_keys_show_themselves() {
        let wording = Wording::default();
        assert_eq!(wording.text("reason.x", Lang::Fr), "reason.x");
    }

    #[test]
    fn entries_stay_sorted_and_unique() {
        let text = |fr: &str| Text { fr: fr.into(), ..Text::default() };
        let wording: Wording =
            [("b", text("1")), ("a", text("2")), ("c", text("3")), ("a", text("4"))].into_iter().collect();
        let entries: Vec<(&str, &str)> = wording.iter().map(|(k, t)| (k, t.fr.as_str())).collect();
        assert_eq!(entries, [("a", "4"), ("b", "1"), ("c", "3")]);
        assert_eq!(wording.text("b", Lang::Fr), "1");
        assert_eq!(wording.get("d"), None);
    }
}
