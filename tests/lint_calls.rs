//! Lint of a rule's literals and calls (issue 22, case 25): a text compared with an enum field or
//! looked up in a list field must be one of the field's values; every call names a helper with
//! the right number and kind of arguments; a discretionary deduction names its reason field.
//! Each check has a rule that triggers it and one that must not.

mod common;

use common::{fazhi, text};
use fazhi::{Diagnostic, RuleSet, RuleSource};

const CASE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/cases/25-lint-literals-helpers"
);

fn lint_dir(dir: &str) -> Vec<Diagnostic> {
    RuleSet::lint(&RuleSource::from_dir(format!("{CASE}/{dir}")).unwrap()).0
}

fn lint_text(yaml: &str) -> Vec<Diagnostic> {
    RuleSet::lint(&RuleSource::from_documents([(
        "ruleset.yaml",
        yaml.to_string(),
    )]))
    .0
}

fn errors(d: &[Diagnostic]) -> Vec<&Diagnostic> {
    d.iter().filter(|d| d.is_error()).collect()
}

fn one_error(d: &[Diagnostic]) -> &Diagnostic {
    let e = errors(d);
    assert_eq!(e.len(), 1, "{d:#?}");
    e[0]
}

#[test]
fn case_25_switch_case_not_among_the_enum_values() {
    let d = lint_dir("rules");
    let e = one_error(&d);
    assert_eq!(
        (e.file.as_str(), e.line, e.column),
        ("ruleset.yaml", 31, 13)
    );
    assert!(
        e.message
            .contains("\"部分未达到\" is not among the values of the enum field `work.status`"),
        "{}",
        e.message
    );
    assert!(e.message.contains("never matches"), "{}", e.message);
    let help = e.help.as_deref().unwrap();
    assert!(
        help.starts_with("did you mean \"部分未达到要求\"?"),
        "{help}"
    );
}

#[test]
fn case_25_comparison_with_a_value_not_among_the_enum_values() {
    let d = lint_dir("rules-if");
    let e = one_error(&d);
    assert_eq!((e.line, e.column), (30, 36), "{e}");
    assert!(
        e.message
            .contains("\"部分达到要求\" is not among the values"),
        "{}",
        e.message
    );
    assert!(e.message.contains("never holds"), "{}", e.message);
    assert!(e
        .help
        .as_deref()
        .unwrap()
        .starts_with("did you mean \"部分未达到要求\"?"));
}

#[test]
fn case_25_list_lookup_of_a_value_not_among_the_list_values() {
    let d = lint_dir("rules-list");
    let e = one_error(&d);
    assert_eq!((e.line, e.column), (20, 33), "{e}");
    assert!(
        e.message.contains(
            "\"合法性审核\" is not among the values of the list field `decisions.steps_done`"
        ),
        "{}",
        e.message
    );
    assert!(e
        .help
        .as_deref()
        .unwrap()
        .starts_with("did you mean \"合法性审查\"?"));
}

#[test]
fn case_25_unknown_helper_with_did_you_mean() {
    let d = lint_dir("lint-helper");
    let e = one_error(&d);
    assert_eq!((e.line, e.column), (22, 16), "{e}");
    assert!(
        e.message
            .starts_with("`1.1` calls `deduct_step_below`, which is no helper"),
        "{}",
        e.message
    );
    assert_eq!(
        e.help.as_deref(),
        Some("did you mean `deduct_steps_below`? (deduct_steps_below(v, target, step, per))")
    );
}

#[test]
fn case_25_wrong_number_of_arguments_names_the_signature() {
    let d = lint_dir("lint-args");
    let e = one_error(&d);
    assert_eq!((e.line, e.column), (29, 16), "{e}");
    assert_eq!(
        e.message,
        "`1.2`: `deduct_started_steps_below` takes 4 arguments, not 3"
    );
    assert_eq!(
        e.help.as_deref(),
        Some("write `deduct_started_steps_below(v, target, step, per)`")
    );
}

