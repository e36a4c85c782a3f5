//! Every chart fazhi draws, as plain SVG text (same input, same bytes): the rank intervals of an
//! uncertainty analysis, horizontal bars (a county's first-level areas earned against maximum and
//! the peers' median, the items that lost most, Sobol indices), diverging bars (rank changes,
//! score movements), the distance to each pass line, the distribution of totals with the pass
//! lines marked, a baseline-against-scenario scatter, and a correlation heat map.
//!
//! Colours come from Paul Tol's "high contrast" scheme (dark blue, ochre, dark red: distinct for
//! colour-blind readers and in greyscale, where they print as dark, light and mid grey); every
//! bar also carries its number as text, so a chart is never the only carrier of a figure.
//! Text widths come from the `unicode-width` crate: a full-width (CJK) character is two columns,
//! about one em wide.
//!
//! A rank-interval chart: one row per county (best median rank at the top), a bar from the 5th to
//! the 95th percentile rank, a dot at the median and a tick at the baseline rank, and a legend. A
//! county disqualified by a veto (一票否决) is ranked by its total like the others but drawn apart:
//! a pale red band across its row, a grey dashed bar, a hollow dot and 〔否决〕 after its name,
//! so that a high rank is never read as a pass.

use crate::analyse::policy::uncertainty::{CountyUncertainty, Uncertainty};
use std::fmt::Write;
use unicode_width::UnicodeWidthStr;

/// Fonts that carry Chinese glyphs on the common systems, then the generic fallback: county and
/// area names must never render as empty boxes.
pub const FONTS: &str = "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', 'WenQuanYi Micro Hei', sans-serif";

/// Paul Tol's high-contrast scheme: dark blue, ochre, dark red. In greyscale they print as dark,
/// light and middle grey; all three stay apart for the common colour-vision deficiencies.
pub const PALETTE: [&str; 3] = ["#004488", "#ddaa33", "#bb5566"];
/// The pale track behind a bar (its maximum).
const TRACK: &str = "#e8e8e8";
/// Markers (peers' median, pass lines): black, drawn as a line so they survive any printer.
const MARK: &str = "#000000";

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

/// Escapes text for SVG and HTML (`&`, `<`, `>`, `"`).
pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The width in px of a label at font size 11: its display columns (unicode-width: a CJK
/// character is two) times 5.6 px.
fn text_width(s: &str) -> f64 {
    text_width_at(s, 11.0)
}

/// The width in px of `s` at font size `size`: about 0.51 em per display column.
fn text_width_at(s: &str, size: f64) -> f64 {
    s.width() as f64 * size * 0.51
}

/// `s` cut to at most `cols` display columns, with `…` when cut.
fn clip(s: &str, cols: usize) -> String {
    if s.width() <= cols {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw + 1 > cols {
            break;
        }
        w += cw;
        out.push(c);
    }
    out.push('…');
    out
}

/// A number as short text: integers without decimals, others with up to two.
fn num(x: f64) -> String {
    let r = (x * 100.0).round() / 100.0;
    if r == r.trunc() {
        format!("{r:.0}")
    } else {
        let t = format!("{r:.2}");
        t.trim_end_matches('0').to_string()
    }
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

/// One row of a horizontal bar chart.
#[derive(Debug, Clone, PartialEq)]
pub struct HBar {
    /// The label left of the row (a first-level area, an item, a county).
    pub label: String,
    /// The values, one per series (points, or an index between 0 and 1); drawn from zero.
    pub values: Vec<f64>,
    /// The row's maximum, drawn as a pale track behind the bars (an area's full points).
    pub max: Option<f64>,
    /// A marker on the row (the peers' median), drawn as a black line.
    pub marker: Option<f64>,
    /// The row's figures as text, written right of the bars (`32 / 40`).
    pub text: String,
}

/// A horizontal bar chart: one row per [`HBar`], one bar per series, all on one scale from zero
/// to the largest maximum, value or marker.
#[derive(Debug, Clone, PartialEq)]
pub struct HBarChart<'a> {
    /// The title above the chart.
    pub title: &'a str,
    /// A line under the title (units, what the rows are).
    pub note: &'a str,
    /// The series' names for the legend, in the order of [`HBar::values`].
    pub series: &'a [&'a str],
    /// What the marker means (legend), when the rows carry one.
    pub marker: Option<&'a str>,
    /// What the pale track behind the bars means (legend: 满分), when the rows carry one.
    pub track: Option<&'a str>,
    /// The rows, top to bottom.
    pub rows: &'a [HBar],
}

