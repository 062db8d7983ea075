//! Daily aggregated counters in SQLite: per day, need, commune, language and mode, how many
//! orientations and how many of them found no place within the rules' `remote_after_km`.
//! Nothing else is kept: no address, no browser, no referrer, no time finer than the day.
//!
//! One thread owns the connection ([`Recorder`]): the counts that arrive while it writes are
//! committed together in the next transaction (a group commit), and each is acknowledged only
//! once its transaction is committed. The journal is SQLite's write-ahead log, so a killed
//! server keeps every acknowledged count.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};

use aiguillage_engine::calendar::Date;
use rusqlite::{params, Connection, OptionalExtension};

/// The schema, one step per version (`PRAGMA user_version`): a database is brought up to date
/// when opened, and a database from a newer server is refused rather than misread.
const MIGRATIONS: &[&str] = &[
    "CREATE TABLE counts (
        day TEXT NOT NULL,
        need TEXT NOT NULL,
        commune TEXT NOT NULL,
        lang TEXT NOT NULL,
        mode TEXT NOT NULL,
        orientations INTEGER NOT NULL,
        without_help_near INTEGER NOT NULL,
        PRIMARY KEY (day, need, commune, lang, mode)
    ) WITHOUT ROWID;
    CREATE TABLE day_totals (day TEXT PRIMARY KEY, orientations INTEGER NOT NULL) WITHOUT ROWID;",
    // The day's maximum is per territory (one busy département does not close the others), and
    // a row the writer rewrites to show it can still commit.
    "CREATE TABLE territory_day_totals (
        day TEXT NOT NULL,
        territory TEXT NOT NULL,
        orientations INTEGER NOT NULL,
        PRIMARY KEY (day, territory)
    ) WITHOUT ROWID;
    INSERT INTO territory_day_totals (day, territory, orientations)
        SELECT day, CASE WHEN substr(commune, 1, 2) = '97' THEN substr(commune, 1, 3) ELSE substr(commune, 1, 2) END,
               SUM(orientations)
        FROM counts GROUP BY 1, 2;
    DROP TABLE day_totals;
    CREATE TABLE health (id INTEGER PRIMARY KEY CHECK (id = 1), written_at INTEGER NOT NULL);",
];

/// The most counts committed in one transaction.
const BATCH: usize = 1024;

/// One orientation to count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Count {
    pub day: Date,
    pub need: String,
    pub commune: String,
    pub lang: &'static str,
    pub mode: &'static str,
    /// No place within `remote_after_km` of the commune (or none at all) was proposed.
    pub without_help_near: bool,
}

/// What became of a count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Added {
    Counted,
    /// The day's maximum of the commune's territory was reached: the count was not kept.
    DayFull,
}

/// The counts of one month, need and commune.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonthRow {
    /// `(year, month)`.
    pub month: (i32, u32),
    pub need: String,
    pub commune: String,
    pub orientations: u64,
    pub without_help_near: u64,
}

#[derive(Debug)]
pub struct StoreError {
    path: PathBuf,
    doing: &'static str,
    cause: String,
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.path.display(), self.doing, self.cause)
    }
}

impl std::error::Error for StoreError {}

/// The département of a commune's INSEE code (`16`, `2A`, `974`): the territory whose day
/// maximum a count draws on.
pub fn territory_of(insee: &str) -> &str {
    let width = if insee.starts_with("97") { 3 } else { 2 };
    insee.get(..width).unwrap_or(insee)
}

pub struct Store {
    connection: Connection,
    path: PathBuf,
    /// The most orientations kept per day and territory; 0: no maximum.
    max_per_day: u64,
}

