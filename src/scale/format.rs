//! Scale stage: number formatting for axis labels, legends and tooltips.
//!
//! A port of d3-format 3.1 (`format`, `formatPrefix`, `precisionFixed`, `precisionPrefix`,
//! `precisionRound`, locales) that produces d3's output byte for byte, including the real minus
//! sign U+2212, SI prefixes, grouping, currency, padding and JavaScript's number-to-string
//! rounding (exact ties round up: `format(".0f")(2.5)` is `"3"`).
//!
//! Guarantees: parsing reports bad specifiers as `Err` (never panics); formatting is total over
//! all `f64` (NaN, ±∞, ±0, subnormals, 1e308). Widths above [`MAX_WIDTH`] are capped there,
//! where d3 would build a string of any length.

use std::fmt;

use super::digits::{exponent, format_trim, format_type, prefix_for};
use crate::js::num::{is_js_zero, js_pow10, to_string};

pub use super::digits::{precision_fixed, precision_prefix, precision_round};

/// Largest field width honoured; wider specifiers are padded to this width only.
pub const MAX_WIDTH: usize = 1024;

/// Types d3-format knows; any other letter behaves like `~g` with precision 12.
const KNOWN_TYPES: &str = "%bcdefgoprsXx";

const GRAMMAR: &str = "[[fill]align][sign][symbol][0][width][,][.precision][~][type]";

/// Number-formatting conventions of a language/region (d3-format's locale definition).
#[derive(Clone, Debug, PartialEq)]
pub struct Locale {
    /// Decimal point, e.g. "." or ",".
    pub decimal: String,
    /// Group separator, e.g. "," or ".".
    pub thousands: String,
    /// Group sizes from the right, repeating the last cycle (d3 semantics: `[3]` for thousands).
    pub grouping: Vec<usize>,
    /// Currency prefix and suffix used by the `$` symbol.
    pub currency: (String, String),
    /// Minus sign (d3's default is U+2212 MINUS SIGN).
    pub minus: String,
    /// Suffix for the `%` and `p` types.
    pub percent: String,
    /// Text for NaN.
    pub nan: String,
}

impl Locale {
    fn euro(decimal: &str, thousands: &str, percent: &str) -> Locale {
        Locale {
            decimal: decimal.into(),
            thousands: thousands.into(),
            grouping: vec![3],
            currency: (String::new(), "\u{a0}\u{20ac}".into()),
            minus: "\u{2212}".into(),
            percent: percent.into(),
            nan: "NaN".into(),
        }
    }

    /// d3's default locale (en-US): `1,234.5`, `$1.00`, minus U+2212.
    pub fn en_us() -> Locale {
        Locale {
            currency: ("$".into(), String::new()),
            ..Locale::euro(".", ",", "%")
        }
    }

    /// d3-format's `locale/de-DE.json`: `1.234,5`, `1,00 €`.
    pub fn de_de() -> Locale {
        Locale::euro(",", ".", "%")
    }

    /// d3-format's `locale/fr-FR.json`: no-break space (U+00A0) groups, `12,5 %` with a narrow
    /// no-break space (U+202F) before the percent sign.
    pub fn fr_fr() -> Locale {
        Locale::euro(",", "\u{a0}", "\u{202f}%")
    }

    /// d3-format's `locale/es-ES.json`: `1.234,5`, `1,00 €`.
    pub fn es_es() -> Locale {
        Locale::euro(",", ".", "%")
    }
}

impl Default for Locale {
    fn default() -> Self {
        Locale::en_us()
    }
}

