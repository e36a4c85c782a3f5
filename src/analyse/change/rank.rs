//! Ranking a batch of counties under one rule set.
//!
//! **Ties** use standard competition ranking: counties with equal totals share the best rank and
//! the next rank skips (totals 90, 85, 85, 80 rank 1, 2, 2, 4). Rows are ordered by rank, and
//! within a rank by county id, then by source path, so the same batch always prints the same
//! table. Totals are exact [`Points`], so "equal" means equal to the thousandth of a point.

use crate::par::*;
use crate::report::{CountyRef, Report};
use crate::report::{Failure, InputFile, Provenance};
use crate::ruleset::RuleSet;
use crate::scoring::batch;
use crate::types::{IndicatorId, Points};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// A ranked batch: one row per county that could be scored, and the files that could not.
///
/// ```
/// use fazhi::analyse::change::rank;
/// let rules = fazhi::RuleSet::builtin()?;
/// let a = fazhi::CountyData::from_str("a.yaml", "county: {id: a, name: 甲县}\ndata: {}\n", &rules)?;
/// let b = fazhi::CountyData::from_str("b.yaml", "county: {id: b, name: 乙县}\ndata: {}\n", &rules)?;
/// let ranking = rank::rank_reports(&rules, vec![rules.score(&b), rules.score(&a)]);
/// // Both score 0: they share rank 1, and equal totals are listed by county id.
/// let rows: Vec<_> = ranking.rows.iter().map(|r| (r.rank, r.county.id.as_str())).collect();
/// assert_eq!(rows, [(1, "a"), (1, "b")]);
/// # Ok::<(), fazhi::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ranking {
    /// Rule set, engine and data files.
    pub provenance: Provenance,
    /// The first-level areas, in tree order (the columns of [`RankRow::areas`]).
    pub areas: Vec<AreaHead>,
    /// The ranked counties.
    pub rows: Vec<RankRow>,
    /// The county files that could not be scored.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<Failure>,
    /// The rules that failed on some county (their items earn 0 there), in rule-set order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules_in_error: Vec<RuleInError>,
    /// Whether the rule set has pass lines (without any, no level column is shown).
    #[serde(default = "yes")]
    pub has_pass_lines: bool,
}

fn yes() -> bool {
    true
}

/// A rule that failed on some counties of a ranked batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleInError {
    /// What the rule is: `item ID`, `veto ID`, `bonus ID`, `penalty ID` or `check ID`.
    pub rule: String,
    /// On how many counties it failed (or, once stopped, was not run).
    pub counties: usize,
    /// Why, for the first county it failed on (or that the batch stopped running it after
    /// it hit its operations limit on [`crate::scoring::budget::TRIP_AFTER`] counties).
    pub reason: String,
}

/// A first-level area as a column of the ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaHead {
    /// Area id.
    pub id: IndicatorId,
    /// Chinese name.
    pub name: String,
    /// Its points.
    pub max: Points,
}

/// The highest pass line a county reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassLevel {
    /// Pass line id.
    pub id: IndicatorId,
    /// Its name (示范…).
    pub name: String,
}

/// One county's line of the ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankRow {
    /// Competition rank (1 is best; equal totals share a rank).
    pub rank: usize,
    /// The county, its data hash and source file.
    pub county: CountyRef,
    /// Final total.
    pub total: Points,
    /// Points of the tree.
    pub max: Points,
    /// The highest pass line reached, if any.
    pub pass_level: Option<PassLevel>,
    /// Whether a veto disqualified it.
    pub vetoed: bool,
    /// Share (0–1) of the tree's points whose items had data.
    pub coverage: f64,
    /// Earned points of each first-level area, in the order of [`Ranking::areas`].
    pub areas: Vec<Points>,
    /// Rules that failed for this county (its total counts them as 0).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<crate::report::RuleError>,
    /// Zeroing entries whose condition held for this county (the county keeps its place by its
    /// total): `id「name」: detail`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zeroed: Vec<String>,
}

/// Competition ranks of `totals` (1 + the number of strictly higher totals), in input order.
///
/// ```
/// use fazhi::{analyse::change::rank::competition_ranks, Points};
/// let p = |x: f64| Points::from_f64(x);
/// assert_eq!(competition_ranks(&[p(85.0), p(90.0), p(80.0), p(85.0)]), [2, 1, 4, 2]);
/// ```
pub fn competition_ranks(totals: &[Points]) -> Vec<usize> {
    crate::analyse::stats::competition_ranks(totals)
        .into_iter()
        .map(|r| r as usize)
        .collect()
}

/// The highest pass line a report reaches: the reached line with the largest `min_total` (the
/// first of them in rule-set order on equal minimums).
pub fn pass_level(report: &Report) -> Option<PassLevel> {
    let mut best: Option<&crate::report::PassResult> = None;
    for p in report.summary.pass_lines.iter().filter(|p| p.reached) {
        if best.is_none_or(|b| p.min_total > b.min_total) {
            best = Some(p);
        }
    }
    best.map(|p| PassLevel {
        id: p.id.clone(),
        name: p.name.clone(),
    })
}

