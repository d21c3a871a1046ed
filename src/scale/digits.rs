//! Scale stage: d3-format's digit generation, before locale, sign and padding are applied.
//!
//! Ports `formatTypes` (e f g r s % p d x X o b), `formatDecimalParts`, `exponent`,
//! `formatPrefixAuto`, `formatRounded`, `formatTrim` and the `precision*` helpers of d3-format 3.1,
//! on top of the JavaScript number-to-string primitives in `crate::js::num`, so the digits are d3's own.
//!
//! Guarantees: total over non-negative `f64` including ±∞ and subnormals; never panics. Precision
//! helpers return `None` (public wrappers: 0) exactly where d3 returns NaN.

use crate::js::num::{
    js_round, rounded, shortest, to_exponential, to_fixed, to_precision, to_radix, to_string,
    Digits,
};

/// SI prefixes from 10^-24 (`y`) to 10^24 (`Y`), as in d3-format.
const PREFIXES: [&str; 17] = [
    "y", "z", "a", "f", "p", "n", "\u{b5}", "m", "", "k", "M", "G", "T", "P", "E", "Z", "Y",
];

pub(crate) fn prefix_for(e: i32) -> &'static str {
    let i = usize::try_from(8 + e / 3).unwrap_or(0);
    PREFIXES.get(i).copied().unwrap_or("")
}

/// d3-format's `formatTypes[kind](x, p)` for `x >= 0` (not NaN); also returns the SI exponent
/// chosen by the `s` type.
pub(crate) fn format_type(kind: char, x: f64, p: usize) -> (String, Option<i32>) {
    let s = match kind {
        '%' => to_fixed(x * 100.0, p),
        'b' => to_radix(js_round(x), 2),
        'd' => format_decimal(x),
        'e' => to_exponential(x, Some(p)),
        'f' => to_fixed(x, p),
        'o' => to_radix(js_round(x), 8),
        'p' => format_rounded(x * 100.0, p),
        'r' => format_rounded(x, p),
        's' => return format_prefix_auto(x, p),
        'X' => to_radix(js_round(x), 16).to_ascii_uppercase(),
        'x' => to_radix(js_round(x), 16),
        _ => to_precision(x, p),
    };
    (s, None)
}

/// d3's `formatDecimalParts(x, p)`: `p` significant digits (shortest when `p == 0`).
pub(crate) fn decimal_parts(x: f64, p: usize) -> Option<Digits> {
    let x = x.abs();
    if !x.is_finite() || x == 0.0 {
        return None;
    }
    Some(if p == 0 { shortest(x) } else { rounded(x, p) })
}

/// d3's `exponent(x)`: decimal exponent of |x|, `None` (d3: NaN) for 0, NaN and ±∞.
pub(crate) fn exponent(x: f64) -> Option<i32> {
    decimal_parts(x, 0).map(|d| d.exp)
}

fn digits_str(d: &[u8]) -> String {
    d.iter().map(|&b| char::from(b)).collect()
}

fn zeros(n: i64) -> String {
    "0".repeat(usize::try_from(n).unwrap_or(0))
}

/// d3's `formatDecimal`: `Math.round(x)` as an integer string ("∞" for infinity).
fn format_decimal(x: f64) -> String {
    let r = js_round(x);
    if r.abs() < 1e21 {
        return to_string(r);
    }
    if !r.is_finite() {
        return "\u{221e}".into();
    }
    // toLocaleString("en") without commas: shortest digits, then zeros.
    let d = shortest(r.abs());
    let n = i64::from(d.exp) + 1 - d.digits.len() as i64;
    digits_str(&d.digits) + &zeros(n)
}

