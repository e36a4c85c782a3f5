//! The one Rust implementation of every scoring helper, shared by the rhai interpreter (through
//! the functions registered in `helpers`) and the compiled fast path (`fast`): both produce the
//! same points and the same Chinese notes.

use crate::words::notes::{Cmp, Note};

/// The item being evaluated: its maximum points (`P`) and the notes the helpers leave.
#[derive(Debug, Default)]
pub(crate) struct Cx {
    /// The item's maximum points.
    pub max: f64,
    /// The notes so far (at most [`MAX_NOTES`]), worded only when a report is written.
    pub notes: Notes,
    /// Points only: the helpers word no notes.
    pub quiet: bool,
    /// The county's assessment year (`county.year`), for `period_start()` and its kin.
    pub year: Option<i32>,
}

/// An item's notes: most items have one, kept inline (no allocation per item).
pub(crate) use crate::words::notes::Notes;

/// At most this many notes per item.
pub(crate) const MAX_NOTES: usize = 16;

impl Cx {
    /// A context for an item whose maximum is `max`.
    pub(crate) fn new(max: f64) -> Cx {
        Cx {
            max,
            notes: Notes::new(),
            quiet: false,
            year: None,
        }
    }
    /// A context that computes points only (no notes are worded).
    pub(crate) fn quiet(max: f64) -> Cx {
        Cx {
            quiet: true,
            ..Cx::new(max)
        }
    }
    /// The same context for a county whose assessment year is `year`.
    pub(crate) fn in_year(mut self, year: Option<i32>) -> Cx {
        self.year = year;
        self
    }
    /// The notes worded, for the helpers' unit tests.
    #[cfg(test)]
    pub(crate) fn worded(&self) -> Vec<String> {
        self.notes.iter().map(ToString::to_string).collect()
    }
    /// Leaves a note, unless points only were asked for (the note is not even built then).
    pub(crate) fn note(&mut self, n: impl FnOnce() -> Note) {
        if !self.quiet && self.notes.len() < MAX_NOTES {
            self.notes.push(n());
        }
    }
}

/// `award(c)`: all the item's points when `c` holds.
pub(crate) fn award(cx: &mut Cx, c: bool) -> f64 {
    let p = cx.max;
    cx.note(|| Note::Award { met: c, points: p });
    if c {
        p
    } else {
        0.0
    }
}

/// `award(c, pts)`: `pts` when `c` holds.
pub(crate) fn award_pts(cx: &mut Cx, c: bool, pts: f64) -> f64 {
    cx.note(|| Note::AwardPts {
        met: c,
        points: pts,
    });
    if c {
        pts
    } else {
        0.0
    }
}

fn deduct(
    cx: &mut Cx,
    fname: &str,
    within: bool,
    gap: f64,
    unit: f64,
    per: f64,
    cmp: Cmp,
) -> Result<f64, String> {
    if unit <= 0.0 {
        return Err(format!("{fname}(): the unit must be greater than 0"));
    }
    let p = cx.max;
    if within {
        cx.note(|| Note::Within(cmp));
        return Ok(p);
    }
    let lost = per * gap / unit;
    cx.note(|| Note::Linear {
        cmp,
        gap,
        unit,
        per,
        lost: lost.min(p),
        floored: lost >= p,
    });
    Ok((p - lost).max(0.0))
}

/// `deduct_below(v, target, unit, per)`: nothing lost when `v` reaches `target` under
/// [`numeric::at_least`](crate::numeric::at_least).
pub(crate) fn deduct_below(
    cx: &mut Cx,
    v: f64,
    t: f64,
    unit: f64,
    per: f64,
) -> Result<f64, String> {
    let within = crate::numeric::at_least(v, t);
    let cmp = Cmp::Below { v, t };
    deduct(cx, "deduct_below", within, t - v, unit, per, cmp)
}

/// `deduct_above(v, limit, unit, per)`: nothing lost when `v` stays within `limit` under
/// [`numeric::at_most`](crate::numeric::at_most).
pub(crate) fn deduct_above(
    cx: &mut Cx,
    v: f64,
    l: f64,
    unit: f64,
    per: f64,
) -> Result<f64, String> {
    let within = crate::numeric::at_most(v, l);
    let cmp = Cmp::Above { v, l };
    deduct(cx, "deduct_above", within, v - l, unit, per, cmp)
}

/// `deduct_each(n, per)`.
pub(crate) fn deduct_each(cx: &mut Cx, n: f64, per: f64) -> f64 {
    let p = cx.max;
    let lost = n.max(0.0) * per;
    cx.note(|| {
        if n <= 0.0 {
            Note::NoCases
        } else {
            Note::Each {
                n,
                per,
                capped: None,
                lost: lost.min(p),
                floored: lost >= p,
            }
        }
    });
    (p - lost).max(0.0)
}

