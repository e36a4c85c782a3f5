//! Building a gap analysis from a report: lost items with their searched and verified fixes,
//! no-data items with the data to supply, areas and pass-line distances (the plan is in `plan`).

use super::adjustments;
use super::entry::Sim;
use super::levers::CountyLevers;
use super::search;
use super::*;
use crate::report::{ItemScore, ItemStatus};
use crate::types::IndicatorId;

pub(super) fn build(
    rules: &RuleSet,
    data: &CountyData,
    report: &Report,
    opts: &plan::PlanOptions,
) -> GapAnalysis {
    let sim = Sim::new(rules, data);
    let period = data.info().year.and_then(search::period_days);
    let levers = CountyLevers::new(&sim, period);
    let vetoes: Vec<String> = report
        .vetoes
        .iter()
        .filter(|v| v.status == crate::ConditionStatus::Triggered)
        .map(|v| v.name.clone())
        .collect();
    let mut lost = Vec::new();
    let mut no_data = Vec::new();
    for (pos, (node, item)) in rules.items().zip(&report.items).enumerate() {
        let Some(leaf) = node.leaf.as_ref() else {
            continue;
        };
        let Some(entry) = sim.entries.get(pos) else {
            continue;
        };
        match item.status {
            ItemStatus::NoData => {
                let mut s = search::Searcher::new(rules, data, entry, &levers);
                // Supply the missing inputs, and the optional ones the target names.
                let mut fields = item.missing.clone();
                fields.extend(
                    leaf.optional_inputs
                        .iter()
                        .filter(|f| leaf.target.contains_key(*f) && !data.values().contains_key(*f))
                        .cloned(),
                );
                let supply = s
                    .supply(&fields, &leaf.target)
                    .map(|f| refine_supply(&mut s, &fields, &leaf.target, item.max, f))
                    .and_then(|f| verify(&sim, pos, f))
                    .filter(|f| f.gain > Points::ZERO);
                no_data.push(NoDataItem {
                    id: item.id.clone(),
                    name: item.name.clone(),
                    area: item.area.clone(),
                    at_stake: item.max,
                    missing: item
                        .missing
                        .iter()
                        .map(|f| MissingField {
                            field: f.clone(),
                            desc: rules
                                .fields()
                                .get(f)
                                .map(|s| s.desc.clone())
                                .unwrap_or_default(),
                        })
                        .collect(),
                    evidence: item.evidence.clone(),
                    rule_text: item.rule_text.clone(),
                    supply,
                });
            }
            _ if item.lost > Points::ZERO => {
                let (fix, alternatives, note, partial) = if item.status == ItemStatus::Scored {
                    let fields = leaf.reads();
                    let mut s = search::Searcher::new(rules, data, entry, &levers);
                    let found = s.search(&fields, &leaf.target, item.earned);
                    let mut note = found.note;
                    // issue 27 shape 6: a relative item's search moves the county's figure with
                    // the other counties standing still; say so, and what the item needs.
                    if let Some(rel) = &leaf.relative {
                        let p = rules.items.get(pos).map_or(item.max, |(i, _)| {
                            crate::ruleset::written_points(&rules.model, *i)
                        });
                        note.complete = false;
                        if let Some(t) = crate::relative::needs(rel, p.as_f64(), data) {
                            note.not_searched.insert(0, t);
                        }
                        note.not_searched.push(crate::relative::STILL.into());
                    }
                    let fix = verify(&sim, pos, found.fix);
                    // Alternatives are other single changes that do what the whole fix does.
                    let alts = if fix.as_ref().is_some_and(|f| f.changes.len() == 1) {
                        found
                            .alternatives
                            .into_iter()
                            .filter_map(|f| verify(&sim, pos, f))
                            .collect()
                    } else {
                        Vec::new()
                    };
                    let partial = match fix.as_ref() {
                        Some(f) if f.changes.len() == 1 && f.gain > Points::ZERO => {
                            let goals = needs(report, item);
                            partial_moves(&sim, &levers, pos, f, item.earned, &goals)
                        }
                        _ => Vec::new(),
                    };
                    (fix, alts, note, partial)
                } else {
                    (None, Vec::new(), SearchNote::default(), Vec::new())
                };
                let mut l = lost_item(item, fix, alternatives, note);
                l.partial = partial;
                lost.push(l);
            }
            _ => {}
        }
    }
    lost.sort_by(|a, b| b.lost.cmp(&a.lost).then_with(|| id_order(&a.id, &b.id)));
    no_data.sort_by(|a, b| {
        b.at_stake
            .cmp(&a.at_stake)
            .then_with(|| id_order(&a.id, &b.id))
    });
    let adjustments = adjustments::lost(&sim, &levers, report);
    let accounting = adjustments::accounting(report, &lost, &no_data);
    let areas = areas(report, &lost, &no_data);
    let pass_lines = report
        .summary
        .pass_lines
        .iter()
        .map(|p| pass_gap(report, p))
        .collect();
    let mut gap = GapAnalysis {
        schema: GAP_SCHEMA,
        ruleset: report.ruleset.clone(),
        engine: report.engine.clone(),
        county: report.county.clone(),
        total: report.summary.total,
        max: report.summary.max,
        vetoes,
        pass_lines,
        areas,
        lost,
        no_data,
        adjustments,
        accounting,
        plans: Vec::new(),
        peers: None,
    };
    gap.plans = plan::plans(&sim, report, &gap, opts);
    gap
}

