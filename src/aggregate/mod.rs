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
    // issue 27 shape 5: records, one by one, from the item's records note.
    let records = match &explanation {
        Expl::Notes { notes, .. } => notes
            .iter()
            .find_map(|n| match n {
                crate::words::notes::Note::Records { rows, .. } => Some(
                    rows.iter()
                        .enumerate()
                        .map(|(k, r)| RecordScore {
                            index: k + 1,
                            label: r.label.as_deref().map(str::to_string),
                            earned: Points::from_f64(r.score),
                            explanation: r.explanation(),
                        })
                        .collect(),
                ),
                _ => None,
            })
            .unwrap_or_default(),
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
            records,
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
    records: Vec<RecordScore>,
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
        records: r.records,
        messages: r.messages,
        rule_text: leaf.and_then(|l| l.rule_text.clone()),
        evidence: leaf.map(|l| l.evidence.clone()).unwrap_or_default(),
    }
}

pub(super) fn condition(run: &Run, what: &str) -> (ConditionStatus, Option<String>) {
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

pub(super) fn raw_points(run: &Run) -> Points {
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
            records: old.records.clone(),
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
        let bonus = match m.header.bonus_limit() {
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

mod assemble;
pub(crate) use assemble::assemble;
