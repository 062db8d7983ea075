//! What a coordinator may correct of a place: every field a resident sees, named as in the
//! project's native TOML (`import/src/native.rs`), with its current value read from a published
//! place and a new value checked as the importers will read it. Messages are in French: they are
//! shown in the workspace, next to the field.

use aiguillage_engine::calendar::{Date, Holidays};
use aiguillage_engine::vocab::{Member, Mode, Public, Support};
use aiguillage_engine::{Actor, Lang, Taxonomy, Wording};

/// How a field's value is written and checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Free text of at most this many characters.
    Text(usize),
    Phone,
    Email,
    Link,
    PostalCode,
    Latitude,
    Longitude,
    /// OSM `opening_hours`.
    Hours,
    /// Codes of one vocabulary, several allowed.
    Needs,
    Modes,
    Publics,
    Supports,
}

pub struct Field {
    /// The native TOML's field name.
    pub code: &'static str,
    /// The label of the form, in French.
    pub label: &'static str,
    pub kind: Kind,
}

/// The fields of the correction form, in the order a resident reads them.
pub const FIELDS: &[Field] = &[
    Field { code: "nom", label: "Nom", kind: Kind::Text(200) },
    Field { code: "adresse", label: "Adresse", kind: Kind::Text(200) },
    Field { code: "code_postal", label: "Code postal", kind: Kind::PostalCode },
    Field { code: "commune", label: "Commune", kind: Kind::Text(100) },
    Field { code: "latitude", label: "Latitude", kind: Kind::Latitude },
    Field { code: "longitude", label: "Longitude", kind: Kind::Longitude },
    Field { code: "telephone", label: "Téléphone", kind: Kind::Phone },
    Field { code: "courriel", label: "Courriel", kind: Kind::Email },
    Field { code: "site_web", label: "Site web", kind: Kind::Link },
    Field { code: "prise_rdv", label: "Prise de rendez-vous en ligne", kind: Kind::Link },
    Field { code: "horaires", label: "Horaires", kind: Kind::Hours },
    Field { code: "besoins", label: "Besoins", kind: Kind::Needs },
    Field { code: "modalites", label: "Façons d'aider", kind: Kind::Modes },
    Field { code: "publics", label: "Publics", kind: Kind::Publics },
    Field { code: "accueil_specifique", label: "Accueil adapté", kind: Kind::Supports },
];

/// « Masquer ce lieu »: the reason it is no longer shown (closed, moved…).
pub const HIDDEN: &str = "masque";
/// « Toujours exact »: the day it was last checked.
pub const CHECKED: &str = "date_maj";
/// « Ajouter un lieu »: a place no national source knows, its fields the rows of its id.
pub const ADDED: &str = "ajout";
/// The id prefix of the places added in the workspace.
pub const ADDED_PREFIX: &str = "espace--";

pub fn field(code: &str) -> Option<&'static Field> {
    FIELDS.iter().find(|f| f.code == code)
}

/// The label of any field of the journal, the two actions included.
pub fn label(code: &str) -> &'static str {
    match code {
        HIDDEN => "Masqué",
        CHECKED => "Vérifié le",
        ADDED => "Ajouté dans l'espace",
        _ => field(code).map_or("Champ", |f| f.label),
    }
}

/// The place's value of `field` as kept (lists as comma-separated codes, phones as `+33…`).
pub fn current(actor: &Actor, field: &Field, taxonomy: &Taxonomy) -> String {
    actor.field_text(field.code, taxonomy)
}

/// A kept value as a person reads it in the form: a phone as residents see it
/// (`05 45 31 01 02`); [`check`] reads it back into the kept form, so an untouched field is no
/// change.
pub fn shown(field: &Field, value: &str) -> String {
    match field.kind {
        Kind::Phone if value.starts_with('+') => aiguillage_engine::links::display_phone(value),
        _ => value.to_owned(),
    }
}

/// The project's words for the codes: the taxonomy's needs, the wording's publics and supports.
#[derive(Clone, Copy)]
pub struct Vocabulary<'a> {
    pub taxonomy: &'a Taxonomy,
    pub wording: &'a Wording,
}

/// The ways of helping, as the workspace names them (the widget asks them as questions).
fn mode_label(mode: Mode) -> &'static str {
    match mode {
        Mode::Autonomie => "Accès libre, en autonomie",
        Mode::Individuel => "Accompagnement individuel",
        Mode::Atelier => "Atelier collectif",
        Mode::ADistance => "À distance (téléphone, visio)",
        Mode::AMaPlace => "Faire à la place (aidant habilité)",
    }
}

/// The codes a list field accepts, with their labels, in order.
pub fn choices(kind: Kind, vocabulary: Vocabulary<'_>) -> Vec<(String, String)> {
    fn of<T: Member>(code: fn(T) -> &'static str, label: impl Fn(T) -> String) -> Vec<(String, String)> {
        T::all().iter().map(|v| (code(*v).to_owned(), label(*v))).collect()
    }
    let word = |prefix: &str, code: &str| {
        let key = format!("{prefix}.{code}");
        let text = vocabulary.wording.text(&key, Lang::Fr);
        let mut chars = text.chars();
        chars.next().map_or_else(|| code.to_owned(), |first| first.to_uppercase().chain(chars).collect())
    };
    match kind {
        Kind::Needs => vocabulary.taxonomy.needs.iter().map(|n| (n.code.clone(), n.label.fr.clone())).collect(),
        Kind::Modes => of(Mode::code, |m| mode_label(m).to_owned()),
        Kind::Publics => of(Public::code, |p| word("public", p.code())),
        Kind::Supports => of(Support::code, |s| word("support", s.code())),
        _ => Vec::new(),
    }
}

