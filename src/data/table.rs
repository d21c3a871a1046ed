//! A table: named columns of equal length.
//!
//! Stage: data. Column names are unique; [`Table::push_column`] replaces a column of the same
//! name (as a later transform's output replaces a field in Vega).

use std::sync::Arc;

use super::column::Column;
use crate::error::{Error, Result};

/// Named columns of equal length. Columns are shared: cloning a table copies no column data
/// (a chart keeps its source and the tables between plan steps without copying rows).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    names: Vec<String>,
    columns: Vec<Arc<Column>>,
    rows: usize,
}

impl Table {
    /// An empty table with `rows` rows and no columns.
    pub fn with_rows(rows: usize) -> Self {
        Self {
            rows,
            ..Self::default()
        }
    }

    /// Number of rows.
    pub fn num_rows(&self) -> usize {
        self.rows
    }

    /// Column names, in order.
    pub fn names(&self) -> Vec<&str> {
        self.names.iter().map(String::as_str).collect()
    }

    /// The column called `name`, if any.
    pub fn column(&self, name: &str) -> Option<&Column> {
        let i = self.names.iter().position(|n| n == name)?;
        self.columns.get(i).map(|c| &**c)
    }

    /// The column called `name`, or an error naming `path` and listing the columns. An
    /// empty table has every column (empty), so a chart of no rows draws empty, as in Vega.
    pub fn require(&self, path: &str, name: &str) -> Result<&Column> {
        static EMPTY: Column = Column::Mixed(Vec::new());
        match self.column(name) {
            Some(c) => Ok(c),
            None if self.rows == 0 => Ok(&EMPTY),
            None => Err(Error::unknown_field(path, name, &self.names())),
        }
    }

    /// Adds a column, replacing any column of the same name. Its length must equal the
    /// table's row count.
    pub fn push_column(&mut self, name: &str, column: Column) -> Result<()> {
        if column.len() != self.rows {
            return Err(Error::data(
                name,
                &format!(
                    "column has {} rows but the table has {}",
                    column.len(),
                    self.rows
                ),
            ));
        }
        match self.names.iter().position(|n| n == name) {
            Some(i) => {
                if let Some(slot) = self.columns.get_mut(i) {
                    *slot = Arc::new(column);
                }
            }
            None => {
                self.names.push(name.to_string());
                self.columns.push(Arc::new(column));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::NumberColumn;

    #[test]
    fn unknown_columns_are_reported_with_the_list() {
        let mut t = Table::with_rows(1);
        t.push_column(
            "year",
            Column::Number(NumberColumn::from_options([Some(2020.0)])),
        )
        .unwrap();
        let e = t.require("encoding.x.field", "yaer").unwrap_err();
        assert!(e.to_string().contains("no column \"yaer\" (columns: year)"));
        assert!(t
            .push_column("bad", Column::Number(NumberColumn::default()))
            .is_err());
    }
}
