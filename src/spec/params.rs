//! Vega-Lite `params`: variable and selection parameters, read from JSON into [`Param`]s.
//!
//! Stage: spec. [`parse_params`] checks every entry of the top-level `params` array (names
//! unique, `select` and `bind` of a shape Vega-Lite allows) and keeps what later stages need:
//! the name, the kind, the initial `value` or `expr`, and `bind` as JSON for the host's
//! widgets. Errors name the JSON path (`params[2].select.type`). [`eval_exprs`] computes `expr`
//! parameters from the others with the expression module, as Vega's signal `update`s do. The
//! runtime state of the parameters (current values, selection stores) is
//! [`crate::plan::ParamState`].

use serde_json::{Map, Value as Json};

use crate::data::Table;
use crate::error::{Error, Result};
use crate::expr::{self, Env};

/// Point or interval selection (`select.type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SelectKind {
    /// `point`: discrete values, by clicking marks or legend entries.
    Point,
    /// `interval`: a range per field, by brushing.
    Interval,
}

/// A selection parameter's `select`, with the shorthand (`"point"`) expanded.
#[derive(Clone, Debug, PartialEq)]
pub struct SelectionDef {
    /// Point or interval.
    pub kind: SelectKind,
    /// `fields`: the data fields the selection projects onto.
    pub fields: Vec<String>,
    /// `encodings`: the channels (`x`, `color`) whose fields the selection projects onto.
    pub encodings: Vec<String>,
    /// `on`: the triggering event stream, as written.
    pub on: Option<Json>,
    /// `clear`: the clearing event stream, or `false`.
    pub clear: Option<Json>,
    /// `toggle`: the predicate that adds to a point selection instead of replacing it.
    pub toggle: Option<Json>,
    /// `nearest`: select the nearest mark to the pointer.
    pub nearest: bool,
    /// The other `select` properties Vega-Lite allows (`resolve`, `mark`, `translate`, `zoom`).
    pub other: Map<String, Json>,
}

/// What a parameter is.
#[derive(Clone, Debug, PartialEq)]
pub enum ParamKind {
    /// A variable parameter: a value, or an expression over other parameters.
    Variable {
        /// `expr`: recomputed from the other parameters; overrides `value`.
        expr: Option<String>,
    },
    /// A selection parameter.
    Selection(SelectionDef),
}

/// One entry of `params`.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// Its index in `params`, for error paths.
    pub index: usize,
    /// `name`, unique among the spec's parameters.
    pub name: String,
    /// Variable or selection.
    pub kind: ParamKind,
    /// `value`: the initial value (a selection's initial selection), if given.
    pub value: Option<Json>,
    /// `bind`: input widget(s), `"legend"` or `"scales"`, as written.
    pub bind: Option<Json>,
}

impl Param {
    /// The JSON path of this parameter (`params[2]`).
    pub fn path(&self) -> String {
        format!("params[{}]", self.index)
    }

    /// The selection definition, for selection parameters.
    pub fn selection(&self) -> Option<&SelectionDef> {
        match &self.kind {
            ParamKind::Selection(def) => Some(def),
            ParamKind::Variable { .. } => None,
        }
    }
}

const VARIABLE_KEYS: &[&str] = &["name", "value", "bind", "expr", "react"];
const SELECTION_KEYS: &[&str] = &["name", "value", "bind", "select", "views"];
const SELECT_KEYS: &[&str] = &[
    "type",
    "fields",
    "encodings",
    "on",
    "clear",
    "toggle",
    "nearest",
    "resolve",
    "mark",
    "translate",
    "zoom",
];

/// Reads the top-level `params` array.
///
/// ```
/// use serde_json::json;
/// use storychart::spec::params::{parse_params, ParamKind, SelectKind};
///
/// let params = parse_params(&json!([
///     {"name": "minYear", "value": 1980, "bind": {"input": "range", "min": 1970, "max": 1982}},
///     {"name": "brush", "select": {"type": "interval", "encodings": ["x"]}}
/// ])).unwrap();
/// assert_eq!(params[0].value, Some(json!(1980)));
/// assert_eq!(params[1].selection().unwrap().kind, SelectKind::Interval);
/// let e = parse_params(&json!([{"name": "s", "select": {"type": "lasso"}}])).unwrap_err();
/// assert_eq!(e.place(), "params[0].select.type");
/// ```
pub fn parse_params(json: &Json) -> Result<Vec<Param>> {
    let Json::Array(entries) = json else {
        return Err(Error::spec_shape(
            "params",
            "expected an array of parameter objects",
        ));
    };
    let mut out: Vec<Param> = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        let param = parse_param(index, entry)?;
        if out.iter().any(|p| p.name == param.name) {
            return Err(Error::duplicate_param(
                &format!("params[{index}].name"),
                &param.name,
            ));
        }
        out.push(param);
    }
    Ok(out)
}

