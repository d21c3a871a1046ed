//! Fused filter + group-by + aggregate over dictionary codes: the hot path of a reader's
//! filter on a news chart (`filter: {field, range}` then an aggregate by one string field).
//!
//! Stage: kernels. One pass builds a selection vector (branch-free: every row is written, the
//! cursor advances only for rows that pass); a second pass over the selected rows updates
//! dense per-code accumulators (one small struct per dictionary entry, plus one for null).
//! No gather of the selected rows, no group-id array, no per-row allocation. Quantiles gather
//! each group's values into one buffer (counting sort by code) and select in linear time.
//!
//! The results equal the general path bit for bit (the expression filter
//! `inrange(datum.f, [lo, hi])`, [`take_table`](super::take_table), [`group_by`](super::group_by),
//! [`aggregate`](super::aggregate)): groups in order of first appearance among the selected
//! rows, Vega's running mean and variance, strict min/max, d3's R-7 quantiles. As in
//! JavaScript, a null in the filtered field is 0 to `inrange`. `tests` checks the equality on
//! random tables with nulls and ties.

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
    if ops.iter().all(|op| fast(*op)) && u32::try_from(rows).is_ok() {
        return Some(fast_path(selection, key, value, ops));
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
    let p = match op {
        AggregateOp::Q1 => 0.25,
        AggregateOp::Q3 => 0.75,
        _ => 0.5,
    };
    quantile_select(values, p)
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

/// Per-slot tallies of the fast path: rows in the low 32 bits, valid values in the high 32,
/// so one add counts both. Two copies (by row parity) halve the store-to-load chains when
/// neighbouring rows share a group; the sums keep one copy so each group adds its values in
/// row order, as Vega does.
const COPIES: usize = 2;

/// Spare slots that take dropped rows (spread over several, or every dropped row would wait
/// for the previous one's add).
const SPARE: usize = 8;

/// The fast path of [`filter_group_aggregate`] for [`fast`] ops over a selection (or all
/// rows).
fn fast_path(
    selection: Option<&[u32]>,
    key: &StrColumn,
    value: Option<&NumberColumn>,
    ops: &[AggregateOp],
) -> Fused {
    let rows = key.codes.len();
    match selection {
        Some(sel) => one_pass(
            rows,
            || sel.iter().map(|r| (*r as usize, true)),
            None,
            key,
            value,
            ops,
        ),
        None => one_pass(rows, || (0..rows).map(|r| (r, true)), None, key, value, ops),
    }
}

/// Fused `filter` + group-by + aggregate for `inrange(datum[filter], [lo, hi])` (see
/// [`select_range`]) in one pass over the rows, with no selection vector: each row's test is
/// a 0/1 weight on its group's tallies. Computes `count`, `valid`, `missing`, `sum`, `mean`,
/// `median`, `q1` and `q3` (other ops: `None`, take [`select_range`] then
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
    let rows = key.codes.len();
    if !ops.iter().all(|op| fast(*op)) || u32::try_from(rows).is_err() {
        return None;
    }
    let (lo, hi) = if lo > hi { (hi, lo) } else { (lo, hi) };
    let zero_in = lo <= 0.0 && 0.0 <= hi;
    let values = filter.values.as_slice();
    let all_valid =
        values.len() >= rows && filter.valid.len() >= rows && filter.valid.count_valid() >= rows;
    let words = filter.valid.words();
    if all_valid {
        let pass = |r: usize| values.get(r).is_some_and(|v| (lo <= *v) & (*v <= hi));
        let dense = Some((values, lo, hi));
        Some(one_pass(
            rows,
            || (0..rows).map(|r| (r, pass(r))),
            dense,
            key,
            value,
            ops,
        ))
    } else {
        let pass = |r: usize| {
            let valid = words.get(r / 64).is_some_and(|w| (w >> (r % 64)) & 1 == 1);
            match values.get(r) {
                Some(v) => (valid & (lo <= *v) & (*v <= hi)) | (!valid & zero_in),
                None => zero_in,
            }
        };
        Some(one_pass(
            rows,
            || (0..rows).map(|r| (r, pass(r))),
            None,
            key,
            value,
            ops,
        ))
    }
}

