//! Legends: a symbol legend for discrete scales (colour, shape, size categories, sizes of a
//! continuous size scale) and a gradient legend for continuous colour scales.
//!
//! Stage: guides. Vega's defaults: an 11px bold title, 10px labels, one entry per category in
//! domain order, placed [`LEGEND_OFFSET`] pixels right of the plot. Symbols take the mark's
//! look (squares for bars, circles for points, strokes for lines) and the entry's colour,
//! shape and size. A gradient is 16px thick and `clamp(plot height, 64, 200)` long, vertical,
//! with the domain's low end at the bottom and its labels 2px beside it; a binned colour
//! scale draws one block per bin with the bin boundaries as labels.

use crate::layout::TextMeasure;
use crate::scene::shape::symbol_item;
use crate::scene::{Align, Baseline, Color, Item, Rect, Role, Text};

/// Gap between the plot (and its axes) and the legend.
pub const LEGEND_OFFSET: f64 = 18.0;
/// Title font size.
pub const TITLE_SIZE: f64 = 11.0;
/// Label font size.
pub const LABEL_SIZE: f64 = 10.0;
/// Symbol side length.
pub const SYMBOL_SIZE: f64 = 10.0;
/// Height of one entry.
pub const ROW_HEIGHT: f64 = 16.0;
/// Gap between title and entries.
pub const TITLE_PADDING: f64 = 5.0;
/// Gap between a symbol and its label.
pub const LABEL_OFFSET: f64 = 5.0;
/// Gap between two legends stacked vertically.
pub const LEGEND_SPACING: f64 = 10.0;
/// Thickness of a gradient.
pub const GRADIENT_THICKNESS: f64 = 16.0;
/// Gap between a gradient and its labels.
pub const GRADIENT_LABEL_OFFSET: f64 = 2.0;

/// How legend symbols are drawn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SymbolStyle {
    /// Filled squares (bars, rects, areas).
    #[default]
    Square,
    /// Filled symbols of the entry's shape (circles by default).
    Filled,
    /// Outlined symbols of the entry's shape (`point` marks).
    Outlined,
    /// A short horizontal stroke (lines, rules).
    Stroke,
}

/// One entry of a symbol legend.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The label.
    pub label: String,
    /// The symbol's colour.
    pub color: Color,
    /// Vega's shape name (`circle`, `square`, `triangle-up`, ...).
    pub shape: String,
    /// The symbol's area in square pixels (Vega's `size`).
    pub size: f64,
}

impl Entry {
    /// An entry with the default shape and size for `label` in `color`.
    pub fn colored(label: String, color: Color) -> Entry {
        Entry {
            label,
            color,
            shape: "circle".to_string(),
            size: 100.0,
        }
    }
}

/// A measured symbol legend, ready to place.
#[derive(Clone, Debug, PartialEq)]
pub struct Legend {
    title: Vec<String>,
    entries: Vec<Entry>,
    style: SymbolStyle,
    symbol_width: f64,
    width: f64,
}

impl Legend {
    /// Measures a legend with `title` lines and `(label, colour)` entries (square symbols).
    pub fn new(
        title: &[String],
        entries: Vec<(String, Color)>,
        measure: &dyn TextMeasure,
    ) -> Legend {
        let entries = entries
            .into_iter()
            .map(|(l, c)| Entry::colored(l, c))
            .collect();
        Legend::symbols(title, entries, SymbolStyle::Square, measure)
    }

    /// Measures a legend with `title` lines and `entries` drawn in `style`.
    pub fn symbols(
        title: &[String],
        entries: Vec<Entry>,
        style: SymbolStyle,
        measure: &dyn TextMeasure,
    ) -> Legend {
        let titles = title
            .iter()
            .map(|t| measure.width(t, TITLE_SIZE, true))
            .fold(0.0, f64::max);
        let symbol_width = entries
            .iter()
            .map(|e| symbol_extent(style, e.size))
            .fold(SYMBOL_SIZE, f64::max);
        let labels = entries
            .iter()
            .map(|e| symbol_width + LABEL_OFFSET + measure.width(&e.label, LABEL_SIZE, false))
            .fold(0.0, f64::max);
        Legend {
            title: title.to_vec(),
            entries,
            style,
            symbol_width,
            width: titles.max(labels),
        }
    }

