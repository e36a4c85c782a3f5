//! `fazhi score`.

use super::common::*;
use fazhi::analyse::gap::GapAnalysis;
use fazhi::render;
use fazhi::scoring::batch;
use std::path::{Path, PathBuf};

/// Scores county files into reports (each names its file as `county.source`). As `docx`, each
/// county's report comes with its gap analysis (lost points, missing evidence, the plan).
pub fn run(rules: Option<&Path>, format: ScoreFormat, out: Option<&Path>, data: &[PathBuf]) -> u8 {
    let rules = match load(rules) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let mut pairs = Vec::new();
    let mut failed = false;
    for path in data {
        match batch::read_county(path, &rules) {
            Ok((county, input)) => {
                let mut report = rules.score(&county);
                report.county.source = Some(input.path.clone());
                pairs.push((county, report));
            }
            Err(e) => {
                eprintln!("error: {}: {e}", path.display());
                failed = true;
            }
        }
    }
    if failed {
        return BAD_INPUT;
    }
    let bytes = match format {
        ScoreFormat::Text(f) => {
            let reports: Vec<_> = pairs.into_iter().map(|(_, r)| r).collect();
            render::render(&reports, f).into_bytes()
        }
        ScoreFormat::Docx => {
            let mut both = Vec::new();
            for (county, report) in pairs {
                match GapAnalysis::from_report(&rules, &county, &report) {
                    Ok(g) => both.push((report, g)),
                    Err(e) => {
                        eprintln!("error: {}: {e}", county.info.id);
                        return BAD_INPUT;
                    }
                }
            }
            match docx(&both) {
                Ok(b) => b,
                Err(code) => return code,
            }
        }
    };
    match write_output(out, &bytes) {
        Ok(()) => OK,
        Err(e) => {
            eprintln!("error: {e}");
            FAILURE
        }
    }
}
