//! Making synthetic data meet the rule set's data checks, as far as their shape allows.
//!
//! A check's `expect` is read as text. Four shapes are understood (they cover 44 of the 46 checks
//! of national-2021, counting each `&&` part on its own):
//!
//! - `d.a + d.b + … == d.t` (either side a single field): the single field is set to the sum, so
//!   totals equal their parts;
//! - `d.a <= d.b` (or `>=`, `<`, `>`; either side may be a sum, or a number): a part is drawn as a
//!   share of its total (all of it in strong counties, less in weak ones; a part that is best at 0,
//!   such as corrections or problems, is only capped at the total), a sum of parts raises its total,
//!   and a field is capped by a number;
//! - `let computed = pct(d.n, d.t); … d.r …` with one more field `d.r`: the rate `r` is set to
//!   `100 × n / t` (two decimals; 0 when `t` is 0, as `pct` has it).
//!
//! - `d.flag || !d.b`, `d.flag || d.b == 0`, `d.flag || d.b == ""`: when the flag is false, `b`
//!   is made false, 0, or left out.
//!
//! Anything else (template strings, rates over a computed denominator) is left alone, and a synthetic county may then get that check's warning.

use super::{values::Ideal, FieldPlan};
use crate::model::FieldType;
use crate::types::FieldPath;
use crate::types::Value;
use std::collections::BTreeMap;

/// One term of a sum: a field or a number.
#[derive(Debug, Clone, PartialEq)]
pub enum Term {
    /// `d.path`.
    Field(FieldPath),
    /// A number.
    Number(f64),
}

/// A relation the generator keeps between fields.
#[derive(Debug, Clone, PartialEq)]
pub enum Relation {
    /// The two sums are equal.
    Equal(Vec<Term>, Vec<Term>),
    /// The left sum is at most the right sum.
    AtMost(Vec<Term>, Vec<Term>),
    /// `d.flag || …`: when the bool `flag` is false, the other field is made to agree.
    Unless(FieldPath, Fallback),
    /// `rate` is `100 × num / den`.
    Rate {
        /// The percent field.
        rate: FieldPath,
        /// The numerator.
        num: FieldPath,
        /// The denominator.
        den: FieldPath,
    },
}

/// What `d.flag || …` asks of the other field when the flag is false.
#[derive(Debug, Clone, PartialEq)]
pub enum Fallback {
    /// `!d.b`: `b` is false.
    False(FieldPath),
    /// `d.b == 0`: `b` is 0.
    Zero(FieldPath),
    /// `d.b == ""`: `b` is not given (left out of the data).
    Absent(FieldPath),
}

/// The relations of one `expect` expression (none when its shape is not understood).
pub fn parse(expect: &str) -> Vec<Relation> {
    let text = expect.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.contains("let ") {
        return parse_rate(&text).into_iter().collect();
    }
    if let Some((a, b)) = text.split_once("||") {
        return parse_unless(a.trim(), b.trim()).into_iter().collect();
    }
    if text.contains('!') && !text.contains("!=") || text.contains('`') {
        return Vec::new();
    }
    text.split("&&").filter_map(parse_comparison).collect()
}

fn field(t: &str) -> Option<FieldPath> {
    let f = t.trim().strip_prefix("d.")?;
    f.chars()
        .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
        .then(|| FieldPath::new(f))
}

fn parse_unless(a: &str, b: &str) -> Option<Relation> {
    let flag = field(a)?;
    let fallback = if let Some(f) = b.strip_prefix('!') {
        Fallback::False(field(f)?)
    } else {
        let (f, v) = b.split_once("==")?;
        match v.trim() {
            "0" => Fallback::Zero(field(f)?),
            "\"\"" => Fallback::Absent(field(f)?),
            _ => return None,
        }
    };
    Some(Relation::Unless(flag, fallback))
}

fn parse_comparison(part: &str) -> Option<Relation> {
    for op in ["<=", ">=", "==", "<", ">"] {
        if let Some((l, r)) = part.split_once(op) {
            let (l, r) = (sum(l)?, sum(r)?);
            return Some(match op {
                "==" => Relation::Equal(l, r),
                "<=" | "<" => Relation::AtMost(l, r),
                _ => Relation::AtMost(r, l),
            });
        }
    }
    None
}

fn sum(side: &str) -> Option<Vec<Term>> {
    side.split('+')
        .map(|t| {
            let t = t.trim().trim_matches(|c| c == '(' || c == ')').trim();
            match t.strip_prefix("d.") {
                Some(f)
                    if f.chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '.') =>
                {
                    Some(Term::Field(FieldPath::new(f)))
                }
                Some(_) => None,
                None => t.parse::<f64>().ok().map(Term::Number),
            }
        })
        .collect()
}

fn parse_rate(text: &str) -> Option<Relation> {
    let start = text.find("pct(d.")? + 4;
    let end = start + text[start..].find(')')?;
    let (num, den) = text[start..end].split_once(',')?;
    let (num, den) = (
        num.trim().strip_prefix("d.")?,
        den.trim().strip_prefix("d.")?,
    );
    let mut others: Vec<&str> = text
        .match_indices("d.")
        .filter(|(i, _)| {
            *i == 0
                || !text.as_bytes()[i - 1].is_ascii_alphanumeric() && text.as_bytes()[i - 1] != b'_'
        })
        .map(|(i, _)| {
            let rest = &text[i + 2..];
            let n = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
                .unwrap_or(rest.len());
            &rest[..n]
        })
        .filter(|f| *f != num && *f != den)
        .collect();
    others.dedup();
    match others.as_slice() {
        [rate] => Some(Relation::Rate {
            rate: FieldPath::new(*rate),
            num: FieldPath::new(num),
            den: FieldPath::new(den),
        }),
        _ => None,
    }
}

