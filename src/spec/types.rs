//! The Vega-Lite JSON as written: serde structs for the subset storychart reads.
//!
//! Stage: spec. These types mirror the JSON one to one (camelCase names, shorthand forms as
//! untagged enums); they make no decisions. Properties storychart does not read are kept in
//! `other` maps so that [`crate::spec::normalize()`] can reject the unsupported ones by name.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value as Json;

/// A top-level Vega-Lite spec (single view).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TopLevelSpec {
    /// `data`: inline values or a URL.
    pub data: Option<DataDef>,
    /// `mark`: a mark type name or a mark definition object.
    pub mark: Option<AnyMark>,
    /// `encoding`: channels to fields or values.
    #[serde(default)]
    pub encoding: EncodingDef,
    /// `transform`: the view's explicit transforms.
    #[serde(default)]
    pub transform: Vec<Json>,
    /// `title`: a string, lines, or a title object.
    pub title: Option<TitleDef>,
    /// `width`: pixels, `"container"` or `{"step": n}`.
    pub width: Option<SizeDef>,
    /// `height`: pixels, `"container"` or `{"step": n}`.
    pub height: Option<SizeDef>,
    /// `background`: a CSS colour.
    pub background: Option<String>,
    /// `padding`: pixels around the chart.
    pub padding: Option<PaddingDef>,
    /// `description`: used as the chart's accessible description.
    pub description: Option<String>,
    /// Everything else, checked by name in normalize.
    #[serde(flatten)]
    pub other: BTreeMap<String, Json>,
}

/// `data`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct DataDef {
    /// Inline rows (objects) or scalars.
    pub values: Option<Json>,
    /// A URL to CSV, TSV or JSON.
    pub url: Option<String>,
    /// A named data source.
    pub name: Option<String>,
    /// How to parse the data.
    pub format: Option<FormatDef>,
}

/// `data.format`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct FormatDef {
    /// `json`, `csv`, `tsv` or `dsv`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Per-field parse types, or `null` for none.
    pub parse: Option<Json>,
    /// For JSON: the property holding the rows.
    pub property: Option<String>,
}

/// `mark`: a name or a definition.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum AnyMark {
    /// `"mark": "bar"`.
    Name(String),
    /// `"mark": {"type": "bar", ...}`.
    Def(Box<MarkDef>),
}

/// `mark` as an object.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MarkDef {
    /// The mark type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Default colour of the mark: a CSS colour, or a gradient object.
    pub color: Option<Json>,
    /// Fill colour.
    pub fill: Option<String>,
    /// Stroke colour.
    pub stroke: Option<String>,
    /// Overall opacity.
    pub opacity: Option<f64>,
    /// Corner radius of bars: a number or `{"expr": ...}`.
    pub corner_radius: Option<Json>,
    /// Corner radius at the value end of bars.
    pub corner_radius_end: Option<f64>,
    /// `horizontal` or `vertical`.
    pub orient: Option<String>,
    /// Whether symbols are filled.
    pub filled: Option<bool>,
    /// Symbol area or font size: a number or `{"expr": ...}`.
    pub size: Option<Json>,
    /// Line width: a number or `{"expr": ...}`.
    pub stroke_width: Option<Json>,
    /// Line interpolation.
    pub interpolate: Option<String>,
    /// A point overlay on lines and areas.
    pub point: Option<Json>,
    /// A line overlay on areas.
    pub line: Option<Json>,
    /// Everything else.
    #[serde(flatten)]
    pub other: BTreeMap<String, Json>,
}

/// `encoding`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct EncodingDef {
    /// The x position channel.
    pub x: Option<ChannelDef>,
    /// The y position channel.
    pub y: Option<ChannelDef>,
    /// The colour channel.
    pub color: Option<ChannelDef>,
    /// The fill channel.
    pub fill: Option<ChannelDef>,
    /// The stroke channel.
    pub stroke: Option<ChannelDef>,
    /// The opacity channel.
    pub opacity: Option<ChannelDef>,
    /// The tooltip channel (one definition or many).
    pub tooltip: Option<Json>,
    /// The other end of an x range.
    pub x2: Option<ChannelDef>,
    /// The other end of a y range.
    pub y2: Option<ChannelDef>,
    /// The text of text marks.
    pub text: Option<ChannelDef>,
    /// Series split fields (one definition or many).
    pub detail: Option<Json>,
    /// Everything else.
    #[serde(flatten)]
    pub other: BTreeMap<String, Json>,
}

