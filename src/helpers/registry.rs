//! The one table of scoring helpers: each helper's name, parameters (with their kinds), what it
//! returns, how it is registered on the rhai engine, and how the fast path lowers it.
//!
//! Every stage reads this table: the engine registers the helpers from it ([`register_all`]),
//! the fast path lowers the numeric ones from it ([`lowered`]), and lint checks every call of a
//! rule against it (a known name, the right number of arguments, arguments of the right kind).
//! Adding a helper is one entry here (plus its implementation in `core`, `shapes` or `dates`).

use super::core::{self, Cx};
use super::{counts, dates, num, pairs, shapes, steps, text, with_cx, CTX, R};
use rhai::{Array, Dynamic, Engine, INT};

/// What a helper's parameter takes, as far as lint can know it from the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Arg {
    /// A number (a `percent`, `number` or `count` field, a literal, arithmetic).
    Num,
    /// A whole number written in the rule (`period_date`'s year offset, month, day).
    Int,
    /// A condition (true/false).
    Bool,
    /// A date: a `date` field, a `"YYYY-MM-DD"` literal or what `period_…()` return.
    Date,
    /// A text: a `text` field (the evaluators' reason).
    Text,
    /// A list of conditions `[c1, c2, …]`.
    Bools,
    /// A tier table `[[threshold, points], …]`.
    Tiers,
    /// A table of counts `[[label, n, per], …]` (`deduct_counts`).
    Counts,
    /// A field path written as a literal (`has("report.published_on")`).
    Path,
}

impl Arg {
    /// The kind in words, for messages.
    pub(crate) fn words(self) -> &'static str {
        match self {
            Arg::Num => "a number",
            Arg::Int => "a whole number",
            Arg::Bool => "a condition (true/false)",
            Arg::Date => "a date",
            Arg::Text => "a text field",
            Arg::Bools => "a list of conditions [c1, c2, …]",
            Arg::Tiers => "a tier table [[threshold, points], …]",
            Arg::Counts => "a table of counts [[label, n, per], …]",
            Arg::Path => "a field path written as a literal",
        }
    }
}

/// What a helper returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ret {
    /// Points within `[0, P]` (or `[0, pts]`, `[0, max]`: see [`Helper::bound`]).
    Points,
    /// A number with no fixed bounds.
    Num,
    /// A whole number.
    Int,
    /// A condition.
    Bool,
    /// A date (text `YYYY-MM-DD`).
    Date,
}

/// The fast path's form of a helper whose arguments are all numbers (a condition given as 1/0).
pub(crate) type Lowered = fn(&mut Cx, &[f64]) -> Result<f64, String>;

/// One overload of a helper.
pub(crate) struct Helper {
    /// The name rules call it by.
    pub name: &'static str,
    /// Its parameters: name (as docs/FORMAT.md writes them) and kind.
    pub params: &'static [(&'static str, Arg)],
    /// What it returns.
    pub returns: Ret,
    /// Registers this overload on the engine.
    register: fn(&mut Engine),
    /// The fast path's lowering, for helpers whose arguments are numbers (and `award`'s
    /// condition first); the others are lowered by the fast path's own code or not at all.
    pub fast: Option<Lowered>,
    /// How the gap search treats its arguments.
    pub gap: Gap,
}

/// How the gap search (`analyse::gap::search`) treats a helper's arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gap {
    /// Every field argument may be moved as its lever says.
    Plain,
    /// The argument at this index is a rate's denominator: a field there is never moved (a rate
    /// is improved through its numerator, not by filing fewer cases).
    Denominator(usize),
}

impl Helper {
    /// The signature as docs/FORMAT.md writes it: `deduct_below(v, target, unit, per)`.
    pub(crate) fn signature(&self) -> String {
        let ps: Vec<&str> = self.params.iter().map(|p| p.0).collect();
        format!("{}({})", self.name, ps.join(", "))
    }
}

const NUM4_BELOW: &[(&str, Arg)] = &[
    ("v", Arg::Num),
    ("target", Arg::Num),
    ("unit", Arg::Num),
    ("per", Arg::Num),
];
const NUM4_ABOVE: &[(&str, Arg)] = &[
    ("v", Arg::Num),
    ("limit", Arg::Num),
    ("unit", Arg::Num),
    ("per", Arg::Num),
];
const STEPS_BELOW: &[(&str, Arg)] = &[
    ("v", Arg::Num),
    ("target", Arg::Num),
    ("step", Arg::Num),
    ("per", Arg::Num),
];
const STEPS_ABOVE: &[(&str, Arg)] = &[
    ("v", Arg::Num),
    ("limit", Arg::Num),
    ("step", Arg::Num),
    ("per", Arg::Num),
];

