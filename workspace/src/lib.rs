//! The coordinator's workspace (issue #29): who may sign in and for which territories, the
//! corrections a coordinator makes to the places residents get, the journal of every change,
//! and the workspace's pages. No networking: the server (`aiguillage-server`) does the HTTP and
//! hands these functions the data.

/// Account names, territories, argon2id passwords.
pub mod accounts;
/// The corrections as native TOML, for the publication.
pub mod export;
/// What can be corrected of a place, and how each field is checked.
pub mod fields;
/// The workspace's pages, rendered with escaping by default.
pub mod pages;
/// The places of an account's territories, with their quality flags.
pub mod places;
/// Residents' and social workers' reports, checked as they arrive.
pub mod reports;
/// Accounts, sessions, sign-in attempts, corrections and the journal in SQLite.
pub mod store;
/// Back-off for sign-in attempts.
pub mod throttle;

pub use accounts::Account;
pub use store::{Change, Correction, Session, ShareLink, Store, StoreError, StoredReport};
