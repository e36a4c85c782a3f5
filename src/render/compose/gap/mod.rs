//! The gap analyses of a batch as tables (the workbook's sheets and the CSV's sections): 差距
//! (each county's total and distance to every pass line), 失分构成 (every line of each county's
//! accounting, then its equation), 失分项 (items that lost points with why, the smallest fix and
//! the directions inferred), 扣分加分 (every penalty as charged, zeroing entry, bonus, the cap's
//! trim and veto that fired, with its points and fix), 缺数据 (items without data and what to
//! supply), 提升方案 (each plan's steps with their kind, cost and the total after each), and 汇总
//! (the batch summary, [`GapSummary`], when there are several counties).

use crate::analyse::gap::{GapAnalysis, GapSummary};
use crate::render::document::{Cell, Document, Kind, Table};
use crate::render::words::gap::{
    accounting_equation, accounting_rows, adjustment_fix_text, adjustment_points_text,
    inferred_sentence, kind_zh as step_kind_zh, supply_text,
};

pub mod county;
pub mod summary;
use crate::render::words;

/// The tables of `analyses` (county id and name lead every row), the summary last when there
/// are several counties.
pub fn document(analyses: &[GapAnalysis]) -> Document {
    let mut summary = Table::of_counties(
        "差距",
        &[
            ("总分", Kind::Points),
            ("满分", Kind::Points),
            ("达标线", Kind::Text),
            ("最低总分", Kind::Points),
            ("已达到", Kind::Text),
            ("还差", Kind::Points),
            (words::VETO_KIND, Kind::Text),
        ],
    );
    let mut account =
        Table::of_counties("失分构成", &[("项目", Kind::Text), ("分值", Kind::Points)]);
    let mut lost = Table::of_counties(
        "失分项",
        &super::item_columns(&[
            ("原因", Kind::Text),
            ("最小修正", Kind::Text),
            ("修正后得分", Kind::Points),
            ("推断方向", Kind::Text),
        ]),
    );
    let mut adjust = Table::of_counties(
        "扣分加分",
        &[
            ("项目编号", Kind::Id),
            ("项目", Kind::Text),
            ("类别", Kind::Text),
            ("计分", Kind::Points),
            ("计分说明", Kind::Text),
            ("说明", Kind::Text),
            ("改进目标（复算）", Kind::Text),
            ("推断方向", Kind::Text),
        ],
    );
    let mut nodata = Table::of_counties(
        "缺数据",
        &[
            ("指标编号", Kind::Id),
            ("指标", Kind::Text),
            ("分值", Kind::Points),
            ("缺少的字段", Kind::Text),
            ("佐证材料", Kind::Text),
            ("补充数据", Kind::Text),
            ("补充后得分", Kind::Points),
        ],
    );
    let mut plans = Table::of_counties(
        "提升方案",
        &[
            ("达标线", Kind::Text),
            ("步骤", Kind::Count),
            ("指标编号", Kind::Id),
            ("指标", Kind::Text),
            ("类别", Kind::Text),
            ("改动", Kind::Text),
            ("代价", Kind::Points),
            ("得分增加", Kind::Points),
            ("累计总分", Kind::Points),
        ],
    );
    for g in analyses {
        let id = || Cell::from(g.county.id.as_str());
        let name = || Cell::from(g.county.name.as_str());
        let veto = if g.vetoes.is_empty() {
            words::yes_no(false).to_string()
        } else {
            format!("{}：{}", words::yes_no(true), g.vetoes.join("、"))
        };
        for p in &g.pass_lines {
            summary.row(vec![
                id(),
                name(),
                g.total.into(),
                g.max.into(),
                p.name.as_str().into(),
                p.min_total.into(),
                words::pass_outcome(p.reached).into(),
                (p.min_total - g.total).at_least_zero().into(),
                veto.as_str().into(),
            ]);
        }
        if g.pass_lines.is_empty() {
            summary.row(vec![
                id(),
                name(),
                g.total.into(),
                g.max.into(),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                veto.as_str().into(),
            ]);
        }
        for i in &g.lost {
            lost.row(vec![
                id(),
                name(),
                i.id.to_string().into(),
                i.name.to_string().into(),
                i.max.into(),
                i.earned.into(),
                i.lost.into(),
                i.why.as_str().into(),
                i.fix.as_ref().map(|f| words::changes(&f.changes)).into(),
                i.fix.as_ref().map_or(Cell::Empty, |f| f.earned.into()),
                inferred_sentence(i.id.as_str(), &i.search).into(),
            ]);
        }
        for r in accounting_rows(g) {
            account.row(vec![id(), name(), r.label.into(), r.points.into()]);
        }
        account.row(vec![id(), name(), accounting_equation(g).into()]);
        for a in &g.adjustments {
            adjust.row(vec![
                id(),
                name(),
                a.id.to_string().into(),
                a.name.as_str().into(),
                a.kind.zh().into(),
                a.points.into(),
                adjustment_points_text(a).into(),
                a.why.as_str().into(),
                adjustment_fix_text(a).into(),
                inferred_sentence(a.id.as_str(), &a.search).into(),
            ]);
        }
        for i in &g.no_data {
            nodata.row(vec![
                id(),
                name(),
                i.id.to_string().into(),
                i.name.to_string().into(),
                i.at_stake.into(),
                i.missing
                    .iter()
                    .map(|m| format!("{}（{}）", m.desc, m.field))
                    .collect::<Vec<_>>()
                    .join("\n")
                    .into(),
                i.evidence.join("；").into(),
                i.supply.as_ref().map(|f| words::changes(&f.changes)).into(),
                i.supply.as_ref().map_or(Cell::Empty, |f| f.earned.into()),
            ]);
        }
        for p in &g.plans {
            for (k, step) in p.steps.iter().enumerate() {
                plans.row(vec![
                    id(),
                    name(),
                    p.name.as_str().into(),
                    Cell::Count(k as i64 + 1),
                    step.item.to_string().into(),
                    step.name.as_str().into(),
                    step_kind_zh(&step.kind).into(),
                    words::changes(&step.changes).into(),
                    Cell::Text(trim_cost(step.cost)),
                    step.gain.into(),
                    step.total_after.into(),
                ]);
            }
        }
    }
    let mut d = Document::default();
    for t in [summary, account, lost, adjust, nodata, plans] {
        d.table(t);
    }
    if analyses.len() > 1 {
        for t in summary_tables(&GapSummary::new(analyses)) {
            d.table(t);
        }
    }
    d
}