fn open_svg(s: &mut String, height: f64, title: &str) {
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height:.1}" viewBox="0 0 {WIDTH} {height:.1}" font-family="{FONTS}" font-size="11" role="img">"#
    );
    let _ = writeln!(s, "<title>{}</title>", esc(title));
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
}

fn titles(s: &mut String, x: f64, title: &str, note: &str) {
    let _ = writeln!(
        s,
        r#"<text x="{x:.1}" y="20" font-size="14" font-weight="bold">{}</text>"#,
        esc(title)
    );
    if !note.is_empty() {
        let _ = writeln!(
            s,
            r##"<text x="{x:.1}" y="38" fill="#444">{}</text>"##,
            esc(note)
        );
    }
}

/// A legend swatch and its name at (x, y); returns the x after it.
fn swatch(s: &mut String, x: f64, y: f64, fill: &str, name: &str) -> f64 {
    let _ = write!(
        s,
        r##"<rect x="{x:.1}" y="{:.1}" width="14" height="10" fill="{fill}" stroke="#222" stroke-width="0.5"/><text x="{:.1}" y="{:.1}">{}</text>"##,
        y - 8.0,
        x + 18.0,
        y + 1.0,
        esc(name)
    );
    x + 30.0 + text_width(name)
}

/// A horizontal bar chart as SVG text.
///
/// ```
/// use fazhi::render::svg::{hbars, HBar, HBarChart};
/// let rows = [HBar { label: "依法全面履行政府职能".into(), values: vec![32.0], max: Some(40.0),
///     marker: Some(30.0), text: "32 / 40".into() }];
/// let svg = hbars(&HBarChart { title: "各领域得分", note: "分", series: &["得分"],
///     marker: Some("同组中位数"), track: Some("满分"), rows: &rows });
/// assert!(svg.starts_with("<svg") && svg.contains("32 / 40"));
/// ```
pub fn hbars(c: &HBarChart) -> String {
    let n_series = c.series.len().max(1);
    let bar_h = 11.0;
    let row_h = bar_h * n_series as f64 + 9.0;
    let top = 62.0;
    let height = top + row_h * c.rows.len() as f64 + 12.0;
    let label_w = c
        .rows
        .iter()
        .map(|r| text_width(&clip(&r.label, 44)))
        .fold(80.0, f64::max)
        .min(WIDTH * 0.4);
    let left = (label_w + 16.0).round();
    let text_w = c
        .rows
        .iter()
        .map(|r| text_width(&r.text))
        .fold(40.0, f64::max);
    let plot_w = WIDTH - left - text_w - 20.0;
    let scale = c
        .rows
        .iter()
        .flat_map(|r| r.values.iter().copied().chain(r.max).chain(r.marker))
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let scale = if scale > 0.0 { scale } else { 1.0 };
    let x = |v: f64| left + plot_w * (v.max(0.0) / scale).min(1.0);
    let mut s = String::new();
    open_svg(&mut s, height, c.title);
    titles(&mut s, 8.0, c.title, c.note);
    let mut lx = 8.0;
    for (k, name) in c.series.iter().enumerate() {
        lx = swatch(&mut s, lx, 54.0, PALETTE[k % PALETTE.len()], name);
    }
    if let Some(t) = c.track.filter(|_| c.rows.iter().any(|r| r.max.is_some())) {
        lx = swatch(&mut s, lx, 54.0, TRACK, t);
    }
    if let Some(m) = c.marker {
        let _ = write!(
            s,
            r#"<line x1="{:.1}" y1="44" x2="{:.1}" y2="56" stroke="{MARK}" stroke-width="2.5"/><text x="{:.1}" y="55">{}</text>"#,
            lx + 6.0,
            lx + 6.0,
            lx + 14.0,
            esc(m)
        );
    }
    s.push('\n');
    for (i, r) in c.rows.iter().enumerate() {
        let y0 = top + row_h * i as f64;
        let _ = write!(
            s,
            r#"<g class="row"><text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            left - 8.0,
            y0 + row_h / 2.0 + 3.5,
            esc(&clip(&r.label, 44))
        );
        if let Some(m) = r.max {
            let _ = write!(
                s,
                r#"<rect x="{left:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{TRACK}"/>"#,
                y0 + 4.0,
                x(m) - left,
                row_h - 8.0
            );
        }
        for (k, v) in r.values.iter().enumerate() {
            let w = (x(*v) - left).max(if *v > 0.0 { 1.0 } else { 0.0 });
            let _ = write!(
                s,
                r##"<rect x="{left:.1}" y="{:.1}" width="{w:.1}" height="{bar_h:.1}" fill="{}" stroke="#222" stroke-width="0.4"/>"##,
                y0 + 4.5 + bar_h * k as f64,
                PALETTE[k % PALETTE.len()]
            );
        }
        if let Some(m) = r.marker {
            let mx = x(m);
            let _ = write!(
                s,
                r#"<line x1="{mx:.1}" y1="{:.1}" x2="{mx:.1}" y2="{:.1}" stroke="{MARK}" stroke-width="2.5"/>"#,
                y0 + 1.0,
                y0 + row_h - 1.0
            );
        }
        let end = r
            .values
            .iter()
            .copied()
            .chain(r.max)
            .chain(r.marker)
            .map(x)
            .fold(left, f64::max);
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}">{}</text></g>"#,
            end + 6.0,
            y0 + row_h / 2.0 + 3.5,
            esc(&r.text)
        );
    }
    s.push_str("</svg>\n");
    s
}

