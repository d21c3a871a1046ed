//! Stage 6: the scene, plain geometry ready to draw, with a back-pointer to each mark's row.
//!
//! A [`Scene`] is a flat list of [`Item`]s in paint order, in CSS pixels with the origin at the
//! top left of the chart. Renderers (Canvas 2D, SVG) only walk this list; hit testing reads it
//! too. [`dump`] writes a stable text form for golden tests.

pub mod bounds;
pub mod color;
pub mod dump;
pub mod theme;

pub use bounds::{text_bounds, Bounds};
pub use color::Color;
pub use theme::{Theme, ThemeName};

/// What an item is for; renderers ignore it, tests and hit testing read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The chart background.
    Background,
    /// An item of mark number `.0`.
    Mark(u16),
    /// An axis grid line.
    Grid,
    /// An axis domain line.
    Domain,
    /// An axis tick.
    Tick,
    /// An axis label.
    Label,
    /// An axis title.
    AxisTitle,
    /// The chart title.
    Title,
    /// The chart subtitle.
    Subtitle,
    /// A legend's title.
    LegendTitle,
    /// A legend entry's symbol.
    LegendSymbol,
    /// A legend entry's label.
    LegendLabel,
}

impl Role {
    /// A short stable name for dumps.
    pub fn name(self) -> String {
        match self {
            Role::Background => "background".into(),
            Role::Mark(i) => format!("mark{i}"),
            Role::Grid => "grid".into(),
            Role::Domain => "domain".into(),
            Role::Tick => "tick".into(),
            Role::Label => "label".into(),
            Role::AxisTitle => "axis-title".into(),
            Role::Title => "title".into(),
            Role::Subtitle => "subtitle".into(),
            Role::LegendTitle => "legend-title".into(),
            Role::LegendSymbol => "legend-symbol".into(),
            Role::LegendLabel => "legend-label".into(),
        }
    }
}

/// A filled (and optionally stroked) rectangle.
#[derive(Clone, Debug, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width (never negative).
    pub width: f64,
    /// Height (never negative).
    pub height: f64,
    /// Fill colour.
    pub fill: Color,
    /// Stroke colour and width.
    pub stroke: Option<(Color, f64)>,
    /// Corner radius.
    pub corner_radius: f64,
    /// What the rectangle is.
    pub role: Role,
    /// For mark items: the row of the mark's data it was drawn from.
    pub row: Option<u32>,
}

impl Rect {
    /// The centre point.
    pub fn center(&self) -> (f64, f64) {
        (self.x + self.width / 2.0, self.y + self.height / 2.0)
    }
}

/// A straight line.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    /// Start x.
    pub x1: f64,
    /// Start y.
    pub y1: f64,
    /// End x.
    pub x2: f64,
    /// End y.
    pub y2: f64,
    /// Colour.
    pub stroke: Color,
    /// Line width.
    pub width: f64,
    /// What the line is.
    pub role: Role,
}

/// Horizontal text alignment relative to the anchor point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    /// Text starts at the anchor.
    Left,
    /// Text is centred on the anchor.
    Center,
    /// Text ends at the anchor.
    Right,
}

/// Vertical text alignment relative to the anchor point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Baseline {
    /// Anchor at the top of the text.
    Top,
    /// Anchor at the middle.
    Middle,
    /// Anchor at the alphabetic baseline.
    Alphabetic,
    /// Anchor at the bottom.
    Bottom,
}

/// A line of text.
#[derive(Clone, Debug, PartialEq)]
pub struct Text {
    /// Anchor x.
    pub x: f64,
    /// Anchor y.
    pub y: f64,
    /// The text (drawn as text, never parsed as markup).
    pub text: String,
    /// Font size in pixels.
    pub size: f64,
    /// Bold weight.
    pub bold: bool,
    /// Colour.
    pub fill: Color,
    /// Horizontal alignment.
    pub align: Align,
    /// Vertical alignment.
    pub baseline: Baseline,
    /// Rotation in degrees, clockwise, about the anchor.
    pub angle: f64,
    /// What the text is.
    pub role: Role,
}

/// The shape of a symbol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A circle.
    Circle,
    /// A square.
    Square,
}

/// A point symbol centred on `(x, y)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Symbol {
    /// Centre x.
    pub x: f64,
    /// Centre y.
    pub y: f64,
    /// Area in square pixels (Vega's `size`).
    pub size: f64,
    /// The shape.
    pub shape: Shape,
    /// Fill colour, if filled.
    pub fill: Option<Color>,
    /// Stroke colour and width, if stroked.
    pub stroke: Option<(Color, f64)>,
    /// What the symbol is.
    pub role: Role,
    /// The row of the mark's data it was drawn from.
    pub row: Option<u32>,
}

/// A polyline or polygon.
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    /// The vertices, in order.
    pub points: Vec<(f64, f64)>,
    /// Whether the last vertex joins the first (areas).
    pub closed: bool,
    /// Fill colour, if filled.
    pub fill: Option<Color>,
    /// Stroke colour and width, if stroked.
    pub stroke: Option<(Color, f64)>,
    /// What the path is.
    pub role: Role,
}

/// One drawable item.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// A rectangle.
    Rect(Rect),
    /// A line.
    Rule(Rule),
    /// A text.
    Text(Text),
    /// A point symbol.
    Symbol(Symbol),
    /// A polyline or polygon.
    Path(Path),
}

impl Item {
    /// The item's role.
    pub fn role(&self) -> Role {
        match self {
            Item::Rect(r) => r.role,
            Item::Rule(r) => r.role,
            Item::Text(t) => t.role,
            Item::Symbol(s) => s.role,
            Item::Path(p) => p.role,
        }
    }
}

/// The font family every renderer uses for chart text.
pub const FONT_FAMILY: &str = "sans-serif";

/// A chart ready to draw.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scene {
    /// Total width in CSS pixels.
    pub width: f64,
    /// Total height in CSS pixels.
    pub height: f64,
    /// Items in paint order.
    pub items: Vec<Item>,
    /// A one-line description for assistive technology.
    pub description: String,
}

impl Scene {
    /// The rectangles of mark `mark`, in paint order.
    pub fn mark_rects(&self, mark: u16) -> impl Iterator<Item = &Rect> {
        self.items.iter().filter_map(move |i| match i {
            Item::Rect(r) if r.role == Role::Mark(mark) => Some(r),
            _ => None,
        })
    }
}
