//! The arc mark (pies, donuts, radial charts) and text placed on arcs.
//!
//! Stage: marks. Angles run clockwise from 12 o'clock, as Vega's: a point at angle `a` and
//! radius `r` is `(cx + r sin a, cy - r cos a)`. `theta` is read from the view's x channel
//! and `radius` from its y channel (see [`crate::spec::Polar`]); [`PolarScales`] maps them to
//! radians and pixels as Vega-Lite's `theta` and `radius` scales do. Each wedge is a closed
//! [`Path`] flattened to short chords (at most [`CHORD`] radians each), with d3's `padAngle`.

use super::point::mark_color;
use super::text::FONT_SIZE;
use super::MarkInput;
use crate::data::Value;
use crate::error::Result;
use crate::scene::{Align, Baseline, Item, Path, Role, Text};
use std::f64::consts::TAU;

/// The largest angle one chord of a flattened arc spans (radians): under 0.3px off the true
/// circle at a 100px radius.
pub const CHORD: f64 = 0.08;

/// Vega-Lite's `theta` scale.
#[derive(Clone, Debug, PartialEq)]
pub enum ThetaScale {
    /// Linear from `[0, max]` (zero included) onto a full turn.
    Linear {
        /// The largest value (a stacked pie's total).
        max: f64,
    },
    /// One equal band per category (an ordinal theta).
    Bands(Vec<Value>),
    /// No theta channel: every arc is a full circle.
    Full,
}

/// Vega-Lite's `radius` scale: linear or sqrt from `[0 or min, max]` onto
/// `[rangeMin, outer]`, or none (every arc reaches `outer`).
#[derive(Clone, Debug, PartialEq)]
pub struct RadiusScale {
    /// The domain.
    pub domain: [f64; 2],
    /// The range in pixels.
    pub range: [f64; 2],
    /// A square-root scale.
    pub sqrt: bool,
}

impl RadiusScale {
    /// The radius of `v`.
    pub fn scale(&self, v: f64) -> f64 {
        let f = |x: f64| {
            if self.sqrt {
                x.signum() * x.abs().sqrt()
            } else {
                x
            }
        };
        let (d0, d1) = (f(self.domain[0]), f(self.domain[1]));
        let t = if d1 == d0 {
            0.5
        } else {
            (f(v) - d0) / (d1 - d0)
        };
        self.range[0] + t * (self.range[1] - self.range[0])
    }
}

/// Where a polar chart sits and how its channels map to angles and radii.
#[derive(Clone, Debug, PartialEq)]
pub struct PolarScales {
    /// The centre (the middle of the plot).
    pub center: (f64, f64),
    /// `min(width, height) / 2`: the default outer radius.
    pub outer: f64,
    /// The theta scale.
    pub theta: ThetaScale,
    /// The radius scale, if a unit has a radius field.
    pub radius: Option<RadiusScale>,
}

impl PolarScales {
    /// The start and end angles of `row`, in radians.
    fn angles(&self, input: &MarkInput<'_>, row: usize) -> Result<Option<(f64, f64)>> {
        let Some(x) = &input.encoding.x else {
            return Ok(Some((0.0, TAU)));
        };
        let column = input.table.require(&x.fields.spec_path, &x.fields.field)?;
        Ok(match &self.theta {
            ThetaScale::Full => Some((0.0, TAU)),
            ThetaScale::Bands(domain) => {
                let v = column.value(row);
                domain.iter().position(|d| *d == v).map(|i| {
                    #[allow(clippy::cast_precision_loss)]
                    let (i, n) = (i as f64, domain.len() as f64);
                    (TAU * i / n, TAU * (i + 1.0) / n)
                })
            }
            ThetaScale::Linear { max } => {
                let angle = |v: f64| if *max > 0.0 { TAU * v / max } else { 0.0 };
                let end = column.number(row).filter(|v| v.is_finite());
                let start = match &x.fields.field2 {
                    Some(f) => input
                        .table
                        .require(&x.fields.spec_path, f)?
                        .number(row)
                        .filter(|v| v.is_finite()),
                    None => Some(0.0),
                };
                start.zip(end).map(|(s, e)| (angle(s), angle(e)))
            }
        })
    }

