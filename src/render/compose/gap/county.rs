//! One county's gap analysis as a [`Document`], the one source of its Markdown, HTML and the gap
//! half of its Word report: title and provenance, 摘要, 失分构成 (with its equation), 距达标线,
//! each 达线方案 with its steps, 各领域失分, the lost items per first-level area with their
//! improvement targets and notes, 扣分、清零、加分与一票否决, the items without data, the
//! comparison with peers, and the closing note on how the figures were found.
//!
//! Each section is a function of its own, so that the Word evaluation report (composed in
//! `compose/evaluation.rs`) takes the same tables with the same words.

use crate::analyse::gap::{GapAnalysis, LostItem, PeerArea};
use crate::render::document::{Block, Cell, Document, Kind, Span, Table};
use crate::render::svg::{HBar, PassMark};
use crate::render::words::gap::{
    accounting_equation, accounting_rows, adjustment_fix_text, adjustment_notes,
    adjustment_points_text, alternative_sentence, fix_text, inferred_sentence, plan_sentence,
    rule_sentence, step_change, step_name, summary_lines, ACCOUNTING_TITLE, ADJUSTMENTS_TITLE,
    GAP_NOTE,
};
use crate::render::{area_heading, short_inputs, words};

use super::super::{points_cells, points_columns};
use crate::types::Points;

/// The gap analysis `g` as a document; with `charts`, the charts the HTML page draws (the
/// distance to each pass line, each area earned against its maximum and the peers' median, the
/// items that lost most), whose figures are in the tables of every format.
pub fn document(g: &GapAnalysis, charts: bool) -> Document {
    let mut d = Document::new(&g.county.id, &g.county.name);
    super::super::county_title(&mut d, &g.county, "法治政府建设差距分析");
    let code = |s: &str| Span::Code(s.to_string());
    let text = |s: String| Span::Text(s);
    d.blocks.push(Block::List(vec![
        vec![
            text(format!("规则集：{}（", g.ruleset.title)),
            code(&g.ruleset.id),
            text(format!(" 版本 {}，哈希 ", g.ruleset.version)),
            code(&g.ruleset.hash),
            text("）".into()),
        ],
        vec![
            text("数据哈希：".into()),
            code(&g.county.data_hash),
            text("（县 id ".into()),
            code(&g.county.id),
            text("）".into()),
        ],
        vec![text(format!(
            "引擎：{} {}",
            g.engine.name, g.engine.version
        ))],
    ]));

    d.heading(2, "摘要");
    let mut lines = vec![vec![
        text("当前总分 ".into()),
        Span::Strong(g.total.to_string()),
        text(format!(" / {}。", g.max)),
    ]];
    lines.extend(summary_lines(g).into_iter().skip(1).map(|l| vec![text(l)]));
    d.blocks.push(Block::List(lines));
    if charts {
        d.blocks.extend(gauge(g));
    }

    accounting(&mut d, g, 2);
    if let Some(t) = pass_lines(g) {
        d.heading(2, "距达标线");
        d.table(t);
    }
    for p in &g.plans {
        d.heading(2, format!("达线方案：{}", p.name));
        d.para(plan_sentence(p));
        if let Some(t) = plan_steps(p) {
            d.table(t);
        }
    }

    d.heading(2, "各领域失分");
    if charts {
        d.blocks.push(areas_chart(g));
    }
    d.table(areas(g));
    if charts {
        let items: Vec<(String, Points, Points)> = g
            .lost
            .iter()
            .map(|i| (format!("{} {}", i.id, i.name), i.lost, i.max))
            .collect();
        d.blocks.extend(super::super::score::lost_chart(&items));
    }

    d.heading(2, "失分指标与改进目标");
    if g.lost.is_empty() {
        d.para("有数据的指标均得满分。");
    }
    for a in &g.areas {
        let items: Vec<&LostItem> = g.lost.iter().filter(|i| i.area == a.id).collect();
        if items.is_empty() {
            continue;
        }
        d.heading(3, area_heading(a.id.as_str(), &a.name));
        d.table(lost_items(&items));
        d.list(items.iter().flat_map(|i| lost_notes(i)).collect());
    }

    adjustments(&mut d, g, 2);

    d.heading(2, "无数据指标（需补充佐证材料）");
    if g.no_data.is_empty() {
        d.para("所有指标都有数据。");
    } else {
        d.table(super::no_data_table(g));
    }

    peers(&mut d, g, 2);
    d.note(GAP_NOTE);
    d
}

/// The distance to each pass line as a chart.
fn gauge(g: &GapAnalysis) -> Option<Block> {
    let lines: Vec<PassMark> = g
        .pass_lines
        .iter()
        .map(|p| PassMark {
            name: p.name.clone(),
            min_total: p.min_total.as_f64(),
            reached: p.reached,
        })
        .collect();
    super::super::score::gauge(g.total, g.max, &lines)
}

