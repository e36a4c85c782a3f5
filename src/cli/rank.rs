//! `fazhi rank`.

use super::common::*;
use fazhi::analyse::change::rank;
use fazhi::render::{self, Format};
use fazhi::scoring::batch;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// A progress bar on standard error when it is a terminal and not `--quiet`, else nothing.
pub fn progress(len: usize, quiet: bool) -> Option<indicatif::ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let pb = indicatif::ProgressBar::new(len as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}") {
        pb.set_style(style);
    }
    Some(pb)
}

/// Scores and ranks county files; exit 2 when some file could not be scored.
pub fn run(
    rules: Option<&Path>,
    format: OutFormat,
    out: Option<&Path>,
    quiet: bool,
    data: &[PathBuf],
) -> u8 {
    let mut inputs: Vec<&Path> = data.iter().map(PathBuf::as_path).collect();
    inputs.extend(rules);
    if let Err(code) = guard_output(out.as_slice(), &inputs) {
        return code;
    }
    let rules = match load(rules) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let files = match batch::data_files(data) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return BAD_INPUT;
        }
    };
    let ranking = if has_table(data) {
        match fazhi::scoring::inputs::read_counties(data, &rules) {
            Ok((counties, failures)) => rank::rank_counties(&rules, counties, failures),
            Err(e) => {
                eprintln!("error: {e}");
                return BAD_INPUT;
            }
        }
    } else {
        let pb = progress(files.len(), quiet);
        let ranking = rank::rank_files(&rules, &files, &|| {
            if let Some(pb) = &pb {
                pb.inc(1);
            }
        });
        if let Some(pb) = pb {
            pb.finish_and_clear();
        }
        ranking
    };
    for f in &ranking.failures {
        eprintln!("error: {}: {}", f.path, f.error);
    }
    let failed_rules: usize = (ranking.rows.iter())
        .map(|r| name_rule_errors(&r.county, &r.errors))
        .sum();
    for r in &ranking.rules_in_error {
        eprintln!(
            "error: {} failed on {} of {} counties (0 points there): {}",
            r.rule,
            r.counties,
            ranking.rows.len(),
            r.reason
        );
    }
    let text = match format {
        OutFormat::Text(Format::Json) => render::to_json(&ranking),
        OutFormat::Text(Format::Markdown) => render::rank_markdown(&ranking),
        OutFormat::Text(Format::Csv) => csv_for(out, render::rank_csv(&ranking)),
        #[cfg(feature = "html")]
        OutFormat::Text(Format::Html) => render::html::rank_html(&ranking, rules.pass_lines()),
        OutFormat::Xlsx => match write_workbook(out, super::common::xlsx::rank(&ranking)) {
            OK => String::new(),
            code => return code,
        },
        OutFormat::Docx => {
            eprintln!("error: `fazhi rank` writes md, json, csv, html or xlsx (docx is for score and gap)");
            return BAD_INPUT;
        }
    };
    if format != OutFormat::Xlsx {
        if let Err(e) = write_output(out, &text) {
            eprintln!("error: {e}");
            return FAILURE;
        }
    }
    if !ranking.failures.is_empty() {
        eprintln!(
            "error: {} of {} {} could not be scored; the others are ranked",
            ranking.failures.len(),
            ranking.failures.len() + ranking.rows.len(),
            if has_table(data) {
                "file(s) or table row(s)"
            } else {
                "file(s)"
            }
        );
        return BAD_INPUT;
    }
    if !ranking.rules_in_error.is_empty() {
        eprintln!(
            "error: {} rule(s) failed on some counties; the ranking counts them as 0 points",
            ranking.rules_in_error.len()
        );
    }
    after_rule_errors(failed_rules.max(ranking.rules_in_error.len()))
}
