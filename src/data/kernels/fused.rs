//! Fused filter + group-by + aggregate over dictionary codes: the hot path of a reader's
//! filter on a news chart (`filter: {field, range}` then an aggregate by one string field).
//!
//! Stage: kernels. The filter is a run of keep words (one bit per row, [`super::keep`]); for
//! a `range` they are tested a chunk at a time (`f64x2` compares on wasm32) inside the same
//! pass that reads the key and the values. The pass visits only the kept rows of each word
//! (`trailing_zeros`), so no branch depends on the filter or on validity, and updates one
//! small accumulator per dictionary entry (plus one for null): the sum, and rows and valid
//! values counted together in one `u64`. No selection vector, no gather of the selected
//! rows, no group-id array, no per-row allocation. Quantiles gather each group's values into
//! one buffer (counting sort by code) and select with a branch-free quickselect. Ops outside
//! that set (extremes, moments) take a selection vector and a running accumulator.
//!
//! The results equal the general path bit for bit (the expression filter
//! `inrange(datum.f, [lo, hi])`, [`take_table`](super::take_table), [`group_by`](super::group_by),
//! [`aggregate`](super::aggregate)): groups in order of first appearance among the selected
//! rows, Vega's running mean and variance, strict min/max, d3's R-7 quantiles. As in
//! JavaScript, a null in the filtered field is 0 to `inrange`. `tests` checks the equality on
//! random tables with nulls and ties.

use super::keep::{block, low_bits, mask_words, selection_words, RangeTest, WORD};
use super::quantile::quantile_select;
use super::AggregateOp;
use crate::data::{Codes, NumberColumn, StrColumn};

/// The result of [`filter_group_aggregate`].
#[derive(Clone, Debug, PartialEq)]
pub struct Fused {
    /// Each group's key: a dictionary code of the key column, `None` for null; in order of
    /// first appearance.
    pub keys: Vec<Option<u32>>,
    /// Each group's first selected row.
    pub first_row: Vec<usize>,
    /// One column per requested op, one value per group.
    pub columns: Vec<NumberColumn>,
}

/// The per-code accumulator: everything every supported op needs, in one cache line.
#[derive(Clone, Copy)]
struct Acc {
    rows: u64,
    first: usize,
    n: f64,
    mean: f64,
    dev: f64,
    sum: f64,
    min: f64,
    max: f64,
    /// Valid values that are not `NaN` (what quantiles see).
    qn: usize,
}

impl Default for Acc {
    fn default() -> Self {
        Self {
            rows: 0,
            first: usize::MAX,
            n: 0.0,
            mean: 0.0,
            dev: 0.0,
            sum: 0.0,
            min: f64::NAN,
            max: f64::NAN,
            qn: 0,
        }
    }
}

/// Whether the fused kernel computes `op` (the others go through the general path).
pub fn supports(op: AggregateOp) -> bool {
    use AggregateOp as A;
    // The one-pass ops, plus extremes and moments (over a selection vector).
    fast(op)
        || matches!(
            op,
            A::Min | A::Max | A::Variance | A::VarianceP | A::Stdev | A::StdevP | A::Stderr
        )
}

/// The rows of `col` that Vega's `inrange(value, [lo, hi])` keeps (bounds inclusive, in
/// either order; an invalid row is a JavaScript null, which compares as 0), ascending.
/// `rows` bounds the scan (rows past the column's end are null).
///
/// ```
/// use storychart::data::NumberColumn;
/// use storychart::data::kernels::fused::select_range;
/// let c = NumberColumn::from_options([Some(5.0), None, Some(1.0), Some(9.0)]);
/// assert_eq!(select_range(&c, 0.0, 5.0, 4), vec![0, 1, 2]);
/// assert_eq!(select_range(&c, 6.0, 2.0, 4), vec![0]);
/// ```
pub fn select_range(col: &NumberColumn, lo: f64, hi: f64, rows: usize) -> Vec<u32> {
    let (lo, hi) = if lo > hi { (hi, lo) } else { (lo, hi) };
    let zero_in = lo <= 0.0 && 0.0 <= hi;
    let mut sel = vec![0u32; rows];
    let mut k = 0usize;
    let all_valid = col.valid.len() >= rows && col.valid.count_valid() >= rows;
    let values = col.values.get(..rows.min(col.values.len())).unwrap_or(&[]);
    if all_valid {
        for (i, v) in values.iter().enumerate() {
            let pass = lo <= *v && *v <= hi;
            if let Some(s) = sel.get_mut(k) {
                *s = i as u32;
            }
            k += usize::from(pass);
        }
    } else {
        let words = col.valid.words();
        for (w, chunk) in values.chunks(64).enumerate() {
            let bits = words.get(w).copied().unwrap_or(0);
            let base = w * 64;
            for (j, v) in chunk.iter().enumerate() {
                let valid = (bits >> j) & 1 == 1;
                let pass = if valid { lo <= *v && *v <= hi } else { zero_in };
                if let Some(s) = sel.get_mut(k) {
                    *s = (base + j) as u32;
                }
                k += usize::from(pass);
            }
        }
    }
    // Rows past the column's end are null: 0 to inrange.
    if zero_in {
        for i in values.len()..rows {
            if let Some(s) = sel.get_mut(k) {
                *s = i as u32;
            }
            k += 1;
        }
    }
    sel.truncate(k);
    sel
}

