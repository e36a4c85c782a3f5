//! Gap analysis cost per county under the national rule set, against scoring the same county
//! once (the baseline: one full rescore); and the plan solver alone (`GapAnalysis::replan`: the
//! options' standalone rescores, the 0–1 programme and the verifying rescores) on the five seed
//! counties and on 100 synthetic counties.

use criterion::{criterion_group, criterion_main, Criterion};
use fazhi::analyse::gap::{GapAnalysis, PlanOptions, Solver};
use fazhi::{CountyData, RuleSet};
use std::time::Instant;

fn bench(c: &mut Criterion) {
    let rules = RuleSet::builtin().expect("built-in rules");
    let root = env!("CARGO_MANIFEST_DIR");
    for name in [
        "counties/qingfeng-2020",
        "counties/yuncheng-2018",
        "synthetic/middling",
    ] {
        let data =
            CountyData::from_file(format!("{root}/fixtures/{name}.yaml"), &rules).expect("fixture");
        let short = name.rsplit('/').next().unwrap_or(name);
        c.bench_function(&format!("score/{short}"), |b| b.iter(|| rules.score(&data)));
        c.bench_function(&format!("gap/{short}"), |b| {
            b.iter(|| GapAnalysis::new(&rules, &data))
        });
    }
    let opts = PlanOptions::default();
    for name in [
        "haiyan-2016",
        "linshu-2024",
        "qingfeng-2020",
        "qingshan-2020",
        "yuncheng-2018",
    ] {
        let data = CountyData::from_file(format!("{root}/fixtures/counties/{name}.yaml"), &rules)
            .expect("fixture");
        let mut g = GapAnalysis::new(&rules, &data);
        c.bench_function(&format!("solver/{name}"), |b| {
            b.iter(|| g.replan(&rules, &data, &opts).expect("same data"))
        });
    }
    // 100 synthetic counties: one timed pass of the solver per county (the analyses are built
    // first, untimed). Printed, not a criterion sample: 10 samples of 100 counties take minutes.
    let counties = fazhi::synth::generate(&rules, 100, 2021);
    let mut analyses: Vec<GapAnalysis> = counties
        .iter()
        .map(|d| GapAnalysis::new(&rules, d))
        .collect();
    let mut times = Vec::new();
    let (mut plans, mut optimal) = (0, 0);
    for (g, d) in analyses.iter_mut().zip(&counties) {
        let t = Instant::now();
        g.replan(&rules, d, &opts).expect("same data");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        plans += g.plans.len();
        optimal += g
            .plans
            .iter()
            .filter(|p| p.solver == Solver::Optimal)
            .count();
    }
    times.sort_by(f64::total_cmp);
    let total: f64 = times.iter().sum();
    eprintln!(
        "solver/synthetic-100: {plans} plans, {optimal} optimal; per county median {:.1} ms, max {:.1} ms; all 100 {:.2} s",
        times[times.len() / 2],
        times[times.len() - 1],
        total / 1000.0
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
