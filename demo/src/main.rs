//! `aiguillage-demo [--port N] [--host ADDR] [--stats-db FILE] [--stats-per-minute N] [--stats-max-per-day N]
//! [--espace-db FILE] [--state-dir DIR]`: serves the demo on 127.0.0.1:8080 by default, with its
//! statistics in FILE (in memory without it); per client per minute 30 and 500,000 a day by
//! default (0: no limit). The coordinator's workspace keeps its accounts and corrections in the
//! `--espace-db` file (in memory without it) and, with `--state-dir`, publishes the default
//! territory again from there. On a loopback address only, a `demo` account is made for
//! Charente and Vienne, with a new password at each start (`AIGUILLAGE_DEMO_PASSWORD` sets it),
//! printed.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut port: u16 = 8080;
    let mut host = String::from("127.0.0.1");
    let mut database: Option<PathBuf> = None;
    let mut espace_database: Option<PathBuf> = None;
    let mut state_dir: Option<PathBuf> = None;
    let (mut per_minute, mut per_day): (u32, u64) = (30, 500_000);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--port", Some(value)) => match value.parse() {
                Ok(p) => port = p,
                Err(_) => return usage(&format!("--port expects a number from 0 to 65535, got `{value}`")),
            },
            ("--host", Some(value)) => host = value,
            ("--stats-db", Some(value)) => database = Some(PathBuf::from(value)),
            ("--espace-db", Some(value)) => espace_database = Some(PathBuf::from(value)),
            ("--state-dir", Some(value)) => state_dir = Some(PathBuf::from(value)),
            ("--stats-per-minute", Some(value)) => match value.parse() {
                Ok(n) => per_minute = n,
                Err(_) => return usage(&format!("--stats-per-minute expects a number, got `{value}`")),
            },
            ("--stats-max-per-day", Some(value)) => match value.parse() {
                Ok(n) => per_day = n,
                Err(_) => return usage(&format!("--stats-max-per-day expects a number, got `{value}`")),
            },
            _ => return usage(&format!("unexpected argument `{arg}`")),
        }
    }
    for file in [&database, &espace_database] {
        if let Some(folder) = file.as_ref().and_then(|d| d.parent()).filter(|f| !f.as_os_str().is_empty()) {
            if let Err(error) = std::fs::create_dir_all(folder) {
                eprintln!("aiguillage-demo: cannot create {}: {error}", folder.display());
                return ExitCode::FAILURE;
            }
        }
    }
    let statistics = match aiguillage_demo::statistics(database.as_deref(), per_minute, per_day) {
        Ok(statistics) => statistics,
        Err(error) => {
            eprintln!("aiguillage-demo: statistics: {error}");
            return ExitCode::FAILURE;
        }
    };
    let workspace = match aiguillage_demo::workspace(espace_database.as_deref(), state_dir.as_deref()) {
        Ok(workspace) => workspace,
        Err(error) => {
            eprintln!("aiguillage-demo: workspace: {error}");
            return ExitCode::FAILURE;
        }
    };
    // The demo's account, on this machine only: a demo reachable from elsewhere has none.
    let loopback = host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    let demo_account = if loopback {
        match aiguillage_demo::demo_account(&workspace.workspace) {
            Ok(password) => Some(password),
            Err(error) => {
                eprintln!("aiguillage-demo: workspace: {error}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        None
    };
    let app = match aiguillage_demo::with_workspace(statistics, &workspace) {
        Ok(app) => app,
        Err(error) => {
            eprintln!("aiguillage-demo: {error}");
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("aiguillage-demo: cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind((host.as_str(), port)).await {
            Ok(listener) => listener,
            Err(error) if error.kind() == std::io::ErrorKind::AddrInUse => {
                eprintln!("aiguillage-demo: port {port} is already in use on {host}; choose another with --port N");
                return ExitCode::FAILURE;
            }
            Err(error) => {
                eprintln!("aiguillage-demo: cannot listen on {host}:{port}: {error}");
                return ExitCode::FAILURE;
            }
        };
        let address = listener.local_addr().map(|a| a.to_string()).unwrap_or_default();
        println!("Aiguillage demo: http://{address}/  (Ctrl+C to stop)");
        // The other pages a newcomer looks for first.
        println!("  desk mode http://{address}/guichet.html · dashboard http://{address}/tableau-de-bord · printable guides http://{address}/guide/ · configurator http://{address}/widget/integrer.html");
        if let Some(password) = &demo_account {
            println!("  coordinator's workspace http://{address}/espace/ · identifiant {} · mot de passe {password}", aiguillage_demo::DEMO_ACCOUNT);
        }
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        let app = app.into_make_service_with_connect_info::<SocketAddr>();
        match axum::serve(listener, app).with_graceful_shutdown(shutdown).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("aiguillage-demo: {error}");
                ExitCode::FAILURE
            }
        }
    })
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("aiguillage-demo: {problem}\nusage: aiguillage-demo [--port N] [--host ADDR] [--stats-db FILE] [--stats-per-minute N] [--stats-max-per-day N] [--espace-db FILE] [--state-dir DIR]");
    ExitCode::from(2)
}