/// A diverging bar chart: one row per `(label, value, text)`, bars to the right of zero for
/// positive values (ochre) and to the left for negative ones (dark blue), the text beside.
/// Used for rank changes (名次变化) and score movements (分数变化).
///
/// ```
/// let svg = fazhi::render::svg::signed_bars("名次变化", "", &[("甲县".into(), 3.0, "↑3".into())]);
/// assert!(svg.contains("↑3"));
/// ```
pub fn signed_bars(title: &str, note: &str, rows: &[(String, f64, String)]) -> String {
    let row_h = 18.0;
    let top = 50.0;
    let height = top + row_h * rows.len().max(1) as f64 + 14.0;
    let label_w = rows
        .iter()
        .map(|r| text_width(&clip(&r.0, 30)))
        .fold(60.0, f64::max);
    let left = (label_w + 16.0).round();
    let plot_w = WIDTH - left - 70.0;
    let zero = left + plot_w / 2.0;
    let scale = rows
        .iter()
        .map(|r| r.1.abs())
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let scale = if scale > 0.0 { scale } else { 1.0 };
    let half = plot_w / 2.0 - 50.0;
    let mut s = String::new();
    open_svg(&mut s, height, title);
    titles(&mut s, 8.0, title, note);
    let _ = writeln!(
        s,
        r##"<line x1="{zero:.1}" y1="{:.1}" x2="{zero:.1}" y2="{:.1}" stroke="#222"/>"##,
        top - 4.0,
        height - 10.0
    );
    for (i, (label, v, text)) in rows.iter().enumerate() {
        let cy = top + row_h * (i as f64 + 0.5);
        let w = (v.abs() / scale * half).max(if *v != 0.0 { 1.0 } else { 0.0 });
        let (bx, fill, tx, anchor) = if *v >= 0.0 {
            (zero, PALETTE[1], zero + w + 5.0, "start")
        } else {
            (zero - w, PALETTE[0], zero - w - 5.0, "end")
        };
        let _ = writeln!(
            s,
            r##"<g class="row"><text x="{:.1}" y="{:.1}" text-anchor="end">{}</text><rect x="{bx:.1}" y="{:.1}" width="{w:.1}" height="12" fill="{fill}" stroke="#222" stroke-width="0.4"/><text x="{tx:.1}" y="{:.1}" text-anchor="{anchor}">{}</text></g>"##,
            left - 8.0,
            cy + 4.0,
            esc(&clip(label, 30)),
            cy - 6.0,
            cy + 4.0,
            esc(text)
        );
    }
    s.push_str("</svg>\n");
    s
}

