//! Browser unit tests (wasm-bindgen-test in headless Chromium): the real Canvas 2D back end.
//!
//! Each test draws a chart on a real canvas and samples its pixels where the scene says the
//! marks are, so it fails if the painter, the device-pixel-ratio handling or the layout drift
//! apart.
#![cfg(target_arch = "wasm32")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use storychart::scene::{Color, Item, Role, Scene, Shape};
use storychart::web::canvas::CanvasMeasure;
use storychart::web::StoryChart;
use storychart::{Chart, SceneOptions};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

wasm_bindgen_test_configure!(run_in_browser);

#[path = "web/fused.rs"]
mod fused;

const SPEC: &str = r##"{
  "data": {"values": [{"a": "A", "b": 28}, {"a": "B", "b": 55}, {"a": "C", "b": 43}]},
  "mark": {"type": "bar", "color": "#4c78a8"},
  "encoding": {"x": {"field": "a", "type": "nominal"}, "y": {"field": "b", "type": "quantitative"}}
}"##;

fn canvas() -> HtmlCanvasElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let canvas: HtmlCanvasElement = document
        .create_element("canvas")
        .unwrap()
        .dyn_into()
        .unwrap();
    document.body().unwrap().append_child(&canvas).unwrap();
    canvas
}

/// RGBA of the device pixel at CSS position (x, y).
fn pixel(canvas: &HtmlCanvasElement, x: f64, y: f64, dpr: f64) -> [u8; 4] {
    let ctx: CanvasRenderingContext2d = canvas
        .get_context("2d")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    let data = ctx
        .get_image_data((x * dpr).floor(), (y * dpr).floor(), 1.0, 1.0)
        .unwrap()
        .data();
    [data[0], data[1], data[2], data[3]]
}

fn rects(chart: &StoryChart) -> Vec<[f64; 4]> {
    chart
        .mark_rects()
        .chunks(4)
        .map(|c| [c[0], c[1], c[2], c[3]])
        .collect()
}

fn draws_bars_at_scene_positions(dpr: f64) {
    let canvas = canvas();
    let mut chart = StoryChart::new(SPEC).unwrap();
    chart.render(&canvas, 0.0, 0.0, dpr).unwrap();
    assert_eq!(canvas.width() as f64, (chart.width() * dpr).round());
    assert_eq!(canvas.height() as f64, (chart.height() * dpr).round());
    let bars = rects(&chart);
    assert_eq!(bars.len(), 3);
    for [x, y, w, h] in &bars {
        assert_eq!(
            pixel(&canvas, x + w / 2.0, y + h / 2.0, dpr),
            [0x4c, 0x78, 0xa8, 255]
        );
    }
    // Between two bars (in the band padding, above the baseline) is background.
    let [x0, y0, w0, _] = bars[0];
    let gap_x = (x0 + w0 + bars[1][0]) / 2.0;
    let px = pixel(&canvas, gap_x, y0 + 1.0, dpr);
    assert!(
        px[0] > 240 && px[1] > 240 && px[2] > 240,
        "gap is not background: {px:?}"
    );
}

#[wasm_bindgen_test]
fn bars_are_drawn_where_the_scene_puts_them() {
    draws_bars_at_scene_positions(1.0);
}

#[wasm_bindgen_test]
fn hi_dpi_draws_at_twice_the_backing_resolution() {
    draws_bars_at_scene_positions(2.0);
}

#[wasm_bindgen_test]
fn mark_data_matches_the_cli_format() {
    let chart = StoryChart::new(SPEC).unwrap();
    let json = chart.mark_data().unwrap();
    assert!(json.starts_with("{\"spec\": null, \"marks\": ["), "{json}");
    assert!(
        json.contains("{\"a\":\"B\",\"b_end\":55,\"b_start\":0}"),
        "{json}"
    );
}

