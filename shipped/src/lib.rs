//! The project's own data files, shipped in the binaries: the taxonomy of needs, the wording and
//! the rules, parsed and checked. A small crate of its own, so that the server and the
//! statistics read them without the importers.

/// The territory the demo ships, and the real files it is built from.
pub mod default_territory;
/// `data/taxonomy.toml`, `data/wording.toml`, `data/rules.toml`: parsers and the shipped copies.
pub mod project;
