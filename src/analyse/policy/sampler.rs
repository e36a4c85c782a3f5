//! What the uncertainty analysis and the sensitivity analysis both draw from, below both: how
//! the weights of a tree level vary ([`LevelNoise`]), the sampler that turns a noise setting into
//! one weighting per draw, and the random stream of each draw (ChaCha8, `seed` and stream `i`, so
//! results do not depend on the number of threads).

use super::scores::Batch;
use super::weights::Weights;
use crate::RuleSet;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use std::collections::BTreeMap;

/// How the weights of one level of the tree vary.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LevelNoise {
    /// Points × uniform factor in `[1 − f, 1 + f]` (0 ≤ f < 1).
    Factor(f64),
    /// Shares of the parent uniform on the simplex.
    Uniform,
    /// Shares from a Dirichlet distribution around the rule set's shares, concentration α > 0.
    Dirichlet(f64),
}

impl std::str::FromStr for LevelNoise {
    type Err = String;
    /// `0.25` (a factor), `uniform`, or `dirichlet:50`.
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let s = s.trim();
        if s == "uniform" {
            return Ok(LevelNoise::Uniform);
        }
        if let Some(a) = s.strip_prefix("dirichlet:") {
            return match a.parse::<f64>() {
                Ok(a) if a > 0.0 && a.is_finite() => Ok(LevelNoise::Dirichlet(a)),
                _ => Err(format!(
                    "`{s}`: the Dirichlet concentration must be a number above 0 (dirichlet:50)"
                )),
            };
        }
        match s.parse::<f64>() {
            Ok(f) if (0.0..1.0).contains(&f) => Ok(LevelNoise::Factor(f)),
            Ok(f) => Err(format!(
                "noise factor {f} is outside [0, 1): points vary in [1 − f, 1 + f] times their value"
            )),
            Err(_) => Err(format!(
                "`{s}` is not a noise: write a factor (0.25), `uniform` or `dirichlet:ALPHA`"
            )),
        }
    }
}

/// The noise of every level that varies: level (1 = first-level areas) → noise.
pub type Noise = BTreeMap<usize, LevelNoise>;

