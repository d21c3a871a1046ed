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
    hover_shape(pick_item(scene, x, y)?.1)
}

/// The hover outline of a picked item: rectangles and symbols only (a wedge under the pointer
/// is not outlined).
fn hover_shape(item: &Item) -> Option<[f64; 5]> {
    match item {
        Item::Rect(_) | Item::Symbol(_) => item_shape(item),
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
        Item::Path(p) if p.closed => p
            .extent()
            .map(|[x0, y0, x1, y1]| [0.0, x0, y0, x1 - x0, y1 - y0]),
        _ => None,
    }
}

/// The topmost mark item at `(x, y)` and its hit.
pub fn pick_item(scene: &Scene, x: f64, y: f64) -> Option<(Hit, &Item)> {
    if !(x.is_finite() && y.is_finite()) {
        return None;
    }
    scene
        .items
        .iter()
        .rev()
        .find_map(|item| hit(item, x, y).map(|h| (h, item)))
}

/// The reach of a symbol's hit target.
fn reach(s: &crate::scene::Symbol) -> f64 {
    match s.shape {
        Shape::Circle => (s.size / std::f64::consts::PI).sqrt(),
        Shape::Square => s.size.sqrt() / 2.0,
    }
    .max(MIN_TARGET / 2.0)
}

/// The hit of `item` at `(x, y)`, if the point is on it.
fn hit(item: &Item, x: f64, y: f64) -> Option<Hit> {
    match item {
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
            inside.then_some(Hit { mark, row })
        }
        Item::Symbol(s) => {
            let (Role::Mark(mark), Some(row)) = (s.role, s.row) else {
                return None;
            };
            let reach = reach(s);
            let inside = match s.shape {
                Shape::Circle => (x - s.x).hypot(y - s.y) <= reach,
                Shape::Square => (x - s.x).abs() <= reach && (y - s.y).abs() <= reach,
            };
            inside.then_some(Hit { mark, row })
        }
        Item::Path(p) => {
            let (Role::Mark(mark), Some(row), true) = (p.role, p.row, p.closed) else {
                return None;
            };
            inside_polygon(&p.points, x, y).then_some(Hit { mark, row })
        }
        Item::Rule(_) | Item::Text(_) => None,
    }
}

/// A box `[x0, y0, x1, y1]` holding every point [`hit`] accepts for `item`; `None` when the item
/// is never a hit. A box with a non-finite side means "test it everywhere".
fn hit_box(item: &Item) -> Option<[f64; 4]> {
    match item {
        Item::Rect(r) => {
            r.row?;
            matches!(r.role, Role::Mark(_)).then_some(())?;
            let pad_x = ((MIN_TARGET - r.width) / 2.0).max(0.0);
            let pad_y = ((MIN_TARGET - r.height) / 2.0).max(0.0);
            let (a, b) = (r.x - pad_x, r.x + r.width + pad_x);
            let (c, d) = (r.y - pad_y, r.y + r.height + pad_y);
            Some([a.min(b), c.min(d), a.max(b), c.max(d)])
        }
        Item::Symbol(s) => {
            s.row?;
            matches!(s.role, Role::Mark(_)).then_some(())?;
            let k = reach(s);
            Some([s.x - k, s.y - k, s.x + k, s.y + k])
        }
        Item::Path(p) => {
            p.row?;
            (matches!(p.role, Role::Mark(_)) && p.closed).then_some(())?;
            p.extent()
        }
        Item::Rule(_) | Item::Text(_) => None,
    }
}

/// A uniform grid over a scene's area listing, per cell, the mark items whose hit target
/// reaches into it (in paint order): hovering a 100,000-point scatter tests the few items of
/// one cell instead of all of them. [`PickIndex::pick_item`] equals [`pick_item`].
#[derive(Clone, Debug, Default)]
pub struct PickIndex {
    width: f64,
    height: f64,
    cols: usize,
    rows: usize,
    cells: Vec<Vec<u32>>,
    /// Items to test everywhere (a non-finite hit box).
    always: Vec<u32>,
}

/// The cell size in CSS pixels.
const CELL: f64 = 16.0;

