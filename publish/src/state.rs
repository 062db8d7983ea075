//! What publishing remembers between runs, in `state_dir`: every download as a snapshot
//! (`snapshots/<source>/<date>-<hash>.<ext>`, with its response headers beside it, never
//! overwritten), and each source's state (`sources.json`): its validators, its last good
//! snapshot and the fields it had, its last success and its last error.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::fetch::Validators;

/// One source's memory.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceState {
    #[serde(default)]
    pub validators: Validators,
    /// The last snapshot that could be used, relative to `state_dir`.
    pub snapshot: Option<String>,
    /// Its SHA-256, hex.
    pub snapshot_hash: Option<String>,
    /// The day the publisher dated that snapshot (`YYYY-MM-DD`): its Last-Modified, or the date
    /// in a file's name.
    pub published: Option<String>,
    /// The columns (CSV) or record keys (JSON) it had: one that disappears is a renamed field.
    #[serde(default)]
    pub fields: Vec<String>,
    /// Unix seconds of the last download that could be used (or was unchanged).
    pub last_success: Option<i64>,
    /// Unix seconds of the last download whose content changed.
    pub last_change: Option<i64>,
    pub last_error: Option<String>,
    /// Unix seconds of the first failure since the last success.
    pub failing_since: Option<i64>,
    /// The source's `refresh`, in seconds, so that the server can tell a late one.
    pub refresh_seconds: Option<u64>,
}

/// Every source's memory, by name.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SourcesState {
    pub sources: BTreeMap<String, SourceState>,
}

pub const SOURCES_FILE: &str = "sources.json";

impl SourcesState {
    /// The state in `state_dir`; none yet on a first run. A file that cannot be read is an
    /// error, never a silent new start (it would download everything and forget the last good
    /// snapshots).
    pub fn load(state_dir: &Path) -> Result<SourcesState, String> {
        let path = state_dir.join(SOURCES_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                format!(
                    "{}: cannot be read ({e}): restore it from a backup or remove it to start again",
                    path.display()
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(SourcesState::default()),
            Err(e) => Err(format!("{}: cannot be read: {e}", path.display())),
        }
    }

    pub fn save(&self, state_dir: &Path) -> Result<(), String> {
        let text = serde_json::to_vec_pretty(self).map_err(|e| e.to_string())?;
        write_atomically(&state_dir.join(SOURCES_FILE), &text)
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Where a download is kept: `snapshots/<source>/<date>-<hash>.<ext>` (relative to `state_dir`).
pub fn snapshot_name(source: &str, date: &str, hash: &str, extension: &str) -> String {
    format!("snapshots/{source}/{date}-{}.{extension}", &hash[..16.min(hash.len())])
}

/// Keeps a download and its response headers. The same content on the same day has the same
/// name and is not written twice; nothing is ever overwritten.
pub fn keep_snapshot(state_dir: &Path, name: &str, bytes: &[u8], headers: &serde_json::Value) -> Result<(), String> {
    let path = state_dir.join(name);
    if path.exists() {
        return Ok(());
    }
    let mut header_path = path.clone().into_os_string();
    header_path.push(".headers.json");
    let headers = serde_json::to_vec_pretty(headers).map_err(|e| e.to_string())?;
    write_atomically(Path::new(&header_path), &headers)?;
    write_atomically(&path, bytes)
}

/// Removes the oldest snapshots of a source beyond `keep`, never `protected` (the last good one).
pub fn prune_snapshots(state_dir: &Path, source: &str, keep: usize, protected: Option<&str>) {
    let folder = state_dir.join("snapshots").join(source);
    let Ok(entries) = std::fs::read_dir(&folder) else { return };
    let mut snapshots: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| !p.to_string_lossy().ends_with(".headers.json") && !p.to_string_lossy().contains(".tmp-"))
        .collect();
    snapshots.sort();
    let excess = snapshots.len().saturating_sub(keep);
    for path in snapshots.into_iter().take(excess) {
        if protected.is_some_and(|p| state_dir.join(p) == path) {
            continue;
        }
        let mut header_path = path.clone().into_os_string();
        header_path.push(".headers.json");
        let _ = std::fs::remove_file(&path);
        let _ = std::fs::remove_file(header_path);
    }
}

/// Writes beside, flushes to disk, then renames into place: a reader (or a crash) sees the old
/// file or the new one, never half of one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let parent = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(format!(".tmp-{}", std::process::id()));
    let temporary = PathBuf::from(temporary);
    let write = || -> std::io::Result<()> {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)?;
        sync_folder(parent)
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        format!("cannot write {}: {e}", path.display())
    })
}

