//! `fazhi lint`.

use super::common::*;
use fazhi::RuleSet;
use std::path::Path;

/// How `fazhi lint` writes its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LintFormat {
    /// One line per problem (`file:line:col: error[code]: message`), the counts on stderr.
    Text,
    /// One JSON object: `{"errors": n, "warnings": n, "diagnostics": [...]}`; each diagnostic
    /// as the library serializes it (`code`, `severity`, `file`, `line`, `column`, `message`,
    /// `help`), its file with the rule-set folder (or `<built-in>/`) in front.
    Json,
}

/// Lists every problem of a rule set; exit 2 on any error.
pub fn run(rules: Option<&Path>, format: LintFormat) -> u8 {
    let src = match source(rules) {
        Ok(s) => s,
        Err(e) => {
            report_error(&e, rules);
            return BAD_INPUT;
        }
    };
    let diags = RuleSet::lint(&src);
    let errors = diags.errors().count();
    let warnings = diags.0.len() - errors;
    if format == LintFormat::Json {
        let placed: Vec<fazhi::Diagnostic> = diags.0.iter().map(|d| placed(d, rules)).collect();
        let out = serde_json::json!({
            "errors": errors,
            "warnings": warnings,
            "diagnostics": placed,
        });
        say(&serde_json::to_string_pretty(&out).unwrap_or_default());
        return if errors > 0 { BAD_INPUT } else { OK };
    }
    for d in &diags.0 {
        say(&prefixed(d, rules));
    }
    // Always the count, also for a clean run: `0 errors, 0 warnings`.
    let plural = |n: usize, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    eprintln!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    );
    if errors > 0 {
        BAD_INPUT
    } else {
        OK
    }
}
