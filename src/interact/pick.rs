//! Hit testing: which mark item, and so which data row, is under a point.
//!
//! Stage: interact. Items are tested in reverse paint order (the topmost wins). Thin items get
//! a minimum target of [`MIN_TARGET`] pixels, so 1px ticks and small points can be hovered and
//! tapped. Guides (axes, legends, titles) are never hits.

use crate::scene::{Item, Role, Scene, Shape};

/// The smallest hit target, in CSS pixels (a fingertip needs more, but marks sit close).
pub const MIN_TARGET: f64 = 6.0;

/// A mark item under the pointer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    /// The mark (unit, layer) index.
    pub mark: u16,
    /// The row of that mark's data.
    pub row: u32,
}

/// The topmost mark item at `(x, y)` (CSS pixels, chart origin), if any.
///
/// ```
/// use storychart::{interact::pick, Chart, FixedMetrics, SceneOptions};
/// let chart = Chart::from_spec(r#"{"data": {"values": [{"a": "A", "b": 3}]}, "mark": "bar",
///     "encoding": {"x": {"field": "a"}, "y": {"field": "b", "type": "quantitative"}}}"#).unwrap();
/// let scene = chart.scene(&SceneOptions::default(), &FixedMetrics).unwrap();
/// let bar = scene.mark_rects(0).next().unwrap().clone();
/// let (cx, cy) = bar.center();
/// assert_eq!(pick(&scene, cx, cy).map(|h| h.row), Some(0));
/// assert_eq!(pick(&scene, 0.0, 0.0), None);
/// ```
pub fn pick(scene: &Scene, x: f64, y: f64) -> Option<Hit> {
    pick_item(scene, x, y).map(|(hit, _)| hit)
}

/// The outline of the topmost mark item at `(x, y)`, for a hover highlight: `[0, x, y, width,
/// height]` for a rectangle, `[1, cx, cy, radius, 0]` for a symbol.
pub fn pick_shape(scene: &Scene, x: f64, y: f64) -> Option<[f64; 5]> {
    match pick_item(scene, x, y)?.1 {
        item @ (Item::Rect(_) | Item::Symbol(_)) => item_shape(item),
        _ => None,
    }
}

/// The highlight outline of a mark item: `[0, x, y, width, height]` for a rectangle or the
/// bounding box of a closed path (a wedge, a shape), `[1, cx, cy, radius, 0]` for a symbol.
pub fn item_shape(item: &Item) -> Option<[f64; 5]> {
    match item {
        Item::Rect(r) => Some([0.0, r.x, r.y, r.width, r.height]),
        Item::Symbol(s) => {
            let r = match s.shape {
                Shape::Circle => (s.size / std::f64::consts::PI).sqrt(),
                Shape::Square => s.size.sqrt() / 2.0,
            };
            Some([1.0, s.x, s.y, r, 0.0])
        }
        Item::Path(p) if p.closed => {
            let mut b = [
                f64::INFINITY,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::NEG_INFINITY,
            ];
            for (px, py) in &p.points {
                b = [b[0].min(*px), b[1].min(*py), b[2].max(*px), b[3].max(*py)];
            }
            b[0].is_finite()
                .then_some([0.0, b[0], b[1], b[2] - b[0], b[3] - b[1]])
        }
        _ => None,
    }
}

