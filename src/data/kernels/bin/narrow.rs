//! The narrow encoding of whole-number columns, and [`bin_count`](super::bin_count) over it.
//!
//! Stage: kernels. Counts, years, ages and whole-dollar amounts are whole numbers over a
//! range much smaller than `f64`'s: such a column is also held as `u16` offsets from its
//! minimum ([`Narrow`], 2 bytes per row beside the column's 8), built once per column on
//! first use ([`crate::data::Table::narrow`]). Binning it reads a quarter of the bytes and
//! does integer lane work:
//!
//! Vega's bin of a value is monotone in the value (every IEEE operation in
//! [`Binner::index`](super::Binner) is), so over whole offsets the bins are cut by
//! thresholds, each the smallest offset whose bin is at least the next one, found by
//! bisection with the same scalar formula the `f64` path uses (so the result is that path's,
//! bit for bit). A bin's count is then `#(offset >= t_k) - #(offset >= t_k+1)`, and the
//! counting pass compares 8 offsets per lane operation (`i16x8`) with each threshold. Past
//! [`LANE_THRESHOLDS`] thresholds a histogram of the offsets is counted instead.

use super::{count_groups, count_setup, BinParams};
use crate::data::NumberColumn;

/// The offset of null rows (and `NaN`, which bins as null).
pub const SENTINEL: u16 = u16::MAX;

/// The widest `max - min` a [`Narrow`] holds (offsets `0..=65534`; 65535 is [`SENTINEL`]).
pub const MAX_SPAN: f64 = 65_534.0;

/// Columns shorter than this keep to the `f64` path ([`crate::data::Table::narrow`] gives
/// `None`): their bins cost well under a millisecond either way, and the encoding would
/// cost memory and a pass for nothing.
pub const MIN_ROWS: usize = 1 << 15;

/// Up to this many thresholds (distinct bin edges inside the column's range), the counting
/// pass compares offsets with each; past it, one histogram pass over the offsets is cheaper.
/// Chosen by timing both on 10M whole numbers in Chromium (opt z): each threshold costs
/// about the same, and from about 16 thresholds on the histogram pass was as fast.
#[cfg(target_arch = "wasm32")]
pub const LANE_THRESHOLDS: usize = 16;

/// Natively (no lanes here: the native build is not shipped) the histogram is always the
/// cheaper when timed on 10M rows, even against a few thresholds.
#[cfg(not(target_arch = "wasm32"))]
pub const LANE_THRESHOLDS: usize = 0;

/// A whole-number column as `u16` offsets from its minimum.
#[derive(Clone, Debug, PartialEq)]
pub struct Narrow {
    /// The smallest valid value (the column's `extent[0]`).
    pub base: f64,
    /// The largest offset of a valid value (`extent[1] - base`).
    pub top: u16,
    /// Number of rows.
    pub rows: usize,
    /// Rows whose offset is [`SENTINEL`] (null or `NaN`).
    pub nulls: u64,
    /// The offsets, four per word: row `i` is bits `16 * (i % 4)..` of word `i / 4`
    /// (`v - base`, or [`SENTINEL`]); the rows past the end of the last word are
    /// [`SENTINEL`] too. Words, not `u16`s, so the lanes load 8 offsets with two reads.
    pub words: Vec<u64>,
}

impl Narrow {
    /// The narrow encoding of `column` whose extent (of its valid, non-`NaN` values) is
    /// `extent`, or `None` unless every valid value is a finite whole number and
    /// `max - min <= 65534`. One pass, which stops at the first value that does not fit.
    /// (`-0` is stored as offset 0 from a base of `0` or `-0`: Vega's bin of both zeros is
    /// the same.)
    ///
    /// ```
    /// use storychart::data::kernels::bin::narrow::Narrow;
    /// use storychart::data::NumberColumn;
    /// let col = NumberColumn::from_options([Some(1990.0), None, Some(2024.0)]);
    /// let n = Narrow::new(&col, Some([1990.0, 2024.0])).unwrap();
    /// assert_eq!((n.base, n.top, n.nulls), (1990.0, 34, 1));
    /// assert_eq!((n.offset(0), n.offset(1), n.offset(2)), (0, 0xFFFF, 34));
    /// let halves = NumberColumn::from_options([Some(0.5), Some(2.0)]);
    /// assert_eq!(Narrow::new(&halves, Some([0.5, 2.0])), None);
    /// ```
    pub fn new(column: &NumberColumn, extent: Option<[f64; 2]>) -> Option<Self> {
        Self::encode(column, extent, true)
    }

