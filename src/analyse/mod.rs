//! Step 6, analyse: what the reports mean for the people who act on them. One room per user:
//!
//! | room | for whom | entry points |
//! |---|---|---|
//! | [`gap`] | a county preparing its application, and the evaluator who signs its report | [`gap::GapAnalysis::new`] (lost points, counterfactuals, the plan to each pass line), [`gap::GapAnalysis::with_peers`] (peers) |
//! | [`change`] | the third-party evaluator when rules change and must sign every number | [`change::rank`], [`change::diff`], [`change::rescore`], [`change::verify`] |
//! | [`policy`] | the policy designer testing weightings | [`policy::weights`] (scenario files), [`policy::whatif`], [`policy::uncertainty`], [`policy::sensitivity`] |
//!
//! [`stats`] holds the rank statistics both `change` and `policy` use. Analyses return plain
//! data (serialisable structs); every text format is written by [`crate::render`].

pub mod change;
pub mod gap;
pub mod policy;
pub mod stats;
