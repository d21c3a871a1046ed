//! JavaScript values and the coercions the Vega expression language inherits from JavaScript.
//!
//! Stage: expressions. [`JsValue`] is the per-row value of the general interpreter; the
//! functions here are JavaScript's abstract operations (`ToNumber`, `ToString`, `ToBoolean`,
//! `ToInt32`, loose and strict equality, relational comparison, `+`), written to give the
//! same answers as V8. Nothing here panics.

use std::rc::Rc;

use super::regex::Regex;
use super::time_format::date_to_string;
use crate::data::value::js_number_string;

/// A JavaScript value, as far as Vega expressions can produce one.
#[derive(Clone, Debug, Default)]
pub enum JsValue {
    /// `undefined` (a missing field or array element).
    #[default]
    Undefined,
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number (may be NaN).
    Num(f64),
    /// A string.
    Str(Rc<str>),
    /// An array.
    Array(Rc<Vec<JsValue>>),
    /// A plain object, keys in insertion order.
    Object(Rc<Vec<(String, JsValue)>>),
    /// A `Date`, as milliseconds since the epoch (NaN for an invalid date).
    Date(f64),
    /// A `RegExp`.
    Regex(Rc<Regex>),
}

impl JsValue {
    /// A string value.
    pub fn str(s: &str) -> JsValue {
        JsValue::Str(Rc::from(s))
    }

    /// Whether this is `null` or `undefined`.
    pub fn is_nullish(&self) -> bool {
        matches!(self, JsValue::Undefined | JsValue::Null)
    }

    /// Whether this is an object (arrays, dates and regexps included).
    pub fn is_object(&self) -> bool {
        matches!(
            self,
            JsValue::Array(_) | JsValue::Object(_) | JsValue::Date(_) | JsValue::Regex(_)
        )
    }

    /// JavaScript truthiness (`ToBoolean`).
    pub fn truthy(&self) -> bool {
        match self {
            JsValue::Undefined | JsValue::Null => false,
            JsValue::Bool(b) => *b,
            JsValue::Num(n) => !(n.is_nan() || *n == 0.0),
            JsValue::Str(s) => !s.is_empty(),
            _ => true,
        }
    }

    /// `ToNumber`.
    pub fn to_number(&self) -> f64 {
        match self {
            JsValue::Undefined => f64::NAN,
            JsValue::Null => 0.0,
            JsValue::Bool(b) => f64::from(u8::from(*b)),
            JsValue::Num(n) => *n,
            JsValue::Str(s) => string_to_number(s),
            JsValue::Date(t) => *t,
            JsValue::Array(_) | JsValue::Object(_) | JsValue::Regex(_) => {
                string_to_number(&self.to_js_string())
            }
        }
    }

    /// `ToString` (`String(v)`).
    pub fn to_js_string(&self) -> String {
        match self {
            JsValue::Undefined => "undefined".to_string(),
            JsValue::Null => "null".to_string(),
            JsValue::Bool(b) => b.to_string(),
            JsValue::Num(n) => number_to_string(*n),
            JsValue::Str(s) => s.to_string(),
            JsValue::Array(items) => {
                let parts: Vec<String> = items
                    .iter()
                    .map(|v| {
                        if v.is_nullish() {
                            String::new()
                        } else {
                            v.to_js_string()
                        }
                    })
                    .collect();
                parts.join(",")
            }
            JsValue::Object(_) => "[object Object]".to_string(),
            JsValue::Date(t) => date_to_string(*t),
            JsValue::Regex(r) => r.to_string(),
        }
    }

    /// `ToPrimitive` with the number hint (dates give their time value).
    fn to_primitive_number(&self) -> JsValue {
        match self {
            JsValue::Date(t) => JsValue::Num(*t),
            v if v.is_object() => JsValue::Str(Rc::from(v.to_js_string())),
            v => v.clone(),
        }
    }

    /// `ToPrimitive` with the default hint (dates give their string).
    fn to_primitive_default(&self) -> JsValue {
        if self.is_object() {
            JsValue::Str(Rc::from(self.to_js_string()))
        } else {
            self.clone()
        }
    }
}

