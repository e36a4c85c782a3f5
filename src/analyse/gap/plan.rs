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

use super::{apply_changes, areas_short, id_order, Change, GapAnalysis};
use crate::error::{Error, Result};
use crate::load::county::CountyData;
use crate::model::PassLine;
use crate::report::Report;
use crate::types::{FieldPath, IndicatorId, Points};
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
    /// Whether the step supplies missing data (true) or improves data the county has.
    pub supplies_data: bool,
    /// The changes to the data.
    pub changes: Vec<Change>,
    /// Points the county's total gains with this step: `total_after` minus the total before it
    /// (both full rescores), so a penalty on a node that becomes chargeable, caps, bonuses and
    /// zeroing entries are counted.
    pub gain: Points,
    /// Points the item itself gains (rescored).
    #[serde(default)]
    pub item_gain: Points,
    /// The step's cost.
    #[serde(default)]
    pub cost: f64,
    /// The county's total after this step and every step before it (rescored).
    pub total_after: Points,
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

/// One option: an item's change, with what it does alone.
#[derive(Clone, Debug)]
pub(crate) struct Candidate {
    pub(crate) item: IndicatorId,
    name: String,
    area: IndicatorId,
    supplies_data: bool,
    pub(crate) changes: Vec<Change>,
    /// The item's own gain.
    gain: Points,
    pub(crate) cost: f64,
    /// The total's change when applied alone (rescored).
    alone_total: Points,
    /// Each first-level area's change when applied alone (rescored).
    alone_areas: BTreeMap<IndicatorId, Points>,
}

/// Every option of a gap analysis, with its cost and what it does alone; options that fire a
/// veto the county does not have are left out.
pub(crate) fn candidates(
    rules: &RuleSet,
    data: &CountyData,
    report: &Report,
    gap: &GapAnalysis,
    costs: &Costs,
) -> Vec<Candidate> {
    let mut raw: Vec<(IndicatorId, String, IndicatorId, bool, Vec<Change>, Points)> = Vec::new();
    for i in &gap.lost {
        let fixes = i.fix.iter().chain(&i.alternatives).chain(&i.partial);
        for f in fixes.filter(|f| f.gain > Points::ZERO) {
            raw.push((
                i.id.clone(),
                i.name.to_string(),
                i.area.clone(),
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
                true,
                f.changes.clone(),
                f.gain,
            ));
        }
    }
    let areas_now = area_points(report);
    let mut out: Vec<Candidate> = raw
        .into_iter()
        .filter_map(|(item, name, area, supplies_data, changes, gain)| {
            let alone = rules.score(&apply_changes(rules, data, &changes).ok()?);
            if alone.summary.vetoed && !report.summary.vetoed {
                return None;
            }
            let alone_areas = area_points(&alone)
                .into_iter()
                .map(|(id, p)| {
                    let before = areas_now.get(&id).copied().unwrap_or(Points::ZERO);
                    (id, p - before)
                })
                .collect();
            Some(Candidate {
                cost: costs.of(&item, &changes),
                alone_total: alone.summary.total - report.summary.total,
                item,
                name,
                area,
                supplies_data,
                changes,
                gain,
                alone_areas,
            })
        })
        .collect();
    out.sort_by(|a, b| b.gain.cmp(&a.gain).then_with(|| id_order(&a.item, &b.item)));
    out
}

fn area_points(r: &Report) -> BTreeMap<IndicatorId, Points> {
    r.nodes
        .iter()
        .filter(|n| n.level == 1)
        .map(|n| (n.id.clone(), n.earned))
        .collect()
}

/// A plan for every pass line the county does not reach.
pub(crate) fn plans(
    rules: &RuleSet,
    data: &CountyData,
    report: &Report,
    gap: &GapAnalysis,
    opts: &PlanOptions,
) -> Vec<Plan> {
    let cands = candidates(rules, data, report, gap, &opts.costs);
    rules
        .pass_lines()
        .iter()
        .filter(|p| !report.passes(p.id.as_str()))
        .map(|p| plan_for(rules, data, report, p, &cands, opts.time_limit))
        .collect()
}

/// Whether a report meets a pass line's total and area shares, without a veto the county did
/// not have before (`vetoed_before`).
pub(crate) fn meets(report: &Report, p: &PassLine, vetoed_before: bool) -> bool {
    report.summary.total >= p.min_total
        && areas_short(report, p.min_area_share).is_empty()
        && (vetoed_before || !report.summary.vetoed)
}

fn rescore(rules: &RuleSet, data: &CountyData, steps: &[&Candidate]) -> Option<Report> {
    let changes: Vec<Change> = steps.iter().flat_map(|c| c.changes.clone()).collect();
    apply_changes(rules, data, &changes)
        .ok()
        .map(|d| rules.score(&d))
}

/// Whether two options can go into one plan: different items, and no field set to two values.
fn compatible(a: &Candidate, b: &Candidate) -> bool {
    a.item != b.item
        && !a
            .changes
            .iter()
            .any(|x| b.changes.iter().any(|y| y.field == x.field && y.to != x.to))
}

