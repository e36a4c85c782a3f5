//! Weightings of a rule set: the points of every node and the pass lines, and what-if scenario
//! files that override some of them without copying the rule set.
//!
//! # The rescaling rule
//!
//! A scenario *pins* the points of some nodes (first-level areas, second-level indicators,
//! items) and optionally the total. Every other node is worked out from the pins:
//!
//! 1. **A child's points change → its parent becomes the sum.** An unpinned node with a pin
//!    somewhere below it gets the sum of its children's new points, and so on up to the total.
//! 2. **A parent's points change → its children keep their shares.** The unpinned children of a
//!    node whose points were set (or worked out) share what their pinned siblings leave, in
//!    proportion to their points in the rule set; a subtree without pins scales as a whole.
//! 3. **The total is the sum of the first-level areas** (plus the 附加项) unless the scenario
//!    sets `total_points`; then rule 2 applies to the areas under the total.
//! 4. **A scenario that sets `total_points` rescales the whole** (issue 27): every bonus and
//!    penalty, the bonus cap, the 附加项 and every pass line the scenario does not set are
//!    multiplied by `total_points / the rule set's total` ([`Weights::adjust`]), as the rule set
//!    with `rescale_to:` would be. `bonus_cap:` sets the overall cap on the scenario's scale.
//!
//! Shares are apportioned in thousandths of a point by the largest-remainder method, so every
//! parent is exactly the sum of its children. Without `total_points`, bonuses, penalties and
//! their caps are points and do not rescale; pass lines keep their `min_total` and
//! `min_area_share` unless the scenario sets them. An item keeps the *share* of its points its rule gave (see
//! `scores::Batch`).
//!
//! ```yaml
//! id: disputes-first
//! name: 加重争议化解
//! description: Area 1 gets 16 points instead of 12; its items keep their shares.
//! points:
//!   "1": 16
//! pass_lines:
//!   demonstration: { min_total: 17 }
//! ```

use crate::error::{did_you_mean, Diagnostic, Diagnostics, Error, Result};
use crate::types::{IndicatorId, Points};
use crate::RuleSet;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A pass line of a weighting (示范…): the minimum total and the minimum share per area.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PassLevel {
    /// The pass line's id.
    pub id: IndicatorId,
    /// Its name.
    pub name: String,
    /// The minimum total (bonuses and penalties included).
    pub min_total: Points,
    /// The minimum share (0–1) of its points every first-level area must earn.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_area_share: Option<f64>,
}

/// The points of every node of a rule set's tree (in [`RuleSet::nodes`] order), the total and
/// the pass lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Weights {
    /// Points per node, in rule-set order.
    pub points: Vec<Points>,
    /// The total: the sum of the first-level areas, plus the rule set's 附加项
    /// (`additional_points`) when it has one.
    pub total: Points,
    /// Pass lines, in rule-set order.
    pub pass_lines: Vec<PassLevel>,
    /// What every bonus and penalty is multiplied by: `total_points` of a scenario that sets
    /// it over the rule set's (a scenario out of 100 of a rule set out of 50 doubles them, as it
    /// doubles the items); 1 otherwise.
    pub adjust: f64,
    /// The most the bonuses together add (the rule set's `bonus_cap` or 附加项 × `adjust`, or
    /// the scenario's `bonus_cap`); `None`: no overall cap.
    pub bonus_cap: Option<Points>,
}

impl Weights {
    /// The weighting the rule set itself gives.
    pub fn nominal(rules: &RuleSet) -> Weights {
        Weights {
            points: rules.nodes().iter().map(|n| n.points).collect(),
            total: rules.total_points(),
            pass_lines: rules
                .pass_lines()
                .iter()
                .map(|p| PassLevel {
                    id: p.id.clone(),
                    name: p.name.clone(),
                    min_total: p.min_total,
                    min_area_share: p.min_area_share,
                })
                .collect(),
            adjust: 1.0,
            bonus_cap: rules.model.header.bonus_limit(),
        }
    }

    /// A bonus's or penalty's points under this weighting (× `adjust`); a zeroing entry's
    /// request for every point stays what it is.
    pub fn adjusted(&self, p: Points) -> Points {
        if self.adjust == 1.0 || p >= crate::aggregate::ALL_POINTS {
            p
        } else {
            Points::from_f64(p.as_f64() * self.adjust)
        }
    }

