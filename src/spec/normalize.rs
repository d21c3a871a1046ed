//! Spec JSON text -> [`View`]: parse, expand shorthand, fill Vega-Lite's defaults, reject the rest.
//!
//! Stage: spec. Guarantees: a returned [`View`] is complete (no defaults left to decide later),
//! and every part of the spec storychart does not implement is reported as an
//! [`Error::unsupported`] naming its JSON path, never silently ignored when it would change the
//! chart. Properties that only affect things storychart does not draw yet (descriptions,
//! `$schema`, `config` keys it does not read) are ignored, as Vega-Lite ignores unknown keys.

use serde_json::Value as Json;

use super::scale::ScaleKind;
use super::types::{
    AnyMark, AxisDef, ChannelDef, DataDef, MarkDef, PaddingDef, SizeDef, TitleDef, TitleText,
    TopLevelSpec,
};
use super::view::{
    AggregateOp, ArcProps, AxisSpec, BinSpec, Channel, CondTest, Conditional, Constant, DataParse,
    DataSource, FieldType, MarkKind, MarkProps, Polar, PositionDef, Size, SortOrder, StackOffset,
    TextProps, TimeUnitSpec, TitleSpec, View,
};
use crate::data::kernels::bin::auto_max_bins;
use crate::data::kernels::{parse_time_unit, BinOptions};
use crate::data::value::js_number_string;
use crate::error::{Error, Result};
use crate::mark::curve::Interpolate;

/// Vega-Lite's default mark colour (`config.mark.color`).
pub const DEFAULT_MARK_COLOR: &str = "#4c78a8";
/// Vega-Lite's default colour of the text and rule marks.
pub const DEFAULT_TEXT_COLOR: &str = "black";

/// Top-level properties that change what a chart is and that storychart does not support yet.
const UNSUPPORTED_TOP_LEVEL: &[&str] = &[
    "facet",
    "hconcat",
    "vconcat",
    "concat",
    "repeat",
    "spec",
    "projection",
];

/// Parses spec JSON text into the serde types, with errors that name the JSON path.
pub fn parse_spec(text: &str) -> Result<TopLevelSpec> {
    // One deserializer type for all specs (JSON values), so the serde code for the spec types
    // exists once in the WASM: first the text to a JSON value (syntax errors with line and
    // column), then the value to the spec types (shape errors with a JSON path).
    let json: Json = serde_json::from_str(text)
        .map_err(|e| Error::spec_json(e.line(), e.column(), &syntax_detail(&e)))?;
    parse_spec_json(json)
}

/// Reads the serde types from parsed JSON (a layer's unit spec), with JSON-path errors.
pub fn parse_spec_json(json: Json) -> Result<TopLevelSpec> {
    // One plain pass; the place of an error is looked for only when there is one.
    <TopLevelSpec as serde::Deserialize>::deserialize(&json)
        .map_err(|e| Error::spec_shape(&super::locate::locate_error(&json), &shape_detail(&e)))
}

fn syntax_detail(e: &serde_json::Error) -> String {
    // serde_json appends " at line L column C"; the place is reported separately.
    let text = e.to_string();
    match text.find(" at line ") {
        Some(cut) => text.get(..cut).unwrap_or(&text).to_string(),
        None => text,
    }
}

fn shape_detail(e: &serde_json::Error) -> String {
    let text = syntax_detail(e);
    if text.starts_with("data did not match any variant") {
        "this value does not have a shape Vega-Lite allows here".to_string()
    } else {
        text
    }
}

/// Normalizes a parsed spec into a [`View`].
pub fn normalize(spec: &TopLevelSpec) -> Result<View> {
    for key in spec.other.keys() {
        if UNSUPPORTED_TOP_LEVEL.contains(&key.as_str()) {
            return Err(Error::unsupported(key, &format!("\"{key}\"")));
        }
    }
    let params = match spec.other.get("params") {
        Some(json) => super::params::parse_params(json)?,
        None => Vec::new(),
    };
    let transforms = spec
        .transform
        .iter()
        .enumerate()
        .map(|(i, t)| super::transform::parse_transform(i, t))
        .collect::<Result<Vec<_>>>()?;
    let data = normalize_data(spec.data.as_ref(), spec.other.get("datasets"))?;
    let data_parse = normalize_parse(spec.data.as_ref())?;
    let (mark, mark_def) = normalize_mark(spec.mark.as_ref())?;
    let (mark_props, props_error) = normalize_mark_props(mark_def.as_ref(), spec, &params)?;
    let enc = &spec.encoding;
    let (mut undrawn, undrawn_error, conditions) = undrawn_channels(spec, mark)?;
    // A mark property given as an expression over `datum` reads those fields per item.
    for (key, value) in mark_def.iter().flat_map(|d| &d.other) {
        let Some(Json::String(text)) = value.get("expr") else {
            continue;
        };
        let place = format!("mark.{key}.expr");
        for field in crate::expr::parse_at(&place, text)?.fields() {
            let def = serde_json::json!({"field": field, "type": "nominal"});
            undrawn.push(channel_json(Channel::Undrawn("mark"), &def)?);
        }
    }
    let mut other_channels = enc.other.iter();
    let unsupported = loop {
        match other_channels.next() {
            Some((key, def)) if super::params::is_param_style_condition(key, def, &params)? => {}
            Some((key, _)) if UNDRAWN.iter().any(|(k, _)| k == key) => {}
            Some((key, _)) if POLAR.contains(&key.as_str()) => {}
            Some((key, _)) if key == "order" => {}
            next => break next.map(|(key, _)| key),
        }
    };
    if let Some(key) = unsupported {
        return Err(Error::unsupported(
            &format!("encoding.{key}"),
            &format!("the \"{key}\" channel"),
        ));
    }
    let polar = normalize_polar(spec)?;
    let mut constants = Vec::new();
    let mut datum_transforms = Vec::new();
    let mut datum_error = None;
    let (x, y, x2, y2) = match &polar {
        Some((_, defs)) => defs.clone(),
        None => {
            let mut keep = |channel: Channel, def: Option<&'_ ChannelDef>| {
                let def = def?;
                if def.field.is_some() || def.aggregate.is_some() {
                    return Some(def.clone());
                }
                // A datum or value places the mark at a constant; a definition with neither
                // (only a type or scale, for layers to fill in) is dropped, as Vega-Lite does.
                match (&def.datum, &def.value) {
                    (Some(d), _) => {
                        // A datum is a data value on the channel's scale: computed into a
                        // field of its own (re-evaluated when a parameter in it changes),
                        // which the mark data leaves out.
                        match datum_def(channel, def, d) {
                            Ok((def, transform)) => {
                                datum_transforms.push(transform);
                                return Some(def);
                            }
                            Err(e) => datum_error = datum_error.take().or(Some(e)),
                        }
                    }
                    (None, Some(v)) => constants.push((channel, Constant::Value(v.clone()))),
                    (None, None) => {}
                }
                None
            };
            let (dx, dy) = (
                keep(Channel::X, enc.x.as_ref()),
                keep(Channel::Y, enc.y.as_ref()),
            );
            let (dx2, dy2) = (
                keep(Channel::X2, enc.x2.as_ref()),
                keep(Channel::Y2, enc.y2.as_ref()),
            );
            let x = dx
                .as_ref()
                .map(|d| normalize_position(Channel::X, d))
                .transpose()?;
            let y = dy
                .as_ref()
                .map(|d| normalize_position(Channel::Y, d))
                .transpose()?;
            let x2 = secondary(Channel::X2, dx2.as_ref(), x.as_ref())?;
            let y2 = secondary(Channel::Y2, dy2.as_ref(), y.as_ref())?;
            (x, y, x2, y2)
        }
    };
    if let Some(e) = datum_error {
        return Err(e);
    }
    let (mut x, mut y) = (x, y);
    for (def, has_end) in [(&mut x, x2.is_some()), (&mut y, y2.is_some())] {
        if let Some(def) = def.as_mut() {
            time_unit_band(def, has_end, spec, mark, mark_def.as_ref());
        }
    }
    let mut transforms = transforms;
    transforms.extend(datum_transforms);
    // `mark.x`/`mark.y` in pixels (or "width"/"height") place marks with no such channel.
    for (key, channel, def) in [("x", Channel::X, &x), ("y", Channel::Y, &y)] {
        let Some(value) = mark_def.as_ref().and_then(|d| d.other.get(key)) else {
            continue;
        };
        if def.is_none() && !constants.iter().any(|(c, _)| *c == channel) {
            constants.push((channel, Constant::Value(value.clone())));
        }
    }
    // Pixel positions are drawn for labels, symbols and ticks on a channel they lack.
    let placed = matches!(
        mark,
        MarkKind::Text | MarkKind::Point | MarkKind::Circle | MarkKind::Square | MarkKind::Tick
    );
    let constant_error = constants
        .iter()
        .find(|(c, v)| {
            let pixels = v.as_number().is_some()
                || matches!(v, Constant::Value(Json::String(s)) if s == "width" || s == "height");
            !(placed && matches!(c, Channel::X | Channel::Y) && pixels)
        })
        .map(|(c, _)| {
            Error::unsupported(
                &format!("encoding.{}", c.name()),
                "drawing this constant position",
            )
        });
    let order = normalize_order(enc.other.get("order"), mark)?;
    let mut mark_props = mark_props;
    if polar.is_some() && mark_props.orient.is_none() {
        // Arcs stack along theta when it is quantitative (Vega-Lite's stack channel order).
        mark_props.orient = Some(Channel::X);
    }
    let text = enc
        .text
        .as_ref()
        .filter(|t| t.field.is_some() || t.aggregate.is_some())
        .map(|d| normalize_position(Channel::Text, d))
        .transpose()?;
    let detail = match &enc.detail {
        None | Some(Json::Null) => Vec::new(),
        Some(Json::Array(items)) => items
            .iter()
            .map(|j| channel_json(Channel::Detail, j))
            .collect::<Result<Vec<_>>>()?,
        Some(one) => vec![channel_json(Channel::Detail, one)?],
    };
    let tooltip = match &enc.tooltip {
        None | Some(Json::Null) => Vec::new(),
        Some(Json::Array(items)) => items
            .iter()
            .filter(|j| j.get("field").is_some() || j.get("aggregate").is_some())
            .map(|j| channel_json(Channel::Tooltip, j))
            .collect::<Result<Vec<_>>>()?,
        Some(one) if one.get("field").is_some() || one.get("aggregate").is_some() => {
            vec![channel_json(Channel::Tooltip, one)?]
        }
        Some(_) => Vec::new(),
    };
    // A colour field in a condition (`{"condition": {"param", "field"}, "value"}`) is the
    // view's colour scale, as Vega-Lite resolves it.
    let condition_color = [&enc.color, &enc.fill]
        .into_iter()
        .flatten()
        .filter(|c| c.field.is_none() && c.aggregate.is_none())
        .find_map(|c| match c.other.get("condition") {
            Some(one @ Json::Object(o))
                if o.contains_key("field") || o.contains_key("aggregate") =>
            {
                <ChannelDef as serde::Deserialize>::deserialize(one).ok()
            }
            _ => None,
        });
    let color_def = [&enc.color, &enc.fill]
        .into_iter()
        .flatten()
        .find(|c| c.field.is_some() || c.aggregate.is_some())
        .or(condition_color.as_ref());
    let color = color_def
        .map(|d| normalize_position(Channel::Color, d))
        .transpose()?;
    let color_legend = !matches!(color_def.map(|d| &d.legend), Some(Some(None)));
    // An explicit domain of a nominal colour field orders stacks (Vega-Lite's
    // `alignStackOrderWithColorDomain`); not with an offset channel (grouped bars).
    let has_offset = ["xOffset", "yOffset"]
        .iter()
        .any(|k| enc.other.contains_key(*k));
    let color_domain = color_def
        .filter(|d| d.kind.as_deref().unwrap_or("nominal") == "nominal" && !has_offset)
        .and_then(|d| d.scale.clone().flatten())
        .and_then(|s| match s.domain {
            Some(Json::Array(values)) => Some(values),
            _ => None,
        });
    let keep_invalid = keeps_invalid(spec, mark, mark_def.as_ref());
    let invalid_error = (keep_invalid && !matches!(mark, MarkKind::Line | MarkKind::Area))
        .then(|| Error::unsupported("mark.invalid", "drawing invalid values (\"show\")"));
    Ok(View {
        keep_invalid,
        color_domain,
        data,
        data_parse,
        mark,
        mark_props,
        x,
        y,
        x2,
        y2,
        text,
        detail,
        tooltip,
        color,
        color_legend,
        title: spec.title.as_ref().map(normalize_title),
        width: normalize_size("width", spec.width.as_ref())?,
        height: normalize_size("height", spec.height.as_ref())?,
        background: spec.background.clone(),
        padding: normalize_padding(spec.padding.as_ref()),
        view_stroke: view_stroke(spec.other.get("config")),
        description: spec.description.clone(),
        transforms,
        render_error: mark_render_error(mark_def.as_ref(), polar.is_some())
            .or(props_error)
            .or(undrawn_error)
            .or(constant_error)
            .or(invalid_error),
        undrawn,
        invalid_filtered_except: invalid_mode(spec, mark_def.as_ref()),
        params,
        polar: polar.map(|(p, _)| p),
        order,
        constants,
        conditions,
    })
}