#[wasm_bindgen_test]
fn bad_specs_are_errors_not_panics() {
    assert!(StoryChart::new("{").is_err());
    assert!(StoryChart::new(r#"{"data": {"values": []}, "mark": "geoshape"}"#).is_err());
}

/// One small chart per mark type storychart draws (text aside: glyph anti-aliasing leaves no
/// pixel of the exact colour to sample).
const MARK_SPECS: &[(&str, &str)] = &[
    (
        "bar",
        r##"{"data": {"values": [{"k": "a", "v": 3}, {"k": "b", "v": 5}]}, "mark": "bar",
      "encoding": {"x": {"field": "k", "type": "nominal"}, "y": {"field": "v", "type": "quantitative"},
                   "color": {"field": "k", "type": "nominal"}}}"##,
    ),
    (
        "rect",
        r##"{"data": {"values": [{"x": "a", "y": "p", "c": "u"}, {"x": "b", "y": "q", "c": "w"}]},
      "mark": "rect", "encoding": {"x": {"field": "x", "type": "nominal"}, "y": {"field": "y", "type": "nominal"},
                   "color": {"field": "c", "type": "nominal"}}}"##,
    ),
    (
        "point",
        r##"{"data": {"values": [{"a": 1, "b": 2}, {"a": 3, "b": 5}, {"a": 6, "b": 1}]},
      "mark": {"type": "point", "size": 100}, "encoding": {"x": {"field": "a", "type": "quantitative"},
                   "y": {"field": "b", "type": "quantitative"}}}"##,
    ),
    (
        "circle",
        r##"{"data": {"values": [{"a": 1, "b": 2, "g": "x"}, {"a": 3, "b": 5, "g": "y"}]},
      "mark": {"type": "circle", "size": 120}, "encoding": {"x": {"field": "a", "type": "quantitative"},
                   "y": {"field": "b", "type": "quantitative"}, "color": {"field": "g", "type": "nominal"}}}"##,
    ),
    (
        "square",
        r##"{"data": {"values": [{"a": 1, "b": 2}, {"a": 3, "b": 5}]},
      "mark": {"type": "square", "size": 120, "color": "#e45756"}, "encoding": {"x": {"field": "a", "type": "quantitative"},
                   "y": {"field": "b", "type": "quantitative"}}}"##,
    ),
    (
        "tick",
        r##"{"data": {"values": [{"k": "a", "v": 2}, {"k": "b", "v": 4}]}, "mark": "tick",
      "encoding": {"x": {"field": "v", "type": "quantitative"}, "y": {"field": "k", "type": "nominal"}}}"##,
    ),
    (
        "rule",
        r##"{"data": {"values": [{"k": "a", "lo": 1, "hi": 4}, {"k": "b", "lo": 2, "hi": 6}]},
      "mark": {"type": "rule", "strokeWidth": 3, "color": "#54a24b"}, "encoding": {"y": {"field": "k", "type": "nominal"},
                   "x": {"field": "lo", "type": "quantitative"}, "x2": {"field": "hi"}}}"##,
    ),
    (
        "line",
        r##"{"data": {"values": [{"t": 1, "v": 2, "s": "a"}, {"t": 2, "v": 5, "s": "a"}, {"t": 1, "v": 4, "s": "b"}, {"t": 2, "v": 1, "s": "b"}]},
      "mark": {"type": "line", "strokeWidth": 3}, "encoding": {"x": {"field": "t", "type": "quantitative"},
                   "y": {"field": "v", "type": "quantitative"}, "color": {"field": "s", "type": "nominal"}}}"##,
    ),
    (
        "area",
        r##"{"data": {"values": [{"t": 1, "v": 2}, {"t": 2, "v": 5}, {"t": 3, "v": 4}]},
      "mark": {"type": "area", "color": "#b279a2"}, "encoding": {"x": {"field": "t", "type": "quantitative"},
                   "y": {"field": "v", "type": "quantitative"}}}"##,
    ),
];

