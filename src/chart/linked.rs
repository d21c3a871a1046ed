//! The crossfilter fast path of a unit's plan, for linked views: when the steps a parameter
//! change re-runs are "row filters (selections, expressions) -> row-local keys (a bin with an
//! explicit extent, a time unit, or the field itself) -> count per key", the keys are computed
//! once for every row of the table the filters read, as one small code per row, and each
//! filter keeps its row mask, with the count of rows passing all masks per code. A change
//! recomputes the masks of the filters that read the changed parameters; when a brush moves
//! (an interval selection over one number field, before and after), only the rows whose
//! value lies between the old and the new edges flip, found in a sorted index of the field,
//! and the counts move by those rows alone, as crossfilter does. No rows are copied, nothing
//! is hashed; the steps after the count run as usual on the (small) counted table. The result
//! equals the general path's (the tests below compare both on random tables and selections).
//!
//! Stage: plan execution (pure).

use std::sync::OnceLock;

use crate::data::kernels::crossfilter::{count_codes, GroupCount, Mask};
use crate::data::kernels::{group_by, take, AggregateOp};
use crate::data::{Column, NumberColumn, Table};
use crate::error::Result;
use crate::plan::params::{step_params, ParamState};
use crate::plan::{execute_from, filter_mask, Plan, Step};
use crate::spec::transform::{Predicate, Transform};

/// A filter step of the fast path.
#[derive(Clone, Debug)]
struct Filter {
    /// Its index in the plan's steps.
    step: usize,
    /// Its index in the spec's `transform` array, for error paths.
    index: usize,
    pred: Predicate,
}

/// A field's values in ascending order with their rows (and the rows' group codes, read in
/// order rather than at random): the rows an interval's edges moved over are one or two runs
/// of it.
#[derive(Clone, Debug)]
struct Sorted {
    field: String,
    values: Vec<f64>,
    rows: Vec<u32>,
    codes: Vec<u16>,
}

impl Sorted {
    fn new(base: &Table, field: &str, codes: &[u16]) -> Option<Sorted> {
        let Some(Column::Number(col)) = base.column(field) else {
            return None;
        };
        let mut pairs: Vec<(f64, u32)> = col
            .values
            .iter()
            .enumerate()
            .map(|(r, v)| (*v, u32::try_from(r).unwrap_or(u32::MAX)))
            .collect();
        pairs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        Some(Sorted {
            field: field.to_string(),
            values: pairs.iter().map(|p| p.0).collect(),
            rows: pairs.iter().map(|p| p.1).collect(),
            codes: pairs
                .iter()
                .map(|p| codes.get(p.1 as usize).copied().unwrap_or(u16::MAX))
                .collect(),
        })
    }

    /// The positions of the rows with `lo <= value <= hi`.
    fn span(&self, lo: f64, hi: f64) -> std::ops::Range<usize> {
        let a = self.values.partition_point(|v| *v < lo);
        let b = self.values.partition_point(|v| *v <= hi);
        a..b.max(a)
    }
}

/// What changes with the parameters: each filter's mask (all rows set when it keeps every
/// row), the single range a mask encodes when it is an interval selection's, and the count
/// of rows passing every mask per code.
#[derive(Clone, Debug)]
pub(super) struct State {
    masks: Vec<Mask>,
    ranges: Vec<Option<(String, f64, f64)>>,
    counts: Vec<u64>,
}

/// The precomputed state of a unit whose plan fits the fast path.
#[derive(Clone, Debug)]
pub(super) struct Linked {
    filters: Vec<Filter>,
    /// The index of the counting `Aggregate` step.
    aggregate: usize,
    /// The key columns (the aggregate's `groupby`) over every row of the base table.
    keys: Table,
    /// Each row's group code.
    codes: Vec<u16>,
    /// Each group's rows, ascending: `group_rows[offsets[g]..offsets[g + 1]]`.
    group_rows: Vec<u32>,
    offsets: Vec<usize>,
    /// The output name of each count.
    counts: Vec<String>,
    /// Per filter, the sorted index of the field its interval selection ranges over (made
    /// the first time the interval moves).
    sorted: Vec<OnceLock<Option<Sorted>>>,
    state: State,
}

