//! Aiguillage on paper and on a map: what a coordinator prints for a mairie's desk or a notice
//! board, and what élus read. Pure: bundles and coverage in, HTML and SVG out; no I/O, no clock.

/// The printable local guide of a commune or an EPCI, with a QR code per need.
pub mod guide;
/// QR codes drawn as SVG.
pub mod qr;
/// Opening hours in words, for paper.
pub mod week;
/// The zones blanches map: every commune a dot coloured by the distance to help.
pub mod zones;
