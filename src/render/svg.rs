//! An SVG chart of rank intervals: one row per county (best median rank at the top), a bar from
//! the 5th to the 95th percentile rank, a dot at the median and a tick at the baseline rank, and
//! a legend. A county disqualified by a veto (一票否决) is ranked by its total like the others
//! but drawn apart: a pale red band across its row, a grey dashed bar, a hollow dot and 〔否决〕
//! after its name, so that a high rank is never read as a pass. Written as plain SVG text: same input, same bytes.

use crate::analyse::policy::uncertainty::{CountyUncertainty, Uncertainty};
use std::fmt::Write;

/// Fonts that carry Chinese glyphs on the common systems, then the generic fallback: county and
/// area names must never render as empty boxes.
const FONTS: &str = "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', 'WenQuanYi Micro Hei', sans-serif";

const WIDTH: f64 = 860.0;
const LEFT: f64 = 180.0;
const RIGHT: f64 = 30.0;
const TOP: f64 = 76.0;
/// Bars of counties that pass on their merits, and of vetoed counties.
const BAR: &str = "#4477aa";
const VETO_BAR: &str = "#999999";
/// The band behind a vetoed county's row.
const VETO_BAND: &str = "#fbe3df";
/// The 〔否决〕 label and the baseline tick.
const VETO_TEXT: &str = "#cc3311";
const TICK: &str = "#ee6677";
const BOTTOM: f64 = 40.0;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The width of a label at font size 11: full-width (CJK) characters 11 px, others about 6.5.
fn text_width(s: &str) -> f64 {
    s.chars()
        .map(|c| if (c as u32) >= 0x2E80 { 11.0 } else { 6.5 })
        .sum()
}

/// A "nice" tick step for ranks 1..=n, about eight ticks.
fn tick_step(n: u32) -> u32 {
    let raw = (n as f64 / 8.0).max(1.0);
    let mag = 10f64.powi(raw.log10().floor() as i32);
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    step as u32
}

/// The chart of an analysis's rank intervals, as SVG text.
///
/// ```
/// # use fazhi::analyse::policy::{scores::Batch, uncertainty::*, weights::Weights};
/// # let rules = fazhi::RuleSet::builtin()?;
/// # let county = fazhi::CountyData::from_str("x.yaml", "county: {id: x, name: 某县}\ndata: {}\n", &rules)?;
/// # let batch = Batch::evaluate(&rules, &[county]);
/// # let s = Settings { noise: Noise::new(), runs: 3, seed: 1, sensitivity: None, float_total: false };
/// let u = analyse(&rules, &batch, &Weights::nominal(&rules), &s)?;
/// let svg = fazhi::render::svg::rank_intervals(&u);
/// assert!(svg.starts_with("<svg") && svg.contains("某县"));
/// # Ok::<(), fazhi::Error>(())
/// ```
pub fn rank_intervals(u: &Uncertainty) -> String {
    let mut rows: Vec<&CountyUncertainty> = u.counties.iter().collect();
    rows.sort_by(|a, b| {
        (a.median_rank, a.baseline_rank, &a.id).cmp(&(b.median_rank, b.baseline_rank, &b.id))
    });
    let n = rows.len().max(1) as u32;
    let labels = rows.len() <= 80;
    let row_h = if labels {
        16.0
    } else {
        (900.0 / n as f64).clamp(0.5, 4.0)
    };
    let height = TOP + BOTTOM + row_h * rows.len() as f64;
    // The plot starts right of the widest label (at least at LEFT, at most halfway across).
    let left = if labels {
        rows.iter()
            .map(|c| text_width(&c.name) + if c.vetoed { 48.0 } else { 0.0 } + 24.0)
            .fold(LEFT, f64::max)
            .min(WIDTH / 2.0)
            .round()
    } else {
        LEFT
    };
    let plot_w = WIDTH - left - RIGHT;
    let x = |rank: u32| {
        let span = (n.max(2) - 1) as f64;
        left + plot_w * (rank.saturating_sub(1)) as f64 / span
    };
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height:.1}" viewBox="0 0 {WIDTH} {height:.1}" font-family="{FONTS}" font-size="11">"#
    );
    let _ = writeln!(
        s,
        "<title>名次区间（{} 次权重抽样，种子 {}）</title>",
        u.runs, u.seed
    );
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="{LEFT}" y="20" font-size="14">各县名次区间（权重随机抽样）</text>"#
    );
    let _ = writeln!(
        s,
        r##"<text x="{LEFT}" y="38" fill="#555">{}，{} 次抽样，种子 {}；名次 1 为最好</text>"##,
        esc(&u.ruleset),
        u.runs,
        u.seed
    );
    legend(&mut s, u.counties.iter().any(|c| c.vetoed));
    let axis_y = height - BOTTOM + 6.0;
    let step = tick_step(n);
    let mut t = 1;
    while t <= n {
        let tx = x(t);
        let _ = writeln!(
            s,
            r##"<line x1="{tx:.1}" y1="{TOP:.1}" x2="{tx:.1}" y2="{axis_y:.1}" stroke="#e4e4e4"/><text x="{tx:.1}" y="{:.1}" text-anchor="middle">{t}</text>"##,
            axis_y + 14.0
        );
        t = if t == 1 && step > 1 { step } else { t + step };
    }
    let _ = writeln!(
        s,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">名次</text>"#,
        left + plot_w / 2.0,
        height - 4.0
    );
    for (i, c) in rows.iter().enumerate() {
        let cy = TOP + row_h * (i as f64 + 0.5);
        let (x0, x1) = (x(c.p05_rank), x(c.p95_rank));
        let bar = (row_h * 0.5).max(0.5);
        let (colour, dash, dot, note) = if c.vetoed {
            (
                VETO_BAR,
                r#" stroke-dasharray="4 2""#,
                r##"fill="white" stroke="#222""##,
                "（一票否决，不达标）",
            )
        } else {
            (BAR, "", r##"fill="#222""##, "")
        };
        let cap = if c.vetoed { "butt" } else { "round" };
        if c.vetoed {
            let _ = writeln!(
                s,
                r#"<rect class="veto-band" x="0" y="{:.1}" width="{:.1}" height="{row_h:.1}" fill="{VETO_BAND}"/>"#,
                cy - row_h / 2.0,
                WIDTH - RIGHT / 2.0,
            );
        }
        let _ = writeln!(
            s,
            r##"<g class="{}"><title>{} {}{note}：中位 {}，区间 {}–{}，基准 {}</title><line x1="{x0:.1}" y1="{cy:.1}" x2="{:.1}" y2="{cy:.1}" stroke="{colour}" stroke-width="{bar:.1}" stroke-linecap="{cap}"{dash}/><circle cx="{:.1}" cy="{cy:.1}" r="{:.1}" {dot}/><line x1="{bx:.1}" y1="{:.1}" x2="{bx:.1}" y2="{:.1}" stroke="{TICK}" stroke-width="1.5"/></g>"##,
            if c.vetoed { "county vetoed" } else { "county" },
            esc(&c.id),
            esc(&c.name),
            c.median_rank,
            c.p05_rank,
            c.p95_rank,
            c.baseline_rank,
            x1.max(x0 + 0.5),
            x(c.median_rank),
            (row_h * 0.3).max(0.6),
            cy - row_h * 0.45,
            cy + row_h * 0.45,
            bx = x(c.baseline_rank),
        );
        if labels {
            let mark = if c.vetoed {
                format!(r#"<tspan fill="{VETO_TEXT}" font-weight="bold">〔否决〕</tspan>"#)
            } else {
                String::new()
            };
            let _ = writeln!(
                s,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}{mark}</text>"#,
                left - 8.0,
                cy + 4.0,
                esc(&c.name)
            );
        }
    }
    s.push_str("</svg>\n");
    s
}

