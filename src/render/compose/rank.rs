//! A ranking as a [`Document`]: the tie rule, (in HTML) the distribution of totals, the table
//! 排名 (rank, county, total and maximum, level, 一票否决, coverage, each first-level area's
//! points), the legend of the area columns, the rules that failed, the files that could not be
//! scored, the zeroing entries that held, and the provenance.

use crate::analyse::change::rank::Ranking;
use crate::model::PassLine;
use crate::render::document::{Block, Cell, Document, Kind, Span, Table};
use crate::render::{svg, words};
use crate::report::Failure;

/// The ranking `r`; with `pass_lines` (the rule set's), the chart of totals the HTML page draws.
pub fn document(r: &Ranking, pass_lines: Option<&[PassLine]>) -> Document {
    let mut d = Document::default();
    d.heading(1, "法治政府建设评分排名");
    d.para("并列：总分相同者名次相同，其后名次顺延（1, 2, 2, 4），同分按县 id 排列。");
    if let Some(lines) = pass_lines {
        d.blocks.push(histogram(r, lines));
    }
    let level = r.has_pass_lines;
    let mut cols: Vec<(String, Kind)> = vec![
        ("名次".into(), Kind::Count),
        ("县".into(), Kind::Text),
        ("id".into(), Kind::Id),
    ];
    cols.push(("省份".into(), Kind::Text));
    cols.extend([("总分".into(), Kind::Points), ("满分".into(), Kind::Points)]);
    if level {
        cols.push(("等级".into(), Kind::Text));
    }
    cols.extend([
        (words::VETO_KIND.into(), Kind::Text),
        ("覆盖率".into(), Kind::Percent),
    ]);
    cols.extend(r.areas.iter().map(|a| (a.id.to_string(), Kind::Points)));
    let cols: Vec<(&str, Kind)> = cols.iter().map(|(t, k)| (t.as_str(), *k)).collect();
    let mut t = Table::new(Some("排名"), &cols);
    for row in &r.rows {
        let mut cells = vec![
            Cell::Count(row.rank as i64),
            row.county.name.as_str().into(),
            row.county.id.as_str().into(),
        ];
        cells.push(row.county.province.clone().into());
        cells.extend([row.total.into(), row.max.into()]);
        if level {
            cells.push(words::level(row.pass_level.as_ref().map(|p| p.name.as_str())).into());
        }
        cells.extend([
            words::veto_cell(row.vetoed).into(),
            Cell::Percent(row.coverage * 100.0),
        ]);
        cells.extend(row.areas.iter().map(|p| Cell::Points(*p)));
        t.row(cells);
    }
    d.heading(2, "排名");
    d.table(t);
    let legend: Vec<String> = r
        .areas
        .iter()
        .map(|a| format!("{} {}（{}分）", a.id, a.name, a.max))
        .collect();
    d.para(format!("领域得分列：{}。", legend.join("；")));
    let line = county_line;
    let errors: Vec<Vec<Span>> = r
        .rows
        .iter()
        .flat_map(|row| row.errors.iter().map(|e| line(&row.county, e.to_string())))
        .collect();
    if !errors.is_empty() {
        d.heading(2, format!("{}（按0分计）", words::RULE_ERROR));
        d.blocks.push(Block::List(errors));
    }
    failures(&mut d, &r.failures);
    let zeroed: Vec<Vec<Span>> = r
        .rows
        .iter()
        .flat_map(|row| row.zeroed.iter().map(|z| line(&row.county, z.clone())))
        .collect();
    if !zeroed.is_empty() {
        d.heading(2, words::ZEROED);
        d.blocks.push(Block::List(zeroed));
    }
    let p = &r.provenance;
    provenance(&mut d, &[("规则集", &p.ruleset)], &p.engine, &p.inputs);
    d
}

/// A county named with its id as code, then what is said of it: `乙县（`real-b`）：…`.
pub(crate) fn county_line(c: &crate::report::CountyRef, what: String) -> Vec<Span> {
    vec![
        Span::Text(format!("{}（", c.name)),
        Span::Code(c.id.clone()),
        Span::Text(format!("）：{what}")),
    ]
}

/// 未能评分的文件: each file that could not be scored, with why (sheet 未能评分).
pub(crate) fn failures(d: &mut Document, failures: &[Failure]) {
    if failures.is_empty() {
        return;
    }
    d.heading(2, format!("未能评分的文件（{} 个）", failures.len()));
    let mut t = Table::new(
        Some("未能评分"),
        &[("文件", Kind::Text), ("问题", Kind::Text)],
    );
    for f in failures {
        t.row(vec![
            f.path.as_str().into(),
            f.error.replace('\n', "；").into(),
        ]);
    }
    d.table(t);
}

/// 来源: each rule set (`规则集`, or 旧/新 for a diff), the engine and every data file with its
/// sha256.
pub(crate) fn provenance(
    d: &mut Document,
    rulesets: &[(&str, &crate::report::RuleSetInfo)],
    engine: &crate::report::EngineInfo,
    inputs: &[crate::report::InputFile],
) {
    d.heading(2, "来源");
    let text = |s: String| Span::Text(s);
    let code = |s: &str| Span::Code(s.to_string());
    let mut lines: Vec<Vec<Span>> = rulesets
        .iter()
        .map(|(role, r)| {
            vec![
                text(format!("{role}：{}（", r.title)),
                code(&r.id),
                text(format!(" 版本 {}），哈希 ", r.version)),
                code(&r.hash),
            ]
        })
        .collect();
    lines.push(vec![text(format!(
        "引擎：{} {}",
        engine.name, engine.version
    ))]);
    for i in inputs {
        lines.push(vec![
            text("数据文件 ".into()),
            code(&i.path),
            text(" sha256 ".into()),
            code(&i.sha256),
        ]);
    }
    d.blocks.push(Block::List(lines));
}

/// The distribution of totals with the pass lines marked.
fn histogram(r: &Ranking, pass_lines: &[PassLine]) -> Block {
    let totals: Vec<f64> = r.rows.iter().map(|x| x.total.as_f64()).collect();
    let marks: Vec<(String, f64)> = pass_lines
        .iter()
        .map(|p| (p.name.clone(), p.min_total.as_f64()))
        .collect();
    let mut counts = String::new();
    for p in pass_lines {
        let n = r
            .rows
            .iter()
            .filter(|x| x.pass_level.as_ref().is_some_and(|l| l.id == p.id))
            .count();
        counts.push_str(&format!("；最高达到{}的 {n} 个", p.name));
    }
    let none = r.rows.iter().filter(|x| x.pass_level.is_none()).count();
    Block::Chart {
        svg: svg::histogram(
            "各县总分分布",
            &format!("{} 个县；虚线为达标线", r.rows.len()),
            &totals,
            &marks,
            "总分（分）",
        ),
        caption: format!(
            "图：总分分布（{} 个县{counts}；未达任何达标线的 {none} 个）",
            r.rows.len()
        ),
    }
}