/// Where each mark item of `scene` shows its colour (CSS pixels) and which colour. Items
/// thinner than 2 device pixels at `dpr` are left out: a 1 px tick on a half pixel covers no
/// whole pixel at dpr 1 (it is checked at dpr 2).
fn mark_samples(scene: &Scene, dpr: f64) -> Vec<(f64, f64, Color)> {
    let mut out = Vec::new();
    for item in &scene.items {
        if !matches!(item.role(), Role::Mark(_)) {
            continue;
        }
        match item {
            Item::Rect(r) if r.width.min(r.height) * dpr >= 2.0 => {
                let (x, y) = r.center();
                out.push((x, y, r.fill));
            }
            Item::Rule(r) if r.width * dpr >= 2.0 => {
                out.push(((r.x1 + r.x2) / 2.0, (r.y1 + r.y2) / 2.0, r.stroke));
            }
            Item::Symbol(s) => match (s.fill, s.stroke, s.shape) {
                (Some(f), _, _) => out.push((s.x, s.y, f)),
                (None, Some((c, _)), Shape::Circle) => {
                    // The left of the outline: the right may be past a chart edge.
                    out.push((s.x - (s.size / std::f64::consts::PI).sqrt(), s.y, c));
                }
                _ => {}
            },
            Item::Path(p) => match (p.fill, p.stroke, p.points.as_slice()) {
                (Some(f), _, pts) if p.closed && pts.len() >= 4 => {
                    // An area: halfway between the top and the baseline under its 2nd vertex.
                    let (x, top) = pts[1];
                    let bottom = pts
                        .iter()
                        .filter(|q| (q.0 - x).abs() < 1e-6)
                        .map(|q| q.1)
                        .fold(top, f64::max);
                    out.push((x, (top + bottom) / 2.0, f));
                }
                (None, Some((c, _)), [a, b, ..]) => {
                    out.push(((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0, c));
                }
                _ => {}
            },
            _ => {}
        }
    }
    out
}

/// Whether a device pixel within one pixel of CSS (x, y) has colour `c`.
fn has_colour_near(canvas: &HtmlCanvasElement, x: f64, y: f64, dpr: f64, c: Color) -> bool {
    let want = [c.r, c.g, c.b, 255];
    [-1.0, 0.0, 1.0].iter().any(|dx| {
        [-1.0, 0.0, 1.0].iter().any(|dy| {
            let p = pixel(canvas, x + dx / dpr, y + dy / dpr, dpr);
            p.iter()
                .zip(want)
                .all(|(a, b)| (i32::from(*a) - i32::from(b)).abs() <= 3)
        })
    })
}

fn every_mark_type_carries_its_colour(dpr: f64) {
    for (mark, spec) in MARK_SPECS {
        let canvas = canvas();
        let mut handle = StoryChart::new(spec).unwrap();
        handle.render(&canvas, 0.0, 0.0, dpr).unwrap();
        assert_eq!(
            canvas.width() as f64,
            (handle.width() * dpr).round(),
            "{mark}"
        );
        // The same scene the handle drew: same spec, options and canvas measurer.
        let ctx: CanvasRenderingContext2d = canvas
            .get_context("2d")
            .unwrap()
            .unwrap()
            .dyn_into()
            .unwrap();
        let scene = Chart::from_spec(spec)
            .unwrap()
            .scene(&SceneOptions::default(), &CanvasMeasure::new(&ctx))
            .unwrap();
        assert_eq!(
            (scene.width, scene.height),
            (handle.width(), handle.height())
        );
        let samples = mark_samples(&scene, dpr);
        if dpr >= 2.0 {
            assert!(samples.len() >= 2 || *mark == "area", "{mark}: {samples:?}");
            assert!(!samples.is_empty(), "{mark}: no mark item");
        }
        for (x, y, c) in samples {
            assert!(
                has_colour_near(&canvas, x, y, dpr, c),
                "{mark} at dpr {dpr}: ({x}, {y}) is {:?}, not {}",
                pixel(&canvas, x, y, dpr),
                c.to_css()
            );
        }
        // A colour no mark has is not found at the same places (the check can fail).
        let green = Color::parse("#00ff00").unwrap();
        assert!(mark_samples(&scene, dpr)
            .iter()
            .all(|(x, y, _)| !has_colour_near(&canvas, *x, *y, dpr, green)));
        canvas.remove();
    }
}

#[wasm_bindgen_test]
fn every_mark_type_is_drawn_in_its_colour_where_the_scene_puts_it() {
    every_mark_type_carries_its_colour(1.0);
}

#[wasm_bindgen_test]
fn every_mark_type_keeps_its_colour_at_twice_the_backing_resolution() {
    every_mark_type_carries_its_colour(2.0);
}

/// A pie of four equal slices, one colour each (tableau10's first four), with a tooltip.
const PIE: &str = r##"{
  "data": {"values": [{"k": "a", "v": 1}, {"k": "b", "v": 1}, {"k": "c", "v": 1}, {"k": "d", "v": 1}]},
  "mark": "arc",
  "encoding": {"theta": {"field": "v", "type": "quantitative"},
               "color": {"field": "k", "type": "nominal"},
               "tooltip": {"field": "k", "type": "nominal"}}
}"##;

