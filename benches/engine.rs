//! Engine benchmarks (issue 7), all in one run so the ratios compare like with like:
//!
//! - `items_all/*`: every item of national-2021 on 100 synthetic counties, evaluation only, with
//!   the naive baseline (one rhai scope per county, `eval_ast_with_scope` per item), the
//!   interpreter (the engine before the fast path) and the compiled fast path;
//! - `items_20/*`: 20 sample rules, the same three plus the rules written by hand in Rust;
//! - `load_check_compile`: national-2021 from its text (and from its folder);
//! - `national_batch/*`: 2,844 synthetic counties, full itemized reports (totals, vetoes,
//!   bonuses, penalties, pass lines), interpreter and compiled, one thread and rayon; and the
//!   streaming summaries.
//!
//! Run: `cargo bench --bench engine` (see BENCHMARKS.md).

use criterion::{
    black_box, criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput,
};
use fazhi::{CountyData, Evaluator, RuleSet, RuleSource, Value};
use std::time::Duration;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/indicators/national-2021");

fn rules() -> RuleSet {
    RuleSet::load_dir(DIR).expect("national-2021 loads")
}

/// The 20 sample items and their hand-written Rust versions (inputs in order, points).
type Native = fn(&[f64], f64) -> f64;

// Thresholds as the engine meets them (docs/FORMAT.md, "Numbers"): to nine significant digits.
fn tiers(v: f64, ts: &[(f64, f64)]) -> f64 {
    ts.iter()
        .find(|(t, _)| fazhi::numeric::at_least(v, *t))
        .map_or(0.0, |(_, p)| *p)
}
fn deduct_below(v: f64, t: f64, unit: f64, per: f64, p: f64) -> f64 {
    (p - (per * (t - v) / unit).max(0.0)).max(0.0)
}
fn deduct_each(n: f64, per: f64, p: f64) -> f64 {
    (p - n.max(0.0) * per).max(0.0)
}
fn b(x: f64) -> bool {
    x != 0.0
}
fn pct_or(a: f64, b: f64, z: f64) -> f64 {
    if b == 0.0 {
        z
    } else {
        100.0 * a / b
    }
}

