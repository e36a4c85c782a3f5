//! The audit of an indicator system as HTML: the findings, the real influence of each area
//! beside its declared share (bars), the areas' correlation matrix as a heat map, then the tables
//! that carry every figure as text (the same wording as the Markdown report).

use super::policy::one;
use super::{figure, h, p, p_note, Cell, Table};
use crate::analyse::policy::audit::Audit;
use crate::render::markdown::{
    audit_findings, audit_title, corr_text, fixed, influence_note, largest_zh, pct_text,
    points_pct, remove_one_order, removed_zh, ALPHA_NOTE, ITEMS_NOTE, REMOVE_NOTE,
};
use crate::render::svg::{self, HBar, HBarChart};
use crate::report::Provenance;

/// An audit as one self-contained HTML page. `prov` names the rule set, the engine and the
/// counties' data hashes.
///
/// ```
/// # use fazhi::analyse::policy::{audit::audit, scores::Batch};
/// # let rules = fazhi::RuleSet::builtin()?;
/// # let a = fazhi::CountyData::from_str("a.yaml", "county: {id: a, name: 甲县}\ndata: {}\n", &rules)?;
/// let audit = audit(&rules, &Batch::evaluate(&rules, &[a]), None)?;
/// let prov = fazhi::scoring::batch::provenance(&rules, vec![]);
/// assert!(fazhi::render::html::audit_html(&audit, &prov).contains("一级指标相关矩阵"));
/// # Ok::<(), fazhi::Error>(())
/// ```
pub fn audit_html(a: &Audit, prov: &Provenance) -> String {
    let title = audit_title(a);
    let mut s = h(2, "摘要");
    s.push_str("<ul class=\"summary\">");
    for f in audit_findings(a) {
        s.push_str(&format!("<li>{}</li>", svg::esc(&f)));
    }
    s.push_str("</ul>\n");
    s.push_str(&h(2, "实际影响与名义权重"));
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
                pct_text(i.declared_share),
                i.effect.map_or("—".into(), pct_text)
            ),
        })
        .collect();
    s.push_str(&figure(
        &svg::hbars(&HBarChart {
            title: "各一级指标：名义权重与实际影响",
            note: "名义权重：分值占总分比例；实际影响：归一化的一阶效应",
            series: &["名义权重", "实际影响"],
            marker: None,
            track: None,
            rows: &rows,
        }),
        "图：各一级指标的分值占比与其对总分的实际影响（数值见下表）",
    ));
    let mut t = Table::new(&[
        "编号",
        "一级指标",
        "名义权重#",
        "一阶效应 S#",
        "实际影响#",
        "偏离#",
    ]);
    for i in &a.influence {
        t.row(vec![
            i.id.to_string().into(),
            i.name.as_str().into(),
            Cell::N(pct_text(i.declared_share)),
            Cell::N(corr_text(i.first_order, 3)),
            Cell::N(i.effect.map_or("—".into(), pct_text)),
            Cell::N(i.departure.map_or("—".into(), points_pct)),
        ]);
    }
    s.push_str(&t.render());
    s.push_str(&p_note(&influence_note(a)));
    s.push_str(&h(2, "一级指标"));
    let labels: Vec<String> = a
        .areas
        .iter()
        .map(|x| format!("{} {}", x.id, x.name))
        .collect();
    s.push_str(&h(3, "一级指标相关矩阵"));
    s.push_str(&figure(
        &svg::heatmap(
            "一级指标得分的相关矩阵（Pearson）",
            &format!("{} 个县；蓝为负相关，红为正相关，灰为无定义", a.counties),
            &labels,
            &a.area_correlations,
        ),
        "图：一级指标两两相关系数（数值写在格中，也见下表）",
    ));
    s.push_str(&crate::render::write::html::table(
        &crate::render::compose::audit::matrix_table(a),
    ));
    s.push_str(&h(3, "内部一致性（Cronbach α）"));
    s.push_str(&crate::render::write::html::table(
        &crate::render::compose::audit::areas_table(a),
    ));
    s.push_str(&p_note(ALPHA_NOTE));
    s.push_str(&h(2, "逐一剔除"));
    let mut t = Table::new(&[
        "类型",
        "编号",
        "名称",
        "平均名次变动#",
        "最大名次变动#",
        "变动最大的县",
    ])
    .with_id("remove-one");
    for r in remove_one_order(a) {
        t.row(vec![
            removed_zh(r.kind).into(),
            r.id.to_string().into(),
            r.name.as_str().into(),
            Cell::N(fixed(r.mean_abs_rank_shift, 2)),
            Cell::N(r.max_abs_rank_shift.to_string()),
            largest_zh(r).into(),
        ]);
    }
    s.push_str(&t.render());
    s.push_str(&p_note(REMOVE_NOTE));
    s.push_str(&h(2, "三级指标"));
    s.push_str(&crate::render::write::html::table(
        &crate::render::compose::audit::items_table(a),
    ));
    s.push_str(&p_note(ITEMS_NOTE));
    s.push_str(&p(&format!("指标体系：{}", a.ruleset)));
    one(&title, prov, "数据哈希", s)
}
