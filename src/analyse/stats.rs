//! Small statistics the analyses share: competition ranks, rank and linear correlations, the
//! sample variance and the correlation ratio (the first-order effect on given data).

/// Standard competition ranks ("1224") of scores, higher is better: equal scores share the best
/// rank, and the next rank skips as many places as were shared.
///
/// ```
/// use fazhi::analyse::stats::competition_ranks;
/// assert_eq!(competition_ranks(&[90, 95, 95, 80]), vec![3, 1, 1, 4]);
/// ```
pub fn competition_ranks<T: PartialOrd + Copy>(scores: &[T]) -> Vec<u32> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| {
        scores[b]
            .partial_cmp(&scores[a])
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.cmp(&b))
    });
    let mut ranks = vec![0u32; scores.len()];
    for (pos, &i) in order.iter().enumerate() {
        ranks[i] = if pos > 0 && scores[order[pos - 1]] == scores[i] {
            ranks[order[pos - 1]]
        } else {
            pos as u32 + 1
        };
    }
    ranks
}

/// Average ranks (ties share the mean of their places), higher score = rank 1.
fn average_ranks(x: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&a, &b| x[b].total_cmp(&x[a]).then(a.cmp(&b)));
    let mut r = vec![0.0; x.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && x[order[end]] == x[order[start]] {
            end += 1;
        }
        let mean = (start + 1 + end) as f64 / 2.0;
        for &i in &order[start..end] {
            r[i] = mean;
        }
        start = end;
    }
    r
}

/// Spearman's rank correlation (Pearson's correlation of average ranks, so ties are handled).
/// `None` when either side has no spread (fewer than two distinct values).
///
/// ```
/// use fazhi::analyse::stats::spearman;
/// assert_eq!(spearman(&[1.0, 2.0, 3.0], &[10.0, 20.0, 30.0]), Some(1.0));
/// assert_eq!(spearman(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]), Some(-1.0));
/// ```
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    pearson(&average_ranks(x), &average_ranks(y))
}

/// Pearson's product-moment correlation of two equally long series, in `[-1, 1]`. `None` when
/// it is undefined: fewer than two values, or either side constant (every value equal, tested
/// exactly, so a constant series never yields rounding noise as a correlation).
///
/// ```
/// use fazhi::analyse::stats::pearson;
/// // x = 1, 2, 3; y = 1, 3, 2: deviations (−1, 0, 1) and (−1, 1, 0), Σxy = 1, Σx² = Σy² = 2.
/// assert_eq!(pearson(&[1.0, 2.0, 3.0], &[1.0, 3.0, 2.0]), Some(0.5));
/// assert_eq!(pearson(&[1.0, 2.0, 3.0], &[4.0, 4.0, 4.0]), None);
/// ```
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let len = x.len().min(y.len());
    let (x, y) = (&x[..len], &y[..len]);
    if len < 2 || constant(x) || constant(y) {
        return None;
    }
    let n = len as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    (sxx > 0.0 && syy > 0.0).then(|| (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0))
}

/// Whether every value of `x` is the same (exactly); true for an empty series.
pub fn constant(x: &[f64]) -> bool {
    x.iter().all(|v| *v == x[0])
}

/// The sample variance (denominator `n − 1`) of `x`; `None` for fewer than two values.
///
/// ```
/// use fazhi::analyse::stats::sample_variance;
/// // mean 2, squared deviations 1 + 0 + 1 = 2, over n − 1 = 2.
/// assert_eq!(sample_variance(&[1.0, 2.0, 3.0]), Some(1.0));
/// ```
pub fn sample_variance(x: &[f64]) -> Option<f64> {
    if x.len() < 2 {
        return None;
    }
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    Some(x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (n - 1.0))
}

