//! The report on Charente: real communes (COG 2026), the shipped taxonomy, a few places; the
//! counts written through the store, as the server writes them.

use aiguillage_engine::bundle::Bundle;
use aiguillage_engine::calendar::Date;
use aiguillage_engine::territory::Communes;
use aiguillage_engine::Actor;
use aiguillage_import::territory::{bundle, select, BundleParts};
use aiguillage_stats::report::{build, coverage_of, CoverageSummary, Period, Report, Scope, NAMED_FROM};
use aiguillage_stats::{render, Count, Store};
use std::collections::BTreeMap;

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
    for _ in 0..6 {
        counts.push(count("2026-12-01", "demarches", "16015", true)); // Angoulême: 6 far of 7
    }
    counts.push(count("2026-12-01", "demarches", "16015", false));
    counts.push(count("2026-12-01", "demarches", "16292", true)); // Ruffec: a cell of 1
    counts.push(count("2026-12-02", "emploi", "86194", false)); // Poitiers: not in the territory
    counts.push(count("2025-10-02", "emploi", "16292", false)); // before the period
    store.add(&counts).unwrap();

    let period = Period::last_twelve_months(Date::parse("2026-12-04").unwrap());
    assert_eq!(period, Period { from: (2026, 1), to: (2026, 12) });
    let needs: Vec<String> = with_place.taxonomy.top_level().map(|(_, n)| n.code.clone()).collect();
    let coverage = coverage_of(&with_place, &["16".to_owned()], &needs);
    let report = report_of(&store, &with_place, "16", Some(coverage), period);
    assert_eq!(report.total.orientations, 12, "Poitiers, 2025 and the cell of 1 left out");
    assert_eq!(report.hidden_cells, 1);
    assert_eq!(report.total.without_help_near, 0, "Angoulême's 6 without help are not shown: the 1 with help would be");
    assert_eq!(report.total.help_known, 5);
    assert_eq!(report.months.len(), 12);
    assert_eq!(report.months[10].1.orientations, NAMED_FROM);
    assert_eq!(report.months[11].1.orientations, 7);
    let emploi = report.needs.iter().find(|n| n.code == "emploi").unwrap();
    assert_eq!(emploi.tally.orientations, NAMED_FROM);
    let demarches = report.needs.iter().find(|n| n.code == "demarches").unwrap();
    assert_eq!(demarches.white_communes, Some(report.territory_communes), "no place for démarches anywhere");
    assert!(emploi.white_communes.unwrap() < report.territory_communes, "Ruffec's place covers its neighbours");
    let named: Vec<&str> = report.communes.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(named, ["Angoulême", "Ruffec"], "by name");
    let total_by_epci: u64 = report.epcis.iter().map(|e| e.tally.orientations).sum();
    assert_eq!(total_by_epci, report.total.orientations);

    let csv = render::csv(&report);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("mois,besoin,departement,code_epci,epci,orientations,sans_aide_proche"));
    let lines: Vec<&str> = lines.collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[0].starts_with("2026-11,emploi,16,") && lines[0].ends_with(",5,0"), "{csv}");
    assert!(lines[1].starts_with("2026-12,demarches,16,") && lines[1].ends_with(",7,"), "{csv}");

    let html = render::html(&report, render::Styles::Linked("tableau-de-bord.css"), Some("tableau-de-bord.csv"));
    assert!(html.contains("<li>Ruffec"), "named");
    assert!(html.contains("1 cellule de 1 à 4 orientations ne compte dans aucun nombre"), "said");
    assert!(!html.contains("<style") && !html.contains("style=") && !html.contains("<script"), "strict CSP");
    // The zones blanches, need by need: a dot per commune in its distance's class, the places.
    let maps: Vec<&str> = html.split("<svg class=\"zones\"").skip(1).map(|m| &m[..m.find("</svg>").unwrap()]).collect();
    assert_eq!(maps.len(), needs.len(), "a map per need");
    for map in &maps {
        assert_eq!(map.matches("<circle class=\"commune\"").count(), report.territory_communes, "a dot per commune");
    }
    let map_of = |need: &str| maps[needs.iter().position(|n| n == need).unwrap()];
    assert_eq!(map_of("demarches").matches("data-class=\"4\"").count(), report.territory_communes, "no place anywhere");
    assert_eq!(map_of("demarches").matches("<g class=\"place\">").count(), 0);
    assert!(map_of("emploi").contains("data-insee=\"16292\" data-class=\"0\""), "Ruffec has its place");
    assert_eq!(map_of("emploi").matches("<g class=\"place\">").count(), 1, "its mark");
    assert_eq!(map_of("emploi").matches("data-class=\"4\"").count(), 0, "every commune has a place at some distance");
    let text = render::text(&report);
    assert!(text.contains("Ruffec (16292)") && text.contains("Angoulême (16015)"), "{text}");
}

