//! The statistical audit of an indicator system on a batch of counties, as the JRC's Competence
//! Centre on Composite Indicators audits an index (OECD/JRC *Handbook on Constructing Composite
//! Indicators*, 2008, steps 4 and 7; COINr's `get_corr`, `get_cronbach`, `remove_elements`;
//! Paruolo, Saisana & Saltelli 2013, "Ratings and rankings: voodoo or science?"): does every
//! item discriminate, does each first-level area hang together, does the ranking hinge on one
//! item, and does each area pull the total as much as its declared share of the points says.
//!
//! Everything is computed on the points each county earns under one weighting (the rule set's
//! own or a scenario's), re-totalled by the weighting kernel ([`Batch`]) without re-running a
//! rule; points are in the rule set's points (1000 for national-2021), correlations and shares
//! are plain numbers. A figure that is undefined on the batch (the correlation of an item every
//! county scores alike, the alpha of an area of one item) is `None` — `null` in JSON — and the
//! reports say why; nothing is ever NaN.
//!
//! - **Items** ([`ItemStats`]): mean points, the share of counties at full points and at zero,
//!   Pearson's correlation with the item's first-level area and with the total (the area
//!   includes the item, as in COINr's `get_corr` against the parent); flagged when the same
//!   points go to at least 95% of the counties ([`NON_DISCRIMINATING`]) or when the
//!   correlation with its area is negative.
//! - **Areas** ([`AreaStats`]): Cronbach's alpha of the area's items, each item taken as the
//!   share of its points it earned, `α = k/(k−1) · (1 − Σ s²_j / s²_sum)` with sample variances;
//!   the areas' correlation matrix ([`Audit::area_correlations`]).
//! - **Remove one** ([`RemoveOne`]): for each area and each item, the ranking by the total minus
//!   the points its items earned, against the ranking by the total (standard competition
//!   ranking, 1, 2, 2, 4): the mean absolute rank change over counties, the largest, and the
//!   first county (in batch order) that moves that far.
//! - **Influence** ([`Influence`]): each area's first-order effect on the total,
//!   `S_i = V[E(total | area_i)] / V(total)` — the squared correlation ratio, the same first-order
//!   index [`sensitivity`](super::sensitivity) estimates for the areas' *weights* — normalised to
//!   sum to one, beside the area's declared share of the points. It is estimated on the given
//!   data by [`correlation_ratio`] (⌊√n⌋ bins of the area's points). The Saltelli (2010)
//!   pick-freeze estimator of `sensitivity` cannot serve here: it reruns a model at resampled,
//!   independent inputs, while counties' area points are observed together and correlated.

use super::scores::{Batch, Evaluated};
use super::weights::{Scenario, Weights};
use crate::analyse::stats::{
    competition_ranks, constant, correlation_ratio, pearson, sample_variance,
};
use crate::error::{Error, Result};
use crate::par::*;
use crate::types::{IndicatorId, Points};
use crate::RuleSet;
use serde::Serialize;

/// The share of counties (0.95) at which an item that gives the same points to all of them is
/// flagged as not discriminating.
pub const NON_DISCRIMINATING: f64 = 0.95;

/// One third-level item (a scored leaf) on the batch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemStats {
    /// Item id (`"4.2.1"`).
    pub id: IndicatorId,
    /// Item name.
    pub name: String,
    /// Its first-level area's id.
    pub area: IndicatorId,
    /// Its points under the weighting.
    pub max: Points,
    /// Mean points earned over the counties.
    pub mean: f64,
    /// Share (0–1) of counties earning its full points (none when the item is worth 0).
    pub share_full: f64,
    /// Share (0–1) of counties earning 0 points.
    pub share_zero: f64,
    /// Share (0–1) of counties earning the most common points value.
    pub modal_share: f64,
    /// Whether every county earns the same points: then both correlations are undefined.
    pub constant: bool,
    /// Pearson's correlation of its points with its area's points (`None`: undefined, the item
    /// or the area is the same for every county).
    pub corr_with_area: Option<f64>,
    /// Pearson's correlation of its points with the total (`None`: undefined).
    pub corr_with_total: Option<f64>,
    /// Flag: the same points for at least 95% of the counties.
    pub non_discriminating: bool,
    /// Flag: negatively correlated with its own area.
    pub negative_with_area: bool,
}

