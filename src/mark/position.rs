//! Where a row sits on one position channel: a point (its centre) for points, lines, text and
//! rules; the resolved scale does the mapping.
//!
//! Stage: marks. A missing channel centres the mark on the plot (as Vega-Lite does for a
//! scatter without y); an invalid value gives `None` (the mark skips the row or breaks its
//! path).

use super::MarkChannel;
use crate::data::{Column, Table};
use crate::error::Result;
use crate::layout::PositionScale;

/// The pixel centre of `row` on `channel` (or the middle of `full` without a channel).
pub fn center(
    table: &Table,
    channel: Option<&MarkChannel<'_>>,
    row: usize,
    full: f64,
) -> Result<Option<f64>> {
    let Some(ch) = channel else {
        return Ok(Some(full / 2.0));
    };
    let column = table.require(&ch.fields.spec_path, &ch.fields.field)?;
    Ok(at(ch, column, ch.band(row), row))
}

/// The pixel position of `row`'s second field on `channel` (`x2`, a stack start), if any.
pub fn second(table: &Table, channel: Option<&MarkChannel<'_>>, row: usize) -> Result<Option<f64>> {
    let Some(ch) = channel else {
        return Ok(None);
    };
    let Some(f2) = &ch.fields.field2 else {
        return Ok(None);
    };
    let column = table.require(&ch.fields.spec_path, f2)?;
    // The second field has no precomputed bands; it is looked up directly.
    let band = ch.scale.band_index(&column.value(row));
    Ok(at(ch, column, band, row))
}

/// Where a row's value sits on a channel's scale: the middle of its band, or the mapped
/// number (`None` for invalid values).
fn at(ch: &MarkChannel<'_>, column: &Column, band: Option<usize>, row: usize) -> Option<f64> {
    match ch.scale {
        PositionScale::Band { scale, .. } => band
            .and_then(|i| scale.position(i))
            .map(|p| p + scale.bandwidth() / 2.0),
        PositionScale::Linear(s) | PositionScale::Time(s) => column
            .number(row)
            .filter(|v| v.is_finite())
            .map(|v| s.map(v)),
    }
}

/// The band width of a channel's scale (0 for continuous scales and no channel).
pub fn bandwidth(channel: Option<&MarkChannel<'_>>) -> f64 {
    match channel.map(|c| c.scale) {
        Some(PositionScale::Band { scale, .. }) => scale.bandwidth(),
        _ => 0.0,
    }
}

/// The pixel position of zero on a continuous channel, clamped into its range: the baseline
/// of areas.
pub fn baseline(channel: Option<&MarkChannel<'_>>, full: f64) -> f64 {
    match channel.map(|c| c.scale) {
        Some(PositionScale::Linear(s)) | Some(PositionScale::Time(s)) => {
            let [a, b] = s.domain();
            s.map(0.0f64.clamp(a.min(b), a.max(b)))
        }
        _ => full,
    }
}
