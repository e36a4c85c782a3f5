//! The workbench (issue 28) over real HTTP: its page and assets (compiled in, nothing from another
//! host), every `/api/workbench/` route, its limits and its refusals. The browser side is
//! `tests/browser/test_workbench.py` (run by `.ci/run`).

#[path = "common/server.rs"]
mod server;

use reqwest::blocking::{Client, Response};
use serde_json::{json, Value};
use server::Server;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_fazhi");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn client() -> Client {
    Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap()
}

fn content_type(r: &Response) -> String {
    r.headers()[reqwest::header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_string()
}

/// The error body of a refusal: (status, kind, message).
fn refusal(r: Response) -> (u16, String, String) {
    let status = r.status().as_u16();
    let v: Value = r.json().unwrap();
    (
        status,
        v["error"]["kind"].as_str().unwrap().to_string(),
        v["error"]["message"].as_str().unwrap().to_string(),
    )
}

/// A new data set holding `files` (name, bytes), its id.
fn dataset_of(s: &Server, files: &[(&str, Vec<u8>)]) -> String {
    let c = client();
    let id = get_json(c.post(s.url("/api/workbench/datasets")));
    let id = id["id"].as_str().unwrap().to_string();
    for (name, bytes) in files {
        let r = c
            .put(s.url(&format!("/api/workbench/datasets/{id}/files/{name}")))
            .body(bytes.clone())
            .send()
            .unwrap();
        assert_eq!(r.status(), 200, "{name}: {}", r.text().unwrap());
    }
    id
}

/// A new data set holding `files` (paths under the repository), its id.
fn dataset(s: &Server, files: &[&str]) -> String {
    let files: Vec<(&str, Vec<u8>)> = files
        .iter()
        .map(|f| {
            (
                f.rsplit('/').next().unwrap(),
                std::fs::read(format!("{ROOT}/{f}")).unwrap(),
            )
        })
        .collect();
    dataset_of(s, &files)
}

/// The JSON answer of a request that must succeed.
fn get_json(r: reqwest::blocking::RequestBuilder) -> Value {
    let r = r.send().unwrap();
    assert_eq!(r.status(), 200, "{}", r.url());
    r.json().unwrap()
}

/// Runs `fazhi ARGS… SEEDS` in the repository; its standard output (it must succeed).
fn cli_on_seeds(args: &[&str]) -> Vec<u8> {
    let out = Command::new(BIN)
        .current_dir(ROOT)
        .args(args)
        .args(SEEDS)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "fazhi {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

const SEEDS: [&str; 3] = [
    "fixtures/counties/yuncheng-2018.yaml",
    "fixtures/counties/linshu-2024.yaml",
    "fixtures/counties/qingfeng-2020.yaml",
];

#[test]
fn the_page_and_its_assets_are_served_with_their_types_and_load_nothing_from_elsewhere() {
    let s = Server::start(BIN, &[]);
    let c = client();
    let mut all = String::new();
    for (path, ty) in [
        ("/", "text/html; charset=utf-8"),
        ("/workbench/app.js", "text/javascript; charset=utf-8"),
        ("/workbench/app.css", "text/css; charset=utf-8"),
    ] {
        let r = c.get(s.url(path)).send().unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(content_type(&r), ty, "{path}");
        all.push_str(&r.text().unwrap());
    }
    // Chinese first, and the page names its own script and style sheet by relative URLs.
    assert!(all.contains("<html lang=\"zh-CN\">") && all.contains("工作台"));
    assert!(
        all.contains("src=\"/workbench/app.js\"") && all.contains("href=\"/workbench/app.css\"")
    );
    // No other host: the only absolute URL is the SVG namespace the script writes into its chart.
    let outside: Vec<&str> = all
        .match_indices("http")
        .map(|(i, _)| &all[i..(i + 40).min(all.len())])
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
        .filter(|u| !u.starts_with("http://www.w3.org/2000/svg"))
        .collect();
    assert!(outside.is_empty(), "{outside:?}");
    assert!(!all.contains("@import") && !all.contains("url("));
}

#[test]
fn it_listens_on_loopback_unless_told_and_fazhi_workbench_prints_the_address() {
    let help = Command::new(BIN)
        .args(["serve", "--help"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("[default: 127.0.0.1:8080]"));
    let mut child = Command::new(BIN)
        .args(["workbench", "--addr", "127.0.0.1:0"])
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let second = lines.next().unwrap().unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        first.starts_with("fazhi serve: listening on http://127.0.0.1:"),
        "{first}"
    );
    assert!(
        second.starts_with("fazhi workbench: open http://127.0.0.1:")
            && second.ends_with("(工作台)"),
        "{second}"
    );
}

#[test]
fn the_rule_set_page_has_the_tree_lint_and_tests() {
    let s = Server::start(BIN, &["--rules", &format!("{ROOT}/tests/rules/mini")]);
    let c = client();
    let national: Value = get_json(c.get(s.url("/api/workbench/rulesets/national-2021")));
    let rules = fazhi::RuleSet::builtin().unwrap();
    assert_eq!(
        national["tree"].as_array().unwrap().len(),
        rules.nodes().len()
    );
    // 6.1.3 行政复议直接纠错率: its 评分细则, rule and fields, as the rule-set page shows them.
    let item = national["tree"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == "6.1.3")
        .unwrap();
    assert!(item["leaf"]["rule_text"]
        .as_str()
        .unwrap()
        .contains("直接纠错率"));
    assert!(item["leaf"]["score"]
        .as_str()
        .unwrap()
        .contains("tiers_below"));
    assert_eq!(item["leaf"]["inputs"][0], "review.direct_correction_rate");
    // The built-in set lints clean (`fazhi lint`), and its tests are in the source tree.
    assert_eq!(
        national["lint"].as_array().unwrap().len(),
        fazhi::RuleSet::lint(&fazhi::RuleSet::builtin_source())
            .0
            .len()
    );
    assert!(national["tests"]["note"]
        .as_str()
        .unwrap()
        .contains("fazhi test"));
    // A served folder runs the tests beside it (tests/rules/mini/tests).
    let mini: Value = get_json(c.get(s.url("/api/workbench/rulesets/mini")));
    let run = fazhi::ruletests::run(
        &fazhi::RuleSet::load_dir(format!("{ROOT}/tests/rules/mini")).unwrap(),
        std::path::Path::new(&format!("{ROOT}/tests/rules/mini")),
    )
    .unwrap();
    assert_eq!(
        mini["tests"]["cases"].as_array().unwrap().len(),
        run.cases.len()
    );
    assert_eq!(mini["tests"]["passed"], run.passed());
    let (status, kind, message) =
        refusal(c.get(s.url("/api/workbench/rulesets/nope")).send().unwrap());
    assert_eq!((status, kind.as_str()), (404, "not_found"));
    assert!(message.contains("GET /rulesets"));
}

#[test]
fn the_page_learns_the_built_in_rule_set_and_the_bounds() {
    let s = Server::start(BIN, &["--max-counties", "7", "--max-draws", "9"]);
    let v = get_json(client().get(s.url("/api/workbench")));
    assert_eq!(v["builtin"], "national-2021");
    assert_eq!(v["limits"]["max_counties"], 7);
    assert_eq!(v["limits"]["max_draws"], 9);
    // The defaults of the other flags: 4 MiB, 4 data sets, 30 s.
    assert_eq!(v["limits"]["body_limit"], 4 * 1024 * 1024);
    assert_eq!(v["limits"]["workbench_datasets"], 4);
    assert_eq!(v["limits"]["timeout_seconds"], 30.0);
}

#[test]
fn the_template_downloads_as_a_workbook() {
    let s = Server::start(BIN, &[]);
    let r = client()
        .get(s.url("/api/workbench/rulesets/national-2021/template"))
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(content_type(&r), XLSX);
    let disposition = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    let bytes = r.bytes().unwrap().to_vec();
    // The workbook `fazhi template` writes: its sheets, 台账 first.
    use calamine::Reader;
    let book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let names = book.sheet_names();
    assert_eq!(names.first().map(String::as_str), Some("台账"), "{names:?}");
    assert!(names.iter().any(|n| n == "字段说明"), "{names:?}");
}

#[test]
fn a_bad_row_of_a_table_is_shown_and_the_other_rows_load() {
    let s = Server::start(BIN, &["--rules", &format!("{ROOT}/tests/rules/mini")]);
    // The mini rule set's table (tests/data/sheets) with one row spoilt: a percent as text.
    let csv =
        std::fs::read_to_string(format!("{ROOT}/tests/data/sheets/mini-libreoffice.csv")).unwrap();
    // Row 3 (乙县): its 行政机关负责人出庭应诉率 (column G) `88` becomes `很多`.
    let mut lines: Vec<String> = csv.lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 3);
    let mut cells: Vec<&str> = lines[2].split(',').collect();
    assert_eq!((cells[0], cells[6]), ("mini-b", "88"));
    cells[6] = "很多";
    lines[2] = cells.join(",");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("台账.csv"), lines.join("\n")).unwrap();
    let c = client();
    // The name as the page sends it, percent-encoded.
    let id = dataset_of(
        &s,
        &[(
            "%E5%8F%B0%E8%B4%A6.csv",
            std::fs::read(dir.path().join("台账.csv")).unwrap(),
        )],
    );
    let r: Value = get_json(c.get(s.url(&format!(
        "/api/workbench/datasets/{id}/ranking?ruleset=mini"
    ))));
    let failures = r["failures"].as_array().unwrap();
    // What the library says of the same table, with the file named as it was dropped.
    let rules = fazhi::RuleSet::load_dir(format!("{ROOT}/tests/rules/mini")).unwrap();
    let table = fazhi::sheet::read_table(&dir.path().join("台账.csv"), &rules).unwrap();
    let bad: Vec<_> = table.rows.iter().filter(|r| r.data.is_err()).collect();
    assert_eq!(failures.len(), bad.len());
    assert_eq!(failures[0]["path"], format!("台账.csv#{}", bad[0].at));
    let message = failures[0]["error"].as_str().unwrap();
    assert!(message.contains("很多") && !message.contains(&dir.path().display().to_string()));
    assert!(!message.contains("fazhi-workbench-"), "{message}");
    assert_eq!(bad.len(), 1);
    assert_eq!(r["rows"].as_array().unwrap().len(), 1);
    assert_eq!(r["rows"][0]["county"]["id"], "mini-good");
}

