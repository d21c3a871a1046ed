//! Binning: Vega's bin step selection (vega-statistics `bin`) and its `bin` transform.
//!
//! Stage: kernels. [`bin_params`] picks `start`, `stop` and `step` from an extent exactly as
//! Vega does (same floating-point operations in the same order, JavaScript's `Math.round`, V8's
//! `Math.pow(10, k)`,
//! `||` defaults and `~~` truncation), then applies the transform's own adjustments (`stop`
//! rounded up to a whole number of steps, `anchor`). [`bin`] assigns each value its bin:
//! values below `start` go to `-Infinity`, above `stop` to `+Infinity`, `stop` itself falls in
//! the last bin, and null, `""` and non-numbers give null. Bin ends use Vega's
//! `start + step * (1 + (v - start) / step)`, so both columns equal Vega's to the bit.
//!
//! One deliberate difference: where Vega's step search would loop forever (a step that
//! underflows to 0 for a span below about 1e-300), the search stops after 2000 rounds.

use super::aggregate::cells::{Cells, Kind, State};
use crate::data::{Column, NumberColumn};
use crate::js::num::{js_max, js_min, js_pow10, js_round};

/// Vega's epsilon bias against floating-point error in bin indices (vega#1737).
const EPSILON: f64 = 1e-14;

/// The options of Vega's `bin` transform (and Vega-Lite's `bin` parameters).
#[derive(Clone, Debug, PartialEq)]
pub struct BinOptions {
    /// Maximum number of bins (Vega-Lite passes 10, or [`auto_max_bins`] of the channel).
    pub maxbins: f64,
    /// Number base for automatic steps (10).
    pub base: f64,
    /// Allowed subdivisions of a step (`[5, 2]`).
    pub divide: Vec<f64>,
    /// The span to use instead of `extent[1] - extent[0]`.
    pub span: Option<f64>,
    /// An exact step: overrides the search.
    pub step: Option<f64>,
    /// Allowed step sizes.
    pub steps: Option<Vec<f64>>,
    /// The smallest allowed step (0).
    pub minstep: f64,
    /// Whether to round the bin boundaries to multiples of the step (`true`).
    pub nice: bool,
    /// A value that a bin boundary must fall on.
    pub anchor: Option<f64>,
}

impl Default for BinOptions {
    /// Vega-Lite's defaults for a position channel: `maxbins: 10`, the rest as in Vega.
    fn default() -> Self {
        Self {
            maxbins: 10.0,
            base: 10.0,
            divide: vec![5.0, 2.0],
            span: None,
            step: None,
            steps: None,
            minstep: 0.0,
            nice: true,
            anchor: None,
        }
    }
}

/// Vega-Lite's default `maxbins` for an encoding channel: 6 for facets, size, color, opacity
/// and shape channels, 4 for `strokeDash`, 10 otherwise.
///
/// ```
/// use storychart::data::kernels::bin::auto_max_bins;
/// assert_eq!((auto_max_bins("x"), auto_max_bins("color")), (10.0, 6.0));
/// ```
pub fn auto_max_bins(channel: &str) -> f64 {
    match channel {
        "row" | "column" | "size" | "color" | "fill" | "stroke" | "strokeWidth" | "opacity"
        | "fillOpacity" | "strokeOpacity" | "shape" => 6.0,
        "strokeDash" => 4.0,
        _ => 10.0,
    }
}

/// The bins of a `bin` transform: `[start, stop]` in steps of `step`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BinParams {
    /// The first bin's start.
    pub start: f64,
    /// The last bin's end.
    pub stop: f64,
    /// The bin width.
    pub step: f64,
}

/// The bins Vega's `bin` transform uses for data spanning `extent` (`[min, max]` of the
/// field, as Vega-Lite's `extent` transform gives it).
///
/// ```
/// use storychart::data::kernels::bin::{bin_params, BinOptions, BinParams};
/// // seattle-weather precipitation, as in Vega-Lite's bar_aggregate_count example.
/// let p = bin_params([0.0, 55.9], &BinOptions::default());
/// assert_eq!(p, BinParams { start: 0.0, stop: 60.0, step: 10.0 });
/// ```
pub fn bin_params(extent: [f64; 2], options: &BinOptions) -> BinParams {
    let raw = vega_bin(extent, options);
    let step = raw.step;
    let mut start = raw.start;
    let mut stop = start + ((raw.stop - start) / step).ceil() * step;
    if let Some(a) = options.anchor {
        let d = a - (start + step * ((a - start) / step).floor());
        start += d;
        stop += d;
    }
    BinParams { start, stop, step }
}

