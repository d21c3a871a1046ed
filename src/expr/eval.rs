//! The column-wise evaluator: an expression tree over a table gives one value per row.
//!
//! Stage: expressions (the `filter` and `calculate` kernels). Each node is evaluated once for
//! a whole set of rows and yields [`Vals`]: a constant, a dense `f64` or `bool` vector (the
//! fast paths: `datum.x * 2`, `datum.x > 3`, `abs(datum.x)`), or general JavaScript values.
//! `&&`, `||`, `?:` and `if()` evaluate their branches only on the rows that reach them, so
//! `isValid(datum.s) ? length(datum.s) : 0` never evaluates `length(null)`, exactly as
//! JavaScript short-circuits. Guarantees: JavaScript semantics row by row; errors (where
//! JavaScript would throw) name the row; recursion is bounded by the tree depth limit.

use std::rc::Rc;

use super::ast::{BinaryOp, Kind, LogicalOp, Node, UnaryOp};
use super::functions;
use super::value::{add, compare, loose_eq, strict_eq, to_int32, to_uint32, JsValue};
use super::Env;
use crate::data::{Column, Table, Value};

/// The values of one node over a set of rows.
#[derive(Clone, Debug)]
pub enum Vals {
    /// The same value on every row.
    Const(JsValue),
    /// One number per row.
    Num(Vec<f64>),
    /// One boolean per row.
    Bool(Vec<bool>),
    /// One value per row.
    Any(Vec<JsValue>),
}

impl Vals {
    /// The value at position `i`.
    pub fn get(&self, i: usize) -> JsValue {
        match self {
            Vals::Const(v) => v.clone(),
            Vals::Num(v) => JsValue::Num(v.get(i).copied().unwrap_or(f64::NAN)),
            Vals::Bool(v) => v.get(i).map_or(JsValue::Undefined, |b| JsValue::Bool(*b)),
            Vals::Any(v) => v.get(i).cloned().unwrap_or_default(),
        }
    }

    /// JavaScript truthiness at position `i`.
    pub fn truthy(&self, i: usize) -> bool {
        match self {
            Vals::Const(v) => v.truthy(),
            Vals::Num(v) => v.get(i).is_some_and(|n| !(n.is_nan() || *n == 0.0)),
            Vals::Bool(v) => v.get(i).copied().unwrap_or(false),
            Vals::Any(v) => v.get(i).is_some_and(JsValue::truthy),
        }
    }

    /// Tightens general values to a dense vector when they are all numbers or all booleans.
    fn from_values(values: Vec<JsValue>) -> Vals {
        if values.iter().all(|v| matches!(v, JsValue::Num(_))) {
            return Vals::Num(values.iter().map(JsValue::to_number).collect());
        }
        if values.iter().all(|v| matches!(v, JsValue::Bool(_))) {
            return Vals::Bool(values.iter().map(JsValue::truthy).collect());
        }
        Vals::Any(values)
    }
}

/// A numeric view for the fast paths: a scalar or a dense vector.
#[derive(Clone, Copy)]
enum NumView<'a> {
    Scalar(f64),
    Dense(&'a [f64]),
}

impl NumView<'_> {
    fn at(&self, i: usize) -> f64 {
        match self {
            NumView::Scalar(x) => *x,
            NumView::Dense(v) => v.get(i).copied().unwrap_or(f64::NAN),
        }
    }
}

/// The numeric view of `v` if arithmetic on it is plain `f64` arithmetic. With `strict`
/// (for equality), only real numbers qualify.
fn num_view(v: &Vals, strict: bool) -> Option<NumView<'_>> {
    match v {
        Vals::Num(x) => Some(NumView::Dense(x)),
        Vals::Const(JsValue::Num(n)) => Some(NumView::Scalar(*n)),
        Vals::Const(c @ (JsValue::Null | JsValue::Bool(_) | JsValue::Undefined)) if !strict => {
            Some(NumView::Scalar(c.to_number()))
        }
        _ => None,
    }
}

/// What the evaluator reads: the table and the parameter values.
pub struct Ctx<'a> {
    /// The rows.
    pub table: &'a Table,
    /// Parameters and the clock.
    pub env: &'a Env,
}

fn row_error(rows: &[u32], i: usize, e: &str) -> String {
    match rows.get(i) {
        Some(r) => format!("{e} (row {r})"),
        None => e.to_string(),
    }
}

