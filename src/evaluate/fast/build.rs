//! Lowering a rhai AST to native closures. Only the subset scoring rules use is lowered: field
//! reads `d.x.y` (to a pre-resolved slot), `P`, literals, arithmetic, comparisons, `&&`/`||`/`!`,
//! `if`/`else`, `let` and assignment to locals, `.len()`/`.contains()` and the scoring helpers.
//! Anything else makes [`lower`] return `None`, and the rule always runs on the interpreter.

use super::ops::{self, Arith, Bail, Cmp, Val, R};
use super::ty::Ty;
use super::{Code, Env, Program};
use crate::helpers::{core, dates, shapes};
use crate::model::FieldSpec;
use crate::types::FieldPath;
use rhai::{ASTFlags, Dynamic, Expr, FnCallExpr, Stmt, AST};
use std::collections::BTreeMap;

/// The slot of every dictionary field, and the type its values have on the typed tier.
#[derive(Debug, Default)]
pub(crate) struct SlotMap {
    by_path: BTreeMap<String, usize>,
    types: Vec<Option<Ty>>,
}

impl SlotMap {
    /// The slots of the dictionary's fields, in its order.
    pub(crate) fn new<'f>(fields: impl Iterator<Item = (&'f FieldPath, &'f FieldSpec)>) -> Self {
        let mut m = SlotMap::default();
        for (i, (f, spec)) in fields.enumerate() {
            m.by_path.insert(f.as_str().to_string(), i);
            m.types.push(Ty::of_field(spec.ty));
        }
        m
    }
    /// The slot of a dotted field path.
    pub(crate) fn get(&self, path: &str) -> Option<&usize> {
        self.by_path.get(path)
    }
    /// The typed tier's type of a slot's values (`None`: texts, dates, lists).
    pub(crate) fn ty(&self, slot: usize) -> Option<Ty> {
        self.types.get(slot).copied().flatten()
    }
}

/// What a closure environment gives a helper: the item's context.
pub(super) trait HasCx {
    fn cx(&mut self) -> &mut core::Cx;
}

impl HasCx for Env<'_> {
    fn cx(&mut self) -> &mut core::Cx {
        &mut self.cx
    }
}

/// `tiers`/`tiers_below` of `x` over a lowered table: each pair evaluated by `pair` into a
/// buffer on the stack (the heap past eight tiers), then the shared helper.
pub(super) fn tiers_over<P, E: HasCx>(
    pairs: &[P],
    env: &mut E,
    below: bool,
    x: f64,
    mut pair: impl FnMut(&P, &mut E) -> Option<(f64, f64)>,
) -> Option<f64> {
    let mut ts = [(0.0, 0.0); 8];
    let mut heap = Vec::new();
    let ts: &mut [(f64, f64)] = if pairs.len() <= ts.len() {
        &mut ts[..pairs.len()]
    } else {
        heap.resize(pairs.len(), (0.0, 0.0));
        &mut heap
    };
    for (slot, p) in ts.iter_mut().zip(pairs) {
        *slot = pair(p, env)?;
    }
    let cx = env.cx();
    Some(if below {
        core::tiers_below(cx, x, ts)
    } else {
        core::tiers(cx, x, ts)
    })
}

/// A helper whose arguments are all numbers, except a condition first (`award`), given as 1/0.
pub(super) type NumHelper = crate::helpers::registry::Lowered;

/// The helpers of that kind by name and number of arguments, and whether the first is a
/// condition: read from the one helper table (`helpers::registry`), for both tiers of the fast
/// path.
pub(super) fn helper(name: &str, n: usize) -> Option<(NumHelper, bool)> {
    crate::helpers::registry::lowered(name, n)
}

struct Lower<'m> {
    slots: &'m SlotMap,
    strings: Vec<Box<str>>,
    /// Names in scope: (name, local slot, constant).
    scopes: Vec<Vec<(String, usize, bool)>>,
    locals: usize,
}

/// Lowers a compiled rule to the untyped tier, or `None` when it uses anything outside the
/// subset.
pub(super) fn lower(ast: &AST, slots: &SlotMap) -> Option<Program> {
    if ast.has_functions() {
        return None;
    }
    let mut l = Lower {
        slots,
        strings: Vec::new(),
        scopes: Vec::new(),
        locals: 0,
    };
    let code = l.block(ast.statements())?;
    Some(Program {
        typed: None,
        code,
        strings: l.strings,
        locals: l.locals,
    })
}

