//! Scoring a `relative:` item (issue 27 shape 6): its points from where the county's figure
//! stands in its group (`crate::relative`, the block and the group), as a [`Run`] like any
//! rule's. Kept here, beside the runner that calls it, so that the block and the group
//! (`crate::relative`) do not depend on the evaluator.

use crate::evaluate::{Outcome, Run};
use crate::load::county::CountyData;
use crate::relative::{beats, figure, others, Figures, Form, RelPoints, Relative};
use crate::words::Num;
use std::sync::Arc;

/// The item's points by the block, for a county worth `p` points here (`p` as written).
pub(crate) fn run(rel: &Relative, p: f64, data: &CountyData, notes: bool) -> Run {
    let none = |outcome| Run {
        outcome,
        notes: Default::default(),
    };
    let Some(v) = figure(data, &rel.field) else {
        return none(Outcome::NoData(vec![rel.field.clone()]));
    };
    let Some(form) = rel.form() else {
        return none(Outcome::Error(
            "the `relative:` block needs exactly one of by_rank, proportional, above_mean".into(),
        ));
    };
    let empty = Figures::default();
    let others = others(data, &rel.field, &empty);
    let count = data.group().map_or(1, |g| g.info().count);
    let ranked = others.len() + 1;
    let higher = rel.higher();
    let (x, words) = match form {
        Form::ByRank(tiers) => {
            let rank = 1 + others.better_than(higher, v);
            let tied = others.ties(v);
            let got = tiers
                .iter()
                .find(|(t, _)| rank <= *t as usize)
                .map_or(0.0, |(_, pts)| pts.at(p));
            let words = format!(
                "在{ranked}个县中排第{rank}名{}（{}），得{}分",
                if tied { "（并列）" } else { "" },
                tier_words(tiers, p),
                Num(got)
            );
            (got, words)
        }
        Form::Proportional => {
            if v < 0.0 {
                return none(Outcome::Error(format!(
                    "按比例得分要求数值不小于0：`{}` is {v}",
                    rel.field
                )));
            }
            let best = others.best_with(higher, v);
            // The county holds the best figure (or every figure is 0): full points, said
            // without a formula (it once read `最低值0，本县0，得 6 × 0 ÷ 0 = 6分`).
            let holds_best = if higher { v >= best } else { v <= best };
            let (got, words) = if holds_best {
                let which = if higher { "最高值" } else { "最低值" };
                (
                    p,
                    format!("本县{}为全组{which}，得满分{}分", Num(v), Num(p)),
                )
            } else if higher {
                let got = if best <= 0.0 { p } else { p * v / best };
                (
                    got,
                    format!(
                        "最高值{}，本县{}，得 {} × {} ÷ {} = {}分",
                        Num(best),
                        Num(v),
                        Num(p),
                        Num(v),
                        Num(best),
                        Num(got)
                    ),
                )
            } else {
                let got = if v <= best { p } else { p * best / v };
                (
                    got,
                    format!(
                        "最低值{}，本县{}，得 {} × {} ÷ {} = {}分",
                        Num(best),
                        Num(v),
                        Num(p),
                        Num(best),
                        Num(v),
                        Num(got)
                    ),
                )
            };
            (got, words)
        }
        Form::AboveMean(pts) => {
            let sum: f64 = others.sum() + v;
            let mean = sum / ranked as f64;
            let better = beats(higher, v, mean);
            let side = if higher { "高于" } else { "低于" };
            let got = if better { pts.at(p) } else { 0.0 };
            let words = if better {
                format!(
                    "全组平均{}，本县{}，{side}平均，得{}分",
                    Num(mean),
                    Num(v),
                    Num(got)
                )
            } else {
                format!(
                    "全组平均{}，本县{}，未{side}平均（等于平均不算{side}），不得分",
                    Num(mean),
                    Num(v)
                )
            };
            (got, words)
        }
    };
    let mut run = none(Outcome::Number(x));
    if notes {
        let mut text = String::new();
        if count == 1 {
            text.push_str("比较组仅1个县（本县），");
        } else if count != ranked {
            text.push_str(&format!(
                "比较组{count}个县，其中{}个县无此数值不参加排名；",
                count - ranked
            ));
        }
        text.push_str(&words);
        run.notes
            .push(crate::words::notes::Note::Relative(Arc::from(text)));
    }
    run
}

/// `前3名得3分，第4至6名得1.5分，其余不得分`.
fn tier_words(tiers: &[(u32, RelPoints)], p: f64) -> String {
    let mut out = Vec::new();
    let mut from = 1;
    for (t, pts) in tiers {
        let what = format!("得{}分", Num(pts.at(p)));
        out.push(if from == 1 {
            format!("前{t}名{what}")
        } else if from == *t {
            format!("第{t}名{what}")
        } else {
            format!("第{from}至{t}名{what}")
        });
        from = t + 1;
    }
    out.push("其余不得分".into());
    out.join("，")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_are_worded_as_the_rule_text() {
        let t = [(3, RelPoints::OfP(1.0)), (6, RelPoints::OfP(0.5))];
        assert_eq!(
            tier_words(&t, 3.0),
            "前3名得3分，第4至6名得1.5分，其余不得分"
        );
    }
}
