//! The workspace's SQLite file: accounts, sessions, sign-in attempts, corrections and the
//! journal. Every function takes `now` (Unix seconds), so that expiry and back-off are tested
//! without waiting.

use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::accounts::Account;
use crate::throttle::{Policy, FORGOTTEN_AFTER};

/// A session ends after this long without a request…
pub const IDLE_SECONDS: i64 = 8 * 3_600;
/// …and this long after sign-in in any case.
pub const ABSOLUTE_SECONDS: i64 = 7 * 86_400;

/// The schema, one step per version (`PRAGMA user_version`).
const MIGRATIONS: &[&str] = &[
    "CREATE TABLE accounts (
        name TEXT PRIMARY KEY,
        hash TEXT NOT NULL,
        territories TEXT NOT NULL,
        created INTEGER NOT NULL
    );
    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        account TEXT NOT NULL REFERENCES accounts (name) ON DELETE CASCADE,
        csrf TEXT NOT NULL,
        created INTEGER NOT NULL,
        seen INTEGER NOT NULL
    );
    CREATE TABLE attempts (
        key TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        last INTEGER NOT NULL,
        locked_until INTEGER NOT NULL
    );
    CREATE TABLE corrections (
        territory TEXT NOT NULL,
        place TEXT NOT NULL,
        field TEXT NOT NULL,
        value TEXT NOT NULL,
        source_value TEXT NOT NULL,
        account TEXT NOT NULL,
        at INTEGER NOT NULL,
        PRIMARY KEY (place, field)
    );
    CREATE TABLE journal (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        account TEXT NOT NULL,
        territory TEXT NOT NULL,
        place TEXT NOT NULL,
        field TEXT NOT NULL,
        before TEXT NOT NULL,
        after TEXT NOT NULL
    );
    CREATE INDEX journal_by_territory ON journal (territory, id);",
    // Reports keep the day they were sent, never its time, nor anything of the sender.
    "CREATE TABLE reports (
        id INTEGER PRIMARY KEY,
        territory TEXT NOT NULL,
        place TEXT NOT NULL,
        kind TEXT NOT NULL,
        text TEXT NOT NULL,
        day TEXT NOT NULL,
        resolved_by TEXT,
        resolved_at INTEGER
    );
    CREATE INDEX reports_by_territory ON reports (territory, place);",
    // Share links of the dashboard: the token is given once, its hash kept.
    "CREATE TABLE share_links (
        token_hash TEXT PRIMARY KEY,
        territory TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER
    );",
];

#[derive(Debug)]
pub struct StoreError {
    pub path: PathBuf,
    pub doing: &'static str,
    pub cause: String,
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}: {}", self.path.display(), self.doing, self.cause)
    }
}

impl std::error::Error for StoreError {}

/// A signed-in session, found from its cookie.
#[derive(Clone, Debug)]
pub struct Session {
    pub account: Account,
    /// The token every form of this session carries.
    pub csrf: String,
}

/// A session just opened: the cookie's value (only its hash is stored) and the forms' token.
pub struct NewSession {
    pub token: String,
    pub csrf: String,
}

/// One field of one place, as a coordinator set it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Correction {
    pub territory: String,
    pub place: String,
    pub field: String,
    pub value: String,
    /// What the published data said when the correction was made.
    pub source_value: String,
    pub account: String,
    pub at: i64,
}

/// One change, as the journal keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub at: i64,
    pub account: String,
    pub territory: String,
    pub place: String,
    pub field: String,
    pub before: String,
    pub after: String,
}

/// A report of a resident or a social worker, as kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredReport {
    pub id: i64,
    pub territory: String,
    pub place: String,
    /// The kind's code (`telephone`…).
    pub kind: String,
    pub text: String,
    /// `YYYY-MM-DD`.
    pub day: String,
    /// Who resolved it, and when.
    pub resolved: Option<(String, i64)>,
}

