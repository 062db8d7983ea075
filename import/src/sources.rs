//! Reading data files whatever their format, into actors and a report per file.
//!
//! Formats and how they are recognised when not named (`--format`):
//!
//! | format | name | recognised by |
//! |---|---|---|
//! | native TOML ([`crate::native`]) | `native-toml` | `.toml` extension, or a line `[[lieu]]` |
//! | data·inclusion v1 JSON ([`crate::data_inclusion`]) | `data-inclusion-json` | a JSON object (`{"structures": …, "services": …}`), or a JSON array with data·inclusion keys (`thematiques`, `structure_id`, `modes_accueil`, `zone_eligibilite`, `reseaux_porteurs`, `horaires_accueil`, `siret`, …) and no `services` or `pivot` key |
//! | médiation numérique JSON ([`crate::mediation`]) | `mediation-json` | any other JSON array (they carry `services` and `pivot`) |
//! | Annuaire de l'administration JSON ([`crate::annuaire`]) | `annuaire-json` | `type_service_local` in the first records (the file and the API's responses) |
//! | Annuaire de l'administration 2019 CSV extract | `annuaire-csv` | a header with `#id` and `tag_string` |
//! | France Services list CSV ([`crate::france_services`]) | `france-services-csv` | a header with `id_fs` and `lib_fs` |
//! | médiation numérique CSV | `mediation-csv` | `.csv` extension, or a first line with `,` or `;` |

use std::path::Path;

use aiguillage_engine::calendar::Date;

use crate::data_inclusion;
use crate::diagnostic::Report;
use crate::fields;
use crate::mediation;
use crate::native;
use crate::records::{read_csv, read_json, Record};
use crate::{annuaire, france_services, public_services};
use crate::{Context, Entry, Imported};

/// The formats a coordinator may give.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// "Lieux de médiation numérique", CSV (any version).
    MediationCsv,
    /// "Lieux de médiation numérique", JSON array (any version).
    MediationJson,
    /// data·inclusion v1 structures and services (v0 fields read where they map).
    DataInclusionJson,
    /// Aiguillage's own TOML for local actors absent from national data.
    NativeToml,
    /// The national list of France Services sites (ANCT), CSV.
    FranceServicesCsv,
    /// The Annuaire de l'administration (service-public.fr): the data.gouv.fr file or the API.
    AnnuaireJson,
    /// The Annuaire de l'administration's 2019 CSV extract.
    AnnuaireCsv,
}

/// Keys only data·inclusion records have (v1, and v0 for the last four).
const DATA_INCLUSION_KEYS: &[&str] = &[
    "thematiques",
    "structure_id",
    "modes_accueil",
    "zone_eligibilite",
    "reseaux_porteurs",
    "horaires_accueil",
    "siret",
    "lien_source",
    "profils",
    "zone_diffusion_type",
    "horaires_ouverture",
];

/// Keys only the Annuaire de l'administration's records have (the data.gouv.fr file and the
/// API alike), present even when their value is `null`.
const ANNUAIRE_KEYS: &[&str] =
    &["plage_ouverture", "url_service_public", "itm_identifiant", "ancien_code_pivot", "statut_de_diffusion"];

/// Keys of the médiation numérique standard that data·inclusion records never have.
const MEDIATION_KEYS: &[&str] = &["services", "pivot"];

/// How much of a file the detection reads: enough for the first records.
const SNIFF_BYTES: usize = 200_000;

impl Format {
    pub fn from_name(name: &str) -> Option<Format> {
        match name {
            "mediation-csv" => Some(Format::MediationCsv),
            "mediation-json" => Some(Format::MediationJson),
            "data-inclusion-json" => Some(Format::DataInclusionJson),
            "native-toml" => Some(Format::NativeToml),
            "france-services-csv" => Some(Format::FranceServicesCsv),
            "annuaire-json" => Some(Format::AnnuaireJson),
            "annuaire-csv" => Some(Format::AnnuaireCsv),
            _ => None,
        }
    }

    pub const NAMES: &'static str =
        "mediation-csv, mediation-json, data-inclusion-json, native-toml, france-services-csv, annuaire-json, annuaire-csv";

