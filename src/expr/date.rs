//! Date arithmetic for expressions: JavaScript's `Date` time values in UTC.
//!
//! Stage: expressions. A date is a time value (milliseconds since 1970-01-01T00:00:00Z, NaN
//! when invalid), as in JavaScript. storychart has no time zone database: **local time is
//! UTC**, so `year()` equals `utcyear()` and `datetime()` equals `utc()`, exactly as Vega in a
//! browser whose time zone is UTC. Guarantees: ECMAScript's `MakeDay`/`MakeTime`/`TimeClip`
//! arithmetic (overflowing months and days roll over), never a panic.

/// The fields of a valid time value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Parts {
    /// Full year (may be negative).
    pub year: f64,
    /// Month, 0-11.
    pub month: f64,
    /// Day of the month, 1-31.
    pub day: f64,
    /// Hours, 0-23.
    pub hours: f64,
    /// Minutes, 0-59.
    pub minutes: f64,
    /// Seconds, 0-59.
    pub seconds: f64,
    /// Milliseconds, 0-999.
    pub ms: f64,
    /// Day of the week, 0 (Sunday) - 6.
    pub weekday: f64,
    /// Day of the year, 1-366.
    pub yday: f64,
}

const MS_PER_DAY: f64 = 86_400_000.0;

/// Days from 1970-01-01 to the first of `month` (0-11) of `year` (proleptic Gregorian).
fn days_from_civil(year: f64, month: f64) -> f64 {
    // Howard Hinnant's algorithm, in f64 so that huge years cannot overflow.
    let m = month + 1.0;
    let y = if m <= 2.0 { year - 1.0 } else { year };
    let era = (y / 400.0).floor();
    let yoe = y - era * 400.0;
    let mp = (m + 9.0) % 12.0;
    let doy = ((153.0 * mp + 2.0) / 5.0).floor();
    let doe = yoe * 365.0 + (yoe / 4.0).floor() - (yoe / 100.0).floor() + doy;
    era * 146_097.0 + doe - 719_468.0
}

/// ECMAScript `MakeDay(year, month, date)`: day number, months beyond 0-11 roll over.
pub fn make_day(year: f64, month: f64, date: f64) -> f64 {
    if !(year.is_finite() && month.is_finite() && date.is_finite()) {
        return f64::NAN;
    }
    let (y, m, dt) = (year.trunc(), month.trunc(), date.trunc());
    let ym = y + (m / 12.0).floor();
    let mn = m.rem_euclid(12.0);
    days_from_civil(ym, mn) + dt - 1.0
}

/// ECMAScript `MakeTime(h, min, s, ms)`.
pub fn make_time(h: f64, min: f64, s: f64, ms: f64) -> f64 {
    if !(h.is_finite() && min.is_finite() && s.is_finite() && ms.is_finite()) {
        return f64::NAN;
    }
    h.trunc() * 3_600_000.0 + min.trunc() * 60_000.0 + s.trunc() * 1000.0 + ms.trunc()
}

/// ECMAScript `TimeClip`: NaN beyond ±8.64e15 ms, else truncated.
pub fn time_clip(t: f64) -> f64 {
    if !t.is_finite() || t.abs() > 8.64e15 {
        f64::NAN
    } else {
        t.trunc() + 0.0
    }
}

/// `Date.UTC(...)` (and `new Date(y, m, ...)` with local = UTC): missing fields default to
/// month 0, day 1, time 0; years 0-99 mean 1900-1999.
pub fn utc(args: &[f64]) -> f64 {
    let Some(&year) = args.first() else {
        return f64::NAN;
    };
    let get = |i: usize, d: f64| args.get(i).copied().unwrap_or(d);
    let y = if !year.is_nan() && (0.0..=99.0).contains(&year.trunc()) {
        1900.0 + year.trunc()
    } else {
        year
    };
    let day = make_day(y, get(1, 0.0), get(2, 1.0));
    let time = make_time(get(3, 0.0), get(4, 0.0), get(5, 0.0), get(6, 0.0));
    time_clip(day * MS_PER_DAY + time)
}

/// The fields of time value `t`, or `None` if it is NaN.
pub fn parts(t: f64) -> Option<Parts> {
    if t.is_nan() {
        return None;
    }
    let days = (t / MS_PER_DAY).floor();
    let in_day = t - days * MS_PER_DAY;
    // civil_from_days (Hinnant).
    let z = days + 719_468.0;
    let era = (z / 146_097.0).floor();
    let doe = z - era * 146_097.0;
    let yoe = ((doe - (doe / 1460.0).floor() + (doe / 36_524.0).floor()
        - (doe / 146_096.0).floor())
        / 365.0)
        .floor();
    let doy = doe - (365.0 * yoe + (yoe / 4.0).floor() - (yoe / 100.0).floor());
    let mp = ((5.0 * doy + 2.0) / 153.0).floor();
    let day = doy - ((153.0 * mp + 2.0) / 5.0).floor() + 1.0;
    let month = if mp < 10.0 { mp + 2.0 } else { mp - 10.0 };
    let year = yoe + era * 400.0 + if month <= 1.0 { 1.0 } else { 0.0 };
    Some(Parts {
        year,
        month,
        day,
        hours: (in_day / 3_600_000.0).floor(),
        minutes: (in_day / 60_000.0).floor() % 60.0,
        seconds: (in_day / 1000.0).floor() % 60.0,
        ms: in_day % 1000.0,
        weekday: (days + 4.0).rem_euclid(7.0),
        yday: days - days_from_civil(year, 0.0) + 1.0,
    })
}

