//! The one vocabulary of every human-readable output (`score`, `rank`, `diff`, `gap`, `whatif`,
//! `uncertainty`): how a pass line's outcome, a veto and a negative number are written. Kept in
//! one place so that the reports cannot drift apart again (they once said 未达到, 未达标 and 未达线
//! for the same thing, and wrote negative numbers with two different minus signs).
//!
//! Machine outputs (JSON, CSV) keep plain numbers with an ASCII `-`; Markdown writes the real
//! minus sign [`MINUS`].

use crate::types::Points;

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
