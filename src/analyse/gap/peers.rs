//! Comparison with a peer group: where the county is below the group's median in each
//! first-level area.

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
}

/// One first-level area against the peers' median.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeerArea {
    /// Area id.
    pub id: IndicatorId,
    /// Area name.
    pub name: String,
    /// The county's points in the area.
    pub earned: Points,
    /// The peers' median (`None` when there are no peers).
    pub median: Option<Points>,
    /// earned − median (negative when below).
    pub diff: Option<Points>,
    /// Whether the county is below the median.
    pub below: bool,
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
    pub fn new(gap: &GapAnalysis, peers: &[Report]) -> PeerComparison {
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
                let m = median(
                    peers
                        .iter()
                        .filter_map(|r| r.node(a.id.as_str()).map(|n| n.earned))
                        .collect(),
                );
                let diff = m.map(|m| a.earned - m);
                PeerArea {
                    id: a.id.clone(),
                    name: a.name.clone(),
                    earned: a.earned,
                    median: m,
                    diff,
                    below: diff.is_some_and(|d| d < Points::ZERO),
                }
            })
            .collect();
        PeerComparison {
            peers: peers.iter().map(|r| r.county.id.clone()).collect(),
            total: gap.total,
            total_median,
            areas,
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
}
