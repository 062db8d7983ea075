//! `cargo xtask load [--seconds N] [--connections C]`: a bounded loopback load test of the demo
//! server, with the standard library only: threads, `TcpStream`, HTTP/1.1 keep-alive requests
//! written by hand and `Content-Length` bodies read back.
//!
//! It starts `target/release/aiguillage-demo` on a free 127.0.0.1 port, runs C connections
//! (default 32) for N seconds (default 20, at most 120) over a mix of the pages, the loader, the
//! hashed wasm (its name read from the loader the server sends), the data bundle (brotli) and a
//! path that must answer 404; it counts requests, unexpected statuses and I/O errors, measures
//! latency and throughput, and samples the server's resident memory (`VmRSS`) every second.
//! Before the load, a probe sends raw request targets (`..`, `%2e%2e`, `%2f`, `%5c`, `%00`) and
//! checks that none escapes the embedded files, and checks MIME types, CORS and security headers
//! on the release binary over a real socket. When Debian's `wrk` is installed it also runs it for 10 seconds over the same 200 paths, as a
//! cross-check. Then it stops the server. It fails when any request failed.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::server::Server;

use crate::steps::{root, run as run_command, Result};

const DEFAULT_SECONDS: u64 = 20;
const MAX_SECONDS: u64 = 120;
const DEFAULT_CONNECTIONS: usize = 32;
const MAX_CONNECTIONS: usize = 256;
/// wrk's run is bounded too.
const WRK_SECONDS: u64 = 10;
/// A request that takes longer than this counts as an I/O error.
const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// One kind of request of the mix.
struct Target {
    label: &'static str,
    path: String,
    accept_encoding: Option<&'static str>,
    status: u16,
    /// The `Content-Encoding` the answer must have, when one is expected.
    encoding: Option<&'static str>,
}

pub fn run(args: &[String]) -> Result<()> {
    let (seconds, connections) = parse_args(args)?;
    let root = root();
    let loader = root.join("target/dist/widget/aiguillage.js");
    if !loader.is_file() {
        return Err(format!("{} is missing: build the widget assets first with `cargo xtask dist`", loader.display()));
    }
    let server = demo_binary(&root)?;
    println!("xtask: starting {}", server.display());
    // The statistics in a real file (WAL on disk), without the per-client limit or the daily
    // maximum: the load comes from one address and counts every beacon.
    let database = root.join("target/tmp/load-stats.sqlite");
    std::fs::create_dir_all(root.join("target/tmp")).map_err(|e| format!("cannot create target/tmp: {e}"))?;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", database.display()));
    }
    let database_arg = database.to_string_lossy().into_owned();
    let demo =
        Server::start(&server, &["--stats-db", &database_arg, "--stats-per-minute", "0", "--stats-max-per-day", "0"])?;
    let address = demo.address;
    println!("xtask: the demo server listens on http://{address}/");

    let targets = targets(address)?;
    probe(address, &targets)?;
    let report = load(address, &targets, connections, Duration::from_secs(seconds), demo.pid())?;
    print_report(&report, &targets, address, connections, seconds);

    let wrk = wrk_cross_check(address, &targets, connections, demo.pid());
    let beacons = beacon_load(&root, address, connections, Duration::from_secs(seconds), None)?;
    let stored = stored_counts(address)?;
    print_beacons(&beacons, stored, connections, seconds);
    let (read_beside, readers) = beacons_beside_dashboards(&root, address, Duration::from_secs(seconds))?;
    drop(demo);

    if let Err(note) = &wrk {
        println!("\nwrk: {note}");
    }
    if report.io_errors > 0 || report.unexpected > 0 {
        return Err(format!(
            "the demo server failed {} request(s): {} I/O error(s), {} unexpected status(es)",
            report.io_errors + report.unexpected,
            report.io_errors,
            report.unexpected
        ));
    }
    if stored != beacons.acknowledged || beacons.io_errors > 0 || beacons.refused > 0 {
        return Err(format!(
            "statistics: {} beacons acknowledged, {stored} stored, {} refused, {} I/O error(s){}",
            beacons.acknowledged,
            beacons.refused,
            beacons.io_errors,
            beacons.first_error.as_ref().map_or(String::new(), |e| format!(" (first: {e})"))
        ));
    }
    if let Ok(Some(errors)) = wrk {
        return Err(format!("wrk saw {errors} error(s) or non-2xx answer(s)"));
    }
    let p99 = percentile(&read_beside.latencies_us, 99);
    if p99 > BEACON_P99_BESIDE_READERS_MS || read_beside.io_errors > 0 || readers.failed > 0 {
        return Err(format!(
            "beside {DASHBOARD_READERS} dashboard readers: beacons p99 {p99:.2} ms (at most {BEACON_P99_BESIDE_READERS_MS} ms), {} beacon I/O error(s), {} dashboard(s) failed",
            read_beside.io_errors, readers.failed
        ));
    }
    Ok(())
}

