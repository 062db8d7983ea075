//! Invariant 2: whatever the data says, reading it never panics. Arbitrary text in every field
//! the shared readers check, in each format.

use std::path::Path;
use std::sync::OnceLock;

use aiguillage_engine::calendar::Date;
use aiguillage_engine::territory::Communes;
use aiguillage_engine::Taxonomy;
use aiguillage_import::sources::import;
use aiguillage_import::Context;
use aiguillage_import::{project, reference};
use proptest::prelude::*;

/// Loaded once: the commune reference takes a moment to parse.
fn shared() -> &'static (Taxonomy, Communes) {
    static SHARED: OnceLock<(Taxonomy, Communes)> = OnceLock::new();
    SHARED.get_or_init(|| (project::shipped().expect("shipped data").0, reference::france()))
}

fn json_string(text: &str) -> String {
    serde_json::Value::String(text.to_string()).to_string()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_field_values_are_read_without_panic(values in proptest::collection::vec("\\PC{0,12}", 8)) {
        let (taxonomy, communes) = shared();
        let context = Context { taxonomy, communes, today: Date::from_ymd(2026, 6, 1).unwrap(), horizon_days: 14 };
        let fields = ["code_insee", "code_postal", "commune", "latitude", "longitude", "telephone", "courriel", "site_web"];
        let pairs: Vec<String> = fields.iter().zip(&values).map(|(f, v)| format!("{}: {}", json_string(f), json_string(v))).collect();
        let mediation = format!("[{{\"id\": \"a\", \"nom\": \"EPN\", \"services\": \"Aide aux démarches administratives\", {}}}]", pairs.join(", "));
        let _ = import(Path::new("m.json"), mediation.as_bytes(), None, &context);
        let inclusion = format!("[{{\"id\": \"s\", \"structure_id\": \"x\", \"nom\": \"EPN\", \"thematiques\": [\"numerique--acceder-a-une-connexion-internet\"], \"zone_eligibilite\": [{}], {}}}]", json_string(&values[0]), pairs.join(", "));
        let _ = import(Path::new("d.json"), inclusion.as_bytes(), None, &context);
        let toml_pairs: Vec<String> = fields.iter().zip(&values).map(|(f, v)| format!("{f} = {}", json_string(v))).collect();
        let native = format!("[[lieu]]\nnom = \"EPN\"\nbesoins = [\"demarches\"]\n{}\n", toml_pairs.join("\n"));
        let _ = import(Path::new("n.toml"), native.as_bytes(), None, &context);
    }
}
