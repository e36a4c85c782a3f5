//! Chinese wording, below every stage that needs it: results are kept as data (numbers, kinds)
//! and worded here when a report is written.
//!
//! - [`Num`]: a number as every report shows it (at most three decimals, no trailing zeros).
//! - [`notes`]: what a scoring helper did (`96比100低4，按每1扣1分计扣4分`) and an item's
//!   explanation made of such notes (`…；本项得3分`).

pub(crate) mod notes;

/// A number as shown in notes and explanations: at most three decimals, no trailing zeros
/// (`Points`' display); beyond 10¹² the value as it is.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Num(pub f64);

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Beyond 10^12 points thousandths lose meaning and `Points` saturates: the real value
        // is shown as it is (a rule returning -9.2e18 is reported as -9200000000000000000).
        if self.0.is_finite() && self.0.abs() < 1e12 {
            crate::types::Points::from_f64(self.0).fmt(f)
        } else {
            self.0.fmt(f)
        }
    }
}