/// `Date.parse` for ISO-8601 text (`2001-02-03`, `2001-02-03T04:05:06.789Z`, `+002001-02`,
/// offsets `±hh:mm`), and the same with a space for `T`; NaN for anything else. Date-only
/// forms are UTC; date-times without an offset are local time, which is UTC here.
// TODO(merge): use data::parse::date::parse_date
pub fn parse_iso(text: &str) -> f64 {
    let s = text.trim();
    let b = s.as_bytes();
    let mut i = 0;
    let num = |i: &mut usize, n: usize| -> Option<f64> {
        let d = b.get(*i..*i + n)?;
        if !d.iter().all(u8::is_ascii_digit) {
            return None;
        }
        *i += n;
        Some(d.iter().fold(0.0, |v, c| v * 10.0 + f64::from(c - b'0')))
    };
    let year = match b.first() {
        Some(sign @ (b'+' | b'-')) => {
            i = 1;
            let y = num(&mut i, 6);
            let s = if *sign == b'-' { -1.0 } else { 1.0 };
            y.map(|y| s * y)
        }
        _ => num(&mut i, 4),
    };
    let Some(year) = year else {
        return f64::NAN;
    };
    let mut month = 1.0;
    let mut day = 1.0;
    if b.get(i) == Some(&b'-') {
        i += 1;
        let Some(m) = num(&mut i, 2) else {
            return f64::NAN;
        };
        month = m;
        if b.get(i) == Some(&b'-') {
            i += 1;
            let Some(d) = num(&mut i, 2) else {
                return f64::NAN;
            };
            day = d;
        }
    }
    if !(1.0..=12.0).contains(&month) || !(1.0..=31.0).contains(&day) {
        return f64::NAN;
    }
    let date = make_day(year, month - 1.0, day) * MS_PER_DAY;
    if i == b.len() {
        return time_clip(date);
    }
    if !matches!(b.get(i), Some(b'T' | b't' | b' ')) {
        return f64::NAN;
    }
    i += 1;
    let (Some(h), Some(b':'), _) = (num(&mut i, 2), b.get(i), ()) else {
        return f64::NAN;
    };
    i += 1;
    let Some(min) = num(&mut i, 2) else {
        return f64::NAN;
    };
    let mut sec = 0.0;
    let mut ms = 0.0;
    if b.get(i) == Some(&b':') {
        i += 1;
        let Some(s) = num(&mut i, 2) else {
            return f64::NAN;
        };
        sec = s;
        if matches!(b.get(i), Some(b'.' | b',')) {
            i += 1;
            let start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            let digits = b.get(start..i).unwrap_or(&[]);
            if digits.is_empty() {
                return f64::NAN;
            }
            ms = digits
                .iter()
                .chain(b"00".iter())
                .take(3)
                .fold(0.0, |v, c| v * 10.0 + f64::from(c - b'0'));
        }
    }
    let valid = (h < 24.0 || (h == 24.0 && min == 0.0 && sec == 0.0 && ms == 0.0))
        && min < 60.0
        && sec < 60.0;
    if !valid {
        return f64::NAN;
    }
    let mut offset = 0.0;
    match b.get(i) {
        None => {}
        Some(b'Z' | b'z') if i + 1 == b.len() => {}
        Some(sign @ (b'+' | b'-')) => {
            i += 1;
            let Some(oh) = num(&mut i, 2) else {
                return f64::NAN;
            };
            if b.get(i) == Some(&b':') {
                i += 1;
            }
            let Some(om) = num(&mut i, 2) else {
                return f64::NAN;
            };
            if i != b.len() {
                return f64::NAN;
            }
            let s = if *sign == b'-' { -1.0 } else { 1.0 };
            offset = s * (oh * 60.0 + om) * 60_000.0;
        }
        _ => return f64::NAN,
    }
    time_clip(date + make_time(h, min, sec, ms) - offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_and_utc_round_trip() {
        // Values from node: Date.UTC(...).
        assert_eq!(
            utc(&[2001.0, 1.0, 3.0, 4.0, 5.0, 6.0, 789.0]),
            981_173_106_789.0
        );
        assert_eq!(utc(&[99.0]), 915_148_800_000.0);
        assert_eq!(utc(&[2000.0, 13.0, 35.0]), 983_923_200_000.0);
        assert_eq!(utc(&[-5.0, 0.0, 1.0]), -62_324_985_600_000.0);
        let p = parts(981_173_106_789.0).unwrap();
        assert_eq!(
            (p.year, p.month, p.day, p.hours, p.minutes, p.seconds, p.ms, p.weekday, p.yday),
            (2001.0, 1.0, 3.0, 4.0, 5.0, 6.0, 789.0, 6.0, 34.0)
        );
        let p = parts(-1.0).unwrap();
        assert_eq!(
            (p.year, p.month, p.day, p.hours, p.ms),
            (1969.0, 11.0, 31.0, 23.0, 999.0)
        );
    }

    #[test]
    fn iso_parsing_matches_v8() {
        // Values from node 20 with TZ=UTC: Date.parse(text).
        for (text, t) in [
            ("2000-02-30", 951_868_800_000.0),
            ("2000-01-01T24:00", 946_771_200_000.0),
            ("2000-01-01 10:00", 946_720_800_000.0),
            ("+002000-01-01", 946_684_800_000.0),
            ("2000-01-01T10:00:00.1234Z", 946_720_800_123.0),
            ("2000-01-01T10:00+0100", 946_717_200_000.0),
            ("2000-01-01T10:00:00z", 946_720_800_000.0),
            ("2001-02", 980_985_600_000.0),
        ] {
            assert_eq!(parse_iso(text), t, "{text}");
        }
        for text in [
            "2000-13-01",
            "2000-01-01T10Z",
            "abc",
            "",
            "2000-01-01T25:00",
        ] {
            assert!(parse_iso(text).is_nan(), "{text}");
        }
    }
}
