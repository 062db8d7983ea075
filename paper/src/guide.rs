//! The printable local guide of a commune or an EPCI: for each need, in the taxonomy's order, the
//! places that serve its communes (as the widget would propose them), their hours in words and
//! what to bring, a QR code back to the live answers; the national contacts where no place is
//! near. One self-contained A4 page of HTML: no request to another site, its one stylesheet
//! allowed by hash (`Guide::csp`), no script.

use std::collections::HashMap;
use std::fmt::Write;

use aiguillage_engine::bundle::Bundle;
use aiguillage_engine::fragment::Answers;
use aiguillage_engine::html::escape;
use aiguillage_engine::links;
use aiguillage_engine::taxonomy::NeedId;
use aiguillage_engine::{orient, Actor, Commune, Date, Lang, LocalDateTime, Note, Profile, Taxonomy, Wording};
use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::qr;
use crate::week::{self, OnPaper};

/// Places proposed per commune and need: what a resident of that commune gets first.
const PLACES_PER_COMMUNE: usize = 5;

/// Whom a guide is for.
pub struct Selection<'a> {
    /// The commune's or the EPCI's name, printed on every page.
    pub name: String,
    /// The commune's INSEE code for a commune's guide (its QR codes open its answers); `None`
    /// for an EPCI's (they ask the commune).
    pub commune: Option<String>,
    /// Its communes, each with the bundle that holds it (an EPCI may straddle two départements).
    pub communes: Vec<(&'a Bundle, &'a Commune)>,
}

/// Why a guide cannot be made for a code.
#[derive(Debug, PartialEq, Eq)]
pub enum SelectError {
    /// Neither a commune nor an EPCI of these bundles.
    Unknown(String),
}

impl std::fmt::Display for SelectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SelectError::Unknown(code) => write!(
                f,
                "no commune or EPCI `{code}` in the bundle(s): expected a commune's INSEE code (e.g. 16292) or an EPCI's SIREN (e.g. 200071827) of the territory"
            ),
        }
    }
}

impl std::error::Error for SelectError {}

/// The commune with INSEE code `code`, or the EPCI with SIREN `code` (nine digits), in `bundles`;
/// each commune read in the bundle that places it best ([`holder`]).
pub fn select<'a>(bundles: &'a [Bundle], code: &str) -> Result<Selection<'a>, SelectError> {
    let code = code.trim();
    let unknown = || SelectError::Unknown(code.to_string());
    if code.len() == 9 && code.bytes().all(|b| b.is_ascii_digit()) {
        let mut codes: Vec<&str> = bundles
            .iter()
            .flat_map(|b| b.communes.iter().filter(|c| c.epci.as_deref() == Some(code)).map(|c| c.insee.as_str()))
            .collect();
        codes.sort_unstable();
        codes.dedup();
        let mut communes: Vec<(&Bundle, &Commune)> = codes.iter().filter_map(|insee| holder(bundles, insee)).collect();
        let name = bundles.iter().find_map(|b| b.communes.epci(code)).map(|e| e.name.clone()).ok_or_else(unknown)?;
        communes.sort_by(|a, b| a.1.name.as_str().cmp(b.1.name.as_str()));
        return Ok(Selection { name, commune: None, communes });
    }
    let (bundle, commune) = holder(bundles, code).ok_or_else(unknown)?;
    Ok(Selection {
        name: commune.name.to_string(),
        commune: Some(commune.insee.to_string()),
        communes: vec![(bundle, commune)],
    })
}

/// The bundle to read a commune in: one with places before one without (a folder's `index.bin`
/// holds every commune and no place), then the smallest (its département's before a région's).
fn holder<'a>(bundles: &'a [Bundle], insee: &str) -> Option<(&'a Bundle, &'a Commune)> {
    bundles
        .iter()
        .filter_map(|b| b.communes.get(insee).map(|c| (b, c)))
        .min_by_key(|(b, _)| (b.directory.is_empty(), b.communes.len()))
}

/// How a guide is printed.
pub struct Options<'a> {
    pub lang: Lang,
    /// The project's needs and words, in every language (bundles carry codes only).
    pub taxonomy: &'a Taxonomy,
    pub wording: &'a Wording,
    /// The page of the host's site where the widget is (its QR codes open it there); without
    /// it, no QR code.
    pub widget_url: Option<&'a str>,
    /// The widget's key in the URL fragment on that page (`aiguillage`, or `aiguillage-<id>`).
    pub fragment_key: &'a str,
    /// Large type, for readers with low vision.
    pub large: bool,
    /// The first day of the hours printed (and of the orientations).
    pub from: Date,
}