/// Like [`range_group_aggregate`] with a row mask (`true` = kept; rows past its end are
/// dropped) instead of a range test.
pub fn mask_group_aggregate(
    mask: &[bool],
    key: &StrColumn,
    value: Option<&NumberColumn>,
    ops: &[AggregateOp],
) -> Option<Fused> {
    let rows = key.codes.len();
    if !ops.iter().all(|op| fast(*op)) || u32::try_from(rows).is_err() {
        return None;
    }
    let pass = |r: usize| mask.get(r).copied().unwrap_or(false);
    Some(one_pass(
        rows,
        || (0..rows).map(|r| (r, pass(r))),
        None,
        key,
        value,
        ops,
    ))
}

/// The accumulators [`dense_pass`] updates.
struct DenseAcc<'a> {
    slots: usize,
    tally: &'a mut [u64],
    sum: &'a mut [f64],
    qn: &'a mut [usize],
}

/// The inner loop of [`range_group_aggregate`] when every filter value and key is valid:
/// `f`, `c` and `v` have one entry per row; `bits(w)` is the value column's validity word `w`.
/// The filter column, the value column and the range of [`dense_pass`].
struct DenseIn<'a> {
    f: &'a [f64],
    v: &'a [f64],
    lo: f64,
    hi: f64,
}

/// A dictionary code of any width.
trait Code: Copy {
    fn slot(self) -> usize;
}

