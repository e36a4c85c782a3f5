//! The Markdown report: Chinese-first, grouped by first-level area, lost points easy to see.

mod diff;
mod rank;
mod table;
mod uncertainty;
mod whatif;

pub use self::diff::diff_markdown;
pub(crate) use self::diff::{contribution_zh, kind_zh, rank_move, section_zh};
pub use self::rank::rank_markdown;
pub(crate) use self::table::Table;
pub use self::uncertainty::markdown as uncertainty_markdown;
pub(crate) use self::uncertainty::{noise_text, total_text};
pub use self::whatif::markdown as whatif_markdown;

use crate::report::Report;

const NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/// `一、` for area 1 … `十、` for area 10, the id otherwise.
pub(crate) fn area_heading(id: &str, name: &str) -> String {
    match id.parse::<usize>() {
        Ok(n) if (1..=10).contains(&n) => format!("{}、{name}", NUMERALS[n - 1]),
        _ => format!("{id} {name}"),
    }
}

/// An item's input values as `field=value` with the field's last segment (`online_rate=93.3`),
/// bounds shown (`≥2700`).
pub(crate) fn short_inputs(inputs: &crate::Inputs) -> Vec<String> {
    inputs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                k.as_str().rsplit('.').next().unwrap_or(""),
                v.display()
            )
        })
        .collect()
}

/// The Markdown report of one county: [`crate::render::compose::score::document`] written out.
pub fn markdown(r: &Report) -> String {
    crate::render::write::markdown::markdown(&crate::render::compose::score::document(r, false))
}

/// The Markdown gap analysis of one county: [`crate::render::compose::gap::county::document`]
/// written out.
pub fn gap_markdown(g: &crate::analyse::gap::GapAnalysis) -> String {
    crate::render::write::markdown::markdown(&crate::render::compose::gap::county::document(
        g, false,
    ))
}

/// The Markdown of the batch summary of many counties' gap analyses, to follow their reports:
/// [`crate::render::compose::gap::summary::document`] written out.
pub fn gap_summary_markdown(s: &crate::analyse::gap::GapSummary) -> String {
    crate::render::write::markdown::markdown(&crate::render::compose::gap::summary::document(s))
}

/// The Markdown audit of an indicator system: [`crate::render::compose::audit::document`]
/// written out.
pub fn audit_markdown(a: &crate::analyse::policy::audit::Audit) -> String {
    crate::render::write::markdown::markdown(&crate::render::compose::audit::document(a, false))
}
