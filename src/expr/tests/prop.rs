//! Property tests: random well-formed expressions over random tables, evaluated column-wise
//! and by a naive row-by-row reference interpreter; and fuzzing: random bytes and mutated
//! corpus expressions never panic.

use super::super::ast::{Kind, LogicalOp, Node};
use super::super::eval::{self, binary, member, unary, Ctx, Vals};
use super::super::functions;
use super::super::value::JsValue;
use super::super::*;
use super::{num_col, str_col};
use crate::data::Bitmap;

/// xorshift64*: small, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

fn random_table(rng: &mut Rng) -> Table {
    let n = rng.below(24);
    let mut t = Table::with_rows(n);
    let nums = [0.0, -0.0, 1.0, -2.5, 3.0, 1e21, 0.1, 7.0];
    let x: Vec<Option<f64>> = (0..n)
        .map(|_| (rng.below(4) != 0).then(|| nums[rng.below(nums.len())]))
        .collect();
    let y: Vec<Option<f64>> = (0..n).map(|_| Some(nums[rng.below(nums.len())])).collect();
    let strs = ["", "a", "B", "3", "a b", "Zürich", " 2 "];
    let s: Vec<Option<&str>> = (0..n)
        .map(|_| (rng.below(5) != 0).then(|| strs[rng.below(strs.len())]))
        .collect();
    let b: Vec<bool> = (0..n).map(|_| rng.below(2) == 0).collect();
    let m: Vec<Value> = (0..n)
        .map(|_| match rng.below(4) {
            0 => Value::Null,
            1 => Value::Number(nums[rng.below(nums.len())]),
            2 => Value::Str(strs[rng.below(strs.len())].to_string()),
            _ => Value::Bool(rng.below(2) == 0),
        })
        .collect();
    t.push_column("x", num_col(&x)).unwrap();
    t.push_column("y", num_col(&y)).unwrap();
    t.push_column("s", str_col(&s)).unwrap();
    t.push_column(
        "b",
        Column::Bool {
            values: b,
            valid: Bitmap::filled(n, true),
        },
    )
    .unwrap();
    t.push_column("m", Column::Mixed(m)).unwrap();
    t
}

fn random_expr(rng: &mut Rng, depth: usize) -> String {
    const LEAVES: &[&str] = &[
        "datum.x",
        "datum.y",
        "datum.s",
        "datum.b",
        "datum.m",
        "datum.missing",
        "datum['x']",
        "0",
        "-0",
        "1",
        "2.5",
        "NaN",
        "''",
        "'a'",
        "'3'",
        "null",
        "true",
        "false",
        "p",
        "PI",
    ];
    const BINARY: &[&str] = &[
        "+", "-", "*", "/", "%", "<", "<=", ">", ">=", "==", "!=", "===", "!==", "&", "|", "^",
        "<<", ">>", ">>>", "&&", "||",
    ];
    const UNARY_FNS: &[&str] = &[
        "abs",
        "floor",
        "round",
        "sqrt",
        "isValid",
        "isNumber",
        "toNumber",
        "toString",
        "upper",
        "length",
        "trim",
        "toBoolean",
        "year",
    ];
    if depth == 0 || rng.below(4) == 0 {
        return rng.pick(LEAVES).to_string();
    }
    let sub = |rng: &mut Rng| random_expr(rng, depth - 1);
    match rng.below(6) {
        0 => format!("{}({})", rng.pick(&["-", "+", "!", "~"]), sub(rng)),
        1 | 2 => {
            let (a, op, b) = (sub(rng), rng.pick(BINARY), sub(rng));
            format!("({a} {op} {b})")
        }
        3 => format!("({} ? {} : {})", sub(rng), sub(rng), sub(rng)),
        4 => format!("{}({})", rng.pick(UNARY_FNS), sub(rng)),
        _ => match rng.below(4) {
            0 => format!("if({}, {}, {})", sub(rng), sub(rng), sub(rng)),
            1 => format!("max({}, {})", sub(rng), sub(rng)),
            2 => format!("indexof({}, {})", sub(rng), sub(rng)),
            _ => format!("substring({}, {}, {})", sub(rng), sub(rng), sub(rng)),
        },
    }
}

