//! For the third-party evaluator when rules change: rescore many counties, say what changed and
//! why each county moved, and prove that a signed report still comes out of its inputs.
//!
//! - [`rank`]: a batch of counties under one rule set (competition ranking, pass levels).
//! - [`diff`]: two rule-set versions, by stable id, and with data every county's movement.
//! - [`rescore`]: rerun a batch under new rules, reusing every item result that cannot change.
//! - [`verify`]: rescore a stored report from its named inputs and compare byte for byte.

pub mod diff;
pub mod rank;
pub mod rescore;
pub mod verify;
