//! The engine through the public API, on the mini test rule set: hand-computed scores, and every
//! bad-input path named in the engine issue.

mod common;
use common::*;
use fazhi::{ConditionStatus, Error, ItemStatus, Points, RuleSet};

fn pts(x: f64) -> Points {
    Points::from_f64(x)
}

#[test]
fn scores_the_good_county_item_by_item() {
    let r = score(&mini(), &good_county());
    let e = |id: &str| r.item(id).unwrap().earned;
    assert_eq!(e("1.1"), pts(2.5)); // 96.5% → 3.5 points below, 1 point each
    assert_eq!(e("1.2"), pts(1.6)); // 4 of 5 steps × 0.4
    assert_eq!(e("1.3"), pts(0.0)); // 2/4 = 50% corrected > 25%
    assert_eq!(e("1.4"), pts(0.5)); // 3 findings × 0.5 from 2
    assert_eq!(e("2.1"), pts(1.5)); // 93.3 in the 90–95 tier: half of 3
    assert_eq!(e("2.2"), pts(0.948)); // 2 × 403/850 = 0.9482…
    assert_eq!(e("2.3"), pts(3.0));
    // Penalty PN1 does not fire (12 cases but 96.5% appearance); PN2: 1 problem × 2.
    assert_eq!(r.summary.penalty, pts(2.0));
    // Bonus: 1.5 + 2 (capped at 2 each) = 3.5 → overall cap 3.
    assert_eq!(r.summary.bonus, pts(3.0));
    assert_eq!(r.summary.items_total, pts(4.6 + 5.448));
    assert_eq!(r.summary.total, pts(4.6 + 5.448 + 3.0 - 2.0));
    assert_eq!(r.summary.coverage, 1.0);
    assert!(!r.summary.vetoed);
    assert!(!r.passes("demonstration") && !r.passes("qualified"));
    // 30 cleaned ≠ 6 + 28: the data check flags it, the score is unchanged.
    let c1 = r.checks.iter().find(|c| c.id.as_str() == "C1").unwrap();
    assert_eq!(c1.status, ConditionStatus::Triggered);
    assert_eq!(r.summary.warnings, 1);
}

#[test]
fn missing_inputs_mean_no_data_and_zero_points() {
    let rules = mini();
    let r = score(&rules, "county: {id: e, name: 空县}\ndata: {}\n");
    assert!(r
        .items
        .iter()
        .all(|i| i.status == ItemStatus::NoData && i.earned == Points::ZERO));
    assert_eq!(r.summary.coverage, 0.0);
    assert_eq!(r.summary.total, Points::ZERO);
    assert_eq!(r.vetoes[0].status, ConditionStatus::NoData);
    let i = r.item("1.1").unwrap();
    assert_eq!(i.missing[0].as_str(), "litigation.head_appearance_rate");
    assert!(i.explanation.to_string().contains("无佐证材料不得分"));
}

#[test]
fn optional_inputs_are_tested_with_has() {
    let rules = mini();
    let base = "county: {id: o, name: 县}\ndata:\n  org.has_plan: true\n  report.channel: 报纸\n";
    assert_eq!(score(&rules, base).item("2.3").unwrap().earned, pts(1.0));
    let with = format!("{base}  report.published_on: \"2021-03-01\"\n");
    assert_eq!(score(&rules, &with).item("2.3").unwrap().earned, pts(2.0));
    let late = format!("{base}  report.published_on: \"2021-05-01\"\n");
    assert_eq!(score(&rules, &late).item("2.3").unwrap().earned, pts(1.0));
}

#[test]
fn a_veto_disqualifies_whatever_the_total() {
    let rules = mini();
    let data = good_county().replace("illegal_serious: 0", "illegal_serious: 1");
    let r = score(&rules, &data);
    assert!(r.summary.vetoed);
    assert!(r.summary.pass_lines.iter().all(|p| !p.reached));
    assert!(r.summary.pass_lines[1].reasons[0].contains("一票否决"));
}

