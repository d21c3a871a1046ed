//! Layout at reader widths: every story-page spec (www/specs) laid out at 320, 768 and 1280 px
//! containers (minus the page's 32 px of padding) keeps each text inside the chart and no two
//! texts overlapping, in every supported locale. Playwright checks the same in Chromium with
//! real fonts; this native check uses the deterministic `FixedMetrics`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use storychart::scale::LocaleName;
use storychart::scene::text_bounds;
use storychart::{Chart, FixedMetrics, SceneOptions, TextMeasure};

fn story_specs() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("www/specs");
    let mut specs: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".vl.json"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    specs.sort();
    specs
}

#[test]
fn story_charts_keep_their_texts_apart_and_inside_at_reader_widths() {
    let specs = story_specs();
    assert!(specs.len() >= 4, "only {} story specs", specs.len());
    for (name, text) in &specs {
        let chart = Chart::from_spec(text).unwrap();
        for width in [320.0, 768.0, 1280.0] {
            for locale in LocaleName::ALL {
                let options = SceneOptions {
                    container_width: Some(f64::min(width, 680.0) - 32.0),
                    locale,
                    ..SceneOptions::default()
                };
                let scene = chart.scene(&options, &FixedMetrics).unwrap();
                let boxes: Vec<_> = scene
                    .texts()
                    .map(|t| {
                        (
                            t.text.clone(),
                            text_bounds(t, FixedMetrics.width(&t.text, t.size, t.bold)),
                        )
                    })
                    .collect();
                let at = format!("{name} at {width}px in {}", locale.tag());
                assert!(
                    scene.width <= options.container_width.unwrap() + 0.5,
                    "{at}: {} wide",
                    scene.width
                );
                for (t, b) in &boxes {
                    assert!(
                        b.x >= -0.5
                            && b.y >= -0.5
                            && b.x + b.width <= scene.width + 0.5
                            && b.y + b.height <= scene.height + 0.5,
                        "{at}: {t:?} leaves the chart: {b:?} in {}x{}",
                        scene.width,
                        scene.height
                    );
                }
                for (i, (a, ab)) in boxes.iter().enumerate() {
                    for (b, bb) in boxes.iter().skip(i + 1) {
                        assert!(!ab.overlaps(bb, 0.5), "{at}: {a:?} overlaps {b:?}");
                    }
                }
            }
        }
    }
}

/// A colour legend sits right of the plot in a wide container and moves under the plot (and
/// inside the chart) in a phone-width one, where it would take over a quarter of the width.
#[test]
fn the_legend_moves_under_the_plot_in_a_narrow_container() {
    use storychart::scene::{Item, Role};
    let spec = r#"{"data": {"values": [
        {"k": "a", "g": "Very long group name one", "v": 3},
        {"k": "b", "g": "Very long group name two", "v": 5},
        {"k": "c", "g": "Very long group name one", "v": 4}]},
      "mark": "bar", "width": "container",
      "encoding": {"x": {"field": "k", "type": "nominal"},
                   "y": {"field": "v", "type": "quantitative"},
                   "color": {"field": "g", "type": "nominal"}}}"#;
    let chart = Chart::from_spec(spec).unwrap();
    let layout = |width: f64| {
        let options = SceneOptions {
            container_width: Some(width),
            ..SceneOptions::default()
        };
        let scene = chart.scene(&options, &FixedMetrics).unwrap();
        let bottom_of_marks = scene
            .mark_rects(0)
            .map(|r| r.y + r.height)
            .fold(0.0, f64::max);
        let right_of_marks = scene
            .mark_rects(0)
            .map(|r| r.x + r.width)
            .fold(0.0, f64::max);
        let legend: Vec<_> = scene
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Text(t) if t.role == Role::LegendLabel => Some(t.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(legend.len(), 2);
        (scene, bottom_of_marks, right_of_marks, legend)
    };
    let (_, _, right, legend) = layout(900.0);
    assert!(
        legend.iter().all(|t| t.x > right),
        "wide: legend right of the plot"
    );
    let (scene, bottom, _, legend) = layout(300.0);
    assert!(
        legend.iter().all(|t| t.y > bottom),
        "narrow: legend under the plot"
    );
    for t in &legend {
        let b = text_bounds(t, FixedMetrics.width(&t.text, t.size, t.bold));
        assert!(
            b.x + b.width <= scene.width && b.y + b.height <= scene.height,
            "{b:?}"
        );
    }
}
