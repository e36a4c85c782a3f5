//! Weighting scenarios: the rescaling rule, every scenario error, and the central promise —
//! re-weighting without re-running the rules gives exactly what a full rescore of an edited copy
//! of the rule set gives (`tests/rules/weights`, whose rules all scale with `P`).

mod common;
use common::*;
use fazhi::analyse::policy::scores::Batch;
use fazhi::analyse::policy::weights::{Scenario, Weights};
use fazhi::model::FieldType;
use fazhi::{CountyData, Points, RuleSet, RuleSource};
use proptest::prelude::*;

const WEIGHTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/rules/weights");

fn weights_rules() -> RuleSet {
    RuleSet::load_dir(WEIGHTS).unwrap()
}

fn scenario(rules: &RuleSet, yaml: &str) -> Scenario {
    Scenario::from_str("s.yaml", yaml, rules).unwrap()
}

fn errors(rules: &RuleSet, yaml: &str) -> Vec<fazhi::Diagnostic> {
    match Scenario::from_str("s.yaml", yaml, rules) {
        Ok(_) => panic!("the scenario should not load"),
        Err(e) => {
            assert!(matches!(e, fazhi::Error::Scenario(_)), "{e}");
            e.diagnostics().to_vec()
        }
    }
}

/// The rule set's text with every node's `points:`, the total and the pass lines rewritten to
/// the weighting — the copy a policy designer would otherwise edit by hand. A weighting that
/// rescales the whole (a scenario's `total_points`, `adjust` ≠ 1) is the rule set written as it
/// was, out of its own total, with `rescale_to:` the scenario's total (issue 27: bonuses and
/// penalties follow the scale); `None` when its points are not a whole number of thousandths
/// on the written scale.
fn edited(dir: &str, rules: &RuleSet, w: &Weights) -> Option<RuleSource> {
    let docs = RuleSource::from_dir(dir).unwrap().documents().to_vec();
    let mut written = Vec::new();
    for p in &w.points {
        let x = p.milli() as f64 / w.adjust;
        if (x - x.round()).abs() > 1e-6 {
            return None;
        }
        written.push(Points::from_milli(x.round() as i64));
    }
    let ids: Vec<(String, Points)> = rules
        .nodes()
        .iter()
        .zip(&written)
        .map(|(n, p)| (n.id.to_string(), *p))
        .collect();
    let out = docs.into_iter().map(|(name, text)| {
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        let mut pending: Option<String> = None; // the value for the next `points:` / `min_total:`
        let mut pending_share: Option<Option<f64>> = None;
        for line in lines.iter_mut() {
            let t = line.trim_start().trim_start_matches("- ");
            let indent = line.len() - line.trim_start().len();
            if let Some(rest) = t.strip_prefix("id: ") {
                let id = rest.trim().trim_matches('"');
                pending = ids
                    .iter()
                    .find(|(i, _)| i == id)
                    .map(|(_, p)| p.to_string());
                pending_share = None;
                if let Some(pl) = w.pass_lines.iter().find(|p| p.id.as_str() == id) {
                    pending = Some(pl.min_total.to_string());
                    pending_share = Some(pl.min_area_share);
                }
            } else if t.starts_with("points:") || t.starts_with("min_total:") {
                if let Some(v) = pending.take() {
                    let key = t.split(':').next().unwrap();
                    *line = format!("{}{key}: {v}", " ".repeat(indent));
                }
            } else if t.starts_with("min_area_share:") {
                if let Some(s) = pending_share.take() {
                    *line = format!("{}min_area_share: {}", " ".repeat(indent), s.unwrap_or(0.0));
                }
            } else if t.starts_with("total_points:") {
                *line = if w.adjust == 1.0 {
                    format!("{}total_points: {}", " ".repeat(indent), w.total)
                } else {
                    let pad = " ".repeat(indent);
                    format!(
                        "{pad}total_points: {}\n{pad}rescale_to: {}",
                        rules.total_points(),
                        w.total
                    )
                };
            }
        }
        (name, lines.join("\n"))
    });
    Some(RuleSource::from_documents(out.collect::<Vec<_>>()))
}

