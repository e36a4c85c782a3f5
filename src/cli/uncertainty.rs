//! `fazhi uncertainty`: how robust the ranking is to the weights.

use super::common::*;
#[cfg(feature = "html")]
use super::whatif::data_provenance;
use super::whatif::{load_counties, load_scenario};
use fazhi::analyse::policy::uncertainty::{self, LevelNoise, Settings};
use fazhi::analyse::policy::{scores::Batch, weights::Weights};
use fazhi::render::{self, svg, Format};
use std::path::{Path, PathBuf};

/// The files `--out-dir` receives.
const OUT_FILES: [&str; 3] = ["uncertainty.json", "uncertainty.csv", "rank-intervals.svg"];

/// What `fazhi uncertainty` was asked to do.
pub struct Args<'a> {
    pub rules: Option<&'a Path>,
    pub scenario: Option<&'a Path>,
    pub noise: Vec<(usize, LevelNoise)>,
    pub runs: usize,
    pub seed: u64,
    pub sensitivity: Option<usize>,
    pub float_total: bool,
    pub out_dir: Option<&'a Path>,
    pub format: Format,
    pub out: Option<&'a Path>,
    pub data: &'a [PathBuf],
}

/// Runs the analysis; writes the report in `format` (Markdown by default) to `out` or standard
/// output, and with `--out-dir` writes
/// `uncertainty.json`, `uncertainty.csv` and `rank-intervals.svg` there.
pub fn run(a: Args) -> u8 {
    let mut noise = uncertainty::Noise::new();
    for (level, n) in &a.noise {
        if noise.insert(*level, *n).is_some() {
            eprintln!("error: --noise names level {level} twice; give each level one noise");
            return BAD_INPUT;
        }
    }
    let settings = Settings {
        noise,
        runs: a.runs,
        seed: a.seed,
        sensitivity: a.sensitivity,
        float_total: a.float_total,
    };
    if let Some(dir) = a.out_dir {
        let targets = OUT_FILES.map(|f| dir.join(f));
        let mut inputs: Vec<&Path> = a.data.iter().map(PathBuf::as_path).collect();
        inputs.extend(a.rules);
        inputs.extend(a.scenario);
        if let Err(code) = guard_output(&targets.each_ref().map(PathBuf::as_path), &inputs) {
            return code;
        }
    }
    let rules = match load(a.rules) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let start = match a.scenario {
        Some(p) => match load_scenario(p, &rules) {
            Ok(s) => s.weights,
            Err(code) => return code,
        },
        None => Weights::nominal(&rules),
    };
    let (counties, sources) = match load_counties(&rules, a.data) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let batch = Batch::evaluate(&rules, &counties);
    let failed_rules = name_batch_rule_errors(&batch, &sources);
    let u = match uncertainty::analyse(&rules, &batch, &start, &settings) {
        Ok(u) => u,
        Err(e) => {
            eprintln!("error: {e}");
            return BAD_INPUT;
        }
    };
    if let Some(dir) = a.out_dir {
        if let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!("error: {}: {e}", dir.display());
            return FAILURE;
        }
        let texts = [
            render::to_json(&u),
            csv_for(Some(dir), render::uncertainty_csv(&u)),
            svg::rank_intervals(&u),
        ];
        for (name, text) in OUT_FILES.into_iter().zip(texts) {
            if let Err(e) = write_output(Some(&dir.join(name)), &text) {
                eprintln!("error: {e}");
                return FAILURE;
            }
        }
    }
    let text = match a.format {
        Format::Markdown => render::uncertainty_markdown(&u),
        Format::Json => render::to_json(&u),
        Format::Csv => csv_for(a.out, render::uncertainty_csv(&u)),
        #[cfg(feature = "html")]
        Format::Html => render::html::uncertainty_html(&u, &data_provenance(&rules, &counties)),
    };
    match write_output(a.out, &text) {
        Ok(()) => after_rule_errors(failed_rules),
        Err(e) => {
            eprintln!("error: {e}");
            FAILURE
        }
    }
}
