//! One card per place: records that describe the same place, in one file or across files (the
//! médiation export and the Conseillers numériques file, the France Services list and the
//! Annuaire), become one actor.
//!
//! Two records are the same place when they have
//! - the same id;
//! - the same SIRET, within [`SAME_PLACE_METRES`] (one SIRET often covers many sites of one
//!   organisation: the SIRET alone is not a place);
//! - the same name (folded: case, accents, punctuation) within [`SAME_PLACE_METRES`], or in the
//!   same commune when one of them has no point of its own;
//! - or the same address: the same commune, the same street words and a house number in common
//!   (`2 - 4 Allée des Freniers` and `4 Allee des Freniers`); an address without a number is
//!   too vague to say.
//!
//! The freshest record (latest update date; the first given on a tie) gives the card its id,
//! name and fields; the others fill what it lacks (phone, e-mail, links, hours, point); needs,
//! modes, programmes, publics, supports and fees are pooled; every source is kept in the card's
//! provenance. The services of one data·inclusion structure are different offers of one place,
//! kept apart. `validate` keeps reporting such records as duplicates to fix at the source.

use std::collections::HashMap;

use aiguillage_engine::hours::Hours;
use aiguillage_engine::territory::fold;
use aiguillage_engine::Actor;

use crate::diagnostic::Report;
use crate::{Entry, Imported};

/// Within this distance, two records with the same name or SIRET are one place.
pub const SAME_PLACE_METRES: u32 = 100;

/// Within this distance, two records with the same phone number, e-mail or booking link are one
/// counter (two entrances of one building, two names of one desk).
pub const SAME_CONTACT_METRES: u32 = 300;

/// The cards of every file, and a warning in `report` for each merge (what was merged, where).
pub fn one_card_per_place(files: Vec<Imported>, report: &mut Report) -> Vec<Actor> {
    let mut items: Vec<(Entry, String)> = Vec::new();
    for file in files {
        let name = file.report.file.clone();
        items.extend(file.entries.into_iter().map(|entry| (entry, name.clone())));
    }
    let mut sets = Sets::new(items.len());
    let mut why: Vec<Option<&'static str>> = vec![None; items.len()];
    let mut join = |a: usize, b: usize, reason: &'static str, sets: &mut Sets| {
        let (ga, gb) = (&items[a].0.group, &items[b].0.group);
        if ga.is_some() && ga == gb && items[a].1 == items[b].1 {
            return;
        }
        if sets.union(a, b) {
            why[b].get_or_insert(reason);
        }
    };
    let near = |a: &Entry, b: &Entry| match (a.actor.point, b.actor.point) {
        (Some(p), Some(q)) => p.distance_m(q) <= SAME_PLACE_METRES,
        _ => a.actor.insee.is_some() && a.actor.insee == b.actor.insee,
    };
    // Within this distance, the same phone number, e-mail or booking link is the same counter (a
    // switchboard shared with a distant office is not).
    let within_contact = |a: &Entry, b: &Entry| match (a.actor.point, b.actor.point) {
        (Some(p), Some(q)) => p.distance_m(q) <= SAME_CONTACT_METRES,
        _ => a.actor.insee.is_some() && a.actor.insee == b.actor.insee,
    };
    for (key, reason) in [
        (Key::Id, "same id"),
        (Key::Siret, "same SIRET"),
        (Key::Name, "same name"),
        (Key::Address, "same address"),
        (Key::Phone, "same phone number nearby"),
        (Key::Email, "same e-mail nearby"),
        (Key::Booking, "same booking link"),
    ] {
        let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, (entry, _)) in items.iter().enumerate() {
            if let Some(k) = key.of(entry) {
                groups.entry(k).or_default().push(index);
            }
        }
        let mut keys: Vec<&String> = groups.keys().collect();
        keys.sort();
        for k in keys {
            let members = &groups[k];
            for (i, &a) in members.iter().enumerate() {
                for &b in &members[i + 1..] {
                    let close = match key {
                        Key::Id => true,
                        Key::Address => shares_a_number(&items[a].0.actor, &items[b].0.actor),
                        Key::Siret | Key::Name => near(&items[a].0, &items[b].0),
                        Key::Phone | Key::Email | Key::Booking => within_contact(&items[a].0, &items[b].0),
                    };
                    if close {
                        join(a, b, reason, &mut sets);
                    }
                }
            }
        }
    }
    // Cards in the order of their first record; within a card, the freshest record leads.
    let mut cards: Vec<Vec<usize>> = Vec::new();
    let mut card_of_root: HashMap<usize, usize> = HashMap::new();
    for index in 0..items.len() {
        let root = sets.find(index);
        let card = *card_of_root.entry(root).or_insert_with(|| {
            cards.push(Vec::new());
            cards.len() - 1
        });
        cards[card].push(index);
    }
    let mut actors = Vec::with_capacity(cards.len());
    for members in cards {
        let lead = *members
            .iter()
            .max_by_key(|i| (items[**i].0.actor.updated.map_or(i32::MIN, |d| d.0), std::cmp::Reverse(**i)))
            .expect("a card has a record");
        let mut actor = items[lead].0.actor.clone();
        for &other in members.iter().filter(|i| **i != lead) {
            let (entry, file) = &items[other];
            report.warning(
                0,
                "(merge)",
                format!(
                    "`{}` ({file}:{}) and `{}` ({}:{}) describe the same place ({}): one card, with the fields of the most recent",
                    entry.actor.id,
                    entry.line,
                    actor.id,
                    items[lead].1,
                    items[lead].0.line,
                    why[other].or(why[lead]).unwrap_or("same place"),
                ),
            );
            absorb(&mut actor, &entry.actor);
        }
        actors.push(actor);
    }
    actors
}