/// Concurrent dashboard readers while beacons are sent (issue 26): reading never blocks counting.
const DASHBOARD_READERS: usize = 200;
const BEACON_P99_BESIDE_READERS_MS: f64 = 100.0;
const PACED_BEACONS_PER_SECOND: u32 = 500;
const PACED_CONNECTIONS: usize = 8;

struct Readers {
    served: u64,
    failed: u64,
    first_error: Option<String>,
}

/// Beacons at [`PACED_BEACONS_PER_SECOND`] (the busiest second of a national deployment, see
/// docs/PERFORMANCE.md) over [`PACED_CONNECTIONS`] connections, while [`DASHBOARD_READERS`]
/// connections ask the dashboard and its CSV again and again, for twelve different periods (each
/// committed batch makes the cached reports stale, so they are read and built again). The load
/// comes from this machine's two cores too: the beacons' latency is what a beacon waits while
/// the dashboard is read at full speed.
fn beacons_beside_dashboards(root: &Path, address: SocketAddr, length: Duration) -> Result<(Beacons, Readers)> {
    let stop = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..DASHBOARD_READERS)
        .map(|reader| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let (mut served, mut failed, mut first_error) = (0u64, 0u64, None);
                let mut connection: Option<Connection> = None;
                let mut body = Vec::new();
                let mut turn = reader;
                while !stop.load(Ordering::Relaxed) {
                    turn += 1;
                    let month = 1 + turn % 12;
                    let page = if turn % 2 == 0 { "tableau-de-bord" } else { "tableau-de-bord.csv" };
                    let path = format!("/{page}?territoire=16&du=2026-{month:02}&au=2026-12");
                    let answer = connection
                        .take()
                        .map_or_else(|| Connection::open(address), Ok)
                        .and_then(|mut open| open.get_into(&path, None, &mut body).map(|(status, _)| (open, status)));
                    match answer {
                        Ok((open, 200)) => {
                            served += 1;
                            connection = Some(open);
                        }
                        Ok((open, status)) => {
                            failed += 1;
                            first_error.get_or_insert(format!("{path}: {status}"));
                            connection = Some(open);
                        }
                        Err(error) => {
                            failed += 1;
                            first_error.get_or_insert(format!("{path}: {error}"));
                        }
                    }
                }
                (served, failed, first_error)
            })
        })
        .collect();
    let pace = Duration::from_secs(1) * PACED_CONNECTIONS as u32 / PACED_BEACONS_PER_SECOND;
    let beacons = beacon_load(root, address, PACED_CONNECTIONS, length, Some(pace));
    stop.store(true, Ordering::Relaxed);
    let mut totals = Readers { served: 0, failed: 0, first_error: None };
    for reader in readers {
        let (served, failed, first_error) = reader.join().map_err(|_| "a dashboard reader panicked".to_string())?;
        totals.served += served;
        totals.failed += failed;
        if totals.first_error.is_none() {
            totals.first_error = first_error;
        }
    }
    let beacons = beacons?;
    println!(
        "beside {DASHBOARD_READERS} dashboard readers: beacons {}; dashboards and CSVs served {} ({:.0}/s), {} failed{}",
        beacons.summary(),
        totals.served,
        totals.served as f64 / beacons.elapsed.as_secs_f64(),
        totals.failed,
        totals.first_error.as_ref().map_or(String::new(), |e| format!(" (first: {e})"))
    );
    Ok((beacons, totals))
}

fn parse_args(args: &[String]) -> Result<(u64, usize)> {
    let usage = "usage: cargo xtask load [--seconds N (1-120, default 20)] [--connections C (1-256, default 32)]";
    let (mut seconds, mut connections) = (DEFAULT_SECONDS, DEFAULT_CONNECTIONS);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let value = args.next().ok_or_else(|| format!("{arg} needs a value\n{usage}"))?;
        match arg.as_str() {
            "--seconds" => {
                seconds =
                    value.parse().ok().filter(|s| *s > 0).ok_or_else(|| format!("bad --seconds `{value}`\n{usage}"))?;
                if seconds > MAX_SECONDS {
                    println!("xtask: --seconds {seconds} capped to {MAX_SECONDS}");
                    seconds = MAX_SECONDS;
                }
            }
            "--connections" => {
                connections = value
                    .parse()
                    .ok()
                    .filter(|c| (1..=MAX_CONNECTIONS).contains(c))
                    .ok_or_else(|| format!("bad --connections `{value}`\n{usage}"))?;
            }
            _ => return Err(format!("unexpected argument `{arg}`\n{usage}")),
        }
    }
    Ok((seconds, connections))
}

