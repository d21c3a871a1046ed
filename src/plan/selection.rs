//! Selection stores: a selection parameter's value as tuples, and Vega's test of a row against it.
//!
//! Stage: plan. A selection projects onto fields (`select.fields`, or the fields of
//! `select.encodings`, or, for a point selection with neither, the keys of its value) as
//! Vega-Lite does. [`Store::from_value`] reads a value (`[{"Cylinders": 4}]` for a point
//! selection, `{"x": [100, 150]}` for an interval) into tuples, and [`Store::test_expr`]
//! writes the test `vlSelectionTest` applies as Vega expression text, so filters over
//! selections share the expression evaluator: a point tuple matches when every field is
//! strictly equal (`===`), an interval when every field is in its inclusive range (`inrange`);
//! a row is selected when any tuple matches. An empty store selects every row, or none with
//! `empty: false`.

use serde_json::{Map, Value as Json};

use crate::data::{Column, NumberColumn, StrColumn, Table};
use crate::error::{Error, Result};
use crate::spec::params::{SelectKind, SelectionDef};

/// A channel of the view with its field: where a selection's `encodings` project.
#[derive(Clone, Debug, PartialEq)]
pub struct ChannelField {
    /// The channel name (`x`, `y`, `color`).
    pub channel: String,
    /// The source field it encodes.
    pub field: String,
    /// Whether its scale is discrete (an interval over it selects a list of values).
    pub discrete: bool,
}

/// One field of a selection tuple.
#[derive(Clone, Debug, PartialEq)]
struct TupleField {
    field: String,
    /// Vega's `E` (enumerated) when true, `R` (inclusive range) when false.
    enumerated: bool,
    value: Json,
}

/// The tuples a selection holds (its `_store` data set in Vega).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Store {
    tuples: Vec<Vec<TupleField>>,
}

/// One projected field: the field, the channel it came from, and whether it is enumerated.
struct Projection {
    field: String,
    channel: Option<String>,
    enumerated: bool,
}

fn projections(def: &SelectionDef, channels: &[ChannelField], value: &Json) -> Vec<Projection> {
    let channel_of = |name: &str| channels.iter().find(|c| c.channel == name);
    let interval = def.kind == SelectKind::Interval;
    let mut out: Vec<Projection> = def
        .fields
        .iter()
        .map(|f| Projection {
            field: f.clone(),
            channel: None,
            enumerated: !interval || channels.iter().any(|c| &c.field == f && c.discrete),
        })
        .collect();
    let mut encodings = def.encodings.clone();
    if interval && def.fields.is_empty() && encodings.is_empty() {
        encodings = vec!["x".to_string(), "y".to_string()];
    }
    if !interval && def.fields.is_empty() && encodings.is_empty() {
        // Vega-Lite projects onto the keys of the initial value: channels, else fields.
        let first = match value {
            Json::Array(list) => list.first(),
            other => Some(other),
        };
        if let Some(Json::Object(keys)) = first {
            for key in keys.keys() {
                match channel_of(key) {
                    Some(_) => encodings.push(key.clone()),
                    None => out.push(Projection {
                        field: key.clone(),
                        channel: None,
                        enumerated: true,
                    }),
                }
            }
        }
    }
    for name in &encodings {
        // Vega-Lite drops (with a warning) an encoding that has no field.
        if let Some(c) = channel_of(name) {
            out.push(Projection {
                field: c.field.clone(),
                channel: Some(c.channel.clone()),
                enumerated: !interval || c.discrete,
            });
        }
    }
    out
}

/// The channels and fields selection `def` projects onto, for building its tuples from
/// pointer events: `(channel, field)` with the channel when it comes from `encodings` (or a
/// field a channel of `channels` encodes). A point selection with neither `fields` nor
/// `encodings` projects onto every channel's field (storychart has no `_vgsid_` row ids).
pub fn projected(def: &SelectionDef, channels: &[ChannelField]) -> Vec<(Option<String>, String)> {
    let mut out: Vec<(Option<String>, String)> = projections(def, channels, &Json::Null)
        .into_iter()
        .map(|p| {
            let channel = p.channel.or_else(|| {
                channels
                    .iter()
                    .find(|c| c.field == p.field)
                    .map(|c| c.channel.clone())
            });
            (channel, p.field)
        })
        .collect();
    if out.is_empty() && def.kind == SelectKind::Point {
        for c in channels {
            if !out.iter().any(|(_, f)| f == &c.field) {
                out.push((Some(c.channel.clone()), c.field.clone()));
            }
        }
    }
    out
}