/// A guide: its page and the Content-Security-Policy it needs (its stylesheet's hash).
pub struct Guide {
    pub html: String,
    pub csp: String,
}

/// One place of a need's list: an actor, or the places of one service (a bus's stops).
struct Entry<'a> {
    key: String,
    actors: Vec<&'a Actor>,
    /// Metres from the nearest commune of the selection; `None` for help at a distance.
    distance_m: Option<u32>,
}

/// The places of `need` for the selection: each commune's first proposals, merged; the places
/// of one service ([`entry_key`]) as one entry. Nearest first; help at a distance last. `true`
/// when no commune of the selection has a place near.
fn places<'a>(selection: &Selection<'a>, need: &str, at: LocalDateTime) -> (Vec<Entry<'a>>, bool) {
    let mut entries: Vec<Entry<'a>> = Vec::new();
    let mut nothing_local = true;
    for (bundle, commune) in &selection.communes {
        let profile = Profile { commune: commune.insee.to_string(), need: need.to_string(), ..Profile::default() };
        let Ok(orientation) = orient(bundle.territory(), &profile, at, PLACES_PER_COMMUNE) else { continue };
        if !orientation.notes.contains(&Note::NothingLocal) {
            nothing_local = false;
        }
        for recommendation in &orientation.recommendations {
            let actor = &bundle.directory.actors()[recommendation.actor];
            let key = entry_key(actor);
            match entries.iter_mut().find(|e| e.key == key) {
                Some(entry) => {
                    if !entry.actors.iter().any(|a| a.id == actor.id) {
                        entry.actors.push(actor);
                    }
                    entry.distance_m = match (entry.distance_m, recommendation.distance_m) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                }
                None => entries.push(Entry { key, actors: vec![actor], distance_m: recommendation.distance_m }),
            }
        }
    }
    entries.sort_by(|a, b| {
        (a.distance_m.is_none(), a.distance_m, &a.actors[0].name).cmp(&(
            b.distance_m.is_none(),
            b.distance_m,
            &b.actors[0].name,
        ))
    });
    for entry in &mut entries {
        sort_places(&mut entry.actors);
    }
    (entries, nothing_local)
}

/// A service's places by town, then street.
fn sort_places(actors: &mut [&Actor]) {
    actors.sort_by(|a, b| (a.commune_name.as_str(), &a.street).cmp(&(b.commune_name.as_str(), &b.street)));
}

/// One service in several places (a bus's stops, a permanence in several mairies) shares its
/// phone and the stem of its name (« Bus France Services - [Place de la mairie] »): one entry
/// for them all. Any other place is an entry of its own.
fn entry_key(actor: &Actor) -> String {
    match actor.phone.as_deref() {
        Some(phone) => format!("{} {}", links::display_phone(phone), stem(&actor.name)),
        None => format!("place {}", actor.id),
    }
}

/// A name without what names one of its places: cut at « - [ », « [ », « ( » or « - ».
fn stem(name: &str) -> &str {
    let cut = [" - [", " [", " (", " – ", " - "].iter().filter_map(|mark| name.find(mark)).min().unwrap_or(name.len());
    let stem = name[..cut].trim();
    if stem.chars().count() >= 4 {
        stem
    } else {
        name
    }
}

/// The name an entry is printed under: for several places, their names' stem.
fn entry_name<'a>(entry: &Entry<'a>) -> &'a str {
    match entry.actors.as_slice() {
        [only] => &only.name,
        [first, ..] => stem(&first.name),
        [] => "",
    }
}

