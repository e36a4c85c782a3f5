//! Provenance checks: does a stored report still come out of its named inputs?
//!
//! A report names its rule set (id, version, content hash), its county data (canonical data
//! hash and, when scored from a file, the file as `county.source`) and the engine version.
//! [`verify`] rescores the data under the given rules and says whether the stored report is
//! reproduced exactly, and if not, which of these differs — and where the content differs.

use crate::error::{Error, Result};
use crate::load::county::CountyData;
use crate::report::{EngineInfo, Report};
use crate::ruleset::RuleSet;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::Path;

/// At most this many content differences are listed.
pub const MAX_DIFFERENCES: usize = 20;

/// One reason a report is not reproduced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum Mismatch {
    /// The rules given are not the rules the report names.
    RulesHash {
        /// The hash in the report.
        stored: String,
        /// The hash of the rules given.
        actual: String,
    },
    /// The data are not the data the report names.
    DataHash {
        /// The hash in the report.
        stored: String,
        /// The hash of the data given.
        actual: String,
    },
    /// Another engine version produced the report.
    EngineVersion {
        /// The version in the report.
        stored: String,
        /// This engine's version.
        actual: String,
    },
    // issue 27 shape 6: relative scores
    /// The comparison group differs (relative items): the counties the report was scored with
    /// are not the counties given.
    Group {
        /// The report's group: `8 counties, sha256 …` (or `1 county (alone)`).
        stored: String,
        /// The group given.
        actual: String,
    },
    /// The rescored report differs: JSON pointers with stored → rescored values (at most
    /// [`MAX_DIFFERENCES`]; `more` counts the rest).
    Content {
        /// `/summary/total: 11.048 → 12`, …
        differences: Vec<String>,
        /// Differences not listed.
        more: usize,
    },
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mismatch::RulesHash { stored, actual } => {
                write!(f, "rules hash differs: the report names {stored}, the rules given hash to {actual}")
            }
            Mismatch::DataHash { stored, actual } => {
                write!(f, "data hash differs: the report names {stored}, the data file hashes to {actual}")
            }
            Mismatch::Group { stored, actual } => {
                write!(f, "comparison group differs: the report was scored in {stored}, the counties given make {actual}")
            }
            Mismatch::EngineVersion { stored, actual } => {
                write!(
                    f,
                    "engine version differs: the report was made by {stored}, this is {actual}"
                )
            }
            Mismatch::Content { differences, more } => {
                write!(f, "content differs:")?;
                for d in differences {
                    write!(f, "\n    {d}")?;
                }
                if *more > 0 {
                    write!(f, "\n    … and {more} more")?;
                }
                Ok(())
            }
        }
    }
}

/// The outcome of verifying one report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    /// The county id.
    pub county: String,
    /// The data file rescored, when the report names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Whether the rescored report equals the stored one.
    pub reproduced: bool,
    /// Why not (empty when reproduced).
    pub mismatches: Vec<Mismatch>,
}

