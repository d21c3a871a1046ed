//! `layer`: a layered spec becomes one unit spec per layer, as Vega-Lite resolves it.
//!
//! Stage: spec. Each layer inherits the parent's `data`, `transform` (the parent's first),
//! `encoding` (channel by channel, the layer's own channels win), `params` and mark-independent
//! properties; `title`, sizes, `padding` and `background` stay with the parent. The units then
//! go through [`normalize`](super::normalize()) like any single view. A layer of a layer is
//! reported as unsupported.

use serde_json::{Map, Value as Json};

use super::normalize::{parse_spec, parse_spec_json};
use super::types::TopLevelSpec;
use crate::error::{Error, Result};

/// Properties that describe the whole chart and stay with the parent.
const CHART_ONLY: &[&str] = &[
    "title",
    "width",
    "height",
    "padding",
    "background",
    "config",
    "autosize",
];

/// The unit specs of a spec, with the names and JSON places of their marks.
#[derive(Clone, Debug)]
pub struct Units {
    /// One spec per drawn mark, depth first through `layer`s and mark overlays.
    pub specs: Vec<TopLevelSpec>,
    /// Whether the spec had `layer` or an overlay (its marks are then named `layer_i_marks`).
    pub layered: bool,
    /// Each unit's Vega mark name (`marks`, `layer_0_marks`, `layer_2_layer_1_marks`).
    pub names: Vec<String>,
    /// Each unit's JSON path prefix for errors (`""`, `layer[2].layer[1]`).
    pub places: Vec<String>,
    /// For the line and point overlays of a line or area mark (`mark.point`, `mark.line`):
    /// the index of the unit they overlay, whose stacking they share.
    pub overlay_of: Vec<Option<usize>>,
}

/// The unit specs of `text`: one for a single view, one per entry of `layer` (depth first
/// through nested layers), and one more per mark overlay (`mark.point`, `mark.line`).
pub fn unit_specs(text: &str) -> Result<Units> {
    let json: Json = match serde_json::from_str(text) {
        Ok(j) => j,
        // `parse_spec` reports the syntax error with its line and column.
        Err(_) => {
            return parse_spec(text).map(|spec| Units {
                specs: vec![spec],
                layered: false,
                names: vec!["marks".to_string()],
                places: vec![String::new()],
                overlay_of: vec![None],
            })
        }
    };
    let mut units = Units {
        specs: Vec::new(),
        layered: false,
        names: Vec::new(),
        places: Vec::new(),
        overlay_of: Vec::new(),
    };
    let Json::Object(root) = &json else {
        return parse_spec_json(json).map(|spec| Units {
            specs: vec![spec],
            names: vec!["marks".to_string()],
            places: vec![String::new()],
            overlay_of: vec![None],
            ..units
        });
    };
    units.layered = root.contains_key("layer") || overlays(root).is_some();
    walk(root, "", "", &mut units)?;
    Ok(units)
}