#[test]
fn ranking_county_and_downloads_answer_like_the_library() {
    let s = Server::start(BIN, &[]);
    let c = client();
    let id = dataset(&s, &SEEDS);
    let r: Value = get_json(c.get(s.url(&format!("/api/workbench/datasets/{id}/ranking"))));
    // README: 临沭县 172, 郓城县 165, 清丰县 126.2.
    let rows: Vec<(&str, f64)> = r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["county"]["id"].as_str().unwrap(),
                x["total"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("linshu-2024", 172.0),
            ("yuncheng-2018", 165.0),
            ("qingfeng-2020", 126.2)
        ]
    );
    assert_eq!(r["matrix"].as_array().unwrap().len(), 3);
    assert_eq!(r["area_points"].as_array().unwrap().len(), 8);
    assert!(r["distribution_svg"].as_str().unwrap().starts_with("<svg"));
    for (format, ty, magic) in [
        ("xlsx", XLSX, &b"PK"[..]),
        ("csv", "text/csv; charset=utf-8", b"rank,county_id"),
        ("html", "text/html; charset=utf-8", b"<!DOCTYPE html>"),
        ("json", "application/json", b"{"),
    ] {
        let resp = c
            .get(s.url(&format!(
                "/api/workbench/datasets/{id}/ranking/download?format={format}"
            )))
            .send()
            .unwrap();
        assert_eq!(resp.status(), 200, "{format}");
        assert_eq!(content_type(&resp), ty);
        let body = resp.bytes().unwrap();
        let body = body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&body);
        assert!(body.starts_with(magic), "{format}");
    }
    let (status, _, message) = refusal(
        c.get(s.url(&format!(
            "/api/workbench/datasets/{id}/ranking/download?format=pdf"
        )))
        .send()
        .unwrap(),
    );
    assert_eq!(status, 400);
    assert!(message.contains("xlsx, csv, html or json"));

    // A county: the page's view, and its downloads.
    let view: Value = get_json(c.get(s.url(&format!(
        "/api/workbench/datasets/{id}/counties/linshu-2024"
    ))));
    assert_eq!(view["total"], 172);
    assert!(view["report_html"].as_str().unwrap().contains("临沭县"));
    assert!(view["gap_html"].as_str().unwrap().contains("差距分析"));
    let json: Value = get_json(c.get(s.url(&format!(
        "/api/workbench/datasets/{id}/counties/linshu-2024?format=json"
    ))));
    let rules = fazhi::RuleSet::builtin().unwrap();
    let data = fazhi::CountyData::from_file(format!("{ROOT}/{}", SEEDS[1]), &rules).unwrap();
    let want: Value = serde_json::from_str(&fazhi::render::json(&rules.score(&data))).unwrap();
    assert_eq!(json["summary"], want["summary"]);
    assert_eq!(json["items"], want["items"]);
    assert_eq!(json["county"]["source"], "linshu-2024.yaml");
    for (format, ty) in [
        (
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("xlsx", XLSX),
        ("html", "text/html; charset=utf-8"),
    ] {
        let resp = c
            .get(s.url(&format!(
                "/api/workbench/datasets/{id}/counties/linshu-2024?format={format}"
            )))
            .send()
            .unwrap();
        assert_eq!(resp.status(), 200, "{format}");
        assert_eq!(content_type(&resp), ty);
        let name = resp.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            name.contains(&format!("linshu-2024-%E4%B8%B4%E6%B2%AD%E5%8E%BF.{format}")),
            "{name}"
        );
    }
    let (status, kind, message) = refusal(
        c.get(s.url(&format!("/api/workbench/datasets/{id}/counties/nowhere")))
            .send()
            .unwrap(),
    );
    assert_eq!((status, kind.as_str()), (404, "not_found"));
    assert!(message.contains("nowhere"));

    // The batch gap summary: three counties analysed.
    let g: Value = get_json(c.get(s.url(&format!("/api/workbench/datasets/{id}/gaps"))));
    assert_eq!(g["counties"], 3);
}

