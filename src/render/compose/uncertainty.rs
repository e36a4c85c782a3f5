//! The uncertainty analysis as a [`Document`]: the run (rule set, draws, seed, noise, what
//! happens to the total), each county's rank interval (with, in HTML, the chart of intervals),
//! and the Sobol indices of the areas' weights per output (with their bar charts).

use crate::analyse::policy::uncertainty::Uncertainty;
use crate::helpers::fmt_num;
use crate::render::document::{Block, Cell, Document, Kind, Table};
use crate::render::markdown::{noise_text, total_text};
use crate::render::svg::{self, HBar, HBarChart};
use crate::render::words;

fn pct(p: f64) -> String {
    format!("{}%", fmt_num((p * 1000.0).round() / 10.0))
}

fn index(v: Option<f64>) -> String {
    v.map_or("—".to_string(), |x| format!("{x:.3}"))
}

/// The analysis `u`; with `charts`, the charts the HTML page draws.
pub fn document(u: &Uncertainty, charts: bool) -> Document {
    let mut d = Document::default();
    d.heading(1, "排名稳健性分析");
    d.para(format!(
        "指标体系：{}　抽样：{} 次　种子：{}　权重扰动：{}",
        u.ruleset,
        u.runs,
        u.seed,
        noise_text(u)
    ));
    d.para(total_text(u));
    d.para(format!("平均名次变动：{:.2}", u.mean_rank_shift));
    d.heading(2, "各县名次区间");
    if charts {
        d.blocks.push(Block::Chart {
            svg: svg::rank_intervals(u),
            caption: "图：各县名次的 5%–95% 分位区间、中位名次与基准名次（数值见下表）".into(),
        });
    }
    let names: Vec<String> = u
        .pass_lines
        .iter()
        .map(|p| format!("达{}概率", p.name))
        .collect();
    let mut cols: Vec<(&str, Kind)> = vec![
        ("县", Kind::Id),
        ("名称", Kind::Text),
        (words::VETO, Kind::Text),
        ("基准总分", Kind::Points),
        ("基准名次", Kind::Count),
        ("中位名次", Kind::Count),
        ("5%–95%区间", Kind::Count),
        ("平均变动", Kind::Count),
    ];
    cols.extend(names.iter().map(|n| (n.as_str(), Kind::Percent)));
    let mut t = Table::new(Some("名次区间"), &cols);
    for c in &u.counties {
        let mut row = vec![
            c.id.as_str().into(),
            c.name.as_str().into(),
            if c.vetoed { words::VETO } else { "" }.into(),
            c.baseline_total.into(),
            Cell::Count(i64::from(c.baseline_rank)),
            Cell::Text(c.median_rank.to_string()),
            Cell::Text(format!("{}–{}", c.p05_rank, c.p95_rank)),
            Cell::Text(format!("{:.2}", c.mean_rank_shift)),
        ];
        row.extend(c.pass_probability.iter().map(|p| Cell::Text(pct(*p))));
        t.row(row);
    }
    d.table(t);
    if u.counties.iter().any(|c| c.vetoed) {
        d.para("否决：一票否决的县在任何权重下都不达标（达标概率为 0），但仍按总分排名。");
    }
    let Some(sens) = &u.sensitivity else {
        return d;
    };
    d.heading(2, "敏感性分析（一级指标权重，Sobol 指数）");
    d.para(format!(
        "各一级指标分值独立乘以 [{}, {}] 内的均匀因子{}；基础样本 {} 个，共计算 {} 组权重。一阶指数：该指标权重单独解释的方差比例；总效应指数：含交互作用。",
        fmt_num(1.0 - sens.factor),
        fmt_num(1.0 + sens.factor),
        if u.float_total {
            "（总分随之浮动）"
        } else {
            "，再按比例缩放使总分不变"
        },
        sens.samples,
        sens.evaluations
    ));
    for o in &sens.outputs {
        let what = match o.output.strip_prefix("pass:") {
            Some(id) => {
                let name = u
                    .pass_lines
                    .iter()
                    .find(|p| p.id.as_str() == id)
                    .map_or(id, |p| p.name.as_str());
                format!("达{name}的县所占比例")
            }
            None => "平均名次变动".to_string(),
        };
        d.heading(3, format!("{what}（方差 {:.4}）", o.variance));
        if charts && o.areas.iter().any(|a| a.first_order.is_some()) {
            let rows: Vec<HBar> = o
                .areas
                .iter()
                .map(|a| HBar {
                    label: format!("{} {}", a.id, a.name),
                    values: vec![
                        a.first_order.unwrap_or(0.0).max(0.0),
                        a.total_order.unwrap_or(0.0).max(0.0),
                    ],
                    max: Some(1.0),
                    marker: None,
                    text: format!(
                        "一阶 {}，总效应 {}",
                        index(a.first_order),
                        index(a.total_order)
                    ),
                })
                .collect();
            d.blocks.push(Block::Chart {
                svg: svg::hbars(&HBarChart {
                    title: &format!("Sobol 指数：{what}"),
                    note: "0 到 1：该指标权重解释的方差比例",
                    series: &["一阶指数", "总效应指数"],
                    marker: None,
                    track: None,
                    rows: &rows,
                }),
                caption: "图：各一级指标权重的 Sobol 指数（数值见下表；负的估计值画作 0）".into(),
            });
        }
        let mut t = Table::new(
            Some("敏感性"),
            &[
                ("编号", Kind::Id),
                ("一级指标", Kind::Text),
                ("一阶指数", Kind::Count),
                ("总效应指数", Kind::Count),
            ],
        );
        for a in &o.areas {
            t.row(vec![
                a.id.to_string().into(),
                a.name.as_str().into(),
                index(a.first_order).into(),
                index(a.total_order).into(),
            ]);
        }
        d.table(t);
    }
    if sens
        .outputs
        .iter()
        .any(|o| o.areas.iter().any(|a| a.first_order.is_none()))
    {
        d.para("—：该项在各组权重下不变（方差为 0），指数无定义。");
    }
    d
}
