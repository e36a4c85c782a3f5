//! `fazhi whatif`: baseline against a weighting scenario.

use super::common::*;
use fazhi::analyse::policy::{scores::Batch, weights::Scenario, whatif::WhatIf};
use fazhi::render::{self, Format};
use fazhi::{CountyData, RuleSet};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// County files from the arguments: files as given, folders expanded to their `.yaml`, `.yml`
/// and `.json` files below them (`batch::data_files`). Reports every unreadable file; `Err` carries the exit code.
pub fn load_counties(rules: &RuleSet, args: &[PathBuf]) -> Result<Vec<CountyData>, u8> {
    let files = match fazhi::scoring::batch::data_files(args) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return Err(BAD_INPUT);
        }
    };
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
    // Every file loaded, so `out` and `files` line up.
    let paths: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    for (i, e) in fazhi::scoring::batch::same_county(
        out.iter()
            .map(|c| c.info.id.as_str())
            .zip(paths.iter().map(String::as_str)),
    ) {
        eprintln!("error: {}: {e}", paths[i]);
        failed = true;
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
    let mut inputs: Vec<&Path> = data.iter().map(PathBuf::as_path).collect();
    inputs.extend(rules);
    inputs.push(scenario);
    if let Err(code) = guard_output(out.as_slice(), &inputs) {
        return code;
    }
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
