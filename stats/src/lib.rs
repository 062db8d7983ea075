//! Anonymous orientation counts, for coordinators and élus: how many residents asked for what,
//! where, and how often no help was near. The widget sends a beacon only where the host page
//! opted in (`data-stats`); this crate checks it, keeps daily totals and writes the report. It
//! does no networking: the server (`aiguillage-server`) and the CLI (`aiguillage stats`) do.

/// What a beacon may say, checked field by field.
pub mod beacon;
/// The report as text, CSV and HTML (the dashboard).
pub mod render;
/// The report: per month, need, EPCI and commune, with the small-count rule and the coverage.
pub mod report;
/// The territories served: the needs and communes a beacon may name, and their rules.
pub mod served;
/// Daily counters in SQLite, written by one thread with group commits.
pub mod store;

pub use beacon::{Beacon, BeaconError};
pub use report::{Period, Report};
pub use served::Territories;
pub use store::{backup, Added, Count, Reader, Recorder, Store, StoreError};
