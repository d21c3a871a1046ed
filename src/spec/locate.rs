//! Where in a spec a shape error is: the JSON path of the first property that does not read
//! as its type.
//!
//! Stage: spec. The spec types are read from a JSON value in one pass, which keeps their serde
//! code small; only when that fails does this module look for the place, by reading each
//! property alone (with the properties its type requires) and descending into the one that
//! fails. It reuses the same deserializers, so it adds little code to the WASM.

use serde::Deserialize;
use serde_json::{Map, Value as Json};

use super::types::{
    AxisDef, ChannelDef, DataDef, EncodingDef, FormatDef, MarkDef, ScaleDef, TitleParams,
    TopLevelSpec,
};

/// Descends into a property that failed: its name, value and path.
type Descend = fn(&str, &Json, &str) -> Option<String>;

/// The JSON path (`encoding.x.field`) of the first part of `spec` that fails to read.
pub fn locate_error(spec: &Json) -> String {
    locate::<TopLevelSpec>(spec, "", &[], top).unwrap_or_default()
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// The path inside `json` (read as `T`) of the first property that fails alone; `required`
/// are the properties `T` needs, kept beside each one tried.
fn locate<T: for<'de> Deserialize<'de>>(
    json: &Json,
    prefix: &str,
    required: &[&str],
    descend: Descend,
) -> Option<String> {
    let Json::Object(map) = json else {
        return None;
    };
    for (key, value) in map {
        let mut single: Map<String, Json> = required
            .iter()
            .filter_map(|r| Some(((*r).to_string(), map.get(*r)?.clone())))
            .collect();
        single.insert(key.clone(), value.clone());
        if T::deserialize(&Json::Object(single)).is_err() {
            let path = join(prefix, key);
            return Some(descend(key, value, &path).unwrap_or(path));
        }
    }
    None
}

fn leaf(_: &str, _: &Json, _: &str) -> Option<String> {
    None
}

fn top(key: &str, value: &Json, path: &str) -> Option<String> {
    match key {
        "encoding" => locate::<EncodingDef>(value, path, &[], channel),
        "mark" => locate::<MarkDef>(value, path, &["type"], leaf),
        "data" => locate::<DataDef>(value, path, &[], data),
        "title" => locate::<TitleParams>(value, path, &["text"], leaf),
        _ => None,
    }
}

fn data(key: &str, value: &Json, path: &str) -> Option<String> {
    (key == "format").then(|| locate::<FormatDef>(value, path, &[], leaf))?
}

fn channel(_: &str, value: &Json, path: &str) -> Option<String> {
    locate::<ChannelDef>(value, path, &[], channel_property)
}

fn channel_property(key: &str, value: &Json, path: &str) -> Option<String> {
    match key {
        "axis" => locate::<AxisDef>(value, path, &[], leaf),
        "scale" => locate::<ScaleDef>(value, path, &[], leaf),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(spec: &str) -> String {
        locate_error(&serde_json::from_str(spec).unwrap())
    }

    #[test]
    fn finds_the_failing_property_at_any_depth() {
        assert_eq!(
            at(r#"{"mark": "bar", "encoding": {"x": {"field": 3}}}"#),
            "encoding.x.field"
        );
        assert_eq!(
            at(r#"{"encoding": {"y": {"field": "a", "axis": {"grid": {"expr": "1"}}}}}"#),
            "encoding.y.axis.grid"
        );
        assert_eq!(
            at(r#"{"mark": {"type": "bar", "opacity": "x"}}"#),
            "mark.opacity"
        );
        assert_eq!(at(r#"{"width": [1]}"#), "width");
        assert_eq!(
            at(r#"{"data": {"format": {"type": 1}}}"#),
            "data.format.type"
        );
        assert_eq!(at(r#"{"mark": "bar"}"#), "");
    }
}
