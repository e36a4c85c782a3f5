//! Prints the spread of synthetic totals for a rule set: `cargo run --release --example
//! synth_stats -- [RULES_DIR] [COUNTIES] [SEED]` (tuning aid for `fazhi synth`).

use fazhi::{ConditionStatus, ItemStatus, RuleSet};
use std::collections::BTreeMap;

fn main() -> Result<(), fazhi::Error> {
    let args: Vec<String> = std::env::args().collect();
    let rules = match args.get(1) {
        Some(d) => RuleSet::load_dir(d)?,
        None => RuleSet::builtin()?,
    };
    let n = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(2844);
    let seed = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1);
    let counties = fazhi::synth::generate(&rules, n, seed);
    let reports: Vec<_> = counties.iter().map(|c| rules.score(c)).collect();
    let mut totals: Vec<f64> = reports.iter().map(|r| r.summary.total.as_f64()).collect();
    totals.sort_by(|a, b| a.total_cmp(b));
    let q = |p: f64| totals[((totals.len() - 1) as f64 * p) as usize];
    println!("counties {} of {n}", reports.len());
    println!(
        "total: min {} p10 {} p25 {} median {} p75 {} p90 {} max {}",
        q(0.0),
        q(0.1),
        q(0.25),
        q(0.5),
        q(0.75),
        q(0.9),
        q(1.0)
    );
    let share = |f: &dyn Fn(&fazhi::Report) -> bool| {
        reports.iter().filter(|r| f(r)).count() as f64 / reports.len() as f64
    };
    println!("vetoed {:.3}", share(&|r| r.summary.vetoed));
    for (k, line) in rules.pass_lines().iter().enumerate() {
        println!(
            "pass {} {:.3}",
            line.name,
            share(&|r| r.summary.pass_lines[k].reached)
        );
        println!(
            "  total >= {} {:.3}",
            line.min_total,
            share(&|r| r.summary.total >= line.min_total)
        );
    }
    let items: usize = reports.iter().map(|r| r.items.len()).sum();
    let nodata: usize = reports.iter().map(|r| r.summary.no_data).sum();
    let errors: usize = reports.iter().map(|r| r.summary.errors).sum();
    println!("items {items} no_data {nodata} errors {errors}");
    let mut fails: BTreeMap<String, usize> = BTreeMap::new();
    for r in &reports {
        for c in &r.checks {
            if c.status == ConditionStatus::Triggered {
                *fails.entry(c.id.to_string()).or_default() += 1;
            }
        }
    }
    println!("check warnings by check: {fails:?}");
    let mut item_share: BTreeMap<String, (f64, usize)> = BTreeMap::new();
    for r in &reports {
        for i in &r.items {
            let e = item_share.entry(i.id.to_string()).or_default();
            if i.status == ItemStatus::Scored {
                e.0 += i.earned.as_f64() / i.max.as_f64();
                e.1 += 1;
            }
        }
    }
    if std::env::var("ITEMS").is_ok() {
        for (id, (s, n)) in item_share {
            println!("item {id} mean share {:.2}", s / n.max(1) as f64);
        }
    }
    Ok(())
}
