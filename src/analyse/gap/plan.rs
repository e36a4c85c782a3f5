//! A plan to a pass line: the cheapest set of item changes that reaches it, solved exactly.
//!
//! **Options.** Every item that lost points offers its fix (and its alternative single changes,
//! of which a plan takes at most one per item); every item without data offers its supply. Each
//! option is a set of data changes (levers only, in their direction), with its cost (by default
//! 1: the plan minimises the number of items changed; or from a cost file, [`Costs`]).
//!
//! **Exact solution.** The choice is a 0–1 integer programme solved with `microlp` (a maintained
//! pure-Rust simplex and branch-and-bound solver): minimise the total cost subject to at most one
//! option per item, the options' points reaching the line's total, and, for every first-level
//! area below the line's minimum share, the area's options reaching its share. An option's
//! points in the programme are the most it can move the total or the area (the larger of the
//! item's own gain and the standalone rescore's change), so the programme never understates what
//! a set of changes does when, as in the indicator system, an item's points reach the total
//! through sums that move at most one for one (node penalties and caps only take points away).
//! The programme's optimum is therefore a lower bound on the true optimum. The chosen set is then
//! applied to the county's data and the county is fully rescored (bonuses, caps, node and total
//! penalties, vetoes): when the rescore meets the line, that cost is optimal; when it does not, the
//! set (and every subset of it) is excluded with a cut ("take at least one option outside it") and
//! the programme is solved again. A set that fires a veto the county does not already have is
//! never proposed. When the time limit stops the search, the plan is the best verified plan found
//! (the greedy plan at worst) and the report gives the programme's proven lower bound on the
//! cost.

use super::entry::{Kind, Outcome2, Sim};
use super::{apply_changes, areas_short, id_order, AdjustmentKind, Change, GapAnalysis};
use crate::error::{Error, Result};
use crate::load::county::CountyData;
use crate::model::PassLine;
use crate::report::Report;
use crate::types::{FieldPath, IndicatorId, Points, Value};
use crate::RuleSet;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

/// A plan to one pass line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// Pass line id.
    pub pass_line: IndicatorId,
    /// Its name (示范).
    pub name: String,
    /// The county's total now.
    pub total_before: Points,
    /// The item changes, largest gain first.
    pub steps: Vec<PlanStep>,
    /// The total with every step applied (a full rescore).
    pub total_after: Points,
    /// Whether the total and the area shares meet the line after the plan.
    pub reaches: bool,
    /// Whether a veto keeps the line out of reach whatever the score.
    pub blocked_by_veto: bool,
    /// The plan's cost (the number of items changed by default; see [`Costs`]).
    #[serde(default)]
    pub cost: f64,
    /// How the plan was found: `optimal`, `time_limit` (best plan found, with `lower_bound`),
    /// or `unreachable` (even every option together does not reach the line).
    #[serde(default = "Solver::default_status")]
    pub solver: Solver,
    /// The proven lower bound on the cost of any plan over the same options (equals `cost`
    /// when `optimal`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lower_bound: Option<f64>,
    /// For a plan that does not reach its line: whether that is proven over the levers' whole
    /// domains (every entry that lost points either reaches its best with its fix or was
    /// searched exhaustively). Only then does the report say the line cannot be reached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proven: Option<bool>,
}

/// How a plan was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Solver {
    /// No plan over the same options costs less (proven by the integer programme and verified by
    /// a full rescore).
    Optimal,
    /// The time limit stopped the solver: the best verified plan found, with the proven lower
    /// bound on the cost.
    TimeLimit,
    /// Even every option together does not reach the line: the plan applies them all.
    Unreachable,
}

impl Solver {
    fn default_status() -> Solver {
        Solver::Optimal
    }
}

/// One item's change in a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanStep {
    /// Item id.
    pub item: IndicatorId,
    /// Item name.
    pub name: String,
    /// First-level area id.
    pub area: IndicatorId,
    /// What the step changes: `item`, `penalty` (扣分), `zeroing` (该项/总分为零), `bonus`
    /// (加分) or `veto` (一票否决).
    #[serde(default = "item_kind", skip_serializing_if = "is_item")]
    pub kind: String,
    /// Whether the step supplies missing data (true) or improves data the county has.
    pub supplies_data: bool,
    /// The changes to the data.
    pub changes: Vec<Change>,
    /// Points the county's total gains with this step: `total_after` minus the total before it
    /// (both full rescores), so a penalty on a node that becomes chargeable, caps, bonuses and
    /// zeroing entries are counted.
    pub gain: Points,
    /// Points the entry itself gains (rescored): an item's or a bonus's points, a penalty's
    /// points no longer charged, a zeroing entry's points no longer taken.
    #[serde(default)]
    pub item_gain: Points,
    /// The step's cost.
    #[serde(default)]
    pub cost: f64,
    /// The county's total after this step and every step before it (rescored).
    pub total_after: Points,
}

