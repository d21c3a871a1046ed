//! The normalized view: what the rest of the pipeline reads.
//!
//! Stage: spec (output). Every default Vega-Lite fills in is already filled in here: field
//! types, axis titles, mark properties, sizes. Later stages never look at the raw JSON.

/// A measurement or category type of a field (`encoding.*.type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    /// Numbers on a continuous scale.
    Quantitative,
    /// Ordered categories.
    Ordinal,
    /// Unordered categories.
    Nominal,
    /// Dates and times.
    Temporal,
}

impl FieldType {
    /// Whether the field is drawn on a discrete (band/point/ordinal) scale.
    pub fn is_discrete(self) -> bool {
        matches!(self, FieldType::Ordinal | FieldType::Nominal)
    }
}

pub use crate::data::kernels::AggregateOp;

/// The mark types storychart draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkKind {
    /// Bars: rectangles from a baseline.
    Bar,
    /// Rectangles spanning x..x2 and y..y2 (or whole bands): heatmaps, ranges.
    Rect,
    /// Hollow circles (scatter plots).
    Point,
    /// Filled circles.
    Circle,
    /// Filled squares.
    Square,
    /// Short lines across one position (strip plots).
    Tick,
    /// Lines spanning x..x2 or y..y2, or the whole plot.
    Rule,
    /// One polyline per series.
    Line,
    /// One filled area per series, from a baseline.
    Area,
    /// A text label per row.
    Text,
    /// Wedges of a circle (pies, donuts, radial charts), from `theta` and `radius`.
    Arc,
}

impl MarkKind {
    /// Parses a Vega-Lite mark name.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "bar" => MarkKind::Bar,
            "rect" => MarkKind::Rect,
            "point" => MarkKind::Point,
            "circle" => MarkKind::Circle,
            "square" => MarkKind::Square,
            "tick" => MarkKind::Tick,
            "rule" => MarkKind::Rule,
            "line" => MarkKind::Line,
            "area" => MarkKind::Area,
            "text" => MarkKind::Text,
            "arc" => MarkKind::Arc,
            _ => return None,
        })
    }

    /// The Vega scenegraph type of this mark (`rect` for bars and ticks, `symbol` for points).
    pub fn vega_type(self) -> &'static str {
        match self {
            MarkKind::Bar | MarkKind::Rect | MarkKind::Tick => "rect",
            MarkKind::Point | MarkKind::Circle | MarkKind::Square => "symbol",
            MarkKind::Rule => "rule",
            MarkKind::Line => "line",
            MarkKind::Area => "area",
            MarkKind::Text => "text",
            MarkKind::Arc => "arc",
        }
    }

    /// Whether Vega-Lite stacks this mark by default (`bar`, `area`).
    pub fn stacks_by_default(self) -> bool {
        matches!(self, MarkKind::Bar | MarkKind::Area | MarkKind::Arc)
    }

    /// Whether the mark fills bands of a discrete position scale (band scale) rather than
    /// sitting on points (point scale).
    pub fn uses_bands(self) -> bool {
        matches!(self, MarkKind::Bar | MarkKind::Rect)
    }
}

/// Mark properties with Vega-Lite's defaults applied.
#[derive(Clone, Debug, PartialEq)]
pub struct MarkProps {
    /// Fill colour of the mark.
    pub fill: String,
    /// Stroke colour, if any.
    pub stroke: Option<String>,
    /// Opacity in 0..=1.
    pub opacity: f64,
    /// Corner radius in pixels.
    pub corner_radius: f64,
    /// `mark.orient`: the channel bars extend along (`horizontal` is x), if set.
    pub orient: Option<Channel>,
    /// Whether symbols are filled (`point` is hollow by default).
    pub filled: bool,
    /// Symbol area in square pixels, or font size for text.
    pub size: Option<f64>,
    /// Line width.
    pub stroke_width: Option<f64>,
    /// How lines and areas join their points (`mark.interpolate`).
    pub interpolate: crate::mark::curve::Interpolate,
    /// Arc and polar text properties.
    pub arc: ArcProps,
    /// Text mark properties.
    pub text: TextProps,
}

/// Text mark properties (`align`, `baseline`, `dx`, `dy`, `angle`, `fontSize`,
/// `fontWeight`, a constant `text`).
#[derive(Clone, Debug, PartialEq)]
pub struct TextProps {
    /// Horizontal alignment on the anchor.
    pub align: crate::scene::Align,
    /// Vertical alignment on the anchor.
    pub baseline: crate::scene::Baseline,
    /// Offsets in pixels, in the text's rotated frame (as Vega applies them).
    pub dx: f64,
    /// See `dx`.
    pub dy: f64,
    /// Rotation in degrees, clockwise.
    pub angle: f64,
    /// Bold text (`fontWeight` "bold" or 600 and more).
    pub bold: bool,
    /// The text when no `text` field is encoded (`mark.text`).
    pub constant: Option<String>,
}

