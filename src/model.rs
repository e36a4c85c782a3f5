//! The typed model of a rule set, as read from YAML (see `docs/FORMAT.md`).
//!
//! These types are what `load` produces and `check` inspects; `compile` turns them into a
//! [`RuleSet`](crate::RuleSet). They are public so that embedders and analyses can read a rule
//! set's structure, but they are only ever built by the loader.

use crate::types::Value;
use crate::types::{FieldPath, IndicatorId, Points};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Where something was written: file (relative to the rule-set folder) and 1-based line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Span {
    /// The file, relative to the rule-set folder.
    pub file: String,
    /// The line of the thing's `id:` (0 when unknown).
    pub line: usize,
    /// The column of the thing's `id:` (0 when unknown).
    pub column: usize,
}

impl Span {
    pub(crate) fn loc(&self) -> (usize, usize) {
        (self.line, self.column)
    }
}

/// The `ruleset:` header.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// The rule set's stable id (`national-2021`).
    pub id: String,
    /// Its title, in Chinese.
    pub title: String,
    /// Its version.
    pub version: String,
    /// The points of the whole indicator tree (the first-level nodes add up to this).
    pub total_points: Points,
    /// The cap over all bonuses together.
    #[serde(default)]
    pub bonus_cap: Option<Points>,
    /// 附加项（加、扣分）: the points of `total_points` that are no indicator's but bonuses'
    /// (楚雄州 2023: areas 97 + 附加项 3 = 100). The first-level nodes then add up to
    /// `total_points − additional_points`, and the bonuses together count at most
    /// `additional_points` (within `bonus_cap` too), so no total exceeds `total_points`.
    /// Deductions are `penalties` as usual. See docs/FORMAT.md, "A total that includes a 附加项".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_points: Option<Points>,
    /// 百分制 rescaling ("以满分50分进行考评，评分结果折算成百分制后为最后得分"): the rule set is
    /// written out of `total_points` (items, caps, rules' results) and reported out of
    /// `rescale_to`: every point is multiplied by `rescale_to / total_points` once the rules
    /// have run. Pass lines' `min_total` are on the reported scale. See docs/FORMAT.md,
    /// "百分制 rescaling".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rescale_to: Option<Points>,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
}

impl Header {
    /// The points the first-level nodes add up to: `total_points` less the 附加项
    /// (`additional_points`), if any.
    pub fn areas_points(&self) -> Points {
        self.total_points - self.additional_points.unwrap_or(Points::ZERO)
    }

    /// The most the bonuses together can add to a total: the smaller of `bonus_cap` and
    /// `additional_points`; `None` when neither is set (no overall limit).
    pub fn bonus_limit(&self) -> Option<Points> {
        match (self.bonus_cap, self.additional_points) {
            (Some(c), Some(a)) => Some(c.min(a)),
            (c, a) => c.or(a),
        }
    }
}

/// The type of a data-dictionary field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    /// A percentage in 0–100 (a float in rules).
    Percent,
    /// A whole number ≥ 0 (an integer in rules).
    Count,
    /// Any finite number (a float in rules).
    Number,
    /// true / false.
    Bool,
    /// An ISO date `YYYY-MM-DD` (a string in rules).
    Date,
    /// Free text.
    Text,
    /// One of the field's `values`.
    Enum,
    /// A list of texts (optionally restricted to `values`).
    List,
    /// A list of records (案卷评查: the sampled case files), each a mapping of its own
    /// sub-fields (`record_fields`); an item scores them one by one (`each:`).
    Records,
}

impl FieldType {
    /// Whether values of this type are numbers.
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            FieldType::Percent | FieldType::Count | FieldType::Number
        )
    }
    /// The Chinese name used in messages.
    pub fn zh(self) -> &'static str {
        match self {
            FieldType::Percent => "百分比",
            FieldType::Count => "计数",
            FieldType::Number => "数值",
            FieldType::Bool => "是否",
            FieldType::Date => "日期",
            FieldType::Text => "文本",
            FieldType::Enum => "枚举",
            FieldType::List => "列表",
            FieldType::Records => "记录列表",
        }
    }
}

