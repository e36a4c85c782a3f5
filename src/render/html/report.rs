//! A county's score report and gap analysis as HTML: summary, charts (first-level areas earned
//! against maximum and the peers' median, the items that lost most, the distance to each pass
//! line), then every table of the Markdown report.

use super::{document, figure, h, p, p_note, Cell, Prov, Section, Table};
use crate::analyse::gap::GapAnalysis;
use crate::analyse::gap::GapSummary;
use crate::render::compose::score;
use crate::render::markdown::{
    accounting_equation, accounting_rows, adjustment_notes, adjustment_row, changes_text,
    entries_head, entry_rows, fix_text, inferred_sentence, line_rows, plan_sentence, step_change,
    step_name, summary_lines, summary_title, SumCell, ACCOUNTING_TITLE, ADJUSTMENTS_HEAD,
    ADJUSTMENTS_TITLE, LINES_HEAD, SUMMARY_NOTE,
};
use crate::render::svg::{HBar, PassMark};
use crate::render::{area_heading, short_inputs};
use crate::report::{CountyRef, InputFile, Provenance, Report};
use crate::types::Points;

/// The county's title: `郓城县（2018年）法治政府建设评分报告`.
fn title(c: &CountyRef, what: &str) -> String {
    let year = c.year.map(|y| format!("（{y}年）")).unwrap_or_default();
    format!("{}{year}{what}", c.name)
}

fn heading(c: &CountyRef, what: &str) -> String {
    let mut s = h(1, &title(c, what));
    if c.kind.as_deref() == Some("synthetic") {
        s.push_str(&p("注意：本县数据为合成数据，仅供测试。"));
    }
    s
}

/// The provenance of one county's result: its data hash under its file name (or id).
/// What a county's provenance block is made of.
type Parts<'a> = (
    &'a crate::report::RuleSetInfo,
    &'a crate::report::EngineInfo,
    &'a CountyRef,
);

/// A section to follow the counties' (the batch summary): its data and how to write it.
type After<'a, S> = Option<(&'a S, fn(&S, &Prov) -> String)>;

/// One page of one section per county (score reports, gap analyses): each with its provenance
/// block and `body`; the title names the county, or the number of counties.
fn per_county<T, S>(
    all: &[T],
    parts: fn(&T) -> Parts<'_>,
    body: impl Fn(&T, &Prov) -> String,
    what: &str,
    after: After<'_, S>,
) -> String {
    let provs: Vec<Provenance> = all
        .iter()
        .map(|x| {
            let (ruleset, engine, county) = parts(x);
            county_prov(ruleset, engine, county)
        })
        .collect();
    let mut sections: Vec<Section> = all
        .iter()
        .zip(&provs)
        .map(|(x, p)| {
            let prov = Prov {
                p,
                data_word: "数据",
            };
            let body = body(x, &prov);
            Section { prov, body }
        })
        .collect();
    // A section after the counties' (the batch summary), under every county's data.
    let joint = after.and_then(|(x, f)| {
        let first = provs.first()?;
        let p = Provenance {
            ruleset: first.ruleset.clone(),
            engine: first.engine.clone(),
            inputs: provs.iter().flat_map(|p| p.inputs.clone()).collect(),
        };
        Some((x, f, p))
    });
    if let Some((x, f, p)) = &joint {
        let prov = Prov {
            p,
            data_word: "数据",
        };
        let body = f(*x, &prov);
        sections.push(Section { prov, body });
    }
    let t = match all {
        [x] => title(parts(x).2, what),
        _ => format!("{what}（{} 个县）", all.len()),
    };
    document(&t, &sections)
}

fn county_prov(
    ruleset: &crate::report::RuleSetInfo,
    engine: &crate::report::EngineInfo,
    c: &CountyRef,
) -> Provenance {
    Provenance {
        ruleset: ruleset.clone(),
        engine: engine.clone(),
        inputs: vec![InputFile {
            path: c
                .source
                .clone()
                .unwrap_or_else(|| format!("县 id {}", c.id)),
            sha256: c.data_hash.clone(),
        }],
    }
}

fn lost_cell(p: Points) -> Cell {
    if p > Points::ZERO {
        Cell::Bad(format!("−{p}"))
    } else {
        Cell::N("0".into())
    }
}

