//! Records averaged (issue 27 shape 5, 案卷评查): "每份案卷按评查标准评分，基本标准中任何一项存在问题，
//! 该案卷评查总分即为零分，本项得分为抽查案卷的平均分". The rule set is `tests/rules/records`
//! (item 3.2, 10 points: `if r.basic_problems > 0 { 0.0 } else { max(P - r.deduct, 0.0) }`), the
//! counties `tests/data/records`; every value is computed by hand in the comment beside it.

mod common;

use common::{fazhi, text};
use fazhi::{CountyData, Points, Report, RuleSet, RuleSource};

const RULES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/rules/records");
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/records");

fn p(x: f64) -> Points {
    Points::from_f64(x)
}

fn ruleset_text() -> String {
    std::fs::read_to_string(format!("{RULES}/ruleset.yaml")).unwrap()
}

/// The records rule set with `from` replaced by `to` in its text.
fn variant(from: &str, to: &str) -> RuleSource {
    let text = ruleset_text();
    assert!(text.contains(from), "{from}");
    RuleSource::from_documents([("ruleset.yaml", text.replacen(from, to, 1))])
}

/// The record rule's line, to add keys after it.
const RECORD_SCORE: &str =
    "        record_score: 'if r.basic_problems > 0 { 0.0 } else { max(P - r.deduct, 0.0) }'\n";

fn with_keys(keys: &str) -> RuleSet {
    RuleSet::load(&variant(RECORD_SCORE, &format!("{RECORD_SCORE}{keys}"))).unwrap()
}

fn rules() -> RuleSet {
    RuleSet::load_dir(RULES).unwrap()
}

/// A county with `cases` written as YAML flow records, `trained: 80`.
fn county(rules: &RuleSet, cases: &str) -> CountyData {
    let yaml = format!(
        "county: {{id: c, name: 某县}}\ndata:\n  enforce:\n    trained: 80\n    cases: {cases}\n"
    );
    CountyData::from_str("c.yaml", &yaml, rules).unwrap()
}

/// The three records of `three.yaml`: deduct 0; a basic problem (deduct 0); deduct 2.
const THREE: &str = "[{no: A-01, basic_problems: 0, deduct: 0}, {no: A-02, basic_problems: 1, deduct: 0}, {no: A-03, basic_problems: 0, deduct: 2}]";

fn score(rules: &RuleSet, c: &CountyData) -> Report {
    let r = rules.score(c);
    // The interpreter gives the same report (a records item always runs on it).
    assert_eq!(
        serde_json::to_string(&rules.score_with(c, fazhi::Evaluator::Interpreter)).unwrap(),
        serde_json::to_string(&r).unwrap()
    );
    r
}

fn item<'r>(r: &'r Report, id: &str) -> &'r fazhi::ItemScore {
    r.items.iter().find(|i| i.id.as_str() == id).unwrap()
}

#[test]
fn each_record_is_scored_alone_and_the_item_is_their_average() {
    let rules = rules();
    let c = CountyData::from_file(format!("{DATA}/three.yaml"), &rules).unwrap();
    let r = score(&rules, &c);
    let i = item(&r, "3.2");
    // Records: 10 − 0 = 10; a basic problem zeroes the record alone (deduct 0) → 0; 10 − 2 = 8.
    let earned: Vec<Points> = i.records.iter().map(|x| x.earned).collect();
    assert_eq!(earned, [p(10.0), p(0.0), p(8.0)]);
    assert_eq!(i.records[1].index, 2);
    assert_eq!(i.records[1].label.as_deref(), Some("案卷号 A-02"));
    assert_eq!(i.records[1].explanation, "得0分");
    // Average: (10 + 0 + 8) ÷ 3 = 6.
    assert_eq!(i.earned, p(6.0));
    assert_eq!(
        i.explanation,
        "3份案卷平均得分：(10 + 0 + 8) ÷ 3 = 6分；本项得6分"
    );
    // 3.1: 80% × 10 = 8; total 8 + 6 = 14, below the line 16.
    assert_eq!(item(&r, "3.1").earned, p(8.0));
    assert!(item(&r, "3.1").records.is_empty());
    assert_eq!(r.summary.total, p(14.0));
    assert!(!r.summary.pass_lines[0].reached);
}