/// A mask with every one of `rows` rows set.
fn full(rows: usize) -> Mask {
    let mut m = vec![u64::MAX; rows.div_ceil(64)];
    if rows % 64 != 0 {
        if let Some(last) = m.last_mut() {
            *last = (1u64 << (rows % 64)) - 1;
        }
    }
    m
}

#[inline(always)]
fn passes(masks: &[Mask], row: usize) -> bool {
    masks
        .iter()
        .all(|m| m.get(row / 64).is_some_and(|w| (w >> (row % 64)) & 1 == 1))
}

impl Linked {
    /// The fast path for the steps of `plan` from `start` on, run over `base` (the table
    /// before step `start`), or `None` when the steps do not have its shape.
    pub(super) fn new(
        plan: &Plan,
        start: usize,
        base: &Table,
        params: &ParamState,
    ) -> Result<Option<Linked>> {
        let steps = &plan.steps;
        let rows = base.num_rows();
        let mut i = start;
        let mut filters = Vec::new();
        let mut masks = Vec::new();
        let mut ranges = Vec::new();
        while let Some(Step::Transform {
            index,
            transform: Transform::Filter(pred),
        }) = steps.get(i)
        {
            let mask = filter_mask(&format!("transform[{index}]"), pred, base, params)?;
            masks.push(mask.unwrap_or_else(|| full(rows)));
            ranges.push(range_of(pred, base, params));
            filters.push(Filter {
                step: i,
                index: *index,
                pred: pred.clone(),
            });
            i += 1;
        }
        if filters.is_empty() {
            return Ok(None);
        }
        let key_start = i;
        // Row-local key steps that read no parameter.
        while let Some(step) = steps.get(i) {
            let row_local = match step {
                Step::Bin { extent, .. } => extent.is_some(),
                Step::TimeUnit { .. } => true,
                _ => false,
            };
            if !row_local || !step_params(step, params.params()).is_empty() {
                break;
            }
            i += 1;
        }
        let Some(Step::Aggregate { groupby, ops, args }) = steps.get(i) else {
            return Ok(None);
        };
        if groupby.is_empty()
            || !args.is_empty()
            || ops.is_empty()
            || ops.iter().any(|(op, _, _)| *op != AggregateOp::Count)
        {
            return Ok(None);
        }
        let aggregate = i;
        let keyed = if key_start < aggregate {
            let upto = Plan {
                steps: steps.iter().take(aggregate).cloned().collect(),
                ..plan.clone()
            };
            execute_from(&upto, key_start, base.clone(), params)?
        } else {
            base.clone()
        };
        let mut keys = Table::with_rows(keyed.num_rows());
        let mut cols = Vec::with_capacity(groupby.len());
        for name in groupby {
            let Some(col) = keyed.column(name) else {
                return Ok(None);
            };
            keys.push_column(name, col.clone())?;
            cols.push(col);
        }
        let grouped = group_by(&cols, keyed.num_rows());
        let groups = grouped.len();
        if groups > usize::from(u16::MAX) + 1 {
            return Ok(None);
        }
        let codes: Vec<u16> = grouped
            .row_group
            .iter()
            .map(|g| u16::try_from(*g).unwrap_or(u16::MAX))
            .collect();
        // Each group's rows, by a counting sort of the codes.
        let mut offsets = vec![0usize; groups + 1];
        for c in &codes {
            if let Some(o) = offsets.get_mut(usize::from(*c) + 1) {
                *o += 1;
            }
        }
        for g in 0..groups {
            let prev = offsets.get(g).copied().unwrap_or(0);
            if let Some(o) = offsets.get_mut(g + 1) {
                *o += prev;
            }
        }
        let mut next = offsets.clone();
        let mut group_rows = vec![0u32; codes.len()];
        for (r, c) in codes.iter().enumerate() {
            if let Some(at) = next.get_mut(usize::from(*c)) {
                if let Some(slot) = group_rows.get_mut(*at) {
                    *slot = u32::try_from(r).unwrap_or(u32::MAX);
                }
                *at += 1;
            }
        }
        let refs: Vec<Option<&Mask>> = masks.iter().map(Some).collect();
        let mut counts = vec![0u64; groups];
        for g in count_codes(&codes, groups, &refs) {
            if let Some(c) = counts.get_mut(usize::from(g.code)) {
                *c = g.count;
            }
        }
        let sorted = filters.iter().map(|_| OnceLock::new()).collect();
        Ok(Some(Linked {
            filters,
            aggregate,
            keys,
            codes,
            group_rows,
            offsets,
            counts: ops.iter().map(|(_, _, name)| name.clone()).collect(),
            sorted,
            state: State {
                masks,
                ranges,
                counts,
            },
        }))
    }