impl Default for TextProps {
    fn default() -> Self {
        TextProps {
            align: crate::scene::Align::Center,
            baseline: crate::scene::Baseline::Middle,
            dx: 0.0,
            dy: 0.0,
            angle: 0.0,
            bold: false,
            constant: None,
        }
    }
}

/// Mark properties of arcs, and of text placed on them (pixels and radians).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ArcProps {
    /// `innerRadius` (a donut's hole).
    pub inner_radius: f64,
    /// `outerRadius`, or `radius` (text: its distance from the centre), if set.
    pub outer_radius: Option<f64>,
    /// `padAngle`: the gap between wedges.
    pub pad_angle: f64,
    /// `radiusOffset`: added to the radius (text on arcs).
    pub radius_offset: f64,
    /// `thetaOffset`: added to the angle.
    pub theta_offset: f64,
}

/// The `theta` and `radius` encodings of a polar view (arcs, text on arcs). Their fields are
/// read into the view's `x` (theta) and `y` (radius), which is how the plan stacks and groups
/// them; these are the scale properties of the radius.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Polar {
    /// `radius.scale.type: "sqrt"` (otherwise linear).
    pub radius_sqrt: bool,
    /// Whether the radius domain starts at zero (default true).
    pub radius_zero: bool,
    /// `radius.scale.rangeMin`: the radius of the smallest value.
    pub radius_min: f64,
}

pub use crate::data::kernels::StackOffset;

/// How a discrete channel orders its categories (`encoding.*.sort`).
#[derive(Clone, Debug, PartialEq)]
pub enum SortOrder {
    /// Ascending by value (the default).
    Ascending,
    /// Descending by value.
    Descending,
    /// In the order of first appearance in the data (`sort: null`).
    Data,
    /// These values first, in this order; the rest after them in ascending order.
    Custom(Vec<crate::data::Value>),
    /// By an aggregate of a field per category (`{"field": f, "op": "mean", "order": ...}`;
    /// `count` needs no field).
    ByField {
        /// The field aggregated (none for `count`).
        field: Option<String>,
        /// The aggregate op (`sum` when the spec gives none).
        op: AggregateOp,
        /// Largest first.
        descending: bool,
    },
    /// By the value of another position channel (`"x"`, `"-y"`), summed per category.
    ByChannel {
        /// The channel sorted by.
        channel: Channel,
        /// Largest first.
        descending: bool,
    },
}

/// A position channel.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Channel {
    /// Horizontal position.
    X,
    /// Vertical position.
    #[default]
    Y,
    /// Fill colour by category (`color` or `fill`).
    Color,
    /// The other end of an x range.
    X2,
    /// The other end of a y range.
    Y2,
    /// The text of text marks.
    Text,
    /// A series split without a visual channel.
    Detail,
    /// A field shown in the tooltip.
    Tooltip,
    /// A channel whose data storychart computes but does not draw yet (`size`, `shape`,
    /// `xOffset`, a condition's field, ...), by its spec name.
    Undrawn(&'static str),
}

impl Channel {
    /// The channel's name in the spec.
    pub fn name(self) -> &'static str {
        match self {
            Channel::X => "x",
            Channel::Y => "y",
            Channel::Color => "color",
            Channel::X2 => "x2",
            Channel::Y2 => "y2",
            Channel::Text => "text",
            Channel::Detail => "detail",
            Channel::Tooltip => "tooltip",
            Channel::Undrawn(name) => name,
        }
    }
}

/// An axis with defaults applied, or hidden.
#[derive(Clone, Debug, PartialEq)]
pub struct AxisSpec {
    /// Whether the axis is drawn at all (`axis: null` hides it).
    pub visible: bool,
    /// The title lines (empty for none).
    pub title: Vec<String>,
    /// Whether the spec set the title (the field's `title` or `axis.title`), rather than
    /// Vega-Lite's default from the field name; explicit titles win when an axis merges the
    /// titles of several fields.
    pub title_explicit: bool,
    /// Label rotation in degrees, if set.
    pub label_angle: Option<f64>,
    /// d3-format specifier for labels.
    pub format: Option<String>,
    /// Grid lines.
    pub grid: Option<bool>,
    /// Desired tick count.
    pub tick_count: Option<f64>,
    /// Draw labels.
    pub labels: bool,
    /// Draw ticks.
    pub ticks: bool,
    /// Draw the domain line.
    pub domain: bool,
    /// A d3-time-format specifier for the labels of a discrete time-unit axis.
    pub time_format: Option<String>,
}

