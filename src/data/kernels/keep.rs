//! Keep words: a row filter as one bit per row, 64 rows per `u64` (row `r` is bit `r % 64` of
//! word `r / 64`; bits past the last row are zero).
//!
//! Stage: kernels. The fused filter + group kernels ([`super::fused`]) read a filter this way:
//! a kept row is a set bit, so their loops visit the kept rows of each word by
//! `trailing_zeros` and never branch on the filter itself. [`range_words`] tests 64 values
//! per word; on wasm32 (built with `+simd128`) two at a time with `f64x2` compares, elsewhere
//! with a plain loop the compiler vectorizes. Both give the same bits (tested natively against
//! [`super::fused::select_range`], and in the browser by `tests/web/fused.rs`).

use crate::data::NumberColumn;

/// Rows per keep word.
pub const WORD: usize = 64;

/// Rows `64 w .. 64 w + 64` of `s` as an array (`None` unless all are there).
#[inline(always)]
pub fn block<T>(s: &[T], w: usize) -> Option<&[T; WORD]> {
    s.get(w * WORD..(w + 1) * WORD)
        .and_then(|b| <&[T; WORD]>::try_from(b).ok())
}

/// Bit `j` set for `j < n` (all 64 for `n >= 64`).
#[inline(always)]
pub fn low_bits(n: usize) -> u64 {
    if n >= WORD {
        u64::MAX
    } else {
        (1u64 << n) - 1
    }
}

/// The keep words of `inrange(col, [lo, hi])` over `rows` rows, as Vega evaluates it
/// (bounds inclusive, in either order; an invalid row, or a row past the column's end, is a
/// JavaScript null, which compares as 0). Bit for bit the rows of
/// [`select_range`](super::fused::select_range).
///
/// ```
/// use storychart::data::NumberColumn;
/// use storychart::data::kernels::keep::range_words;
/// let c = NumberColumn::from_options([Some(5.0), None, Some(1.0), Some(9.0)]);
/// assert_eq!(range_words(&c, 0.0, 5.0, 4), vec![0b0111]);
/// assert_eq!(range_words(&c, 6.0, 2.0, 5), vec![0b0001]);
/// ```
pub fn range_words(col: &NumberColumn, lo: f64, hi: f64, rows: usize) -> Vec<u64> {
    let test = RangeTest::new(col, lo, hi, rows);
    let mut out = vec![0u64; rows.div_ceil(WORD)];
    test.fill(0, &mut out);
    out
}

/// `inrange(col, [lo, hi])` over `rows` rows as keep words, any run of words at a time (see
/// [`range_words`]).
pub struct RangeTest<'a> {
    values: &'a [f64],
    valid: &'a [u64],
    /// Every row of `values` valid.
    all_valid: bool,
    lo: f64,
    hi: f64,
    /// The result for a null row: all ones when the range holds 0, else zero.
    null: u64,
    rows: usize,
}

impl<'a> RangeTest<'a> {
    /// The test of `col` against `[lo, hi]` (bounds in either order) over `rows` rows.
    pub fn new(col: &'a NumberColumn, lo: f64, hi: f64, rows: usize) -> Self {
        let (lo, hi) = if lo > hi { (hi, lo) } else { (lo, hi) };
        let values = col.values.get(..rows.min(col.values.len())).unwrap_or(&[]);
        Self {
            values,
            valid: col.valid.words(),
            all_valid: col.valid.len() >= values.len() && col.valid.count_valid() >= values.len(),
            lo,
            hi,
            null: if lo <= 0.0 && 0.0 <= hi { u64::MAX } else { 0 },
            rows,
        }
    }

    /// Sets `out[i]` to keep word `first + i`.
    pub fn fill(&self, first: usize, out: &mut [u64]) {
        let (lo, hi) = (self.lo, self.hi);
        let mut i = 0;
        while i < out.len() {
            let w = first + i;
            let start = w * WORD;
            let word = match block(self.values, w) {
                Some(b) if self.all_valid => range_word(b, lo, hi),
                _ => self.partial(w),
            };
            if let Some(o) = out.get_mut(i) {
                *o = word & low_bits(self.rows.saturating_sub(start));
            }
            i += 1;
        }
    }

    /// Word `w` when some of its rows are invalid or past the column's end (`zero_in`).
    fn partial(&self, w: usize) -> u64 {
        let start = w * WORD;
        let present = self.values.get(start..).unwrap_or(&[]);
        let mut b = [0.0; WORD];
        for (d, s) in b.iter_mut().zip(present) {
            *d = *s;
        }
        let valid = if self.all_valid {
            u64::MAX
        } else {
            self.valid.get(w).copied().unwrap_or(0)
        } & low_bits(present.len());
        (range_word(&b, self.lo, self.hi) & valid) | (self.null & !valid)
    }
}

