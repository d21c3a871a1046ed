//! PNG output, checked by decoding it: the pixels at the positions the scene gives each mark
//! item carry that mark's colour (bars, ticks, points, lines, areas, rules), at scale 1 and 2;
//! and the CLI's `--scale 2` doubles the image's pixel size.
#![cfg(all(feature = "png", not(target_arch = "wasm32")))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::process::Command;

use storychart::render::png::{to_png, DejaVuMeasure};
use storychart::scene::{Color, Item, Role, Scene, Shape};
use storychart::{Chart, SceneOptions};

/// A decoded RGBA image.
struct Image {
    width: u32,
    height: u32,
    rgba: Vec<u8>,
}

fn decode(bytes: &[u8]) -> Image {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut rgba = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut rgba).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgba);
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    rgba.truncate(info.buffer_size());
    Image {
        width: info.width,
        height: info.height,
        rgba,
    }
}

impl Image {
    fn pixel(&self, x: f64, y: f64) -> Option<[u8; 4]> {
        if x < 0.0 || y < 0.0 || x >= f64::from(self.width) || y >= f64::from(self.height) {
            return None;
        }
        let i = ((y as u32 * self.width + x as u32) * 4) as usize;
        Some([
            self.rgba[i],
            self.rgba[i + 1],
            self.rgba[i + 2],
            self.rgba[i + 3],
        ])
    }

    /// Whether a pixel within one device pixel of `(x, y)` has colour `c` (anti-aliased
    /// edges and 1-2 px strokes may straddle pixel boundaries).
    fn has_near(&self, x: f64, y: f64, c: Color) -> bool {
        let want = [c.r, c.g, c.b];
        [-1.0, 0.0, 1.0].iter().any(|dx| {
            [-1.0, 0.0, 1.0].iter().any(|dy| {
                self.pixel(x + dx, y + dy).is_some_and(|p| {
                    p[3] == 255
                        && p.iter()
                            .zip(want)
                            .all(|(a, b)| (i32::from(*a) - i32::from(b)).abs() <= 3)
                })
            })
        })
    }
}

/// Where a mark item shows its colour, in CSS pixels, and which colour.
fn sample_points(scene: &Scene) -> Vec<(&'static str, f64, f64, Color)> {
    sample_points_sized(scene)
        .into_iter()
        .map(|(k, x, y, c, _)| (k, x, y, c))
        .collect()
}

