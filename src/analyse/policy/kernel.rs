//! The fast path of the Monte Carlo analyses: a dense matrix of every county's share per item,
//! totals for a weighting as sums of weight × share over contiguous item segments, penalties and
//! pass lines applied per county, and competition ranks by an integer radix sort.
//!
//! Items of a subtree are contiguous in tree order, so a node's points are a sum over segments of
//! the item list. The nodes the totals need apart from their sum — first-level areas (for
//! `min_area_share`) and nodes that penalties are taken from — are the *key nodes*; the items are
//! cut into segments at their boundaries. Totals are computed in `f32` and rounded to
//! thousandths of a point before ranking, like [`Points`](crate::Points). Items enter with the
//! share they earned as reported (earned / max), so the starting weights reproduce the reported
//! totals.
//!
//! The work runs tile by tile: a tile is [`TILE`] counties, and for a block of up to [`BLOCK`]
//! weightings everything a tile needs — its shares (item-major within the tile, so a segment is
//! one contiguous run), the segment sums, the key nodes, totals, rounding and pass lines — stays
//! in registers and L1, in one pass over the shares per block. Each segment sum is accumulated
//! item by item in `f32` (a multiply, then an add: never a fused multiply-add), so every lane
//! gives the same bits whatever the vector width; on x86-64 CPUs with AVX the same code is
//! compiled a second time for 256-bit registers and chosen at run time, with the SSE2 build as
//! the fallback. `tests` below hold a scalar reference the tiled code must match bit for bit.

use super::scores::Batch;
use super::weights::Weights;
use std::ops::Range;

/// Counties per tile (one AVX register, two SSE registers of `f32`).
const TILE: usize = 8;
/// Weightings evaluated together by [`Dense::eval_block`].
pub(crate) const BLOCK: usize = 8;

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
    /// Per tile, per item: the shares of the tile's counties (`tiles × items`); counties past
    /// `n` are padded with zeros.
    frac: Vec<[f32; TILE]>,
    items: usize,
    tiles: usize,
    segs: Vec<Range<usize>>,
    /// Key nodes, children before parents.
    keys: Vec<Key>,
    /// Flat list of key children of each key (`Key::kids` indexes it).
    kid_list: Vec<usize>,
    /// Flat list of segments of each key (`Key::segs` indexes it).
    seg_list: Vec<usize>,
    /// Per area (rule-set order): its key index and its item range.
    pub areas: Vec<(usize, Range<usize>)>,
    /// Per penalised key node, per tile: the points its penalties ask of each county.
    node_pen: Vec<Vec<[f64; TILE]>>,
    /// Per tile: each county's capped bonus.
    bonus: Vec<[f64; TILE]>,
    /// Per tile: the penalties each county owes on the total.
    pen_total: Vec<[f64; TILE]>,
    /// Per tile: whether a veto (一票否决) holds for the county.
    vetoed: Vec<[bool; TILE]>,
    /// Per pass line: min_total in thousandths and min_area_share.
    pass: Vec<(i64, Option<f64>)>,
}

/// The working memory of a block of weightings (no draw allocates).
#[derive(Debug, Clone, Default)]
struct Work {
    /// Item weights of the block, transposed: per item, one weight per weighting.
    wt: Vec<[f32; BLOCK]>,
    /// Per segment: the tile's sums for each weighting of the block.
    seg: Vec<[[f32; TILE]; BLOCK]>,
    /// Per key node: the tile's points.
    kv: Vec<[f64; TILE]>,
    /// Per weighting, pass line and area: the points the area must reach (−∞: no condition).
    need: Vec<f64>,
    /// The radix sort's keys, its second buffer and its bucket counts.
    keys: Vec<u64>,
    sorted: Vec<u64>,
    count: Vec<u32>,
}

