//! The fast path of the Monte Carlo analyses: a dense matrix of every county's share per item,
//! totals for a weighting as sums of weight × share over contiguous item segments, penalties and
//! pass lines applied per county, and competition ranks by one integer sort.
//!
//! Items of a subtree are contiguous in tree order, so a node's points are a sum over segments of
//! the item list. The nodes the totals need apart from their sum — first-level areas (for
//! `min_area_share`) and nodes that penalties are taken from — are the *key nodes*; the items are
//! cut into segments at their boundaries, and per weighting one axpy per item over all counties
//! fills the segment sums. Totals are computed in `f32` and rounded to thousandths of a point
//! before ranking, like [`Points`](crate::Points).

use super::scores::Batch;
use std::ops::Range;

/// One key node: its own segments and key children, and the penalties taken from it.
#[derive(Debug, Clone)]
struct Key {
    segs: Range<usize>,
    kids: Range<usize>,
    /// Index into `Dense::node_pen` (per county requests), when penalties target it.
    pen: Option<usize>,
}

/// The weight-independent part of a batch, laid out for fast re-weighting.
#[derive(Debug, Clone)]
pub(crate) struct Dense {
    pub n: usize,
    /// items × n, item-major.
    frac: Vec<f32>,
    segs: Vec<Range<usize>>,
    /// Key nodes, children before parents.
    keys: Vec<Key>,
    /// Flat list of key children of each key (`Key::kids` indexes it).
    kid_list: Vec<usize>,
    /// Flat list of segments of each key (`Key::segs` indexes it).
    seg_list: Vec<usize>,
    /// Per area (rule-set order): its key index and its item range.
    pub areas: Vec<(usize, Range<usize>)>,
    node_pen: Vec<Vec<f32>>,
    bonus: Vec<f32>,
    pen_total: Vec<f32>,
    vetoed: Vec<bool>,
    /// Per pass line: min_total in thousandths and min_area_share.
    pass: Vec<(i64, Option<f64>)>,
}

/// Per-thread working memory of [`Dense::eval`].
#[derive(Debug, Clone, Default)]
pub(crate) struct Scratch {
    acc: Vec<f32>,
    kv: Vec<f32>,
    keys: Vec<u64>,
    /// Totals in thousandths, per county.
    pub milli: Vec<i64>,
    /// Ranks (1 = best, competition ranking), per county.
    pub ranks: Vec<u32>,
    /// Pass lines reached, one bit per line, per county.
    pub passed: Vec<u32>,
}

impl Dense {
    /// Lays out a batch; `pass` are the pass lines to test (min_total, min_area_share).
    pub(crate) fn new(batch: &Batch, pass: Vec<(i64, Option<f64>)>) -> Dense {
        let tree = batch.tree();
        let counties = batch.counties();
        let n = counties.len();
        let items = tree.items.len();
        let mut frac = vec![0f32; items * n];
        for (c, ev) in counties.iter().enumerate() {
            for (k, s) in ev.shares.iter().enumerate() {
                frac[k * n + c] = *s as f32;
            }
        }
        // Item range of every node (pre-order: a subtree's items are contiguous).
        let nn = tree.parent.len();
        let mut range: Vec<Range<usize>> = vec![usize::MAX..0; nn];
        for i in (0..nn).rev() {
            let r = match tree.item_of[i] {
                Some(k) => k..k + 1,
                None => tree.children[i]
                    .iter()
                    .map(|&c| range[c].clone())
                    .filter(|r| !r.is_empty())
                    .fold(usize::MAX..0, |a, b| a.start.min(b.start)..a.end.max(b.end)),
            };
            range[i] = r;
        }
        let targets: Vec<usize> = tree.penalty_target.iter().flatten().copied().collect();
        let mut is_key = vec![false; nn];
        for &a in &tree.areas {
            is_key[a] = true;
        }
        for &t in &targets {
            is_key[t] = true;
        }
        let key_nodes: Vec<usize> = (0..nn).rev().filter(|&i| is_key[i]).collect();
        let key_of = |node: usize| key_nodes.iter().position(|&k| k == node);
        let nearest_key_above = |mut i: usize| loop {
            match tree.parent[i] {
                Some(p) if is_key[p] => break Some(p),
                Some(p) => i = p,
                None => break None,
            }
        };
        let (mut keys, mut kid_list, mut seg_list, mut segs) = (vec![], vec![], vec![], vec![]);
        let mut node_pen: Vec<Vec<f32>> = Vec::new();
        for &node in &key_nodes {
            let kids: Vec<usize> = key_nodes
                .iter()
                .filter(|&&k| nearest_key_above(k) == Some(node))
                .copied()
                .collect();
            // Own segments: the node's range minus its key children's ranges.
            let mut holes: Vec<Range<usize>> = kids
                .iter()
                .map(|&k| range[k].clone())
                .filter(|r| !r.is_empty())
                .collect();
            holes.sort_by_key(|r| r.start);
            let own = range[node].clone();
            let k0 = seg_list.len();
            let mut at = own.start;
            for h in holes.iter().chain(std::iter::once(&(own.end..own.end))) {
                if own.is_empty() {
                    break;
                }
                if h.start > at {
                    seg_list.push(segs.len());
                    segs.push(at..h.start);
                }
                at = at.max(h.end);
            }
            let j0 = kid_list.len();
            kid_list.extend(kids.iter().filter_map(|&k| key_of(k)));
            let pen = if targets.contains(&node) {
                node_pen.push(
                    counties
                        .iter()
                        .map(|ev| {
                            tree.penalty_target
                                .iter()
                                .zip(&ev.penalty_requests)
                                .filter(|(t, _)| **t == Some(node))
                                .map(|(_, p)| p.as_f64())
                                .sum::<f64>() as f32
                        })
                        .collect(),
                );
                Some(node_pen.len() - 1)
            } else {
                None
            };
            keys.push(Key {
                segs: k0..seg_list.len(),
                kids: j0..kid_list.len(),
                pen,
            });
        }
        let areas = tree
            .areas
            .iter()
            .map(|&a| {
                let r = range[a].clone();
                (key_of(a).unwrap_or(0), if r.is_empty() { 0..0 } else { r })
            })
            .collect();
        Dense {
            n,
            frac,
            segs,
            keys,
            kid_list,
            seg_list,
            areas,
            node_pen,
            bonus: counties
                .iter()
                .map(|c| c.report.summary.bonus.as_f64() as f32)
                .collect(),
            pen_total: counties
                .iter()
                .map(|ev| {
                    tree.penalty_target
                        .iter()
                        .zip(&ev.penalty_requests)
                        .filter(|(t, _)| t.is_none())
                        .map(|(_, p)| p.as_f64())
                        .sum::<f64>() as f32
                })
                .collect(),
            vetoed: counties.iter().map(|c| c.report.summary.vetoed).collect(),
            pass,
        }
    }

