//! Lint for what rule authors get wrong (docs/FORMAT.md, "What lint checks"): points finer than
//! 0.001 (case 15), field names rhai cannot read (case 10), tier tables (case 13 is scored in
//! tests/numbers.rs: any order works), date fields compared with non-ISO text, enum values
//! written as YAML numbers, a bonus without its own cap, one run listing every problem, and the
//! count a run prints.

mod common;

use common::{fazhi, text, MINI};
use fazhi::{Diagnostic, RuleSet, RuleSource};

const CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases");

fn lint_dir(dir: &str) -> Vec<Diagnostic> {
    RuleSet::lint(&RuleSource::from_dir(dir).unwrap()).0
}

fn errors(d: &[Diagnostic]) -> Vec<&Diagnostic> {
    d.iter().filter(|d| d.is_error()).collect()
}

fn at(d: &Diagnostic) -> (usize, usize) {
    (d.line, d.column)
}

#[test]
fn case_15_points_finer_than_a_thousandth_are_refused_naming_the_item() {
    // 33.3334 + 33.3333 + 33.3333 = 100 exactly, but no point value may have four decimals;
    // 33.3335 + 33.3333 + 33.3331 = 99.9999 must not pass by rounding either.
    for dir in ["rules-exact", "rules-inexact"] {
        let d = lint_dir(&format!("{CASES}/15-points-finer-than-milli/{dir}"));
        let e = errors(&d);
        assert_eq!(e.len(), 3, "{dir}: {d:#?}");
        for (k, id) in ["1.1", "1.2", "1.3"].iter().enumerate() {
            assert!(e[k]
                .message
                .starts_with(&format!("item `{id}`: `points: 33.333")));
            assert!(e[k].message.contains("has 4 decimals"), "{}", e[k].message);
            // Line 11 + k, the column of `points:` in `- { id: "1.1", name: x, points: … }`.
            assert_eq!(at(e[k]), (11 + k, 31));
            assert!(e[k].help.as_deref().unwrap().starts_with("write 33.33"));
        }
        // No second message about sums of rounded values.
        assert!(!d.iter().any(|x| x.message.contains("add up")), "{d:#?}");
    }
}

#[test]
fn points_with_three_decimals_add_up_exactly() {
    // 33.334 + 33.333 + 33.333 = 100.000: clean.
    let t = std::fs::read_to_string(format!(
        "{CASES}/15-points-finer-than-milli/rules-exact/ruleset.yaml"
    ))
    .unwrap()
    .replace("33.3334", "33.334")
    .replace("33.3333", "33.333");
    let d = RuleSet::lint(&RuleSource::from_documents([("ruleset.yaml", t.clone())])).0;
    assert!(without_lever_warnings(d.clone()).is_empty(), "{d:#?}");
    // 33.334 + 33.333 + 33.332 = 99.999: the sum check names the parent.
    let t = t
        .replacen("33.333 ", "33.332 ", 1)
        .replacen("33.333,", "33.332,", 1);
    let d = RuleSet::lint(&RuleSource::from_documents([("ruleset.yaml", t)])).0;
    assert!(
        d.iter()
            .any(|x| x.message == "`1` has 100 points but its children add up to 99.999"),
        "{d:#?}"
    );
}

#[test]
fn case_10_field_names_rhai_cannot_read_are_refused_with_a_rename() {
    let d = lint_dir(&format!("{CASES}/10-rhai-keyword-field-names/rules"));
    let fields: Vec<&Diagnostic> = d
        .iter()
        .filter(|x| x.message.starts_with("field `"))
        .collect();
    let want = [
        ("info.public", "public", (4, 3), "info.public_count"),
        ("case.total", "case", (5, 3), "cases.total"),
        ("eval.score", "eval", (6, 3), "evals.score"),
    ];
    assert_eq!(fields.len(), 3, "{d:#?}");
    // Diagnostics come sorted by place: info (line 4), case (5), eval (6).
    for (f, (path, seg, loc, rename)) in fields.iter().zip(want) {
        assert!(f.is_error());
        assert!(
            f.message
                .contains(&format!("`{path}`: `{seg}` is a word of the rule language")),
            "{}",
            f.message
        );
        assert_eq!(at(f), loc);
        assert!(
            f.help.as_deref().unwrap().contains(&format!("`{rename}`")),
            "{:?}",
            f.help
        );
    }
    // The suggested names are readable: the same rule set renamed lints clean and scores
    // 120 > 0 → 5, 30 > 0 → 5, proportional(88) = 5 × 88 / 100 = 4.4; total 14.4.
    let rules = std::fs::read_to_string(format!(
        "{CASES}/10-rhai-keyword-field-names/rules/ruleset.yaml"
    ))
    .unwrap();
    let county =
        std::fs::read_to_string(format!("{CASES}/10-rhai-keyword-field-names/county.yaml"))
            .unwrap();
    let rename = |t: &str| {
        t.replace("info.public", "info.public_count")
            .replace("case.total", "cases.total")
            .replace("eval.score", "evals.score")
    };
    let src = RuleSource::from_documents([("ruleset.yaml", rename(&rules))]);
    assert!(without_lever_warnings(RuleSet::lint(&src).0).is_empty());
    let rules = RuleSet::load(&src).unwrap();
    let c = fazhi::CountyData::from_str("county.yaml", &rename(&county), &rules).unwrap();
    let r = rules.score(&c);
    assert_eq!(r.summary.total.to_string(), "14.4");
}

