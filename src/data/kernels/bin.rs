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
    let (neg, pos, null) = (bins, bins + 1, bins + 2);
    let mut count = vec![0u64; bins + 3];
    let mut first = vec![usize::MAX; bins + 3];
    let last = stop - step;
    let rows = column.values.len();
    let all_valid = column.valid.len() >= rows && column.valid.count_valid() >= rows;
    let mut bump = |slot: usize, row: usize| {
        if let (Some(c), Some(f)) = (count.get_mut(slot), first.get_mut(slot)) {
            if *c == 0 {
                *f = row;
            }
            *c += 1;
        }
    };
    for (row, v) in column.values.iter().enumerate() {
        let v = *v;
        let slot = if !(all_valid || column.valid.get(row)) || v.is_nan() {
            null
        } else if v < start {
            neg
        } else if v > stop {
            pos
        } else {
            let v = js_max(start, js_min(v, last));
            let k = (EPSILON + (v - start) / step).floor();
            if !(0.0..bins as f64).contains(&k) {
                return None;
            }
            k as usize
        };
        bump(slot, row);
    }
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

#[cfg(test)]
mod tests;
