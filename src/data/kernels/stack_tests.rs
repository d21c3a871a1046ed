//! Tests of `stack.rs`: every offset with and without sort keys against Vega 6.4 (the
//! literal tables below were computed in Node with Vega's `stack` transform over `DATA`), and
//! a property test against a naive per-row reference.

use super::*;
use crate::data::kernels::group_by;
use crate::data::kernels::test_util::{random_table, Rng};
use crate::data::parse::parse_json;

const DATA: &str = r#"[{"k":"A","c":"y","v":3},{"k":"A","c":"x","v":0.1},{"k":"B","c":"x","v":-2},
{"k":"A","c":"z","v":null},{"k":"B","c":"y","v":0.7},{"k":"A","c":"x","v":-0.2},
{"k":null,"c":"x","v":5},{"k":"B","c":null,"v":0.3},{"k":"A","c":"y","v":0.3},
{"k":"C","c":"x","v":0},{"k":"B","c":"z","v":1.1}]"#;

type Case = (
    StackOffset,
    bool,
    &'static [(&'static str, Order)],
    &'static [Option<f64>],
    &'static [Option<f64>],
);

#[rustfmt::skip]
const VEGA: &[Case] = &[
    (StackOffset::Zero, false, &[],
     &[Some(0.0), Some(3.0), Some(0.0), Some(3.1), Some(3.1), Some(-2.0), Some(3.8), Some(8.8), Some(9.100000000000001), Some(9.400000000000002), Some(9.400000000000002)],
     &[Some(3.0), Some(3.1), Some(-2.0), Some(3.1), Some(3.8), Some(-2.2), Some(8.8), Some(9.100000000000001), Some(9.400000000000002), Some(9.400000000000002), Some(10.500000000000002)]),
    (StackOffset::Zero, false, &[("c", Order::Ascending)],
     &[Some(5.4), Some(0.3), Some(0.0), Some(9.4), Some(8.4), Some(-2.0), Some(0.4), Some(0.0), Some(9.1), Some(5.4), Some(9.4)],
     &[Some(8.4), Some(0.4), Some(-2.0), Some(9.4), Some(9.1), Some(-2.2), Some(5.4), Some(0.3), Some(9.4), Some(5.4), Some(10.5)]),
    (StackOffset::Zero, false, &[("c", Order::Descending), ("v", Order::Ascending)],
     &[Some(2.1), Some(5.1), Some(0.0), Some(0.0), Some(1.4000000000000001), Some(-2.0), Some(5.199999999999999), Some(10.2), Some(1.1), Some(5.1), Some(0.0)],
     &[Some(5.1), Some(5.199999999999999), Some(-2.0), Some(0.0), Some(2.1), Some(-2.2), Some(10.2), Some(10.5), Some(1.4000000000000001), Some(5.1), Some(1.1)]),
    (StackOffset::Zero, true, &[],
     &[Some(0.0), Some(3.0), Some(0.0), Some(3.1), Some(0.0), Some(0.0), Some(0.0), Some(0.7), Some(3.1), Some(0.0), Some(1.0)],
     &[Some(3.0), Some(3.1), Some(-2.0), Some(3.1), Some(0.7), Some(-0.2), Some(5.0), Some(1.0), Some(3.4), Some(0.0), Some(2.1)]),
    (StackOffset::Zero, true, &[("c", Order::Ascending)],
     &[Some(0.1), Some(0.0), Some(0.0), Some(3.4), Some(0.3), Some(0.0), Some(0.0), Some(0.0), Some(3.1), Some(0.0), Some(1.0)],
     &[Some(3.1), Some(0.1), Some(-2.0), Some(3.4), Some(1.0), Some(-0.2), Some(5.0), Some(0.3), Some(3.4), Some(0.0), Some(2.1)]),
    (StackOffset::Zero, true, &[("c", Order::Descending), ("v", Order::Ascending)],
     &[Some(0.3), Some(3.3), Some(0.0), Some(0.0), Some(1.1), Some(0.0), Some(0.0), Some(1.8), Some(0.0), Some(0.0), Some(0.0)],
     &[Some(3.3), Some(3.4), Some(-2.0), Some(0.0), Some(1.8), Some(-0.2), Some(5.0), Some(2.1), Some(0.3), Some(0.0), Some(1.1)]),
    (StackOffset::Center, false, &[],
     &[Some(0.0), Some(3.0), Some(3.1), Some(5.1), Some(5.1), Some(5.8), Some(6.0), Some(11.0), Some(11.3), Some(11.600000000000001), Some(11.600000000000001)],
     &[Some(3.0), Some(3.1), Some(5.1), Some(5.1), Some(5.8), Some(6.0), Some(11.0), Some(11.3), Some(11.600000000000001), Some(11.600000000000001), Some(12.700000000000001)]),
    (StackOffset::Center, false, &[("c", Order::Ascending)],
     &[Some(7.6), Some(0.3), Some(0.4), Some(11.6), Some(10.6), Some(2.4), Some(2.6), Some(0.0), Some(11.299999999999999), Some(7.6), Some(11.6)],
     &[Some(10.6), Some(0.4), Some(2.4), Some(11.6), Some(11.299999999999999), Some(2.6), Some(7.6), Some(0.3), Some(11.6), Some(7.6), Some(12.7)]),
    (StackOffset::Center, false, &[("c", Order::Descending), ("v", Order::Ascending)],
     &[Some(2.1), Some(7.3), Some(5.1), Some(0.0), Some(1.4000000000000001), Some(7.1), Some(7.3999999999999995), Some(12.399999999999999), Some(1.1), Some(7.3), Some(0.0)],
     &[Some(5.1), Some(7.3999999999999995), Some(7.1), Some(0.0), Some(2.1), Some(7.3), Some(12.399999999999999), Some(12.7), Some(1.4000000000000001), Some(7.3), Some(1.1)]),
    (StackOffset::Center, true, &[],
     &[Some(0.7), Some(3.7), Some(0.4500000000000002), Some(3.8000000000000003), Some(2.45), Some(3.8000000000000003), Some(0.0), Some(3.1500000000000004), Some(4.0), Some(2.5), Some(3.45)],
     &[Some(3.7), Some(3.8000000000000003), Some(2.45), Some(3.8000000000000003), Some(3.1500000000000004), Some(4.0), Some(5.0), Some(3.45), Some(4.3), Some(2.5), Some(4.550000000000001)]),
    (StackOffset::Center, true, &[("c", Order::Ascending)],
     &[Some(1.0), Some(0.7), Some(0.7500000000000002), Some(4.3), Some(2.75), Some(0.7999999999999999), Some(0.0), Some(0.4500000000000002), Some(4.0), Some(2.5), Some(3.45)],
     &[Some(4.0), Some(0.7999999999999999), Some(2.75), Some(4.3), Some(3.45), Some(1.0), Some(5.0), Some(0.7500000000000002), Some(4.3), Some(2.5), Some(4.550000000000001)]),
    (StackOffset::Center, true, &[("c", Order::Descending), ("v", Order::Ascending)],
     &[Some(1.0), Some(4.2), Some(2.25), Some(0.7), Some(1.5500000000000003), Some(4.0), Some(0.0), Some(4.25), Some(0.7), Some(2.5), Some(0.4500000000000002)],
     &[Some(4.0), Some(4.3), Some(4.25), Some(0.7), Some(2.25), Some(4.2), Some(5.0), Some(4.55), Some(1.0), Some(2.5), Some(1.5500000000000003)]),
    (StackOffset::Normalize, false, &[],
     &[Some(0.0), Some(0.23622047244094488), Some(0.2440944881889764), Some(0.40157480314960625), Some(0.40157480314960625), Some(0.45669291338582674), Some(0.47244094488188976), Some(0.8661417322834646), Some(0.8897637795275591), Some(0.9133858267716537), Some(0.9133858267716537)],
     &[Some(0.23622047244094488), Some(0.2440944881889764), Some(0.40157480314960625), Some(0.40157480314960625), Some(0.45669291338582674), Some(0.47244094488188976), Some(0.8661417322834646), Some(0.8897637795275591), Some(0.9133858267716537), Some(0.9133858267716537), Some(1.0)]),
    (StackOffset::Normalize, false, &[("c", Order::Ascending)],
     &[Some(0.5984251968503936), Some(0.023622047244094488), Some(0.031496062992125984), Some(0.9133858267716535), Some(0.8346456692913385), Some(0.1889763779527559), Some(0.2047244094488189), Some(0.0), Some(0.8897637795275589), Some(0.5984251968503936), Some(0.9133858267716535)],
     &[Some(0.8346456692913385), Some(0.031496062992125984), Some(0.1889763779527559), Some(0.9133858267716535), Some(0.8897637795275589), Some(0.2047244094488189), Some(0.5984251968503936), Some(0.023622047244094488), Some(0.9133858267716535), Some(0.5984251968503936), Some(0.9999999999999999)]),
    (StackOffset::Normalize, false, &[("c", Order::Descending), ("v", Order::Ascending)],
     &[Some(0.16535433070866143), Some(0.5748031496062992), Some(0.40157480314960625), Some(0.0), Some(0.11023622047244096), Some(0.5590551181102362), Some(0.5826771653543307), Some(0.9763779527559053), Some(0.08661417322834647), Some(0.5748031496062992), Some(0.0)],
     &[Some(0.40157480314960625), Some(0.5826771653543307), Some(0.5590551181102362), Some(0.0), Some(0.16535433070866143), Some(0.5748031496062992), Some(0.9763779527559053), Some(0.9999999999999999), Some(0.11023622047244096), Some(0.5748031496062992), Some(0.08661417322834647)]),
    (StackOffset::Normalize, true, &[],
     &[Some(0.0), Some(0.8333333333333334), Some(0.0), Some(0.8611111111111112), Some(0.48780487804878053), Some(0.8611111111111112), Some(0.0), Some(0.6585365853658538), Some(0.9166666666666667), Some(0.0), Some(0.7317073170731708)],
     &[Some(0.8333333333333334), Some(0.8611111111111112), Some(0.48780487804878053), Some(0.8611111111111112), Some(0.6585365853658538), Some(0.9166666666666667), Some(1.0), Some(0.7317073170731708), Some(1.0), None, Some(1.0)]),
    (StackOffset::Normalize, true, &[("c", Order::Ascending)],
     &[Some(0.08333333333333334), Some(0.0), Some(0.07317073170731708), Some(1.0), Some(0.5609756097560976), Some(0.02777777777777778), Some(0.0), Some(0.0), Some(0.9166666666666666), Some(0.0), Some(0.7317073170731708)],
     &[Some(0.9166666666666666), Some(0.02777777777777778), Some(0.5609756097560976), Some(1.0), Some(0.7317073170731708), Some(0.08333333333333334), Some(1.0), Some(0.07317073170731708), Some(1.0), None, Some(1.0)]),
    (StackOffset::Normalize, true, &[("c", Order::Descending), ("v", Order::Ascending)],
     &[Some(0.08333333333333333), Some(0.9722222222222223), Some(0.4390243902439025), Some(0.0), Some(0.26829268292682934), Some(0.9166666666666666), Some(0.0), Some(0.926829268292683), Some(0.0), Some(0.0), Some(0.0)],
     &[Some(0.9166666666666666), Some(1.0), Some(0.926829268292683), Some(0.0), Some(0.4390243902439025), Some(0.9722222222222223), Some(1.0), Some(1.0), Some(0.08333333333333333), None, Some(0.26829268292682934)]),
];