/// Rescores `data` under `rules` and compares with `stored`.
///
/// ```
/// use fazhi::{analyse::change::verify, CountyData, RuleSet};
/// let rules = RuleSet::builtin()?;
/// let data = CountyData::from_str("x.yaml", "county: {id: x, name: 某县}\ndata: {}\n", &rules)?;
/// let mut stored = rules.score(&data);
/// assert!(verify::verify(&stored, &rules, &data).reproduced);
/// stored.summary.total = fazhi::Points::from_f64(99.0); // tampered with
/// let v = verify::verify(&stored, &rules, &data);
/// assert!(!v.reproduced);
/// assert!(v.mismatches[0].to_string().contains("/summary/total: 99 → 0"));
/// # Ok::<(), fazhi::Error>(())
/// ```
pub fn verify(stored: &Report, rules: &RuleSet, data: &CountyData) -> Verification {
    let mut fresh = rules.score(data);
    fresh.county.source = stored.county.source.clone();
    let mut mismatches = Vec::new();
    if stored.ruleset.hash != rules.hash() {
        mismatches.push(Mismatch::RulesHash {
            stored: stored.ruleset.hash.clone(),
            actual: rules.hash().to_string(),
        });
    }
    if stored.county.data_hash != data.hash() {
        mismatches.push(Mismatch::DataHash {
            stored: stored.county.data_hash.clone(),
            actual: data.hash().to_string(),
        });
    }
    if stored.county.group != fresh.county.group {
        let show = |g: &Option<crate::relative::GroupInfo>| match g {
            None => "no group".to_string(),
            Some(g) if g.alone => format!("1 county alone (sha256 {})", g.sha256),
            Some(g) => format!("a group of {} counties (sha256 {})", g.count, g.sha256),
        };
        mismatches.push(Mismatch::Group {
            stored: show(&stored.county.group),
            actual: show(&fresh.county.group),
        });
    }
    let engine = EngineInfo::current();
    if stored.engine != engine {
        mismatches.push(Mismatch::EngineVersion {
            stored: format!("{} {}", stored.engine.name, stored.engine.version),
            actual: format!("{} {}", engine.name, engine.version),
        });
    }
    if *stored != fresh {
        let a = serde_json::to_value(stored).unwrap_or(Value::Null);
        let b = serde_json::to_value(&fresh).unwrap_or(Value::Null);
        let mut differences = Vec::new();
        json_diff("", &a, &b, &mut differences);
        let more = differences.len().saturating_sub(MAX_DIFFERENCES);
        differences.truncate(MAX_DIFFERENCES);
        mismatches.push(Mismatch::Content { differences, more });
    }
    Verification {
        county: stored.county.id.clone(),
        source: stored.county.source.clone(),
        reproduced: mismatches.is_empty(),
        mismatches,
    }
}

/// What a file that is not a JSON report is, judged by its first bytes (a zip package: a
/// workbook or a Word file) or, for text, by its extension (`.md`, `.html`, `.csv`): the
/// sentence that says `verify` reads JSON reports and how to get one (`--format json`).
/// `None` for anything else (JSON or not, [`read_reports`] then says what is wrong).
pub fn not_a_json_report(file: &str, head: &[u8]) -> Option<String> {
    let ext = std::path::Path::new(file)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let what = if head.starts_with(b"PK\x03\x04") {
        match ext.as_str() {
            "docx" => "a Word document",
            "xlsx" => "a workbook",
            _ => "a zip package (a workbook or a Word document)",
        }
    } else {
        match ext.as_str() {
            "md" | "markdown" => "a Markdown report",
            "html" | "htm" => "an HTML report",
            "csv" => "a CSV table",
            "xls" | "doc" | "pdf" => "not a JSON report",
            _ => return None,
        }
    };
    Some(format!(
        "{file}: `fazhi verify` verifies JSON reports, and this is {what}; make the JSON report of the same data with `fazhi score --format json --out report.json DATA...` (add `--rules DIR` when it is not the built-in rule set) and verify that"
    ))
}

/// Reads a JSON file of reports (one report, or an array as `fazhi score --format json` writes
/// for several counties); `file` names it in messages.
///
/// Errors: [`Error::Invalid`] with `file:line:col` when the text is not JSON, has a key written
/// twice, or is not shaped like a report.
pub fn read_reports(file: &str, text: &str) -> Result<Vec<Report>> {
    let syntax = crate::load::parse::Syntax::Json;
    let as_list = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('[');
    let read = if as_list {
        crate::load::parse::typed::<Vec<Report>>(file, text, syntax)
    } else {
        crate::load::parse::typed::<Report>(file, text, syntax).map(|r| vec![r])
    };
    read.map_err(|mut d| {
        d.message = format!("not a fazhi report: {}", d.message);
        Error::Invalid(
            d.with_help("a report is the JSON `fazhi score --format json` writes (one object, or an array of them)")
                .to_string(),
        )
    })
}

