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
    AggregateOp, AxisSpec, BinSpec, Channel, DataParse, DataSource, FieldType, MarkKind, MarkProps,
    PositionDef, Size, SortOrder, StackOffset, TimeUnitSpec, TitleSpec, View,
};
use crate::data::kernels::bin::auto_max_bins;
use crate::data::kernels::{parse_time_unit, BinOptions};
use crate::data::value::js_number_string;
use crate::error::{Error, Result};

/// Vega-Lite's default mark colour (`config.mark.color`).
pub const DEFAULT_MARK_COLOR: &str = "#4c78a8";

/// Top-level properties that change what a chart is and that storychart does not support yet.
const UNSUPPORTED_TOP_LEVEL: &[&str] = &[
    "facet",
    "hconcat",
    "vconcat",
    "concat",
    "repeat",
    "spec",
    "projection",
    "datasets",
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
    let data = normalize_data(spec.data.as_ref())?;
    let data_parse = normalize_parse(spec.data.as_ref())?;
    let (mark, mark_def) = normalize_mark(spec.mark.as_ref())?;
    let mark_props = normalize_mark_props(mark_def.as_ref(), spec, &params)?;
    let enc = &spec.encoding;
    let (undrawn, undrawn_error) = undrawn_channels(spec, mark)?;
    let mut other_channels = enc.other.iter();
    let unsupported = loop {
        match other_channels.next() {
            Some((key, def)) if super::params::is_param_style_condition(key, def, &params)? => {}
            Some((key, _)) if UNDRAWN.iter().any(|(k, _)| k == key) => {}
            next => break next.map(|(key, _)| key),
        }
    };
    if let Some(key) = unsupported {
        return Err(Error::unsupported(
            &format!("encoding.{key}"),
            &format!("the \"{key}\" channel"),
        ));
    }
    let x = enc
        .x
        .as_ref()
        .map(|d| normalize_position(Channel::X, d))
        .transpose()?;
    let y = enc
        .y
        .as_ref()
        .map(|d| normalize_position(Channel::Y, d))
        .transpose()?;
    let x2 = secondary(Channel::X2, enc.x2.as_ref(), x.as_ref())?;
    let y2 = secondary(Channel::Y2, enc.y2.as_ref(), y.as_ref())?;
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
    let color_def = [&enc.color, &enc.fill]
        .into_iter()
        .flatten()
        .find(|c| c.field.is_some());
    let color = color_def
        .map(|d| normalize_position(Channel::Color, d))
        .transpose()?;
    let color_legend = !matches!(color_def.map(|d| &d.legend), Some(Some(None)));
    Ok(View {
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
        description: spec.description.clone(),
        transforms,
        render_error: mark_render_error(mark_def.as_ref()).or(undrawn_error),
        undrawn,
        invalid_filtered_except: invalid_mode(spec, mark_def.as_ref()),
        params,
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

fn normalize_data(data: Option<&DataDef>) -> Result<DataSource> {
    let Some(data) = data else {
        return Err(Error::spec_missing(
            "data",
            "\"data\" (inline \"values\" or a \"url\")",
        ));
    };
    if let Some(values) = &data.values {
        return Ok(DataSource::Inline(values.clone()));
    }
    if let Some(url) = &data.url {
        let declared = data.format.as_ref().and_then(|f| f.kind.clone());
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
        if let Some(i) = def.interpolate.as_deref().filter(|i| *i != "linear") {
            return Err(Error::unsupported(
                "mark.interpolate",
                &format!("the \"{i}\" interpolation"),
            ));
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
) -> Result<MarkProps> {
    let mut fill = DEFAULT_MARK_COLOR.to_string();
    let mut props = MarkProps {
        fill: String::new(),
        stroke: None,
        opacity: 1.0,
        corner_radius: 0.0,
        orient: None,
        filled: true,
        size: None,
        stroke_width: None,
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
        if let Some(c) = def.color.as_ref().or(def.fill.as_ref()) {
            fill = c.clone();
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
        props.size = def.size.filter(|s| s.is_finite() && *s >= 0.0);
        props.stroke_width = def.stroke_width.filter(|s| s.is_finite() && *s >= 0.0);
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
        if channel.field.is_some() && matches!(name, "color" | "fill" | "opacity") {
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
    Ok(props)
}

fn normalize_position(channel: Channel, def: &ChannelDef) -> Result<PositionDef> {
    let path = format!("encoding.{}", channel.name());
    let bin = normalize_bin(&format!("{path}.bin"), channel, def.bin.as_ref())?;
    let time_unit = match &def.time_unit {
        None | Some(Json::Null) => None,
        Some(Json::String(name)) => Some(TimeUnitSpec {
            unit: parse_time_unit(name).ok_or_else(|| {
                Error::spec_shape(
                    &format!("{path}.timeUnit"),
                    &format!(
                        "unknown time unit \"{name}\" (for example year, yearmonth, month, hours)"
                    ),
                )
            })?,
            name: name.clone(),
        }),
        Some(_) => {
            return Err(Error::unsupported(
                &format!("{path}.timeUnit"),
                "a time unit object",
            ))
        }
    };
    if def.value.is_some() || def.datum.is_some() {
        return Err(Error::unsupported(&path, "a constant position"));
    }
    let aggregate = match &def.aggregate {
        None => None,
        Some(name) => Some(
            AggregateOp::from_name(name)
                .filter(|op| op.is_numeric())
                .ok_or_else(|| {
                    Error::unsupported(
                        &format!("{path}.aggregate"),
                        &format!("the \"{name}\" aggregate"),
                    )
                })?,
        ),
    };
    let field = def.field.clone();
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
        None if time_unit.is_some() => FieldType::Temporal,
        None if aggregate.is_some() || bin.is_some() => FieldType::Quantitative,
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
    // Discrete time-unit axes label dates, not epoch numbers.
    let time_format = time_unit
        .as_ref()
        .filter(|_| ty.is_discrete())
        .map(|u| u.unit.label_format());
    let sort = match &def.sort {
        None => SortOrder::Ascending,
        Some(None) => SortOrder::Data,
        Some(Some(json)) => normalize_sort(&format!("{path}.sort"), Some(json))?,
    };
    Ok(PositionDef {
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
        axis: AxisSpec {
            time_format,
            ..normalize_axis(&path, def.axis.as_ref(), title, ty == FieldType::Temporal)?
        },
    })
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
) -> Result<(Vec<PositionDef>, Option<Error>)> {
    let enc = &spec.encoding;
    let mut defs = Vec::new();
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
    for (key, channel) in conditional {
        let Some(condition) = channel.as_ref().and_then(|c| c.other.get("condition")) else {
            continue;
        };
        // Drawing the value alone would show the wrong colour (an empty selection picks the
        // condition's branch), so drawing is an error until conditions are evaluated.
        note(
            format!("encoding.{key}.condition"),
            "a conditional encoding".to_string(),
        );
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
    Ok((defs, error))
}

/// Mark properties that only change how marks look and that storychart does not apply yet:
/// drawing fails with a clear error naming the first one, instead of drawing it differently.
fn mark_render_error(def: Option<&MarkDef>) -> Option<Error> {
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
    ];
    let key = def?
        .other
        .keys()
        .find(|k| !HARMLESS.contains(&k.as_str()))?;
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
        Some(Json::Object(params)) => Some(params),
        Some(Json::String(s)) if s == "binned" => {
            return Err(Error::unsupported(path, "bin: \"binned\""))
        }
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
        // Vega-Lite's `varName`: anything but word characters becomes `_`.
        let part: String = format!("_{key}_{text}")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        name.push_str(&part);
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
) -> Result<AxisSpec> {
    let mut spec = AxisSpec {
        visible: true,
        title,
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
            spec.label_angle = def.label_angle;
            // Temporal axes take d3-time-format specifiers, which accept any text.
            if let Some(f) = def.format.as_ref().filter(|_| !temporal) {
                crate::scale::FormatSpec::parse(f)
                    .map_err(|e| Error::spec_shape(&format!("{path}.axis.format"), &e))?;
            }
            spec.format = def.format.clone();
            spec.grid = def.grid;
            spec.tick_count = def.tick_count;
            spec.labels = def.labels.unwrap_or(true);
            spec.ticks = def.ticks.unwrap_or(true);
            spec.domain = def.domain.unwrap_or(true);
        }
    }
    Ok(spec)
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
    fn url_format_follows_the_extension() {
        assert_eq!(format_from_url("data/cars.json"), "json");
        assert_eq!(format_from_url("data/weather.csv?x=1"), "csv");
    }
}
