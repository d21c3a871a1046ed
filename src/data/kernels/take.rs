//! Gathers rows of a column by index.
//!
//! Stage: kernels. An out-of-range index yields a null, never a panic.

use crate::data::{Bitmap, Column, NumberColumn, StrColumn, Table, TextColumn};
use crate::error::Result;

/// The rows `indices` of `column`, in that order.
pub fn take(column: &Column, indices: &[usize]) -> Column {
    match column {
        Column::Number(c) => Column::Number(NumberColumn::from_options(
            indices.iter().map(|i| c.get(*i)),
        )),
        Column::Str(c) => {
            let mut out = StrColumn::default();
            for i in indices {
                out.push(c.get(*i));
            }
            Column::Str(out)
        }
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
