//! Where each row's value stands in a list of values (a scale's categories).
//!
//! Stage: kernels. One pass over the rows with no allocation per row: a dictionary column maps
//! its codes once, text and number columns hash their values against the list. Rows whose
//! value is not in the list get `None`. Nulls match a `Value::Null` in the list.

use std::collections::HashMap;

use crate::data::{Column, Value};

/// The index in `domain` of every row's value of `column`.
///
/// ```
/// use storychart::data::{kernels::positions_in, parse::parse_json, Value};
/// let t = parse_json(r#"[{"k": "b"}, {"k": "a"}, {"k": "z"}, {"k": "b"}]"#, "t").unwrap();
/// let domain = [Value::Str("a".into()), Value::Str("b".into())];
/// assert_eq!(positions_in(t.column("k").unwrap(), &domain), vec![Some(1), Some(0), None, Some(1)]);
/// ```
pub fn positions_in(column: &Column, domain: &[Value]) -> Vec<Option<u32>> {
    let index = |i: usize| u32::try_from(i).ok();
    let null = domain
        .iter()
        .position(|d| *d == Value::Null)
        .and_then(index);
    let strings: HashMap<&str, u32> = domain
        .iter()
        .enumerate()
        .filter_map(|(i, d)| match d {
            Value::Str(s) => Some((s.as_str(), index(i)?)),
            _ => None,
        })
        .collect();
    match column {
        Column::Str(c) => {
            let by_code: Vec<Option<u32>> = c
                .dict
                .iter()
                .map(|s| strings.get(s.as_str()).copied())
                .collect();
            (0..c.codes.len())
                .map(|row| match c.codes.get(row) {
                    Some(code) if c.valid.get(row) => by_code.get(code as usize).copied().flatten(),
                    _ => null,
                })
                .collect()
        }
        Column::Text(t) => t
            .iter()
            .map(|v| match v {
                Some(s) => strings.get(s).copied(),
                None => null,
            })
            .collect(),
        Column::Number(c) => {
            // -0 and 0 are one category, as in JavaScript.
            let key = |n: f64| if n == 0.0 { 0 } else { n.to_bits() };
            let numbers: HashMap<u64, u32> = domain
                .iter()
                .enumerate()
                .filter_map(|(i, d)| match d {
                    Value::Number(n) => Some((key(*n), index(i)?)),
                    _ => None,
                })
                .collect();
            (0..c.values.len())
                .map(|row| match c.get(row) {
                    Some(n) => numbers.get(&key(n)).copied(),
                    None => null,
                })
                .collect()
        }
        Column::Bool { .. } | Column::Mixed(_) => (0..column.len())
            .map(|row| {
                let v = column.value(row);
                domain.iter().position(|d| *d == v).and_then(index)
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::parse::{parse_dsv, parse_json};

    #[test]
    fn every_column_kind_finds_its_categories() {
        let t = parse_json(
            r#"[{"n": 3, "b": true}, {"n": null, "b": false}, {"n": -0.0, "b": null}]"#,
            "t",
        )
        .unwrap();
        let domain = [Value::Number(0.0), Value::Number(3.0), Value::Null];
        assert_eq!(
            positions_in(t.column("n").unwrap(), &domain),
            vec![Some(1), Some(2), Some(0)]
        );
        let bools = [Value::Bool(false), Value::Bool(true)];
        assert_eq!(
            positions_in(t.column("b").unwrap(), &bools),
            vec![Some(1), Some(0), None]
        );
        let csv = parse_dsv("k\nx\ny\n", Some(b','), "t.csv").unwrap();
        let domain = [Value::Str("y".into())];
        assert_eq!(
            positions_in(csv.column("k").unwrap(), &domain),
            vec![None, Some(0)]
        );
    }
}
