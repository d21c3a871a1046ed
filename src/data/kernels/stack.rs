//! Stacking with a zero baseline (Vega's `stack` transform, `offset: "zero"`).
//!
//! Stage: kernels. Within each group, rows stack in table order: non-negative values upward from
//! the running positive total, negative values downward from the running negative total. A null
//! value stacks as 0, as JavaScript's `+null` does in Vega.

use crate::data::kernels::Groups;
use crate::data::{Column, NumberColumn};

/// Returns the `(start, end)` columns of a zero-offset stack of `values` within `groups`.
///
/// ```
/// use storychart::data::{kernels::{group_by, stack_zero}, parse::parse_json};
/// let t = parse_json(r#"[{"k": "A", "v": 28}, {"k": "A", "v": 12}, {"k": "B", "v": -5}]"#, "t").unwrap();
/// let (start, end) = stack_zero(t.column("v").unwrap(), &group_by(&[t.column("k").unwrap()], 3));
/// assert_eq!(start.values, vec![0.0, 28.0, 0.0]);
/// assert_eq!(end.values, vec![28.0, 40.0, -5.0]);
/// ```
pub fn stack_zero(values: &Column, groups: &Groups) -> (NumberColumn, NumberColumn) {
    let n = groups.len();
    let mut pos = vec![0.0f64; n];
    let mut neg = vec![0.0f64; n];
    let rows = groups.row_group.len();
    let mut start = NumberColumn::default();
    let mut end = NumberColumn::default();
    for row in 0..rows {
        let g = groups.row_group.get(row).map_or(0, |g| *g as usize);
        let v = values.number(row).unwrap_or(0.0);
        let total = if v < 0.0 {
            neg.get_mut(g)
        } else {
            pos.get_mut(g)
        };
        match total {
            Some(t) => {
                start.push(Some(*t));
                *t += v;
                end.push(Some(*t));
            }
            None => {
                start.push(None);
                end.push(None);
            }
        }
    }
    (start, end)
}