    /// Detected from the file's name and content (see the module documentation).
    pub fn detect(path: &Path, text: &str) -> Option<Format> {
        let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        if extension.as_deref() == Some("toml")
            || text.lines().any(|l| l.trim() == "[[lieu]]" || l.trim() == "[[correction]]")
        {
            return Some(Format::NativeToml);
        }
        let head = prefix(text, SNIFF_BYTES);
        let header: Vec<&str> =
            head.lines().next().unwrap_or("").split([',', ';']).map(|c| c.trim().trim_matches('"')).collect();
        if crate::france_services::SIGNATURE.iter().all(|c| header.contains(c)) {
            return Some(Format::FranceServicesCsv);
        }
        if header.contains(&"#id") && header.contains(&"tag_string") {
            return Some(Format::AnnuaireCsv);
        }
        // In the API's responses the key is inside JSON text (`\"type_service_local\"`); a record
        // whose pivot is empty still has the Annuaire's own keys, whichever fields are filled.
        let annuaire = head.contains("type_service_local") || ANNUAIRE_KEYS.iter().any(|k| has_key(head, k));
        if matches!(text.trim_start().chars().next(), Some('{' | '[')) && annuaire {
            return Some(Format::AnnuaireJson);
        }
        match (text.trim_start().chars().next(), extension.as_deref()) {
            (Some('{'), _) => Some(Format::DataInclusionJson),
            (Some('['), _) => {
                let mediation = MEDIATION_KEYS.iter().any(|k| has_key(head, k));
                let inclusion = DATA_INCLUSION_KEYS.iter().any(|k| has_key(head, k));
                Some(if inclusion && !mediation { Format::DataInclusionJson } else { Format::MediationJson })
            }
            // Not JSON-looking, but named so: the JSON reader will say where it breaks.
            (_, Some("json")) => Some(Format::MediationJson),
            (_, Some("csv")) => Some(Format::MediationCsv),
            _ if head.lines().next().is_some_and(|l| l.contains(',') || l.contains(';')) => Some(Format::MediationCsv),
            _ => None,
        }
    }
}

/// The first `max` bytes of a text, cut at a character boundary.
fn prefix(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Whether `"key"` appears as an object key (followed by `:`).
fn has_key(text: &str, key: &str) -> bool {
    let quoted = format!("\"{key}\"");
    text.match_indices(&quoted).any(|(at, _)| text[at + quoted.len()..].trim_start().starts_with(':'))
}

/// Reads a file's bytes: UTF-8 (a BOM is removed), or Windows-1252 when it is not UTF-8 (said).
/// Line ends become `\n` whatever wrote the file (CRLF from Excel, LibreOffice and Python's csv
/// module, CR alone from old Mac programs), so that every reader counts lines alike.
pub fn decode_text(bytes: &[u8], report: &mut Report) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(error) => {
            let line = line_of_offset(bytes, error.valid_up_to());
            report.warning(
                line,
                "(file)",
                "not UTF-8: read as Windows-1252 (save the file as UTF-8 to be sure of accents)",
            );
            bytes.iter().map(|b| windows_1252(*b)).collect()
        }
    };
    unix_line_ends(text)
}

/// The line (from 1) of a byte offset, counting CRLF, CR and LF each as one line end.
fn line_of_offset(bytes: &[u8], offset: usize) -> usize {
    let before = &bytes[..offset];
    let ends = before
        .iter()
        .enumerate()
        .filter(|&(at, b)| *b == b'\n' || (*b == b'\r' && before.get(at + 1) != Some(&b'\n')))
        .count();
    ends + 1
}

/// CRLF and a lone CR become LF.
fn unix_line_ends(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
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

/// A file as given: its name for messages, and its bytes.
#[derive(Clone, Copy)]
pub struct Input<'a> {
    pub path: &'a Path,
    pub bytes: &'a [u8],
    /// The day its publisher dated the file, when its name is not that (a download kept under
    /// the day it was made): lists without a date per row (France Services, the Annuaire's
    /// extract) date their rows with it instead of the date in the name.
    pub published: Option<Date>,
}

/// A file read into records, before mapping.
enum Parsed {
    Nothing,
    Mediation(Vec<Record>),
    DataInclusion(data_inclusion::DiFile),
    Native(native::Native),
    PublicServices(Vec<Record>),
}

/// Imports one file.
pub fn import(path: &Path, bytes: &[u8], format: Option<Format>, context: &Context<'_>) -> Imported {
    let mut all = import_all(&[Input { path, bytes, published: None }], format, context);
    all.pop().unwrap_or_else(|| Imported {
        entries: Vec::new(),
        report: Report::new(path.display().to_string()),
        corrections: Vec::new(),
    })
}

