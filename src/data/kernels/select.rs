//! Column-wise masks for the simple Vega-Lite field predicates on a number column: the fast
//! path of `filter` (no expression evaluation, no per-row allocation).
//!
//! Stage: kernels. Each function returns one `bool` per row with the exact result of the
//! JavaScript comparison Vega-Lite compiles the predicate to: an invalid row is a JavaScript
//! `null`, which `<`, `<=`, `>`, `>=` and `inrange` compare as 0 and `===` never equals a
//! number. Rows past the column's end are null. `plan::predicate` recognises the shapes and
//! falls back to the expression path for anything else.

use crate::data::NumberColumn;

/// A comparison of the field against a number constant.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cmp {
    /// `field === c`.
    Eq(f64),
    /// `field < c`.
    Lt(f64),
    /// `field <= c`.
    Lte(f64),
    /// `field > c`.
    Gt(f64),
    /// `field >= c`.
    Gte(f64),
    /// `inrange(field, [lo, hi])`: inclusive, bounds in either order.
    Range(f64, f64),
}

impl Cmp {
    #[inline(always)]
    fn test(self, v: f64) -> bool {
        match self {
            Cmp::Eq(c) => v == c,
            Cmp::Lt(c) => v < c,
            Cmp::Lte(c) => v <= c,
            Cmp::Gt(c) => v > c,
            Cmp::Gte(c) => v >= c,
            Cmp::Range(lo, hi) => lo <= v && v <= hi,
        }
    }

    /// The result for a null row.
    fn null(self) -> bool {
        match self {
            Cmp::Eq(_) => false,
            other => other.test(0.0),
        }
    }

    fn ordered(self) -> Self {
        match self {
            Cmp::Range(lo, hi) if lo > hi => Cmp::Range(hi, lo),
            other => other,
        }
    }
}

/// One `bool` per row of `rows`: whether `cmp` holds for `col`'s value.
///
/// ```
/// use storychart::data::NumberColumn;
/// use storychart::data::kernels::select::{mask, Cmp};
/// let c = NumberColumn::from_options([Some(5.0), None, Some(1.0)]);
/// assert_eq!(mask(&c, Cmp::Lt(2.0), 4), vec![false, true, true, true]);
/// assert_eq!(mask(&c, Cmp::Eq(5.0), 3), vec![true, false, false]);
/// assert_eq!(mask(&c, Cmp::Range(6.0, 4.0), 3), vec![true, false, false]);
/// ```
pub fn mask(col: &NumberColumn, cmp: Cmp, rows: usize) -> Vec<bool> {
    match cmp.ordered() {
        Cmp::Eq(c) => mask_with(col, rows, false, move |v| v == c),
        Cmp::Lt(c) => mask_with(col, rows, cmp.null(), move |v| v < c),
        Cmp::Lte(c) => mask_with(col, rows, cmp.null(), move |v| v <= c),
        Cmp::Gt(c) => mask_with(col, rows, cmp.null(), move |v| v > c),
        Cmp::Gte(c) => mask_with(col, rows, cmp.null(), move |v| v >= c),
        Cmp::Range(lo, hi) => {
            let null = lo <= 0.0 && 0.0 <= hi;
            mask_with(col, rows, null, move |v| lo <= v && v <= hi)
        }
    }
}

/// The monomorphised loop: all-valid columns compare values only; otherwise each 64-row
/// chunk reads one bitmap word.
#[inline(always)]
fn mask_with(col: &NumberColumn, rows: usize, null: bool, f: impl Fn(f64) -> bool) -> Vec<bool> {
    let values = col.values.get(..rows.min(col.values.len())).unwrap_or(&[]);
    let mut out = vec![null; rows];
    let all_valid = col.valid.len() >= values.len() && col.valid.count_valid() >= values.len();
    if all_valid {
        for (o, v) in out.iter_mut().zip(values) {
            *o = f(*v);
        }
    } else {
        let words = col.valid.words();
        for ((outs, vals), w) in out
            .chunks_mut(64)
            .zip(values.chunks(64))
            .zip(words.iter().copied().chain(std::iter::repeat(0)))
        {
            for (j, (o, v)) in outs.iter_mut().zip(vals).enumerate() {
                let valid = (w >> j) & 1 == 1;
                *o = if valid { f(*v) } else { null };
            }
        }
    }
    out
}

/// The selected rows of `mask`, ascending (branch-free: every row is written, the cursor
/// advances only for kept rows).
pub fn selection(mask: &[bool]) -> Vec<u32> {
    let mut sel = vec![0u32; mask.len()];
    let mut k = 0usize;
    for (i, m) in mask.iter().enumerate() {
        if let Some(s) = sel.get_mut(k) {
            *s = i as u32;
        }
        k += usize::from(*m);
    }
    sel.truncate(k);
    sel
}
