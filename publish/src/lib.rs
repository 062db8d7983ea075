//! The living directory: `aiguillage publish` fetches the national sources, keeps every download,
//! checks, merges and bundles every territory, compares with what is live, refuses what would
//! empty a territory, and swaps the new publication in atomically — with a history and rollback.
//!
//! A source that fails never stops a publication: its last good snapshot is used, and the report
//! says so with its age.

/// Downloads to bundles: import, merge, cut per département, index.
pub mod build;
/// A new bundle against the live one, and the guard.
pub mod compare;
/// `publish.toml`, checked with line numbers.
pub mod config;
/// Downloading: conditional requests, retries, pages, size limit, what is not data.
pub mod fetch;
/// The live publication: atomic swap, history, rollback, lock.
pub mod live;
/// Bars on a terminal, lines in a journal.
pub mod progress;
/// The run's report, as text and JSON.
pub mod report;
/// Snapshots and each source's state in `state_dir`.
pub mod state;

use std::path::Path;

use aiguillage_engine::bundle;
use aiguillage_engine::calendar::Date;
use aiguillage_import::sources::{import_each, Format, Input};
use aiguillage_import::{Context, Severity};

use crate::build::{Material, Project};
use crate::config::{Config, Source};
use crate::fetch::{Fetched, Fetcher};
use crate::live::Manifest;
use crate::progress::Progress;
use crate::report::{DepartementReport, Outcome, RunReport, SourceReport, SourceStatus};
use crate::state::{SourceState, SourcesState};

/// What the command line asks of one run.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Everything but the swap: download, build, compare, report.
    pub dry_run: bool,
    /// Départements published even if the guard refuses them (this run only).
    pub force: Vec<String>,
    /// Unix seconds: now.
    pub now: i64,
}

/// The process's exit status for a run: 0 published or unchanged, 3 a département refused by
/// the guard, 4 every source failed.
pub fn exit_code(report: &RunReport) -> u8 {
    if report.every_source_failed() || report.outcome == Outcome::NothingToBuild {
        4
    } else if report.refused().next().is_some() {
        3
    } else {
        0
    }
}

