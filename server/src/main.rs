//! `aiguillage-server --config FILE`: the server a coordinator runs (README, "Héberger le
//! widget"). Stops gracefully on SIGTERM (systemd) and Ctrl+C: requests in flight are answered
//! and every acknowledged count is in the database.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use aiguillage_server::config::Config;
use aiguillage_server::{serve, Server, REFRESH_EVERY};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(outcome) = aiguillage_server::admin::run(&args) {
        return match outcome {
            Ok(said) => {
                println!("{said}");
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("aiguillage-server: {error}");
                ExitCode::from(2)
            }
        };
    }
    let config_path = match args.as_slice() {
        [flag, path] if flag == "--config" => PathBuf::from(path),
        [flag] if flag == "--version" || flag == "-V" => {
            println!("aiguillage-server {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        [command, flag, path, to] if command == "backup" && flag == "--config" => {
            return backup(&PathBuf::from(path), &PathBuf::from(to));
        }
        _ => {
            eprintln!(
                "usage: aiguillage-server --config FILE | backup --config FILE NEW-FILE | --version\n{}",
                aiguillage_server::admin::USAGE
            );
            return ExitCode::from(2);
        }
    };
    let config = match Config::load(&config_path) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("aiguillage-server: {error}");
            return ExitCode::from(2);
        }
    };
    for warning in config.warnings() {
        eprintln!("aiguillage-server: warning: {warning}");
    }
    let server = match Server::new(&config) {
        Ok(server) => Arc::new(server),
        Err(error) => {
            eprintln!("aiguillage-server: {error}");
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("aiguillage-server: cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(config.listen).await {
            Ok(listener) => listener,
            Err(error) => {
                eprintln!("aiguillage-server: cannot listen on {}: {error}", config.listen);
                return ExitCode::FAILURE;
            }
        };
        let folder = server.bundles.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(REFRESH_EVERY);
            loop {
                every.tick().await;
                let folder = folder.clone();
                let _ = tokio::task::spawn_blocking(move || folder.refresh()).await;
            }
        });
        if let Some(publishing) = server.publishing.clone() {
            let folder = server.bundles.clone();
            tokio::spawn(async move {
                // One run at a time: the next is only looked at once this one has ended.
                let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
                loop {
                    every.tick().await;
                    let (publishing, folder) = (publishing.clone(), folder.clone());
                    let _ = tokio::task::spawn_blocking(move || {
                        if publishing.due(aiguillage_server::statistics::system_clock()) {
                            if let Err(error) = publishing.run() {
                                eprintln!("aiguillage-server: publish: {error}");
                            }
                            folder.refresh();
                        }
                    })
                    .await;
                }
            });
        }
        #[cfg(unix)]
        {
            // SIGHUP reads the configuration again (a commune site added to allowed_origins)
            // instead of stopping the server.
            let (server, config_path) = (server.clone(), config_path.clone());
            tokio::spawn(async move {
                let Ok(mut hangup) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()) else {
                    return;
                };
                while hangup.recv().await.is_some() {
                    match Config::load(&config_path) {
                        Ok(config) => {
                            for warning in config.warnings() {
                                eprintln!("aiguillage-server: warning: {warning}");
                            }
                            server.reload(&config);
                            println!("aiguillage-server: configuration read again ({})", config_path.display());
                        }
                        Err(error) => eprintln!("aiguillage-server: {error}: the previous configuration stays"),
                    }
                }
            });
        }
        let address = listener.local_addr().map(|a| a.to_string()).unwrap_or_default();
        println!(
            "aiguillage-server: http://{address}/ ({} territories; statistics {})",
            server.bundles.current().bundles().len(),
            if server.statistics.is_some() { "on" } else { "off" }
        );
        let header_timeout = serve::header_timeout(config.client_timeout_seconds);
        let log = match (config.log_requests, config.log_client_address) {
            (false, _) => serve::RequestLog::Nothing,
            (true, false) => serve::RequestLog::Lines,
            (true, true) => serve::RequestLog::LinesWithClient,
        };
        serve::serve(listener, server.app(), header_timeout, log, stop_signal()).await;
        println!("aiguillage-server: stopped");
        ExitCode::SUCCESS
    })
}

/// `aiguillage-server backup --config FILE NEW-FILE`: the statistics copied online, consistent,
/// while the server runs (a copy of the database file alone loses the counts in its log).
fn backup(config_path: &std::path::Path, to: &std::path::Path) -> ExitCode {
    let config = match Config::load(config_path) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("aiguillage-server: {error}");
            return ExitCode::from(2);
        }
    };
    match aiguillage_stats::backup(&config.stats.database, to) {
        Ok(()) => {
            println!("aiguillage-server: {} saved to {}", config.stats.database.display(), to.display());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("aiguillage-server: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn stop_signal() {
    #[cfg(unix)]
    {
        let mut terminate = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(signal) => signal,
            Err(_) => return std::future::pending().await,
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}
