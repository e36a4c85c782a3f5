//! The fast path of step 4: scoring rules lowered from their rhai AST to native closures over
//! pre-resolved field slots (issue 7).
//!
//! rhai's interpreter spends most of an item's time walking nodes and looking fields up by name in
//! nested maps. Scoring rules use a small subset of the language, so [`lower`] turns that subset
//! into Rust closures once, at compile time: a read of `d.x.y` becomes an index into a per-county
//! slice of values (one slot per dictionary field), literals are constants, and helper calls go
//! straight to the shared implementations in `helpers::core` (same points, same notes). A rule
//! outside the subset is not lowered; a lowered rule that meets anything unusual for one county
//! (a missing optional field, a type mismatch, an integer overflow, a helper error) *bails*, and
//! the interpreter runs that rule for that county. So the two paths give identical results, which
//! `tests/fast_path.rs` checks on every rule of the national and test rule sets.

mod build;
mod ops;

pub(crate) use build::{lower, SlotMap};

use crate::evaluate::{Outcome, Run};
use crate::helpers::core::Cx;
use crate::load::county::{CountyData, Datum};
use crate::types::FieldPath;
use ops::{Val, R};

/// A lowered rule body.
type Code = Box<dyn for<'a> Fn(&mut Env<'a>) -> R<Val<'a>> + Send + Sync>;

/// A rule lowered to closures.
pub(crate) struct Program {
    code: Code,
    strings: Vec<Box<str>>,
    locals: usize,
}

impl std::fmt::Debug for Program {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Program")
            .field("strings", &self.strings)
            .field("locals", &self.locals)
            .finish_non_exhaustive()
    }
}

/// What a running program sees.
pub(crate) struct Env<'a> {
    fields: &'a [Option<Val<'a>>],
    strings: &'a [Box<str>],
    locals: Vec<Val<'a>>,
    cx: Cx,
}

/// One county's values by field slot (dictionary order), built once per county: numbers and
/// flags are copied into one dense array, texts and lists borrowed, so a rule's field read is an
/// index into memory the county's other reads have just brought into cache.
pub(crate) struct Slots<'a> {
    values: Vec<Option<Val<'a>>>,
    datums: Vec<Option<&'a Datum>>,
    /// The county's assessment year (`county.year`).
    year: Option<i32>,
}

impl<'a> Slots<'a> {
    /// Places the county's values in the slots of `fields` (the dictionary, in order).
    pub(crate) fn new<'f, F>(fields: F, data: &'a CountyData) -> Self
    where
        F: Iterator<Item = &'f FieldPath> + Clone,
    {
        let n = fields.size_hint().0;
        let mut slots = Slots {
            values: Vec::with_capacity(n),
            datums: Vec::with_capacity(n),
            year: data.info.year,
        };
        // County data loaded against this rule set holds the dictionary's own paths, in the
        // same order: one walk matching by identity, no text compared.
        let mut dict = fields.clone();
        'county: for (k, d) in &data.values {
            for f in dict.by_ref() {
                if f.same(k) {
                    slots.push(Some(d));
                    continue 'county;
                }
                slots.push(None);
            }
            // A path that is not the dictionary's own (data built by hand, or checked against
            // another copy of the rule set): match by text instead.
            return Slots::by_text(fields, data);
        }
        for _ in dict {
            slots.push(None);
        }
        slots
    }

    /// [`Slots::new`] for any county data: a merge of two sorted lists, comparing paths.
    fn by_text<'f>(fields: impl Iterator<Item = &'f FieldPath>, data: &'a CountyData) -> Self {
        let mut slots = Slots {
            values: Vec::new(),
            datums: Vec::new(),
            year: data.info.year,
        };
        let mut given = data.values.iter().peekable();
        for f in fields {
            while given.peek().is_some_and(|(k, _)| *k < f) {
                given.next();
            }
            slots.push(match given.peek() {
                Some((k, d)) if *k == f => Some(*d),
                _ => None,
            });
        }
        slots
    }

    fn push(&mut self, d: Option<&'a Datum>) {
        self.values.push(d.map(|d| Val::of(&d.value)));
        self.datums.push(d);
    }

    /// The county's value in a slot, with its provenance.
    pub(crate) fn datum(&self, slot: usize) -> Option<&'a Datum> {
        self.datums.get(slot).copied().flatten()
    }

    /// The required inputs that are missing, in the rule's order (`None` when all are there).
    pub(crate) fn missing(&self, slots: &[usize], inputs: &[FieldPath]) -> Option<Vec<FieldPath>> {
        if slots.iter().all(|s| self.values[*s].is_some()) {
            return None;
        }
        Some(
            slots
                .iter()
                .zip(inputs)
                .filter(|(s, _)| self.values[**s].is_none())
                .map(|(_, f)| f.clone())
                .collect(),
        )
    }
}

/// Runs a lowered rule with maximum `max`; `None` when it bails (the interpreter decides).
/// Without `notes` the helpers compute points only and word nothing.
pub(crate) fn run(p: &Program, slots: &Slots<'_>, max: f64, notes: bool) -> Option<Run> {
    let mut env = Env {
        fields: &slots.values,
        strings: &p.strings,
        locals: vec![Val::Unit; p.locals],
        cx: if notes { Cx::new(max) } else { Cx::quiet(max) }.in_year(slots.year),
    };
    let outcome = match (p.code)(&mut env).ok()? {
        Val::Float(f) if f.is_finite() => Outcome::Number(f),
        Val::Int(i) => Outcome::Number(i as f64),
        Val::Bool(b) => Outcome::Bool(b),
        // NaN, infinities, texts, lists, (): the interpreter words the error.
        _ => return None,
    };
    Some(Run {
        outcome,
        notes: env.cx.notes,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn county_data_holds_the_dictionary_paths() {
        let rules = crate::RuleSet::builtin().unwrap();
        let c = &crate::synth::generate(&rules, 1, 1)[0];
        let dict = &rules.model.fields;
        let same = c
            .values
            .keys()
            .filter(|k| dict.get_key_value(*k).is_some_and(|(d, _)| d.same(k)))
            .count();
        assert_eq!(same, c.values.len());
    }

    #[test]
    fn slots_by_identity_and_by_text_agree() {
        let rules = crate::RuleSet::builtin().unwrap();
        let dict = &rules.model.fields;
        for c in crate::synth::generate(&rules, 5, 3) {
            // The same values under paths that are not the dictionary's own.
            let mut copy = c.clone();
            copy.values = c
                .values
                .iter()
                .map(|(k, d)| (crate::types::FieldPath::new(k.as_str()), d.clone()))
                .collect();
            let a = super::Slots::new(dict.keys(), &c);
            let b = super::Slots::new(dict.keys(), &copy);
            assert_eq!(a.values, b.values);
            assert_eq!(a.values.len(), dict.len());
            assert_eq!(a.values.iter().flatten().count(), c.values.len());
        }
    }
}