/// The release demo server, built when absent or older than the widget assets it embeds.
fn demo_binary(root: &Path) -> Result<PathBuf> {
    // Cargo says itself whether the binary is up to date with the code and the assets it embeds.
    println!("xtask: building the demo server (release)");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    run_command(Command::new(cargo).current_dir(root).args(["build", "--release", "-p", "aiguillage-demo"]))?;
    Ok(root.join("target/release/aiguillage-demo"))
}

/// One request on its own connection (`Connection: close`), with the request target written as
/// given (no normalisation of `..` or `%2e`, unlike browsers and most clients).
fn raw_get(
    address: SocketAddr,
    target: &str,
    accept_encoding: Option<&str>,
) -> std::io::Result<(u16, Vec<(String, String)>, Vec<u8>)> {
    let mut stream = TcpStream::connect_timeout(&address, IO_TIMEOUT)?;
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    let mut request = format!("GET {target} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    if let Some(encoding) = accept_encoding {
        request.push_str(&format!("Accept-Encoding: {encoding}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes())?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer)?;
    let bad = || std::io::Error::new(std::io::ErrorKind::InvalidData, "not an HTTP/1.1 answer");
    let end = answer.windows(4).position(|w| w == b"\r\n\r\n").ok_or_else(bad)?;
    let head = String::from_utf8_lossy(&answer[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.strip_prefix("HTTP/1.1 "))
        .and_then(|r| r.get(..3))
        .and_then(|c| c.parse().ok())
        .ok_or_else(bad)?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_string()))
        .collect();
    Ok((status, headers, answer[end + 4..].to_vec()))
}

/// The hardening of the release binary, over a real socket, before the load: no path
/// traversal whatever the spelling, MIME types, CORS and security headers. Fails on the first
/// answer that is wrong.
fn probe(address: SocketAddr, targets: &[Target]) -> Result<()> {
    const TRAVERSALS: &[&str] = &[
        "/widget/../Cargo.toml",
        "/widget/../../Cargo.toml",
        "/widget/%2e%2e/%2e%2e/Cargo.toml",
        "/widget/..%2f..%2fCargo.toml",
        "/widget/%2e%2e%5c%2e%2e%5cCargo.toml",
        "/widget/....//....//Cargo.toml",
        "/widget//etc/passwd",
        "/widget/%2fetc%2fpasswd",
        "/..%2f..%2f..%2fetc%2fpasswd",
        "/%2e%2e/demo/src/lib.rs",
        "/widget/data/default.bin.br",
        "/widget/aiguillage.js%00.html",
    ];
    let mut checked = 0;
    for target in TRAVERSALS {
        let (status, _, body) = raw_get(address, target, None).map_err(|e| format!("probe {target}: {e}"))?;
        let text = String::from_utf8_lossy(&body);
        if !matches!(status, 400 | 404) || text.contains("[package]") || text.contains("root:") {
            return Err(format!("probe: {target} answered {status} ({} bytes): path traversal?", body.len()));
        }
        checked += 1;
    }
    let header = |headers: &[(String, String)], name: &str| {
        headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).unwrap_or_default()
    };
    let wasm = &targets.iter().find(|t| t.label == "wasm").ok_or("no wasm target")?.path;
    let expectations: Vec<(String, Option<&str>, &str, &str)> = vec![
        (wasm.clone(), Some("br"), "content-type", "application/wasm"),
        (wasm.clone(), Some("br"), "access-control-allow-origin", "*"),
        (wasm.clone(), Some("br"), "cache-control", "public, max-age=31536000, immutable"),
        (wasm.clone(), Some("br"), "x-content-type-options", "nosniff"),
        ("/widget/aiguillage.js".into(), None, "content-type", "text/javascript; charset=utf-8"),
        ("/widget/aiguillage.js".into(), None, "access-control-allow-origin", "*"),
        ("/widget/data/default.bin".into(), Some("br"), "content-type", "application/octet-stream"),
        ("/".into(), None, "content-type", "text/html; charset=utf-8"),
        ("/".into(), None, "x-content-type-options", "nosniff"),
        ("/".into(), None, "referrer-policy", "no-referrer"),
    ];
    for (path, encoding, name, expected) in &expectations {
        let (status, headers, _) = raw_get(address, path, *encoding).map_err(|e| format!("probe {path}: {e}"))?;
        let got = header(&headers, name);
        if status != 200 || got != *expected {
            return Err(format!("probe: {path} answered {status} with {name}: {got:?}, expected {expected:?}"));
        }
        checked += 1;
    }
    // The strict pages' policies, by what they must say (the demo's `csp.rs` holds them whole).
    let policies: [(&str, &[&str]); 2] = [
        ("/csp.html", &["script-src 'self' 'wasm-unsafe-eval'", "style-src 'self'", "object-src 'none'"]),
        ("/trusted-types.html", &["require-trusted-types-for 'script'", "trusted-types 'none'"]),
    ];
    for (path, musts) in policies {
        let (status, headers, _) = raw_get(address, path, None).map_err(|e| format!("probe {path}: {e}"))?;
        let policy = header(&headers, "content-security-policy");
        if status != 200 || policy.contains("unsafe-inline") || !musts.iter().all(|m| policy.contains(m)) {
            return Err(format!("probe: {path} answered {status} with the policy {policy:?}"));
        }
        checked += 1;
    }
    println!(
        "xtask: hardening probe over TCP: {} traversal spellings answered 400/404, {} header checks passed",
        TRAVERSALS.len(),
        checked - TRAVERSALS.len()
    );
    Ok(())
}

/// The mix. The wasm's hashed name is read from the loader the server sends, so the test asks
/// for what a browser would.
fn targets(address: SocketAddr) -> Result<Vec<Target>> {
    let mut connection = Connection::open(address).map_err(|e| format!("cannot connect to {address}: {e}"))?;
    let loader = connection.get("/widget/aiguillage.js", None).map_err(|e| format!("cannot fetch the loader: {e}"))?;
    if loader.status != 200 {
        return Err(format!("the loader answered {}", loader.status));
    }
    let text = String::from_utf8_lossy(&loader.body);
    let wasm = text
        // The minifier picks the quotes.
        .split(['\'', '"', '`'])
        .find(|s| s.starts_with("aiguillage_widget_bg.") && s.ends_with(".wasm"))
        .ok_or("the loader names no aiguillage_widget_bg.*.wasm: rebuild with `cargo xtask dist`")?
        .to_string();
    let target = |label, path: String, accept_encoding, status, encoding| Target {
        label,
        path,
        accept_encoding,
        status,
        encoding,
    };
    Ok(vec![
        target("page", "/".into(), Some("gzip, deflate, br"), 200, None),
        target("loader", "/widget/aiguillage.js".into(), Some("gzip"), 200, Some("gzip")),
        target("wasm", format!("/widget/{wasm}"), Some("gzip, deflate, br"), 200, Some("br")),
        target("bundle", "/widget/data/default.bin".into(), Some("br"), 200, Some("br")),
        target("404", "/widget/absent.js".into(), None, 404, None),
    ])
}

/// One answer.
struct Answer {
    status: u16,
    body: Vec<u8>,
}

/// A keep-alive HTTP/1.1 connection.
struct Connection {
    reader: BufReader<TcpStream>,
    host: String,
}

impl Connection {
    fn open(address: SocketAddr) -> std::io::Result<Self> {
        let stream = TcpStream::connect_timeout(&address, IO_TIMEOUT)?;
        stream.set_read_timeout(Some(IO_TIMEOUT))?;
        stream.set_write_timeout(Some(IO_TIMEOUT))?;
        stream.set_nodelay(true)?;
        Ok(Connection { reader: BufReader::with_capacity(64 * 1024, stream), host: address.to_string() })
    }

    fn get(&mut self, path: &str, accept_encoding: Option<&str>) -> std::io::Result<Answer> {
        let mut body = Vec::new();
        let (status, _) = self.get_into(path, accept_encoding, &mut body)?;
        Ok(Answer { status, body })
    }

    /// Sends a GET and reads the answer's body into `body` (cleared first).
    fn get_into(
        &mut self,
        path: &str,
        accept_encoding: Option<&str>,
        body: &mut Vec<u8>,
    ) -> std::io::Result<(u16, Option<String>)> {
        let mut request =
            format!("GET {path} HTTP/1.1\r\nHost: {}\r\nUser-Agent: aiguillage-xtask-load\r\n", self.host);
        if let Some(encoding) = accept_encoding {
            request.push_str(&format!("Accept-Encoding: {encoding}\r\n"));
        }
        request.push_str("\r\n");
        self.exchange(request.as_bytes(), body)
    }

    /// Sends a beacon as the widget does (`text/plain`), and reads the answer's body.
    fn post_beacon(&mut self, beacon: &str, body: &mut Vec<u8>) -> std::io::Result<u16> {
        let request = format!(
            "POST /stats HTTP/1.1\r\nHost: {}\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: {}\r\n\r\n{beacon}",
            self.host,
            beacon.len()
        );
        self.exchange(request.as_bytes(), body).map(|(status, _)| status)
    }

    fn exchange(&mut self, request: &[u8], body: &mut Vec<u8>) -> std::io::Result<(u16, Option<String>)> {
        self.reader.get_mut().write_all(request)?;

        let bad = |what: String| std::io::Error::new(std::io::ErrorKind::InvalidData, what);
        let mut line = String::new();
        if self.reader.read_line(&mut line)? == 0 {
            return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "connection closed"));
        }
        let status = line
            .strip_prefix("HTTP/1.1 ")
            .and_then(|rest| rest.get(..3))
            .and_then(|code| code.parse::<u16>().ok())
            .ok_or_else(|| bad(format!("bad status line {line:?}")))?;
        let (mut length, mut encoding, mut close) = (None, None, false);
        loop {
            line.clear();
            if self.reader.read_line(&mut line)? == 0 {
                return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "closed in the headers"));
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            let Some((name, value)) = header.split_once(':') else { return Err(bad(format!("bad header {header:?}"))) };
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                length = Some(value.parse::<usize>().map_err(|_| bad(format!("bad Content-Length {value:?}")))?);
            } else if name.eq_ignore_ascii_case("content-encoding") {
                encoding = Some(value.to_string());
            } else if name.eq_ignore_ascii_case("connection") && value.eq_ignore_ascii_case("close") {
                close = true;
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                return Err(bad(format!("Transfer-Encoding {value} where Content-Length was expected")));
            }
        }
        let length = if status == 204 { 0 } else { length.ok_or_else(|| bad("no Content-Length".into()))? };
        body.clear();
        (&mut self.reader).take(length as u64).read_to_end(body)?;
        if body.len() != length {
            return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "body shorter than its Content-Length"));
        }
        if close {
            return Err(std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "server closed the connection"));
        }
        Ok((status, encoding))
    }
}

