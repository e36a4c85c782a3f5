//! `cargo run --release --manifest-path tools/yaml-choice/Cargo.toml -- DIR...`
//!
//! Parses every `*.yaml` below the given folders with yaml_serde and with serde-saphyr (into
//! `serde_json::Value`, the same generic target for both), best of 5 rounds, then prints how each
//! treats a syntax error, an alias bomb, a duplicate key and the YAML 1.1 booleans `no`/`on`/`y`.
use std::path::{Path, PathBuf};
use std::time::Instant;

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
            out.push(p);
        }
    }
}

fn saphyr_opts() -> serde_saphyr::Options {
    serde_saphyr::options! { strict_booleans: true, with_snippet: false }
}

fn saphyr(t: &str) -> Result<serde_json::Value, String> {
    serde_saphyr::from_str_with_options(t, saphyr_opts()).map_err(|e| e.to_string())
}

fn yserde(t: &str) -> Result<serde_json::Value, String> {
    yaml_serde::from_str(t).map_err(|e| e.to_string())
}

fn time(name: &str, texts: &[String], f: fn(&str) -> Result<serde_json::Value, String>) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..5 {
        let t0 = Instant::now();
        for t in texts {
            let _ = std::hint::black_box(f(t));
        }
        best = best.min(t0.elapsed().as_secs_f64());
    }
    let bytes: usize = texts.iter().map(String::len).sum();
    println!(
        "{name:12} {:8.2} ms  {:7.1} MB/s",
        best * 1e3,
        bytes as f64 / best / 1e6
    );
    best
}

fn main() {
    let mut paths = Vec::new();
    for d in std::env::args().skip(1) {
        files(Path::new(&d), &mut paths);
    }
    let texts: Vec<String> = paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    println!("{} files, {} bytes", texts.len(), bytes);
    let mut disagree = 0;
    for t in &texts {
        if saphyr(t).ok() != yserde(t).ok() {
            disagree += 1;
        }
    }
    println!("files read differently: {disagree}");
    let a = time("yaml_serde", &texts, yserde);
    let b = time("serde-saphyr", &texts, saphyr);
    // JSON for comparison: the same documents re-encoded as JSON, parsed by serde_json.
    let json: Vec<String> = texts
        .iter()
        .filter_map(|t| saphyr(t).ok())
        .map(|v| v.to_string())
        .collect();
    let mut best = f64::MAX;
    for _ in 0..5 {
        let t0 = Instant::now();
        for t in &json {
            let _ = std::hint::black_box(serde_json::from_str::<serde_json::Value>(t));
        }
        best = best.min(t0.elapsed().as_secs_f64());
    }
    println!("serde_json   {:8.2} ms  (same data as JSON)", best * 1e3);
    println!("saphyr / yaml_serde time: {:.2}", b / a);

    // fazhi itself: the county files of the folders (those that fit the built-in rule set), read
    // as YAML and, re-encoded, as JSON, through `CountyData::from_str` (parse, places, dictionary
    // check, canonical hash).
    if let Ok(rules) = fazhi::RuleSet::builtin() {
        let counties: Vec<(&String, String)> = texts
            .iter()
            .filter(|t| fazhi::CountyData::from_str("c.yaml", t, &rules).is_ok())
            .filter_map(|t| saphyr(t).ok().map(|v| (t, v.to_string())))
            .collect();
        let mut best = [f64::MAX; 2];
        for _ in 0..5 {
            for (k, json) in [false, true].into_iter().enumerate() {
                let t0 = Instant::now();
                for (y, j) in &counties {
                    let r = if json {
                        fazhi::CountyData::from_str("c.json", j, &rules)
                    } else {
                        fazhi::CountyData::from_str("c.yaml", y, &rules)
                    };
                    let _ = std::hint::black_box(r);
                }
                best[k] = best[k].min(t0.elapsed().as_secs_f64());
            }
        }
        println!(
            "fazhi county files: {} counties, YAML {:.2} ms, JSON {:.2} ms, YAML/JSON {:.2}",
            counties.len(),
            best[0] * 1e3,
            best[1] * 1e3,
            best[0] / best[1]
        );
    }

    let cases = [
        ("syntax error", "county:\n  id: x\n  name: [a, b\ndata: {}\n".to_string()),
        ("duplicate key", "fields:\n  a.b: 1\n  c: 2\n  a.b: 3\n".to_string()),
        ("yaml 1.1 bools", "a: no\nb: on\nc: y\nd: yes\ne: true\n".to_string()),
        ("big integer", "a: 18446744073709551615\nb: 99999999999999999999\nc: 1e30\n".to_string()),
        ("alias bomb", {
            let mut s = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
            for i in 1..10 {
                let p = i - 1;
                s += &format!(
                    "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
                );
            }
            s
        }),
    ];
    for (name, text) in cases {
        for (pname, f) in [("yaml_serde", yserde as fn(&str) -> _), ("serde-saphyr", saphyr)] {
            let t0 = Instant::now();
            let r = f(&text);
            let ms = t0.elapsed().as_secs_f64() * 1e3;
            let shown = match r {
                Ok(v) => {
                    let s = v.to_string();
                    let n = s.chars().count();
                    if n > 100 {
                        format!("ok, {n} chars of JSON")
                    } else {
                        format!("ok {s}")
                    }
                }
                Err(e) => format!("error: {}", e.replace('\n', " | ")),
            };
            println!("{name:15} {pname:12} {ms:8.1} ms  {shown}");
        }
    }
}
