//! Rerunning fast when little changed: rescoring a batch under a new rule set, reusing the item
//! results of an earlier run wherever they cannot have changed.
//!
//! An item's result is a function of its rule hash ([`RuleSet::item_hash`]: expression, inputs,
//! points and the dictionary entries it reads), the county's data (its `data_hash`) and the
//! engine. So an old report's item is reused when the old report came from `old` (same rule-set
//! hash) and this engine version, its county has the same data hash, and the item's hash is the
//! same in both rule sets. Everything else — changed or new items, and every veto, bonus,
//! penalty and check (a handful per rule set) — is evaluated, and the tree is aggregated afresh,
//! so the result is the report a full [`RuleSet::score`] gives, byte for byte.

use crate::load::county::CountyData;
use crate::par::*;
use crate::report::{EngineInfo, Report};
use crate::ruleset::RuleSet;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How much of a rescore was reused.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RescoreStats {
    /// Counties rescored.
    pub counties: usize,
    /// Counties for which an old report could be used.
    pub counties_matched: usize,
    /// Item results taken over from old reports.
    pub items_reused: usize,
    /// Items evaluated.
    pub items_evaluated: usize,
}

/// Rescores `counties` under `new`, reusing item results from `old_reports` (scored under
/// `old`). The reports come back in the order of `counties` and equal `new.score(county)`.
/// Old reports that do not come from `old` or from this engine version, or whose data hash
/// matches no county, are simply not used.
///
/// ```
/// use fazhi::{analyse::change::rescore, CountyData, RuleSet};
/// let old = RuleSet::builtin()?;
/// let new = RuleSet::builtin()?; // in practice: an edited rule set
/// let county = CountyData::from_str("x.yaml", "county: {id: x, name: 某县}\ndata: {}\n", &old)?;
/// let before = vec![old.score(&county)];
/// let (after, stats) = rescore::rescore(&old, &before, &new, &[county.clone()]);
/// assert_eq!(after[0], new.score(&county));
/// assert_eq!(stats.items_evaluated, 0); // nothing changed: every item was reused
/// # Ok::<(), fazhi::Error>(())
/// ```
pub fn rescore(
    old: &RuleSet,
    old_reports: &[Report],
    new: &RuleSet,
    counties: &[CountyData],
) -> (Vec<Report>, RescoreStats) {
    let engine = EngineInfo::current();
    let by_data: BTreeMap<&str, &Report> = old_reports
        .iter()
        .filter(|r| r.ruleset.hash == old.hash() && r.engine == engine)
        .map(|r| (r.county.data_hash.as_str(), r))
        .collect();
    let hashes = item_hashes(old);
    let results: Vec<(Report, bool, usize)> = counties
        .par_iter()
        .map(|c| {
            let prior = by_data.get(c.hash()).copied();
            let (r, reused) = rescore_with(old, &hashes, prior, new, c);
            (r, prior.is_some(), reused)
        })
        .collect();
    let total_items = new.items().count();
    let mut stats = RescoreStats {
        counties: counties.len(),
        ..RescoreStats::default()
    };
    let reports = results
        .into_iter()
        .map(|(r, matched, reused)| {
            stats.counties_matched += usize::from(matched);
            stats.items_reused += reused;
            stats.items_evaluated += total_items - reused;
            r
        })
        .collect();
    (reports, stats)
}

/// Rescores one county under `new`, reusing items of `prior` (its report under `old`) when
/// `prior` really is that: same rule-set hash, same engine, same data hash. Returns the report
/// and the number of items reused.
pub fn rescore_one(
    old: &RuleSet,
    prior: Option<&Report>,
    new: &RuleSet,
    county: &CountyData,
) -> (Report, usize) {
    rescore_with(old, &item_hashes(old), prior, new, county)
}

fn item_hashes(rules: &RuleSet) -> BTreeMap<&str, &str> {
    rules
        .items()
        .filter_map(|n| Some((n.id.as_str(), rules.item_hash(n.id.as_str())?)))
        .collect()
}

fn rescore_with(
    old: &RuleSet,
    old_hashes: &BTreeMap<&str, &str>,
    prior: Option<&Report>,
    new: &RuleSet,
    county: &CountyData,
) -> (Report, usize) {
    let prior = prior.filter(|r| {
        r.ruleset.hash == old.hash()
            && r.engine == EngineInfo::current()
            && r.county.data_hash == county.hash()
    });
    let Some(prior) = prior else {
        return (new.score(county), 0);
    };
    let items: BTreeMap<&str, &crate::report::ItemScore> =
        prior.items.iter().map(|i| (i.id.as_str(), i)).collect();
    let reuse = |id: &str, hash: &str| {
        if old_hashes.get(id) != Some(&hash) {
            return None;
        }
        items.get(id).copied()
    };
    new.score_reusing(county, &reuse)
}
