//! JSON rows -> columns, with per-column type inference.
//!
//! Stage: data. Accepts what Vega-Lite accepts for `data.values` and JSON files: an array of
//! objects (one row each), or an array of scalars (each becomes a row `{"data": value}`).
//! A column whose non-null values are all numbers becomes a number column, all strings a
//! dictionary-encoded string column, all booleans a boolean column; anything else keeps its
//! values as they are (a mixed column), so values round-trip exactly as Vega holds them.

use serde_json::Value as Json;

use crate::data::{Bitmap, Column, NumberColumn, StrColumn, Table, Value};
use crate::error::{Error, Result};

/// Parses JSON text holding an array of rows. `source` names it in errors.
pub fn parse_json(text: &str, source: &str) -> Result<Table> {
    let json: Json = serde_json::from_str(text).map_err(|e| {
        Error::data(
            &format!("{source} line {}, column {}", e.line(), e.column()),
            "not valid JSON",
        )
    })?;
    from_json_rows(&json, source)
}

/// Builds a table from a JSON array of objects or scalars. `place` names it in errors.
pub fn from_json_rows(json: &Json, place: &str) -> Result<Table> {
    let Json::Array(rows) = json else {
        return Err(Error::data(place, "expected an array of rows"));
    };
    let mut names: Vec<String> = Vec::new();
    // Nested objects and arrays also become columns named by their flattened path
    // (`source.reco`, `ranges.0`): Vega-Lite reads a nested field through such a name.
    let mut nested: Vec<(String, Vec<&str>)> = Vec::new();
    for row in rows {
        match row {
            Json::Object(map) => {
                for (key, value) in map {
                    if !names.iter().any(|n| n == key) {
                        names.push(key.clone());
                    }
                    flatten_paths(value, key, &mut vec![key.as_str()], &mut nested, 1);
                }
            }
            _ => {
                if !names.iter().any(|n| n == "data") {
                    names.push("data".to_string());
                }
            }
        }
    }
    let mut table = Table::with_rows(rows.len());
    for name in &names {
        let cells = rows.iter().map(|row| match row {
            Json::Object(map) => map.get(name.as_str()),
            scalar if name == "data" => Some(scalar),
            _ => None,
        });
        table.push_column(name, infer_column(cells))?;
    }
    for (name, path) in &nested {
        if table.column(name).is_some() {
            continue; // a top-level key spelled like the path wins
        }
        let cells = rows.iter().map(|row| {
            path.iter().try_fold(row, |v, key| match v {
                Json::Object(map) => map.get(*key),
                Json::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            })
        });
        table.push_column(name, infer_column(cells))?;
    }
    Ok(table)
}

/// How deep nested objects are flattened into columns.
const MAX_NESTING: usize = 4;
/// At most this many flattened columns per table (huge nested documents stay cheap).
const MAX_NESTED_COLUMNS: usize = 256;

/// Adds the flattened path of every value nested inside `value` (`name.key`, `name.0`).
fn flatten_paths<'a>(
    value: &'a Json,
    name: &str,
    path: &mut Vec<&'a str>,
    out: &mut Vec<(String, Vec<&'a str>)>,
    depth: usize,
) {
    if depth > MAX_NESTING {
        return;
    }
    let mut visit = |key: &'a str, child: &'a Json, out: &mut Vec<(String, Vec<&'a str>)>| {
        let child_name = format!("{name}.{key}");
        path.push(key);
        if out.len() < MAX_NESTED_COLUMNS && !out.iter().any(|(n, _)| *n == child_name) {
            out.push((child_name.clone(), path.clone()));
        }
        flatten_paths(child, &child_name, path, out, depth + 1);
        path.pop();
    };
    match value {
        Json::Object(map) => {
            for (key, child) in map {
                visit(key.as_str(), child, out);
            }
        }
        Json::Array(items) => {
            for (i, child) in items.iter().enumerate().take(MAX_NESTED_COLUMNS) {
                let Some(key) = INDEX_NAMES.get(i) else { break };
                visit(key, child, out);
            }
        }
        _ => {}
    }
}

