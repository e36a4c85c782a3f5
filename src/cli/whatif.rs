//! `fazhi whatif`: baseline against a weighting scenario.

use super::common::*;
use fazhi::analyse::policy::{scores::Batch, weights::Scenario, whatif::WhatIf};
use fazhi::render::{self, Format};
use fazhi::{CountyData, RuleSet};
use std::path::{Path, PathBuf};

/// County data from the arguments: files as given, folders expanded to their county files,
/// county tables one county per row. Reports every unreadable input; `Err` carries the exit code.
pub fn load_counties(rules: &RuleSet, args: &[PathBuf]) -> Result<Vec<CountyData>, u8> {
    Ok(read_counties(rules, args)?
        .into_iter()
        .map(|(data, _)| data)
        .collect())
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
    format: OutFormat,
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
        OutFormat::Text(Format::Markdown) => render::whatif_markdown(&w),
        OutFormat::Text(Format::Json) => render::to_json(&w),
        OutFormat::Text(Format::Csv) => csv_for(out, render::whatif_csv(&w)),
        OutFormat::Xlsx => return write_workbook(out, super::common::xlsx::whatif(&w, &rules)),
    };
    match write_output(out, &text) {
        Ok(()) => OK,
        Err(e) => {
            eprintln!("error: {e}");
            FAILURE
        }
    }
}