/// Makes a folder's entries (files created or renamed in it) durable.
pub fn sync_folder(folder: &Path) -> std::io::Result<()> {
    std::fs::File::open(folder)?.sync_all()
}

/// The fields of a download: a CSV's columns, or the keys of a JSON file's records (the union,
/// so that a record with fewer keys does not count as a rename). `None` when the shape is not
/// recognised (the importer will say why).
pub fn fields_of(bytes: &[u8]) -> Option<Vec<String>> {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    let mut fields: Vec<String> = if text.starts_with(['[', '{']) {
        let value: serde_json::Value = serde_json::from_str(text).ok()?;
        let records: Vec<&serde_json::Value> = match &value {
            serde_json::Value::Array(items) => items.iter().collect(),
            serde_json::Value::Object(object) => ["results", "items", "service", "structures", "services"]
                .iter()
                .filter_map(|key| object.get(*key).and_then(|v| v.as_array()))
                .flatten()
                .collect(),
            _ => return None,
        };
        let mut keys: Vec<String> =
            records.iter().filter_map(|r| r.as_object()).flat_map(|o| o.keys().cloned()).collect();
        keys.sort();
        keys.dedup();
        keys
    } else if text.starts_with("[[lieu]]") || text.contains("\n[[lieu]]") {
        return None;
    } else {
        let header = text.lines().next()?;
        let delimiter = if header.matches(';').count() > header.matches(',').count() { b';' } else { b',' };
        let mut reader =
            csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).from_reader(header.as_bytes());
        let record = reader.records().next()?.ok()?;
        record.iter().map(|f| f.trim().to_string()).filter(|f| !f.is_empty()).collect()
    };
    fields.sort();
    fields.dedup();
    Some(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_columns_or_record_keys() {
        assert_eq!(fields_of(b"\xEF\xBB\xBFid;nom;horaires\n1;a;b").unwrap(), ["horaires", "id", "nom"]);
        assert_eq!(fields_of(b"id,nom\n").unwrap(), ["id", "nom"]);
        assert_eq!(
            fields_of(br#"[{"id": 1, "nom": "a"}, {"id": 2, "adresse": null}]"#).unwrap(),
            ["adresse", "id", "nom"]
        );
        assert_eq!(
            fields_of(br#"{"total_count": 1, "results": [{"id": "x", "pivot": "[]"}]}"#).unwrap(),
            ["id", "pivot"]
        );
        assert_eq!(fields_of(b"[[lieu]]\nnom = \"a\""), None);
    }

    #[test]
    fn snapshots_are_never_overwritten_and_pruned_oldest_first() {
        let dir = std::env::temp_dir().join(format!("aiguillage-state-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let headers = serde_json::json!({});
        for day in 1..=5 {
            let name = snapshot_name("src", &format!("2026-01-0{day}"), &sha256_hex(&[day]), "csv");
            keep_snapshot(&dir, &name, &[day], &headers).unwrap();
            keep_snapshot(&dir, &name, b"other", &headers).unwrap();
            assert_eq!(std::fs::read(dir.join(&name)).unwrap(), [day]);
        }
        let oldest = snapshot_name("src", "2026-01-01", &sha256_hex(&[1]), "csv");
        prune_snapshots(&dir, "src", 2, Some(&oldest));
        let mut left: Vec<String> = std::fs::read_dir(dir.join("snapshots/src"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.ends_with(".headers.json"))
            .collect();
        left.sort();
        assert_eq!(left.len(), 3, "{left:?}");
        assert!(left[0].starts_with("2026-01-01"), "the protected one stays: {left:?}");
        assert!(left[1].starts_with("2026-01-04") && left[2].starts_with("2026-01-05"), "{left:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