/// Pearson's correlation ratio `η²` of `y` on `x`, the first-order effect of `x` on `y`
/// (Sobol's `S = V[E(y | x)] / V(y)`) estimated on given data: the observations are sorted by
/// `x` and cut into `B = ⌊√n⌋` bins of about `⌈n / B⌉` observations, never splitting equal
/// values of `x` (conditioning on `x` keeps ties together), and
/// `η² = Σ_g n_g (ȳ_g − ȳ)² / Σ_i (y_i − ȳ)²`. In `[0, 1]`; `None` when `y` is constant or
/// there are fewer than two observations; `Some(0.0)` when `x` is constant. Returns the number
/// of bins used with it.
///
/// This is the binning ("given data") estimator of first-order indices (Plischke 2010; Strong,
/// Oakley & Chilcott 2012); Paruolo, Saisana & Saltelli (2013) smooth `E(y | x)` with a kernel
/// regression instead. Bins bias `η²` upwards by about `(B − 1) / (n − 1)` when `x` has no effect.
///
/// ```
/// use fazhi::analyse::stats::correlation_ratio;
/// // n = 4: B = 2 bins of 2. x sorted: bins {1, 2} (y 1, 3: mean 2) and {3, 4} (y 2, 6: mean 4);
/// // ȳ = 3, between 2·1² + 2·1² = 4, total 4 + 0 + 1 + 9 = 14, η² = 4/14.
/// let (eta2, bins) = correlation_ratio(&[1.0, 2.0, 3.0, 4.0], &[1.0, 3.0, 2.0, 6.0]).unwrap();
/// assert_eq!(bins, 2);
/// assert!((eta2 - 4.0 / 14.0).abs() < 1e-12);
/// ```
pub fn correlation_ratio(x: &[f64], y: &[f64]) -> Option<(f64, usize)> {
    let len = x.len().min(y.len());
    if len < 2 || constant(&y[..len]) {
        return None;
    }
    let n = len as f64;
    let my = y[..len].iter().sum::<f64>() / n;
    let total: f64 = y[..len].iter().map(|v| (v - my) * (v - my)).sum();
    if total <= 0.0 {
        return None;
    }
    let bins = (len as f64).sqrt().floor().max(1.0) as usize;
    let size = len.div_ceil(bins);
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]).then(a.cmp(&b)));
    let (mut between, mut used, mut start) = (0.0, 0, 0);
    while start < len {
        let mut end = (start + size).min(len);
        while end < len && x[order[end]] == x[order[end - 1]] {
            end += 1;
        }
        let g = &order[start..end];
        let mean = g.iter().map(|&i| y[i]).sum::<f64>() / g.len() as f64;
        between += g.len() as f64 * (mean - my) * (mean - my);
        used += 1;
        start = end;
    }
    Some(((between / total).clamp(0.0, 1.0), used))
}

/// Kendall's tau-b (ties in either ranking are accounted for). `None` without spread.
///
/// ```
/// use fazhi::analyse::stats::kendall_tau_b;
/// assert_eq!(kendall_tau_b(&[1.0, 2.0, 3.0, 4.0], &[1.0, 3.0, 2.0, 4.0]), Some(4.0 / 6.0));
/// ```
pub fn kendall_tau_b(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len().min(y.len());
    let (mut concordant, mut discordant, mut tie_x, mut tie_y) = (0i64, 0i64, 0i64, 0i64);
    for i in 0..n {
        for j in i + 1..n {
            let dx = x[i].total_cmp(&x[j]) as i64;
            let dy = y[i].total_cmp(&y[j]) as i64;
            match (dx, dy) {
                (0, 0) => {}
                (0, _) => tie_x += 1,
                (_, 0) => tie_y += 1,
                _ if dx == dy => concordant += 1,
                _ => discordant += 1,
            }
        }
    }
    let n1 = (concordant + discordant + tie_x) as f64;
    let n2 = (concordant + discordant + tie_y) as f64;
    (n1 > 0.0 && n2 > 0.0).then(|| (concordant - discordant) as f64 / (n1 * n2).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_share_the_best_rank() {
        assert_eq!(competition_ranks(&[5.0, 5.0, 5.0]), vec![1, 1, 1]);
        assert_eq!(competition_ranks(&[1, 2, 2, 3]), vec![4, 2, 2, 1]);
        assert_eq!(competition_ranks::<i64>(&[]), Vec::<u32>::new());
    }

    #[test]
    fn correlations_with_ties_and_without_spread() {
        assert_eq!(spearman(&[1.0, 1.0], &[1.0, 2.0]), None);
        assert_eq!(kendall_tau_b(&[1.0, 1.0], &[1.0, 2.0]), None);
        let s = spearman(&[1.0, 2.0, 2.0, 3.0], &[1.0, 2.0, 3.0, 4.0]).unwrap();
        assert!((s - 0.9486832980505138).abs() < 1e-12, "{s}");
        let k = kendall_tau_b(&[1.0, 2.0, 2.0, 3.0], &[1.0, 2.0, 3.0, 4.0]).unwrap();
        assert!((k - 5.0 / 30f64.sqrt()).abs() < 1e-12, "{k}");
    }
}
