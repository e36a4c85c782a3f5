//! Issue 23: hostile input at every door. The HTTP service stops work nobody waits for (time
//! limit, a client gone, shutdown), logs one line per request, reads every JSON body as JSON
//! with positions into the bytes sent; county files cap their diagnostics; county tables are
//! bounded (a zip bomb is generated here, never stored) with errors naming the flag to raise.

mod common;
#[path = "common/server.rs"]
mod server;

use common::{hostile, text};
use reqwest::blocking::Client;
use serde_json::{json, Value};
use server::Server;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_fazhi");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const GOOD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/mini-good.yaml");

fn client() -> Client {
    Client::builder()
        .timeout(Duration::from_secs(300))
        .build()
        .unwrap()
}

/// The hostile rule set (every expression an endless loop, each stopped at its operations limit)
/// written out as a folder.
fn hostile_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in hostile().documents() {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

/// A batch body of `n` copies of the mini county: scoring it under the hostile rules runs
/// 11 looping rules per county to their limit, minutes of work unless it is stopped.
fn hostile_batch(n: usize) -> String {
    let yaml = std::fs::read_to_string(GOOD).unwrap();
    let county = fazhi::schema::yaml_to_json("mini-good.yaml", &yaml).unwrap();
    let list: Vec<Value> = (0..n)
        .map(|i| {
            let mut c = county.clone();
            c["county"]["id"] = json!(format!("c{i}"));
            c
        })
        .collect();
    serde_json::to_string(&json!({ "counties": list })).unwrap()
}

/// Waits (at most a minute) for a log line containing `needle`; the lines seen on the way.
fn wait_for(logs: &Receiver<String>, needle: &str) -> Result<String, Vec<String>> {
    let start = Instant::now();
    let mut seen = Vec::new();
    while start.elapsed() < Duration::from_secs(60) {
        if let Ok(line) = logs.recv_timeout(Duration::from_millis(200)) {
            if line.contains(needle) {
                return Ok(line);
            }
            seen.push(line);
        }
    }
    Err(seen)
}

#[test]
fn a_timed_out_request_stops_its_work() {
    // Issue 23: `--timeout 2` answered 503 and the work went on for minutes.
    let rules = hostile_dir();
    let (s, logs) = Server::start_logged(
        BIN,
        &[
            "--rules",
            rules.path().to_str().unwrap(),
            "--timeout",
            "0.5",
            "--log-json",
        ],
        "info,fazhi=debug",
    );
    let resp = client()
        .post(s.url("/rulesets/mini/rank"))
        .body(hostile_batch(1000))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 503);
    let v: Value = resp.json().unwrap();
    assert_eq!(v["error"]["kind"], "timeout");
    // The work itself stops (it would run for minutes): its worker says so.
    wait_for(&logs, "work stopped").unwrap();
}

#[test]
fn a_client_that_goes_away_stops_the_work_and_is_logged_once() {
    let rules = hostile_dir();
    let (s, logs) = Server::start_logged(
        BIN,
        &["--rules", rules.path().to_str().unwrap(), "--log-json"],
        "info,fazhi=debug",
    );
    let body = hostile_batch(1000);
    let addr = s.base.trim_start_matches("http://").to_string();
    let mut tcp = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        tcp,
        "POST /rulesets/mini/score HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    tcp.flush().unwrap();
    std::thread::sleep(Duration::from_millis(500));
    drop(tcp);
    let line = wait_for(&logs, "\"status\":499").unwrap();
    assert!(line.contains("client_closed"), "{line}");
    wait_for(&logs, "work stopped").unwrap();
}

#[test]
fn sigterm_stops_work_in_flight_after_the_grace_period() {
    // Issue 23: the server outlived SIGTERM until killed.
    let rules = hostile_dir();
    let mut s = Server::start(
        BIN,
        &[
            "--rules",
            rules.path().to_str().unwrap(),
            "--timeout",
            "600",
            "--grace",
            "0.5",
        ],
    );
    let url = s.url("/rulesets/mini/score");
    let body = hostile_batch(1000);
    let request = std::thread::spawn(move || {
        let resp = client().post(url).body(body).send().unwrap();
        let status = resp.status().as_u16();
        (status, resp.json::<Value>().unwrap())
    });
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(s.terminate(Duration::from_secs(60)), Some(0));
    // The request in flight was answered: its work was stopped, not abandoned.
    let (status, v) = request.join().unwrap();
    assert_eq!(status, 503, "{v}");
    assert_eq!(v["error"]["kind"], "shutting_down");
}

