//! What every subcommand shares: finding the rule set, reporting errors, exit codes, atomic output.

use fazhi::{Error, RuleSet, RuleSource};
use std::io::Write;
use std::path::Path;

/// Exit code: everything worked.
pub const OK: u8 = 0;
/// Exit code: a failure that is not the input's fault (cannot write the output, say).
pub const FAILURE: u8 = 1;
/// Exit code: bad input (rules or data).
pub const BAD_INPUT: u8 = 2;
/// Exit code (`verify`, `test`): the inputs were read, but the stored report or a test's
/// expected results are not reproduced.
pub const NOT_REPRODUCED: u8 = 3;
/// Exit code: every county was scored and the output written, but a rule failed for some county
/// (an item in `error`, or a veto, bonus, penalty or check whose expression failed); each is
/// named on standard error.
pub const RULE_ERRORS: u8 = 4;

/// The bounds on county tables (`.xlsx`, `.csv`), flags of every command (issue 23); the
/// defaults are [`fazhi::sheet::Limits::default`]'s.
#[derive(clap::Args, Debug, Clone)]
pub struct TableLimits {
    /// Most bytes a workbook's parts may expand to (a zip bomb is refused at once).
    #[arg(long, global = true, default_value_t = fazhi::sheet::Limits::default().expanded_bytes)]
    pub max_workbook_bytes: u64,
    /// Most sheets in a workbook.
    #[arg(long, global = true, default_value_t = fazhi::sheet::Limits::default().sheets)]
    pub max_sheets: usize,
    /// Most rows in one sheet or CSV table.
    #[arg(long, global = true, default_value_t = fazhi::sheet::Limits::default().rows)]
    pub max_rows: usize,
    /// Most cells in one sheet or CSV table.
    #[arg(long, global = true, default_value_t = fazhi::sheet::Limits::default().cells)]
    pub max_cells: usize,
    /// Most shared strings in a workbook.
    #[arg(long, global = true, default_value_t = fazhi::sheet::Limits::default().shared_strings)]
    pub max_shared_strings: usize,
}

impl TableLimits {
    /// Makes these the bounds of every table read in this process.
    pub fn install(&self) {
        fazhi::sheet::Limits {
            expanded_bytes: self.max_workbook_bytes,
            sheets: self.max_sheets,
            rows: self.max_rows,
            cells: self.max_cells,
            shared_strings: self.max_shared_strings,
        }
        .set_default();
    }
}

/// Names on standard error every rule that failed for a county; returns how many did.
pub fn name_rule_errors(county: &fazhi::CountyRef, errors: &[fazhi::RuleError]) -> usize {
    let who = county.source.as_deref().unwrap_or(&county.id);
    for e in errors {
        eprintln!("error: {who}: rule {e} (counted as 0)");
    }
    errors.len()
}

/// Names on standard error every rule that failed for a county of an evaluated batch (`whatif`,
/// `uncertainty`: the same lines and exit code as `score`), each county by `sources[i]`, where it
/// was read from; returns how many failed.
pub fn name_batch_rule_errors(
    batch: &fazhi::analyse::policy::scores::Batch,
    sources: &[String],
) -> usize {
    batch
        .counties()
        .iter()
        .zip(sources)
        .map(|(c, source)| {
            let mut county = c.county().clone();
            county.source = Some(source.clone());
            name_rule_errors(&county, &c.report.rule_errors())
        })
        .sum()
}

/// The exit code after the output was written: [`RULE_ERRORS`] when some rule failed.
pub fn after_rule_errors(failed_rules: usize) -> u8 {
    if failed_rules > 0 {
        eprintln!("error: {failed_rules} rule evaluation(s) failed; see above");
        RULE_ERRORS
    } else {
        OK
    }
}

pub fn source(rules: Option<&Path>) -> Result<RuleSource, Error> {
    match rules {
        Some(dir) => RuleSource::from_dir(dir),
        None => Ok(RuleSet::builtin_source()),
    }
}

/// Prints an error with the rule-set folder in front of relative file names.
pub fn report_error(e: &Error, rules: Option<&Path>) {
    match e {
        Error::Rules(d) => {
            for diag in &d.0 {
                eprintln!("{}", prefixed(diag, rules));
            }
            eprintln!("error: the rule set has {} error(s)", d.errors().count());
        }
        other => eprintln!("error: {other}"),
    }
}

