//! A what-if comparison as a Chinese Markdown report: the points that changed, then baseline
//! against scenario county by county.

use super::Table;
use crate::analyse::policy::whatif::{CountyChange, WhatIf};
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

/// A Markdown report in Chinese.
pub fn markdown(w: &WhatIf) -> String {
    let corr = |c: Option<f64>| c.map_or("—（无差异）".to_string(), |v| format!("{v:.4}"));
    let mut s = format!(
        "# 权重情景分析：{}（{}）\n\n指标体系：{}　总分：{} → {}\n\n",
        w.scenario_name, w.scenario, w.ruleset, w.total_points.0, w.total_points.1
    );
    if let Some(k) = w.adjust {
        s.push_str(&format!(
            "总分折算 ×{}：各项加分、扣分、加分上限及情景未设定的达标线同比例折算。\n\n",
            crate::helpers::fmt_num(k)
        ));
    }
    if let Some(c) = w.bonus_cap {
        s.push_str(&format!("加分上限（情景）：{c} 分。\n\n"));
    }
    s.push_str("## 分值变化\n\n");
    let mut t = Table::new(
        &["编号", "指标", "原分值", "新分值", "来源"],
        &[false, false, true, true, false],
    );
    let hidden = w.points.iter().filter(|p| p.level > 2 && !p.pinned).count();
    for p in w.points.iter().filter(|p| p.level <= 2 || p.pinned) {
        let how = if p.pinned {
            "情景设定"
        } else {
            "按比例调整"
        };
        t.row(vec![
            p.id.to_string(),
            p.name.clone(),
            p.before.to_string(),
            p.after.to_string(),
            how.into(),
        ]);
    }
    s.push_str(&t.render());
    if hidden > 0 {
        s.push_str(&format!(
            "\n另有 {hidden} 个三级及以下指标随上级按比例调整（完整清单见 JSON 输出）。\n"
        ));
    }
    s.push_str("\n## 达标线\n\n");
    let mut t = Table::new(
        &["编号", "名称", "最低总分", "各一级指标最低得分率"],
        &[false, false, true, true],
    );
    for p in &w.pass_lines {
        let share = p.min_area_share.map_or("—".to_string(), |x| {
            format!("{}%", crate::helpers::fmt_num(x * 100.0))
        });
        t.row(vec![
            p.id.to_string(),
            p.name.clone(),
            p.min_total.to_string(),
            share,
        ]);
    }
    s.push_str(&t.render());
    s.push_str(&format!(
        "\n## 排名稳定性\n\n- Spearman 秩相关：{}\n- Kendall τ-b：{}\n- 达标等级变化的县：{} / {}\n\n",
        corr(w.spearman),
        corr(w.kendall),
        w.level_changes,
        w.counties.len()
    ));
    s.push_str("## 各县对比\n\n");
    // Without pass lines there is no level to show.
    let levels = if w.pass_lines.is_empty() { 0 } else { 2 };
    let head = [
        "县",
        "名称",
        "原总分",
        "新总分",
        "差",
        "原名次",
        "新名次",
        "名次变化",
        "原等级",
        "新等级",
    ];
    let right = [
        false, false, true, true, true, true, true, true, false, false,
    ];
    let mut t = Table::new(&head[..8 + levels], &right[..8 + levels]);
    for c in &w.counties {
        let mut cells = vec![
            c.id.clone(),
            c.name.clone(),
            c.baseline_total.to_string(),
            c.scenario_total.to_string(),
            signed_points(c.scenario_total - c.baseline_total),
            c.baseline_rank.to_string(),
            c.scenario_rank.to_string(),
            signed(c.rank_gain),
        ];
        if levels > 0 {
            cells.push(level_name(w, c, &c.baseline_level));
            cells.push(level_name(w, c, &c.scenario_level));
        }
        t.row(cells);
    }
    s.push_str(&t.render());
    if w.counties.iter().any(|c| c.vetoed) {
        s.push_str("\n否决：一票否决的县在任何权重下都不达标，但仍按总分排名。\n");
    }
    let movers = w.movers(10);
    s.push_str("\n## 名次变化最大的县\n\n");
    if movers.is_empty() {
        s.push_str("没有县的名次发生变化。\n");
    } else {
        let mut t = Table::new(
            &["县", "名称", "原名次", "新名次", "名次变化"],
            &[false, false, true, true, true],
        );
        for c in movers {
            t.row(vec![
                c.id.clone(),
                c.name.clone(),
                c.baseline_rank.to_string(),
                c.scenario_rank.to_string(),
                signed(c.rank_gain),
            ]);
        }
        s.push_str(&t.render());
    }
    s
}

use crate::render::words::{self, signed as signed_points, signed_int as signed};
