//! Date text with a d3-time-format pattern -> epoch milliseconds, as d3's `timeParse` /
//! `utcParse` (what Vega uses for `format.parse` values `"date:'%d/%m/%Y'"` and `"utc:'...'"`).
//!
//! Stage: data. Follows d3-time-format 4 exactly, including its quirks: a numeric directive
//! reads at most its width of characters, leading white space included (`%d` reads `" 5"`);
//! the text must be used up exactly; every pattern character needs some text left; `%a`/`%A`
//! are read but ignored; `%Z` offsets the fields, which are otherwise local time (UTC in
//! storychart, as for [`super::date::parse_date`]) or UTC for `utc`. Indices count UTF-16 code
//! units, as JavaScript does. The locale is d3's default, en-US.
//!
//! Supported: `%a %A %b %B %c %d %e %f %H %I %j %L %m %M %p %q %Q %s %S %x %X %y %Y %Z %%` and
//! the pad modifiers `-`, `_`, `0`. The week-based directives `%U %W %V %u %w %g %G` are
//! refused by [`TimeFormat::new`] with an "unsupported" error; characters d3 does not know
//! make every value unparseable (null), as in d3.

use super::date::make_date;
use crate::error::{Error, Result};

use crate::js::date::{DAYS, MONTHS, SHORT_DAYS, SHORT_MONTHS};

const PERIODS: [&str; 2] = ["AM", "PM"];

/// A compiled d3-time-format parse pattern.
#[derive(Clone, Debug)]
pub struct TimeFormat {
    pattern: Vec<u16>,
    utc: bool,
    text: Vec<u16>,
}

/// The fields d3 collects while parsing (`newDate(1900, undefined, 1)`).
#[derive(Default)]
struct Fields {
    y: f64,
    m: Option<f64>,
    d: f64,
    h: f64,
    min: f64,
    s: f64,
    l: f64,
    p: Option<f64>,
    q: Option<f64>,
    z: Option<f64>,
    epoch_ms: Option<f64>,
    epoch_s: Option<f64>,
}

impl TimeFormat {
    /// Compiles `pattern`; `utc` reads fields as UTC (`utcParse`) rather than local time.
    /// `path` names the pattern in errors.
    pub fn new(pattern: &str, utc: bool, path: &str) -> Result<Self> {
        let units: Vec<u16> = pattern.encode_utf16().collect();
        let mut it = units.iter().copied();
        while let Some(c) = it.next() {
            if c != u16::from(b'%') {
                continue;
            }
            let mut d = it.next();
            if d.is_some_and(is_pad) {
                d = it.next();
            }
            let d = d.and_then(|u| char::from_u32(u32::from(u))).unwrap_or('%');
            if "UWVuwgG".contains(d) {
                return Err(Error::unsupported(
                    path,
                    &format!("the week-based date directive %{d}"),
                ));
            }
        }
        Ok(Self {
            pattern: units,
            utc,
            text: Vec::new(),
        })
    }

    /// Parses one value; epoch milliseconds, or `None` where d3 returns `null`.
    pub fn parse(&mut self, text: &str) -> Option<f64> {
        self.text.clear();
        self.text.extend(text.encode_utf16());
        let mut f = Fields {
            y: 1900.0,
            d: 1.0,
            ..Fields::default()
        };
        let end = parse_specifier(&mut f, &self.pattern, &self.text, 0)?;
        if end != self.text.len() {
            return None;
        }
        finish(f, self.utc)
    }
}