/// A pass line on a gauge: name, the minimum total in points, and whether it is reached.
#[derive(Debug, Clone, PartialEq)]
pub struct PassMark {
    /// The pass line's name (达标线的名称).
    pub name: String,
    /// The minimum total, in points.
    pub min_total: f64,
    /// Whether the county reaches it.
    pub reached: bool,
}

/// The distance to each pass line: one scale from 0 to `max` points, a bar up to the county's
/// `total`, a black line at each pass line with its name, its minimum and the distance as text
/// (`差 4.5 分` or `已达到`).
///
/// ```
/// use fazhi::render::svg::{pass_gauge, PassMark};
/// let svg = pass_gauge("距达标线", 75.5, 100.0,
///     &[PassMark { name: "达标".into(), min_total: 80.0, reached: false }]);
/// assert!(svg.contains("差 4.5 分"));
/// ```
pub fn pass_gauge(title: &str, total: f64, max: f64, lines: &[PassMark]) -> String {
    let top = 52.0;
    let bar_h = 26.0;
    let height = top + bar_h + 30.0 + 30.0 * lines.len() as f64;
    let left = 20.0;
    let plot_w = WIDTH - left - 40.0;
    let scale = lines
        .iter()
        .map(|l| l.min_total)
        .chain([max, total])
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let scale = if scale > 0.0 { scale } else { 1.0 };
    let x = |v: f64| left + plot_w * (v.max(0.0) / scale).min(1.0);
    let mut s = String::new();
    open_svg(&mut s, height, title);
    titles(
        &mut s,
        8.0,
        title,
        &format!("总分 {} / {} 分", num(total), num(max)),
    );
    let _ = writeln!(
        s,
        r##"<rect x="{left}" y="{top}" width="{:.1}" height="{bar_h}" fill="{TRACK}"/><rect x="{left}" y="{top}" width="{:.1}" height="{bar_h}" fill="{}" stroke="#222" stroke-width="0.4"/><text x="{:.1}" y="{:.1}" fill="white" font-weight="bold" text-anchor="end">{}</text>"##,
        x(max) - left,
        (x(total) - left).max(0.0),
        PALETTE[0],
        (x(total) - 4.0).max(left + 30.0),
        top + 17.0,
        num(total)
    );
    for (i, l) in lines.iter().enumerate() {
        let lx = x(l.min_total);
        let ly = top + bar_h + 22.0 + 30.0 * i as f64;
        let gap = l.min_total - total;
        let what = if l.reached || gap <= 0.0 {
            "已达到总分要求".to_string()
        } else {
            format!("差 {} 分", num(gap))
        };
        let label = format!("{}（{} 分）：{what}", l.name, num(l.min_total));
        let anchor = if lx > WIDTH * 0.6 { "end" } else { "start" };
        let tx = if anchor == "end" { lx - 4.0 } else { lx + 4.0 };
        let _ = writeln!(
            s,
            r#"<line x1="{lx:.1}" y1="{:.1}" x2="{lx:.1}" y2="{:.1}" stroke="{MARK}" stroke-width="2" stroke-dasharray="{}"/><text x="{tx:.1}" y="{ly:.1}" text-anchor="{anchor}">{}</text>"#,
            top - 4.0,
            ly + 3.0,
            if l.reached { "none" } else { "4 2" },
            esc(&label)
        );
    }
    s.push_str("</svg>\n");
    s
}

