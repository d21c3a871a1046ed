//! Multi-key row sorting with Vega's comparator (vega-util `compare` + vega-dataflow
//! `stableCompare`).
//!
//! Stage: kernels. Used by `window`, `stack` and the planner. Each key compares two values as
//! vega-util's `ascending` does:
//!
//! - null (and missing) sorts first, then `NaN`, then everything else;
//! - two strings compare by UTF-16 code units (JavaScript's `<`);
//! - any other pair compares as numbers after JavaScript's `+` coercion (booleans are 0/1,
//!   numeric strings are their number, `-0` equals `0`); a pair that JavaScript cannot order
//!   (`"abc"` against `3`) is a tie.
//!
//! `Descending` flips one key. Rows that tie on every key keep ascending row order, as Vega
//! breaks ties by tuple id. The sort is a merge sort of our own: it terminates and never panics
//! even when a mixed-type column makes the comparator non-transitive (where JavaScript's
//! TimSort, and so Vega, may order such rows differently).

use std::cmp::Ordering;

use crate::data::{Column, NumberColumn, Value};

/// The direction of one sort key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Order {
    /// Smallest first (nulls first).
    #[default]
    Ascending,
    /// Largest first (nulls last).
    Descending,
}

impl Order {
    /// Parses Vega's order names: `"descending"` is descending, anything else ascending (as in
    /// vega-util `compare`).
    pub fn from_name(name: &str) -> Self {
        if name == "descending" {
            Order::Descending
        } else {
            Order::Ascending
        }
    }
}

/// One prepared sort key.
enum Key<'a> {
    /// Numbers read straight from the column.
    Num(&'a NumberColumn),
    /// A dense rank per row (0 = null) for totally ordered columns (strings, booleans).
    Ranked(Vec<u32>),
    /// Mixed values, compared pairwise with JavaScript semantics.
    Mixed(&'a [Value]),
}

/// A prepared multi-key comparator over row indices (Vega's `compare(fields, orders)`).
pub struct RowComparator<'a> {
    keys: Vec<(Key<'a>, Order)>,
}

impl<'a> RowComparator<'a> {
    /// Prepares `keys` (each a column and a direction) for comparing rows.
    pub fn new(keys: &[(&'a Column, Order)]) -> Self {
        let keys = keys
            .iter()
            .map(|(col, order)| (prepare(col), *order))
            .collect();
        Self { keys }
    }

    /// Whether there are no keys (every row ties with every other).
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Compares rows `a` and `b` on the keys only (no tie-break): `Equal` means the rows are
    /// peers, as Vega's window `compare` sees them.
    pub fn compare(&self, a: u32, b: u32) -> Ordering {
        for (key, order) in &self.keys {
            let c = compare_key(key, a as usize, b as usize);
            if c != Ordering::Equal {
                return match order {
                    Order::Ascending => c,
                    Order::Descending => c.reverse(),
                };
            }
        }
        Ordering::Equal
    }

    /// Compares on the keys, then by row index (Vega's `stableCompare`).
    pub fn compare_stable(&self, a: u32, b: u32) -> Ordering {
        self.compare(a, b).then(a.cmp(&b))
    }

    /// Sorts `rows` (row indices) by the keys, ties in ascending row order.
    pub fn sort(&self, rows: &[u32]) -> Vec<u32> {
        merge_sort(rows, |a, b| self.compare_stable(a, b))
    }
}

/// Sorts row indices `rows` by `keys` with Vega's comparator; rows that tie on every key come
/// out in ascending row order (Vega breaks ties by tuple id).
///
/// ```
/// use storychart::data::{kernels::{sort_indices, Order}, parse::parse_json};
/// let t = parse_json(r#"[{"v": 3}, {"v": null}, {"v": 1}, {"v": 3}]"#, "t").unwrap();
/// let v = t.column("v").unwrap();
/// assert_eq!(sort_indices(&[(v, Order::Ascending)], &[0, 1, 2, 3]), vec![1, 2, 0, 3]);
/// assert_eq!(sort_indices(&[(v, Order::Descending)], &[0, 1, 2, 3]), vec![0, 3, 2, 1]);
/// ```
pub fn sort_indices(keys: &[(&Column, Order)], rows: &[u32]) -> Vec<u32> {
    RowComparator::new(keys).sort(rows)
}

fn prepare(col: &Column) -> Key<'_> {
    match col {
        Column::Number(c) => Key::Num(c),
        Column::Mixed(v) => Key::Mixed(v),
        Column::Str(c) => {
            // Rank the dictionary once by UTF-16 order; codes then compare as integers.
            let mut order: Vec<u32> =
                (0..u32::try_from(c.dict.len()).unwrap_or(u32::MAX)).collect();
            let text = |code: u32| c.dict.get(code as usize).map_or("", String::as_str);
            order = merge_sort(&order, |a, b| {
                text(a).encode_utf16().cmp(text(b).encode_utf16())
            });
            let mut rank = vec![0u32; c.dict.len()];
            for (r, code) in order.iter().enumerate() {
                if let Some(slot) = rank.get_mut(*code as usize) {
                    *slot = u32::try_from(r + 1).unwrap_or(u32::MAX);
                }
            }
            let ranks = (0..c.codes.len())
                .map(|row| match c.codes.get(row) {
                    Some(code) if c.valid.get(row) => rank.get(code as usize).copied().unwrap_or(0),
                    _ => 0,
                })
                .collect();
            Key::Ranked(ranks)
        }
        Column::Text(c) => {
            // Dense ranks by UTF-16 order over the valid rows (0 = null).
            let rows: Vec<u32> = (0..u32::try_from(c.len()).unwrap_or(u32::MAX))
                .filter(|r| c.get(*r as usize).is_some())
                .collect();
            let text = |row: u32| c.get(row as usize).unwrap_or("");
            let sorted = merge_sort(&rows, |a, b| {
                text(a).encode_utf16().cmp(text(b).encode_utf16())
            });
            let mut ranks = vec![0u32; c.len()];
            let mut rank = 0u32;
            let mut previous: Option<&str> = None;
            for row in sorted {
                let t = text(row);
                if previous != Some(t) {
                    rank = rank.saturating_add(1);
                    previous = Some(t);
                }
                if let Some(slot) = ranks.get_mut(row as usize) {
                    *slot = rank;
                }
            }
            Key::Ranked(ranks)
        }
        Column::Bool { values, valid } => Key::Ranked(
            values
                .iter()
                .enumerate()
                .map(|(row, b)| match (valid.get(row), b) {
                    (false, _) => 0,
                    (true, false) => 1,
                    (true, true) => 2,
                })
                .collect(),
        ),
    }
}

fn compare_key(key: &Key<'_>, a: usize, b: usize) -> Ordering {
    match key {
        Key::Num(c) => js_ascending(num_atom(c, a), num_atom(c, b)),
        Key::Ranked(r) => r
            .get(a)
            .copied()
            .unwrap_or(0)
            .cmp(&r.get(b).copied().unwrap_or(0)),
        Key::Mixed(v) => js_ascending(value_atom(v.get(a)), value_atom(v.get(b))),
    }
}

/// A value as JavaScript's comparison operators see it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Atom<'a> {
    /// `null` or `undefined`.
    Null,
    /// A number (booleans become 0/1).
    Num(f64),
    /// A string.
    Str(&'a str),
}

fn num_atom(c: &NumberColumn, row: usize) -> Atom<'static> {
    if c.valid.get(row) {
        c.values.get(row).map_or(Atom::Null, |v| Atom::Num(*v))
    } else {
        Atom::Null
    }
}

fn value_atom(v: Option<&Value>) -> Atom<'_> {
    match v {
        None | Some(Value::Null) => Atom::Null,
        Some(Value::Bool(b)) => Atom::Num(f64::from(u8::from(*b))),
        Some(Value::Number(n)) => Atom::Num(*n),
        Some(Value::Str(s)) => Atom::Str(s),
    }
}

