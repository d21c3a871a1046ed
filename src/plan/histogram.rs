//! The histogram route: a `bin` step followed by an aggregate that groups by that bin alone
//! and only counts, run by the fused [`bin_count_field`] instead of `bin`, `group_by` and
//! `count`.
//!
//! Stage: plan (execution). The most common news histogram (`"x": {"bin": true, "field":
//! "v"}, "y": {"aggregate": "count"}`) plans as [`Step::Bin`] then [`Step::Aggregate`] by
//! the bin's start and end with `__count`; the same shape written as `transform` entries
//! (`bin` then `aggregate`) is routed too. The output is the general route's to the bit: the
//! same columns pushed in the same order (groupby fields, then ops), bins in order of first
//! appearance, the null bin a null start and end, each end from Vega's end formula
//! ([`bin_end_of`]). Anything else (another op or group field, a non-number column, bins
//! [`bin_count`](crate::data::kernels::bin::bin_count) declines) returns `None`, and the
//! caller runs the steps in general. A `filter` just before the bin is the executor's part: it
//! gathers the kept rows of the binned column alone (not every column) and bins those.

use super::exec::Kept;
use super::Step;
use crate::data::kernels::bin::{bin_count_field, bin_end_of, bin_params, BinOptions};
use crate::data::kernels::{take, AggregateOp};
use crate::data::{Bitmap, Column, NumberColumn, Table};
use crate::error::Result;
use crate::spec::transform::Transform;

/// A `bin` + `aggregate` pair the fused kernel computes.
#[derive(Debug)]
pub(super) struct Histogram<'p> {
    /// The binned field.
    field: &'p str,
    /// Vega's bin options.
    options: BinOptions,
    /// An explicit extent (else the field's, remembered by the table).
    extent: Option<[f64; 2]>,
    /// The aggregate's output columns in the order the general route pushes them.
    outputs: Vec<(Output, &'p str)>,
}

/// Where an output column comes from.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Output {
    Start,
    End,
    Count,
}

impl<'p> Histogram<'p> {
    /// The histogram that `bin` then `next` compute, if they have the shape: `next` groups by
    /// the bin's start (and optionally its end) only and every op is `count`.
    pub(super) fn of(bin: &'p Step, next: Option<&'p Step>) -> Option<Self> {
        match (bin, next?) {
            (
                Step::Bin {
                    field,
                    options,
                    extent,
                    as_start,
                    as_end,
                },
                Step::Aggregate { groupby, ops, args },
            ) => {
                if !args.is_empty() {
                    return None;
                }
                let counts = ops.iter().map(|(op, _, name)| Some((*op, name.as_str())));
                Self::new(
                    field,
                    options.clone(),
                    *extent,
                    [as_start, as_end],
                    groupby,
                    counts,
                )
            }
            (
                Step::Transform {
                    transform:
                        Transform::Bin {
                            bin,
                            field,
                            as_names: [as_start, as_end],
                        },
                    ..
                },
                Step::Transform {
                    transform: Transform::Aggregate { ops, groupby },
                    ..
                },
            ) => {
                // `bin: false` and malformed parameters take the general route (which skips
                // the step or reports the error).
                let spec = crate::spec::normalize::transform_bin("transform", bin).ok()??;
                let counts = ops
                    .iter()
                    .map(|d| Some((AggregateOp::from_name(&d.op)?, d.as_name.as_str())));
                Self::new(
                    field,
                    spec.options,
                    spec.extent,
                    [as_start, as_end],
                    groupby,
                    counts,
                )
            }
            _ => None,
        }
    }

