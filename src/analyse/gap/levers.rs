//! One county's levers: the lever each field declares, or, for a field that declares none, the
//! direction the compiled rules that read it reward, found by probing them with the county's
//! other data (never from the field's name).
//!
//! A probe sets the field alone to values above and below its current value (the search's own
//! grid: doubling steps to the bound and 32 evenly spaced values across a bounded side; the
//! flipped bool; each other enum value; the list with a
//! value more or less) and rolls the entries that read it up to the total ([`Sim`]). If only
//! higher values raise the total (or clear a veto), the lever is inferred `raise`; if only lower
//! ones do, `lower`; if both do, the direction with the larger best total (a tie: `raise`); if
//! neither does, the field is not moved and the search says so ([`Inferred::Undecided`]).

use super::entry::Sim;
use super::search::{probe_values, uniform_values};
use crate::levers::{Inferred, Lever};
use crate::types::{FieldPath, Points};
use std::collections::BTreeMap;

/// The lever of every field the rule set reads, for one county.
#[derive(Debug, Clone, Default)]
pub(crate) struct CountyLevers {
    levers: BTreeMap<FieldPath, Lever>,
    inferred: BTreeMap<FieldPath, Inferred>,
    /// Undeclared fields that some rule divides by: never levers.
    denominators: Vec<FieldPath>,
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
            // A rate's denominator is never a lever (raising the cases decided would dilute a
            // correction rate): not probed, and named as such.
            if sim.readers(f).iter().any(|&i| sim.divides_by(i, f)) {
                out.levers.insert(f.clone(), Lever::None);
                out.denominators.push(f.clone());
                continue;
            }
            let from = sim.data().values().get(f).map(|d| d.value.clone());
            let best = |lever: Lever| -> Option<(bool, Points)> {
                let mut values = probe_values(spec, from.as_ref(), period, lever);
                values.extend(uniform_values(spec, from.as_ref(), period, lever));
                values
                    .into_iter()
                    .map(|v| {
                        let o = sim.outcome(&[(f.clone(), v)]);
                        (!o.vetoed, o.total)
                    })
                    .filter(|k| *k > base_key)
                    .max()
            };
            let mut inferred = match (best(Lever::Raise), best(Lever::Lower)) {
                (Some(_), None) => Inferred::Raise,
                (None, Some(_)) => Inferred::Lower,
                (Some(up), Some(down)) if down > up => Inferred::Lower,
                (Some(_), Some(_)) => Inferred::Raise,
                (None, None) => Inferred::Undecided,
            };
            if inferred == Inferred::Undecided {
                inferred = jointly(sim, f, spec, from.as_ref(), period);
            }
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

/// For a field that changes nothing alone: its direction when another field its rules read is
/// moved too (a rule that needs two figures at once, "rate ≥ 90 and n ≥ 5"). For each other
/// field read by the same entries, each of its probe values (either way) is taken as the base,
/// and the field's own probes are tried on top; the first direction that raises the total above
/// that base is taken.
fn jointly(
    sim: &Sim<'_>,
    f: &FieldPath,
    spec: &crate::model::FieldSpec,
    from: Option<&crate::types::Value>,
    period: Option<(i64, i64)>,
) -> Inferred {
    let mut others: Vec<&FieldPath> = sim
        .readers(f)
        .iter()
        .flat_map(|&i| sim.entries[i].reads.iter())
        .filter(|g| *g != f)
        .collect();
    others.sort();
    others.dedup();
    let specs = sim.rules.fields();
    for g in others {
        let Some(gspec) = specs.get(g) else { continue };
        if gspec.declared_lever() == Some(Lever::None) {
            continue;
        }
        let gfrom = sim.data().values().get(g).map(|d| d.value.clone());
        for gl in [Lever::Raise, Lever::Lower] {
            for gv in probe_values(gspec, gfrom.as_ref(), period, gl) {
                let base = sim.outcome(&[(g.clone(), gv.clone())]);
                let base_key = (!base.vetoed, base.total);
                for (fl, out) in [
                    (Lever::Raise, Inferred::Raise),
                    (Lever::Lower, Inferred::Lower),
                ] {
                    let hit = probe_values(spec, from, period, fl).into_iter().any(|v| {
                        let o = sim.outcome(&[(g.clone(), gv.clone()), (f.clone(), v)]);
                        (!o.vetoed, o.total) > base_key
                    });
                    if hit {
                        return out;
                    }
                }
            }
        }
    }
    Inferred::Undecided
}

/// How many synthetic counties `lint` probes to say what it infers for a field without a lever.
const LINT_COUNTIES: usize = 16;

/// `lint`'s warnings for fields a rule reads that declare no `lever:` (and are the county's own
/// figures): each names the field and the rules that read it, and says what probing those rules
/// on synthetic counties ([`crate::synth::generate`], seed 1) inferred: in how many counties only
/// raising it, only lowering it, or neither raised the total.
pub(crate) fn lint_warnings(rules: &crate::RuleSet) -> Vec<crate::error::Diagnostic> {
    use crate::error::Diagnostic;
    let undeclared: Vec<(&FieldPath, &crate::model::FieldSpec)> = rules
        .fields()
        .iter()
        .filter(|(_, s)| s.declared_lever().is_none())
        .collect();
    if undeclared.is_empty() {
        return Vec::new();
    }
    let counties = crate::synth::generate(rules, LINT_COUNTIES, 1);
    // issue 27 shape 6: relative items are probed within the synthetic counties' group (alone,
    // a county's rank never moves).
    let counties = match rules.relative_fields().is_empty() {
        true => counties,
        false => rules.with_group(counties.clone()).unwrap_or(counties),
    };
    let mut tally: BTreeMap<&FieldPath, [usize; 4]> = BTreeMap::new();
    let mut readers: BTreeMap<&FieldPath, Vec<String>> = BTreeMap::new();
    for c in &counties {
        let sim = Sim::new(rules, c);
        let levers = CountyLevers::new(&sim, c.info().year.and_then(super::search::period_days));
        for (f, _) in &undeclared {
            if sim.readers(f).is_empty() {
                continue;
            }
            readers.entry(f).or_insert_with(|| {
                sim.readers(f)
                    .iter()
                    .map(|&i| format!("{}（{}）", sim.entries[i].id, sim.entries[i].name))
                    .collect()
            });
            let t = tally.entry(f).or_default();
            match levers.inferred(f) {
                Some(Inferred::Raise) => t[0] += 1,
                Some(Inferred::Lower) => t[1] += 1,
                _ if levers.denominators.contains(f) => t[3] += 1,
                _ => t[2] += 1,
            }
        }
    }
    let mut out = Vec::new();
    for (f, spec) in undeclared {
        let Some(read_by) = readers.get(f) else {
            continue;
        };
        let [up, down, neither, divides] = tally.get(f).copied().unwrap_or_default();
        if divides > 0 {
            out.push(
                Diagnostic::warning(
                    crate::error::Code::Lever,
                    &spec.span.file,
                    spec.span.loc(),
                    format!(
                        "field `{f}` ({}) declares no `lever:`; read by {}, where a rule divides by it (a rate's denominator): the gap analysis never moves it",
                        spec.desc,
                        read_by.join(", ")
                    ),
                )
                .with_help("declare `lever: none` on the field (docs/FORMAT.md, \"Levers\")"),
            );
            continue;
        }
        let said = if up > 0 && down == 0 {
            "raise"
        } else if down > 0 && up == 0 {
            "lower"
        } else if up == 0 && down == 0 {
            "undecided"
        } else {
            "mixed"
        };
        out.push(
            Diagnostic::warning(
                crate::error::Code::Lever,
                &spec.span.file,
                spec.span.loc(),
                format!(
                    "field `{f}` ({}) declares no `lever:`; read by {}. Probing those rules on {} synthetic counties: raising it raised the total in {up}, lowering it in {down}, neither in {neither}; the gap analysis infers `{said}` county by county and marks it 推断",
                    spec.desc,
                    read_by.join(", "),
                    counties.len()
                ),
            )
            .with_help(
                "declare `lever: raise`, `lever: lower` or `lever: none` on the field (docs/FORMAT.md, \"Levers\"), or `role: evaluator | prior_year | peer_derived` for a figure that is not the county's own",
            ),
        );
    }
    out
}
