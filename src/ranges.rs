//! Score ranges proven at lint (docs/FORMAT.md, "What lint proves"): for every item, bonus and
//! penalty, the values its rule can return over the declared domains of its inputs (a field's
//! type, `range`, enum values, bool; optional inputs present or absent), before any county is
//! scored.
//!
//! Two ways, the exact one first:
//! - **exhaustive** when every input has a small finite domain (bool, enum, optional inputs
//!   present or absent) and their combinations are few: the compiled rule is run on each, so
//!   the range is exact;
//! - **intervals** otherwise: the compiled expression is followed with each value an interval
//!   (or a condition that can be true, false or both), each helper with its known behaviour
//!   (its result is evaluated by the helper itself at the ends of its input's interval and at
//!   each tier threshold in between). The range is then an enclosure: every result lies in it.
//!
//! What is claimed:
//! - more than the points (an item's `points`, a bonus's `cap`, a penalty's `cap`) or less
//!   than 0: an **error**, only with a *witness* — input values on which the compiled rule,
//!   run for real, returns that value;
//! - never the full points: a **warning** with the reachable range (sound: the enclosure's top
//!   is below the points);
//! - an input whose value never changes the result, found from every combination (exact
//!   only): a **warning**;
//! - a pass line no county can reach (the enclosures' tops, capped at each item's points, plus
//!   every bonus at its cap, below `min_total`, or an area's best below its share): an **error**.
//!
//! Where the analysis cannot follow a rule (loops, functions the rule defines, a division by a
//! number that can be 0, an unknown shape) it says why, in [`Proof::Undecided`], and
//! claims nothing about that rule.

use crate::error::Diagnostic;
use crate::evaluate::{from_dynamic, CompiledRule, Outcome};
use crate::helpers::{self, core, registry};
use crate::model::{FieldSpec, FieldType, Span};
use crate::ruleset::RuleSet;
use crate::types::{FieldPath, Points};
use rhai::{Dynamic, Expr, Map, Scope, Stmt, StmtBlock, AST};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// Stands for an unbounded end when a helper is evaluated at the end of an interval: every
/// helper saturates long before (a deduction is used up, a tier reached).
const FAR: f64 = 1e12;
/// The most combinations run for an exhaustive proof.
const MAX_EXHAUSTIVE: usize = 256;
/// The most runs spent looking for a witness.
const MAX_WITNESS: usize = 4096;
/// The most runs for a whole rule set (a rule set of 50,000 items lints in bounded time); past
/// it, rules are followed by intervals only and no witness is sought.
const MAX_RUNS: usize = 1_000_000;

/// What lint knows of a value.
#[derive(Debug, Clone, Copy, PartialEq)]
enum V {
    /// A number in `[lo, hi]`.
    Num(f64, f64),
    /// A condition: whether it can be true, whether it can be false.
    Bool(bool, bool),
    /// A list of at most this many texts.
    List(f64),
    /// Anything else (texts, dates, lists, nothing).
    Other,
}

type R<T> = Result<T, String>;

fn join(a: V, b: V) -> R<V> {
    match (a, b) {
        (V::Num(a0, a1), V::Num(b0, b1)) => Ok(V::Num(a0.min(b0), a1.max(b1))),
        (V::Bool(a0, a1), V::Bool(b0, b1)) => Ok(V::Bool(a0 || b0, a1 || b1)),
        (V::List(a), V::List(b)) => Ok(V::List(a.max(b))),
        (V::Other, V::Other) => Ok(V::Other),
        _ => Err("branches return values of different kinds".into()),
    }
}

fn num(v: V) -> R<(f64, f64)> {
    match v {
        V::Num(a, b) if !a.is_nan() && !b.is_nan() => Ok((a, b)),
        V::Num(..) => Err("a number that may be undefined (NaN)".into()),
        _ => Err("a number whose value lint cannot follow".into()),
    }
}

fn boolean(v: V) -> R<(bool, bool)> {
    match v {
        V::Bool(t, f) => Ok((t, f)),
        _ => Err("a condition lint cannot follow".into()),
    }
}

fn finite(x: f64) -> f64 {
    x.clamp(-FAR, FAR)
}

/// The hull of `f` over the points given (each clipped to `[lo, hi]`).
fn hull(lo: f64, hi: f64, pts: impl IntoIterator<Item = f64>, f: impl Fn(f64) -> f64) -> V {
    let (mut a, mut b) = (f64::INFINITY, f64::NEG_INFINITY);
    for x in pts {
        let y = f(finite(x.clamp(lo, hi)));
        a = a.min(y);
        b = b.max(y);
    }
    V::Num(a, b)
}

/// The declared domain of a field.
fn domain(spec: &FieldSpec) -> V {
    let (lo, hi) = spec.bounds();
    match spec.ty {
        FieldType::Percent => V::Num(lo.unwrap_or(0.0).max(0.0), hi.unwrap_or(100.0).min(100.0)),
        FieldType::Count => V::Num(lo.unwrap_or(0.0).max(0.0), hi.unwrap_or(f64::INFINITY)),
        FieldType::Number => V::Num(lo.unwrap_or(f64::NEG_INFINITY), hi.unwrap_or(f64::INFINITY)),
        FieldType::Bool => V::Bool(true, true),
        FieldType::List => V::List(
            spec.values
                .as_ref()
                .map_or(f64::INFINITY, |v| v.len() as f64),
        ),
        _ => V::Other,
    }
}

/// A method called on a value: a list's `len`, `contains`, `is_empty`.
fn method(on: V, m: &str) -> R<V> {
    match (on, m) {
        (V::List(n), "len") => Ok(V::Num(0.0, n)),
        (V::List(_) | V::Other, "contains" | "is_empty") => Ok(V::Bool(true, true)),
        _ => Err(format!("the method `{m}`")),
    }
}

/// Interval evaluation of one rule.
struct Intervals<'a> {
    fields: &'a BTreeMap<FieldPath, FieldSpec>,
    p: f64,
    env: Vec<(String, V)>,
}

