//! The group a county is scored in (issue 27 shape 6, relative scores): the counties scored
//! together, reduced to the figures `relative:` items compare, with its count and hash. Kept
//! with the county's data, which carries it (`CountyData::with_group`); the blocks that read
//! it are in `relative.rs` at the crate root.

use super::CountyData;
use crate::types::FieldPath;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The group a report was ranked in: how many counties and a hash of their figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct GroupInfo {
    /// Counties in the group (those without a figure included).
    pub count: usize,
    /// sha256 over the members' ids and compared figures, in id order (see [`Group::build`]).
    pub sha256: String,
    /// The county was scored alone: the group is the county itself (比较组仅1个县).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub alone: bool,
}

/// The counties scored together, reduced to what relative items compare: each compared
/// field's figures by county id.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    info: GroupInfo,
    values: BTreeMap<FieldPath, Figures>,
}

/// One compared field's figures in a group: sorted, so that a county's rank, the best figure
/// and the sum are found in O(log n) (a national batch ranks 100,000 counties).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Figures {
    /// Every member's figure, ascending.
    sorted: Vec<f64>,
    /// Each member's figure by county id.
    of: std::collections::HashMap<Arc<str>, f64>,
    /// Their sum.
    sum: f64,
}

/// The figures a county is compared with: the group's, less its own entry (`own`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Others<'a> {
    figs: &'a Figures,
    own: Option<f64>,
}

impl Others<'_> {
    pub(crate) fn len(&self) -> usize {
        self.figs.sorted.len() - usize::from(self.own.is_some())
    }

    /// How many of the others are strictly better than `v`.
    pub(crate) fn better_than(&self, higher: bool, v: f64) -> usize {
        let s = &self.figs.sorted;
        let all = if higher {
            s.len() - s.partition_point(|a| !crate::numeric::above(*a, v))
        } else {
            s.partition_point(|a| crate::numeric::below(*a, v))
        };
        all - usize::from(self.own.is_some_and(|o| beats(higher, o, v)))
    }

    /// Whether another county's figure equals `v` (a tie).
    pub(crate) fn ties(&self, v: f64) -> bool {
        let s = &self.figs.sorted;
        let lo = s.partition_point(|a| crate::numeric::below(*a, v));
        let hi = s.partition_point(|a| !crate::numeric::above(*a, v));
        hi - lo > usize::from(self.own.is_some_and(|o| crate::numeric::same(o, v)))
    }

    /// The others' figures, best first.
    pub(crate) fn best_first(&self, higher: bool) -> Vec<f64> {
        let mut out = self.figs.sorted.clone();
        if let Some(o) = self.own {
            if let Some(k) = out.iter().position(|x| *x == o) {
                out.remove(k);
            }
        }
        if higher {
            out.reverse();
        }
        out
    }

    /// The best of the others' figures and `v`.
    pub(crate) fn best_with(&self, higher: bool, v: f64) -> f64 {
        let s = &self.figs.sorted;
        let ends = if higher {
            [s.len().checked_sub(1), s.len().checked_sub(2)]
        } else {
            [
                Some(0).filter(|_| !s.is_empty()),
                Some(1).filter(|_| s.len() > 1),
            ]
        };
        // The extreme, unless it is the county's own entry (then the next one).
        let other = match (ends[0].map(|k| s[k]), self.own) {
            (Some(x), Some(o)) if x == o => ends[1].map(|k| s[k]),
            (x, _) => x,
        };
        match other {
            Some(o) if beats(higher, o, v) => o,
            _ => v,
        }
    }

    /// The sum of the others' figures.
    pub(crate) fn sum(&self) -> f64 {
        self.figs.sum - self.own.unwrap_or(0.0)
    }
}

