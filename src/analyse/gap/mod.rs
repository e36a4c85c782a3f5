//! Gap analysis: where a county's points went, what would bring them back, and the fewest item
//! changes that reach each pass line. Every promise (a counterfactual's points, a plan's total)
//! is found by rescoring modified data with the real rules, and verified by a full rescore.
//!
//! Built from a county's [`Report`], its [`CountyData`] (counterfactuals rescore modified data)
//! and the [`RuleSet`]; serialised to stable JSON (`schema` changes if a meaning ever does) or
//! rendered as a Chinese Markdown report with [`markdown`].

mod adjustments;
mod batch;
mod build;
mod entry;
mod levers;
mod peers;
mod plan;
mod search;

pub use self::batch::{EntryKind, GapBatch, GapSummary, SummaryEntry, SummaryPassLine};
pub use self::peers::{PeerArea, PeerComparison};
pub use self::plan::{greedy_costs, Costs, Plan, PlanOptions, PlanStep, Solver};

use self::build::build;
pub(crate) use self::build::{areas_short, id_order};
pub(crate) use self::levers::lint_warnings as lever_warnings;
use crate::error::{Error, Result};
use crate::load::county::{CountyData, Datum};
use crate::report::{CountyRef, EngineInfo, Inputs, ItemStatus, Report, RuleSetInfo};
use crate::types::Value;
use crate::types::{FieldPath, IndicatorId, Points};
use crate::RuleSet;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The version of the gap analysis's JSON layout.
pub const GAP_SCHEMA: u32 = 1;

/// The gap analysis of one county under one rule set.
///
/// ```
/// use fazhi::analyse::gap::{GapAnalysis, Reach};
/// use fazhi::{CountyData, RuleSet, RuleSource};
///
/// let rules = RuleSet::load(&RuleSource::from_documents([("r.yaml", r#"
/// ruleset: {id: demo, title: 示例, version: "1", total_points: 10}
/// fields:
///   litigation.head_appearance_rate: {type: percent, desc: 行政机关负责人出庭应诉率}
/// indicators:
///   - id: "1"
///     name: 行政争议化解
///     points: 10
///     children:
///       - id: "1.1"
///         name: 行政机关负责人出庭应诉
///         points: 10
///         inputs: [litigation.head_appearance_rate]
///         rule_text: 出庭应诉率≥90%得满分；80%–90%得5分
///         score: tiers(d.litigation.head_appearance_rate, [[90, P], [80, 5]])
/// pass_lines:
///   - {id: demonstration, name: 示范, min_total: 8}
/// "#)]))?;
/// let yaml = "county: {id: demo, name: 示例县}\ndata: {litigation: {head_appearance_rate: 82.5}}\n";
/// let county = CountyData::from_str("demo.yaml", yaml, &rules)?;
/// let report = rules.score(&county);
/// let gap = GapAnalysis::from_report(&rules, &county, &report)?;
///
/// // The item lost 5 points; raising the rate to 90% (found by rescoring) earns them back.
/// let item = &gap.lost[0];
/// let fix = item.fix.as_ref().unwrap();
/// assert_eq!(fix.reach, Reach::Full);
/// assert_eq!(fix.changes[0].to.as_f64(), Some(90.0));
/// // The plan to the 示范 line is that one change, and it promises a total of 10.
/// assert_eq!(gap.plans[0].steps.len(), 1);
/// assert_eq!(gap.plans[0].total_after.to_string(), "10");
/// println!("{}", fazhi::render::gap_markdown(&gap));
/// # Ok::<(), fazhi::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GapAnalysis {
    /// The JSON layout version ([`GAP_SCHEMA`]).
    pub schema: u32,
    /// Which rules.
    pub ruleset: RuleSetInfo,
    /// Which engine.
    pub engine: EngineInfo,
    /// Which county and data.
    pub county: CountyRef,
    /// The county's final score.
    pub total: Points,
    /// The points of the indicator tree.
    pub max: Points,
    /// The names of the vetoes that fired (empty when none did).
    pub vetoes: Vec<String>,
    /// The distance to every pass line, in the rule set's order.
    pub pass_lines: Vec<PassGap>,
    /// Every first-level area, in tree order.
    pub areas: Vec<AreaGap>,
    /// Every item that lost points although it had data (scored or failed), ranked by points
    /// lost (then by id).
    pub lost: Vec<LostItem>,
    /// Every item without data, ranked by points at stake (then by id).
    pub no_data: Vec<NoDataItem>,
    /// Every penalty charged, zeroing entry that holds, bonus below its cap (while the rule
    /// set's bonus cap leaves room) and veto that fires, in rule-set order (penalties, bonuses,
    /// vetoes), each with what would win its points back.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<LostAdjustment>,
    /// Where every point between the total and the maximum went.
    pub accounting: Accounting,
    /// A plan for every pass line not reached.
    pub plans: Vec<Plan>,
    /// The comparison with a peer group, when one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peers: Option<PeerComparison>,
}

