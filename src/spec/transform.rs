//! Vega-Lite's `transform` array, read from JSON into typed transforms.
//!
//! Stage: spec. Each entry is recognised by its defining key (`filter`, `calculate`,
//! `aggregate`, ...), checked for the properties it needs, and returned as a [`Transform`].
//! Unsupported transforms (`lookup`, `impute`, `regression`, ...) are errors naming
//! `transform[i]`. Expression strings are kept as text here; the planner parses them.

use serde_json::{Map, Value as Json};

use crate::data::Value;
use crate::error::{Error, Result};

/// One aggregate or window operation: `{op, field, as}`.
#[derive(Clone, Debug, PartialEq)]
pub struct OpDef {
    /// The op name as written (`sum`, `rank`, ...).
    pub op: String,
    /// The input field, if the op takes one.
    pub field: Option<String>,
    /// The op's parameter (`ntile`, `lag` offsets, `nth_value`).
    pub param: Option<f64>,
    /// The output field.
    pub as_name: String,
}

/// Sort order of a sort field.
#[derive(Clone, Debug, PartialEq)]
pub struct SortField {
    /// The field.
    pub field: String,
    /// Largest first.
    pub descending: bool,
}

/// A field predicate or a logical composition (`filter` objects).
#[derive(Clone, Debug, PartialEq)]
pub enum Predicate {
    /// An expression string.
    Expr(String),
    /// `{"field": f, "equal": v}` and the other comparisons, with an optional time unit.
    Field {
        /// The field.
        field: String,
        /// A time unit applied to the field before comparing, as written (a name such as
        /// `year` or `binnedyearmonth`, or a `{unit, utc, binned}` object).
        time_unit: Option<Json>,
        /// The test.
        test: FieldTest,
    },
    /// All of these.
    And(Vec<Predicate>),
    /// Any of these.
    Or(Vec<Predicate>),
    /// Not this.
    Not(Box<Predicate>),
    /// A selection parameter (`{"param": "brush"}`).
    Param {
        /// The parameter name.
        param: String,
        /// Whether an empty selection selects everything.
        empty: bool,
    },
}

/// The test of a field predicate. Operands are kept as written: a scalar, or a Vega-Lite
/// `DateTime` object (`{"year": 2005, "month": 1}`), which the planner turns into a time.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldTest {
    /// `equal`.
    Equal(Json),
    /// `lt`.
    Lt(Json),
    /// `lte`.
    Lte(Json),
    /// `gt`.
    Gt(Json),
    /// `gte`.
    Gte(Json),
    /// `range: [min, max]` (either end may be null).
    Range(Json, Json),
    /// `oneOf: [...]`.
    OneOf(Vec<Json>),
    /// `valid: bool`.
    Valid(bool),
}

/// One entry of `transform`.
#[derive(Clone, Debug, PartialEq)]
pub enum Transform {
    /// `filter`.
    Filter(Predicate),
    /// `calculate` with `as`.
    Calculate {
        /// The expression.
        expr: String,
        /// The output field.
        as_name: String,
    },
    /// `aggregate` with `groupby`.
    Aggregate {
        /// The ops.
        ops: Vec<OpDef>,
        /// Group fields.
        groupby: Vec<String>,
    },
    /// `joinaggregate` with `groupby`.
    JoinAggregate {
        /// The ops.
        ops: Vec<OpDef>,
        /// Group fields.
        groupby: Vec<String>,
    },
    /// `bin` with `field` and `as`.
    Bin {
        /// The bin parameters (`true` or an object), as written.
        bin: Json,
        /// The input field.
        field: String,
        /// Output fields: start and end.
        as_names: [String; 2],
    },
    /// `timeUnit` with `field` and `as`.
    TimeUnit {
        /// The unit, as written (`yearmonth`, `utcmonth`, or an object).
        unit: Json,
        /// The input field.
        field: String,
        /// The output field.
        as_name: String,
    },
    /// `window`.
    Window {
        /// The ops.
        ops: Vec<OpDef>,
        /// Group fields.
        groupby: Vec<String>,
        /// Sort fields.
        sort: Vec<SortField>,
        /// The frame `[lower, upper]` (null = unbounded).
        frame: [Option<f64>; 2],
        /// Whether peers (ties in sort) are treated as one.
        ignore_peers: bool,
    },
    /// `fold`.
    Fold {
        /// The folded fields.
        fields: Vec<String>,
        /// Output names for key and value.
        as_names: [String; 2],
    },
    /// `stack`.
    Stack {
        /// The stacked field.
        field: String,
        /// Group fields.
        groupby: Vec<String>,
        /// `zero`, `normalize` or `center`.
        offset: String,
        /// Sort fields.
        sort: Vec<SortField>,
        /// Output names for start and end.
        as_names: [String; 2],
    },
}

