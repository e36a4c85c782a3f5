//! A fuzz harness on stable Rust (issue 18): a mutation loop seeded from the shipped rule set's
//! test copy (`tests/rules/mini`), the fixtures and the scenarios, with seven targets:
//!
//! - county parsing (YAML and JSON): never a panic; what loads scores identically on both
//!   evaluators, within the score invariants (0 ≤ earned ≤ max per item, 0 ≤ total);
//! - rule loading: never a panic; a rule set that loads scores the good county identically on
//!   both evaluators;
//! - scenarios: never a panic;
//! - gap analysis of what loads (on the mini rule set): never a panic;
//! - request bodies as `fazhi serve` reads them (issue 23): never a panic, what reads scores
//!   within the invariants, every diagnostic's line inside the body;
//! - county workbooks whose sheet or shared-strings XML is mutated (issue 23): never a panic,
//!   within the table bounds, what reads scores within the invariants.
//!
//! `cargo test --test fuzz` runs each target for `FAZHI_FUZZ_SECS` seconds (default 8, about a
//! minute for the whole file in CI with the regressions). The long run:
//! `FAZHI_FUZZ_SECS=600 cargo test --release --test fuzz -- --nocapture` (totals are printed).
//! An input that fails is written to `target/fuzz-found/`; copy it into
//! `tests/fuzz-regressions/TARGET-NAME.yaml` (TARGET is county, rules, scenario, body or
//! workbook) and it is
//! replayed on every run.

mod common;
use fazhi::analyse::gap::GapAnalysis;
use fazhi::analyse::policy::weights::Scenario;
use fazhi::{CountyData, Evaluator, ItemStatus, RuleSet, RuleSource};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::time::{Duration, Instant};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// xorshift64*: small, seeded, the same sequence everywhere.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Tokens that reach the parsers' and evaluators' corners.
const TOKENS: &[&str] = &[
    "[",
    "]",
    "{",
    "}",
    ": ",
    "- ",
    "\n",
    "\r\n",
    "\u{feff}",
    "&a ",
    "*a",
    "!!str ",
    "~",
    "null",
    "-9.2e18",
    "1e308",
    "NaN",
    ".inf",
    "-1",
    "0",
    "99999999999999999999",
    "\"",
    "'",
    "#",
    "|\n  ",
    "loop { }",
    "while true {}",
    "P",
    "d.",
    "县",
    "\t",
    "\u{0}",
    "true",
    "2021-02-30",
    "::",
];

fn mutate(rng: &mut Rng, seeds: &[String]) -> String {
    let mut s: Vec<u8> = seeds[rng.below(seeds.len())].clone().into_bytes();
    for _ in 0..=rng.below(4) {
        let at = rng.below(s.len() + 1);
        match rng.below(6) {
            0 if !s.is_empty() => {
                let i = rng.below(s.len());
                s[i] ^= 1 << rng.below(8);
            }
            1 => {
                let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                s.splice(at..at, t.iter().copied());
            }
            2 => {
                let end = (at + rng.below(64)).min(s.len());
                s.drain(at..end);
            }
            3 => {
                let end = (at + rng.below(128)).min(s.len());
                let piece = s[at..end].to_vec();
                s.splice(at..at, piece);
            }
            4 => {
                // Splice in a piece of another seed.
                let o = seeds[rng.below(seeds.len())].as_bytes();
                let from = rng.below(o.len());
                let to = (from + rng.below(200)).min(o.len());
                s.splice(at..at, o[from..to].iter().copied());
            }
            _ => {
                // A digit run changed: numbers at their edges.
                if let Some(i) = (at..s.len()).find(|i| s[*i].is_ascii_digit()) {
                    s[i] = b"0123456789"[rng.below(10)];
                }
            }
        }
    }
    String::from_utf8_lossy(&s).into_owned()
}

