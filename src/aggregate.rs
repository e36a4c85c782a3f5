//! Step 5, aggregate: item results → tree totals, penalties, capped bonuses, vetoes, pass lines,
//! coverage — the [`Report`].

use crate::evaluate::{Outcome, Run};
use crate::helpers::fmt_num;
use crate::load::county::CountyData;
use crate::model::Model;
use crate::report::*;
use crate::types::Points;
use std::collections::BTreeMap;

/// The runs of every rule of a rule set for one county, in model order.
pub(crate) struct Runs {
    /// (node index, run, the values the rule read) for every leaf.
    pub items: Vec<(usize, Run, Inputs)>,
    /// Whether the items get explanations (false: points-only runs, for summaries).
    pub explain: bool,
    pub vetoes: Vec<Run>,
    pub bonuses: Vec<Run>,
    pub penalties: Vec<Run>,
    pub checks: Vec<Run>,
}

fn missing_text(m: &[crate::types::FieldPath]) -> String {
    crate::words::notes::Missing(m).to_string()
}

/// The item score of a leaf from its run and the values its rule read; without `explain` (a
/// points-only run, for summaries) the item gets no explanation.
pub(crate) fn item_score(
    m: &Model,
    idx: usize,
    run: Run,
    inputs: Inputs,
    explain: bool,
) -> ItemScore {
    let node = &m.nodes[idx];
    let max = node.points;
    let mut messages = Vec::new();
    let (earned, status, explanation) = match &run.outcome {
        Outcome::Number(x) => {
            let p = Points::from_f64(*x);
            let clamped = p.clamp(Points::ZERO, max);
            if clamped != p {
                messages.push(format!(
                    "warning: the rule returned {}, outside [0, {max}]; counted as {clamped}",
                    fmt_num(*x)
                ));
            }
            let expl = if explain {
                Expl::Notes {
                    notes: run.notes,
                    earned: clamped,
                }
            } else {
                Expl::Nothing
            };
            (clamped, ItemStatus::Scored, expl)
        }
        Outcome::Bool(b) => {
            messages.push(format!(
                "error: the rule returned {b}, not points; turn a condition into points with award(cond)"
            ));
            (Points::ZERO, ItemStatus::Error, Expl::RuleError)
        }
        Outcome::NoData(missing) => (
            Points::ZERO,
            ItemStatus::NoData,
            Expl::NoData(missing.clone()),
        ),
        Outcome::Error(e) => {
            messages.push(format!("error: {e}"));
            (Points::ZERO, ItemStatus::Error, Expl::RuleError)
        }
    };
    let missing = match &run.outcome {
        Outcome::NoData(mi) => mi.clone(),
        _ => Vec::new(),
    };
    described(
        m,
        idx,
        ItemResult {
            earned,
            status,
            inputs,
            missing,
            explanation: Explanation(explanation),
            messages,
        },
    )
}

/// What a rule gave an item for one county.
struct ItemResult {
    earned: Points,
    status: ItemStatus,
    inputs: Inputs,
    missing: Vec<crate::types::FieldPath>,
    explanation: Explanation,
    messages: Vec<String>,
}

/// An item's result with everything this model says of its node: id, names, area, parent,
/// points, rule text and evidence.
fn described(m: &Model, idx: usize, r: ItemResult) -> ItemScore {
    let node = &m.nodes[idx];
    let leaf = node.leaf.as_ref();
    ItemScore {
        id: node.id.clone(),
        name: node.name.clone(),
        name_en: node.name_en.clone(),
        area: m.nodes[node.area].id.clone(),
        parent: node
            .parent
            .map_or_else(|| node.id.clone(), |p| m.nodes[p].id.clone()),
        max: node.points,
        earned: r.earned,
        lost: node.points - r.earned,
        status: r.status,
        inputs: r.inputs,
        missing: r.missing,
        explanation: r.explanation,
        messages: r.messages,
        rule_text: leaf.and_then(|l| l.rule_text.clone()),
        evidence: leaf.map(|l| l.evidence.clone()).unwrap_or_default(),
    }
}