    /// [`Narrow::new`] one row at a time: the twin of its lanes (natively the same).
    pub fn new_rows(column: &NumberColumn, extent: Option<[f64; 2]>) -> Option<Self> {
        Self::encode(column, extent, false)
    }

    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    fn encode(column: &NumberColumn, extent: Option<[f64; 2]>, lanes: bool) -> Option<Self> {
        let [base, max] = extent?;
        let span = max - base;
        if !(base.is_finite() && (0.0..=MAX_SPAN).contains(&span)) {
            return None;
        }
        let valid = column.valid.words();
        let rows = column.values.len();
        let mut words = vec![u64::MAX; rows.div_ceil(4)];
        let mut nulls = 0u64;
        // 64 rows (one validity word, 16 words of offsets) at a time.
        for (b, (block, out)) in column
            .values
            .chunks(64)
            .zip(words.chunks_mut(16))
            .enumerate()
        {
            let bits = valid.get(b).copied().unwrap_or(0);
            let full = block.len() == 64 && bits == u64::MAX;
            if !(lanes && full && encode_valid(block, base, out)) {
                nulls += encode_rows(block, bits, base, out)?;
            }
        }
        Some(Self {
            base,
            top: span as u16,
            rows,
            nulls,
            words,
        })
    }

    /// Row `i`'s offset ([`SENTINEL`] past the end).
    pub fn offset(&self, i: usize) -> u16 {
        let w = self.words.get(i / 4).copied().unwrap_or(u64::MAX);
        #[allow(clippy::cast_possible_truncation)]
        let off = (w >> (16 * (i % 4))) as u16;
        off
    }

    /// The value of offset `off` (not [`SENTINEL`]): exactly the row's value (up to the sign
    /// of a zero), as `base + off` is a representable whole number.
    fn value(&self, off: u16) -> f64 {
        self.base + f64::from(off)
    }

    /// Rows past `rows` in the last word (all [`SENTINEL`]).
    fn padding(&self) -> u64 {
        (self.words.len() * 4).saturating_sub(self.rows) as u64
    }
}

/// Encodes `block` (rows whose validity bits are `bits`) into `out`, four offsets per
/// word, one row at a time; returns the rows made [`SENTINEL`] (null or `NaN`), or `None`
/// at a valid value that is not whole or not within [`MAX_SPAN`] above `base`.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn encode_rows(block: &[f64], bits: u64, base: f64, out: &mut [u64]) -> Option<u64> {
    let mut nulls = 0;
    let mut j = 0;
    while j < block.len() {
        if let (Some(v), Some(w)) = (block.get(j), out.get_mut(j / 4)) {
            let d = *v - base;
            let off = if (bits >> j) & 1 == 0 || v.is_nan() {
                nulls += 1;
                SENTINEL
            } else if (0.0..=MAX_SPAN).contains(&d) && *v == v.trunc() {
                // Exact: the difference of two whole doubles 65534 apart at most is a whole
                // number below 2^16, representable, so the subtraction gives it exactly.
                d as u16
            } else {
                return None;
            };
            let at = 16 * (j % 4);
            *w = *w & !(0xFFFF << at) | u64::from(off) << at;
        }
        j += 1;
    }
    Some(nulls)
}