/// When the target values do not earn full points with the county's other data (a target of
/// 10 decisions when the county made 20, say), searches the supplied fields onward from the
/// targets, so the supply says what the missing figures must be.
fn refine_supply(
    s: &mut search::Searcher<'_>,
    fields: &[FieldPath],
    target: &BTreeMap<FieldPath, Value>,
    max: Points,
    mut fix: Fix,
) -> Fix {
    if fix.earned >= max {
        return fix;
    }
    let more = s.search(fields, target, fix.earned).fix;
    for c in more.changes {
        if let Some(x) = fix.changes.iter_mut().find(|x| x.field == c.field) {
            x.to = c.to;
        }
    }
    fix.earned = more.earned;
    fix.gain = more.earned;
    fix
}

/// The smaller moves of a one-field fix `f` of entry `entry` (worth `now` before it): the
/// smallest move of its field to every points level the probes pass and to every `goals` level
/// (what a pass line needs), each checked like a fix, those that gain kept.
pub(super) fn partial_moves(
    sim: &Sim<'_>,
    levers: &CountyLevers,
    entry: usize,
    f: &Fix,
    now: Points,
    goals: &[Points],
) -> Vec<Fix> {
    let (Some(e), Some(first)) = (sim.entries.get(entry), f.changes.first()) else {
        return Vec::new();
    };
    let rules = sim.rules;
    let mut s = search::Searcher::new(rules, sim.data(), e, levers);
    s.ladder(&first.field, now, f.earned, goals)
        .into_iter()
        .filter_map(|(to, p)| {
            let c = search::change(rules.fields(), &first.field, first.from.clone(), to);
            let partial = Fix {
                reach: Reach::Partial,
                changes: vec![c],
                earned: p,
                gain: p - now,
            };
            verify(sim, entry, partial)
        })
        .filter(|f| f.gain > Points::ZERO)
        .collect()
}

/// The entry's points with the fix applied, from the entry's own rule evaluated on the county's
/// data with the changes (the same rule and data a full rescore runs; plans are still verified
/// by a full rescore). A fix with no changes is kept as it is (it promises nothing).
pub(super) fn verify(sim: &Sim<'_>, entry: usize, mut fix: Fix) -> Option<Fix> {
    if fix.changes.is_empty() {
        return Some(fix);
    }
    let changes: Vec<(FieldPath, Value)> = fix
        .changes
        .iter()
        .map(|c| (c.field.clone(), c.to.clone()))
        .collect();
    let e = sim.entries.get(entry)?;
    let now = sim.values(&changes).get(entry).copied().flatten()?;
    let before = fix.earned - fix.gain;
    fix.earned = now;
    fix.gain = now - before;
    fix.reach = if now >= e.best {
        Reach::Full
    } else if fix.gain > Points::ZERO {
        Reach::Partial
    } else {
        Reach::None
    };
    Some(fix)
}

fn lost_item(
    item: &ItemScore,
    fix: Option<Fix>,
    alternatives: Vec<Fix>,
    search: SearchNote,
) -> LostItem {
    let mut why = item.explanation.to_string();
    for m in &item.messages {
        why.push('；');
        why.push_str(m);
    }
    LostItem {
        id: item.id.clone(),
        name: item.name.clone(),
        area: item.area.clone(),
        max: item.max,
        earned: item.earned,
        lost: item.lost,
        status: item.status,
        rule_text: item.rule_text.clone(),
        inputs: item.inputs.clone(),
        why,
        fix,
        alternatives,
        search,
        partial: Vec::new(),
    }
}

