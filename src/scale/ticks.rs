//! Scale stage: tick generation and domain "nicing" for continuous scales.
//!
//! A port of d3-array 3.2's `ticks`, `tickIncrement` and `tickStep` and of d3-scale 4's
//! `linear.nice`, producing the same floats as d3 (including V8's `Math.pow(10, k)` rounding and
//! the inverse-step path that keeps ticks like 0.3 free of `0.1 * 3` errors).
//!
//! Guarantees: never panics; NaN, infinite or empty input gives an empty tick list or the
//! unchanged domain exactly as d3 does. One deliberate difference: where d3 would build an
//! absurd array (more than [`MAX_TICKS`] ticks, e.g. a count of 10^12), this returns no ticks.

use crate::js::num::{js_max, js_pow10, js_round};

/// Upper bound on the number of ticks [`ticks`] returns; larger requests give an empty list.
pub const MAX_TICKS: usize = 100_000;

/// `Math.sqrt(50)`, `Math.sqrt(10)`, `Math.sqrt(2)`: the thresholds between 10, 5, 2 and 1.
fn thresholds() -> (f64, f64, f64) {
    (50f64.sqrt(), 10f64.sqrt(), 2f64.sqrt())
}

/// d3-array's `tickSpec`: integer tick indices `i1..=i2` and the increment (negative means the
/// step is `1 / -inc`).
fn tick_spec(start: f64, stop: f64, count: f64) -> (f64, f64, f64) {
    let (e10, e5, e2) = thresholds();
    let mut count = count;
    loop {
        let step = (stop - start) / js_max(0.0, count);
        let power = step.log10().floor();
        let error = step / js_pow10(power);
        let factor = if error >= e10 {
            10.0
        } else if error >= e5 {
            5.0
        } else if error >= e2 {
            2.0
        } else {
            1.0
        };
        let (mut i1, mut i2, inc);
        if power < 0.0 {
            let p = js_pow10(-power) / factor;
            i1 = js_round(start * p);
            i2 = js_round(stop * p);
            if i1 / p < start {
                i1 += 1.0;
            }
            if i2 / p > stop {
                i2 -= 1.0;
            }
            inc = -p;
        } else {
            let p = js_pow10(power) * factor;
            i1 = js_round(start / p);
            i2 = js_round(stop / p);
            if i1 * p < start {
                i1 += 1.0;
            }
            if i2 * p > stop {
                i2 -= 1.0;
            }
            inc = p;
        }
        if i2 < i1 && (0.5..2.0).contains(&count) {
            count *= 2.0;
            continue;
        }
        return (i1, i2, inc);
    }
}

/// d3-array `tickIncrement(start, stop, count)`: the tick step as a power of ten times 1, 2 or 5;
/// a negative result `-k` means the step is `1 / k` (so 0.1 is returned as -10).
///
/// Expects `start <= stop`; like d3, it returns NaN for reversed input.
///
/// ```
/// use storychart::scale::ticks::tick_increment;
/// assert_eq!(tick_increment(0.0, 91.0, 10.0), 10.0);
/// assert_eq!(tick_increment(0.0, 1.0, 10.0), -10.0);
/// ```
pub fn tick_increment(start: f64, stop: f64, count: f64) -> f64 {
    tick_spec(start, stop, count).2
}

/// d3-array `tickStep(start, stop, count)`: the signed distance between adjacent ticks.
///
/// ```
/// use storychart::scale::ticks::tick_step;
/// assert_eq!(tick_step(0.0, 1.0, 10.0), 0.1);
/// assert_eq!(tick_step(1.0, 0.0, 10.0), -0.1);
/// ```
pub fn tick_step(start: f64, stop: f64, count: f64) -> f64 {
    let reverse = stop < start;
    let inc = if reverse {
        tick_increment(stop, start, count)
    } else {
        tick_increment(start, stop, count)
    };
    let step = if inc < 0.0 { 1.0 / -inc } else { inc };
    if reverse {
        -step
    } else {
        step
    }
}

/// d3-array `ticks(start, stop, count)`: about `count` round values in `[start, stop]`,
/// in descending order when `start > stop`.
///
/// ```
/// use storychart::scale::ticks::ticks;
/// assert_eq!(ticks(0.0, 91.0, 10.0), vec![0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0]);
/// assert_eq!(ticks(-0.3, 1.7, 5.0), vec![0.0, 0.5, 1.0, 1.5]);
/// assert_eq!(ticks(0.0, 0.3, 3.0), vec![0.0, 0.1, 0.2, 0.3]); // not 0.30000000000000004
/// assert_eq!(ticks(1.0, 0.0, 2.0), vec![1.0, 0.5, 0.0]);
/// ```
pub fn ticks(start: f64, stop: f64, count: f64) -> Vec<f64> {
    if count.is_nan() || count <= 0.0 {
        return Vec::new();
    }
    if start == stop {
        return vec![start];
    }
    let reverse = stop < start;
    let (i1, i2, inc) = if reverse {
        tick_spec(stop, start, count)
    } else {
        tick_spec(start, stop, count)
    };
    if i1.is_nan() || i2.is_nan() || i2 < i1 {
        return Vec::new();
    }
    let n = i2 - i1 + 1.0;
    if n.is_nan() || n > MAX_TICKS as f64 {
        return Vec::new();
    }
    // 1 <= n <= MAX_TICKS, so the cast is exact.
    let n = n as usize;
    (0..n)
        .map(|i| {
            let i = i as f64;
            let k = if reverse { i2 - i } else { i1 + i };
            if inc < 0.0 {
                k / -inc
            } else {
                k * inc
            }
        })
        .collect()
}

