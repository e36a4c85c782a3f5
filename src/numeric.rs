//! The one numeric rule of fazhi (docs/FORMAT.md, section "Numbers"): when two numbers count as
//! equal, and so when a threshold is met.
//!
//! Rules compute in binary floating point, where ratios that are exact in decimals are not:
//! `100 × 57 / 100` is `56.99999999999999` and `100 × 7 / 100` is `7.000000000000001`. A 评分细则
//! is checked by hand in decimals, where both are exact, so a threshold of 57 (or 7) is met.
//! fazhi therefore compares numbers **to nine significant digits**: two numbers are equal when
//! they differ by at most one part in 10⁹ of the larger (or by at most 10⁻⁹ when both are below
//! 1). Every comparison of the engine goes through [`compare`]: rhai's `==`, `!=`, `<`, `<=`, `>`,
//! `>=` on numbers (both evaluators), the helpers `tiers`, `tiers_below`, `deduct_below`,
//! `deduct_above`, and a pass line's minimum area share. Two whole numbers (counts) compare
//! exactly; they never reach this module.
//!
//! Helpers written for new rule shapes call [`at_least`] / [`at_most`] (or [`compare`]) rather
//! than `>=` / `<=` on floats, so that every path obeys the same rule.

use std::cmp::Ordering;

/// Two numbers within this share of the larger one (or this much when both are below 1) are
/// equal: nine significant digits.
pub const TOLERANCE: f64 = 1e-9;

/// Compares two numbers under the rule above: `Some(Equal)` when they agree to nine significant
/// digits, otherwise their order; `None` when either is NaN.
///
/// ```
/// use std::cmp::Ordering;
/// use fazhi::numeric::compare;
/// // pct(57, 100) in binary floating point:
/// assert_eq!(compare(100.0 * (57.0 / 100.0), 57.0), Some(Ordering::Equal));
/// assert_eq!(compare(56.99, 57.0), Some(Ordering::Less));
/// assert_eq!(compare(f64::NAN, 1.0), None);
/// ```
pub fn compare(a: f64, b: f64) -> Option<Ordering> {
    if a.is_nan() || b.is_nan() {
        return None;
    }
    if a == b || a.is_infinite() || b.is_infinite() {
        // Infinities compare as they are (the difference below would be infinite or NaN).
        return a.partial_cmp(&b);
    }
    let scale = a.abs().max(b.abs()).max(1.0);
    if (a - b).abs() <= TOLERANCE * scale {
        Some(Ordering::Equal)
    } else {
        a.partial_cmp(&b)
    }
}

/// Whether `a` and `b` are equal under [`compare`] (false when either is NaN).
pub fn same(a: f64, b: f64) -> bool {
    compare(a, b) == Some(Ordering::Equal)
}

/// Whether `v` meets a minimum `t` (`v ≥ t` under [`compare`]; false when either is NaN).
pub fn at_least(v: f64, t: f64) -> bool {
    matches!(compare(v, t), Some(Ordering::Equal | Ordering::Greater))
}

/// Whether `v` stays within a maximum `t` (`v ≤ t` under [`compare`]; false when either is NaN).
pub fn at_most(v: f64, t: f64) -> bool {
    matches!(compare(v, t), Some(Ordering::Equal | Ordering::Less))
}

/// Whether `v` is strictly above `t` under [`compare`].
pub fn above(v: f64, t: f64) -> bool {
    compare(v, t) == Some(Ordering::Greater)
}

/// Whether `v` is strictly below `t` under [`compare`].
pub fn below(v: f64, t: f64) -> bool {
    compare(v, t) == Some(Ordering::Less)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_ratios_meet_their_thresholds() {
        // 100 × 57 / 100 = 57 by hand; 56.99999999999999 in floats.
        let v = 100.0 * (57.0 / 100.0);
        assert!(v < 57.0);
        assert!(at_least(v, 57.0) && at_most(v, 57.0) && !below(v, 57.0));
        // 100 × 7 / 100 = 7 by hand; 7.000000000000001 in floats.
        let w = 100.0 * (7.0 / 100.0);
        assert!(w > 7.0);
        assert!(at_most(w, 7.0) && !above(w, 7.0));
        // 0.1 + 0.2 = 0.3 by hand.
        assert!(same(0.1 + 0.2, 0.3));
    }

    #[test]
    fn real_differences_stay() {
        assert!(below(56.999, 57.0));
        assert!(above(1e-8, 0.0));
        // one part in 10^8 of 1000 is 1e-5: a real difference.
        assert!(below(1000.0, 1000.00001));
        assert!(same(0.0, -0.0));
        assert!(!same(f64::NAN, f64::NAN));
        assert!(!at_least(f64::NAN, 0.0) && !at_most(f64::NAN, 0.0));
        assert!(same(f64::INFINITY, f64::INFINITY));
        assert!(above(f64::INFINITY, 1e300));
    }
}
