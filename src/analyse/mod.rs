//! Step 6, analyse: what the reports mean for the people who act on them — one county's gaps,
//! what evaluators do with many reports and several rule sets, and what policy designers ask of
//! scores: re-weighting, what-if scenarios, and how robust a ranking is to its weights.

pub mod batch;
pub mod chart;
pub mod diff;
pub mod gap;
mod kernel;
pub mod rank;
pub mod rescore;
pub mod scores;
pub mod sensitivity;
pub mod stats;
mod tables;
pub mod uncertainty;
pub mod verify;
pub mod weights;
pub mod whatif;