/// Parses `text` with the d3-time-format `pattern`, as `d3.timeParse(pattern)` (or
/// `d3.utcParse` when `utc`) does; epoch milliseconds, or `None` for d3's `null`.
///
/// ```
/// use storychart::data::parse::parse_with_format;
/// assert_eq!(parse_with_format("2020", "%Y", false).unwrap(), Some(1_577_836_800_000.0));
/// assert_eq!(
///     parse_with_format("Jun 5, 2020 3:04 PM", "%b %e, %Y %I:%M %p", true).unwrap(),
///     Some(1_591_369_440_000.0)
/// );
/// assert_eq!(parse_with_format("2020-13", "%Y-%m", false).unwrap(), Some(1_609_459_200_000.0));
/// assert_eq!(parse_with_format("x", "%Y", false).unwrap(), None);
/// ```
pub fn parse_with_format(text: &str, pattern: &str, utc: bool) -> Result<Option<f64>> {
    Ok(TimeFormat::new(pattern, utc, "data.format.parse")?.parse(text))
}

fn is_pad(u: u16) -> bool {
    matches!(u8::try_from(u), Ok(b'-' | b'_' | b'0'))
}

/// d3 `parseSpecifier`: the index after the match, or `None`.
fn parse_specifier(f: &mut Fields, pattern: &[u16], text: &[u16], mut j: usize) -> Option<usize> {
    let mut i = 0;
    while i < pattern.len() {
        if j >= text.len() {
            return None;
        }
        let c = *pattern.get(i)?;
        i += 1;
        if c == u16::from(b'%') {
            let mut d = pattern.get(i).copied();
            i += 1;
            if d.is_some_and(is_pad) {
                d = pattern.get(i).copied();
                i += 1;
            }
            let d = char::from_u32(u32::from(d?))?;
            j = directive(f, d, text, j)?;
        } else if Some(&c) != text.get(j) {
            return None;
        } else {
            j += 1;
        }
    }
    Some(j)
}

/// One directive at `i`; the index after what it read.
fn directive(f: &mut Fields, d: char, text: &[u16], i: usize) -> Option<usize> {
    let num = |width: usize| number(text, i, width);
    let (_, next) = match d {
        'Y' => num(4).inspect(|(v, _)| f.y = *v)?,
        'y' => num(2).inspect(|(v, _)| f.y = v + if *v > 68.0 { 1900.0 } else { 2000.0 })?,
        'm' => num(2).inspect(|(v, _)| f.m = Some(v - 1.0))?,
        'd' | 'e' => num(2).inspect(|(v, _)| f.d = *v)?,
        'j' => num(3).inspect(|(v, _)| (f.m, f.d) = (Some(0.0), *v))?,
        'H' | 'I' => num(2).inspect(|(v, _)| f.h = *v)?,
        'M' => num(2).inspect(|(v, _)| f.min = *v)?,
        'S' => num(2).inspect(|(v, _)| f.s = *v)?,
        'L' => num(3).inspect(|(v, _)| f.l = *v)?,
        'f' => num(6).inspect(|(v, _)| f.l = (v / 1000.0).floor())?,
        'q' => num(1).inspect(|(v, _)| f.q = Some(v * 3.0 - 3.0))?,
        'Q' => number(text, i, usize::MAX).inspect(|(v, _)| f.epoch_ms = Some(*v))?,
        's' => number(text, i, usize::MAX).inspect(|(v, _)| f.epoch_s = Some(*v))?,
        'b' => names(text, i, &SHORT_MONTHS).inspect(|(v, _)| f.m = Some(*v))?,
        'B' => names(text, i, &MONTHS).inspect(|(v, _)| f.m = Some(*v))?,
        'a' => names(text, i, &SHORT_DAYS)?,
        'A' => names(text, i, &DAYS)?,
        'p' => names(text, i, &PERIODS).inspect(|(v, _)| f.p = Some(*v))?,
        'Z' => zone(text, i).inspect(|(v, _)| f.z = Some(*v))?,
        '%' => (
            0.0,
            (text.get(i) == Some(&u16::from(b'%'))).then_some(i + 1)?,
        ),
        'c' => return locale(f, "%x, %X", text, i),
        'x' => return locale(f, "%-m/%-d/%Y", text, i),
        'X' => return locale(f, "%-I:%M:%S %p", text, i),
        _ => return None,
    };
    Some(next)
}

