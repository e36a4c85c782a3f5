//! The Markdown report: Chinese-first, grouped by first-level area, lost points easy to see.

mod audit;
mod diff;
mod gap;
mod gap_batch;
mod rank;
mod table;
mod uncertainty;
mod whatif;

pub use self::audit::markdown as audit_markdown;
#[cfg(any(feature = "html", feature = "xlsx"))]
pub(crate) use self::audit::{
    corr as corr_text, findings as audit_findings, fixed, influence_note, kind_zh as removed_zh,
    largest_zh, pct as pct_text, points_pct, remove_one_order, title as audit_title, ALPHA_NOTE,
    ITEMS_NOTE, REMOVE_NOTE,
};
pub(crate) use self::audit::{flags_zh as audit_flags, no_alpha_zh};
pub use self::diff::diff_markdown;
pub(crate) use self::diff::{contribution_zh, kind_zh, rank_move, section_zh};
pub use self::gap::markdown as gap_markdown;
// What the composed gap document (`render::compose::gap`, in every build) takes from here.
pub(crate) use self::gap::{
    accounting_equation, accounting_rows, adjustment_fix_text, adjustment_points_text,
    inferred_sentence, kind_zh as step_kind_zh, supply_text,
};
#[cfg(any(feature = "html", feature = "docx", feature = "xlsx"))]
pub(crate) use self::gap::{
    adjustment_notes, adjustment_row, step_change, step_name, summary_lines, ACCOUNTING_TITLE,
    ADJUSTMENTS_HEAD, ADJUSTMENTS_TITLE, GAP_NOTE,
};
#[cfg(any(feature = "html", feature = "docx"))]
pub(crate) use self::gap::{changes_text, fix_text, plan_sentence};
pub use self::gap_batch::markdown as gap_summary_markdown;
pub(crate) use self::gap_batch::{entries_head, entry_rows, line_rows, SumCell, LINES_HEAD};
#[cfg(any(feature = "html", feature = "xlsx"))]
pub(crate) use self::gap_batch::{summary_title, SUMMARY_NOTE};
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

/// The title of a county's report (`# 郓城县（2018年）法治政府建设评分报告`), with a warning line when
/// the county's data are synthetic.
pub(crate) fn county_heading(c: &crate::report::CountyRef, what: &str) -> String {
    let year = c.year.map(|y| format!("（{y}年）")).unwrap_or_default();
    let mut s = format!("# {}{year}{what}\n\n", c.name);
    if c.kind.as_deref() == Some("synthetic") {
        s.push_str("> 注意：本县数据为合成数据，仅供测试。\n\n");
    }
    s
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