impl Intervals<'_> {
    fn block(&mut self, stmts: &[Stmt]) -> R<V> {
        let depth = self.env.len();
        let mut last = V::Other;
        for s in stmts {
            last = self.stmt(s)?;
        }
        self.env.truncate(depth);
        Ok(last)
    }

    fn stmt_block(&mut self, b: &StmtBlock) -> R<V> {
        self.block(b.statements())
    }

    fn stmt(&mut self, s: &Stmt) -> R<V> {
        match s {
            Stmt::Noop(_) => Ok(V::Other),
            Stmt::Expr(e) => self.expr(e),
            Stmt::FnCall(f, _) => self.call(f),
            Stmt::Block(b) => self.stmt_block(b),
            Stmt::Var(v, _, _) => {
                let x = self.expr(&v.1)?;
                self.env.push((v.0.name.to_string(), x));
                Ok(V::Other)
            }
            Stmt::If(fc, _) => {
                let (t, f) = boolean(self.expr(&fc.expr)?)?;
                // Each branch on its own copy of the names; after it, each name holds what
                // either branch left in it.
                let before = self.env.clone();
                let then = if t {
                    Some((
                        self.stmt_block(&fc.body)?,
                        std::mem::replace(&mut self.env, before.clone()),
                    ))
                } else {
                    None
                };
                let other = if f {
                    Some((
                        self.stmt_block(&fc.branch)?,
                        std::mem::replace(&mut self.env, before),
                    ))
                } else {
                    None
                };
                match (then, other) {
                    (Some((a, ea)), Some((b, eb))) => {
                        self.env = ea
                            .into_iter()
                            .zip(eb)
                            .map(|((n, x), (_, y))| Ok((n, join(x, y)?)))
                            .collect::<R<_>>()?;
                        join(a, b)
                    }
                    (Some((a, e)), None) | (None, Some((a, e))) => {
                        self.env = e;
                        Ok(a)
                    }
                    (None, None) => Err("a condition that is never true nor false".into()),
                }
            }
            Stmt::Assignment(x) => {
                let Expr::Variable(v, _, _) = &x.1.lhs else {
                    return Err("an assignment to something other than a name".into());
                };
                let name = v.1.to_string();
                let rhs = self.expr(&x.1.rhs)?;
                let k = self
                    .env
                    .iter()
                    .rposition(|(n, _)| *n == name)
                    .ok_or_else(|| format!("an assignment to `{name}`"))?;
                let new = match x.0.get_op_assignment_info() {
                    None => rhs,
                    Some((.., op)) => {
                        let (a0, a1) = num(self.env[k].1)?;
                        let (b0, b1) = num(rhs)?;
                        match op {
                            "+" => V::Num(a0 + b0, a1 + b1),
                            "-" => V::Num(a0 - b1, a1 - b0),
                            _ => return Err(format!("the assignment `{op}=`")),
                        }
                    }
                };
                self.env[k].1 = new;
                Ok(V::Other)
            }
            Stmt::Switch(x, _) => {
                self.expr(&x.0)?;
                let cases = &x.1;
                if !cases.ranges.is_empty() {
                    return Err("a switch over ranges".into());
                }
                let mut out: Option<V> = None;
                for arm in cases.expressions.iter() {
                    let v = self.expr(&arm.rhs)?;
                    out = Some(match out {
                        Some(o) => join(o, v)?,
                        None => v,
                    });
                }
                if cases.def_case.is_none() {
                    return Err("a switch without a default case `_`".into());
                }
                out.ok_or_else(|| "an empty switch".into())
            }
            Stmt::While(..) | Stmt::Do(..) | Stmt::For(..) => Err("a loop".into()),
            _ => Err("a statement lint cannot follow".into()),
        }
    }

    /// The field read by `d.a.b`, and the method called on it, if any.
    fn read<'e>(&self, e: &'e Expr) -> Option<(&FieldSpec, Option<&'e rhai::FnCallExpr>)> {
        let Expr::Dot(b, _, _) = e else { return None };
        if !matches!(&b.lhs, Expr::Variable(v, _, _) if v.1 == "d") {
            return None;
        }
        let mut path = String::new();
        let mut cur = &b.rhs;
        loop {
            match cur {
                Expr::Property(p, _) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(p.2.as_str());
                    return self.fields.get(&FieldPath::new(path)).map(|s| (s, None));
                }
                Expr::Dot(x, _, _) => {
                    let Expr::Property(p, _) = &x.lhs else {
                        return None;
                    };
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(p.2.as_str());
                    if let Some(s) = self.fields.get(&FieldPath::new(path.clone())) {
                        return match &x.rhs {
                            Expr::MethodCall(m, _) => Some((s, Some(m))),
                            _ => None,
                        };
                    }
                    cur = &x.rhs;
                }
                _ => return None,
            }
        }
    }

    fn expr(&mut self, e: &Expr) -> R<V> {
        if let Some((spec, m)) = self.read(e) {
            return match m {
                None => Ok(domain(spec)),
                Some(m) => method(domain(spec), m.name.as_str()),
            };
        }
        // A method called on a name: `let m = d.x.list; m.contains("…")`.
        if let Expr::Dot(b, _, _) = e {
            if let (Expr::Variable(..), Expr::MethodCall(m, _)) = (&b.lhs, &b.rhs) {
                let on = self.expr(&b.lhs)?;
                return method(on, m.name.as_str());
            }
        }
        match e {
            Expr::IntegerConstant(i, _) => Ok(V::Num(*i as f64, *i as f64)),
            Expr::FloatConstant(f, _) => Ok(V::Num(**f, **f)),
            Expr::BoolConstant(b, _) => Ok(V::Bool(*b, !*b)),
            Expr::StringConstant(..) | Expr::InterpolatedString(..) | Expr::Unit(_) => Ok(V::Other),
            Expr::DynamicConstant(d, _) => Ok(if let Ok(i) = d.as_int() {
                V::Num(i as f64, i as f64)
            } else if let Ok(f) = d.as_float() {
                V::Num(f, f)
            } else if let Ok(b) = d.as_bool() {
                V::Bool(b, !b)
            } else {
                V::Other
            }),
            Expr::Variable(v, _, _) => {
                let name = v.1.as_str();
                if name == "P" {
                    return Ok(V::Num(self.p, self.p));
                }
                self.env
                    .iter()
                    .rev()
                    .find(|(n, _)| n == name)
                    .map(|(_, x)| *x)
                    .ok_or_else(|| format!("the name `{name}`"))
            }
            Expr::And(xs, _) | Expr::Or(xs, _) => {
                let and = matches!(e, Expr::And(..));
                let (mut t, mut f) = (and, !and);
                for x in xs.iter() {
                    let (xt, xf) = boolean(self.expr(x)?)?;
                    if and {
                        t &= xt;
                        f |= xf;
                    } else {
                        t |= xt;
                        f &= xf;
                    }
                }
                Ok(V::Bool(t, f))
            }
            Expr::Stmt(b) => self.stmt_block(b),
            Expr::FnCall(f, _) => self.call(f),
            Expr::Array(..) => Ok(V::Other),
            _ => Err("an expression lint cannot follow".into()),
        }
    }

    /// Constants of a tier table: `[[t, p], …]`.
    fn tiers(&mut self, e: &Expr) -> R<Vec<(f64, f64)>> {
        let items: Vec<(V, V)> = match e {
            Expr::Array(xs, _) => xs
                .iter()
                .map(|x| match x {
                    Expr::Array(pair, _) if pair.len() == 2 => {
                        Ok((self.expr(&pair[0])?, self.expr(&pair[1])?))
                    }
                    Expr::DynamicConstant(d, _) => pair_of(d),
                    _ => Err("a tier table lint cannot read".to_string()),
                })
                .collect::<R<_>>()?,
            Expr::DynamicConstant(d, _) => d
                .read_lock::<rhai::Array>()
                .ok_or("a tier table lint cannot read")?
                .iter()
                .map(pair_of)
                .collect::<R<_>>()?,
            _ => return Err("a tier table that is not written out".into()),
        };
        items
            .into_iter()
            .map(|(t, p)| match (num(t)?, num(p)?) {
                ((t0, t1), (p0, p1)) if t0 == t1 && p0 == p1 => Ok((t0, p0)),
                _ => Err("a tier table whose values depend on the data".into()),
            })
            .collect()
    }

    /// The least and most a `deduct_counts` table asks to deduct: Σ max(nᵢ, 0) × perᵢ over
    /// the ends of every count's interval (each rate a constant ≥ 0).
    fn counts(&mut self, e: &Expr) -> R<(f64, f64)> {
        let Expr::Array(rows, _) = e else {
            return Err("a table of counts that is not written out".into());
        };
        let (mut lo, mut hi) = (0.0, 0.0);
        for r in rows.iter() {
            let Expr::Array(row, _) = r else {
                return Err("a table of counts lint cannot read".into());
            };
            if row.len() != 3 && row.len() != 4 {
                return Err("a table of counts lint cannot read".into());
            }
            let (n0, n1) = num(self.expr(&row[1])?)?;
            let per = self.consts(&row[2..3])?[0];
            if per < 0.0 {
                return Err("a count with a negative rate".into());
            }
            lo += n0.max(0.0) * per;
            hi += n1.max(0.0) * per;
        }
        Ok((lo, hi))
    }

    fn conds(&mut self, e: &Expr) -> R<(usize, usize, usize)> {
        // (how many can be true at least, at most, of how many)
        let vals: Vec<V> = match e {
            Expr::Array(xs, _) => xs.iter().map(|x| self.expr(x)).collect::<R<_>>()?,
            Expr::DynamicConstant(d, _) => d
                .read_lock::<rhai::Array>()
                .ok_or("a list of conditions lint cannot read")?
                .iter()
                .map(|x| x.as_bool().map(|b| V::Bool(b, !b)))
                .collect::<Result<_, _>>()
                .map_err(|_| "a list of conditions lint cannot read".to_string())?,
            _ => return Err("a list of conditions that is not written out".into()),
        };
        let (mut lo, mut hi) = (0, 0);
        for v in &vals {
            let (t, f) = boolean(*v)?;
            if t {
                hi += 1;
            }
            if !f {
                lo += 1;
            }
        }
        Ok((lo, hi, vals.len()))
    }

    fn call(&mut self, f: &rhai::FnCallExpr) -> R<V> {
        let name = f.name.as_str();
        let a = &f.args;
        let p = self.p;
        let n = a.len();
        // Comparisons and logic.
        match (name, n) {
            ("==" | "!=" | "<" | "<=" | ">" | ">=", 2) => {
                let (x, y) = (self.expr(&a[0])?, self.expr(&a[1])?);
                if let (V::Num(x0, x1), V::Num(y0, y1)) = (x, y) {
                    if x0 == x1 && y0 == y1 {
                        let c = crate::numeric::compare(x0, y0);
                        let holds = match name {
                            "==" => c == Some(std::cmp::Ordering::Equal),
                            "!=" => c != Some(std::cmp::Ordering::Equal),
                            "<" => c == Some(std::cmp::Ordering::Less),
                            "<=" => c != Some(std::cmp::Ordering::Greater),
                            ">" => c == Some(std::cmp::Ordering::Greater),
                            _ => c != Some(std::cmp::Ordering::Less),
                        };
                        return Ok(V::Bool(holds, !holds));
                    }
                }
                return Ok(V::Bool(true, true));
            }
            ("!", 1) => {
                let (t, f) = boolean(self.expr(&a[0])?)?;
                return Ok(V::Bool(f, t));
            }
            ("contains", 2) => return Ok(V::Bool(true, true)),
            ("-", 1) => {
                let (x0, x1) = num(self.expr(&a[0])?)?;
                return Ok(V::Num(-x1, -x0));
            }
            ("+" | "-" | "*" | "/", 2) => {
                let (x0, x1) = num(self.expr(&a[0])?)?;
                let (y0, y1) = num(self.expr(&a[1])?)?;
                return Ok(match name {
                    "+" => V::Num(x0 + y0, x1 + y1),
                    "-" => V::Num(x0 - y1, x1 - y0),
                    "*" => {
                        let c = [x0 * y0, x0 * y1, x1 * y0, x1 * y1];
                        if c.iter().any(|v| v.is_nan()) {
                            return Err("a product of 0 and an unbounded number".into());
                        }
                        V::Num(
                            c.iter().copied().fold(f64::INFINITY, f64::min),
                            c.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                        )
                    }
                    _ => {
                        if y0 <= 0.0 && y1 >= 0.0 {
                            return Err("a division by a number that can be 0".into());
                        }
                        let c = [x0 / y0, x0 / y1, x1 / y0, x1 / y1];
                        if c.iter().any(|v| v.is_nan()) {
                            return Err("a division of unbounded numbers".into());
                        }
                        V::Num(
                            c.iter().copied().fold(f64::INFINITY, f64::min),
                            c.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                        )
                    }
                });
            }
            ("floor" | "ceiling" | "round" | "to_float", 1) => {
                let (x0, x1) = num(self.expr(&a[0])?)?;
                let g = |x: f64| match name {
                    "floor" => x.floor(),
                    "ceiling" => x.ceil(),
                    "round" => x.round(),
                    _ => x,
                };
                return Ok(V::Num(g(x0), g(x1)));
            }
            ("abs", 1) => {
                let (x0, x1) = num(self.expr(&a[0])?)?;
                let lo = if x0 <= 0.0 && x1 >= 0.0 {
                    0.0
                } else {
                    x0.abs().min(x1.abs())
                };
                return Ok(V::Num(lo, x0.abs().max(x1.abs())));
            }
            _ => {}
        }
        if registry::lookup(name, n).is_none() {
            return Err(format!("the function `{name}`"));
        }
        // The helpers: each by its known behaviour, evaluated by itself where it is monotone.
        Ok(match (name, n) {
            ("award", 1) => {
                let (t, f) = boolean(self.expr(&a[0])?)?;
                V::Num(if f { 0.0 } else { p }, if t { p } else { 0.0 })
            }
            ("award", 2) => {
                let (t, f) = boolean(self.expr(&a[0])?)?;
                let (q0, q1) = num(self.expr(&a[1])?)?;
                let lo = if f { 0.0_f64.min(q0) } else { q0 };
                let hi = if t {
                    q1.max(if f { 0.0 } else { q1 })
                } else {
                    0.0
                };
                V::Num(lo.min(hi), hi.max(lo))
            }
            (
                "deduct_below"
                | "deduct_above"
                | "deduct_steps_below"
                | "deduct_steps_above"
                | "deduct_started_steps_below"
                | "deduct_started_steps_above",
                4,
            ) => {
                let (v0, v1) = num(self.expr(&a[0])?)?;
                let c = self.consts(&a[1..])?;
                let (h, _) = registry::lowered(name, 4).ok_or("no lowering")?;
                // Monotone in `v` (up for `_below`, down for `_above`): the ends bound it.
                let f =
                    |v: f64| h(&mut core::Cx::quiet(p), &[v, c[0], c[1], c[2]]).unwrap_or(f64::NAN);
                let r = hull(v0, v1, [v0, v1], f);
                if let V::Num(lo, hi) = r {
                    if lo.is_nan() || hi.is_nan() {
                        return Err(format!("`{name}` with arguments it refuses"));
                    }
                }
                r
            }
            ("deduct_each", 2 | 3) => {
                let (n0, n1) = num(self.expr(&a[0])?)?;
                let c = self.consts(&a[1..])?;
                let (h, _) = registry::lowered(name, n).ok_or("no lowering")?;
                let f = |x: f64| {
                    let mut args = vec![x];
                    args.extend(&c);
                    h(&mut core::Cx::quiet(p), &args).unwrap_or(f64::NAN)
                };
                hull(n0, n1, [n0, n1], f)
            }
            ("deduct_counts", 1 | 2) => {
                // P − min(Σ nᵢ × perᵢ, cap), at least 0: falls as any count rises.
                let (lo, hi) = self.counts(&a[0])?;
                let cap = match a.get(1) {
                    Some(c) => self.consts(std::slice::from_ref(c))?[0],
                    None => f64::INFINITY,
                };
                V::Num((p - hi.min(cap)).max(0.0), (p - lo.min(cap)).max(0.0))
            }
            ("tiers" | "tiers_below", 2) => {
                let (v0, v1) = num(self.expr(&a[0])?)?;
                let ts = self.tiers(&a[1])?;
                let below = name == "tiers_below";
                let mut pts = vec![v0, v1];
                for (t, _) in &ts {
                    let d = (t.abs() * 1e-6).max(1e-6);
                    pts.extend([t - d, *t, t + d]);
                }
                let f = |v: f64| {
                    let mut cx = core::Cx::quiet(p);
                    if below {
                        core::tiers_below(&mut cx, v, &ts)
                    } else {
                        core::tiers(&mut cx, v, &ts)
                    }
                };
                hull(v0, v1, pts.into_iter().filter(|x| *x >= v0 && *x <= v1), f)
            }
            ("proportional", 1) => {
                let (r0, r1) = num(self.expr(&a[0])?)?;
                hull(r0, r1, [r0, r1], |r| {
                    core::proportional_rate(&mut core::Cx::quiet(p), r)
                })
            }
            ("proportional", 2) => {
                let (d0, d1) = num(self.expr(&a[0])?)?;
                let (t0, t1) = num(self.expr(&a[1])?)?;
                if t0 > 0.0 && d0 >= 0.0 {
                    let lo = (d0 / t1).clamp(0.0, 1.0);
                    let hi = (d1 / t0).clamp(0.0, 1.0);
                    V::Num(p * lo, p * hi)
                } else {
                    V::Num(0.0, p)
                }
            }
            ("pct" | "ratio" | "pct_or" | "ratio_or", _) => {
                let (x0, x1) = num(self.expr(&a[0])?)?;
                let (y0, y1) = num(self.expr(&a[1])?)?;
                let k = if name.starts_with("pct") { 100.0 } else { 1.0 };
                let zero = if n == 3 {
                    num(self.expr(&a[2])?)?
                } else {
                    (0.0, 0.0)
                };
                let mut r = if y0 > 0.0 || y1 < 0.0 {
                    let c = [x0 / y0, x0 / y1, x1 / y0, x1 / y1];
                    if c.iter().any(|v| v.is_nan()) {
                        return Err("a ratio of unbounded numbers".into());
                    }
                    V::Num(
                        k * c.iter().copied().fold(f64::INFINITY, f64::min),
                        k * c.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                    )
                } else if x0 >= 0.0 && y0 >= 0.0 {
                    // 0 ≤ a, 0 ≤ b: a/b ≥ 0, unbounded above unless a is 0.
                    let hi = if x1 == 0.0 { 0.0 } else { f64::INFINITY };
                    join(V::Num(0.0, hi), V::Num(zero.0, zero.1))?
                } else {
                    return Err("a ratio whose denominator can be 0".into());
                };
                if let V::Num(lo, hi) = r {
                    if lo.is_nan() || hi.is_nan() {
                        r = V::Num(f64::NEG_INFINITY, f64::INFINITY);
                    }
                }
                r
            }
            ("clamp", 3) => {
                let (v0, v1) = num(self.expr(&a[0])?)?;
                let (l0, _) = num(self.expr(&a[1])?)?;
                let (_, h1) = num(self.expr(&a[2])?)?;
                V::Num(v0.max(l0).min(h1), v1.min(h1).max(l0))
            }
            ("min" | "max", 2) => {
                let (x0, x1) = num(self.expr(&a[0])?)?;
                let (y0, y1) = num(self.expr(&a[1])?)?;
                if name == "min" {
                    V::Num(x0.min(y0), x1.min(y1))
                } else {
                    V::Num(x0.max(y0), x1.max(y1))
                }
            }
            ("count_true", 1) => {
                let (lo, hi, _) = self.conds(&a[0])?;
                V::Num(lo as f64, hi as f64)
            }
            ("each_true", 2) => {
                let (lo, hi, _) = self.conds(&a[0])?;
                let (q0, q1) = num(self.expr(&a[1])?)?;
                let c = [
                    lo as f64 * q0,
                    lo as f64 * q1,
                    hi as f64 * q0,
                    hi as f64 * q1,
                ];
                V::Num(
                    c.iter().copied().fold(f64::INFINITY, f64::min),
                    c.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                )
            }
            ("discretion", 2 | 3) => {
                // The deduction entered, within [0, max]; 0 when none was entered.
                let (_, d1) = num(self.expr(&a[0])?)?;
                let (_, m1) = num(self.expr(&a[1])?)?;
                V::Num(0.0, d1.max(0.0).min(m1.max(0.0)))
            }
            ("has" | "on_or_before", _) => V::Bool(true, true),
            // Dates: texts, compared or measured in days, never points themselves.
            ("period_start" | "period_end" | "period_date", _) => V::Other,
            ("days_between", 2) => V::Num(f64::NEG_INFINITY, f64::INFINITY),
            _ => return Err(format!("the helper `{name}`")),
        })
    }

    /// Arguments that must be constants (a target, a step, points per step).
    fn consts(&mut self, args: &[Expr]) -> R<Vec<f64>> {
        args.iter()
            .map(|x| match num(self.expr(x)?)? {
                (a, b) if a == b => Ok(a),
                _ => Err("a helper whose target or step depends on the data".to_string()),
            })
            .collect()
    }
}

