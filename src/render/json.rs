//! JSON: pretty, stable (byte for byte the same for the same inputs), newline-terminated. The
//! JSON of a report, ranking, diff, gap analysis, what-if or uncertainty analysis is the serde
//! form of the analysis's own data, so every embedding (CLI, Python, HTTP) gives the same bytes.

use crate::report::Report;

/// Pretty JSON of one report (byte-for-byte the same for the same inputs), newline-terminated.
pub fn json(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(report).unwrap_or_default();
    s.push('\n');
    s
}

/// Pretty JSON of any serde value (rankings, diffs, verifications), newline-terminated.
pub fn to_json<T: serde::Serialize>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value).unwrap_or_default();
    s.push('\n');
    s
}