impl Store {
    /// Reads a selection's value into tuples. `null`, `[]` and `{}` are the empty selection.
    /// `place` and `name` say where in errors.
    ///
    /// ```
    /// use serde_json::json;
    /// use storychart::plan::selection::Store;
    /// use storychart::spec::params::parse_params;
    ///
    /// let p = parse_params(&json!([{"name": "s", "select": {"type": "point", "fields": ["a"]}}])).unwrap();
    /// let def = p[0].selection().unwrap();
    /// let store = Store::from_value("params[0].value", "s", def, &[], &json!([{"a": 1}, {"a": "x"}])).unwrap();
    /// assert_eq!(store.test_expr(true), r#"((datum["a"]===1) || (datum["a"]==="x"))"#);
    /// assert_eq!(Store::default().test_expr(false), "false");
    /// ```
    pub fn from_value(
        place: &str,
        name: &str,
        def: &SelectionDef,
        channels: &[ChannelField],
        value: &Json,
    ) -> Result<Store> {
        let bad = |detail: &str| Error::bad_selection_value(place, name, detail);
        let objects: Vec<&Map<String, Json>> = match (def.kind, value) {
            (_, Json::Null) => return Ok(Store::default()),
            (SelectKind::Point, Json::Array(list)) => list
                .iter()
                .map(|v| {
                    v.as_object()
                        .ok_or_else(|| bad("expected an array of objects"))
                })
                .collect::<Result<_>>()?,
            (_, Json::Object(obj)) => vec![obj],
            (SelectKind::Point, _) => return Err(bad("expected an object or an array of objects")),
            (SelectKind::Interval, _) => {
                return Err(bad("expected an object of [min, max] ranges"))
            }
        };
        let projections = projections(def, channels, value);
        let names: Vec<&str> = projections.iter().map(|p| p.field.as_str()).collect();
        let mut tuples = Vec::with_capacity(objects.len());
        for obj in objects.into_iter().filter(|o| !o.is_empty()) {
            if let Some(key) = obj.keys().find(|k| {
                !projections
                    .iter()
                    .any(|p| &p.field == *k || p.channel.as_ref() == Some(*k))
            }) {
                return Err(bad(&format!(
                    "\"{key}\" is not one of its fields ({})",
                    names.join(", ")
                )));
            }
            let mut tuple = Vec::with_capacity(projections.len());
            for p in &projections {
                let found = p
                    .channel
                    .as_ref()
                    .and_then(|c| obj.get(c))
                    .or_else(|| obj.get(&p.field));
                let Some(v) = found else {
                    if def.kind == SelectKind::Interval {
                        continue; // an interval may leave a field unbounded
                    }
                    return Err(bad(&format!("missing a value for \"{}\"", p.field)));
                };
                if def.kind == SelectKind::Interval && !is_range(v, p.enumerated) {
                    return Err(bad(&format!(
                        "\"{}\" needs {}",
                        p.field,
                        if p.enumerated {
                            "an array of values"
                        } else {
                            "[min, max]"
                        }
                    )));
                }
                tuple.push(TupleField {
                    field: p.field.clone(),
                    enumerated: p.enumerated,
                    value: v.clone(),
                });
            }
            tuples.push(tuple);
        }
        Ok(Store { tuples })
    }

    /// Whether nothing is selected.
    pub fn is_empty(&self) -> bool {
        self.tuples.is_empty()
    }

    /// The value as a point (`[{"a": 1}]`) or interval (`{"a": [0, 5]}`) selection, which
    /// [`Store::from_value`] reads back.
    pub fn to_value(&self, kind: SelectKind) -> Json {
        let mut objects = self.tuples.iter().map(|t| {
            Json::Object(
                t.iter()
                    .map(|f| (f.field.clone(), f.value.clone()))
                    .collect(),
            )
        });
        match kind {
            SelectKind::Point => Json::Array(objects.collect()),
            SelectKind::Interval => objects.next_back().unwrap_or(Json::Object(Map::new())),
        }
    }

