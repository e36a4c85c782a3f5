//! The fast path of the Monte Carlo analyses: a dense matrix of every county's share per item,
//! totals for a weighting as sums of weight × share over contiguous item segments, penalties and
//! pass lines applied per county, and competition ranks by one integer sort.
//!
//! Items of a subtree are contiguous in tree order, so a node's points are a sum over segments of
//! the item list. The nodes the totals need apart from their sum — first-level areas (for
//! `min_area_share`) and nodes that penalties are taken from — are the *key nodes*; the items are
//! cut into segments at their boundaries, and per weighting one axpy per item over all counties
//! fills the segment sums. Totals are computed in `f32` and rounded to thousandths of a point
//! before ranking, like [`Points`](crate::Points). Items enter with the share they earned as
//! reported (earned / max), so the starting weights reproduce the reported totals.

use super::scores::Batch;
use std::ops::Range;

/// Counties per tile of the weighted sums (two SSE registers of f32).
const TILE: usize = 8;
/// Weightings evaluated together by [`Dense::eval_block`].
pub(crate) const BLOCK: usize = 4;

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
    /// items × `npad`, item-major; counties padded with zeros to a multiple of [`TILE`].
    frac: Vec<f32>,
    npad: usize,
    segs: Vec<Range<usize>>,
    /// Key nodes, children before parents.
    keys: Vec<Key>,
    /// Flat list of key children of each key (`Key::kids` indexes it).
    kid_list: Vec<usize>,
    /// Flat list of segments of each key (`Key::segs` indexes it).
    seg_list: Vec<usize>,
    /// Per area (rule-set order): its key index and its item range.
    pub areas: Vec<(usize, Range<usize>)>,
    node_pen: Vec<Vec<f64>>,
    bonus: Vec<f64>,
    pen_total: Vec<f64>,
    vetoed: Vec<bool>,
    /// Per pass line: min_total in thousandths and min_area_share.
    pass: Vec<(i64, Option<f64>)>,
}

