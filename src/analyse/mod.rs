//! Step 6, analyse: what policy designers ask of scores — re-weighting, what-if scenarios, and
//! how robust a ranking is to its weights.

pub mod scores;
pub mod stats;
pub mod uncertainty;
pub mod weights;
pub mod whatif;
