//! Tests of the aggregate ops: Vega's own results (computed with vega 6.4.0 in Node, stored
//! bit-exact in `vega_oracle.json`), a naive row-by-row reference written from
//! `AggregateOps.js` on random tables, and edge cases that must not panic.

use std::collections::HashSet;

use super::*;
use crate::data::kernels::group_by;
use crate::data::parse::parse_json;
use crate::data::{StrColumn, Value};

fn num_col(values: &[Option<f64>]) -> Column {
    Column::Number(NumberColumn::from_options(values.iter().copied()))
}

fn str_col(values: &[Option<&str>]) -> Column {
    let mut c = StrColumn::default();
    for v in values {
        c.push(*v);
    }
    Column::Str(c)
}

fn opts(c: &NumberColumn) -> Vec<Option<f64>> {
    (0..c.values.len()).map(|i| c.get(i)).collect()
}

fn bits(v: &[Option<f64>]) -> Vec<Option<u64>> {
    v.iter().map(|x| x.map(f64::to_bits)).collect()
}

// ---------------------------------------------------------------------------------------------
// Vega oracle

fn from_hex(v: &serde_json::Value) -> Option<f64> {
    v.as_str()
        .map(|s| f64::from_bits(u64::from_str_radix(s, 16).unwrap()))
}

