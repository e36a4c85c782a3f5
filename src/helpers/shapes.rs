//! Helpers for the deduction shapes of published 评分细则 that the linear helpers in `core` do not
//! read directly: deductions counted in whole steps ("每10个百分点扣1分") and a per-case deduction
//! with its own cap ("每件扣3分，最多扣10分"). One implementation, shared by the interpreter and
//! the fast path, like `core`.

use super::core::Cx;
use crate::words::notes::{Cmp, Note};

/// How the steps of a step deduction are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Steps {
    /// Only full steps count: a gap of 15 at a step of 10 is one step (每低10个百分点扣1分).
    Full,
    /// Every step begun counts: a gap of 15 at a step of 10 is two steps (不足10个百分点按10个百分点计).
    Started,
}

/// Tolerance when dividing a gap into steps, so that a gap written in decimals as a whole number
/// of steps (`90 − 70.1 = 19.9` at step `0.1`) is that number despite binary rounding.
const STEP_EPS: f64 = 1e-9;

/// The number of steps of size `step` in a gap of `gap` (> 0).
fn count_steps(gap: f64, step: f64, how: Steps) -> f64 {
    let q = gap / step;
    match how {
        Steps::Full => (q + STEP_EPS * q.abs().max(1.0)).floor(),
        Steps::Started => (q - STEP_EPS * q.abs().max(1.0)).ceil(),
    }
}

/// A deduction of `per` points for each step of size `step` that `gap` spans (nothing when
/// `gap <= 0`), from the item's points, at least 0. `what` words the comparison of the value with
/// its target. Errors when `step` is not greater than 0.
pub(crate) fn deduct_steps(
    cx: &mut Cx,
    fname: &str,
    gap: f64,
    step: f64,
    per: f64,
    how: Steps,
    cmp: Cmp,
) -> Result<f64, String> {
    if step.is_nan() || step <= 0.0 {
        return Err(format!("{fname}(): the step must be greater than 0"));
    }
    let p = cx.max;
    if gap.is_nan() || gap <= 0.0 {
        cx.note(|| Note::Within(cmp));
        return Ok(p);
    }
    let n = count_steps(gap, step, how);
    let lost = n * per;
    cx.note(|| Note::Steps {
        cmp,
        gap,
        step,
        started: how == Steps::Started,
        n,
        per,
        lost: lost.min(p),
        floored: lost >= p,
    });
    Ok((p - lost).max(0.0))
}

/// `deduct_each(n, per, cap)`: `per` points for each of `n` cases, at most `cap` points in all,
/// from the item's points, at least 0 (每件扣3分，最多扣10分). Errors when `cap` is negative.
pub(crate) fn deduct_each_capped(cx: &mut Cx, n: f64, per: f64, cap: f64) -> Result<f64, String> {
    if cap.is_nan() || cap < 0.0 {
        return Err("deduct_each(): the cap (most points deducted) cannot be negative".into());
    }
    let p = cx.max;
    let asked = n.max(0.0) * per;
    let lost = asked.min(cap);
    cx.note(|| {
        if n <= 0.0 {
            Note::NoCases
        } else {
            Note::Each {
                n,
                per,
                capped: (asked > cap).then_some((asked, cap)),
                lost: lost.min(p),
                floored: lost >= p,
            }
        }
    });
    Ok((p - lost).max(0.0))
}

