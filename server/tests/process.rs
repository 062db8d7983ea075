//! The server as a coordinator runs it (the binary, a real socket): counts survive a restart and
//! a `kill -9` in the middle of writes; neither the database nor the logs hold anything about
//! the senders.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{beacon, request, site, BEACON};

struct Running {
    child: Child,
    address: SocketAddr,
}

fn start(config: &Path) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_aiguillage-server"))
        .arg("--config")
        .arg(config)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut first).unwrap();
    let address = first
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("the server says where it listens: {first}"));
    Running { child, address }
}

/// Stops the server with SIGTERM (as systemd does) and returns what it logged.
fn stop(mut running: Running) -> String {
    let _ = Command::new("kill").arg("-TERM").arg(running.child.id().to_string()).status();
    let deadline = Instant::now() + Duration::from_secs(10);
    while running.child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "the server stops on SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut logs = String::new();
    running.child.stdout.take().unwrap().read_to_string(&mut logs).unwrap();
    running.child.stderr.take().unwrap().read_to_string(&mut logs).unwrap();
    logs
}

/// The orientations in the database of the site at `root`, read beside the running server (the
/// published figures leave out cells under 5).
fn stored_total(root: &Path) -> u64 {
    aiguillage_stats::Reader::open(&root.join("stats.sqlite")).unwrap().total().unwrap()
}