    /// The bonus a report's county gets under this weighting: every bonus as counted (after
    /// its own cap) × `adjust`, the sum within `bonus_cap`. The report's own bonus under the
    /// rule set's weighting (as the roll-up of a score adds them up).
    pub fn bonus(&self, r: &crate::Report) -> Points {
        let sum: Points = r.bonuses.iter().map(|b| self.adjusted(b.points)).sum();
        self.bonus_cap.map_or(sum, |c| sum.min(c))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    id: String,
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    total_points: Option<Points>,
    #[serde(default)]
    bonus_cap: Option<Points>,
    #[serde(default)]
    points: BTreeMap<IndicatorId, Points>,
    #[serde(default)]
    pass_lines: BTreeMap<IndicatorId, RawPass>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPass {
    #[serde(default)]
    min_total: Option<Points>,
    #[serde(default)]
    min_area_share: Option<f64>,
}

/// A what-if weighting scenario, checked against its rule set, with the weighting it gives.
///
/// ```
/// use fazhi::analyse::policy::weights::Scenario;
/// let rules = fazhi::RuleSet::builtin()?;
/// let area = rules.nodes()[0].id.clone();
/// let doubled = rules.nodes()[0].points.milli() * 2;
/// let yaml = format!("id: s\nname: 加倍\npoints:\n  \"{area}\": {}\n", doubled as f64 / 1000.0);
/// let s = Scenario::from_str("s.yaml", &yaml, &rules)?;
/// // The area doubles and the total grows by the same amount.
/// assert_eq!(s.weights.points[0].milli(), doubled);
/// assert_eq!(s.weights.total.milli(), rules.total_points().milli() + doubled / 2);
/// # Ok::<(), fazhi::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The scenario's id.
    pub id: String,
    /// Its name (Chinese).
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// The points the file sets, by node id.
    pub pinned: BTreeMap<IndicatorId, Points>,
    /// The weighting after rescaling.
    pub weights: Weights,
}

impl Scenario {
    /// Reads a scenario file (YAML) and checks it against the rules.
    pub fn from_file(path: impl AsRef<std::path::Path>, rules: &RuleSet) -> Result<Scenario> {
        let path = path.as_ref();
        let text = crate::load::files::read_text(path)?;
        Scenario::from_str(&path.display().to_string(), &text, rules)
    }

