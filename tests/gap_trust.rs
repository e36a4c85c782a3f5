//! Gap analysis a county can trust (issue 21): cases 21–23 of `../shared/cases/`, their minimal
//! inputs copied under `tests/cases/`, each asserting the right value computed by hand.

use fazhi::analyse::gap::{AdjustmentKind, GapAnalysis, Solver};
use fazhi::levers::Inferred;
use fazhi::{render, CountyData, FieldPath, Points, RuleSet, RuleSource};
use std::path::PathBuf;

fn dir(case: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cases")
        .join(case)
}

fn gap_of(rules_dir: PathBuf, county: PathBuf) -> (RuleSet, GapAnalysis) {
    let rules = RuleSet::load_dir(rules_dir).unwrap();
    let data = CountyData::from_file(county, &rules).unwrap();
    let g = GapAnalysis::new(&rules, &data);
    (rules, g)
}

fn p(x: f64) -> Points {
    Points::from_f64(x)
}

/// Case 21: 规范性文件未按要求报送备案的，每件扣1分（3分，扣完为止）. County n2 has 2 documents not
/// filed: 3 − 2 = 1 point. Whatever the count is called, the plan to 合格 (3) is 2 → 0, and no
/// sentence says that no change can help.
#[test]
fn case21_levers_come_from_the_rules_not_the_names() {
    let base = dir("21-gap-lever-names");
    let mut variants = vec![(
        base.join("rules"),
        base.join("counties/n2.yaml"),
        "docs.not_filed".to_string(),
    )];
    for v in [
        "filing_failures",
        "missing_filing",
        "unfiled",
        "unreported",
        "violations",
    ] {
        let d = base.join("name-variants").join(v);
        variants.push((
            d.join("rules"),
            d.join("counties/n2.yaml"),
            format!("docs.{v}"),
        ));
    }
    for (rules_dir, county, field) in variants {
        let (_, g) = gap_of(rules_dir, county);
        assert_eq!(g.total, p(1.0), "{field}");
        let plan = &g.plans[0];
        assert!(plan.reaches, "{field}: {plan:?}");
        assert_eq!(plan.solver, Solver::Optimal);
        assert_eq!(plan.total_after, p(3.0));
        assert_eq!(plan.steps.len(), 1);
        let c = &plan.steps[0].changes[0];
        assert_eq!(c.field.as_str(), field);
        assert_eq!(c.to.as_f64(), Some(0.0));
        assert_eq!(
            g.lost[0].search.inferred.get(&FieldPath::new(&field)),
            Some(&Inferred::Lower),
            "{field}"
        );
        let md = render::gap_markdown(&g);
        assert!(!md.contains("任何改动都不能增加得分"), "{md}");
        assert!(!md.contains("仍达不到"), "{md}");
        assert!(md.contains("推断：降低"), "{md}");
    }
}

/// Case 21: lint warns for the field without a lever, naming it, the item that reads it and
/// what it inferred.
#[test]
fn case21_lint_warns_for_a_field_without_a_lever() {
    let src = RuleSource::from_dir(dir("21-gap-lever-names").join("rules")).unwrap();
    let d = RuleSet::lint(&src);
    assert!(!d.has_errors());
    let w: Vec<String> = d.0.iter().map(|d| d.to_string()).collect();
    let hit = w
        .iter()
        .find(|m| m.contains("`docs.not_filed`") && m.contains("declares no `lever:`"))
        .unwrap_or_else(|| panic!("{w:?}"));
    assert!(hit.contains("1.1"), "{hit}");
    assert!(hit.contains("infers `lower`"), "{hit}");
    // national-2021 declares every field: no such warning.
    let n = RuleSet::lint(&RuleSet::builtin_source());
    assert!(!n
        .0
        .iter()
        .any(|d| d.message.contains("declares no `lever:`")));
}

