//! Runs a [`Plan`]: each step is one kernel call (or a few) over the current table.
//!
//! Stage: kernels (driven by the plan). Every step reads the fields it names and adds or
//! replaces columns, or (aggregate, fold) produces a new table. Errors name the JSON path of
//! the step's spec entry (`transform[2].groupby[0]`, `encoding.x.field`).

use super::histogram::Histogram;
use super::params::ParamState;
use super::{Plan, Step};
use crate::data::kernels::{
    aggregate, aggregate_rows, bin, fold, group_by, joinaggregate, select, stack, take, take_table,
    time_unit, timeunit, window, AggregateOp, Order, StackOffset, WindowOp, WindowSpec,
};
use crate::data::{Column, Table};
use crate::error::{Error, Result};
use crate::expr::{self, Env};
use crate::spec::transform::{OpDef, Predicate, SortField, Transform};

/// Runs `plan` over `table`, returning the table the mark draws. A chart without parameters:
/// see [`execute_with`].
pub fn execute(plan: &Plan, table: Table) -> Result<Table> {
    execute_with(plan, table, &ParamState::default())
}

/// Runs `plan` over `table` with the parameters' current values: expressions read them, and
/// `{"param": ...}` filters test rows against the selections.
pub fn execute_with(plan: &Plan, table: Table, params: &ParamState) -> Result<Table> {
    execute_from(plan, 0, table, params)
}

/// Runs the steps of `plan` from step `from` on (earlier steps already ran on `table`): a
/// parameter change re-runs only the steps downstream of the first one that reads parameters.
pub fn execute_from(
    plan: &Plan,
    from: usize,
    mut table: Table,
    params: &ParamState,
) -> Result<Table> {
    let env = params.env();
    let mut steps = plan.steps.iter().skip(from).peekable();
    while let Some(step) = steps.next() {
        // A histogram (bin, then count by the bin): one fused kernel pass.
        if let Some(histogram) = Histogram::of(step, steps.peek().copied()) {
            if let Some(out) = histogram.run(&table) {
                table = out?;
                steps.next();
                continue;
            }
        }
        // A filtered histogram: the filter's rows of the binned column alone are gathered.
        if let Step::Transform {
            index,
            transform: Transform::Filter(pred),
        } = step
        {
            let mut ahead = steps.clone();
            let histogram = ahead
                .next()
                .and_then(|bin| Histogram::of(bin, ahead.next()))
                .filter(|h| matches!(table.column(h.field()), Some(Column::Number(_))));
            if let Some(histogram) = histogram {
                let path = format!("transform[{index}]");
                let kept = filter_kept(&path, pred, &table, (params, &env))?;
                if let Some(out) = histogram.run_kept(&table, &kept) {
                    table = out?;
                    steps.next();
                    steps.next();
                } else if let Some(rows) = kept.rows() {
                    // The kernel declined: the filter's output, then bin and count in general.
                    table = take_table(&table, &rows)?;
                }
                continue;
            }
        }
        if let (
            Step::Transform {
                transform: Transform::Filter(pred),
                ..
            },
            Some(Step::Transform {
                transform: Transform::Aggregate { ops, groupby },
                ..
            }),
        ) = (step, steps.peek())
        {
            if let Some(out) = fused_filter_aggregate(pred, &table, groupby, ops) {
                table = out?;
                steps.next();
                continue;
            }
        }
        table = match step {
            Step::Transform { index, transform } => run_transform(
                &format!("transform[{index}]"),
                transform,
                table,
                (params, &env),
            )?,
            Step::Aggregate { groupby, ops, args } => {
                let ops: Vec<(AggregateOp, Option<&str>, &str)> = ops
                    .iter()
                    .map(|(op, f, a)| (*op, f.as_deref(), a.as_str()))
                    .collect();
                let mut out = run_aggregate("encoding", &table, groupby, &ops)?;
                if !args.is_empty() {
                    let keys = columns(&table, "encoding", groupby)?;
                    let groups = group_by(&keys, table.num_rows());
                    for (op, by, field, as_name) in args {
                        let by = table.require("encoding.aggregate", by)?;
                        let value = table.require("encoding.field", field)?;
                        let rows: Vec<usize> = aggregate_rows(Some(by), &groups, *op)
                            .into_iter()
                            .map(|r| r.map_or(usize::MAX, |r| r as usize))
                            .collect();
                        out.push_column(as_name, take(value, &rows))?;
                    }
                }
                out
            }
            Step::Bin {
                field,
                options,
                extent,
                as_start,
                as_end,
            } => {
                let (start, end) = {
                    let column = table.require(&binned_path(plan, as_start), field)?;
                    // The field's extent is a statistic of its column, remembered by the table.
                    let span = extent.or_else(|| table.extent(field)).unwrap_or([0.0, 0.0]);
                    bin::bin(column, &bin::bin_params(span, options))
                };
                table.push_column(as_start, Column::Number(start))?;
                table.push_column(as_end, Column::Number(end))?;
                table
            }
            Step::TimeUnit {
                field,
                unit,
                binned,
                as_start,
                as_end,
            } => {
                let path = binned_path(plan, as_start);
                run_time_unit(&path, table, field, unit, *binned, [as_start, as_end])?
            }
            Step::BandOffset {
                start,
                end,
                unit,
                fraction,
                as_start,
                as_end,
            } => {
                let (lo, hi) = {
                    let s = table.require("encoding", start)?;
                    let e = table.require("encoding", end)?;
                    timeunit::band_offsets(s, e, unit, *fraction)
                };
                table.push_column(as_start, Column::Number(lo))?;
                table.push_column(as_end, Column::Number(hi))?;
                table
            }
            Step::FilterInvalid { fields } => {
                let keep: Vec<usize> = {
                    let cols = columns(&table, "encoding", fields)?;
                    (0..table.num_rows())
                        .filter(|row| {
                            cols.iter()
                                .all(|c| c.number(*row).is_some_and(f64::is_finite))
                        })
                        .collect()
                };
                if keep.len() == table.num_rows() {
                    table
                } else {
                    take_table(&table, &keep)?
                }
            }
            Step::Stack {
                field,
                groupby,
                offset,
                sort,
                impute,
                as_start,
                as_end,
            } => {
                let path = stacked_path(plan);
                let table = match impute {
                    Some((key, stack_by)) => crate::data::kernels::impute::impute_value(
                        &table, field, key, stack_by, 0.0,
                    )?,
                    None => table,
                };
                let sort: Vec<SortField> = sort
                    .iter()
                    .map(|(f, o)| SortField {
                        field: f.clone(),
                        descending: *o == Order::Descending,
                    })
                    .collect();
                run_stack(
                    &path,
                    table,
                    field,
                    groupby,
                    &sort,
                    *offset,
                    [as_start, as_end],
                )?
            }
        };
    }
    Ok(table)
}