    /// Parses a scenario (YAML text named `file` in messages) and checks it against the rules:
    /// unknown node or pass-line ids (with a did-you-mean), negative points, shares outside
    /// 0–1, and pins that cannot hold together. Every problem is listed in
    /// [`Error::Scenario`].
    #[allow(clippy::should_implement_trait)]
    pub fn from_str(file: &str, text: &str, rules: &RuleSet) -> Result<Scenario> {
        if let Some(at) = crate::load::files::too_deep(text) {
            return Err(Error::Scenario(Diagnostics(vec![Diagnostic::error(
                crate::error::Code::Scenario,
                file,
                at,
                crate::load::files::too_deep_message(),
            )])));
        }
        let syntax = crate::load::parse::Syntax::of(file);
        // The places of keys (and every duplicate key, both lines named), then the typed read.
        let tree = crate::load::parse::tree(file, text, syntax)
            .map_err(|d| Error::Scenario(Diagnostics(d)))?;
        let raw: RawScenario = crate::load::parse::typed(file, text, syntax).map_err(|d| {
            Error::Scenario(Diagnostics(vec![d.with_help(
                "a scenario has id, name, and optionally description, total_points, bonus_cap, points (node id → points) and pass_lines (id → min_total, min_area_share)",
            )]))
        })?;
        // Points finer than 0.001 are refused, as in rule files (docs/FORMAT.md, "Numbers").
        let mut diags = crate::authoring::scenario_points(file, &tree);
        let top = |key: &str| tree.entry(key).map_or((1, 1), |e| e.key_at);
        let under = |section: &str, key: &str| {
            tree.get(section)
                .and_then(|s| s.entry(key))
                .map_or_else(|| top(section), |e| e.key_at)
        };
        let at_point = |id: &str| under("points", id);
        let at_pass = |id: &str| under("pass_lines", id);
        let nodes = rules.nodes();
        let index: BTreeMap<&str, usize> = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.as_str(), i))
            .collect();
        let mut pins: Vec<Option<Points>> = vec![None; nodes.len()];
        for (id, p) in &raw.points {
            let Some(&i) = index.get(id.as_str()) else {
                let mut d = Diagnostic::error(
                    crate::error::Code::Scenario,
                    file,
                    at_point(id.as_str()),
                    format!("`{id}` is not a node of rule set `{}`", rules.id()),
                );
                if let Some(s) = did_you_mean(id.as_str(), index.keys().copied()) {
                    d = d.with_help(format!("did you mean `{s}`?"));
                }
                diags.push(d);
                continue;
            };
            if *p < Points::ZERO {
                diags.push(
                    Diagnostic::error(
                        crate::error::Code::Scenario,
                        file,
                        at_point(id.as_str()),
                        format!("`{id}`: points {p} are negative"),
                    )
                    .with_help("points are 0 or more; 0 switches a node off"),
                );
                continue;
            }
            if nodes[i].children.is_empty() && nodes[i].points == Points::ZERO && *p > Points::ZERO
            {
                diags.push(Diagnostic::error(
                    crate::error::Code::Scenario,
                    file,
                    at_point(id.as_str()),
                    format!("item `{id}` has 0 points in the rule set, so its rule gives no share to scale"),
                ).with_help("give the item points in the rule set itself"));
                continue;
            }
            pins[i] = Some(*p);
        }
        if let Some(t) = raw.total_points {
            if t < Points::ZERO {
                diags.push(Diagnostic::error(
                    crate::error::Code::Scenario,
                    file,
                    top("total_points"),
                    format!("total_points {t} is negative"),
                ));
            }
        }
        // A scenario that sets total_points rescales the whole rule set: bonuses, penalties, the
        // bonus cap and the pass lines it does not set follow the items (×adjust).
        let nominal = Weights::nominal(rules);
        let adjust = match raw.total_points {
            Some(t) if rules.total_points() > Points::ZERO && t >= Points::ZERO => {
                t.as_f64() / rules.total_points().as_f64()
            }
            _ => 1.0,
        };
        let scaled = |p: Points| Points::from_f64(p.as_f64() * adjust);
        // The 附加项 is part of the whole and scales with it.
        let additional = scaled(rules.additional_points().unwrap_or(Points::ZERO));
        let mut pass_lines = nominal.pass_lines;
        for l in &mut pass_lines {
            l.min_total = scaled(l.min_total);
        }
        if let Some(c) = raw.bonus_cap.filter(|c| *c < Points::ZERO) {
            diags.push(Diagnostic::error(
                crate::error::Code::Scenario,
                file,
                top("bonus_cap"),
                format!("bonus_cap {c} is negative"),
            ));
        }
        let bonus_cap = raw.bonus_cap.or(nominal.bonus_cap.map(scaled));
        for (id, p) in &raw.pass_lines {
            let Some(line) = pass_lines.iter_mut().find(|l| &l.id == id) else {
                let mut d = Diagnostic::error(
                    crate::error::Code::Scenario,
                    file,
                    at_pass(id.as_str()),
                    format!("`{id}` is not a pass line of rule set `{}`", rules.id()),
                );
                let ids: Vec<&str> = rules.pass_lines().iter().map(|l| l.id.as_str()).collect();
                if let Some(s) = did_you_mean(id.as_str(), ids.iter().copied()) {
                    d = d.with_help(format!("did you mean `{s}`?"));
                } else {
                    d = d.with_help(format!("pass lines: {}", ids.join(", ")));
                }
                diags.push(d);
                continue;
            };
            if let Some(t) = p.min_total {
                if t < Points::ZERO {
                    diags.push(Diagnostic::error(
                        crate::error::Code::Scenario,
                        file,
                        at_pass(id.as_str()),
                        format!("pass line `{id}`: min_total {t} is negative"),
                    ));
                }
                line.min_total = t;
            }
            if let Some(s) = p.min_area_share {
                if !(0.0..=1.0).contains(&s) {
                    diags.push(
                        Diagnostic::error(
                            crate::error::Code::Scenario,
                            file,
                            at_pass(id.as_str()),
                            format!("pass line `{id}`: min_area_share {s} is outside 0–1"),
                        )
                        .with_help("a share of 70% is written 0.7"),
                    );
                }
                line.min_area_share = (s > 0.0).then_some(s);
            }
        }
        let points = if diags.is_empty() {
            // A scenario's total_points is the whole, 附加项 included; the areas share the rest.
            let areas = raw.total_points.map(|t| (t - additional).at_least_zero());
            match rescale(rules, &pins, areas) {
                Ok(p) => Some(p),
                Err((i, msg)) => {
                    let at =
                        i.map_or_else(|| top("total_points"), |i| at_point(nodes[i].id.as_str()));
                    diags.push(Diagnostic::error(crate::error::Code::Scenario, file, at, msg).with_help(
                        "leave one child unset so it takes the rest, or set the parent to the children's sum",
                    ));
                    None
                }
            }
        } else {
            None
        };
        let areas: Points = points.as_ref().map_or(Points::ZERO, |points| {
            nodes
                .iter()
                .zip(points)
                .filter(|(n, _)| n.level == 1)
                .map(|(_, p)| *p)
                .sum()
        });
        let total = areas + additional;
        if points.is_some() {
            // As for a rule set: a pass line must be reachable.
            let max = areas + bonus_cap.unwrap_or(Points::ZERO);
            for p in pass_lines.iter().filter(|p| p.min_total > max) {
                let at = if raw.pass_lines.contains_key(&p.id) {
                    at_pass(p.id.as_str())
                } else {
                    top("points")
                };
                diags.push(
                    Diagnostic::error(
                        crate::error::Code::Scenario,
                        file,
                        at,
                        format!(
                            "pass line `{}` needs {} points, outside 0–{max} under this scenario",
                            p.id, p.min_total
                        ),
                    )
                    .with_help(format!(
                        "set its min_total under pass_lines: {{{}: {{min_total: …}}}}",
                        p.id
                    )),
                );
            }
        }
        match points {
            Some(points) if diags.is_empty() => Ok(Scenario {
                id: raw.id,
                name: raw.name,
                description: raw.description,
                pinned: raw.points,
                weights: Weights {
                    points,
                    total,
                    pass_lines,
                    adjust,
                    bonus_cap,
                },
            }),
            _ => Err(Error::Scenario(Diagnostics(diags))),
        }
    }
}

