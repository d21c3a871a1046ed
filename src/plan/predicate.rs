//! Vega-Lite filter predicates as expression text, the way Vega-Lite compiles them.
//!
//! Stage: plan. A field predicate becomes the same Vega expression Vega-Lite would emit
//! (`{"field": "a", "lt": 3}` -> `datum["a"]<3`), which the expression module then evaluates
//! column-wise; so predicates and expression strings share one evaluator and one semantics.

use serde_json::Value as Json;

use super::params::ParamState;
use crate::data::kernels::select::{self, Cmp};
use crate::data::kernels::timeunit::{parse_time_unit, TimePart};
use crate::data::value::js_number_string;
use crate::data::{Column, NumberColumn, Table};
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
            let unit = match time_unit {
                None => None,
                Some(json) => Some(predicate_time_unit(json).ok_or_else(|| {
                    Error::spec_shape(
                        &format!("{path}.timeUnit"),
                        &format!(
                            "unknown time unit {json} (for example year, yearmonth, binnedyearmonth)"
                        ),
                    )
                })?),
            };
            let raw = field_ref(field);
            let f = match &unit {
                // Vega-Lite floors the field to the unit inside the expression, then compares
                // times; a binned unit compares the (already floored) field itself.
                Some(u) if u.binned => format!("time({raw})"),
                Some(u) => format!("time({})", unit_field_expr(&u.parts, &raw)),
                None => raw,
            };
            field_test(&f, test, unit.as_ref())
        }
    })
}

/// `(column, lo, hi)` when `pred` is a `range` with two number bounds and no `timeUnit` on a
/// number column: the fused kernels test it in their own pass
/// ([`range_group_aggregate`](crate::data::kernels::fused::range_group_aggregate)), with the
/// rows [`fast_mask`] keeps.
pub fn range_of<'a>(pred: &Predicate, table: &'a Table) -> Option<(&'a NumberColumn, f64, f64)> {
    let Predicate::Field {
        field,
        time_unit: None,
        test: FieldTest::Range(Json::Number(lo), Json::Number(hi)),
    } = pred
    else {
        return None;
    };
    let Some(Column::Number(col)) = table.column(field) else {
        return None;
    };
    Some((col, lo.as_f64()?, hi.as_f64()?))
}

/// The rows `pred` keeps, computed column-wise without the expression evaluator, when every
/// leaf is a field comparison (`equal`, `lt`, `lte`, `gt`, `gte`, `range` with number bounds, no
/// `timeUnit`) on a number column, combined with `and`/`or`/`not`. `None` for any other shape:
/// the caller then evaluates [`predicate_expr_with`]'s text. The result equals that path's
/// (JavaScript's comparison of `null` as 0; `plan::exec`'s tests check it on random tables).
pub fn fast_mask(pred: &Predicate, table: &Table) -> Option<Vec<bool>> {
    let rows = table.num_rows();
    match pred {
        Predicate::And(parts) | Predicate::Or(parts) => {
            let and = matches!(pred, Predicate::And(_));
            let (first, rest) = parts.split_first()?;
            let mut acc = fast_mask(first, table)?;
            for p in rest {
                let m = fast_mask(p, table)?;
                for (a, b) in acc.iter_mut().zip(m) {
                    *a = if and { *a & b } else { *a | b };
                }
            }
            Some(acc)
        }
        Predicate::Not(inner) => {
            let mut m = fast_mask(inner, table)?;
            for a in &mut m {
                *a = !*a;
            }
            Some(m)
        }
        Predicate::Field {
            field,
            time_unit: None,
            test,
        } => {
            let Some(Column::Number(col)) = table.column(field) else {
                return None;
            };
            let num = |v: &Json| match v {
                Json::Number(n) => n.as_f64(),
                _ => None,
            };
            let cmp = match test {
                FieldTest::Equal(v) => Cmp::Eq(num(v)?),
                FieldTest::Lt(v) => Cmp::Lt(num(v)?),
                FieldTest::Lte(v) => Cmp::Lte(num(v)?),
                FieldTest::Gt(v) => Cmp::Gt(num(v)?),
                FieldTest::Gte(v) => Cmp::Gte(num(v)?),
                FieldTest::Range(Json::Null, Json::Null) => return Some(vec![true; rows]),
                FieldTest::Range(lo, Json::Null) => Cmp::Gte(num(lo)?),
                FieldTest::Range(Json::Null, hi) => Cmp::Lte(num(hi)?),
                FieldTest::Range(lo, hi) => Cmp::Range(num(lo)?, num(hi)?),
                FieldTest::OneOf(_) | FieldTest::Valid(_) => return None,
            };
            Some(select::mask(col, cmp, rows))
        }
        Predicate::Field { .. } | Predicate::Expr(_) | Predicate::Param { .. } => None,
    }
}