fn pair_of(d: &Dynamic) -> R<(V, V)> {
    let a = d
        .read_lock::<rhai::Array>()
        .filter(|a| a.len() == 2)
        .ok_or("a tier that is not a pair")?;
    let n = |x: &Dynamic| {
        x.as_float()
            .ok()
            .or_else(|| x.as_int().ok().map(|i| i as f64))
            .map(|v| V::Num(v, v))
            .ok_or("a tier that is not numbers".to_string())
    };
    Ok((n(&a[0])?, n(&a[1])?))
}

/// What lint proved about one rule.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Proof {
    /// Every result lies in `[lo, hi]`; `exact`: both ends are reached.
    Range { lo: f64, hi: f64, exact: bool },
    /// The analysis cannot follow the rule (why); nothing is claimed.
    Undecided(String),
}

/// Runs a compiled rule for real on one assignment of its inputs.
struct Runner<'a> {
    rules: &'a RuleSet,
    groups: Vec<String>,
    /// Runs left of [`MAX_RUNS`].
    left: std::cell::Cell<usize>,
}

impl Runner<'_> {
    /// Takes one run from the budget; `false` when it is spent.
    fn take(&self) -> bool {
        let n = self.left.get();
        self.left.set(n.saturating_sub(1));
        n > 0
    }

    fn run(&self, rule: &CompiledRule, p: f64, values: &[(FieldPath, Dynamic)]) -> Option<f64> {
        let mut root = Map::new();
        for g in &self.groups {
            insert(&mut root, g, None);
        }
        for (f, v) in values {
            insert(&mut root, f.as_str(), Some(v.clone()));
        }
        let present: Rc<BTreeSet<String>> =
            Rc::new(values.iter().map(|(f, _)| f.as_str().to_string()).collect());
        let mut scope = Scope::new();
        scope.push_constant_dynamic("d", Dynamic::from_map(root));
        scope.push_constant("P", p);
        helpers::start_item(p, Some(2023), &present, false);
        let r = self
            .rules
            .engine
            .eval_ast_with_scope::<Dynamic>(&mut scope, &rule.ast);
        helpers::finish_item();
        match from_dynamic(r.ok()?) {
            Outcome::Number(x) => Some(x),
            _ => None,
        }
    }
}