    /// The selection as Vega's `vlSelectionResolve` gives it to expressions: per field, the
    /// list of selected values (point) or the range (interval).
    pub fn resolved(&self, kind: SelectKind) -> Json {
        let mut out: Map<String, Json> = Map::new();
        for f in self.tuples.iter().flatten() {
            match kind {
                SelectKind::Interval => {
                    out.insert(f.field.clone(), f.value.clone());
                }
                SelectKind::Point => {
                    let entry = out
                        .entry(f.field.clone())
                        .or_insert_with(|| Json::Array(Vec::new()));
                    if let Json::Array(list) = entry {
                        list.push(f.value.clone());
                    }
                }
            }
        }
        Json::Object(out)
    }

    /// The expression text that is true for the selected rows (`empty`: whether an empty
    /// selection selects every row).
    pub fn test_expr(&self, empty: bool) -> String {
        if self.tuples.is_empty() {
            return empty.to_string();
        }
        let tuples: Vec<String> = self
            .tuples
            .iter()
            .map(|t| {
                if t.is_empty() {
                    return "true".to_string();
                }
                let tests: Vec<String> = t.iter().map(field_test).collect();
                format!("({})", tests.join(" && "))
            })
            .collect();
        format!("({})", tuples.join(" || "))
    }
}

/// A direct test of one tuple field against a column, for [`Store::filter_rows`].
enum Matcher<'a> {
    /// `inrange` over a number column without invalid rows.
    Range(&'a NumberColumn, f64, f64),
    /// `===` (or `indexof`) against numbers.
    Numbers(&'a NumberColumn, Vec<f64>),
    /// `===` (or `indexof`) against strings, as dictionary codes.
    Codes(&'a StrColumn, Vec<u32>),
    /// Never true (a value of another type than the column's: `===` is strict).
    Never,
}

impl Matcher<'_> {
    fn matches(&self, row: usize) -> bool {
        match self {
            Matcher::Range(c, lo, hi) => c.values.get(row).is_some_and(|v| *lo <= *v && *v <= *hi),
            Matcher::Numbers(c, list) => {
                c.valid.get(row) && c.values.get(row).is_some_and(|v| list.contains(v))
            }
            Matcher::Codes(c, list) => {
                c.valid.get(row) && c.codes.get(row).is_some_and(|v| list.contains(&v))
            }
            Matcher::Never => false,
        }
    }
}

fn matcher<'a>(f: &TupleField, table: &'a Table) -> Option<Matcher<'a>> {
    let column = table.require("", &f.field).ok()?;
    if !f.enumerated {
        // Vega's inrange coerces null to 0: leave columns with invalid rows to the expression.
        let (Column::Number(c), Json::Array(r)) = (column, &f.value) else {
            return None;
        };
        let (a, b) = (r.first()?.as_f64()?, r.get(1)?.as_f64()?);
        // All valid: one popcount over the bitmap's words; else look for the invalid row.
        let all_valid = c.valid.len() == c.values.len() && c.valid.count_valid() == c.values.len();
        if !all_valid && (0..c.values.len()).any(|row| !c.valid.get(row)) {
            return None;
        }
        return Some(Matcher::Range(c, a.min(b), a.max(b)));
    }
    let values: Vec<&Json> = match &f.value {
        Json::Array(list) => list.iter().collect(),
        one => vec![one],
    };
    match column {
        Column::Number(c) => {
            let nums: Vec<f64> = values.iter().filter_map(|v| v.as_f64()).collect();
            if values
                .iter()
                .any(|v| !(v.is_number() || v.is_string() || v.is_null()))
            {
                return None;
            }
            Some(Matcher::Numbers(c, nums))
        }
        Column::Str(c) => {
            if values
                .iter()
                .any(|v| !(v.is_number() || v.is_string() || v.is_null()))
            {
                return None;
            }
            let codes: Vec<u32> = values
                .iter()
                .filter_map(|v| v.as_str())
                .filter_map(|s| c.dict.iter().position(|d| d == s))
                .filter_map(|i| u32::try_from(i).ok())
                .collect();
            Some(if codes.is_empty() {
                Matcher::Never
            } else {
                Matcher::Codes(c, codes)
            })
        }
        _ => None,
    }
}