/// A chart block of the document model as a figure.
fn chart(b: Option<crate::render::document::Block>) -> String {
    match b {
        Some(crate::render::document::Block::Chart { svg, caption }) => figure(&svg, &caption),
        _ => String::new(),
    }
}

fn areas_chart(rows: Vec<HBar>, peers: bool) -> String {
    chart(Some(score::areas_chart(rows, peers)))
}

fn lost_chart(items: &[(String, Points, Points)]) -> String {
    chart(score::lost_chart(items))
}

fn gauge(total: Points, max: Points, lines: Vec<PassMark>) -> String {
    chart(score::gauge(total, max, &lines))
}

fn report_body(r: &Report, prov: &Prov) -> String {
    crate::render::write::html::body(&score::document(r, true), &prov.block())
}

/// Score reports as one HTML document, one section (and one printed page run) per county.
///
/// ```
/// # let rules = fazhi::RuleSet::builtin().unwrap();
/// # let data = fazhi::CountyData::from_str("x.yaml", "county: {id: x, name: 某县}\ndata: {}\n", &rules).unwrap();
/// let html = fazhi::render::html::score_html(&[rules.score(&data)]);
/// assert!(html.starts_with("<!DOCTYPE html>") && html.contains("某县法治政府建设评分报告"));
/// ```
pub fn score_html(reports: &[Report]) -> String {
    fn parts(r: &Report) -> Parts<'_> {
        (&r.ruleset, &r.engine, &r.county)
    }
    per_county::<_, ()>(reports, parts, report_body, "法治政府建设评分报告", None)
}

