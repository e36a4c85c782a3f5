//! The native helper functions scoring rules are written with (documented in `docs/FORMAT.md`).
//!
//! Each helper that depends on the item reads the item's maximum points (`P`) from a per-thread
//! evaluation context set by the evaluator, and leaves a short Chinese note of what it did, which
//! becomes the item's explanation in the report.

use rhai::{Array, Dynamic, Engine, EvalAltResult, INT};
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

type R<T> = Result<T, Box<EvalAltResult>>;

#[derive(Default)]
struct Ctx {
    max: f64,
    present: Option<Rc<BTreeSet<String>>>,
    notes: Vec<String>,
}

thread_local! {
    static CTX: RefCell<Ctx> = RefCell::new(Ctx::default());
}

/// Sets the context for one evaluation on this thread; cleared (and the notes returned) by
/// [`finish_item`].
pub(crate) fn start_item(max: f64, present: &Rc<BTreeSet<String>>) {
    CTX.with(|c| {
        let mut c = c.borrow_mut();
        c.max = max;
        c.present = Some(Rc::clone(present));
        c.notes.clear();
    });
}

/// Ends the evaluation started by [`start_item`], returning the helpers' notes.
pub(crate) fn finish_item() -> Vec<String> {
    CTX.with(|c| {
        let mut c = c.borrow_mut();
        c.present = None;
        std::mem::take(&mut c.notes)
    })
}

fn max_points() -> f64 {
    CTX.with(|c| c.borrow().max)
}

fn note(s: String) {
    CTX.with(|c| {
        let mut c = c.borrow_mut();
        if c.notes.len() < 16 {
            c.notes.push(s);
        }
    });
}

/// A number as shown in notes: at most three decimals, no trailing zeros.
pub(crate) fn fmt_num(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    crate::types::Points::from_f64(x).to_string()
}

fn num(fname: &str, arg: &str, v: &Dynamic) -> R<f64> {
    if let Ok(f) = v.as_float() {
        return Ok(f);
    }
    if let Ok(i) = v.as_int() {
        return Ok(i as f64);
    }
    let found = if v.is_unit() {
        "() — the field is missing; list it in `inputs` or test it with has()".to_string()
    } else {
        v.type_name().to_string()
    };
    Err(format!("{fname}(): `{arg}` must be a number, found {found}").into())
}

fn pairs(fname: &str, tiers: &Array) -> R<Vec<(f64, f64)>> {
    let mut out = Vec::with_capacity(tiers.len());
    for t in tiers {
        let pair = t
            .read_lock::<Array>()
            .filter(|a| a.len() == 2)
            .ok_or_else(|| format!("{fname}(): each tier is a pair [threshold, points]"))?;
        out.push((
            num(fname, "threshold", &pair[0])?,
            num(fname, "points", &pair[1])?,
        ));
    }
    Ok(out)
}

fn bools(fname: &str, conds: &Array) -> R<usize> {
    let mut n = 0;
    for c in conds {
        match c.as_bool() {
            Ok(true) => n += 1,
            Ok(false) => {}
            Err(t) => {
                return Err(format!("{fname}(): conditions must be true/false, found {t}").into())
            }
        }
    }
    Ok(n)
}

fn deduct(fname: &str, gap: f64, unit: f64, per: f64, what: &str) -> R<f64> {
    if unit <= 0.0 {
        return Err(format!("{fname}(): the unit must be greater than 0").into());
    }
    let p = max_points();
    if gap <= 0.0 {
        note(format!("{what}，不扣分"));
        return Ok(p);
    }
    let lost = per * gap / unit;
    note(format!(
        "{what}{}，按每{}扣{}分计扣{}分{}",
        fmt_num(gap),
        fmt_num(unit),
        fmt_num(per),
        fmt_num(lost.min(p)),
        if lost >= p { "（扣完为止）" } else { "" }
    ));
    Ok((p - lost).max(0.0))
}

fn ratio_of(a: f64, b: f64, zero: f64) -> f64 {
    if b == 0.0 {
        zero
    } else {
        a / b
    }
}