/// Binning of a channel's field (`encoding.*.bin`).
#[derive(Clone, Debug, PartialEq)]
pub struct BinSpec {
    /// Vega's bin options.
    pub options: crate::data::kernels::BinOptions,
    /// An explicit extent (`bin.extent`); otherwise the field's extent.
    pub extent: Option<[f64; 2]>,
    /// Vega-Lite's name prefix (`bin_maxbins_10`).
    pub name: String,
}

/// A time unit applied to a channel's field (`encoding.*.timeUnit`).
#[derive(Clone, Debug, PartialEq)]
pub struct TimeUnitSpec {
    /// The unit as written (`yearmonth`), Vega-Lite's name prefix.
    pub name: String,
    /// The parsed unit.
    pub unit: crate::data::kernels::TimeUnit,
    /// A `binned...` unit: the field already holds unit starts; only the end is computed.
    pub binned: bool,
}

/// A field-based position encoding (`x` or `y`) after normalization.
#[derive(Clone, Debug, PartialEq)]
pub struct PositionDef {
    /// The channel.
    pub channel: Channel,
    /// The source field (`None` for `count`), flattened as Vega-Lite flattens paths.
    pub field: Option<String>,
    /// Whether the field as written ends in a bracket access (`ranges[2]`): Vega-Lite appends
    /// suffixes to the written path, so its stack outputs become `ranges.2._end`.
    pub bracket_path: bool,
    /// The field type (defaults filled in).
    pub ty: FieldType,
    /// The aggregate op, if any.
    pub aggregate: Option<AggregateOp>,
    /// For `{"argmin": f}` / `{"argmax": f}` aggregates: the field `f` whose extreme picks
    /// the row (the channel shows `field` of that row).
    pub arg: Option<String>,
    /// Binning, if any.
    pub bin: Option<BinSpec>,
    /// A time unit, if any.
    pub time_unit: Option<TimeUnitSpec>,
    /// Where a time-unit band sits on a bar or rect (`bandPosition`, or the mark's
    /// `timeUnitBandPosition` config), when set: Vega-Lite offsets the rects by it.
    pub band_position: Option<f64>,
    /// An explicit continuous domain (`scale.domain: [min, max]`).
    pub domain: Option<[f64; 2]>,
    /// Why this channel cannot be drawn yet (a scale property storychart does not apply);
    /// the data is unaffected, drawing returns this error.
    pub render_error: Option<crate::error::Error>,
    /// The channel's scale properties as written (`encoding.*.scale`).
    pub scale: super::scale::ScaleSpec,
    /// Explicit `stack`: `Some(None)` means `stack: null/false`.
    pub stack: Option<Option<StackOffset>>,
    /// Category order, for discrete fields.
    pub sort: SortOrder,
    /// Whether a quantitative scale includes zero.
    pub zero: bool,
    /// The axis.
    pub axis: AxisSpec,
}

/// Where the data comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum DataSource {
    /// `data.values` (or a named dataset), rows as JSON.
    Inline(serde_json::Value),
    /// `data.values` given as text (`"a\n1\n2"` with `format.type` `csv`).
    InlineText {
        /// The text.
        text: String,
        /// The format type (`csv`, `tsv`, `dsv`, `json`).
        format: String,
    },
    /// `data.url` with its format type (`json`, `csv`, `tsv`).
    Url {
        /// The URL as written in the spec.
        url: String,
        /// The format type, from `format.type` or the URL's extension.
        format: String,
    },
}

/// How the data's fields are typed after loading (`data.format.parse`).
#[derive(Clone, Debug, Default, PartialEq)]
pub enum DataParse {
    /// Leave fields as loaded (Vega's default).
    #[default]
    None,
    /// `"auto"`: infer each field's type.
    Auto,
    /// Per-field types.
    Fields(Vec<(String, crate::data::parse::ParseKind)>),
}

/// A conditional colour or opacity (`{"condition": {"param"|"test", "value"}, "value"}`),
/// evaluated per row with the current parameters when the chart is drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct Conditional {
    /// `color` (also for `fill`), `opacity` or `size` (symbols).
    pub channel: &'static str,
    /// The tests in order, each with the value its rows take (`None`: the colour of the
    /// condition's field, which is the view's colour field).
    pub tests: Vec<(CondTest, Option<serde_json::Value>)>,
    /// The value of rows no test selects; `None`: the field's scale, or the mark's own.
    pub default: Option<serde_json::Value>,
}

/// A condition's test.
#[derive(Clone, Debug, PartialEq)]
pub enum CondTest {
    /// `{"param": name, "empty": empty}`: the selection (or a variable's truthiness).
    Param {
        /// The parameter.
        name: String,
        /// Whether an empty selection selects every row.
        empty: bool,
    },
    /// `{"test": "..."}`: an expression over `datum` and the parameters.
    Expr(String),
    /// `{"test": {"or": [...]}}`: a logical composition of parameters and expressions.
    Logic(serde_json::Value),
}

