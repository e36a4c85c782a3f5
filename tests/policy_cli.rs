//! `fazhi whatif` and `fazhi uncertainty`: output, snapshots on the seed counties, determinism,
//! the files written beside each other, and exit codes on bad input.

use std::path::Path;
use std::process::{Command, Output};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn fazhi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fazhi"))
        .args(args)
        .current_dir(ROOT)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

const SEEDS: [&str; 5] = [
    "fixtures/counties/haiyan-2016.yaml",
    "fixtures/counties/linshu-2024.yaml",
    "fixtures/counties/qingfeng-2020.yaml",
    "fixtures/counties/qingshan-2020.yaml",
    "fixtures/counties/yuncheng-2018.yaml",
];

#[test]
fn whatif_on_the_seed_counties() {
    let mut args = vec![
        "whatif",
        "--scenario",
        "examples/scenarios/disputes-first.yaml",
    ];
    args.extend(SEEDS);
    args.extend([
        "fixtures/synthetic/strong.yaml",
        "fixtures/synthetic/middling.yaml",
        "fixtures/synthetic/vetoed.yaml",
    ]);
    let o = fazhi(&args);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    insta::assert_snapshot!("whatif_seed_counties", text(&o.stdout));
    let mut json = args.clone();
    json.extend(["--format", "json"]);
    let o = fazhi(&json);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["scenario"], "disputes-first");
    assert_eq!(v["counties"].as_array().unwrap().len(), 8);
    // The full list of changed points is in the JSON, down to the items.
    assert!(v["points"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["id"] == "6.2.1" && p["after"] == 18));
}

#[test]
fn whatif_on_the_mini_rule_set_in_every_format() {
    let base = [
        "whatif",
        "--rules",
        "tests/rules/mini",
        "--scenario",
        "tests/scenarios/mini.yaml",
        "tests/data/mini-good.yaml",
        "tests/data/mini-vetoed.yaml",
    ];
    let o = fazhi(&base);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    insta::assert_snapshot!("whatif_mini", text(&o.stdout));
    let mut csv = base.to_vec();
    csv.extend(["--format", "csv"]);
    insta::assert_snapshot!("whatif_mini_csv", text(&fazhi(&csv).stdout));
    // Same inputs, same bytes.
    assert_eq!(fazhi(&base).stdout, o.stdout);
}