/// One field of the data dictionary.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// The field's type.
    #[serde(rename = "type")]
    pub ty: FieldType,
    /// Unit (`%`, `件`, `人`…).
    #[serde(default)]
    pub unit: Option<String>,
    /// Allowed range `[min, max]` for numbers (percent implies `[0, 100]`, count implies min 0).
    #[serde(default)]
    pub range: Option<[f64; 2]>,
    /// Chinese description.
    pub desc: String,
    /// Allowed values of an enum or list field.
    #[serde(default)]
    pub values: Option<Vec<String>>,
    /// Whether and how a county can act on it (`lever: raise | lower | none`); `None` when the
    /// dictionary does not say: the gap analysis then infers the direction from the rules that
    /// read the field (never from its name) and marks it 推断.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lever: Option<crate::levers::Lever>,
    /// Who supplies the figure (`role: county | evaluator | prior_year | peer_derived`; default
    /// `county`). Only a county's own figures are ever levers: a figure the evaluators enter (a
    /// discretionary deduction and its reason), last year's figure, or one derived from other
    /// counties is never proposed for change, whatever a probe of the rules says.
    #[serde(default, skip_serializing_if = "crate::levers::FieldRole::is_county")]
    pub role: crate::levers::FieldRole,
    // issue 27 shape 5: records
    /// A `type: records` field's sub-fields: each record is a mapping of these (any type but
    /// `records`), checked like fields of the dictionary. `None` on other fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_fields: Option<BTreeMap<String, FieldSpec>>,
    /// A `type: records` field's most records (default [`DEFAULT_MAX_RECORDS`], at most
    /// [`MAX_RECORDS`]): a county giving more is refused, naming this key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_records: Option<usize>,
    /// Where it was declared.
    #[serde(skip_deserializing)]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub span: Span,
}

// issue 27 shape 5: records
/// The most records a `type: records` field holds when it does not say (`max_records:`).
pub const DEFAULT_MAX_RECORDS: usize = 1000;
/// The most records any `type: records` field may allow (`max_records:` at most this): the
/// sandbox's largest list (`evaluate::MAX_SIZE`).
pub const MAX_RECORDS: usize = 10_000;

/// How an item combines its records' scores (`combine:`), each record's score on the record
/// scale `record_points` (评分细则: 本项得分为抽查案卷的平均分).
#[derive(Debug, Clone, Copy, PartialEq, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Combine {
    /// The mean: Σ / n (the default).
    #[default]
    Average,
    /// The lowest record's score.
    Min,
    /// The sum, at most the record points.
    Sum,
    /// `{share: b}`: the record points × the share of records scoring at least `b`.
    Share(f64),
}

impl Combine {
    /// The Chinese name used in notes and messages.
    pub fn zh(self) -> &'static str {
        match self {
            Combine::Average => "平均",
            Combine::Min => "最低",
            Combine::Sum => "合计",
            Combine::Share(_) => "达标比例",
        }
    }
    /// Whether a record's score meets a `share` bar (compared as every rule compares numbers:
    /// nine significant digits, `numeric::compare`).
    pub fn meets(score: f64, bar: f64) -> bool {
        matches!(
            crate::numeric::compare(score, bar),
            Some(std::cmp::Ordering::Greater | std::cmp::Ordering::Equal)
        )
    }
}

/// An item that scores a records field one record at a time (`each:`): its `score` is the
/// `record_score` expression, run once per record with `r` bound to the record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordRule {
    /// The `type: records` field scored.
    pub field: FieldPath,
    /// `record_points`: the scale of one record's score (`P` in `record_score`); `None`: the
    /// item's own points.
    pub points: Option<Points>,
    /// How the records' scores are combined.
    pub combine: Combine,
}

