//! `fazhi lint`.

use super::common::*;
use fazhi::RuleSet;
use std::path::Path;

/// Lists every problem of a rule set; exit 2 on any error.
pub fn run(rules: Option<&Path>) -> u8 {
    let src = match source(rules) {
        Ok(s) => s,
        Err(e) => {
            report_error(&e, rules);
            return BAD_INPUT;
        }
    };
    let diags = RuleSet::lint(&src);
    for d in &diags.0 {
        say(&prefixed(d, rules));
    }
    let errors = diags.errors().count();
    let warnings = diags.0.len() - errors;
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
