//! The PNG back end: a scene rasterised natively, for static images and social cards.
//!
//! Stage: render (native only; never compiled into the WASM build). Shapes go through
//! `tiny-skia`, a pure-Rust port of Skia's rasteriser, with anti-aliasing. Text is drawn from
//! the glyph outlines of **DejaVu Sans** (regular and bold, from the `dejavu` crate, which
//! bundles the font files; the fonts are under the free Bitstream Vera / DejaVu licence), read
//! with `ab_glyph`. The same font measures text through [`DejaVuMeasure`], so labels laid out
//! for a PNG fit the glyphs it draws. Text baselines use the SVG back end's em offsets, so
//! the two outputs place text alike.

use ab_glyph::{Font, FontRef, OutlineCurve};
use tiny_skia::{FillRule, LineCap, Paint, PathBuilder, Pixmap, Stroke, Transform};

use super::{paint, Painter};
use crate::error::{Error, Result};
use crate::layout::TextMeasure;
use crate::scene::{Align, Baseline, Color, Path, Rect, Rule, Scene, Shape, Symbol, Text};

/// The largest image [`to_png`] draws, in pixels (width times height).
pub const MAX_PIXELS: f64 = 64.0 * 1024.0 * 1024.0;

/// DejaVu Sans, regular and bold: the font of PNG output and its text measure.
pub struct DejaVuMeasure {
    regular: FontRef<'static>,
    bold: FontRef<'static>,
}

impl DejaVuMeasure {
    /// Loads the bundled fonts.
    pub fn load() -> Result<Self> {
        let font = |bytes: &'static [u8], name: &str| {
            FontRef::try_from_slice(bytes)
                .map_err(|e| Error::io(&format!("font {name}"), &e.to_string()))
        };
        Ok(Self {
            regular: font(dejavu::sans::regular(), "DejaVuSans.ttf")?,
            bold: font(dejavu::sans::bold(), "DejaVuSans-Bold.ttf")?,
        })
    }

    fn font(&self, bold: bool) -> &FontRef<'static> {
        if bold {
            &self.bold
        } else {
            &self.regular
        }
    }

    /// Pixels per font unit at `size` pixels.
    fn unit(font: &FontRef<'static>, size: f64) -> f64 {
        size / f64::from(font.units_per_em().unwrap_or(2048.0))
    }

    /// Advance of each glyph (kerning included), in font units, and the glyph ids.
    fn layout(font: &FontRef<'static>, text: &str) -> (Vec<(ab_glyph::GlyphId, f64)>, f64) {
        let mut glyphs = Vec::with_capacity(text.len());
        let mut x = 0.0;
        let mut prev = None;
        for c in text.chars() {
            let id = font.glyph_id(c);
            if let Some(p) = prev {
                x += f64::from(font.kern_unscaled(p, id));
            }
            glyphs.push((id, x));
            x += f64::from(font.h_advance_unscaled(id));
            prev = Some(id);
        }
        (glyphs, x)
    }
}

impl TextMeasure for DejaVuMeasure {
    fn width(&self, text: &str, size: f64, bold: bool) -> f64 {
        let font = self.font(bold);
        Self::layout(font, text).1 * Self::unit(font, size)
    }
}

/// Renders `scene` as a PNG file's bytes, at `scale` device pixels per CSS pixel.
pub fn to_png(scene: &Scene, scale: f64) -> Result<Vec<u8>> {
    let pixmap = rasterize(scene, scale)?;
    pixmap
        .encode_png()
        .map_err(|e| Error::io("png", &e.to_string()))
}

/// Rasterises `scene` at `scale` device pixels per CSS pixel.
pub fn rasterize(scene: &Scene, scale: f64) -> Result<Pixmap> {
    let (w, h) = (
        (scene.width * scale).round(),
        (scene.height * scale).round(),
    );
    if !(scale.is_finite() && scale > 0.0 && w >= 1.0 && h >= 1.0 && w * h <= MAX_PIXELS) {
        return Err(Error::png_size(w, h, scale, MAX_PIXELS));
    }
    let mut pixmap =
        Pixmap::new(w as u32, h as u32).ok_or_else(|| Error::png_size(w, h, scale, MAX_PIXELS))?;
    let mut painter = PngPainter {
        pixmap: &mut pixmap,
        base: Transform::from_scale(scale as f32, scale as f32),
        fonts: DejaVuMeasure::load()?,
    };
    paint(scene, &mut painter);
    Ok(pixmap)
}

struct PngPainter<'a> {
    pixmap: &'a mut Pixmap,
    base: Transform,
    fonts: DejaVuMeasure,
}

fn solid(color: Color) -> Paint<'static> {
    let mut p = Paint::default();
    let alpha = (color.a.clamp(0.0, 1.0) * 255.0).round() as u8;
    p.set_color_rgba8(color.r, color.g, color.b, alpha);
    p.anti_alias = true;
    p
}