fn read_seeds(dirs: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for d in dirs {
        let mut files: Vec<_> = std::fs::read_dir(Path::new(ROOT).join(d))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "json"))
            .collect();
        files.sort();
        out.extend(files.iter().map(|p| std::fs::read_to_string(p).unwrap()));
    }
    out
}

fn regressions(target: &str) -> Vec<String> {
    let mut files: Vec<_> = std::fs::read_dir(Path::new(ROOT).join("tests/fuzz-regressions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(&format!("{target}-")))
        })
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned())
        .collect()
}

fn budget() -> Duration {
    Duration::from_secs(
        std::env::var("FAZHI_FUZZ_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(8),
    )
}

/// Runs `check` on the regressions, then on mutated seeds until the time is up; a panic or a
/// failed check saves the input and fails the test.
fn fuzz(target: &str, seed: u64, seeds: &[String], check: &dyn Fn(&str)) {
    let mut inputs: Vec<String> = regressions(target);
    let replayed = inputs.len();
    let mut rng = Rng(seed);
    let start = Instant::now();
    let mut n = 0_u64;
    loop {
        let input = if let Some(i) = inputs.pop() {
            i
        } else if start.elapsed() < budget() {
            mutate(&mut rng, seeds)
        } else {
            break;
        };
        n += 1;
        if catch_unwind(AssertUnwindSafe(|| check(&input))).is_err() {
            let dir = Path::new(ROOT).join("target/fuzz-found");
            std::fs::create_dir_all(&dir).unwrap();
            let p = dir.join(format!("{target}-{seed}-{n}.yaml"));
            std::fs::write(&p, &input).unwrap();
            panic!(
                "fuzz target {target}: input {n} fails; saved as {}",
                p.display()
            );
        }
    }
    eprintln!(
        "fuzz {target}: {n} inputs ({replayed} regressions) in {:.1} s, no finding",
        start.elapsed().as_secs_f64()
    );
}

fn check_report(rules: &RuleSet, c: &CountyData) {
    let a = rules.score_with(c, Evaluator::Interpreter);
    let b = rules.score_with(c, Evaluator::Compiled);
    assert_eq!(a, b, "the evaluators disagree");
    for i in &a.items {
        assert!(
            i.earned >= fazhi::Points::ZERO && i.earned <= i.max,
            "{}",
            i.id
        );
        if i.status != ItemStatus::Scored {
            assert_eq!(i.earned, fazhi::Points::ZERO);
        }
    }
    assert!(a.summary.total >= fazhi::Points::ZERO);
}

#[test]
fn fuzz_county_files() {
    let mini = common::mini();
    let national = RuleSet::builtin().unwrap();
    let mut seeds = read_seeds(&["tests/data", "fixtures/counties"]);
    // JSON seeds: the same counties as JSON.
    let json: Vec<String> = seeds
        .iter()
        .filter_map(|s| serde_saphyr::from_str::<serde_json::Value>(s).ok())
        .map(|v| serde_json::to_string_pretty(&v).unwrap())
        .collect();
    seeds.extend(json);
    fuzz("county", 1, &seeds, &|text| {
        if let Ok(c) = CountyData::from_str("fuzz.yaml", text, &mini) {
            check_report(&mini, &c);
            let _ = GapAnalysis::new(&mini, &c);
        }
        // The national set's gap search is slow in a debug build: scoring only.
        if let Ok(c) = CountyData::from_str("fuzz.yaml", text, &national) {
            check_report(&national, &c);
        }
    });
}

#[test]
fn fuzz_rule_sets() {
    let docs = common::mini_docs();
    let seeds: Vec<String> = docs.iter().map(|d| d.1.clone()).collect();
    let good = std::fs::read_to_string(Path::new(ROOT).join("tests/data/mini-good.yaml")).unwrap();
    fuzz("rules", 2, &seeds, &|text| {
        // Replace the document the mutation most likely came from (same first line).
        let first = text.lines().next().unwrap_or("");
        let mut d = docs.clone();
        let k = d
            .iter()
            .position(|(_, t)| t.lines().next() == Some(first))
            .unwrap_or(0);
        d[k].1 = text.to_string();
        if let Ok(rules) = RuleSet::load(&RuleSource::from_documents(d)) {
            if let Ok(c) = CountyData::from_str("good.yaml", &good, &rules) {
                check_report(&rules, &c);
            }
        }
    });
}

#[test]
fn fuzz_scenarios() {
    let mini = common::mini();
    let seeds = read_seeds(&["tests/scenarios"]);
    fuzz("scenario", 3, &seeds, &|text| {
        let _ = Scenario::from_str("fuzz.yaml", text, &mini);
    });
}

#[test]
fn fuzz_request_bodies() {
    // Issue 23: request bodies as `fazhi serve` reads them (one county, an array, or
    // `{"counties": [...]}`): never a panic; what reads scores within the invariants, and every
    // diagnostic's place lies inside the body.
    let mini = common::mini();
    let one: Vec<String> = read_seeds(&["tests/data"])
        .iter()
        .filter_map(|s| serde_saphyr::from_str::<serde_json::Value>(s).ok())
        .map(|v| serde_json::to_string(&v).unwrap())
        .collect();
    let mut seeds = one.clone();
    for pair in one.windows(2) {
        seeds.push(format!("[{}, {}]", pair[0], pair[1]));
        seeds.push(format!("{{\"counties\": [{},\n{}]}}", pair[0], pair[1]));
    }
    fuzz(
        "body",
        4,
        &seeds,
        &|text| match fazhi::scoring::batch::read_json_counties(text, &mini, 100) {
            Ok(read) => {
                for c in &read.counties {
                    check_report(&mini, c);
                }
            }
            Err(e) => {
                let lines = text.split('\n').count();
                for d in e.diagnostics() {
                    assert!(d.line <= lines, "{d} in {lines} lines");
                }
            }
        },
    );
}

#[test]
fn fuzz_workbooks() {
    // Issue 23: county tables whose sheet XML is mutated (the workbook written by the template
    // from the mini counties): never a panic, within the bounds; what reads scores within the
    // invariants.
    let mini = common::mini();
    let good: Vec<CountyData> = ["tests/data/mini-good.yaml", "tests/data/mini-vetoed.yaml"]
        .iter()
        .map(|p| CountyData::from_file(Path::new(ROOT).join(p), &mini).unwrap())
        .collect();
    let book = fazhi::render::xlsx::template(&mini, &good).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(book.clone())).unwrap();
    let mut part = |name: &str| {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut s).unwrap();
        s
    };
    let seeds = vec![
        part("xl/worksheets/sheet1.xml"),
        part("xl/sharedStrings.xml"),
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fuzz.xlsx");
    fazhi::sheet::Limits {
        expanded_bytes: 16 * 1024 * 1024,
        ..Default::default()
    }
    .set_default();
    fuzz("workbook", 5, &seeds, &|text| {
        // The mutated text replaces the part it came from (the shared strings start with <sst).
        let target = if text.contains("<sst") {
            "xl/sharedStrings.xml"
        } else {
            "xl/worksheets/sheet1.xml"
        };
        let mut zin = zip::ZipArchive::new(std::io::Cursor::new(book.clone())).unwrap();
        let mut out = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for i in 0..zin.len() {
            let mut f = zin.by_index(i).unwrap();
            let name = f.name().to_string();
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut bytes).unwrap();
            out.start_file(name.as_str(), opts).unwrap();
            let body = if name == target {
                text.as_bytes()
            } else {
                &bytes[..]
            };
            std::io::Write::write_all(&mut out, body).unwrap();
        }
        out.finish().unwrap();
        if let Ok(table) = fazhi::sheet::read_table(&path, &mini) {
            for row in &table.rows {
                if let Ok(c) = &row.data {
                    check_report(&mini, c);
                }
            }
        }
    });
}
