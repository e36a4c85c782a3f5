//! Reading files: JSON as JSON (serde_json), YAML 1.2 through serde-saphyr, places from the
//! parsers' spans, duplicate keys, counts beyond the exact range, and the command line's messages
//! about files (each path once, no temporary names, a closed pipe, verify's hints).
//! Cases 01, 04 and 08 of the shared failing cases are copied under tests/data/parsers/.

mod common;
use common::{fazhi, text};
use fazhi::analyse::policy::weights::Scenario;
use fazhi::{CountyData, Diagnostic, Error, RuleSet, RuleSource, Value};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/parsers");

fn path(rel: &str) -> String {
    format!("{DATA}/{rel}")
}

fn twins() -> RuleSet {
    RuleSet::load_dir(path("twins")).unwrap()
}

/// The data errors of a county text (named `name`, whose extension picks the syntax).
fn data_errors(name: &str, text: &str, rules: &RuleSet) -> Vec<Diagnostic> {
    match CountyData::from_str(name, text, rules) {
        Err(Error::Data(d)) => d.0,
        other => panic!("expected data errors, got {other:?}"),
    }
}

fn place(d: &Diagnostic) -> (usize, usize) {
    (d.line, d.column)
}

// ---------------------------------------------------------------- places from the parsers

#[test]
fn a_bad_value_is_reported_at_its_own_line_not_at_a_same_named_key_elsewhere() {
    let rules = twins();
    // Block YAML: `a.rate` is fine (line 4), `b.rate` is wrong (line 6, value at column 11).
    let block = "county: {id: x, name: 某县}\ndata:\n  a:\n    rate: 95\n  b:\n    rate: 九十\n";
    let e = data_errors("x.yaml", block, &rules);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].message
            .starts_with("field `b.rate`: expected a percent"),
        "{}",
        e[0]
    );
    assert_eq!(place(&e[0]), (6, 11));

    // Flow YAML on one line: `data: {a: {rate: 95}, b: {rate: "九十"}}`; `data: {a: {rate: 95},
    // b: {rate: ` is 32 characters, so the bad value's quote is at column 33 of line 2.
    let flow = "county: {id: x, name: 某县}\ndata: {a: {rate: 95}, b: {rate: \"九十\"}}\n";
    let e = data_errors("x.yaml", flow, &rules);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(place(&e[0]), (2, 33));

    // The issue's own shape, `{a: {b: "九十"}}`, nested one level deeper under data.
    let nested = "county: {id: x, name: 某县}\ndata: {b: {rate: \"九十\"}}\n";
    let e = data_errors("x.yaml", nested, &rules);
    // `data: {b: {rate: ` is 17 characters, so the value starts at column 18.
    assert_eq!(place(&e[0]), (2, 18));

    // JSON, pretty-printed: the bad value is on line 4 after `    "b": {"rate": ` (18 characters).
    let json = "{\"county\": {\"id\": \"x\", \"name\": \"某县\"},\n \"data\": {\n    \"a\": {\"rate\": 95},\n    \"b\": {\"rate\": \"九十\"}}}\n";
    let e = data_errors("x.json", json, &rules);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(place(&e[0]), (4, 19));
}

#[test]
fn unknown_fields_and_record_keys_point_at_the_key() {
    let rules = twins();
    // `b.rat` at line 5 column 5 (a typo), a record key `valeu` at line 4 column 12.
    let y = "county: {id: x, name: 某县}\ndata:\n  a:\n    rate: {valeu: 95}\n  b:\n    rat: 90\n";
    let e = data_errors("x.yaml", y, &rules);
    assert_eq!(e.len(), 2, "{e:?}");
    assert_eq!(place(&e[0]), (4, 12));
    assert!(e[0].message.contains("did you mean `value`"), "{}", e[0]);
    assert_eq!(place(&e[1]), (6, 5));
    assert_eq!(e[1].help.as_deref(), Some("did you mean `b.rate`?"));
}

