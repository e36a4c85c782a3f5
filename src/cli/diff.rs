//! `fazhi diff`.

use super::common::*;
use fazhi::analyse::change::diff;
use fazhi::render::{self, Format};
use fazhi::scoring::batch;
use std::path::{Path, PathBuf};

/// The changelog between two rule-set folders, and with data every county's movement.
pub fn run(
    old: &Path,
    new: &Path,
    format: Format,
    out: Option<&Path>,
    quiet: bool,
    data: &[PathBuf],
) -> u8 {
    let (old_rules, new_rules) = match (load(Some(old)), load(Some(new))) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(c), _) | (_, Err(c)) => return c,
    };
    let d = if data.is_empty() {
        diff::diff_rules(&old_rules, &new_rules)
    } else {
        let files = match batch::data_files(data) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("error: {e}");
                return BAD_INPUT;
            }
        };
        let pb = super::rank::progress(files.len() * 2, quiet);
        let d = diff::diff_files(&old_rules, &new_rules, &files, &|| {
            if let Some(pb) = &pb {
                pb.inc(1);
            }
        });
        if let Some(pb) = pb {
            pb.finish_and_clear();
        }
        d
    };
    for f in &d.failures {
        eprintln!("error: {}: {}", f.path, f.error);
    }
    let text = match format {
        Format::Json => render::to_json(&d),
        Format::Markdown => render::diff_markdown(&d),
        Format::Csv => {
            eprintln!("error: `fazhi diff` writes md or json");
            return BAD_INPUT;
        }
    };
    if let Err(e) = write_output(out, &text) {
        eprintln!("error: {e}");
        return FAILURE;
    }
    if d.failures.is_empty() {
        OK
    } else {
        BAD_INPUT
    }
}