/// A parsed d3-format specifier `[[fill]align][sign][symbol][0][width][,][.precision][~][type]`.
#[derive(Clone, Debug, PartialEq)]
pub struct FormatSpec {
    /// Padding character (default ' ').
    pub fill: char,
    /// '<' left, '>' right (default), '^' centre, '=' after the sign.
    pub align: char,
    /// '-' (default), '+', '(' or ' '.
    pub sign: char,
    /// '$' for currency, '#' for 0b/0o/0x prefixes, or none.
    pub symbol: Option<char>,
    /// Zero padding (`0`).
    pub zero: bool,
    /// Minimum field width.
    pub width: Option<usize>,
    /// Group thousands (`,`).
    pub comma: bool,
    /// Digits after the point or significant digits, depending on the type.
    pub precision: Option<usize>,
    /// Trim insignificant trailing zeros (`~`).
    pub trim: bool,
    /// The type letter (`e f g r s % p d x X o b c n`, …), or [`FormatSpec::NO_TYPE`].
    pub kind: char,
}

impl FormatSpec {
    /// The `kind` of a specifier without a type (d3's `""`).
    pub const NO_TYPE: char = '\0';

    /// Parses a d3-format specifier, following d3's regular expression exactly.
    ///
    /// ```
    /// use storychart::scale::format::FormatSpec;
    /// let s = FormatSpec::parse("$,.2f").unwrap();
    /// assert_eq!((s.symbol, s.comma, s.precision, s.kind), (Some('$'), true, Some(2), 'f'));
    /// assert!(FormatSpec::parse(".2q!").unwrap_err().starts_with("invalid format \".2q!\""));
    /// ```
    pub fn parse(specifier: &str) -> Result<FormatSpec, String> {
        let mut cur = Cursor {
            chars: specifier.chars().collect(),
            pos: 0,
        };
        let mut spec = FormatSpec::default();
        let is_align = |c: char| matches!(c, '<' | '>' | '=' | '^');
        // JS `.` without the s/u flags: one UTF-16 unit that is not a line terminator.
        let is_fill =
            |c: char| c.len_utf16() == 1 && !matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}');
        match (cur.peek(0), cur.peek(1)) {
            (Some(f), Some(a)) if is_fill(f) && is_align(a) => {
                (spec.fill, spec.align, cur.pos) = (f, a, 2);
            }
            (Some(a), _) if is_align(a) => (spec.align, cur.pos) = (a, 1),
            _ => {}
        }
        if let Some(c) = cur.take(|c| matches!(c, '+' | '-' | '(' | ' ')) {
            spec.sign = c;
        }
        spec.symbol = cur.take(|c| matches!(c, '$' | '#'));
        spec.zero = cur.take(|c| c == '0').is_some();
        spec.width = cur.number();
        spec.comma = cur.take(|c| c == ',').is_some();
        if cur.take(|c| c == '.').is_some() {
            spec.precision = cur.number();
            if spec.precision.is_none() {
                return Err(invalid(specifier, "\".\" must be followed by digits"));
            }
        }
        spec.trim = cur.take(|c| c == '~').is_some();
        spec.kind = cur
            .take(|c| c.is_ascii_alphabetic() || c == '%')
            .unwrap_or(Self::NO_TYPE);
        match cur.peek(0) {
            None => Ok(spec),
            Some(c) => Err(invalid(specifier, &format!("unexpected \"{c}\""))),
        }
    }
}

/// A position in a specifier being parsed.
struct Cursor {
    chars: Vec<char>,
    pos: usize,
}

impl Cursor {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos.saturating_add(ahead)).copied()
    }

    fn take(&mut self, pred: impl Fn(char) -> bool) -> Option<char> {
        let c = self.peek(0).filter(|&c| pred(c))?;
        self.pos += 1;
        Some(c)
    }

    /// ASCII digits as a saturating number.
    fn number(&mut self) -> Option<usize> {
        let mut n: Option<usize> = None;
        while let Some(d) = self
            .take(|c| c.is_ascii_digit())
            .and_then(|c| c.to_digit(10))
        {
            n = Some(n.unwrap_or(0).saturating_mul(10).saturating_add(d as usize));
        }
        n
    }
}

fn invalid(specifier: &str, what: &str) -> String {
    format!("invalid format \"{specifier}\": {what}; expected {GRAMMAR}")
}

