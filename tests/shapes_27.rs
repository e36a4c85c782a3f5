//! The 评分细则 shapes of issue 27, each on its own rule set under `tests/rules/`, every value
//! computed by hand in the comment beside it.
//!
//! 1. A total that includes a 附加项 (`tests/rules/chuxiong-2023`, 楚雄州 2023: areas 97 +
//!    附加项（加、扣分）3 = 100).
//! 4. Several counts in one deduction (`tests/rules/counts`: 迟报一次扣0.5分，漏报一次扣1分).

mod common;

use common::{fazhi, text};
use fazhi::analyse::gap::GapAnalysis;
use fazhi::analyse::policy::scores::Batch;
use fazhi::analyse::policy::weights::Scenario;
use fazhi::analyse::policy::whatif::WhatIf;
use fazhi::{CountyData, Points, Report, RuleSet, RuleSource};

const CHUXIONG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/rules/chuxiong-2023");
const CHUXIONG_DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/chuxiong");

fn p(x: f64) -> Points {
    Points::from_f64(x)
}

fn chuxiong() -> RuleSet {
    RuleSet::load_dir(CHUXIONG).unwrap()
}

fn chuxiong_county(rules: &RuleSet, name: &str) -> CountyData {
    CountyData::from_file(format!("{CHUXIONG_DATA}/{name}.yaml"), rules).unwrap()
}

/// The chuxiong rule set with its header replaced by `header` (the `ruleset:` mapping's body).
fn chuxiong_with_header(header: &str) -> RuleSource {
    let text = std::fs::read_to_string(format!("{CHUXIONG}/ruleset.yaml")).unwrap();
    let start = text.find("ruleset:\n").unwrap();
    let end = text.find("fields:\n").unwrap();
    let text = format!("{}ruleset:\n{header}{}", &text[..start], &text[end..]);
    RuleSource::from_documents([("ruleset.yaml", text)])
}

fn errors(src: &RuleSource) -> Vec<String> {
    common::rule_errors(src)
        .iter()
        .map(|d| d.to_string())
        .collect()
}

const HEADER: &str = "  id: chuxiong-2023\n  title: 楚雄州\n  version: \"1\"\n";

// ---- 1. 附加项 inside the total ----

#[test]
fn a_full_county_reads_100_of_100_with_the_bonus_within_the_addition() {
    let rules = chuxiong();
    assert_eq!(rules.total_points(), p(100.0));
    assert_eq!(rules.additional_points(), Some(p(3.0)));
    let r = rules.score(&chuxiong_county(&rules, "full"));
    // Every area at full points: 5 + 27 + 19 + 24 + 12 + 10 = 97.
    assert_eq!(r.summary.items_total, p(97.0));
    // A1: 5 awards × 1 = 5, its own cap 3 → 3; the 附加项 caps all bonuses at 3 → 3.
    assert_eq!(r.bonuses[0].points, p(3.0));
    assert_eq!(r.summary.bonus, p(3.0));
    // 97 + 3 − 0 = 100, out of 100 (never 100 / 97).
    assert_eq!(r.summary.total, p(100.0));
    assert_eq!(r.summary.max, p(100.0));
    assert_eq!(r.ruleset.additional_points, Some(p(3.0)));
    assert!(r.summary.pass_lines.iter().all(|l| l.reached));
}

#[test]
fn a_middling_county_is_scored_by_hand() {
    let rules = chuxiong();
    let r = rules.score(&chuxiong_county(&rules, "mid"));
    let item = |id: &str| r.items.iter().find(|i| i.id.as_str() == id).unwrap().earned;
    // 1.1 plan done: 5.
    assert_eq!(item("1.1"), p(5.0));
    // 2.1 proportional(90): 27 × 90% = 24.3.
    assert_eq!(item("2.1"), p(24.3));
    // 3.1 tiers(85, [[90, 19], [80, 9.5]]): 85 ≥ 80 → 9.5.
    assert_eq!(item("3.1"), p(9.5));
    // 4.1 deduct_below(10, 12, 1, 2): 2 below × 2 = 4 deducted, 24 − 4 = 20.
    assert_eq!(item("4.1"), p(20.0));
    // 5.1: 12. 6.1 proportional(92): 10 × 92% = 9.2.
    assert_eq!(item("5.1"), p(12.0));
    assert_eq!(item("6.1"), p(9.2));
    // Items: 5 + 24.3 + 9.5 + 20 + 12 + 9.2 = 80; bonus 2 awards × 1 = 2 (≤ 3);
    // penalty 1 notice × 1 = 1 from the total: 80 + 2 − 1 = 81 / 100 → 良好 (80), not 优秀 (90).
    assert_eq!(r.summary.items_total, p(80.0));
    assert_eq!(r.summary.bonus, p(2.0));
    assert_eq!(r.summary.penalty, p(1.0));
    assert_eq!(r.summary.total, p(81.0));
    let reached: Vec<bool> = r.summary.pass_lines.iter().map(|l| l.reached).collect();
    assert_eq!(reached, [false, true]);
}

