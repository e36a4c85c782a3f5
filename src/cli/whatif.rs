//! `fazhi whatif`: baseline against a weighting scenario.

use super::common::*;
use fazhi::analyse::policy::{scores::Batch, weights::Scenario, whatif::WhatIf};
use fazhi::render::{self, Format};
use fazhi::{CountyData, RuleSet};
use std::path::{Path, PathBuf};

/// County data from the arguments: files as given, folders expanded to their county files,
/// county tables one county per row; with each county, where it was read from (a file, or a
/// table's `FILE#台账!ROW`). Reports every unreadable input; `Err` carries the exit code.
pub fn load_counties(
    rules: &RuleSet,
    args: &[PathBuf],
) -> Result<(Vec<CountyData>, Vec<String>), u8> {
    Ok(read_counties(rules, args)?
        .into_iter()
        .map(|(data, input)| (data, input.path))
        .unzip())
}

/// The provenance of an analysis of `counties`: the rule set, the engine and every county's data
/// hash (named by the county's name and id).
#[cfg(feature = "html")]
pub fn data_provenance(rules: &RuleSet, counties: &[CountyData]) -> fazhi::Provenance {
    let inputs = counties
        .iter()
        .map(|c| fazhi::InputFile::new(format!("{}（{}）", c.info().name, c.info().id), c.hash()))
        .collect();
    fazhi::scoring::batch::provenance(rules, inputs)
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
    let (counties, sources) = match load_counties(&rules, data) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let batch = Batch::evaluate(&rules, &counties);
    let failed_rules = name_batch_rule_errors(&batch, &sources);
    let w = WhatIf::compare(&rules, &batch, &scenario);
    let text = match format {
        OutFormat::Text(Format::Markdown) => render::whatif_markdown(&w),
        OutFormat::Text(Format::Json) => render::to_json(&w),
        OutFormat::Text(Format::Csv) => csv_for(out, render::whatif_csv(&w)),
        #[cfg(feature = "html")]
        OutFormat::Text(Format::Html) => {
            render::html::whatif_html(&w, &data_provenance(&rules, &counties))
        }
        OutFormat::Xlsx => {
            return match write_workbook(out, super::common::xlsx::whatif(&w, &rules)) {
                OK => after_rule_errors(failed_rules),
                code => code,
            }
        }
        OutFormat::Docx => {
            eprintln!("error: `fazhi whatif` writes md, json, csv, html or xlsx");
            return BAD_INPUT;
        }
    };
    match write_output(out, &text) {
        Ok(()) => after_rule_errors(failed_rules),
        Err(e) => {
            eprintln!("error: {e}");
            FAILURE
        }
    }
}
