//! The values of the fast path and fazhi's semantics for them (as the interpreter has them, see
//! `helpers::numbers`): integer arithmetic is checked, `/` on two integers is real division,
//! mixed integer/float arithmetic is float, comparisons with a float on either side follow
//! [`crate::numeric::compare`] (nine significant digits). Any
//! combination not listed here (strings added, a missing field, a type error) is a [`Bail`]: the
//! rule is run by the rhai interpreter instead, which gives the exact result or error.

use crate::types::Value;

/// The fast path gives up on this rule for this county; the interpreter decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Bail;

/// A value during fast evaluation: borrowed from the county or the rule, allocated only for a
/// text built at run time (a template string).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val<'a> {
    Unit,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'a str),
    Text(std::rc::Rc<str>),
    List(&'a [String]),
}

pub(crate) type R<T> = Result<T, Bail>;

impl<'a> Val<'a> {
    /// A county value as rhai sees it (`d.x.y`).
    pub(crate) fn of(v: &'a Value) -> Val<'a> {
        match v {
            Value::Bool(b) => Val::Bool(*b),
            Value::Int(i) => Val::Int(*i),
            Value::Number(f) => Val::Float(*f),
            Value::Text(s) => Val::Str(s),
            Value::List(l) => Val::List(l),
            // issue 27 shape 5: a rule reading records runs on the interpreter (see `Dense`).
            Value::Records(_) => Val::Unit,
        }
    }
    /// A number argument of a helper (`num()` in the interpreter).
    pub(crate) fn num(&self) -> R<f64> {
        match self {
            Val::Int(i) => Ok(*i as f64),
            Val::Float(f) => Ok(*f),
            _ => Err(Bail),
        }
    }
    pub(crate) fn bool(&self) -> R<bool> {
        match self {
            Val::Bool(b) => Ok(*b),
            _ => Err(Bail),
        }
    }
    /// The value as text, when it is one.
    pub(crate) fn str(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s),
            Val::Text(s) => Some(s),
            _ => None,
        }
    }
}

/// A binary arithmetic operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Arith {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

pub(crate) fn arith<'a>(op: Arith, a: Val<'a>, b: Val<'a>) -> R<Val<'a>> {
    match (&a, &b) {
        (&Val::Int(x), &Val::Int(y)) => {
            let r = match op {
                Arith::Add => x.checked_add(y),
                Arith::Sub => x.checked_sub(y),
                Arith::Mul => x.checked_mul(y),
                // Real division, as `helpers::numbers` registers it (0 divisor: the
                // interpreter words the error).
                Arith::Div => {
                    return crate::helpers::numbers::int_div(x, y)
                        .map(Val::Float)
                        .map_err(|_| Bail)
                }
                Arith::Rem if y == 0 => None,
                Arith::Rem => x.checked_rem(y),
            };
            r.map(Val::Int).ok_or(Bail)
        }
        (Val::Int(_) | Val::Float(_), Val::Int(_) | Val::Float(_)) => {
            let (x, y) = (a.num()?, b.num()?);
            Ok(Val::Float(match op {
                Arith::Add => x + y,
                Arith::Sub => x - y,
                Arith::Mul => x * y,
                Arith::Div => x / y,
                Arith::Rem => x % y,
            }))
        }
        _ => Err(Bail),
    }
}