/// A county body with `n` unknown fields, as a client might send.
fn unknown_fields_body(n: usize) -> String {
    let data: serde_json::Map<String, Value> = (0..n)
        .map(|i| (format!("zz.unknown_field_{i}"), json!(i)))
        .collect();
    serde_json::to_string(&json!({"county": {"id": "x", "name": "某县"}, "data": data})).unwrap()
}

#[test]
fn one_short_log_line_per_request_and_capped_diagnostics() {
    // Issue 23: one 269 KB request wrote 1.88 MB of log and got 10,000 diagnostics back.
    let (s, logs) = Server::start_logged(BIN, &["--log-json"], "info");
    let c = client();
    let body = unknown_fields_body(10_000);
    let resp = c
        .post(s.url("/rulesets/national-2021/score"))
        .body(body.clone())
        .send()
        .unwrap();
    assert_eq!(resp.status(), 400);
    let v: Value = resp.json().unwrap();
    let diags = v["error"]["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), fazhi::MAX_DIAGNOSTICS_PER_FILE + 1);
    let last = diags.last().unwrap()["message"].as_str().unwrap();
    assert!(last.contains("and 9900 more problems"), "{last}");
    // A second request marks the end of the first one's lines.
    c.get(s.url("/health")).send().unwrap();
    let mut before = Vec::new();
    loop {
        let l = logs
            .recv_timeout(Duration::from_secs(60))
            .expect("a log line");
        if l.contains("\"route\":\"/health\"") {
            break;
        }
        before.push(l);
    }
    let requests: Vec<&String> = before.iter().filter(|l| l.contains("\"route\"")).collect();
    assert_eq!(requests.len(), 1, "{before:?}");
    let line: Value = serde_json::from_str(requests[0]).unwrap();
    let f = &line["fields"];
    assert_eq!(f["status"], 400, "{line}");
    assert_eq!(f["kind"], "data", "{line}");
    assert_eq!(f["route"], "/rulesets/{id}/score", "{line}");
    assert_eq!(f["size"], body.len().to_string(), "{line}");
    let logged: usize = before.iter().map(String::len).sum();
    assert!(
        logged < 2_000,
        "{logged} bytes of log for one request: {before:?}"
    );
}

#[test]
fn a_json_body_is_read_as_json_whether_one_county_or_a_batch() {
    // Issue 23: a C1 control character (valid JSON) was re-read as YAML and refused in a
    // single-county body; in a batch even the escaped form failed.
    let rules = fazhi::RuleSet::load_dir(common::MINI).unwrap();
    let s = Server::start(BIN, &["--rules", common::MINI]);
    let c = client();
    let yaml = std::fs::read_to_string(GOOD).unwrap();
    let mut county = fazhi::schema::yaml_to_json("mini-good.yaml", &yaml).unwrap();
    county["county"]["name"] = json!("示例\u{85}县");
    let raw = serde_json::to_string(&county).unwrap();
    assert!(raw.contains('\u{85}'));
    let escaped = raw.replace('\u{85}', "\\u0085");
    // What a `.json` file with the same bytes gives.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c1.json");
    std::fs::write(&file, &raw).unwrap();
    let expected = fazhi::CountyData::from_file(&file, &rules).unwrap();
    let report = rules.score(&expected);
    for body in [&raw, &escaped] {
        let resp = c
            .post(s.url("/rulesets/mini/score"))
            .body(body.clone())
            .send()
            .unwrap();
        assert_eq!(resp.status(), 200, "{}", resp.text().unwrap());
        let v: Value = resp.json().unwrap();
        assert_eq!(v["summary"]["total"], json!(report.summary.total), "{v}");
        assert_eq!(v["county"]["name"], "示例\u{85}县");
        for batch in [format!("[{body}]"), format!("{{\"counties\": [{body}]}}")] {
            let resp = c
                .post(s.url("/rulesets/mini/score"))
                .body(batch)
                .send()
                .unwrap();
            assert_eq!(resp.status(), 200, "{}", resp.text().unwrap());
            let v: Value = resp.json().unwrap();
            assert_eq!(v[0]["county"]["name"], "示例\u{85}县");
        }
    }
    // A key written twice: refused alike in one county and in a batch.
    let twice = raw.replacen("\"data\":{", "\"data\":{\"org.has_plan\":true,", 1);
    assert_ne!(twice, raw);
    for body in [
        twice.clone(),
        format!("[{twice}]"),
        format!("{{\"counties\":[{twice}]}}"),
    ] {
        let resp = c
            .post(s.url("/rulesets/mini/score"))
            .body(body.clone())
            .send()
            .unwrap();
        assert_eq!(resp.status(), 400, "{body}");
        let v: Value = resp.json().unwrap();
        let d = &v["error"]["diagnostics"][0];
        assert!(
            d["message"]
                .as_str()
                .unwrap()
                .contains("duplicate key `org.has_plan`"),
            "{v}"
        );
        // The place is in the body as sent.
        let line = body
            .lines()
            .nth(d["line"].as_u64().unwrap() as usize - 1)
            .unwrap();
        let at: String = line
            .chars()
            .skip(d["column"].as_u64().unwrap() as usize - 1)
            .collect();
        assert!(at.starts_with("\"org.has_plan\""), "{d}: {at}");
    }
}

#[test]
fn a_batch_over_the_county_bound_is_refused_naming_the_flag() {
    let s = Server::start(BIN, &["--rules", common::MINI, "--max-counties", "2"]);
    let yaml = std::fs::read_to_string(GOOD).unwrap();
    let county = fazhi::schema::yaml_to_json("mini-good.yaml", &yaml).unwrap();
    let body = serde_json::to_string(&json!([county, county, county])).unwrap();
    let resp = client()
        .post(s.url("/rulesets/mini/rank"))
        .body(body)
        .send()
        .unwrap();
    assert_eq!(resp.status(), 400);
    let v: Value = resp.json().unwrap();
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("--max-counties"),
        "{v}"
    );
}

