//! A stable, line-per-item text form of a [`Scene`] for golden tests and debugging.
//!
//! Stage: scene. Coordinates are rounded to 2 decimals, so the dump is identical across
//! platforms for the same scene.

use super::{Align, Baseline, Item, Scene};

/// A number with at most 2 decimals and no trailing zeros (`12.5`, `0`, `-3.25`).
pub fn num(v: f64) -> String {
    if !v.is_finite() {
        return "NaN".to_string();
    }
    let s = format!("{:.2}", (v * 100.0).round() / 100.0);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// The scene as text: a header line, then one line per item in paint order.
pub fn dump(scene: &Scene) -> String {
    let mut out = format!("scene {}x{}\n", num(scene.width), num(scene.height));
    for item in &scene.items {
        let line = match item {
            Item::Rect(r) => {
                let mut l = format!(
                    "rect {} x={} y={} w={} h={} fill={}",
                    r.role.name(),
                    num(r.x),
                    num(r.y),
                    num(r.width),
                    num(r.height),
                    r.fill.to_css()
                );
                if let Some((c, w)) = r.stroke {
                    l.push_str(&format!(" stroke={} {}", c.to_css(), num(w)));
                }
                if let Some(row) = r.row {
                    l.push_str(&format!(" row={row}"));
                }
                l
            }
            Item::Rule(r) => format!(
                "rule {} {},{} -> {},{} stroke={} {}",
                r.role.name(),
                num(r.x1),
                num(r.y1),
                num(r.x2),
                num(r.y2),
                r.stroke.to_css(),
                num(r.width)
            ),
            Item::Text(t) => format!(
                "text {} x={} y={} size={}{} align={} baseline={} angle={} fill={} {:?}",
                t.role.name(),
                num(t.x),
                num(t.y),
                num(t.size),
                if t.bold { " bold" } else { "" },
                align_name(t.align),
                baseline_name(t.baseline),
                num(t.angle),
                t.fill.to_css(),
                t.text
            ),
            Item::Symbol(sy) => {
                let mut l = format!(
                    "symbol {} x={} y={} size={} shape={:?}",
                    sy.role.name(),
                    num(sy.x),
                    num(sy.y),
                    num(sy.size),
                    sy.shape
                );
                if let Some(f) = sy.fill {
                    l.push_str(&format!(" fill={}", f.to_css()));
                }
                if let Some((c, w)) = sy.stroke {
                    l.push_str(&format!(" stroke={} {}", c.to_css(), num(w)));
                }
                if let Some(row) = sy.row {
                    l.push_str(&format!(" row={row}"));
                }
                l
            }
            Item::Path(p) => {
                let pts: Vec<String> = p
                    .points
                    .iter()
                    .map(|(x, y)| format!("{},{}", num(*x), num(*y)))
                    .collect();
                let mut l = format!(
                    "path {}{}",
                    p.role.name(),
                    if p.closed { " closed" } else { "" }
                );
                if let Some(f) = p.fill {
                    l.push_str(&format!(" fill={}", f.to_css()));
                }
                if let Some((c, w)) = p.stroke {
                    l.push_str(&format!(" stroke={} {}", c.to_css(), num(w)));
                }
                l.push_str(&format!(" [{}]", pts.join(" ")));
                l
            }
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The CSS / Canvas name of an alignment.
pub fn align_name(a: Align) -> &'static str {
    match a {
        Align::Left => "left",
        Align::Center => "center",
        Align::Right => "right",
    }
}

/// The Canvas name of a baseline.
pub fn baseline_name(b: Baseline) -> &'static str {
    match b {
        Baseline::Top => "top",
        Baseline::Middle => "middle",
        Baseline::Alphabetic => "alphabetic",
        Baseline::Bottom => "bottom",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.345), "12.35");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(0.5), "0.5");
        assert_eq!(num(f64::NAN), "NaN");
    }
}
