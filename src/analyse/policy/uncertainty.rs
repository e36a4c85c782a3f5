//! How robust a ranking is to its weights: Monte Carlo over weightings (after the OECD/JRC
//! Handbook on Constructing Composite Indicators and COINr's noisy weights), reporting per
//! county the median rank, the 5th–95th percentile rank interval, the probability of reaching
//! each pass line and the mean rank shift; and variance-based sensitivity of the first-level
//! areas' weights ([`super::sensitivity`]).
//!
//! # Noise per level of the tree
//!
//! Each level of the tree may vary in one of three ways ([`LevelNoise`]); levels not named keep
//! their shares of their parent:
//!
//! - `factor` (COINr's noisy weights): every node of the level has its points multiplied by an
//!   independent uniform factor in `[1 − f, 1 + f]`, then the siblings are **renormalised**:
//!   scaled together by `parent's points / drawn sum` so that they still add up to their parent
//!   (the first-level areas to the starting total, 1000 for national-2021). The shares within
//!   each parent are what the noise drew; every parent, and so the total, keeps its points.
//!   Weights are relative, as in COINr's hierarchical weighted means and the OECD/JRC Handbook
//!   (a weighted mean divides by the sum of the weights), so noise on one level never moves the
//!   levels above it, and pass lines — absolute points — keep meaning the same thing in every
//!   draw. Their children keep their shares. With [`Settings::float_total`] the siblings are not
//!   rescaled: parents become the sums, exactly what a scenario setting those points would do,
//!   and the total floats with the draw while pass lines stay put.
//! - `uniform`: the children of every parent at that level share the parent's points in
//!   proportions drawn uniformly from the simplex (Dirichlet(1, …, 1)); parents keep their
//!   points.
//! - `dirichlet(α)`: shares drawn from a Dirichlet distribution centred on the rule set's shares
//!   with concentration `α` (larger: closer to the rule set); parents keep their points. The
//!   Gamma variates are drawn as logarithms, so a small `α` (whose variates underflow `f64`)
//!   still gives shares that add up to the parent.
//!
//! Only the `factor` noise moves a parent's sum, so only it is renormalised (one multiply per
//! node of the level and draw); bonuses and penalties are points and never rescale.
//!
//! Each draw `i` uses its own ChaCha8 stream (`seed`, stream `i`), so results do not depend on
//! the number of threads. Percentiles are nearest-rank: the 5th percentile rank is the smallest
//! rank with at least 5% of the draws at or above it (better or equal).

use super::kernel::{Dense, Scratch, BLOCK};
pub use super::sampler::{parse_level_noise, LevelNoise, Noise};
use super::sampler::{stream, Sampler};
use super::scores::Batch;
use super::sensitivity::{self, Sensitivity};
use super::weights::{PassLevel, Weights};
use crate::error::{Error, Result};
use crate::par::*;
use crate::types::Points;
use crate::RuleSet;
use serde::Serialize;

/// What to run.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Noise per level.
    pub noise: Noise,
    /// Number of Monte Carlo draws.
    pub runs: usize,
    /// Seed of every random stream.
    pub seed: u64,
    /// Base samples `N` of the sensitivity analysis (`N × (k + 2)` weightings for `k` areas,
    /// `N` ≥ 2); `None` skips it. Needs a `factor` noise on level 1.
    pub sensitivity: Option<usize>,
    /// Let the total float under `factor` noise (parents become the sums of the drawn points)
    /// instead of renormalising every draw to the starting total. Also applies to the
    /// sensitivity analysis's area factors.
    pub float_total: bool,
}

/// One county's ranks over the draws.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CountyUncertainty {
    /// County id.
    pub id: String,
    /// County name.
    pub name: String,
    /// Whether a veto (一票否决) disqualified it: it reaches no pass line in any draw, but is
    /// still ranked by its total.
    pub vetoed: bool,
    /// Total under the starting weights.
    pub baseline_total: Points,
    /// Rank under the starting weights.
    pub baseline_rank: u32,
    /// Median rank over the draws.
    pub median_rank: u32,
    /// 5th percentile rank (the better end of the interval).
    pub p05_rank: u32,
    /// 95th percentile rank (the worse end).
    pub p95_rank: u32,
    /// Mean |rank − baseline rank| over the draws.
    pub mean_rank_shift: f64,
    /// Per pass line (in [`Uncertainty::pass_lines`] order): the share of draws reaching it.
    pub pass_probability: Vec<f64>,
}

