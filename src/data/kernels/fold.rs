//! Vega's `fold` transform: turns columns into key/value rows ("wide" to "long").
//!
//! Stage: kernels. Every input row becomes one row per folded field, in field order: the key
//! column holds the field's name, the value column that field's value, and every other column
//! is repeated (as Vega's `derive` copies the tuple). The folded columns themselves stay, as
//! in Vega. The value column keeps the fields' type when they share one (numbers, strings or
//! booleans) and is mixed otherwise.

use crate::data::kernels::take;
use crate::data::{Bitmap, Column, NumberColumn, StrColumn, Table, Value};
use crate::error::{Error, Result};

/// Folds `fields` of `table` into `as_key` / `as_value` columns. `path` names the transform in
/// the spec (for example `transform[0].fold`) in errors.
///
/// ```
/// use storychart::data::{kernels::fold, parse::parse_json, Value};
/// let t = parse_json(r#"[{"year": 2020, "gold": 3, "silver": 5}]"#, "t").unwrap();
/// let f = fold(&t, "transform[0].fold", &["gold".into(), "silver".into()], "key", "value").unwrap();
/// assert_eq!(f.num_rows(), 2);
/// assert_eq!(f.column("key").unwrap().value(1), Value::Str("silver".into()));
/// assert_eq!(f.column("value").unwrap().number(1), Some(5.0));
/// assert_eq!(f.column("year").unwrap().number(1), Some(2020.0));
/// ```
pub fn fold(
    table: &Table,
    path: &str,
    fields: &[String],
    as_key: &str,
    as_value: &str,
) -> Result<Table> {
    let sources: Vec<&Column> = fields
        .iter()
        .map(|f| table.require(path, f))
        .collect::<Result<_>>()?;
    let n = table.num_rows();
    let k = fields.len();
    let rows = n
        .checked_mul(k)
        .ok_or_else(|| Error::data(path, "the folded table would be too large"))?;
    let repeat: Vec<usize> = (0..n).flat_map(|r| std::iter::repeat_n(r, k)).collect();
    let mut out = Table::with_rows(rows);
    for name in table.names() {
        if let Some(col) = table.column(name) {
            out.push_column(name, take(col, &repeat))?;
        }
    }
    let mut keys = StrColumn::default();
    for _ in 0..n {
        for f in fields {
            keys.push(Some(f));
        }
    }
    out.push_column(as_key, Column::Str(keys))?;
    out.push_column(as_value, interleave(&sources, n))?;
    Ok(out)
}

/// Row `r * k + i` is row `r` of `sources[i]`.
fn interleave(sources: &[&Column], n: usize) -> Column {
    let cells = || (0..n).flat_map(move |r| sources.iter().map(move |c| (*c, r)));
    if sources.iter().all(|c| matches!(c, Column::Number(_))) {
        return Column::Number(NumberColumn::from_options(
            cells().map(|(c, r)| c.number(r)),
        ));
    }
    if sources.iter().all(|c| matches!(c, Column::Str(_))) {
        let mut out = StrColumn::default();
        for (c, r) in cells() {
            match c {
                Column::Str(s) => out.push(s.get(r)),
                _ => out.push(None),
            }
        }
        return Column::Str(out);
    }
    if sources.iter().all(|c| matches!(c, Column::Bool { .. })) {
        let mut values = Vec::new();
        let mut valid = Bitmap::new();
        for (c, r) in cells() {
            let v = c.value(r);
            values.push(v == Value::Bool(true));
            valid.push(v != Value::Null);
        }
        return Column::Bool { values, valid };
    }
    Column::Mixed(cells().map(|(c, r)| c.value(r)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::kernels::test_util::{random_table, Rng};
    use crate::data::parse::parse_json;

    #[test]
    fn folds_like_vega() {
        // Vega 6.4: fold ["a", "b"] of [{"k":"x","a":1,"b":"s"},{"k":"y","a":null,"b":"t"}]
        let t = parse_json(
            r#"[{"k": "x", "a": 1, "b": "s"}, {"k": "y", "a": null, "b": "t"}]"#,
            "t",
        )
        .unwrap();
        let f = fold(&t, "fold", &["a".into(), "b".into()], "key", "value").unwrap();
        let col = |n: &str| -> Vec<Value> {
            let c = f.column(n).unwrap();
            (0..f.num_rows()).map(|i| c.value(i)).collect()
        };
        let s = |x: &str| Value::Str(x.into());
        assert_eq!(col("k"), vec![s("x"), s("x"), s("y"), s("y")]);
        assert_eq!(col("key"), vec![s("a"), s("b"), s("a"), s("b")]);
        assert_eq!(
            col("value"),
            vec![Value::Number(1.0), s("s"), Value::Null, s("t")]
        );
        let mut names = t.names();
        names.extend(["key", "value"]);
        assert_eq!(f.names(), names);
    }

    #[test]
    fn unknown_fields_name_the_path() {
        let t = parse_json(r#"[{"a": 1}]"#, "t").unwrap();
        let e = fold(&t, "transform[1].fold", &["b".into()], "key", "value").unwrap_err();
        assert!(e
            .to_string()
            .starts_with("transform[1].fold: no column \"b\""));
        let empty = fold(&Table::default(), "f", &["b".into()], "key", "value").unwrap();
        assert_eq!(empty.num_rows(), 0);
    }

    #[test]
    fn matches_a_row_by_row_reference() {
        let mut rng = Rng(7);
        for _ in 0..50 {
            let t = random_table(&mut rng, 12);
            let fields: Vec<String> = ["n", "b", "m"]
                .iter()
                .filter(|_| rng.below(2) == 0)
                .map(|s| s.to_string())
                .collect();
            let f = fold(&t, "fold", &fields, "key", "value").unwrap();
            assert_eq!(f.num_rows(), t.num_rows() * fields.len());
            let mut i = 0;
            for r in 0..t.num_rows() {
                for name in &fields {
                    assert_eq!(f.column("key").unwrap().value(i), Value::Str(name.clone()));
                    assert_eq!(
                        format!("{:?}", f.column("value").unwrap().value(i)),
                        format!("{:?}", t.column(name).unwrap().value(r))
                    );
                    assert_eq!(
                        f.column("g").unwrap().value(i),
                        t.column("g").unwrap().value(r)
                    );
                    i += 1;
                }
            }
        }
    }
}