fn insert(m: &mut Map, path: &str, v: Option<Dynamic>) {
    match path.split_once('.') {
        Some((head, rest)) => {
            let e = m
                .entry(head.into())
                .or_insert_with(|| Dynamic::from_map(Map::new()));
            if let Some(mut inner) = e.write_lock::<Map>() {
                insert(&mut inner, rest, v);
            }
        }
        None => {
            match v {
                Some(v) => m.insert(path.into(), v),
                None => m.insert(path.into(), Dynamic::from_map(Map::new())),
            };
        }
    }
}

/// The values tried for one input: its whole domain when finite, else its ends, 0, the
/// rule's constants in range and points beside them; `None` for absent (optional inputs).
fn candidates(spec: &FieldSpec, consts: &[f64], optional: bool) -> (Vec<Option<Dynamic>>, bool) {
    let mut out: Vec<Option<Dynamic>> = Vec::new();
    let mut finite = true;
    match spec.ty {
        FieldType::Bool => out.extend([Some(true.into()), Some(false.into())]),
        FieldType::Enum => out.extend(
            spec.values
                .iter()
                .flatten()
                .map(|v| Some(Dynamic::from(v.clone()))),
        ),
        FieldType::Percent | FieldType::Count | FieldType::Number => {
            finite = false;
            let V::Num(lo, hi) = domain(spec) else {
                unreachable!("numeric fields have a numeric domain")
            };
            let mut xs = vec![lo, hi, 0.0, 1.0, 10.0, 100.0, 1e6, -1.0, 50.0];
            for c in consts {
                xs.extend([*c, c - 1.0, c + 1.0, c - 0.5, c + 0.5, c * 2.0]);
            }
            let mut seen = Vec::new();
            for x in xs {
                if x.is_finite() && x >= lo && x <= hi && !seen.contains(&x) {
                    seen.push(x);
                    out.push(Some(if spec.ty == FieldType::Count {
                        Dynamic::from(x.round() as rhai::INT)
                    } else {
                        Dynamic::from(x)
                    }));
                }
            }
        }
        FieldType::List if spec.values.as_ref().is_some_and(|v| v.len() <= 4) => {
            // Every subset of a short list of values.
            let vals = spec.values.clone().unwrap_or_default();
            for mask in 0..(1u32 << vals.len()) {
                let sub: rhai::Array = vals
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, v)| Dynamic::from(v.clone()))
                    .collect();
                out.push(Some(Dynamic::from_array(sub)));
            }
        }
        FieldType::List => {
            let vals = spec.values.clone().unwrap_or_default();
            out.push(Some(Dynamic::from_array(Vec::new())));
            out.push(Some(Dynamic::from_array(
                vals.iter().map(|v| Dynamic::from(v.clone())).collect(),
            )));
            finite = false;
            for k in 0..vals.len() {
                let most: rhai::Array = vals
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != k)
                    .map(|(_, v)| Dynamic::from(v.clone()))
                    .collect();
                out.push(Some(Dynamic::from_array(most)));
                out.push(Some(Dynamic::from_array(vec![Dynamic::from(
                    vals[k].clone(),
                )])));
            }
        }
        FieldType::Date => {
            finite = false;
            out.push(Some(Dynamic::from("2023-06-30".to_string())));
        }
        FieldType::Text => {
            finite = false;
            out.push(Some(Dynamic::from("（理由）".to_string())));
        }
        // issue 27 shape 5: records (read whole only as a list, e.g. its `len()`).
        FieldType::Records => {
            finite = false;
            out.push(Some(Dynamic::from_array(Vec::new())));
        }
    }
    if optional {
        out.push(None);
    }
    (out, finite)
}

