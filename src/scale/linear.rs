//! Scale stage: the linear scale, mapping a numeric domain onto a pixel range.
//!
//! A port of d3-scale 4's `scaleLinear` for two-element domains and numeric ranges: the same
//! normalize/interpolate arithmetic (so positions match Vega/d3 to the bit), `nice`, `clamp`,
//! `invert`, `ticks` and `tickFormat`.
//!
//! Guarantees: never panics. NaN maps to NaN (d3's `unknown`); a zero-width domain maps every
//! value to the middle of the range, exactly as d3's `normalize` does.

use super::digits::{precision_fixed_opt, precision_prefix_opt, precision_round_opt};
use super::format::{FormatSpec, Locale, NumberFormat};
use super::ticks;
use super::transform::{log_nice, log_ticks, LogTickFormat, Transform};
use crate::js::num::{js_max, js_min};

/// A continuous linear scale from `domain` to `range`, optionally clamped.
#[derive(Clone, Debug, PartialEq)]
pub struct LinearScale {
    domain: [f64; 2],
    range: [f64; 2],
    clamp: bool,
    transform: Transform,
}

/// d3's `normalize(a, b)`: the parameter of `x` along `[a, b]`, or 0.5 for a zero-width span.
fn normalize(a: f64, b: f64, x: f64) -> f64 {
    let span = b - a;
    if span != 0.0 && !span.is_nan() {
        (x - a) / span
    } else if span.is_nan() {
        f64::NAN
    } else {
        0.5
    }
}

/// d3-interpolate's `interpolateNumber(a, b)(t)`.
fn interpolate(a: f64, b: f64, t: f64) -> f64 {
    a * (1.0 - t) + b * t
}

/// d3's `bimap`: maps `x` from `[d0, d1]` to `[r0, r1]`, flipping both when `d1 < d0`.
fn bimap(d: [f64; 2], r: [f64; 2], x: f64) -> f64 {
    let [d0, d1] = d;
    let [r0, r1] = r;
    if d1 < d0 {
        interpolate(r1, r0, normalize(d1, d0, x))
    } else {
        interpolate(r0, r1, normalize(d0, d1, x))
    }
}

/// d3's `clamper(a, b)`: `Math.max(lo, Math.min(hi, x))`.
fn clamp_to(bounds: [f64; 2], x: f64) -> f64 {
    let [a, b] = bounds;
    let (lo, hi) = if a > b { (b, a) } else { (a, b) };
    js_max(lo, js_min(hi, x))
}

impl LinearScale {
    /// A scale mapping `domain[0] → range[0]` and `domain[1] → range[1]`, unclamped.
    ///
    /// ```
    /// use storychart::scale::LinearScale;
    /// let x = LinearScale::new([0.0, 10.0], [0.0, 200.0]);
    /// assert_eq!(x.map(2.5), 50.0);
    /// assert_eq!(x.invert(50.0), 2.5);
    /// ```
    pub fn new(domain: [f64; 2], range: [f64; 2]) -> Self {
        LinearScale {
            domain,
            range,
            clamp: false,
            transform: Transform::Identity,
        }
    }

    /// The same scale through a d3 transform (log, pow, sqrt, symlog): values are transformed,
    /// then mapped linearly; ticks and `nice` follow d3's scale of that type.
    ///
    /// ```
    /// use storychart::scale::LinearScale;
    /// use storychart::scale::transform::Transform;
    /// let x = LinearScale::new([1.0, 100.0], [0.0, 200.0]).with_transform(Transform::log(10.0, [1.0, 100.0]));
    /// assert_eq!(x.map(10.0), 100.0);
    /// ```
    pub fn with_transform(self, transform: Transform) -> Self {
        LinearScale { transform, ..self }
    }

    /// The transform.
    pub fn transform(&self) -> Transform {
        self.transform
    }

    /// The transformed domain, which the range is linear over.
    fn transformed(&self) -> [f64; 2] {
        self.domain.map(|d| self.transform.apply(d))
    }

    /// d3's `linear.nice(count)`: extends the domain to round tick values (see [`ticks::nice`]).
    ///
    /// ```
    /// use storychart::scale::LinearScale;
    /// let y = LinearScale::new([0.0, 91.0], [300.0, 0.0]).nice(10.0);
    /// assert_eq!(y.domain(), [0.0, 100.0]);
    /// ```
    pub fn nice(self, count: f64) -> Self {
        if let Transform::Log { base, .. } = self.transform {
            return LinearScale {
                domain: log_nice(base, self.domain),
                ..self
            };
        }
        let [d0, d1] = self.domain;
        let (a, b) = ticks::nice(d0, d1, count);
        LinearScale {
            domain: [a, b],
            ..self
        }
    }

