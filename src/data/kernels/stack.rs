//! Stacking (Vega's `stack` transform, vega-encode `Stack.js`): offsets `zero`, `center` and
//! `normalize`, with optional sort keys within each stack.
//!
//! Stage: kernels. Each group is one stack. Its rows stack in the order of the sort keys (ties,
//! and no keys, in row order, as Vega's `stableCompare` breaks ties by tuple id). The
//! arithmetic is Vega's, operation for operation, so results match it to the last bit:
//!
//! - `zero`: `v = +value` (null and `""` are 0, a non-numeric string is `NaN`); negative
//!   values stack downward from the running negative total, others upward;
//! - `normalize`: the group's sum of `|value|` (in row order, before sorting) gives
//!   `scale = 1 / sum`; the end is `scale * running sum of |value|` (sorted order), the start is
//!   the previous end. A group summing to 0 gives `NaN`, stored as null;
//! - `center`: each stack starts at `(max - sum) / 2`, where `max` is the largest group sum
//!   (at least 0), and grows by `|value|`.

use crate::data::kernels::sort::{js_string_to_number, RowComparator};
use crate::data::kernels::{Groups, Order};
use crate::data::{Column, NumberColumn, Value};

/// Where stacks start (Vega's `offset`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StackOffset {
    /// From a zero baseline; negatives stack downward.
    #[default]
    Zero,
    /// Centered on half the largest stack's total (streamgraphs).
    Center,
    /// Scaled so each stack spans 0 to 1.
    Normalize,
}

impl StackOffset {
    /// Parses Vega's offset names (`"zero"`, `"center"`, `"normalize"`).
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "zero" => Some(StackOffset::Zero),
            "center" => Some(StackOffset::Center),
            "normalize" => Some(StackOffset::Normalize),
            _ => None,
        }
    }
}

/// Returns the `(start, end)` columns of stacking `values` within `groups`, each stack ordered
/// by `sort` (empty: row order), with `offset`.
///
/// ```
/// use storychart::data::kernels::{group_by, stack, Order, StackOffset};
/// use storychart::data::parse::parse_json;
/// let t = parse_json(r#"[{"k": "A", "v": 3, "c": "y"}, {"k": "A", "v": 1, "c": "x"}]"#, "t").unwrap();
/// let g = group_by(&[t.column("k").unwrap()], 2);
/// let sort = [(t.column("c").unwrap(), Order::Ascending)];
/// let (start, end) = stack(t.column("v").unwrap(), &g, &sort, StackOffset::Normalize);
/// assert_eq!(start.values, vec![0.25, 0.0]); // "x" stacks first
/// assert_eq!(end.values, vec![1.0, 0.25]);
/// ```
pub fn stack(
    values: &Column,
    groups: &Groups,
    sort: &[(&Column, Order)],
    offset: StackOffset,
) -> (NumberColumn, NumberColumn) {
    let rows = groups.row_group.len();
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); groups.len()];
    for (row, g) in groups.row_group.iter().enumerate() {
        if let (Some(m), Ok(row)) = (members.get_mut(*g as usize), u32::try_from(row)) {
            m.push(row);
        }
    }
    // Group sums of |v| in row order, before sorting (Vega's `partition`).
    let sums: Vec<f64> = members
        .iter()
        .map(|m| {
            m.iter()
                .fold(0.0, |s, r| s + js_plus(values, *r as usize).abs())
        })
        .collect();
    let max = sums.iter().fold(0.0f64, |m, s| if *s > m { *s } else { m });
    let cmp = RowComparator::new(sort);
    let mut start = vec![f64::NAN; rows];
    let mut end = vec![f64::NAN; rows];
    for (m, sum) in members.iter().zip(&sums) {
        let order = if cmp.is_empty() {
            m.clone()
        } else {
            cmp.sort(m)
        };
        let mut put = |row: u32, y0: f64, y1: f64| {
            if let (Some(s), Some(e)) = (start.get_mut(row as usize), end.get_mut(row as usize)) {
                *s = y0;
                *e = y1;
            }
        };
        match offset {
            StackOffset::Zero => {
                let (mut pos, mut neg) = (0.0f64, 0.0f64);
                for &row in &order {
                    let v = js_plus(values, row as usize);
                    let last = if v < 0.0 { &mut neg } else { &mut pos };
                    let y0 = *last;
                    *last += v;
                    put(row, y0, *last);
                }
            }
            StackOffset::Center => {
                let mut last = (max - sum) / 2.0;
                for &row in &order {
                    let y0 = last;
                    last += js_plus(values, row as usize).abs();
                    put(row, y0, last);
                }
            }
            StackOffset::Normalize => {
                let scale = 1.0 / sum;
                let (mut last, mut v) = (0.0f64, 0.0f64);
                for &row in &order {
                    let y0 = last;
                    v += js_plus(values, row as usize).abs();
                    last = scale * v;
                    put(row, y0, last);
                }
            }
        }
    }
    let col = |v: Vec<f64>| NumberColumn::from_options(v.into_iter().map(Some));
    (col(start), col(end))
}

/// Returns the `(start, end)` columns of a zero-offset stack of `values` within `groups`, in
/// row order (the planner's implicit stack).
///
/// ```
/// use storychart::data::{kernels::{group_by, stack_zero}, parse::parse_json};
/// let t = parse_json(r#"[{"k": "A", "v": 28}, {"k": "A", "v": 12}, {"k": "B", "v": -5}]"#, "t").unwrap();
/// let (start, end) = stack_zero(t.column("v").unwrap(), &group_by(&[t.column("k").unwrap()], 3));
/// assert_eq!(start.values, vec![0.0, 28.0, 0.0]);
/// assert_eq!(end.values, vec![28.0, 40.0, -5.0]);
/// ```
pub fn stack_zero(values: &Column, groups: &Groups) -> (NumberColumn, NumberColumn) {
    stack(values, groups, &[], StackOffset::Zero)
}

/// JavaScript's unary `+` of a cell: null and `""` are 0, non-numeric strings `NaN`.
fn js_plus(col: &Column, row: usize) -> f64 {
    match col {
        Column::Number(c) => c.get(row).unwrap_or(0.0),
        _ => match col.value(row) {
            Value::Null => 0.0,
            Value::Bool(b) => f64::from(u8::from(b)),
            Value::Number(n) => n,
            Value::Str(s) => js_string_to_number(&s),
        },
    }
}

#[cfg(test)]
#[path = "stack_tests.rs"]
mod tests;
