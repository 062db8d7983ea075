//! The worked examples kept beside the ranking weights (`[[example]]` in a rules file), replayed
//! against the commune reference: when a weight changes what a resident sees, an example says so.
//! The tests replay the shipped file; `aiguillage bundle --rules FILE` replays a coordinator's.

use aiguillage_engine::calendar::{Date, LocalDateTime};
use aiguillage_engine::taxonomy::NeedSet;
use aiguillage_engine::vocab::{Autonomy, Mode, Programme, Public, Set, Support};
use aiguillage_engine::{orient, Actor, Communes, CompactStr, Directory, Profile, Rules, Taxonomy, Territory, Zone};

use crate::project::{ExampleActor, RuleExample};

/// What an example gave when it did not give what its file expects.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Holds,
    /// Actor ids, best first, as ranked now.
    Changed {
        got: Vec<String>,
    },
    /// A code of the example is unknown (need, mode, commune…): said, rather than replayed.
    Unusable(String),
}

/// The moment every example is asked at: a weekday morning (Tuesday 1 December 2026, 10:00), so
/// that opening hours never decide.
const ASKED_AT: LocalDateTime = LocalDateTime { date: Date(20_788), minute: 10 * 60 };

/// Replays one example with these rules.
pub fn replay(example: &RuleExample, taxonomy: &Taxonomy, rules: &Rules, communes: &Communes) -> Outcome {
    match ranked(example, taxonomy, rules, communes) {
        Ok(got) if got == example.expect => Outcome::Holds,
        Ok(got) => Outcome::Changed { got },
        Err(problem) => Outcome::Unusable(problem),
    }
}

fn ranked(
    example: &RuleExample,
    taxonomy: &Taxonomy,
    rules: &Rules,
    communes: &Communes,
) -> Result<Vec<String>, String> {
    let actors = example.actors.iter().map(|a| actor(a, taxonomy)).collect::<Result<Vec<_>, _>>()?;
    let directory = Directory::new(actors, communes);
    let autonomy = match example.autonomy.as_deref() {
        Some(code) => Some(Autonomy::from_code(code).ok_or_else(|| format!("unknown autonomy `{code}`"))?),
        None => None,
    };
    let profile = Profile {
        commune: example.commune.clone(),
        need: example.need.clone(),
        autonomy,
        publics: codes(&example.publics, Public::from_code, "public")?.into_iter().collect::<Set<_>>(),
        supports: codes(&example.supports, Support::from_code, "support")?.into_iter().collect::<Set<_>>(),
        can_travel: example.can_travel,
        has_device: None,
    };
    let territory = Territory { communes, taxonomy, directory: &directory, rules };
    let orientation = orient(territory, &profile, ASKED_AT, 10).map_err(|e| e.to_string())?;
    Ok(orientation.recommendations.iter().map(|r| directory.actors()[r.actor].id.clone()).collect())
}

fn codes<T>(values: &[String], parse: impl Fn(&str) -> Option<T>, what: &str) -> Result<Vec<T>, String> {
    values.iter().map(|v| parse(v).ok_or_else(|| format!("unknown {what} `{v}`"))).collect()
}

fn actor(example: &ExampleActor, taxonomy: &Taxonomy) -> Result<Actor, String> {
    let mut actor = Actor::new(&example.id, &example.id);
    actor.insee = Some(CompactStr::from(example.commune.as_str())).filter(|c| !c.is_empty());
    let mut needs = NeedSet::default();
    for need in &example.needs {
        needs.insert(taxonomy.need_id(need).ok_or_else(|| format!("unknown need `{need}` for `{}`", example.id))?);
    }
    actor.needs = needs;
    actor.modes = codes(&example.modes, Mode::from_code, "mode")?.into_iter().collect();
    actor.programmes = codes(&example.programmes, Programme::from_code, "programme")?.into_iter().collect();
    actor.supports = codes(&example.supports, Support::from_code, "support")?.into_iter().collect();
    actor.publics = codes(&example.publics, Public::from_code, "public")?.into_iter().collect();
    actor.phone = example.phone.as_deref().map(Into::into);
    if !example.serves.is_empty() {
        actor.zone = Some(Zone {
            communes: example.serves.iter().map(|c| CompactStr::from(c.as_str())).collect(),
            ..Zone::default()
        });
    }
    actor.updated = match example.updated.as_deref() {
        None => None,
        Some(text) => {
            Some(Date::parse(text).ok_or_else(|| format!("`{text}` is not a date YYYY-MM-DD for `{}`", example.id))?)
        }
    };
    Ok(actor)
}