fn seed_counties(rules: &RuleSet) -> Vec<CountyData> {
    ["mini-good.yaml", "mini-vetoed.yaml"]
        .iter()
        .map(|f| {
            CountyData::from_file(
                format!("{}/tests/data/{f}", env!("CARGO_MANIFEST_DIR")),
                rules,
            )
            .unwrap()
        })
        .collect()
}

/// Re-weighted outcomes equal a full rescore of the edited copy, county by county.
fn assert_equals_rescore(rules: &RuleSet, counties: &[CountyData], s: &Scenario) {
    let Some(copy) = edited(WEIGHTS, rules, &s.weights) else {
        return;
    };
    let edited = RuleSet::load(&copy).unwrap_or_else(|e| panic!("edited copy does not load: {e}"));
    let batch = Batch::evaluate(rules, counties);
    let outcomes = batch.recompute(&s.weights);
    for (c, o) in counties.iter().zip(&outcomes) {
        let yaml = county_yaml(c);
        let again = CountyData::from_str("c.yaml", &yaml, &edited).unwrap();
        let r = edited.score(&again);
        assert_eq!(o.total, r.summary.total, "total of {}", c.info().id);
        let areas: Vec<Points> = r
            .nodes
            .iter()
            .filter(|n| n.level == 1)
            .map(|n| n.earned)
            .collect();
        assert_eq!(o.areas, areas, "areas of {}", c.info().id);
        let passed: Vec<bool> = r.summary.pass_lines.iter().map(|p| p.reached).collect();
        assert_eq!(o.passed, passed, "pass lines of {}", c.info().id);
    }
}

#[test]
fn nominal_weights_reproduce_every_report() {
    for rules in [weights_rules(), mini()] {
        let counties = seed_counties(&rules);
        let batch = Batch::evaluate(&rules, &counties);
        let outcomes = batch.recompute(&Weights::nominal(&rules));
        for (ev, o) in batch.counties().iter().zip(&outcomes) {
            assert_eq!(o.total, ev.report.summary.total);
            let passed: Vec<bool> = ev
                .report
                .summary
                .pass_lines
                .iter()
                .map(|p| p.reached)
                .collect();
            assert_eq!(o.passed, passed);
        }
    }
}

#[test]
fn scenarios_equal_a_rescore_of_the_edited_rule_set() {
    let rules = weights_rules();
    let counties = seed_counties(&rules);
    for yaml in [
        "id: a\nname: 争议加重\npoints: {\"1\": 16}\n",
        "id: b\nname: 网办加重\npoints: {\"2.1\": 6, \"1.1.1\": 3}\n",
        "id: c\nname: 总分不变\ntotal_points: 20\npoints: {\"2\": 10}\n",
        "id: d\nname: 关掉一项\npoints: {\"1.2.2\": 0}\npass_lines: {demonstration: {min_total: 14, min_area_share: 0.5}}\n",
        "id: e\nname: 父子同设\npoints: {\"1\": 15, \"1.1.1\": 9}\n",
        "id: f\nname: 扩大总分\ntotal_points: 100\n",
    ] {
        let s = scenario(&rules, yaml);
        assert_equals_rescore(&rules, &counties, &s);
    }
}

