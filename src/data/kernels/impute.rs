//! Vega's `impute` transform with `method: "value"`: the rows a group is missing.
//!
//! Stage: kernels. Vega-Lite stacks areas and lines after imputing 0 for every key (the
//! dimension value, such as a date) that a series (the stack-by group) lacks, so stacks line
//! up. Keys and groups are taken in order of first appearance; the new rows come after the
//! original ones, group by group, key by key, as Vega appends them. A new row has the
//! group's values, the key and `value` in the imputed field; every other field is null.

use super::{group_by, take};
use crate::data::{Column, NumberColumn, Table, Value};
use crate::error::Result;

/// The rows of `table` plus one row per (group of `groupby`, value of `key`) pair that does
/// not occur, with `value` in `field`.
///
/// ```
/// use storychart::data::kernels::impute::impute_value;
/// use storychart::data::parse::parse_json;
/// let t = parse_json(r#"[{"k": 1, "g": "a", "v": 5}, {"k": 2, "g": "a", "v": 6}, {"k": 1, "g": "b", "v": 7}]"#, "t").unwrap();
/// let out = impute_value(&t, "v", "k", &["g".to_string()], 0.0).unwrap();
/// assert_eq!(out.num_rows(), 4);
/// assert_eq!(out.column("k").unwrap().number(3), Some(2.0));
/// assert_eq!(out.column("g").unwrap().value(3).to_label(), "b");
/// assert_eq!(out.column("v").unwrap().number(3), Some(0.0));
/// ```
pub fn impute_value(
    table: &Table,
    field: &str,
    key: &str,
    groupby: &[String],
    value: f64,
) -> Result<Table> {
    let n = table.num_rows();
    let Some(key_column) = table.column(key) else {
        return Ok(table.clone());
    };
    let keys = group_by(&[key_column], n);
    let group_columns: Vec<&Column> = groupby.iter().filter_map(|g| table.column(g)).collect();
    let groups = group_by(&group_columns, n);
    let (n_keys, n_groups) = (keys.len(), groups.len());
    if n_keys.saturating_mul(n_groups) > 50_000_000 {
        return Ok(table.clone()); // far beyond any chart: leave the data as it is
    }
    let mut present = vec![false; n_keys * n_groups];
    for row in 0..n {
        let (Some(g), Some(k)) = (groups.row_group.get(row), keys.row_group.get(row)) else {
            continue;
        };
        if let Some(slot) = present.get_mut(*g as usize * n_keys + *k as usize) {
            *slot = true;
        }
    }
    let mut group_rows = Vec::new();
    let mut key_rows = Vec::new();
    for (g, first) in groups.first_row.iter().enumerate() {
        for (k, key_first) in keys.first_row.iter().enumerate() {
            if present.get(g * n_keys + k) == Some(&false) {
                group_rows.push(*first);
                key_rows.push(*key_first);
            }
        }
    }
    if group_rows.is_empty() {
        return Ok(table.clone());
    }
    let base: Vec<usize> = (0..n).collect();
    let with = |extra: &[usize]| -> Vec<usize> { base.iter().chain(extra).copied().collect() };
    let nulls = vec![usize::MAX; group_rows.len()];
    let mut out = Table::with_rows(n + group_rows.len());
    for name in table.names() {
        let Some(column) = table.column(name) else {
            continue;
        };
        let filled = if name == field {
            match column {
                Column::Number(c) => Column::Number(NumberColumn::from_options(
                    (0..n)
                        .map(|i| c.get(i))
                        .chain(group_rows.iter().map(|_| Some(value))),
                )),
                other => Column::Mixed(
                    (0..n)
                        .map(|i| other.value(i))
                        .chain(group_rows.iter().map(|_| Value::Number(value)))
                        .collect(),
                ),
            }
        } else if name == key {
            take(column, &with(&key_rows))
        } else if groupby.iter().any(|g| g == name) {
            take(column, &with(&group_rows))
        } else {
            take(column, &with(&nulls))
        };
        out.push_column(name, filled)?;
    }
    if table.column(field).is_none() {
        let column = NumberColumn::from_options(
            (0..n)
                .map(|_| None)
                .chain(group_rows.iter().map(|_| Some(value))),
        );
        out.push_column(field, Column::Number(column))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::parse::parse_json;

    #[test]
    fn complete_data_is_unchanged_and_missing_pairs_are_added_in_order() {
        let t = parse_json(
            r#"[{"k": "x", "g": 1, "v": 1}, {"k": "y", "g": 1, "v": 2}, {"k": "x", "g": 2, "v": 3}]"#,
            "t",
        )
        .unwrap();
        let same = impute_value(&t, "v", "k", &["g".to_string()], 0.0).unwrap();
        assert_eq!(same.num_rows(), 4);
        assert_eq!(same.column("k").unwrap().value(3), Value::Str("y".into()));
        assert_eq!(same.column("g").unwrap().number(3), Some(2.0));
        // Without groups everything is present.
        assert_eq!(impute_value(&t, "v", "k", &[], 0.0).unwrap().num_rows(), 3);
        // A property check against a naive count: groups x keys rows afterwards.
        for seed in 0..20u64 {
            let rows: Vec<String> = (0..30)
                .map(|i| {
                    let h = (i as u64 * 2654435761 + seed * 97) % 1000;
                    format!(r#"{{"k": {}, "g": {}, "v": 1}}"#, h % 7, (h / 7) % 4)
                })
                .collect();
            let t = parse_json(&format!("[{}]", rows.join(",")), "t").unwrap();
            let keys = group_by(&[t.column("k").unwrap()], 30).len();
            let groups = group_by(&[t.column("g").unwrap()], 30).len();
            let mut pairs = std::collections::HashSet::new();
            for r in 0..30 {
                pairs.insert((
                    t.column("k").unwrap().number(r).unwrap() as i64,
                    t.column("g").unwrap().number(r).unwrap() as i64,
                ));
            }
            let out = impute_value(&t, "v", "k", &["g".to_string()], 0.0).unwrap();
            assert_eq!(out.num_rows(), 30 + keys * groups - pairs.len());
        }
    }
}
