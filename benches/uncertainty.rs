//! The Monte Carlo uncertainty analysis at national scale — 10,000 weightings of 2,844
//! synthetic counties (the number of county-level divisions in China) under national-2021 —
//! against the naive method (re-running the rules for every draw) on a smaller batch.
//! Write-up: BENCHMARKS.md.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use fazhi::analyse::scores::Batch;
use fazhi::analyse::stats::competition_ranks;
use fazhi::analyse::uncertainty::{analyse, LevelNoise, Settings};
use fazhi::analyse::weights::Weights;
use fazhi::{CountyData, CountyInfo, Datum, RuleSet, Value};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::time::Duration;

/// `n` synthetic counties: the fixture counties with every number scaled by a random factor
/// (within the dictionary's bounds) and bools flipped now and then, seeded.
fn synthetic(rules: &RuleSet, n: usize) -> Vec<CountyData> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
    let bases: Vec<CountyData> = [
        "synthetic/strong",
        "synthetic/middling",
        "counties/yuncheng-2018",
        "counties/linshu-2024",
    ]
    .iter()
    .map(|f| CountyData::from_file(format!("{dir}/{f}.yaml"), rules).unwrap())
    .collect();
    let mut rng = ChaCha8Rng::seed_from_u64(2844);
    (0..n)
        .map(|i| {
            let base = &bases[i % bases.len()];
            let values = base.values.iter().map(|(path, d)| {
                let (lo, hi) = rules.fields()[path].bounds();
                let clamp = |x: f64| x.max(lo.unwrap_or(f64::MIN)).min(hi.unwrap_or(f64::MAX));
                let v = match &d.value {
                    Value::Number(x) => Value::Number(clamp(x * rng.gen_range(0.8..1.1))),
                    Value::Int(k) => {
                        Value::Int(clamp((*k as f64 * rng.gen_range(0.5..1.5)).round()) as i64)
                    }
                    Value::Bool(b) => Value::Bool(if rng.gen_bool(0.1) { !b } else { *b }),
                    other => other.clone(),
                };
                (path.clone(), Datum::new(v))
            });
            let info = CountyInfo {
                id: format!("synth-{i:04}"),
                name: format!("合成县{i}"),
                ..Default::default()
            };
            CountyData::new(info, values.collect::<Vec<_>>(), rules).unwrap()
        })
        .collect()
}

fn settings(runs: usize) -> Settings {
    Settings {
        noise: [
            (1, LevelNoise::Factor(0.25)),
            (2, LevelNoise::Factor(0.25)),
            (3, LevelNoise::Factor(0.25)),
        ]
        .into(),
        runs,
        seed: 1,
        sensitivity: None,
    }
}

fn bench(c: &mut Criterion) {
    let rules = RuleSet::builtin().unwrap();
    let counties = synthetic(&rules, 2844);
    let batch = Batch::evaluate(&rules, &counties);
    let nominal = Weights::nominal(&rules);

    let mut g = c.benchmark_group("uncertainty");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("fast: 10000 weightings x 2844 counties", |b| {
        b.iter(|| analyse(&rules, &batch, &nominal, &settings(10_000)).unwrap())
    });
    // Per draw per county, the same work at a smaller scale for the ratio.
    g.bench_function("fast: 100 weightings x 200 counties", |b| {
        let small = Batch::evaluate(&rules, &counties[..200]);
        b.iter(|| analyse(&rules, &small, &nominal, &settings(100)).unwrap())
    });
    // Naive: every draw re-runs every rule of every county (rhai), then ranks. The weights of a
    // draw do not even need a rebuilt rule set here, so this understates the naive cost.
    g.bench_function("naive: 10 weightings x 200 counties", |b| {
        let small = &counties[..200];
        b.iter_batched(
            || (),
            |_| {
                for _ in 0..10 {
                    let batch = Batch::evaluate(&rules, small);
                    let totals: Vec<_> =
                        batch.recompute(&nominal).iter().map(|o| o.total).collect();
                    std::hint::black_box(competition_ranks(&totals));
                }
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