#[test]
fn a_deduction_of_the_addition_comes_off_the_total() {
    let rules = chuxiong();
    let yaml = std::fs::read_to_string(format!("{CHUXIONG_DATA}/full.yaml"))
        .unwrap()
        .replace("extra.awards: 5", "extra.awards: 0")
        .replace("extra.notices: 0", "extra.notices: 3");
    let r = rules.score(&CountyData::from_str("x.yaml", &yaml, &rules).unwrap());
    // 97 + 0 − 3 × 1 = 94.
    assert_eq!(r.summary.total, p(94.0));
}

#[test]
fn a_bonus_cap_below_the_addition_caps_the_bonuses() {
    let src = chuxiong_with_header(&format!(
        "{HEADER}  total_points: 100\n  additional_points: 3\n  bonus_cap: 2\n"
    ));
    let rules = RuleSet::load(&src).unwrap();
    let r = rules.score(&chuxiong_county(&rules, "full"));
    // 5 awards → 3 (own cap) → 2 (bonus_cap 2 < 附加项 3): 97 + 2 = 99 / 100.
    assert_eq!(r.summary.total, p(99.0));
    assert_eq!(r.summary.max, p(100.0));
}

#[test]
fn lint_names_the_addition_when_the_areas_fall_short_of_the_total() {
    // Areas 97, total 100, no additional_points: the help proposes `additional_points: 3`.
    let e = errors(&chuxiong_with_header(&format!(
        "{HEADER}  total_points: 100\n"
    )));
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].contains("add up to 97 points, but total_points is 100"),
        "{}",
        e[0]
    );
    assert!(e[0].contains("`additional_points: 3`"), "{}", e[0]);
    // 97 + 4 ≠ 100.
    let e = errors(&chuxiong_with_header(&format!(
        "{HEADER}  total_points: 100\n  additional_points: 4\n"
    )));
    assert!(
        e[0].contains("less the 附加项 (additional_points 4) is 96"),
        "{}",
        e[0]
    );
    // A bonus_cap above the 附加项 would never bite: refused.
    let e = errors(&chuxiong_with_header(&format!(
        "{HEADER}  total_points: 100\n  additional_points: 3\n  bonus_cap: 5\n"
    )));
    assert!(
        e.iter()
            .any(|e| e.contains("bonus_cap 5 is more than the 附加项")),
        "{e:?}"
    );
}

#[test]
fn an_addition_without_a_bonus_is_refused() {
    let text = std::fs::read_to_string(format!("{CHUXIONG}/ruleset.yaml")).unwrap();
    let start = text.find("bonuses:\n").unwrap();
    let end = text.find("penalties:\n").unwrap();
    let text = format!("{}{}", &text[..start], &text[end..]);
    let e = errors(&RuleSource::from_documents([("ruleset.yaml", text)]));
    assert!(e.iter().any(|e| e.contains("has no bonus")), "{e:?}");
}

#[test]
fn gap_counts_the_addition_in_its_accounting() {
    let rules = chuxiong();
    let c = chuxiong_county(&rules, "mid");
    let g = GapAnalysis::new(&rules, &c);
    let a = &g.accounting;
    // 100 − 81 = 19 = items lost 17 (97 − 80) + no data 0 + 附加项 3 + charged 1 − bonus 2.
    assert_eq!(a.items_lost, p(17.0));
    assert_eq!(a.additional, p(3.0));
    assert!(a.adds_up);
    let md = fazhi::render::gap_markdown(&g);
    assert!(md.contains("附加项 3 + 实扣 1"), "{md}");
    assert!(md.contains("（合计相符）"), "{md}");
}