/// The plan to one line over the options `cands`: exact (see the module's description).
pub(crate) fn plan_for(
    rules: &RuleSet,
    data: &CountyData,
    report: &Report,
    p: &PassLine,
    cands: &[Candidate],
    time_limit: Duration,
) -> Plan {
    let vetoed = report.summary.vetoed;
    let started = Instant::now();
    let mut cuts: Vec<BTreeSet<usize>> = Vec::new();
    let mut lower_bound = 0.0f64;
    loop {
        let left = time_limit.saturating_sub(started.elapsed());
        match solve(report, p, cands, &cuts, left) {
            Outcome::Chosen(set, bound) => {
                lower_bound = lower_bound.max(bound);
                let chosen: Vec<&Candidate> = set.iter().map(|&i| &cands[i]).collect();
                if let Some(r) = rescore(rules, data, &chosen).filter(|r| meets(r, p, vetoed)) {
                    // Among the plans of this least cost, the one that gains the most points.
                    let best = most_points(rules, data, report, p, cands, &cuts, bound, left)
                        .unwrap_or((chosen, r));
                    return finish(
                        rules,
                        data,
                        report,
                        p,
                        best.0,
                        &best.1,
                        Solver::Optimal,
                        None,
                    );
                }
                cuts.push(set);
            }
            Outcome::Infeasible => {
                // Even the options' upper bounds cannot reach the line: take them all (one per
                // item, compatible), for the most the fixes give.
                let mut all: Vec<&Candidate> = Vec::new();
                for c in cands {
                    if all.iter().all(|o| compatible(o, c)) {
                        all.push(c);
                    }
                }
                let r = rescore(rules, data, &all).unwrap_or_else(|| report.clone());
                let solver = if meets(&r, p, vetoed) {
                    Solver::TimeLimit
                } else {
                    Solver::Unreachable
                };
                let bound = (solver == Solver::TimeLimit).then_some(lower_bound);
                return finish(rules, data, report, p, all, &r, solver, bound);
            }
            Outcome::TimeUp(bound) => {
                lower_bound = lower_bound.max(bound);
                let g = greedy(rules, data, report, p, cands);
                let r = rescore(rules, data, &g).unwrap_or_else(|| report.clone());
                let solver = if meets(&r, p, vetoed) {
                    Solver::TimeLimit
                } else {
                    Solver::Unreachable
                };
                return finish(rules, data, report, p, g, &r, solver, Some(lower_bound));
            }
        }
    }
}

/// Among the choices of cost at most `cost` (the optimum), the one whose options gain the most
/// points (the programme's upper bounds), verified by a full rescore; `None` when it does not
/// verify or the solver gives no answer in time (the caller keeps its optimal plan).
#[allow(clippy::too_many_arguments)]
fn most_points<'c>(
    rules: &RuleSet,
    data: &CountyData,
    report: &Report,
    p: &PassLine,
    cands: &'c [Candidate],
    cuts: &[BTreeSet<usize>],
    cost: f64,
    time_limit: Duration,
) -> Option<(Vec<&'c Candidate>, Report)> {
    let slice = time_limit.min(Duration::from_secs(2));
    let Outcome::Chosen(set, _) = solve_with(report, p, cands, cuts, slice, Some(cost)) else {
        return None;
    };
    let chosen: Vec<&Candidate> = set.iter().map(|&i| &cands[i]).collect();
    let spent: f64 = chosen.iter().map(|c| c.cost).sum();
    let r = rescore(rules, data, &chosen)?;
    (spent <= cost + 1e-9 && meets(&r, p, report.summary.vetoed)).then_some((chosen, r))
}

enum Outcome {
    /// The programme's optimal choice and its cost (a lower bound on the true optimum).
    Chosen(BTreeSet<usize>, f64),
    /// No choice satisfies the programme.
    Infeasible,
    /// The time limit ran out; the best proven bound.
    TimeUp(f64),
}

/// Solves the 0–1 programme: minimise cost, at most one option per item (and no two options
/// setting a field to different values), the options' upper-bound points reach the total and
/// every short area's share, and every cut (take an option outside a set that failed).
fn solve(
    report: &Report,
    p: &PassLine,
    cands: &[Candidate],
    cuts: &[BTreeSet<usize>],
    time_limit: Duration,
) -> Outcome {
    solve_with(report, p, cands, cuts, time_limit, None)
}