impl FieldSpec {
    /// The effective lower and upper bounds of a numeric field.
    pub fn bounds(&self) -> (Option<f64>, Option<f64>) {
        let (lo, hi) = match self.ty {
            FieldType::Percent => (Some(0.0), Some(100.0)),
            FieldType::Count => (Some(0.0), None),
            _ => (None, None),
        };
        match self.range {
            Some([a, b]) => (
                Some(lo.map_or(a, |l| a.max(l))),
                Some(hi.map_or(b, |h| b.min(h))),
            ),
            None => (lo, hi),
        }
    }
    /// The field's lever as the dictionary states it: `Some(Lever::None)` for a figure that is
    /// not the county's own (`role:` other than `county`), the declared `lever:`
    /// otherwise, and `None` when the dictionary does not say (the gap analysis then infers the
    /// direction from the compiled rules that read the field; see [`crate::levers`]).
    pub fn declared_lever(&self) -> Option<crate::levers::Lever> {
        // issue 27 shape 5: a records field's records are reviewed one by one (案卷评查); no
        // change of the list is proposed.
        if !self.role.is_county() || self.ty == FieldType::Records {
            return Some(crate::levers::Lever::None);
        }
        self.lever
    }
    /// The unit to show beside a value (`%` for percents).
    pub fn unit_label(&self) -> &str {
        match (&self.unit, self.ty) {
            (Some(u), _) => u,
            (None, FieldType::Percent) => "%",
            _ => "",
        }
    }
}

/// A node's `points:` as written: points (`15`), or, on a first-level area, a share of the
/// total (`15%`: "一、制度建设（占总分值的15%）"), whose subtree's points are then scaled to it.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(untagged))]
pub(crate) enum NodePoints {
    /// Points.
    Points(Points),
    /// A share of the total, in percent (`"15%"` → 15).
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    Share(f64),
}

impl<'de> Deserialize<'de> for NodePoints {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            N(f64),
            S(String),
        }
        match Raw::deserialize(de)? {
            Raw::N(v) if v.is_finite() => Ok(NodePoints::Points(Points::from_f64(v))),
            Raw::N(_) => Err(serde::de::Error::custom("points must be a finite number")),
            Raw::S(s) => {
                let t = s.trim();
                match t.strip_suffix('%').or_else(|| t.strip_suffix('％')).map(|x| x.trim().parse::<f64>()) {
                    Some(Ok(v)) if v.is_finite() && v >= 0.0 => Ok(NodePoints::Share(v)),
                    _ => Err(serde::de::Error::custom(format!(
                        "points `{s}`: write a number (15) or, on a first-level area, a share of the total (15%)"
                    ))),
                }
            }
        }
    }
}

/// A node of the indicator tree as written in YAML (children nested).
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawNode {
    /// 稳定编号，如 "4.2.1"（写成带引号的字符串）；子指标以父指标编号开头。
    pub id: IndicatorId,
    /// 指标名称（中文），报告中原样显示。
    pub name: String,
    /// 英文名称（可选）。
    #[serde(default)]
    pub name_en: Option<String>,
    /// 分值：父指标等于子指标分值之和，最多三位小数；一级指标也可写占总分的比例（`15%`）。
    pub points: NodePoints,
    /// 官方文本中的序号（可选）。
    #[serde(default)]
    pub official_no: Option<u32>,
    /// 下级指标（有 children 的是父指标，本身不评分）。
    #[serde(default)]
    pub children: Option<Vec<RawNode>>,
    /// An item made of parts (述法8分、年度报告6分、学法6分): each part a scored leaf with its own
    /// id, inputs, points and rule.
    #[serde(default)]
    pub parts: Option<Vec<RawNode>>,
    /// 评分规则读取的字段（数据字典中的点分路径）；缺任一字段时该指标为无数据。
    #[serde(default)]
    pub inputs: Option<Vec<FieldPath>>,
    /// 可选读取的字段：缺少时规则仍然运行（用 has(...) 判断）。
    #[serde(default)]
    pub optional_inputs: Vec<FieldPath>,
    /// 评分表达式（rhai），返回得分或布尔值；P 为本指标分值，d 为县数据。
    #[serde(default)]
    pub score: Option<String>,
    /// 评分标准原文（官方文本）。
    #[serde(default)]
    pub rule_text: Option<String>,
    /// 得满分的目标值：字段 → 值（差距分析提出改进目标时使用）。
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "BTreeMap<String, serde_json::Value>")
    )]
    pub target: BTreeMap<FieldPath, Value>,
    /// 所需佐证材料（资料审核时查看的文件）。
    #[serde(default)]
    pub evidence: Vec<String>,
    // issue 27 shape 5: records
    /// 案卷评查：逐份评分的记录列表字段（`type: records`，须列在 inputs 中）。
    #[serde(default)]
    pub each: Option<FieldPath>,
    /// 每份记录的分值（record_score 中的 P；缺省为本指标分值）。
    #[serde(default)]
    pub record_points: Option<Points>,
    /// 每份记录的评分表达式（rhai），r 为该份记录，P 为每份分值，d 为县数据。
    #[serde(default)]
    pub record_score: Option<String>,
    /// 各份得分的合并方式：average（平均，缺省）、min、sum、{share: 达标分}。
    #[serde(default)]
    pub combine: Option<Combine>,
    // issue 27 shape 6: relative scores
    /// 相对评分（与比较组内其他县比较）：代替 `score:`，如全市排名前三名的得满分。
    #[serde(default)]
    pub relative: Option<crate::relative::Relative>,
}

