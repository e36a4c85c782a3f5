//! One county's levers: the lever each field declares, or, for a field that declares none, the
//! direction the compiled rules that read it reward, found by probing them with the county's
//! other data (never from the field's name).
//!
//! A probe sets the field alone to values above and below its current value (the search's own
//! grid: doubling steps to the bound; the flipped bool; each other enum value; the list with a
//! value more or less) and rolls the entries that read it up to the total ([`Sim`]). If only
//! higher values raise the total (or clear a veto), the lever is inferred `raise`; if only lower
//! ones do, `lower`; if both do, the direction with the larger best total (a tie: `raise`); if
//! neither does, the field is not moved and the search says so ([`Inferred::Undecided`]).

use super::entry::Sim;
use super::search::probe_values;
use crate::levers::{Inferred, Lever};
use crate::types::{FieldPath, Points};
use std::collections::BTreeMap;

/// The lever of every field the rule set reads, for one county.
#[derive(Debug, Clone, Default)]
pub(crate) struct CountyLevers {
    levers: BTreeMap<FieldPath, Lever>,
    inferred: BTreeMap<FieldPath, Inferred>,
}

impl CountyLevers {
    /// Declared levers, and inferred ones for fields that declare none (see the module).
    pub(crate) fn new(sim: &Sim<'_>, period: Option<(i64, i64)>) -> CountyLevers {
        let mut out = CountyLevers::default();
        let base = sim.outcome(&[]);
        let base_key = (!base.vetoed, base.total);
        for (f, spec) in sim.rules.fields() {
            if let Some(l) = spec.declared_lever() {
                out.levers.insert(f.clone(), l);
                continue;
            }
            if sim.readers(f).is_empty() {
                continue;
            }
            let from = sim.data().values.get(f).map(|d| d.value.clone());
            let best = |lever: Lever| -> Option<(bool, Points)> {
                probe_values(spec, from.as_ref(), period, lever)
                    .into_iter()
                    .map(|v| {
                        let o = sim.outcome(&[(f.clone(), v)]);
                        (!o.vetoed, o.total)
                    })
                    .filter(|k| *k > base_key)
                    .max()
            };
            let inferred = match (best(Lever::Raise), best(Lever::Lower)) {
                (Some(_), None) => Inferred::Raise,
                (None, Some(_)) => Inferred::Lower,
                (Some(up), Some(down)) if down > up => Inferred::Lower,
                (Some(_), Some(_)) => Inferred::Raise,
                (None, None) => Inferred::Undecided,
            };
            out.levers.insert(f.clone(), inferred.lever());
            out.inferred.insert(f.clone(), inferred);
        }
        out
    }

    /// The lever of `f` (`none` for a field the rule set does not declare).
    pub(crate) fn lever(&self, f: &FieldPath) -> Lever {
        self.levers.get(f).copied().unwrap_or(Lever::None)
    }

    /// What was inferred for `f`, when it declares no lever.
    pub(crate) fn inferred(&self, f: &FieldPath) -> Option<Inferred> {
        self.inferred.get(f).copied()
    }
}
