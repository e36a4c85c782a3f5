//! `fazhi gap`.

use super::common::*;
use fazhi::analyse::gap::{Costs, GapAnalysis, GapBatch, GapSummary, PlanOptions};
use fazhi::render;
use fazhi::{CountyData, Report, RuleSet};
use std::path::{Path, PathBuf};

/// The output formats of `fazhi gap`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GapFormat {
    /// Markdown, in Chinese.
    Md,
    /// JSON: the analysis for one county; for several, `{"gaps": [...], "summary": {...}}`.
    Json,
    /// A self-contained HTML page with charts, one section per county.
    Html,
    /// A Word document in the form of a 第三方评估报告, each county from a new page.
    Docx,
    /// An Excel workbook.
    Xlsx,
    /// CSV: the workbook's tables one after the other, each led by its sheet's name.
    Csv,
}

/// Analyses county files: what each lost, why, and the cheapest way to the pass line.
pub fn run(
    rules: Option<&Path>,
    format: GapFormat,
    peers: Option<&Path>,
    costs: Option<&Path>,
    time_limit: f64,
    out: Option<&Path>,
    data: &[PathBuf],
) -> u8 {
    let mut inputs: Vec<&Path> = data.iter().map(PathBuf::as_path).collect();
    inputs.extend(rules);
    inputs.extend(peers);
    if let Err(code) = guard_output(out.as_slice(), &inputs) {
        return code;
    }
    let rules = match load(rules) {
        Ok(r) => r,
        Err(code) => return code,
    };
    if !(time_limit.is_finite() && time_limit > 0.0) {
        eprintln!("error: --time-limit {time_limit}: give a number of seconds above 0");
        return BAD_INPUT;
    }
    let mut opts = PlanOptions {
        time_limit: std::time::Duration::from_secs_f64(time_limit.min(86_400.0)),
        ..PlanOptions::default()
    };
    if let Some(path) = costs {
        match Costs::from_file(path, &rules) {
            Ok(c) => opts.costs = c,
            Err(e) => {
                eprintln!("error: --costs {e}");
                return BAD_INPUT;
            }
        }
    }
    let (counties, failed) = match read_counties(&rules, data) {
        Ok(c) => (c, false),
        Err(_) => (Vec::new(), true),
    };
    let peer_reports = match peers.map(|dir| peer_reports(dir, &rules)).transpose() {
        Ok(p) => p,
        Err(()) => return BAD_INPUT,
    };
    if failed {
        return BAD_INPUT;
    }
    // issue 27 shape 6: relative items compare with the peers too.
    let peer_dirs: Vec<PathBuf> = peers.iter().map(|p| p.to_path_buf()).collect();
    let counties = match with_peers(&rules, counties, (&peer_dirs, usize::MAX)) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let mut failed_rules = 0;
    let mut analyses: Vec<GapAnalysis> = Vec::new();
    let mut reports: Vec<Report> = Vec::new();
    let (data, inputs): (Vec<CountyData>, Vec<_>) = counties.into_iter().unzip();
    for ((report, g), input) in GapAnalysis::for_counties(&rules, &data, &opts)
        .into_iter()
        .zip(&inputs)
    {
        let mut named = report.county.clone();
        named.source = Some(input.path.clone());
        failed_rules += name_rule_errors(&named, &report.rule_errors());
        let mut g = match &peer_reports {
            Some(p) => g.with_peers_by_item(&report, p),
            None => g,
        };
        // The reports people read name the data file, as the score report does; the JSON
        // stays as the library makes it.
        if format != GapFormat::Json {
            g.county.source = Some(input.path.clone());
        }
        analyses.push(g);
        let mut report = report;
        report.county.source = Some(input.path.clone());
        reports.push(report);
    }
    let text = match format {
        GapFormat::Docx => {
            let pairs: Vec<(Report, GapAnalysis)> = reports.into_iter().zip(analyses).collect();
            return match docx(&pairs) {
                Ok(b) => match write_output(out, &b) {
                    Ok(()) => after_rule_errors(failed_rules),
                    Err(e) => {
                        eprintln!("error: {e}");
                        FAILURE
                    }
                },
                Err(code) => code,
            };
        }
        #[cfg(feature = "html")]
        GapFormat::Html => render::html::gap_html(&analyses),
        #[cfg(not(feature = "html"))]
        GapFormat::Html => {
            eprintln!("error: this fazhi was built without the `html` feature");
            return BAD_INPUT;
        }
        GapFormat::Xlsx => {
            return match write_workbook(out, super::common::xlsx::gap(&analyses)) {
                OK => after_rule_errors(failed_rules),
                code => code,
            };
        }
        GapFormat::Csv => csv_for(
            out,
            render::write::csv::csv(
                &render::compose::gap::document(&analyses)
                    .tables()
                    .cloned()
                    .collect::<Vec<_>>(),
            ),
        ),
        GapFormat::Json if analyses.len() == 1 => render::to_json(&analyses[0]),
        GapFormat::Json => render::to_json(&GapBatch::new(analyses)),
        GapFormat::Md => {
            let mut parts: Vec<String> = analyses.iter().map(render::gap_markdown).collect();
            if analyses.len() > 1 {
                parts.push(render::gap_summary_markdown(&GapSummary::new(&analyses)));
            }
            parts.join("\n---\n\n")
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

/// Scores every county file (`*.yaml`, `*.yml`, `*.json`) in `dir`, in file-name order.
fn peer_reports(dir: &Path, rules: &RuleSet) -> Result<Vec<Report>, ()> {
    // A county table of peers: every row is a peer.
    if fazhi::sheet::is_table(dir) {
        return read_counties(rules, &[dir.to_path_buf()])
            .map(|c| c.iter().map(|(d, _)| rules.score(d)).collect())
            .map_err(|_| ());
    }
    let entries = std::fs::read_dir(dir).map_err(|e| {
        eprintln!("error: --peers {}: {e}", dir.display());
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && matches!(
                    p.extension().and_then(|x| x.to_str()),
                    Some("yaml" | "yml" | "json")
                )
        })
        .collect();
    files.sort();
    if files.is_empty() {
        eprintln!(
            "error: --peers {}: no county files (*.yaml, *.yml, *.json) in the folder",
            dir.display()
        );
        return Err(());
    }
    let mut data = Vec::new();
    let mut failed = false;
    for f in &files {
        match CountyData::from_file(f, rules) {
            Ok(d) => data.push(d),
            Err(e) => {
                eprintln!("{}", file_error(f, &e));
                failed = true;
            }
        }
    }
    if failed {
        return Err(());
    }
    // issue 27 shape 6: the peers' relative items are scored among the peers.
    let data = rules
        .with_group(data)
        .map_err(|e| eprintln!("error: --peers: {e}"))?;
    Ok(data.iter().map(|d| rules.score(d)).collect())
}