/// Transforms storychart recognises but does not implement.
const UNSUPPORTED: &[&str] = &[
    "lookup",
    "impute",
    "regression",
    "loess",
    "density",
    "quantile",
    "pivot",
    "sample",
    "flatten",
    "extent",
];

/// Reads `transform[index]`.
pub fn parse_transform(index: usize, json: &Json) -> Result<Transform> {
    let path = format!("transform[{index}]");
    let Json::Object(obj) = json else {
        return Err(Error::spec_shape(&path, "expected an object"));
    };
    let has = |k: &str| obj.contains_key(k);
    if has("filter") {
        let pred = parse_predicate(&format!("{path}.filter"), obj.get("filter"), 0)?;
        return Ok(Transform::Filter(pred));
    }
    if has("calculate") {
        return Ok(Transform::Calculate {
            expr: string(&path, obj, "calculate")?,
            as_name: string(&path, obj, "as")?,
        });
    }
    if has("aggregate") || has("joinaggregate") {
        let key = if has("aggregate") {
            "aggregate"
        } else {
            "joinaggregate"
        };
        let ops = ops(&format!("{path}.{key}"), obj.get(key))?;
        let groupby = strings(&format!("{path}.groupby"), obj.get("groupby"))?;
        return Ok(if key == "aggregate" {
            Transform::Aggregate { ops, groupby }
        } else {
            Transform::JoinAggregate { ops, groupby }
        });
    }
    if has("bin") {
        let field = string(&path, obj, "field")?;
        let as_names = match obj.get("as") {
            Some(Json::String(s)) => [s.clone(), format!("{s}_end")],
            Some(Json::Array(a)) => match (a.first(), a.get(1)) {
                (Some(Json::String(s)), Some(Json::String(e))) => [s.clone(), e.clone()],
                _ => {
                    return Err(Error::spec_shape(
                        &format!("{path}.as"),
                        "expected [start, end] names",
                    ))
                }
            },
            _ => return Err(Error::spec_missing(&format!("{path}.as"), "\"as\"")),
        };
        let bin = obj.get("bin").cloned().unwrap_or(Json::Bool(true));
        return Ok(Transform::Bin {
            bin,
            field,
            as_names,
        });
    }
    if has("timeUnit") {
        return Ok(Transform::TimeUnit {
            unit: obj.get("timeUnit").cloned().unwrap_or(Json::Null),
            field: string(&path, obj, "field")?,
            as_name: string(&path, obj, "as")?,
        });
    }
    if has("window") {
        let frame = match obj.get("frame") {
            None => [None, Some(0.0)],
            Some(Json::Array(a)) if a.len() == 2 => [
                a.first().and_then(Json::as_f64),
                a.get(1).and_then(Json::as_f64),
            ],
            Some(_) => {
                return Err(Error::spec_shape(
                    &format!("{path}.frame"),
                    "expected [lower, upper]",
                ))
            }
        };
        return Ok(Transform::Window {
            ops: ops(&format!("{path}.window"), obj.get("window"))?,
            groupby: strings(&format!("{path}.groupby"), obj.get("groupby"))?,
            sort: sort_fields(&format!("{path}.sort"), obj.get("sort"))?,
            frame,
            ignore_peers: obj
                .get("ignorePeers")
                .and_then(Json::as_bool)
                .unwrap_or(false),
        });
    }
    if has("fold") {
        let fields = strings(&format!("{path}.fold"), obj.get("fold"))?;
        let names = strings(&format!("{path}.as"), obj.get("as"))?;
        let as_names = match names.as_slice() {
            [] => ["key".to_string(), "value".to_string()],
            [k, v] => [k.clone(), v.clone()],
            _ => {
                return Err(Error::spec_shape(
                    &format!("{path}.as"),
                    "expected [key, value] names",
                ))
            }
        };
        return Ok(Transform::Fold { fields, as_names });
    }
    if has("stack") {
        let names = strings(&format!("{path}.as"), obj.get("as"))?;
        let [start, end] = match names.as_slice() {
            [s, e] => [s.clone(), e.clone()],
            _ => {
                return Err(Error::spec_shape(
                    &format!("{path}.as"),
                    "expected [start, end] names",
                ))
            }
        };
        return Ok(Transform::Stack {
            field: string(&path, obj, "stack")?,
            groupby: strings(&format!("{path}.groupby"), obj.get("groupby"))?,
            offset: obj
                .get("offset")
                .and_then(Json::as_str)
                .unwrap_or("zero")
                .to_string(),
            sort: sort_fields(&format!("{path}.sort"), obj.get("sort"))?,
            as_names: [start, end],
        });
    }
    let name = obj.keys().find(|k| UNSUPPORTED.contains(&k.as_str()));
    let name = name
        .or_else(|| obj.keys().next())
        .cloned()
        .unwrap_or_default();
    Err(Error::unsupported(
        &path,
        &format!("the \"{name}\" transform"),
    ))
}