    /// Totals (in thousandths), competition ranks and pass lines of every county under the item
    /// weights `w` (points per item).
    pub(crate) fn eval(&self, w: &[f32], s: &mut Scratch) {
        let n = self.n;
        s.acc.clear();
        s.acc.resize(self.segs.len() * n, 0.0);
        for (seg, r) in self.segs.iter().enumerate() {
            let acc = &mut s.acc[seg * n..(seg + 1) * n];
            for k in r.clone() {
                let wk = w[k];
                let f = &self.frac[k * n..(k + 1) * n];
                for (a, x) in acc.iter_mut().zip(f) {
                    *a += wk * x;
                }
            }
        }
        let area_pts: Vec<f32> = self
            .areas
            .iter()
            .map(|(_, r)| w[r.clone()].iter().sum())
            .collect();
        s.kv.resize(self.keys.len(), 0.0);
        s.milli.resize(n, 0);
        s.passed.resize(n, 0);
        for c in 0..n {
            for (ki, key) in self.keys.iter().enumerate() {
                let mut v: f32 = self.seg_list[key.segs.clone()]
                    .iter()
                    .map(|&g| s.acc[g * n + c])
                    .sum();
                for &kid in &self.kid_list[key.kids.clone()] {
                    v += s.kv[kid];
                }
                if let Some(p) = key.pen {
                    v -= self.node_pen[p][c].min(v.max(0.0));
                }
                s.kv[ki] = v;
            }
            let items_total: f32 = self.areas.iter().map(|(k, _)| s.kv[*k]).sum();
            let before = items_total + self.bonus[c];
            let total = before - self.pen_total[c].min(before.max(0.0));
            let milli = (total as f64 * 1000.0).round() as i64;
            s.milli[c] = milli;
            let mut bits = 0u32;
            if !self.vetoed[c] {
                for (j, (min, share)) in self.pass.iter().enumerate() {
                    let ok = milli >= *min
                        && share.map_or(true, |sh| {
                            self.areas
                                .iter()
                                .zip(&area_pts)
                                .all(|((k, _), p)| *p <= 0.0 || (s.kv[*k] / p) as f64 + 1e-6 >= sh)
                        });
                    if ok {
                        bits |= 1 << j;
                    }
                }
            }
            s.passed[c] = bits;
        }
        ranks_of(&s.milli, &mut s.keys, &mut s.ranks);
    }
}

/// Competition ranks of totals in thousandths (higher is better) by one sort of packed keys.
pub(crate) fn ranks_of(milli: &[i64], keys: &mut Vec<u64>, ranks: &mut Vec<u32>) {
    const BIAS: i64 = 1 << 31;
    keys.clear();
    keys.extend(milli.iter().enumerate().map(|(c, &m)| {
        let inv = (BIAS - m.clamp(-BIAS + 1, BIAS - 1)) as u64;
        (inv << 32) | c as u64
    }));
    keys.sort_unstable();
    ranks.resize(milli.len(), 0);
    let mut prev: Option<(u64, u32)> = None;
    for (pos, &k) in keys.iter().enumerate() {
        let (score, c) = (k >> 32, (k & 0xffff_ffff) as usize);
        let r = match prev {
            Some((s, r)) if s == score => r,
            _ => pos as u32 + 1,
        };
        ranks[c] = r;
        prev = Some((score, r));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_ranks_match_competition_ranks() {
        let m = [5000, 7000, 7000, -3, 0, 5000];
        let (mut k, mut r) = (Vec::new(), Vec::new());
        ranks_of(&m, &mut k, &mut r);
        assert_eq!(r, super::super::stats::competition_ranks(&m));
        assert_eq!(r, vec![3, 1, 1, 6, 5, 3]);
    }
}