/// Ranks reports already scored under `rules` (no data files are recorded).
pub fn rank_reports(rules: &RuleSet, reports: Vec<Report>) -> Ranking {
    let prov = Provenance {
        ruleset: batch::ruleset_info(rules),
        engine: crate::report::EngineInfo::current(),
        inputs: Vec::new(),
    };
    build(rules, prov, reports, Vec::new())
}

/// Scores and ranks county files in parallel. `tick` is called once per file as it finishes
/// (for a progress bar). Files that fail are listed in [`Ranking::failures`]; the others are
/// ranked. Streaming: each county's itemized report is reduced to its ranking row as soon as it
/// is scored, so memory does not grow with the reports of the whole batch.
pub fn rank_files(rules: &RuleSet, paths: &[PathBuf], tick: &(dyn Fn() + Sync)) -> Ranking {
    // issue 27 shape 6: relative items are scored within the whole batch, so the batch is read
    // before it is scored (not streamed).
    if !rules.relative_fields().is_empty() {
        let (counties, failures) = match crate::scoring::inputs::read_counties(paths, rules) {
            Ok(x) => x,
            Err(e) => (
                Vec::new(),
                vec![Failure {
                    path: String::new(),
                    error: e.to_string(),
                }],
            ),
        };
        for _ in paths {
            tick();
        }
        return rank_counties(rules, counties, failures);
    }
    let areas = area_heads(rules);
    type Scored = crate::Result<(RankRow, InputFile, Vec<(IndicatorId, String)>)>;
    // Chunks in input order, growing to 256 counties: the budget's stopped rules are fixed
    // within a chunk, so the result does not depend on the number of threads.
    let (results, budget) = crate::scoring::budget::in_chunks(paths, |p, budget| {
        // Only the row is kept, so the report is built without explanations.
        let r = batch::read_county(p, rules).map(|(data, input)| {
            let (mut report, hits) = rules.score_lean_budget(&data, budget);
            report.county.source = Some(input.path.clone());
            let errors = report
                .items
                .iter()
                .filter(|i| i.status == crate::report::ItemStatus::Error)
                .map(|i| {
                    (
                        i.id.clone(),
                        i.messages.first().cloned().unwrap_or_default(),
                    )
                })
                .collect();
            ((row(&areas, &report), input, errors), hits)
        });
        tick();
        match r {
            Ok((x, hits)) => (Ok(x) as Scored, hits),
            Err(e) => (Err(e), Vec::new()),
        }
    });
    let scored: Vec<(usize, &str, &str)> = results
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let (row, input, _) = r.as_ref().ok()?;
            Some((i, row.county.id.as_str(), input.path.as_str()))
        })
        .collect();
    let dup: std::collections::BTreeMap<usize, String> =
        batch::same_county(scored.iter().map(|(_, id, p)| (*id, *p)))
            .into_iter()
            .map(|(k, v)| (scored[k].0, v))
            .collect();
    let mut results = results;
    let mut failures = Vec::new();
    let mut item_errors: std::collections::HashMap<IndicatorId, (usize, String)> =
        Default::default();
    for (i, (p, r)) in paths.iter().zip(results.iter_mut()).enumerate() {
        match r {
            Ok(_) if dup.contains_key(&i) => failures.push(Failure {
                path: p.display().to_string(),
                error: dup[&i].clone(),
            }),
            Ok((_, _, errors)) => {
                for (id, why) in std::mem::take(errors) {
                    let e = item_errors.entry(id).or_insert((0, why));
                    e.0 += 1;
                }
            }
            Err(e) => failures.push(Failure::new(p, e)),
        }
    }
    // The rows are taken out of the scored list in one pass (issue 23: memory that follows what
    // is kept; the list and a copy of its rows were both held whole for 100,000 counties).
    let mut inputs = Vec::with_capacity(results.len());
    let rows: Vec<RankRow> = results
        .into_iter()
        .enumerate()
        .filter_map(|(i, r)| match r {
            Ok((row, input, _)) if !dup.contains_key(&i) => {
                inputs.push(input);
                Some(row)
            }
            _ => None,
        })
        .collect();
    let limited_list = budget.report(rules);
    let limited: std::collections::HashSet<&str> =
        limited_list.iter().map(|(l, _)| l.as_str()).collect();
    let mut rules_in_error = Vec::new();
    for (label, n) in &limited_list {
        if !label.starts_with("item ") {
            rules_in_error.push(RuleInError {
                rule: label.clone(),
                counties: *n,
                reason: crate::scoring::budget::stopped_message(),
            });
        }
    }
    for (idx, _) in &rules.items {
        let id = &rules.model.nodes[*idx].id;
        if let Some((n, why)) = item_errors.remove(id) {
            let label = format!("item {id}");
            let reason = if limited.contains(label.as_str()) {
                crate::scoring::budget::stopped_message()
            } else if why.is_empty() {
                "the rule failed".to_string()
            } else {
                why
            };
            rules_in_error.push(RuleInError {
                rule: label,
                counties: n,
                reason,
            });
        }
    }
    let prov = Provenance {
        ruleset: batch::ruleset_info(rules),
        engine: crate::report::EngineInfo::current(),
        inputs,
    };
    let mut ranking = finish(prov, areas, rows, failures, !rules.pass_lines().is_empty());
    ranking.rules_in_error = rules_in_error;
    ranking
}