impl Store {
    /// Opens (or creates) the database at `path`, brings its schema up to date and writes to it
    /// once: a database the server could not write is an error now, not at every beacon.
    pub fn open(path: &Path, max_per_day: u64) -> Result<Store, StoreError> {
        let fail = |doing| failure(path, doing);
        let opened = Connection::open(path)
            .map_err(fail("cannot open the statistics database"))
            .and_then(|connection| Store::prepare(connection, path, max_per_day))
            .and_then(|mut store| store.probe().map(|()| store));
        opened.map_err(|error| {
            let unwritable = ["readonly", "unable to open", "full", "disk I/O"].iter().any(|c| error.cause.contains(c));
            if !unwritable {
                return error;
            }
            StoreError {
                doing: "cannot write the statistics database",
                cause: format!(
                    "{}: let the service's user write the file and its folder (SQLite writes -wal and -shm files beside it), or free disk space",
                    error.cause
                ),
                ..error
            }
        })
    }

    /// The database's file; `None` in memory.
    pub fn file(&self) -> Option<&Path> {
        (self.path != Path::new(":memory:")).then_some(self.path.as_path())
    }

    /// Caps the file at about `megabytes` (SQLite's page count): beyond, counts fail as on a
    /// full disk, and the server says so (`/healthz`) instead of filling the disk.
    pub fn limit_size(&mut self, megabytes: u64) -> Result<(), StoreError> {
        let page_size: i64 = self
            .connection
            .query_row("PRAGMA page_size", [], |row| row.get(0))
            .map_err(self.error("cannot read the page size"))?;
        let pages = (megabytes.saturating_mul(1 << 20) / page_size.max(512) as u64).max(1);
        self.connection.pragma_update(None, "max_page_count", pages as i64).map_err(self.error("cannot limit the size"))
    }

    /// Writes one row and commits: whether the database can take counts now.
    pub fn probe(&mut self) -> Result<(), StoreError> {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
        self.connection
            .execute(
                "INSERT INTO health (id, written_at) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET written_at = excluded.written_at",
                [now],
            )
            .map(|_| ())
            .map_err(self.error("cannot write"))
    }

    /// A database that lives as long as the store (the demo without `--stats-db`, tests).
    pub fn in_memory(max_per_day: u64) -> Result<Store, StoreError> {
        let path = Path::new(":memory:");
        let connection = Connection::open_in_memory().map_err(|e| StoreError {
            path: path.into(),
            doing: "cannot open",
            cause: e.to_string(),
        })?;
        Store::prepare(connection, path, max_per_day)
    }