/// Vega-Lite's handling of invalid values on continuous scales: `None` when the mark shows
/// them (`mark.invalid` or `config.mark.invalid` null or `"show"`), else the channels that
/// show them anyway (`config.scale.invalid.<channel>` gives them a value).
fn invalid_mode(spec: &TopLevelSpec, def: Option<&MarkDef>) -> Option<Vec<String>> {
    let config = spec.other.get("config");
    let mode = def
        .and_then(|d| d.other.get("invalid"))
        .or_else(|| config?.get("mark")?.get("invalid"));
    if matches!(mode, Some(Json::Null)) || mode.and_then(Json::as_str) == Some("show") {
        return None;
    }
    let shown = config
        .and_then(|c| c.get("scale")?.get("invalid")?.as_object())
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    Some(shown)
}

/// The text mark's own properties.
fn text_props(
    def: &MarkDef,
    params: &[super::params::Param],
) -> Result<(TextProps, Option<Error>)> {
    use crate::scene::{Align, Baseline};
    let mut t = TextProps::default();
    let string = |key: &str| def.other.get(key).and_then(Json::as_str);
    t.align = match string("align") {
        None | Some("center") => Align::Center,
        Some("left") => Align::Left,
        Some("right") => Align::Right,
        Some(other) => {
            return Err(Error::spec_shape(
                "mark.align",
                &format!("unknown align \"{other}\" (use left, center or right)"),
            ))
        }
    };
    t.baseline = match string("baseline") {
        None | Some("middle") => Baseline::Middle,
        Some("top" | "line-top") => Baseline::Top,
        Some("bottom" | "line-bottom") => Baseline::Bottom,
        Some("alphabetic") => Baseline::Alphabetic,
        Some(other) => {
            return Err(Error::spec_shape(
                "mark.baseline",
                &format!("unknown baseline \"{other}\" (use top, middle, bottom or alphabetic)"),
            ))
        }
    };
    let number = |key: &str| -> Result<f64> {
        let path = format!("mark.{key}");
        Ok(super::params::number_or_expr(&path, def.other.get(key), params)?.unwrap_or(0.0))
    };
    // An expression over `datum` varies per item: not drawn yet (its fields are in the data).
    let mut error = None;
    let mut per_item = |key: &str| -> Result<bool> {
        if let Some(Json::String(e)) = def.other.get(key).and_then(|o| o.get("expr")) {
            if !crate::expr::parse_at(&format!("mark.{key}.expr"), e)?
                .fields()
                .is_empty()
            {
                let what = "a per-item expression on this property";
                error = error
                    .take()
                    .or(Some(Error::unsupported(&format!("mark.{key}"), what)));
                return Ok(true);
            }
        }
        Ok(false)
    };
    for (key, slot) in [
        ("dx", &mut t.dx),
        ("dy", &mut t.dy),
        ("angle", &mut t.angle),
    ] {
        if !per_item(key)? {
            *slot = number(key)?;
        }
    }
    t.bold = match def.other.get("fontWeight") {
        Some(Json::String(w)) => w == "bold" || w == "bolder",
        Some(Json::Number(n)) => n.as_f64().is_some_and(|w| w >= 600.0),
        _ => false,
    };
    t.constant = match def.other.get("text") {
        Some(Json::String(s)) => Some(s.clone()),
        Some(Json::Array(lines)) => Some(
            lines
                .iter()
                .filter_map(Json::as_str)
                .collect::<Vec<_>>()
                .join(" "),
        ),
        _ => None,
    };
    Ok((t, error))
}

/// The prefix of the fields that hold a channel's `datum` (left out of the mark data).
pub const DATUM_FIELD: &str = "__datum_";

/// A `datum` position as a field definition and the `calculate` transform that computes it:
/// numbers, strings and booleans as literals, date-time objects as `utc(...)`, and
/// `{"expr": ...}` as that expression.
fn datum_def(
    channel: Channel,
    def: &ChannelDef,
    datum: &Json,
) -> Result<(ChannelDef, super::transform::Transform)> {
    let path = format!("encoding.{}.datum", channel.name());
    let (expr, ty) = match datum {
        Json::Number(n) => (
            js_number_string(n.as_f64().unwrap_or(f64::NAN)),
            "quantitative",
        ),
        Json::String(_) | Json::Bool(_) => (datum.to_string(), "nominal"),
        Json::Object(o) if o.contains_key("expr") => match o.get("expr") {
            Some(Json::String(e)) => (format!("({e})"), "quantitative"),
            _ => return Err(Error::spec_shape(&path, "expected {\"expr\": \"...\"}")),
        },
        Json::Object(o) => (date_time_expr(&path, o)?, "temporal"),
        _ => {
            return Err(Error::spec_shape(
                &path,
                "expected a number, a string, a boolean, a date-time object or {\"expr\": ...}",
            ))
        }
    };
    crate::expr::parse_at(&path, &expr)?;
    let field = format!("{DATUM_FIELD}{}", channel.name());
    let mut out = def.clone();
    out.field = Some(field.clone());
    out.datum = None;
    out.kind = out.kind.or(Some(ty.to_string()));
    out.title = out.title.or(Some(None));
    out.stack = Some(None);
    Ok((
        out,
        super::transform::Transform::Calculate {
            expr,
            as_name: field,
        },
    ))
}

/// A Vega-Lite date-time object (`{"year": 2006, "month": "jan", "date": 1}`) as a `utc()`
/// expression (local time is UTC here). Months are 1-12 or names.
fn date_time_expr(path: &str, o: &serde_json::Map<String, Json>) -> Result<String> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let mut parts = [2012.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0];
    for (key, value) in o {
        let slot = match key.as_str() {
            "year" => 0,
            "month" => 1,
            "date" => 2,
            "hours" => 3,
            "minutes" => 4,
            "seconds" => 5,
            "milliseconds" => 6,
            "utc" => continue,
            "quarter" => {
                let q = value.as_f64().unwrap_or(1.0);
                parts[1] = (q - 1.0) * 3.0;
                continue;
            }
            other => {
                return Err(Error::unsupported(
                    &format!("{path}.{other}"),
                    &format!("the date-time property \"{other}\""),
                ))
            }
        };
        let v = match (slot, value) {
            (1, Json::String(m)) => {
                let m = m.to_ascii_lowercase();
                MONTHS
                    .iter()
                    .position(|n| m.starts_with(n))
                    .map(|i| i as f64 + 1.0)
            }
            (_, v) => v.as_f64(),
        }
        .ok_or_else(|| Error::spec_shape(&format!("{path}.{key}"), "expected a number"))?;
        if let Some(p) = parts.get_mut(slot) {
            *p = if slot == 1 { v - 1.0 } else { v };
        }
    }
    let args: Vec<String> = parts.iter().map(|v| js_number_string(*v)).collect();
    Ok(format!("utc({})", args.join(", ")))
}

/// `order`: a field orders lines' points and stacks' pieces. A constant or conditional order
/// (drawing order) only changes which item is on top.
fn normalize_order(json: Option<&Json>, mark: MarkKind) -> Result<Option<PositionDef>> {
    let Some(json) = json else { return Ok(None) };
    let items: Vec<&Json> = match json {
        Json::Array(items) => items.iter().collect(),
        one => vec![one],
    };
    let fields: Vec<&Json> = items
        .into_iter()
        .filter(|j| j.get("field").is_some() || j.get("aggregate").is_some())
        .collect();
    match fields.as_slice() {
        [] => Ok(None),
        [one]
            if matches!(
                mark,
                MarkKind::Line
                    | MarkKind::Area
                    | MarkKind::Point
                    | MarkKind::Circle
                    | MarkKind::Square
            ) || mark.stacks_by_default() =>
        {
            channel_json(Channel::Undrawn("order"), one).map(Some)
        }
        [_] => Err(Error::unsupported(
            "encoding.order",
            "ordering this mark's items by a field",
        )),
        _ => Err(Error::unsupported(
            "encoding.order",
            "more than one order field",
        )),
    }
}