#[test]
fn uploads_are_refused_with_the_flag_that_raises_their_bound() {
    let s = Server::start(
        BIN,
        &[
            "--body-limit",
            "3000",
            "--max-counties",
            "2",
            "--workbench-datasets",
            "1",
        ],
    );
    let c = client();
    let id = dataset(&s, &["fixtures/counties/haiyan-2016.yaml"]);
    let put = |name: &str, body: Vec<u8>| {
        c.put(s.url(&format!("/api/workbench/datasets/{id}/files/{name}")))
            .body(body)
            .send()
            .unwrap()
    };
    // Over the body limit: 413 naming --body-limit.
    let big = std::fs::read(format!("{ROOT}/{}", SEEDS[0])).unwrap();
    assert!(big.len() > 3000);
    let (status, kind, message) = refusal(put("big.yaml", big));
    assert_eq!((status, kind.as_str()), (413, "payload_too_large"));
    assert!(message.contains("--body-limit"));
    // Not a county file or table.
    let (status, _, message) = refusal(put("notes.txt", b"x".to_vec()));
    assert_eq!(status, 400);
    assert!(message.contains(".xlsx"), "{message}");
    // A third file over --max-counties 2.
    assert_eq!(
        put("a.yaml", b"county: {id: a, name: a}\ndata: {}\n".to_vec()).status(),
        200
    );
    let (status, _, message) = refusal(put(
        "b.yaml",
        b"county: {id: b, name: b}\ndata: {}\n".to_vec(),
    ));
    assert_eq!(status, 400);
    assert!(message.contains("--max-counties"), "{message}");
    // One data set kept: a second one drops the first, whose id is then 404 naming the flag.
    let _second = dataset(&s, &[]);
    let (status, kind, message) = refusal(
        c.get(s.url(&format!("/api/workbench/datasets/{id}/ranking")))
            .send()
            .unwrap(),
    );
    assert_eq!((status, kind.as_str()), (404, "not_found"));
    assert!(message.contains("--workbench-datasets"), "{message}");
}

