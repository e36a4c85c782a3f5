//! Gap analysis cost per county under the national rule set, against scoring the same county
//! once (the baseline: one full rescore).

use criterion::{criterion_group, criterion_main, Criterion};
use fazhi::analyse::gap::GapAnalysis;
use fazhi::{CountyData, RuleSet};

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
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
