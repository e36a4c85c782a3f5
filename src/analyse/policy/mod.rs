//! For the policy designer who tests weightings: re-weight without re-running rules, compare a
//! scenario with the rule set's own weights, and measure how robust a ranking is to them.
//!
//! - [`weights`]: the weighting of a rule set and scenario files that override part of it.
//! - [`scores`]: each county evaluated once, re-totalled exactly for any weighting.
//! - [`whatif`]: baseline against a scenario, county by county.
//! - [`uncertainty`]: Monte Carlo over weightings (rank intervals, pass probabilities).
//! - [`sensitivity`]: Sobol indices of the first-level areas' weights.
//! - [`audit`]: the statistical audit of the indicator system itself on a batch of counties
//!   (items that do not discriminate, Cronbach's alpha, remove-one rank shifts, real influence
//!   against declared share).
//!
//! Below them, private: the dense kernel both Monte Carlo analyses run on and the sampler that
//! draws their weightings.

pub mod audit;
mod kernel;
mod sampler;
pub mod scores;
pub mod sensitivity;
pub mod uncertainty;
pub mod weights;
pub mod whatif;