/// Fills what `card` lacks from `other`, and pools what both offer.
fn absorb(card: &mut Actor, other: &Actor) {
    fn fill<T: Clone>(slot: &mut Option<T>, other: &Option<T>) {
        if slot.is_none() {
            slot.clone_from(other);
        }
    }
    fill(&mut card.phone, &other.phone);
    fill(&mut card.email, &other.email);
    fill(&mut card.website, &other.website);
    fill(&mut card.booking_url, &other.booking_url);
    fill(&mut card.summary, &other.summary);
    fill(&mut card.point, &other.point);
    fill(&mut card.insee, &other.insee);
    if card.street.is_empty() {
        card.street.clone_from(&other.street);
        card.postal_code.clone_from(&other.postal_code);
        card.commune_name.clone_from(&other.commune_name);
    }
    if matches!(card.hours, Hours::Unknown) {
        card.hours = other.hours.clone();
    }
    card.needs.0 |= other.needs.0;
    card.modes.extend(other.modes.iter());
    card.programmes.extend(other.programmes.iter());
    card.publics.extend(other.publics.iter());
    card.supports.extend(other.supports.iter());
    card.fees.extend(other.fees.iter());
    // Anyone may use the card when any of its records says so.
    if other.zone.is_none() {
        card.zone = None;
    }
    let sources: Vec<&str> = card.source.split(" · ").collect();
    if !other.source.is_empty() && !sources.contains(&other.source.as_str()) {
        let joined = if card.source.is_empty() {
            other.source.to_string()
        } else {
            format!("{} · {}", card.source, other.source)
        };
        card.source = joined.into();
    }
}

#[derive(Clone, Copy)]
enum Key {
    Id,
    Siret,
    Name,
    Address,
    Phone,
    Email,
    Booking,
}

impl Key {
    fn of(self, entry: &Entry) -> Option<String> {
        let actor = &entry.actor;
        match self {
            Key::Id => Some(actor.id.clone()),
            Key::Siret => entry.siret.clone(),
            // Meaningful words, in order: "France services de Confolens" is "France Services Confolens".
            Key::Name => Some(crate::quality::words(&actor.name).join(" ")).filter(|n| !n.is_empty()),
            Key::Address => address_key(actor),
            Key::Phone => actor.phone.as_deref().and_then(local_number),
            Key::Email => actor.email.as_deref().map(|e| e.trim().to_lowercase()).filter(|e| e.contains('@')),
            Key::Booking => actor.booking_url.as_deref().map(|u| u.trim().trim_end_matches('/').to_lowercase()),
        }
    }
}

/// A French number as its ten digits (`+33 5 45…` and `05 45…` alike); short national numbers
/// (`39 39`) are shared by design and never tell two places apart.
fn local_number(phone: &str) -> Option<String> {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let local = match digits.strip_prefix("33") {
        Some(rest) if phone.trim_start().starts_with('+') && rest.len() == 9 => format!("0{rest}"),
        _ => digits,
    };
    (local.len() == 10 && local.starts_with('0')).then_some(local)
}

/// `commune|street words`, for an address with a house number; the numbers are compared when
/// two records meet ([`shares_a_number`]).
fn address_key(actor: &Actor) -> Option<String> {
    let insee = actor.insee.as_deref()?;
    let folded = fold(&actor.street);
    let words: Vec<&str> =
        folded.split(' ').filter(|w| !w.is_empty() && !w.bytes().all(|b| b.is_ascii_digit())).collect();
    let numbers = address_numbers(&folded);
    if words.is_empty() || numbers.is_empty() {
        return None;
    }
    Some(format!("{insee}|{}", words.join(" ")))
}

/// `2 - 4 Allée des Freniers` and `4 Allee des Freniers` share the number 4.
fn shares_a_number(a: &Actor, b: &Actor) -> bool {
    let (a, b) = (fold(&a.street), fold(&b.street));
    let theirs = address_numbers(&b);
    address_numbers(&a).iter().any(|n| theirs.contains(n))
}

fn address_numbers(folded_street: &str) -> Vec<&str> {
    folded_street.split(' ').filter(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit())).collect()
}

/// Disjoint sets over record indices.
struct Sets(Vec<usize>);

impl Sets {
    fn new(n: usize) -> Self {
        Sets((0..n).collect())
    }

    fn find(&mut self, mut i: usize) -> usize {
        while self.0[i] != i {
            self.0[i] = self.0[self.0[i]];
            i = self.0[i];
        }
        i
    }

    /// Joins the sets of `a` and `b`; whether they were apart.
    fn union(&mut self, a: usize, b: usize) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        // The smaller index stays the root: cards come in the order of their first record.
        let (keep, child) = if ra < rb { (ra, rb) } else { (rb, ra) };
        self.0[child] = keep;
        true
    }
}
