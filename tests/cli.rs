//! The `fazhi` binary: lint output and exit codes, score formats, atomic --out, bad input.

mod common;
use common::{fazhi, text, MINI};

const GOOD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/mini-good.yaml");
const VETOED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/mini-vetoed.yaml");

#[test]
fn lint_clean_rule_set_exits_zero() {
    let o = fazhi(&["lint", MINI]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout), "");
}

#[test]
fn lint_lists_every_error_as_file_line_col() {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(MINI).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.path().join(e.file_name())).unwrap();
    }
    let areas = dir.path().join("areas.yaml");
    let t = std::fs::read_to_string(&areas).unwrap();
    let t = t
        .replacen("    points: 12\n", "    points: 13\n", 1)
        .replacen(
            "deduct_each(d.enforcement.violations_found, 0.5)",
            "deduct_each(d.enforcement.violation_found, 0.5)",
            1,
        );
    std::fs::write(&areas, t).unwrap();
    let o = fazhi(&["lint", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let out = text(&o.stdout);
    let lines: Vec<&str> = out.lines().filter(|l| l.contains(": error: ")).collect();
    assert!(lines.len() >= 3, "{out}");
    let prefix = format!("{}:", areas.display());
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(&prefix) && l.contains("`1` has 13 points")),
        "{out}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("reads `d.enforcement.violation_found`")),
        "{out}"
    );
    // file:line:col
    let first = lines.iter().find(|l| l.starts_with(&prefix)).unwrap();
    let loc: Vec<&str> = first[prefix.len()..].splitn(3, ':').collect();
    assert!(
        loc[0].parse::<usize>().is_ok() && loc[1].parse::<usize>().is_ok(),
        "{first}"
    );

    // The same findings as JSON, for CI and editors: the counts, then each diagnostic with its
    // stable code and its place (the same text lines are the JSON's, one for one).
    let o = fazhi(&["lint", "--format", "json", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let diags = v["diagnostics"].as_array().unwrap();
    assert_eq!(v["errors"].as_u64().unwrap() as usize, lines.len());
    assert_eq!(
        diags.iter().filter(|d| d["severity"] == "error").count(),
        lines.len()
    );
    let points = diags
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("`1` has 13 points"))
        .unwrap();
    assert_eq!(points["file"], areas.display().to_string());
    assert!(points["line"].as_u64().unwrap() > 0 && points["column"].as_u64().unwrap() > 0);
    assert!(points["code"].is_string());
    assert!(diags
        .iter()
        .any(|d| d["message"].as_str().unwrap().contains("violation_found")));
}

#[test]
fn score_renders_md_json_and_csv() {
    let md = fazhi(&["score", "--rules", MINI, GOOD]);
    assert_eq!(md.status.code(), Some(0), "{}", text(&md.stderr));
    assert!(text(&md.stdout).contains("# 示例县（2021年）法治政府建设评分报告"));
    let json = fazhi(&["score", "--rules", MINI, "--format", "json", GOOD]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["summary"]["total"], serde_json::json!(11.048));
    // Two counties (the same file named twice is read once: issue 18).
    let csv = fazhi(&["score", "--rules", MINI, "--format", "csv", GOOD, VETOED]);
    let out = text(&csv.stdout);
    // mini-good: 7 items, 2 bonuses, the bonus-cap row (1.5 + 2 = 3.5 over the cap 3), 2
    // penalties and the total row; mini-vetoed: the same without the cap row (3 + 0 = 3 is
    // within the cap).
    assert_eq!(
        out.lines().count(),
        1 + (7 + 2 + 1 + 2 + 1) + (7 + 2 + 2 + 1)
    );
    assert!(out.starts_with("county_id,county_name,"));
    // Two counties in JSON are an array.
    let json = fazhi(&["score", "--rules", MINI, "--format", "json", GOOD, VETOED]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    let once = fazhi(&["score", "--rules", MINI, "--format", "json", GOOD, GOOD]);
    let v: serde_json::Value = serde_json::from_slice(&once.stdout).unwrap();
    assert_eq!(v["county"]["id"], serde_json::json!("mini-good"));
}

#[test]
fn same_inputs_same_bytes() {
    let a = fazhi(&["score", "--rules", MINI, "--format", "json", GOOD]);
    let b = fazhi(&["score", "--rules", MINI, "--format", "json", GOOD]);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn out_writes_the_file_whole_and_keeps_the_old_one_on_failure() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    std::fs::write(&out, "old").unwrap();
    let o = fazhi(&[
        "score",
        "--rules",
        MINI,
        "--format",
        "json",
        "--out",
        out.to_str().unwrap(),
        GOOD,
    ]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["county"]["id"], "mini-good");
    // A bad data file: exit 2 and the previous output untouched.
    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "county: {id: b, name: 县}\ndata:\n  service.online_rate: 120\n",
    )
    .unwrap();
    std::fs::write(&out, "old").unwrap();
    let o = fazhi(&[
        "score",
        "--rules",
        MINI,
        "--out",
        out.to_str().unwrap(),
        bad.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("above the allowed maximum 100"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "old");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 2, "no temporary files left behind");
}

#[test]
fn bad_rules_and_missing_files_exit_two() {
    let o = fazhi(&["score", "--rules", "/no/such/dir", GOOD]);
    assert_eq!(o.status.code(), Some(2));
    let o = fazhi(&["score", "--rules", MINI, "/no/such/file.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("/no/such/file.yaml"));
}

#[test]
fn the_built_in_rule_set_lints_clean() {
    let o = fazhi(&["lint"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
}