fn item_kind() -> String {
    "item".into()
}

fn is_item(k: &str) -> bool {
    k == "item"
}

/// What a plan minimises, read from a cost file (`--costs FILE`, YAML):
///
/// ```yaml
/// default: 1              # cost of changing an item with no cost below (default 1)
/// items:                  # a fixed cost per item changed
///   "6.2.1": 3
/// fields:                 # a cost per unit moved: per percentage point, per count, per day;
///   litigation.head_appearance_rate: 0.5   # per value for a bool, enum or list
/// ```
///
/// An option's cost is its item's fixed cost (`items`, else `default` when none of its changes
/// has a field cost, else 0) plus, for every changed field with a cost, the cost per unit times
/// the distance moved (a supplied value counts its distance from 0; a bool, enum or date
/// supplied counts 1 unit).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Costs {
    /// Cost of changing an item that has no cost of its own and none of whose fields has one.
    #[serde(default = "one")]
    pub default: f64,
    /// A fixed cost per item changed, by item id.
    #[serde(default)]
    pub items: BTreeMap<IndicatorId, f64>,
    /// A cost per unit moved, by field.
    #[serde(default)]
    pub fields: BTreeMap<FieldPath, f64>,
}

fn one() -> f64 {
    1.0
}

impl Default for Costs {
    fn default() -> Self {
        Costs {
            default: 1.0,
            items: BTreeMap::new(),
            fields: BTreeMap::new(),
        }
    }
}

impl Costs {
    /// Reads a cost file. Fails with [`Error::Invalid`] naming the file, line and column of a
    /// YAML error or an unknown key, an item or field the rule set does not have, or a cost
    /// that is negative or not finite.
    pub fn from_str(name: &str, text: &str, rules: &RuleSet) -> Result<Costs> {
        let syntax = crate::load::parse::Syntax::Yaml;
        let costs: Costs = crate::load::parse::typed(name, text, syntax).map_err(|d| {
            let d = if d.help.is_some() {
                d
            } else {
                d.with_help("write `default: N`, `items: {ID: N}` and `fields: {FIELD: N per unit}` (docs/gap.md, \"The plan to a pass line\")")
            };
            Error::Invalid(d.to_string())
        })?;
        let bad = |what: String, help: &str| {
            Error::Invalid(format!("{name}: error: {what}\nhelp: {help}"))
        };
        let check = |k: &str, c: f64| {
            if !(c.is_finite() && c >= 0.0) {
                Err(bad(
                    format!("the cost of `{k}` is {c}"),
                    "costs are numbers ≥ 0",
                ))
            } else {
                Ok(())
            }
        };
        check("default", costs.default)?;
        for (id, c) in &costs.items {
            if rules.node(id.as_str()).is_none_or(|n| n.leaf.is_none()) {
                return Err(bad(
                    format!(
                        "`{id}` under `items` is not an item of rule set `{}`",
                        rules.id()
                    ),
                    "use a scored item's id, such as 6.2.1",
                ));
            }
            check(id.as_str(), *c)?;
        }
        for (f, c) in &costs.fields {
            if !rules.fields().contains_key(f) {
                return Err(bad(
                    format!(
                        "`{f}` under `fields` is not in the data dictionary of `{}`",
                        rules.id()
                    ),
                    "use a field path from the rule set's `fields:`",
                ));
            }
            check(f.as_str(), *c)?;
        }
        Ok(costs)
    }

    /// Reads a cost file from disk (see [`Costs::from_str`]); an unreadable file is
    /// [`Error::Io`].
    pub fn from_file(path: impl AsRef<std::path::Path>, rules: &RuleSet) -> Result<Costs> {
        let p = path.as_ref();
        let text = std::fs::read_to_string(p).map_err(|e| Error::Io {
            path: p.to_path_buf(),
            source: e,
        })?;
        Costs::from_str(&p.display().to_string(), &text, rules)
    }

