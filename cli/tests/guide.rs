//! `aiguillage guide` and the zones blanches maps of `coverage --format html`, on the default
//! territory: every need has its section, every place serving the communes is listed once, each
//! QR code is read back from its pixels and opens the widget on its need, the FALC guide speaks
//! FALC, the data's markup stays text, and each commune's dot is in its distance's class.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use aiguillage_engine::calendar::LocalDateTime;
use aiguillage_engine::{bundle as codec, orient, Lang, Profile};
use common::{aiguillage, bundle, data_args, scratch, stderr};

/// CC Val de Charente (Ruffec): 32 communes.
const EPCI: &str = "200043016";
const WIDGET: &str = "https://www.cc-valdecharente.fr/numerique";

fn guide(args: &[&str]) -> String {
    let out = scratch(&format!("guide-{}", args.join("-").replace(['/', ':', '.'], "_")));
    let file = out.join("guide.html");
    let file = file.to_str().unwrap();
    let mut all = vec!["guide", "--bundle", bundle(), "--from", "2026-12-07", "--out", file];
    all.extend(args);
    let output = aiguillage(&all);
    assert!(output.status.success(), "{}", stderr(&output));
    std::fs::read_to_string(file).unwrap()
}

/// The top-level needs of the shipped taxonomy, in its order: (code, label in `lang`).
fn needs(lang: Lang) -> Vec<(String, String)> {
    let (taxonomy, _, _) = aiguillage_shipped::project::shipped().unwrap();
    taxonomy.top_level().map(|(_, need)| (need.code.clone(), need.label.get(lang).to_string())).collect()
}