impl Default for FormatSpec {
    /// d3's defaults: fill ' ', align '>', sign '-', no type.
    fn default() -> Self {
        FormatSpec {
            fill: ' ',
            align: '>',
            sign: '-',
            symbol: None,
            zero: false,
            width: None,
            comma: false,
            precision: None,
            trim: false,
            kind: FormatSpec::NO_TYPE,
        }
    }
}

impl fmt::Display for FormatSpec {
    /// d3's `FormatSpecifier.toString()`: the normalized specifier text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}{}", self.fill, self.align, self.sign)?;
        if let Some(s) = self.symbol {
            write!(f, "{s}")?;
        }
        if self.zero {
            f.write_str("0")?;
        }
        if let Some(w) = self.width {
            write!(f, "{}", w.max(1))?;
        }
        if self.comma {
            f.write_str(",")?;
        }
        if let Some(p) = self.precision {
            write!(f, ".{p}")?;
        }
        if self.trim {
            f.write_str("~")?;
        }
        if self.kind != FormatSpec::NO_TYPE {
            write!(f, "{}", self.kind)?;
        }
        Ok(())
    }
}

/// The specifier after d3's normalization, with prefix and suffix resolved against the locale.
#[derive(Clone, Debug, PartialEq)]
struct Prepared {
    kind: char,
    fill: char,
    align: char,
    zero: bool,
    comma: bool,
    precision: usize,
    trim: bool,
    prefix: String,
    suffix: String,
    /// `formatPrefix`: values are multiplied by this before formatting.
    scale: Option<f64>,
}

/// A compiled number format: d3-format's `locale.format(specifier)`.
#[derive(Clone, Debug, PartialEq)]
pub struct NumberFormat {
    spec: FormatSpec,
    locale: Locale,
    prepared: Prepared,
}

impl NumberFormat {
    /// d3's `format(specifier)` in the en-US locale.
    ///
    /// ```
    /// use storychart::scale::NumberFormat;
    /// let f = |s: &str, v: f64| NumberFormat::new(s).unwrap().format(v);
    /// assert_eq!(f(",.2f", 1234.5678), "1,234.57");
    /// assert_eq!(f("~s", 1500.0), "1.5k");
    /// assert_eq!(f(".0%", 0.123), "12%");
    /// assert_eq!(f("$,.2f", -1234.5), "\u{2212}$1,234.50");
    /// assert_eq!(f("", 0.1 + 0.2), "0.3");
    /// ```
    pub fn new(specifier: &str) -> Result<Self, String> {
        Self::with_locale(specifier, &Locale::en_us())
    }

    /// d3's `formatLocale(locale).format(specifier)`.
    ///
    /// ```
    /// use storychart::scale::{Locale, NumberFormat};
    /// let f = NumberFormat::with_locale(",.2f", &Locale::de_de()).unwrap();
    /// assert_eq!(f.format(1234.5), "1.234,50");
    /// ```
    pub fn with_locale(specifier: &str, locale: &Locale) -> Result<Self, String> {
        Ok(Self::from_spec(FormatSpec::parse(specifier)?, locale))
    }

    /// d3's `formatLocale(locale).formatPrefix(specifier, value)`: a fixed-point format with the
    /// SI prefix chosen for `value` (e.g. every tick in thousands: "0.5k", "1.0k").
    ///
    /// ```
    /// use storychart::scale::{Locale, NumberFormat};
    /// let f = NumberFormat::with_prefix(",.1", 1e3, &Locale::en_us()).unwrap();
    /// assert_eq!(f.format(500.0), "0.5k");
    /// ```
    pub fn with_prefix(specifier: &str, value: f64, locale: &Locale) -> Result<Self, String> {
        Ok(Self::prefix_from_spec(
            FormatSpec::parse(specifier)?,
            value,
            locale,
        ))
    }

    /// The specifier as parsed.
    pub fn spec(&self) -> &FormatSpec {
        &self.spec
    }