fn plan<'a>(plans: &'a [FieldPlan], f: &FieldPath) -> Option<&'a FieldPlan> {
    plans
        .binary_search_by(|p| p.path.cmp(f))
        .ok()
        .map(|i| &plans[i])
}

fn get(values: &BTreeMap<FieldPath, Value>, t: &Term) -> Option<f64> {
    match t {
        Term::Field(f) => values.get(f).and_then(Value::as_f64),
        Term::Number(x) => Some(*x),
    }
}

fn total(values: &BTreeMap<FieldPath, Value>, terms: &[Term]) -> Option<f64> {
    terms.iter().map(|t| get(values, t)).sum()
}

/// Writes `x` into a numeric field, in its type and within its bounds.
fn set(values: &mut BTreeMap<FieldPath, Value>, plans: &[FieldPlan], f: &FieldPath, x: f64) {
    let Some(p) = plan(plans, f) else { return };
    let (lo, hi) = p.spec.bounds();
    let x = hi.map_or(x, |h| x.min(h));
    let x = lo.map_or(x, |l| x.max(l));
    let v = match p.spec.ty {
        FieldType::Count => Value::Int(x.round() as i64),
        t if t.is_numeric() => Value::Number((x * 100.0).round() / 100.0),
        _ => return,
    };
    if values.contains_key(f) {
        values.insert(f.clone(), v);
    }
}

impl Relation {
    /// Makes the relation hold in one county's values (fields that are missing are left alone).
    pub(super) fn enforce(
        &self,
        values: &mut BTreeMap<FieldPath, Value>,
        quality: &BTreeMap<FieldPath, f64>,
        plans: &[FieldPlan],
    ) {
        match self {
            Relation::Equal(l, r) => {
                let (target, parts) = match (l.as_slice(), r.as_slice()) {
                    ([Term::Field(f)], parts) => (f, parts),
                    (parts, [Term::Field(f)]) => (f, parts),
                    _ => return,
                };
                if let Some(s) = total(values, parts) {
                    set(values, plans, target, s);
                }
            }
            Relation::AtMost(l, r) => {
                let (Some(a), Some(b)) = (total(values, l), total(values, r)) else {
                    return;
                };
                match (l.as_slice(), r.as_slice()) {
                    ([Term::Field(part)], [Term::Field(_)]) => {
                        let q = quality.get(part).copied().unwrap_or(0.5);
                        let best_low =
                            plan(plans, part).is_some_and(|p| matches!(p.ideal, Ideal::AtMost(_)));
                        let x = if best_low {
                            a.min(b)
                        } else if q > 0.45 {
                            b
                        } else {
                            (b * (0.5 + q)).floor()
                        };
                        set(values, plans, part, x);
                    }
                    ([Term::Field(f)], [Term::Number(_)]) if a > b => set(values, plans, f, b),
                    (_, [Term::Field(whole)]) if a > b => set(values, plans, whole, a),
                    _ => {}
                }
            }
            Relation::Unless(flag, fallback) => {
                if values.get(flag) != Some(&Value::Bool(false)) {
                    return;
                }
                match fallback {
                    Fallback::False(f) => {
                        if values.contains_key(f) {
                            values.insert(f.clone(), Value::Bool(false));
                        }
                    }
                    Fallback::Zero(f) => set(values, plans, f, 0.0),
                    Fallback::Absent(f) => {
                        values.remove(f);
                    }
                }
            }
            Relation::Rate { rate, num, den } => {
                let (Some(n), Some(t)) = (
                    values.get(num).and_then(Value::as_f64),
                    values.get(den).and_then(Value::as_f64),
                ) else {
                    return;
                };
                // pct() is 0 over a zero denominator.
                let r = if t > 0.0 { 100.0 * n / t } else { 0.0 };
                set(values, plans, rate, r);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(p: &str) -> Term {
        Term::Field(FieldPath::new(p))
    }

    #[test]
    fn shapes_are_read() {
        assert_eq!(
            parse("d.a.x <= d.a.y"),
            vec![Relation::AtMost(vec![f("a.x")], vec![f("a.y")])]
        );
        assert_eq!(
            parse("d.t >= d.a + d.b"),
            vec![Relation::AtMost(vec![f("a"), f("b")], vec![f("t")])]
        );
        assert_eq!(
            parse("d.t ==\n  d.a + d.b && d.c <= 52"),
            vec![
                Relation::Equal(vec![f("t")], vec![f("a"), f("b")]),
                Relation::AtMost(vec![f("c")], vec![Term::Number(52.0)])
            ]
        );
        assert_eq!(
            parse("let computed = pct(d.n, d.t); computed - d.r <= 0.1 && d.r - computed <= 0.1"),
            vec![Relation::Rate {
                rate: FieldPath::new("r"),
                num: FieldPath::new("n"),
                den: FieldPath::new("t")
            }]
        );
        assert_eq!(
            parse("d.a || !d.b"),
            vec![Relation::Unless(
                FieldPath::new("a"),
                Fallback::False(FieldPath::new("b"))
            )]
        );
        assert_eq!(
            parse("d.a || d.b == \"\""),
            vec![Relation::Unless(
                FieldPath::new("a"),
                Fallback::Absent(FieldPath::new("b"))
            )]
        );
        assert!(parse("d.a || d.b > 3").is_empty());
        assert!(parse("d.x > `${d.y}-12-31`").is_empty());
    }
}