fn register_steps(e: &mut Engine, name: &'static str, below: bool, how: shapes::Steps) {
    e.register_fn(
        name,
        move |v: Dynamic, t: Dynamic, step: Dynamic, per: Dynamic| -> R<f64> {
            let (v, t) = (num(name, "v", &v)?, num(name, "target", &t)?);
            let (step, per) = (num(name, "step", &step)?, num(name, "per", &per)?);
            with_cx(|cx| steps(cx, name, below, how, [v, t, step, per])).map_err(Into::into)
        },
    );
}

fn opt_num(f: &str, arg: &str, v: &Dynamic) -> R<Option<f64>> {
    if v.is_unit() {
        Ok(None)
    } else {
        num(f, arg, v).map(Some)
    }
}

/// Every helper, overload by overload.
pub(crate) static HELPERS: &[Helper] = &[
    Helper {
        name: "award",
        gap: Gap::Plain,
        params: &[("cond", Arg::Bool)],
        returns: Ret::Points,
        register: |e| {
            e.register_fn("award", |c: bool| with_cx(|cx| core::award(cx, c)));
        },
        fast: Some(|cx, a| Ok(core::award(cx, a[0] != 0.0))),
    },
    Helper {
        name: "award",
        gap: Gap::Plain,
        params: &[("cond", Arg::Bool), ("pts", Arg::Num)],
        returns: Ret::Points,
        register: |e| {
            e.register_fn("award", |c: bool, pts: Dynamic| -> R<f64> {
                let pts = num("award", "pts", &pts)?;
                Ok(with_cx(|cx| core::award_pts(cx, c, pts)))
            });
        },
        fast: Some(|cx, a| Ok(core::award_pts(cx, a[0] != 0.0, a[1]))),
    },
    Helper {
        name: "deduct_below",
        gap: Gap::Plain,
        params: NUM4_BELOW,
        returns: Ret::Points,
        register: |e| {
            e.register_fn(
                "deduct_below",
                |v: Dynamic, target: Dynamic, unit: Dynamic, per: Dynamic| -> R<f64> {
                    let f = "deduct_below";
                    let (v, t) = (num(f, "v", &v)?, num(f, "target", &target)?);
                    let (u, p) = (num(f, "unit", &unit)?, num(f, "per", &per)?);
                    with_cx(|cx| core::deduct_below(cx, v, t, u, p)).map_err(Into::into)
                },
            );
        },
        fast: Some(|cx, a| core::deduct_below(cx, a[0], a[1], a[2], a[3])),
    },
    Helper {
        name: "deduct_above",
        gap: Gap::Plain,
        params: NUM4_ABOVE,
        returns: Ret::Points,
        register: |e| {
            e.register_fn(
                "deduct_above",
                |v: Dynamic, limit: Dynamic, unit: Dynamic, per: Dynamic| -> R<f64> {
                    let f = "deduct_above";
                    let (v, l) = (num(f, "v", &v)?, num(f, "limit", &limit)?);
                    let (u, p) = (num(f, "unit", &unit)?, num(f, "per", &per)?);
                    with_cx(|cx| core::deduct_above(cx, v, l, u, p)).map_err(Into::into)
                },
            );
        },
        fast: Some(|cx, a| core::deduct_above(cx, a[0], a[1], a[2], a[3])),
    },
    Helper {
        name: "deduct_each",
        gap: Gap::Plain,
        params: &[("n", Arg::Num), ("per", Arg::Num)],
        returns: Ret::Points,
        register: |e| {
            e.register_fn("deduct_each", |n: Dynamic, per: Dynamic| -> R<f64> {
                let f = "deduct_each";
                let (n, per) = (num(f, "n", &n)?, num(f, "per", &per)?);
                Ok(with_cx(|cx| core::deduct_each(cx, n, per)))
            });
        },
        fast: Some(|cx, a| Ok(core::deduct_each(cx, a[0], a[1]))),
    },
    Helper {
        name: "deduct_each",
        gap: Gap::Plain,
        params: &[("n", Arg::Num), ("per", Arg::Num), ("cap", Arg::Num)],
        returns: Ret::Points,
        register: |e| {
            e.register_fn(
                "deduct_each",
                |n: Dynamic, per: Dynamic, cap: Dynamic| -> R<f64> {
                    let f = "deduct_each";
                    let (n, per, cap) =
                        (num(f, "n", &n)?, num(f, "per", &per)?, num(f, "cap", &cap)?);
                    with_cx(|cx| shapes::deduct_each_capped(cx, n, per, cap)).map_err(Into::into)
                },
            );
        },
        fast: Some(|cx, a| shapes::deduct_each_capped(cx, a[0], a[1], a[2])),
    },
    Helper {
        name: "deduct_counts",
        params: &[("counts", Arg::Counts)],
        returns: Ret::Points,
        register: |e| {
            e.register_fn("deduct_counts", |rows: Array| -> R<f64> {
                let rows = counts::table(&rows)?;
                with_cx(|cx| counts::deduct_counts(cx, &rows, None)).map_err(Into::into)
            });
        },
        fast: None,
        gap: Gap::Plain,
    },
    Helper {
        name: "deduct_counts",
        params: &[("counts", Arg::Counts), ("cap", Arg::Num)],
        returns: Ret::Points,
        register: |e| {
            e.register_fn("deduct_counts", |rows: Array, cap: Dynamic| -> R<f64> {
                let rows = counts::table(&rows)?;
                let cap = num("deduct_counts", "cap", &cap)?;
                with_cx(|cx| counts::deduct_counts(cx, &rows, Some(cap))).map_err(Into::into)
            });
        },
        fast: None,
        gap: Gap::Plain,
    },
    Helper {
        name: "deduct_steps_below",
        gap: Gap::Plain,
        params: STEPS_BELOW,
        returns: Ret::Points,
        register: |e| register_steps(e, "deduct_steps_below", true, shapes::Steps::Full),
        fast: Some(|cx, a| {
            let v = [a[0], a[1], a[2], a[3]];
            steps(cx, "deduct_steps_below", true, shapes::Steps::Full, v)
        }),
    },
    Helper {
        name: "deduct_steps_above",
        gap: Gap::Plain,
        params: STEPS_ABOVE,
        returns: Ret::Points,
        register: |e| register_steps(e, "deduct_steps_above", false, shapes::Steps::Full),
        fast: Some(|cx, a| {
            let v = [a[0], a[1], a[2], a[3]];
            steps(cx, "deduct_steps_above", false, shapes::Steps::Full, v)
        }),
    },
    Helper {
        name: "deduct_started_steps_below",
        gap: Gap::Plain,
        params: STEPS_BELOW,
        returns: Ret::Points,
        register: |e| {
            register_steps(
                e,
                "deduct_started_steps_below",
                true,
                shapes::Steps::Started,
            )
        },
        fast: Some(|cx, a| {
            let v = [a[0], a[1], a[2], a[3]];
            steps(
                cx,
                "deduct_started_steps_below",
                true,
                shapes::Steps::Started,
                v,
            )
        }),
    },
    Helper {
        name: "deduct_started_steps_above",
        gap: Gap::Plain,
        params: STEPS_ABOVE,
        returns: Ret::Points,
        register: |e| {
            register_steps(
                e,
                "deduct_started_steps_above",
                false,
                shapes::Steps::Started,
            )
        },
        fast: Some(|cx, a| {
            let v = [a[0], a[1], a[2], a[3]];
            steps(
                cx,
                "deduct_started_steps_above",
                false,
                shapes::Steps::Started,
                v,
            )
        }),
    },
    Helper {
        name: "discretion",
        gap: Gap::Plain,
        params: &[("deduct", Arg::Num), ("max", Arg::Num)],
        returns: Ret::Num,
        register: |e| {
            e.register_fn("discretion", |v: Dynamic, max: Dynamic| -> R<f64> {
                let f = "discretion";
                let v = opt_num(f, "deduct", &v)?;
                let max = num(f, "max", &max)?;
                with_cx(|cx| shapes::discretion(cx, v, max, None)).map_err(Into::into)
            });
        },
        fast: None,
    },
    Helper {
        name: "discretion",
        gap: Gap::Plain,
        params: &[
            ("deduct", Arg::Num),
            ("max", Arg::Num),
            ("reason", Arg::Text),
        ],
        returns: Ret::Num,
        register: |e| {
            e.register_fn(
                "discretion",
                |v: Dynamic, max: Dynamic, reason: Dynamic| -> R<f64> {
                    let f = "discretion";
                    let v = opt_num(f, "deduct", &v)?;
                    let max = num(f, "max", &max)?;
                    let reason = if reason.is_unit() {
                        None
                    } else {
                        Some(reason.into_string().map_err(|t| {
                            format!("discretion(): `reason` must be a text, found {t}")
                        })?)
                    };
                    with_cx(|cx| shapes::discretion(cx, v, max, reason.as_deref()))
                        .map_err(Into::into)
                },
            );
        },
        fast: None,
    },
    Helper {
        name: "days_between",
        gap: Gap::Plain,
        params: &[("a", Arg::Date), ("b", Arg::Date)],
        returns: Ret::Int,
        register: |e| {
            e.register_fn("days_between", |a: Dynamic, b: Dynamic| -> R<INT> {
                let f = "days_between";
                let (a, b) = (text(f, "a", &a)?, text(f, "b", &b)?);
                with_cx(|cx| dates::days_between(cx, &a, &b)).map_err(Into::into)
            });
        },
        fast: None,
    },
    Helper {
        name: "on_or_before",
        gap: Gap::Plain,
        params: &[("a", Arg::Date), ("b", Arg::Date)],
        returns: Ret::Bool,
        register: |e| {
            e.register_fn("on_or_before", |a: Dynamic, b: Dynamic| -> R<bool> {
                let f = "on_or_before";
                let (a, b) = (text(f, "a", &a)?, text(f, "b", &b)?);
                with_cx(|cx| dates::on_or_before(cx, &a, &b)).map_err(Into::into)
            });
        },
        fast: None,
    },
    Helper {
        name: "period_start",
        gap: Gap::Plain,
        params: &[],
        returns: Ret::Date,
        register: |e| {
            e.register_fn("period_start", || -> R<String> {
                with_cx(|cx| dates::period_start(cx)).map_err(Into::into)
            });
        },
        fast: None,
    },
    Helper {
        name: "period_end",
        gap: Gap::Plain,
        params: &[],
        returns: Ret::Date,
        register: |e| {
            e.register_fn("period_end", || -> R<String> {
                with_cx(|cx| dates::period_end(cx)).map_err(Into::into)
            });
        },
        fast: None,
    },
    Helper {
        name: "period_date",
        gap: Gap::Plain,
        params: &[
            ("years_after", Arg::Int),
            ("month", Arg::Int),
            ("day", Arg::Int),
        ],
        returns: Ret::Date,
        register: |e| {
            e.register_fn("period_date", |y: INT, m: INT, d: INT| -> R<String> {
                with_cx(|cx| dates::period_date(cx, y, m, d)).map_err(Into::into)
            });
        },
        fast: None,
    },
    Helper {
        name: "tiers",
        gap: Gap::Plain,
        params: &[("v", Arg::Num), ("tiers", Arg::Tiers)],
        returns: Ret::Points,
        register: |e| {
            e.register_fn("tiers", |v: Dynamic, tiers: Array| -> R<f64> {
                let v = num("tiers", "v", &v)?;
                let ts = pairs("tiers", &tiers)?;
                Ok(with_cx(|cx| core::tiers(cx, v, &ts)))
            });
        },
        fast: None,
    },
    Helper {
        name: "tiers_below",
        gap: Gap::Plain,
        params: &[("v", Arg::Num), ("tiers", Arg::Tiers)],
        returns: Ret::Points,
        register: |e| {
            e.register_fn("tiers_below", |v: Dynamic, tiers: Array| -> R<f64> {
                let v = num("tiers_below", "v", &v)?;
                let ts = pairs("tiers_below", &tiers)?;
                Ok(with_cx(|cx| core::tiers_below(cx, v, &ts)))
            });
        },
        fast: None,
    },
    Helper {
        name: "proportional",
        gap: Gap::Plain,
        params: &[("rate", Arg::Num)],
        returns: Ret::Points,
        register: |e| {
            e.register_fn("proportional", |rate: Dynamic| -> R<f64> {
                let r = num("proportional", "rate", &rate)?;
                Ok(with_cx(|cx| core::proportional_rate(cx, r)))
            });
        },
        fast: Some(|cx, a| Ok(core::proportional_rate(cx, a[0]))),
    },
    Helper {
        name: "proportional",
        gap: Gap::Denominator(1),
        params: &[("done", Arg::Num), ("total", Arg::Num)],
        returns: Ret::Points,
        register: |e| {
            e.register_fn("proportional", |done: Dynamic, total: Dynamic| -> R<f64> {
                let f = "proportional";
                let (d, t) = (num(f, "done", &done)?, num(f, "total", &total)?);
                Ok(with_cx(|cx| core::proportional(cx, d, t)))
            });
        },
        fast: Some(|cx, a| Ok(core::proportional(cx, a[0], a[1]))),
    },
    Helper {
        name: "pct",
        gap: Gap::Denominator(1),
        params: &[("a", Arg::Num), ("b", Arg::Num)],
        returns: Ret::Num,
        register: |e| {
            e.register_fn("pct", |a: Dynamic, b: Dynamic| -> R<f64> {
                Ok(core::pct(num("pct", "a", &a)?, num("pct", "b", &b)?))
            });
        },
        fast: Some(|_, a| Ok(core::pct(a[0], a[1]))),
    },
    Helper {
        name: "pct_or",
        gap: Gap::Denominator(1),
        params: &[("a", Arg::Num), ("b", Arg::Num), ("z", Arg::Num)],
        returns: Ret::Num,
        register: |e| {
            e.register_fn("pct_or", |a: Dynamic, b: Dynamic, z: Dynamic| -> R<f64> {
                let f = "pct_or";
                let (a, b, z) = (num(f, "a", &a)?, num(f, "b", &b)?, num(f, "z", &z)?);
                Ok(core::pct_or(a, b, z))
            });
        },
        fast: Some(|_, a| Ok(core::pct_or(a[0], a[1], a[2]))),
    },
    Helper {
        name: "ratio",
        gap: Gap::Plain,
        params: &[("a", Arg::Num), ("b", Arg::Num)],
        returns: Ret::Num,
        register: |e| {
            e.register_fn("ratio", |a: Dynamic, b: Dynamic| -> R<f64> {
                Ok(core::ratio_or(
                    num("ratio", "a", &a)?,
                    num("ratio", "b", &b)?,
                    0.0,
                ))
            });
        },
        fast: Some(|_, a| Ok(core::ratio_or(a[0], a[1], 0.0))),
    },
    Helper {
        name: "ratio_or",
        gap: Gap::Denominator(1),
        params: &[("a", Arg::Num), ("b", Arg::Num), ("z", Arg::Num)],
        returns: Ret::Num,
        register: |e| {
            e.register_fn("ratio_or", |a: Dynamic, b: Dynamic, z: Dynamic| -> R<f64> {
                let f = "ratio_or";
                Ok(core::ratio_or(
                    num(f, "a", &a)?,
                    num(f, "b", &b)?,
                    num(f, "z", &z)?,
                ))
            });
        },
        fast: Some(|_, a| Ok(core::ratio_or(a[0], a[1], a[2]))),
    },
    Helper {
        name: "clamp",
        gap: Gap::Plain,
        params: &[("v", Arg::Num), ("lo", Arg::Num), ("hi", Arg::Num)],
        returns: Ret::Num,
        register: |e| {
            e.register_fn("clamp", |v: Dynamic, lo: Dynamic, hi: Dynamic| -> R<f64> {
                let f = "clamp";
                let (v, lo, hi) = (num(f, "v", &v)?, num(f, "lo", &lo)?, num(f, "hi", &hi)?);
                Ok(core::clamp(v, lo, hi))
            });
        },
        fast: Some(|_, a| Ok(core::clamp(a[0], a[1], a[2]))),
    },
    Helper {
        name: "count_true",
        gap: Gap::Plain,
        params: &[("conds", Arg::Bools)],
        returns: Ret::Int,
        register: |e| {
            e.register_fn("count_true", |c: Array| -> R<INT> {
                Ok(super::bools("count_true", &c)? as INT)
            });
        },
        fast: None,
    },
    Helper {
        name: "each_true",
        gap: Gap::Plain,
        params: &[("conds", Arg::Bools), ("pts", Arg::Num)],
        returns: Ret::Num,
        register: |e| {
            e.register_fn("each_true", |c: Array, pts: Dynamic| -> R<f64> {
                let n = super::bools("each_true", &c)?;
                let pts = num("each_true", "pts", &pts)?;
                Ok(with_cx(|cx| core::each_true(cx, c.len(), n, pts)))
            });
        },
        fast: None,
    },
    Helper {
        name: "has",
        gap: Gap::Plain,
        params: &[("path", Arg::Path)],
        returns: Ret::Bool,
        register: |e| {
            e.register_fn("has", |path: &str| -> bool {
                CTX.with(|c| {
                    c.borrow()
                        .present
                        .as_ref()
                        .is_some_and(|p| p.contains(path))
                })
            });
        },
        fast: None,
    },
    Helper {
        name: "min",
        gap: Gap::Plain,
        params: &[("a", Arg::Num), ("b", Arg::Num)],
        returns: Ret::Num,
        register: |e| {
            e.register_fn("min", |a: Dynamic, b: Dynamic| -> R<f64> {
                Ok(num("min", "a", &a)?.min(num("min", "b", &b)?))
            });
        },
        fast: None,
    },
    Helper {
        name: "max",
        gap: Gap::Plain,
        params: &[("a", Arg::Num), ("b", Arg::Num)],
        returns: Ret::Num,
        register: |e| {
            e.register_fn("max", |a: Dynamic, b: Dynamic| -> R<f64> {
                Ok(num("max", "a", &a)?.max(num("max", "b", &b)?))
            });
        },
        fast: None,
    },
];

