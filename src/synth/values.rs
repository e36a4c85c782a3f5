//! Drawing one field's value from its quality (0 = the weakest county, 1 = the strongest).

use super::FieldPlan;
use crate::model::{FieldSpec, FieldType};
use crate::types::Value;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// The value a field should have in a strong county.
#[derive(Debug, Clone, PartialEq)]
pub enum Ideal {
    /// Higher is better; full points at (or above) this value.
    AtLeast(f64),
    /// Lower is better; full points at (or below) this value (0 for violations and problems).
    AtMost(f64),
    /// This bool.
    Bool(bool),
    /// This enum value.
    Text(String),
    /// These list items.
    Items(Vec<String>),
    /// On or before this date.
    DateBy(String),
    /// The rule set does not say.
    Unknown,
}

/// The ideal of a field: from an item's `target` when there is one, else from the field's kind
/// (veto inputs and penalty-only inputs are best at 0 / false; percents are completion rates, best
/// high).
pub(super) fn ideal(spec: &FieldSpec, target: Option<&Value>, clean_at_zero: bool) -> Ideal {
    match (spec.ty, target) {
        (_, _) if clean_at_zero => match spec.ty {
            FieldType::Bool => Ideal::Bool(false),
            _ => Ideal::AtMost(0.0),
        },
        (FieldType::Bool, Some(Value::Bool(b))) => Ideal::Bool(*b),
        (FieldType::Bool, _) => Ideal::Bool(true),
        (FieldType::Percent, Some(v)) => match v.as_f64() {
            Some(t) if t < 50.0 => Ideal::AtMost(t),
            Some(t) => Ideal::AtLeast(t),
            None => Ideal::AtLeast(100.0),
        },
        (FieldType::Percent, None) => Ideal::AtLeast(100.0),
        (FieldType::Count | FieldType::Number, Some(v)) => match v.as_f64() {
            Some(t) if t <= 0.0 => Ideal::AtMost(t),
            Some(t) => Ideal::AtLeast(t),
            None => Ideal::Unknown,
        },
        (FieldType::Enum, Some(Value::Text(s))) => Ideal::Text(s.clone()),
        (FieldType::List, Some(Value::List(l))) => Ideal::Items(l.clone()),
        (FieldType::Date, Some(Value::Text(s))) => Ideal::DateBy(s.clone()),
        _ => Ideal::Unknown,
    }
}

// issue 27 shape 5: records
/// A plain value of a record's sub-field (record `i`): within the sub-field's type and range.
fn record_value(s: &crate::model::FieldSpec, q: f64, i: usize, base_year: i32) -> Value {
    let (lo, hi) = s.bounds();
    let clamp = |x: f64| hi.map_or(x, |h| x.min(h)).max(lo.unwrap_or(f64::MIN));
    match s.ty {
        FieldType::Bool => Value::Bool(q > 0.3),
        FieldType::Count => Value::Int(clamp(((1.0 - q) * 2.0).round()) as i64),
        FieldType::Percent | FieldType::Number => Value::Number(clamp(((1.0 - q) * 10.0).round())),
        FieldType::Text => Value::Text(format!("案卷{i}")),
        FieldType::Enum => Value::Text(
            s.values
                .as_ref()
                .and_then(|v| v.first().cloned())
                .unwrap_or_else(|| "其他".into()),
        ),
        FieldType::Date => Value::Text(format!("{base_year}-06-30")),
        FieldType::List | FieldType::Records => Value::List(Vec::new()),
    }
}

/// A stable magnitude (10 to 2,000) for counts the rule set gives no scale for, from the name.
pub(super) fn magnitude(path: &str) -> f64 {
    let h = path.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    });
    let u = (h >> 11) as f64 / (1u64 << 53) as f64;
    10.0 * 200f64.powf(u)
}

fn round_to(x: f64, decimals: i32) -> f64 {
    let k = 10f64.powi(decimals);
    (x * k).round() / k
}

