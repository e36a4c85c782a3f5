//! Variance-based sensitivity of a ranking to the first-level areas' weights (Saisana, Saltelli
//! & Tarantola 2005): first-order and total-order Sobol indices by the Saltelli (2010) and
//! Jansen (1999) estimators.
//!
//! The factors are the areas' points multipliers `u_i`, independent and uniform in
//! `[1 − f, 1 + f]` (the level-1 `factor` noise); lower levels keep their shares. As in the
//! Monte Carlo run, a weighting is then renormalised to the starting total (area `i` gets
//! `T · u_i b_i / Σ_j u_j b_j`) unless the total floats
//! (`uncertainty::Settings::float_total`): the indices
//! decompose the variance of the same model the Monte Carlo run samples. The estimators need
//! independent factors, and the `u_i` stay independent; renormalising is part of the model
//! `f(u)`, not of its inputs. Under relative weights an area's factor also moves every other
//! area's share, so an area whose counties all score alike can still matter (it sets how much
//! the others weigh against bonuses and penalties, which are points); with a floating total
//! only the areas where counties differ can reorder them. Two matrices
//! `A`, `B` of `N` samples each and, per area `i`, `A` with column `i` taken from `B` give
//! `N × (k + 2)` weightings. With `V` the variance of the outputs on `A` and `B`:
//!
//! - first order `S_i = mean(f(B) · (f(A_B^i) − f(A))) / V` — the share of the variance the
//!   area's weight explains alone;
//! - total order `ST_i = mean((f(A) − f(A_B^i))²) / (2V)` — its share with all interactions.
//!
//! The outputs are the mean absolute rank shift over counties (against the starting weights)
//! and, per pass line, the share of counties reaching it.

use super::kernel::{Dense, Scratch};
use super::sampler::{stream, Sampler};
use crate::par::*;
use crate::types::IndicatorId;
use crate::RuleSet;
use rand::Rng;
use serde::Serialize;

/// The indices of one area for one output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaIndex {
    /// Area id.
    pub id: IndicatorId,
    /// Area name.
    pub name: String,
    /// First-order index (None when the output does not vary).
    pub first_order: Option<f64>,
    /// Total-order index (None when the output does not vary).
    pub total_order: Option<f64>,
}

/// The indices of every area for one output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutputIndices {
    /// `mean_rank_shift`, or `pass:<pass line id>`.
    pub output: String,
    /// The output's variance over the `A` and `B` samples.
    pub variance: f64,
    /// Per area, in rule-set order.
    pub areas: Vec<AreaIndex>,
}

/// The sensitivity analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sensitivity {
    /// Base samples `N`.
    pub samples: usize,
    /// The factor range `f` of the areas' points.
    pub factor: f64,
    /// Weightings evaluated, `N × (k + 2)`.
    pub evaluations: usize,
    /// Indices per output.
    pub outputs: Vec<OutputIndices>,
}

pub(crate) fn analyse(
    rules: &RuleSet,
    dense: &Dense,
    sampler: &Sampler,
    base_ranks: &[u32],
    f: f64,
    samples: usize,
    seed: u64,
) -> Sensitivity {
    let k = sampler.area_count();
    let mut rng = stream(seed, 1 << 48);
    let mut draw = || -> Vec<f64> {
        (0..k)
            .map(|_| 1.0 + f * (2.0 * rng.gen::<f64>() - 1.0))
            .collect()
    };
    let a: Vec<Vec<f64>> = (0..samples).map(|_| draw()).collect();
    let b: Vec<Vec<f64>> = (0..samples).map(|_| draw()).collect();
    // Row r of block 0 is A, block 1 is B, block 2 + i is A with column i from B.
    let factors = |blk: usize, r: usize| -> Vec<f64> {
        match blk {
            0 => a[r].clone(),
            1 => b[r].clone(),
            i => {
                let mut x = a[r].clone();
                x[i - 2] = b[r][i - 2];
                x
            }
        }
    };
    let n = dense.n as f64;
    let lines = rules.pass_lines().len();
    let y: Vec<Vec<f64>> = (0..samples * (k + 2))
        .into_par_iter()
        .map_init(
            || (Vec::new(), Vec::new(), Scratch::default()),
            |(pts, w, s), e| {
                let x = factors(e / samples, e % samples);
                sampler.draw(None, Some(&x), pts, w);
                dense.eval(w, s);
                let shift: u64 = s
                    .ranks
                    .iter()
                    .zip(base_ranks)
                    .map(|(r, b)| r.abs_diff(*b) as u64)
                    .sum();
                let mut out = vec![shift as f64 / n];
                out.extend((0..lines).map(|l| {
                    s.passed
                        .iter()
                        .filter(|&&bits| (bits >> l) & 1 == 1)
                        .count() as f64
                        / n
                }));
                out
            },
        )
        .collect();
    let areas: Vec<(IndicatorId, String)> = rules
        .nodes()
        .iter()
        .filter(|nd| nd.level == 1)
        .map(|nd| (nd.id.clone(), nd.name.to_string()))
        .collect();
    let names = std::iter::once("mean_rank_shift".to_string())
        .chain(rules.pass_lines().iter().map(|p| format!("pass:{}", p.id)));
    let outputs = names
        .enumerate()
        .map(|(o, output)| {
            let at = |blk: usize, r: usize| y[blk * samples + r][o];
            let all: Vec<f64> = (0..samples).flat_map(|r| [at(0, r), at(1, r)]).collect();
            let mean = all.iter().sum::<f64>() / all.len() as f64;
            let variance = all.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / all.len() as f64;
            let m = samples as f64;
            let areas = areas
                .iter()
                .enumerate()
                .map(|(i, (id, name))| {
                    let (mut s1, mut st) = (0.0, 0.0);
                    for r in 0..samples {
                        let (fa, fb, fab) = (at(0, r), at(1, r), at(2 + i, r));
                        s1 += fb * (fab - fa);
                        st += (fa - fab).powi(2);
                    }
                    let ok = variance > 1e-12;
                    AreaIndex {
                        id: id.clone(),
                        name: name.clone(),
                        first_order: ok.then(|| s1 / m / variance),
                        total_order: ok.then(|| st / m / (2.0 * variance)),
                    }
                })
                .collect();
            OutputIndices {
                output,
                variance,
                areas,
            }
        })
        .collect();
    Sensitivity {
        samples,
        factor: f,
        evaluations: samples * (k + 2),
        outputs,
    }
}
