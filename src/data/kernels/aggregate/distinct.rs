//! `distinct`: the number of distinct values per group, as Vega counts them.
//!
//! Stage: kernels (aggregate internals). Vega counts distinct `String(v)` over *all* of a
//! group's rows, so `null` counts as a value (and equals the string `"null"`), `1` equals
//! `"1"`, and `-0` equals `0`. A number column keys on canonical bits, a text column on its
//! dictionary codes; both sort `(group, key)` pairs once instead of hashing per group.

use crate::data::value::js_number_string;
use crate::data::{Column, Value};

/// Per group, the number of distinct `String(v)` among its rows.
pub(super) fn distinct(column: Option<&Column>, row_group: &[u32], groups: usize) -> Vec<u64> {
    match column {
        None => count_keys(row_group.iter().map(|g| (*g, 0u64)), groups),
        Some(Column::Number(c)) => count_keys(
            row_group.iter().enumerate().map(|(i, g)| {
                let key = match c.get(i) {
                    // -0 and 0 print alike; bit patterns of other numbers differ as text does.
                    Some(0.0) => 0,
                    Some(v) => v.to_bits(),
                    None => NULL_KEY,
                };
                (*g, key)
            }),
            groups,
        ),
        Some(col @ Column::Bool { .. }) => count_keys(
            row_group.iter().enumerate().map(|(i, g)| {
                let key = col.number(i).map_or(NULL_KEY, f64::to_bits);
                (*g, key)
            }),
            groups,
        ),
        Some(Column::Text(t)) => {
            let dictionary = Column::Str(t.to_dictionary());
            distinct(Some(&dictionary), row_group, groups)
        }
        Some(Column::Str(c)) => {
            // A null prints "null", the same as the string "null".
            let null_code = c
                .dict
                .iter()
                .position(|s| s == "null")
                .map_or(NULL_KEY, |p| p as u64);
            count_keys(
                row_group.iter().enumerate().map(|(i, g)| {
                    let key = match c.codes.get(i) {
                        Some(code) if c.valid.get(i) => u64::from(code),
                        _ => null_code,
                    };
                    (*g, key)
                }),
                groups,
            )
        }
        Some(Column::Mixed(v)) => {
            let mut pairs: Vec<(u32, String)> = row_group
                .iter()
                .enumerate()
                .map(|(i, g)| (*g, js_string(v.get(i).unwrap_or(&Value::Null))))
                .collect();
            pairs.sort_unstable();
            pairs.dedup();
            tally(pairs.iter().map(|(g, _)| *g), groups)
        }
    }
}

/// The key of null in number and text columns (no number has these bits as a canonical key:
/// it is a NaN pattern, and NaN cells are null in a number column).
const NULL_KEY: u64 = u64::MAX;

fn count_keys(pairs: impl Iterator<Item = (u32, u64)>, groups: usize) -> Vec<u64> {
    let mut pairs: Vec<(u32, u64)> = pairs.collect();
    pairs.sort_unstable();
    pairs.dedup();
    tally(pairs.iter().map(|(g, _)| *g), groups)
}

fn tally(groups_of_keys: impl Iterator<Item = u32>, groups: usize) -> Vec<u64> {
    let mut out = vec![0u64; groups];
    for g in groups_of_keys {
        if let Some(c) = out.get_mut(g as usize) {
            *c += 1;
        }
    }
    out
}

/// JavaScript's `String(v)`.
fn js_string(v: &Value) -> String {
    match v {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => js_number_string(*n),
        Value::Str(s) => s.clone(),
    }
}
