//! The audit of an indicator system as a [`Document`], the one source of its Markdown, HTML and
//! workbook: 摘要 (the findings), 三级指标 (every item's statistics and flags), 一级指标 (points,
//! mean, Cronbach α or why there is none, correlation with the total) and its correlation matrix,
//! 逐一剔除 (rank shifts without each area and item) and 实际影响与名义权重 (declared share,
//! first-order effect, normalised effect, departure), each with its method note.

use crate::analyse::policy::audit::Audit;
use crate::render::document::{Block, Cell, Document, Kind, Table};
use crate::render::svg::{self, HBar, HBarChart};
use crate::render::words::audit::{
    findings, flags_zh as audit_flags, influence_note, kind_zh, largest_zh, no_alpha_zh, pct,
    remove_one_order, title, ALPHA_NOTE, ITEMS_NOTE, REMOVE_NOTE,
};

/// The audit `a` as a document; with `charts`, the charts the HTML page draws (real influence
/// beside declared share, the correlation matrix as a heat map), whose figures are in the tables.
pub fn document(a: &Audit, charts: bool) -> Document {
    let mut d = Document::default();
    d.heading(1, title(a));
    d.heading(2, "摘要");
    d.list(findings(a));
    d.heading(2, "三级指标");
    d.table(items_table(a));
    d.note(ITEMS_NOTE);
    d.heading(2, "一级指标");
    d.table(areas_table(a));
    d.note(ALPHA_NOTE);
    d.heading(3, "一级指标相关矩阵");
    if charts {
        let labels: Vec<String> = a
            .areas
            .iter()
            .map(|x| format!("{} {}", x.id, x.name))
            .collect();
        d.blocks.push(Block::Chart {
            svg: svg::heatmap(
                "一级指标得分的相关矩阵（Pearson）",
                &format!("{} 个县；蓝为负相关，红为正相关，灰为无定义", a.counties),
                &labels,
                &a.area_correlations,
            ),
            caption: "图：一级指标两两相关系数（数值写在格中，也见下表）".into(),
        });
    }
    d.table(matrix_table(a));
    if a.area_correlations.iter().flatten().any(Option::is_none) {
        d.note("—：无定义（该一级指标所有县得分相同）。");
    }
    d.heading(2, "逐一剔除");
    d.table(remove_one_table(a));
    d.note(format!("{REMOVE_NOTE}三级指标按平均名次变动从大到小排列。"));
    d.heading(2, "实际影响与名义权重");
    if charts {
        d.blocks.push(influence_chart(a));
    }
    d.table(influence_table(a));
    d.note(influence_note(a));
    if a.influence.iter().any(|i| i.first_order.is_none()) {
        d.note("—：总分在各县间无差异，一阶效应无定义。");
    }
    d
}

/// Real influence beside declared share, per area, as bars.
fn influence_chart(a: &Audit) -> Block {
    let rows: Vec<HBar> = a
        .influence
        .iter()
        .map(|i| HBar {
            label: format!("{} {}", i.id, i.name),
            values: vec![i.declared_share, i.effect.unwrap_or(0.0)],
            max: None,
            marker: None,
            text: format!(
                "占比 {}，影响 {}",
                pct(i.declared_share),
                i.effect.map_or("—".into(), pct)
            ),
        })
        .collect();
    Block::Chart {
        svg: svg::hbars(&HBarChart {
            title: "各一级指标：名义权重与实际影响",
            note: "名义权重：分值占总分比例；实际影响：归一化的一阶效应",
            series: &["名义权重", "实际影响"],
            marker: None,
            track: None,
            rows: &rows,
        }),
        caption: "图：各一级指标的分值占比与其对总分的实际影响（数值见下表）".into(),
    }
}

/// 逐一剔除: the mean and largest rank shift without each area (in rule-set order) and each item
/// (largest mean shift first), and the county that moves most.
pub fn remove_one_table(a: &Audit) -> Table {
    let mut t = Table::new(
        Some("逐一剔除"),
        &[
            ("类型", Kind::Text),
            ("编号", Kind::Id),
            ("名称", Kind::Text),
            ("平均名次变动", Kind::Count),
            ("最大名次变动", Kind::Count),
            ("变动最大的县", Kind::Text),
        ],
    );
    for r in remove_one_order(a) {
        t.row(vec![
            kind_zh(r.kind).into(),
            r.id.to_string().into(),
            r.name.as_str().into(),
            Cell::Fixed(r.mean_abs_rank_shift, 2),
            Cell::Count(i64::from(r.max_abs_rank_shift)),
            largest_zh(r).into(),
        ]);
    }
    t
}