/// A node of the indicator tree: an area (parent) or a scored item (leaf).
#[derive(Debug, Clone, Serialize)]
pub struct Node {
    /// Stable id (`"4.2.1"`).
    pub id: IndicatorId,
    /// Chinese name (shared with every report that names the node).
    pub name: Arc<str>,
    /// English name.
    pub name_en: Option<Arc<str>>,
    /// Points (for a leaf, its maximum).
    pub points: Points,
    /// The points as written, when they differ from `points`: a leaf under an area written as
    /// a share of the total (`15%`), whose points were scaled to the area's share; its rule
    /// runs with `P` = these and its result is scaled by `points / written`. `None` otherwise.
    #[serde(skip)]
    pub written: Option<Points>,
    /// A first-level area's share of the total in percent, as written (`15%` → 15).
    #[serde(skip)]
    pub share: Option<f64>,
    /// 1 for first-level areas.
    pub level: usize,
    /// Index of the parent in [`RuleSet::nodes`](crate::RuleSet::nodes).
    pub parent: Option<usize>,
    /// Indexes of the children.
    pub children: Vec<usize>,
    /// Index of the first-level ancestor (itself for a first-level node).
    pub area: usize,
    /// The scoring part of a leaf.
    pub leaf: Option<Leaf>,
    /// Item number in the official text.
    pub official_no: Option<u32>,
    /// Whether this is an item made of parts (`parts:` in YAML): its children are the parts, each
    /// scored on its own (a part without data is `no_data`, the others still score).
    pub made_of_parts: bool,
    /// Where it was written.
    pub span: Span,
}

/// The scoring part of a leaf indicator.
#[derive(Debug, Clone, Serialize)]
pub struct Leaf {
    /// Fields the rule needs; missing ones make the item `no_data`.
    pub inputs: Vec<FieldPath>,
    /// Fields the rule may read when present (test with `has("…")`).
    pub optional_inputs: Vec<FieldPath>,
    /// The rhai score expression.
    pub score: String,
    /// The Chinese rule text the expression encodes (shared with the reports).
    pub rule_text: Option<Arc<str>>,
    /// Field values that earn full points (a hint).
    pub target: BTreeMap<FieldPath, Value>,
    /// Evidence (佐证材料) needed (shared with the reports).
    pub evidence: Arc<[String]>,
    // issue 27 shape 5: records
    /// When the item scores a records field one record at a time (`each:`): which field, the
    /// record points and the combination; `score` is then the `record_score` expression.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub records: Option<RecordRule>,
    // issue 27 shape 6: relative scores
    /// A score relative to the other counties of the group (instead of `score`, which is then
    /// empty): see [`crate::relative`].
    pub relative: Option<Arc<crate::relative::Relative>>,
}

