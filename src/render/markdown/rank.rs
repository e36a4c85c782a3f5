//! Rendering a ranking: a Chinese Markdown table (one row per county) or CSV.

use super::Table;
use crate::analyse::change::rank::Ranking;
use crate::report::Provenance;

/// The provenance lines shared by rankings and diffs.
pub(crate) fn provenance_md(p: &Provenance) -> String {
    let mut s = format!(
        "- 规则集：{}（`{}` 版本 {}），哈希 `{}`\n- 引擎：{} {}\n",
        p.ruleset.title,
        p.ruleset.id,
        p.ruleset.version,
        p.ruleset.hash,
        p.engine.name,
        p.engine.version
    );
    if !p.inputs.is_empty() {
        s.push_str(&format!("- 数据文件（{} 个，sha256）：\n", p.inputs.len()));
        for i in &p.inputs {
            s.push_str(&format!("  - `{}` `{}`\n", i.path, i.sha256));
        }
    }
    s
}

/// The ranking as Markdown: provenance, the table, then the files that failed.
pub fn rank_markdown(r: &Ranking) -> String {
    let mut s = String::from("# 法治政府建设评分排名\n\n");
    s.push_str(&provenance_md(&r.provenance));
    s.push_str("- 并列：总分相同者名次相同，其后名次顺延（1, 2, 2, 4），同分按县 id 排列\n\n");
    let mut header: Vec<String> = ["名次", "县", "id", "总分", "等级", "否决", "覆盖率"]
        .iter()
        .map(|x| x.to_string())
        .collect();
    header.extend(r.areas.iter().map(|a| a.id.to_string()));
    let head: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut right = vec![true, false, false, true, false, false, true];
    right.extend(r.areas.iter().map(|_| true));
    let mut t = Table::new(&head, &right);
    for row in &r.rows {
        let mut cells = vec![
            row.rank.to_string(),
            row.county.name.clone(),
            row.county.id.clone(),
            format!("{} / {}", row.total, row.max),
            row.pass_level
                .as_ref()
                .map_or("未达标".into(), |p| p.name.clone()),
            if row.vetoed {
                "⚠ 是".into()
            } else {
                "否".into()
            },
            format!("{:.1}%", row.coverage * 100.0),
        ];
        cells.extend(row.areas.iter().map(|p| p.to_string()));
        t.row(cells);
    }
    s.push_str(&t.render());
    let legend: Vec<String> = r
        .areas
        .iter()
        .map(|a| format!("{} {}（{}分）", a.id, a.name, a.max))
        .collect();
    s.push_str(&format!("\n领域得分列：{}。\n", legend.join("；")));
    s.push_str(&super::failures(&r.failures));
    s
}