/// The tier a value reaches: among the tiers whose threshold it meets (`met`), the one with the
/// best threshold (`better`); the first written wins between equal thresholds. Returns its index
/// in the table and its rank counting from the best threshold (1-based), whatever order the
/// table is written in.
fn best_tier(
    v: f64,
    ts: &[(f64, f64)],
    met: fn(f64, f64) -> bool,
    better: fn(f64, f64) -> bool,
) -> Option<(usize, usize)> {
    let mut best: Option<usize> = None;
    for (k, (t, _)) in ts.iter().enumerate() {
        if met(v, *t) && best.is_none_or(|b| better(*t, ts[b].0)) {
            best = Some(k);
        }
    }
    let b = best?;
    let rank = 1 + ts.iter().filter(|(t, _)| better(*t, ts[b].0)).count();
    Some((b, rank))
}

/// `tiers(v, [[threshold, points], …])`: the points of the highest threshold `v` reaches
/// (`v ≥ t` under [`numeric::at_least`](crate::numeric::at_least)), in any written order.
pub(crate) fn tiers(cx: &mut Cx, v: f64, ts: &[(f64, f64)]) -> f64 {
    if let Some((k, rank)) = best_tier(v, ts, crate::numeric::at_least, |a, b| a > b) {
        let (t, p) = ts[k];
        cx.note(|| Note::Tier {
            v,
            t,
            rank,
            points: p,
            below: false,
        });
        return p;
    }
    cx.note(|| Note::NoTier {
        v,
        edge: ts.iter().map(|(t, _)| *t).reduce(f64::min),
        below: false,
    });
    0.0
}

/// `tiers_below(v, [[threshold, points], …])`: the points of the lowest threshold `v` stays
/// within (`v ≤ t` under [`numeric::at_most`](crate::numeric::at_most)), in any written order.
pub(crate) fn tiers_below(cx: &mut Cx, v: f64, ts: &[(f64, f64)]) -> f64 {
    if let Some((k, rank)) = best_tier(v, ts, crate::numeric::at_most, |a, b| a < b) {
        let (t, p) = ts[k];
        cx.note(|| Note::Tier {
            v,
            t,
            rank,
            points: p,
            below: true,
        });
        return p;
    }
    cx.note(|| Note::NoTier {
        v,
        edge: ts.iter().map(|(t, _)| *t).reduce(f64::max),
        below: true,
    });
    0.0
}

/// `proportional(rate)`: the points times a completion rate in percent.
pub(crate) fn proportional_rate(cx: &mut Cx, rate: f64) -> f64 {
    let r = rate.clamp(0.0, 100.0);
    let p = cx.max;
    cx.note(|| Note::Rate { rate: r, points: p });
    p * r / 100.0
}

/// `proportional(done, total)`: the points times `done / total` (0 when `total` is 0).
pub(crate) fn proportional(cx: &mut Cx, d: f64, t: f64) -> f64 {
    let share = ratio_or(d, t, 0.0).clamp(0.0, 1.0);
    let p = cx.max;
    cx.note(|| Note::Share {
        done: d,
        total: t,
        got: p * share,
    });
    p * share
}

/// `pct_or(a, b, z)`: `100 × a / b`, or `z` when `b` is 0 (`pct` is `pct_or(a, b, 0)`).
pub(crate) fn pct_or(a: f64, b: f64, z: f64) -> f64 {
    if b == 0.0 {
        z
    } else {
        100.0 * a / b
    }
}

/// `pct(a, b)`.
pub(crate) fn pct(a: f64, b: f64) -> f64 {
    100.0 * ratio_or(a, b, 0.0)
}

/// `ratio_or(a, b, z)`: `a / b`, or `z` when `b` is 0 (`ratio` is `ratio_or(a, b, 0)`).
pub(crate) fn ratio_or(a: f64, b: f64, zero: f64) -> f64 {
    if b == 0.0 {
        zero
    } else {
        a / b
    }
}

/// `clamp(v, lo, hi)`.
pub(crate) fn clamp(v: f64, lo: f64, hi: f64) -> f64 {
    v.max(lo).min(hi)
}

/// `each_true([…], pts)`: `pts` for each of the `len` conditions of which `n` hold.
pub(crate) fn each_true(cx: &mut Cx, len: usize, n: usize, pts: f64) -> f64 {
    cx.note(|| Note::EachTrue {
        len,
        met: n,
        per: pts,
    });
    n as f64 * pts
}
