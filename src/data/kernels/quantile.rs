//! Quantiles as d3-array computes them (R-7), and Vega's bootstrap confidence interval.
//!
//! Stage: kernels. Vega's `median`, `q1` and `q3` aggregates call vega-statistics
//! `quartiles`, which sorts the valid numbers and takes d3's `quantileSorted`:
//! `v[i0] + (v[i0 + 1] - v[i0]) * (i - i0)` with `i = (n - 1) * p`. [`quantile_select`] gives
//! the same number by selection in linear time: only the order statistics `i0` and `i0 + 1`
//! enter the formula, and the sign of a zero cannot change its result (an interpolated sum is
//! `+0` whichever zero sorts first). Note that the formula is evaluated even when `i` is
//! whole, so `[1, 2, inf]` has median `2 + (inf - 2) * 0 = NaN`, as in Vega.
//!
//! `ci0`/`ci1` are a bootstrap in Vega (`bootstrapCI(values, 1000, 0.05)`) drawing with
//! `Math.random`, so no implementation can reproduce Vega's numbers. [`bootstrap_ci`] runs the
//! same algorithm with a seeded generator, so storychart's results are at least deterministic.

/// d3-array's `quantileSorted` for ascending `sorted` values without `NaN`: `None` when empty.
///
/// ```
/// use storychart::data::kernels::quantile::quantile_sorted;
/// assert_eq!(quantile_sorted(&[1.0, 2.0, 4.0, 8.0], 0.5), Some(3.0));
/// assert_eq!(quantile_sorted(&[], 0.5), None);
/// ```
pub fn quantile_sorted(sorted: &[f64], p: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 || p.is_nan() {
        return None;
    }
    if p <= 0.0 || n < 2 {
        return sorted.first().copied();
    }
    if p >= 1.0 {
        return sorted.last().copied();
    }
    let (i, i0) = rank(n, p);
    let v0 = *sorted.get(i0)?;
    let v1 = *sorted.get(i0 + 1)?;
    Some(interpolate(v0, v1, i, i0))
}

/// The same number as [`quantile_sorted`] on the sorted `values`, by selection (reorders
/// `values`; expects no `NaN`).
///
/// ```
/// use storychart::data::kernels::quantile::quantile_select;
/// assert_eq!(quantile_select(&mut [8.0, 1.0, 4.0, 2.0], 0.25), Some(1.75));
/// ```
pub fn quantile_select(values: &mut [f64], p: f64) -> Option<f64> {
    let n = values.len();
    if n == 0 || p.is_nan() {
        return None;
    }
    if n < 2 {
        return values.first().copied();
    }
    if p <= 0.0 {
        return values.iter().copied().min_by(f64::total_cmp);
    }
    if p >= 1.0 {
        return values.iter().copied().max_by(f64::total_cmp);
    }
    let (i, i0) = rank(n, p);
    if i0 + 1 >= n {
        return None;
    }
    let v0 = select_kth(values, i0, budget(n))?;
    let v1 = min(values.get(i0 + 1..)?)?;
    Some(interpolate(v0, v1, i, i0))
}

/// Ranges this short are finished by an insertion sort.
const SHORT: usize = 16;

/// The partition rounds [`select_kth`] may take before it hands the rest to the standard
/// library's selection (linear in the worst case): about twice the rounds a fair split needs.
fn budget(n: usize) -> usize {
    2 * (usize::BITS - n.leading_zeros()) as usize + 8
}

/// The `k`-th smallest of `v` (0-based; no `NaN` in `v`), left at `v[k]`, with no larger
/// value before it and no smaller one after it: a quickselect with median-of-3 pivots and
/// branch-free partitions, comparing with `<` (so `-0` and `+0` tie; which zero is returned
/// never changes a quantile, see the module notes). Ranges where the pivot is the least
/// value peel its copies off at once, so many equal values stay linear; after `rounds`
/// partitions the rest goes to `select_nth_unstable_by`. `None` when `k` is out of range.
fn select_kth(v: &mut [f64], k: usize, mut rounds: usize) -> Option<f64> {
    let (mut lo, mut hi) = (0usize, v.len());
    if k >= hi {
        return None;
    }
    while hi - lo > SHORT {
        let part = v.get_mut(lo..hi)?;
        if rounds == 0 {
            let (_, x, _) = part.select_nth_unstable_by(k - lo, f64::total_cmp);
            return Some(*x);
        }
        rounds -= 1;
        let p = median3(part)?;
        let below = partition(part, |x| x < p);
        if k - lo < below {
            hi = lo + below;
        } else if below > 0 {
            lo += below;
        } else {
            // `p` is the least value here: its copies first, then the larger ones.
            let equal = partition(part, |x| x <= p);
            if k - lo < equal {
                return Some(p);
            }
            lo += equal;
        }
    }
    insertion_sort(v.get_mut(lo..hi)?);
    v.get(k).copied()
}