/// The legend under the titles: what the bar, the dot and the tick mean, and the vetoed mark
/// when some county is vetoed.
fn legend(s: &mut String, vetoed: bool) {
    let y = 58.0;
    let _ = write!(
        s,
        r##"<g class="legend"><line x1="{LEFT}" y1="{y}" x2="{:.1}" y2="{y}" stroke="{BAR}" stroke-width="8" stroke-linecap="round"/><text x="{:.1}" y="{:.1}">5%–95% 分位区间</text><circle cx="{:.1}" cy="{y}" r="4.8" fill="#222"/><text x="{:.1}" y="{:.1}">中位名次</text><line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{TICK}" stroke-width="1.5"/><text x="{:.1}" y="{:.1}">基准名次</text>"##,
        LEFT + 24.0,
        LEFT + 32.0,
        y + 4.0,
        LEFT + 140.0,
        LEFT + 150.0,
        y + 4.0,
        LEFT + 214.0,
        y - 7.0,
        LEFT + 214.0,
        y + 7.0,
        LEFT + 222.0,
        y + 4.0,
    );
    if vetoed {
        let x = LEFT + 290.0;
        let _ = write!(
            s,
            r##"<rect x="{:.1}" y="{:.1}" width="32" height="16" fill="{VETO_BAND}"/><line x1="{x}" y1="{y}" x2="{:.1}" y2="{y}" stroke="{VETO_BAR}" stroke-width="8" stroke-dasharray="4 2"/><text x="{:.1}" y="{:.1}"><tspan fill="{VETO_TEXT}" font-weight="bold">〔否决〕</tspan>一票否决：任何权重下都不达标，仍按总分排名</text>"##,
            x - 4.0,
            y - 8.0,
            x + 24.0,
            x + 36.0,
            y + 4.0,
        );
    }
    s.push_str("</g>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round() {
        assert_eq!(tick_step(5), 1);
        assert_eq!(tick_step(20), 5);
        assert_eq!(tick_step(2844), 500);
    }
}