pub struct Store {
    connection: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (or creates) the file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let connection = Connection::open(path).map_err(failure(path, "cannot open the workspace database"))?;
        Store::prepare(connection, path)
    }

    /// A database that lives as long as the store (tests, the demo).
    pub fn in_memory() -> Result<Store, StoreError> {
        let path = Path::new(":memory:");
        let connection = Connection::open_in_memory().map_err(failure(path, "cannot open"))?;
        Store::prepare(connection, path)
    }

    fn prepare(mut connection: Connection, path: &Path) -> Result<Store, StoreError> {
        let fail = |doing| failure(path, doing);
        connection
            .execute_batch("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;")
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
        Ok(Store { connection, path: path.to_owned() })
    }

    fn error(&self, doing: &'static str) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
        failure(&self.path, doing)
    }

    // Accounts.

    /// Adds an account; an error if the name is taken.
    pub fn add_account(&self, account: &Account, hash: &str, now: i64) -> Result<(), StoreError> {
        let added = self
            .connection
            .execute(
                "INSERT INTO accounts (name, hash, territories, created) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
                params![account.name, hash, account.territories.join(","), now],
            )
            .map_err(self.error("cannot add the account"))?;
        if added == 0 {
            return Err(StoreError {
                path: self.path.clone(),
                doing: "cannot add the account",
                cause: format!("`{}` exists already (`user password` changes its password)", account.name),
            });
        }
        Ok(())
    }

    pub fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        let mut statement = self
            .connection
            .prepare("SELECT name, territories FROM accounts ORDER BY name")
            .map_err(self.error("cannot list the accounts"))?;
        let rows = statement
            .query_map([], |row| Ok(account_of(row.get(0)?, row.get::<_, String>(1)?)))
            .map_err(self.error("cannot list the accounts"))?;
        rows.collect::<Result<_, _>>().map_err(self.error("cannot list the accounts"))
    }

    /// The account and its password's hash.
    pub fn account(&self, name: &str) -> Result<Option<(Account, String)>, StoreError> {
        self.connection
            .query_row("SELECT name, territories, hash FROM accounts WHERE name = ?1", [name], |row| {
                Ok((account_of(row.get(0)?, row.get::<_, String>(1)?), row.get(2)?))
            })
            .optional()
            .map_err(self.error("cannot read the account"))
    }

    /// Removes an account and its sessions; whether it existed.
    pub fn remove_account(&self, name: &str) -> Result<bool, StoreError> {
        self.connection
            .execute("DELETE FROM accounts WHERE name = ?1", [name])
            .map(|n| n > 0)
            .map_err(self.error("cannot remove the account"))
    }

    /// A new password; the account's sessions end. Whether the account exists.
    pub fn set_password(&self, name: &str, hash: &str) -> Result<bool, StoreError> {
        let changed = self
            .connection
            .execute("UPDATE accounts SET hash = ?2 WHERE name = ?1", [name, hash])
            .map_err(self.error("cannot change the password"))?;
        self.connection
            .execute("DELETE FROM sessions WHERE account = ?1", [name])
            .map_err(self.error("cannot end the sessions"))?;
        Ok(changed > 0)
    }

    // Sessions.

    /// Opens a session for `account` with fresh random identifiers.
    pub fn open_session(&self, account: &str, now: i64) -> Result<NewSession, StoreError> {
        let random = || {
            random_token().map_err(|cause| StoreError {
                path: self.path.clone(),
                doing: "cannot open the session",
                cause,
            })
        };
        let session = NewSession { token: random()?, csrf: random()? };
        self.connection
            .execute(
                "DELETE FROM sessions WHERE seen < ?1 OR created < ?2",
                params![now - IDLE_SECONDS, now - ABSOLUTE_SECONDS],
            )
            .map_err(self.error("cannot forget old sessions"))?;
        self.connection
            .execute(
                "INSERT INTO sessions (token_hash, account, csrf, created, seen) VALUES (?1, ?2, ?3, ?4, ?4)",
                params![token_hash(&session.token), account, session.csrf, now],
            )
            .map_err(self.error("cannot open the session"))?;
        Ok(session)
    }

    /// The session of a cookie's `token`, if it is still open; its idle time starts again.
    pub fn session(&self, token: &str, now: i64) -> Result<Option<Session>, StoreError> {
        let hash = token_hash(token);
        let found = self
            .connection
            .query_row(
                "SELECT accounts.name, accounts.territories, sessions.csrf, sessions.created, sessions.seen
                 FROM sessions JOIN accounts ON accounts.name = sessions.account WHERE token_hash = ?1",
                [&hash],
                |row| {
                    Ok((
                        account_of(row.get(0)?, row.get::<_, String>(1)?),
                        row.get::<_, String>(2)?,
                        row.get::<_, i64>(3)?,
                        row.get::<_, i64>(4)?,
                    ))
                },
            )
            .optional()
            .map_err(self.error("cannot read the session"))?;
        let Some((account, csrf, created, seen)) = found else { return Ok(None) };
        if now - seen > IDLE_SECONDS || now - created > ABSOLUTE_SECONDS {
            self.close_session(token)?;
            return Ok(None);
        }
        self.connection
            .execute("UPDATE sessions SET seen = ?2 WHERE token_hash = ?1", params![hash, now])
            .map_err(self.error("cannot keep the session"))?;
        Ok(Some(Session { account, csrf }))
    }

    pub fn close_session(&self, token: &str) -> Result<(), StoreError> {
        self.connection
            .execute("DELETE FROM sessions WHERE token_hash = ?1", [token_hash(token)])
            .map(|_| ())
            .map_err(self.error("cannot close the session"))
    }

    // Sign-in attempts.

    /// Until when `key` is locked, if it is now.
    pub fn locked_until(&self, key: &str, now: i64) -> Result<Option<i64>, StoreError> {
        let until: Option<i64> = self
            .connection
            .query_row("SELECT locked_until FROM attempts WHERE key = ?1", [key], |row| row.get(0))
            .optional()
            .map_err(self.error("cannot read the attempts"))?;
        Ok(until.filter(|until| *until > now))
    }

    /// One more failure for `key`; until when it is now locked, if it is.
    pub fn failed(&self, key: &str, policy: Policy, now: i64) -> Result<Option<i64>, StoreError> {
        let (failures, last): (u32, i64) = self
            .connection
            .query_row("SELECT failures, last FROM attempts WHERE key = ?1", [key], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .optional()
            .map_err(self.error("cannot read the attempts"))?
            .unwrap_or((0, now));
        let failures = if now - last > FORGOTTEN_AFTER { 1 } else { failures + 1 };
        // Keys forgotten long ago are not kept (names typed once, clients gone).
        self.connection
            .execute("DELETE FROM attempts WHERE last < ?1 AND locked_until < ?2", params![now - FORGOTTEN_AFTER, now])
            .map_err(self.error("cannot forget old attempts"))?;
        let lock = policy.lock_after(failures);
        self.connection
            .execute(
                "INSERT INTO attempts (key, failures, last, locked_until) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, last = excluded.last, locked_until = excluded.locked_until",
                params![key, failures, now, now + lock],
            )
            .map_err(self.error("cannot count the attempt"))?;
        Ok((lock > 0).then_some(now + lock))
    }

    /// Takes back one failure counted for `key` (an attempt counted before its password was
    /// checked, which succeeded).
    pub fn forgive_one(&self, key: &str, policy: Policy) -> Result<(), StoreError> {
        let failures: Option<u32> = self
            .connection
            .query_row("SELECT failures FROM attempts WHERE key = ?1", [key], |row| row.get(0))
            .optional()
            .map_err(self.error("cannot read the attempts"))?;
        let Some(failures) = failures else { return Ok(()) };
        let failures = failures.saturating_sub(1);
        let unlock = if policy.lock_after(failures) == 0 { ", locked_until = 0" } else { "" };
        self.connection
            .execute(&format!("UPDATE attempts SET failures = ?2{unlock} WHERE key = ?1"), params![key, failures])
            .map(|_| ())
            .map_err(self.error("cannot count the attempt"))
    }

    pub fn forget_failures(&self, key: &str) -> Result<(), StoreError> {
        self.connection
            .execute("DELETE FROM attempts WHERE key = ?1", [key])
            .map(|_| ())
            .map_err(self.error("cannot reset the attempts"))
    }

    // Corrections and the journal.

    /// Sets one field of one place (an empty value clears the field) with the sources' value
    /// it is made against, or withdraws its correction (`withdraws`: the sources' value is
    /// back), and writes the change to the journal, in one transaction.
    pub fn correct(&mut self, correction: &Correction, before: &str, withdraws: bool) -> Result<(), StoreError> {
        let fail = failure(&self.path, "cannot record the correction");
        let transaction = self.connection.transaction().map_err(&fail)?;
        if withdraws {
            transaction
                .execute(
                    "DELETE FROM corrections WHERE place = ?1 AND field = ?2",
                    [&correction.place, &correction.field],
                )
                .map_err(&fail)?;
        } else {
            transaction
                .execute(
                    "INSERT INTO corrections (territory, place, field, value, source_value, account, at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                     ON CONFLICT (place, field) DO UPDATE SET value = excluded.value, source_value = excluded.source_value,
                     account = excluded.account, at = excluded.at",
                    params![
                        correction.territory,
                        correction.place,
                        correction.field,
                        correction.value,
                        correction.source_value,
                        correction.account,
                        correction.at
                    ],
                )
                .map_err(&fail)?;
        }
        transaction
            .execute(
                "INSERT INTO journal (at, account, territory, place, field, before, after) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    correction.at,
                    correction.account,
                    correction.territory,
                    correction.place,
                    correction.field,
                    before,
                    correction.value
                ],
            )
            .map_err(&fail)?;
        transaction.commit().map_err(&fail)
    }

    /// The corrections of the `territories`' places (every territory when `None`), by place
    /// then field.
    pub fn corrections(&self, territories: Option<&[String]>) -> Result<Vec<Correction>, StoreError> {
        let mut statement = self
            .connection
            .prepare(
                "SELECT territory, place, field, value, source_value, account, at FROM corrections ORDER BY place, field",
            )
            .map_err(self.error("cannot read the corrections"))?;
        let rows = statement
            .query_map([], |row| {
                Ok(Correction {
                    territory: row.get(0)?,
                    place: row.get(1)?,
                    field: row.get(2)?,
                    value: row.get(3)?,
                    source_value: row.get(4)?,
                    account: row.get(5)?,
                    at: row.get(6)?,
                })
            })
            .map_err(self.error("cannot read the corrections"))?;
        let all: Vec<Correction> = rows.collect::<Result<_, _>>().map_err(self.error("cannot read the corrections"))?;
        Ok(all.into_iter().filter(|c| territories.is_none_or(|t| t.contains(&c.territory))).collect())
    }

    /// The newest `limit` changes in the `territories`, newest first.
    pub fn journal(&self, territories: &[String], limit: usize) -> Result<Vec<Change>, StoreError> {
        let mut statement = self
            .connection
            .prepare(
                "SELECT at, account, territory, place, field, before, after FROM journal
                 WHERE territory IN (SELECT value FROM json_each(?1)) ORDER BY id DESC LIMIT ?2",
            )
            .map_err(self.error("cannot read the journal"))?;
        let rows = statement
            .query_map(params![json_list(territories), limit as i64], |row| {
                Ok(Change {
                    at: row.get(0)?,
                    account: row.get(1)?,
                    territory: row.get(2)?,
                    place: row.get(3)?,
                    field: row.get(4)?,
                    before: row.get(5)?,
                    after: row.get(6)?,
                })
            })
            .map_err(self.error("cannot read the journal"))?;
        rows.collect::<Result<_, _>>().map_err(self.error("cannot read the journal"))
    }
}