/// One publication run.
pub fn publish(
    config: &Config,
    project: &Project,
    options: &Options,
    progress: &Progress,
) -> Result<RunReport, String> {
    let _lock = live::Lock::take(&config.state_dir)?;
    let mut states = SourcesState::load(&config.state_dir)?;
    let today = report::utc_date(options.now);
    let fetcher = Fetcher::new(&config.http);

    let mut materials = Vec::new();
    let mut sources = Vec::new();
    let phase = progress.phase("sources", config.sources.len() + config.locals.len());
    for source in &config.sources {
        phase.start(&source.name);
        let state = states.sources.entry(source.name.clone()).or_default();
        let (source_report, material) =
            obtain(source, state, &Asking { fetcher: &fetcher, config, project, now: options.now });
        phase.done(&source.name, source_report.error.as_deref().unwrap_or(source_report.status.words()));
        sources.push(source_report);
        if let Some(material) = material {
            materials.push((sources.len() - 1, material));
        }
    }
    states.save(&config.state_dir)?;
    for local in &config.locals {
        let name = local
            .path
            .file_name()
            .map_or_else(|| local.path.display().to_string(), |n| n.to_string_lossy().into_owned());
        phase.start(&name);
        let mut source_report = SourceReport {
            name: name.clone(),
            url: local.path.display().to_string(),
            licence: None,
            status: SourceStatus::Local,
            snapshot: None,
            snapshot_date: None,
            error: None,
            figures: None,
        };
        match std::fs::read(&local.path) {
            Ok(bytes) => materials.push((
                sources.len(),
                Material { path: local.path.clone(), bytes, format: local.format, published: None },
            )),
            Err(e) => {
                source_report.status = SourceStatus::FailedAbsent;
                source_report.error = Some(format!("cannot read {}: {e}", local.path.display()));
            }
        }
        phase.done(&name, source_report.error.as_deref().unwrap_or("read"));
        sources.push(source_report);
    }
    phase.finish();

    let mut run = RunReport {
        started: options.now,
        finished: options.now,
        outcome: Outcome::NothingToBuild,
        sources,
        departements: Vec::new(),
        merged: 0,
        corrected: 0,
        correction_notes: Vec::new(),
        conflicts: Vec::new(),
    };
    if materials.is_empty() {
        return finish(config, run);
    }

    let phase = progress.phase("territories", config.departements.len());
    let (positions, materials): (Vec<usize>, Vec<Material>) = materials.into_iter().unzip();
    let built = build::build(project, &materials, &config.departements, today, |code| phase.done(code, "built"));
    phase.finish();
    for (position, figures) in positions.iter().zip(&built.figures) {
        run.sources[*position].figures = Some(figures.clone());
    }
    run.merged = built.merged;
    run.corrected = built.corrected;
    run.correction_notes = built.correction_notes.clone();
    run.conflicts = built
        .conflicts
        .iter()
        .map(|c| report::Conflict {
            place: c.place.clone(),
            field: c.field.clone(),
            now: c.now.clone(),
            then: c.then.clone(),
        })
        .collect();

    let live_id = live::live_id(&config.out_dir);
    let mut files: Vec<live::File> = Vec::new();
    for (code, new_bundle) in &built.bundles {
        let name = format!("{code}.bin");
        let live_bytes = std::fs::read(config.out_dir.join(&name)).ok();
        let live_bundle = live_bytes.as_deref().and_then(|b| bundle::decode(b).ok());
        let changes = compare::compare(live_bundle.as_ref(), new_bundle);
        let refused = compare::refusal(&changes, config.max_loss);
        let forced = refused.is_some() && options.force.contains(code);
        match (&refused, forced, live_bytes) {
            (Some(_), false, Some(bytes)) => {
                // The live copy goes along only if it was made from these very bytes.
                let recorded =
                    std::fs::read_to_string(config.out_dir.join(format!("{name}.sha256"))).unwrap_or_default();
                let copy = (recorded.trim() == state::sha256_hex(&bytes))
                    .then(|| std::fs::read(config.out_dir.join(format!("{name}.br"))).ok())
                    .flatten();
                files.push((name, bytes, copy));
            }
            _ => files.push((name, bundle::encode(&new_bundle.without_texts()), None)),
        }
        run.departements.push(DepartementReport {
            code: code.clone(),
            name: aiguillage_import::territory::departement_name(code),
            changes,
            refused: refused.map(|r| r.to_string()),
            forced,
        });
    }
    // Each bundle is encoded once, above; the index and the list of territories here.
    files.extend(
        aiguillage_engine::index::folder_files(&built.index, aiguillage_engine::index::MOST)
            .into_iter()
            .map(|(name, bytes)| (name, bytes, None)),
    );
    files.push(("territoires.json".into(), built.territories_json(), None));

    let unchanged = live_id.is_some()
        && files
            .iter()
            .all(|(name, bytes, _)| std::fs::read(config.out_dir.join(name)).is_ok_and(|live| &live == bytes));
    if options.dry_run {
        run.outcome = Outcome::DryRun;
    } else if unchanged {
        run.outcome = Outcome::Unchanged { live: live_id };
    } else {
        compress_missing(&mut files);
        let id = live::new_id(&config.state_dir, options.now);
        run.outcome = Outcome::Published { id: id.clone() };
        run.finished = now();
        let manifest =
            Manifest { id: id.clone(), created: options.now, files: live::file_list(&files), report: run.clone() };
        let folder = live::write(&config.state_dir, &manifest, &files)?;
        if let Some(kept) = live::swap(&config.out_dir, &folder)? {
            eprintln!("publish: {} was a folder: kept as {}", config.out_dir.display(), kept.display());
        }
        live::prune(&config.state_dir, config.keep, Some(&id));
    }
    for source in &config.sources {
        let protected = states.sources.get(&source.name).and_then(|s| s.snapshot.clone());
        state::prune_snapshots(&config.state_dir, &source.name, config.keep, protected.as_deref());
    }
    finish(config, run)
}

