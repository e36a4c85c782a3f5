//! A what-if comparison as a [`Document`]: the scenario, (in HTML) baseline against scenario
//! totals and the largest rank changes drawn, the points that changed (分值变化), the pass lines
//! (达标线), how stable the ranking is (Spearman, Kendall, level changes), every county's
//! baseline and scenario total, rank and level (各县对比) and the counties that moved most.

use crate::analyse::policy::whatif::{CountyChange, WhatIf};
use crate::render::document::{Block, Cell, Document, Kind, Table};
use crate::render::markdown::rank_move;
use crate::render::{svg, words};
use crate::types::IndicatorId;

/// The pass level's name; 否决 for a vetoed county (which reaches none), 未达到 otherwise.
fn level_name(w: &WhatIf, c: &CountyChange, id: &Option<IndicatorId>) -> String {
    if c.vetoed {
        return words::VETO.to_string();
    }
    id.as_ref()
        .and_then(|id| w.pass_lines.iter().find(|p| &p.id == id))
        .map_or_else(|| words::NOT_REACHED.to_string(), |p| p.name.clone())
}

/// The comparison `w`; with `charts`, the charts the HTML page draws.
pub fn document(w: &WhatIf, charts: bool) -> Document {
    let corr = |c: Option<f64>| c.map_or("—（无差异）".to_string(), |v| format!("{v:.4}"));
    let mut d = Document::default();
    d.heading(
        1,
        format!("权重情景分析：{}（{}）", w.scenario_name, w.scenario),
    );
    d.para(format!(
        "指标体系：{}　总分：{} → {}",
        w.ruleset, w.total_points.0, w.total_points.1
    ));
    if let Some(k) = w.adjust {
        d.para(format!(
            "总分折算 ×{}：各项加分、扣分、加分上限及情景未设定的达标线同比例折算。",
            crate::helpers::fmt_num(k)
        ));
    }
    if let Some(c) = w.bonus_cap {
        d.para(format!("加分上限（情景）：{c} 分。"));
    }
    if charts {
        charts_of(w, &mut d);
    }
    d.heading(2, "分值变化");
    let mut t = Table::new(
        Some("分值变化"),
        &[
            ("编号", Kind::Id),
            ("指标", Kind::Text),
            ("原分值", Kind::Points),
            ("新分值", Kind::Points),
            ("来源", Kind::Text),
        ],
    );
    let hidden = w.points.iter().filter(|p| p.level > 2 && !p.pinned).count();
    for p in w.points.iter().filter(|p| p.level <= 2 || p.pinned) {
        t.row(vec![
            p.id.to_string().into(),
            p.name.as_str().into(),
            p.before.into(),
            p.after.into(),
            if p.pinned {
                "情景设定"
            } else {
                "按比例调整"
            }
            .into(),
        ]);
    }
    d.table(t);
    if hidden > 0 {
        d.para(format!(
            "另有 {hidden} 个三级及以下指标随上级按比例调整（完整清单见 JSON 输出）。"
        ));
    }
    d.heading(2, "达标线");
    let mut t = Table::new(
        Some("达标线"),
        &[
            ("编号", Kind::Id),
            ("名称", Kind::Text),
            ("最低总分", Kind::Points),
            ("各一级指标最低得分率", Kind::Percent),
        ],
    );
    for p in &w.pass_lines {
        t.row(vec![
            p.id.to_string().into(),
            p.name.as_str().into(),
            p.min_total.into(),
            p.min_area_share.map_or(Cell::Text("—".into()), |x| {
                Cell::Text(format!("{}%", crate::helpers::fmt_num(x * 100.0)))
            }),
        ]);
    }
    d.table(t);
    d.heading(2, "排名稳定性");
    d.list(vec![
        format!("Spearman 秩相关：{}", corr(w.spearman)),
        format!("Kendall τ-b：{}", corr(w.kendall)),
        format!(
            "达标等级变化的县：{} / {}",
            w.level_changes,
            w.counties.len()
        ),
    ]);
    d.heading(2, "各县对比");
    // Without pass lines there is no level to show.
    let mut cols = vec![
        ("县", Kind::Id),
        ("名称", Kind::Text),
        ("原总分", Kind::Points),
        ("新总分", Kind::Points),
        ("差", Kind::Signed),
        ("原名次", Kind::Count),
        ("新名次", Kind::Count),
        ("名次变化", Kind::Signed),
    ];
    if !w.pass_lines.is_empty() {
        cols.extend([("原等级", Kind::Text), ("新等级", Kind::Text)]);
    }
    let mut t = Table::new(Some("县"), &cols);
    for c in &w.counties {
        let mut cells = vec![
            c.id.as_str().into(),
            c.name.as_str().into(),
            c.baseline_total.into(),
            c.scenario_total.into(),
            (c.scenario_total - c.baseline_total).into(),
            Cell::Count(i64::from(c.baseline_rank)),
            Cell::Count(i64::from(c.scenario_rank)),
            Cell::Count(c.rank_gain),
        ];
        if !w.pass_lines.is_empty() {
            cells.push(level_name(w, c, &c.baseline_level).into());
            cells.push(level_name(w, c, &c.scenario_level).into());
        }
        t.row(cells);
    }
    d.table(t);
    if w.counties.iter().any(|c| c.vetoed) {
        d.para("否决：一票否决的县在任何权重下都不达标，但仍按总分排名。");
    }
    let movers = w.movers(10);
    d.heading(2, "名次变化最大的县");
    if movers.is_empty() {
        d.para("没有县的名次发生变化。");
    } else {
        let mut t = Table::new(
            Some("名次变化"),
            &[
                ("县", Kind::Id),
                ("名称", Kind::Text),
                ("原名次", Kind::Count),
                ("新名次", Kind::Count),
                ("名次变化", Kind::Signed),
            ],
        );
        for c in movers {
            t.row(vec![
                c.id.as_str().into(),
                c.name.as_str().into(),
                Cell::Count(i64::from(c.baseline_rank)),
                Cell::Count(i64::from(c.scenario_rank)),
                Cell::Count(c.rank_gain),
            ]);
        }
        d.table(t);
    }
    d
}

