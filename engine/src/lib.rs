//! Aiguillage's decision engine: a resident's need and situation plus a directory of local
//! actors give ranked actors, each with its reasons, opening state and next opening.
//!
//! Pure: no I/O, no clock (the instant is a parameter), nothing web. Deterministic. It never
//! panics on data; what cannot be used is reported in the result.
//!
//! No `unsafe` code but one reviewed block ([`compact::CompactStr::as_str`], allowed there).

#![deny(unsafe_code)]

/// Actors and the directory index.
pub mod actor;
/// Text cut at ASCII separators, without the standard library's searchers.
pub mod ascii;
/// The best few of many, in order.
pub mod best;
/// The compact binary bundle the widget loads.
pub mod bundle;
/// Civil dates, local times and French public holidays.
pub mod calendar;
/// Short texts kept inline.
pub mod compact;
/// Coverage of a territory by need: counts and distances per EPCI and commune.
pub mod coverage;
/// Turning an orientation into sentences.
pub mod explain;
/// The resident's answers in the URL fragment (the widget's, and its fuzz target's).
pub mod fragment;
/// Points and distances.
pub mod geo;
/// A stable fingerprint of bytes (FNV-1a).
pub mod fingerprint;
/// Compiled opening hours and their evaluation.
pub mod hours;
/// Text made safe for HTML.
pub mod html;
/// A folder's commune index, split by what is typed.
pub mod index;
/// Text as a JSON string, for JSON written by hand.
pub mod json;
/// Safe links from data (`https:`, `tel:`, `mailto:`).
pub mod links;
/// The orientation itself.
pub mod orient;
/// Ranking weights.
pub mod rules;
/// The shared language of needs and the national fallbacks.
pub mod taxonomy;
/// The commune reference and the commune search.
pub mod territory;
/// Language packs: the words of one language, apart from territory data.
pub mod texts;
/// An orientation as plain values with words (the CLI's JSON, the JS package's result).
pub mod view;
/// Closed vocabularies (autonomy, publics, supports, modes, programmes) and their sets.
pub mod vocab;
/// Everything said to people, as data.
pub mod wording;

pub use actor::{Actor, Directory, Zone};
pub use calendar::{Calendar, Date, Holidays, LocalDateTime, TimeZone};
pub use compact::CompactStr;
pub use orient::{orient, Locality, Note, OrientError, Orientation, Profile, Reason, Recommendation, Territory};
pub use rules::Rules;
pub use taxonomy::{Lang, Taxonomy};
pub use territory::{Commune, Communes};
pub use wording::Wording;
