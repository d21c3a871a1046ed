//! The Canvas 2D back end and canvas text measurement.
//!
//! Stage: render (browser). Draws scene items with the 2D context's own calls; text is drawn
//! by the browser with the page's fonts. The context's transform carries the device pixel
//! ratio, so scene coordinates stay in CSS pixels.

use std::f64::consts::PI;

use wasm_bindgen::{JsCast, JsError};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use crate::layout::TextMeasure;
use crate::render::Painter;
use crate::scene::dump::{align_name, baseline_name, num};
use crate::scene::{Color, Path, Rect, Rule, Shape, Symbol, Text, FONT_FAMILY};

/// The canvas's 2D context.
pub fn context_2d(canvas: &HtmlCanvasElement) -> Result<CanvasRenderingContext2d, JsError> {
    canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
        .ok_or_else(|| JsError::new("canvas: no 2d context"))
}

fn font(size: f64, bold: bool) -> String {
    format!(
        "{}{}px {FONT_FAMILY}",
        if bold { "bold " } else { "" },
        num(size)
    )
}

/// Text widths already measured, by (text, size bits, bold): a chart redrawn while brushing
/// lays out the same labels every frame, and setting the context's font is slow.
pub type WidthCache = std::cell::RefCell<std::collections::HashMap<(String, u64, bool), f64>>;

/// Measures text with the canvas's `measureText` (through a [`WidthCache`]).
pub struct CanvasMeasure<'a> {
    ctx: &'a CanvasRenderingContext2d,
    cache: Option<&'a WidthCache>,
}

impl<'a> CanvasMeasure<'a> {
    /// Measures with `ctx`.
    pub fn new(ctx: &'a CanvasRenderingContext2d) -> Self {
        Self { ctx, cache: None }
    }

    /// Measures with `ctx`, remembering widths in `cache`.
    pub fn with_cache(ctx: &'a CanvasRenderingContext2d, cache: &'a WidthCache) -> Self {
        Self {
            ctx,
            cache: Some(cache),
        }
    }

    fn measure(&self, text: &str, size: f64, bold: bool) -> f64 {
        self.ctx.set_font(&font(size, bold));
        self.ctx.measure_text(text).map_or(0.0, |m| m.width())
    }
}

impl TextMeasure for CanvasMeasure<'_> {
    fn width(&self, text: &str, size: f64, bold: bool) -> f64 {
        let Some(cache) = self.cache else {
            return self.measure(text, size, bold);
        };
        let key = (text.to_string(), size.to_bits(), bold);
        if let Some(w) = cache.borrow().get(&key) {
            return *w;
        }
        let w = self.measure(text, size, bold);
        let mut cache = cache.borrow_mut();
        if cache.len() > 20_000 {
            cache.clear();
        }
        cache.insert(key, w);
        w
    }
}

/// Paints scene items on a 2D context.
pub struct CanvasPainter<'a> {
    ctx: &'a CanvasRenderingContext2d,
}

impl<'a> CanvasPainter<'a> {
    /// Paints on `ctx`.
    pub fn new(ctx: &'a CanvasRenderingContext2d) -> Self {
        Self { ctx }
    }

    fn fill_and_stroke(&self, fill: Option<Color>, stroke: Option<(Color, f64)>) {
        if let Some(f) = fill {
            self.ctx.set_fill_style_str(&f.to_css());
            self.ctx.fill();
        }
        if let Some((c, w)) = stroke {
            self.ctx.set_stroke_style_str(&c.to_css());
            self.ctx.set_line_width(w);
            self.ctx.stroke();
        }
    }

    fn rounded_rect(&self, r: &Rect) {
        let rad = r
            .corner_radius
            .min(r.width / 2.0)
            .min(r.height / 2.0)
            .max(0.0);
        let (x, y, w, h) = (r.x, r.y, r.width, r.height);
        let ctx = self.ctx;
        ctx.begin_path();
        ctx.move_to(x + rad, y);
        let _ = ctx.arc_to(x + w, y, x + w, y + h, rad);
        let _ = ctx.arc_to(x + w, y + h, x, y + h, rad);
        let _ = ctx.arc_to(x, y + h, x, y, rad);
        let _ = ctx.arc_to(x, y, x + w, y, rad);
        ctx.close_path();
    }
}

impl Painter for CanvasPainter<'_> {
    fn rect(&mut self, r: &Rect) {
        let ctx = self.ctx;
        if r.corner_radius > 0.0 {
            self.rounded_rect(r);
            ctx.set_fill_style_str(&r.fill.to_css());
            ctx.fill();
        } else {
            ctx.set_fill_style_str(&r.fill.to_css());
            ctx.fill_rect(r.x, r.y, r.width, r.height);
        }
        if let Some((c, w)) = r.stroke {
            ctx.set_stroke_style_str(&c.to_css());
            ctx.set_line_width(w);
            ctx.stroke_rect(r.x, r.y, r.width, r.height);
        }
    }

    fn rule(&mut self, r: &Rule) {
        let ctx = self.ctx;
        ctx.begin_path();
        ctx.move_to(r.x1, r.y1);
        ctx.line_to(r.x2, r.y2);
        ctx.set_stroke_style_str(&r.stroke.to_css());
        ctx.set_line_width(r.width);
        ctx.stroke();
    }

    fn symbol(&mut self, sy: &Symbol) {
        let ctx = self.ctx;
        ctx.begin_path();
        match sy.shape {
            Shape::Circle => {
                let r = (sy.size / PI).sqrt();
                let _ = ctx.arc(sy.x, sy.y, r, 0.0, 2.0 * PI);
            }
            Shape::Square => {
                let side = sy.size.sqrt();
                ctx.rect(sy.x - side / 2.0, sy.y - side / 2.0, side, side);
            }
        }
        self.fill_and_stroke(sy.fill, sy.stroke);
    }

    fn path(&mut self, p: &Path) {
        let ctx = self.ctx;
        ctx.begin_path();
        for (i, (x, y)) in p.points.iter().enumerate() {
            if i == 0 {
                ctx.move_to(*x, *y);
            } else {
                ctx.line_to(*x, *y);
            }
        }
        if p.closed {
            ctx.close_path();
        }
        self.fill_and_stroke(p.fill, p.stroke);
    }

    fn text(&mut self, t: &Text) {
        let ctx = self.ctx;
        ctx.save();
        ctx.set_font(&font(t.size, t.bold));
        ctx.set_fill_style_str(&t.fill.to_css());
        ctx.set_text_align(align_name(t.align));
        ctx.set_text_baseline(baseline_name(t.baseline));
        let _ = ctx.translate(t.x, t.y);
        if t.angle != 0.0 {
            let _ = ctx.rotate(t.angle * PI / 180.0);
        }
        let _ = ctx.fill_text(&t.text, 0.0, 0.0);
        ctx.restore();
    }
}