fn draws_arcs_at_scene_positions(dpr: f64) {
    let canvas = canvas();
    let mut chart = StoryChart::new(PIE).unwrap();
    chart.render(&canvas, 0.0, 0.0, dpr).unwrap();
    // The 300x300 plot (Vega-Lite's default continuous size) sits at the padding (5, 5): the
    // pie's centre is (155, 155), its radius 150, and slices run clockwise from 12 o'clock.
    let (cx, cy, r) = (155.0, 155.0, 75.0);
    let colours = [
        [0x4c, 0x78, 0xa8, 255],
        [0xf5, 0x85, 0x18, 255],
        [0xe4, 0x57, 0x56, 255],
        [0x72, 0xb7, 0xb2, 255],
    ];
    for (i, colour) in colours.iter().enumerate() {
        let a = std::f64::consts::FRAC_PI_4 * (2 * i + 1) as f64;
        let (x, y) = (cx + r * a.sin(), cy - r * a.cos());
        assert_eq!(
            pixel(&canvas, x, y, dpr),
            *colour,
            "slice {i} at ({x}, {y})"
        );
        // Hover finds the slice's row.
        let tip = chart.tooltip_at(x, y).unwrap_or_default();
        assert!(tip.contains(["a", "b", "c", "d"][i]), "slice {i}: {tip}");
    }
    // Outside the circle is background.
    let px = pixel(&canvas, cx + 150.0 * 0.8, cy + 150.0 * 0.8, dpr);
    assert!(px[0] > 240 && px[1] > 240 && px[2] > 240, "{px:?}");
}

#[wasm_bindgen_test]
fn arcs_are_drawn_where_the_scene_puts_them() {
    draws_arcs_at_scene_positions(1.0);
}

#[wasm_bindgen_test]
fn hi_dpi_arcs_draw_at_twice_the_backing_resolution() {
    draws_arcs_at_scene_positions(2.0);
}