/// Polar channels, read as Vega-Lite's arc marks read them.
const POLAR: &[&str] = &["theta", "theta2", "radius", "radius2"];

type Positions = (
    Option<PositionDef>,
    Option<PositionDef>,
    Option<PositionDef>,
    Option<PositionDef>,
);

/// `theta`/`radius` (and their second ends) as the view's x/y/x2/y2, with the radius scale's
/// properties; `None` when the view has no polar channel.
fn normalize_polar(spec: &TopLevelSpec) -> Result<Option<(Polar, Positions)>> {
    let other = &spec.encoding.other;
    if !POLAR.iter().any(|k| other.contains_key(*k)) {
        return Ok(None);
    }
    if let Some(key) = [("x", &spec.encoding.x), ("y", &spec.encoding.y)]
        .iter()
        .find(|(_, d)| d.is_some())
        .map(|(k, _)| k)
    {
        return Err(Error::unsupported(
            &format!("encoding.{key}"),
            "x/y positions together with theta/radius",
        ));
    }
    let read = |key: &str| -> Result<Option<ChannelDef>> {
        other
            .get(key)
            .map(|j| {
                <ChannelDef as serde::Deserialize>::deserialize(j)
                    .map_err(|e| Error::spec_shape(&format!("encoding.{key}"), &shape_detail(&e)))
            })
            .transpose()
    };
    let mut polar = Polar {
        radius_sqrt: false,
        radius_zero: true,
        radius_min: 0.0,
    };
    let mut radius = read("radius")?;
    if let Some(scale) = radius
        .as_mut()
        .and_then(|r| r.scale.as_mut())
        .and_then(Option::take)
    {
        // The radius scale is drawn here (linear or sqrt, zero, rangeMin).
        match scale.kind.as_deref() {
            None | Some("linear") => {}
            Some("sqrt") => polar.radius_sqrt = true,
            Some(other) => {
                return Err(Error::unsupported(
                    "encoding.radius.scale.type",
                    &format!("the \"{other}\" scale on radius"),
                ))
            }
        }
        polar.radius_zero = scale.zero.unwrap_or(true);
        // A field with a continuous scale type is quantitative (Vega-Lite's default type).
        if let Some(r) = radius
            .as_mut()
            .filter(|r| r.kind.is_none() && scale.kind.is_some())
        {
            r.kind = Some("quantitative".to_string());
        }
        for (key, value) in &scale.other {
            match (key.as_str(), value.as_f64()) {
                ("rangeMin", Some(v)) => polar.radius_min = v.max(0.0),
                _ => {
                    return Err(Error::unsupported(
                        &format!("encoding.radius.scale.{key}"),
                        &format!("the \"{key}\" scale property on radius"),
                    ))
                }
            }
        }
    }
    let field = |d: &Option<ChannelDef>| {
        d.as_ref()
            .filter(|d| d.field.is_some() || d.aggregate.is_some())
            .cloned()
    };
    let theta = field(&read("theta")?);
    let radius = field(&radius);
    let position = |channel: Channel, name: &str, def: Option<ChannelDef>| {
        def.map(|d| normalize_position(channel, &d))
            .transpose()
            .map_err(|e| {
                e.renamed(
                    &format!("encoding.{}", channel.name()),
                    &format!("encoding.{name}"),
                )
            })
    };
    let x = position(Channel::X, "theta", theta)?;
    let y = position(Channel::Y, "radius", radius)?;
    let x2 = secondary(Channel::X2, read("theta2")?.as_ref(), x.as_ref())
        .map_err(|e| e.renamed("encoding.x2", "encoding.theta2"))?;
    let y2 = secondary(Channel::Y2, read("radius2")?.as_ref(), y.as_ref())
        .map_err(|e| e.renamed("encoding.y2", "encoding.radius2"))?;
    Ok(Some((polar, (x, y, x2, y2))))
}

fn normalize_data(data: Option<&DataDef>, datasets: Option<&Json>) -> Result<DataSource> {
    let Some(data) = data else {
        return Err(Error::spec_missing(
            "data",
            "\"data\" (inline \"values\" or a \"url\")",
        ));
    };
    let declared = data.format.as_ref().and_then(|f| f.kind.clone());
    // Top-level `datasets` hold named inline data (`data: {"name": ...}`).
    let named = match (&data.name, datasets) {
        (Some(name), Some(sets)) if data.values.is_none() && data.url.is_none() => {
            Some(sets.get(name).ok_or_else(|| {
                Error::spec_shape(
                    "data.name",
                    &format!("no dataset \"{name}\" in the top-level \"datasets\""),
                )
            })?)
        }
        _ => None,
    };
    if let Some(values) = data.values.as_ref().or(named) {
        if let Json::String(text) = values {
            // Inline text in the declared format (`"format": {"type": "csv"}`), JSON otherwise.
            return Ok(DataSource::InlineText {
                text: text.clone(),
                format: declared.unwrap_or_else(|| "json".to_string()),
            });
        }
        // `format.property`: the rows sit at this path inside the values.
        let property = data.format.as_ref().and_then(|f| f.property.as_deref());
        let mut rows = values;
        for key in property.into_iter().flat_map(|p| p.split('.')) {
            rows = rows.get(key).ok_or_else(|| {
                Error::spec_shape(
                    "data.format.property",
                    &format!("the inline values have no property \"{key}\""),
                )
            })?;
        }
        return Ok(DataSource::Inline(rows.clone()));
    }
    if let Some(url) = &data.url {
        let format = declared.unwrap_or_else(|| format_from_url(url));
        return Ok(DataSource::Url {
            url: url.clone(),
            format,
        });
    }
    if data.name.is_some() {
        return Err(Error::unsupported("data.name", "named data sources"));
    }
    Err(Error::spec_missing("data", "\"values\" or \"url\""))
}

fn normalize_parse(data: Option<&DataDef>) -> Result<DataParse> {
    let parse = data
        .and_then(|d| d.format.as_ref())
        .and_then(|f| f.parse.as_ref());
    match parse {
        None | Some(Json::Null) => Ok(DataParse::None),
        Some(Json::String(s)) if s == "auto" => Ok(DataParse::Auto),
        Some(Json::Object(fields)) => fields
            .iter()
            .map(|(field, kind)| {
                let path = format!("data.format.parse.{field}");
                let Json::String(kind) = kind else {
                    return Err(Error::spec_shape(
                        &path,
                        "expected a type name such as \"number\"",
                    ));
                };
                let kind = crate::data::parse::ParseKind::from_spec(field, kind)
                    .map_err(|e| Error::spec_shape(&path, &e.to_string()))?;
                Ok((field.clone(), kind))
            })
            .collect::<Result<Vec<_>>>()
            .map(DataParse::Fields),
        Some(_) => Err(Error::spec_shape(
            "data.format.parse",
            "expected \"auto\", null or an object of field types",
        )),
    }
}

/// The format type implied by a URL's extension, as Vega's loader infers it (`json` otherwise).
fn format_from_url(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let ext = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "csv" | "tsv" | "dsv" => ext,
        _ => "json".to_string(),
    }
}

fn normalize_mark(mark: Option<&AnyMark>) -> Result<(MarkKind, Option<MarkDef>)> {
    let (name, def) = match mark {
        None => {
            return Err(Error::spec_missing(
                "mark",
                "\"mark\" (for example \"bar\")",
            ))
        }
        Some(AnyMark::Name(name)) => (name.as_str(), None),
        Some(AnyMark::Def(def)) => (def.kind.as_str(), Some((**def).clone())),
    };
    let Some(kind) = MarkKind::from_name(name) else {
        return Err(Error::unsupported("mark", &format!("the \"{name}\" mark")));
    };
    if let Some(def) = &def {
        if let Some(i) = def.interpolate.as_deref() {
            if Interpolate::from_name(i, 0.0).is_none() {
                return Err(Error::unsupported(
                    "mark.interpolate",
                    &format!("the \"{i}\" interpolation"),
                ));
            }
        }
        for (key, overlay) in [("point", &def.point), ("line", &def.line)] {
            if overlay
                .as_ref()
                .is_some_and(|o| !matches!(o, Json::Bool(false) | Json::Null))
            {
                return Err(Error::unsupported(&format!("mark.{key}"), "mark overlays"));
            }
        }
    }
    Ok((kind, def))
}