/// A `filter` whose predicate has a [fast mask](super::predicate::fast_mask) followed by an
/// `aggregate` grouping by one string column with ops the fused kernel computes over number
/// fields: one pass over keep words (a number `range` tested inside the pass) with dense
/// per-code accumulators, without gathering the selected rows. `None` when the shapes do not
/// fit (the caller runs both steps in general); the result equals the general path's
/// (`kernels::fused` and this module's tests check it).
fn fused_filter_aggregate(
    pred: &crate::spec::transform::Predicate,
    table: &Table,
    groupby: &[String],
    ops: &[OpDef],
) -> Option<Result<Table>> {
    let [key_name] = groupby else {
        return None;
    };
    let key_column = table.column(key_name)?;
    let Column::Str(key) = key_column else {
        return None;
    };
    let ops = aggregate_ops("transform", ops).ok()?;
    let mut inputs = Vec::with_capacity(ops.len());
    for (op, field, _) in &ops {
        if !crate::data::kernels::fused::supports(*op) {
            return None;
        }
        let value = match field {
            Some(f) if *op != AggregateOp::Count => match table.column(f) {
                Some(Column::Number(c)) => Some(c),
                _ => return None,
            },
            None if *op != AggregateOp::Count => return None,
            _ => None,
        };
        inputs.push(value);
    }
    use crate::data::kernels::{fused, keep};
    // A `range` on a number column is tested inside the kernel's pass; other shapes become a
    // mask, then keep words (one bit per row). Ops outside the one-pass set take a selection.
    let range = super::predicate::range_of(pred, table);
    let (words, sel) = match range {
        Some(_) => (Vec::new(), None),
        None => {
            let mask = super::predicate::fast_mask(pred, table)?;
            let all = ops.iter().all(|(op, _, _)| fused::one_pass_op(*op));
            let sel = (!all).then(|| select::selection(&mask));
            (keep::mask_words(&mask), sel)
        }
    };
    let run = |value: Option<&crate::data::NumberColumn>, ops: &[AggregateOp]| match (range, &sel) {
        (Some((col, lo, hi)), _) => fused::range_group_aggregate(col, lo, hi, key, value, ops)
            .or_else(|| {
                let sel = fused::select_range(col, lo, hi, key.codes.len());
                fused::filter_group_aggregate(Some(&sel), key, value, ops)
            }),
        (None, Some(sel)) => fused::filter_group_aggregate(Some(sel), key, value, ops),
        (None, None) => fused::keep_group_aggregate(&words, key, value, ops),
    };
    // One kernel call per distinct value field (count rides along with the first).
    let mut out_cols: Vec<Option<crate::data::NumberColumn>> = vec![None; ops.len()];
    let mut first_row = None;
    let mut done = vec![false; ops.len()];
    for i in 0..ops.len() {
        if done.get(i).copied().unwrap_or(true) {
            continue;
        }
        // A count takes any field's call; the call's field is the first undone op's field.
        let value = (i..ops.len())
            .filter(|j| !done.get(*j).copied().unwrap_or(true))
            .find_map(|j| inputs.get(j).copied().flatten());
        let same = |j: usize| {
            let v = inputs.get(j).copied().flatten();
            match (v, value) {
                (Some(a), Some(b)) => std::ptr::eq(a, b),
                (None, _) | (_, None) => true,
            }
        };
        let members: Vec<usize> = (i..ops.len())
            .filter(|j| !done.get(*j).copied().unwrap_or(true) && same(*j))
            .collect();
        let member_ops: Vec<AggregateOp> = members
            .iter()
            .filter_map(|j| ops.get(*j).map(|o| o.0))
            .collect();
        let fused = run(value, &member_ops)?;
        for (j, col) in members.iter().zip(fused.columns) {
            if let Some(slot) = out_cols.get_mut(*j) {
                *slot = Some(col);
            }
            if let Some(d) = done.get_mut(*j) {
                *d = true;
            }
        }
        first_row.get_or_insert(fused.first_row);
    }
    let first_row = match first_row {
        Some(f) => f,
        None => run(None, &[])?.first_row,
    };
    let mut out = Table::with_rows(first_row.len());
    let result = out
        .push_column(key_name, take(key_column, &first_row))
        .and_then(|()| {
            for ((_, _, name), col) in ops.iter().zip(out_cols) {
                out.push_column(name, Column::Number(col.unwrap_or_default()))?;
            }
            Ok(())
        });
    Some(result.map(|()| out))
}

