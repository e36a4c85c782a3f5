//! Issue 18: one operations budget on both evaluators, size limits that agree, and a batch that
//! stops running a rule after it hit its limit on 3 counties, naming it with a count.

mod common;
use common::{hostile, text, MINI};
use fazhi::analyse::change::rank;
use fazhi::{Evaluator, ItemStatus, RuleSet};

const GOOD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/mini-good.yaml");

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
    let (_dir, rules_dir, data) = hostile_folder(5);
    let o = common::fazhi(&["rank", "--quiet", "--rules", &rules_dir, &data]);
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

/// The hostile rule set written out as a folder, with `n` good counties in `data/`.
fn hostile_folder(n: usize) -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let rules_dir = dir.path().join("rules");
    std::fs::create_dir(&rules_dir).unwrap();
    for (name, text) in hostile().documents() {
        std::fs::write(rules_dir.join(name), text).unwrap();
    }
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    county_files(&data, n);
    let (r, d) = (
        rules_dir.to_str().unwrap().to_string(),
        data.to_str().unwrap().to_string(),
    );
    (dir, r, d)
}

#[test]
fn whatif_and_uncertainty_name_failing_rules_and_exit_4_like_score() {
    // Issue 23: with every item an endless loop, `whatif` exited 0 and said nothing.
    let (_dir, rules, data) = hostile_folder(5);
    let scenario = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scenarios/mini.yaml");
    let runs: [&[&str]; 2] = [
        &["whatif", "--scenario", scenario, "--rules", &rules, &data],
        &[
            "uncertainty",
            "--rules",
            &rules,
            &data,
            "--noise",
            "1=0.2",
            "--runs",
            "20",
            "--seed",
            "1",
        ],
    ];
    for args in runs {
        let o = common::fazhi(args);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(4), "{args:?}: {err}");
        assert!(err.contains("c00.yaml: rule 2.3"), "{args:?}: {err}");
        assert!(
            err.contains("rule evaluation(s) failed; see above"),
            "{args:?}: {err}"
        );
        // The answer is still written.
        assert!(!o.stdout.is_empty(), "{args:?}");
    }
    // Rules that work exit 0.
    let o = common::fazhi(&["whatif", "--scenario", scenario, "--rules", MINI, GOOD]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
}

#[test]
fn whatif_batches_stop_a_looping_rule_after_three_counties_like_rank() {
    use fazhi::analyse::policy::scores::Batch;
    let rules = RuleSet::load(&hostile()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let counties: Vec<_> = county_files(dir.path(), 12)
        .iter()
        .map(|p| fazhi::CountyData::from_file(p, &rules).unwrap())
        .collect();
    let batch = Batch::evaluate(&rules, &counties);
    let stopped = |i: usize| {
        batch.counties()[i]
            .report
            .item("2.3")
            .unwrap()
            .messages
            .iter()
            .any(|m| m.contains("stopped running it"))
    };
    // The first chunk (4 counties) runs the rule; after it, the batch has stopped it.
    assert!(!stopped(0) && !stopped(3));
    assert!(stopped(4) && stopped(11));
}

#[test]
fn a_stopped_rule_is_no_data_where_its_inputs_are_missing_so_coverage_matches_score() {
    // Issue 23: once `rank` stopped a rule, later counties counted it as failed even where they
    // lacked its inputs, so their coverage read higher than `score` gave.
    let rules = RuleSet::load(&hostile()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut files = county_files(dir.path(), 8);
    let good = std::fs::read_to_string(GOOD).unwrap();
    for i in 8..12 {
        let p = dir.path().join(format!("c{i:02}.yaml"));
        let text = good
            .replace("id: mini-good", &format!("id: c{i:02}"))
            .replace("    head_appearance_rate: 96.5\n", "");
        assert_ne!(text, good);
        std::fs::write(&p, text).unwrap();
        files.push(p);
    }
    let r = rank::rank_files(&rules, &files, &|| {});
    assert_eq!(r.rows.len(), 12);
    let mut lacking = 0;
    for row in &r.rows {
        let path = row.county.source.as_deref().unwrap();
        let county = fazhi::CountyData::from_file(path, &rules).unwrap();
        let score = rules.score(&county);
        assert_eq!(row.coverage, score.summary.coverage, "{path}");
        if county.get("litigation.head_appearance_rate").is_none() {
            lacking += 1;
            assert!(score.summary.coverage < 1.0, "{path}");
        }
    }
    assert_eq!(lacking, 4);
}