/// Shortfall from the ideal: 0 for the strongest, growing for weaker counties.
fn shortfall(q: f64) -> f64 {
    (1.0 - q).powf(1.7)
}

/// One value for a field of quality `q` in a county of overall quality `county_q` and size `size`.
pub(super) fn draw(
    f: &FieldPlan,
    q: f64,
    county_q: f64,
    size: f64,
    base_year: i32,
    rng: &mut ChaCha8Rng,
) -> Value {
    let spec = &f.spec;
    let (lo, hi) = spec.bounds();
    let clampf = |x: f64| {
        let x = lo.map_or(x, |l| x.max(l));
        hi.map_or(x, |h| x.min(h))
    };
    let u: f64 = rng.gen();
    if f.veto {
        let p = 0.005 + 0.03 * (1.0 - county_q).powi(3);
        let hit = u < p;
        return match spec.ty {
            FieldType::Bool => Value::Bool(hit),
            FieldType::Count => Value::Int(clampf(if hit { 1.0 } else { 0.0 }) as i64),
            _ => number(spec.ty, clampf(if hit { 1.0 } else { 0.0 })),
        };
    }
    if f.bonus && spec.ty != FieldType::Date {
        // Recognition is rare and goes to strong counties.
        let p = 0.02 + 0.5 * q.powi(4);
        return match spec.ty {
            FieldType::Bool => Value::Bool(u < p),
            t if t.is_numeric() => {
                let n = if u < p {
                    1.0 + (rng.gen::<f64>() * 2.5).floor()
                } else {
                    0.0
                };
                number(t, clampf(n))
            }
            _ => plain(f, q, size, base_year, u, rng),
        };
    }
    match (&f.ideal, spec.ty) {
        (Ideal::Bool(b), FieldType::Bool) => Value::Bool(if u < 0.3 + 0.69 * q { *b } else { !*b }),
        (Ideal::AtLeast(t), FieldType::Percent) => {
            let top = (t + 4.0).min(100.0);
            let x = top - 45.0 * shortfall(q) - 2.0 * u;
            Value::Number(round_to(clampf(x), 1))
        }
        (Ideal::AtMost(t), FieldType::Percent) => {
            let x = (t - 4.0).max(0.0) + 45.0 * shortfall(q) + 2.0 * u;
            Value::Number(round_to(clampf(x), 1))
        }
        (Ideal::AtMost(t), ty) if ty.is_numeric() => {
            let n = if u < 0.25 + 0.72 * q {
                *t
            } else {
                t + 1.0 + (rng.gen::<f64>() * 6.0 * (1.0 - q)).floor()
            };
            number(ty, clampf(n))
        }
        (Ideal::AtLeast(t), ty) if ty.is_numeric() => {
            let noise = 0.85 + 0.3 * u;
            let x = t * (1.3 - 1.1 * shortfall(q)) * noise;
            number(ty, clampf(x.max(0.0)))
        }
        _ => plain(f, q, size, base_year, u, rng),
    }
}

