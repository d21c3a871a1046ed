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

/// The unit specs of a spec, and whether it was a `layer` spec.
#[derive(Clone, Debug)]
pub struct Units {
    /// One spec for a single view, one per entry of `layer`.
    pub specs: Vec<TopLevelSpec>,
    /// Whether the spec had `layer` (its marks are then named `layer_i_marks`).
    pub layered: bool,
}

/// The unit specs of `text`: one for a single view, one per entry of `layer`.
pub fn unit_specs(text: &str) -> Result<Units> {
    let single = |spec: TopLevelSpec| Units {
        specs: vec![spec],
        layered: false,
    };
    let json: Json = match serde_json::from_str(text) {
        Ok(j) => j,
        // `parse_spec` reports the syntax error with its line and column.
        Err(_) => return parse_spec(text).map(single),
    };
    let Some(layers) = json.get("layer") else {
        return parse_spec_json(json).map(single);
    };
    let (Json::Object(parent), Json::Array(layers)) = (&json, layers) else {
        return Err(Error::spec_shape(
            "layer",
            "expected an array of layer specs",
        ));
    };
    if layers.is_empty() {
        return Err(Error::spec_shape("layer", "expected at least one layer"));
    }
    let specs = layers
        .iter()
        .enumerate()
        .map(|(i, layer)| {
            let path = format!("layer[{i}]");
            let Json::Object(layer) = layer else {
                return Err(Error::spec_shape(
                    &path,
                    "expected a layer spec (an object)",
                ));
            };
            if layer.contains_key("layer") {
                return Err(Error::unsupported(
                    &format!("{path}.layer"),
                    "a layer inside a layer",
                ));
            }
            let unit = merge(parent, layer, i == 0);
            parse_spec_json(Json::Object(unit)).map_err(|e| e.within(&path))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Units {
        specs,
        layered: true,
    })
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
    fn errors_name_the_layer() {
        let e = unit_specs(r#"{"layer": [{"mark": "bar"}, {"mark": 3}]}"#).unwrap_err();
        assert!(e.place().starts_with("layer[1]"), "{}", e.place());
        let e = unit_specs(r#"{"layer": [{"layer": []}]}"#).unwrap_err();
        assert_eq!(e.place(), "layer[0].layer");
        assert!(unit_specs(r#"{"layer": []}"#).is_err());
    }
}
