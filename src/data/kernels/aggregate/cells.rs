//! How Vega's aggregate sees each cell of a column: missing, skipped (`NaN`) or valid.
//!
//! Stage: kernels (aggregate internals). Vega's `add` counts `null`, `undefined` and `""` as
//! missing, ignores a raw `NaN` entirely, and counts everything else as valid, coercing it with
//! unary `+` (so a non-numeric string is valid and poisons `sum` with `NaN`). [`Cells`] gives
//! that view of any [`Column`] without copying a number column: a column without nulls takes
//! the fast path of a plain `&[f64]`.

use std::borrow::Cow;

use crate::data::{Bitmap, Column, Value};

/// Vega's classification of a cell; stored only for columns that need it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Counted in `valid`; its number is `+v` (possibly `NaN` for text).
    Valid,
    /// `null`, missing or `""`: counted in `missing`.
    Missing,
    /// A raw `NaN`: neither valid nor missing.
    Skip,
}

/// Which rows are valid.
pub(crate) enum State<'a> {
    /// Every row of `values` is valid.
    AllValid,
    /// Valid where the bit is set; other rows are missing.
    Bitmap(&'a Bitmap),
    /// One kind per row.
    Kinds(Vec<Kind>),
}

/// A column as numbers plus Vega's cell kinds. Rows past the end of `values` are missing.
pub(crate) struct Cells<'a> {
    /// `+v` of every row (meaningless where not valid).
    pub values: Cow<'a, [f64]>,
    /// Which rows are valid.
    pub state: State<'a>,
}

impl<'a> Cells<'a> {
    /// Classifies `column` (`None`: every row is missing).
    pub fn new(column: Option<&'a Column>) -> Self {
        let Some(column) = column else {
            return Self {
                values: Cow::Owned(Vec::new()),
                state: State::AllValid,
            };
        };
        match column {
            Column::Number(c) => {
                let n = c.values.len();
                let state = if c.valid.len() >= n && c.valid.count_valid() >= n {
                    State::AllValid
                } else {
                    State::Bitmap(&c.valid)
                };
                Self {
                    values: Cow::Borrowed(&c.values),
                    state,
                }
            }
            Column::Bool { values, valid } => Self {
                values: Cow::Owned(values.iter().map(|b| f64::from(u8::from(*b))).collect()),
                state: State::Bitmap(valid),
            },
            Column::Str(c) => {
                // Classify each dictionary entry once.
                let dict: Vec<(Kind, f64)> = (0..c.dict.len())
                    .map(|code| {
                        let s = c.dict.get(code).map_or("", String::as_str);
                        if s.is_empty() {
                            (Kind::Missing, f64::NAN)
                        } else {
                            (Kind::Valid, js_number(s))
                        }
                    })
                    .collect();
                let mut values = Vec::with_capacity(c.codes.len());
                let mut kinds = Vec::with_capacity(c.codes.len());
                for i in 0..c.codes.len() {
                    let code = c.codes.get(i).unwrap_or(u32::MAX);
                    let (k, v) = match dict.get(code as usize) {
                        Some(e) if c.valid.get(i) => *e,
                        _ => (Kind::Missing, f64::NAN),
                    };
                    kinds.push(k);
                    values.push(v);
                }
                Self {
                    values: Cow::Owned(values),
                    state: State::Kinds(kinds),
                }
            }
            Column::Text(t) => {
                let mut values = Vec::with_capacity(t.len());
                let mut kinds = Vec::with_capacity(t.len());
                for v in t.iter() {
                    let (k, v) = match v {
                        Some(s) if !s.is_empty() => (Kind::Valid, js_number(s)),
                        _ => (Kind::Missing, f64::NAN),
                    };
                    kinds.push(k);
                    values.push(v);
                }
                Self {
                    values: Cow::Owned(values),
                    state: State::Kinds(kinds),
                }
            }
            Column::Mixed(v) => {
                let (kinds, values) = v.iter().map(classify).unzip();
                Self {
                    values: Cow::Owned(values),
                    state: State::Kinds(kinds),
                }
            }
        }
    }

    /// Calls `f(group, value)` for every valid row, in row order. `row_group` maps rows to
    /// groups; rows past its end or the column's end are not visited.
    #[inline]
    pub fn each_valid(&self, row_group: &[u32], mut f: impl FnMut(usize, f64)) {
        let rows = row_group.iter().zip(self.values.iter());
        match &self.state {
            State::AllValid => {
                for (g, v) in rows {
                    f(*g as usize, *v);
                }
            }
            State::Bitmap(b) => {
                for (i, (g, v)) in rows.enumerate() {
                    if b.get(i) {
                        f(*g as usize, *v);
                    }
                }
            }
            State::Kinds(k) => {
                for ((g, v), k) in rows.zip(k) {
                    if *k == Kind::Valid {
                        f(*g as usize, *v);
                    }
                }
            }
        }
    }

    /// The kind of row `i`.
    pub fn kind(&self, i: usize) -> Kind {
        if i >= self.values.len() {
            return Kind::Missing;
        }
        match &self.state {
            State::AllValid => Kind::Valid,
            State::Bitmap(b) if b.get(i) => Kind::Valid,
            State::Bitmap(_) => Kind::Missing,
            State::Kinds(k) => k.get(i).copied().unwrap_or(Kind::Missing),
        }
    }

    /// Per group: (valid, skipped) counts. Missing is `rows - valid - skipped`.
    pub fn counts(&self, row_group: &[u32], groups: usize) -> (Vec<u64>, Vec<u64>) {
        let mut valid = vec![0u64; groups];
        let mut skip = vec![0u64; groups];
        match &self.state {
            State::Kinds(k) => {
                for (g, k) in row_group.iter().zip(k) {
                    let target = match k {
                        Kind::Valid => valid.get_mut(*g as usize),
                        Kind::Skip => skip.get_mut(*g as usize),
                        Kind::Missing => None,
                    };
                    if let Some(c) = target {
                        *c += 1;
                    }
                }
            }
            _ => self.each_valid(row_group, |g, _| {
                if let Some(c) = valid.get_mut(g) {
                    *c += 1;
                }
            }),
        }
        (valid, skip)
    }
}

/// Vega's view of one mixed value.
fn classify(v: &Value) -> (Kind, f64) {
    match v {
        Value::Null => (Kind::Missing, f64::NAN),
        Value::Str(s) if s.is_empty() => (Kind::Missing, f64::NAN),
        Value::Str(s) => (Kind::Valid, js_number(s)),
        Value::Number(n) if n.is_nan() => (Kind::Skip, f64::NAN),
        Value::Number(n) => (Kind::Valid, *n),
        Value::Bool(b) => (Kind::Valid, f64::from(u8::from(*b))),
    }
}

pub(crate) use crate::js::num::string_to_number as js_number;