/// JavaScript's `+x` for an atom (`null` is 0).
fn to_number(a: Atom<'_>) -> f64 {
    match a {
        Atom::Null => 0.0,
        Atom::Num(n) => n,
        Atom::Str(s) => js_string_to_number(s),
    }
}

pub(crate) use crate::js::num::string_to_number as js_string_to_number;

/// JavaScript's `u < v`.
fn js_less(u: Atom<'_>, v: Atom<'_>) -> bool {
    match (u, v) {
        (Atom::Str(a), Atom::Str(b)) => a.encode_utf16().lt(b.encode_utf16()),
        _ => to_number(u) < to_number(v),
    }
}

/// vega-util's `ascending(u, v)`, literally.
pub(crate) fn js_ascending(u: Atom<'_>, v: Atom<'_>) -> Ordering {
    let u_null = matches!(u, Atom::Null);
    let v_null = matches!(v, Atom::Null);
    let u_nan = matches!(u, Atom::Num(n) if n.is_nan());
    let v_nan = matches!(v, Atom::Num(n) if n.is_nan());
    if (js_less(u, v) || u_null) && !v_null {
        Ordering::Less
    } else if (js_less(v, u) || v_null) && !u_null {
        Ordering::Greater
    } else if u_nan && !v_nan {
        Ordering::Less
    } else if v_nan && !u_nan {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

/// A stable bottom-up merge sort that never panics, whatever `cmp` returns.
pub(crate) fn merge_sort(items: &[u32], cmp: impl Fn(u32, u32) -> Ordering) -> Vec<u32> {
    let mut src = items.to_vec();
    let mut dst: Vec<u32> = Vec::with_capacity(src.len());
    let mut width = 1usize;
    while width < src.len() {
        dst.clear();
        for chunk in src.chunks(width.saturating_mul(2)) {
            let (left, right) = chunk.split_at(width.min(chunk.len()));
            merge(left, right, &mut dst, &cmp);
        }
        std::mem::swap(&mut src, &mut dst);
        width = width.saturating_mul(2);
    }
    src
}

fn merge(left: &[u32], right: &[u32], out: &mut Vec<u32>, cmp: &impl Fn(u32, u32) -> Ordering) {
    let mut l = left.iter().copied().peekable();
    let mut r = right.iter().copied().peekable();
    loop {
        match (l.peek().copied(), r.peek().copied()) {
            (Some(a), Some(b)) => {
                if cmp(b, a) == Ordering::Less {
                    out.push(b);
                    r.next();
                } else {
                    out.push(a);
                    l.next();
                }
            }
            (Some(_), None) => {
                out.extend(l);
                return;
            }
            (None, _) => {
                out.extend(r);
                return;
            }
        }
    }
}

#[cfg(test)]
#[path = "sort_tests.rs"]
mod tests;
