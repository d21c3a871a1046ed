//! The text mark: one label per row, centred on its position.
//!
//! Stage: marks. The text is the text field's value as JavaScript's `String(v)` writes it,
//! 11px (Vega's default font size) unless `mark.size` says otherwise; a quantitative text
//! field with a `format` is written with that d3-format. Text is always data, never markup.

use super::point::mark_color;
use super::position::center;
use super::MarkInput;
use crate::error::Result;
use crate::scene::{Item, Role, Text};

/// Vega's default text size.
pub const FONT_SIZE: f64 = 11.0;

/// The labels of a text mark.
pub fn texts(input: &MarkInput<'_>) -> Result<Vec<Item>> {
    let MarkInput {
        table,
        encoding,
        props,
        plot,
        mark,
        ..
    } = *input;
    let base = mark_color(props)?;
    let t = &props.text;
    // Vega offsets text by dx/dy in its rotated frame.
    let (sin, cos) = t.angle.to_radians().sin_cos();
    let (dx, dy) = (t.dx * cos - t.dy * sin, t.dx * sin + t.dy * cos);
    let mut out = Vec::new();
    for row in 0..table.num_rows() {
        let (Some(x), Some(y)) = (
            center(table, encoding.x.as_ref(), row, plot.0)?,
            center(table, encoding.y.as_ref(), row, plot.1)?,
        ) else {
            continue;
        };
        let text = match encoding.text {
            Some(f) => {
                let value = table.require(&f.spec_path, &f.field)?.value(row);
                match (encoding.text_format, value.as_f64()) {
                    (Some(format), Some(v)) => format.format(v),
                    _ => value.to_label(),
                }
            }
            None => t.constant.clone().unwrap_or_default(),
        };
        out.push(Item::Text(Text {
            x: x + dx,
            y: y + dy,
            text,
            size: props.size.unwrap_or(FONT_SIZE),
            bold: t.bold,
            fill: encoding.color(row, base),
            align: t.align,
            baseline: t.baseline,
            angle: t.angle,
            role: Role::Mark(mark),
        }));
    }
    Ok(out)
}