/// Groups the rows `selection` (all rows `0..key.codes.len()` when `None`) by `key` and
/// computes `ops` over `value` per group. `None` when an op is not [supported](supports),
/// or the selection holds a row out of range: the caller then takes the general path.
///
/// ```
/// use storychart::data::{NumberColumn, StrColumn};
/// use storychart::data::kernels::AggregateOp;
/// use storychart::data::kernels::fused::{filter_group_aggregate, select_range};
/// let mut k = StrColumn::default();
/// for s in ["a", "b", "a", "b"] { k.push(Some(s)); }
/// let v = NumberColumn::from_options([Some(1.0), Some(2.0), Some(3.0), Some(40.0)]);
/// let sel = select_range(&v, 0.0, 10.0, 4);
/// let f = filter_group_aggregate(Some(&sel), &k, Some(&v), &[AggregateOp::Count, AggregateOp::Mean]).unwrap();
/// assert_eq!(f.keys, vec![Some(0), Some(1)]);
/// assert_eq!(f.columns[0].values, vec![2.0, 1.0]);
/// assert_eq!(f.columns[1].values, vec![2.0, 2.0]);
/// ```
pub fn filter_group_aggregate(
    selection: Option<&[u32]>,
    key: &StrColumn,
    value: Option<&NumberColumn>,
    ops: &[AggregateOp],
) -> Option<Fused> {
    if !ops.iter().all(|op| supports(*op)) {
        return None;
    }
    let rows = key.codes.len();
    if selection.is_some_and(|s| s.iter().any(|r| *r as usize >= rows)) {
        return None;
    }
    if ops.iter().all(|op| fast(*op)) {
        if let Some(f) = fast_path(selection, key, value, ops) {
            return Some(f);
        }
    }
    let mut acc = vec![Acc::default(); key.dict.len() + 1];
    let key_all_valid = key.valid.len() >= rows && key.valid.count_valid() >= rows;
    let slot = |r: usize| -> usize {
        match key.codes.get(r) {
            Some(c) if key_all_valid || key.valid.get(r) => c as usize + 1,
            _ => 0,
        }
    };
    let empty = NumberColumn::default();
    let value = value.unwrap_or(&empty);
    let value_all_valid = value.values.len() >= rows
        && value.valid.len() >= rows
        && value.valid.count_valid() >= rows;
    let needs_value = ops.iter().any(|op| *op != AggregateOp::Count);
    let mut visit = |r: usize| {
        let Some(a) = acc.get_mut(slot(r)) else {
            return;
        };
        a.rows += 1;
        if a.first == usize::MAX {
            a.first = r;
        }
        if !needs_value || !(value_all_valid || value.valid.get(r)) {
            return;
        }
        let Some(v) = value.values.get(r).copied() else {
            return;
        };
        a.n += 1.0;
        let d = v - a.mean;
        a.mean += d / a.n;
        a.dev += d * (v - a.mean);
        a.sum += v;
        if a.n == 1.0 {
            a.min = v;
            a.max = v;
        } else {
            if v < a.min {
                a.min = v;
            }
            if v > a.max {
                a.max = v;
            }
        }
        a.qn += usize::from(!v.is_nan());
    };
    match selection {
        Some(sel) => sel.iter().for_each(|r| visit(*r as usize)),
        None => (0..rows).for_each(&mut visit),
    }
    // Groups in order of first appearance.
    let mut order: Vec<usize> = (0..acc.len())
        .filter(|s| acc.get(*s).is_some_and(|a| a.rows > 0))
        .collect();
    order.sort_unstable_by_key(|s| acc.get(*s).map_or(usize::MAX, |a| a.first));
    let mut quantiles = ops
        .iter()
        .any(|op| matches!(op, AggregateOp::Median | AggregateOp::Q1 | AggregateOp::Q3))
        .then(|| {
            let qn: Vec<usize> = acc.iter().map(|a| a.qn).collect();
            gather(selection, rows, &qn, &slot, value, value_all_valid)
        });
    let columns = ops
        .iter()
        .map(|op| {
            NumberColumn::from_options(order.iter().map(|s| {
                let a = acc.get(*s)?;
                result(*op, a, quantiles.as_mut().map(|q| (q, *s)))
            }))
        })
        .collect();
    Some(Fused {
        keys: order
            .iter()
            .map(|s| s.checked_sub(1).map(|c| c as u32))
            .collect(),
        first_row: order
            .iter()
            .map(|s| acc.get(*s).map_or(0, |a| a.first))
            .collect(),
        columns,
    })
}

/// Each slot's non-`NaN` valid values, contiguous, and the offsets (`offsets[s]..offsets[s + 1]`).
type Gathered = (Vec<f64>, Vec<usize>);

/// Gathers [`Gathered`] values by a counting sort over the slots.
fn gather(
    selection: Option<&[u32]>,
    rows: usize,
    qn: &[usize],
    slot: &impl Fn(usize) -> usize,
    value: &NumberColumn,
    all_valid: bool,
) -> Gathered {
    let mut offsets = Vec::with_capacity(qn.len() + 1);
    let mut total = 0usize;
    offsets.push(0);
    for n in qn {
        total += n;
        offsets.push(total);
    }
    let mut buf = vec![0.0; total];
    let mut next = offsets.clone();
    let mut put = |r: usize| {
        if !(all_valid || value.valid.get(r)) {
            return;
        }
        let Some(v) = value.values.get(r).copied().filter(|v| !v.is_nan()) else {
            return;
        };
        if let Some(at) = next.get_mut(slot(r)) {
            if let Some(dst) = buf.get_mut(*at) {
                *dst = v;
            }
            *at += 1;
        }
    };
    match selection {
        Some(sel) => sel.iter().for_each(|r| put(*r as usize)),
        None => (0..rows).for_each(&mut put),
    }
    (buf, offsets)
}

/// `op` (median, q1 or q3) of slot `s`'s gathered values (reordered in place: selection
/// does not change the multiset, so later ops on the same slot see the same values).
fn quantile_of(op: AggregateOp, buf: &mut [f64], offsets: &[usize], s: usize) -> Option<f64> {
    let (from, to) = (*offsets.get(s)?, *offsets.get(s + 1)?);
    let values = buf.get_mut(from..to)?;
    quantile_select(values, quantile_p(op))
}

/// The probability of a quantile op (median for any other).
fn quantile_p(op: AggregateOp) -> f64 {
    match op {
        AggregateOp::Q1 => 0.25,
        AggregateOp::Q3 => 0.75,
        _ => 0.5,
    }
}

/// Whether [`keep_group_aggregate`] and [`range_group_aggregate`] compute `op` (counts, sums,
/// means and quantiles).
pub fn one_pass_op(op: AggregateOp) -> bool {
    fast(op)
}

