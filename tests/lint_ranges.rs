//! Score ranges proven at lint (issue 22): over the declared domains of its inputs, an item,
//! bonus or penalty that can return more than its points or less than 0 is an error with a
//! witness; one that can never earn its points a warning with the reachable range; a pass line
//! no county can reach an error; a rule the analysis cannot follow is said to be undecided and
//! nothing is claimed. Each claim has a rule that triggers it and one that must not.

use fazhi::{Diagnostic, RuleSet, RuleSource};

const HEAD: &str = r#"ruleset: { id: t, title: t, version: "1", total_points: 10 }
fields:
  a.rate: { type: percent, desc: 比率 }
  a.done: { type: bool, desc: 完成 }
  a.n: { type: count, range: [0, 20], desc: 件数 }
  a.status: { type: enum, values: [好, 中, 差], desc: 状态 }
  a.steps: { type: list, values: [甲, 乙], desc: 步骤 }
indicators:
  - id: "1"
    name: x
    points: 10
    children:
      - id: "1.1"
        name: y
        points: 5
        inputs: [INPUTS]
        score: 'SCORE'
      - { id: "1.2", name: z, points: 5, inputs: [a.done], score: award(d.a.done) }
"#;

fn lint(inputs: &str, score: &str, extra: &str) -> Vec<Diagnostic> {
    let t = HEAD.replace("INPUTS", inputs).replace("SCORE", score) + extra;
    RuleSet::lint(&RuleSource::from_documents([("ruleset.yaml", t)])).0
}

/// The one diagnostic about ranges.
fn one(d: &[Diagnostic]) -> &Diagnostic {
    let r = ranges(d);
    assert_eq!(r.len(), 1, "{d:#?}");
    r[0]
}

/// The diagnostics about ranges (the rest — fields no rule reads — set aside).
fn ranges(d: &[Diagnostic]) -> Vec<&Diagnostic> {
    d.iter()
        .filter(|x| !x.message.contains("no rule reads it"))
        // Fields without a declared lever (issue 21) are warned about too; not a range.
        .filter(|x| !x.message.contains("declares no `lever:`"))
        .collect()
}

#[test]
fn more_than_the_points_is_an_error_with_a_witness() {
    // A percent divided by 10 on a 5-point item: 100 % gives 10.
    let d = lint("a.rate", "d.a.rate / 10", "");
    let r = one(&d);
    assert!(r.is_error());
    assert_eq!(
        r.message,
        "item `1.1` can return more than its 5 points: 10 when a.rate = 100 (clamped to 5 at scoring)"
    );
    assert_eq!((r.line, r.column), (13, 9));
    // Must not trigger: divided by 20 it earns 5 at most, and reaches it.
    let d = lint("a.rate", "d.a.rate / 20", "");
    assert!(ranges(&d).is_empty(), "{d:#?}");
}

#[test]
fn less_than_zero_is_an_error_with_a_witness() {
    let d = lint("a.done", "award(d.a.done) * 2 - 5", "");
    let r = one(&d);
    assert!(r.is_error());
    assert_eq!(
        r.message,
        "item `1.1` can return less than 0: -5 when a.done = false (counted as 0 at scoring)"
    );
    let d = lint("a.done", "max(award(d.a.done) * 2 - 5, 0)", "");
    assert!(
        ranges(&d)
            .iter()
            .all(|x| !x.message.contains("less than 0")),
        "{d:#?}"
    );
}

#[test]
fn never_full_points_is_a_warning_with_the_reachable_range() {
    for (inputs, score, hi) in [
        ("a.done", "if d.a.done { 3 } else { 0 }", "3"),
        (
            "a.status",
            r#"switch d.a.status { "好" => 4, "中" => 2, _ => 0 }"#,
            "4",
        ),
        ("a.n", "deduct_each(d.a.n, 1) * 0.8", "4"),
        ("a.rate", "tiers(d.a.rate, [[90, 4], [60, 2]])", "4"),
    ] {
        let d = lint(inputs, score, "");
        let r = ranges(&d);
        assert_eq!(r.len(), 1, "{score}: {d:#?}");
        assert!(!r[0].is_error(), "{score}");
        assert!(
            r[0].message.starts_with(&format!(
                "item `1.1` can never earn its 5 points: the rule returns {hi} at most"
            )),
            "{score}: {}",
            r[0].message
        );
    }
    // Must not trigger: each reaches 5 for some county.
    for (inputs, score) in [
        ("a.done", "if d.a.done { P } else { 0 }"),
        (
            "a.status",
            r#"switch d.a.status { "好" => P, "中" => 2, _ => 0 }"#,
        ),
        ("a.n", "deduct_each(d.a.n, 1)"),
        ("a.rate", "tiers(d.a.rate, [[90, P], [60, 2]])"),
        ("a.rate", "proportional(d.a.rate)"),
        (
            "a.steps",
            r#"each_true([d.a.steps.contains("甲"), d.a.steps.contains("乙")], 2.5)"#,
        ),
    ] {
        let d = lint(inputs, score, "");
        assert!(ranges(&d).is_empty(), "{score}: {d:#?}");
    }
}

