//! Accounts, sessions, sign-in back-off, corrections and the journal, in a database in memory.

use aiguillage_workspace::store::{ABSOLUTE_SECONDS, IDLE_SECONDS};
use aiguillage_workspace::{accounts, throttle, Account, Correction, Store};

const NOW: i64 = 1_796_000_000;

fn charente() -> Account {
    Account { name: "marie.dupont".into(), territories: vec!["16".into()] }
}

#[test]
fn a_password_is_kept_as_argon2id_and_checked() {
    let hash = accounts::hash_password("une phrase de passe longue").unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(accounts::verify_password("une phrase de passe longue", Some(&hash)));
    assert!(!accounts::verify_password("une phrase de passe longuE", Some(&hash)));
    // An unknown account is never let in, whatever its password.
    assert!(!accounts::verify_password("une phrase de passe longue", None));
    assert!(accounts::hash_password("court").unwrap_err().contains("12 characters"));
}

#[test]
fn names_and_territories_are_checked() {
    assert!(accounts::check_name("marie.dupont").is_ok());
    for bad in ["M", "Marie", "marie dupont", "<b>", ""] {
        assert!(accounts::check_name(bad).is_err(), "{bad}");
    }
    assert_eq!(accounts::parse_territories("16, 86,2a,974,16").unwrap(), ["16", "86", "2A", "974"]);
    for bad in ["20", "96", "977", "charente", ""] {
        assert!(accounts::parse_territories(bad).is_err(), "{bad}");
    }
}

#[test]
fn accounts_are_added_once_listed_and_removed_with_their_sessions() {
    let store = Store::in_memory().unwrap();
    store.add_account(&charente(), "hash", NOW).unwrap();
    assert!(store.add_account(&charente(), "other", NOW).unwrap_err().to_string().contains("exists already"));
    assert_eq!(store.accounts().unwrap(), [charente()]);
    let session = store.open_session("marie.dupont", NOW).unwrap();
    assert!(store.session(&session.token, NOW).unwrap().is_some());
    assert!(store.remove_account("marie.dupont").unwrap());
    assert!(store.session(&session.token, NOW).unwrap().is_none());
    assert!(!store.remove_account("marie.dupont").unwrap());
}

#[test]
fn a_session_ends_after_eight_idle_hours_or_seven_days_and_at_a_new_password() {
    let store = Store::in_memory().unwrap();
    store.add_account(&charente(), "hash", NOW).unwrap();
    let first = store.open_session("marie.dupont", NOW).unwrap();
    let second = store.open_session("marie.dupont", NOW).unwrap();
    assert_ne!(first.token, second.token, "a new identifier at every sign-in");
    assert_ne!(first.csrf, second.csrf);
    assert_eq!(first.token.len(), 64);

    // Used every seven hours: still open after six days…
    let mut now = NOW;
    while now + 7 * 3_600 < NOW + ABSOLUTE_SECONDS {
        now += 7 * 3_600;
        assert!(store.session(&first.token, now).unwrap().is_some(), "open at {}", now - NOW);
    }
    // …but not past the seventh day.
    assert!(store.session(&first.token, NOW + ABSOLUTE_SECONDS + 1).unwrap().is_none());
    // Idle for more than eight hours: closed.
    assert!(store.session(&second.token, NOW + IDLE_SECONDS + 1).unwrap().is_none());
    assert!(store.session(&second.token, NOW).unwrap().is_none(), "an expired session does not come back");

    let third = store.open_session("marie.dupont", NOW).unwrap();
    assert_eq!(store.session(&third.token, NOW + 10).unwrap().unwrap().csrf, third.csrf);
    store.set_password("marie.dupont", "new hash").unwrap();
    assert!(store.session(&third.token, NOW + 20).unwrap().is_none());
    // A token that was never given opens nothing.
    assert!(store.session("0000", NOW).unwrap().is_none());
}