impl Store {
    /// Keeps a report of the place `sent.place`, of département `territory`, sent on `day`,
    /// unless the place has had [`crate::reports::MAX_PER_PLACE_AND_DAY`] that day (a flood
    /// buries the reports that matter): whether it was kept.
    pub fn add_report(&self, territory: &str, sent: &crate::reports::Sent, day: &str) -> Result<bool, StoreError> {
        let today: i64 = self
            .connection
            .query_row("SELECT count(*) FROM reports WHERE place = ?1 AND day = ?2", [&sent.place, day], |row| {
                row.get(0)
            })
            .map_err(self.error("cannot count the reports"))?;
        if today >= crate::reports::MAX_PER_PLACE_AND_DAY {
            return Ok(false);
        }
        self.connection
            .execute(
                "INSERT INTO reports (territory, place, kind, text, day) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![territory, sent.place, sent.kind.code(), sent.text, day],
            )
            .map(|_| true)
            .map_err(self.error("cannot keep the report"))
    }

    /// The reports of the `territories`, newest first.
    pub fn reports(&self, territories: &[String]) -> Result<Vec<StoredReport>, StoreError> {
        let mut statement = self
            .connection
            .prepare(
                "SELECT id, territory, place, kind, text, day, resolved_by, resolved_at FROM reports
                 WHERE territory IN (SELECT value FROM json_each(?1)) ORDER BY id DESC",
            )
            .map_err(self.error("cannot read the reports"))?;
        let rows = statement
            .query_map([json_list(territories)], |row| {
                let resolved_by: Option<String> = row.get(6)?;
                let resolved_at: Option<i64> = row.get(7)?;
                Ok(StoredReport {
                    id: row.get(0)?,
                    territory: row.get(1)?,
                    place: row.get(2)?,
                    kind: row.get(3)?,
                    text: row.get(4)?,
                    day: row.get(5)?,
                    resolved: resolved_by.zip(resolved_at),
                })
            })
            .map_err(self.error("cannot read the reports"))?;
        rows.collect::<Result<_, _>>().map_err(self.error("cannot read the reports"))
    }