    /// The unit's data after the parameters `changed` took their values in `params`, and the
    /// state to keep with it ([`Linked::keep`], once the change is accepted). The filters
    /// that read a changed parameter get new masks: by flipping the rows between the old and
    /// the new edges when an interval moved, else by testing every row of `base`.
    pub(super) fn rerun(
        &self,
        plan: &Plan,
        base: &Table,
        changed: &[String],
        params: &ParamState,
    ) -> Result<(Table, State)> {
        let mut st = self.state.clone();
        let mut recount = false;
        for (j, f) in self.filters.iter().enumerate() {
            let reads = plan.steps.get(f.step).is_some_and(|step| {
                step_params(step, params.params())
                    .iter()
                    .any(|n| changed.contains(n))
            });
            if !reads {
                continue;
            }
            let new = range_of(&f.pred, base, params);
            let old = st.ranges.get(j).cloned().flatten();
            let sorted = match (&old, &new) {
                (Some(o), Some(n)) if o.0 == n.0 => self
                    .sorted
                    .get(j)
                    .and_then(|s| {
                        s.get_or_init(|| Sorted::new(base, &n.0, &self.codes))
                            .as_ref()
                    })
                    .filter(|s| s.field == n.0),
                _ => None,
            };
            match (sorted, &old, &new) {
                (Some(sorted), Some(o), Some(n)) => {
                    self.flip(&mut st, j, sorted, [o.1, o.2], [n.1, n.2]);
                }
                _ => {
                    let mask =
                        filter_mask(&format!("transform[{}]", f.index), &f.pred, base, params)?;
                    if let Some(m) = st.masks.get_mut(j) {
                        *m = mask.unwrap_or_else(|| full(base.num_rows()));
                    }
                    recount = true;
                }
            }
            if let Some(r) = st.ranges.get_mut(j) {
                *r = new;
            }
        }
        let groups = if recount {
            let refs: Vec<Option<&Mask>> = st.masks.iter().map(Some).collect();
            let groups = count_codes(&self.codes, st.counts.len(), &refs);
            st.counts.iter_mut().for_each(|c| *c = 0);
            for g in &groups {
                if let Some(c) = st.counts.get_mut(usize::from(g.code)) {
                    *c = g.count;
                }
            }
            groups
        } else {
            self.groups(&st)
        };
        Ok((self.table(&groups, plan, params)?, st))
    }

    /// Moves filter `j`'s interval from `old` to `new`: the rows in either span flip (a row
    /// in both flips twice), and the counts follow the rows whose passing every mask changed.
    fn flip(&self, st: &mut State, j: usize, sorted: &Sorted, old: [f64; 2], new: [f64; 2]) {
        let spans = [sorted.span(old[0], old[1]), sorted.span(new[0], new[1])];
        let (a, b) = (
            spans[0].start.min(spans[1].start),
            spans[0].start.max(spans[1].start),
        );
        let (c, d) = (
            spans[0].end.min(spans[1].end),
            spans[0].end.max(spans[1].end),
        );
        let Some(mut mask) = st.masks.get_mut(j).map(std::mem::take) else {
            return;
        };
        let others: Vec<&Mask> = st
            .masks
            .iter()
            .enumerate()
            .filter(|(k, _)| *k != j)
            .map(|(_, m)| m)
            .collect();
        for pos in (a..b).chain(c..d) {
            let Some(row) = sorted.rows.get(pos).map(|r| *r as usize) else {
                continue;
            };
            let Some(w) = mask.get_mut(row / 64) else {
                continue;
            };
            let bit = 1u64 << (row % 64);
            *w ^= bit;
            // The row's count changes when every other filter passes it.
            let rest = others
                .iter()
                .all(|m| m.get(row / 64).is_some_and(|x| x & bit != 0));
            if rest {
                let code = sorted
                    .codes
                    .get(pos)
                    .map_or(usize::MAX, |c| usize::from(*c));
                if let Some(n) = st.counts.get_mut(code) {
                    if *w & bit != 0 {
                        *n += 1;
                    } else {
                        *n = n.saturating_sub(1);
                    }
                }
            }
        }
        if let Some(slot) = st.masks.get_mut(j) {
            *slot = mask;
        }
    }

