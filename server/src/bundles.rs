//! The territory bundles of the widget folder (`data/*.bin`), re-read when a coordinator
//! publishes a new one: a bundle written beside and renamed into place replaces the old one
//! without a restart; one that cannot be decoded is reported and the others are kept.

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
}

impl BundleFolder {
    pub fn open(dir: &Path) -> BundleFolder {
        let folder = BundleFolder {
            dir: dir.to_owned(),
            current: RwLock::default(),
            listing: RwLock::default(),
            seen: Mutex::default(),
        };
        folder.refresh();
        folder
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
                if meta.is_dir() {
                    folders.push(path);
                } else if path.extension().is_some_and(|e| e == "bin") {
                    listing.push((path, meta.modified().unwrap_or(SystemTime::UNIX_EPOCH), meta.len()));
                }
            }
        }
        listing.sort();
        listing
    }

    /// Reads the folder again if it changed; returns whether it did.
    pub fn refresh(&self) -> bool {
        let listing = self.listing();
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if *seen == listing {
            return false;
        }
        let mut bundles = Vec::new();
        let mut offered = Vec::new();
        for (path, _, _) in &listing {
            match std::fs::read(path)
                .map_err(|e| e.to_string())
                .and_then(|b| bundle::decode(&b).map_err(|e| e.to_string()))
            {
                Ok(bundle) => {
                    let file = path.strip_prefix(&self.dir).unwrap_or(path).to_string_lossy().replace('\\', "/");
                    if !file.ends_with("index.bin") {
                        offered.push(format!(
                            "{{\"file\":{},\"code\":{},\"name\":{}}}",
                            json_string(&format!("data/{file}")),
                            json_string(&bundle.territory),
                            json_string(&bundle.territory_name)
                        ));
                    }
                    bundles.push(bundle);
                }
                Err(error) => eprintln!("aiguillage-server: {}: left out: {error}", path.display()),
            }
        }
        *self.listing.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(format!("[{}]", offered.join(",")));
        if bundles.is_empty() {
            eprintln!("aiguillage-server: {}: no territory bundle could be read", self.dir.display());
        }
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(Territories::new(bundles));
        *seen = listing;
        true
    }
}

/// `text` as a JSON string.
fn json_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_are_written_as_json_strings() {
        assert_eq!(super::json_string("Charente \"16\"\\\n"), "\"Charente \\\"16\\\"\\\\\\u000a\"");
    }
}
