//! The SVG back end: a standalone SVG document, for static fallbacks and export.
//!
//! Stage: render. Text is escaped (never markup); numbers are written with at most 2
//! decimals, so the output is stable for golden tests. Text baselines are emulated with `dy`
//! offsets in ems, which every SVG renderer supports.

use super::{paint, Painter};
use crate::scene::dump::num;
use crate::scene::{
    Align, Baseline, Color, Path, Rect, Rule, Scene, Shape, Symbol, Text, FONT_FAMILY,
};

/// Renders `scene` as an SVG document.
pub fn to_svg(scene: &Scene) -> String {
    to_svg_scaled(scene, 1.0)
}

/// Renders `scene` as an SVG document whose `width` and `height` are `scale` times the scene's
/// (the `viewBox` keeps scene coordinates, so the drawing scales with it).
pub fn to_svg_scaled(scene: &Scene, scale: f64) -> String {
    let (w, h) = (num(scene.width), num(scene.height));
    let (sw, sh) = (num(scene.width * scale), num(scene.height * scale));
    let mut svg = SvgPainter {
        out: format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{sw}\" height=\"{sh}\" \
             viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\" \
             font-family=\"{FONT_FAMILY}\">\n",
            escape(&scene.description)
        ),
    };
    paint(scene, &mut svg);
    svg.out.push_str("</svg>\n");
    svg.out
}

struct SvgPainter {
    out: String,
}

impl Painter for SvgPainter {
    fn rect(&mut self, r: &Rect) {
        let mut s = format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"",
            num(r.x),
            num(r.y),
            num(r.width),
            num(r.height),
            r.fill.to_css()
        );
        if r.corner_radius > 0.0 {
            s.push_str(&format!(" rx=\"{}\"", num(r.corner_radius)));
        }
        if let Some((c, w)) = r.stroke {
            s.push_str(&format!(
                " stroke=\"{}\" stroke-width=\"{}\"",
                c.to_css(),
                num(w)
            ));
        }
        s.push_str("/>\n");
        self.out.push_str(&s);
    }

    fn rule(&mut self, r: &Rule) {
        self.out.push_str(&format!(
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\"/>\n",
            num(r.x1),
            num(r.y1),
            num(r.x2),
            num(r.y2),
            r.stroke.to_css(),
            num(r.width)
        ));
    }

    fn symbol(&mut self, sy: &Symbol) {
        let paint = paint_attrs(sy.fill, sy.stroke);
        let s = match sy.shape {
            Shape::Circle => format!(
                "<circle cx=\"{}\" cy=\"{}\" r=\"{}\"{paint}/>\n",
                num(sy.x),
                num(sy.y),
                num((sy.size / std::f64::consts::PI).sqrt())
            ),
            Shape::Square => {
                let side = sy.size.sqrt();
                format!(
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"{paint}/>\n",
                    num(sy.x - side / 2.0),
                    num(sy.y - side / 2.0),
                    num(side),
                    num(side)
                )
            }
        };
        self.out.push_str(&s);
    }

    fn path(&mut self, p: &Path) {
        let mut d = String::new();
        for (i, (x, y)) in p.points.iter().enumerate() {
            d.push_str(if i == 0 { "M" } else { "L" });
            d.push_str(&format!("{},{}", num(*x), num(*y)));
        }
        if p.closed {
            d.push('Z');
        }
        let paint = paint_attrs(p.fill, p.stroke);
        self.out.push_str(&format!("<path d=\"{d}\"{paint}/>\n"));
    }

    fn text(&mut self, t: &Text) {
        let anchor = match t.align {
            Align::Left => "start",
            Align::Center => "middle",
            Align::Right => "end",
        };
        let dy = match t.baseline {
            Baseline::Top => "0.79em",
            Baseline::Middle => "0.35em",
            Baseline::Alphabetic => "0",
            Baseline::Bottom => "-0.21em",
        };
        let mut s = format!(
            "<text x=\"{}\" y=\"{}\" dy=\"{dy}\" font-size=\"{}\" text-anchor=\"{anchor}\" fill=\"{}\"",
            num(t.x),
            num(t.y),
            num(t.size),
            t.fill.to_css()
        );
        if t.bold {
            s.push_str(" font-weight=\"bold\"");
        }
        if t.angle != 0.0 {
            s.push_str(&format!(
                " transform=\"rotate({} {} {})\"",
                num(t.angle),
                num(t.x),
                num(t.y)
            ));
        }
        s.push('>');
        s.push_str(&escape(&t.text));
        s.push_str("</text>\n");
        self.out.push_str(&s);
    }
}

/// ` fill=".." stroke=".." stroke-width=".."` (`fill="none"` when unfilled).
fn paint_attrs(fill: Option<Color>, stroke: Option<(Color, f64)>) -> String {
    let mut s = match fill {
        Some(f) => format!(" fill=\"{}\"", f.to_css()),
        None => " fill=\"none\"".to_string(),
    };
    if let Some((c, w)) = stroke {
        s.push_str(&format!(
            " stroke=\"{}\" stroke-width=\"{}\"",
            c.to_css(),
            num(w)
        ));
    }
    s
}

/// Escapes text for SVG/XML content and attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_never_markup() {
        assert_eq!(
            escape("<b>\"Q&A\"</b>"),
            "&lt;b&gt;&quot;Q&amp;A&quot;&lt;/b&gt;"
        );
    }
}
