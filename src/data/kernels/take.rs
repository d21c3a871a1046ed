//! Gathers rows of a column by index.
//!
//! Stage: kernels. An out-of-range index yields a null, never a panic.

use crate::data::{Bitmap, Column, NumberColumn, StrColumn, Table, TextColumn};
use crate::error::Result;

/// The rows `indices` of `column`, in that order.
pub fn take(column: &Column, indices: &[usize]) -> Column {
    match column {
        Column::Number(c) => Column::Number(take_numbers(c, indices)),
        Column::Str(c) => Column::Str(take_strings(c, indices)),
        Column::Bool { values, valid } => {
            let mut out_values = Vec::with_capacity(indices.len());
            let mut out_valid = Bitmap::new();
            for i in indices {
                let v = values.get(*i).copied();
                out_values.push(v.unwrap_or(false));
                out_valid.push(v.is_some() && valid.get(*i));
            }
            Column::Bool {
                values: out_values,
                valid: out_valid,
            }
        }
        Column::Text(c) => {
            let mut out = TextColumn::new();
            for i in indices {
                match c.get(*i) {
                    Some(s) => out.push(s),
                    None => out.push_null(),
                }
            }
            Column::Text(out)
        }
        Column::Mixed(_) => Column::Mixed(indices.iter().map(|i| column.value(*i)).collect()),
    }
}

/// Gathers numbers: a value copy and one validity bit per row (no per-row `Option`).
fn take_numbers(c: &NumberColumn, indices: &[usize]) -> NumberColumn {
    let mut values = Vec::with_capacity(indices.len());
    let mut valid = Bitmap::new();
    for i in indices {
        let v = match c.values.get(*i) {
            Some(v) if c.valid.get(*i) && !v.is_nan() => *v,
            _ => f64::NAN,
        };
        values.push(v);
        valid.push(!v.is_nan());
    }
    NumberColumn { values, valid }
}

/// Gathers strings by code: the new dictionary holds the used entries in order of first
/// appearance among `indices` (what pushing each string would build), found through a dense
/// old-code -> new-code array instead of hashing every row's string.
fn take_strings(c: &StrColumn, indices: &[usize]) -> StrColumn {
    let mut remap = vec![u32::MAX; c.dict.len()];
    let mut dict = Vec::new();
    let mut codes = Vec::with_capacity(indices.len());
    let mut valid = Bitmap::new();
    for i in indices {
        let entry = c
            .codes
            .get(*i)
            .filter(|_| c.valid.get(*i))
            .and_then(|code| Some((code, c.dict.get(code as usize)?)));
        let new = entry.and_then(|(code, s)| {
            let slot = remap.get_mut(code as usize)?;
            if *slot == u32::MAX {
                *slot = u32::try_from(dict.len()).ok()?;
                dict.push(s.clone());
            }
            Some(*slot)
        });
        codes.push(new.unwrap_or(0));
        valid.push(new.is_some());
    }
    StrColumn::from_parts(dict, codes, valid)
}

/// The rows `indices` of every column of `table`, in that order.
pub fn take_table(table: &Table, indices: &[usize]) -> Result<Table> {
    let mut out = Table::with_rows(indices.len());
    for name in table.names() {
        if let Some(column) = table.column(name) {
            out.push_column(name, take(column, indices))?;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::kernels::test_util::{random_table, Rng};

    #[test]
    fn take_equals_pushing_each_value() {
        let mut rng = Rng(0x7a4e);
        for _ in 0..300 {
            let t = random_table(&mut rng, 80);
            let n = t.num_rows() as u64;
            let idx: Vec<usize> = (0..rng.below(2 * n + 2))
                .map(|_| rng.below(n + 2) as usize)
                .collect();
            let (Some(Column::Str(g)), Some(Column::Number(x))) = (t.column("g"), t.column("n"))
            else {
                panic!("random_table's columns")
            };
            let mut want_g = StrColumn::default();
            let mut want_x = NumberColumn::default();
            for i in &idx {
                want_g.push(g.get(*i));
                want_x.push(x.get(*i));
            }
            let got_g = take_strings(g, &idx);
            assert_eq!(got_g.dict, want_g.dict);
            assert_eq!(got_g.valid, want_g.valid);
            for (i, _) in idx.iter().enumerate() {
                assert_eq!(got_g.get(i), want_g.get(i));
            }
            let got_x = take_numbers(x, &idx);
            assert_eq!(got_x.valid, want_x.valid);
            assert_eq!(
                got_x.values.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                want_x
                    .values
                    .iter()
                    .map(|v| v.to_bits())
                    .collect::<Vec<_>>()
            );
        }
    }
}