/// JavaScript's `x || fallback` for numbers: 0 and `NaN` are falsy.
fn or(x: f64, fallback: f64) -> f64 {
    if x == 0.0 || x.is_nan() {
        fallback
    } else {
        x
    }
}

/// JavaScript's `~~x` (ToInt32).
#[allow(clippy::cast_possible_truncation)]
fn to_int32(x: f64) -> f64 {
    if !x.is_finite() {
        return 0.0;
    }
    let m = x.trunc().rem_euclid(4_294_967_296.0);
    let m = if m >= 2_147_483_648.0 {
        m - 4_294_967_296.0
    } else {
        m
    };
    f64::from(m as i32)
}

/// JavaScript's `Math.pow(base, e)`: V8's own powers of ten (not always correctly rounded),
/// the platform's `pow` for other bases (exact for powers of two).
fn js_pow(base: f64, e: f64) -> f64 {
    if base == 10.0 {
        js_pow10(e)
    } else {
        base.powf(e)
    }
}

/// vega-statistics `bin(_)`: the step search and nice boundaries.
fn vega_bin(extent: [f64; 2], o: &BinOptions) -> BinParams {
    let maxb = or(o.maxbins, 20.0);
    let base = or(o.base, 10.0);
    let logb = base.ln();
    let [mut min, mut max] = extent;
    let span = or(or(or(o.span.unwrap_or(0.0), max - min), min.abs()), 1.0);
    let step = if let Some(step) = o.step.filter(|s| *s != 0.0 && !s.is_nan()) {
        step
    } else if let Some(steps) = &o.steps {
        let v = span / maxb;
        let i = steps.iter().take_while(|s| **s < v).count();
        steps.get(i.saturating_sub(1)).copied().unwrap_or(f64::NAN)
    } else {
        search_step(span, maxb, base, logb, or(o.minstep, 0.0), &o.divide)
    };
    let v = step.ln();
    let precision = if v >= 0.0 {
        0.0
    } else {
        to_int32(-v / logb) + 1.0
    };
    let eps = js_pow(base, -precision - 1.0);
    if o.nice {
        let v = (min / step + eps).floor() * step;
        min = if min < v { v - step } else { v };
        max = (max / step).ceil() * step;
    }
    BinParams {
        start: min,
        stop: if max == min { min + step } else { max },
        step,
    }
}

fn search_step(span: f64, maxb: f64, base: f64, logb: f64, minstep: f64, divide: &[f64]) -> f64 {
    let level = (maxb.ln() / logb).ceil();
    let mut step = js_max(minstep, js_pow(base, js_round(span.ln() / logb) - level));
    // Vega loops until the bins fit; a zero step would never fit.
    for _ in 0..2000 {
        if (span / step).ceil() > maxb {
            step *= base;
        } else {
            break;
        }
    }
    for d in divide {
        let v = step / d;
        if v >= minstep && span / v <= maxb {
            step = v;
        }
    }
    step
}

/// Vega's bin of one number (`v` already coerced; never null here).
#[inline]
fn bin_of(v: f64, p: &BinParams) -> f64 {
    if v < p.start {
        f64::NEG_INFINITY
    } else if v > p.stop {
        f64::INFINITY
    } else {
        let v = js_max(p.start, js_min(v, p.stop - p.step));
        p.start + p.step * (EPSILON + (v - p.start) / p.step).floor()
    }
}

/// Vega's bin end for a bin start `b`.
#[inline]
fn bin_end(b: f64, p: &BinParams) -> f64 {
    p.start + p.step * (1.0 + (b - p.start) / p.step)
}