#[test]
fn penalties_never_take_a_node_below_zero() {
    let rules = mini();
    let data =
        "county: {id: p, name: 县}\ndata:\n  litigation: {head_appearance_rate: 10, cases: 20}\n";
    let r = score(&rules, data);
    // Item 1.1 scores 0 (90 points below), area 1 has 0, so PN1's 5 points take nothing.
    let pn1 = r.penalties.iter().find(|p| p.id.as_str() == "PN1").unwrap();
    assert_eq!(pn1.raw, pts(5.0));
    assert_eq!(pn1.points, Points::ZERO);
    assert_eq!(r.node("1").unwrap().earned, Points::ZERO);
    assert_eq!(r.summary.total, Points::ZERO);
}

#[test]
fn penalty_on_a_node_is_taken_from_that_node() {
    let rules = mini();
    let data = "county: {id: p, name: 县}\ndata:\n  litigation: {head_appearance_rate: 49, cases: 10}\n  decisions.steps_done: [公众参与, 专家论证, 风险评估, 合法性审查, 集体讨论决定]\n  review: {corrected: 0, decided: 0}\n  enforcement.violations_found: 0\n";
    let r = score(&rules, data);
    // 1.1: 0 (51 below), 1.2: 2, 1.3: 2 (no cases counts as 0%), 1.4: 2 → 6, minus PN1 5 → 1.
    assert_eq!(r.node("1").unwrap().earned, pts(1.0));
    assert_eq!(r.node("1").unwrap().penalty, pts(5.0));
    assert_eq!(r.summary.total, pts(1.0));
}

// ---- bad rule input ----

#[test]
fn broken_yaml_names_file_and_line() {
    let src = mini_with("areas.yaml", "    points: 12\n", "    points: [12\n");
    let errs = rule_errors(&src);
    assert_eq!(errs[0].file, "areas.yaml");
    assert!(errs[0].line > 0, "{errs:?}");
}

#[test]
fn unknown_key_suggests_the_right_one() {
    let src = mini_with(
        "areas.yaml",
        "        rule_text: 案卷评查",
        "        rule_txt: 案卷评查",
    );
    let errs = rule_errors(&src);
    let e = &errs[0];
    assert!(e.message.contains("unknown field `rule_txt`"), "{e}");
    assert_eq!(e.help.as_deref(), Some("did you mean `rule_text`?"), "{e}");
    assert!(e.line > 0);
}

#[test]
fn duplicate_ids_are_reported_with_both_places() {
    let src = mini_with("areas.yaml", "id: \"1.4\"", "id: \"1.3\"");
    let errs = rule_errors(&src);
    let d = errs
        .iter()
        .find(|d| d.message.contains("duplicate id `1.3`"))
        .unwrap();
    assert!(d.help.as_ref().unwrap().contains("areas.yaml:"));
}

#[test]
fn children_must_add_up_to_the_parent() {
    let src = mini_with("areas.yaml", "    points: 12\n", "    points: 13\n");
    let errs = rule_errors(&src);
    assert!(errs.iter().any(|d| d
        .message
        .contains("`1` has 13 points but its children add up to 12")));
    assert!(errs.iter().any(|d| d
        .message
        .contains("add up to 21 points, but total_points is 20")));
}

#[test]
fn rhai_syntax_errors_point_into_the_yaml_file() {
    let src = mini_with(
        "areas.yaml",
        "score: deduct_each(d.enforcement.violations_found, 0.5)",
        "score: deduct_each(d.enforcement.violations_found, 0.5",
    );
    let errs = rule_errors(&src);
    let e = &errs[0];
    assert!(
        e.message.contains("`1.4`") && e.message.contains("does not compile"),
        "{e}"
    );
    let text = &mini_docs()
        .into_iter()
        .find(|d| d.0 == "areas.yaml")
        .unwrap()
        .1;
    let line = text
        .lines()
        .position(|l| l.contains("deduct_each(d.enforcement"))
        .unwrap()
        + 1;
    assert_eq!((e.file.as_str(), e.line), ("areas.yaml", line));
    assert!(e.column > 10);
}