/// d3's `formatRounded(x, p)` (types `r` and `p`).
fn format_rounded(x: f64, p: usize) -> String {
    let Some(d) = decimal_parts(x, p) else {
        return to_string(x);
    };
    let c = digits_str(&d.digits);
    let e = i64::from(d.exp);
    let len = c.len() as i64;
    if e < 0 {
        format!("0.{}{c}", zeros(-e - 1))
    } else if len > e + 1 {
        let (int, frac) = c.split_at(usize::try_from(e + 1).unwrap_or(0));
        format!("{int}.{frac}")
    } else {
        c + &zeros(e - len + 1)
    }
}

/// d3's `formatPrefixAuto(x, p)` (type `s`); returns the SI exponent used, if any.
fn format_prefix_auto(x: f64, p: usize) -> (String, Option<i32>) {
    let Some(d) = decimal_parts(x, p) else {
        return (to_precision(x, p), None);
    };
    let pe = d.exp.div_euclid(3).clamp(-8, 8) * 3;
    let i = i64::from(d.exp - pe) + 1;
    let c = digits_str(&d.digits);
    let n = c.len() as i64;
    let s = if i == n {
        c
    } else if i > n {
        c + &zeros(i - n)
    } else if i > 0 {
        let (int, frac) = c.split_at(usize::try_from(i).unwrap_or(0));
        format!("{int}.{frac}")
    } else {
        // Less than 1y: d3 re-rounds to p + i - 1 digits (shortest when that is <= 0).
        let q = usize::try_from(p as i64 + i - 1).unwrap_or(0);
        let more = decimal_parts(x, q)
            .map(|d| digits_str(&d.digits))
            .unwrap_or_default();
        format!("0.{}{more}", zeros(-i))
    };
    (s, Some(pe))
}

/// d3's `formatTrim`: drops insignificant trailing zeros ("1.2000k" → "1.2k").
pub(crate) fn format_trim(s: &str) -> String {
    let c: Vec<char> = s.chars().collect();
    let (mut i0, mut i1) = (-1i64, 0i64);
    for (i, ch) in c.iter().enumerate().skip(1) {
        let i = i as i64;
        match ch {
            '.' => (i0, i1) = (i, i),
            '0' => {
                if i0 == 0 {
                    i0 = i;
                }
                i1 = i;
            }
            '1'..='9' => {
                if i0 > 0 {
                    i0 = 0;
                }
            }
            _ => break,
        }
    }
    if i0 <= 0 {
        return s.to_string();
    }
    let keep = |i: usize| (i as i64) < i0 || (i as i64) > i1;
    c.iter()
        .enumerate()
        .filter(|&(i, _)| keep(i))
        .map(|(_, ch)| ch)
        .collect()
}

/// d3's `precisionFixed(step)`: decimals needed for multiples of `step`
/// (0 when d3 would return NaN: step 0, NaN or infinite).
///
/// ```
/// use storychart::scale::format::precision_fixed;
/// assert_eq!(precision_fixed(0.25), 1);
/// assert_eq!(precision_fixed(0.01), 2);
/// assert_eq!(precision_fixed(10.0), 0);
/// ```
pub fn precision_fixed(step: f64) -> usize {
    precision_fixed_opt(step).unwrap_or(0)
}

/// d3's `precisionPrefix(step, value)`: decimals for an SI-prefixed format of `value`'s magnitude
/// (0 when d3 would return NaN).
///
/// ```
/// use storychart::scale::format::precision_prefix;
/// assert_eq!(precision_prefix(1e5, 1.3e6), 1);
/// ```
pub fn precision_prefix(step: f64, value: f64) -> usize {
    precision_prefix_opt(step, value).unwrap_or(0)
}

/// d3's `precisionRound(step, max)`: significant digits separating multiples of `step` up to
/// `max` (0 when d3 would return NaN).
///
/// ```
/// use storychart::scale::format::precision_round;
/// assert_eq!(precision_round(0.01, 1.01), 3);
/// ```
pub fn precision_round(step: f64, max: f64) -> usize {
    precision_round_opt(step, max).unwrap_or(0)
}

