//! Selections from pointer input: the new value of a selection parameter after a click, a
//! legend click, a brush or a zoom, as Vega-Lite's selection compilers compute it.
//!
//! Stage: interact. These functions read the last scene and its [`Frame`] and return the JSON
//! value to hand to [`Chart::set_param`] (`null` clears a selection); they never change the
//! chart, so the host decides what to do with the value (set it here, share it with linked
//! charts, write it to the URL). A point tuple holds the clicked row's values of the fields the
//! selection projects onto; `toggle` adds the tuple or removes it when already selected. An
//! interval holds, per projected channel, the data range under the brush (`[min, max]`, or the
//! list of categories on a discrete scale). A zoom scales the current domain about the pointer,
//! a pan shifts it by the pointer's movement.

use serde_json::{Map, Value as Json};

use super::frame::{Frame, FrameAxis};
use super::pick::{pick, Hit};
use crate::layout::PositionScale;
use crate::plan::selection::projected;
use crate::scene::{Item, Role, Scene};
use crate::spec::params::{SelectKind, SelectionDef};
use crate::Chart;

/// The legend row height a click may land in, at least (CSS pixels).
const LEGEND_ROW: f64 = 16.0;

fn selection<'a>(chart: &'a Chart, name: &str, kind: SelectKind) -> Option<&'a SelectionDef> {
    chart
        .params()
        .params()
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.selection())
        .filter(|d| d.kind == kind)
}

/// The nearest mark item with a data row to `(x, y)`, by the distance to its centre.
fn nearest(scene: &Scene, x: f64, y: f64) -> Option<Hit> {
    let mut best: Option<(f64, Hit)> = None;
    for item in &scene.items {
        let (cx, cy, role, row) = match item {
            Item::Rect(r) => (r.x + r.width / 2.0, r.y + r.height / 2.0, r.role, r.row),
            Item::Symbol(s) => (s.x, s.y, s.role, s.row),
            _ => continue,
        };
        let (Role::Mark(mark), Some(row)) = (role, row) else {
            continue;
        };
        let d = (cx - x).hypot(cy - y);
        if best.as_ref().is_none_or(|(b, _)| d < *b) {
            best = Some((d, Hit { mark, row }));
        }
    }
    best.map(|(_, hit)| hit)
}

/// Adds `tuple` to the point selection `name` (`toggle`: removes it when already there) or
/// makes it the only one.
fn with_tuple(chart: &Chart, name: &str, tuple: Map<String, Json>, toggle: bool) -> Json {
    let tuple = Json::Object(tuple);
    if !toggle {
        return Json::Array(vec![tuple]);
    }
    let mut list = match chart.param(name) {
        Some(Json::Array(list)) => list,
        _ => Vec::new(),
    };
    match list.iter().position(|t| t == &tuple) {
        Some(i) => {
            list.remove(i);
        }
        None => list.push(tuple),
    }
    if list.is_empty() {
        Json::Null
    } else {
        Json::Array(list)
    }
}

/// The value of point selection `name` after a click at `(x, y)`: the tuple of the mark under
/// the pointer (or the nearest one, with `nearest`), `null` on empty space (Vega-Lite clears a
/// point selection there unless toggling, which keeps it). `None` when `name` is not a point
/// selection or the mark's data lack a projected field.
pub fn point_value(
    chart: &Chart,
    scene: &Scene,
    name: &str,
    x: f64,
    y: f64,
    toggle: bool,
) -> Option<Json> {
    let def = selection(chart, name, SelectKind::Point)?;
    let hit = match pick(scene, x, y) {
        Some(hit) => Some(hit),
        None if def.nearest => nearest(scene, x, y),
        None => None,
    };
    let Some(hit) = hit else {
        return Some(if toggle {
            chart.param(name).unwrap_or(Json::Null)
        } else {
            Json::Null
        });
    };
    point_value_of(chart, name, hit, toggle)
}