fn parse_param(index: usize, json: &Json) -> Result<Param> {
    let path = format!("params[{index}]");
    let Json::Object(obj) = json else {
        return Err(Error::spec_shape(
            &path,
            "expected a parameter object with a \"name\"",
        ));
    };
    let name = match obj.get("name") {
        Some(Json::String(s)) if is_identifier(s) => s.clone(),
        Some(Json::String(s)) => {
            return Err(Error::spec_shape(
                &format!("{path}.name"),
                &format!("\"{s}\" is not a valid parameter name (use letters, digits, _ and $, not starting with a digit)"),
            ))
        }
        Some(_) => return Err(Error::spec_shape(&format!("{path}.name"), "expected a string")),
        None => return Err(Error::spec_missing(&format!("{path}.name"), "\"name\"")),
    };
    let select = obj.get("select");
    let allowed = if select.is_some() {
        SELECTION_KEYS
    } else {
        VARIABLE_KEYS
    };
    if let Some(key) = obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        let what = if select.is_some() {
            "a selection parameter"
        } else {
            "a variable parameter"
        };
        return Err(Error::spec_shape(
            &format!("{path}.{key}"),
            &format!("\"{key}\" is not a property of {what}"),
        ));
    }
    let kind = match select {
        Some(select) => ParamKind::Selection(parse_select(&format!("{path}.select"), select)?),
        None => ParamKind::Variable {
            expr: match obj.get("expr") {
                None => None,
                Some(Json::String(s)) => {
                    expr::parse_at(&format!("{path}.expr"), s)?;
                    Some(s.clone())
                }
                Some(_) => {
                    return Err(Error::spec_shape(
                        &format!("{path}.expr"),
                        "expected an expression string",
                    ))
                }
            },
        },
    };
    let bind = obj.get("bind").cloned();
    if let Some(bind) = &bind {
        check_bind(&format!("{path}.bind"), bind, &kind)?;
    }
    Ok(Param {
        index,
        name,
        kind,
        value: obj.get("value").cloned(),
        bind,
    })
}

/// Whether `s` can be read back as a parameter in an expression (a JavaScript identifier).
fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

fn parse_select(path: &str, json: &Json) -> Result<SelectionDef> {
    let kind_of = |p: &str, name: &str| match name {
        "point" => Ok(SelectKind::Point),
        "interval" => Ok(SelectKind::Interval),
        other => Err(Error::spec_shape(
            p,
            &format!("unknown selection type \"{other}\" (use \"point\" or \"interval\")"),
        )),
    };
    let mut def = SelectionDef {
        kind: SelectKind::Point,
        fields: Vec::new(),
        encodings: Vec::new(),
        on: None,
        clear: None,
        toggle: None,
        nearest: false,
        other: Map::new(),
    };
    let obj = match json {
        Json::String(s) => {
            def.kind = kind_of(path, s)?;
            return Ok(def);
        }
        Json::Object(obj) => obj,
        _ => {
            return Err(Error::spec_shape(
                path,
                "expected \"point\", \"interval\" or an object with a \"type\"",
            ))
        }
    };
    def.kind = match obj.get("type") {
        Some(Json::String(s)) => kind_of(&format!("{path}.type"), s)?,
        Some(_) => {
            return Err(Error::spec_shape(
                &format!("{path}.type"),
                "expected a string",
            ))
        }
        None => return Err(Error::spec_missing(&format!("{path}.type"), "\"type\"")),
    };
    for (key, value) in obj {
        let p = format!("{path}.{key}");
        match key.as_str() {
            "type" => {}
            "fields" => def.fields = string_list(&p, value)?,
            "encodings" => def.encodings = string_list(&p, value)?,
            "on" => def.on = Some(value.clone()),
            "clear" => def.clear = Some(value.clone()),
            "toggle" => def.toggle = Some(value.clone()),
            "nearest" => {
                def.nearest = value
                    .as_bool()
                    .ok_or_else(|| Error::spec_shape(&p, "expected true or false"))?;
            }
            other if SELECT_KEYS.contains(&other) => {
                def.other.insert(key.clone(), value.clone());
            }
            other => {
                return Err(Error::spec_shape(
                    &p,
                    &format!("\"{other}\" is not a property of a selection's \"select\""),
                ))
            }
        }
    }
    Ok(def)
}