/// Why an area has no Cronbach's alpha.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NoAlpha {
    /// The area has fewer than two items worth points: alpha needs at least two.
    OneItem,
    /// Fewer than two counties.
    TooFewCounties,
    /// Every county has the same sum of shares over the area's items (zero variance).
    NoVariance,
}

/// One first-level area on the batch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaStats {
    /// Area id (`"4"`).
    pub id: IndicatorId,
    /// Area name.
    pub name: String,
    /// Its points under the weighting.
    pub points: Points,
    /// How many scored items it has (items worth 0 points are not counted).
    pub items: usize,
    /// Mean points earned over the counties (after penalties taken from the area).
    pub mean: f64,
    /// Cronbach's alpha of its items as shares of their points (`None`: see `no_alpha`).
    pub cronbach_alpha: Option<f64>,
    /// Why there is no alpha, when there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_alpha: Option<NoAlpha>,
    /// Pearson's correlation of the area's points with the total (`None`: undefined).
    pub corr_with_total: Option<f64>,
}

/// Whether a remove-one entry takes out a first-level area or an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Removed {
    /// A first-level area (all its items).
    Area,
    /// One item.
    Item,
}

/// The ranking without one area or item, against the ranking by the total.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RemoveOne {
    /// The area's or item's id.
    pub id: IndicatorId,
    /// Its name.
    pub name: String,
    /// Area or item.
    pub kind: Removed,
    /// Mean over counties of |rank without it − rank by the total|, in places.
    pub mean_abs_rank_shift: f64,
    /// The largest |rank change|, in places.
    pub max_abs_rank_shift: u32,
    /// The first county (batch order) that moves by the largest change (`None` when nobody
    /// moves).
    pub max_county: Option<String>,
    /// That county's name.
    pub max_county_name: Option<String>,
    /// How many counties move by the largest change.
    pub max_count: usize,
}

/// One area's real influence on the total against its declared share.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Influence {
    /// Area id.
    pub id: IndicatorId,
    /// Area name.
    pub name: String,
    /// Its points over the total points (0–1).
    pub declared_share: f64,
    /// The first-order effect `S_i` of its points on the total, estimated by the correlation
    /// ratio (0–1; `None` when the total is the same for every county).
    pub first_order: Option<f64>,
    /// `S_i` normalised to sum to one over the areas (`None` when no area has an effect).
    pub effect: Option<f64>,
    /// `effect − declared_share` (positive: pulls more than its share).
    pub departure: Option<f64>,
}

/// The audit of an indicator system on a batch of counties.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Audit {
    /// Rule set id.
    pub ruleset: String,
    /// The scenario whose weighting was audited (`None`: the rule set's own).
    pub scenario: Option<String>,
    /// Number of counties.
    pub counties: usize,
    /// Total points under the weighting.
    pub total_points: Points,
    /// Mean total over the counties.
    pub mean_total: f64,
    /// Every item, in rule-set order.
    pub items: Vec<ItemStats>,
    /// Every first-level area, in rule-set order.
    pub areas: Vec<AreaStats>,
    /// Pearson's correlations between the areas' points, `areas × areas` in rule-set order
    /// (1 on the diagonal unless the area is constant; `None`: undefined).
    pub area_correlations: Vec<Vec<Option<f64>>>,
    /// Every area, then every item.
    pub remove_one: Vec<RemoveOne>,
    /// Per area, in rule-set order.
    pub influence: Vec<Influence>,
    /// The number of bins of the correlation-ratio estimator (`⌊√n⌋`, fewer when ties join
    /// bins; the largest used over the areas).
    pub influence_bins: usize,
    /// The area whose effect exceeds its declared share most (`None`: none exceeds it).
    pub most_over: Option<IndicatorId>,
    /// The area whose effect falls short of its declared share most.
    pub most_under: Option<IndicatorId>,
}

impl Audit {
    /// The items flagged as not discriminating.
    pub fn non_discriminating(&self) -> impl Iterator<Item = &ItemStats> {
        self.items.iter().filter(|i| i.non_discriminating)
    }