#[test]
fn json_syntax_errors_have_line_and_column() {
    let rules = twins();
    // A trailing comma: serde_json expects another key and stops at the `}` on line 3, column 1.
    let e = data_errors(
        "x.json",
        "{\"county\": {\"id\": \"x\", \"name\": \"某县\"},\n \"data\": {},\n}",
        &rules,
    );
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].message, "not valid JSON: key must be a string");
    assert_eq!(place(&e[0]), (3, 1));
}

#[test]
fn yaml_syntax_errors_have_line_and_column() {
    let rules = twins();
    let e = data_errors("x.yaml", "county: {id: x, name: 某县}\ndata: [\n", &rules);
    assert_eq!(e.len(), 1);
    // The unclosed `[` is at line 2, column 7.
    assert_eq!(e[0].message, "not valid YAML: unclosed bracket '['");
    assert_eq!(place(&e[0]), (2, 7));
}

#[test]
fn rule_file_places_come_from_the_parser() {
    // A rhai syntax error inside a quoted, flow-style expression: `score: "tiers(d.a.rate, [[90 P]])"`;
    // rhai stops at `P`, the 22nd character of the expression.
    let doc = r#"ruleset: { id: t, title: 标题, version: "1", total_points: 5 }
fields:
  a.rate: { type: percent, desc: 甲率 }
indicators:
  - id: "1"
    name: 甲
    points: 5
    children:
      - { id: "1.1", name: 乙, points: 5, inputs: [a.rate], score: "tiers(d.a.rate, [[90 P]])" }
"#;
    let err = RuleSet::load(&RuleSource::from_documents([("r.yaml", doc)])).unwrap_err();
    let d = &err.diagnostics()[0];
    assert!(d.message.contains("does not compile"), "{d}");
    // `      - { id: "1.1", name: 乙, points: 5, inputs: [a.rate], score: ` is 66 characters:
    // the quote is column 67, the expression starts at 68, `P` is at 68 + 21 = 89.
    assert_eq!(place(d), (9, 89));
}

#[test]
fn a_field_declared_in_two_files_names_the_first_place() {
    let a = "ruleset: { id: t, title: 标题, version: \"1\", total_points: 0 }\nfields:\n  x.y: { type: count, desc: 甲 }\n";
    let b = "# another file\nfields:\n  z.w: { type: count, desc: 丙 }\n  x.y: { type: count, desc: 乙 }\n";
    let err =
        RuleSet::load(&RuleSource::from_documents([("a.yaml", a), ("b.yaml", b)])).unwrap_err();
    let d = err
        .diagnostics()
        .iter()
        .find(|d| d.message.contains("declared twice"))
        .unwrap();
    assert_eq!((d.file.as_str(), d.line, d.column), ("b.yaml", 4, 3));
    assert!(d.message.contains("the first is in a.yaml:3"), "{d}");
}

// ---------------------------------------------------------------- case 01: duplicate keys

