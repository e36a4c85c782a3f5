//! The failing cases of issue 12 (`../shared/cases/16`, `17`, `18`, `20`), their minimal inputs
//! copied under `tests/cases/`, each asserting the right value computed by hand.

mod common;

use common::identity::check_all;
use fazhi::analyse::gap::GapAnalysis;
use fazhi::{render, CountyData, ItemStatus, Points, RuleSet};
use std::path::PathBuf;

fn dir(case: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cases")
        .join(case)
}

fn load(case: &str, file: &str) -> (RuleSet, CountyData) {
    let rules = RuleSet::load_dir(dir(case).join("rules")).unwrap();
    let county = CountyData::from_file(dir(case).join(file), &rules).unwrap();
    (rules, county)
}

fn p(x: f64) -> Points {
    Points::from_f64(x)
}

#[test]
fn case16_node_penalty_is_counted_once() {
    let (rules, county) = load("16-node-penalty-overview", "county.yaml");
    let r = rules.score(&county);
    // Item 1.1: award(true) = 10. PN1 on 1.1: 1 untrue report × 2 = 2, taken from 1.1's 10.
    // 指标得分 10 (Σ items), 扣分 2, 总分 10 − 2 = 8.
    let (items, bonus, penalty, total) = check_all(&rules, &county, &r);
    assert_eq!(
        (items, bonus, penalty, total),
        (p(10.0), p(0.0), p(2.0), p(8.0))
    );
    assert_eq!(r.node("1").unwrap().earned, p(8.0));
    let md = render::markdown(&r);
    assert!(md.contains("| 指标得分 "), "{md}");
    assert!(md.contains("| 扣分 ") && md.contains("−2"), "{md}");
}

#[test]
fn case17_published_shapes_score_by_hand() {
    let (rules, a) = load("17-real-scoring-rules", "county-a.yaml");
    let r = rules.score(&a);
    let item = |id: &str| r.item(id).unwrap();
    // 1.1 linear: 85 is 5 below 90; 1 point per 10 → 0.5 off 3 = 2.5.
    assert_eq!(item("1.1").earned, p(2.5));
    // 1.2 whole steps, a begun step counts: 5 below is 1 step → 3 − 1 = 2.
    assert_eq!(item("1.2").earned, p(2.0));
    assert_eq!(
        item("1.2").explanation,
        "85比90低5，每10为一档，不足一档按一档计，计1档，每档扣1分，计扣1分；本项得2分"
    );
    // 1.3 within 30 days: 2021-03-01 → 2021-06-20 is 30 + 30 + 31 + 20 = 111 days > 30 → 0.
    assert_eq!(item("1.3").earned, p(0.0));
    assert_eq!(
        item("1.3").explanation,
        "2021-03-01至2021-06-20相隔111天；条件不满足，不得分"
    );
    // 1.4: one system of two × 3 = 3, minus the evaluators' discretionary 1 = 2.
    assert_eq!(item("1.4").earned, p(2.0));
    assert_eq!(
        item("1.4").explanation,
        "2项中满足1项，每项3分，得3分；考核组酌情扣1分（上限6分）；本项得2分"
    );
    // 1.5: 2 form defects × 1 off 6 = 4.
    assert_eq!(item("1.5").earned, p(4.0));
    // PN1 (zeroing) does not hold: no basic defect. Total 2.5 + 2 + 0 + 2 + 4 = 10.5.
    let (items, _, penalty, total) = check_all(&rules, &a, &r);
    assert_eq!((items, penalty, total), (p(10.5), p(0.0), p(10.5)));
    assert_eq!(r.penalties[0].zeroing, Some(false));

    // County b: one basic defect zeroes the total; the items keep their points, the zeroing
    // entry takes all 10.5, and the county is still ranked (no veto).
    let (rules, b) = load("17-real-scoring-rules", "county-b.yaml");
    let r = rules.score(&b);
    let (items, _, penalty, total) = check_all(&rules, &b, &r);
    assert_eq!((items, penalty, total), (p(10.5), p(10.5), p(0.0)));
    assert!(r.penalties[0].zeroed());
    assert!(!r.summary.vetoed);
    assert_eq!(r.penalties[0].detail, "条件成立，总分为零");
    let md = render::markdown(&r);
    assert!(
        md.contains("**零分**：⚠ 案卷基本标准不合格，评查总分为零（条件成立，总分为零）"),
        "{md}"
    );
    assert!(md.contains("零分（总分）"), "{md}");
}

