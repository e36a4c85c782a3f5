//! Levers: whether a county can act on a field of the data dictionary, and in which direction.
//!
//! A gap analysis proposes changes a county can make: more decisions reviewed, a higher rate of
//! heads appearing in court, a report published earlier. It never proposes changing a context
//! figure (the number of cases filed, of officers employed, of towns) nor moving a lever the wrong
//! way (more concluded cases to dilute a loss rate). A field says so with `lever:` in the
//! dictionary (`raise`, `lower` or `none`) and with `role:` (who supplies the figure: only the
//! county's own figures are levers). When a field declares neither, the gap analysis infers the
//! direction from the compiled rules that read it, probing them with the county's other data
//! ([`Inferred`]); a field's name is never evidence (a rule set may be written in pinyin).

use serde::{Deserialize, Serialize};

/// Whether and how a county can act on a field (`lever:` in the data dictionary).
///
/// For numbers and dates `raise` allows only higher values (later dates), `lower` only lower
/// values (earlier dates). For a bool `raise` allows false → true, `lower` true → false. For a
/// list `raise` allows adding allowed values, `lower` removing them. For an enum (whose values
/// have no order) either direction allows any allowed value. `none` marks a context figure: the
/// analysis reads it but never proposes changing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Lever {
    /// The county improves by raising it (more, higher, later, true, more list values).
    Raise,
    /// The county improves by lowering it (fewer, lower, earlier, false, fewer list values).
    Lower,
    /// Not a lever: a context figure (cases filed, officers employed, a total).
    None,
}

impl Lever {
    /// The Chinese word for the direction (`提高`, `降低`, `不可调`), used in reports.
    pub fn zh(self) -> &'static str {
        match self {
            Lever::Raise => "提高",
            Lever::Lower => "降低",
            Lever::None => "不可调（背景数据）",
        }
    }

    /// Whether moving a number (or a date, as days) from `from` to `to` goes this lever's way.
    /// Equal values are no move and allowed.
    pub fn allows(self, from: f64, to: f64) -> bool {
        match self {
            Lever::Raise => to >= from,
            Lever::Lower => to <= from,
            Lever::None => to == from,
        }
    }
}

/// Who supplies a field's figure (`role:` in the data dictionary). Only the county's own figures
/// can be levers; the others are read by the rules but never proposed for change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FieldRole {
    /// The county's own figure (the default): a lever when its rules say so.
    #[default]
    County,
    /// A figure the evaluators enter (评估方填写): a discretionary deduction (酌情扣分) and its
    /// reason.
    Evaluator,
    /// Last year's figure (上年数据), the base of a "比上年下降" comparison.
    PriorYear,
    /// A figure derived from other counties (a provincial average, a rank).
    PeerDerived,
}

impl FieldRole {
    /// Whether this is the default role (the county's own figure).
    pub fn is_county(&self) -> bool {
        *self == FieldRole::County
    }

    /// The Chinese words for the role, used in reports and lint messages.
    pub fn zh(self) -> &'static str {
        match self {
            FieldRole::County => "本县数据",
            FieldRole::Evaluator => "评估方填写",
            FieldRole::PriorYear => "上年数据",
            FieldRole::PeerDerived => "由其他县数据计算",
        }
    }
}

/// What probing the rules that read a field (with one county's other data) says about its
/// direction, for a field that declares no `lever:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Inferred {
    /// Only higher values (later dates, true, more list values) raised the total.
    Raise,
    /// Only lower values raised the total.
    Lower,
    /// Neither direction changed the total with this county's other data: the field is not
    /// moved, and the search says it was not searched.
    Undecided,
}

impl Inferred {
    /// The lever the gap analysis uses for an inferred direction (`Undecided` moves nothing).
    pub fn lever(self) -> Lever {
        match self {
            Inferred::Raise => Lever::Raise,
            Inferred::Lower => Lever::Lower,
            Inferred::Undecided => Lever::None,
        }
    }

    /// The Chinese words for the inference (`推断：提高`).
    pub fn zh(self) -> &'static str {
        match self {
            Inferred::Raise => "推断：提高",
            Inferred::Lower => "推断：降低",
            Inferred::Undecided => "推断：方向未定",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levers_allow_their_direction_only() {
        assert!(Lever::Raise.allows(1.0, 2.0) && !Lever::Raise.allows(2.0, 1.0));
        assert!(Lever::Lower.allows(2.0, 1.0) && !Lever::Lower.allows(1.0, 2.0));
        assert!(!Lever::None.allows(1.0, 2.0) && Lever::None.allows(1.0, 1.0));
    }
}
