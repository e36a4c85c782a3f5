//! `fazhi verify`.

use super::common::*;
use fazhi::analyse::change::verify;
use std::path::Path;

/// Rescores every report of a JSON file (one report or an array) from the data file it names.
pub fn run(report: &Path, rules: Option<&Path>) -> u8 {
    let mut head = [0u8; 4];
    let n = std::fs::File::open(report)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
        .unwrap_or(0);
    if let Some(m) = verify::not_a_json_report(&report.display().to_string(), &head[..n]) {
        eprintln!("error: {m}");
        return BAD_INPUT;
    }
    let text = match fazhi::files::read_text(report) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return BAD_INPUT;
        }
    };
    let reports = match verify::read_reports(&report.display().to_string(), &text) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return BAD_INPUT;
        }
    };
    let rules = match load(rules) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let base = report.parent();
    let mut code = OK;
    for r in &reports {
        match verify::verify_source(r, &rules, base) {
            Ok(v) if v.reproduced => say(&format!(
                "✓ {} ({}): reproduced — rules {} {} sha256 {}, data sha256 {}, {} {}",
                v.county,
                v.source.as_deref().unwrap_or(""),
                r.ruleset.id,
                r.ruleset.version,
                r.ruleset.hash,
                r.county.data_hash,
                r.engine.name,
                r.engine.version
            )),
            Ok(v) => {
                say(&format!(
                    "✗ {} ({}): NOT reproduced",
                    v.county,
                    v.source.as_deref().unwrap_or("")
                ));
                for m in &v.mismatches {
                    say(&format!("  {m}"));
                    if matches!(m, verify::Mismatch::RulesHash { .. }) {
                        say(&format!(
                            "    help: the report names rule set `{}` version {}; pass that rule set with `--rules DIR`",
                            r.ruleset.id, r.ruleset.version
                        ));
                    }
                }
                if code == OK {
                    code = NOT_REPRODUCED;
                }
            }
            Err(e) => {
                eprintln!("error: {e}");
                code = BAD_INPUT;
            }
        }
    }
    code
}
