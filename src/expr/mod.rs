//! Vega expressions: the `filter`, `calculate` and `test` strings of Vega-Lite specs.
//!
//! Stage: kernels (filter and calculate). [`parse`] reads the subset of the Vega expression
//! language (a JavaScript expression subset, as in `vega-expression`) into a tree once;
//! [`Expr::eval_column`] and [`Expr::eval_filter`] evaluate it over a whole [`Table`] at
//! once, with JavaScript's semantics (`+` concatenates strings, `==` coerces, `null`/NaN
//! propagate, strings compare by UTF-16 code units). There is no JavaScript `eval` anywhere.
//!
//! Supported: number, string, boolean, `null`, array, object and regexp literals; Vega's
//! constants (`PI`, `E`, `LN2`, `LN10`, `LOG2E`, `LOG10E`, `SQRT1_2`, `SQRT2`, `MIN_VALUE`,
//! `MAX_VALUE`, `NaN`); `datum.x`, `datum['x y']`, `datum[expr]`; member access on values
//! (`datum.s.length`, `datum.s[0]`); unary `- + ! ~`; `* / % + - << >> >>> < <= > >= == !=
//! === !== & ^ | && ||` with JavaScript precedence; `?:`; the functions listed in
//! [`functions`] and [`strings`]; and parameters (any other bare name, read from [`Env`]).
//! As in Vega, `**`, `in`, `typeof`, assignments and `++` are not part of the language.
//! Time zone: local time is UTC (`year()` = `utcyear()`).
//!
//! Guarantees: no input panics or overflows the stack (nesting is limited); every error
//! names the place (`transform[0].filter`), the column and the expression text.

mod ast;
mod date;
mod eval;
mod functions;
mod lexer;
mod parser;
mod regex;
mod strings;
pub mod time_format;
mod value;

#[cfg(test)]
mod tests;

use std::collections::HashMap;

use ast::{Kind, Node};
use value::JsValue;

use crate::data::{Column, Table, Value};
use crate::error::{Error, Result};

/// A parsed expression, ready to evaluate over tables.
#[derive(Clone, Debug)]
pub struct Expr {
    text: String,
    place: String,
    root: Node,
}

/// Parameter values (Vega signals) and the clock, for evaluation.
#[derive(Clone, Debug, Default)]
pub struct Env {
    params: HashMap<String, JsValue>,
    now: f64,
}

impl Env {
    /// No parameters; `now()` is 0 (1970-01-01T00:00:00Z) until [`Env::with_now`] sets it.
    pub fn new() -> Env {
        Env::default()
    }

    /// Sets parameter `name` to a scalar value.
    pub fn set(&mut self, name: &str, value: Value) {
        self.params
            .insert(name.to_string(), eval::from_value(value));
    }

    /// Sets parameter `name` to any JSON value (arrays and objects included), as a spec's
    /// `params[].value` gives it.
    pub fn set_json(&mut self, name: &str, value: &serde_json::Value) {
        self.params.insert(name.to_string(), json_value(value));
    }

    /// The same environment with `now()` (and `datetime()`) returning `ms` since the epoch.
    /// Charts that call `now()` depend on the clock; fixing it keeps output reproducible.
    pub fn with_now(mut self, ms: f64) -> Env {
        self.now = ms;
        self
    }

    fn get(&self, name: &str) -> Option<&JsValue> {
        self.params.get(name)
    }
}

fn json_value(v: &serde_json::Value) -> JsValue {
    use serde_json::Value as J;
    match v {
        J::Null => JsValue::Null,
        J::Bool(b) => JsValue::Bool(*b),
        J::Number(n) => JsValue::Num(n.as_f64().unwrap_or(f64::NAN)),
        J::String(s) => JsValue::str(s),
        J::Array(a) => JsValue::Array(std::rc::Rc::new(a.iter().map(json_value).collect())),
        J::Object(o) => JsValue::Object(std::rc::Rc::new(
            o.iter().map(|(k, v)| (k.clone(), json_value(v))).collect(),
        )),
    }
}