/// What one target saw.
#[derive(Clone, Default)]
struct PathStats {
    requests: u64,
    unexpected: u64,
    bytes: u64,
    latencies_us: Vec<u32>,
}

struct Report {
    elapsed: Duration,
    paths: Vec<PathStats>,
    io_errors: u64,
    unexpected: u64,
    first_error: Option<String>,
    memory: Memory,
}

/// VmRSS samples, in KiB: before the load, then one per second, then after it.
#[derive(Default)]
struct Memory {
    before: Option<u64>,
    during: Vec<u64>,
    after: Option<u64>,
}

fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Samples the server's memory every second until `stop`.
fn sample_memory(pid: u32, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<Vec<u64>> {
    std::thread::spawn(move || {
        let mut samples = Vec::new();
        let mut next = Instant::now();
        while !stop.load(Ordering::Relaxed) {
            if Instant::now() >= next {
                samples.extend(rss_kib(pid));
                next += Duration::from_secs(1);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        samples
    })
}

fn load(address: SocketAddr, targets: &[Target], connections: usize, length: Duration, pid: u32) -> Result<Report> {
    let before = rss_kib(pid);
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = sample_memory(pid, stop.clone());
    let first_error: Arc<Mutex<Option<String>>> = Arc::default();
    let start = Instant::now();
    let deadline = start + length;
    let workers: Vec<_> = (0..connections)
        .map(|worker| {
            let requests: Vec<(String, Option<&'static str>, u16, Option<&'static str>)> =
                targets.iter().map(|t| (t.path.clone(), t.accept_encoding, t.status, t.encoding)).collect();
            let first_error = first_error.clone();
            std::thread::spawn(move || {
                let mut stats = vec![PathStats::default(); requests.len()];
                let mut io_errors = 0u64;
                let mut connection: Option<Connection> = None;
                let mut body = Vec::with_capacity(512 * 1024);
                let note = |error: String| {
                    let mut first = first_error.lock().unwrap_or_else(|p| p.into_inner());
                    first.get_or_insert(error);
                };
                // Each connection starts at a different point of the mix.
                let mut next = worker % requests.len();
                while Instant::now() < deadline {
                    let (path, accept, expected, encoding) = &requests[next];
                    let index = next;
                    next = (next + 1) % requests.len();
                    let open = match connection.take() {
                        Some(open) => Ok(open),
                        None => Connection::open(address),
                    };
                    let mut open = match open {
                        Ok(open) => open,
                        Err(error) => {
                            io_errors += 1;
                            note(format!("connect: {error}"));
                            std::thread::sleep(Duration::from_millis(10));
                            continue;
                        }
                    };
                    let sent = Instant::now();
                    match open.get_into(path, *accept, &mut body) {
                        Ok((status, got_encoding)) => {
                            let latency = sent.elapsed().as_micros().min(u128::from(u32::MAX)) as u32;
                            let entry = &mut stats[index];
                            entry.requests += 1;
                            entry.bytes += body.len() as u64;
                            entry.latencies_us.push(latency);
                            if status != *expected || got_encoding.as_deref() != *encoding {
                                entry.unexpected += 1;
                                note(format!("{path}: status {status}, encoding {got_encoding:?}"));
                            }
                            connection = Some(open);
                        }
                        Err(error) => {
                            io_errors += 1;
                            note(format!("{path}: {error}"));
                        }
                    }
                }
                (stats, io_errors)
            })
        })
        .collect();
    let mut paths = vec![PathStats::default(); targets.len()];
    let mut io_errors = 0;
    for worker in workers {
        let (stats, errors) = worker.join().map_err(|_| "a load thread panicked".to_string())?;
        io_errors += errors;
        for (total, part) in paths.iter_mut().zip(stats) {
            total.requests += part.requests;
            total.unexpected += part.unexpected;
            total.bytes += part.bytes;
            total.latencies_us.extend(part.latencies_us);
        }
    }
    let elapsed = start.elapsed();
    stop.store(true, Ordering::Relaxed);
    let during = sampler.join().unwrap_or_default();
    // A moment for the server to settle before the last sample.
    std::thread::sleep(Duration::from_millis(500));
    let after = rss_kib(pid);
    let unexpected = paths.iter().map(|p| p.unexpected).sum();
    let first_error = first_error.lock().unwrap_or_else(|p| p.into_inner()).take();
    Ok(Report { elapsed, paths, io_errors, unexpected, first_error, memory: Memory { before, during, after } })
}

fn percentile(sorted: &[u32], per_cent: usize) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = (sorted.len() * per_cent / 100).min(sorted.len() - 1);
    f64::from(sorted[index]) / 1000.0
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

fn print_report(report: &Report, targets: &[Target], address: SocketAddr, connections: usize, seconds: u64) {
    let secs = report.elapsed.as_secs_f64();
    println!(
        "\nLoad test of the demo server on http://{address}/ — {connections} keep-alive connections, {seconds} s (Rust, std only)\n"
    );
    println!(
        "{:<8} {:<52} {:<18} {:>9} {:>10} {:>12} {:>8} {:>8} {:>8}",
        "request", "path", "accept-encoding", "requests", "unexpected", "body bytes", "p50 ms", "p99 ms", "max ms"
    );
    let mut all: Vec<u32> = Vec::new();
    for (target, stats) in targets.iter().zip(&report.paths) {
        let mut sorted = stats.latencies_us.clone();
        sorted.sort_unstable();
        println!(
            "{:<8} {:<52} {:<18} {:>9} {:>10} {:>12} {:>8.2} {:>8.2} {:>8.2}",
            target.label,
            target.path,
            target.accept_encoding.unwrap_or("-"),
            stats.requests,
            stats.unexpected,
            stats.bytes,
            percentile(&sorted, 50),
            percentile(&sorted, 99),
            sorted.last().map_or(0.0, |v| f64::from(*v) / 1000.0)
        );
        all.extend(sorted);
    }
    all.sort_unstable();
    let requests: u64 = report.paths.iter().map(|p| p.requests).sum();
    let bytes: u64 = report.paths.iter().map(|p| p.bytes).sum();
    println!(
        "{:<8} {:<52} {:<18} {:>9} {:>10} {:>12} {:>8.2} {:>8.2} {:>8.2}",
        "all",
        "",
        "",
        requests,
        report.unexpected,
        bytes,
        percentile(&all, 50),
        percentile(&all, 99),
        all.last().map_or(0.0, |v| f64::from(*v) / 1000.0)
    );
    println!(
        "\nthroughput: {:.0} requests/s, {:.1} MiB/s of bodies over {secs:.1} s",
        requests as f64 / secs,
        bytes as f64 / secs / 1_048_576.0
    );
    println!(
        "errors: {} I/O error(s), {} unexpected status(es) or encoding(s){}",
        report.io_errors,
        report.unexpected,
        report.first_error.as_ref().map_or(String::new(), |e| format!(" (first: {e})"))
    );
    let memory = &report.memory;
    let during = &memory.during;
    match (during.first(), during.iter().max(), during.last()) {
        (Some(first), Some(max), Some(last)) => {
            let half = during.len() / 2;
            let first_half = during[..half.max(1)].iter().max().copied().unwrap_or(0);
            let second_half = during[half..].iter().max().copied().unwrap_or(0);
            println!(
                "server memory (VmRSS, {} samples, one a second): before {}, first {}, max {}, last {}, after {}; max of the second half {} vs first half {}",
                during.len(),
                memory.before.map_or("?".into(), mib),
                mib(*first),
                mib(*max),
                mib(*last),
                memory.after.map_or("?".into(), mib),
                mib(second_half),
                mib(first_half)
            );
        }
        _ => println!("server memory: /proc/<pid>/status could not be read"),
    }
    if !during.is_empty() {
        let series: Vec<String> = during.iter().map(|kib| format!("{:.1}", *kib as f64 / 1024.0)).collect();
        println!("VmRSS each second (MiB): {}", series.join(" "));
    }
}

/// Runs Debian's `wrk` over the same 200 paths (the 404 path is left out: wrk counts every
/// non-2xx answer as an error). `Ok(None)`: clean; `Ok(Some(n))`: n errors; `Err`: not run.
fn wrk_cross_check(address: SocketAddr, targets: &[Target], connections: usize, pid: u32) -> Result<Option<u64>> {
    let found = Command::new("wrk").arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status();
    if found.is_err() {
        return Err("not installed, cross-check skipped (on Debian: apt-get install -y wrk)".into());
    }
    let mut script =
        String::from("-- Written by `cargo xtask load`: the 200 paths of the mix, in turn.\nlocal requests = {\n");
    for target in targets.iter().filter(|t| t.status == 200) {
        let headers = target.accept_encoding.map_or(String::new(), |e| format!("[\"Accept-Encoding\"] = \"{e}\""));
        script.push_str(&format!("  wrk.format(\"GET\", \"{}\", {{{headers}}}),\n", target.path));
    }
    script.push_str("}\nlocal i = 0\nrequest = function()\n  i = i % #requests + 1\n  return requests[i]\nend\n");
    let dir = root().join("target/load");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let script_path = dir.join("wrk-mix.lua");
    std::fs::write(&script_path, script).map_err(|e| e.to_string())?;

    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).min(connections);
    let url = format!("http://{address}/");
    println!(
        "\nwrk cross-check: wrk -t{threads} -c{connections} -d{WRK_SECONDS}s --latency -s {} {url}",
        script_path.display()
    );
    let stop = Arc::new(AtomicBool::new(false));
    let before = rss_kib(pid);
    let sampler = sample_memory(pid, stop.clone());
    let output = Command::new("wrk")
        .args([
            format!("-t{threads}"),
            format!("-c{connections}"),
            format!("-d{WRK_SECONDS}s"),
            "--latency".into(),
            "-s".into(),
        ])
        .arg(&script_path)
        .arg(&url)
        .output()
        .map_err(|e| format!("cannot run wrk: {e}"))?;
    stop.store(true, Ordering::Relaxed);
    let samples = sampler.join().unwrap_or_default();
    let text = String::from_utf8_lossy(&output.stdout);
    for line in text.lines() {
        println!("  {line}");
    }
    if !output.status.success() {
        return Err(format!("wrk failed ({}): {}", output.status, String::from_utf8_lossy(&output.stderr).trim()));
    }
    if let (Some(max), Some(last)) = (samples.iter().max(), samples.last()) {
        println!(
            "  server memory during wrk (VmRSS, {} samples): before {}, max {}, last {}",
            samples.len(),
            before.map_or("?".into(), mib),
            mib(*max),
            mib(*last)
        );
    }
    let number_after = |label: &str| -> u64 {
        text.lines().find_map(|l| l.trim().strip_prefix(label)).map_or(0, |rest| {
            rest.split(|c: char| !c.is_ascii_digit()).find(|s| !s.is_empty()).and_then(|n| n.parse().ok()).unwrap_or(0)
        })
    };
    // "Socket errors: connect 0, read 0, write 0, timeout 0" and "Non-2xx or 3xx responses: N".
    let socket_errors: u64 = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Socket errors:"))
        .map_or(0, |rest| rest.split(',').filter_map(|part| part.split_whitespace().last()?.parse::<u64>().ok()).sum());
    let errors = socket_errors + number_after("Non-2xx or 3xx responses:");
    Ok((errors > 0).then_some(errors))
}

/// What the beacon load saw.
struct Beacons {
    elapsed: Duration,
    acknowledged: u64,
    refused: u64,
    io_errors: u64,
    latencies_us: Vec<u32>,
    first_error: Option<String>,
}

/// Beacons as widgets send them, over keep-alive connections, for `length`: every commune of
/// Charente in turn, a few needs, with and without a place near.
/// Each connection sends as fast as it can, or one beacon every `pace`.
fn beacon_load(
    root: &Path,
    address: SocketAddr,
    connections: usize,
    length: Duration,
    pace: Option<Duration>,
) -> Result<Beacons> {
    let reference = std::fs::read_to_string(root.join("data/geo/communes-2026-points.csv"))
        .map_err(|e| format!("cannot read the commune reference: {e}"))?;
    let communes: Vec<String> = reference
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut fields = line.split(',');
            let insee = fields.next()?;
            (fields.nth(2)? == "16").then(|| insee.to_string())
        })
        .collect();
    let needs = ["demarches", "demarches-caf", "demarches-impots", "demarches-retraite", "emploi"];
    let bodies: Arc<Vec<String>> = Arc::new(
        communes
            .iter()
            .enumerate()
            .map(|(i, insee)| {
                let nearest = if i % 4 == 0 { "null".to_string() } else { format!("{}.{}", i % 30, i % 10) };
                format!(
                    r#"{{"need":"{}","commune":"{insee}","results":{},"nearest_km":{nearest},"lang":"fr","mode":"{}"}}"#,
                    needs[i % needs.len()],
                    i % 6,
                    if i % 5 == 0 { "desk" } else { "resident" }
                )
            })
            .collect(),
    );
    println!(
        "\nxtask: beacons to POST /stats for {} s over {connections} connections ({} bodies)",
        length.as_secs(),
        bodies.len()
    );
    let start = Instant::now();
    let deadline = start + length;
    let first_error: Arc<Mutex<Option<String>>> = Arc::default();
    let workers: Vec<_> = (0..connections)
        .map(|worker| {
            let (bodies, first_error) = (bodies.clone(), first_error.clone());
            std::thread::spawn(move || {
                let (mut acknowledged, mut refused, mut io_errors) = (0u64, 0u64, 0u64);
                let mut latencies = Vec::new();
                let mut connection: Option<Connection> = None;
                let mut body = Vec::new();
                let mut next = worker * 97;
                let note = |error: String| {
                    first_error.lock().unwrap_or_else(|p| p.into_inner()).get_or_insert(error);
                };
                let mut slot = Instant::now();
                while Instant::now() < deadline {
                    if let Some(pace) = pace {
                        slot += pace;
                        std::thread::sleep(slot.saturating_duration_since(Instant::now()));
                    }
                    let beacon = &bodies[next % bodies.len()];
                    next += 1;
                    let mut open = match connection.take().map_or_else(|| Connection::open(address), Ok) {
                        Ok(open) => open,
                        Err(error) => {
                            io_errors += 1;
                            note(format!("connect: {error}"));
                            continue;
                        }
                    };
                    let sent = Instant::now();
                    match open.post_beacon(beacon, &mut body) {
                        Ok(204) => {
                            acknowledged += 1;
                            latencies.push(sent.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
                            connection = Some(open);
                        }
                        Ok(status) => {
                            refused += 1;
                            note(format!("{beacon}: {status} {}", String::from_utf8_lossy(&body)));
                            connection = Some(open);
                        }
                        Err(error) => {
                            io_errors += 1;
                            note(format!("POST /stats: {error}"));
                        }
                    }
                }
                (acknowledged, refused, io_errors, latencies)
            })
        })
        .collect();
    let mut report = Beacons {
        elapsed: Duration::ZERO,
        acknowledged: 0,
        refused: 0,
        io_errors: 0,
        latencies_us: Vec::new(),
        first_error: None,
    };
    for worker in workers {
        let (acknowledged, refused, io_errors, latencies) =
            worker.join().map_err(|_| "a beacon thread panicked".to_string())?;
        report.acknowledged += acknowledged;
        report.refused += refused;
        report.io_errors += io_errors;
        report.latencies_us.extend(latencies);
    }
    report.elapsed = start.elapsed();
    report.latencies_us.sort_unstable();
    report.first_error = first_error.lock().unwrap_or_else(|p| p.into_inner()).take();
    Ok(report)
}

/// The orientations the server kept, read back through its CSV (every month of the year). The
/// CSV leaves out cells of 1 to 4: the beacons sent fill each cell far above that.
fn stored_counts(address: SocketAddr) -> Result<u64> {
    let mut connection = Connection::open(address).map_err(|e| format!("cannot connect to {address}: {e}"))?;
    let answer = connection
        .get("/tableau-de-bord.csv?territoire=16", None)
        .map_err(|e| format!("cannot read the statistics: {e}"))?;
    if answer.status != 200 {
        return Err(format!("the statistics' CSV answered {}", answer.status));
    }
    let text = String::from_utf8_lossy(&answer.body);
    text.lines()
        .skip(1)
        .map(|line| line.rsplit(',').nth(1).and_then(|n| n.parse::<u64>().ok()).ok_or(format!("bad CSV line {line:?}")))
        .sum()
}

impl Beacons {
    /// How many were acknowledged, how fast, and their latency.
    fn summary(&self) -> String {
        let latencies = &self.latencies_us;
        format!(
            "{} acknowledged (204) in {:.1} s = {:.0}/s; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            self.acknowledged,
            self.elapsed.as_secs_f64(),
            self.acknowledged as f64 / self.elapsed.as_secs_f64(),
            percentile(latencies, 50),
            percentile(latencies, 99),
            latencies.last().map_or(0.0, |v| f64::from(*v) / 1000.0)
        )
    }
}

fn print_beacons(beacons: &Beacons, stored: u64, connections: usize, seconds: u64) {
    println!(
        "beacons: {}, over {connections} connections for {seconds} s; {} refused, {} I/O error(s); {stored} counted in the database: {} lost",
        beacons.summary(),
        beacons.refused,
        beacons.io_errors,
        beacons.acknowledged.saturating_sub(stored)
    );
}