/// The numbers written in a rule (targets, steps, thresholds), for witnesses near them.
fn constants(ast: &AST) -> Vec<f64> {
    let mut out = Vec::new();
    ast.walk(&mut |path: &[rhai::ASTNode]| {
        match path.last() {
            Some(rhai::ASTNode::Expr(Expr::IntegerConstant(i, _))) => out.push(*i as f64),
            Some(rhai::ASTNode::Expr(Expr::FloatConstant(f, _))) => out.push(**f),
            _ => {}
        }
        true
    });
    out
}

/// The result of the search over the inputs' candidates: the least and greatest results with
/// their inputs, and whether the candidates were the whole domain.
struct Search {
    min: Option<(f64, Vec<(FieldPath, Dynamic)>)>,
    max: Option<(f64, Vec<(FieldPath, Dynamic)>)>,
    complete: bool,
    /// When complete: the inputs whose value never changes the result (every other input held
    /// at any of its values).
    unused: Vec<FieldPath>,
}

/// Runs the rule on the combinations of its inputs' candidates, up to `limit` of them; with
/// `only_complete`, only when those candidates are the whole domain and fit in `limit`.
fn search(
    runner: &Runner,
    rule: &CompiledRule,
    p: f64,
    limit: usize,
    only_complete: bool,
) -> Search {
    let fields = &runner.rules.model.fields;
    let consts = constants(&rule.ast);
    let mut per: Vec<(FieldPath, Vec<Option<Dynamic>>)> = Vec::new();
    let mut complete = true;
    for (f, optional) in rule
        .inputs
        .iter()
        .map(|f| (f, false))
        .chain(rule.optional.iter().map(|f| (f, true)))
    {
        let Some(spec) = fields.get(f) else { continue };
        let (c, fin) = candidates(spec, &consts, optional);
        complete &= fin;
        per.push((f.clone(), c));
    }
    let total: usize = per
        .iter()
        .map(|(_, c)| c.len().max(1))
        .try_fold(1usize, |a, b| a.checked_mul(b))
        .unwrap_or(usize::MAX);
    if total > limit {
        complete = false;
    }
    let mut s = Search {
        min: None,
        max: None,
        complete,
        unused: Vec::new(),
    };
    if only_complete && !complete {
        return s;
    }
    let mut results: Vec<Option<f64>> = Vec::new();
    let mut idx = vec![0usize; per.len()];
    for _ in 0..total.min(limit) {
        if !runner.take() {
            s.complete = false;
            break;
        }
        let values: Vec<(FieldPath, Dynamic)> = per
            .iter()
            .zip(&idx)
            .filter_map(|((f, c), k)| c.get(*k).cloned().flatten().map(|v| (f.clone(), v)))
            .collect();
        let r = runner.run(rule, p, &values);
        if complete {
            results.push(r);
        }
        if let Some(x) = r {
            if s.max.as_ref().is_none_or(|m| x > m.0) {
                s.max = Some((x, values.clone()));
            }
            if s.min.as_ref().is_none_or(|m| x < m.0) {
                s.min = Some((x, values));
            }
        }
        // The next combination (odometer).
        for (k, (_, c)) in idx.iter_mut().zip(&per) {
            *k += 1;
            if *k < c.len() {
                break;
            }
            *k = 0;
        }
    }
    if s.complete && s.min.is_some() {
        // Input k is unused when every combination gives what the same combination with k's
        // first value gives (combinations are counted with the first input turning fastest).
        let mut stride = 1;
        for (f, c) in &per {
            let size = c.len().max(1);
            let same = (0..results.len()).all(|i| {
                let digit = (i / stride) % size;
                results[i] == results[i - digit * stride]
            });
            if same && size > 1 {
                s.unused.push(f.clone());
            }
            stride *= size;
        }
    }
    s
}