/// A value for a field the rule set gives no ideal for.
fn plain(f: &FieldPlan, q: f64, size: f64, base_year: i32, u: f64, rng: &mut ChaCha8Rng) -> Value {
    let spec = &f.spec;
    let (lo, hi) = spec.bounds();
    match spec.ty {
        FieldType::Bool => Value::Bool(u < 0.3 + 0.69 * q),
        FieldType::Percent => Value::Number(round_to(100.0 - 45.0 * shortfall(q) - 2.0 * u, 1)),
        FieldType::Count | FieldType::Number => {
            let x = match (lo, hi) {
                // A year.
                (Some(l), Some(h)) if l >= 1900.0 && h <= 2200.0 => (base_year as f64).clamp(l, h),
                (Some(l), Some(h)) => l + (h - l) * (0.1 + 0.3 * q) * (0.8 + 0.4 * u),
                _ => f.magnitude * size * (0.7 + 0.6 * q) * (0.8 + 0.4 * u),
            };
            let x = lo.map_or(x, |l| x.max(l));
            number(spec.ty, hi.map_or(x, |h| x.min(h)))
        }
        FieldType::Enum => match (&f.ideal, &spec.values) {
            (Ideal::Text(t), Some(vals)) if u < 0.3 + 0.69 * q => {
                Value::Text(vals.iter().find(|v| *v == t).unwrap_or(&vals[0]).clone())
            }
            (_, Some(vals)) if !vals.is_empty() => {
                Value::Text(vals[rng.gen_range(0..vals.len())].clone())
            }
            _ => Value::Text("其他".into()),
        },
        FieldType::List => {
            let wanted: &[String] = match &f.ideal {
                Ideal::Items(items) => items,
                _ => &[],
            };
            match &spec.values {
                Some(vals) => Value::List(
                    vals.iter()
                        .filter(|v| {
                            let p = if wanted.contains(v) || wanted.is_empty() {
                                0.35 + 0.64 * q
                            } else {
                                0.3
                            };
                            rng.gen::<f64>() < p
                        })
                        .cloned()
                        .collect(),
                ),
                None => {
                    let n = (q * 4.0 * u).floor() as usize;
                    Value::List((1..=n).map(|i| format!("举措{i}")).collect())
                }
            }
        }
        // issue 27 shape 5: records. One to three records, each sub-field at a plain value
        // within its type and range.
        FieldType::Records => {
            let n = 1 + (u * 3.0).floor().min(2.0) as usize;
            let subs = spec.record_fields.clone().unwrap_or_default();
            Value::Records(
                (1..=n.min(crate::load::value::max_records(spec)))
                    .map(|i| {
                        subs.iter()
                            .map(|(k, s)| (k.clone(), record_value(s, q, i, base_year)))
                            .collect()
                    })
                    .collect(),
            )
        }
        FieldType::Date => {
            let (base, late) = match &f.ideal {
                Ideal::DateBy(d) => (d.clone(), (1.0 - q) * 150.0 - 60.0),
                _ => (format!("{}-03-31", base_year + 1), (1.0 - q) * 120.0 - 60.0),
            };
            Value::Text(add_days(&base, (late + 10.0 * u).round() as i64))
        }
        FieldType::Text => Value::Text("合成数据".into()),
    }
}

/// A number of a numeric type: counts are whole; other numbers keep two decimals.
fn number(ty: FieldType, x: f64) -> Value {
    match ty {
        FieldType::Count => Value::Int(x.round().max(0.0) as i64),
        _ => Value::Number(round_to(x, 2)),
    }
}

/// An ISO date moved by `days` (a proleptic Gregorian calendar; `base` must be `YYYY-MM-DD`).
pub(super) fn add_days(base: &str, days: i64) -> String {
    let parse = |r: std::ops::Range<usize>| base.get(r).and_then(|s| s.parse::<i64>().ok());
    let (Some(y), Some(m), Some(d)) = (parse(0..4), parse(5..7), parse(8..10)) else {
        return base.to_string();
    };
    let (y, m, d) = civil_from_days(days_from_civil(y, m, d) + days);
    format!("{y:04}-{m:02}-{d:02}")
}

// Howard Hinnant's day-count algorithms.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_move_across_months_and_leap_years() {
        assert_eq!(add_days("2021-03-31", 1), "2021-04-01");
        assert_eq!(add_days("2020-02-28", 1), "2020-02-29");
        assert_eq!(add_days("2021-01-01", -1), "2020-12-31");
        assert_eq!(add_days("2021-03-31", 0), "2021-03-31");
    }

    #[test]
    fn magnitudes_are_stable_and_bounded() {
        let m = magnitude("service.catalog_items");
        assert_eq!(m, magnitude("service.catalog_items"));
        assert!((10.0..=2000.0).contains(&m));
    }
}
