//! Tests of `sort.rs`: Vega's comparator on literal cases, and a property test against an
//! insertion sort over `Value`s.

use super::*;
use crate::data::kernels::test_util::{random_table, Rng};
use crate::data::parse::parse_json;

fn sorted(json: &str, field: &str, order: Order) -> Vec<u32> {
    let t = parse_json(json, "t").unwrap();
    let rows: Vec<u32> = (0..t.num_rows() as u32).collect();
    sort_indices(&[(t.column(field).unwrap(), order)], &rows)
}

#[test]
fn nulls_first_then_numbers_and_descending_keeps_ties_in_row_order() {
    // Vega 6.4 (vega-util compare + stableCompare) on the same rows.
    let json = r#"[{"v": 2}, {"v": null}, {"v": -1}, {"v": 2}, {"v": 0}, {"v": null}]"#;
    assert_eq!(sorted(json, "v", Order::Ascending), vec![1, 5, 2, 4, 0, 3]);
    assert_eq!(sorted(json, "v", Order::Descending), vec![0, 3, 4, 2, 1, 5]);
}

#[test]
fn strings_compare_by_utf16_code_units() {
    let json = r#"[{"s": "b"}, {"s": "B"}, {"s": "é"}, {"s": null}, {"s": "a"}, {"s": ""}]"#;
    assert_eq!(sorted(json, "s", Order::Ascending), vec![3, 5, 1, 4, 0, 2]);
}

#[test]
fn js_ascending_follows_vega_util() {
    use Atom::*;
    let cases = [
        (Null, Num(1.0), Ordering::Less),
        (Num(f64::NAN), Num(-5.0), Ordering::Less),
        (Null, Num(f64::NAN), Ordering::Less),
        (Num(f64::NAN), Null, Ordering::Greater),
        (Str("10"), Num(9.0), Ordering::Greater),
        (Str("abc"), Num(9.0), Ordering::Equal),
        (Str("10"), Str("9"), Ordering::Less),
        (Num(-0.0), Num(0.0), Ordering::Equal),
        (Null, Null, Ordering::Equal),
        (Str(""), Null, Ordering::Greater),
        (Num(f64::NAN), Str("abc"), Ordering::Less),
    ];
    for (u, v, want) in cases {
        assert_eq!(js_ascending(u, v), want, "{u:?} vs {v:?}");
    }
}

/// The naive reference: Vega's comparator on `Value`s, insertion sort.
fn reference(t: &crate::data::Table, keys: &[(&str, Order)], rows: &[u32]) -> Vec<u32> {
    let atom = |v: &Value| -> (u8, f64, String) {
        match v {
            Value::Null => (0, 0.0, String::new()),
            Value::Bool(b) => (1, f64::from(u8::from(*b)), String::new()),
            Value::Number(n) => (1, *n, String::new()),
            Value::Str(s) => (2, 0.0, s.clone()),
        }
    };
    let cmp = |a: u32, b: u32| -> Ordering {
        for (name, order) in keys {
            let c = t.column(name).unwrap();
            let (u, v) = (c.value(a as usize), c.value(b as usize));
            let (ua, va) = (atom(&u), atom(&v));
            fn to_atom(x: &(u8, f64, String)) -> Atom<'_> {
                match x.0 {
                    0 => Atom::Null,
                    1 => Atom::Num(x.1),
                    _ => Atom::Str(&x.2),
                }
            }
            let o = js_ascending(to_atom(&ua), to_atom(&va));
            let o = if *order == Order::Descending {
                o.reverse()
            } else {
                o
            };
            if o != Ordering::Equal {
                return o;
            }
        }
        a.cmp(&b)
    };
    let mut out: Vec<u32> = Vec::new();
    for &r in rows {
        let pos = out
            .iter()
            .position(|&x| cmp(r, x) == Ordering::Less)
            .unwrap_or(out.len());
        out.insert(pos, r);
    }
    out
}

#[test]
fn matches_an_insertion_sort_on_typed_columns() {
    let mut rng = Rng(3);
    for _ in 0..300 {
        let t = random_table(&mut rng, 30);
        let names = ["g", "n", "b"];
        let k = 1 + rng.below(3) as usize;
        let keys: Vec<(&str, Order)> = (0..k)
            .map(|_| {
                let name = names[rng.below(3) as usize];
                let order = if rng.below(2) == 0 {
                    Order::Ascending
                } else {
                    Order::Descending
                };
                (name, order)
            })
            .collect();
        let cols: Vec<(&Column, Order)> = keys
            .iter()
            .map(|(n, o)| (t.column(n).unwrap(), *o))
            .collect();
        let rows: Vec<u32> = (0..t.num_rows() as u32)
            .filter(|_| rng.below(4) != 0)
            .collect();
        assert_eq!(sort_indices(&cols, &rows), reference(&t, &keys, &rows));
    }
}

#[test]
fn mixed_columns_never_panic_and_keep_every_row() {
    let mut rng = Rng(9);
    for _ in 0..300 {
        let t = random_table(&mut rng, 40);
        let rows: Vec<u32> = (0..t.num_rows() as u32).collect();
        let mut out = sort_indices(&[(t.column("m").unwrap(), Order::Ascending)], &rows);
        out.sort_unstable();
        assert_eq!(out, rows);
    }
    assert!(sort_indices(&[], &[]).is_empty());
    // Rows past the column's end read as null and sort first.
    let t = parse_json(r#"[{"v": 1}]"#, "t").unwrap();
    assert_eq!(
        sort_indices(&[(t.column("v").unwrap(), Order::Ascending)], &[0, 7]),
        vec![7, 0]
    );
}
