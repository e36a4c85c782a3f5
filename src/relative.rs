//! Scores relative to the other counties (issue 27, shape 6): an item whose points depend on
//! where the county's figure stands among the counties scored together (its *group*).
//!
//! The three 评分细则 shapes, each a `relative:` block on a leaf instead of `score:`:
//! - "全市排名前三名的得满分，第四至六名得一半分值，其余不得分" → `by_rank: [[3, P], [6, P / 2]]`
//! - "以最高值为满分，其余按比例得分" → `proportional: best`
//! - "高于全市平均水平的得满分" → `above_mean: P`
//!
//! The group depends only on the counties' raw figures, never on other items' scores, so it is
//! built from the counties' data before any rule runs ([`Group::build`]) and attached to each
//! county's data ([`crate::CountyData::with_group`]). Scoring a county without a group scores it
//! in a group of one (itself), and the explanation says so. Ranking is competition ranking
//! (1, 2, 2, 4); a county without the figure is `no_data` and is not ranked.
//!
//! A county is always compared with the *other* members' figures and its own current figure:
//! the group's copy of its own figure is not used, so a gap search that moves the county's
//! figure scores it exactly under the stated assumption that the other counties stand still.

pub(crate) use crate::load::county::group::{beats, figure, group_of, others, Figures};
pub use crate::load::county::group::{Group, GroupInfo};
use crate::load::county::CountyData;
use crate::types::FieldPath;
use crate::words::Num;
use serde::{Deserialize, Serialize};

/// What a gap analysis says of a relative item's search (its `SearchNote::not_searched`).
pub const STILL: &str =
    "相对评分：搜索按其他县数值不变计算本县的名次和得分；其他县数值变化时，所需数值随之变化";

/// At most this many counties in a group given with `--peers` (raise with `--max-peers`).
pub const MAX_PEERS: usize = 10_000;

/// Which way a relative figure is better: names are not evidence, so the rule says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Better {
    /// A higher figure ranks first (a rate of cases concluded, say).
    Higher,
    /// A lower figure ranks first (a rate of decisions overturned, say).
    Lower,
}

/// Points in a `relative:` block: a number, or a multiple of the item's points written `P`,
/// `P / 2`, `P * 0.5` or `0.5 * P`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum RelPoints {
    /// A fixed number of points.
    Fixed(f64),
    /// `k × P`.
    OfP(f64),
}

impl RelPoints {
    /// The points when the item is worth `p`.
    pub fn at(self, p: f64) -> f64 {
        match self {
            RelPoints::Fixed(x) => x,
            RelPoints::OfP(k) => k * p,
        }
    }

    /// Reads `P`, `P / 2`, `P * 0.5`, `0.5 * P` or a number.
    fn parse(s: &str) -> Option<RelPoints> {
        let t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        let num = |x: &str| x.parse::<f64>().ok().filter(|v| v.is_finite());
        if t == "P" {
            return Some(RelPoints::OfP(1.0));
        }
        if let Some(d) = t.strip_prefix("P/") {
            return num(d).filter(|d| *d > 0.0).map(|d| RelPoints::OfP(1.0 / d));
        }
        if let Some(k) = t.strip_prefix("P*") {
            return num(k).map(RelPoints::OfP);
        }
        if let Some(k) = t.strip_suffix("*P") {
            return num(k).map(RelPoints::OfP);
        }
        num(&t).map(RelPoints::Fixed)
    }
}

impl<'de> Deserialize<'de> for RelPoints {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            N(f64),
            S(String),
        }
        match Raw::deserialize(d)? {
            Raw::N(x) if x.is_finite() => Ok(RelPoints::Fixed(x)),
            Raw::N(x) => Err(serde::de::Error::custom(format!(
                "points `{x}` is not a finite number"
            ))),
            Raw::S(s) => RelPoints::parse(&s).ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "points `{s}`: write a number (2), `P`, `P / 2`, `P * 0.5` or `0.5 * P`"
                ))
            }),
        }
    }
}

/// `proportional: best`: 以最高值为满分，其余按比例得分.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Proportional {
    /// The best figure of the group earns the item's points; the others in proportion.
    Best,
}

/// A leaf's `relative:` block: the field compared, which way is better, and one of three
/// scoring forms (see the module documentation and docs/FORMAT.md, "Scores relative to the
/// other counties").
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Relative {
    /// The compared field: a declared number, percent or count field of the county data.
    pub field: FieldPath,
    /// `higher` or `lower`: which figure ranks first (required).
    #[serde(default)]
    pub better: Option<Better>,
    /// 前N名得X分: `[[3, P], [6, P / 2]]` — ranks 1–3 earn P, ranks 4–6 earn P / 2, the rest 0
    /// (competition ranking; thresholds increasing, points within [0, P]).
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<Vec<(u32, serde_json::Value)>>")
    )]
    pub by_rank: Option<Vec<(u32, RelPoints)>>,
    /// 以最高值为满分，其余按比例得分: `best`. Higher better: P × value ÷ best; lower better:
    /// P × best ÷ value.
    #[serde(default)]
    pub proportional: Option<Proportional>,
    /// 高于全市平均水平的得满分: the points for a figure strictly better than the group's mean
    /// (equal to the mean earns nothing: 高于 is strict).
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<serde_json::Value>"))]
    pub above_mean: Option<RelPoints>,
}

