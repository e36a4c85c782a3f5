//! The types of the typed tier (`typed.rs`), in a module of their own so that the untyped
//! tier (`build.rs`, whose slot map records each field's type) and the typed tier (which
//! builds on the untyped tier's helpers) import it without importing each other.

use crate::model::FieldType;

/// The type of a value on the typed tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ty {
    Int,
    Float,
    Bool,
    /// A list of texts: only `.len()` and `.contains("…")` of a field (or a name for it).
    List,
    /// An `Int` or a `Float` decided at run time (`if c { tiers(…) } else { 0 }`): only used
    /// where both give the same result, with a `Float` or as a helper's number.
    Mixed,
}

impl Ty {
    /// The type a field of the dictionary has in rules, when it is one this tier handles.
    pub(crate) fn of_field(t: FieldType) -> Option<Ty> {
        match t {
            FieldType::Count => Some(Ty::Int),
            FieldType::Percent | FieldType::Number => Some(Ty::Float),
            FieldType::Bool => Some(Ty::Bool),
            FieldType::List => Some(Ty::List),
            _ => None,
        }
    }
    /// The tag a county's value carries in the row: 1 + the type, [`OTHER`] for a value of no
    /// type here (a text, a date), 0 for no value.
    pub(crate) fn tag(self) -> u8 {
        self as u8 + 1
    }
}

/// The tag of a value the typed tier does not read (a text, a date, a value not of its
/// field's type): present for `has()`, a bail for a read.
pub(crate) const OTHER: u8 = 16;
