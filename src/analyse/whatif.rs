//! What a scenario does: baseline (the rule set's own weights) against the scenario, county by
//! county — totals, ranks, pass levels — with rank correlations and the largest movers.

use super::scores::{Batch, Outcome};
use super::stats::{competition_ranks, kendall_tau_b, spearman};
use super::weights::{Scenario, Weights};
use crate::render::{csv_field, Table};
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

    /// The pass level's name; 否决 for a vetoed county (which reaches none), 未达线 otherwise.
    fn level_name(&self, c: &CountyChange, id: &Option<IndicatorId>) -> String {
        if c.vetoed {
            return "否决".to_string();
        }
        id.as_ref()
            .and_then(|id| self.pass_lines.iter().find(|p| &p.id == id))
            .map_or_else(|| "未达线".to_string(), |p| p.name.clone())
    }

    /// A Markdown report in Chinese.
    pub fn markdown(&self) -> String {
        let corr =
            |c: Option<f64>| c.map_or("—（无差异）".to_string(), |v| format!("{v:.4}"));
        let mut s = format!(
            "# 权重情景分析：{}（{}）\n\n指标体系：{}　总分：{} → {}\n\n",
            self.scenario_name,
            self.scenario,
            self.ruleset,
            self.total_points.0,
            self.total_points.1
        );
        s.push_str("## 分值变化\n\n");
        let mut t = Table::new(
            &["编号", "指标", "原分值", "新分值", "来源"],
            &[false, false, true, true, false],
        );
        let hidden = self
            .points
            .iter()
            .filter(|p| p.level > 2 && !p.pinned)
            .count();
        for p in self.points.iter().filter(|p| p.level <= 2 || p.pinned) {
            let how = if p.pinned {
                "情景设定"
            } else {
                "按比例调整"
            };
            t.row(vec![
                p.id.to_string(),
                p.name.clone(),
                p.before.to_string(),
                p.after.to_string(),
                how.into(),
            ]);
        }
        s.push_str(&t.render());
        if hidden > 0 {
            s.push_str(&format!(
                "\n另有 {hidden} 个三级及以下指标随上级按比例调整（完整清单见 JSON 输出）。\n"
            ));
        }
        s.push_str("\n## 达标线\n\n");
        let mut t = Table::new(
            &["编号", "名称", "最低总分", "各一级指标最低得分率"],
            &[false, false, true, true],
        );
        for p in &self.pass_lines {
            let share = p.min_area_share.map_or("—".to_string(), |x| {
                format!("{}%", crate::helpers::fmt_num(x * 100.0))
            });
            t.row(vec![
                p.id.to_string(),
                p.name.clone(),
                p.min_total.to_string(),
                share,
            ]);
        }
        s.push_str(&t.render());
        s.push_str(&format!(
            "\n## 排名稳定性\n\n- Spearman 秩相关：{}\n- Kendall τ-b：{}\n- 达标等级变化的县：{} / {}\n\n",
            corr(self.spearman),
            corr(self.kendall),
            self.level_changes,
            self.counties.len()
        ));
        s.push_str("## 各县对比\n\n");
        let mut t = Table::new(
            &[
                "县",
                "名称",
                "原总分",
                "新总分",
                "差",
                "原名次",
                "新名次",
                "名次变化",
                "原等级",
                "新等级",
            ],
            &[
                false, false, true, true, true, true, true, true, false, false,
            ],
        );
        for c in &self.counties {
            t.row(vec![
                c.id.clone(),
                c.name.clone(),
                c.baseline_total.to_string(),
                c.scenario_total.to_string(),
                signed_points(c.scenario_total - c.baseline_total),
                c.baseline_rank.to_string(),
                c.scenario_rank.to_string(),
                signed(c.rank_gain),
                self.level_name(c, &c.baseline_level),
                self.level_name(c, &c.scenario_level),
            ]);
        }
        s.push_str(&t.render());
        if self.counties.iter().any(|c| c.vetoed) {
            s.push_str("\n否决：一票否决的县在任何权重下都不达标，但仍按总分排名。\n");
        }
        let movers = self.movers(10);
        s.push_str("\n## 名次变化最大的县\n\n");
        if movers.is_empty() {
            s.push_str("没有县的名次发生变化。\n");
        } else {
            let mut t = Table::new(
                &["县", "名称", "原名次", "新名次", "名次变化"],
                &[false, false, true, true, true],
            );
            for c in movers {
                t.row(vec![
                    c.id.clone(),
                    c.name.clone(),
                    c.baseline_rank.to_string(),
                    c.scenario_rank.to_string(),
                    signed(c.rank_gain),
                ]);
            }
            s.push_str(&t.render());
        }
        s
    }

    /// Pretty JSON, newline-terminated.
    pub fn json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// CSV, one row per county (`vetoed` is `true` or `false`; a vetoed county's levels are
    /// empty).
    pub fn csv(&self) -> String {
        let mut s = String::from("county_id,county_name,vetoed,baseline_total,scenario_total,baseline_rank,scenario_rank,rank_gain,baseline_level,scenario_level\n");
        for c in &self.counties {
            let lvl = |l: &Option<IndicatorId>| l.as_ref().map_or(String::new(), |l| l.to_string());
            s.push_str(&format!(
                "{},{},{},{},{},{},{},{},{},{}\n",
                csv_field(&c.id),
                csv_field(&c.name),
                c.vetoed,
                c.baseline_total,
                c.scenario_total,
                c.baseline_rank,
                c.scenario_rank,
                c.rank_gain,
                csv_field(&lvl(&c.baseline_level)),
                csv_field(&lvl(&c.scenario_level)),
            ));
        }
        s
    }
}

fn signed(v: i64) -> String {
    if v > 0 {
        format!("+{v}")
    } else {
        v.to_string()
    }
}

fn signed_points(p: Points) -> String {
    if p > Points::ZERO {
        format!("+{p}")
    } else {
        p.to_string()
    }
}