/// A data value as a JavaScript value.
pub fn from_value(v: Value) -> JsValue {
    match v {
        Value::Null => JsValue::Null,
        Value::Bool(b) => JsValue::Bool(b),
        Value::Number(n) => JsValue::Num(n),
        Value::Str(s) => JsValue::Str(Rc::from(s)),
    }
}

/// The values of a column at `rows`.
fn gather(col: &Column, rows: &[u32]) -> Vals {
    match col {
        Column::Number(c) => {
            let v: Vec<Option<f64>> = rows.iter().map(|&r| c.get(r as usize)).collect();
            if v.iter().all(Option::is_some) {
                Vals::Num(v.into_iter().map(|x| x.unwrap_or(f64::NAN)).collect())
            } else {
                Vals::Any(
                    v.into_iter()
                        .map(|x| x.map_or(JsValue::Null, JsValue::Num))
                        .collect(),
                )
            }
        }
        Column::Str(c) => {
            let dict: Vec<Rc<str>> = c.dict.iter().map(|s| Rc::from(s.as_str())).collect();
            Vals::Any(
                rows.iter()
                    .map(|&r| {
                        let r = r as usize;
                        match c.codes.get(r) {
                            Some(code) if c.valid.get(r) => dict
                                .get(code as usize)
                                .map_or(JsValue::Null, |s| JsValue::Str(s.clone())),
                            _ => JsValue::Null,
                        }
                    })
                    .collect(),
            )
        }
        Column::Text(c) => Vals::Any(
            rows.iter()
                .map(|&r| {
                    c.get(r as usize)
                        .map_or(JsValue::Null, |s| JsValue::Str(Rc::from(s)))
                })
                .collect(),
        ),
        Column::Bool { values, valid } => {
            if rows.iter().all(|&r| valid.get(r as usize)) {
                Vals::Bool(
                    rows.iter()
                        .map(|&r| values.get(r as usize).copied().unwrap_or(false))
                        .collect(),
                )
            } else {
                Vals::Any(
                    rows.iter()
                        .map(|&r| from_value(col.value(r as usize)))
                        .collect(),
                )
            }
        }
        Column::Mixed(_) => Vals::Any(
            rows.iter()
                .map(|&r| from_value(col.value(r as usize)))
                .collect(),
        ),
    }
}

