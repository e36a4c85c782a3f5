//! The JSON of the seed counties' reports, gap analyses and ranking, byte for byte as they were
//! before issue 25 (lean reports) changed how item results are kept: `tests/golden/` holds the
//! output of the commit before that change. A documented fix that changes one of them replaces its
//! file in the same commit, and the commit message says which fix.

use std::path::Path;
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn fazhi(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_fazhi"))
        .args(args)
        .current_dir(ROOT)
        .output()
        .expect("run fazhi");
    assert!(
        out.status.success(),
        "fazhi {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn same(golden: &str, got: String) {
    let want = std::fs::read_to_string(Path::new(ROOT).join("tests/golden").join(golden))
        .expect("golden file");
    if want != got {
        let line = want
            .lines()
            .zip(got.lines())
            .position(|(a, b)| a != b)
            .map_or(want.lines().count().min(got.lines().count()), |l| l);
        panic!(
            "{golden} differs from line {}:\n  was: {:?}\n  now: {:?}",
            line + 1,
            want.lines().nth(line),
            got.lines().nth(line)
        );
    }
}

const SEEDS: [&str; 5] = [
    "haiyan-2016",
    "linshu-2024",
    "qingfeng-2020",
    "qingshan-2020",
    "yuncheng-2018",
];

#[test]
fn seed_reports_are_byte_identical() {
    for c in SEEDS {
        let file = format!("fixtures/counties/{c}.yaml");
        same(
            &format!("score-{c}.json"),
            fazhi(&["score", "--format", "json", &file]),
        );
    }
    let plan = "fixtures/haiyan-2016/haiyan-2016.yaml";
    let rules = "indicators/haiyan-2016";
    same(
        "score-haiyan-plan.json",
        fazhi(&["score", "--rules", rules, "--format", "json", plan]),
    );
}

#[test]
fn seed_gap_analyses_are_byte_identical() {
    for c in SEEDS {
        let file = format!("fixtures/counties/{c}.yaml");
        same(
            &format!("gap-{c}.json"),
            fazhi(&["gap", "--format", "json", &file]),
        );
    }
    let plan = "fixtures/haiyan-2016/haiyan-2016.yaml";
    let rules = "indicators/haiyan-2016";
    same(
        "gap-haiyan-plan.json",
        fazhi(&["gap", "--rules", rules, "--format", "json", plan]),
    );
}

#[test]
fn seed_ranking_is_byte_identical() {
    same(
        "rank-national.json",
        fazhi(&["rank", "--quiet", "--format", "json", "fixtures/counties"]),
    );
}
