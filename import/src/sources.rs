//! Reading a data file whatever its format, into actors and a report.

use std::path::Path;

use aiguillage_engine::Actor;

use crate::diagnostic::Report;
use crate::mediation::{self, Context};
use crate::records::{read_csv, read_json};

/// The formats a coordinator may give.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// "Lieux de médiation numérique", CSV (any version).
    MediationCsv,
    /// "Lieux de médiation numérique", JSON array (any version).
    MediationJson,
}

impl Format {
    pub fn from_name(name: &str) -> Option<Format> {
        match name {
            "mediation-csv" => Some(Format::MediationCsv),
            "mediation-json" => Some(Format::MediationJson),
            _ => None,
        }
    }

    pub const NAMES: &'static str = "mediation-csv, mediation-json";

    /// Detected from the file's name and first non-blank character.
    pub fn detect(path: &Path, text: &str) -> Option<Format> {
        let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        match (extension.as_deref(), text.trim_start().chars().next()) {
            (_, Some('[')) => Some(Format::MediationJson),
            (Some("json"), _) => Some(Format::MediationJson),
            (Some("csv"), _) => Some(Format::MediationCsv),
            _ => None,
        }
    }
}

/// Reads a file's bytes: UTF-8 (a BOM is removed), or Windows-1252 when it is not UTF-8 (said).
pub fn decode_text(bytes: &[u8], report: &mut Report) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(error) => {
            let line = bytes[..error.valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1;
            report.warning(
                line,
                "(file)",
                "not UTF-8: read as Windows-1252 (save the file as UTF-8 to be sure of accents)",
            );
            bytes.iter().map(|b| windows_1252(*b)).collect()
        }
    }
}

fn windows_1252(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}', '\u{90}', '‘',
        '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
    ];
    match byte {
        0x80..=0x9f => HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

/// Imports one file: the usable actors, and the report of what was not.
pub fn import(path: &Path, bytes: &[u8], format: Option<Format>, context: &Context<'_>) -> (Vec<Actor>, Report) {
    let mut report = Report::new(path.display().to_string());
    let text = decode_text(bytes, &mut report);
    if text.trim().is_empty() {
        report.error(1, "(file)", "empty file: expected a CSV header or a JSON array");
        return (Vec::new(), report);
    }
    let Some(format) = format.or_else(|| Format::detect(path, &text)) else {
        report.error(1, "(file)", format!("unknown format: name it with --format ({})", Format::NAMES));
        return (Vec::new(), report);
    };
    let records = match format {
        Format::MediationCsv => read_csv(&text, &mut report),
        Format::MediationJson => read_json(&text, &mut report),
    };
    if records.is_empty() && !report.has_errors() {
        report.error(1, "(file)", "no rows: the file has a header or an empty list only");
    }
    let actors = mediation::map_records(&records, context, &mut report);
    (actors, report)
}