/// The naive reference: one row, one node at a time, JavaScript short-circuits.
fn reference(
    node: &Node,
    t: &Table,
    env: &Env,
    row: usize,
) -> std::result::Result<JsValue, String> {
    let ev = |n: &Node| reference(n, t, env, row);
    Ok(match &node.kind {
        Kind::Literal(v) => v.clone(),
        Kind::Regex(r) => JsValue::Regex(r.clone()),
        Kind::Field(name) => t
            .column(name)
            .map_or(JsValue::Undefined, |c| eval::from_value(c.value(row))),
        Kind::DynField(k) => {
            let name = ev(k)?.to_js_string();
            t.column(&name)
                .map_or(JsValue::Undefined, |c| eval::from_value(c.value(row)))
        }
        Kind::Param(name) => env.get(name).cloned().ok_or("unknown parameter")?,
        Kind::Array(items) => JsValue::Array(std::rc::Rc::new(
            items
                .iter()
                .map(ev)
                .collect::<std::result::Result<_, _>>()?,
        )),
        Kind::Object(_) => return Err("objects are not generated".into()),
        Kind::Member(o, k) => member(&ev(o)?, &ev(k)?)?,
        Kind::Unary(op, a) => unary(*op, &ev(a)?),
        Kind::Binary(op, a, b) => {
            let x = ev(a)?;
            binary(*op, &x, &ev(b)?)
        }
        Kind::Logical(op, a, b) => {
            let x = ev(a)?;
            if x.truthy() == (*op == LogicalOp::And) {
                ev(b)?
            } else {
                x
            }
        }
        Kind::Cond(c, a, b) => {
            if ev(c)?.truthy() {
                ev(a)?
            } else {
                ev(b)?
            }
        }
        Kind::Call(name, args) => {
            let vals = args
                .iter()
                .map(ev)
                .collect::<std::result::Result<Vec<_>, _>>()?;
            functions::call(name, &vals, env)?
        }
    })
}

fn same_value(a: &JsValue, b: &JsValue) -> bool {
    match (a, b) {
        (JsValue::Num(x), JsValue::Num(y)) => {
            x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan())
        }
        (JsValue::Date(x), JsValue::Date(y)) => {
            x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan())
        }
        (JsValue::Array(x), JsValue::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| same_value(p, q))
        }
        _ => format!("{a:?}") == format!("{b:?}"),
    }
}

#[test]
fn column_evaluation_matches_the_row_by_row_reference() {
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let mut env = Env::new();
    env.set("p", Value::Number(2.0));
    let mut checked = 0;
    for case in 0..3000 {
        let t = random_table(&mut rng);
        let text = random_expr(&mut rng, 1 + case % 5);
        let e = parse(&text).unwrap_or_else(|err| panic!("{text}: {err}"));
        let rows: Vec<u32> = (0..t.num_rows() as u32).collect();
        let got = eval::eval(
            &e.root,
            &Ctx {
                table: &t,
                env: &env,
            },
            &rows,
        );
        let want: Vec<_> = (0..t.num_rows())
            .map(|r| reference(&e.root, &t, &env, r))
            .collect();
        match got {
            Err(err) => assert!(
                want.iter().any(|w| w.is_err()),
                "{text}: column error {err} but no row fails"
            ),
            Ok(vals) => {
                for (i, w) in want.iter().enumerate() {
                    let w = w.as_ref().unwrap_or_else(|err| {
                        panic!("{text}: row {i} fails ({err}) but the column does not")
                    });
                    let g = vals.get(i);
                    assert!(
                        same_value(&g, w),
                        "{text}, row {i}: column {g:?}, reference {w:?}"
                    );
                    checked += 1;
                }
                // The public API agrees with the values: filter = truthy rows.
                let filtered = e.eval_filter(&t, &env).unwrap();
                let truthy: Vec<u32> = rows
                    .iter()
                    .copied()
                    .filter(|&r| vals.truthy(r as usize))
                    .collect();
                assert_eq!(filtered, truthy, "{text}");
                if let Err(err) = e.eval_column(&t, &env) {
                    panic!("{text}: eval_column fails: {err}");
                }
            }
        }
    }
    assert!(checked > 10_000, "only {checked} values compared");
}

fn corpus() -> Vec<String> {
    let mut v: Vec<String> = super::oracle_cases::CASES
        .iter()
        .map(|(e, _)| e.to_string())
        .collect();
    v.extend(
        super::corpus_expressions()
            .unwrap_or_default()
            .into_iter()
            .map(|(_, e)| e),
    );
    v
}

