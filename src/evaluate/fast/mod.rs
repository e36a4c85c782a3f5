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

/// One county's values by field slot (dictionary order): numbers and flags in one dense array
/// ([`Dense`], kept by the county data once built, issue 25), texts and lists borrowed (made on
/// first use), so a rule's field read is an index into memory the county's other reads have just
/// brought into cache.
pub(crate) struct Slots<'a> {
    /// The untyped tier's values, made from `datums` when a rule first needs them.
    values: std::cell::OnceCell<Vec<Option<Val<'a>>>>,
    /// The county's value in each slot, made on first use (or with `dense` when that was built).
    datums: std::cell::OnceCell<Vec<Option<&'a Datum>>>,
    /// The typed tier's row, shared with the county data that keeps it.
    pub(crate) dense: std::sync::Arc<Dense>,
    /// The dictionary's paths in slot order.
    order: &'a [FieldPath],
    data: &'a CountyData,
    /// The county's assessment year (`county.year`).
    year: Option<i32>,
}

/// A county's dense row for one dictionary: what the typed tier reads.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Dense {
    /// Each number as an `f64`, each flag as 1/0 …
    pub(crate) row: Vec<f64>,
    /// … and its [`typed::Ty::tag`] (0 for a missing value; [`typed::OTHER`] for a text or date,
    /// the list tag for a list).
    pub(crate) tags: Vec<u8>,
    /// Slots whose text or list is larger than the interpreter's size limits (usually none).
    big: Vec<usize>,
}

impl Dense {
    fn push(&mut self, slot: usize, d: Option<&Datum>) {
        use crate::types::Value;
        use typed::Ty;
        let (x, tag) = match d.map(|d| &d.value) {
            Some(Value::Number(f)) if f.is_finite() => (*f, Ty::Float.tag()),
            // Counts are at most 2^53 − 1 once checked; a larger one stays untyped.
            Some(Value::Int(i)) if i.unsigned_abs() < 1 << 53 => (*i as f64, Ty::Int.tag()),
            Some(Value::Bool(b)) => (f64::from(u8::from(*b)), Ty::Bool.tag()),
            Some(v) => {
                // issue 27 shape 5: records are left to the interpreter, like big values.
                if crate::evaluate::over_size_limits(v) || matches!(v, Value::Records(_)) {
                    self.big.push(slot);
                }
                let list = matches!(v, Value::List(_));
                (0.0, if list { Ty::List.tag() } else { typed::OTHER })
            }
            None => (0.0, 0),
        };
        self.row.push(x);
        self.tags.push(tag);
    }

    /// The dense row of `datums` (one per slot).
    pub(crate) fn of(datums: &[Option<&Datum>]) -> Dense {
        let mut d = Dense {
            row: Vec::with_capacity(datums.len()),
            tags: Vec::with_capacity(datums.len()),
            big: Vec::new(),
        };
        for (slot, x) in datums.iter().enumerate() {
            d.push(slot, *x);
        }
        d
    }
}

/// The county's value in each slot of `order` (the dictionary's paths, in order).
pub(crate) fn datums<'a>(order: &[FieldPath], data: &'a CountyData) -> Vec<Option<&'a Datum>> {
    let mut out = Vec::with_capacity(order.len());
    // County data loaded against this rule set holds the dictionary's own paths, in the
    // same order: one walk matching by identity, no text compared.
    let mut dict = order.iter();
    'county: for (k, d) in data.values() {
        for f in dict.by_ref() {
            if f.same(k) {
                out.push(Some(d));
                continue 'county;
            }
            out.push(None);
        }
        // A path that is not the dictionary's own (data built by hand, or checked against
        // another copy of the rule set): match by text instead.
        return by_text(order, data);
    }
    out.resize(order.len(), None);
    out
}

/// [`datums`] for any county data: a merge of two sorted lists, comparing paths.
fn by_text<'a>(order: &[FieldPath], data: &'a CountyData) -> Vec<Option<&'a Datum>> {
    let mut given = data.values().iter().peekable();
    order
        .iter()
        .map(|f| {
            while given.peek().is_some_and(|(k, _)| *k < f) {
                given.next();
            }
            match given.peek() {
                Some((k, d)) if *k == f => Some(*d),
                _ => None,
            }
        })
        .collect()
}