#[test]
fn whatif_reports_scenario_errors_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let s = dir.path().join("bad.yaml");
    std::fs::write(
        &s,
        "id: bad\nname: 错误\npoints:\n  \"1.9\": 3\n  \"2\": -1\n",
    )
    .unwrap();
    let o = fazhi(&[
        "whatif",
        "--rules",
        "tests/rules/mini",
        "--scenario",
        s.to_str().unwrap(),
        "tests/data/mini-good.yaml",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains(&format!("{}:4:3: error: `1.9` is not a node", s.display())),
        "{err}"
    );
    assert!(
        err.contains(":5:3: error: `2`: points -1 are negative"),
        "{err}"
    );
    assert!(err.contains("the scenario has 2 error(s)"), "{err}");
    assert!(o.stdout.is_empty());
    // A missing scenario file, and bad county data, are bad input too.
    let o = fazhi(&[
        "whatif",
        "--rules",
        "tests/rules/mini",
        "--scenario",
        "no/such.yaml",
        "tests/data/mini-good.yaml",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    let o = fazhi(&[
        "whatif",
        "--rules",
        "tests/rules/mini",
        "--scenario",
        "tests/scenarios/mini.yaml",
        "no/such/county.yaml",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn uncertainty_writes_json_csv_and_svg_deterministically() {
    let dir = tempfile::tempdir().unwrap();
    let out = |d: &Path| {
        let mut args = vec![
            "uncertainty",
            "--noise",
            "1=0.3",
            "--noise",
            "2=dirichlet:40",
            "--noise",
            "3=0.2",
            "--runs",
            "500",
            "--seed",
            "7",
            "--sensitivity",
            "200",
            "--out-dir",
            d.to_str().unwrap(),
        ];
        args.extend(SEEDS);
        args.push("fixtures/synthetic");
        fazhi(&args)
    };
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let o = out(&a);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let md = text(&o.stdout);
    assert!(
        md.contains("# 排名稳健性分析") && md.contains("敏感性分析"),
        "{md}"
    );
    let o2 = out(&b);
    assert_eq!(o.stdout, o2.stdout);
    for f in ["uncertainty.json", "uncertainty.csv", "rank-intervals.svg"] {
        let (x, y) = (
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
        );
        assert_eq!(x, y, "{f} differs between runs");
    }
    let svg = std::fs::read_to_string(a.join("rank-intervals.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert_eq!(
        svg.matches("<g class=\"county").count(),
        8,
        "one row per county"
    );
    assert_eq!(svg.matches("<g class=\"county vetoed\">").count(), 1);
    let csv = std::fs::read_to_string(a.join("uncertainty.csv")).unwrap();
    // A CSV file starts with the UTF-8 byte-order mark, for Excel (README, CSV for Excel).
    assert!(csv.starts_with("\u{feff}county_id,county_name,vetoed,baseline_total,baseline_rank,median_rank,p05_rank,p95_rank,mean_rank_shift,pass_demonstration\n"), "{csv}");
    assert_eq!(csv.lines().count(), 9);
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(a.join("uncertainty.json")).unwrap()).unwrap();
    assert_eq!(json["runs"], 500);
    assert_eq!(json["float_total"], false);
    assert_eq!(json["total_points"], 1000);
    assert!(md.contains("总分：每次抽样按比例缩放回 1000 分"), "{md}");
    assert_eq!(json["sensitivity"]["evaluations"], 200 * 10);
}

#[test]
fn uncertainty_rejects_bad_noise_and_levels() {
    let o = fazhi(&[
        "uncertainty",
        "--noise",
        "1=1.5",
        "tests/data/mini-good.yaml",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("outside [0, 1)"),
        "{}",
        text(&o.stderr)
    );
    let o = fazhi(&["uncertainty", "--noise", "x", "tests/data/mini-good.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    let o = fazhi(&[
        "uncertainty",
        "--rules",
        "tests/rules/mini",
        "--noise",
        "4=0.2",
        "tests/data/mini-good.yaml",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("level 4 does not exist"),
        "{}",
        text(&o.stderr)
    );
    let o = fazhi(&[
        "uncertainty",
        "--rules",
        "tests/rules/mini",
        "--noise",
        "1=0.2",
        "--noise",
        "1=0.3",
        "tests/data/mini-good.yaml",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("twice"), "{}", text(&o.stderr));
    let o = fazhi(&[
        "uncertainty",
        "--rules",
        "tests/rules/mini",
        "--noise",
        "1=uniform",
        "--sensitivity",
        "10",
        "tests/data/mini-good.yaml",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("factor noise"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn uncertainty_on_the_mini_rule_set_with_a_vetoed_county() {
    // Snapshots of the Markdown and the chart: the vetoed county is marked in both, and its
    // pass probabilities are 0 although its total is the best.
    let dir = tempfile::tempdir().unwrap();
    let o = fazhi(&[
        "uncertainty",
        "--rules",
        "tests/rules/mini",
        "--noise",
        "1=0.4",
        "--noise",
        "2=0.2",
        "--runs",
        "400",
        "--seed",
        "3",
        "--out-dir",
        dir.path().to_str().unwrap(),
        "tests/data/mini-good.yaml",
        "tests/data/mini-vetoed.yaml",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    insta::assert_snapshot!("uncertainty_mini", text(&o.stdout));
    let svg = std::fs::read_to_string(dir.path().join("rank-intervals.svg")).unwrap();
    insta::assert_snapshot!("uncertainty_mini_svg", svg);
}

#[test]
fn uncertainty_float_total_flag() {
    let run = |extra: &[&str]| {
        let mut args = vec![
            "uncertainty",
            "--noise",
            "1=0.3",
            "--noise",
            "2=0.3",
            "--runs",
            "2000",
            "--seed",
            "1",
            "fixtures/synthetic/strong.yaml",
            "fixtures/synthetic/middling.yaml",
        ];
        args.extend(extra);
        let o = fazhi(&args);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        text(&o.stdout)
    };
    let pass = |md: &str| -> f64 {
        let row = md
            .lines()
            .find(|l| l.starts_with("| synthetic-strong "))
            .unwrap();
        let cell = row.trim_end_matches('|').rsplit('|').next().unwrap().trim();
        cell.trim_end_matches('%').parse().unwrap()
    };
    let (kept, floating) = (run(&[]), run(&["--float-total"]));
    assert!(floating.contains("总分：随抽样浮动（--float-total；起点 1000 分，达标线不变）"));
    assert!(pass(&floating) < pass(&kept), "{floating}\n{kept}");
    assert!(pass(&kept) > 98.0, "{kept}");
}

#[test]
fn uncertainty_reports_what_it_cannot_do() {
    for (args, says) in [
        (
            vec!["--noise", "1=0.2", "--sensitivity", "1"],
            "at least 2 base samples",
        ),
        (vec!["--runs", "600000000"], "lower --runs"),
    ] {
        let mut all = vec!["uncertainty", "--rules", "tests/rules/mini"];
        all.extend(args);
        all.extend(["tests/data/mini-good.yaml", "tests/data/mini-vetoed.yaml"]);
        let o = fazhi(&all);
        assert_eq!(o.status.code(), Some(2), "{all:?}");
        assert!(text(&o.stderr).contains(says), "{}", text(&o.stderr));
        assert!(o.stdout.is_empty());
    }
}
