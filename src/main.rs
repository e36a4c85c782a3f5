//! The `fazhi` command line: a thin layer over the library.

use clap::{Parser, Subcommand};
use fazhi::render::{self, Format};
use fazhi::{CountyData, Error, RuleSet, RuleSource};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Exit code: everything worked.
const OK: u8 = 0;
/// Exit code: a failure that is not the input's fault (cannot write the output, say).
const FAILURE: u8 = 1;
/// Exit code: bad input (rules or data).
const BAD_INPUT: u8 = 2;

#[derive(Parser)]
#[command(
    name = "fazhi",
    version,
    about = "Score counties against the rule-of-law government demonstration indicator system (法治政府建设示范指标体系)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a rule set and list every problem as `file:line:col: error: message`.
    Lint {
        /// The rule-set folder (default: the built-in national rule set).
        rules: Option<PathBuf>,
    },
    /// Score county data files (YAML or JSON) into itemized reports.
    Score {
        /// The rule-set folder (default: the built-in national rule set).
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Output format: md, json or csv.
        #[arg(long, default_value = "md")]
        format: Format,
        /// Write to this file (atomically) instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// County data files.
        #[arg(required = true)]
        data: Vec<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Lint { rules } => lint(rules.as_deref()),
        Command::Score {
            rules,
            format,
            out,
            data,
        } => score(rules.as_deref(), format, out.as_deref(), &data),
    };
    ExitCode::from(code)
}

fn source(rules: Option<&Path>) -> Result<RuleSource, Error> {
    match rules {
        Some(dir) => RuleSource::from_dir(dir),
        None => Ok(RuleSet::builtin_source()),
    }
}

/// Prints an error with the rule-set folder in front of relative file names.
fn report_error(e: &Error, rules: Option<&Path>) {
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

fn prefixed(d: &fazhi::Diagnostic, rules: Option<&Path>) -> String {
    match rules {
        Some(dir) => {
            let mut d = d.clone();
            d.file = dir.join(&d.file).display().to_string();
            d.to_string()
        }
        None => format!("<built-in>/{d}"),
    }
}

fn lint(rules: Option<&Path>) -> u8 {
    let src = match source(rules) {
        Ok(s) => s,
        Err(e) => {
            report_error(&e, rules);
            return BAD_INPUT;
        }
    };
    let diags = RuleSet::lint(&src);
    for d in &diags.0 {
        println!("{}", prefixed(d, rules));
    }
    let errors = diags.errors().count();
    let warnings = diags.0.len() - errors;
    if errors > 0 {
        eprintln!("{errors} error(s), {warnings} warning(s)");
        BAD_INPUT
    } else {
        if warnings > 0 {
            eprintln!("{warnings} warning(s)");
        }
        OK
    }
}

fn load(rules: Option<&Path>) -> Result<RuleSet, u8> {
    source(rules).and_then(|s| RuleSet::load(&s)).map_err(|e| {
        report_error(&e, rules);
        BAD_INPUT
    })
}

fn score(rules: Option<&Path>, format: Format, out: Option<&Path>, data: &[PathBuf]) -> u8 {
    let rules = match load(rules) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let mut reports = Vec::new();
    let mut failed = false;
    for path in data {
        match CountyData::from_file(path, &rules) {
            Ok(d) => reports.push(rules.score(&d)),
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

/// Writes to standard output, or atomically to a file: a temporary file in the same folder,
/// renamed over the target only once it is complete.
fn write_output(out: Option<&Path>, text: &str) -> Result<(), String> {
    match out {
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .map_err(|e| format!("standard output: {e}"))
        }
        Some(path) => {
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let mut tmp = tempfile::NamedTempFile::new_in(dir)
                .map_err(|e| format!("{}: {e}", dir.display()))?;
            tmp.write_all(text.as_bytes())
                .map_err(|e| format!("{}: {e}", path.display()))?;
            tmp.as_file()
                .sync_all()
                .map_err(|e| format!("{}: {e}", path.display()))?;
            tmp.persist(path)
                .map_err(|e| format!("{}: {}", path.display(), e.error))?;
            Ok(())
        }
    }
}
