//! Every place a county loses points, as one kind of thing the gap search can probe: an item, a
//! penalty (node or total), a zeroing entry, a bonus below its cap, a veto. Each [`Entry`] is
//! evaluated alone, on a copy of just the fields its rule reads (one rule, not the county), and
//! [`Sim`] rolls the entries' values up to the total with the report's own arithmetic
//! ([`crate::aggregate::Roll`]), so a plan's total is known without rescoring the county.

use crate::aggregate::{adjustment, zeroing, Roll, Rolled, ALL_POINTS};
use crate::evaluate::{Evaluator, Outcome};
use crate::load::county::CountyData;
use crate::report::ItemStatus;
use crate::scoring::Runner;
use crate::types::{FieldPath, IndicatorId, Points, Value};
use crate::RuleSet;
use std::collections::BTreeMap;

/// What kind of entry, with its index (an item's among [`RuleSet::items`], the others' in the
/// rule set's lists).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Kind {
    Item(usize),
    Penalty(usize),
    Bonus(usize),
    Veto(usize),
}

/// One place points are won or lost, with the fields its rule reads.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub kind: Kind,
    pub id: IndicatorId,
    pub name: String,
    /// Required then optional inputs.
    pub reads: Vec<FieldPath>,
    /// The most the entry can be worth, as its [`Entry::value`]: an item's points, a bonus's
    /// cap, 0 for a penalty, a zeroing entry or a veto (nothing taken, not fired).
    pub best: Points,
    /// A zeroing entry (its value is 0 or −[`ALL_POINTS`]).
    pub zeroing: bool,
    /// The node (index in the model) an item sits under at level 1, or a penalty applies to.
    pub node: Option<usize>,
}

/// A veto that fires, as an entry value: far below anything a rule can give.
pub(crate) const FIRED: Points = Points::from_milli(-(i64::MAX / 1024));

impl Entry {
    /// Every entry of a rule set, items first (in tree order), then penalties, bonuses, vetoes.
    pub(crate) fn all(rules: &RuleSet) -> Vec<Entry> {
        let m = &rules.model;
        let mut out = Vec::new();
        for (pos, (idx, _)) in rules.items.iter().enumerate() {
            let n = &m.nodes[*idx];
            out.push(Entry {
                kind: Kind::Item(pos),
                id: n.id.clone(),
                name: n.name.to_string(),
                reads: n.leaf.as_ref().map(|l| l.reads()).unwrap_or_default(),
                best: n.points,
                zeroing: false,
                node: Some(*idx),
            });
        }
        let node_of = |id: &IndicatorId| m.nodes.iter().position(|n| &n.id == id);
        for (i, p) in m.penalties.iter().enumerate() {
            out.push(Entry {
                kind: Kind::Penalty(i),
                id: p.id.clone(),
                name: p.name.clone(),
                reads: p.inputs.iter().chain(&p.optional_inputs).cloned().collect(),
                best: Points::ZERO,
                zeroing: p.is_zeroing(),
                node: node_of(&p.applies_to),
            });
        }
        for (i, b) in m.bonuses.iter().enumerate() {
            out.push(Entry {
                kind: Kind::Bonus(i),
                id: b.id.clone(),
                name: b.name.clone(),
                reads: b.inputs.iter().chain(&b.optional_inputs).cloned().collect(),
                best: b.cap,
                zeroing: false,
                node: None,
            });
        }
        for (i, v) in m.vetoes.iter().enumerate() {
            out.push(Entry {
                kind: Kind::Veto(i),
                id: v.id.clone(),
                name: v.name.clone(),
                reads: v.inputs.iter().chain(&v.optional_inputs).cloned().collect(),
                best: Points::ZERO,
                zeroing: false,
                node: None,
            });
        }
        out
    }