#[test]
fn reads_of_undeclared_or_unlisted_fields_are_found_statically() {
    let src = mini_with(
        "areas.yaml",
        "d.enforcement.violations_found, 0.5",
        "d.enforcement.violation_found, 0.5",
    );
    let errs = rule_errors(&src);
    assert!(
        errs[0]
            .message
            .contains("reads `d.enforcement.violation_found`"),
        "{errs:?}"
    );
    assert_eq!(
        errs[0].help.as_deref(),
        Some("did you mean `d.enforcement.violations_found`?")
    );

    let src = mini_with(
        "areas.yaml",
        "score: deduct_each(d.enforcement.violations_found, 0.5)",
        "score: deduct_each(d.enforcement.violations_found + d.review.decided, 0.5)",
    );
    let errs = rule_errors(&src);
    assert!(
        errs[0]
            .message
            .contains("does not list `review.decided` in its inputs"),
        "{errs:?}"
    );
}

#[test]
fn inputs_must_be_declared_fields() {
    let src = mini_with(
        "areas.yaml",
        "inputs: [enforcement.violations_found]",
        "inputs: [enforcement.violations_fund]",
    );
    let errs = rule_errors(&src);
    assert!(errs.iter().any(|d| d
        .message
        .contains("`1.4` reads field `enforcement.violations_fund`")));
}

#[test]
fn hostile_code_does_not_compile() {
    for bad in [
        "eval(\"1\")",
        "print(1)",
        "import \"x\" as y; 1",
        "debug(1)",
    ] {
        let src = mini_with(
            "areas.yaml",
            "score: deduct_each(d.enforcement.violations_found, 0.5)",
            &format!("score: {bad}"),
        );
        let errs = rule_errors(&src);
        assert!(
            errs[0].message.contains("does not compile"),
            "{bad}: {errs:?}"
        );
    }
}

#[test]
fn a_rule_that_loops_forever_fails_alone() {
    let src = mini_with(
        "areas.yaml",
        "score: deduct_each(d.enforcement.violations_found, 0.5)",
        "score: |\n          let x = d.enforcement.violations_found; loop { x += 1; }",
    );
    let rules = RuleSet::load(&src).unwrap();
    let r = score(&rules, &good_county());
    let i = r.item("1.4").unwrap();
    assert_eq!(i.status, ItemStatus::Error);
    assert!(i.messages[0].contains("operations"), "{:?}", i.messages);
    assert_eq!(r.item("1.1").unwrap().status, ItemStatus::Scored);
    assert_eq!(r.summary.errors, 1);
}

#[test]
fn deep_recursion_and_huge_strings_are_stopped() {
    let body =
        "score: |\n          fn f(n) { f(n + 1) }\n          f(d.enforcement.violations_found)";
    let rules = RuleSet::load(&mini_with(
        "areas.yaml",
        "score: deduct_each(d.enforcement.violations_found, 0.5)",
        body,
    ))
    .unwrap();
    assert_eq!(
        score(&rules, &good_county()).item("1.4").unwrap().status,
        ItemStatus::Error
    );
    let body = "score: |\n          let s = \"x\"; let n = d.enforcement.violations_found; while true { s += s; } n";
    let rules = RuleSet::load(&mini_with(
        "areas.yaml",
        "score: deduct_each(d.enforcement.violations_found, 0.5)",
        body,
    ))
    .unwrap();
    assert_eq!(
        score(&rules, &good_county()).item("1.4").unwrap().status,
        ItemStatus::Error
    );
}

#[test]
fn a_rule_that_returns_a_string_or_nan_is_an_error_not_a_score() {
    for (expr, needle) in [
        ("\"满分\" + d.enforcement.violations_found", "text"),
        ("d.enforcement.violations_found / 0.0 * 0.0", "NaN"),
        ("d.enforcement.violations_found > 1", "award"),
    ] {
        let src = mini_with(
            "areas.yaml",
            "score: deduct_each(d.enforcement.violations_found, 0.5)",
            &format!("score: '{expr}'"),
        );
        let rules = RuleSet::load(&src).unwrap();
        let i = score(&rules, &good_county()).item("1.4").unwrap().clone();
        assert_eq!(i.status, ItemStatus::Error, "{expr}");
        assert_eq!(i.earned, Points::ZERO);
        assert!(i.messages[0].contains(needle), "{expr}: {:?}", i.messages);
    }
}

