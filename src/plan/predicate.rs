//! Vega-Lite filter predicates as expression text, the way Vega-Lite compiles them.
//!
//! Stage: plan. A field predicate becomes the same Vega expression Vega-Lite would emit
//! (`{"field": "a", "lt": 3}` -> `datum["a"]<3`), which the expression module then evaluates
//! column-wise; so predicates and expression strings share one evaluator and one semantics.

use super::params::ParamState;
use crate::data::value::js_number_string;
use crate::data::Value;
use crate::error::{Error, Result};
use crate::spec::transform::{FieldTest, Predicate};

/// The expression text of `pred`; `path` names it in errors. A chart without parameters: see
/// [`predicate_expr_with`].
pub fn predicate_expr(path: &str, pred: &Predicate) -> Result<String> {
    predicate_expr_with(path, pred, &ParamState::default())
}

/// The expression text of `pred`, with `{"param": ...}` predicates tested against the current
/// values in `params` (see [`ParamState::filter_expr`]).
pub fn predicate_expr_with(path: &str, pred: &Predicate, params: &ParamState) -> Result<String> {
    Ok(match pred {
        Predicate::Expr(text) => format!("({text})"),
        Predicate::And(parts) => join(path, "and", parts, "&&", "true", params)?,
        Predicate::Or(parts) => join(path, "or", parts, "||", "false", params)?,
        Predicate::Not(inner) => format!(
            "!({})",
            predicate_expr_with(&format!("{path}.not"), inner, params)?
        ),
        Predicate::Param { param, empty } => {
            format!("({})", params.filter_expr(path, param, *empty)?)
        }
        Predicate::Field {
            field,
            time_unit,
            test,
        } => {
            if time_unit.is_some() {
                return Err(Error::unsupported(
                    &format!("{path}.timeUnit"),
                    "a time unit in a field predicate",
                ));
            }
            field_test(&field_ref(field), test)
        }
    })
}

fn join(
    path: &str,
    key: &str,
    parts: &[Predicate],
    op: &str,
    empty: &str,
    params: &ParamState,
) -> Result<String> {
    if parts.is_empty() {
        return Ok(empty.to_string());
    }
    let texts = parts
        .iter()
        .enumerate()
        .map(|(i, p)| predicate_expr_with(&format!("{path}.{key}[{i}]"), p, params))
        .collect::<Result<Vec<_>>>()?;
    Ok(format!("({})", texts.join(&format!(" {op} "))))
}

/// `datum["name"]`, with the name as a JSON string literal.
fn field_ref(field: &str) -> String {
    let quoted = serde_json::to_string(field).unwrap_or_else(|_| "\"\"".to_string());
    format!("datum[{quoted}]")
}

/// A data value as an expression literal.
fn literal(v: &Value) -> String {
    match v {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => js_number_string(*n),
        Value::Str(s) => serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string()),
    }
}

fn field_test(f: &str, test: &FieldTest) -> String {
    match test {
        FieldTest::Equal(v) => format!("{f}==={}", literal(v)),
        FieldTest::Lt(v) => format!("{f}<{}", literal(v)),
        FieldTest::Lte(v) => format!("{f}<={}", literal(v)),
        FieldTest::Gt(v) => format!("{f}>{}", literal(v)),
        FieldTest::Gte(v) => format!("{f}>={}", literal(v)),
        FieldTest::Range(lo, hi) => match (lo, hi) {
            (Value::Null, Value::Null) => "true".to_string(),
            (lo, Value::Null) => format!("{f}>={}", literal(lo)),
            (Value::Null, hi) => format!("{f}<={}", literal(hi)),
            (lo, hi) => format!("inrange({f}, [{}, {}])", literal(lo), literal(hi)),
        },
        FieldTest::OneOf(values) => {
            let list: Vec<String> = values.iter().map(literal).collect();
            format!("indexof([{}], {f}) !== -1", list.join(","))
        }
        FieldTest::Valid(true) => format!("(isValid({f}) && isFinite(+{f}))"),
        FieldTest::Valid(false) => format!("(!isValid({f}) || !isFinite(+{f}))"),
    }
}

/// The implicit `format.parse` Vega-Lite adds for a field predicate: a number or string
/// compared with the field types it (`number`/`string`).
pub fn implicit_parse(pred: &Predicate, out: &mut Vec<(String, &'static str)>) {
    match pred {
        Predicate::And(parts) | Predicate::Or(parts) => {
            for p in parts {
                implicit_parse(p, out);
            }
        }
        Predicate::Not(inner) => implicit_parse(inner, out),
        Predicate::Field { field, test, .. } => {
            let value = match test {
                FieldTest::Equal(v)
                | FieldTest::Lt(v)
                | FieldTest::Lte(v)
                | FieldTest::Gt(v)
                | FieldTest::Gte(v) => Some(v),
                FieldTest::Range(lo, hi) => Some(if *lo == Value::Null { hi } else { lo }),
                FieldTest::OneOf(values) => values.first(),
                FieldTest::Valid(_) => None,
            };
            let kind = match value {
                Some(Value::Number(_)) => Some("number"),
                Some(Value::Str(_)) => Some("string"),
                _ => None,
            };
            if let Some(kind) = kind {
                out.retain(|(f, _)| f != field);
                out.push((field.clone(), kind));
            }
        }
        Predicate::Expr(_) | Predicate::Param { .. } => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(test: FieldTest) -> Predicate {
        Predicate::Field {
            field: "a b".into(),
            time_unit: None,
            test,
        }
    }

    #[test]
    fn field_predicates_compile_like_vega_lite() {
        let p = |t| predicate_expr("filter", &field(t)).unwrap();
        assert_eq!(
            p(FieldTest::Equal(Value::Str("x".into()))),
            r#"datum["a b"]==="x""#
        );
        assert_eq!(p(FieldTest::Lt(Value::Number(3.0))), r#"datum["a b"]<3"#);
        assert_eq!(
            p(FieldTest::Range(Value::Number(1.0), Value::Null)),
            r#"datum["a b"]>=1"#
        );
        assert_eq!(
            p(FieldTest::OneOf(vec![
                Value::Number(1.0),
                Value::Str("y".into())
            ])),
            r#"indexof([1,"y"], datum["a b"]) !== -1"#
        );
        let and = Predicate::And(vec![
            field(FieldTest::Valid(true)),
            Predicate::Expr("datum.c > 1".into()),
        ]);
        assert_eq!(
            predicate_expr("filter", &and).unwrap(),
            r#"((isValid(datum["a b"]) && isFinite(+datum["a b"])) && (datum.c > 1))"#
        );
    }

    #[test]
    fn implicit_parse_follows_the_compared_value() {
        let mut out = Vec::new();
        implicit_parse(
            &field(FieldTest::Range(Value::Number(1.0), Value::Number(2.0))),
            &mut out,
        );
        assert_eq!(out, vec![("a b".to_string(), "number")]);
    }
}
