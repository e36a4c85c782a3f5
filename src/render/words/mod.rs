//! The one vocabulary of every human-readable output (`score`, `rank`, `diff`, `gap`, `whatif`,
//! `uncertainty`, in Markdown, HTML, Word, workbook and CSV): how a pass line's outcome, a veto,
//! an item's status and a negative number are written. Kept in one place so that the reports
//! cannot drift apart again (they once said 未达到, 未达标 and 未达线 for the same thing, 出错 and
//! 规则出错 for a failed rule, and wrote negative numbers with two different minus signs).
//!
//! Sections, in order: **outcomes** (pass lines, vetoes, zeroing, conditions), **statuses** (an
//! item's, a part's), **entries** (bonuses, penalties as charged, the bonus cap), **numbers**
//! (signs), **provenance**. Item explanations (structured notes) are to be worded in a section of
//! their own here.
//!
//! Machine outputs (JSON, CSV) keep plain numbers with an ASCII `-`; the text formats write the
//! real minus sign [`MINUS`].

use crate::types::Points;

pub(crate) mod audit;
pub(crate) mod gap;

// ---- Outcomes: pass lines, vetoes, zeroing entries, conditions ----

/// A pass line reached: 达到.
pub const REACHED: &str = "达到";
/// A pass line not reached: 未达到 (also the level of a county that reaches no pass line).
pub const NOT_REACHED: &str = "未达到";
/// A veto that disqualifies: 否决 (in tables; 一票否决 names the rule kind).
pub const VETO: &str = "否决";
/// The rule kind 一票否决.
pub const VETO_KIND: &str = "一票否决";
/// A zeroing entry (a penalty written with `when:`) whose condition held: 零分.
pub const ZEROED: &str = "零分";
/// A veto or condition that did not fire: 未触发.
pub const NOT_TRIGGERED: &str = "未触发";
/// 触发 / 未触发: whether a veto fired.
pub fn triggered(fired: bool) -> &'static str {
    if fired {
        "触发"
    } else {
        NOT_TRIGGERED
    }
}

/// A veto's outcome before and after a change of rules: `一票否决 V1 名称：未触发 → 触发`.
pub fn veto_change(id: &str, name: &str, old: bool, new: bool) -> String {
    format!(
        "{VETO_KIND} {id} {name}：{} → {}",
        triggered(old),
        triggered(new)
    )
}

/// Yes / no in a table cell (一票否决 of a county: 是 or 否).
pub fn yes_no(b: bool) -> &'static str {
    if b {
        "是"
    } else {
        "否"
    }
}

/// A county's 一票否决 in a table: `⚠ 是` when a veto fired, 否 otherwise.
pub fn veto_cell(vetoed: bool) -> &'static str {
    if vetoed {
        "⚠ 是"
    } else {
        "否"
    }
}

/// A veto's or data check's outcome in a table: `⚠ 触发`, 未触发, `无数据（…）`, `规则出错：…`.
pub fn condition(status: crate::report::ConditionStatus, detail: Option<&str>) -> String {
    use crate::report::ConditionStatus as C;
    let d = detail.unwrap_or_default();
    match status {
        C::Triggered => "⚠ 触发".into(),
        C::Clear => NOT_TRIGGERED.into(),
        C::NoData => format!("无数据（{d}）"),
        C::Error => format!("{RULE_ERROR}：{d}"),
    }
}

/// A data check's outcome: `⚠ 数据不一致`, 未核对（缺少数据）, 核对出错, 一致.
pub fn check(status: crate::report::ConditionStatus) -> &'static str {
    use crate::report::ConditionStatus as C;
    match status {
        C::Triggered => "⚠ 数据不一致",
        C::NoData => "未核对（缺少数据）",
        C::Error => "核对出错",
        C::Clear => "一致",
    }
}

// ---- Statuses: items and parts ----

/// A rule whose expression failed (counted as 0): 规则出错, in every format.
pub const RULE_ERROR: &str = "规则出错";

/// An item's status: 已评分, 无数据, 规则出错.
pub fn status(s: crate::report::ItemStatus) -> &'static str {
    use crate::report::ItemStatus as S;
    match s {
        S::Scored => "已评分",
        S::NoData => "无数据",
        S::Error => RULE_ERROR,
    }
}

/// An entry's explanation led by its status when it has no score: `无数据：…`, `规则出错：…`.
pub fn detail(s: crate::report::ItemStatus, d: &str) -> String {
    use crate::report::ItemStatus as S;
    match s {
        S::Scored => d.to_string(),
        S::NoData => format!("无数据：{d}"),
        S::Error => format!("{RULE_ERROR}：{d}"),
    }
}

// ---- Entries: bonuses, penalties, zeroing, the bonus cap ----

/// The kind of a bonus in a table.
pub const BONUS: &str = "加分";
/// The kind of a penalty in a table.
pub const PENALTY: &str = "扣分";
/// The name of the bonus cap's row.
pub const BONUS_CAP: &str = "加分上限";

/// What a penalty or zeroing entry applies to: 总分, or 指标 1.2.
pub fn target(applies_to: Option<&str>) -> String {
    match applies_to {
        None | Some("total") => "总分".into(),
        Some(a) => format!("指标{a}"),
    }
}

/// The bonus cap's trim: `加分合计 7 超过上限，按上限计 5`.
pub fn cap_trim(sum: Points, capped: Points) -> String {
    format!("加分合计 {sum} 超过上限，按上限计 {capped}")
}

