//! The typed tier of the fast path (issue 17): rules whose every value is a number or a flag,
//! lowered with their types resolved at compile time, run as closures over one dense row of
//! `f64` per county.
//!
//! The untyped tier ([`super::build`]) passes a tagged [`Val`](super::ops::Val) between its
//! closures and checks the tag at every step. Most 评分细则 only ever see numbers and flags, and
//! a field's type is known from the data dictionary, so this tier decides each node's type once
//! (`Int`, `Float` or `Bool`) and its closures pass a bare `f64` or `bool`. The semantics are the
//! untyped tier's, step for step (see [`super::ops`]):
//!
//! - a count is an `Int` held exactly in an `f64` (counts are at most 2^53 − 1); `+`, `-`, `*`
//!   of two `Int`s bail when the result reaches 2^53 in magnitude (the untyped tier then computes
//!   it in checked `i64`), `/` is real division, `%` of two `Int`s is exact;
//! - a comparison of two `Int`s is exact, with a `Float` on either side it follows
//!   [`crate::numeric::compare`];
//! - a field whose value in this county is missing or not of the dictionary's type bails.
//!
//! Anything this tier does not type (texts, dates, lists, `has()`, a local changing type) makes
//! [`lower`] return `None`, and a bail makes [`run`] return `None`: the untyped tier, and behind
//! it the interpreter, decides. `tests/fast_path.rs` checks all three agree on every rule.

use super::build::{cmp_op, helper, segments, tiers_over, HasCx, Seg, SlotMap};
use super::ops::{self, Cmp};
pub(crate) use super::ty::{Ty, OTHER};
use super::Slots;
use crate::evaluate::{Outcome, Run};
use crate::helpers::core::{self, Cx};
use rhai::{ASTFlags, Dynamic, Expr, FnCallExpr, Stmt, AST};

/// Integers are exact in an `f64` below this magnitude (2^53).
const EXACT: f64 = 9_007_199_254_740_992.0;

/// At most this many `let` names per rule on this tier.
const MAX_LOCALS: usize = 8;

/// What a typed closure sees: the county's row and the item's context.
pub(crate) struct TEnv<'a> {
    row: &'a [f64],
    tags: &'a [u8],
    datums: &'a [Option<&'a crate::load::county::Datum>],
    locals: [f64; MAX_LOCALS],
    cx: Cx,
}

type NumFn = Box<dyn Fn(&mut TEnv<'_>) -> Option<f64> + Send + Sync>;
type BoolFn = Box<dyn Fn(&mut TEnv<'_>) -> Option<bool> + Send + Sync>;
type UnitFn = Box<dyn Fn(&mut TEnv<'_>) -> Option<()> + Send + Sync>;

/// A lowered node with its type.
enum T {
    Int(NumFn),
    Float(NumFn),
    Mixed(NumFn),
    Bool(BoolFn),
    Unit(UnitFn),
    /// A list field, by slot (read in place by `.len()`/`.contains()`).
    List(usize),
}

impl HasCx for TEnv<'_> {
    fn cx(&mut self) -> &mut Cx {
        &mut self.cx
    }
}

impl T {
    fn ty(&self) -> Option<Ty> {
        match self {
            T::Int(_) => Some(Ty::Int),
            T::Float(_) => Some(Ty::Float),
            T::Mixed(_) => Some(Ty::Mixed),
            T::Bool(_) => Some(Ty::Bool),
            T::List(_) => Some(Ty::List),
            T::Unit(_) => None,
        }
    }
    /// A number (a helper's argument, `num()` in the interpreter).
    fn num(self) -> Option<NumFn> {
        match self {
            T::Int(f) | T::Float(f) | T::Mixed(f) => Some(f),
            _ => None,
        }
    }
    /// A number of type `ty` (`Int`, `Float` or `Mixed`).
    fn number(ty: Ty, f: NumFn) -> T {
        match ty {
            Ty::Int => T::Int(f),
            Ty::Float => T::Float(f),
            _ => T::Mixed(f),
        }
    }
    fn bool(self) -> Option<BoolFn> {
        match self {
            T::Bool(f) => Some(f),
            _ => None,
        }
    }
    /// The node run for its effect only.
    fn effect(self) -> UnitFn {
        match self {
            T::Int(f) | T::Float(f) | T::Mixed(f) => Box::new(move |e| f(e).map(drop)),
            T::Bool(f) => Box::new(move |e| f(e).map(drop)),
            T::Unit(f) => f,
            T::List(_) => Box::new(|_| Some(())),
        }
    }
}

/// A rule lowered to typed closures.
pub(crate) struct Typed {
    code: T,
    /// Whether the rule reads a list field (`.len()`, `.contains(…)`): only then does it need
    /// the county's values themselves, beside the dense row.
    lists: bool,
}

impl std::fmt::Debug for Typed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Typed")
            .field("ty", &self.code.ty())
            .finish()
    }
}

