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
/// Exit code: every file was read, but some rule failed on some county (`rank`: a looping rule,
/// a rule returning text, ...), so items were counted as 0 points.
pub const RULES_IN_ERROR: u8 = 4;

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

pub fn prefixed(d: &fazhi::Diagnostic, rules: Option<&Path>) -> String {
    match rules {
        Some(dir) => {
            let mut d = d.clone();
            d.file = dir.join(&d.file).display().to_string();
            d.to_string()
        }
        None => format!("<built-in>/{d}"),
    }
}

pub fn load(rules: Option<&Path>) -> Result<RuleSet, u8> {
    source(rules).and_then(|s| RuleSet::load(&s)).map_err(|e| {
        report_error(&e, rules);
        BAD_INPUT
    })
}

/// Writes to standard output, or atomically to a file (see [`super::output::write_atomic`]).
pub fn write_output(out: Option<&Path>, text: &str) -> Result<(), String> {
    match out {
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .map_err(|e| format!("standard output: {e}"))
        }
        Some(path) => super::output::write_atomic(path, text.as_bytes()),
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
