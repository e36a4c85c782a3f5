//! The province's view: many counties' gap analyses summed up entry by entry, so that whoever
//! oversees the counties sees where points are lost most often, how many points that is in all,
//! and which entries the counties' cheapest plans go through.
//!
//! Built from analyses already made ([`GapSummary::new`]): nothing is searched or rescored
//! again, so the summary says exactly what the per-county analyses say.

use super::{AdjustmentKind, GapAnalysis};
use crate::types::{IndicatorId, Points};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What kind of entry a line of the summary is about: an item (二级/三级指标) or one of the
/// entries beyond the items. Serialised as `item`, `penalty`, `zeroing`, `bonus`, `veto`, the
/// names a plan step's `kind` uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// An item of the indicator tree.
    Item,
    /// 扣分: a penalty on a node or the total.
    Penalty,
    /// 清零: a zeroing entry (该项不得分 / 总分即为零分).
    Zeroing,
    /// 加分: a bonus.
    Bonus,
    /// 一票否决: a veto.
    Veto,
}

impl EntryKind {
    /// The JSON name (`item`, `penalty`, `zeroing`, `bonus`, `veto`).
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Item => "item",
            EntryKind::Penalty => "penalty",
            EntryKind::Zeroing => "zeroing",
            EntryKind::Bonus => "bonus",
            EntryKind::Veto => "veto",
        }
    }

    /// The kind of a plan step (its `kind` field); `None` for a name it does not know.
    pub fn from_step(kind: &str) -> Option<EntryKind> {
        Some(match kind {
            "item" => EntryKind::Item,
            "penalty" => EntryKind::Penalty,
            "zeroing" => EntryKind::Zeroing,
            "bonus" => EntryKind::Bonus,
            "veto" => EntryKind::Veto,
            _ => return None,
        })
    }
}

impl From<AdjustmentKind> for EntryKind {
    fn from(k: AdjustmentKind) -> EntryKind {
        match k {
            AdjustmentKind::Penalty => EntryKind::Penalty,
            AdjustmentKind::Zeroing => EntryKind::Zeroing,
            AdjustmentKind::Bonus => EntryKind::Bonus,
            AdjustmentKind::Veto => EntryKind::Veto,
        }
    }
}

/// Many counties' gap analyses summed up: per pass line, how many counties reach it and how
/// many plans would; per entry, how many counties lost points there, the points lost in all,
/// and how many counties' cheapest plans go through it.
///
/// ```
/// use fazhi::analyse::gap::{EntryKind, GapAnalysis, GapSummary};
/// use fazhi::{CountyData, Points, RuleSet, RuleSource};
///
/// let rules = RuleSet::load(&RuleSource::from_documents([("r.yaml", r#"
/// ruleset: {id: demo, title: 示例, version: "1", total_points: 10}
/// fields:
///   litigation.head_appearance_rate: {type: percent, lever: raise, desc: 出庭应诉率}
/// indicators:
///   - id: "1"
///     name: 行政争议化解
///     points: 10
///     children:
///       - id: "1.1"
///         name: 行政机关负责人出庭应诉
///         points: 10
///         inputs: [litigation.head_appearance_rate]
///         score: tiers(d.litigation.head_appearance_rate, [[90, P], [80, 5]])
/// pass_lines:
///   - {id: pass, name: 达标, min_total: 8}
/// "#)]))?;
/// let a = CountyData::from_str("a.yaml", "county: {id: a, name: 甲县}\ndata: {litigation: {head_appearance_rate: 82.5}}\n", &rules)?;
/// let b = CountyData::from_str("b.yaml", "county: {id: b, name: 乙县}\ndata: {}\n", &rules)?;
/// let gaps = vec![GapAnalysis::new(&rules, &a), GapAnalysis::new(&rules, &b)];
/// let summary = GapSummary::new(&gaps);
/// assert_eq!(summary.counties, 2);
/// // 1.1: 甲县 lost 5 (82.5% earns 5 of 10), 乙县 has no data (10 at stake): 2 counties, 15 points.
/// let e = &summary.entries[0];
/// assert_eq!((e.kind, e.id.as_str(), e.counties, e.no_data), (EntryKind::Item, "1.1", 2, 1));
/// assert_eq!(e.points, Points::from_f64(15.0));
/// // Neither reaches 达标 (8). 甲县's plan raises the rate to 90% through 1.1; 乙县's cannot
/// // (the rule set gives no target value to supply its missing figure).
/// let line = &summary.pass_lines[0];
/// assert_eq!((line.reached, line.plans_reaching, line.plans_short), (0, 1, 1));
/// assert_eq!(e.in_plans, vec![1]);
/// # Ok::<(), fazhi::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GapSummary {
    /// How many counties were analysed.
    pub counties: usize,
    /// Every pass line, in the order the analyses give them (the rule set's order).
    pub pass_lines: Vec<SummaryPassLine>,
    /// Every entry where some county lost points or some plan changes something, ranked by the
    /// points lost in all (most first), then by the number of counties (most first), then by
    /// kind (items, penalties, zeroing entries, bonuses, vetoes) and id.
    pub entries: Vec<SummaryEntry>,
}

/// One pass line across the counties: counts of counties.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryPassLine {
    /// Pass line id.
    pub id: IndicatorId,
    /// Its name (示范).
    pub name: String,
    /// The minimum total, in points.
    pub min_total: Points,
    /// Counties that reach it now.
    pub reached: usize,
    /// Counties that do not reach it and whose plan does (rescored).
    pub plans_reaching: usize,
    /// Counties that do not reach it and whose plan does not either (everything searched falls
    /// short, or a veto blocks the line).
    pub plans_short: usize,
}