/// [`sample_points`] with the item's thinnest dimension in CSS pixels (a 1 px tick on a
/// half pixel covers no whole device pixel at scale 1, only at scale 2).
fn sample_points_sized(scene: &Scene) -> Vec<(&'static str, f64, f64, Color, f64)> {
    let mut out = Vec::new();
    for item in &scene.items {
        if !matches!(item.role(), Role::Mark(_)) {
            continue;
        }
        match item {
            Item::Rect(r) if r.width >= 1.0 && r.height >= 1.0 => {
                let (x, y) = r.center();
                out.push(("rect", x, y, r.fill, r.width.min(r.height)));
            }
            Item::Rule(r) => out.push((
                "rule",
                (r.x1 + r.x2) / 2.0,
                (r.y1 + r.y2) / 2.0,
                r.stroke,
                r.width,
            )),
            Item::Symbol(s) => match (s.fill, s.stroke, s.shape) {
                (Some(f), _, _) => out.push(("symbol", s.x, s.y, f, s.size.sqrt())),
                (None, Some((c, _)), Shape::Circle) => {
                    let r = (s.size / std::f64::consts::PI).sqrt();
                    out.push(("symbol", s.x + r, s.y, c, 2.0));
                }
                _ => {}
            },
            Item::Path(p) => {
                if let (Some(f), true) = (p.fill, p.closed) {
                    // An area: the middle of the vertical span under its middle vertex.
                    let n = p.points.len();
                    let (x, top) = p.points[n / 4];
                    let bottom = p
                        .points
                        .iter()
                        .filter(|q| (q.0 - x).abs() < 1e-6)
                        .map(|q| q.1)
                        .fold(top, f64::max);
                    out.push(("area", x, (top + bottom) / 2.0, f, bottom - top));
                } else if let (Some((c, w)), [a, b, ..]) = (p.stroke, p.points.as_slice()) {
                    out.push(("line", (a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0, c, w));
                }
            }
            _ => {}
        }
    }
    out
}

fn scene_of(spec: &str) -> Scene {
    let text = std::fs::read_to_string(common::root().join("tests/specs").join(spec)).unwrap();
    let chart = Chart::from_spec(&text).unwrap_or_else(|e| panic!("{spec}: {e}"));
    let options = SceneOptions {
        container_width: Some(400.0),
        ..SceneOptions::default()
    };
    chart
        .scene(&options, &DejaVuMeasure::load().unwrap())
        .unwrap()
}

fn check_marks(spec: &str, kinds: &[&str]) {
    let scene = scene_of(spec);
    let samples = sample_points_sized(&scene);
    for kind in kinds {
        assert!(
            samples.iter().any(|s| s.0 == *kind),
            "{spec}: no {kind} item in the scene"
        );
    }
    for scale in [1.0, 2.0] {
        let img = decode(&to_png(&scene, scale).unwrap());
        assert_eq!(img.width, (scene.width * scale).round() as u32);
        assert_eq!(img.height, (scene.height * scale).round() as u32);
        let mut checked = 0;
        for (kind, x, y, c, thinnest) in &samples {
            if thinnest * scale < 2.0 {
                continue;
            }
            checked += 1;
            assert!(
                img.has_near(x * scale, y * scale, *c),
                "{spec} at scale {scale}: the {kind} at ({x}, {y}) is not {} there: {:?}",
                c.to_css(),
                img.pixel(x * scale, y * scale)
            );
        }
        if scale == 2.0 {
            assert_eq!(
                checked,
                samples.len(),
                "{spec}: every item is checked at scale 2"
            );
        }
        // And the background is the background: a corner pixel is opaque white.
        assert_eq!(img.pixel(0.0, 0.0), Some([255, 255, 255, 255]), "{spec}");
    }
}

#[test]
fn bars_carry_their_colours() {
    check_marks("grouped-bars.vl.json", &["rect"]);
    check_marks("stacked-by-color.vl.json", &["rect"]);
    check_marks("rect-grid.vl.json", &["rect"]);
    check_marks("rounded-bars.vl.json", &["rect"]);
}

#[test]
fn points_carry_their_colours() {
    check_marks("scatter.vl.json", &["symbol"]);
    // Unfilled points: the colour is on the outline.
    check_marks("points-by-group.vl.json", &["symbol"]);
    check_marks("squares.vl.json", &["symbol"]);
}

#[test]
fn lines_carry_their_colours() {
    check_marks("lines-by-series.vl.json", &["line"]);
    check_marks("monthly-line.vl.json", &["line"]);
}

#[test]
fn rules_and_areas_carry_their_colours() {
    check_marks("reference-rule.vl.json", &["rule"]);
    check_marks("range-rules.vl.json", &["rule"]);
    check_marks("area-and-rule.vl.json", &["area"]);
    check_marks("stacked-area.vl.json", &["area"]);
}

#[test]
fn ticks_carry_their_colours() {
    check_marks("strip-ticks.vl.json", &["rect"]);
}

#[test]
fn a_wrong_colour_would_be_caught() {
    // The check is not vacuous: the same positions do not carry a colour the marks lack.
    let scene = scene_of("grouped-bars.vl.json");
    let img = decode(&to_png(&scene, 1.0).unwrap());
    let green = Color::parse("#00ff00").unwrap();
    assert!(sample_points(&scene)
        .iter()
        .all(|(_, x, y, _)| !img.has_near(*x, *y, green)));
}

#[test]
fn cli_writes_a_png_and_scale_2_doubles_its_size() {
    let spec = common::root().join("tests/specs/grouped-bars.vl.json");
    let dir = std::env::temp_dir().join(format!("storychart-png-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut sizes = Vec::new();
    for scale in ["1", "2"] {
        let out = dir.join(format!("chart@{scale}.png"));
        let o = Command::new(env!("CARGO_BIN_EXE_storychart"))
            .args(["render", spec.to_str().unwrap(), "-o"])
            .arg(&out)
            .args(["--scale", scale])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let bytes = std::fs::read(&out).unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        let img = decode(&bytes);
        sizes.push((img.width, img.height));
    }
    assert_eq!(sizes[1], (sizes[0].0 * 2, sizes[0].1 * 2), "{sizes:?}");
    // And the scene behind it is the one the library lays out with the PNG's font.
    let scene = scene_of("grouped-bars.vl.json");
    assert_eq!(
        sizes[0],
        (scene.width.round() as u32, scene.height.round() as u32)
    );
}

#[test]
fn cli_rejects_a_bad_scale_with_a_usage_error() {
    let spec = common::root().join("tests/specs/grouped-bars.vl.json");
    let o = Command::new(env!("CARGO_BIN_EXE_storychart"))
        .args([
            "render",
            spec.to_str().unwrap(),
            "-o",
            "x.png",
            "--scale",
            "0",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--scale: \"0\" is not a positive number"));
}