impl Model {
    // issue 27 shape 6: relative scores
    /// The fields compared by `relative:` leaves, in path order, each once.
    pub(crate) fn relative_fields(&self) -> Vec<FieldPath> {
        let set: std::collections::BTreeSet<FieldPath> = (self.nodes.iter())
            .filter_map(|n| n.leaf.as_ref()?.relative.as_ref().map(|r| r.field.clone()))
            .collect();
        set.into_iter().collect()
    }
}

impl Leaf {
    /// Every field the rule may read: `inputs`, then `optional_inputs`.
    pub fn reads(&self) -> Vec<FieldPath> {
        self.inputs
            .iter()
            .chain(&self.optional_inputs)
            .cloned()
            .collect()
    }
}

/// 一票否决: a condition that disqualifies the county.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Veto {
    /// Stable id.
    pub id: IndicatorId,
    /// Chinese name.
    pub name: String,
    /// Fields it reads.
    pub inputs: Vec<FieldPath>,
    /// Optional fields it may read.
    #[serde(default)]
    pub optional_inputs: Vec<FieldPath>,
    /// The Chinese rule.
    #[serde(default)]
    pub rule_text: Option<String>,
    /// rhai condition: true disqualifies.
    pub when: String,
    /// Where it was written.
    #[serde(skip_deserializing)]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub span: Span,
}

/// 加分: points added, capped.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Bonus {
    /// Stable id.
    pub id: IndicatorId,
    /// Chinese name.
    pub name: String,
    /// Fields it reads.
    pub inputs: Vec<FieldPath>,
    /// Optional fields it may read.
    #[serde(default)]
    pub optional_inputs: Vec<FieldPath>,
    /// The most this bonus gives. Required: lint refuses a bonus without its own
    /// `cap` (read as 0 only so that the rest of the file is still checked).
    #[serde(default)]
    pub cap: Points,
    /// The Chinese rule.
    #[serde(default)]
    pub rule_text: Option<String>,
    /// rhai expression returning points.
    pub score: String,
    /// Where it was written.
    #[serde(skip_deserializing)]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub span: Span,
}

/// 扣分 above the item level: points taken from a node or the total.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Penalty {
    /// Stable id.
    pub id: IndicatorId,
    /// Chinese name.
    pub name: String,
    /// A node id, or `total`.
    pub applies_to: IndicatorId,
    /// Fields it reads.
    pub inputs: Vec<FieldPath>,
    /// Optional fields it may read.
    #[serde(default)]
    pub optional_inputs: Vec<FieldPath>,
    /// The most this penalty takes.
    #[serde(default)]
    pub cap: Option<Points>,
    /// The Chinese rule.
    #[serde(default)]
    pub rule_text: Option<String>,
    /// rhai expression returning the points to deduct (empty for a zeroing entry).
    #[serde(default)]
    pub score: String,
    /// A zeroing entry (该项不得分 / 总分即为零分): a rhai condition which, when true, takes every
    /// point left at `applies_to` (the node's or the total's points become 0). Given instead of
    /// `score`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    /// Where it was written.
    #[serde(skip_deserializing)]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub span: Span,
}

impl Penalty {
    /// Whether this is a zeroing entry (written with `when:`), not a deduction of points.
    pub fn is_zeroing(&self) -> bool {
        self.when.is_some()
    }
    /// The rhai source that runs: the condition of a zeroing entry, else the score.
    pub fn expression(&self) -> &str {
        self.when.as_deref().unwrap_or(&self.score)
    }
}

/// A named pass level (示范…).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PassLine {
    /// Stable id.
    pub id: IndicatorId,
    /// Chinese name.
    pub name: String,
    /// The minimum total (bonuses and penalties included).
    pub min_total: Points,
    /// The minimum share (0–1) of its points every first-level area must earn.
    #[serde(default)]
    pub min_area_share: Option<f64>,
    /// Where it was written.
    #[serde(skip_deserializing)]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub span: Span,
}