    /// The items negatively correlated with their own area.
    pub fn negative_with_area(&self) -> impl Iterator<Item = &ItemStats> {
        self.items.iter().filter(|i| i.negative_with_area)
    }
}

/// Audits the weighting of `scenario` (or, without one, the rule set's own) on the counties of
/// `batch`. An error when the batch is empty.
///
/// ```
/// use fazhi::analyse::policy::{audit::audit, scores::Batch};
/// let rules = fazhi::RuleSet::builtin()?;
/// let a = fazhi::CountyData::from_str("a.yaml", "county: {id: a, name: 甲县}\ndata: {}\n", &rules)?;
/// let b = fazhi::CountyData::from_str("b.yaml", "county: {id: b, name: 乙县}\ndata: {}\n", &rules)?;
/// let audit = audit(&rules, &Batch::evaluate(&rules, &[a, b]), None)?;
/// // Two counties without data: every item is constant, so no correlation is defined.
/// assert!(audit.items.iter().all(|i| i.constant && i.corr_with_total.is_none()));
/// # Ok::<(), fazhi::Error>(())
/// ```
pub fn audit(rules: &RuleSet, batch: &Batch, scenario: Option<&Scenario>) -> Result<Audit> {
    if batch.counties().is_empty() {
        return Err(Error::Invalid("no counties to audit".into()));
    }
    let weights = scenario.map_or_else(|| batch.nominal().clone(), |s| s.weights.clone());
    let mut a = compute(&Input::of(rules, batch, &weights));
    a.ruleset = rules.id().to_string();
    a.scenario = scenario.map(|s| s.id.clone());
    Ok(a)
}

/// The numbers the audit is computed from, laid out by item and by area.
struct Input {
    /// Per item: id, name, index of its area in `areas`, points.
    items: Vec<(IndicatorId, String, usize, Points)>,
    /// Per area: id, name, points.
    areas: Vec<(IndicatorId, String, Points)>,
    total_points: Points,
    /// Per county: id, name.
    counties: Vec<(String, String)>,
    /// `[item][county]` points earned.
    item_points: Vec<Vec<Points>>,
    /// `[area][county]` points earned (after penalties on the area).
    area_points: Vec<Vec<Points>>,
    /// Per county, the final total.
    totals: Vec<Points>,
}

impl Input {
    fn of(rules: &RuleSet, batch: &Batch, w: &Weights) -> Input {
        let nodes = rules.nodes();
        let tree = batch.tree();
        let areas: Vec<(IndicatorId, String, Points)> = tree
            .areas
            .iter()
            .map(|&a| (nodes[a].id.clone(), nodes[a].name.to_string(), w.points[a]))
            .collect();
        let items: Vec<(IndicatorId, String, usize, Points)> = tree
            .items
            .iter()
            .map(|&i| {
                let area = tree
                    .areas
                    .iter()
                    .position(|&a| a == nodes[i].area)
                    .unwrap_or(0);
                (
                    nodes[i].id.clone(),
                    nodes[i].name.to_string(),
                    area,
                    w.points[i],
                )
            })
            .collect();
        let outcomes = batch.recompute(w);
        let counties: &[Evaluated] = batch.counties();
        let item_points = tree
            .items
            .par_iter()
            .enumerate()
            .map(|(k, &node)| {
                counties
                    .iter()
                    .map(|c| Batch::item_earned(c, k, w.points[node]))
                    .collect()
            })
            .collect();
        Input {
            items,
            area_points: (0..areas.len())
                .map(|a| outcomes.iter().map(|o| o.areas[a]).collect())
                .collect(),
            areas,
            total_points: w.total,
            counties: counties
                .iter()
                .map(|c| (c.county().id.clone(), c.county().name.clone()))
                .collect(),
            item_points,
            totals: outcomes.iter().map(|o| o.total).collect(),
        }
    }
}

fn floats(p: &[Points]) -> Vec<f64> {
    p.iter().map(|x| x.as_f64()).collect()
}

fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len().max(1) as f64
}

/// The share of `p` equal to its most common value.
fn modal_share(p: &[Points]) -> f64 {
    let mut v = p.to_vec();
    v.sort_unstable();
    let (mut best, mut run) = (0usize, 0usize);
    for i in 0..v.len() {
        run = if i > 0 && v[i] == v[i - 1] {
            run + 1
        } else {
            1
        };
        best = best.max(run);
    }
    best as f64 / p.len().max(1) as f64
}