fn finish(config: &Config, mut run: RunReport) -> Result<RunReport, String> {
    run.finished = run.finished.max(now());
    let text = serde_json::to_vec_pretty(&run).map_err(|e| e.to_string())?;
    state::write_atomically(&config.state_dir.join(report::LAST_RUN), &text)?;
    Ok(run)
}

/// Brotli copies of the files that have none, two at a time (the machine's cores).
fn compress_missing(files: &mut [live::File]) {
    let half = files.len() / 2;
    let (first, second) = files.split_at_mut(half);
    std::thread::scope(|scope| {
        for part in [first, second] {
            scope.spawn(move || {
                for (name, bytes, copy) in part.iter_mut() {
                    if copy.is_none() && name.ends_with(".bin") {
                        *copy = Some(build::brotli(bytes));
                    }
                }
            });
        }
    });
}

/// Restores the publication before the live one; returns its id.
pub fn rollback(config: &Config) -> Result<String, String> {
    let _lock = live::Lock::take(&config.state_dir)?;
    let live = live::live_id(&config.out_dir)
        .ok_or_else(|| format!("{} is not a publication's link: nothing to roll back", config.out_dir.display()))?;
    let history = live::history(&config.state_dir);
    let position = history
        .iter()
        .position(|m| m.id == live)
        .ok_or_else(|| format!("the live publication {live} is not in the history"))?;
    let previous = position
        .checked_sub(1)
        .map(|p| &history[p])
        .ok_or_else(|| format!("{live} is the oldest publication kept: nothing before it"))?;
    live::swap(&config.out_dir, &live::publications_dir(&config.state_dir).join(&previous.id))?;
    Ok(previous.id.clone())
}

/// The publications kept, oldest first, and the live one's id.
pub fn history(config: &Config) -> (Vec<Manifest>, Option<String>) {
    (live::history(&config.state_dir), live::live_id(&config.out_dir))
}

/// The history as the coordinator reads it: date, each source's snapshot, counts.
pub fn history_text(manifests: &[Manifest], live: Option<&str>) -> String {
    let mut out = String::new();
    for manifest in manifests {
        let marker = if live == Some(manifest.id.as_str()) { " (live)" } else { "" };
        let places: usize = manifest.report.departements.iter().map(|d| d.changes.places).sum();
        out.push_str(&format!(
            "{}{marker}: {} départements, {places} places\n",
            manifest.id,
            manifest.report.departements.len()
        ));
        for source in &manifest.report.sources {
            let snapshot = source.snapshot.as_deref().unwrap_or("-");
            out.push_str(&format!("    {} {}: {}\n", source.name, source.status.words(), snapshot));
        }
    }
    if manifests.is_empty() {
        out.push_str("No publication yet.\n");
    }
    out
}

pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// What every source of a run is asked with.
struct Asking<'a> {
    fetcher: &'a Fetcher,
    config: &'a Config,
    project: &'a Project,
    now: i64,
}

/// Downloads a source if it is due, keeps the download, and says which snapshot to use.
fn obtain(source: &Source, state: &mut SourceState, asking: &Asking<'_>) -> (SourceReport, Option<Material>) {
    let Asking { config, now, .. } = *asking;
    state.refresh_seconds = source.refresh.map(|r| r.as_secs());
    let mut report = SourceReport {
        name: source.name.clone(),
        url: source.url.clone(),
        licence: source.licence.clone(),
        status: SourceStatus::NotModified,
        snapshot: None,
        snapshot_date: None,
        error: None,
        figures: None,
    };
    let kept = |state: &SourceState| {
        let name = state.snapshot.clone()?;
        let bytes = std::fs::read(config.state_dir.join(&name)).ok()?;
        Some((name, bytes))
    };
    let due = match (source.refresh, state.last_success) {
        (Some(refresh), Some(last)) => now.saturating_sub(last) >= refresh.as_secs() as i64,
        _ => true,
    };
    let outcome: Result<(String, Vec<u8>), String> = if !due {
        match kept(state) {
            Some(snapshot) => {
                report.status = SourceStatus::NotDue;
                Ok(snapshot)
            }
            None => download(source, state, asking, &mut report),
        }
    } else {
        download(source, state, asking, &mut report)
    };
    match outcome {
        Ok((name, bytes)) => {
            if report.status != SourceStatus::NotDue {
                state.last_success = Some(now);
                state.last_error = None;
                state.failing_since = None;
            }
            report.snapshot_date = snapshot_date(&name);
            report.snapshot = Some(name.clone());
            let material = Material {
                path: config.state_dir.join(&name),
                bytes,
                format: source.format,
                published: state.published.as_deref().and_then(Date::parse),
            };
            (report, Some(material))
        }
        Err(error) => {
            let snapshot = kept(state);
            let material = snapshot.map(|(name, bytes)| Material {
                path: config.state_dir.join(&name),
                bytes,
                format: source.format,
                published: state.published.as_deref().and_then(Date::parse),
            });
            unreachable_source(report, state, error, now, material)
        }
    }
}