    /// The cost of changing `item` by `changes`.
    pub fn of(&self, item: &IndicatorId, changes: &[Change]) -> f64 {
        let mut per_unit = 0.0;
        let mut any = false;
        for c in changes {
            if let Some(u) = self.fields.get(&c.field) {
                any = true;
                per_unit += u * distance(c);
            }
        }
        let fixed = match self.items.get(item) {
            Some(c) => *c,
            None if any => 0.0,
            None => self.default,
        };
        fixed + per_unit
    }
}

/// How far a change moves its field, in the field's units: numbers by their difference, dates
/// by days, lists by values added or removed, anything else 1.
fn distance(c: &Change) -> f64 {
    use crate::types::Value;
    match (&c.from, &c.to) {
        (Some(a), b) if a.as_f64().is_some() && b.as_f64().is_some() => {
            (b.as_f64().unwrap_or(0.0) - a.as_f64().unwrap_or(0.0)).abs()
        }
        (None, b) if b.as_f64().is_some() => b.as_f64().unwrap_or(0.0).abs(),
        (Some(Value::Text(a)), Value::Text(b)) => {
            match (
                a.parse::<jiff::civil::Date>(),
                b.parse::<jiff::civil::Date>(),
            ) {
                (Ok(x), Ok(y)) => f64::from((y - x).get_days()).abs(),
                _ => 1.0,
            }
        }
        (Some(Value::List(a)), Value::List(b)) => {
            (a.iter().filter(|x| !b.contains(x)).count()
                + b.iter().filter(|x| !a.contains(x)).count()) as f64
        }
        _ => 1.0,
    }
}

/// How plans are made: what they minimise and how long the solver may run per pass line.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanOptions {
    /// The costs (default: every item changed costs 1).
    pub costs: Costs,
    /// The solver's time limit per pass line (default 10 s); on expiry the best plan found is
    /// given with the proven lower bound on the cost.
    pub time_limit: Duration,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            costs: Costs::default(),
            time_limit: Duration::from_secs(10),
        }
    }
}

/// One option: an entry's change (an item's, a penalty's, a zeroing entry's, a bonus's, a
/// veto's), with what it does alone and the most it can add to the total and to each area.
#[derive(Clone, Debug)]
pub(crate) struct Candidate {
    pub(crate) item: IndicatorId,
    name: String,
    area: IndicatorId,
    /// `item`, `penalty`, `zeroing`, `bonus` or `veto`.
    kind: &'static str,
    supplies_data: bool,
    pub(crate) changes: Vec<Change>,
    /// The entry's own gain (points won back as the entry counts them).
    gain: Points,
    pub(crate) cost: f64,
    /// The sum of the moves' relative sizes (the tie-break between plans of equal cost).
    size: f64,
    /// The most the option can add to the total, in thousandths of a point: the sum of what it
    /// adds to every entry it changes (see the module: a sound upper bound).
    bound: i64,
    /// The same per first-level area (model index of the area → thousandths).
    area_bound: Vec<(usize, i64)>,
    /// Whether it clears a veto that fires now.
    lifts_veto: bool,
}

/// An option before its bounds are known: entry id, name, area, kind, whether it supplies data,
/// the changes, the entry's own gain.
type RawOption = (
    IndicatorId,
    String,
    IndicatorId,
    &'static str,
    bool,
    Vec<Change>,
    Points,
);

