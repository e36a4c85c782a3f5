//! Rendering a ranking: a Chinese Markdown table (one row per county) or CSV.

use super::Table;
use crate::analyse::change::rank::Ranking;
use crate::render::words;
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

/// The ranking as Markdown: the table, the files that failed, then the provenance (rule set,
/// engine and every data file's sha256: a long list on a national batch, so it comes last).
/// Without pass lines in the rule set there is no level column.
pub fn rank_markdown(r: &Ranking) -> String {
    let mut s = String::from("# 法治政府建设评分排名\n\n");
    s.push_str("并列：总分相同者名次相同，其后名次顺延（1, 2, 2, 4），同分按县 id 排列。\n\n");
    let level = r.has_pass_lines;
    let mut header: Vec<String> = ["名次", "县", "id", "总分"]
        .iter()
        .chain(level.then_some(&"等级"))
        .chain(&[words::VETO, "覆盖率"])
        .map(|x| x.to_string())
        .collect();
    header.extend(r.areas.iter().map(|a| a.id.to_string()));
    let head: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut right = vec![true, false, false, true];
    right.extend(level.then_some(false));
    right.extend([false, true]);
    right.extend(r.areas.iter().map(|_| true));
    let mut t = Table::new(&head, &right);
    for row in &r.rows {
        let mut cells = vec![
            row.rank.to_string(),
            row.county.name.clone(),
            row.county.id.clone(),
            format!("{} / {}", row.total, row.max),
        ];
        if level {
            cells.push(words::level(
                row.pass_level.as_ref().map(|p| p.name.as_str()),
            ));
        }
        cells.extend([
            if row.vetoed {
                format!("⚠ {}", words::VETO)
            } else {
                String::new()
            },
            format!("{:.1}%", row.coverage * 100.0),
        ]);
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
    s.push_str(&errors_markdown(
        r.rows
            .iter()
            .map(|row| (&row.county, row.errors.as_slice())),
    ));
    s.push_str(&super::failures(&r.failures));
    let zeroed: String = r
        .rows
        .iter()
        .flat_map(|row| {
            row.zeroed
                .iter()
                .map(move |z| format!("- {}（`{}`）：{z}\n", row.county.name, row.county.id))
        })
        .collect();
    if !zeroed.is_empty() {
        s.push_str(&format!("\n## {}\n\n{zeroed}", words::ZEROED));
    }
    s.push_str("\n## 来源\n\n");
    s.push_str(&provenance_md(&r.provenance));
    s
}

/// The rules that failed, county by county (a section only when some did).
pub(crate) fn errors_markdown<'a>(
    rows: impl Iterator<Item = (&'a crate::report::CountyRef, &'a [crate::report::RuleError])>,
) -> String {
    let mut lines = String::new();
    for (c, errors) in rows {
        for e in errors {
            lines.push_str(&format!("- {}（`{}`）：{e}\n", c.name, c.id));
        }
    }
    if lines.is_empty() {
        return lines;
    }
    format!("\n## 规则出错（按0分计）\n\n{lines}")
}