/// Cronbach's alpha of the columns `items` (each one value per county).
fn cronbach(items: &[Vec<f64>], counties: usize) -> (Option<f64>, Option<NoAlpha>) {
    let k = items.len();
    if k < 2 {
        return (None, Some(NoAlpha::OneItem));
    }
    if counties < 2 {
        return (None, Some(NoAlpha::TooFewCounties));
    }
    let sums: Vec<f64> = (0..counties)
        .map(|c| items.iter().map(|col| col[c]).sum())
        .collect();
    let var_sum = match sample_variance(&sums) {
        Some(v) if !constant(&sums) && v > 0.0 => v,
        _ => return (None, Some(NoAlpha::NoVariance)),
    };
    let var_items: f64 = items
        .iter()
        .map(|col| {
            if constant(col) {
                0.0
            } else {
                sample_variance(col).unwrap_or(0.0)
            }
        })
        .sum();
    let k = k as f64;
    (Some(k / (k - 1.0) * (1.0 - var_items / var_sum)), None)
}

/// Rank shifts of `without` against `base_ranks`: mean, largest, the first county with it and
/// how many share it.
fn shifts(base_ranks: &[u32], without: &[Points]) -> (f64, u32, Option<usize>, usize) {
    let ranks = competition_ranks(without);
    let d: Vec<u32> = ranks
        .iter()
        .zip(base_ranks)
        .map(|(r, b)| r.abs_diff(*b))
        .collect();
    let max = d.iter().copied().max().unwrap_or(0);
    let sum: u64 = d.iter().map(|&x| x as u64).sum();
    let first = (max > 0)
        .then(|| d.iter().position(|&x| x == max))
        .flatten();
    let count = if max > 0 {
        d.iter().filter(|&&x| x == max).count()
    } else {
        0
    };
    (sum as f64 / d.len().max(1) as f64, max, first, count)
}