/// [`encode_rows`] of a block of 64 valid rows, four rows per word with no branch: `false`
/// (with `out` partly written) when a value is not whole, outside `[base, base + 65534]` or
/// `NaN`, and the block must be redone row by row.
#[cfg(not(target_arch = "wasm32"))]
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn encode_valid(block: &[f64], base: f64, out: &mut [u64]) -> bool {
    let mut ok = true;
    for (four, w) in block.chunks_exact(4).zip(out.iter_mut()) {
        let mut word = 0u64;
        for (j, v) in four.iter().enumerate() {
            let d = *v - base;
            // Whole: `trunc` is a libm call on baseline x86-64, an `i64` round trip is
            // one instruction each way (values past 2^63 fail here and are redone by
            // `encode_rows`).
            #[allow(clippy::cast_precision_loss)]
            let whole = (*v as i64) as f64 == *v;
            ok &= (0.0..=MAX_SPAN).contains(&d) & whole;
            word |= u64::from(d as u16) << (16 * j);
        }
        *w = word;
    }
    ok
}

/// [`encode_rows`] of a block of 64 valid rows in `f64x2` lanes, four rows per word: `false`
/// (with `out` partly written) when a value is not whole, outside `[base, base + 65534]` or
/// `NaN`, and the block must be redone row by row.
#[cfg(target_arch = "wasm32")]
fn encode_valid(block: &[f64], base: f64, out: &mut [u64]) -> bool {
    use core::arch::wasm32::{
        f64x2, f64x2_splat, i64x2_extract_lane, i8x16_shuffle, v128_any_true, v128_or,
    };
    let (b, top) = (f64x2_splat(base), f64x2_splat(MAX_SPAN));
    let mut bad = f64x2_splat(0.0);
    let mut j = 0;
    while j + 3 < block.len() {
        if let (Some(&[x0, x1, x2, x3]), Some(w)) = (block.get(j..j + 4), out.get_mut(j / 4)) {
            let (lo, bad_lo) = encode_pair(f64x2(x0, x1), b, top);
            let (hi, bad_hi) = encode_pair(f64x2(x2, x3), b, top);
            bad = v128_or(bad, v128_or(bad_lo, bad_hi));
            // The low 16 bits of each of the four 64-bit lanes, in row order.
            let q = i8x16_shuffle::<0, 1, 8, 9, 16, 17, 24, 25, 0, 1, 8, 9, 16, 17, 24, 25>(lo, hi);
            #[allow(clippy::cast_sign_loss)]
            let word = i64x2_extract_lane::<0>(q) as u64;
            *w = word;
        }
        j += 4;
    }
    !v128_any_true(bad)
}

/// `2^52`: for a whole `0 <= d < 2^52`, the low bits of `d + 2^52` are `d`.
#[cfg(target_arch = "wasm32")]
const MAGIC: f64 = 4_503_599_627_370_496.0;

/// Two rows' offsets `v - base` in the low 16 bits of their 64-bit lanes (as the low bits
/// of `v - base + 2^52`), and all ones in a lane whose value is not whole, not within
/// `[0, top]` of `base`, or `NaN`.
#[cfg(target_arch = "wasm32")]
#[inline(always)]
fn encode_pair(
    v: core::arch::wasm32::v128,
    base: core::arch::wasm32::v128,
    top: core::arch::wasm32::v128,
) -> (core::arch::wasm32::v128, core::arch::wasm32::v128) {
    use core::arch::wasm32::{
        f64x2_add, f64x2_eq, f64x2_ge, f64x2_le, f64x2_splat, f64x2_sub, f64x2_trunc, v128_and,
        v128_not,
    };
    let d = f64x2_sub(v, base);
    let ok = v128_and(
        v128_and(f64x2_eq(f64x2_trunc(v), v), f64x2_le(d, top)),
        f64x2_ge(d, f64x2_splat(0.0)),
    );
    (f64x2_add(d, f64x2_splat(MAGIC)), v128_not(ok))
}

