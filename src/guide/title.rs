//! The chart title and subtitle.
//!
//! Stage: guides. Vega's title defaults: 13px bold title, 10px subtitle 3px below it, centred
//! over the plot, with a gap of [`TITLE_OFFSET`] above the plot.

use crate::layout::TextMeasure;
use crate::scene::{Align, Baseline, Color, Item, Role, Text};
use crate::spec::TitleSpec;

/// Title font size.
pub const TITLE_SIZE: f64 = 13.0;
/// Subtitle font size.
pub const SUBTITLE_SIZE: f64 = 10.0;
/// Gap between title and subtitle.
pub const SUBTITLE_PADDING: f64 = 3.0;
/// Gap between the title block and the plot (and its top axis).
pub const TITLE_OFFSET: f64 = 10.0;

/// A measured chart title.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartTitle {
    spec: TitleSpec,
    width: f64,
}

impl ChartTitle {
    /// Measures `spec`.
    pub fn new(spec: &TitleSpec, measure: &dyn TextMeasure) -> ChartTitle {
        let widest = |lines: &[String], size: f64, bold: bool| {
            lines
                .iter()
                .map(|l| measure.width(l, size, bold))
                .fold(0.0, f64::max)
        };
        let width =
            widest(&spec.text, TITLE_SIZE, true).max(widest(&spec.subtitle, SUBTITLE_SIZE, false));
        ChartTitle {
            spec: spec.clone(),
            width,
        }
    }

    /// The widest line, in pixels.
    pub fn width(&self) -> f64 {
        self.width
    }

    /// The height taken above the plot, including the offset.
    pub fn extent(&self) -> f64 {
        #[allow(clippy::cast_precision_loss)]
        let (t, s) = (self.spec.text.len() as f64, self.spec.subtitle.len() as f64);
        if t + s == 0.0 {
            return 0.0;
        }
        let sub = if s > 0.0 {
            SUBTITLE_PADDING + s * SUBTITLE_SIZE
        } else {
            0.0
        };
        t * TITLE_SIZE + sub + TITLE_OFFSET
    }

    /// The title's text items, centred on `center_x`, starting at `top`.
    pub fn items(&self, center_x: f64, top: f64) -> Vec<Item> {
        let mut out = Vec::new();
        let mut y = top;
        let lines = self
            .spec
            .text
            .iter()
            .map(|l| (l, TITLE_SIZE, true, Role::Title))
            .chain(
                self.spec
                    .subtitle
                    .iter()
                    .map(|l| (l, SUBTITLE_SIZE, false, Role::Subtitle)),
            );
        let mut first_sub = true;
        for (line, size, bold, role) in lines {
            if role == Role::Subtitle && first_sub {
                y += SUBTITLE_PADDING;
                first_sub = false;
            }
            out.push(Item::Text(Text {
                x: center_x,
                y,
                text: line.clone(),
                size,
                bold,
                fill: Color::BLACK,
                align: Align::Center,
                baseline: Baseline::Top,
                angle: 0.0,
                role,
            }));
            y += size;
        }
        out
    }
}