/// Each area earned against its maximum (and the peers' median) as a chart.
fn areas_chart(g: &GapAnalysis) -> Block {
    let median = |id: &crate::types::IndicatorId| {
        g.peers
            .as_ref()
            .and_then(|p| p.areas.iter().find(|a| &a.id == id))
            .and_then(|a| a.median)
    };
    let rows = g
        .areas
        .iter()
        .map(|a| {
            let m = median(&a.id);
            HBar {
                label: format!("{} {}", a.id, a.name),
                values: vec![a.earned.as_f64()],
                max: Some(a.max.as_f64()),
                marker: m.map(|m| m.as_f64()),
                text: match m {
                    Some(m) => format!("{} / {}（中位 {m}）", a.earned, a.max),
                    None => format!("{} / {}", a.earned, a.max),
                },
            }
        })
        .collect();
    super::super::score::areas_chart(rows, g.peers.as_ref().is_some_and(|p| !p.peers.is_empty()))
}

/// 失分构成 (a heading of `level`): where the points between the total and the maximum went, line by line, then the
/// equation.
pub(crate) fn accounting(d: &mut Document, g: &GapAnalysis, level: u8) {
    d.heading(level, ACCOUNTING_TITLE);
    let mut t = Table::new(None, &[("项目", Kind::Text), ("分值", Kind::Points)]);
    for r in accounting_rows(g) {
        let text = r.text();
        t.row(vec![r.label.into(), text.into()]);
    }
    d.table(t);
    d.para(accounting_equation(g));
}

/// 距达标线: each pass line, its minimum, the distance, the areas short of their share, the
/// outcome; `None` when the rule set has no pass line.
pub(crate) fn pass_lines(g: &GapAnalysis) -> Option<Table> {
    if g.pass_lines.is_empty() {
        return None;
    }
    let mut t = Table::new(
        None,
        &[
            ("达标线", Kind::Text),
            ("最低总分", Kind::Points),
            ("当前总分", Kind::Points),
            ("总分差距", Kind::Points),
            ("领域得分率要求", Kind::Percent),
            ("未达要求的领域", Kind::Text),
            ("结论", Kind::Text),
        ],
    );
    for p in &g.pass_lines {
        let areas: Vec<String> = p
            .areas_short
            .iter()
            .map(|a| format!("{} 得{}，需{}", a.id, a.earned, a.needed))
            .collect();
        t.row(vec![
            p.name.as_str().into(),
            p.min_total.into(),
            g.total.into(),
            p.shortfall.into(),
            p.min_area_share
                .map_or("—".to_string(), |x| {
                    format!("{}%", Points::from_f64(x * 100.0))
                })
                .into(),
            if areas.is_empty() {
                "—".to_string()
            } else {
                areas.join("；")
            }
            .into(),
            if p.reached {
                format!("✓ {}", words::REACHED)
            } else if p.blocked_by_veto {
                format!("✗ {}", words::VETO_KIND)
            } else {
                format!("✗ {}", words::NOT_REACHED)
            }
            .into(),
        ]);
    }
    Some(t)
}

/// A plan's steps: each change with its cost, its gain and the total after it; `None` when the
/// plan has no step.
pub(crate) fn plan_steps(p: &crate::analyse::gap::Plan) -> Option<Table> {
    if p.steps.is_empty() {
        return None;
    }
    let mut t = Table::new(
        None,
        &[
            ("步骤", Kind::Count),
            ("编号", Kind::Id),
            ("指标", Kind::Text),
            ("改动", Kind::Text),
            ("代价", Kind::Count),
            ("增分", Kind::Signed),
            ("累计总分", Kind::Points),
        ],
    );
    for (i, x) in p.steps.iter().enumerate() {
        t.row(vec![
            Cell::Count(i as i64 + 1),
            x.item.to_string().into(),
            step_name(x).into(),
            step_change(x).into(),
            Cell::Number(x.cost),
            x.gain.into(),
            x.total_after.into(),
        ]);
    }
    Some(t)
}

/// 各领域失分: each first-level area's points, the points lost, the items lost and without data.
fn areas(g: &GapAnalysis) -> Table {
    let mut t = Table::new(
        None,
        &points_columns(
            "一级指标",
            &[
                ("失分项", Kind::Count),
                ("无数据项", Kind::Count),
                ("无数据分值", Kind::Points),
            ],
        ),
    );
    for a in &g.areas {
        let mut row = points_cells(a.id.as_str(), &a.name, a.earned, a.max, a.lost);
        row.extend([
            Cell::Count(a.items_lost as i64),
            Cell::Count(a.items_no_data as i64),
            a.no_data_points.into(),
        ]);
        t.row(row);
    }
    t
}