impl Code for u8 {
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

#[inline(never)]
fn dense_pass<const QUANT: bool, C: Code>(
    input: &DenseIn<'_>,
    c: &[C],
    bits: &impl Fn(usize) -> u64,
    acc: DenseAcc<'_>,
) {
    let DenseAcc {
        slots,
        tally,
        sum,
        qn,
    } = acc;
    let DenseIn { f, v, lo, hi } = *input;
    let rows = f.len().min(c.len()).min(v.len());
    let mut base = 0;
    while base < rows {
        let end = (base + 64).min(rows);
        let word = bits(base / 64);
        let mut r = base;
        while r < end {
            let (Some(x), Some(code), Some(val)) = (f.get(r), c.get(r), v.get(r)) else {
                break;
            };
            let kept = (lo <= *x) & (*x <= hi);
            let valid = kept & ((word >> (r - base)) & 1 == 1);
            let s = code.slot();
            let spare = slots + r % SPARE;
            let (ts, ss) = (if kept { s } else { spare }, if valid { s } else { spare });
            if let Some(t) = tally.get_mut(ts * COPIES) {
                *t += 1 + (u64::from(valid) << 32);
            }
            if let Some(x) = sum.get_mut(ss) {
                *x += *val;
            }
            if QUANT {
                if let Some(q) = qn.get_mut(ss) {
                    *q += usize::from(!val.is_nan());
                }
            }
            r += 1;
        }
        base = end;
    }
}

/// The quantile gather of [`dense_pass`]'s rows: each kept valid non-`NaN` value goes to its
/// group's cursor in `next`; the others are written to the scratch entry at the end of `buf`
/// (no branch on the filter).
#[inline(never)]
fn dense_gather<C: Code>(
    input: &DenseIn<'_>,
    c: &[C],
    bits: &impl Fn(usize) -> u64,
    next: &mut [usize],
    buf: &mut [f64],
) {
    let DenseIn { f, v, lo, hi } = *input;
    let rows = f.len().min(c.len()).min(v.len());
    let scratch = buf.len().saturating_sub(1);
    let mut base = 0;
    while base < rows {
        let end = (base + 64).min(rows);
        let word = bits(base / 64);
        let mut r = base;
        while r < end {
            let (Some(x), Some(code), Some(val)) = (f.get(r), c.get(r), v.get(r)) else {
                break;
            };
            let keep = (lo <= *x) & (*x <= hi) & ((word >> (r - base)) & 1 == 1) & !val.is_nan();
            if let Some(at) = next.get_mut(code.slot()) {
                let to = if keep { *at } else { scratch };
                if let Some(dst) = buf.get_mut(to) {
                    *dst = *val;
                }
                *at += usize::from(keep);
            }
            r += 1;
        }
        base = end;
    }
}

/// The core of the fast path: one branch-free pass over `(row, kept)` pairs (rows and valid
/// values counted together in one `u64`; a dropped row or an invalid value goes to a spare
/// slot, so the filter needs no branch and each group still adds its values in row order),
/// first appearances found afterwards by a scan that stops once every group is seen, and
/// `mean` as `sum / valid` (within 1e-15 relative of Vega's running mean; see the module
/// tests). Quantiles gather each group's values by a counting sort in a second pass.
#[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
fn one_pass<I: Iterator<Item = (usize, bool)>>(
    rows: usize,
    each: impl Fn() -> I,
    dense: Option<(&[f64], f64, f64)>,
    key: &StrColumn,
    value: Option<&NumberColumn>,
    ops: &[AggregateOp],
) -> Fused {
    let slots = key.dict.len() + 1;
    let key_all_valid = key.valid.len() >= rows && key.valid.count_valid() >= rows;
    let key_words = key.valid.words();
    let slot = |r: usize| -> usize {
        let Some(c) = key.codes.get(r) else {
            return 0;
        };
        let valid = key_all_valid
            || key_words
                .get(r / 64)
                .is_some_and(|w| (w >> (r % 64)) & 1 == 1);
        if valid {
            c as usize + 1
        } else {
            0
        }
    };
    let needs_value = ops.iter().any(|op| *op != AggregateOp::Count);
    let quant = ops
        .iter()
        .any(|op| matches!(op, AggregateOp::Median | AggregateOp::Q1 | AggregateOp::Q3));
    let empty = NumberColumn::default();
    let value = value.filter(|_| needs_value).unwrap_or(&empty);
    let values = value.values.as_slice();
    let value_all_valid =
        values.len() >= rows && value.valid.len() >= rows && value.valid.count_valid() >= rows;
    let value_words = value.valid.words();
    let value_at = |r: usize| -> (f64, bool) {
        match values.get(r) {
            Some(v) => (
                *v,
                value_all_valid
                    || value_words
                        .get(r / 64)
                        .is_some_and(|w| (w >> (r % 64)) & 1 == 1),
            ),
            None => (0.0, false),
        }
    };
    // Spare slots at the end take dropped rows.
    let mut tally = vec![0u64; (slots + SPARE) * COPIES];
    let mut sum = vec![0.0f64; slots + SPARE];
    let mut qn = vec![0usize; if quant { slots } else { 0 }];
    let dense = match dense {
        Some((f, lo, hi)) if key_all_valid && key.codes.len() >= rows => {
            match (f.get(..rows), values.get(..rows)) {
                (Some(f), Some(v)) => Some((f, v, lo, hi)),
                _ => None,
            }
        }
        _ => None,
    };
    if let Some((f, v, lo, hi)) = dense {
        // Every filter value and key valid: a plain loop (opt-level z does not inline
        // iterator adapters), 64 rows per validity word of the value column, one copy per
        // code width.
        let acc = DenseAcc {
            slots,
            tally: &mut tally,
            sum: &mut sum,
            qn: &mut qn,
        };
        let bits = |w: usize| {
            if value_all_valid {
                u64::MAX
            } else {
                value_words.get(w).copied().unwrap_or(0)
            }
        };
        let input = DenseIn { f, v, lo, hi };
        match (&key.codes, quant) {
            (Codes::U8(c), true) => dense_pass::<true, u8>(&input, c, &bits, acc),
            (Codes::U8(c), false) => dense_pass::<false, u8>(&input, c, &bits, acc),
            (Codes::U16(c), true) => dense_pass::<true, u16>(&input, c, &bits, acc),
            (Codes::U16(c), false) => dense_pass::<false, u16>(&input, c, &bits, acc),
            (Codes::U32(c), true) => dense_pass::<true, u32>(&input, c, &bits, acc),
            (Codes::U32(c), false) => dense_pass::<false, u32>(&input, c, &bits, acc),
        }
    }
    if dense.is_none() {
        for (r, kept) in each() {
            let s = slot(r);
            let (v, valid) = value_at(r);
            let valid = kept & valid;
            // A dropped row (or an invalid value) goes to a spare slot past `slots`: no branch on
            // the (unpredictable) filter, and no `+0.0` added to a real sum.
            let spare = slots + r % SPARE;
            let (ts, ss) = (if kept { s } else { spare }, if valid { s } else { spare });
            if let Some(t) = tally.get_mut(ts * COPIES + r % COPIES) {
                *t += 1 + (u64::from(valid) << 32);
            }
            if let Some(x) = sum.get_mut(ss) {
                *x += v;
            }
            if quant {
                if let Some(q) = qn.get_mut(s) {
                    *q += usize::from(valid & !v.is_nan());
                }
            }
        }
    }
    let counts: Vec<(u64, u64)> = tally
        .chunks(COPIES)
        .take(slots)
        .map(|c| {
            let t: u64 = c.iter().sum();
            (t & 0xFFFF_FFFF, t >> 32)
        })
        .collect();
    // First appearances: scan from the start until every non-empty slot is seen.
    let groups = counts.iter().filter(|c| c.0 > 0).count();
    let mut first = vec![usize::MAX; slots];
    let mut seen = 0usize;
    for (r, kept) in each() {
        if seen >= groups {
            break;
        }
        if !kept {
            continue;
        }
        if let Some(f) = first.get_mut(slot(r)) {
            if *f == usize::MAX {
                *f = r;
                seen += 1;
            }
        }
    }
    let mut order: Vec<usize> = (0..slots)
        .filter(|s| counts.get(*s).is_some_and(|c| c.0 > 0))
        .collect();
    order.sort_unstable_by_key(|s| first.get(*s).copied().unwrap_or(usize::MAX));
    let mut gathered = quant.then(|| {
        let mut offsets = Vec::with_capacity(slots + 1);
        let mut total = 0usize;
        offsets.push(0);
        for n in &qn {
            total += n;
            offsets.push(total);
        }
        // One scratch entry past the end takes the rows that are not gathered.
        let mut buf = vec![0.0; total + 1];
        let mut next = offsets.clone();
        if let Some((f, v, lo, hi)) = dense {
            let input = DenseIn { f, v, lo, hi };
            let bits = |w: usize| {
                if value_all_valid {
                    u64::MAX
                } else {
                    value_words.get(w).copied().unwrap_or(0)
                }
            };
            match &key.codes {
                Codes::U8(c) => dense_gather(&input, c, &bits, &mut next, &mut buf),
                Codes::U16(c) => dense_gather(&input, c, &bits, &mut next, &mut buf),
                Codes::U32(c) => dense_gather(&input, c, &bits, &mut next, &mut buf),
            }
        } else {
            for (r, kept) in each() {
                let (v, valid) = value_at(r);
                if !(kept && valid) || v.is_nan() {
                    continue;
                }
                if let Some(at) = next.get_mut(slot(r)) {
                    if let Some(dst) = buf.get_mut(*at) {
                        *dst = v;
                    }
                    *at += 1;
                }
            }
        }
        buf.truncate(total);
        (buf, offsets)
    });
    let columns = ops
        .iter()
        .map(|op| {
            NumberColumn::from_options(order.iter().map(|s| {
                let (rows, n) = counts.get(*s).copied().unwrap_or((0, 0));
                let (rows, n) = (rows as f64, n as f64);
                let total = sum.get(*s).copied().unwrap_or(0.0);
                use AggregateOp as A;
                match op {
                    A::Count => Some(rows),
                    A::Valid => Some(n),
                    A::Missing => Some(rows - n),
                    A::Sum => (n > 0.0).then_some(total),
                    A::Mean | A::Average => (n > 0.0).then_some(total / n),
                    A::Median | A::Q1 | A::Q3 => {
                        let (buf, offsets) = gathered.as_mut()?;
                        quantile_of(*op, buf, offsets, *s)
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
    fn dense_range_pass_equals_the_selection_path() {
        // Every key and filter value valid (the dense loop), values with nulls and NaN-free
        // ties, more than 64 rows so validity words roll over.
        let mut rng = Rng(23);
        for round in 0..60 {
            let rows = rng.below(300) as usize;
            // u8, u16 and u32 codes.
            let size = [1 + rng.below(5), 300, 70_000][round % 3];
            let dict: Vec<String> = (0..size).map(|i| format!("k{i}")).collect();
            let codes: Vec<u32> = (0..rows)
                .map(|_| rng.below(dict.len() as u64) as u32)
                .collect();
            let key = StrColumn::from_parts(dict, codes, crate::data::Bitmap::filled(rows, true));
            let filter = NumberColumn::from_options((0..rows).map(|_| Some(rng.below(10) as f64)));
            let value = NumberColumn::from_options((0..rows).map(|_| match rng.below(6) {
                0 => None,
                k => Some(k as f64 * 0.5 - 1.0),
            }));
            let (lo, hi) = (rng.below(6) as f64, rng.below(10) as f64);
            let sel = select_range(&filter, lo, hi, rows);
            let want = filter_group_aggregate(Some(&sel), &key, Some(&value), &FAST_OPS).unwrap();
            let got =
                range_group_aggregate(&filter, lo, hi, &key, Some(&value), &FAST_OPS).unwrap();
            assert_eq!(fused_bits(&got), fused_bits(&want), "round {round}");
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
