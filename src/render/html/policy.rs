//! Rankings, rule-set diffs, what-if comparisons and uncertainty analyses as HTML: the charts
//! (distribution of totals with the pass lines, movements, baseline against scenario, rank
//! intervals and Sobol indices) above the tables that carry every figure as text.

use super::{document, figure, h, inputs_list, p, p_note, Cell, Prov, Section, Table};
use crate::analyse::change::diff::RuleSetDiff;
use crate::analyse::change::rank::Ranking;
use crate::analyse::policy::uncertainty::Uncertainty;
use crate::analyse::policy::whatif::WhatIf;
use crate::helpers::fmt_num;
use crate::model::PassLine;
use crate::render::markdown::rank_move;
use crate::render::svg;
use crate::render::words;
use crate::render::words::signed;
use crate::report::Provenance;
use crate::types::IndicatorId;

pub(super) fn one(title: &str, prov: &Provenance, word: &str, body: String) -> String {
    let prov = Prov {
        p: prov,
        data_word: word,
    };
    let mut b = h(1, title);
    b.push_str(&prov.block());
    b.push_str(&body);
    b.push_str(&inputs_list(prov.p, word));
    document(title, &[Section { prov, body: b }])
}

/// A ranking as HTML: the distribution of totals with the rule set's `pass_lines` marked, then
/// the ranking table (sortable, with a filter box) and the data files' sha256.
///
/// ```
/// # let rules = fazhi::RuleSet::builtin().unwrap();
/// # let data = fazhi::CountyData::from_str("x.yaml", "county: {id: x, name: 某县}\ndata: {}\n", &rules).unwrap();
/// let ranking = fazhi::analyse::change::rank::rank_reports(&rules, vec![rules.score(&data)]);
/// let html = fazhi::render::html::rank_html(&ranking, rules.pass_lines());
/// assert!(html.contains("某县"));
/// ```
pub fn rank_html(r: &Ranking, pass_lines: &[PassLine]) -> String {
    let doc = crate::render::compose::rank::document(r, Some(pass_lines));
    let prov = Prov {
        p: &r.provenance,
        data_word: "数据文件",
    };
    let body = crate::render::write::html::body(&doc, &prov.block());
    document("法治政府建设评分排名", &[Section { prov, body }])
}

/// A rule-set diff as HTML: the counties' movements (points, as diverging bars), the changelog,
/// the county table and each county's terms.
///
/// ```
/// # let rules = fazhi::RuleSet::builtin().unwrap();
/// let d = fazhi::analyse::change::diff::diff_rules(&rules, &rules);
/// assert!(fazhi::render::html::diff_html(&d).contains("无结构变更"));
/// ```
pub fn diff_html(d: &RuleSetDiff) -> String {
    let (o, n) = (&d.old, &d.new);
    let title = format!(
        "规则集变更：{} {} → {} {}",
        o.id, o.version, n.id, n.version
    );
    // The page's provenance names the new rule set; the old one is in the page's 来源.
    let p = Provenance {
        ruleset: d.new.clone(),
        engine: d.engine.clone(),
        inputs: d.inputs.clone(),
    };
    let prov = Prov {
        p: &p,
        data_word: "数据文件",
    };
    let mut body = String::new();
    for (k, doc) in crate::render::compose::diff::documents(d, true)
        .iter()
        .enumerate()
    {
        let after = if k == 0 { prov.block() } else { String::new() };
        body.push_str(&crate::render::write::html::body(doc, &after));
    }
    document(&title, &[Section { prov, body }])
}