/// A predicate's time unit after Vega-Lite's `normalizeTimeUnit`: its parts and whether it is
/// `binned` (the field already holds unit starts).
struct PredicateUnit {
    parts: Vec<TimePart>,
    binned: bool,
}

fn predicate_time_unit(json: &Json) -> Option<PredicateUnit> {
    let (name, binned) = match json {
        Json::String(s) => match s.strip_prefix("binned") {
            Some(rest) => (rest, true),
            None => (s.as_str(), false),
        },
        Json::Object(o) => (
            o.get("unit").and_then(Json::as_str)?,
            o.get("binned").and_then(Json::as_bool).unwrap_or(false),
        ),
        _ => return None,
    };
    let unit = parse_time_unit(name)?;
    Some(PredicateUnit {
        parts: unit.parts,
        binned,
    })
}

/// Vega-Lite's `timeUnit.fieldExpr`: `datetime(year(f), month(f), 1, 0, 0, 0, 0)` with the
/// unit's parts (week and dayofyear take no part, as in Vega-Lite's `dateTimeParts`).
fn unit_field_expr(parts: &[TimePart], f: &str) -> String {
    let has = |p: TimePart| parts.contains(&p);
    let part = |p: TimePart, name: &str| has(p).then(|| format!("{name}({f})"));
    let year = part(TimePart::Year, "year").unwrap_or_else(|| "2012".to_string());
    let month = part(TimePart::Month, "month")
        .or_else(|| has(TimePart::Quarter).then(|| format!("(quarter({f})-1)*3")))
        .unwrap_or_else(|| "0".to_string());
    let date = part(TimePart::Date, "date")
        .or_else(|| part(TimePart::Day, "day").map(|d| format!("{d}+1")))
        .unwrap_or_else(|| "1".to_string());
    let time = [
        (TimePart::Hours, "hours"),
        (TimePart::Minutes, "minutes"),
        (TimePart::Seconds, "seconds"),
        (TimePart::Milliseconds, "milliseconds"),
    ]
    .map(|(p, name)| part(p, name).unwrap_or_else(|| "0".to_string()));
    format!("datetime({year}, {month}, {date}, {})", time.join(", "))
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

/// Whether a JSON value is a Vega-Lite `DateTime` object (it has a time-unit part).
fn is_date_time(v: &Json) -> bool {
    const PARTS: [&str; 11] = [
        "year",
        "quarter",
        "month",
        "week",
        "day",
        "dayofyear",
        "date",
        "hours",
        "minutes",
        "seconds",
        "milliseconds",
    ];
    v.as_object()
        .is_some_and(|o| PARTS.iter().any(|p| o.contains_key(*p)))
}

/// A JSON scalar as an expression literal.
fn json_literal(v: &Json) -> String {
    match v {
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => n.as_f64().map_or("null".to_string(), js_number_string),
        Json::String(s) => serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string()),
        _ => "null".to_string(),
    }
}