/// Lowers a rule whose values are all numbers and flags, or `None`.
///
/// A name given an `Int` and later a `Float` (`let s = 0; if … { s = ratio(…) }`) is lowered
/// again as `Mixed` from its `let`: at most once per name.
pub(crate) fn lower(ast: &AST, slots: &SlotMap) -> Option<Typed> {
    if ast.has_functions() {
        return None;
    }
    let mut mixed = Vec::new();
    loop {
        let mut l = Lower {
            slots,
            scopes: Vec::new(),
            locals: 0,
            mixed: &mixed,
            retype: None,
            lists: std::cell::Cell::new(false),
        };
        if let Some(code) = l.block(ast.statements()) {
            let lists = l.lists.get();
            return matches!(code.ty()?, Ty::Int | Ty::Float | Ty::Mixed | Ty::Bool)
                .then_some(Typed { code, lists });
        }
        match l.retype {
            Some(slot) if !mixed.contains(&slot) => mixed.push(slot),
            _ => return None,
        }
    }
}

/// Runs a typed rule with maximum `max`; `None` when it bails.
pub(crate) fn run(t: &Typed, slots: &Slots<'_>, max: f64, notes: bool) -> Option<Run> {
    let mut env = TEnv {
        row: &slots.dense.row,
        tags: &slots.dense.tags,
        datums: if t.lists { slots.datums() } else { &[] },
        locals: [0.0; MAX_LOCALS],
        cx: if notes { Cx::new(max) } else { Cx::quiet(max) }.in_year(slots.year),
    };
    let outcome = match &t.code {
        T::Float(f) | T::Mixed(f) => Outcome::Number(f(&mut env).filter(|x| x.is_finite())?),
        T::Int(f) => Outcome::Number(f(&mut env)?),
        T::Bool(f) => Outcome::Bool(f(&mut env)?),
        T::Unit(_) | T::List(_) => return None,
    };
    Some(Run {
        outcome,
        notes: env.cx.notes,
    })
}

struct Lower<'m> {
    slots: &'m SlotMap,
    /// Names in scope: (name, local slot — a field's slot for a `List` —, type, constant).
    scopes: Vec<Vec<(String, usize, Ty, bool)>>,
    locals: usize,
    /// The local slots lowered as `Mixed` from their `let`.
    mixed: &'m [usize],
    /// A local slot given a number of another type: lower again with it `Mixed`.
    retype: Option<usize>,
    /// Whether a list field's method was lowered (see [`Typed::lists`]).
    lists: std::cell::Cell<bool>,
}

/// The type of `if`/`else` of types `a` and `b`.
fn join(a: Ty, b: Ty) -> Option<Ty> {
    let num = |t| matches!(t, Ty::Int | Ty::Float | Ty::Mixed);
    if a == b && a != Ty::List {
        Some(a)
    } else if num(a) && num(b) {
        Some(Ty::Mixed)
    } else {
        None
    }
}

/// The type of arithmetic on `a` and `b` other than `Int` with `Int`: a `Mixed` only with a
/// `Float` (an `Int` then gives the same as its value as a `Float`).
fn float_with(a: Ty, b: Ty) -> Option<()> {
    match (a, b) {
        (Ty::Mixed, Ty::Float) | (Ty::Float, Ty::Mixed) => Some(()),
        (Ty::Mixed, _) | (_, Ty::Mixed) => None,
        (Ty::Int | Ty::Float, Ty::Int | Ty::Float) => Some(()),
        _ => None,
    }
}

