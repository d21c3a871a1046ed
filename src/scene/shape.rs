//! Vega's symbol shapes as scene items: circles and squares as [`Symbol`]s, the others
//! (`cross`, `diamond`, `triangle-up`, ...) as closed polygons with Vega's geometry
//! (vega-scenegraph `path/symbols.js`), so every renderer draws them without new primitives.
//!
//! Stage: scene. Unknown shape names draw as circles, as Vega falls back to its default.

use super::{Color, Item, Path, Role, Shape, Symbol};

/// One symbol of Vega's `shape` named `shape`, centred on `(x, y)` with area-like `size`.
#[allow(clippy::too_many_arguments)]
pub fn symbol_item(
    shape: &str,
    x: f64,
    y: f64,
    size: f64,
    fill: Option<Color>,
    stroke: Option<(Color, f64)>,
    role: Role,
    row: Option<u32>,
) -> Item {
    let r = size.max(0.0).sqrt() / 2.0;
    let h = 3f64.sqrt() / 2.0 * r;
    let s = r / 2.5;
    let points: Vec<(f64, f64)> = match shape {
        "square" | "circle" => Vec::new(),
        "diamond" => vec![(-r, 0.0), (0.0, -r), (r, 0.0), (0.0, r)],
        "triangle-up" | "triangle" => vec![(0.0, -h), (-r, h), (r, h)],
        "triangle-down" => vec![(0.0, h), (-r, -h), (r, -h)],
        "triangle-right" => vec![(h, 0.0), (-h, -r), (-h, r)],
        "triangle-left" => vec![(-h, 0.0), (h, -r), (h, r)],
        "cross" => vec![
            (-r, -s),
            (-r, s),
            (-s, s),
            (-s, r),
            (s, r),
            (s, s),
            (r, s),
            (r, -s),
            (s, -s),
            (s, -r),
            (-s, -r),
            (-s, -s),
        ],
        _ => Vec::new(),
    };
    if points.is_empty() {
        return Item::Symbol(Symbol {
            x,
            y,
            size,
            shape: if shape == "square" {
                Shape::Square
            } else {
                Shape::Circle
            },
            fill,
            stroke,
            role,
            row,
        });
    }
    Item::Path(Path {
        points: points
            .into_iter()
            .map(|(px, py)| (x + px, y + py))
            .collect(),
        closed: true,
        fill,
        stroke,
        role,
        row,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_follow_vega_geometry() {
        let item = symbol_item(
            "diamond",
            10.0,
            10.0,
            16.0,
            None,
            None,
            Role::LegendSymbol,
            None,
        );
        let Item::Path(p) = item else {
            panic!("a path")
        };
        assert_eq!(
            p.points,
            vec![(8.0, 10.0), (10.0, 8.0), (12.0, 10.0), (10.0, 12.0)]
        );
        let item = symbol_item(
            "square",
            0.0,
            0.0,
            16.0,
            None,
            None,
            Role::LegendSymbol,
            None,
        );
        assert!(matches!(
            item,
            Item::Symbol(Symbol {
                shape: Shape::Square,
                ..
            })
        ));
    }
}
