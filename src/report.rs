//! The itemized report of one county under one rule set. Its JSON form is stable: fields are only
//! ever added, and `schema` changes if a meaning ever does.

use crate::load::county::Datum;
use crate::types::{FieldPath, IndicatorId, Points};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The version of the report's JSON layout.
pub const REPORT_SCHEMA: u32 = 1;

/// A county's itemized score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Report {
    /// The JSON layout version ([`REPORT_SCHEMA`]).
    pub schema: u32,
    /// Which rules produced it.
    pub ruleset: RuleSetInfo,
    /// Which engine produced it.
    pub engine: EngineInfo,
    /// Which county and data.
    pub county: CountyRef,
    /// Totals, vetoes, pass lines, coverage.
    pub summary: Summary,
    /// Every non-leaf node of the tree (areas and second-level indicators), in tree order.
    pub nodes: Vec<NodeScore>,
    /// Every scored item, in tree order.
    pub items: Vec<ItemScore>,
    /// Every veto, triggered or not.
    pub vetoes: Vec<VetoResult>,
    /// Every bonus.
    pub bonuses: Vec<AdjustmentResult>,
    /// Every penalty.
    pub penalties: Vec<AdjustmentResult>,
    /// Every data check.
    pub checks: Vec<CheckResult>,
}

/// The rule set behind a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RuleSetInfo {
    /// Rule set id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Version.
    pub version: String,
    /// sha256 over the normalised rule files.
    pub hash: String,
    /// Points of the indicator tree.
    pub total_points: Points,
    /// The 附加项 (加、扣分) inside `total_points`, when the rule set has one (the areas then
    /// add up to `total_points − additional_points`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_points: Option<Points>,
    /// 百分制 rescaling: the total the rule set is written out of (`total_points` is then the
    /// reported scale, and every point of the report is on it); absent without `rescale_to`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub written_out_of: Option<Points>,
}

/// The engine behind a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EngineInfo {
    /// `fazhi`.
    pub name: String,
    /// The crate version.
    pub version: String,
}

impl EngineInfo {
    /// This engine.
    pub fn current() -> EngineInfo {
        EngineInfo {
            name: env!("CARGO_PKG_NAME").into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

/// The county behind a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CountyRef {
    /// County id.
    pub id: String,
    /// County name.
    pub name: String,
    /// Province.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
    /// Year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// seed / synthetic…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// sha256 of the canonical data.
    pub data_hash: String,
    /// The data file the county was read from, as named on the command line (set by the
    /// commands and batch functions that read files; `fazhi verify` rescores from it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    // issue 27 shape 6: relative scores
    /// The group of counties the relative items were scored in (count and hash of their
    /// figures; `alone` when scored by itself); absent when the rule set has no relative item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<crate::relative::GroupInfo>,
}

/// The headline numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Summary {
    /// The final score: `items_total + bonus − penalty`, at least 0.
    pub total: Points,
    /// The points of the indicator tree.
    pub max: Points,
    /// 指标得分: the sum of the items' earned points (before any penalty, node or total).
    pub items_total: Points,
    /// Bonus after caps.
    pub bonus: Points,
    /// Penalties actually deducted (after caps and the floor at zero), nodes and total together,
    /// each counted once, zeroing entries included (what they took).
    pub penalty: Points,
    /// Whether a veto disqualified the county.
    pub vetoed: bool,
    /// Share (0–1) of the tree's points whose items had data.
    pub coverage: f64,
    /// Items scored.
    pub scored: usize,
    /// Items without data.
    pub no_data: usize,
    /// Items whose rule failed.
    pub errors: usize,
    /// Data checks that failed.
    pub warnings: usize,
    /// Every pass line, in the order the rule set gives them.
    pub pass_lines: Vec<PassResult>,
}

/// Whether a pass line is reached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PassResult {
    /// Pass line id.
    pub id: IndicatorId,
    /// Its name (示范).
    pub name: String,
    /// Minimum total.
    pub min_total: Points,
    /// Minimum share per area.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_area_share: Option<f64>,
    /// Reached or not.
    pub reached: bool,
    /// Why not (empty when reached).
    pub reasons: Vec<String>,
}

