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
use crate::data::{NumberColumn, StrColumn};

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
    matches!(
        op,
        A::Count
            | A::Valid
            | A::Missing
            | A::Sum
            | A::Mean
            | A::Average
            | A::Min
            | A::Max
            | A::Median
            | A::Q1
            | A::Q3
            | A::Variance
            | A::VarianceP
            | A::Stdev
            | A::StdevP
            | A::Stderr
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
    let mut acc = vec![Acc::default(); key.dict.len() + 1];
    let key_all_valid = key.valid.len() >= rows && key.valid.count_valid() >= rows;
    let slot = |r: usize| -> usize {
        match key.codes.get(r) {
            Some(c) if key_all_valid || key.valid.get(r) => *c as usize + 1,
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
    let quantiles = ops
        .iter()
        .any(|op| matches!(op, AggregateOp::Median | AggregateOp::Q1 | AggregateOp::Q3))
        .then(|| gather(selection, rows, &acc, &slot, value, value_all_valid));
    let columns = ops
        .iter()
        .map(|op| {
            NumberColumn::from_options(order.iter().map(|s| {
                let a = acc.get(*s)?;
                result(*op, a, quantiles.as_ref().map(|q| (q, *s)))
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
    acc: &[Acc],
    slot: &impl Fn(usize) -> usize,
    value: &NumberColumn,
    all_valid: bool,
) -> Gathered {
    let mut offsets = Vec::with_capacity(acc.len() + 1);
    let mut total = 0usize;
    offsets.push(0);
    for a in acc {
        total += a.qn;
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

#[allow(clippy::cast_precision_loss)]
fn result(op: AggregateOp, a: &Acc, q: Option<(&Gathered, usize)>) -> Option<f64> {
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
        A::Mean | A::Average => (n > 0.0).then_some(a.mean),
        A::Min => (n > 0.0).then_some(a.min),
        A::Max => (n > 0.0).then_some(a.max),
        A::Variance => (n > 1.0).then(|| dev / (n - 1.0)),
        A::VarianceP => (n > 0.0).then(|| dev / n),
        A::Stdev => (n > 1.0).then(|| (dev / (n - 1.0)).sqrt()),
        A::StdevP => (n > 0.0).then(|| (dev / n).sqrt()),
        A::Stderr => (n > 1.0).then(|| (dev / (n * (n - 1.0))).sqrt()),
        A::Median | A::Q1 | A::Q3 => {
            let ((buf, offsets), s) = q?;
            let (from, to) = (*offsets.get(s)?, *offsets.get(s + 1)?);
            let mut values = buf.get(from..to)?.to_vec();
            let p = match op {
                A::Q1 => 0.25,
                A::Q3 => 0.75,
                _ => 0.5,
            };
            quantile_select(&mut values, p)
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
            for (i, op) in OPS.iter().enumerate() {
                let general = aggregate(sub.column("n"), &groups, *op);
                assert_eq!(
                    bits(&fused.columns[i]),
                    bits(&general),
                    "round {round}: {op:?} over [{lo}, {hi}]"
                );
                compared += 1;
            }
        }
        assert!(compared > 1000, "only {compared} comparisons");
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