    /// The groups with passing rows, each with its first passing row, in order of it.
    fn groups(&self, st: &State) -> Vec<GroupCount> {
        let mut out: Vec<GroupCount> = Vec::new();
        for (g, n) in st.counts.iter().enumerate() {
            if *n == 0 {
                continue;
            }
            let (from, to) = (
                self.offsets.get(g).copied().unwrap_or(0),
                self.offsets.get(g + 1).copied().unwrap_or(0),
            );
            let first = self
                .group_rows
                .get(from..to)
                .unwrap_or(&[])
                .iter()
                .map(|r| *r as usize)
                .find(|r| passes(&st.masks, *r));
            if let Some(first_row) = first {
                out.push(GroupCount {
                    code: u16::try_from(g).unwrap_or(u16::MAX),
                    first_row,
                    count: *n,
                });
            }
        }
        out.sort_unstable_by_key(|g| g.first_row);
        out
    }

    /// Keeps `state` (from [`Linked::rerun`], once the change is accepted).
    pub(super) fn keep(&mut self, state: State) {
        self.state = state;
    }

    /// The unit's data with the current state.
    pub(super) fn output(&self, plan: &Plan, params: &ParamState) -> Result<Table> {
        self.table(&self.groups(&self.state), plan, params)
    }

    /// The counted table of `groups`, and the steps after the count run on it.
    fn table(&self, groups: &[GroupCount], plan: &Plan, params: &ParamState) -> Result<Table> {
        let first: Vec<usize> = groups.iter().map(|g| g.first_row).collect();
        let mut out = Table::with_rows(groups.len());
        for name in self.keys.names() {
            if let Some(col) = self.keys.column(name) {
                out.push_column(name, take(col, &first))?;
            }
        }
        #[allow(clippy::cast_precision_loss)]
        let counts = NumberColumn::from_options(groups.iter().map(|g| Some(g.count as f64)));
        for name in &self.counts {
            out.push_column(name, Column::Number(counts.clone()))?;
        }
        execute_from(plan, self.aggregate + 1, out, params)
    }
}