fn shown(values: &[(FieldPath, Dynamic)]) -> String {
    if values.is_empty() {
        return "for any county".into();
    }
    let parts: Vec<String> = values
        .iter()
        .map(|(f, v)| {
            let v = if let Ok(b) = v.as_bool() {
                b.to_string()
            } else if let Some(a) = v.read_lock::<rhai::Array>() {
                let xs: Vec<String> = a.iter().map(|x| x.to_string()).collect();
                format!("[{}]", xs.join(", "))
            } else if v.is_string() {
                format!("\"{v}\"")
            } else if let Ok(f) = v.as_float() {
                helpers::fmt_num(f)
            } else {
                v.to_string()
            };
            format!("{f} = {v}")
        })
        .collect();
    format!("when {}", parts.join(", "))
}

/// The proof for one rule whose points are `p`.
fn prove(runner: &Runner, rule: &CompiledRule, p: f64) -> (Proof, Search) {
    let s = search(runner, rule, p, MAX_EXHAUSTIVE, true);
    if s.complete {
        if let (Some(lo), Some(hi)) = (&s.min, &s.max) {
            return (
                Proof::Range {
                    lo: lo.0,
                    hi: hi.0,
                    exact: true,
                },
                s,
            );
        }
    }
    let mut iv = Intervals {
        fields: &runner.rules.model.fields,
        p,
        env: Vec::new(),
    };
    let proof = match iv.block(rule.ast.statements()) {
        _ if rule.ast.has_functions() => Proof::Undecided("the rule defines functions".into()),
        Ok(V::Num(lo, hi)) if !lo.is_nan() && !hi.is_nan() => Proof::Range {
            lo,
            hi,
            exact: false,
        },
        Ok(_) => Proof::Undecided("the rule's result is not a number lint can follow".into()),
        Err(why) => Proof::Undecided(format!("the rule uses {why}")),
    };
    (proof, s)
}

