//! rhai's number operators under fazhi's numeric rule (docs/FORMAT.md, "Numbers"), registered
//! over rhai's built-ins (the engine runs with fast operators off so that these win):
//!
//! - `/` on two whole numbers is real division (`3 / 4` is 0.75, not 0), as a rule author reading
//!   `d.x.done / d.x.total` means it; `/=` likewise. Division of a whole number by 0 stays an
//!   error of the item. Truncation is asked for with `floor(a / b)`.
//! - `==`, `!=`, `<`, `<=`, `>`, `>=` with a fractional number on either side compare through
//!   [`crate::numeric::compare`] (nine significant digits); two whole numbers compare exactly.
//!
//! The fast path (`evaluate::fast::ops`) implements the same semantics; `tests/fast_path.rs` checks both.

use crate::numeric;
use rhai::{Dynamic, Engine, EvalAltResult, FLOAT, INT};
use std::cmp::Ordering;

type R<T> = Result<T, Box<EvalAltResult>>;

/// `a / b` on two whole numbers: the real quotient, an error when `b` is 0.
pub(crate) fn int_div(a: INT, b: INT) -> Result<FLOAT, &'static str> {
    if b == 0 {
        Err("division by zero: a whole number divided by 0; use ratio_or(a, b, z) or pct_or(a, b, z) to say what 0 means")
    } else {
        Ok(a as FLOAT / b as FLOAT)
    }
}

fn cmp_op(name: &str) -> fn(Option<Ordering>) -> bool {
    match name {
        "==" => |o| o == Some(Ordering::Equal),
        "!=" => |o| o != Some(Ordering::Equal),
        "<" => |o| o == Some(Ordering::Less),
        "<=" => |o| matches!(o, Some(Ordering::Less | Ordering::Equal)),
        ">" => |o| o == Some(Ordering::Greater),
        _ => |o| matches!(o, Some(Ordering::Greater | Ordering::Equal)),
    }
}

/// Registers the operators on the engine.
pub(crate) fn register(e: &mut Engine) {
    e.register_fn("/", |a: INT, b: INT| -> R<FLOAT> {
        int_div(a, b).map_err(Into::into)
    });
    // `x /= y` where `x` holds a whole number: the variable becomes the real quotient.
    e.register_fn("/=", |x: &mut Dynamic, y: Dynamic| -> R<()> {
        let q = match (x.as_int(), y.as_int(), x.as_float(), y.as_float()) {
            (Ok(a), Ok(b), ..) => int_div(a, b)?,
            (Ok(a), _, _, Ok(b)) => a as FLOAT / b,
            (_, Ok(b), Ok(a), _) => a / b as FLOAT,
            (_, _, Ok(a), Ok(b)) => a / b,
            _ => {
                return Err(format!(
                    "`/=` needs two numbers, found {} and {}",
                    x.type_name(),
                    y.type_name()
                )
                .into())
            }
        };
        *x = Dynamic::from_float(q);
        Ok(())
    });
    for op in ["==", "!=", "<", "<=", ">", ">="] {
        let f = cmp_op(op);
        e.register_fn(op, move |a: FLOAT, b: FLOAT| f(numeric::compare(a, b)));
        e.register_fn(op, move |a: INT, b: FLOAT| {
            f(numeric::compare(a as FLOAT, b))
        });
        e.register_fn(op, move |a: FLOAT, b: INT| {
            f(numeric::compare(a, b as FLOAT))
        });
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_engine_uses_these_operators() {
        let e = crate::compile::engine();
        let eval = |s: &str| e.eval::<rhai::Dynamic>(s).unwrap();
        // Real division: 7 / 2 = 3.5, 3 / 4 = 0.75 (rhai's own `/` gives 3 and 0).
        assert_eq!(eval("7 / 2").as_float().unwrap(), 3.5);
        assert_eq!(eval("let x = 3; x /= 4; x").as_float().unwrap(), 0.75);
        // Nine significant digits: 56.9999999999 meets 57 (rhai's own `>=` says no); 56.99 does not.
        assert!(eval("56.9999999999 >= 57").as_bool().unwrap());
        assert!(eval("57 <= 56.9999999999").as_bool().unwrap());
        assert!(!eval("56.9999999999 < 57.0").as_bool().unwrap());
        assert!(!eval("56.99 >= 57").as_bool().unwrap());
        // Two whole numbers compare exactly.
        assert!(!eval("999999999999 >= 1000000000000").as_bool().unwrap());
        assert!(e.eval::<rhai::Dynamic>("1 / 0").is_err());
    }
}