/// Every option of a gap analysis, with its cost, its bounds and what it does alone; options
/// that fire a veto the county does not have are left out.
pub(crate) fn candidates(sim: &Sim<'_>, gap: &GapAnalysis, costs: &Costs) -> Vec<Candidate> {
    let rules = sim.rules;
    let m = &rules.model;
    let mut raw: Vec<RawOption> = Vec::new();
    for i in &gap.lost {
        let fixes = i.fix.iter().chain(&i.alternatives).chain(&i.partial);
        for f in fixes.filter(|f| f.gain > Points::ZERO) {
            raw.push((
                i.id.clone(),
                i.name.to_string(),
                i.area.clone(),
                "item",
                false,
                f.changes.clone(),
                f.gain,
            ));
        }
    }
    for i in &gap.no_data {
        if let Some(f) = i.supply.as_ref().filter(|f| f.gain > Points::ZERO) {
            raw.push((
                i.id.clone(),
                i.name.to_string(),
                i.area.clone(),
                "item",
                true,
                f.changes.clone(),
                f.gain,
            ));
        }
    }
    for a in &gap.adjustments {
        let fixes = a.fix.iter().chain(&a.partial);
        for f in fixes.filter(|f| f.gain > Points::ZERO || a.kind == AdjustmentKind::Veto) {
            if f.changes.is_empty() {
                continue;
            }
            let area = a
                .applies_to
                .as_ref()
                .and_then(|id| rules.node(id.as_str()))
                .map(|n| m.nodes[n.area].id.clone())
                .unwrap_or_else(|| IndicatorId::new("total"));
            raw.push((
                a.id.clone(),
                a.name.clone(),
                area,
                a.kind.as_str(),
                false,
                f.changes.clone(),
                f.gain,
            ));
        }
    }
    let base_vals = &sim.base;
    let base = sim.roll(base_vals);
    let specs = rules.fields();
    let mut out: Vec<Candidate> = raw
        .into_iter()
        .filter_map(|(item, name, area, kind, supplies_data, changes, gain)| {
            let ch: Vec<(FieldPath, Value)> = changes
                .iter()
                .map(|c| (c.field.clone(), c.to.clone()))
                .collect();
            let vals = sim.values(&ch);
            let alone = sim.roll(&vals);
            if alone.vetoed && !base.vetoed {
                return None;
            }
            // The bound: what the option adds to each entry it changes, as the roll-up can pass
            // it on (an item's or a bonus's gain, a penalty's points no longer requested, a
            // zeroing entry lifted: at most the points of what it zeroed).
            let mut bound = 0i64;
            let mut area_bound: BTreeMap<usize, i64> = BTreeMap::new();
            let mut lifts_veto = false;
            for (i, e) in sim.entries.iter().enumerate() {
                let (before, after) = (
                    base_vals[i].unwrap_or(Points::ZERO),
                    vals[i].unwrap_or(Points::ZERO),
                );
                if after <= before {
                    continue;
                }
                let add = match e.kind {
                    Kind::Veto(_) => {
                        lifts_veto = true;
                        0
                    }
                    Kind::Penalty(_) if e.zeroing => match e.node {
                        Some(n) => m.nodes[n].points.milli(),
                        None => (m.header.areas_points()
                            + m.header.bonus_limit().unwrap_or_else(|| {
                                m.bonuses.iter().map(|b| b.cap).sum::<Points>()
                            }))
                        .milli(),
                    },
                    _ => (after - before).milli(),
                };
                bound = bound.saturating_add(add);
                if let Some(n) = e.node {
                    *area_bound.entry(m.nodes[n].area).or_default() += add;
                }
            }
            let size = changes
                .iter()
                .map(|c| {
                    specs
                        .get(&c.field)
                        .map_or(1.0, |s| super::search::size(s, c.from.as_ref(), &c.to))
                })
                .sum();
            Some(Candidate {
                cost: costs.of(&item, &changes),
                item,
                name,
                area,
                kind,
                supplies_data,
                changes,
                gain,
                size,
                bound,
                area_bound: area_bound.into_iter().collect(),
                lifts_veto,
            })
        })
        .collect();
    out.sort_by(|a, b| b.gain.cmp(&a.gain).then_with(|| id_order(&a.item, &b.item)));
    out
}

/// A plan for every pass line the county does not reach.
pub(crate) fn plans(
    sim: &Sim<'_>,
    report: &Report,
    gap: &GapAnalysis,
    opts: &PlanOptions,
) -> Vec<Plan> {
    let cands = candidates(sim, gap, &opts.costs);
    // Every entry that lost points either reaches its best with its fix or was searched over
    // its levers' whole domains; items without data are supplied to full points.
    let proven = gap.lost.iter().all(|i| {
        i.status != crate::ItemStatus::Error
            && (i.search.complete
                || i.fix
                    .as_ref()
                    .is_some_and(|f| f.reach == super::Reach::Full))
    }) && gap.adjustments.iter().all(|a| {
        a.search.complete
            || a.fix
                .as_ref()
                .is_some_and(|f| f.reach == super::Reach::Full)
    }) && gap.no_data.iter().all(|n| {
        n.supply
            .as_ref()
            .is_some_and(|f| f.reach == super::Reach::Full)
    }) && sim.losing_entries_independent();
    sim.rules
        .pass_lines()
        .iter()
        .filter(|p| !report.passes(p.id.as_str()))
        .map(|p| {
            let mut plan = plan_for(sim, report, p, &cands, opts.time_limit);
            if !plan.reaches {
                plan.proven = Some(proven && plan.solver == Solver::Unreachable);
            }
            plan
        })
        .collect()
}

