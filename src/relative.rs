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

use crate::evaluate::{Outcome, Run};
use crate::load::county::CountyData;
use crate::types::FieldPath;
use crate::words::Num;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::Arc;

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

    fn higher(&self) -> bool {
        self.better != Some(Better::Lower)
    }
}

/// The group a report was ranked in: how many counties and a hash of their figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct GroupInfo {
    /// Counties in the group (those without a figure included).
    pub count: usize,
    /// sha256 over the members' ids and compared figures, in id order (see [`Group::build`]).
    pub sha256: String,
    /// The county was scored alone: the group is the county itself (比较组仅1个县).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub alone: bool,
}

/// The counties scored together, reduced to what relative items compare: each compared
/// field's figures by county id.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    info: GroupInfo,
    values: BTreeMap<FieldPath, Figures>,
}

/// One compared field's figures in a group: sorted, so that a county's rank, the best figure
/// and the sum are found in O(log n) (a national batch ranks 100,000 counties).
#[derive(Debug, Clone, PartialEq, Default)]
struct Figures {
    /// Every member's figure, ascending.
    sorted: Vec<f64>,
    /// Each member's figure by county id.
    of: std::collections::HashMap<Arc<str>, f64>,
    /// Their sum.
    sum: f64,
}

/// The figures a county is compared with: the group's, less its own entry (`own`).
#[derive(Debug, Clone, Copy)]
struct Others<'a> {
    figs: &'a Figures,
    own: Option<f64>,
}

impl Others<'_> {
    fn len(&self) -> usize {
        self.figs.sorted.len() - usize::from(self.own.is_some())
    }

    /// How many of the others are strictly better than `v`.
    fn better_than(&self, higher: bool, v: f64) -> usize {
        let s = &self.figs.sorted;
        let all = if higher {
            s.len() - s.partition_point(|a| !crate::numeric::above(*a, v))
        } else {
            s.partition_point(|a| crate::numeric::below(*a, v))
        };
        all - usize::from(self.own.is_some_and(|o| beats(higher, o, v)))
    }

    /// Whether another county's figure equals `v` (a tie).
    fn ties(&self, v: f64) -> bool {
        let s = &self.figs.sorted;
        let lo = s.partition_point(|a| crate::numeric::below(*a, v));
        let hi = s.partition_point(|a| !crate::numeric::above(*a, v));
        hi - lo > usize::from(self.own.is_some_and(|o| crate::numeric::same(o, v)))
    }

    /// The others' figures, best first.
    fn best_first(&self, higher: bool) -> Vec<f64> {
        let mut out = self.figs.sorted.clone();
        if let Some(o) = self.own {
            if let Some(k) = out.iter().position(|x| *x == o) {
                out.remove(k);
            }
        }
        if higher {
            out.reverse();
        }
        out
    }

    /// The best of the others' figures and `v`.
    fn best_with(&self, higher: bool, v: f64) -> f64 {
        let s = &self.figs.sorted;
        let ends = if higher {
            [s.len().checked_sub(1), s.len().checked_sub(2)]
        } else {
            [
                Some(0).filter(|_| !s.is_empty()),
                Some(1).filter(|_| s.len() > 1),
            ]
        };
        // The extreme, unless it is the county's own entry (then the next one).
        let other = match (ends[0].map(|k| s[k]), self.own) {
            (Some(x), Some(o)) if x == o => ends[1].map(|k| s[k]),
            (x, _) => x,
        };
        match other {
            Some(o) if beats(higher, o, v) => o,
            _ => v,
        }
    }

    /// The sum of the others' figures.
    fn sum(&self) -> f64 {
        self.figs.sum - self.own.unwrap_or(0.0)
    }
}

impl Group {
    /// The group of `members` for the compared `fields`. The hash is sha256 over the text
    /// `fazhi-group-v1\n` then, for each member in id order, its id and `\tfield=value` (or
    /// `\tfield=-` without the figure) per field in path order, and a newline. A group of one
    /// county is `alone`.
    ///
    /// Errors: a county id given twice (the message names it).
    pub fn build(fields: &[FieldPath], members: &[&CountyData]) -> Result<Group, String> {
        let mut by_id: BTreeMap<&str, &CountyData> = BTreeMap::new();
        for c in members {
            if by_id.insert(c.info().id.as_str(), c).is_some() {
                return Err(format!(
                    "county `{}` is in the comparison group twice; each county is compared once",
                    c.info().id
                ));
            }
        }
        let mut h = Sha256::new();
        h.update(b"fazhi-group-v1\n");
        let mut values: BTreeMap<FieldPath, Figures> = BTreeMap::new();
        for (id, c) in &by_id {
            h.update(id.as_bytes());
            for f in fields {
                match figure(c, f) {
                    Some(v) => {
                        h.update(format!("\t{f}={v}").as_bytes());
                        let figs = values.entry(f.clone()).or_default();
                        figs.sorted.push(v);
                        figs.of.insert(Arc::from(*id), v);
                        figs.sum += v;
                    }
                    None => h.update(format!("\t{f}=-").as_bytes()),
                }
            }
            h.update(b"\n");
        }
        let sha256 = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        for figs in values.values_mut() {
            figs.sorted.sort_by(f64::total_cmp);
        }
        Ok(Group {
            info: GroupInfo {
                count: by_id.len(),
                sha256,
                alone: by_id.len() == 1,
            },
            values,
        })
    }

