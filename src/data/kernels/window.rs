//! Vega's `window` transform: ranks, offsets and framed aggregates within sorted partitions.
//!
//! Stage: kernels. Rows are partitioned by [`Groups`], each partition is sorted with Vega's
//! comparator ([`RowComparator`], ties in row order), and every op yields one column aligned
//! with the input rows. The arithmetic replays Vega's `Window.js` / `WindowOps.js` step by
//! step, so results match Vega to the last bit:
//!
//! - the frame `[f0, f1]` (`None` = unbounded) is clamped to the partition; unless
//!   `ignore_peers` (or without sort keys), it widens to whole runs of peers (rows that tie on
//!   every sort key);
//! - framed aggregates slide incrementally (Vega's `cell.add` / `cell.rem`): `sum += v`,
//!   `sum -= v`, the running mean update, and a lazily recomputed `min`/`max`. `count` counts
//!   rows; the other ops skip null, `""` and `NaN`, and are null over a frame without values;
//! - ranks use Vega's peer rules, including its `cume_dist` quirk (the first row of a partition
//!   never looks ahead to its peers);
//! - `lag`/`lead`/`first_value`/`last_value`/`nth_value` copy the source column's values (same
//!   column type); a position outside the partition or frame gives null.
//!
//! Where Vega throws (a frame start past the last row with peer adjustment, `first_value` of an
//! empty frame), storychart gives null instead of failing.

use crate::data::kernels::sort::RowComparator;
use crate::data::kernels::{take, AggregateOp, Groups, Order};
use crate::data::{Column, NumberColumn, Value};
use crate::error::{Error, Result};

use super::sort::js_string_to_number;