#[test]
fn children_keep_their_shares_and_parents_become_sums() {
    let rules = weights_rules();
    let pts = |s: &Scenario, id: &str| {
        let i = rules
            .nodes()
            .iter()
            .position(|n| n.id.as_str() == id)
            .unwrap();
        s.weights.points[i].to_string()
    };
    // A parent's points change: its children keep their shares (8:4 → 10:5; 6:2 → 7.5:2.5).
    let s = scenario(&rules, "id: a\nname: x\npoints: {\"1\": 15}\n");
    assert_eq!(
        ["1", "1.1", "1.1.1", "1.1.2", "1.2", "2"].map(|i| pts(&s, i)),
        ["15", "10", "7.5", "2.5", "5", "8"]
    );
    assert_eq!(s.weights.total, Points::from_f64(23.0));
    // A child's points change: parents become the sums, up to the total.
    let s = scenario(&rules, "id: a\nname: x\npoints: {\"1.1.2\": 4}\n");
    assert_eq!(["1.1", "1", "1.1.1"].map(|i| pts(&s, i)), ["10", "14", "6"]);
    assert_eq!(s.weights.total.to_string(), "22");
    // Parent and child set: the unset siblings take the rest in proportion.
    let s = scenario(
        &rules,
        "id: a\nname: x\npoints: {\"1\": 15, \"1.1.1\": 9}\n",
    );
    assert_eq!(
        ["1", "1.1", "1.1.1", "1.1.2", "1.2", "1.2.1", "1.2.2"].map(|i| pts(&s, i)),
        ["15", "11", "9", "2", "4", "2", "2"]
    );
    // The total set: the areas scale (12:8 of 30 → 18:12), thousandths apportioned exactly.
    let s = scenario(&rules, "id: a\nname: x\ntotal_points: 30\n");
    assert_eq!(["1", "2", "2.1"].map(|i| pts(&s, i)), ["18", "12", "4.5"]);
    let s = scenario(&rules, "id: a\nname: x\npoints: {\"2\": 10}\n");
    assert_eq!(
        ["2.1", "2.2", "2.3"].map(|i| pts(&s, i)),
        ["3.75", "2.5", "3.75"]
    );
    let s = scenario(&rules, "id: a\nname: x\npoints: {\"1.2\": 1}\n");
    let sum: i64 = ["1.2.1", "1.2.2"]
        .map(|i| {
            let k = rules
                .nodes()
                .iter()
                .position(|n| n.id.as_str() == i)
                .unwrap();
            s.weights.points[k].milli()
        })
        .iter()
        .sum();
    assert_eq!(sum, 1000);
}

#[test]
fn scenario_errors_name_the_file_line_and_id() {
    let rules = weights_rules();
    let d = errors(&rules, "id: a\nname: x\npoints:\n  \"1.1.3\": 4\n");
    assert_eq!((d[0].file.as_str(), d[0].line), ("s.yaml", 4));
    assert!(d[0].message.contains("`1.1.3` is not a node"), "{}", d[0]);
    assert!(
        d[0].help.as_deref().unwrap_or("").contains("did you mean"),
        "{}",
        d[0]
    );

    let d = errors(&rules, "id: a\nname: x\npoints:\n  \"2.1\": -1\n");
    assert_eq!(d[0].line, 4);
    assert!(d[0].message.contains("negative"), "{}", d[0]);

    let d = errors(
        &rules,
        "id: a\nname: x\npass_lines:\n  demonstratoin: {min_total: 3}\n",
    );
    assert!(d[0].message.contains("not a pass line"), "{}", d[0]);
    assert!(
        d[0].help.as_deref().unwrap().contains("`demonstration`"),
        "{}",
        d[0]
    );

    let d = errors(
        &rules,
        "id: a\nname: x\npass_lines:\n  demonstration: {min_area_share: 70}\n",
    );
    assert!(d[0].message.contains("outside 0–1"), "{}", d[0]);

    let d = errors(
        &rules,
        "id: a\nname: x\npass_lines:\n  qualified: {min_total: -2}\n",
    );
    assert!(d[0].message.contains("negative"), "{}", d[0]);

    // Pins that cannot hold together: a parent set below what its set children need.
    let d = errors(
        &rules,
        "id: a\nname: x\npoints:\n  \"1.1\": 3\n  \"1.1.1\": 4\n",
    );
    assert_eq!(d[0].line, 4, "{}", d[0]);
    assert!(d[0].message.contains("`1.1` is 3"), "{}", d[0]);
    // …and every child set, not adding up.
    let d = errors(
        &rules,
        "id: a\nname: x\npoints:\n  \"1.2\": 5\n  \"1.2.1\": 1\n  \"1.2.2\": 1\n",
    );
    assert!(d[0].message.contains("none is left"), "{}", d[0]);
    let d = errors(
        &rules,
        "id: a\nname: x\ntotal_points: 5\npoints: {\"1\": 12}\n",
    );
    assert!(d[0].message.contains("the total is 5"), "{}", d[0]);
    assert_eq!(d[0].line, 3);

    // Unknown keys, unquoted decimal ids and bad YAML are located too.
    let d = errors(&rules, "id: a\nname: x\npionts: {}\n");
    assert!(d[0].message.contains("unknown field `pionts`"), "{}", d[0]);
    assert_eq!(d[0].line, 3);
    let d = errors(&rules, "id: a\nname: x\npoints: {1.1: 3}\n");
    assert!(d[0].message.contains("quote it"), "{}", d[0]);
    let d = errors(&rules, "id: a\nname: [x\n");
    assert!(d[0].line > 0);

    // Several problems: all of them, in one error.
    let d = errors(&rules, "id: a\nname: x\npoints: {\"9\": 1, \"2\": -3}\n");
    assert_eq!(d.len(), 2);
}