/// The distance to one pass line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PassGap {
    /// Pass line id.
    pub id: IndicatorId,
    /// Its name (示范).
    pub name: String,
    /// The minimum total.
    pub min_total: Points,
    /// The minimum share of its points every first-level area must earn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_area_share: Option<f64>,
    /// Whether the county reaches it.
    pub reached: bool,
    /// Whether a veto blocks it regardless of the score.
    pub blocked_by_veto: bool,
    /// Points missing to the minimum total (0 when the total is enough).
    pub shortfall: Points,
    /// Areas below the minimum share, with the points each is missing.
    pub areas_short: Vec<AreaShort>,
    /// Exactly what keeps the county from the line (empty when it is reached): the total, each
    /// area below its share, each veto, each zeroing condition, in that order.
    #[serde(default)]
    pub blockers: Vec<Blocker>,
}

/// One thing that keeps a county from a pass line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Blocker {
    /// The total is below the line's minimum by `shortfall` points.
    Total {
        /// Points missing.
        shortfall: Points,
    },
    /// A first-level area earns less than the line's minimum share of its points.
    AreaShare {
        /// Area id.
        id: IndicatorId,
        /// Area name.
        name: String,
        /// Points the area is missing to its share.
        shortfall: Points,
    },
    /// A veto (一票否决) fired: no score reaches the line.
    Veto {
        /// Veto id.
        id: IndicatorId,
        /// Veto name.
        name: String,
    },
    /// A zeroing condition (该项不得分 / 总分即为零分) took the points of a node or of the total.
    Zeroing {
        /// The condition's id.
        id: IndicatorId,
        /// Its name.
        name: String,
        /// The node (or `total`) it zeroed.
        applies_to: IndicatorId,
    },
}

/// What the counterfactual search covered for one item, so that "no change can raise the score"
/// is said only when it was searched completely.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchNote {
    /// Whether every combination of lever values the search grid allows was within reach: every
    /// field read was searched and at most two fields are levers (pairs are searched together).
    pub complete: bool,
    /// Fields the rule reads that are not levers (context figures, `lever: none`): never changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_levers: Vec<FieldPath>,
    /// What was not searched, in Chinese (empty when `complete`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_searched: Vec<String>,
    /// Fields read that declare no `lever:`, with the direction inferred from the rules that read
    /// them (推断; see [`crate::levers::Inferred`]).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub inferred: BTreeMap<FieldPath, crate::levers::Inferred>,
}

/// What kind of entry outside the items lost points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdjustmentKind {
    /// 扣分: a penalty charged to a node or the total.
    Penalty,
    /// A zeroing entry that holds (该项不得分 / 总分即为零分).
    Zeroing,
    /// 加分: a bonus below its own cap.
    Bonus,
    /// 一票否决: a veto that fires.
    Veto,
}

impl AdjustmentKind {
    /// The JSON name (`penalty`, `zeroing`, `bonus`, `veto`).
    pub fn as_str(self) -> &'static str {
        match self {
            AdjustmentKind::Penalty => "penalty",
            AdjustmentKind::Zeroing => "zeroing",
            AdjustmentKind::Bonus => "bonus",
            AdjustmentKind::Veto => "veto",
        }
    }

    /// The Chinese term (扣分, 清零, 加分, 一票否决).
    pub fn zh(self) -> &'static str {
        match self {
            AdjustmentKind::Penalty => "扣分",
            AdjustmentKind::Zeroing => "清零",
            AdjustmentKind::Bonus => "加分",
            AdjustmentKind::Veto => "一票否决",
        }
    }
}