impl Group {
    /// The group of `members` for the compared `fields`. The hash is sha256 over the text
    /// `fazhi-group-v1\n` then, for each member in id order, its id and `\tfield=value` (or
    /// `\tfield=-` without the figure) per field in path order, and a newline. A group of one
    /// county is `alone`.
    ///
    /// Errors: a county id given twice (the message names it).
    pub fn build(fields: &[FieldPath], members: &[&CountyData]) -> Result<Group, String> {
        let mut by_id: BTreeMap<&str, &CountyData> = BTreeMap::new();
        for c in members {
            if by_id.insert(c.info().id.as_str(), c).is_some() {
                return Err(format!(
                    "county `{}` is in the comparison group twice; each county is compared once",
                    c.info().id
                ));
            }
        }
        let mut h = Sha256::new();
        h.update(b"fazhi-group-v1\n");
        let mut values: BTreeMap<FieldPath, Figures> = BTreeMap::new();
        for (id, c) in &by_id {
            h.update(id.as_bytes());
            for f in fields {
                match figure(c, f) {
                    Some(v) => {
                        h.update(format!("\t{f}={v}").as_bytes());
                        let figs = values.entry(f.clone()).or_default();
                        figs.sorted.push(v);
                        figs.of.insert(Arc::from(*id), v);
                        figs.sum += v;
                    }
                    None => h.update(format!("\t{f}=-").as_bytes()),
                }
            }
            h.update(b"\n");
        }
        let sha256 = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        for figs in values.values_mut() {
            figs.sorted.sort_by(f64::total_cmp);
        }
        Ok(Group {
            info: GroupInfo {
                count: by_id.len(),
                sha256,
                alone: by_id.len() == 1,
            },
            values,
        })
    }

    /// Count and hash, as reports name the group.
    pub fn info(&self) -> &GroupInfo {
        &self.info
    }
}

/// The figures of `field` that county `data` is compared with: its group's but its own entry
/// (none when it is scored alone).
pub(crate) fn others<'a>(
    data: &'a CountyData,
    field: &FieldPath,
    empty: &'a Figures,
) -> Others<'a> {
    match data.group().and_then(|g| g.values.get(field)) {
        Some(figs) => Others {
            figs,
            own: figs.of.get(data.info().id.as_str()).copied(),
        },
        None => Others {
            figs: empty,
            own: None,
        },
    }
}

/// A county's figure of `field`, when it has a number there.
pub(crate) fn figure(c: &CountyData, f: &FieldPath) -> Option<f64> {
    c.values().get(f).and_then(|d| d.value.as_f64())
}

/// The group a county's report names: its attached group, or itself alone.
pub(crate) fn group_of(fields: &[FieldPath], data: &CountyData) -> Option<Arc<Group>> {
    if fields.is_empty() {
        return None;
    }
    if let Some(g) = data.group() {
        return Some(g.clone());
    }
    Group::build(fields, &[data]).ok().map(Arc::new)
}

/// Whether `a` is strictly better than `b` (under the numeric rule: figures equal to nine
/// significant digits tie, docs/FORMAT.md "Numbers").
pub(crate) fn beats(higher: bool, a: f64, b: f64) -> bool {
    if higher {
        crate::numeric::above(a, b)
    } else {
        crate::numeric::below(a, b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sorted view (`Others`) answers as a scan of the other figures would: ranks, ties,
    /// the best and the sum, with and without the county's own entry, on figures with many ties.
    #[test]
    fn the_sorted_view_equals_a_scan_of_the_others() {
        let mut seed = 7_u64;
        let mut next = |m: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % m
        };
        for _ in 0..300 {
            let n = 1 + next(8) as usize;
            let all: Vec<f64> = (0..n).map(|_| next(5) as f64 * 0.5).collect();
            let own_at = next(n as u64 + 1) as usize; // n: the county is not in the group
            let mut figs = Figures::default();
            for (k, x) in all.iter().enumerate() {
                figs.sorted.push(*x);
                figs.of.insert(Arc::from(k.to_string()), *x);
                figs.sum += x;
            }
            figs.sorted.sort_by(f64::total_cmp);
            let own = all.get(own_at).copied();
            let o = Others { figs: &figs, own };
            let rest: Vec<f64> = (all.iter().enumerate())
                .filter(|(k, _)| *k != own_at)
                .map(|(_, x)| *x)
                .collect();
            let v = next(5) as f64 * 0.5;
            for higher in [true, false] {
                let better = rest.iter().filter(|x| beats(higher, **x, v)).count();
                assert_eq!(o.better_than(higher, v), better);
                let best = rest
                    .iter()
                    .fold(v, |b, x| if beats(higher, *x, b) { *x } else { b });
                assert_eq!(o.best_with(higher, v), best);
                let mut first = rest.clone();
                first.sort_by(|a, b| {
                    if higher {
                        b.total_cmp(a)
                    } else {
                        a.total_cmp(b)
                    }
                });
                assert_eq!(o.best_first(higher), first);
            }
            assert_eq!(o.ties(v), rest.contains(&v));
            assert_eq!(o.len(), rest.len());
            assert!((o.sum() - rest.iter().sum::<f64>()).abs() < 1e-9);
        }
    }
}
