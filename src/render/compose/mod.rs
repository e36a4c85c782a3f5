//! Each analysis composed once into a [`crate::render::document::Document`]: the content and
//! the words of every human-readable format. The writers ([`crate::render::write`]) only write
//! documents out.
//!
//! | analysis | composed by | formats written from it |
//! |---|---|---|
//! | score | [`score::document`], [`score::batch_tables`] | Markdown, HTML, workbook (Word: the entries table) |
//! | gap | [`gap::county::document`] (one county), [`gap::document`] (the batch's sheets) | Markdown, HTML, Word (with score: `evaluation::document`); CSV, workbook |
//! | rank | [`rank::document`] | Markdown, HTML, workbook |
//! | diff | [`diff::documents`] | Markdown, HTML, workbook |
//! | uncertainty | [`uncertainty::document`] | Markdown, HTML |
//! | whatif | [`whatif::document`] | Markdown, HTML (the workbook keeps every node's points) |

pub mod audit;
pub mod diff;
#[cfg(feature = "docx")]
pub mod evaluation;
pub mod gap;
pub mod items;
pub mod rank;
pub mod score;
pub mod uncertainty;
pub mod whatif;

use crate::render::document::{Cell, Document, Kind};

/// The columns that name an item and its points in the tables of a batch: 指标编号, 指标, 满分,
/// 得分, 失分.
pub(crate) const ITEM_POINTS: [(&str, Kind); 5] = [
    ("指标编号", Kind::Id),
    ("指标", Kind::Text),
    ("满分", Kind::Points),
    ("得分", Kind::Points),
    ("失分", Kind::Points),
];

/// `ITEM_POINTS` then `more`.
pub(crate) fn item_columns<'a>(more: &[(&'a str, Kind)]) -> Vec<(&'a str, Kind)> {
    let mut v = ITEM_POINTS.to_vec();
    v.extend_from_slice(more);
    v
}
/// The columns that lead a table of areas or items with their points: 编号, `name`, 得分, 满分,
/// 失分 (as a deduction), then `more`. Their cells are [`points_cells`].
pub(crate) fn points_columns<'a>(name: &'a str, more: &[(&'a str, Kind)]) -> Vec<(&'a str, Kind)> {
    let mut v = vec![
        ("编号", Kind::Id),
        (name, Kind::Text),
        ("得分", Kind::Points),
        ("满分", Kind::Points),
        ("失分", Kind::Lost),
    ];
    v.extend_from_slice(more);
    v
}

/// The cells of [`points_columns`]: the id, the name, the points earned, the maximum and the
/// points lost (strong when any).
pub(crate) fn points_cells(
    id: &str,
    name: &str,
    earned: crate::types::Points,
    max: crate::types::Points,
    lost: crate::types::Points,
) -> Vec<Cell> {
    vec![
        id.into(),
        name.into(),
        earned.into(),
        max.into(),
        Cell::lost(lost),
    ]
}
use crate::report::CountyRef;

/// A county's title (`郓城县（2018年）法治政府建设评分报告`), with a note when its data are
/// synthetic.
pub(crate) fn county_title(d: &mut Document, c: &CountyRef, what: &str) {
    let year = c.year.map(|y| format!("（{y}年）")).unwrap_or_default();
    d.heading(1, format!("{}{year}{what}", c.name));
    if c.kind.as_deref() == Some("synthetic") {
        d.note("注意：本县数据为合成数据，仅供测试。");
    }
}