#[rustfmt::skip]
fn sample() -> Vec<(&'static str, &'static [&'static str], Native)> {
    vec![
        ("1.2.2", &["service.catalog_items", "service.catalog_dynamic"], |x, _| if x[0] > 0.0 { 3.0 } else { 0.0 } + if b(x[1]) { 3.0 } else { 0.0 }),
        ("1.3.1", &["service.online_available_rate"], |x, p| tiers(x[0], &[(95.0, p), (90.0, p / 2.0)])),
        ("1.3.2", &["service.online_rate"], |x, p| deduct_below(x[0], 90.0, 1.0, 0.2, p)),
        ("1.3.3", &["service.centre_entry_rate"], |x, p| deduct_below(x[0], 95.0, 1.0, 0.5, p)),
        ("1.3.4", &["service.satisfaction_rate"], |x, p| tiers(x[0], &[(98.0, p), (95.0, p * 0.6), (90.0, p * 0.3)])),
        ("1.5.1", &["business_env.market_policy_docs", "business_env.fair_competition_reviewed"], |x, p| deduct_each((x[0] - x[1]).max(0.0), 2.0, p)),
        ("1.5.2", &["business_env.e_registration_rate"], |x, p| tiers(x[0], &[(95.0, p), (85.0, p / 2.0)])),
        ("2.1.2", &["normative_docs.docs_issued", "normative_docs.docs_legality_reviewed"], |x, p| deduct_each((x[0] - x[1]).max(0.0), 4.0, p)),
        ("2.2.1", &["normative_docs.filing_rate"], |x, p| deduct_below(x[0], 100.0, 1.0, 1.0, p)),
        ("2.2.3", &["normative_docs.filing_conformity_rate"], |x, p| p * x[0].clamp(0.0, 100.0) / 100.0),
        ("2.2.4", &["normative_docs.filing_errors_corrected", "normative_docs.filing_errors_found"], |x, p| p * pct_or(x[0], x[1], 100.0).clamp(0.0, 100.0) / 100.0),
        ("2.3.2", &["normative_docs.valid_catalog_published", "normative_docs.validity_period_system"], |x, _| if b(x[0]) { 5.0 } else { 0.0 } + if b(x[1]) { 5.0 } else { 0.0 }),
        ("3.2.1", &["decisions.major_decisions", "decisions.public_participation"], |x, p| deduct_each((x[0] - x[1]).max(0.0), 3.0, p)),
        ("3.2.6", &["decisions.illegal_decisions_corrected"], |x, p| deduct_each(x[0], 4.0, p)),
        ("4.1.1", &["enforcement.comprehensive_teams"], |x, p| (p - (2.0 * (x[0] - 8.0)).max(0.0)).max(0.0)),
        ("4.2.2", &["enforcement.full_record_rate"], |x, p| tiers(x[0], &[(100.0, p), (95.0, p * 0.8), (90.0, p * 0.5)])),
        ("4.2.3", &["enforcement.major_decision_review_rate"], |x, p| deduct_below(x[0], 100.0, 1.0, 2.0, p)),
        ("6.1.1", &["review.standardized_venue", "review.online_platform"], |x, _| if b(x[0]) { 4.0 } else { 0.0 } + if b(x[1]) { 4.0 } else { 0.0 }),
        ("6.2.2", &["litigation.loss_rate"], |x, p| [(5.0, p), (10.0, 8.0), (15.0, 4.0)].iter().find(|(t, _)| fazhi::numeric::at_most(x[0], *t)).map_or(0.0, |(_, q)| *q)),
        ("7.1.1", &["training.pre_appointment_law_exam", "training.leader_law_exam", "training.leader_law_list"], |x, _| 4.0 * x.iter().filter(|v| b(**v)).count() as f64),
    ]
}

/// A county's inputs of the sample as plain numbers (bools as 0/1); `None` when one is missing.
fn native_inputs(c: &CountyData, fields: &[&str]) -> Option<Vec<f64>> {
    fields
        .iter()
        .map(|f| {
            c.get(f).map(|d| match &d.value {
                Value::Bool(b) => f64::from(u8::from(*b)),
                v => v.as_f64().unwrap_or(0.0),
            })
        })
        .collect()
}

fn items(c: &mut Criterion) {
    let rules = rules();
    let counties = fazhi::synth::generate(&rules, 100, 1);
    let n_items = rules.items().count();
    let mut g = c.benchmark_group("items_all");
    g.sample_size(10).measurement_time(Duration::from_secs(4));
    g.throughput(Throughput::Elements((counties.len() * n_items) as u64));
    for (name, ev) in [
        ("naive", Evaluator::Naive),
        ("interpreter", Evaluator::Interpreter),
        ("compiled", Evaluator::Compiled),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                for c in &counties {
                    black_box(rules.evaluate_items(c, ev));
                }
            })
        });
    }
    g.finish();

    let sample = sample();
    let positions: Vec<usize> = sample
        .iter()
        .map(|(id, _, _)| rules.items().position(|n| n.id.as_str() == *id).expect(id))
        .collect();
    let points: Vec<f64> = positions
        .iter()
        .map(|k| rules.items().nth(*k).unwrap().points.as_f64())
        .collect();
    // The native version must agree with the engine on every county it can score.
    let inputs: Vec<Vec<Option<Vec<f64>>>> = counties
        .iter()
        .map(|c| sample.iter().map(|(_, f, _)| native_inputs(c, f)).collect())
        .collect();
    for (c, ins) in counties.iter().zip(&inputs) {
        let engine = rules.evaluate_items_at(c, &positions, Evaluator::Compiled);
        for (k, ((id, _, f), x)) in sample.iter().zip(ins).enumerate() {
            if let (Some(x), Some(e)) = (x, engine[k]) {
                assert!(
                    (f(x, points[k]) - e).abs() < 1e-9,
                    "native {id} differs: {} vs {e}",
                    f(x, points[k])
                );
            }
        }
    }
    let mut g = c.benchmark_group("items_20");
    g.sample_size(10).measurement_time(Duration::from_secs(3));
    g.throughput(Throughput::Elements((counties.len() * sample.len()) as u64));
    for (name, ev) in [
        ("naive", Evaluator::Naive),
        ("interpreter", Evaluator::Interpreter),
        ("compiled", Evaluator::Compiled),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                for c in &counties {
                    black_box(rules.evaluate_items_at(c, &positions, ev));
                }
            })
        });
    }
    g.bench_function("native", |b| {
        b.iter(|| {
            for ins in &inputs {
                let mut out = [0.0; 20];
                for (k, ((_, _, f), x)) in sample.iter().zip(ins).enumerate() {
                    if let Some(x) = x {
                        out[k] = f(black_box(x), points[k]);
                    }
                }
                black_box(out);
            }
        })
    });
    g.finish();
}

fn load(c: &mut Criterion) {
    let src = RuleSource::from_dir(DIR).unwrap();
    let mut g = c.benchmark_group("load_check_compile");
    g.sample_size(10).measurement_time(Duration::from_secs(4));
    g.bench_function("national-2021 from text", |b| {
        b.iter(|| RuleSet::load(black_box(&src)).unwrap())
    });
    g.bench_function("national-2021 from folder", |b| {
        b.iter(|| RuleSet::load_dir(black_box(DIR)).unwrap())
    });
    g.finish();
}

fn batch(c: &mut Criterion) {
    let rules = rules();
    let counties = fazhi::synth::generate(&rules, 2844, 1);
    let mut g = c.benchmark_group("national_batch");
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    g.throughput(Throughput::Elements(counties.len() as u64));
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    // The reports are kept: freeing them afterwards (the caller's business) is not timed, and
    // neither is copying the counties the streaming mode consumes.
    g.bench_function(BenchmarkId::new("interpreter", "1 thread"), |b| {
        b.iter_with_large_drop(|| {
            counties
                .iter()
                .map(|c| rules.score_with(c, Evaluator::Interpreter))
                .collect::<Vec<_>>()
        })
    });
    g.bench_function(BenchmarkId::new("compiled", "1 thread"), |b| {
        b.iter_with_large_drop(|| one.install(|| rules.score_batch(&counties)))
    });
    g.bench_function(BenchmarkId::new("compiled", "rayon"), |b| {
        b.iter_with_large_drop(|| rules.score_batch(&counties))
    });
    g.bench_function(BenchmarkId::new("summaries", "rayon"), |b| {
        b.iter_batched(
            || counties.clone(),
            |cs| rules.summarise(cs),
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, items, load, batch);
criterion_main!(benches);
