//! What a scenario does: baseline (the rule set's own weights) against the scenario, county by
//! county — totals, ranks, pass levels — with rank correlations and the largest movers.

use super::scores::{Batch, Outcome};
use super::weights::{Scenario, Weights};
use crate::analyse::stats::{competition_ranks, kendall_tau_b, spearman};
use crate::types::{IndicatorId, Points};
use crate::RuleSet;
use serde::Serialize;

/// One county, baseline against scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CountyChange {
    /// County id.
    pub id: String,
    /// County name.
    pub name: String,
    /// Whether a veto (一票否决) disqualified it: it reaches no pass line under any weighting.
    pub vetoed: bool,
    /// Total under the rule set's weights.
    pub baseline_total: Points,
    /// Total under the scenario.
    pub scenario_total: Points,
    /// Rank under the rule set's weights (1 = best; ties share the best rank).
    pub baseline_rank: u32,
    /// Rank under the scenario.
    pub scenario_rank: u32,
    /// Places gained (positive) or lost (negative).
    pub rank_gain: i64,
    /// The highest pass line reached under the rule set's weights.
    pub baseline_level: Option<IndicatorId>,
    /// The highest pass line reached under the scenario.
    pub scenario_level: Option<IndicatorId>,
}

/// A node whose points the scenario changes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PointsChange {
    /// Node id.
    pub id: IndicatorId,
    /// Node name.
    pub name: String,
    /// 1 for first-level areas.
    pub level: usize,
    /// Points in the rule set.
    pub before: Points,
    /// Points in the scenario.
    pub after: Points,
    /// Whether the scenario file sets them (otherwise they follow the rescaling rule).
    pub pinned: bool,
}

/// Baseline against scenario for a batch of counties.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WhatIf {
    /// Rule set id.
    pub ruleset: String,
    /// Scenario id.
    pub scenario: String,
    /// Scenario name.
    pub scenario_name: String,
    /// Total points before and after.
    pub total_points: (Points, Points),
    /// The factor bonuses, penalties, the bonus cap and the pass lines the scenario does not
    /// set were rescaled by (its `total_points` over the rule set's); absent when 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adjust: Option<f64>,
    /// The overall bonus cap under the scenario, when it differs from the rule set's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bonus_cap: Option<Points>,
    /// Nodes whose points change, in tree order.
    pub points: Vec<PointsChange>,
    /// Pass lines (id, name, min_total, min_area_share) under the scenario.
    pub pass_lines: Vec<super::weights::PassLevel>,
    /// Spearman's rank correlation of baseline and scenario totals (None without spread).
    pub spearman: Option<f64>,
    /// Kendall's tau-b of baseline and scenario totals.
    pub kendall: Option<f64>,
    /// Counties whose highest pass line changes.
    pub level_changes: usize,
    /// Every county, in the order given.
    pub counties: Vec<CountyChange>,
}

/// The highest pass line reached: the reached line with the largest `min_total` (ties: the
/// first in rule-set order).
fn level(w: &Weights, o: &Outcome) -> Option<IndicatorId> {
    let mut best: Option<usize> = None;
    for (k, reached) in o.passed.iter().enumerate() {
        if *reached && best.is_none_or(|b| w.pass_lines[k].min_total > w.pass_lines[b].min_total) {
            best = Some(k);
        }
    }
    best.map(|k| w.pass_lines[k].id.clone())
}

impl WhatIf {
    /// Compares the rule set's own weighting with the scenario's on every county of the batch.
    pub fn compare(rules: &RuleSet, batch: &Batch, scenario: &Scenario) -> WhatIf {
        let base_w = batch.nominal();
        let new_w = &scenario.weights;
        let base = batch.recompute(base_w);
        let new = batch.recompute(new_w);
        let bt: Vec<Points> = base.iter().map(|o| o.total).collect();
        let nt: Vec<Points> = new.iter().map(|o| o.total).collect();
        let (br, nr) = (competition_ranks(&bt), competition_ranks(&nt));
        let f = |v: &[Points]| v.iter().map(|p| p.as_f64()).collect::<Vec<_>>();
        let counties: Vec<CountyChange> = batch
            .counties()
            .iter()
            .enumerate()
            .map(|(i, c)| CountyChange {
                id: c.county().id.clone(),
                name: c.county().name.clone(),
                vetoed: c.report.summary.vetoed,
                baseline_total: bt[i],
                scenario_total: nt[i],
                baseline_rank: br[i],
                scenario_rank: nr[i],
                rank_gain: br[i] as i64 - nr[i] as i64,
                baseline_level: level(base_w, &base[i]),
                scenario_level: level(new_w, &new[i]),
            })
            .collect();
        let points = rules
            .nodes()
            .iter()
            .enumerate()
            .filter(|(i, _)| base_w.points[*i] != new_w.points[*i])
            .map(|(i, n)| PointsChange {
                id: n.id.clone(),
                name: n.name.to_string(),
                level: n.level,
                before: base_w.points[i],
                after: new_w.points[i],
                pinned: scenario.pinned.contains_key(&n.id),
            })
            .collect();
        WhatIf {
            ruleset: rules.id().to_string(),
            scenario: scenario.id.clone(),
            scenario_name: scenario.name.clone(),
            total_points: (base_w.total, new_w.total),
            adjust: (new_w.adjust != 1.0).then_some(new_w.adjust),
            bonus_cap: new_w.bonus_cap.filter(|c| Some(*c) != base_w.bonus_cap),
            points,
            pass_lines: new_w.pass_lines.clone(),
            spearman: spearman(&f(&bt), &f(&nt)),
            kendall: kendall_tau_b(&f(&bt), &f(&nt)),
            level_changes: counties
                .iter()
                .filter(|c| c.baseline_level != c.scenario_level)
                .count(),
            counties,
        }
    }

    /// The counties that move most: largest rank change first (ties: county id), at most `n`,
    /// leaving out counties that do not move.
    pub fn movers(&self, n: usize) -> Vec<&CountyChange> {
        let mut v: Vec<&CountyChange> = self.counties.iter().filter(|c| c.rank_gain != 0).collect();
        v.sort_by(|a, b| {
            b.rank_gain
                .abs()
                .cmp(&a.rank_gain.abs())
                .then_with(|| a.id.cmp(&b.id))
        });
        v.truncate(n);
        v
    }
}