/// A constant position (`x: {"datum": 5}`, `y: {"value": 0}`).
#[derive(Clone, Debug, PartialEq)]
pub enum Constant {
    /// A data value placed by the channel's scale: a number, a string, a date-time object,
    /// or `{"expr": ...}`.
    Datum(serde_json::Value),
    /// A position in pixels, or `"width"`/`"height"`.
    Value(serde_json::Value),
}

impl Constant {
    /// A pixel position's number, if this is one.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Constant::Value(v) => v.as_f64(),
            Constant::Datum(_) => None,
        }
    }

    /// A pixel position within a plot `full` pixels long (`"width"`/`"height"` is the far
    /// end), if this is one.
    pub fn pixels(&self, full: f64) -> Option<f64> {
        match self {
            Constant::Value(serde_json::Value::String(s)) if s == "width" || s == "height" => {
                Some(full)
            }
            _ => self.as_number(),
        }
    }
}

/// A width or height.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Size {
    /// A fixed number of pixels for the plot area.
    Pixels(f64),
    /// Pixels per band of a discrete scale.
    Step(f64),
    /// The width of the container (given by the host at render time).
    Container,
}

/// A chart title and subtitle.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TitleSpec {
    /// Title lines.
    pub text: Vec<String>,
    /// Subtitle lines.
    pub subtitle: Vec<String>,
}

/// One normalized view: a single mark with its encodings and data.
#[derive(Clone, Debug, PartialEq)]
pub struct View {
    /// The data source.
    pub data: DataSource,
    /// How the loaded fields are typed.
    pub data_parse: DataParse,
    /// The mark type.
    pub mark: MarkKind,
    /// Mark properties.
    pub mark_props: MarkProps,
    /// The x encoding, if any.
    pub x: Option<PositionDef>,
    /// The y encoding, if any.
    pub y: Option<PositionDef>,
    /// The x2 encoding (a range's other end), if any.
    pub x2: Option<PositionDef>,
    /// The y2 encoding, if any.
    pub y2: Option<PositionDef>,
    /// The text channel (text marks), if any.
    pub text: Option<PositionDef>,
    /// Fields that split lines and areas into series without a visual channel (`detail`).
    pub detail: Vec<PositionDef>,
    /// Fields shown in tooltips; like `detail`, they take part in grouping.
    pub tooltip: Vec<PositionDef>,
    /// Field channels storychart computes (grouping, mark data) but does not draw yet.
    pub undrawn: Vec<PositionDef>,
    /// A field on `color` (or `fill`), if any: a discrete colour scale with a legend.
    pub color: Option<PositionDef>,
    /// Whether rows with invalid continuous positions are drawn (`mark.invalid`; by default
    /// only lines and areas keep them, to break their paths).
    pub keep_invalid: bool,
    /// The explicit `scale.domain` array of a nominal colour field, if any: stacks follow its
    /// order.
    pub color_domain: Option<Vec<serde_json::Value>>,
    /// Whether the colour legend is drawn (`legend: null` hides it).
    pub color_legend: bool,
    /// The title, if any.
    pub title: Option<TitleSpec>,
    /// Plot width.
    pub width: Size,
    /// Plot height.
    pub height: Size,
    /// Background colour, if the spec sets one (otherwise the theme's).
    pub background: Option<String>,
    /// Padding: left, top, right, bottom.
    pub padding: [f64; 4],
    /// The outline of the plot (`config.view.stroke`, Vega-Lite's default `#ddd`); `None` when
    /// the spec sets it to `null`.
    pub view_stroke: Option<String>,
    /// Accessible description.
    pub description: Option<String>,
    /// The explicit `transform` array, in order.
    pub transforms: Vec<super::transform::Transform>,
    /// Why this view cannot be drawn yet (a mark property storychart does not apply); its
    /// data is unaffected, drawing returns this error.
    pub render_error: Option<crate::error::Error>,
    /// Scale channels whose invalid values (null, NaN) stay in the data instead of being
    /// filtered (`mark.invalid: null | "show"` shows all; `config.scale.invalid.<channel>`
    /// one). `None` means every channel shows them.
    pub invalid_filtered_except: Option<Vec<String>>,
    /// The top-level `params`, in order.
    pub params: Vec<super::params::Param>,
    /// For arcs and text on arcs: the polar encodings (theta is `x`, radius is `y`).
    pub polar: Option<Polar>,
    /// Conditional colours and opacities, drawn per row.
    pub conditions: Vec<Conditional>,
    /// Position channels given as a constant (`{"datum": ...}` on the channel's scale, or a
    /// pixel `{"value": ...}`), with no field: they add no field to the data.
    pub constants: Vec<(Channel, Constant)>,
    /// The `order` channel's field: the order of a line's points (otherwise by x) and of a
    /// stack's pieces (otherwise by colour); it takes part in grouping.
    pub order: Option<PositionDef>,
}