fn gap_body(g: &GapAnalysis, prov: &Prov) -> String {
    let mut s = heading(&g.county, "法治政府建设差距分析");
    s.push_str(&prov.block());
    s.push_str(&h(2, "摘要"));
    let items = summary_lines(g);
    s.push_str("<ul class=\"summary\">");
    for l in &items {
        s.push_str(&format!("<li>{}</li>", super::esc(l)));
    }
    s.push_str("</ul>\n");
    s.push_str(&gauge(
        g.total,
        g.max,
        g.pass_lines
            .iter()
            .map(|p| PassMark {
                name: p.name.clone(),
                min_total: p.min_total.as_f64(),
                reached: p.reached,
            })
            .collect(),
    ));
    s.push_str(&h(2, ACCOUNTING_TITLE));
    let mut t = Table::new(&["项目", "分值#"]);
    for r in accounting_rows(g) {
        let text = r.text();
        t.row(vec![r.label.into(), Cell::N(text)]);
    }
    s.push_str(&t.render());
    s.push_str(&p(&accounting_equation(g)));
    if !g.pass_lines.is_empty() {
        s.push_str(&h(2, "距达标线"));
        let mut t = Table::new(&[
            "达标线",
            "最低总分#",
            "当前总分#",
            "总分差距#",
            "领域得分率要求#",
            "未达要求的领域",
            "结论",
        ]);
        for pl in &g.pass_lines {
            let areas: Vec<String> = pl
                .areas_short
                .iter()
                .map(|a| format!("{} 得{}，需{}", a.id, a.earned, a.needed))
                .collect();
            t.row(vec![
                pl.name.as_str().into(),
                Cell::N(pl.min_total.to_string()),
                Cell::N(g.total.to_string()),
                Cell::N(pl.shortfall.to_string()),
                Cell::N(pl.min_area_share.map_or("—".into(), |x| {
                    format!("{}%", Points::from_f64(x * 100.0))
                })),
                if areas.is_empty() {
                    "—".into()
                } else {
                    areas.join("；").into()
                },
                if pl.reached {
                    "✓ 达到".into()
                } else if pl.blocked_by_veto {
                    "✗ 一票否决".into()
                } else {
                    "✗ 未达到".into()
                },
            ]);
        }
        s.push_str(&t.render());
    }
    for pl in &g.plans {
        s.push_str(&h(2, &format!("达线方案：{}", pl.name)));
        s.push_str(&p(&plan_sentence(pl)));
        if pl.steps.is_empty() {
            continue;
        }
        let mut t = Table::new(&[
            "步骤#",
            "编号",
            "指标",
            "改动",
            "代价#",
            "增分#",
            "累计总分#",
        ]);
        for (i, x) in pl.steps.iter().enumerate() {
            t.row(vec![
                Cell::N((i + 1).to_string()),
                x.item.to_string().into(),
                step_name(x).into(),
                step_change(x).into(),
                Cell::N(crate::helpers::fmt_num(x.cost)),
                Cell::N(format!("+{}", x.gain)),
                Cell::N(x.total_after.to_string()),
            ]);
        }
        s.push_str(&t.render());
    }

    s.push_str(&h(2, "各领域失分"));
    let median = |id: &crate::types::IndicatorId| {
        g.peers
            .as_ref()
            .and_then(|p| p.areas.iter().find(|a| &a.id == id))
            .and_then(|a| a.median)
    };
    s.push_str(&areas_chart(
        g.areas
            .iter()
            .map(|a| {
                let m = median(&a.id);
                HBar {
                    label: format!("{} {}", a.id, a.name),
                    values: vec![a.earned.as_f64()],
                    max: Some(a.max.as_f64()),
                    marker: m.map(|m| m.as_f64()),
                    text: match m {
                        Some(m) => format!("{} / {}（中位 {m}）", a.earned, a.max),
                        None => format!("{} / {}", a.earned, a.max),
                    },
                }
            })
            .collect(),
        g.peers.as_ref().is_some_and(|p| !p.peers.is_empty()),
    ));
    let mut t = Table::new(&[
        "编号",
        "一级指标",
        "得分#",
        "满分#",
        "失分#",
        "失分项#",
        "无数据项#",
        "无数据分值#",
    ]);
    for a in &g.areas {
        t.row(vec![
            a.id.to_string().into(),
            a.name.as_str().into(),
            Cell::N(a.earned.to_string()),
            Cell::N(a.max.to_string()),
            lost_cell(a.lost),
            Cell::N(a.items_lost.to_string()),
            Cell::N(a.items_no_data.to_string()),
            Cell::N(a.no_data_points.to_string()),
        ]);
    }
    s.push_str(&t.render());
    s.push_str(&lost_chart(
        &g.lost
            .iter()
            .map(|i| (format!("{} {}", i.id, i.name), i.lost, i.max))
            .collect::<Vec<_>>(),
    ));

    s.push_str(&h(2, "失分指标与改进目标"));
    if g.lost.is_empty() {
        s.push_str(&p("有数据的指标均得满分。"));
    }
    for a in &g.areas {
        let items: Vec<_> = g.lost.iter().filter(|i| i.area == a.id).collect();
        if items.is_empty() {
            continue;
        }
        s.push_str(&h(3, &area_heading(a.id.as_str(), &a.name)));
        let mut t = Table::new(&[
            "编号",
            "指标",
            "得分#",
            "满分#",
            "失分#",
            "现有数据",
            "失分原因",
            "改进目标（复算）",
        ]);
        for i in &items {
            t.row(vec![
                i.id.to_string().into(),
                i.name.to_string().into(),
                Cell::N(i.earned.to_string()),
                Cell::N(i.max.to_string()),
                Cell::Bad(format!("−{}", i.lost)),
                short_inputs(&i.inputs).join("，").into(),
                i.why.as_str().into(),
                fix_text(i).into(),
            ]);
        }
        s.push_str(&t.render());
        for i in &items {
            if let Some(r) = &i.rule_text {
                s.push_str(&p_note(&format!("{} 评分规则：{r}", i.id)));
            }
            if let Some(x) = inferred_sentence(i.id.as_str(), &i.search) {
                s.push_str(&p_note(&x));
            }
            for alt in &i.alternatives {
                s.push_str(&p_note(&format!(
                    "{} 另一种改法：{}，得{}分",
                    i.id,
                    changes_text(&alt.changes),
                    alt.earned
                )));
            }
        }
    }

    if !g.adjustments.is_empty() {
        s.push_str(&h(2, ADJUSTMENTS_TITLE));
        let mut t = Table::new(&ADJUSTMENTS_HEAD);
        for a in &g.adjustments {
            t.row(adjustment_row(a).into_iter().map(Cell::T).collect());
        }
        s.push_str(&t.render());
        for a in &g.adjustments {
            for n in adjustment_notes(a) {
                s.push_str(&p_note(&n));
            }
        }
    }

    s.push_str(&h(2, "无数据指标（需补充佐证材料）"));
    if g.no_data.is_empty() {
        s.push_str(&p("所有指标都有数据。"));
    } else {
        s.push_str(&crate::render::write::html::table(
            &crate::render::compose::gap::no_data_table(g),
        ));
    }

    if let Some(pc) = &g.peers {
        s.push_str(&h(2, &format!("与同组比较（{} 个县）", pc.peers.len())));
        if pc.peers.is_empty() {
            s.push_str(&p("同组中没有其他县，无法比较。"));
        } else {
            let cell = |x: Option<Points>| Cell::N(x.map_or("—".into(), |p| p.to_string()));
            let diff = |x: Option<Points>| {
                Cell::N(x.map_or("—".into(), |d| {
                    if d > Points::ZERO {
                        format!("+{d}")
                    } else {
                        d.to_string()
                    }
                }))
            };
            let mut t = Table::new(&["编号", "一级指标", "本县#", "同组中位数#", "差距#", "比较"]);
            for a in &pc.areas {
                t.row(vec![
                    a.id.to_string().into(),
                    a.name.as_str().into(),
                    Cell::N(a.earned.to_string()),
                    cell(a.median),
                    diff(a.diff),
                    if a.below {
                        "低于中位数"
                    } else {
                        "不低于"
                    }
                    .into(),
                ]);
            }
            t.row(vec![
                "".into(),
                "总分".into(),
                Cell::N(pc.total.to_string()),
                cell(pc.total_median),
                diff(pc.total_median.map(|m| pc.total - m)),
                "".into(),
            ]);
            s.push_str(&t.render());
            s.push_str(&p_note(&format!("同组：{}", pc.peers.join("、"))));
        }
    }
    s.push_str(&p_note(crate::render::markdown::GAP_NOTE));
    s
}

