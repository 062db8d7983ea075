//! The default territory the demo ships (`data/default.bin`) and the real data it is built from:
//! `cargo xtask dist` builds it, the CLI's scenarios orient on the same data.

/// Charente.
pub const TERRITORY: &str = "16";

/// The files, from the project's root.
pub const DATA: &[&str] = &[
    "data/real/charente-lieux-mediation-numerique-2023.json",
    "data/real/charente-bus-france-services-2023.json",
    "data/real/conseillers-numeriques-nouvelle-aquitaine-2022.json",
    "data/real/france-services-2024-08-01.csv",
    "data/real/annuaire-service-public-2019-charente.csv",
];
