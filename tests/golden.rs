//! Golden tests of whole charts: the scene's text dump and the SVG, for every spec in
//! `tests/specs/` and the story page's specs in `www/specs/`. `UPDATE_GOLDEN=1` rewrites them.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use storychart::scene::dump::dump;
use storychart::{to_svg, Chart, FixedMetrics, SceneOptions};

/// Container width used for `"width": "container"` specs.
const CONTAINER_WIDTH: f64 = 400.0;

fn specs() -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for dir in ["tests/specs", "www/specs"] {
        for entry in std::fs::read_dir(common::root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.to_string_lossy().ends_with(".vl.json") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_spec_matches_its_golden_scene_and_svg() {
    let specs = specs();
    assert!(
        specs.len() >= 24,
        "expected at least 24 golden specs, found {specs:?}"
    );
    // Every mark storychart draws has a golden chart.
    let mut marks = std::collections::BTreeSet::new();
    for path in &specs {
        let spec: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let units = match spec["layer"].as_array() {
            Some(layers) => layers.clone(),
            None => vec![spec],
        };
        for unit in units {
            let mark = unit["mark"]["type"].as_str().or(unit["mark"].as_str());
            marks.extend(mark.map(str::to_string));
        }
    }
    for mark in [
        "bar", "rect", "point", "circle", "square", "tick", "rule", "line", "area", "text",
    ] {
        assert!(marks.contains(mark), "no golden spec draws a {mark} mark");
    }
    for path in specs {
        let chart = Chart::from_spec(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let options = SceneOptions {
            container_width: Some(CONTAINER_WIDTH),
            container_height: None,
            ..SceneOptions::default()
        };
        let scene = chart.scene(&options, &FixedMetrics).unwrap();
        let name = path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .replace(".vl.json", "");
        let golden = common::root().join("tests/golden");
        common::check_golden(&golden.join(format!("{name}.scene.txt")), &dump(&scene));
        common::check_golden(&golden.join(format!("{name}.svg")), &to_svg(&scene));
    }
}

#[test]
fn story_chart_bars_are_in_value_order_with_published_figures() {
    let text =
        std::fs::read_to_string(common::root().join("www/specs/victims-by-group.vl.json")).unwrap();
    let chart = Chart::from_spec(&text).unwrap();
    let scene = chart
        .scene(&SceneOptions::default(), &FixedMetrics)
        .unwrap();
    let bars: Vec<_> = scene.mark_rects(0).collect();
    assert_eq!(bars.len(), 4);
    // Sorted by value, largest on top; widths proportional to the shares.
    assert!(bars
        .windows(2)
        .all(|w| w[0].y < w[1].y || w[0].width == w[1].width));
    let widest = bars.iter().map(|b| b.width).fold(0.0, f64::max);
    let shares: Vec<f64> = bars
        .iter()
        .map(|b| (b.width / widest * 50.0).round())
        .collect();
    let mut sorted = shares.clone();
    sorted.sort_by(|a, b| b.total_cmp(a));
    assert_eq!(shares, sorted);
    assert_eq!(sorted, vec![50.0, 44.0, 3.0, 3.0]);
}