/// An integer result: exact below 2^53 (else the untyped tier computes it in `i64`), and never
/// `-0.0` (`0 * -5` is `-0.0` in floats, `0` in integers; a later `x / 0` must see `+0.0`).
fn int_result(x: f64) -> Option<f64> {
    (x.abs() < EXACT).then_some(x + 0.0)
}

impl Lower<'_> {
    fn lookup(&self, name: &str) -> Option<(usize, Ty, bool)> {
        self.scopes
            .iter()
            .rev()
            .flat_map(|s| s.iter().rev())
            .find(|(n, ..)| n == name)
            .map(|(_, slot, ty, c)| (*slot, *ty, *c))
    }

    fn block(&mut self, stmts: &[Stmt]) -> Option<T> {
        self.scopes.push(Vec::new());
        let codes: Option<Vec<T>> = stmts.iter().map(|s| self.stmt(s)).collect();
        self.scopes.pop();
        let mut codes = codes?;
        let Some(last) = codes.pop() else {
            return Some(T::Unit(Box::new(|_| Some(()))));
        };
        if codes.is_empty() {
            return Some(last);
        }
        let before: Vec<UnitFn> = codes.into_iter().map(T::effect).collect();
        let first = move |e: &mut TEnv<'_>| before.iter().try_for_each(|c| c(e));
        Some(match last {
            T::Int(f) => T::Int(Box::new(move |e| {
                first(e)?;
                f(e)
            })),
            T::Float(f) => T::Float(Box::new(move |e| {
                first(e)?;
                f(e)
            })),
            T::Mixed(f) => T::Mixed(Box::new(move |e| {
                first(e)?;
                f(e)
            })),
            T::List(_) => return None,
            T::Bool(f) => T::Bool(Box::new(move |e| {
                first(e)?;
                f(e)
            })),
            T::Unit(f) => T::Unit(Box::new(move |e| {
                first(e)?;
                f(e)
            })),
        })
    }

    fn stmt(&mut self, s: &Stmt) -> Option<T> {
        match s {
            Stmt::Noop(_) => Some(T::Unit(Box::new(|_| Some(())))),
            Stmt::Expr(e) => self.expr(e),
            Stmt::FnCall(f, _) => self.call(f),
            Stmt::Block(b) => self.block(b.statements()),
            Stmt::If(flow, _) => {
                let cond = self.expr(&flow.expr)?.bool()?;
                let yes = self.block(flow.body.statements())?;
                let no = self.block(flow.branch.statements())?;
                let (Some(ty_yes), Some(ty_no)) = (yes.ty(), no.ty()) else {
                    // A branch with no value (`if c { x = 1; }`): run for its effect.
                    let (yes, no) = (yes.effect(), no.effect());
                    return Some(T::Unit(Box::new(
                        move |e| {
                            if cond(e)? {
                                yes(e)
                            } else {
                                no(e)
                            }
                        },
                    )));
                };
                // Branches of types that do not join: the untyped tier.
                let ty = join(ty_yes, ty_no)?;
                Some(match (yes, no) {
                    (T::Bool(a), T::Bool(b)) => {
                        T::Bool(Box::new(move |e| if cond(e)? { a(e) } else { b(e) }))
                    }
                    (a, b) => {
                        let (a, b) = (a.num()?, b.num()?);
                        T::number(ty, Box::new(move |e| if cond(e)? { a(e) } else { b(e) }))
                    }
                })
            }
            Stmt::Var(x, flags, _) => {
                let (ident, init, _) = &**x;
                let value = self.expr(init)?;
                let constant = flags.contains(ASTFlags::CONSTANT);
                if let T::List(field) = value {
                    // A name for a list field: read in place, nothing stored.
                    self.scopes
                        .last_mut()?
                        .push((ident.name.to_string(), field, Ty::List, true));
                    return Some(T::Unit(Box::new(|_| Some(()))));
                }
                let mut ty = value.ty()?;
                if matches!(ty, Ty::Int | Ty::Float) && self.mixed.contains(&self.locals) {
                    ty = Ty::Mixed;
                }
                let slot = self.locals;
                if slot >= MAX_LOCALS {
                    return None;
                }
                self.locals += 1;
                self.scopes
                    .last_mut()?
                    .push((ident.name.to_string(), slot, ty, constant));
                Some(T::Unit(store(value, slot)))
            }
            Stmt::Assignment(x) => {
                let (op, bin) = &**x;
                if op.is_op_assignment() {
                    return None;
                }
                let Expr::Variable(v, _, _) = &bin.lhs else {
                    return None;
                };
                let (slot, ty, constant) = self.lookup(v.1.as_str())?;
                let value = self.expr(&bin.rhs)?;
                let vt = value.ty()?;
                if constant || ty == Ty::List || vt == Ty::List {
                    return None;
                }
                let numbers = |t| matches!(t, Ty::Int | Ty::Float | Ty::Mixed);
                if vt != ty && !(ty == Ty::Mixed && numbers(vt)) {
                    // A number of another type: lower again with this name `Mixed`; anything
                    // else (a flag becoming a number) is the untyped tier's.
                    if numbers(ty) && numbers(vt) {
                        self.retype = Some(slot);
                    }
                    return None;
                }
                Some(T::Unit(store(value, slot)))
            }
            _ => None,
        }
    }

    fn constant(d: &Dynamic) -> Option<T> {
        if let Ok(b) = d.as_bool() {
            Some(T::Bool(Box::new(move |_| Some(b))))
        } else if let Ok(i) = d.as_int() {
            let x = i as f64;
            (x.abs() < EXACT).then(|| T::Int(Box::new(move |_| Some(x))))
        } else if let Ok(f) = d.as_float() {
            Some(T::Float(Box::new(move |_| Some(f))))
        } else {
            None
        }
    }

    fn expr(&mut self, e: &Expr) -> Option<T> {
        match e {
            Expr::BoolConstant(b, _) => Self::constant(&Dynamic::from_bool(*b)),
            Expr::IntegerConstant(i, _) => Self::constant(&Dynamic::from_int(*i)),
            Expr::FloatConstant(f, _) => Self::constant(&Dynamic::from_float(**f)),
            Expr::DynamicConstant(d, _) => Self::constant(d),
            Expr::Variable(v, _, _) => match v.1.as_str() {
                "P" if self.lookup("P").is_none() => Some(T::Float(Box::new(|e| Some(e.cx.max)))),
                name => {
                    let (slot, ty, _) = self.lookup(name)?;
                    Some(match ty {
                        Ty::Bool => T::Bool(Box::new(move |e| Some(e.locals[slot] != 0.0))),
                        Ty::List => T::List(slot),
                        ty => T::number(ty, Box::new(move |e| Some(e.locals[slot]))),
                    })
                }
            },
            Expr::Stmt(b) => self.block(b.statements()),
            Expr::And(list, _) | Expr::Or(list, _) => {
                let is_and = matches!(e, Expr::And(..));
                let parts: Option<Vec<BoolFn>> =
                    list.iter().map(|x| self.expr(x)?.bool()).collect();
                let parts = parts?;
                Some(T::Bool(Box::new(move |e| {
                    for p in &parts {
                        if p(e)? != is_and {
                            return Some(!is_and);
                        }
                    }
                    Some(is_and)
                })))
            }
            Expr::Dot(b, _, _) => {
                let mut segs = Vec::new();
                segments(&b.rhs, &mut segs)?;
                match &b.lhs {
                    Expr::Variable(v, _, _)
                        if v.1.as_str() == "d" && self.lookup("d").is_none() =>
                    {
                        self.field(&segs)
                    }
                    lhs => {
                        let base = self.expr(lhs)?;
                        self.methods(base, &segs)
                    }
                }
            }
            Expr::FnCall(f, _) => self.call(f),
            _ => None,
        }
    }

    /// `d.a.b…`: the longest dictionary path of a type this tier handles, read from the row,
    /// then `.len()`/`.contains("…")` of a list.
    fn field(&self, segs: &[Seg<'_>]) -> Option<T> {
        let mut path = String::new();
        for (k, seg) in segs.iter().enumerate() {
            let Seg::Prop(p) = seg else { return None };
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(p);
            let Some(&slot) = self.slots.get(&path) else {
                continue;
            };
            let ty = self.slots.ty(slot)?;
            let tag = ty.tag();
            let read = move |e: &mut TEnv<'_>| (e.tags[slot] == tag).then(|| e.row[slot]);
            let base = match ty {
                Ty::Bool => T::Bool(Box::new(move |e| read(e).map(|x| x != 0.0))),
                Ty::List => T::List(slot),
                ty => T::number(ty, Box::new(read)),
            };
            return self.methods(base, &segs[k + 1..]);
        }
        None
    }

    /// [`methods`], noting when a list field's values are read.
    fn methods(&self, base: T, segs: &[Seg<'_>]) -> Option<T> {
        if matches!(base, T::List(_)) && !segs.is_empty() {
            self.lists.set(true);
        }
        methods(base, segs)
    }

    fn args(&mut self, f: &FnCallExpr) -> Option<Vec<T>> {
        f.args.iter().map(|a| self.expr(a)).collect()
    }

    /// A literal array, element by element.
    fn list(&mut self, e: &Expr) -> Option<Vec<T>> {
        match e {
            Expr::Array(items, _) => items.iter().map(|x| self.expr(x)).collect(),
            Expr::DynamicConstant(d, _) => {
                let arr = d.read_lock::<rhai::Array>()?;
                arr.iter().map(Self::constant).collect()
            }
            _ => None,
        }
    }

    /// A literal list of `[threshold, points]` pairs.
    fn pairs(&mut self, e: &Expr) -> Option<Vec<(NumFn, NumFn)>> {
        let pair = |mut two: Vec<T>| -> Option<(NumFn, NumFn)> {
            let b = two.pop()?.num()?;
            let a = two.pop()?.num()?;
            two.is_empty().then_some((a, b))
        };
        match e {
            Expr::Array(items, _) => items.iter().map(|x| pair(self.list(x)?)).collect(),
            Expr::DynamicConstant(d, _) => {
                let arr = d.read_lock::<rhai::Array>()?;
                arr.iter()
                    .map(|x| {
                        let inner = x.read_lock::<rhai::Array>()?;
                        pair(inner.iter().map(Self::constant).collect::<Option<_>>()?)
                    })
                    .collect()
            }
            _ => None,
        }
    }

    fn call(&mut self, f: &FnCallExpr) -> Option<T> {
        let name = f.name.as_str();
        let n = f.args.len();
        match (name, n) {
            ("+" | "-" | "*" | "/" | "%", 2) => self.arith(name, f),
            (_, 2) if cmp_op(name).is_some() => self.compare(cmp_op(name)?, f),
            ("has", 1) => {
                let Expr::StringConstant(path, _) = &f.args[0] else {
                    return None;
                };
                Some(T::Bool(match self.slots.get(path.as_str()).copied() {
                    Some(slot) => Box::new(move |e| Some(e.tags[slot] != 0)),
                    None => Box::new(|_| Some(false)),
                }))
            }
            ("!", 1) => {
                let a = self.expr(&f.args[0])?.bool()?;
                Some(T::Bool(Box::new(move |e| a(e).map(|b| !b))))
            }
            ("-", 1) => Some(match self.expr(&f.args[0])? {
                T::Int(a) => T::Int(Box::new(move |e| int_result(-a(e)?))),
                T::Float(a) => T::Float(Box::new(move |e| a(e).map(|x| -x))),
                _ => return None,
            }),
            ("min" | "max", 2) => {
                let is_min = name == "min";
                let mut args = self.args(f)?;
                let (b, a) = (args.pop()?, args.pop()?);
                let both_int = a.ty()? == Ty::Int && b.ty()? == Ty::Int;
                if !both_int {
                    float_with(a.ty()?, b.ty()?)?;
                }
                let (a, b) = (a.num()?, b.num()?);
                let pick = move |e: &mut TEnv<'_>| {
                    let x = a(e)?;
                    let y = b(e)?;
                    let pick_x = if is_min { x <= y } else { x >= y };
                    Some(if pick_x { x } else { y })
                };
                Some(if both_int {
                    T::Int(Box::new(pick))
                } else {
                    T::Float(Box::new(pick))
                })
            }
            ("each_true" | "count_true", _) => {
                let conds: Vec<BoolFn> = self
                    .list(f.args.first()?)?
                    .into_iter()
                    .map(T::bool)
                    .collect::<Option<_>>()?;
                let len = conds.len();
                let count = move |e: &mut TEnv<'_>| -> Option<usize> {
                    let mut k = 0;
                    for c in &conds {
                        k += usize::from(c(e)?);
                    }
                    Some(k)
                };
                match (name, n) {
                    ("count_true", 1) => Some(T::Int(Box::new(move |e| Some(count(e)? as f64)))),
                    ("each_true", 2) => {
                        let pts = self.expr(&f.args[1])?.num()?;
                        Some(T::Float(Box::new(move |e| {
                            let k = count(e)?;
                            let p = pts(e)?;
                            Some(core::each_true(&mut e.cx, len, k, p))
                        })))
                    }
                    _ => None,
                }
            }
            ("tiers" | "tiers_below", 2) => {
                let v = self.expr(&f.args[0])?.num()?;
                let pairs = self.pairs(&f.args[1])?;
                let below = name == "tiers_below";
                Some(T::Float(Box::new(move |e| {
                    let x = v(e)?;
                    tiers_over(&pairs, e, below, x, |p, e| Some((p.0(e)?, p.1(e)?)))
                })))
            }
            _ => {
                let (h, bool_first) = helper(name, n)?;
                let mut args = self.args(f)?.into_iter();
                let first: NumFn = if bool_first {
                    let c = args.next()?.bool()?;
                    Box::new(move |e| c(e).map(|b| if b { 1.0 } else { 0.0 }))
                } else {
                    args.next()?.num()?
                };
                let rest: Vec<NumFn> = args.map(T::num).collect::<Option<_>>()?;
                Some(T::Float(Box::new(move |e| {
                    let mut vals = [0.0; 4];
                    vals[0] = first(e)?;
                    for (slot, a) in vals[1..].iter_mut().zip(&rest) {
                        *slot = a(e)?;
                    }
                    h(&mut e.cx, &vals[..=rest.len()]).ok()
                })))
            }
        }
    }

    fn arith(&mut self, op: &str, f: &FnCallExpr) -> Option<T> {
        let mut args = self.args(f)?;
        let (b, a) = (args.pop()?, args.pop()?);
        let ints = a.ty()? == Ty::Int && b.ty()? == Ty::Int;
        if !ints {
            float_with(a.ty()?, b.ty()?)?;
        }
        let (a, b) = (a.num()?, b.num()?);
        if ints {
            // Checked as `i64` arithmetic is, within the range where an `f64` is exact.
            return Some(match op {
                "/" => T::Float(Box::new(move |e| {
                    let x = a(e)?;
                    let y = b(e)?;
                    (y != 0.0).then(|| x / y)
                })),
                "%" => T::Int(Box::new(move |e| {
                    let x = a(e)?;
                    let y = b(e)?;
                    if y == 0.0 {
                        return None;
                    }
                    int_result(x % y)
                })),
                _ => {
                    let f: fn(f64, f64) -> f64 = match op {
                        "+" => |x, y| x + y,
                        "-" => |x, y| x - y,
                        _ => |x, y| x * y,
                    };
                    T::Int(Box::new(move |e| {
                        let x = a(e)?;
                        int_result(f(x, b(e)?))
                    }))
                }
            });
        }
        let f: fn(f64, f64) -> f64 = match op {
            "+" => |x, y| x + y,
            "-" => |x, y| x - y,
            "*" => |x, y| x * y,
            "/" => |x, y| x / y,
            _ => |x, y| x % y,
        };
        Some(T::Float(Box::new(move |e| {
            let x = a(e)?;
            Some(f(x, b(e)?))
        })))
    }

    fn compare(&mut self, op: Cmp, f: &FnCallExpr) -> Option<T> {
        let mut args = self.args(f)?;
        let (b, a) = (args.pop()?, args.pop()?);
        Some(T::Bool(match (a, b) {
            (T::Bool(a), T::Bool(b)) => Box::new(move |e| {
                let x = a(e)?;
                Some(ops::ord_cmp(op, x, b(e)?))
            }),
            (T::Int(a), T::Int(b)) => Box::new(move |e| {
                let x = a(e)?;
                Some(ops::ord_cmp(op, x, b(e)?))
            }),
            (a, b) => {
                float_with(a.ty()?, b.ty()?)?;
                let (a, b) = (a.num()?, b.num()?);
                Box::new(move |e| {
                    let x = a(e)?;
                    Some(ops::float_cmp(op, x, b(e)?))
                })
            }
        }))
    }
}