fn boxed(f: impl for<'a> Fn(&mut Env<'a>) -> R<Val<'a>> + Send + Sync + 'static) -> Code {
    Box::new(f)
}

/// A constant (texts are interned separately, see `Lower::string`).
fn constant(v: Val<'static>) -> Code {
    match v {
        Val::Bool(b) => boxed(move |_| Ok(Val::Bool(b))),
        Val::Int(i) => boxed(move |_| Ok(Val::Int(i))),
        Val::Float(f) => boxed(move |_| Ok(Val::Float(f))),
        _ => boxed(|_| Ok(Val::Unit)),
    }
}

/// The segments after `d.` or a name: properties, then methods.
pub(super) enum Seg<'e> {
    Prop(&'e str),
    Method(&'e FnCallExpr),
}

/// The segments of the right-hand side of a `.` chain, in order (`None` for anything else).
pub(super) fn segments<'e>(e: &'e Expr, out: &mut Vec<Seg<'e>>) -> Option<()> {
    match e {
        Expr::Property(p, _) => out.push(Seg::Prop(p.2.as_str())),
        Expr::MethodCall(f, _) => out.push(Seg::Method(f)),
        Expr::Dot(b, _, _) => {
            segments(&b.lhs, out)?;
            segments(&b.rhs, out)?;
        }
        _ => return None,
    }
    Some(())
}