fn normalize_mark_props(
    def: Option<&MarkDef>,
    spec: &TopLevelSpec,
    params: &[super::params::Param],
) -> Result<(MarkProps, Option<Error>)> {
    let kind = def.map(|d| d.kind.as_str()).or(match &spec.mark {
        Some(AnyMark::Name(name)) => Some(name.as_str()),
        _ => None,
    });
    // Vega-Lite draws text and rules black (`config.text.color`, `config.rule.color`), every
    // other mark in the default blue.
    let mut fill = if matches!(kind, Some("text" | "rule")) {
        DEFAULT_TEXT_COLOR
    } else {
        DEFAULT_MARK_COLOR
    }
    .to_string();
    let mut gradient = false;
    let mut text_error = None;
    let mut props = MarkProps {
        fill: String::new(),
        stroke: None,
        opacity: 1.0,
        corner_radius: 0.0,
        orient: None,
        filled: true,
        size: None,
        stroke_width: None,
        interpolate: Interpolate::Linear,
        arc: ArcProps::default(),
        text: TextProps::default(),
    };
    if let Some(def) = def {
        props.orient = match def.orient.as_deref() {
            None => None,
            Some("horizontal") => Some(Channel::X),
            Some("vertical") => Some(Channel::Y),
            Some(other) => {
                return Err(Error::spec_shape(
                    "mark.orient",
                    &format!("unknown orient \"{other}\" (use horizontal or vertical)"),
                ))
            }
        };
        match &def.color {
            None => {}
            Some(Json::String(c)) => fill = c.clone(),
            // A gradient object: its data is unaffected, drawing it is not supported yet.
            Some(Json::Object(_)) => gradient = true,
            Some(_) => {
                return Err(Error::spec_shape(
                    "mark.color",
                    "expected a CSS colour or a gradient object",
                ))
            }
        }
        if let Some(c) = &def.fill {
            fill = c.clone();
        }
        props.stroke = def.stroke.clone();
        props.opacity = def.opacity.unwrap_or(1.0).clamp(0.0, 1.0);
        let radius = def.corner_radius.as_ref();
        props.corner_radius = super::params::number_or_expr("mark.cornerRadius", radius, params)?
            .unwrap_or(0.0)
            .max(0.0);
        props.filled = def.filled.unwrap_or(def.kind != "point");
        let number = |key: &str, json: Option<&Json>| {
            super::params::number_or_expr(&format!("mark.{key}"), json, params)
        };
        props.size = number("size", def.size.as_ref())?.filter(|s| s.is_finite() && *s >= 0.0);
        props.stroke_width = number("strokeWidth", def.stroke_width.as_ref())?
            .filter(|s| s.is_finite() && *s >= 0.0);
        let tension = def
            .other
            .get("tension")
            .and_then(Json::as_f64)
            .unwrap_or(0.0);
        props.interpolate = def
            .interpolate
            .as_deref()
            .and_then(|i| Interpolate::from_name(i, tension))
            .unwrap_or_default();
        let number = |key: &str| -> Result<Option<f64>> {
            super::params::number_or_expr(&format!("mark.{key}"), def.other.get(key), params)
        };
        if def.kind == "text" {
            let (text, error) = text_props(def, params)?;
            props.text = text;
            text_error = error;
            // `fontSize` sets the text's size.
            if let Some(size) = number("fontSize")? {
                props.size = Some(size);
            }
        }
        props.arc = ArcProps {
            inner_radius: number("innerRadius")?.unwrap_or(0.0).max(0.0),
            outer_radius: number("outerRadius")?.or(number("radius")?),
            pad_angle: number("padAngle")?.unwrap_or(0.0),
            radius_offset: number("radiusOffset")?.unwrap_or(0.0),
            theta_offset: number("thetaOffset")?.unwrap_or(0.0),
        };
    } else if let Some(AnyMark::Name(name)) = &spec.mark {
        props.filled = name != "point";
    }
    let enc = &spec.encoding;
    for (name, channel) in [
        ("color", &enc.color),
        ("fill", &enc.fill),
        ("stroke", &enc.stroke),
        ("opacity", &enc.opacity),
    ] {
        let Some(channel) = channel else { continue };
        let path = format!("encoding.{name}");
        if channel.other.contains_key("condition") {
            // Not drawn yet: `undrawn_channels` records the error for drawing time.
            continue;
        }
        if (channel.field.is_some() || channel.aggregate.is_some())
            && matches!(name, "color" | "fill" | "opacity")
        {
            continue; // a colour or opacity scale: see `normalize` and `undrawn_channels`
        }
        if channel.field.is_some() || channel.datum.is_some() {
            return Err(Error::unsupported(&path, "a field on this channel"));
        }
        let Some(value) = &channel.value else {
            return Err(Error::spec_missing(&path, "\"value\""));
        };
        match (name, value) {
            ("opacity", Json::Number(n)) => {
                props.opacity = n.as_f64().unwrap_or(1.0).clamp(0.0, 1.0)
            }
            ("stroke", Json::String(s)) => props.stroke = Some(s.clone()),
            ("color" | "fill", Json::String(s)) => fill = s.clone(),
            _ => {
                return Err(Error::spec_shape(
                    &format!("{path}.value"),
                    "expected a colour string (or a number for opacity)",
                ))
            }
        }
    }
    props.fill = fill;
    // Rounding only the bars' far end is not drawn yet; square bars would be silently different.
    let rounded_end = def
        .and_then(|d| d.corner_radius_end)
        .is_some_and(|r| r > 0.0)
        .then(|| {
            Error::unsupported(
                "mark.cornerRadiusEnd",
                "the \"cornerRadiusEnd\" mark property",
            )
        });
    let error = text_error
        .or(gradient.then(|| Error::unsupported("mark.color", "drawing a gradient colour")))
        .or(rounded_end);
    Ok((props, error))
}

fn normalize_position(channel: Channel, def: &ChannelDef) -> Result<PositionDef> {
    let path = format!("encoding.{}", channel.name());
    let bin = normalize_bin(&format!("{path}.bin"), channel, def.bin.as_ref())?;
    let time_unit = time_unit_spec(&format!("{path}.timeUnit"), def.time_unit.as_ref())?;
    if def.value.is_some() || def.datum.is_some() {
        return Err(Error::unsupported(&path, "a constant position"));
    }
    let agg_path = format!("{path}.aggregate");
    let (aggregate, arg) = match &def.aggregate {
        None | Some(Json::Null) => (None, None),
        Some(Json::String(name)) => (
            Some(
                AggregateOp::from_name(name)
                    .filter(|op| op.is_numeric())
                    .ok_or_else(|| {
                        Error::unsupported(&agg_path, &format!("the \"{name}\" aggregate"))
                    })?,
            ),
            None,
        ),
        // `{"argmax": "date"}`: the field's value in the row where `date` is largest.
        Some(Json::Object(o)) => {
            let found = [
                ("argmin", AggregateOp::Argmin),
                ("argmax", AggregateOp::Argmax),
            ]
            .into_iter()
            .find_map(|(key, op)| Some((op, o.get(key)?.as_str()?.to_string())));
            let Some((op, by)) = found else {
                return Err(Error::spec_shape(
                    &agg_path,
                    "expected an op name, {\"argmin\": field} or {\"argmax\": field}",
                ));
            };
            (Some(op), Some(flat_field_name(&by)))
        }
        Some(_) => {
            return Err(Error::spec_shape(
                &agg_path,
                "expected an op name, {\"argmin\": field} or {\"argmax\": field}",
            ))
        }
    };
    let field = def.field.as_deref().map(flat_field_name);
    if field.is_none() && aggregate != Some(AggregateOp::Count) {
        return Err(Error::spec_missing(&format!("{path}.field"), "\"field\""));
    }
    let scale = def.scale.clone().flatten().unwrap_or_default();
    let scale_path = format!("{path}.scale");
    let scale_spec = super::scale::normalize_scale(&scale_path, &scale)?;
    // Vega-Lite's `defaultType`: a scale type implies the field type.
    let implied = scale_spec.kind.and_then(|k| match k {
        ScaleKind::Time | ScaleKind::Utc => Some(FieldType::Temporal),
        k if k.is_continuous() => Some(FieldType::Quantitative),
        ScaleKind::Quantize | ScaleKind::Quantile | ScaleKind::Threshold => {
            Some(FieldType::Quantitative)
        }
        _ => None,
    });
    let ty = match def.kind.as_deref() {
        // Vega-Lite's `defaultType`, in its order.
        None if channel == Channel::Undrawn("order") => FieldType::Ordinal,
        None if channel == Channel::Undrawn("shape")
            || channel == Channel::Undrawn("strokeDash") =>
        {
            FieldType::Nominal
        }
        None if matches!(def.sort, Some(Some(Json::Array(_)))) => FieldType::Ordinal,
        None if time_unit.is_some() => FieldType::Temporal,
        None if (aggregate.is_some() && arg.is_none())
            || bin.is_some()
            || def.bin.as_ref().is_some_and(is_binned) =>
        {
            FieldType::Quantitative
        }
        None if implied.is_some() => implied.unwrap_or(FieldType::Nominal),
        None => FieldType::Nominal,
        Some("quantitative") => FieldType::Quantitative,
        Some("ordinal") => FieldType::Ordinal,
        Some("nominal") => FieldType::Nominal,
        Some("temporal") => FieldType::Temporal,
        Some(other) => {
            return Err(Error::spec_shape(
                &format!("{path}.type"),
                &format!(
                    "unknown type \"{other}\" (use quantitative, ordinal, nominal or temporal)"
                ),
            ))
        }
    };
    let stack = match &def.stack {
        None => None,
        Some(None) | Some(Some(Json::Bool(false))) => Some(None),
        Some(Some(Json::Bool(true))) => Some(Some(StackOffset::Zero)),
        Some(Some(Json::String(s))) if StackOffset::from_name(s).is_some() => {
            Some(StackOffset::from_name(s))
        }
        Some(Some(other)) => {
            return Err(Error::unsupported(
                &format!("{path}.stack"),
                &format!("the stack offset {other}"),
            ))
        }
    };
    // Scale properties storychart cannot draw yet: the data is still right (`storychart data`
    // works), but drawing fails with this error rather than showing a wrong chart.
    let position = matches!(channel, Channel::X | Channel::Y);
    let mut render_error = match channel {
        Channel::X | Channel::Y => {
            scale_spec.drawing_error(&scale_path, position, ty.is_discrete())
        }
        _ => scale_spec.render_error.clone(),
    };
    let domain = match &scale_spec.domain {
        Some(super::scale::DomainSpec::Numbers(ends))
            if ty == FieldType::Quantitative || ty == FieldType::Temporal =>
        {
            match ends.as_slice() {
                [a, b] if a.is_finite() && b.is_finite() => Some([*a, *b]),
                _ => None,
            }
        }
        _ => None,
    };
    if position && scale_spec.domain.is_some() && domain.is_none() && !ty.is_discrete() {
        render_error = render_error.or(Some(Error::unsupported(
            &format!("{scale_path}.domain"),
            "a scale domain other than [min, max] on a continuous field",
        )));
    }
    // Vega-Lite's `zero` default: quantitative, unbinned x, y and size on a scale that can
    // hold zero.
    let zero_channel = matches!(channel, Channel::X | Channel::Y | Channel::Undrawn("size"));
    let zero_scale = matches!(
        scale_spec.kind,
        None | Some(ScaleKind::Linear | ScaleKind::Pow | ScaleKind::Sqrt | ScaleKind::Symlog)
    );
    let default_zero = ty == FieldType::Quantitative && bin.is_none() && zero_channel && zero_scale;
    let default_title = match (&bin, &time_unit, field.as_deref(), aggregate) {
        // Vega-Lite's verbal titles: "date (year-month)", "IMDB Rating (binned)".
        (Some(_), _, Some(f), None) => format!("{f} (binned)"),
        (None, Some(u), Some(f), None) => format!("{f} ({})", u.unit.part_names().join("-")),
        _ => default_title(field.as_deref(), aggregate),
    };
    let mut title = match &def.title {
        None => vec![default_title],
        Some(None) => Vec::new(),
        Some(Some(t)) => title_lines(t),
    };
    // A legend's own title wins over the field's (`legend.title`, `null` for none).
    if let Some(Some(Json::Object(legend))) = &def.legend {
        match legend.get("title") {
            Some(Json::Null) => title = Vec::new(),
            Some(Json::String(t)) => title = vec![t.clone()],
            Some(Json::Array(lines)) => {
                title = lines
                    .iter()
                    .filter_map(|l| l.as_str().map(String::from))
                    .collect()
            }
            _ => {}
        }
    }
    // Discrete time-unit axes label dates, not epoch numbers; a continuous time axis whose
    // unit has no year (`month`, `date`) labels with the unit's format too ("Jan", not
    // "2012"), as the review page shows Vega-Lite doing. Units with a year keep the
    // multi-scale labels.
    let time_format = time_unit
        .as_ref()
        .filter(|u| {
            ty.is_discrete()
                || !u
                    .unit
                    .parts
                    .contains(&crate::data::kernels::timeunit::TimePart::Year)
        })
        .map(|u| u.unit.label_format());
    let sort = match &def.sort {
        None => SortOrder::Ascending,
        Some(None) => SortOrder::Data,
        Some(Some(json)) => normalize_sort(&format!("{path}.sort"), Some(json))?,
    };
    let (axis, axis_error) = normalize_axis(
        &path,
        def.axis.as_ref(),
        title,
        ty == FieldType::Temporal || time_unit.is_some(),
    )?;
    let render_error = render_error.or(axis_error);
    Ok(PositionDef {
        bracket_path: def.field.as_deref().is_some_and(|f| f.ends_with(']')),
        arg,
        band_position: def.other.get("bandPosition").and_then(Json::as_f64),
        channel,
        field,
        ty,
        aggregate,
        stack,
        sort,
        zero: scale.zero.unwrap_or(default_zero),
        bin,
        time_unit,
        domain,
        render_error,
        scale: scale_spec,
        axis: with_field_format(
            &path,
            def.format.as_ref(),
            AxisSpec {
                time_format,
                title_explicit: def.title.is_some()
                    || matches!(&def.axis, Some(Some(a)) if a.title.is_some()),
                ..axis
            },
            ty,
        )?,
    })
}