/// Verifies a report against the data file it names (`county.source`, a county file or a
/// table row `台账.xlsx#台账!5`; a relative path is looked up as given, then relative to
/// `base`, the folder of the report file).
///
/// Errors: [`Error::Invalid`] when the report names no data file, when it was made with another
/// rule set (its id differs from `rules`: the message names the report's rule set and says to
/// pass it with `--rules`), or when the data file is found at none of the paths tried (all are
/// listed); [`Error::Data`] when the data file no longer fits the rules.
pub fn verify_source(
    stored: &Report,
    rules: &RuleSet,
    base: Option<&Path>,
) -> Result<Verification> {
    Ok(verify(stored, rules, &source_data(stored, rules, base)?))
}

/// The county data a report names (`county.source`), found and read as [`verify_source`]
/// does; for verifying reports with relative items, whose group is built from several reports'
/// data (`fazhi verify` of a batch's JSON) or `--peers`.
///
/// Errors: as [`verify_source`].
pub fn source_data(stored: &Report, rules: &RuleSet, base: Option<&Path>) -> Result<CountyData> {
    let Some(src) = &stored.county.source else {
        return Err(Error::Invalid(format!(
            "the report of `{}` names no data file (county.source); reports written by `fazhi score` or `fazhi rank` from files name theirs",
            stored.county.id
        )));
    };
    if stored.ruleset.id != rules.id() {
        return Err(Error::Invalid(format!(
            "the report of `{}` was made with rule set `{}` ({}, version {}, sha256 {}), not with `{}` given here\n  help: pass the rule set the report names: `fazhi verify --rules DIR REPORT.json`",
            stored.county.id,
            stored.ruleset.id,
            stored.ruleset.title,
            stored.ruleset.version,
            stored.ruleset.hash,
            rules.id()
        )));
    }
    // A county table's row (`台账.xlsx#台账!5`): the table is found like a file.
    let (given, row) = match crate::sheet::split_row_source(src) {
        Some((file, row)) => (file, Some(row)),
        None => (Path::new(src.as_str()), None),
    };
    let mut tried = vec![given.to_path_buf()];
    if let Some(b) = base.filter(|_| given.is_relative()) {
        let beside = b.join(given);
        if beside != *given {
            tried.push(beside);
        }
    }
    let Some(path) = tried.iter().find(|p| p.is_file()) else {
        let list: Vec<String> = tried.iter().map(|p| p.display().to_string()).collect();
        return Err(Error::Invalid(format!(
            "the data file `{}` named by the report of `{}` was not found; tried: {}\n  help: run `fazhi verify` from the folder the report was made in, or keep the data file beside the report",
            given.display(),
            stored.county.id,
            list.join(", ")
        )));
    };
    Ok(match row {
        Some(row) => crate::sheet::read_row(path, row, rules)?,
        None => crate::scoring::batch::read_county(path, rules)?.0,
    })
}

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        other => {
            let s = other.to_string();
            if s.chars().count() > 60 {
                format!("{}…", s.chars().take(60).collect::<String>())
            } else {
                s
            }
        }
    }
}

/// JSON pointers where `a` and `b` differ, in document order.
fn json_diff(at: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, va) in x {
                let p = format!("{at}/{k}");
                match y.get(k) {
                    Some(vb) => json_diff(&p, va, vb, out),
                    None => out.push(format!("{p}: {} → (absent)", show(va))),
                }
            }
            for (k, vb) in y.iter().filter(|(k, _)| !x.contains_key(*k)) {
                out.push(format!("{at}/{k}: (absent) → {}", show(vb)));
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                json_diff(&format!("{at}/{i}"), va, vb, out);
            }
        }
        _ if a != b => out.push(format!(
            "{}: {} → {}",
            if at.is_empty() { "/" } else { at },
            show(a),
            show(b)
        )),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn differences_are_json_pointers() {
        let mut out = Vec::new();
        json_diff(
            "",
            &json!({"a": 1, "b": [1, 2], "c": "x"}),
            &json!({"a": 1, "b": [1, 3], "d": true}),
            &mut out,
        );
        assert_eq!(
            out,
            ["/b/1: 2 → 3", "/c: \"x\" → (absent)", "/d: (absent) → true"]
        );
    }
}
