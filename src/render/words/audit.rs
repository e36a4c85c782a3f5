//! The audit's words, as every format writes them (Markdown, HTML, workbook): its title and
//! findings, the flags of an item, why an area has no α, the county that moves most without an
//! entry, and the method notes under each section. The tables are composed once, in
//! `render::compose::audit`.

use crate::analyse::policy::audit::{Audit, ItemStats, NoAlpha, RemoveOne, Removed};
use crate::render::words::MINUS;

/// Why an area has no alpha, in Chinese.
pub(crate) fn no_alpha_zh(why: Option<NoAlpha>) -> &'static str {
    match why {
        Some(NoAlpha::OneItem) => "仅一项三级指标，无法计算 α",
        Some(NoAlpha::TooFewCounties) => "县数少于 2，无法计算 α",
        Some(NoAlpha::NoVariance) => "各县得分率之和相同，α 无定义",
        None => "",
    }
}

/// `x` with `d` decimals and the real minus sign (never `-0.000`).
pub(crate) fn fixed(x: f64, d: usize) -> String {
    let t = format!("{x:.d$}");
    match t.strip_prefix('-') {
        Some(rest) if rest.chars().any(|c| c.is_ascii_digit() && c != '0') => {
            format!("{MINUS}{rest}")
        }
        Some(rest) => rest.to_string(),
        None => t,
    }
}

/// A share (0–1) as a percent with one decimal.
pub(crate) fn pct(x: f64) -> String {
    format!("{}%", fixed(x * 100.0, 1))
}

/// A departure (difference of shares) in percentage points, signed.
pub(crate) fn points_pct(x: f64) -> String {
    let t = fixed(x * 100.0, 1);
    if x > 0.0 && t != "0.0" {
        format!("+{t} 个百分点")
    } else {
        format!("{t} 个百分点")
    }
}

/// The flags of an item, in Chinese (empty when none).
pub(crate) fn flags_zh(i: &ItemStats) -> String {
    let mut f = Vec::new();
    if i.non_discriminating {
        f.push("区分度不足");
    }
    if i.negative_with_area {
        f.push("与一级指标负相关");
    }
    f.join("；")
}

/// 一级指标 / 三级指标.
pub(crate) fn kind_zh(k: Removed) -> &'static str {
    match k {
        Removed::Area => "一级指标",
        Removed::Item => "三级指标",
    }
}

/// The county that moves most, with how many share that move.
pub(crate) fn largest_zh(r: &RemoveOne) -> String {
    match (&r.max_county, &r.max_county_name) {
        (Some(id), Some(name)) if r.max_count > 1 => {
            format!("{name}（{id}）等 {} 个县", r.max_count)
        }
        (Some(id), Some(name)) => format!("{name}（{id}）"),
        _ => "无县变动".into(),
    }
}

/// The remove-one entries as shown: every area in rule-set order, then the items by mean shift
/// (largest first; ties in rule-set order).
pub(crate) fn remove_one_order(a: &Audit) -> Vec<&RemoveOne> {
    let mut items: Vec<&RemoveOne> = a
        .remove_one
        .iter()
        .filter(|r| r.kind == Removed::Item)
        .collect();
    items.sort_by(|x, y| y.mean_abs_rank_shift.total_cmp(&x.mean_abs_rank_shift));
    a.remove_one
        .iter()
        .filter(|r| r.kind == Removed::Area)
        .chain(items)
        .collect()
}

/// The audit's title.
pub(crate) fn title(a: &Audit) -> String {
    match &a.scenario {
        Some(s) => format!("指标体系统计审计：{}（权重情景 {s}）", a.ruleset),
        None => format!("指标体系统计审计：{}", a.ruleset),
    }
}