/// The value of point selection `name` after choosing the item `hit` (a click on it, or Enter
/// on the keyboard focus): its tuple, added or removed with `toggle`.
pub fn point_value_of(chart: &Chart, name: &str, hit: Hit, toggle: bool) -> Option<Json> {
    let def = selection(chart, name, SelectKind::Point)?;
    let mut tuple = Map::new();
    for (_, field) in projected(def, chart.params().channels()) {
        let value = chart.mark_value(hit.mark, hit.row, &field)?;
        tuple.insert(field, value);
    }
    Some(with_tuple(chart, name, tuple, toggle))
}

/// The index of the legend entry at `(x, y)`, if any: in the row of its symbol, the nearest
/// symbol at or left of the pointer (its label runs to the right; legends may be a column
/// beside the plot or rows under it).
pub fn legend_entry(scene: &Scene, x: f64, y: f64) -> Option<usize> {
    legend_symbols(scene)
        .into_iter()
        .enumerate()
        .filter(|(_, [left, top, _, height])| {
            let half = height.max(LEGEND_ROW) / 2.0;
            x >= left - 2.0 && x <= scene.width && (y - (top + height / 2.0)).abs() <= half
        })
        .max_by(|(_, a), (_, b)| a[0].total_cmp(&b[0]))
        .map(|(i, _)| i)
}

/// The bounding box `[x, y, width, height]` of every legend entry's symbol, in scene order,
/// whatever its kind (squares, circles and shapes, strokes).
pub fn legend_symbols(scene: &Scene) -> Vec<[f64; 4]> {
    scene
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Rect(r) if r.role == Role::LegendSymbol => Some([r.x, r.y, r.width, r.height]),
            Item::Symbol(s) if s.role == Role::LegendSymbol => {
                let half = s.size.max(0.0).sqrt() / 2.0;
                Some([s.x - half, s.y - half, 2.0 * half, 2.0 * half])
            }
            Item::Rule(r) if r.role == Role::LegendSymbol => Some([
                r.x1.min(r.x2),
                r.y1.min(r.y2),
                (r.x1 - r.x2).abs(),
                (r.y1 - r.y2).abs(),
            ]),
            Item::Path(p) if p.role == Role::LegendSymbol => p
                .extent()
                .map(|[x0, y0, x1, y1]| [x0, y0, x1 - x0, y1 - y0]),
            _ => None,
        })
        .collect()
}

/// The value of point selection `name` (bound to the legend) after a click at `(x, y)`:
/// `None` when no legend entry is there, so other handlers may take the click.
pub fn legend_value(
    chart: &Chart,
    scene: &Scene,
    frame: &Frame,
    name: &str,
    x: f64,
    y: f64,
    toggle: bool,
) -> Option<Json> {
    let def = selection(chart, name, SelectKind::Point)?;
    let (field, domain) = frame.color.as_ref()?;
    let entry = legend_entry(scene, x, y)?;
    let value = domain.get(entry)?.to_json();
    let fields = projected(def, chart.params().channels());
    if !fields.iter().any(|(_, f)| f == field) {
        return None;
    }
    let mut tuple = Map::new();
    tuple.insert(field.clone(), value);
    Some(with_tuple(chart, name, tuple, toggle))
}

/// The projected channels (`x`, `y`) of an interval selection with their frame axes.
fn interval_axes<'a>(
    chart: &Chart,
    frame: &'a Frame,
    name: &str,
) -> Option<Vec<(&'static str, &'a FrameAxis)>> {
    let def = selection(chart, name, SelectKind::Interval)?;
    let fields = projected(def, chart.params().channels());
    let mut out = Vec::new();
    for channel in ["x", "y"] {
        let Some(axis) = frame.axis(channel) else {
            continue;
        };
        if fields
            .iter()
            .any(|(c, f)| c.as_deref() == Some(channel) || *f == axis.field)
        {
            out.push((channel, axis));
        }
    }
    Some(out)
}