/// `bin_count`'s `f64x2` lanes (the WASM build's path) against the general path, `bin` +
/// `group_by` + `count`, bit for bit: random columns of several 64-row blocks with nulls,
/// values outside the bins and values on, just below and just above every bin edge.
#[wasm_bindgen_test]
fn bin_count_lanes_equal_bin_then_group_then_count() {
    use storychart::data::kernels::bin::{bin_count, extent};
    use storychart::data::kernels::{aggregate, bin, bin_params, group_by, AggregateOp};
    use storychart::data::kernels::{BinOptions, BinParams};
    use storychart::data::{Column, NumberColumn};
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut below = |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    let check = |col: &NumberColumn, p: &BinParams, what: &str| {
        let rows = col.values.len();
        let (b0, _) = bin(&Column::Number(col.clone()), p);
        let b = Column::Number(b0);
        let g = group_by(&[&b], rows);
        let counts: Vec<u64> = aggregate(None, &g, AggregateOp::Count)
            .values
            .iter()
            .map(|c| *c as u64)
            .collect();
        let starts: Vec<Option<u64>> = g
            .first_row
            .iter()
            .map(|r| b.number(*r).map(f64::to_bits))
            .collect();
        let (fs, fc) = bin_count(col, p).unwrap();
        let fs: Vec<Option<u64>> = fs.iter().map(|s| s.map(f64::to_bits)).collect();
        assert_eq!((fs, fc), (starts, counts), "{what}: {p:?}");
    };
    // The extent's lanes (whole valid blocks) against the general extent of the same
    // numbers as mixed values.
    for round in 0..100 {
        let rows = below(300) as usize;
        let nulls = round % 2 == 0;
        let values: Vec<Option<f64>> = (0..rows)
            .map(|_| match below(12) {
                0 if nulls => None,
                1 if round % 5 == 0 => Some(f64::INFINITY),
                2 if round % 7 == 0 => Some(-0.0),
                _ => Some(below(1000) as f64 - 500.0),
            })
            .collect();
        let col = NumberColumn::from_options(values.iter().copied());
        let mixed = Column::Mixed(
            values
                .iter()
                .map(|v| {
                    v.map_or(
                        storychart::data::Value::Null,
                        storychart::data::Value::Number,
                    )
                })
                .collect(),
        );
        let got = extent(&Column::Number(col)).map(|e| e.map(f64::to_bits));
        assert_eq!(
            got,
            extent(&mixed).map(|e| e.map(f64::to_bits)),
            "extent round {round}"
        );
    }
    for round in 0..200 {
        let rows = below(400) as usize;
        let scale = [0.001, 1.0, 37.0, 1e6][below(4) as usize];
        let nulls = round % 3 != 0;
        let col = NumberColumn::from_options((0..rows).map(|_| match below(10) {
            0 if nulls => None,
            _ => Some((below(2000) as f64 - 700.0) * scale / 100.0),
        }));
        let ext = extent(&Column::Number(col.clone())).unwrap_or([0.0, 1.0]);
        let ext = if round % 4 == 0 {
            [ext[0] / 2.0, ext[1] / 2.0]
        } else {
            ext
        };
        let options = BinOptions {
            maxbins: 2.0 + below(60) as f64,
            ..BinOptions::default()
        };
        check(&col, &bin_params(ext, &options), &format!("round {round}"));
    }
    for (ext, maxbins) in [
        ([0.0, 55.9], 10.0),
        ([-3.3, 7.7], 7.0),
        ([0.001, 0.0097], 20.0),
        ([1e6, 3.7e9], 13.0),
        ([0.1, 0.7], 30.0),
        ([0.0, 10_000.0], 10.0),
    ] {
        let p = bin_params(
            ext,
            &BinOptions {
                maxbins,
                ..BinOptions::default()
            },
        );
        let mut values = Vec::new();
        let mut k = 0.0;
        while p.start + p.step * k <= p.stop + p.step {
            let b = p.start + p.step * k;
            for v in [
                b,
                next_up(b),
                -next_up(-b),
                b + p.step * 1e-14,
                b - p.step * 1e-14,
            ] {
                values.push(Some(v));
            }
            k += 1.0;
        }
        // Whole blocks inside [start, stop] (the short loop), then a block with a null.
        let inside: Vec<Option<f64>> = values
            .iter()
            .copied()
            .filter(|v| v.is_some_and(|v| p.start <= v && v <= p.stop))
            .collect();
        let mut all: Vec<Option<f64>> = inside.iter().cycle().take(64 * 3).copied().collect();
        all.extend(values.iter().copied());
        all.push(None);
        all.push(Some(p.start - 1.0));
        check(
            &NumberColumn::from_options(all.iter().copied()),
            &p,
            "edges",
        );
        let inside_only =
            NumberColumn::from_options(inside.iter().cycle().take(64 * 4 + 3).copied());
        check(&inside_only, &p, "edges inside");
        // Whole valid blocks with one value outside the bins each: counted by the short
        // loop, taken back out, counted row by row.
        let mut outliers: Vec<Option<f64>> =
            inside.iter().cycle().take(64 * 4 + 3).copied().collect();
        for (block, odd) in [
            p.start - 1.0,
            p.stop + p.step,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ]
        .into_iter()
        .enumerate()
        {
            outliers[block * 64 + (block * 23) % 64] = Some(odd);
        }
        check(
            &NumberColumn::from_options(outliers.iter().copied()),
            &p,
            "edges outliers",
        );
    }
    // Next to the values where Vega's index steps up (found by bisection on the doubles),
    // where a quotient one ulp off or a lost 1e-14 changes the bin: whole blocks inside the
    // bins (the short loop), then with a null and outliers.
    let ord = |x: f64| {
        let b = x.to_bits();
        if b >> 63 == 1 {
            !b
        } else {
            b | 1 << 63
        }
    };
    let unord = |k: u64| f64::from_bits(if k >> 63 == 1 { k & !(1 << 63) } else { !k });
    for round in 0..60 {
        let scale = [1e-6, 0.3, 1.0, 7.0, 1e3, 1e9][below(6) as usize];
        let a = (below(2_000_001) as f64 - 1e6) / 1e5 * scale;
        let span = (1 + below(1_000_000)) as f64 / 1e4 * scale;
        let p = bin_params(
            [a, a + span],
            &BinOptions {
                maxbins: 2.0 + below(40) as f64,
                nice: below(2) == 0,
                ..BinOptions::default()
            },
        );
        let index = |v: f64| (1e-14 + (v - p.start) / p.step).floor();
        let mut values = Vec::new();
        let mut k = 1.0;
        while k <= index(p.stop) {
            let (mut lo, mut hi) = (ord(p.start), ord(p.stop));
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if index(unord(mid)) >= k {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            for i in hi - 3..=hi + 3 {
                let v = unord(i);
                if p.start <= v && v <= p.stop {
                    values.push(Some(v));
                }
            }
            k += 1.0;
        }
        if values.is_empty() {
            continue;
        }
        let rows = 64 * 3 + round % 64;
        let mut col: Vec<Option<f64>> = values.iter().cycle().take(rows).copied().collect();
        check(
            &NumberColumn::from_options(col.iter().copied()),
            &p,
            &format!("near edges {round}"),
        );
        col[5] = None;
        col[70] = Some(p.stop + p.step);
        col[140] = Some(p.start - p.step);
        check(
            &NumberColumn::from_options(col.iter().copied()),
            &p,
            &format!("near edges mixed {round}"),
        );
    }
}

/// The narrow path's lanes (the WASM build's encoding in `f64x2`, counting in `u16x8`)
/// against their scalar twins, and `bin_count` over the encoding against the `f64` path, bit
/// for bit: random whole-number columns of many blocks (nulls, `NaN`, `-0`, spans up to
/// 65534), random bins, and counting passes over more words than one lane block.
#[wasm_bindgen_test]
fn narrow_lanes_equal_their_scalar_twins_and_the_f64_path() {
    use storychart::data::kernels::bin::narrow::{
        bin_count_narrow, count_at_least, count_at_least_rows, Narrow,
    };
    use storychart::data::kernels::bin::{bin_count, extent};
    use storychart::data::kernels::{bin_params, BinOptions, BinParams};
    use storychart::data::{Column, NumberColumn};
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut below = |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n.max(1)
    };
    for round in 0..120 {
        let words: Vec<u64> = (0..below(if round % 4 == 0 { 5000 } else { 40 }))
            .map(|_| below(u64::MAX))
            .collect();
        // Thresholds 1..=65535 (65535 counts only the sentinel), up to 16 and past.
        let thresholds: Vec<u16> = (0..below(20)).map(|_| 1 + below(65_535) as u16).collect();
        assert_eq!(
            count_at_least(&words, &thresholds),
            count_at_least_rows(&words, &thresholds),
            "round {round}: {thresholds:?}"
        );
    }
    let (mut lanes, mut dense) = (0, 0);
    for round in 0..60 {
        let rows = below(if round % 3 == 0 { 300 } else { 20_000 }) as usize;
        let base = [0.0, -3.0, -40_000.0, 1990.0, 1e15][below(5) as usize];
        let span = [9, 2000, 65_534][below(3) as usize];
        let odd = round % 2 == 0;
        let col = NumberColumn::from_options((0..rows).map(|_| match below(30) {
            0 if odd => None,
            1 if round % 4 < 2 => Some(f64::NAN),
            2 if odd && base == 0.0 => Some(-0.0),
            3 if round % 5 == 0 => Some(base + 0.5),
            _ => Some(base + below(span + 1) as f64),
        }));
        let ext = extent(&Column::Number(col.clone()));
        let n = Narrow::new(&col, ext);
        assert_eq!(n, Narrow::new_rows(&col, ext), "round {round}");
        let Some(n) = n else { continue };
        for k in 0..6 {
            let e = ext.unwrap_or([0.0, 1.0]);
            let p = if k % 2 == 0 {
                bin_params(
                    e,
                    &BinOptions {
                        maxbins: 1.0 + below(200) as f64,
                        ..BinOptions::default()
                    },
                )
            } else {
                let step = (1 + below(5000)) as f64 / 997.0 * (e[1] - e[0] + 1.0) / 9.0;
                let start = e[0] + 0.3 - step * below(3) as f64;
                BinParams {
                    start,
                    stop: start + step * (1 + below(30)) as f64,
                    step,
                }
            };
            let want = bin_count(&col, &p);
            assert_eq!(bin_count_narrow(&col, &n, &p), want, "round {round}: {p:?}");
            if let Some((starts, _)) = want {
                // Few groups: few thresholds (the lanes); many: the histogram.
                if starts.len() <= 8 {
                    lanes += 1;
                } else if starts.len() >= 19 {
                    dense += 1;
                }
            }
        }
    }
    assert!(
        lanes > 20 && dense > 20,
        "{lanes} few-bin cases, {dense} many-bin cases"
    );
}