#[test]
fn min_sum_and_share_combine_by_hand() {
    // min(10, 0, 8) = 0.
    let rules = with_keys("        combine: min\n");
    let r = score(&rules, &county(&rules, THREE));
    assert_eq!(item(&r, "3.2").earned, p(0.0));
    assert!(item(&r, "3.2")
        .explanation
        .to_string()
        .starts_with("3份案卷最低得分：min(10, 0, 8) = 0分"));
    // 10 + 0 + 8 = 18, at most the record points 10 → 10.
    let rules = with_keys("        combine: sum\n");
    let r = score(&rules, &county(&rules, THREE));
    assert_eq!(item(&r, "3.2").earned, p(10.0));
    assert!(item(&r, "3.2")
        .explanation
        .to_string()
        .starts_with("3份案卷合计：10 + 0 + 8 = 18分，以10分为限，计10分"));
    // {share: 8}: 10 and 8 meet 8, 0 does not → 10 × 2/3 = 6.666… → 6.667 (thousandths).
    let rules = with_keys("        combine: {share: 8}\n");
    let r = score(&rules, &county(&rules, THREE));
    assert_eq!(item(&r, "3.2").earned, Points::from_milli(6667));
    assert!(item(&r, "3.2")
        .explanation
        .to_string()
        .starts_with("3份案卷中2份达到8分（10、8），达标比例2/3，得10 × 2/3 = 6.667分"));
}

#[test]
fn record_points_scale_to_the_item() {
    // record_points 100: deduct 0 → 100; a basic problem → 0; deduct 20 → 80. Average
    // (100 + 0 + 80) ÷ 3 = 60 on the record scale, × 10 / 100 = 6 points.
    let rules = with_keys("        record_points: 100\n");
    let cases = "[{no: B-1, basic_problems: 0, deduct: 0}, {no: B-2, basic_problems: 2, deduct: 5}, {no: B-3, basic_problems: 0, deduct: 20}]";
    let r = score(&rules, &county(&rules, cases));
    let i = item(&r, "3.2");
    let earned: Vec<Points> = i.records.iter().map(|x| x.earned).collect();
    assert_eq!(earned, [p(100.0), p(0.0), p(80.0)]);
    assert_eq!(i.earned, p(6.0));
    assert_eq!(
        i.explanation,
        "3份案卷平均得分：(100 + 0 + 80) ÷ 3 = 60分，按本项分值10分折算得6分"
    );
}

#[test]
fn no_records_is_no_data_naming_the_field() {
    let rules = rules();
    let none = CountyData::from_file(format!("{DATA}/none.yaml"), &rules).unwrap();
    let absent = CountyData::from_str(
        "a.yaml",
        "county: {id: a, name: 甲县}\ndata: {enforce: {trained: 100}}\n",
        &rules,
    )
    .unwrap();
    for c in [none, absent] {
        let r = score(&rules, &c);
        let i = item(&r, "3.2");
        assert_eq!(i.status, fazhi::ItemStatus::NoData);
        assert_eq!(i.missing, [fazhi::FieldPath::new("enforce.cases")]);
        assert_eq!(i.earned, p(0.0));
        // 3.1: 100% × 10 = 10, the total 10.
        assert_eq!(r.summary.total, p(10.0));
    }
}

#[test]
fn a_record_result_beyond_its_points_is_clamped_and_said() {
    // `P - r.deduct + 5`: A-01 15 → clamped to 10; A-02 0 (basic problem); A-03 10 − 2 + 5 = 13
    // → 10. Average (10 + 0 + 10) ÷ 3 = 6.667.
    let rules = RuleSet::load(&variant("max(P - r.deduct, 0.0)", "P - r.deduct + 5")).unwrap();
    let r = score(&rules, &county(&rules, THREE));
    let i = item(&r, "3.2");
    assert_eq!(i.earned, Points::from_milli(6667));
    assert_eq!(i.records[0].earned, p(10.0));
    assert_eq!(
        i.records[0].explanation,
        "得10分（规则结果15分超出0–10分，按10分计）"
    );
    assert_eq!(i.records[1].explanation, "得0分");
}