/// The median of the first, middle and last values of `v`.
#[inline(always)]
fn median3(v: &[f64]) -> Option<f64> {
    let a = *v.first()?;
    let b = *v.get(v.len() / 2)?;
    let c = *v.last()?;
    let (lo, hi) = if a < b { (a, b) } else { (b, a) };
    Some(if c < lo {
        lo
    } else if hi < c {
        hi
    } else {
        c
    })
}

/// Moves the values for which `before` holds to the front (in no particular order) and
/// returns how many there are: Lomuto's scheme without a branch on the test (every value is
/// swapped with the first slot past the front; the front grows by the test's 0 or 1).
#[inline(always)]
fn partition(v: &mut [f64], before: impl Fn(f64) -> bool) -> usize {
    let mut front = 0usize;
    let mut j = 0usize;
    while j < v.len() {
        let (Some(x), Some(y)) = (v.get(j).copied(), v.get(front).copied()) else {
            break;
        };
        if let Some(d) = v.get_mut(front) {
            *d = x;
        }
        if let Some(d) = v.get_mut(j) {
            *d = y;
        }
        front += usize::from(before(x));
        j += 1;
    }
    front
}

/// Sorts a short `v` ascending by `<`.
fn insertion_sort(v: &mut [f64]) {
    let mut i = 1;
    while i < v.len() {
        let Some(x) = v.get(i).copied() else {
            break;
        };
        let mut j = i;
        while j > 0 {
            let Some(prev) = v.get(j - 1).copied() else {
                break;
            };
            if prev <= x {
                break;
            }
            if let Some(d) = v.get_mut(j) {
                *d = prev;
            }
            j -= 1;
        }
        if let Some(d) = v.get_mut(j) {
            *d = x;
        }
        i += 1;
    }
}

/// The least of `v` by `<` (`None` when empty).
fn min(v: &[f64]) -> Option<f64> {
    let mut m = *v.first()?;
    let mut i = 1;
    while i < v.len() {
        if let Some(x) = v.get(i) {
            if *x < m {
                m = *x;
            }
        }
        i += 1;
    }
    Some(m)
}

/// `(i, floor(i))` with `i = (n - 1) * p`, as d3 computes them.
#[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
#[allow(clippy::cast_sign_loss)]
fn rank(n: usize, p: f64) -> (f64, usize) {
    let i = (n - 1) as f64 * p;
    (i, i.floor() as usize)
}

#[allow(clippy::cast_precision_loss)]
fn interpolate(v0: f64, v1: f64, i: f64, i0: usize) -> f64 {
    v0 + (v1 - v0) * (i - i0 as f64)
}

/// A small deterministic generator (SplitMix64) standing in for `Math.random` in the
/// bootstrap.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// A uniform number in `[0, 1)` with 53 random bits.
    #[allow(clippy::cast_precision_loss)]
    pub fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }
}

/// The seed storychart uses for `ci0`/`ci1`.
pub const BOOTSTRAP_SEED: u64 = 0x5EED_C105;

