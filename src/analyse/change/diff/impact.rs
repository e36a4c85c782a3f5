//! The county part of a rule-set diff: old → new total, rank, pass level, and the exact terms.

use super::structure::id_key;
use super::{Contribution, ContributionKind, CountyDelta, VetoChange};
use crate::analyse::change::rank::{competition_ranks, pass_level};
use crate::report::{ConditionStatus, Report};
use crate::types::{IndicatorId, Points};
use std::collections::BTreeMap;

type Key = (ContributionKind, IndicatorId);

/// The signed terms of a report's total, by kind and id, with names.
fn terms(r: &Report) -> BTreeMap<Key, (String, Points)> {
    let mut t = BTreeMap::new();
    for i in &r.items {
        t.insert(
            (ContributionKind::Item, i.id.clone()),
            (i.name.to_string(), i.earned),
        );
    }
    for b in &r.bonuses {
        t.insert(
            (ContributionKind::Bonus, b.id.clone()),
            (b.name.clone(), b.points),
        );
    }
    let given: Points = r.bonuses.iter().map(|b| b.points).sum();
    t.insert(
        (ContributionKind::BonusCap, IndicatorId::new("bonus_cap")),
        ("加分总上限".to_string(), r.summary.bonus - given),
    );
    for p in &r.penalties {
        let kind = if p.zeroing.is_some() {
            ContributionKind::Zeroing
        } else {
            ContributionKind::Penalty
        };
        t.insert(
            (kind, p.id.clone()),
            (p.name.clone(), Points::ZERO - p.points),
        );
    }
    t
}

/// The terms whose points differ between two reports of the same county, largest |delta| first
/// (then kind, then id). Their deltas add up to `new.summary.total − old.summary.total` exactly.
pub fn contributions(old: &Report, new: &Report) -> Vec<Contribution> {
    let mut a = terms(old);
    let b = terms(new);
    let mut out = Vec::new();
    for (key, (name, nv)) in b {
        let ov = a.remove(&key).map_or(Points::ZERO, |(_, v)| v);
        out.push(Contribution {
            kind: key.0,
            id: key.1,
            name,
            old: ov,
            new: nv,
            delta: nv - ov,
        });
    }
    for (key, (name, ov)) in a {
        out.push(Contribution {
            kind: key.0,
            id: key.1,
            name,
            old: ov,
            new: Points::ZERO,
            delta: Points::ZERO - ov,
        });
    }
    out.retain(|c| c.delta != Points::ZERO);
    out.sort_by(|x, y| {
        (y.delta.milli().abs(), x.kind, id_key(x.id.as_str())).cmp(&(
            x.delta.milli().abs(),
            y.kind,
            id_key(y.id.as_str()),
        ))
    });
    out
}

fn vetoes(old: &Report, new: &Report) -> Vec<VetoChange> {
    let fired = |r: &Report| -> BTreeMap<IndicatorId, (String, bool)> {
        r.vetoes
            .iter()
            .map(|v| {
                let on = v.status == ConditionStatus::Triggered;
                (v.id.clone(), (v.name.clone(), on))
            })
            .collect()
    };
    let (a, b) = (fired(old), fired(new));
    let ids: std::collections::BTreeSet<&IndicatorId> = a.keys().chain(b.keys()).collect();
    ids.into_iter()
        .filter_map(|id| {
            let o = a.get(id).is_some_and(|x| x.1);
            let n = b.get(id).is_some_and(|x| x.1);
            let name = b.get(id).or_else(|| a.get(id)).map(|x| x.0.clone())?;
            (o != n).then(|| VetoChange {
                id: id.clone(),
                name,
                old: o,
                new: n,
            })
        })
        .collect()
}

/// The movement of every county: `old[i]` and `new[i]` are the same county under the old and
/// the new rules. Ranks are competition ranks within this batch. The result is ordered by new
/// rank, then county id, then source file.
pub fn county_deltas(old: &[Report], new: &[Report]) -> Vec<CountyDelta> {
    let n = old.len().min(new.len());
    let (old, new) = (&old[..n], &new[..n]);
    let ro = competition_ranks(&old.iter().map(|r| r.summary.total).collect::<Vec<_>>());
    let rn = competition_ranks(&new.iter().map(|r| r.summary.total).collect::<Vec<_>>());
    let mut out: Vec<CountyDelta> = (0..n)
        .map(|i| {
            let (o, w) = (&old[i], &new[i]);
            CountyDelta {
                county: w.county.clone(),
                old_total: o.summary.total,
                new_total: w.summary.total,
                delta: w.summary.total - o.summary.total,
                old_rank: ro[i],
                new_rank: rn[i],
                rank_change: ro[i] as i64 - rn[i] as i64,
                old_pass: pass_level(o),
                new_pass: pass_level(w),
                contributions: contributions(o, w),
                vetoes: vetoes(o, w),
                errors: w.rule_errors(),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        (a.new_rank, &a.county.id, &a.county.source).cmp(&(
            b.new_rank,
            &b.county.id,
            &b.county.source,
        ))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CountyData, RuleSet, RuleSource};

    fn mini_report() -> Report {
        let src = RuleSource::from_documents([
            (
                "ruleset.yaml",
                include_str!("../../../../tests/rules/mini/ruleset.yaml"),
            ),
            (
                "fields.yaml",
                include_str!("../../../../tests/rules/mini/fields.yaml"),
            ),
            (
                "areas.yaml",
                include_str!("../../../../tests/rules/mini/areas.yaml"),
            ),
        ]);
        let rules = RuleSet::load(&src).unwrap();
        let text = include_str!("../../../../tests/data/mini-good.yaml");
        rules.score(&CountyData::from_str("g.yaml", text, &rules).unwrap())
    }

    #[test]
    fn terms_add_up_to_the_total() {
        let r = mini_report();
        let sum: Points = terms(&r).values().map(|(_, p)| *p).sum();
        assert_eq!(sum, r.summary.total);
        assert!(contributions(&r, &r).is_empty());
    }

    #[test]
    fn a_term_only_on_one_side_counts_from_zero_and_order_is_by_size() {
        let old = mini_report();
        let mut new = old.clone();
        let gone = new.items.remove(0); // 1.1, 2.5 points
        new.items[0].earned += Points::from_milli(100);
        new.summary.total = new.summary.total - gone.earned + Points::from_milli(100);
        let c = contributions(&old, &new);
        assert_eq!(c.len(), 2);
        assert_eq!(
            (c[0].id.as_str(), c[0].new, c[0].delta),
            ("1.1", Points::ZERO, Points::ZERO - gone.earned)
        );
        assert_eq!(c[1].delta, Points::from_milli(100));
        let sum: Points = c.iter().map(|x| x.delta).sum();
        assert_eq!(sum, new.summary.total - old.summary.total);
    }
}
