//! A plan to a pass line: the fewest item changes that together reach it, found greedily.
//!
//! The candidates are the fixes of the items that lost points and the "supply the data at the
//! rule's target values" fixes of the items without data, each with its gain (rescored). The
//! plan takes them largest gain first (while a first-level area is below the line's minimum
//! share, items of such areas first), rescoring the whole county after each step, until the line's
//! total and area shares are met; then it drops every step the line can do without (smallest gain
//! first), and rescores the steps in order to give the total after each. Greedy by points per
//! change is not guaranteed to be the fewest possible, but every promised total is a full
//! rescore of the county with the plan applied. Two fixes that set the same field to different
//! values never go into one plan (the later one is skipped). A veto is not something a plan
//! changes: a vetoed county gets its plan for the score, marked as blocked.

use super::{apply_changes, areas_short, id_order, Change, GapAnalysis};
use crate::load::county::CountyData;
use crate::model::PassLine;
use crate::report::Report;
use crate::types::{IndicatorId, Points};
use crate::RuleSet;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A plan to one pass line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// Pass line id.
    pub pass_line: IndicatorId,
    /// Its name (示范).
    pub name: String,
    /// The county's total now.
    pub total_before: Points,
    /// The item changes, in the order they are taken.
    pub steps: Vec<PlanStep>,
    /// The total with every step applied (a full rescore).
    pub total_after: Points,
    /// Whether the total and the area shares meet the line after the plan.
    pub reaches: bool,
    /// Whether a veto keeps the line out of reach whatever the score.
    pub blocked_by_veto: bool,
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
    /// (both rescored), so penalties on a node that become chargeable, caps and zeroing entries
    /// are counted.
    pub gain: Points,
    /// Points the item itself gains (rescored on its own).
    #[serde(default)]
    pub item_gain: Points,
    /// The county's total after this step and every step before it (rescored).
    pub total_after: Points,
}

#[derive(Clone)]
struct Candidate {
    item: IndicatorId,
    name: String,
    area: IndicatorId,
    supplies_data: bool,
    changes: Vec<Change>,
    gain: Points,
}

/// A plan for every pass line the county does not reach.
pub(crate) fn plans(
    rules: &RuleSet,
    data: &CountyData,
    report: &Report,
    gap: &GapAnalysis,
) -> Vec<Plan> {
    let mut cands: Vec<Candidate> = Vec::new();
    for i in &gap.lost {
        if let Some(f) = i.fix.as_ref().filter(|f| f.gain > Points::ZERO) {
            cands.push(Candidate {
                item: i.id.clone(),
                name: i.name.to_string(),
                area: i.area.clone(),
                supplies_data: false,
                changes: f.changes.clone(),
                gain: f.gain,
            });
        }
    }
    for i in &gap.no_data {
        if let Some(f) = i.supply.as_ref().filter(|f| f.gain > Points::ZERO) {
            cands.push(Candidate {
                item: i.id.clone(),
                name: i.name.to_string(),
                area: i.area.clone(),
                supplies_data: true,
                changes: f.changes.clone(),
                gain: f.gain,
            });
        }
    }
    cands.sort_by(|a, b| b.gain.cmp(&a.gain).then_with(|| id_order(&a.item, &b.item)));
    rules
        .pass_lines()
        .iter()
        .filter(|p| !report.passes(p.id.as_str()))
        .map(|p| plan_for(rules, data, report, p, &cands))
        .collect()
}

fn meets(report: &Report, p: &PassLine) -> bool {
    report.summary.total >= p.min_total && areas_short(report, p.min_area_share).is_empty()
}

fn rescore(rules: &RuleSet, data: &CountyData, steps: &[&Candidate]) -> Option<Report> {
    let changes: Vec<Change> = steps.iter().flat_map(|c| c.changes.clone()).collect();
    apply_changes(rules, data, &changes)
        .ok()
        .map(|d| rules.score(&d))
}

fn conflicts(c: &Candidate, chosen: &[&Candidate]) -> bool {
    c.changes.iter().any(|x| {
        chosen
            .iter()
            .flat_map(|o| &o.changes)
            .any(|y| y.field == x.field && y.to != x.to)
    })
}

fn plan_for(
    rules: &RuleSet,
    data: &CountyData,
    report: &Report,
    p: &PassLine,
    cands: &[Candidate],
) -> Plan {
    let mut chosen: Vec<&Candidate> = Vec::new();
    let mut totals: Vec<Points> = Vec::new();
    let mut current = report.clone();
    let mut used: BTreeSet<usize> = BTreeSet::new();
    while !meets(&current, p) {
        let short: BTreeSet<IndicatorId> = areas_short(&current, p.min_area_share)
            .into_iter()
            .map(|a| a.id)
            .collect();
        let pool = cands
            .iter()
            .enumerate()
            .filter(|(i, c)| !used.contains(i) && !conflicts(c, &chosen));
        // Candidates are sorted by gain; prefer the first one in a short area, if any.
        let pick = pool
            .clone()
            .find(|(_, c)| short.contains(&c.area))
            .or_else(|| pool.clone().next());
        let Some((i, c)) = pick else { break };
        used.insert(i);
        chosen.push(c);
        match rescore(rules, data, &chosen) {
            Some(r) => {
                totals.push(r.summary.total);
                current = r;
            }
            None => {
                chosen.pop();
            }
        }
    }
    // Drop the steps the line can do without, smallest gain first. A step is only tried when
    // the total without its gain still meets the minimum (the rescore decides).
    let mut pruned = false;
    if meets(&current, p) {
        let mut k = chosen.len();
        while k > 0 && chosen.len() > 1 {
            k -= 1;
            if current.summary.total - chosen[k].gain < p.min_total {
                continue;
            }
            let mut without = chosen.clone();
            without.remove(k);
            if let Some(r) = rescore(rules, data, &without).filter(|r| meets(r, p)) {
                chosen = without;
                current = r;
                pruned = true;
            }
        }
    }
    if pruned {
        totals = (1..=chosen.len())
            .map(|n| {
                rescore(rules, data, &chosen[..n])
                    .map_or(current.summary.total, |r| r.summary.total)
            })
            .collect();
    }
    // A step's gain is what the county's total moves (both totals rescored), not the item's own
    // gain: a penalty on a node that the step makes chargeable, a cap or a zeroing entry count.
    let mut before = report.summary.total;
    let steps = chosen
        .iter()
        .zip(totals)
        .map(|(c, total)| {
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
                total_after: total,
            }
        })
        .collect();
    Plan {
        pass_line: p.id.clone(),
        name: p.name.clone(),
        total_before: report.summary.total,
        total_after: current.summary.total,
        reaches: meets(&current, p),
        blocked_by_veto: report.summary.vetoed,
        steps,
    }
}