#[test]
fn an_exact_range_comes_from_every_combination_of_a_small_domain() {
    // Two conditions worth 2 each: 4 at most, exactly.
    let d = lint(
        "a.done, a.steps",
        r#"award(d.a.done, 2) + award(d.a.steps.contains("甲"), 2)"#,
        "",
    );
    let r = one(&d);
    assert!(
        r.message.contains("(its results lie in [0, 4])"),
        "{}",
        r.message
    );
}

#[test]
fn a_bonus_below_zero_is_an_error_and_over_its_cap_is_the_formats_clamp() {
    let bonus = r#"bonuses:
  - { id: B1, name: 创新, cap: 2, inputs: [a.n], score: "d.a.n * 0.5 - 1" }
"#;
    let d = lint("a.done", "award(d.a.done)", bonus);
    let r = one(&d);
    assert_eq!(
        r.message,
        "bonus `B1` can return less than 0: -1 when a.n = 0 (counted as 0 at scoring)"
    );
    // Must not trigger: 每项加0.5分，最高不超过2分 is written with the cap, and the rule may
    // return more than the cap (10 for 20 awards): the cap clamps it, as the format says.
    let ok = bonus.replace("d.a.n * 0.5 - 1", "d.a.n * 0.5");
    let d = lint("a.done", "award(d.a.done)", &ok);
    assert!(ranges(&d).is_empty(), "{d:#?}");
    // A bonus that can never reach its cap is a warning.
    let low = bonus.replace("d.a.n * 0.5 - 1", "min(d.a.n, 1)");
    let d = lint("a.done", "award(d.a.done)", &low);
    let r = one(&d);
    assert!(
        r.message.starts_with(
            "bonus `B1` can never earn its cap of 2 points: the rule returns 1 at most"
        ),
        "{}",
        r.message
    );
}

#[test]
fn a_pass_line_no_county_can_reach_is_an_error() {
    // 1.1 earns 3 at most, 1.2 5: the best total is 8.
    let line = |min: u32| format!("pass_lines:\n  - {{ id: L1, name: 达标, min_total: {min} }}\n");
    let d = lint("a.done", "if d.a.done { 3 } else { 0 }", &line(9));
    let e: Vec<&Diagnostic> = d.iter().filter(|x| x.is_error()).collect();
    assert_eq!(e.len(), 1, "{d:#?}");
    assert_eq!(
        e[0].message,
        "pass line `L1`（达标）needs 9 points, but no county can score more than 8 (items 8 + bonuses 0)"
    );
    let d = lint("a.done", "if d.a.done { 3 } else { 0 }", &line(8));
    assert!(!d.iter().any(|x| x.is_error()), "{d:#?}");
}

#[test]
fn a_rule_the_analysis_cannot_follow_is_said_undecided_and_nothing_is_claimed() {
    // A loop over a list: the result could be anything lint cannot bound.
    let d = lint(
        "a.rate",
        "let s = 0; for i in 0..3 { s += d.a.rate / 100 } s",
        "",
    );
    let r = one(&d);
    assert!(!r.is_error());
    assert_eq!(
        r.message,
        "item `1.1`: lint cannot prove the range of its score (the rule uses a loop); nothing is claimed about it"
    );
    // Must not trigger: the same count written with helpers is followed.
    let d = lint(
        "a.steps",
        r#"each_true([d.a.steps.contains("甲"), d.a.steps.contains("乙")], 2.5)"#,
        "",
    );
    assert!(ranges(&d).is_empty(), "{d:#?}");
}

#[test]
fn the_shipped_rule_sets_are_proven_clean() {
    for dir in ["indicators/national-2021", "indicators/haiyan-2016"] {
        let src = RuleSource::from_dir(format!("{}/{dir}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        // No error, and no warning either: every rule's range is proven and reaches its points.
        let d = RuleSet::lint(&src).0;
        assert!(d.is_empty(), "{dir}: {d:#?}");
    }
}

#[test]
fn an_input_that_never_changes_the_result_is_a_warning() {
    // The status is read, but multiplied by 0: no value of it changes the points.
    let d = lint(
        "a.done, a.status",
        r#"award(d.a.done) + 0 * count_true([d.a.status == "好"])"#,
        "",
    );
    let r = one(&d);
    assert!(!r.is_error());
    assert!(
        r.message
            .starts_with("item `1.1` never depends on its input `a.status`"),
        "{}",
        r.message
    );
    // Must not trigger: both inputs decide the points.
    let d = lint(
        "a.done, a.status",
        r#"award(d.a.done && d.a.status == "好")"#,
        "",
    );
    assert!(ranges(&d).is_empty(), "{d:#?}");
}