    fn prepare(mut connection: Connection, path: &Path, max_per_day: u64) -> Result<Store, StoreError> {
        let fail = |doing| failure(path, doing);
        // WAL: readers never wait for the writer, and a commit survives the process being killed;
        // NORMAL is durable against that (only a power cut may lose the last commits). The log is
        // copied back into the file by the writer when it has nothing else to do ([`write_loop`]),
        // not after a commit: with readers always reading, SQLite's own attempt after every
        // commit could not finish and would cost each batch a copy and a sync.
        connection
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA wal_autocheckpoint = 0;",
            )
            .map_err(fail("cannot set the journal mode"))?;
        let version: i64 = connection
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(fail("cannot read the version"))?;
        let known = MIGRATIONS.len() as i64;
        if version > known {
            return Err(StoreError {
                path: path.to_owned(),
                doing: "cannot use this database",
                cause: format!(
                    "it has schema version {version}, written by a newer server (this one knows up to {known})"
                ),
            });
        }
        let transaction = connection.transaction().map_err(fail("cannot start the migration"))?;
        for (step, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            transaction.execute_batch(sql).map_err(fail("cannot migrate the schema"))?;
            transaction
                .pragma_update(None, "user_version", step as i64 + 1)
                .map_err(fail("cannot migrate the schema"))?;
        }
        transaction.commit().map_err(fail("cannot migrate the schema"))?;
        Ok(Store { connection, path: path.to_owned(), max_per_day })
    }

    fn error(&self, doing: &'static str) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
        failure(&self.path, doing)
    }

    /// Counts `counts` in one transaction: all are kept, or none (the error says why).
    pub fn add(&mut self, counts: &[Count]) -> Result<Vec<Added>, StoreError> {
        let max_per_day = self.max_per_day;
        let path = self.path.clone();
        let fail = |doing| failure(&path, doing);
        let transaction = self.connection.transaction().map_err(fail("cannot start a transaction"))?;
        let mut added = Vec::with_capacity(counts.len());
        {
            let mut total = transaction
                .prepare_cached("SELECT orientations FROM territory_day_totals WHERE day = ?1 AND territory = ?2")
                .map_err(fail("cannot read the day's total"))?;
            let mut add_total = transaction
                .prepare_cached(
                    "INSERT INTO territory_day_totals (day, territory, orientations) VALUES (?1, ?2, 1)
                     ON CONFLICT (day, territory) DO UPDATE SET orientations = orientations + 1",
                )
                .map_err(fail("cannot count"))?;
            let mut add_count = transaction
                .prepare_cached(
                    "INSERT INTO counts (day, need, commune, lang, mode, orientations, without_help_near)
                     VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6)
                     ON CONFLICT (day, need, commune, lang, mode) DO UPDATE SET
                       orientations = orientations + 1,
                       without_help_near = without_help_near + excluded.without_help_near",
                )
                .map_err(fail("cannot count"))?;
            for count in counts {
                let day = count.day.to_string();
                let territory = territory_of(&count.commune);
                if max_per_day > 0 {
                    let so_far: Option<i64> = total
                        .query_row([day.as_str(), territory], |row| row.get(0))
                        .optional()
                        .map_err(fail("cannot read the day's total"))?;
                    if so_far.unwrap_or(0) as u64 >= max_per_day {
                        added.push(Added::DayFull);
                        continue;
                    }
                }
                add_total.execute([day.as_str(), territory]).map_err(fail("cannot count"))?;
                add_count
                    .execute(params![
                        day,
                        count.need,
                        count.commune,
                        count.lang,
                        count.mode,
                        count.without_help_near as i64
                    ])
                    .map_err(fail("cannot count"))?;
                added.push(Added::Counted);
            }
        }
        transaction.commit().map_err(fail("cannot commit the counts"))?;
        Ok(added)
    }

    /// The counts from `from` to `to` (both days included), summed per month, need and commune.
    pub fn months(&self, from: Date, to: Date) -> Result<Vec<MonthRow>, StoreError> {
        months(&self.connection, &self.path, from, to)
    }

    /// Every orientation ever counted (the load test compares it with what was acknowledged).
    pub fn total(&self) -> Result<u64, StoreError> {
        total(&self.connection, &self.path)
    }

    /// The first and last days with counts, if any.
    pub fn span(&self) -> Result<Option<(Date, Date)>, StoreError> {
        let (first, last): (Option<String>, Option<String>) = self
            .connection
            .query_row("SELECT MIN(day), MAX(day) FROM territory_day_totals", [], |row| Ok((row.get(0)?, row.get(1)?)))
            .map_err(self.error("cannot read the counts"))?;
        Ok(first.and_then(|f| Date::parse(&f)).zip(last.and_then(|l| Date::parse(&l))))
    }
}

/// A read-only connection to the database a [`Store`] writes: the dashboard reads while the
/// writer counts (the write-ahead log lets both go on at once).
pub struct Reader {
    connection: Connection,
    path: PathBuf,
}

impl Reader {
    pub fn open(path: &Path) -> Result<Reader, StoreError> {
        let connection = Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(failure(path, "cannot open the statistics database to read"))?;
        Ok(Reader { connection, path: path.to_owned() })
    }

    pub fn months(&self, from: Date, to: Date) -> Result<Vec<MonthRow>, StoreError> {
        months(&self.connection, &self.path, from, to)
    }

    pub fn total(&self) -> Result<u64, StoreError> {
        total(&self.connection, &self.path)
    }
}

fn months(connection: &Connection, path: &Path, from: Date, to: Date) -> Result<Vec<MonthRow>, StoreError> {
    let fail = || failure(path, "cannot read the counts");
    let mut statement = connection
        .prepare_cached(
            "SELECT substr(day, 1, 7) AS month, need, commune, SUM(orientations), SUM(without_help_near)
             FROM counts WHERE day BETWEEN ?1 AND ?2
             GROUP BY month, need, commune ORDER BY month, need, commune",
        )
        .map_err(fail())?;
    let rows = statement
        .query_map([from.to_string(), to.to_string()], |row| {
            let month: String = row.get(0)?;
            Ok(MonthRow {
                month: parse_month(&month).unwrap_or((0, 0)),
                need: row.get(1)?,
                commune: row.get(2)?,
                orientations: row.get::<_, i64>(3)? as u64,
                without_help_near: row.get::<_, i64>(4)? as u64,
            })
        })
        .map_err(fail())?;
    rows.collect::<Result<Vec<_>, _>>().map_err(fail())
}

