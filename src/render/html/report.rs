//! Counties' score reports and gap analyses as HTML pages: each county's composed document
//! (`render::compose::score`, `render::compose::gap::county`, with their charts) written by
//! `render::write::html`, one section per county with its provenance, and the batch summary.

use super::{document, Prov, Section};
use crate::analyse::gap::GapAnalysis;
use crate::analyse::gap::GapSummary;
use crate::render::compose::{gap, score};
use crate::report::{CountyRef, InputFile, Provenance, Report};

/// The county's title: `郓城县（2018年）法治政府建设评分报告`.
fn title(c: &CountyRef, what: &str) -> String {
    let year = c.year.map(|y| format!("（{y}年）")).unwrap_or_default();
    format!("{}{year}{what}", c.name)
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
    crate::render::write::html::body(&gap::county::document(g, true), &prov.block())
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

/// The batch summary's section (several counties): the pass lines, then every entry, then
/// every county's data.
fn summary_body(x: &GapSummary, prov: &Prov) -> String {
    let mut s = crate::render::write::html::body(&gap::summary::document(x), &prov.block());
    s.push_str(&super::inputs_list(prov.p, prov.data_word));
    s
}