/// vega-statistics `bootstrapCI(values, samples, alpha)`: `samples` means of resamples with
/// replacement, then d3 `quantile` at `alpha / 2` and `1 - alpha / 2`. `values` are the valid
/// numbers in row order; draws come from `rng` instead of `Math.random`, so results differ
/// from Vega's (which differ between runs themselves). `(None, None)` when `values` is empty.
///
/// ```
/// use storychart::data::kernels::quantile::{bootstrap_ci, Rng};
/// let (lo, hi) = bootstrap_ci(&[1.0, 2.0, 3.0, 4.0], 1000, 0.05, &mut Rng::new(1));
/// assert!(lo.unwrap() < 2.5 && hi.unwrap() > 2.5);
/// ```
#[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
#[allow(clippy::cast_sign_loss)]
pub fn bootstrap_ci(
    values: &[f64],
    samples: usize,
    alpha: f64,
    rng: &mut Rng,
) -> (Option<f64>, Option<f64>) {
    let n = values.len();
    if n == 0 {
        return (None, None);
    }
    let mut mu: Vec<f64> = (0..samples)
        .map(|_| {
            let mut a = 0.0;
            for _ in 0..n {
                // `~~(random() * n)`: truncation, always < n.
                let k = (rng.next_f64() * n as f64) as usize;
                a += values.get(k).copied().unwrap_or(0.0);
            }
            a / n as f64
        })
        .filter(|m| !m.is_nan())
        .collect();
    mu.sort_unstable_by(f64::total_cmp);
    (
        quantile_sorted(&mu, alpha / 2.0),
        quantile_sorted(&mu, 1.0 - alpha / 2.0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_matches_sorting_on_random_inputs() {
        let mut rng = Rng::new(7);
        for round in 0..500 {
            let n = 1 + round % 23;
            let mut v: Vec<f64> = (0..n)
                .map(|_| {
                    let r = rng.next_f64();
                    if r < 0.1 {
                        0.0
                    } else if r < 0.15 {
                        -0.0
                    } else if r < 0.18 {
                        f64::INFINITY
                    } else if r < 0.2 {
                        f64::NEG_INFINITY
                    } else {
                        (r * 20.0).floor() - 7.0
                    }
                })
                .collect();
            let mut sorted = v.clone();
            sorted.sort_by(f64::total_cmp);
            for p in [0.0, 0.25, 0.5, 0.75, 1.0, 0.025, 0.975] {
                let a = quantile_sorted(&sorted, p);
                let b = quantile_select(&mut v, p);
                assert_eq!(a.map(f64::to_bits), b.map(f64::to_bits), "{sorted:?} p={p}");
            }
        }
    }

    #[test]
    fn quickselect_equals_sorting_on_long_inputs_with_many_ties() {
        let mut rng = Rng::new(17);
        for round in 0..300 {
            let n = (rng.next_f64() * 3000.0) as usize;
            // From all-equal to all-distinct, zeros of both signs, sorted and reversed runs.
            let distinct = [1.0, 2.0, 5.0, 40.0, 1e6][round % 5];
            let mut v: Vec<f64> = (0..n)
                .map(|_| {
                    let r = rng.next_f64();
                    if r < 0.05 {
                        -0.0
                    } else if r < 0.1 {
                        0.0
                    } else if r < 0.12 && round % 3 == 0 {
                        f64::INFINITY
                    } else {
                        (rng.next_f64() * distinct).floor() - distinct / 2.0
                    }
                })
                .collect();
            match round % 7 {
                0 => v.sort_by(f64::total_cmp),
                1 => v.sort_by(|a, b| b.total_cmp(a)),
                _ => {}
            }
            let mut sorted = v.clone();
            sorted.sort_by(f64::total_cmp);
            for p in [0.25, 0.5, 0.75, 0.1, 0.9] {
                let a = quantile_sorted(&sorted, p);
                let b = quantile_select(&mut v.clone(), p);
                assert_eq!(
                    a.map(f64::to_bits),
                    b.map(f64::to_bits),
                    "round {round} p={p}"
                );
            }
            // Every rank, with a full and an exhausted partition budget: the k-th value and
            // the order around it.
            for k in [0, n / 3, n / 2, n.saturating_sub(1)] {
                for rounds in [budget(n), 0, 2] {
                    let mut w = v.clone();
                    let got = select_kth(&mut w, k, rounds);
                    assert_eq!(got, sorted.get(k).copied(), "round {round} k={k}");
                    if let Some(x) = got {
                        assert!(w[..k].iter().all(|y| *y <= x), "round {round} k={k}");
                        assert!(w[k + 1..].iter().all(|y| *y >= x), "round {round} k={k}");
                    }
                }
            }
        }
        assert_eq!(select_kth(&mut [1.0], 1, 8), None);
    }

    #[test]
    fn infinities_interpolate_to_nan_as_in_vega() {
        assert!(quantile_sorted(&[1.0, 2.0, f64::INFINITY], 0.5)
            .unwrap()
            .is_nan());
        assert_eq!(quantile_sorted(&[5.0], 0.25), Some(5.0));
    }

    #[test]
    fn bootstrap_of_constant_is_constant() {
        let (lo, hi) = bootstrap_ci(&[3.0; 10], 1000, 0.05, &mut Rng::new(0));
        assert_eq!((lo, hi), (Some(3.0), Some(3.0)));
        assert_eq!(
            bootstrap_ci(&[], 1000, 0.05, &mut Rng::new(0)),
            (None, None)
        );
    }
}