    /// The inner and outer radii of `row`.
    fn radii(&self, input: &MarkInput<'_>, row: usize) -> Result<Option<(f64, f64)>> {
        let arc = &input.props.arc;
        let outer = arc.outer_radius.unwrap_or(self.outer);
        let (Some(y), Some(scale)) = (&input.encoding.y, &self.radius) else {
            return Ok(Some((arc.inner_radius, outer)));
        };
        let value = |f: &str| -> Result<Option<f64>> {
            Ok(input
                .table
                .require(&y.fields.spec_path, f)?
                .number(row)
                .filter(|v| v.is_finite()))
        };
        let Some(end) = value(&y.fields.field)? else {
            return Ok(None);
        };
        let inner = match &y.fields.field2 {
            Some(f) => value(f)?.map_or(arc.inner_radius, |v| scale.scale(v)),
            None => arc.inner_radius,
        };
        Ok(Some((inner, scale.scale(end))))
    }
}

/// The point at angle `a` (clockwise from 12 o'clock) and radius `r` around `c`.
fn polar((cx, cy): (f64, f64), a: f64, r: f64) -> (f64, f64) {
    (cx + r * a.sin(), cy - r * a.cos())
}

/// Points along the circle of radius `r` from angle `a0` to `a1` (both ends included).
fn arc_points(out: &mut Vec<(f64, f64)>, c: (f64, f64), r: f64, a0: f64, a1: f64) {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let n = ((a1 - a0).abs() / CHORD).ceil().clamp(1.0, 1000.0) as usize;
    for i in 0..=n {
        #[allow(clippy::cast_precision_loss)]
        let a = a0 + (a1 - a0) * i as f64 / n as f64;
        out.push(polar(c, a, r));
    }
}

/// The outline of one wedge, with d3-shape's `padAngle` (pad radius `sqrt(r0² + r1²)`).
pub fn wedge(c: (f64, f64), r0: f64, r1: f64, a0: f64, a1: f64, pad: f64) -> Vec<(f64, f64)> {
    let (r0, r1) = (r0.min(r1).max(0.0), r0.max(r1).max(0.0));
    let (a0, a1) = (a0.min(a1), a0.max(a1));
    let (mut o0, mut o1, mut i0, mut i1) = (a0, a1, a0, a1);
    let span = a1 - a0;
    let ap = pad / 2.0;
    if ap > 0.0 && span < TAU {
        let rp = (r0 * r0 + r1 * r1).sqrt();
        // d3: the pad is a constant width rp·sin(ap) on both circles.
        let shrink = |r: f64, lo: &mut f64, hi: &mut f64| {
            if r <= 0.0 {
                return;
            }
            let p = (rp / r * ap.sin()).clamp(-1.0, 1.0).asin();
            if span > 2.0 * p {
                *lo += p;
                *hi -= p;
            } else {
                let mid = (a0 + a1) / 2.0;
                (*lo, *hi) = (mid, mid);
            }
        };
        shrink(r1, &mut o0, &mut o1);
        shrink(r0, &mut i0, &mut i1);
    }
    let mut out = Vec::new();
    arc_points(&mut out, c, r1, o0, o1);
    if r0 > 0.0 {
        arc_points(&mut out, c, r0, i1, i0);
    } else if span < TAU {
        out.push(c);
    }
    out
}

