//! The administrator's commands of the workspace (issue #29): `user add|list|password|remove`
//! and `corrections export`, as typed, the password on the standard input.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn run(config: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_aiguillage-server"))
        .args(args)
        .arg("--config")
        .arg(config)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn said(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

#[test]
fn accounts_are_added_listed_given_a_new_password_and_removed() {
    let (root, config) = common::site("accounts", "");
    let add = run(&config, &["user", "add", "marie.dupont", "--territory", "16,86"], "une phrase de passe\n");
    assert!(add.status.success(), "{}", said(&add));
    assert_eq!(said(&add).trim(), "account marie.dupont added for 16, 86");

    // Mistakes are said, and change nothing.
    let cases: [(&[&str], &str, &str); 5] = [
        (&["user", "add", "marie.dupont", "--territory", "16"], "une autre phrase\n", "exists already"),
        (&["user", "add", "paul", "--territory", "16"], "court\n", "at least 12 characters"),
        (&["user", "add", "Paul Martin", "--territory", "16"], "une phrase de passe\n", "not an account name"),
        (&["user", "add", "paul", "--territory", "charente"], "une phrase de passe\n", "not a département code"),
        (&["user", "remove", "personne"], "", "no account is named personne"),
    ];
    for (args, stdin, expected) in cases {
        let output = run(&config, args, stdin);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(said(&output).contains(expected), "{args:?}: {}", said(&output));
    }
    let list = run(&config, &["user", "list"], "");
    assert_eq!(String::from_utf8_lossy(&list.stdout).trim(), "marie.dupont\t16,86");

    let store = aiguillage_workspace::Store::open(&root.join("espace.sqlite")).unwrap();
    let (_, before) = store.account("marie.dupont").unwrap().unwrap();
    let changed = run(&config, &["user", "password", "marie.dupont"], "une nouvelle phrase\n");
    assert!(changed.status.success(), "{}", said(&changed));
    let (_, after) = store.account("marie.dupont").unwrap().unwrap();
    assert_ne!(before, after);
    assert!(aiguillage_workspace::accounts::verify_password("une nouvelle phrase", Some(&after)));

    let export = run(&config, &["corrections", "export", "--out", root.join("export.toml").to_str().unwrap()], "");
    assert!(export.status.success(), "{}", said(&export));
    assert!(std::fs::read_to_string(root.join("export.toml"))
        .unwrap()
        .starts_with("# Corrections made in the coordinator's workspace"));

    let removed = run(&config, &["user", "remove", "marie.dupont"], "");
    assert!(removed.status.success(), "{}", said(&removed));
    assert!(String::from_utf8_lossy(&run(&config, &["user", "list"], "").stdout).contains("no account yet"));
}