/// Parses `LEVEL=NOISE` (`1=0.25`, `2=uniform`, `3=dirichlet:50`).
///
/// ```
/// use fazhi::analyse::policy::uncertainty::{parse_level_noise, LevelNoise};
/// assert_eq!(parse_level_noise("1=0.25"), Ok((1, LevelNoise::Factor(0.25))));
/// assert!(parse_level_noise("1=1.5").is_err());
/// ```
pub fn parse_level_noise(s: &str) -> std::result::Result<(usize, LevelNoise), String> {
    let (level, noise) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}`: write LEVEL=NOISE, e.g. 1=0.25"))?;
    let level: usize = level
        .trim()
        .parse()
        .ok()
        .filter(|l| *l >= 1)
        .ok_or_else(|| format!("`{level}` is not a tree level (1 = first-level areas)"))?;
    Ok((level, noise.parse()?))
}

/// The tree as the samplers need it.
#[derive(Debug, Clone)]
pub(crate) struct Sampler {
    pub(super) level: Vec<usize>,
    pub(super) base: Vec<f64>,
    pub(super) total: f64,
    /// Sibling groups: (parent, children); parent None = the first-level areas.
    pub(super) groups: Vec<(Option<usize>, Vec<usize>)>,
    /// Node index of every item.
    pub(super) items: Vec<usize>,
    pub(super) noise: Noise,
    /// Whether factor-noised siblings (and the sensitivity's area factors) are scaled back to
    /// their parent's points.
    pub(super) renormalise: bool,
}

impl Sampler {
    pub(crate) fn new(
        rules: &RuleSet,
        batch: &Batch,
        start: &Weights,
        noise: Noise,
        float_total: bool,
    ) -> Sampler {
        let nodes = rules.nodes();
        let mut groups = vec![(
            None,
            (0..nodes.len())
                .filter(|&i| nodes[i].parent.is_none())
                .collect::<Vec<_>>(),
        )];
        for (i, n) in nodes.iter().enumerate() {
            if !n.children.is_empty() {
                groups.push((Some(i), n.children.clone()));
            }
        }
        let base: Vec<f64> = start.points.iter().map(|p| p.as_f64()).collect();
        let items = batch.tree().items.clone();
        Sampler {
            level: nodes.iter().map(|n| n.level).collect(),
            base,
            // The areas share the total less the 附加项, which no draw moves.
            total: (start.total.as_f64()
                - rules.additional_points().unwrap_or_default().as_f64() * start.adjust),
            groups,
            items,
            noise,
            renormalise: !float_total,
        }
    }

    pub(crate) fn area_count(&self) -> usize {
        self.groups[0].1.len()
    }

    /// Item weights of one draw (`rng` None: the starting weights). `area_factor`, when given,
    /// multiplies the first-level areas' points (the sensitivity analysis's factors) and
    /// replaces all noise. Unless the total floats, factored siblings are scaled back to their
    /// parent's points.
    pub(crate) fn draw(
        &self,
        mut rng: Option<&mut ChaCha8Rng>,
        area_factor: Option<&[f64]>,
        pts: &mut Vec<f64>,
        out: &mut Vec<f32>,
    ) {
        pts.clear();
        pts.resize(self.base.len(), 0.0);
        // Groups are in pre-order of their parents, so a parent is set before its children.
        for (g, (parent, kids)) in self.groups.iter().enumerate() {
            let (have, nominal) = match parent {
                Some(p) => (pts[*p], self.base[*p]),
                None => (self.total, kids.iter().map(|&k| self.base[k]).sum()),
            };
            let level = kids.first().map_or(0, |&k| self.level[k]);
            let noise = match area_factor {
                Some(_) => None,
                None => self.noise.get(&level).copied(),
            };
            let sum_base: f64 = kids.iter().map(|&k| self.base[k]).sum();
            match (noise, rng.as_deref_mut()) {
                (Some(LevelNoise::Uniform), Some(r)) => {
                    shares(kids, &self.base, have, pts, |_| ln_gamma(r, 1.0))
                }
                (Some(LevelNoise::Dirichlet(a)), Some(r)) => {
                    shares(kids, &self.base, have, pts, |b| {
                        ln_gamma(r, a * b / sum_base)
                    })
                }
                (noise, rng) => {
                    let scale = if nominal > 0.0 { have / nominal } else { 0.0 };
                    let mut rng = rng;
                    for (j, &k) in kids.iter().enumerate() {
                        let u = match (noise, rng.as_deref_mut(), area_factor) {
                            (_, _, Some(f)) if g == 0 => f[j],
                            (Some(LevelNoise::Factor(f)), Some(r), _) => {
                                1.0 + f * (2.0 * r.gen::<f64>() - 1.0)
                            }
                            _ => 1.0,
                        };
                        pts[k] = self.base[k] * scale * u;
                    }
                    // Back to the parent's points: one multiply per sibling.
                    let factored = match area_factor {
                        Some(_) => g == 0,
                        None => matches!(noise, Some(LevelNoise::Factor(_))),
                    };
                    if self.renormalise && factored {
                        let drawn: f64 = kids.iter().map(|&k| pts[k]).sum();
                        if drawn > 0.0 {
                            let back = have / drawn;
                            for &k in kids {
                                pts[k] *= back;
                            }
                        }
                    }
                }
            }
        }
        out.clear();
        out.extend(self.items.iter().map(|&i| pts[i] as f32));
    }
}

/// Children with base points above 0 share `have` in proportion to `exp(ln_weight(base))`.
/// The weights are taken as logarithms and scaled by the largest before `exp`, so weights
/// too small for `f64` still share the parent's points; the children's slots of `pts` hold the
/// intermediate values (no allocation per draw).
fn shares(
    kids: &[usize],
    base: &[f64],
    have: f64,
    pts: &mut [f64],
    mut ln_weight: impl FnMut(f64) -> f64,
) {
    let mut max = f64::NEG_INFINITY;
    for &k in kids {
        pts[k] = if base[k] > 0.0 {
            ln_weight(base[k])
        } else {
            f64::NEG_INFINITY
        };
        max = max.max(pts[k]);
    }
    if !max.is_finite() {
        // Every weight underflowed even as a logarithm (a concentration near 0): keep the
        // starting shares rather than lose the parent's points.
        let sum: f64 = kids.iter().map(|&k| base[k].max(0.0)).sum();
        for &k in kids {
            pts[k] = if sum > 0.0 {
                have * base[k].max(0.0) / sum
            } else {
                0.0
            };
        }
        return;
    }
    let mut sum = 0.0;
    for &k in kids {
        pts[k] = (pts[k] - max).exp();
        sum += pts[k];
    }
    for &k in kids {
        pts[k] *= have / sum;
    }
}

/// The logarithm of a Gamma(shape, 1) variate (Marsaglia and Tsang 2000; shape < 1 boosted by
/// U^(1/shape), added as ln U / shape so that it cannot underflow).
fn ln_gamma(rng: &mut ChaCha8Rng, shape: f64) -> f64 {
    if shape < 1.0 {
        let u: f64 = rng.gen::<f64>().max(f64::MIN_POSITIVE);
        return ln_gamma(rng, shape + 1.0) + u.ln() / shape;
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    loop {
        // A standard normal by Box–Muller.
        let (u1, u2): (f64, f64) = (rng.gen::<f64>().max(f64::MIN_POSITIVE), rng.gen());
        let x = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
        let v = (1.0 + c * x).powi(3);
        if v <= 0.0 {
            continue;
        }
        let u: f64 = rng.gen::<f64>().max(f64::MIN_POSITIVE);
        if u.ln() < 0.5 * x * x + d - d * v + d * v.ln() {
            return (d * v).ln();
        }
    }
}

/// The random stream of draw `i`.
pub(crate) fn stream(seed: u64, i: u64) -> ChaCha8Rng {
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    r.set_stream(i);
    r
}