/// The rescaling rule (see the module documentation). Errors name the node (None: the total).
fn rescale(
    rules: &RuleSet,
    pins: &[Option<Points>],
    total: Option<Points>,
) -> std::result::Result<Vec<Points>, (Option<usize>, String)> {
    let nodes = rules.nodes();
    let n = nodes.len();
    // Pre-order: children after parents, so one backward pass finds pins below and sums.
    let mut has_pin = vec![false; n];
    let mut natural = vec![Points::ZERO; n];
    for i in (0..n).rev() {
        let below = nodes[i].children.iter().any(|&c| has_pin[c]);
        has_pin[i] = pins[i].is_some() || below;
        natural[i] = match pins[i] {
            Some(p) => p,
            None if below => nodes[i].children.iter().map(|&c| natural[c]).sum(),
            None => nodes[i].points,
        };
    }
    let roots: Vec<usize> = (0..n).filter(|&i| nodes[i].parent.is_none()).collect();
    let root_value = total.unwrap_or_else(|| roots.iter().map(|&c| natural[c]).sum());
    let mut out = vec![Points::ZERO; n];
    let mut stack: Vec<(Option<usize>, Points)> = vec![(None, root_value)];
    while let Some((node, value)) = stack.pop() {
        let children: &[usize] = match node {
            Some(i) => {
                out[i] = value;
                &nodes[i].children
            }
            None => &roots,
        };
        if children.is_empty() {
            continue;
        }
        let fixed: Points = children
            .iter()
            .filter(|&&c| has_pin[c])
            .map(|&c| natural[c])
            .sum();
        let free: Vec<usize> = children.iter().copied().filter(|&c| !has_pin[c]).collect();
        let free_orig: i64 = free.iter().map(|&c| nodes[c].points.milli()).sum();
        let rest = value - fixed;
        let what =
            |i: Option<usize>| i.map_or("the total".to_string(), |i| format!("`{}`", nodes[i].id));
        if rest < Points::ZERO {
            return Err((
                node,
                format!(
                    "{} is {value} but the points set below it already add up to {fixed}",
                    what(node)
                ),
            ));
        }
        let shares = if free_orig > 0 {
            let w: Vec<i64> = free.iter().map(|&c| nodes[c].points.milli()).collect();
            apportion(rest.milli(), &w)
        } else if rest == Points::ZERO {
            vec![0; free.len()]
        } else {
            return Err((
                node,
                format!(
                    "{} is {value} but its children add up to {fixed} and none is left to take the rest",
                    what(node)
                ),
            ));
        };
        for &c in children.iter().rev() {
            let v = match free.iter().position(|&f| f == c) {
                Some(k) => Points::from_milli(shares[k]),
                None => natural[c],
            };
            stack.push((Some(c), v));
        }
    }
    Ok(out)
}

/// Splits `amount` thousandths in proportion to `weights` (not all zero) so that the parts add
/// up exactly: floors first, then one thousandth each to the largest remainders (ties: first).
pub(crate) fn apportion(amount: i64, weights: &[i64]) -> Vec<i64> {
    let sum: i128 = weights.iter().map(|&w| w as i128).sum();
    if sum == 0 {
        return vec![0; weights.len()];
    }
    let mut parts: Vec<i64> = Vec::with_capacity(weights.len());
    let mut rems: Vec<(i128, usize)> = Vec::with_capacity(weights.len());
    for (k, &w) in weights.iter().enumerate() {
        let q = amount as i128 * w as i128;
        parts.push(q.div_euclid(sum) as i64);
        rems.push((q.rem_euclid(sum), k));
    }
    let left = amount - parts.iter().sum::<i64>();
    rems.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, k) in rems.iter().take(left.max(0) as usize) {
        parts[k] += 1;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportion_adds_up_exactly() {
        assert_eq!(apportion(10_000, &[1, 1, 1]), vec![3334, 3333, 3333]);
        assert_eq!(apportion(7, &[2, 0, 5]), vec![2, 0, 5]);
        assert_eq!(apportion(5, &[0, 0]), vec![0, 0]);
        let p = apportion(12_345, &[7, 11, 13, 17]);
        assert_eq!(p.iter().sum::<i64>(), 12_345);
    }
}