impl PickIndex {
    /// Indexes the mark items of `scene`.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    pub fn new(scene: &Scene) -> PickIndex {
        let (width, height) = (scene.width.max(0.0), scene.height.max(0.0));
        let cols = ((width / CELL).ceil() as usize).clamp(1, 4096);
        let rows = ((height / CELL).ceil() as usize).clamp(1, 4096);
        let mut index = PickIndex {
            width,
            height,
            cols,
            rows,
            cells: vec![Vec::new(); cols * rows],
            always: Vec::new(),
        };
        for (i, item) in scene.items.iter().enumerate() {
            let Some(b) = hit_box(item) else {
                continue;
            };
            let Ok(i) = u32::try_from(i) else {
                continue;
            };
            if !b.iter().all(|v| v.is_finite()) {
                index.always.push(i);
                continue;
            }
            let (c0, c1) = (index.col(b[0]), index.col(b[2]));
            let (r0, r1) = (index.row(b[1]), index.row(b[3]));
            for r in r0..=r1 {
                for c in c0..=c1 {
                    if let Some(cell) = index.cells.get_mut(r * cols + c) {
                        cell.push(i);
                    }
                }
            }
        }
        index
    }

    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    fn col(&self, x: f64) -> usize {
        ((x / CELL).floor().max(0.0) as usize).min(self.cols - 1)
    }

    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    fn row(&self, y: f64) -> usize {
        ((y / CELL).floor().max(0.0) as usize).min(self.rows - 1)
    }

    /// The topmost mark item of `scene` (the scene indexed) at `(x, y)` and its hit.
    pub fn pick_item<'s>(&self, scene: &'s Scene, x: f64, y: f64) -> Option<(Hit, &'s Item)> {
        if !(x.is_finite() && y.is_finite()) {
            return None;
        }
        if !(0.0..=self.width).contains(&x) || !(0.0..=self.height).contains(&y) {
            return pick_item(scene, x, y);
        }
        let first = |list: &[u32]| {
            list.iter().rev().find_map(|i| {
                let item = scene.items.get(*i as usize)?;
                hit(item, x, y).map(|h| (*i, h, item))
            })
        };
        let cell = self
            .cells
            .get(self.row(y) * self.cols + self.col(x))
            .map_or(&[][..], Vec::as_slice);
        match (first(cell), first(&self.always)) {
            (Some(a), Some(b)) => Some(if a.0 > b.0 { (a.1, a.2) } else { (b.1, b.2) }),
            (Some(a), None) | (None, Some(a)) => Some((a.1, a.2)),
            (None, None) => None,
        }
    }

    /// [`pick_shape`] through the index.
    pub fn pick_shape(&self, scene: &Scene, x: f64, y: f64) -> Option<[f64; 5]> {
        hover_shape(self.pick_item(scene, x, y)?.1)
    }
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

    /// Random scenes (overlapping rects of any sign and thinness, symbols, a wedge, items past
    /// the edges, a NaN rect) and random points in and around them: the index picks what the
    /// linear scan picks.
    #[test]
    fn the_grid_index_picks_what_the_linear_scan_picks() {
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move |n: f64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % 1_000_000) as f64 / 1_000_000.0 * n
        };
        for case in 0..20 {
            let mut items = Vec::new();
            for i in 0..300u32 {
                items.push(if i % 3 == 0 {
                    Item::Symbol(Symbol {
                        x: next(260.0) - 30.0,
                        y: next(160.0) - 30.0,
                        size: next(400.0),
                        shape: if i % 2 == 0 {
                            Shape::Circle
                        } else {
                            Shape::Square
                        },
                        fill: None,
                        stroke: None,
                        role: Role::Mark(1),
                        row: Some(i),
                    })
                } else {
                    let mut r = rect(next(260.0) - 30.0, next(60.0) - 10.0, i);
                    if let Item::Rect(r) = &mut r {
                        r.y = next(160.0) - 30.0;
                        r.height = next(40.0) - 5.0;
                    }
                    r
                });
            }
            items.push(rect(f64::NAN, 5.0, 999));
            items.push(Item::Path(crate::scene::Path {
                points: crate::mark::arc::wedge((100.0, 60.0), 0.0, 40.0, 0.0, 2.0, 0.0),
                closed: true,
                fill: Some(Color::BLACK),
                stroke: None,
                role: Role::Mark(2),
                row: Some(1000),
            }));
            let scene = Scene {
                items,
                width: 200.0 + f64::from(case),
                height: 100.0,
                ..Scene::default()
            };
            let index = PickIndex::new(&scene);
            for _ in 0..400 {
                let (x, y) = (next(280.0) - 40.0, next(180.0) - 40.0);
                assert_eq!(
                    index.pick_item(&scene, x, y).map(|h| h.0),
                    pick(&scene, x, y),
                    "case {case} at ({x}, {y})"
                );
            }
        }
    }
}