fn locale(f: &mut Fields, pattern: &str, text: &[u16], i: usize) -> Option<usize> {
    let units: Vec<u16> = pattern.encode_utf16().collect();
    parse_specifier(f, &units, text, i)
}

/// d3's `numberRe = /^\s*\d+/` on `text.slice(i, i + width)`: the value and the index after.
fn number(text: &[u16], i: usize, width: usize) -> Option<(f64, usize)> {
    let end = i.saturating_add(width).min(text.len());
    let window = text.get(i..end)?;
    let spaces = window.iter().take_while(|u| is_js_space(**u)).count();
    let digits = window
        .iter()
        .skip(spaces)
        .take_while(|u| (u16::from(b'0')..=u16::from(b'9')).contains(*u))
        .count();
    if digits == 0 {
        return None;
    }
    let value = window
        .iter()
        .skip(spaces)
        .take(digits)
        .fold(0.0, |acc, u| acc * 10.0 + f64::from(u - u16::from(b'0')));
    Some((value, i + spaces + digits))
}

/// JavaScript's `\s`.
fn is_js_space(u: u16) -> bool {
    matches!(
        u,
        0x09..=0x0D | 0x20 | 0xA0 | 0x1680 | 0x2000..=0x200A | 0x2028 | 0x2029 | 0x202F | 0x205F
            | 0x3000 | 0xFEFF
    )
}

/// The first of `list` (in order) that starts `text[i..]`, ASCII case-insensitively.
fn names(text: &[u16], i: usize, list: &[&str]) -> Option<(f64, usize)> {
    let rest = text.get(i..)?;
    for (k, name) in list.iter().enumerate() {
        let n = name.len();
        let matched = rest.len() >= n
            && name
                .bytes()
                .zip(rest.iter())
                .all(|(a, b)| u8::try_from(*b).is_ok_and(|b| b.eq_ignore_ascii_case(&a)));
        if matched {
            return Some((k as f64, i + n));
        }
    }
    None
}

/// d3 `parseZone`: `/^(Z)|([+-]\d\d)(?::?(\d\d))?/` on `text.slice(i, i + 6)`. The second
/// alternative is not anchored, so it may match later in the window, as in d3.
fn zone(text: &[u16], i: usize) -> Option<(f64, usize)> {
    let window = text.get(i..i.saturating_add(6).min(text.len()))?;
    let digit = |k: usize| {
        window
            .get(k)
            .and_then(|u| char::from_u32(u32::from(*u)))
            .and_then(|c| c.to_digit(10))
            .map(f64::from)
    };
    if window.first() == Some(&u16::from(b'Z')) {
        return Some((0.0, i + 1));
    }
    for p in 0..window.len() {
        let sign = match window.get(p).and_then(|u| u8::try_from(*u).ok()) {
            Some(b'+') => 1.0,
            Some(b'-') => -1.0,
            _ => continue,
        };
        let (Some(h1), Some(h2)) = (digit(p + 1), digit(p + 2)) else {
            continue;
        };
        let colon = usize::from(window.get(p + 3) == Some(&u16::from(b':')));
        let (minutes, len) = match (digit(p + 3 + colon), digit(p + 4 + colon)) {
            (Some(m1), Some(m2)) => (m1 * 10.0 + m2, 5 + colon),
            _ => (0.0, 3),
        };
        // d3: -(sign hh mm) read as a number, e.g. "+01:30" -> -130.
        let hhmm = (h1 * 10.0 + h2) * 100.0 + minutes;
        return Some((-sign * hhmm, i + len));
    }
    None
}