/// The items that lost points (of one area, or all): points, the data they read, why, and the
/// smallest change that wins the points back (rescored).
pub(crate) fn lost_items(items: &[&LostItem]) -> Table {
    let mut t = Table::new(
        None,
        &points_columns(
            "指标",
            &[
                ("现有数据", Kind::Text),
                ("失分原因", Kind::Text),
                ("改进目标（复算）", Kind::Text),
            ],
        ),
    );
    for i in items {
        let mut row = points_cells(i.id.as_str(), &i.name, i.earned, i.max, i.lost);
        row.extend([
            short_inputs(&i.inputs).join("，").into(),
            i.why.as_str().into(),
            fix_text(i).into(),
        ]);
        t.row(row);
    }
    t
}

/// The notes under a lost item: its 评分细则, the directions inferred (推断), the other ways to
/// win its points back.
pub(crate) fn lost_notes(i: &LostItem) -> Vec<String> {
    let mut out = Vec::new();
    out.extend(
        i.rule_text
            .as_deref()
            .map(|r| rule_sentence(i.id.as_str(), r)),
    );
    out.extend(inferred_sentence(i.id.as_str(), &i.search));
    out.extend(
        i.alternatives
            .iter()
            .map(|alt| alternative_sentence(i.id.as_str(), alt)),
    );
    out
}

/// 扣分、清零、加分与一票否决 (a heading of `level`): each entry as charged or earned, why, and what wins its points back,
/// then each entry's notes. Nothing when there is none.
pub(crate) fn adjustments(d: &mut Document, g: &GapAnalysis, level: u8) {
    if g.adjustments.is_empty() {
        return;
    }
    d.heading(level, ADJUSTMENTS_TITLE);
    let mut t = Table::new(
        None,
        &[
            ("编号", Kind::Id),
            ("名称", Kind::Text),
            ("类别", Kind::Text),
            ("计分", Kind::Points),
            ("说明", Kind::Text),
            ("改进目标（复算）", Kind::Text),
        ],
    );
    for a in &g.adjustments {
        t.row(vec![
            a.id.to_string().into(),
            a.name.as_str().into(),
            a.kind.zh().into(),
            adjustment_points_text(a).into(),
            a.why.as_str().into(),
            adjustment_fix_text(a).into(),
        ]);
    }
    d.table(t);
    d.list(g.adjustments.iter().flat_map(adjustment_notes).collect());
}

/// 与同组比较 (a heading of `level`): each area (and the total) against the peers' quartiles, then the items below the
/// peers' median, then the peers' names. Nothing without peers.
pub(crate) fn peers(d: &mut Document, g: &GapAnalysis, level: u8) {
    let Some(p) = &g.peers else { return };
    d.heading(level, format!("与同组比较（{} 个县）", p.peers.len()));
    if p.peers.is_empty() {
        d.para("同组中没有其他县，无法比较。");
        return;
    }
    let mut t = peer_table("一级指标");
    for a in &p.areas {
        t.row(peer_row(a));
    }
    let opt = |x: Option<Points>| x.map_or(Cell::Text("—".into()), Cell::Points);
    t.row(vec![
        Cell::Empty,
        "总分".into(),
        p.total.into(),
        Cell::Empty,
        opt(p.total_median),
        Cell::Empty,
        Cell::Empty,
        p.total_median
            .map_or(Cell::Text("—".into()), |m| Cell::Points(p.total - m)),
        Cell::Empty,
    ]);
    d.table(t);
    let below: Vec<&PeerArea> = p.items.iter().filter(|i| i.below).collect();
    if !below.is_empty() {
        d.para("低于同组中位数的指标（末级）：");
        let mut t = peer_table("指标");
        for i in below {
            t.row(peer_row(i));
        }
        d.table(t);
    }
    d.para(format!("同组：{}", p.peers.join("、")));
}

/// The columns of a comparison with peers, `what` naming the second.
fn peer_table(what: &str) -> Table {
    Table::new(
        None,
        &[
            ("编号", Kind::Id),
            (what, Kind::Text),
            ("本县", Kind::Points),
            ("下四分位", Kind::Points),
            ("同组中位数", Kind::Points),
            ("上四分位", Kind::Points),
            ("本县百分位", Kind::Count),
            ("差距", Kind::Signed),
            ("比较", Kind::Text),
        ],
    )
}

/// One area's (or item's) row of a comparison with peers.
fn peer_row(a: &PeerArea) -> Vec<Cell> {
    let opt = |x: Option<Points>| x.map_or(Cell::Text("—".into()), Cell::Points);
    vec![
        a.id.to_string().into(),
        a.name.as_str().into(),
        a.earned.into(),
        opt(a.q1),
        opt(a.median),
        opt(a.q3),
        a.percentile.map_or(Cell::Text("—".into()), Cell::Number),
        opt(a.diff),
        if a.below {
            "低于中位数"
        } else {
            "不低于"
        }
        .into(),
    ]
}