/// `let`/assignment: stores a value in a local (flags as 0/1).
fn store(value: T, slot: usize) -> UnitFn {
    match value {
        T::Int(f) | T::Float(f) | T::Mixed(f) => Box::new(move |e| {
            e.locals[slot] = f(e)?;
            Some(())
        }),
        T::Bool(f) => Box::new(move |e| {
            e.locals[slot] = if f(e)? { 1.0 } else { 0.0 };
            Some(())
        }),
        T::Unit(f) => f,
        T::List(_) => Box::new(|_| Some(())),
    }
}

/// `.len()` and `.contains("…")` of a list field, read in place (no other method is typed).
fn methods(base: T, segs: &[Seg<'_>]) -> Option<T> {
    use crate::types::Value;
    let [rest @ .., Seg::Method(f)] = segs else {
        return segs.is_empty().then_some(base);
    };
    if !rest.is_empty() {
        return None;
    }
    let T::List(slot) = base else { return None };
    fn list<'a>(e: &TEnv<'a>, slot: usize) -> Option<&'a [String]> {
        match e.datums[slot].map(|d| &d.value) {
            Some(Value::List(l)) => Some(l.as_slice()),
            _ => None,
        }
    }
    match (f.name.as_str(), f.args.as_slice()) {
        ("len", []) => Some(T::Int(Box::new(move |e| Some(list(e, slot)?.len() as f64)))),
        ("contains", [Expr::StringConstant(s, _)]) => {
            let s = s.to_string();
            Some(T::Bool(Box::new(move |e| {
                Some(list(e, slot)?.contains(&s))
            })))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::evaluate::CompiledRule;
    use crate::RuleSet;

    fn typed(r: &CompiledRule) -> bool {
        r.fast.as_ref().is_some_and(|p| p.typed.is_some())
    }

    fn peers_like() -> RuleSet {
        let yaml = r#"
ruleset: {id: t, title: 类型, version: "1", total_points: 40}
fields:
  g.r: {type: percent, desc: 完成率}
  g.n: {type: count, desc: 办结数}
  g.t: {type: count, desc: 受理数}
  g.b: {type: bool, desc: 是否建立}
  g.s: {type: text, desc: 说明}
indicators:
  - id: "1"
    name: 甲
    points: 40
    children:
      - {id: "1.1", name: 档次, points: 10, inputs: [g.r], score: "tiers(d.g.r, [[95, P], [90, P / 2]])"}
      - {id: "1.2", name: 扣分, points: 10, inputs: [g.r], score: "deduct_below(d.g.r, 100, 1, 0.5)"}
      - {id: "1.3", name: 比率, points: 10, inputs: [g.n, g.t], score: "tiers(pct_or(d.g.n, d.g.t, 100), [[90, P], [60, P / 2]])"}
      - {id: "1.4", name: 文本, points: 10, inputs: [g.b, g.s], score: "award(d.g.b && d.g.s == \"有\")"}
"#;
        RuleSet::load(&crate::RuleSource::from_documents(vec![(
            "ruleset.yaml".to_string(),
            yaml.to_string(),
        )]))
        .unwrap()
    }

    #[test]
    fn numbers_and_flags_are_typed_texts_are_not() {
        let rules = peers_like();
        let got: Vec<bool> = rules.items.iter().map(|(_, r)| typed(r)).collect();
        assert_eq!(got, [true, true, true, false]);
    }

    #[test]
    fn national_item_rules_are_typed_but_the_date_one() {
        let rules = RuleSet::builtin().unwrap();
        let untyped: Vec<&str> = rules
            .items
            .iter()
            .filter(|(_, r)| !typed(r))
            .map(|(i, _)| rules.model.nodes[*i].id.as_str())
            .collect();
        // 3.3.2 multiplies an integer by a name that is 0 or a ratio (`6 * share`: `Int` times
        // `Mixed`, whose sign of zero and exactness depend on which it is at run time); 8.2.1
        // compares dates (`on_or_before(…, period_date(1, 3, 31))`). The untyped tier runs them.
        assert_eq!(untyped, ["3.3.2", "8.2.1"]);
    }
}
