//! The Monte Carlo uncertainty analysis at national scale — 10,000 weightings of 2,844
//! synthetic counties (the number of county-level divisions in China) under national-2021 —
//! against the naive method (re-running the rules for every draw) on a smaller batch.
//! Write-up: BENCHMARKS.md.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use fazhi::analyse::policy::scores::Batch;
use fazhi::analyse::policy::uncertainty::{analyse, LevelNoise, Settings};
use fazhi::analyse::policy::weights::Weights;
use fazhi::analyse::stats::competition_ranks;
use fazhi::RuleSet;
use std::time::Duration;

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
        // The default: every draw renormalised to the rule set's 1000 points.
        float_total: false,
    }
}

fn bench(c: &mut Criterion) {
    let rules = RuleSet::builtin().unwrap();
    // The library's synthetic counties (fazhi::synth), seeded.
    let counties = fazhi::synth::generate(&rules, 2844, 1);
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