/// A penalty, zeroing entry, bonus or veto that costs the county points (or a pass line), with
/// the change that would win them back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LostAdjustment {
    /// Its id (PN1, Z1, B1, V1).
    pub id: IndicatorId,
    /// Its Chinese name.
    pub name: String,
    /// What kind of entry.
    pub kind: AdjustmentKind,
    /// The node (or `total`) a penalty or zeroing entry applies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_to: Option<IndicatorId>,
    /// Points: a penalty's or zeroing entry's as charged (扣完为止: never more than was there),
    /// a bonus's as earned (before the rule set's cap), 0 for a veto.
    pub points: Points,
    /// A penalty's points as requested (after its own cap, before 扣完为止), a bonus's cap, a
    /// zeroing entry's points taken.
    pub requested: Points,
    /// The Chinese rule text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_text: Option<String>,
    /// The report's detail for it (its notes, or the data it lacks).
    pub why: String,
    /// The smallest change found that removes the penalty (lifts the zeroing or veto, earns the
    /// bonus), or the most reachable. For a penalty `earned` is the points still requested
    /// after it and `gain` the points no longer requested; a lifted zeroing entry's `gain` is
    /// the points it took.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
    /// Smaller moves that win part of the points back (one criticism fewer), as a pass line
    /// needs them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partial: Vec<Fix>,
    /// The county's total with `fix` alone applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_after: Option<Points>,
    /// What the search covered.
    #[serde(default)]
    pub search: SearchNote,
}

/// One line of the accounting: an entry and its points as charged or counted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountLine {
    /// Its id.
    pub id: IndicatorId,
    /// Its Chinese name.
    pub name: String,
    /// The node (or `total`) a penalty applies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_to: Option<IndicatorId>,
    /// Points as charged (a penalty, a zeroing entry) or as earned before the rule set's bonus
    /// cap (a bonus).
    pub points: Points,
}

/// Where every point between the total and the maximum went:
/// `max − total = items_lost + items_no_data + Σ penalties + Σ zeroed − bonus_counted`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Accounting {
    /// The rule set's maximum.
    pub max: Points,
    /// The county's total.
    pub total: Points,
    /// Points lost by items with data (scored or failed).
    pub items_lost: Points,
    /// Points of items without data.
    pub items_no_data: Points,
    /// Penalties as charged (扣完为止), each with its points.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub penalties: Vec<AccountLine>,
    /// Zeroing entries that held, with the points they took.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zeroed: Vec<AccountLine>,
    /// Bonuses earned, each before the rule set's cap.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bonuses: Vec<AccountLine>,
    /// The bonus counted in the total (after the rule set's cap).
    pub bonus_counted: Points,
    /// What the rule set's bonus cap trimmed (Σ bonuses − counted).
    pub bonus_trimmed: Points,
    /// The 附加项 (`additional_points`): points of the maximum that no item holds (only bonuses
    /// can earn them), so `max − total` counts them too; 0 (and left out) without one.
    #[serde(default, skip_serializing_if = "no_points")]
    pub additional: Points,
    /// Whether the lines add up (they do whenever the items' points add up to the maximum).
    pub adds_up: bool,
}

fn no_points(p: &Points) -> bool {
    *p == Points::ZERO
}

/// A first-level area below a pass line's minimum share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaShort {
    /// Area id.
    pub id: IndicatorId,
    /// Area name.
    pub name: String,
    /// Points earned.
    pub earned: Points,
    /// Points the share requires.
    pub needed: Points,
    /// needed − earned.
    pub shortfall: Points,
}

