//! Levers: whether a county can act on a field of the data dictionary, and in which direction.
//!
//! A gap analysis proposes changes a county can make: more decisions reviewed, a higher rate of
//! heads appearing in court, a report published earlier. It never proposes changing a context
//! figure (the number of cases filed, of officers employed, of towns) nor moving a lever the wrong
//! way (more concluded cases to dilute a loss rate). A field says so with `lever:` in the
//! dictionary (`raise`, `lower` or `none`); when it does not, [`default_lever`] decides from the
//! field's type and name (the table in `docs/FORMAT.md`, "Levers").

use crate::model::{FieldSpec, FieldType};
use crate::types::FieldPath;
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

/// Last segments (or their endings) that name a context figure, not something a county does:
/// totals, cases filed, received, decided or concluded, officers and staff employed,
/// applications and requests received, the year a report is about.
const CONTEXT: &[&str] = &[
    "total",
    "filed",
    "officers",
    "staff",
    "employed",
    "population",
    "received",
    "applications",
    "applicants",
    "requests",
    "cases",
    "instance",
    "year",
    "required",
    "decided",
    "concluded",
];

/// Words of a field that counts or measures something bad (losses, errors, incidents, delays):
/// lower is better.
const BAD: &[&str] = &[
    "loss",
    "lost",
    "error",
    "errors",
    "violation",
    "violations",
    "incident",
    "incidents",
    "accident",
    "fraud",
    "overturned",
    "illegal",
    "pending",
    "repeat",
    "criticisms",
    "complaints",
    "days",
    "delay",
    "overdue",
    "backlog",
    "problems",
    "without",
    "disguised",
    "dishonest",
    "improper",
    "correction",
    "corrected",
];

/// Endings that turn a bad word good: problems *rectified*, errors *corrected*, complaints
/// *resolved* are things done (but a field named just `corrected` counts corrections suffered).
const DONE: &[&str] = &[
    "rectified",
    "resolved",
    "replied",
    "on_time",
    "closed",
    "removed",
    "cancelled",
    "_corrected",
];

/// The lever a field has when its dictionary entry does not say (`lever:` absent):
///
/// | type | default |
/// |---|---|
/// | text | `none` |
/// | enum, list | `raise` (any value; lists add values) |
/// | date | `lower` (earlier is better: published, filed, named before a deadline) |
/// | bool | `raise`, or `lower` when the name is about something bad (`fraud`, `incident`…) |
/// | count, percent, number | `none` when the last segment names a context figure (`total`, `filed`, `officers`, `staff`, `cases`, `applications`, `requests`, `received`, `decided`, `concluded`, `year`, `required`…); `lower` when it names something bad (`loss`, `error`, `violation`, `pending`, `repeat`, `days`, `problems`, `corrected`…) and does not end in a thing done (`_rectified`, `_resolved`, `_replied`, `_on_time`, `_closed`…); otherwise `raise` |
///
/// A veto's own inputs (fields under `veto.`) default to `none`: a past incident is not undone.
pub fn default_lever(path: &FieldPath, spec: &FieldSpec) -> Lever {
    let last = path.segments().last().unwrap_or("");
    let words: Vec<&str> = last.split('_').collect();
    let done = DONE.iter().any(|d| last.ends_with(d));
    let bad = !done && words.iter().any(|w| BAD.contains(w));
    if path.as_str().starts_with("veto.") {
        return Lever::None;
    }
    match spec.ty {
        FieldType::Text => Lever::None,
        FieldType::Enum | FieldType::List => Lever::Raise,
        FieldType::Date => Lever::Lower,
        FieldType::Bool if bad => Lever::Lower,
        FieldType::Bool => Lever::Raise,
        FieldType::Count | FieldType::Percent | FieldType::Number => {
            let context = !done
                && CONTEXT
                    .iter()
                    .any(|c| last == *c || last.ends_with(&format!("_{c}")));
            if context {
                Lever::None
            } else if bad {
                Lever::Lower
            } else {
                Lever::Raise
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lever(path: &str, ty: &str) -> Lever {
        let spec: FieldSpec =
            crate::load::parse::typed_for_tests(&format!("{{type: {ty}, desc: x}}")).unwrap();
        spec.lever(&FieldPath::new(path))
    }

    #[test]
    fn context_figures_are_not_levers() {
        assert_eq!(lever("enforcement.officers_total", "count"), Lever::None);
        assert_eq!(lever("litigation.cases", "count"), Lever::None);
        assert_eq!(lever("review.applications", "count"), Lever::None);
        assert_eq!(lever("normative_docs.docs_filed", "count"), Lever::None);
        assert_eq!(lever("x.officers", "count"), Lever::None);
        assert_eq!(lever("leadership.annual_report_year", "count"), Lever::None);
        assert_eq!(lever("review.decided", "count"), Lever::None);
        assert_eq!(lever("x.cases_concluded", "count"), Lever::None);
    }

    #[test]
    fn bad_things_are_lowered_and_things_done_raised() {
        assert_eq!(lever("litigation.loss_rate", "percent"), Lever::Lower);
        assert_eq!(lever("review.corrected", "count"), Lever::Lower);
        assert_eq!(lever("review.pending", "count"), Lever::Lower);
        assert_eq!(
            lever("approval.legal_time_limit_days", "number"),
            Lever::Lower
        );
        assert_eq!(lever("x.problems_rectified", "count"), Lever::Raise);
        assert_eq!(lever("x.errors_corrected", "count"), Lever::Raise);
        assert_eq!(lever("x.assessment_fraud", "bool"), Lever::Lower);
        assert_eq!(lever("veto.assessment_fraud", "bool"), Lever::None);
    }

    #[test]
    fn types_decide_the_rest() {
        assert_eq!(lever("x.head_appearance_rate", "percent"), Lever::Raise);
        assert_eq!(lever("x.published", "bool"), Lever::Raise);
        assert_eq!(lever("x.published_on", "date"), Lever::Lower);
        assert_eq!(lever("x.note", "text"), Lever::None);
        assert_eq!(lever("x.modes", "list"), Lever::Raise);
    }

    #[test]
    fn a_declared_lever_wins() {
        let spec: FieldSpec =
            crate::load::parse::typed_for_tests("{type: count, desc: x, lever: raise}").unwrap();
        assert_eq!(spec.lever(&FieldPath::new("x.cases")), Lever::Raise);
        assert!(Lever::Raise.allows(1.0, 2.0) && !Lever::Raise.allows(2.0, 1.0));
        assert!(Lever::Lower.allows(2.0, 1.0) && !Lever::Lower.allows(1.0, 2.0));
        assert!(!Lever::None.allows(1.0, 2.0) && Lever::None.allows(1.0, 1.0));
    }
}