/// Every value of `attribute="…"` in `html`, in order.
fn attribute_values<'a>(html: &'a str, attribute: &str) -> Vec<&'a str> {
    let marker = format!(" {attribute}=\"");
    html.match_indices(&marker)
        .map(|(at, _)| {
            let rest = &html[at + marker.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

/// The text of a QR code drawn by `aiguillage_paper::qr`, read from its pixels by a QR reader.
fn read_qr(svg: &str) -> String {
    let side: usize = attribute_values(svg, "viewBox")[0].rsplit(' ').next().unwrap().parse().unwrap();
    let path = attribute_values(svg, "d")[0];
    let mut dark = vec![false; side * side];
    // `M{x} {y}h{run}v1h-{run}z` per run of dark modules.
    for run in path.split('z').filter(|r| !r.is_empty()) {
        let numbers: Vec<usize> =
            run.split(|c: char| !c.is_ascii_digit()).filter(|n| !n.is_empty()).map(|n| n.parse().unwrap()).collect();
        let (x, y, length) = (numbers[0], numbers[1], numbers[2]);
        for module in x..x + length {
            dark[y * side + module] = true;
        }
    }
    const PIXELS: usize = 6;
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(side * PIXELS, side * PIXELS, |px, py| {
        if dark[(py / PIXELS) * side + px / PIXELS] {
            0
        } else {
            255
        }
    });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the drawing");
    grids[0].decode().expect("the QR code decodes").1
}

/// The QR codes of a guide, in order.
fn qr_codes(html: &str) -> Vec<String> {
    html.match_indices("<svg class=\"qr\"")
        .map(|(at, _)| {
            let rest = &html[at..];
            read_qr(&rest[..rest.find("</svg>").unwrap()])
        })
        .collect()
}

#[test]
fn an_epcis_guide_has_every_need_and_lists_each_place_serving_its_communes_once() {
    let html = guide(&["--epci", EPCI, "--widget-url", WIDGET]);
    let sections: Vec<&str> =
        attribute_values(&html, "id").into_iter().filter_map(|id| id.strip_prefix("besoin-")).collect();
    let codes: Vec<String> = needs(Lang::Fr).into_iter().map(|(code, _)| code).collect();
    assert_eq!(sections, codes, "one section per need, in the taxonomy's order");

    // What the widget proposes first to a resident of each of its communes, for each need.
    let territory = codec::decode(&std::fs::read(bundle()).unwrap()).unwrap();
    let at = LocalDateTime::parse("2026-12-07T10:00").unwrap();
    let communes: Vec<_> = territory.communes.iter().filter(|c| c.epci.as_deref() == Some(EPCI)).collect();
    assert!(communes.len() > 20, "the EPCI's communes are in the bundle");
    let mut expected = BTreeSet::new();
    for commune in &communes {
        for code in &codes {
            let profile = Profile { commune: commune.insee.to_string(), need: code.clone(), ..Profile::default() };
            let orientation = orient(territory.territory(), &profile, at, 5).unwrap();
            for recommendation in orientation.recommendations {
                expected.insert(territory.directory.actors()[recommendation.actor].id.clone());
            }
        }
    }
    let mut listed: BTreeMap<String, usize> = BTreeMap::new();
    for id in attribute_values(&html, "data-id") {
        *listed.entry(id.replace("&amp;", "&").replace("&#39;", "'")).or_default() += 1;
    }
    assert_eq!(listed.keys().cloned().collect::<BTreeSet<_>>(), expected, "the places proposed to its communes");
    assert!(listed.values().all(|n| *n == 1), "each place's card is printed once: {listed:?}");
    // A place met again under another need points to its card.
    assert!(html.contains("class=\"again\"><a href=\"#lieu-"), "later needs point to the card");
    assert!(html.contains("Horaires") && html.contains("Tél. "), "hours in words and phones");
}

#[test]
fn each_qr_code_decodes_to_the_widgets_link_for_its_need_and_commune() {
    let codes: Vec<String> = needs(Lang::Fr).into_iter().map(|(code, _)| code).collect();
    // An EPCI's guide asks the commune.
    let epci = qr_codes(&guide(&["--epci", EPCI, "--widget-url", WIDGET]));
    let expected: Vec<String> =
        codes.iter().map(|need| format!("{WIDGET}#aiguillage=step.commune~need.{need}")).collect();
    assert_eq!(epci, expected);
    // A commune's guide opens its answers, on the widget's own key.
    let ruffec = qr_codes(&guide(&[
        "--commune",
        "16292",
        "--widget-url",
        "https://www.ruffec.fr/aide#top",
        "--widget-id",
        "mairie",
    ]));
    let expected: Vec<String> = codes
        .iter()
        .map(|need| format!("https://www.ruffec.fr/aide#aiguillage-mairie=step.results~need.{need}~commune.16292"))
        .collect();
    assert_eq!(ruffec, expected);
    // Without the widget's address, no code (and the guide still prints).
    assert!(qr_codes(&guide(&["--commune", "16292"])).is_empty());
}

#[test]
fn the_falc_guide_uses_the_falc_words_and_large_type_is_a_class() {
    let (_, wording, _) = aiguillage_shipped::project::shipped().unwrap();
    let falc = guide(&["--commune", "16292", "--lang", "fr-x-falc", "--large"]);
    let title = wording.render("guide.title", Lang::FrFalc, &[("place", "Ruffec")]);
    assert!(falc.contains(&format!("<h1>{}</h1>", title.replace('\'', "&#39;"))), "the FALC title");
    assert!(falc.contains("<html lang=\"fr\" class=\"large\">"));
    for ((_, plain), (code, simple)) in needs(Lang::Fr).into_iter().zip(needs(Lang::FrFalc)) {
        let heading = format!("id=\"besoin-{code}\">{}</h2>", simple.replace('\'', "&#39;"));
        assert!(falc.contains(&heading), "the FALC label of {code}");
        if plain != simple {
            assert!(
                !falc.contains(&format!(">{}</h2>", plain.replace('\'', "&#39;"))),
                "not the plain label of {code}"
            );
        }
    }
    assert!(falc.contains(&wording.text("guide.hours-separator", Lang::FrFalc).to_string()) || falc.contains(" de "));
    let english = guide(&["--commune", "16292", "--lang", "en"]);
    assert!(english.contains("<html lang=\"en\">") && english.contains("Opening hours"));
}

#[test]
fn markup_in_the_data_is_printed_as_text() {
    let dir = scratch("guide-markup");
    let places = dir.join("lieux.toml");
    std::fs::write(
        &places,
        r#"[[lieu]]
id = "balise"
nom = "<script>alert('x')</script> & \"Cie\""
besoins = ["demarches"]
adresse = "<b>1 rue</b>"
code_postal = "16700"
commune = "Ruffec"
code_insee = "16292"
telephone = "05 36 49 00 01"
horaires = "Mo-Fr 09:00-12:00"
"#,
    )
    .unwrap();
    let file = dir.join("16.bin");
    let (places, file) = (places.to_str().unwrap(), file.to_str().unwrap());
    let mut args = vec!["bundle", "--territory", "16", "--from", "2026-12-07", "--out", file];
    args.extend(data_args(&[places]));
    let output = aiguillage(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    let out = dir.join("guide.html");
    let output = aiguillage(&[
        "guide",
        "--bundle",
        file,
        "--commune",
        "16292",
        "--from",
        "2026-12-07",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let html = std::fs::read_to_string(out).unwrap();
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Cie&quot;"), "the name as text");
    assert!(html.contains("&lt;b&gt;1 rue&lt;/b&gt;"), "the address as text");
    assert!(!html.contains("<script") && !html.contains("<b>"), "no markup from the data");
}

#[test]
fn a_code_that_is_neither_a_commune_nor_an_epci_is_refused() {
    let output = aiguillage(&["guide", "--bundle", bundle(), "--epci", "200000000"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("no commune or EPCI `200000000`"), "{}", stderr(&output));
    let output =
        aiguillage(&["guide", "--bundle", bundle(), "--commune", "16292", "--widget-url", "javascript:alert(1)"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("expected the address of a page"), "{}", stderr(&output));
}

/// `coverage --format html`'s maps and `--format csv`'s commune rows, on the same data.
#[test]
fn the_zones_blanches_maps_have_one_dot_per_commune_in_the_class_of_its_distance() {
    let dir = scratch("coverage-maps");
    let (html_file, csv_file) = (dir.join("c.html"), dir.join("c.csv"));
    for (format, file) in [("html", &html_file), ("csv", &csv_file)] {
        let mut args = vec!["coverage", "--territory", "16", "--format", format, "--out", file.to_str().unwrap()];
        args.extend(data_args(&[]));
        let output = aiguillage(&args);
        assert!(output.status.success(), "{}", stderr(&output));
    }
    let html = std::fs::read_to_string(html_file).unwrap();
    let csv = std::fs::read_to_string(csv_file).unwrap();
    // niveau,besoin,code,nom,epci,population,lieux,distance_km,…
    let mut distances: BTreeMap<(String, String), Option<f64>> = BTreeMap::new();
    for line in csv.lines().skip(1).filter(|l| l.starts_with("commune,")) {
        let fields: Vec<&str> = line.split(',').collect();
        distances.insert((fields[1].to_string(), fields[2].to_string()), fields[7].parse().ok());
    }
    let codes: Vec<String> = needs(Lang::Fr).into_iter().map(|(code, _)| code).collect();
    let maps: Vec<&str> = html.split("<svg class=\"zones\"").skip(1).map(|m| &m[..m.find("</svg>").unwrap()]).collect();
    assert_eq!(maps.len(), codes.len(), "one map per need");
    let communes = distances.keys().filter(|(need, _)| need == &codes[0]).count();
    assert!(communes > 300, "Charente's communes");
    for (map, need) in maps.iter().zip(&codes) {
        let dots: Vec<(&str, usize)> = map
            .split("<circle class=\"commune\"")
            .skip(1)
            .map(|dot| {
                (attribute_values(dot, "data-insee")[0], attribute_values(dot, "data-class")[0].parse().unwrap())
            })
            .collect();
        assert_eq!(dots.len(), communes, "{need}: one dot per commune");
        for (insee, class) in dots {
            let km = distances[&(need.clone(), insee.to_string())];
            let expected = match km {
                None => 4,
                Some(km) if km <= 5.0 => 0,
                Some(km) if km <= 10.0 => 1,
                Some(km) if km <= 20.0 => 2,
                Some(_) => 3,
            };
            // The CSV rounds to 100 m: a distance within 50 m of a class's edge may read either way.
            let on_edge = km.is_some_and(|km| [5.0, 10.0, 20.0].iter().any(|edge| (km - edge).abs() <= 0.05));
            assert!(class == expected || on_edge, "{need} {insee}: {km:?} km in class {class}");
        }
        assert!(
            map.contains("<g class=\"place\">") || map.matches("data-class=\"4\"").count() == communes,
            "{need}: its places"
        );
    }
}
