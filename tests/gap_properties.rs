//! The gap analysis keeps its promises: applying any item's counterfactual change and rescoring
//! earns exactly the points promised; applying a plan and rescoring gives exactly the total it
//! promised (and reaches the line when it says so). Checked for random data on the mini rule set
//! (proptest) and for every fixture county under the national rule set.
//!
//! The changes are applied here with `CountyData::new` and plain `Datum`s, independently of the
//! library's own `apply_changes`.

mod common;
use common::*;
use fazhi::analyse::gap::{Change, Fix, GapAnalysis, Reach};
use fazhi::model::FieldType;
use fazhi::{CountyData, Datum, FieldPath, Points, Report, RuleSet, Value};
use proptest::prelude::*;

fn applied(rules: &RuleSet, data: &CountyData, changes: &[&Change]) -> Report {
    let mut values = data.values().clone();
    for c in changes {
        values.insert(c.field.clone(), Datum::new(c.to.clone()));
    }
    let changed = CountyData::new(data.info().clone(), values, rules)
        .expect("every promised value is within the dictionary");
    rules.score(&changed)
}

fn check_fix(rules: &RuleSet, data: &CountyData, id: &str, before: Points, max: Points, f: &Fix) {
    assert_eq!(f.gain, f.earned - before, "{id}: gain");
    assert!(f.earned <= max, "{id}");
    match f.reach {
        Reach::Full => assert_eq!(f.earned, max, "{id}"),
        Reach::Partial => assert!(
            f.earned < max && f.gain > Points::ZERO,
            "{id}: {f:?} max {max}"
        ),
        Reach::None => assert!(f.changes.is_empty() && f.gain == Points::ZERO, "{id}"),
    }
    if f.changes.is_empty() {
        return;
    }
    let r = applied(rules, data, &f.changes.iter().collect::<Vec<_>>());
    assert_eq!(r.item(id).unwrap().earned, f.earned, "{id}: promised {f:?}");
}

/// Every promise of one county's analysis, rescored.
/// `every_step`: also rescore the total after each step of a plan (not only the whole plan).
fn check_promises(rules: &RuleSet, data: &CountyData, every_step: bool) -> GapAnalysis {
    let g = GapAnalysis::new(rules, data);
    for i in &g.lost {
        if let Some(f) = &i.fix {
            check_fix(rules, data, i.id.as_str(), i.earned, i.max, f);
        }
        for a in &i.alternatives {
            check_fix(rules, data, i.id.as_str(), i.earned, i.max, a);
        }
    }
    for i in &g.no_data {
        if let Some(f) = &i.supply {
            check_fix(rules, data, i.id.as_str(), Points::ZERO, i.at_stake, f);
        }
    }
    for plan in &g.plans {
        let line = rules
            .pass_lines()
            .iter()
            .find(|p| p.id == plan.pass_line)
            .unwrap();
        let mut changes: Vec<&Change> = Vec::new();
        let mut total = plan.total_before;
        for step in &plan.steps {
            changes.extend(&step.changes);
            if every_step {
                total = applied(rules, data, &changes).summary.total;
                assert_eq!(
                    step.total_after, total,
                    "plan {}: step {}",
                    plan.name, step.item
                );
            }
        }
        if !every_step {
            total = applied(rules, data, &changes).summary.total;
        }
        assert_eq!(plan.total_after, total, "plan {}", plan.name);
        let r = applied(rules, data, &changes);
        let shares_ok = line.min_area_share.is_none_or(|s| {
            r.nodes
                .iter()
                .filter(|n| n.level == 1 && n.max > Points::ZERO)
                .all(|n| n.earned.as_f64() / n.max.as_f64() + 1e-12 >= s)
        });
        let meets = r.summary.total >= line.min_total && shares_ok;
        assert_eq!(plan.reaches, meets, "plan {}", plan.name);
        assert_eq!(
            r.passes(plan.pass_line.as_str()),
            meets && !r.summary.vetoed
        );
    }
    g
}

/// Random data within the dictionary: each field is left out one time in five.
fn data_strategy(rules: &RuleSet) -> BoxedStrategy<Vec<(FieldPath, Value)>> {
    let strats: Vec<BoxedStrategy<Option<(FieldPath, Value)>>> = rules
        .fields()
        .iter()
        .map(|(f, s)| {
            let (lo, hi) = s.bounds();
            let v: BoxedStrategy<Value> = match s.ty {
                FieldType::Percent | FieldType::Number => {
                    let (lo, hi) = (lo.unwrap_or(-100.0), hi.unwrap_or(100.0));
                    prop_oneof![Just(lo), Just(hi), lo..=hi]
                        .prop_map(|x| Value::Number((x * 100.0).round() / 100.0))
                        .boxed()
                }
                FieldType::Count => {
                    let hi = hi.unwrap_or(30.0) as i64;
                    (lo.unwrap_or(0.0) as i64..=hi).prop_map(Value::Int).boxed()
                }
                FieldType::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
                FieldType::Date => (2020u32..2023, 1u32..13, 1u32..29)
                    .prop_map(|(y, m, d)| Value::Text(format!("{y}-{m:02}-{d:02}")))
                    .boxed(),
                FieldType::Text => "[a-z]{0,3}".prop_map(Value::Text).boxed(),
                FieldType::Enum => proptest::sample::select(s.values.clone().unwrap_or_default())
                    .prop_map(Value::Text)
                    .boxed(),
                FieldType::List => {
                    let vals = s.values.clone().unwrap_or_default();
                    proptest::sample::subsequence(vals.clone(), 0..=vals.len())
                        .prop_map(Value::List)
                        .boxed()
                }
                // issue 27 shape 5: no records (the item is then without data).
                FieldType::Records => Just(Value::Records(Vec::new())).boxed(),
            };
            let f = f.clone();
            prop_oneof![1 => Just(None), 4 => v.prop_map(move |v| Some((f.clone(), v)))].boxed()
        })
        .collect();
    strats
        .prop_map(|v| v.into_iter().flatten().collect())
        .boxed()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn mini_promises_hold_on_random_data(values in data_strategy(&mini())) {
        let rules = mini();
        let info = fazhi::CountyInfo { id: "p".into(), name: "随机县".into(), ..Default::default() };
        let data = CountyData::new(info, values.into_iter().map(|(f, v)| (f, Datum::new(v))), &rules).unwrap();
        let g = check_promises(&rules, &data, true);
        // Every item that lost points with data is listed, and nothing else.
        let report = rules.score(&data);
        let lost = report.items.iter().filter(|i| i.status != fazhi::ItemStatus::NoData && i.lost > Points::ZERO).count();
        prop_assert_eq!(g.lost.len(), lost);
        prop_assert_eq!(g.no_data.len(), report.summary.no_data);
    }
}

#[test]
fn national_promises_hold_for_every_fixture() {
    let rules = RuleSet::builtin().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let mut n = 0;
    for dir in ["fixtures/counties", "fixtures/synthetic"] {
        let mut files: Vec<_> = std::fs::read_dir(format!("{root}/{dir}"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .collect();
        files.sort();
        for f in files {
            let data = CountyData::from_file(&f, &rules).unwrap();
            check_promises(&rules, &data, false);
            n += 1;
        }
    }
    assert!(n >= 8, "{n} fixtures");
}