    /// The entry's value on `data` (which need hold only the fields it reads): an item's points,
    /// minus a penalty's points as requested (after its own cap; a zeroing entry that holds is
    /// −[`ALL_POINTS`]), a bonus's points (after its cap), a veto that fires [`FIRED`]. Higher
    /// is always better for the county. `None` when the rule does not score (no data, an error).
    pub(crate) fn value(&self, rules: &RuleSet, data: &CountyData) -> Option<Points> {
        // Items go through `score_item` (which binds the county itself); the others share one
        // runner, made only when needed.
        let runner = || Runner::new(rules, data, Evaluator::Compiled).quiet();
        let m = &rules.model;
        match self.kind {
            Kind::Item(pos) => {
                let s = rules.score_item(data, pos)?;
                (s.status == ItemStatus::Scored).then_some(s.earned)
            }
            Kind::Penalty(i) => {
                let p = m.penalties.get(i)?;
                let run = runner().run(rules.penalties.get(i)?, p.cap.map_or(0.0, |c| c.as_f64()));
                if p.is_zeroing() {
                    let (_, status, _, holds) = zeroing(&run, p.applies_to.as_str());
                    (status == ItemStatus::Scored).then_some(if holds {
                        -ALL_POINTS
                    } else {
                        Points::ZERO
                    })
                } else {
                    let (pts, status, _) = adjustment(&run, p.cap);
                    (status == ItemStatus::Scored).then_some(-pts)
                }
            }
            Kind::Bonus(i) => {
                let b = m.bonuses.get(i)?;
                let run = runner().run(rules.bonuses.get(i)?, b.cap.as_f64());
                let (pts, status, _) = adjustment(&run, Some(b.cap));
                (status == ItemStatus::Scored).then_some(pts)
            }
            Kind::Veto(i) => {
                let run = runner().run(rules.vetoes.get(i)?, 0.0);
                match run.outcome {
                    Outcome::Bool(true) => Some(FIRED),
                    Outcome::Bool(false) => Some(Points::ZERO),
                    _ => None,
                }
            }
        }
    }

    /// A copy of `data` holding only the fields this entry reads (the county's info kept).
    pub(crate) fn work(&self, data: &CountyData) -> CountyData {
        let values: BTreeMap<_, _> = (self.reads.iter())
            .filter_map(|f| data.values().get(f).map(|d| (f.clone(), d.clone())))
            .collect();
        let work = CountyData::working(data.info().clone(), values);
        // issue 27 shape 6: a relative item is compared with the same group.
        match data.group() {
            Some(g) => work.with_group(g.clone()),
            None => work,
        }
    }
}

/// The county's entries with their current values, rolled up as the report does; applies sets
/// of changes by re-evaluating only the entries that read a changed field.
pub(crate) struct Sim<'r> {
    pub rules: &'r RuleSet,
    pub entries: Vec<Entry>,
    /// Each entry's value on the county's data (`None`: it does not score).
    pub base: Vec<Option<Points>>,
    /// For every field, the entries that read it.
    readers: BTreeMap<FieldPath, Vec<usize>>,
    roll: Roll,
    data: CountyData,
    /// How many entry evaluations were made (benchmarks, tests).
    pub evaluations: std::cell::Cell<usize>,
}

impl Sim<'_> {
    /// Whether no field that an entry below its best reads (an item that lost points, a
    /// penalty charged, a bonus under its cap, a veto that fires) is read by any other entry.
    /// Only then is the plan search's "no combination reaches the line" a proof: its options
    /// combine entries as they were searched one by one, so a joint move is missed — two items
    /// needing the same field moved (one `f2 ≥ 2` with `f0 ≤ 1`, the other `f2 = 4`), or a
    /// penalty on `f0` whose fix lowers a full item on `f2 + f0` unless `f2` rises too.
    pub(crate) fn losing_entries_independent(&self) -> bool {
        let losing = |k: usize| self.base[k].is_none_or(|b| b < self.entries[k].best);
        self.readers
            .values()
            .all(|rs| rs.len() <= 1 || !rs.iter().any(|k| losing(*k)))
    }
}

/// The outcome of a set of changes: total, first-level areas, whether a veto fires.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Outcome2 {
    pub total: Points,
    /// Every node's points after its penalties (as [`Rolled::earned`]).
    pub rolled: Rolled,
    pub vetoed: bool,
}