/// The message for a data or scenario file that could not be used, naming the path once: an
/// unreadable file's error and every diagnostic already carry it (`c.yaml:4:5: error: …`).
pub fn file_error(path: &Path, e: &Error) -> String {
    match e {
        Error::Io { .. } | Error::Data(_) | Error::Scenario(_) => format!("error: {e}"),
        other => format!("error: {}: {other}", path.display()),
    }
}

/// Writes one line to standard output; a closed pipe (`fazhi … | head`) is not an error: the
/// reader has what it wanted, so the rest is dropped quietly.
pub fn say(line: &str) {
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = writeln!(stdout, "{line}") {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: standard output: {e}");
        }
    }
}

pub fn prefixed(d: &fazhi::Diagnostic, rules: Option<&Path>) -> String {
    placed(d, rules).to_string()
}

/// `d` with its file named as the user names it: inside the rule-set folder `rules`, or
/// `<built-in>/` for the built-in rule set.
pub fn placed(d: &fazhi::Diagnostic, rules: Option<&Path>) -> fazhi::Diagnostic {
    let mut d = d.clone();
    d.file = match rules {
        Some(dir) => dir.join(&d.file).display().to_string(),
        None => format!("<built-in>/{}", d.file),
    };
    d
}

pub fn load(rules: Option<&Path>) -> Result<RuleSet, u8> {
    source(rules).and_then(|s| RuleSet::load(&s)).map_err(|e| {
        report_error(&e, rules);
        BAD_INPUT
    })
}

/// Writes to standard output, or atomically to a file (see [`super::output::write_atomic`]).
pub fn write_output(out: Option<&Path>, text: impl AsRef<[u8]>) -> Result<(), String> {
    let text = text.as_ref();
    match out {
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(text).and_then(|()| stdout.flush()) {
                // The reader closed the pipe (`fazhi rank … | head`): it has what it wanted.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                r => r.map_err(|e| format!("standard output: {e}")),
            }
        }
        Some(path) => super::output::write_atomic(path, text),
    }
}

/// Refuses `--out` targets that are inputs, folders or read-only (see [`super::output::guard`]);
/// `Err` carries the exit code after the message is printed.
pub fn guard_output(targets: &[&Path], inputs: &[&Path]) -> Result<(), u8> {
    super::output::guard(targets, inputs).map_err(|e| {
        eprintln!("error: {e}");
        BAD_INPUT
    })
}

/// An output format of `score`, `rank`, `diff` and `whatif`: a text format (Markdown, JSON, CSV,
/// HTML), an Excel workbook, or a Word document (`score` only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutFormat {
    /// Markdown, JSON, CSV or HTML.
    Text(fazhi::render::Format),
    /// An `.xlsx` workbook.
    Xlsx,
    /// A Word document (.docx) in the form of a 第三方评估报告.
    Docx,
}

impl std::str::FromStr for OutFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "xlsx" => Ok(OutFormat::Xlsx),
            "docx" => Ok(OutFormat::Docx),
            other => other.parse().map(OutFormat::Text).map_err(|e: String| {
                e.replace("md, json, csv or html", "md, json, csv, html, xlsx or docx")
            }),
        }
    }
}

/// A Word document of counties' reports and gap analyses, or why it cannot be written.
#[cfg(feature = "docx")]
pub fn docx(pairs: &[(fazhi::Report, fazhi::analyse::gap::GapAnalysis)]) -> Result<Vec<u8>, u8> {
    fazhi::render::docx::evaluation_docx(pairs).map_err(|e| {
        eprintln!("error: {e}");
        FAILURE
    })
}

/// Without the `docx` feature there is no Word output.
#[cfg(not(feature = "docx"))]
pub fn docx(_: &[(fazhi::Report, fazhi::analyse::gap::GapAnalysis)]) -> Result<Vec<u8>, u8> {
    eprintln!(
        "error: this fazhi was built without the `docx` feature: rebuild with `--features docx`"
    );
    Err(BAD_INPUT)
}

/// Writes a workbook (from `fazhi::render::xlsx`) to `--out`, or to standard output when that is
/// not a terminal; exit code.
pub fn write_workbook(out: Option<&Path>, bytes: fazhi::Result<Vec<u8>>) -> u8 {
    use std::io::IsTerminal;
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return FAILURE;
        }
    };
    if out.is_none() && std::io::stdout().is_terminal() {
        eprintln!("error: an xlsx workbook is not for the terminal\n  help: pass --out FILE.xlsx");
        return BAD_INPUT;
    }
    match write_output(out, bytes) {
        Ok(()) => OK,
        Err(e) => {
            eprintln!("error: {e}");
            FAILURE
        }
    }
}

