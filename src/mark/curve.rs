//! Line interpolation (`mark.interpolate`): d3-shape's curves, flattened to polylines.
//!
//! Stage: marks. Each curve is a port of the d3-shape state machine Vega uses (`curveStep`,
//! `curveMonotoneX`, `curveBasis`, `curveCardinal`, ...), so the control points are the same
//! as Vega's; the cubic Bézier segments are then flattened to [`SEGMENTS`] straight pieces
//! each, so every painter (SVG, Canvas, PNG) draws them as ordinary paths.

/// Straight pieces per cubic segment: about one per 5px on a typical 40px segment.
pub const SEGMENTS: usize = 8;

/// A Vega-Lite interpolation method.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Interpolate {
    /// Straight segments (the default).
    #[default]
    Linear,
    /// Straight segments, closed back to the first point.
    LinearClosed,
    /// Steps halfway between points (`step`).
    Step,
    /// Vertical first, then horizontal (`step-before`).
    StepBefore,
    /// Horizontal first, then vertical (`step-after`).
    StepAfter,
    /// d3's monotone cubic in x (`monotone`).
    Monotone,
    /// A cubic B-spline (`basis`).
    Basis,
    /// A cardinal spline with this tension (`cardinal`, `mark.tension`, default 0).
    Cardinal(f64),
}

impl Interpolate {
    /// Parses a Vega-Lite `interpolate` name (`None` for one storychart does not draw).
    pub fn from_name(name: &str, tension: f64) -> Option<Self> {
        Some(match name {
            "linear" => Interpolate::Linear,
            "linear-closed" => Interpolate::LinearClosed,
            "step" => Interpolate::Step,
            "step-before" => Interpolate::StepBefore,
            "step-after" => Interpolate::StepAfter,
            "monotone" => Interpolate::Monotone,
            "basis" => Interpolate::Basis,
            "cardinal" => Interpolate::Cardinal(tension),
            _ => return None,
        })
    }
}

/// A pen that records straight pieces.
#[derive(Default)]
struct Pen {
    out: Vec<(f64, f64)>,
}

impl Pen {
    fn line_to(&mut self, x: f64, y: f64) {
        self.out.push((x, y));
    }

    fn bezier_to(&mut self, c1: (f64, f64), c2: (f64, f64), end: (f64, f64)) {
        let Some(&(x0, y0)) = self.out.last() else {
            self.out.push(end);
            return;
        };
        for i in 1..=SEGMENTS {
            let t = i as f64 / SEGMENTS as f64;
            let u = 1.0 - t;
            let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
            self.out.push((
                a * x0 + b * c1.0 + c * c2.0 + d * end.0,
                a * y0 + b * c1.1 + c * c2.1 + d * end.1,
            ));
        }
    }
}

/// The polyline Vega draws through `points` with `method` (the points are in drawing order).
pub fn curve(method: Interpolate, points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut pen = Pen::default();
    match method {
        Interpolate::Linear => return points.to_vec(),
        Interpolate::LinearClosed => {
            let mut out = points.to_vec();
            if let (Some(first), true) = (points.first(), points.len() > 1) {
                out.push(*first);
            }
            return out;
        }
        Interpolate::Step => step(&mut pen, points, 0.5),
        Interpolate::StepBefore => step(&mut pen, points, 0.0),
        Interpolate::StepAfter => step(&mut pen, points, 1.0),
        Interpolate::Monotone => monotone(&mut pen, points),
        Interpolate::Basis => basis(&mut pen, points),
        Interpolate::Cardinal(tension) => cardinal(&mut pen, points, tension),
    }
    pen.out
}

/// d3's `curveStep` (t = 0.5), `curveStepBefore` (0) and `curveStepAfter` (1).
fn step(pen: &mut Pen, points: &[(f64, f64)], t: f64) {
    let mut prev: Option<(f64, f64)> = None;
    for &(x, y) in points {
        match prev {
            None => pen.line_to(x, y),
            Some((px, py)) => {
                if t <= 0.0 {
                    pen.line_to(px, y);
                } else {
                    let x1 = px * (1.0 - t) + x * t;
                    pen.line_to(x1, py);
                    pen.line_to(x1, y);
                }
                pen.line_to(x, y);
            }
        }
        prev = Some((x, y));
    }
}