/// Bins every value of `column` with `params`: (bin start, bin end) per row, as Vega's `bin`
/// transform writes `bin0`/`bin1` (Vega-Lite's `bin_maxbins_10_x` and `..._end`).
///
/// ```
/// use storychart::data::kernels::bin::{bin, BinParams};
/// use storychart::data::{Column, NumberColumn};
/// let col = Column::Number(NumberColumn::from_options([Some(0.0), Some(55.9), Some(60.0), Some(-1.0), None]));
/// let (b0, b1) = bin(&col, &BinParams { start: 0.0, stop: 60.0, step: 10.0 });
/// assert_eq!(b0.values[..4], [0.0, 50.0, 50.0, f64::NEG_INFINITY]);
/// assert_eq!(b1.values[..3], [10.0, 60.0, 60.0]);
/// assert_eq!(b0.get(4), None);
/// ```
pub fn bin(column: &Column, params: &BinParams) -> (NumberColumn, NumberColumn) {
    let cells = Cells::new(Some(column));
    let n = column.len();
    let mut start = NumberColumn::default();
    let mut end = NumberColumn::default();
    if let State::AllValid = cells.state {
        start.values = cells.values.iter().map(|v| bin_of(*v, params)).collect();
        end.values = start.values.iter().map(|b| bin_end(*b, params)).collect();
        start.valid = crate::data::Bitmap::filled(n, true);
        end.valid = crate::data::Bitmap::filled(n, true);
        // NaN results (a NaN step) are invalid, as NumberColumn requires.
        if start.values.iter().chain(&end.values).any(|v| v.is_nan()) {
            start = NumberColumn::from_options(start.values.iter().map(|v| Some(*v)));
            end = NumberColumn::from_options(end.values.iter().map(|v| Some(*v)));
        }
        return (start, end);
    }
    for i in 0..n {
        let b = match (cells.kind(i), cells.values.get(i)) {
            (Kind::Missing, _) | (_, None) => None,
            (_, Some(v)) => Some(bin_of(*v, params)),
        };
        start.push(b);
        end.push(b.map(|b| bin_end(b, params)));
    }
    (start, end)
}

/// Fused `bin` + `count`: the bins of `column` with `params` and their row counts, in order
/// of first appearance, exactly as [`bin`] then a group-by on the bin start then `count`
/// give them (null rows form a group whose start is `None`). Bins are counted in a dense
/// array by index, with no per-row output column. `None` when the bins are too many (over
/// 2^20) or the parameters are not finite: the caller then takes the general path.
///
/// ```
/// use storychart::data::kernels::bin::{bin_count, BinParams};
/// use storychart::data::NumberColumn;
/// let col = NumberColumn::from_options([Some(12.0), None, Some(3.0), Some(19.0), Some(20.0)]);
/// let p = BinParams { start: 0.0, stop: 20.0, step: 10.0 };
/// let (starts, counts) = bin_count(&col, &p).unwrap();
/// assert_eq!(starts, vec![Some(10.0), None, Some(0.0)]);
/// assert_eq!(counts, vec![3, 1, 1]);
/// ```
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss
)]
pub fn bin_count(
    column: &NumberColumn,
    params: &BinParams,
) -> Option<(Vec<Option<f64>>, Vec<u64>)> {
    let BinParams { start, stop, step } = *params;
    let span = (stop - start) / step;
    let usable = start.is_finite() && stop.is_finite() && step.is_finite() && step > 0.0;
    if !(usable && (0.0..=1_048_576.0).contains(&span)) {
        return None;
    }
    let bins = span.ceil() as usize + 1;
    // Slots: bins..., then -Infinity, +Infinity, null.
    let null = bins + 2;
    let rows = column.values.len();
    let values = column.values.as_slice();
    let all_valid = column.valid.len() >= rows && column.valid.count_valid() >= rows;
    let words = column.valid.words();
    u32::try_from(rows).ok()?;
    let slotter = Slotter::new(params, bins)?;
    // Several histogram copies (by row), so runs of rows in one bin do not wait on each
    // other's increments.
    let mut hist = vec![0u32; (bins + 3) * COPIES];
    let mut base = 0;
    while base < rows {
        let end = (base + 64).min(rows);
        let word = if all_valid {
            u64::MAX
        } else {
            words.get(base / 64).copied().unwrap_or(0)
        };
        let block = values.get(base..end).unwrap_or(&[]);
        // A block of valid values inside [start, stop] (no NaN) takes the short loop.
        let mut inside =
            word == u64::MAX || end - base < 64 && word.count_ones() as usize == end - base;
        // Plain index loops: the size-optimised build keeps iterator adapters (`enumerate`)
        // as calls, once per row.
        let n = block.len();
        if slotter.table() {
            let mut j = 0;
            while j < n {
                let v = block.get(j).copied().unwrap_or(f64::NAN);
                inside &= (slotter.start <= v) & (v <= slotter.stop);
                j += 1;
            }
        } else {
            inside = false;
        }
        let mut j = 0;
        if inside {
            while j < n {
                let slot = slotter.bin_inside(block.get(j).copied().unwrap_or(f64::NAN));
                if let Some(c) = hist.get_mut(slot * COPIES + j % COPIES) {
                    *c += 1;
                }
                j += 1;
            }
        } else {
            while j < n {
                let slot = if (word >> j) & 1 == 1 {
                    slotter.slot(block.get(j).copied().unwrap_or(f64::NAN))
                } else {
                    null
                };
                if let Some(c) = hist.get_mut(slot * COPIES + j % COPIES) {
                    *c += 1;
                }
                j += 1;
            }
        }
        base = end;
    }
    let count: Vec<u64> = hist
        .chunks(COPIES)
        .map(|c| c.iter().map(|n| u64::from(*n)).sum())
        .collect();
    // First appearances: scan from the start until every non-empty slot is seen.
    let groups = count.iter().filter(|c| **c > 0).count();
    let mut first = vec![usize::MAX; bins + 3];
    let mut seen = 0;
    for (row, v) in values.iter().enumerate() {
        if seen >= groups {
            break;
        }
        let slot = if all_valid || column.valid.get(row) {
            slotter.slot(*v)
        } else {
            null
        };
        if let Some(f) = first.get_mut(slot) {
            if *f == usize::MAX {
                *f = row;
                seen += 1;
            }
        }
    }
    let (neg, pos) = (bins, bins + 1);
    let mut order: Vec<usize> = (0..count.len())
        .filter(|s| count.get(*s).is_some_and(|c| *c > 0))
        .collect();
    order.sort_unstable_by_key(|s| first.get(*s).copied().unwrap_or(usize::MAX));
    let starts = order
        .iter()
        .map(|s| match *s {
            s if s == null => None,
            s if s == neg => Some(f64::NEG_INFINITY),
            s if s == pos => Some(f64::INFINITY),
            k => Some(start + step * (k as f64)),
        })
        .collect();
    let counts = order
        .iter()
        .map(|s| count.get(*s).copied().unwrap_or(0))
        .collect();
    Some((starts, counts))
}