    /// d3's `linear.clamp(on)`: when on, `map` and `invert` stay within the range and domain.
    pub fn clamp(self, on: bool) -> Self {
        LinearScale { clamp: on, ..self }
    }

    /// The domain `[d0, d1]`.
    pub fn domain(&self) -> [f64; 2] {
        self.domain
    }

    /// The range `[r0, r1]`.
    pub fn range(&self) -> [f64; 2] {
        self.range
    }

    /// Maps a domain value to the range (d3's `scale(x)`); NaN maps to NaN.
    ///
    /// ```
    /// use storychart::scale::LinearScale;
    /// let x = LinearScale::new([0.0, 1.0], [0.0, 100.0]);
    /// assert_eq!(x.map(0.3), 30.0);
    /// assert_eq!(x.clone().clamp(true).map(2.0), 100.0);
    /// assert_eq!(LinearScale::new([5.0, 5.0], [0.0, 100.0]).map(7.0), 50.0);
    /// ```
    pub fn map(&self, v: f64) -> f64 {
        if v.is_nan() {
            return f64::NAN;
        }
        let v = if self.clamp {
            clamp_to(self.domain, v)
        } else {
            v
        };
        bimap(self.transformed(), self.range, self.transform.apply(v))
    }

    /// Maps a range value back to the domain (d3's `scale.invert(px)`), clamped to the domain
    /// when the scale is clamped.
    pub fn invert(&self, px: f64) -> f64 {
        let v = self
            .transform
            .invert(bimap(self.range, self.transformed(), px));
        if self.clamp {
            clamp_to(self.domain, v)
        } else {
            v
        }
    }

    /// d3's `linear.ticks(count)`: round values spanning the domain (see [`ticks::ticks`]).
    ///
    /// ```
    /// use storychart::scale::LinearScale;
    /// let y = LinearScale::new([0.0, 91.0], [300.0, 0.0]);
    /// assert_eq!(y.ticks(5.0), vec![0.0, 20.0, 40.0, 60.0, 80.0]);
    /// ```
    pub fn ticks(&self, count: f64) -> Vec<f64> {
        if let Transform::Log { base, .. } = self.transform {
            return log_ticks(base, self.domain, count);
        }
        let [d0, d1] = self.domain;
        ticks::ticks(d0, d1, count)
    }

    /// The axis ticks for about `count` ticks with their labels, as Vega labels them: d3's
    /// tick format, or on log scales Vega's trimmed format that leaves the ticks d3 would
    /// skip unlabelled (empty strings).
    ///
    /// ```
    /// use storychart::scale::LinearScale;
    /// let y = LinearScale::new([0.0, 1.0], [300.0, 0.0]);
    /// assert_eq!(y.tick_labels(2.0, None), vec![(0.0, "0.0".to_string()), (0.5, "0.5".to_string()), (1.0, "1.0".to_string())]);
    /// ```
    pub fn tick_labels(&self, count: f64, specifier: Option<&str>) -> Vec<(f64, String)> {
        self.tick_labels_locale(count, specifier, &Locale::en_us())
    }

    /// [`LinearScale::tick_labels`] in the given locale (log axes keep d3's en-US format).
    pub fn tick_labels_locale(
        &self,
        count: f64,
        specifier: Option<&str>,
        locale: &Locale,
    ) -> Vec<(f64, String)> {
        let ticks = self.ticks(count);
        if let Transform::Log { base, .. } = self.transform {
            let format = LogTickFormat::new(base, self.domain, count, specifier);
            return ticks.into_iter().map(|t| (t, format.format(t))).collect();
        }
        let format = self.tick_format_locale(count, specifier, locale);
        ticks.into_iter().map(|t| (t, format.format(t))).collect()
    }

    /// d3's `linear.tickFormat(count, specifier)` in the en-US locale: a number format whose
    /// precision suits the tick step (default specifier `",f"`). An invalid specifier falls back
    /// to the default, where d3 would throw.
    ///
    /// ```
    /// use storychart::scale::LinearScale;
    /// let y = LinearScale::new([0.0, 1.0], [300.0, 0.0]);
    /// assert_eq!(y.tick_format(10.0, None).format(0.5), "0.5");
    /// assert_eq!(y.tick_format(10.0, Some("%")).format(0.5), "50%");
    /// let big = LinearScale::new([0.0, 2e6], [0.0, 1.0]);
    /// assert_eq!(big.tick_format(10.0, Some("s")).format(1.2e6), "1.2M");
    /// ```
    pub fn tick_format(&self, count: f64, specifier: Option<&str>) -> NumberFormat {
        self.tick_format_locale(count, specifier, &Locale::en_us())
    }