impl Lower<'_> {
    fn block(&mut self, stmts: &[Stmt]) -> Option<Code> {
        self.scopes.push(Vec::new());
        let codes: Option<Vec<Code>> = stmts.iter().map(|s| self.stmt(s)).collect();
        self.scopes.pop();
        let mut codes = codes?;
        Some(match codes.len() {
            0 => constant(Val::Unit),
            1 => codes.pop()?,
            _ => boxed(move |env| {
                let mut v = Val::Unit;
                for c in &codes {
                    v = c(env)?;
                }
                Ok(v)
            }),
        })
    }

    fn lookup(&self, name: &str) -> Option<(usize, bool)> {
        self.scopes
            .iter()
            .rev()
            .flat_map(|s| s.iter().rev())
            .find(|(n, _, _)| n == name)
            .map(|(_, slot, c)| (*slot, *c))
    }

    fn stmt(&mut self, s: &Stmt) -> Option<Code> {
        match s {
            Stmt::Noop(_) => Some(constant(Val::Unit)),
            Stmt::Expr(e) => self.expr(e),
            Stmt::FnCall(f, _) => self.call(f),
            Stmt::Block(b) => self.block(b.statements()),
            Stmt::If(flow, _) => {
                let cond = self.expr(&flow.expr)?;
                let yes = self.block(flow.body.statements())?;
                let no = self.block(flow.branch.statements())?;
                Some(boxed(move |env| {
                    if cond(env)?.bool()? {
                        yes(env)
                    } else {
                        no(env)
                    }
                }))
            }
            Stmt::Var(x, flags, _) => {
                let (ident, init, _) = &**x;
                let value = self.expr(init)?;
                let slot = self.locals;
                self.locals += 1;
                let constant = flags.contains(ASTFlags::CONSTANT);
                self.scopes
                    .last_mut()?
                    .push((ident.name.to_string(), slot, constant));
                Some(boxed(move |env| {
                    let v = value(env)?;
                    env.locals[slot] = v;
                    Ok(Val::Unit)
                }))
            }
            Stmt::Assignment(x) => {
                let (op, bin) = &**x;
                if op.is_op_assignment() {
                    return None;
                }
                let Expr::Variable(v, _, _) = &bin.lhs else {
                    return None;
                };
                let (slot, constant) = self.lookup(v.1.as_str())?;
                if constant {
                    return None;
                }
                let value = self.expr(&bin.rhs)?;
                Some(boxed(move |env| {
                    let v = value(env)?;
                    env.locals[slot] = v;
                    Ok(Val::Unit)
                }))
            }
            _ => None,
        }
    }

    fn string(&mut self, s: &str) -> Code {
        let i = self.strings.len();
        self.strings.push(s.into());
        boxed(move |env| Ok(Val::Str(&env.strings[i])))
    }

    fn dynamic(&mut self, d: &Dynamic) -> Option<Code> {
        if let Ok(b) = d.as_bool() {
            Some(constant(Val::Bool(b)))
        } else if let Ok(i) = d.as_int() {
            Some(constant(Val::Int(i)))
        } else if let Ok(f) = d.as_float() {
            Some(constant(Val::Float(f)))
        } else if d.is_string() {
            let s = d.clone().into_immutable_string().ok()?;
            Some(self.string(&s))
        } else {
            None
        }
    }

    fn expr(&mut self, e: &Expr) -> Option<Code> {
        match e {
            Expr::BoolConstant(b, _) => Some(constant(Val::Bool(*b))),
            Expr::IntegerConstant(i, _) => Some(constant(Val::Int(*i))),
            Expr::FloatConstant(f, _) => Some(constant(Val::Float(**f))),
            Expr::StringConstant(s, _) => Some(self.string(s)),
            Expr::Unit(_) => Some(constant(Val::Unit)),
            Expr::DynamicConstant(d, _) => self.dynamic(d),
            Expr::Variable(v, _, _) => match v.1.as_str() {
                "P" if self.lookup("P").is_none() => Some(boxed(|env| Ok(Val::Float(env.cx.max)))),
                name => {
                    let (slot, _) = self.lookup(name)?;
                    Some(boxed(move |env| Ok(env.locals[slot].clone())))
                }
            },
            Expr::Stmt(b) => self.block(b.statements()),
            Expr::And(list, _) | Expr::Or(list, _) => {
                let is_and = matches!(e, Expr::And(..));
                let parts: Option<Vec<Code>> = list.iter().map(|x| self.expr(x)).collect();
                let parts = parts?;
                Some(boxed(move |env| {
                    for p in &parts {
                        if p(env)?.bool()? != is_and {
                            return Ok(Val::Bool(!is_and));
                        }
                    }
                    Ok(Val::Bool(is_and))
                }))
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
            Expr::InterpolatedString(parts, _) => {
                let parts: Option<Vec<Code>> = parts.iter().map(|x| self.expr(x)).collect();
                let parts = parts?;
                Some(boxed(move |env| {
                    let mut out = String::new();
                    for p in &parts {
                        match p(env)? {
                            Val::Int(i) => out.push_str(&i.to_string()),
                            v => out.push_str(v.str().ok_or(Bail)?),
                        }
                    }
                    Ok(Val::Text(out.into()))
                }))
            }
            _ => None,
        }
    }

    /// `d.a.b…` followed by methods: the longest dictionary path, then `.len()`/`.contains()`.
    fn field(&mut self, segs: &[Seg]) -> Option<Code> {
        let mut path = String::new();
        for (k, s) in segs.iter().enumerate() {
            let Seg::Prop(p) = s else { return None };
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(p);
            if let Some(&slot) = self.slots.get(&path) {
                let read = boxed(move |env| match &env.fields[slot] {
                    Some(v) => Ok(v.clone()),
                    // A missing optional input: rhai reads () here; let it decide.
                    None => Err(Bail),
                });
                return self.methods(read, &segs[k + 1..]);
            }
        }
        None
    }

    fn methods(&mut self, mut base: Code, segs: &[Seg]) -> Option<Code> {
        for s in segs {
            let Seg::Method(f) = s else { return None };
            base = match (f.name.as_str(), f.args.as_slice()) {
                ("len", []) => boxed(move |env| match base(env)? {
                    Val::List(l) => Ok(Val::Int(l.len() as i64)),
                    _ => Err(Bail),
                }),
                ("contains", [arg]) => {
                    let arg = self.expr(arg)?;
                    boxed(move |env| match (base(env)?, arg(env)?) {
                        (Val::List(l), s) => match s.str() {
                            Some(s) => Ok(Val::Bool(l.iter().any(|x| x == s))),
                            None => Err(Bail),
                        },
                        _ => Err(Bail),
                    })
                }
                _ => return None,
            };
        }
        Some(base)
    }

    fn args(&mut self, f: &FnCallExpr) -> Option<Vec<Code>> {
        f.args.iter().map(|a| self.expr(a)).collect()
    }

    /// A literal array whose elements are lowered one by one (helpers' condition lists).
    fn list(&mut self, e: &Expr) -> Option<Vec<Code>> {
        match e {
            Expr::Array(items, _) => items.iter().map(|x| self.expr(x)).collect(),
            Expr::DynamicConstant(d, _) => {
                let arr = d.read_lock::<rhai::Array>()?;
                let items: Vec<Dynamic> = arr.iter().cloned().collect();
                drop(arr);
                items.iter().map(|x| self.dynamic(x)).collect()
            }
            _ => None,
        }
    }

    /// A literal list of `[threshold, points]` pairs.
    fn pairs(&mut self, e: &Expr) -> Option<Vec<(Code, Code)>> {
        let pair = |l: &mut Self, x: &Expr| -> Option<(Code, Code)> {
            let mut two = l.list(x)?;
            if two.len() != 2 {
                return None;
            }
            let b = two.pop()?;
            Some((two.pop()?, b))
        };
        match e {
            Expr::Array(items, _) => items.iter().map(|x| pair(self, x)).collect(),
            Expr::DynamicConstant(d, _) => {
                let arr = d.read_lock::<rhai::Array>()?;
                let items: Vec<Dynamic> = arr.iter().cloned().collect();
                drop(arr);
                items
                    .iter()
                    .map(|x| {
                        pair(
                            self,
                            &Expr::DynamicConstant(Box::new(x.clone()), rhai::Position::NONE),
                        )
                    })
                    .collect()
            }
            _ => None,
        }
    }

    fn call(&mut self, f: &FnCallExpr) -> Option<Code> {
        let name = f.name.as_str();
        let n = f.args.len();
        if let Some(op) = arith_op(name).filter(|_| n == 2) {
            let (a, b) = self.two(f)?;
            return Some(boxed(move |env| {
                let x = a(env)?;
                ops::arith(op, x, b(env)?)
            }));
        }
        if let Some(op) = cmp_op(name).filter(|_| n == 2) {
            let (a, b) = self.two(f)?;
            return Some(boxed(move |env| {
                let x = a(env)?;
                ops::compare(op, x, b(env)?).map(Val::Bool)
            }));
        }
        match (name, n) {
            ("!", 1) => {
                let a = self.args(f)?.pop()?;
                Some(boxed(move |env| Ok(Val::Bool(!a(env)?.bool()?))))
            }
            ("-", 1) => {
                let a = self.args(f)?.pop()?;
                Some(boxed(move |env| ops::neg(a(env)?)))
            }
            ("min" | "max", 2) => {
                let is_min = name == "min";
                let (a, b) = self.two(f)?;
                Some(boxed(move |env| {
                    let x = a(env)?;
                    ops::min_max(is_min, x, b(env)?)
                }))
            }
            ("has", 1) => {
                let Expr::StringConstant(s, _) = &f.args[0] else {
                    return None;
                };
                match self.slots.get(s.as_str()).copied() {
                    Some(slot) => Some(boxed(move |env| Ok(Val::Bool(env.fields[slot].is_some())))),
                    None => Some(constant(Val::Bool(false))),
                }
            }
            ("each_true" | "count_true", _) => {
                let conds = self.list(f.args.first()?)?;
                let len = conds.len();
                if name == "count_true" {
                    if n != 1 {
                        return None;
                    }
                    return Some(boxed(move |env| Ok(Val::Int(count(&conds, env)? as i64))));
                }
                if n != 2 {
                    return None;
                }
                let pts = self.expr(&f.args[1])?;
                Some(boxed(move |env| {
                    let k = count(&conds, env)?;
                    let p = pts(env)?.num()?;
                    Ok(Val::Float(core::each_true(&mut env.cx, len, k, p)))
                }))
            }
            ("tiers" | "tiers_below", 2) => {
                let v = self.expr(&f.args[0])?;
                let pairs = self.pairs(&f.args[1])?;
                let below = name == "tiers_below";
                Some(boxed(move |env| {
                    let x = v(env)?.num()?;
                    tiers_over(&pairs, env, below, x, |(t, p), env| {
                        let t = t(env).ok()?.num().ok()?;
                        Some((t, p(env).ok()?.num().ok()?))
                    })
                    .map(Val::Float)
                    .ok_or(Bail)
                }))
            }
            ("days_between" | "on_or_before", 2) => {
                let (a, b) = self.two(f)?;
                let between = name == "days_between";
                Some(boxed(move |env| {
                    let x = a(env)?;
                    let y = b(env)?;
                    let (x, y) = (x.str().ok_or(Bail)?, y.str().ok_or(Bail)?);
                    if between {
                        dates::days_between(&mut env.cx, x, y).map(Val::Int)
                    } else {
                        dates::on_or_before(&mut env.cx, x, y).map(Val::Bool)
                    }
                    .map_err(|_| Bail)
                }))
            }
            ("discretion", 2 | 3) => {
                // A missing field (not entered) reads as a bail, and the interpreter, which
                // sees (), decides: so only present values are handled here.
                let args = self.args(f)?;
                Some(boxed(move |env| {
                    let v = args[0](env)?.num()?;
                    let max = args[1](env)?.num()?;
                    let reason = match args.get(2) {
                        Some(r) => Some(r(env)?),
                        None => None,
                    };
                    let reason = match &reason {
                        Some(r) => Some(r.str().ok_or(Bail)?),
                        None => None,
                    };
                    shapes::discretion(&mut env.cx, Some(v), max, reason)
                        .map(Val::Float)
                        .map_err(|_| Bail)
                }))
            }
            ("period_start" | "period_end", 0) => {
                let start = name == "period_start";
                Some(boxed(move |env| {
                    let d = if start {
                        dates::period_start(&env.cx)
                    } else {
                        dates::period_end(&env.cx)
                    };
                    d.map(|d| Val::Text(d.into())).map_err(|_| Bail)
                }))
            }
            ("period_date", 3) => {
                let args = self.args(f)?;
                Some(boxed(move |env| {
                    let mut v = [0_i64; 3];
                    for (slot, a) in v.iter_mut().zip(&args) {
                        match a(env)? {
                            Val::Int(i) => *slot = i,
                            _ => return Err(Bail),
                        }
                    }
                    dates::period_date(&env.cx, v[0], v[1], v[2])
                        .map(|d| Val::Text(d.into()))
                        .map_err(|_| Bail)
                }))
            }
            _ => self.numeric_helper(f),
        }
    }

    fn two(&mut self, f: &FnCallExpr) -> Option<(Code, Code)> {
        let mut a = self.args(f)?;
        let b = a.pop()?;
        Some((a.pop()?, b))
    }

    /// Helpers whose arguments are all numbers (except `award`'s condition): [`helper`].
    fn numeric_helper(&mut self, f: &FnCallExpr) -> Option<Code> {
        let args = self.args(f)?;
        let (h, bool_first) = helper(f.name.as_str(), args.len())?;
        Some(boxed(move |env| {
            let mut vals = [0.0; 4];
            for (k, (slot, a)) in vals.iter_mut().zip(&args).enumerate() {
                let v = a(env)?;
                *slot = if k == 0 && bool_first {
                    f64::from(u8::from(v.bool()?))
                } else {
                    v.num()?
                };
            }
            h(&mut env.cx, &vals[..args.len()])
                .map(Val::Float)
                .map_err(|_| Bail)
        }))
    }
}

fn count(conds: &[Code], env: &mut Env<'_>) -> R<usize> {
    let mut k = 0;
    for c in conds {
        k += usize::from(c(env)?.bool()?);
    }
    Ok(k)
}

fn arith_op(name: &str) -> Option<Arith> {
    Some(match name {
        "+" => Arith::Add,
        "-" => Arith::Sub,
        "*" => Arith::Mul,
        "/" => Arith::Div,
        "%" => Arith::Rem,
        _ => return None,
    })
}

pub(super) fn cmp_op(name: &str) -> Option<Cmp> {
    Some(match name {
        "==" => Cmp::Eq,
        "!=" => Cmp::Ne,
        "<" => Cmp::Lt,
        "<=" => Cmp::Le,
        ">" => Cmp::Gt,
        ">=" => Cmp::Ge,
        _ => return None,
    })
}
