//! `fazhi serve` over real HTTP: the binary is started on a loopback port and called with
//! reqwest. Every answer is compared with what the library gives for the same input.

#[path = "common/server.rs"]
mod server;

use fazhi::{CountyData, RuleSet};
use reqwest::blocking::Client;
use serde_json::{json, Value};
use server::Server;
use std::io::Write;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_fazhi");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn client() -> Client {
    Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap()
}

/// A fixture county as the JSON body a platform would send.
fn county_json(path: &str) -> String {
    let text = std::fs::read_to_string(format!("{ROOT}/{path}")).unwrap();
    serde_json::to_string(&fazhi::schema::yaml_to_json(path, &text).unwrap()).unwrap()
}

/// What the library says for the same body.
fn library_report(rules: &RuleSet, body: &str) -> String {
    let county = CountyData::from_str("request body", body, rules).unwrap();
    fazhi::render::json(&rules.score(&county))
}

#[test]
fn health_lists_and_shows_rule_sets() {
    let s = Server::start(BIN, &["--rules", &format!("{ROOT}/tests/rules/mini")]);
    let c = client();
    let health: Value = c.get(s.url("/health")).send().unwrap().json().unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["rulesets"], json!(["mini", "national-2021"]));

    let list: Value = c.get(s.url("/rulesets")).send().unwrap().json().unwrap();
    let national = RuleSet::builtin().unwrap();
    assert_eq!(list[1]["id"], "national-2021");
    assert_eq!(list[1]["hash"], national.hash());
    // The national set: 238 fields, 101 third-level items (README), 1000 points.
    assert_eq!(list[1]["fields"], 238);
    assert_eq!(list[1]["items"], 101);
    assert_eq!(list[1]["total_points"], 1000);

    let one: Value = c
        .get(s.url("/rulesets/national-2021"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(
        one["tree"].as_array().unwrap().len(),
        national.nodes().len()
    );
    assert_eq!(
        one["dictionary"].as_object().unwrap().len(),
        national.fields().len()
    );
    assert_eq!(one["vetoes"].as_array().unwrap().len(), 3);
}

#[test]
fn score_one_county_equals_the_library_report_byte_for_byte() {
    let s = Server::start(BIN, &[]);
    let c = client();
    let body = county_json("fixtures/counties/yuncheng-2018.yaml");
    let resp = c
        .post(s.url("/rulesets/national-2021/score"))
        .body(body.clone())
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()["content-type"].to_str().unwrap(),
        "application/json"
    );
    let text = resp.text().unwrap();
    let rules = RuleSet::builtin().unwrap();
    assert_eq!(text, library_report(&rules, &body));
    // README: 郓城县 scores 165 of 1000 under the national set.
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["summary"]["total"], 165);
}

#[test]
fn score_many_counties_answers_an_array_in_order() {
    let s = Server::start(BIN, &[]);
    let c = client();
    let a = county_json("fixtures/counties/yuncheng-2018.yaml");
    let b = county_json("fixtures/counties/linshu-2024.yaml");
    let rules = RuleSet::builtin().unwrap();
    for body in [format!("[{a},{b}]"), format!("{{\"counties\": [{a},{b}]}}")] {
        let resp = c
            .post(s.url("/rulesets/national-2021/score"))
            .body(body)
            .send()
            .unwrap();
        assert_eq!(resp.status(), 200);
        let v: Value = resp.json().unwrap();
        let reports = v.as_array().unwrap();
        assert_eq!(reports.len(), 2);
        assert_eq!(reports[0]["county"]["id"], "yuncheng-2018");
        // README: 临沭县 172, 郓城县 165.
        assert_eq!(reports[0]["summary"]["total"], 165);
        assert_eq!(reports[1]["summary"]["total"], 172);
        let lib: Value = serde_json::from_str(&library_report(&rules, &b)).unwrap();
        assert_eq!(reports[1]["summary"], lib["summary"]);
        assert_eq!(reports[1]["items"], lib["items"]);
    }
}

