//! Conditional colours and opacities, evaluated per row with the current parameters.
//!
//! Stage: marks. A condition's test is a selection (`param`, as Vega-Lite compiles it to an
//! expression over the selection store) or a `test` expression; the first test a row passes
//! gives its value, else the channel's own value or its field's colour. Setting a parameter
//! and drawing again re-evaluates every test.

use super::{Chart, Unit};
use crate::data::{Table, Value};
use crate::error::{Error, Result};
use crate::mark::point::mark_color;
use crate::scene::Color;
use crate::spec::view::{CondTest, Conditional};

impl Chart {
    /// The fill of every row of `unit` after its conditions (`fills` are the colour scale's,
    /// if any); `fills` unchanged when the unit has no condition.
    pub(super) fn conditional_fills(
        &self,
        unit: &Unit,
        table: &Table,
        fills: Option<Vec<Color>>,
    ) -> Result<Option<Vec<Color>>> {
        if unit.view.conditions.iter().all(|c| c.channel == "size") {
            return Ok(fills);
        }
        let props = &unit.view.mark_props;
        let base = mark_color(props)?;
        let rows = table.num_rows();
        let mut out: Vec<Color> = match fills {
            Some(f) => f,
            None => vec![base; rows],
        };
        for cond in unit.view.conditions.iter().filter(|c| c.channel != "size") {
            let path = format!("encoding.{}.condition", cond.channel);
            let chosen = self.chosen(cond, table)?;
            for (color, value) in out.iter_mut().zip(chosen) {
                let value = match value {
                    Some(v) => v,
                    None => cond.default.as_ref(),
                };
                let Some(value) = value else {
                    continue;
                };
                match cond.channel {
                    "opacity" => {
                        let o = value.as_f64().ok_or_else(|| {
                            Error::spec_shape(&format!("{path}.value"), "expected a number")
                        })?;
                        color.a *= o.clamp(0.0, 1.0);
                    }
                    _ => {
                        *color = match value {
                            serde_json::Value::Null => Color { a: 0.0, ..base },
                            serde_json::Value::String(s) => {
                                let c = Color::parse(s).ok_or_else(|| {
                                    Error::spec_shape(
                                        &format!("{path}.value"),
                                        &format!("\"{s}\" is not a CSS colour"),
                                    )
                                })?;
                                Color {
                                    a: c.a * props.opacity,
                                    ..c
                                }
                            }
                            _ => {
                                return Err(Error::spec_shape(
                                    &format!("{path}.value"),
                                    "expected a CSS colour or null",
                                ))
                            }
                        };
                    }
                }
            }
        }
        Ok(Some(out))
    }
}

impl Chart {
    /// Per row of `table`: the value of the first test of `cond` it passes (`Some(None)`: the
    /// field's), or `None` when it passes none.
    fn chosen<'a>(
        &self,
        cond: &'a Conditional,
        table: &Table,
    ) -> Result<Vec<Option<Option<&'a serde_json::Value>>>> {
        let env = self.params.env();
        let path = format!("encoding.{}.condition", cond.channel);
        let mut chosen: Vec<Option<Option<&serde_json::Value>>> = vec![None; table.num_rows()];
        for (i, (test, value)) in cond.tests.iter().enumerate() {
            let text = match test {
                CondTest::Param { name, empty } => self.params.filter_expr(&path, name, *empty)?,
                CondTest::Expr(text) => text.clone(),
                CondTest::Logic(logic) => self.logic_expr(&path, logic)?,
            };
            let place = format!("{path}[{i}]");
            let column = crate::expr::parse_at(&place, &text)?.eval_column(table, &env)?;
            for (row, slot) in chosen.iter_mut().enumerate() {
                if slot.is_none() && truthy(&column.value(row)) {
                    *slot = Some(value.as_ref());
                }
            }
        }
        Ok(chosen)
    }

    /// Symbol sizes after a `size` condition: each row the value of the test it passes, else
    /// the channel's value, else `sizes` (the size field's) unchanged.
    pub(super) fn conditional_sizes(
        &self,
        unit: &Unit,
        table: &Table,
        sizes: Option<Vec<Option<f64>>>,
    ) -> Result<Option<Vec<Option<f64>>>> {
        let Some(cond) = unit.view.conditions.iter().find(|c| c.channel == "size") else {
            return Ok(sizes);
        };
        let default = cond.default.as_ref().and_then(serde_json::Value::as_f64);
        let mut out = sizes.unwrap_or_else(|| vec![default; table.num_rows()]);
        for (size, value) in out.iter_mut().zip(self.chosen(cond, table)?) {
            match value {
                Some(Some(v)) => *size = v.as_f64(),
                Some(None) => {}
                None if default.is_some() => *size = default,
                None => {}
            }
        }
        Ok(Some(out))
    }

    /// The expression of a logical composition of parameters and expressions.
    fn logic_expr(&self, path: &str, logic: &serde_json::Value) -> Result<String> {
        use serde_json::Value as J;
        let bad = || Error::spec_shape(&format!("{path}.test"), "expected a parameter predicate");
        Ok(match logic {
            J::String(text) => format!("({text})"),
            J::Object(map) => {
                if let Some(J::String(name)) = map.get("param") {
                    let empty = map.get("empty").and_then(J::as_bool).unwrap_or(true);
                    format!("({})", self.params.filter_expr(path, name, empty)?)
                } else if let Some(one) = map.get("not") {
                    format!("!{}", self.logic_expr(path, one)?)
                } else {
                    let (items, op) = match (map.get("or"), map.get("and")) {
                        (Some(J::Array(items)), _) => (items, " || "),
                        (_, Some(J::Array(items))) => (items, " && "),
                        _ => return Err(bad()),
                    };
                    let parts = items
                        .iter()
                        .map(|i| self.logic_expr(path, i))
                        .collect::<Result<Vec<_>>>()?;
                    format!("({})", parts.join(op))
                }
            }
            _ => return Err(bad()),
        })
    }
}