/// One first-level area's losses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaGap {
    /// Area id.
    pub id: IndicatorId,
    /// Area name.
    pub name: String,
    /// Points earned (after penalties on the area).
    pub earned: Points,
    /// The area's points.
    pub max: Points,
    /// max − earned.
    pub lost: Points,
    /// Items with data that lost points.
    pub items_lost: usize,
    /// Items without data.
    pub items_no_data: usize,
    /// Points of the items without data.
    pub no_data_points: Points,
}

/// An item that lost points although it had data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LostItem {
    /// Item id.
    pub id: IndicatorId,
    /// Chinese name.
    pub name: Arc<str>,
    /// First-level area id.
    pub area: IndicatorId,
    /// Maximum points.
    pub max: Points,
    /// Points earned.
    pub earned: Points,
    /// Points lost.
    pub lost: Points,
    /// Scored, or error (the rule failed).
    pub status: ItemStatus,
    /// The Chinese rule text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_text: Option<Arc<str>>,
    /// The input values, with provenance.
    pub inputs: Inputs,
    /// Why it lost points: which tier, how many deductions (the rule's own explanation), and the
    /// rule's messages.
    pub why: String,
    /// The smallest change found to full points (or the most points reachable); `None` when the
    /// rule failed and no change to the data was searched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
    /// Other single-field changes that earn as much as `fix`, when `fix` is a single change.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<Fix>,
    /// What the search covered (levers only, in their direction).
    #[serde(default)]
    pub search: SearchNote,
    /// Cheaper partial moves of a one-field fix (each verified by a full rescore): the smallest
    /// move to each points level the search passed and to each level a pass line's total or
    /// area share needs. Plans under a cost file choose among them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partial: Vec<Fix>,
}

/// An item without data: 资料审核 scores it 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoDataItem {
    /// Item id.
    pub id: IndicatorId,
    /// Chinese name.
    pub name: Arc<str>,
    /// First-level area id.
    pub area: IndicatorId,
    /// Points at stake (the item's maximum).
    pub at_stake: Points,
    /// The fields the county lacks, with their descriptions.
    pub missing: Vec<MissingField>,
    /// The evidence (佐证材料) the item needs.
    pub evidence: Arc<[String]>,
    /// The Chinese rule text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_text: Option<Arc<str>>,
    /// The data to supply and the points they earn (rescored): the rule's target values, moved
    /// further where the county's other data make the targets fall short of full points.
    /// `None` when the rule set gives no target for some missing field, or nothing earns points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supply: Option<Fix>,
}

/// A field an item needs and the county lacks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MissingField {
    /// The field.
    pub field: FieldPath,
    /// Its description in the dictionary.
    pub desc: String,
}

/// How far a fix gets an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    /// Full points.
    Full,
    /// More points, but full points are out of reach within the fields' ranges.
    Partial,
    /// No change within range earns more.
    None,
}

/// A set of changes to a county's data and the points the item earns with them (rescored).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fix {
    /// How far it gets the item.
    pub reach: Reach,
    /// The changes, in the order they were found.
    pub changes: Vec<Change>,
    /// Points the item earns with the changes (verified by a full rescore).
    pub earned: Points,
    /// Points gained over the current score.
    pub gain: Points,
}

/// One field's change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The field.
    pub field: FieldPath,
    /// Its description in the dictionary.
    pub desc: String,
    /// Its unit (`%`, `件`…), empty when none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub unit: String,
    /// The current value (`None`: the county lacks it).
    pub from: Option<Value>,
    /// The value that earns the points.
    pub to: Value,
}

impl GapAnalysis {
    /// Analyses a county: scores it, then builds the analysis.
    pub fn new(rules: &RuleSet, data: &CountyData) -> GapAnalysis {
        let report = rules.score(data);
        build(rules, data, &report, &PlanOptions::default())
    }

    /// Analyses a county from its report. Fails with [`Error::Invalid`] when the report was not
    /// produced by these rules from these data (different hashes).
    pub fn from_report(rules: &RuleSet, data: &CountyData, report: &Report) -> Result<GapAnalysis> {
        GapAnalysis::with_options(rules, data, report, &PlanOptions::default())
    }