fn unreachable_source(
    mut report: SourceReport,
    state: &mut SourceState,
    error: String,
    now: i64,
    kept: Option<Material>,
) -> (SourceReport, Option<Material>) {
    state.last_error = Some(error.clone());
    state.failing_since.get_or_insert(now);
    report.error = Some(error);
    match kept {
        Some(material) => {
            report.status = SourceStatus::FailedKept;
            report.snapshot = state.snapshot.clone();
            report.snapshot_date = state.snapshot.as_deref().and_then(snapshot_date);
            (report, Some(material))
        }
        None => {
            report.status = SourceStatus::FailedAbsent;
            (report, None)
        }
    }
}

/// The download date written at the head of a snapshot's file name.
fn snapshot_date(name: &str) -> Option<String> {
    let file = Path::new(name).file_name()?.to_string_lossy().into_owned();
    file.get(..10).filter(|d| aiguillage_engine::calendar::Date::parse(d).is_some()).map(str::to_string)
}

/// Asks the source; a new content is kept as a snapshot, then checked: the fields it had must
/// still be there, and it must be readable as its format. Returns the snapshot to use.
fn download(
    source: &Source,
    state: &mut SourceState,
    asking: &Asking<'_>,
    report: &mut SourceReport,
) -> Result<(String, Vec<u8>), String> {
    let Asking { fetcher, config, project, now } = *asking;
    let kept_exists = state.snapshot.as_ref().is_some_and(|s| config.state_dir.join(s).is_file());
    let validators = if kept_exists { state.validators.clone() } else { Default::default() };
    let download = match fetcher.fetch(source, &validators).map_err(|e| e.to_string())? {
        Fetched::NotModified => {
            report.status = SourceStatus::NotModified;
            let name = state.snapshot.clone().unwrap_or_default();
            let bytes = std::fs::read(config.state_dir.join(&name)).map_err(|e| format!("{name}: {e}"))?;
            return Ok((name, bytes));
        }
        Fetched::Body(download) => download,
    };
    let hash = state::sha256_hex(&download.bytes);
    if kept_exists && state.snapshot_hash.as_deref() == Some(hash.as_str()) {
        report.status = SourceStatus::NotModified;
        state.validators = download.validators;
        let name = state.snapshot.clone().unwrap_or_default();
        return Ok((name, download.bytes));
    }
    let extension = extension_of(source.format, &download.bytes);
    let date = report::utc_date(now).to_string();
    let name = state::snapshot_name(&source.name, &date, &hash, extension);
    let headers = serde_json::json!({
        "url": source.url,
        "fetched": report::utc_stamp(now),
        "pages": download.pages,
        "headers": download.headers.iter().cloned().collect::<std::collections::BTreeMap<_, _>>(),
    });
    state::keep_snapshot(&config.state_dir, &name, &download.bytes, &headers)?;
    let fields = state::fields_of(&download.bytes);
    if let Some(fields) = &fields {
        let gone: Vec<&str> = state.fields.iter().filter(|f| !fields.contains(f)).map(String::as_str).collect();
        if !gone.is_empty() && !state.fields.is_empty() {
            return Err(format!(
                "{name}: field(s) {} of the last good download are gone (renamed or removed upstream?)",
                gone.join(", ")
            ));
        }
    }
    if let Some(problem) = unusable(&config.state_dir.join(&name), &download.bytes, source.format, project, now) {
        return Err(problem);
    }
    report.status = SourceStatus::Fresh;
    state.validators = download.validators;
    state.snapshot = Some(name.clone());
    state.snapshot_hash = Some(hash);
    state.fields = fields.unwrap_or_default();
    state.last_change = Some(now);
    state.published = published_date(source, &download.headers).map(|d| d.to_string());
    Ok((name, download.bytes))
}