/// A penalty as charged: `应扣120，扣完为止，实扣85` when 扣完为止 floored it, `实扣4` otherwise.
pub fn charged(requested: Points, points: Points) -> String {
    if requested > points {
        format!("应扣{requested}，扣完为止，实扣{points}")
    } else {
        format!("实扣{points}")
    }
}

/// A penalty's expression result beside what was charged, when they differ (its own cap or
/// 扣完为止): `计算得120，实扣85`.
pub fn computed_charged(raw: Points, points: Points) -> Option<String> {
    (raw > points).then(|| format!("计算得{raw}，实扣{points}"))
}

// ---- Gap: changes ----

/// The changes of a fix or plan step: `工作完成率 68.571% → 70%；法定程序 增加 风险评估`, the
/// field's description (its path when it has none), `（无）` for a value the county lacks.
pub fn changes(changes: &[crate::analyse::gap::Change]) -> String {
    changes
        .iter()
        .map(|c| {
            let name = if c.desc.is_empty() {
                c.field.to_string()
            } else {
                c.desc.clone()
            };
            if let (Some(crate::types::Value::List(a)), crate::types::Value::List(b)) =
                (&c.from, &c.to)
            {
                return list_change(&name, a, b);
            }
            let from = c
                .from
                .as_ref()
                .map_or("（无）".to_string(), |v| value_text(v, &c.unit));
            format!("{name} {from} → {}", value_text(&c.to, &c.unit))
        })
        .collect::<Vec<_>>()
        .join("；")
}

fn value_text(v: &crate::types::Value, unit: &str) -> String {
    match v {
        crate::types::Value::Int(_) | crate::types::Value::Number(_) => format!("{v}{unit}"),
        other => other.to_string(),
    }
}

/// A list's change as what is added and removed: `法定程序 增加 风险评估`.
fn list_change(name: &str, from: &[String], to: &[String]) -> String {
    let added: Vec<&str> = to
        .iter()
        .filter(|x| !from.contains(x))
        .map(|x| x.as_str())
        .collect();
    let removed: Vec<&str> = from
        .iter()
        .filter(|x| !to.contains(x))
        .map(|x| x.as_str())
        .collect();
    let mut parts = Vec::new();
    if !added.is_empty() {
        parts.push(format!("增加 {}", added.join("、")));
    }
    if !removed.is_empty() {
        parts.push(format!("去掉 {}", removed.join("、")));
    }
    format!("{name} {}", parts.join("，"))
}

// ---- Numbers ----

/// The minus sign of Markdown outputs (U+2212).
pub const MINUS: char = '−';

/// 达到 / 未达到.
pub fn pass_outcome(reached: bool) -> &'static str {
    if reached {
        REACHED
    } else {
        NOT_REACHED
    }
}

/// The level a county reached: the name of its highest pass line, or 未达到.
pub fn level(name: Option<&str>) -> String {
    name.unwrap_or(NOT_REACHED).to_string()
}

/// `text` with an ASCII minus at its start replaced by the real minus sign [`MINUS`].
pub fn minus(text: &str) -> String {
    match text.strip_prefix('-') {
        Some(rest) => format!("{MINUS}{rest}"),
        None => text.to_string(),
    }
}

/// `+3`, `+0`: points added (a bonus, the bonuses of an overview).
pub fn added(p: Points) -> String {
    format!("+{p}")
}

/// `+1.5`, `−0.25`, `0`: a change in points.
pub fn signed(p: Points) -> String {
    if p > Points::ZERO {
        format!("+{p}")
    } else if p < Points::ZERO {
        format!("{MINUS}{}", Points::ZERO - p)
    } else {
        "0".into()
    }
}

/// `+3`, `−2`, `0`: a change in a whole number (ranks).
pub fn signed_int(v: i64) -> String {
    match v {
        0 => "0".into(),
        v if v > 0 => format!("+{v}"),
        v => format!("{MINUS}{}", v.unsigned_abs()),
    }
}

/// `1.5`, `−0.25`: points that may be negative, with the real minus sign.
pub fn plain(p: Points) -> String {
    if p < Points::ZERO {
        format!("{MINUS}{}", Points::ZERO - p)
    } else {
        p.to_string()
    }
}

/// `−2` for points taken away (a penalty, lost points), `0` when nothing was taken.
pub fn deducted(p: Points) -> String {
    if p == Points::ZERO {
        "0".into()
    } else {
        format!("{MINUS}{p}")
    }
}

// ---- Provenance ----

/// The data line of a report's provenance: the data hash and the file it was read from (the
/// The group a report's relative items were ranked in (issue 27 shape 6): `8个县`, or
/// `仅本县1个县（相对评分指标与本县自身比较）` when the county was scored alone.
pub fn group(g: &crate::relative::GroupInfo) -> String {
    if g.alone {
        "仅本县1个县（相对评分指标与本县自身比较）".into()
    } else {
        format!("{}个县", g.count)
    }
}

/// county id when the report names no file).
pub fn data_source(source: Option<&str>, county_id: &str) -> String {
    match source {
        Some(s) => format!("数据文件 {s}"),
        None => format!("县 id {county_id}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_minus_sign() {
        let p = |m| Points::from_milli(m);
        assert_eq!(signed(p(1500)), "+1.5");
        assert_eq!(signed(p(-250)), "−0.25");
        assert_eq!(signed(p(0)), "0");
        assert_eq!(signed_int(-3), "−3");
        assert_eq!(plain(p(-598)), "−0.598");
        assert_eq!(deducted(p(2000)), "−2");
        assert_eq!(deducted(p(0)), "0");
        assert_eq!(level(None), "未达到");
        assert_eq!(pass_outcome(false), NOT_REACHED);
    }
}