    pub(crate) fn from_spec(spec: FormatSpec, locale: &Locale) -> Self {
        let prepared = prepare(&spec, locale, None);
        NumberFormat {
            spec,
            locale: locale.clone(),
            prepared,
        }
    }

    pub(crate) fn prefix_from_spec(spec: FormatSpec, value: f64, locale: &Locale) -> Self {
        // e = clamp(floor(exponent(value) / 3), -8, 8) * 3, NaN when value is 0 or not finite.
        let e = exponent(value).map(|x| x.div_euclid(3).clamp(-8, 8) * 3);
        let spec = FormatSpec { kind: 'f', ..spec };
        let si = e.map(|e| (js_pow10(f64::from(-e)), prefix_for(e)));
        let prepared = prepare(&spec, locale, Some(si.unwrap_or((f64::NAN, ""))));
        NumberFormat {
            spec,
            locale: locale.clone(),
            prepared,
        }
    }

    /// Formats one number.
    ///
    /// ```
    /// use storychart::scale::NumberFormat;
    /// let f = |s: &str, v: f64| NumberFormat::new(s).unwrap().format(v);
    /// assert_eq!(f(".2f", 2.675), "2.67"); // 2.675 is really 2.67499999…
    /// assert_eq!(f(".1f", 0.25), "0.3");   // exact tie: JavaScript rounds up
    /// assert_eq!(f("08.2f", -3.14159), "\u{2212}0003.14");
    /// assert_eq!(f("^9", 42.0), "   42    ");
    /// assert_eq!(f("(.1f", -2.0), "(2.0)");
    /// ```
    pub fn format(&self, v: f64) -> String {
        let p = &self.prepared;
        let spec = &self.spec;
        let value = p.scale.map_or(v, |k| k * v);
        let (mut body, prefix, suffix) = if p.kind == 'c' {
            (
                String::new(),
                p.prefix.clone(),
                to_string(value) + &p.suffix,
            )
        } else {
            self.sign_and_split(value)
        };
        let utf16 = |s: &str| s.encode_utf16().count();
        if p.comma && !p.zero {
            body = group(&body, &self.locale, None);
        }
        let width = spec.width.map_or(0, |w| w.min(MAX_WIDTH));
        let length = utf16(&prefix) + utf16(&body) + utf16(&suffix);
        let mut pad_len = width.saturating_sub(length);
        if p.comma && p.zero {
            let mut padded: String = std::iter::repeat_n(p.fill, pad_len).collect();
            padded.push_str(&body);
            let group_width = (pad_len > 0).then(|| width as i64 - utf16(&suffix) as i64);
            body = group(&padded, &self.locale, group_width);
            pad_len = 0;
        }
        let pad = |n: usize| -> String { std::iter::repeat_n(p.fill, n).collect() };
        match p.align {
            '<' => prefix + &body + &suffix + &pad(pad_len),
            '=' => prefix + &pad(pad_len) + &body + &suffix,
            '^' => pad(pad_len / 2) + &prefix + &body + &suffix + &pad(pad_len - pad_len / 2),
            _ => pad(pad_len) + &prefix + &body + &suffix,
        }
    }

    /// Formats a non-`c` value: digits, sign handling and the integer/fraction split.
    /// Returns (groupable integer part, prefix, suffix).
    fn sign_and_split(&self, value: f64) -> (String, String, String) {
        let p = &self.prepared;
        let sign = self.spec.sign;
        let mut negative = value < 0.0 || (value == 0.0 && value.is_sign_negative());
        let (mut body, si) = if value.is_nan() {
            (self.locale.nan.clone(), None)
        } else {
            format_type(p.kind, value.abs(), p.precision)
        };
        if p.trim {
            body = format_trim(&body);
        }
        if negative && sign != '+' && is_js_zero(&body) {
            negative = false;
        }
        let mut prefix = match (negative, sign) {
            (true, '(') => "(".to_string(),
            (true, _) => self.locale.minus.clone(),
            (false, '-' | '(') => String::new(),
            (false, s) => s.to_string(),
        };
        prefix.push_str(&p.prefix);
        let mut suffix = si.map(prefix_for).unwrap_or("").to_string();
        suffix.push_str(&p.suffix);
        if negative && sign == '(' {
            suffix.push(')');
        }
        if "defgprs%".contains(p.kind) {
            if let Some(i) = body.find(|c: char| !c.is_ascii_digit()) {
                let rest = body.split_off(i);
                let tail = match rest.strip_prefix('.') {
                    Some(frac) => self.locale.decimal.clone() + frac,
                    None => rest,
                };
                suffix = tail + &suffix;
            }
        }
        (body, prefix, suffix)
    }
}