pub(crate) fn precision_fixed_opt(step: f64) -> Option<usize> {
    exponent(step.abs()).map(|e| usize::try_from(-e).unwrap_or(0))
}

pub(crate) fn precision_prefix_opt(step: f64, value: f64) -> Option<usize> {
    let e = exponent(value)?.div_euclid(3).clamp(-8, 8) * 3;
    Some(usize::try_from(e - exponent(step.abs())?).unwrap_or(0))
}

pub(crate) fn precision_round_opt(step: f64, max: f64) -> Option<usize> {
    let step = step.abs();
    let max = max.abs() - step;
    let d = exponent(max)? - exponent(step)?;
    Some(usize::try_from(d).unwrap_or(0) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values in every table: d3-format 3.1.3 under Node 20.
    /// precisionFixed(step); `None` where d3 returns NaN.
    #[rustfmt::skip]
    const PRECISION_FIXED: &[(f64, Option<usize>)] = &[
        (0.25, Some(1)),
        (0.01, Some(2)),
        (10.0, Some(0)),
        (0.0, None),
        (f64::NAN, None),
        (1e-300, Some(300)),
        (-0.001, Some(3)),
        (f64::INFINITY, None),
    ];

    /// (step, value, precisionPrefix(step, value), precisionRound(step, value)).
    #[rustfmt::skip]
    const PRECISION_OTHER: &[(f64, f64, Option<usize>, Option<usize>)] = &[
        (100000.0, 1300000.0, Some(1), Some(2)),
        (0.01, 1.01, Some(2), Some(3)),
        (1.0, 0.0, None, Some(1)),
        (0.0, 1.0, None, None),
        (1e-10, 0.001, Some(7), Some(7)),
        (1000.0, 1e+30, Some(21), Some(28)),
    ];

    #[test]
    fn precisions_match_d3() {
        for &(step, expected) in PRECISION_FIXED {
            assert_eq!(
                precision_fixed_opt(step),
                expected,
                "precisionFixed({step})"
            );
            assert_eq!(precision_fixed(step), expected.unwrap_or(0));
        }
        for &(step, value, prefix, round) in PRECISION_OTHER {
            assert_eq!(
                precision_prefix_opt(step, value),
                prefix,
                "precisionPrefix({step}, {value})"
            );
            assert_eq!(
                precision_round_opt(step, value),
                round,
                "precisionRound({step}, {value})"
            );
            assert_eq!(precision_prefix(step, value), prefix.unwrap_or(0));
            assert_eq!(precision_round(step, value), round.unwrap_or(0));
        }
    }

    #[test]
    fn digits_match_d3() {
        // formatTrim, formatPrefixAuto, formatRounded and formatDecimal on their own.
        assert_eq!(format_trim("1.2000k"), "1.2k");
        assert_eq!(format_trim("100.500"), "100.5");
        assert_eq!(format_trim("1.00000000000e+21"), "1e+21");
        assert_eq!(format_trim("1.05"), "1.05");
        assert_eq!(format_trim("100"), "100");
        assert_eq!(format_prefix_auto(1500.0, 3), ("1.50".to_string(), Some(3)));
        assert_eq!(
            format_prefix_auto(1e-30, 1),
            ("0.000001".to_string(), Some(-24))
        );
        assert_eq!(format_prefix_auto(0.0, 3), ("0.00".to_string(), None));
        assert_eq!(format_rounded(0.0012345, 3), "0.00123");
        assert_eq!(format_rounded(1234.5, 2), "1200");
        assert_eq!(format_decimal(f64::INFINITY), "\u{221e}");
        assert_eq!(format_decimal(2f64.powi(70)), "1180591620717411300000");
        assert_eq!(exponent(0.0), None);
        assert_eq!(exponent(-0.00123), Some(-3));
        assert_eq!(prefix_for(-24), "y");
        assert_eq!(prefix_for(-6), "\u{b5}");
    }
}
