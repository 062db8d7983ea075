//! The subcommands.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use aiguillage_engine::bundle;
use aiguillage_engine::calendar::{paris_from_unix, Calendar, Date, LocalDateTime};
use aiguillage_engine::coverage::{coverage, reported_needs};
use aiguillage_engine::explain::Explainer;
use aiguillage_engine::vocab::{Autonomy, Public, Set, Support};
use aiguillage_engine::{orient, Actor, Communes, Directory, Lang, Profile, Rules, Taxonomy, Territory, Wording};
use aiguillage_import::rule_examples::{replay, Outcome};
use aiguillage_import::sources::{self, Format, Input};
use aiguillage_import::territory as cut;
use aiguillage_import::Context;
use aiguillage_import::Imported;
use aiguillage_import::{corrections, merge, project, quality, reference, Report, Severity};
use clap::{Parser, Subcommand, ValueEnum};

use crate::report::{self, Page};

/// Days of opening hours compiled ahead (a bundle stays exact for a bit more than a year).
const HORIZON_DAYS: u16 = 400;

#[derive(Parser)]
#[command(
    name = "aiguillage",
    version,
    about = "Orientation for digital inclusion: who, near me, can help with my need, my way"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Ranks the local actors for a resident's need and situation.
    Orient {
        /// A data file (repeatable): médiation numérique CSV or JSON, data·inclusion JSON, the
        /// France Services list, the Annuaire de l'administration, or Aiguillage TOML.
        #[arg(long = "data", required_unless_present = "bundle")]
        data: Vec<PathBuf>,
        /// A territory bundle made by `aiguillage bundle` (what the widget loads), instead of
        /// data files: the same places, merged and cut, as residents get them.
        #[arg(long, conflicts_with = "data")]
        bundle: Option<PathBuf>,
        /// INSEE code of the resident's commune (e.g. 16292 for Ruffec, Charente).
        #[arg(long)]
        commune: String,
        /// Need code from data/taxonomy.toml (e.g. demarches, emploi, demarches-impots).
        #[arg(long)]
        need: String,
        /// learn (teach me) | help (do it with me) | for-me (do it for me).
        #[arg(long, value_parser = parse_autonomy)]
        autonomy: Option<Autonomy>,
        /// seniors | jeunes | etudiants | familles | femmes (repeatable).
        #[arg(long = "public", value_parser = parse_public)]
        publics: Vec<Public>,
        /// surdite | handicap-moteur | handicap-mental | illettrisme | langue-anglais | langue-autre | deficience-visuelle (repeatable).
        #[arg(long = "support", value_parser = parse_support)]
        supports: Vec<Support>,
        /// The resident cannot travel.
        #[arg(long)]
        cannot_travel: bool,
        /// The resident has no device (computer, smartphone).
        #[arg(long)]
        no_device: bool,
        /// Local French time YYYY-MM-DDTHH:MM (default: now).
        #[arg(long, value_parser = parse_at)]
        at: Option<LocalDateTime>,
        #[arg(long, default_value_t = 5)]
        limit: usize,
        /// fr | fr-falc | en (for the reasons).
        #[arg(long, default_value = "fr", value_parser = parse_lang)]
        lang: Lang,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
        /// Name the format instead of detecting it.
        #[arg(long, value_parser = parse_format)]
        format: Option<Format>,
        /// An edited copy of data/rules.toml (the ranking weights) instead of the shipped one;
        /// its worked examples are replayed, and those whose order changed are printed.
        #[arg(long)]
        rules: Option<PathBuf>,
    },
    /// Checks data files together; one line per problem, `FILE:LINE: FIELD: message`. Exits 1
    /// when a row cannot be used.
    Validate {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long, value_parser = parse_format)]
        format: Option<Format>,
        /// Date of the check, YYYY-MM-DD (default: today): entries last updated more than 12
        /// months before are flagged.
        #[arg(long, value_parser = parse_date)]
        date: Option<Date>,
    },
    /// Builds the compact data bundle the widget loads, for one département or a few (codes and
    /// data; the words come from the language packs made by `aiguillage texts`).
    Bundle {
        #[arg(long = "data", required = true)]
        data: Vec<PathBuf>,
        /// Département code (e.g. 16), several separated by commas (16,17,86), a région
        /// (`region:75`, COG code: Nouvelle-Aquitaine), or `all` (every département).
        #[arg(long)]
        territory: String,
        /// One bundle of the whole territory.
        #[arg(long, required_unless_present = "out_dir", conflicts_with = "out_dir")]
        out: Option<PathBuf>,
        /// One bundle per département (`DIR/16.bin`, `DIR/2A.bin`, `DIR/974.bin`…) and
        /// the commune index: `DIR/index.bin`, every commune of them (no places), and for the
        /// widget's commune question the same split by what is typed (`DIR/start.bin`,
        /// `DIR/index.json`, `DIR/index/*.bin`): a widget whose `data-src` names this folder
        /// (ending with `/`) serves them all.
        #[arg(long)]
        out_dir: Option<PathBuf>,
        /// First day of compiled opening hours, YYYY-MM-DD (default: today).
        #[arg(long, value_parser = parse_date)]
        from: Option<Date>,
        #[arg(long, value_parser = parse_format)]
        format: Option<Format>,
        /// An edited copy of data/rules.toml (the ranking weights) instead of the shipped one;
        /// its worked examples are replayed, and those whose order changed are printed.
        #[arg(long)]
        rules: Option<PathBuf>,
    },
    /// Keeps the directory current: downloads the sources of a `publish.toml` (each download
    /// kept as a snapshot), checks, merges and bundles every territory, compares with the live
    /// publication and swaps the new one in atomically. A source that fails is replaced by its
    /// last good snapshot; a département that would lose more than `max_loss` of its places, or
    /// every place of a need, keeps its live bundle. Exit code: 0 published or unchanged, 3 a
    /// département refused by that guard, 4 every source failed, 2 the configuration or the
    /// folders cannot be used.
    Publish {
        /// The configuration (`publish.example.toml` lists the national sources).
        #[arg(long)]
        config: PathBuf,
        /// Download, build and compare, and print the report, without publishing.
        #[arg(long)]
        dry_run: bool,
        /// Publish this département even if the guard refuses it (this run only; repeatable,
        /// or codes separated by commas).
        #[arg(long = "force", value_delimiter = ',')]
        force: Vec<String>,
        /// Put the publication before the live one back in place.
        #[arg(long, conflicts_with_all = ["dry_run", "force", "history"])]
        rollback: bool,
        /// List the publications kept: date, each source's snapshot, counts.
        #[arg(long, conflicts_with_all = ["dry_run", "force"])]
        history: bool,
        /// Print the run's report as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Writes the language packs (texts.fr.bin, texts.fr-falc.bin, texts.en.bin): everything the
    /// widget says, from data/taxonomy.toml and data/wording.toml, one file per language; and
    /// signalement.<lang>.json, the report form's words; unavailable.<lang>.json, what the loader shows
    /// when the widget cannot start (a message and the national contacts); regions.json,
    /// the départements of each région (for `territory="region:75"`); and communes.json, every
    /// commune's name by INSEE code (the configurator checks a preset commune with it).
    Texts {
        #[arg(long)]
        out_dir: PathBuf,
    },
    /// For each need and each EPCI of a département: how many actors, and how far the
    /// worst-served commune is from the nearest one (the "zones blanches").
    Coverage {
        #[arg(long = "data", required = true)]
        data: Vec<PathBuf>,
        /// Département code (e.g. 16).
        #[arg(long)]
        territory: String,
        /// text (a table per need) | csv (EPCI and commune rows) | html (a page for élus).
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
        /// Write to this file instead of the standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Name the data format instead of detecting it.
        #[arg(long, value_parser = parse_format)]
        data_format: Option<Format>,
    },
    /// The printable local guide of a commune or an EPCI (A4, self-contained HTML): for each
    /// need, the places that serve it, their hours in words and what to bring, a QR code that
    /// opens the widget on that need; the national contacts where no place is near.
    Guide {
        /// The territory bundle(s) (`aiguillage bundle`); several for an EPCI across départements.
        #[arg(long, required = true)]
        bundle: Vec<PathBuf>,
        /// The EPCI's SIREN (e.g. 200071827).
        #[arg(long, required_unless_present = "commune", conflicts_with = "commune")]
        epci: Option<String>,
        /// The commune's INSEE code (e.g. 16292).
        #[arg(long)]
        commune: Option<String>,
        /// fr | fr-x-falc (simple French, its own words) | en.
        #[arg(long, default_value = "fr", value_parser = parse_lang)]
        lang: Lang,
        /// The page of your site where the widget is: each need's QR code opens it there, on that
        /// need (and the commune, for a commune's guide). Without it, no QR code.
        #[arg(long)]
        widget_url: Option<String>,
        /// The widget's `id` on that page, if it has one (its answers' key in the link).
        #[arg(long)]
        widget_id: Option<String>,
        /// Large type, for readers with low vision.
        #[arg(long)]
        large: bool,
        /// First day of the hours printed, YYYY-MM-DD (default: today).
        #[arg(long, value_parser = parse_date)]
        from: Option<Date>,
        /// Where to write the page (default: the standard output).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The anonymous orientation counts a server kept (its SQLite file): per month, need, EPCI
    /// and commune (named from 5 orientations), the demand without help near beside the
    /// coverage: the dashboard's report, offline.
    Stats {
        /// The statistics database (`[stats] database` of the server's configuration).
        #[arg(long)]
        db: PathBuf,
        /// Département code(s), e.g. 16 or 16,86.
        #[arg(long, value_delimiter = ',', required = true)]
        territory: Vec<String>,
        /// text | csv (month × need × EPCI) | html (the dashboard, one file).
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
        /// Write to this file instead of the standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// The territory bundle(s) the widget serves: with them, the zones blanches are shown.
        #[arg(long)]
        bundle: Vec<PathBuf>,
        /// First month, YYYY-MM (default: twelve months ago).
        #[arg(long, value_parser = parse_month)]
        from: Option<(i32, u32)>,
        /// Last month, YYYY-MM (default: this month).
        #[arg(long, value_parser = parse_month)]
        to: Option<(i32, u32)>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Csv,
    Html,
}

pub fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Orient {
            data,
            bundle,
            commune,
            need,
            autonomy,
            publics,
            supports,
            cannot_travel,
            no_device,
            at,
            limit,
            lang,
            json,
            format,
            rules,
        } => {
            // The resident's local time: in their commune's time zone.
            let at = at.unwrap_or_else(|| Calendar::of_insee(&commune).zone.local_from_unix(unix_now()));
            let profile = Profile {
                commune,
                need,
                autonomy,
                publics: publics.into_iter().collect::<Set<Public>>(),
                supports: supports.into_iter().collect::<Set<Support>>(),
                can_travel: cannot_travel.then_some(false),
                has_device: no_device.then_some(false),
            };
            let project = Project::load(rules.as_deref())?;
            let question = Question { profile: &profile, at, limit, lang, json };
            orient_command(&project, &data, bundle.as_deref(), format, rules.is_some(), &question)
        }
        Command::Validate { files, format, date } => {
            validate(&Project::load(None)?, &files, format, date.unwrap_or(now().date))
        }
        Command::Bundle { data, territory, out, out_dir, from, format, rules } => {
            let project = Project::load(rules.as_deref())?;
            let departements = cut::departements_of(&territory, &project.france).map_err(|e| e.to_string())?;
            let output = match (out, out_dir) {
                (Some(file), _) => Output::File(file),
                (None, Some(dir)) => Output::Folder(dir),
                (None, None) => return Err("expected --out FILE or --out-dir DIR".into()),
            };
            bundle_command(project, &data, format, &departements, &output, from.unwrap_or(now().date))
        }
        Command::Publish { config, dry_run, force, rollback, history, json } => {
            publish_command(&config, PublishAsk { dry_run, force, rollback, history, json })
        }
        Command::Texts { out_dir } => texts_command(&Project::load(None)?, &out_dir),
        Command::Coverage { data, territory, format, out, data_format } => {
            coverage_command(&Project::load(None)?, &data, data_format, &territory, format, out.as_deref())
        }
        Command::Guide { bundle, epci, commune, lang, widget_url, widget_id, large, from, out } => {
            let code = epci.or(commune).unwrap_or_default();
            let ask = GuideAsk {
                code: &code,
                lang,
                widget_url: widget_url.as_deref(),
                widget_id: widget_id.as_deref(),
                large,
            };
            guide_command(&Project::load(None)?, &bundle, &ask, from.unwrap_or(now().date), out.as_deref())
        }
        Command::Stats { db, territory, format, out, bundle, from, to } => {
            stats_command(&Project::load(None)?, &db, &territory, &bundle, (from, to), format, out.as_deref())
        }
    }
}

