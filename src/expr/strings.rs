//! String, sequence and regexp functions of the expression language.
//!
//! Stage: expressions. Strings are indexed by UTF-16 code units, as in JavaScript. Where
//! Vega's implementation throws (`indexof(null, 'a')`, `join(3)`), these return an error with
//! the same cause. Never panics.

use std::rc::Rc;

use super::regex::Regex;
use super::value::{compare, is_js_space, strict_eq, to_int32, to_uint32, JsValue};

fn arg(args: &[JsValue], i: usize) -> JsValue {
    args.get(i).cloned().unwrap_or_default()
}

fn utf16(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

fn from16(u: &[u16]) -> JsValue {
    JsValue::Str(Rc::from(String::from_utf16_lossy(u)))
}

/// `ToIntegerOrInfinity`.
fn to_integer(v: &JsValue) -> f64 {
    let n = v.to_number();
    if n.is_nan() {
        0.0
    } else {
        n.trunc()
    }
}

/// A relative index (negative counts from the end) clamped to `0..=len`; `undefined` is `dflt`.
fn relative(v: &JsValue, len: usize, dflt: usize) -> usize {
    if matches!(v, JsValue::Undefined) {
        return dflt;
    }
    let n = to_integer(v);
    #[allow(clippy::cast_precision_loss)]
    let len_f = len as f64;
    let i = if n < 0.0 {
        (len_f + n).max(0.0)
    } else {
        n.min(len_f)
    };
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let i = i as usize;
    i
}

fn null_error(what: &JsValue, op: &str) -> String {
    format!("cannot read \"{op}\" of {}", what.to_js_string())
}

/// `array[i]` on a string or an array (`undefined` out of range).
fn element(seq: &JsValue, i: usize) -> JsValue {
    match seq {
        JsValue::Array(a) => a.get(i).cloned().unwrap_or_default(),
        JsValue::Str(s) => utf16(s)
            .get(i)
            .map_or(JsValue::Undefined, |u| from16(&[*u])),
        _ => JsValue::Undefined,
    }
}

fn seq_len(seq: &JsValue) -> Option<usize> {
    match seq {
        JsValue::Array(a) => Some(a.len()),
        JsValue::Str(s) => Some(s.encode_utf16().count()),
        _ => None,
    }
}

fn index_of(args: &[JsValue], last: bool) -> Result<JsValue, String> {
    let seq = arg(args, 0);
    let needle = arg(args, 1);
    let found = match &seq {
        JsValue::Array(a) => {
            let mut it = a.iter().enumerate().filter(|(_, v)| strict_eq(v, &needle));
            if last { it.next_back() } else { it.next() }.map(|(i, _)| i)
        }
        JsValue::Str(s) => {
            let hay = utf16(s);
            let pat = utf16(&needle.to_js_string());
            let fits = |i: &usize| hay.get(*i..*i + pat.len()) == Some(&pat[..]);
            if last {
                (0..=hay.len()).rev().find(fits)
            } else {
                (0..=hay.len()).find(fits)
            }
        }
        other => {
            return Err(null_error(
                other,
                if last { "lastIndexOf" } else { "indexOf" },
            ))
        }
    };
    #[allow(clippy::cast_precision_loss)]
    Ok(JsValue::Num(found.map_or(-1.0, |i| i as f64)))
}

/// `parseFloat`.
fn parse_float(s: &str) -> f64 {
    let t = s.trim_start_matches(is_js_space);
    let (sign, body) = match t.as_bytes().first() {
        Some(b'-') => (-1.0, t.get(1..).unwrap_or("")),
        Some(b'+') => (1.0, t.get(1..).unwrap_or("")),
        _ => (1.0, t),
    };
    if body.starts_with("Infinity") {
        return sign * f64::INFINITY;
    }
    let b = body.as_bytes();
    let mut end = 0;
    let mut best = 0;
    let digits = |i: &mut usize| {
        let s = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > s
    };
    let int = digits(&mut end);
    if int {
        best = end;
    }
    if b.get(end) == Some(&b'.') {
        end += 1;
        if digits(&mut end) || int {
            best = end;
        }
    }
    if best > 0 && matches!(b.get(best), Some(b'e' | b'E')) {
        let mut e = best + 1;
        if matches!(b.get(e), Some(b'+' | b'-')) {
            e += 1;
        }
        if digits(&mut e) {
            best = e;
        }
    }
    match body.get(..best).map(|t| t.trim_end_matches('.')) {
        Some(t) if !t.is_empty() && t != "." => t.parse::<f64>().map_or(f64::NAN, |v| sign * v),
        _ => f64::NAN,
    }
}

/// `parseInt(string, radix)`.
fn parse_int(s: &str, radix: &JsValue) -> f64 {
    let t = s.trim_start_matches(is_js_space);
    let (sign, mut body) = match t.as_bytes().first() {
        Some(b'-') => (-1.0, t.get(1..).unwrap_or("")),
        Some(b'+') => (1.0, t.get(1..).unwrap_or("")),
        _ => (1.0, t),
    };
    let mut r = to_int32(radix.to_number());
    if r != 0 && !(2..=36).contains(&r) {
        return f64::NAN;
    }
    if (r == 0 || r == 16) && (body.starts_with("0x") || body.starts_with("0X")) {
        body = body.get(2..).unwrap_or("");
        r = 16;
    }
    if r == 0 {
        r = 10;
    }
    let radix = r.unsigned_abs();
    let mut value = 0.0;
    let mut any = false;
    for c in body.chars() {
        let Some(d) = c.to_digit(radix) else { break };
        value = value * f64::from(radix) + f64::from(d);
        any = true;
    }
    if any {
        sign * value
    } else {
        f64::NAN
    }
}

fn substring(s: &str, a: &JsValue, b: &JsValue) -> JsValue {
    let u = utf16(s);
    #[allow(clippy::cast_precision_loss)]
    let len = u.len() as f64;
    let clamp = |v: &JsValue, d: f64| {
        if matches!(v, JsValue::Undefined) {
            d
        } else {
            to_integer(v).clamp(0.0, len)
        }
    };
    let (x, y) = (clamp(a, 0.0), clamp(b, len));
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let (lo, hi) = (x.min(y) as usize, x.max(y) as usize);
    from16(u.get(lo..hi).unwrap_or(&[]))
}

fn split(s: &str, sep: &JsValue, limit: &JsValue) -> Result<JsValue, String> {
    let lim = if matches!(limit, JsValue::Undefined) {
        u32::MAX
    } else {
        to_uint32(limit.to_number())
    } as usize;
    let u = utf16(s);
    let parts: Vec<JsValue> = match sep {
        JsValue::Undefined => vec![JsValue::str(s)],
        JsValue::Regex(_) => return Err("split with a regular expression is not supported".into()),
        other => {
            let p = utf16(&other.to_js_string());
            if p.is_empty() {
                u.iter().map(|c| from16(&[*c])).collect()
            } else {
                let mut out = Vec::new();
                let mut start = 0;
                let mut i = 0;
                while i + p.len() <= u.len() {
                    if u.get(i..i + p.len()) == Some(&p[..]) {
                        out.push(from16(u.get(start..i).unwrap_or(&[])));
                        i += p.len();
                        start = i;
                    } else {
                        i += 1;
                    }
                }
                out.push(from16(u.get(start..).unwrap_or(&[])));
                out
            }
        }
    };
    Ok(JsValue::Array(Rc::new(
        parts.into_iter().take(lim).collect(),
    )))
}

fn replace(args: &[JsValue]) -> Result<JsValue, String> {
    let s = arg(args, 0).to_js_string();
    let repl = arg(args, 2).to_js_string();
    match arg(args, 1) {
        JsValue::Regex(r) => Ok(JsValue::Str(Rc::from(r.replace(&s, &repl)?))),
        JsValue::Str(p) => {
            // A string pattern replaces its first occurrence; `$` patterns still expand.
            let escaped: String = p
                .chars()
                .map(|c| {
                    if "\\^$.|?*+()[]{}".contains(c) {
                        format!("\\{c}")
                    } else {
                        c.to_string()
                    }
                })
                .collect();
            let r = Regex::new(&escaped, "")?;
            Ok(JsValue::Str(Rc::from(r.replace(&s, &repl)?)))
        }
        _ => Err("replace needs a string or a regular expression as its pattern".into()),
    }
}

fn repeat(c: &str, n: f64) -> String {
    let n = usize::try_from(to_int32(n)).unwrap_or(0).min(1 << 20);
    c.repeat(n)
}

fn pad(args: &[JsValue]) -> JsValue {
    let c = match arg(args, 2) {
        v if v.truthy() => v.to_js_string(),
        _ => " ".to_string(),
    };
    let s = super::value::add(&arg(args, 0), &JsValue::str("")).to_js_string();
    #[allow(clippy::cast_precision_loss)]
    let n = arg(args, 1).to_number() - s.encode_utf16().count() as f64;
    if n <= 0.0 {
        return JsValue::Str(Rc::from(s));
    }
    let out = match arg(args, 3).to_js_string().as_str() {
        "left" => repeat(&c, n) + &s,
        "center" => repeat(&c, f64::from(to_int32(n / 2.0))) + &s + &repeat(&c, (n / 2.0).ceil()),
        _ => s + &repeat(&c, n),
    };
    JsValue::Str(Rc::from(out))
}

fn truncate(args: &[JsValue]) -> JsValue {
    let e = match arg(args, 3) {
        v if !v.is_nullish() => v.to_js_string(),
        _ => "\u{2026}".to_string(),
    };
    let s = utf16(&super::value::add(&arg(args, 0), &JsValue::str("")).to_js_string());
    let e16 = utf16(&e);
    let length = arg(args, 1).to_number();
    #[allow(clippy::cast_precision_loss)]
    let (n, el) = (s.len() as f64, e16.len() as f64);
    if n <= length {
        return from16(&s);
    }
    // `Math.max(0, NaN)` is NaN; `slice` then reads NaN as 0 (as `take` does).
    let l = if length.is_nan() {
        f64::NAN
    } else {
        (length - el).max(0.0)
    };
    let take = |from: f64, to: f64| {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let (a, b) = (from.clamp(0.0, n) as usize, to.clamp(0.0, n) as usize);
        s.get(a..b.max(a)).unwrap_or(&[]).to_vec()
    };
    let mut out = Vec::new();
    match arg(args, 2).to_js_string().as_str() {
        "left" => {
            out.extend(e16);
            out.extend(take(n - l, n));
        }
        "center" => {
            out.extend(take(0.0, (l / 2.0).ceil()));
            out.extend(e16);
            out.extend(take(n - f64::from(to_int32(l / 2.0)), n));
        }
        _ => {
            out.extend(take(0.0, l));
            out.extend(e16);
        }
    }
    from16(&out)
}

fn to_regex(v: &JsValue, flags: &JsValue) -> Result<Rc<Regex>, String> {
    match (v, flags) {
        (JsValue::Regex(r), JsValue::Undefined) => Ok(r.clone()),
        (JsValue::Regex(r), f) => {
            let src = r.to_string();
            let body = src.get(1..src.rfind('/').unwrap_or(1)).unwrap_or("");
            Regex::new(body, &f.to_js_string()).map(Rc::new)
        }
        (p, f) => {
            let pattern = if matches!(p, JsValue::Undefined) {
                String::new()
            } else {
                p.to_js_string()
            };
            let flags = if matches!(f, JsValue::Undefined) {
                String::new()
            } else {
                f.to_js_string()
            };
            Regex::new(&pattern, &flags).map(Rc::new)
        }
    }
}

fn extent(v: &JsValue) -> JsValue {
    let JsValue::Array(a) = v else {
        return JsValue::Array(Rc::new(vec![JsValue::Undefined, JsValue::Undefined]));
    };
    let valid = |x: &&JsValue| !x.is_nullish() && !matches!(x, JsValue::Num(n) if n.is_nan());
    let mut it = a.iter().skip_while(|x| !valid(x));
    let Some(first) = it.next() else {
        return JsValue::Array(Rc::new(vec![JsValue::Undefined, JsValue::Undefined]));
    };
    let (mut lo, mut hi) = (first.clone(), first.clone());
    for x in it.filter(|x| !x.is_nullish()) {
        if compare(x, &lo) == Some(std::cmp::Ordering::Less) {
            lo = x.clone();
        }
        if compare(x, &hi) == Some(std::cmp::Ordering::Greater) {
            hi = x.clone();
        }
    }
    JsValue::Array(Rc::new(vec![lo, hi]))
}

fn inrange(args: &[JsValue]) -> JsValue {
    use std::cmp::Ordering::{Greater, Less};
    let v = arg(args, 0);
    let range = arg(args, 1);
    let len = seq_len(&range).unwrap_or(0);
    let mut r0 = element(&range, 0);
    let mut r1 = element(&range, len.saturating_sub(1));
    if compare(&r0, &r1) == Some(Greater) {
        std::mem::swap(&mut r0, &mut r1);
    }
    let flag = |i| {
        let f = arg(args, i);
        matches!(f, JsValue::Undefined) || f.truthy()
    };
    let le =
        |a: &JsValue, b: &JsValue| matches!(compare(a, b), Some(Less | std::cmp::Ordering::Equal));
    let lt = |a: &JsValue, b: &JsValue| compare(a, b) == Some(Less);
    let lo_ok = if flag(2) { le(&r0, &v) } else { lt(&r0, &v) };
    let hi_ok = if flag(3) { le(&v, &r1) } else { lt(&v, &r1) };
    JsValue::Bool(lo_ok && hi_ok)
}

fn sequence(args: &[JsValue]) -> Result<JsValue, String> {
    let n_args = args.len();
    let (start, stop, step) = match n_args {
        0 | 1 => (0.0, arg(args, 0).to_number(), 1.0),
        2 => (arg(args, 0).to_number(), arg(args, 1).to_number(), 1.0),
        _ => (
            arg(args, 0).to_number(),
            arg(args, 1).to_number(),
            arg(args, 2).to_number(),
        ),
    };
    let n = f64::from(to_int32(((stop - start) / step).ceil().max(0.0)));
    if n > 1e6 {
        return Err("sequence: more than 1,000,000 elements".into());
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let count = n.max(0.0) as usize;
    #[allow(clippy::cast_precision_loss)]
    let items = (0..count)
        .map(|i| JsValue::Num(start + i as f64 * step))
        .collect();
    Ok(JsValue::Array(Rc::new(items)))
}

/// Calls a string, sequence or regexp function on one row's arguments.
pub fn call(name: &str, args: &[JsValue]) -> Result<JsValue, String> {
    let a0 = arg(args, 0);
    let text = || a0.to_js_string();
    Ok(match name {
        "length" => match &a0 {
            JsValue::Str(_) | JsValue::Array(_) =>
            {
                #[allow(clippy::cast_precision_loss)]
                JsValue::Num(seq_len(&a0).unwrap_or(0) as f64)
            }
            JsValue::Object(o) => o
                .iter()
                .find(|(k, _)| k == "length")
                .map(|(_, v)| v.clone())
                .unwrap_or_default(),
            v if v.is_nullish() => return Err(null_error(v, "length")),
            _ => JsValue::Undefined,
        },
        "join" => match &a0 {
            JsValue::Array(a) => {
                let sep = match arg(args, 1) {
                    JsValue::Undefined => ",".to_string(),
                    s => s.to_js_string(),
                };
                let parts: Vec<String> = a
                    .iter()
                    .map(|v| {
                        if v.is_nullish() {
                            String::new()
                        } else {
                            v.to_js_string()
                        }
                    })
                    .collect();
                JsValue::Str(Rc::from(parts.join(&sep)))
            }
            other => return Err(null_error(other, "join")),
        },
        "indexof" => index_of(args, false)?,
        "lastindexof" => index_of(args, true)?,
        "slice" => {
            let Some(len) = seq_len(&a0) else {
                return Err(null_error(&a0, "slice"));
            };
            let (lo, hi) = (
                relative(&arg(args, 1), len, 0),
                relative(&arg(args, 2), len, len),
            );
            match &a0 {
                JsValue::Array(a) => {
                    JsValue::Array(Rc::new(a.get(lo..hi.max(lo)).unwrap_or(&[]).to_vec()))
                }
                _ => from16(utf16(&text()).get(lo..hi.max(lo)).unwrap_or(&[])),
            }
        }
        "reverse" => match &a0 {
            JsValue::Array(a) => JsValue::Array(Rc::new(a.iter().rev().cloned().collect())),
            other => return Err(null_error(other, "reverse")),
        },
        "peek" => match seq_len(&a0) {
            Some(n) => element(&a0, n.wrapping_sub(1)),
            None if a0.is_nullish() => return Err(null_error(&a0, "length")),
            None => JsValue::Undefined,
        },
        "span" => {
            if !a0.truthy() {
                return Ok(JsValue::Num(0.0));
            }
            let n = seq_len(&a0).unwrap_or(0);
            let d = element(&a0, n.wrapping_sub(1)).to_number() - element(&a0, 0).to_number();
            JsValue::Num(if d.is_nan() || d == 0.0 { 0.0 } else { d })
        }
        "extent" => extent(&a0),
        "inrange" => inrange(args),
        "sequence" => sequence(args)?,
        "lerp" => {
            let n = seq_len(&a0).unwrap_or(0);
            let (lo, hi) = (element(&a0, 0), element(&a0, n.wrapping_sub(1)));
            let f = arg(args, 1).to_number();
            if matches!(hi, JsValue::Undefined) || f == 0.0 || f.is_nan() {
                lo
            } else if f == 1.0 {
                hi
            } else {
                super::value::add(&lo, &JsValue::Num(f * (hi.to_number() - lo.to_number())))
            }
        }
        "parseFloat" => JsValue::Num(parse_float(&text())),
        "parseInt" => JsValue::Num(parse_int(&text(), &arg(args, 1))),
        "upper" => JsValue::Str(Rc::from(text().to_uppercase())),
        "lower" => JsValue::Str(Rc::from(text().to_lowercase())),
        "substring" => substring(&text(), &arg(args, 1), &arg(args, 2)),
        "split" => split(&text(), &arg(args, 1), &arg(args, 2))?,
        "trim" => JsValue::str(text().trim_matches(is_js_space)),
        "replace" => replace(args)?,
        "pad" => pad(args),
        "truncate" => truncate(args),
        "regexp" => JsValue::Regex(to_regex(&a0, &arg(args, 1))?),
        "test" => {
            let r = to_regex(&a0, &JsValue::Undefined)?;
            JsValue::Bool(r.is_match(&arg(args, 1).to_js_string())?)
        }
        _ => return Err(format!("the function \"{name}\" is not implemented")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_float_and_int_take_prefixes() {
        assert_eq!(parse_float("  3.5abc"), 3.5);
        assert_eq!(parse_float("-1e3x"), -1000.0);
        assert_eq!(parse_float("1.e2"), 100.0);
        assert_eq!(parse_float(".5"), 0.5);
        assert!(parse_float("abc").is_nan());
        assert!(parse_float(".").is_nan());
        assert_eq!(parse_float("-Infinityx"), f64::NEG_INFINITY);
        assert_eq!(parse_int("0x1A", &JsValue::Undefined), 26.0);
        assert_eq!(parse_int("12.9", &JsValue::Undefined), 12.0);
        assert_eq!(parse_int("z", &JsValue::Num(36.0)), 35.0);
        assert!(parse_int("", &JsValue::Undefined).is_nan());
    }
}
