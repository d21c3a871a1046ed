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
use crate::data::{Column, NumberColumn, Table};
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
/// One pass, two rows at a time ([`Binner::slots`]: 128-bit lanes in the WASM build), with
/// no branch on the data: each row's slot is Vega's own formula (so equal to [`bin`] by
/// construction), and values outside `[start, stop]`, `NaN` and null rows are steered to
/// their slots by selects.
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
pub fn bin_count(
    column: &NumberColumn,
    params: &BinParams,
) -> Option<(Vec<Option<f64>>, Vec<u64>)> {
    let (bins, binner) = count_setup(column, params)?;
    let rows = column.values.len();
    let values = column.values.as_slice();
    let all_valid = column.valid.len() >= rows && column.valid.count_valid() >= rows;
    let words = column.valid.words();
    let slots = bins + 3;
    let count = if slots <= PAIR_STRIDE {
        let mut hist = PairHist::new();
        count_slots(&mut hist, &binner, values, words, all_valid);
        hist.counts(slots)
    } else {
        let mut hist = CopyHist(vec![0u32; slots * COPIES]);
        count_slots(&mut hist, &binner, values, words, all_valid);
        hist.counts(slots)
    };
    let count = binner.merge_unclamped(count);
    Some(count_groups(column, params, bins, &binner, &count))
}

/// The number of bins of `params` and their [`Binner`], or `None` where [`bin_count`]
/// declines (bins not finite or over 2^20, rows over 2^32).
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn count_setup(column: &NumberColumn, params: &BinParams) -> Option<(usize, Binner)> {
    let BinParams { start, stop, step } = *params;
    let span = (stop - start) / step;
    let usable = start.is_finite() && stop.is_finite() && step.is_finite() && step > 0.0;
    if !(usable && (0.0..=1_048_576.0).contains(&span)) {
        return None;
    }
    let bins = span.ceil() as usize + 1;
    let binner = Binner::new(params, bins)?;
    u32::try_from(column.values.len()).ok()?;
    Some((bins, binner))
}