pub(crate) fn neg(a: Val<'_>) -> R<Val<'_>> {
    match a {
        Val::Int(x) => x.checked_neg().map(Val::Int).ok_or(Bail),
        Val::Float(f) => Ok(Val::Float(-f)),
        _ => Err(Bail),
    }
}

/// A comparison with a float on either side: [`crate::numeric::compare`].
pub(crate) fn float_cmp(op: Cmp, x: f64, y: f64) -> bool {
    use std::cmp::Ordering::*;
    let o = crate::numeric::compare(x, y);
    match op {
        Cmp::Eq => o == Some(Equal),
        Cmp::Ne => o != Some(Equal),
        Cmp::Gt => o == Some(Greater),
        Cmp::Ge => matches!(o, Some(Greater | Equal)),
        Cmp::Lt => o == Some(Less),
        Cmp::Le => matches!(o, Some(Less | Equal)),
    }
}

pub(crate) fn ord_cmp<T: PartialOrd>(op: Cmp, x: T, y: T) -> bool {
    match op {
        Cmp::Eq => x == y,
        Cmp::Ne => x != y,
        Cmp::Lt => x < y,
        Cmp::Le => x <= y,
        Cmp::Gt => x > y,
        Cmp::Ge => x >= y,
    }
}

pub(crate) fn compare(op: Cmp, a: Val<'_>, b: Val<'_>) -> R<bool> {
    match (&a, &b) {
        (Val::Int(x), Val::Int(y)) => Ok(ord_cmp(op, x, y)),
        (Val::Int(_) | Val::Float(_), Val::Int(_) | Val::Float(_)) => {
            Ok(float_cmp(op, a.num()?, b.num()?))
        }
        (Val::Bool(x), Val::Bool(y)) => Ok(ord_cmp(op, x, y)),
        (x, y) => match (x.str(), y.str()) {
            (Some(x), Some(y)) => Ok(ord_cmp(op, x, y)),
            _ => Err(Bail),
        },
    }
}

/// rhai's `min`/`max` for numbers: `(INT, INT) → INT`, otherwise float, as its math package has
/// them (an exact-type function wins over the `Dynamic` helpers registered by fazhi).
pub(crate) fn min_max<'a>(is_min: bool, a: Val<'a>, b: Val<'a>) -> R<Val<'a>> {
    match (&a, &b) {
        (&Val::Int(x), &Val::Int(y)) => Ok(Val::Int(if (x <= y) == is_min { x } else { y })),
        (Val::Int(_) | Val::Float(_), Val::Int(_) | Val::Float(_)) => {
            let (x, y) = (a.num()?, b.num()?);
            let pick_x = if is_min { x <= y } else { x >= y };
            Ok(Val::Float(if pick_x { x } else { y }))
        }
        _ => Err(Bail),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_checked_and_mixed_is_float() {
        assert_eq!(
            arith(Arith::Div, Val::Int(7), Val::Int(2)),
            Ok(Val::Float(3.5))
        );
        assert_eq!(arith(Arith::Div, Val::Int(7), Val::Int(0)), Err(Bail));
        assert_eq!(
            arith(Arith::Add, Val::Int(i64::MAX), Val::Int(1)),
            Err(Bail)
        );
        assert_eq!(
            arith(Arith::Div, Val::Int(7), Val::Float(2.0)),
            Ok(Val::Float(3.5))
        );
        assert_eq!(arith(Arith::Add, Val::Str("a"), Val::Str("b")), Err(Bail));
    }

    #[test]
    fn float_comparison_follows_the_numeric_rule() {
        let a = 0.1 + 0.2;
        // pct(57, 100) is 56.99999999999999 in floats, 57 by hand.
        let p = 100.0 * (57.0 / 100.0);
        assert!(compare(Cmp::Ge, Val::Float(p), Val::Int(57)).unwrap());
        assert!(!compare(Cmp::Lt, Val::Float(p), Val::Int(57)).unwrap());
        assert!(compare(Cmp::Lt, Val::Float(56.99), Val::Int(57)).unwrap());
        assert!(compare(Cmp::Eq, Val::Float(a), Val::Float(0.3)).unwrap());
        assert!(!compare(Cmp::Lt, Val::Float(0.3), Val::Float(a)).unwrap());
        assert!(compare(Cmp::Ge, Val::Int(0), Val::Float(0.0)).unwrap());
        assert!(compare(Cmp::Le, Val::Str("2021-03-31"), Val::Str("2021-04-01")).unwrap());
        assert_eq!(compare(Cmp::Eq, Val::Int(1), Val::Str("1")), Err(Bail));
    }

    #[test]
    fn min_max_keep_integers() {
        assert_eq!(min_max(true, Val::Int(3), Val::Int(2)), Ok(Val::Int(2)));
        assert_eq!(
            min_max(false, Val::Int(3), Val::Float(2.5)),
            Ok(Val::Float(3.0))
        );
    }
}