    /// The width the legend takes, including its offset from the plot.
    pub fn extent(&self) -> f64 {
        LEGEND_OFFSET + self.width
    }

    fn row_height(&self, e: &Entry) -> f64 {
        ROW_HEIGHT.max(symbol_extent(self.style, e.size) + 2.0)
    }

    /// The height of the legend.
    pub fn height(&self) -> f64 {
        let rows: f64 = self.entries.iter().map(|e| self.row_height(e)).sum();
        title_height(&self.title) + rows
    }

    /// The legend's items with its top-left corner at `(x, y)` (after the offset).
    pub fn items(&self, x: f64, y: f64) -> Vec<Item> {
        let mut out = title_items(&self.title, x, y);
        let mut top = y + title_height(&self.title);
        for e in &self.entries {
            let row = self.row_height(e);
            let middle = top + row / 2.0;
            let cx = x + self.symbol_width / 2.0;
            out.push(match self.style {
                SymbolStyle::Square => Item::Rect(Rect {
                    x: cx - SYMBOL_SIZE / 2.0,
                    y: middle - SYMBOL_SIZE / 2.0,
                    width: SYMBOL_SIZE,
                    height: SYMBOL_SIZE,
                    fill: e.color,
                    stroke: None,
                    corner_radius: 0.0,
                    role: Role::LegendSymbol,
                    row: None,
                }),
                SymbolStyle::Stroke => Item::Rect(Rect {
                    x: cx - SYMBOL_SIZE / 2.0,
                    y: middle - 1.0,
                    width: SYMBOL_SIZE,
                    height: 2.0,
                    fill: e.color,
                    stroke: None,
                    corner_radius: 0.0,
                    role: Role::LegendSymbol,
                    row: None,
                }),
                SymbolStyle::Filled => symbol_item(
                    &e.shape,
                    cx,
                    middle,
                    e.size,
                    Some(e.color),
                    None,
                    Role::LegendSymbol,
                    None,
                ),
                SymbolStyle::Outlined => symbol_item(
                    &e.shape,
                    cx,
                    middle,
                    e.size,
                    None,
                    Some((e.color, 1.5)),
                    Role::LegendSymbol,
                    None,
                ),
            });
            let lx = x + self.symbol_width + LABEL_OFFSET;
            out.push(Item::Text(text(
                lx,
                middle,
                &e.label,
                LABEL_SIZE,
                false,
                Align::Left,
                Baseline::Middle,
            )));
            top += row;
        }
        out
    }
}

/// The side of the box a symbol of `size` needs.
fn symbol_extent(style: SymbolStyle, size: f64) -> f64 {
    match style {
        SymbolStyle::Square | SymbolStyle::Stroke => SYMBOL_SIZE,
        SymbolStyle::Filled | SymbolStyle::Outlined => size.max(0.0).sqrt() + 1.5,
    }
}

fn title_height(title: &[String]) -> f64 {
    if title.is_empty() {
        0.0
    } else {
        #[allow(clippy::cast_precision_loss)]
        let lines = title.len() as f64;
        lines * TITLE_SIZE + TITLE_PADDING
    }
}

fn title_items(title: &[String], x: f64, y: f64) -> Vec<Item> {
    let mut top = y;
    let mut out = Vec::new();
    for line in title {
        out.push(Item::Text(text(
            x,
            top,
            line,
            TITLE_SIZE,
            true,
            Align::Left,
            Baseline::Top,
        )));
        top += TITLE_SIZE;
    }
    out
}

/// A measured gradient legend (continuous colour) or block legend (binned colour).
#[derive(Clone, Debug, PartialEq)]
pub struct GradientLegend {
    title: Vec<String>,
    /// Colour blocks from the low end up: strips of a continuous ramp, or one per bin.
    blocks: Vec<Color>,
    /// Labels at fractions of the length from the low end.
    labels: Vec<(f64, String)>,
    length: f64,
    width: f64,
}

