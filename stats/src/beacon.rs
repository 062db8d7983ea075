//! What a widget's beacon may say, checked field by field. A beacon is the body the widget sends
//! with `navigator.sendBeacon` when an orientation is shown on a page that opted in
//! (`data-stats`): exactly
//! `{"need": CODE, "commune": INSEE, "results": N, "nearest_km": NUMBER|null, "lang": "fr", "mode": "resident"}`.
//! Anything else is refused, so that nothing but these closed values can reach the counters.

use std::fmt;

use serde_json::{Map, Value};

/// The largest body read; a real beacon is about 110 bytes.
pub const MAX_BYTES: usize = 1024;
/// No widget shows more places than this; a larger count is not one of ours.
const MAX_RESULTS: u64 = 100;
/// Farther than anything in France, overseas included, from a commune's own département.
const MAX_NEAREST_KM: f64 = 2_000.0;
const FIELDS: [&str; 6] = ["need", "commune", "results", "nearest_km", "lang", "mode"];

/// The widget's languages (its language packs' codes).
pub const LANGS: [&str; 3] = ["fr", "fr-falc", "en"];
/// The widget's modes.
pub const MODES: [&str; 2] = ["resident", "desk"];

/// A checked beacon: every text is one of the served codes.
#[derive(Clone, Debug, PartialEq)]
pub struct Beacon {
    pub need: String,
    pub commune: String,
    pub results: u32,
    pub nearest_km: Option<f64>,
    pub lang: &'static str,
    pub mode: &'static str,
}

/// What is served, for the checks: is this a need of the taxonomy, a commune of a served
/// territory?
pub trait Served {
    fn has_need(&self, code: &str) -> bool;
    fn has_commune(&self, insee: &str) -> bool;
}

#[derive(Clone, Debug, PartialEq)]
pub enum BeaconError {
    TooLarge { bytes: usize },
    NotJson(String),
    NotAnObject,
    MissingField(&'static str),
    UnknownField(String),
    WrongType { field: &'static str, expected: &'static str },
    UnknownNeed(String),
    UnknownCommune(String),
    OutOfRange { field: &'static str, expected: &'static str },
}

impl fmt::Display for BeaconError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BeaconError::TooLarge { bytes } => write!(f, "body of {bytes} bytes: at most {MAX_BYTES} expected"),
            BeaconError::NotJson(error) => write!(f, "not JSON: {error}"),
            BeaconError::NotAnObject => write!(f, "expected a JSON object"),
            BeaconError::MissingField(field) => write!(f, "field `{field}` is missing"),
            BeaconError::UnknownField(field) => {
                write!(f, "unexpected field `{}`: only {} are expected", short(field), FIELDS.join(", "))
            }
            BeaconError::WrongType { field, expected } => write!(f, "field `{field}`: expected {expected}"),
            BeaconError::UnknownNeed(code) => {
                write!(f, "field `need`: `{}` is not a need of the taxonomy", short(code))
            }
            BeaconError::UnknownCommune(code) => {
                write!(f, "field `commune`: `{}` is not a commune of a served territory", short(code))
            }
            BeaconError::OutOfRange { field, expected } => write!(f, "field `{field}`: expected {expected}"),
        }
    }
}

impl std::error::Error for BeaconError {}

/// The first characters of a refused value: an error message never echoes a whole body.
fn short(text: &str) -> String {
    let mut cut: String = text.chars().take(40).filter(|c| !c.is_control()).collect();
    if text.chars().count() > 40 {
        cut.push('…');
    }
    cut
}

/// Reads and checks one beacon body.
pub fn parse(body: &[u8], served: &impl Served) -> Result<Beacon, BeaconError> {
    if body.len() > MAX_BYTES {
        return Err(BeaconError::TooLarge { bytes: body.len() });
    }
    let value: Value = serde_json::from_slice(body).map_err(|e| BeaconError::NotJson(e.to_string()))?;
    let Value::Object(object) = value else { return Err(BeaconError::NotAnObject) };
    if let Some(unknown) = object.keys().find(|key| !FIELDS.contains(&key.as_str())) {
        return Err(BeaconError::UnknownField(unknown.clone()));
    }
    let need = text(&object, "need")?;
    if !served.has_need(need) {
        return Err(BeaconError::UnknownNeed(need.to_owned()));
    }
    let commune = text(&object, "commune")?;
    if !served.has_commune(commune) {
        return Err(BeaconError::UnknownCommune(commune.to_owned()));
    }
    let results = match field(&object, "results")? {
        Value::Number(n) => {
            n.as_u64().ok_or(BeaconError::WrongType { field: "results", expected: "a whole number" })?
        }
        _ => return Err(BeaconError::WrongType { field: "results", expected: "a whole number" }),
    };
    if results > MAX_RESULTS {
        return Err(BeaconError::OutOfRange { field: "results", expected: "at most 100" });
    }
    let nearest_km = match field(&object, "nearest_km")? {
        Value::Null => None,
        Value::Number(n) => {
            let km = n.as_f64().filter(|km| (0.0..=MAX_NEAREST_KM).contains(km));
            Some(km.ok_or(BeaconError::OutOfRange { field: "nearest_km", expected: "a distance from 0 to 2000 km" })?)
        }
        _ => return Err(BeaconError::WrongType { field: "nearest_km", expected: "a number or null" }),
    };
    let lang = one_of(&object, "lang", &LANGS, "fr, fr-falc or en")?;
    let mode = one_of(&object, "mode", &MODES, "resident or desk")?;
    Ok(Beacon { need: need.to_owned(), commune: commune.to_owned(), results: results as u32, nearest_km, lang, mode })
}