/// The rows of `table` that the `filter` step with predicate `pred` keeps, as a row mask
/// (`None` when every row passes): the same tests as the step itself (selections on the
/// columns, fast masks, else the expression), for a caller that ANDs the masks of several
/// row-local filters instead of running them one after the other (`chart::linked`).
pub fn filter_mask(
    path: &str,
    pred: &Predicate,
    table: &Table,
    params: &ParamState,
) -> Result<Option<crate::data::kernels::crossfilter::Mask>> {
    use crate::data::kernels::crossfilter::{mask_of, mask_of_bools};
    let rows = table.num_rows();
    if let Predicate::Param { param, empty } = pred {
        if let Some(kept) = params.selection_rows(param, *empty, table) {
            return Ok((kept.len() != rows).then(|| mask_of(rows, kept)));
        }
    }
    let place = format!("{path}.filter");
    if let Some(mask) = super::predicate::fast_mask(pred, table) {
        return Ok((!mask.iter().all(|k| *k)).then(|| mask_of_bools(&mask)));
    }
    let text = super::predicate::predicate_expr_with(&place, pred, params)?;
    let kept = expr::parse_at(&place, &text)?.eval_filter(table, &params.env())?;
    Ok((kept.len() != rows).then(|| mask_of(rows, kept.into_iter().map(|r| r as usize))))
}

