//! Time units: Vega's `timeunit` transform (vega-time `timeFloor`/`utcFloor` for the unit
//! start, d3-time `offset` of the smallest unit for the end Vega-Lite names `<field>_end`).
//!
//! Stage: kernels. Values are epoch milliseconds. The calendar is the proleptic Gregorian one
//! of JavaScript's `Date`, including its quirks: times are truncated toward zero, anything past
//! ±8.64e15 ms is invalid (null), units without `year` land in Vega's reference year 2012, and
//! `week` is d3's Sunday-based week of the year (week 0 before the first Sunday).
//!
//! **Local time is UTC here.** The browser's time zone is a later concern; `time_unit` takes
//! the `utc` flag anyway because Vega's two paths differ in one place: for years 0–99 Vega's
//! `utcFloor` returns an invalid date (a bug in vega-time's `utcDate`), while the local path
//! gives the right date. Both are reproduced. Where Vega would loop forever (a quarter end
//! past the last valid date), the end is null.

use super::aggregate::cells::{Cells, Kind};
use crate::data::{Column, NumberColumn};

mod calendar;
#[cfg(test)]
mod tests;

use calendar::{civil, make_date, make_day, time_clip, DAY_MS};

/// One part of a time unit, in Vega's order (which sorts composite units).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TimePart {
    /// Calendar year.
    Year,
    /// Quarter of the year.
    Quarter,
    /// Month.
    Month,
    /// Sunday-based week of the year.
    Week,
    /// Day of the month.
    Date,
    /// Day of the week.
    Day,
    /// Day of the year.
    DayOfYear,
    /// Hours.
    Hours,
    /// Minutes.
    Minutes,
    /// Seconds.
    Seconds,
    /// Milliseconds.
    Milliseconds,
}

/// Names in Vega-Lite's parsing order (`dayofyear` before `day`, as its matcher requires).
const NAMES: [(&str, TimePart); 11] = [
    ("year", TimePart::Year),
    ("quarter", TimePart::Quarter),
    ("month", TimePart::Month),
    ("week", TimePart::Week),
    ("dayofyear", TimePart::DayOfYear),
    ("day", TimePart::Day),
    ("date", TimePart::Date),
    ("hours", TimePart::Hours),
    ("minutes", TimePart::Minutes),
    ("seconds", TimePart::Seconds),
    ("milliseconds", TimePart::Milliseconds),
];

/// The Vega-Lite name of one part (`year`, `dayofyear`, ...).
///
/// ```
/// use storychart::data::kernels::timeunit::{part_name, TimePart};
/// assert_eq!(part_name(TimePart::DayOfYear), "dayofyear");
/// ```
pub fn part_name(part: TimePart) -> &'static str {
    NAMES
        .iter()
        .find(|(_, p)| *p == part)
        .map_or("", |(n, _)| *n)
}

/// A time unit: its parts (sorted, distinct), whether it is a `utc` unit, and its step.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeUnit {
    /// The parts, in Vega's order.
    pub parts: Vec<TimePart>,
    /// Whether the name had the `utc` prefix (Vega's `timezone: "utc"`).
    pub utc: bool,
    /// Bins of `step` of the smallest part (Vega-Lite's `timeUnit.step`; 1).
    pub step: f64,
}

impl TimeUnit {
    /// The smallest part (the one the end offsets by).
    pub fn smallest(&self) -> Option<TimePart> {
        self.parts.last().copied()
    }