/// The ops of the [fast path](fast_path): counts, sums and quantiles (no running moments,
/// no extremes).
fn fast(op: AggregateOp) -> bool {
    use AggregateOp as A;
    matches!(
        op,
        A::Count
            | A::Valid
            | A::Missing
            | A::Sum
            | A::Mean
            | A::Average
            | A::Median
            | A::Q1
            | A::Q3
    )
}

/// The fast path of [`filter_group_aggregate`] for [`fast`] ops over all rows or a strictly
/// ascending selection (`None` for any other selection: the caller's general loop then visits
/// the rows in the selection's order).
fn fast_path(
    selection: Option<&[u32]>,
    key: &StrColumn,
    value: Option<&NumberColumn>,
    ops: &[AggregateOp],
) -> Option<Fused> {
    let rows = key.codes.len();
    let keep = match selection {
        Some(sel) => selection_words(sel, rows)?,
        None => {
            let mut all = vec![u64::MAX; rows.div_ceil(WORD)];
            if let Some(last) = all.last_mut() {
                *last = low_bits(rows - (rows - 1) / WORD * WORD);
            }
            all
        }
    };
    keep_group_aggregate(&keep, key, value, ops)
}

/// Fused `filter` + group-by + aggregate for `inrange(datum[filter], [lo, hi])` (see
/// [`select_range`]): the range test builds [keep words](super::keep::range_words), then
/// [`keep_group_aggregate`] visits the kept rows. Computes `count`, `valid`, `missing`, `sum`,
/// `mean`, `median`, `q1` and `q3` (other ops: `None`, take [`select_range`] then
/// [`filter_group_aggregate`]). The results equal [`filter_group_aggregate`]'s on
/// `select_range(filter, lo, hi, rows)`.
///
/// ```
/// use storychart::data::{NumberColumn, StrColumn};
/// use storychart::data::kernels::AggregateOp;
/// use storychart::data::kernels::fused::range_group_aggregate;
/// let mut k = StrColumn::default();
/// for s in ["a", "b", "a", "b"] { k.push(Some(s)); }
/// let v = NumberColumn::from_options([Some(1.0), Some(2.0), Some(3.0), Some(40.0)]);
/// let f = range_group_aggregate(&v, 0.0, 10.0, &k, Some(&v), &[AggregateOp::Count, AggregateOp::Sum]).unwrap();
/// assert_eq!(f.keys, vec![Some(0), Some(1)]);
/// assert_eq!(f.columns[0].values, vec![2.0, 1.0]);
/// assert_eq!(f.columns[1].values, vec![4.0, 2.0]);
/// ```
pub fn range_group_aggregate(
    filter: &NumberColumn,
    lo: f64,
    hi: f64,
    key: &StrColumn,
    value: Option<&NumberColumn>,
    ops: &[AggregateOp],
) -> Option<Fused> {
    let test = RangeTest::new(filter, lo, hi, key.codes.len());
    aggregate_kept(Keep::Range(test), key, value, ops)
}

/// Like [`range_group_aggregate`] with a row mask (`true` = kept; rows past its end are
/// dropped) instead of a range test.
pub fn mask_group_aggregate(
    mask: &[bool],
    key: &StrColumn,
    value: Option<&NumberColumn>,
    ops: &[AggregateOp],
) -> Option<Fused> {
    keep_group_aggregate(&mask_words(mask), key, value, ops)
}

/// A dictionary code of any width.
trait Code: Copy + Default {
    /// At most [`U8_SLOTS`] slots: the tally indexes a fixed array, no bounds check per row.
    const NARROW: bool = false;
    fn slot(self) -> usize;
}

impl Code for u8 {
    const NARROW: bool = true;

    #[inline(always)]
    fn slot(self) -> usize {
        usize::from(self) + 1
    }
}

impl Code for u16 {
    #[inline(always)]
    fn slot(self) -> usize {
        usize::from(self) + 1
    }
}

impl Code for u32 {
    #[inline(always)]
    fn slot(self) -> usize {
        self as usize + 1
    }
}

/// The columns a pass over keep words reads: the key's codes and validity words, the value
/// column's numbers and validity words (`*_all`: every row valid, the words are not read).
struct Rows<'a, C> {
    codes: &'a [C],
    key_valid: &'a [u64],
    key_all: bool,
    values: &'a [f64],
    value_valid: &'a [u64],
    value_all: bool,
}

/// One 64-row block of [`Rows`]: the kept rows (`keep`), split into those with a valid key
/// and those with a null key (slot 0), and which of them have a valid value.
struct Block<'a, C> {
    keep: u64,
    key_valid: u64,
    value_valid: u64,
    codes: &'a [C; WORD],
    values: &'a [f64; WORD],
}

/// Runs `$body` with `$b` bound to each [`Block`] of `$rows` (a [`Rows`]) in the words
/// `$from..$to` of `$keep` that has a kept row, in row order (a macro, not a closure:
/// opt-level z calls closures). Full blocks are read in place; a block past the end of the
/// codes or values is copied, zero-padded, with its missing rows dropped (missing values
/// invalid).
macro_rules! each_block {
    ($rows:expr, $keep:expr, $from:expr, $to:expr, |$b:ident| $body:block) => {{
        let rows = $rows;
        let keep: &[u64] = $keep;
        // Without values (`count` alone) every block reads zeros, all invalid.
        static NO_VALUES: [f64; WORD] = [0.0; WORD];
        let with_values = !rows.values.is_empty();
        let full = (rows.codes.len() / WORD).min(if with_values {
            rows.values.len() / WORD
        } else {
            usize::MAX
        });
        let to = keep.len().min($to);
        let mut w = $from;
        while w < to {
            let word = keep.get(w).copied().unwrap_or(0);
            if word == 0 {
                w += 1;
                continue;
            }
            let values = if with_values {
                block(rows.values, w)
            } else {
                Some(&NO_VALUES)
            };
            if let (true, Some(codes), Some(values)) = (w < full, block(rows.codes, w), values) {
                let $b = &Block {
                    keep: word,
                    key_valid: rows.key_word(w),
                    value_valid: rows.value_word(w),
                    codes,
                    values,
                };
                $body
            } else {
                let start = w * WORD;
                let mut c = [Default::default(); WORD];
                let mut v = [0.0; WORD];
                let tail_codes = rows.codes.get(start..).unwrap_or(&[]);
                let tail_values = rows.values.get(start..).unwrap_or(&[]);
                for (d, s) in c.iter_mut().zip(tail_codes) {
                    *d = *s;
                }
                for (d, s) in v.iter_mut().zip(tail_values) {
                    *d = *s;
                }
                let $b = &Block {
                    keep: word & low_bits(tail_codes.len()),
                    key_valid: rows.key_word(w),
                    value_valid: rows.value_word(w) & low_bits(tail_values.len()),
                    codes: &c,
                    values: &v,
                };
                $body
            }
            w += 1;
        }
    }};
}