/// Ranks counties already read (from files or county tables, see
/// [`crate::scoring::inputs::read_counties`]); `failures` are the inputs that could not be read, listed in
/// [`Ranking::failures`]. Each report names its input as `county.source`.
pub fn rank_counties(
    rules: &RuleSet,
    counties: Vec<(crate::CountyData, InputFile)>,
    mut failures: Vec<Failure>,
) -> Ranking {
    let areas = area_heads(rules);
    // One county, one input: rows or files giving the same id are all refused.
    let same = batch::same_county(
        counties
            .iter()
            .map(|(c, f)| (c.info().id.as_str(), f.path.as_str())),
    );
    let counties: Vec<_> = counties
        .into_iter()
        .enumerate()
        .filter_map(|(i, c)| match same.get(&i) {
            Some(e) => {
                failures.push(Failure {
                    path: c.1.path.clone(),
                    error: e.clone(),
                });
                None
            }
            None => Some(c),
        })
        .collect();
    // issue 27 shape 6: the group is the counties ranked (duplicates left out above).
    let counties = crate::scoring::batch::grouped(rules, counties);
    let scored: Vec<(RankRow, InputFile)> = counties
        .into_par_iter()
        .map(|(data, input)| {
            let mut report = rules.score_lean(&data);
            report.county.source = Some(input.path.clone());
            (row(&areas, &report), input)
        })
        .collect();
    let (rows, inputs) = scored.into_iter().unzip();
    let prov = Provenance {
        ruleset: batch::ruleset_info(rules),
        engine: crate::report::EngineInfo::current(),
        inputs,
    };
    finish(prov, areas, rows, failures, !rules.pass_lines().is_empty())
}

fn area_heads(rules: &RuleSet) -> Vec<AreaHead> {
    rules
        .nodes()
        .iter()
        .filter(|n| n.level == 1)
        .map(|n| AreaHead {
            id: n.id.clone(),
            name: n.name.to_string(),
            max: n.points,
        })
        .collect()
}

/// A county's row, before ranking (`rank` is set by [`finish`]).
fn row(areas: &[AreaHead], r: &Report) -> RankRow {
    RankRow {
        rank: 0,
        county: r.county.clone(),
        total: r.summary.total,
        max: r.summary.max,
        pass_level: pass_level(r),
        vetoed: r.summary.vetoed,
        coverage: r.summary.coverage,
        areas: areas
            .iter()
            .map(|a| {
                r.node(a.id.as_str())
                    .map(|n| n.earned)
                    .or_else(|| r.item(a.id.as_str()).map(|i| i.earned))
                    .unwrap_or(Points::ZERO)
            })
            .collect(),
        errors: r.rule_errors(),
        zeroed: r
            .penalties
            .iter()
            .filter(|p| p.zeroed())
            .map(|p| format!("{}「{}」：{}", p.id, p.name, p.detail))
            .collect(),
    }
}

fn build(
    rules: &RuleSet,
    provenance: Provenance,
    reports: Vec<Report>,
    failures: Vec<Failure>,
) -> Ranking {
    let areas = area_heads(rules);
    let rows = reports.iter().map(|r| row(&areas, r)).collect();
    finish(
        provenance,
        areas,
        rows,
        failures,
        !rules.pass_lines().is_empty(),
    )
}

/// Ranks the rows (competition ranking on totals) and orders them.
fn finish(
    provenance: Provenance,
    areas: Vec<AreaHead>,
    mut rows: Vec<RankRow>,
    failures: Vec<Failure>,
    has_pass_lines: bool,
) -> Ranking {
    let totals: Vec<Points> = rows.iter().map(|r| r.total).collect();
    for (r, rank) in rows.iter_mut().zip(competition_ranks(&totals)) {
        r.rank = rank;
    }
    rows.sort_by(|a, b| {
        (a.rank, &a.county.id, &a.county.source).cmp(&(b.rank, &b.county.id, &b.county.source))
    });
    Ranking {
        provenance,
        areas,
        rows,
        failures,
        rules_in_error: Vec::new(),
        has_pass_lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(x: i64) -> Points {
        Points::from_milli(x)
    }

    #[test]
    fn ties_share_the_best_rank_and_skip() {
        assert_eq!(
            competition_ranks(&[p(80), p(90), p(90), p(70), p(90)]),
            [4, 1, 1, 5, 1]
        );
        assert!(competition_ranks(&[]).is_empty());
        assert_eq!(competition_ranks(&[p(1)]), [1]);
    }

    #[test]
    fn a_thousandth_of_a_point_breaks_a_tie() {
        assert_eq!(competition_ranks(&[p(85_000), p(85_001)]), [2, 1]);
    }
}