    /// Scores and analyses many counties at once, in parallel (rayon, with the default
    /// `parallel` feature), each as [`GapAnalysis::with_options`]: `(report, analysis)` per
    /// county, in the counties' order. A province's whole batch: 2,844 synthetic national-2021
    /// counties are timed in BENCHMARKS.md.
    pub fn for_counties(
        rules: &RuleSet,
        counties: &[CountyData],
        opts: &PlanOptions,
    ) -> Vec<(Report, GapAnalysis)> {
        use crate::par::*;
        counties
            .par_iter()
            .map(|d| {
                let report = rules.score(d);
                let gap = build(rules, d, &report, opts);
                (report, gap)
            })
            .collect()
    }

    /// As [`GapAnalysis::from_report`], with the plans' costs and the solver's time limit given
    /// ([`PlanOptions`]; `fazhi gap --costs FILE`).
    pub fn with_options(
        rules: &RuleSet,
        data: &CountyData,
        report: &Report,
        opts: &PlanOptions,
    ) -> Result<GapAnalysis> {
        if report.ruleset.hash != rules.hash() {
            return Err(Error::Invalid(format!(
                "the report was produced by rule set `{}` {} (hash {}), not by `{}` {} (hash {}); rescore the county with these rules first",
                report.ruleset.id,
                report.ruleset.version,
                short(&report.ruleset.hash),
                rules.id(),
                rules.version(),
                short(rules.hash())
            )));
        }
        if report.county.data_hash != data.hash() {
            return Err(Error::Invalid(format!(
                "the report is about county `{}` with data hash {}, but the data given are `{}` with hash {}; pass the data the report was scored from",
                report.county.id,
                short(&report.county.data_hash),
                data.info().id,
                short(data.hash())
            )));
        }
        Ok(build(rules, data, report, opts))
    }

    /// Makes the plans again under other options (a cost file, a time limit) without searching
    /// the items again: the options are this analysis's fixes, partial moves and supplies.
    /// `data` must be the data the analysis was built from (else [`Error::Invalid`]).
    pub fn replan(&mut self, rules: &RuleSet, data: &CountyData, opts: &PlanOptions) -> Result<()> {
        if data.hash() != self.county.data_hash || rules.hash() != self.ruleset.hash {
            return Err(Error::Invalid(format!(
                "the analysis is about county `{}` under `{}`; replan it with the rules and data it was built from",
                self.county.id, self.ruleset.id
            )));
        }
        let report = rules.score(data);
        let sim = entry::Sim::new(rules, data);
        self.plans = plan::plans(&sim, &report, self, opts);
        Ok(())
    }

    /// Adds the comparison with a peer group: the median of each first-level area over the
    /// peers' reports. A peer with the same county id and data hash as this county is left out,
    /// so a folder that holds the county itself can serve as its peer group.
    pub fn with_peers(mut self, peers: &[Report]) -> GapAnalysis {
        self.peers = Some(PeerComparison::new(&self, None, peers));
        self
    }

    /// As [`GapAnalysis::with_peers`], and item by item too: `own` is the county's report (the
    /// one the analysis was built from).
    pub fn with_peers_by_item(mut self, own: &Report, peers: &[Report]) -> GapAnalysis {
        self.peers = Some(PeerComparison::new(&self, Some(own), peers));
        self
    }
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

/// Applies changes to a county's data: the new values keep their datum's provenance (source,
/// quote) and are checked against the dictionary again. This is how plans and fixes are verified.
pub fn apply_changes(rules: &RuleSet, data: &CountyData, changes: &[Change]) -> Result<CountyData> {
    let mut values = data.values().clone();
    for c in changes {
        let note = match &c.from {
            Some(v) => format!("差距分析假设值（原值 {v}）"),
            None => "差距分析假设值（原无数据）".to_string(),
        };
        let datum = match values.get(&c.field) {
            Some(d) => Datum {
                value: c.to.clone(),
                bound: crate::Bound::Exact,
                note: Some(note.into()),
                ..d.clone()
            },
            None => Datum {
                note: Some(note.into()),
                ..Datum::new(c.to.clone())
            },
        };
        values.insert(c.field.clone(), datum);
    }
    CountyData::new(data.info().clone(), values, rules)
}
