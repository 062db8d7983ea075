//! The worked examples kept beside the ranking weights in `data/rules.toml`, run against the
//! real commune reference: if a weight changes what a resident sees, an example says so.

use aiguillage_import::rule_examples::{replay, Outcome};
use aiguillage_import::{project, reference};

#[test]
fn every_example_of_the_rules_file_holds() {
    let (taxonomy, _, _) = project::shipped().expect("shipped data files");
    let (rules, examples) = project::parse_rules("data/rules.toml", project::RULES_TOML).expect("rules parse");
    let communes = reference::france();
    assert!(examples.len() >= 5, "the rules file keeps its worked examples");
    let failures: Vec<String> = examples
        .iter()
        .filter_map(|example| match replay(example, &taxonomy, &rules, &communes) {
            Outcome::Holds => None,
            other => Some(format!("{}\n  expected {:?}\n  got      {other:?}", example.name, example.expect)),
        })
        .collect();
    assert!(failures.is_empty(), "examples of data/rules.toml that no longer hold:\n{}", failures.join("\n"));
}

#[test]
fn an_edited_weight_shows_in_the_examples_it_changes() {
    let (taxonomy, _, _) = project::shipped().expect("shipped data files");
    // The intercommunality counts again far more than distance: the border resident is sent
    // 17 km within it rather than 8 km across the département's line.
    let edited = project::RULES_TOML.replace("same_epci = 1 ", "same_epci = 100 ");
    assert_ne!(edited, project::RULES_TOML, "the weight is in the file as written here");
    let (rules, examples) = project::parse_rules("rules.toml", &edited).expect("rules parse");
    let communes = reference::france();
    let example = examples
        .iter()
        .find(|e| e.name.starts_with("Une habitante d'une commune à la limite"))
        .expect("the border example");
    let Outcome::Changed { got } = replay(example, &taxonomy, &rules, &communes) else {
        panic!("the edited weight should change the order");
    };
    assert_eq!(got.first().map(String::as_str), Some("a-confolens"));
}