fn string_list(path: &str, json: &Json) -> Result<Vec<String>> {
    json.as_array()
        .and_then(|a| {
            a.iter()
                .map(|v| v.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
        })
        .ok_or_else(|| Error::spec_shape(path, "expected an array of strings"))
}

fn check_bind(path: &str, bind: &Json, kind: &ParamKind) -> Result<()> {
    let select = match kind {
        ParamKind::Selection(def) => Some(def.kind),
        ParamKind::Variable { .. } => None,
    };
    match (bind, select) {
        (Json::String(s), Some(SelectKind::Interval)) if s == "scales" => Ok(()),
        (Json::String(s), Some(SelectKind::Point)) if s == "legend" => Ok(()),
        (Json::String(s), _) => Err(Error::spec_shape(
            path,
            &format!("\"{s}\" cannot bind this parameter (\"scales\" binds an interval selection, \"legend\" a point selection)"),
        )),
        (Json::Object(o), None) if o.contains_key("input") || o.contains_key("element") => Ok(()),
        (Json::Object(_), None) => Err(Error::spec_missing(
            &format!("{path}.input"),
            "\"input\" (range, checkbox, radio, select, text, ...)",
        )),
        // A point selection binds one input, one input per field, or {"legend": events}.
        (Json::Object(o), Some(SelectKind::Point)) => {
            if o.contains_key("input") || o.contains_key("element") || o.contains_key("legend") {
                return Ok(());
            }
            match o.iter().find(|(_, v)| !v.is_object()) {
                Some((k, _)) => Err(Error::spec_shape(
                    &format!("{path}.{k}"),
                    "expected an input binding object",
                )),
                None => Ok(()),
            }
        }
        _ => Err(Error::spec_shape(
            path,
            "expected an input binding object, \"legend\" or \"scales\"",
        )),
    }
}

/// Computes every `expr` parameter from the others, in dependency order, as Vega recomputes
/// signal updates. `values[i]` is the current value of `params[i]`; the values of `expr`
/// parameters are overwritten. `base` already holds any values not in `values` (selections).
pub fn eval_exprs(params: &[Param], values: &mut [Json], base: &Env) -> Result<()> {
    let exprs: Vec<(usize, &Param, expr::Expr)> = params
        .iter()
        .enumerate()
        .filter_map(|(i, p)| match &p.kind {
            ParamKind::Variable { expr: Some(text) } => Some((i, p, text)),
            _ => None,
        })
        .map(|(i, p, text)| Ok((i, p, expr::parse_at(&format!("{}.expr", p.path()), text)?)))
        .collect::<Result<_>>()?;
    let mut done = vec![false; exprs.len()];
    let pending = |done: &[bool], name: &str| {
        exprs
            .iter()
            .zip(done)
            .any(|((_, p, _), d)| !d && p.name == name)
    };
    for _ in 0..=exprs.len() {
        let mut progressed = false;
        for (k, (i, _, e)) in exprs.iter().enumerate() {
            if done.get(k).copied().unwrap_or(true) || e.params().iter().any(|n| pending(&done, n))
            {
                continue;
            }
            let mut env = base.clone();
            for (p, v) in params.iter().zip(values.iter()) {
                if !pending(&done, &p.name) {
                    env.set_json(&p.name, v);
                }
            }
            let value = e
                .eval_column(&Table::with_rows(1), &env)?
                .value(0)
                .to_json();
            if let Some(slot) = values.get_mut(*i) {
                *slot = value;
            }
            if let Some(d) = done.get_mut(k) {
                *d = true;
            }
            progressed = true;
        }
        if !progressed {
            break;
        }
    }
    match exprs.iter().zip(&done).find(|(_, d)| !**d) {
        Some(((_, p, e), _)) => Err(Error::spec_shape(
            &format!("{}.expr", p.path()),
            &format!(
                "\"{}\" depends on itself through the parameters it reads",
                e.text()
            ),
        )),
        None => Ok(()),
    }
}

/// The initial values of the variable parameters as an [`Env`] (selections read as empty),
/// for properties that take `{"expr": ...}` before the data is loaded.
pub fn initial_env(params: &[Param]) -> Result<Env> {
    let mut values: Vec<Json> = params
        .iter()
        .map(|p| match &p.kind {
            ParamKind::Variable { .. } => p.value.clone().unwrap_or(Json::Null),
            ParamKind::Selection(_) => Json::Object(Map::new()),
        })
        .collect();
    eval_exprs(params, &mut values, &Env::new())?;
    let mut env = Env::new();
    for (p, v) in params.iter().zip(&values) {
        env.set_json(&p.name, v);
    }
    Ok(env)
}

/// A number property that may be a Vega-Lite expression reference (`{"expr": "radius"}`),
/// evaluated with the parameters' initial values. `None` when absent.
pub fn number_or_expr(path: &str, json: Option<&Json>, params: &[Param]) -> Result<Option<f64>> {
    match json {
        None | Some(Json::Null) => Ok(None),
        Some(Json::Number(n)) => Ok(n.as_f64()),
        Some(Json::Object(o)) if o.len() == 1 && o.contains_key("expr") => {
            let Some(Json::String(text)) = o.get("expr") else {
                return Err(Error::spec_shape(
                    &format!("{path}.expr"),
                    "expected an expression string",
                ));
            };
            let e = expr::parse_at(&format!("{path}.expr"), text)?;
            let env = initial_env(params)?;
            let value = e.eval_column(&Table::with_rows(1), &env)?.value(0);
            Ok(Some(value.as_f64().unwrap_or(f64::NAN)))
        }
        Some(_) => Err(Error::spec_shape(
            path,
            "expected a number or {\"expr\": \"...\"}",
        )),
    }
}

/// Channels that only style marks: a parameter condition on them never changes which rows a
/// mark draws or which fields it reads.
const STYLE_CHANNELS: &[&str] = &[
    "fillOpacity",
    "strokeOpacity",
    "strokeWidth",
    "opacity",
    "strokeDash",
];

/// Whether `encoding.<channel>` is a constant `value` with conditions on parameters only
/// (`{"condition": {"param": "sel", "value": 1}, "value": 0.3}`) on a styling channel:
/// these keep mark data as it is, so normalization accepts them. Errors when a condition names
/// a parameter the spec does not define.
pub fn is_param_style_condition(channel: &str, def: &Json, params: &[Param]) -> Result<bool> {
    let Json::Object(obj) = def else {
        return Ok(false);
    };
    if !STYLE_CHANNELS.contains(&channel) || obj.keys().any(|k| k != "value" && k != "condition") {
        return Ok(false);
    }
    let conditions: Vec<&Json> = match obj.get("condition") {
        Some(Json::Array(list)) => list.iter().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    };
    for (i, cond) in conditions.iter().enumerate() {
        let Json::Object(c) = cond else {
            return Ok(false);
        };
        if c.keys()
            .any(|k| k != "param" && k != "empty" && k != "value")
        {
            return Ok(false);
        }
        let Some(Json::String(name)) = c.get("param") else {
            return Ok(false);
        };
        if !params.iter().any(|p| &p.name == name) {
            let list = if conditions.len() > 1 {
                format!("[{i}]")
            } else {
                String::new()
            };
            let known: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
            return Err(Error::spec_shape(
                &format!("encoding.{channel}.condition{list}.param"),
                &format!(
                    "no parameter named \"{name}\" (parameters: {})",
                    known.join(", ")
                ),
            ));
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn err(params: Json) -> (String, String) {
        let e = parse_params(&params).unwrap_err();
        (e.place().to_string(), e.to_string())
    }

    #[test]
    fn reads_variable_and_selection_params() {
        let p = parse_params(&json!([
            {"name": "cornerRadius", "value": 5},
            {"name": "pick", "select": "point", "bind": "legend"},
            {"name": "CylYr", "value": [{"Cylinders": 4, "Year": 1977}],
             "select": {"type": "point", "fields": ["Cylinders", "Year"], "on": "click", "clear": false,
                        "toggle": "event.shiftKey", "nearest": true},
             "bind": {"Cylinders": {"input": "range"}, "Year": {"input": "range"}}},
            {"name": "grid", "select": {"type": "interval", "translate": "[a, b] > c"}, "bind": "scales"},
            {"name": "s", "expr": "cornerRadius * 2"}
        ]))
        .unwrap();
        assert_eq!(p.len(), 5);
        assert_eq!(p[0].kind, ParamKind::Variable { expr: None });
        assert_eq!(p[1].selection().unwrap().kind, SelectKind::Point);
        let cyl = p[2].selection().unwrap();
        assert_eq!(cyl.fields, vec!["Cylinders", "Year"]);
        assert!(cyl.nearest);
        assert_eq!(cyl.clear, Some(json!(false)));
        assert_eq!(cyl.toggle, Some(json!("event.shiftKey")));
        assert_eq!(p[2].value, Some(json!([{"Cylinders": 4, "Year": 1977}])));
        assert_eq!(p[3].bind, Some(json!("scales")));
        assert!(p[3].selection().unwrap().other.contains_key("translate"));
        assert_eq!(
            p[4].kind,
            ParamKind::Variable {
                expr: Some("cornerRadius * 2".into())
            }
        );
    }

    #[test]
    fn bad_shapes_name_their_json_path() {
        assert_eq!(err(json!({"name": "a"})).0, "params");
        assert_eq!(err(json!([3])).0, "params[0]");
        assert_eq!(err(json!([{"value": 1}])).0, "params[0].name");
        assert_eq!(err(json!([{"name": "1a"}])).0, "params[0].name");
        let (place, text) = err(json!([{"name": "a"}, {"name": "a", "value": 2}]));
        assert_eq!(place, "params[1].name");
        assert!(text.contains("\"a\" is already used"), "{text}");
        let (place, text) =
            err(json!([{"name": "a"}, {"name": "b"}, {"name": "s", "select": {"type": "lasso"}}]));
        assert_eq!(place, "params[2].select.type");
        assert!(text.contains("\"lasso\""), "{text}");
        assert_eq!(
            err(json!([{"name": "s", "select": {"fields": ["a"]}}])).0,
            "params[0].select.type"
        );
        assert_eq!(
            err(json!([{"name": "s", "select": {"type": "point", "fields": "a"}}])).0,
            "params[0].select.fields"
        );
        assert_eq!(
            err(json!([{"name": "s", "select": {"type": "point", "brush": 1}}])).0,
            "params[0].select.brush"
        );
        assert_eq!(
            err(json!([{"name": "s", "select": 3}])).0,
            "params[0].select"
        );
        assert_eq!(err(json!([{"name": "v", "sel": 1}])).0, "params[0].sel");
        assert_eq!(
            err(json!([{"name": "v", "expr": "a +"}])).0,
            "params[0].expr"
        );
        assert_eq!(
            err(json!([{"name": "v", "bind": "scales"}])).0,
            "params[0].bind"
        );
        assert_eq!(
            err(json!([{"name": "v", "bind": {"min": 1}}])).0,
            "params[0].bind.input"
        );
        assert_eq!(
            err(json!([{"name": "s", "select": "point", "bind": "scales"}])).0,
            "params[0].bind"
        );
        assert_eq!(
            err(json!([{"name": "s", "select": "point", "bind": {"a": 1}}])).0,
            "params[0].bind.a"
        );
    }

    #[test]
    fn expr_params_follow_their_dependencies_in_any_order() {
        let p = parse_params(&json!([
            {"name": "c", "expr": "b * 10"},
            {"name": "b", "expr": "a + 1"},
            {"name": "a", "value": 2}
        ]))
        .unwrap();
        let mut values = vec![Json::Null, Json::Null, json!(2)];
        eval_exprs(&p, &mut values, &Env::new()).unwrap();
        assert_eq!(values, vec![json!(30), json!(3), json!(2)]);

        let p = parse_params(&json!([
            {"name": "a", "expr": "b"},
            {"name": "b", "expr": "a"}
        ]))
        .unwrap();
        let e = eval_exprs(&p, &mut [Json::Null, Json::Null], &Env::new()).unwrap_err();
        assert_eq!(e.place(), "params[0].expr");
    }

    #[test]
    fn number_properties_take_expression_references() {
        let p = parse_params(&json!([{"name": "r", "value": 5}])).unwrap();
        let v = number_or_expr("mark.cornerRadius", Some(&json!({"expr": "r * 2"})), &p);
        assert_eq!(v.unwrap(), Some(10.0));
        assert_eq!(number_or_expr("m", Some(&json!(3)), &p).unwrap(), Some(3.0));
        let e = number_or_expr("m", Some(&json!({"expr": "q"})), &p).unwrap_err();
        assert_eq!(e.place(), "m.expr");
    }

    #[test]
    fn style_conditions_on_params_are_recognised() {
        let p = parse_params(&json!([{"name": "sel", "select": "point"}])).unwrap();
        let cond = json!({"condition": [{"param": "sel", "empty": false, "value": 2}], "value": 0});
        assert!(is_param_style_condition("strokeWidth", &cond, &p).unwrap());
        assert!(!is_param_style_condition("size", &cond, &p).unwrap());
        let test = json!({"condition": {"test": "datum.a > 1", "value": 2}, "value": 0});
        assert!(!is_param_style_condition("strokeWidth", &test, &p).unwrap());
        let bad = json!({"condition": {"param": "nope", "value": 2}, "value": 0});
        let e = is_param_style_condition("fillOpacity", &bad, &p).unwrap_err();
        assert_eq!(e.place(), "encoding.fillOpacity.condition.param");
    }
}
