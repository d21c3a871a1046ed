//! Decimal text -> `f64` fast, bit for bit as JavaScript's `Number(string)`.
//!
//! Stage: data. Type inference reads every cell of a CSV as a number first, so this is the
//! hottest conversion of a parse. [`js_number`] handles the common shape, an optionally signed
//! decimal `[+-]digits[.digits][(e|E)[+-]digits]` with at most 19 significant digits whose
//! value fits 2^53, with Clinger's fast path: when the digits `w` are exact in an `f64` and
//! `|exp10| <= 22`, `w * 10^e` (or `w / 10^-e`) is one correctly rounded IEEE operation on two
//! exact operands, so it equals the correctly rounded decimal value `f64::from_str` gives.
//! Everything else (white space, `Infinity`, hex/octal/binary, more digits, large exponents,
//! anything invalid) goes to the general [`crate::js::num::string_to_number`], so the result
//! is always the same as that function's (a property test checks it bit for bit).

/// `10^0 ..= 10^22`, all exact in an `f64`.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The largest integer every smaller one of which is exact in an `f64`.
const MAX_EXACT: u64 = 1 << 53;

use super::dict::load_upto8;

/// JavaScript's `Number(s)` (`NaN` where JavaScript gives `NaN`; `""` and blanks are `0`).
///
/// ```
/// use storychart::data::parse::number::js_number;
/// assert_eq!(js_number("-12.5e1"), -125.0);
/// assert_eq!(js_number(" 0x10 "), 16.0);
/// assert!(js_number("1,5").is_nan());
/// ```
#[inline(always)]
pub fn js_number(s: &str) -> f64 {
    match fast_decimal(s.as_bytes()) {
        Some(Decimal::Value(v)) => v,
        // A plain decimal beyond the fast path: what `string_to_number` does with it once it
        // has found it plain (`Number` of the unsigned body, then the sign), minus the checks.
        Some(Decimal::Slow { negative }) => {
            let body = s
                .get(usize::from(s.starts_with(['-', '+']))..)
                .unwrap_or("");
            match body.parse::<f64>() {
                Ok(v) if negative => -v,
                Ok(v) => v,
                Err(_) => crate::js::num::string_to_number(s),
            }
        }
        None => crate::js::num::string_to_number(s),
    }
}

/// `10^0 ..= 10^18` as integers (all below 2^60).
const POW10_INT: [u64; 19] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
    10_000_000_000,
    100_000_000_000,
    1_000_000_000_000,
    10_000_000_000_000,
    100_000_000_000_000,
    1_000_000_000_000_000,
    10_000_000_000_000_000,
    100_000_000_000_000_000,
    1_000_000_000_000_000_000,
];

/// `w / 10^k` correctly rounded (to nearest, ties to even) for `w` above 2^53 and `k` at most
/// 18, where Clinger's fast path does not apply: an exact integer division of `w * 2^s` by
/// `10^k`, with `s` chosen so the quotient has 54 or 55 bits, rounded to 53 with the bits
/// below and the remainder deciding. `None` outside that range (the general parser then
/// takes the text).
#[inline(never)]
fn div_pow10(w: u64, k: usize) -> Option<f64> {
    let p = *POW10_INT.get(k)?;
    let (lw, lp) = (64 - w.leading_zeros(), 64 - p.leading_zeros());
    // `w / p` lies in (2^(lw - lp - 1), 2^(lw - lp + 1)), so `q` in (2^53, 2^55).
    let s = (54 + lp).checked_sub(lw)?;
    if w == 0 || s > 63 {
        return None;
    }
    let num = u128::from(w) << s;
    let q = num / u128::from(p);
    // The remainder without a second division (WASM has no 128-bit division instruction).
    let r = num - q * u128::from(p);
    let extra = (128 - q.leading_zeros()).checked_sub(53)?;
    if !(1..=2).contains(&extra) {
        return None;
    }
    let half = 1u128 << (extra - 1);
    let low = q & ((1u128 << extra) - 1);
    let mut m = u64::try_from(q >> extra).ok()?;
    if low > half || (low == half && (r != 0 || m & 1 == 1)) {
        m += 1;
    }
    let mut e = i64::from(extra) - i64::from(s);
    if m == 1 << 53 {
        m = 1 << 52;
        e += 1;
    }
    // `m` < 2^53 is exact as an `f64`, and scaling by 2^e (e in [-63, 2]) is exact too.
    let scale = f64::from_bits(u64::try_from(1023 + e).ok()? << 52);
    #[allow(clippy::cast_precision_loss)]
    Some(m as f64 * scale)
}

/// What the fast path made of a text.
enum Decimal {
    /// The exact value.
    Value(f64),
    /// A plain signed decimal literal too long or too large for the fast path.
    Slow { negative: bool },
}

