//! Scale stage: the transforms of d3's continuous scales (log, pow, sqrt, symlog), with the
//! log scale's own ticks, nice domain and label filter.
//!
//! A port of d3-scale 4 (`log.js`, `pow.js`, `symlog.js`) and of Vega's log label format
//! (vega-scale `tickLog`, vega-format `formatFloat`). The other transforms reuse the linear
//! scale's ticks and nice domain on the untransformed values, as d3's `linearish` does.
//!
//! Guarantees: never panics; values outside a transform's domain (a log of zero or of a
//! negative number on a positive domain) give NaN or infinities as in d3, which marks skip.

use super::format::{FormatSpec, Locale, NumberFormat};
use super::ticks;

/// How a continuous scale transforms values before mapping them linearly.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Transform {
    /// No transform (linear, time).
    #[default]
    Identity,
    /// `log` with a base (the mapping itself uses the natural log, as d3 does).
    Log {
        /// The base of ticks and nice values.
        base: f64,
        /// Whether the domain is negative (d3 reflects: `-log(-x)`).
        negative: bool,
    },
    /// `pow` (and `sqrt`, exponent 0.5): `sign(x) * |x|^exponent`.
    Pow(f64),
    /// `symlog`: `sign(x) * log1p(|x| / constant)`.
    Symlog(f64),
}

impl Transform {
    /// A log transform over `domain` (reflected when the domain is negative).
    pub fn log(base: f64, domain: [f64; 2]) -> Transform {
        Transform::Log {
            base,
            negative: domain[0] < 0.0,
        }
    }

    /// Applies the transform.
    ///
    /// ```
    /// use storychart::scale::transform::Transform;
    /// assert_eq!(Transform::Pow(2.0).apply(-3.0), -9.0);
    /// assert_eq!(Transform::Pow(0.5).apply(16.0), 4.0);
    /// assert_eq!(Transform::log(10.0, [1.0, 100.0]).apply(1.0), 0.0);
    /// ```
    pub fn apply(self, x: f64) -> f64 {
        match self {
            Transform::Identity => x,
            Transform::Log { negative, .. } => {
                if negative {
                    -(-x).ln()
                } else {
                    x.ln()
                }
            }
            Transform::Pow(1.0) => x,
            Transform::Pow(0.5) => odd(x, f64::sqrt),
            Transform::Pow(e) => odd(x, |v| v.powf(e)),
            Transform::Symlog(c) => sign(x) * (x / c).abs().ln_1p(),
        }
    }

    /// Undoes the transform.
    pub fn invert(self, y: f64) -> f64 {
        match self {
            Transform::Identity => y,
            Transform::Log { negative, .. } => {
                if negative {
                    -(-y).exp()
                } else {
                    y.exp()
                }
            }
            Transform::Pow(1.0) => y,
            Transform::Pow(0.5) => odd(y, |v| v * v),
            Transform::Pow(e) => odd(y, |v| v.powf(1.0 / e)),
            Transform::Symlog(c) => sign(y) * y.abs().exp_m1() * c,
        }
    }
}

/// `f` made odd, as d3's pow scale applies it: `f(x)` for `x >= 0`, `-f(-x)` below zero.
fn odd(x: f64, f: impl Fn(f64) -> f64) -> f64 {
    if x < 0.0 {
        -f(-x)
    } else {
        f(x)
    }
}

/// JavaScript's `Math.sign` (NaN stays NaN, ±0 stay).
fn sign(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        x
    }
}

/// d3's `logs` for a base (log10 and log2 exactly; others by division).
fn logs(base: f64, negative: bool, x: f64) -> f64 {
    let f = |x: f64| {
        if base == 10.0 {
            x.log10()
        } else if base == std::f64::consts::E {
            x.ln()
        } else if base == 2.0 {
            x.log2()
        } else {
            x.ln() / base.ln()
        }
    };
    if negative {
        -f(-x)
    } else {
        f(x)
    }
}

