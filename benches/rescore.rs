//! Rescoring a batch after one changed item (incremental: `analyse::change::rescore`, reusing every
//! unchanged item of the old reports) versus a full rescore of the same batch under the same new
//! rules. Batch: the 8 fixture counties plus 192 synthetic counties (`fazhi::synth`, seed 1),
//! 200 in all. Both variants run
//! on one single-thread rayon pool, so that they measure work rather than how busy the shared
//! machine's other core is. Results: BENCHMARKS.md.

use criterion::{criterion_group, criterion_main, Criterion};
use fazhi::analyse::change::rescore;
use fazhi::{CountyData, RuleSet, RuleSource};
use rayon::prelude::*;

const NATIONAL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/indicators/national-2021");

/// The national rule set with its first one-line item rule halved.
fn one_item_changed() -> RuleSet {
    let mut docs = RuleSource::from_dir(NATIONAL).unwrap().documents().to_vec();
    let doc = docs
        .iter_mut()
        .find(|d| d.0 == "areas/1-functions.yaml")
        .unwrap();
    let line = doc
        .1
        .lines()
        .find(|l| l.trim_start().starts_with("score: ") && !l.trim_end().ends_with('|'))
        .unwrap()
        .to_string();
    let (indent, expr) = line.split_once("score: ").unwrap();
    doc.1 = doc
        .1
        .replacen(&line, &format!("{indent}score: ({}) / 2", expr.trim()), 1);
    RuleSet::load(&RuleSource::from_documents(docs)).unwrap()
}

fn batch(rules: &RuleSet) -> Vec<CountyData> {
    let mut out = Vec::new();
    for dir in ["fixtures/counties", "fixtures/synthetic"] {
        let mut files: Vec<_> = std::fs::read_dir(format!("{}/{dir}", env!("CARGO_MANIFEST_DIR")))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .collect();
        files.sort();
        out.extend(
            files
                .iter()
                .map(|f| CountyData::from_file(f, rules).unwrap()),
        );
    }
    let n = 200 - out.len();
    out.extend(fazhi::synth::generate(rules, n, 1));
    out
}

fn bench(c: &mut Criterion) {
    let old = RuleSet::load_dir(NATIONAL).unwrap();
    let new = one_item_changed();
    let counties = batch(&old);
    let before: Vec<_> = counties.iter().map(|c| old.score(c)).collect();
    let (check, stats) = rescore::rescore(&old, &before, &new, &counties);
    assert_eq!(stats.items_evaluated, counties.len(), "one item per county");
    assert!(check.iter().zip(&counties).all(|(r, c)| *r == new.score(c)));

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let mut g = c.benchmark_group("rescore_200_counties");
    g.sample_size(20);
    g.measurement_time(std::time::Duration::from_secs(20));
    g.bench_function("full", |b| {
        b.iter(|| {
            pool.install(|| {
                let r: Vec<_> = counties.par_iter().map(|c| new.score(c)).collect();
                r
            })
        })
    });
    g.bench_function("incremental_one_item_changed", |b| {
        b.iter(|| pool.install(|| rescore::rescore(&old, &before, &new, &counties)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