/// The data range under pixels `[p0, p1]` (plot coordinates) of `scale`.
fn range_under(scale: &PositionScale, p0: f64, p1: f64) -> Option<Json> {
    let (lo, hi) = (p0.min(p1), p0.max(p1));
    match scale {
        PositionScale::Linear(s) | PositionScale::Time(s) => {
            let (a, b) = (s.invert(lo), s.invert(hi));
            Some(serde_json::json!([a.min(b), a.max(b)]))
        }
        PositionScale::Band { scale, domain } => {
            let half = scale.bandwidth() / 2.0;
            let values: Vec<Json> = domain
                .iter()
                .enumerate()
                .filter(|(i, _)| {
                    scale
                        .position(*i)
                        .is_some_and(|p| p + half >= lo && p + half <= hi)
                })
                .map(|(_, v)| v.to_json())
                .collect();
            (!values.is_empty()).then_some(Json::Array(values))
        }
    }
}

/// The value of interval selection `name` for a brush from `(x0, y0)` to `(x1, y1)` (chart
/// coordinates): per projected channel, the data under the brush; `null` (cleared) when the
/// brush is narrower than a pixel on every channel or covers no category.
pub fn interval_value(
    chart: &Chart,
    frame: &Frame,
    name: &str,
    from: (f64, f64),
    to: (f64, f64),
) -> Option<Json> {
    let axes = interval_axes(chart, frame, name)?;
    let mut out = Map::new();
    for (channel, axis) in axes {
        let off = frame.offset(channel);
        let (a, b) = if channel == "x" {
            (from.0, to.0)
        } else {
            (from.1, to.1)
        };
        let extent = if channel == "x" {
            frame.width
        } else {
            frame.height
        };
        let (a, b) = ((a - off).clamp(0.0, extent), (b - off).clamp(0.0, extent));
        if (a - b).abs() < 1.0 {
            continue;
        }
        if let Some(range) = range_under(&axis.scale, a, b) {
            out.insert(axis.field.clone(), range);
        }
    }
    Some(if out.is_empty() {
        Json::Null
    } else {
        Json::Object(out)
    })
}

/// The pixel extent `[lo, hi]` (chart coordinates) of `range` on `axis`.
fn pixels_of(axis: &FrameAxis, range: &Json, offset: f64) -> Option<[f64; 2]> {
    let list = range.as_array()?;
    let (a, b) = match &axis.scale {
        PositionScale::Linear(s) | PositionScale::Time(s) => (
            s.map(list.first()?.as_f64()?),
            s.map(list.get(1)?.as_f64()?),
        ),
        PositionScale::Band { scale, domain } => {
            let mut lo = f64::INFINITY;
            let mut hi = f64::NEG_INFINITY;
            for (i, v) in domain.iter().enumerate() {
                if list.contains(&v.to_json()) {
                    let p = scale.position(i)?;
                    lo = lo.min(p);
                    hi = hi.max(p + scale.bandwidth());
                }
            }
            (lo, hi)
        }
    };
    (a.is_finite() && b.is_finite()).then_some([a.min(b) + offset, a.max(b) + offset])
}

/// The brush of interval selection `name` in chart pixels `[x0, y0, x1, y1]`: a channel it
/// does not project onto spans the whole plot. `None` when the selection is empty.
pub fn interval_rect(chart: &Chart, frame: &Frame, name: &str) -> Option<[f64; 4]> {
    let axes = interval_axes(chart, frame, name)?;
    let Json::Object(value) = chart.param(name)? else {
        return None;
    };
    if value.is_empty() {
        return None;
    }
    let mut rect = [
        frame.left,
        frame.top,
        frame.left + frame.width,
        frame.top + frame.height,
    ];
    for (channel, axis) in axes {
        let Some(range) = value.get(&axis.field) else {
            continue;
        };
        let [lo, hi] = pixels_of(axis, range, frame.offset(channel))?;
        if channel == "x" {
            rect[0] = lo;
            rect[2] = hi;
        } else {
            rect[1] = lo;
            rect[3] = hi;
        }
    }
    Some(rect)
}