/// One channel's definition: a field, a datum or a value.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelDef {
    /// The data field.
    pub field: Option<String>,
    /// `quantitative`, `ordinal`, `nominal` or `temporal`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// An aggregate op name, or `{"argmin": field}` / `{"argmax": field}`.
    pub aggregate: Option<Json>,
    /// Binning.
    pub bin: Option<Json>,
    /// A time unit.
    pub time_unit: Option<Json>,
    /// The title of the axis or legend (`null` hides it).
    #[serde(default, deserialize_with = "double_option")]
    pub title: Option<Option<TitleText>>,
    /// The axis, or `null` for none.
    #[serde(default, deserialize_with = "double_option")]
    pub axis: Option<Option<AxisDef>>,
    /// Scale properties, or `null`.
    #[serde(default, deserialize_with = "double_option")]
    pub scale: Option<Option<ScaleDef>>,
    /// Sort order (`null` keeps the data order).
    #[serde(default, deserialize_with = "double_option")]
    pub sort: Option<Option<Json>>,
    /// Stack offset, `true`, `false` or `null`.
    #[serde(default, deserialize_with = "double_option")]
    pub stack: Option<Option<Json>>,
    /// A constant value.
    pub value: Option<Json>,
    /// A constant data value.
    pub datum: Option<Json>,
    /// A number or date format.
    pub format: Option<Json>,
    /// The legend, or `null` for none.
    #[serde(default, deserialize_with = "double_option")]
    pub legend: Option<Option<Json>>,
    /// Everything else.
    #[serde(flatten)]
    pub other: BTreeMap<String, Json>,
}

/// A title: one line or several.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum TitleText {
    /// One line.
    Line(String),
    /// Several lines.
    Lines(Vec<String>),
    /// `null` hides the title.
    None(()),
}

/// `axis`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AxisDef {
    /// The axis title (overrides the channel's).
    #[serde(default, deserialize_with = "double_option")]
    pub title: Option<Option<TitleText>>,
    /// Label rotation in degrees (a number, or `{"expr": ...}`).
    pub label_angle: Option<Json>,
    /// A format for the labels (a specifier, or a per-unit object on time axes).
    pub format: Option<Json>,
    /// Whether to draw grid lines.
    pub grid: Option<bool>,
    /// Desired number of ticks.
    pub tick_count: Option<f64>,
    /// Whether to draw labels.
    pub labels: Option<bool>,
    /// Whether to draw ticks.
    pub ticks: Option<bool>,
    /// Whether to draw the domain line.
    pub domain: Option<bool>,
    /// Everything else.
    #[serde(flatten)]
    pub other: BTreeMap<String, Json>,
}

/// `scale`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScaleDef {
    /// Scale type.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Whether a quantitative domain includes zero.
    pub zero: Option<bool>,
    /// Whether to extend the domain to nice round values.
    pub nice: Option<Json>,
    /// An explicit domain.
    pub domain: Option<Json>,
    /// Reverse the range.
    pub reverse: Option<bool>,
    /// Padding between bands.
    pub padding_inner: Option<f64>,
    /// Padding at the ends.
    pub padding_outer: Option<f64>,
    /// Everything else.
    #[serde(flatten)]
    pub other: BTreeMap<String, Json>,
}

/// `title`.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum TitleDef {
    /// A string or lines.
    Text(TitleText),
    /// A title object.
    Params(TitleParams),
}

/// A title object.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TitleParams {
    /// The title.
    pub text: TitleText,
    /// A subtitle under it.
    pub subtitle: Option<TitleText>,
    /// `start`, `middle` or `end`.
    pub anchor: Option<String>,
    /// Everything else.
    #[serde(flatten)]
    pub other: BTreeMap<String, Json>,
}

/// `width` / `height`.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum SizeDef {
    /// Pixels.
    Pixels(f64),
    /// `"container"`.
    Keyword(String),
    /// `{"step": n}`.
    Step {
        /// Pixels per band.
        step: f64,
    },
}

/// `padding`.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum PaddingDef {
    /// The same on every side.
    All(f64),
    /// Per side.
    Sides {
        /// Left.
        #[serde(default)]
        left: f64,
        /// Top.
        #[serde(default)]
        top: f64,
        /// Right.
        #[serde(default)]
        right: f64,
        /// Bottom.
        #[serde(default)]
        bottom: f64,
    },
}

/// Deserializes a property that may be absent (`None`), `null` (`Some(None)`) or a value.
fn double_option<'de, D, T>(de: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(de).map(Some)
}