fn condition(run: &Run, what: &str) -> (ConditionStatus, Option<String>) {
    match &run.outcome {
        Outcome::Bool(true) => (ConditionStatus::Triggered, None),
        Outcome::Bool(false) => (ConditionStatus::Clear, None),
        Outcome::NoData(m) => (ConditionStatus::NoData, Some(missing_text(m))),
        Outcome::Number(x) => (
            ConditionStatus::Error,
            Some(format!(
                "the {what} returned {}, not true/false",
                fmt_num(*x)
            )),
        ),
        Outcome::Error(e) => (ConditionStatus::Error, Some(e.clone())),
    }
}

pub(crate) fn adjustment(run: &Run, cap: Option<Points>) -> (Points, ItemStatus, String) {
    match &run.outcome {
        Outcome::Number(x) => {
            let raw = Points::from_f64(*x);
            let capped = match cap {
                Some(c) => raw.clamp(Points::ZERO, c),
                None => raw.at_least_zero(),
            };
            let detail = if run.notes.is_empty() {
                format!("计{}分", fmt_num(*x))
            } else {
                crate::words::notes::joined(&run.notes)
            };
            let detail = if capped == raw {
                detail
            } else {
                format!("{detail}，按上限计{capped}分")
            };
            (capped, ItemStatus::Scored, detail)
        }
        Outcome::NoData(m) => (Points::ZERO, ItemStatus::NoData, missing_text(m)),
        Outcome::Bool(_) => (
            Points::ZERO,
            ItemStatus::Error,
            "the expression returned true/false, not points; use award(cond, pts)".into(),
        ),
        Outcome::Error(e) => (Points::ZERO, ItemStatus::Error, e.clone()),
    }
}

/// More points than any node or total holds: what a zeroing entry whose condition held asks for.
pub(crate) const ALL_POINTS: Points = Points::from_milli(i64::MAX / 1024);

/// A zeroing entry's outcome: (points asked for, status, detail, whether it holds).
pub(crate) fn zeroing(run: &Run, target: &str) -> (Points, ItemStatus, String, bool) {
    let notes = if run.notes.is_empty() {
        String::new()
    } else {
        format!("（{}）", crate::words::notes::joined(&run.notes))
    };
    let whole = if target == "total" {
        "总分为零".to_string()
    } else {
        format!("指标{target}不得分")
    };
    match &run.outcome {
        Outcome::Bool(true) => (
            ALL_POINTS,
            ItemStatus::Scored,
            format!("条件成立{notes}，{whole}"),
            true,
        ),
        Outcome::Bool(false) => (
            Points::ZERO,
            ItemStatus::Scored,
            format!("条件不成立{notes}"),
            false,
        ),
        Outcome::NoData(m) => (Points::ZERO, ItemStatus::NoData, missing_text(m), false),
        Outcome::Number(x) => (
            Points::ZERO,
            ItemStatus::Error,
            format!("the condition returned {}, not true/false", fmt_num(*x)),
            false,
        ),
        Outcome::Error(e) => (Points::ZERO, ItemStatus::Error, e.clone(), false),
    }
}

fn raw_points(run: &Run) -> Points {
    match run.outcome {
        Outcome::Number(x) => Points::from_f64(x),
        _ => Points::ZERO,
    }
}

pub(crate) fn build(m: &Model, data: &CountyData, mut runs: Runs) -> Report {
    let items = std::mem::take(&mut runs.items)
        .into_iter()
        .map(|(idx, run, inputs)| (idx, item_score(m, idx, run, inputs, runs.explain)))
        .collect();
    assemble(m, data, items, &runs)
}

/// An item's result computed under another rule set whose rule hash for it is the same: keeps
/// the result (earned, status, inputs, explanation, messages) and takes everything the hash does
/// not cover (names, area, parent, rule text, evidence) from this model.
pub(crate) fn refresh_item(m: &Model, idx: usize, old: &ItemScore) -> ItemScore {
    described(
        m,
        idx,
        ItemResult {
            earned: old.earned,
            status: old.status,
            inputs: old.inputs.clone(),
            missing: old.missing.clone(),
            explanation: old.explanation.clone(),
            messages: old.messages.clone(),
        },
    )
}

