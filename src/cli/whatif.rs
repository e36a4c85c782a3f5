//! `fazhi whatif`: baseline against a weighting scenario.

use super::common::*;
use fazhi::analyse::policy::{scores::Batch, weights::Scenario, whatif::WhatIf};
use fazhi::render::{self, Format};
use fazhi::{CountyData, RuleSet};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// County files from the arguments: files as given, folders expanded to their `.yaml`, `.yml`
/// and `.json` files in name order. Reports every unreadable file; `Err` carries the exit code.
pub fn load_counties(rules: &RuleSet, args: &[PathBuf]) -> Result<Vec<CountyData>, u8> {
    let mut files = Vec::new();
    for a in args {
        if a.is_dir() {
            let mut inside: Vec<PathBuf> = match std::fs::read_dir(a) {
                Ok(rd) => rd
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| {
                        matches!(
                            p.extension().and_then(|x| x.to_str()),
                            Some("yaml" | "yml" | "json")
                        )
                    })
                    .collect(),
                Err(e) => {
                    eprintln!("error: {}: {e}", a.display());
                    return Err(BAD_INPUT);
                }
            };
            inside.sort();
            files.extend(inside);
        } else {
            files.push(a.clone());
        }
    }
    let loaded: Vec<_> = files
        .par_iter()
        .map(|p| {
            CountyData::from_file(p, rules).map_err(|e| format!("error: {}: {e}", p.display()))
        })
        .collect();
    let mut out = Vec::new();
    let mut failed = false;
    for r in loaded {
        match r {
            Ok(d) => out.push(d),
            Err(e) => {
                eprintln!("{e}");
                failed = true;
            }
        }
    }
    if failed {
        return Err(BAD_INPUT);
    }
    if out.is_empty() {
        eprintln!("error: no county files given");
        return Err(BAD_INPUT);
    }
    Ok(out)
}

/// Loads a scenario, reporting its problems.
pub fn load_scenario(path: &Path, rules: &RuleSet) -> Result<Scenario, u8> {
    Scenario::from_file(path, rules).map_err(|e| {
        match &e {
            fazhi::Error::Scenario(d) => {
                for diag in &d.0 {
                    eprintln!("{diag}");
                }
                eprintln!("error: the scenario has {} error(s)", d.errors().count());
            }
            other => eprintln!("error: {other}"),
        }
        BAD_INPUT
    })
}

/// Compares the rule set's weights with a scenario's on every county.
pub fn run(
    rules: Option<&Path>,
    scenario: &Path,
    format: Format,
    out: Option<&Path>,
    data: &[PathBuf],
) -> u8 {
    let rules = match load(rules) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let scenario = match load_scenario(scenario, &rules) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let counties = match load_counties(&rules, data) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let batch = Batch::evaluate(&rules, &counties);
    let w = WhatIf::compare(&rules, &batch, &scenario);
    let text = match format {
        Format::Markdown => render::whatif_markdown(&w),
        Format::Json => render::to_json(&w),
        Format::Csv => render::whatif_csv(&w),
    };
    match write_output(out, &text) {
        Ok(()) => OK,
        Err(e) => {
            eprintln!("error: {e}");
            FAILURE
        }
    }
}