/// Reads a run of ASCII digits from `b[*i..]` into `w` (only while the digit count `n`
/// stays within 19, so `w` cannot overflow; leading zeros count too, which only sends a few
/// rare texts to the slower exact parser); returns how many digits were read.
///
/// Digits are read up to eight at a time (SWAR: find the run's length in a word of the text,
/// then convert it with three multiplications) while the count stays within 19, the rest,
/// if any, byte by byte.
#[inline(always)]
fn digits(b: &[u8], i: &mut usize, w: &mut u64, n: &mut u32) -> usize {
    let start = *i;
    while *n <= 11 {
        let word = load_upto8(b.get(*i..).unwrap_or_default());
        let k = leading_digits(word);
        if k > 0 {
            *w = *w * POW10_INT.get(k).copied().unwrap_or(0) + digits_value(word, k);
            // `k` is at most 8.
            #[allow(clippy::cast_possible_truncation)]
            {
                *n += k as u32;
            }
            *i += k;
        }
        if k < 8 {
            return *i - start;
        }
    }
    while let Some(&c) = b.get(*i) {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        if *n < 19 {
            *w = *w * 10 + u64::from(d);
        }
        *n += 1;
        *i += 1;
    }
    *i - start
}

/// `0x01` in every byte of a word.
const ONES: u64 = 0x0101_0101_0101_0101;

/// How many of `word`'s low bytes, from the first, are ASCII digits (0 to 8).
#[inline(always)]
fn leading_digits(word: u64) -> usize {
    // A byte is a digit when `byte ^ '0'` is below 10: no carry crosses a byte here.
    let x = word ^ (ONES * u64::from(b'0'));
    let non_digit = (((x & (ONES * 0x7f)) + ONES * 0x76) | x) & (ONES << 7);
    (non_digit.trailing_zeros() / 8) as usize
}

/// The value of the first `k` (1 to 8) ASCII digits of `word`, the first the most significant.
#[inline(always)]
fn digits_value(word: u64, k: usize) -> u64 {
    // Digit values, moved up so the `k` digits are the word's last bytes (zeros lead).
    let v = (word & (ONES * 0x0f)) << (8 * (8 - k));
    // Pairs, then fours, then the eight (fast_float's `parse_eight_digits_unrolled`).
    let v = v * 10 + (v >> 8);
    let mask = 0x0000_00FF_0000_00FF;
    let mul1 = 100 + (1_000_000 << 32);
    let mul2 = 1 + (10_000 << 32);
    ((v & mask)
        .wrapping_mul(mul1)
        .wrapping_add(((v >> 16) & mask).wrapping_mul(mul2)))
        >> 32
}

