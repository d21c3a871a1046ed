//! Time scales: d3-scale's `scaleUtc` ticks and its default multi-scale tick format.
//!
//! Stage: scales. A time scale is a linear map over epoch milliseconds; what makes it a time
//! scale is where its ticks fall (on calendar boundaries: every 15 minutes, every 3 months,
//! every year) and how they are labelled (`%Y`, `%B`, `%b %d`, `%I %p`, ...), as in d3.
//! Times are UTC (storychart treats local time as UTC natively; see ARCHITECTURE.md).

use super::ticks;
use crate::js::date::{civil_from_days, days_from_civil};

const SECOND: f64 = 1000.0;
const MINUTE: f64 = 60.0 * SECOND;
const HOUR: f64 = 60.0 * MINUTE;
const DAY: f64 = 24.0 * HOUR;
const WEEK: f64 = 7.0 * DAY;
const MONTH: f64 = 30.0 * DAY;
const YEAR: f64 = 365.0 * DAY;

/// Calendar intervals a tick can step by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unit {
    Millisecond,
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
}

/// d3-time's `tickIntervals`: (unit, step, approximate duration).
const INTERVALS: &[(Unit, f64, f64)] = &[
    (Unit::Second, 1.0, SECOND),
    (Unit::Second, 5.0, 5.0 * SECOND),
    (Unit::Second, 15.0, 15.0 * SECOND),
    (Unit::Second, 30.0, 30.0 * SECOND),
    (Unit::Minute, 1.0, MINUTE),
    (Unit::Minute, 5.0, 5.0 * MINUTE),
    (Unit::Minute, 15.0, 15.0 * MINUTE),
    (Unit::Minute, 30.0, 30.0 * MINUTE),
    (Unit::Hour, 1.0, HOUR),
    (Unit::Hour, 3.0, 3.0 * HOUR),
    (Unit::Hour, 6.0, 6.0 * HOUR),
    (Unit::Hour, 12.0, 12.0 * HOUR),
    (Unit::Day, 1.0, DAY),
    (Unit::Day, 2.0, 2.0 * DAY),
    (Unit::Week, 1.0, WEEK),
    (Unit::Month, 1.0, MONTH),
    (Unit::Month, 3.0, 3.0 * MONTH),
    (Unit::Year, 1.0, YEAR),
];

/// The last valid JavaScript time (ms).
const MAX_TIME: f64 = 8.64e15;

/// The largest number of ticks generated, whatever the input.
const MAX_TICKS: usize = 10_000;

/// d3-time's `tickInterval`: the calendar interval for about `count` ticks over `[start, stop]`.
fn interval(start: f64, stop: f64, count: f64) -> (Unit, f64) {
    let target = (stop - start).abs() / count.max(1.0);
    let i = INTERVALS.partition_point(|(_, _, d)| *d <= target);
    match (INTERVALS.get(i.wrapping_sub(1)), INTERVALS.get(i)) {
        (_, None) => {
            let step = ticks::tick_step(start / YEAR, stop / YEAR, count).max(1.0);
            (Unit::Year, step)
        }
        (None, Some(_)) => {
            let step = ticks::tick_step(start, stop, count).max(1.0);
            (Unit::Millisecond, step)
        }
        (Some(lo), Some(hi)) => {
            let (unit, step, _) = if target / lo.2 < hi.2 / target {
                lo
            } else {
                hi
            };
            (*unit, *step)
        }
    }
}

/// Ticks of a UTC time scale over `[start, stop]` (epoch ms), about `count` of them, on
/// calendar boundaries as d3's `scaleUtc().ticks(count)` places them.
///
/// ```
/// use storychart::scale::time::time_ticks;
/// let jan = 1_577_836_800_000.0; // 2020-01-01
/// let ticks = time_ticks(jan, jan + 366.0 * 86_400_000.0, 4.0);
/// assert_eq!(ticks.len(), 5); // Jan, Apr, Jul, Oct 2020 and Jan 2021
/// ```
pub fn time_ticks(start: f64, stop: f64, count: f64) -> Vec<f64> {
    if !(start.is_finite() && stop.is_finite()) || count <= 0.0 {
        return Vec::new();
    }
    // JavaScript dates end at ±8.64e15 ms; beyond that there is no calendar.
    let (lo, hi) = (
        start.min(stop).max(-MAX_TIME),
        start.max(stop).min(MAX_TIME),
    );
    if lo > hi {
        return Vec::new();
    }
    let (unit, step) = interval(lo, hi, count);
    let mut out = Vec::new();
    let mut t = ceil(lo, unit, step);
    while t <= hi && out.len() < MAX_TICKS {
        out.push(t);
        let next = offset(t, unit, step);
        if next <= t {
            break;
        }
        t = next;
    }
    if start > stop {
        out.reverse();
    }
    out
}