/// Whether a report meets a pass line's total and area shares, without a veto the county did
/// not have before (`vetoed_before`).
pub(crate) fn meets(report: &Report, p: &PassLine, vetoed_before: bool) -> bool {
    report.summary.total >= p.min_total
        && areas_short(report, p.min_area_share).is_empty()
        && (vetoed_before || !report.summary.vetoed)
}

/// Whether an outcome meets a pass line: the total, every area's share, and no veto (when
/// `lift` asks for the county's vetoes to be cleared; otherwise no veto the county did not have).
fn meets_outcome(
    sim: &Sim<'_>,
    o: &Outcome2,
    p: &PassLine,
    vetoed_before: bool,
    lift: bool,
) -> bool {
    o.total >= p.min_total
        && area_shortfalls(sim, o, p).iter().all(|(_, s)| *s <= 0)
        && (if lift {
            !o.vetoed
        } else {
            vetoed_before || !o.vetoed
        })
}

/// Each first-level area's shortfall (thousandths) against a line's minimum share.
fn area_shortfalls(sim: &Sim<'_>, o: &Outcome2, p: &PassLine) -> Vec<(usize, i64)> {
    let Some(share) = p.min_area_share else {
        return Vec::new();
    };
    sim.areas()
        .into_iter()
        .filter(|(_, _, pts)| *pts > Points::ZERO)
        .filter_map(|(i, _, pts)| {
            let earned = o.rolled.earned[i];
            let s = earned.as_f64() / pts.as_f64();
            crate::numeric::below(s, share).then(|| {
                // The smallest earned points whose share is not below the line.
                let need = (share * pts.as_f64() * 1000.0 - 1e-6).ceil() as i64;
                (i, (need - earned.milli()).max(1))
            })
        })
        .collect()
}

pub(crate) fn rescore(rules: &RuleSet, data: &CountyData, steps: &[&Candidate]) -> Option<Report> {
    let changes: Vec<Change> = steps.iter().flat_map(|c| c.changes.clone()).collect();
    apply_changes(rules, data, &changes)
        .ok()
        .map(|d| rules.score(&d))
}

/// Whether two options can go into one plan: different entries, and no field set to two values.
fn compatible(a: &Candidate, b: &Candidate) -> bool {
    a.item != b.item
        && !a
            .changes
            .iter()
            .any(|x| b.changes.iter().any(|y| y.field == x.field && y.to != x.to))
}

/// The county's data and entry values with a set of options applied (only the entries that read
/// a changed field are evaluated again).
struct State<'s, 'r> {
    sim: &'s Sim<'r>,
    data: CountyData,
    vals: Vec<Option<Points>>,
}

impl<'s, 'r> State<'s, 'r> {
    fn new(sim: &'s Sim<'r>) -> Self {
        State {
            sim,
            data: sim.data().clone(),
            vals: sim.base.clone(),
        }
    }

    fn apply(&mut self, c: &Candidate) {
        let mut touched: Vec<usize> = Vec::new();
        for x in &c.changes {
            super::search::set(&mut self.data, &x.field, x.to.clone());
            touched.extend(self.sim.readers(&x.field));
        }
        touched.sort_unstable();
        touched.dedup();
        for i in touched {
            let e = &self.sim.entries[i];
            self.vals[i] = e.value(self.sim.rules, &e.work(&self.data));
        }
    }
}

enum Solved {
    /// The programme's optimal choice (indices into the options) and its objective.
    Chosen(Vec<usize>, f64),
    /// No choice satisfies the programme.
    Infeasible,
    /// The time limit ran out, with the best proven bound.
    TimeUp(f64),
}