/// d3-format's `newFormat` set-up: type aliases, zero fill, prefix/suffix and precision.
fn prepare(spec: &FormatSpec, locale: &Locale, si: Option<(f64, &str)>) -> Prepared {
    let (mut kind, mut comma, mut precision, mut trim) =
        (spec.kind, spec.comma, spec.precision, spec.trim);
    if kind == 'n' {
        (comma, kind) = (true, 'g');
    } else if kind == FormatSpec::NO_TYPE || !KNOWN_TYPES.contains(kind) {
        precision = precision.or(Some(12));
        (trim, kind) = (true, 'g');
    }
    let (mut fill, mut align, mut zero) = (spec.fill, spec.align, spec.zero);
    if zero || (fill == '0' && align == '=') {
        (zero, fill, align) = (true, '0', '=');
    }
    let prefix = match spec.symbol {
        Some('$') => locale.currency.0.clone(),
        Some('#') if "boxX".contains(kind) => format!("0{}", kind.to_ascii_lowercase()),
        _ => String::new(),
    };
    let mut suffix = match spec.symbol {
        Some('$') => locale.currency.1.clone(),
        _ if "%p".contains(kind) => locale.percent.clone(),
        _ => String::new(),
    };
    suffix.push_str(si.map_or("", |s| s.1));
    let precision = match precision {
        None => 6,
        Some(p) if "gprs".contains(kind) => p.clamp(1, 21),
        Some(p) => p.min(20),
    };
    Prepared {
        kind,
        fill,
        align,
        zero,
        comma,
        precision,
        trim,
        prefix,
        suffix,
        scale: si.map(|s| s.0),
    }
}