/// 无数据指标: each item without data, the points at stake, the figures missing, the 佐证材料 it
/// needs and what supplying the data at the rule's target values earns (rescored).
pub fn no_data_table(g: &GapAnalysis) -> Table {
    let mut t = Table::new(
        None,
        &[
            ("编号", Kind::Id),
            ("指标", Kind::Text),
            ("涉及分值", Kind::Points),
            ("缺少数据", Kind::Text),
            ("需提供佐证材料", Kind::Text),
            ("按目标值补充（复算）", Kind::Text),
        ],
    );
    for i in &g.no_data {
        let missing: Vec<String> = i
            .missing
            .iter()
            .map(|m| {
                if m.desc.is_empty() {
                    m.field.to_string()
                } else {
                    m.desc.clone()
                }
            })
            .collect();
        t.row(vec![
            i.id.to_string().into(),
            i.name.to_string().into(),
            i.at_stake.into(),
            missing.join("、").into(),
            if i.evidence.is_empty() {
                "—".to_string()
            } else {
                i.evidence.join("、")
            }
            .into(),
            supply_text(i.supply.as_ref()).into(),
        ]);
    }
    t
}

/// A plan step's cost as written (`1`, `2.5`).
fn trim_cost(c: f64) -> String {
    let s = format!("{c:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The summary of several counties' gap analyses (sheet 汇总): every entry, then the pass
/// lines.
fn summary_tables(s: &GapSummary) -> Vec<Table> {
    let mut out = vec![summary::entries(s)];
    out.extend(summary::lines(s));
    out
}