#[test]
fn case_25_fazhi_lint_exits_2_naming_file_line_col() {
    for (dir, want) in [
        ("rules", "ruleset.yaml:31:13: error:"),
        ("rules-if", "ruleset.yaml:30:36: error:"),
        ("rules-list", "ruleset.yaml:20:33: error:"),
        ("lint-helper", "ruleset.yaml:22:16: error:"),
        ("lint-args", "ruleset.yaml:29:16: error:"),
    ] {
        let out = fazhi(&["lint", &format!("{CASE}/{dir}")]);
        let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
        assert_eq!(out.status.code(), Some(2), "{dir}: {all}");
        assert!(all.contains(want), "{dir}: {all}");
    }
}

#[test]
fn case_25_corrected_rules_are_clean_and_score_as_written() {
    // The same rule sets with the literals and calls corrected: no error, and the scores the
    // rule author meant (3 for a 2-point discretionary deduction on 5, 2 for five steps).
    let fixes = [
        ("rules", "\"部分未达到\" =>", "\"部分未达到要求\" =>"),
        ("rules-if", "== \"部分达到要求\"", "== \"部分未达到要求\""),
        ("rules-list", "合法性审核", "合法性审查"),
        ("lint-helper", "deduct_step_below", "deduct_steps_below"),
        (
            "lint-args",
            "deduct_started_steps_below(d.enf.closure_rate, 90, 10)",
            "deduct_started_steps_below(d.enf.closure_rate, 90, 10, 1)",
        ),
    ];
    for (dir, from, to) in fixes {
        let t = std::fs::read_to_string(format!("{CASE}/{dir}/ruleset.yaml")).unwrap();
        assert!(t.contains(from), "{dir}");
        let d = lint_text(&t.replace(from, to));
        assert!(errors(&d).is_empty(), "{dir}: {d:#?}");
    }
    for (dir, from, to, county, item, want) in [
        (
            "rules",
            "\"部分未达到\" =>",
            "\"部分未达到要求\" =>",
            "partial2.yaml",
            "1.1",
            3.0,
        ),
        (
            "rules-list",
            "合法性审核",
            "合法性审查",
            "all5.yaml",
            "1.1",
            2.0,
        ),
    ] {
        let t = std::fs::read_to_string(format!("{CASE}/{dir}/ruleset.yaml"))
            .unwrap()
            .replace(from, to);
        let rules = RuleSet::load(&RuleSource::from_documents([("ruleset.yaml", t)])).unwrap();
        let c = fazhi::CountyData::from_file(format!("{CASE}/counties/{county}"), &rules).unwrap();
        let r = rules.score(&c);
        let got = r.item(item).unwrap().earned.as_f64();
        assert_eq!(got, want, "{dir}");
    }
}

const HEAD: &str = r#"ruleset: { id: t, title: t, version: "1", total_points: 10 }
fields:
  a.status: { type: enum, values: [达到, 未达到], desc: 状态 }
  a.steps: { type: list, values: [甲, 乙], desc: 步骤 }
  a.free: { type: list, desc: 自由列表 }
  a.note: { type: text, desc: 说明 }
  a.rate: { type: percent, desc: 比率 }
  a.done: { type: bool, desc: 完成 }
  a.deduct: { type: number, range: [0, 2], desc: 酌情扣分 }
indicators:
  - id: "1"
    name: x
    points: 10
    children:
"#;

fn item(inputs: &str, score: &str) -> String {
    format!(
        "{HEAD}      - {{ id: \"1.1\", name: y, points: 10, inputs: [{inputs}], score: '{score}' }}\n"
    )
}