fn sign(x: f64) -> f64 {
    if x < 0.0 {
        -1.0
    } else {
        1.0
    }
}

/// d3's `curveMonotoneX` (Steffen's method), with its one- and three-point slopes.
fn monotone(pen: &mut Pen, points: &[(f64, f64)]) {
    let (mut x0, mut y0, mut x1, mut y1, mut t0) = (f64::NAN, f64::NAN, f64::NAN, f64::NAN, 0.0);
    let mut state = 0;
    let slope2 = |x0: f64, y0: f64, x1: f64, y1: f64, t: f64| {
        let h = x1 - x0;
        if h != 0.0 && !h.is_nan() {
            (3.0 * (y1 - y0) / h - t) / 2.0
        } else {
            t
        }
    };
    let hermite = |pen: &mut Pen, (x0, y0, x1, y1): (f64, f64, f64, f64), t0: f64, t1: f64| {
        let dx = (x1 - x0) / 3.0;
        pen.bezier_to((x0 + dx, y0 + dx * t0), (x1 - dx, y1 - dx * t1), (x1, y1));
    };
    for &(x, y) in points {
        if x == x1 && y == y1 {
            continue;
        }
        let mut t1 = f64::NAN;
        match state {
            0 => {
                state = 1;
                pen.line_to(x, y);
            }
            1 => state = 2,
            _ => {
                // slope3: the slope at (x1, y1) from its two neighbours.
                let (h0, h1) = (x1 - x0, x - x1);
                let d0 = if h0 != 0.0 {
                    h0
                } else if h1 < 0.0 {
                    -0.0
                } else {
                    0.0
                };
                let d1 = if h1 != 0.0 {
                    h1
                } else if h0 < 0.0 {
                    -0.0
                } else {
                    0.0
                };
                let (s0, s1) = ((y1 - y0) / d0, (y - y1) / d1);
                let p = (s0 * h1 + s1 * h0) / (h0 + h1);
                let m = (sign(s0) + sign(s1)) * s0.abs().min(s1.abs()).min(0.5 * p.abs());
                t1 = if m.is_nan() { 0.0 } else { m };
                let start = if state == 2 {
                    slope2(x0, y0, x1, y1, t1)
                } else {
                    t0
                };
                state = 3;
                hermite(pen, (x0, y0, x1, y1), start, t1);
            }
        }
        (x0, x1, y0, y1, t0) = (x1, x, y1, y, t1);
    }
    match state {
        2 => pen.line_to(x1, y1),
        3 => hermite(pen, (x0, y0, x1, y1), t0, slope2(x0, y0, x1, y1, t0)),
        _ => {}
    }
}

/// d3's `curveBasis`: a cubic B-spline through the first and last points.
fn basis(pen: &mut Pen, points: &[(f64, f64)]) {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::NAN, f64::NAN, f64::NAN, f64::NAN);
    let mut state = 0;
    let seg = |pen: &mut Pen, x0: f64, y0: f64, x1: f64, y1: f64, x: f64, y: f64| {
        pen.bezier_to(
            ((2.0 * x0 + x1) / 3.0, (2.0 * y0 + y1) / 3.0),
            ((x0 + 2.0 * x1) / 3.0, (y0 + 2.0 * y1) / 3.0),
            ((x0 + 4.0 * x1 + x) / 6.0, (y0 + 4.0 * y1 + y) / 6.0),
        );
    };
    for &(x, y) in points {
        match state {
            0 => {
                state = 1;
                pen.line_to(x, y);
            }
            1 => state = 2,
            _ => {
                if state == 2 {
                    state = 3;
                    pen.line_to((5.0 * x0 + x1) / 6.0, (5.0 * y0 + y1) / 6.0);
                }
                seg(pen, x0, y0, x1, y1, x, y);
            }
        }
        (x0, x1, y0, y1) = (x1, x, y1, y);
    }
    if state == 3 {
        seg(pen, x0, y0, x1, y1, x1, y1);
    }
    if state >= 2 {
        pen.line_to(x1, y1);
    }
}