/// Per-thread working memory of [`Dense::eval`].
#[derive(Debug, Clone, Default)]
pub(crate) struct Scratch {
    acc: Vec<f32>,
    kv: Vec<f64>,
    total: Vec<f64>,
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
        // Item range of every node (pre-order: a subtree's items are contiguous).
        let nn = tree.parent.len();
        // An empty subtree has the empty range `EMPTY` (start above end), which any union ignores.
        #[allow(clippy::reversed_empty_ranges)]
        const EMPTY: Range<usize> = usize::MAX..0;
        let mut range: Vec<Range<usize>> = vec![EMPTY; nn];
        for i in (0..nn).rev() {
            let r = match tree.item_of[i] {
                Some(k) => k..k + 1,
                None => tree.children[i]
                    .iter()
                    .map(|&c| range[c].clone())
                    .filter(|r| !r.is_empty())
                    .fold(EMPTY, |a, b| a.start.min(b.start)..a.end.max(b.end)),
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
        let mut node_pen: Vec<Vec<f64>> = Vec::new();
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
                                .sum::<f64>()
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
        let npad = n.div_ceil(TILE) * TILE;
        let mut frac = vec![0f32; tree.items.len() * npad];
        // The share each item earned as reported (earned / max, rounded to thousandths like the
        // report), so that the starting weights give the reported totals exactly.
        for (c, ev) in counties.iter().enumerate() {
            for (k, item) in ev.report.items.iter().enumerate() {
                if item.max.milli() > 0 {
                    frac[k * npad + c] =
                        (item.earned.milli() as f64 / item.max.milli() as f64) as f32;
                }
            }
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
            npad,
            segs,
            keys,
            kid_list,
            seg_list,
            areas,
            node_pen,
            bonus: counties
                .iter()
                .map(|c| c.report.summary.bonus.as_f64())
                .collect(),
            pen_total: counties
                .iter()
                .map(|ev| {
                    tree.penalty_target
                        .iter()
                        .zip(&ev.penalty_requests)
                        .filter(|(t, _)| t.is_none())
                        .map(|(_, p)| p.as_f64())
                        .sum::<f64>()
                })
                .collect(),
            vetoed: counties.iter().map(|c| c.report.summary.vetoed).collect(),
            pass,
        }
    }

    /// Totals (in thousandths), competition ranks and pass lines of every county under the item
    /// weights `w` (points per item).
    pub(crate) fn eval(&self, w: &[f32], s: &mut Scratch) {
        self.eval_block(std::slice::from_ref(&w.to_vec()), std::slice::from_mut(s));
    }

    /// [`Dense::eval`] for up to [`BLOCK`] weightings at once: each county's shares are read
    /// once for all of them.
    pub(crate) fn eval_block(&self, ws: &[Vec<f32>], s: &mut [Scratch]) {
        if ws.len() > BLOCK {
            for (w, sc) in ws.chunks(BLOCK).zip(s.chunks_mut(BLOCK)) {
                self.eval_block(w, sc);
            }
            return;
        }
        if ws.is_empty() {
            return;
        }
        let npad = self.npad;
        let w: [&[f32]; BLOCK] = std::array::from_fn(|d| ws[d.min(ws.len() - 1)].as_slice());
        for sc in s.iter_mut() {
            sc.acc.clear();
            sc.acc.resize(self.segs.len() * npad, 0.0);
        }
        // Tiles of counties × blocks of weightings, accumulated in registers: one load of a
        // tile's shares serves every weighting of the block, and no horizontal sums are needed.
        for t in (0..npad).step_by(TILE) {
            for (g, r) in self.segs.iter().enumerate() {
                let mut acc = [[0f32; TILE]; BLOCK];
                for k in r.clone() {
                    let Ok(f) =
                        <&[f32; TILE]>::try_from(&self.frac[k * npad + t..k * npad + t + TILE])
                    else {
                        continue;
                    };
                    for (a, wd) in acc.iter_mut().zip(&w) {
                        let wk = wd[k];
                        for l in 0..TILE {
                            a[l] += wk * f[l];
                        }
                    }
                }
                for (sc, a) in s.iter_mut().zip(&acc) {
                    sc.acc[g * npad + t..g * npad + t + TILE].copy_from_slice(a);
                }
            }
        }
        for (w, sc) in ws.iter().zip(s.iter_mut()) {
            self.finish(w, sc);
        }
    }

    fn finish(&self, w: &[f32], s: &mut Scratch) {
        let n = self.n;
        // Key nodes, children first: own segments + key children, then penalties (floor 0).
        s.kv.clear();
        s.kv.resize(self.keys.len() * n, 0.0);
        for (ki, key) in self.keys.iter().enumerate() {
            let (done, rest) = s.kv.split_at_mut(ki * n);
            let row = &mut rest[..n];
            for &g in &self.seg_list[key.segs.clone()] {
                for (v, a) in row.iter_mut().zip(&s.acc[g * self.npad..g * self.npad + n]) {
                    *v += *a as f64;
                }
            }
            for &kid in &self.kid_list[key.kids.clone()] {
                for (v, a) in row.iter_mut().zip(&done[kid * n..(kid + 1) * n]) {
                    *v += a;
                }
            }
            if let Some(p) = key.pen {
                for (v, pen) in row.iter_mut().zip(&self.node_pen[p]) {
                    *v -= pen.min(v.max(0.0));
                }
            }
        }
        // Totals: areas + bonus − penalties on the total (never below zero), in thousandths.
        s.total.clear();
        s.total.extend_from_slice(&self.bonus);
        for (k, _) in &self.areas {
            for (t, v) in s.total.iter_mut().zip(&s.kv[k * n..(k + 1) * n]) {
                *t += v;
            }
        }
        s.milli.clear();
        s.milli
            .extend(s.total.iter().zip(&self.pen_total).map(|(t, pen)| {
                let x = (t - pen.min(t.max(0.0))) * 1000.0;
                if x >= 0.0 {
                    (x + 0.5) as i64
                } else {
                    (x - 0.5) as i64
                }
            }));
        // Pass lines: one bit per line; a veto clears them all.
        s.passed.clear();
        s.passed.resize(n, 0);
        for (j, (min, share)) in self.pass.iter().enumerate() {
            let bit = 1u32 << j;
            for (b, m) in s.passed.iter_mut().zip(&s.milli) {
                *b |= if *m >= *min { bit } else { 0 };
            }
            if let Some(sh) = share {
                for (k, r) in &self.areas {
                    let pts: f64 = w[r.clone()].iter().map(|x| *x as f64).sum();
                    if pts <= 0.0 {
                        continue;
                    }
                    let need = (sh - 1e-6) * pts;
                    for (b, v) in s.passed.iter_mut().zip(&s.kv[k * n..(k + 1) * n]) {
                        *b &= if *v < need { !bit } else { u32::MAX };
                    }
                }
            }
        }
        for (b, v) in s.passed.iter_mut().zip(&self.vetoed) {
            if *v {
                *b = 0;
            }
        }
        ranks_of(&s.milli, &mut s.keys, &mut s.ranks);
    }
}

/// Competition ranks of totals in thousandths (higher is better): a stable LSD radix sort of
/// the inverted totals (three passes of 11 bits), counties in index order within a total.
pub(crate) fn ranks_of(milli: &[i64], keys: &mut Vec<u64>, ranks: &mut Vec<u32>) {
    const BIAS: i64 = 1 << 31;
    let n = milli.len();
    keys.clear();
    keys.extend(milli.iter().enumerate().map(|(c, &m)| {
        let inv = (BIAS - m.clamp(-BIAS + 1, BIAS - 1)) as u64;
        (inv << 32) | c as u64
    }));
    let mut tmp = vec![0u64; n];
    for pass in 0..3 {
        let shift = 32 + 11 * pass;
        let mut count = [0usize; 2049];
        for k in keys.iter() {
            count[((k >> shift) & 0x7ff) as usize + 1] += 1;
        }
        for b in 0..2048 {
            count[b + 1] += count[b];
        }
        for k in keys.iter() {
            let b = ((k >> shift) & 0x7ff) as usize;
            tmp[count[b]] = *k;
            count[b] += 1;
        }
        std::mem::swap(keys, &mut tmp);
    }
    ranks.resize(n, 0);
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
        assert_eq!(r, crate::analyse::stats::competition_ranks(&m));
        assert_eq!(r, vec![3, 1, 1, 6, 5, 3]);
    }
}