/// One entry (an item, penalty, zeroing entry, bonus or veto) across the counties.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryEntry {
    /// Its id (`4.2.1`, `PN1`, `Z1`, `B1`, `V1`).
    pub id: IndicatorId,
    /// Its Chinese name.
    pub name: String,
    /// What kind of entry.
    pub kind: EntryKind,
    /// Counties that lost points there: an item that lost points (with data, or without data),
    /// a penalty charged, a zeroing entry that holds, a bonus below its own cap (while the rule
    /// set's bonus cap leaves room), a veto that fires.
    pub counties: usize,
    /// Of `counties`, those that lack the item's data (0 for entries beyond the items).
    pub no_data: usize,
    /// The points lost there, summed over the counties, in points: an item's points lost with
    /// data plus its points at stake without data; a penalty's points as charged (扣完为止); a
    /// zeroing entry's points taken; a bonus's points short of its own cap; 0 for a veto (it
    /// blocks pass lines, it takes no points).
    pub points: Points,
    /// For every pass line of [`GapSummary::pass_lines`], in that order: how many counties'
    /// cheapest plans to it have a step through this entry.
    pub in_plans: Vec<usize>,
}

/// Several counties' gap analyses with their summary: the JSON of `fazhi gap` over more than one
/// county (`{"gaps": [...], "summary": {...}}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GapBatch {
    /// Every county's analysis, in input order.
    pub gaps: Vec<GapAnalysis>,
    /// Their summary.
    pub summary: GapSummary,
}

impl GapBatch {
    /// The analyses with their summary ([`GapSummary::new`]).
    pub fn new(gaps: Vec<GapAnalysis>) -> GapBatch {
        let summary = GapSummary::new(&gaps);
        GapBatch { gaps, summary }
    }
}

impl GapSummary {
    /// Sums up the analyses. Entries are matched by kind and id, pass lines by id, so the
    /// analyses should come from one rule set (an entry's name is the first one seen).
    pub fn new(gaps: &[GapAnalysis]) -> GapSummary {
        let mut pass_lines: Vec<SummaryPassLine> = Vec::new();
        for g in gaps {
            for p in &g.pass_lines {
                let at = match pass_lines.iter().position(|x| x.id == p.id) {
                    Some(at) => at,
                    None => {
                        pass_lines.push(SummaryPassLine {
                            id: p.id.clone(),
                            name: p.name.clone(),
                            min_total: p.min_total,
                            reached: 0,
                            plans_reaching: 0,
                            plans_short: 0,
                        });
                        pass_lines.len() - 1
                    }
                };
                let line = &mut pass_lines[at];
                if p.reached {
                    line.reached += 1;
                } else if g
                    .plans
                    .iter()
                    .any(|x| x.pass_line == p.id && x.reaches && !x.blocked_by_veto)
                {
                    line.plans_reaching += 1;
                } else {
                    line.plans_short += 1;
                }
            }
        }
        let lines = pass_lines.len();
        let mut entries: BTreeMap<(EntryKind, IndicatorId), SummaryEntry> = BTreeMap::new();
        for g in gaps {
            for i in &g.lost {
                let e = slot(&mut entries, lines, EntryKind::Item, &i.id, &i.name);
                e.counties += 1;
                e.points += i.lost;
            }
            for i in &g.no_data {
                let e = slot(&mut entries, lines, EntryKind::Item, &i.id, &i.name);
                e.counties += 1;
                e.no_data += 1;
                e.points += i.at_stake;
            }
            for a in &g.adjustments {
                let e = slot(&mut entries, lines, a.kind.into(), &a.id, &a.name);
                e.counties += 1;
                e.points += match a.kind {
                    AdjustmentKind::Penalty | AdjustmentKind::Zeroing => a.points,
                    AdjustmentKind::Bonus => (a.requested - a.points).at_least_zero(),
                    AdjustmentKind::Veto => Points::ZERO,
                };
            }
            for p in &g.plans {
                let Some(k) = pass_lines.iter().position(|x| x.id == p.pass_line) else {
                    continue;
                };
                let mut seen: Vec<(EntryKind, &IndicatorId)> = Vec::new();
                for s in &p.steps {
                    let kind = EntryKind::from_step(&s.kind).unwrap_or(EntryKind::Item);
                    if seen.contains(&(kind, &s.item)) {
                        continue;
                    }
                    seen.push((kind, &s.item));
                    slot(&mut entries, lines, kind, &s.item, &s.name).in_plans[k] += 1;
                }
            }
        }
        let mut entries: Vec<SummaryEntry> = entries.into_values().collect();
        entries.sort_by(|a, b| {
            b.points
                .cmp(&a.points)
                .then(b.counties.cmp(&a.counties))
                .then(a.kind.cmp(&b.kind))
                .then_with(|| super::id_order(&a.id, &b.id))
        });
        GapSummary {
            counties: gaps.len(),
            pass_lines,
            entries,
        }
    }
}

/// The summary line of an entry, made empty on first sight.
fn slot<'a>(
    entries: &'a mut BTreeMap<(EntryKind, IndicatorId), SummaryEntry>,
    lines: usize,
    kind: EntryKind,
    id: &IndicatorId,
    name: &str,
) -> &'a mut SummaryEntry {
    entries
        .entry((kind, id.clone()))
        .or_insert_with(|| SummaryEntry {
            id: id.clone(),
            name: name.to_string(),
            kind,
            counties: 0,
            no_data: 0,
            points: Points::ZERO,
            in_plans: vec![0; lines],
        })
}