/// The programme of [`solve`]; with `budget`, instead: the most points (upper bounds, in
/// thousandths) at a cost of at most `budget`.
fn solve_with(
    report: &Report,
    p: &PassLine,
    cands: &[Candidate],
    cuts: &[BTreeSet<usize>],
    time_limit: Duration,
    budget: Option<f64>,
) -> Outcome {
    use microlp::{ComparisonOp, OptimizationDirection, Problem};
    // Work no longer wanted (issue 23): no solver run once stopped, none past the deadline.
    let time_limit = if crate::cancel::stopped() {
        Duration::ZERO
    } else {
        crate::cancel::remaining().map_or(time_limit, |r| r.min(time_limit))
    };
    if time_limit.is_zero() {
        return Outcome::TimeUp(0.0);
    }
    let shortfall = (p.min_total - report.summary.total).milli();
    let short = areas_short(report, p.min_area_share);
    let mut lp = Problem::new(if budget.is_some() {
        OptimizationDirection::Maximize
    } else {
        OptimizationDirection::Minimize
    });
    let x: Vec<_> = cands
        .iter()
        .map(|c| {
            lp.add_binary_var(match budget {
                Some(_) => upper(c).milli().max(0) as f64,
                None => c.cost,
            })
        })
        .collect();
    if let Some(b) = budget {
        let terms: Vec<_> = cands
            .iter()
            .enumerate()
            .map(|(i, c)| (x[i], c.cost))
            .collect();
        lp.add_constraint(terms, ComparisonOp::Le, b + 1e-9 * b.abs().max(1.0));
    }
    // At most one option per item; incompatible options of different items exclude each other.
    let mut by_item: BTreeMap<&IndicatorId, Vec<usize>> = BTreeMap::new();
    for (i, c) in cands.iter().enumerate() {
        by_item.entry(&c.item).or_default().push(i);
    }
    for v in by_item.values().filter(|v| v.len() > 1) {
        lp.add_constraint(
            v.iter().map(|&i| (x[i], 1.0)).collect::<Vec<_>>(),
            ComparisonOp::Le,
            1.0,
        );
    }
    for i in 0..cands.len() {
        for j in i + 1..cands.len() {
            if cands[i].item != cands[j].item && !compatible(&cands[i], &cands[j]) {
                lp.add_constraint([(x[i], 1.0), (x[j], 1.0)], ComparisonOp::Le, 1.0);
            }
        }
    }
    // Points are whole thousandths, so "≥ shortfall − 0.5" is "≥ shortfall" for any 0–1 choice.
    if shortfall > 0 {
        let terms: Vec<_> = cands
            .iter()
            .enumerate()
            .map(|(i, c)| (x[i], upper(c).milli().max(0) as f64))
            .collect();
        lp.add_constraint(terms, ComparisonOp::Ge, shortfall as f64 - 0.5);
    }
    for a in &short {
        let terms: Vec<_> = cands
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let own = if c.area == a.id { c.gain } else { Points::ZERO };
                let alone = c.alone_areas.get(&a.id).copied().unwrap_or(Points::ZERO);
                (x[i], own.max(alone).milli().max(0) as f64)
            })
            .collect();
        lp.add_constraint(terms, ComparisonOp::Ge, a.shortfall.milli() as f64 - 0.5);
    }
    for cut in cuts {
        let outside: Vec<_> = (0..cands.len())
            .filter(|i| !cut.contains(i))
            .map(|i| (x[i], 1.0))
            .collect();
        if outside.is_empty() {
            return Outcome::Infeasible;
        }
        lp.add_constraint(outside, ComparisonOp::Ge, 1.0);
    }
    let mut opts = microlp::SolveOptions::default();
    opts.time_limit = Some(time_limit);
    // With whole-number costs (the default: items changed), an incumbent less than 1 above the
    // proven bound is optimal: no whole cost lies between. Stop there instead of closing the gap.
    let whole = cands.iter().all(|c| c.cost.fract() == 0.0);
    let total_cost: f64 = cands.iter().map(|c| c.cost).sum();
    if budget.is_none() && whole {
        opts.mip_gap = 0.999 / total_cost.max(1.0);
    }
    match lp.solve_with(opts) {
        Err(microlp::Error::Infeasible) => Outcome::Infeasible,
        Err(_) => Outcome::TimeUp(0.0),
        Ok(out) => {
            let stats = out.stats();
            match out.into_solution() {
                Ok(sol) => {
                    let obj = sol.objective();
                    let bound = stats.best_bound.unwrap_or(f64::NEG_INFINITY);
                    let proven = sol.status() == microlp::SolutionStatus::Optimal
                        || (whole && (bound - 1e-6).ceil() >= obj - 1e-6)
                        // The most points within the budget only breaks ties: any answer will do.
                        || budget.is_some();
                    if !proven {
                        return Outcome::TimeUp(bound.max(0.0));
                    }
                    let set = (0..cands.len())
                        .filter(|&i| sol.var_value(x[i]) > 0.5)
                        .collect();
                    Outcome::Chosen(set, obj)
                }
                _ => Outcome::TimeUp(stats.best_bound.unwrap_or(0.0).max(0.0)),
            }
        }
    }
}

/// The most an option can move the total: its item's gain or its standalone rescore's change.
fn upper(c: &Candidate) -> Points {
    c.gain.max(c.alone_total)
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
    Plan {
        pass_line: p.id.clone(),
        name: p.name.clone(),
        total_before: report.summary.total,
        total_after: after.summary.total,
        reaches: meets(after, p, report.summary.vetoed),
        blocked_by_veto: report.summary.vetoed,
        cost,
        lower_bound: match solver {
            Solver::Optimal => Some(cost),
            _ => lower_bound,
        },
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
    let cands = candidates(rules, data, &report, gap, &Costs::default());
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
