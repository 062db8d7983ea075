//! The report on Charente: real communes (COG 2026), the shipped taxonomy, a few places; the
//! counts written through the store, as the server writes them.

use aiguillage_engine::bundle::Bundle;
use aiguillage_engine::calendar::Date;
use aiguillage_engine::Actor;
use aiguillage_import::territory::{bundle, select, BundleParts};
use aiguillage_stats::report::{build, coverage_of, CoverageSummary, Period, Report, Scope, NAMED_FROM};
use aiguillage_stats::{render, Count, Store};

fn charente(actors: Vec<Actor>) -> Bundle {
    departement("16", actors)
}

fn departement(code: &str, actors: Vec<Actor>) -> Bundle {
    let (taxonomy, wording, rules) = aiguillage_import::project::shipped().unwrap();
    let france = aiguillage_import::reference::france();
    let mut report = aiguillage_import::diagnostic::Report::new("test");
    let (communes, actors) = select(&[code], &france, actors, 0, &mut report);
    bundle(BundleParts {
        territory: "16".into(),
        territory_name: "Charente".into(),
        built_on: Date::parse("2026-12-01").unwrap(),
        communes,
        actors,
        taxonomy,
        wording,
        rules,
    })
}

fn place(id: &str, insee: &str, need: &str, bundle_like: &Bundle) -> Actor {
    let france = aiguillage_import::reference::france();
    let commune = france.get(insee).unwrap();
    let mut actor = Actor::new(id, id);
    actor.insee = Some(commune.insee.clone());
    actor.point = commune.point;
    actor.postal_code = commune.postal_codes[0].clone();
    actor.needs.insert(bundle_like.taxonomy.need_id(need).unwrap());
    actor
}

fn count(day: &str, need: &str, commune: &str, far: bool) -> Count {
    Count {
        day: Date::parse(day).unwrap(),
        need: need.into(),
        commune: commune.into(),
        lang: "fr",
        mode: "resident",
        without_help_near: far,
    }
}

/// The report of `store` on the département `code` of `bundle`, as the server builds it.
fn report_of(store: &Store, bundle: &Bundle, code: &str, coverage: Option<CoverageSummary>, period: Period) -> Report {
    let rows = store.months(period.first_day(), period.last_day()).unwrap();
    let (taxonomy, _, rules) = aiguillage_import::project::shipped().unwrap();
    let departements = vec![code.to_owned()];
    let scope = Scope {
        territory: format!("({code})"),
        departements: &departements,
        communes: &bundle.communes,
        taxonomy: &taxonomy,
        remote_after_km: rules.remote_after_km,
        coverage,
    };
    build(&rows, scope, period)
}

