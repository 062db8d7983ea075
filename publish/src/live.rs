//! The live publication and its history. Each publication is a folder of its own,
//! `state_dir/publications/<id>/`, complete once its `publication.json` is written (last);
//! `out_dir` is a symbolic link to the live one, replaced by a rename. A `kill -9` at any moment
//! leaves `out_dir` naming one whole publication: every bundle, the commune index and its parts, and
//! `territoires.json` of the same run.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::report::RunReport;
use crate::state::{sha256_hex, sync_folder, write_atomically};

pub const MANIFEST: &str = "publication.json";

/// One file of a publication: its name, its bytes, and its brotli copy when it has one.
pub type File = (String, Vec<u8>, Option<Vec<u8>>);

/// What a publication holds, written into its folder last.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub id: String,
    /// Unix seconds.
    pub created: i64,
    /// Each file's name and SHA-256 (the brotli copies aside).
    pub files: Vec<(String, String)>,
    pub report: RunReport,
}

/// Only one publication runs at a time on a `state_dir` (the server's timer and a coordinator's
/// command alike): the lock is released when this is dropped, or when the process dies.
pub struct Lock {
    _held: std::fs::File,
}

impl Lock {
    pub fn take(state_dir: &Path) -> Result<Lock, String> {
        std::fs::create_dir_all(state_dir).map_err(|e| format!("cannot create {}: {e}", state_dir.display()))?;
        let path = state_dir.join("lock");
        let file = std::fs::File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        match file.try_lock() {
            Ok(()) => Ok(Lock { _held: file }),
            Err(std::fs::TryLockError::WouldBlock) => Err(format!(
                "another publication is running on {} (its lock is held): try again when it ends",
                state_dir.display()
            )),
            Err(std::fs::TryLockError::Error(e)) => Err(format!("cannot lock {}: {e}", path.display())),
        }
    }
}

pub fn publications_dir(state_dir: &Path) -> PathBuf {
    state_dir.join("publications")
}

/// The id of the live publication: the folder `out_dir` links to.
pub fn live_id(out_dir: &Path) -> Option<String> {
    let target = std::fs::read_link(out_dir).ok()?;
    Some(target.file_name()?.to_string_lossy().into_owned())
}

/// A new id from the time (UTC, sortable), unique in the folder.
pub fn new_id(state_dir: &Path, unix: i64) -> String {
    let base = crate::report::utc_stamp(unix);
    let folder = publications_dir(state_dir);
    let mut id = base.clone();
    let mut n = 1;
    while folder.join(&id).exists() {
        n += 1;
        id = format!("{base}-{n}");
    }
    id
}

/// Writes a complete publication folder: the files (each with its brotli copy where given), then
/// the manifest, every one flushed to disk.
pub fn write(state_dir: &Path, manifest: &Manifest, files: &[File]) -> Result<PathBuf, String> {
    let folder = publications_dir(state_dir).join(&manifest.id);
    std::fs::create_dir_all(&folder).map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
    for (name, bytes, compressed) in files {
        // The commune index's parts are in a folder of their own (`index/`).
        if let Some(parent) = folder.join(name).parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        write_atomically(&folder.join(name), bytes)?;
        if let Some(compressed) = compressed {
            write_atomically(&folder.join(format!("{name}.br")), compressed)?;
            // What the copy was made from: the server serves it only while this is the file's
            // hash (aiguillage-server's files::COPIES_SOURCE_SUFFIX).
            write_atomically(&folder.join(format!("{name}.sha256")), sha256_hex(bytes).as_bytes())?;
        }
    }
    let text = serde_json::to_vec_pretty(manifest).map_err(|e| e.to_string())?;
    write_atomically(&folder.join(MANIFEST), &text)?;
    Ok(folder)
}

/// The manifest's list of files, from their bytes.
pub fn file_list(files: &[File]) -> Vec<(String, String)> {
    files.iter().map(|(name, bytes, _)| (name.clone(), sha256_hex(bytes))).collect()
}

/// Makes `folder` live: a new link beside `out_dir`, renamed over it. When `out_dir` is still a
/// real folder (published by hand before), the two are exchanged atomically and the old folder
/// is kept beside it as `<out_dir>.before-publish`.
pub fn swap(out_dir: &Path, folder: &Path) -> Result<Option<PathBuf>, String> {
    let parent = out_dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    let name = out_dir.file_name().ok_or_else(|| format!("out_dir {} has no name", out_dir.display()))?;
    let mut link_name = name.to_owned();
    link_name.push(format!(".next-{}", std::process::id()));
    let link = parent.join(link_name);
    let _ = std::fs::remove_file(&link);
    let target = std::path::absolute(folder).map_err(|e| e.to_string())?;
    std::os::unix::fs::symlink(&target, &link)
        .map_err(|e| format!("cannot create the link {}: {e}", link.display()))?;
    let is_real_folder = std::fs::symlink_metadata(out_dir).is_ok_and(|m| m.is_dir());
    let mut kept = None;
    if is_real_folder {
        rustix::fs::renameat_with(rustix::fs::CWD, &link, rustix::fs::CWD, out_dir, rustix::fs::RenameFlags::EXCHANGE)
            .map_err(|e| format!("cannot exchange {} with the publication: {e}", out_dir.display()))?;
        let mut kept_name = name.to_owned();
        kept_name.push(".before-publish");
        let kept_path = parent.join(kept_name);
        std::fs::rename(&link, &kept_path)
            .map_err(|e| format!("cannot keep the old folder as {}: {e}", kept_path.display()))?;
        kept = Some(kept_path);
    } else {
        std::fs::rename(&link, out_dir).map_err(|e| {
            let _ = std::fs::remove_file(&link);
            format!("cannot make {} live: {e}", out_dir.display())
        })?;
    }
    sync_folder(parent).map_err(|e| format!("cannot flush {}: {e}", parent.display()))?;
    Ok(kept)
}

/// Every complete publication, oldest first.
pub fn history(state_dir: &Path) -> Vec<Manifest> {
    let Ok(entries) = std::fs::read_dir(publications_dir(state_dir)) else { return Vec::new() };
    let mut manifests: Vec<Manifest> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| std::fs::read(e.path().join(MANIFEST)).ok())
        .filter_map(|bytes| serde_json::from_slice(&bytes).ok())
        .collect();
    manifests.sort_by(|a, b| (a.created, &a.id).cmp(&(b.created, &b.id)));
    manifests
}

/// Removes publications beyond the `keep` newest (never the live one), and the folders of runs
/// that died before their manifest.
pub fn prune(state_dir: &Path, keep: usize, live: Option<&str>) {
    let folder = publications_dir(state_dir);
    let Ok(entries) = std::fs::read_dir(&folder) else { return };
    for entry in entries.filter_map(|e| e.ok()) {
        let complete = entry.path().join(MANIFEST).is_file();
        if !complete && live != Some(entry.file_name().to_string_lossy().as_ref()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
    let all = history(state_dir);
    let excess = all.len().saturating_sub(keep);
    for manifest in all.iter().take(excess) {
        if live != Some(manifest.id.as_str()) {
            let _ = std::fs::remove_dir_all(folder.join(&manifest.id));
        }
    }
}
