//! `fazhi synth`: determinism, validity of every value, and the spread of totals on national-2021.

mod common;

use fazhi::{ConditionStatus, CountyData, RuleSet};
use std::process::Command;

fn national() -> RuleSet {
    RuleSet::load_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/indicators/national-2021"
    ))
    .unwrap()
}

#[test]
fn same_seed_same_counties_other_seed_other_counties() {
    let rules = national();
    let a = fazhi::synth::generate(&rules, 30, 11);
    assert_eq!(a, fazhi::synth::generate(&rules, 30, 11));
    assert_ne!(a, fazhi::synth::generate(&rules, 30, 12));
    // County i does not depend on how many are generated.
    assert_eq!(&a[..10], &fazhi::synth::generate(&rules, 10, 11)[..]);
}

#[test]
fn every_value_fits_the_dictionary_and_survives_a_file_round_trip() {
    for rules in [national(), common::mini()] {
        let counties = fazhi::synth::generate(&rules, 200, 3);
        assert_eq!(counties.len(), 200, "every county passes CountyData::new");
        for c in &counties {
            for (path, d) in c.values() {
                let spec = &rules.fields()[path];
                if let Some(x) = d.value.as_f64() {
                    let (lo, hi) = spec.bounds();
                    assert!(
                        lo.is_none_or(|l| x >= l) && hi.is_none_or(|h| x <= h),
                        "{path} = {x}"
                    );
                }
            }
            let text = fazhi::synth::to_yaml(c).unwrap();
            let back = CountyData::from_str("synth.yaml", &text, &rules).unwrap();
            assert_eq!(&back, c);
        }
    }
}

#[test]
fn national_totals_spread_like_real_assessments() {
    let rules = national();
    let counties = fazhi::synth::generate(&rules, 2844, 1);
    assert_eq!(counties.len(), 2844);
    let reports: Vec<_> = counties.iter().map(|c| rules.score(c)).collect();
    let n = reports.len() as f64;
    let share =
        |f: &dyn Fn(&fazhi::Report) -> bool| reports.iter().filter(|r| f(r)).count() as f64 / n;
    let demo = rules
        .pass_lines()
        .iter()
        .position(|l| l.id.as_str() == "demonstration")
        .unwrap();
    let passing = share(&|r| r.summary.pass_lines[demo].reached);
    assert!(
        (0.02..=0.40).contains(&passing),
        "share reaching 示范: {passing}"
    );
    let vetoed = share(&|r| r.summary.vetoed);
    assert!((0.005..=0.10).contains(&vetoed), "share vetoed: {vetoed}");
    let some_missing = share(&|r| r.summary.no_data > 0);
    assert!(
        (0.05..=0.95).contains(&some_missing),
        "share with missing data: {some_missing}"
    );
    let mut totals: Vec<f64> = reports.iter().map(|r| r.summary.total.as_f64()).collect();
    totals.sort_by(f64::total_cmp);
    let (p10, p50, p90) = (totals[284], totals[1422], totals[2559]);
    assert!(
        p10 < p50 - 100.0 && p50 < p90 - 100.0,
        "spread {p10} {p50} {p90}"
    );
    assert!(totals[2843] < 1000.0, "nobody reaches full marks");
    assert!(reports.iter().all(|r| r.summary.errors == 0));
    // Strength is correlated across areas: area shares of the same county move together.
    let area_share = |r: &fazhi::Report, k: usize| {
        r.nodes
            .iter()
            .filter(|n| n.level == 1)
            .nth(k)
            .map(|n| n.earned.as_f64() / n.max.as_f64())
            .unwrap()
    };
    let (xs, ys): (Vec<f64>, Vec<f64>) = reports
        .iter()
        .map(|r| (area_share(r, 0), area_share(r, 5)))
        .unzip();
    assert!(
        correlation(&xs, &ys) > 0.3,
        "areas 1 and 6 correlate: {}",
        correlation(&xs, &ys)
    );
}

fn correlation(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let cov: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let vx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let vy: f64 = y.iter().map(|b| (b - my).powi(2)).sum();
    cov / (vx * vy).sqrt()
}

#[test]
fn the_checks_of_simple_shapes_hold() {
    let rules = national();
    let counties = fazhi::synth::generate(&rules, 300, 5);
    for c in &counties {
        let r = rules.score(c);
        for check in &r.checks {
            // C6.2 compares a rate with a denominator computed inside the check (not generated).
            if check.id.as_str() != "C6.2" {
                assert_ne!(
                    check.status,
                    ConditionStatus::Triggered,
                    "{} {:?}",
                    c.info().id,
                    check
                );
            }
        }
    }
}

#[test]
fn cli_writes_one_file_per_county_deterministically() {
    let dir = tempfile::tempdir().unwrap();
    let run = |out: &std::path::Path| {
        let o = Command::new(env!("CARGO_BIN_EXE_fazhi"))
            .args(["synth", "--counties", "5", "--seed", "9", "--out"])
            .arg(out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    assert!(run(&a).contains("wrote 5 synthetic counties"));
    run(&b);
    let mut names: Vec<_> = std::fs::read_dir(&a)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert_eq!(names.len(), 5);
    assert_eq!(names[0], "synth-0001.yaml");
    for n in &names {
        assert_eq!(
            std::fs::read(a.join(n)).unwrap(),
            std::fs::read(b.join(n)).unwrap()
        );
    }
    // The files score.
    let o = Command::new(env!("CARGO_BIN_EXE_fazhi"))
        .args(["score", "--format", "csv"])
        .arg(a.join("synth-0003.yaml"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn cli_reports_an_unwritable_folder() {
    let file = tempfile::NamedTempFile::new().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_fazhi"))
        .args(["synth", "--counties", "2", "--out"])
        .arg(file.path().join("sub"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("error"));
}
