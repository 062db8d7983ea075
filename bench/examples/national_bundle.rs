//! Bundles for the performance benchmark (`cargo xtask bench`, docs/PERFORMANCE.md): the real
//! actors of `data/real` replicated onto the real commune grid, at three scales.
//!
//! - `scale-1.bin`: 180 actors over the communes of Charente (16),
//! - `scale-10.bin`: 1,800 actors over ten Nouvelle-Aquitaine départements,
//! - `scale-100.bin` and `national.bin` (the same bytes): 18,000 actors over every commune of
//!   France — the bundle format is per territory, but nothing stops a bundle holding every commune.
//!
//! Run: `cargo run --release -p aiguillage-bench --example national_bundle [-- OUT_DIR]`
//! (default `target/bench`). Prints one line per file: name, actors, communes, bytes; writes
//! `bundles.json`, the same facts plus 1,000 varied queries per bundle (communes spread over its
//! grid, seven needs, every autonomy: the query mix of the criterion benches) for the wasm loop.

use std::path::PathBuf;
use std::time::Instant;

use aiguillage_engine::bundle;
use serde_json::json;

fn main() {
    let out = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/bench"));
    std::fs::create_dir_all(&out).expect("output folder");
    let mut manifest = Vec::new();
    let france = aiguillage_bench::france();
    let templates = aiguillage_bench::templates(&france);
    // What every bundle carries whatever its size: taxonomy codes and rules (no commune, no actor).
    let empty = aiguillage_bench::Scale { name: "0", departements: &["none"], actors: 0 };
    let fixed_bytes =
        bundle::encode(&aiguillage_bench::scale_bundle(&france, &templates, &empty).without_texts()).len();
    println!("templates: {} real actors from {} files", templates.len(), aiguillage_bench::REAL_FILES.len());
    for scale in aiguillage_bench::SCALES {
        let bundle = aiguillage_bench::scale_bundle(&france, &templates, scale);
        // As `aiguillage bundle` writes it: the words travel in a separate language pack.
        let bytes = bundle::encode(&bundle.without_texts());
        let started = Instant::now();
        let decoded = bundle::decode(&bytes).expect("the bundle decodes");
        let decode_ms = started.elapsed().as_secs_f64() * 1000.0;
        assert_eq!(decoded.directory.len(), scale.actors, "every actor survives the round trip");
        let name = format!("scale-{}.bin", scale.name);
        // The same communes without any actor: how the bytes split between communes and actors.
        let communes_only = aiguillage_bench::Scale { name: scale.name, departements: scale.departements, actors: 0 };
        let communes_only_bytes =
            bundle::encode(&aiguillage_bench::scale_bundle(&france, &templates, &communes_only).without_texts()).len();
        std::fs::write(out.join(&name), &bytes).expect("write bundle");
        if scale.departements.is_empty() {
            std::fs::write(out.join("national.bin"), &bytes).expect("write national bundle");
        }
        println!(
            "{name} actors={} communes={} bytes={} (without actors {communes_only_bytes}, fixed part {fixed_bytes}) native_decode_ms={decode_ms:.1}",
            bundle.directory.len(),
            bundle.communes.len(),
            bytes.len()
        );
        let queries: Vec<_> = aiguillage_bench::profiles(&bundle.communes, 1_000)
            .into_iter()
            .map(|p| json!({ "commune": p.commune, "need": p.need, "autonomy": p.autonomy.map(|a| a.code()) }))
            .collect();
        manifest.push(json!({
            "file": name,
            "scale": scale.name,
            "departements": scale.departements,
            "actors": bundle.directory.len(),
            "communes": bundle.communes.len(),
            "bytes": bytes.len(),
            "fixed_bytes": fixed_bytes,
            "communes_only_bytes": communes_only_bytes,
            "native_decode_ms_once": decode_ms,
            "at": aiguillage_bench::AT,
            "queries": queries,
        }));
    }
    let text = serde_json::to_string_pretty(&manifest).expect("manifest");
    std::fs::write(out.join("bundles.json"), text).expect("write bundles.json");
    // What the shipped default bundle holds, when `cargo xtask dist` has made it.
    let shipped = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/dist/widget/data/default.bin");
    if let Ok(bytes) = std::fs::read(&shipped) {
        let facts = match bundle::decode(&bytes) {
            Ok(b) => json!({ "bytes": bytes.len(), "actors": b.directory.len(), "communes": b.communes.len() }),
            Err(error) => json!({ "bytes": bytes.len(), "error": error.to_string() }),
        };
        std::fs::write(out.join("default.json"), facts.to_string()).expect("write default.json");
    }
}