/// Registers every helper on the engine.
pub(crate) fn register(e: &mut Engine) {
    e.register_fn("award", |c: bool| {
        let p = max_points();
        note(if c {
            format!("条件满足，得{}分", fmt_num(p))
        } else {
            "条件不满足，不得分".into()
        });
        if c {
            p
        } else {
            0.0
        }
    });
    e.register_fn("award", |c: bool, pts: Dynamic| -> R<f64> {
        let pts = num("award", "pts", &pts)?;
        note(if c {
            format!("条件满足，计{}分", fmt_num(pts))
        } else {
            format!("条件不满足，计0分（该条件{}分）", fmt_num(pts))
        });
        Ok(if c { pts } else { 0.0 })
    });
    e.register_fn(
        "deduct_below",
        |v: Dynamic, target: Dynamic, unit: Dynamic, per: Dynamic| -> R<f64> {
            let f = "deduct_below";
            let (v, t) = (num(f, "v", &v)?, num(f, "target", &target)?);
            let what = if v >= t {
                format!("{}达到{}", fmt_num(v), fmt_num(t))
            } else {
                format!("{}比{}低", fmt_num(v), fmt_num(t))
            };
            deduct(
                f,
                t - v,
                num(f, "unit", &unit)?,
                num(f, "per", &per)?,
                &what,
            )
        },
    );
    e.register_fn(
        "deduct_above",
        |v: Dynamic, limit: Dynamic, unit: Dynamic, per: Dynamic| -> R<f64> {
            let f = "deduct_above";
            let (v, l) = (num(f, "v", &v)?, num(f, "limit", &limit)?);
            let what = if v <= l {
                format!("{}未超过{}", fmt_num(v), fmt_num(l))
            } else {
                format!("{}比{}高", fmt_num(v), fmt_num(l))
            };
            deduct(
                f,
                v - l,
                num(f, "unit", &unit)?,
                num(f, "per", &per)?,
                &what,
            )
        },
    );
    e.register_fn("deduct_each", |n: Dynamic, per: Dynamic| -> R<f64> {
        let f = "deduct_each";
        let (n, per) = (num(f, "n", &n)?, num(f, "per", &per)?);
        let p = max_points();
        let lost = n.max(0.0) * per;
        note(if n <= 0.0 {
            "未发现问题，不扣分".to_string()
        } else {
            format!(
                "{}例，每例扣{}分，计扣{}分{}",
                fmt_num(n),
                fmt_num(per),
                fmt_num(lost.min(p)),
                if lost >= p { "（扣完为止）" } else { "" }
            )
        });
        Ok((p - lost).max(0.0))
    });
    e.register_fn("tiers", |v: Dynamic, tiers: Array| -> R<f64> {
        let v = num("tiers", "v", &v)?;
        let ts = pairs("tiers", &tiers)?;
        for (k, (t, p)) in ts.iter().enumerate() {
            if v >= *t {
                note(format!(
                    "{} ≥ {}，第{}档，得{}分",
                    fmt_num(v),
                    fmt_num(*t),
                    k + 1,
                    fmt_num(*p)
                ));
                return Ok(*p);
            }
        }
        let low = ts.last().map_or(String::new(), |(t, _)| fmt_num(*t));
        note(format!("{} 低于最低档 {}，不得分", fmt_num(v), low));
        Ok(0.0)
    });
    e.register_fn("tiers_below", |v: Dynamic, tiers: Array| -> R<f64> {
        let v = num("tiers_below", "v", &v)?;
        let ts = pairs("tiers_below", &tiers)?;
        for (k, (t, p)) in ts.iter().enumerate() {
            if v <= *t {
                note(format!(
                    "{} ≤ {}，第{}档，得{}分",
                    fmt_num(v),
                    fmt_num(*t),
                    k + 1,
                    fmt_num(*p)
                ));
                return Ok(*p);
            }
        }
        let high = ts.last().map_or(String::new(), |(t, _)| fmt_num(*t));
        note(format!("{} 高于最末档 {}，不得分", fmt_num(v), high));
        Ok(0.0)
    });
    e.register_fn("proportional", |rate: Dynamic| -> R<f64> {
        let r = num("proportional", "rate", &rate)?.clamp(0.0, 100.0);
        let p = max_points();
        note(format!(
            "按完成率{}%计分：{} × {}%",
            fmt_num(r),
            fmt_num(p),
            fmt_num(r)
        ));
        Ok(p * r / 100.0)
    });
    e.register_fn("proportional", |done: Dynamic, total: Dynamic| -> R<f64> {
        let f = "proportional";
        let (d, t) = (num(f, "done", &done)?, num(f, "total", &total)?);
        let share = ratio_of(d, t, 0.0).clamp(0.0, 1.0);
        let p = max_points();
        note(format!(
            "完成{}/{}，按比例得{}分",
            fmt_num(d),
            fmt_num(t),
            fmt_num(p * share)
        ));
        Ok(p * share)
    });
    e.register_fn("pct", |a: Dynamic, b: Dynamic| -> R<f64> {
        Ok(100.0 * ratio_of(num("pct", "a", &a)?, num("pct", "b", &b)?, 0.0))
    });
    e.register_fn("pct_or", |a: Dynamic, b: Dynamic, z: Dynamic| -> R<f64> {
        let f = "pct_or";
        let (a, b, z) = (num(f, "a", &a)?, num(f, "b", &b)?, num(f, "z", &z)?);
        Ok(if b == 0.0 { z } else { 100.0 * a / b })
    });
    e.register_fn("ratio", |a: Dynamic, b: Dynamic| -> R<f64> {
        Ok(ratio_of(
            num("ratio", "a", &a)?,
            num("ratio", "b", &b)?,
            0.0,
        ))
    });
    e.register_fn("ratio_or", |a: Dynamic, b: Dynamic, z: Dynamic| -> R<f64> {
        let f = "ratio_or";
        Ok(ratio_of(
            num(f, "a", &a)?,
            num(f, "b", &b)?,
            num(f, "z", &z)?,
        ))
    });
    e.register_fn("clamp", |v: Dynamic, lo: Dynamic, hi: Dynamic| -> R<f64> {
        let f = "clamp";
        let (v, lo, hi) = (num(f, "v", &v)?, num(f, "lo", &lo)?, num(f, "hi", &hi)?);
        Ok(v.max(lo).min(hi))
    });
    e.register_fn("count_true", |c: Array| -> R<INT> {
        Ok(bools("count_true", &c)? as INT)
    });
    e.register_fn("each_true", |c: Array, pts: Dynamic| -> R<f64> {
        let n = bools("each_true", &c)?;
        let pts = num("each_true", "pts", &pts)?;
        note(format!(
            "{}项中满足{}项，每项{}分，得{}分",
            c.len(),
            n,
            fmt_num(pts),
            fmt_num(n as f64 * pts)
        ));
        Ok(n as f64 * pts)
    });
    e.register_fn("has", |path: &str| -> bool {
        CTX.with(|c| {
            c.borrow()
                .present
                .as_ref()
                .is_some_and(|p| p.contains(path))
        })
    });
    e.register_fn("min", |a: Dynamic, b: Dynamic| -> R<f64> {
        Ok(num("min", "a", &a)?.min(num("min", "b", &b)?))
    });
    e.register_fn("max", |a: Dynamic, b: Dynamic| -> R<f64> {
        Ok(num("max", "a", &a)?.max(num("max", "b", &b)?))
    });
}