    /// A d3-time-format specifier that shows this unit's values as Vega-Lite labels them
    /// (`month` as `Jan`, `yearmonth` as `Jan 2020`, `monthdate` as `Jan 05`, `hours` as
    /// `09:00`).
    ///
    /// ```
    /// use storychart::data::kernels::parse_time_unit;
    /// assert_eq!(parse_time_unit("yearmonth").unwrap().label_format(), "%b %Y");
    /// assert_eq!(parse_time_unit("hoursminutes").unwrap().label_format(), "%H:%M");
    /// ```
    pub fn label_format(&self) -> String {
        let has = |p: TimePart| self.parts.contains(&p);
        let mut date: Vec<&str> = Vec::new();
        if has(TimePart::Quarter) {
            date.push("Q%q");
        }
        if has(TimePart::Week) {
            date.push("W%U");
        }
        if has(TimePart::Day) {
            date.push("%a");
        }
        if has(TimePart::Month) {
            date.push("%b");
        }
        if has(TimePart::Date) {
            date.push("%d");
        }
        if has(TimePart::DayOfYear) {
            date.push("%j");
        }
        let mut text = date.join(" ");
        if has(TimePart::Year) {
            let sep = if has(TimePart::Date) {
                ", "
            } else if text.is_empty() {
                ""
            } else {
                " "
            };
            text = format!("{text}{sep}%Y");
        }
        let time = match (
            has(TimePart::Hours),
            has(TimePart::Minutes),
            has(TimePart::Seconds),
        ) {
            (true, false, false) => "%H:00",
            (true, true, false) => "%H:%M",
            (true, _, true) => "%H:%M:%S",
            (false, true, false) => "00:%M",
            (false, true, true) => "%M:%S",
            (false, false, true) => ":%S",
            (false, false, false) => "",
        };
        let ms = if has(TimePart::Milliseconds) {
            ".%L"
        } else {
            ""
        };
        [text.as_str(), &format!("{time}{ms}")]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The parts' names in order (`["year", "month"]`), as Vega-Lite titles a time unit.
    pub fn part_names(&self) -> Vec<&'static str> {
        self.parts
            .iter()
            .filter_map(|p| NAMES.iter().find(|(_, q)| q == p).map(|(n, _)| *n))
            .collect()
    }

    fn has(&self, p: TimePart) -> bool {
        self.parts.contains(&p)
    }
}

/// Parses a Vega-Lite time unit name (`yearmonth`, `utcmonthdate`, `hoursminutes`, ...): any
/// run of parts in Vega-Lite's order that Vega accepts together (at most one of
/// week/day, quarter/month/date and dayofyear). `None` for anything else.
///
/// ```
/// use storychart::data::kernels::timeunit::{parse_time_unit, TimePart};
/// let u = parse_time_unit("utcyearmonth").unwrap();
/// assert_eq!((u.parts, u.utc), (vec![TimePart::Year, TimePart::Month], true));
/// assert!(parse_time_unit("yaer").is_none());
/// assert!(parse_time_unit("weekdate").is_none()); // Vega: incompatible units
/// ```
pub fn parse_time_unit(name: &str) -> Option<TimeUnit> {
    let (utc, mut rest) = match name.strip_prefix("utc") {
        Some(r) => (true, r),
        None => (false, name),
    };
    let mut parts = Vec::new();
    let mut last_index = None;
    while !rest.is_empty() {
        let (i, (word, part)) = NAMES
            .iter()
            .enumerate()
            .find(|(_, (w, _))| rest.starts_with(w))?;
        if last_index.is_some_and(|l| i <= l) {
            return None;
        }
        last_index = Some(i);
        parts.push(*part);
        rest = rest.get(word.len()..)?;
    }
    let has = |p| parts.contains(&p);
    let types = usize::from(has(TimePart::Week) || has(TimePart::Day))
        + usize::from(has(TimePart::Quarter) || has(TimePart::Month) || has(TimePart::Date))
        + usize::from(has(TimePart::DayOfYear));
    if parts.is_empty() || types > 1 {
        return None;
    }
    crate::sorting::sort(&mut parts);
    Some(TimeUnit {
        parts,
        utc,
        step: 1.0,
    })
}

/// The unit start and end of every value of `column` (epoch ms), as Vega's `timeunit`
/// transform computes them with `timezone: "utc"` when `utc` is set (usually `unit.utc`).
/// Null, `""` and invalid dates give null.
///
/// ```
/// use storychart::data::kernels::timeunit::{parse_time_unit, time_unit};
/// use storychart::data::{Column, NumberColumn};
/// let t = 1_700_000_000_000.0; // 2023-11-14T22:13:20Z
/// let col = Column::Number(NumberColumn::from_options([Some(t), None]));
/// let u = parse_time_unit("yearmonth").unwrap();
/// let (start, end) = time_unit(&col, &u, u.utc);
/// assert_eq!(start.get(0), Some(1_698_796_800_000.0)); // 2023-11-01
/// assert_eq!(end.get(0), Some(1_701_388_800_000.0)); // 2023-12-01
/// assert_eq!(start.get(1), None);
/// ```
pub fn time_unit(column: &Column, unit: &TimeUnit, utc: bool) -> (NumberColumn, NumberColumn) {
    let cells = Cells::new(Some(column));
    let n = column.len();
    let mut start = NumberColumn::default();
    let mut end = NumberColumn::default();
    start.values.reserve(n);
    end.values.reserve(n);
    for (i, v) in cells.values.iter().enumerate().take(n) {
        if cells.kind(i) == Kind::Missing {
            start.push(None);
            end.push(None);
            continue;
        }
        let a = time_floor(*v, unit, utc);
        start.push(Some(a));
        end.push(Some(time_offset(a, unit)));
    }
    (start, end)
}