/// Gap analyses as one HTML document, one section (and one printed page run) per county.
///
/// ```
/// # let rules = fazhi::RuleSet::builtin().unwrap();
/// # let data = fazhi::CountyData::from_str("x.yaml", "county: {id: x, name: 某县}\ndata: {}\n", &rules).unwrap();
/// let gap = fazhi::analyse::gap::GapAnalysis::new(&rules, &data);
/// let html = fazhi::render::html::gap_html(&[gap]);
/// assert!(html.contains("某县法治政府建设差距分析"));
/// ```
pub fn gap_html(gaps: &[GapAnalysis]) -> String {
    fn parts(g: &GapAnalysis) -> Parts<'_> {
        (&g.ruleset, &g.engine, &g.county)
    }
    let summary = (gaps.len() > 1).then(|| GapSummary::new(gaps));
    per_county(
        gaps,
        parts,
        gap_body,
        "法治政府建设差距分析",
        summary
            .as_ref()
            .map(|x| (x, summary_body as fn(&GapSummary, &Prov) -> String)),
    )
}

/// A table of typed summary cells: numbers right-aligned.
fn summary_table(head: &[String], rows: Vec<Vec<SumCell>>) -> String {
    let numeric: Vec<bool> = rows
        .first()
        .map_or_else(Vec::new, |r| r.iter().map(SumCell::numeric).collect());
    let head: Vec<String> = head
        .iter()
        .enumerate()
        .map(|(i, h)| {
            if numeric.get(i).copied().unwrap_or(false) {
                format!("{h}#")
            } else {
                h.clone()
            }
        })
        .collect();
    let head: Vec<&str> = head.iter().map(String::as_str).collect();
    let mut t = Table::new(&head).with_id("gap-summary");
    for r in rows {
        t.row(
            r.iter()
                .map(|c| match c {
                    SumCell::Text(x) => Cell::T(x.clone()),
                    n => Cell::N(n.text()),
                })
                .collect(),
        );
    }
    t.render()
}

/// The batch summary's section (several counties): the pass lines, then every entry.
fn summary_body(x: &GapSummary, prov: &Prov) -> String {
    let mut s = h(1, &summary_title(x));
    s.push_str(&prov.block());
    if !x.pass_lines.is_empty() {
        s.push_str(&h(2, "各达标线"));
        let head: Vec<String> = LINES_HEAD.iter().map(|h| h.to_string()).collect();
        s.push_str(&summary_table(&head, line_rows(x)));
    }
    s.push_str(&h(2, "各项失分与方案"));
    if x.entries.is_empty() {
        s.push_str(&p("各县均未失分。"));
    } else {
        s.push_str(&summary_table(&entries_head(x), entry_rows(x)));
    }
    s.push_str(&p_note(SUMMARY_NOTE));
    s.push_str(&super::inputs_list(prov.p, prov.data_word));
    s
}
