//! Shipping the widget's assets the way a slow rural connection needs: content-hashed names
//! (cached forever by browsers), and brotli and gzip copies served with `Content-Encoding`.

use std::path::Path;

use crate::steps::Result;

/// Files renamed with their content hash. The loader (`aiguillage.js`) keeps its name: it is
/// what host pages include, so it must be found at a stable address; it names the hashed files.
const HASHED: &[&str] = &[
    "aiguillage_widget_bg.wasm",
    "aiguillage_widget.js",
    "aiguillage.css",
    "regions.json",
    "signalement.js",
    "national.js",
];

/// Modules the loader imports that are shipped as written (the glue is minified with the wasm):
/// minified before their hash is taken.
const MINIFIED_HERE: &[&str] = &["signalement.js", "national.js"];

/// The words of every language (`aiguillage texts`), renamed with one hash of them all: the
/// loader holds that hash alone and builds each name from the language (`wordsFile` in the loader),
/// fewer bytes for every visit than a name per file and language.
const WORDS: &[(&str, &str)] =
    &[("texts", "bin"), ("first-step", "json"), ("unavailable", "json"), ("signalement", "json")];

/// Extensions worth compressing.
const COMPRESSED: &[&str] = &["js", "wasm", "css", "bin", "json", "html"];

pub fn finalize(widget_dir: &Path) -> Result<()> {
    let loader_path = widget_dir.join("aiguillage.js");
    let mut loader = read_text(&loader_path)?;
    // The glue does not name the wasm (the loader passes its URL), so each file's hash is its own.
    for name in HASHED {
        let path = widget_dir.join(name);
        if MINIFIED_HERE.contains(name) {
            let source = read_text(&path)?;
            let minified = crate::minify::minify_module(&source, &path.display().to_string())?;
            std::fs::write(&path, minified).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let hashed = hashed_name(name, &bytes);
        std::fs::rename(&path, widget_dir.join(&hashed)).map_err(|e| e.to_string())?;
        let quoted = format!("'./{name}'");
        let plain = format!("'{name}'");
        if !loader.contains(&quoted) && !loader.contains(&plain) {
            return Err(format!("the loader does not name {name}: cannot point it at {hashed}"));
        }
        loader = loader.replace(&quoted, &format!("'./{hashed}'")).replace(&plain, &format!("'{hashed}'"));
    }
    // `texts.fr.bin`, `first-step.en.json`…: one per word file and language, in a stable order.
    let mut words = Vec::new();
    for entry in std::fs::read_dir(widget_dir).map_err(|e| format!("{}: {e}", widget_dir.display()))? {
        let name = entry.map_err(|e| e.to_string())?.file_name().to_string_lossy().into_owned();
        let parts: Vec<&str> = name.split('.').collect();
        if let [stem, _lang, ext] = parts[..] {
            if WORDS.contains(&(stem, ext)) {
                words.push(name);
            }
        }
    }
    words.sort();
    // Every kind of file in every language the packs exist in.
    let languages = |stem: &str| -> Vec<String> {
        words
            .iter()
            .filter_map(|n| Some(n.strip_prefix(stem)?.strip_prefix('.')?.split('.').next()?.to_string()))
            .collect()
    };
    let first = languages(WORDS[0].0);
    if first.is_empty() || WORDS.iter().any(|(stem, _)| languages(stem) != first) {
        return Err(format!(
            "{}: each of {WORDS:?} is needed in every language, found {words:?}",
            widget_dir.display()
        ));
    }
    let mut all = Vec::new();
    for name in &words {
        let path = widget_dir.join(name);
        all.extend(std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?);
    }
    let hash = format!("{:016x}", fnv(&all));
    for name in &words {
        let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
        let hashed = format!("{stem}.{hash}.{ext}");
        std::fs::rename(widget_dir.join(name), widget_dir.join(hashed)).map_err(|e| e.to_string())?;
    }
    const MARKER: &str = "const WORDS = 'WORDS';";
    if !loader.contains(MARKER) {
        return Err(format!("the loader lacks `{MARKER}`: cannot name the words' files"));
    }
    loader = loader.replace(MARKER, &format!("const WORDS = '{hash}';"));
    // Minified once it names the hashed files (it may change their quotes).
    let loader = crate::minify::minify_module(&loader, &loader_path.display().to_string())?;
    std::fs::write(&loader_path, loader).map_err(|e| e.to_string())?;
    compress_tree(widget_dir)
}

/// `name.<16 hex digits of FNV-1a 64>.ext`: enough to bust caches, no crypto needed.
fn hashed_name(name: &str, bytes: &[u8]) -> String {
    let hash = fnv(bytes);
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{hash:016x}.{ext}"),
        None => format!("{name}.{hash:016x}"),
    }
}

/// FNV-1a 64.
fn fnv(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

fn compress_tree(dir: &Path) -> Result<()> {
    for entry in std::fs::read_dir(dir).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            compress_tree(&path)?;
            continue;
        }
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !COMPRESSED.contains(&ext) {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|e| e.to_string())?;
        std::fs::write(with_suffix(&path, "br"), brotli_bytes(&bytes)?).map_err(|e| e.to_string())?;
        std::fs::write(with_suffix(&path, "gz"), gzip_bytes(&bytes)?).map_err(|e| e.to_string())?;
        // The servers serve a copy only while this is its source's hash (`files::COPIES_SOURCE_SUFFIX`).
        std::fs::write(with_suffix(&path, "sha256"), sha256_hex(&bytes)).map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn with_suffix(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".");
    name.push(suffix);
    path.with_file_name(name)
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

pub fn brotli_bytes(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).map_err(|e| e.to_string())?;
    Ok(out)
}

pub fn gzip_bytes(bytes: &[u8]) -> Result<Vec<u8>> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).map_err(|e| e.to_string())?;
    encoder.finish().map_err(|e| e.to_string())
}

fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}
