//! Issue 18's target: a rule set whose every item (and bonus and penalty) is an endless loop
//! ranks 2,844 county files in under 10 s, because each rule stops at its operations limit
//! (10,000, about 1 ms) and `rank` stops running a rule after it hit the limit on 3 counties.
//! Also the cost of one hostile item per county with the batch budget switched off (scoring one
//! county on its own). Results: BENCHMARKS.md.

use criterion::{criterion_group, criterion_main, Criterion};
use fazhi::analyse::change::rank;
use fazhi::{RuleSet, RuleSource};
use std::time::Duration;

/// Every `score:` of the national rule set replaced by an endless loop.
fn hostile() -> RuleSource {
    let docs = RuleSet::builtin_source()
        .documents()
        .iter()
        .map(|(name, text)| {
            let mut out = String::new();
            let mut block = None;
            for line in text.lines() {
                let indent = line.len() - line.trim_start().len();
                if let Some(i) = block {
                    if indent > i && !line.trim().is_empty() {
                        continue;
                    }
                    block = None;
                }
                if let Some(rest) = line.trim_start().strip_prefix("score:") {
                    out.push_str(&" ".repeat(indent));
                    out.push_str("score: \"let x = 0; loop { x += 1; }\"\n");
                    if rest.trim() == "|" || rest.trim() == ">" {
                        block = Some(indent);
                    }
                    continue;
                }
                out.push_str(line);
                out.push('\n');
            }
            (name.clone(), out)
        })
        .collect::<Vec<_>>();
    RuleSource::from_documents(docs)
}

fn bench(c: &mut Criterion) {
    let good = RuleSet::builtin().unwrap();
    let rules = RuleSet::load(&hostile()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let counties = fazhi::synth::generate(&good, 2844, 1);
    fazhi::synth::write_dir(dir.path(), &counties).unwrap();
    let files = fazhi::scoring::batch::data_files(&[dir.path().to_path_buf()]).unwrap();
    let mut g = c.benchmark_group("hostile");
    g.sample_size(10).measurement_time(Duration::from_secs(30));
    g.bench_function("rank 2,844 counties, every rule looping", |b| {
        b.iter(|| {
            let r = rank::rank_files(&rules, &files, &|| {});
            assert_eq!(r.rows.len(), 2844);
            assert!(!r.rules_in_error.is_empty());
        })
    });
    g.bench_function("rank 2,844 counties, shipped rules", |b| {
        b.iter(|| rank::rank_files(&good, &files, &|| {}))
    });
    // One county scored on its own (no batch budget): every looping item runs to its limit.
    let one = &counties[0];
    let items = rules.items().count() as f64;
    g.bench_function("one county, every item looping to its limit", |b| {
        b.iter(|| rules.score(one))
    });
    eprintln!("({items} looping items per county: divide for the cost of one)");
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
