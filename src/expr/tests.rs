//! Tests of the expression module: Vega's own answers, syntax errors, the spec corpus, and
//! (in `prop`) random expressions against a row-by-row reference and fuzzing.

mod oracle_cases;
mod prop;

use super::eval::{self, Ctx};
use super::value::JsValue;
use super::*;
use crate::data::{Bitmap, NumberColumn, StrColumn};

fn num_col(v: &[Option<f64>]) -> Column {
    Column::Number(NumberColumn::from_options(v.iter().copied()))
}

fn str_col(v: &[Option<&str>]) -> Column {
    let mut c = StrColumn::default();
    for s in v {
        c.push(*s);
    }
    Column::Str(c)
}

/// The one row the oracle cases ran on (see `oracle_cases.rs`).
fn oracle_table() -> Table {
    let mut t = Table::with_rows(1);
    for (name, v) in [
        ("a", 3.0),
        ("b", -1.5),
        ("z", 0.0),
        ("big", 1e21),
        ("neg", -7.0),
    ] {
        t.push_column(name, num_col(&[Some(v)])).unwrap();
    }
    for (name, v) in [
        ("s", "Hello World"),
        ("e", ""),
        ("num_s", " 12.5 "),
        ("d", "2001-02-03T04:05:06.789Z"),
        ("dd", "2001-02-03"),
        ("city", "Zürich"),
    ] {
        t.push_column(name, str_col(&[Some(v)])).unwrap();
    }
    t.push_column("n", Column::Mixed(vec![Value::Null]))
        .unwrap();
    for (name, v) in [("t", true), ("f", false)] {
        t.push_column(
            name,
            Column::Bool {
                values: vec![v],
                valid: Bitmap::filled(1, true),
            },
        )
        .unwrap();
    }
    t
}

fn oracle_env() -> Env {
    let mut env = Env::new();
    env.set("p_num", Value::Number(10.0));
    env.set("p_str", Value::Str("abc".into()));
    env.set_json("p_arr", &serde_json::json!([1, 5]));
    env
}

/// Whether `v` is the value Vega gave, encoded as in `oracle_cases.rs`.
fn same(v: &JsValue, j: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    let marker = j.get("$").and_then(J::as_str);
    match (v, j) {
        (JsValue::Undefined, _) => marker == Some("undefined"),
        (JsValue::Null, J::Null) => true,
        (JsValue::Bool(a), J::Bool(b)) => a == b,
        // serde_json's default float parsing can be 1 ulp off (top-level numbers are compared
        // exactly in the test, parsed by Rust).
        (JsValue::Num(n), J::Number(m)) => m.as_f64().is_some_and(|m| {
            n.to_bits().abs_diff(m.to_bits()) <= 1 && !(*n == 0.0 && n.is_sign_negative())
        }),
        (JsValue::Num(n), _) => match marker {
            Some("NaN") => n.is_nan(),
            Some("Infinity") => *n == f64::INFINITY,
            Some("-Infinity") => *n == f64::NEG_INFINITY,
            Some("-0") => *n == 0.0 && n.is_sign_negative(),
            _ => false,
        },
        (JsValue::Str(a), J::String(b)) => **a == **b,
        (JsValue::Array(a), J::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        (JsValue::Date(t), _) => j.get("$date").is_some_and(|d| same(&JsValue::Num(*t), d)),
        (JsValue::Regex(r), _) => j.get("$re").and_then(J::as_str) == Some(&r.to_string()),
        (JsValue::Object(o), _) => j.get("$obj").and_then(J::as_object).is_some_and(|m| {
            m.len() == o.len() && o.iter().all(|(k, x)| m.get(k).is_some_and(|y| same(x, y)))
        }),
        _ => false,
    }
}

/// Where storychart knowingly differs from Vega (each with the reason).
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[
    // Vega generates `5.length`, which is a JavaScript syntax error; storychart reads the
    // property as JavaScript would on a number: undefined.
    ("length(5)", "undefined"),
];

fn eval_one(text: &str) -> std::result::Result<JsValue, String> {
    let e = parse(text).map_err(|e| e.to_string())?;
    let (t, env) = (oracle_table(), oracle_env());
    let cx = Ctx {
        table: &t,
        env: &env,
    };
    eval::eval(&e.root, &cx, &[0]).map(|v| v.get(0))
}

#[test]
fn every_oracle_case_gives_vegas_answer() {
    let mut failures = Vec::new();
    for (text, expected) in oracle_cases::CASES {
        if KNOWN_DIFFERENCES.iter().any(|(k, _)| k == text) {
            continue;
        }
        let got = eval_one(text);
        let ok = match (expected.strip_prefix('!'), &got) {
            (Some(_), Err(_)) => true,
            (Some(_), Ok(_)) | (None, Err(_)) => false,
            (None, Ok(JsValue::Num(n))) if expected.parse::<f64>().is_ok() => {
                expected.parse::<f64>().ok() == Some(*n)
            }
            (None, Ok(v)) => same(v, &serde_json::from_str(expected).unwrap()),
        };
        if !ok {
            failures.push(format!("{text}: expected {expected}, got {got:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