/// Baseline against scenario totals (scatter) and the largest rank changes (bars).
fn charts_of(w: &WhatIf, d: &mut Document) {
    let pts: Vec<(f64, f64, bool)> = w
        .counties
        .iter()
        .map(|c| {
            (
                c.baseline_total.as_f64(),
                c.scenario_total.as_f64(),
                c.baseline_level != c.scenario_level,
            )
        })
        .collect();
    d.heading(2, "基准与情景对比");
    d.blocks.push(Block::Chart {
        svg: svg::scatter(
            "各县总分：基准与情景",
            &format!("{} 个县，每点一县", w.counties.len()),
            &pts,
            &format!("基准总分（满分 {}）", w.total_points.0),
            &format!("情景总分（满分 {}）", w.total_points.1),
        ),
        caption: "图：横轴为基准总分，纵轴为情景总分；方块为达标等级改变的县（数值见下表）".into(),
    });
    let movers = w.movers(20);
    if !movers.is_empty() {
        let rows: Vec<(String, f64, String)> = movers
            .iter()
            .map(|c| {
                (
                    c.name.clone(),
                    c.rank_gain as f64,
                    format!(
                        "{} → {}（{}）",
                        c.baseline_rank,
                        c.scenario_rank,
                        rank_move(c.rank_gain)
                    ),
                )
            })
            .collect();
        d.blocks.push(Block::Chart {
            svg: svg::signed_bars("名次变化最大的县", "向右：名次上升；向左：名次下降", &rows),
            caption: format!("图：名次变化最大的 {} 个县", rows.len()),
        });
    }
}