#[test]
fn counts_survive_a_restart_and_a_kill_during_writes() {
    let (root, config) = site("kill", "[stats]\nper_client_per_minute = 0\n");
    let server = start(&config);
    for _ in 0..3 {
        assert_eq!(beacon(server.address, BEACON), 204);
    }
    assert!(stop(server).contains("stopped"));
    let server = start(&config);
    assert_eq!(stored_total(&root), 3, "kept across a restart");

    // Four clients send as fast as they can; the server is killed (-9) in the middle.
    let acknowledged = Arc::new(AtomicU64::new(0));
    let address = server.address;
    let senders: Vec<_> = (0..4)
        .map(|_| {
            let acknowledged = acknowledged.clone();
            std::thread::spawn(move || {
                let mut sent = 0u64;
                loop {
                    let Ok(mut stream) = std::net::TcpStream::connect(address) else { return sent };
                    use std::io::Write;
                    let head = format!(
                        "POST /stats HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{BEACON}",
                        BEACON.len()
                    );
                    sent += 1;
                    if stream.write_all(head.as_bytes()).is_err() {
                        return sent;
                    }
                    let mut answer = String::new();
                    let _ = stream.read_to_string(&mut answer);
                    if answer.starts_with("HTTP/1.1 204") {
                        acknowledged.fetch_add(1, Ordering::SeqCst);
                    } else if answer.is_empty() {
                        return sent;
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(700));
    let mut server = server;
    server.child.kill().unwrap(); // SIGKILL
    server.child.wait().unwrap();
    let sent: u64 = senders.into_iter().map(|s| s.join().unwrap()).sum();
    let acknowledged = acknowledged.load(Ordering::SeqCst);
    assert!(acknowledged > 20, "the load ran: {acknowledged} acknowledged");

    let server = start(&config);
    let kept = stored_total(&root) - 3;
    // Every acknowledged count is kept; a count committed whose answer was cut by the kill may
    // be kept too, never more than were sent.
    assert!(kept >= acknowledged && kept <= sent, "kept {kept}, acknowledged {acknowledged}, sent {sent}");
    stop(server);
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn nothing_about_the_sender_is_kept_or_logged() {
    let (root, config) = site("privacy", "trusted_proxies = [\"127.0.0.1\"]\n[stats]\nper_client_per_minute = 0\n");
    let server = start(&config);
    let marks = [
        ("User-Agent", "Mozilla/5.0 (Linux; Android 9; MARK-AGENT-7731)"),
        ("Referer", "https://www.ruffec.fr/mark-referer-4410/page"),
        ("X-Forwarded-For", "203.0.113.77"),
        ("Cookie", "session=mark-cookie-9902"),
    ];
    let (status, body) = request(
        server.address,
        "POST",
        "/stats",
        &[
            [("Content-Type", "text/plain;charset=UTF-8"), ("Origin", "https://www.ruffec.fr")].as_slice(),
            marks.as_slice(),
        ]
        .concat(),
        BEACON.as_bytes(),
    );
    assert_eq!(status, 204, "{body}");
    // A refused beacon is not logged with its sender either.
    let (refused, _) = request(
        server.address,
        "POST",
        "/stats",
        &[[("Content-Type", "text/plain")].as_slice(), marks.as_slice()].concat(),
        b"{",
    );
    assert_eq!(refused, 400);
    let logs = stop(server);
    let database = root.join("stats.sqlite");
    let mut stored = std::fs::read(&database).unwrap();
    for suffix in ["-wal", "-shm"] {
        if let Ok(more) = std::fs::read(format!("{}{suffix}", database.display())) {
            stored.extend(more);
        }
    }
    let stored = String::from_utf8_lossy(&stored);
    assert!(stored.contains("demarches-caf") && stored.contains("16292"), "the count is in the database");
    for needle in ["MARK-AGENT", "mark-referer", "203.0.113", "127.0.0.1", "mark-cookie", "ruffec.fr"] {
        assert!(!stored.contains(needle), "the database holds `{needle}`");
        assert!(!logs.contains(needle), "the logs hold `{needle}`: {logs}");
    }
    // Only days are kept: no time of day.
    let schema = schema_names_no_sender_column(&stored);
    assert!(schema, "no column for an address, an agent, a referrer or a time");
    std::fs::remove_dir_all(root).unwrap();
}

/// The schema's text names no column that could hold a sender or a time of day.
fn schema_names_no_sender_column(stored: &str) -> bool {
    let schema_start = stored.find("CREATE TABLE counts").expect("the schema is in the file");
    let schema = &stored[schema_start..schema_start + 400.min(stored.len() - schema_start)];
    ["ip", "agent", "referer", "referrer", "time", "cookie", "origin"]
        .iter()
        .all(|word| !schema.to_lowercase().contains(word))
}

#[test]
fn the_binary_says_its_version() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_aiguillage-server")).arg("--version").output().unwrap();
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        format!("aiguillage-server {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn a_backup_taken_while_the_server_counts_restores_every_acknowledged_count() {
    let (root, config) = site("backup", "[stats]\ndatabase = \"stats.sqlite\"\nper_client_per_minute = 0\n");
    let running = start(&config);
    let sent = 12;
    for _ in 0..sent {
        assert_eq!(beacon(running.address, BEACON), 204);
    }
    let saved = root.join("sauvegarde.sqlite");
    let output = Command::new(env!("CARGO_BIN_EXE_aiguillage-server"))
        .args(["backup", "--config"])
        .arg(&config)
        .arg(&saved)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    // Restored as a coordinator would: the file put back in place of the database.
    stop(running);
    std::fs::remove_file(root.join("stats.sqlite")).unwrap();
    let _ = std::fs::remove_file(root.join("stats.sqlite-wal"));
    let _ = std::fs::remove_file(root.join("stats.sqlite-shm"));
    std::fs::copy(&saved, root.join("stats.sqlite")).unwrap();
    let restored = start(&config);
    assert_eq!(stored_total(&root), sent);
    stop(restored);
    // A backup never overwrites a file.
    let again = Command::new(env!("CARGO_BIN_EXE_aiguillage-server"))
        .args(["backup", "--config"])
        .arg(&config)
        .arg(&saved)
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("will not overwrite"));
}

#[test]
fn sighup_adds_a_commune_site_without_a_restart_or_a_lost_count() {
    let (root, config) = site("sighup", "[stats]\nper_client_per_minute = 0\n");
    let running = start(&config);
    let from = |origin: &str| {
        request(
            running.address,
            "POST",
            "/stats",
            &[("Content-Type", "text/plain;charset=UTF-8"), ("Origin", origin)],
            BEACON.as_bytes(),
        )
        .0
    };
    assert_eq!(from("https://www.confolens.fr"), 403, "not listed yet");
    // Beacons keep coming from a listed site while the configuration is read again.
    let stop_sending = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let acknowledged = Arc::new(AtomicU64::new(0));
    let sender = {
        let (stop_sending, acknowledged, address) = (stop_sending.clone(), acknowledged.clone(), running.address);
        std::thread::spawn(move || {
            while !stop_sending.load(Ordering::Relaxed) {
                if beacon(address, BEACON) == 204 {
                    acknowledged.fetch_add(1, Ordering::Relaxed);
                }
            }
        })
    };
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace(
            "allowed_origins = [\"https://www.ruffec.fr\"]",
            "allowed_origins = [\"https://www.ruffec.fr\", \"https://www.confolens.fr\"]",
        ),
    )
    .unwrap();
    let _ = Command::new("kill").arg("-HUP").arg(running.child.id().to_string()).status();
    let deadline = Instant::now() + Duration::from_secs(10);
    while from("https://www.confolens.fr") != 204 {
        assert!(Instant::now() < deadline, "the new site is allowed after SIGHUP");
        std::thread::sleep(Duration::from_millis(50));
    }
    stop_sending.store(true, Ordering::Relaxed);
    sender.join().unwrap();
    assert!(acknowledged.load(Ordering::Relaxed) > 0);
    // Every acknowledged count is there: the sender's, and the new site's one.
    assert_eq!(stored_total(&root), acknowledged.load(Ordering::Relaxed) + 1);
    let logs = stop(running);
    assert!(logs.contains("configuration read again"), "{logs}");
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn a_database_the_service_cannot_write_stops_it_at_startup_with_what_to_do() {
    use std::os::unix::fs::PermissionsExt;
    let (root, config) = site("read-only", "[stats]\ndatabase = \"state/stats.sqlite\"\n");
    let state = root.join("state");
    std::fs::create_dir_all(&state).unwrap();
    drop(aiguillage_stats::Store::open(&state.join("stats.sqlite"), 0).unwrap());
    std::fs::set_permissions(state.join("stats.sqlite"), std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o555)).unwrap();
    // As the service's own user: root writes anything whatever its mode, so a root run becomes
    // nobody (as systemd's User= would).
    let mut command = if is_root() {
        let mut setpriv = Command::new("setpriv");
        setpriv.args(["--reuid=65534", "--regid=65534", "--clear-groups", env!("CARGO_BIN_EXE_aiguillage-server")]);
        setpriv
    } else {
        Command::new(env!("CARGO_BIN_EXE_aiguillage-server"))
    };
    let output = command.arg("--config").arg(&config).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "refused at startup, not a 503 per beacon: {stderr}");
    assert!(
        stderr.contains("cannot write the statistics database") && stderr.contains("let the service's user write"),
        "{stderr}"
    );
    std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::remove_dir_all(root).unwrap();
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

#[test]
fn a_slow_client_cannot_hold_the_server() {
    use std::io::Write;
    let (root, config) = site("slow", "client_timeout_seconds = 1\n[stats]\nper_client_per_minute = 0\n");
    let server = start(&config);
    // Headers trickled a byte at a time, never finished: cut off after the time limit.
    let mut loris = std::net::TcpStream::connect(server.address).unwrap();
    let started = Instant::now();
    let trickle =
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let mut cut_off = None;
    for byte in trickle {
        if loris.write_all(&[*byte]).is_err() {
            cut_off = Some(started.elapsed());
            break;
        }
        // Meanwhile others are served.
        if cut_off.is_none() && started.elapsed() < Duration::from_millis(300) {
            assert_eq!(request(server.address, "GET", "/healthz", &[], b"").0, 200);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let cut_off = cut_off.expect("the trickling client is cut off before it is done");
    assert!(cut_off < Duration::from_secs(4), "{cut_off:?}");

    // A beacon whose body never comes in full: 408 after the time limit.
    let mut slow = std::net::TcpStream::connect(server.address).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    slow.write_all(
        b"POST /stats HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n{\"need\":",
    )
    .unwrap();
    let mut answer = String::new();
    let _ = slow.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    stop(server);
    std::fs::remove_dir_all(root).unwrap();
}