/// The functions of rhai itself a rule may call (name and number of arguments, the receiver of
/// a method call counted), besides the helpers above: reading lists and texts, and rounding.
pub(crate) static RHAI_FUNCTIONS: &[(&str, usize)] = &[
    ("len", 1),
    ("contains", 2),
    ("is_empty", 1),
    ("starts_with", 2),
    ("ends_with", 2),
    ("floor", 1),
    ("ceiling", 1),
    ("round", 1),
    ("abs", 1),
    ("sign", 1),
    ("to_float", 1),
    ("to_int", 1),
    ("type_of", 1),
];

/// Registers every helper of [`HELPERS`] on the engine.
pub(crate) fn register_all(e: &mut Engine) {
    for h in HELPERS {
        (h.register)(e);
    }
}

/// The overloads of a helper named `name` (none: no such helper).
pub(crate) fn overloads(name: &str) -> impl Iterator<Item = &'static Helper> + '_ {
    HELPERS.iter().filter(move |h| h.name == name)
}

/// The overload of `name` taking `n` arguments.
pub(crate) fn lookup(name: &str, n: usize) -> Option<&'static Helper> {
    overloads(name).find(|h| h.params.len() == n)
}

/// The fast path's lowering of `name` with `n` arguments, and whether its first argument is a
/// condition (`award`).
pub(crate) fn lowered(name: &str, n: usize) -> Option<(Lowered, bool)> {
    let h = lookup(name, n)?;
    Some((h.fast?, h.params.first().is_some_and(|p| p.1 == Arg::Bool)))
}