/// A parent node's score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NodeScore {
    /// Node id.
    pub id: IndicatorId,
    /// Chinese name (shared with the rule set).
    pub name: Arc<str>,
    /// English name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<Arc<str>>,
    /// 1 for first-level areas.
    pub level: usize,
    /// Parent id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<IndicatorId>,
    /// Points earned (after penalties on this node and below).
    pub earned: Points,
    /// Points of the node.
    pub max: Points,
    /// max − earned.
    pub lost: Points,
    /// Penalties deducted at this node.
    pub penalty: Points,
    /// For an item made of parts: how its parts came out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parts: Option<PartsOutcome>,
}

/// How the parts of an item made of parts came out (each part is a scored item of its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PartsOutcome {
    /// How many parts the item has.
    pub parts: usize,
    /// Parts scored.
    pub scored: usize,
    /// Parts without data (0 points; the others still score).
    pub no_data: usize,
    /// Parts whose rule failed.
    pub errors: usize,
}

impl PartsOutcome {
    /// 部分无数据: some part lacks data while another has it.
    pub fn partly_without_data(&self) -> bool {
        self.no_data > 0 && self.no_data < self.parts
    }
    /// The item's status in words: 已评分, 部分无数据, 无数据, or 部分出错.
    pub fn status_zh(&self) -> &'static str {
        if self.errors > 0 {
            "部分出错"
        } else if self.no_data == self.parts {
            "无数据"
        } else if self.no_data > 0 {
            "部分无数据"
        } else {
            "已评分"
        }
    }
}

/// How an item came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ItemStatus {
    /// The rule ran and gave points.
    Scored,
    /// Required inputs missing: not evaluated, 0 points.
    NoData,
    /// The rule failed (limit, bad result): 0 points.
    Error,
}

/// One scored item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ItemScore {
    /// Item id.
    pub id: IndicatorId,
    /// Chinese name (shared with the rule set).
    pub name: Arc<str>,
    /// English name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<Arc<str>>,
    /// First-level area id.
    pub area: IndicatorId,
    /// Parent id.
    pub parent: IndicatorId,
    /// Maximum points.
    pub max: Points,
    /// Points earned.
    pub earned: Points,
    /// max − earned.
    pub lost: Points,
    /// Scored, no data, error.
    pub status: ItemStatus,
    /// The input values used, with provenance.
    pub inputs: Inputs,
    /// Required inputs the county lacks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<FieldPath>,
    /// What the rule did, in short (`96比100低4，按每1扣1分计扣4分；本项得3分`): kept as data
    /// while scoring, worded when shown or written (a string in JSON).
    pub explanation: Explanation,
    // issue 27 shape 5: records
    /// A records item's records (`each:`), one by one, in the county's order: each record's
    /// label, points on the record scale and what its rule did. Empty for other items (and not
    /// written in JSON then).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<RecordScore>,
    /// Warnings and errors on this item.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<String>,
    /// The Chinese rule text (shared with the rule set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_text: Option<Arc<str>>,
    /// Evidence needed (shared with the rule set).
    #[serde(default = "no_evidence", skip_serializing_if = "is_empty")]
    pub evidence: Arc<[String]>,
}

// issue 27 shape 5: records
/// One record of a records item (案卷评查): which record, the points it earned on the record
/// scale (`record_points`, else the item's points; clamped to [0, record points]) and what its
/// rule did (`基本标准存在问题…，本份得0分`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordScore {
    /// Its place in the county's list, from 1.
    pub index: usize,
    /// The record's name: its first `text` sub-field (in name order) with that sub-field's
    /// description (`案卷号 A-01`), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The points the record earned, on the record scale.
    pub earned: Points,
    /// What the record rule did, ending with the record's points.
    pub explanation: String,
}

/// What a rule did for an item, kept as data (the helpers' notes and their numbers, the missing
/// fields) while a county is scored, and worded in Chinese by `words::notes` only when it is shown
/// ([`Display`](std::fmt::Display), `to_string()`) or written (a JSON string). Scoring a batch
/// thus words nothing that is never read.
///
/// ```
/// # let rules = fazhi::RuleSet::builtin()?;
/// let county = fazhi::CountyData::from_str("x.yaml", "county: {id: x, name: 某县}\ndata: {}\n", &rules)?;
/// let report = rules.score(&county);
/// let e = &report.items[0].explanation;
/// assert!(e.to_string().ends_with("按无佐证材料不得分"));
/// assert_eq!(serde_json::to_value(e)?, serde_json::Value::String(e.to_string()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Explanation(pub(crate) Expl);