/// Imports files together, one [`Imported`] per input in the same order. data·inclusion services
/// find their structure in any of the files (structures and services often come apart).
pub fn import_all(inputs: &[Input<'_>], format: Option<Format>, context: &Context<'_>) -> Vec<Imported> {
    import_each(inputs, &vec![format; inputs.len()], context)
}

/// Imports files together as [`import_all`] does, each with its own format (`None`: detected):
/// sources of several kinds published at once.
pub fn import_each(inputs: &[Input<'_>], formats: &[Option<Format>], context: &Context<'_>) -> Vec<Imported> {
    let mut reports: Vec<Report> = Vec::with_capacity(inputs.len());
    let mut parsed: Vec<Parsed> = Vec::with_capacity(inputs.len());
    for (index, input) in inputs.iter().enumerate() {
        let mut report = Report::new(input.path.display().to_string());
        parsed.push(parse(input, formats.get(index).copied().flatten(), &mut report));
        reports.push(report);
    }
    let mut entries: Vec<Vec<Entry>> = vec![Vec::new(); inputs.len()];
    let mut corrections: Vec<Vec<crate::corrections::Correction>> = vec![Vec::new(); inputs.len()];
    let mut inclusion_files = Vec::new();
    let mut inclusion_reports = Vec::new();
    for (index, (parsed, report)) in parsed.iter_mut().zip(reports.iter_mut()).enumerate() {
        match parsed {
            Parsed::Nothing => {}
            Parsed::Mediation(records) => entries[index] = mediation::map_records(records, context, report),
            Parsed::Native(native) => {
                entries[index] = native::map_records(&native.places, context, report);
                let records = std::mem::take(&mut native.corrections);
                corrections[index] = crate::corrections::read(&report.file.clone(), records, report);
            }
            Parsed::PublicServices(records) => entries[index] = public_services::map_records(records, context, report),
            Parsed::DataInclusion(file) => {
                inclusion_files.push((index, file));
                inclusion_reports.push(report);
            }
        }
    }
    let files: Vec<&data_inclusion::DiFile> = inclusion_files.iter().map(|(_, f)| &**f).collect();
    let mapped = data_inclusion::map_files(&files, &mut inclusion_reports, context);
    for ((index, _), file_entries) in inclusion_files.iter().zip(mapped) {
        entries[*index] = file_entries;
    }
    entries
        .into_iter()
        .zip(reports)
        .zip(corrections)
        .map(|((mut entries, mut report), corrections)| {
            cut_long_names(&mut entries, &mut report);
            Imported { entries, report, corrections }
        })
        .collect()
}

/// Longest name kept whole, in characters: beyond, it is not a name (a pasted text, a file) and
/// would fill the resident's screen.
const MAX_NAME_CHARS: usize = 150;

fn cut_long_names(entries: &mut [Entry], report: &mut Report) {
    for entry in entries {
        let name = &mut entry.actor.name;
        if let Some((cut, _)) = name.char_indices().nth(MAX_NAME_CHARS) {
            let total = name.chars().count();
            name.truncate(cut);
            name.push('…');
            report.warning(
                entry.line,
                "nom",
                format!(
                    "a name of {total} characters, cut to its first {MAX_NAME_CHARS}: expected the name of the place"
                ),
            );
        }
    }
}

fn parse(input: &Input<'_>, format: Option<Format>, report: &mut Report) -> Parsed {
    let text = decode_text(input.bytes, report);
    if text.trim().is_empty() {
        report.error(1, "(file)", "empty file: expected a CSV header, a JSON array or object, or [[lieu]] tables");
        return Parsed::Nothing;
    }
    let Some(format) = format.or_else(|| Format::detect(input.path, &text)) else {
        report.error(1, "(file)", format!("unknown format: name it with --format ({})", Format::NAMES));
        return Parsed::Nothing;
    };
    let mut parsed = match format {
        Format::MediationCsv => {
            let records = read_csv(&text, report);
            if mediation::check_columns(&records, report) {
                Parsed::Mediation(records)
            } else {
                return Parsed::Nothing;
            }
        }
        Format::MediationJson => Parsed::Mediation(read_json(&text, report)),
        Format::DataInclusionJson => Parsed::DataInclusion(data_inclusion::read(&text, report)),
        Format::NativeToml => Parsed::Native(native::read(&text, report)),
        Format::FranceServicesCsv => Parsed::PublicServices(france_services::read(&text, input.published, report)),
        Format::AnnuaireJson => Parsed::PublicServices(annuaire::read_json(&text, report)),
        Format::AnnuaireCsv => Parsed::PublicServices(annuaire::read_csv_extract(&text, input.published, report)),
    };
    match &mut parsed {
        Parsed::Mediation(records) | Parsed::PublicServices(records) => fields::remove_bidi_controls(records, report),
        Parsed::Native(native) => {
            fields::remove_bidi_controls(&mut native.places, report);
            fields::remove_bidi_controls(&mut native.corrections, report);
        }
        Parsed::DataInclusion(file) => {
            fields::remove_bidi_controls(&mut file.structures, report);
            fields::remove_bidi_controls(&mut file.services, report);
        }
        Parsed::Nothing => {}
    }
    let empty = match &parsed {
        Parsed::Mediation(records) | Parsed::PublicServices(records) => records.is_empty(),
        Parsed::Native(native) => native.places.is_empty() && native.corrections.is_empty(),
        Parsed::DataInclusion(file) => file.is_empty(),
        Parsed::Nothing => true,
    };
    if empty && !report.has_errors() {
        let what = match format {
            Format::MediationCsv | Format::MediationJson => "no rows: the file has a header or an empty list only",
            Format::DataInclusionJson => "no structures and no services: the lists are empty",
            Format::NativeToml => {
                "no place and no correction: each place starts with a line [[lieu]], each correction with [[correction]]"
            }
            Format::FranceServicesCsv | Format::AnnuaireCsv => "no rows: the file has a header only",
            Format::AnnuaireJson => "no organisation: the list is empty",
        };
        // A coordinator's own file may have nothing yet (the workspace's corrections before the
        // first one): said, not an error.
        if format == Format::NativeToml {
            report.warning(1, "(file)", what);
        } else {
            report.error(1, "(file)", what);
        }
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection_reads_content_before_names() {
        let detect = |name: &str, text: &str| Format::detect(Path::new(name), text);
        assert_eq!(detect("a.json", "[{\"id\": \"1\", \"services\": \"x\"}]"), Some(Format::MediationJson));
        assert_eq!(detect("a.json", "[{\"id\": \"1\", \"thematiques\": []}]"), Some(Format::DataInclusionJson));
        assert_eq!(detect("a.json", "[{\"id\": \"1\", \"siret\" : \"1\"}]"), Some(Format::DataInclusionJson));
        assert_eq!(detect("a", "{\"structures\": [], \"services\": []}"), Some(Format::DataInclusionJson));
        // A value that merely contains a key name is not a key.
        assert_eq!(
            detect("a", "[{\"nom\": \"\\\"thematiques\\\" x\", \"pivot\": \"1\"}]"),
            Some(Format::MediationJson)
        );
        assert_eq!(detect("lieux.toml", "# rien"), Some(Format::NativeToml));
        assert_eq!(detect("lieux.txt", "# x\n[[lieu]]\nnom = \"a\""), Some(Format::NativeToml));
        assert_eq!(detect("export", "id;nom;services\n"), Some(Format::MediationCsv));
        assert_eq!(detect("export", "bonjour"), None);
        // The Annuaire's records, whatever their first one holds: no pivot, null hours, one object.
        let no_pivot = r#"{"total_count": 2, "results": [{"id": "x", "nom": "DDFIP", "pivot": null, "plage_ouverture": null, "adresse": null}]}"#;
        assert_eq!(detect("records", no_pivot), Some(Format::AnnuaireJson));
        assert_eq!(
            detect("one.json", r#"{"id": "x", "nom": "a", "url_service_public": "https://x"}"#),
            Some(Format::AnnuaireJson)
        );
    }

    #[test]
    fn format_names_round_trip() {
        for name in Format::NAMES.split(", ") {
            assert!(Format::from_name(name).is_some(), "{name}");
        }
        assert_eq!(Format::from_name("csv"), None);
    }

    #[test]
    fn every_line_end_reads_as_one_line() {
        let mut report = Report::new("t.csv");
        for bytes in [&b"a\nb\nc"[..], b"a\r\nb\r\nc", b"a\rb\rc", b"\xEF\xBB\xBFa\r\nb\rc"] {
            assert_eq!(decode_text(bytes, &mut report), "a\nb\nc", "{bytes:?}");
        }
        assert!(report.diagnostics.is_empty());
        // Not UTF-8 on line 3, whichever line ends came before it.
        for bytes in [&b"a\nb\n\xE9"[..], b"a\r\nb\r\n\xE9", b"a\rb\r\xE9", b"a\r\nb\r\xE9"] {
            let mut report = Report::new("t.csv");
            assert_eq!(decode_text(bytes, &mut report), "a\nb\n\u{e9}");
            assert_eq!(report.diagnostics[0].line, 3, "{bytes:?}");
        }
    }
}