/// The end of d3's `newParse`: resolve the fields to a time.
fn finish(mut f: Fields, utc: bool) -> Option<f64> {
    if let Some(q) = f.epoch_ms {
        return make_ms(q);
    }
    if let Some(s) = f.epoch_s {
        return make_ms(s * 1000.0 + f.l);
    }
    if utc && f.z.is_none() {
        f.z = Some(0.0);
    }
    if let Some(p) = f.p {
        f.h = f.h % 12.0 + p * 12.0;
    }
    let m = f.m.or(f.q).unwrap_or(0.0);
    if let Some(z) = f.z {
        f.h += (z / 100.0).trunc();
        f.min += z % 100.0;
    }
    let time = [f.h, f.min, f.s, f.l];
    if (0.0..100.0).contains(&f.y) {
        // d3 builds year -1 and then sets the year, so month and day overflow in year -1.
        let t = make_date(-1.0, m, f.d, time).unwrap_or(0.0);
        let (month, day, within) = month_day_time(t);
        return make_date(f.y, month, day, [0.0, 0.0, 0.0, within]);
    }
    make_date(f.y, m, f.d, time)
}

/// `new Date(ms)`: `TimeClip`.
fn make_ms(ms: f64) -> Option<f64> {
    make_date(1970.0, 0.0, 1.0, [0.0, 0.0, 0.0, ms])
}

