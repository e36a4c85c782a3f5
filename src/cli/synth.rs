//! `fazhi synth`: write synthetic county data for a rule set.

use super::common::*;
use std::path::{Path, PathBuf};

/// Generates `counties` counties from `seed` and writes one YAML file each into `out`.
pub fn run(rules_dir: Option<&Path>, counties: usize, seed: u64, out: &Path) -> u8 {
    let rules = match load(rules_dir) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let data = fazhi::synth::generate(&rules, counties, seed);
    let targets: Vec<PathBuf> = data
        .iter()
        .map(|c| out.join(format!("{}.yaml", c.info().id)))
        .collect();
    let targets: Vec<&Path> = targets.iter().map(PathBuf::as_path).collect();
    if let Err(code) = guard_output(&targets, rules_dir.as_slice()) {
        return code;
    }
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
