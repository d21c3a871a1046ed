//! A symbol legend for a categorical colour scale.
//!
//! Stage: guides. Vega's defaults: an 11px bold title, 10px labels, square symbols for bars,
//! one entry per category in domain order, placed [`LEGEND_OFFSET`] pixels right of the plot.

use crate::layout::TextMeasure;
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

/// A measured legend, ready to place.
#[derive(Clone, Debug, PartialEq)]
pub struct Legend {
    title: Vec<String>,
    entries: Vec<(String, Color)>,
    width: f64,
}

impl Legend {
    /// Measures a legend with `title` lines and `(label, colour)` entries.
    pub fn new(
        title: &[String],
        entries: Vec<(String, Color)>,
        measure: &dyn TextMeasure,
    ) -> Legend {
        let titles = title
            .iter()
            .map(|t| measure.width(t, TITLE_SIZE, true))
            .fold(0.0, f64::max);
        let labels = entries
            .iter()
            .map(|(l, _)| SYMBOL_SIZE + LABEL_OFFSET + measure.width(l, LABEL_SIZE, false))
            .fold(0.0, f64::max);
        Legend {
            title: title.to_vec(),
            entries,
            width: titles.max(labels),
        }
    }

    /// The width the legend takes, including its offset from the plot.
    pub fn extent(&self) -> f64 {
        LEGEND_OFFSET + self.width
    }

    /// The height of the legend.
    pub fn height(&self) -> f64 {
        #[allow(clippy::cast_precision_loss)]
        let (t, n) = (self.title.len() as f64, self.entries.len() as f64);
        let title = if t > 0.0 {
            t * TITLE_SIZE + TITLE_PADDING
        } else {
            0.0
        };
        title + n * ROW_HEIGHT
    }

    /// The legend's items with its top-left corner at `(x, y)` (after the offset).
    pub fn items(&self, x: f64, y: f64) -> Vec<Item> {
        let mut out = Vec::new();
        let mut top = y;
        for line in &self.title {
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
        if !self.title.is_empty() {
            top += TITLE_PADDING;
        }
        for (label, color) in &self.entries {
            let middle = top + ROW_HEIGHT / 2.0;
            out.push(Item::Rect(Rect {
                x,
                y: middle - SYMBOL_SIZE / 2.0,
                width: SYMBOL_SIZE,
                height: SYMBOL_SIZE,
                fill: *color,
                stroke: None,
                corner_radius: 0.0,
                role: Role::LegendSymbol,
                row: None,
            }));
            let lx = x + SYMBOL_SIZE + LABEL_OFFSET;
            out.push(Item::Text(text(
                lx,
                middle,
                label,
                LABEL_SIZE,
                false,
                Align::Left,
                Baseline::Middle,
            )));
            top += ROW_HEIGHT;
        }
        out
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
