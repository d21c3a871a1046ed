//! Typed columns: numbers with validity, dictionary-encoded strings, booleans, mixed values.
//!
//! Stage: data. A column never panics on an out-of-range row: [`Column::value`] returns
//! [`Value::Null`] there.

use std::collections::HashMap;

use super::bitmap::Bitmap;
use super::text::TextColumn;
use super::value::Value;

/// Numbers (`f64`) with a validity bitmap. An invalid row's value is `NaN`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NumberColumn {
    /// The values; `NaN` where invalid.
    pub values: Vec<f64>,
    /// Which rows hold a valid number.
    pub valid: Bitmap,
}

impl NumberColumn {
    /// Builds a column from optional numbers (`None` and `NaN` are invalid).
    pub fn from_options(values: impl IntoIterator<Item = Option<f64>>) -> Self {
        let mut col = Self::default();
        for v in values {
            col.push(v);
        }
        col
    }

    /// Appends one value.
    pub fn push(&mut self, v: Option<f64>) {
        match v {
            Some(x) if !x.is_nan() => {
                self.values.push(x);
                self.valid.push(true);
            }
            _ => {
                self.values.push(f64::NAN);
                self.valid.push(false);
            }
        }
    }

    /// The value at row `i`, if valid.
    pub fn get(&self, i: usize) -> Option<f64> {
        if self.valid.get(i) {
            self.values.get(i).copied()
        } else {
            None
        }
    }
}

/// Dictionary codes, one per row, stored as narrow as the dictionary allows: `u8` up to 256
/// entries, `u16` up to 65,536, `u32` beyond (a 1M-row column of 10 categories takes 1 MB,
/// not 4). [`Codes::push`] widens the storage when a code no longer fits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Codes {
    /// Codes below 256.
    U8(Vec<u8>),
    /// Codes below 65,536.
    U16(Vec<u16>),
    /// Any code.
    U32(Vec<u32>),
}

impl Default for Codes {
    fn default() -> Self {
        Codes::U8(Vec::new())
    }
}

impl Codes {
    /// The narrowest storage for `codes`.
    pub fn from_vec(codes: Vec<u32>) -> Self {
        let max = codes.iter().copied().max().unwrap_or(0);
        if u8::try_from(max).is_ok() {
            Codes::U8(
                codes
                    .iter()
                    .map(|c| u8::try_from(*c).unwrap_or(0))
                    .collect(),
            )
        } else if u16::try_from(max).is_ok() {
            Codes::U16(
                codes
                    .iter()
                    .map(|c| u16::try_from(*c).unwrap_or(0))
                    .collect(),
            )
        } else {
            Codes::U32(codes)
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Codes::U8(v) => v.len(),
            Codes::U16(v) => v.len(),
            Codes::U32(v) => v.len(),
        }
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The code of row `i`.
    #[inline]
    pub fn get(&self, i: usize) -> Option<u32> {
        match self {
            Codes::U8(v) => v.get(i).map(|c| u32::from(*c)),
            Codes::U16(v) => v.get(i).map(|c| u32::from(*c)),
            Codes::U32(v) => v.get(i).copied(),
        }
    }

    /// Appends a code, widening the storage when it does not fit.
    pub fn push(&mut self, code: u32) {
        match self {
            Codes::U8(v) => match u8::try_from(code) {
                Ok(c) => v.push(c),
                Err(_) => {
                    let mut wide: Vec<u32> = v.iter().map(|c| u32::from(*c)).collect();
                    wide.push(code);
                    *self = Codes::from_vec(wide);
                }
            },
            Codes::U16(v) => match u16::try_from(code) {
                Ok(c) => v.push(c),
                Err(_) => {
                    let mut wide: Vec<u32> = v.iter().map(|c| u32::from(*c)).collect();
                    wide.push(code);
                    *self = Codes::U32(wide);
                }
            },
            Codes::U32(v) => v.push(code),
        }
    }

    /// Reserves room for `n` more codes.
    pub fn reserve(&mut self, n: usize) {
        match self {
            Codes::U8(v) => v.reserve(n),
            Codes::U16(v) => v.reserve(n),
            Codes::U32(v) => v.reserve(n),
        }
    }

    /// Every code, widened.
    pub fn to_vec(&self) -> Vec<u32> {
        (0..self.len()).filter_map(|i| self.get(i)).collect()
    }
}

/// Strings as codes into a dictionary of distinct values.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StrColumn {
    /// One code per row; meaningless where invalid.
    pub codes: Codes,
    /// Distinct strings, in order of first appearance.
    pub dict: Vec<String>,
    /// Which rows hold a string.
    pub valid: Bitmap,
    lookup: HashMap<String, u32>,
}

impl StrColumn {
    /// Appends one value (`None` is null).
    pub fn push(&mut self, v: Option<&str>) {
        let Some(s) = v else {
            self.codes.push(0);
            self.valid.push(false);
            return;
        };
        let code = match self.lookup.get(s) {
            Some(code) => *code,
            None => {
                let code = u32::try_from(self.dict.len()).unwrap_or(u32::MAX);
                self.dict.push(s.to_string());
                self.lookup.insert(s.to_string(), code);
                code
            }
        };
        self.codes.push(code);
        self.valid.push(true);
    }