/// The ends of a binned time unit (Vega-Lite's `binnedyearmonth`...): each value, already a
/// unit start, offset by the unit's step of its smallest part (`timeOffset('month', d, 1)`),
/// without flooring. Null and invalid dates give null.
///
/// ```
/// use storychart::data::kernels::timeunit::{binned_end, parse_time_unit};
/// use storychart::data::{Column, NumberColumn};
/// let col = Column::Number(NumberColumn::from_options([Some(1_698_796_800_000.0), None]));
/// let end = binned_end(&col, &parse_time_unit("yearmonth").unwrap());
/// assert_eq!(end.get(0), Some(1_701_388_800_000.0)); // 2023-11-01 -> 2023-12-01
/// assert_eq!(end.get(1), None);
/// ```
pub fn binned_end(column: &Column, unit: &TimeUnit) -> NumberColumn {
    let cells = Cells::new(Some(column));
    let mut end = NumberColumn::default();
    end.values.reserve(column.len());
    for (i, v) in cells.values.iter().enumerate().take(column.len()) {
        if cells.kind(i) == Kind::Missing {
            end.push(None);
            continue;
        }
        let e = time_offset(time_clip(*v), unit);
        end.push(e.is_finite().then_some(e));
    }
    end
}

/// Vega-Lite's `offsetted_rect` start and end of time-unit bands placed at `fraction` of a
/// unit (band position + 0.5): `(1-f)·offset(start, -step) + f·start` and
/// `(1-f)·start + f·end`. Null where an input is null.
///
/// ```
/// use storychart::data::kernels::timeunit::{band_offsets, parse_time_unit};
/// use storychart::data::{Column, NumberColumn};
/// let day = 86_400_000.0;
/// let start = Column::Number(NumberColumn::from_options([Some(10.0 * day)]));
/// let end = Column::Number(NumberColumn::from_options([Some(11.0 * day)]));
/// let (lo, hi) = band_offsets(&start, &end, &parse_time_unit("date").unwrap(), 0.5);
/// assert_eq!((lo.get(0), hi.get(0)), (Some(9.5 * day), Some(10.5 * day)));
/// ```
pub fn band_offsets(
    start: &Column,
    end: &Column,
    unit: &TimeUnit,
    fraction: f64,
) -> (NumberColumn, NumberColumn) {
    let back = TimeUnit {
        step: -unit.step,
        ..unit.clone()
    };
    let f = fraction;
    let mut lo = NumberColumn::default();
    let mut hi = NumberColumn::default();
    for row in 0..start.len() {
        let s = start.number(row).filter(|v| v.is_finite());
        let e = end.number(row).filter(|v| v.is_finite());
        let prev = s.map(|s| time_offset(s, &back)).filter(|v| v.is_finite());
        lo.push(s.zip(prev).map(|(s, p)| (1.0 - f) * p + f * s));
        hi.push(s.zip(e).map(|(s, e)| (1.0 - f) * s + f * e));
    }
    (lo, hi)
}