#[test]
fn rank_and_gap_answer_like_the_library() {
    let s = Server::start(BIN, &[]);
    let c = client();
    let a = county_json("fixtures/counties/yuncheng-2018.yaml");
    let b = county_json("fixtures/counties/linshu-2024.yaml");
    let ranking: Value = c
        .post(s.url("/rulesets/national-2021/rank"))
        .body(format!("[{a},{b}]"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let rows = ranking["rows"].as_array().expect("rows");
    // 172 (临沭) before 165 (郓城).
    assert_eq!(rows[0]["county"]["id"], "linshu-2024");
    assert_eq!(rows[0]["rank"], 1);
    assert_eq!(rows[1]["county"]["id"], "yuncheng-2018");
    assert_eq!(rows[1]["rank"], 2);

    let q = county_json("fixtures/counties/qingfeng-2020.yaml");
    let resp = c
        .post(s.url("/rulesets/national-2021/gap"))
        .body(q.clone())
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    let rules = RuleSet::builtin().unwrap();
    let county = CountyData::from_str("request body", &q, &rules).unwrap();
    let lib = fazhi::render::to_json(&fazhi::analyse::gap::GapAnalysis::new(&rules, &county));
    assert_eq!(resp.text().unwrap(), lib);
}

#[test]
fn bad_data_is_400_with_the_diagnostics() {
    let s = Server::start(BIN, &[]);
    let c = client();
    let body = r#"{"county": {"id": "x", "name": "某县"},
 "data": {"litigation": {"head_appearance_rat": 90}}}"#;
    let resp = c
        .post(s.url("/rulesets/national-2021/score"))
        .body(body)
        .send()
        .unwrap();
    assert_eq!(resp.status(), 400);
    let v: Value = resp.json().unwrap();
    assert_eq!(v["error"]["kind"], "data");
    let d = &v["error"]["diagnostics"][0];
    // The stable code (issue 25), the same text as Python's `.diagnostics[0]["code"]`.
    assert_eq!(d["code"], "unknown_key");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], "request body");
    assert!(d["message"]
        .as_str()
        .unwrap()
        .contains("head_appearance_rat"));
    assert!(
        d["help"].as_str().unwrap().contains("head_appearance_rate"),
        "{d}"
    );

    // Not JSON at all: the line and column of the syntax error.
    let v: Value = c
        .post(s.url("/rulesets/national-2021/score"))
        .body("{\"county\": ")
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(v["error"]["kind"], "data");
    assert_eq!(v["error"]["diagnostics"][0]["line"], 1);

    // The second of two counties is wrong: it is named by its index, at its place in the body
    // the client sent (issue 23: batch bodies were re-serialised and positions pointed there).
    let good = county_json("fixtures/counties/yuncheng-2018.yaml");
    let body = format!("[{good},\n  {{\"county\": {{\"id\": \"y\", \"name\": \"乙县\"}}, \"data\": {{\"nope\": 1}}}}]");
    let v: Value = c
        .post(s.url("/rulesets/national-2021/score"))
        .body(body.clone())
        .send()
        .unwrap()
        .json()
        .unwrap();
    let d = &v["error"]["diagnostics"][0];
    assert_eq!(d["file"], "request body");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .starts_with("counties[1]: unknown field `nope`"),
        "{d}"
    );
    let line = body
        .lines()
        .nth(d["line"].as_u64().unwrap() as usize - 1)
        .unwrap();
    let at: String = line
        .chars()
        .skip(d["column"].as_u64().unwrap() as usize - 1)
        .collect();
    assert!(at.starts_with("\"nope\""), "{d}: {at}");

    // Gap takes one county.
    let resp = c
        .post(s.url("/rulesets/national-2021/gap"))
        .body(format!("[{good}]"))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 400);
    let v: Value = resp.json().unwrap();
    assert_eq!(v["error"]["kind"], "invalid_request");
}

#[test]
fn unknown_rule_set_and_route_are_404() {
    let s = Server::start(BIN, &[]);
    let c = client();
    let resp = c
        .post(s.url("/rulesets/no-such/score"))
        .body("{}")
        .send()
        .unwrap();
    assert_eq!(resp.status(), 404);
    let v: Value = resp.json().unwrap();
    assert_eq!(v["error"]["kind"], "not_found");
    assert!(v["error"]["message"].as_str().unwrap().contains("no-such"));
    assert_eq!(c.get(s.url("/nothing")).send().unwrap().status(), 404);
}

