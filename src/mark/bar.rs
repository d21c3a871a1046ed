//! The bar mark: one rectangle per row, from a baseline to the value, across one band.
//!
//! Stage: marks. Orientation follows the scales: a band scale on x gives vertical bars, on y
//! horizontal bars; a channel without a scale spans the whole plot. The value end reads the
//! channel's field, the baseline its second field (stack start) or zero. Rows whose value is
//! null or not a number draw nothing, as Vega-Lite filters invalid values of continuous fields.

use super::{MarkChannel, MarkEncoding, MarkInput};
use crate::data::Table;
use crate::error::{Error, Result};
use crate::layout::PositionScale;
use crate::scale::LinearScale;
use crate::scene::{Color, Rect, Role};
use crate::spec::Channel;

/// Vega-Lite's gap between adjacent binned bars (`config.bar.binSpacing`).
pub const BIN_SPACING: f64 = 1.0;

/// Vega-Lite's bar thickness on a continuous dimension (`config.bar.continuousBandSize`).
pub const CONTINUOUS_BAND_SIZE: f64 = 5.0;

/// Encodes every drawable row of `table` as a bar extending along `value` (the other channel
/// is the bar's dimension), filled from `fills` (one colour per row) or the mark's colour. `plot` is the plot's (width, height); the rectangles are relative
/// to its top-left corner.
pub fn bars(input: &MarkInput<'_>) -> Result<Vec<Rect>> {
    let MarkInput {
        table,
        encoding,
        props,
        plot,
        mark,
        ..
    } = *input;
    let MarkEncoding { x, y, value, .. } = encoding;
    let value = *value;
    let fill = super::point::mark_color(props)?;
    let stroke = match &props.stroke {
        Some(s) => Some((
            Color::parse(s).ok_or_else(|| {
                Error::spec_shape("mark.stroke", &format!("\"{s}\" is not a CSS colour"))
            })?,
            1.0,
        )),
        None => None,
    };
    let mut out = Vec::new();
    for row in 0..table.num_rows() {
        let Some(xs) = span(table, x.as_ref(), row, plot.0, value == Channel::X)? else {
            continue;
        };
        let Some(ys) = span(table, y.as_ref(), row, plot.1, value == Channel::Y)? else {
            continue;
        };
        let Some(xs) = offset(encoding.x_offset.as_ref(), row, xs)? else {
            continue;
        };
        let Some(ys) = offset(encoding.y_offset.as_ref(), row, ys)? else {
            continue;
        };
        let fill = encoding.color(row, fill);
        out.push(Rect {
            x: xs.0.min(xs.1),
            y: ys.0.min(ys.1),
            width: (xs.1 - xs.0).abs(),
            height: (ys.1 - ys.0).abs(),
            fill,
            stroke,
            corner_radius: props.corner_radius,
            role: Role::Mark(mark),
            row: u32::try_from(row).ok(),
        });
    }
    Ok(out)
}

/// Narrows a band span to the row's offset band within it (grouped bars).
fn offset(
    offset: Option<&super::OffsetChannel<'_>>,
    row: usize,
    span: (f64, f64),
) -> Result<Option<(f64, f64)>> {
    let Some(o) = offset else {
        return Ok(Some(span));
    };
    let Some(i) = o.rows.get(row).copied().flatten() else {
        return Ok(None);
    };
    let i = i as usize;
    let start = span.0.min(span.1);
    Ok(o.scale
        .position(i)
        .map(|p| (start + p, start + p + o.scale.bandwidth())))
}

/// The pixel span of one row on one channel, or `None` if the row draws nothing.
fn span(
    table: &Table,
    channel: Option<&MarkChannel<'_>>,
    row: usize,
    full: f64,
    is_value: bool,
) -> Result<Option<(f64, f64)>> {
    let Some(ch) = channel else {
        return Ok(Some((0.0, full)));
    };
    let column = table.require(&ch.fields.spec_path, &ch.fields.field)?;
    match ch.scale {
        PositionScale::Band { scale, .. } => {
            let start = ch.band(row).and_then(|i| scale.position(i));
            // On a point scale, a bar with a second field spans from its point to the other's.
            if let (Some(f2), true) = (&ch.fields.field2, scale.bandwidth() == 0.0) {
                let c2 = table.require(&ch.fields.spec_path, f2)?;
                let end = ch
                    .scale
                    .band_index(&c2.value(row))
                    .and_then(|i| scale.position(i));
                return Ok(start.zip(end).map(|(a, b)| (a.min(b), a.max(b))));
            }
            Ok(start.map(|s| (s, s + scale.bandwidth())))
        }
        PositionScale::Linear(linear) | PositionScale::Time(linear) => {
            let Some(v) = column.number(row).filter(|v| v.is_finite()) else {
                return Ok(None);
            };
            if !is_value {
                // A binned or time-unit dimension spans its range, less 1px of bin spacing.
                if let Some(f2) = &ch.fields.field2 {
                    let c2 = table.require(&ch.fields.spec_path, f2)?;
                    let Some(end) = c2.number(row).filter(|v| v.is_finite()) else {
                        return Ok(None);
                    };
                    let (a, b) = (linear.map(v), linear.map(end));
                    let (lo, hi) = (a.min(b), a.max(b));
                    return Ok(Some(((lo + BIN_SPACING).min(hi), hi)));
                }
                let center = linear.map(v);
                let half = CONTINUOUS_BAND_SIZE / 2.0;
                return Ok(Some((center - half, center + half)));
            }
            let base = match &ch.fields.field2 {
                Some(f2) => {
                    let c2 = table.require(&ch.fields.spec_path, f2)?;
                    match c2.number(row).filter(|v| v.is_finite()) {
                        Some(b) => b,
                        None => return Ok(None),
                    }
                }
                None => baseline(linear),
            };
            Ok(Some((linear.map(base), linear.map(v))))
        }
    }
}

/// Where a bar without a second field starts: zero, clamped into the domain.
fn baseline(linear: &LinearScale) -> f64 {
    let [a, b] = linear.domain();
    0.0f64.clamp(a.min(b), a.max(b))
}