#[test]
fn a_commune_alone_in_its_group_is_not_shown_through_its_group() {
    // L'Île-d'Yeu (85113) belongs to no EPCI: the only commune of Vendée in that case.
    let vendee = departement("85", Vec::new());
    let mut store = Store::in_memory(0).unwrap();
    store.add(&[count("2026-11-03", "emploi", "85113", true), count("2026-11-04", "emploi", "85113", true)]).unwrap();
    store.add(&vec![count("2026-11-05", "emploi", "85191", false); 6]).unwrap(); // La Roche-sur-Yon
    let report = report_of(&store, &vendee, "85", None, Period { from: (2026, 1), to: (2026, 12) });
    let csv = render::csv(&report);
    assert!(!csv.contains("Communes sans intercommunalité"), "{csv}");
    let in_csv: u64 = csv.lines().skip(1).map(|l| l.rsplit(',').nth(1).unwrap().parse::<u64>().unwrap()).sum();
    assert_eq!((in_csv, report.total.orientations), (6, 6), "the total is the cells shown");
    assert!(report.epcis.iter().all(|e| e.tally.orientations == 0 || e.tally.orientations >= 5), "{:?}", report.epcis);
}

/// Every figure of a report, by what it counts: a question's answer an attacker may difference.
fn figures(report: &Report) -> BTreeMap<String, u64> {
    let mut figures = BTreeMap::new();
    figures.insert("total".to_owned(), report.total.orientations);
    figures.insert("total without help".to_owned(), report.total.without_help_near);
    for (month, tally) in &report.months {
        figures.insert(format!("month {month:?}"), tally.orientations);
        figures.insert(format!("month {month:?} without help"), tally.without_help_near);
    }
    for need in &report.needs {
        figures.insert(format!("need {}", need.code), need.tally.orientations);
        figures.insert(format!("need {} without help", need.code), need.tally.without_help_near);
    }
    for epci in &report.epcis {
        figures.insert(format!("epci {}", epci.siren), epci.tally.orientations);
        figures.insert(format!("epci {} without help", epci.siren), epci.tally.without_help_near);
    }
    // The CSV, read back as a spreadsheet would, summed per month, need and EPCI.
    let csv = render::csv(report);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    for record in reader.records() {
        let record = record.unwrap();
        let orientations: u64 = record[5].parse().unwrap();
        *figures.entry(format!("csv {} {} {}", &record[0], &record[1], &record[3])).or_default() += orientations;
        *figures.entry(format!("csv month {}", &record[0])).or_default() += orientations;
        *figures.entry(format!("csv need {}", &record[1])).or_default() += orientations;
        *figures.entry(format!("csv epci {}", &record[3])).or_default() += orientations;
        *figures.entry("csv total".to_owned()).or_default() += orientations;
    }
    figures
}