#[test]
fn a_body_over_the_limit_is_413() {
    let s = Server::start(BIN, &["--body-limit", "1000"]);
    let resp = client()
        .post(s.url("/rulesets/national-2021/score"))
        .body(county_json("fixtures/counties/yuncheng-2018.yaml"))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 413);
    let v: Value = resp.json().unwrap();
    assert_eq!(v["error"]["kind"], "payload_too_large");
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("1000 bytes"));
}

/// Sends a request's head promising a body that never comes, so the request holds its slot.
fn stalled_request(base: &str) -> std::net::TcpStream {
    let addr = base.trim_start_matches("http://");
    let mut tcp = std::net::TcpStream::connect(addr).unwrap();
    write!(
        tcp,
        "POST /lint HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{{"
    )
    .unwrap();
    tcp
}

#[test]
fn over_the_concurrency_limit_is_503_overloaded() {
    let s = Server::start(BIN, &["--concurrency", "1"]);
    let _held = stalled_request(&s.base);
    let c = client();
    // The stalled request takes the only slot as soon as the server reads its head.
    let mut status = 0;
    for _ in 0..200 {
        let resp = c.get(s.url("/health")).send().unwrap();
        status = resp.status().as_u16();
        if status == 503 {
            let v: Value = resp.json().unwrap();
            assert_eq!(v["error"]["kind"], "overloaded");
            break;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    assert_eq!(status, 503);
}

#[test]
fn over_the_time_limit_is_503_timeout() {
    let s = Server::start(BIN, &["--timeout", "0.5"]);
    let mut held = stalled_request(&s.base);
    held.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut answer = String::new();
    let mut buf = [0u8; 4096];
    while !answer.contains("\"timeout\"") {
        let n = std::io::Read::read(&mut held, &mut buf).unwrap();
        assert!(n > 0, "connection closed: {answer}");
        answer.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
}

#[test]
fn lint_checks_a_rule_set_sent_in_the_body() {
    let s = Server::start(BIN, &[]);
    let c = client();
    let dir = format!("{ROOT}/tests/rules/mini");
    let mut docs = serde_json::Map::new();
    for f in ["ruleset.yaml", "fields.yaml", "areas.yaml"] {
        let text = std::fs::read_to_string(format!("{dir}/{f}")).unwrap();
        docs.insert(f.into(), Value::String(text));
    }
    let v: Value = c
        .post(s.url("/lint"))
        .json(&json!({ "documents": docs }))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["errors"], 0);

    // The header's total no longer matches: an error, with its place.
    let header = docs["ruleset.yaml"].as_str().unwrap().to_string();
    let broken = header.replacen("total_points: 20", "total_points: 21", 1);
    assert_ne!(broken, header, "the mini header states total_points: 20");
    docs.insert("ruleset.yaml".into(), Value::String(broken));
    let v: Value = c
        .post(s.url("/lint"))
        .json(&json!({ "documents": docs }))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(v["ok"], false);
    assert!(v["errors"].as_u64().unwrap() >= 1);
    let d = &v["diagnostics"][0];
    assert_eq!(d["file"], "ruleset.yaml");
    assert!(d["line"].as_u64().unwrap() > 0);

    let resp = c
        .post(s.url("/lint"))
        .body("{\"files\": 1}")
        .send()
        .unwrap();
    assert_eq!(resp.status(), 400);
}

#[test]
fn request_ids_are_made_or_kept_and_echoed() {
    let s = Server::start(BIN, &[]);
    let c = client();
    let resp = c.get(s.url("/health")).send().unwrap();
    let id = resp.headers()["x-request-id"].to_str().unwrap().to_string();
    assert!(id.starts_with("fazhi-"), "{id}");
    let resp = c
        .get(s.url("/health"))
        .header("x-request-id", "platform-42")
        .send()
        .unwrap();
    assert_eq!(resp.headers()["x-request-id"], "platform-42");
}

#[test]
fn openapi_is_served_and_matches_docs() {
    let s = Server::start(BIN, &[]);
    let served: Value = client()
        .get(s.url("/openapi.json"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(served["openapi"], "3.1.0");
    for path in [
        "/health",
        "/rulesets",
        "/rulesets/{id}",
        "/rulesets/{id}/score",
        "/rulesets/{id}/gap",
        "/rulesets/{id}/rank",
        "/lint",
    ] {
        assert!(served["paths"].get(path).is_some(), "{path}");
    }
    let file = format!("{ROOT}/docs/openapi.json");
    let pretty = fazhi::render::to_json(&served);
    if std::env::var_os("FAZHI_UPDATE_DOCS").is_some() {
        std::fs::write(&file, &pretty).unwrap();
    }
    let shipped = std::fs::read_to_string(&file).unwrap_or_default();
    assert_eq!(
        shipped, pretty,
        "docs/openapi.json is stale: run FAZHI_UPDATE_DOCS=1 cargo test --test serve openapi"
    );
}

#[test]
fn sigterm_stops_the_server_gracefully() {
    let mut s = Server::start(BIN, &[]);
    assert_eq!(client().get(s.url("/health")).send().unwrap().status(), 200);
    assert_eq!(s.terminate(Duration::from_secs(30)), Some(0));
}

#[test]
fn a_rule_set_with_errors_stops_the_start_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ruleset.yaml"),
        "ruleset: {id: x, title: 标题, version: '1', total_points: 5}\n",
    )
    .unwrap();
    let out = std::process::Command::new(BIN)
        .args(["serve", "--addr", "127.0.0.1:0", "--rules"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ruleset.yaml"), "{err}");
}

// issue 27 shape 5: records
#[test]
fn a_county_with_records_scores_like_the_library() {
    let s = Server::start(BIN, &["--rules", &format!("{ROOT}/tests/rules/records")]);
    let c = client();
    let body = county_json("tests/data/records/three.yaml");
    let resp = c
        .post(s.url("/rulesets/records/score"))
        .body(body.clone())
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    let text = resp.text().unwrap();
    let rules = RuleSet::load_dir(format!("{ROOT}/tests/rules/records")).unwrap();
    assert_eq!(text, library_report(&rules, &body));
    // 3.2: records 10, 0, 8 (a basic problem zeroes the second alone), average 6.
    let v: Value = serde_json::from_str(&text).unwrap();
    let item = &v["items"][1];
    assert_eq!(item["id"], "3.2");
    assert_eq!(item["earned"], 6);
    let earned: Vec<i64> = item["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["earned"].as_i64().unwrap())
        .collect();
    assert_eq!(earned, [10, 0, 8]);
    assert_eq!(item["records"][1]["label"], "案卷号 A-02");
}

/// Relative items (issue 27 shape 6) are ranked within the request's counties: the eight
/// counties of `tests/data/relative` give the totals of `tests/relative.rs` (丙县 3 + 4 + 3 + 0 =
/// 10 first, 戊县 1.5 + 0 + 0 + 0 = 1.5 last), each row naming the group of eight; one county
/// sent alone is a group of one (甲县 3 + 4 + 0 + 2 = 9).
#[test]
fn rank_scores_relative_items_within_the_request() {
    let s = Server::start(BIN, &["--rules", &format!("{ROOT}/tests/rules/relative")]);
    let c = client();
    let bodies: Vec<String> = "abcdefgh"
        .chars()
        .map(|k| county_json(&format!("tests/data/relative/{k}.yaml")))
        .collect();
    let ranking: Value = c
        .post(s.url("/rulesets/relative/rank"))
        .body(format!("[{}]", bodies.join(",")))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let rows = ranking["rows"].as_array().expect("rows");
    assert_eq!(rows[0]["county"]["id"], "rel-c");
    assert_eq!(rows[0]["total"], 10.0);
    assert_eq!(rows[7]["county"]["id"], "rel-e");
    assert_eq!(rows[7]["total"], 1.5);
    assert!(rows.iter().all(|r| r["county"]["group"]["count"] == 8));
    let one: Value = c
        .post(s.url("/rulesets/relative/score"))
        .body(bodies[0].clone())
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(one["summary"]["total"], 9.0);
    assert_eq!(one["county"]["group"]["alone"], true);
}
