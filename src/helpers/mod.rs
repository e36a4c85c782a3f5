//! The native helper functions scoring rules are written with (documented in `docs/FORMAT.md`).
//!
//! The helpers themselves live in [`core`], shared with the compiled fast path; this module
//! registers them on the rhai engine. Each helper that depends on the item reads the item's maximum points (`P`) from a per-thread
//! evaluation context set by the evaluator, and leaves a short Chinese note of what it did, which
//! becomes the item's explanation in the report.

use rhai::{Array, Dynamic, Engine, EvalAltResult};
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

type R<T> = Result<T, Box<EvalAltResult>>;

pub(crate) mod core;
pub(crate) mod counts;
pub(crate) mod dates;
pub(crate) mod numbers;
pub(crate) mod registry;
pub(crate) mod shapes;

use self::core::Cx;
use crate::words::notes::Cmp;

#[derive(Default)]
struct Ctx {
    cx: Cx,
    present: Option<Rc<BTreeSet<String>>>,
}

thread_local! {
    static CTX: RefCell<Ctx> = RefCell::new(Ctx::default());
}

/// Sets the context for one evaluation on this thread; cleared (and the notes returned) by
/// [`finish_item`]. Without `notes` the helpers compute points only.
/// `year` is the county's assessment year (`county.year`), for `period_start()` and its kin.
pub(crate) fn start_item(max: f64, year: Option<i32>, present: &Rc<BTreeSet<String>>, notes: bool) {
    CTX.with(|c| {
        let mut c = c.borrow_mut();
        let cx = if notes { Cx::new(max) } else { Cx::quiet(max) };
        c.cx = cx.in_year(year);
        c.present = Some(Rc::clone(present));
    });
}

/// Ends the evaluation started by [`start_item`], returning the helpers' notes.
pub(crate) fn finish_item() -> core::Notes {
    CTX.with(|c| {
        let mut c = c.borrow_mut();
        c.present = None;
        std::mem::take(&mut c.cx.notes)
    })
}

/// Runs a shared helper on this thread's item context.
fn with_cx<T>(f: impl FnOnce(&mut Cx) -> T) -> T {
    CTX.with(|c| f(&mut c.borrow_mut().cx))
}

/// A number as shown in notes: at most three decimals, no trailing zeros.
pub(crate) fn fmt_num(x: f64) -> String {
    Num(x).to_string()
}

/// [`fmt_num`] as a `Display` (worded in `words`, where all wording lives).
pub(crate) use crate::words::Num;

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

fn text(fname: &str, arg: &str, v: &Dynamic) -> R<String> {
    if let Some(s) = v.read_lock::<rhai::ImmutableString>() {
        return Ok(s.to_string());
    }
    let found = if v.is_unit() {
        "() — the field is missing; list it in `inputs` or test it with has()".to_string()
    } else {
        v.type_name().to_string()
    };
    Err(format!("{fname}(): `{arg}` must be a date \"YYYY-MM-DD\", found {found}").into())
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

/// The step deductions: `[v, target-or-limit, step, per]`, below (`true`) or above the target.
pub(crate) fn steps(
    cx: &mut Cx,
    name: &str,
    below: bool,
    how: shapes::Steps,
    [v, t, step, per]: [f64; 4],
) -> Result<f64, String> {
    // A value that meets its target under the numeric rule (docs/FORMAT.md, "Numbers") spans
    // no step: `pct(57, 100)` against 57 is not 7e-15 below it.
    let within = if below {
        crate::numeric::at_least(v, t)
    } else {
        crate::numeric::at_most(v, t)
    };
    if within {
        let cmp = if below {
            Cmp::Below { v, t }
        } else {
            Cmp::Above { v, l: t }
        };
        shapes::deduct_steps(cx, name, 0.0, step, per, how, cmp)
    } else if below {
        shapes::deduct_steps(cx, name, t - v, step, per, how, Cmp::Below { v, t })
    } else {
        shapes::deduct_steps(cx, name, v - t, step, per, how, Cmp::Above { v, l: t })
    }
}

/// Registers every helper on the engine: fazhi's operators (`helpers::numbers`), then each
/// helper of the one table ([`registry::HELPERS`]).
pub(crate) fn register(e: &mut Engine) {
    numbers::register(e);
    registry::register_all(e);
}

#[cfg(test)]
mod num_tests {
    #[test]
    fn huge_numbers_are_shown_as_they_are() {
        assert_eq!(super::fmt_num(-9.2e18), "-9200000000000000000");
        assert_eq!(super::fmt_num(2.5), "2.5");
    }
}
