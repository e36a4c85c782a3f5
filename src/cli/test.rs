//! `fazhi test [RULES_DIR]`: the tests kept beside a rule set (its `tests/` folder).

use super::common::*;
use fazhi::ruletests::{self, CaseResult};
use fazhi::RuleSet;
use std::path::Path;

/// A failed case as lines: the case, then each mismatch with the item's explanation.
pub fn describe(c: &CaseResult) -> Vec<String> {
    let mut out = vec![format!("FAIL {}: {}", c.file, c.name)];
    if let Some(e) = &c.error {
        out.push(format!("  the county could not be read: {e}"));
    }
    for m in &c.mismatches {
        let what = match &m.id {
            Some(id) => format!("{} `{id}`", m.what),
            None => m.what.clone(),
        };
        out.push(format!("  {what}: expected {}, got {}", m.expected, m.got));
        if !m.explanation.is_empty() {
            out.push(format!("    {}", m.explanation));
        }
    }
    out
}

/// Runs the tests of the rule set in `rules` (default: the current folder); exit 3 when one
/// fails, 2 when the rule set or a test file cannot be read.
pub fn run(rules: Option<&Path>) -> u8 {
    let dir = rules.unwrap_or(Path::new("."));
    let set = match RuleSet::load_dir(dir) {
        Ok(r) => r,
        Err(e) => {
            report_error(&e, Some(dir));
            return BAD_INPUT;
        }
    };
    let outcome = match ruletests::run(&set, dir) {
        Ok(o) => o,
        Err(e) => {
            report_error(&e, Some(dir));
            return BAD_INPUT;
        }
    };
    for c in &outcome.cases {
        if c.passed() {
            say(&format!("ok   {}: {}", c.file, c.name));
        } else {
            for line in describe(c) {
                say(&line);
            }
        }
    }
    let failed = outcome.failed().count();
    eprintln!("{} passed, {failed} failed", outcome.cases.len() - failed);
    if outcome.cases.is_empty() {
        eprintln!(
            "note: {} has no tests (a `tests/` folder of YAML files; see docs/FORMAT.md)",
            dir.display()
        );
    }
    if failed > 0 {
        NOT_REPRODUCED
    } else {
        OK
    }
}