#[test]
fn no_figure_and_no_difference_of_two_questions_tells_a_count_of_one_to_four() {
    // Charente and Vienne, communes of 1 to 4 orientations beside larger ones, over four months.
    let both = departement("16", Vec::new());
    let vienne = departement("86", Vec::new());
    let communes = Communes::new(
        both.communes.iter().chain(vienne.communes.iter()).cloned().collect(),
        both.communes.epcis().iter().chain(vienne.communes.epcis()).cloned().collect(),
    );
    let mut store = Store::in_memory(0).unwrap();
    let towns = ["16015", "16292", "16113", "85113", "86194", "86066", "16070", "86041"];
    let needs = ["emploi", "demarches", "securite", "demarches-caf"];
    let mut seed = 7u64;
    let mut counts = Vec::new();
    for (t, town) in towns.iter().enumerate() {
        for (n, need) in needs.iter().enumerate() {
            for month in 9..=12 {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                // Mostly 0 to 4, sometimes more: small cells beside shown ones.
                let how_many = match (seed >> 33) % 10 {
                    0..=5 => (seed >> 40) % 5,
                    _ => 5 + (seed >> 40) % 4 + (t + n) as u64 % 3,
                };
                for i in 0..how_many {
                    let day = format!("2026-{month:02}-{:02}", 1 + i % 28);
                    counts.push(count(&day, need, town, (seed >> (20 + i)) & 1 == 1));
                }
            }
        }
    }
    store.add(&counts).unwrap();
    let (taxonomy, _, rules) = aiguillage_import::project::shipped().unwrap();
    let territories: [&[&str]; 3] = [&["16"], &["86"], &["16", "86"]];
    let mut answers = Vec::new();
    for first in 9..=12u32 {
        for last in first..=12u32 {
            for territory in territories {
                let departements: Vec<String> = territory.iter().map(|d| d.to_string()).collect();
                let period = Period { from: (2026, first), to: (2026, last) };
                let rows = store.months(period.first_day(), period.last_day()).unwrap();
                let scope = Scope {
                    territory: departements.join(","),
                    departements: &departements,
                    communes: &communes,
                    taxonomy: &taxonomy,
                    remote_after_km: rules.remote_after_km,
                    coverage: None,
                };
                let report = build(&rows, scope, period);
                answers.push(((first, last, departements.clone()), figures(&report)));
            }
        }
    }
    let small = |n: u64| (1..5).contains(&n);
    let mut hidden_somewhere = false;
    for (question, figures) in &answers {
        for (what, n) in figures {
            assert!(!small(*n), "{question:?}: {what} = {n}");
        }
        // Total minus what is shown, page against CSV.
        for (total, parts) in [("total", "month "), ("total", "need "), ("total", "epci "), ("csv total", "csv month ")]
        {
            let shown: u64 = figures
                .iter()
                .filter(|(k, _)| k.starts_with(parts) && !k.ends_with("without help"))
                .map(|(_, n)| n)
                .sum();
            assert!(
                !small(figures[total].abs_diff(shown)),
                "{question:?}: {total} − {parts}… = {}",
                figures[total] - shown
            );
        }
        assert_eq!(figures["total"], figures.get("csv total").copied().unwrap_or(0), "{question:?}: page and CSV");
    }
    // Two questions, one inside the other: their difference is no small count either.
    for (outer, outer_figures) in &answers {
        for (inner, inner_figures) in &answers {
            let inside = outer.0 <= inner.0 && inner.1 <= outer.1 && inner.2.iter().all(|d| outer.2.contains(d));
            if !inside || outer == inner {
                continue;
            }
            for (what, n) in inner_figures {
                let Some(m) = outer_figures.get(what) else { continue };
                let difference = m.abs_diff(*n);
                assert!(!small(difference), "{outer:?} − {inner:?}: {what} = {m} − {n}");
                hidden_somewhere |= difference > 0;
            }
        }
    }
    assert!(hidden_somewhere, "the questions differ at all");
    let all = &answers.iter().find(|(q, _)| *q == (9, 12, vec!["16".to_owned(), "86".to_owned()])).unwrap().1;
    assert!(all["total"] > 0, "some cells are shown");
}
