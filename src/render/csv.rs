//! CSV: one row per item, UTF-8, RFC 4180 quoting.

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

/// One CSV field, quoted when it must be (RFC 4180).
pub(crate) fn field(s: &str) -> String {
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
}