/// Case 22, zero.yaml: one basic defect zeroes a perfect file (100 + bonus 5 → 0). Lifting Z1
/// (`file.basic_defects` 1 → 0) rescores it to 105, which reaches 合格 (60) and 优秀 (90).
#[test]
fn case22_a_zeroing_entry_is_an_option() {
    let d = dir("22-gap-penalty-zeroing");
    let (_, g) = gap_of(d.join("rules"), d.join("counties/zero.yaml"));
    assert_eq!(g.total, p(0.0));
    for plan in &g.plans {
        assert!(plan.reaches, "{plan:?}");
        assert_eq!(plan.total_after, p(105.0));
        assert_eq!(plan.steps.len(), 1);
        assert_eq!(plan.steps[0].item.as_str(), "Z1");
        assert_eq!(plan.steps[0].kind, "zeroing");
        assert_eq!(
            plan.steps[0].changes[0].field.as_str(),
            "file.basic_defects"
        );
        assert_eq!(plan.steps[0].changes[0].to.as_f64(), Some(0.0));
    }
    assert_eq!(g.plans.len(), 2);
    // max − total = 100 = 0 (items) + 105 (Z1 took everything) − 5 (B1).
    let a = &g.accounting;
    assert_eq!((a.items_lost, a.items_no_data), (p(0.0), p(0.0)));
    assert_eq!(a.zeroed.len(), 1);
    assert_eq!(a.zeroed[0].points, p(105.0));
    assert_eq!(a.bonus_counted, p(5.0));
    assert!(a.adds_up);
    let z = g
        .adjustments
        .iter()
        .find(|x| x.id.as_str() == "Z1")
        .unwrap();
    assert_eq!(z.kind, AdjustmentKind::Zeroing);
    assert_eq!(z.total_after, Some(p(105.0)));
}

/// Case 22, bigpen.yaml: items 40 − 10, 40 − 8, 20 − 2 = 80; bonus 5; PN1 asks 60 × 2 = 120
/// and takes all 85 there is (扣完为止): total 0. The plan to 合格 is 60 → 0 days (85).
#[test]
fn case22_a_penalty_is_an_option_and_the_accounting_adds_up() {
    let d = dir("22-gap-penalty-zeroing");
    let (_, g) = gap_of(d.join("rules"), d.join("counties/bigpen.yaml"));
    assert_eq!(g.total, p(0.0));
    let pass = g
        .plans
        .iter()
        .find(|x| x.pass_line.as_str() == "pass")
        .unwrap();
    assert!(pass.reaches);
    assert_eq!(pass.total_after, p(85.0));
    assert_eq!(pass.steps.len(), 1);
    assert_eq!(pass.steps[0].item.as_str(), "PN1");
    assert_eq!(pass.steps[0].changes[0].field.as_str(), "file.overdue_days");
    assert_eq!(pass.steps[0].changes[0].to.as_f64(), Some(0.0));
    // 100 − 0 = 20 (items) + 85 (PN1 as charged) − 5 (B1).
    let a = &g.accounting;
    assert_eq!(a.items_lost, p(20.0));
    assert_eq!(a.penalties.len(), 1);
    assert_eq!(a.penalties[0].points, p(85.0));
    assert_eq!(a.bonus_counted, p(5.0));
    assert!(a.adds_up);
    let pn = g
        .adjustments
        .iter()
        .find(|x| x.id.as_str() == "PN1")
        .unwrap();
    assert_eq!((pn.points, pn.requested), (p(85.0), p(120.0)));
    // In every text output the losses are named with their points.
    let md = render::gap_markdown(&g);
    assert!(md.contains("实扣 85"), "{md}");
    assert!(md.contains("指标失分 20"), "{md}");
    let json = render::to_json(&g);
    assert!(json.contains("\"accounting\""), "{json}");
}