#[test]
fn results_outside_the_range_are_clamped_and_recorded() {
    let src = mini_with(
        "areas.yaml",
        "score: deduct_each(d.enforcement.violations_found, 0.5)",
        "score: d.enforcement.violations_found * 10 - 100",
    );
    let rules = RuleSet::load(&src).unwrap();
    let i = score(&rules, &good_county()).item("1.4").unwrap().clone();
    assert_eq!(i.earned, Points::ZERO);
    assert!(i.messages[0].contains("outside [0, 2]"), "{:?}", i.messages);
    let src = mini_with(
        "areas.yaml",
        "score: deduct_each(d.enforcement.violations_found, 0.5)",
        "score: d.enforcement.violations_found * 10",
    );
    let rules = RuleSet::load(&src).unwrap();
    assert_eq!(
        score(&rules, &good_county()).item("1.4").unwrap().earned,
        pts(2.0)
    );
}

#[test]
fn rules_cannot_change_the_data() {
    let src = mini_with(
        "areas.yaml",
        "score: deduct_each(d.enforcement.violations_found, 0.5)",
        "score: |\n          d.enforcement.violations_found = 0; 2",
    );
    let rules = RuleSet::load(&src).unwrap();
    let r = score(&rules, &good_county());
    assert_eq!(r.item("1.4").unwrap().status, ItemStatus::Error);
    // A method that would change the data in place is no function a rule may call: lint
    // refuses it before any county is scored.
    let src = mini_with("areas.yaml", "score: |\n          let s = d.decisions.steps_done;", "score: |\n          d.decisions.steps_done.clear();\n          let s = d.decisions.steps_done;");
    let Err(Error::Rules(d)) = RuleSet::load(&src) else {
        panic!("`.clear()` accepted")
    };
    assert!(
        d.0[0].message.contains("calls `clear`, which is no helper"),
        "{d:?}"
    );
    // In-place changes by assignment are refused at scoring, and later items see the data
    // unchanged.
    let src = mini_with("areas.yaml", "score: |\n          let s = d.decisions.steps_done;", "score: |\n          d.decisions.steps_done += [\"x\"];\n          let s = d.decisions.steps_done;");
    let rules = RuleSet::load(&src).unwrap();
    let r = score(&rules, &good_county());
    assert_eq!(r.item("1.2").unwrap().status, ItemStatus::Error);
    assert_eq!(
        r.item("1.2").unwrap().inputs.values().next().unwrap().value,
        fazhi::Value::List(vec![
            "公众参与".into(),
            "专家论证".into(),
            "合法性审查".into(),
            "集体讨论决定".into()
        ])
    );
}

// ---- bad county data ----

fn data_error(yaml: &str) -> fazhi::Diagnostic {
    match fazhi::CountyData::from_str("c.yaml", yaml, &mini()) {
        Ok(_) => panic!("accepted bad data"),
        Err(Error::Data(d)) => d.0[0].clone(),
        Err(other) => panic!("{other}"),
    }
}