/// The distribution of totals: a histogram of `values` (points) in bins of a round width, with a
/// black line at each `(name, points)` marker (the pass lines) and the bins' counts as text.
///
/// ```
/// let svg = fazhi::render::svg::histogram("总分分布", "", &[71.0, 85.5, 92.0],
///     &[("达标".into(), 80.0)], "总分");
/// assert!(svg.contains("达标"));
/// ```
pub fn histogram(
    title: &str,
    note: &str,
    values: &[f64],
    markers: &[(String, f64)],
    x_label: &str,
) -> String {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let lo = finite
        .iter()
        .copied()
        .chain(markers.iter().map(|m| m.1))
        .fold(f64::INFINITY, f64::min);
    let hi = finite
        .iter()
        .copied()
        .chain(markers.iter().map(|m| m.1))
        .fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if lo.is_finite() && hi.is_finite() {
        (lo, hi)
    } else {
        (0.0, 1.0)
    };
    let step = nice_step((hi - lo).max(1.0) / 12.0);
    let start = (lo / step).floor() * step;
    let bins = (((hi - start) / step).floor() as usize + 1).clamp(1, 200);
    let mut counts = vec![0usize; bins];
    for v in &finite {
        let b = (((v - start) / step).floor().max(0.0) as usize).min(bins - 1);
        counts[b] += 1;
    }
    let top = 60.0 + 16.0 * markers.len() as f64;
    let plot_h = 220.0;
    let height = top + plot_h + 44.0;
    let left = 50.0;
    let plot_w = WIDTH - left - 30.0;
    let end = start + step * bins as f64;
    let x = |v: f64| left + plot_w * (v - start) / (end - start);
    let cmax = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let base = top + plot_h;
    let mut s = String::new();
    open_svg(&mut s, height, title);
    titles(&mut s, 8.0, title, note);
    for (i, c) in counts.iter().enumerate() {
        let x0 = x(start + step * i as f64);
        let h = plot_h * *c as f64 / cmax;
        let _ = write!(
            s,
            r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{h:.1}" fill="{}" stroke="#222" stroke-width="0.4"><title>{}–{}：{c} 个县</title></rect>"##,
            x0 + 1.0,
            base - h,
            (plot_w / bins as f64 - 2.0).max(0.5),
            PALETTE[0],
            num(start + step * i as f64),
            num(start + step * (i + 1) as f64),
        );
        if *c > 0 {
            let _ = write!(
                s,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{c}</text>"#,
                x0 + plot_w / bins as f64 / 2.0,
                base - h - 3.0
            );
        }
    }
    let every = bins.div_ceil(12).max(1);
    for i in (0..=bins).step_by(every) {
        let v = start + step * i as f64;
        let _ = write!(
            s,
            r##"<line x1="{0:.1}" y1="{base:.1}" x2="{0:.1}" y2="{1:.1}" stroke="#222"/><text x="{0:.1}" y="{2:.1}" text-anchor="middle">{3}</text>"##,
            x(v),
            base + 4.0,
            base + 16.0,
            num(v)
        );
    }
    let _ = writeln!(
        s,
        r##"<line x1="{left}" y1="{base:.1}" x2="{:.1}" y2="{base:.1}" stroke="#222"/><text x="{:.1}" y="{:.1}" text-anchor="middle">{}（县数见柱顶）</text>"##,
        left + plot_w,
        left + plot_w / 2.0,
        height - 6.0,
        esc(x_label)
    );
    for (k, (name, v)) in markers.iter().enumerate() {
        let mx = x(*v);
        let ly = 54.0 + 16.0 * k as f64;
        let anchor = if mx > WIDTH * 0.6 { "end" } else { "start" };
        let tx = if anchor == "end" { mx - 4.0 } else { mx + 4.0 };
        let _ = writeln!(
            s,
            r#"<line x1="{mx:.1}" y1="{:.1}" x2="{mx:.1}" y2="{base:.1}" stroke="{MARK}" stroke-width="2" stroke-dasharray="5 3"/><text x="{tx:.1}" y="{:.1}" text-anchor="{anchor}" font-weight="bold">{}（{} 分）</text>"#,
            ly - 4.0,
            ly + 8.0,
            esc(name),
            num(*v)
        );
    }
    s.push_str("</svg>\n");
    s
}

/// A round step (1, 2 or 5 times a power of ten) at least `raw`.
fn nice_step(raw: f64) -> f64 {
    let raw = if raw.is_finite() && raw > 0.0 {
        raw
    } else {
        1.0
    };
    let mag = 10f64.powi(raw.log10().floor() as i32);
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag)
}