    /// Count and hash, as reports name the group.
    pub fn info(&self) -> &GroupInfo {
        &self.info
    }
}

/// The figures of `field` that county `data` is compared with: its group's but its own entry
/// (none when it is scored alone).
fn others<'a>(data: &'a CountyData, field: &FieldPath, empty: &'a Figures) -> Others<'a> {
    match data.group().and_then(|g| g.values.get(field)) {
        Some(figs) => Others {
            figs,
            own: figs.of.get(data.info().id.as_str()).copied(),
        },
        None => Others {
            figs: empty,
            own: None,
        },
    }
}

/// A county's figure of `field`, when it has a number there.
fn figure(c: &CountyData, f: &FieldPath) -> Option<f64> {
    c.values().get(f).and_then(|d| d.value.as_f64())
}

/// The group a county's report names: its attached group, or itself alone.
pub(crate) fn group_of(fields: &[FieldPath], data: &CountyData) -> Option<Arc<Group>> {
    if fields.is_empty() {
        return None;
    }
    if let Some(g) = data.group() {
        return Some(g.clone());
    }
    Group::build(fields, &[data]).ok().map(Arc::new)
}

/// Whether `a` is strictly better than `b` (under the numeric rule: figures equal to nine
/// significant digits tie, docs/FORMAT.md "Numbers").
fn beats(higher: bool, a: f64, b: f64) -> bool {
    if higher {
        crate::numeric::above(a, b)
    } else {
        crate::numeric::below(a, b)
    }
}

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
    let count = data.group().map_or(1, |g| g.info.count);
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

    /// The sorted view (`Others`) answers as a scan of the other figures would: ranks, ties,
    /// the best and the sum, with and without the county's own entry, on figures with many ties.
    #[test]
    fn the_sorted_view_equals_a_scan_of_the_others() {
        let mut seed = 7_u64;
        let mut next = |m: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % m
        };
        for _ in 0..300 {
            let n = 1 + next(8) as usize;
            let all: Vec<f64> = (0..n).map(|_| next(5) as f64 * 0.5).collect();
            let own_at = next(n as u64 + 1) as usize; // n: the county is not in the group
            let mut figs = Figures::default();
            for (k, x) in all.iter().enumerate() {
                figs.sorted.push(*x);
                figs.of.insert(Arc::from(k.to_string()), *x);
                figs.sum += x;
            }
            figs.sorted.sort_by(f64::total_cmp);
            let own = all.get(own_at).copied();
            let o = Others { figs: &figs, own };
            let rest: Vec<f64> = (all.iter().enumerate())
                .filter(|(k, _)| *k != own_at)
                .map(|(_, x)| *x)
                .collect();
            let v = next(5) as f64 * 0.5;
            for higher in [true, false] {
                let better = rest.iter().filter(|x| beats(higher, **x, v)).count();
                assert_eq!(o.better_than(higher, v), better);
                let best = rest
                    .iter()
                    .fold(v, |b, x| if beats(higher, *x, b) { *x } else { b });
                assert_eq!(o.best_with(higher, v), best);
                let mut first = rest.clone();
                first.sort_by(|a, b| {
                    if higher {
                        b.total_cmp(a)
                    } else {
                        a.total_cmp(b)
                    }
                });
                assert_eq!(o.best_first(higher), first);
            }
            assert_eq!(o.ties(v), rest.contains(&v));
            assert_eq!(o.len(), rest.len());
            assert!((o.sum() - rest.iter().sum::<f64>()).abs() < 1e-9);
        }
    }

    #[test]
    fn tiers_are_worded_as_the_rule_text() {
        let t = [(3, RelPoints::OfP(1.0)), (6, RelPoints::OfP(0.5))];
        assert_eq!(
            tier_words(&t, 3.0),
            "前3名得3分，第4至6名得1.5分，其余不得分"
        );
    }
}