#[test]
fn case17_30_days_edges() {
    // Exactly 30 days earns 2; 31 days (one unit off) earns 0.
    let (rules, _) = load("17-real-scoring-rules", "county-a.yaml");
    let score = |submitted: &str| {
        let yaml = format!(
            "county: {{id: e, name: 边}}\ndata:\n  enf.closure_rate: 90\n  pub: {{law_published_on: \"2021-03-01\", plan_submitted_on: \"{submitted}\"}}\n  sys: {{disclosure: true, revisit: true, discretion_deduct: 0}}\n  file: {{basic_defects: 0, form_defects: 0}}\n"
        );
        let c = CountyData::from_str("e.yaml", &yaml, &rules).unwrap();
        rules.score(&c).item("1.3").unwrap().earned
    };
    assert_eq!(score("2021-03-31"), p(2.0)); // March 1 + 30 days
    assert_eq!(score("2021-04-01"), p(0.0)); // 31 days
    assert_eq!(score("2021-03-01"), p(2.0)); // same day: 0 days
}

#[test]
fn case18_explanation_ends_with_the_points_earned() {
    let (rules, county) = load("18-explanation-vs-result", "county.yaml");
    let r = rules.score(&county);
    // 1.1: both systems × 3 = 6, minus 2.5 entered by the evaluators = 3.5.
    let i = r.item("1.1").unwrap();
    assert_eq!(i.earned, p(3.5));
    assert_eq!(i.explanation, "2项中满足2项，每项3分，得6分；本项得3.5分");
    // 1.2: 96 is 4 below 100, 1 per point off 10 = 6, half weight = 3.
    let i = r.item("1.2").unwrap();
    assert_eq!(i.earned, p(3.0));
    assert_eq!(i.explanation, "96比100低4，按每1扣1分计扣4分；本项得3分");
    check_all(&rules, &county, &r);
}

#[test]
fn case20a_summary_counts_the_node_penalty_once() {
    let (rules, county) = load("20-node-penalty-gap-step", "a.yaml");
    let r = rules.score(&county);
    // Item P × 100 / 100 = 10; PN: 1 × 5 = 5 (cap 5) from node 1; total 10 − 5 = 5.
    let (items, bonus, penalty, total) = check_all(&rules, &county, &r);
    assert_eq!(
        (items, bonus, penalty, total),
        (p(10.0), p(0.0), p(5.0), p(5.0))
    );
}

#[test]
fn case20b_plan_step_gain_is_the_totals_change() {
    let (rules, county) = load("20-node-penalty-gap-step", "b.yaml");
    let r = rules.score(&county);
    // Item 10 × 20 / 100 = 2; PN wants 5 but node 1 holds 2 → takes 2; total 0.
    assert_eq!(
        (r.summary.items_total, r.summary.penalty, r.summary.total),
        (p(2.0), p(2.0), p(0.0))
    );
    let g = GapAnalysis::from_report(&rules, &county, &r).unwrap();
    let plan = &g.plans[0];
    assert_eq!(plan.steps.len(), 1);
    let step = &plan.steps[0];
    // v → 100: the item gains 8 (2 → 10), but PN now takes its full 5: total 0 → 5, gain +5.
    assert_eq!(step.item_gain, p(8.0));
    assert_eq!(step.gain, p(5.0));
    assert_eq!(step.total_after, p(5.0));
    check_all(&rules, &county, &r);
}