/// The single range an interval selection filter keeps on `base`, if it is one.
fn range_of(pred: &Predicate, base: &Table, params: &ParamState) -> Option<(String, f64, f64)> {
    match pred {
        Predicate::Param { param, .. } => params.selection_range(param, base),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value as Json};

    use crate::data::kernels::test_util::Rng;
    use crate::plan::execute_with;
    use crate::Chart;

    /// A number cell: null one time in eight, else a tenth in -7..7 (ties likely).
    fn num(rng: &mut Rng) -> Json {
        match rng.below(8) {
            0 => Json::Null,
            _ => json!((rng.below(140) as f64 - 70.0) / 10.0),
        }
    }

    fn rows(t: &crate::data::Table) -> Vec<Vec<String>> {
        (0..t.num_rows())
            .map(|r| {
                t.names()
                    .iter()
                    .map(|n| format!("{n}={:?}", t.column(n).unwrap().value(r)))
                    .collect()
            })
            .collect()
    }

    fn spec(values: &Json, encoding: &Json) -> String {
        json!({
            "params": [
                {"name": "min", "value": -100},
                {"name": "ia", "select": {"type": "interval", "fields": ["a"]}},
                {"name": "ib", "select": {"type": "interval", "fields": ["b"]}},
                {"name": "pc", "select": {"type": "point", "fields": ["c"]}},
                {"name": "id", "select": {"type": "interval", "fields": ["d"]}}
            ],
            "data": {"values": values},
            "transform": [
                {"calculate": "datum.a * 2", "as": "a2"},
                {"filter": "datum.b >= min"},
                {"filter": {"param": "ia"}},
                {"filter": {"param": "ib", "empty": false}},
                {"filter": {"param": "pc"}},
                {"filter": {"param": "id"}}
            ],
            "mark": "bar",
            "encoding": encoding
        })
        .to_string()
    }

    /// Random tables (with nulls) and random sequences of selections: after every change the
    /// fast path's data equal the whole plan run from the source in one go.
    #[test]
    fn fast_path_equals_the_general_path_on_random_tables_and_brushes() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let encodings = [
            json!({"x": {"field": "a", "bin": {"extent": [-5, 5], "step": 1}, "type": "quantitative"},
                   "y": {"aggregate": "count", "type": "quantitative"}}),
            json!({"y": {"field": "c", "type": "nominal"},
                   "x": {"aggregate": "count", "type": "quantitative"}}),
            json!({"x": {"field": "a2", "bin": {"extent": [-10, 10], "maxbins": 7}, "type": "quantitative"},
                   "y": {"aggregate": "count", "type": "quantitative"},
                   "color": {"field": "c", "type": "nominal"}}),
        ];
        for case in 0..24 {
            let n = [0, 1, 5, 64, 65, 300][case % 6];
            let values: Vec<Json> = (0..n)
                .map(|_| {
                    let c = match rng.below(5) {
                        0 => Json::Null,
                        k => json!(["u", "v", "w", "x"][k as usize - 1]),
                    };
                    let d = (rng.below(40) as f64 - 20.0) / 4.0;
                    json!({"a": num(&mut rng), "b": num(&mut rng), "c": c, "d": d})
                })
                .collect();
            let encoding = &encodings[case % encodings.len()];
            let text = spec(&Json::Array(values), encoding);
            let mut chart = Chart::from_spec(&text).unwrap();
            assert!(chart.units[0].linked.is_some(), "case {case}: no fast path");
            let mut d = [-1.0f64, 1.0];
            for _ in 0..40 {
                let (name, value) = match rng.below(10) {
                    // A brush moving on d: edges move a little (or jump), either way round.
                    6..=9 => {
                        for e in &mut d {
                            *e += (rng.below(9) as f64 - 4.0) / 2.0;
                        }
                        if rng.below(10) == 0 {
                            d = [(rng.below(40) as f64 - 20.0) / 4.0, 0.0];
                        }
                        ("id", json!({"d": [d[0], d[1]]}))
                    }
                    0 => ("min", num(&mut rng)),
                    1 | 2 => ("ia", json!({"a": [num(&mut rng), num(&mut rng)]})),
                    3 => ("ib", json!({"b": [num(&mut rng), num(&mut rng)]})),
                    4 => {
                        let c = ["u", "v", "w"][rng.below(3) as usize];
                        ("pc", json!([{ "c": c }]))
                    }
                    _ => (["ia", "ib", "pc", "id"][rng.below(4) as usize], Json::Null),
                };
                let value = match (name, &value) {
                    ("ia" | "ib", Json::Object(o))
                        if o.values().any(|r| r[0].is_null() || r[1].is_null()) =>
                    {
                        Json::Null
                    }
                    ("min", Json::Null) => json!(0),
                    _ => value,
                };
                chart.set_param(name, value.clone()).unwrap();
                let unit = &chart.units[0];
                let full = execute_with(
                    &unit.plan,
                    (**unit.source.as_ref().unwrap()).clone(),
                    &chart.params,
                )
                .unwrap();
                assert_eq!(
                    rows(unit.data.as_ref().unwrap()),
                    rows(&full),
                    "case {case}, after {name} = {value}"
                );
            }
        }
    }

    #[test]
    fn plans_that_do_not_fit_take_the_general_path() {
        let values = json!([{"a": 1, "b": 2, "c": "u"}]);
        // A bin over the filtered rows' extent is not row-local; sums are not counted.
        for encoding in [
            json!({"x": {"field": "a", "bin": true, "type": "quantitative"}, "y": {"aggregate": "count"}}),
            json!({"x": {"field": "c", "type": "nominal"}, "y": {"aggregate": "sum", "field": "a"}}),
        ] {
            let chart = Chart::from_spec(&spec(&values, &encoding)).unwrap();
            assert!(chart.units[0].linked.is_none(), "{encoding}");
        }
    }
}