/// Adds the units of `node` (already merged with its parents), named under `name`.
fn walk(node: &Map<String, Json>, place: &str, name: &str, units: &mut Units) -> Result<()> {
    let within = |e: Error| if place.is_empty() { e } else { e.within(place) };
    let Some(layers) = node.get("layer") else {
        let Some((point, line)) = overlays(node) else {
            units
                .specs
                .push(parse_spec_json(Json::Object(node.clone())).map_err(within)?);
            units.names.push(format!("{name}marks"));
            units.places.push(place.to_string());
            units.overlay_of.push(None);
            return Ok(());
        };
        // Vega-Lite's point/line overlay normalizer: the mark, then a line, then points.
        let mut base = node.clone();
        let mark = match base.get_mut("mark") {
            Some(Json::Object(mark)) => mark,
            _ => return Ok(()),
        };
        let kind = mark.get("type").cloned().unwrap_or(Json::Null);
        mark.remove("point");
        mark.remove("line");
        let picked = |keys: &[&str]| -> Map<String, Json> {
            keys.iter()
                .filter_map(|k| Some((k.to_string(), mark.get(*k)?.clone())))
                .collect()
        };
        let mut line_mark = picked(&["clip", "interpolate", "tension", "tooltip"]);
        let mut point_mark = picked(&["clip", "tooltip"]);
        let base_index = units.specs.len();
        let mut layers = vec![base.clone()];
        let mut with_mark = |mark: Map<String, Json>| {
            let mut unit = base.clone();
            unit.retain(|k, _| !CHART_ONLY.contains(&k.as_str()));
            unit.insert("mark".to_string(), Json::Object(mark));
            layers.push(unit);
        };
        if let (Some(line), Json::String(k)) = (line, &kind) {
            if k == "area" {
                line_mark.insert("type".to_string(), Json::from("line"));
                if let Json::Object(own) = line {
                    line_mark.extend(own.clone());
                }
                with_mark(line_mark);
            }
        }
        if let Some(point) = point {
            point_mark.insert("type".to_string(), Json::from("point"));
            point_mark.insert("opacity".to_string(), Json::from(1));
            point_mark.insert("filled".to_string(), Json::from(true));
            match point {
                Json::String(s) if s == "transparent" => {
                    point_mark.insert("opacity".to_string(), Json::from(0));
                }
                Json::Object(own) => point_mark.extend(own.clone()),
                _ => {}
            }
            with_mark(point_mark);
        }
        for (i, unit) in layers.iter().enumerate() {
            units
                .specs
                .push(parse_spec_json(Json::Object(unit.clone())).map_err(within)?);
            units.names.push(format!("{name}layer_{i}_marks"));
            units.places.push(place.to_string());
            units.overlay_of.push((i > 0).then_some(base_index));
        }
        return Ok(());
    };
    let Json::Array(layers) = layers else {
        return Err(within(Error::spec_shape(
            "layer",
            "expected an array of layer specs",
        )));
    };
    if layers.is_empty() {
        return Err(within(Error::spec_shape(
            "layer",
            "expected at least one layer",
        )));
    }
    for (i, layer) in layers.iter().enumerate() {
        let path = if place.is_empty() {
            format!("layer[{i}]")
        } else {
            format!("{place}.layer[{i}]")
        };
        let Json::Object(layer) = layer else {
            return Err(Error::spec_shape(
                &path,
                "expected a layer spec (an object)",
            ));
        };
        let unit = merge(node, layer, units.specs.is_empty() && i == 0);
        walk(&unit, &path, &format!("{name}layer_{i}_"), units)?;
    }
    Ok(())
}

/// The point and line overlays of a unit's line or area mark (`mark.point`, `mark.line`), if
/// it has any (`false`, `null` and absent mean none).
fn overlays(unit: &Map<String, Json>) -> Option<(Option<&Json>, Option<&Json>)> {
    let Some(Json::Object(mark)) = unit.get("mark") else {
        return None;
    };
    if !matches!(
        mark.get("type").and_then(Json::as_str),
        Some("line" | "area")
    ) {
        return None;
    }
    let on = |key: &str| {
        mark.get(key)
            .filter(|o| !matches!(o, Json::Bool(false) | Json::Null))
    };
    let (point, line) = (on("point"), on("line"));
    (point.is_some() || line.is_some()).then_some((point, line))
}