/// The keep words of a row mask (`true` = kept).
///
/// ```
/// use storychart::data::kernels::keep::mask_words;
/// assert_eq!(mask_words(&[true, false, true]), vec![0b101]);
/// ```
pub fn mask_words(mask: &[bool]) -> Vec<u64> {
    let mut out = vec![0u64; mask.len().div_ceil(WORD)];
    for (o, chunk) in out.iter_mut().zip(mask.chunks(WORD)) {
        let mut w = 0u64;
        let mut j = 0;
        while j < chunk.len() {
            if let Some(m) = chunk.get(j) {
                w |= u64::from(*m) << j;
            }
            j += 1;
        }
        *o = w;
    }
    out
}

/// The keep words of a selection vector (row numbers) when it is strictly ascending and
/// below `rows`; `None` otherwise (a selection in another order sums in that order).
///
/// ```
/// use storychart::data::kernels::keep::selection_words;
/// assert_eq!(selection_words(&[0, 2, 64], 65), Some(vec![0b101, 1]));
/// assert_eq!(selection_words(&[2, 0], 3), None);
/// ```
pub fn selection_words(sel: &[u32], rows: usize) -> Option<Vec<u64>> {
    let mut out = vec![0u64; rows.div_ceil(WORD)];
    let mut next = 0usize;
    for r in sel {
        let r = *r as usize;
        if r < next || r >= rows {
            return None;
        }
        next = r + 1;
        let w = out.get_mut(r / WORD)?;
        *w |= 1u64 << (r % WORD);
    }
    Some(out)
}

/// Bit `j` set when `lo <= b[j] <= hi` (`lo <= hi`, no `NaN` bounds needed: a `NaN` value or
/// bound fails both tests).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn range_word(b: &[f64; WORD], lo: f64, hi: f64) -> u64 {
    use core::arch::wasm32::{f64x2, f64x2_ge, f64x2_le, f64x2_splat, i64x2_bitmask, v128_and};
    let (lo2, hi2) = (f64x2_splat(lo), f64x2_splat(hi));
    let mut word = 0u64;
    let mut k = 0;
    while k < WORD / 2 {
        if let (Some(x0), Some(x1)) = (b.get(2 * k), b.get(2 * k + 1)) {
            let x = f64x2(*x0, *x1);
            let m = v128_and(f64x2_ge(x, lo2), f64x2_le(x, hi2));
            word |= u64::from(i64x2_bitmask(m)) << (2 * k);
        }
        k += 1;
    }
    word
}

/// Bit `j` set when `lo <= b[j] <= hi` (the portable loop; see the SIMD one above).
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
fn range_word(b: &[f64; WORD], lo: f64, hi: f64) -> u64 {
    range_word_scalar(b, lo, hi)
}

/// The portable [`range_word`].
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
fn range_word_scalar(b: &[f64; WORD], lo: f64, hi: f64) -> u64 {
    let mut word = 0u64;
    let mut j = 0;
    while j < WORD {
        if let Some(x) = b.get(j) {
            word |= u64::from((lo <= *x) & (*x <= hi)) << j;
        }
        j += 1;
    }
    word
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::kernels::fused::select_range;
    use crate::data::kernels::test_util::Rng;

    fn rows_of(words: &[u64]) -> Vec<u32> {
        let mut out = Vec::new();
        for (w, word) in words.iter().enumerate() {
            for j in 0..WORD {
                if (word >> j) & 1 == 1 {
                    out.push((w * WORD + j) as u32);
                }
            }
        }
        out
    }

    #[test]
    fn range_words_equal_the_selection_on_random_columns() {
        let mut rng = Rng(3);
        for round in 0..400 {
            let len = rng.below(300) as usize;
            let rows = len + rng.below(3) as usize * rng.below(70) as usize;
            let col = NumberColumn::from_options((0..len).map(|_| match rng.below(12) {
                0 => None,
                1 => Some(f64::NAN),
                2 => Some(-0.0),
                3 => Some(f64::INFINITY),
                k => Some(k as f64 - 7.0),
            }));
            let lo = rng.below(11) as f64 - 5.0;
            let hi = rng.below(11) as f64 - 5.0;
            let want = select_range(&col, lo, hi, rows);
            let got = range_words(&col, lo, hi, rows);
            assert_eq!(got.len(), rows.div_ceil(WORD), "round {round}");
            assert_eq!(
                rows_of(&got),
                want,
                "round {round}: [{lo}, {hi}] over {rows} rows"
            );
        }
    }

    #[test]
    fn mask_and_selection_words() {
        let mut rng = Rng(9);
        for _ in 0..100 {
            let rows = rng.below(200) as usize;
            let mask: Vec<bool> = (0..rows).map(|_| rng.below(2) == 0).collect();
            let sel: Vec<u32> = (0..rows as u32).filter(|r| mask[*r as usize]).collect();
            let words = mask_words(&mask);
            assert_eq!(rows_of(&words), sel);
            assert_eq!(selection_words(&sel, rows), Some(words));
        }
        assert_eq!(selection_words(&[1, 1], 3), None);
        assert_eq!(selection_words(&[3], 3), None);
    }
}