impl Store {
    /// The one inclusive range `(field, lo, hi)` (`lo <= hi`) this store holds, when its test
    /// on `table` is exactly `lo <= value <= hi` of a number column without invalid rows (one
    /// tuple of one range field): [`Store::filter_rows`]'s `Range` case, which a caller may
    /// then update incrementally from a sorted index.
    pub fn single_range(&self, table: &Table) -> Option<(String, f64, f64)> {
        let [tuple] = self.tuples.as_slice() else {
            return None;
        };
        let [f] = tuple.as_slice() else {
            return None;
        };
        match matcher(f, table)? {
            Matcher::Range(_, lo, hi) => Some((f.field.clone(), lo, hi)),
            _ => None,
        }
    }

    /// The rows of `table` that [`Store::test_expr`] keeps, computed directly for the common
    /// cases (number ranges over number columns without invalid rows; numbers and strings
    /// compared with number and string columns), in ascending order. `None` when the
    /// expression must decide.
    pub fn filter_rows(&self, table: &Table, empty: bool) -> Option<Vec<usize>> {
        let rows = table.num_rows();
        if self.tuples.is_empty() {
            return Some(if empty {
                (0..rows).collect()
            } else {
                Vec::new()
            });
        }
        let tuples: Vec<Vec<Matcher<'_>>> = self
            .tuples
            .iter()
            .map(|t| {
                t.iter()
                    .map(|f| matcher(f, table))
                    .collect::<Option<Vec<_>>>()
            })
            .collect::<Option<_>>()?;
        Some(
            (0..rows)
                .filter(|&row| tuples.iter().any(|t| t.iter().all(|m| m.matches(row))))
                .collect(),
        )
    }
}

fn is_range(v: &Json, enumerated: bool) -> bool {
    match v {
        Json::Array(list) if enumerated => !list.is_empty(),
        Json::Array(list) => list.len() == 2 && list.iter().all(|x| x.is_number() || x.is_string()),
        _ => false,
    }
}

/// `testPoint` of vega-selections for one field.
fn field_test(f: &TupleField) -> String {
    let datum = format!("datum[{}]", literal(&Json::String(f.field.clone())));
    let value = literal(&f.value);
    match (&f.value, f.enumerated) {
        (Json::Array(_), true) => format!("indexof({value}, {datum}) !== -1"),
        (_, true) => format!("{datum}==={value}"),
        (_, false) => format!("inrange({datum}, {value})"),
    }
}