impl<C: Code> Rows<'_, C> {
    #[inline(always)]
    fn key_word(&self, w: usize) -> u64 {
        if self.key_all {
            u64::MAX
        } else {
            self.key_valid.get(w).copied().unwrap_or(0)
        }
    }

    #[inline(always)]
    fn value_word(&self, w: usize) -> u64 {
        if self.value_all {
            u64::MAX
        } else {
            self.value_valid.get(w).copied().unwrap_or(0)
        }
    }
}

/// A group's accumulator in [`tally`]: the sum of its valid values in row order, and its
/// rows (low 32 bits) and valid values (high 32) in one `u64`, so one add counts both.
#[derive(Clone, Copy, Default)]
struct Slot {
    sum: f64,
    tally: u64,
}

/// A kept row with a valid value: one row and one valid value in a [`Slot::tally`].
const ROW_AND_VALUE: u64 = 1 + (1 << 32);

/// Adds the rows `bits` of `b` to their slots (the key's code + 1, or slot 0 for all when
/// `NULL`): with `VALUE`, rows whose value is valid (counted as such, value added to the
/// slot's sum); without, rows whose value is not (counted as rows only). The loop visits
/// the set bits, so it never branches on the filter or on validity.
#[inline(always)]
fn tally_bits<C: Code, A: Slots + ?Sized, const NULL: bool, const VALUE: bool>(
    mut bits: u64,
    b: &Block<'_, C>,
    acc: &mut A,
) {
    while bits != 0 {
        let j = bits.trailing_zeros() as usize;
        bits &= bits - 1;
        let s = if NULL {
            0
        } else {
            b.codes.get(j).map_or(0, |c| c.slot())
        };
        if let (Some(a), Some(v)) = (acc.at(s), b.values.get(j)) {
            if VALUE {
                a.sum += *v;
                a.tally += ROW_AND_VALUE;
            } else {
                a.tally += 1;
            }
        }
    }
}

/// Slots of one-byte codes (255 + 1, and one for null).
const U8_SLOTS: usize = 257;

/// The accumulators [`tally_bits`] indexes: a slice, or for one-byte codes a fixed array
/// whose length the compiler knows (a code + 1 is always in range: no check per row).
trait Slots {
    fn at(&mut self, s: usize) -> Option<&mut Slot>;
}

impl Slots for [Slot] {
    #[inline(always)]
    fn at(&mut self, s: usize) -> Option<&mut Slot> {
        self.get_mut(s)
    }
}

impl Slots for [Slot; U8_SLOTS] {
    #[inline(always)]
    fn at(&mut self, s: usize) -> Option<&mut Slot> {
        self.get_mut(s)
    }
}

/// The counting and summing pass over the kept rows of words `from..to` (one copy per code
/// width). Each group's sum adds its valid values in row order. `acc` has at least
/// [`U8_SLOTS`] entries for one-byte codes.
#[inline(never)]
fn tally<C: Code>(rows: &Rows<'_, C>, keep: &[u64], from: usize, to: usize, acc: &mut [Slot]) {
    if C::NARROW {
        if let Some(fixed) = acc
            .get_mut(..U8_SLOTS)
            .and_then(|a| <&mut [Slot; U8_SLOTS]>::try_from(a).ok())
        {
            tally_in(rows, keep, from, to, fixed);
            return;
        }
    }
    tally_in(rows, keep, from, to, acc);
}

#[inline(always)]
fn tally_in<C: Code, A: Slots + ?Sized>(
    rows: &Rows<'_, C>,
    keep: &[u64],
    from: usize,
    to: usize,
    acc: &mut A,
) {
    each_block!(rows, keep, from, to, |b| {
        let (keyed, null) = (b.keep & b.key_valid, b.keep & !b.key_valid);
        tally_bits::<C, A, false, true>(keyed & b.value_valid, b, acc);
        let rest = keyed & !b.value_valid;
        if rest != 0 {
            tally_bits::<C, A, false, false>(rest, b, acc);
        }
        if null != 0 {
            tally_bits::<C, A, true, true>(null & b.value_valid, b, acc);
            tally_bits::<C, A, true, false>(null & !b.value_valid, b, acc);
        }
    });
}

/// Writes the valid non-`NaN` values of the rows `bits` of `b` to their slot's cursor in
/// `next` (a `NaN` is written and then overwritten: its cursor does not move).
#[inline(always)]
fn gather_bits<C: Code, const NULL: bool>(
    mut bits: u64,
    b: &Block<'_, C>,
    next: &mut [usize],
    buf: &mut [f64],
) {
    while bits != 0 {
        let j = bits.trailing_zeros() as usize;
        bits &= bits - 1;
        let s = if NULL {
            0
        } else {
            b.codes.get(j).map_or(0, |c| c.slot())
        };
        if let (Some(at), Some(v)) = (next.get_mut(s), b.values.get(j)) {
            if let Some(d) = buf.get_mut(*at) {
                *d = *v;
            }
            *at += usize::from(!v.is_nan());
        }
    }
}

/// The quantile gather: each group's valid non-`NaN` values, in row order, from its offset.
#[inline(never)]
fn gather_keep<C: Code>(rows: &Rows<'_, C>, keep: &[u64], next: &mut [usize], buf: &mut [f64]) {
    each_block!(rows, keep, 0, keep.len(), |b| {
        let kept = b.keep & b.value_valid;
        gather_bits::<C, false>(kept & b.key_valid, b, next, buf);
        let null = kept & !b.key_valid;
        if null != 0 {
            gather_bits::<C, true>(null, b, next, buf);
        }
    });
}