/// The topmost mark item at `(x, y)` and its hit.
pub fn pick_item(scene: &Scene, x: f64, y: f64) -> Option<(Hit, &Item)> {
    if !(x.is_finite() && y.is_finite()) {
        return None;
    }
    scene.items.iter().rev().find_map(|item| match item {
        Item::Rect(r) => {
            let (Role::Mark(mark), Some(row)) = (r.role, r.row) else {
                return None;
            };
            let pad_x = ((MIN_TARGET - r.width) / 2.0).max(0.0);
            let pad_y = ((MIN_TARGET - r.height) / 2.0).max(0.0);
            let inside = x >= r.x - pad_x
                && x <= r.x + r.width + pad_x
                && y >= r.y - pad_y
                && y <= r.y + r.height + pad_y;
            inside.then_some((Hit { mark, row }, item))
        }
        Item::Symbol(s) => {
            let (Role::Mark(mark), Some(row)) = (s.role, s.row) else {
                return None;
            };
            let reach = match s.shape {
                Shape::Circle => (s.size / std::f64::consts::PI).sqrt(),
                Shape::Square => s.size.sqrt() / 2.0,
            }
            .max(MIN_TARGET / 2.0);
            let inside = match s.shape {
                Shape::Circle => (x - s.x).hypot(y - s.y) <= reach,
                Shape::Square => (x - s.x).abs() <= reach && (y - s.y).abs() <= reach,
            };
            inside.then_some((Hit { mark, row }, item))
        }
        Item::Path(p) => {
            let (Role::Mark(mark), Some(row), true) = (p.role, p.row, p.closed) else {
                return None;
            };
            inside_polygon(&p.points, x, y).then_some((Hit { mark, row }, item))
        }
        Item::Rule(_) | Item::Text(_) => None,
    })
}

/// Whether `(x, y)` is inside the closed polygon `points` (even-odd rule, as canvas fills).
fn inside_polygon(points: &[(f64, f64)], x: f64, y: f64) -> bool {
    let mut inside = false;
    let mut prev = match points.last() {
        Some(p) => *p,
        None => return false,
    };
    for &(px, py) in points {
        let (qx, qy) = prev;
        if (py > y) != (qy > y) && x < (qx - px) * (y - py) / (qy - py) + px {
            inside = !inside;
        }
        prev = (px, py);
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::{Color, Rect, Symbol};

    fn rect(x: f64, width: f64, row: u32) -> Item {
        Item::Rect(Rect {
            x,
            y: 0.0,
            width,
            height: 10.0,
            fill: Color::BLACK,
            stroke: None,
            corner_radius: 0.0,
            role: Role::Mark(0),
            row: Some(row),
        })
    }

    #[test]
    fn the_topmost_item_wins_and_thin_items_get_a_target() {
        let scene = Scene {
            items: vec![
                rect(0.0, 20.0, 0),
                rect(10.0, 20.0, 1),
                rect(50.0, 1.0, 2),
                Item::Symbol(Symbol {
                    x: 100.0,
                    y: 5.0,
                    size: 30.0,
                    shape: Shape::Circle,
                    fill: None,
                    stroke: None,
                    role: Role::Mark(1),
                    row: Some(7),
                }),
            ],
            ..Scene::default()
        };
        assert_eq!(pick(&scene, 15.0, 5.0), Some(Hit { mark: 0, row: 1 }));
        assert_eq!(pick(&scene, 5.0, 5.0), Some(Hit { mark: 0, row: 0 }));
        assert_eq!(pick(&scene, 52.0, 5.0), Some(Hit { mark: 0, row: 2 }));
        assert_eq!(pick(&scene, 102.0, 6.0), Some(Hit { mark: 1, row: 7 }));
        assert_eq!(pick(&scene, 40.0, 5.0), None);
        assert_eq!(pick(&scene, f64::NAN, 5.0), None);
    }

    #[test]
    fn closed_mark_paths_are_picked_inside_their_outline() {
        let wedge = crate::mark::arc::wedge((50.0, 50.0), 0.0, 40.0, 0.0, 1.5, 0.0);
        let scene = Scene {
            items: vec![Item::Path(crate::scene::Path {
                points: wedge,
                closed: true,
                fill: Some(Color::BLACK),
                stroke: None,
                role: Role::Mark(0),
                row: Some(3),
            })],
            ..Scene::default()
        };
        assert_eq!(pick(&scene, 70.0, 40.0), Some(Hit { mark: 0, row: 3 }));
        assert_eq!(pick(&scene, 30.0, 40.0), None);
        assert_eq!(pick(&scene, 50.0, 5.0), None);
    }
}