/// Vega-Lite's `dateTimeToExpr` of a `DateTime` object: 1-based months and quarters, day
/// names, `day` dropped when other parts are given, year 2012 by default.
fn date_time_expr(o: &serde_json::Map<String, Json>) -> String {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    const DAYS: [&str; 7] = [
        "sunday",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
    ];
    let named = |v: &Json, names: &[&str]| -> Option<f64> {
        let s = v.as_str()?.to_lowercase();
        let short: String = s.chars().take(3).collect();
        names
            .iter()
            .position(|n| *n == s)
            .or_else(|| {
                names
                    .iter()
                    .position(|n| n.starts_with(&short) && short.len() == 3)
            })
            .map(|i| i as f64)
    };
    let numeric = |v: &Json| match v {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    let text = |v: &Json| match v {
        Json::Number(n) => n.as_f64().map_or("null".to_string(), js_number_string),
        other => json_literal(other),
    };
    let num = |v: f64| js_number_string(v);
    let year = o.get("year").map_or("2012".to_string(), text);
    let month = if let Some(m) = o.get("month") {
        numeric(m)
            .map(|m| m - 1.0)
            .or_else(|| named(m, &MONTHS))
            .map_or_else(|| text(m), num)
    } else if let Some(q) = o.get("quarter") {
        numeric(q).map_or_else(|| format!("{}*3", text(q)), |q| num((q - 1.0) * 3.0))
    } else {
        "0".to_string()
    };
    let day = o.get("day").filter(|_| o.len() == 1);
    let date = if let Some(d) = o.get("date") {
        text(d)
    } else if let Some(d) = day {
        numeric(d)
            .map(|d| d % 7.0)
            .or_else(|| named(d, &DAYS))
            .map_or_else(|| format!("{}+1", text(d)), |d| num(d + 1.0))
    } else {
        "1".to_string()
    };
    let time = ["hours", "minutes", "seconds", "milliseconds"]
        .map(|k| o.get(k).map_or("0".to_string(), text))
        .join(", ");
    let func = if o.get("utc").and_then(Json::as_bool) == Some(true) {
        "utc"
    } else {
        "datetime"
    };
    format!("{func}({year}, {month}, {date}, {time})")
}

/// Vega-Lite's `valueExpr(v, {timeUnit, wrapTime: true})` for a predicate operand.
fn literal(v: &Json, unit: Option<&PredicateUnit>) -> String {
    if let Json::Object(o) = v {
        if is_date_time(v) {
            return format!("time({})", date_time_expr(o));
        }
    }
    let Some(unit) = unit else {
        return json_literal(v);
    };
    let scalar = match v {
        Json::Number(_) | Json::String(_) => v,
        _ => return json_literal(v),
    };
    // A single unit compares with a number of that unit (`year: 2006`, `month: 1`), or a
    // name that is not a date (`month: "Jan"`).
    let single = match unit.parts.as_slice() {
        [p] => Some(*p),
        _ => None,
    };
    let as_part = match scalar {
        Json::Number(n) => n.as_f64().is_some_and(|n| n < 10000.0),
        Json::String(s) => crate::data::parse::date::parse_date(s).is_none(),
        _ => false,
    };
    if let (Some(part), true) = (single, as_part) {
        let name = crate::data::kernels::timeunit::part_name(part);
        let mut o = serde_json::Map::new();
        o.insert(name.to_string(), scalar.clone());
        return format!("time({})", date_time_expr(&o));
    }
    format!("time(datetime({}))", json_literal(scalar))
}

fn field_test(f: &str, test: &FieldTest, unit: Option<&PredicateUnit>) -> String {
    let literal = |v: &Json| literal(v, unit);
    match test {
        FieldTest::Equal(v) => format!("{f}==={}", literal(v)),
        FieldTest::Lt(v) => format!("{f}<{}", literal(v)),
        FieldTest::Lte(v) => format!("{f}<={}", literal(v)),
        FieldTest::Gt(v) => format!("{f}>{}", literal(v)),
        FieldTest::Gte(v) => format!("{f}>={}", literal(v)),
        FieldTest::Range(lo, hi) => match (lo, hi) {
            (Json::Null, Json::Null) => "true".to_string(),
            (lo, Json::Null) => format!("{f}>={}", literal(lo)),
            (Json::Null, hi) => format!("{f}<={}", literal(hi)),
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
        Predicate::Field {
            field,
            test,
            time_unit,
        } => {
            let value = match test {
                FieldTest::Equal(v)
                | FieldTest::Lt(v)
                | FieldTest::Lte(v)
                | FieldTest::Gt(v)
                | FieldTest::Gte(v) => Some(v),
                FieldTest::Range(lo, _) => Some(lo),
                FieldTest::OneOf(values) => values.first(),
                FieldTest::Valid(_) => None,
            };
            // Vega-Lite tests the value for truth first (`if (val)`): 0 and "" type nothing.
            let kind = match value {
                _ if time_unit.is_some() => Some("date"),
                Some(v) if is_date_time(v) => Some("date"),
                Some(Json::Number(n)) if n.as_f64() != Some(0.0) => Some("number"),
                Some(Json::String(s)) if !s.is_empty() => Some("string"),
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

    /// A random predicate tree over the number columns `n` (nulls) and `x` (nulls and valid
    /// `NaN`), with a few leaves the fast path declines (string column, `oneOf`).
    fn random_predicate(rng: &mut crate::data::kernels::test_util::Rng, depth: u32) -> Predicate {
        let c = |rng: &mut crate::data::kernels::test_util::Rng| {
            let v = [-1.0, 0.0, 0.5, 1.0, 2.25, 3.0, -0.0];
            serde_json::json!(v.get(rng.below(7) as usize).copied().unwrap_or(0.0))
        };
        let pick = rng.below(if depth == 0 { 10 } else { 13 });
        let field = if rng.below(2) == 0 { "n" } else { "x" };
        let leaf = |test| Predicate::Field {
            field: field.into(),
            time_unit: None,
            test,
        };
        match pick {
            0 => leaf(FieldTest::Equal(c(rng))),
            1 => leaf(FieldTest::Lt(c(rng))),
            2 => leaf(FieldTest::Lte(c(rng))),
            3 => leaf(FieldTest::Gt(c(rng))),
            4 => leaf(FieldTest::Gte(c(rng))),
            5 => leaf(FieldTest::Range(c(rng), c(rng))),
            6 => leaf(FieldTest::Range(Json::Null, c(rng))),
            7 => leaf(FieldTest::Range(c(rng), Json::Null)),
            8 => Predicate::Field {
                field: "g".into(),
                time_unit: None,
                test: FieldTest::Equal(serde_json::json!("a")),
            },
            9 => leaf(FieldTest::OneOf(vec![c(rng)])),
            10 => Predicate::Not(Box::new(random_predicate(rng, depth - 1))),
            11 => Predicate::And(vec![
                random_predicate(rng, depth - 1),
                random_predicate(rng, depth - 1),
            ]),
            _ => Predicate::Or(vec![
                random_predicate(rng, depth - 1),
                random_predicate(rng, depth - 1),
            ]),
        }
    }

    #[test]
    fn fast_mask_equals_the_expression_path() {
        use crate::data::kernels::test_util::{random_table, Rng};
        use crate::data::{Bitmap, Column, NumberColumn};
        let mut rng = Rng(0x5eed_f00d);
        let mut fast = 0;
        for _ in 0..400 {
            let mut t = random_table(&mut rng, 150);
            // `x`: numbers, nulls and valid NaN (a column built directly, not by `push`).
            let mut values = Vec::new();
            let mut valid = Bitmap::new();
            for _ in 0..t.num_rows() {
                let (v, ok) = match rng.below(6) {
                    0 => (f64::NAN, false),
                    1 => (f64::NAN, true),
                    2 => (-(rng.below(3) as f64), true),
                    _ => (rng.below(8) as f64 / 4.0, true),
                };
                values.push(v);
                valid.push(ok);
            }
            t.push_column("x", Column::Number(NumberColumn { values, valid }))
                .unwrap();
            let pred = random_predicate(&mut rng, 2);
            let text = predicate_expr("filter", &pred).unwrap();
            let want = crate::expr::parse(&text)
                .unwrap()
                .eval_filter(&t, &crate::expr::Env::new())
                .unwrap();
            if let Some(mask) = fast_mask(&pred, &t) {
                fast += 1;
                assert_eq!(select::selection(&mask), want, "{text}");
            }
        }
        assert!(fast > 150, "the fast path ran only {fast} times");
    }

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
            p(FieldTest::Equal(serde_json::json!("x"))),
            r#"datum["a b"]==="x""#
        );
        assert_eq!(p(FieldTest::Lt(serde_json::json!(3))), r#"datum["a b"]<3"#);
        assert_eq!(
            p(FieldTest::Range(serde_json::json!(1), Json::Null)),
            r#"datum["a b"]>=1"#
        );
        assert_eq!(
            p(FieldTest::OneOf(vec![
                serde_json::json!(1),
                serde_json::json!("y")
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
    fn time_unit_predicates_compare_floored_times_like_vega_lite() {
        let pred = |unit: Json, test| Predicate::Field {
            field: "d".into(),
            time_unit: Some(unit),
            test,
        };
        let year = pred(
            serde_json::json!("year"),
            FieldTest::Range(serde_json::json!(2006), serde_json::json!(2007)),
        );
        assert_eq!(
            predicate_expr("filter", &year).unwrap(),
            r#"inrange(time(datetime(year(datum["d"]), 0, 1, 0, 0, 0, 0)), [time(datetime(2006, 0, 1, 0, 0, 0, 0)), time(datetime(2007, 0, 1, 0, 0, 0, 0))])"#
        );
        let binned = pred(
            serde_json::json!("binnedyearmonth"),
            FieldTest::Lte(serde_json::json!({"year": 2005, "month": "Mar"})),
        );
        assert_eq!(
            predicate_expr("filter", &binned).unwrap(),
            r#"time(datum["d"])<=time(datetime(2005, 2, 1, 0, 0, 0, 0))"#
        );
        let quarter = pred(
            serde_json::json!("yearquarter"),
            FieldTest::Equal(serde_json::json!("2006-04-01")),
        );
        assert_eq!(
            predicate_expr("filter", &quarter).unwrap(),
            r#"time(datetime(year(datum["d"]), (quarter(datum["d"])-1)*3, 1, 0, 0, 0, 0))===time(datetime("2006-04-01"))"#
        );
        let bad = pred(serde_json::json!("yaer"), FieldTest::Valid(true));
        assert_eq!(
            predicate_expr("filter", &bad).unwrap_err().place(),
            "filter.timeUnit"
        );
    }

    #[test]
    fn implicit_parse_follows_the_compared_value() {
        let mut out = Vec::new();
        implicit_parse(
            &field(FieldTest::Range(serde_json::json!(1), serde_json::json!(2))),
            &mut out,
        );
        assert_eq!(out, vec![("a b".to_string(), "number")]);
    }
}
