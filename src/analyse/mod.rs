//! Step 6, analyse: what evaluators do with many reports and several rule sets.

pub mod batch;
pub mod diff;
pub mod rank;
pub mod rescore;
pub mod verify;