/// How an [`Explanation`] is kept.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) enum Expl {
    /// No explanation (points-only runs): the empty text.
    #[default]
    Nothing,
    /// The helpers' notes and the points the item earned.
    Notes {
        notes: crate::helpers::core::Notes,
        earned: Points,
    },
    /// The inputs the county lacks (按无佐证材料不得分).
    NoData(Vec<FieldPath>),
    /// The rule failed (its message is in `messages`).
    RuleError,
    /// Worded already (read from a stored report).
    Text(String),
}

impl Explanation {
    /// Whether there is nothing to say (items of points-only runs).
    pub fn is_empty(&self) -> bool {
        match &self.0 {
            Expl::Nothing => true,
            Expl::Text(t) => t.is_empty(),
            _ => false,
        }
    }
}

impl From<String> for Explanation {
    /// An explanation worded already.
    fn from(s: String) -> Self {
        Explanation(Expl::Text(s))
    }
}

impl PartialEq for Explanation {
    /// Equal when they read the same (notes holding NaN included).
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0 || self.to_string() == other.to_string()
    }
}

impl PartialEq<str> for Explanation {
    fn eq(&self, other: &str) -> bool {
        self.to_string().as_str() == other
    }
}

impl PartialEq<&str> for Explanation {
    fn eq(&self, other: &&str) -> bool {
        self.to_string().as_str() == *other
    }
}

impl Serialize for Explanation {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Explanation {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Explanation(Expl::Text(String::deserialize(d)?)))
    }
}

fn no_evidence() -> Arc<[String]> {
    Arc::from([])
}

fn is_empty(e: &Arc<[String]>) -> bool {
    e.is_empty()
}

/// The input values an item used, by field (a map in JSON, in field order).
///
/// Kept lean (issue 25): the values are not copied into each item. An item holds the county's
/// values (shared, reference-counted with the county data it was scored from) and the fields
/// it read; a national batch keeps hundreds of thousands of these.
///
/// ```
/// use fazhi::{Datum, FieldPath, Inputs, Value};
/// let inputs: Inputs = [(FieldPath::new("b.x"), Datum::new(Value::Int(2))),
///                       (FieldPath::new("a.y"), Datum::new(Value::Bool(true)))].into_iter().collect();
/// assert_eq!(inputs.keys().map(|f| f.as_str()).collect::<Vec<_>>(), ["a.y", "b.x"]);
/// assert_eq!(inputs.get("b.x").unwrap().value, Value::Int(2));
/// ```
#[derive(Clone)]
pub struct Inputs {
    /// The county's values (or, for inputs read back from JSON, just these).
    values: Arc<BTreeMap<FieldPath, Datum>>,
    /// The fields the item read that `values` has, sorted, each once.
    fields: smallvec::SmallVec<[FieldPath; 2]>,
}

/// The values of no county (what items of points-only runs hold).
fn no_values() -> Arc<BTreeMap<FieldPath, Datum>> {
    static EMPTY: std::sync::OnceLock<Arc<BTreeMap<FieldPath, Datum>>> = std::sync::OnceLock::new();
    Arc::clone(EMPTY.get_or_init(|| Arc::new(BTreeMap::new())))
}

impl Default for Inputs {
    fn default() -> Self {
        Inputs {
            values: no_values(),
            fields: smallvec::SmallVec::new(),
        }
    }
}

impl std::fmt::Debug for Inputs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl PartialEq for Inputs {
    fn eq(&self, other: &Self) -> bool {
        self.fields == other.fields && self.values().eq(other.values())
    }
}