#[test]
fn a_failing_record_makes_the_item_an_error_naming_the_record() {
    // Record 2 has basic_problems 1: the list [1] has no index 1 + 5 = 6.
    let rules = RuleSet::load(&variant(
        "record_score: 'if r.basic_problems > 0 { 0.0 } else { max(P - r.deduct, 0.0) }'",
        "record_score: 'if r.basic_problems > 0 { [1][r.basic_problems + 5] } else { P }'",
    ))
    .unwrap();
    let r = score(&rules, &county(&rules, THREE));
    let i = item(&r, "3.2");
    assert_eq!(i.status, fazhi::ItemStatus::Error);
    assert!(
        i.messages[0].contains("第2份案卷（案卷号 A-02）"),
        "{:?}",
        i.messages
    );
    // A record rule stopped at the operations limit keeps the limit's words first (a batch's
    // budget finds it by them), the record after.
    let rules = RuleSet::load(&variant(
        "record_score: 'if r.basic_problems > 0 { 0.0 } else { max(P - r.deduct, 0.0) }'",
        "record_score: 'loop { }'",
    ))
    .unwrap();
    let r = score(&rules, &county(&rules, THREE));
    let m = &item(&r, "3.2").messages[0];
    assert!(
        m.starts_with("error: the rule ran more than 10000 operations"),
        "{m}"
    );
    assert!(m.ends_with("（第1份案卷（案卷号 A-01））"), "{m}");
}