#[test]
fn every_offset_matches_vega() {
    let t = parse_json(DATA, "t").unwrap();
    let n = t.num_rows();
    for (offset, grouped, sort, y0, y1) in VEGA {
        let groups = if *grouped {
            group_by(&[t.column("k").unwrap()], n)
        } else {
            group_by(&[], n)
        };
        let keys: Vec<(&Column, Order)> = sort
            .iter()
            .map(|(f, o)| (t.column(f).unwrap(), *o))
            .collect();
        let (start, end) = stack(t.column("v").unwrap(), &groups, &keys, *offset);
        let start: Vec<Option<f64>> = (0..n).map(|i| start.get(i)).collect();
        let end: Vec<Option<f64>> = (0..n).map(|i| end.get(i)).collect();
        assert_eq!(&start, y0, "{offset:?} grouped {grouped} sort {sort:?}");
        assert_eq!(&end, y1, "{offset:?} grouped {grouped} sort {sort:?}");
    }
}

#[test]
fn offsets_parse_and_degenerate_input_does_not_panic() {
    assert_eq!(StackOffset::from_name("center"), Some(StackOffset::Center));
    assert_eq!(StackOffset::from_name("silhouette"), None);
    let empty = Column::Mixed(Vec::new());
    for offset in [
        StackOffset::Zero,
        StackOffset::Center,
        StackOffset::Normalize,
    ] {
        let (s, e) = stack(
            &empty,
            &group_by(&[], 0),
            &[(&empty, Order::Ascending)],
            offset,
        );
        assert!(s.values.is_empty() && e.values.is_empty());
        // All null: zero stacks at 0; normalize divides by a zero sum (NaN, stored as null).
        let nulls = Column::Mixed(vec![Value::Null, Value::Null]);
        let (s, e) = stack(&nulls, &group_by(&[], 2), &[], offset);
        match offset {
            StackOffset::Normalize => assert_eq!((s.get(0), e.get(0)), (Some(0.0), None)),
            _ => assert_eq!((s.get(1), e.get(1)), (Some(0.0), Some(0.0))),
        }
    }
    // A non-numeric string is NaN in JavaScript and poisons the running total.
    let s = Column::Mixed(vec![Value::Str("x".into()), Value::Number(1.0)]);
    let (_, e) = stack_zero(&s, &group_by(&[], 2));
    assert_eq!((e.get(0), e.get(1)), (None, None));
}