/// The slots of the first `groups` distinct kept rows, with those rows: a scan from the start
/// that stops once every non-empty group is seen.
fn first_rows<C: Code>(rows: &Rows<'_, C>, keep: &[u64], groups: usize, first: &mut [usize]) {
    let mut seen = 0usize;
    let mut w = 0;
    while w < keep.len() && seen < groups {
        let key_valid = rows.key_word(w);
        let mut bits = keep.get(w).copied().unwrap_or(0);
        while bits != 0 && seen < groups {
            let j = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            let r = w * WORD + j;
            let s = if (key_valid >> j) & 1 == 1 {
                rows.codes.get(r).map_or(0, |c| c.slot())
            } else {
                0
            };
            if let Some(f) = first.get_mut(s) {
                if *f == usize::MAX {
                    *f = r;
                    seen += 1;
                }
            }
        }
        w += 1;
    }
}

/// Groups the rows set in `keep` (row `r` is bit `r % 64` of word `r / 64`, see
/// [`super::keep`]; bits past the key's rows are ignored) by `key` and computes `ops` over
/// `value` per group: `count`, `valid`, `missing`, `sum`, `mean`, `median`, `q1` and `q3`
/// (other ops: `None`). The results equal [`filter_group_aggregate`]'s on the selection of
/// the kept rows.
///
/// One pass counts rows and valid values per group (one `u64` each) and sums each group's
/// values in row order; it visits only the kept rows, by `trailing_zeros` over each word,
/// so it never branches on the filter. First appearances are found afterwards by a scan
/// that stops once every group is seen, and `mean` is `sum / valid` (within 1e-15 relative
/// of Vega's running mean; see the module tests). Quantiles gather each group's values by a
/// counting sort in a second pass over the same words.
///
/// ```
/// use storychart::data::{NumberColumn, StrColumn};
/// use storychart::data::kernels::AggregateOp;
/// use storychart::data::kernels::fused::keep_group_aggregate;
/// let mut k = StrColumn::default();
/// for s in ["a", "b", "a", "b"] { k.push(Some(s)); }
/// let v = NumberColumn::from_options([Some(1.0), Some(2.0), Some(3.0), Some(40.0)]);
/// let f = keep_group_aggregate(&[0b1101], &k, Some(&v), &[AggregateOp::Count, AggregateOp::Median]).unwrap();
/// assert_eq!(f.keys, vec![Some(0), Some(1)]);
/// assert_eq!(f.columns[0].values, vec![2.0, 1.0]);
/// assert_eq!(f.columns[1].values, vec![2.0, 40.0]);
/// ```
pub fn keep_group_aggregate(
    keep: &[u64],
    key: &StrColumn,
    value: Option<&NumberColumn>,
    ops: &[AggregateOp],
) -> Option<Fused> {
    aggregate_kept(Keep::Words(keep), key, value, ops)
}

