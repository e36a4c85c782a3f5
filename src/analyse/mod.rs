//! Step 6, analyse: what policy designers ask of scores — re-weighting, what-if scenarios, and
//! how robust a ranking is to its weights.

pub mod chart;
mod kernel;
pub mod scores;
pub mod sensitivity;
pub mod stats;
mod tables;
pub mod uncertainty;
pub mod weights;
pub mod whatif;
