//! Step 6, analyse: what the reports mean for the people who act on them — one county's gaps,
//! and what evaluators do with many reports and several rule sets.

pub mod batch;
pub mod diff;
pub mod gap;
pub mod rank;
pub mod rescore;
pub mod verify;
