//! The plot frame of a drawn chart: where the plot sits and the scales that placed its marks.
//!
//! Stage: interact. [`Chart::layout`](crate::Chart::layout) returns a [`Frame`] beside the
//! scene, so pointer positions can be turned back into data values (brushes, zoom, legend
//! entries) without laying the chart out again. Scales bound to a selection
//! (`bind: "scales"`) are zoomed here: [`zoomed`] replaces a scale's domain by the
//! selection's range, without `nice`, as Vega-Lite does, and [`clip_marks`] keeps the marks
//! inside the plot.

use crate::data::Value;
use crate::layout::PositionScale;
use crate::scale::LinearScale;
use crate::scene::{Item, Role};

/// A position channel of the frame: the source field it encodes and its scale.
#[derive(Clone, Debug, PartialEq)]
pub struct FrameAxis {
    /// The source field (`delay` for a binned `delay`).
    pub field: String,
    /// The scale, in plot coordinates (origin at the plot's top left).
    pub scale: PositionScale,
}

/// Where the plot is and how it maps data.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Frame {
    /// The plot's left edge in chart coordinates (CSS pixels).
    pub left: f64,
    /// The plot's top edge.
    pub top: f64,
    /// The plot's width.
    pub width: f64,
    /// The plot's height.
    pub height: f64,
    /// The x channel.
    pub x: Option<FrameAxis>,
    /// The y channel.
    pub y: Option<FrameAxis>,
    /// The colour channel's source field and its legend values, in legend order.
    pub color: Option<(String, Vec<Value>)>,
}

impl Frame {
    /// Whether chart point `(x, y)` is inside the plot.
    pub fn contains(&self, x: f64, y: f64) -> bool {
        x >= self.left
            && x <= self.left + self.width
            && y >= self.top
            && y <= self.top + self.height
    }

    /// The axis of channel `"x"` or `"y"`.
    pub fn axis(&self, channel: &str) -> Option<&FrameAxis> {
        match channel {
            "x" => self.x.as_ref(),
            "y" => self.y.as_ref(),
            _ => None,
        }
    }

    /// The plot offset along a channel (`left` for x, `top` for y).
    pub fn offset(&self, channel: &str) -> f64 {
        if channel == "y" {
            self.top
        } else {
            self.left
        }
    }
}

/// `scale` with its domain replaced by `domain` (a zoom), for continuous scales; discrete
/// scales are returned as they are.
pub fn zoomed(scale: PositionScale, domain: Option<[f64; 2]>) -> PositionScale {
    let Some(d) = domain else {
        return scale;
    };
    match scale {
        PositionScale::Linear(s) => PositionScale::Linear(LinearScale::new(d, s.range())),
        PositionScale::Time(s) => PositionScale::Time(LinearScale::new(d, s.range())),
        band @ PositionScale::Band { .. } => band,
    }
}

/// Drops mark items outside a `width` x `height` plot (origin at 0, 0) and cuts rectangles to
/// it: zoomed scales place marks beyond the plot, which must not draw over the axes.
pub fn clip_marks(items: &mut Vec<Item>, width: f64, height: f64) {
    let inside = |x: f64, y: f64| x >= 0.0 && x <= width && y >= 0.0 && y <= height;
    items.retain_mut(|item| match item {
        Item::Rect(r) if matches!(r.role, Role::Mark(_)) => {
            let (x0, y0) = (r.x.max(0.0), r.y.max(0.0));
            let (x1, y1) = ((r.x + r.width).min(width), (r.y + r.height).min(height));
            if x1 <= x0 && r.width > 0.0 || y1 <= y0 && r.height > 0.0 {
                return false;
            }
            r.x = x0;
            r.y = y0;
            r.width = (x1 - x0).max(0.0);
            r.height = (y1 - y0).max(0.0);
            true
        }
        Item::Symbol(s) if matches!(s.role, Role::Mark(_)) => inside(s.x, s.y),
        Item::Rule(r) if matches!(r.role, Role::Mark(_)) => {
            inside(r.x1, r.y1) || inside(r.x2, r.y2)
        }
        Item::Text(t) if matches!(t.role, Role::Mark(_)) => inside(t.x, t.y),
        Item::Path(p) if matches!(p.role, Role::Mark(_)) => {
            p.points.retain(|&(x, y)| inside(x, y));
            !p.points.is_empty()
        }
        _ => true,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::{Color, Rect, Shape, Symbol};

    #[test]
    fn zoom_replaces_a_continuous_domain_without_nice() {
        let s = PositionScale::Linear(LinearScale::new([0.0, 97.0], [0.0, 100.0]).nice(10.0));
        let PositionScale::Linear(z) = zoomed(s, Some([10.0, 20.0])) else {
            panic!("not linear")
        };
        assert_eq!(z.domain(), [10.0, 20.0]);
        assert_eq!(z.map(15.0), 50.0);
    }

    #[test]
    fn marks_outside_the_plot_are_dropped_or_cut() {
        let rect = |x: f64| {
            Item::Rect(Rect {
                x,
                y: 0.0,
                width: 20.0,
                height: 10.0,
                fill: Color::BLACK,
                stroke: None,
                corner_radius: 0.0,
                role: Role::Mark(0),
                row: Some(0),
            })
        };
        let dot = |x: f64| {
            Item::Symbol(Symbol {
                x,
                y: 5.0,
                size: 30.0,
                shape: Shape::Circle,
                fill: None,
                stroke: None,
                role: Role::Mark(0),
                row: Some(1),
            })
        };
        let mut items = vec![rect(-30.0), rect(90.0), dot(50.0), dot(150.0)];
        clip_marks(&mut items, 100.0, 50.0);
        assert_eq!(items.len(), 2);
        let Item::Rect(r) = &items[0] else {
            panic!("{items:?}")
        };
        assert_eq!((r.x, r.width), (90.0, 10.0));
    }
}