#[test]
fn county_data_errors_name_the_field_and_line() {
    let d = data_error(
        "county: {id: c, name: 县}\ndata:\n  litigation:\n    head_apearance_rate: 90\n",
    );
    assert!(
        d.message
            .contains("unknown field `litigation.head_apearance_rate`"),
        "{d}"
    );
    assert_eq!(
        d.help.as_deref(),
        Some("did you mean `litigation.head_appearance_rate`?")
    );
    assert_eq!((d.file.as_str(), d.line), ("c.yaml", 4));

    let d = data_error("county: {id: c, name: 县}\ndata:\n  service.online_rate: 九十\n");
    assert!(d.message.contains("expected a percent"), "{d}");
    let d = data_error("county: {id: c, name: 县}\ndata:\n  service.online_rate: 100.5\n");
    assert!(d.message.contains("above the allowed maximum 100"), "{d}");
    let d = data_error("county: {id: c, name: 县}\ndata:\n  litigation.cases: -3\n");
    assert!(d.message.contains("below the allowed minimum 0"), "{d}");
    let d = data_error("county: {id: c, name: 县}\ndata:\n  service.online_rate: .nan\n");
    assert!(d.message.contains("not a usable number"), "{d}");
    let d = data_error("county: {id: c, name: 县}\ndata:\n  litigation.cases: 2.5\n");
    assert!(d.message.contains("whole number"), "{d}");
    let d = data_error("county: {id: c, name: 县}\ndata:\n  awards.national: 11\n");
    assert!(d.message.contains("above the allowed maximum 10"), "{d}");
    let d = data_error("county: {id: c, name: 县}\ndata:\n  report.channel: 电视\n");
    assert!(d.message.contains("not one of"), "{d}");
    let d = data_error("county: {id: c, name: 县}\ndata:\n  report.published_on: \"2021-02-30\"\n");
    assert!(d.message.contains("not a date"), "{d}");
    let d = data_error("county: {id: c, name: 县}\ndata: [\n");
    assert!(d.message.contains("not valid YAML"), "{d}");
    let d = data_error("countee: {id: c, name: 县}\n");
    assert_eq!(d.help.as_deref(), Some("did you mean `county`?"));
}

#[test]
fn json_county_data_is_accepted() {
    let rules = mini();
    let json =
        r#"{"county": {"id": "j", "name": "JSON县"}, "data": {"service": {"online_rate": 95}}}"#;
    let r = score(&rules, json);
    assert_eq!(r.item("2.1").unwrap().earned, pts(3.0));
}

#[test]
fn data_hash_ignores_field_order_and_format() {
    let rules = mini();
    let a = county(
        &rules,
        "county: {id: h, name: 县}\ndata:\n  litigation.cases: 3\n  service.online_rate: 90\n",
    );
    let b = county(
        &rules,
        r#"{"data": {"service": {"online_rate": 90.0}, "litigation": {"cases": 3}}, "county": {"name": "县", "id": "h"}}"#,
    );
    assert_eq!(a.hash(), b.hash());
    assert_eq!(rules.score(&a), rules.score(&b));
}

#[test]
fn reports_name_rules_data_and_engine() {
    let rules = mini();
    let r = score(&rules, &good_county());
    assert_eq!(r.ruleset.id, "mini");
    assert_eq!(r.ruleset.hash, rules.hash());
    assert_eq!(r.ruleset.hash.len(), 64);
    assert_eq!(r.engine.name, "fazhi");
    assert_eq!(r.county.data_hash.len(), 64);
}

#[test]
fn rule_sets_load_from_memory_in_any_order() {
    let mut docs = mini_docs();
    let a = RuleSet::load(&fazhi::RuleSource::from_documents(docs.clone())).unwrap();
    docs.reverse();
    let b = RuleSet::load(&fazhi::RuleSource::from_documents(docs)).unwrap();
    assert_eq!(a.hash(), b.hash());
    assert_eq!(
        a.score(&county(&a, &good_county())),
        b.score(&county(&b, &good_county()))
    );
}

#[test]
fn a_second_header_and_a_missing_header_are_errors() {
    let src = mini_plus(
        "more.yaml",
        "ruleset: {id: y, title: t, version: '1', total_points: 20}\n",
    );
    assert!(rule_errors(&src)[0]
        .message
        .contains("second `ruleset:` header"));
    let docs: Vec<_> = mini_docs()
        .into_iter()
        .filter(|d| d.0 != "ruleset.yaml")
        .collect();
    let errs = rule_errors(&fazhi::RuleSource::from_documents(docs));
    assert!(errs[0].message.contains("no `ruleset:` header"));
}

#[test]
fn unquoted_decimal_ids_get_a_clear_message() {
    let src = mini_with("areas.yaml", "id: \"1.4\"", "id: 1.4");
    assert!(rule_errors(&src)[0].message.contains("quote it"));
}

#[test]
fn compiled_rule_sets_are_shared_across_threads() {
    let rules = std::sync::Arc::new(mini());
    let data = county(&rules, &good_county());
    let expected = rules.score(&data);
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let (rules, data) = (rules.clone(), data.clone());
            std::thread::spawn(move || rules.score(&data))
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), expected);
    }
}