/// What every command starts from: the shipped taxonomy and wording, the ranking rules (shipped,
/// or a coordinator's edited copy), and the commune reference.
struct Project {
    taxonomy: Taxonomy,
    wording: Wording,
    rules: Rules,
    france: Communes,
}

impl Project {
    fn load(rules_file: Option<&Path>) -> Result<Project, String> {
        let (taxonomy, wording, shipped_rules) = project::shipped().map_err(|e| e.to_string())?;
        let france = reference::france();
        let rules = match rules_file {
            None => shipped_rules,
            Some(path) => edited_rules(path, &taxonomy, &france)?,
        };
        Ok(Project { taxonomy, wording, rules, france })
    }

    /// How the importers read data for this project, compiling opening hours from `today`.
    fn context(&self, today: Date) -> Context<'_> {
        Context { taxonomy: &self.taxonomy, communes: &self.france, today, horizon_days: HORIZON_DAYS }
    }
}

/// Reads a coordinator's rules file and replays its worked examples: an example whose order
/// changed shows what the edit changes for residents (said, not refused: it may be the intent).
fn edited_rules(path: &Path, taxonomy: &Taxonomy, france: &Communes) -> Result<Rules, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let name = path.display().to_string();
    let (rules, examples) = project::parse_rules(&name, &text).map_err(|e| e.to_string())?;
    let mut changed = 0;
    for example in &examples {
        match replay(example, taxonomy, &rules, france) {
            Outcome::Holds => {}
            Outcome::Changed { got } => {
                changed += 1;
                eprintln!(
                    "warning: {name}: example « {} »: now {} where the file expects {}",
                    example.name,
                    got.join(", "),
                    example.expect.join(", ")
                );
            }
            Outcome::Unusable(problem) => {
                changed += 1;
                eprintln!("warning: {name}: example « {} »: {problem}", example.name);
            }
        }
    }
    eprintln!("{name}: {} worked examples, {} hold", examples.len(), examples.len() - changed);
    Ok(rules)
}

fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// Metropolitan time now: the day data is read and bundles are built.
fn now() -> LocalDateTime {
    paris_from_unix(unix_now())
}

struct Loaded {
    /// One card per place ([`merge`]).
    actors: Vec<Actor>,
    reports: Vec<Report>,
    /// What was merged into one card.
    merges: Report,
}

impl Loaded {
    fn errors(&self) -> usize {
        self.reports.iter().flat_map(|r| &r.diagnostics).filter(|d| d.severity == Severity::Error).count()
    }
}

/// Reads and imports the files together (data·inclusion services may find their structures in
/// another file).
fn import_files(files: &[PathBuf], format: Option<Format>, context: &Context<'_>) -> Result<Vec<Imported>, String> {
    let contents = files
        .iter()
        .map(|path| std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display())))
        .collect::<Result<Vec<_>, _>>()?;
    let inputs: Vec<Input<'_>> =
        files.iter().zip(&contents).map(|(path, bytes)| Input { path, bytes, published: None }).collect();
    Ok(sources::import_all(&inputs, format, context))
}

fn load(files: &[PathBuf], format: Option<Format>, context: &Context<'_>) -> Result<Loaded, String> {
    let mut imported = import_files(files, format, context)?;
    let reports = imported
        .iter_mut()
        .map(|file| {
            let name = file.report.file.clone();
            std::mem::replace(&mut file.report, Report::new(name))
        })
        .collect();
    let corrections = corrections::take(&mut imported);
    let mut merges = Report::new("(bundle)");
    let mut actors = merge::one_card_per_place(imported, &mut merges);
    // Conflicts are said in the report (the workspace reads them from a publication's).
    corrections::apply(&mut actors, &corrections, context, &mut merges);
    Ok(Loaded { actors, reports, merges })
}

