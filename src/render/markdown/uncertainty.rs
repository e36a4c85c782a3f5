//! The uncertainty analysis as Markdown (Chinese, aligned tables), CSV and JSON.

use crate::analyse::policy::uncertainty::LevelNoise;
use crate::analyse::policy::uncertainty::Uncertainty;
use crate::helpers::fmt_num;
use crate::render::{words, Table};

fn pct(p: f64) -> String {
    format!("{}%", fmt_num((p * 1000.0).round() / 10.0))
}

fn index(v: Option<f64>) -> String {
    v.map_or("—".to_string(), |x| format!("{x:.3}"))
}

/// The noise, as written on the command line (`1=0.25 2=uniform`).
pub(crate) fn noise_text(u: &Uncertainty) -> String {
    if u.noise.is_empty() {
        return "无（权重不变）".to_string();
    }
    u.noise
        .iter()
        .map(|(l, n)| match n {
            LevelNoise::Factor(f) => format!("{l}={}", fmt_num(*f)),
            LevelNoise::Uniform => format!("{l}=uniform"),
            LevelNoise::Dirichlet(a) => format!("{l}=dirichlet:{}", fmt_num(*a)),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// What happens to the total in a draw, in Chinese.
pub(crate) fn total_text(u: &Uncertainty) -> String {
    let moves = u.noise.values().any(|n| matches!(n, LevelNoise::Factor(_)));
    if u.noise.is_empty() {
        return format!("总分：{} 分（权重不变）", u.total_points);
    }
    match (moves || u.sensitivity.is_some(), u.float_total) {
        (false, _) => format!("总分：{} 分（各层只重分份额，总分不变）", u.total_points),
        (true, false) => format!(
            "总分：每次抽样按比例缩放回 {} 分（权重是相对的；达标线含义不变）",
            u.total_points
        ),
        (true, true) => format!(
            "总分：随抽样浮动（--float-total；起点 {} 分，达标线不变）",
            u.total_points
        ),
    }
}

/// A Markdown report in Chinese.
pub fn markdown(u: &Uncertainty) -> String {
    let mut s = format!(
        "# 排名稳健性分析\n\n指标体系：{}　抽样：{} 次　种子：{}　权重扰动：{}\n\n{}\n\n平均名次变动：{:.2}\n\n## 各县名次区间\n\n",
        u.ruleset,
        u.runs,
        u.seed,
        noise_text(u),
        total_text(u),
        u.mean_rank_shift
    );
    let mut head = vec![
        "县",
        "名称",
        words::VETO,
        "基准总分",
        "基准名次",
        "中位名次",
        "5%–95%区间",
        "平均变动",
    ];
    let names: Vec<String> = u
        .pass_lines
        .iter()
        .map(|p| format!("达{}概率", p.name))
        .collect();
    head.extend(names.iter().map(|s| s.as_str()));
    let mut right = vec![false, false, false, true, true, true, true, true];
    right.extend(u.pass_lines.iter().map(|_| true));
    let mut t = Table::new(&head, &right);
    for c in &u.counties {
        let mut row = vec![
            c.id.clone(),
            c.name.clone(),
            if c.vetoed { words::VETO } else { "" }.to_string(),
            c.baseline_total.to_string(),
            c.baseline_rank.to_string(),
            c.median_rank.to_string(),
            format!("{}–{}", c.p05_rank, c.p95_rank),
            format!("{:.2}", c.mean_rank_shift),
        ];
        row.extend(c.pass_probability.iter().map(|p| pct(*p)));
        t.row(row);
    }
    s.push_str(&t.render());
    if u.counties.iter().any(|c| c.vetoed) {
        s.push_str("\n否决：一票否决的县在任何权重下都不达标（达标概率为 0），但仍按总分排名。\n");
    }
    if let Some(sens) = &u.sensitivity {
        s.push_str(&format!(
            "\n## 敏感性分析（一级指标权重，Sobol 指数）\n\n各一级指标分值独立乘以 [{}, {}] 内的均匀因子{}；基础样本 {} 个，共计算 {} 组权重。一阶指数：该指标权重单独解释的方差比例；总效应指数：含交互作用。\n",
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
            let title = match o.output.strip_prefix("pass:") {
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
            s.push_str(&format!("\n### {title}（方差 {:.4}）\n\n", o.variance));
            let mut t = Table::new(
                &["编号", "一级指标", "一阶指数", "总效应指数"],
                &[false, false, true, true],
            );
            for a in &o.areas {
                t.row(vec![
                    a.id.to_string(),
                    a.name.clone(),
                    index(a.first_order),
                    index(a.total_order),
                ]);
            }
            s.push_str(&t.render());
        }
        if sens
            .outputs
            .iter()
            .any(|o| o.areas.iter().any(|a| a.first_order.is_none()))
        {
            s.push_str("\n—：该项在各组权重下不变（方差为 0），指数无定义。\n");
        }
    }
    s
}
