//! Step 7, render: every output format, one module per format, each taking an analysis's result
//! as plain data (analyses never format text). JSON is the stable, documented contract; Markdown
//! is Chinese-first with aligned tables; CSV is one row per item (reports) or per county
//! (rankings, what-if, uncertainty); SVG draws the charts.

pub mod compose;
mod csv;
pub mod document;
#[cfg(feature = "docx")]
pub mod docx;
#[cfg(feature = "html")]
pub mod html;
mod json;
mod markdown;
pub mod svg;
pub mod words;
pub mod write;
#[cfg(feature = "xlsx")]
pub mod xlsx;

pub use self::csv::{csv_header, csv_rows, rank_csv, uncertainty_csv, whatif_csv};
pub use self::json::{json, to_json};
pub(crate) use self::markdown::{area_heading, short_inputs, Table};
pub use self::markdown::{
    audit_markdown, diff_markdown, gap_markdown, gap_summary_markdown, markdown, rank_markdown,
    uncertainty_markdown, whatif_markdown,
};

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
    /// A self-contained HTML page with charts (feature `html`).
    #[cfg(feature = "html")]
    Html,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "json" => Ok(Format::Json),
            "md" | "markdown" => Ok(Format::Markdown),
            "csv" => Ok(Format::Csv),
            #[cfg(feature = "html")]
            "html" => Ok(Format::Html),
            #[cfg(not(feature = "html"))]
            "html" => Err(
                "this fazhi was built without the `html` feature: rebuild with `--features html`"
                    .into(),
            ),
            other => Err(format!(
                "unknown format `{other}`: use md, json, csv or html"
            )),
        }
    }
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
        #[cfg(feature = "html")]
        Format::Html => html::score_html(reports),
    }
}