    /// [`LinearScale::tick_format`] in the given locale.
    pub fn tick_format_locale(
        &self,
        count: f64,
        specifier: Option<&str>,
        locale: &Locale,
    ) -> NumberFormat {
        let [start, stop] = self.domain;
        let step = ticks::tick_step(start, stop, count);
        let mut spec = specifier
            .and_then(|s| FormatSpec::parse(s).ok())
            .unwrap_or_else(|| FormatSpec {
                comma: true,
                kind: 'f',
                ..FormatSpec::default()
            });
        let max = js_max(start.abs(), stop.abs());
        let unset = spec.precision.is_none();
        match spec.kind {
            's' => {
                if unset {
                    spec.precision = precision_prefix_opt(step, max);
                }
                return NumberFormat::prefix_from_spec(spec, max, locale);
            }
            FormatSpec::NO_TYPE | 'e' | 'g' | 'p' | 'r' if unset => {
                let minus = usize::from(spec.kind == 'e');
                spec.precision = precision_round_opt(step, max).map(|p| p.saturating_sub(minus));
            }
            'f' | '%' if unset => {
                let minus = if spec.kind == '%' { 2 } else { 0 };
                spec.precision = precision_fixed_opt(step).map(|p| p.saturating_sub(minus));
            }
            _ => {}
        }
        NumberFormat::from_spec(spec, locale)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: f64, b: f64) -> bool {
        a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
    }

    /// (domain, range, x, map(x), clamped map(x), invert(x), clamped invert(x)).
    type MapCase = ([f64; 2], [f64; 2], f64, f64, f64, f64, f64);

    #[rustfmt::skip]
    const MAP: &[MapCase] = &[
        ([0.0, 1.0], [0.0, 100.0], 0.3, 30.0, 30.0, 0.003, 0.003),
        ([0.0, 1.0], [0.0, 100.0], 0.7, 70.0, 70.0, 0.006999999999999999, 0.006999999999999999),
        ([0.0, 1.0], [0.0, 100.0], 2.0, 200.0, 100.0, 0.02, 0.02),
        ([0.0, 1.0], [0.0, 100.0], -1.0, -100.0, 0.0, -0.01, 0.0),
        ([0.0, 1.0], [0.0, 100.0], f64::NAN, f64::NAN, f64::NAN, f64::NAN, f64::NAN),
        ([0.0, 1.0], [0.0, 100.0], 0.30000000000000004, 30.000000000000004, 30.000000000000004, 0.0030000000000000005, 0.0030000000000000005),
        ([10.0, 0.0], [0.0, 300.0], 3.0, 210.0, 210.0, 9.9, 9.9),
        ([10.0, 0.0], [0.0, 300.0], 7.7, 69.0, 69.0, 9.743333333333334, 9.743333333333334),
        ([10.0, 0.0], [0.0, 300.0], -2.0, 360.0, 300.0, 10.066666666666666, 10.0),
        ([5.0, 5.0], [0.0, 100.0], 7.0, 50.0, 50.0, 4.999999999999999, 5.0),
        ([5.0, 5.0], [0.0, 100.0], 5.0, 50.0, 50.0, 5.0, 5.0),
        ([0.0, f64::NAN], [0.0, 100.0], 7.0, f64::NAN, f64::NAN, f64::NAN, f64::NAN),
        ([-3.3, 7.1], [480.0, 20.0], 0.0, 334.03846153846155, 334.03846153846155, 7.552173913043478, 7.1),
        ([-3.3, 7.1], [480.0, 20.0], 1.2, 280.96153846153845, 280.96153846153845, 7.525043478260869, 7.1),
        ([-3.3, 7.1], [480.0, 20.0], -3.3, 480.0, 480.0, 7.626782608695652, 7.1),
        ([-3.3, 7.1], [480.0, 20.0], 7.1, 20.0, 20.0, 7.391652173913043, 7.1),
        ([-3.3, 7.1], [480.0, 20.0], 1000000000.0, -44230768896.730774, 20.0, -22608688.099999998, -3.3),
        ([0.0, 1e-9], [0.0, 1.0], 3e-10, 0.3, 0.3, 3.0000000000000004e-19, 3.0000000000000004e-19),
        ([0.0, 10.0], [5.0, 5.0], 3.0, 5.0, 5.0, 5.0, 5.0),
    ];

