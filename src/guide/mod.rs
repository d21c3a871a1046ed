//! Stage 7: guides (axes and the chart title) as scene items.
//!
//! Guides are built in two steps so layout can size the chart first: building a guide
//! measures its text and reports its `extent` (the thickness it needs outside the plot);
//! `items(origin)` then places it. Defaults follow Vega's axis and title config (label size
//! 10, title size 11 bold, tick size 5, label padding 2, title padding 4; `#888` domain and
//! ticks, `#ddd` grid).

pub mod axis;
pub mod legend;
pub mod title;

pub use axis::{Axis, Orient};
pub use legend::Legend;
pub use title::ChartTitle;

use crate::scene::{Item, Path, Rect, Rule, Symbol, Text};

/// Moves items by `(dx, dy)`.
pub fn translate(items: &mut [Item], dx: f64, dy: f64) {
    for item in items {
        match item {
            Item::Rect(Rect { x, y, .. }) | Item::Text(Text { x, y, .. }) => {
                *x += dx;
                *y += dy;
            }
            Item::Rule(Rule { x1, y1, x2, y2, .. }) => {
                *x1 += dx;
                *x2 += dx;
                *y1 += dy;
                *y2 += dy;
            }
            Item::Symbol(Symbol { x, y, .. }) => {
                *x += dx;
                *y += dy;
            }
            Item::Path(Path { points, .. }) => {
                for (x, y) in points {
                    *x += dx;
                    *y += dy;
                }
            }
        }
    }
}