/// The naive reference: per row, walk its group in sorted order from scratch.
fn reference(
    t: &crate::data::Table,
    sort: &[(&Column, Order)],
    offset: StackOffset,
) -> Vec<(f64, f64)> {
    let n = t.num_rows();
    let g = t.column("g").unwrap();
    let v = t.column("n").unwrap();
    let plus = |r: usize| v.number(r).unwrap_or(0.0);
    let cmp = RowComparator::new(sort);
    let group_of =
        |r: usize| -> Vec<usize> { (0..n).filter(|q| g.value(*q) == g.value(r)).collect() };
    let max = (0..n)
        .map(|r| group_of(r).iter().fold(0.0, |s, q| s + plus(*q).abs()))
        .fold(0.0f64, f64::max);
    (0..n)
        .map(|r| {
            let members = group_of(r);
            let sum = members.iter().fold(0.0, |s, q| s + plus(*q).abs());
            let mut order: Vec<usize> = Vec::new();
            for q in members {
                let pos = order
                    .iter()
                    .position(|x| cmp.compare_stable(q as u32, *x as u32).is_lt())
                    .unwrap_or(order.len());
                order.insert(pos, q);
            }
            let before = &order[..order.iter().position(|q| *q == r).unwrap()];
            match offset {
                StackOffset::Zero => {
                    let same_sign = |q: &&usize| (plus(**q) < 0.0) == (plus(r) < 0.0);
                    let y0 = before
                        .iter()
                        .filter(same_sign)
                        .fold(0.0, |s, q| s + plus(*q));
                    (y0, y0 + plus(r))
                }
                StackOffset::Center => {
                    let y0 = before
                        .iter()
                        .fold((max - sum) / 2.0, |s, q| s + plus(*q).abs());
                    (y0, y0 + plus(r).abs())
                }
                StackOffset::Normalize => {
                    let acc = before.iter().fold(0.0, |s, q| s + plus(*q).abs());
                    let y0 = if before.is_empty() {
                        0.0
                    } else {
                        acc * (1.0 / sum)
                    };
                    (y0, (acc + plus(r).abs()) * (1.0 / sum))
                }
            }
        })
        .collect()
}