/// [`bin_count`](super::bin_count) of `column` through its narrow encoding `narrow` (which
/// must be [`Narrow::new`] of `column`, as [`crate::data::Table::narrow`] gives it): the
/// same starts, counts and order, bit for bit. `None` where `bin_count` declines, or
/// `narrow` is not of this column's length.
///
/// ```
/// use storychart::data::kernels::bin::{bin_count, narrow::{bin_count_narrow, Narrow}, BinParams};
/// use storychart::data::NumberColumn;
/// let col = NumberColumn::from_options([Some(12.0), None, Some(3.0), Some(19.0), Some(20.0)]);
/// let n = Narrow::new(&col, Some([3.0, 20.0])).unwrap();
/// let p = BinParams { start: 0.0, stop: 20.0, step: 10.0 };
/// assert_eq!(bin_count_narrow(&col, &n, &p), bin_count(&col, &p));
/// ```
pub fn bin_count_narrow(
    column: &NumberColumn,
    narrow: &Narrow,
    params: &BinParams,
) -> Option<(Vec<Option<f64>>, Vec<u64>)> {
    bin_count_narrow_with(column, narrow, params, LANE_THRESHOLDS)
}

/// [`bin_count_narrow`] counting by thresholds when there are at most `lane_thresholds`,
/// else by the offset histogram (tests run both on every target).
pub fn bin_count_narrow_with(
    column: &NumberColumn,
    narrow: &Narrow,
    params: &BinParams,
    lane_thresholds: usize,
) -> Option<(Vec<Option<f64>>, Vec<u64>)> {
    if narrow.rows != column.values.len() {
        return None;
    }
    let (bins, binner) = count_setup(column, params)?;
    // Ranks order the slots by value: below (0), bins 0.. (1..), above (bins + 1).
    let rank = |off: u16| -> usize {
        let s = binner.slot(narrow.value(off));
        if s == bins {
            0
        } else if s == bins + 1 {
            bins + 1
        } else {
            s + 1
        }
    };
    let mut by_rank = vec![0u64; bins + 2];
    let valid = narrow.rows as u64 - narrow.nulls;
    match steps(narrow.top, &rank, lane_thresholds) {
        Some(cuts) => {
            // `ge[i]` = rows (valid or not) with offset >= cuts[i]; the pass counts the
            // padding too, which is SENTINEL.
            let thresholds: Vec<u16> = cuts.iter().map(|c| c.0).collect();
            let ge: Vec<u64> = count_at_least(&narrow.words, &thresholds)
                .iter()
                .map(|c| c.saturating_sub(narrow.padding() + narrow.nulls))
                .collect();
            // Offsets below the first cut have rank(0); from each cut to the next, its rank.
            let mut above = valid;
            let mut r = rank(0);
            for (i, (_, next_rank)) in cuts.iter().enumerate() {
                let g = ge.get(i).copied().unwrap_or(0);
                if let Some(c) = by_rank.get_mut(r) {
                    *c += above.saturating_sub(g);
                }
                above = g;
                r = *next_rank;
            }
            if let Some(c) = by_rank.get_mut(r) {
                *c += above;
            }
        }
        None => {
            let hist = offset_histogram(&narrow.words, narrow.top);
            for (off, n) in (0..=narrow.top).zip(hist) {
                if let Some(c) = by_rank.get_mut(rank(off)) {
                    *c += n;
                }
            }
        }
    }
    // Back to bin_count's slots: bins, then below, above, null.
    let mut count = vec![0u64; bins + 3];
    for (r, n) in by_rank.iter().enumerate() {
        let slot = match r {
            0 => bins,
            r if r == bins + 1 => bins + 1,
            r => r - 1,
        };
        if let Some(c) = count.get_mut(slot) {
            *c += n;
        }
    }
    if let Some(c) = count.get_mut(bins + 2) {
        *c = narrow.nulls;
    }
    Some(count_groups(column, params, bins, &binner, &count))
}