/// The result of an uncertainty analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Uncertainty {
    /// Rule set id.
    pub ruleset: String,
    /// Draws.
    pub runs: usize,
    /// Seed.
    pub seed: u64,
    /// Noise per level.
    pub noise: Noise,
    /// The starting weighting's total points.
    pub total_points: Points,
    /// Whether the total floated under `factor` noise ([`Settings::float_total`]); otherwise
    /// every draw was renormalised to `total_points`.
    pub float_total: bool,
    /// Pass lines tested.
    pub pass_lines: Vec<PassLevel>,
    /// Mean over counties of the mean rank shift.
    pub mean_rank_shift: f64,
    /// Every county, by baseline rank (ties: id).
    pub counties: Vec<CountyUncertainty>,
    /// Sensitivity of the first-level areas' weights, when asked for.
    pub sensitivity: Option<Sensitivity>,
}

/// The most ranks a run holds at once (draws × counties, `u32` each).
const MAX_RANKS: usize = 1 << 30;
/// The most weightings a sensitivity analysis evaluates.
const MAX_EVALUATIONS: usize = 1 << 24;

/// Runs the Monte Carlo analysis on a batch, starting from `start` (the rule set's weights or a
/// scenario's). Fails when a noise names a level the tree does not have, when `runs` is 0, when
/// there are no counties, when draws × counties or the sensitivity's weightings would not fit
/// in memory, or when the sensitivity analysis is asked for without a `factor` noise on
/// level 1.
///
/// ```
/// use fazhi::analyse::policy::{scores::Batch, uncertainty::*, weights::Weights};
/// let rules = fazhi::RuleSet::builtin()?;
/// let yaml = "county: {id: x, name: 某县}\ndata: {}\n";
/// let county = fazhi::CountyData::from_str("x.yaml", yaml, &rules)?;
/// let batch = Batch::evaluate(&rules, &[county]);
/// let settings = Settings {
///     noise: [(1, LevelNoise::Factor(0.2))].into(),
///     runs: 100,
///     seed: 7,
///     sensitivity: None,
///     float_total: false, // every draw keeps the total of 1000 points
/// };
/// let u = analyse(&rules, &batch, &Weights::nominal(&rules), &settings)?;
/// assert_eq!((u.counties[0].p05_rank, u.counties[0].p95_rank), (1, 1));
/// assert_eq!(u.total_points, rules.total_points());
/// # Ok::<(), fazhi::Error>(())
/// ```
pub fn analyse(
    rules: &RuleSet,
    batch: &Batch,
    start: &Weights,
    settings: &Settings,
) -> Result<Uncertainty> {
    let depth = rules.nodes().iter().map(|n| n.level).max().unwrap_or(0);
    if let Some((&l, _)) = settings.noise.iter().find(|(l, _)| **l > depth || **l == 0) {
        return Err(Error::Invalid(format!(
            "level {l} does not exist: the tree of `{}` has levels 1 to {depth}",
            rules.id()
        )));
    }
    if settings.runs == 0 {
        return Err(Error::Invalid("--runs must be at least 1".into()));
    }
    if batch.counties().is_empty() {
        return Err(Error::Invalid("no counties to rank".into()));
    }
    let held = settings.runs.saturating_mul(batch.counties().len());
    if held > MAX_RANKS {
        return Err(Error::Invalid(format!(
            "{} draws × {} counties are {held} ranks to hold in memory (at most {MAX_RANKS}, 4 GiB): lower --runs (10,000 draws is the usual size)",
            settings.runs,
            batch.counties().len()
        )));
    }
    // The sensitivity analysis: checked before any work is done.
    let sensitivity_of = match settings.sensitivity {
        None => None,
        Some(samples) => {
            let Some(LevelNoise::Factor(f)) = settings.noise.get(&1) else {
                return Err(Error::Invalid(
                    "the sensitivity analysis varies the first-level areas' points: give level 1 a factor noise (--noise 1=0.25)".into(),
                ));
            };
            if samples < 2 {
                return Err(Error::Invalid(format!(
                    "--sensitivity {samples}: the estimators need at least 2 base samples (1,000 is usual)"
                )));
            }
            let k = rules.nodes().iter().filter(|n| n.level == 1).count();
            if samples.saturating_mul(k + 2) > MAX_EVALUATIONS {
                return Err(Error::Invalid(format!(
                    "--sensitivity {samples} needs {samples} × ({k} areas + 2) weightings, more than {MAX_EVALUATIONS}: lower N"
                )));
            }
            Some((*f, samples))
        }
    };
    let pass = start
        .pass_lines
        .iter()
        .map(|p| (p.min_total.milli(), p.min_area_share))
        .collect();
    let dense = Dense::new(batch, start, pass);
    let sampler = Sampler::new(
        rules,
        batch,
        start,
        settings.noise.clone(),
        settings.float_total,
    );
    let n = dense.n;
    let (mut pts, mut w, mut s) = (Vec::new(), Vec::new(), Scratch::default());
    sampler.draw(None, None, &mut pts, &mut w);
    dense.eval(&w, &mut s);
    let (base_milli, base_ranks) = (s.milli.clone(), s.ranks.clone());
    let lines = start.pass_lines.len();

    // Draws in chunks of `CHUNK`: each chunk writes its ranks county by county (the ranks of
    // county c in the chunk's draws are `len` neighbours, so the percentiles below read each
    // county's ranks in runs) and returns its pass counts and rank-shift sums.
    const CHUNK: usize = 32;
    let runs = settings.runs;
    let mut ranks = vec![0u32; runs * n];
    let (pass_counts, shift_sums) = ranks
        .par_chunks_mut(CHUNK * n)
        .enumerate()
        .map(|(ci, part)| {
            let len = part.len() / n;
            let mut pts = Vec::new();
            let mut ws: Vec<Vec<f32>> = vec![Vec::new(); BLOCK];
            let mut sc: Vec<Scratch> = vec![Scratch::default(); BLOCK];
            let mut pass = vec![0u32; lines * n];
            let mut shift = vec![0u64; n];
            for at in (0..len).step_by(BLOCK) {
                let m = BLOCK.min(len - at);
                for (j, w) in ws.iter_mut().enumerate().take(m) {
                    let mut rng = stream(settings.seed, (ci * CHUNK + at + j) as u64);
                    sampler.draw(Some(&mut rng), None, &mut pts, w);
                }
                dense.eval_block(&ws[..m], &mut sc[..m]);
                for (j, s) in sc.iter().enumerate().take(m) {
                    let column = part.iter_mut().skip(at + j).step_by(len);
                    for (c, (slot, &r)) in column.zip(&s.ranks).enumerate() {
                        *slot = r;
                        shift[c] += r.abs_diff(base_ranks[c]) as u64;
                    }
                    for (l, pass) in pass.chunks_exact_mut(n).enumerate() {
                        for (p, bits) in pass.iter_mut().zip(&s.passed) {
                            *p += (bits >> l) & 1;
                        }
                    }
                }
            }
            (pass, shift)
        })
        .par_reduce(
            || (vec![0u32; lines * n], vec![0u64; n]),
            |(mut pa, mut sa), (pb, sb)| {
                pa.iter_mut().zip(pb).for_each(|(a, b)| *a += b);
                sa.iter_mut().zip(sb).for_each(|(a, b)| *a += b);
                (pa, sa)
            },
        );

    // Percentiles per county: ranks run from 1 to n, so each county's ranks are counted (the
    // counts of a block of counties stay in L2 while the chunks' runs of their ranks stream
    // past), then the counts are walked once for the three percentiles.
    const COLS: usize = 16;
    let quantiles: Vec<(u32, u32, u32)> = (0..n.div_ceil(COLS))
        .into_par_iter()
        .flat_map_iter(|b| {
            let cols = b * COLS..((b + 1) * COLS).min(n);
            let width = cols.len();
            let mut h = vec![0u32; width * (n + 1)];
            for part in ranks.chunks(CHUNK * n) {
                let len = part.len() / n;
                let block = &part[cols.start * len..cols.end * len];
                for (h, col) in h.chunks_exact_mut(n + 1).zip(block.chunks_exact(len)) {
                    for &r in col {
                        if let Some(x) = h.get_mut(r as usize) {
                            *x += 1;
                        }
                    }
                }
            }
            let need = |q: f64| ((q * runs as f64).ceil() as u64).clamp(1, runs as u64);
            let needs = [need(0.05), need(0.5), need(0.95)];
            (0..width)
                .map(|k| {
                    let mut at = [n as u32; 3];
                    let (mut seen, mut next) = (0u64, 0);
                    for (r, c) in h[k * (n + 1)..(k + 1) * (n + 1)].iter().enumerate() {
                        seen += *c as u64;
                        while next < 3 && seen >= needs[next] {
                            at[next] = r as u32;
                            next += 1;
                        }
                        if next == 3 {
                            break;
                        }
                    }
                    (at[0], at[1], at[2])
                })
                .collect::<Vec<_>>()
        })
        .collect();

    let mut counties: Vec<CountyUncertainty> = batch
        .counties()
        .iter()
        .enumerate()
        .map(|(c, ev)| CountyUncertainty {
            id: ev.county().id.clone(),
            name: ev.county().name.clone(),
            vetoed: ev.report.summary.vetoed,
            baseline_total: Points::from_milli(base_milli[c]),
            baseline_rank: base_ranks[c],
            median_rank: quantiles[c].1,
            p05_rank: quantiles[c].0,
            p95_rank: quantiles[c].2,
            mean_rank_shift: shift_sums[c] as f64 / runs as f64,
            pass_probability: (0..lines)
                .map(|l| pass_counts[l * n + c] as f64 / runs as f64)
                .collect(),
        })
        .collect();
    counties.sort_by(|a, b| {
        a.baseline_rank
            .cmp(&b.baseline_rank)
            .then_with(|| a.id.cmp(&b.id))
    });
    let sensitivity = sensitivity_of.map(|(f, samples)| {
        sensitivity::analyse(
            rules,
            &dense,
            &sampler,
            &base_ranks,
            f,
            samples,
            settings.seed,
        )
    });
    Ok(Uncertainty {
        ruleset: rules.id().to_string(),
        runs,
        seed: settings.seed,
        noise: settings.noise.clone(),
        total_points: start.total,
        float_total: settings.float_total,
        pass_lines: start.pass_lines.clone(),
        mean_rank_shift: counties.iter().map(|c| c.mean_rank_shift).sum::<f64>() / n as f64,
        counties,
        sensitivity,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    /// The national rule set and its tree (no counties: the sampler needs only the tree).
    fn national() -> &'static (RuleSet, Batch) {
        static N: OnceLock<(RuleSet, Batch)> = OnceLock::new();
        N.get_or_init(|| {
            let rules = RuleSet::builtin().unwrap();
            let batch = Batch::evaluate(&rules, &[]);
            (rules, batch)
        })
    }

    fn sampler(noise: Noise, float_total: bool) -> Sampler {
        let (rules, batch) = national();
        Sampler::new(rules, batch, &Weights::nominal(rules), noise, float_total)
    }

    fn sum(w: &[f32]) -> f64 {
        w.iter().map(|x| *x as f64).sum()
    }

    /// A non-empty set of levels (bits of `mask`) with the same factor noise.
    fn noise(mask: u8, f: f64) -> Noise {
        (1..=3)
            .filter(|l| mask & (1 << (l - 1)) != 0)
            .map(|l| (l, LevelNoise::Factor(f)))
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Every draw under factor noise on any levels keeps the rule set's 1000 points (to the
        /// milli-point, after the `f32` the kernel sums); every sibling group adds up to its
        /// parent, so noise never moves the levels above it; and the renormalised draw has the
        /// shares of the floating draw of the same stream within every parent.
        #[test]
        fn factor_draws_keep_the_total(
            mask in 1u8..8,
            f in 0.0f64..0.99,
            seed in any::<u64>(),
            i in 0u64..10_000,
        ) {
            let (rules, _) = national();
            let (fixed, float) = (sampler(noise(mask, f), false), sampler(noise(mask, f), true));
            let (mut pts, mut fpts, mut a, mut b) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            fixed.draw(Some(&mut stream(seed, i)), None, &mut pts, &mut a);
            float.draw(Some(&mut stream(seed, i)), None, &mut fpts, &mut b);
            prop_assert!((sum(&a) - 1000.0).abs() < 0.0005, "total {}", sum(&a));
            for (parent, kids) in &fixed.groups {
                let have = parent.map_or(fixed.total, |p| pts[p]);
                let got: f64 = kids.iter().map(|&k| pts[k]).sum();
                prop_assert!((got - have).abs() < 1e-9 * have.max(1.0), "{parent:?}: {got} vs {have}");
                let drawn: f64 = kids.iter().map(|&k| fpts[k]).sum();
                for &k in kids {
                    prop_assert!(pts[k] >= 0.0);
                    if drawn > 0.0 && have > 0.0 {
                        prop_assert!((pts[k] / have - fpts[k] / drawn).abs() < 1e-9);
                    }
                }
            }
            if mask & 1 == 0 {
                for (k, n) in rules.nodes().iter().enumerate().filter(|(_, n)| n.level == 1) {
                    prop_assert!((pts[k] - n.points.as_f64()).abs() < 1e-9);
                }
            }
        }

        /// The sensitivity analysis's area factors are renormalised the same way.
        #[test]
        fn area_factor_draws_keep_the_total(u in proptest::collection::vec(0.01f64..1.99, 8)) {
            let s = sampler(Noise::new(), false);
            let (mut pts, mut w) = (Vec::new(), Vec::new());
            s.draw(None, Some(&u), &mut pts, &mut w);
            prop_assert!((sum(&w) - 1000.0).abs() < 0.0005, "total {}", sum(&w));
        }
    }

    #[test]
    fn a_floating_total_moves_with_the_draw() {
        let (rules, _) = national();
        let areas: Vec<f64> = rules
            .nodes()
            .iter()
            .filter(|n| n.level == 1)
            .map(|n| n.points.as_f64())
            .collect();
        let s = sampler(noise(0b001, 0.3), true);
        let (mut pts, mut w) = (Vec::new(), Vec::new());
        let mut moved = 0;
        for i in 0..50 {
            s.draw(Some(&mut stream(1, i)), None, &mut pts, &mut w);
            moved += usize::from((sum(&w) - 1000.0).abs() > 1.0);
        }
        assert!(moved > 40, "{moved} of 50 draws moved the total");
        // Area factors with a floating total: the areas' points × their factors, added up.
        let u = [1.2, 0.8, 1.0, 1.0, 1.1, 0.9, 1.3, 0.7];
        let float = sampler(Noise::new(), true);
        float.draw(None, Some(&u), &mut pts, &mut w);
        let expect: f64 = areas.iter().zip(u).map(|(b, u)| b * u).sum();
        assert!((sum(&w) - expect).abs() < 0.001, "{} vs {expect}", sum(&w));
        assert!((expect - 1000.0).abs() > 1.0);
    }

    #[test]
    fn tiny_dirichlet_concentrations_keep_the_parents_points() {
        // Gamma variates of shape ≈ 0.001 underflow f64; as logarithms they still share.
        for a in [0.01, 1e-6] {
            let s = sampler(
                [
                    (1, LevelNoise::Dirichlet(a)),
                    (2, LevelNoise::Dirichlet(a)),
                    (3, LevelNoise::Dirichlet(a)),
                ]
                .into(),
                false,
            );
            let (mut pts, mut w) = (Vec::new(), Vec::new());
            for i in 0..200 {
                s.draw(Some(&mut stream(3, i)), None, &mut pts, &mut w);
                assert!(
                    (sum(&w) - 1000.0).abs() < 0.0005,
                    "α {a} draw {i}: {}",
                    sum(&w)
                );
            }
        }
    }
}
