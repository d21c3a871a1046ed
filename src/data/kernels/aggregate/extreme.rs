//! `min`, `max`, `argmin` and `argmax` with Vega's comparisons.
//!
//! Stage: kernels (aggregate internals). Vega keeps a running minimum over valid values
//! (`if (v < min || min === undefined) min = v`), so the first of equal values wins and values
//! compare with JavaScript's `<`: numbers as numbers, two strings by UTF-16 code units, and a
//! string against a number as numbers. `argmin` records a row only when a value is strictly
//! below the running minimum; when none was recorded it falls back to vega-util `extentIndex`
//! over all the group's rows, whose first candidate may be a `""` cell (a quirk kept here).

use super::cells::{js_number, Cells, Kind};
use crate::data::{Column, Value};

/// Which end: the minimum or the maximum.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum End {
    Min,
    Max,
}

/// A cell as JavaScript compares it.
#[derive(Clone, Copy)]
enum Js<'a> {
    Null,
    Num(f64),
    Str(&'a str, f64),
}

impl Js<'_> {
    fn num(self) -> f64 {
        match self {
            Js::Null => 0.0,
            Js::Num(n) | Js::Str(_, n) => n,
        }
    }
}

/// JavaScript's `a < b` for the cells Vega compares.
fn js_lt(a: Js, b: Js) -> bool {
    match (a, b) {
        (Js::Str(x, _), Js::Str(y, _)) => x.encode_utf16().lt(y.encode_utf16()),
        _ => a.num() < b.num(),
    }
}

fn better(end: End, v: Js, than: Js) -> bool {
    match end {
        End::Min => js_lt(v, than),
        End::Max => js_lt(than, v),
    }
}

fn js_cell(column: &Column, i: usize) -> Js<'_> {
    match column {
        Column::Number(c) => c.get(i).map_or(Js::Null, Js::Num),
        Column::Bool { .. } => column.number(i).map_or(Js::Null, Js::Num),
        Column::Str(c) => c.get(i).map_or(Js::Null, |s| Js::Str(s, js_number(s))),
        Column::Text(c) => c.get(i).map_or(Js::Null, |s| Js::Str(s, js_number(s))),
        Column::Mixed(v) => match v.get(i) {
            None | Some(Value::Null) => Js::Null,
            Some(Value::Number(n)) => Js::Num(*n),
            Some(Value::Bool(b)) => Js::Num(f64::from(u8::from(*b))),
            Some(Value::Str(s)) => Js::Str(s, js_number(s)),
        },
    }
}

/// Per group, the row of Vega's running `min`/`max` under JavaScript's `<` (its value is
/// the aggregate). For text and mixed columns; number columns take a plain `f64` fold.
pub(super) fn extreme_rows(
    column: Option<&Column>,
    cells: &Cells,
    row_group: &[u32],
    groups: usize,
    end: End,
) -> Vec<Option<u32>> {
    let mut best: Vec<Option<u32>> = vec![None; groups];
    let Some(col) = column else {
        return best;
    };
    for (i, g) in row_group.iter().enumerate().take(col.len()) {
        if cells.kind(i) != Kind::Valid {
            continue;
        }
        let Some(b) = best.get_mut(*g as usize) else {
            continue;
        };
        let v = js_cell(col, i);
        if b.is_none_or(|r| better(end, v, js_cell(col, r as usize))) {
            *b = u32::try_from(i).ok();
        }
    }
    best
}

/// Per group, Vega's `argmin`/`argmax` row (`None` where Vega gives `{}`).
pub(super) fn arg_rows(
    column: Option<&Column>,
    cells: &Cells,
    row_group: &[u32],
    groups: usize,
    end: End,
) -> Vec<Option<u32>> {
    let Some(col) = column else {
        return vec![None; groups];
    };
    // The running phase: a row is recorded only when strictly better than the running extreme.
    let mut running: Vec<Option<u32>> = vec![None; groups];
    let mut arg: Vec<Option<u32>> = vec![None; groups];
    for (i, g) in row_group.iter().enumerate().take(col.len()) {
        if cells.kind(i) != Kind::Valid {
            continue;
        }
        let g = *g as usize;
        let (Some(r), Some(a)) = (running.get_mut(g), arg.get_mut(g)) else {
            continue;
        };
        let v = js_cell(col, i);
        let row = u32::try_from(i).ok();
        match *r {
            None => *r = row,
            Some(best) if better(end, v, js_cell(col, best as usize)) => {
                *a = row;
                *r = row;
            }
            Some(_) => {}
        }
    }
    // The fallback: extentIndex over all rows (null and NaN are not candidates; "" is).
    let mut fallback: Vec<Option<u32>> = vec![None; groups];
    for (i, g) in row_group.iter().enumerate().take(col.len()) {
        let g = *g as usize;
        if arg.get(g).is_none_or(Option::is_some) {
            continue;
        }
        let v = js_cell(col, i);
        let Some(f) = fallback.get_mut(g) else {
            continue;
        };
        let candidate = match v {
            Js::Null => false,
            Js::Num(n) => !n.is_nan(),
            Js::Str(..) => true,
        };
        if !candidate {
            continue;
        }
        if f.is_none_or(|r| better(end, v, js_cell(col, r as usize))) {
            *f = u32::try_from(i).ok();
        }
    }
    arg.iter().zip(fallback).map(|(a, f)| a.or(f)).collect()
}
