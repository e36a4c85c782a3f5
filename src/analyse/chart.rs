//! An SVG chart of rank intervals: one row per county (best median rank at the top), a bar from
//! the 5th to the 95th percentile rank, a dot at the median and a tick at the baseline rank.
//! A county disqualified by a veto (一票否决) keeps its place by total but is drawn apart: a grey
//! hatched bar and "（否决）" after its name, with a legend line saying what that means.
//! Written as plain SVG text: same input, same bytes.

use super::uncertainty::{CountyUncertainty, Uncertainty};
use std::fmt::Write;

/// Fonts that carry Chinese glyphs on the common systems, then the generic fallback: county and
/// area names must never render as empty boxes.
const FONTS: &str = "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', 'WenQuanYi Micro Hei', sans-serif";

const WIDTH: f64 = 860.0;
const LEFT: f64 = 180.0;
const RIGHT: f64 = 30.0;
const TOP: f64 = 56.0;
const BOTTOM: f64 = 40.0;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
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
/// # use fazhi::analyse::{scores::Batch, uncertainty::*, weights::Weights};
/// # let rules = fazhi::RuleSet::builtin()?;
/// # let county = fazhi::CountyData::from_str("x.yaml", "county: {id: x, name: 某县}\ndata: {}\n", &rules)?;
/// # let batch = Batch::evaluate(&rules, &[county]);
/// # let s = Settings { noise: Noise::new(), runs: 3, seed: 1, sensitivity: None, float_total: false };
/// let u = analyse(&rules, &batch, &Weights::nominal(&rules), &s)?;
/// let svg = fazhi::analyse::chart::rank_intervals(&u);
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
    let plot_w = WIDTH - LEFT - RIGHT;
    let x = |rank: u32| {
        let span = (n.max(2) - 1) as f64;
        LEFT + plot_w * (rank.saturating_sub(1)) as f64 / span
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
    let vetoed = rows.iter().filter(|c| c.vetoed).count();
    if vetoed > 0 {
        let _ = writeln!(
            s,
            r##"<defs><pattern id="vetoed" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="4" height="4" fill="#cccccc"/><line x1="0" y1="0" x2="0" y2="4" stroke="#888888" stroke-width="1.5"/></pattern></defs>"##
        );
    }
    let _ = writeln!(
        s,
        r#"<text x="{LEFT}" y="20" font-size="14">名次区间：5%–95% 分位（条），中位名次（点），基准名次（竖线）</text>"#
    );
    let _ = writeln!(
        s,
        r##"<text x="{LEFT}" y="38" fill="#555">{}，{} 次抽样，种子 {}；名次 1 为最好</text>"##,
        esc(&u.ruleset),
        u.runs,
        u.seed
    );
    if vetoed > 0 {
        let _ = writeln!(
            s,
            r##"<text x="{:.1}" y="38" text-anchor="end" fill="#aa3377">灰色斜纹：一票否决的县（{vetoed} 个），按总分排名但不能达到任何等次</text>"##,
            WIDTH - RIGHT
        );
    }
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
        LEFT + plot_w / 2.0,
        height - 4.0
    );
    for (i, c) in rows.iter().enumerate() {
        let cy = TOP + row_h * (i as f64 + 0.5);
        let (x0, x1) = (x(c.p05_rank), x(c.p95_rank));
        let bar = (row_h * 0.5).max(0.5);
        let (stroke, mark) = if c.vetoed {
            ("url(#vetoed)", "（否决）")
        } else {
            ("#4477aa", "")
        };
        let _ = writeln!(
            s,
            r##"<g><title>{} {}{mark}：中位 {}，区间 {}–{}，基准 {}</title><line x1="{x0:.1}" y1="{cy:.1}" x2="{:.1}" y2="{cy:.1}" stroke="{stroke}" stroke-width="{bar:.1}" stroke-linecap="round"/><circle cx="{:.1}" cy="{cy:.1}" r="{:.1}" fill="#222"/><line x1="{bx:.1}" y1="{:.1}" x2="{bx:.1}" y2="{:.1}" stroke="#ee6677" stroke-width="1.5"/></g>"##,
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
            let fill = if c.vetoed { r##" fill="#aa3377""## } else { "" };
            let _ = writeln!(
                s,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="end"{fill}>{}{mark}</text>"#,
                LEFT - 8.0,
                cy + 4.0,
                esc(&c.name)
            );
        }
    }
    s.push_str("</svg>\n");
    s
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
