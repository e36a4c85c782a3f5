//! The compiled fast path against the rhai interpreter: for every rule of national-2021 and of the
//! test rule set, on random data within the dictionary's ranges (and at its edges) and on
//! synthetic counties, both evaluators give identical reports — every ItemScore, veto, bonus,
//! penalty and check, explanations included.

mod common;

use fazhi::model::FieldType;
use fazhi::{CountyData, CountyInfo, Datum, Evaluator, FieldPath, RuleSet, Value};
use proptest::prelude::*;
use std::sync::OnceLock;

fn national() -> &'static RuleSet {
    static R: OnceLock<RuleSet> = OnceLock::new();
    R.get_or_init(|| {
        RuleSet::load_dir(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/indicators/national-2021"
        ))
        .unwrap()
    })
}

fn mini() -> &'static RuleSet {
    static R: OnceLock<RuleSet> = OnceLock::new();
    R.get_or_init(common::mini)
}

/// An item made of parts (each part scored on its own).
fn parts() -> &'static RuleSet {
    static R: OnceLock<RuleSet> = OnceLock::new();
    R.get_or_init(|| {
        RuleSet::load_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/rules/parts")).unwrap()
    })
}

/// The rule shapes of issue 12: dates and the assessment period, whole steps, a capped per-case
/// deduction, zeroing entries.
fn shapes() -> &'static RuleSet {
    static R: OnceLock<RuleSet> = OnceLock::new();
    R.get_or_init(|| {
        RuleSet::load_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/rules/shapes")).unwrap()
    })
}

/// A value for a field: edges, thresholds rules like to use, anything in range, and (for counts
/// without an upper bound) numbers large enough to overflow integer arithmetic.
fn value(spec: &fazhi::model::FieldSpec) -> BoxedStrategy<Value> {
    let (lo, hi) = spec.bounds();
    match spec.ty {
        FieldType::Percent | FieldType::Number => {
            let (lo, hi) = (lo.unwrap_or(-1e6), hi.unwrap_or(1e6));
            let marks: Vec<f64> = [
                0.0, 1.0, 5.0, 15.0, 30.0, 50.0, 85.0, 89.99, 90.0, 95.0, 98.0, 99.5, 100.0,
            ]
            .into_iter()
            .filter(|x| (lo..=hi).contains(x))
            .collect();
            prop_oneof![
                Just(lo),
                Just(hi),
                proptest::sample::select(marks.clone()),
                lo..=hi,
                (lo..=hi).prop_map(|x| (x * 10.0).round() / 10.0),
            ]
            .prop_map(move |x: f64| Value::Number(x.clamp(lo, hi)))
            .boxed()
        }
        FieldType::Count => {
            let lo = lo.unwrap_or(0.0) as i64;
            let big = hi.is_none();
            let hi = hi.map_or(5000, |h| h as i64);
            // The largest count a county file may hold (2^53 − 1): far past any overflow bail.
            let huge = if big { fazhi::MAX_EXACT_COUNT } else { hi };
            prop_oneof![
                4 => Just(lo),
                8 => lo..=hi.min(lo + 12),
                8 => lo..=hi,
                1 => Just(huge),
            ]
            .prop_map(Value::Int)
            .boxed()
        }
        FieldType::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        FieldType::Date => prop_oneof![
            (2018i32..2024, 1u32..13, 1u32..29)
                .prop_map(|(y, m, d)| Value::Text(format!("{y}-{m:02}-{d:02}"))),
            // The edges of the shapes' deadlines and assessment periods, and a leap day.
            proptest::sample::select(vec![
                "2021-03-31",
                "2021-04-01",
                "2022-03-31",
                "2022-04-01",
                "2020-12-31",
                "2021-01-01",
                "2021-12-31",
                "2022-01-01",
                "2020-02-29",
            ])
            .prop_map(|s| Value::Text(s.to_string())),
        ]
        .boxed(),
        FieldType::Text => "[a-z政府网站]{0,4}".prop_map(Value::Text).boxed(),
        FieldType::Enum => proptest::sample::select(spec.values.clone().unwrap_or_default())
            .prop_map(Value::Text)
            .boxed(),
        FieldType::List => {
            let vals = spec
                .values
                .clone()
                .unwrap_or_else(|| vec!["甲".into(), "乙".into(), "丙".into()]);
            proptest::sample::subsequence(vals.clone(), 0..=vals.len())
                .prop_map(Value::List)
                .boxed()
        }
        // issue 27 shape 5: no records.
        FieldType::Records => Just(Value::Records(Vec::new())).boxed(),
    }
}