impl GradientLegend {
    /// Measures a gradient `length` pixels long showing `blocks` (low end first) with
    /// `labels` at fractions 0..1 of its length.
    pub fn new(
        title: &[String],
        blocks: Vec<Color>,
        labels: Vec<(f64, String)>,
        length: f64,
        measure: &dyn TextMeasure,
    ) -> GradientLegend {
        let titles = title
            .iter()
            .map(|t| measure.width(t, TITLE_SIZE, true))
            .fold(0.0, f64::max);
        let label_w = labels
            .iter()
            .map(|(_, l)| measure.width(l, LABEL_SIZE, false))
            .fold(0.0, f64::max);
        GradientLegend {
            title: title.to_vec(),
            blocks,
            labels,
            length,
            width: titles.max(GRADIENT_THICKNESS + GRADIENT_LABEL_OFFSET + label_w),
        }
    }

    /// The width the legend takes, including its offset from the plot.
    pub fn extent(&self) -> f64 {
        LEGEND_OFFSET + self.width
    }

    /// The height of the legend.
    pub fn height(&self) -> f64 {
        title_height(&self.title) + self.length
    }

    /// The legend's items with its top-left corner at `(x, y)` (after the offset).
    pub fn items(&self, x: f64, y: f64) -> Vec<Item> {
        let mut out = title_items(&self.title, x, y);
        let top = y + title_height(&self.title);
        #[allow(clippy::cast_precision_loss)]
        let step = self.length / self.blocks.len().max(1) as f64;
        for (i, c) in self.blocks.iter().enumerate() {
            #[allow(clippy::cast_precision_loss)]
            let y1 = top + self.length - (i + 1) as f64 * step;
            out.push(Item::Rect(Rect {
                x,
                y: y1,
                width: GRADIENT_THICKNESS,
                height: step,
                fill: *c,
                stroke: None,
                corner_radius: 0.0,
                role: Role::LegendSymbol,
                row: None,
            }));
        }
        let half = LABEL_SIZE / 2.0;
        for (f, label) in &self.labels {
            let py = top + self.length * (1.0 - f.clamp(0.0, 1.0));
            // Labels stay within the gradient's ends, as Vega aligns its end labels.
            let py = py.clamp(top + half, (top + self.length - half).max(top + half));
            out.push(Item::Text(text(
                x + GRADIENT_THICKNESS + GRADIENT_LABEL_OFFSET,
                py,
                label,
                LABEL_SIZE,
                false,
                Align::Left,
                Baseline::Middle,
            )));
        }
        out
    }
}

/// Any legend, stacked with the others right of the plot.
#[derive(Clone, Debug, PartialEq)]
pub enum AnyLegend {
    /// Symbols.
    Symbol(Legend),
    /// A gradient or bin blocks.
    Gradient(GradientLegend),
}

impl AnyLegend {
    /// The width the legend takes, including its offset from the plot.
    pub fn extent(&self) -> f64 {
        match self {
            AnyLegend::Symbol(l) => l.extent(),
            AnyLegend::Gradient(l) => l.extent(),
        }
    }

    /// The height of the legend.
    pub fn height(&self) -> f64 {
        match self {
            AnyLegend::Symbol(l) => l.height(),
            AnyLegend::Gradient(l) => l.height(),
        }
    }

    /// The legend's items with its top-left corner at `(x, y)`.
    pub fn items(&self, x: f64, y: f64) -> Vec<Item> {
        match self {
            AnyLegend::Symbol(l) => l.items(x, y),
            AnyLegend::Gradient(l) => l.items(x, y),
        }
    }
}

fn text(x: f64, y: f64, s: &str, size: f64, bold: bool, align: Align, baseline: Baseline) -> Text {
    Text {
        x,
        y,
        text: s.to_string(),
        size,
        bold,
        fill: Color::BLACK,
        align,
        baseline,
        angle: 0.0,
        role: if bold {
            Role::LegendTitle
        } else {
            Role::LegendLabel
        },
    }
}