    /// Marks an open report of `account`'s territories resolved, and says so in the journal;
    /// whether there was such a report.
    pub fn resolve_report(&mut self, id: i64, account: &Account, now: i64) -> Result<bool, StoreError> {
        let fail = failure(&self.path, "cannot resolve the report");
        let transaction = self.connection.transaction().map_err(&fail)?;
        let found: Option<(String, String, String)> = transaction
            .query_row(
                "SELECT territory, place, kind FROM reports WHERE id = ?1 AND resolved_by IS NULL",
                [id],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .optional()
            .map_err(&fail)?;
        let Some((territory, place, kind)) = found.filter(|(territory, _, _)| account.covers(territory)) else {
            return Ok(false);
        };
        transaction
            .execute(
                "UPDATE reports SET resolved_by = ?2, resolved_at = ?3 WHERE id = ?1",
                params![id, account.name, now],
            )
            .map_err(&fail)?;
        transaction
            .execute(
                "INSERT INTO journal (at, account, territory, place, field, before, after) VALUES (?1, ?2, ?3, ?4, 'signalement', ?5, 'résolu')",
                params![now, account.name, territory, place, kind],
            )
            .map_err(&fail)?;
        transaction.commit().map_err(&fail)?;
        Ok(true)
    }
}

/// A share link of the dashboard, as listed (its token is not kept).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShareLink {
    /// The hash of its token: how the workspace names it to revoke it.
    pub id: String,
    pub territory: String,
    pub created_by: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

impl Store {
    /// A new share link for `territory`: its token, given once.
    pub fn create_share_link(&self, territory: &str, account: &str, now: i64) -> Result<String, StoreError> {
        let token = random_token().map_err(|cause| StoreError {
            path: self.path.clone(),
            doing: "cannot make a share link",
            cause,
        })?;
        self.connection
            .execute(
                "INSERT INTO share_links (token_hash, territory, created_by, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![token_hash(&token), territory, account, now],
            )
            .map_err(self.error("cannot keep the share link"))?;
        Ok(token)
    }

