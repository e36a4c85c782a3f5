//! Every HTML report rendered in headless Chromium, as a person would open and print it: the
//! rendered text holds every county, every item id and every total of the same command's JSON;
//! the page logs no console message (no script error); printed to PDF every page is A4
//! (595 × 842 pt), carries the provenance in its margin, and no table is cut at the right edge
//! (every row's last cell is in the PDF's text, and no word ends past the right margin).
//!
//! Needs the Debian packages `chromium`, `fonts-noto-cjk` and `poppler-utils` (`pdfinfo`,
//! `pdftotext`); `.ci/run` installs them. Where they are missing the tests say so and pass,
//! except under `CI=true`, where they fail.

#![cfg(feature = "html")]

mod common;

use common::text_of;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_fazhi");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn have(cmd: &str) -> bool {
    Command::new(cmd).arg("--version").output().is_ok()
}

/// The Chromium binary, or `None` (with a message) where the tools are missing; panics under
/// `CI=true`, where they must be installed.
fn chromium() -> Option<&'static str> {
    let found = ["chromium", "chromium-browser"]
        .into_iter()
        .find(|c| have(c));
    let poppler = have("pdfinfo") && have("pdftotext");
    match (found, poppler) {
        (Some(c), true) => Some(c),
        _ => {
            let msg = "the HTML browser tests need Chromium and poppler-utils with a CJK font: \
                       `apt-get install -y --no-install-recommends chromium fonts-noto-cjk poppler-utils`";
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("{msg} (CI=true: they must run here)");
            }
            eprintln!("SKIPPED: {msg}");
            None
        }
    }
}

fn fazhi(args: &[&str]) -> Vec<u8> {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "fazhi {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn json(args: &[&str]) -> Value {
    serde_json::from_slice(&fazhi(args)).unwrap()
}

const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

fn run_chromium(chrome: &str, extra: &[String], page: &Path) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(chrome)
        .args(FLAGS)
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The text of every row's last cell in the HTML source (the cell a cut would lose first).
fn last_cells(html: &str) -> Vec<String> {
    html.split("</tr>")
        .filter_map(|row| {
            let start = row.rfind("<td")?;
            let rest = &row[start..];
            let open = rest.find('>')?;
            let end = rest.find("</td>")?;
            Some(text_of(&rest[open + 1..end]))
        })
        .filter(|t| !t.trim().is_empty())
        .collect()
}

