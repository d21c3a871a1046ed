//! Point marks (`point`, `circle`, `square`): one symbol per row at its x/y centre.
//!
//! Stage: marks. Vega-Lite's defaults: area 30 px², `point` hollow with a 2px stroke,
//! `circle` and `square` filled; rows without a valid position draw nothing.

use super::position::center;
use super::MarkInput;
use crate::error::{Error, Result};
use crate::scene::shape::symbol_item;
use crate::scene::{Color, Item, Role, Shape, Symbol};
use crate::spec::{MarkKind, MarkProps};

/// Vega-Lite's default symbol area.
pub const DEFAULT_SIZE: f64 = 30.0;

/// The symbols of a point mark.
pub fn symbols(input: &MarkInput<'_>) -> Result<Vec<Item>> {
    let MarkInput {
        kind,
        table,
        encoding,
        props,
        plot,
        mark,
        ..
    } = *input;
    let base = mark_color(props)?;
    let shape = if kind == MarkKind::Square {
        Shape::Square
    } else {
        Shape::Circle
    };
    let mut out = Vec::new();
    for row in super::draw_order(table, encoding)? {
        let (Some(x), Some(y)) = (
            center(table, encoding.x.as_ref(), row, plot.0)?,
            center(table, encoding.y.as_ref(), row, plot.1)?,
        ) else {
            continue;
        };
        let color = encoding.color(row, base);
        let (fill, stroke) = if props.filled {
            (Some(color), None)
        } else {
            (None, Some((color, props.stroke_width.unwrap_or(2.0))))
        };
        let styles = encoding.styles;
        let size = styles
            .and_then(|s| s.size(row))
            .unwrap_or(props.size.unwrap_or(DEFAULT_SIZE));
        match styles.and_then(|s| s.shape(row)) {
            // A shape channel: Vega's symbol of that name.
            Some(name) => out.push(symbol_item(
                name,
                x,
                y,
                size,
                fill,
                stroke,
                Role::Mark(mark),
                u32::try_from(row).ok(),
            )),
            None => out.push(Item::Symbol(Symbol {
                x,
                y,
                size,
                shape,
                fill,
                stroke,
                role: Role::Mark(mark),
                row: u32::try_from(row).ok(),
            })),
        }
    }
    Ok(out)
}

/// The mark's own colour with its opacity.
pub fn mark_color(props: &MarkProps) -> Result<Color> {
    let c = Color::parse(&props.fill).ok_or_else(|| {
        Error::spec_shape(
            "mark.color",
            &format!("\"{}\" is not a CSS colour", props.fill),
        )
    })?;
    Ok(Color {
        a: c.a * props.opacity,
        ..c
    })
}