#[test]
fn matches_a_naive_reference_on_random_tables() {
    let mut rng = Rng(17);
    for _ in 0..200 {
        let t = random_table(&mut rng, 14);
        let groups = group_by(&[t.column("g").unwrap()], t.num_rows());
        let sort: Vec<(&Column, Order)> = match rng.below(3) {
            0 => vec![],
            1 => vec![(t.column("b").unwrap(), Order::Descending)],
            _ => vec![
                (t.column("n").unwrap(), Order::Ascending),
                (t.column("m").unwrap(), Order::Descending),
            ],
        };
        for offset in [
            StackOffset::Zero,
            StackOffset::Center,
            StackOffset::Normalize,
        ] {
            let (s, e) = stack(t.column("n").unwrap(), &groups, &sort, offset);
            for (r, (y0, y1)) in reference(&t, &sort, offset).into_iter().enumerate() {
                let close = |a: Option<f64>, b: f64| match a {
                    None => b.is_nan(),
                    Some(a) => (a - b).abs() <= 1e-12 * b.abs().max(1.0),
                };
                assert!(
                    close(s.get(r), y0) && close(e.get(r), y1),
                    "{offset:?} row {r}: {:?} {:?} vs {y0} {y1}",
                    s.get(r),
                    e.get(r)
                );
            }
        }
    }
}
