//! One cell, for the few places that need a value rather than a column (scale domains, mark data).
//!
//! Stage: data. Kernels never work row by row on `Value`s; they read columns.

use std::cmp::Ordering;

/// A single data value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// Missing (`null`, an empty cell, or `NaN`).
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string.
    Str(String),
}

impl Value {
    /// The value as a number, if it is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// Orders values as d3's `ascending` sorts a scale domain: nulls last, then numbers and
    /// booleans by value, then strings by UTF-16 code units (JavaScript's string order).
    pub fn ascending(&self, other: &Value) -> Ordering {
        fn rank(v: &Value) -> u8 {
            match v {
                Value::Bool(_) | Value::Number(_) => 0,
                Value::Str(_) => 1,
                Value::Null => 2,
            }
        }
        match (self, other) {
            (Value::Number(a), Value::Number(b)) => a.total_cmp(b),
            (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
            (Value::Str(a), Value::Str(b)) => a.encode_utf16().cmp(b.encode_utf16()),
            _ => rank(self).cmp(&rank(other)),
        }
    }

    /// The value as display text, as JavaScript's `String(v)` gives it for labels.
    pub fn to_label(&self) -> String {
        match self {
            Value::Null => "null".to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => js_number_string(*n),
            Value::Str(s) => s.clone(),
        }
    }

    /// The value as JSON, with integral numbers written without a fraction and NaN as null.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => number_json(*n),
            Value::Str(s) => serde_json::Value::String(s.clone()),
        }
    }
}

/// A number as JSON: integers stay integers, non-finite numbers become `null` (as Vega's
/// mark-data export writes them).
pub fn number_json(n: f64) -> serde_json::Value {
    if !n.is_finite() {
        return serde_json::Value::Null;
    }
    if n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
        // Exact: |n| < 2^53 and integral.
        #[allow(clippy::cast_possible_truncation)]
        return serde_json::Value::from(n as i64);
    }
    serde_json::Number::from_f64(n).map_or(serde_json::Value::Null, serde_json::Value::Number)
}

/// JavaScript's `Number.prototype.toString()` for the common cases (integers and shortest
/// round-trip decimals); exponent forms follow JavaScript's `1e+21` / `1e-7` spelling.
pub fn js_number_string(n: f64) -> String {
    if n.is_nan() {
        return "NaN".to_string();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity" } else { "-Infinity" }.to_string();
    }
    if n == 0.0 {
        return "0".to_string();
    }
    let abs = n.abs();
    if (1e-7..1e21).contains(&abs) {
        // Rust's Display is the shortest round-trip decimal without exponent: the same digits
        // JavaScript prints in this range.
        return format!("{n}");
    }
    let e = format!("{n:e}");
    match e.split_once('e') {
        Some((mant, exp)) if exp.starts_with('-') => format!("{mant}e{exp}"),
        Some((mant, exp)) => format!("{mant}e+{exp}"),
        None => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_as_javascript_does() {
        assert_eq!(js_number_string(3.0), "3");
        assert_eq!(js_number_string(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(js_number_string(1e21), "1e+21");
        assert_eq!(js_number_string(1.5e-9), "1.5e-9");
        assert_eq!(js_number_string(-0.0), "0");
    }

    #[test]
    fn ascending_puts_numbers_before_strings_and_nulls_last() {
        let mut v = vec![
            Value::Null,
            Value::Str("b".into()),
            Value::Number(10.0),
            Value::Str("B".into()),
            Value::Number(2.0),
        ];
        v.sort_by(Value::ascending);
        assert_eq!(
            v,
            vec![
                Value::Number(2.0),
                Value::Number(10.0),
                Value::Str("B".into()),
                Value::Str("b".into()),
                Value::Null
            ]
        );
    }

    #[test]
    fn json_keeps_integers_integral() {
        assert_eq!(number_json(28.0).to_string(), "28");
        assert_eq!(number_json(13.25).to_string(), "13.25");
        assert_eq!(number_json(f64::NAN), serde_json::Value::Null);
    }
}