/// What kind of rule, for messages.
#[derive(Clone, Copy)]
enum Kind {
    Item,
    Bonus,
    Penalty,
}

/// Every claim lint can make about the score ranges of a rule set (see the module's
/// documentation), as diagnostics.
pub(crate) fn check(rules: &RuleSet) -> Vec<Diagnostic> {
    let m = &rules.model;
    let runner = Runner {
        rules,
        groups: rules.groups.clone(),
        left: std::cell::Cell::new(MAX_RUNS),
    };
    let mut out = Vec::new();
    // The most each item can earn (for the pass lines): its points unless proven lower.
    let mut best: BTreeMap<usize, f64> = BTreeMap::new();
    let mut one = |rule: &CompiledRule,
                   kind: Kind,
                   id: &str,
                   p: Points,
                   span: &Span|
     -> Option<f64> {
        let pf = p.as_f64();
        let (proof, mut s) = prove(&runner, rule, pf);
        let (what, points) = match kind {
            Kind::Item => (format!("item `{id}`"), format!("its {p} points")),
            Kind::Bonus => (format!("bonus `{id}`"), format!("its cap of {p} points")),
            Kind::Penalty => (format!("penalty `{id}`"), format!("its cap of {p} points")),
        };
        let (lo, hi, exact) = match proof {
            Proof::Range { lo, hi, exact } => (lo, hi, exact),
            Proof::Undecided(why) => {
                out.push(Diagnostic::warning(
                    crate::error::Code::ScoreRange,
                    &span.file,
                    span.loc(),
                    format!("{what}: lint cannot prove the range of its score ({why}); nothing is claimed about it"),
                ));
                return None;
            }
        };
        let range = format!(
            "[{}, {}]{}",
            helpers::fmt_num(lo),
            helpers::fmt_num(hi),
            if exact { "" } else { " at most" }
        );
        let tol = 1e-9 * pf.abs().max(1.0);
        // A witness, when the enclosure allows a result outside [0, P] and the first search
        // did not find one: a wider search.
        let over = matches!(kind, Kind::Item) && hi > pf + tol;
        let under = lo < -tol;
        if (over && s.max.as_ref().is_none_or(|x| x.0 <= pf + tol))
            || (under && s.min.as_ref().is_none_or(|x| x.0 >= -tol))
        {
            s = search(&runner, rule, pf, MAX_WITNESS, false);
        }
        // A bonus's or a penalty's `cap` is the format's own clamp (每项加1分，最高不超过3分 is
        // `score: d.x.awards` with `cap: 3`): only an item's points are a promise the rule
        // must keep.
        if matches!(kind, Kind::Item) && over {
            if let Some((x, w)) = s.max.as_ref().filter(|x| x.0 > pf + tol) {
                out.push(
                    Diagnostic::error(
                        crate::error::Code::ScoreRange,
                        &span.file,
                        span.loc(),
                        format!(
                            "{what} can return more than {points}: {} {} (clamped to {p} at scoring)",
                            helpers::fmt_num(*x),
                            shown(w)
                        ),
                    )
                    .with_help(format!("the rule's results lie in {range}; make the rule return at most {p} (e.g. scale it, or give the item the points it can earn)")),
                );
            }
        }
        if under {
            if let Some((x, w)) = s.min.as_ref().filter(|x| x.0 < -tol) {
                out.push(
                    Diagnostic::error(
                        crate::error::Code::ScoreRange,
                        &span.file,
                        span.loc(),
                        format!(
                            "{what} can return less than 0: {} {} (counted as 0 at scoring)",
                            helpers::fmt_num(*x),
                            shown(w)
                        ),
                    )
                    .with_help(format!("the rule's results lie in {range}")),
                );
            }
        }
        if exact {
            for f in &s.unused {
                out.push(Diagnostic::warning(
                    crate::error::Code::Unused,
                    &span.file,
                    span.loc(),
                    format!("{what} never depends on its input `{f}`: over every value of its inputs, changing `{f}` never changes the result"),
                ).with_help(format!("drop `{f}` from the inputs, or check the rule: it reads `{f}` without effect")));
            }
        }
        if matches!(kind, Kind::Item | Kind::Bonus) && hi < pf - tol {
            out.push(
                Diagnostic::warning(
                    crate::error::Code::ScoreRange,
                    &span.file,
                    span.loc(),
                    format!(
                        "{what} can never earn {points}: the rule returns {} at most (its results lie in {range})",
                        helpers::fmt_num(hi)
                    ),
                )
                .with_help("no county can reach full points; check the rule's points or its branches"),
            );
        }
        Some(hi.min(pf).max(0.0))
    };
    // Rules are proven on the scale they are written on (百分制: the model's points / k);
    // what they can earn is put back on the reported scale for the pass lines.
    let k = m.scale;
    let written = |p: Points| Points::from_f64(p.as_f64() / k);
    for (i, rule) in &rules.items {
        // issue 27 shape 6: a relative item's range is [0, P] by `check` (no expression).
        if rule.relative.is_some() {
            continue;
        }
        let n = &m.nodes[*i];
        // issue 27 shape 5: records. Each record's score is clamped to [0, record points] and
        // the combination scaled to the item's points: in [0, points] by construction, and the
        // rule reads `r`, which this search does not model; nothing more is claimed.
        if rule.each.is_some() {
            best.insert(*i, n.points.as_f64());
            continue;
        }
        let w = crate::ruleset::written_points(m, *i);
        if let Some(b) = one(rule, Kind::Item, n.id.as_str(), w, &n.span) {
            // Back on the model's scale (百分制 and shares alike): × points / written.
            let f = if w > Points::ZERO {
                n.points.as_f64() / w.as_f64()
            } else {
                k
            };
            best.insert(*i, b * f);
        }
    }
    let mut bonus_best = 0.0;
    for (rule, b) in rules.bonuses.iter().zip(&m.bonuses) {
        bonus_best += one(rule, Kind::Bonus, b.id.as_str(), written(b.cap), &b.span)
            .map_or(b.cap.as_f64(), |x| x * k);
    }
    for (rule, x) in rules.penalties.iter().zip(&m.penalties) {
        if !x.is_zeroing() {
            one(
                rule,
                Kind::Penalty,
                x.id.as_str(),
                written(x.cap.unwrap_or(Points::ZERO)),
                &x.span,
            );
        }
    }
    out.extend(pass_lines(rules, &best, bonus_best));
    out
}