fn string(path: &str, obj: &Map<String, Json>, key: &str) -> Result<String> {
    match obj.get(key) {
        Some(Json::String(s)) => Ok(s.clone()),
        Some(_) => Err(Error::spec_shape(
            &format!("{path}.{key}"),
            "expected a string",
        )),
        None => Err(Error::spec_missing(
            &format!("{path}.{key}"),
            &format!("\"{key}\""),
        )),
    }
}

fn strings(path: &str, json: Option<&Json>) -> Result<Vec<String>> {
    match json {
        None | Some(Json::Null) => Ok(Vec::new()),
        Some(Json::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| match v {
                Json::String(s) => Ok(s.clone()),
                _ => Err(Error::spec_shape(
                    &format!("{path}[{i}]"),
                    "expected a field name",
                )),
            })
            .collect(),
        Some(_) => Err(Error::spec_shape(path, "expected an array of field names")),
    }
}

fn ops(path: &str, json: Option<&Json>) -> Result<Vec<OpDef>> {
    let Some(Json::Array(items)) = json else {
        return Err(Error::spec_shape(
            path,
            "expected an array of {op, field, as}",
        ));
    };
    objects(path, items, "{op, field, as}", |p, o| {
        Ok(OpDef {
            op: string(p, o, "op")?,
            field: o.get("field").and_then(Json::as_str).map(str::to_string),
            param: o.get("param").and_then(Json::as_f64),
            as_name: string(p, o, "as")?,
        })
    })
}

fn sort_fields(path: &str, json: Option<&Json>) -> Result<Vec<SortField>> {
    let items = match json {
        None => return Ok(Vec::new()),
        Some(Json::Array(items)) => items,
        Some(_) => {
            return Err(Error::spec_shape(
                path,
                "expected an array of {field, order}",
            ))
        }
    };
    objects(path, items, "{field, order}", |p, o| {
        Ok(SortField {
            field: string(p, o, "field")?,
            descending: o.get("order").and_then(Json::as_str) == Some("descending"),
        })
    })
}

/// Reads every entry of an array of objects with `read`, naming `path[i]` in errors.
fn objects<T>(
    path: &str,
    items: &[Json],
    what: &str,
    read: impl Fn(&str, &Map<String, Json>) -> Result<T>,
) -> Result<Vec<T>> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let p = format!("{path}[{i}]");
            let Json::Object(o) = item else {
                return Err(Error::spec_shape(&p, &format!("expected {what}")));
            };
            read(&p, o)
        })
        .collect()
}

/// A JSON scalar as a data value (dates as written; the planner converts them).
pub fn json_value(json: &Json) -> Value {
    match json {
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => n.as_f64().map_or(Value::Null, Value::Number),
        Json::String(s) => Value::Str(s.clone()),
        _ => Value::Null,
    }
}

const MAX_DEPTH: usize = 64;