/// Which of the three forms a `relative:` block uses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Form<'a> {
    ByRank(&'a [(u32, RelPoints)]),
    Proportional,
    AboveMean(RelPoints),
}

impl Relative {
    /// The form, when exactly one is given (`check` reports the others).
    pub(crate) fn form(&self) -> Option<Form<'_>> {
        match (&self.by_rank, &self.proportional, &self.above_mean) {
            (Some(r), None, None) => Some(Form::ByRank(r)),
            (None, Some(_), None) => Some(Form::Proportional),
            (None, None, Some(p)) => Some(Form::AboveMean(*p)),
            _ => None,
        }
    }

    /// How many forms are given (exactly one is right).
    pub(crate) fn forms(&self) -> usize {
        usize::from(self.by_rank.is_some())
            + usize::from(self.proportional.is_some())
            + usize::from(self.above_mean.is_some())
    }

    /// A canonical text of the block (part of the item's rule hash).
    pub(crate) fn canonical(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub(crate) fn higher(&self) -> bool {
        self.better != Some(Better::Lower)
    }
}

/// What a relative item needs for more points, in words, from the county's figure and the
/// other members' (assuming they stand still): `需达到第3名的数值85（当前76.7），可得3分`.
/// `None` when the item already earns its most, or the county has no figure.
pub(crate) fn needs(rel: &Relative, p: f64, data: &CountyData) -> Option<String> {
    let v = figure(data, &rel.field)?;
    let empty = Figures::default();
    let others = others(data, &rel.field, &empty);
    let higher = rel.higher();
    let still = "（假设其他县数值不变）";
    match rel.form()? {
        Form::ByRank(tiers) => {
            let rank = 1 + others.better_than(higher, v);
            let now = tiers
                .iter()
                .find(|(t, _)| rank <= *t as usize)
                .map_or(0.0, |(_, x)| x.at(p));
            // The first tier (best first) that pays more than now and is not reached.
            let (t, pts) = tiers
                .iter()
                .filter(|(t, x)| x.at(p) > now && rank > *t as usize)
                .max_by(|a, b| a.1.at(p).total_cmp(&b.1.at(p)).then(b.0.cmp(&a.0)))?;
            let sorted = others.best_first(higher);
            // Reaching rank t: at most t − 1 others strictly better, i.e. equal the t-th other.
            let bar = sorted.get(*t as usize - 1)?;
            Some(format!(
                "需达到其他县中第{t}名的数值{}（当前{}），可排前{t}名，得{}分{still}",
                Num(*bar),
                Num(v),
                Num(pts.at(p))
            ))
        }
        Form::Proportional => {
            let best = others.best_with(higher, v);
            if !beats(higher, best, v) {
                return None;
            }
            Some(if higher {
                format!(
                    "按当前最高值{}，本县数值每增加1得{}分，达到{}得满分（当前{}）{still}",
                    Num(best),
                    Num(p / best),
                    Num(best),
                    Num(v)
                )
            } else {
                format!(
                    "按当前最低值{}，本县数值降到{}得满分（当前{}，得分与数值成反比）{still}",
                    Num(best),
                    Num(best),
                    Num(v)
                )
            })
        }
        Form::AboveMean(_) => {
            if others.len() == 0 {
                return Some(
                    "比较组仅1个县（本县），本县不可能高于自身平均；请以全组数据评分（--peers）"
                        .into(),
                );
            }
            let mean_others = others.sum() / others.len() as f64;
            if beats(higher, v, mean_others) {
                return None;
            }
            let side = if higher { "高于" } else { "低于" };
            Some(format!(
                "需{side}其他县平均{}（当前{}；全组平均随本县数值变化）{still}",
                Num(mean_others),
                Num(v)
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_read_p_and_multiples() {
        assert_eq!(RelPoints::parse("P"), Some(RelPoints::OfP(1.0)));
        assert_eq!(RelPoints::parse("P / 2"), Some(RelPoints::OfP(0.5)));
        assert_eq!(RelPoints::parse("P*0.25"), Some(RelPoints::OfP(0.25)));
        assert_eq!(RelPoints::parse("0.5 * P"), Some(RelPoints::OfP(0.5)));
        assert_eq!(RelPoints::parse("1.5"), Some(RelPoints::Fixed(1.5)));
        assert_eq!(RelPoints::parse("P / 0"), None);
        assert_eq!(RelPoints::parse("half"), None);
        // 4 × 0.5 = 2
        assert_eq!(RelPoints::OfP(0.5).at(4.0), 2.0);
    }
}
