//! The guide on a small Charente of its own: the places of one service on one card, even when
//! each need reaches only some of them; the national contacts where no place is near.

use aiguillage_engine::bundle::Bundle;
use aiguillage_engine::{Actor, Date, Holidays, Lang};
use aiguillage_import::hours::parse_hours;
use aiguillage_import::territory::{bundle, select, BundleParts};
use aiguillage_paper::guide::{self, Options};

/// A bus's stop at `insee`, for `needs`, on Tuesdays.
fn stop(id: &str, insee: &str, needs: &[&str], taxonomy: &aiguillage_engine::Taxonomy) -> Actor {
    let france = aiguillage_import::reference::france();
    let commune = france.get(insee).unwrap();
    let mut actor = Actor::new(id, format!("Bus numérique - [{}]", commune.name));
    actor.insee = Some(commune.insee.clone());
    actor.point = commune.point;
    actor.commune_name = commune.name.clone();
    actor.phone = Some("05 36 49 00 02".into());
    for need in needs {
        actor.needs.insert(taxonomy.need_id(need).unwrap());
    }
    actor.hours = parse_hours("Tu 09:00-12:00", Date::from_ymd(2026, 12, 7).unwrap(), 400, Holidays::National).0;
    actor
}

fn charente(actors: impl FnOnce(&aiguillage_engine::Taxonomy) -> Vec<Actor>) -> Bundle {
    let (taxonomy, wording, rules) = aiguillage_shipped::project::shipped().unwrap();
    let france = aiguillage_import::reference::france();
    let mut report = aiguillage_import::diagnostic::Report::new("test");
    let actors = actors(&taxonomy);
    let (communes, actors) = select(&["16"], &france, actors, 0, &mut report);
    bundle(BundleParts {
        territory: "16".into(),
        territory_name: "Charente".into(),
        built_on: Date::from_ymd(2026, 12, 7).unwrap(),
        communes,
        actors,
        taxonomy,
        wording,
        rules,
    })
}

fn printed(bundles: &[Bundle], code: &str) -> String {
    let (taxonomy, wording, _) = aiguillage_shipped::project::shipped().unwrap();
    let selection = guide::select(bundles, code).unwrap();
    let options = Options {
        lang: Lang::Fr,
        taxonomy: &taxonomy,
        wording: &wording,
        widget_url: None,
        fragment_key: "aiguillage",
        large: false,
        from: Date::from_ymd(2026, 12, 7).unwrap(),
    };
    guide::guide(&selection, &options).html
}

#[test]
fn a_services_card_holds_every_place_of_it_even_those_another_need_reaches() {
    // Ruffec's stop helps with démarches and emploi; Vieux-Ruffec's with emploi only: the card,
    // printed under démarches, must still list Vieux-Ruffec's stop.
    let territory = charente(|taxonomy| {
        vec![
            stop("bus-ruffec", "16292", &["demarches", "emploi"], taxonomy),
            stop("bus-vieux-ruffec", "16404", &["emploi"], taxonomy),
        ]
    });
    let html = printed(&[territory], "16292");
    let cards = html.matches("<article class=\"place\"").count();
    assert_eq!(cards, 1, "one card for the bus");
    let card = &html[html.find("<article class=\"place\"").unwrap()..];
    let card = &card[..card.find("</article>").unwrap()];
    assert!(card.contains("<h3>Bus numérique</h3>"), "under the name its stops share: {card}");
    for id in ["bus-ruffec", "bus-vieux-ruffec"] {
        assert!(card.contains(&format!("data-id=\"{id}\"")), "{id} on the card");
    }
    assert!(card.contains("mardi : 9 h – 12 h"), "each stop with its hours: {card}");
    assert!(html.contains(
        "class=\"again\"><a href=\"#lieu-1\">Bus numérique : voir « Démarches administratives en ligne »</a>"
    ));
}

#[test]
fn a_need_no_place_offers_gets_the_national_contacts() {
    let territory = charente(|taxonomy| vec![stop("bus-ruffec", "16292", &["demarches"], taxonomy)]);
    let html = printed(&[territory], "16292");
    let section = |code: &str| {
        let at = html.find(&format!("id=\"besoin-{code}\"")).unwrap();
        let rest = &html[at..];
        rest[..rest.find("</section>").unwrap()].to_string()
    };
    assert!(!section("demarches").contains("class=\"national\""), "a place near: no national list");
    let securite = section("securite");
    assert!(securite.contains("class=\"national\""), "{securite}");
    assert!(
        securite.contains("17 Cyber") || securite.contains("Cybermalveillance"),
        "its own national contacts: {securite}"
    );
}

#[test]
fn a_commune_is_read_in_a_bundle_with_places_not_in_a_folders_index() {
    // A folder of bundles, as `aiguillage bundle --out-dir` and `publish` write it: its index has
    // every commune and no place; it may come first.
    let index = charente(|_| Vec::new());
    let departement = charente(|taxonomy| vec![stop("bus-ruffec", "16292", &["demarches"], taxonomy)]);
    let html = printed(&[index, departement], "16292");
    assert!(html.contains("data-id=\"bus-ruffec\""), "the département's places");
    let epci = printed(
        &[charente(|_| Vec::new()), charente(|taxonomy| vec![stop("bus-ruffec", "16292", &["demarches"], taxonomy)])],
        "200043016",
    );
    assert!(epci.contains("data-id=\"bus-ruffec\""), "the EPCI's communes too");
}