/// Which penalties apply where: for every node (by index) and for the total, the penalties that
/// apply to it, in rule-set order. Built once per rule set by callers that roll up many times
/// (the gap analysis), once per county by [`assemble`].
pub(crate) struct Roll {
    at_node: Vec<Vec<usize>>,
    at_total: Vec<usize>,
}

/// The roll-up of one county's entries: node points, penalties as charged, bonus, total.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rolled {
    /// Every node's points after its own penalties (index as in the model).
    pub earned: Vec<Points>,
    /// What penalties took from each node (扣完为止: never more than the node had).
    pub node_penalty: Vec<Points>,
    /// Every penalty as charged, in rule-set order.
    pub charged: Vec<Points>,
    /// The bonus counted (after the rule set's bonus cap).
    pub bonus: Points,
    /// The sum of the bonuses before the rule set's cap.
    pub bonus_sum: Points,
    /// All penalties charged (nodes and total).
    pub penalty: Points,
    /// The final total.
    pub total: Points,
}

impl Roll {
    pub(crate) fn new(m: &Model) -> Roll {
        let by_id: BTreeMap<&str, usize> = m
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.as_str(), i))
            .collect();
        let mut at_node = vec![Vec::new(); m.nodes.len()];
        let mut at_total = Vec::new();
        for (i, p) in m.penalties.iter().enumerate() {
            match by_id.get(p.applies_to.as_str()) {
                Some(&n) => at_node[n].push(i),
                None if p.applies_to.as_str() == "total" => at_total.push(i),
                None => {}
            }
        }
        Roll { at_node, at_total }
    }

    /// The roll-up's arithmetic, the one place it lives: leaves' points (`leaf[node]`, `None`
    /// for an inner node) summed up the tree, each node's penalties (`wanted`, in points, as
    /// requested after their own caps; a zeroing entry that holds asks for [`ALL_POINTS`])
    /// charged in rule-set order without going below zero, the bonuses (`bonus`, each after
    /// its own cap) capped by the rule set's bonus cap, and the total's penalties last.
    pub(crate) fn run(
        &self,
        m: &Model,
        leaf: &[Option<Points>],
        wanted: &[Points],
        bonus: &[Points],
    ) -> Rolled {
        let mut charged = vec![Points::ZERO; wanted.len()];
        let mut apply = |list: &[usize], available: Points| {
            let mut left = available.at_least_zero();
            let mut taken = Points::ZERO;
            for &i in list {
                let got = wanted.get(i).copied().unwrap_or(Points::ZERO).min(left);
                charged[i] = got;
                left -= got;
                taken += got;
            }
            taken
        };
        // Children come after their parent in pre-order, so go backwards.
        let mut earned = vec![Points::ZERO; m.nodes.len()];
        let mut node_penalty = vec![Points::ZERO; m.nodes.len()];
        for idx in (0..m.nodes.len()).rev() {
            let n = &m.nodes[idx];
            let sum = match leaf.get(idx).copied().flatten() {
                Some(e) => e,
                None => n.children.iter().map(|&c| earned[c]).sum(),
            };
            let taken = apply(&self.at_node[idx], sum);
            node_penalty[idx] = taken;
            earned[idx] = sum - taken;
        }
        let areas_total: Points = m
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.level == 1)
            .map(|(i, _)| earned[i])
            .sum();
        let bonus_sum: Points = bonus.iter().copied().sum();
        let bonus = match m.header.bonus_cap {
            Some(cap) => bonus_sum.min(cap),
            None => bonus_sum,
        };
        let total_taken = apply(&self.at_total, areas_total + bonus);
        let total = areas_total + bonus - total_taken;
        let penalty = node_penalty.iter().copied().sum::<Points>() + total_taken;
        Rolled {
            earned,
            node_penalty,
            charged,
            bonus,
            bonus_sum,
            penalty,
            total,
        }
    }
}