#[test]
fn every_numeric_op_equals_vega_bit_for_bit() {
    let cases: serde_json::Value = serde_json::from_str(include_str!("vega_oracle.json")).unwrap();
    for case in cases.as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let keys: Vec<Option<&str>> = case["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str())
            .collect();
        let values: Vec<Option<f64>> = case["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(from_hex)
            .collect();
        let key = str_col(&keys);
        let col = num_col(&values);
        let groups = group_by(&[&key], keys.len());
        let order: Vec<&str> = groups.first_row.iter().map(|r| keys[*r].unwrap()).collect();
        let vega_groups: Vec<&str> = case["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g.as_str().unwrap())
            .collect();
        assert_eq!(order, vega_groups, "{name}: group order");
        for (op_name, expected) in case["expected"].as_object().unwrap() {
            let op = AggregateOp::from_name(op_name).unwrap();
            let expected: Vec<Option<f64>> =
                expected.as_array().unwrap().iter().map(from_hex).collect();
            // Vega writes NaN results (e.g. median with infinities) as NaN; our column nulls them.
            let expected: Vec<Option<f64>> =
                expected.iter().map(|x| x.filter(|v| !v.is_nan())).collect();
            let got = opts(&aggregate(Some(&col), &groups, op));
            assert_eq!(
                bits(&got),
                bits(&expected),
                "{name}: {op_name}\n{got:?}\n{expected:?}"
            );
        }
        for (op, field) in [
            (AggregateOp::Argmin, "argmin"),
            (AggregateOp::Argmax, "argmax"),
        ] {
            let expected: Vec<Option<u32>> = case[field]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().map(|r| r as u32))
                .collect();
            assert_eq!(
                aggregate_rows(Some(&col), &groups, op),
                expected,
                "{name}: {field}"
            );
        }
    }
}

#[test]
fn vega_quirks_on_mixed_and_text_values() {
    // Computed with vega 6.4.0: groups a: [null, null]; b: [1, "", NaN, undefined];
    // c: ["10", "9", "x"].
    let col = Column::Mixed(vec![
        Value::Null,
        Value::Null,
        Value::Number(1.0),
        Value::Str(String::new()),
        Value::Number(f64::NAN),
        Value::Null,
        Value::Str("10".into()),
        Value::Str("9".into()),
        Value::Str("x".into()),
    ]);
    let key = str_col(&[
        Some("a"),
        Some("a"),
        Some("b"),
        Some("b"),
        Some("b"),
        Some("b"),
        Some("c"),
        Some("c"),
        Some("c"),
    ]);
    let g = group_by(&[&key], 9);
    let run = |op| opts(&aggregate(Some(&col), &g, op));
    use AggregateOp as A;
    assert_eq!(run(A::Count), [Some(2.0), Some(4.0), Some(3.0)]);
    assert_eq!(run(A::Valid), [Some(0.0), Some(1.0), Some(3.0)]);
    assert_eq!(run(A::Missing), [Some(2.0), Some(2.0), Some(0.0)]);
    // b: "1", "", "NaN" and "undefined" (here "null").
    assert_eq!(run(A::Distinct), [Some(1.0), Some(4.0), Some(3.0)]);
    assert_eq!(run(A::Sum), [None, Some(1.0), None]); // c: NaN
    assert_eq!(run(A::Median), [None, Some(1.0), Some(9.5)]);
    assert_eq!(run(A::Q1), [None, Some(1.0), Some(9.25)]);
    assert_eq!(run(A::VarianceP), [None, Some(0.0), None]);
    assert_eq!(run(A::Variance), [None, None, None]);
    // Vega: min "10" (text order), max "x" (NaN as a number).
    assert_eq!(run(A::Min), [None, Some(1.0), Some(10.0)]);
    assert_eq!(run(A::Max), [None, Some(1.0), None]);
    // Vega: argmin of b is the "" row (extentIndex fallback); argmin of a is {}.
    assert_eq!(
        aggregate_rows(Some(&col), &g, A::Argmin),
        [None, Some(3), Some(6)]
    );
    assert_eq!(
        aggregate_rows(Some(&col), &g, A::Argmax),
        [None, Some(2), Some(8)]
    );
}

#[test]
fn names_round_trip_and_summative_ops_follow_vega_lite() {
    for op in AggregateOp::all() {
        assert_eq!(AggregateOp::from_name(op.name()), Some(op));
    }
    assert_eq!(AggregateOp::all().count(), 25);
    assert_eq!(AggregateOp::from_name("avg"), None);
    let summative: Vec<&str> = AggregateOp::all()
        .filter(|op| op.is_summative())
        .map(AggregateOp::name)
        .collect();
    assert_eq!(summative, ["count", "distinct", "missing", "sum", "valid"]);
}

#[test]
fn existing_behaviour_on_parsed_json() {
    let t = parse_json(
        r#"[{"k": "a", "v": 3}, {"k": "b", "v": null}, {"k": "a", "v": -1},
            {"k": "a", "v": null}, {"k": "c", "v": "7"}]"#,
        "t",
    )
    .unwrap();
    let g = group_by(&[t.column("k").unwrap()], t.num_rows());
    let run = |op| opts(&aggregate(t.column("v"), &g, op));
    assert_eq!(run(AggregateOp::Count), [Some(3.0), Some(1.0), Some(1.0)]);
    assert_eq!(run(AggregateOp::Sum), [Some(2.0), None, Some(7.0)]);
    assert_eq!(run(AggregateOp::Mean), [Some(1.0), None, Some(7.0)]);
    assert_eq!(run(AggregateOp::Min), [Some(-1.0), None, Some(7.0)]);
    assert_eq!(run(AggregateOp::Max), [Some(3.0), None, Some(7.0)]);
}

#[test]
fn exponential_follows_vegas_recurrence() {
    let col = num_col(&[Some(1.0), None, Some(2.0), Some(4.0)]);
    let g = group_by(&[], 4);
    let r: f64 = 0.3;
    let mut e = 0.0;
    for v in [1.0, 2.0, 4.0] {
        e = r * e + v;
    }
    let got = aggregate_with_param(Some(&col), &g, AggregateOp::Exponential, Some(r));
    assert_eq!(got.get(0), Some(e * (1.0 - r) / (1.0 - r.powf(3.0))));
    let got = aggregate_with_param(Some(&col), &g, AggregateOp::ExponentialB, Some(r));
    assert_eq!(got.get(0), Some(e * (1.0 - r)));
    // Vega-Lite passes no parameter: Vega computes NaN.
    assert_eq!(
        aggregate(Some(&col), &g, AggregateOp::Exponential).get(0),
        None
    );
}