impl<'a> Slots<'a> {
    /// The county's values in the slots of `order` (the dictionary's paths, in order, as the
    /// rule set shares them): the dense row is the one the county data keeps for this
    /// dictionary, built here only the first time.
    pub(crate) fn new(order: &'a std::sync::Arc<[FieldPath]>, data: &'a CountyData) -> Self {
        let datums = std::cell::OnceCell::new();
        let dense = data.kept_row(order, || {
            let d = self::datums(order, data);
            let dense = Dense::of(&d);
            let _ = datums.set(d);
            dense
        });
        Slots {
            values: Default::default(),
            datums,
            dense,
            order,
            data,
            year: data.info().year,
        }
    }

    /// The county's value in each slot (made on first use).
    pub(crate) fn datums(&self) -> &[Option<&'a Datum>] {
        self.datums.get_or_init(|| datums(self.order, self.data))
    }

    /// The untyped tier's values (made on first use).
    fn values(&self) -> &[Option<Val<'a>>] {
        self.values.get_or_init(|| {
            self.datums()
                .iter()
                .map(|d| d.map(|d| Val::of(&d.value)))
                .collect()
        })
    }

    /// Whether a rule reading `slots` reads a value over the sandbox's size limits: such a rule
    /// runs on the interpreter, which enforces them, so both evaluators give the same result.
    pub(crate) fn reads_big(&self, slots: &[usize]) -> bool {
        !self.dense.big.is_empty() && slots.iter().any(|s| self.dense.big.contains(s))
    }

    /// Whether the county has a value in a slot (read from the dense row's tags).
    pub(crate) fn has(&self, slot: usize) -> bool {
        self.dense.tags.get(slot).is_some_and(|t| *t != 0)
    }

    /// The required inputs that are missing, in the rule's order (`None` when all are there).
    /// Read from the dense row's tags (0 is a missing value), so a points-only run never needs
    /// the values themselves.
    pub(crate) fn missing(&self, slots: &[usize], inputs: &[FieldPath]) -> Option<Vec<FieldPath>> {
        let tags = &self.dense.tags;
        if slots.iter().all(|s| tags[*s] != 0) {
            return None;
        }
        Some(
            slots
                .iter()
                .zip(inputs)
                .filter(|(s, _)| tags[**s] == 0)
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
            .values()
            .keys()
            .filter(|k| dict.get_key_value(*k).is_some_and(|(d, _)| d.same(k)))
            .count();
        assert_eq!(same, c.values().len());
    }

    #[test]
    fn slots_by_identity_and_by_text_agree() {
        let rules = crate::RuleSet::builtin().unwrap();
        let dict = &rules.model.fields;
        for c in crate::synth::generate(&rules, 5, 3) {
            // The same values under paths that are not the dictionary's own.
            let copy = crate::CountyData::unchecked(
                c.info().clone(),
                c.values()
                    .iter()
                    .map(|(k, d)| (crate::types::FieldPath::new(k.as_str()), d.clone()))
                    .collect(),
            );
            let a = super::Slots::new(&rules.order, &c);
            let b = super::Slots::new(&rules.order, &copy);
            assert_eq!(a.values(), b.values());
            assert_eq!(a.dense, b.dense);
            assert_eq!(a.values().len(), dict.len());
            assert_eq!(a.values().iter().flatten().count(), c.values().len());
        }
    }

    #[test]
    fn the_dense_row_is_kept_and_follows_every_change() {
        let rules = crate::RuleSet::builtin().unwrap();
        let mut c = crate::synth::generate(&rules, 1, 7).remove(0);
        let first = super::Slots::new(&rules.order, &c).dense;
        let again = super::Slots::new(&rules.order, &c).dense;
        assert!(
            std::sync::Arc::ptr_eq(&first, &again),
            "built once, then kept"
        );
        // A change through the county data's methods drops the kept row.
        let (field, _) = c
            .values()
            .iter()
            .find(|(_, d)| matches!(d.value, crate::Value::Number(_)))
            .map(|(f, d)| (f.clone(), d.clone()))
            .unwrap();
        let slot = rules.order.iter().position(|f| *f == field).unwrap();
        c.set_unchecked(field.clone(), crate::Datum::new(crate::Value::Number(12.5)));
        let after = super::Slots::new(&rules.order, &c).dense;
        assert_eq!(after.row[slot], 12.5);
        c.remove_unchecked(&field);
        let gone = super::Slots::new(&rules.order, &c).dense;
        assert_eq!(gone.tags[slot], 0);
    }
}