/// d3's `pows` for a base (`+("1e" + x)` for base 10, so powers of ten are exact).
fn pows(base: f64, negative: bool, x: f64) -> f64 {
    let f = |x: f64| {
        if base == 10.0 {
            if x.is_finite() && x.fract() == 0.0 && x.abs() <= 300.0 {
                // Exact like JavaScript's "1e" + x for integral exponents.
                #[allow(clippy::cast_possible_truncation)]
                let k = x as i32;
                if k >= 0 {
                    10f64.powi(k)
                } else {
                    1.0 / 10f64.powi(-k)
                }
            } else if x.is_finite() {
                10f64.powf(x)
            } else if x < 0.0 {
                0.0
            } else {
                x
            }
        } else if base == std::f64::consts::E {
            x.exp()
        } else {
            base.powf(x)
        }
    };
    if negative {
        -f(-x)
    } else {
        f(x)
    }
}

/// d3's `log.nice()`: the domain widened to powers of the base.
///
/// ```
/// use storychart::scale::transform::log_nice;
/// assert_eq!(log_nice(10.0, [3.0, 420.0]), [1.0, 1000.0]);
/// ```
pub fn log_nice(base: f64, domain: [f64; 2]) -> [f64; 2] {
    let negative = domain[0] < 0.0;
    let floor = |x: f64| pows(base, negative, logs(base, negative, x).floor());
    let ceil = |x: f64| pows(base, negative, logs(base, negative, x).ceil());
    let [d0, d1] = domain;
    if d1 < d0 {
        [ceil(d0), floor(d1)]
    } else {
        [floor(d0), ceil(d1)]
    }
}

/// d3's `log.ticks(count)`.
///
/// ```
/// use storychart::scale::transform::log_ticks;
/// assert_eq!(log_ticks(10.0, [1.0, 1000.0], 3.0), vec![1.0, 10.0, 100.0, 1000.0]);
/// assert_eq!(log_ticks(10.0, [1.0, 100.0], 10.0).len(), 19);
/// ```
pub fn log_ticks(base: f64, domain: [f64; 2], count: f64) -> Vec<f64> {
    let negative = domain[0] < 0.0;
    let [mut u, mut v] = domain;
    let reversed = v < u;
    if reversed {
        std::mem::swap(&mut u, &mut v);
    }
    let mut i = logs(base, negative, u);
    let mut j = logs(base, negative, v);
    let n = count;
    let mut z: Vec<f64> = Vec::new();
    if !(i.is_finite() && j.is_finite()) {
        return z;
    }
    if base % 1.0 == 0.0 && j - i < n {
        i = i.floor();
        j = j.ceil();
        let whole = base as i64;
        if u > 0.0 {
            while i <= j {
                for k in 1..whole {
                    let k = k as f64;
                    let t = if i < 0.0 {
                        k / pows(base, negative, -i)
                    } else {
                        k * pows(base, negative, i)
                    };
                    if t < u {
                        continue;
                    }
                    if t > v {
                        break;
                    }
                    z.push(t);
                }
                i += 1.0;
            }
        } else {
            while i <= j {
                for k in (1..whole).rev() {
                    let k = k as f64;
                    let t = if i > 0.0 {
                        k / pows(base, negative, -i)
                    } else {
                        k * pows(base, negative, i)
                    };
                    if t < u {
                        continue;
                    }
                    if t > v {
                        break;
                    }
                    z.push(t);
                }
                i += 1.0;
            }
        }
        if (z.len() as f64) * 2.0 < n {
            z = ticks::ticks(u, v, n);
        }
    } else {
        z = ticks::ticks(i, j, (j - i).min(n))
            .into_iter()
            .map(|t| pows(base, negative, t))
            .collect();
    }
    if reversed {
        z.reverse();
    }
    z
}

/// Vega's label format for log-scale ticks: `specifier` (default `","`) at 12 significant
/// digits with trailing zeros trimmed, and an empty label for ticks d3's log filter skips
/// (so only about `count` ticks are labelled).
pub struct LogTickFormat {
    format: NumberFormat,
    base: f64,
    k: f64,
}

impl LogTickFormat {
    /// The format for a log scale with `base` over `domain`, for `count` ticks.
    pub fn new(base: f64, domain: [f64; 2], count: f64, specifier: Option<&str>) -> Self {
        let mut spec = specifier
            .and_then(|s| FormatSpec::parse(s).ok())
            .unwrap_or_else(|| FormatSpec {
                comma: true,
                ..FormatSpec::default()
            });
        if spec.precision.is_none() {
            spec.precision = Some(match spec.kind {
                '%' => 10,
                'e' => 11,
                _ => 12,
            });
            spec.trim = true;
        }
        let n = log_ticks(base, domain, count).len().max(1) as f64;
        LogTickFormat {
            format: NumberFormat::from_spec(spec, &Locale::en_us()),
            base,
            k: (base * count / n).max(1.0),
        }
    }

