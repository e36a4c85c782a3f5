//! `fazhi verify`.

use super::common::*;
use fazhi::analyse::change::verify;
use std::path::Path;

/// Rescores every report of a JSON file (one report or an array) from the data file it names.
/// `peers`: `--peers` and `--max-peers`, the comparison group of relative items (issue 27).
pub fn run(report: &Path, rules: Option<&Path>, peers: (&[std::path::PathBuf], usize)) -> u8 {
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
    let grouped = match grouped(&reports, &rules, base, peers) {
        Ok(g) => g,
        Err(c) => return c,
    };
    for (k, r) in reports.iter().enumerate() {
        let checked = match &grouped {
            Some(data) => Ok(verify::verify(r, &rules, &data[k])),
            None => verify::verify_source(r, &rules, base),
        };
        match checked {
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
                    if matches!(m, verify::Mismatch::Group { .. }) {
                        // A report scored alone is verified alone; any other needs its group.
                        if r.county.group.as_ref().is_some_and(|g| g.alone) {
                            say("    help: the report was scored alone (a group of one): verify it without `--peers`, on its own");
                        } else {
                            say("    help: pass the counties the report was scored with: `fazhi verify --peers DIR REPORT.json` (as given to `fazhi score --peers`), or verify the JSON of the whole batch");
                        }
                    }
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

// issue 27 shape 6: relative scores
/// For a rule set with relative items: every report's data, scored within the group the
/// reports were made in — the reports of the file (a batch), or with `--peers`. `None` when
/// the rule set has none, or one report is verified alone (its own data then suffice).
fn grouped(
    reports: &[fazhi::Report],
    rules: &fazhi::RuleSet,
    base: Option<&Path>,
    (peers, max): (&[std::path::PathBuf], usize),
) -> Result<Option<Vec<fazhi::CountyData>>, u8> {
    if rules.relative_fields().is_empty() || (reports.len() < 2 && peers.is_empty()) {
        return Ok(None);
    }
    let mut data = Vec::new();
    for r in reports {
        match verify::source_data(r, rules, base) {
            Ok(d) => data.push(d),
            Err(e) => {
                eprintln!("error: {e}");
                return Err(BAD_INPUT);
            }
        }
    }
    let others: Vec<fazhi::CountyData> = if peers.is_empty() {
        Vec::new()
    } else {
        read_counties(rules, peers)?
            .into_iter()
            .map(|(c, _)| c)
            .collect()
    };
    match rules.with_peers(data, &others, max) {
        Ok(d) => Ok(Some(d)),
        Err(e) => {
            eprintln!("error: {e}");
            Err(BAD_INPUT)
        }
    }
}