/// The item points levels a pass line may need: its current points plus the total's shortfall,
/// plus the shortfall of its area's share, for every pass line not reached.
fn needs(report: &Report, item: &ItemScore) -> Vec<Points> {
    let mut out = Vec::new();
    for p in report.summary.pass_lines.iter().filter(|p| !p.reached) {
        let total = p.min_total - report.summary.total;
        if total > Points::ZERO {
            out.push(item.earned + total);
        }
        for a in areas_short(report, p.min_area_share) {
            if a.id == item.area {
                out.push(item.earned + a.shortfall);
            }
        }
    }
    out
}

fn areas(report: &Report, lost: &[LostItem], no_data: &[NoDataItem]) -> Vec<AreaGap> {
    report
        .nodes
        .iter()
        .filter(|n| n.level == 1)
        .map(|n| AreaGap {
            id: n.id.clone(),
            name: n.name.to_string(),
            earned: n.earned,
            max: n.max,
            lost: n.lost,
            items_lost: lost.iter().filter(|i| i.area == n.id).count(),
            items_no_data: no_data.iter().filter(|i| i.area == n.id).count(),
            no_data_points: no_data
                .iter()
                .filter(|i| i.area == n.id)
                .map(|i| i.at_stake)
                .sum(),
        })
        .collect()
}

fn pass_gap(report: &Report, p: &crate::PassResult) -> PassGap {
    PassGap {
        id: p.id.clone(),
        name: p.name.clone(),
        min_total: p.min_total,
        min_area_share: p.min_area_share,
        reached: p.reached,
        blocked_by_veto: report.summary.vetoed,
        shortfall: (p.min_total - report.summary.total).at_least_zero(),
        areas_short: areas_short(report, p.min_area_share),
        blockers: if p.reached {
            Vec::new()
        } else {
            blockers(report, p)
        },
    }
}

/// Exactly what keeps the county from a line it does not reach: the total (when below the
/// minimum), each area below the minimum share, each veto that fired, each zeroing condition
/// that held (该项不得分 / 总分即为零分).
fn blockers(report: &Report, p: &crate::PassResult) -> Vec<Blocker> {
    let mut out = Vec::new();
    let shortfall = p.min_total - report.summary.total;
    if shortfall > Points::ZERO {
        out.push(Blocker::Total { shortfall });
    }
    for a in areas_short(report, p.min_area_share) {
        out.push(Blocker::AreaShare {
            id: a.id,
            name: a.name,
            shortfall: a.shortfall,
        });
    }
    for v in report
        .vetoes
        .iter()
        .filter(|v| v.status == crate::ConditionStatus::Triggered)
    {
        out.push(Blocker::Veto {
            id: v.id.clone(),
            name: v.name.clone(),
        });
    }
    // A zeroing condition that held took a node's (or the total's) points: it keeps the county
    // from the line as long as the total or that node's area is short.
    for z in report.penalties.iter().filter(|z| z.zeroed()) {
        out.push(Blocker::Zeroing {
            id: z.id.clone(),
            name: z.name.clone(),
            applies_to: z
                .applies_to
                .clone()
                .unwrap_or_else(|| IndicatorId::new("total")),
        });
    }
    out
}

/// The first-level areas below `share` of their points.
pub(crate) fn areas_short(report: &Report, share: Option<f64>) -> Vec<AreaShort> {
    let Some(share) = share else {
        return Vec::new();
    };
    report
        .nodes
        .iter()
        .filter(|n| n.level == 1 && n.max > Points::ZERO)
        .filter(|n| crate::numeric::below(n.earned.as_f64() / n.max.as_f64(), share))
        .map(|n| {
            let needed = Points::from_milli((n.max.milli() as f64 * share).ceil() as i64);
            AreaShort {
                id: n.id.clone(),
                name: n.name.to_string(),
                earned: n.earned,
                needed,
                shortfall: needed - n.earned,
            }
        })
        .collect()
}

/// Orders ids such as `4.10.1` after `4.9.1`: numerically per segment, then as text.
pub(crate) fn id_order(a: &IndicatorId, b: &IndicatorId) -> std::cmp::Ordering {
    let key = |s: &str| -> Vec<(u64, String)> {
        s.split('.')
            .map(|p| (p.parse::<u64>().unwrap_or(u64::MAX), p.to_string()))
            .collect()
    };
    key(a.as_str()).cmp(&key(b.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_sort_numerically() {
        let mut v: Vec<IndicatorId> = ["4.10.1", "4.9.1", "10.1", "2"]
            .into_iter()
            .map(IndicatorId::new)
            .collect();
        v.sort_by(id_order);
        let s: Vec<&str> = v.iter().map(|i| i.as_str()).collect();
        assert_eq!(s, ["2", "4.9.1", "4.10.1", "10.1"]);
    }
}