/// A data-consistency check: a warning when its condition is false.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// Stable id.
    pub id: IndicatorId,
    /// Chinese name.
    pub name: String,
    /// Fields it reads.
    pub inputs: Vec<FieldPath>,
    /// rhai condition that should hold.
    pub expect: String,
    /// The warning shown when it does not.
    pub message: String,
    /// Where it was written.
    #[serde(skip_deserializing)]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub span: Span,
}

/// One YAML document of a rule set, as written.
#[derive(Debug, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDoc {
    #[serde(default)]
    pub ruleset: Option<Header>,
    #[serde(default)]
    pub fields: BTreeMap<FieldPath, FieldSpec>,
    #[serde(default)]
    pub indicators: Vec<RawNode>,
    #[serde(default)]
    pub vetoes: Vec<Veto>,
    #[serde(default)]
    pub bonuses: Vec<Bonus>,
    #[serde(default)]
    pub penalties: Vec<Penalty>,
    #[serde(default)]
    pub pass_lines: Vec<PassLine>,
    #[serde(default)]
    pub checks: Vec<Check>,
}

/// A whole rule set after loading: every file merged, the tree flattened (pre-order).
#[derive(Debug, Clone)]
pub(crate) struct Model {
    pub header: Header,
    pub header_span: Span,
    pub fields: BTreeMap<FieldPath, FieldSpec>,
    pub nodes: Vec<Node>,
    pub vetoes: Vec<Veto>,
    pub bonuses: Vec<Bonus>,
    pub penalties: Vec<Penalty>,
    pub pass_lines: Vec<PassLine>,
    pub checks: Vec<Check>,
    /// sha256 over the normalised files.
    pub hash: String,
    /// Per file: name and text (for locating expression positions).
    pub files: Vec<(String, String)>,
    /// Ids of the nodes (and `ruleset` for the header) whose points were refused for having more
    /// than three decimals (`authoring`): their sums are not checked again.
    pub too_fine: std::collections::BTreeSet<String>,
    /// The 百分制 factor (`rescale_to / written total_points`) once `rescale::apply`
    /// has put every point on the reported scale; 1 without `rescale_to`. Rules still run on the
    /// written scale: the runner binds `P / scale` and multiplies results by `scale`.
    pub scale: f64,
    /// The total the rule set is written out of (`total_points` before rescaling).
    pub written_total: Points,
    /// Whether the first-level areas are written as shares of the total (`points: 15%`), so
    /// that the items' points were scaled from what was written ([`Node::written`]).
    pub shares: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    // The lever a field declares (moved from levers.rs, so that levers imports nothing of
    // model: no import circle).
    fn lever_spec(y: &str) -> FieldSpec {
        crate::load::parse::typed_for_tests(y).unwrap()
    }

    #[test]
    fn names_say_nothing_and_roles_and_declarations_do() {
        // No lever declared: the dictionary says nothing, whatever the name.
        assert_eq!(lever_spec("{type: count, desc: x}").declared_lever(), None);
        assert_eq!(
            lever_spec("{type: count, desc: x, lever: lower}").declared_lever(),
            Some(crate::levers::Lever::Lower)
        );
        // A figure that is not the county's own is never a lever, even when a lever is declared.
        for role in ["evaluator", "prior_year", "peer_derived"] {
            let s = lever_spec(&format!(
                "{{type: number, desc: x, role: {role}, lever: raise}}"
            ));
            assert_eq!(
                s.declared_lever(),
                Some(crate::levers::Lever::None),
                "{role}"
            );
        }
        assert!(lever_spec("{type: count, desc: x, role: county}")
            .role
            .is_county());
        assert!(crate::load::parse::typed_for_tests::<FieldSpec>(
            "{type: count, desc: x, role: boss}"
        )
        .is_err());
    }

    #[test]
    fn bounds_combine_type_and_range() {
        let f: FieldSpec =
            crate::load::parse::typed_for_tests("{type: percent, desc: x, range: [50, 120]}")
                .unwrap();
        assert_eq!(f.bounds(), (Some(50.0), Some(100.0)));
        let c: FieldSpec = crate::load::parse::typed_for_tests("{type: count, desc: x}").unwrap();
        assert_eq!(c.bounds(), (Some(0.0), None));
    }
}