/// Array indices as path keys (borrowed for the lifetime of the rows).
const INDEX_NAMES: [&str; 16] = [
    "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15",
];

fn infer_column<'a>(cells: impl Iterator<Item = Option<&'a Json>> + Clone) -> Column {
    let (mut numbers, mut strings, mut bools, mut other) = (0usize, 0usize, 0usize, 0usize);
    for cell in cells.clone() {
        match cell {
            None | Some(Json::Null) => {}
            Some(Json::Number(_)) => numbers += 1,
            Some(Json::String(_)) => strings += 1,
            Some(Json::Bool(_)) => bools += 1,
            Some(_) => other += 1,
        }
    }
    let kinds = [numbers, strings, bools, other]
        .iter()
        .filter(|n| **n > 0)
        .count();
    if kinds <= 1 && other == 0 {
        if strings > 0 {
            let mut col = StrColumn::default();
            for cell in cells {
                col.push(cell.and_then(Json::as_str));
            }
            return Column::Str(col);
        }
        if bools > 0 {
            let mut values = Vec::new();
            let mut valid = Bitmap::new();
            for cell in cells {
                let b = cell.and_then(Json::as_bool);
                values.push(b.unwrap_or(false));
                valid.push(b.is_some());
            }
            return Column::Bool { values, valid };
        }
        return Column::Number(NumberColumn::from_options(
            cells.map(|c| c.and_then(Json::as_f64)),
        ));
    }
    Column::Mixed(cells.map(json_value).collect())
}

fn json_value(cell: Option<&Json>) -> Value {
    match cell {
        None | Some(Json::Null) => Value::Null,
        Some(Json::Bool(b)) => Value::Bool(*b),
        Some(Json::Number(n)) => n.as_f64().map_or(Value::Null, Value::Number),
        Some(Json::String(s)) => Value::Str(s.clone()),
        Some(nested) => Value::Str(nested.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn infers_one_type_per_column() {
        let t = parse_json(
            r#"[{"a": "A", "b": 28, "c": true}, {"a": "B", "b": null}, {"a": null, "b": 3.5, "d": 1}]"#,
            "inline",
        )
        .unwrap();
        assert_eq!(t.num_rows(), 3);
        assert_eq!(t.names(), vec!["a", "b", "c", "d"]);
        assert!(matches!(t.column("a"), Some(Column::Str(_))));
        assert!(matches!(t.column("b"), Some(Column::Number(_))));
        assert!(matches!(t.column("c"), Some(Column::Bool { .. })));
        assert_eq!(t.column("b").unwrap().value(1), Value::Null);
        assert_eq!(t.column("d").unwrap().value(0), Value::Null);
    }

    #[test]
    fn mixed_columns_keep_their_values() {
        let t = parse_json(r#"[{"v": 1}, {"v": "x"}]"#, "inline").unwrap();
        assert_eq!(t.column("v").unwrap().value(0), Value::Number(1.0));
        assert_eq!(t.column("v").unwrap().value(1), Value::Str("x".into()));
    }

    #[test]
    fn nested_values_are_columns_named_by_their_path() {
        let t = parse_json(
            r#"[{"a": {"b": 1, "c": [5, 6]}}, {"a": null}, {"a": {"b": 2}}]"#,
            "inline",
        )
        .unwrap();
        assert_eq!(t.column("a.b").unwrap().number(2), Some(2.0));
        assert_eq!(t.column("a.b").unwrap().value(1), Value::Null);
        assert_eq!(t.column("a.c.1").unwrap().number(0), Some(6.0));
        // The object itself stays a (non-null) value.
        assert_ne!(t.column("a").unwrap().value(0), Value::Null);
    }

    #[test]
    fn scalars_become_a_data_column() {
        let t = parse_json("[1, 2, 3]", "inline").unwrap();
        assert_eq!(t.column("data").unwrap().number(2), Some(3.0));
    }

    #[test]
    fn errors_name_the_place() {
        let e = parse_json("[{\"a\": 1},\n {\"a\" 2}]", "cars.json").unwrap_err();
        assert_eq!(e.place(), "cars.json line 2, column 7");
        assert!(parse_json("{}", "x.json").is_err());
    }
}
