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
    let text = match format {
        OutFormat::Xlsx => return write_workbook(out, super::common::xlsx::score(&reports)),
        OutFormat::Text(f @ render::Format::Csv) => csv_for(out, render::render(&reports, f)),
        OutFormat::Text(f) => render::render(&reports, f),
    };
    match write_output(out, &text) {
        Ok(()) => OK,
        Err(e) => {
            eprintln!("error: {e}");
            FAILURE
        }
    }
}
