//! Rule-set diffs: what changed between two versions of an indicator system (by stable id), and
//! — given county data — how every county's score moved and which items moved it.
//!
//! **Exact accounting.** A report's total is
//! `Σ items earned − Σ penalties deducted + Σ bonuses (each capped) − bonus trimmed by the overall cap`,
//! all in exact [`Points`]. A county's [`Contribution`]s are these terms, old and new, by id; so
//! the deltas of the contributions add up to the total delta exactly, and nothing is left
//! unexplained. Vetoes move no points (they decide pass lines), so they are listed beside the
//! contributions as veto changes.

mod impact;
mod structure;

pub use impact::{contributions, county_deltas};

use super::rank::PassLevel;
use crate::load::county::CountyData;
use crate::par::*;
use crate::report::{CountyRef, EngineInfo, RuleSetInfo};
use crate::report::{Failure, InputFile};
use crate::ruleset::RuleSet;
use crate::scoring::batch;
use crate::types::{IndicatorId, Points};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The part of a rule set a change is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// The `ruleset:` header.
    Ruleset,
    /// The data dictionary.
    Field,
    /// The indicator tree.
    Indicator,
    /// 一票否决.
    Veto,
    /// 加分.
    Bonus,
    /// 扣分.
    Penalty,
    /// Pass lines (示范…).
    PassLine,
    /// Data checks.
    Check,
}

/// What kind of change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Only in the new rule set.
    Added,
    /// Only in the old rule set.
    Removed,
    /// A new parent (indicators) or a new target (penalties).
    Moved,
    /// A new name (or title, description).
    Renamed,
    /// New points: an indicator's points, a cap, a pass line's minimum, the total.
    Repointed,
    /// A new expression or new inputs: results may change for the same data.
    RuleChanged,
    /// Anything else: rule text, evidence, a field's type or range, a version.
    Changed,
}

/// One change, by stable id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// Where.
    pub section: Section,
    /// The stable id (a field's path for the dictionary).
    pub id: String,
    /// What kind.
    pub kind: ChangeKind,
    /// Which attribute (`points`, `score`, `inputs`, `cap`, `parent`…); none for added/removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aspect: Option<String>,
    /// Before (a summary for removed things).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    /// After (a summary for added things).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
}

/// What a contribution to the total is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContributionKind {
    /// A scored item's earned points.
    Item,
    /// A bonus, after its own cap.
    Bonus,
    /// What the cap over all bonuses trims (zero or negative).
    BonusCap,
    /// A penalty, as actually deducted (negative).
    Penalty,
    /// A zeroing entry (a penalty written with `when:`), as actually taken (negative).
    Zeroing,
}

/// One term of a county's total, before and after. `old` and `new` are signed (penalties and
/// the bonus cap are negative); 0 where the term does not exist in that rule set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contribution {
    /// Item, bonus, bonus cap or penalty.
    pub kind: ContributionKind,
    /// Its id (`bonus_cap` for the overall cap).
    pub id: IndicatorId,
    /// Its name (from the new rule set when it exists there).
    pub name: String,
    /// Under the old rules.
    pub old: Points,
    /// Under the new rules.
    pub new: Points,
    /// `new − old`.
    pub delta: Points,
}

/// A veto whose outcome changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VetoChange {
    /// Veto id.
    pub id: IndicatorId,
    /// Its name.
    pub name: String,
    /// Triggered under the old rules.
    pub old: bool,
    /// Triggered under the new rules.
    pub new: bool,
}

/// How one county's score moved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountyDelta {
    /// The county (from the new report: id, name, data hash, source file).
    pub county: CountyRef,
    /// Total under the old rules.
    pub old_total: Points,
    /// Total under the new rules.
    pub new_total: Points,
    /// `new_total − old_total`.
    pub delta: Points,
    /// Rank in the batch under the old rules (competition ranking, see `analyse::change::rank`).
    pub old_rank: usize,
    /// Rank under the new rules.
    pub new_rank: usize,
    /// `old_rank − new_rank`: positive when the county moved up.
    pub rank_change: i64,
    /// Highest pass line reached under the old rules.
    pub old_pass: Option<PassLevel>,
    /// Under the new rules.
    pub new_pass: Option<PassLevel>,
    /// Every term whose points changed, largest |delta| first (then kind, then id); the deltas
    /// add up to `delta` exactly.
    pub contributions: Vec<Contribution>,
    /// Vetoes whose outcome changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vetoes: Vec<VetoChange>,
    /// Rules that failed for this county under the new rules (they count as 0).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<crate::report::RuleError>,
}

/// A rule-set diff: the changelog, and with data, every county's movement.
///
/// ```
/// use fazhi::{analyse::change::diff, RuleSet, RuleSource};
/// let old = RuleSet::builtin()?;
/// // The same rules under a new version number.
/// let docs: Vec<(String, String)> = RuleSet::builtin_source().documents().iter()
///     .map(|(n, t)| (n.clone(), t.replacen(&format!("version: \"{}\"", old.version()), "version: \"9.9\"", 1)))
///     .collect();
/// let new = RuleSet::load(&RuleSource::from_documents(docs))?;
/// let d = diff::diff_rules(&old, &new);
/// assert_eq!(d.changes.len(), 1);
/// assert_eq!(d.changes[0].aspect.as_deref(), Some("version"));
/// assert_eq!(d.changes[0].new.as_deref(), Some("9.9"));
/// # Ok::<(), fazhi::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleSetDiff {
    /// The old rule set (id, version, content hash).
    pub old: RuleSetInfo,
    /// The new rule set.
    pub new: RuleSetInfo,
    /// The engine.
    pub engine: EngineInfo,
    /// Every structural change, by section and id.
    pub changes: Vec<Change>,
    /// The data files scored (path and sha256), when there were any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<InputFile>,
    /// Every county's movement, in order of new rank (then county id).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub counties: Vec<CountyDelta>,
    /// County files that could not be scored under one of the rule sets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<Failure>,
    /// Whether either rule set has pass lines (without any, no level columns are shown).
    #[serde(default = "yes")]
    pub has_pass_lines: bool,
}