    /// A column from its parts: `codes` index `dict`, which must hold distinct strings (a
    /// later duplicate is never looked up by [`StrColumn::push`]); `valid` marks non-null rows.
    /// The codes are stored as narrow as they fit ([`Codes`]).
    pub fn from_parts(dict: Vec<String>, codes: Vec<u32>, valid: Bitmap) -> Self {
        Self::from_codes(dict, Codes::from_vec(codes), valid)
    }

    /// [`StrColumn::from_parts`] with codes already stored at their width.
    pub fn from_codes(dict: Vec<String>, codes: Codes, valid: Bitmap) -> Self {
        let lookup = dict
            .iter()
            .enumerate()
            .rev()
            .map(|(i, s)| (s.clone(), u32::try_from(i).unwrap_or(u32::MAX)))
            .collect();
        Self {
            codes,
            dict,
            valid,
            lookup,
        }
    }

    /// The string at row `i`, if valid.
    pub fn get(&self, i: usize) -> Option<&str> {
        if !self.valid.get(i) {
            return None;
        }
        let code = self.codes.get(i)?;
        self.dict.get(code as usize).map(String::as_str)
    }
}

/// A column of one type.
#[derive(Clone, Debug, PartialEq)]
pub enum Column {
    /// Numbers.
    Number(NumberColumn),
    /// Dictionary-encoded strings.
    Str(StrColumn),
    /// Booleans with validity.
    Bool {
        /// The values.
        values: Vec<bool>,
        /// Which rows are valid.
        valid: Bitmap,
    },
    /// Values of mixed types, kept as they are (as Vega keeps mixed JSON fields).
    Mixed(Vec<Value>),
    /// Raw, untyped text as read from a delimited file (see [`crate::data::parse`]).
    Text(TextColumn),
}

impl Column {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Column::Number(c) => c.values.len(),
            Column::Str(c) => c.codes.len(),
            Column::Bool { values, .. } => values.len(),
            Column::Mixed(v) => v.len(),
            Column::Text(c) => c.len(),
        }
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value at row `i` (`Null` when invalid or out of range).
    pub fn value(&self, i: usize) -> Value {
        match self {
            Column::Number(c) => c.get(i).map_or(Value::Null, Value::Number),
            Column::Str(c) => c.get(i).map_or(Value::Null, |s| Value::Str(s.to_string())),
            Column::Bool { values, valid } => match values.get(i) {
                Some(b) if valid.get(i) => Value::Bool(*b),
                _ => Value::Null,
            },
            Column::Mixed(v) => v.get(i).cloned().unwrap_or(Value::Null),
            Column::Text(c) => c.get(i).map_or(Value::Null, |s| Value::Str(s.to_string())),
        }
    }

    /// The value at row `i` coerced to a number as JavaScript's unary `+` does (`None` for
    /// null, NaN and non-numeric strings).
    pub fn number(&self, i: usize) -> Option<f64> {
        let n = match self {
            Column::Number(c) => return c.get(i),
            Column::Bool { values, valid } => match values.get(i) {
                Some(b) if valid.get(i) => f64::from(u8::from(*b)),
                _ => return None,
            },
            Column::Str(c) => js_to_number(c.get(i)?)?,
            Column::Text(c) => js_to_number(c.get(i)?)?,
            Column::Mixed(v) => match v.get(i)? {
                Value::Number(n) => *n,
                Value::Bool(b) => f64::from(u8::from(*b)),
                Value::Str(s) => js_to_number(s)?,
                Value::Null => return None,
            },
        };
        (!n.is_nan()).then_some(n)
    }
}

/// JavaScript's `Number(string)`: trimmed of JavaScript white space, empty is 0, otherwise a
/// decimal literal, `Infinity`, or an unsigned `0x`/`0o`/`0b` integer; `None` for `NaN`.
pub(crate) fn js_to_number(s: &str) -> Option<f64> {
    let n = crate::js::num::string_to_number(s);
    (!n.is_nan()).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_dictionary_encoded() {
        let mut c = StrColumn::default();
        for s in [Some("a"), Some("b"), None, Some("a")] {
            c.push(s);
        }
        assert_eq!(c.dict, vec!["a", "b"]);
        assert_eq!(c.codes.get(3), Some(0));
        assert!(matches!(c.codes, Codes::U8(_)));
        for i in 0..300 {
            c.push(Some(&format!("s{i}")));
        }
        assert!(matches!(c.codes, Codes::U16(_)));
        assert_eq!(c.get(3), Some("a"));
        assert_eq!(c.get(303), Some("s299"));
        assert_eq!(Codes::from_vec(vec![1, 70_000]).get(1), Some(70_000));
        assert_eq!(c.get(2), None);
        assert_eq!(c.get(3), Some("a"));
        assert_eq!(c.get(999), None);
    }

    #[test]
    fn number_coercion_follows_javascript() {
        let mut c = StrColumn::default();
        for s in ["12.5", " 3 ", "abc", ""] {
            c.push(Some(s));
        }
        let col = Column::Str(c);
        assert_eq!(col.number(0), Some(12.5));
        assert_eq!(col.number(1), Some(3.0));
        assert_eq!(col.number(2), None);
        assert_eq!(col.number(3), Some(0.0));
        assert_eq!(col.value(7), Value::Null);
    }
}
