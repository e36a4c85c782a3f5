//! CSV: one row per item, UTF-8, RFC 4180 quoting, safe to open in a spreadsheet program.
//!
//! **Formula injection.** A spreadsheet program reads a cell that begins with `=`, `+`, `-` or
//! `@` (or a tab or carriage return before one) as a formula, so a county name or a quote such
//! as `=HYPERLINK(…)` would run when the CSV is opened. Every text cell that begins so gets a
//! leading `'` (shown by Excel and LibreOffice as the text itself, OWASP's advice). Numbers stay
//! numbers: a cell that is a plain decimal number (`-3.5`, `+2`, `-1e3`) is left as it is, so
//! negative points and changes in numeric columns are still summable.

use crate::report::{ItemStatus, Report};

const COLUMNS: &[&str] = &[
    "county_id",
    "county_name",
    "ruleset_id",
    "ruleset_version",
    "area",
    "item_id",
    "item_name",
    "max",
    "earned",
    "lost",
    "status",
    "inputs",
    "explanation",
];

/// Whether a cell is a plain decimal number (digits with an optional sign, point and exponent).
fn is_number(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
        && s.chars().any(|c| c.is_ascii_digit())
        && s.parse::<f64>().is_ok()
}

/// The cell with a leading `'` when a spreadsheet program would read it as a formula (text
/// beginning with `=`, `+`, `-`, `@`, tab or carriage return); numbers are left as they are.
pub(crate) fn neutralise(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) && !is_number(s) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// One CSV field: neutralised against formula injection, then quoted when it must be
/// (RFC 4180).
pub(crate) fn field(s: &str) -> String {
    let s = &*neutralise(s);
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One CSV line: the cells quoted where they must be, joined, newline-terminated.
pub(crate) fn row(cells: &[String]) -> String {
    let mut line = cells.iter().map(|c| field(c)).collect::<Vec<_>>().join(",");
    line.push('\n');
    line
}

/// The header line.
pub fn csv_header() -> String {
    format!("{}\n", COLUMNS.join(","))
}

/// One line per item of the report.
pub fn csv_rows(r: &Report) -> String {
    let mut out = String::new();
    for i in &r.items {
        let status = match i.status {
            ItemStatus::Scored => "scored",
            ItemStatus::NoData => "no_data",
            ItemStatus::Error => "error",
        };
        let inputs: Vec<String> = i
            .inputs
            .iter()
            .map(|(k, v)| format!("{k}={}", v.display()))
            .collect();
        let cells = [
            r.county.id.clone(),
            r.county.name.clone(),
            r.ruleset.id.clone(),
            r.ruleset.version.clone(),
            i.area.to_string(),
            i.id.to_string(),
            i.name.to_string(),
            i.max.to_string(),
            i.earned.to_string(),
            i.lost.to_string(),
            status.to_string(),
            inputs.join("; "),
            i.explanation.clone(),
        ];
        out.push_str(&row(&cells));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn quoting() {
        assert_eq!(super::field("a,b"), "\"a,b\"");
        assert_eq!(super::field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(super::field("平常"), "平常");
    }

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        use super::field;
        assert_eq!(
            field("=HYPERLINK(\"http://x\")"),
            "\"'=HYPERLINK(\"\"http://x\"\")\""
        );
        assert_eq!(field("+1+2"), "'+1+2");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(field("-"), "'-");
        assert_eq!(field("-2+3"), "'-2+3");
        assert_eq!(field("\t=1"), "'\t=1");
        // Negative and signed numbers stay numbers.
        assert_eq!(field("-3.5"), "-3.5");
        assert_eq!(field("+2"), "+2");
        assert_eq!(field("-1e3"), "-1e3");
        assert_eq!(field("-inf"), "'-inf");
        assert_eq!(field("郓城县"), "郓城县");
    }
}