impl PngPainter<'_> {
    fn fill(&mut self, path: &tiny_skia::Path, color: Color) {
        self.pixmap
            .fill_path(path, &solid(color), FillRule::Winding, self.base, None);
    }

    fn stroke(&mut self, path: &tiny_skia::Path, color: Color, width: f64, cap: LineCap) {
        let stroke = Stroke {
            width: width as f32,
            line_cap: cap,
            ..Stroke::default()
        };
        self.pixmap
            .stroke_path(path, &solid(color), &stroke, self.base, None);
    }
}

/// A rectangle path, with rounded corners when `radius > 0`.
fn rect_path(x: f64, y: f64, w: f64, h: f64, radius: f64) -> Option<tiny_skia::Path> {
    let r = radius.min(w / 2.0).min(h / 2.0).max(0.0) as f32;
    let (x, y, w, h) = (x as f32, y as f32, w as f32, h as f32);
    if r <= 0.0 {
        return Some(PathBuilder::from_rect(tiny_skia::Rect::from_xywh(
            x, y, w, h,
        )?));
    }
    // Cubic approximation of a quarter circle.
    let k = r * (1.0 - 0.552_284_8);
    let mut pb = PathBuilder::new();
    pb.move_to(x + r, y);
    pb.line_to(x + w - r, y);
    pb.cubic_to(x + w - k, y, x + w, y + k, x + w, y + r);
    pb.line_to(x + w, y + h - r);
    pb.cubic_to(x + w, y + h - k, x + w - k, y + h, x + w - r, y + h);
    pb.line_to(x + r, y + h);
    pb.cubic_to(x + k, y + h, x, y + h - k, x, y + h - r);
    pb.line_to(x, y + r);
    pb.cubic_to(x, y + k, x + k, y, x + r, y);
    pb.close();
    pb.finish()
}

