//! Date text -> epoch milliseconds, exactly as JavaScript's `Date.parse` in V8 (Chrome, Node).
//!
//! Stage: data. Vega types a `date` field with `Date.parse` (vega-util `toDate`), and its type
//! inference calls a column a date when `Date.parse` accepts every value, so this is a port of
//! V8's date parser (`src/date/dateparser*`): first the ES5 ISO 8601 form
//! (`[+-yy]yyyy[-MM[-DD]][THH:mm[:ss[.sss]][Z|+hh:mm]]`), then, for anything else, V8's
//! permissive legacy grammar (`Jan 1 2000`, `2000/01/01 00:47`, `01/31/2015`,
//! `Sun, 01 Jan 2000 00:00:00 GMT`, `1/1/2000 12:00 PM`, even `Nr 2`, which V8 reads as
//! 2001-02-01).
//!
//! Time zone: storychart treats local time as UTC, so date-time forms without an offset
//! (local time in JavaScript) give the same result as `Date.parse` run with `TZ=UTC`. The
//! browser's own offset is not applied (yet).
//!
//! Nothing here panics; text that `Date.parse` rejects gives `None` (JavaScript's `NaN`).

/// Milliseconds per day.
const MS_PER_DAY: f64 = 86_400_000.0;
/// ECMAScript's time value limit: 100 million days either side of the epoch.
const MAX_TIME: f64 = 8.64e15;
use super::date_parts::{DayComposer, Kw, Scanner, TimeComposer, Tok, ZoneComposer, NONE};

/// Parses `text` as `Date.parse` does in V8 with the UTC time zone; epoch milliseconds, or
/// `None` where JavaScript gives `NaN`.
///
/// ```
/// use storychart::data::parse::date::parse_date;
/// assert_eq!(parse_date("2020-06-01"), Some(1_590_969_600_000.0));
/// assert_eq!(parse_date("Jan 1 2000"), Some(946_684_800_000.0));
/// assert_eq!(parse_date("2001/01/01 00:47"), Some(978_310_020_000.0));
/// assert_eq!(parse_date("2020-06-01T12:00+02:00"), Some(1_591_005_600_000.0));
/// assert_eq!(parse_date("not a date"), None);
/// ```
pub fn parse_date(text: &str) -> Option<f64> {
    let b = text.as_bytes();
    if let Some(t) = iso_day(b).or_else(|| iso_date_time(b)) {
        return Some(t);
    }
    parse_date_general(text)
}

/// [`parse_date`] without its fast paths: V8's parser proper (the reference the fast paths
/// are tested against).
fn parse_date_general(text: &str) -> Option<f64> {
    let f = parse_fields(text)?;
    let date = make_date_unclipped(
        f64::from(f.year),
        f64::from(f.month),
        f64::from(f.day),
        [f.hour, f.minute, f.second, f.millisecond].map(f64::from),
    );
    // Local time is UTC in storychart, so only an explicit offset moves the date.
    time_clip(date - f64::from(f.offset_seconds.unwrap_or(0)) * 1000.0)
}