/// County data for a rule set: every field present with probability 7/8.
fn county(rules: &'static RuleSet) -> BoxedStrategy<CountyData> {
    let fields: Vec<(FieldPath, BoxedStrategy<Option<Value>>)> = rules
        .fields()
        .iter()
        .map(|(f, s)| {
            (
                f.clone(),
                prop_oneof![1 => Just(None), 7 => value(s).prop_map(Some)].boxed(),
            )
        })
        .collect();
    let (names, strats): (Vec<_>, Vec<_>) = fields.into_iter().unzip();
    let year = prop_oneof![Just(None), Just(Some(2020)), Just(Some(2021))];
    (strats, year)
        .prop_map(move |(vals, year)| {
            let info = CountyInfo {
                id: "p".into(),
                name: "随机县".into(),
                year,
                ..Default::default()
            };
            let values = names
                .iter()
                .zip(vals)
                .filter_map(|(n, v)| v.map(|v| (n.clone(), Datum::new(v))));
            CountyData::new(info, values, rules).expect("values are within the dictionary")
        })
        .boxed()
}

fn same(rules: &RuleSet, c: &CountyData) {
    let slow = rules.score_with(c, Evaluator::Interpreter);
    let fast = rules.score_with(c, Evaluator::Compiled);
    for (a, b) in slow.items.iter().zip(&fast.items) {
        assert_eq!(a, b, "item {} differs", a.id);
    }
    assert_eq!(slow, fast);
    // The streaming summaries (built without explanations) carry the same summary.
    let sums = rules.summarise([c.clone()]);
    assert_eq!(sums.len(), 1);
    assert_eq!(sums[0].summary, fast.summary);
    assert_eq!(sums[0].id, c.info().id);
    let naive = rules.evaluate_items(c, Evaluator::Naive);
    assert_eq!(naive, rules.evaluate_items(c, Evaluator::Compiled));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn national_rules_agree_on_random_data(c in county(national())) {
        same(national(), &c);
    }

    #[test]
    fn mini_rules_agree_on_random_data(c in county(mini())) {
        same(mini(), &c);
    }

    #[test]
    fn shapes_rules_agree_on_random_data(c in county(shapes())) {
        same(shapes(), &c);
    }

    #[test]
    fn parts_rules_agree_on_random_data(c in county(parts())) {
        same(parts(), &c);
    }
}

#[test]
fn summaries_of_the_fixture_counties_match_their_reports() {
    let counties = common::fixture_counties(national());
    let reports = national().score_batch(&counties);
    let sums = national().summarise(counties.clone());
    assert_eq!(sums.len(), reports.len());
    for (s, r) in sums.iter().zip(&reports) {
        assert_eq!(s.id, r.county.id);
        assert_eq!(s.summary, r.summary, "{}", s.id);
    }
}

#[test]
fn rules_agree_on_synthetic_counties() {
    for c in fazhi::synth::generate(national(), 150, 42) {
        same(national(), &c);
    }
    for c in fazhi::synth::generate(mini(), 150, 42) {
        same(mini(), &c);
    }
    for c in fazhi::synth::generate(shapes(), 150, 42) {
        same(shapes(), &c);
    }
}