/// The next double above `x` (finite `x`; `f64::next_up` needs a newer Rust than the MSRV).
fn next_up(x: f64) -> f64 {
    if x == 0.0 {
        f64::from_bits(1)
    } else if x > 0.0 {
        f64::from_bits(x.to_bits() + 1)
    } else {
        f64::from_bits(x.to_bits() - 1)
    }
}

/// The CSV field scan uses WASM's 128-bit SIMD in this build (`parse::dsv::block_bits`):
/// random unquoted tables, with fields long and short across the 64-byte scan blocks, read
/// back exactly as a byte-by-byte split gives them.
#[wasm_bindgen_test]
fn csv_scan_with_simd128_equals_a_byte_split() {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut below = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    for case in 0..200 {
        let delimiter = [',', ';', '\t', '|'][case % 4];
        let width = 1 + below(5);
        let rows = 1 + below(40);
        let cell = |below: &mut dyn FnMut(usize) -> usize| -> String {
            let len = if below(4) == 0 { below(90) } else { below(9) };
            (0..len)
                .map(|_| ['a', 'é', '7', ' ', '"', '-'][below(6)])
                .filter(|c| *c != '"')
                .collect()
        };
        let table: Vec<Vec<String>> = (0..=rows)
            .map(|r| {
                (0..width)
                    .map(|i| {
                        if r == 0 {
                            format!("c{i}")
                        } else {
                            let s = cell(&mut below);
                            // A lone empty field would be a blank line.
                            if width == 1 && s.is_empty() {
                                "x".into()
                            } else {
                                s
                            }
                        }
                    })
                    .collect()
            })
            .collect();
        let line_end = if case % 3 == 0 { "\r\n" } else { "\n" };
        let text: String = table
            .iter()
            .map(|row| row.join(&delimiter.to_string()) + line_end)
            .collect();
        let t = storychart::data::parse::parse_dsv(&text, Some(delimiter as u8), "w.csv").unwrap();
        assert_eq!(t.num_rows(), rows, "case {case}");
        for (i, name) in table[0].iter().enumerate() {
            let col = t.column(name).unwrap();
            for (r, row) in table.iter().skip(1).enumerate() {
                assert_eq!(
                    col.value(r).to_label(),
                    row[i],
                    "case {case} row {r} {name}"
                );
            }
        }
    }
}