#[test]
fn case01_duplicate_keys_in_rule_files_name_both_lines() {
    let err = RuleSet::load_dir(path("case01/rules")).unwrap_err();
    let d = err.diagnostics();
    assert_eq!(d.len(), 2, "{d:?}");
    // fields: `lit.cases` on lines 5 and 7.
    assert_eq!(place(&d[0]), (7, 3));
    assert!(
        d[0].message
            .contains("duplicate key `lit.cases`: first at line 5, again at line 7"),
        "{}",
        d[0]
    );
    // target: `{ lit.lost: 0, lit.lost: 3 }` on line 18: the keys at columns 19 and 32.
    assert_eq!(place(&d[1]), (18, 32));
    assert!(
        d[1].message
            .contains("first at line 18 column 19, again at line 18 column 32"),
        "{}",
        d[1]
    );
    // And `fazhi lint` fails with both.
    let o = fazhi(&["lint", &path("case01/rules")]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(text(&o.stdout).matches("duplicate key").count(), 2);
}

#[test]
fn case01_duplicate_keys_in_scenarios_and_county_files() {
    let rules = twins();
    // The case's scenario shape: `"1"` twice under points (lines 4 and 5).
    let s = std::fs::read_to_string(path("case01/scenario.yaml")).unwrap();
    let err = Scenario::from_str("scenario.yaml", &s, &rules).unwrap_err();
    let d = err.diagnostics();
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(place(&d[0]), (5, 3));
    assert!(d[0]
        .message
        .contains("duplicate key `1`: first at line 4, again at line 5"));
    // The same in JSON.
    let j = "{\"id\": \"dup\", \"name\": \"重复\",\n \"points\": {\"1\": 20,\n  \"1\": 5}}";
    let d = Scenario::from_str("s.json", j, &rules)
        .unwrap_err()
        .diagnostics()
        .to_vec();
    assert_eq!(place(&d[0]), (3, 3));
    assert!(
        d[0].message.contains("first at line 2, again at line 3"),
        "{}",
        d[0]
    );
    // A county file: `rate` twice under `a`, and `county` twice at the top.
    let c = "county: {id: x, name: 某县}\ndata:\n  a:\n    rate: 95\n    rate: 80\ncounty: {id: y, name: 乙县}\n";
    let e = data_errors("x.yaml", c, &rules);
    assert_eq!(e.len(), 2, "{e:?}");
    // Depth first, in the order written: `rate` (inside `data`, line 5) before the second `county`.
    assert_eq!(place(&e[0]), (5, 5));
    assert!(e[0]
        .message
        .contains("`rate`: first at line 4, again at line 5"));
    assert_eq!(place(&e[1]), (6, 1));
    assert!(e[1]
        .message
        .contains("`county`: first at line 1, again at line 6"));
    // The case's county file itself is fine once the rules are: it reads `lit` twice nowhere.
    let e = data_errors("x.json", "{\"county\": {\"id\": \"x\", \"name\": \"某县\"}, \"data\": {\"a\": {\"rate\": 1}, \"a\": {\"rate\": 2}}}", &rules);
    assert!(e[0].message.contains("duplicate key `a`"), "{}", e[0]);
}

#[test]
fn a_field_given_flat_and_nested_is_refused() {
    let rules = twins();
    let c = "county: {id: x, name: 某县}\ndata:\n  a.rate: 95\n  a: {rate: 80}\n";
    let e = data_errors("x.yaml", c, &rules);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].message.contains("`a.rate` is given twice"));
    assert_eq!(place(&e[0]), (4, 7));
}

// ---------------------------------------------------------------- case 04: counts

#[test]
fn case04_counts_beyond_the_exact_range_are_refused_with_field_file_line_and_range() {
    let rules = RuleSet::load_dir(path("case04/rules")).unwrap();
    // (file, field, line, what is shown)
    let cases = [
        ("county-1e19.yaml", "lit.cases", 4, "1e19"),
        ("county-2p53.yaml", "lit.cases", 4, "9007199254740993"),
        ("county-u128.yaml", "lit.cases", 4, "1e20"),
        ("county-u64max.yaml", "lit.cases", 4, "18446744073709551615"),
        ("county-u64max.yaml", "lit.lost", 5, "1e30"),
    ];
    for (file, field, line, shown) in cases {
        let p = path(&format!("case04/{file}"));
        let Err(Error::Data(d)) = CountyData::from_file(&p, &rules) else {
            panic!("{file} accepted");
        };
        let d = d.0.iter().find(|d| d.message.contains(field)).unwrap();
        assert_eq!((d.file.as_str(), d.line), (p.as_str(), line), "{d}");
        assert_eq!(
            d.message,
            format!("field `{field}`: {shown} is beyond the range a count can hold exactly (−9007199254740991 to 9007199254740991, i.e. ±(2^53 − 1)); it is refused rather than rounded")
        );
    }
}