fn field<'a>(object: &'a Map<String, Value>, name: &'static str) -> Result<&'a Value, BeaconError> {
    object.get(name).ok_or(BeaconError::MissingField(name))
}

fn text<'a>(object: &'a Map<String, Value>, name: &'static str) -> Result<&'a str, BeaconError> {
    field(object, name)?.as_str().ok_or(BeaconError::WrongType { field: name, expected: "a string" })
}

fn one_of(
    object: &Map<String, Value>,
    name: &'static str,
    allowed: &[&'static str],
    expected: &'static str,
) -> Result<&'static str, BeaconError> {
    let value = text(object, name)?;
    allowed.iter().copied().find(|code| *code == value).ok_or(BeaconError::OutOfRange { field: name, expected })
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Charente;
    impl Served for Charente {
        fn has_need(&self, code: &str) -> bool {
            ["demarches", "demarches-caf", "emploi"].contains(&code)
        }
        fn has_commune(&self, insee: &str) -> bool {
            ["16292", "16015"].contains(&insee)
        }
    }

    const GOOD: &str =
        r#"{"need":"demarches-caf","commune":"16292","results":5,"nearest_km":1.2,"lang":"fr","mode":"resident"}"#;

    fn with(field: &str, value: &str) -> String {
        let mut object: Map<String, Value> = serde_json::from_str(GOOD).unwrap();
        object.insert(field.into(), serde_json::from_str(value).unwrap());
        Value::Object(object).to_string()
    }

    fn without(field: &str) -> String {
        let mut object: Map<String, Value> = serde_json::from_str(GOOD).unwrap();
        object.remove(field);
        Value::Object(object).to_string()
    }

    #[test]
    fn the_widgets_beacon_is_read() {
        let beacon = parse(GOOD.as_bytes(), &Charente).unwrap();
        assert_eq!(
            beacon,
            Beacon {
                need: "demarches-caf".into(),
                commune: "16292".into(),
                results: 5,
                nearest_km: Some(1.2),
                lang: "fr",
                mode: "resident"
            }
        );
        let none_near = parse(with("nearest_km", "null").as_bytes(), &Charente).unwrap();
        assert_eq!(none_near.nearest_km, None);
        assert_eq!(parse(with("mode", "\"desk\"").as_bytes(), &Charente).unwrap().mode, "desk");
    }

    #[test]
    fn anything_else_is_refused_with_its_reason() {
        let cases: Vec<(String, BeaconError)> = vec![
            (GOOD[..40].to_owned(), BeaconError::NotJson(String::new())),
            ("[1,2]".into(), BeaconError::NotAnObject),
            (with("need", "\"<script>alert(1)</script>\""), BeaconError::UnknownNeed(String::new())),
            (with("need", "\"inconnu\""), BeaconError::UnknownNeed(String::new())),
            (with("commune", "\"75056\""), BeaconError::UnknownCommune(String::new())),
            (with("commune", "16292"), BeaconError::WrongType { field: "commune", expected: "" }),
            (with("results", "-1"), BeaconError::WrongType { field: "results", expected: "" }),
            (with("results", "2.5"), BeaconError::WrongType { field: "results", expected: "" }),
            (with("results", "101"), BeaconError::OutOfRange { field: "results", expected: "" }),
            (with("nearest_km", "-3"), BeaconError::OutOfRange { field: "nearest_km", expected: "" }),
            (with("nearest_km", "\"near\""), BeaconError::WrongType { field: "nearest_km", expected: "" }),
            (with("lang", "\"de\""), BeaconError::OutOfRange { field: "lang", expected: "" }),
            (with("mode", "\"<b>desk</b>\""), BeaconError::OutOfRange { field: "mode", expected: "" }),
            (with("ip", "\"1.2.3.4\""), BeaconError::UnknownField(String::new())),
            (without("nearest_km"), BeaconError::MissingField("nearest_km")),
            (without("lang"), BeaconError::MissingField("lang")),
            (format!("{GOOD}{}", " ".repeat(MAX_BYTES)), BeaconError::TooLarge { bytes: 0 }),
        ];
        for (body, expected) in cases {
            let error = parse(body.as_bytes(), &Charente).expect_err(&body);
            assert_eq!(std::mem::discriminant(&error), std::mem::discriminant(&expected), "{body}: {error}");
            if let (BeaconError::WrongType { field, .. } | BeaconError::OutOfRange { field, .. }, Some(wanted)) = (
                &error,
                match &expected {
                    BeaconError::WrongType { field, .. } | BeaconError::OutOfRange { field, .. } => Some(field),
                    _ => None,
                },
            ) {
                assert_eq!(field, wanted, "{body}");
            }
        }
    }

    #[test]
    fn a_refusal_never_echoes_a_whole_value() {
        let long = format!("\"{}\"", "x".repeat(500));
        let message = parse(with("need", &long).as_bytes(), &Charente).unwrap_err().to_string();
        assert!(message.len() < 120, "{message}");
    }
}