/// Case 23: items 70 × 68.571% = 48 (to the thousandth: 47.9997 rounds to 48.000) + 30;
/// bonuses 3 + 2 + 2 = 7 capped at 5; 通报批评 2 × 2 = 4: total 79, 达标 80. The plan stops where
/// the line is: the rate to 70% (49 + 30 + 5 − 4 = 80) or one criticism fewer (81), never the
/// rate to 100% (101).
#[test]
fn case23_a_plan_moves_only_as_far_as_the_line_needs() {
    let d = dir("23-gap-one-point-short");
    let (rules, g) = gap_of(d.join("rules"), d.join("counties/a.yaml"));
    assert_eq!(g.total, p(79.0));
    let plan = &g.plans[0];
    assert!(plan.reaches);
    assert_eq!(plan.solver, Solver::Optimal);
    assert_eq!(plan.cost, 1.0);
    assert_eq!(plan.steps.len(), 1);
    assert!(
        plan.total_after == p(80.0) || plan.total_after == p(81.0),
        "{plan:?}"
    );
    let c = &plan.steps[0].changes[0];
    match c.field.as_str() {
        "a.rate" => assert_eq!(c.to.as_f64(), Some(70.0)),
        "x.criticisms" => assert_eq!(c.to.as_f64(), Some(1.0)),
        other => panic!("{other}"),
    }
    // The penalty's smaller move (2 → 1) is offered.
    let pn = g
        .adjustments
        .iter()
        .find(|x| x.id.as_str() == "PN1")
        .unwrap();
    assert!(pn
        .partial
        .iter()
        .any(|f| f.changes[0].to.as_f64() == Some(1.0) && f.gain == p(2.0)));
    // The report shows the cap (7 → 5) and the penalty.
    let a = &g.accounting;
    assert_eq!((a.bonus_counted, a.bonus_trimmed), (p(5.0), p(2.0)));
    let md = render::gap_markdown(&g);
    assert!(md.contains("加分合计 7 超过上限，按上限计 5"), "{md}");
    assert!(md.contains("PN1"), "{md}");
    // Every step's stated gain is the full rescore's change.
    let data = CountyData::from_file(d.join("counties/a.yaml"), &rules).unwrap();
    let changed =
        fazhi::analyse::gap::apply_changes(&rules, &data, &plan.steps[0].changes).unwrap();
    assert_eq!(rules.score(&changed).summary.total, plan.total_after);
}

/// A rate's denominator without a declared lever is never inferred a lever (raising the cases
/// decided would dilute a correction rate): lint names it as a denominator, and the gap lists it
/// among the fields not moved, not as 推断.
#[test]
fn an_undeclared_denominator_is_never_a_lever() {
    let doc = r#"
ruleset: {id: t, title: 复议纠错率, version: "1", total_points: 10}
fields:
  fuyi.jiuzheng: {type: count, desc: 被纠错件数}
  fuyi.zongshu: {type: count, desc: 行政复议案件总数}
indicators:
  - id: "1"
    name: 复议
    points: 10
    children:
      - {id: "1.1", name: 纠错率, points: 10, inputs: [fuyi.jiuzheng, fuyi.zongshu], score: "tiers_below(pct(d.fuyi.jiuzheng, d.fuyi.zongshu), [[10, P], [20, 5]])"}
pass_lines:
  - {id: ok, name: 合格, min_total: 10}
"#;
    let src = RuleSource::from_documents([("r.yaml", doc)]);
    let lint = RuleSet::lint(&src);
    let w: Vec<String> = lint.0.iter().map(|d| d.to_string()).collect();
    assert!(
        w.iter()
            .any(|m| m.contains("`fuyi.zongshu`") && m.contains("a rate's denominator")),
        "{w:?}"
    );
    let rules = RuleSet::load(&src).unwrap();
    let data = CountyData::from_str(
        "c.yaml",
        "county: {id: c, name: 县}\ndata: {fuyi: {jiuzheng: 5, zongshu: 20}}\n",
        &rules,
    )
    .unwrap();
    let g = GapAnalysis::new(&rules, &data);
    let item = &g.lost[0];
    let zongshu = FieldPath::new("fuyi.zongshu");
    assert!(
        item.search.not_levers.contains(&zongshu),
        "{:?}",
        item.search
    );
    assert!(!item.search.inferred.contains_key(&zongshu));
    // 5 of 20 is 25%: the plan lowers the corrections (to 2: 10%), never raises the total.
    let c = &g.plans[0].steps[0].changes[0];
    assert_eq!(c.field.as_str(), "fuyi.jiuzheng");
    assert_eq!(c.to.as_f64(), Some(2.0));
}
