//! The rule shapes issue 12 added, on `tests/rules/shapes` (one item per shape): dates, whole
//! steps, a per-case deduction with its own cap, zeroing entries for a node and the total. Every
//! value is computed by hand in the comment beside it: at the edge, one unit off, and with parts
//! missing.

mod common;

use common::identity::check_all;
use fazhi::{CountyData, ItemStatus, Points, Report, RuleSet, RuleSource};
use std::sync::OnceLock;

const SHAPES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/rules/shapes");

fn rules() -> &'static RuleSet {
    static R: OnceLock<RuleSet> = OnceLock::new();
    R.get_or_init(|| RuleSet::load_dir(SHAPES).unwrap())
}

fn p(x: f64) -> Points {
    Points::from_f64(x)
}

/// A county at full marks (year 2021), with `over` lines (`group: {field: value}` or
/// `group.field: value`) replacing the defaults; `year: none` drops the year.
fn county(over: &[(&str, &str)]) -> CountyData {
    let mut fields: Vec<(String, String)> = [
        ("doc.published_on", "\"2021-03-01\""),
        ("doc.filed_on", "\"2021-03-31\""),
        ("report.published_on", "\"2022-03-31\""),
        ("plan.issued_on", "\"2021-02-01\""),
        ("enf.closure_rate", "90"),
        ("enf.loss_rate", "5"),
        ("enf.cases_wrong", "0"),
        ("file.basic_defects", "0"),
        ("file.fake", "false"),
        ("award.count", "0"),
        ("sup.notices", "0"),
        ("sys.disclosure", "true"),
        ("sys.deduct", "missing"),
        ("sys.reason", "missing"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let mut year = "  year: 2021\n".to_string();
    for (k, v) in over {
        if *k == "year" {
            year = if *v == "none" {
                String::new()
            } else {
                format!("  year: {v}\n")
            };
            continue;
        }
        match fields.iter_mut().find(|(f, _)| f == k) {
            Some(f) => f.1 = v.to_string(),
            None => panic!("no field {k}"),
        }
    }
    let fields: String = fields
        .iter()
        .filter(|(_, v)| v != "missing")
        .map(|(k, v)| format!("  {k}: {v}\n"))
        .collect();
    let yaml = format!("county:\n  id: t\n  name: 测试县\n{year}data:\n{fields}");
    CountyData::from_str("t.yaml", &yaml, rules()).unwrap()
}

fn score(over: &[(&str, &str)]) -> Report {
    rules().score(&county(over))
}

fn earned(over: &[(&str, &str)], item: &str) -> Points {
    score(over).item(item).unwrap().earned
}

#[test]
fn full_marks() {
    let c = county(&[]);
    let r = rules().score(&c);
    // 2 + 4 + 2 + 2 + 5 × 4 + 10 + 5 = 45.
    let (items, bonus, penalty, total) = check_all(rules(), &c, &r);
    assert_eq!(
        (items, bonus, penalty, total),
        (p(45.0), p(0.0), p(0.0), p(45.0))
    );
    assert!(r.items.iter().all(|i| i.status == ItemStatus::Scored));
    assert!(r.passes("ok"));
}

#[test]
fn days_between_two_date_fields() {
    // 2021-03-01 → 03-31 is 30 days: within 30 → 2; 04-01 is 31 days → 0.
    assert_eq!(earned(&[], "1.1"), p(2.0));
    assert_eq!(earned(&[("doc.filed_on", "\"2021-04-01\"")], "1.1"), p(0.0));
    // Filed before publication (−1 day) is within 30 days too.
    assert_eq!(earned(&[("doc.filed_on", "\"2021-02-28\"")], "1.1"), p(2.0));
    // Missing one of the two dates: the item has no data.
    let r = score(&[("doc.filed_on", "missing")]);
    assert_eq!(r.item("1.1").unwrap().status, ItemStatus::NoData);
    let r = score(&[]);
    assert_eq!(
        r.item("1.1").unwrap().explanation,
        "2021-03-01至2021-03-31相隔30天；条件满足，得2分"
    );
}

#[test]
fn a_date_against_the_assessment_period() {
    // Due 31 March of the year after 2021: on the day → 4.
    assert_eq!(earned(&[], "1.2"), p(4.0));
    // One day late: 4 − 0.5 × 1 = 3.5.
    let r = score(&[("report.published_on", "\"2022-04-01\"")]);
    let i = r.item("1.2").unwrap();
    assert_eq!(i.earned, p(3.5));
    assert_eq!(
        i.explanation,
        "2022-04-01晚于2022-03-31；2022-03-31至2022-04-01相隔1天；本项得3.5分"
    );
    // Nine days late: 4 − 4.5 < 0 → 0.
    assert_eq!(
        earned(&[("report.published_on", "\"2022-04-09\"")], "1.2"),
        p(0.0)
    );
    // The same dates under the year 2022 are a year early: on time → 4.
    assert_eq!(
        earned(
            &[("year", "2022"), ("report.published_on", "\"2022-04-01\"")],
            "1.2"
        ),
        p(4.0)
    );
    // Inside the year 2021: 12-31 → 2, 2022-01-01 → 0, 2020-12-31 → 0.
    assert_eq!(
        earned(&[("plan.issued_on", "\"2021-12-31\"")], "1.3"),
        p(2.0)
    );
    assert_eq!(
        earned(&[("plan.issued_on", "\"2022-01-01\"")], "1.3"),
        p(0.0)
    );
    assert_eq!(
        earned(&[("plan.issued_on", "\"2020-12-31\"")], "1.3"),
        p(0.0)
    );
}

#[test]
fn a_county_without_a_year_is_an_error_on_the_period_items_only() {
    let r = score(&[("year", "none")]);
    for id in ["1.2", "1.3"] {
        let i = r.item(id).unwrap();
        assert_eq!(i.status, ItemStatus::Error, "{id}");
        assert!(
            i.messages[0].contains("add `year:` under `county:`"),
            "{:?}",
            i.messages
        );
    }
    // The rest scores: 45 − 4 − 2 = 39; both named as rule errors.
    assert_eq!(r.summary.total, p(39.0));
    let errors = r.rule_errors();
    assert_eq!(
        errors.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
        ["1.2", "1.3"]
    );
}

#[test]
fn a_date_and_a_literal() {
    // Filed on 2021-04-01, the last day → 2; 04-02 → 0.
    assert_eq!(earned(&[("doc.filed_on", "\"2021-04-01\"")], "1.4"), p(2.0));
    assert_eq!(earned(&[("doc.filed_on", "\"2021-04-02\"")], "1.4"), p(0.0));
}

#[test]
fn whole_steps_below() {
    // 2.1 full steps of 10 below 90, 1 point each, of 5 points.
    assert_eq!(earned(&[("enf.closure_rate", "80")], "2.1"), p(4.0)); // 10: 1 step
    assert_eq!(earned(&[("enf.closure_rate", "80.1")], "2.1"), p(5.0)); // 9.9: 0 steps
    assert_eq!(earned(&[("enf.closure_rate", "70.1")], "2.1"), p(4.0)); // 19.9: 1 step
    assert_eq!(earned(&[("enf.closure_rate", "70")], "2.1"), p(3.0)); // 20: 2 steps
    assert_eq!(earned(&[("enf.closure_rate", "50")], "2.1"), p(1.0)); // 40: 4 steps
    assert_eq!(earned(&[("enf.closure_rate", "0")], "2.1"), p(0.0)); // 90: 9 steps, 扣完为止
                                                                     // 2.2 a begun step counts.
    assert_eq!(earned(&[("enf.closure_rate", "90")], "2.2"), p(5.0)); // 0
    assert_eq!(earned(&[("enf.closure_rate", "89.9")], "2.2"), p(4.0)); // 0.1: 1 step
    assert_eq!(earned(&[("enf.closure_rate", "80")], "2.2"), p(4.0)); // 10: 1 step
    assert_eq!(earned(&[("enf.closure_rate", "79.9")], "2.2"), p(3.0)); // 10.1: 2 steps
    let r = score(&[("enf.closure_rate", "70")]);
    assert_eq!(
        r.item("2.1").unwrap().explanation,
        "70比90低20，每满10为一档，计2档，每档扣1分，计扣2分；本项得3分"
    );
}

#[test]
fn whole_steps_above() {
    // 2.3 full steps of 5 above 5, 2 points each, of 5 points.
    assert_eq!(earned(&[("enf.loss_rate", "9.9")], "2.3"), p(5.0)); // 4.9: 0 steps
    assert_eq!(earned(&[("enf.loss_rate", "10")], "2.3"), p(3.0)); // 5: 1 step
    assert_eq!(earned(&[("enf.loss_rate", "20")], "2.3"), p(0.0)); // 15: 3 steps, 6 > 5
                                                                   // 2.4 a begun step counts.
    assert_eq!(earned(&[("enf.loss_rate", "5")], "2.4"), p(5.0)); // 0
    assert_eq!(earned(&[("enf.loss_rate", "5.1")], "2.4"), p(3.0)); // 0.1: 1 step
    assert_eq!(earned(&[("enf.loss_rate", "10")], "2.4"), p(3.0)); // 5: 1 step
    assert_eq!(earned(&[("enf.loss_rate", "10.1")], "2.4"), p(1.0)); // 5.1: 2 steps
    let r = score(&[("enf.loss_rate", "20")]);
    assert_eq!(
        r.item("2.3").unwrap().explanation,
        "20比5高15，每满5为一档，计3档，每档扣2分，计扣5分（扣完为止）；本项得0分"
    );
}

#[test]
fn per_case_deduction_with_its_own_cap() {
    // 3 points a case, at most 8, of 10 points.
    assert_eq!(earned(&[("enf.cases_wrong", "0")], "2.5"), p(10.0));
    assert_eq!(earned(&[("enf.cases_wrong", "2")], "2.5"), p(4.0)); // 6 off
    assert_eq!(earned(&[("enf.cases_wrong", "3")], "2.5"), p(2.0)); // 9 → at most 8
    assert_eq!(earned(&[("enf.cases_wrong", "100")], "2.5"), p(2.0)); // still 8
    let r = score(&[("enf.cases_wrong", "3")]);
    assert_eq!(
        r.item("2.5").unwrap().explanation,
        "3例，每例扣3分，合9分，最多扣8分，计扣8分；本项得2分"
    );
}

#[test]
fn node_penalty_and_zeroing_entries() {
    // PN1 on area 2: 3 notices × 2 = 6, capped at 4. Items 45, penalty 4, total 41.
    let c = county(&[("sup.notices", "3")]);
    let r = rules().score(&c);
    assert_eq!(
        check_all(rules(), &c, &r),
        (p(45.0), p(0.0), p(4.0), p(41.0))
    );
    assert_eq!(r.node("2").unwrap().earned, p(26.0));

    // Z1 zeroes area 1 (10 points): items 45, penalty 10, total 35; still ranked, no veto.
    let c = county(&[("file.fake", "true")]);
    let r = rules().score(&c);
    assert_eq!(
        check_all(rules(), &c, &r),
        (p(45.0), p(0.0), p(10.0), p(35.0))
    );
    assert_eq!(r.node("1").unwrap().earned, p(0.0));
    let z1 = r.penalties.iter().find(|x| x.id.as_str() == "Z1").unwrap();
    assert_eq!((z1.zeroing, z1.points), (Some(true), p(10.0)));
    assert_eq!(z1.detail, "条件成立，指标1不得分");
    assert!(!r.summary.vetoed);
    // 35 ≥ 24: the line is reached; a zeroing entry is no veto.
    assert!(r.passes("ok"));

    // Z2 zeroes the total, bonus included: items 45, bonus 2, penalty 47, total 0.
    let c = county(&[("file.basic_defects", "1"), ("award.count", "5")]);
    let r = rules().score(&c);
    assert_eq!(
        check_all(rules(), &c, &r),
        (p(45.0), p(2.0), p(47.0), p(0.0))
    );
    assert!(!r.passes("ok"));

    // Both, with the node penalty: area 2 loses 4 to PN1 (26 left), area 1 is zeroed (10), the
    // total zeroing takes the remaining 26 + 5: penalty 4 + 10 + 31 = 45, total 0.
    let c = county(&[
        ("file.basic_defects", "2"),
        ("file.fake", "true"),
        ("sup.notices", "5"),
    ]);
    let r = rules().score(&c);
    assert_eq!(
        check_all(rules(), &c, &r),
        (p(45.0), p(0.0), p(45.0), p(0.0))
    );

    // A zeroing entry with its input missing has no data and zeroes nothing.
    let c = county(&[("file.fake", "missing")]);
    let r = rules().score(&c);
    let z1 = r.penalties.iter().find(|x| x.id.as_str() == "Z1").unwrap();
    assert_eq!((z1.status, z1.zeroing), (ItemStatus::NoData, Some(false)));
    assert_eq!(r.summary.total, p(45.0));
}

#[test]
fn discretionary_deduction_with_bounds_and_reason() {
    // Not entered: no deduction, 5.
    let r = score(&[]);
    let i = r.item("3.1").unwrap();
    assert_eq!(i.earned, p(5.0));
    assert_eq!(
        i.explanation,
        "条件满足，得5分；考核组未酌情扣分；本项得5分"
    );
    // 1.5 with a reason: 5 − 1.5 = 3.5, the reason in the explanation.
    let r = score(&[("sys.deduct", "1.5"), ("sys.reason", "公示不及时")]);
    let i = r.item("3.1").unwrap();
    assert_eq!(i.earned, p(3.5));
    assert_eq!(
        i.explanation,
        "条件满足，得5分；考核组酌情扣1.5分（上限2分，理由：公示不及时）；本项得3.5分"
    );
    // At the bound: 2 → 3; one over it (3, allowed by the dictionary's range [0, 5]) still 2 off.
    assert_eq!(earned(&[("sys.deduct", "2")], "3.1"), p(3.0));
    let r = score(&[("sys.deduct", "3")]);
    let i = r.item("3.1").unwrap();
    assert_eq!(i.earned, p(3.0));
    assert_eq!(
        i.explanation,
        "条件满足，得5分；考核组酌情扣分填报3分，超过上限2分，按2分计；本项得3分"
    );
    // No system at all: 0 − 2 is clamped to 0.
    assert_eq!(
        earned(&[("sys.disclosure", "false"), ("sys.deduct", "2")], "3.1"),
        p(0.0)
    );
}

fn lint(extra: &str) -> Vec<String> {
    let mut docs = RuleSource::from_dir(SHAPES).unwrap().documents().to_vec();
    docs.push(("extra.yaml".into(), extra.into()));
    match RuleSet::load(&RuleSource::from_documents(docs)) {
        Ok(_) => Vec::new(),
        Err(fazhi::Error::Rules(d)) => d.errors().map(|d| d.to_string()).collect(),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn date_literals_are_checked_at_lint() {
    let bad = |expr: &str| {
        lint(&format!(
            "penalties:\n  - id: X1\n    name: x\n    applies_to: total\n    inputs: [doc.filed_on, doc.published_on]\n    score: {expr}\n"
        ))
    };
    let e = bad(
        "award(days_between(d.doc.filed_on, \"2021-02-30\") > 0 && d.doc.published_on != \"\", 1)",
    );
    assert!(
        e.iter()
            .any(|m| m.contains("\"2021-02-30\" is no date") && m.contains("extra.yaml:6:")),
        "{e:?}"
    );
    let e = bad("award(d.doc.filed_on <= \"2021-4-1\" && d.doc.published_on != \"\", 1)");
    assert!(
        e.iter().any(|m| m.contains("\"2021-4-1\" is no date")),
        "{e:?}"
    );
    let e = bad("award(on_or_before(d.doc.filed_on, period_date(1, 2, 30)) && d.doc.published_on != \"\", 1)");
    assert!(
        e.iter().any(|m| m.contains("\"2000-02-30\" is no date")),
        "{e:?}"
    );
    // Well-formed dates pass (29 February exists in some year).
    let e = bad("award(on_or_before(d.doc.filed_on, period_date(1, 2, 29)) && d.doc.published_on <= \"2021-04-01\", 1)");
    assert!(e.is_empty(), "{e:?}");
}

#[test]
fn zeroing_entries_are_checked_at_lint() {
    let e = lint("penalties:\n  - id: X1\n    name: x\n    applies_to: total\n    inputs: [file.fake]\n    score: award(d.file.fake, 1)\n    when: d.file.fake\n");
    assert!(
        e.iter().any(|m| m.contains("has both `score` and `when`")),
        "{e:?}"
    );
    let e = lint(
        "penalties:\n  - id: X1\n    name: x\n    applies_to: total\n    inputs: [file.fake]\n",
    );
    assert!(
        e.iter()
            .any(|m| m.contains("has neither `score` nor `when`")),
        "{e:?}"
    );
    let e = lint("penalties:\n  - id: X1\n    name: x\n    applies_to: total\n    cap: 3\n    inputs: [file.fake]\n    when: d.file.fake\n");
    assert!(
        e.iter()
            .any(|m| m.contains("zeroing entry `X1` has a `cap`")),
        "{e:?}"
    );
    let e = lint("penalties:\n  - id: X1\n    name: x\n    applies_to: \"9\"\n    inputs: [file.fake]\n    when: d.file.fake\n");
    assert!(
        e.iter()
            .any(|m| m.contains("applies to `9`, which is no indicator")),
        "{e:?}"
    );
}

#[test]
fn helper_errors_name_the_argument() {
    let docs = vec![(
        "r.yaml".to_string(),
        "ruleset: {id: s, title: t, version: \"1\", total_points: 1}\nfields:\n  x.v: {type: percent, desc: v}\nindicators:\n  - id: \"1\"\n    name: a\n    points: 1\n    children:\n      - {id: \"1.1\", name: b, points: 1, inputs: [x.v], score: \"deduct_steps_below(d.x.v, 90, 0, 1)\"}\n".to_string(),
    )];
    let rs = RuleSet::load(&RuleSource::from_documents(docs)).unwrap();
    let c =
        CountyData::from_str("c.yaml", "county: {id: c, name: c}\ndata: {x.v: 50}\n", &rs).unwrap();
    let i = rs.score(&c).items.remove(0);
    assert_eq!(i.status, ItemStatus::Error);
    assert!(
        i.messages[0].contains("deduct_steps_below(): the step must be greater than 0"),
        "{:?}",
        i.messages
    );
}

#[test]
fn rule_errors_are_named_on_standard_error_with_exit_4() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("no-year.yaml");
    // Full marks data but no year: 1.2 and 1.3 fail (period_date / period_start need it).
    let yaml = "county: {id: ny, name: 无年份县}\ndata:\n  doc: {published_on: \"2021-03-01\", filed_on: \"2021-03-31\"}\n  report.published_on: \"2022-03-31\"\n  plan.issued_on: \"2021-02-01\"\n  enf: {closure_rate: 90, loss_rate: 5, cases_wrong: 0}\n  file: {basic_defects: 0, fake: false}\n  award.count: 0\n  sup.notices: 0\n  sys.disclosure: true\n";
    std::fs::write(&file, yaml).unwrap();
    let f = file.to_str().unwrap();
    for args in [
        vec!["score", "--rules", SHAPES, f],
        vec!["rank", "--rules", SHAPES, f],
        vec!["gap", "--rules", SHAPES, f],
        vec!["diff", SHAPES, SHAPES, f],
    ] {
        let out = common::fazhi(&args);
        let err = common::text(&out.stderr);
        assert_eq!(out.status.code(), Some(4), "{args:?}: {err}");
        assert!(
            err.contains(&format!("error: {f}: rule 1.2「年度报告次年3月31日前公开」: the rule failed: Runtime error: period_date(): the county's data give no assessment year")),
            "{args:?}: {err}"
        );
        assert!(
            err.contains("rule 1.3「工作要点在考核年度内印发」"),
            "{err}"
        );
        assert!(!out.stdout.is_empty(), "the output is still written");
    }
    // CSV: the item row in error carries the error text in `messages`.
    let out = common::fazhi(&["score", "--rules", SHAPES, "--format", "csv", f]);
    let csv = common::text(&out.stdout);
    let row = csv.lines().find(|l| l.contains(",1.2,")).unwrap();
    let cells = common::identity::split_csv(row);
    assert_eq!(cells[10], "error");
    assert!(cells[14].contains("no assessment year"), "{row}");
    // The same county with its year: exit 0.
    std::fs::write(
        &file,
        yaml.replace("name: 无年份县}", "name: 无年份县, year: 2021}"),
    )
    .unwrap();
    assert_eq!(
        common::fazhi(&["score", "--rules", SHAPES, f])
            .status
            .code(),
        Some(0)
    );
}