/// The day the publisher dated a download: its Last-Modified header, or for a file the date in
/// its name, else the day it was last written.
fn published_date(source: &Source, headers: &[(String, String)]) -> Option<Date> {
    if let Some(path) = source.url.strip_prefix("file:") {
        let path = Path::new(path.strip_prefix("//").unwrap_or(path));
        let name = path.file_name()?.to_string_lossy().into_owned();
        return aiguillage_import::public_services::date_in_file_name(&name).or_else(|| {
            let modified = std::fs::metadata(path).ok()?.modified().ok()?;
            let seconds = modified.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs() as i64;
            Some(report::utc_date(seconds))
        });
    }
    let (_, value) = headers.iter().find(|(name, _)| name == "last-modified")?;
    http_date(value)
}

/// The day of an HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`).
fn http_date(text: &str) -> Option<Date> {
    let mut parts = text.split_whitespace().skip(1);
    let day: u32 = parts.next()?.parse().ok()?;
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let month_name = parts.next()?;
    let month = MONTHS.iter().position(|m| *m == month_name)? as u32 + 1;
    let year: i32 = parts.next()?.parse().ok()?;
    Date::from_ymd(year, month, day)
}

fn extension_of(format: Option<Format>, bytes: &[u8]) -> &'static str {
    match format {
        Some(Format::NativeToml) => "toml",
        Some(Format::MediationCsv | Format::FranceServicesCsv | Format::AnnuaireCsv) => "csv",
        Some(_) => "json",
        None => match bytes.iter().find(|b| !b.is_ascii_whitespace() && **b != 0xEF && **b != 0xBB && **b != 0xBF) {
            Some(b'[' | b'{') => "json",
            _ => "csv",
        },
    }
}

/// Why a download cannot be used alone, if it cannot: a file-level error (not the format, no
/// header, not JSON, a column every row needs is missing), or not one usable row.
fn unusable(path: &Path, bytes: &[u8], format: Option<Format>, project: &Project, now: i64) -> Option<String> {
    let context = Context {
        taxonomy: &project.taxonomy,
        communes: &project.france,
        today: report::utc_date(now),
        horizon_days: 7,
    };
    let imported = import_each(&[Input { path, bytes, published: None }], &[format], &context);
    let file = imported.first()?;
    let errors: Vec<_> = file.report.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
    let file_level = errors.iter().find(|d| {
        d.field.starts_with('(') && d.field != "(row)" || d.message.starts_with("column missing from the header")
    });
    if let Some(problem) = file_level {
        return Some(problem.to_string());
    }
    // Services alone find their structures in another source: no place of their own is normal.
    let services_only = matches!(format, Some(Format::DataInclusionJson))
        || Format::detect(path, &String::from_utf8_lossy(&bytes[..bytes.len().min(200_000)]))
            == Some(Format::DataInclusionJson);
    if file.entries.is_empty() && !services_only {
        return Some(match errors.first() {
            Some(first) => format!("not one usable row; first problem: {first}"),
            None => format!("{}: not one usable row", path.display()),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn http_dates_give_their_day() {
        assert_eq!(
            super::http_date("Wed, 21 Oct 2015 07:28:00 GMT").map(|d| d.to_string()).as_deref(),
            Some("2015-10-21")
        );
        assert_eq!(super::http_date("21 Oct 2015"), None);
    }
}