    /// The share links of the `territories`, newest first.
    pub fn share_links(&self, territories: &[String]) -> Result<Vec<ShareLink>, StoreError> {
        let mut statement = self
            .connection
            .prepare(
                "SELECT token_hash, territory, created_by, created_at, revoked_at FROM share_links
                 WHERE territory IN (SELECT value FROM json_each(?1)) ORDER BY created_at DESC, rowid DESC",
            )
            .map_err(self.error("cannot read the share links"))?;
        let rows = statement
            .query_map([json_list(territories)], |row| {
                Ok(ShareLink {
                    id: row.get(0)?,
                    territory: row.get(1)?,
                    created_by: row.get(2)?,
                    created_at: row.get(3)?,
                    revoked_at: row.get(4)?,
                })
            })
            .map_err(self.error("cannot read the share links"))?;
        rows.collect::<Result<_, _>>().map_err(self.error("cannot read the share links"))
    }

    /// Revokes the link `id` if it is one of `account`'s territories; whether it was.
    pub fn revoke_share_link(&self, id: &str, account: &Account, now: i64) -> Result<bool, StoreError> {
        let territory: Option<String> = self
            .connection
            .query_row("SELECT territory FROM share_links WHERE token_hash = ?1 AND revoked_at IS NULL", [id], |row| {
                row.get(0)
            })
            .optional()
            .map_err(self.error("cannot read the share link"))?;
        if !territory.is_some_and(|t| account.covers(&t)) {
            return Ok(false);
        }
        self.connection
            .execute("UPDATE share_links SET revoked_at = ?2 WHERE token_hash = ?1", params![id, now])
            .map(|n| n > 0)
            .map_err(self.error("cannot revoke the share link"))
    }

    /// The territory a share link's token opens, if it is one and not revoked.
    pub fn shared_territory(&self, token: &str) -> Result<Option<String>, StoreError> {
        self.connection
            .query_row(
                "SELECT territory FROM share_links WHERE token_hash = ?1 AND revoked_at IS NULL",
                [token_hash(token)],
                |row| row.get(0),
            )
            .optional()
            .map_err(self.error("cannot read the share link"))
    }
}

/// `["16","86"]`, for `json_each`.
fn json_list(items: &[String]) -> String {
    serde_json::Value::from(items.to_vec()).to_string()
}

fn account_of(name: String, territories: String) -> Account {
    Account { name, territories: territories.split(',').filter(|t| !t.is_empty()).map(str::to_owned).collect() }
}

fn failure<'a>(path: &'a Path, doing: &'static str) -> impl Fn(rusqlite::Error) -> StoreError + 'a {
    move |e| StoreError { path: path.to_owned(), doing, cause: e.to_string() }
}

/// 32 random bytes, hex: a session's cookie or a form's token.
pub fn random_token() -> Result<String, String> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).map_err(|e| format!("the system's random source: {e}"))?;
    Ok(hex(&bytes))
}

/// What the database keeps of a session's token: a stolen copy of the file opens no session.
fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Two tokens compared in a time that does not depend on where they differ.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
