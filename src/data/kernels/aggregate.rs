//! Aggregate ops over groups, with Vega's semantics.
//!
//! Stage: kernels. `count` counts rows. The other ops read values as JavaScript's unary `+`
//! coerces them and skip invalid ones (null, empty, `NaN`), as Vega's aggregate does; a group
//! with no valid value gives `sum = 0` and null for `mean`, `min` and `max`. `mean` uses Vega's
//! running update (`mean += (v - mean) / n`), so results equal Vega's to the last bit.

use crate::data::kernels::Groups;
use crate::data::{Column, NumberColumn};

/// An aggregate operation (Vega's `aggregate` ops; `encoding.*.aggregate` in Vega-Lite).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AggregateOp {
    /// Number of rows.
    Count,
    /// Sum of valid values.
    Sum,
    /// Arithmetic mean of valid values.
    Mean,
    /// The same as `Mean`, spelled `average` (Vega-Lite keeps the spelling in field names).
    Average,
    /// Smallest valid value.
    Min,
    /// Largest valid value.
    Max,
}

impl AggregateOp {
    /// Parses a Vega-Lite op name; `None` for ops storychart does not implement.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "count" => AggregateOp::Count,
            "sum" => AggregateOp::Sum,
            "mean" => AggregateOp::Mean,
            "average" => AggregateOp::Average,
            "min" => AggregateOp::Min,
            "max" => AggregateOp::Max,
            _ => return None,
        })
    }

    /// The op's name as Vega-Lite spells it in derived field names (`sum_people`).
    pub fn name(self) -> &'static str {
        match self {
            AggregateOp::Count => "count",
            AggregateOp::Sum => "sum",
            AggregateOp::Mean => "mean",
            AggregateOp::Average => "average",
            AggregateOp::Min => "min",
            AggregateOp::Max => "max",
        }
    }

    /// Whether stacking values of this op is meaningful (Vega-Lite's `SUM_OPS`).
    pub fn is_summative(self) -> bool {
        matches!(self, AggregateOp::Count | AggregateOp::Sum)
    }
}

/// Applies `op` to `column` (ignored for `count`; may be `None` then) within `groups`,
/// returning one value per group.
///
/// ```
/// use storychart::data::{kernels::{aggregate, group_by}, parse::parse_json};
/// use storychart::data::kernels::AggregateOp;
/// let t = parse_json(r#"[{"k": "a", "v": 1}, {"k": "b", "v": 5}, {"k": "a", "v": 2}]"#, "t").unwrap();
/// let g = group_by(&[t.column("k").unwrap()], 3);
/// let sums = aggregate(t.column("v"), &g, AggregateOp::Sum);
/// assert_eq!(sums.values, vec![3.0, 5.0]);
/// ```
pub fn aggregate(column: Option<&Column>, groups: &Groups, op: AggregateOp) -> NumberColumn {
    let n = groups.len();
    let mut count = vec![0u64; n];
    let mut valid = vec![0u64; n];
    let mut acc = vec![
        match op {
            AggregateOp::Min => f64::INFINITY,
            AggregateOp::Max => f64::NEG_INFINITY,
            _ => 0.0,
        };
        n
    ];
    for (row, g) in groups.row_group.iter().enumerate() {
        let g = *g as usize;
        let (Some(c), Some(k), Some(a)) = (count.get_mut(g), valid.get_mut(g), acc.get_mut(g))
        else {
            continue;
        };
        *c += 1;
        if op == AggregateOp::Count {
            continue;
        }
        let Some(v) = column.and_then(|col| col.number(row)) else {
            continue;
        };
        *k += 1;
        match op {
            AggregateOp::Count => {}
            AggregateOp::Sum => *a += v,
            #[allow(clippy::cast_precision_loss)]
            AggregateOp::Mean | AggregateOp::Average => *a += (v - *a) / *k as f64,
            AggregateOp::Min => *a = a.min(v),
            AggregateOp::Max => *a = a.max(v),
        }
    }
    NumberColumn::from_options((0..n).map(|g| {
        let k = valid.get(g).copied().unwrap_or(0);
        #[allow(clippy::cast_precision_loss)]
        match op {
            AggregateOp::Count => count.get(g).map(|c| *c as f64),
            AggregateOp::Sum => acc.get(g).copied(),
            _ if k == 0 => None,
            _ => acc.get(g).copied(),
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::kernels::group_by;
    use crate::data::parse::parse_json;

    fn check(json: &str, op: AggregateOp, expected: &[Option<f64>]) {
        let t = parse_json(json, "t").unwrap();
        let g = group_by(&[t.column("k").unwrap()], t.num_rows());
        let got = aggregate(t.column("v"), &g, op);
        let got: Vec<Option<f64>> = (0..got.values.len()).map(|i| got.get(i)).collect();
        assert_eq!(got, expected, "{op:?}");
    }

    const DATA: &str = r#"[{"k": "a", "v": 3}, {"k": "b", "v": null}, {"k": "a", "v": -1},
                           {"k": "a", "v": null}, {"k": "c", "v": "7"}]"#;

    #[test]
    fn each_op_skips_invalid_values_like_vega() {
        check(DATA, AggregateOp::Count, &[Some(3.0), Some(1.0), Some(1.0)]);
        check(DATA, AggregateOp::Sum, &[Some(2.0), Some(0.0), Some(7.0)]);
        check(DATA, AggregateOp::Mean, &[Some(1.0), None, Some(7.0)]);
        check(DATA, AggregateOp::Min, &[Some(-1.0), None, Some(7.0)]);
        check(DATA, AggregateOp::Max, &[Some(3.0), None, Some(7.0)]);
    }

    #[test]
    fn mean_uses_vegas_running_update() {
        // Vega: 16.616425120772945 for mean Acceleration of 4-cylinder cars; here a smaller
        // case where sum/n and the running mean differ in the last bit.
        let t = parse_json(
            r#"[{"k": 1, "v": 0.1}, {"k": 1, "v": 0.2}, {"k": 1, "v": 0.4}]"#,
            "t",
        )
        .unwrap();
        let g = group_by(&[t.column("k").unwrap()], 3);
        let mean = aggregate(t.column("v"), &g, AggregateOp::Mean).values[0];
        let mut running = 0.0;
        for (i, v) in [0.1, 0.2, 0.4].iter().enumerate() {
            running += (v - running) / (i + 1) as f64;
        }
        assert_eq!(mean, running);
    }
}