/// In WASM, `parse_dsv_auto_report` takes the two-step path (`parse::dsv::auto::two_step`,
/// compiled for wasm32 only): the typed table of a small file with every inferred type, and
/// the same table as parsing to text and then applying `format.parse: "auto"`.
#[wasm_bindgen_test]
fn csv_auto_parse_in_wasm_types_every_column() {
    use storychart::data::parse::{apply_auto_parse, parse_dsv_auto_report, parse_dsv_report};
    use storychart::data::{Column, Value};
    let mut text = String::from("n,b,d,s,late\n");
    for i in 0..5000 {
        let late = if i == 4500 {
            "x".to_string()
        } else {
            i.to_string()
        };
        text.push_str(&format!(
            "{}.5,{},2020-01-{:02},\"k \"\"{}\"\"\",{late}\n",
            i,
            i % 2 == 0,
            1 + i % 28,
            ["alpha", "beta", "gamma"][i % 3]
        ));
    }
    let (t, report) = parse_dsv_auto_report(&text, Some(b','), "w.csv").unwrap();
    assert_eq!(report.rows, 5000);
    assert!(matches!(t.column("n"), Some(Column::Number(_))));
    assert!(matches!(t.column("b"), Some(Column::Bool { .. })));
    assert!(matches!(t.column("d"), Some(Column::Number(_))));
    assert!(matches!(t.column("s"), Some(Column::Str(_))));
    assert!(matches!(t.column("late"), Some(Column::Str(_))));
    assert_eq!(t.column("n").unwrap().value(3), Value::Number(3.5));
    assert_eq!(
        t.column("d").unwrap().value(0),
        Value::Number(1_577_836_800_000.0)
    );
    assert_eq!(t.column("s").unwrap().value(4).to_label(), "k \"beta\"");
    assert_eq!(t.column("late").unwrap().value(4500).to_label(), "x");
    let (mut two, _) = parse_dsv_report(&text, Some(b','), "w.csv").unwrap();
    apply_auto_parse(&mut two).unwrap();
    assert_eq!(t, two);
}