/// `Number::toString()`: integers without a fraction, shortest round-trip decimals, exponent
/// form below 1e-6 and from 1e21.
pub fn number_to_string(n: f64) -> String {
    let abs = n.abs();
    if abs != 0.0 && abs < 1e-6 && abs.is_finite() {
        // JavaScript switches to exponent form below 1e-6 (`js_number_string` from 1e-7).
        let e = format!("{n:e}");
        return e;
    }
    js_number_string(n)
}

pub use crate::js::num::{is_js_space, string_to_number};

/// `ToInt32`.
pub fn to_int32(n: f64) -> i32 {
    if !n.is_finite() {
        return 0;
    }
    let m = n.trunc().rem_euclid(4_294_967_296.0);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let u = m as u32;
    i32::from_ne_bytes(u.to_ne_bytes())
}

/// `ToUint32`.
pub fn to_uint32(n: f64) -> u32 {
    u32::from_ne_bytes(to_int32(n).to_ne_bytes())
}

/// `IsStrictlyEqual` (`===`). Objects are equal only to themselves; as values are not shared
/// here, two objects are never strictly equal unless they are the same allocation.
pub fn strict_eq(a: &JsValue, b: &JsValue) -> bool {
    match (a, b) {
        (JsValue::Undefined, JsValue::Undefined) | (JsValue::Null, JsValue::Null) => true,
        (JsValue::Bool(x), JsValue::Bool(y)) => x == y,
        (JsValue::Num(x), JsValue::Num(y)) => x == y,
        (JsValue::Str(x), JsValue::Str(y)) => x == y,
        (JsValue::Array(x), JsValue::Array(y)) => Rc::ptr_eq(x, y),
        (JsValue::Object(x), JsValue::Object(y)) => Rc::ptr_eq(x, y),
        (JsValue::Regex(x), JsValue::Regex(y)) => Rc::ptr_eq(x, y),
        _ => false,
    }
}

/// `IsLooselyEqual` (`==`).
pub fn loose_eq(a: &JsValue, b: &JsValue) -> bool {
    use JsValue as V;
    match (a, b) {
        (V::Undefined | V::Null, V::Undefined | V::Null) => true,
        (V::Undefined | V::Null, _) | (_, V::Undefined | V::Null) => false,
        (V::Num(x), V::Str(_)) => *x == b.to_number(),
        (V::Str(_), V::Num(y)) => a.to_number() == *y,
        (V::Bool(_), _) => loose_eq(&V::Num(a.to_number()), b),
        (_, V::Bool(_)) => loose_eq(a, &V::Num(b.to_number())),
        (x, y) if x.is_object() && !y.is_object() => loose_eq(&x.to_primitive_default(), y),
        (x, y) if !x.is_object() && y.is_object() => loose_eq(x, &y.to_primitive_default()),
        _ => strict_eq(a, b),
    }
}

/// The relational operators: `<` (`Lt`), `<=`, `>`, `>=` after `ToPrimitive(number)`; strings
/// compare by UTF-16 code units, anything else numerically (NaN makes every comparison false).
pub fn compare(a: &JsValue, b: &JsValue) -> Option<std::cmp::Ordering> {
    let (pa, pb) = (a.to_primitive_number(), b.to_primitive_number());
    if let (JsValue::Str(x), JsValue::Str(y)) = (&pa, &pb) {
        return Some(x.encode_utf16().cmp(y.encode_utf16()));
    }
    pa.to_number().partial_cmp(&pb.to_number())
}

/// The `+` operator: string concatenation if either primitive is a string, else addition.
pub fn add(a: &JsValue, b: &JsValue) -> JsValue {
    let (pa, pb) = (a.to_primitive_default(), b.to_primitive_default());
    if matches!(pa, JsValue::Str(_)) || matches!(pb, JsValue::Str(_)) {
        let mut s = pa.to_js_string();
        s.push_str(&pb.to_js_string());
        return JsValue::Str(Rc::from(s));
    }
    JsValue::Num(pa.to_number() + pb.to_number())
}

/// The number of UTF-16 code units of `s` (JavaScript's `length`).
pub fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}