/// A what-if comparison as HTML: baseline against scenario totals (scatter), the largest rank
/// changes (diverging bars), then the tables. `prov` names the rule set, the engine and the
/// counties' data hashes (see [`crate::scoring::batch::provenance`]).
///
/// ```
/// # use fazhi::analyse::policy::{scores::Batch, weights::Scenario, whatif::WhatIf};
/// # let rules = fazhi::RuleSet::builtin()?;
/// # let county = fazhi::CountyData::from_str("x.yaml", "county: {id: x, name: 某县}\ndata: {}\n", &rules)?;
/// # let batch = Batch::evaluate(&rules, &[county]);
/// # let scenario = Scenario::from_str("s.yaml", "id: base\nname: 基准\n", &rules)?;
/// let w = WhatIf::compare(&rules, &batch, &scenario);
/// let prov = fazhi::scoring::batch::provenance(&rules, vec![]);
/// assert!(fazhi::render::html::whatif_html(&w, &prov).contains("某县"));
/// # Ok::<(), fazhi::Error>(())
/// ```
pub fn whatif_html(w: &WhatIf, prov: &Provenance) -> String {
    let title = format!("权重情景分析：{}（{}）", w.scenario_name, w.scenario);
    let corr = |c: Option<f64>| c.map_or("—（无差异）".to_string(), |v| format!("{v:.4}"));
    let mut s = p(&format!(
        "指标体系：{}　总分：{} → {}　Spearman 秩相关：{}　Kendall τ-b：{}　达标等级变化的县：{} / {}",
        w.ruleset,
        w.total_points.0,
        w.total_points.1,
        corr(w.spearman),
        corr(w.kendall),
        w.level_changes,
        w.counties.len()
    ));
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
    s.push_str(&h(2, "基准与情景对比"));
    s.push_str(&figure(
        &svg::scatter(
            "各县总分：基准与情景",
            &format!("{} 个县，每点一县", w.counties.len()),
            &pts,
            &format!("基准总分（满分 {}）", w.total_points.0),
            &format!("情景总分（满分 {}）", w.total_points.1),
        ),
        "图：横轴为基准总分，纵轴为情景总分；方块为达标等级改变的县（数值见下表）",
    ));
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
        s.push_str(&figure(
            &svg::signed_bars("名次变化最大的县", "向右：名次上升；向左：名次下降", &rows),
            &format!("图：名次变化最大的 {} 个县", rows.len()),
        ));
    } else {
        s.push_str(&p("没有县的名次发生变化。"));
    }
    s.push_str(&h(2, "分值变化"));
    let mut t = Table::new(&["编号", "指标", "原分值#", "新分值#", "来源"]);
    let hidden = w.points.iter().filter(|p| p.level > 2 && !p.pinned).count();
    for pc in w.points.iter().filter(|p| p.level <= 2 || p.pinned) {
        t.row(vec![
            pc.id.to_string().into(),
            pc.name.as_str().into(),
            Cell::N(pc.before.to_string()),
            Cell::N(pc.after.to_string()),
            if pc.pinned {
                "情景设定"
            } else {
                "按比例调整"
            }
            .into(),
        ]);
    }
    s.push_str(&t.render());
    if hidden > 0 {
        s.push_str(&p_note(&format!(
            "另有 {hidden} 个三级及以下指标随上级按比例调整（完整清单见 JSON 输出）。"
        )));
    }
    s.push_str(&h(2, "达标线"));
    let mut t = Table::new(&["编号", "名称", "最低总分#", "各一级指标最低得分率#"]);
    for pl in &w.pass_lines {
        t.row(vec![
            pl.id.to_string().into(),
            pl.name.as_str().into(),
            Cell::N(pl.min_total.to_string()),
            Cell::N(
                pl.min_area_share
                    .map_or("—".to_string(), |x| format!("{}%", fmt_num(x * 100.0))),
            ),
        ]);
    }
    s.push_str(&t.render());
    s.push_str(&h(2, "各县对比"));
    let level = |vetoed: bool, id: &Option<IndicatorId>| {
        if vetoed {
            return words::VETO.to_string();
        }
        id.as_ref()
            .and_then(|id| w.pass_lines.iter().find(|p| &p.id == id))
            .map_or_else(|| words::NOT_REACHED.to_string(), |p| p.name.clone())
    };
    let mut t = Table::new(&[
        "县",
        "名称",
        "原总分#",
        "新总分#",
        "差#",
        "原名次#",
        "新名次#",
        "名次变化#",
        "原等级",
        "新等级",
    ])
    .with_id("counties");
    for c in &w.counties {
        let d = c.scenario_total - c.baseline_total;
        let cells = vec![
            c.id.as_str().into(),
            c.name.as_str().into(),
            Cell::N(c.baseline_total.to_string()),
            Cell::N(c.scenario_total.to_string()),
            Cell::N(signed(d)),
            Cell::N(c.baseline_rank.to_string()),
            Cell::N(c.scenario_rank.to_string()),
            Cell::N(rank_move(c.rank_gain)),
            level(c.vetoed, &c.baseline_level).into(),
            level(c.vetoed, &c.scenario_level).into(),
        ];
        if c.vetoed {
            t.row_class(cells, "veto");
        } else {
            t.row(cells);
        }
    }
    s.push_str(&t.render());
    if w.counties.iter().any(|c| c.vetoed) {
        s.push_str(&p_note(
            "否决：一票否决的县在任何权重下都不达标，但仍按总分排名。",
        ));
    }
    one(&title, prov, "数据哈希", s)
}

/// An uncertainty analysis as HTML: the rank intervals (the chart of
/// [`svg::rank_intervals`]), the Sobol indices as bars, then the tables. `prov` names the rule
/// set, the engine and the counties' data hashes.
///
/// ```
/// # use fazhi::analyse::policy::{scores::Batch, uncertainty::*, weights::Weights};
/// # let rules = fazhi::RuleSet::builtin()?;
/// # let county = fazhi::CountyData::from_str("x.yaml", "county: {id: x, name: 某县}\ndata: {}\n", &rules)?;
/// # let batch = Batch::evaluate(&rules, &[county]);
/// # let s = Settings { noise: Noise::new(), runs: 3, seed: 1, sensitivity: None, float_total: false };
/// let u = analyse(&rules, &batch, &Weights::nominal(&rules), &s)?;
/// let prov = fazhi::scoring::batch::provenance(&rules, vec![]);
/// assert!(fazhi::render::html::uncertainty_html(&u, &prov).contains("名次区间"));
/// # Ok::<(), fazhi::Error>(())
/// ```
pub fn uncertainty_html(u: &Uncertainty, prov: &Provenance) -> String {
    let doc = crate::render::compose::uncertainty::document(u, true);
    let prov = Prov {
        p: prov,
        data_word: "数据哈希",
    };
    let mut body = crate::render::write::html::body(&doc, &prov.block());
    body.push_str(&inputs_list(prov.p, "数据哈希"));
    document("排名稳健性分析", &[Section { prov, body }])
}