/// d3-scale `linear.nice(count)` on the domain `[start, stop]`: extends it outward to multiples of
/// the tick step, repeating (at most 10 times) until the step stops changing. Reversed domains
/// stay reversed. When the loop does not settle (NaN, infinite or zero-width domains), the domain
/// is returned unchanged, as d3 does.
///
/// ```
/// use storychart::scale::ticks::nice;
/// assert_eq!(nice(0.0, 91.0, 10.0), (0.0, 100.0));
/// assert_eq!(nice(0.13, 0.87, 5.0), (0.0, 1.0));
/// assert_eq!(nice(91.0, 0.0, 10.0), (100.0, 0.0));
/// ```
pub fn nice(start: f64, stop: f64, count: f64) -> (f64, f64) {
    let reverse = stop < start;
    let (mut lo, mut hi) = if reverse {
        (stop, start)
    } else {
        (start, stop)
    };
    let mut prestep: Option<f64> = None;
    for _ in 0..10 {
        let step = tick_increment(lo, hi, count);
        if prestep == Some(step) {
            return if reverse { (hi, lo) } else { (lo, hi) };
        } else if step > 0.0 {
            lo = (lo / step).floor() * step;
            hi = (hi / step).ceil() * step;
        } else if step < 0.0 {
            lo = (lo * step).ceil() / step;
            hi = (hi * step).floor() / step;
        } else {
            break;
        }
        prestep = Some(step);
    }
    (start, stop)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(start: f64, stop: f64, count: f64, expected: &[f64]) {
        let got = ticks(start, stop, count);
        assert_eq!(
            got.len(),
            expected.len(),
            "ticks({start}, {stop}, {count}) = {got:?}"
        );
        for (g, e) in got.iter().zip(expected) {
            assert!(
                g.to_bits() == e.to_bits(),
                "ticks({start}, {stop}, {count}) = {got:?}, want {expected:?}"
            );
        }
    }

    fn same(a: f64, b: f64) -> bool {
        a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
    }

    // Expected values: d3-array 3.2.5 / d3-scale 4.0.3 under Node 20 (bit-exact).
    #[rustfmt::skip]
    const TICKS: &[(f64, f64, f64, &[f64])] = &[
        (0.0, 1.0, 10.0, &[0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]),
        (0.0, 91.0, 10.0, &[0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0]),
        (-0.3, 1.7, 5.0, &[0.0, 0.5, 1.0, 1.5]),
        (1e-9, 3e-9, 5.0, &[1e-9, 1.5e-9, 2e-9, 2.5e-9, 3e-9]),
        (1.0, 0.0, 10.0, &[1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.0]),
        (91.0, 0.0, 10.0, &[90.0, 80.0, 70.0, 60.0, 50.0, 40.0, 30.0, 20.0, 10.0, 0.0]),
        (0.0, 1.0, 1.0, &[0.0, 1.0]),
        (0.0, 1.0, 0.0, &[]),
        (0.0, 1.0, -1.0, &[]),
        (5.0, 5.0, 10.0, &[5.0]),
        (f64::NAN, 1.0, 10.0, &[]),
        (0.0, f64::INFINITY, 10.0, &[]),
        (0.0, 1.0, f64::NAN, &[]),
        (0.0, 10.0, 3.0, &[0.0, 5.0, 10.0]),
        (-10.0, 10.0, 7.0, &[-10.0, -8.0, -6.0, -4.0, -2.0, 0.0, 2.0, 4.0, 6.0, 8.0, 10.0]),
        (0.1, 0.9, 4.0, &[0.2, 0.4, 0.6, 0.8]),
        (1000000000000000.0, 1000000000000100.0, 5.0, &[1000000000000000.0, 1000000000000020.0, 1000000000000040.0, 1000000000000060.0, 1000000000000080.0, 1000000000000100.0]),
        (-1e-15, 1e-15, 3.0, &[-1e-15, -5e-16, 0.0, 5e-16, 1e-15]),
        (0.0, 1.0, 0.5, &[0.0]),
        (0.0, 1.0, 0.7, &[0.0]),
        (0.0, 1.0, 1.5, &[0.0, 0.5, 1.0]),
        (0.0, 0.001, 10.0, &[0.0, 0.0001, 0.0002, 0.0003, 0.0004, 0.0005, 0.0006, 0.0007, 0.0008, 0.0009, 0.001]),
        (0.0, 0.0001, 10.0, &[0.0, 0.00001, 0.00002, 0.00003, 0.00004, 0.00005, 0.00006, 0.00007, 0.00008, 0.00009, 0.0001]),
        (0.000025, 0.000083, 6.0, &[0.00003, 0.00004, 0.00005, 0.00006, 0.00007, 0.00008]),
        (-123456.0, 987654.0, 8.0, &[-100000.0, 0.0, 100000.0, 200000.0, 300000.0, 400000.0, 500000.0, 600000.0, 700000.0, 800000.0, 900000.0]),
        (1e+300, 1e+301, 5.0, &[2e+300, 4e+300, 6e+300, 8e+300, 1e+301]),
        (0.0, 3.0, 20.0, &[0.0, 0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.4, 1.6, 1.8, 2.0, 2.2, 2.4, 2.6, 2.8, 3.0]),
        (0.3, 0.1, 4.0, &[0.3, 0.25, 0.2, 0.15, 0.1]),
        (17.0, 83.0, 2.0, &[50.0]),
        (1e-300, 9e-300, 4.0, &[2e-300, 4e-300, 5.999999999999999e-300, 8e-300]),
        (-0.6, 0.6, 24.0, &[-0.6, -0.55, -0.5, -0.45, -0.4, -0.35, -0.3, -0.25, -0.2, -0.15, -0.1, -0.05, 0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6]),
        (0.0, 0.3, 3.0, &[0.0, 0.1, 0.2, 0.3]),
    ];

    #[test]
    fn ticks_match_d3() {
        for &(start, stop, count, expected) in TICKS {
            check(start, stop, count, expected);
        }
        // d3 would allocate 10^12 + 1 ticks here.
        check(0.0, 1.0, 1e12, &[]);
    }

    /// (start, stop, count, tickIncrement, tickStep)
    #[rustfmt::skip]
    const INCREMENTS: &[(f64, f64, f64, f64, f64)] = &[
        (0.0, 1.0, 10.0, -10.0, 0.1),
        (0.0, 91.0, 10.0, 10.0, 10.0),
        (1.0, 0.0, 10.0, f64::NAN, -0.1),
        (0.0, 1.0, 0.0, f64::INFINITY, f64::INFINITY),
        (0.0, 0.0, 10.0, f64::NEG_INFINITY, 0.0),
        (0.0, 0.0001, 10.0, -100000.0, 0.00001),
        (-5.0, 5.0, 3.0, 5.0, 5.0),
        (0.0, 1e+26, 10.0, 1e+25, 1e+25),
        (0.0, 0.00002, 2.0, -100000.0, 0.00001),
        (0.0, 1.0, 0.5, 2.0, 2.0),
    ];

    #[test]
    fn increments_and_steps_match_d3() {
        for &(start, stop, count, inc, step) in INCREMENTS {
            assert!(
                same(tick_increment(start, stop, count), inc),
                "tickIncrement({start}, {stop}, {count})"
            );
            assert!(
                same(tick_step(start, stop, count), step),
                "tickStep({start}, {stop}, {count})"
            );
        }
    }

    /// (d0, d1, count, niced d0, niced d1) from `scaleLinear().domain([d0, d1]).nice(count)`.
    #[rustfmt::skip]
    const NICE: &[(f64, f64, f64, f64, f64)] = &[
        (0.0, 91.0, 10.0, 0.0, 100.0),
        (0.13, 0.87, 5.0, 0.0, 1.0),
        (91.0, 0.0, 10.0, 100.0, 0.0),
        (1.0, 1.0, 10.0, 1.0, 1.0),
        (f64::NAN, 1.0, 10.0, f64::NAN, 1.0),
        (0.0, f64::INFINITY, 10.0, 0.0, f64::INFINITY),
        (-0.27, 3.3, 10.0, -0.5, 3.5),
        (1e-9, 3.3e-9, 5.0, 1e-9, 3.5e-9),
        (-55.0, 1021.0, 7.0, -200.0, 1200.0),
        (0.001, 0.0097, 3.0, 0.0, 0.01),
        (123.4, 123.9, 10.0, 123.4, 123.9),
        (0.0, 1.0, 0.0, 0.0, 1.0),
        (12.0, -3.0, 5.0, 15.0, -5.0),
    ];

    #[test]
    fn nice_matches_d3() {
        for &(d0, d1, count, e0, e1) in NICE {
            let (a, b) = nice(d0, d1, count);
            assert!(
                same(a, e0) && same(b, e1),
                "nice({d0}, {d1}, {count}) = ({a}, {b}), want ({e0}, {e1})"
            );
        }
    }
}