    /// The label of tick `d` (empty when skipped).
    ///
    /// ```
    /// use storychart::scale::transform::LogTickFormat;
    /// let f = LogTickFormat::new(10.0, [1.0, 1000.0], 5.0, None);
    /// assert_eq!(f.format(1000.0), "1,000");
    /// assert_eq!(f.format(2.0), ""); // skipped, as d3 skips it
    /// ```
    pub fn format(&self, d: f64) -> String {
        let logb = self.base.ln();
        let mut i = d / self.base.powf((d.ln() / logb).round());
        if i * self.base < self.base - 0.5 {
            i *= self.base;
        }
        if i <= self.k {
            trim_zeroes(&self.format.format(d))
        } else {
            String::new()
        }
    }
}

/// vega-format's `trimZeroes`: trailing zeros after the decimal point go (and the point too).
fn trim_zeroes(s: &str) -> String {
    let Some(dec) = s.find('.') else {
        return s.to_string();
    };
    let bytes = s.as_bytes();
    let mut end = match s.rfind('e') {
        Some(e) if e > 0 => e,
        _ => (dec + 1..s.len())
            .rev()
            .find(|&i| bytes.get(i).is_some_and(u8::is_ascii_digit))
            .map_or(dec + 1, |i| i + 1),
    };
    let tail = s.get(end..).unwrap_or("").to_string();
    let mut idx = end;
    loop {
        if idx <= dec + 1 {
            idx = dec;
            break;
        }
        idx -= 1;
        if bytes.get(idx) != Some(&b'0') {
            idx += 1;
            break;
        }
    }
    end = idx;
    format!("{}{tail}", s.get(..end).unwrap_or(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transforms_round_trip() {
        for t in [
            Transform::log(10.0, [1.0, 10.0]),
            Transform::log(10.0, [-10.0, -1.0]),
            Transform::Pow(2.0),
            Transform::Pow(0.5),
            Transform::Symlog(1.0),
        ] {
            for x in [2.0, 7.5, 100.0] {
                let x = if matches!(t, Transform::Log { negative: true, .. }) {
                    -x
                } else {
                    x
                };
                let back = t.invert(t.apply(x));
                assert!((back - x).abs() < 1e-9 * x.abs(), "{t:?} {x} {back}");
            }
        }
    }

    // Expected values: d3-scale 4 under Node 20.
    #[test]
    fn log_ticks_match_d3() {
        assert_eq!(
            log_ticks(10.0, [1.0, 100.0], 5.0),
            vec![
                1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0,
                70.0, 80.0, 90.0, 100.0
            ]
        );
        assert_eq!(
            log_ticks(10.0, [0.01, 1e6], 5.0),
            vec![0.01, 1.0, 100.0, 10000.0, 1000000.0]
        );
        assert_eq!(log_nice(10.0, [-420.0, -3.0]), [-1000.0, -1.0]);
        // Too few powers of two: d3 falls back to linear ticks.
        assert_eq!(log_ticks(2.0, [1.0, 8.0], 10.0).len(), 15);
        let symlog = crate::scale::LinearScale::new([0.0, 1000.0], [0.0, 100.0])
            .with_transform(Transform::Symlog(1.0));
        assert_eq!(symlog.map(10.0), 34.70806750845548);
    }

    #[test]
    fn log_labels_skip_as_vega_does() {
        let f = LogTickFormat::new(10.0, [1.0, 100.0], 5.0, None);
        let labels: Vec<String> = log_ticks(10.0, [1.0, 100.0], 5.0)
            .into_iter()
            .map(|t| f.format(t))
            .collect();
        assert_eq!(labels.first().map(String::as_str), Some("1"));
        assert_eq!(labels.get(1).map(String::as_str), Some("2"));
        assert_eq!(labels.get(2).map(String::as_str), Some(""));
        assert_eq!(labels.get(9).map(String::as_str), Some("10"));
        assert_eq!(trim_zeroes("1.500000"), "1.5");
        assert_eq!(trim_zeroes("2.000"), "2");
        assert_eq!(trim_zeroes("1,000"), "1,000");
    }
}