/// The wedges of an arc mark.
pub fn arcs(input: &MarkInput<'_>, scales: &PolarScales) -> Result<Vec<Item>> {
    let base = mark_color(input.props)?;
    let stroke = match &input.props.stroke {
        Some(s) => {
            crate::scene::Color::parse(s).map(|c| (c, input.props.stroke_width.unwrap_or(1.0)))
        }
        None => None,
    };
    let offset = input.props.arc.theta_offset;
    let mut out = Vec::new();
    for row in 0..input.table.num_rows() {
        let (Some((a0, a1)), Some((r0, r1))) =
            (scales.angles(input, row)?, scales.radii(input, row)?)
        else {
            continue;
        };
        let points = wedge(
            scales.center,
            r0,
            r1,
            a0 + offset,
            a1 + offset,
            input.props.arc.pad_angle,
        );
        out.push(Item::Path(Path {
            points,
            closed: true,
            fill: Some(input.encoding.color(row, base)),
            stroke,
            role: Role::Mark(input.mark),
            row: u32::try_from(row).ok(),
        }));
    }
    Ok(out)
}

/// Text on arcs: each label at the middle angle of its row's theta, at its radius (the
/// radius scale, or `mark.radius`) plus `radiusOffset`, centred.
pub fn texts(input: &MarkInput<'_>, scales: &PolarScales) -> Result<Vec<Item>> {
    let base = mark_color(input.props)?;
    let arc = &input.props.arc;
    let mut out = Vec::new();
    for row in 0..input.table.num_rows() {
        let Some((a0, a1)) = scales.angles(input, row)? else {
            continue;
        };
        let r = match (&input.encoding.y, &scales.radius) {
            (Some(_), Some(_)) => match scales.radii(input, row)? {
                Some((_, r1)) => r1,
                None => continue,
            },
            _ => arc.outer_radius.unwrap_or(0.0),
        };
        let (x, y) = polar(
            scales.center,
            (a0 + a1) / 2.0 + arc.theta_offset,
            r + arc.radius_offset,
        );
        let text = match input.encoding.text {
            Some(f) => input
                .table
                .require(&f.spec_path, &f.field)?
                .value(row)
                .to_label(),
            None => String::new(),
        };
        out.push(Item::Text(Text {
            x,
            y,
            text,
            size: input.props.size.unwrap_or(FONT_SIZE),
            bold: false,
            fill: input.encoding.color(row, base),
            align: Align::Center,
            baseline: Baseline::Middle,
            angle: 0.0,
            role: Role::Mark(input.mark),
        }));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wedges_start_at_twelve_and_run_clockwise() {
        let w = wedge(
            (100.0, 100.0),
            0.0,
            50.0,
            0.0,
            std::f64::consts::FRAC_PI_2,
            0.0,
        );
        let first = w[0];
        assert!((first.0 - 100.0).abs() < 1e-9 && (first.1 - 50.0).abs() < 1e-9);
        let last_on_arc = w[w.len() - 2];
        assert!((last_on_arc.0 - 150.0).abs() < 1e-9 && (last_on_arc.1 - 100.0).abs() < 1e-9);
        assert_eq!(w.last(), Some(&(100.0, 100.0)));
    }

    #[test]
    fn donuts_go_back_along_the_inner_circle_and_pads_narrow_wedges() {
        let w = wedge((0.0, 0.0), 20.0, 40.0, 0.0, 1.0, 0.0);
        assert!(w.iter().all(|p| {
            let r = p.0.hypot(p.1);
            (19.999..=40.001).contains(&r)
        }));
        let padded = wedge((0.0, 0.0), 20.0, 40.0, 0.0, 1.0, 0.1);
        // The first outer point moves clockwise by asin(sqrt(20² + 40²) / 40 · sin 0.05).
        let p = (44.72135954999579_f64 / 40.0 * 0.05_f64.sin()).asin();
        let a = padded[0].0.atan2(-padded[0].1);
        assert!((a - p).abs() < 1e-9, "{a} {p}");
    }

    #[test]
    fn sqrt_radius_scales_map_the_domain_ends_to_the_range_ends() {
        let s = RadiusScale {
            domain: [0.0, 100.0],
            range: [20.0, 120.0],
            sqrt: true,
        };
        assert_eq!(s.scale(0.0), 20.0);
        assert_eq!(s.scale(100.0), 120.0);
        assert!((s.scale(25.0) - 70.0).abs() < 1e-9);
    }
}