#[test]
fn every_rule_of_the_shipped_sets_is_lowered() {
    assert!(
        mini().interpreted_rules().is_empty(),
        "{:?}",
        mini().interpreted_rules()
    );
    assert!(
        shapes().interpreted_rules().is_empty(),
        "{:?}",
        shapes().interpreted_rules()
    );
    // Including 8.2.1 and C8.5, which build a date with a template string (`${…}`).
    assert!(
        national().interpreted_rules().is_empty(),
        "{:?}",
        national().interpreted_rules()
    );
}

#[test]
fn rules_outside_the_subset_and_bails_still_agree() {
    // A loop, string building, an integer overflow, a division by zero, a missing optional field
    // read without has(): the interpreter decides, and both evaluators say the same.
    let extra = r#"
indicators:
  - id: "9"
    name: 杂项
    points: 10
    children:
      - id: "9.1"
        name: 循环
        points: 2
        inputs: [review.decided]
        score: "let s = 0; for i in 0..3 { s += 1; } if d.review.decided > 0 { s } else { 0 }"
      - id: "9.2"
        name: 溢出
        points: 2
        inputs: [service.items_total]
        score: d.service.items_total * 4611686018427387904
      - id: "9.3"
        name: 除零
        points: 2
        inputs: [review.corrected, review.decided]
        score: d.review.corrected / d.review.decided
      - id: "9.4"
        name: 可选字段
        points: 2
        inputs: [org.has_plan]
        optional_inputs: [report.published_on]
        score: award(d.org.has_plan && d.report.published_on <= "2021-04-01", 2)
      - id: "9.5"
        name: 返回文本
        points: 2
        inputs: [report.channel, review.decided]
        score: if d.report.channel == "报纸" { "x" } else { min(d.review.decided, 1.5) }
"#;
    let src = common::mini_with("ruleset.yaml", "total_points: 20", "total_points: 30");
    let mut docs = src.documents().to_vec();
    docs.push(("extra.yaml".into(), extra.into()));
    let rules = RuleSet::load(&fazhi::RuleSource::from_documents(docs));
    let rules = match rules {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    };
    let slow: Vec<String> = rules
        .interpreted_rules()
        .iter()
        .map(|i| i.to_string())
        .collect();
    assert_eq!(slow, ["9.1"]);
    let base =
        "county: {id: x, name: 某县}\ndata:\n  org: {has_plan: true}\n  report: {channel: 报纸}\n";
    for decided in ["0", "3"] {
        // The largest count a county file may hold (2^53 − 1, fazhi::MAX_EXACT_COUNT).
        for total in ["1", "9007199254740991"] {
            let yaml = format!(
                "{base}  review: {{decided: {decided}, corrected: 1}}\n  service: {{items_total: {total}}}\n"
            );
            let c = common::county(&rules, &yaml);
            same(&rules, &c);
        }
    }
}

/// Rules of numbers and flags (the typed tier) built at random: counts near 2^53 and 10^9,
/// `-0.0`, zero divisors, exact thresholds, names that are an integer or a float by branch.
mod typed_tier {
    use super::same;
    use fazhi::RuleSet;
    use proptest::prelude::*;

    const FIELDS: &str = r#"
fields:
  g.n: {type: count, desc: 件数}
  g.t: {type: count, desc: 总数}
  g.r: {type: percent, desc: 比率}
  g.x: {type: number, desc: 数值}
  g.b: {type: bool, desc: 是否}
  g.l: {type: list, desc: 方式}
"#;