/// The spec path of the channel whose output field is `field`.
fn binned_path(plan: &Plan, field: &str) -> String {
    [&plan.x, &plan.y]
        .into_iter()
        .flatten()
        .find(|c| c.field == field)
        .map_or_else(|| "encoding".to_string(), |c| c.spec_path.clone())
}

fn stacked_path(plan: &Plan) -> String {
    [&plan.x, &plan.y]
        .into_iter()
        .flatten()
        .find(|c| c.field2.is_some())
        .map_or_else(|| "encoding".to_string(), |c| c.spec_path.clone())
}

fn columns<'t>(table: &'t Table, path: &str, names: &[String]) -> Result<Vec<&'t Column>> {
    names
        .iter()
        .enumerate()
        .map(|(i, n)| table.require(&format!("{path}[{i}]"), n))
        .collect()
}

fn sort_keys<'t>(
    table: &'t Table,
    path: &str,
    sort: &[SortField],
) -> Result<Vec<(&'t Column, Order)>> {
    sort.iter()
        .enumerate()
        .map(|(i, s)| {
            let order = if s.descending {
                Order::Descending
            } else {
                Order::Ascending
            };
            Ok((
                table.require(&format!("{path}[{i}].field"), &s.field)?,
                order,
            ))
        })
        .collect()
}

fn run_transform(
    path: &str,
    transform: &Transform,
    table: Table,
    (params, env): (&ParamState, &Env),
) -> Result<Table> {
    match transform {
        Transform::Aggregate { ops, groupby } => {
            let ops = aggregate_ops(&format!("{path}.aggregate"), ops)?;
            run_aggregate(&format!("{path}.groupby"), &table, groupby, &ops)
        }
        Transform::JoinAggregate { ops, groupby } => run_joinaggregate(path, table, ops, groupby),
        Transform::Window {
            ops,
            groupby,
            sort,
            frame,
            ignore_peers,
        } => run_window(path, table, ops, groupby, sort, *frame, *ignore_peers),
        Transform::Fold { fields, as_names } => {
            let [key, value] = as_names;
            fold(&table, &format!("{path}.fold"), fields, key, value)
        }
        Transform::Stack {
            field,
            groupby,
            offset,
            sort,
            as_names,
        } => {
            let offset = StackOffset::from_name(offset).ok_or_else(|| {
                Error::spec_shape(
                    &format!("{path}.offset"),
                    &format!("unknown offset \"{offset}\" (use zero, normalize or center)"),
                )
            })?;
            let [start, end] = as_names;
            run_stack(path, table, field, groupby, sort, offset, [start, end])
        }
        Transform::Filter(pred) => match filter_kept(path, pred, &table, (params, env))?.rows() {
            None => Ok(table),
            Some(rows) => take_table(&table, &rows),
        },
        Transform::Calculate {
            expr: text,
            as_name,
        } => {
            let place = format!("{path}.calculate");
            let column = expr::parse_at(&place, text)?.eval_column(&table, env)?;
            let mut table = table;
            table.push_column(as_name, column)?;
            Ok(table)
        }
        Transform::Bin {
            bin: params,
            field,
            as_names: [as_start, as_end],
        } => {
            let Some(spec) = crate::spec::normalize::transform_bin(&format!("{path}.bin"), params)?
            else {
                return Ok(table);
            };
            let mut table = table;
            let (start, end) = {
                let column = table.require(&format!("{path}.field"), field)?;
                let span = spec
                    .extent
                    .or_else(|| table.extent(field))
                    .unwrap_or([0.0, 0.0]);
                bin::bin(column, &bin::bin_params(span, &spec.options))
            };
            table.push_column(as_start, Column::Number(start))?;
            table.push_column(as_end, Column::Number(end))?;
            Ok(table)
        }
        Transform::TimeUnit {
            unit,
            field,
            as_name,
        } => {
            let place = format!("{path}.timeUnit");
            let Some(spec) = crate::spec::normalize::time_unit_spec(&place, Some(unit))? else {
                return Err(Error::spec_missing(&place, "a time unit"));
            };
            let end = format!("{as_name}_end");
            if spec.binned {
                // A binned unit keeps the field as the start.
                let mut table = run_time_unit(path, table, field, &spec.unit, true, [field, &end])?;
                let start = table.require(&format!("{path}.field"), field)?.clone();
                table.push_column(as_name, start)?;
                return Ok(table);
            }
            run_time_unit(path, table, field, &spec.unit, false, [as_name, &end])
        }
    }
}

