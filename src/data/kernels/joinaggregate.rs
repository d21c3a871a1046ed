//! Vega's `joinaggregate` transform: aggregates per group, written back to every row.
//!
//! Stage: kernels. Each op is computed once per group with [`aggregate`] (so it has exactly
//! the aggregate kernel's semantics) and then broadcast: the output columns are aligned with
//! the input rows, every row carrying its group's value.

use crate::data::kernels::{aggregate, AggregateOp, Groups};
use crate::data::NumberColumn;

use crate::data::Column;

/// Computes `ops` (each an op and its column; `None` for `count`) within `groups`, returning
/// one column per op with every row holding its group's value.
///
/// ```
/// use storychart::data::kernels::{group_by, joinaggregate, AggregateOp};
/// use storychart::data::parse::parse_json;
/// let t = parse_json(r#"[{"k": "a", "v": 1}, {"k": "b", "v": 5}, {"k": "a", "v": 2}]"#, "t").unwrap();
/// let g = group_by(&[t.column("k").unwrap()], 3);
/// let out = joinaggregate(&g, &[(AggregateOp::Sum, t.column("v"))]);
/// assert_eq!(out[0].values, vec![3.0, 5.0, 3.0]);
/// ```
pub fn joinaggregate(groups: &Groups, ops: &[(AggregateOp, Option<&Column>)]) -> Vec<NumberColumn> {
    ops.iter()
        .map(|(op, col)| {
            let per_group = aggregate(*col, groups, *op);
            NumberColumn::from_options(groups.row_group.iter().map(|g| per_group.get(*g as usize)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::kernels::group_by;
    use crate::data::kernels::test_util::{random_table, Rng};

    #[test]
    fn broadcasts_each_groups_value_like_a_row_by_row_reference() {
        let mut rng = Rng(11);
        let ops = [
            AggregateOp::Count,
            AggregateOp::Sum,
            AggregateOp::Mean,
            AggregateOp::Min,
            AggregateOp::Max,
        ];
        for _ in 0..100 {
            let t = random_table(&mut rng, 15);
            let g_col = t.column("g").unwrap();
            let n_col = t.column("n").unwrap();
            let groups = group_by(&[g_col], t.num_rows());
            let spec: Vec<_> = ops.iter().map(|op| (*op, Some(n_col))).collect();
            let out = joinaggregate(&groups, &spec);
            for (k, op) in ops.iter().enumerate() {
                for r in 0..t.num_rows() {
                    // Reference: scan every row of r's group.
                    let vals: Vec<Option<f64>> = (0..t.num_rows())
                        .filter(|q| g_col.value(*q) == g_col.value(r))
                        .map(|q| n_col.number(q))
                        .collect();
                    let valid: Vec<f64> = vals.iter().flatten().copied().collect();
                    let expected = match op {
                        AggregateOp::Count => Some(vals.len() as f64),
                        // Vega 6: `m.valid ? m.sum : undefined`.
                        _ if valid.is_empty() => None,
                        AggregateOp::Sum => Some(valid.iter().sum::<f64>()),
                        AggregateOp::Min => valid.iter().copied().reduce(f64::min),
                        AggregateOp::Max => valid.iter().copied().reduce(f64::max),
                        _ => Some(valid.iter().sum::<f64>() / valid.len() as f64),
                    };
                    let got = out[k].get(r);
                    match (got, expected) {
                        (Some(a), Some(b)) => assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0)),
                        _ => assert_eq!(got, expected, "{op:?} row {r}"),
                    }
                }
            }
        }
        assert!(
            joinaggregate(&group_by(&[], 0), &[(AggregateOp::Count, None)])[0]
                .values
                .is_empty()
        );
    }
}
