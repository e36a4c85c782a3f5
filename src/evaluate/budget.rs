//! The measurement behind [`super::MAX_OPERATIONS`]: how many rhai operations the rules of the
//! shipped rule sets run, on the fixture counties and on synthetic ones.

#[cfg(test)]
mod tests {
    use crate::evaluate::interpreter::BoundCounty;
    use crate::evaluate::{Outcome, MAX_OPERATIONS};
    use crate::RuleSet;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;

    /// The most operations any rule of `rules` runs on `counties`.
    fn most_operations(rules: &RuleSet, counties: &[crate::CountyData]) -> u64 {
        let most = Arc::new(AtomicU64::new(0));
        let mut engine = crate::compile::engine();
        let m = most.clone();
        engine.on_progress(move |ops| {
            m.fetch_max(ops, Ordering::Relaxed);
            None
        });
        let all = rules
            .items
            .iter()
            .map(|(_, r)| r)
            .chain(&rules.vetoes)
            .chain(&rules.bonuses)
            .chain(&rules.penalties)
            .chain(&rules.checks);
        let rules_list: Vec<_> = all.collect();
        for c in counties {
            let bound = BoundCounty::new(&engine, &rules.groups, c);
            for r in &rules_list {
                let run = bound.run(r, 10.0, true);
                assert!(
                    !matches!(&run.outcome, Outcome::Error(m) if m.contains("operations")),
                    "{:?}",
                    run.outcome
                );
            }
        }
        most.load(Ordering::Relaxed)
    }

    #[test]
    fn shipped_rules_use_a_small_share_of_the_budget() {
        let national = RuleSet::builtin().unwrap();
        let mut counties = crate::synth::generate(&national, 200, 7);
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/counties");
        for e in std::fs::read_dir(dir).unwrap() {
            counties.push(crate::CountyData::from_file(e.unwrap().path(), &national).unwrap());
        }
        let a = most_operations(&national, &counties);
        let haiyan = RuleSet::load_dir(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/indicators/haiyan-2016"
        ))
        .unwrap();
        let b = most_operations(&haiyan, &crate::synth::generate(&haiyan, 200, 7));
        // Measured: see the figures in MAX_OPERATIONS' documentation. The limit keeps at
        // least a 20-fold margin over the busiest shipped rule.
        assert!(a.max(b) > 0);
        assert!(a.max(b) * 20 <= MAX_OPERATIONS, "national {a}, haiyan {b}");
        eprintln!("busiest rule: national-2021 {a} operations, haiyan-2016 {b}");
    }
}
