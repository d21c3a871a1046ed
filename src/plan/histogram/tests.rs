//! The histogram route against the general route (each step run on its own), bit for bit.

use super::super::{execute, plan, Plan, Step};
use crate::data::kernels::test_util::Rng;
use crate::data::kernels::AggregateOp;
use crate::data::{Column, NumberColumn, StrColumn, Table};
use crate::spec::transform::{FieldTest, OpDef, Predicate, Transform};
use serde_json::{json, Value as Json};
use std::cell::Cell;

thread_local! {
    /// How many times this thread's plans took the histogram route.
    pub(super) static TAKEN: Cell<usize> = const { Cell::new(0) };
}

fn taken() -> usize {
    TAKEN.with(Cell::get)
}

/// The general route: every step in a plan of its own, so no two steps are fused.
fn general(plan: &Plan, table: Table) -> Table {
    plan.steps.iter().fold(table, |t, step| {
        let single = Plan {
            steps: vec![step.clone()],
            ..plan.clone()
        };
        execute(&single, t).unwrap()
    })
}

/// Same names in order, same row count, every cell equally valid and bit-equal.
fn assert_bit_equal(got: &Table, want: &Table, what: &str) {
    assert_eq!(got.names(), want.names(), "{what}");
    assert_eq!(got.num_rows(), want.num_rows(), "{what}");
    for name in want.names() {
        let (Some(Column::Number(a)), Some(Column::Number(b))) =
            (got.column(name), want.column(name))
        else {
            // Group keys of other types are gathered by the same code on both routes.
            assert_eq!(got.column(name), want.column(name), "{what} {name}");
            continue;
        };
        assert_eq!(a.values.len(), b.values.len(), "{what} {name}");
        for r in 0..want.num_rows() {
            assert_eq!(a.valid.get(r), b.valid.get(r), "{what} {name} row {r}");
            if b.valid.get(r) {
                assert_eq!(
                    a.values[r].to_bits(),
                    b.values[r].to_bits(),
                    "{what} {name} row {r}: {} vs {}",
                    a.values[r],
                    b.values[r]
                );
            }
        }
    }
}

/// A number column of `rows` values of one of several kinds: fractions with nulls, `NaN`,
/// infinities, negatives and `-0`; whole numbers; a constant.
fn random_values(rng: &mut Rng, rows: usize) -> NumberColumn {
    let kind = rng.below(4);
    let constant = rng.below(7) as f64 - 3.0;
    NumberColumn::from_options((0..rows).map(|_| match kind {
        0 => Some(constant),
        1 => Some(rng.below(40) as f64 - 10.0),
        _ => match rng.below(20) {
            0 => None,
            1 => Some(f64::NAN),
            2 if kind == 3 => Some(f64::INFINITY),
            3 if kind == 3 => Some(f64::NEG_INFINITY),
            4 => Some(-0.0),
            _ => Some((rng.below(20_000) as f64 - 7_000.0) / 100.0),
        },
    }))
}

fn random_table(rng: &mut Rng) -> Table {
    let rows = match rng.below(6) {
        0 => 0,
        1 => 1 + rng.below(3) as usize,
        _ => rng.below(400) as usize,
    };
    let mut t = Table::with_rows(rows);
    t.push_column("v", Column::Number(random_values(rng, rows)))
        .unwrap();
    let w = NumberColumn::from_options((0..rows).map(|_| Some(rng.below(10) as f64)));
    t.push_column("w", Column::Number(w)).unwrap();
    let mut g = StrColumn::default();
    for _ in 0..rows {
        g.push(["a", "b", "c"].get(rng.below(4) as usize).copied());
    }
    t.push_column("g", Column::Str(g)).unwrap();
    t
}

/// Random bin parameters as a spec writes them: maxbins, step, steps, extent, nice, anchor.
fn random_bin(rng: &mut Rng) -> Json {
    let mut o = serde_json::Map::new();
    if rng.below(2) == 0 {
        let m = [1.0, 3.0, 10.0, 25.0, 40.0, 300.0][rng.below(6) as usize];
        o.insert("maxbins".into(), json!(m));
    }
    match rng.below(6) {
        0 => {
            let s = [0.5, 1.0, 7.0, 0.1][rng.below(4) as usize];
            o.insert("step".into(), json!(s));
        }
        1 => {
            o.insert("steps".into(), json!([1, 5, 20]));
        }
        _ => {}
    }
    if rng.below(3) == 0 {
        let lo = rng.below(40) as f64 - 30.0;
        let hi = lo + rng.below(60) as f64 + 0.5;
        o.insert("extent".into(), json!([lo, hi]));
    }
    if rng.below(4) == 0 {
        o.insert("nice".into(), json!(rng.below(2) == 0));
    }
    if rng.below(5) == 0 {
        o.insert("anchor".into(), json!(rng.below(10) as f64 - 4.5));
    }
    if o.is_empty() && rng.below(2) == 0 {
        return json!(true);
    }
    Json::Object(o)
}