/// The unit spec of one layer: the parent's inherited properties, overlaid by the layer's.
/// Chart-level properties (`title`, sizes) go to the first unit only, where the chart reads
/// them.
fn merge(parent: &Map<String, Json>, layer: &Map<String, Json>, first: bool) -> Map<String, Json> {
    let mut unit = Map::new();
    for (key, value) in parent {
        if key == "layer" || (!first && CHART_ONLY.contains(&key.as_str())) {
            continue;
        }
        unit.insert(key.clone(), value.clone());
    }
    for (key, value) in layer {
        match (key.as_str(), unit.get_mut(key), value) {
            ("encoding", Some(Json::Object(inherited)), Json::Object(own)) => {
                for (channel, def) in own {
                    // A field or datum definition inherits the parent's properties
                    // (`{...parent, ...own}`, Vega-Lite's `mergeEncoding`): a layer's
                    // `{"field": "a"}` keeps the parent's type, scale and axis.
                    let field_or_datum = def.get("field").is_some_and(|f| !f.is_null())
                        || def.get("datum").is_some()
                        || def.get("aggregate").and_then(Json::as_str) == Some("count");
                    let merged = match (inherited.get(channel), def) {
                        (Some(Json::Object(parent)), Json::Object(own_def)) if field_or_datum => {
                            let mut m = parent.clone();
                            for (k, v) in own_def {
                                m.insert(k.clone(), v.clone());
                            }
                            Json::Object(m)
                        }
                        _ => def.clone(),
                    };
                    inherited.insert(channel.clone(), merged);
                }
            }
            ("transform", Some(Json::Array(inherited)), Json::Array(own)) => {
                inherited.extend(own.iter().cloned());
            }
            _ => {
                unit.insert(key.clone(), value.clone());
            }
        }
    }
    unit
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_layer_field_definition_keeps_the_parent_channel_properties() {
        let units = unit_specs(
            r#"{"data": {"values": []}, "encoding": {"y": {"type": "quantitative", "title": "T"}},
                "layer": [{"mark": "bar", "encoding": {"y": {"field": "a"}}},
                          {"mark": "bar", "encoding": {"y": {"value": 3}}}]}"#,
        )
        .unwrap();
        let y = units.specs[0].encoding.y.as_ref().unwrap();
        assert_eq!(y.field.as_deref(), Some("a"));
        assert_eq!(y.kind.as_deref(), Some("quantitative"));
        // A value definition replaces the parent's.
        let y = units.specs[1].encoding.y.as_ref().unwrap();
        assert!(y.kind.is_none());
    }

    #[test]
    fn layers_inherit_data_encoding_and_transforms() {
        let units = unit_specs(
            r#"{"title": "T", "data": {"values": [{"a": 1}]}, "transform": [{"calculate": "1", "as": "one"}],
                "encoding": {"x": {"field": "a", "type": "quantitative"}},
                "layer": [{"mark": "bar"}, {"mark": "text", "encoding": {"text": {"field": "a"}},
                           "transform": [{"calculate": "2", "as": "two"}]}]}"#,
        )
        .unwrap();
        assert!(units.layered);
        let units = units.specs;
        assert_eq!(units.len(), 2);
        assert!(units[0].title.is_some() && units[1].title.is_none());
        assert!(units[1].encoding.x.is_some() && units[1].encoding.text.is_some());
        assert_eq!(units[1].transform.len(), 2);
        assert!(units[1].data.is_some());
    }

    #[test]
    fn overlays_and_nested_layers_get_vega_lite_names() {
        let units = unit_specs(
            r#"{"data": {"values": []}, "mark": {"type": "area", "line": true, "point": "transparent"},
                "encoding": {"x": {"field": "a"}}}"#,
        )
        .unwrap();
        assert_eq!(
            units.names,
            ["layer_0_marks", "layer_1_marks", "layer_2_marks"]
        );
        assert_eq!(units.overlay_of, [None, Some(0), Some(0)]);
        let Some(crate::spec::types::AnyMark::Def(point)) = &units.specs[2].mark else {
            panic!("the overlay is a mark definition");
        };
        assert_eq!((point.kind.as_str(), point.opacity), ("point", Some(0.0)));
        let units = unit_specs(
            r#"{"data": {"values": []}, "layer": [{"mark": "bar"},
                {"encoding": {"y": {"datum": 1}}, "layer": [{"mark": "rule"}, {"mark": "text"}]}]}"#,
        )
        .unwrap();
        assert_eq!(
            units.names,
            [
                "layer_0_marks",
                "layer_1_layer_0_marks",
                "layer_1_layer_1_marks"
            ]
        );
        assert_eq!(units.places[2], "layer[1].layer[1]");
        assert!(units.specs[2].encoding.y.is_some());
    }

    #[test]
    fn errors_name_the_layer() {
        let e = unit_specs(r#"{"layer": [{"mark": "bar"}, {"mark": 3}]}"#).unwrap_err();
        assert!(e.place().starts_with("layer[1]"), "{}", e.place());
        let e = unit_specs(r#"{"layer": [{"layer": [{"mark": 3}]}]}"#).unwrap_err();
        assert!(e.place().starts_with("layer[0].layer[0]"), "{}", e.place());
        assert!(unit_specs(r#"{"layer": []}"#).is_err());
    }
}
