//! [`assemble`]: finished item scores and the runs of everything else → the [`Report`], one
//! concern a function (penalties, bonuses, roll-up, vetoes, checks, nodes, pass lines,
//! coverage).

use super::{adjustment, condition, raw_points, zeroing, Roll, Rolled, Runs};
use crate::helpers::fmt_num;
use crate::load::county::CountyData;
use crate::model::Model;
use crate::report::*;
use crate::types::Points;
use std::collections::BTreeMap;

/// Builds the report from finished item scores — `(node index, score)` for every leaf, in
/// tree order — and the runs of everything else (`runs.items` is not read). Used by
/// [`build`](super::build) and by incremental rescoring (`analyse::change::rescore`), which
/// reuses unchanged items.
pub(crate) fn assemble(
    m: &Model,
    data: &CountyData,
    scored: Vec<(usize, ItemScore)>,
    runs: &Runs,
) -> Report {
    let leaf_idx: Vec<usize> = scored.iter().map(|(i, _)| *i).collect();
    let items: Vec<ItemScore> = scored.into_iter().map(|(_, s)| s).collect();

    let mut penalties = penalty_results(m, runs);
    let (bonuses, bonus_points) = bonus_results(m, runs);
    let rolled = roll_up(m, &leaf_idx, &items, &mut penalties, &bonus_points);
    // 指标得分 is the sum of the items; what penalties took from nodes is in `penalty` (once).
    let items_total: Points = items.iter().map(|i| i.earned).sum();
    let vetoes = veto_results(m, runs);
    let vetoed = vetoes
        .iter()
        .any(|v| v.status == ConditionStatus::Triggered);
    let checks = check_results(m, runs);
    let nodes = node_scores(m, &leaf_idx, &items, &rolled);
    let pass_lines = pass_results(m, &vetoes, rolled.total, &rolled.earned);
    let coverage = coverage(&items);
    let count = |s: ItemStatus| items.iter().filter(|i| i.status == s).count();
    Report {
        schema: REPORT_SCHEMA,
        ruleset: RuleSetInfo {
            id: m.header.id.clone(),
            title: m.header.title.clone(),
            version: m.header.version.clone(),
            hash: m.hash.clone(),
            total_points: m.header.total_points,
            additional_points: m.header.additional_points,
            written_out_of: (m.scale != 1.0).then_some(m.written_total),
        },
        engine: EngineInfo::current(),
        county: CountyRef {
            id: data.info().id.clone(),
            name: data.info().name.clone(),
            province: data.info().province.clone(),
            year: data.info().year,
            kind: data.info().kind.clone(),
            data_hash: data.hash().to_string(),
            source: None,
            // issue 27 shape 6: relative scores
            group: crate::relative::group_of(&m.relative_fields(), data).map(|g| g.info().clone()),
        },
        summary: Summary {
            total: rolled.total,
            max: m.header.total_points,
            items_total,
            bonus: rolled.bonus,
            penalty: rolled.penalty,
            vetoed,
            coverage,
            scored: count(ItemStatus::Scored),
            no_data: count(ItemStatus::NoData),
            errors: count(ItemStatus::Error),
            warnings: checks
                .iter()
                .filter(|c| c.status == ConditionStatus::Triggered)
                .count(),
            pass_lines,
        },
        nodes,
        items,
        vetoes,
        bonuses,
        penalties,
        checks,
    }
}

/// Every penalty as requested (after its own cap; a zeroing entry that holds asks for every
/// point), in rule-set order; [`roll_up`] then sets what each actually took.
fn penalty_results(m: &Model, runs: &Runs) -> Vec<AdjustmentResult> {
    m.penalties
        .iter()
        .zip(&runs.penalties)
        .map(|(p, run)| {
            let (pts, status, detail, zeroed) = if p.is_zeroing() {
                zeroing(run, p.applies_to.as_str())
            } else {
                let (pts, status, detail) = adjustment(run, p.cap);
                (pts, status, detail, false)
            };
            AdjustmentResult {
                id: p.id.clone(),
                name: p.name.clone(),
                applies_to: Some(p.applies_to.clone()),
                points: pts,
                raw: if p.is_zeroing() {
                    Points::ZERO
                } else {
                    raw_points(run)
                },
                status,
                detail,
                zeroing: p.is_zeroing().then_some(zeroed),
            }
        })
        .collect()
}

/// Every bonus after its own cap, with the points alone (the roll-up's input).
fn bonus_results(m: &Model, runs: &Runs) -> (Vec<AdjustmentResult>, Vec<Points>) {
    let bonuses: Vec<AdjustmentResult> = m
        .bonuses
        .iter()
        .zip(&runs.bonuses)
        .map(|(b, run)| {
            let (pts, status, detail) = adjustment(run, Some(b.cap));
            AdjustmentResult {
                id: b.id.clone(),
                name: b.name.clone(),
                applies_to: None,
                points: pts,
                raw: raw_points(run),
                status,
                detail,
                zeroing: None,
            }
        })
        .collect();
    let points = bonuses.iter().map(|b| b.points).collect();
    (bonuses, points)
}