/// 实际影响: each area's declared share, first-order effect S, normalised effect and its
/// departure from the declared share (— where the total does not vary).
pub fn influence_table(a: &Audit) -> Table {
    let mut t = Table::new(
        Some("实际影响"),
        &[
            ("编号", Kind::Id),
            ("一级指标", Kind::Text),
            ("名义权重（分值占比）", Kind::Percent),
            ("一阶效应 S", Kind::Count),
            ("实际影响（归一化）", Kind::Percent),
            ("偏离（百分点）", Kind::Signed),
        ],
    );
    for i in &a.influence {
        t.row(vec![
            i.id.to_string().into(),
            i.name.as_str().into(),
            Cell::Percent(i.declared_share * 100.0),
            i.first_order.map_or(Cell::Undefined, |x| Cell::Fixed(x, 3)),
            i.effect
                .map_or(Cell::Undefined, |x| Cell::Percent(x * 100.0)),
            i.departure
                .map_or(Cell::Undefined, |x| Cell::Fixed(x * 100.0, 1)),
        ]);
    }
    t
}

/// 三级指标: every item's points, mean, shares of counties at full and zero points and at the
/// most common score, correlations with its area and the total, and its flags.
pub fn items_table(a: &Audit) -> Table {
    let mut t = Table::new(
        Some("三级指标"),
        &[
            ("编号", Kind::Id),
            ("指标", Kind::Text),
            ("一级指标", Kind::Id),
            ("分值", Kind::Points),
            ("平均得分", Kind::Count),
            ("满分县占比", Kind::Percent),
            ("零分县占比", Kind::Percent),
            ("众数占比", Kind::Percent),
            ("与一级指标相关", Kind::Count),
            ("与总分相关", Kind::Count),
            ("标记", Kind::Text),
        ],
    );
    let corr = |v: Option<f64>| v.map_or(Cell::Undefined, |x| Cell::Fixed(x, 3));
    for i in &a.items {
        t.row(vec![
            i.id.to_string().into(),
            i.name.as_str().into(),
            i.area.to_string().into(),
            i.max.into(),
            Cell::Fixed(i.mean, 2),
            Cell::Percent(i.share_full * 100.0),
            Cell::Percent(i.share_zero * 100.0),
            Cell::Percent(i.modal_share * 100.0),
            corr(i.corr_with_area),
            corr(i.corr_with_total),
            audit_flags(i).into(),
        ]);
    }
    t
}

/// 一级指标: every area's points, number of items, mean, Cronbach α (— with the reason when
/// there is none) and correlation with the total.
pub fn areas_table(a: &Audit) -> Table {
    let mut t = Table::new(
        Some("一级指标"),
        &[
            ("编号", Kind::Id),
            ("一级指标", Kind::Text),
            ("分值", Kind::Points),
            ("三级指标数", Kind::Count),
            ("平均得分", Kind::Count),
            ("Cronbach α", Kind::Count),
            ("无 α 的原因", Kind::Text),
            ("与总分相关", Kind::Count),
        ],
    );
    let stat = |v: Option<f64>| v.map_or(Cell::Undefined, |x| Cell::Fixed(x, 3));
    for ar in &a.areas {
        t.row(vec![
            ar.id.to_string().into(),
            ar.name.as_str().into(),
            ar.points.into(),
            Cell::Count(ar.items as i64),
            Cell::Fixed(ar.mean, 2),
            stat(ar.cronbach_alpha),
            no_alpha_zh(ar.no_alpha).into(),
            stat(ar.corr_with_total),
        ]);
    }
    t
}

/// 相关矩阵: the first-level areas' pairwise correlations (— where an area's points do not vary).
pub fn matrix_table(a: &Audit) -> Table {
    let ids: Vec<String> = a.areas.iter().map(|x| x.id.to_string()).collect();
    let mut cols: Vec<(&str, Kind)> = vec![("一级指标", Kind::Text)];
    cols.extend(ids.iter().map(|i| (i.as_str(), Kind::Count)));
    let mut t = Table::new(Some("相关矩阵"), &cols);
    for (ar, row) in a.areas.iter().zip(&a.area_correlations) {
        let mut cells = vec![Cell::Text(format!("{} {}", ar.id, ar.name))];
        cells.extend(
            row.iter()
                .map(|v| v.map_or(Cell::Undefined, |x| Cell::Fixed(x, 2))),
        );
        t.row(cells);
    }
    t
}