/// Where the keep words of [`keep_pass`] come from.
enum Keep<'a> {
    /// Given.
    Words(&'a [u64]),
    /// Tested a chunk at a time, just before the chunk's rows are tallied (the filter column
    /// is read in the same pass as the key and the values).
    Range(RangeTest<'a>),
}

/// Words of [`Keep::Range`] tested before each tally call: 2,048 rows, 16 KB of the filter
/// column.
const CHUNK: usize = 32;

fn aggregate_kept(
    keep: Keep<'_>,
    key: &StrColumn,
    value: Option<&NumberColumn>,
    ops: &[AggregateOp],
) -> Option<Fused> {
    if !ops.iter().all(|op| fast(*op)) || u32::try_from(key.codes.len()).is_err() {
        return None;
    }
    Some(match &key.codes {
        Codes::U8(c) => keep_pass(keep, c, key, value, ops),
        Codes::U16(c) => keep_pass(keep, c, key, value, ops),
        Codes::U32(c) => keep_pass(keep, c, key, value, ops),
    })
}

#[allow(clippy::cast_precision_loss)]
fn keep_pass<C: Code>(
    keep: Keep<'_>,
    codes: &[C],
    key: &StrColumn,
    value: Option<&NumberColumn>,
    ops: &[AggregateOp],
) -> Fused {
    let n = codes.len();
    let slots = key.dict.len() + 1;
    let needs_value = ops.iter().any(|op| *op != AggregateOp::Count);
    let quant = ops
        .iter()
        .any(|op| matches!(op, AggregateOp::Median | AggregateOp::Q1 | AggregateOp::Q3));
    let empty = NumberColumn::default();
    let value = value.filter(|_| needs_value).unwrap_or(&empty);
    let values = value.values.as_slice();
    let rows = Rows {
        codes,
        key_valid: key.valid.words(),
        key_all: key.valid.len() >= n && key.valid.count_valid() >= n,
        values,
        value_valid: value.valid.words(),
        value_all: values.len() >= n && value.valid.len() >= n && value.valid.count_valid() >= n,
    };
    let words = n.div_ceil(WORD);
    let mut acc = vec![
        Slot::default();
        if C::NARROW {
            slots.max(U8_SLOTS)
        } else {
            slots
        }
    ];
    let tested;
    let keep = match keep {
        Keep::Words(k) => {
            let k = k.get(..words).unwrap_or(k);
            tally(&rows, k, 0, k.len(), &mut acc);
            k
        }
        Keep::Range(test) => {
            let mut out = vec![0u64; words];
            let mut w = 0;
            while w < words {
                let end = (w + CHUNK).min(words);
                if let Some(chunk) = out.get_mut(w..end) {
                    test.fill(w, chunk);
                }
                tally(&rows, &out, w, end, &mut acc);
                w = end;
            }
            tested = out;
            &tested
        }
    };
    let counts: Vec<(u64, u64)> = acc
        .iter()
        .take(slots)
        .map(|a| (a.tally & 0xFFFF_FFFF, a.tally >> 32))
        .collect();
    let groups = counts.iter().filter(|c| c.0 > 0).count();
    let mut first = vec![usize::MAX; slots];
    first_rows(&rows, keep, groups, &mut first);
    let mut order: Vec<usize> = (0..slots)
        .filter(|s| counts.get(*s).is_some_and(|c| c.0 > 0))
        .collect();
    order.sort_unstable_by_key(|s| first.get(*s).copied().unwrap_or(usize::MAX));
    // Each slot's values from `offsets[s]` (room for its valid values, `NaN` included) to
    // `ends[s]` (the non-`NaN` ones gathered).
    let mut gathered = quant.then(|| {
        let mut offsets = Vec::with_capacity(slots + 1);
        let mut total = 0usize;
        offsets.push(0);
        for (_, valid) in &counts {
            total += *valid as usize;
            offsets.push(total);
        }
        let mut buf = vec![0.0; total];
        let mut ends = offsets.clone();
        gather_keep(&rows, keep, &mut ends, &mut buf);
        (buf, offsets, ends)
    });
    let columns = ops
        .iter()
        .map(|op| {
            NumberColumn::from_options(order.iter().map(|s| {
                let (rows, n) = counts.get(*s).copied().unwrap_or((0, 0));
                let (rows, n) = (rows as f64, n as f64);
                let total = acc.get(*s).map_or(0.0, |a| a.sum);
                use AggregateOp as A;
                match op {
                    A::Count => Some(rows),
                    A::Valid => Some(n),
                    A::Missing => Some(rows - n),
                    A::Sum => (n > 0.0).then_some(total),
                    A::Mean | A::Average => (n > 0.0).then_some(total / n),
                    A::Median | A::Q1 | A::Q3 => {
                        let (buf, offsets, ends) = gathered.as_mut()?;
                        let from = *offsets.get(*s)?;
                        let to = *ends.get(*s)?;
                        quantile_select(buf.get_mut(from..to)?, quantile_p(*op))
                    }
                    _ => None,
                }
            }))
        })
        .collect();
    Fused {
        keys: order
            .iter()
            .map(|s| s.checked_sub(1).map(|c| c as u32))
            .collect(),
        first_row: order
            .iter()
            .map(|s| first.get(*s).copied().unwrap_or(0))
            .collect(),
        columns,
    }
}

#[allow(clippy::cast_precision_loss)]
fn result(op: AggregateOp, a: &Acc, q: Option<(&mut Gathered, usize)>) -> Option<f64> {
    use AggregateOp as A;
    let n = a.n;
    let dev = if a.dev.is_nan() {
        f64::NAN
    } else {
        a.dev.max(0.0)
    };
    match op {
        A::Count => Some(a.rows as f64),
        A::Valid => Some(n),
        A::Missing => Some(a.rows as f64 - n),
        A::Sum => (n > 0.0).then_some(a.sum),
        A::Mean | A::Average => (n > 0.0).then_some(a.sum / n),
        A::Min => (n > 0.0).then_some(a.min),
        A::Max => (n > 0.0).then_some(a.max),
        A::Variance => (n > 1.0).then(|| dev / (n - 1.0)),
        A::VarianceP => (n > 0.0).then(|| dev / n),
        A::Stdev => (n > 1.0).then(|| (dev / (n - 1.0)).sqrt()),
        A::StdevP => (n > 0.0).then(|| (dev / n).sqrt()),
        A::Stderr => (n > 1.0).then(|| (dev / (n * (n - 1.0))).sqrt()),
        A::Median | A::Q1 | A::Q3 => {
            let ((buf, offsets), s) = q?;
            quantile_of(op, buf, offsets, s)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::kernels::test_util::{random_table, Rng};
    use crate::data::kernels::{aggregate, group_by, take_table};
    use crate::data::{Column, Value};
    use crate::expr::Env;

    const OPS: [AggregateOp; 16] = [
        AggregateOp::Count,
        AggregateOp::Valid,
        AggregateOp::Missing,
        AggregateOp::Sum,
        AggregateOp::Mean,
        AggregateOp::Average,
        AggregateOp::Min,
        AggregateOp::Max,
        AggregateOp::Median,
        AggregateOp::Q1,
        AggregateOp::Q3,
        AggregateOp::Variance,
        AggregateOp::VarianceP,
        AggregateOp::Stdev,
        AggregateOp::StdevP,
        AggregateOp::Stderr,
    ];

    const FAST_OPS: [AggregateOp; 9] = [
        AggregateOp::Count,
        AggregateOp::Valid,
        AggregateOp::Missing,
        AggregateOp::Sum,
        AggregateOp::Mean,
        AggregateOp::Average,
        AggregateOp::Median,
        AggregateOp::Q1,
        AggregateOp::Q3,
    ];

    type FusedBits = (Vec<Option<u32>>, Vec<usize>, Vec<Vec<Option<u64>>>);

    fn fused_bits(f: &Fused) -> FusedBits {
        (
            f.keys.clone(),
            f.first_row.clone(),
            f.columns.iter().map(bits).collect(),
        )
    }

    fn bits(c: &NumberColumn) -> Vec<Option<u64>> {
        (0..c.values.len())
            .map(|i| c.get(i).map(f64::to_bits))
            .collect()
    }

    #[test]
    fn equals_the_general_path_on_random_tables() {
        let mut rng = Rng(11);
        let mut compared = 0;
        for round in 0..300 {
            let t = random_table(&mut rng, 40);
            let (Some(Column::Str(g)), Some(Column::Number(n))) = (t.column("g"), t.column("n"))
            else {
                continue;
            };
            let lo = (rng.below(9) as f64) - 4.0;
            let hi = lo + (rng.below(6) as f64) - 1.0;
            // The general path: Vega's expression, a selection, gathered rows, group, aggregate.
            let expr = crate::expr::parse(&format!("inrange(datum[\"n\"], [{lo}, {hi}])")).unwrap();
            let rows: Vec<usize> = expr
                .eval_filter(&t, &Env::new())
                .unwrap()
                .into_iter()
                .map(|r| r as usize)
                .collect();
            let sel = select_range(n, lo, hi, t.num_rows());
            assert_eq!(
                sel.iter().map(|r| *r as usize).collect::<Vec<_>>(),
                rows,
                "round {round}: selection of [{lo}, {hi}]"
            );
            let sub = take_table(&t, &rows).unwrap();
            let groups = group_by(&[sub.column("g").unwrap()], sub.num_rows());
            let fused = filter_group_aggregate(Some(&sel), g, Some(n), &OPS).unwrap();
            let keys: Vec<Value> = groups
                .first_row
                .iter()
                .map(|r| sub.column("g").unwrap().value(*r))
                .collect();
            let fused_keys: Vec<Value> = fused
                .keys
                .iter()
                .map(|k| match k {
                    Some(c) => Value::Str(g.dict[*c as usize].clone()),
                    None => Value::Null,
                })
                .collect();
            assert_eq!(fused_keys, keys, "round {round}: group order");
            // The fast path (counts, sums, quantiles) on a random subset of its ops.
            let fast_ops: Vec<AggregateOp> = FAST_OPS
                .iter()
                .copied()
                .filter(|_| rng.below(2) == 0)
                .collect();
            let quick = filter_group_aggregate(Some(&sel), g, Some(n), &fast_ops).unwrap();
            assert_eq!(quick.keys, fused.keys, "round {round}: fast path groups");
            assert_eq!(
                quick.first_row, fused.first_row,
                "round {round}: first rows"
            );
            let ranged = range_group_aggregate(n, lo, hi, g, Some(n), &fast_ops).unwrap();
            let mask: Vec<bool> = (0..t.num_rows())
                .map(|r| sel.contains(&(r as u32)))
                .collect();
            let masked = mask_group_aggregate(&mask, g, Some(n), &fast_ops).unwrap();
            assert_eq!(
                fused_bits(&ranged),
                fused_bits(&quick),
                "round {round}: one pass over [{lo}, {hi}]"
            );
            assert_eq!(
                fused_bits(&masked),
                fused_bits(&quick),
                "round {round}: one pass over the mask"
            );
            for (i, op) in OPS.iter().enumerate() {
                let general = aggregate(sub.column("n"), &groups, *op);
                same(
                    &fused.columns[i],
                    &general,
                    *op,
                    &format!("round {round}: {op:?} over [{lo}, {hi}]"),
                );
                if let Some(j) = fast_ops.iter().position(|o| o == op) {
                    same(
                        &quick.columns[j],
                        &general,
                        *op,
                        &format!("round {round}: fast {op:?}"),
                    );
                }
                compared += 1;
            }
        }
        assert!(compared > 1000, "only {compared} comparisons");
    }

    /// Equal to the bit, but for `mean`: the fused kernels divide the sum by the count, the
    /// general path keeps Vega's running mean; they agree within 1e-15 relative (the oracle
    /// tolerance is 1e-9).
    fn same(fused: &NumberColumn, general: &NumberColumn, op: AggregateOp, what: &str) {
        if !matches!(op, AggregateOp::Mean | AggregateOp::Average) {
            assert_eq!(bits(fused), bits(general), "{what}");
            return;
        }
        assert_eq!(fused.values.len(), general.values.len(), "{what}");
        for i in 0..general.values.len() {
            match (fused.get(i), general.get(i)) {
                (Some(a), Some(b)) => assert!(
                    a == b
                        || (a - b).abs() <= 1e-15 * b.abs().max(1.0)
                        || (a.is_nan() && b.is_nan()),
                    "{what}: {a} vs {b}"
                ),
                (a, b) => assert_eq!(a, b, "{what}"),
            }
        }
    }

    #[test]
    fn range_pass_equals_the_selection_path() {
        // Keys and filter values all valid (the in-place blocks) or with nulls, values with
        // nulls and ties, from a few rows to several chunks of range-tested words, a filter
        // column sometimes shorter than the key.
        let mut rng = Rng(23);
        for round in 0..60 {
            let rows = if round % 4 == 0 {
                CHUNK * WORD + rng.below(3 * (CHUNK * WORD) as u64) as usize
            } else {
                rng.below(300) as usize
            };
            // u8, u16 and u32 codes.
            let size = [1 + rng.below(5), 300, 70_000][round % 3];
            let dict: Vec<String> = (0..size).map(|i| format!("k{i}")).collect();
            let codes: Vec<u32> = (0..rows)
                .map(|_| rng.below(dict.len() as u64) as u32)
                .collect();
            let key = StrColumn::from_parts(dict, codes, crate::data::Bitmap::filled(rows, true));
            let nulls = round % 2 == 1;
            let len = if round % 5 == 3 { rows / 2 } else { rows };
            let filter = NumberColumn::from_options((0..len).map(|_| match rng.below(10) {
                0 if nulls => None,
                k => Some(k as f64 - 2.0),
            }));
            let value = NumberColumn::from_options((0..rows).map(|_| match rng.below(6) {
                0 => None,
                k => Some(k as f64 * 0.5 - 1.0),
            }));
            let (lo, hi) = (rng.below(6) as f64 - 2.0, rng.below(10) as f64 - 2.0);
            let sel = select_range(&filter, lo, hi, rows);
            let want = filter_group_aggregate(Some(&sel), &key, Some(&value), &FAST_OPS).unwrap();
            let got =
                range_group_aggregate(&filter, lo, hi, &key, Some(&value), &FAST_OPS).unwrap();
            assert_eq!(fused_bits(&got), fused_bits(&want), "round {round}");
        }
    }

    /// A row-by-row reference for [`keep_group_aggregate`]: groups in order of first kept
    /// row, rows and valid values counted, sums in row order from `+0`, quantiles of the
    /// sorted non-`NaN` values, `mean = sum / valid`.
    fn reference(
        keep: &[u64],
        key: &StrColumn,
        value: &NumberColumn,
        ops: &[AggregateOp],
    ) -> FusedBits {
        use crate::data::kernels::quantile::quantile_sorted;
        let rows = key.codes.len();
        let mut order: Vec<usize> = Vec::new();
        let mut first = Vec::new();
        let mut acc: Vec<(f64, f64, f64, Vec<f64>)> = Vec::new();
        for r in 0..rows {
            if keep.get(r / 64).is_none_or(|w| (w >> (r % 64)) & 1 == 0) {
                continue;
            }
            let s = if key.valid.get(r) {
                key.codes.get(r).unwrap() as usize + 1
            } else {
                0
            };
            let g = match order.iter().position(|o| *o == s) {
                Some(g) => g,
                None => {
                    order.push(s);
                    first.push(r);
                    acc.push((0.0, 0.0, 0.0, Vec::new()));
                    order.len() - 1
                }
            };
            let a = &mut acc[g];
            a.0 += 1.0;
            if let (Some(v), true) = (value.values.get(r), value.valid.get(r)) {
                a.1 += 1.0;
                a.2 += *v;
                if !v.is_nan() {
                    a.3.push(*v);
                }
            }
        }
        let columns = ops
            .iter()
            .map(|op| {
                bits(&NumberColumn::from_options(acc.iter_mut().map(
                    |(rows, n, sum, vals)| {
                        vals.sort_by(f64::total_cmp);
                        use AggregateOp as A;
                        match op {
                            A::Count => Some(*rows),
                            A::Valid => Some(*n),
                            A::Missing => Some(*rows - *n),
                            A::Sum => (*n > 0.0).then_some(*sum),
                            A::Mean | A::Average => (*n > 0.0).then_some(*sum / *n),
                            _ => quantile_sorted(vals, quantile_p(*op)),
                        }
                    },
                )))
            })
            .collect();
        (
            order
                .iter()
                .map(|s| s.checked_sub(1).map(|c| c as u32))
                .collect(),
            first,
            columns,
        )
    }

    #[test]
    fn keep_words_pass_equals_a_row_by_row_reference() {
        // Full and partial 64-row blocks, null keys, a value column with nulls, NaN, zeros of
        // both signs and infinities, sometimes shorter than the key, keep words past the end,
        // codes of every width.
        let mut rng = Rng(31);
        for round in 0..400 {
            let rows = rng.below(400) as usize;
            let size = [1 + rng.below(6) as usize, 300, 2_000][round % 3];
            let dict: Vec<String> = (0..size).map(|i| format!("k{i}")).collect();
            let codes: Vec<u32> = (0..rows).map(|_| rng.below(size as u64) as u32).collect();
            let codes = match rng.below(3) {
                0 => Codes::from_vec(codes),
                1 if size <= 65_536 => Codes::U16(codes.iter().map(|c| *c as u16).collect()),
                _ => Codes::U32(codes),
            };
            let mut key_valid = crate::data::Bitmap::filled(rows, true);
            if rng.below(2) == 0 {
                for r in 0..rows {
                    if rng.below(7) == 0 {
                        key_valid.set(r, false);
                    }
                }
            }
            let key = StrColumn::from_codes(dict, codes, key_valid);
            let len = if rng.below(4) == 0 {
                rng.below(rows as u64 + 1) as usize
            } else {
                rows
            };
            // Built by hand: a valid `NaN` (from_options makes it null) and nulls holding
            // numbers.
            let mut value = NumberColumn::default();
            for _ in 0..len {
                let (v, valid) = match rng.below(14) {
                    0 => (f64::NAN, false),
                    1 => (3.0, false),
                    2 => (-0.0, true),
                    3 => (0.0, true),
                    4 if round % 2 == 0 => (f64::NAN, true),
                    5 if round % 4 == 1 => (f64::INFINITY, true),
                    6 if round % 4 == 1 => (f64::NEG_INFINITY, true),
                    k => (k as f64 * 0.75 - 4.0, true),
                };
                value.values.push(v);
                value.valid.push(valid);
            }
            let density = rng.below(65);
            let words = rows.div_ceil(64) + rng.below(2) as usize;
            let keep: Vec<u64> = (0..words)
                .map(|_| (0..64).fold(0u64, |w, j| w | (u64::from(rng.below(64) < density) << j)))
                .collect();
            let ops: Vec<AggregateOp> = FAST_OPS
                .iter()
                .copied()
                .filter(|_| rng.below(3) != 0)
                .collect();
            // Sometimes no value column (a `count` chart).
            let none = NumberColumn::default();
            let value = if round % 5 == 4 { &none } else { &value };
            let arg = Some(value).filter(|_| round % 5 != 4);
            let got = keep_group_aggregate(&keep, &key, arg, &ops).unwrap();
            assert_eq!(
                fused_bits(&got),
                reference(&keep, &key, value, &ops),
                "round {round}: {rows} rows, {len} values, density {density}/64"
            );
        }
    }

    #[test]
    fn fast_path_without_selection_and_with_nulls_everywhere() {
        let mut rng = Rng(5);
        for _ in 0..200 {
            let t = random_table(&mut rng, 150);
            let (Some(Column::Str(g)), Some(Column::Number(n))) = (t.column("g"), t.column("n"))
            else {
                continue;
            };
            let groups = group_by(&[t.column("g").unwrap()], t.num_rows());
            let quick = filter_group_aggregate(None, g, Some(n), &FAST_OPS).unwrap();
            for (i, op) in FAST_OPS.iter().enumerate() {
                let general = aggregate(t.column("n"), &groups, *op);
                same(&quick.columns[i], &general, *op, &format!("{op:?}"));
            }
            assert_eq!(quick.first_row, groups.first_row);
        }
    }

    #[test]
    fn unsupported_ops_and_bad_rows_fall_back() {
        let mut k = StrColumn::default();
        k.push(Some("a"));
        assert!(filter_group_aggregate(None, &k, None, &[AggregateOp::Distinct]).is_none());
        assert!(filter_group_aggregate(Some(&[5]), &k, None, &[AggregateOp::Count]).is_none());
        let f = filter_group_aggregate(None, &k, None, &[AggregateOp::Count, AggregateOp::Sum])
            .unwrap();
        assert_eq!(f.columns[0].values, vec![1.0]);
        assert_eq!(f.columns[1].get(0), None);
    }
}
