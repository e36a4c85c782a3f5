//! A rule-set diff as [`Document`]s: the changelog (结构变更), each county's old and new total,
//! rank and level (各县得分变化), then one document per county with its vetoes and every term
//! that moved its total (items, bonuses, the bonus cap, penalties, zeroing entries), then the
//! rules that failed, the files that could not be scored and the provenance. One document per
//! county, so that a workbook gathers the terms on one sheet led by each county's id and name.

use crate::analyse::change::diff::RuleSetDiff;
use crate::analyse::change::rank::PassLevel;
use crate::render::document::{Block, Cell, Document, Kind, Span, Table};
use crate::render::markdown::{contribution_zh, kind_zh, rank_move, section_zh};
use crate::render::{svg, words};

/// The documents of `d`, in order; with `charts`, the chart of movements the HTML page draws.
pub fn documents(d: &RuleSetDiff, charts: bool) -> Vec<Document> {
    let (o, n) = (&d.old, &d.new);
    let mut head = Document::default();
    head.heading(
        1,
        format!(
            "规则集变更：{} {} → {} {}",
            o.id, o.version, n.id, n.version
        ),
    );
    if charts && !d.counties.is_empty() {
        head.heading(2, "各县得分变动");
        head.blocks.push(movements(d));
    }
    head.heading(2, format!("结构变更（{} 项）", d.changes.len()));
    if d.changes.is_empty() {
        head.para("无结构变更。");
    } else {
        let mut t = Table::new(
            Some("规则变化"),
            &[
                ("类别", Kind::Text),
                ("编号", Kind::Id),
                ("变更", Kind::Text),
                ("属性", Kind::Text),
                ("旧", Kind::Text),
                ("新", Kind::Text),
            ],
        );
        for c in &d.changes {
            t.row(vec![
                section_zh(c.section).into(),
                c.id.as_str().into(),
                kind_zh(c.kind).into(),
                c.aspect.clone().unwrap_or_default().into(),
                c.old.clone().unwrap_or_default().into(),
                c.new.clone().unwrap_or_default().into(),
            ]);
        }
        head.table(t);
    }
    let mut out = vec![head];
    if !d.counties.is_empty() || !d.failures.is_empty() {
        let mut doc = Document::default();
        doc.heading(2, "各县得分变化");
        doc.para("名次为本批县内的名次（同分同名次，其后顺延）；变化 = 新总分 − 旧总分，等于下列各项变化之和。");
        let mut cols = vec![
            ("县", Kind::Text),
            ("id", Kind::Id),
            ("旧总分", Kind::Points),
            ("新总分", Kind::Points),
            ("变化", Kind::Signed),
            ("旧名次", Kind::Count),
            ("新名次", Kind::Count),
            ("名次变化", Kind::Count),
        ];
        if d.has_pass_lines {
            cols.extend([("旧等级", Kind::Text), ("新等级", Kind::Text)]);
        }
        let mut t = Table::new(Some("得分变化"), &cols);
        let level = |p: &Option<PassLevel>| words::level(p.as_ref().map(|p| p.name.as_str()));
        for c in &d.counties {
            let mut cells = vec![
                c.county.name.as_str().into(),
                c.county.id.as_str().into(),
                c.old_total.into(),
                c.new_total.into(),
                c.delta.into(),
                Cell::Count(c.old_rank as i64),
                Cell::Count(c.new_rank as i64),
                rank_move(c.rank_change).into(),
            ];
            if d.has_pass_lines {
                cells.extend([level(&c.old_pass).into(), level(&c.new_pass).into()]);
            }
            t.row(cells);
        }
        doc.table(t);
        out.push(doc);
    }
    for c in &d.counties {
        let mut doc = Document::new(&c.county.id, &c.county.name);
        doc.heading(
            3,
            format!(
                "{}（{}）：{} → {}（{}）",
                c.county.name,
                c.county.id,
                c.old_total,
                c.new_total,
                words::signed(c.delta)
            ),
        );
        doc.list(
            c.vetoes
                .iter()
                .map(|v| words::veto_change(v.id.as_str(), &v.name, v.old, v.new))
                .collect(),
        );
        if c.contributions.is_empty() {
            doc.para("得分未变。");
        } else {
            let mut t = Table::new(
                Some("变化来源"),
                &[
                    ("类型", Kind::Text),
                    ("编号", Kind::Id),
                    ("名称", Kind::Text),
                    ("旧", Kind::Points),
                    ("新", Kind::Points),
                    ("变化", Kind::Signed),
                ],
            );
            for x in &c.contributions {
                t.row(vec![
                    contribution_zh(x.kind).into(),
                    x.id.to_string().into(),
                    x.name.as_str().into(),
                    x.old.into(),
                    x.new.into(),
                    x.delta.into(),
                ]);
            }
            doc.table(t);
        }
        out.push(doc);
    }
    let mut tail = Document::default();
    let errors: Vec<Vec<Span>> = d
        .counties
        .iter()
        .flat_map(|c| {
            c.errors
                .iter()
                .map(|e| super::rank::county_line(&c.county, e.to_string()))
        })
        .collect();
    if !errors.is_empty() {
        tail.heading(2, format!("{}（按0分计）", words::RULE_ERROR));
        tail.blocks.push(Block::List(errors));
    }
    super::rank::failures(&mut tail, &d.failures);
    super::rank::provenance(
        &mut tail,
        &[("旧规则集", o), ("新规则集", n)],
        &d.engine,
        &d.inputs,
    );
    out.push(tail);
    out
}

/// Each county's movement (new − old total, with its rank change): at most the 20 that rose
/// and the 20 that fell most.
fn movements(d: &RuleSetDiff) -> Block {
    let mut moved: Vec<_> = d.counties.iter().collect();
    moved.sort_by(|a, b| b.delta.cmp(&a.delta).then(a.county.id.cmp(&b.county.id)));
    let shown: Vec<_> = if moved.len() > 40 {
        moved[..20]
            .iter()
            .chain(&moved[moved.len() - 20..])
            .collect()
    } else {
        moved.iter().collect()
    };
    let rows: Vec<(String, f64, String)> = shown
        .iter()
        .map(|c| {
            (
                c.county.name.clone(),
                c.delta.as_f64(),
                format!("{}（{}）", words::signed(c.delta), rank_move(c.rank_change)),
            )
        })
        .collect();
    Block::Chart {
        svg: svg::signed_bars(
            "各县总分变化（新 − 旧，分）",
            "括号内为名次变化（↑ 上升，↓ 下降）",
            &rows,
        ),
        caption: if shown.len() < moved.len() {
            format!(
                "图：总分上升最多和下降最多的各 20 个县（共 {} 个县，全部见下表）",
                moved.len()
            )
        } else {
            format!("图：{} 个县的总分变化（数值见下表）", moved.len())
        },
    }
}