/// Histogram copies in [`bin_count`].
const COPIES: usize = 4;

/// Bin indices without a division per row: `k0 = (v - start) * (1 / step)` is within one of
/// Vega's `floor(1e-14 + (v - start) / step)`, and a table of thresholds (the smallest value
/// of each bin, found once by bisection over the doubles with Vega's exact formula, which
/// is monotone in `v`) corrects it; a row the table cannot place (never seen in tests) takes
/// the exact formula.
struct Slotter {
    start: f64,
    stop: f64,
    last: f64,
    step: f64,
    inv: f64,
    bins: usize,
    /// `lower[k]` = the smallest value in bin `k` (`lower[0] = -inf`, `lower[bins] = +inf`).
    lower: Vec<f64>,
}

/// Bins up to which [`Slotter`] builds its threshold table (64 bisection steps per bin).
const TABLE_BINS: usize = 4096;

impl Slotter {
    #[allow(clippy::cast_precision_loss)]
    fn new(p: &BinParams, bins: usize) -> Option<Self> {
        let mut s = Self {
            start: p.start,
            stop: p.stop,
            last: p.stop - p.step,
            step: p.step,
            inv: 1.0 / p.step,
            bins,
            lower: Vec::new(),
        };
        // `k0` is within one of Vega's index below `last` (quotients under 2^20 differ by
        // far less than one); on `[last, stop]` Vega clamps to `last`, so check the top.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let k_top = (((p.stop - p.start) * s.inv) as usize).min(bins - 1);
        #[allow(clippy::cast_precision_loss)]
        let near = (k_top as f64) - s.exact(p.stop) <= 1.0 && s.exact(p.stop) < bins as f64;
        if bins <= TABLE_BINS && near {
            let mut lower = Vec::with_capacity(bins + 1);
            lower.push(f64::NEG_INFINITY);
            for k in 1..bins {
                lower.push(s.smallest_with_index(k as f64));
            }
            lower.push(f64::INFINITY);
            s.lower = lower;
        }
        Some(s)
    }

    /// Vega's bin index of `v` in `[start, stop]`.
    #[inline(always)]
    fn exact(&self, v: f64) -> f64 {
        let v = js_max(self.start, js_min(v, self.last));
        (EPSILON + (v - self.start) / self.step).floor()
    }