#[test]
fn a_table_over_max_counties_is_refused_naming_the_flag() {
    let s = Server::start(BIN, &["--max-counties", "2"]);
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("three.xlsx");
    cli_on_seeds(&["template", "--out", table.to_str().unwrap()]);
    let c = client();
    let id = dataset_of(&s, &[("three.xlsx", std::fs::read(&table).unwrap())]);
    let (status, _, message) = refusal(
        c.get(s.url(&format!("/api/workbench/datasets/{id}/ranking")))
            .send()
            .unwrap(),
    );
    assert_eq!(status, 400);
    assert!(message.contains("more than 2 counties") && message.contains("--max-counties"));
}

#[test]
fn a_saved_weighting_is_a_scenario_fazhi_whatif_reads() {
    let s = Server::start(BIN, &[]);
    let c = client();
    // Area 1 from 140 to 280 points, 示范 at 900: the total grows by 140 to 1140.
    let r = c
        .post(s.url("/api/workbench/rulesets/national-2021/scenario"))
        .json(&json!({"id": "area-1-double", "points": {"1": 280}, "pass_lines": {"demonstration": 900}}))
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(content_type(&r).starts_with("application/yaml"));
    let yaml = r.text().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scenario.yaml");
    std::fs::write(&path, &yaml).unwrap();
    let rules = fazhi::RuleSet::builtin().unwrap();
    let sc = fazhi::analyse::policy::weights::Scenario::from_file(&path, &rules).unwrap();
    assert_eq!(sc.weights.total, fazhi::Points::from_f64(1140.0));
    let p = path.to_str().unwrap();
    let out = cli_on_seeds(&["whatif", "--format", "json", "--scenario", p]);
    let w: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(w["scenario"], "area-1-double");
    // The same for `fazhi uncertainty --scenario`.
    cli_on_seeds(&[
        "uncertainty",
        "--runs",
        "20",
        "--noise",
        "1=0.1",
        "--scenario",
        p,
    ]);

    // Refused: an unknown area (with the library's diagnostic), a negative weight, a bad body.
    let refused = |body: Value| {
        refusal(
            c.post(s.url("/api/workbench/rulesets/national-2021/scenario"))
                .json(&body)
                .send()
                .unwrap(),
        )
    };
    let (status, kind, _) = refused(json!({"points": {"99": 10}}));
    assert_eq!((status, kind.as_str()), (400, "scenario"));
    let (status, _, message) = refused(json!({"points": {"1": -5}}));
    assert_eq!(status, 400);
    assert!(message.contains("from 0"), "{message}");
    let (status, _, message) = refused(json!({"weights": {}}));
    assert_eq!(status, 400);
    assert!(message.contains("points"), "{message}");
}