    fn num() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            Just("d.g.n".to_string()),
            Just("d.g.t".to_string()),
            Just("d.g.r".to_string()),
            Just("d.g.x".to_string()),
            Just("P".to_string()),
            Just("d.g.l.len()".to_string()),
            proptest::sample::select(vec![
                "0",
                "1",
                "2",
                "3",
                "(-5)",
                "57",
                "100",
                "1000000000",
                "4503599627370496",
            ])
            .prop_map(str::to_string),
            proptest::sample::select(vec![
                "0.0", "(-0.0)", "0.5", "56.99", "57.0", "1e-10", "0.1"
            ])
            .prop_map(str::to_string),
        ];
        leaf.prop_recursive(4, 24, 3, |inner| {
            prop_oneof![
                (
                    inner.clone(),
                    proptest::sample::select(vec!["+", "-", "*", "/", "%"]),
                    inner.clone()
                )
                    .prop_map(|(a, op, b)| format!("({a} {op} {b})")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("min({a}, {b})")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("max({a}, {b})")),
                inner.clone().prop_map(|a| format!("(- {a})")),
                (bool_leaf(), inner.clone(), inner.clone())
                    .prop_map(|(c, a, b)| format!("(if {c} {{ {a} }} else {{ {b} }})")),
                inner
                    .clone()
                    .prop_map(|a| format!("tiers({a}, [[57, P], [1, P / 2]])")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("pct_or({a}, {b}, 100)")),
                (inner.clone(), inner.clone())
                    .prop_map(|(a, b)| format!("deduct_below({a}, 100, 1, {b})")),
            ]
        })
    }

    fn bool_leaf() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("d.g.b".to_string()),
            Just("has(\"g.x\")".to_string()),
            Just("d.g.l.contains(\"网上办\")".to_string()),
            (
                proptest::sample::select(vec!["d.g.n", "d.g.n", "d.g.r", "d.g.x", "57.0"]),
                proptest::sample::select(vec!["==", "!=", "<", "<=", ">", ">="]),
                proptest::sample::select(vec!["d.g.t", "d.g.t", "100 * d.g.n / d.g.t", "57"]),
            )
                .prop_map(|(a, op, b)| format!("({a} {op} {b})")),
        ]
    }

    fn body() -> impl Strategy<Value = String> {
        prop_oneof![
            num(),
            (bool_leaf(), bool_leaf()).prop_map(|(a, b)| format!("award({a} && !{b})")),
            (bool_leaf(), bool_leaf()).prop_map(|(a, b)| format!("award({a}, 4) + award({b}, 6)")),
            (num(), num()).prop_map(|(a, b)| format!("let s = 0; if d.g.b {{ s = {a}; }} s + {b}")),
            (num(), bool_leaf())
                .prop_map(|(a, c)| format!("let v = {a}; award({c} || v >= 57, 5) + v")),
        ]
    }

    fn value(v: &Option<String>) -> String {
        v.clone().unwrap_or_default()
    }

    fn county() -> impl Strategy<Value = Vec<Option<String>>> {
        let count = proptest::sample::select(vec![
            "0",
            "57",
            "1000000000",
            "1000000001",
            "9007199254740991",
        ]);
        let pct = proptest::sample::select(vec!["0", "56.99", "57", "57.0", "99.999999999", "100"]);
        let number = proptest::sample::select(vec!["0", "-0.0", "-3.5", "1e12", "57.000000001"]);
        (
            proptest::option::weighted(0.9, count.clone()),
            proptest::option::weighted(0.9, count),
            proptest::option::weighted(0.9, pct),
            proptest::option::weighted(0.8, number),
            proptest::option::weighted(0.9, proptest::sample::select(vec!["true", "false"])),
            proptest::option::weighted(
                0.9,
                proptest::sample::select(vec!["[]", "[网上办]", "[网上办, 就近办]"]),
            ),
        )
            .prop_map(|(n, t, r, x, b, l)| {
                [n, t, r, x, b, l]
                    .into_iter()
                    .map(|v| v.map(str::to_string))
                    .collect()
            })
    }

    /// Each edge with its value worked by hand.
    #[test]
    fn typed_edges_give_the_hand_values() {
        let items = [
            // Two counts compare exactly: 1,000,000,000 ≠ 1,000,000,001 → 0.
            ("award(d.g.n == d.g.t)", 0.0),
            // With a float on one side, nine significant digits: equal → 10.
            ("award(d.g.n * 1.0 == d.g.t)", 10.0),
            // Whole numbers past 2^53 are exact as integers: (2m) − (2m − 1) = 1 → 10.
            ("award(d.g.m + d.g.m - (d.g.m + d.g.m - 1) == 1)", 10.0),
            // z × −5 with z = 0 is the integer 0, so 1.0 / 0 is +∞ (not −∞): +∞ > 0 → 10.
            ("award(1.0 / (d.g.z * (-5)) > 0)", 10.0),
            // 57 / 100 × 100 is 56.99999999999999 in floats, 57 by hand: first tier → 10.
            ("tiers(d.g.r * 100, [[57, P], [1, P / 2]])", 10.0),
            // A name that is 0 or a ratio by branch: d.g.b is true, s = min(57/100, 1) = 0.57,
            // 0.57 + 4.43 = 5 → 5.
            (
                "let s = 0; if d.g.b { s = min(ratio(57, 100), 1); } s + 4.43",
                5.0,
            ),
            // A list's length and a check: 2 ways, and 网上办 is one of them (+2): 2 + 2 → 4.
            ("d.g.l.len() + award(d.g.l.contains(\"网上办\"), 2)", 4.0),
        ];
        let mut yaml = format!(
            "ruleset: {{id: t, title: 边界, version: \"1\", total_points: {}}}\n{FIELDS}  g.m: {{type: count, desc: 大数}}\n  g.z: {{type: count, desc: 零}}\nindicators:\n  - id: \"1\"\n    name: 甲\n    points: {}\n    children:\n",
            10 * items.len(),
            10 * items.len()
        );
        for (k, (score, _)) in items.iter().enumerate() {
            yaml.push_str(&format!(
                "      - id: \"1.{k}\"\n        name: 项{k}\n        points: 10\n        inputs: [g.n, g.t, g.m, g.z, g.r, g.b, g.l]\n        score: '{score}'\n"
            ));
        }
        let rules = RuleSet::load(&fazhi::RuleSource::from_documents(vec![(
            "ruleset.yaml".to_string(),
            yaml,
        )]))
        .unwrap();
        let c = fazhi::CountyData::from_str(
            "c.yaml",
            "county: {id: x, name: 某县}\ndata:\n  g: {n: 1000000000, t: 1000000001, m: 9007199254740991, z: 0, r: 0.57, b: true, l: [网上办, 就近办]}\n",
            &rules,
        )
        .unwrap();
        same(&rules, &c);
        let report = rules.score(&c);
        for ((score, want), item) in items.iter().zip(&report.items) {
            assert_eq!(item.earned.as_f64(), *want, "{score}: {}", item.explanation);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

        #[test]
        fn random_typed_rules_agree_with_the_interpreter(
            bodies in proptest::collection::vec(body(), 1..4),
            values in county(),
        ) {
            let mut items = String::new();
            for (k, b) in bodies.iter().enumerate() {
                items.push_str(&format!(
                    "      - id: \"1.{k}\"\n        name: 项{k}\n        points: 10\n        inputs: []\n        optional_inputs: [g.n, g.t, g.r, g.x, g.b, g.l]\n        score: '{}'\n",
                    b.replace('\'', "''")
                ));
            }
            let total = 10 * bodies.len();
            let yaml = format!(
                "ruleset: {{id: t, title: 随机, version: \"1\", total_points: {total}}}\n{FIELDS}indicators:\n  - id: \"1\"\n    name: 甲\n    points: {total}\n    children:\n{items}"
            );
            let rules = RuleSet::load(&fazhi::RuleSource::from_documents(vec![(
                "ruleset.yaml".to_string(),
                yaml.clone(),
            )]));
            let rules = match rules {
                Ok(r) => r,
                Err(e) => panic!("{e}\n{yaml}"),
            };
            let names = ["n", "t", "r", "x", "b", "l"];
            let mut data = String::from("county: {id: x, name: 某县}\ndata:\n  g:\n");
            for (name, v) in names.iter().zip(&values) {
                if v.is_some() {
                    data.push_str(&format!("    {name}: {}\n", value(v)));
                }
            }
            let c = fazhi::CountyData::from_str("c.yaml", &data, &rules);
            let c = match c {
                Ok(c) => c,
                Err(e) => panic!("{e}\n{data}"),
            };
            same(&rules, &c);
        }
    }
}