impl Inputs {
    /// The value of a field, if the item used it.
    pub fn get(&self, field: &str) -> Option<&Datum> {
        self.fields
            .binary_search_by(|f| f.as_str().cmp(field))
            .ok()
            .and_then(|_| self.values.get(field))
    }
    /// (field, value) pairs in field order.
    pub fn iter(&self) -> impl Iterator<Item = (&FieldPath, &Datum)> {
        self.fields
            .iter()
            .filter_map(|f| self.values.get(f).map(|d| (f, d)))
    }
    /// The fields, in order.
    pub fn keys(&self) -> impl Iterator<Item = &FieldPath> {
        self.fields.iter()
    }
    /// The values, in field order.
    pub fn values(&self) -> impl Iterator<Item = &Datum> {
        self.iter().map(|(_, d)| d)
    }
    /// How many.
    pub fn len(&self) -> usize {
        self.fields.len()
    }
    /// Whether the item used no values.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
}

impl Inputs {
    /// From a list: sorted by field; of a field given twice the last value is kept (as in a
    /// map).
    pub(crate) fn from_vec(v: Vec<(FieldPath, Datum)>) -> Inputs {
        let values: BTreeMap<FieldPath, Datum> = v.into_iter().collect();
        Inputs {
            fields: values.keys().cloned().collect(),
            values: Arc::new(values),
        }
    }

    /// The fields of `read` that `values` has (a county's values, shared, not copied).
    /// `present`: every field of `read` is known to be in `values` (so none is looked up).
    /// `sorted`: `read` is in path order, each field once (a compiled rule's `read_order`), so
    /// nothing is compared.
    pub(crate) fn shared<'a>(
        values: &Arc<BTreeMap<FieldPath, Datum>>,
        read: impl Iterator<Item = &'a FieldPath>,
        present: bool,
        sorted: bool,
    ) -> Inputs {
        let mut fields: smallvec::SmallVec<[FieldPath; 2]> = if present {
            read.cloned().collect()
        } else {
            read.filter(|f| values.contains_key(*f)).cloned().collect()
        };
        if !sorted && !fields.windows(2).all(|w| w[0] < w[1]) {
            fields.sort();
            fields.dedup();
        }
        Inputs {
            values: Arc::clone(values),
            fields,
        }
    }
}

impl FromIterator<(FieldPath, Datum)> for Inputs {
    /// Sorted by field; of a field given twice the last value is kept (as in a map).
    fn from_iter<I: IntoIterator<Item = (FieldPath, Datum)>>(it: I) -> Self {
        Inputs::from_vec(it.into_iter().collect())
    }
}

impl Serialize for Inputs {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Inputs {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(BTreeMap::<FieldPath, Datum>::deserialize(d)?
            .into_iter()
            .collect())
    }
}

/// Outcome of a condition (veto or check).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ConditionStatus {
    /// A veto that fired / a check that failed.
    Triggered,
    /// A veto that did not fire / a check that passed.
    Clear,
    /// Inputs missing: not evaluated.
    NoData,
    /// The expression failed.
    Error,
}

/// One veto's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VetoResult {
    /// Veto id.
    pub id: IndicatorId,
    /// Its name.
    pub name: String,
    /// Outcome.
    pub status: ConditionStatus,
    /// Missing inputs or the error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// One bonus's or penalty's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AdjustmentResult {
    /// Id.
    pub id: IndicatorId,
    /// Name.
    pub name: String,
    /// For penalties: the node id or `total`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_to: Option<IndicatorId>,
    /// Points given (bonus) or deducted (penalty), after caps and floors.
    pub points: Points,
    /// What the expression returned, before caps.
    pub raw: Points,
    /// Outcome: scored, no_data or error.
    pub status: ItemStatus,
    /// Explanation, missing inputs or the error.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
    /// Only for a zeroing entry (a penalty written with `when:`): whether its condition held.
    /// When it did, the entry took every point left at `applies_to` (`points` says how many), so
    /// that node or the total is 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zeroing: Option<bool>,
}

impl AdjustmentResult {
    /// Whether this is a zeroing entry whose condition held.
    pub fn zeroed(&self) -> bool {
        self.zeroing == Some(true)
    }
}

/// One data check's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CheckResult {
    /// Check id.
    pub id: IndicatorId,
    /// Its name.
    pub name: String,
    /// Triggered = the data are inconsistent.
    pub status: ConditionStatus,
    /// The check's message (when triggered), missing inputs or the error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// A rule that failed while scoring one county: an item in `error`, or a veto, bonus, penalty