/// The 0–1 programme over the options' bounds (see the module): at most one option per entry,
/// no two options setting a field to different values, the bounds reaching the total's and
/// every short area's shortfall, a veto cleared when `must_lift`, and every cut ("take an option
/// outside this set", for sets the exact roll-up refused).
#[allow(clippy::too_many_arguments)]
fn programme(
    cands: &[Candidate],
    short: i64,
    areas: &[(usize, i64)],
    must_lift: bool,
    cuts: &[Vec<usize>],
    time_limit: Duration,
) -> Solved {
    use microlp::{ComparisonOp, OptimizationDirection, Problem};
    // Work no longer wanted (issue 23): no solver run once stopped, none past the deadline.
    let time_limit = if crate::cancel::stopped() {
        Duration::ZERO
    } else {
        crate::cancel::remaining().map_or(time_limit, |r| r.min(time_limit))
    };
    if time_limit.is_zero() {
        return Solved::TimeUp(0.0);
    }
    let mut lp = Problem::new(OptimizationDirection::Minimize);
    let x: Vec<_> = cands.iter().map(|c| lp.add_binary_var(c.cost)).collect();
    let mut by_entry: BTreeMap<&IndicatorId, Vec<usize>> = BTreeMap::new();
    for (i, c) in cands.iter().enumerate() {
        by_entry.entry(&c.item).or_default().push(i);
    }
    for v in by_entry.values().filter(|v| v.len() > 1) {
        let terms: Vec<_> = v.iter().map(|&i| (x[i], 1.0)).collect();
        lp.add_constraint(terms, ComparisonOp::Le, 1.0);
    }
    for i in 0..cands.len() {
        for j in i + 1..cands.len() {
            if cands[i].item != cands[j].item && !compatible(&cands[i], &cands[j]) {
                lp.add_constraint([(x[i], 1.0), (x[j], 1.0)], ComparisonOp::Le, 1.0);
            }
        }
    }
    // Points are whole thousandths, so "≥ shortfall − 0.5" is "≥ shortfall" for any 0–1 choice.
    if short > 0 {
        let terms: Vec<_> = cands
            .iter()
            .enumerate()
            .map(|(i, c)| (x[i], c.bound.max(0) as f64))
            .collect();
        lp.add_constraint(terms, ComparisonOp::Ge, short as f64 - 0.5);
    }
    for (a, need) in areas {
        let terms: Vec<_> = cands
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let b = c
                    .area_bound
                    .iter()
                    .find(|(x, _)| x == a)
                    .map_or(0, |(_, b)| *b);
                (x[i], b.max(0) as f64)
            })
            .collect();
        lp.add_constraint(terms, ComparisonOp::Ge, *need as f64 - 0.5);
    }
    if must_lift {
        let terms: Vec<_> = cands
            .iter()
            .enumerate()
            .filter(|(_, c)| c.lifts_veto)
            .map(|(i, _)| (x[i], 1.0))
            .collect();
        lp.add_constraint(terms, ComparisonOp::Ge, 1.0);
    }
    for cut in cuts {
        let outside: Vec<_> = (0..cands.len())
            .filter(|i| !cut.contains(i))
            .map(|i| (x[i], 1.0))
            .collect();
        if outside.is_empty() {
            return Solved::Infeasible;
        }
        lp.add_constraint(outside, ComparisonOp::Ge, 1.0);
    }
    let mut opts = microlp::SolveOptions::default();
    opts.time_limit = Some(time_limit);
    // With whole-number costs (the default: entries changed), an incumbent less than 1 above the
    // proven bound is optimal: no whole cost lies between.
    let whole = cands.iter().all(|c| c.cost.fract() == 0.0);
    if whole {
        let total: f64 = cands.iter().map(|c| c.cost).sum();
        opts.mip_gap = 0.999 / total.max(1.0);
    }
    match lp.solve_with(opts) {
        Err(microlp::Error::Infeasible) => Solved::Infeasible,
        Err(_) => Solved::TimeUp(0.0),
        Ok(out) => {
            let stats = out.stats();
            match out.into_solution() {
                Ok(sol) => {
                    let obj = sol.objective();
                    let bound = stats.best_bound.unwrap_or(f64::NEG_INFINITY);
                    let proven = sol.status() == microlp::SolutionStatus::Optimal
                        || (whole && (bound - 1e-6).ceil() >= obj - 1e-6);
                    if !proven {
                        return Solved::TimeUp(bound.max(0.0));
                    }
                    let set = (0..cands.len())
                        .filter(|&i| sol.var_value(x[i]) > 0.5)
                        .collect();
                    Solved::Chosen(set, obj)
                }
                _ => Solved::TimeUp(stats.best_bound.unwrap_or(0.0).max(0.0)),
            }
        }
    }
}

/// Whether a set of options meets the line, by the exact roll-up of the entries it changes.
fn verified(
    sim: &Sim<'_>,
    p: &PassLine,
    set: &[&Candidate],
    vetoed: bool,
    must_lift: bool,
) -> bool {
    let mut st = State::new(sim);
    for c in set {
        st.apply(c);
    }
    meets_outcome(sim, &sim.roll(&st.vals), p, vetoed, must_lift)
}