/// Baseline against scenario: one dot per `(x, y, highlighted)` point (totals in points), the
/// diagonal y = x where nothing changed, highlighted points (a pass level changed) as ochre
/// squares. Axis ticks are labelled; the figures themselves are in the report's table.
///
/// ```
/// let svg = fazhi::render::svg::scatter("总分对比", "", &[(80.0, 82.5, false)], "原总分", "新总分");
/// assert!(svg.contains("原总分"));
/// ```
pub fn scatter(
    title: &str,
    note: &str,
    points: &[(f64, f64, bool)],
    x_label: &str,
    y_label: &str,
) -> String {
    let vals = points
        .iter()
        .flat_map(|p| [p.0, p.1])
        .filter(|v| v.is_finite());
    let (lo, hi) = vals.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
    let step = nice_step((hi - lo).max(1.0) / 6.0);
    let lo = (lo / step).floor() * step;
    let hi = ((hi / step).ceil() * step).max(lo + step);
    let size = 420.0;
    let left = 70.0;
    let top = 56.0;
    let height = top + size + 50.0;
    let x = |v: f64| left + size * (v - lo) / (hi - lo);
    let y = |v: f64| top + size - size * (v - lo) / (hi - lo);
    let mut s = String::new();
    open_svg(&mut s, height, title);
    titles(&mut s, 8.0, title, note);
    let mut t = lo;
    while t <= hi + step / 2.0 {
        let _ = write!(
            s,
            r##"<line x1="{0:.1}" y1="{top:.1}" x2="{0:.1}" y2="{1:.1}" stroke="#e4e4e4"/><text x="{0:.1}" y="{2:.1}" text-anchor="middle">{3}</text><line x1="{left:.1}" y1="{4:.1}" x2="{5:.1}" y2="{4:.1}" stroke="#e4e4e4"/><text x="{6:.1}" y="{7:.1}" text-anchor="end">{3}</text>"##,
            x(t),
            top + size,
            top + size + 16.0,
            num(t),
            y(t),
            left + size,
            left - 6.0,
            y(t) + 4.0,
        );
        t += step;
    }
    let _ = writeln!(
        s,
        r##"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#888" stroke-dasharray="4 3"/><rect x="{left}" y="{top}" width="{size}" height="{size}" fill="none" stroke="#222"/>"##,
        x(lo),
        y(lo),
        x(hi),
        y(hi)
    );
    for (a, b, hl) in points.iter().filter(|p| p.0.is_finite() && p.1.is_finite()) {
        if *hl {
            let _ = write!(
                s,
                r##"<rect x="{:.1}" y="{:.1}" width="7" height="7" fill="{}" stroke="#222" stroke-width="0.6"/>"##,
                x(*a) - 3.5,
                y(*b) - 3.5,
                PALETTE[1]
            );
        } else {
            let _ = write!(
                s,
                r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{}" fill-opacity="0.7"/>"#,
                x(*a),
                y(*b),
                PALETTE[0]
            );
        }
    }
    let lx = left + size + 30.0;
    let _ = writeln!(
        s,
        r##"
<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text><text x="16" y="{:.1}" transform="rotate(-90 16 {:.1})" text-anchor="middle">{}</text><circle cx="{lx:.1}" cy="{:.1}" r="4" fill="{}"/><text x="{:.1}" y="{:.1}">达标等级未变</text><rect x="{:.1}" y="{:.1}" width="8" height="8" fill="{}" stroke="#222" stroke-width="0.6"/><text x="{:.1}" y="{:.1}">达标等级改变</text><line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#888" stroke-dasharray="4 3"/><text x="{:.1}" y="{:.1}">虚线：两者相等</text>"##,
        left + size / 2.0,
        top + size + 36.0,
        esc(x_label),
        top + size / 2.0,
        top + size / 2.0,
        esc(y_label),
        top + 10.0,
        PALETTE[0],
        lx + 10.0,
        top + 14.0,
        lx - 4.0,
        top + 26.0,
        PALETTE[1],
        lx + 10.0,
        top + 34.0,
        lx - 6.0,
        top + 50.0,
        lx + 6.0,
        top + 50.0,
        lx + 10.0,
        top + 54.0,
    );
    s.push_str("</svg>\n");
    s
}