#[test]
fn ci_is_deterministic_and_brackets_the_mean() {
    let col = num_col(&(0..50).map(|i| Some(f64::from(i))).collect::<Vec<_>>());
    let g = group_by(&[], 50);
    let lo = aggregate(Some(&col), &g, AggregateOp::Ci0).get(0).unwrap();
    let hi = aggregate(Some(&col), &g, AggregateOp::Ci1).get(0).unwrap();
    assert!(lo < 24.5 && 24.5 < hi && hi - lo < 15.0, "{lo} {hi}");
    assert_eq!(aggregate(Some(&col), &g, AggregateOp::Ci0).get(0), Some(lo));
}

// ---------------------------------------------------------------------------------------------
// Naive reference: Vega's AggregateOps.js, one row at a time, on `Value`s.

fn js_num(v: &Value) -> f64 {
    match v {
        Value::Null => 0.0,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Number(n) => *n,
        Value::Str(s) => cells::js_number(s),
    }
}

fn js_lt(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => x.encode_utf16().lt(y.encode_utf16()),
        _ => js_num(a) < js_num(b),
    }
}

fn js_string(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => crate::data::value::js_number_string(*n),
        Value::Str(s) => s.clone(),
    }
}

/// Vega's result for one group's values.
fn reference(rows: &[Value], op: AggregateOp) -> Option<f64> {
    let missing =
        |v: &Value| matches!(v, Value::Null) || matches!(v, Value::Str(s) if s.is_empty());
    let skip = |v: &Value| matches!(v, Value::Number(n) if n.is_nan());
    let valid: Vec<&Value> = rows.iter().filter(|v| !missing(v) && !skip(v)).collect();
    let nums: Vec<f64> = valid.iter().map(|v| js_num(v)).collect();
    let n = nums.len() as f64;
    let (mut mean, mut dev, mut k) = (0.0, 0.0, 0.0);
    for v in &nums {
        k += 1.0;
        let d = v - mean;
        mean += d / k;
        dev += d * (v - mean);
    }
    let dev0 = if dev.is_nan() { dev } else { dev.max(0.0) };
    let mut sorted: Vec<f64> = nums.iter().copied().filter(|x| !x.is_nan()).collect();
    sorted.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let some = |x: f64| (n > 0.0).then_some(x);
    use AggregateOp as A;
    match op {
        A::Count => Some(rows.len() as f64),
        A::Valid => Some(n),
        A::Missing => Some(rows.iter().filter(|v| missing(v)).count() as f64),
        A::Distinct => Some(rows.iter().map(js_string).collect::<HashSet<_>>().len() as f64),
        A::Sum => some(nums.iter().fold(0.0, |a, v| a + v)),
        A::Product => some(nums.iter().fold(1.0, |a, v| a * v)),
        A::Mean | A::Average => some(mean),
        A::Variance => (n > 1.0).then(|| dev0 / (n - 1.0)),
        A::VarianceP => some(dev0 / n),
        A::Stdev => (n > 1.0).then(|| (dev0 / (n - 1.0)).sqrt()),
        A::StdevP => some((dev0 / n).sqrt()),
        A::Stderr => (n > 1.0).then(|| (dev0 / (n * (n - 1.0))).sqrt()),
        A::Median => crate::data::kernels::quantile::quantile_sorted(&sorted, 0.5),
        A::Q1 => crate::data::kernels::quantile::quantile_sorted(&sorted, 0.25),
        A::Q3 => crate::data::kernels::quantile::quantile_sorted(&sorted, 0.75),
        A::Min | A::Max => {
            let mut best: Option<&Value> = None;
            for v in &valid {
                let better = match best {
                    None => true,
                    Some(b) if op == A::Min => js_lt(v, b),
                    Some(b) => js_lt(b, v),
                };
                if better {
                    best = Some(v);
                }
            }
            best.map(js_num)
        }
        _ => None,
    }
    .filter(|x| !x.is_nan())
}

/// A small deterministic generator for the property tests.
struct Prng(u64);

impl Prng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn random_number(r: &mut Prng) -> Option<f64> {
    match r.below(20) {
        0 | 1 => None,
        2 => Some(0.0),
        3 => Some(-0.0),
        4 => Some(f64::INFINITY),
        5 => Some(f64::NEG_INFINITY),
        6..=9 => Some(r.below(5) as f64),
        _ => Some((r.below(2_000_000) as f64 - 1e6) / 997.0),
    }
}