/// The rows a `filter` step keeps.
pub(super) enum Kept {
    /// Every row.
    All,
    /// A row mask from a column-wise test, not every row kept.
    Mask(Vec<bool>),
    /// The kept rows in order, not every row.
    Rows(Vec<usize>),
}

impl Kept {
    /// The kept rows in order, `None` for every row.
    fn rows(self) -> Option<Vec<usize>> {
        match self {
            Kept::All => None,
            Kept::Mask(mask) => Some(
                select::selection(&mask)
                    .into_iter()
                    .map(|r| r as usize)
                    .collect(),
            ),
            Kept::Rows(rows) => Some(rows),
        }
    }
}

/// The rows of `table` that the `filter` step at `path` keeps: selections test number ranges
/// and values directly on the columns, field predicates take a column-wise mask where they
/// can, anything else the expression.
fn filter_kept(
    path: &str,
    pred: &Predicate,
    table: &Table,
    (params, env): (&ParamState, &Env),
) -> Result<Kept> {
    let every = |n: usize| n == table.num_rows();
    if let Predicate::Param { param, empty } = pred {
        if let Some(rows) = params.selection_rows(param, *empty, table) {
            return Ok(if every(rows.len()) {
                Kept::All
            } else {
                Kept::Rows(rows)
            });
        }
    }
    if let Some(mask) = super::predicate::fast_mask(pred, table) {
        return Ok(if mask.iter().all(|k| *k) {
            Kept::All
        } else {
            Kept::Mask(mask)
        });
    }
    let place = format!("{path}.filter");
    let text = super::predicate::predicate_expr_with(&place, pred, params)?;
    let rows = expr::parse_at(&place, &text)?.eval_filter(table, env)?;
    Ok(if every(rows.len()) {
        Kept::All
    } else {
        Kept::Rows(rows.into_iter().map(|r| r as usize).collect())
    })
}

/// Floors `field` to `unit` (writing `as_start` and `as_end`), or for a binned unit computes
/// only the end (`as_end`, the start being the field itself).
fn run_time_unit(
    path: &str,
    mut table: Table,
    field: &str,
    unit: &crate::data::kernels::TimeUnit,
    binned: bool,
    [as_start, as_end]: [&str; 2],
) -> Result<Table> {
    if binned {
        let end = {
            let column = table.require(path, field)?;
            timeunit::binned_end(column, unit)
        };
        table.push_column(as_end, Column::Number(end))?;
        return Ok(table);
    }
    let (start, end) = {
        let column = table.require(path, field)?;
        time_unit(column, unit, unit.utc)
    };
    table.push_column(as_start, Column::Number(start))?;
    table.push_column(as_end, Column::Number(end))?;
    Ok(table)
}

fn aggregate_ops<'a>(
    path: &str,
    ops: &'a [OpDef],
) -> Result<Vec<(AggregateOp, Option<&'a str>, &'a str)>> {
    ops.iter()
        .enumerate()
        .map(|(i, d)| {
            let op = AggregateOp::from_name(&d.op)
                .filter(|op| op.is_numeric())
                .ok_or_else(|| {
                    Error::unsupported(&format!("{path}[{i}].op"), &format!("the \"{}\" op", d.op))
                })?;
            Ok((op, d.field.as_deref(), d.as_name.as_str()))
        })
        .collect()
}

fn run_aggregate(
    path: &str,
    table: &Table,
    groupby: &[String],
    ops: &[(AggregateOp, Option<&str>, &str)],
) -> Result<Table> {
    let keys = columns(table, path, groupby)?;
    let groups = group_by(&keys, table.num_rows());
    let mut out = Table::with_rows(groups.len());
    for (name, key) in groupby.iter().zip(&keys) {
        out.push_column(name, take(key, &groups.first_row))?;
    }
    for (op, field, as_name) in ops {
        let input = match field {
            Some(f) if *op != AggregateOp::Count => Some(table.require(path, f)?),
            _ => None,
        };
        out.push_column(as_name, Column::Number(aggregate(input, &groups, *op)))?;
    }
    Ok(out)
}

