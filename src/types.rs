//! Small types that carry meaning: indicator ids, points, field paths and checked data values.
//! They sit below every stage: the model, the loaders, the evaluators and the reports share them.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::sync::Arc;

/// The stable id of an indicator node, veto, bonus, penalty, pass line or check (`"4.2.1"`, `"V1"`).
///
/// The text is shared: cloning an id (every item of every report names its id, area and parent)
/// is a reference count, not a copy.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct IndicatorId(Arc<str>);

impl IndicatorId {
    /// Wraps a string as an id.
    pub fn new(id: impl Into<String>) -> Self {
        IndicatorId(id.into().into())
    }
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IndicatorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for IndicatorId {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = IndicatorId;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an id written as a quoted string such as \"4.2.1\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<IndicatorId, E> {
                if v.trim().is_empty() {
                    return Err(E::custom("an id cannot be empty"));
                }
                Ok(IndicatorId(v.into()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<IndicatorId, E> {
                Ok(IndicatorId::new(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<IndicatorId, E> {
                Ok(IndicatorId::new(v.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<IndicatorId, E> {
                Err(E::custom(format!(
                    "the id {v} is a number to YAML; quote it (\"{v}\") so it stays an id"
                )))
            }
        }
        de.deserialize_any(V)
    }
}

/// Points, held exactly in thousandths of a point so that sums and differences never drift.
///
/// ```
/// use fazhi::Points;
/// let p = Points::from_f64(2.5) + Points::from_f64(0.1);
/// assert_eq!(p.to_string(), "2.6");
/// assert_eq!(p.milli(), 2600);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Points(i64);

impl Points {
    /// Zero points.
    pub const ZERO: Points = Points(0);

    /// Rounds a float to the nearest thousandth of a point, half away from zero, after float
    /// noise below 10⁻⁹ points is removed: the one rounding of a result (docs/FORMAT.md,
    /// "Numbers"). NaN becomes zero; callers that care check for NaN before converting.
    pub fn from_f64(v: f64) -> Points {
        if v.is_nan() {
            return Points(0);
        }
        // A rule's float arithmetic leaves noise in the last bits (3 × 1.0115 is 3.0344999…): a
        // value within a millionth of a thousandth of a half is taken as that half, so the same
        // quantity computed two ways (a rule, or a share times new points) rounds the same way.
        let m = v * 1000.0;
        let m = ((m * 1e6).round() / 1e6).round();
        Points(m.clamp(i64::MIN as f64 / 2.0, i64::MAX as f64 / 2.0) as i64)
    }
    /// Points from thousandths of a point.
    pub const fn from_milli(m: i64) -> Points {
        Points(m)
    }
    /// The value in thousandths of a point.
    pub fn milli(self) -> i64 {
        self.0
    }
    /// The value as a float.
    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }
    /// The larger of `self` and zero.
    pub fn at_least_zero(self) -> Points {
        Points(self.0.max(0))
    }
    /// `self` limited to `[lo, hi]`.
    pub fn clamp(self, lo: Points, hi: Points) -> Points {
        Points(self.0.max(lo.0).min(hi.0.max(lo.0)))
    }
}

impl std::ops::Add for Points {
    type Output = Points;
    fn add(self, o: Points) -> Points {
        Points(self.0.saturating_add(o.0))
    }
}
impl std::ops::Sub for Points {
    type Output = Points;
    fn sub(self, o: Points) -> Points {
        Points(self.0.saturating_sub(o.0))
    }
}
impl std::ops::AddAssign for Points {
    fn add_assign(&mut self, o: Points) {
        *self = *self + o;
    }
}
impl std::ops::Neg for Points {
    type Output = Points;
    fn neg(self) -> Points {
        Points(self.0.saturating_neg())
    }
}
impl std::ops::SubAssign for Points {
    fn sub_assign(&mut self, o: Points) {
        *self = *self - o;
    }
}
impl std::iter::Sum for Points {
    fn sum<I: Iterator<Item = Points>>(iter: I) -> Points {
        iter.fold(Points::ZERO, |a, b| a + b)
    }
}

impl fmt::Display for Points {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let a = self.0.unsigned_abs();
        let (whole, frac) = (a / 1000, a % 1000);
        // Digits by `itoa` rather than `write!`: reports word every item's points (a national
        // batch, hundreds of thousands of times), and number formatting by `write!` was ~6% of
        // the time of an itemized report.
        let mut digits = itoa::Buffer::new();
        if self.0 < 0 {
            f.write_str("-")?;
        }
        f.write_str(digits.format(whole))?;
        if frac == 0 {
            return Ok(());
        }
        // Thousandths without trailing zeros: .5, .25, .125.
        let thousandths = [
            b'.',
            b'0' + (frac / 100) as u8,
            b'0' + (frac / 10 % 10) as u8,
            b'0' + (frac % 10) as u8,
        ];
        let keep = if frac % 100 == 0 {
            2
        } else if frac % 10 == 0 {
            3
        } else {
            4
        };
        // Only ASCII digits and a point were written.
        f.write_str(std::str::from_utf8(&thousandths[..keep]).unwrap_or_default())
    }
}

impl Serialize for Points {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0 % 1000 == 0 {
            s.serialize_i64(self.0 / 1000)
        } else {
            s.serialize_f64(self.as_f64())
        }
    }
}

impl<'de> Deserialize<'de> for Points {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        let v = f64::deserialize(de)?;
        if !v.is_finite() {
            return Err(serde::de::Error::custom("points must be a finite number"));
        }
        Ok(Points::from_f64(v))
    }
}

/// A dotted path naming a field of the data dictionary (`litigation.head_appearance_rate`).
///
/// The text is shared: cloning a path is a reference count, not a copy. County data loaded
/// against a rule set holds the dictionary's own paths, so the engine matches a county's values
/// to the dictionary by identity before it compares text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FieldPath(Arc<str>);

impl FieldPath {
    /// Wraps a dotted path.
    pub fn new(p: impl Into<String>) -> Self {
        FieldPath(p.into().into())
    }
    /// Whether both are the same shared text (a fast path before comparing text).
    pub(crate) fn same(&self, other: &FieldPath) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
    /// The path as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The path's segments (`["litigation", "head_appearance_rate"]`).
    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.0.split('.')
    }
    /// Whether the path is well formed: one or more non-empty snake_case segments.
    pub fn is_well_formed(&self) -> bool {
        !self.0.is_empty()
            && self.0.split('.').all(|s| {
                !s.is_empty()
                    && s.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                    && !s.starts_with(|c: char| c.is_ascii_digit())
            })
    }
}

/// A path is looked up by its text (`fields.get("approval.on_time_rate")`): the shared text's
/// order, equality and hash are the text's own, so a map keyed by paths can be searched without
/// building a path first (the county reader does this once per key it reads).
impl std::borrow::Borrow<str> for FieldPath {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A data value, already checked against its field's type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    /// A bool field.
    Bool(bool),
    /// A count.
    Int(i64),
    /// A percent or number.
    Number(f64),
    /// Text, enum or date.
    Text(String),
    /// A list of texts.
    List(Vec<String>),
    // issue 27 shape 5: records
    /// A list of records (`type: records`), each its sub-fields' checked values.
    Records(Vec<Record>),
}

/// One record of a `type: records` field: sub-field → value (issue 27 shape 5).
pub type Record = std::collections::BTreeMap<String, Value>;

impl Value {
    /// The value as a number, when it is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Number(f) => Some(*f),
            _ => None,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(true) => f.write_str("是"),
            Value::Bool(false) => f.write_str("否"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Number(x) => write!(f, "{}", Points::from_f64(*x)),
            Value::Text(s) => f.write_str(s),
            Value::List(l) if l.is_empty() => f.write_str("（空）"),
            Value::List(l) => f.write_str(&l.join("、")),
            Value::Records(r) => write!(f, "{}份记录", r.len()),
        }
    }
}

/// Lowercase hexadecimal of a digest (sha256 hashes of rules, data and files are shown this way).
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_display_and_arithmetic_are_exact() {
        let a = Points::from_f64(0.1) + Points::from_f64(0.2);
        assert_eq!(a, Points::from_f64(0.3));
        assert_eq!(Points::from_f64(-1.25).to_string(), "-1.25");
        assert_eq!(Points::from_f64(0.05).to_string(), "0.05");
        assert_eq!(Points::from_f64(3.007).to_string(), "3.007");
        assert_eq!(Points::from_f64(2.5).to_string(), "2.5");
        assert_eq!(Points::from_f64(0.0).to_string(), "0");
        assert_eq!(Points::from_f64(10.0).to_string(), "10");
        assert_eq!(Points::from_milli(-500).to_string(), "-0.5");
        assert_eq!(Points::from_milli(-10).to_string(), "-0.01");
        assert_eq!(Points::from_milli(1_000_010).to_string(), "1000.01");
        assert_eq!(
            Points::from_milli(i64::MIN).to_string(),
            "-9223372036854775.808"
        );
        assert_eq!(Points::from_f64(f64::NAN), Points::ZERO);
        assert_eq!(
            Points::from_f64(12.0).clamp(Points::ZERO, Points::from_f64(10.0)),
            Points::from_f64(10.0)
        );
    }