impl<'r> Sim<'r> {
    pub(crate) fn new(rules: &'r RuleSet, data: &CountyData) -> Sim<'r> {
        let entries = Entry::all(rules);
        let base = entries.iter().map(|e| e.value(rules, data)).collect();
        let mut readers: BTreeMap<FieldPath, Vec<usize>> = BTreeMap::new();
        for (i, e) in entries.iter().enumerate() {
            for f in &e.reads {
                let v = readers.entry(f.clone()).or_default();
                if !v.contains(&i) {
                    v.push(i);
                }
            }
        }
        Sim {
            rules,
            entries,
            base,
            readers,
            roll: Roll::new(&rules.model),
            data: data.clone(),
            evaluations: std::cell::Cell::new(0),
        }
    }

    /// Whether entry `i`'s rule divides by `field` (a rate's denominator, as the helper registry
    /// marks it, or the right operand of `/`: [`super::search::denominators`]).
    pub(crate) fn divides_by(&self, i: usize, field: &FieldPath) -> bool {
        let m = &self.rules.model;
        let expr = match self.entries.get(i).map(|e| e.kind) {
            Some(Kind::Item(pos)) => self
                .rules
                .items
                .get(pos)
                .and_then(|(idx, _)| m.nodes[*idx].leaf.as_ref())
                .map(|l| l.score.as_str()),
            Some(Kind::Penalty(k)) => m.penalties.get(k).map(|p| p.expression()),
            Some(Kind::Bonus(k)) => m.bonuses.get(k).map(|b| b.score.as_str()),
            Some(Kind::Veto(k)) => m.vetoes.get(k).map(|v| v.when.as_str()),
            None => None,
        };
        expr.is_some_and(|e| super::search::denominators(&m.fields, e).contains(field))
    }

    /// The entries that read `field`.
    pub(crate) fn readers(&self, field: &FieldPath) -> &[usize] {
        self.readers.get(field).map_or(&[], |v| v.as_slice())
    }

    /// The county's data.
    pub(crate) fn data(&self) -> &CountyData {
        &self.data
    }

    /// The entries' values with `changes` applied (only readers of a changed field evaluated).
    pub(crate) fn values(&self, changes: &[(FieldPath, Value)]) -> Vec<Option<Points>> {
        let mut vals = self.base.clone();
        if changes.is_empty() {
            return vals;
        }
        let mut touched: Vec<usize> = changes
            .iter()
            .flat_map(|(f, _)| self.readers(f).iter().copied())
            .collect();
        touched.sort_unstable();
        touched.dedup();
        for i in touched {
            let e = &self.entries[i];
            let mut work = e.work(&self.data);
            for (f, v) in changes {
                if e.reads.contains(f) {
                    super::search::set(&mut work, f, v.clone());
                }
            }
            self.evaluations.set(self.evaluations.get() + 1);
            vals[i] = e.value(self.rules, &work);
        }
        vals
    }

    /// Rolls entry values up to the total as the report does (an entry that does not score
    /// counts 0, as in the report).
    pub(crate) fn roll(&self, vals: &[Option<Points>]) -> Outcome2 {
        let m = &self.rules.model;
        let mut leaf = vec![None; m.nodes.len()];
        let mut wanted = vec![Points::ZERO; m.penalties.len()];
        let mut bonus = vec![Points::ZERO; m.bonuses.len()];
        let mut vetoed = false;
        for (e, v) in self.entries.iter().zip(vals) {
            let v = v.unwrap_or(Points::ZERO);
            match e.kind {
                Kind::Item(pos) => {
                    if let Some((idx, _)) = self.rules.items.get(pos) {
                        leaf[*idx] = Some(v);
                    }
                }
                Kind::Penalty(i) => wanted[i] = -v,
                Kind::Bonus(i) => bonus[i] = v,
                Kind::Veto(_) => vetoed |= v < Points::ZERO,
            }
        }
        let rolled = self.roll.run(m, &leaf, &wanted, &bonus);
        Outcome2 {
            total: rolled.total,
            rolled,
            vetoed,
        }
    }

    /// The outcome of a set of changes.
    pub(crate) fn outcome(&self, changes: &[(FieldPath, Value)]) -> Outcome2 {
        self.roll(&self.values(changes))
    }

    /// The level-1 nodes: (model index, id, points).
    pub(crate) fn areas(&self) -> Vec<(usize, IndicatorId, Points)> {
        self.rules
            .model
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.level == 1)
            .map(|(i, n)| (i, n.id.clone(), n.points))
            .collect()
    }
}