fn run_joinaggregate(
    path: &str,
    mut table: Table,
    ops: &[OpDef],
    groupby: &[String],
) -> Result<Table> {
    let ops = aggregate_ops(&format!("{path}.joinaggregate"), ops)?;
    let outputs = {
        let keys = columns(&table, &format!("{path}.groupby"), groupby)?;
        let groups = group_by(&keys, table.num_rows());
        let inputs = ops
            .iter()
            .map(|(op, f, _)| match f {
                Some(f) if *op != AggregateOp::Count => Ok((*op, Some(table.require(path, f)?))),
                _ => Ok((*op, None)),
            })
            .collect::<Result<Vec<_>>>()?;
        joinaggregate(&groups, &inputs)
    };
    for ((_, _, as_name), column) in ops.iter().zip(outputs) {
        table.push_column(as_name, Column::Number(column))?;
    }
    Ok(table)
}

#[allow(clippy::too_many_arguments)]
fn run_window(
    path: &str,
    mut table: Table,
    ops: &[OpDef],
    groupby: &[String],
    sort: &[SortField],
    frame: [Option<f64>; 2],
    ignore_peers: bool,
) -> Result<Table> {
    let outputs = {
        let keys = columns(&table, &format!("{path}.groupby"), groupby)?;
        let groups = group_by(&keys, table.num_rows());
        let spec = WindowSpec {
            sort: sort_keys(&table, &format!("{path}.sort"), sort)?,
            #[allow(clippy::cast_possible_truncation)]
            frame: frame.map(|f| f.map(|v| v.clamp(-1e15, 1e15) as i64)),
            ignore_peers,
        };
        let window_ops = ops
            .iter()
            .enumerate()
            .map(|(i, d)| window_op(&format!("{path}.window[{i}]"), d, &table))
            .collect::<Result<Vec<_>>>()?;
        window(&groups, &spec, &window_ops)?
    };
    for (d, column) in ops.iter().zip(outputs) {
        table.push_column(&d.as_name, column)?;
    }
    Ok(table)
}

fn window_op<'t>(path: &str, d: &OpDef, table: &'t Table) -> Result<WindowOp<'t>> {
    let field = || -> Result<&'t Column> {
        let name = d.field.as_deref().ok_or_else(|| {
            Error::spec_missing(
                &format!("{path}.field"),
                &format!("\"field\" for \"{}\"", d.op),
            )
        })?;
        table.require(&format!("{path}.field"), name)
    };
    #[allow(clippy::cast_possible_truncation)]
    let offset = d.param.unwrap_or(1.0).clamp(-1e15, 1e15) as i64;
    Ok(match d.op.as_str() {
        "row_number" => WindowOp::RowNumber,
        "rank" => WindowOp::Rank,
        "dense_rank" => WindowOp::DenseRank,
        "percent_rank" => WindowOp::PercentRank,
        "cume_dist" => WindowOp::CumeDist,
        "ntile" => WindowOp::Ntile(d.param.unwrap_or(f64::NAN)),
        "lag" => WindowOp::Lag(field()?, offset),
        "lead" => WindowOp::Lead(field()?, offset),
        "first_value" => WindowOp::FirstValue(field()?),
        "last_value" => WindowOp::LastValue(field()?),
        "nth_value" => WindowOp::NthValue(field()?, d.param.unwrap_or(f64::NAN)),
        name => match AggregateOp::from_name(name) {
            Some(AggregateOp::Count) => WindowOp::Aggregate(AggregateOp::Count, None),
            Some(
                op @ (AggregateOp::Sum
                | AggregateOp::Mean
                | AggregateOp::Average
                | AggregateOp::Min
                | AggregateOp::Max),
            ) => WindowOp::Aggregate(op, Some(field()?)),
            _ => {
                return Err(Error::unsupported(
                    &format!("{path}.op"),
                    &format!("the \"{name}\" window op"),
                ))
            }
        },
    })
}