/// What went wrong with one page in the browser, as sentences (empty when nothing).
fn problems(chrome: &str, html_path: &Path, must_contain: &[String]) -> Vec<String> {
    let mut bad = Vec::new();
    let html = std::fs::read_to_string(html_path).unwrap();
    if html.contains("http://") && !html.contains("http://www.w3.org/2000/svg")
        || html.contains("https://")
        || html.contains("src=")
    {
        bad.push("the page refers to something outside itself".into());
    }
    let (dom, log) = run_chromium(
        chrome,
        &[
            "--enable-logging=stderr".into(),
            "--v=0".into(),
            "--dump-dom".into(),
        ],
        html_path,
    );
    let text = text_of(&dom);
    if !text.contains("规则集") {
        bad.push(format!("the DOM has no text (Chromium said: {log})"));
    }
    for want in must_contain {
        if !text.contains(want.as_str()) {
            bad.push(format!("`{want}` is not in the rendered text"));
        }
    }
    for line in log.lines().filter(|l| l.contains("CONSOLE")) {
        bad.push(format!("console message: {line}"));
    }
    let pdf = html_path.with_extension("pdf");
    run_chromium(
        chrome,
        &[
            "--no-pdf-header-footer".into(),
            format!("--print-to-pdf={}", pdf.display()),
        ],
        html_path,
    );
    let info = Command::new("pdfinfo")
        .args(["-f", "1", "-l", "9999"])
        .arg(&pdf)
        .output()
        .unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    let sizes: Vec<&str> = info
        .lines()
        .filter(|l| l.starts_with("Page") && l.contains("size:"))
        .collect();
    if sizes.is_empty() {
        bad.push(format!("no pages in the PDF: {info}"));
    }
    for s in &sizes {
        // Chromium writes A4 as 594.96 × 841.92 pt: 595 × 842 to the point.
        let nums: Vec<f64> = s
            .split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect();
        let (w, h) = (nums[nums.len() - 2], nums[nums.len() - 1]);
        if (w.round(), h.round()) != (595.0, 842.0) {
            bad.push(format!("not an A4 page: {s}"));
        }
    }
    // Provenance on every page: the page margin names the engine and the rule set's sha256.
    let plain = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let plain = String::from_utf8_lossy(&plain.stdout);
    for (k, page) in plain.split('\u{c}').enumerate().take(sizes.len()) {
        let page = squash(page);
        if !(page.contains("引擎：fazhi") && page.contains("sha256")) {
            bad.push(format!("page {} carries no provenance", k + 1));
        }
    }
    let raw = Command::new("pdftotext")
        .args(["-raw"])
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let pdf_text = squash(&String::from_utf8_lossy(&raw.stdout));
    for cell in last_cells(&html) {
        if !pdf_text.contains(&squash(&cell)) {
            bad.push(format!(
                "a row's last cell `{cell}` is missing from the printed PDF"
            ));
        }
    }
    let bbox = Command::new("pdftotext")
        .args(["-bbox"])
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    // The right margin is 12 mm = 34 pt: no word may end past 595 − 34 = 561 pt (+1 pt).
    for line in String::from_utf8_lossy(&bbox.stdout).lines() {
        if let Some(x) = line
            .split("xMax=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .and_then(|x| x.parse::<f64>().ok())
        {
            if x > 562.0 {
                bad.push(format!(
                    "a word runs into the right margin: {}",
                    line.trim()
                ));
                break;
            }
        }
    }
    bad
}

fn check(chrome: &str, dir: &Path, name: &str, args: &[&str], must: Vec<String>) {
    let path = dir.join(format!("{name}.html"));
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--format", "html", "--out"]);
    let p = path.display().to_string();
    all.push(&p);
    fazhi(&all);
    let bad = problems(chrome, &path, &must);
    assert!(bad.is_empty(), "{name}: {}", bad.join("\n"));
}

/// A report's county, total and every item id.
fn report_words(r: &Value, out: &mut Vec<String>) {
    out.push(r["county"]["name"].as_str().unwrap().to_string());
    out.push(r["summary"]["total"].to_string());
    for i in r["items"].as_array().unwrap() {
        out.push(i["id"].as_str().unwrap().to_string());
    }
}

const MINI: &[&str] = &["--rules", "tests/rules/mini"];
const DATA: [&str; 2] = ["tests/data/mini-good.yaml", "tests/data/mini-vetoed.yaml"];

#[test]
fn score_reports_render_and_print() {
    let Some(chrome) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    // The mini rule set: two counties in one document.
    let mut args: Vec<&str> = vec!["score"];
    args.extend(MINI);
    args.extend(DATA);
    let mut must = Vec::new();
    let mut jargs = args.clone();
    jargs.extend(["--format", "json"]);
    for r in json(&jargs).as_array().unwrap() {
        report_words(r, &mut must);
    }
    check(chrome, dir.path(), "score-mini", &args, must);
    // The national rule set on a real county: its long tables must still fit the page.
    let county = "fixtures/counties/yuncheng-2018.yaml";
    let mut must = Vec::new();
    report_words(&json(&["score", "--format", "json", county]), &mut must);
    check(
        chrome,
        dir.path(),
        "score-national",
        &["score", county],
        must,
    );
}

#[test]
fn gap_reports_render_and_print() {
    let Some(chrome) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let county = "fixtures/counties/yuncheng-2018.yaml";
    let args = ["gap", "--peers", "fixtures/counties", county];
    let g = json(&[
        "gap",
        "--format",
        "json",
        "--peers",
        "fixtures/counties",
        county,
    ]);
    let mut must = vec![
        g["county"]["name"].as_str().unwrap().to_string(),
        g["total"].to_string(),
    ];
    for key in ["lost", "no_data"] {
        for i in g[key].as_array().unwrap() {
            must.push(i["id"].as_str().unwrap().to_string());
        }
    }
    check(chrome, dir.path(), "gap", &args, must);
}

#[test]
fn policy_reports_render_and_print() {
    let Some(chrome) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    // rank: every county and its total.
    let mut args: Vec<&str> = vec!["rank", "--quiet"];
    args.extend(MINI);
    args.extend(DATA);
    let mut jargs = args.clone();
    jargs.extend(["--format", "json"]);
    let rank = json(&jargs);
    let mut must = Vec::new();
    for r in rank["rows"].as_array().unwrap() {
        must.push(r["county"]["name"].as_str().unwrap().to_string());
        must.push(r["total"].to_string());
    }
    check(chrome, dir.path(), "rank", &args, must);

    // whatif: every county with both totals.
    let mut args: Vec<&str> = vec!["whatif", "--scenario", "tests/scenarios/mini.yaml"];
    args.extend(MINI);
    args.extend(DATA);
    let mut jargs = args.clone();
    jargs.extend(["--format", "json"]);
    let w = json(&jargs);
    let mut must = Vec::new();
    for c in w["counties"].as_array().unwrap() {
        must.push(c["name"].as_str().unwrap().to_string());
        must.push(c["baseline_total"].to_string());
        must.push(c["scenario_total"].to_string());
    }
    check(chrome, dir.path(), "whatif", &args, must);

    // uncertainty: every county and its baseline total, with Sobol indices.
    let mut args: Vec<&str> = vec![
        "uncertainty",
        "--runs",
        "50",
        "--noise",
        "1=0.25",
        "--sensitivity",
        "16",
    ];
    args.extend(MINI);
    args.extend(DATA);
    let mut jargs = args.clone();
    jargs.extend(["--format", "json"]);
    let u = json(&jargs);
    let mut must = vec!["Sobol".to_string()];
    for c in u["counties"].as_array().unwrap() {
        must.push(c["name"].as_str().unwrap().to_string());
        must.push(c["baseline_total"].to_string());
    }
    check(chrome, dir.path(), "uncertainty", &args, must);

    // diff: the mini rule set against its three-level variant moves the counties.
    let mut args: Vec<&str> = vec!["diff", "--quiet", "tests/rules/mini", "tests/rules/weights"];
    args.extend(DATA);
    let mut jargs = args.clone();
    jargs.extend(["--format", "json"]);
    let d = json(&jargs);
    let mut must = Vec::new();
    for c in d["counties"].as_array().unwrap() {
        must.push(c["county"]["name"].as_str().unwrap().to_string());
        must.push(c["new_total"].to_string());
    }
    check(chrome, dir.path(), "diff", &args, must);
}

/// The checks above can fail: a page with a script error and a table wider than the sheet is
/// caught on both counts.
#[test]
fn the_browser_checks_catch_errors_and_cut_tables() {
    let Some(chrome) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let cells: String = (0..30)
        .map(|i| format!("<td style=\"white-space:nowrap\">column{i:02}-wide-cell</td>"))
        .collect();
    let page = dir.path().join("bad.html");
    std::fs::write(
        &page,
        format!("<html><head><style>@page{{size:A4;margin:12mm}}</style></head><body><p>规则集</p><table><tr>{cells}</tr></table><script>undefinedFunction()</script></body></html>"),
    )
    .unwrap();
    let bad = problems(chrome, &page, &["不存在的县".to_string()]);
    let all = bad.join("\n");
    assert!(
        all.contains("`不存在的县` is not in the rendered text"),
        "{all}"
    );
    assert!(all.contains("console message"), "{all}");
    assert!(all.contains("column29-wide-cell"), "{all}");
    assert!(all.contains("page 1 carries no provenance"), "{all}");
}