/// A field definition's own `format` (how `text` and `tooltip` values are written): kept in
/// the channel's label format unless `axis.format` set one. A number format is checked here.
fn with_field_format(
    path: &str,
    format: Option<&Json>,
    mut axis: AxisSpec,
    ty: FieldType,
) -> Result<AxisSpec> {
    let Some(Json::String(f)) = format else {
        return Ok(axis);
    };
    if axis.format.is_none() {
        if ty == FieldType::Quantitative {
            crate::scale::FormatSpec::parse(f)
                .map_err(|e| Error::spec_shape(&format!("{path}.format"), &e))?;
        }
        axis.format = Some(f.clone());
    }
    Ok(axis)
}

/// Channels storychart computes but does not draw yet, with their spec names.
const UNDRAWN: &[(&str, &str)] = &[
    ("size", "size"),
    ("shape", "shape"),
    ("fillOpacity", "fillOpacity"),
    ("strokeOpacity", "strokeOpacity"),
    ("strokeWidth", "strokeWidth"),
    ("strokeDash", "strokeDash"),
    ("angle", "angle"),
    ("xOffset", "xOffset"),
    ("yOffset", "yOffset"),
];

/// Field channels (and conditions' fields) whose data storychart computes but that it does
/// not draw yet, and the error drawing returns because of them.
fn undrawn_channels(
    spec: &TopLevelSpec,
    mark: MarkKind,
) -> Result<(Vec<PositionDef>, Option<Error>, Vec<Conditional>)> {
    let enc = &spec.encoding;
    let mut defs = Vec::new();
    let mut drawn = Vec::new();
    let mut error = None;
    let mut note = |path: String, what: String| {
        if error.is_none() {
            error = Some(Error::unsupported(&path, &what));
        }
    };
    for (key, name) in UNDRAWN {
        let Some(json) = enc.other.get(*key) else {
            continue;
        };
        // Bars and rects draw their x/y offsets (grouped bars); symbols their sizes and
        // shapes; other marks do not yet.
        let symbols = matches!(mark, MarkKind::Point | MarkKind::Circle | MarkKind::Square);
        let drawn = (mark.uses_bands() && matches!(*key, "xOffset" | "yOffset"))
            || (symbols && matches!(*key, "size" | "shape"));
        if !drawn {
            note(
                format!("encoding.{key}"),
                format!("drawing the \"{key}\" channel"),
            );
        }
        if json.get("field").is_some() || json.get("aggregate").is_some() {
            defs.push(channel_json(Channel::Undrawn(name), json)?);
        }
    }
    // A field on opacity: an opacity scale, drawn on every mark.
    if let Some(def) = enc.opacity.as_ref().filter(|d| d.field.is_some()) {
        if !def.other.contains_key("condition") {
            defs.push(normalize_position(Channel::Undrawn("opacity"), def)?);
        }
    }
    let conditional = [
        ("color", &enc.color),
        ("fill", &enc.fill),
        ("stroke", &enc.stroke),
        ("opacity", &enc.opacity),
    ];
    let mut found: Vec<(&str, &Json)> = Vec::new();
    for (key, channel) in conditional {
        let Some(condition) = channel.as_ref().and_then(|c| c.other.get("condition")) else {
            continue;
        };
        match channel.as_ref().map(|c| drawn_condition(key, c, condition)) {
            Some(Some(c)) => drawn.push(c),
            // Drawing the value alone would show the wrong colour (an empty selection picks
            // the condition's branch), so drawing such a condition is an error.
            _ => note(
                format!("encoding.{key}.condition"),
                "this conditional encoding (a field in the condition, or on stroke)".to_string(),
            ),
        }
        found.push((key, condition));
    }
    // The other channels' conditions (`shape`, `size`, ...) group by their fields too; they
    // are not drawn yet.
    let symbols = matches!(mark, MarkKind::Point | MarkKind::Circle | MarkKind::Square);
    for (key, _) in UNDRAWN {
        if let Some(condition) = enc.other.get(*key).and_then(|c| c.get("condition")) {
            // Sizes of symbols from value conditions (`{"param", "value": 200}`) are drawn.
            let size = (symbols && *key == "size")
                .then(|| <ChannelDef as serde::Deserialize>::deserialize(enc.other.get(*key)?).ok())
                .flatten()
                .and_then(|def| drawn_condition(key, &def, condition));
            if let Some(c) = size {
                drawn.push(c);
                found.push((key, condition));
                continue;
            }
            note(
                format!("encoding.{key}.condition"),
                "a conditional encoding".to_string(),
            );
            found.push((key, condition));
        }
    }
    for (key, condition) in found {
        let conditions = match condition {
            Json::Array(items) => items.iter().collect(),
            one => vec![one],
        };
        for c in conditions {
            if c.get("field").is_some() || c.get("aggregate").is_some() {
                defs.push(channel_json(Channel::Undrawn("condition"), c)?);
            }
            // A `test` expression's datum fields are read by the mark, as in Vega-Lite.
            if let Some(Json::String(test)) = c.get("test") {
                let place = format!("encoding.{key}.condition.test");
                for field in crate::expr::parse_at(&place, test)?.fields() {
                    let def = serde_json::json!({"field": field, "type": "nominal"});
                    defs.push(channel_json(Channel::Undrawn("condition"), &def)?);
                }
            }
        }
    }
    // Mark properties given as expressions (`"dy": {"expr": "datum.amount >= 0 ? -4 : 4"}`)
    // read datum fields: Vega's mark reads them, so they are in its data.
    if let Some(AnyMark::Def(def)) = &spec.mark {
        for (key, value) in &def.other {
            let Some(Json::String(text)) = value.get("expr") else {
                continue;
            };
            let place = format!("mark.{key}.expr");
            for field in crate::expr::parse_at(&place, text)?.fields() {
                let def = serde_json::json!({"field": field, "type": "nominal"});
                defs.push(channel_json(Channel::Undrawn("markExpr"), &def)?);
            }
        }
    }
    Ok((defs, error, drawn))
}

/// A condition storychart draws: on colour, fill or opacity, each test a `param` or a
/// `test` with a `value`; the default is the channel's `value` or its field's scale.
fn drawn_condition(key: &str, def: &ChannelDef, condition: &Json) -> Option<Conditional> {
    let channel = match key {
        "color" | "fill" => "color",
        "opacity" => "opacity",
        "size" => "size",
        _ => return None,
    };
    let items: Vec<&Json> = match condition {
        Json::Array(items) => items.iter().collect(),
        one => vec![one],
    };
    let tests = items
        .into_iter()
        .map(|c| {
            // A field in the condition draws its colour scale (the view's colour field).
            let value = match (c.get("value"), c.get("field")) {
                (Some(v), None) if channel != "size" || v.is_number() => Some(v.clone()),
                (None, Some(_)) if channel == "color" && def.field.is_none() => None,
                // `{"aggregate": "count"}` alone: the count field's colour scale.
                (None, None)
                    if c.get("aggregate").is_some()
                        && channel == "color"
                        && def.field.is_none() =>
                {
                    None
                }
                _ => return None,
            };
            let test = match (c.get("param"), c.get("test")) {
                (Some(Json::String(name)), None) => CondTest::Param {
                    name: name.clone(),
                    empty: c.get("empty").and_then(Json::as_bool).unwrap_or(true),
                },
                (None, Some(Json::String(text))) => CondTest::Expr(text.clone()),
                (None, Some(logic @ Json::Object(_))) if logic_ok(logic) => {
                    CondTest::Logic(logic.clone())
                }
                _ => return None,
            };
            Some((test, value))
        })
        .collect::<Option<Vec<_>>>()?;
    if channel == "size" && def.value.as_ref().is_some_and(|v| !v.is_number()) {
        return None;
    }
    if channel == "opacity" && (def.field.is_some() || def.aggregate.is_some()) {
        return None;
    }
    Some(Conditional {
        channel,
        tests,
        default: def.value.clone(),
    })
}