/// Parses an expression; errors name the place `"expression"`. See [`parse_at`].
///
/// ```
/// use storychart::expr::{parse, Env};
/// use storychart::data::{Column, NumberColumn, Table};
///
/// let mut t = Table::with_rows(3);
/// t.push_column("x", Column::Number(NumberColumn::from_options([Some(1.0), None, Some(5.0)])))
///     .unwrap();
/// let e = parse("datum.x > 2 || datum.x === null").unwrap();
/// assert_eq!(e.fields(), vec!["x"]);
/// assert_eq!(e.eval_filter(&t, &Env::new()).unwrap(), vec![1, 2]);
/// let c = parse("'v' + datum.x").unwrap().eval_column(&t, &Env::new()).unwrap();
/// assert_eq!(c.value(1), storychart::data::Value::Str("vnull".into()));
/// ```
pub fn parse(text: &str) -> Result<Expr> {
    parse_at("expression", text)
}

/// Parses an expression found at `place` (a JSON path such as `transform[0].filter`), so
/// that errors say where it came from.
///
/// ```
/// let e = storychart::expr::parse_at("filter", "datum.a > (3").unwrap_err();
/// assert_eq!(
///     e.to_string(),
///     "filter: expected \")\", found the end of the expression at column 13 in \"datum.a > (3\""
/// );
/// ```
pub fn parse_at(place: &str, text: &str) -> Result<Expr> {
    match parser::parse_tree(text) {
        Ok(root) => Ok(Expr {
            text: text.to_string(),
            place: place.to_string(),
            root,
        }),
        Err(e) => Err(Error::expr_syntax(
            place,
            text,
            e.offset + 1,
            &e.message,
            e.unsupported,
        )),
    }
}

fn walk<'a>(node: &'a Node, f: &mut impl FnMut(&'a Node)) {
    f(node);
    for c in node.kind.children() {
        walk(c, f);
    }
}

impl Expr {
    /// The source text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The row fields the expression reads by name (`datum.x`, `datum['a b']`), each once, in
    /// order of first use. Fields read with a computed name (`datum[expr]`) are not listed.
    pub fn fields(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        walk(&self.root, &mut |n| {
            if let Kind::Field(name) = &n.kind {
                if !out.contains(name) {
                    out.push(name.clone());
                }
            }
        });
        out
    }

    /// The parameters (Vega signals) the expression reads, each once, in order of first use.
    pub fn params(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        walk(&self.root, &mut |n| {
            if let Kind::Param(name) = &n.kind {
                if !out.contains(name) {
                    out.push(name.clone());
                }
            }
        });
        out
    }

    fn run(&self, table: &Table, env: &Env) -> Result<eval::Vals> {
        let missing: Vec<String> = self
            .params()
            .into_iter()
            .filter(|p| env.get(p).is_none())
            .collect();
        if let Some(name) = missing.first() {
            let mut known: Vec<&str> = env.params.keys().map(String::as_str).collect();
            crate::sorting::sort(&mut known);
            return Err(Error::expr_param(&self.place, &self.text, name, &known));
        }
        let n = u32::try_from(table.num_rows()).map_err(|_| {
            Error::expr_eval(&self.place, &self.text, "the table has too many rows")
        })?;
        let rows: Vec<u32> = (0..n).collect();
        let cx = eval::Ctx { table, env };
        eval::eval(&self.root, &cx, &rows)
            .map_err(|e| Error::expr_eval(&self.place, &self.text, &e))
    }

    /// Evaluates the expression on every row of `table` (a `calculate`): one value per row.
    pub fn eval_column(&self, table: &Table, env: &Env) -> Result<Column> {
        let vals = self.run(table, env)?;
        eval::to_column(vals, table.num_rows())
            .map_err(|e| Error::expr_result(&self.place, &self.text, &e))
    }

    /// The rows where the expression is truthy in JavaScript's sense (a `filter`), ascending.
    pub fn eval_filter(&self, table: &Table, env: &Env) -> Result<Vec<u32>> {
        let vals = self.run(table, env)?;
        let n = u32::try_from(table.num_rows()).unwrap_or(u32::MAX);
        Ok((0..n).filter(|&i| vals.truthy(i as usize)).collect())
    }
}
