//! `aiguillage-demo [--port N] [--host ADDR]`: serves the demo on 127.0.0.1:8080 by default.

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut port: u16 = 8080;
    let mut host = String::from("127.0.0.1");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--port", Some(value)) => match value.parse() {
                Ok(p) => port = p,
                Err(_) => return usage(&format!("--port expects a number from 0 to 65535, got `{value}`")),
            },
            ("--host", Some(value)) => host = value,
            _ => return usage(&format!("unexpected argument `{arg}`")),
        }
    }
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
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        match axum::serve(listener, aiguillage_demo::app()).with_graceful_shutdown(shutdown).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("aiguillage-demo: {error}");
                ExitCode::FAILURE
            }
        }
    })
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("aiguillage-demo: {problem}\nusage: aiguillage-demo [--port N] [--host ADDR]");
    ExitCode::from(2)
}
