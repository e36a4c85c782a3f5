//! Scores 2,844 synthetic counties with national-2021 and prints a digest; used to measure peak
//! memory (`/usr/bin/time -v`) and to profile (`perf record`). See BENCHMARKS.md.
//!
//! `cargo run --release --example national_batch -- [full|summaries|interpreter|items] [COUNTIES]`
//! - `full`: every itemized report kept (`score_batch`, rayon);
//! - `summaries`: counties generated and scored in chunks, only summaries kept (`summarise`);
//! - `interpreter`: full reports on the rhai interpreter, one thread;
//! - `items`: item evaluation only, compiled path, one thread.

use fazhi::{Evaluator, RuleSet};

fn main() -> Result<(), fazhi::Error> {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map_or("full", String::as_str);
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(2844);
    let rules = RuleSet::load_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/indicators/national-2021"
    ))?;
    let generator = fazhi::synth::Generator::new(&rules);
    match mode {
        "summaries" => {
            let stream = (0..n).filter_map(|i| generator.county(&rules, 1, i).ok());
            let sums = rules.summarise(stream);
            let passed = sums
                .iter()
                .filter(|s| s.summary.pass_lines.iter().any(|p| p.reached))
                .count();
            println!("{} summaries, {passed} reach a pass line", sums.len());
        }
        "interpreter" => {
            let counties = fazhi::synth::generate(&rules, n, 1);
            let reports: Vec<_> = counties
                .iter()
                .map(|c| rules.score_with(c, Evaluator::Interpreter))
                .collect();
            println!("{} reports", reports.len());
        }
        "items" => {
            let counties = fazhi::synth::generate(&rules, n, 1);
            let t = std::time::Instant::now();
            let mut sum = 0.0;
            for _ in 0..5 {
                for c in &counties {
                    sum += rules
                        .evaluate_items(c, Evaluator::Compiled)
                        .iter()
                        .flatten()
                        .sum::<f64>();
                }
            }
            let per_item = t.elapsed().as_secs_f64() * 1e6 / (5 * n * rules.items().count()) as f64;
            println!("sum {sum}, {per_item:.3} µs per item (one thread)");
        }
        _ => {
            let counties = fazhi::synth::generate(&rules, n, 1);
            let t = std::time::Instant::now();
            let reports = rules.score_batch(&counties);
            let took = t.elapsed();
            let items: usize = reports.iter().map(|r| r.items.len()).sum();
            println!(
                "{} reports, {items} items kept, scored in {took:.2?}",
                reports.len()
            );
        }
    }
    Ok(())
}