#[test]
fn a_county_file_with_many_unknown_fields_gets_the_first_hundred_and_a_count() {
    let rules = fazhi::RuleSet::builtin().unwrap();
    let err =
        fazhi::CountyData::from_str("u.json", &unknown_fields_body(20_000), &rules).unwrap_err();
    let d = err.diagnostics();
    assert_eq!(d.len(), fazhi::MAX_DIAGNOSTICS_PER_FILE + 1);
    assert!(d[0].help.is_some(), "{:?}", d[0]);
    assert!(
        d[100].message.contains("and 19900 more problems"),
        "{:?}",
        d[100]
    );
    // YAML alike, and keys written twice are capped the same way.
    let mut yaml = String::from("county: {id: x, name: 某县}\ndata:\n");
    for i in 0..500 {
        yaml.push_str(&format!("  f{i}: 1\n  f{i}: 2\n"));
    }
    let err = fazhi::CountyData::from_str("d.yaml", &yaml, &rules).unwrap_err();
    let d = err.diagnostics();
    assert_eq!(d.len(), fazhi::MAX_DIAGNOSTICS_PER_FILE + 1);
    assert!(d[0].message.starts_with("duplicate key `f0`"), "{:?}", d[0]);
    assert!(
        d[100].message.contains("and 400 more problems"),
        "{:?}",
        d[100]
    );
}

// ---- county tables ----

fn run(args: &[&str]) -> std::process::Output {
    std::process::Command::new(BIN).args(args).output().unwrap()
}