/// or check whose expression failed. Named on standard error by `score`, `rank`, `gap` and
/// `diff` (exit code 4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RuleError {
    /// The rule's id (item, veto, bonus, penalty or check).
    pub id: IndicatorId,
    /// Its name.
    pub name: String,
    /// What failed (the messages of an item, the detail of the others).
    pub message: String,
}

impl std::fmt::Display for RuleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}「{}」: {}", self.id, self.name, self.message)
    }
}

impl Report {
    /// Every rule that failed for this county, in report order: items in `error`, then vetoes,
    /// bonuses, penalties and checks whose expression failed.
    pub fn rule_errors(&self) -> Vec<RuleError> {
        let items = self
            .items
            .iter()
            .filter(|i| i.status == ItemStatus::Error)
            .map(|i| RuleError {
                id: i.id.clone(),
                name: i.name.to_string(),
                message: i
                    .messages
                    .iter()
                    .map(|m| m.strip_prefix("error: ").unwrap_or(m))
                    .collect::<Vec<_>>()
                    .join("; "),
            });
        let adjustments = self
            .bonuses
            .iter()
            .chain(&self.penalties)
            .filter(|a| a.status == ItemStatus::Error)
            .map(|a| RuleError {
                id: a.id.clone(),
                name: a.name.clone(),
                message: a.detail.clone(),
            });
        let conditions = self
            .vetoes
            .iter()
            .map(|v| (&v.id, &v.name, v.status, &v.detail))
            .chain(
                self.checks
                    .iter()
                    .map(|c| (&c.id, &c.name, c.status, &c.detail)),
            )
            .filter(|c| c.2 == ConditionStatus::Error)
            .map(|(id, name, _, detail)| RuleError {
                id: id.clone(),
                name: name.clone(),
                message: detail.clone().unwrap_or_default(),
            });
        items.chain(adjustments).chain(conditions).collect()
    }

    /// The item with this id.
    pub fn item(&self, id: &str) -> Option<&ItemScore> {
        self.items.iter().find(|i| i.id.as_str() == id)
    }
    /// The node (area or second-level indicator) with this id.
    pub fn node(&self, id: &str) -> Option<&NodeScore> {
        self.nodes.iter().find(|n| n.id.as_str() == id)
    }
    /// Whether the pass line with this id is reached.
    pub fn passes(&self, pass_line: &str) -> bool {
        self.summary
            .pass_lines
            .iter()
            .any(|p| p.id.as_str() == pass_line && p.reached)
    }
    /// Checks that found the data inconsistent.
    pub fn warnings(&self) -> impl Iterator<Item = &CheckResult> {
        self.checks
            .iter()
            .filter(|c| c.status == ConditionStatus::Triggered)
    }
}

/// A data file a result was computed from.
///
/// ```
/// let f = fazhi::InputFile::new("a.yaml", "ab12");
/// assert_eq!((f.path.as_str(), f.sha256.as_str()), ("a.yaml", "ab12"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InputFile {
    /// The path as it was given.
    pub path: String,
    /// sha256 of the file's bytes.
    pub sha256: String,
}

impl InputFile {
    /// A file by its path as given and the sha256 (hex) of its bytes.
    pub fn new(path: impl Into<String>, sha256: impl Into<String>) -> InputFile {
        InputFile {
            path: path.into(),
            sha256: sha256.into(),
        }
    }
}

/// A county file that could not be scored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Failure {
    /// The path as it was given.
    pub path: String,
    /// What went wrong (every diagnostic, one per line).
    pub error: String,
}

impl Failure {
    /// The failure of the file at `path`. The message does not repeat the path: an unreadable
    /// file's error is the OS error alone (`No such file or directory (os error 2)`), a data
    /// error lists its diagnostics (each `file:line:col: …`).
    pub fn new(path: &std::path::Path, e: &crate::error::Error) -> Failure {
        Failure {
            path: path.display().to_string(),
            error: match e {
                crate::error::Error::Io { path: p, source } if p == path => source.to_string(),
                _ => e.to_string(),
            },
        }
    }
}

/// Which rules and which engine produced a result, and from which files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Provenance {
    /// The rule set (id, version, content hash).
    pub ruleset: RuleSetInfo,
    /// The engine.
    pub engine: EngineInfo,
    /// The data files, in the order given.
    pub inputs: Vec<InputFile>,
}