#[test]
fn date_fields_compared_with_non_iso_text_are_errors() {
    let extra = |lit: &str| {
        format!(
            "checks:\n  - id: C9\n    name: 日期\n    inputs: [report.published_on]\n    expect: d.report.published_on <= \"{lit}\"\n    message: 晚了\n"
        )
    };
    for (lit, fix) in [
        ("2022.3.1", "\"2022-03-01\""),
        ("2022/3/1", "\"2022-03-01\""),
        ("2022-3-1", "\"2022-03-01\""),
        ("明年", "\"YYYY-MM-DD\""),
    ] {
        let d = RuleSet::lint(&common::mini_plus("extra.yaml", &extra(lit))).0;
        let e = errors(&d);
        assert_eq!(e.len(), 1, "{lit}: {d:#?}");
        assert_eq!(e[0].file, "extra.yaml");
        // `    expect: d.report.published_on <= "…"`: the expression starts at column 13, the
        // literal 25 characters later, at column 38.
        assert_eq!(at(e[0]), (5, 38), "{lit}");
        assert!(e[0]
            .message
            .contains(&format!("\"{lit}\", which is not a date")));
        assert!(
            e[0].help.as_deref().unwrap().contains(fix),
            "{:?}",
            e[0].help
        );
    }
    // An ISO date, and a test for an empty text, are fine.
    for ok in ["2022-03-01", ""] {
        let t = extra(ok).replace("<=", "!=");
        assert!(errors(&RuleSet::lint(&common::mini_plus("extra.yaml", &t)).0).is_empty());
    }
}

#[test]
fn enum_values_written_as_numbers_are_refused() {
    let t = "fields:\n  report.year: { type: enum, values: [2020, 2021, \"2022\"], desc: 年度 }\n";
    let d = RuleSet::lint(&common::mini_plus("extra.yaml", t)).0;
    let e = errors(&d);
    assert_eq!(e.len(), 1, "{d:#?}");
    assert_eq!(at(e[0]), (2, 3));
    assert!(e[0]
        .message
        .contains("holds 2020, 2021 written as YAML numbers"));
    assert_eq!(
        e[0].help.as_deref(),
        Some("quote them: `values: [\"2020\", \"2021\", \"2022\"]`, and quote them in county files too")
    );
}

#[test]
fn a_bonus_needs_its_own_cap() {
    let src = common::mini_with(
        "ruleset.yaml",
        "    inputs: [awards.national]\n    cap: 3\n",
        "    inputs: [awards.national]\n",
    );
    let d = RuleSet::lint(&src).0;
    let e = errors(&d);
    assert_eq!(e.len(), 1, "{d:#?}");
    assert_eq!(
        e[0].message,
        "bonus `B1` has no `cap:`; every 加分 item states the most it can give"
    );
    assert!(e[0].help.as_deref().unwrap().contains("`bonus_cap`"));
}

#[test]
fn an_unknown_key_does_not_hide_the_other_problems_of_its_file() {
    // One file with a misspelt key, a second misspelt key inside `{ … }`, points with four
    // decimals, a score that does not compile and a read of an undeclared field: all listed.
    let t = "indicators:\n  - id: \"9\"\n    name: 杂\n    points: 2.0005\n    pionts: 2\n    children:\n      - { id: \"9.1\", name: a, points: 1, inputs: [org.has_plan], score: \"award(\", rule_txt: x }\n      - id: \"9.2\"\n        name: b\n        points: 1\n        inputs: [org.has_plan]\n        score: award(d.org.has_pln)\n";
    let src = common::mini_plus("extra.yaml", t);
    let d = RuleSet::lint(&src).0;
    let mine: Vec<(usize, &str)> = d
        .iter()
        .filter(|x| x.file == "extra.yaml" && x.is_error())
        .map(|x| (x.line, x.message.as_str()))
        .collect();
    let has = |line: usize, s: &str| mine.iter().any(|(l, m)| *l == line && m.contains(s));
    assert!(has(4, "`points: 2.0005` has 4 decimals"), "{mine:#?}");
    assert!(has(5, "unknown field `pionts`"), "{mine:#?}");
    assert!(has(7, "unknown field `rule_txt`"), "{mine:#?}");
    assert!(has(7, "does not compile"), "{mine:#?}");
    assert!(has(12, "reads `d.org.has_pln`"), "{mine:#?}");
}