    /// The histogram of a bin of `field` into `as_start`/`as_end`, then an aggregate by
    /// `groupby` of `ops` (`None` items: ops without a name this engine knows).
    fn new(
        field: &'p str,
        options: BinOptions,
        extent: Option<[f64; 2]>,
        [as_start, as_end]: [&'p String; 2],
        groupby: &'p [String],
        ops: impl Iterator<Item = Option<(AggregateOp, &'p str)>>,
    ) -> Option<Self> {
        // With equal names the start column would be replaced by the end before grouping.
        if as_start == as_end || !groupby.contains(as_start) {
            return None;
        }
        let mut outputs = Vec::with_capacity(groupby.len() + 1);
        for name in groupby {
            let source = match name {
                n if n == as_start => Output::Start,
                n if n == as_end => Output::End,
                _ => return None,
            };
            outputs.push((source, name.as_str()));
        }
        for op in ops {
            let (op, name) = op?;
            if op != AggregateOp::Count {
                return None;
            }
            outputs.push((Output::Count, name));
        }
        Some(Self {
            field,
            options,
            extent,
            outputs,
        })
    }

    /// The field the bin reads.
    pub(super) fn field(&self) -> &'p str {
        self.field
    }

    /// Runs the histogram over `table`: `None` when the field is not a number column or the
    /// kernel declines (the caller then runs the steps in general).
    #[allow(clippy::cast_precision_loss)]
    pub(super) fn run(&self, table: &Table) -> Option<Result<Table>> {
        let Some(Column::Number(_)) = table.column(self.field) else {
            return None;
        };
        // As the `bin` step: the explicit extent, else the column's (remembered by the table).
        let span = self
            .extent
            .or_else(|| table.extent(self.field))
            .unwrap_or([0.0, 0.0]);
        let params = bin_params(span, &self.options);
        let (starts, counts) = bin_count_field(table, self.field, &params)?;
        let column = |source: Output| {
            Column::Number(match source {
                Output::Start => NumberColumn::from_options(starts.iter().copied()),
                Output::End => NumberColumn::from_options(
                    starts.iter().map(|s| s.map(|b| bin_end_of(b, &params))),
                ),
                Output::Count => NumberColumn::from_options(counts.iter().map(|c| Some(*c as f64))),
            })
        };
        #[cfg(test)]
        tests::TAKEN.with(|t| t.set(t.get() + 1));
        let mut out = Table::with_rows(starts.len());
        for (source, name) in &self.outputs {
            if let Err(e) = out.push_column(name, column(*source)) {
                return Some(Err(e));
            }
        }
        Some(Ok(out))
    }

    /// Runs the histogram over the rows of `table` a filter keeps: the kept rows of the binned
    /// column alone are gathered (what the filter's gathered table would hold in that column),
    /// then binned. `None` as [`Histogram::run`].
    pub(super) fn run_kept(&self, table: &Table, kept: &Kept) -> Option<Result<Table>> {
        let whole = table.column(self.field)?;
        let Column::Number(column) = whole else {
            return None;
        };
        let gathered = match kept {
            Kept::All => return self.run(table),
            Kept::Mask(mask) => gather(column, mask),
            Kept::Rows(rows) => match take(whole, rows) {
                Column::Number(c) => c,
                _ => return None,
            },
        };
        let mut one = Table::with_rows(gathered.values.len());
        if let Err(e) = one.push_column(self.field, Column::Number(gathered)) {
            return Some(Err(e));
        }
        self.run(&one)
    }
}

/// The rows of `column` where `mask` is set, in order, as `take` gathers them (an invalid
/// row's value `NaN`), in one pass without a selection vector and without a branch on the
/// mask (a filter's mask is often unpredictable): every row is written at the next slot,
/// which only a kept row advances.
fn gather(column: &NumberColumn, mask: &[bool]) -> NumberColumn {
    let kept = mask.iter().filter(|k| **k).count();
    let mut values = vec![0.0; kept + 1];
    let mut k = 0;
    for (row, (v, keep)) in column.values.iter().zip(mask).enumerate() {
        let v = if column.valid.get(row) { *v } else { f64::NAN };
        if let Some(slot) = values.get_mut(k) {
            *slot = v;
        }
        k += usize::from(*keep);
    }
    values.truncate(kept);
    let mut valid = Bitmap::filled(values.len(), true);
    for (row, v) in values.iter().enumerate() {
        if v.is_nan() {
            valid.set(row, false);
        }
    }
    NumberColumn { values, valid }
}

#[cfg(test)]
mod tests;
