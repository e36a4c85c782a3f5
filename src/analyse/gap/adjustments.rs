//! Points lost outside the items, and the accounting that adds every loss up.
//!
//! Penalties (扣分, on a node or the total), zeroing entries (该项不得分 / 总分即为零分), bonuses
//! below their caps (加分) and vetoes (一票否决) are places a county loses points or a pass line
//! just as items are. Each is searched the way an item is ([`super::search`]): the smallest
//! change to its inputs, levers only, that removes the penalty, lifts the zeroing or the veto, or
//! earns the bonus; with the partial moves a pass line needs (one criticism fewer). The plan
//! takes them as options beside the items'.

use super::entry::{Kind, Sim, FIRED};
use super::levers::CountyLevers;
use super::search::Searcher;
use super::*;
use crate::aggregate::ALL_POINTS;
use crate::report::AdjustmentResult;

/// Every penalty charged, zeroing entry that holds, bonus below its cap (while the rule set's
/// bonus cap leaves room) and veto that fires, each with what would win its points back.
pub(super) fn lost(sim: &Sim<'_>, levers: &CountyLevers, report: &Report) -> Vec<LostAdjustment> {
    let rules = sim.rules;
    let data = sim.data();
    let m = &rules.model;
    let bonus_room = m
        .header
        .bonus_limit()
        .is_none_or(|cap| report.summary.bonus < cap);
    let mut out = Vec::new();
    for (i, e) in sim.entries.iter().enumerate() {
        let Some(now) = sim.base[i] else { continue };
        let (kind, result): (AdjustmentKind, Option<&AdjustmentResult>) = match e.kind {
            Kind::Item(_) => continue,
            Kind::Penalty(k) if e.zeroing => (AdjustmentKind::Zeroing, report.penalties.get(k)),
            Kind::Penalty(k) => (AdjustmentKind::Penalty, report.penalties.get(k)),
            Kind::Bonus(k) => (AdjustmentKind::Bonus, report.bonuses.get(k)),
            Kind::Veto(_) => (AdjustmentKind::Veto, None),
        };
        let lost_here = match kind {
            AdjustmentKind::Bonus => bonus_room && now < e.best,
            _ => now < Points::ZERO,
        };
        if !lost_here {
            continue;
        }
        let (rule_text, applies_to) = match e.kind {
            Kind::Penalty(k) => m
                .penalties
                .get(k)
                .map(|p| (p.rule_text.clone(), Some(p.applies_to.clone())))
                .unwrap_or_default(),
            Kind::Bonus(k) => (m.bonuses.get(k).and_then(|b| b.rule_text.clone()), None),
            Kind::Veto(k) => (m.vetoes.get(k).and_then(|v| v.rule_text.clone()), None),
            Kind::Item(_) => (None, None),
        };
        let charged = result.map_or(Points::ZERO, |r| r.points);
        let mut s = Searcher::new(rules, data, e, levers);
        let found = s.search(&e.reads, &BTreeMap::new(), now);
        let fix = Some(found.fix)
            .filter(|f| !f.changes.is_empty())
            .and_then(|f| super::build::verify(sim, i, f));
        let partial = match fix.as_ref() {
            Some(f)
                if f.changes.len() == 1
                    && matches!(kind, AdjustmentKind::Penalty | AdjustmentKind::Bonus) =>
            {
                let goals: Vec<Points> = report
                    .summary
                    .pass_lines
                    .iter()
                    .filter(|p| !p.reached)
                    .map(|p| now + (p.min_total - report.summary.total))
                    .filter(|g| *g > now)
                    .collect();
                super::build::partial_moves(sim, levers, i, f, now, &goals)
            }
            _ => Vec::new(),
        };
        let total_after = fix.as_ref().map(|f| {
            let ch: Vec<(FieldPath, Value)> = f
                .changes
                .iter()
                .map(|c| (c.field.clone(), c.to.clone()))
                .collect();
            sim.outcome(&ch).total
        });
        let present = |f: Fix| present(kind, now, charged, f);
        out.push(LostAdjustment {
            id: e.id.clone(),
            name: e.name.clone(),
            kind,
            applies_to,
            points: match kind {
                AdjustmentKind::Bonus => now,
                AdjustmentKind::Veto => Points::ZERO,
                _ => charged,
            },
            requested: match kind {
                AdjustmentKind::Penalty => -now,
                AdjustmentKind::Bonus => e.best,
                _ => charged,
            },
            rule_text,
            why: result.map(|r| r.detail.clone()).unwrap_or_default(),
            fix: fix.map(present),
            partial: partial.into_iter().map(present).collect(),
            total_after,
            search: found.note,
        });
    }
    out
}

/// A fix as the report states it: for a penalty, `earned` is the points still requested after
/// the change and `gain` the points no longer requested; for a zeroing entry, the points it
/// took come back; for a veto nothing is earned (the line is unblocked); a bonus as it is.
fn present(kind: AdjustmentKind, now: Points, charged: Points, mut f: Fix) -> Fix {
    match kind {
        AdjustmentKind::Penalty => {
            f.gain = f.earned - now;
            f.earned = -f.earned;
        }
        AdjustmentKind::Zeroing | AdjustmentKind::Veto => {
            let lifted = f.earned > FIRED && f.earned > -ALL_POINTS;
            f.earned = Points::ZERO;
            f.gain = if lifted && kind == AdjustmentKind::Zeroing {
                charged
            } else {
                Points::ZERO
            };
            if lifted {
                f.reach = Reach::Full;
            }
        }
        AdjustmentKind::Bonus => {}
    }
    f
}

/// The accounting of a report: max − total = items lost (with and without data) + penalties as
/// charged + points zeroed − bonuses as counted after the cap.
pub(super) fn accounting(report: &Report, lost: &[LostItem], no_data: &[NoDataItem]) -> Accounting {
    let items_lost: Points = lost.iter().map(|l| l.lost).sum();
    let items_no_data: Points = no_data.iter().map(|n| n.at_stake).sum();
    let line = |a: &AdjustmentResult| AccountLine {
        id: a.id.clone(),
        name: a.name.clone(),
        applies_to: a.applies_to.clone(),
        points: a.points,
    };
    let charged = |zeroing: bool| -> Vec<AccountLine> {
        report
            .penalties
            .iter()
            .filter(|p| p.zeroing.is_some() == zeroing && p.points > Points::ZERO)
            .map(line)
            .collect()
    };
    let penalties = charged(false);
    let zeroed = charged(true);
    let bonuses: Vec<AccountLine> = report
        .bonuses
        .iter()
        .filter(|b| b.points > Points::ZERO)
        .map(line)
        .collect();
    let bonus_sum: Points = bonuses.iter().map(|b| b.points).sum();
    let s = &report.summary;
    let additional = report.ruleset.additional_points.unwrap_or(Points::ZERO);
    let explained = additional
        + items_lost
        + items_no_data
        + penalties.iter().map(|p| p.points).sum::<Points>()
        + zeroed.iter().map(|p| p.points).sum::<Points>()
        - s.bonus;
    Accounting {
        max: s.max,
        total: s.total,
        items_lost,
        items_no_data,
        penalties,
        zeroed,
        bonuses,
        bonus_counted: s.bonus,
        bonus_trimmed: bonus_sum - s.bonus,
        additional,
        adds_up: s.max - s.total == explained,
    }
}