#[test]
fn lint_prints_its_count_also_when_clean() {
    let o = fazhi(&["lint", MINI]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(text(&o.stderr), "0 errors, 0 warnings\n");
    let o = fazhi(&[
        "lint",
        &format!("{CASES}/15-points-finer-than-milli/rules-exact"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(text(&o.stderr), "3 errors, 0 warnings\n");
    let out = text(&o.stdout);
    assert!(
        out.contains("ruleset.yaml:11:31: error: item `1.1`"),
        "{out}"
    );
    assert!(out.contains("\n  help: write 33.333 or 33.334"), "{out}");
}

#[test]
fn the_shipped_rule_sets_lint_clean() {
    for dir in ["national-2021", "haiyan-2016"] {
        let d = lint_dir(&format!("{}/indicators/{dir}", env!("CARGO_MANIFEST_DIR")));
        assert!(d.is_empty(), "{dir}: {d:#?}");
    }
}

#[test]
fn scenario_points_finer_than_a_thousandth_are_refused() {
    let rules = common::mini();
    let yaml = "id: s\nname: 细分\ntotal_points: 20.00001\npoints:\n  \"1\": 12.0005\npass_lines:\n  demonstration: { min_total: 16.25 }\n";
    let e = match fazhi::analyse::policy::weights::Scenario::from_str("s.yaml", yaml, &rules) {
        Err(fazhi::Error::Scenario(d)) => d.0,
        other => panic!("{other:?}"),
    };
    let msgs: Vec<(usize, &str)> = e.iter().map(|d| (d.line, d.message.as_str())).collect();
    assert!(
        msgs.contains(&(
            3,
            "total_points: 20.00001 has 5 decimals; points are kept to three decimals (0.001)"
        )),
        "{msgs:#?}"
    );
    assert!(
        msgs.contains(&(
            5,
            "node `1`: 12.0005 has 4 decimals; points are kept to three decimals (0.001)"
        )),
        "{msgs:#?}"
    );
    // 16.25 has two decimals: fine.
    assert_eq!(msgs.len(), 2, "{msgs:#?}");
}

#[test]
fn every_word_of_the_rule_language_is_refused_as_a_segment() {
    // Keywords (`in`, `for`, `fn`, `let`, `true`, `this`, `import`, `if`, `switch`), reserved
    // words (`static`, `match`, `public`, `case`, `var`, `new`, `default`) and the symbols fazhi
    // disables (`eval`, `print`): each makes `d.g.<word>` unreadable. Ordinary names pass.
    let bad = [
        "in", "for", "fn", "let", "true", "this", "import", "if", "switch", "static", "match",
        "public", "case", "var", "new", "default", "eval", "print",
    ];
    let mut t = String::from("fields:\n");
    for w in bad {
        t.push_str(&format!("  kw.{w}: {{ type: count, desc: x }}\n"));
    }
    for ok in ["total", "cases", "public_count", "in_time", "rate"] {
        t.push_str(&format!("  kw.{ok}: {{ type: count, desc: x }}\n"));
    }
    let d = RuleSet::lint(&common::mini_plus("extra.yaml", &t)).0;
    let refused: Vec<&str> = d
        .iter()
        .filter(|x| x.is_error() && x.message.contains("a word of the rule language"))
        .filter_map(|x| x.message.split('`').nth(3))
        .collect();
    let mut want = bad.to_vec();
    want.sort();
    let mut got = refused.clone();
    got.sort();
    assert_eq!(got, want, "{d:#?}");
}

/// The diagnostics other than the warnings for fields without a declared lever (the case rule
/// sets these tests borrow declare none; tests/gap_trust.rs tests those warnings).
fn without_lever_warnings(d: Vec<fazhi::Diagnostic>) -> Vec<fazhi::Diagnostic> {
    d.into_iter()
        .filter(|x| !x.message.contains("declares no `lever:`"))
        .collect()
}