/// The plan to one line over the options `cands`, exact (see the module's description).
pub(crate) fn plan_for(
    sim: &Sim<'_>,
    report: &Report,
    p: &PassLine,
    cands: &[Candidate],
    time_limit: Duration,
) -> Plan {
    let started = Instant::now();
    let vetoed = report.summary.vetoed;
    // The county's vetoes are cleared by the plan when some option can clear them.
    let must_lift = vetoed && cands.iter().any(|c| c.lifts_veto);
    let short = (p.min_total - report.summary.total).milli().max(0);
    let base = sim.roll(&sim.base);
    let areas = area_shortfalls(sim, &base, p);
    let rules = sim.rules;
    let data = sim.data();
    let left = || time_limit.saturating_sub(started.elapsed());
    let pick = |set: &[usize]| -> Vec<&Candidate> { set.iter().map(|&i| &cands[i]).collect() };
    // Least cost: solve over the bounds, check the choice by the exact roll-up, cut and solve
    // again when it falls short.
    let mut cuts: Vec<Vec<usize>> = Vec::new();
    let mut lower_bound = 0.0f64;
    // The solver is given short slices first and longer ones only when it has not proven its
    // answer: it usually proves the optimum within milliseconds, and may spend the whole slice
    // closing a gap that cannot hold a better whole cost.
    let mut slice = Duration::from_millis(25);
    let set = loop {
        let solved = programme(cands, short, &areas, must_lift, &cuts, slice.min(left()));
        if matches!(solved, Solved::TimeUp(_)) && slice < left() {
            slice *= 4;
            continue;
        }
        match solved {
            Solved::Chosen(set, cost) => {
                lower_bound = lower_bound.max(cost);
                if verified(sim, p, &pick(&set), vetoed, must_lift) {
                    break set;
                }
                cuts.push(set);
            }
            Solved::Infeasible => {
                // No set of options reaches the line: take every option that helps, one per
                // entry, for the most the fixes give.
                let mut all: Vec<&Candidate> = Vec::new();
                for c in cands {
                    if all.iter().all(|o| compatible(o, c)) {
                        all.push(c);
                    }
                }
                let r = rescore(rules, data, &all).unwrap_or_else(|| report.clone());
                return finish(
                    rules,
                    data,
                    report,
                    p,
                    all,
                    &r,
                    Solver::Unreachable,
                    None,
                    must_lift,
                );
            }
            Solved::TimeUp(bound) => {
                lower_bound = lower_bound.max(bound);
                let g = greedy(rules, data, report, p, cands);
                let r = rescore(rules, data, &g).unwrap_or_else(|| report.clone());
                return finish(
                    rules,
                    data,
                    report,
                    p,
                    g,
                    &r,
                    Solver::TimeLimit,
                    Some(lower_bound),
                    must_lift,
                );
            }
        }
    };
    // Moves only as far as the line needs: each chosen option, largest move first, is replaced
    // by a smaller option of the same entry at no more cost while the exact roll-up still meets
    // the line (a rate to 70% instead of 100% when one point is missing).
    let mut chosen = pick(&set);
    let mut changed = true;
    while changed {
        changed = false;
        let mut order: Vec<usize> = (0..chosen.len()).collect();
        order.sort_by(|&a, &b| chosen[b].size.total_cmp(&chosen[a].size));
        for k in order {
            let now = chosen[k];
            let mut smaller: Vec<&Candidate> = cands
                .iter()
                .filter(|c| c.item == now.item && c.size < now.size && c.cost <= now.cost)
                .collect();
            smaller.sort_by(|a, b| a.size.total_cmp(&b.size));
            for c in smaller {
                let mut trial = chosen.clone();
                trial[k] = c;
                let ok = trial
                    .iter()
                    .enumerate()
                    .all(|(i, a)| i == k || compatible(a, c));
                if ok && verified(sim, p, &trial, vetoed, must_lift) {
                    chosen = trial;
                    changed = true;
                    break;
                }
            }
        }
    }
    let after = rescore(rules, data, &chosen).unwrap_or_else(|| report.clone());
    finish(
        rules,
        data,
        report,
        p,
        chosen,
        &after,
        Solver::Optimal,
        None,
        must_lift,
    )
}

