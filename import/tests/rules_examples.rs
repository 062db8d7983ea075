//! The worked examples kept beside the ranking weights in `data/rules.toml`, run against the
//! real commune reference: if a weight changes what a resident sees, an example says so.

use aiguillage_engine::calendar::LocalDateTime;
use aiguillage_engine::taxonomy::NeedSet;
use aiguillage_engine::vocab::{Autonomy, Mode, Programme, Public, Set, Support};
use aiguillage_engine::{orient, Actor, Directory, Profile, Territory};
use aiguillage_import::project::{self, ExampleActor, RuleExample};
use aiguillage_import::reference;

fn codes<T>(values: &[String], parse: impl Fn(&str) -> Option<T>, what: &str) -> Vec<T> {
    values.iter().map(|v| parse(v).unwrap_or_else(|| panic!("unknown {what} `{v}` in data/rules.toml"))).collect()
}

fn actor(example: &ExampleActor, taxonomy: &aiguillage_engine::Taxonomy) -> Actor {
    let mut actor = Actor::new(&example.id, &example.id);
    actor.insee = Some(aiguillage_engine::CompactStr::from(example.commune.as_str())).filter(|c| !c.is_empty());
    let mut needs = NeedSet::default();
    for need in &example.needs {
        needs.insert(taxonomy.need_id(need).unwrap_or_else(|| panic!("unknown need `{need}`")));
    }
    actor.needs = needs;
    actor.modes = codes(&example.modes, Mode::from_code, "mode").into_iter().collect();
    actor.programmes = codes(&example.programmes, Programme::from_code, "programme").into_iter().collect();
    actor.supports = codes(&example.supports, Support::from_code, "support").into_iter().collect();
    actor.publics = codes(&example.publics, Public::from_code, "public").into_iter().collect();
    actor.phone = example.phone.as_deref().map(Into::into);
    actor
}

fn run(example: &RuleExample) -> Vec<String> {
    let (taxonomy, _, rules) = project::shipped().expect("shipped data files");
    let communes = reference::france();
    let actors = example.actors.iter().map(|a| actor(a, &taxonomy)).collect();
    let directory = Directory::new(actors, &communes);
    let profile = Profile {
        commune: example.commune.clone(),
        need: example.need.clone(),
        autonomy: example.autonomy.as_deref().map(|a| Autonomy::from_code(a).expect("autonomy code")),
        publics: codes(&example.publics, Public::from_code, "public").into_iter().collect::<Set<_>>(),
        supports: codes(&example.supports, Support::from_code, "support").into_iter().collect::<Set<_>>(),
        can_travel: example.can_travel,
        has_device: None,
    };
    let territory = Territory { communes: &communes, taxonomy: &taxonomy, directory: &directory, rules: &rules };
    let at = LocalDateTime::parse("2026-12-01T10:00").unwrap();
    let orientation = orient(territory, &profile, at, 10).expect("the example's commune and need exist");
    orientation.recommendations.iter().map(|r| directory.actors()[r.actor].id.clone()).collect()
}

#[test]
fn every_example_of_the_rules_file_holds() {
    let (_, examples) = project::parse_rules("data/rules.toml", project::RULES_TOML).expect("rules parse");
    assert!(examples.len() >= 5, "the rules file keeps its worked examples");
    let mut failures = Vec::new();
    for example in &examples {
        let actual = run(example);
        if actual != example.expect {
            failures.push(format!("{}\n  expected {:?}\n  got      {:?}", example.name, example.expect, actual));
        }
    }
    assert!(failures.is_empty(), "examples of data/rules.toml that no longer hold:\n{}", failures.join("\n"));
}
