//! `fazhi score`.

use super::common::*;
use fazhi::render::{self, Format};
use fazhi::scoring::batch;
use std::path::{Path, PathBuf};

/// Scores county files into reports (each names its file as `county.source`).
pub fn run(rules: Option<&Path>, format: Format, out: Option<&Path>, data: &[PathBuf]) -> u8 {
    let mut inputs: Vec<&Path> = data.iter().map(PathBuf::as_path).collect();
    inputs.extend(rules);
    if let Err(code) = guard_output(out.as_slice(), &inputs) {
        return code;
    }
    let rules = match load(rules) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let mut reports = Vec::new();
    let mut failed = false;
    for path in data {
        match batch::score_file(path, &rules) {
            Ok((report, _)) => reports.push(report),
            // An I/O error names its path already.
            Err(e @ fazhi::Error::Io { .. }) => {
                eprintln!("error: {e}");
                failed = true;
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
    let text = render::render(&reports, format);
    match write_output(out, &text) {
        Ok(()) => OK,
        Err(e) => {
            eprintln!("error: {e}");
            FAILURE
        }
    }
}