fn parse_predicate(path: &str, json: Option<&Json>, depth: usize) -> Result<Predicate> {
    if depth > MAX_DEPTH {
        return Err(Error::spec_shape(path, "predicates nest too deeply"));
    }
    let obj = match json {
        Some(Json::String(expr)) => return Ok(Predicate::Expr(expr.clone())),
        Some(Json::Object(obj)) => obj,
        _ => {
            return Err(Error::spec_shape(
                path,
                "expected an expression string or a predicate object",
            ))
        }
    };
    let list = |key: &str| -> Result<Vec<Predicate>> {
        let p = format!("{path}.{key}");
        let Some(Json::Array(items)) = obj.get(key) else {
            return Err(Error::spec_shape(&p, "expected an array of predicates"));
        };
        items
            .iter()
            .enumerate()
            .map(|(i, it)| parse_predicate(&format!("{p}[{i}]"), Some(it), depth + 1))
            .collect()
    };
    if obj.contains_key("and") {
        return Ok(Predicate::And(list("and")?));
    }
    if obj.contains_key("or") {
        return Ok(Predicate::Or(list("or")?));
    }
    if let Some(inner) = obj.get("not") {
        let p = parse_predicate(&format!("{path}.not"), Some(inner), depth + 1)?;
        return Ok(Predicate::Not(Box::new(p)));
    }
    if let Some(Json::String(param)) = obj.get("param") {
        let empty = obj.get("empty").and_then(Json::as_bool).unwrap_or(true);
        return Ok(Predicate::Param {
            param: param.clone(),
            empty,
        });
    }
    let field = string(path, obj, "field")?;
    let time_unit = obj.get("timeUnit").filter(|t| !t.is_null()).cloned();
    let scalar = |k: &str| obj.get(k).cloned();
    let test = if let Some(v) = scalar("equal") {
        FieldTest::Equal(v)
    } else if let Some(v) = scalar("lt") {
        FieldTest::Lt(v)
    } else if let Some(v) = scalar("lte") {
        FieldTest::Lte(v)
    } else if let Some(v) = scalar("gt") {
        FieldTest::Gt(v)
    } else if let Some(v) = scalar("gte") {
        FieldTest::Gte(v)
    } else if let Some(Json::Array(r)) = obj.get("range") {
        let end = |i: usize| r.get(i).cloned().unwrap_or(Json::Null);
        FieldTest::Range(end(0), end(1))
    } else if let Some(Json::Array(items)) = obj.get("oneOf").or_else(|| obj.get("in")) {
        FieldTest::OneOf(items.clone())
    } else if let Some(Json::Bool(v)) = obj.get("valid") {
        FieldTest::Valid(*v)
    } else {
        return Err(Error::spec_shape(
            path,
            "a field predicate needs one of equal, lt, lte, gt, gte, range, oneOf or valid",
        ));
    };
    Ok(Predicate::Field {
        field,
        time_unit,
        test,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Transform> {
        parse_transform(2, &serde_json::from_str(json).unwrap())
    }

    #[test]
    fn reads_each_transform_by_its_key() {
        assert_eq!(
            parse(r#"{"calculate": "datum.a * 2", "as": "b"}"#).unwrap(),
            Transform::Calculate {
                expr: "datum.a * 2".into(),
                as_name: "b".into()
            }
        );
        let Transform::Aggregate { ops, groupby } =
            parse(r#"{"aggregate": [{"op": "mean", "field": "x", "as": "m"}], "groupby": ["g"]}"#)
                .unwrap()
        else {
            panic!()
        };
        assert_eq!(ops[0].op, "mean");
        assert_eq!(groupby, vec!["g"]);
        let Transform::Window { frame, .. } =
            parse(r#"{"window": [{"op": "rank", "as": "r"}]}"#).unwrap()
        else {
            panic!()
        };
        assert_eq!(frame, [None, Some(0.0)]);
        let Transform::Bin { as_names, .. } =
            parse(r#"{"bin": true, "field": "x", "as": "b"}"#).unwrap()
        else {
            panic!()
        };
        assert_eq!(as_names, ["b".to_string(), "b_end".to_string()]);
    }

    #[test]
    fn predicates_nest() {
        let t = parse(
            r#"{"filter": {"and": [{"field": "a", "range": [1, null]}, {"not": "datum.b"}]}}"#,
        )
        .unwrap();
        let Transform::Filter(Predicate::And(parts)) = t else {
            panic!()
        };
        assert_eq!(
            parts[0],
            Predicate::Field {
                field: "a".into(),
                time_unit: None,
                test: FieldTest::Range(serde_json::json!(1), Json::Null)
            }
        );
        assert_eq!(
            parts[1],
            Predicate::Not(Box::new(Predicate::Expr("datum.b".into())))
        );
    }

    #[test]
    fn errors_name_the_transform() {
        let e = parse(r#"{"lookup": "id", "from": {}}"#).unwrap_err();
        assert_eq!(e.to_string(), "transform[2]: the \"lookup\" transform is not supported by storychart; see the supported subset in README.md");
        let e = parse(r#"{"calculate": "1"}"#).unwrap_err();
        assert_eq!(e.place(), "transform[2].as");
        let e = parse(r#"{"filter": {"field": "a"}}"#).unwrap_err();
        assert_eq!(e.place(), "transform[2].filter");
    }
}