fn count(as_name: &str, field: Option<&str>) -> OpDef {
    OpDef {
        op: "count".into(),
        field: field.map(Into::into),
        param: None,
        as_name: as_name.into(),
    }
}

/// The steps of an encoding histogram (`Step::Bin`, `Step::Aggregate`) or of its `transform`
/// form, with random bin parameters and group field orders.
fn random_histogram(rng: &mut Rng, field: &str) -> Vec<Step> {
    let bin = random_bin(rng);
    let spec = crate::spec::normalize::transform_bin("t", &bin)
        .unwrap()
        .unwrap();
    let (start, end) = ("b".to_string(), "b_end".to_string());
    let groupby = match rng.below(3) {
        0 => vec![start.clone(), end.clone()],
        1 => vec![end.clone(), start.clone()],
        _ => vec![start.clone()],
    };
    if rng.below(2) == 0 {
        let ops = (0..1 + rng.below(2))
            .map(|i| (AggregateOp::Count, Some(field.to_string()), format!("c{i}")))
            .collect();
        return vec![
            Step::Bin {
                field: field.into(),
                options: spec.options,
                extent: spec.extent,
                as_start: start,
                as_end: end,
            },
            Step::Aggregate {
                groupby,
                ops,
                args: vec![],
            },
        ];
    }
    let ops = [count("n", None), count("n2", Some(field))];
    let ops = ops[..1 + rng.below(2) as usize].to_vec();
    vec![
        Step::Transform {
            index: 0,
            transform: Transform::Bin {
                bin,
                field: field.into(),
                as_names: [start, end],
            },
        },
        Step::Transform {
            index: 1,
            transform: Transform::Aggregate { ops, groupby },
        },
    ]
}

/// Histograms through the plan equal bin + group-by + count run step by step, on random
/// tables and bin parameters, encoding and transform forms, with and without a filter before.
#[test]
fn routed_histograms_equal_the_general_route_bit_for_bit() {
    let mut rng = Rng(0x5eed_b1b5);
    let (mut routed, mut cases) = (0, 0);
    for case in 0..600 {
        let t = random_table(&mut rng);
        let mut steps = random_histogram(&mut rng, "v");
        let filtered = rng.below(3) == 0;
        if filtered {
            let lo = rng.below(10) as f64;
            let pred = match rng.below(3) {
                // A mask on another column, on the binned one, and an expression.
                0 => Predicate::Field {
                    field: "w".into(),
                    time_unit: None,
                    test: FieldTest::Range(json!(lo), json!(lo + 4.0)),
                },
                1 => Predicate::Field {
                    field: "v".into(),
                    time_unit: None,
                    test: FieldTest::Gt(json!(lo - 5.0)),
                },
                _ => Predicate::Expr(format!("datum.w < {lo} || datum.g == 'a'")),
            };
            steps.insert(
                0,
                Step::Transform {
                    index: 0,
                    transform: Transform::Filter(pred),
                },
            );
        }
        let p = Plan {
            steps,
            ..Plan::default()
        };
        let before = taken();
        let got = execute(&p, t.clone()).unwrap();
        routed += taken() - before;
        let want = general(&p, t);
        assert_bit_equal(&got, &want, &format!("case {case} {:?}", p.steps));
        cases += 1;
    }
    assert_eq!(cases, 600);
    // Only parameters the kernel declines (a non-finite extent, too many bins) go general.
    eprintln!("routed {routed} of 600");
    assert!(routed > 500, "routed {routed} of 600");
}