    #[test]
    fn points_display_matches_the_decimal_value() {
        // Whole digits, then the thousandths without trailing zeros: the decimal value itself.
        let mut rng = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..20_000 {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            let m = (rng as i64) >> (rng % 60);
            let a = m.unsigned_abs();
            let mut want = format!(
                "{}{}.{:03}",
                if m < 0 { "-" } else { "" },
                a / 1000,
                a % 1000
            );
            while want.ends_with('0') {
                want.pop();
            }
            if want.ends_with('.') {
                want.pop();
            }
            assert_eq!(Points::from_milli(m).to_string(), want, "{m}");
        }
    }

    #[test]
    fn float_noise_does_not_decide_a_half() {
        // 4.046 − 3 × (4.046 / 4) is 1.01149999… in floats; 0.25 × 4.046 is 1.0115.
        let rule = 4.046 - 3.0 * (4.046 / 4.0);
        assert!(rule < 1.0115);
        assert_eq!(Points::from_f64(rule), Points::from_f64(0.25 * 4.046));
        assert_eq!(Points::from_f64(rule).milli(), 1012);
        assert_eq!(Points::from_f64(1.0114).milli(), 1011);
        assert_eq!(Points::from_f64(-1.0115).milli(), -1012);
        assert!(Points::from_f64(f64::INFINITY) > Points::from_f64(1e12));
    }

    #[test]
    fn field_path_form() {
        assert!(FieldPath::new("litigation.head_rate").is_well_formed());
        assert!(!FieldPath::new("litigation..x").is_well_formed());
        assert!(!FieldPath::new("Litigation.x").is_well_formed());
        assert!(!FieldPath::new("a.1x").is_well_formed());
    }

    #[test]
    fn ids_reject_unquoted_decimals() {
        let e = crate::load::parse::typed_for_tests::<IndicatorId>("1.2").unwrap_err();
        assert!(e.to_string().contains("quote it"));
        assert_eq!(
            crate::load::parse::typed_for_tests::<IndicatorId>("3")
                .unwrap()
                .as_str(),
            "3"
        );
    }
}