/// Builds the report from finished item scores — `(node index, score)` for every leaf, in
/// tree order — and the runs of everything else (`runs.items` is not read). Used by
/// [`build`] and by incremental rescoring (`analyse::change::rescore`), which reuses unchanged items.
pub(crate) fn assemble(
    m: &Model,
    data: &CountyData,
    scored: Vec<(usize, ItemScore)>,
    runs: &Runs,
) -> Report {
    let leaf_idx: Vec<usize> = scored.iter().map(|(i, _)| *i).collect();
    let items: Vec<ItemScore> = scored.into_iter().map(|(_, s)| s).collect();

    // Penalties requested per node (or total), in rule-set order.
    let mut penalties: Vec<AdjustmentResult> = Vec::new();
    for (p, run) in m.penalties.iter().zip(&runs.penalties) {
        let (pts, status, detail, zeroed) = if p.is_zeroing() {
            zeroing(run, p.applies_to.as_str())
        } else {
            let (pts, status, detail) = adjustment(run, p.cap);
            (pts, status, detail, false)
        };
        penalties.push(AdjustmentResult {
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
        });
    }
    let mut leaf_points: Vec<Option<Points>> = vec![None; m.nodes.len()];
    for (idx, it) in leaf_idx.iter().zip(&items) {
        leaf_points[*idx] = Some(it.earned);
    }
    let wanted: Vec<Points> = penalties.iter().map(|p| p.points).collect();
    let mut bonuses = Vec::new();
    let mut bonus_points = Vec::with_capacity(m.bonuses.len());
    for (b, run) in m.bonuses.iter().zip(&runs.bonuses) {
        let (pts, status, detail) = adjustment(run, Some(b.cap));
        bonus_points.push(pts);
        bonuses.push(AdjustmentResult {
            id: b.id.clone(),
            name: b.name.clone(),
            applies_to: None,
            points: pts,
            raw: raw_points(run),
            status,
            detail,
            zeroing: None,
        });
    }
    let rolled = Roll::new(m).run(m, &leaf_points, &wanted, &bonus_points);
    for (p, charged) in penalties.iter_mut().zip(&rolled.charged) {
        p.points = *charged;
    }
    let (earned, node_penalty) = (rolled.earned, rolled.node_penalty);
    // 指标得分 is the sum of the items; what penalties took from nodes is in `penalty` (once).
    let items_total: Points = items.iter().map(|i| i.earned).sum();
    let (bonus, total, penalty) = (rolled.bonus, rolled.total, rolled.penalty);

    let vetoes: Vec<VetoResult> = m
        .vetoes
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
        .collect();
    let vetoed = vetoes
        .iter()
        .any(|v| v.status == ConditionStatus::Triggered);

    let checks: Vec<CheckResult> = m
        .checks
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
        .collect();

    let status_of: BTreeMap<usize, ItemStatus> = leaf_idx
        .iter()
        .zip(&items)
        .map(|(i, it)| (*i, it.status))
        .collect();
    let nodes: Vec<NodeScore> = m
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.leaf.is_none())
        .map(|(i, n)| NodeScore {
            id: n.id.clone(),
            name: n.name.clone(),
            name_en: n.name_en.clone(),
            level: n.level,
            parent: n.parent.map(|p| m.nodes[p].id.clone()),
            earned: earned[i],
            max: n.points,
            lost: n.points - earned[i],
            penalty: node_penalty[i],
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
        .collect();
    // Leaves carry node-level penalties too (rare, but allowed).
    let items: Vec<ItemScore> = items;

    let pass_lines = m
        .pass_lines
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
        .collect();

    let all: Points = items.iter().map(|i| i.max).sum();
    let covered: Points = items
        .iter()
        .filter(|i| i.status != ItemStatus::NoData)
        .map(|i| i.max)
        .sum();
    let coverage = if all.milli() == 0 {
        0.0
    } else {
        (covered.milli() as f64 / all.milli() as f64 * 10_000.0).round() / 10_000.0
    };
    let count = |s: ItemStatus| items.iter().filter(|i| i.status == s).count();
    Report {
        schema: REPORT_SCHEMA,
        ruleset: RuleSetInfo {
            id: m.header.id.clone(),
            title: m.header.title.clone(),
            version: m.header.version.clone(),
            hash: m.hash.clone(),
            total_points: m.header.total_points,
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
        },
        summary: Summary {
            total,
            max: m.header.total_points,
            items_total,
            bonus,
            penalty,
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
