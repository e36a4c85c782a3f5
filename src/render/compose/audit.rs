//! The audit's tables that every format shows alike (the rest of the audit is still written per
//! format): 三级指标, every item's statistics and flags; 一级指标, every area's points, mean,
//! Cronbach α (or why there is none) and correlation with the total.

use crate::analyse::policy::audit::Audit;
use crate::render::document::{Cell, Kind, Table};
use crate::render::markdown::{audit_flags, no_alpha_zh};

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