/// One window operation. Field-reading ops borrow their source column.
#[derive(Clone, Copy, Debug)]
pub enum WindowOp<'a> {
    /// 1, 2, 3, ... within the partition.
    RowNumber,
    /// Rank with gaps; peers share a rank.
    Rank,
    /// Rank without gaps.
    DenseRank,
    /// `(rank - 1) / (n - 1)`.
    PercentRank,
    /// Cumulative distribution: rows up to and including the last peer, over `n`.
    CumeDist,
    /// `ceil(num * cume_dist)`; `num` must be greater than 0.
    Ntile(f64),
    /// The value `offset` rows before (Vega treats an offset of 0 as 1).
    Lag(&'a Column, i64),
    /// The value `offset` rows after (Vega treats an offset of 0 as 1).
    Lead(&'a Column, i64),
    /// The first value of the frame.
    FirstValue(&'a Column),
    /// The last value of the frame.
    LastValue(&'a Column),
    /// The `nth` value of the frame (1-based); `nth` must be greater than 0.
    NthValue(&'a Column, f64),
    /// An aggregate over the frame (`count` ignores the column).
    Aggregate(AggregateOp, Option<&'a Column>),
}

/// How partitions are sorted and framed.
#[derive(Clone, Debug)]
pub struct WindowSpec<'a> {
    /// Sort keys within a partition; empty keeps row order (and makes every row its own peer).
    pub sort: Vec<(&'a Column, Order)>,
    /// Frame offsets relative to the current row, inclusive; `None` is unbounded.
    pub frame: [Option<i64>; 2],
    /// Frame by row count only, without widening to peers.
    pub ignore_peers: bool,
}

impl Default for WindowSpec<'_> {
    /// Vega's defaults: no sort, `frame: [null, 0]`, `ignorePeers: false`.
    fn default() -> Self {
        Self {
            sort: Vec::new(),
            frame: [None, Some(0)],
            ignore_peers: false,
        }
    }
}

/// The frame state of Vega's `w` object: current `[i0, i1)`, previous `[p0, p1)`.
#[derive(Clone, Copy, Debug, Default)]
struct Frame {
    i0: usize,
    i1: usize,
    p0: usize,
    p1: usize,
}

/// One sorted partition and its peer runs.
struct Partition {
    /// Row indices in sorted order.
    rows: Vec<u32>,
    /// For each sorted position, the first position of its run of peers.
    run_start: Vec<usize>,
    /// For each sorted position, one past the last position of its run of peers.
    run_end: Vec<usize>,
    /// Whether each position differs from the previous one (`compare(d[i-1], d[i]) != 0`).
    new_run: Vec<bool>,
}

/// Computes `ops` over the rows of `groups` (one partition per group), returning one column
/// per op aligned with the rows. Fails only on an invalid `ntile` or `nth_value` parameter.
///
/// ```
/// use storychart::data::kernels::{group_by, window, Order, WindowOp, WindowSpec};
/// use storychart::data::parse::parse_json;
/// let t = parse_json(r#"[{"v": 5}, {"v": 1}, {"v": 5}, {"v": 3}]"#, "t").unwrap();
/// let v = t.column("v").unwrap();
/// let spec = WindowSpec { sort: vec![(v, Order::Ascending)], ..WindowSpec::default() };
/// let out = window(&group_by(&[], 4), &spec, &[WindowOp::Rank, WindowOp::RowNumber]).unwrap();
/// assert_eq!(out[0].number(0), Some(3.0)); // 5 ties with 5: both rank 3
/// assert_eq!(out[0].number(2), Some(3.0));
/// assert_eq!(out[1].number(2), Some(4.0));
/// ```
pub fn window(groups: &Groups, spec: &WindowSpec<'_>, ops: &[WindowOp<'_>]) -> Result<Vec<Column>> {
    check_params(ops)?;
    let n = groups.row_group.len();
    let cmp = RowComparator::new(&spec.sort);
    let partitions = partition(groups, &cmp);
    let range = !cmp.is_empty() && !spec.ignore_peers;
    let mut out = Vec::with_capacity(ops.len());
    for op in ops {
        out.push(match op {
            WindowOp::Lag(col, _)
            | WindowOp::Lead(col, _)
            | WindowOp::FirstValue(col)
            | WindowOp::LastValue(col)
            | WindowOp::NthValue(col, _) => {
                let mut source = vec![usize::MAX; n];
                for p in &partitions {
                    source_rows(p, spec.frame, range, *op, &mut source);
                }
                take(col, &source)
            }
            WindowOp::Aggregate(agg, col) => {
                let mut values = vec![None; n];
                for p in &partitions {
                    framed_aggregate(p, spec.frame, range, *agg, *col, &mut values);
                }
                Column::Number(NumberColumn::from_options(values))
            }
            _ => {
                let mut values = vec![None; n];
                for p in &partitions {
                    rank_like(p, *op, &mut values);
                }
                Column::Number(NumberColumn::from_options(values))
            }
        });
    }
    Ok(out)
}

fn check_params(ops: &[WindowOp<'_>]) -> Result<()> {
    for op in ops {
        match op {
            WindowOp::Ntile(num) if num.is_nan() || *num <= 0.0 => {
                return Err(Error::window_param("ntile", *num));
            }
            WindowOp::NthValue(_, nth) if nth.is_nan() || *nth <= 0.0 => {
                return Err(Error::window_param("nth_value", *nth));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Splits rows by group (row order), sorts each group and finds its peer runs.
fn partition(groups: &Groups, cmp: &RowComparator<'_>) -> Vec<Partition> {
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); groups.len()];
    for (row, g) in groups.row_group.iter().enumerate() {
        if let (Some(m), Ok(row)) = (members.get_mut(*g as usize), u32::try_from(row)) {
            m.push(row);
        }
    }
    members
        .into_iter()
        .map(|rows| {
            let rows = if cmp.is_empty() {
                rows
            } else {
                cmp.sort(&rows)
            };
            let mut new_run = Vec::with_capacity(rows.len());
            let mut prev: Option<u32> = None;
            for &r in &rows {
                // Without sort keys Vega's compare is `constant(-1)`: no two rows are peers.
                let differs = prev.is_some_and(|p| cmp.is_empty() || cmp.compare(p, r).is_ne());
                new_run.push(prev.is_none() || differs);
                prev = Some(r);
            }
            let len = rows.len();
            let mut run_start = vec![0; len];
            let mut start = 0;
            for (i, (slot, new)) in run_start.iter_mut().zip(&new_run).enumerate() {
                if *new {
                    start = i;
                }
                *slot = start;
            }
            let mut run_end = vec![len; len];
            let mut end = len;
            for i in (0..len).rev() {
                if let Some(slot) = run_end.get_mut(i) {
                    *slot = end;
                }
                if new_run.get(i).copied().unwrap_or(true) {
                    end = i;
                }
            }
            Partition {
                rows,
                run_start,
                run_end,
                new_run,
            }
        })
        .collect()
}

/// Vega's `setWindow` followed, for range frames, by `adjustRange`.
fn advance(w: &mut Frame, frame: [Option<i64>; 2], i: usize, p: &Partition, range: bool) {
    let n = p.rows.len();
    let (ni, nn) = (to_i64(i), to_i64(n));
    w.p0 = w.i0;
    w.p1 = w.i1;
    let start = frame[0].map_or(0, |f| ni.saturating_add(f));
    let end = frame[1].map_or(nn, |f| ni.saturating_add(f).saturating_add(1));
    w.i0 = clamp(start, n);
    w.i1 = clamp(end, n);
    if range {
        let r0 = w.i0;
        if r0 > 0 && r0 < n && !p.new_run.get(r0).copied().unwrap_or(true) {
            w.i0 = p.run_start.get(r0).copied().unwrap_or(r0);
        }
        if let Some(r1) = w.i1.checked_sub(1) {
            if r1 + 1 < n && !p.new_run.get(r1 + 1).copied().unwrap_or(true) {
                w.i1 = p.run_end.get(r1).copied().unwrap_or(w.i1);
            }
        }
    }
}

fn to_i64(x: usize) -> i64 {
    i64::try_from(x).unwrap_or(i64::MAX)
}

fn clamp(x: i64, n: usize) -> usize {
    if x <= 0 {
        0
    } else {
        usize::try_from(x).map_or(n, |x| x.min(n))
    }
}

/// Row numbers, ranks, distributions and ntiles of one partition.
fn rank_like(p: &Partition, op: WindowOp<'_>, out: &mut [Option<f64>]) {
    let n = p.rows.len() as f64;
    let (mut rank, mut dense, mut cume) = (1usize, 1usize, 0usize);
    for (i, row) in p.rows.iter().enumerate() {
        let new_run = i > 0 && p.new_run.get(i).copied().unwrap_or(true);
        if new_run {
            rank = i + 1;
            dense += 1;
        }
        if cume < i {
            // Vega's cume_dist scans ahead to the last peer, except at i = 0.
            cume = p.run_end.get(i).map_or(i, |e| e.saturating_sub(1));
        }
        let cume_dist = (1 + cume) as f64 / n;
        let v = match op {
            WindowOp::RowNumber => (i + 1) as f64,
            WindowOp::Rank => rank as f64,
            WindowOp::DenseRank => dense as f64,
            WindowOp::PercentRank => (rank as f64 - 1.0) / (n - 1.0),
            WindowOp::CumeDist => cume_dist,
            WindowOp::Ntile(num) => (num * cume_dist).ceil(),
            _ => continue,
        };
        if let Some(slot) = out.get_mut(*row as usize) {
            *slot = Some(v);
        }
    }
}

/// For value-copying ops, the source row of every row of one partition (`usize::MAX` = null).
fn source_rows(
    p: &Partition,
    frame: [Option<i64>; 2],
    range: bool,
    op: WindowOp<'_>,
    out: &mut [usize],
) {
    let mut w = Frame::default();
    let n = p.rows.len();
    for (i, row) in p.rows.iter().enumerate() {
        advance(&mut w, frame, i, p, range);
        let ni = to_i64(i);
        let pos: Option<usize> = match op {
            WindowOp::Lag(_, offset) => {
                let k = ni.saturating_sub(if offset == 0 { 1 } else { offset });
                usize::try_from(k).ok()
            }
            WindowOp::Lead(_, offset) => {
                let k = ni.saturating_add(if offset == 0 { 1 } else { offset });
                usize::try_from(k).ok()
            }
            WindowOp::FirstValue(_) => Some(w.i0),
            WindowOp::LastValue(_) => w.i1.checked_sub(1),
            WindowOp::NthValue(_, nth) => {
                let k = w.i0 as f64 + (nth - 1.0);
                (k < w.i1 as f64 && k.fract() == 0.0).then_some(k as usize)
            }
            _ => None,
        };
        let source = pos
            .filter(|k| *k < n)
            .and_then(|k| p.rows.get(k))
            .map_or(usize::MAX, |r| *r as usize);
        if let Some(slot) = out.get_mut(*row as usize) {
            *slot = source;
        }
    }
}

/// How Vega's aggregate measure sees one raw value.
#[derive(Clone, Copy)]
enum Measured {
    /// `null`, `undefined` or `""`: counted as missing.
    Missing,
    /// `NaN`: skipped.
    Skipped,
    /// A valid value and its `+v` (which is `NaN` for non-numeric strings).
    Valid(f64),
}

fn measured(col: Option<&Column>, row: usize) -> Measured {
    let Some(col) = col else {
        return Measured::Missing;
    };
    match col {
        Column::Number(c) => c.get(row).map_or(Measured::Missing, |v| {
            if v.is_nan() {
                Measured::Skipped
            } else {
                Measured::Valid(v)
            }
        }),
        _ => match col.value(row) {
            Value::Null => Measured::Missing,
            Value::Str(s) if s.is_empty() => Measured::Missing,
            Value::Str(s) => Measured::Valid(js_string_to_number(&s)),
            Value::Bool(b) => Measured::Valid(f64::from(u8::from(b))),
            Value::Number(v) if v.is_nan() => Measured::Skipped,
            Value::Number(v) => Measured::Valid(v),
        },
    }
}

/// Vega's lazily recomputed extent: `Unset` (undefined), `Stale` (NaN after a removal).
#[derive(Clone, Copy)]
enum Extreme {
    Unset,
    Stale,
    Set(f64),
}

/// The state of one measure of Vega's window `cell`.
struct Cell {
    op: AggregateOp,
    num: i64,
    valid: i64,
    sum: f64,
    mean: f64,
    extreme: Extreme,
    /// Which sorted positions are in the cell's tuple store (for recomputing min/max).
    present: Vec<bool>,
    /// Removals not yet applied to the store: Vega's `TupleStore` applies them when the cell
    /// is read, after the step's additions.
    pending: Vec<usize>,
    /// Set once a removal found its row not in the store (frames starting after the current
    /// row): that row, added later, then stays, so the store may hold rows before `i0`.
    stray: bool,
}

impl Cell {
    fn new(op: AggregateOp, len: usize) -> Self {
        Self {
            op,
            num: 0,
            valid: 0,
            sum: 0.0,
            mean: 0.0,
            extreme: Extreme::Unset,
            present: vec![false; len],
            pending: Vec::new(),
            stray: false,
        }
    }

    fn is_min(&self) -> bool {
        self.op == AggregateOp::Min
    }

    fn add(&mut self, pos: usize, m: Measured) {
        self.num += 1;
        if let Some(p) = self.present.get_mut(pos) {
            *p = true;
        }
        let Measured::Valid(v) = m else { return };
        self.valid += 1;
        self.sum += v;
        let d = v - self.mean;
        self.mean += d / self.valid as f64;
        self.extreme = match self.extreme {
            // A NaN minimum reads as stale, as `Number.isNaN(m.min)` does in Vega.
            Extreme::Unset if v.is_nan() => Extreme::Stale,
            Extreme::Unset => Extreme::Set(v),
            Extreme::Set(x) if (self.is_min() && v < x) || (!self.is_min() && v > x) => {
                Extreme::Set(v)
            }
            e => e,
        };
    }

    fn rem(&mut self, pos: usize, m: Measured) {
        self.num -= 1;
        self.pending.push(pos);
        let Measured::Valid(v) = m else { return };
        self.valid -= 1;
        self.sum -= v;
        let d = v - self.mean;
        self.mean -= if self.valid != 0 {
            d / self.valid as f64
        } else {
            self.mean
        };
        if let Extreme::Set(x) = self.extreme {
            if (self.is_min() && v <= x) || (!self.is_min() && v >= x) {
                self.extreme = Extreme::Stale;
            }
        }
    }

    /// Applies pending removals to the store (`TupleStore.values()`).
    fn consolidate(&mut self) {
        for pos in self.pending.drain(..) {
            match self.present.get_mut(pos) {
                Some(p) if *p => *p = false,
                _ => self.stray = true,
            }
        }
    }

    fn value(&mut self, values: &[Measured], w: &Frame) -> Option<f64> {
        self.consolidate();
        match self.op {
            AggregateOp::Count => Some(self.num as f64),
            // Vega's `m.valid ? m.sum : undefined`; min and max do not look at `valid`.
            AggregateOp::Sum => (self.valid != 0).then_some(self.sum),
            AggregateOp::Mean | AggregateOp::Average => (self.valid != 0).then_some(self.mean),
            AggregateOp::Min | AggregateOp::Max => {
                if let Extreme::Stale = self.extreme {
                    self.extreme = self.recompute(values, w);
                }
                match self.extreme {
                    Extreme::Set(x) => Some(x),
                    _ => None,
                }
            }
            // The planner only builds windows of the ops above.
            _ => None,
        }
    }

    /// vega-util `extentIndex` over the tuple store, in store (sorted) order.
    fn recompute(&self, values: &[Measured], w: &Frame) -> Extreme {
        let lo = if self.stray { 0 } else { w.i0.min(w.i1) };
        let mut best: Option<f64> = None;
        for (pos, m) in values.iter().enumerate().take(w.i1).skip(lo) {
            if !self.present.get(pos).copied().unwrap_or(false) {
                continue;
            }
            let v = match m {
                Measured::Valid(v) if !v.is_nan() => *v,
                _ => continue,
            };
            best = match best {
                // Both are numbers here: keep the first extreme, as `extentIndex` does.
                Some(b) if (self.is_min() && b <= v) || (!self.is_min() && b >= v) => Some(b),
                _ => Some(v),
            };
        }
        best.map_or(Extreme::Unset, Extreme::Set)
    }
}

/// One framed aggregate over one partition, replaying Vega's `cell.add` / `cell.rem`.
fn framed_aggregate(
    p: &Partition,
    frame: [Option<i64>; 2],
    range: bool,
    op: AggregateOp,
    col: Option<&Column>,
    out: &mut [Option<f64>],
) {
    let values: Vec<Measured> = p.rows.iter().map(|r| measured(col, *r as usize)).collect();
    let mut cell = Cell::new(op, p.rows.len());
    let mut w = Frame::default();
    for (i, row) in p.rows.iter().enumerate() {
        advance(&mut w, frame, i, p, range);
        for j in w.p0..w.i0 {
            cell.rem(j, values.get(j).copied().unwrap_or(Measured::Missing));
        }
        for j in w.p1..w.i1 {
            cell.add(j, values.get(j).copied().unwrap_or(Measured::Missing));
        }
        if let Some(slot) = out.get_mut(*row as usize) {
            *slot = cell.value(&values, &w);
        }
    }
}

#[cfg(test)]
#[path = "window_tests.rs"]
mod tests;