/// The one roll-up ([`Roll`]) of the items' points, the penalties and the bonuses; sets every
/// penalty's `points` to what it actually took.
fn roll_up(
    m: &Model,
    leaf_idx: &[usize],
    items: &[ItemScore],
    penalties: &mut [AdjustmentResult],
    bonus_points: &[Points],
) -> Rolled {
    let mut leaf_points: Vec<Option<Points>> = vec![None; m.nodes.len()];
    for (idx, it) in leaf_idx.iter().zip(items) {
        leaf_points[*idx] = Some(it.earned);
    }
    let wanted: Vec<Points> = penalties.iter().map(|p| p.points).collect();
    let rolled = Roll::new(m).run(m, &leaf_points, &wanted, bonus_points);
    for (p, charged) in penalties.iter_mut().zip(&rolled.charged) {
        p.points = *charged;
    }
    rolled
}

/// Every 一票否决 and whether it was triggered.
fn veto_results(m: &Model, runs: &Runs) -> Vec<VetoResult> {
    m.vetoes
        .iter()
        .zip(&runs.vetoes)
        .map(|(v, run)| {
            let (status, detail) = condition(run, "veto");
            VetoResult {
                id: v.id.clone(),
                name: v.name.clone(),
                status,
                detail,
            }
        })
        .collect()
}

/// Every data check; a check whose expectation is false is `Triggered` with its message.
fn check_results(m: &Model, runs: &Runs) -> Vec<CheckResult> {
    m.checks
        .iter()
        .zip(&runs.checks)
        .map(|(c, run)| {
            let (status, detail) = match condition(run, "check") {
                (ConditionStatus::Clear, d) => {
                    (ConditionStatus::Triggered, d.or(Some(c.message.clone())))
                }
                (ConditionStatus::Triggered, d) => (ConditionStatus::Clear, d),
                other => other,
            };
            CheckResult {
                id: c.id.clone(),
                name: c.name.clone(),
                status,
                detail,
            }
        })
        .collect()
}

/// Every inner node's score (leaves are the items), with the parts' outcome of an item made
/// of parts.
fn node_scores(
    m: &Model,
    leaf_idx: &[usize],
    items: &[ItemScore],
    rolled: &Rolled,
) -> Vec<NodeScore> {
    let status_of: BTreeMap<usize, ItemStatus> = leaf_idx
        .iter()
        .zip(items)
        .map(|(i, it)| (*i, it.status))
        .collect();
    m.nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.leaf.is_none())
        .map(|(i, n)| NodeScore {
            id: n.id.clone(),
            name: n.name.clone(),
            name_en: n.name_en.clone(),
            level: n.level,
            parent: n.parent.map(|p| m.nodes[p].id.clone()),
            earned: rolled.earned[i],
            max: n.points,
            lost: n.points - rolled.earned[i],
            penalty: rolled.node_penalty[i],
            parts: n.made_of_parts.then(|| {
                let of = |s: ItemStatus| {
                    n.children
                        .iter()
                        .filter(|c| status_of.get(c) == Some(&s))
                        .count()
                };
                PartsOutcome {
                    parts: n.children.len(),
                    scored: of(ItemStatus::Scored),
                    no_data: of(ItemStatus::NoData),
                    errors: of(ItemStatus::Error),
                }
            }),
        })
        .collect()
}

/// Every pass line, reached or not with its reasons: a triggered veto, the total below
/// `min_total`, a first-level area below `min_area_share` (`earned` by node index).
fn pass_results(
    m: &Model,
    vetoes: &[VetoResult],
    total: Points,
    earned: &[Points],
) -> Vec<PassResult> {
    m.pass_lines
        .iter()
        .map(|p| {
            let mut reasons = Vec::new();
            if let Some(v) = vetoes
                .iter()
                .find(|v| v.status == ConditionStatus::Triggered)
            {
                reasons.push(format!("一票否决：{}", v.name));
            }
            if total < p.min_total {
                reasons.push(format!("总分{total}低于{}", p.min_total));
            }
            if let Some(share) = p.min_area_share {
                for (i, n) in m.nodes.iter().enumerate().filter(|(_, n)| n.level == 1) {
                    if n.points > Points::ZERO {
                        let s = earned[i].as_f64() / n.points.as_f64();
                        if crate::numeric::below(s, share) {
                            reasons.push(format!(
                                "{}「{}」得分率{:.1}%低于{}%",
                                n.id,
                                n.name,
                                s * 100.0,
                                fmt_num(share * 100.0)
                            ));
                        }
                    }
                }
            }
            PassResult {
                id: p.id.clone(),
                name: p.name.clone(),
                min_total: p.min_total,
                min_area_share: p.min_area_share,
                reached: reasons.is_empty(),
                reasons,
            }
        })
        .collect()
}

/// The share of the items' points whose data was there (not `no_data`), to 4 decimals.
fn coverage(items: &[ItemScore]) -> f64 {
    let all: Points = items.iter().map(|i| i.max).sum();
    let covered: Points = items
        .iter()
        .filter(|i| i.status != ItemStatus::NoData)
        .map(|i| i.max)
        .sum();
    if all.milli() == 0 {
        0.0
    } else {
        (covered.milli() as f64 / all.milli() as f64 * 10_000.0).round() / 10_000.0
    }
}