/// The sentences that name what the audit found, one per line of the summary.
pub(crate) fn findings(a: &Audit) -> Vec<String> {
    let mut f = vec![format!(
        "{} 个县；满分 {}，平均总分 {}。",
        a.counties,
        a.total_points,
        fixed(a.mean_total, 2)
    )];
    let nd: Vec<&str> = a.non_discriminating().map(|i| i.id.as_str()).collect();
    f.push(if nd.is_empty() {
        "区分度不足的三级指标（≥95% 的县得分相同）：无。".into()
    } else {
        format!(
            "区分度不足的三级指标（≥95% 的县得分相同）{} 项：{}。",
            nd.len(),
            nd.join("、")
        )
    });
    let neg: Vec<&str> = a.negative_with_area().map(|i| i.id.as_str()).collect();
    f.push(if neg.is_empty() {
        "与所属一级指标负相关的三级指标：无。".into()
    } else {
        format!(
            "与所属一级指标负相关的三级指标 {} 项：{}。",
            neg.len(),
            neg.join("、")
        )
    });
    let constant = a.items.iter().filter(|i| i.constant).count();
    if constant > 0 {
        f.push(format!(
            "所有县得分相同的三级指标 {constant} 项：其相关系数无定义（表中记为 —）。"
        ));
    }
    let name = |id: &crate::types::IndicatorId| {
        a.influence
            .iter()
            .find(|i| &i.id == id)
            .map(|i| (i.name.clone(), i.departure.unwrap_or(0.0)))
    };
    match (&a.most_over, &a.most_under) {
        (None, None) => f.push("总分在各县间无差异，一级指标的实际影响无定义。".into()),
        (over, under) => {
            let mut s = String::from("实际影响偏离分值占比最多的一级指标：");
            if let Some((n, d)) = over.as_ref().and_then(name) {
                s.push_str(&format!(
                    "高于占比最多的是 {} {n}（{}）",
                    over.as_ref().map_or("", |i| i.as_str()),
                    points_pct(d)
                ));
            }
            if let Some((n, d)) = under.as_ref().and_then(name) {
                if over.is_some() {
                    s.push('；');
                }
                s.push_str(&format!(
                    "低于占比最多的是 {} {n}（{}）",
                    under.as_ref().map_or("", |i| i.as_str()),
                    points_pct(d)
                ));
            }
            s.push('。');
            f.push(s);
        }
    }
    f
}

/// The method notes under each section.
pub(crate) const ITEMS_NOTE: &str = "相关系数为 Pearson 相关；与一级指标的相关包含该项自身。区分度不足：至少 95% 的县得分相同。—：无定义（该项或其一级指标所有县得分相同）。";
/// How to read alpha.
pub(crate) const ALPHA_NOTE: &str = "Cronbach α 以各三级指标的得分率（得分 ÷ 分值）计算：α = k/(k−1)·(1 − Σ各项方差 / 合计方差)。α 越接近 1，一级指标内各项越一致；常以 0.7 为参考，过低说明各项测的不是同一件事，也可能正是设计本意（各项覆盖不同工作）。";
/// How remove-one is computed.
pub(crate) const REMOVE_NOTE: &str = "逐一剔除：从总分中减去该一级指标或三级指标所得分数后重新排名（并列取最好名次，1、2、2、4），与按总分的排名比较；平均名次变动为各县名次变化绝对值的平均。";

/// How influence is estimated.
pub(crate) fn influence_note(a: &Audit) -> String {
    format!(
        "一阶效应 S = V[E(总分 | 一级指标得分)] / V(总分)（相关比 η²，Paruolo、Saisana、Saltelli 2013）：按一级指标得分排序分为 ⌊√n⌋ 组（本次 {} 组；同分不拆开），以组均值估计条件期望；各指标 S 归一化（和为 1）后即实际影响，与名义权重（分值占总分比例）比较。分组估计在无关时也有约 (组数−1)/(县数−1) 的正偏差。",
        a.influence_bins
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_use_the_real_minus_and_never_negative_zero() {
        assert_eq!(fixed(-0.5, 3), "−0.500");
        assert_eq!(fixed(-0.0001, 3), "0.000");
        assert_eq!(fixed(0.25, 2), "0.25");
        assert_eq!(points_pct(0.123), "+12.3 个百分点");
        assert_eq!(points_pct(-0.25), "−25.0 个百分点");
        assert_eq!(pct(0.5), "50.0%");
    }
}