/// A real county table: the template filled with the fixture counties.
fn table(dir: &Path) -> std::path::PathBuf {
    let out = dir.join("台账.xlsx");
    let o = run(&[
        "template",
        "--out",
        out.to_str().unwrap(),
        &format!("{ROOT}/fixtures/counties"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    out
}

/// `src` rewritten part by part: `edit` may change a part's text (by name), `extra` parts added.
fn rewrite(
    src: &Path,
    dst: &Path,
    edit: impl Fn(&str, String) -> String,
    extra: &[(&str, String)],
) {
    let mut zin = zip::ZipArchive::new(std::fs::File::open(src).unwrap()).unwrap();
    let mut zout = zip::ZipWriter::new(std::fs::File::create(dst).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().to_string();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        let bytes = match String::from_utf8(bytes) {
            Ok(t) => edit(&name, t).into_bytes(),
            Err(e) => e.into_bytes(),
        };
        zout.start_file(name, opts).unwrap();
        zout.write_all(&bytes).unwrap();
    }
    for (name, text) in extra {
        zout.start_file(*name, opts).unwrap();
        zout.write_all(text.as_bytes()).unwrap();
    }
    zout.finish().unwrap();
}

fn refused(args: &[&str], flag: &str) {
    let o = run(args);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    assert!(err.contains(flag), "{args:?}: {err}");
    assert!(
        err.contains(&format!("raise the bound with {flag}")),
        "{err}"
    );
}

#[test]
fn a_zip_bomb_table_is_refused_naming_the_flag() {
    // Issue 23: a 4.3 MB workbook expanding to 1.5 GB ran 34 s in 7.7 GB. Generated here: the
    // first sheet padded with 8 MB of one repeated comment (it compresses to a few kB).
    let dir = tempfile::tempdir().unwrap();
    let good = table(dir.path());
    let o = run(&["score", "--format", "json", good.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let bomb = dir.path().join("bomb.xlsx");
    let pad = format!("<!--{}-->", "炸".repeat(8 * 1024 * 1024 / 3));
    rewrite(
        &good,
        &bomb,
        |name, t| {
            if name == "xl/worksheets/sheet1.xml" {
                t.replace("</worksheet>", &format!("{pad}</worksheet>"))
            } else {
                t
            }
        },
        &[],
    );
    assert!(std::fs::metadata(&bomb).unwrap().len() < 1024 * 1024);
    let b = bomb.to_str().unwrap();
    refused(
        &["score", b, "--max-workbook-bytes", "4000000"],
        "--max-workbook-bytes",
    );
    refused(
        &["rank", "--quiet", b, "--max-workbook-bytes", "4000000"],
        "--max-workbook-bytes",
    );
    // Raised, it reads (the comment is harmless).
    let o = run(&[
        "score",
        "--format",
        "json",
        b,
        "--max-workbook-bytes",
        "40000000",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
}

#[test]
fn rows_cells_sheets_and_shared_strings_are_bounded_naming_their_flags() {
    let dir = tempfile::tempdir().unwrap();
    let good = table(dir.path());
    let g = good.to_str().unwrap();
    refused(&["score", g, "--max-rows", "2"], "--max-rows");
    refused(&["score", g, "--max-cells", "50"], "--max-cells");
    refused(&["score", g, "--max-sheets", "1"], "--max-sheets");
    refused(
        &["score", g, "--max-shared-strings", "3"],
        "--max-shared-strings",
    );
    // A CSV table alike.
    let csv = dir.path().join("t.csv");
    let mut rows = String::from("编号,名称\n");
    for i in 0..30 {
        rows.push_str(&format!("c{i},某县\n"));
    }
    std::fs::write(&csv, rows).unwrap();
    refused(
        &["score", csv.to_str().unwrap(), "--max-rows", "10"],
        "--max-rows",
    );
    refused(
        &["score", csv.to_str().unwrap(), "--max-cells", "10"],
        "--max-cells",
    );
}

#[test]
fn a_cell_naming_a_missing_shared_string_is_an_error_not_a_crash() {
    // Found by the workbook fuzz target (issue 23): the workbook reader panicked on it.
    let dir = tempfile::tempdir().unwrap();
    let good = table(dir.path());
    let bad = dir.path().join("bad.xlsx");
    rewrite(
        &good,
        &bad,
        |name, t| {
            if name == "xl/worksheets/sheet1.xml" {
                assert!(t.contains("t=\"s\"><v>"));
                t.replacen("t=\"s\"><v>", "t=\"s\"><v>99999", 1)
            } else {
                t
            }
        },
        &[],
    );
    let o = run(&["score", bad.to_str().unwrap()]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("refers to shared string 99999"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}