#[test]
fn counts_95_and_95_0_are_equal_and_quoted_95_is_refused_with_a_hint() {
    let rules = RuleSet::load_dir(path("case04/rules")).unwrap();
    let c =
        |v: &str| format!("county: {{id: x, name: 某县}}\ndata:\n  lit: {{cases: {v}, lost: 0}}\n");
    let a = CountyData::from_str("a.yaml", &c("95"), &rules).unwrap();
    let b = CountyData::from_str("b.yaml", &c("95.0"), &rules).unwrap();
    assert_eq!(a.get("lit.cases").unwrap().value, Value::Int(95));
    assert_eq!(a.hash(), b.hash());
    // The largest exact count is accepted, one more is not.
    let max = CountyData::from_str("m.yaml", &c("9007199254740991"), &rules).unwrap();
    assert_eq!(
        max.get("lit.cases").unwrap().value,
        Value::Int(fazhi::MAX_EXACT_COUNT)
    );
    assert!(CountyData::from_str("m.yaml", &c("9007199254740992"), &rules).is_err());
    let e = data_errors("q.yaml", &c("\"95\""), &rules);
    assert_eq!(
        e[0].message,
        "field `lit.cases`: expected a count (a whole number ≥ 0) (计数), found the text \"95\"; write the number without quotes: 95"
    );
    // Built in code, the same limit holds.
    let info = fazhi::CountyInfo {
        id: "x".into(),
        name: "某县".into(),
        ..Default::default()
    };
    let err = CountyData::new(
        info,
        [(
            fazhi::FieldPath::new("lit.cases"),
            fazhi::Datum::new(Value::Int(i64::MAX)),
        )],
        &rules,
    )
    .unwrap_err();
    assert!(err.to_string().contains("±(2^53 − 1)"), "{err}");
}

// ---------------------------------------------------------------- case 08: JSON as JSON

#[test]
fn case08_surrogate_pair_escapes_give_the_same_report_and_hash_as_raw_utf8() {
    let rules = RuleSet::load_dir(path("case08/rules")).unwrap();
    let raw = CountyData::from_file(path("case08/county-utf8.json"), &rules).unwrap();
    let esc = CountyData::from_file(path("case08/county-python-default.json"), &rules).unwrap();
    assert_eq!(raw.hash(), esc.hash());
    assert_eq!(esc.info().name, "测试县");
    let q = esc
        .get("lit.appear_rate")
        .unwrap()
        .quote
        .as_deref()
        .unwrap();
    assert!(q.starts_with('𠮷'), "{q}");
    assert_eq!(rules.score(&raw), rules.score(&esc));
    // deduct_below(96, 100, 1, 1): 1 point for each point below 100, 4 below: 6 − 4 = 2.
    assert_eq!(rules.score(&esc).summary.total.to_string(), "2");
    // JSON text under a name without `.json` is read as YAML 1.2, of which it is a subset: the
    // same escapes, the same hash.
    let escaped = std::fs::read_to_string(path("case08/county-python-default.json")).unwrap();
    let unnamed = CountyData::from_str("from-a-database", &escaped, &rules).unwrap();
    assert_eq!(unnamed.hash(), esc.hash());
    // The same data written as YAML hash the same.
    let yaml = "county: {id: j-1, name: 测试县}\ndata:\n  lit:\n    appear_rate: {value: 96, quote: \"𠮷家村调解委员会报送：出庭应诉率96%\"}\n";
    assert_eq!(
        CountyData::from_str("y.yaml", yaml, &rules).unwrap().hash(),
        esc.hash()
    );
    // And through the command line.
    let o = fazhi(&[
        "score",
        "--rules",
        &path("case08/rules"),
        "--format",
        "json",
        &path("case08/county-python-default.json"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains(raw.hash()));
}

// ---------------------------------------------------------------- YAML 1.2 and budgets

#[test]
fn yaml_1_1_booleans_are_text() {
    let rules = twins();
    let c = "county: {id: x, name: 某县}\ndata:\n  b: {open: no, note: on}\n";
    let e = data_errors("x.yaml", c, &rules);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].message.contains("found the text \"no\""), "{}", e[0]);
    assert!(e[0].message.contains("write true or false"), "{}", e[0]);
    let ok = "county: {id: x, name: 某县}\ndata:\n  b: {open: false, note: on}\n";
    let d = CountyData::from_str("x.yaml", ok, &rules).unwrap();
    assert_eq!(d.get("b.note").unwrap().value, Value::Text("on".into()));
    assert_eq!(d.get("b.open").unwrap().value, Value::Bool(false));
}

