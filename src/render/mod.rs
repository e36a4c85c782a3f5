//! Step 7, render: reports as JSON (stable, documented), Markdown (Chinese-first, aligned tables)
//! and CSV (one row per item).

mod csv;
mod diff;
mod markdown;
mod rank;
mod table;
pub mod words;

pub use self::csv::{csv_header, csv_rows};
pub(crate) use self::csv::{field as csv_field, row as csv_row};
pub use self::diff::diff_markdown;
pub use self::markdown::markdown;
pub(crate) use self::markdown::{area_heading, county_heading, short_inputs};
pub use self::rank::{rank_csv, rank_markdown};
pub(crate) use self::table::Table;

use crate::report::Report;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON: an object for one report, an array for several.
    Json,
    /// Markdown, in Chinese.
    Markdown,
    /// CSV, one row per item.
    Csv,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "json" => Ok(Format::Json),
            "md" | "markdown" => Ok(Format::Markdown),
            "csv" => Ok(Format::Csv),
            other => Err(format!("unknown format `{other}`: use md, json or csv")),
        }
    }
}

/// Pretty JSON of one report (byte-for-byte the same for the same inputs), newline-terminated.
pub fn json(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(report).unwrap_or_default();
    s.push('\n');
    s
}

/// Renders several reports in one format.
///
/// ```
/// # let rules = fazhi::RuleSet::builtin().unwrap();
/// # let data = fazhi::CountyData::from_str("x.yaml", "county: {id: x, name: 某县}\ndata: {}\n", &rules).unwrap();
/// let report = rules.score(&data);
/// let md = fazhi::render::render(&[report], fazhi::render::Format::Markdown);
/// assert!(md.contains("某县"));
/// ```
pub fn render(reports: &[Report], format: Format) -> String {
    match format {
        Format::Json if reports.len() == 1 => json(&reports[0]),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(reports).unwrap_or_default();
            s.push('\n');
            s
        }
        Format::Markdown => reports
            .iter()
            .map(markdown)
            .collect::<Vec<_>>()
            .join("\n---\n\n"),
        Format::Csv => {
            let mut s = csv_header();
            for r in reports {
                s.push_str(&csv_rows(r));
            }
            s
        }
    }
}

/// Pretty JSON of any serde value (rankings, diffs, verifications), newline-terminated.
pub fn to_json<T: serde::Serialize>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value).unwrap_or_default();
    s.push('\n');
    s
}

/// The Markdown section listing the data files a batch could not score (empty when none).
pub(crate) fn failures_markdown(failures: &[crate::analyse::batch::Failure]) -> String {
    if failures.is_empty() {
        return String::new();
    }
    let mut s = format!("\n## 未能评分的文件（{} 个）\n\n", failures.len());
    for f in failures {
        s.push_str(&format!(
            "- `{}`：{}\n",
            f.path,
            f.error.replace('\n', "；")
        ));
    }
    s
}