/// Clinger's fast path over the plain decimal shape; `None` hands over to the general parser.
#[inline(always)]
fn fast_decimal(b: &[u8]) -> Option<Decimal> {
    let (negative, mut i) = match b.first()? {
        b'-' => (true, 1),
        b'+' => (false, 1),
        _ => (false, 0),
    };
    let (mut w, mut n) = (0u64, 0u32);
    let int = digits(b, &mut i, &mut w, &mut n);
    let mut frac = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        frac = digits(b, &mut i, &mut w, &mut n);
    }
    if int + frac == 0 {
        return None;
    }
    let mut exp: i64 = 0;
    if let Some(b'e' | b'E') = b.get(i) {
        i += 1;
        let negative_exp = match b.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let start = i;
        while let Some(&c) = b.get(i) {
            let d = c.wrapping_sub(b'0');
            if d > 9 || i - start >= 6 {
                break;
            }
            exp = exp * 10 + i64::from(d);
            i += 1;
        }
        if i == start {
            return None;
        }
        if negative_exp {
            exp = -exp;
        }
    }
    if i != b.len() {
        return None;
    }
    let slow = Some(Decimal::Slow { negative });
    if n > 19 {
        return slow;
    }
    // Fraction digits shift the decimal point left; `frac` is at most the text's length.
    let exp10 = exp - i64::try_from(frac).ok()?;
    let v = if w > MAX_EXACT {
        // 16 to 19 digits (as many numbers written by `String(x)` have): exact division.
        let k = usize::try_from(-exp10).unwrap_or(usize::MAX);
        match div_pow10(w, k) {
            Some(v) => v,
            None => return slow,
        }
    } else if w == 0 {
        0.0
    } else {
        // `w` <= 2^53, so the conversion is exact.
        #[allow(clippy::cast_precision_loss)]
        let w = w as f64;
        let Some(p) = POW10.get(usize::try_from(exp10.unsigned_abs()).unwrap_or(usize::MAX)) else {
            return slow;
        };
        if exp10 >= 0 {
            w * p
        } else {
            w / p
        }
    };
    Some(Decimal::Value(if negative { -v } else { v }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::parse::dsv::tests::Rng;
    use crate::js::num::string_to_number;

    fn same(s: &str) {
        let (a, b) = (js_number(s), string_to_number(s));
        assert!(
            a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
            "{s:?}: fast {a:e} ({:#x}) vs general {b:e} ({:#x})",
            a.to_bits(),
            b.to_bits()
        );
    }

    #[test]
    fn edge_cases_equal_the_general_parser() {
        for s in [
            "",
            " ",
            "0",
            "-0",
            "+0",
            "00",
            "-0.0",
            "0e0",
            "-0e-5",
            "1",
            "-1",
            "+1",
            "1.",
            ".5",
            "-.5",
            ".",
            "-",
            "+",
            "e5",
            "1e",
            "1e+",
            "1e-",
            "1e5",
            "1E5",
            "1e+5",
            "1e-5",
            "1.e5",
            ".e5",
            "0.1",
            "0.2",
            "0.3",
            "1.1",
            "123.456",
            "-123.456e-2",
            "1e22",
            "1e23",
            "1e-22",
            "1e-23",
            "9007199254740992",
            "9007199254740993",
            "9007199254740991",
            "18446744073709551615",
            "18446744073709551616",
            "9999999999999999999",
            "99999999999999999999",
            "0.000000000000000000001",
            "1234567890123456789e-22",
            "4.9e-324",
            "2.2250738585072014e-308",
            "1.7976931348623157e308",
            "1e308",
            "1e309",
            "1e400",
            "5e-400",
            "0e999999999",
            "1e0000000000001",
            "Infinity",
            "-Infinity",
            "+Infinity",
            "infinity",
            "NaN",
            "0x1F",
            "0b101",
            "0o17",
            "-0x10",
            " 12 ",
            "\t12\n",
            "\u{a0}12",
            "12abc",
            "1 2",
            "--1",
            "+-1",
            "1.2.3",
            "1_000",
            "1,000",
            "١٢",
            "00012",
            "0.10000000000000000000",
            "000000000000000000000001",
            "1.000000000000000000001",
            "3.0",
            "2e0",
            "1.5e1",
            "0.1e1",
            "123456789012345678",
            "1234567890123456789",
        ] {
            same(s);
        }
    }

    #[test]
    fn long_decimals_equal_the_general_parser() {
        // 16 to 19 significant digits with up to 18 after the point (the exact-division
        // path), and around its edges.
        let mut rng = Rng::new(11);
        for _ in 0..300_000 {
            let digits = 15 + rng.below(6);
            let mut s = String::new();
            if rng.below(2) == 0 {
                s.push('-');
            }
            let mut body: String = (0..digits)
                .map(|i| {
                    let lo = u8::from(i == 0);
                    char::from(b'0' + lo + rng.below(10 - lo as usize) as u8)
                })
                .collect();
            if rng.below(20) == 0 {
                // Ties and near-ties: long runs of 0s or 9s after a 5.
                let tail = if rng.below(2) == 0 {
                    "5000000"
                } else {
                    "4999999"
                };
                body.replace_range(digits - 7.., tail);
            }
            let point = rng.below(digits + 1);
            body.insert(point, '.');
            s.push_str(&body);
            if rng.below(8) == 0 {
                s.push_str(&format!("e{}", rng.below(12) as i64 - 6));
            }
            same(&s);
        }
        for x in [
            0.1,
            1.0 / 3.0,
            2.0 / 3.0,
            123.456,
            9.99,
            1e-10 / 7.0,
            5e15 / 3.0,
        ] {
            for v in [x, x * 7.0, x / 13.0] {
                same(&format!("{v:.17}"));
                same(&format!("{v}"));
            }
        }
        same("9007199254740993.5");
        same("18446744073709551615");
        same("1844674407370955161.5");
        same("0.9999999999999999999");
    }

    #[test]
    fn random_decimals_equal_the_general_parser() {
        let mut rng = Rng::new(7);
        let alphabet = ['0', '1', '5', '9', '.', '-', '+', 'e', 'E', ' ', 'x'];
        for _ in 0..200_000 {
            let len = rng.below(24);
            let s: String = (0..len)
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect();
            same(&s);
        }
        // Well-formed numbers with many digits and exponents around the fast path's edges.
        for _ in 0..200_000 {
            let mut s = String::new();
            if rng.below(3) == 0 {
                s.push('-');
            }
            for _ in 0..rng.below(12) {
                s.push(char::from(b'0' + rng.below(10) as u8));
            }
            if rng.below(2) == 0 {
                s.push('.');
                for _ in 0..rng.below(12) {
                    s.push(char::from(b'0' + rng.below(10) as u8));
                }
            }
            if rng.below(3) == 0 {
                s.push('e');
                s.push_str(&(rng.below(60) as i64 - 30).to_string());
            }
            same(&s);
        }
    }
}
