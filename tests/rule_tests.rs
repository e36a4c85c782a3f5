//! Tests kept beside a rule set (issue 22): `fazhi test` passes on the shipped rule sets, fails
//! naming the item when a rule is changed under its tests, and `fazhi diff OLD NEW` lists the
//! tests of OLD that NEW breaks. The `tests/` folder is no part of the rules.

mod common;

use common::{fazhi, text};
use fazhi::ruletests;
use fazhi::{RuleSet, RuleSource};
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

/// A copy of national-2021 (with its tests, pointing at the fixtures by absolute path) in a
/// temporary folder, with `from` replaced by `to` in `file`.
fn national_changed(file: &str, from: &str, to: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("national");
    copy_dir(&Path::new(ROOT).join("indicators/national-2021"), &dir);
    let tests = dir.join("tests/seed-counties.yaml");
    let t = std::fs::read_to_string(&tests)
        .unwrap()
        .replace("../../../fixtures", &format!("{ROOT}/fixtures"));
    std::fs::write(&tests, t).unwrap();
    let p = dir.join(file);
    let t = std::fs::read_to_string(&p).unwrap();
    assert!(t.contains(from), "{from}");
    std::fs::write(&p, t.replace(from, to)).unwrap();
    (tmp, dir)
}

#[test]
fn the_shipped_rule_sets_pass_their_tests() {
    for (dir, n) in [
        ("indicators/national-2021", 5),
        ("indicators/haiyan-2016", 4),
    ] {
        let dir = Path::new(ROOT).join(dir);
        let rules = RuleSet::load_dir(&dir).unwrap();
        let run = ruletests::run(&rules, &dir).unwrap();
        assert_eq!(run.cases.len(), n, "{}", dir.display());
        let failed: Vec<_> = run.failed().collect();
        assert!(failed.is_empty(), "{failed:#?}");
        let o = fazhi(&["test", dir.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        assert_eq!(text(&o.stderr), format!("{n} passed, 0 failed\n"));
    }
}

#[test]
fn a_rule_changed_under_its_tests_fails_naming_the_item() {
    // 出庭应诉率: half a point per point below 100 becomes a 7-point item's worth.
    let (_tmp, dir) = national_changed(
        "areas/6-disputes.yaml",
        "score: deduct_below(d.litigation.head_appearance_rate, 100, 1, 0.5)",
        "score: deduct_below(d.litigation.head_appearance_rate, 100, 1, 0.5) * 0.5",
    );
    let rules = RuleSet::load_dir(&dir).unwrap();
    let run = ruletests::run(&rules, &dir).unwrap();
    let failed: Vec<_> = run.failed().collect();
    assert_eq!(failed.len(), 1, "{failed:#?}");
    assert!(failed[0].name.starts_with("郓城县 2018"));
    let m = &failed[0].mismatches;
    assert_eq!(m.len(), 1, "{m:#?}");
    assert_eq!(
        (
            m[0].what.as_str(),
            m[0].id.as_deref(),
            m[0].expected.as_str(),
            m[0].got.as_str()
        ),
        ("item", Some("6.2.1"), "14", "7")
    );
    assert!(
        m[0].explanation.to_string().contains("本项得7分"),
        "{}",
        m[0].explanation
    );
    // The command line: each mismatch with the item and its explanation, exit code 3.
    let o = fazhi(&["test", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    let out = text(&o.stdout);
    assert!(
        out.contains("FAIL tests/seed-counties.yaml: 郓城县 2018"),
        "{out}"
    );
    assert!(
        out.contains("  item `6.2.1`: expected 14, got 7\n"),
        "{out}"
    );
    assert_eq!(text(&o.stderr), "4 passed, 1 failed\n");
}

#[test]
fn fazhi_diff_lists_the_tests_of_old_that_new_breaks() {
    let (_tmp, new) = national_changed(
        "areas/1-functions.yaml",
        "score: deduct_below(d.service.centre_entry_rate, 95, 1, 0.5)",
        "score: deduct_below(d.service.centre_entry_rate, 95, 1, 1)",
    );
    let old = Path::new(ROOT).join("indicators/national-2021");
    let o = fazhi(&["diff", old.to_str().unwrap(), new.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(
        err.contains("FAIL tests/seed-counties.yaml: 清丰县 2020"),
        "{err}"
    );
    // 89.4 is 5.6 below 95: 1 point each → 10 − 5.6 = 4.4 (was 7.2).
    assert!(err.contains("item `1.3.3`: expected 7.2, got 4.4"), "{err}");
    assert!(!err.contains("郓城县"), "{err}");
    // The same rule set: nothing broken.
    let o = fazhi(&["diff", old.to_str().unwrap(), old.to_str().unwrap()]);
    assert!(
        !text(&o.stderr).contains("test broken"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn the_tests_folder_is_no_part_of_the_rules() {
    let dir = Path::new(ROOT).join("indicators/national-2021");
    assert!(dir.join("tests").is_dir());
    let src = RuleSource::from_dir(&dir).unwrap();
    assert!(src
        .documents()
        .iter()
        .all(|(n, _)| !n.starts_with("tests/")));
    // The same identity as the built-in rule set (embedded without its tests).
    assert_eq!(src.hash(), RuleSet::builtin().unwrap().hash());
}

#[test]
fn a_case_whose_county_cannot_be_read_fails_and_an_inline_county_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("rules");
    copy_dir(&Path::new(ROOT).join("tests/rules/mini"), &dir);
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    std::fs::write(
        dir.join("tests/t.yaml"),
        r#"tests:
  - name: missing file
    county: nosuch.yaml
  - name: inline
    county:
      county: { id: x, name: 某县 }
      data: { litigation: { head_appearance_rate: 90 } }
    expect:
      status: { "1.1": scored, "1.2": no_data }
      total: 999
"#,
    )
    .unwrap();
    let rules = RuleSet::load_dir(&dir).unwrap();
    let run = ruletests::run(&rules, &dir).unwrap();
    assert_eq!(run.cases.len(), 2);
    assert!(run.cases[0]
        .error
        .as_deref()
        .unwrap()
        .contains("nosuch.yaml"));
    let m = &run.cases[1].mismatches;
    assert_eq!(m.len(), 1, "{m:#?}");
    assert_eq!(
        (m[0].what.as_str(), m[0].expected.as_str()),
        ("total", "999")
    );
    // A misspelt key of a test file is refused with its place.
    std::fs::write(
        dir.join("tests/t.yaml"),
        "tests:\n  - name: x\n    county: a.yaml\n    expcet: {}\n",
    )
    .unwrap();
    let e = ruletests::run(&rules, &dir).unwrap_err().to_string();
    assert!(e.contains("t.yaml:4:5") && e.contains("expcet"), "{e}");
}
