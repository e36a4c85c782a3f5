//! Re-weighting without re-running the rules: each county is evaluated once, and what does not
//! depend on the weights is kept — each item's share of its points, its status, the capped
//! bonus, each penalty's capped request and its target, and the vetoes. Totals and pass lines
//! for any [`Weights`] are then recomputed exactly as a score does (`src/aggregate.rs`):
//! penalties on a node are taken from that node in rule-set order and never below zero,
//! bonuses are capped one by one and together, penalties on the total come last, and a veto
//! fails every pass line.
//!
//! An item keeps its share: with new points `P′` it earns `share × P′` (rounded to thousandths),
//! which is what a full rescore gives for rules that scale with `P` (`award(c)`, `tiers(v, [[95,
//! P], [90, P / 2]])`, `proportional(…)`, `deduct_below(v, 100, 1, P / 10)`…). A rule with fixed
//! point constants (`deduct_each(n, 0.5)`) is treated as a weight on the share it gave.

use super::weights::Weights;
use crate::report::{CountyRef, Report};
use crate::types::Points;
use crate::{CountyData, RuleSet};
use serde::Serialize;

/// One county's evaluation: the report under the rule set's own weights and everything that does
/// not depend on the weights.
#[derive(Debug, Clone)]
pub struct Evaluated {
    /// The report under the rule set's own weights.
    pub report: Report,
    /// Per item (in [`RuleSet::items`] order): the unrounded share of its points it earned.
    pub shares: Vec<f64>,
    /// Per penalty (rule-set order): the points it asks for after its own cap.
    pub penalty_requests: Vec<Points>,
}

impl Evaluated {
    /// The county.
    pub fn county(&self) -> &CountyRef {
        &self.report.county
    }
}

/// The shape of the tree that recomputing needs.
#[derive(Debug, Clone)]
pub(crate) struct Tree {
    pub parent: Vec<Option<usize>>,
    pub children: Vec<Vec<usize>>,
    pub areas: Vec<usize>,
    /// Node index of every item, in item order.
    pub items: Vec<usize>,
    /// Per node: the item index, when it is a scored item.
    pub item_of: Vec<Option<usize>>,
    /// Per penalty: the node it is taken from (None: the total).
    pub penalty_target: Vec<Option<usize>>,
}

impl Tree {
    pub(crate) fn of(rules: &RuleSet) -> Tree {
        let nodes = rules.nodes();
        let items: Vec<usize> = rules
            .items()
            .filter_map(|it| nodes.iter().position(|n| n.id == it.id))
            .collect();
        let mut item_of = vec![None; nodes.len()];
        for (k, &i) in items.iter().enumerate() {
            item_of[i] = Some(k);
        }
        Tree {
            parent: nodes.iter().map(|n| n.parent).collect(),
            children: nodes.iter().map(|n| n.children.clone()).collect(),
            areas: (0..nodes.len()).filter(|&i| nodes[i].level == 1).collect(),
            items,
            item_of,
            penalty_target: rules
                .penalties()
                .iter()
                .map(|p| nodes.iter().position(|n| n.id == p.applies_to))
                .collect(),
        }
    }
}

/// The outcome of one county under one weighting.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// The final total.
    pub total: Points,
    /// Per first-level area (rule-set order): points earned after penalties on it.
    pub areas: Vec<Points>,
    /// Per pass line (rule-set order): reached or not.
    pub passed: Vec<bool>,
}

/// A batch of evaluated counties under one rule set.
///
/// ```
/// use fazhi::analyse::policy::{scores::Batch, weights::Weights};
/// let rules = fazhi::RuleSet::builtin()?;
/// let county = fazhi::CountyData::from_str("x.yaml", "county: {id: x, name: 某县}\ndata: {}\n", &rules)?;
/// let batch = Batch::evaluate(&rules, &[county]);
/// let outcomes = batch.recompute(&Weights::nominal(&rules));
/// assert_eq!(outcomes[0].total, batch.counties()[0].report.summary.total);
/// # Ok::<(), fazhi::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Batch {
    tree: Tree,
    nominal: Weights,
    counties: Vec<Evaluated>,
}

