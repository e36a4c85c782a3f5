//! Invariants over random data within the dictionary's ranges: every item within [0, points],
//! totals equal items + bonus − penalties, scoring is deterministic and independent of the order
//! of fields and of rule files.

mod common;
use common::gen::*;
use common::*;
use fazhi::{CountyData, Points, RuleSet, RuleSource};
use proptest::prelude::*;
use std::collections::BTreeMap;

fn check_invariants(rules: &RuleSet, data: &CountyData) {
    let r = rules.score(data);
    for i in &r.items {
        assert!(
            i.earned >= Points::ZERO && i.earned <= i.max,
            "{} = {}",
            i.id,
            i.earned
        );
        assert_eq!(i.lost, i.max - i.earned);
    }
    let items: Points = r.items.iter().map(|i| i.earned).sum();
    assert_eq!(r.summary.total, items + r.summary.bonus - r.summary.penalty);
    assert!(r.summary.total >= Points::ZERO);
    assert!(r.summary.total <= r.summary.max + rules.bonus_cap().unwrap_or(Points::ZERO));
    if let Some(cap) = rules.bonus_cap() {
        assert!(r.summary.bonus <= cap);
    }
    for n in &r.nodes {
        assert!(n.earned >= Points::ZERO && n.earned <= n.max);
    }
    assert_eq!(rules.score(data), r, "deterministic");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn mini_scores_stay_in_range_and_add_up(pairs in data_strategy(&mini())) {
        let rules = mini();
        let data = CountyData::from_str("p.yaml", &yaml(&pairs), &rules).unwrap();
        check_invariants(&rules, &data);
    }

    #[test]
    fn field_order_does_not_matter(pairs in data_strategy(&mini()), seed in any::<u64>()) {
        let rules = mini();
        let mut shuffled = pairs.clone();
        let n = shuffled.len();
        if n > 1 {
            for i in 0..n {
                let j = ((seed >> (i % 64)) as usize).wrapping_add(i * 7919) % n;
                shuffled.swap(i, j);
            }
        }
        let a = rules.score(&CountyData::from_str("a.yaml", &yaml(&pairs), &rules).unwrap());
        let b = rules.score(&CountyData::from_str("b.yaml", &yaml(&shuffled), &rules).unwrap());
        prop_assert_eq!(a, b);
    }
}

fn national() -> &'static RuleSet {
    static RULES: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
    RULES.get_or_init(|| RuleSet::builtin().unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any data within the national dictionary's ranges scores without a single rule error, and
    /// every invariant holds.
    #[test]
    fn national_rules_never_fail_on_valid_data(pairs in data_strategy(national())) {
        let rules = national();
        let data = CountyData::from_str("p.yaml", &yaml(&pairs), rules).unwrap();
        let r = rules.score(&data);
        let errors: Vec<_> = r.items.iter().filter(|i| !i.messages.is_empty()).map(|i| (i.id.to_string(), i.messages.clone())).collect();
        prop_assert!(errors.is_empty(), "{:?}", errors);
        let adj_errors: Vec<_> = r.bonuses.iter().chain(&r.penalties).filter(|b| b.status == fazhi::ItemStatus::Error).map(|b| (b.id.to_string(), b.detail.clone())).collect();
        prop_assert!(adj_errors.is_empty(), "{:?}", adj_errors);
        prop_assert!(r.vetoes.iter().all(|v| v.status != fazhi::ConditionStatus::Error));
        prop_assert!(r.checks.iter().all(|c| c.status != fazhi::ConditionStatus::Error), "{:?}", r.checks.iter().filter(|c| c.status == fazhi::ConditionStatus::Error).collect::<Vec<_>>());
        check_invariants(rules, &data);
    }
}

#[test]
fn rule_file_order_does_not_matter() {
    let docs = mini_docs();
    let mut rev = docs.clone();
    rev.reverse();
    let a = RuleSet::load(&RuleSource::from_documents(docs)).unwrap();
    let b = RuleSet::load(&RuleSource::from_documents(rev)).unwrap();
    let d = CountyData::from_str("g.yaml", &good_county(), &a).unwrap();
    assert_eq!(a.score(&d), b.score(&d));
}

#[test]
fn strategy_covers_every_field() {
    // Guard against a strategy that silently skips fields: over many draws, every field appears.
    let rules = mini();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strat = data_strategy(&rules);
    for _ in 0..50 {
        for (k, _) in strat.new_tree(&mut runner).unwrap().current() {
            *seen.entry(k).or_default() += 1;
        }
    }
    assert_eq!(seen.len(), rules.fields().len());
}