/// The value of interval selection `name` bound to scales after zooming by `factor` about
/// `(cx, cy)` (`factor` < 1 zooms in) and panning by `(dx, dy)` pixels: the new domain of
/// every projected continuous channel. `None` when nothing can zoom.
pub fn zoom_value(
    chart: &Chart,
    frame: &Frame,
    name: &str,
    anchor: (f64, f64),
    factor: f64,
    pan: (f64, f64),
) -> Option<Json> {
    let axes = interval_axes(chart, frame, name)?;
    let factor = if factor.is_finite() && factor > 0.0 {
        factor
    } else {
        1.0
    };
    let mut out = Map::new();
    for (channel, axis) in axes {
        let (PositionScale::Linear(s) | PositionScale::Time(s)) = &axis.scale else {
            continue;
        };
        let (c, d) = if channel == "x" {
            (anchor.0 - frame.left, pan.0)
        } else {
            (anchor.1 - frame.top, pan.1)
        };
        let [r0, r1] = s.range();
        let (d0, d1) = (s.invert(r0 - d), s.invert(r1 - d));
        let a = s.invert(c - d);
        let (lo, hi) = (a + (d0 - a) * factor, a + (d1 - a) * factor);
        if !(lo.is_finite() && hi.is_finite()) || lo == hi {
            continue;
        }
        out.insert(
            axis.field.clone(),
            serde_json::json!([lo.min(hi), lo.max(hi)]),
        );
    }
    (!out.is_empty()).then_some(Json::Object(out))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::{FixedMetrics, SceneOptions};

    fn chart(params: &str, extra: &str) -> Chart {
        Chart::from_spec(&format!(
            r#"{{"params": {params},
            "data": {{"values": [{{"a": "A", "b": 10, "c": "u"}}, {{"a": "B", "b": 20, "c": "v"}},
                                 {{"a": "C", "b": 30, "c": "u"}}]}},
            "mark": "point", {extra}
            "encoding": {{"x": {{"field": "b", "type": "quantitative"}},
                         "y": {{"field": "a", "type": "nominal"}},
                         "color": {{"field": "c", "type": "nominal"}}}}}}"#
        ))
        .unwrap()
    }

    fn layout(c: &Chart) -> (Scene, Frame) {
        c.layout(&SceneOptions::default(), &FixedMetrics).unwrap()
    }

    fn centre(scene: &Scene, row: u32) -> (f64, f64) {
        scene
            .items
            .iter()
            .find_map(|i| match i {
                Item::Symbol(s) if s.row == Some(row) => Some((s.x, s.y)),
                _ => None,
            })
            .unwrap()
    }

    #[test]
    fn clicks_select_toggle_and_clear_point_tuples() {
        let mut c = chart(
            r#"[{"name": "s", "select": {"type": "point", "fields": ["a"]}}]"#,
            "",
        );
        let (scene, _) = layout(&c);
        let (x, y) = centre(&scene, 1);
        let v = point_value(&c, &scene, "s", x, y, false).unwrap();
        assert_eq!(v, json!([{"a": "B"}]));
        c.set_param("s", v).unwrap();
        let (x0, y0) = centre(&scene, 0);
        let v = point_value(&c, &scene, "s", x0, y0, true).unwrap();
        assert_eq!(v, json!([{"a": "B"}, {"a": "A"}]));
        c.set_param("s", v).unwrap();
        // Shift-clicking a selected mark removes it; a plain click on empty space clears.
        let v = point_value(&c, &scene, "s", x, y, true).unwrap();
        assert_eq!(v, json!([{"a": "A"}]));
        assert_eq!(
            point_value(&c, &scene, "s", -50.0, -50.0, false),
            Some(Json::Null)
        );
        assert_eq!(point_value(&c, &scene, "nope", x, y, false), None);
    }

    #[test]
    fn nearest_selects_without_a_direct_hit() {
        let c = chart(
            r#"[{"name": "s", "select": {"type": "point", "encodings": ["x"], "nearest": true}}]"#,
            "",
        );
        let (scene, _) = layout(&c);
        let (x, y) = centre(&scene, 2);
        let v = point_value(&c, &scene, "s", x + 15.0, y + 3.0, false).unwrap();
        assert_eq!(v, json!([{"b": 30}]));
    }

    #[test]
    fn legend_clicks_select_a_series_and_hide_others_by_filter() {
        let c = chart(
            r#"[{"name": "s", "select": {"type": "point", "fields": ["c"]}, "bind": "legend"}]"#,
            "",
        );
        let (scene, frame) = layout(&c);
        let symbols: Vec<(f64, f64)> = scene
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Rect(r) if r.role == Role::LegendSymbol => Some((r.x, r.y + 2.0)),
                Item::Symbol(s) if s.role == Role::LegendSymbol => Some((s.x, s.y)),
                _ => None,
            })
            .collect();
        assert_eq!(symbols.len(), 2);
        let (x, y) = (symbols[1].0 + 20.0, symbols[1].1);
        assert_eq!(legend_entry(&scene, x, y), Some(1));
        let v = legend_value(&c, &scene, &frame, "s", x, y, false).unwrap();
        assert_eq!(v, json!([{"c": "v"}]));
        assert_eq!(legend_value(&c, &scene, &frame, "s", 1.0, 1.0, false), None);
    }

    #[test]
    fn brushes_invert_the_scales_and_round_trip_to_pixels() {
        let mut c = chart(r#"[{"name": "br", "select": "interval"}]"#, "");
        let (_, frame) = layout(&c);
        let Some(FrameAxis {
            scale: PositionScale::Linear(x),
            ..
        }) = &frame.x
        else {
            panic!("no linear x")
        };
        let (p10, p20) = (x.map(10.0) + frame.left, x.map(20.0) + frame.left);
        let v = interval_value(
            &c,
            &frame,
            "br",
            (p10, frame.top),
            (p20, frame.top + frame.height),
        )
        .unwrap();
        let range = v["b"].as_array().unwrap();
        assert!((range[0].as_f64().unwrap() - 10.0).abs() < 1e-9, "{v}");
        assert!((range[1].as_f64().unwrap() - 20.0).abs() < 1e-9, "{v}");
        assert_eq!(v["a"], json!(["A", "B", "C"]));
        c.set_param("br", v).unwrap();
        let rect = interval_rect(&c, &frame, "br").unwrap();
        assert!(
            (rect[0] - p10).abs() < 1e-9 && (rect[2] - p20).abs() < 1e-9,
            "{rect:?}"
        );
        // A click (no drag) clears the brush.
        let v = interval_value(&c, &frame, "br", (p10, 5.0), (p10, 5.0)).unwrap();
        assert_eq!(v, Json::Null);
    }

    #[test]
    fn zoom_and_pan_change_the_bound_scale_domain() {
        let mut c = chart(
            r#"[{"name": "grid", "select": {"type": "interval", "encodings": ["x"]}, "bind": "scales"}]"#,
            "",
        );
        let (_, frame) = layout(&c);
        let Some(FrameAxis {
            scale: PositionScale::Linear(x),
            ..
        }) = frame.x.clone()
        else {
            panic!("no linear x")
        };
        let [d0, d1] = x.domain();
        let mid = frame.left + frame.width / 2.0;
        let v = zoom_value(&c, &frame, "grid", (mid, 10.0), 0.5, (0.0, 0.0)).unwrap();
        let r = v["b"].as_array().unwrap();
        let (lo, hi) = (r[0].as_f64().unwrap(), r[1].as_f64().unwrap());
        assert!(((hi - lo) - (d1 - d0) / 2.0).abs() < 1e-9, "{v}");
        c.set_param("grid", v).unwrap();
        // The next layout draws the zoomed domain; the data is not filtered.
        let (_, zoomed) = layout(&c);
        let Some(FrameAxis {
            scale: PositionScale::Linear(z),
            ..
        }) = &zoomed.x
        else {
            panic!("no linear x")
        };
        assert!((z.domain()[0] - lo).abs() < 1e-9);
        assert_eq!(c.mark_data().unwrap()[0].rows.len(), 3);
        let px = z.range()[1] - z.range()[0];
        let v = zoom_value(&c, &zoomed, "grid", (mid, 10.0), 1.0, (px / 2.0, 0.0)).unwrap();
        let r = v["b"].as_array().unwrap();
        assert!(
            (r[1].as_f64().unwrap() - (lo + hi) / 2.0).abs() < 1e-9,
            "{v}"
        );
    }
}