#[test]
fn an_alias_bomb_is_refused() {
    let rules = twins();
    let mut bomb = String::from("x0: &a0 [y, y, y, y, y, y, y, y, y, y]\n");
    for i in 1..9 {
        let p = format!("*a{}", i - 1);
        bomb += &format!("x{i}: &a{i} [{}]\n", [p.as_str(); 10].join(", "));
    }
    bomb += "county: {id: x, name: 某县}\ndata: {}\n";
    let e = data_errors("bomb.yaml", &bomb, &rules);
    assert_eq!(e.len(), 1);
    assert!(e[0].message.starts_with("not valid YAML"), "{}", e[0]);
    assert!(
        e[0].help.as_deref().unwrap_or("").contains("aliases"),
        "{}",
        e[0]
    );
}

// ---------------------------------------------------------------- the command line

#[test]
fn a_missing_file_is_named_once() {
    let o = fazhi(&["score", "--rules", &path("twins"), "nosuch.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert_eq!(err.matches("nosuch.yaml").count(), 1, "{err}");
    assert!(err.starts_with("error: nosuch.yaml: "), "{err}");
}

#[test]
fn an_unwritable_out_never_shows_the_temporary_file() {
    let good = path("case08/county-utf8.json");
    let o = fazhi(&[
        "score",
        "--rules",
        &path("case08/rules"),
        "--out",
        "/nonexistent-dir/r.md",
        &good,
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.starts_with("error: /nonexistent-dir/r.md: "), "{err}");
    assert!(!err.contains(".tmp"), "{err}");
}

#[test]
fn a_closed_pipe_ends_quietly() {
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let o = fazhi(&[
        "synth",
        "--counties",
        "40",
        "--seed",
        "3",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let mut child = Command::new(env!("CARGO_BIN_EXE_fazhi"))
        .args([
            "rank",
            "--quiet",
            "--format",
            "csv",
            dir.path().to_str().unwrap(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end at once, as `| head -0` would.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn verify_names_the_reports_rule_set_and_the_paths_it_tried() {
    let dir = tempfile::tempdir().unwrap();
    let county = dir.path().join("c.json");
    std::fs::copy(path("case08/county-utf8.json"), &county).unwrap();
    let report = dir.path().join("r.json");
    let o = fazhi(&[
        "score",
        "--rules",
        &path("case08/rules"),
        "--format",
        "json",
        "--out",
        report.to_str().unwrap(),
        county.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    // With the built-in rule set instead of bh-08.
    let o = fazhi(&["verify", report.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("was made with rule set `bh-08` (JSON转义, version 1"),
        "{err}"
    );
    assert!(err.contains("--rules"), "{err}");
    // With the right rules, after the data file has gone.
    std::fs::remove_file(&county).unwrap();
    let o = fazhi(&[
        "verify",
        "--rules",
        &path("case08/rules"),
        report.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("was not found; tried: "), "{err}");
    assert!(err.contains(&county.display().to_string()), "{err}");
}

#[test]
fn verify_refuses_a_report_with_a_duplicate_key_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("r.json");
    std::fs::write(&report, "{\"county\": {},\n \"county\": {}}").unwrap();
    let o = fazhi(&["verify", report.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("r.json:2:2: error: not a fazhi report: duplicate key `county`: first at line 1, again at line 2"),
        "{err}"
    );
}

#[test]
fn rank_names_an_unreadable_file_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(path("case08/county-utf8.json"), dir.path().join("a.json")).unwrap();
    let bad = dir.path().join("b.yaml");
    std::fs::write(&bad, b"county: {id: x, name: \xff}\n").unwrap();
    let o = fazhi(&[
        "rank",
        "--quiet",
        "--rules",
        &path("case08/rules"),
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert_eq!(
        err,
        // `county: {id: x, name: ` is 22 bytes: the bad byte is byte 22 of line 1 (issue 18's
        // message says where, and how to fix it).
        format!("error: {}: the file is not UTF-8 (invalid bytes at line 1, byte 22); save it as UTF-8\nerror: 1 of 2 file(s) could not be scored; the others are ranked\n", bad.display())
    );
}
