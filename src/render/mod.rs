//! Stage 9: renderers. One [`Painter`] trait, many back ends.
//!
//! [`paint`] walks a [`Scene`] in order and hands each item to a painter. The SVG back end
//! ([`svg`]) is native and portable; the Canvas 2D back end lives in `src/web/canvas.rs`
//! because it needs the browser. The PNG back end ([`png`]) is native only, behind the default
//! `png` feature.

#[cfg(all(feature = "png", not(target_arch = "wasm32")))]
pub mod png;
pub mod svg;

pub use svg::{to_svg, to_svg_scaled};

use crate::scene::{Item, Path, Rect, Rule, Scene, Symbol, Text};

/// A drawing back end.
pub trait Painter {
    /// Draws a rectangle.
    fn rect(&mut self, rect: &Rect);
    /// Draws a line.
    fn rule(&mut self, rule: &Rule);
    /// Draws a line of text.
    fn text(&mut self, text: &Text);
    /// Draws a point symbol.
    fn symbol(&mut self, symbol: &Symbol);
    /// Draws a polyline or polygon.
    fn path(&mut self, path: &Path);
}

/// Paints every item of `scene`, in order.
pub fn paint(scene: &Scene, painter: &mut dyn Painter) {
    for item in &scene.items {
        match item {
            Item::Rect(r) => painter.rect(r),
            Item::Rule(r) => painter.rule(r),
            Item::Text(t) => painter.text(t),
            Item::Symbol(s) => painter.symbol(s),
            Item::Path(p) => painter.path(p),
        }
    }
}