    // Expected values: d3-scale 4.0.3 under Node 20 (bit-exact).
    #[test]
    fn map_and_invert_match_d3() {
        for &(domain, range, x, map, cmap, inv, cinv) in MAP {
            let s = LinearScale::new(domain, range);
            let c = s.clone().clamp(true);
            assert!(same(s.map(x), map), "{s:?}.map({x}) = {}", s.map(x));
            assert!(same(c.map(x), cmap), "{c:?}.map({x}) = {}", c.map(x));
            assert!(
                same(s.invert(x), inv),
                "{s:?}.invert({x}) = {}",
                s.invert(x)
            );
            assert!(
                same(c.invert(x), cinv),
                "{c:?}.invert({x}) = {}",
                c.invert(x)
            );
        }
    }

    /// (domain, count, specifier, value, d3's `scale.tickFormat(count, specifier)(value)`).
    type TickFormatCase = ([f64; 2], f64, Option<&'static str>, f64, &'static str);

    #[rustfmt::skip]
    const TICK_FORMAT: &[TickFormatCase] = &[
        ([0.0, 1.0], 10.0, None, 0.0, "0.0"),
        ([0.0, 1.0], 10.0, None, 0.5, "0.5"),
        ([0.0, 1.0], 10.0, None, 0.3, "0.3"),
        ([0.0, 1.0], 10.0, None, 1.0, "1.0"),
        ([0.0, 1.0], 10.0, Some("%"), 0.5, "50%"),
        ([0.0, 1.0], 10.0, Some("%"), 0.3, "30%"),
        ([0.0, 2000000.0], 10.0, Some("s"), 1200000.0, "1.2M"),
        ([0.0, 2000000.0], 10.0, Some("s"), 0.0, "0.0M"),
        ([0.0, 2000000.0], 10.0, Some("s"), 500000.0, "0.5M"),
        ([0.0, 2000000.0], 10.0, Some("~s"), 1200000.0, "1.2M"),
        ([0.0, 2000000.0], 10.0, Some("~s"), 0.0, "0M"),
        ([0.0, 91.0], 10.0, None, 10.0, "10"),
        ([0.0, 91.0], 10.0, None, 90.0, "90"),
        ([0.0, 91.0], 10.0, None, -20.0, "\u{2212}20"),
        ([0.0, 1234567.0], 5.0, None, 200000.0, "200,000"),
        ([0.0, 1234567.0], 5.0, None, 1234567.0, "1,234,567"),
        ([0.0, 1.0], 10.0, Some("e"), 0.3, "3e-1"),
        ([0.0, 1.0], 10.0, Some(""), 0.3, "0.3"),
        ([0.0, 1.0], 10.0, Some(""), 1.0, "1"),
        ([0.0, 1.0], 10.0, Some("r"), 0.3, "0.3"),
        ([0.0, 1.0], 10.0, Some("g"), 0.3, "0.3"),
        ([0.0, 1.0], 10.0, Some("p"), 0.3, "30%"),
        ([0.001, 0.0097], 5.0, None, 0.004, "0.004"),
        ([0.0, 0.0], 10.0, Some("s"), 5.0, "NaN"),
        ([0.0, 1.0], 10.0, Some("$,.2f"), 1234.5, "$1,234.50"),
        ([-1e-7, 1e-7], 4.0, Some("s"), 5e-8, "50n"),
        ([0.0, 100.0], 10.0, Some("+f"), 50.0, "+50"),
        ([0.0, 100.0], 10.0, Some("+f"), 0.0, "+0"),
        ([0.0, 1.0], 10.0, Some("n"), 0.25, "0.250000"),
        ([0.0, 1000000000.0], 10.0, Some("$s"), 250000000.0, "$0.3G"),
        ([0.0, 1e+30], 10.0, Some("s"), 4e+29, "400000Y"),
    ];

    #[test]
    fn tick_format_matches_d3() {
        for &(domain, count, spec, value, expected) in TICK_FORMAT {
            let s = LinearScale::new(domain, [0.0, 1.0]);
            let got = s.tick_format(count, spec).format(value);
            assert_eq!(
                got, expected,
                "{domain:?}.tickFormat({count}, {spec:?})({value})"
            );
        }
        // An invalid specifier falls back to the default ",f" (d3 throws).
        assert_eq!(
            LinearScale::new([0.0, 1.0], [0.0, 1.0])
                .tick_format(10.0, Some("?"))
                .format(0.5),
            "0.5"
        );
    }

    #[test]
    fn nice_and_ticks() {
        let s = LinearScale::new([0.13, 0.87], [0.0, 1.0]).nice(5.0);
        assert_eq!(s.domain(), [0.0, 1.0]);
        assert_eq!(s.range(), [0.0, 1.0]);
        assert_eq!(s.ticks(5.0), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(
            LinearScale::new([91.0, 0.0], [0.0, 1.0])
                .nice(10.0)
                .domain(),
            [100.0, 0.0]
        );
    }
}
