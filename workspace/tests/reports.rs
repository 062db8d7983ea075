//! What the widget's « Signaler une erreur » sends, checked: any body gives a report or an error
//! that says why, never a panic; an accepted report is within its limits.

use aiguillage_workspace::reports::{parse, Kind, SentError, MAX_TEXT_CHARS};
use proptest::prelude::*;

#[test]
fn each_refusal_says_why() {
    let served = |id: &str| id == "mednum-1";
    assert_eq!(
        parse(r#"{"place":"mednum-1","kind":"horaires","text":"  Fermé le lundi\n"}"#.as_bytes(), served).unwrap().text,
        "Fermé le lundi"
    );
    assert_eq!(parse(br#"{"place":"mednum-1","kind":"ferme"}"#, served).unwrap().kind, Kind::Closed);
    let cases: [(&[u8], &str); 7] = [
        (b"not json", "not a JSON object"),
        (br#"["mednum-1"]"#, "not a JSON object"),
        (br#"{"place":"mednum-1"}"#, "no `kind`"),
        (br#"{"place":"mednum-1","kind":"ferme","nom":"Marie"}"#, "unknown field `nom`"),
        (br#"{"place":"mednum-1","kind":3}"#, "`kind` is not a string"),
        (br#"{"place":"ailleurs","kind":"ferme"}"#, "no place `ailleurs`"),
        (br#"{"place":"mednum-1","kind":"ferme","text":"a\u0007b"}"#, "control character"),
    ];
    for (body, expected) in cases {
        let error = parse(body, served).unwrap_err().to_string();
        assert!(error.contains(expected), "{}: {error}", String::from_utf8_lossy(body));
    }
    let long = format!(r#"{{"place":"mednum-1","kind":"autre","text":"{}"}}"#, "é".repeat(281));
    assert_eq!(parse(long.as_bytes(), served).unwrap_err(), SentError::TextTooLong { chars: 281 });
}

proptest! {
    #[test]
    fn any_body_is_a_report_within_its_limits_or_an_error(body in proptest::collection::vec(any::<u8>(), 0..2_000)) {
        if let Ok(sent) = parse(&body, |_| true) {
            prop_assert!(sent.text.chars().count() <= MAX_TEXT_CHARS);
            prop_assert!(!sent.text.chars().any(|c| c.is_control() && c != '\n'));
        }
    }

    #[test]
    fn any_text_in_a_well_formed_body_is_kept_or_refused_whole(text in ".{0,300}", kind in 0usize..6) {
        let kinds = ["ferme", "horaires", "telephone", "adresse", "autre", "inconnu"];
        let body = serde_json::json!({"place": "p", "kind": kinds[kind], "text": text}).to_string();
        match parse(body.as_bytes(), |_| true) {
            Ok(sent) => prop_assert_eq!(sent.text, text.trim()),
            Err(error) => prop_assert!(!error.to_string().is_empty()),
        }
    }
}

/// The kinds the widget's form offers are the server's, each with its words in every language.
#[test]
fn the_forms_kinds_are_the_servers_each_with_its_words() {
    let form = include_str!("../../widget/static/signalement.js");
    let listed =
        form.split("const KINDS = [").nth(1).and_then(|rest| rest.split(']').next()).expect("KINDS in the form");
    let offered: Vec<&str> = listed.split(',').map(|code| code.trim().trim_matches('\'')).collect();
    assert_eq!(offered, Kind::ALL.map(Kind::code));
    let (_, wording, _) = aiguillage_shipped::project::shipped().unwrap();
    for kind in Kind::ALL {
        let words = wording.get(&format!("report.kind.{}", kind.code())).unwrap_or_else(|| panic!("{}", kind.code()));
        assert!(!words.fr.is_empty() && !words.falc.is_empty() && !words.en.is_empty(), "{}", kind.code());
    }
}