#[test]
fn a_scenario_total_includes_the_addition() {
    let rules = chuxiong();
    // Areas 2 and 4 re-pinned: 97 − 27 − 24 + 37 + 14 = 97 areas, + 3 = 100.
    let s = Scenario::from_str(
        "s.yaml",
        "id: s\nname: s\npoints: { \"2\": 37, \"4\": 14 }\n",
        &rules,
    )
    .unwrap();
    assert_eq!(s.weights.total, p(100.0));
    let counties = [
        chuxiong_county(&rules, "full"),
        chuxiong_county(&rules, "mid"),
    ];
    let batch = Batch::evaluate(&rules, &counties);
    let w = WhatIf::compare(&rules, &batch, &s);
    assert_eq!(w.total_points, (p(100.0), p(100.0)));
    let out = batch.recompute(&s.weights);
    // mid: 2.1 keeps its 90% share: 37 × 0.9 = 33.3; 4.1 keeps 20/24: 14 × 20/24 = 11.667;
    // 5 + 33.3 + 9.5 + 11.667 + 12 + 9.2 = 80.667, + 2 − 1 = 81.667.
    assert_eq!(out[1].total, p(81.667));
    // A scenario total of 50 is the whole: the areas share 47 in their proportions.
    let s = Scenario::from_str("s.yaml", "id: s\nname: s\ntotal_points: 50\npass_lines: {excellent: {min_total: 45}, good: {min_total: 40}}\n", &rules)
        .unwrap();
    assert_eq!(s.weights.total, p(50.0));
    let areas: Points = s
        .weights
        .points
        .iter()
        .zip(rules.nodes())
        .filter(|(_, n)| n.level == 1)
        .map(|(p, _)| *p)
        .sum();
    assert_eq!(areas, p(47.0));
    // Less than the 附加项 itself: refused.
    let e = Scenario::from_str("s.yaml", "id: s\nname: s\ntotal_points: 2\n", &rules).unwrap_err();
    assert!(
        e.to_string().contains("less than the rule set's 附加项"),
        "{e}"
    );
}

#[test]
fn cli_score_rank_and_verify_read_out_of_100() {
    let full = format!("{CHUXIONG_DATA}/full.yaml");
    let o = fazhi(&["score", "--rules", CHUXIONG, &full]);
    let md = text(&o.stdout);
    assert!(md.contains("**100** / 100"), "{md}");
    assert!(
        md.contains("满分 100 = 各一级指标 97 + 附加项（加、扣分）3"),
        "{md}"
    );
    let o = fazhi(&["rank", "--rules", CHUXIONG, CHUXIONG_DATA]);
    let md = text(&o.stdout);
    assert!(md.contains("100 / 100") && md.contains("81 / 100"), "{md}");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.json");
    let o = fazhi(&[
        "score",
        "--rules",
        CHUXIONG,
        &full,
        "--format",
        "json",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let r: Report = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(r.ruleset.additional_points, Some(p(3.0)));
    let o = fazhi(&["verify", "--rules", CHUXIONG, out.to_str().unwrap()]);
    assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));
    assert!(
        text(&o.stdout).contains("reproduced"),
        "{}",
        text(&o.stdout)
    );
}

#[test]
fn uncertainty_draws_share_the_total_less_the_addition() {
    // A county at 79: mid with 9 campaigns, 4.1 = 24 − 3 × 2 = 18, items 78, + 2 − 1 = 79.
    // With `1=0` (no noise) every draw is the rule set's own weighting: the areas keep 97
    // (were they scaled to the total 100, 78 × 100/97 = 80.41 + 1 would pass 良好 (80)).
    let dir = tempfile::tempdir().unwrap();
    let mid = std::fs::read_to_string(format!("{CHUXIONG_DATA}/mid.yaml")).unwrap();
    std::fs::write(
        dir.path().join("m79.yaml"),
        mid.replace("edu.campaigns: 10", "edu.campaigns: 9")
            .replace("cx-mid", "cx-79"),
    )
    .unwrap();
    let o = fazhi(&[
        "uncertainty",
        "--rules",
        CHUXIONG,
        dir.path().to_str().unwrap(),
        "--runs",
        "20",
        "--noise",
        "1=0",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let u: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(u["total_points"], 100);
    let c = &u["counties"][0];
    assert_eq!(c["baseline_total"], 79);
    // [优秀 90, 良好 80]: 79 reaches neither in any draw.
    assert_eq!(c["pass_probability"], serde_json::json!([0.0, 0.0]));
}

// ---- 4. Several counts in one deduction ----

const COUNTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/rules/counts");

fn counts_report(late: u32, missed: u32, wrong: u32, lost: u32) -> Report {
    let rules = RuleSet::load_dir(COUNTS).unwrap();
    let yaml = format!(
        "county: {{id: c, name: 丙县}}\ndata: {{info: {{late: {late}, missed: {missed}}}, cases: {{wrong: {wrong}, lost: {lost}}}}}\n"
    );
    let c = CountyData::from_str("c.yaml", &yaml, &rules).unwrap();
    let r = rules.score(&c);
    // The fast path (which leaves deduct_counts to the interpreter) and the interpreter agree.
    assert_eq!(
        serde_json::to_string(&rules.score_with(&c, fazhi::Evaluator::Interpreter)).unwrap(),
        serde_json::to_string(&r).unwrap()
    );
    r
}

fn item<'r>(r: &'r Report, id: &str) -> &'r fazhi::ItemScore {
    r.items.iter().find(|i| i.id.as_str() == id).unwrap()
}