/// vega-time's `timeFloor(units, step)` (or `utcFloor` when `utc`) of one time; `NaN` when
/// invalid.
///
/// ```
/// use storychart::data::kernels::timeunit::{parse_time_unit, time_floor};
/// let u = parse_time_unit("month").unwrap();
/// // Months without a year land in 2012: 2023-11-14 -> 2012-11-01.
/// assert_eq!(time_floor(1_700_000_000_000.0, &u, false), 1_351_728_000_000.0);
/// ```
pub fn time_floor(ms: f64, unit: &TimeUnit, utc: bool) -> f64 {
    let t = time_clip(ms);
    if t.is_nan() {
        return f64::NAN;
    }
    let c = civil(t);
    let step = unit.step;
    let last = unit.smallest();
    // getUnit: only the smallest part is stepped; date-like parts with phase 1.
    let stepped = |p: TimePart, v: f64, phase: f64| {
        if last != Some(p) || step.is_nan() || step <= 1.0 {
            v
        } else if phase != 0.0 {
            phase + step * ((v - phase) / step).floor()
        } else {
            step * (v / step).floor()
        }
    };
    let year = if unit.has(TimePart::Year) {
        stepped(TimePart::Year, c.year, 0.0)
    } else {
        2012.0
    };
    let first = |y: f64| calendar::weekday_of(make_day(y, 0.0, 1.0));
    let month = if unit.has(TimePart::Month) {
        stepped(TimePart::Month, c.month, 0.0)
    } else if unit.has(TimePart::Quarter) {
        3.0 * stepped(TimePart::Quarter, (c.month / 3.0).floor(), 0.0)
    } else {
        0.0
    };
    // The year whose Jan 1 Vega counts weeks and days from: Date.UTC maps 0..99 to 19xx.
    let count_year = if utc && (0.0..100.0).contains(&c.year) {
        c.year + 1900.0
    } else {
        c.year
    };
    let dec31 = make_day(count_year, 0.0, 1.0) - 1.0;
    let week_num = || ((c.day - c.weekday) - calendar::sunday_of(dec31)) / 7.0;
    let weekday = |week: f64, day: f64, first_day: f64| day + week * 7.0 - (first_day + 6.0) % 7.0;
    let date = if unit.has(TimePart::Week) && unit.has(TimePart::Day) {
        stepped(
            TimePart::Day,
            weekday(week_num(), c.weekday, first(year)),
            1.0,
        )
    } else if unit.has(TimePart::Week) {
        weekday(stepped(TimePart::Week, week_num(), 1.0), 0.0, first(year))
    } else if unit.has(TimePart::Day) {
        stepped(TimePart::Day, weekday(1.0, c.weekday, first(year)), 1.0)
    } else if unit.has(TimePart::Date) {
        stepped(TimePart::Date, c.date, 1.0)
    } else if unit.has(TimePart::DayOfYear) {
        stepped(TimePart::DayOfYear, c.day - dec31, 1.0)
    } else {
        1.0
    };
    let part = |p: TimePart, v: f64| {
        if unit.has(p) {
            stepped(p, v, 0.0)
        } else {
            0.0
        }
    };
    let time = part(TimePart::Hours, c.hours) * 3_600_000.0
        + part(TimePart::Minutes, c.minutes) * 60_000.0
        + part(TimePart::Seconds, c.seconds) * 1000.0
        + part(TimePart::Milliseconds, c.millis);
    new_date(year, month, date, time, utc)
}

/// vega-time's `utcDate`/`localDate` (local = UTC here) from fields.
fn new_date(year: f64, month: f64, date: f64, time: f64, utc: bool) -> f64 {
    if (0.0..100.0).contains(&year) {
        if utc {
            // `date.setUTCFullYear(d.y)` with a number `d`: undefined, so NaN.
            return f64::NAN;
        }
        // `new Date(-1, m, d, ...)` then `setFullYear(y)`, keeping month and date.
        let t = time_clip(make_date(make_day(-1.0, month, date), time));
        if t.is_nan() {
            return f64::NAN;
        }
        let c = civil(t);
        return time_clip(make_date(
            make_day(year, c.month, c.date),
            t - c.day * DAY_MS,
        ));
    }
    time_clip(make_date(make_day(year, month, date), time))
}

/// d3-time's `interval.offset(date, step)` for the unit's smallest part: the unit end.
/// `NaN` when `start` is invalid or the end leaves the valid range.
pub fn time_offset(start: f64, unit: &TimeUnit) -> f64 {
    if start.is_nan() {
        return f64::NAN;
    }
    let k = unit.step.floor();
    let c = civil(start);
    let time_of_day = start - c.day * DAY_MS;
    let shifted = |y: f64, m: f64, d: f64| time_clip(make_date(make_day(y, m, d), time_of_day));
    match unit.smallest() {
        None => f64::NAN,
        Some(TimePart::Year) => shifted(c.year + k, c.month, c.date),
        // `utcMonth.every(3)`: month by month until a multiple of 3, `k` times.
        Some(TimePart::Quarter) => {
            let r = c.month.rem_euclid(3.0);
            let m = if k == 0.0 || r == 0.0 {
                c.month + 3.0 * k
            } else if k > 0.0 {
                c.month - r + 3.0 * k
            } else {
                c.month - r + 3.0 * (k + 1.0)
            };
            shifted(c.year, m, c.date)
        }
        Some(TimePart::Month) => shifted(c.year, c.month + k, c.date),
        Some(TimePart::Week) => shifted(c.year, c.month, c.date + 7.0 * k),
        Some(TimePart::Date | TimePart::Day | TimePart::DayOfYear) => {
            shifted(c.year, c.month, c.date + k)
        }
        Some(TimePart::Hours) => time_clip(start + k * 3_600_000.0),
        Some(TimePart::Minutes) => time_clip(start + k * 60_000.0),
        Some(TimePart::Seconds) => time_clip(start + k * 1000.0),
        Some(TimePart::Milliseconds) => time_clip(start + k),
    }
}
