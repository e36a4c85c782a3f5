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
/// Exit code: every county was scored and the output written, but a rule failed for some county
/// (an item in `error`, or a veto, bonus, penalty or check whose expression failed); each is
/// named on standard error.
pub const RULE_ERRORS: u8 = 4;

/// Names on standard error every rule that failed for a county; returns how many did.
pub fn name_rule_errors(county: &fazhi::CountyRef, errors: &[fazhi::RuleError]) -> usize {
    let who = county.source.as_deref().unwrap_or(&county.id);
    for e in errors {
        eprintln!("error: {who}: rule {e} (counted as 0)");
    }
    errors.len()
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

/// Writes to standard output, or atomically to a file: a temporary file in the same folder,
/// renamed over the target only once it is complete.
pub fn write_output(out: Option<&Path>, text: &str) -> Result<(), String> {
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
