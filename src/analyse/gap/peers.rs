//! Comparison with a peer group, by first-level area and by item: the group's median and
//! quartiles, and the county's percentile in the group.
//!
//! Quartiles interpolate linearly between the sorted values (position (n − 1) × q, the usual
//! "type 7" definition; the median is the middle value or the mean of the two middle values),
//! rounded down to a thousandth of a point. The county's percentile is the share of peers below
//! it plus half the share level with it, × 100 (mid-rank percentile), to one decimal.

use super::GapAnalysis;
use crate::report::Report;
use crate::types::{IndicatorId, Points};
use serde::{Deserialize, Serialize};

/// The county against the median of a peer group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeerComparison {
    /// The peers compared with (county ids, in the order given), the county itself left out.
    pub peers: Vec<String>,
    /// The county's total.
    pub total: Points,
    /// The peers' median total (`None` when there are no peers).
    pub total_median: Option<Points>,
    /// Every first-level area, in tree order.
    pub areas: Vec<PeerArea>,
    /// Every item, in tree order.
    #[serde(default)]
    pub items: Vec<PeerArea>,
}

/// One first-level area (or item) against the peers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeerArea {
    /// Area (or item) id.
    pub id: IndicatorId,
    /// Area (or item) name.
    pub name: String,
    /// The county's points.
    pub earned: Points,
    /// The peers' median (`None` when there are no peers).
    pub median: Option<Points>,
    /// The peers' lower quartile (25%).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q1: Option<Points>,
    /// The peers' upper quartile (75%).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q3: Option<Points>,
    /// The county's percentile among the peers (0–100: share below + half the share level).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percentile: Option<f64>,
    /// earned − median (negative when below).
    pub diff: Option<Points>,
    /// Whether the county is below the median.
    pub below: bool,
}

/// The `q` quantile (0–1) of the values: linear interpolation at position (n − 1) × q between
/// the sorted values, rounded down to a thousandth; `None` for no values.
pub(crate) fn quantile(mut v: Vec<Points>, q: f64) -> Option<Points> {
    if v.is_empty() {
        return None;
    }
    v.sort();
    let h = (v.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(v.len() - 1);
    let (a, b) = (v[lo].milli(), v[hi].milli());
    // a + (h − lo)(b − a), floored, in whole thousandths (h − lo is a multiple of 1/4 here).
    let frac = ((h - lo as f64) * 4.0).round() as i64;
    Some(Points::from_milli(a + ((b - a) * frac).div_euclid(4)))
}

/// The percentile of `x` among `v`: 100 × (values below + half the values equal) / n, to 0.1.
pub(crate) fn percentile(v: &[Points], x: Points) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let below = v.iter().filter(|p| **p < x).count() as f64;
    let equal = v.iter().filter(|p| **p == x).count() as f64;
    Some(((below + equal / 2.0) * 1000.0 / v.len() as f64).round() / 10.0)
}

fn compare(id: &IndicatorId, name: &str, earned: Points, peers: Vec<Points>) -> PeerArea {
    let m = median(peers.clone());
    let diff = m.map(|m| earned - m);
    PeerArea {
        id: id.clone(),
        name: name.to_string(),
        earned,
        median: m,
        q1: quantile(peers.clone(), 0.25),
        q3: quantile(peers.clone(), 0.75),
        percentile: percentile(&peers, earned),
        diff,
        below: diff.is_some_and(|d| d < Points::ZERO),
    }
}

/// The median, to a thousandth of a point (the mean of the two middle values, rounded down, for
/// an even count); `None` for no values.
pub(crate) fn median(mut v: Vec<Points>) -> Option<Points> {
    if v.is_empty() {
        return None;
    }
    v.sort();
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        Points::from_milli((v[n / 2 - 1].milli() + v[n / 2].milli()).div_euclid(2))
    })
}

impl PeerComparison {
    /// Compares a county's analysis with its peers' reports (same rule set expected; areas the
    /// peers lack are compared with no median).
    /// `own` is the county's report (for the items' comparison; `None`: areas only).
    pub fn new(gap: &GapAnalysis, own: Option<&Report>, peers: &[Report]) -> PeerComparison {
        let peers: Vec<&Report> = peers
            .iter()
            .filter(|r| {
                !(r.county.id == gap.county.id && r.county.data_hash == gap.county.data_hash)
            })
            .collect();
        let total_median = median(peers.iter().map(|r| r.summary.total).collect());
        let areas = gap
            .areas
            .iter()
            .map(|a| {
                let v = peers
                    .iter()
                    .filter_map(|r| r.node(a.id.as_str()).map(|n| n.earned))
                    .collect();
                compare(&a.id, &a.name, a.earned, v)
            })
            .collect();
        let items = own
            .map(|own| {
                own.items
                    .iter()
                    .map(|i| {
                        let v = peers
                            .iter()
                            .filter_map(|r| r.item(i.id.as_str()).map(|x| x.earned))
                            .collect();
                        compare(&i.id, &i.name, i.earned, v)
                    })
                    .collect()
            })
            .unwrap_or_default();
        PeerComparison {
            peers: peers.iter().map(|r| r.county.id.clone()).collect(),
            total: gap.total,
            total_median,
            areas,
            items,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        let p = |v: &[i64]| v.iter().map(|&m| Points::from_milli(m)).collect::<Vec<_>>();
        assert_eq!(median(p(&[])), None);
        assert_eq!(
            median(p(&[5000, 1000, 3000])),
            Some(Points::from_milli(3000))
        );
        assert_eq!(median(p(&[1000, 2001])), Some(Points::from_milli(1500)));
    }

    #[test]
    fn quartiles_and_percentiles_by_hand() {
        let p = |v: &[i64]| {
            v.iter()
                .map(|&m| Points::from_milli(m * 1000))
                .collect::<Vec<_>>()
        };
        // 1, 2, 3, 4, 5: positions 1 and 3 → 2 and 4; median 3.
        let v = p(&[5, 1, 4, 2, 3]);
        assert_eq!(quantile(v.clone(), 0.25), Some(Points::from_milli(2000)));
        assert_eq!(quantile(v.clone(), 0.75), Some(Points::from_milli(4000)));
        // 1, 2, 3, 4: position 0.75 → 1 + 0.75 × 1 = 1.75; position 2.25 → 3.25.
        let w = p(&[1, 2, 3, 4]);
        assert_eq!(quantile(w.clone(), 0.25), Some(Points::from_milli(1750)));
        assert_eq!(quantile(w.clone(), 0.75), Some(Points::from_milli(3250)));
        // 3 among 1, 2, 3, 4: 2 below + ½ × 1 level = 2.5 of 4 → 62.5.
        assert_eq!(percentile(&w, Points::from_milli(3000)), Some(62.5));
        assert_eq!(percentile(&w, Points::from_milli(9000)), Some(100.0));
        assert_eq!(percentile(&[], Points::ZERO), None);
    }
}