/// Whether a logical composition (`{"or": [...]}`, `{"and": [...]}`, `{"not": ...}`) is made
/// of parameters and expression strings only, which conditions draw.
fn logic_ok(logic: &Json) -> bool {
    match logic {
        Json::String(_) => true,
        Json::Object(map) if map.len() == 1 || map.contains_key("param") => {
            if let Some(Json::String(_)) = map.get("param") {
                return map.keys().all(|k| k == "param" || k == "empty");
            }
            match (map.get("or"), map.get("and"), map.get("not")) {
                (Some(Json::Array(items)), None, None) | (None, Some(Json::Array(items)), None) => {
                    items.iter().all(logic_ok)
                }
                (None, None, Some(one)) => logic_ok(one),
                _ => false,
            }
        }
        _ => false,
    }
}

/// Mark properties that only change how marks look and that storychart does not apply yet:
/// drawing fails with a clear error naming the first one, instead of drawing it differently.
fn mark_render_error(def: Option<&MarkDef>, polar: bool) -> Option<Error> {
    // Properties with no visual effect here (interaction, accessibility, clipping of data
    // that is already inside the plot).
    const HARMLESS: &[&str] = &[
        "tooltip",
        "aria",
        "description",
        "clip",
        "invalid",
        "style",
        "cursor",
        "tension",
    ];
    // Arc properties, applied by arcs and by text on arcs (polar views).
    const POLAR_PROPS: &[&str] = &[
        "innerRadius",
        "outerRadius",
        "radius",
        "padAngle",
        "radiusOffset",
        "thetaOffset",
    ];
    // Text properties applied by the text mark.
    // Pixel positions, applied by text, symbols and ticks (see `Constant`).
    let placed = ["text", "point", "circle", "square", "tick"].contains(&def?.kind.as_str());
    const TEXT: &[&str] = &[
        "align",
        "baseline",
        "dx",
        "dy",
        "angle",
        "fontSize",
        "fontWeight",
        "text",
    ];
    let def = def?;
    let text = def.kind == "text";
    let key = def.other.keys().find(|k| {
        !(HARMLESS.contains(&k.as_str())
            || text && TEXT.contains(&k.as_str())
            || placed && (k.as_str() == "x" || k.as_str() == "y")
            || (polar || def.kind == "arc") && POLAR_PROPS.contains(&k.as_str()))
    })?;
    Some(Error::unsupported(
        &format!("mark.{key}"),
        &format!("the \"{key}\" mark property"),
    ))
}

/// `x2`/`y2`: a range's other end, with the type of its primary channel.
fn secondary(
    channel: Channel,
    def: Option<&ChannelDef>,
    primary: Option<&PositionDef>,
) -> Result<Option<PositionDef>> {
    let Some(def) = def.filter(|d| d.field.is_some() || d.aggregate.is_some()) else {
        return Ok(None);
    };
    let mut out = normalize_position(channel, def)?;
    if def.kind.is_none() {
        if let Some(p) = primary {
            out.ty = p.ty;
        }
    }
    Ok(Some(out))
}

/// A channel definition given as raw JSON (inside `detail` arrays).
fn channel_json(channel: Channel, json: &Json) -> Result<PositionDef> {
    let path = format!("encoding.{}", channel.name());
    // Read from a borrowed value, like the whole spec, so the serde code is shared.
    let def = <ChannelDef as serde::Deserialize>::deserialize(json)
        .map_err(|e| Error::spec_shape(&path, &shape_detail(&e)))?;
    normalize_position(channel, &def)
}

/// Vega-Lite's `getBandPosition` for a time-unit field on a bar or rect: the field's own
/// `bandPosition`, else (without an `x2`/`y2`) the mark's `timeUnitBandPosition` from the mark
/// definition, `config.<mark>` or `config.mark`. A position other than 0.5 moves the rects,
/// which storychart does not draw yet: drawing returns an error, the data is right.
fn time_unit_band(
    def: &mut PositionDef,
    has_end: bool,
    spec: &TopLevelSpec,
    mark: MarkKind,
    mark_def: Option<&MarkDef>,
) {
    if def.time_unit.is_none() || !mark.uses_bands() {
        def.band_position = None;
        return;
    }
    if def.band_position.is_none() && !has_end {
        let key = "timeUnitBandPosition";
        let config = spec.other.get("config");
        let mark_name = mark_def.map_or_else(
            || match &spec.mark {
                Some(AnyMark::Name(n)) => n.clone(),
                _ => String::new(),
            },
            |d| d.kind.clone(),
        );
        def.band_position = mark_def
            .and_then(|d| d.other.get(key))
            .or_else(|| {
                config
                    .and_then(|c| c.get(&mark_name))
                    .and_then(|m| m.get(key))
            })
            .or_else(|| config.and_then(|c| c.get("mark")).and_then(|m| m.get(key)))
            .and_then(Json::as_f64);
    }
    if def.band_position.is_some_and(|b| b != 0.5) && def.render_error.is_none() {
        def.render_error = Some(Error::unsupported(
            &format!("encoding.{}.bandPosition", def.channel.name()),
            "drawing time-unit bars at a band position other than the middle",
        ));
    }
}

/// Whether the mark draws rows with invalid (null, NaN) continuous values, by Vega-Lite's
/// `mark.invalid` (from the mark, `config.<mark>` or `config.mark`): `null` and `"show"`
/// keep them everywhere, the default and the `break-paths` modes only on lines and areas,
/// `"filter"` nowhere.
fn keeps_invalid(spec: &TopLevelSpec, mark: MarkKind, mark_def: Option<&MarkDef>) -> bool {
    let path = matches!(mark, MarkKind::Line | MarkKind::Area);
    let config = spec.other.get("config");
    let mark_name = mark_def.map_or_else(
        || match &spec.mark {
            Some(AnyMark::Name(n)) => n.clone(),
            _ => String::new(),
        },
        |d| d.kind.clone(),
    );
    let mode = mark_def
        .and_then(|d| d.other.get("invalid"))
        .or_else(|| config.and_then(|c| c.get(&mark_name)?.get("invalid")))
        .or_else(|| config.and_then(|c| c.get("mark")?.get("invalid")));
    match mode {
        None => path,
        Some(Json::Null) => true,
        Some(Json::String(m)) if m == "show" => true,
        Some(Json::String(m)) if m == "filter" => false,
        Some(_) => path,
    }
}

/// A `timeUnit` as written: a name (`yearmonth`, `utcmonth`, `binnedyearmonth`) or a
/// `{unit, step, utc, binned}` object; `None` for null. The name is Vega-Lite's field prefix
/// (`timeUnitToString`: `year_step_2` for `{"unit": "year", "step": 2}`).
pub(crate) fn time_unit_spec(path: &str, json: Option<&Json>) -> Result<Option<TimeUnitSpec>> {
    let unknown = |name: &str| {
        Error::spec_shape(
            path,
            &format!("unknown time unit \"{name}\" (for example year, yearmonth, month, hours)"),
        )
    };
    let (text, binned) = match json {
        None | Some(Json::Null) => return Ok(None),
        Some(Json::String(name)) => match name.strip_prefix("binned") {
            Some(rest) => (rest.to_string(), true),
            None => (name.clone(), false),
        },
        Some(Json::Object(o)) => {
            let Some(Json::String(unit)) = o.get("unit") else {
                return Err(Error::unsupported(
                    &format!("{path}.unit"),
                    "a time unit object without a \"unit\" name",
                ));
            };
            let mut unit = parse_time_unit(unit).ok_or_else(|| unknown(unit))?;
            let mut name = format!(
                "{}{}",
                if unit.utc { "utc" } else { "" },
                unit.part_names().concat()
            );
            let mut binned = false;
            for (key, value) in o {
                let p = format!("{path}.{key}");
                match (key.as_str(), value) {
                    ("unit", _) => {}
                    ("utc", Json::Bool(b)) => {
                        if *b && !unit.utc {
                            unit.utc = true;
                            name.insert_str(0, "utc");
                        }
                    }
                    ("step", Json::Number(n)) => {
                        let step = n
                            .as_f64()
                            .filter(|s| *s > 0.0 && s.is_finite())
                            .ok_or_else(|| Error::spec_shape(&p, "expected a positive number"))?;
                        unit.step = step;
                        name.push_str(&var_name(&format!("_step_{}", js_number_string(step))));
                    }
                    ("binned", Json::Bool(b)) => binned = *b,
                    _ => {
                        return Err(Error::unsupported(
                            &p,
                            &format!("the time unit parameter \"{key}\""),
                        ))
                    }
                }
            }
            return Ok(Some(TimeUnitSpec { name, unit, binned }));
        }
        Some(_) => {
            return Err(Error::spec_shape(
                path,
                "expected a time unit name or object",
            ))
        }
    };
    let unit = parse_time_unit(&text).ok_or_else(|| unknown(&text))?;
    Ok(Some(TimeUnitSpec {
        name: text,
        unit,
        binned,
    }))
}

/// A field path as Vega-Lite flattens it (`removePathFromField`): `a.b`, `a['b']` and `a[0]`
/// become `a.b` and `a.0`, and an escaped `a\\.b` the literal name `a.b`. Nested JSON values
/// are loaded as columns of such names.
///
/// ```ignore
/// assert_eq!(flat_field_name("a['b c'][0]"), "a.b c.0");
/// ```
pub(crate) fn flat_field_name(field: &str) -> String {
    if !field.contains(['.', '[', '\\']) {
        return field.to_string();
    }
    // Vega's `splitAccessPath`.
    let mut parts: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut chars = field.chars().peekable();
    let mut quote: Option<char> = None;
    let mut in_bracket = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    current.push(next);
                }
            }
            q @ ('\'' | '"') if in_bracket && (quote.is_none() || quote == Some(q)) => {
                quote = if quote.is_some() { None } else { Some(q) };
            }
            _ if quote.is_some() => current.push(c),
            '.' if !in_bracket => {
                if !current.is_empty() {
                    parts.push(std::mem::take(&mut current));
                }
            }
            '[' if !in_bracket => {
                if !current.is_empty() {
                    parts.push(std::mem::take(&mut current));
                }
                in_bracket = true;
            }
            ']' if in_bracket => {
                parts.push(std::mem::take(&mut current));
                in_bracket = false;
            }
            _ => current.push(c),
        }
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts.join(".")
}