fn random_value(r: &mut Prng) -> Value {
    match r.below(12) {
        0 => Value::Null,
        1 => Value::Str(String::new()),
        2 => Value::Number(f64::NAN),
        3 => Value::Bool(r.below(2) == 1),
        4 => Value::Str(["abc", "10", "9", " 3 ", "null", "1e2"][r.below(6) as usize].into()),
        _ => random_number(r).map_or(Value::Null, Value::Number),
    }
}

fn random_column(r: &mut Prng, rows: usize) -> Column {
    match r.below(3) {
        0 => num_col(&(0..rows).map(|_| random_number(r)).collect::<Vec<_>>()),
        1 => {
            let words = ["", "7", "x", "12.5", "null", "-3", "Infinity"];
            let v: Vec<Option<&str>> = (0..rows)
                .map(|_| (r.below(6) != 0).then(|| words[r.below(words.len() as u64) as usize]))
                .collect();
            str_col(&v)
        }
        _ => Column::Mixed((0..rows).map(|_| random_value(r)).collect()),
    }
}

#[test]
fn every_op_matches_the_naive_reference_on_random_tables() {
    let mut r = Prng(0x9E37_79B9_7F4A_7C15);
    let numeric: Vec<AggregateOp> = AggregateOp::all()
        .filter(|op| {
            op.is_numeric()
                && !matches!(
                    op,
                    AggregateOp::Ci0
                        | AggregateOp::Ci1
                        | AggregateOp::Exponential
                        | AggregateOp::ExponentialB
                )
        })
        .collect();
    for round in 0..300 {
        let rows = r.below(60) as usize;
        let nkeys = 1 + r.below(6);
        let keys: Vec<Option<String>> = (0..rows)
            .map(|_| (r.below(8) != 0).then(|| format!("k{}", r.below(nkeys))))
            .collect();
        let key = str_col(&keys.iter().map(Option::as_deref).collect::<Vec<_>>());
        let col = random_column(&mut r, rows);
        let mut groups = group_by(&[&key], rows);
        // Sometimes add empty groups (no rows), as a cross product would.
        let extra = r.below(3) as usize;
        groups.first_row.extend(std::iter::repeat_n(0, extra));
        let n = groups.len();
        let members: Vec<Vec<Value>> = (0..n)
            .map(|g| {
                (0..rows)
                    .filter(|row| groups.row_group[*row] as usize == g)
                    .map(|row| col.value(row))
                    .collect()
            })
            .collect();
        for op in &numeric {
            let got = opts(&aggregate(Some(&col), &groups, *op));
            let want: Vec<Option<f64>> = members.iter().map(|m| reference(m, *op)).collect();
            assert_eq!(bits(&got), bits(&want), "round {round} {op:?} {col:?}");
        }
        let values = aggregate_values(&groups);
        for (g, rows_of_g) in values.iter().enumerate() {
            assert_eq!(rows_of_g.len(), members[g].len());
            assert!(rows_of_g
                .iter()
                .all(|row| groups.row_group[*row as usize] as usize == g));
        }
    }
}

