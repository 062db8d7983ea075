//! `aiguillage`: the coordinators' and scripts' command line. It only translates between files
//! and flags on one side and the engine and importers on the other.

mod commands;
mod report;
mod unavailable;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = commands::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("aiguillage: {message}");
            ExitCode::from(2)
        }
    }
}