fn load_error(rules: &RuleSet, yaml: &str) -> String {
    match CountyData::from_str("c.yaml", yaml, rules) {
        Ok(_) => panic!("loaded: {yaml}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bad_records_are_refused_at_their_place() {
    let rules = rules();
    let head = "county: {id: c, name: 某县}\ndata:\n  enforce:\n    cases:\n";
    // A misspelt sub-field: line 6, column 36 (the key `dedcut`), with the nearest name.
    let e = load_error(
        &rules,
        &format!("{head}      - {{no: A, basic_problems: 0, deduct: 1}}\n      - {{no: B, basic_problems: 0, dedcut: 2}}\n"),
    );
    assert!(e.contains("c.yaml:6:36"), "{e}");
    assert!(e.contains("unknown sub-field `dedcut` in record 2"), "{e}");
    assert!(e.contains("did you mean `deduct`?"), "{e}");
    // A value of the wrong type: at the value (its quote), line 5 column 44.
    let e = load_error(
        &rules,
        &format!("{head}      - {{no: A, basic_problems: 0, deduct: \"两分\"}}\n"),
    );
    assert!(e.contains("c.yaml:5:44"), "{e}");
    assert!(e.contains("record 1, `deduct`"), "{e}");
    // Out of the sub-field's range [0, 100].
    let e = load_error(
        &rules,
        &format!("{head}      - {{no: A, basic_problems: 0, deduct: 120}}\n"),
    );
    assert!(e.contains("above the allowed maximum 100"), "{e}");
    // A sub-field missing: at the record.
    let e = load_error(&rules, &format!("{head}      - {{no: A, deduct: 1}}\n"));
    assert!(e.contains("record 1 lacks `basic_problems`"), "{e}");
    assert!(e.contains("c.yaml:5:9"), "{e}");
    // Not a list.
    let e = load_error(&rules, &format!("{head}      3\n"));
    assert!(e.contains("expected a list of records"), "{e}");
    // 51 records where `max_records: 50`: the bound names the key that raises it.
    let many: String = (0..51)
        .map(|k| format!("      - {{no: N{k}, basic_problems: 0, deduct: 0}}\n"))
        .collect();
    let e = load_error(&rules, &format!("{head}{many}"));
    assert!(
        e.contains("holds 51 records, more than its `max_records: 50`"),
        "{e}"
    );
    assert!(e.contains("raise `max_records`"), "{e}");
    // 50 load.
    let fifty: String = (0..50)
        .map(|k| format!("      - {{no: N{k}, basic_problems: 0, deduct: 0}}\n"))
        .collect();
    assert!(CountyData::from_str("c.yaml", &format!("{head}{fifty}"), &rules).is_ok());
}

#[test]
fn json_and_yaml_counties_read_the_same_records() {
    let rules = rules();
    let yaml = std::fs::read_to_string(format!("{DATA}/three.yaml")).unwrap();
    let json = fazhi::schema::yaml_to_json("three.yaml", &yaml).unwrap();
    let from_json = CountyData::from_json_str("three.json", &json.to_string(), &rules).unwrap();
    let from_yaml = CountyData::from_str("three.yaml", &yaml, &rules).unwrap();
    assert_eq!(from_json.values(), from_yaml.values());
    // A record set in code is checked like one read from a file.
    let mut c = from_yaml.clone();
    let mut bad = fazhi::Record::new();
    bad.insert("no".into(), fazhi::Value::Text("X".into()));
    let e = c
        .set(
            "enforce.cases",
            fazhi::Datum::new(fazhi::Value::Records(vec![bad])),
            &rules,
        )
        .unwrap_err()
        .to_string();
    assert!(e.contains("record 1 lacks `basic_problems`"), "{e}");
}

fn lint_errors(src: &RuleSource) -> Vec<String> {
    RuleSet::lint(src)
        .0
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect()
}

#[test]
fn lint_checks_records_rules() {
    // The shipped rule set is clean (no warning either: a records field is never a lever).
    let clean = RuleSet::lint(&RuleSource::from_dir(RULES).unwrap());
    assert!(clean.0.is_empty(), "{clean:?}");
    // `r.dedcut`: no sub-field of the records; at its place (line 30, the `.` of `r.dedcut` in
    // column 72), with the nearest one.
    let e = lint_errors(&variant("max(P - r.deduct", "max(P - r.dedcut"));
    assert!(
        e.iter().any(|m| m.contains("ruleset.yaml:30:72:")
            && m.contains("reads `r.dedcut`, which is no sub-field")
            && m.contains("did you mean `r.deduct`?")),
        "{e:?}"
    );
    // An unknown combination.
    let e = lint_errors(&variant(
        RECORD_SCORE,
        &format!("{RECORD_SCORE}        combine: mean\n"),
    ));
    assert!(
        e.iter().any(|m| m.contains("unknown variant `mean`")),
        "{e:?}"
    );
    // A share bar above the record points (10).
    let e = lint_errors(&variant(
        RECORD_SCORE,
        &format!("{RECORD_SCORE}        combine: {{share: 12}}\n"),
    ));
    assert!(
        e.iter().any(|m| m.contains("share bar 12 is outside 0–10")),
        "{e:?}"
    );
    // `each` not among the inputs.
    let e = lint_errors(&variant(
        "        inputs: [enforce.cases]\n",
        "        inputs: [enforce.trained]\n",
    ));
    assert!(
        e.iter()
            .any(|m| m.contains("`each: enforce.cases` must also be listed in `inputs`")),
        "{e:?}"
    );
    // `each` on a field that holds no records.
    let e = lint_errors(&variant(
        "        each: enforce.cases\n",
        "        each: enforce.trained\n",
    ));
    assert!(
        e.iter().any(|m| m.contains("names a 百分比 field")),
        "{e:?}"
    );
    // `record_score` without `each`, and `score` beside `record_score`.
    let e = lint_errors(&variant("        each: enforce.cases\n", ""));
    assert!(
        e.iter()
            .any(|m| m.contains("has `record_score:` but no `each:`")),
        "{e:?}"
    );
    let e = lint_errors(&variant(
        RECORD_SCORE,
        &format!("{RECORD_SCORE}        score: P\n"),
    ));
    assert!(
        e.iter()
            .any(|m| m.contains("both `score` and `record_score`")),
        "{e:?}"
    );
    // A records field without sub-fields, and nested records.
    let e = lint_errors(&variant(
        "      no: { type: text, desc: 案卷号 }\n",
        "      no: { type: records, desc: 案卷号, record_fields: {x: {type: count, desc: x}} }\n",
    ));
    assert!(
        e.iter().any(|m| m.contains("records cannot be nested")),
        "{e:?}"
    );
    // max_records beyond the bound.
    let e = lint_errors(&variant("max_records: 50", "max_records: 20000"));
    assert!(
        e.iter()
            .any(|m| m.contains("max_records 20000 is outside 1–10000")),
        "{e:?}"
    );
}

#[test]
fn the_cli_carries_records_through_score_verify_gap_rank_and_diff() {
    let dir = std::env::temp_dir().join(format!("fazhi-records-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let three = format!("{DATA}/three.yaml");
    // score --format json: `records` on 3.2 only.
    let report = dir.join("three.json");
    let out = fazhi(&[
        "score",
        "--rules",
        RULES,
        &three,
        "--format",
        "json",
        "--out",
        report.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let with: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i.get("records").is_some())
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(with, ["3.2"]);
    assert_eq!(v["items"][1]["records"][2]["earned"], 8);
    // verify reproduces it.
    let out = fazhi(&["verify", "--rules", RULES, report.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("reproduced"));
    // The Markdown report lists each record under the item.
    let out = fazhi(&["score", "--rules", RULES, &three]);
    assert!(text(&out.stdout)
        .contains("逐份：第1份（案卷号 A-01）：得10分；第2份（案卷号 A-02）：得0分；第3份（案卷号 A-03）：得8分"));
    // gap: the records item is honestly marked not searched, never "no change can raise it".
    let out = fazhi(&["gap", "--rules", RULES, &three, "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let g = text(&out.stdout);
    assert!(
        g.contains("案卷评查：enforce.cases（抽查的行政执法案卷）逐份案卷的评查结果不由搜索改动"),
        "{g}"
    );
    let g: serde_json::Value = serde_json::from_str(&g).unwrap();
    let found = g["lost"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "3.2")
        .unwrap();
    assert_eq!(found["search"]["complete"], false, "{found}");
    // rank: three 14 (8 + 6) before none 10 (10 + no data).
    let out = fazhi(&["rank", "--rules", RULES, DATA, "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rk: serde_json::Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    let s = rk.to_string();
    assert!(
        s.find("\"three\"").unwrap() < s.find("\"none\"").unwrap(),
        "{s}"
    );
    // diff: `combine: min` takes three's 3.2 from 6 to min(10, 0, 8) = 0, named as a rule change.
    let new = dir.join("min");
    std::fs::create_dir_all(&new).unwrap();
    std::fs::write(
        new.join("ruleset.yaml"),
        ruleset_text().replacen(
            RECORD_SCORE,
            &format!("{RECORD_SCORE}        combine: min\n"),
            1,
        ),
    )
    .unwrap();
    let out = fazhi(&["diff", RULES, new.to_str().unwrap(), DATA]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let d = text(&out.stdout);
    assert!(
        d.contains("combine: average") && d.contains("combine: min"),
        "{d}"
    );
    assert!(
        d.contains("| 三卷县 | three |     14 |      8 |   −6 |"),
        "{d}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_scenario_reweights_a_records_item_like_any_item() {
    use fazhi::analyse::policy::scores::Batch;
    use fazhi::analyse::policy::weights::Scenario;
    use fazhi::analyse::policy::whatif::WhatIf;
    let rules = rules();
    // 3.1 from 10 to 15 points, 3.2 from 10 to 5: three's 3.1 = 80% × 15 = 12, 3.2 keeps its
    // share 6/10 of 5 = 3: 15.
    let sc = Scenario::from_str(
        "s.yaml",
        "id: s\nname: 情景\npoints: {\"3.1\": 15, \"3.2\": 5}\n",
        &rules,
    )
    .unwrap();
    let c = CountyData::from_file(format!("{DATA}/three.yaml"), &rules).unwrap();
    let batch = Batch::evaluate(&rules, std::slice::from_ref(&c));
    let out = batch.recompute(&sc.weights);
    assert_eq!(out[0].total, p(15.0));
    let w = WhatIf::compare(&rules, &batch, &sc);
    assert_eq!(w.counties[0].baseline_total, p(14.0));
    assert_eq!(w.counties[0].scenario_total, p(15.0));
}

#[test]
fn synthetic_counties_hold_records_that_score() {
    let rules = rules();
    for c in fazhi::synth::generate(&rules, 5, 7) {
        let r = score(&rules, &c);
        let i = item(&r, "3.2");
        assert_eq!(i.status, fazhi::ItemStatus::Scored, "{}", i.explanation);
        assert!(!i.records.is_empty());
    }
}

#[test]
fn the_county_schema_describes_records() {
    let rules = rules();
    let s = fazhi::schema::county(&rules).to_string();
    assert!(s.contains("\"maxItems\":50"), "{s}");
    assert!(
        s.contains("\"required\":[\"basic_problems\",\"deduct\",\"no\"]"),
        "{s}"
    );
}

#[test]
fn the_ledger_workbook_has_a_records_sheet_read_back_by_the_loader() {
    let rules = rules();
    let dir = std::env::temp_dir().join(format!("fazhi-records-sheet-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // The template filled with `three.yaml` writes its records in the sheet 案卷 (one row per
    // record); read back, the county has the same data hash and the same report.
    let three = CountyData::from_file(format!("{DATA}/three.yaml"), &rules).unwrap();
    let bytes = fazhi::render::xlsx::template(&rules, std::slice::from_ref(&three)).unwrap();
    let path = dir.join("ledger.xlsx");
    std::fs::write(&path, bytes).unwrap();
    let table = fazhi::sheet::read_table(&path, &rules).unwrap();
    let back = table.rows[0].data.as_ref().unwrap();
    assert_eq!(back.hash(), three.hash());
    assert_eq!(item(&rules.score(back), "3.2").earned, p(6.0));

    // A workbook with a fault in each row of 案卷: every error names its cell.
    use rust_xlsxwriter::Workbook;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("台账").unwrap();
    for (c, h) in ["编号", "名称", "enforce.trained"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "c").unwrap();
    ws.write_string(1, 1, "某县").unwrap();
    ws.write_number(1, 2, 80).unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("案卷").unwrap();
    for (c, h) in ["编号", "字段", "序号", "no", "basic_problems", "deduct"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    // Row 2: good. Row 3: deduct "两分" (F3). Row 4: record number 0 (C4). Row 5: an unknown
    // county (A5). Row 6: a field that holds no records (B6).
    type Row<'a> = (&'a str, &'a str, f64, &'a str, f64, Option<f64>);
    let rows: [Row; 5] = [
        ("c", "enforce.cases", 1.0, "A-01", 0.0, Some(1.0)),
        ("c", "enforce.cases", 2.0, "A-02", 0.0, None),
        ("c", "enforce.cases", 0.0, "A-03", 0.0, Some(1.0)),
        ("x", "enforce.cases", 3.0, "A-04", 0.0, Some(1.0)),
        ("c", "enforce.trained", 4.0, "A-05", 0.0, Some(1.0)),
    ];
    for (r, (id, field, no, name, basic, deduct)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string(r, 0, *id).unwrap();
        ws.write_string(r, 1, *field).unwrap();
        ws.write_number(r, 2, *no).unwrap();
        ws.write_string(r, 3, *name).unwrap();
        ws.write_number(r, 4, *basic).unwrap();
        match deduct {
            Some(x) => ws.write_number(r, 5, *x).unwrap(),
            None => ws.write_string(r, 5, "两分").unwrap(),
        };
    }
    let bad = dir.join("bad.xlsx");
    wb.save(&bad).unwrap();
    let e = fazhi::sheet::read_table(&bad, &rules)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("案卷!F3: field `enforce.cases`, record 2, `deduct`"),
        "{e}"
    );
    assert!(
        e.contains("案卷!C4: the record number (序号) is a whole number from 1"),
        "{e}"
    );
    assert!(
        e.contains("案卷!A5: county `x` has no row in `台账`"),
        "{e}"
    );
    assert!(
        e.contains("案卷!B6: `enforce.trained` is no records field"),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).ok();
}
