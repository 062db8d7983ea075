//! data/TAXONOMY.md shows the tables of data/taxonomy.toml (the needs and the standards' values
//! they match, the national contacts with how each was checked): written from the file, so that
//! the two cannot disagree. After a change of the taxonomy, rewrite them with
//! `UPDATE_DOCS=1 cargo test -p aiguillage-import --test taxonomy_doc`.

use std::path::Path;

use aiguillage_engine::Lang;
use aiguillage_import::project;

const START: &str =
    "<!-- generated from taxonomy.toml: UPDATE_DOCS=1 cargo test -p aiguillage-import --test taxonomy_doc -->";
const END: &str = "<!-- end of generated -->";

fn cell(values: &[String], code: bool) -> String {
    if values.is_empty() {
        return "—".into();
    }
    let quoted: Vec<String> = values.iter().map(|v| if code { format!("`{v}`") } else { v.clone() }).collect();
    quoted.join("<br>")
}

fn needs_table() -> String {
    let (taxonomy, _, _) = project::shipped().unwrap();
    let mut out = String::from(
        "| Besoin (`code`) | v1.0 `services` | v0.1 `services` | data·inclusion `thematiques` |\n|---|---|---|---|\n",
    );
    for need in &taxonomy.needs {
        let arrow = if need.parent.is_some() { "↳ " } else { "" };
        out.push_str(&format!(
            "| {arrow}{} {}<br>`{}` | {} | {} | {} |\n",
            need.pictogram,
            need.label.get(Lang::Fr),
            need.code,
            cell(&need.mediation_v1, false),
            cell(&need.mediation_v0, false),
            cell(&need.data_inclusion, true)
        ));
    }
    out
}

fn contacts_table() -> String {
    let (taxonomy, _, _) = project::shipped().unwrap();
    let checks = project::shipped_contact_checks().unwrap();
    let mut out = String::from(
        "| Code | Nom | Téléphone | Site | Besoins | Vérifié le | Comment |\n|---|---|---|---|---|---|---|\n",
    );
    for (fallback, check) in taxonomy.fallbacks.iter().zip(&checks) {
        assert_eq!(fallback.code, check.code);
        let needs = if fallback.needs.is_empty() { "tous".to_string() } else { cell(&fallback.needs, true) };
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {needs} | {} | [page lue]({}) : {} |\n",
            fallback.code,
            fallback.name,
            fallback.phone.as_deref().unwrap_or("—"),
            fallback.url.as_deref().unwrap_or("—"),
            check.checked,
            check.source,
            check.how.replace('|', "\\|")
        ));
    }
    out
}

/// The document with each generated block replaced, in order.
fn regenerated(document: &str, blocks: &[String]) -> String {
    let mut out = String::new();
    let mut rest = document;
    for block in blocks {
        let start = rest.find(START).expect("a generated block's start marker") + START.len();
        let end = rest[start..].find(END).expect("a generated block's end marker") + start;
        out.push_str(&rest[..start]);
        out.push('\n');
        out.push_str(block);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn taxonomy_md_shows_the_taxonomy_as_it_is() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/TAXONOMY.md");
    let document = std::fs::read_to_string(&path).unwrap();
    let expected = regenerated(&document, &[needs_table(), contacts_table()]);
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &expected).unwrap();
        return;
    }
    assert!(
        document == expected,
        "data/TAXONOMY.md differs from data/taxonomy.toml: UPDATE_DOCS=1 cargo test -p aiguillage-import --test taxonomy_doc"
    );
    // Each contact of the file is in the page, and none that the file removed.
    let (taxonomy, _, _) = project::shipped().unwrap();
    for fallback in &taxonomy.fallbacks {
        assert!(document.contains(&format!("| `{}` |", fallback.code)), "{}", fallback.code);
    }
    assert!(!document.contains("`solidarite-numerique`"), "removed from the taxonomy, gone from the page");
}