impl Painter for PngPainter<'_> {
    fn rect(&mut self, r: &Rect) {
        let Some(path) = rect_path(r.x, r.y, r.width, r.height, r.corner_radius) else {
            return;
        };
        self.fill(&path, r.fill);
        if let Some((c, w)) = r.stroke {
            self.stroke(&path, c, w, LineCap::Butt);
        }
    }

    fn rule(&mut self, r: &Rule) {
        let mut pb = PathBuilder::new();
        pb.move_to(r.x1 as f32, r.y1 as f32);
        pb.line_to(r.x2 as f32, r.y2 as f32);
        if let Some(path) = pb.finish() {
            self.stroke(&path, r.stroke, r.width, LineCap::Butt);
        }
    }

    fn symbol(&mut self, sy: &Symbol) {
        let path = match sy.shape {
            Shape::Circle => PathBuilder::from_circle(
                sy.x as f32,
                sy.y as f32,
                (sy.size.max(0.0) / std::f64::consts::PI).sqrt() as f32,
            ),
            Shape::Square => {
                let side = sy.size.max(0.0).sqrt();
                rect_path(sy.x - side / 2.0, sy.y - side / 2.0, side, side, 0.0)
            }
        };
        let Some(path) = path else { return };
        if let Some(f) = sy.fill {
            self.fill(&path, f);
        }
        if let Some((c, w)) = sy.stroke {
            self.stroke(&path, c, w, LineCap::Butt);
        }
    }

    fn path(&mut self, p: &Path) {
        let mut pb = PathBuilder::new();
        for (i, (x, y)) in p.points.iter().enumerate() {
            if i == 0 {
                pb.move_to(*x as f32, *y as f32);
            } else {
                pb.line_to(*x as f32, *y as f32);
            }
        }
        if p.closed {
            pb.close();
        }
        let Some(path) = pb.finish() else { return };
        if let Some(f) = p.fill {
            self.fill(&path, f);
        }
        if let Some((c, w)) = p.stroke {
            self.stroke(&path, c, w, LineCap::Butt);
        }
    }

    fn text(&mut self, t: &Text) {
        let font = self.fonts.font(t.bold);
        let unit = DejaVuMeasure::unit(font, t.size);
        let (glyphs, advance) = DejaVuMeasure::layout(font, &t.text);
        let mut pb = PathBuilder::new();
        for (id, x0) in glyphs {
            let Some(outline) = font.outline(id) else {
                continue;
            };
            let x0 = x0 as f32;
            let mut last: Option<ab_glyph::Point> = None;
            for curve in outline.curves {
                let start = match &curve {
                    OutlineCurve::Line(a, _)
                    | OutlineCurve::Quad(a, _, _)
                    | OutlineCurve::Cubic(a, _, _, _) => *a,
                };
                if last != Some(start) {
                    if last.is_some() {
                        pb.close();
                    }
                    pb.move_to(x0 + start.x, start.y);
                }
                let end = match curve {
                    OutlineCurve::Line(_, b) => {
                        pb.line_to(x0 + b.x, b.y);
                        b
                    }
                    OutlineCurve::Quad(_, c, b) => {
                        pb.quad_to(x0 + c.x, c.y, x0 + b.x, b.y);
                        b
                    }
                    OutlineCurve::Cubic(_, c1, c2, b) => {
                        pb.cubic_to(x0 + c1.x, c1.y, x0 + c2.x, c2.y, x0 + b.x, b.y);
                        b
                    }
                };
                last = Some(end);
            }
            if last.is_some() {
                pb.close();
            }
        }
        let Some(path) = pb.finish() else { return };
        let width = advance * unit;
        let dx = match t.align {
            Align::Left => 0.0,
            Align::Center => -width / 2.0,
            Align::Right => -width,
        };
        // The SVG back end's `dy` offsets, in ems.
        let dy = match t.baseline {
            Baseline::Top => 0.79,
            Baseline::Middle => 0.35,
            Baseline::Alphabetic => 0.0,
            Baseline::Bottom => -0.21,
        } * t.size;
        let transform = self
            .base
            .pre_translate(t.x as f32, t.y as f32)
            .pre_rotate(t.angle as f32)
            .pre_translate(dx as f32, dy as f32)
            .pre_scale(unit as f32, -unit as f32);
        self.pixmap
            .fill_path(&path, &solid(t.fill), FillRule::Winding, transform, None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::Role;

    fn scene(items: Vec<crate::scene::Item>) -> Scene {
        Scene {
            width: 40.0,
            height: 20.0,
            items,
            description: String::new(),
        }
    }

    fn px(p: &Pixmap, x: u32, y: u32) -> (u8, u8, u8, u8) {
        let c = p.pixel(x, y).map(|c| c.demultiply());
        c.map_or((0, 0, 0, 0), |c| (c.red(), c.green(), c.blue(), c.alpha()))
    }

    #[test]
    fn measure_comes_from_the_font_and_bold_is_wider() {
        let m = DejaVuMeasure::load().unwrap();
        let w = m.width("Women", 10.0, false);
        // DejaVu Sans: W 2025, o 1253, m 1995, e 1231, n 1298 units of 2048 (about 38 px).
        assert!(w > 35.0 && w < 40.0, "{w}");
        assert!(m.width("Women", 10.0, true) > w);
        assert!((m.width("Women", 20.0, false) - 2.0 * w).abs() < 1e-9);
        assert_eq!(m.width("", 10.0, false), 0.0);
    }

    #[test]
    fn a_rect_fills_its_pixels_and_scale_doubles_the_image() {
        let red = Color::parse("#ff0000").unwrap();
        let s = scene(vec![crate::scene::Item::Rect(Rect {
            x: 10.0,
            y: 5.0,
            width: 10.0,
            height: 10.0,
            fill: red,
            stroke: None,
            corner_radius: 0.0,
            role: Role::Mark(0),
            row: Some(0),
        })]);
        let p = rasterize(&s, 1.0).unwrap();
        assert_eq!((p.width(), p.height()), (40, 20));
        assert_eq!(px(&p, 15, 10), (255, 0, 0, 255));
        assert_eq!(px(&p, 25, 10).3, 0);
        let p2 = rasterize(&s, 2.0).unwrap();
        assert_eq!((p2.width(), p2.height()), (80, 40));
        assert_eq!(px(&p2, 30, 20), (255, 0, 0, 255));
        assert_eq!(px(&p2, 19, 20).3, 0);
    }

    #[test]
    fn text_draws_ink_near_its_anchor() {
        let black = Color::parse("#000000").unwrap();
        let s = scene(vec![crate::scene::Item::Text(Text {
            x: 20.0,
            y: 10.0,
            text: "HH".into(),
            size: 12.0,
            bold: false,
            fill: black,
            align: Align::Center,
            baseline: Baseline::Middle,
            angle: 0.0,
            role: Role::Label,
        })]);
        let p = rasterize(&s, 1.0).unwrap();
        let inked: Vec<(u32, u32)> = (0..40)
            .flat_map(|x| (0..20).map(move |y| (x, y)))
            .filter(|&(x, y)| px(&p, x, y).3 > 128)
            .collect();
        assert!(!inked.is_empty());
        let (minx, maxx) = (
            inked.iter().map(|p| p.0).min().unwrap(),
            inked.iter().map(|p| p.0).max().unwrap(),
        );
        let (miny, maxy) = (
            inked.iter().map(|p| p.1).min().unwrap(),
            inked.iter().map(|p| p.1).max().unwrap(),
        );
        // Centred on x = 20, cap height ~9 px centred near y = 10.
        assert!(
            (12..=14).contains(&minx) && (25..=28).contains(&maxx),
            "{minx}..{maxx}"
        );
        assert!(
            (4..=7).contains(&miny) && (12..=15).contains(&maxy),
            "{miny}..{maxy}"
        );
    }

    #[test]
    fn absurd_sizes_are_errors_not_panics() {
        let s = scene(Vec::new());
        assert!(rasterize(&s, 0.0).is_err());
        assert!(rasterize(&s, f64::NAN).is_err());
        assert!(rasterize(&s, 1e6).is_err());
    }
}