fn run_stack(
    path: &str,
    mut table: Table,
    field: &str,
    groupby: &[String],
    sort: &[SortField],
    offset: StackOffset,
    [as_start, as_end]: [&String; 2],
) -> Result<Table> {
    let (start, end) = {
        let values = table.require(path, field)?;
        let keys = columns(&table, &format!("{path}.groupby"), groupby)?;
        let groups = group_by(&keys, table.num_rows());
        let sort = sort_keys(&table, &format!("{path}.sort"), sort)?;
        stack(values, &groups, &sort, offset)
    };
    table.push_column(as_start, Column::Number(start))?;
    table.push_column(as_end, Column::Number(end))?;
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::kernels::test_util::{random_table, Rng};
    use crate::spec::transform::{FieldTest, Predicate};

    fn op(name: &str, field: Option<&str>, as_name: &str) -> OpDef {
        OpDef {
            op: name.into(),
            field: field.map(Into::into),
            param: None,
            as_name: as_name.into(),
        }
    }

    /// filter -> aggregate through the fused route equals the two steps run in general
    /// (selection, gathered rows, group-by, aggregate), bit for bit.
    #[test]
    fn fused_filter_aggregate_equals_the_general_path() {
        let names = [
            "count", "valid", "missing", "sum", "mean", "min", "max", "median", "q1", "q3",
            "variance", "stdevp", "stderr",
        ];
        let mut rng = Rng(0xfeed_beef);
        let mut ran = 0;
        for _ in 0..300 {
            let mut t = random_table(&mut rng, 120);
            let n2 = take(
                t.column("n").unwrap(),
                &(0..t.num_rows()).rev().collect::<Vec<_>>(),
            );
            t.push_column("n2", n2).unwrap();
            let lo = rng.below(5) as f64 - 1.0;
            let range = Predicate::Field {
                field: "n".into(),
                time_unit: None,
                test: FieldTest::Range(serde_json::json!(lo), serde_json::json!(lo + 2.5)),
            };
            // The range tested in the kernel's pass, and other shapes through a mask.
            let pred = match rng.below(3) {
                0 => range,
                1 => Predicate::Not(Box::new(range)),
                _ => Predicate::Field {
                    field: "n2".into(),
                    time_unit: None,
                    test: FieldTest::Lt(serde_json::json!(lo)),
                },
            };
            let ops: Vec<OpDef> = (0..1 + rng.below(4))
                .enumerate()
                .map(|(i, _)| {
                    let name = names.get(rng.below(names.len() as u64) as usize).unwrap();
                    let field = ["n", "n2"].get(rng.below(2) as usize).copied();
                    op(name, field, &format!("o{i}"))
                })
                .collect();
            let groupby = vec!["g".to_string()];
            let fused = fused_filter_aggregate(&pred, &t, &groupby, &ops)
                .expect("shape fits")
                .unwrap();
            let text = super::super::predicate::predicate_expr("f", &pred).unwrap();
            let rows = expr::parse(&text)
                .unwrap()
                .eval_filter(&t, &Env::new())
                .unwrap();
            let rows: Vec<usize> = rows.into_iter().map(|r| r as usize).collect();
            let filtered = take_table(&t, &rows).unwrap();
            let plain = aggregate_ops("a", &ops).unwrap();
            let want = run_aggregate("a", &filtered, &groupby, &plain).unwrap();
            assert_eq!(fused.num_rows(), want.num_rows());
            for name in
                std::iter::once("g".to_string()).chain(ops.iter().map(|o| o.as_name.clone()))
            {
                let (a, b) = (fused.column(&name).unwrap(), want.column(&name).unwrap());
                for r in 0..want.num_rows() {
                    let (x, y) = (a.value(r), b.value(r));
                    // The fused mean is sum / valid; the general path keeps Vega's running
                    // mean: equal within 1e-15 relative (the oracle tolerance is 1e-9).
                    let mean = ops
                        .iter()
                        .any(|o| o.as_name == name && matches!(o.op.as_str(), "mean" | "average"));
                    if let (true, crate::data::Value::Number(p), crate::data::Value::Number(q)) =
                        (mean, &x, &y)
                    {
                        assert!((p - q).abs() <= 1e-15 * q.abs().max(1.0), "{name} row {r}");
                        continue;
                    }
                    assert_eq!(format!("{x:?}"), format!("{y:?}"), "{name} row {r} {ops:?}");
                }
            }
            ran += 1;
        }
        assert_eq!(ran, 300);
    }
}
