//! `fazhi score`.

use super::common::*;
use fazhi::analyse::gap::GapAnalysis;
use fazhi::render;
use std::path::{Path, PathBuf};

/// Scores county files and county tables into reports (each names its input as
/// `county.source`: the file, or `table.xlsx#台账!5` for a table row). As `docx`, each county's
/// report comes with its gap analysis (lost points, missing evidence, the plan).
/// `peers`: the `--peers` inputs and `--max-peers` (relative items, issue 27 shape 6).
pub fn run(
    rules: Option<&Path>,
    format: OutFormat,
    out: Option<&Path>,
    data: &[PathBuf],
    peers: (&[PathBuf], usize),
) -> u8 {
    let mut inputs: Vec<&Path> = data.iter().map(PathBuf::as_path).collect();
    inputs.extend(rules);
    inputs.extend(peers.0.iter().map(PathBuf::as_path));
    if let Err(code) = guard_output(out.as_slice(), &inputs) {
        return code;
    }
    let rules = match load(rules) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let counties = match read_counties(&rules, data) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let counties = match with_peers(&rules, counties, peers) {
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
        OutFormat::Docx => {
            let mut both = Vec::new();
            for ((county, _), report) in counties.iter().zip(reports) {
                match GapAnalysis::from_report(&rules, county, &report) {
                    Ok(g) => both.push((report, g)),
                    Err(e) => {
                        eprintln!("error: {}: {e}", county.info().id);
                        return BAD_INPUT;
                    }
                }
            }
            match docx(&both) {
                Ok(b) => b,
                Err(code) => return code,
            }
        }
        OutFormat::Text(f @ render::Format::Csv) => {
            csv_for(out, render::render(&reports, f)).into_bytes()
        }
        OutFormat::Text(f) => render::render(&reports, f).into_bytes(),
    };
    match write_output(out, &text) {
        Ok(()) => after_rule_errors(failed_rules),
        Err(e) => {
            eprintln!("error: {e}");
            FAILURE
        }
    }
}