/// What the checks need besides the value: the vocabularies and the place's calendar.
pub struct Checking<'a> {
    pub vocabulary: Vocabulary<'a>,
    pub today: Date,
    pub holidays: Holidays,
}

/// A new value made canonical (trimmed, codes in the vocabulary's order), or what was expected.
/// An empty value is kept empty: the field is cleared.
pub fn check(field: &Field, value: &str, checking: &Checking<'_>) -> Result<String, String> {
    let value = value.trim();
    if value.is_empty() && field.kind == Kind::Needs {
        return Err("au moins un besoin : un lieu sans besoin n'est proposé à personne".into());
    }
    if value.is_empty() {
        return Ok(String::new());
    }
    if value.chars().any(char::is_control) {
        return Err("un seul paragraphe, sans caractère de contrôle".into());
    }
    match field.kind {
        Kind::Text(max) => {
            let count = value.chars().count();
            if count > max {
                return Err(format!("au plus {max} caractères ({count} ici)"));
            }
            Ok(value.to_owned())
        }
        Kind::Phone => {
            let digits: String = value.chars().filter(char::is_ascii_digit).collect();
            let allowed = value.chars().all(|c| c.is_ascii_digit() || " .-+()".contains(c));
            let national = digits.len() == 10 && digits.starts_with('0');
            let international = value.starts_with('+') && (11..=15).contains(&digits.len());
            if !allowed || !(national || international) {
                return Err("un numéro à 10 chiffres, par exemple 05 45 00 00 00, ou +262 262 00 00 00".into());
            }
            // As the importers write it (and the bundles keep it): `+33545000000`.
            Ok(if national { format!("+33{}", &digits[1..]) } else { format!("+{digits}") })
        }
        Kind::Email => {
            let fits = value.split_once('@').is_some_and(|(user, host)| {
                !user.is_empty() && host.contains('.') && !host.starts_with('.') && !host.ends_with('.')
            }) && !value.contains(char::is_whitespace)
                && value.len() <= 254;
            if !fits {
                return Err("une adresse de courriel, par exemple accueil@mairie-ruffec.fr".into());
            }
            Ok(value.to_owned())
        }
        Kind::Link => {
            let lower = value.to_ascii_lowercase();
            let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
            if !rest.is_some_and(|r| r.contains('.') && !r.starts_with('.')) || value.contains(char::is_whitespace) {
                return Err("une adresse web complète, commençant par https://".into());
            }
            Ok(value.to_owned())
        }
        Kind::PostalCode => {
            if value.len() != 5 || !value.bytes().all(|b| b.is_ascii_digit()) {
                return Err("5 chiffres, par exemple 16700".into());
            }
            Ok(value.to_owned())
        }
        Kind::Latitude | Kind::Longitude => {
            let (low, high, example) =
                if field.kind == Kind::Latitude { (-90.0, 90.0, "46.03") } else { (-180.0, 180.0, "0.20") };
            match value.replace(',', ".").parse::<f64>() {
                Ok(number) if (low..=high).contains(&number) => Ok(format!("{number:.5}")),
                _ => Err(format!("un nombre décimal entre {low} et {high}, par exemple {example}")),
            }
        }
        Kind::Hours => aiguillage_hours::compile(value, checking.today, 14, checking.holidays)
            .map(|_| value.to_owned())
            .map_err(|error| {
                // The parser's own words are English and technical: only where it stopped is kept.
                let text = error.to_string();
                let at = text.split("at character ").nth(1).and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next());
                let place = at.map(|n| format!(" (erreur au caractère {n})")).unwrap_or_default();
                format!("des horaires au format OpenStreetMap, par exemple « Mo-Fr 09:00-12:00,14:00-17:00; PH off »{place}")
            }),
        Kind::Needs | Kind::Modes | Kind::Publics | Kind::Supports => {
            let allowed = choices(field.kind, checking.vocabulary);
            let given: Vec<&str> = value.split(',').map(str::trim).filter(|c| !c.is_empty()).collect();
            if let Some(unknown) = given.iter().find(|c| !allowed.iter().any(|(code, _)| code == *c)) {
                return Err(format!("« {unknown} » n'est pas un code connu"));
            }
            Ok(allowed.iter().filter(|(code, _)| given.contains(&code.as_str())).map(|(c, _)| c.as_str()).collect::<Vec<_>>().join(","))
        }
    }
}

/// The coming week of `hours` as the workspace previews it: one line per day, « lundi 7 : 09:00–12:00 ».
pub fn week_preview(hours: &str, checking: &Checking<'_>) -> Vec<String> {
    const DAYS: [&str; 7] = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"];
    let Ok(schedule) = aiguillage_hours::compile(hours, checking.today, 14, checking.holidays) else {
        return Vec::new();
    };
    (0..7)
        .map(|offset| {
            let date = checking.today.add_days(offset);
            let day = DAYS[date.weekday().index()];
            let spans = schedule.day(date, checking.holidays).unwrap_or_default();
            let said = if spans.is_empty() {
                "fermé".to_owned()
            } else {
                spans
                    .iter()
                    .map(|(from, to)| format!("{:02}:{:02}–{:02}:{:02}", from / 60, from % 60, to / 60, to % 60))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            format!("{day} {} : {said}", date.ymd().2)
        })
        .collect()
}