/// The offsets in `1..=top` where `rank` steps up, each with the rank it steps up to, by
/// bisection (`rank` is monotone); `None` when there are more than `max`.
fn steps(top: u16, rank: &impl Fn(u16) -> usize, max: usize) -> Option<Vec<(u16, usize)>> {
    let mut cuts = Vec::new();
    let (mut at, last) = (0u16, rank(top));
    let mut r = rank(0);
    while r < last {
        // Invariant: rank(lo) == r < rank(hi).
        let (mut lo, mut hi) = (at, top);
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if rank(mid) > r {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        if cuts.len() == max {
            return None;
        }
        r = rank(hi);
        cuts.push((hi, r));
        at = hi;
    }
    Some(cuts)
}

/// Row counts of each offset `0..=top` (sentinels and offsets above `top` not counted), for
/// fewer than 2^32 rows per copy (as `bin_count` requires).
#[allow(clippy::cast_possible_truncation)]
pub fn offset_histogram(words: &[u64], top: u16) -> Vec<u64> {
    /// One counter per `u16`, so any offset indexes it without a check.
    type Counts = Box<[u32; 1 << 16]>;
    let fresh = || -> Option<Counts> { vec![0u32; 1 << 16].into_boxed_slice().try_into().ok() };
    // Four copies (one per offset of a word), so neighbouring equal offsets do not wait on
    // each other's increment.
    let (Some(mut h0), Some(mut h1), Some(mut h2), Some(mut h3)) =
        (fresh(), fresh(), fresh(), fresh())
    else {
        return Vec::new();
    };
    let mut j = 0;
    while j < words.len() {
        if let Some(w) = words.get(j) {
            let w = *w;
            // A u16 indexes 2^16 counters: the compiler drops the bounds checks. Plain
            // statements: the size-optimised build keeps `map` and array loops as calls.
            if let Some(n) = h0.get_mut(usize::from(w as u16)) {
                *n = n.wrapping_add(1);
            }
            if let Some(n) = h1.get_mut(usize::from((w >> 16) as u16)) {
                *n = n.wrapping_add(1);
            }
            if let Some(n) = h2.get_mut(usize::from((w >> 32) as u16)) {
                *n = n.wrapping_add(1);
            }
            if let Some(n) = h3.get_mut(usize::from((w >> 48) as u16)) {
                *n = n.wrapping_add(1);
            }
        }
        j += 1;
    }
    (0..=usize::from(top))
        .map(|i| {
            [&h0, &h1, &h2, &h3]
                .iter()
                .map(|h| u64::from(h.get(i).copied().unwrap_or(0)))
                .sum()
        })
        .collect()
}

/// For each threshold `t`, the number of offsets `>= t` in `words` (four per word, all
/// counted, [`SENTINEL`] included), one offset at a time: the twin of
/// [`count_at_least`]'s lanes, and the native build's pass.
pub fn count_at_least_rows(words: &[u64], thresholds: &[u16]) -> Vec<u64> {
    let mut out = vec![0u64; thresholds.len()];
    for w in words {
        for shift in [0, 16, 32, 48] {
            #[allow(clippy::cast_possible_truncation)]
            let off = (*w >> shift) as u16;
            for (o, t) in out.iter_mut().zip(thresholds) {
                *o += u64::from(off >= *t);
            }
        }
    }
    out
}

/// [`count_at_least_rows`] (natively the same function).
#[cfg(not(target_arch = "wasm32"))]
pub fn count_at_least(words: &[u64], thresholds: &[u16]) -> Vec<u64> {
    count_at_least_rows(words, thresholds)
}

/// Words per block of the lanes' pass: 2048 words (16 KiB, in L1 while each group of
/// thresholds passes over it); each `u16` lane counts at most 1024 per block.
#[cfg(target_arch = "wasm32")]
const BLOCK: usize = 2048;

/// [`count_at_least_rows`] in `i16x8` lanes: per pair of words (8 offsets), flipped to
/// signed order (`xor 0x8000`, so one native signed compare does), one `i16x8.gt` per
/// threshold (`off >= t` is `off > t - 1`), subtracted (all ones is -1) into an `i16` lane
/// counter per threshold; thresholds up to eight at a time ([`count_group`]), over blocks
/// of [`BLOCK`] words that stay in cache, the counters summed into `u64` after each block.
#[cfg(target_arch = "wasm32")]
pub fn count_at_least(words: &[u64], thresholds: &[u16]) -> Vec<u64> {
    use core::arch::wasm32::i16x8_splat;
    let mut out = vec![0u64; thresholds.len()];
    let pairs = words.len() / 2 * 2;
    let body = words.get(..pairs).unwrap_or(&[]);
    // Each threshold `t` (>= 1) as the signed `(t - 1) ^ 0x8000`; missing ones of a short
    // group compare with the largest, counted and dropped.
    #[allow(clippy::cast_possible_wrap)]
    let signed: Vec<_> = thresholds
        .iter()
        .map(|t| i16x8_splat((t.saturating_sub(1) ^ 0x8000) as i16))
        .collect();
    for block in body.chunks(BLOCK) {
        let mut g = 0;
        while g < signed.len() {
            let left = signed.len() - g;
            let t = |i: usize| signed.get(g + i).copied().unwrap_or(i16x8_splat(i16::MAX));
            let ts = [t(0), t(1), t(2), t(3), t(4), t(5), t(6), t(7)];
            let (acc, n) = match left {
                1 => (count_group::<1>(block, &ts), 1),
                2 => (count_group::<2>(block, &ts), 2),
                3 | 4 => (count_group::<4>(block, &ts), 4),
                _ => (count_group::<8>(block, &ts), 8),
            };
            for (i, a) in acc.iter().take(n).enumerate() {
                if let Some(o) = out.get_mut(g + i) {
                    *o += lane_sum(*a);
                }
            }
            g += n;
        }
    }
    let tail = count_at_least_rows(words.get(pairs..).unwrap_or(&[]), thresholds);
    for (o, t) in out.iter_mut().zip(tail) {
        *o += t;
    }
    out
}

/// The lane counters of the first `N` (1, 2, 4 or 8) thresholds `ts` (signed, as
/// [`count_at_least`] makes them) over `block` (an even number of words, at most
/// [`BLOCK`]); the counters past `N` stay zero.
#[cfg(target_arch = "wasm32")]
#[inline(always)]
fn count_group<const N: usize>(
    block: &[u64],
    ts: &[core::arch::wasm32::v128; 8],
) -> [core::arch::wasm32::v128; 8] {
    use core::arch::wasm32::{i16x8_gt, i16x8_splat, i16x8_sub, u64x2, v128_xor};
    let [t0, t1, t2, t3, t4, t5, t6, t7] = *ts;
    let zero = i16x8_splat(0);
    let flip = i16x8_splat(i16::MIN);
    let [mut a0, mut a1, mut a2, mut a3, mut a4, mut a5, mut a6, mut a7] = [zero; 8];
    let n = block.len();
    let mut j = 0;
    while j + 1 < n {
        if let Some(&[x, y]) = block.get(j..j + 2) {
            let v = v128_xor(u64x2(x, y), flip);
            a0 = i16x8_sub(a0, i16x8_gt(v, t0));
            if N > 1 {
                a1 = i16x8_sub(a1, i16x8_gt(v, t1));
            }
            if N > 2 {
                a2 = i16x8_sub(a2, i16x8_gt(v, t2));
                a3 = i16x8_sub(a3, i16x8_gt(v, t3));
            }
            if N > 4 {
                a4 = i16x8_sub(a4, i16x8_gt(v, t4));
                a5 = i16x8_sub(a5, i16x8_gt(v, t5));
                a6 = i16x8_sub(a6, i16x8_gt(v, t6));
                a7 = i16x8_sub(a7, i16x8_gt(v, t7));
            }
        }
        j += 2;
    }
    [a0, a1, a2, a3, a4, a5, a6, a7]
}

/// The sum of a `u16x8`'s lanes.
#[cfg(target_arch = "wasm32")]
fn lane_sum(a: core::arch::wasm32::v128) -> u64 {
    use core::arch::wasm32::{i32x4_extadd_pairwise_u16x8, u32x4_extract_lane as lane};
    let s = i32x4_extadd_pairwise_u16x8(a);
    u64::from(lane::<0>(s))
        + u64::from(lane::<1>(s))
        + u64::from(lane::<2>(s))
        + u64::from(lane::<3>(s))
}

#[cfg(test)]
mod tests;