/// The 0-based month, day of month and milliseconds within the day of time `t`.
fn month_day_time(t: f64) -> (f64, f64, f64) {
    const DAY: f64 = 86_400_000.0;
    let days = (t / DAY).floor();
    let within = t - days * DAY;
    // `days` is within ±1e8, so the conversion is exact.
    let (_, m, d) = crate::js::date::civil_from_days(days as i64);
    ((m - 1) as f64, d as f64, within)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(cases: &[(&str, &str, bool, Option<f64>)]) {
        for (text, pattern, utc, want) in cases {
            let got = parse_with_format(text, pattern, *utc).unwrap();
            assert_eq!(got, *want, "{text:?} with {pattern:?} (utc {utc})");
        }
    }

    /// `d3.timeParse(p)(s)` / `d3.utcParse(p)(s)` from d3-time-format 4.1.1 in Node 20
    /// with `TZ=UTC` (`null` is `None`).
    const D3: &[(&str, &str, bool, Option<f64>)] = &[
        ("2020", "%Y", false, Some(1577836800000.0)),
        ("2020", "%Y", true, Some(1577836800000.0)),
        ("2020-06-01", "%Y-%m-%d", false, Some(1590969600000.0)),
        ("2020-06-01", "%Y-%m-%d", true, Some(1590969600000.0)),
        ("2020-13", "%Y-%m", false, Some(1609459200000.0)),
        ("2020-13", "%Y-%m", true, Some(1609459200000.0)),
        ("2020-00", "%Y-%m", false, Some(1575158400000.0)),
        ("2020-00", "%Y-%m", true, Some(1575158400000.0)),
        ("20-06-01", "%y-%m-%d", false, Some(1590969600000.0)),
        ("20-06-01", "%y-%m-%d", true, Some(1590969600000.0)),
        ("69-06-01", "%y-%m-%d", false, Some(-18489600000.0)),
        ("69-06-01", "%y-%m-%d", true, Some(-18489600000.0)),
        ("68", "%y", false, Some(3092601600000.0)),
        ("68", "%y", true, Some(3092601600000.0)),
        (
            "Jun 5, 2020 3:04 PM",
            "%b %e, %Y %I:%M %p",
            false,
            Some(1591369440000.0),
        ),
        (
            "Jun 5, 2020 3:04 PM",
            "%b %e, %Y %I:%M %p",
            true,
            Some(1591369440000.0),
        ),
        ("June 5 2020", "%B %d %Y", false, Some(1591315200000.0)),
        ("June 5 2020", "%B %d %Y", true, Some(1591315200000.0)),
        ("june 5 2020", "%B %d %Y", false, Some(1591315200000.0)),
        ("june 5 2020", "%B %d %Y", true, Some(1591315200000.0)),
        ("JUNE 5 2020", "%B %d %Y", false, Some(1591315200000.0)),
        ("JUNE 5 2020", "%B %d %Y", true, Some(1591315200000.0)),
        ("Sept 5 2020", "%b %d %Y", false, None),
        ("Sept 5 2020", "%b %d %Y", true, None),
        ("12 AM", "%I %p", false, Some(-2208988800000.0)),
        ("12 AM", "%I %p", true, Some(-2208988800000.0)),
        ("12 PM", "%I %p", false, Some(-2208945600000.0)),
        ("12 PM", "%I %p", true, Some(-2208945600000.0)),
        (
            "Mon, 01 Jan 2001",
            "%a, %d %b %Y",
            false,
            Some(978307200000.0),
        ),
        (
            "Mon, 01 Jan 2001",
            "%a, %d %b %Y",
            true,
            Some(978307200000.0),
        ),
        (
            "Monday 01/01/2001",
            "%A %m/%d/%Y",
            false,
            Some(978307200000.0),
        ),
        (
            "Monday 01/01/2001",
            "%A %m/%d/%Y",
            true,
            Some(978307200000.0),
        ),
        (
            "Tuesday 01/01/2001",
            "%A %m/%d/%Y",
            false,
            Some(978307200000.0),
        ),
        (
            "Tuesday 01/01/2001",
            "%A %m/%d/%Y",
            true,
            Some(978307200000.0),
        ),
        (
            "2020-06-01T12:00:00Z",
            "%Y-%m-%dT%H:%M:%S%Z",
            false,
            Some(1591012800000.0),
        ),
        (
            "2020-06-01T12:00:00Z",
            "%Y-%m-%dT%H:%M:%S%Z",
            true,
            Some(1591012800000.0),
        ),
        (
            "2020-06-01T12:00:00+01:30",
            "%Y-%m-%dT%H:%M:%S%Z",
            false,
            Some(1591007400000.0),
        ),
        (
            "2020-06-01T12:00:00+01:30",
            "%Y-%m-%dT%H:%M:%S%Z",
            true,
            Some(1591007400000.0),
        ),
        (
            "2020-06-01T12:00:00-0530",
            "%Y-%m-%dT%H:%M:%S%Z",
            false,
            Some(1591032600000.0),
        ),
        (
            "2020-06-01T12:00:00-0530",
            "%Y-%m-%dT%H:%M:%S%Z",
            true,
            Some(1591032600000.0),
        ),
        (
            "2020-06-01T12:00:00+01",
            "%Y-%m-%dT%H:%M:%S%Z",
            false,
            Some(1591009200000.0),
        ),
        (
            "2020-06-01T12:00:00+01",
            "%Y-%m-%dT%H:%M:%S%Z",
            true,
            Some(1591009200000.0),
        ),
        ("2020 ab+0100", "%Y %Z", false, None),
        ("2020 ab+0100", "%Y %Z", true, None),
        ("12:30:15.250", "%H:%M:%S.%L", false, Some(-2208943784750.0)),
        ("12:30:15.250", "%H:%M:%S.%L", true, Some(-2208943784750.0)),
        (
            "12:30:15.250123",
            "%H:%M:%S.%f",
            false,
            Some(-2208943784750.0),
        ),
        (
            "12:30:15.250123",
            "%H:%M:%S.%f",
            true,
            Some(-2208943784750.0),
        ),
        ("2020 060", "%Y %j", false, Some(1582934400000.0)),
        ("2020 060", "%Y %j", true, Some(1582934400000.0)),
        ("2020 366", "%Y %j", false, Some(1609372800000.0)),
        ("2020 366", "%Y %j", true, Some(1609372800000.0)),
        ("0050-06-01", "%Y-%m-%d", false, Some(-60576249600000.0)),
        ("0050-06-01", "%Y-%m-%d", true, Some(-60576249600000.0)),
        ("0000-02-29", "%Y-%m-%d", false, Some(-62162035200000.0)),
        ("0000-02-29", "%Y-%m-%d", true, Some(-62162035200000.0)),
        ("0099-12-31", "%Y-%m-%d", false, Some(-59011545600000.0)),
        ("0099-12-31", "%Y-%m-%d", true, Some(-59011545600000.0)),
        (" 5/ 6/2020", "%d/%m/%Y", false, Some(1591315200000.0)),
        (" 5/ 6/2020", "%d/%m/%Y", true, Some(1591315200000.0)),
        ("5/6/2020", "%-d/%-m/%Y", false, Some(1591315200000.0)),
        ("5/6/2020", "%-d/%-m/%Y", true, Some(1591315200000.0)),
        ("05/06/2020", "%_d/%0m/%Y", false, Some(1591315200000.0)),
        ("05/06/2020", "%_d/%0m/%Y", true, Some(1591315200000.0)),
        ("100%", "%Q%%", false, Some(100.0)),
        ("100%", "%Q%%", true, Some(100.0)),
        ("1591012800000", "%Q", false, Some(1591012800000.0)),
        ("1591012800000", "%Q", true, Some(1591012800000.0)),
        ("1591012800", "%s", false, Some(1591012800000.0)),
        ("1591012800", "%s", true, Some(1591012800000.0)),
        ("1591012800.5", "%s.%L", false, Some(1591012800005.0)),
        ("1591012800.5", "%s.%L", true, Some(1591012800005.0)),
        ("3 2020", "%q %Y", false, Some(1593561600000.0)),
        ("3 2020", "%q %Y", true, Some(1593561600000.0)),
        ("2020-06-01 ", "%Y-%m-%d", false, None),
        ("2020-06-01 ", "%Y-%m-%d", true, None),
        ("2020-06-01", "%Y-%m-%d ", false, None),
        ("2020-06-01", "%Y-%m-%d ", true, None),
        ("2020-06", "%Y-%m-%d", false, None),
        ("2020-06", "%Y-%m-%d", true, None),
        ("x2020", "%Y", false, None),
        ("x2020", "%Y", true, None),
        ("", "%Y", false, None),
        ("", "%Y", true, None),
        ("2020", "%Y%", false, None),
        ("2020", "%Y%", true, None),
        ("2020", "%Y %k", false, None),
        ("2020", "%Y %k", true, None),
        ("12345", "%Y", false, None),
        ("12345", "%Y", true, None),
        ("6/1/2020, 3:04:05 PM", "%c", false, Some(1591023845000.0)),
        ("6/1/2020, 3:04:05 PM", "%c", true, Some(1591023845000.0)),
        ("6/1/2020", "%x", false, Some(1590969600000.0)),
        ("6/1/2020", "%x", true, Some(1590969600000.0)),
        ("3:04:05 AM", "%X", false, Some(-2208977755000.0)),
        ("3:04:05 AM", "%X", true, Some(-2208977755000.0)),
        (
            "2020-06-01 25:61:61",
            "%Y-%m-%d %H:%M:%S",
            false,
            Some(1591063321000.0),
        ),
        (
            "2020-06-01 25:61:61",
            "%Y-%m-%d %H:%M:%S",
            true,
            Some(1591063321000.0),
        ),
        ("2020-02-31", "%Y-%m-%d", false, Some(1583107200000.0)),
        ("2020-02-31", "%Y-%m-%d", true, Some(1583107200000.0)),
        ("２０２０", "%Y", false, None),
        ("２０２０", "%Y", true, None),
        ("é2020", "é%Y", false, Some(1577836800000.0)),
        ("é2020", "é%Y", true, Some(1577836800000.0)),
        ("2020 ", "%Y ", false, Some(1577836800000.0)),
        ("2020 ", "%Y ", true, Some(1577836800000.0)),
        (" 2020", "%Y", false, None),
        (" 2020", "%Y", true, None),
    ];

    #[test]
    fn matches_d3_time_format() {
        check(D3);
    }

    #[test]
    fn week_directives_are_unsupported() {
        assert!(parse_with_format("2020-01", "%Y-%U", false).is_err());
        assert!(parse_with_format("2020", "%Y %-V", false).is_err());
    }
}
