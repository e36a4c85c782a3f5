//! `fazhi synth`: write synthetic county data for a rule set.

use super::common::*;
use std::path::Path;

/// Generates `counties` counties from `seed` and writes one YAML file each into `out`.
pub fn run(rules: Option<&Path>, counties: usize, seed: u64, out: &Path) -> u8 {
    let rules = match load(rules) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let data = fazhi::synth::generate(&rules, counties, seed);
    match fazhi::synth::write_dir(out, &data) {
        Ok(()) => {
            say(&format!(
                "wrote {} synthetic counties for {} (seed {seed}) to {}",
                data.len(),
                rules.id(),
                out.display()
            ));
            OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            FAILURE
        }
    }
}
