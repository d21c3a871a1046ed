//! The boxes text items cover, for layout checks (no label overlaps another, none leaves the
//! chart) natively and in the browser.
//!
//! Stage: scene (read back). A text's box is its measured advance width by its font size (the
//! em box), placed by its alignment and baseline, rotated about its anchor and bounded again
//! on the axes. Never panics.

use super::{Align, Baseline, Item, Scene, Text};

/// An axis-aligned box in CSS pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounds {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

impl Bounds {
    /// Whether the two boxes share more than `tolerance` pixels in both directions.
    pub fn overlaps(&self, other: &Bounds, tolerance: f64) -> bool {
        let dx = (self.x + self.width).min(other.x + other.width) - self.x.max(other.x);
        let dy = (self.y + self.height).min(other.y + other.height) - self.y.max(other.y);
        dx > tolerance && dy > tolerance
    }
}

/// The box `text` covers when its advance width is `width`.
pub fn text_bounds(text: &Text, width: f64) -> Bounds {
    let size = text.size;
    let left = match text.align {
        Align::Left => 0.0,
        Align::Center => -width / 2.0,
        Align::Right => -width,
    };
    // The em box: ascent 0.79em and descent 0.21em around the alphabetic baseline (as the SVG
    // back end places baselines).
    let top = match text.baseline {
        Baseline::Top => 0.0,
        Baseline::Middle => -size / 2.0,
        Baseline::Alphabetic => -0.79 * size,
        Baseline::Bottom => -size,
    };
    let (sin, cos) = text.angle.to_radians().sin_cos();
    let corners = [
        (left, top),
        (left + width, top),
        (left, top + size),
        (left + width, top + size),
    ];
    let mut min = (f64::INFINITY, f64::INFINITY);
    let mut max = (f64::NEG_INFINITY, f64::NEG_INFINITY);
    for (cx, cy) in corners {
        let x = text.x + cx * cos - cy * sin;
        let y = text.y + cx * sin + cy * cos;
        min = (min.0.min(x), min.1.min(y));
        max = (max.0.max(x), max.1.max(y));
    }
    Bounds {
        x: min.0,
        y: min.1,
        width: max.0 - min.0,
        height: max.1 - min.1,
    }
}

impl super::Path {
    /// The box `[x0, y0, x1, y1]` around the vertices; `None` without any.
    pub fn extent(&self) -> Option<[f64; 4]> {
        let mut b = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for &(x, y) in &self.points {
            b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
        }
        b[0].is_finite().then_some(b)
    }
}

impl Scene {
    /// The text items in paint order.
    pub fn texts(&self) -> impl Iterator<Item = &Text> {
        self.items.iter().filter_map(|i| match i {
            Item::Text(t) => Some(t),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::{Color, Role};

    fn text(align: Align, baseline: Baseline, angle: f64) -> Text {
        Text {
            x: 100.0,
            y: 50.0,
            text: "label".into(),
            size: 10.0,
            bold: false,
            fill: Color::parse("black").unwrap(),
            align,
            baseline,
            angle,
            role: Role::Background,
        }
    }

    fn close(b: Bounds, want: [f64; 4]) {
        let got = [b.x, b.y, b.width, b.height];
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-9, "{got:?} != {want:?}");
        }
    }

    #[test]
    fn alignment_and_baseline_place_the_box() {
        close(
            text_bounds(&text(Align::Left, Baseline::Top, 0.0), 30.0),
            [100.0, 50.0, 30.0, 10.0],
        );
        close(
            text_bounds(&text(Align::Center, Baseline::Middle, 0.0), 30.0),
            [85.0, 45.0, 30.0, 10.0],
        );
        close(
            text_bounds(&text(Align::Right, Baseline::Bottom, 0.0), 30.0),
            [70.0, 40.0, 30.0, 10.0],
        );
        close(
            text_bounds(&text(Align::Left, Baseline::Alphabetic, 0.0), 30.0),
            [100.0, 42.1, 30.0, 10.0],
        );
    }

    #[test]
    fn a_label_turned_by_minus_90_degrees_runs_upward() {
        // Right-aligned, middle baseline, -90°: the text ends at the anchor and rises above it.
        let b = text_bounds(&text(Align::Right, Baseline::Middle, -90.0), 30.0);
        close(b, [95.0, 50.0, 10.0, 30.0]);
    }

    #[test]
    fn overlap_needs_both_directions() {
        let a = Bounds {
            x: 0.0,
            y: 0.0,
            width: 10.0,
            height: 10.0,
        };
        let b = Bounds {
            x: 9.0,
            y: 20.0,
            width: 10.0,
            height: 10.0,
        };
        let c = Bounds {
            x: 9.0,
            y: 5.0,
            width: 10.0,
            height: 10.0,
        };
        assert!(!a.overlaps(&b, 0.5));
        assert!(a.overlaps(&c, 0.5));
        assert!(!a.overlaps(&c, 1.0));
    }
}