fn check_no_panic(text: &str, t: &Table, env: &Env) {
    if let Ok(e) = parse(text) {
        let _ = e.eval_column(t, env);
        let _ = e.eval_filter(t, env);
        let _ = (e.fields(), e.params());
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(0xF022_0000_0000_0001);
    let t = random_table(&mut rng);
    let env = Env::new();
    let alphabet: Vec<char> =
        "datum.xys()[]{}'\"\\/+-*%<>=!&|^~?:,0123456789eE. \tabcfgilnrtuvwxzAZ_$é😀\u{0}"
            .chars()
            .collect();
    for _ in 0..20_000 {
        let len = rng.below(40);
        let s: String = (0..len)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        check_no_panic(&s, &t, &env);
        let bytes: Vec<u8> = (0..len).map(|_| (rng.next() & 0xFF) as u8).collect();
        check_no_panic(&String::from_utf8_lossy(&bytes), &t, &env);
    }
}

#[test]
fn mutated_real_expressions_never_panic() {
    let mut rng = Rng(0xA5A5_0000_1111_2222);
    let mut env = Env::new();
    env.set("p_num", Value::Number(1.0));
    let corpus = corpus();
    for round in 0..20_000 {
        let t = random_table(&mut rng);
        let mut chars: Vec<char> = corpus[round % corpus.len()].chars().collect();
        for _ in 0..1 + rng.below(4) {
            let pos = rng.below(chars.len() + 1);
            match rng.below(4) {
                0 if pos < chars.len() => {
                    chars.remove(pos);
                }
                1 => chars.insert(
                    pos,
                    "()[]'\"./\\,?:+-!"[rng.below(15)..]
                        .chars()
                        .next()
                        .unwrap_or('('),
                ),
                2 if pos < chars.len() => chars.truncate(pos),
                _ => {
                    let other: Vec<char> = corpus[rng.below(corpus.len())].chars().collect();
                    let at = rng.below(other.len() + 1);
                    chars.splice(pos..pos, other[at..].iter().copied());
                }
            }
        }
        check_no_panic(&chars.iter().collect::<String>(), &t, &env);
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let n = 100_000;
    let cases = [
        format!("{}1{}", "(".repeat(n), ")".repeat(n)),
        format!("{}1", "- ".repeat(n)),
        format!("{}1", "!".repeat(n)),
        format!("{}1{}", "[".repeat(n), "]".repeat(n)),
        format!("{}1{}", "abs(".repeat(n), ")".repeat(n)),
        vec!["1"; n].join(" + "),
        vec!["datum.x"; n].join(" && "),
        format!("{}0", "1 ? 2 : ".repeat(n)),
        format!("datum.x{}", ".a".repeat(n)),
    ];
    for text in cases {
        let e = parse(&text).unwrap_err();
        assert!(
            e.to_string().contains("nests deeper than"),
            "{}",
            &text[..20]
        );
    }
    // Moderate nesting is fine.
    let ok = format!("{}1{}", "(".repeat(50), ")".repeat(50));
    assert!(parse(&ok).is_ok());
}

#[test]
fn vectorised_paths_agree_on_large_columns() {
    let n = 10_000;
    let mut t = Table::with_rows(n);
    let x: Vec<Option<f64>> = (0..n).map(|i| Some(i as f64 * 0.5 - 100.0)).collect();
    t.push_column("x", num_col(&x)).unwrap();
    let env = Env::new();
    let e = parse("datum.x * 2 + 1 > 50 && abs(datum.x) % 3 < 1").unwrap();
    let rows = e.eval_filter(&t, &env).unwrap();
    let want: Vec<u32> = (0..n as u32)
        .filter(|&i| {
            let v = i as f64 * 0.5 - 100.0;
            v * 2.0 + 1.0 > 50.0 && v.abs() % 3.0 < 1.0
        })
        .collect();
    assert_eq!(rows, want);
    let col = parse("datum.x / 4").unwrap().eval_column(&t, &env).unwrap();
    assert!(matches!(col, Column::Number(_)));
    assert_eq!(col.number(9), Some((9.0 * 0.5 - 100.0) / 4.0));
    let _: Option<Vals> = None;
}