    /// The smallest double in `[start, stop]` whose [`Slotter::exact`] index is at least `k`
    /// (`+inf` when none is).
    fn smallest_with_index(&self, k: f64) -> f64 {
        if self.exact(self.stop) < k {
            return f64::INFINITY;
        }
        let (mut lo, mut hi) = (order_key(self.start), order_key(self.stop));
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.exact(from_order_key(mid)) >= k {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        from_order_key(lo)
    }

    /// Whether the threshold table is built (else every row takes the exact formula).
    fn table(&self) -> bool {
        !self.lower.is_empty()
    }

    /// The bin of `v` in `[start, stop]` when [`Slotter::table`]: `k0` corrected by the
    /// thresholds, no division, no branch.
    #[inline(always)]
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    fn bin_inside(&self, v: f64) -> usize {
        let k0 = (((v - self.start) * self.inv) as usize).min(self.bins - 1);
        let lo = self.lower.get(k0).copied().unwrap_or(f64::NEG_INFINITY);
        let hi = self.lower.get(k0 + 1).copied().unwrap_or(f64::INFINITY);
        k0 - usize::from(v < lo) + usize::from(v >= hi)
    }

    /// The slot of `v` (valid): its bin, or `bins` (below `start`), `bins + 1` (above
    /// `stop`), `bins + 2` (`NaN`).
    #[inline(always)]
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    fn slot(&self, v: f64) -> usize {
        let k0 = (((v - self.start) * self.inv) as usize).min(self.bins - 1);
        let (lo, hi) = (
            self.lower.get(k0).copied().unwrap_or(f64::NAN),
            self.lower.get(k0 + 1).copied().unwrap_or(f64::NAN),
        );
        let k = k0 - usize::from(v < lo) + usize::from(v >= hi);
        let placed = self.lower.get(k).is_some_and(|l| *l <= v)
            && self.lower.get(k + 1).is_some_and(|h| v < *h);
        let k = if placed || !(self.start..=self.stop).contains(&v) {
            k
        } else {
            self.exact(v) as usize
        };
        let k = if v < self.start { self.bins } else { k };
        let k = if v > self.stop { self.bins + 1 } else { k };
        if v.is_nan() {
            self.bins + 2
        } else {
            k
        }
    }
}

/// A `u64` that orders finite doubles as `<` does (`-0` just below `+0`).
fn order_key(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 {
        !b
    } else {
        b | (1 << 63)
    }
}

/// The inverse of [`order_key`].
fn from_order_key(k: u64) -> f64 {
    f64::from_bits(if k >> 63 == 1 { k & !(1 << 63) } else { !k })
}

/// The `[min, max]` of a column's numbers, as Vega's `extent` transform computes it (nulls,
/// `""` and non-numbers skipped). `None` when there is no number, or when the extent is not
/// finite (Vega then warns "Infinite extent" and leaves it undefined).
///
/// ```
/// use storychart::data::kernels::bin::extent;
/// use storychart::data::{Column, NumberColumn};
/// let col = Column::Number(NumberColumn::from_options([Some(3.0), None, Some(-2.0)]));
/// assert_eq!(extent(&col), Some([-2.0, 3.0]));
/// ```
pub fn extent(column: &Column) -> Option<[f64; 2]> {
    if let Column::Number(c) = column {
        return number_extent(c);
    }
    let cells = Cells::new(Some(column));
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for (i, v) in cells.values.iter().enumerate() {
        if cells.kind(i) == Kind::Missing {
            continue;
        }
        if *v < lo {
            lo = *v;
        }
        if *v > hi {
            hi = *v;
        }
    }
    (lo.is_finite() && hi.is_finite()).then_some([lo, hi])
}

/// [`extent`] of a number column: plain loops over 64 rows per validity word (`NaN` never
/// wins a comparison, so it is skipped as in Vega).
fn number_extent(c: &NumberColumn) -> Option<[f64; 2]> {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    let words = c.valid.words();
    for (w, block) in c.values.chunks(64).enumerate() {
        let word = words.get(w).copied().unwrap_or(0);
        if word == u64::MAX {
            for v in block {
                lo = if *v < lo { *v } else { lo };
                hi = if *v > hi { *v } else { hi };
            }
        } else {
            for (j, v) in block.iter().enumerate() {
                if (word >> j) & 1 == 1 {
                    lo = if *v < lo { *v } else { lo };
                    hi = if *v > hi { *v } else { hi };
                }
            }
        }
    }
    (lo.is_finite() && hi.is_finite()).then_some([lo, hi])
}

#[cfg(test)]
mod tests;
