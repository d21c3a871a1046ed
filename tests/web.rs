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

use storychart::web::StoryChart;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

wasm_bindgen_test_configure!(run_in_browser);

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
