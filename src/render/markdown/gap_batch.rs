//! The batch summary of many counties' gap analyses ([`GapSummary`]): its tables as typed rows
//! that every format writes (Markdown here, HTML and the workbook's sheet 汇总), and its
//! Markdown section.

use crate::analyse::gap::{EntryKind, GapSummary};
use crate::render::Table;
use crate::types::Points;

/// A cell of a summary table: text, a count of counties, or points.
pub(crate) enum SumCell {
    /// Text.
    Text(String),
    /// A count (of counties).
    Count(usize),
    /// Points.
    Points(Points),
}

impl SumCell {
    /// The cell as text.
    pub(crate) fn text(&self) -> String {
        match self {
            SumCell::Text(t) => t.clone(),
            SumCell::Count(n) => n.to_string(),
            SumCell::Points(p) => p.to_string(),
        }
    }

    /// Whether the cell is a number.
    pub(crate) fn numeric(&self) -> bool {
        !matches!(self, SumCell::Text(_))
    }
}

/// The section's title: `汇总（3 个县）`.
pub(crate) fn summary_title(s: &GapSummary) -> String {
    format!("汇总（{} 个县）", s.counties)
}

/// The Chinese term of an entry's kind.
pub(crate) fn entry_kind_zh(k: EntryKind) -> &'static str {
    super::gap::kind_zh(k.as_str())
}

/// The header of the pass-line table.
pub(crate) const LINES_HEAD: [&str; 5] =
    ["达标线", "最低总分", "已达到", "方案可达到", "方案仍达不到"];

/// One row per pass line: how many counties reach it, how many plans would, how many fall short.
pub(crate) fn line_rows(s: &GapSummary) -> Vec<Vec<SumCell>> {
    s.pass_lines
        .iter()
        .map(|p| {
            vec![
                SumCell::Text(p.name.clone()),
                SumCell::Points(p.min_total),
                SumCell::Count(p.reached),
                SumCell::Count(p.plans_reaching),
                SumCell::Count(p.plans_short),
            ]
        })
        .collect()
}

/// The header of the entry table: one `方案经过：合格` column per pass line.
pub(crate) fn entries_head(s: &GapSummary) -> Vec<String> {
    let mut h: Vec<String> = ["编号", "名称", "类别", "失分县数", "其中无数据", "失分合计"]
        .into_iter()
        .map(String::from)
        .collect();
    h.extend(s.pass_lines.iter().map(|p| format!("方案经过：{}", p.name)));
    h
}

/// One row per entry, in the summary's order.
pub(crate) fn entry_rows(s: &GapSummary) -> Vec<Vec<SumCell>> {
    s.entries
        .iter()
        .map(|e| {
            let mut row = vec![
                SumCell::Text(e.id.to_string()),
                SumCell::Text(e.name.clone()),
                SumCell::Text(entry_kind_zh(e.kind).into()),
                SumCell::Count(e.counties),
                SumCell::Count(e.no_data),
                SumCell::Points(e.points),
            ];
            row.extend(e.in_plans.iter().map(|n| SumCell::Count(*n)));
            row
        })
        .collect()
}

/// What the columns mean.
pub(crate) const SUMMARY_NOTE: &str = "说明：失分县数为在该项失分的县数（指标有数据失分或无数据；扣分已扣；清零成立；加分未达其上限；一票否决已触发）；\
失分合计为各县在该项失去的分数之和（指标为失分与无数据分值，扣分为实扣分数，清零为被清零的分数，加分为距其上限的分数，一票否决不计分数）；\
方案经过为达到该达标线的最小代价方案中改动该项的县数。";

fn table(head: &[String], rows: Vec<Vec<SumCell>>) -> String {
    let numeric: Vec<bool> = match rows.first() {
        Some(r) => r.iter().map(SumCell::numeric).collect(),
        None => vec![false; head.len()],
    };
    let head: Vec<&str> = head.iter().map(String::as_str).collect();
    let mut t = Table::new(&head, &numeric);
    for r in rows {
        t.row(r.iter().map(SumCell::text).collect());
    }
    t.render()
}

/// The Markdown section of the batch summary, to follow the counties' reports.
pub fn markdown(s: &GapSummary) -> String {
    let mut out = format!("# {}\n\n", summary_title(s));
    if !s.pass_lines.is_empty() {
        out.push_str("## 各达标线\n\n");
        let head: Vec<String> = LINES_HEAD.iter().map(|h| h.to_string()).collect();
        out.push_str(&table(&head, line_rows(s)));
        out.push('\n');
    }
    out.push_str("## 各项失分与方案\n\n");
    if s.entries.is_empty() {
        out.push_str("各县均未失分。\n\n");
    } else {
        out.push_str(&table(&entries_head(s), entry_rows(s)));
        out.push('\n');
    }
    out.push_str(SUMMARY_NOTE);
    out.push('\n');
    out
}
