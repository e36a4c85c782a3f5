//! A bounded load test of `fazhi serve`: 2,000 score requests from 16 concurrent clients over
//! loopback HTTP, every answer checked byte for byte against the library's report for the same
//! body. Reports throughput and p50/p99 latency (BENCHMARKS.md). Stops by itself.
//!
//! ```sh
//! cargo bench --bench serve_load              # REQUESTS=2000 CLIENTS=16 by default
//! REQUESTS=200 CLIENTS=4 cargo bench --bench serve_load
//! ```

#[path = "../tests/common/server.rs"]
mod server;

use fazhi::{CountyData, RuleSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let requests = env_or("REQUESTS", 2000);
    let clients = env_or("CLIENTS", 16).max(1);
    let rules = RuleSet::builtin().expect("built-in rules");
    // The five seed counties and the three synthetic ones, as JSON bodies, with the library's
    // report for each.
    let mut bodies = Vec::new();
    for dir in ["fixtures/counties", "fixtures/synthetic"] {
        let mut files: Vec<_> = std::fs::read_dir(format!("{ROOT}/{dir}"))
            .expect("fixtures")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .collect();
        files.sort();
        for f in files {
            let text = std::fs::read_to_string(&f).expect("fixture");
            let json = fazhi::schema::yaml_to_json(&f.display().to_string(), &text).expect("yaml");
            let body = serde_json::to_string(&json).expect("json");
            let county = CountyData::from_str("request body", &body, &rules).expect("county");
            let expected = fazhi::render::json(&rules.score(&county));
            bodies.push((body, expected));
        }
    }
    let bodies = Arc::new(bodies);
    let s = server::Server::start(
        env!("CARGO_BIN_EXE_fazhi"),
        &["--concurrency", &(clients * 2).to_string()],
    );
    let url = s.url("/rulesets/national-2021/score");
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let workers: Vec<_> = (0..clients)
        .map(|_| {
            let (bodies, next, url) = (bodies.clone(), next.clone(), url.clone());
            std::thread::spawn(move || {
                let client = reqwest::blocking::Client::builder()
                    .timeout(Duration::from_secs(60))
                    .build()
                    .expect("client");
                let mut lat = Vec::new();
                let mut wrong = 0usize;
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= requests {
                        break;
                    }
                    let (body, expected) = &bodies[i % bodies.len()];
                    let t = Instant::now();
                    let answer = client
                        .post(&url)
                        .body(body.clone())
                        .send()
                        .and_then(|r| r.text());
                    lat.push(t.elapsed());
                    if answer.as_deref().ok() != Some(expected.as_str()) {
                        wrong += 1;
                    }
                }
                (lat, wrong)
            })
        })
        .collect();
    let mut lat = Vec::new();
    let mut wrong = 0;
    for w in workers {
        let (l, x) = w.join().expect("worker");
        lat.extend(l);
        wrong += x;
    }
    let elapsed = start.elapsed();
    lat.sort();
    let pct = |p: f64| lat[((lat.len() as f64 * p).ceil() as usize).clamp(1, lat.len()) - 1];
    println!(
        "fazhi serve: {} score requests, {} clients, {} distinct counties",
        lat.len(),
        clients,
        bodies.len()
    );
    println!(
        "  {:.0} requests/s; latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; {:.2} s in all",
        lat.len() as f64 / elapsed.as_secs_f64(),
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        lat.last().map_or(0.0, |d| d.as_secs_f64() * 1e3),
        elapsed.as_secs_f64()
    );
    println!(
        "  answers equal to the library's report: {} / {}",
        lat.len() - wrong,
        lat.len()
    );
    assert_eq!(wrong, 0, "{wrong} answers differ from the library's report");
}