impl Batch {
    /// Evaluates every county once (in parallel), keeping what re-weighting needs. A rule that
    /// hits its operations limit on [`crate::scoring::budget::TRIP_AFTER`] counties is stopped
    /// for the rest of the batch, as in `rank` (issue 23).
    pub fn evaluate(rules: &RuleSet, data: &[CountyData]) -> Batch {
        let (counties, _) = crate::scoring::budget::in_chunks(data, |d, budget| {
            let (report, shares, hits) = rules.score_with_shares_budget(d, Some(budget));
            let penalty_requests = rules
                .penalties()
                .iter()
                .zip(&report.penalties)
                .map(|(p, r)| match p.cap {
                    // A zeroing entry that held asks for everything left.
                    _ if p.is_zeroing() => {
                        if r.zeroed() {
                            crate::aggregate::ALL_POINTS
                        } else {
                            Points::ZERO
                        }
                    }
                    Some(c) => r.raw.clamp(Points::ZERO, c),
                    None => r.raw.at_least_zero(),
                })
                .collect();
            (
                Evaluated {
                    report,
                    shares,
                    penalty_requests,
                },
                hits,
            )
        });
        Batch {
            tree: Tree::of(rules),
            nominal: Weights::nominal(rules),
            counties,
        }
    }

    /// The evaluated counties, in the order given.
    pub fn counties(&self) -> &[Evaluated] {
        &self.counties
    }

    /// The rule set's own weighting.
    pub fn nominal(&self) -> &Weights {
        &self.nominal
    }

    pub(crate) fn tree(&self) -> &Tree {
        &self.tree
    }

    /// Every county's total, area scores and pass lines under `weights`.
    pub fn recompute(&self, weights: &Weights) -> Vec<Outcome> {
        self.counties
            .iter()
            .map(|c| self.outcome(c, weights))
            .collect()
    }

    /// What item `k` (in [`RuleSet::items`] order) of county `c` earns when it is worth
    /// `points`: the report's own points at the rule set's weight, otherwise its share × `points`
    /// rounded to thousandths.
    pub(crate) fn item_earned(c: &Evaluated, k: usize, points: Points) -> Points {
        let item = &c.report.items[k];
        if points == item.max {
            item.earned
        } else {
            Points::from_f64(c.shares[k] * points.as_f64())
        }
    }

    fn outcome(&self, c: &Evaluated, w: &Weights) -> Outcome {
        let t = &self.tree;
        let n = t.parent.len();
        let requests = |target: Option<usize>| {
            t.penalty_target
                .iter()
                .zip(&c.penalty_requests)
                .filter(move |(tg, _)| **tg == target)
                .map(|(_, p)| w.adjusted(*p))
                .sum::<Points>()
        };
        let mut earned = vec![Points::ZERO; n];
        for i in (0..n).rev() {
            let sum = match t.item_of[i] {
                Some(k) => Self::item_earned(c, k, w.points[i]),
                None => t.children[i].iter().map(|&ch| earned[ch]).sum(),
            };
            let taken = requests(Some(i)).min(sum.at_least_zero());
            earned[i] = sum - taken;
        }
        let items_total: Points = t.areas.iter().map(|&a| earned[a]).sum();
        let before = items_total + w.bonus(&c.report);
        let total = before - requests(None).min(before.at_least_zero());
        let vetoed = c.report.summary.vetoed;
        let passed = w
            .pass_lines
            .iter()
            .map(|p| {
                !vetoed
                    && total >= p.min_total
                    && p.min_area_share.is_none_or(|share| {
                        t.areas.iter().all(|&a| {
                            w.points[a] <= Points::ZERO
                                || earned[a].as_f64() / w.points[a].as_f64() + 1e-12 >= share
                        })
                    })
            })
            .collect();
        Outcome {
            total,
            areas: t.areas.iter().map(|&a| earned[a]).collect(),
            passed,
        }
    }
}