/// The index of the argument of `name` with `n` arguments that is a rate's denominator
/// ([`Gap::Denominator`]); `/` divides by its second operand.
pub(crate) fn denominator(name: &str, n: usize) -> Option<usize> {
    if name == "/" && n == 2 {
        return Some(1);
    }
    match lookup(name, n)?.gap {
        Gap::Denominator(k) => Some(k),
        Gap::Plain => None,
    }
}

/// Every name a rule may call: the helpers' and rhai's own (for a did-you-mean).
pub(crate) fn all_names() -> impl Iterator<Item = &'static str> {
    HELPERS
        .iter()
        .map(|h| h.name)
        .chain(RHAI_FUNCTIONS.iter().map(|f| f.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every overload is registered: the engine finds each with arguments of its kinds (a
    /// missing function would be "Function not found", not the helper's own error).
    #[test]
    fn every_overload_is_callable() {
        let e = crate::compile::engine();
        for h in HELPERS {
            let args: Vec<&str> = h
                .params
                .iter()
                .map(|p| match p.1 {
                    Arg::Num | Arg::Int => "1",
                    Arg::Bool => "true",
                    Arg::Date => "\"2021-01-01\"",
                    Arg::Text | Arg::Path => "\"x\"",
                    Arg::Bools => "[true]",
                    Arg::Tiers => "[[1, 1]]",
                    Arg::Counts => "[[\"x\", 1, 1]]",
                })
                .collect();
            let src = format!("{}({})", h.name, args.join(", "));
            if let Err(err) = e.eval::<Dynamic>(&src) {
                assert!(
                    !matches!(*err, rhai::EvalAltResult::ErrorFunctionNotFound(..)),
                    "{src}: {err}"
                );
            }
        }
    }

    #[test]
    fn names_and_arities_are_unique() {
        for (i, h) in HELPERS.iter().enumerate() {
            assert!(
                HELPERS[..i]
                    .iter()
                    .all(|g| (g.name, g.params.len()) != (h.name, h.params.len())),
                "{} twice",
                h.signature()
            );
        }
    }
}