/// d3's `formatGroup(grouping, thousands)(value, width)`; `width` `None` is Infinity.
fn group(value: &str, locale: &Locale, width: Option<i64>) -> String {
    let chars: Vec<char> = value.chars().collect();
    let grouping = &locale.grouping;
    let mut parts: Vec<String> = Vec::new();
    let (mut i, mut j, mut length) = (chars.len() as i64, 0usize, 0i64);
    let mut g = grouping
        .first()
        .map_or(0, |&g| i64::try_from(g).unwrap_or(i64::MAX));
    while i > 0 && g > 0 {
        if let Some(w) = width {
            if length.saturating_add(g).saturating_add(1) > w {
                g = (w - length).max(1);
            }
        }
        let end = usize::try_from(i).unwrap_or(0);
        i = i.saturating_sub(g);
        let begin = usize::try_from(i.max(0)).unwrap_or(0);
        parts.push(chars.get(begin..end).unwrap_or_default().iter().collect());
        length = length.saturating_add(g).saturating_add(1);
        if width.is_some_and(|w| length > w) {
            break;
        }
        j = (j + 1) % grouping.len().max(1);
        g = grouping
            .get(j)
            .map_or(0, |&g| i64::try_from(g).unwrap_or(i64::MAX));
    }
    parts.reverse();
    parts.join(&locale.thousands)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(specifier: &str, value: f64, expected: &str) {
        let got = NumberFormat::new(specifier).map(|f| f.format(value));
        assert_eq!(
            got.as_deref(),
            Ok(expected),
            "format({specifier:?})({value:e})"
        );
    }

    // Expected values in every table: d3-format 3.1.3 under Node 20, `format(spec)(value)`.
    #[rustfmt::skip]
    #[allow(clippy::approx_constant)] // d3's own test values include 3.14159
    const FORMAT: &[(&str, f64, &str)] = &[
        (",f", 1234.5678, "1,234.567800"), (".2f", 1.005, "1.00"), (".2f", 1.125, "1.13"),
        (".2f", 2.675, "2.67"), (".1f", 0.25, "0.3"), (".0f", 0.5, "1"), (".0f", 2.5, "3"),
        (".0f", -2.5, "\u{2212}3"), (",.0f", 1000000.0, "1,000,000"), (",.2f", -0.001, "0.00"),
        ("~s", 1500.0, "1.5k"), ("s", 1500.0, "1.50000k"), (".3s", 0.000123456, "123\u{b5}"),
        ("~s", 1e-30, "0.000001y"), ("s", 1e+30, "1000000Y"), ("~s", 0.0, "0"),
        ("~s", -0.0042, "\u{2212}4.2m"), (".2s", 999.5, "1.0k"), (".0s", 9.5, "10"),
        (".0%", 0.123, "12%"), (".1%", -0.0005, "\u{2212}0.1%"), ("%", 1.0, "100.000000%"),
        ("~%", 0.5, "50%"), (".3p", 0.123456, "12.3%"), ("p", 1.0, "100.000%"),
        ("$,.2f", -1234.5, "\u{2212}$1,234.50"), ("$,.2f", 1234.5, "$1,234.50"), ("$", 3.0, "$3"),
        ("($,.2f", -1234.5, "($1,234.50)"), ("($.2f", 0.001, "$0.00"), ("(", -1.0, "(1)"),
        ("e", 1234.5, "1.234500e+3"), (".2e", 0.000123456, "1.23e-4"), (".0e", 5e-324, "5e-324"),
        ("e", 0.0, "0.000000e+0"), ("~e", 1500.0, "1.5e+3"), (".3g", 1234.5, "1.23e+3"),
        (".3g", 0.0001234, "0.000123"), ("g", 0.1, "0.100000"), (".1g", 0.95, "0.9"),
        ("~g", 1e+21, "1e+21"), ("d", 1.5, "2"), ("d", -0.4, "0"),
        ("d", 1e+21, "1000000000000000000000"),
        ("d", 1.1805916207174113e+21, "1180591620717411300000"), ("d", f64::INFINITY, "\u{221e}"),
        (",d", 123456789.0, "123,456,789"), ("d", -0.0, "0"),
        ("r", 0.30000000000000004, "0.300000"), (".2r", 1234.5, "1200"),
        (".3r", 0.0012345, "0.00123"), ("r", 0.0, "0"), (".3~r", 100.0, "100"), ("+", 3.0, "+3"),
        ("+", -3.0, "\u{2212}3"), ("+", 0.0, "+0"), ("+", -0.0, "\u{2212}0"),
        ("+.1f", -0.04, "\u{2212}0.0"), (" ", 5.0, " 5"), (" ", -5.0, "\u{2212}5"),
        ("-", -5.0, "\u{2212}5"), ("(", 5.0, "5"), ("08.2f", -3.14159, "\u{2212}0003.14"),
        ("08.2f", 3.14159, "00003.14"), ("010,", 1234.0, "00,001,234"),
        ("0>10,", 1234.0, "000001,234"), ("0=10,.1f", -1234.0, "\u{2212}0,001,234.0"),
        ("^10", 42.0, "    42    "), ("*^9", 42.0, "***42****"), ("<8", -1.0, "\u{2212}1      "),
        (">8", -1.0, "      \u{2212}1"), ("=8", -1.0, "\u{2212}      1"), ("=+8", 1.0, "+      1"),
        ("_<8,d", 1234.0, "1,234___"), ("020,.2f", 1234567.891, "0,000,001,234,567.89"),
        ("01,", 1234.0, "1,234"), ("08,d", -1234.0, "\u{2212}0,001,234"),
        ("", 0.30000000000000004, "0.3"), ("", 1e+21, "1e+21"), ("", 1e-7, "1e-7"), ("", -0.0, "0"),
        ("", 123456789012345.0, "1.23456789012e+14"), ("", 1.5e-300, "1.5e-300"),
        ("", f64::NAN, "NaN"), ("", f64::INFINITY, "Infinity"),
        ("", f64::NEG_INFINITY, "\u{2212}Infinity"), ("", 0.000001, "0.000001"),
        ("", 0.3333333333333333, "0.333333333333"), (".3", 3.141592653589793, "3.14"),
        ("~", 2.5, "2.5"), ("x", 255.0, "ff"), ("X", 255.0, "FF"), ("#x", 255.0, "0xff"),
        ("#X", -255.5, "\u{2212}0x100"), ("o", 8.0, "10"), ("#o", 8.0, "0o10"), ("b", 5.0, "101"),
        ("#b", 5.0, "0b101"), (",b", 1023.0, "1,111,111,111"),
        ("x", 1.1805916207174113e+21, "400000000000000000"), ("x", f64::NAN, "NaN"),
        ("b", f64::INFINITY, "Infinity"), ("c", 65.0, "65"), ("c", -5.0, "-5"),
        ("c", f64::NAN, "NaN"), ("$c", 1.0, "$1"), ("^5c", 0.5, " 0.5 "),
        ("n", 1234.5678, "1,234.57"), (".2n", 1234567.0, "1.2e+6"), ("E", 1234.5, "1234.5"),
        ("Z", 0.5, "0.5"), (".2Q", 1.2345, "1.2"), (".30f", 0.1, "0.10000000000000000555"),
        (".99f", 1.0, "1.00000000000000000000"), (".0r", 1.5, "2"),
        (".25g", 0.3333333333333333, "0.333333333333333314830"), ("f", 1e+21, "1e+21"),
        ("f", 100000000000000000000.0, "100000000000000000000.000000"),
        (",f", -1e+300, "\u{2212}1e+300"), (".20e", 3.141592653589793, "3.14159265358979311600e+0"),
        ("s", 1e-25, "0.10000y"), ("~s", 999999.0, "999.999k"), (",.2f", f64::NAN, "NaN"),
        ("+,.2f", f64::NAN, "+NaN"), ("(.2f", f64::NAN, "NaN"),
        ("$.2f", f64::INFINITY, "$Infinity"), (".2f", f64::NEG_INFINITY, "\u{2212}Infinity"),
        ("~s", f64::NEG_INFINITY, "\u{2212}Infinity"), ("s", f64::NAN, "NaN"),
        ("e", f64::NAN, "NaN"),
        ("\u{e9}^9", 1.0, "\u{e9}\u{e9}\u{e9}\u{e9}1\u{e9}\u{e9}\u{e9}\u{e9}"),
    ];

    #[test]
    fn format_matches_d3() {
        for &(specifier, value, expected) in FORMAT {
            check(specifier, value, expected);
        }
    }

    #[rustfmt::skip]
    fn locale_cases() -> Vec<(Locale, &'static str, f64, &'static str)> {
        vec![
            (Locale::de_de(), ",.2f", 1234.5, "1.234,50"),
            (Locale::de_de(), "$,.2f", -1234.5, "\u{2212}1.234,50\u{a0}\u{20ac}"),
            (Locale::de_de(), ".1%", 0.1234, "12,3%"),
            (Locale::de_de(), ",", 1000000.0, "1.000.000"),
            (Locale::fr_fr(), ",.2f", 1234.5, "1\u{a0}234,50"),
            (Locale::fr_fr(), ".0%", 0.5, "50\u{202f}%"),
            (Locale::fr_fr(), "$,.2f", 1234567.891, "1\u{a0}234\u{a0}567,89\u{a0}\u{20ac}"),
            (Locale::fr_fr(), "~s", 1500.0, "1,5k"),
            (Locale::es_es(), ",.2f", 1234.5, "1.234,50"),
            (Locale::es_es(), "$,.0f", -9876.0, "\u{2212}9.876\u{a0}\u{20ac}"),
            (Locale::en_us(), "$,.2f", -1234.5, "\u{2212}$1,234.50"),
            (Locale::de_de(), "08,.1f", -1234.5, "\u{2212}01.234,5"),
            (Locale::fr_fr(), "e", 12345.0, "1,234500e+4"),
        ]
    }

    #[test]
    fn locales_match_d3() {
        for (locale, specifier, value, expected) in locale_cases() {
            let got = NumberFormat::with_locale(specifier, &locale).map(|f| f.format(value));
            assert_eq!(
                got.as_deref(),
                Ok(expected),
                "{specifier:?} {value} {locale:?}"
            );
        }
    }

    /// `formatPrefix(spec, value)(x)`.
    #[rustfmt::skip]
    const PREFIX: &[(&str, f64, f64, &str)] = &[
        (",.1", 1000.0, 500.0, "0.5k"),
        (",.1", 1000.0, 1234567.0, "1,234.6k"),
        ("$.2", 1000000.0, 2500000.0, "$2.50M"),
        ("", 0.000001, 0.0000032, "3.200000\u{b5}"),
        (".0", 0.0, 5.0, "NaN"),
        (".1", 1e+27, 1e+27, "1000.0Y"),
        ("~", 1000.0, 1500.0, "1.5k"),
    ];

    #[test]
    fn prefix_matches_d3() {
        for &(specifier, value, x, expected) in PREFIX {
            let got =
                NumberFormat::with_prefix(specifier, value, &Locale::en_us()).map(|f| f.format(x));
            assert_eq!(
                got.as_deref(),
                Ok(expected),
                "formatPrefix({specifier:?}, {value})({x})"
            );
        }
    }

    /// Specifier, and d3's `formatSpecifier(s).toString()` or `None` where d3 throws.
    #[rustfmt::skip]
    const PARSE: &[(&str, Option<&str>)] = &[
        ("", Some(" >-")), ("~s", Some(" >-~s")), ("$,.2f", Some(" >-$,.2f")), ("<", Some(" <-")),
        (">5", Some(" >-5")), ("\n>5", None), ("x<<", None), ("<<", Some("<<-")),
        ("0", Some(" >-0")), ("00", Some(" >-01")), ("05", Some(" >-05")), (",.", None),
        ("1.2.3", None), ("%~", None), ("~%", Some(" >-~%")), ("+-f", None), ("a%", None),
        ("\u{e9}^9", Some("\u{e9}^-9")), ("\u{1f600}>5", None),
        ("(#010,.3~e", Some(" >(#010,.3~e")), (" ", Some(" > ")), ("  ", None), ("=", Some(" =-")),
        (".f", None), ("$#", None),
    ];

    #[test]
    fn parse_matches_d3() {
        for &(specifier, expected) in PARSE {
            let got = FormatSpec::parse(specifier).map(|s| s.to_string());
            match expected {
                Some(e) => assert_eq!(got.as_deref(), Ok(e), "{specifier:?}"),
                None => assert!(
                    got.is_err(),
                    "{specifier:?} should be rejected, got {got:?}"
                ),
            }
        }
        let err = FormatSpec::parse("1.2.3").unwrap_err();
        assert!(
            err.starts_with("invalid format \"1.2.3\": unexpected \".\""),
            "{err}"
        );
        // Absurd widths and precisions saturate instead of overflowing.
        assert_eq!(
            NumberFormat::new("99999999999999999999999999.99999999999999999999f")
                .map(|f| f.format(1.0).len()),
            Ok(MAX_WIDTH)
        );
    }
}