/// Vega-Lite's `varName`: anything but word characters becomes `_`.
fn var_name(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The `bin` parameters of a `bin` transform (`transform[i].bin`): as on an encoding, with
/// Vega-Lite's default of 10 bins.
pub(crate) fn transform_bin(path: &str, bin: &Json) -> Result<Option<BinSpec>> {
    normalize_bin(path, Channel::Undrawn("bin"), Some(bin))
}

/// `bin: "binned"` or `{"binned": true}`: the data holds bins already.
fn is_binned(bin: &Json) -> bool {
    match bin {
        Json::String(s) => s == "binned",
        Json::Object(o) => o.get("binned").and_then(Json::as_bool) == Some(true),
        _ => false,
    }
}

/// `bin`: `true`, `false`/`null`, or an object of Vega's bin parameters.
fn normalize_bin(path: &str, channel: Channel, bin: Option<&Json>) -> Result<Option<BinSpec>> {
    let mut options = BinOptions {
        maxbins: auto_max_bins(channel.name()),
        ..BinOptions::default()
    };
    let mut extent = None;
    let params = match bin {
        None | Some(Json::Null) | Some(Json::Bool(false)) => return Ok(None),
        Some(Json::Bool(true)) => None,
        // Already binned data: the field (and x2/y2) are used as they are.
        Some(json) if is_binned(json) => return Ok(None),
        Some(Json::Object(params)) => Some(params),
        Some(_) => return Err(Error::spec_shape(path, "expected true, false or an object")),
    };
    let mut name = String::from("bin");
    let Some(params) = params else {
        name.push_str(&format!("_maxbins_{}", js_number_string(options.maxbins)));
        return Ok(Some(BinSpec {
            options,
            extent,
            name,
        }));
    };
    for (key, value) in params {
        let p = format!("{path}.{key}");
        let number = || {
            value
                .as_f64()
                .ok_or_else(|| Error::spec_shape(&p, "expected a number"))
        };
        let numbers = || -> Result<Vec<f64>> {
            value
                .as_array()
                .and_then(|a| a.iter().map(Json::as_f64).collect::<Option<Vec<_>>>())
                .ok_or_else(|| Error::spec_shape(&p, "expected an array of numbers"))
        };
        let text = match key.as_str() {
            "maxbins" => {
                options.maxbins = number()?;
                js_number_string(options.maxbins)
            }
            "step" => {
                options.step = Some(number()?);
                js_number_string(number()?)
            }
            "minstep" => {
                options.minstep = number()?;
                js_number_string(options.minstep)
            }
            "base" => {
                options.base = number()?;
                js_number_string(options.base)
            }
            "anchor" => {
                options.anchor = Some(number()?);
                js_number_string(number()?)
            }
            "nice" => {
                options.nice = value.as_bool().unwrap_or(true);
                options.nice.to_string()
            }
            "steps" | "divide" | "extent" => {
                let list = numbers()?;
                let joined = list
                    .iter()
                    .map(|v| js_number_string(*v))
                    .collect::<Vec<_>>()
                    .join("_");
                match (key.as_str(), list.as_slice()) {
                    ("steps", _) => options.steps = Some(list.clone()),
                    ("divide", _) => options.divide = list.clone(),
                    (_, [a, b]) => extent = Some([*a, *b]),
                    _ => return Err(Error::spec_shape(&p, "expected [min, max]")),
                }
                joined
            }
            other => {
                return Err(Error::unsupported(
                    &p,
                    &format!("the bin parameter \"{other}\""),
                ))
            }
        };
        name.push_str(&var_name(&format!("_{key}_{text}")));
    }
    if !params.contains_key("maxbins") && options.step.is_none() && options.steps.is_none() {
        // Vega-Lite normalizes a parameter object without maxbins by adding it last.
        name.push_str(&format!("_maxbins_{}", js_number_string(options.maxbins)));
    }
    Ok(Some(BinSpec {
        options,
        extent,
        name,
    }))
}

fn normalize_sort(path: &str, sort: Option<&Json>) -> Result<SortOrder> {
    Ok(match sort {
        None => SortOrder::Ascending,
        Some(Json::Null) => SortOrder::Data,
        Some(Json::String(s)) => match s.as_str() {
            "ascending" => SortOrder::Ascending,
            "descending" => SortOrder::Descending,
            "x" | "y" | "-x" | "-y" => SortOrder::ByChannel {
                channel: if s.ends_with('x') {
                    Channel::X
                } else {
                    Channel::Y
                },
                descending: s.starts_with('-'),
            },
            other => return Err(Error::unsupported(path, &format!("sorting by \"{other}\""))),
        },
        Some(Json::Array(values)) => SortOrder::Custom(
            values
                .iter()
                .map(|v| match v {
                    Json::String(s) => crate::data::Value::Str(s.clone()),
                    Json::Number(n) => n
                        .as_f64()
                        .map_or(crate::data::Value::Null, crate::data::Value::Number),
                    Json::Bool(b) => crate::data::Value::Bool(*b),
                    _ => crate::data::Value::Null,
                })
                .collect(),
        ),
        Some(Json::Object(o)) => {
            let descending = match o.get("order") {
                None | Some(Json::Null) => false,
                Some(Json::String(s)) if s == "ascending" => false,
                Some(Json::String(s)) if s == "descending" => true,
                Some(_) => {
                    return Err(Error::spec_shape(
                        &format!("{path}.order"),
                        "expected \"ascending\" or \"descending\"",
                    ))
                }
            };
            if let Some(channel) = o.get("encoding") {
                let channel = match channel.as_str() {
                    Some("x") => Channel::X,
                    Some("y") => Channel::Y,
                    _ => {
                        return Err(Error::unsupported(
                            &format!("{path}.encoding"),
                            "sorting by a channel other than x or y",
                        ))
                    }
                };
                return Ok(SortOrder::ByChannel {
                    channel,
                    descending,
                });
            }
            let op = match o.get("op") {
                None | Some(Json::Null) => AggregateOp::Sum,
                Some(Json::String(name)) => AggregateOp::from_name(name)
                    .filter(|op| op.is_numeric())
                    .ok_or_else(|| {
                        Error::unsupported(
                            &format!("{path}.op"),
                            &format!("sorting by the \"{name}\" op"),
                        )
                    })?,
                Some(_) => {
                    return Err(Error::spec_shape(
                        &format!("{path}.op"),
                        "expected an op name",
                    ))
                }
            };
            let field = o.get("field").and_then(Json::as_str).map(str::to_string);
            if field.is_none() && op != AggregateOp::Count {
                // `{order}` alone sorts by the values themselves.
                if !o.contains_key("op") {
                    return Ok(if descending {
                        SortOrder::Descending
                    } else {
                        SortOrder::Ascending
                    });
                }
                return Err(Error::spec_missing(&format!("{path}.field"), "\"field\""));
            }
            SortOrder::ByField {
                field,
                op,
                descending,
            }
        }
        Some(_) => return Err(Error::unsupported(path, "this form of sort")),
    })
}

/// Vega-Lite's default title of a field definition (its `verbalTitleFormatter`).
fn default_title(field: Option<&str>, aggregate: Option<AggregateOp>) -> String {
    match (aggregate, field) {
        (Some(AggregateOp::Count), _) => "Count of Records".to_string(),
        (Some(op), Some(f)) => format!("{} of {f}", title_case(op.name())),
        (_, Some(f)) => f.to_string(),
        (_, None) => String::new(),
    }
}

fn title_case(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

fn title_lines(t: &TitleText) -> Vec<String> {
    match t {
        TitleText::Line(s) => vec![s.clone()],
        TitleText::Lines(v) => v.clone(),
        TitleText::None(()) => Vec::new(),
    }
}

fn normalize_axis(
    path: &str,
    axis: Option<&Option<AxisDef>>,
    title: Vec<String>,
    temporal: bool,
) -> Result<(AxisSpec, Option<Error>)> {
    let mut error = None;
    let mut spec = AxisSpec {
        visible: true,
        title,
        title_explicit: false,
        label_angle: None,
        format: None,
        grid: None,
        tick_count: None,
        labels: true,
        ticks: true,
        domain: true,
        time_format: None,
    };
    match axis {
        None => {}
        Some(None) => spec.visible = false,
        Some(Some(def)) => {
            match &def.title {
                None => {}
                Some(None) => spec.title = Vec::new(),
                Some(Some(t)) => spec.title = title_lines(t),
            }
            // Signals and per-unit formats leave the data as it is; drawing them is an error.
            let signal = |key: &str, what: &str| {
                Some(Error::unsupported(&format!("{path}.axis.{key}"), what))
            };
            match &def.label_angle {
                None | Some(Json::Null) => {}
                Some(Json::Number(n)) => spec.label_angle = n.as_f64(),
                Some(Json::Object(o)) if o.contains_key("expr") => {
                    error = error.or(signal("labelAngle", "an {\"expr\"} label angle"))
                }
                Some(_) => {
                    return Err(Error::spec_shape(
                        &format!("{path}.axis.labelAngle"),
                        "expected a number of degrees or {\"expr\": ...}",
                    ))
                }
            }
            let format = match &def.format {
                None | Some(Json::Null) => None,
                Some(Json::String(f)) => Some(f.clone()),
                Some(Json::Object(_)) if temporal => {
                    error = error.or(signal("format", "a per-unit time format object"));
                    None
                }
                Some(_) => {
                    return Err(Error::spec_shape(
                        &format!("{path}.axis.format"),
                        "expected a format specifier string",
                    ))
                }
            };
            // Temporal axes take d3-time-format specifiers, which accept any text.
            if let Some(f) = format.as_ref().filter(|_| !temporal) {
                crate::scale::FormatSpec::parse(f)
                    .map_err(|e| Error::spec_shape(&format!("{path}.axis.format"), &e))?;
            }
            spec.format = format;
            // Axis properties that change what the axis says (its labels, its ticks, its side):
            // drawing without them would be a silently different chart.
            for key in ["labelExpr", "values", "formatType", "tickMinStep", "orient"] {
                let Some(value) = def.other.get(key) else {
                    continue;
                };
                let default_side = match value.as_str() {
                    Some("bottom") => path.ends_with(".x") || path.ends_with(".x2"),
                    Some("left") => path.ends_with(".y") || path.ends_with(".y2"),
                    _ => false,
                };
                if key != "orient" || !default_side {
                    error = error.or(signal(key, &format!("the axis property \"{key}\"")));
                }
            }
            spec.grid = def.grid;
            spec.tick_count = def.tick_count;
            spec.labels = def.labels.unwrap_or(true);
            spec.ticks = def.ticks.unwrap_or(true);
            spec.domain = def.domain.unwrap_or(true);
        }
    }
    Ok((spec, error))
}

fn normalize_title(title: &TitleDef) -> TitleSpec {
    match title {
        TitleDef::Text(t) => TitleSpec {
            text: title_lines(t),
            subtitle: Vec::new(),
        },
        TitleDef::Params(p) => TitleSpec {
            text: title_lines(&p.text),
            subtitle: p.subtitle.as_ref().map(title_lines).unwrap_or_default(),
        },
    }
}

fn normalize_size(name: &str, size: Option<&SizeDef>) -> Result<Size> {
    Ok(match size {
        None => Size::Step(20.0),
        Some(SizeDef::Pixels(px)) if px.is_finite() && *px >= 0.0 => Size::Pixels(*px),
        Some(SizeDef::Step { step }) if step.is_finite() && *step > 0.0 => Size::Step(*step),
        Some(SizeDef::Keyword(k)) if k == "container" => Size::Container,
        Some(_) => {
            return Err(Error::spec_shape(
                name,
                "expected a non-negative number of pixels, \"container\" or {\"step\": n}",
            ))
        }
    })
}

/// `config.view.stroke`: Vega-Lite's `#ddd` unless the spec sets a colour or `null`.
fn view_stroke(config: Option<&Json>) -> Option<String> {
    match config
        .and_then(|c| c.get("view"))
        .and_then(|v| v.get("stroke"))
    {
        None => Some(VIEW_STROKE.to_string()),
        Some(Json::String(s)) => Some(s.clone()),
        Some(_) => None,
    }
}

/// Vega-Lite's default outline of the plot (`config.view.stroke`).
pub const VIEW_STROKE: &str = "#ddd";

fn normalize_padding(padding: Option<&PaddingDef>) -> [f64; 4] {
    let clean = |v: f64| if v.is_finite() { v.max(0.0) } else { 0.0 };
    match padding {
        None => [5.0; 4],
        Some(PaddingDef::All(p)) => [clean(*p); 4],
        Some(PaddingDef::Sides {
            left,
            top,
            right,
            bottom,
        }) => [clean(*left), clean(*top), clean(*right), clean(*bottom)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(text: &str) -> Result<View> {
        normalize(&parse_spec(text)?)
    }

    const BAR: &str = r#"{"data": {"values": [{"a": "A", "b": 1}]}, "mark": "bar",
        "encoding": {"x": {"field": "a", "type": "nominal"}, "y": {"aggregate": "sum", "field": "b"}}}"#;

    #[test]
    fn fills_types_and_titles_with_vega_lite_defaults() {
        let v = view(BAR).unwrap();
        let y = v.y.unwrap();
        assert_eq!(y.ty, FieldType::Quantitative);
        assert_eq!(y.axis.title, vec!["Sum of b".to_string()]);
        assert_eq!(v.x.unwrap().axis.title, vec!["a".to_string()]);
        assert_eq!(v.mark_props.fill, DEFAULT_MARK_COLOR);
        assert_eq!(v.width, Size::Step(20.0));
        assert_eq!(v.padding, [5.0; 4]);
        assert_eq!(v.view_stroke.as_deref(), Some(VIEW_STROKE));
    }

    #[test]
    fn text_is_black_and_keeps_its_field_format() {
        let v = view(
            r#"{"data": {"values": [{"a": 0.5}]}, "mark": "text",
                "encoding": {"text": {"field": "a", "type": "quantitative", "format": ".0%"}}}"#,
        )
        .unwrap();
        assert_eq!(v.mark_props.fill, DEFAULT_TEXT_COLOR);
        assert_eq!(v.text.unwrap().axis.format.as_deref(), Some(".0%"));
        let bad = view(
            r#"{"data": {"values": [{"a": 0.5}]}, "mark": "text",
                "encoding": {"text": {"field": "a", "type": "quantitative", "format": "not a format"}}}"#,
        )
        .unwrap_err();
        assert_eq!(bad.place(), "encoding.text.format");
    }

    #[test]
    fn config_view_stroke_sets_or_removes_the_plot_outline() {
        let with = |config: &str| {
            let spec = BAR.replacen('{', &format!("{{\"config\": {config}, "), 1);
            view(&spec).unwrap().view_stroke
        };
        assert_eq!(with(r#"{"view": {"stroke": null}}"#), None);
        assert_eq!(
            with(r#"{"view": {"stroke": "red"}}"#).as_deref(),
            Some("red")
        );
        assert_eq!(with(r#"{"view": {}}"#).as_deref(), Some(VIEW_STROKE));
    }

    #[test]
    fn syntax_errors_give_line_and_column() {
        let e = view("{\n  \"mark\": \"bar\",,\n}").unwrap_err();
        assert_eq!(e.place(), "spec line 2, column 17");
    }

    #[test]
    fn shape_errors_give_the_json_path() {
        let e = view(r#"{"mark": "bar", "encoding": {"x": {"field": 3}}}"#).unwrap_err();
        assert_eq!(e.place(), "encoding.x.field");
    }

    #[test]
    fn unsupported_parts_are_named() {
        let e = view(r#"{"data": {"values": []}, "mark": "geoshape"}"#).unwrap_err();
        assert_eq!(e.to_string(), "mark: the \"geoshape\" mark is not supported by storychart; see the supported subset in README.md");
        let e = view(r#"{"data": {"values": []}, "mark": "bar", "facet": {}}"#).unwrap_err();
        assert_eq!(e.place(), "facet");
        let e = view(r#"{"data": {"values": []}, "mark": "bar", "transform": [{"lookup": "a"}]}"#)
            .unwrap_err();
        assert_eq!(e.place(), "transform[0]");
        let e = view(r#"{"data": {"values": []}, "mark": "bar", "encoding": {"y": {"field": "b", "aggregate": "notanop"}}}"#)
            .unwrap_err();
        assert_eq!(e.place(), "encoding.y.aggregate");
    }

    #[test]
    fn axis_null_hides_and_titles_override() {
        let v = view(r#"{"data": {"values": []}, "mark": "bar", "encoding": {
            "x": {"field": "a", "axis": null},
            "y": {"field": "b", "type": "quantitative", "title": "B", "axis": {"title": ["Line 1", "Line 2"]}}}}"#)
            .unwrap();
        assert!(!v.x.unwrap().axis.visible);
        assert_eq!(v.y.unwrap().axis.title, vec!["Line 1", "Line 2"]);
    }

    #[test]
    fn undrawable_colours_and_invalid_modes_keep_the_data_and_fail_drawing() {
        let v = view(
            r#"{"data": {"values": []}, "mark": "rect", "encoding": {
            "x": {"field": "a"}, "color": {"aggregate": "count"}}}"#,
        )
        .unwrap();
        let c = v.color.unwrap();
        assert_eq!(c.ty, FieldType::Quantitative);
        // A quantitative colour scale is drawn (a sequential ramp with a gradient legend).
        assert!(c.render_error.is_none());
        let v = view(
            r#"{"data": {"values": []}, "mark": "point", "config": {"mark": {"invalid": null}},
            "encoding": {"x": {"field": "a", "type": "quantitative"}}}"#,
        )
        .unwrap();
        assert!(v.keep_invalid);
        assert_eq!(v.render_error.unwrap().place(), "mark.invalid");
        let v = view(
            r#"{"data": {"values": []}, "mark": "line",
            "encoding": {"x": {"field": "a", "type": "quantitative"}}}"#,
        )
        .unwrap();
        assert!(v.keep_invalid);
        // A condition's field on shape takes part in grouping.
        let v = view(r#"{"data": {"values": []}, "mark": "point", "params": [{"name": "p", "select": "point"}],
            "encoding": {"shape": {"condition": {"param": "p", "field": "o"}, "value": "circle"}}}"#)
        .unwrap();
        assert_eq!(v.undrawn.len(), 1);
        assert_eq!(v.undrawn[0].field.as_deref(), Some("o"));
    }

    #[test]
    fn default_types_follow_vega_lite() {
        let v = view(
            r#"{"data": {"values": []}, "mark": "point", "encoding": {
            "x": {"field": "a", "sort": ["b", "a"]},
            "y": {"field": "p", "aggregate": {"argmax": "d"}},
            "size": {"field": "s", "scale": {"type": "linear"}}}}"#,
        )
        .unwrap();
        assert_eq!(v.x.unwrap().ty, FieldType::Ordinal);
        assert_eq!(v.y.unwrap().ty, FieldType::Nominal);
        assert_eq!(v.undrawn[0].ty, FieldType::Quantitative);
    }

    #[test]
    fn binned_data_is_used_as_it_is() {
        for bin in [r#""binned""#, r#"{"binned": true, "step": 60}"#] {
            let v = view(&format!(
                r#"{{"data": {{"values": []}}, "mark": "bar", "encoding": {{
                "x": {{"field": "b", "bin": {bin}}}, "x2": {{"field": "b_end"}}}}}}"#
            ))
            .unwrap();
            let x = v.x.unwrap();
            assert!(x.bin.is_none());
            assert_eq!(x.ty, FieldType::Quantitative);
        }
    }

    #[test]
    fn data_from_text_datasets_and_properties() {
        let v = view(r#"{"data": {"values": "a\n1", "format": {"type": "csv"}}, "mark": "point"}"#)
            .unwrap();
        assert_eq!(
            v.data,
            DataSource::InlineText {
                text: "a\n1".into(),
                format: "csv".into()
            }
        );
        let v = view(r#"{"datasets": {"d": [{"a": 1}]}, "data": {"name": "d"}, "mark": "point"}"#)
            .unwrap();
        assert_eq!(v.data, DataSource::Inline(serde_json::json!([{"a": 1}])));
        let e = view(r#"{"datasets": {}, "data": {"name": "d"}, "mark": "point"}"#).unwrap_err();
        assert_eq!(e.place(), "data.name");
        let v = view(r#"{"data": {"values": {"h": {"rows": [{"a": 2}]}}, "format": {"property": "h.rows"}}, "mark": "point"}"#)
            .unwrap();
        assert_eq!(v.data, DataSource::Inline(serde_json::json!([{"a": 2}])));
    }

    #[test]
    fn field_paths_flatten_like_vega_lite() {
        assert_eq!(flat_field_name("plain name"), "plain name");
        assert_eq!(flat_field_name("a.b"), "a.b");
        assert_eq!(flat_field_name("a\\.b"), "a.b");
        assert_eq!(flat_field_name("a['b c'][0]"), "a.b c.0");
        assert_eq!(flat_field_name("x[\"y.z\"]"), "x.y.z");
    }

    #[test]
    fn url_format_follows_the_extension() {
        assert_eq!(format_from_url("data/cars.json"), "json");
        assert_eq!(format_from_url("data/weather.csv?x=1"), "csv");
    }
}
