//! Top-N with "Other": keeps the largest categories of a chart and pools the rest.
//!
//! Stage: kernels (a storychart helper, not a Vega transform). News charts with dozens of
//! categories read better with the few largest named and the rest pooled. A category's total
//! is the sum of its valid measure values (or its row count without a measure); the `n`
//! largest totals keep their label, ties broken by label in ascending order (JavaScript string
//! order), and every other category becomes `other_label`. Null categories stay null.

use std::collections::HashMap;

use crate::data::{Column, StrColumn, Value};

/// Relabels every category of `category` outside the `n` largest totals of `measure` (row
/// counts when `None`) as `other_label`, returning the labels as a string column.
///
/// ```
/// use storychart::data::{kernels::top_n_other, parse::parse_json};
/// let t = parse_json(r#"[{"c": "a", "v": 1}, {"c": "b", "v": 9}, {"c": "c", "v": 5}]"#, "t").unwrap();
/// let out = top_n_other(t.column("c").unwrap(), t.column("v"), 2, "Other");
/// let labels: Vec<_> = (0..3).map(|i| out.value(i).to_label()).collect();
/// assert_eq!(labels, vec!["Other", "b", "c"]);
/// ```
pub fn top_n_other(
    category: &Column,
    measure: Option<&Column>,
    n: usize,
    other_label: &str,
) -> Column {
    let rows = category.len();
    let labels: Vec<Option<String>> = (0..rows)
        .map(|r| match category.value(r) {
            Value::Null => None,
            v => Some(v.to_label()),
        })
        .collect();
    let mut totals: HashMap<&str, f64> = HashMap::new();
    for (r, label) in labels.iter().enumerate() {
        let Some(label) = label else { continue };
        let add = match measure {
            None => 1.0,
            Some(m) => m.number(r).unwrap_or(0.0),
        };
        *totals.entry(label.as_str()).or_insert(0.0) += add;
    }
    let mut ranked: Vec<(&str, f64)> = totals.into_iter().collect();
    crate::sorting::sort_by(&mut ranked, |(a, ta), (b, tb)| {
        tb.total_cmp(ta)
            .then_with(|| a.encode_utf16().cmp(b.encode_utf16()))
    });
    let keep: HashMap<&str, ()> = ranked.iter().take(n).map(|(l, _)| (*l, ())).collect();
    let mut out = StrColumn::default();
    for label in &labels {
        out.push(
            label
                .as_deref()
                .map(|l| if keep.contains_key(l) { l } else { other_label }),
        );
    }
    Column::Str(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::kernels::test_util::{random_table, Rng};
    use crate::data::parse::parse_json;

    fn labels(c: &Column) -> Vec<Value> {
        (0..c.len()).map(|i| c.value(i)).collect()
    }

    #[test]
    fn ties_go_to_the_earlier_name_and_nulls_stay_null() {
        let t = parse_json(
            r#"[{"c": "b", "v": 5}, {"c": "a", "v": 5}, {"c": null, "v": 100},
                {"c": "c", "v": 2}, {"c": "c", "v": 4}]"#,
            "t",
        )
        .unwrap();
        let out = top_n_other(t.column("c").unwrap(), t.column("v"), 2, "Other");
        let s = |x: &str| Value::Str(x.into());
        assert_eq!(
            labels(&out),
            vec![s("Other"), s("a"), Value::Null, s("c"), s("c")]
        );
        let counts = top_n_other(t.column("c").unwrap(), None, 1, "Rest");
        assert_eq!(labels(&counts)[3], s("c"));
        assert_eq!(labels(&counts)[0], s("Rest"));
        assert!(top_n_other(&Column::Mixed(vec![]), None, 3, "O").is_empty());
    }

    #[test]
    fn matches_a_row_by_row_reference() {
        let mut rng = Rng(5);
        for _ in 0..200 {
            let t = random_table(&mut rng, 20);
            let cat = t.column("g").unwrap();
            let m = t.column("n");
            let n = rng.below(4) as usize;
            let out = top_n_other(cat, m, n, "Other");
            // Reference: for each category, count categories that beat it.
            let names: Vec<String> = (0..t.num_rows())
                .filter_map(|r| match cat.value(r) {
                    Value::Null => None,
                    v => Some(v.to_label()),
                })
                .collect();
            let total = |name: &str| -> f64 {
                (0..t.num_rows())
                    .filter(|r| cat.value(*r) != Value::Null && cat.value(*r).to_label() == name)
                    .map(|r| m.unwrap().number(r).unwrap_or(0.0))
                    .sum()
            };
            for r in 0..t.num_rows() {
                let v = cat.value(r);
                if v == Value::Null {
                    assert_eq!(out.value(r), Value::Null);
                    continue;
                }
                let name = v.to_label();
                let mut distinct = names.clone();
                crate::sorting::sort(&mut distinct);
                distinct.dedup();
                let beaten_by = distinct
                    .iter()
                    .filter(|o| {
                        let (to, tn) = (total(o), total(&name));
                        to > tn || (to == tn && o.as_str() < name.as_str())
                    })
                    .count();
                let expected = if beaten_by < n {
                    name
                } else {
                    "Other".to_string()
                };
                assert_eq!(out.value(r), Value::Str(expected));
            }
        }
    }
}