/// d3's `curveCardinal` with `tension`.
fn cardinal(pen: &mut Pen, points: &[(f64, f64)], tension: f64) {
    let k = (1.0 - tension) / 6.0;
    let mut p = [(f64::NAN, f64::NAN); 3];
    let mut state = 0;
    let seg = |pen: &mut Pen, p: &[(f64, f64); 3], (x, y): (f64, f64)| {
        let [(x0, y0), (x1, y1), (x2, y2)] = *p;
        pen.bezier_to(
            (x1 + k * (x2 - x0), y1 + k * (y2 - y0)),
            (x2 + k * (x1 - x), y2 + k * (y1 - y)),
            (x2, y2),
        );
    };
    for &pt in points {
        match state {
            0 => {
                state = 1;
                pen.line_to(pt.0, pt.1);
            }
            1 => {
                state = 2;
                p[1] = pt;
            }
            _ => {
                state = 3;
                seg(pen, &p, pt);
            }
        }
        p = [p[1], p[2], pt];
    }
    match state {
        2 => pen.line_to(p[2].0, p[2].1),
        3 => seg(pen, &p, p[1]),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PTS: [(f64, f64); 4] = [(0.0, 0.0), (10.0, 10.0), (20.0, 5.0), (30.0, 20.0)];

    #[test]
    fn steps_turn_where_d3_turns() {
        let pts = [(0.0, 0.0), (10.0, 10.0)];
        assert_eq!(
            curve(Interpolate::Step, &pts),
            vec![(0.0, 0.0), (5.0, 0.0), (5.0, 10.0), (10.0, 10.0)]
        );
        assert_eq!(
            curve(Interpolate::StepAfter, &pts),
            vec![(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (10.0, 10.0)]
        );
        assert_eq!(
            curve(Interpolate::StepBefore, &pts),
            vec![(0.0, 0.0), (0.0, 10.0), (10.0, 10.0)]
        );
    }

    #[test]
    fn monotone_passes_through_every_point_and_never_overshoots() {
        let out = curve(Interpolate::Monotone, &PTS);
        assert_eq!(out.len(), 1 + 3 * SEGMENTS);
        for (i, p) in PTS.iter().enumerate() {
            let q = out[i * SEGMENTS];
            assert!(
                (q.0 - p.0).abs() < 1e-9 && (q.1 - p.1).abs() < 1e-9,
                "{q:?} {p:?}"
            );
        }
        // Between (10, 10) and (20, 5) the curve stays within [5, 10] (monotone pieces).
        for q in &out[SEGMENTS..2 * SEGMENTS] {
            assert!(q.1 <= 10.0 + 1e-9 && q.1 >= 5.0 - 1e-9, "{q:?}");
        }
        // d3's first control point: slope2 at the start. Midpoint of the first segment,
        // from d3.line().curve(d3.curveMonotoneX) on these points: C 3.33,5 6.67,10 10,10,
        // whose midpoint is (5, 6.875).
        let mid = out[SEGMENTS / 2];
        assert!((mid.0 - 5.0).abs() < 1e-9, "{mid:?}");
        assert!((mid.1 - 6.875).abs() < 1e-9, "{mid:?}");
    }

    #[test]
    fn basis_and_cardinal_start_and_end_at_the_ends() {
        for m in [Interpolate::Basis, Interpolate::Cardinal(0.0)] {
            let out = curve(m, &PTS);
            assert_eq!(out.first(), Some(&(0.0, 0.0)));
            assert_eq!(out.last(), Some(&(30.0, 20.0)));
        }
        // d3's curveBasis: L 1.67,1.67 then a cubic ending at (10, 7.5); curveCardinal's
        // first cubic ends at (10, 10).
        let b = curve(Interpolate::Basis, &PTS);
        assert!((b[1].0 - 5.0 / 3.0).abs() < 1e-9 && (b[1].1 - 5.0 / 3.0).abs() < 1e-9);
        assert!((b[1 + SEGMENTS].0 - 10.0).abs() < 1e-9 && (b[1 + SEGMENTS].1 - 7.5).abs() < 1e-9);
        let c = curve(Interpolate::Cardinal(0.0), &PTS);
        assert!((c[SEGMENTS].0 - 10.0).abs() < 1e-9 && (c[SEGMENTS].1 - 10.0).abs() < 1e-9);
        assert_eq!(
            curve(Interpolate::LinearClosed, &PTS[..2]),
            vec![(0.0, 0.0), (10.0, 10.0), (0.0, 0.0)]
        );
    }
}
