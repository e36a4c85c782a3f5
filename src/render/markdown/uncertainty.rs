//! The uncertainty analysis as Markdown (Chinese, aligned tables), CSV and JSON.

use crate::analyse::policy::uncertainty::LevelNoise;
use crate::analyse::policy::uncertainty::Uncertainty;
use crate::helpers::fmt_num;

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

/// A Markdown report in Chinese ([`crate::render::compose::uncertainty::document`] written out).
pub fn markdown(u: &Uncertainty) -> String {
    crate::render::write::markdown::markdown(&crate::render::compose::uncertainty::document(
        u, false,
    ))
}