/// A fast path for the commonest form, `yyyy-MM-dd` (what V8's ES5 branch gives it: UTC
/// midnight, with day overflow as `MakeDay` has it); `None` hands over to the full parser.
#[inline(always)]
fn iso_day(b: &[u8]) -> Option<f64> {
    let &[y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = b else {
        return None;
    };
    let digits = [y0, y1, y2, y3, m0, m1, d0, d1];
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let [y0, y1, y2, y3, m0, m1, d0, d1] = digits.map(|d| u32::from(d - b'0'));
    let (year, month, day) = (
        y0 * 1000 + y1 * 100 + y2 * 10 + y3,
        m0 * 10 + m1,
        d0 * 10 + d1,
    );
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(f64::from(days_from_civil_u32(year, month, day)) * MS_PER_DAY)
}

/// Days from 1 March of year 0 to the first of each month (`[m - 1]`), the year running from
/// March so that leap days fall at its end (`(153 * mp + 2) / 5` of `days_from_civil`).
const DAYS_BEFORE_MONTH: [u32; 12] = [306, 337, 0, 31, 61, 92, 122, 153, 184, 214, 245, 275];

/// `days_from_civil(year, month, 1) + day - 1` for years 0..=9999 in unsigned 32-bit
/// arithmetic (WASM has no fast 64-bit division by a constant; 32-bit ones become
/// multiplications). The years are shifted by 400 (one 146,097-day Gregorian cycle) so that
/// January and February of year 0 stay non-negative.
#[inline(always)]
fn days_from_civil_u32(year: u32, month: u32, day: u32) -> i32 {
    let y = year + 400 - u32::from(month <= 2);
    let doy = DAYS_BEFORE_MONTH
        .get(month.wrapping_sub(1) as usize)
        .copied()
        .unwrap_or(0);
    let days = 365 * y + y / 4 - y / 100 + y / 400 + doy + day - 1;
    // `days` is below 2^23 here; 719,468 is 1970-03-01's day number from year 0.
    i32::try_from(days).unwrap_or(0) - 719_468 - 146_097
}

/// A fast path for ISO date-times, `yyyy-MM-ddTHH:mm[:ss[.sss]][Z]`, straight to epoch
/// milliseconds (not with a space for the `T`: V8's legacy grammar then reads the text, and
/// two-digit years differ). Without `Z` the text is local time, which is UTC in
/// storychart, so both read the same, as the general parser reads them. `None` (hours past
/// 23, minutes or seconds past 59, any other shape) hands over to the full parser.
#[inline(always)]
fn iso_date_time(b: &[u8]) -> Option<f64> {
    let day = iso_day(b.get(..10)?)?;
    let rest = match b.get(10..)? {
        [b'T', rest @ ..] => rest,
        _ => return None,
    };
    let rest = rest.strip_suffix(b"Z").unwrap_or(rest);
    let d = |c: &u8| -> Option<i64> { c.is_ascii_digit().then(|| i64::from(c - b'0')) };
    let two = |a: &u8, b: &u8| -> Option<i64> { Some(d(a)? * 10 + d(b)?) };
    let (h, m, sec, ms) = match rest {
        [h0, h1, b':', m0, m1] => (two(h0, h1)?, two(m0, m1)?, 0, 0),
        [h0, h1, b':', m0, m1, b':', s0, s1] => (two(h0, h1)?, two(m0, m1)?, two(s0, s1)?, 0),
        [h0, h1, b':', m0, m1, b':', s0, s1, b'.', f0, f1, f2] => (
            two(h0, h1)?,
            two(m0, m1)?,
            two(s0, s1)?,
            d(f0)? * 100 + two(f1, f2)?,
        ),
        _ => return None,
    };
    if h > 23 || m > 59 || sec > 59 {
        return None;
    }
    // Whole milliseconds within ±10,000 years: exact in f64.
    Some(day + (h * 3_600_000 + m * 60_000 + sec * 1000 + ms) as f64)
}

/// ECMAScript `MakeDate(MakeDay(year, month, day), MakeTime(h, m, s, ms))` followed by
/// `TimeClip`: the epoch milliseconds of a UTC calendar date, with JavaScript's overflow rules
/// (month 12 is January of the next year, day 0 the last day of the previous month).
pub fn make_date(year: f64, month: f64, day: f64, time: [f64; 4]) -> Option<f64> {
    time_clip(make_date_unclipped(year, month, day, time))
}

/// [`make_date`] before `TimeClip` (`NaN` when a part is not finite or the year is beyond
/// ±1,000,000, as V8's `MakeDay` gives).
fn make_date_unclipped(year: f64, month: f64, day: f64, time: [f64; 4]) -> f64 {
    let all = [year, month, day, time[0], time[1], time[2], time[3]];
    if all.iter().any(|v| !v.is_finite()) {
        return f64::NAN;
    }
    let [y, m, d, h, min, s, ms] = all.map(f64::trunc);
    let ym = y + (m / 12.0).floor();
    let mn = m.rem_euclid(12.0);
    if ym.abs() > 1e6 {
        return f64::NAN;
    }
    // `ym` is within ±1e6 and `mn` within 0..12, so these conversions are exact.
    let days = days_from_civil(ym as i64, mn as i64 + 1, 1) as f64 + d - 1.0;
    let millis = h * 3_600_000.0 + min * 60_000.0 + s * 1000.0 + ms;
    days * MS_PER_DAY + millis
}

/// ECMAScript `TimeClip`: `None` beyond ±8.64e15 ms; `-0` becomes `0`.
fn time_clip(t: f64) -> Option<f64> {
    (t.is_finite() && t.abs() <= MAX_TIME).then_some(t.trunc() + 0.0)
}

pub(crate) use crate::js::date::days_from_civil;

/// The calendar fields V8's parser fills in.
#[derive(Debug, PartialEq)]
struct Fields {
    year: i32,
    /// 0-based.
    month: i32,
    day: i32,
    hour: i32,
    minute: i32,
    second: i32,
    millisecond: i32,
    /// `None`: no zone given, so local time (UTC in storychart).
    offset_seconds: Option<i32>,
}

/// V8 `DateParser::Parse`.
fn parse_fields(text: &str) -> Option<Fields> {
    let mut sc = Scanner::new(text);
    let mut tz = ZoneComposer::new();
    let mut time = TimeComposer::new();
    let mut day = DayComposer::new();
    let mut token = parse_es5(&mut sc, &mut day, &mut time, &mut tz);
    if token == Tok::Invalid {
        return None;
    }
    let mut has_read_number = !day.is_empty();
    while token != Tok::End {
        match token {
            Tok::Number { value: n, .. } => {
                has_read_number = true;
                legacy_number(&mut sc, n, &mut day, &mut time, &mut tz)?;
            }
            Tok::Word { kind, value, .. } => {
                if kind == Kw::AmPm && !time.is_empty() {
                    time.hour_offset = value;
                } else if kind == Kw::Month {
                    day.named_month = value;
                    sc.skip_symbol(b'-');
                } else if kind == Kw::Zone && has_read_number {
                    tz.set(value);
                } else if has_read_number || matches!(sc.peek(), Tok::Number { .. }) {
                    // Garbage words are illegal once a number has been read, and must be
                    // separated from the first number.
                    return None;
                }
            }
            Tok::Symbol(c) if is_sign(c) && (tz.is_utc() || !time.is_empty()) => {
                tz.sign = if c == b'+' { 1 } else { -1 };
                let (mut n, mut length) = (0, 0);
                if let Tok::Number { value, len } = sc.peek() {
                    sc.next();
                    (n, length) = (value, len);
                }
                has_read_number = true;
                if sc.peek() == Tok::Symbol(b':') {
                    tz.hour = n;
                    tz.minute = NONE;
                } else if length == 1 || length == 2 {
                    tz.hour = n;
                    tz.minute = 0;
                } else if length == 3 || length == 4 {
                    tz.hour = n / 100;
                    tz.minute = n % 100;
                } else {
                    return None;
                }
            }
            Tok::Symbol(c) if (is_sign(c) || c == b')') && has_read_number => return None,
            _ => {}
        }
        token = sc.next();
    }
    let (year, month, d) = day.write()?;
    let [hour, minute, second, millisecond] = time.write()?;
    let offset_seconds = tz.write()?;
    Some(Fields {
        year,
        month,
        day: d,
        hour,
        minute,
        second,
        millisecond,
        offset_seconds,
    })
}

/// A number in V8's legacy grammar: a time part, milliseconds, a zone minute or a day part.
fn legacy_number(
    sc: &mut Scanner,
    n: i32,
    day: &mut DayComposer,
    time: &mut TimeComposer,
    tz: &mut ZoneComposer,
) -> Option<()> {
    if sc.skip_symbol(b':') {
        if sc.skip_symbol(b':') {
            if !time.is_empty() {
                return None;
            }
            time.add(n);
            time.add(0);
        } else {
            if !time.add(n) {
                return None;
            }
            if sc.peek() == Tok::Symbol(b'.') {
                sc.next();
            }
        }
    } else if sc.skip_symbol(b'.') && time.is_expecting(n) {
        time.add(n);
        let Tok::Number { .. } = sc.peek() else {
            return None;
        };
        let ms = read_milliseconds(sc.next());
        if ms < 0 {
            return None;
        }
        time.add_final(ms);
    } else if tz.is_expecting(n) {
        tz.minute = n;
    } else if time.is_expecting(n) {
        time.add_final(n);
        // End, white space, "Z", "+" or "-" must follow a finished time.
        let ok = match sc.peek() {
            Tok::End | Tok::Space => true,
            Tok::Symbol(c) => is_sign(c),
            t => t.is_keyword_z(),
        };
        if !ok {
            return None;
        }
    } else {
        if !day.add(n) {
            return None;
        }
        sc.skip_symbol(b'-');
    }
    Some(())
}

/// V8 `ParseES5DateTime`: reads as much of an ISO date-time as there is; returns the first
/// token it did not use, `End` when it read everything, `Invalid` when the text cannot be a
/// date at all.
fn parse_es5(
    sc: &mut Scanner,
    day: &mut DayComposer,
    time: &mut TimeComposer,
    tz: &mut ZoneComposer,
) -> Tok {
    if let Tok::Symbol(c) = sc.peek() {
        if is_sign(c) {
            let sign_token = sc.next();
            let Some(year) = sc.peek().fixed(6) else {
                return sign_token;
            };
            // V8 consumes the year before refusing `-000000`.
            sc.next();
            if c == b'-' && year == 0 {
                return sign_token;
            }
            day.add(if c == b'-' { -year } else { year });
        } else {
            return sc.next();
        }
    } else if let Some(year) = sc.peek().fixed(4) {
        sc.next();
        day.add(year);
    } else {
        return sc.next();
    }
    if sc.skip_symbol(b'-') {
        match sc.peek().fixed(2) {
            Some(m) if (1..=12).contains(&m) => {
                sc.next();
                day.add(m);
            }
            _ => return sc.next(),
        }
        if sc.skip_symbol(b'-') {
            match sc.peek().fixed(2) {
                Some(d) if (1..=31).contains(&d) => {
                    sc.next();
                    day.add(d);
                }
                _ => return sc.next(),
            }
        }
    }
    if !matches!(sc.peek(), Tok::Word { kind: Kw::T, .. }) {
        if sc.peek() != Tok::End {
            return sc.next();
        }
    } else {
        sc.next();
        if es5_time(sc, time, tz).is_none() {
            return Tok::Invalid;
        }
    }
    // Date-only forms are UTC; date-time forms without an offset are local time.
    if tz.is_empty() && time.is_empty() {
        tz.set(0);
    }
    day.iso = true;
    Tok::End
}

/// The ES5 time part after `T`: `HH:mm[:ss[.sss]][Z|(+|-)hh:mm|(+|-)hhmm]`, then the end.
fn es5_time(sc: &mut Scanner, time: &mut TimeComposer, tz: &mut ZoneComposer) -> Option<()> {
    let hour = sc.peek().fixed(2).filter(|h| (0..=24).contains(h))?;
    let hour_is_24 = hour == 24;
    sc.next();
    time.add(hour);
    let two = |sc: &mut Scanner, max: i32| -> Option<i32> {
        let v = sc.peek().fixed(2).filter(|v| (0..=max).contains(v))?;
        if hour_is_24 && v > 0 {
            return None;
        }
        sc.next();
        Some(v)
    };
    if !sc.skip_symbol(b':') {
        return None;
    }
    time.add(two(sc, 59)?);
    if sc.skip_symbol(b':') {
        time.add(two(sc, 59)?);
        if sc.skip_symbol(b'.') {
            let Tok::Number { value, .. } = sc.peek() else {
                return None;
            };
            if hour_is_24 && value > 0 {
                return None;
            }
            time.add(read_milliseconds(sc.next()));
        }
    }
    if sc.peek().is_keyword_z() {
        sc.next();
        tz.set(0);
    } else if let Tok::Symbol(c) = sc.peek() {
        if is_sign(c) {
            sc.next();
            tz.sign = if c == b'+' { 1 } else { -1 };
            if let Some(hhmm) = sc.peek().fixed(4) {
                sc.next();
                let (h, m) = (hhmm / 100, hhmm % 100);
                if !(0..=23).contains(&h) || !(0..=59).contains(&m) {
                    return None;
                }
                (tz.hour, tz.minute) = (h, m);
            } else {
                tz.hour = sc.peek().fixed(2).filter(|h| (0..=23).contains(h))?;
                sc.next();
                if !sc.skip_symbol(b':') {
                    return None;
                }
                tz.minute = sc.peek().fixed(2).filter(|m| (0..=59).contains(m))?;
                sc.next();
            }
        }
    }
    (sc.peek() == Tok::End).then_some(())
}

fn is_sign(c: u8) -> bool {
    c == b'+' || c == b'-'
}

/// V8 `ReadMilliseconds`: the first three significant digits of a numeral.
fn read_milliseconds(token: Tok) -> i32 {
    let Tok::Number { value, len } = token else {
        return -1;
    };
    match len {
        1 => value * 100,
        2 => value * 10,
        3 => value,
        _ => value / 10i32.pow(len.min(9).saturating_sub(3) as u32),
    }
}

#[cfg(test)]
#[path = "date_tests.rs"]
mod tests;