#[test]
fn enum_and_list_literals_in_every_form() {
    // Triggers: each form with a value not declared.
    for (inputs, score) in [
        ("a.status", r#"award(d.a.status == "达标")"#),
        ("a.status", r#"award("达标" != d.a.status)"#),
        ("a.status", r#"award(d.a.status in ["达到", "达标"])"#),
        ("a.steps", r#"award(d.a.steps.contains("丙"))"#),
        ("a.steps", r#"award("丙" in d.a.steps)"#),
        ("a.status", r#"let s = d.a.status; award(s == "达标")"#),
        (
            "a.status",
            r#"switch d.a.status { "达到" | "达标" => P, _ => 0 }"#,
        ),
    ] {
        let d = lint_text(&item(inputs, score));
        let e = one_error(&d);
        assert!(
            e.message.contains("is not among the values"),
            "{score}: {e}"
        );
    }
    // Must not trigger: declared values, a list without `values`, a text field, a text compared
    // with something that is no field.
    for (inputs, score) in [
        ("a.status", r#"award(d.a.status == "达到")"#),
        ("a.status", r#"award(d.a.status in ["达到", "未达到"])"#),
        (
            "a.steps",
            r#"award(d.a.steps.contains("甲") && "乙" in d.a.steps)"#,
        ),
        ("a.free", r#"award(d.a.free.contains("任何"))"#),
        ("a.note", r#"award(d.a.note == "任何")"#),
        // `contains` on an enum looks for a part of its text: no whole value needed.
        (
            "a.status",
            r#"award(d.a.status.contains("达") && "未" in d.a.status)"#,
        ),
        (
            "a.status",
            r#"let s = "x"; award(s == "达标" || d.a.status == "达到")"#,
        ),
        (
            "a.status",
            r#"switch d.a.status { "达到" => P, "未达到" if true => 0, _ => 0 }"#,
        ),
    ] {
        let d = lint_text(&item(inputs, score));
        assert!(errors(&d).is_empty(), "{score}: {d:#?}");
    }
}

#[test]
fn helper_calls_name_arity_and_kinds() {
    for (inputs, score, want) in [
        ("a.rate", "tier(d.a.rate, [[90, P]])", "calls `tier`, which is no helper"),
        ("a.rate", "nosuch(d.a.rate)", "calls `nosuch`, which is no helper"),
        ("a.done", "award(d.a.done, 1, 2)", "`award` takes 1 or 2 arguments, not 3"),
        ("a.rate", "d.a.rate.len(3)", "`len` takes 1 argument"),
        (
            "a.note",
            "deduct_below(d.a.note, 90, 1, 1)",
            "argument 1 of `deduct_below(v, target, unit, per)` (`v`) must be a number; `d.a.note`, a text field, is a text",
        ),
        (
            "a.rate",
            "award(d.a.rate)",
            "argument 1 of `award(cond)` (`cond`) must be a condition (true/false)",
        ),
        (
            "a.rate",
            r#"tiers(d.a.rate, "90")"#,
            "(`tiers`) must be a tier table",
        ),
        (
            "a.done",
            "each_true(d.a.done, 1)",
            "must be a list of conditions",
        ),
    ] {
        let d = lint_text(&item(inputs, score));
        let e = one_error(&d);
        assert!(e.message.contains(want), "{score}: {e}");
    }
    for (inputs, score) in [
        ("a.rate", "tiers(d.a.rate, [[90, P], [80, P / 2]])"),
        ("a.rate", "floor(d.a.rate / 10) + min(d.a.rate, 1) * 0"),
        (
            "a.steps",
            "each_true([d.a.steps.contains(\"甲\"), d.a.steps.len() > 1], 5)",
        ),
        ("a.done", "fn half(x) { x / 2 } half(award(d.a.done))"),
        ("a.rate", "deduct_below(pct(d.a.rate, 100) * 100, 90, 1, 1)"),
    ] {
        let d = lint_text(&item(inputs, score));
        assert!(errors(&d).is_empty(), "{score}: {d:#?}");
    }
}

#[test]
fn discretion_without_a_reason_field_is_a_warning() {
    let d = lint_text(&item(
        "a.done",
        "award(d.a.done) - discretion(d.a.deduct, 2)",
    ));
    // a.deduct is read but not declared: an error of its own; the warning is what we look for.
    let w: Vec<&Diagnostic> = d.iter().filter(|x| !x.is_error()).collect();
    assert!(
        w.iter().any(|x| x
            .message
            .contains("with no field for the evaluators' reason")),
        "{d:#?}"
    );
    let ok = format!(
        "{HEAD}      - {{ id: \"1.1\", name: y, points: 10, inputs: [a.done], optional_inputs: [a.deduct, a.note], score: 'max(award(d.a.done) - discretion(d.a.deduct, 2, d.a.note), 0)' }}\n"
    );
    let d = lint_text(&ok);
    assert!(
        !d.iter().any(|x| x.message.contains("evaluators' reason")),
        "{d:#?}"
    );
    assert!(errors(&d).is_empty(), "{d:#?}");
}

// ---- the small messages ----

const FLOW: &str = r#"ruleset: { id: t, title: t, version: "1", total_points: 10 }
fields:
  a.rate: { type: percent, desc: 比率 }
indicators:
  - { id: "1", name: x, points: 10, inputs: [a.rate], score: SCORE }
"#;

#[test]
fn a_comma_in_an_unquoted_flow_expression_says_to_quote_it() {
    for score in [
        "deduct_below(d.a.rate, 90, 1, 1)",
        "tiers(d.a.rate, [[90, P]])",
        "award(d.a.rate > 1, P)",
    ] {
        let d = lint_text(&FLOW.replace("SCORE", score));
        let e = errors(&d);
        assert!(!e.is_empty(), "{score}");
        assert_eq!(
            (e[0].line, e[0].column, e[0].message.as_str()),
            (5, 62, "the `score` expression is cut at its first comma: inside `{ … }` a comma ends an unquoted value, so the rest was read as more keys"),
            "{score}: {d:#?}"
        );
        assert_eq!(
            e[0].help.as_deref(),
            Some(format!("quote the expression: `score: \"{score}\"` (or write the item as a block mapping, one key a line)").as_str())
        );
        // Said once: the pieces after the comma are not reported as unknown keys.
        assert!(
            !d.iter().any(|x| x.message.contains("unknown field")),
            "{d:#?}"
        );
    }
    // Must not trigger: the same expressions quoted are clean.
    for score in [
        "\"deduct_below(d.a.rate, 90, 1, 1)\"",
        "'tiers(d.a.rate, [[90, P]])'",
    ] {
        let d = lint_text(&FLOW.replace("SCORE", score));
        assert!(errors(&d).is_empty(), "{score}: {d:#?}");
    }
    // A misspelt key in a flow mapping is still an unknown key, with no quoting hint.
    let d = lint_text(&FLOW.replace("score: SCORE", "scroe: award(d.a.rate > 1)"));
    assert!(
        d.iter()
            .any(|x| x.message.contains("unknown field `scroe`")),
        "{d:#?}"
    );
    assert!(!d.iter().any(|x| x.message.contains("cut at")), "{d:#?}");
}

#[test]
fn a_county_file_in_the_rules_folder_is_named_as_one() {
    let county = std::fs::read_to_string(format!("{CASE}/counties/partial2.yaml")).unwrap();
    let rules = std::fs::read_to_string(format!("{CASE}/rules/ruleset.yaml"))
        .unwrap()
        .replace("\"部分未达到\" =>", "\"部分未达到要求\" =>");
    let d = RuleSet::lint(&RuleSource::from_documents([
        ("ruleset.yaml", rules.clone()),
        ("partial2.yaml", county),
    ]))
    .0;
    let e = one_error(&d);
    assert_eq!((e.file.as_str(), e.line, e.column), ("partial2.yaml", 1, 1));
    assert!(
        e.message.starts_with("`partial2.yaml` is a county file"),
        "{}",
        e.message
    );
    assert!(!e.message.contains("unknown field"));
    // Must not trigger: a rule file with a misspelt top-level key is not taken for county data.
    let d = RuleSet::lint(&RuleSource::from_documents([
        ("ruleset.yaml", rules),
        (
            "extra.yaml",
            "county: x\nfields:\n  b.x: { type: bool, desc: x }\n".into(),
        ),
    ]))
    .0;
    assert!(
        !d.iter().any(|x| x.message.contains("is a county file")),
        "{d:#?}"
    );
    assert!(
        d.iter()
            .any(|x| x.message.contains("unknown field `county`")),
        "{d:#?}"
    );
}
