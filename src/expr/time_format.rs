//! d3-time-format for expressions (`timeFormat`, `utcFormat`) and JavaScript's `Date`
//! string, in UTC.
//!
//! Stage: expressions. Supports the d3 directives `%a %A %b %B %c %d %e %f %H %I %j %L %m %M
//! %p %q %Q %s %S %u %U %w %W %x %X %y %Y %Z %%` with the `-` (no padding), `_` (space) and `0`
//! padding modifiers, in the en-US locale or a [`TimeLocale`] (`format_time_locale`). Unknown
//! directives print their letter, as in d3.
//! Local time is UTC (see [`super::date`]). Never panics; invalid dates print d3's `NaN`s.

use super::date::{parts, Parts};

use crate::js::date::{DAYS, MONTHS};
use crate::scale::locale::{TimeLocale, EN_US};

/// d3's `pad(value, fill, width)`: the sign, then `fill` up to `width`.
fn pad(value: f64, fill: Option<char>, width: usize) -> String {
    let digits = super::value::number_to_string(value.abs());
    let sign = if value < 0.0 { "-" } else { "" };
    let mut s = sign.to_string();
    if let Some(f) = fill {
        for _ in digits.len()..width {
            s.push(f);
        }
    }
    s.push_str(&digits);
    s
}

fn name(list: &[&str], i: f64, abbrev: bool) -> String {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let Some(full) = (i >= 0.0).then(|| list.get(i as usize)).flatten() else {
        return "undefined".to_string();
    };
    if abbrev {
        full.chars().take(3).collect()
    } else {
        (*full).to_string()
    }
}

/// Formats time value `t` with a d3-time-format `specifier` (UTC).
pub fn format_time(specifier: &str, t: f64) -> String {
    format_time_locale(specifier, t, &EN_US)
}

/// `d3.timeFormatLocale(locale).utcFormat(specifier)(t)`: names and `%c %x %X %p` from `locale`.
pub fn format_time_locale(specifier: &str, t: f64, locale: &TimeLocale) -> String {
    let mut out = String::new();
    let mut chars = specifier.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut fill: Option<Option<char>> = None;
        let mut d = chars.next();
        if let Some(m @ ('-' | '_' | '0')) = d {
            fill = Some(match m {
                '-' => None,
                '_' => Some(' '),
                _ => Some('0'),
            });
            d = chars.next();
        }
        let Some(d) = d else {
            break;
        };
        let fill = fill.unwrap_or(if d == 'e' { Some(' ') } else { Some('0') });
        out.push_str(&directive(d, fill, t, locale));
    }
    out
}

fn directive(d: char, fill: Option<char>, t: f64, locale: &TimeLocale) -> String {
    let nan = Parts {
        year: f64::NAN,
        month: f64::NAN,
        day: f64::NAN,
        hours: f64::NAN,
        minutes: f64::NAN,
        seconds: f64::NAN,
        ms: f64::NAN,
        weekday: f64::NAN,
        yday: f64::NAN,
    };
    let p = parts(t).unwrap_or(nan);
    match d {
        'a' => name(&locale.short_days, p.weekday, false),
        'A' => name(&locale.days, p.weekday, false),
        'b' => name(&locale.short_months, p.month, false),
        'B' => name(&locale.months, p.month, false),
        'c' => format_time_locale(locale.date_time, t, locale),
        'x' => format_time_locale(locale.date, t, locale),
        'X' => format_time_locale(locale.time, t, locale),
        'd' | 'e' => pad(p.day, fill, 2),
        'f' => pad(p.ms * 1000.0, fill, 6),
        'H' => pad(p.hours, fill, 2),
        'I' => pad(
            if p.hours % 12.0 == 0.0 {
                12.0
            } else {
                p.hours % 12.0
            },
            fill,
            2,
        ),
        'j' => pad(p.yday, fill, 3),
        'L' => pad(p.ms, fill, 3),
        'm' => pad(p.month + 1.0, fill, 2),
        'M' => pad(p.minutes, fill, 2),
        'p' => (if p.hours >= 12.0 {
            locale.periods[1]
        } else {
            locale.periods[0]
        })
        .to_string(),
        'q' => {
            super::value::number_to_string(1.0 + f64::from(super::value::to_int32(p.month / 3.0)))
        }
        'U' => pad(((p.yday - 1.0 + 7.0 - p.weekday) / 7.0).floor(), fill, 2),
        'W' => pad(
            ((p.yday - 1.0 + 7.0 - (p.weekday + 6.0) % 7.0) / 7.0).floor(),
            fill,
            2,
        ),
        'Q' => super::value::number_to_string(t),
        's' => super::value::number_to_string((t / 1000.0).floor()),
        'S' => pad(p.seconds, fill, 2),
        'u' => super::value::number_to_string(if p.weekday == 0.0 { 7.0 } else { p.weekday }),
        'w' => super::value::number_to_string(p.weekday),
        'y' => pad(p.year % 100.0, fill, 2),
        'Y' => pad(p.year % 10000.0, fill, 4),
        'Z' => "+0000".to_string(),
        other => other.to_string(),
    }
}

/// JavaScript's `String(date)`, with local time UTC:
/// `Thu Jan 01 1970 00:00:00 GMT+0000 (Coordinated Universal Time)`.
pub fn date_to_string(t: f64) -> String {
    let Some(p) = parts(t) else {
        return "Invalid Date".to_string();
    };
    let year = if p.year < 0.0 {
        format!("-{}", pad(-p.year, Some('0'), 4))
    } else {
        pad(p.year, Some('0'), 4)
    };
    format!(
        "{} {} {} {year} {}:{}:{} GMT+0000 (Coordinated Universal Time)",
        name(&DAYS, p.weekday, true),
        name(&MONTHS, p.month, true),
        pad(p.day, Some('0'), 2),
        pad(p.hours, Some('0'), 2),
        pad(p.minutes, Some('0'), 2),
        pad(p.seconds, Some('0'), 2),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_match_d3() {
        // From node with TZ=UTC: vega timeFormat(0, spec) and timeFormat(981173106789, spec).
        assert_eq!(
            format_time("%Y %Z %c %x %X %Q %s %f %q %u %w %-d %_d %e %k", 0.0),
            "1970 +0000 1/1/1970, 12:00:00 AM 1/1/1970 12:00:00 AM 0 0 000000 1 4 4 1  1  1 k"
        );
        assert_eq!(format_time("%Y-%m-%d", f64::NAN), "0NaN-NaN-NaN");
        assert_eq!(
            date_to_string(0.0),
            "Thu Jan 01 1970 00:00:00 GMT+0000 (Coordinated Universal Time)"
        );
        assert_eq!(date_to_string(f64::NAN), "Invalid Date");
        assert_eq!(
            date_to_string(-1e14),
            "Thu Feb 15 -1199 14:13:20 GMT+0000 (Coordinated Universal Time)"
        );
    }
}
