//! Line and area marks: one path per series, through the rows in x order.
//!
//! Stage: marks. Rows are split into series by the colour and detail fields, each series is
//! ordered by x (Vega-Lite sorts line data by the x field), and an invalid value breaks the
//! path, as Vega-Lite's default `invalid: "break-paths"` does for lines. An area closes each
//! run down to its baseline: the stack start, or zero.

use super::curve::curve;
use super::point::mark_color;
use super::position::{baseline, center, second};
use super::MarkInput;
use crate::data::kernels::{group_by, Order, RowComparator};
use crate::error::Result;
use crate::scene::{Item, Path, Role};
use crate::spec::MarkKind;

/// Vega-Lite's default line width.
pub const LINE_WIDTH: f64 = 2.0;

/// The paths of a line or area mark.
pub fn paths(input: &MarkInput<'_>) -> Result<Vec<Item>> {
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
    // Series in order of first appearance, keyed by their split values (the group-by kernel:
    // dictionary codes for text, no string built per row).
    let keys = encoding
        .series
        .iter()
        .filter_map(|f| table.column(f))
        .collect::<Vec<_>>();
    let groups = group_by(&keys, table.num_rows());
    let mut ordered: Vec<Vec<usize>> = vec![Vec::new(); groups.len()];
    for (row, g) in groups.row_group.iter().enumerate() {
        if let Some(rows) = ordered.get_mut(*g as usize) {
            rows.push(row);
        }
    }
    let mut out = Vec::new();
    for rows in ordered {
        let mut points: Vec<(f64, Option<f64>, Option<f64>, usize)> = Vec::new();
        let order = match encoding.order {
            Some((field, descending)) => {
                let order = if descending {
                    Order::Descending
                } else {
                    Order::Ascending
                };
                Some(RowComparator::new(&[(
                    table.require("encoding.order", field)?,
                    order,
                )]))
            }
            None => None,
        };
        for row in rows {
            let Some(x) = center(table, encoding.x.as_ref(), row, plot.0)? else {
                continue;
            };
            let y = center(table, encoding.y.as_ref(), row, plot.1)?;
            let y0 = second(table, encoding.y.as_ref(), row)?;
            points.push((x, y, y0, row));
        }
        match &order {
            // The `order` field, compared as Vega compares values; ties keep data order.
            Some(cmp) => crate::sorting::sort_by(&mut points, |a, b| {
                let (a, b) = (a.3 as u32, b.3 as u32);
                cmp.compare_stable(a, b)
            }),
            None => crate::sorting::sort_by(&mut points, |a, b| a.0.total_cmp(&b.0)),
        }
        let color = points.first().map_or(base, |p| encoding.color(p.3, base));
        for run in points.split(|p| p.1.is_none()).filter(|r| !r.is_empty()) {
            let top: Vec<(f64, f64)> = run.iter().filter_map(|p| Some((p.0, p.1?))).collect();
            let top = curve(props.interpolate, &top);
            let item = if kind == MarkKind::Area {
                let floor = baseline(encoding.y.as_ref(), plot.1);
                let mut poly = top;
                let bottom: Vec<(f64, f64)> = run
                    .iter()
                    .rev()
                    .map(|p| (p.0, p.2.unwrap_or(floor)))
                    .collect();
                poly.extend(curve(props.interpolate, &bottom));
                Path {
                    points: poly,
                    closed: true,
                    fill: Some(color),
                    stroke: None,
                    role: Role::Mark(mark),
                    row: None,
                }
            } else {
                Path {
                    points: top,
                    closed: false,
                    fill: None,
                    stroke: Some((color, props.stroke_width.unwrap_or(LINE_WIDTH))),
                    role: Role::Mark(mark),
                    row: None,
                }
            };
            out.push(Item::Path(item));
        }
    }
    Ok(out)
}
