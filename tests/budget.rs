//! Issue 18: one operations budget on both evaluators, size limits that agree, and a batch that
//! stops running a rule after it hit its limit on 3 counties, naming it with a count.

mod common;
use common::{mini_docs, text, MINI};
use fazhi::analyse::change::rank;
use fazhi::{Evaluator, ItemStatus, RuleSet, RuleSource};

const GOOD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/mini-good.yaml");

/// The mini rule set with every item's, bonus's and penalty's expression an endless loop.
fn hostile() -> RuleSource {
    let docs = mini_docs()
        .into_iter()
        .map(|(name, text)| {
            let mut out = String::new();
            let mut in_block = None;
            for line in text.lines() {
                let indent = line.len() - line.trim_start().len();
                if let Some(i) = in_block {
                    if indent > i && !line.trim().is_empty() {
                        continue;
                    }
                    in_block = None;
                }
                if let Some(rest) = line.trim_start().strip_prefix("score:") {
                    out.push_str(&" ".repeat(indent));
                    out.push_str("score: \"let x = 0; loop { x += 1; }\"\n");
                    if rest.trim() == "|" {
                        in_block = Some(indent);
                    }
                    continue;
                }
                out.push_str(line);
                out.push('\n');
            }
            (name, out)
        })
        .collect::<Vec<_>>();
    RuleSource::from_documents(docs)
}

#[test]
fn texts_over_the_size_limit_give_the_same_report_on_both_evaluators() {
    let rules = common::mini();
    let good = std::fs::read_to_string(GOOD).unwrap();
    // 1,000 × 公众参与 (12 bytes) = 12,000 bytes of text in one list: over the 10,000 limit.
    let long = vec!["公众参与"; 1000].join(", ");
    let yaml = good.replace(
        "steps_done: [公众参与, 专家论证, 合法性审查, 集体讨论决定]",
        &format!("steps_done: [{long}]"),
    );
    assert_ne!(yaml, good);
    let c = fazhi::CountyData::from_str("long.yaml", &yaml, &rules).unwrap();
    let a = rules.score_with(&c, Evaluator::Interpreter);
    let b = rules.score_with(&c, Evaluator::Compiled);
    assert_eq!(a, b);
    let item = a.item("1.2").unwrap();
    assert_eq!(item.status, ItemStatus::Error);
    // Just under the limit (833 × 12 = 9,996 bytes), both score it: 1 step of 5 × 0.4 = 0.4.
    let short = vec!["公众参与"; 833].join(", ");
    let yaml = good.replace(
        "steps_done: [公众参与, 专家论证, 合法性审查, 集体讨论决定]",
        &format!("steps_done: [{short}]"),
    );
    let c = fazhi::CountyData::from_str("short.yaml", &yaml, &rules).unwrap();
    let a = rules.score_with(&c, Evaluator::Interpreter);
    assert_eq!(a, rules.score_with(&c, Evaluator::Compiled));
    assert_eq!(a.item("1.2").unwrap().earned.as_f64(), 0.4);
}

#[test]
fn a_looping_rule_is_stopped_at_the_limit_on_both_evaluators() {
    let rules = RuleSet::load(&hostile()).unwrap();
    let c = fazhi::CountyData::from_file(GOOD, &rules).unwrap();
    let a = rules.score_with(&c, Evaluator::Interpreter);
    assert_eq!(a, rules.score_with(&c, Evaluator::Compiled));
    for item in &a.items {
        assert_eq!(item.status, ItemStatus::Error, "{}", item.id);
        assert!(
            item.messages
                .iter()
                .any(|m| m.contains("more than 10000 operations")),
            "{:?}",
            item.messages
        );
    }
}

fn county_files(dir: &std::path::Path, n: usize) -> Vec<std::path::PathBuf> {
    let good = std::fs::read_to_string(GOOD).unwrap();
    (0..n)
        .map(|i| {
            let p = dir.join(format!("c{i:02}.yaml"));
            std::fs::write(&p, good.replace("id: mini-good", &format!("id: c{i:02}"))).unwrap();
            p
        })
        .collect()
}

#[test]
fn a_batch_stops_a_rule_after_three_counties_and_names_it_with_a_count() {
    let rules = RuleSet::load(&hostile()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let files = county_files(dir.path(), 12);
    let r = rank::rank_files(&rules, &files, &|| {});
    assert_eq!(r.rows.len(), 12);
    // 7 items, 2 bonuses and 2 penalties of the mini set loop; each failed on all 12 counties.
    let named: Vec<(&str, usize)> = r
        .rules_in_error
        .iter()
        .map(|e| (e.rule.as_str(), e.counties))
        .collect();
    assert_eq!(
        named,
        [
            ("bonus B1", 12),
            ("bonus B2", 12),
            ("penalty PN1", 12),
            ("penalty PN2", 12),
            ("item 1.1", 12),
            ("item 1.2", 12),
            ("item 1.3", 12),
            ("item 1.4", 12),
            ("item 2.1", 12),
            ("item 2.2", 12),
            ("item 2.3", 12),
        ]
    );
    assert!(r.rules_in_error[0]
        .reason
        .contains("on 3 counties of this batch"));
    // The same ranking on one thread.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let one = pool.install(|| rank::rank_files(&rules, &files, &|| {}));
    assert_eq!(one, r);
}

#[test]
fn rank_exits_4_naming_each_failing_rule_on_standard_error() {
    let dir = tempfile::tempdir().unwrap();
    let rules_dir = dir.path().join("rules");
    std::fs::create_dir(&rules_dir).unwrap();
    for (name, text) in hostile().documents() {
        std::fs::write(rules_dir.join(name), text).unwrap();
    }
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    county_files(&data, 5);
    let o = common::fazhi(&[
        "rank",
        "--quiet",
        "--rules",
        rules_dir.to_str().unwrap(),
        data.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(4), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(
        err.contains("error: item 2.3 failed on 5 of 5 counties"),
        "{err}"
    );
    assert!(err.contains("11 rule(s) failed on some counties"), "{err}");
    // Rules that work exit 0.
    let o = common::fazhi(&["rank", "--quiet", "--rules", MINI, GOOD]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
}

#[test]
fn a_huge_result_is_reported_with_its_real_value() {
    let src = common::mini_with(
        "areas.yaml",
        "deduct_each(d.enforcement.violations_found, 0.5)",
        "d.enforcement.violations_found * -3.0e18",
    );
    let rules = RuleSet::load(&src).unwrap();
    let c = fazhi::CountyData::from_file(GOOD, &rules).unwrap();
    let r = rules.score(&c);
    let item = r.item("1.4").unwrap();
    // 3 violations × -3e18 = -9e18 (not the saturated -4611686018427387.904 of before).
    assert!(
        item.messages
            .iter()
            .any(|m| m.contains("returned -9000000000000000000, outside")),
        "{:?}",
        item.messages
    );
    assert_eq!(item.earned, fazhi::Points::ZERO);
}
