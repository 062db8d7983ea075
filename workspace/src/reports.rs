//! What residents and social workers report of a place (« Signaler une erreur » in the widget,
//! where the host opted in with `data-signalement`): the body checked field by field, as the
//! statistics' beacon is. Nothing that identifies the sender is kept: no address, no
//! identifier, no time of day — the day only.

/// The largest body accepted: 280 characters of text, each up to four bytes, and the rest.
pub const MAX_BYTES: usize = 1_536;
/// Reports kept per place and day, at most.
pub const MAX_PER_PLACE_AND_DAY: i64 = 20;

/// The longest text, in characters.
pub const MAX_TEXT_CHARS: usize = 280;

/// What is wrong, as the widget offers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Closed,
    Hours,
    Phone,
    Address,
    Other,
}

impl Kind {
    pub const ALL: [Kind; 5] = [Kind::Closed, Kind::Hours, Kind::Phone, Kind::Address, Kind::Other];

    /// The code the widget sends.
    pub fn code(self) -> &'static str {
        match self {
            Kind::Closed => "ferme",
            Kind::Hours => "horaires",
            Kind::Phone => "telephone",
            Kind::Address => "adresse",
            Kind::Other => "autre",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Closed => "Fermé",
            Kind::Hours => "Horaires",
            Kind::Phone => "Téléphone",
            Kind::Address => "Adresse",
            Kind::Other => "Autre",
        }
    }

    pub fn from_code(code: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// A report as sent: `{"place": "<id>", "kind": "telephone", "text": "…"}` (`text` may be
/// absent or empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sent {
    pub place: String,
    pub kind: Kind,
    pub text: String,
}

#[derive(Debug, PartialEq, Eq)]
pub enum SentError {
    TooLarge { bytes: usize },
    NotJson,
    Shape(String),
    UnknownKind(String),
    TextTooLong { chars: usize },
    UnknownPlace(String),
}

impl std::fmt::Display for SentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SentError::TooLarge { bytes } => write!(f, "body of {bytes} bytes: at most {MAX_BYTES} expected"),
            SentError::NotJson => write!(f, "not a JSON object"),
            SentError::Shape(why) => write!(f, "{why}: expected exactly {{\"place\", \"kind\", \"text\"}}, strings"),
            SentError::UnknownKind(kind) => {
                write!(f, "kind `{kind}`: expected one of {}", Kind::ALL.map(Kind::code).join(", "))
            }
            SentError::TextTooLong { chars } => write!(f, "text of {chars} characters: at most {MAX_TEXT_CHARS}"),
            SentError::UnknownPlace(id) => write!(f, "no place `{id}` is served here"),
        }
    }
}

impl std::error::Error for SentError {}

/// The body checked; `served` says whether a place id is one of the places served.
pub fn parse(body: &[u8], served: impl Fn(&str) -> bool) -> Result<Sent, SentError> {
    if body.len() > MAX_BYTES {
        return Err(SentError::TooLarge { bytes: body.len() });
    }
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|_| SentError::NotJson)?;
    let object = value.as_object().ok_or(SentError::NotJson)?;
    if let Some(other) = object.keys().find(|k| !["place", "kind", "text"].contains(&k.as_str())) {
        return Err(SentError::Shape(format!("unknown field `{other}`")));
    }
    let text_of = |key: &str| match object.get(key) {
        None => Ok(None),
        Some(serde_json::Value::String(text)) => Ok(Some(text.as_str())),
        Some(_) => Err(SentError::Shape(format!("`{key}` is not a string"))),
    };
    let place = text_of("place")?.ok_or_else(|| SentError::Shape("no `place`".into()))?;
    let kind = text_of("kind")?.ok_or_else(|| SentError::Shape("no `kind`".into()))?;
    let kind = Kind::from_code(kind).ok_or_else(|| SentError::UnknownKind(kind.to_owned()))?;
    let text = text_of("text")?.unwrap_or_default().trim();
    let chars = text.chars().count();
    if chars > MAX_TEXT_CHARS {
        return Err(SentError::TextTooLong { chars });
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(SentError::Shape("a control character in `text`".into()));
    }
    if !served(place) {
        return Err(SentError::UnknownPlace(place.chars().take(80).collect()));
    }
    Ok(Sent { place: place.to_owned(), kind, text: text.to_owned() })
}
