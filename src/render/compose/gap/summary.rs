//! The batch summary of many counties' gap analyses ([`GapSummary`]) as a [`Document`]: 各达标线
//! (how many counties reach each pass line, how many plans would, how many fall short) and
//! 各项失分与方案 (every entry: the counties that lose points on it, the points lost, the plans
//! that change it). Its tables are also the workbook's sheet 汇总.

use crate::analyse::gap::GapSummary;
use crate::render::document::{Cell, Document, Kind, Table};
use crate::render::words::gap::kind_zh;

/// What the columns mean.
const SUMMARY_NOTE: &str = "说明：失分县数为在该项失分的县数（指标有数据失分或无数据；扣分已扣；清零成立；加分未达其上限；一票否决已触发）；\
失分合计为各县在该项失去的分数之和（指标为失分与无数据分值，扣分为实扣分数，清零为被清零的分数，加分为距其上限的分数，一票否决不计分数）；\
方案经过为达到该达标线的最小代价方案中改动该项的县数。";

/// The summary of `s` as a document of the batch (no county), to follow the counties' reports.
pub fn document(s: &GapSummary) -> Document {
    let mut d = Document::default();
    d.heading(1, format!("汇总（{} 个县）", s.counties));
    if let Some(t) = lines(s) {
        d.heading(2, "各达标线");
        d.table(t);
    }
    d.heading(2, "各项失分与方案");
    if s.entries.is_empty() {
        d.para("各县均未失分。");
    } else {
        d.table(entries(s));
    }
    d.note(SUMMARY_NOTE);
    d
}

/// 各达标线: one row per pass line; `None` when the rule set has none.
pub(crate) fn lines(s: &GapSummary) -> Option<Table> {
    if s.pass_lines.is_empty() {
        return None;
    }
    let mut t = Table::new(
        Some("汇总"),
        &[
            ("达标线", Kind::Text),
            ("最低总分", Kind::Points),
            ("已达到", Kind::Count),
            ("方案可达到", Kind::Count),
            ("方案仍达不到", Kind::Count),
        ],
    );
    let n = |x: usize| Cell::Count(x as i64);
    for p in &s.pass_lines {
        t.row(vec![
            p.name.as_str().into(),
            p.min_total.into(),
            n(p.reached),
            n(p.plans_reaching),
            n(p.plans_short),
        ]);
    }
    Some(t)
}

/// 各项失分与方案: one row per entry, in the summary's order, with one `方案经过：合格` column
/// per pass line.
pub(crate) fn entries(s: &GapSummary) -> Table {
    let heads: Vec<String> = s
        .pass_lines
        .iter()
        .map(|p| format!("方案经过：{}", p.name))
        .collect();
    let mut cols = vec![
        ("编号", Kind::Id),
        ("名称", Kind::Text),
        ("类别", Kind::Text),
        ("失分县数", Kind::Count),
        ("其中无数据", Kind::Count),
        ("失分合计", Kind::Points),
    ];
    cols.extend(heads.iter().map(|h| (h.as_str(), Kind::Count)));
    let mut t = Table::new(Some("汇总"), &cols);
    let n = |x: usize| Cell::Count(x as i64);
    for e in &s.entries {
        let mut row = vec![
            e.id.to_string().into(),
            e.name.as_str().into(),
            kind_zh(e.kind.as_str()).into(),
            n(e.counties),
            n(e.no_data),
            e.points.into(),
        ];
        row.extend(e.in_plans.iter().map(|x| n(*x)));
        t.row(row);
    }
    t
}
