//! `fazhi score`.

use super::common::*;
use fazhi::render::{self, Format};
use fazhi::scoring::batch;
use std::path::{Path, PathBuf};

/// Scores county files into reports (each names its file as `county.source`).
pub fn run(rules: Option<&Path>, format: Format, out: Option<&Path>, data: &[PathBuf]) -> u8 {
    let rules = match load(rules) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let mut reports = Vec::new();
    let mut failed = false;
    for path in data {
        match batch::score_file(path, &rules) {
            Ok((report, _)) => reports.push(report),
            Err(e) => {
                eprintln!("error: {}: {e}", path.display());
                failed = true;
            }
        }
    }
    if failed {
        return BAD_INPUT;
    }
    let text = render::render(&reports, format);
    match write_output(out, &text) {
        Ok(()) => OK,
        Err(e) => {
            eprintln!("error: {e}");
            FAILURE
        }
    }
}
