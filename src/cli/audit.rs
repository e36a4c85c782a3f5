//! `fazhi audit`: the statistical audit of the indicator system on a batch of counties.

use super::common::*;
#[cfg(feature = "html")]
use super::whatif::data_provenance;
use super::whatif::{load_counties, load_scenario};
use fazhi::analyse::policy::{audit::audit, scores::Batch};
use fazhi::render::{self, Format};
use std::path::{Path, PathBuf};

/// Audits the rule set's weighting (or a scenario's) on the counties of `data`.
pub fn run(
    rules: Option<&Path>,
    scenario: Option<&Path>,
    format: OutFormat,
    out: Option<&Path>,
    data: &[PathBuf],
) -> u8 {
    let mut inputs: Vec<&Path> = data.iter().map(PathBuf::as_path).collect();
    inputs.extend(rules);
    inputs.extend(scenario);
    if let Err(code) = guard_output(out.as_slice(), &inputs) {
        return code;
    }
    let rules = match load(rules) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let scenario = match scenario.map(|p| load_scenario(p, &rules)).transpose() {
        Ok(s) => s,
        Err(code) => return code,
    };
    let (counties, sources) = match load_counties(&rules, data) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let batch = Batch::evaluate(&rules, &counties);
    let failed_rules = name_batch_rule_errors(&batch, &sources);
    let a = match audit(&rules, &batch, scenario.as_ref()) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return BAD_INPUT;
        }
    };
    let text = match format {
        OutFormat::Text(Format::Markdown) => render::audit_markdown(&a),
        OutFormat::Text(Format::Json) => render::to_json(&a),
        #[cfg(feature = "html")]
        OutFormat::Text(Format::Html) => {
            render::html::audit_html(&a, &data_provenance(&rules, &counties))
        }
        OutFormat::Xlsx => {
            return match write_workbook(out, super::common::xlsx::audit(&a, &rules)) {
                OK => after_rule_errors(failed_rules),
                code => code,
            }
        }
        OutFormat::Text(Format::Csv) | OutFormat::Docx => {
            eprintln!("error: `fazhi audit` writes md, json, html or xlsx");
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