/// The diverging scale of [`heatmap`]: Paul Tol's BuRd end points (blue for −1, red for +1)
/// through a light grey at 0, so the sign survives colour-blindness and greyscale (darker = larger
/// in magnitude).
const DIVERGING: [(f64, [u8; 3]); 3] = [
    (-1.0, [0x21, 0x66, 0xac]),
    (0.0, [0xf7, 0xf7, 0xf7]),
    (1.0, [0xb2, 0x18, 0x2b]),
];

/// The fill of value `v` in −1..1 on [`DIVERGING`].
fn diverging(v: f64) -> String {
    let v = v.clamp(-1.0, 1.0);
    let (a, b) = if v < 0.0 {
        (DIVERGING[0], DIVERGING[1])
    } else {
        (DIVERGING[1], DIVERGING[2])
    };
    let t = (v - a.0) / (b.0 - a.0);
    let c: Vec<u8> = (0..3)
        .map(|k| (a.1[k] as f64 + t * (b.1[k] as f64 - a.1[k] as f64)).round() as u8)
        .collect();
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// A correlation heat map: one row and one column per label, each cell coloured on a diverging
/// blue–grey–red scale from −1 to 1 and carrying its value (two decimals); an undefined cell
/// (`None`) is hatched grey with —. Rows are labelled with the full label, columns with its
/// first word (the id).
///
/// ```
/// let m = vec![vec![Some(1.0), Some(-0.5)], vec![Some(-0.5), None]];
/// let svg = fazhi::render::svg::heatmap("相关矩阵", "", &["1 甲".into(), "2 乙".into()], &m);
/// assert!(svg.contains("−0.50") && svg.contains("—"));
/// ```
pub fn heatmap(title: &str, note: &str, labels: &[String], m: &[Vec<Option<f64>>]) -> String {
    let n = labels.len();
    let label_w = labels
        .iter()
        .map(|l| text_width(&clip(l, 30)))
        .fold(60.0, f64::max);
    let left = (label_w + 16.0).round();
    let top = 84.0;
    let cell = ((WIDTH - left - 40.0) / n.max(1) as f64).clamp(18.0, 64.0);
    let height = top + cell * n as f64 + 60.0;
    let mut s = String::new();
    open_svg(&mut s, height, title);
    titles(&mut s, 8.0, title, note);
    for (j, l) in labels.iter().enumerate() {
        let head = l.split_whitespace().next().unwrap_or(l);
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            left + cell * (j as f64 + 0.5),
            top - 8.0,
            esc(head)
        );
    }
    s.push('\n');
    for (i, l) in labels.iter().enumerate() {
        let y0 = top + cell * i as f64;
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            left - 8.0,
            y0 + cell / 2.0 + 4.0,
            esc(&clip(l, 30))
        );
        for j in 0..n {
            let x0 = left + cell * j as f64;
            let v = m.get(i).and_then(|r| r.get(j)).copied().flatten();
            let (fill, text, ink) = match v {
                Some(v) if v.is_finite() => (
                    diverging(v),
                    crate::render::words::minus(&format!("{v:.2}")),
                    if v.abs() > 0.6 { "#ffffff" } else { "#111111" },
                ),
                _ => ("#d9d9d9".to_string(), "—".to_string(), "#111111"),
            };
            let _ = write!(
                s,
                r##"<rect x="{x0:.1}" y="{y0:.1}" width="{cell:.1}" height="{cell:.1}" fill="{fill}" stroke="#ffffff" stroke-width="1"/><text x="{:.1}" y="{:.1}" text-anchor="middle" fill="{ink}" font-size="{:.1}">{}</text>"##,
                x0 + cell / 2.0,
                y0 + cell / 2.0 + 4.0,
                (cell / 4.2).clamp(8.0, 11.0),
                text
            );
        }
        s.push('\n');
    }
    // The scale: eleven steps from −1 to 1.
    let ly = top + cell * n as f64 + 22.0;
    let _ = write!(
        s,
        r#"<text x="{left:.1}" y="{:.1}">色标：</text>"#,
        ly + 9.0
    );
    for k in 0..=10 {
        let v = -1.0 + 0.2 * k as f64;
        let _ = write!(
            s,
            r##"<rect x="{:.1}" y="{ly:.1}" width="22" height="12" fill="{}" stroke="#888" stroke-width="0.3"/>"##,
            left + 44.0 + 22.0 * k as f64,
            diverging(v)
        );
    }
    let _ = writeln!(
        s,
        r##"<text x="{:.1}" y="{:.1}" text-anchor="middle">−1</text><text x="{:.1}" y="{:.1}" text-anchor="middle">0</text><text x="{:.1}" y="{:.1}" text-anchor="middle">1</text><rect x="{:.1}" y="{ly:.1}" width="22" height="12" fill="#d9d9d9"/><text x="{:.1}" y="{:.1}">— 无定义</text>"##,
        left + 55.0,
        ly + 26.0,
        left + 165.0,
        ly + 26.0,
        left + 275.0,
        ly + 26.0,
        left + 310.0,
        left + 338.0,
        ly + 10.0,
    );
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_widths_count_columns() {
        // 2 CJK characters = 4 columns, 4 × 11 × 0.51 = 22.44 px; "ab" = 2 × 5.61 = 11.22 px.
        assert!((text_width("县名") - 22.44).abs() < 1e-9);
        assert!((text_width("ab") - 11.22).abs() < 1e-9);
        assert_eq!(clip("依法全面履行政府职能", 7), "依法全…");
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(num(80.0), "80");
        assert_eq!(num(4.5), "4.5");
        assert_eq!(num(1.0 / 3.0), "0.33");
        assert_eq!(nice_step(7.3), 10.0);
        assert_eq!(nice_step(1.5), 2.0);
    }

    #[test]
    fn a_histogram_counts_every_county_once() {
        // Values 71, 85.5, 92 over a range 71..92 (21 points): step = nice(21/12 = 1.75) = 2,
        // bins from 70; each value falls into one bin, so the counts written are 1, 1, 1.
        let svg = histogram(
            "t",
            "",
            &[71.0, 85.5, 92.0],
            &[("达标".into(), 80.0)],
            "总分",
        );
        assert_eq!(svg.matches("：1 个县").count(), 3);
        assert!(svg.contains("达标（80 分）"));
    }

    #[test]
    fn charts_of_nothing_are_still_svg() {
        assert!(histogram("t", "", &[], &[], "x").ends_with("</svg>\n"));
        assert!(scatter("t", "", &[], "x", "y").ends_with("</svg>\n"));
        assert!(signed_bars("t", "", &[]).ends_with("</svg>\n"));
        let c = HBarChart {
            title: "t",
            note: "",
            series: &[],
            marker: None,
            track: None,
            rows: &[],
        };
        assert!(hbars(&c).ends_with("</svg>\n"));
        assert!(pass_gauge("t", f64::NAN, 0.0, &[]).ends_with("</svg>\n"));
    }

    #[test]
    fn gauge_states_the_distance() {
        // 80 − 75.5 = 4.5 points short; 60 is already reached.
        let lines = [
            PassMark {
                name: "达标".into(),
                min_total: 80.0,
                reached: false,
            },
            PassMark {
                name: "基本达标".into(),
                min_total: 60.0,
                reached: true,
            },
        ];
        let svg = pass_gauge("t", 75.5, 100.0, &lines);
        assert!(svg.contains("达标（80 分）：差 4.5 分"));
        assert!(svg.contains("基本达标（60 分）：已达到总分要求"));
    }

    #[test]
    fn heatmap_colours_run_blue_to_red() {
        assert_eq!(diverging(-1.0), "#2166ac");
        assert_eq!(diverging(0.0), "#f7f7f7");
        assert_eq!(diverging(1.0), "#b2182b");
        // Half way to red: (f7 + b2) / 2 = (247 + 178) / 2 = 212.5 → d5 (rounded half up).
        assert!(diverging(0.5).starts_with("#d5"));
        let svg = heatmap("t", "", &["1 甲".into()], &[vec![None]]);
        assert!(svg.contains("#d9d9d9") && svg.ends_with("</svg>\n"));
    }

    #[test]
    fn ticks_are_round() {
        assert_eq!(tick_step(5), 1);
        assert_eq!(tick_step(20), 5);
        assert_eq!(tick_step(2844), 500);
    }
}