fn yes() -> bool {
    true
}

/// The structural diff of two rule sets (no data).
pub fn diff_rules(old: &RuleSet, new: &RuleSet) -> RuleSetDiff {
    RuleSetDiff {
        old: batch::ruleset_info(old),
        new: batch::ruleset_info(new),
        engine: EngineInfo::current(),
        changes: structure::changes(old, new),
        inputs: Vec::new(),
        counties: Vec::new(),
        failures: Vec::new(),
        has_pass_lines: !(old.pass_lines().is_empty() && new.pass_lines().is_empty()),
    }
}

/// The structural diff plus every county's movement: each file is scored under `old`, then
/// rescored under `new` reusing unchanged items (`analyse::change::rescore`). A file that cannot be read
/// under either rule set (the dictionary may have changed) is listed in `failures`, naming the
/// rule set. `tick` is called once per file and rule set (for a progress bar).
pub fn diff_files(
    old: &RuleSet,
    new: &RuleSet,
    paths: &[PathBuf],
    tick: &(dyn Fn() + Sync),
) -> RuleSetDiff {
    let mut d = diff_rules(old, new);
    let (before, mut failures) = batch::score_files(old, paths, tick);
    for f in &mut failures {
        f.error = format!("under the old rules ({}): {}", old.id(), f.error);
    }
    // Read every county under the new dictionary, then rescore the batch reusing old items.
    let read: Vec<_> = before
        .into_par_iter()
        .map(|(old_report, input)| {
            let data = batch::read_county(std::path::Path::new(&input.path), new);
            tick();
            (old_report, data, input)
        })
        .collect();
    let (mut olds, mut counties) = (Vec::new(), Vec::new());
    for (old_report, data, input) in read {
        match data {
            Ok((data, _)) => {
                olds.push(old_report);
                counties.push(data);
                d.inputs.push(input);
            }
            Err(e) => failures.push(Failure {
                path: input.path,
                error: format!("under the new rules ({}): {e}", new.id()),
            }),
        }
    }
    // issue 27 shape 6: relative items are scored within the batch under the new rules too.
    let counties = match new.relative_fields().is_empty() {
        true => counties,
        false => new.with_group(counties.clone()).unwrap_or(counties),
    };
    let (mut news, _) = super::rescore::rescore(old, &olds, new, &counties);
    for (r, input) in news.iter_mut().zip(&d.inputs) {
        r.county.source = Some(input.path.clone());
    }
    d.counties = county_deltas(&olds, &news);
    d.failures = failures;
    d
}

/// [`diff_files`] for counties already read (from files or county tables, see
/// [`crate::scoring::inputs::read_counties`]): `before` read under `old`'s dictionary, `after` under
/// `new`'s, matched by input path; a county read under one rule set only is listed in
/// `failures` with the reason `failures_*` give.
pub fn diff_counties(
    old: &RuleSet,
    new: &RuleSet,
    before: Vec<(CountyData, InputFile)>,
    after: Vec<(CountyData, InputFile)>,
    failures_old: Vec<Failure>,
    failures_new: Vec<Failure>,
) -> RuleSetDiff {
    let mut d = diff_rules(old, new);
    let mut failures: Vec<Failure> = failures_old
        .into_iter()
        .map(|f| Failure {
            error: format!("under the old rules ({}): {}", old.id(), f.error),
            path: f.path,
        })
        .collect();
    let failed_new: std::collections::BTreeMap<String, String> = failures_new
        .into_iter()
        .map(|f| (f.path, f.error))
        .collect();
    let mut after: std::collections::BTreeMap<String, CountyData> = after
        .into_iter()
        .map(|(data, input)| (input.path, data))
        .collect();
    let (mut olds, mut counties) = (Vec::new(), Vec::new());
    for (data, input) in before {
        match after.remove(&input.path) {
            Some(new_data) => {
                let mut report = old.score(&data);
                report.county.source = Some(input.path.clone());
                olds.push(report);
                counties.push(new_data);
                d.inputs.push(input);
            }
            None => failures.push(Failure {
                error: format!(
                    "under the new rules ({}): {}",
                    new.id(),
                    failed_new
                        .get(&input.path)
                        .map_or("not read", String::as_str)
                ),
                path: input.path,
            }),
        }
    }
    // issue 27 shape 6: relative items are scored within the batch under the new rules too.
    let counties = match new.relative_fields().is_empty() {
        true => counties,
        false => new.with_group(counties.clone()).unwrap_or(counties),
    };
    let (mut news, _) = super::rescore::rescore(old, &olds, new, &counties);
    for (r, input) in news.iter_mut().zip(&d.inputs) {
        r.county.source = Some(input.path.clone());
    }
    d.counties = county_deltas(&olds, &news);
    d.failures = failures;
    d
}