fn compute(input: &Input) -> Audit {
    let n = input.counties.len();
    let totals = floats(&input.totals);
    let area_f: Vec<Vec<f64>> = input.area_points.iter().map(|a| floats(a)).collect();
    let items: Vec<ItemStats> = input
        .items
        .iter()
        .zip(&input.item_points)
        .map(|((id, name, area, max), pts)| {
            let x = floats(pts);
            let is_constant = constant(&x);
            let modal = modal_share(pts);
            let corr_with_area = pearson(&x, &area_f[*area]);
            ItemStats {
                id: id.clone(),
                name: name.clone(),
                area: input.areas[*area].0.clone(),
                max: *max,
                mean: mean(&x),
                share_full: if *max > Points::ZERO {
                    pts.iter().filter(|p| *p >= max).count() as f64 / n as f64
                } else {
                    0.0
                },
                share_zero: pts.iter().filter(|p| **p <= Points::ZERO).count() as f64 / n as f64,
                modal_share: modal,
                constant: is_constant,
                corr_with_area,
                corr_with_total: pearson(&x, &totals),
                non_discriminating: modal >= NON_DISCRIMINATING,
                negative_with_area: corr_with_area.is_some_and(|r| r < 0.0),
            }
        })
        .collect();
    let areas: Vec<AreaStats> = input
        .areas
        .iter()
        .enumerate()
        .map(|(a, (id, name, points))| {
            let shares: Vec<Vec<f64>> = input
                .items
                .iter()
                .zip(&input.item_points)
                .filter(|((_, _, area, max), _)| *area == a && *max > Points::ZERO)
                .map(|((_, _, _, max), pts)| {
                    pts.iter()
                        .map(|p| p.as_f64() / max.as_f64())
                        .collect::<Vec<f64>>()
                })
                .collect();
            let (alpha, why) = cronbach(&shares, n);
            AreaStats {
                id: id.clone(),
                name: name.clone(),
                points: *points,
                items: shares.len(),
                mean: mean(&area_f[a]),
                cronbach_alpha: alpha,
                no_alpha: why,
                corr_with_total: pearson(&area_f[a], &totals),
            }
        })
        .collect();
    let area_correlations = area_f
        .iter()
        .map(|x| area_f.iter().map(|y| pearson(x, y)).collect())
        .collect();
    let base_ranks = competition_ranks(&input.totals);
    let entry = |id: &IndicatorId, name: &str, kind: Removed, without: Vec<Points>| {
        let (mean_shift, max, first, count) = shifts(&base_ranks, &without);
        RemoveOne {
            id: id.clone(),
            name: name.to_string(),
            kind,
            mean_abs_rank_shift: mean_shift,
            max_abs_rank_shift: max,
            max_county: first.map(|c| input.counties[c].0.clone()),
            max_county_name: first.map(|c| input.counties[c].1.clone()),
            max_count: count,
        }
    };
    let mut remove_one: Vec<RemoveOne> = (0..input.areas.len())
        .map(|a| {
            let without = (0..n)
                .map(|c| {
                    let earned: Points = input
                        .items
                        .iter()
                        .zip(&input.item_points)
                        .filter(|((_, _, area, _), _)| *area == a)
                        .map(|(_, pts)| pts[c])
                        .sum();
                    input.totals[c] - earned
                })
                .collect();
            let (id, name, _) = &input.areas[a];
            entry(id, name, Removed::Area, without)
        })
        .collect();
    remove_one.extend(
        input
            .items
            .par_iter()
            .zip(input.item_points.par_iter())
            .map(|((id, name, _, _), pts)| {
                let without = input.totals.iter().zip(pts).map(|(t, p)| *t - *p).collect();
                entry(id, name, Removed::Item, without)
            })
            .collect::<Vec<_>>(),
    );
    let mut bins = 0;
    let first: Vec<Option<f64>> = area_f
        .iter()
        .map(|x| {
            correlation_ratio(x, &totals).map(|(s, b)| {
                bins = bins.max(b);
                s
            })
        })
        .collect();
    let sum: f64 = first.iter().flatten().sum();
    let influence: Vec<Influence> = input
        .areas
        .iter()
        .zip(&first)
        .map(|((id, name, points), s)| {
            let declared_share = if input.total_points > Points::ZERO {
                points.as_f64() / input.total_points.as_f64()
            } else {
                0.0
            };
            let effect = s.filter(|_| sum > 0.0).map(|s| s / sum);
            Influence {
                id: id.clone(),
                name: name.clone(),
                declared_share,
                first_order: *s,
                effect,
                departure: effect.map(|e| e - declared_share),
            }
        })
        .collect();
    let pick = |better: fn(f64, f64) -> bool| {
        let mut best: Option<(&Influence, f64)> = None;
        for i in &influence {
            if let Some(d) = i.departure {
                if better(d, 0.0) && best.is_none_or(|(_, b)| better(d, b)) {
                    best = Some((i, d));
                }
            }
        }
        best.map(|(i, _)| i.id.clone())
    };
    let most_over = pick(|a, b| a > b);
    let most_under = pick(|a, b| a < b);
    Audit {
        ruleset: String::new(),
        scenario: None,
        counties: n,
        total_points: input.total_points,
        mean_total: mean(&totals),
        items,
        areas,
        area_correlations,
        remove_one,
        influence,
        influence_bins: bins,
        most_over,
        most_under,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pts(v: &[f64]) -> Vec<Points> {
        v.iter().map(|x| Points::from_f64(*x)).collect()
    }

    fn close(a: Option<f64>, b: f64) {
        let a = a.expect("defined");
        assert!((a - b).abs() < 1e-9, "{a} != {b}");
    }

    /// Four counties c1–c4 and three areas (20 points): A (10) with items a1 (4) and a2 (6);
    /// B (5), one item b1 that every county earns in full; C (5), one item c1.
    ///
    /// | county | a1 | a2 | A  | b1 = B | c1 = C | total |
    /// |--------|----|----|----|--------|--------|-------|
    /// | c1     | 4  | 6  | 10 | 5      | 0      | 15    |
    /// | c2     | 2  | 6  | 8  | 5      | 5      | 18    |
    /// | c3     | 0  | 0  | 0  | 5      | 5      | 10    |
    /// | c4     | 4  | 3  | 7  | 5      | 0      | 12    |
    fn batch() -> Input {
        let id = IndicatorId::new;
        let a1 = [4.0, 2.0, 0.0, 4.0];
        let a2 = [6.0, 6.0, 0.0, 3.0];
        let b1 = [5.0; 4];
        let c1 = [0.0, 5.0, 5.0, 0.0];
        Input {
            items: vec![
                (id("1.1"), "a1".into(), 0, Points::from_f64(4.0)),
                (id("1.2"), "a2".into(), 0, Points::from_f64(6.0)),
                (id("2.1"), "b1".into(), 1, Points::from_f64(5.0)),
                (id("3.1"), "c1".into(), 2, Points::from_f64(5.0)),
            ],
            areas: vec![
                (id("1"), "A".into(), Points::from_f64(10.0)),
                (id("2"), "B".into(), Points::from_f64(5.0)),
                (id("3"), "C".into(), Points::from_f64(5.0)),
            ],
            total_points: Points::from_f64(20.0),
            counties: (1..=4)
                .map(|i| (format!("c{i}"), format!("县{i}")))
                .collect(),
            item_points: vec![pts(&a1), pts(&a2), pts(&b1), pts(&c1)],
            area_points: vec![pts(&[10.0, 8.0, 0.0, 7.0]), pts(&b1), pts(&c1)],
            totals: pts(&[15.0, 18.0, 10.0, 12.0]),
        }
    }

    #[test]
    fn item_statistics_by_hand() {
        let a = compute(&batch());
        let a1 = &a.items[0];
        // a1 = 4, 2, 0, 4: mean 10/4; full points (4) for c1, c4; zero for c3; 4 is the mode (2 of 4).
        assert_eq!((a1.mean, a1.share_full, a1.share_zero), (2.5, 0.5, 0.25));
        assert_eq!(a1.modal_share, 0.5);
        assert!(!a1.non_discriminating && !a1.constant);
        // Deviations: a1 − 2.5 = (1.5, −0.5, −2.5, 1.5), Σ² = 11; A − 6.25 = (3.75, 1.75, −6.25,
        // 0.75), Σ² = 56.75; total − 13.75 = (1.25, 4.25, −3.75, −1.75), Σ² = 36.75.
        // r(a1, A) = (5.625 − 0.875 + 15.625 + 1.125) / √(11 · 56.75) = 21.5 / √624.25.
        close(a1.corr_with_area, 21.5 / 624.25f64.sqrt());
        // r(a1, total) = (1.875 − 2.125 + 9.375 − 2.625) / √(11 · 36.75) = 6.5 / √404.25.
        close(a1.corr_with_total, 6.5 / 404.25f64.sqrt());
        // a2 − 3.75 = (2.25, 2.25, −3.75, −0.75), Σ² = 24.75;
        // r(a2, A) = (8.4375 + 3.9375 + 23.4375 − 0.5625) / √(24.75 · 56.75) = 35.25 / √1404.5625;
        // r(a2, total) = (2.8125 + 9.5625 + 14.0625 + 1.3125) / √(24.75 · 36.75) = 27.75 / √909.5625.
        let a2 = &a.items[1];
        close(a2.corr_with_area, 35.25 / 1404.5625f64.sqrt());
        close(a2.corr_with_total, 27.75 / 909.5625f64.sqrt());
        assert_eq!((a2.share_full, a2.share_zero), (0.5, 0.25));
        // b1: 5 for every county — constant: no correlation, 100% at full, flagged.
        let b1 = &a.items[2];
        assert!(b1.constant && b1.non_discriminating);
        assert_eq!((b1.corr_with_area, b1.corr_with_total), (None, None));
        assert_eq!((b1.mean, b1.share_full, b1.share_zero), (5.0, 1.0, 0.0));
        // c1 is its whole area: r = 1; with the total (−2.5, 2.5, 2.5, −2.5)·dev = 2.5,
        // r = 2.5 / √(25 · 36.75).
        let c1 = &a.items[3];
        close(c1.corr_with_area, 1.0);
        close(c1.corr_with_total, 2.5 / (25.0f64 * 36.75).sqrt());
        assert_eq!((c1.share_full, c1.share_zero), (0.5, 0.5));
        assert_eq!(a.non_discriminating().count(), 1);
        assert_eq!(a.negative_with_area().count(), 0);
    }

    #[test]
    fn an_item_against_its_area_is_flagged() {
        // Area of p (1 point) and q (10): p = 1, 0 and q = 0, 10, so the area is 1, 10 and p
        // moves against it: r = −1.
        let id = IndicatorId::new;
        let input = Input {
            items: vec![
                (id("1.1"), "p".into(), 0, Points::from_f64(1.0)),
                (id("1.2"), "q".into(), 0, Points::from_f64(10.0)),
            ],
            areas: vec![(id("1"), "A".into(), Points::from_f64(11.0))],
            total_points: Points::from_f64(11.0),
            counties: vec![("x".into(), "甲".into()), ("y".into(), "乙".into())],
            item_points: vec![pts(&[1.0, 0.0]), pts(&[0.0, 10.0])],
            area_points: vec![pts(&[1.0, 10.0])],
            totals: pts(&[1.0, 10.0]),
        };
        let a = compute(&input);
        close(a.items[0].corr_with_area, -1.0);
        assert!(a.items[0].negative_with_area && !a.items[1].negative_with_area);
        // Shares p = (1, 0), q = (0, 1): variances 0.5 each, sums (1, 1) constant → no alpha.
        assert_eq!(a.areas[0].cronbach_alpha, None);
        assert_eq!(a.areas[0].no_alpha, Some(NoAlpha::NoVariance));
    }

    #[test]
    fn cronbach_alpha_by_hand() {
        let a = compute(&batch());
        // Shares a1/4 = (1, .5, 0, 1), a2/6 = (1, 1, 0, .5). Sample variances: a1 Σ(dev²) =
        // .140625 + .015625 + .390625 + .140625 = .6875, /3; a2 likewise .6875/3. Sum of shares
        // (2, 1.5, 0, 1.5), mean 1.25, Σ(dev²) = .5625 + .0625 + 1.5625 + .0625 = 2.25, /3.
        // α = 2/1 · (1 − 1.375/2.25) = 7/9.
        close(a.areas[0].cronbach_alpha, 7.0 / 9.0);
        assert_eq!(a.areas[0].items, 2);
        // B and C have one item each: no alpha, and said why.
        for area in &a.areas[1..] {
            assert_eq!(area.cronbach_alpha, None);
            assert_eq!(area.no_alpha, Some(NoAlpha::OneItem));
        }
    }

    #[test]
    fn area_correlations_by_hand() {
        let a = compute(&batch());
        let m = &a.area_correlations;
        close(m[0][0], 1.0);
        // A − 6.25 = (3.75, 1.75, −6.25, 0.75), C − 2.5 = (−2.5, 2.5, 2.5, −2.5):
        // Σ = −9.375 + 4.375 − 15.625 − 1.875 = −22.5, r = −22.5 / √(56.75 · 25).
        close(m[0][2], -22.5 / (56.75f64 * 25.0).sqrt());
        assert_eq!(m[0][2], m[2][0]);
        // B is the same for every county: undefined with everything, itself included.
        assert!(m[1].iter().all(Option::is_none) && m[0][1].is_none());
    }

    #[test]
    fn remove_one_by_hand() {
        let a = compute(&batch());
        let get = |id: &str, kind: Removed| {
            a.remove_one
                .iter()
                .find(|r| r.id.as_str() == id && r.kind == kind)
                .unwrap()
        };
        // Totals 15, 18, 10, 12 rank 2, 1, 4, 3.
        // Without A: 5, 10, 10, 5 rank 3, 1, 1, 3 (ties share the best rank): shifts 1, 0, 3, 0.
        let r = get("1", Removed::Area);
        assert_eq!(r.mean_abs_rank_shift, 1.0);
        assert_eq!((r.max_abs_rank_shift, r.max_count), (3, 1));
        assert_eq!(r.max_county.as_deref(), Some("c3"));
        assert_eq!(r.max_county_name.as_deref(), Some("县3"));
        // Without B (5 from everybody): nobody moves.
        let r = get("2", Removed::Area);
        assert_eq!((r.mean_abs_rank_shift, r.max_abs_rank_shift), (0.0, 0));
        assert_eq!((r.max_county.as_deref(), r.max_count), (None, 0));
        // Without C: 15, 13, 5, 12 rank 1, 2, 4, 3: shifts 1, 1, 0, 0; first with 1 is c1.
        let r = get("3", Removed::Area);
        assert_eq!(r.mean_abs_rank_shift, 0.5);
        assert_eq!((r.max_abs_rank_shift, r.max_count), (1, 2));
        assert_eq!(r.max_county.as_deref(), Some("c1"));
        // Without a1: 11, 16, 10, 8 rank 2, 1, 3, 4: shifts 0, 0, 1, 1.
        let r = get("1.1", Removed::Item);
        assert_eq!((r.mean_abs_rank_shift, r.max_abs_rank_shift), (0.5, 1));
        assert_eq!(r.max_county.as_deref(), Some("c3"));
        // Without a2: 9, 12, 10, 9 rank 3, 1, 2, 3: shifts 1, 0, 2, 0.
        let r = get("1.2", Removed::Item);
        assert_eq!((r.mean_abs_rank_shift, r.max_abs_rank_shift), (0.75, 2));
        assert_eq!(r.max_county.as_deref(), Some("c3"));
        assert_eq!(a.remove_one.len(), 3 + 4);
    }

    #[test]
    fn influence_by_hand() {
        let a = compute(&batch());
        // n = 4: ⌊√4⌋ = 2 bins of 2. Total − 13.75: Σ(dev²) = 1.5625 + 18.0625 + 14.0625 +
        // 3.0625 = 36.75.
        // A sorted: 0 (c3: 10), 7 (c4: 12) | 8 (c2: 18), 10 (c1: 15): bin means 11 and 16.5,
        // between = 2 · 2.75² + 2 · 2.75² = 30.25, S_A = 30.25 / 36.75.
        // B constant: one bin, S_B = 0. C sorted (ties by county order): c1 15, c4 12 | c2 18,
        // c3 10: means 13.5 and 14, between = 4 · 0.25² = 0.25, S_C = 0.25 / 36.75.
        let inf = &a.influence;
        close(inf[0].first_order, 30.25 / 36.75);
        close(inf[1].first_order, 0.0);
        close(inf[2].first_order, 0.25 / 36.75);
        // Normalised over 30.5 / 36.75: A 30.25/30.5, B 0, C 0.25/30.5; declared 10/20, 5/20, 5/20.
        close(inf[0].effect, 30.25 / 30.5);
        close(inf[2].effect, 0.25 / 30.5);
        assert_eq!(
            inf.iter().map(|i| i.declared_share).collect::<Vec<_>>(),
            [0.5, 0.25, 0.25]
        );
        close(inf[0].departure, 30.25 / 30.5 - 0.5);
        close(inf[1].departure, -0.25);
        assert_eq!(a.most_over.as_ref().map(|i| i.as_str()), Some("1"));
        assert_eq!(a.most_under.as_ref().map(|i| i.as_str()), Some("2"));
        assert_eq!(a.influence_bins, 2);
    }

    #[test]
    fn a_constant_total_has_no_influence_and_nothing_is_nan() {
        let mut input = batch();
        input.totals = pts(&[10.0; 4]);
        let a = compute(&input);
        assert!(a
            .influence
            .iter()
            .all(|i| i.first_order.is_none() && i.effect.is_none() && i.departure.is_none()));
        assert!(a.items.iter().all(|i| i.corr_with_total.is_none()));
        assert_eq!((a.most_over.clone(), a.most_under.clone()), (None, None));
        let json = serde_json::to_string(&a).unwrap();
        assert!(!json.contains("NaN") && json.contains("\"corr_with_total\":null"));
    }

    #[test]
    fn one_county_is_answered() {
        let mut input = batch();
        for v in input
            .item_points
            .iter_mut()
            .chain(input.area_points.iter_mut())
        {
            v.truncate(1);
        }
        input.totals.truncate(1);
        input.counties.truncate(1);
        let a = compute(&input);
        assert_eq!(a.areas[0].no_alpha, Some(NoAlpha::TooFewCounties));
        assert!(a.remove_one.iter().all(|r| r.mean_abs_rank_shift == 0.0));
        assert!(a.influence.iter().all(|i| i.first_order.is_none()));
    }
}