fn total(connection: &Connection, path: &Path) -> Result<u64, StoreError> {
    connection
        .query_row("SELECT COALESCE(SUM(orientations), 0) FROM counts", [], |row| row.get::<_, i64>(0))
        .map(|n| n as u64)
        .map_err(failure(path, "cannot read the counts"))
}

/// Copies the database at `database` into a new file `to`, consistent and online: the counts
/// committed when it starts (those still in the write-ahead log included, which a copy of the
/// file alone loses), while the server goes on counting. `to` must not exist.
pub fn backup(database: &Path, to: &Path) -> Result<(), StoreError> {
    if to.exists() {
        return Err(StoreError {
            path: to.into(),
            doing: "will not overwrite",
            cause: "the file exists: name a new one".into(),
        });
    }
    if !database.is_file() {
        return Err(StoreError { path: database.into(), doing: "cannot back up", cause: "no such database".into() });
    }
    let connection = Connection::open_with_flags(database, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(failure(database, "cannot open the statistics database"))?;
    connection
        .busy_timeout(std::time::Duration::from_secs(5))
        .map_err(failure(database, "cannot wait for the writer"))?;
    let target = to.to_str().ok_or_else(|| StoreError {
        path: to.into(),
        doing: "cannot back up to",
        cause: "not a UTF-8 path".into(),
    })?;
    connection.execute("VACUUM INTO ?1", [target]).map_err(failure(to, "cannot write the backup"))?;
    Ok(())
}

fn failure<'a>(path: &'a Path, doing: &'static str) -> impl Fn(rusqlite::Error) -> StoreError + 'a {
    move |e| StoreError { path: path.to_owned(), doing, cause: e.to_string() }
}

/// `YYYY-MM` as `(year, month)`.
pub fn parse_month(text: &str) -> Option<(i32, u32)> {
    let (year, month) = text.split_once('-')?;
    let (year, month) = (year.parse().ok()?, month.parse().ok()?);
    (year > 0 && (1..=12).contains(&month) && text.len() == 7).then_some((year, month))
}

type Reply = Box<dyn FnOnce(Result<Added, String>) + Send>;
type Reading = Box<dyn FnOnce(&Store) + Send>;
type Probed = Box<dyn FnOnce(Result<(), String>) + Send>;

enum Job {
    Add(Count, Reply),
    Read(Reading),
    Probe(Probed),
}

/// What the writer last managed, for the readers' caches and `/healthz`.
#[derive(Default)]
pub struct WriterState {
    /// One more at each committed batch: a report made before it may be stale.
    generation: AtomicU64,
    /// Why the last commit failed; `None` once one succeeds again (a probe that succeeds
    /// proves less: it rewrites a row in place where a count may need a new page).
    commit_failing: Mutex<Option<String>>,
    /// Why the last probe failed; `None` once one succeeds again.
    probe_failing: Mutex<Option<String>>,
}

impl WriterState {
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Why the writer cannot commit now, if it cannot.
    pub fn failing(&self) -> Option<String> {
        let commit = self.commit_failing.lock().unwrap_or_else(|p| p.into_inner()).clone();
        commit.or_else(|| self.probe_failing.lock().unwrap_or_else(|p| p.into_inner()).clone())
    }

    fn record(slot: &Mutex<Option<String>>, outcome: &Result<(), String>) {
        *slot.lock().unwrap_or_else(|p| p.into_inner()) = outcome.as_ref().err().cloned();
    }
}

/// The handle to the thread that owns the store. Cloned freely; the thread ends when the last
/// handle is dropped, after the counts already sent.
#[derive(Clone)]
pub struct Recorder {
    jobs: mpsc::Sender<Job>,
    pub state: Arc<WriterState>,
}

impl Recorder {
    pub fn spawn(store: Store) -> Recorder {
        let (jobs, queue) = mpsc::channel();
        let state = Arc::new(WriterState::default());
        let writer_state = state.clone();
        std::thread::Builder::new()
            .name("aiguillage-stats".into())
            .spawn(move || write_loop(store, queue, &writer_state))
            .expect("the statistics thread starts");
        Recorder { jobs, state }
    }

    /// Counts one orientation; `reply` is called once its transaction is committed (or failed).
    pub fn add(&self, count: Count, reply: impl FnOnce(Result<Added, String>) + Send + 'static) {
        if let Err(mpsc::SendError(Job::Add(_, reply))) = self.jobs.send(Job::Add(count, Box::new(reply))) {
            reply(Err("the statistics thread has stopped".into()));
        }
    }

    /// Runs `reading` on the store, after every count sent before it.
    pub fn read(&self, reading: impl FnOnce(&Store) + Send + 'static) {
        let _ = self.jobs.send(Job::Read(Box::new(reading)));
    }

    /// Has the writer write and commit one row now (its health, when no count came for a while).
    pub fn probe(&self, reply: impl FnOnce(Result<(), String>) + Send + 'static) {
        if let Err(mpsc::SendError(Job::Probe(reply))) = self.jobs.send(Job::Probe(Box::new(reply))) {
            reply(Err("the statistics thread has stopped".into()));
        }
    }
}

/// The log is copied back into the database at most this often, when the writer is idle.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

fn write_loop(mut store: Store, queue: mpsc::Receiver<Job>, state: &WriterState) {
    let mut counts = Vec::with_capacity(BATCH);
    let mut replies: Vec<Reply> = Vec::with_capacity(BATCH);
    let mut checkpointed = std::time::Instant::now();
    loop {
        let first = match queue.try_recv() {
            Ok(job) => job,
            Err(mpsc::TryRecvError::Disconnected) => break,
            Err(mpsc::TryRecvError::Empty) => {
                if checkpointed.elapsed() >= CHECKPOINT_EVERY {
                    // PASSIVE: copies what no reader still needs, never waits for one.
                    let _ = store.connection.execute_batch("PRAGMA wal_checkpoint(PASSIVE);");
                    checkpointed = std::time::Instant::now();
                }
                match queue.recv_timeout(CHECKPOINT_EVERY) {
                    Ok(job) => job,
                    Err(mpsc::RecvTimeoutError::Timeout) => continue,
                    Err(mpsc::RecvTimeoutError::Disconnected) => break,
                }
            }
        };
        let mut next = Some(first);
        while let Some(job) = next.take() {
            match job {
                Job::Add(count, reply) => {
                    counts.push(count);
                    replies.push(reply);
                    if counts.len() < BATCH {
                        next = queue.try_recv().ok();
                    }
                }
                Job::Read(reading) => {
                    commit(&mut store, &mut counts, &mut replies, state);
                    reading(&store);
                    next = queue.try_recv().ok();
                }
                Job::Probe(reply) => {
                    commit(&mut store, &mut counts, &mut replies, state);
                    let outcome = store.probe().map_err(|e| e.to_string());
                    WriterState::record(&state.probe_failing, &outcome);
                    reply(outcome);
                    next = queue.try_recv().ok();
                }
            }
        }
        commit(&mut store, &mut counts, &mut replies, state);
        // Never idle under a steady load: the log is still copied back now and then.
        if checkpointed.elapsed() >= 10 * CHECKPOINT_EVERY {
            let _ = store.connection.execute_batch("PRAGMA wal_checkpoint(PASSIVE);");
            checkpointed = std::time::Instant::now();
        }
    }
}

fn commit(store: &mut Store, counts: &mut Vec<Count>, replies: &mut Vec<Reply>, state: &WriterState) {
    if counts.is_empty() {
        return;
    }
    match store.add(counts) {
        Ok(added) => {
            state.generation.fetch_add(1, Ordering::AcqRel);
            WriterState::record(&state.commit_failing, &Ok(()));
            replies.drain(..).zip(added).for_each(|(reply, added)| reply(Ok(added)));
        }
        Err(error) => {
            eprintln!("aiguillage: statistics: {error}");
            WriterState::record(&state.commit_failing, &Err(error.to_string()));
            replies.drain(..).for_each(|reply| reply(Err(error.to_string())));
        }
    }
    counts.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(day: &str, need: &str, commune: &str, far: bool) -> Count {
        Count {
            day: Date::parse(day).unwrap(),
            need: need.into(),
            commune: commune.into(),
            lang: "fr",
            mode: "resident",
            without_help_near: far,
        }
    }

    #[test]
    fn counts_are_summed_per_month_need_and_commune() {
        let mut store = Store::in_memory(0).unwrap();
        store
            .add(&[
                count("2026-11-30", "emploi", "16292", false),
                count("2026-12-01", "emploi", "16292", true),
                count("2026-12-02", "emploi", "16292", false),
                count("2026-12-02", "demarches", "16015", true),
            ])
            .unwrap();
        let rows = store.months(Date::parse("2026-12-01").unwrap(), Date::parse("2026-12-31").unwrap()).unwrap();
        assert_eq!(
            rows,
            vec![
                MonthRow {
                    month: (2026, 12),
                    need: "demarches".into(),
                    commune: "16015".into(),
                    orientations: 1,
                    without_help_near: 1
                },
                MonthRow {
                    month: (2026, 12),
                    need: "emploi".into(),
                    commune: "16292".into(),
                    orientations: 2,
                    without_help_near: 1
                },
            ]
        );
        assert_eq!(store.total().unwrap(), 4);
        assert_eq!(
            store.span().unwrap(),
            Some((Date::parse("2026-11-30").unwrap(), Date::parse("2026-12-02").unwrap()))
        );
    }

    #[test]
    fn a_full_day_keeps_no_more() {
        let mut store = Store::in_memory(2).unwrap();
        let added = store
            .add(&[
                count("2026-12-01", "emploi", "16292", false),
                count("2026-12-01", "emploi", "16292", false),
                count("2026-12-01", "emploi", "16015", false),
                count("2026-12-02", "emploi", "16015", false),
            ])
            .unwrap();
        assert_eq!(added, [Added::Counted, Added::Counted, Added::DayFull, Added::Counted]);
        assert_eq!(store.total().unwrap(), 3);
        // Another territory's day is its own, overseas too.
        let others = [count("2026-12-01", "emploi", "86194", false), count("2026-12-01", "emploi", "97411", false)];
        assert_eq!(store.add(&others).unwrap(), [Added::Counted, Added::Counted]);
        assert_eq!((territory_of("97411"), territory_of("2A004"), territory_of("16292")), ("974", "2A", "16"));
    }

    #[test]
    fn a_database_that_is_full_fails_its_commits_and_says_so() {
        let dir = std::env::temp_dir().join(format!("aiguillage-stats-full-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut store = Store::open(&dir.join("stats.sqlite"), 0).unwrap();
        store.limit_size(1).unwrap();
        let recorder = Recorder::spawn(store);
        let (sent, received) = mpsc::channel();
        // Distinct communes and days: each count a new row, until the megabyte is full.
        for day in 0..300 {
            for commune in 0..100 {
                let sent = sent.clone();
                let date = Date(Date::parse("2026-01-01").unwrap().0 + day);
                let count = Count {
                    day: date,
                    commune: format!("16{commune:03}"),
                    ..count("2026-01-01", "emploi", "16000", false)
                };
                // What the writer says of itself when it refuses a count.
                let state = recorder.state.clone();
                recorder.add(count, move |added| {
                    let _ = sent.send((added.is_err(), state.failing()));
                });
            }
        }
        let answers: Vec<_> = received.iter().take(30_000).collect();
        let refused: Vec<_> = answers.iter().filter(|(refused, _)| *refused).collect();
        assert!(!refused.is_empty(), "a megabyte holds fewer than 30,000 rows");
        for (_, failing) in refused {
            let failing = failing.as_deref().expect("the writer says it fails");
            assert!(failing.contains("full"), "{failing}");
        }
        let (sent, received) = mpsc::channel();
        recorder.probe(move |outcome| sent.send(outcome).unwrap());
        received.recv().unwrap().ok();
        // Later batches may fit in pages' free space; while the last one failed, a probe that
        // rewrites its row in place does not hide it.
        let last_failed = answers.last().is_some_and(|(refused, _)| *refused);
        assert!(!last_failed || recorder.state.failing().is_some());
        drop(recorder);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn the_schema_is_created_once_and_a_newer_one_is_refused() {
        let dir = std::env::temp_dir().join(format!("aiguillage-stats-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("stats.sqlite");
        let _ = std::fs::remove_file(&path);
        Store::open(&path, 0).unwrap().add(&[count("2026-12-01", "emploi", "16292", false)]).unwrap();
        assert_eq!(Store::open(&path, 0).unwrap().total().unwrap(), 1, "kept across openings");
        Connection::open(&path).unwrap().pragma_update(None, "user_version", 99).unwrap();
        let error = Store::open(&path, 0).err().expect("a newer schema is refused").to_string();
        assert!(error.contains("newer server"), "{error}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_backup_keeps_every_committed_count_even_those_in_the_log() {
        let dir = std::env::temp_dir().join(format!("aiguillage-stats-backup-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("stats.sqlite");
        // The store stays open: its counts sit in the write-ahead log, not yet in the file.
        let mut store = Store::open(&path, 0).unwrap();
        store
            .add(&[count("2026-12-01", "emploi", "16292", false), count("2026-12-02", "emploi", "16292", true)])
            .unwrap();
        assert!(dir.join("stats.sqlite-wal").is_file());
        let copy = dir.join("copie.sqlite");
        std::fs::copy(&path, &copy).unwrap();
        let copied = Store::open(&copy, 0).unwrap().total().unwrap();
        let saved = dir.join("sauvegarde.sqlite");
        backup(&path, &saved).unwrap();
        assert_eq!(Store::open(&saved, 0).unwrap().total().unwrap(), 2, "every committed count");
        assert!(copied < 2, "a bare copy of the file loses what is in the log ({copied})");
        let error = backup(&path, &saved).unwrap_err().to_string();
        assert!(error.contains("will not overwrite"), "{error}");
        drop(store);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn the_recorder_acknowledges_after_commit_and_reads_after_earlier_counts() {
        // A file, and each acknowledgement checked from another connection: it sees only what is
        // committed (one in-memory connection would see its own uncommitted rows too).
        let dir = std::env::temp_dir().join(format!("aiguillage-stats-ack-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("stats.sqlite");
        let recorder = Recorder::spawn(Store::open(&path, 0).unwrap());
        let (sent, received) = mpsc::channel();
        let acknowledged = Arc::new(AtomicU64::new(0));
        for _ in 0..500 {
            let (sent, acknowledged, path) = (sent.clone(), acknowledged.clone(), path.clone());
            recorder.add(count("2026-12-01", "emploi", "16292", false), move |added| {
                let before = acknowledged.fetch_add(1, Ordering::SeqCst) + 1;
                let visible = Reader::open(&path).and_then(|reader| reader.total()).unwrap();
                sent.send((added, visible >= before)).unwrap();
            });
        }
        let answers: Vec<_> = received.iter().take(500).collect();
        assert!(
            answers.iter().all(|(added, visible)| *added == Ok(Added::Counted) && *visible),
            "committed before acknowledged"
        );
        let (sent, received) = mpsc::channel();
        recorder.read(move |store| sent.send(store.total().unwrap()).unwrap());
        assert_eq!(received.recv().unwrap(), 500, "a read comes after the counts sent before it");
        drop(recorder);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn months_are_read_strictly() {
        assert_eq!(parse_month("2026-12"), Some((2026, 12)));
        assert_eq!(parse_month("2026-13"), None);
        assert_eq!(parse_month("2026-1"), None);
        assert_eq!(parse_month("déc."), None);
    }
}