/// How a question is asked: the question, when, how many places, in which words.
struct Question<'a> {
    profile: &'a Profile,
    at: LocalDateTime,
    limit: usize,
    lang: Lang,
    json: bool,
}

fn orient_command(
    project: &Project,
    files: &[PathBuf],
    bundle: Option<&Path>,
    format: Option<Format>,
    own_rules: bool,
    question: &Question<'_>,
) -> Result<ExitCode, String> {
    let Project { taxonomy, wording, rules, france: communes } = project;
    let profile = question.profile;
    if taxonomy.need_id(&profile.need).is_none() {
        let error = orient::OrientError::UnknownNeed { code: profile.need.clone(), expected: taxonomy.codes() };
        return Err(error.to_string());
    }
    if let Some(path) = bundle {
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut bundle = aiguillage_engine::bundle::decode(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        if bundle.communes.get(&profile.commune).is_none() {
            return Err(format!(
                "commune `{}` is not in {} (territory {}, {}): expected one of its communes' INSEE codes",
                profile.commune,
                path.display(),
                bundle.territory,
                bundle.territory_name
            ));
        }
        // The bundle carries codes; its words come from the language packs, as in the widget.
        aiguillage_engine::texts::TextPack::from_words(taxonomy, wording, question.lang).apply(&mut bundle);
        if own_rules {
            bundle.rules = rules.clone();
        }
        return answer(bundle.territory(), &bundle.wording, question);
    }
    // Checked before reading data, so a typo answers at once.
    if communes.get(&profile.commune).is_none() {
        return Err(orient::OrientError::UnknownCommune { code: profile.commune.clone() }.to_string());
    }
    let loaded = load(files, format, &project.context(question.at.date.add_days(-1)))?;
    let errors = loaded.errors();
    if errors > 0 {
        eprintln!("aiguillage: {errors} rows could not be used (run `aiguillage validate` to see them)");
    }
    let directory = Directory::new(loaded.actors, communes);
    answer(Territory { communes, taxonomy, directory: &directory, rules }, wording, question)
}

/// Orients and prints the answer, as JSON or as text.
fn answer(
    territory: Territory<'_>,
    wording: &aiguillage_engine::Wording,
    question: &Question<'_>,
) -> Result<ExitCode, String> {
    let Question { profile, at, limit, lang, json } = *question;
    let taxonomy = territory.taxonomy;
    let orientation = orient(territory, profile, at, limit).map_err(|e| e.to_string())?;
    let explainer = Explainer { taxonomy, wording, lang, now: at };
    let actors = territory.directory.actors();
    if json {
        // The same shape as the JS package's `orient`: one contract for scripts and intranets.
        let view = aiguillage_engine::view::view(territory, profile, &orientation, &explainer);
        println!("{}", serde_json::to_string_pretty(&view).map_err(|e| e.to_string())?);
    } else {
        let commune = territory
            .communes
            .get(&profile.commune)
            .map_or(String::new(), |c| format!("{} ({})", c.name, c.departement));
        println!("{} — {} — {}", commune, profile.need, at);
        if orientation.recommendations.is_empty() {
            println!("Aucun lieu ne correspond.");
        }
        for (rank, rec) in orientation.recommendations.iter().enumerate() {
            let actor = &actors[rec.actor];
            println!("\n{}. {}", rank + 1, actor.name);
            println!("   {}, {} {}", actor.street, actor.postal_code, actor.commune_name);
            if let Some(phone) = &actor.phone {
                println!("   {phone}");
            }
            for reason in &rec.reasons {
                println!("   - {}", explainer.reason(*reason, actor.hours.source_text()));
            }
        }
        if orientation.notes.contains(&orient::Note::NothingLocal) || orientation.recommendations.is_empty() {
            println!("\nAides nationales :");
        } else {
            println!("\nAussi :");
        }
        for fallback in orientation.fallbacks.iter().filter_map(|i| taxonomy.fallbacks.get(*i)) {
            let contact = [fallback.phone.as_deref(), fallback.url.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" — ");
            println!("   - {} : {} ({})", fallback.name, fallback.text.get(lang), contact);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn validate(project: &Project, files: &[PathBuf], format: Option<Format>, date: Date) -> Result<ExitCode, String> {
    let mut imported = import_files(files, format, &project.context(date))?;
    quality::review(&mut imported, date);
    let (mut errors, mut warnings) = (0, 0);
    for file in &imported {
        for diagnostic in &file.report.diagnostics {
            println!("{diagnostic}");
            match diagnostic.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
            }
        }
        eprintln!("{}: {} places usable", file.report.file, file.entries.len());
    }
    eprintln!("{errors} errors, {warnings} warnings");
    Ok(if errors == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// Where `bundle` writes.
enum Output {
    File(PathBuf),
    Folder(PathBuf),
}

fn bundle_command(
    project: Project,
    files: &[PathBuf],
    format: Option<Format>,
    departements: &[String],
    output: &Output,
    from: Date,
) -> Result<ExitCode, String> {
    let loaded = load(files, format, &project.context(from))?;
    let Project { taxonomy, wording, rules, france } = project;
    let rows_with_errors = loaded.errors();
    let merged = loaded.merges.diagnostics.len();
    for diagnostic in &loaded.merges.diagnostics {
        eprintln!("{diagnostic}");
    }
    if merged > 0 {
        eprintln!("aiguillage: {merged} records merged into the card of the same place (one card per place)");
    }
    let write = |path: &Path, bundle: &aiguillage_engine::bundle::Bundle| -> Result<usize, String> {
        let bytes = bundle::encode(&bundle.without_texts());
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(path, &bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(bytes.len())
    };
    let bundle_project =
        cut::Project { france: &france, taxonomy: &taxonomy, wording: &wording, rules: &rules, built_on: from };
    let cut_out = |codes: &[&str], report: &mut Report| cut::cut(&bundle_project, codes, loaded.actors.clone(), report);
    let said = |path: &Path, bundle: &aiguillage_engine::bundle::Bundle, bytes: usize| {
        eprintln!(
            "{}: {} actors, {} communes, {bytes} bytes ({rows_with_errors} source rows left out: see `aiguillage validate`)",
            path.display(),
            bundle.directory.len(),
            bundle.communes.len(),
        );
    };
    match output {
        Output::File(path) => {
            let mut report = Report::new("(bundle)");
            let codes: Vec<&str> = departements.iter().map(String::as_str).collect();
            let bundle = cut_out(&codes, &mut report);
            report.diagnostics.iter().for_each(|d| eprintln!("{d}"));
            said(path, &bundle, write(path, &bundle)?);
        }
        Output::Folder(dir) => {
            for code in departements {
                let mut report = Report::new(format!("(bundle {code})"));
                let bundle = cut_out(&[code.as_str()], &mut report);
                report.diagnostics.iter().for_each(|d| eprintln!("{d}"));
                let path = dir.join(format!("{code}.bin"));
                said(&path, &bundle, write(&path, &bundle)?);
            }
            let index = cut::index_bundle(&bundle_project, departements);
            let files = aiguillage_engine::index::folder_files(&index, aiguillage_engine::index::MOST);
            for (name, bytes) in &files {
                let path = dir.join(name);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
                }
                std::fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            }
            eprintln!(
                "{}: {} communes of {} départements (no places), the widget's start and {} parts of the index by what is typed (index.json)",
                dir.join("index.bin").display(),
                index.communes.len(),
                departements.len(),
                files.len() - 3
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn coverage_command(
    project: &Project,
    files: &[PathBuf],
    format: Option<Format>,
    departement: &str,
    output: OutputFormat,
    out: Option<&Path>,
) -> Result<ExitCode, String> {
    let Project { taxonomy, france, .. } = project;
    let territory = france.iter().filter(|c| c.departement == departement).cloned().collect::<Vec<_>>();
    if territory.is_empty() {
        return Err(format!("unknown territory `{departement}`: expected a département code such as 16, 2A or 971"));
    }
    let today = now().date;
    let loaded = load(files, format, &project.context(today))?;
    if loaded.errors() > 0 {
        eprintln!("aiguillage: {} rows could not be used (run `aiguillage validate` to see them)", loaded.errors());
    }
    let territory = aiguillage_engine::Communes::new(territory, france.epcis().to_vec());
    let needs = reported_needs(taxonomy);
    let result = coverage(&territory, &loaded.actors, france, taxonomy, &needs);
    let page = Page {
        territory: departement,
        territory_name: &cut::departement_name(departement),
        taxonomy,
        actors: &loaded.actors,
        coverage: &result,
        france,
        sources: files,
        built_on: today,
    };
    let text = match output {
        OutputFormat::Text => report::text(&page),
        OutputFormat::Csv => report::csv(&page),
        OutputFormat::Html => report::html(&page),
    };
    match out {
        Some(path) => std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

struct GuideAsk<'a> {
    code: &'a str,
    lang: Lang,
    widget_url: Option<&'a str>,
    widget_id: Option<&'a str>,
    large: bool,
}

fn guide_command(
    project: &Project,
    files: &[PathBuf],
    ask: &GuideAsk<'_>,
    from: Date,
    out: Option<&Path>,
) -> Result<ExitCode, String> {
    use aiguillage_paper::guide;
    let bundles = files
        .iter()
        .map(|path| {
            let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            bundle::decode(&bytes).map_err(|e| format!("{}: {e}", path.display()))
        })
        .collect::<Result<Vec<_>, String>>()?;
    if let Some(url) = ask.widget_url {
        if aiguillage_engine::links::https(url).is_none() && !url.starts_with("http://") {
            return Err(format!("--widget-url `{url}`: expected the address of a page, https://…"));
        }
    }
    let fragment_key = guide::fragment_key(ask.widget_id);
    let selection = guide::select(&bundles, ask.code).map_err(|e| e.to_string())?;
    let options = guide::Options {
        lang: ask.lang,
        taxonomy: &project.taxonomy,
        wording: &project.wording,
        widget_url: ask.widget_url,
        fragment_key: &fragment_key,
        large: ask.large,
        from,
    };
    let page = guide::guide(&selection, &options).html;
    match out {
        Some(path) => std::fs::write(path, page).map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        None => print!("{page}"),
    }
    Ok(ExitCode::SUCCESS)
}

fn stats_command(
    project: &Project,
    database: &Path,
    departements: &[String],
    bundle_files: &[PathBuf],
    (from, to): (Option<(i32, u32)>, Option<(i32, u32)>),
    output: OutputFormat,
    out: Option<&Path>,
) -> Result<ExitCode, String> {
    use aiguillage_stats::report::{build, coverage_for, Period, Scope};
    use aiguillage_stats::{render, Store};
    let france = &project.france;
    if let Some(unknown) = departements.iter().find(|d| !france.iter().any(|c| c.departement.as_str() == d.as_str())) {
        return Err(format!("unknown territory `{unknown}`: expected département codes such as 16, 2A or 971"));
    }
    if !database.is_file() {
        return Err(format!("{}: no such statistics database", database.display()));
    }
    let store = Store::open(database, 0).map_err(|e| e.to_string())?;
    let default = Period::last_twelve_months(now().date);
    let period = Period { from: from.unwrap_or(default.from), to: to.unwrap_or(default.to) };
    if period.from > period.to {
        return Err("--from comes after --to".into());
    }
    let rows = store.months(period.first_day(), period.last_day()).map_err(|e| e.to_string())?;
    let mut bundles = Vec::new();
    for file in bundle_files {
        let bytes = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        bundles.push(bundle::decode(&bytes).map_err(|e| format!("{}: {e}", file.display()))?);
    }
    let needs: Vec<String> = project.taxonomy.needs.iter().map(|n| n.code.clone()).collect();
    let coverage = if bundles.is_empty() { None } else { coverage_for(&bundles, departements, &needs) };
    if !bundles.is_empty() && coverage.is_none() {
        eprintln!("aiguillage: the bundles given do not hold every département asked for: no zones blanches");
    }
    let names: Vec<String> = departements.iter().map(|d| format!("{} ({d})", cut::departement_name(d))).collect();
    let report = build(
        &rows,
        Scope {
            territory: names.join(", "),
            departements,
            communes: france,
            taxonomy: &project.taxonomy,
            remote_after_km: project.rules.remote_after_km,
            coverage,
        },
        period,
    );
    let text = match output {
        OutputFormat::Text => render::text(&report),
        OutputFormat::Csv => render::csv(&report),
        OutputFormat::Html => render::html(&report, render::Styles::Inline, None),
    };
    match out {
        Some(path) => std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

fn parse_month(text: &str) -> Result<(i32, u32), String> {
    aiguillage_stats::store::parse_month(text).ok_or_else(|| "expected a month as YYYY-MM, e.g. 2026-01".into())
}

fn parse_autonomy(text: &str) -> Result<Autonomy, String> {
    Autonomy::from_code(text).ok_or_else(|| format!("expected one of {}", Autonomy::codes()))
}

fn parse_public(text: &str) -> Result<Public, String> {
    Public::from_code(text).ok_or_else(|| format!("expected one of {}", Public::codes()))
}

fn parse_support(text: &str) -> Result<Support, String> {
    Support::from_code(text).ok_or_else(|| format!("expected one of {}", Support::codes()))
}

fn parse_at(text: &str) -> Result<LocalDateTime, String> {
    LocalDateTime::parse(text)
        .ok_or_else(|| "expected local French time as YYYY-MM-DDTHH:MM, e.g. 2026-12-08T09:30".into())
}

fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text).ok_or_else(|| "expected a date as YYYY-MM-DD".into())
}

fn parse_lang(text: &str) -> Result<Lang, String> {
    // `fr-x-falc` is the widget's `lang` attribute for simple French.
    let text =
        if text.eq_ignore_ascii_case("fr-x-falc") || text.eq_ignore_ascii_case("falc") { "fr-falc" } else { text };
    Lang::from_code(text).ok_or_else(|| "expected fr, fr-x-falc (or fr-falc) or en".into())
}

fn parse_format(text: &str) -> Result<Format, String> {
    Format::from_name(text).ok_or_else(|| format!("expected one of {}", Format::NAMES))
}

fn texts_command(project: &Project, out_dir: &Path) -> Result<ExitCode, String> {
    let Project { taxonomy, wording, .. } = project;
    std::fs::create_dir_all(out_dir).map_err(|e| format!("cannot create {}: {e}", out_dir.display()))?;
    for lang in Lang::ALL {
        let pack = aiguillage_engine::texts::TextPack::from_words(taxonomy, wording, lang);
        let path = out_dir.join(format!("texts.{}.bin", lang.code()));
        let bytes = aiguillage_engine::texts::encode(&pack);
        std::fs::write(&path, &bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        eprintln!("{}: {} bytes", path.display(), bytes.len());
        let path = out_dir.join(format!("unavailable.{}.json", lang.code()));
        std::fs::write(&path, crate::unavailable::page(&pack).to_string())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        // The report form's words (`report.*`), without their prefix.
        let words: serde_json::Map<String, serde_json::Value> = wording
            .iter()
            .filter_map(|(key, text)| Some((key.strip_prefix("report.")?.to_owned(), text.get(lang).into())))
            .collect();
        let path = out_dir.join(format!("signalement.{}.json", lang.code()));
        std::fs::write(&path, serde_json::Value::Object(words).to_string())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    // The départements of each région, for the widget's `territory="region:75"`.
    let regions: serde_json::Map<String, serde_json::Value> = aiguillage_import::reference::regions()
        .into_iter()
        .map(|(region, departements)| (region, departements.join(",").into()))
        .collect();
    let path = out_dir.join("regions.json");
    std::fs::write(&path, serde_json::Value::Object(regions).to_string())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    // Every commune's name by INSEE code, for the configurator's check of a preset commune.
    let communes: serde_json::Map<String, serde_json::Value> = project
        .france
        .iter()
        .map(|c| (c.insee.to_string(), format!("{} ({})", c.name, c.departement).into()))
        .collect();
    let path = out_dir.join("communes.json");
    std::fs::write(&path, serde_json::Value::Object(communes).to_string())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(ExitCode::SUCCESS)
}

/// What `aiguillage publish` is asked.
struct PublishAsk {
    dry_run: bool,
    force: Vec<String>,
    rollback: bool,
    history: bool,
    json: bool,
}

fn publish_command(config_path: &Path, ask: PublishAsk) -> Result<ExitCode, String> {
    use aiguillage_publish::{build, config::Config, progress::Progress};
    let project = build::Project::shipped()?;
    let config = Config::load(config_path, &project.france).map_err(|e| e.to_string())?;
    if ask.history {
        let (manifests, live) = aiguillage_publish::history(&config);
        print!("{}", aiguillage_publish::history_text(&manifests, live.as_deref()));
        return Ok(ExitCode::SUCCESS);
    }
    if ask.rollback {
        let id = aiguillage_publish::rollback(&config)?;
        println!("Publication {id} is live again ({}).", config.out_dir.display());
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(unknown) = ask.force.iter().find(|code| !config.departements.contains(code)) {
        return Err(format!(
            "--force {unknown}: not a département of {} (territories: {})",
            config_path.display(),
            config.departements.join(", ")
        ));
    }
    let options = aiguillage_publish::Options { dry_run: ask.dry_run, force: ask.force, now: unix_now() };
    let progress = if ask.json { Progress::Quiet } else { Progress::on_stderr() };
    let report = aiguillage_publish::publish(&config, &project, &options, &progress)?;
    if ask.json {
        println!("{}", serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?);
    } else {
        print!("{}", report.text(aiguillage_publish::report::utc_date(options.now)));
    }
    Ok(ExitCode::from(aiguillage_publish::exit_code(&report)))
}