#[test]
fn cli_identity_and_exit_codes_on_the_cases() {
    let out = common::fazhi(&[
        "score",
        "--rules",
        dir("16-node-penalty-overview")
            .join("rules")
            .to_str()
            .unwrap(),
        "--format",
        "csv",
        dir("16-node-penalty-overview")
            .join("county.yaml")
            .to_str()
            .unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let csv = common::text(&out.stdout);
    // item 10, penalty −2, total 8.
    assert!(
        csv.contains(",1.1,工作有安排有报告,10,10,0,scored,"),
        "{csv}"
    );
    assert!(
        csv.contains(",PN1,情况不实，在本项分值内从重扣分,,-2,,scored,"),
        "{csv}"
    );
    assert!(csv.contains(",total,总分,10,8,"), "{csv}");
    let _ = ItemStatus::Error;
}

#[test]
fn rank_and_diff_without_pass_lines_have_no_level_column_and_put_provenance_last() {
    // Case 16's rule set has no pass lines.
    let (rules, county) = load("16-node-penalty-overview", "county.yaml");
    let r = rules.score(&county);
    let ranking = fazhi::analyse::change::rank::rank_reports(&rules, vec![r.clone()]);
    let md = render::rank_markdown(&ranking);
    let header = md.lines().find(|l| l.starts_with("| 名次")).unwrap();
    assert!(!header.contains("等级"), "{header}");
    assert!(header.contains("否决"), "{header}");
    assert!(
        md.find("| 名次").unwrap() < md.find("## 来源").unwrap(),
        "{md}"
    );
    let mut d = fazhi::analyse::change::diff::diff_rules(&rules, &rules);
    d.counties = fazhi::analyse::change::diff::county_deltas(
        std::slice::from_ref(&r),
        std::slice::from_ref(&r),
    );
    let md = render::diff_markdown(&d);
    let header = md.lines().find(|l| l.starts_with("| 县")).unwrap();
    assert!(!header.contains("等级"), "{header}");
    assert!(
        md.find("| 县").unwrap() < md.find("## 来源").unwrap(),
        "{md}"
    );
    // Case 20's has one: the column is there, and says 未达到 for a county below it.
    let (rules, county) = load("20-node-penalty-gap-step", "b.yaml");
    let ranking = fazhi::analyse::change::rank::rank_reports(&rules, vec![rules.score(&county)]);
    let md = render::rank_markdown(&ranking);
    assert!(
        md.lines()
            .any(|l| l.starts_with("| 名次") && l.contains("等级")),
        "{md}"
    );
    assert!(md.contains("| 未达到 "), "{md}");
}

#[test]
fn a_zeroed_county_stays_ranked_and_the_ranking_says_why() {
    let (rules, a) = load("17-real-scoring-rules", "county-a.yaml");
    let (_, b) = load("17-real-scoring-rules", "county-b.yaml");
    let ranking =
        fazhi::analyse::change::rank::rank_reports(&rules, vec![rules.score(&a), rules.score(&b)]);
    // a: 10.5 first; b: zeroed to 0, still ranked second.
    assert_eq!(ranking.rows.len(), 2);
    assert_eq!(
        (
            ranking.rows[1].county.id.as_str(),
            ranking.rows[1].rank,
            ranking.rows[1].total
        ),
        ("real-b", 2, p(0.0))
    );
    assert_eq!(
        ranking.rows[1].zeroed,
        ["PN1「案卷基本标准不合格，评查总分为零」：条件成立，总分为零"]
    );
    let md = render::rank_markdown(&ranking);
    assert!(md.contains("## 零分\n\n- 乙县（`real-b`）：PN1「案卷基本标准不合格，评查总分为零」：条件成立，总分为零\n"), "{md}");
}

#[test]
fn diff_names_a_zeroing_entry_as_its_own_term() {
    // Same rules, county a (10.5) against county b (zeroed): the one term that moved is PN1, a
    // zeroing entry taking 10.5; the terms add up to the total's change, 0 − 10.5.
    let (rules, a) = load("17-real-scoring-rules", "county-a.yaml");
    let (_, b) = load("17-real-scoring-rules", "county-b.yaml");
    let c = fazhi::analyse::change::diff::contributions(&rules.score(&a), &rules.score(&b));
    assert_eq!(c.len(), 1);
    assert_eq!(
        c[0].kind,
        fazhi::analyse::change::diff::ContributionKind::Zeroing
    );
    assert_eq!(
        (c[0].id.as_str(), c[0].old, c[0].new, c[0].delta),
        ("PN1", p(0.0), p(-10.5), p(-10.5))
    );
}
