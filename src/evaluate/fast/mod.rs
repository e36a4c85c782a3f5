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
mod ty;
mod typed;

pub(crate) use build::SlotMap;

use crate::evaluate::{Outcome, Run};
use crate::helpers::core::Cx;
use crate::load::county::{CountyData, Datum};
use crate::types::FieldPath;
use ops::{Val, R};

/// A lowered rule body.
type Code = Box<dyn for<'a> Fn(&mut Env<'a>) -> R<Val<'a>> + Send + Sync>;

/// A rule lowered to closures: the typed tier when every value it sees is a number or a flag,
/// and the untyped tier it falls back to.
pub(crate) struct Program {
    typed: Option<typed::Typed>,
    code: Code,
    strings: Vec<Box<str>>,
    locals: usize,
}

/// Lowers a compiled rule, or `None` when it uses anything outside the untyped tier's subset
/// (then the rule always runs on the interpreter).
pub(crate) fn lower(ast: &rhai::AST, slots: &SlotMap) -> Option<Program> {
    let mut p = build::lower(ast, slots)?;
    p.typed = typed::lower(ast, slots);
    Some(p)
}

impl std::fmt::Debug for Program {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Program")
            .field("typed", &self.typed)
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
    /// The untyped tier's values, made from `datums` when a rule first needs them.
    values: std::cell::OnceCell<Vec<Option<Val<'a>>>>,
    datums: Vec<Option<&'a Datum>>,
    /// The typed tier's row: each number as an `f64`, each flag as 1/0 …
    row: Vec<f64>,
    /// … and its [`typed::Ty::tag`] (0 for a missing value, a text, a date or a list).
    tags: Vec<u8>,
    /// Slots whose text or list is larger than the interpreter's size limits (usually none).
    big: Vec<usize>,
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
            values: Default::default(),
            datums: Vec::with_capacity(n),
            row: Vec::with_capacity(n),
            tags: Vec::with_capacity(n),
            big: Vec::new(),
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
            values: Default::default(),
            datums: Vec::new(),
            row: Vec::new(),
            tags: Vec::new(),
            big: Vec::new(),
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
        use crate::types::Value;
        use typed::Ty;
        let (x, tag) = match d.map(|d| &d.value) {
            Some(Value::Number(f)) if f.is_finite() => (*f, Ty::Float.tag()),
            // Counts are at most 2^53 − 1 once checked; a larger one stays untyped.
            Some(Value::Int(i)) if i.unsigned_abs() < 1 << 53 => (*i as f64, Ty::Int.tag()),
            Some(Value::Bool(b)) => (f64::from(u8::from(*b)), Ty::Bool.tag()),
            Some(v) => {
                if crate::evaluate::over_size_limits(v) {
                    self.big.push(self.datums.len());
                }
                let list = matches!(v, Value::List(_));
                (0.0, if list { Ty::List.tag() } else { typed::OTHER })
            }
            None => (0.0, 0),
        };
        self.row.push(x);
        self.tags.push(tag);
        self.datums.push(d);
    }

    /// The untyped tier's values (made on first use).
    fn values(&self) -> &[Option<Val<'a>>] {
        self.values.get_or_init(|| {
            self.datums
                .iter()
                .map(|d| d.map(|d| Val::of(&d.value)))
                .collect()
        })
    }

    /// Whether a rule reading `slots` reads a value over the sandbox's size limits: such a rule
    /// runs on the interpreter, which enforces them, so both evaluators give the same result.
    pub(crate) fn reads_big(&self, slots: &[usize]) -> bool {
        !self.big.is_empty() && slots.iter().any(|s| self.big.contains(s))
    }

    /// The county's value in a slot, with its provenance.
    pub(crate) fn datum(&self, slot: usize) -> Option<&'a Datum> {
        self.datums.get(slot).copied().flatten()
    }

    /// The required inputs that are missing, in the rule's order (`None` when all are there).
    pub(crate) fn missing(&self, slots: &[usize], inputs: &[FieldPath]) -> Option<Vec<FieldPath>> {
        if slots.iter().all(|s| self.datums[*s].is_some()) {
            return None;
        }
        Some(
            slots
                .iter()
                .zip(inputs)
                .filter(|(s, _)| self.datums[**s].is_none())
                .map(|(_, f)| f.clone())
                .collect(),
        )
    }
}

/// Runs a lowered rule with maximum `max`; `None` when it bails (the interpreter decides).
/// Without `notes` the helpers compute points only and word nothing.
pub(crate) fn run(p: &Program, slots: &Slots<'_>, max: f64, notes: bool) -> Option<Run> {
    if let Some(t) = &p.typed {
        if let Some(run) = typed::run(t, slots, max, notes) {
            return Some(run);
        }
    }
    let mut env = Env {
        fields: slots.values(),
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
            assert_eq!(a.values(), b.values());
            assert_eq!((&a.row, &a.tags), (&b.row, &b.tags));
            assert_eq!(a.values().len(), dict.len());
            assert_eq!(a.values().iter().flatten().count(), c.values.len());
        }
    }
}
