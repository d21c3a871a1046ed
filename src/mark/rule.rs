//! Rule and tick marks.
//!
//! Stage: marks. A rule spans x..x2 at y (or y..y2 at x); with only one position it spans the
//! whole plot across it, as Vega-Lite draws reference lines. A tick is a short line across its
//! continuous channel: 3/4 of the band on a band scale, else 14px (Vega-Lite's
//! `tick.bandSize`), 1px thick.

use super::point::mark_color;
use super::position::{bandwidth, center, second};
use super::MarkInput;
use crate::error::Result;
use crate::layout::PositionScale;
use crate::scene::{Item, Rect, Role, Rule};
use crate::spec::MarkKind;

/// Vega-Lite's tick length on a continuous axis.
pub const TICK_BAND: f64 = 14.0;
/// Vega-Lite's tick thickness.
pub const TICK_THICKNESS: f64 = 1.0;

/// The items of a rule or tick mark.
pub fn rules(input: &MarkInput<'_>) -> Result<Vec<Item>> {
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
    let (xc, yc) = (encoding.x.as_ref(), encoding.y.as_ref());
    let continuous = |c: Option<&super::MarkChannel<'_>>| {
        c.is_some_and(|c| !matches!(c.scale, PositionScale::Band { .. }))
    };
    let mut out = Vec::new();
    for row in 0..table.num_rows() {
        let color = encoding.color(row, base);
        let (x, y) = (
            center(table, xc, row, plot.0)?,
            center(table, yc, row, plot.1)?,
        );
        if kind == MarkKind::Tick {
            let (Some(x), Some(y)) = (x, y) else { continue };
            // Vertical ticks mark a continuous x; horizontal ticks a continuous y.
            let vertical = continuous(xc) || !continuous(yc);
            let band = if vertical {
                bandwidth(yc)
            } else {
                bandwidth(xc)
            };
            let len = if band > 0.0 { band * 0.75 } else { TICK_BAND };
            let (w, h) = if vertical {
                (TICK_THICKNESS, len)
            } else {
                (len, TICK_THICKNESS)
            };
            out.push(Item::Rect(Rect {
                x: x - w / 2.0,
                y: y - h / 2.0,
                width: w,
                height: h,
                fill: color,
                stroke: None,
                corner_radius: 0.0,
                role: Role::Mark(mark),
                row: u32::try_from(row).ok(),
            }));
            continue;
        }
        let (x2, y2) = (second(table, xc, row)?, second(table, yc, row)?);
        let ends = match (xc.is_some(), yc.is_some(), x, y) {
            (true, true, Some(x), Some(y)) => match (x2, y2) {
                (Some(x2), _) => (x, y, x2, y),
                (None, Some(y2)) => (x, y, x, y2),
                (None, None) => continue,
            },
            (true, false, Some(x), _) => (x, 0.0, x2.unwrap_or(x), plot.1),
            (false, true, _, Some(y)) => (0.0, y, plot.0, y2.unwrap_or(y)),
            _ => continue,
        };
        out.push(Item::Rule(Rule {
            x1: ends.0,
            y1: ends.1,
            x2: ends.2,
            y2: ends.3,
            stroke: color,
            width: props.stroke_width.unwrap_or(1.0),
            role: Role::Mark(mark),
        }));
    }
    Ok(out)
}