/// Pass lines no county can reach: the best total (each item at most its points or its proven
/// top, every bonus at most its cap or proven top, within `bonus_cap`, and no penalty) below the
/// line, or a first-level area's best below the line's share of its points.
fn pass_lines(rules: &RuleSet, best: &BTreeMap<usize, f64>, bonus_best: f64) -> Vec<Diagnostic> {
    let m = &rules.model;
    let mut out = Vec::new();
    // The best of every node, from the leaves up.
    let mut node_best = vec![0.0_f64; m.nodes.len()];
    for i in (0..m.nodes.len()).rev() {
        let n = &m.nodes[i];
        node_best[i] = if n.children.is_empty() {
            best.get(&i).copied().unwrap_or(n.points.as_f64())
        } else {
            n.children
                .iter()
                .map(|c| node_best[*c])
                .sum::<f64>()
                .min(n.points.as_f64())
        };
    }
    let roots: Vec<usize> = (0..m.nodes.len())
        .filter(|i| m.nodes[*i].parent.is_none())
        .collect();
    let items_best: f64 = roots.iter().map(|i| node_best[*i]).sum();
    let bonus = m
        .header
        .bonus_limit()
        .map_or(bonus_best, |c| bonus_best.min(c.as_f64()));
    let top = items_best + bonus;
    for line in &m.pass_lines {
        let need = line.min_total.as_f64();
        if top < need - 1e-9 {
            out.push(
                Diagnostic::error(
                    crate::error::Code::ScoreRange,
                    &line.span.file,
                    line.span.loc(),
                    format!(
                        "pass line `{}`（{}）needs {} points, but no county can score more than {} (items {} + bonuses {})",
                        line.id,
                        line.name,
                        line.min_total,
                        helpers::fmt_num(top),
                        helpers::fmt_num(items_best),
                        helpers::fmt_num(bonus)
                    ),
                )
                .with_help("lower `min_total`, or check the items lint says can never earn their points"),
            );
        }
        if let Some(share) = line.min_area_share {
            for &r in &roots {
                let n = &m.nodes[r];
                let pts = n.points.as_f64();
                if pts > 0.0 && node_best[r] < share * pts - 1e-9 {
                    out.push(
                        Diagnostic::error(
                            crate::error::Code::ScoreRange,
                            &line.span.file,
                            line.span.loc(),
                            format!(
                                "pass line `{}` needs {}% of every first-level area, but area `{}`（{}）can earn at most {} of its {} points",
                                line.id,
                                helpers::fmt_num(share * 100.0),
                                n.id,
                                n.name,
                                helpers::fmt_num(node_best[r]),
                                n.points
                            ),
                        )
                        .with_help("lower `min_area_share`, or check that area's items"),
                    );
                }
            }
        }
    }
    out
}