#[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
fn floor(t: f64, unit: Unit, step: f64) -> f64 {
    let t = t.clamp(-MAX_TIME, MAX_TIME);
    let fixed = |size: f64| (t / (size * step)).floor() * size * step;
    match unit {
        Unit::Millisecond => fixed(1.0),
        Unit::Second => fixed(SECOND),
        Unit::Minute => fixed(MINUTE),
        Unit::Hour => fixed(HOUR),
        Unit::Day | Unit::Week | Unit::Month | Unit::Year => {
            let days = (t / DAY).floor() as i64;
            let (y, m, d) = civil_from_days(days);
            let s = step.max(1.0) as i64;
            let day = match unit {
                Unit::Day => days_from_civil(y, m, 1 + (d - 1) / s * s),
                // Weeks start on Sunday; 1970-01-04 was a Sunday.
                Unit::Week => days - (days - 3).rem_euclid(7),
                Unit::Month => days_from_civil(y, 1 + (m - 1) / s * s, 1),
                _ => days_from_civil(y.div_euclid(s) * s, 1, 1),
            };
            day as f64 * DAY
        }
    }
}

#[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
fn offset(t: f64, unit: Unit, step: f64) -> f64 {
    let t = t.clamp(-MAX_TIME, MAX_TIME);
    match unit {
        Unit::Millisecond => t + step,
        Unit::Second => t + step * SECOND,
        Unit::Minute => t + step * MINUTE,
        Unit::Hour => t + step * HOUR,
        Unit::Week => t + step * WEEK,
        Unit::Day => {
            // Day steps restart at the 1st of each month, as d3's utcDay.every(k).
            let next = t + step * DAY;
            let (_, m0, _) = civil_from_days((t / DAY).floor() as i64);
            let (y1, m1, _) = civil_from_days((next / DAY).floor() as i64);
            if m1 != m0 {
                days_from_civil(y1, m1, 1) as f64 * DAY
            } else {
                next
            }
        }
        Unit::Month | Unit::Year => {
            let (y, m, _) = civil_from_days((t / DAY).floor() as i64);
            let s = step.max(1.0) as i64;
            let (y, m) = if unit == Unit::Month {
                let months = y * 12 + (m - 1) + s;
                (months.div_euclid(12), months.rem_euclid(12) + 1)
            } else {
                (y + s, m)
            };
            days_from_civil(y, m, 1) as f64 * DAY
        }
    }
}

fn ceil(t: f64, unit: Unit, step: f64) -> f64 {
    let f = floor(t, unit, step);
    if f < t {
        offset(f, unit, step)
    } else {
        f
    }
}

/// d3's default multi-scale time format specifier for a tick at `t` (UTC).
///
/// ```
/// use storychart::scale::time::multi_format;
/// assert_eq!(multi_format(1_577_836_800_000.0), "%Y"); // 2020-01-01
/// assert_eq!(multi_format(1_585_699_200_000.0), "%B"); // 2020-04-01
/// ```
pub fn multi_format(t: f64) -> &'static str {
    let is = |unit: Unit| floor(t, unit, 1.0) >= t;
    if !is(Unit::Second) {
        ".%L"
    } else if !is(Unit::Minute) {
        ":%S"
    } else if !is(Unit::Hour) {
        "%I:%M"
    } else if !is(Unit::Day) {
        "%I %p"
    } else if !is(Unit::Month) {
        if is(Unit::Week) {
            "%b %d"
        } else {
            "%a %d"
        }
    } else if !is(Unit::Year) {
        "%B"
    } else {
        "%Y"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY_MS: f64 = 86_400_000.0;
    const Y2020: f64 = 1_577_836_800_000.0;

    // Expected values from d3-scale's scaleUtc().ticks(n) in Node.
    #[test]
    fn ticks_fall_on_calendar_boundaries_like_d3() {
        assert_eq!(
            time_ticks(Y2020, Y2020 + 10.0 * 365.25 * DAY_MS, 5.0),
            // 2020, 2022, ..., 2028 (the domain ends half a day before 2030)
            vec![
                1_577_836_800_000.0,
                1_640_995_200_000.0,
                1_704_067_200_000.0,
                1_767_225_600_000.0,
                1_830_297_600_000.0
            ]
        );
        let days = time_ticks(Y2020, Y2020 + 10.0 * DAY_MS, 5.0);
        assert_eq!(days.len(), 6);
        assert_eq!(days.first(), Some(&Y2020));
        assert!(days.windows(2).all(|w| w[1] - w[0] == 2.0 * DAY_MS));
        let hours = time_ticks(Y2020, Y2020 + DAY_MS, 4.0);
        assert_eq!(hours.len(), 5);
        assert!(hours.windows(2).all(|w| w[1] - w[0] == 6.0 * 3_600_000.0));
        let quarters = time_ticks(Y2020, Y2020 + 366.0 * DAY_MS, 4.0);
        assert_eq!(
            quarters,
            vec![
                1_577_836_800_000.0,
                1_585_699_200_000.0,
                1_593_561_600_000.0,
                1_601_510_400_000.0,
                1_609_459_200_000.0
            ]
        );
        assert!(time_ticks(f64::NAN, 1.0, 5.0).is_empty());
        assert!(time_ticks(-1e300, 1e300, 5.0).len() <= MAX_TICKS);
    }

    #[test]
    fn labels_use_the_coarsest_boundary() {
        assert_eq!(multi_format(Y2020 + 3.0 * 3_600_000.0), "%I %p");
        assert_eq!(multi_format(Y2020 + 4.0 * DAY_MS), "%b %d"); // a Sunday
        assert_eq!(multi_format(Y2020 + DAY_MS), "%a %d");
        assert_eq!(multi_format(Y2020 + 1500.0), ".%L");
    }
}