/// The plan with its steps ordered largest gain first, each step's total rescored.
#[allow(clippy::too_many_arguments)]
fn finish(
    rules: &RuleSet,
    data: &CountyData,
    report: &Report,
    p: &PassLine,
    mut chosen: Vec<&Candidate>,
    after: &Report,
    solver: Solver,
    lower_bound: Option<f64>,
    lifts_veto: bool,
) -> Plan {
    chosen.sort_by(|a, b| b.gain.cmp(&a.gain).then_with(|| id_order(&a.item, &b.item)));
    let mut before = report.summary.total;
    let steps: Vec<PlanStep> = (1..=chosen.len())
        .map(|n| {
            let c = chosen[n - 1];
            let total = rescore(rules, data, &chosen[..n]).map_or(before, |r| r.summary.total);
            let gain = total - before;
            before = total;
            PlanStep {
                item: c.item.clone(),
                name: c.name.clone(),
                area: c.area.clone(),
                kind: c.kind.to_string(),
                supplies_data: c.supplies_data,
                changes: c.changes.clone(),
                gain,
                item_gain: c.gain,
                cost: c.cost,
                total_after: total,
            }
        })
        .collect();
    let cost = chosen.iter().map(|c| c.cost).sum::<f64>();
    let cleared = lifts_veto && !after.summary.vetoed;
    Plan {
        pass_line: p.id.clone(),
        name: p.name.clone(),
        total_before: report.summary.total,
        total_after: after.summary.total,
        reaches: meets(after, p, report.summary.vetoed && !cleared) && (!lifts_veto || cleared),
        blocked_by_veto: report.summary.vetoed && !cleared,
        cost,
        lower_bound: match solver {
            Solver::Optimal => Some(cost),
            _ => lower_bound,
        },
        proven: None,
        solver,
        steps,
    }
}

/// The greedy plan (largest gain first, short areas first, then dropping steps the line can do
/// without), kept as the fallback when the time limit stops the solver, and as the yardstick
/// the tests hold the optimal plan to.
pub(crate) fn greedy<'c>(
    rules: &RuleSet,
    data: &CountyData,
    report: &Report,
    p: &PassLine,
    cands: &'c [Candidate],
) -> Vec<&'c Candidate> {
    let vetoed = report.summary.vetoed;
    let mut chosen: Vec<&Candidate> = Vec::new();
    let mut current = report.clone();
    let mut used: BTreeSet<usize> = BTreeSet::new();
    while !meets(&current, p, vetoed) {
        let short: BTreeSet<IndicatorId> = areas_short(&current, p.min_area_share)
            .into_iter()
            .map(|a| a.id)
            .collect();
        let pool = cands
            .iter()
            .enumerate()
            .filter(|(i, c)| !used.contains(i) && chosen.iter().all(|o| compatible(o, c)));
        let pick = pool
            .clone()
            .find(|(_, c)| short.contains(&c.area))
            .or_else(|| pool.clone().next());
        let Some((i, c)) = pick else { break };
        used.insert(i);
        chosen.push(c);
        match rescore(rules, data, &chosen) {
            Some(r) => current = r,
            None => {
                chosen.pop();
            }
        }
    }
    if meets(&current, p, vetoed) {
        let mut k = chosen.len();
        while k > 0 && chosen.len() > 1 {
            k -= 1;
            let mut without = chosen.clone();
            without.remove(k);
            if let Some(r) = rescore(rules, data, &without).filter(|r| meets(r, p, vetoed)) {
                chosen = without;
                current = r;
            }
        }
    }
    let _ = current;
    chosen
}

/// The greedy plan's cost for every line the county does not reach (for tests and benchmarks:
/// the optimal plan is never dearer).
pub fn greedy_costs(
    rules: &RuleSet,
    data: &CountyData,
    gap: &GapAnalysis,
) -> Vec<(IndicatorId, f64, bool)> {
    let report = rules.score(data);
    let sim = Sim::new(rules, data);
    let cands = candidates(&sim, gap, &Costs::default());
    rules
        .pass_lines()
        .iter()
        .filter(|p| !report.passes(p.id.as_str()))
        .map(|p| {
            let g = greedy(rules, data, &report, p, &cands);
            let ok = rescore(rules, data, &g).is_some_and(|r| meets(&r, p, report.summary.vetoed));
            (p.id.clone(), g.iter().map(|c| c.cost).sum(), ok)
        })
        .collect()
}