/// JavaScript truthiness of a test's result.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => *n != 0.0 && !n.is_nan(),
        Value::Str(s) => !s.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use crate::scene::{Color, Item, Role};
    use crate::{Chart, FixedMetrics, SceneOptions};

    fn fills(chart: &Chart) -> Vec<Color> {
        let scene = chart
            .scene(&SceneOptions::default(), &FixedMetrics)
            .unwrap();
        scene
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Rect(r) if matches!(r.role, Role::Mark(_)) => Some(r.fill),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn conditions_pick_per_row_and_follow_parameters() {
        let mut chart = Chart::from_spec(
            r#"{"params": [{"name": "min", "value": 2}],
                "data": {"values": [{"a": "x", "b": 1}, {"a": "y", "b": 3}]},
                "mark": "bar",
                "encoding": {"x": {"field": "a"}, "y": {"field": "b", "type": "quantitative"},
                  "color": {"condition": {"test": "datum.b >= min", "value": "red"}, "value": "grey"},
                  "opacity": {"condition": {"param": "min", "value": 1}, "value": 0.2}}}"#,
        )
        .unwrap();
        let (red, grey) = (Color::parse("red").unwrap(), Color::parse("grey").unwrap());
        assert_eq!(fills(&chart), vec![grey, red]);
        chart.set_param("min", serde_json::json!(0)).unwrap();
        // Both rows pass the test; `!!min` is false for 0, so opacity falls to 0.2.
        let f = fills(&chart);
        assert_eq!((f[0].r, f[0].g, f[0].b), (red.r, red.g, red.b));
        assert!((f[0].a - 0.2).abs() < 1e-9 && (f[1].a - 0.2).abs() < 1e-9);
    }

    fn sizes(chart: &Chart) -> Vec<f64> {
        let scene = chart
            .scene(&SceneOptions::default(), &FixedMetrics)
            .unwrap();
        scene
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Symbol(s) if matches!(s.role, Role::Mark(_)) => Some(s.size),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn size_conditions_on_symbols_follow_the_selection() {
        let mut chart = Chart::from_spec(
            r#"{"params": [{"name": "min", "value": 2}],
                "data": {"values": [{"a": 1, "b": 1}, {"a": 2, "b": 3}]},
                "mark": "point",
                "encoding": {"x": {"field": "a", "type": "quantitative"},
                  "y": {"field": "b", "type": "quantitative"},
                  "size": {"condition": {"test": "datum.b >= min", "value": 200}, "value": 50}}}"#,
        )
        .unwrap();
        assert_eq!(sizes(&chart), vec![50.0, 200.0]);
        chart.set_param("min", serde_json::json!(5)).unwrap();
        assert_eq!(sizes(&chart), vec![50.0, 50.0]);
    }

    #[test]
    fn logical_compositions_of_tests_pick_rows() {
        let chart = Chart::from_spec(
            r#"{"params": [{"name": "p", "value": 2}],
                "data": {"values": [{"a": "x", "b": 1}, {"a": "y", "b": 3}, {"a": "z", "b": 5}]},
                "mark": "bar",
                "encoding": {"x": {"field": "a"}, "y": {"field": "b", "type": "quantitative"},
                  "color": {"condition": {"test": {"and": [{"not": "datum.b < p"}, "datum.b < 4"]},
                    "value": "red"}, "value": "grey"}}}"#,
        )
        .unwrap();
        let (red, grey) = (Color::parse("red").unwrap(), Color::parse("grey").unwrap());
        assert_eq!(fills(&chart), vec![grey, red, grey]);
    }
}