/// Bins of values outside an explicit extent (both infinities), a constant column, an
/// empty table, the null bin first: hand-checked shapes of the routed output.
#[test]
fn routed_histogram_keeps_null_and_infinite_bins_in_first_appearance_order() {
    let mut t = Table::with_rows(6);
    let v = NumberColumn::from_options([
        None,
        Some(f64::INFINITY),
        Some(4.0),
        Some(-3.0),
        Some(f64::NAN),
        Some(4.5),
    ]);
    t.push_column("v", Column::Number(v)).unwrap();
    let bin = json!({"extent": [0, 10], "step": 5});
    let steps = vec![
        Step::Transform {
            index: 0,
            transform: Transform::Bin {
                bin,
                field: "v".into(),
                as_names: ["b".into(), "b_end".into()],
            },
        },
        Step::Transform {
            index: 1,
            transform: Transform::Aggregate {
                ops: vec![count("n", None)],
                groupby: vec!["b".into(), "b_end".into()],
            },
        },
    ];
    let p = Plan {
        steps,
        ..Plan::default()
    };
    let before = taken();
    let out = execute(&p, t.clone()).unwrap();
    assert_eq!(taken(), before + 1);
    let col = |name: &str| match out.column(name) {
        Some(Column::Number(c)) => (0..out.num_rows()).map(|r| c.get(r)).collect::<Vec<_>>(),
        _ => panic!("no {name}"),
    };
    let inf = f64::INFINITY;
    assert_eq!(
        col("b"),
        [None, Some(inf), Some(0.0), Some(-inf)],
        "null and NaN share the null bin"
    );
    assert_eq!(col("b_end"), [None, Some(inf), Some(5.0), Some(-inf)]);
    assert_eq!(col("n"), [Some(2.0), Some(1.0), Some(2.0), Some(1.0)]);
    assert_bit_equal(&out, &general(&p, t), "hand-checked");
    // An empty table: the three columns, no row.
    let empty = {
        let mut t = Table::with_rows(0);
        t.push_column("v", Column::Number(NumberColumn::default()))
            .unwrap();
        t
    };
    let out = execute(&p, empty.clone()).unwrap();
    assert_eq!((out.names(), out.num_rows()), (vec!["b", "b_end", "n"], 0));
    assert_bit_equal(&out, &general(&p, empty), "empty");
}

/// The chart's histogram spec plans as bin then count, and its execution takes the route;
/// shapes outside it (another op, another group field, a string column) do not.
#[test]
fn a_histogram_spec_takes_the_route_and_other_shapes_do_not() {
    let run = |spec: &str, values: Json| {
        let spec = spec.replace("VALUES", &values.to_string());
        let view = crate::spec::normalize(&crate::spec::parse_spec(&spec).unwrap()).unwrap();
        let p = plan(&view);
        let crate::spec::DataSource::Inline(values) = &view.data else {
            panic!("inline data expected")
        };
        let table = crate::data::parse::from_json_rows(values, "inline").unwrap();
        let before = taken();
        let got = execute(&p, table.clone()).unwrap();
        let took = taken() - before;
        assert_bit_equal(&got, &general(&p, table), &spec);
        (p, got, took)
    };
    let values = json!([{"v": 1, "g": "a"}, {"v": 12.5, "g": "b"}, {"v": null, "g": "a"}, {"v": 7, "g": "b"}]);
    let histogram = r#"{"data": {"values": VALUES}, "mark": "bar", "encoding": {
        "x": {"bin": true, "field": "v"}, "y": {"aggregate": "count"}}}"#;
    let (p, got, took) = run(histogram, values.clone());
    assert_eq!(took, 1);
    assert!(matches!(
        p.steps.as_slice(),
        [
            Step::Bin { .. },
            Step::Aggregate { .. },
            Step::FilterInvalid { .. }
        ]
    ));
    assert_eq!(
        got.names(),
        vec!["bin_maxbins_10_v", "bin_maxbins_10_v_end", "__count"]
    );
    // The null bin is dropped by the invalid filter after the aggregate.
    assert_eq!(got.num_rows(), 3);
    // A count of a field is the same count.
    let with_field = histogram.replace(
        r#""aggregate": "count""#,
        r#""aggregate": "count", "field": "v""#,
    );
    assert_eq!(run(&with_field, values.clone()).2, 1);
    // A filter before it: the filtered rows of the binned column alone are binned.
    let filtered = histogram.replace(
        r#""mark""#,
        r#""transform": [{"filter": "datum.g == 'a'"}], "mark""#,
    );
    let (_, got, took) = run(&filtered, values.clone());
    assert_eq!((took, got.num_rows()), (1, 1));
    // Not histograms: a sum, a colour group, a binned string column.
    let sum = histogram.replace(
        r#""aggregate": "count""#,
        r#""aggregate": "sum", "field": "v""#,
    );
    assert_eq!(run(&sum, values.clone()).2, 0);
    let colour = histogram.replace(
        r#""y": {"aggregate": "count"}"#,
        r#""y": {"aggregate": "count"}, "color": {"field": "g"}"#,
    );
    assert_eq!(run(&colour, values.clone()).2, 0);
    let strings = json!([{"v": "a"}, {"v": "b"}]);
    assert_eq!(run(histogram, strings).2, 0);
}