#[test]
fn a_zero_point_item_cannot_be_given_points() {
    let src = RuleSource::from_documents(
        RuleSource::from_dir(WEIGHTS)
            .unwrap()
            .documents()
            .iter()
            .map(|(n, t)| {
                let t = t
                    .replace("points: 8\n        children", "points: 6\n        children")
                    .replace(
                        "points: 2\n            inputs: [review.corrected",
                        "points: 0\n            inputs: [review.corrected",
                    )
                    .replace("    points: 12\n", "    points: 10\n")
                    .replace("total_points: 20", "total_points: 18");
                (n.clone(), t)
            })
            .collect::<Vec<_>>(),
    );
    let rules = RuleSet::load(&src).unwrap();
    let d = errors(&rules, "id: a\nname: x\npoints: {\"1.1.2\": 2}\n");
    assert!(d[0].message.contains("has 0 points"), "{}", d[0]);
    // Zero stays zero when its parent scales.
    let s = scenario(&rules, "id: a\nname: x\npoints: {\"1.1\": 12}\n");
    let k = rules
        .nodes()
        .iter()
        .position(|n| n.id.as_str() == "1.1.2")
        .unwrap();
    assert_eq!(s.weights.points[k], Points::ZERO);
}

/// Random data within the dictionary: each field present with probability 4/5.
fn data_strategy(rules: &RuleSet) -> BoxedStrategy<String> {
    let fields: Vec<(String, BoxedStrategy<Option<String>>)> = rules
        .fields()
        .iter()
        .map(|(f, spec)| {
            let (lo, hi) = spec.bounds();
            let v: BoxedStrategy<String> = match spec.ty {
                FieldType::Percent | FieldType::Number => (lo.unwrap_or(0.0)..=hi.unwrap_or(100.0))
                    .prop_map(|x| format!("{x:.2}"))
                    .boxed(),
                FieldType::Count => (0i64..=hi.unwrap_or(30.0) as i64)
                    .prop_map(|x| x.to_string())
                    .boxed(),
                FieldType::Bool => any::<bool>().prop_map(|b| b.to_string()).boxed(),
                FieldType::Date => (1u32..13)
                    .prop_map(|m| format!("\"2021-{m:02}-01\""))
                    .boxed(),
                FieldType::Enum | FieldType::List => {
                    let vals = spec.values.clone().unwrap_or_default();
                    let list = spec.ty == FieldType::List;
                    proptest::sample::subsequence(vals.clone(), 1..=vals.len().max(1))
                        .prop_map(move |l| {
                            if list {
                                format!("[{}]", l.join(", "))
                            } else {
                                l[0].clone()
                            }
                        })
                        .boxed()
                }
                FieldType::Text => Just("\"x\"".to_string()).boxed(),
                // issue 27 shape 5: no records.
                FieldType::Records => Just("[]".to_string()).boxed(),
            };
            (
                f.to_string(),
                prop_oneof![1 => Just(None), 4 => v.prop_map(Some)].boxed(),
            )
        })
        .collect();
    let names: Vec<String> = fields.iter().map(|f| f.0.clone()).collect();
    let strats: Vec<_> = fields.into_iter().map(|f| f.1).collect();
    strats
        .prop_map(move |vals| {
            let mut s = "county: {id: p, name: 随机县}\ndata:\n  org.has_plan: true\n".to_string();
            for (n, v) in names.iter().zip(vals) {
                if let Some(v) = v.filter(|_| n != "org.has_plan") {
                    s.push_str(&format!("  {n}: {v}\n"));
                }
            }
            s
        })
        .boxed()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any scenario (random pins on any nodes, a random total) on random counties equals a full
    /// rescore of the edited copy.
    #[test]
    fn any_scenario_equals_an_edited_rescore(
        data in proptest::collection::vec(data_strategy(&weights_rules()), 1..4),
        pins in proptest::collection::btree_map(0usize..9, 0u32..20_000, 0..4),
        total in proptest::option::of(1u32..60),
        lines in (0u32..5_000, 0u32..5_000, 0u32..=10),
    ) {
        let rules = weights_rules();
        let mut yaml = String::from("id: p\nname: 随机情景\npoints:\n");
        for (k, milli) in &pins {
            let id = &rules.nodes()[*k].id;
            yaml.push_str(&format!("  \"{id}\": {}\n", Points::from_milli(*milli as i64)));
        }
        if pins.is_empty() {
            yaml = "id: p\nname: 随机情景\n".into();
        }
        if let Some(t) = total {
            yaml.push_str(&format!("total_points: {t}\n"));
        }
        let (demo, qual, share) = lines;
        yaml.push_str(&format!(
            "pass_lines:\n  demonstration: {{min_total: {}, min_area_share: {}}}\n  qualified: {{min_total: {}}}\n",
            Points::from_milli(demo as i64), share as f64 / 10.0, Points::from_milli(qual as i64)
        ));
        // Random pins may contradict each other, and a random pass line may sit above the
        // scenario's reachable maximum: those are rejected, not rescaled.
        let s = match Scenario::from_str("s.yaml", &yaml, &rules) {
            Ok(s) => s,
            Err(e) => {
                let m = e.to_string();
                prop_assert!(
                    m.contains("already add up")
                        || m.contains("none is left")
                        || m.contains("under this scenario"),
                    "{m}"
                );
                return Ok(());
            }
        };
        let counties: Vec<CountyData> = data.iter().map(|y| CountyData::from_str("c.yaml", y, &rules).unwrap()).collect();
        assert_equals_rescore(&rules, &counties, &s);
    }
}

#[test]
fn a_pass_line_out_of_reach_is_an_error() {
    let rules = weights_rules();
    // Total 8 + bonus cap 3 < 16 (demonstration) and 12 (qualified).
    let d = errors(&rules, "id: a\nname: x\npoints:\n  \"1\": 0\n");
    assert_eq!(d.len(), 2);
    assert!(
        d[0].message
            .contains("`demonstration` needs 16 points, outside 0–11"),
        "{}",
        d[0]
    );
    assert_eq!(d[0].line, 3);
    let ok = "id: a\nname: x\npoints:\n  \"1\": 0\npass_lines:\n  demonstration: {min_total: 11}\n  qualified: {min_total: 6}\n";
    assert_eq!(scenario(&rules, ok).weights.total.to_string(), "8");
}
