//! The territory bundles of the widget folder (`data/*.bin`), re-read when a coordinator
//! publishes a new one: a bundle written beside and renamed into place replaces the old one
//! without a restart. One that cannot be decoded (truncated by a copy, not a bundle) is never
//! served: its last good version stays, and `/healthz` names it. Two files of one territory
//! are reported, and the newer is used.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::SystemTime;

use aiguillage_engine::bundle;
use aiguillage_stats::Territories;

pub struct BundleFolder {
    dir: PathBuf,
    current: RwLock<Arc<Territories>>,
    /// What the configurator offers: each readable bundle's file, code and name, as JSON.
    listing: RwLock<Arc<String>>,
    /// What the folder held at the last reading: name, modification time, length.
    seen: Mutex<Vec<(PathBuf, SystemTime, u64)>>,
    /// The bytes of each bundle's last version that could be decoded.
    last_good: RwLock<HashMap<PathBuf, Arc<Vec<u8>>>>,
    /// The bundles that cannot be decoded now, and why.
    broken: RwLock<Vec<(PathBuf, String)>>,
}

/// What to send for a bundle's address.
pub enum Served {
    /// The file as it is (the folder's own, decoded at its last reading).
    File,
    /// The file cannot be decoded: its last good version instead.
    LastGood(Arc<Vec<u8>>),
    /// The file cannot be decoded and none was ever good.
    Nothing,
}

impl BundleFolder {
    pub fn open(dir: &Path) -> BundleFolder {
        let folder = BundleFolder {
            dir: dir.to_owned(),
            current: RwLock::default(),
            listing: RwLock::default(),
            seen: Mutex::default(),
            last_good: RwLock::default(),
            broken: RwLock::default(),
        };
        folder.refresh();
        folder
    }

    /// The folder it reads.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn current(&self) -> Arc<Territories> {
        self.current.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// `[{"file": "data/16.bin", "code": "16", "name": "Charente"}, …]`: the territories the
    /// configurator (`integrer.html`) offers, read from the folder (`index.bin` aside).
    pub fn territories_json(&self) -> Arc<String> {
        self.listing.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The bundles of the folder and of its subfolders (`data/national/` from `aiguillage bundle
    /// --out-dir`), with their modification time and length.
    fn listing(&self) -> Vec<(PathBuf, SystemTime, u64)> {
        let mut listing = Vec::new();
        let mut folders = vec![self.dir.clone()];
        while let Some(folder) = folders.pop() {
            let Ok(entries) = std::fs::read_dir(&folder) else { continue };
            for path in entries.filter_map(|e| e.ok()).map(|e| e.path()) {
                let Ok(meta) = std::fs::metadata(&path) else { continue };
                // A folder's commune index split by what is typed (`index/`, `start.bin`,
                // aiguillage_engine::index): communes only, read by the widget, not territories.
                let split_index = path.file_name().is_some_and(|name| name == "index" || name == "start.bin");
                if meta.is_dir() && !split_index {
                    folders.push(path);
                } else if path.extension().is_some_and(|e| e == "bin") && !split_index {
                    listing.push((path, meta.modified().unwrap_or(SystemTime::UNIX_EPOCH), meta.len()));
                }
            }
        }
        listing.sort();
        listing
    }

    /// What to send for the bundle at `path` (a file of the folder).
    pub fn served(&self, path: &Path) -> Served {
        self.refresh();
        let broken = self.broken.read().unwrap_or_else(|p| p.into_inner());
        if !broken.iter().any(|(p, _)| p == path) {
            return Served::File;
        }
        match self.last_good.read().unwrap_or_else(|p| p.into_inner()).get(path) {
            Some(bytes) => Served::LastGood(bytes.clone()),
            None => Served::Nothing,
        }
    }

    /// The bundles that cannot be decoded now, and why: `file: error; …`.
    pub fn broken(&self) -> Option<String> {
        let broken = self.broken.read().unwrap_or_else(|p| p.into_inner());
        let said: Vec<String> = broken
            .iter()
            .map(|(path, error)| format!("{}: {error}", path.strip_prefix(&self.dir).unwrap_or(path).display()))
            .collect();
        (!said.is_empty()).then(|| said.join("; "))
    }

    /// Reads the folder again if it changed; returns whether it did.
    pub fn refresh(&self) -> bool {
        let listing = self.listing();
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if *seen == listing {
            return false;
        }
        // Every file that decodes, newest first; the others are reported.
        let mut decoded: Vec<(PathBuf, SystemTime, bundle::Bundle)> = Vec::new();
        let mut broken = Vec::new();
        let mut last_good = self.last_good.write().unwrap_or_else(|p| p.into_inner());
        for (path, modified, _) in &listing {
            let read = std::fs::read(path).map_err(|e| e.to_string());
            match read.and_then(|b| bundle::decode(&b).map(|bundle| (b, bundle)).map_err(|e| e.to_string())) {
                Ok((bytes, bundle)) => {
                    last_good.insert(path.clone(), Arc::new(bytes));
                    decoded.push((path.clone(), *modified, bundle));
                }
                Err(error) => {
                    // Its last good version stays, for the residents and for the statistics.
                    let kept = last_good.get(path).and_then(|bytes| bundle::decode(bytes).ok());
                    let said = if kept.is_some() { "its last good version is served" } else { "not served" };
                    eprintln!(
                        "aiguillage-server: {}: cannot be read ({error}): {said}; publish it again",
                        path.display()
                    );
                    if let Some(bundle) = kept {
                        decoded.push((path.clone(), *modified, bundle));
                    }
                    broken.push((path.clone(), error));
                }
            }
        }
        drop(last_good);
        *self.broken.write().unwrap_or_else(|p| p.into_inner()) = broken;
        decoded.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let mut bundles = Vec::new();
        let mut offered = Vec::new();
        let mut used: Vec<(String, PathBuf)> = Vec::new();
        for (path, _, bundle) in decoded {
            let file = path.strip_prefix(&self.dir).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            if !file.ends_with("index.bin") {
                // One territory, one bundle: the newest file holding it.
                if let Some((_, newer)) = used.iter().find(|(code, _)| *code == bundle.territory) {
                    eprintln!(
                        "aiguillage-server: {} and {} both hold territory {}: the newer, {}, is used; remove the other",
                        path.display(),
                        newer.display(),
                        bundle.territory,
                        newer.display()
                    );
                    continue;
                }
                used.push((bundle.territory.clone(), path.clone()));
                offered.push((
                    file.clone(),
                    format!(
                        "{{\"file\":{},\"code\":{},\"name\":{}}}",
                        aiguillage_engine::json::string(&format!("data/{file}")),
                        aiguillage_engine::json::string(&bundle.territory),
                        aiguillage_engine::json::string(&bundle.territory_name)
                    ),
                ));
            }
            bundles.push(bundle);
        }
        // The configurator lists them in the folder's order.
        offered.sort();
        let offered: Vec<String> = offered.into_iter().map(|(_, json)| json).collect();
        *self.listing.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(format!("[{}]", offered.join(",")));
        if bundles.is_empty() {
            eprintln!("aiguillage-server: {}: no territory bundle could be read", self.dir.display());
        }
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(Territories::new(bundles));
        *seen = listing;
        true
    }
}