/// A JSON value as an expression literal (JSON literals are valid Vega expressions).
fn literal(v: &Json) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".to_string())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::spec::params::parse_params;

    fn def(select: Json) -> SelectionDef {
        let p = parse_params(&json!([{"name": "s", "select": select}])).unwrap();
        p[0].selection().unwrap().clone()
    }

    fn channels() -> Vec<ChannelField> {
        vec![
            ChannelField {
                channel: "x".into(),
                field: "Horsepower".into(),
                discrete: false,
            },
            ChannelField {
                channel: "color".into(),
                field: "Origin".into(),
                discrete: true,
            },
        ]
    }

    fn store(select: Json, value: Json) -> Result<Store> {
        Store::from_value("params[0].value", "s", &def(select), &channels(), &value)
    }

    #[test]
    fn point_values_test_every_field_strictly() {
        let s = store(
            json!({"type": "point", "fields": ["Cylinders", "Year"]}),
            json!([{"Cylinders": 4, "Year": 1977}]),
        )
        .unwrap();
        assert_eq!(
            s.test_expr(true),
            r#"((datum["Cylinders"]===4 && datum["Year"]===1977))"#
        );
        assert_eq!(
            s.resolved(SelectKind::Point),
            json!({"Cylinders": [4], "Year": [1977]})
        );
        assert_eq!(
            s.to_value(SelectKind::Point),
            json!([{"Cylinders": 4, "Year": 1977}])
        );
    }

    #[test]
    fn encodings_and_value_keys_project_onto_fields() {
        let s = store(
            json!({"type": "point", "encodings": ["color"]}),
            json!({"color": "Japan"}),
        )
        .unwrap();
        assert_eq!(s.test_expr(true), r#"((datum["Origin"]==="Japan"))"#);
        // No fields or encodings: the keys of the value, channels mapped to their fields.
        let s = store(json!("point"), json!([{"x": 130}, {"x": 150}])).unwrap();
        assert_eq!(
            s.test_expr(false),
            r#"((datum["Horsepower"]===130) || (datum["Horsepower"]===150))"#
        );
    }

    #[test]
    fn intervals_test_inclusive_ranges_and_discrete_lists() {
        let s = store(json!("interval"), json!({"x": [100, 150]})).unwrap();
        assert_eq!(
            s.test_expr(true),
            r#"((inrange(datum["Horsepower"], [100,150])))"#
        );
        assert_eq!(
            s.to_value(SelectKind::Interval),
            json!({"Horsepower": [100, 150]})
        );
        let s = store(
            json!({"type": "interval", "encodings": ["x", "color"]}),
            json!({"Origin": ["USA", "Japan"]}),
        )
        .unwrap();
        assert_eq!(
            s.test_expr(true),
            r#"((indexof(["USA","Japan"], datum["Origin"]) !== -1))"#
        );
    }

    #[test]
    fn direct_row_tests_agree_with_the_expressions() {
        let table = crate::data::parse::parse_json(
            r#"[{"Horsepower": 90, "Origin": "USA"}, {"Horsepower": 130, "Origin": "Japan"},
                {"Horsepower": 150, "Origin": "USA"}, {"Horsepower": 100, "Origin": null}]"#,
            "t",
        )
        .unwrap();
        let cases = [
            (json!("interval"), json!({"x": [100, 150]})),
            (json!("interval"), json!({"x": [150, 100]})),
            (
                json!({"type": "point", "fields": ["Origin"]}),
                json!([{"Origin": "USA"}]),
            ),
            (
                json!({"type": "point", "fields": ["Origin"]}),
                json!([{"Origin": "Mars"}]),
            ),
            (
                json!({"type": "point", "fields": ["Origin", "Horsepower"]}),
                json!([{"Origin": "USA", "Horsepower": 150}, {"Origin": "Japan", "Horsepower": 130}]),
            ),
            (
                json!({"type": "point", "fields": ["Horsepower"]}),
                json!([{"Horsepower": "130"}]),
            ),
            (json!("interval"), json!({})),
        ];
        for (select, value) in cases {
            let s = store(select, value.clone()).unwrap();
            for empty in [true, false] {
                let rows = s.filter_rows(&table, empty).expect("a direct test");
                let expr = crate::expr::parse(&s.test_expr(empty)).unwrap();
                let want: Vec<usize> = expr
                    .eval_filter(&table, &crate::expr::Env::new())
                    .unwrap()
                    .into_iter()
                    .map(|r| r as usize)
                    .collect();
                assert_eq!(rows, want, "{value} empty={empty}");
            }
        }
    }

    #[test]
    fn empty_values_select_all_or_nothing() {
        for v in [json!(null), json!([]), json!({})] {
            let kind = if v.is_object() { "interval" } else { "point" };
            let s = store(json!(kind), v).unwrap();
            assert!(s.is_empty());
            assert_eq!(s.test_expr(true), "true");
            assert_eq!(s.test_expr(false), "false");
        }
    }

    #[test]
    fn bad_values_are_explained() {
        let point = json!({"type": "point", "fields": ["a"]});
        let e = store(point.clone(), json!([{"b": 1}])).unwrap_err();
        assert_eq!(e.place(), "params[0].value");
        assert!(
            e.to_string().contains("\"b\" is not one of its fields (a)"),
            "{e}"
        );
        let e = store(point.clone(), json!(3)).unwrap_err();
        assert!(e.to_string().contains("expected an object"), "{e}");
        let e = store(json!("interval"), json!({"x": 3})).unwrap_err();
        assert!(
            e.to_string().contains("\"Horsepower\" needs [min, max]"),
            "{e}"
        );
        let e = store(json!("interval"), json!([1, 2])).unwrap_err();
        assert!(e.to_string().contains("ranges"), "{e}");
    }
}