/// Per-thread results of [`Dense::eval`] (and the working memory of a block, in the first
/// `Scratch` of the block).
#[derive(Debug, Clone, Default)]
pub(crate) struct Scratch {
    work: Work,
    /// Totals in thousandths, per county.
    pub milli: Vec<i64>,
    /// Ranks (1 = best, competition ranking), per county.
    pub ranks: Vec<u32>,
    /// Pass lines reached, one bit per line, per county.
    pub passed: Vec<u32>,
}

/// Rows of `v` (one value per county) cut into tiles, padded with `pad`.
fn tiled<T: Copy>(v: &[T], pad: T) -> Vec<[T; TILE]> {
    v.chunks(TILE)
        .map(|c| std::array::from_fn(|l| c.get(l).copied().unwrap_or(pad)))
        .collect()
}

impl Dense {
    /// Lays out a batch; `pass` are the pass lines to test (min_total, min_area_share).
    /// `start`'s `adjust` and `bonus_cap` decide the bonuses and penalties (a scenario that
    /// rescales the total rescales them too); its points are drawn by the sampler, not read.
    pub(crate) fn new(batch: &Batch, start: &Weights, pass: Vec<(i64, Option<f64>)>) -> Dense {
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
        let mut node_pen: Vec<Vec<[f64; TILE]>> = Vec::new();
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
                let asked: Vec<f64> = counties
                    .iter()
                    .map(|ev| {
                        tree.penalty_target
                            .iter()
                            .zip(&ev.penalty_requests)
                            .filter(|(t, _)| **t == Some(node))
                            .map(|(_, p)| start.adjusted(*p).as_f64())
                            .sum::<f64>()
                    })
                    .collect();
                node_pen.push(tiled(&asked, 0.0));
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
        let items = tree.items.len();
        let tiles = n.div_ceil(TILE);
        let mut frac = vec![[0f32; TILE]; tiles * items];
        // The share each item earned as reported (earned / max, rounded to thousandths like the
        // report), so that the starting weights give the reported totals exactly.
        for (c, ev) in counties.iter().enumerate() {
            for (k, item) in ev.report.items.iter().enumerate().take(items) {
                if item.max.milli() > 0 {
                    frac[(c / TILE) * items + k][c % TILE] =
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
        let bonus: Vec<f64> = counties
            .iter()
            .map(|c| start.bonus(&c.report).as_f64())
            .collect();
        let pen_total: Vec<f64> = counties
            .iter()
            .map(|ev| {
                tree.penalty_target
                    .iter()
                    .zip(&ev.penalty_requests)
                    .filter(|(t, _)| t.is_none())
                    .map(|(_, p)| start.adjusted(*p).as_f64())
                    .sum::<f64>()
            })
            .collect();
        let vetoed: Vec<bool> = counties.iter().map(|c| c.report.summary.vetoed).collect();
        Dense {
            n,
            frac,
            items,
            tiles,
            segs,
            keys,
            kid_list,
            seg_list,
            areas,
            node_pen,
            bonus: tiled(&bonus, 0.0),
            pen_total: tiled(&pen_total, 0.0),
            vetoed: tiled(&vetoed, false),
            pass,
        }
    }

    /// Totals (in thousandths), competition ranks and pass lines of every county under the item
    /// weights `w` (points per item).
    pub(crate) fn eval(&self, w: &[f32], s: &mut Scratch) {
        self.eval_block(std::slice::from_ref(&w), std::slice::from_mut(s));
    }

    /// [`Dense::eval`] for several weightings: each tile's shares are read once per block of
    /// [`BLOCK`] of them. Results go to the `Scratch` of the same index (`s` at least as long as
    /// `ws`).
    pub(crate) fn eval_block<W: AsRef<[f32]>>(&self, ws: &[W], s: &mut [Scratch]) {
        for (w, sc) in ws.chunks(BLOCK).zip(s.chunks_mut(BLOCK)) {
            self.block(w, sc);
        }
    }

    fn block<W: AsRef<[f32]>>(&self, ws: &[W], s: &mut [Scratch]) {
        let m = ws.len().min(s.len());
        if m == 0 {
            return;
        }
        let (n, lines, na) = (self.n, self.pass.len(), self.areas.len());
        let mut work = std::mem::take(&mut s[0].work);
        // Weights transposed; the unused columns of a short block repeat its last weighting.
        work.wt.clear();
        work.wt.extend((0..self.items).map(|k| {
            std::array::from_fn(|d| ws[d.min(m - 1)].as_ref().get(k).copied().unwrap_or(0.0))
        }));
        work.seg.resize(self.segs.len(), [[0.0; TILE]; BLOCK]);
        work.kv.resize(self.keys.len(), [0.0; TILE]);
        // What each area must reach for each pass line with a min_area_share.
        work.need.clear();
        for w in ws.iter().take(m) {
            let w = w.as_ref();
            for (_, share) in &self.pass {
                for (_, r) in &self.areas {
                    let pts: f64 = w
                        .get(r.clone())
                        .unwrap_or(&[])
                        .iter()
                        .map(|x| *x as f64)
                        .sum();
                    work.need.push(match share {
                        Some(sh) if pts > 0.0 => (sh - 1e-6) * pts,
                        _ => f64::NEG_INFINITY,
                    });
                }
            }
        }
        debug_assert_eq!(work.need.len(), m * lines * na);
        for sc in s.iter_mut().take(m) {
            sc.milli.resize(n, 0);
            sc.passed.resize(n, 0);
        }
        self.tiles_dispatch(m, &mut work, &mut s[..m]);
        for sc in s.iter_mut().take(m) {
            ranks_of(
                &sc.milli,
                &mut work.keys,
                &mut work.sorted,
                &mut work.count,
                &mut sc.ranks,
            );
        }
        s[0].work = work;
    }

    /// Runs the tiles with the widest vectors the CPU has: AVX when present (x86-64), else the
    /// default target (SSE2). Both give the same bits (see the module's comment).
    fn tiles_dispatch(&self, m: usize, work: &mut Work, s: &mut [Scratch]) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx") {
            // SAFETY: `tiles_avx` only needs AVX, which the CPU was just found to have.
            unsafe { self.tiles_avx(m, work, s) };
            return;
        }
        self.tiles::<4>(m, work, s);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx")]
    fn tiles_avx(&self, m: usize, work: &mut Work, s: &mut [Scratch]) {
        self.tiles::<8>(m, work, s);
    }

    /// Every tile of counties for the `m` weightings of the block: segment sums `V` weightings
    /// at a time (`V` × 8 accumulators in registers), then key nodes, totals, rounding and pass
    /// lines per weighting, written to `s[d].milli` and `s[d].passed`.
    #[inline(always)]
    fn tiles<const V: usize>(&self, m: usize, work: &mut Work, s: &mut [Scratch]) {
        let (n, items, lines, na) = (self.n, self.items, self.pass.len(), self.areas.len());
        for t in 0..self.tiles {
            let tile = &self.frac[t * items..(t + 1) * items];
            for (g, r) in self.segs.iter().enumerate() {
                let (f, w) = (&tile[r.clone()], &work.wt[r.clone()]);
                let out = &mut work.seg[g];
                if V == 8 {
                    out[..8].copy_from_slice(&segment::<8, 0>(f, w));
                } else {
                    out[..4].copy_from_slice(&segment::<4, 0>(f, w));
                    if m > 4 {
                        out[4..].copy_from_slice(&segment::<4, 4>(f, w));
                    }
                }
            }
            let c0 = t * TILE;
            let len = TILE.min(n - c0);
            for (d, sc) in s.iter_mut().enumerate().take(m) {
                // Key nodes, children first: own segments + key children, then penalties
                // (never below zero).
                for (ki, key) in self.keys.iter().enumerate() {
                    let mut v = [0f64; TILE];
                    for &g in &self.seg_list[key.segs.clone()] {
                        let a = &work.seg[g][d];
                        for l in 0..TILE {
                            v[l] += a[l] as f64;
                        }
                    }
                    for &kid in &self.kid_list[key.kids.clone()] {
                        let a = &work.kv[kid];
                        for l in 0..TILE {
                            v[l] += a[l];
                        }
                    }
                    if let Some(p) = key.pen {
                        let pen = &self.node_pen[p][t];
                        for l in 0..TILE {
                            v[l] -= pen[l].min(v[l].max(0.0));
                        }
                    }
                    work.kv[ki] = v;
                }
                // Totals: areas + bonus − penalties on the total (never below zero), in
                // thousandths, half away from zero.
                let mut total = self.bonus[t];
                for (k, _) in &self.areas {
                    let a = &work.kv[*k];
                    for l in 0..TILE {
                        total[l] += a[l];
                    }
                }
                let pen = &self.pen_total[t];
                let mut milli = [0i64; TILE];
                for l in 0..TILE {
                    let x = (total[l] - pen[l].min(total[l].max(0.0))) * 1000.0;
                    milli[l] = if x >= 0.0 {
                        (x + 0.5) as i64
                    } else {
                        (x - 0.5) as i64
                    };
                }
                // Pass lines: one bit per line; an area under its share clears it; a veto
                // clears them all.
                let mut passed = [0u32; TILE];
                let need = &work.need[d * lines * na..(d + 1) * lines * na];
                for (j, ((min, share), need)) in self.pass.iter().zip(need.chunks(na)).enumerate() {
                    let bit = 1u32 << j;
                    for l in 0..TILE {
                        passed[l] |= if milli[l] >= *min { bit } else { 0 };
                    }
                    if share.is_some() {
                        for ((k, _), need) in self.areas.iter().zip(need) {
                            let a = &work.kv[*k];
                            for l in 0..TILE {
                                passed[l] &= if a[l] < *need { !bit } else { u32::MAX };
                            }
                        }
                    }
                }
                let veto = &self.vetoed[t];
                for l in 0..TILE {
                    if veto[l] {
                        passed[l] = 0;
                    }
                }
                sc.milli[c0..c0 + len].copy_from_slice(&milli[..len]);
                sc.passed[c0..c0 + len].copy_from_slice(&passed[..len]);
            }
        }
    }
}

/// The sums over one segment of a tile for weightings `D`..`D + V` of the block: item by item,
/// weight × share in `f32`, added in item order.
#[inline(always)]
fn segment<const V: usize, const D: usize>(
    f: &[[f32; TILE]],
    w: &[[f32; BLOCK]],
) -> [[f32; TILE]; V] {
    let mut acc = [[0f32; TILE]; V];
    for (f, w) in f.iter().zip(w) {
        for (j, a) in acc.iter_mut().enumerate() {
            let x = w[D + j];
            for l in 0..TILE {
                a[l] += x * f[l];
            }
        }
    }
    acc
}

/// Competition ranks of totals in thousandths (higher is better, equal totals share the best
/// rank of the group): a stable LSD radix sort of the totals' distance below the highest (after
/// clamping to ±2³¹ thousandths), in as many passes of at most 11 bits as that distance needs
/// (two for totals spread over less than 4,194 points, the bucket counts of every pass taken
/// in one read), counties in index order within a total; one walk gives the ranks.
pub(crate) fn ranks_of(
    milli: &[i64],
    keys: &mut Vec<u64>,
    sorted: &mut Vec<u64>,
    count: &mut Vec<u32>,
    ranks: &mut Vec<u32>,
) {
    const BIAS: i64 = 1 << 31;
    let n = milli.len();
    ranks.clear();
    ranks.resize(n, 0);
    if n == 0 {
        return;
    }
    let (mut top, mut low) = (i64::MIN, i64::MAX);
    for &m in milli {
        top = top.max(m);
        low = low.min(m);
    }
    // Clamping is monotone, so the clamped extremes are the extremes clamped.
    let clamp = |m: i64| m.clamp(-BIAS + 1, BIAS - 1);
    let (top, low) = (clamp(top), clamp(low));
    // Below 2³² (both ends are clamped), so a distance and an index fit one u64.
    let bits = u64::BITS - ((top - low) as u64).leading_zeros();
    let passes = bits.div_ceil(11);
    let width = if passes == 0 {
        0
    } else {
        bits.div_ceil(passes)
    };
    let buckets = 1usize << width;
    let mask = (buckets - 1) as u64;
    keys.clear();
    keys.extend(
        milli
            .iter()
            .enumerate()
            .map(|(c, &m)| (((top - clamp(m)) as u64) << 32) | c as u64),
    );
    sorted.clear();
    sorted.resize(n, 0);
    let passes = passes as usize;
    count.clear();
    count.resize(passes * buckets, 0);
    for k in keys.iter() {
        for p in 0..passes {
            count[p * buckets + ((k >> (32 + p as u32 * width)) & mask) as usize] += 1;
        }
    }
    for p in 0..passes {
        let count = &mut count[p * buckets..(p + 1) * buckets];
        let mut at = 0;
        for c in count.iter_mut() {
            (*c, at) = (at, at + *c);
        }
        let shift = 32 + p as u32 * width;
        for k in keys.iter() {
            let b = ((k >> shift) & mask) as usize;
            sorted[count[b] as usize] = *k;
            count[b] += 1;
        }
        std::mem::swap(keys, sorted);
    }
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
    use crate::analyse::policy::weights::Weights;
    use crate::analyse::stats::competition_ranks;
    use crate::types::Points;
    use crate::RuleSet;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    #[test]
    fn packed_ranks_match_competition_ranks() {
        let m = [5000, 7000, 7000, -3, 0, 5000];
        let (mut k, mut t, mut c, mut r) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        ranks_of(&m, &mut k, &mut t, &mut c, &mut r);
        assert_eq!(r, competition_ranks(&m));
        assert_eq!(r, vec![3, 1, 1, 6, 5, 3]);
        // Totals beyond ±2³¹ thousandths tie at the clamp; one county, and none, rank plainly.
        let m = [i64::MAX, 1 << 40, 0, i64::MIN];
        ranks_of(&m, &mut k, &mut t, &mut c, &mut r);
        assert_eq!(r, vec![1, 1, 3, 4]);
        ranks_of(&[42], &mut k, &mut t, &mut c, &mut r);
        assert_eq!(r, vec![1]);
        ranks_of(&[], &mut k, &mut t, &mut c, &mut r);
        assert!(r.is_empty());
    }

    /// The national rule set (every kind of node: areas, node and total penalties, bonuses,
    /// vetoes) and 40 synthetic counties scored once.
    fn national() -> &'static (RuleSet, Vec<crate::CountyData>, Batch) {
        static N: OnceLock<(RuleSet, Vec<crate::CountyData>, Batch)> = OnceLock::new();
        N.get_or_init(|| {
            let rules = RuleSet::builtin().unwrap();
            let counties = crate::synth::generate(&rules, 40, 17);
            let batch = Batch::evaluate(&rules, &counties);
            (rules, counties, batch)
        })
    }

    /// The kernel's arithmetic one county at a time, with no tiles and no vectors: the order of
    /// every `f32` and `f64` operation is the one the module's comment states.
    fn scalar(d: &Dense, w: &[f32]) -> (Vec<i64>, Vec<u32>) {
        let (mut milli, mut passed) = (vec![], vec![]);
        for c in 0..d.n {
            let (t, l) = (c / TILE, c % TILE);
            let seg: Vec<f32> = d
                .segs
                .iter()
                .map(|r| {
                    r.clone()
                        .fold(0f32, |a, k| a + w[k] * d.frac[t * d.items + k][l])
                })
                .collect();
            let mut kv: Vec<f64> = Vec::new();
            for key in &d.keys {
                let mut v = 0f64;
                for &g in &d.seg_list[key.segs.clone()] {
                    v += seg[g] as f64;
                }
                for &kid in &d.kid_list[key.kids.clone()] {
                    v += kv[kid];
                }
                if let Some(p) = key.pen {
                    v -= d.node_pen[p][t][l].min(v.max(0.0));
                }
                kv.push(v);
            }
            let mut total = d.bonus[t][l];
            for (k, _) in &d.areas {
                total += kv[*k];
            }
            let x = (total - d.pen_total[t][l].min(total.max(0.0))) * 1000.0;
            let m = if x >= 0.0 {
                (x + 0.5) as i64
            } else {
                (x - 0.5) as i64
            };
            let mut bits = 0u32;
            for (j, (min, share)) in d.pass.iter().enumerate() {
                let areas_ok = d.areas.iter().all(|(k, r)| {
                    let pts: f64 = w[r.clone()].iter().map(|x| *x as f64).sum();
                    match share {
                        Some(sh) if pts > 0.0 => kv[*k] >= (sh - 1e-6) * pts,
                        _ => true,
                    }
                });
                if m >= *min && areas_ok && !d.vetoed[t][l] {
                    bits |= 1 << j;
                }
            }
            milli.push(m);
            passed.push(bits);
        }
        (milli, passed)
    }

    /// Item weights: the rule set's points of every item times its factor, in thousandths.
    fn item_points(rules: &RuleSet, batch: &Batch, factor: &[f64]) -> Vec<Points> {
        let nodes = rules.nodes();
        batch
            .tree()
            .items
            .iter()
            .zip(factor.iter().cycle())
            .map(|(&i, f)| Points::from_f64(nodes[i].points.as_f64() * f))
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// Whatever the tiles, the vector width (the AVX build when the CPU has it, the SSE2
        /// build always) and the block size, every county's total, pass lines and rank are
        /// the scalar arithmetic's to the bit.
        #[test]
        fn ranks_are_competition_ranks(
            m in proptest::collection::vec(
                prop_oneof![-3i64..3, 0i64..2_000_000, any::<i64>()], 0..300),
        ) {
            let (mut k, mut t, mut c, mut r) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            ranks_of(&m, &mut k, &mut t, &mut c, &mut r);
            let clamped: Vec<i64> = m.iter().map(|x| (*x).clamp(-(1 << 31) + 1, (1 << 31) - 1)).collect();
            prop_assert_eq!(r, competition_ranks(&clamped));
        }

        #[test]
        fn tiles_match_the_scalar_arithmetic_bit_for_bit(
            n in 1usize..=40,
            m in 1usize..=BLOCK + 3,
            factor in proptest::collection::vec(0.0f64..3.0, 1..120),
            min_total in 0i64..1_000_000,
            share in proptest::option::of(0.0f64..1.0),
        ) {
            let (rules, counties, _) = national();
            let batch = Batch::evaluate(rules, &counties[..n]);
            let d = Dense::new(&batch, batch.nominal(), vec![(min_total, share), (min_total / 2, None)]);
            let ws: Vec<Vec<f32>> = (0..m)
                .map(|j| {
                    let f: Vec<f64> = factor.iter().map(|x| x * (1.0 + j as f64 / 7.0)).collect();
                    item_points(rules, &batch, &f).iter().map(|p| p.as_f64() as f32).collect()
                })
                .collect();
            let mut s = vec![Scratch::default(); m];
            d.eval_block(&ws, &mut s);
            for (w, s) in ws.iter().zip(&s) {
                let (milli, passed) = scalar(&d, w);
                prop_assert_eq!(&s.milli, &milli);
                prop_assert_eq!(&s.passed, &passed);
                prop_assert_eq!(&s.ranks, &competition_ranks(&milli));
            }
            // The SSE2 build on its own (the dispatch above took AVX where it could).
            let mut work = Work::default();
            let mut sse = vec![Scratch::default(); m.min(BLOCK)];
            let block = &ws[..m.min(BLOCK)];
            d.eval_block(block, &mut sse);
            std::mem::swap(&mut work, &mut sse[0].work);
            for sc in sse.iter_mut() {
                sc.milli.iter_mut().for_each(|x| *x = -1);
                sc.passed.iter_mut().for_each(|x| *x = u32::MAX);
            }
            d.tiles::<4>(block.len(), &mut work, &mut sse);
            for (w, s) in block.iter().zip(&sse) {
                let (milli, passed) = scalar(&d, w);
                prop_assert_eq!(&s.milli, &milli);
                prop_assert_eq!(&s.passed, &passed);
            }
        }

        /// Against the naive method (`Batch::recompute`, which rounds every item to thousandths
        /// and sums in `f64`): totals agree within what that rounding and `f32` can move, and
        /// ranks and pass lines agree wherever the totals are further apart than that.
        #[test]
        fn the_fast_path_agrees_with_the_naive_recompute(
            factor in proptest::collection::vec(0.0f64..2.0, 1..120),
            adjust in proptest::option::of(0.25f64..4.0),
        ) {
            let (rules, _, batch) = national();
            let nodes = rules.nodes();
            let items = item_points(rules, batch, &factor);
            // Every node's points: items as drawn, parents the sums of their children.
            let mut points = vec![Points::ZERO; nodes.len()];
            for i in (0..nodes.len()).rev() {
                points[i] = match batch.tree().item_of[i] {
                    Some(k) => items[k],
                    None => nodes[i].children.iter().map(|&c| points[c]).sum(),
                };
            }
            let mut weights = Weights::nominal(rules);
            weights.total = batch.tree().areas.iter().map(|&a| points[a]).sum();
            weights.points = points;
            // A scenario that rescales the total: bonuses, penalties and the cap follow (issue 27).
            if let Some(k) = adjust {
                weights.adjust = k;
                weights.bonus_cap = weights.bonus_cap.map(|c| Points::from_f64(c.as_f64() * k));
            }
            let naive = batch.recompute(&weights);
            let pass = weights
                .pass_lines
                .iter()
                .map(|p| (p.min_total.milli(), p.min_area_share))
                .collect();
            let d = Dense::new(batch, &weights, pass);
            let w: Vec<f32> = items.iter().map(|p| p.as_f64() as f32).collect();
            let mut s = Scratch::default();
            d.eval(&w, &mut s);
            // Per item: half a thousandth of rounding in the naive method, and the reported
            // share (earned rounded to thousandths, over max) times up to twice the item's
            // points: another thousandth; 101 items, plus f32 sums of ~1000 points (~0.06
            // thousandths an add): 200 thousandths in all.
            let tol = 200;
            let naive_milli: Vec<i64> = naive.iter().map(|o| o.total.milli()).collect();
            for (c, o) in naive.iter().enumerate() {
                prop_assert!((s.milli[c] - naive_milli[c]).abs() <= tol,
                    "county {}: fast {} naive {}", c, s.milli[c], naive_milli[c]);
                let surely_above = naive_milli.iter().filter(|&&x| x > naive_milli[c] + 2 * tol).count();
                let maybe_above = naive_milli
                    .iter()
                    .enumerate()
                    .filter(|&(k, &x)| k != c && x > naive_milli[c] - 2 * tol)
                    .count();
                prop_assert!(
                    (surely_above + 1..=maybe_above + 1).contains(&(s.ranks[c] as usize)),
                    "county {}: rank {} outside {}..={}", c, s.ranks[c], surely_above + 1, maybe_above + 1
                );
                for (j, (p, &passed)) in weights.pass_lines.iter().zip(&o.passed).enumerate() {
                    let clear_total = (o.total.milli() - p.min_total.milli()).abs() > tol;
                    let clear_areas = batch.tree().areas.iter().zip(&o.areas).all(|(&a, e)| {
                        let need = p.min_area_share.unwrap_or(0.0) * weights.points[a].as_f64();
                        p.min_area_share.is_none() || ((e.as_f64() - need) * 1000.0).abs() > tol as f64
                    });
                    if clear_total && clear_areas {
                        prop_assert_eq!(s.passed[c] >> j & 1 == 1, passed, "county {} line {}", c, j);
                    }
                }
            }
        }
    }
}