#[test]
fn rank_intervals_are_bounded_by_max_draws() {
    let s = Server::start(BIN, &["--max-draws", "100"]);
    let c = client();
    let id = dataset(&s, &SEEDS);
    let url = s.url(&format!("/api/workbench/datasets/{id}/uncertainty"));
    let (status, _, message) = refusal(c.post(&url).json(&json!({"runs": 101})).send().unwrap());
    assert_eq!(status, 400);
    assert!(message.contains("--max-draws"), "{message}");
    let (status, _, _) = refusal(
        c.post(&url)
            .json(&json!({"runs": 10, "noise": 1.5}))
            .send()
            .unwrap(),
    );
    assert_eq!(status, 400);
    let u: Value = get_json(
        c.post(&url)
            .json(&json!({"runs": 100, "weighting": {"points": {"1": 200}}})),
    );
    assert_eq!(u["analysis"]["runs"], 100);
    assert_eq!(u["analysis"]["counties"].as_array().unwrap().len(), 3);
    // Started from the weighting: the starting total is 1000 − 140 + 200.
    assert_eq!(u["analysis"]["total_points"], 1060);
    assert!(u["svg"].as_str().unwrap().starts_with("<svg"));
}

#[test]
fn rule_changes_list_the_changelog_and_each_countys_move() {
    let s = Server::start(BIN, &["--rules", &format!("{ROOT}/indicators/haiyan-2016")]);
    let c = client();
    let id = dataset(&s, &["fixtures/counties/haiyan-2016.yaml"]);
    let d: Value = get_json(c.get(s.url(&format!(
        "/api/workbench/diff?old=national-2021&new=national-2021&dataset={id}"
    ))));
    assert!(d["html"].as_str().unwrap().starts_with("<!DOCTYPE html>"));
    assert_eq!(d["diff"]["counties"].as_array().unwrap().len(), 1);
    // Without data: the changelog alone, as `fazhi diff OLD NEW`.
    let d: Value = get_json(c.get(s.url("/api/workbench/diff?old=national-2021&new=haiyan-2016")));
    let rules = fazhi::RuleSet::builtin().unwrap();
    let haiyan = fazhi::RuleSet::load_dir(format!("{ROOT}/indicators/haiyan-2016")).unwrap();
    let want =
        serde_json::to_value(fazhi::analyse::change::diff::diff_rules(&rules, &haiyan)).unwrap();
    assert_eq!(d["diff"], want);
    let (status, _, _) = refusal(
        c.get(s.url("/api/workbench/diff?old=national-2021&new=nope"))
            .send()
            .unwrap(),
    );
    assert_eq!(status, 404);
}