/// [`bin_count`]'s result from the row count of each slot (`bins` bins, then below, above,
/// null): the non-empty slots in order of first appearance in `column`, with their starts.
#[allow(clippy::cast_precision_loss)]
fn count_groups(
    column: &NumberColumn,
    params: &BinParams,
    bins: usize,
    binner: &Binner,
    count: &[u64],
) -> (Vec<Option<f64>>, Vec<u64>) {
    let BinParams { start, step, .. } = *params;
    let null = bins + 2;
    let rows = column.values.len();
    let values = column.values.as_slice();
    let all_valid = column.valid.len() >= rows && column.valid.count_valid() >= rows;
    // First appearances: scan from the start until every non-empty slot is seen.
    let groups = count.iter().filter(|c| **c > 0).count();
    let mut first = vec![usize::MAX; bins + 3];
    let mut seen = 0;
    for (row, v) in values.iter().enumerate() {
        if seen >= groups {
            break;
        }
        let slot = if all_valid || column.valid.get(row) {
            binner.slot(*v)
        } else {
            binner.null_slot()
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
    (starts, counts)
}

/// [`bin_count`] of the number column `field` of `table`: the entry point for callers that
/// hold a table, so the kernel can use what the table remembers about its columns: a
/// column with a [`narrow::Narrow`] encoding ([`Table::narrow`]: whole numbers spanning at
/// most 65534) is counted from its 2-byte offsets ([`narrow::bin_count_narrow`]) from its
/// second bin on ([`Table::narrow_on_reuse`]), any other (and the first bin) by
/// [`bin_count`]; both give the same result. `None` where [`bin_count`] declines, or
/// `field` is not a number column.
///
/// ```
/// use storychart::data::kernels::bin::{bin_count_field, BinParams};
/// use storychart::data::{Column, NumberColumn, Table};
/// let mut t = Table::with_rows(3);
/// let col = NumberColumn::from_options([Some(1.0), Some(12.0), None]);
/// t.push_column("x", Column::Number(col)).unwrap();
/// let p = BinParams { start: 0.0, stop: 20.0, step: 10.0 };
/// let (starts, counts) = bin_count_field(&t, "x", &p).unwrap();
/// assert_eq!((starts, counts), (vec![Some(0.0), Some(10.0), None], vec![1, 1, 1]));
/// ```
pub fn bin_count_field(
    table: &Table,
    field: &str,
    params: &BinParams,
) -> Option<(Vec<Option<f64>>, Vec<u64>)> {
    match table.column(field)? {
        Column::Number(column) => match table.narrow_on_reuse(field) {
            Some(n) => narrow::bin_count_narrow(column, n, params),
            None => bin_count(column, params),
        },
        _ => None,
    }
}

/// Two rows' slots, as `f64` not yet converted to integers: `f64x2` lanes in the WASM build.
#[cfg(target_arch = "wasm32")]
type Pair = core::arch::wasm32::v128;
/// Two rows' slots, as `f64` not yet converted to integers.
#[cfg(not(target_arch = "wasm32"))]
type Pair = [f64; 2];

/// The row counts of [`bin_count`]'s slots.
trait Hist {
    /// Counts two rows (the `C`-th pair of a group of four rows) of slots `k`, or with
    /// `UNDO` takes them back out (exactly: the same `k` reach the same counters).
    fn pair<const C: usize, const UNDO: bool>(&mut self, k: Pair);
    /// Counts one row of slot `slot`.
    fn one(&mut self, slot: usize);
    /// The count of each of the first `slots` slots.
    fn counts(&self, slots: usize) -> Vec<u64>;
}

/// Slots per row of a [`PairHist`] (a power of two).
const PAIR_STRIDE: usize = 32;
/// Entries of a [`PairHist`]: two copies of `PAIR_STRIDE` x `PAIR_STRIDE`.
const PAIR_LEN: usize = 2 * PAIR_STRIDE * PAIR_STRIDE;

/// Counts of pairs of rows for up to [`PAIR_STRIDE`] slots (Vega-Lite's usual 4 to 29
/// bins): one increment per two rows, at `copy * 32^2 + 32 * k_a + k_b`, in a fixed array
/// whose masked index needs no bounds check. Two copies (by pair), so runs of rows in one
/// bin do not wait on each other's increments. A slot's count is its row plus its column.
struct PairHist {
    pairs: [u32; PAIR_LEN],
    ones: [u32; PAIR_STRIDE],
}

impl PairHist {
    fn new() -> Self {
        Self {
            pairs: [0; PAIR_LEN],
            ones: [0; PAIR_STRIDE],
        }
    }

    /// Adds one at `i` (masked into the array: out-of-range slots, which a block later
    /// found outside `[start, stop]` may give, land somewhere and are taken back out).
    #[inline(always)]
    fn bump<const UNDO: bool>(&mut self, i: usize) {
        // The mask proves the index in bounds to the compiler.
        if let Some(c) = self.pairs.get_mut(i & (PAIR_LEN - 1)) {
            *c = if UNDO {
                c.wrapping_sub(1)
            } else {
                c.wrapping_add(1)
            };
        }
    }
}

impl Hist for PairHist {
    #[cfg(not(target_arch = "wasm32"))]
    #[inline(always)]
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    fn pair<const C: usize, const UNDO: bool>(&mut self, k: Pair) {
        let [a, b] = k;
        // Wrapping: a block outside the bins may give any slot (then taken back out).
        self.bump::<UNDO>(
            (a as usize)
                .wrapping_mul(PAIR_STRIDE)
                .wrapping_add(b as usize)
                .wrapping_add(C * PAIR_STRIDE * PAIR_STRIDE),
        );
    }

    /// In lanes: `k * [32, 1] + [copy * 32^2 + 2^52, 0]`, the two lanes added, the index
    /// read from the low 32 bits.
    #[cfg(target_arch = "wasm32")]
    #[inline(always)]
    #[allow(clippy::cast_precision_loss, clippy::cast_sign_loss)]
    fn pair<const C: usize, const UNDO: bool>(&mut self, k: Pair) {
        use core::arch::wasm32::{f64x2, f64x2_add, f64x2_mul, i32x4_extract_lane, i64x2_shuffle};
        let m = f64x2_add(
            f64x2_mul(k, f64x2(PAIR_STRIDE as f64, 1.0)),
            f64x2((C * PAIR_STRIDE * PAIR_STRIDE) as f64 + MAGIC, 0.0),
        );
        let i = f64x2_add(m, i64x2_shuffle::<1, 0>(m, m));
        self.bump::<UNDO>(i32x4_extract_lane::<0>(i) as u32 as usize);
    }

    #[inline(always)]
    fn one(&mut self, slot: usize) {
        if let Some(c) = self.ones.get_mut(slot) {
            *c += 1;
        }
    }

    fn counts(&self, slots: usize) -> Vec<u64> {
        let square = PAIR_STRIDE * PAIR_STRIDE;
        let at = |i: usize| u64::from(self.pairs.get(i).copied().unwrap_or(0));
        (0..slots)
            .map(|s| {
                let mut n = u64::from(self.ones.get(s).copied().unwrap_or(0));
                for copy in 0..2 {
                    for t in 0..PAIR_STRIDE {
                        n += at(copy * square + s * PAIR_STRIDE + t);
                        n += at(copy * square + t * PAIR_STRIDE + s);
                    }
                }
                n
            })
            .collect()
    }
}

/// Histogram copies in a [`CopyHist`].
const COPIES: usize = 4;

/// Counts of single rows for any number of slots: slot `s`, copy `c` (by row in a group of
/// four) is `self.0[s * COPIES + c]`.
struct CopyHist(Vec<u32>);

impl CopyHist {
    #[inline(always)]
    fn bump<const UNDO: bool>(&mut self, i: usize) {
        if let Some(c) = self.0.get_mut(i) {
            *c = if UNDO {
                c.wrapping_sub(1)
            } else {
                c.wrapping_add(1)
            };
        }
    }
}

impl Hist for CopyHist {
    #[cfg(not(target_arch = "wasm32"))]
    #[inline(always)]
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    fn pair<const C: usize, const UNDO: bool>(&mut self, k: Pair) {
        let [a, b] = k;
        self.bump::<UNDO>((a as usize).wrapping_mul(COPIES).wrapping_add(2 * C));
        self.bump::<UNDO>((b as usize).wrapping_mul(COPIES).wrapping_add(2 * C + 1));
    }

    /// In lanes: `k * COPIES + copy + 2^52`, each index read from its lane's low 32 bits.
    #[cfg(target_arch = "wasm32")]
    #[inline(always)]
    #[allow(clippy::cast_precision_loss, clippy::cast_sign_loss)]
    fn pair<const C: usize, const UNDO: bool>(&mut self, k: Pair) {
        use core::arch::wasm32::{f64x2, f64x2_add, f64x2_mul, f64x2_splat, i32x4_extract_lane};
        let c = (2 * C) as f64 + MAGIC;
        let i = f64x2_add(f64x2_mul(k, f64x2_splat(COPIES as f64)), f64x2(c, c + 1.0));
        self.bump::<UNDO>(i32x4_extract_lane::<0>(i) as u32 as usize);
        self.bump::<UNDO>(i32x4_extract_lane::<2>(i) as u32 as usize);
    }

    #[inline(always)]
    fn one(&mut self, slot: usize) {
        self.bump::<false>(slot * COPIES);
    }

    fn counts(&self, slots: usize) -> Vec<u64> {
        let mut counts: Vec<u64> = self
            .0
            .chunks(COPIES)
            .map(|c| c.iter().map(|n| u64::from(*n)).sum())
            .collect();
        counts.resize(slots, 0);
        counts
    }
}

/// The counting pass of [`bin_count`]: every row's slot into `hist`, by blocks of 64 rows
/// (one validity word). A block of valid values all inside `[start, stop]` (the usual case:
/// the bins come from the data's extent) takes the short loop, four rows at a time; other
/// blocks select each row's slot.
#[inline(always)]
fn count_slots<H: Hist>(
    hist: &mut H,
    binner: &Binner,
    values: &[f64],
    words: &[u64],
    all_valid: bool,
) {
    let rows = values.len();
    let mut base = 0;
    while base < rows {
        let end = (base + 64).min(rows);
        let word = if all_valid {
            u64::MAX
        } else {
            words.get(base / 64).copied().unwrap_or(0)
        };
        let block = values.get(base..end).unwrap_or(&[]);
        let n = block.len();
        // Every row of the block valid (the bits past a short last block do not count).
        #[allow(clippy::cast_possible_truncation)]
        let past = u64::MAX.checked_shl(n as u32).unwrap_or(0);
        let full = word | past == u64::MAX;
        // Plain index loops: the size-optimised build keeps iterator adapters as calls.
        let mut j = 0;
        if full {
            // Counted as if inside [start, stop], the block's range noted on the way; if it
            // was not, the same counts are taken back out and the block is selected below.
            let mut range = Range::new();
            j = inside_block::<H, false>(hist, binner, block, &mut range);
            if !range.inside(binner) {
                inside_block::<H, true>(hist, binner, block, &mut range);
                j = 0;
            }
        }
        if j == 0 {
            while j + 1 < n {
                if let Some(&[a, b]) = block.get(j..j + 2) {
                    // All ones where the row is null.
                    let na = ((word >> j) & 1).wrapping_sub(1);
                    let nb = ((word >> (j + 1)) & 1).wrapping_sub(1);
                    hist.pair::<0, false>(binner.pair(a, b, na, nb));
                }
                j += 2;
            }
        }
        while j < n {
            if let Some(v) = block.get(j) {
                hist.one(if (word >> j) & 1 == 1 {
                    binner.slot(*v)
                } else {
                    binner.null_slot()
                });
            }
            j += 1;
        }
        base = end;
    }
}

/// The short loop of [`count_slots`], four valid rows at a time, assuming every value is
/// inside `[start, stop]` ([`Binner::pair_inside`]) and noting their range in `range`; with
/// `UNDO`, takes the same counts back out. Returns the rows done (a multiple of four).
#[inline(always)]
fn inside_block<H: Hist, const UNDO: bool>(
    hist: &mut H,
    binner: &Binner,
    block: &[f64],
    range: &mut Range,
) -> usize {
    let n = block.len();
    let mut j = 0;
    while j + 3 < n {
        if let Some(&[a, b, c, d]) = block.get(j..j + 4) {
            if !UNDO {
                range.add(a, b);
                range.add(c, d);
            }
            hist.pair::<0, UNDO>(binner.pair_inside(a, b));
            hist.pair::<1, UNDO>(binner.pair_inside(c, d));
        }
        j += 4;
    }
    j
}

/// The smallest and largest value of a block, and whether one is `NaN` (or infinite: their
/// sum is not finite; a sum that overflows only sends the block down the general path).
#[cfg(not(target_arch = "wasm32"))]
struct Range {
    lo: f64,
    hi: f64,
    sum: f64,
}

#[cfg(not(target_arch = "wasm32"))]
impl Range {
    fn new() -> Self {
        Self {
            lo: f64::INFINITY,
            hi: f64::NEG_INFINITY,
            sum: 0.0,
        }
    }

    #[inline(always)]
    fn add(&mut self, a: f64, b: f64) {
        for v in [a, b] {
            self.lo = if v < self.lo { v } else { self.lo };
            self.hi = if self.hi < v { v } else { self.hi };
            self.sum += v;
        }
    }

    /// Whether every value added is inside `[start, stop]`, none `NaN`.
    fn inside(&self, b: &Binner) -> bool {
        b.start <= self.lo && self.hi <= b.stop && self.sum.is_finite()
    }
}

/// [`Range`] in `f64x2` lanes (`pmin`, `pmax`, `add`: three operations per two rows).
#[cfg(target_arch = "wasm32")]
struct Range {
    lo: core::arch::wasm32::v128,
    hi: core::arch::wasm32::v128,
    sum: core::arch::wasm32::v128,
}

#[cfg(target_arch = "wasm32")]
impl Range {
    fn new() -> Self {
        use core::arch::wasm32::f64x2_splat;
        Self {
            lo: f64x2_splat(f64::INFINITY),
            hi: f64x2_splat(f64::NEG_INFINITY),
            sum: f64x2_splat(0.0),
        }
    }

    #[inline(always)]
    fn add(&mut self, a: f64, b: f64) {
        use core::arch::wasm32::{f64x2, f64x2_add, f64x2_pmax, f64x2_pmin};
        let v = f64x2(a, b);
        self.lo = f64x2_pmin(self.lo, v);
        self.hi = f64x2_pmax(self.hi, v);
        self.sum = f64x2_add(self.sum, v);
    }

    fn inside(&self, b: &Binner) -> bool {
        use core::arch::wasm32::f64x2_extract_lane as lane;
        let (lo, hi) = (lane::<0>(self.lo), lane::<1>(self.lo));
        let (h0, h1) = (lane::<0>(self.hi), lane::<1>(self.hi));
        b.start <= lo.min(hi)
            && h0.max(h1) <= b.stop
            && lane::<0>(self.sum).is_finite()
            && lane::<1>(self.sum).is_finite()
    }
}

/// The slot of a row in [`bin_count`]: its bin `k` (Vega's
/// `floor(1e-14 + (clamp(v, start, stop - step) - start) / step)`, computed with exactly
/// Vega's operations), or `bins` (below `start`), `bins + 1` (above `stop`), `bins + 2`
/// (null or `NaN`). The clamped quotient is never negative, so its floor is its truncation.
/// Slots are carried as `f64` until the conversion to an integer, so every case is a select.
///
/// The pair methods give histogram indices (`slot * COPIES + copy`) of two rows at once: in
/// 128-bit lanes (`f64x2`) in the WASM build (built with `simd128`), where the index is
/// formed in the lanes and read out of the low half of `index + 2^52`; elsewhere row by row
/// with [`Binner::index`]. Both give the same indices (property tests natively and in
/// `tests/web.rs`).
struct Binner {
    start: f64,
    stop: f64,
    /// `stop - step`: Vega clamps values to it, so `stop` falls in the last bin.
    last: f64,
    step: f64,
    below: f64,
    above: f64,
    null: f64,
}

/// `2^52`: for an integer `0 <= i < 2^31`, the low 32 bits of `i + 2^52` are `i`.
#[cfg(target_arch = "wasm32")]
const MAGIC: f64 = 4_503_599_627_370_496.0;

impl Binner {
    /// `None` when the largest bin index, clamped or not (that of `stop`: the index is
    /// monotone in the value), would not fit below the special slots.
    #[allow(clippy::cast_precision_loss)]
    fn new(p: &BinParams, bins: usize) -> Option<Self> {
        let b = Self {
            start: p.start,
            stop: p.stop,
            last: p.stop - p.step,
            step: p.step,
            below: bins as f64,
            above: (bins + 1) as f64,
            null: (bins + 2) as f64,
        };
        let top = b.index(p.stop).max(b.unclamped(p.stop).floor());
        (top < bins as f64).then_some(b)
    }

    /// The slot of a valid value, as an `f64` (not yet truncated).
    #[inline(always)]
    fn index(&self, v: f64) -> f64 {
        // `pmin` / `pmax` as WebAssembly defines them (`b < a ? b : a`), which the lanes
        // use; for a non-NaN `v` they are Vega's `Math.min` / `Math.max` up to the sign of a
        // zero, which the `+ 1e-14` makes irrelevant.
        let c = if self.last < v { self.last } else { v };
        let c = if self.start < c { c } else { self.start };
        let k = EPSILON + (c - self.start) / self.step;
        let k = if v < self.start { self.below } else { k };
        let k = if v > self.stop { self.above } else { k };
        if v.is_nan() {
            self.null
        } else {
            k
        }
    }

    /// The slot of a valid row's value.
    #[inline(always)]
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    fn slot(&self, v: f64) -> usize {
        self.index(v) as usize
    }

    /// The slot of null rows.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    fn null_slot(&self) -> usize {
        self.null as usize
    }

    /// The unclamped index of a value inside `[start, stop]`:
    /// `1e-14 + (v - start) / step`, not yet truncated.
    #[inline(always)]
    fn unclamped(&self, v: f64) -> f64 {
        EPSILON + (v - self.start) / self.step
    }

    /// The unclamped indices ([`Binner::unclamped`]) of two valid rows inside
    /// `[start, stop]`: Vega's index below `last`, and from `kmax` (Vega's index of `last`
    /// and `stop`) up to at most `bins - 1` on `(last, stop]`, since the index is monotone
    /// in the value and `floor(1e-14 + span) <= ceil(span) = bins - 1`. No clamp per row:
    /// [`Binner::merge_unclamped`] moves the counts above `kmax` to `kmax` at the end.
    #[cfg(not(target_arch = "wasm32"))]
    #[inline(always)]
    fn pair_inside(&self, a: f64, b: f64) -> Pair {
        [self.unclamped(a), self.unclamped(b)]
    }

    /// Slot counts with the unclamped indices of [`Binner::pair_inside`] folded into Vega's
    /// last bin (`kmax`, the index of `stop`): slots `kmax + 1 .. bins` hold only values in
    /// `(last, stop]`, which Vega clamps to `last`.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    fn merge_unclamped(&self, mut count: Vec<u64>) -> Vec<u64> {
        let kmax = self.slot(self.stop);
        let bins = self.below as usize;
        let mut extra = 0;
        for s in kmax + 1..bins {
            if let Some(c) = count.get_mut(s) {
                extra += *c;
                *c = 0;
            }
        }
        if let Some(c) = count.get_mut(kmax) {
            *c += extra;
        }
        count
    }

    /// The slots of any two rows; `null_a` / `null_b` are all ones when that row is null,
    /// else zero.
    #[cfg(not(target_arch = "wasm32"))]
    #[inline(always)]
    fn pair(&self, a: f64, b: f64, null_a: u64, null_b: u64) -> Pair {
        let sa = if null_a == 0 {
            self.index(a)
        } else {
            self.null
        };
        let sb = if null_b == 0 {
            self.index(b)
        } else {
            self.null
        };
        [sa, sb]
    }

    /// The lanes' `floor(1e-14 + (clamp(v) - start) / step)`.
    #[cfg(target_arch = "wasm32")]
    #[inline(always)]
    fn lanes_bin(&self, v: core::arch::wasm32::v128) -> core::arch::wasm32::v128 {
        use core::arch::wasm32::{
            f64x2_add, f64x2_div, f64x2_floor, f64x2_pmax, f64x2_pmin, f64x2_splat, f64x2_sub,
        };
        let start = f64x2_splat(self.start);
        let c = f64x2_pmax(start, f64x2_pmin(v, f64x2_splat(self.last)));
        f64x2_floor(f64x2_add(
            f64x2_splat(EPSILON),
            f64x2_div(f64x2_sub(c, start), f64x2_splat(self.step)),
        ))
    }

    /// [`Binner::pair_inside`] in `f64x2` lanes, floored: no clamp, no select.
    #[cfg(target_arch = "wasm32")]
    #[inline(always)]
    fn pair_inside(&self, a: f64, b: f64) -> Pair {
        use core::arch::wasm32::{
            f64x2, f64x2_add, f64x2_div, f64x2_floor, f64x2_splat, f64x2_sub,
        };
        f64x2_floor(f64x2_add(
            f64x2_splat(EPSILON),
            f64x2_div(
                f64x2_sub(f64x2(a, b), f64x2_splat(self.start)),
                f64x2_splat(self.step),
            ),
        ))
    }

    /// [`Binner::pair`] in `f64x2` lanes: the same operations as [`Binner::index`], lane by
    /// lane, with `v128.bitselect` for the selects.
    #[cfg(target_arch = "wasm32")]
    #[inline(always)]
    fn pair(&self, a: f64, b: f64, null_a: u64, null_b: u64) -> Pair {
        use core::arch::wasm32::{
            f64x2, f64x2_eq, f64x2_gt, f64x2_lt, f64x2_splat, u64x2, v128_and, v128_bitselect,
        };
        let v = f64x2(a, b);
        let k = self.lanes_bin(v);
        let k = v128_bitselect(
            f64x2_splat(self.below),
            k,
            f64x2_lt(v, f64x2_splat(self.start)),
        );
        let k = v128_bitselect(
            f64x2_splat(self.above),
            k,
            f64x2_gt(v, f64x2_splat(self.stop)),
        );
        // Valid and not NaN: `v == v` and not flagged null.
        let keep = v128_and(f64x2_eq(v, v), u64x2(!null_a, !null_b));
        v128_bitselect(k, f64x2_splat(self.null), keep)
    }
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

/// `lo` and `hi` lowered / raised by the values of `block` in row order (`NaN` never wins;
/// of equal values the first stays, which tells `-0` from `0`, as Vega's loop does).
fn block_extent_rows(block: &[f64], mut lo: f64, mut hi: f64) -> (f64, f64) {
    for v in block {
        lo = if *v < lo { *v } else { lo };
        hi = if *v > hi { *v } else { hi };
    }
    (lo, hi)
}

/// `lo` and `hi` lowered / raised by the values of `block` (natively:
/// [`block_extent_rows`]).
#[cfg(not(target_arch = "wasm32"))]
fn block_extent(block: &[f64], lo: f64, hi: f64) -> (f64, f64) {
    block_extent_rows(block, lo, hi)
}

/// [`block_extent_rows`] in `f64x2` lanes: `pmin` / `pmax` are exactly `v < lo ? v : lo`
/// and `hi < v ? v : hi`, so `NaN` never wins here either. The lanes see the rows out of
/// order, which only matters between `-0` and `0`: a zero result is redone row by row.
#[cfg(target_arch = "wasm32")]
fn block_extent(block: &[f64], lo: f64, hi: f64) -> (f64, f64) {
    let (in_lo, in_hi) = (lo, hi);
    use core::arch::wasm32::{
        f64x2, f64x2_extract_lane as lane, f64x2_pmax, f64x2_pmin, f64x2_splat,
    };
    let (mut l, mut h) = (f64x2_splat(lo), f64x2_splat(hi));
    let mut j = 0;
    while j + 1 < block.len() {
        if let Some(&[a, b]) = block.get(j..j + 2) {
            let v = f64x2(a, b);
            l = f64x2_pmin(l, v);
            h = f64x2_pmax(h, v);
        }
        j += 2;
    }
    let pick_lo = |a: f64, b: f64| if b < a { b } else { a };
    let pick_hi = |a: f64, b: f64| if a < b { b } else { a };
    let mut lo = pick_lo(lane::<0>(l), lane::<1>(l));
    let mut hi = pick_hi(lane::<0>(h), lane::<1>(h));
    if let Some(v) = block.get(j) {
        lo = pick_lo(lo, *v);
        hi = pick_hi(hi, *v);
    }
    if lo == 0.0 || hi == 0.0 {
        return block_extent_rows(block, in_lo, in_hi);
    }
    (lo, hi)
}

/// [`extent`] of a number column: plain loops over 64 rows per validity word (`NaN` never
/// wins a comparison, so it is skipped as in Vega).
fn number_extent(c: &NumberColumn) -> Option<[f64; 2]> {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    let words = c.valid.words();
    for (w, block) in c.values.chunks(64).enumerate() {
        let word = words.get(w).copied().unwrap_or(0);
        if word == u64::MAX {
            (lo, hi) = block_extent(block, lo, hi);
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

/// Vega's bin end of the bin start `start` (`start + step * (1 + (start - p.start) / step)`),
/// the same operations as [`bin`]'s end column, for callers that build a bin's end from a
/// start [`bin_count`] returns (the plan's histogram route).
///
/// ```
/// use storychart::data::kernels::bin::{bin_end_of, BinParams};
/// let p = BinParams { start: 0.0, stop: 60.0, step: 10.0 };
/// assert_eq!(bin_end_of(50.0, &p), 60.0);
/// assert_eq!(bin_end_of(f64::NEG_INFINITY, &p), f64::NEG_INFINITY);
/// ```
pub fn bin_end_of(start: f64, params: &BinParams) -> f64 {
    bin_end(start, params)
}

pub mod narrow;

#[cfg(test)]
mod tests;