#[test]
fn failures_lock_with_back_off_and_are_forgotten() {
    let store = Store::in_memory().unwrap();
    let key = "compte:marie.dupont";
    for attempt in 1..5 {
        assert_eq!(store.failed(key, throttle::PER_ACCOUNT, NOW + attempt).unwrap(), None, "attempt {attempt}");
    }
    assert_eq!(store.failed(key, throttle::PER_ACCOUNT, NOW + 5).unwrap(), Some(NOW + 5 + 60));
    assert_eq!(store.locked_until(key, NOW + 30).unwrap(), Some(NOW + 65));
    assert_eq!(store.locked_until(key, NOW + 65).unwrap(), None);
    assert_eq!(store.failed(key, throttle::PER_ACCOUNT, NOW + 70).unwrap(), Some(NOW + 70 + 120));
    assert_eq!(store.failed(key, throttle::PER_ACCOUNT, NOW + 200).unwrap(), Some(NOW + 200 + 240));
    assert_eq!(throttle::PER_ACCOUNT.lock_after(40), 3_600, "an hour at most");
    // An hour after the last failure, the count starts again.
    assert_eq!(store.failed(key, throttle::PER_ACCOUNT, NOW + 200 + 3_601).unwrap(), None);
    store.failed(key, throttle::PER_ACCOUNT, NOW + 5_000).unwrap();
    store.forget_failures(key).unwrap();
    assert_eq!(store.locked_until(key, NOW + 5_001).unwrap(), None);
}

fn correction(place: &str, territory: &str, field: &str, value: &str) -> Correction {
    Correction {
        territory: territory.into(),
        place: place.into(),
        field: field.into(),
        value: value.into(),
        source_value: "05 45 00 00 00".into(),
        account: "marie.dupont".into(),
        at: NOW,
    }
}

#[test]
fn corrections_are_kept_per_field_and_every_change_is_in_the_journal() {
    let mut store = Store::in_memory().unwrap();
    store.correct(&correction("a", "16", "telephone", "05 45 11 11 11"), "05 45 00 00 00", false).unwrap();
    store.correct(&correction("a", "16", "telephone", "05 45 22 22 22"), "05 45 11 11 11", false).unwrap();
    store.correct(&correction("b", "86", "nom", "Espace numérique"), "EPN", false).unwrap();
    let charente = store.corrections(Some(&["16".to_owned()])).unwrap();
    assert_eq!(charente.len(), 1);
    assert_eq!(charente[0].value, "05 45 22 22 22");
    assert_eq!(charente[0].source_value, "05 45 00 00 00", "what the sources said, as given again");
    assert_eq!(store.corrections(None).unwrap().len(), 2);

    let journal = store.journal(&["16".to_owned()], 10).unwrap();
    assert_eq!(journal.len(), 2, "the other territory's change is not shown");
    assert_eq!((journal[0].before.as_str(), journal[0].after.as_str()), ("05 45 11 11 11", "05 45 22 22 22"));

    store.correct(&correction("a", "16", "telephone", "05 45 00 00 00"), "05 45 22 22 22", true).unwrap();
    assert!(store.corrections(Some(&["16".to_owned()])).unwrap().is_empty(), "withdrawn");
    assert_eq!(store.journal(&["16".to_owned()], 10).unwrap().len(), 3);
}

#[test]
fn a_database_of_a_newer_server_is_refused() {
    let path = std::env::temp_dir().join(format!("aiguillage-workspace-newer-{}.sqlite", std::process::id()));
    let _ = std::fs::remove_file(&path);
    drop(Store::open(&path).unwrap());
    rusqlite::Connection::open(&path).unwrap().pragma_update(None, "user_version", 99).unwrap();
    let error = Store::open(&path).err().unwrap().to_string();
    assert!(error.contains("newer server"), "{error}");
    let _ = std::fs::remove_file(&path);
}

#[test]
fn a_place_keeps_twenty_reports_a_day_and_its_next_day_starts_again() {
    let store = Store::in_memory().unwrap();
    let sent = aiguillage_workspace::reports::Sent {
        place: "a".into(),
        kind: aiguillage_workspace::reports::Kind::Closed,
        text: String::new(),
    };
    for _ in 0..20 {
        assert!(store.add_report("16", &sent, "2026-12-07").unwrap());
    }
    assert!(!store.add_report("16", &sent, "2026-12-07").unwrap(), "the 21st of the day is refused");
    assert!(store.add_report("16", &sent, "2026-12-08").unwrap());
    assert_eq!(store.reports(&["16".to_owned()]).unwrap().len(), 21);
}