#[test]
fn workbench_routes_sit_under_the_time_limit() {
    // 50 ms: reading, scoring and ranking three counties takes longer, so the limit answers.
    let s = Server::start(BIN, &["--timeout", "0.05"]);
    let c = client();
    let id = dataset(&s, &SEEDS);
    let (status, kind, message) = refusal(
        c.get(s.url(&format!("/api/workbench/datasets/{id}/ranking")))
            .send()
            .unwrap(),
    );
    assert_eq!((status, kind.as_str()), (503, "timeout"));
    assert!(message.contains("time limit"));
}

/// A data set is the group its relative items are ranked in (issue 27 shape 6), as `fazhi rank`
/// over the same files: the eight counties of `tests/data/relative` give the totals of
/// `tests/relative.rs` (丙县 3 + 4 + 3 + 0 = 10 first, 戊县 1.5 last), not each county scored
/// alone (甲县 alone would be 9), and a county's own report names the group of eight. Found by a
/// new-user trial: the workbench ranked every county as a group of one.
#[test]
fn relative_items_are_ranked_within_the_data_set() {
    let s = Server::start(BIN, &["--rules", &format!("{ROOT}/tests/rules/relative")]);
    let c = client();
    let files: Vec<String> = "abcdefgh"
        .chars()
        .map(|k| format!("tests/data/relative/{k}.yaml"))
        .collect();
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    let id = dataset(&s, &files);
    let r: Value = get_json(c.get(s.url(&format!(
        "/api/workbench/datasets/{id}/ranking?ruleset=relative"
    ))));
    let rows = r["rows"].as_array().unwrap();
    assert_eq!(rows[0]["county"]["id"], "rel-c");
    assert_eq!(rows[0]["total"], 10.0);
    assert_eq!(rows[7]["county"]["id"], "rel-e");
    assert_eq!(rows[7]["total"], 1.5);
    assert!(rows.iter().all(|x| x["county"]["group"]["count"] == 8));
    // The CLI's ranking of the same files gives the same totals.
    let o = std::process::Command::new(BIN)
        .args([
            "rank",
            "--format",
            "json",
            "--rules",
            "tests/rules/relative",
        ])
        .args(&files)
        .current_dir(ROOT)
        .output()
        .unwrap();
    let cli: Value = serde_json::from_slice(&o.stdout).unwrap();
    let totals = |v: &Value| -> Vec<(String, f64)> {
        v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                (
                    x["county"]["id"].as_str().unwrap().to_string(),
                    x["total"].as_f64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(totals(&r), totals(&cli));
    // A county's own report (as the county page shows it) is scored within the data set too.
    let one: Value = get_json(c.get(s.url(&format!(
        "/api/workbench/datasets/{id}/counties/rel-a?ruleset=relative"
    ))));
    assert_ne!(one["total"], 9.0, "scored alone: {one}");
    assert!(one["report_html"].as_str().unwrap().contains("8个县"));
}