#[test]
fn the_report_counts_by_month_need_and_epci_and_names_only_communes_with_enough_counts() {
    let empty = charente(Vec::new());
    // One place for "emploi" at Ruffec (16292); none for the other needs.
    let with_place = charente(vec![place("ruffec-emploi", "16292", "emploi", &empty)]);
    let mut store = Store::in_memory(0).unwrap();
    let mut counts = Vec::new();
    for _ in 0..NAMED_FROM {
        counts.push(count("2026-11-03", "emploi", "16292", false)); // Ruffec: named
    }
    counts.push(count("2026-12-01", "demarches", "16015", true)); // Angoulême: 1, not named
    counts.push(count("2026-12-02", "demarches", "16015", true));
    counts.push(count("2026-12-02", "emploi", "86194", false)); // Poitiers: not in the territory
    counts.push(count("2025-10-02", "emploi", "16292", false)); // before the period
    store.add(&counts).unwrap();

    let period = Period::last_twelve_months(Date::parse("2026-12-04").unwrap());
    assert_eq!(period, Period { from: (2026, 1), to: (2026, 12) });
    let needs: Vec<String> = with_place.taxonomy.top_level().map(|(_, n)| n.code.clone()).collect();
    let coverage = coverage_of(&with_place, &["16".to_owned()], &needs);
    let report = report_of(&store, &with_place, "16", Some(coverage), period);
    assert_eq!(report.total.orientations, NAMED_FROM + 2, "Poitiers and 2025 left out");
    assert_eq!(report.total.without_help_near, 2);
    assert_eq!(report.months.len(), 12);
    assert_eq!(report.months[10].1.orientations, NAMED_FROM);
    assert_eq!(report.months[11].1.orientations, 2);
    let emploi = report.needs.iter().find(|n| n.code == "emploi").unwrap();
    assert_eq!(emploi.tally.orientations, NAMED_FROM);
    let demarches = report.needs.iter().find(|n| n.code == "demarches").unwrap();
    assert_eq!(demarches.white_communes, Some(report.territory_communes), "no place for démarches anywhere");
    assert!(emploi.white_communes.unwrap() < report.territory_communes, "Ruffec's place covers its neighbours");
    assert_eq!(report.communes.len(), 1);
    assert_eq!(report.communes[0].name, "Ruffec");
    assert_eq!(report.other_communes, (1, aiguillage_stats::report::Tally { orientations: 2, without_help_near: 2 }));
    let total_by_epci: u64 = report.epcis.iter().map(|e| e.tally.orientations).sum();
    assert_eq!(total_by_epci, report.total.orientations);

    let csv = render::csv(&report);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("mois,besoin,code_epci,epci,orientations,sans_aide_proche"));
    let lines: Vec<&str> = lines.collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[0].starts_with("2026-11,emploi,") && lines[0].ends_with(",5,0"), "{csv}");
    assert!(lines[1].starts_with("2026-12,demarches,") && lines[1].ends_with(",2,2"), "{csv}");

    let html = render::html(&report, render::Styles::Linked("tableau-de-bord.css"), Some("tableau-de-bord.csv"));
    assert!(html.contains("Ruffec"));
    assert!(
        !html.contains("<th scope=\"row\">Angoulême</th>") && html.contains("<th scope=\"row\">Ruffec</th>"),
        "a commune under {NAMED_FROM} is not named"
    );
    assert!(html.contains("Autres communes (1)"));
    assert!(!html.contains("<style") && !html.contains("style=") && !html.contains("<script"), "strict CSP");
    let text = render::text(&report);
    assert!(text.contains("Ruffec (16292)") && text.contains("Autres communes (1)"), "{text}");
}

#[test]
fn a_commune_alone_in_its_group_is_not_shown_through_its_group() {
    // L'Île-d'Yeu (85113) belongs to no EPCI: the only commune of Vendée in that case.
    let vendee = departement("85", Vec::new());
    let mut store = Store::in_memory(0).unwrap();
    store.add(&[count("2026-11-03", "emploi", "85113", true), count("2026-11-04", "emploi", "85113", true)]).unwrap();
    store.add(&vec![count("2026-11-05", "emploi", "85191", false); 6]).unwrap(); // La Roche-sur-Yon
    let report = report_of(&store, &vendee, "85", None, Period { from: (2026, 1), to: (2026, 12) });
    assert!(
        report
            .epcis
            .iter()
            .all(|e| !(e.communes == 1 && e.tally.orientations > 0 && e.tally.orientations < NAMED_FROM)),
        "{:?}",
        report.epcis
    );
    assert!(report.epcis.iter().all(|e| e.name != "Communes sans intercommunalité" || e.tally.orientations == 0));
    let csv = render::csv(&report);
    assert!(!csv.contains("Communes sans intercommunalité") && !csv.contains("Groupes d'une seule commune"), "{csv}");
    let in_csv: u64 = csv.lines().skip(1).map(|l| l.rsplit(',').nth(1).unwrap().parse::<u64>().unwrap()).sum();
    assert_eq!(
        (in_csv, report.undisclosed.orientations, report.total.orientations),
        (6, 2, 8),
        "counted, not detailed"
    );
    let html = render::html(&report, render::Styles::Inline, None);
    assert!(html.contains("pas détaillées"));
}
