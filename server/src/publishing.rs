//! The server keeps its directory current by itself: every `every`, it runs
//! `aiguillage publish --config FILE` (one run at a time, in a process of its own, so that a
//! publication's memory and a crash stay out of the server), then reads the folder again. The
//! run leaves its state in the publication's `state_dir` (`sources.json`, `last-run.json`,
//! `publications/`), which `/healthz` and the dashboard read.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use aiguillage_engine::html::escape;
use serde::Deserialize;

/// `[publish]` of the server's configuration.
#[derive(Clone, Debug)]
pub struct Publishing {
    /// The publication's configuration (`publish.toml`).
    pub config: PathBuf,
    pub every: Duration,
    /// The `aiguillage` command.
    pub command: PathBuf,
    /// From the publication's configuration: where it keeps its state, where it publishes.
    pub state_dir: PathBuf,
    pub out_dir: PathBuf,
}

/// What the server needs of `publish.toml` (the command checks the rest).
#[derive(Deserialize)]
struct PublishFolders {
    state_dir: PathBuf,
    out_dir: PathBuf,
}

impl Publishing {
    pub fn new(config: PathBuf, every: Duration, command: PathBuf) -> Result<Publishing, String> {
        let text = std::fs::read_to_string(&config)
            .map_err(|e| format!("[publish] config: cannot read {}: {e}", config.display()))?;
        // Unknown keys are the command's to check: only the two folders are read here.
        let folders: PublishFolders = toml::from_str(&text).map_err(|e| format!("{}: {e}", config.display()))?;
        let base = config.parent().unwrap_or(Path::new("."));
        Ok(Publishing {
            state_dir: base.join(folders.state_dir),
            out_dir: base.join(folders.out_dir),
            config,
            every,
            command,
        })
    }

    /// One publication, to its end; its report goes to the server's own output (the journal).
    pub fn run(&self) -> Result<(), String> {
        let status = Command::new(&self.command)
            .arg("publish")
            .arg("--config")
            .arg(&self.config)
            .status()
            .map_err(|e| format!("cannot run {}: {e}", self.command.display()))?;
        match status.code() {
            Some(0) => Ok(()),
            Some(3) => Err("a département was refused by the guard (its live bundle stays): see the report".into()),
            Some(4) => Err("every source failed: the live publication stays".into()),
            _ => Err(format!("{} publish ended with {status}", self.command.display())),
        }
    }

    /// A run asked from the workspace: its report as text (what changes, département by
    /// département), and whether it ended well. `dry_run`: nothing is published.
    pub fn run_reporting(&self, dry_run: bool) -> (bool, String) {
        let mut command = Command::new(&self.command);
        command.arg("publish").arg("--config").arg(&self.config);
        if dry_run {
            command.arg("--dry-run");
        }
        match command.output() {
            Ok(output) => {
                let mut report = String::from_utf8_lossy(&output.stdout).into_owned();
                if !output.status.success() {
                    report.push_str(&String::from_utf8_lossy(&output.stderr));
                }
                (matches!(output.status.code(), Some(0)), report)
            }
            Err(error) => (false, format!("cannot run {}: {error}", self.command.display())),
        }
    }

    /// Whether a run is due now: never run, or the last one is older than `every`.
    pub fn due(&self, now: i64) -> bool {
        self.last_run().is_none_or(|run| now - run.finished >= self.every.as_secs() as i64)
    }

    /// The corrected fields the sources now say otherwise, from the last run's report.
    pub fn conflicts(&self) -> Vec<Conflict> {
        self.last_run().map(|run| run.conflicts).unwrap_or_default()
    }

    fn last_run(&self) -> Option<LastRun> {
        serde_json::from_slice(&std::fs::read(self.state_dir.join("last-run.json")).ok()?).ok()
    }

    fn sources(&self) -> Vec<(String, SourceState)> {
        let Ok(bytes) = std::fs::read(self.state_dir.join("sources.json")) else { return Vec::new() };
        serde_json::from_slice::<SourcesFile>(&bytes).map(|f| f.sources.into_iter().collect()).unwrap_or_default()
    }