/// Whether any argument is a county table (`.xlsx`, `.xlsm`, `.csv`).
pub fn has_table(args: &[std::path::PathBuf]) -> bool {
    args.iter().any(|a| fazhi::sheet::is_table(a))
}

/// Every county of the arguments (files, folders, county tables), each with its input; prints
/// every problem and gives `BAD_INPUT` when any input could not be read, or none was given.
pub fn read_counties(
    rules: &RuleSet,
    args: &[std::path::PathBuf],
) -> Result<Vec<(fazhi::CountyData, fazhi::InputFile)>, u8> {
    let (ok, failed) = fazhi::scoring::inputs::read_counties(args, rules).map_err(|e| {
        eprintln!("error: {e}");
        BAD_INPUT
    })?;
    for f in &failed {
        eprintln!("error: {}: {}", f.path, f.error);
    }
    if !failed.is_empty() {
        return Err(BAD_INPUT);
    }
    let same = fazhi::scoring::batch::same_county(
        ok.iter()
            .map(|(c, f)| (c.info().id.as_str(), f.path.as_str())),
    );
    for (i, e) in &same {
        eprintln!("error: {}: {e}", ok[*i].1.path);
    }
    if !same.is_empty() {
        return Err(BAD_INPUT);
    }
    if ok.is_empty() {
        eprintln!("error: no county data in the files given");
        return Err(BAD_INPUT);
    }
    Ok(ok)
}

/// CSV as written: a file (`--out`, `--out-dir`) starts with the UTF-8 byte-order mark, so that
/// Excel opening it by double-click reads the Chinese text as UTF-8 instead of the system code
/// page; standard output has none, so pipes into other programs get plain UTF-8.
pub fn csv_for(out: Option<&Path>, text: String) -> String {
    match out {
        Some(_) => format!("\u{feff}{text}"),
        None => text,
    }
}

/// The workbook writers, or (built without the `xlsx` feature) stand-ins that say so.
#[cfg(feature = "xlsx")]
pub use fazhi::render::xlsx;

/// Stand-ins for the workbook writers when fazhi is built without the `xlsx` feature.
#[cfg(not(feature = "xlsx"))]
pub mod xlsx {
    use fazhi::analyse::change::{diff::RuleSetDiff, rank::Ranking};
    use fazhi::analyse::policy::audit::Audit;
    use fazhi::analyse::{gap::GapAnalysis, policy::whatif::WhatIf};
    use fazhi::{CountyData, Error, Report, Result, RuleSet};

    fn off() -> Result<Vec<u8>> {
        Err(Error::Invalid(
            "this fazhi was built without the `xlsx` feature; rebuild with default features".into(),
        ))
    }
    pub fn score(_: &[Report]) -> Result<Vec<u8>> {
        off()
    }
    pub fn rank(_: &Ranking) -> Result<Vec<u8>> {
        off()
    }
    pub fn gap(_: &[GapAnalysis]) -> Result<Vec<u8>> {
        off()
    }
    pub fn diff(_: &RuleSetDiff) -> Result<Vec<u8>> {
        off()
    }
    pub fn whatif(_: &WhatIf, _: &RuleSet) -> Result<Vec<u8>> {
        off()
    }
    pub fn template(_: &RuleSet, _: &[CountyData]) -> Result<Vec<u8>> {
        off()
    }
    pub fn audit(_: &Audit, _: &RuleSet) -> Result<Vec<u8>> {
        off()
    }
}

// issue 27 shape 6: relative scores
/// The counties scored within the group of the counties read and the `--peers` inputs (when
/// any are given; `max` is `--max-peers`). Errors are printed; the exit code is returned.
pub fn with_peers(
    rules: &RuleSet,
    counties: Vec<(fazhi::CountyData, fazhi::InputFile)>,
    (peers, max): (&[std::path::PathBuf], usize),
) -> Result<Vec<(fazhi::CountyData, fazhi::InputFile)>, u8> {
    if peers.is_empty() || rules.relative_fields().is_empty() {
        return Ok(counties);
    }
    let others: Vec<fazhi::CountyData> = read_counties(rules, peers)?
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    let (data, files): (Vec<_>, Vec<_>) = counties.into_iter().unzip();
    match rules.with_peers(data, &others, max) {
        Ok(data) => Ok(data.into_iter().zip(files).collect()),
        Err(e) => {
            eprintln!("error: --peers: {e}");
            Err(BAD_INPUT)
        }
    }
}
