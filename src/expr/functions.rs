//! The whitelist of expression functions and their scalar implementations.
//!
//! Stage: expressions. Names, argument coercions and results follow Vega 6
//! (`vega-expression` functions plus `vega-functions`' `functionContext`); functions that read
//! scales, datasets, selections or events, and `random()`, are recognised and rejected with a
//! reason at parse time. Each function takes JavaScript values and returns one, or an error
//! where JavaScript would throw (for example `length(null)`). Dates are local = UTC
//! (see [`super::date`]). String and sequence functions live in [`super::strings`].

use std::rc::Rc;

use super::date::{self, parts, Parts};
use super::strings;
use super::time_format::format_time;
use super::value::{to_int32, JsValue};
use super::Env;
use crate::scale::NumberFormat;

/// What a name means as a function.
pub enum FnKind {
    /// A supported function, by its static name.
    Known(&'static str),
    /// A Vega function storychart rejects, with the reason.
    Unsupported(&'static str),
    /// Not a Vega function.
    Unknown,
}

const KNOWN: &[&str] = &[
    // Math
    "isNaN",
    "isFinite",
    "abs",
    "acos",
    "asin",
    "atan",
    "atan2",
    "ceil",
    "cos",
    "exp",
    "floor",
    "hypot",
    "log",
    "max",
    "min",
    "pow",
    "round",
    "sin",
    "sqrt",
    "tan",
    "clamp",
    // Dates
    "now",
    "utc",
    "datetime",
    "date",
    "day",
    "year",
    "month",
    "hours",
    "minutes",
    "seconds",
    "milliseconds",
    "time",
    "timezoneoffset",
    "utcdate",
    "utcday",
    "utcyear",
    "utcmonth",
    "utchours",
    "utcminutes",
    "utcseconds",
    "utcmilliseconds",
    "quarter",
    "utcquarter",
    "dayofyear",
    "utcdayofyear",
    // Sequences and strings
    "length",
    "join",
    "indexof",
    "lastindexof",
    "slice",
    "reverse",
    "peek",
    "span",
    "extent",
    "inrange",
    "sequence",
    "lerp",
    "parseFloat",
    "parseInt",
    "upper",
    "lower",
    "substring",
    "split",
    "trim",
    "replace",
    "pad",
    "truncate",
    "regexp",
    "test",
    // Types
    "isArray",
    "isBoolean",
    "isDate",
    "isDefined",
    "isNumber",
    "isObject",
    "isRegExp",
    "isString",
    "isValid",
    "toBoolean",
    "toDate",
    "toNumber",
    "toString",
    // Formatting
    "format",
    "timeFormat",
    "utcFormat",
    "monthFormat",
    "monthAbbrevFormat",
    "dayFormat",
    "dayAbbrevFormat",
    // Control flow (rewritten by the parser)
    "if",
];

const UNSUPPORTED: &[(&[&str], &str)] = &[
    (
        &["random", "sampleNormal", "sampleLogNormal", "sampleUniform"],
        "random numbers would make the chart differ on every load",
    ),
    (
        &[
            "scale",
            "invert",
            "domain",
            "range",
            "bandwidth",
            "copy",
            "gradient",
            "bandspace",
        ],
        "scales are not available inside data expressions",
    ),
    (
        &[
            "data",
            "indata",
            "setdata",
            "treePath",
            "treeAncestors",
            "vlSelectionTest",
            "vlSelectionIdTest",
            "vlSelectionResolve",
            "vlSelectionTuples",
            "inScope",
            "intersect",
            "modify",
            "encode",
        ],
        "datasets and selections are not available inside data expressions",
    ),
    (
        &[
            "view",
            "item",
            "group",
            "xy",
            "x",
            "y",
            "screen",
            "containerSize",
            "windowSize",
            "pinchDistance",
            "pinchAngle",
            "panLinear",
            "panLog",
            "panPow",
            "panSymlog",
            "zoomLinear",
            "zoomLog",
            "zoomPow",
            "zoomSymlog",
            "lassoAppend",
            "lassoPath",
            "intersectLasso",
        ],
        "event and view functions are not available inside data expressions",
    ),
    (
        &[
            "geoArea",
            "geoBounds",
            "geoCentroid",
            "geoShape",
            "geoScale",
            "geoTranslate",
            "pathShape",
        ],
        "geographic functions are not supported",
    ),
    (
        &["rgb", "lab", "hcl", "hsl", "luminance", "contrast"],
        "color functions are not supported",
    ),
    (
        &[
            "sort",
            "merge",
            "pluck",
            "flush",
            "clampRange",
            "interpolateLinear",
            "week",
            "utcweek",
            "isoweek",
            "utcisoweek",
            "timeParse",
            "utcParse",
            "timeOffset",
            "utcOffset",
            "timeSequence",
            "utcSequence",
            "timeUnitSpecifier",
            "btoa",
            "atob",
            "encodeURIComponent",
            "isTuple",
            "warn",
            "info",
            "debug",
            "cumulativeNormal",
            "cumulativeLogNormal",
            "cumulativeUniform",
            "densityNormal",
            "densityLogNormal",
            "densityUniform",
            "quantileNormal",
            "quantileLogNormal",
            "quantileUniform",
        ],
        "not supported by storychart yet",
    ),
];

/// Looks a function name up.
pub fn lookup(name: &str) -> FnKind {
    if let Some(k) = KNOWN.iter().find(|k| **k == name) {
        return FnKind::Known(k);
    }
    for (names, reason) in UNSUPPORTED {
        if names.contains(&name) {
            return FnKind::Unsupported(reason);
        }
    }
    FnKind::Unknown
}

/// A one-argument math function applied to `ToNumber(x)`, for the vectorised path.
pub fn unary_math(name: &str) -> Option<fn(f64) -> f64> {
    Some(match name {
        "abs" => f64::abs,
        "acos" => f64::acos,
        "asin" => f64::asin,
        "atan" => f64::atan,
        "ceil" => f64::ceil,
        "cos" => f64::cos,
        "exp" => f64::exp,
        "floor" => f64::floor,
        "log" => f64::ln,
        "round" => js_round,
        "sin" => f64::sin,
        "sqrt" => f64::sqrt,
        "tan" => f64::tan,
        _ => return None,
    })
}

/// `Math.round`: halves round up (towards +∞); keeps -0 for -0.5 ≤ x < 0.
pub fn js_round(x: f64) -> f64 {
    if !x.is_finite() || x.fract() == 0.0 {
        return x;
    }
    let f = x.floor();
    let r = if x - f >= 0.5 { f + 1.0 } else { f };
    if r == 0.0 && x < 0.0 {
        -0.0
    } else {
        r
    }
}

/// `Math.pow` (JavaScript differs from C on `pow(1, NaN)` and `pow(±1, ±Infinity)`).
pub fn js_pow(x: f64, y: f64) -> f64 {
    if y.is_nan() || (x.abs() == 1.0 && y.is_infinite()) {
        return f64::NAN;
    }
    x.powf(y)
}

/// `Math.hypot`, as V8 computes it (scaled by the largest magnitude, compensated sum).
fn hypot(xs: &[f64]) -> f64 {
    if xs.iter().any(|x| x.is_infinite()) {
        return f64::INFINITY;
    }
    let max = xs.iter().fold(
        0.0f64,
        |m, x| if x.is_nan() { f64::NAN } else { m.max(x.abs()) },
    );
    if max == 0.0 || max.is_nan() {
        return max;
    }
    let (mut sum, mut comp) = (0.0, 0.0);
    for x in xs {
        let r = (x / max) * (x / max) - comp;
        let p = sum + r;
        comp = (p - sum) - r;
        sum = p;
    }
    sum.sqrt() * max
}

fn min_max(xs: &[f64], max: bool) -> f64 {
    let mut acc = if max {
        f64::NEG_INFINITY
    } else {
        f64::INFINITY
    };
    for &x in xs {
        if x.is_nan() {
            return f64::NAN;
        }
        let better = if max {
            x > acc || (x == 0.0 && acc == 0.0 && acc.is_sign_negative())
        } else {
            x < acc || (x == 0.0 && acc == 0.0 && x.is_sign_negative())
        };
        if better {
            acc = x;
        }
    }
    acc
}

/// `new Date(v)`'s time value: dates copy, strings parse, other values go through `ToNumber`.
pub fn to_time(v: &JsValue) -> f64 {
    match v {
        JsValue::Date(t) => *t,
        JsValue::Str(s) => date::parse_iso(s),
        JsValue::Array(_) | JsValue::Object(_) | JsValue::Regex(_) => {
            date::parse_iso(&v.to_js_string())
        }
        other => date::time_clip(other.to_number()),
    }
}

fn date_part(v: &JsValue, f: fn(&Parts) -> f64) -> JsValue {
    JsValue::Num(parts(to_time(v)).map_or(f64::NAN, |p| f(&p)))
}

fn arg(args: &[JsValue], i: usize) -> JsValue {
    args.get(i).cloned().unwrap_or_default()
}

fn num(args: &[JsValue], i: usize) -> f64 {
    args.get(i).map_or(f64::NAN, JsValue::to_number)
}

fn month_or_day_name(v: &JsValue, spec: &str, day: bool) -> JsValue {
    let n = match v {
        JsValue::Num(n) if n.fract() == 0.0 && n.is_finite() => *n,
        _ => return JsValue::str(""),
    };
    // Vega sets a date in 2000 to (month, 1) or to (January, 2 + day): 2000-01-02 is a Sunday.
    let t = if day {
        date::utc(&[2000.0, 0.0, 2.0 + n])
    } else {
        date::utc(&[2000.0, n, 1.0])
    };
    JsValue::Str(Rc::from(format_time(spec, t)))
}

fn to_null_or(v: &JsValue, f: impl FnOnce(&JsValue) -> JsValue) -> JsValue {
    match v {
        JsValue::Undefined | JsValue::Null => JsValue::Null,
        JsValue::Str(s) if s.is_empty() => JsValue::Null,
        other => f(other),
    }
}

/// Calls the function `name` (a name from [`lookup`]) on one row's arguments.
pub fn call(name: &str, args: &[JsValue], env: &Env) -> Result<JsValue, String> {
    if let Some(f) = unary_math(name) {
        return Ok(JsValue::Num(f(num(args, 0))));
    }
    let a0 = arg(args, 0);
    let nums = || args.iter().map(JsValue::to_number).collect::<Vec<f64>>();
    let v = match name {
        "isNaN" => JsValue::Bool(matches!(a0, JsValue::Num(n) if n.is_nan())),
        "isFinite" => JsValue::Bool(matches!(a0, JsValue::Num(n) if n.is_finite())),
        "atan2" => JsValue::Num(num(args, 0).atan2(num(args, 1))),
        "pow" => JsValue::Num(js_pow(num(args, 0), num(args, 1))),
        "hypot" => JsValue::Num(hypot(&nums())),
        "max" => JsValue::Num(min_max(&nums(), true)),
        "min" => JsValue::Num(min_max(&nums(), false)),
        "clamp" => {
            let v = min_max(&[num(args, 2), num(args, 0)], false);
            JsValue::Num(min_max(&[num(args, 1), v], true))
        }
        "now" => JsValue::Num(env.now),
        "utc" => JsValue::Num(date::utc(&nums())),
        "datetime" => JsValue::Date(match args.len() {
            0 => env.now,
            1 => to_time(&a0),
            _ => date::utc(&nums()),
        }),
        "time" => JsValue::Num(to_time(&a0)),
        "timezoneoffset" => JsValue::Num(if to_time(&a0).is_nan() { f64::NAN } else { 0.0 }),
        "date" | "utcdate" => date_part(&a0, |p| p.day),
        "day" | "utcday" => date_part(&a0, |p| p.weekday),
        "year" | "utcyear" => date_part(&a0, |p| p.year),
        "month" | "utcmonth" => date_part(&a0, |p| p.month),
        "hours" | "utchours" => date_part(&a0, |p| p.hours),
        "minutes" | "utcminutes" => date_part(&a0, |p| p.minutes),
        "seconds" | "utcseconds" => date_part(&a0, |p| p.seconds),
        "milliseconds" | "utcmilliseconds" => date_part(&a0, |p| p.ms),
        "dayofyear" | "utcdayofyear" => date_part(&a0, |p| p.yday),
        "quarter" | "utcquarter" => {
            let m = parts(to_time(&a0)).map_or(f64::NAN, |p| p.month);
            JsValue::Num(1.0 + f64::from(to_int32(m / 3.0)))
        }
        "isArray" => JsValue::Bool(matches!(a0, JsValue::Array(_))),
        "isBoolean" => JsValue::Bool(matches!(a0, JsValue::Bool(_))),
        "isDate" => JsValue::Bool(matches!(a0, JsValue::Date(_))),
        "isDefined" => JsValue::Bool(!matches!(a0, JsValue::Undefined)),
        "isNumber" => JsValue::Bool(matches!(a0, JsValue::Num(_))),
        "isObject" => JsValue::Bool(a0.is_object()),
        "isRegExp" => JsValue::Bool(matches!(a0, JsValue::Regex(_))),
        "isString" => JsValue::Bool(matches!(a0, JsValue::Str(_))),
        "isValid" => JsValue::Bool(match a0 {
            JsValue::Undefined | JsValue::Null => false,
            JsValue::Num(n) => !n.is_nan(),
            _ => true,
        }),
        "toBoolean" => to_null_or(&a0, |v| {
            let falsy = matches!(v, JsValue::Str(s) if &**s == "false" || &**s == "0");
            JsValue::Bool(v.truthy() && !falsy)
        }),
        "toDate" => to_null_or(&a0, |v| match v {
            JsValue::Num(_) | JsValue::Date(_) => v.clone(),
            other => JsValue::Num(date::parse_iso(&other.to_js_string())),
        }),
        "toNumber" => to_null_or(&a0, |v| JsValue::Num(v.to_number())),
        "toString" => to_null_or(&a0, |v| super::value::add(v, &JsValue::str(""))),
        "format" => {
            let spec = arg(args, 1).to_js_string();
            let f = NumberFormat::new(&spec).map_err(|e| format!("format: {e}"))?;
            JsValue::Str(Rc::from(f.format(a0.to_number())))
        }
        "timeFormat" | "utcFormat" => {
            let t = match a0 {
                JsValue::Date(t) => t,
                ref other => date::time_clip(other.to_number()),
            };
            JsValue::Str(Rc::from(format_time(&arg(args, 1).to_js_string(), t)))
        }
        "monthFormat" => month_or_day_name(&a0, "%B", false),
        "monthAbbrevFormat" => month_or_day_name(&a0, "%b", false),
        "dayFormat" => month_or_day_name(&a0, "%A", true),
        "dayAbbrevFormat" => month_or_day_name(&a0, "%a", true),
        _ => return strings::call(name, args),
    };
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_and_powers_follow_javascript() {
        assert_eq!(js_round(2.5), 3.0);
        assert_eq!(js_round(-2.5), -2.0);
        assert!(js_round(-0.4).is_sign_negative());
        assert_eq!(js_round(0.499_999_999_999_999_94), 0.0);
        assert!(js_pow(1.0, f64::NAN).is_nan());
        assert!(js_pow(-1.0, f64::INFINITY).is_nan());
        assert_eq!(js_pow(f64::NAN, 0.0), 1.0);
        assert_eq!(hypot(&[3.0, 4.0]), 5.0);
        assert!(min_max(&[0.0, -0.0], false).is_sign_negative());
        assert!(min_max(&[-0.0, 0.0], true).is_sign_positive());
    }

    #[test]
    fn every_known_name_is_callable() {
        let env = Env::new();
        for name in KNOWN {
            if *name != "if" {
                // Must not panic on any arguments; errors are fine.
                let _ = call(name, &[], &env);
                let _ = call(name, &[JsValue::Null, JsValue::str("x")], &env);
            }
        }
    }
}