#[test]
fn each_count_is_named_with_its_rate() {
    // 迟报 2 × 0.5 = 1, 漏报 3 × 1 = 3: 4 deducted (never "计扣3分"), 5 − 4 = 1.
    let r = counts_report(2, 3, 0, 0);
    let i = item(&r, "1.1");
    assert_eq!(i.earned, p(1.0));
    assert_eq!(
        i.explanation,
        "迟报2次，每次扣0.5分，扣1分；漏报3次，每次扣1分，扣3分；计扣4分；本项得1分"
    );
    assert!(!i.explanation.contains("例"), "{}", i.explanation);
    // Nothing late or missed: 5.
    let r = counts_report(0, 0, 0, 0);
    assert_eq!(item(&r, "1.1").earned, p(5.0));
    assert_eq!(
        item(&r, "1.1").explanation,
        "无迟报、漏报，不扣分；本项得5分"
    );
    // One late only: 5 − 0.5 = 4.5; the count that did not happen is named with 0.
    let r = counts_report(1, 0, 0, 0);
    assert_eq!(
        item(&r, "1.1").explanation,
        "迟报1次，每次扣0.5分，扣0.5分；漏报0次；计扣0.5分；本项得4.5分"
    );
    // 扣完为止: 4 × 0.5 + 4 × 1 = 6 > 5 → 0.
    let r = counts_report(4, 4, 0, 0);
    assert_eq!(item(&r, "1.1").earned, p(0.0));
    assert!(item(&r, "1.1").explanation.contains("计扣5分（扣完为止）"));
}

#[test]
fn a_cap_on_the_counts_is_said() {
    // 被纠错 1 件 × 1 + 败诉 2 件 × 2 = 5, 最多扣4: 5 − 4 = 1.
    let r = counts_report(0, 0, 1, 2);
    let i = item(&r, "1.2");
    assert_eq!(i.earned, p(1.0));
    assert_eq!(
        i.explanation,
        "被纠错1件，每件扣1分，扣1分；败诉2件，每件扣2分，扣4分；合计5分，最多扣4分，计扣4分；本项得1分"
    );
    // 1 × 1 + 1 × 2 = 3 (under the cap): 5 − 3 = 2. Total 5 + 2 = 7 ≥ 6: 达标.
    let r = counts_report(0, 0, 1, 1);
    assert_eq!(item(&r, "1.2").earned, p(2.0));
    assert_eq!(r.summary.total, p(7.0));
    assert!(r.summary.pass_lines[0].reached);
}

#[test]
fn lint_proves_the_range_of_a_counts_table_and_checks_its_kind() {
    let d = RuleSet::lint(&RuleSource::from_dir(COUNTS).unwrap());
    assert!(d.0.is_empty(), "{d:?}");
    // A number where the table goes.
    let text = std::fs::read_to_string(format!("{COUNTS}/ruleset.yaml"))
        .unwrap()
        .replace(
            r#"deduct_counts([["迟报", d.info.late, 0.5], ["漏报", d.info.missed, 1]])"#,
            "deduct_counts(d.info.late)",
        );
    let e = errors(&RuleSource::from_documents([("ruleset.yaml", text)]));
    assert!(
        e.iter()
            .any(|e| e.contains("a table of counts [[label, n, per], …]")),
        "{e:?}"
    );
}

#[test]
fn gap_lowers_the_counts_to_win_the_points_back() {
    let rules = RuleSet::load_dir(COUNTS).unwrap();
    let yaml = "county: {id: c, name: 丙县}\ndata: {info: {late: 2, missed: 3}, cases: {wrong: 1, lost: 2}}\n";
    let c = CountyData::from_str("c.yaml", yaml, &rules).unwrap();
    let g = GapAnalysis::new(&rules, &c);
    // Now 1 + 1 = 2 < 6; the plan lowers counts and its promised total is recomputed.
    let plan = &g.plans[0];
    assert!(plan.reaches && plan.total_after >= p(6.0), "{plan:?}");
    for s in &plan.steps {
        for ch in &s.changes {
            assert!(
                ch.to.as_f64().unwrap() < ch.from.as_ref().unwrap().as_f64().unwrap(),
                "{ch:?}"
            );
        }
    }
}