#[test]
fn argmin_and_argmax_of_numbers_are_the_first_extreme_row() {
    let mut r = Prng(42);
    for _ in 0..200 {
        let rows = r.below(40) as usize;
        let values: Vec<Option<f64>> = (0..rows).map(|_| random_number(&mut r)).collect();
        let keys: Vec<Option<&str>> = (0..rows)
            .map(|_| Some(["a", "b", "c"][r.below(3) as usize]))
            .collect();
        let key = str_col(&keys);
        let col = num_col(&values);
        let groups = group_by(&[&key], rows);
        for (op, min) in [(AggregateOp::Argmin, true), (AggregateOp::Argmax, false)] {
            let got = aggregate_rows(Some(&col), &groups, op);
            for (g, row) in got.iter().enumerate() {
                let mut best: Option<(usize, f64)> = None;
                for (i, v) in values.iter().enumerate() {
                    let (Some(v), true) = (v, groups.row_group[i] as usize == g) else {
                        continue;
                    };
                    if best.is_none_or(|(_, b)| if min { *v < b } else { *v > b }) {
                        best = Some((i, *v));
                    }
                }
                assert_eq!(*row, best.map(|(i, _)| i as u32));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Edges

#[test]
fn empty_and_degenerate_inputs_do_not_panic() {
    let empty = Groups::default();
    let col = num_col(&[]);
    for op in AggregateOp::all() {
        assert!(aggregate(Some(&col), &empty, op).values.is_empty());
        assert!(aggregate(None, &empty, op).values.is_empty());
        assert!(aggregate_rows(Some(&col), &empty, op).is_empty());
    }
    // All null, infinities, a column shorter than the groups, and no column at all.
    let all_null = num_col(&[None, None, None]);
    let inf = num_col(&[
        Some(f64::INFINITY),
        Some(f64::NEG_INFINITY),
        Some(f64::INFINITY),
    ]);
    let short = num_col(&[Some(1.0)]);
    let g = Groups {
        row_group: vec![0, 1, 0, 7],
        first_row: vec![0, 1],
    };
    for op in AggregateOp::all() {
        for c in [Some(&all_null), Some(&inf), Some(&short), None] {
            let out = aggregate_with_param(c, &g, op, Some(0.5));
            assert_eq!(out.values.len(), 2);
            assert_eq!(aggregate_rows(c, &g, op).len(), 2);
        }
    }
    let mean = aggregate(Some(&inf), &g, AggregateOp::Mean);
    // inf then inf: d = inf - inf = NaN, as in Vega.
    assert_eq!(mean.get(0), None);
    assert_eq!(mean.get(1), Some(f64::NEG_INFINITY));
    assert_eq!(
        aggregate(Some(&all_null), &g, AggregateOp::Missing).get(0),
        Some(2.0)
    );
    assert_eq!(
        aggregate(Some(&short), &g, AggregateOp::Missing).get(0),
        Some(1.0)
    );
}

#[test]
#[ignore = "slow in debug builds: 1M distinct groups"]
fn a_million_distinct_groups() {
    let rows = 1_000_000;
    let col = num_col(&(0..rows).map(|i| Some(i as f64)).collect::<Vec<_>>());
    let groups = Groups {
        row_group: (0..rows as u32).collect(),
        first_row: (0..rows).collect(),
    };
    for op in [
        AggregateOp::Count,
        AggregateOp::Sum,
        AggregateOp::Mean,
        AggregateOp::Median,
        AggregateOp::Distinct,
        AggregateOp::Min,
        AggregateOp::Stdev,
    ] {
        let out = aggregate(Some(&col), &groups, op);
        assert_eq!(out.values.len(), rows);
    }
}

#[test]
#[ignore = "micro-benchmark: run with --release -- --ignored --nocapture"]
fn bench_one_million_rows_ten_groups() {
    let rows = 1_000_000usize;
    let mut r = Prng(7);
    let col = num_col(
        &(0..rows)
            .map(|_| Some(r.below(1_000_000) as f64 / 7.0))
            .collect::<Vec<_>>(),
    );
    let with_nulls = num_col(
        &(0..rows)
            .map(|_| (r.below(10) != 0).then(|| r.below(1000) as f64))
            .collect::<Vec<_>>(),
    );
    let groups = Groups {
        row_group: (0..rows).map(|_| r.below(10) as u32).collect(),
        first_row: (0..10).collect(),
    };
    for (label, c) in [("no nulls", &col), ("10% nulls", &with_nulls)] {
        for op in [
            AggregateOp::Count,
            AggregateOp::Sum,
            AggregateOp::Mean,
            AggregateOp::Median,
        ] {
            let start = std::time::Instant::now();
            let reps = 5;
            for _ in 0..reps {
                std::hint::black_box(aggregate(Some(c), &groups, op));
            }
            let ns = start.elapsed().as_nanos() as f64 / (reps * rows) as f64;
            println!("{label:>9} {:>6}: {ns:.2} ns/row", op.name());
        }
    }
}
