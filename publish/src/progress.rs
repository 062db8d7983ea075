//! Progress on the standard error: bars on a terminal, plain lines elsewhere (a systemd journal,
//! a log file), nothing when asked to be quiet (the tests, the server's own runs log the report).

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

pub enum Progress {
    Bars,
    Lines,
    Quiet,
}

/// One phase's progress: a bar, or lines.
pub struct Phase {
    bar: Option<ProgressBar>,
    lines: bool,
    what: &'static str,
}

impl Progress {
    /// Bars when the standard error is a terminal, else lines.
    pub fn on_stderr() -> Progress {
        if std::io::stderr().is_terminal() {
            Progress::Bars
        } else {
            Progress::Lines
        }
    }

    pub fn phase(&self, what: &'static str, total: usize) -> Phase {
        match self {
            Progress::Bars => {
                let bar = ProgressBar::new(total as u64);
                let style = ProgressStyle::with_template("{prefix:>12} [{bar:30}] {pos}/{len} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> ");
                bar.set_style(style);
                bar.set_prefix(what);
                Phase { bar: Some(bar), lines: false, what }
            }
            Progress::Lines => Phase { bar: None, lines: true, what },
            Progress::Quiet => Phase { bar: None, lines: false, what },
        }
    }
}

impl Phase {
    /// Work on `item` begins.
    pub fn start(&self, item: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(item.to_string());
        }
    }

    /// `item` is done; `outcome` says how.
    pub fn done(&self, item: &str, outcome: &str) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        } else if self.lines {
            eprintln!("{}: {item}: {outcome}", self.what);
        }
    }

    pub fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}
