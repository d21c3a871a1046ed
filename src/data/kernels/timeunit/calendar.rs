//! JavaScript `Date` arithmetic on epoch milliseconds: ECMAScript's `MakeDay`, `MakeDate`,
//! `TimeClip` and the field getters, in UTC.
//!
//! Stage: kernels (time unit internals). All values are `f64` as in JavaScript; a result past
//! ±8.64e15 ms is `NaN`. Day numbers use Howard Hinnant's civil-calendar algorithms on `i64`.

pub(super) use crate::js::date::DAY_MS;
use crate::js::date::{civil_from_days, days_from_civil, MAX_TIME};

/// `TimeClip`: `NaN` past the valid range, otherwise truncated toward zero (`+0` for `-0`).
pub(super) fn time_clip(t: f64) -> f64 {
    if !t.is_finite() || t.abs() > MAX_TIME {
        return f64::NAN;
    }
    t.trunc() + 0.0
}

/// `MakeDay(year, month, date)` (month 0-based, any integers; overflow rolls over). `NaN` for
/// non-finite or absurd inputs.
#[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
pub(super) fn make_day(year: f64, month: f64, date: f64) -> f64 {
    if !(year.is_finite() && month.is_finite() && date.is_finite()) {
        return f64::NAN;
    }
    let (year, month, date) = (year.trunc(), month.trunc(), date.trunc());
    let ym = year + (month / 12.0).floor();
    if ym.abs() > 400_000.0 || date.abs() > 1e9 {
        return f64::NAN;
    }
    let mn = month.rem_euclid(12.0);
    let first = days_from_civil(ym as i64, mn as i64 + 1, 1);
    first as f64 + date - 1.0
}

/// `MakeDate(day, time)`.
pub(super) fn make_date(day: f64, time: f64) -> f64 {
    day * DAY_MS + time
}

/// The weekday (0 = Sunday) of a day number.
pub(super) fn weekday_of(day: f64) -> f64 {
    (day + 4.0).rem_euclid(7.0)
}

/// The day number of the Sunday on or before `day`.
pub(super) fn sunday_of(day: f64) -> f64 {
    day - weekday_of(day)
}

/// The UTC fields of a valid time value, as JavaScript's getters give them.
pub(super) struct Civil {
    /// Day number since 1970-01-01.
    pub day: f64,
    pub year: f64,
    /// 0-based.
    pub month: f64,
    pub date: f64,
    /// 0 = Sunday.
    pub weekday: f64,
    pub hours: f64,
    pub minutes: f64,
    pub seconds: f64,
    pub millis: f64,
}

/// The fields of time value `t` (finite, within range).
#[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
pub(super) fn civil(t: f64) -> Civil {
    let day = (t / DAY_MS).floor();
    let ms = t - day * DAY_MS;
    let (y, m, d) = civil_from_days(day as i64);
    Civil {
        day,
        year: y as f64,
        month: (m - 1) as f64,
        date: d as f64,
        weekday: weekday_of(day),
        hours: (ms / 3_600_000.0).floor(),
        minutes: (ms / 60_000.0).floor() % 60.0,
        seconds: (ms / 1000.0).floor() % 60.0,
        millis: ms % 1000.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_known_dates() {
        for z in [-800_000i64, -1, 0, 1, 11_016, 2_932_896] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(make_day(2000.0, 1.0, 29.0), 11_016.0);
        assert_eq!(make_day(2000.0, 13.0, 1.0), make_day(2001.0, 1.0, 1.0));
        assert_eq!(make_day(2000.0, -1.0, 1.0), make_day(1999.0, 11.0, 1.0));
        assert_eq!(weekday_of(0.0), 4.0); // Thursday
        let c = civil(-1.0);
        assert_eq!(
            (c.year, c.month, c.date, c.hours, c.millis),
            (1969.0, 11.0, 31.0, 23.0, 999.0)
        );
        assert!(time_clip(8.64e15 + 1.0).is_nan());
        assert_eq!(time_clip(-1.5), -1.0);
    }
}
