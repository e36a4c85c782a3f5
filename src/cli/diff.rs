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
    format: OutFormat,
    out: Option<&Path>,
    quiet: bool,
    data: &[PathBuf],
) -> u8 {
    let mut inputs: Vec<&Path> = data.iter().map(PathBuf::as_path).collect();
    inputs.extend([old, new]);
    if let Err(code) = guard_output(out.as_slice(), &inputs) {
        return code;
    }
    let (old_rules, new_rules) = match (load(Some(old)), load(Some(new))) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(c), _) | (_, Err(c)) => return c,
    };
    // The tests kept beside OLD (its `tests/` folder) that NEW breaks, on standard error (the
    // diff itself stays as it is).
    match fazhi::ruletests::broken_by(&old_rules, &new_rules, old) {
        Ok(broken) => {
            for c in &broken {
                eprintln!("test broken by {}:", new.display());
                for line in super::test::describe(c) {
                    eprintln!("{line}");
                }
            }
        }
        Err(e) => eprintln!("error: the tests of {}: {e}", old.display()),
    }
    let d = if data.is_empty() {
        diff::diff_rules(&old_rules, &new_rules)
    } else if has_table(data) {
        let read = |rules| fazhi::scoring::inputs::read_counties(data, rules);
        match (read(&old_rules), read(&new_rules)) {
            (Ok((before, f_old)), Ok((after, f_new))) => {
                diff::diff_counties(&old_rules, &new_rules, before, after, f_old, f_new)
            }
            (Err(e), _) | (_, Err(e)) => {
                eprintln!("error: {e}");
                return BAD_INPUT;
            }
        }
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
    let failed_rules: usize = (d.counties.iter())
        .map(|c| name_rule_errors(&c.county, &c.errors))
        .sum();
    let text = match format {
        OutFormat::Text(Format::Json) => render::to_json(&d),
        OutFormat::Text(Format::Markdown) => render::diff_markdown(&d),
        #[cfg(feature = "html")]
        OutFormat::Text(Format::Html) => render::html::diff_html(&d),
        OutFormat::Text(Format::Csv) | OutFormat::Docx => {
            eprintln!("error: `fazhi diff` writes md, json, html or xlsx");
            return BAD_INPUT;
        }
        OutFormat::Xlsx => match write_workbook(out, super::common::xlsx::diff(&d)) {
            OK => String::new(),
            code => return code,
        },
    };
    if format != OutFormat::Xlsx {
        if let Err(e) = write_output(out, &text) {
            eprintln!("error: {e}");
            return FAILURE;
        }
    }
    if d.failures.is_empty() {
        after_rule_errors(failed_rules)
    } else {
        BAD_INPUT
    }
}