/// `discretion(deduct, max)` / `discretion(deduct, max, reason)`: a discretionary deduction the
/// evaluators entered as data (实施不到位的酌情扣分), returned as points to subtract: the entered
/// value within `[0, max]`, 0 when none was entered (`deduct` is `None`: the field is missing).
/// The note carries the value, its bounds and the evaluators' reason into the report. Errors
/// when `max` is negative.
pub(crate) fn discretion(
    cx: &mut Cx,
    deduct: Option<f64>,
    max: f64,
    reason: Option<&str>,
) -> Result<f64, String> {
    if max.is_nan() || max < 0.0 {
        return Err("discretion(): the most points (max) cannot be negative".into());
    }
    let Some(v) = deduct else {
        cx.note(|| Note::NoDiscretion);
        return Ok(0.0);
    };
    let taken = v.clamp(0.0, max);
    cx.note(|| Note::Discretion {
        entered: v,
        max,
        taken,
        reason: reason.map(Into::into),
    });
    Ok(taken)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_full_and_started() {
        // A gap of 15 at a step of 10: one full step, two started ones.
        assert_eq!(count_steps(15.0, 10.0, Steps::Full), 1.0);
        assert_eq!(count_steps(15.0, 10.0, Steps::Started), 2.0);
        // Exactly two steps either way, also when binary rounding blurs the quotient.
        assert_eq!(count_steps(20.0, 10.0, Steps::Full), 2.0);
        assert_eq!(count_steps(20.0, 10.0, Steps::Started), 2.0);
        assert_eq!(count_steps(90.0 - 89.7, 0.1, Steps::Full), 3.0);
        assert_eq!(count_steps(90.0 - 89.7, 0.1, Steps::Started), 3.0);
    }

    #[test]
    fn step_deduction_points_and_note() {
        // P = 3, target 90, value 85: gap 5, started steps 1 → 3 − 1 = 2.
        let mut cx = Cx::new(3.0);
        let got = deduct_steps(
            &mut cx,
            "f",
            5.0,
            10.0,
            1.0,
            Steps::Started,
            Cmp::Below { v: 85.0, t: 90.0 },
        );
        assert_eq!(got, Ok(2.0));
        assert_eq!(
            cx.worded(),
            ["85比90低5，每10为一档，不足一档按一档计，计1档，每档扣1分，计扣1分"]
        );
        // Full steps: 5 < 10, no step → 3.
        let mut cx = Cx::new(3.0);
        let got = deduct_steps(
            &mut cx,
            "f",
            5.0,
            10.0,
            1.0,
            Steps::Full,
            Cmp::Below { v: 0.0, t: 5.0 },
        );
        assert_eq!(got, Ok(3.0));
        let mut cx = Cx::new(3.0);
        assert!(deduct_steps(
            &mut cx,
            "f",
            5.0,
            0.0,
            1.0,
            Steps::Full,
            Cmp::Below { v: 0.0, t: 5.0 }
        )
        .is_err());
    }

    #[test]
    fn capped_each() {
        // P = 12, 5 cases × 3 = 15, capped at 10 → 2.
        let mut cx = Cx::new(12.0);
        assert_eq!(deduct_each_capped(&mut cx, 5.0, 3.0, 10.0), Ok(2.0));
        assert_eq!(
            cx.worded(),
            ["5例，每例扣3分，合15分，最多扣10分，计扣10分"]
        );
        // 3 cases × 3 = 9 < 10 → 12 − 9 = 3.
        let mut cx = Cx::new(12.0);
        assert_eq!(deduct_each_capped(&mut cx, 3.0, 3.0, 10.0), Ok(3.0));
        let mut cx = Cx::new(12.0);
        assert!(deduct_each_capped(&mut cx, 3.0, 3.0, -1.0).is_err());
    }

    #[test]
    fn discretion_within_bounds_with_reason() {
        let mut cx = Cx::new(6.0);
        assert_eq!(
            discretion(&mut cx, Some(2.5), 3.0, Some("回访记录不全")),
            Ok(2.5)
        );
        assert_eq!(
            cx.worded(),
            ["考核组酌情扣2.5分（上限3分，理由：回访记录不全）"]
        );
        let mut cx = Cx::new(6.0);
        assert_eq!(discretion(&mut cx, Some(4.0), 3.0, None), Ok(3.0));
        assert_eq!(cx.worded(), ["考核组酌情扣分填报4分，超过上限3分，按3分计"]);
        let mut cx = Cx::new(6.0);
        assert_eq!(discretion(&mut cx, None, 3.0, None), Ok(0.0));
        assert_eq!(cx.worded(), ["考核组未酌情扣分"]);
        assert!(discretion(&mut cx, Some(1.0), -1.0, None).is_err());
    }
}
