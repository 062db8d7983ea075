//! A coordinator's corrections (`[[correction]]`, as the workspace exports them) applied on top
//! of the sources after the merge: fields replaced through the same readers as a `[[lieu]]`'s,
//! a place hidden, a correction whose place left the sources said, a conflict said.

use std::path::Path;

use aiguillage_engine::calendar::Date;
use aiguillage_engine::hours::Hours;
use aiguillage_engine::vocab::Mode;
use aiguillage_import::sources::{import_all, Input};
use aiguillage_import::{corrections, merge, project, reference, Context, Report, Severity};

const SOURCES: &str = r#"
[[lieu]]
id = "local--epn-ruffec"
nom = "EPN de Ruffec"
besoins = ["bases-numeriques"]
code_insee = "16292"
telephone = "05 45 31 00 00"
horaires = "Mo 09:00-12:00"
date_maj = "2025-01-10"

[[lieu]]
id = "local--club"
nom = "Club informatique"
besoins = ["bases-numeriques"]
code_insee = "16292"
telephone = "05 45 31 99 99"
"#;

const CORRECTIONS: &str = r#"
# Exported by the workspace.
[[correction]]
id = "local--epn-ruffec"
territoire = "16"
telephone = "05 45 31 01 02"
horaires = "Tu 14:00-17:00; PH off"
besoins = ["bases-numeriques", "demarches-caf"]
modalites = ["atelier"]
date_maj = "2026-05-30"

[correction.avant]
telephone = "+33545310000"
horaires = "Mo 09:00-12:00"

[[correction]]
id = "local--club"
masque = "Fermé depuis mars"

[[correction]]
id = "local--parti"
nom = "Ailleurs"

[[correction]]
id = "local--epn-ruffec"
nom = "EPN"
couleur = "bleu"

[correction.avant]
nom = "Espace public numérique"
"#;

/// What the importers are given: the shipped taxonomy, every commune, a day of June 2026.
fn with_context(test: impl FnOnce(&Context<'_>)) {
    let (taxonomy, _, _) = project::shipped().unwrap();
    let communes = reference::france();
    test(&Context {
        taxonomy: &taxonomy,
        communes: &communes,
        today: Date::from_ymd(2026, 6, 1).unwrap(),
        horizon_days: 30,
    });
}

#[test]
fn corrections_replace_fields_hide_places_and_say_what_they_could_not_do() {
    with_context(corrections_apply);
}

fn corrections_apply(context: &Context<'_>) {
    let taxonomy = context.taxonomy;
    let inputs = [
        Input { path: Path::new("lieux.toml"), bytes: SOURCES.as_bytes(), published: None },
        Input { path: Path::new("corrections.toml"), bytes: CORRECTIONS.as_bytes(), published: None },
    ];
    let mut imported = import_all(&inputs, None, context);
    let read = &imported[1].report;
    assert!(
        read.diagnostics.iter().any(|d| d.line == 27 && d.field == "couleur" && d.message.contains("unknown field")),
        "{:?}",
        read.diagnostics
    );
    assert!(!read.has_errors(), "{:?}", read.diagnostics);
    let found = corrections::take(&mut imported);
    assert_eq!(found.len(), 4);
    assert!(imported.iter().all(|f| f.corrections.is_empty()));

    let mut report = Report::new("(bundle)");
    let mut actors = merge::one_card_per_place(imported, &mut report);
    let conflicts = corrections::apply(&mut actors, &found, context, &mut report);
    assert_eq!(
        conflicts,
        [corrections::Conflict {
            place: "local--epn-ruffec".into(),
            field: "nom".into(),
            now: "EPN de Ruffec".into(),
            then: "Espace public numérique".into()
        }]
    );

    assert_eq!(actors.len(), 1, "the hidden place is gone");
    let epn = &actors[0];
    assert_eq!(epn.name, "EPN");
    assert_eq!(epn.phone.as_deref(), Some("+33545310102"), "read as a [[lieu]]'s phone is");
    assert!(matches!(&epn.hours, Hours::Compiled(s) if s.source == "Tu 14:00-17:00; PH off"));
    assert_eq!(epn.field_text("besoins", taxonomy), "demarches,demarches-caf,bases-numeriques");
    assert_eq!(epn.modes.iter().collect::<Vec<_>>(), [Mode::Atelier]);
    assert_eq!(epn.updated, Date::from_ymd(2026, 5, 30));

    let messages: Vec<String> = report.diagnostics.iter().map(|d| d.message.clone()).collect();
    assert!(
        messages.iter().any(|m| m.contains("corrections.toml line 21") && m.contains("no place `local--parti`")),
        "{messages:?}"
    );
    // The sources said what the correction was made against for the phone and the hours: no
    // conflict; the name changed at its source since: a conflict, and the correction wins.
    let conflicts: Vec<&String> = messages.iter().filter(|m| m.contains("conflict")).collect();
    assert_eq!(conflicts.len(), 1, "{messages:?}");
    assert!(
        conflicts[0].contains("corrections.toml line 26") && conflicts[0].contains("`EPN de Ruffec`"),
        "{}",
        conflicts[0]
    );
    assert!(report.diagnostics.iter().all(|d| d.severity == Severity::Warning));
}

#[test]
fn a_correction_without_an_id_is_an_error_with_its_line() {
    with_context(a_correction_without_an_id);
}

fn a_correction_without_an_id(context: &Context<'_>) {
    let text = "[[correction]]\ntelephone = \"05 45 31 01 02\"\n";
    let imported =
        import_all(&[Input { path: Path::new("c.toml"), bytes: text.as_bytes(), published: None }], None, context);
    let error = imported[0].report.diagnostics.iter().find(|d| d.severity == Severity::Error).unwrap();
    assert_eq!((error.line, error.field.as_str()), (1, "id"));
    assert!(imported[0].corrections.is_empty());
}