/// The widget's key in the URL fragment for an element of `id` (as the loader names it):
/// `aiguillage`, or `aiguillage-<id>` for an id of letters, digits, `-` and `_`.
pub fn fragment_key(id: Option<&str>) -> String {
    match id
        .map(str::trim)
        .filter(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
    {
        Some(id) => format!("aiguillage-{id}"),
        None => "aiguillage".to_string(),
    }
}

/// The link its QR code opens: the widget on `need`, with the commune's answers for a commune's
/// guide, at the commune question for an EPCI's.
pub fn widget_link(url: &str, fragment_key: &str, need: &str, commune: Option<&str>) -> String {
    let base = url.split('#').next().unwrap_or(url);
    // The widget's own codec writes the answers: the link reads as the widget would write it.
    let answers = Answers {
        step: Some(if commune.is_some() { "results" } else { "commune" }.to_string()),
        need: Some(need.to_string()),
        commune: commune.map(str::to_string),
        ..Answers::default()
    };
    format!("{base}#{fragment_key}={}", answers.encode())
}

/// The guide of `selection`.
pub fn guide(selection: &Selection<'_>, options: &Options<'_>) -> Guide {
    let (lang, wording, taxonomy) = (options.lang, options.wording, options.taxonomy);
    let Some((first_bundle, _)) = selection.communes.first() else {
        return page(selection, options, Date(0), String::new());
    };
    let data_date = selection.communes.iter().map(|(b, _)| b.built_on).min().unwrap_or(first_bundle.built_on);
    let at = LocalDateTime::new(options.from, 10, 0).unwrap_or(LocalDateTime { date: options.from, minute: 600 });
    let mut body = String::new();
    let needs: Vec<(NeedId, &aiguillage_engine::taxonomy::Need)> = taxonomy.top_level().collect();
    let _ = write!(
        body,
        "<nav aria-labelledby=\"sommaire\"><h2 id=\"sommaire\">{}</h2><ol>",
        escape(wording.text("guide.contents", lang))
    );
    for (_, need) in &needs {
        let _ =
            write!(body, "<li><a href=\"#besoin-{}\">{}</a></li>", escape(&need.code), escape(need.label.get(lang)));
    }
    body.push_str("</ol></nav>\n");
    let lists: Vec<(Vec<Entry<'_>>, bool)> = needs.iter().map(|(_, need)| places(selection, &need.code, at)).collect();
    // A service's card holds all its places met under any need (a stop may serve one need only).
    let mut every_place: HashMap<&str, Vec<&Actor>> = HashMap::new();
    for entry in lists.iter().flat_map(|(entries, _)| entries) {
        let places = every_place.entry(&entry.key).or_default();
        for actor in &entry.actors {
            if !places.iter().any(|a| a.id == actor.id) {
                places.push(actor);
            }
        }
    }
    // Where each place's card is: later needs point to it.
    let mut shown: HashMap<String, (usize, String)> = HashMap::new();
    let mut cards = 0;
    for ((_, need), (entries, nothing_local)) in needs.iter().zip(&lists) {
        let label = need.label.get(lang);
        let _ = write!(
            body,
            "<section class=\"need\" aria-labelledby=\"besoin-{code}\"><h2 id=\"besoin-{code}\">{}</h2>",
            escape(label),
            code = escape(&need.code)
        );
        let hint = need.hint.get(lang);
        if !hint.is_empty() {
            let _ = write!(body, "<p class=\"hint\">{}</p>", escape(hint));
        }
        if let Some(url) = options.widget_url {
            let link = widget_link(url, options.fragment_key, &need.code, selection.commune.as_deref());
            let name = wording.render("guide.qr-label", lang, &[("need", label)]);
            if let Some(code) = qr::svg(&link, &name) {
                let _ = write!(
                    body,
                    "<div class=\"qr-box\">{code}<p>{}<br><a class=\"url\" href=\"{}\">{}</a></p></div>",
                    escape(wording.text("guide.qr", lang)),
                    escape(&link),
                    escape(&link)
                );
            }
        }
        let bring = need.bring.get(lang);
        if !bring.is_empty() {
            let _ =
                write!(body, "<div class=\"bring\"><h3>{}</h3><ul>", escape(wording.text("ui.results.bring", lang)));
            for item in bring {
                let _ = write!(body, "<li>{}</li>", escape(item));
            }
            body.push_str("</ul></div>");
        }
        if *nothing_local {
            body.push_str(&national_contacts(taxonomy, wording, &need.code, lang));
        }
        for entry in entries {
            match shown.get(&entry.key) {
                Some((card, need_label)) => {
                    let (actor, name) = (entry.actors[0], entry_name(entry));
                    let phone = actor
                        .phone
                        .as_deref()
                        .map(|p| wording.render("guide.phone", lang, &[("phone", &links::display_phone(p))]));
                    let _ = write!(
                        body,
                        "<p class=\"again\"><a href=\"#lieu-{card}\">{}</a>{}</p>",
                        escape(&wording.render("guide.again", lang, &[("name", name), ("need", need_label)])),
                        phone.map(|p| format!(" · {}", escape(&p))).unwrap_or_default()
                    );
                }
                None => {
                    cards += 1;
                    shown.insert(entry.key.clone(), (cards, label.to_string()));
                    let mut actors = every_place.get(entry.key.as_str()).cloned().unwrap_or_default();
                    sort_places(&mut actors);
                    let whole = Entry { key: entry.key.clone(), actors, distance_m: entry.distance_m };
                    body.push_str(&card(cards, &whole, wording, lang, options.from));
                }
            }
        }
        body.push_str("</section>\n");
    }
    page(selection, options, data_date, body)
}

/// The national contacts of a need, when no place is near.
fn national_contacts(taxonomy: &Taxonomy, wording: &Wording, need: &str, lang: Lang) -> String {
    let Some(id) = taxonomy.need_id(need) else { return String::new() };
    let mut out =
        format!("<div class=\"national\"><p>{}</p><ul>", escape(wording.text("ui.fallbacks.nothing-local", lang)));
    for index in taxonomy.fallbacks_for(id) {
        let fallback = &taxonomy.fallbacks[index];
        let _ = write!(out, "<li><strong>{}</strong>", escape(&fallback.name));
        if let Some(phone) = fallback.phone.as_deref().filter(|p| !p.is_empty()) {
            let _ = write!(
                out,
                " · {}",
                escape(&wording.render("guide.phone", lang, &[("phone", &links::display_phone(phone))]))
            );
        }
        if let Some(url) = fallback.url.as_deref().and_then(links::https) {
            let _ = write!(
                out,
                " · <a href=\"{}\">{}</a>",
                escape(&url),
                escape(url.trim_start_matches("https://").trim_end_matches('/'))
            );
        }
        let text = fallback.text.get(lang);
        if !text.is_empty() {
            let _ = write!(out, "<br>{}", escape(text));
        }
        out.push_str("</li>");
    }
    out.push_str("</ul></div>");
    out
}

/// A place's card: name, where, how to reach it, its hours in words; an itinerant service's
/// stops each with its hours.
fn card(number: usize, entry: &Entry<'_>, wording: &Wording, lang: Lang, from: Date) -> String {
    let actor = entry.actors[0];
    // Each place's identifier in the data (`data-id`): a coordinator finds the record to correct.
    let single = entry.actors.len() == 1 && !actor.itinerant;
    let id = if single { format!(" data-id=\"{}\"", escape(&actor.id)) } else { String::new() };
    // The data is French: in an English guide, its names and addresses are marked so.
    let french = if lang == Lang::En { " lang=\"fr\"" } else { "" };
    let mut out =
        format!("<article class=\"place\" id=\"lieu-{number}\"{id}><h3{french}>{}</h3>", escape(entry_name(entry)));
    if entry.actors.len() > 1 || actor.itinerant {
        let intro = if actor.itinerant { "reason.itinerant" } else { "guide.several-places" };
        let _ = write!(out, "<p>{}</p><ul class=\"stops\">", escape(wording.text(intro, lang)));
        for stop in &entry.actors {
            let _ = write!(
                out,
                "<li data-id=\"{}\"><span class=\"where\"{french}>{}</span>{}</li>",
                escape(&stop.id),
                escape(&stop.address()),
                hours(stop, wording, lang, from)
            );
        }
        out.push_str("</ul>");
    } else if actor.is_remote_only() {
        let _ = write!(out, "<p>{}</p>", escape(wording.text("reason.remote-unknown-means", lang)));
    } else {
        let _ = write!(out, "<p class=\"where\"{french}>{}</p>", escape(&actor.address()));
    }
    let mut reach = Vec::new();
    if let Some(phone) = actor.phone.as_deref() {
        let text = wording.render("guide.phone", lang, &[("phone", &links::display_phone(phone))]);
        reach.push(match links::tel(phone) {
            Some(href) => format!("<a href=\"{}\">{}</a>", escape(&href), escape(&text)),
            None => escape(&text),
        });
    }
    if let Some(email) = actor.email.as_deref() {
        let text = wording.render("guide.email", lang, &[("email", email)]);
        reach.push(match links::mailto(email) {
            Some(href) => format!("<a href=\"{}\">{}</a>", escape(&href), escape(&text)),
            None => escape(&text),
        });
    }
    if let Some(url) = actor.website.as_deref().and_then(links::https) {
        let shown = url.trim_start_matches("https://").trim_end_matches('/');
        let text = wording.render("guide.website", lang, &[("url", shown)]);
        reach.push(format!("<a href=\"{}\">{}</a>", escape(&url), escape(&text)));
    }
    if !reach.is_empty() {
        let _ = write!(out, "<p class=\"reach\">{}</p>", reach.join("<br>"));
    }
    if single {
        out.push_str(&hours(actor, wording, lang, from));
    }
    if let Some(updated) = entry.actors.iter().filter_map(|a| a.updated).max() {
        let _ = write!(
            out,
            "<p class=\"checked\">{}</p>",
            escape(&wording.render("guide.verified", lang, &[("date", &long_date(updated, wording, lang))]))
        );
    }
    out.push_str("</article>");
    out
}

fn hours(actor: &Actor, wording: &Wording, lang: Lang, from: Date) -> String {
    let lines = |title: &str, lines: &[String]| {
        let items: String = lines.iter().map(|l| format!("<li>{}</li>", escape(l))).collect();
        format!("<div class=\"hours\"><p class=\"hours-title\">{}</p><ul>{items}</ul></div>", escape(title))
    };
    let sentence = |text: &str| format!("<p class=\"hours\">{}</p>", escape(text));
    match week::on_paper(&actor.hours, actor.calendar().holidays, from, wording, lang) {
        OnPaper::Unknown => {
            let key = if actor.phone.is_some() { "reason.hours-unknown" } else { "reason.hours-unknown-no-contact" };
            sentence(wording.text(key, lang))
        }
        OnPaper::AsWritten(text) => sentence(&wording.render("reason.hours-as-written", lang, &[("hours", &text)])),
        OnPaper::Weekly(week) => lines(wording.text("guide.hours", lang), &week),
        OnPaper::Dated(dates) => lines(wording.text("guide.hours-dated", lang), &dates),
        OnPaper::NoneSoon => sentence(wording.text("guide.hours-none-soon", lang)),
    }
}

/// "7 décembre 2026".
fn long_date(date: Date, wording: &Wording, lang: Lang) -> String {
    let (year, month, day) = date.ymd();
    let month = wording.text(aiguillage_engine::wording::MONTH_KEYS[(month as usize).clamp(1, 12) - 1], lang);
    let day = if day == 1 { wording.text("guide.first-day", lang).to_string() } else { day.to_string() };
    wording.render("guide.date", lang, &[("day", &day), ("month", month), ("year", &year.to_string())])
}

/// A text inside a CSS string (`content: "…"`): quotes, backslashes and line ends escaped.
fn css_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '<' | '>' => {
                let _ = write!(out, "\\{:x} ", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

const STYLE: &str = include_str!("guide.css");

fn page(selection: &Selection<'_>, options: &Options<'_>, data_date: Date, body: String) -> Guide {
    let (lang, wording) = (options.lang, options.wording);
    let title = wording.render("guide.title", lang, &[("place", &selection.name)]);
    let date = long_date(data_date, wording, lang);
    let running_head = wording.render("guide.running-head", lang, &[("place", &selection.name)]);
    // The running heads are the page's own words: in the stylesheet, as CSS strings.
    let style = format!(
        "{STYLE}@page{{@top-left{{content:{}}}@top-right{{content:{}}}}}",
        css_string(&running_head),
        css_string(&wording.render("guide.data-date-short", lang, &[("date", &date)]))
    );
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(style.as_bytes()));
    let csp = format!("default-src 'none'; style-src 'sha256-{hash}'; base-uri 'none'; form-action 'none'");
    let html_lang = if lang == Lang::En { "en" } else { "fr" };
    let class = if options.large { " class=\"large\"" } else { "" };
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"{html_lang}\"{class}>\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{style}</style>\n</head>\n\
         <body>\n<header><h1>{}</h1><p class=\"intro\">{}</p><p class=\"date\">{}</p></header>\n<main>\n{body}</main>\n\
         <footer><p>{}</p></footer>\n</body>\n</html>\n",
        escape(&csp),
        escape(&title),
        escape(&title),
        escape(wording.text("guide.intro", lang)),
        escape(&wording.render("guide.data-date", lang, &[("date", &date)])),
        escape(&wording.render("guide.footer", lang, &[("date", &date)])),
    );
    Guide { html, csp }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_running_head_cannot_leave_its_css_string() {
        assert_eq!(css_string("Saint-\"X\"\\</style>"), "\"Saint-\\\"X\\\"\\\\\\3c /style\\3e \"");
    }

    #[test]
    fn the_widget_link_opens_the_need_and_the_commune() {
        assert_eq!(
            widget_link("https://mairie.fr/aide#old", "aiguillage", "emploi", Some("16292")),
            "https://mairie.fr/aide#aiguillage=step.results~need.emploi~commune.16292"
        );
        assert_eq!(
            widget_link("https://cc.fr/numerique", "aiguillage-w", "demarches", None),
            "https://cc.fr/numerique#aiguillage-w=step.commune~need.demarches"
        );
    }
}