/// `object[key]` (`object.key`).
pub fn member(obj: &JsValue, key: &JsValue) -> Result<JsValue, String> {
    let k = key.to_js_string();
    let index = || k.parse::<usize>().ok().filter(|i| i.to_string() == k);
    Ok(match obj {
        JsValue::Undefined | JsValue::Null => {
            return Err(format!(
                "cannot read property \"{k}\" of {}",
                obj.to_js_string()
            ))
        }
        JsValue::Str(s) if k == "length" => JsValue::Num(super::value::utf16_len(s) as f64),
        JsValue::Str(s) => index()
            .and_then(|i| s.encode_utf16().nth(i))
            .map_or(JsValue::Undefined, |u| {
                JsValue::Str(Rc::from(String::from_utf16_lossy(&[u])))
            }),
        #[allow(clippy::cast_precision_loss)]
        JsValue::Array(a) if k == "length" => JsValue::Num(a.len() as f64),
        JsValue::Array(a) => index().and_then(|i| a.get(i).cloned()).unwrap_or_default(),
        JsValue::Object(o) => o
            .iter()
            .find(|(name, _)| *name == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default(),
        _ => JsValue::Undefined,
    })
}

/// A binary operator on one pair of values.
pub fn binary(op: BinaryOp, a: &JsValue, b: &JsValue) -> JsValue {
    use std::cmp::Ordering::{Equal, Greater, Less};
    let n = |f: fn(f64, f64) -> f64| JsValue::Num(f(a.to_number(), b.to_number()));
    let i = |f: fn(i32, i32) -> i32| {
        JsValue::Num(f64::from(f(
            to_int32(a.to_number()),
            to_int32(b.to_number()),
        )))
    };
    let shift = to_uint32(b.to_number()) & 31;
    match op {
        BinaryOp::Add => add(a, b),
        BinaryOp::Sub => n(|x, y| x - y),
        BinaryOp::Mul => n(|x, y| x * y),
        BinaryOp::Div => n(|x, y| x / y),
        BinaryOp::Rem => n(|x, y| x % y),
        BinaryOp::Lt => JsValue::Bool(compare(a, b) == Some(Less)),
        BinaryOp::Le => JsValue::Bool(matches!(compare(a, b), Some(Less | Equal))),
        BinaryOp::Gt => JsValue::Bool(compare(a, b) == Some(Greater)),
        BinaryOp::Ge => JsValue::Bool(matches!(compare(a, b), Some(Greater | Equal))),
        BinaryOp::Eq => JsValue::Bool(loose_eq(a, b)),
        BinaryOp::Ne => JsValue::Bool(!loose_eq(a, b)),
        BinaryOp::StrictEq => JsValue::Bool(strict_eq(a, b)),
        BinaryOp::StrictNe => JsValue::Bool(!strict_eq(a, b)),
        BinaryOp::BitAnd => i(|x, y| x & y),
        BinaryOp::BitOr => i(|x, y| x | y),
        BinaryOp::BitXor => i(|x, y| x ^ y),
        BinaryOp::Shl => JsValue::Num(f64::from(to_int32(a.to_number()).wrapping_shl(shift))),
        BinaryOp::Shr => JsValue::Num(f64::from(to_int32(a.to_number()).wrapping_shr(shift))),
        BinaryOp::UShr => JsValue::Num(f64::from(to_uint32(a.to_number()).wrapping_shr(shift))),
    }
}

/// A unary operator on one value.
pub fn unary(op: UnaryOp, a: &JsValue) -> JsValue {
    match op {
        UnaryOp::Neg => JsValue::Num(-a.to_number()),
        UnaryOp::Plus => JsValue::Num(a.to_number()),
        UnaryOp::Not => JsValue::Bool(!a.truthy()),
        UnaryOp::BitNot => JsValue::Num(f64::from(!to_int32(a.to_number()))),
    }
}

/// The fast path of a binary operator on numbers; `None` when it does not apply.
fn binary_fast(op: BinaryOp, a: &Vals, b: &Vals, n: usize) -> Option<Vals> {
    let strict = matches!(
        op,
        BinaryOp::Eq | BinaryOp::Ne | BinaryOp::StrictEq | BinaryOp::StrictNe
    );
    let (x, y) = (num_view(a, strict)?, num_view(b, strict)?);
    let arith: Option<fn(f64, f64) -> f64> = match op {
        BinaryOp::Add => Some(|p, q| p + q),
        BinaryOp::Sub => Some(|p, q| p - q),
        BinaryOp::Mul => Some(|p, q| p * q),
        BinaryOp::Div => Some(|p, q| p / q),
        BinaryOp::Rem => Some(|p, q| p % q),
        _ => None,
    };
    if let Some(f) = arith {
        return Some(Vals::Num((0..n).map(|i| f(x.at(i), y.at(i))).collect()));
    }
    let cmp: fn(f64, f64) -> bool = match op {
        BinaryOp::Lt => |p, q| p < q,
        BinaryOp::Le => |p, q| p <= q,
        BinaryOp::Gt => |p, q| p > q,
        BinaryOp::Ge => |p, q| p >= q,
        BinaryOp::Eq | BinaryOp::StrictEq => |p, q| p == q,
        BinaryOp::Ne | BinaryOp::StrictNe => |p, q| p != q,
        _ => return None,
    };
    Some(Vals::Bool((0..n).map(|i| cmp(x.at(i), y.at(i))).collect()))
}

/// Per-row application of `f` to argument vectors (constant when every argument is).
fn per_row(
    args: &[Vals],
    rows: &[u32],
    f: impl Fn(&[JsValue]) -> Result<JsValue, String>,
) -> Result<Vals, String> {
    if rows.is_empty() {
        return Ok(Vals::Any(Vec::new()));
    }
    if args.iter().all(|a| matches!(a, Vals::Const(_))) {
        let vals: Vec<JsValue> = args.iter().map(|a| a.get(0)).collect();
        return f(&vals)
            .map(Vals::Const)
            .map_err(|e| row_error(rows, 0, &e));
    }
    let mut out = Vec::with_capacity(rows.len());
    let mut buf = Vec::with_capacity(args.len());
    for i in 0..rows.len() {
        buf.clear();
        buf.extend(args.iter().map(|a| a.get(i)));
        out.push(f(&buf).map_err(|e| row_error(rows, i, &e))?);
    }
    Ok(Vals::from_values(out))
}

/// Merges the values of two branches: position `i` takes the next value of `yes` where
/// `mask[i]`, else the next of `no`. A `dense` side is indexed by `i` instead.
fn merge(mask: &[bool], yes: &Vals, no: &Vals, no_dense: bool) -> Vals {
    let (mut jy, mut jn) = (0, 0);
    let mut picks = Vec::with_capacity(mask.len());
    for (i, m) in mask.iter().enumerate() {
        if *m {
            picks.push((true, jy));
            jy += 1;
        } else {
            picks.push((false, if no_dense { i } else { jn }));
            jn += 1;
        }
    }
    let src = |t: bool| if t { yes } else { no };
    let is_num = |v: &Vals| matches!(v, Vals::Num(_) | Vals::Const(JsValue::Num(_)));
    let is_bool = |v: &Vals| matches!(v, Vals::Bool(_) | Vals::Const(JsValue::Bool(_)));
    if is_num(yes) && is_num(no) {
        Vals::Num(
            picks
                .iter()
                .map(|&(t, k)| src(t).get(k).to_number())
                .collect(),
        )
    } else if is_bool(yes) && is_bool(no) {
        Vals::Bool(picks.iter().map(|&(t, k)| src(t).truthy(k)).collect())
    } else {
        Vals::Any(picks.iter().map(|&(t, k)| src(t).get(k)).collect())
    }
}

fn arg(v: &[JsValue], i: usize) -> JsValue {
    v.get(i).cloned().unwrap_or_default()
}

fn subset(rows: &[u32], mask: &[bool], want: bool) -> Vec<u32> {
    rows.iter()
        .zip(mask)
        .filter(|(_, m)| **m == want)
        .map(|(r, _)| *r)
        .collect()
}

/// Evaluates `node` on `rows` (indices into the table); the result has one value per row.
pub fn eval(node: &Node, cx: &Ctx, rows: &[u32]) -> Result<Vals, String> {
    let n = rows.len();
    match &node.kind {
        Kind::Literal(v) => Ok(Vals::Const(v.clone())),
        Kind::Regex(r) => Ok(Vals::Const(JsValue::Regex(r.clone()))),
        Kind::Field(name) => Ok(match cx.table.column(name) {
            Some(col) => gather(col, rows),
            None => Vals::Const(JsValue::Undefined),
        }),
        Kind::DynField(key) => {
            let keys = eval(key, cx, rows)?;
            let out = (0..n)
                .map(|i| {
                    let name = keys.get(i).to_js_string();
                    let row = rows.get(i).copied().unwrap_or(0) as usize;
                    cx.table
                        .column(&name)
                        .map_or(JsValue::Undefined, |c| from_value(c.value(row)))
                })
                .collect();
            Ok(Vals::from_values(out))
        }
        Kind::Param(name) => match cx.env.get(name) {
            Some(v) => Ok(Vals::Const(v.clone())),
            None => Err(format!("unknown parameter \"{name}\"")),
        },
        Kind::Array(items) => {
            let vals = items
                .iter()
                .map(|a| eval(a, cx, rows))
                .collect::<Result<Vec<_>, _>>()?;
            per_row(&vals, rows, |v| Ok(JsValue::Array(Rc::new(v.to_vec()))))
        }
        Kind::Object(props) => {
            let vals = props
                .iter()
                .map(|(_, a)| eval(a, cx, rows))
                .collect::<Result<Vec<_>, _>>()?;
            per_row(&vals, rows, |v| {
                let o = props
                    .iter()
                    .zip(v)
                    .map(|((k, _), x)| (k.clone(), x.clone()))
                    .collect();
                Ok(JsValue::Object(Rc::new(o)))
            })
        }
        Kind::Member(obj, key) => {
            let vals = [eval(obj, cx, rows)?, eval(key, cx, rows)?];
            per_row(&vals, rows, |v| member(&arg(v, 0), &arg(v, 1)))
        }
        Kind::Unary(op, a) => {
            let va = eval(a, cx, rows)?;
            match (op, &va) {
                (UnaryOp::Neg, Vals::Num(x)) => Ok(Vals::Num(x.iter().map(|v| -v).collect())),
                (UnaryOp::Plus, Vals::Num(_)) => Ok(va),
                (UnaryOp::Not, Vals::Bool(x)) => Ok(Vals::Bool(x.iter().map(|v| !v).collect())),
                _ => per_row(&[va], rows, |v| Ok(unary(*op, &arg(v, 0)))),
            }
        }
        Kind::Binary(op, a, b) => {
            let (va, vb) = (eval(a, cx, rows)?, eval(b, cx, rows)?);
            let both_const = matches!((&va, &vb), (Vals::Const(_), Vals::Const(_)));
            if !both_const {
                if let Some(v) = binary_fast(*op, &va, &vb, n) {
                    return Ok(v);
                }
            }
            per_row(&[va, vb], rows, |v| Ok(binary(*op, &arg(v, 0), &arg(v, 1))))
        }
        Kind::Logical(op, a, b) => {
            let va = eval(a, cx, rows)?;
            let want = *op == LogicalOp::And;
            if let Vals::Const(v) = &va {
                return if v.truthy() == want {
                    eval(b, cx, rows)
                } else {
                    Ok(va)
                };
            }
            let mask: Vec<bool> = (0..n).map(|i| va.truthy(i) == want).collect();
            let sub = subset(rows, &mask, true);
            if sub.is_empty() {
                return Ok(va);
            }
            let vb = eval(b, cx, &sub)?;
            Ok(merge(&mask, &vb, &va, true))
        }
        Kind::Cond(t, a, b) => {
            let vt = eval(t, cx, rows)?;
            if let Vals::Const(v) = &vt {
                return eval(if v.truthy() { a } else { b }, cx, rows);
            }
            let mask: Vec<bool> = (0..n).map(|i| vt.truthy(i)).collect();
            let (yes_rows, no_rows) = (subset(rows, &mask, true), subset(rows, &mask, false));
            let skip = || Ok(Vals::Const(JsValue::Undefined));
            let ya = if yes_rows.is_empty() {
                skip()
            } else {
                eval(a, cx, &yes_rows)
            }?;
            let nb = if no_rows.is_empty() {
                skip()
            } else {
                eval(b, cx, &no_rows)
            }?;
            Ok(merge(&mask, &ya, &nb, false))
        }
        Kind::Call(name, args) => {
            let vals = args
                .iter()
                .map(|a| eval(a, cx, rows))
                .collect::<Result<Vec<_>, _>>()?;
            if let (Some(f), Some(Vals::Num(x))) = (functions::unary_math(name), vals.first()) {
                return Ok(Vals::Num(x.iter().map(|v| f(*v)).collect()));
            }
            per_row(&vals, rows, |v| functions::call(name, v, cx.env))
        }
    }
}

/// The result as a column of `n` rows. Dates become their time value (milliseconds);
/// `undefined` and NaN become null. Arrays and objects cannot be stored in a column.
pub fn to_column(vals: Vals, n: usize) -> Result<Column, String> {
    use crate::data::{Bitmap, NumberColumn};
    let values: Vec<JsValue> = match vals {
        Vals::Num(v) => {
            return Ok(Column::Number(NumberColumn::from_options(
                v.into_iter().map(Some),
            )))
        }
        Vals::Bool(v) => {
            let valid = Bitmap::filled(v.len(), true);
            return Ok(Column::Bool { values: v, valid });
        }
        Vals::Const(c) => vec![c; n],
        Vals::Any(v) => v,
    };
    let mut out: Vec<Value> = Vec::with_capacity(values.len());
    for v in values {
        out.push(match v {
            JsValue::Undefined | JsValue::Null => Value::Null,
            JsValue::Bool(b) => Value::Bool(b),
            JsValue::Num(x) | JsValue::Date(x) if x.is_nan() => Value::Null,
            JsValue::Num(x) | JsValue::Date(x) => Value::Number(x),
            JsValue::Str(s) => Value::Str(s.to_string()),
            other => {
                return Err(format!(
                    "the expression gives {} values, which a data column cannot hold",
                    if matches!(other, JsValue::Array(_)) {
                        "array"
                    } else {
                        "object"
                    }
                ))
            }
        });
    }
    Ok(typed_column(out))
}

/// Numbers, strings or booleans (with nulls) get a typed column; anything else is mixed.
fn typed_column(values: Vec<Value>) -> Column {
    use crate::data::{Bitmap, NumberColumn, StrColumn};
    let all = |f: fn(&Value) -> bool| values.iter().all(|v| matches!(v, Value::Null) || f(v));
    if all(|v| matches!(v, Value::Number(_))) {
        return Column::Number(NumberColumn::from_options(values.iter().map(Value::as_f64)));
    }
    if all(|v| matches!(v, Value::Str(_))) {
        let mut c = StrColumn::default();
        for v in &values {
            c.push(match v {
                Value::Str(s) => Some(s.as_str()),
                _ => None,
            });
        }
        return Column::Str(c);
    }
    if all(|v| matches!(v, Value::Bool(_))) {
        let mut valid = Bitmap::new();
        let mut bools = Vec::with_capacity(values.len());
        for v in &values {
            valid.push(matches!(v, Value::Bool(_)));
            bools.push(matches!(v, Value::Bool(true)));
        }
        return Column::Bool {
            values: bools,
            valid,
        };
    }
    Column::Mixed(values)
}
