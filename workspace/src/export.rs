//! The corrections as the project's native TOML (`import/src/native.rs`): one `[[correction]]`
//! per place, its corrected fields written as a `[[lieu]]` writes them, and under `avant` what
//! the sources said when it was corrected, so that the publication can tell a conflict.

use toml::{Table, Value};

use crate::fields::{self, Kind, ADDED, CHECKED, HIDDEN};
use crate::store::{Change, Correction};

/// `corrections` (sorted by place, as the store gives them) as a native TOML file: a
/// `[[correction]]` per place of the sources, a `[[lieu]]` per place added in the workspace (one
/// added then hidden is left out).
pub fn to_toml(corrections: &[Correction], exported_on: &str) -> Result<String, String> {
    let mut out = format!(
        "# Corrections made in the coordinator's workspace, exported on {exported_on}.\n\
         # Read by `aiguillage publish` (a `[[local]]` file) and every command that reads native TOML.\n"
    );
    let mut start = 0;
    while start < corrections.len() {
        let place = &corrections[start].place;
        let end = start + corrections[start..].iter().take_while(|c| &c.place == place).count();
        let rows = &corrections[start..end];
        start = end;
        let added = rows.iter().any(|c| c.field == ADDED);
        if added && rows.iter().any(|c| c.field == HIDDEN) {
            continue;
        }
        let mut table = Table::new();
        table.insert("id".into(), Value::String(place.clone()));
        if !added {
            table.insert("territoire".into(), Value::String(rows[0].territory.clone()));
        }
        let mut before = Table::new();
        for correction in rows.iter().filter(|c| c.field != ADDED) {
            table.insert(correction.field.clone(), value_of(&correction.field, &correction.value));
            if !added && correction.field != HIDDEN && correction.field != CHECKED {
                before.insert(correction.field.clone(), value_of(&correction.field, &correction.source_value));
            }
        }
        if added {
            table.insert("source".into(), Value::String("espace de coordination".into()));
        }
        if !before.is_empty() {
            table.insert("avant".into(), Value::Table(before));
        }
        let mut document = Table::new();
        let kind = if added { "lieu" } else { "correction" };
        document.insert(kind.into(), Value::Array(vec![Value::Table(table)]));
        out.push('\n');
        out.push_str(&toml::to_string(&document).map_err(|e| format!("the corrections of `{place}`: {e}"))?);
    }
    Ok(out)
}

fn value_of(field: &str, value: &str) -> Value {
    match fields::field(field).map(|f| f.kind) {
        Some(Kind::Latitude | Kind::Longitude) => {
            value.parse::<f64>().map_or_else(|_| Value::String(value.into()), Value::Float)
        }
        Some(Kind::Needs | Kind::Modes | Kind::Publics | Kind::Supports) => {
            Value::Array(value.split(',').filter(|c| !c.is_empty()).map(|c| Value::String(c.into())).collect())
        }
        _ => Value::String(value.into()),
    }
}

/// The journal as CSV (`;`-separated, as French spreadsheets open it), newest first. A cell
/// that a spreadsheet would take for a formula is written as text.
pub fn journal_csv(changes: &[Change], time: impl Fn(i64) -> String) -> String {
    let mut writer = csv::WriterBuilder::new().delimiter(b';').from_writer(Vec::new());
    let _ = writer.write_record(["date", "compte", "territoire", "lieu", "champ", "avant", "apres"]);
    for change in changes {
        let record = [
            time(change.at),
            change.account.clone(),
            change.territory.clone(),
            change.place.clone(),
            change.field.clone(),
            change.before.clone(),
            change.after.clone(),
        ];
        let _ = writer.write_record(record.iter().map(|cell| as_text(cell)));
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// `=HYPERLINK(…)` typed in a field must not run in the coordinator's spreadsheet.
fn as_text(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}