    /// Why the directory is `degraded`, if it is: a source failing for more than two of its
    /// refresh periods (its own `refresh`, else the server's `every`).
    pub fn degraded(&self, now: i64) -> Option<String> {
        let late: Vec<String> = self
            .sources()
            .into_iter()
            .filter_map(|(name, source)| {
                let since = source.failing_since?;
                let period = source.refresh_seconds.unwrap_or(self.every.as_secs()).max(1) as i64;
                (now - since > 2 * period).then(|| {
                    format!("source {name} has failed since {}: {}", day(since), source.last_error.unwrap_or_default())
                })
            })
            .collect();
        (!late.is_empty()).then(|| late.join("; "))
    }

    /// The dashboard's section: each source's last success, age and last error, the last runs.
    pub fn html(&self, now: i64) -> String {
        let mut rows = String::new();
        for (name, source) in self.sources() {
            let success = source.last_success.map_or("jamais".to_string(), day);
            let age = source.last_success.map_or(String::new(), |s| format!("{} j", (now - s).max(0) / 86_400));
            let error = match (&source.last_error, source.failing_since) {
                (Some(error), Some(since)) => format!("depuis le {} : {error}", day(since)),
                _ => "—".into(),
            };
            rows.push_str(&format!(
                "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&name),
                escape(&success),
                escape(&age),
                escape(&error)
            ));
        }
        let live =
            std::fs::read_link(&self.out_dir).ok().and_then(|t| Some(t.file_name()?.to_string_lossy().into_owned()));
        let mut publications: Vec<String> = std::fs::read_dir(self.state_dir.join("publications"))
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok())
                    .filter(|e| e.path().join("publication.json").is_file())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        publications.sort();
        publications.reverse();
        let listed: Vec<String> = publications
            .iter()
            .take(5)
            .map(|id| {
                let marker = if live.as_deref() == Some(id.as_str()) { " (en ligne)" } else { "" };
                format!("<li>{}{marker}</li>", escape(id))
            })
            .collect();
        let last =
            self.last_run().map_or("aucune".to_string(), |run| format!("{} ({})", day(run.finished), run.outcome.kind));
        format!(
            "<section class=\"sources\" aria-labelledby=\"sources-titre\"><h2 id=\"sources-titre\">Sources des données</h2>\
             <p>Dernière mise à jour : {}</p><div class=\"table\" tabindex=\"0\" role=\"region\" aria-labelledby=\"sources-titre\"><table><thead><tr><th scope=\"col\">Source</th><th scope=\"col\">Dernier succès</th>\
             <th scope=\"col\">Âge</th><th scope=\"col\">Dernière erreur</th></tr></thead><tbody>{rows}</tbody></table></div>\
             <h3>Dernières publications</h3><ul>{}</ul></section>",
            escape(&last),
            if listed.is_empty() { "<li>aucune</li>".to_string() } else { listed.concat() }
        )
    }
}

#[derive(Deserialize)]
struct LastRun {
    finished: i64,
    outcome: OutcomeKind,
    #[serde(default)]
    conflicts: Vec<Conflict>,
}

/// A corrected field whose sources' value changed since the correction (`aiguillage publish`'s
/// report).
#[derive(Clone, Debug, Deserialize)]
pub struct Conflict {
    pub place: String,
    pub field: String,
    pub now: String,
    pub then: String,
}

#[derive(Deserialize)]
struct OutcomeKind {
    kind: String,
}

#[derive(Deserialize)]
struct SourcesFile {
    sources: std::collections::BTreeMap<String, SourceState>,
}

#[derive(Deserialize)]
struct SourceState {
    last_success: Option<i64>,
    last_error: Option<String>,
    failing_since: Option<i64>,
    refresh_seconds: Option<u64>,
}

/// `YYYY-MM-DD` (UTC) of a Unix time.
fn day(unix: i64) -> String {
    aiguillage_engine::calendar::Date(unix.div_euclid(86_400) as i32).to_string()
}
