//! `fazhi score`.

use super::common::*;
use fazhi::render;
use std::path::{Path, PathBuf};

/// Scores county files and county tables into reports (each names its input as
/// `county.source`: the file, or `table.xlsx#台账!5` for a table row).
pub fn run(rules: Option<&Path>, format: OutFormat, out: Option<&Path>, data: &[PathBuf]) -> u8 {
    let rules = match load(rules) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let counties = match read_counties(&rules, data) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let reports: Vec<_> = counties
        .iter()
        .map(|(data, input)| {
            let mut report = rules.score(data);
            report.county.source = Some(input.path.clone());
            report
        })
        .collect();
    let failed_rules: usize = reports
        .iter()
        .map(|r| name_rule_errors(&r.county, &r.rule_errors()))
        .sum();
    let text = match format {
        OutFormat::Xlsx => {
            return match write_workbook(out, super::common::xlsx::score(&reports)) {
                OK => after_rule_errors(failed_rules),
                code => code,
            }
        }
        OutFormat::Text(f @ render::Format::Csv) => csv_for(out, render::render(&reports, f)),
        OutFormat::Text(f) => render::render(&reports, f),
    };
    match write_output(out, &text) {
        Ok(()) => after_rule_errors(failed_rules),
        Err(e) => {
            eprintln!("error: {e}");
            FAILURE
        }
    }
}
