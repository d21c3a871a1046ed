//! A table: named columns of equal length.
//!
//! Stage: data. Column names are unique; [`Table::push_column`] replaces a column of the same
//! name (as a later transform's output replaces a field in Vega).
//!
//! A column never changes once it is in a table (the table hands out only `&Column`; a new
//! column replaces the old one whole), so statistics of it are computed once, on first use,
//! and shared by every table that shares the column, like Arrow's or Parquet's min/max
//! statistics: [`Table::extent`], and [`Table::narrow`] (a whole-number column's 2-byte
//! offsets, which binning reads instead of the `f64`s).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use super::column::Column;
use crate::data::kernels::bin::narrow::{self, Narrow};
use crate::error::{Error, Result};

/// Named columns of equal length. Columns are shared: cloning a table copies no column data
/// (a chart keeps its source and the tables between plan steps without copying rows).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    names: Vec<String>,
    columns: Vec<Arc<Slot>>,
    rows: usize,
}

/// A column and its statistics, computed on first use. The column is immutable here (no
/// `&mut` to it ever leaves [`Table`]), so a statistic, once known, stays true.
#[derive(Debug)]
struct Slot {
    column: Column,
    /// [`crate::data::kernels::bin::extent`] of `column`, once asked for.
    extent: OnceLock<Option<[f64; 2]>>,
    /// [`Narrow`] encoding of `column`, once asked for.
    narrow: OnceLock<Option<Narrow>>,
    /// Whether [`Table::narrow_on_reuse`] was called for `column`.
    reused: AtomicBool,
}

impl Slot {
    fn new(column: Column) -> Self {
        Self {
            column,
            extent: OnceLock::new(),
            narrow: OnceLock::new(),
            reused: AtomicBool::new(false),
        }
    }
}

/// Two slots are equal when their columns are: the statistics follow from the column.
impl PartialEq for Slot {
    fn eq(&self, other: &Self) -> bool {
        self.column == other.column
    }
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
        self.columns.get(i).map(|c| &c.column)
    }

    /// The `[min, max]` of the column called `name` as Vega's `extent` transform computes it
    /// ([`crate::data::kernels::bin::extent`]: nulls, `""` and non-numbers skipped, `None`
    /// when there is no number or the extent is not finite), or `None` when there is no such
    /// column. Computed on the first call for a column and remembered with it: a column in a
    /// table never changes, and tables that share the column share the result.
    ///
    /// ```
    /// use storychart::data::{Column, NumberColumn, Table};
    /// let mut t = Table::with_rows(3);
    /// t.push_column("x", Column::Number(NumberColumn::from_options([Some(3.0), None, Some(-2.0)])))
    ///     .unwrap();
    /// assert_eq!(t.extent("x"), Some([-2.0, 3.0]));
    /// assert_eq!(t.clone().extent("x"), Some([-2.0, 3.0]));
    /// assert_eq!(t.extent("y"), None);
    /// ```
    pub fn extent(&self, name: &str) -> Option<[f64; 2]> {
        let i = self.names.iter().position(|n| n == name)?;
        let slot = self.columns.get(i)?;
        *slot
            .extent
            .get_or_init(|| crate::data::kernels::bin::extent(&slot.column))
    }

    /// The narrow encoding of the column called `name` ([`Narrow`]: its values as `u16`
    /// offsets from its minimum, 2 bytes per row), when it is a number column of at least
    /// [`narrow::MIN_ROWS`] rows whose valid values are all finite whole numbers spanning at
    /// most 65534; else `None`. Built on the first call for a column (after its
    /// [`Table::extent`]) and remembered with it, like the extent.
    ///
    /// ```
    /// use storychart::data::{Column, NumberColumn, Table};
    /// let rows = 1 << 15;
    /// let mut t = Table::with_rows(rows);
    /// let years = (0..rows).map(|i| Some(1990.0 + (i % 35) as f64));
    /// t.push_column("year", Column::Number(NumberColumn::from_options(years))).unwrap();
    /// let n = t.narrow("year").unwrap();
    /// assert_eq!((n.base, n.top, n.offset(36)), (1990.0, 34, 1));
    /// ```
    pub fn narrow(&self, name: &str) -> Option<&Narrow> {
        let i = self.names.iter().position(|n| n == name)?;
        let slot = self.columns.get(i)?;
        slot.narrow
            .get_or_init(|| match &slot.column {
                Column::Number(c) if c.values.len() >= narrow::MIN_ROWS => {
                    let extent = *slot
                        .extent
                        .get_or_init(|| crate::data::kernels::bin::extent(&slot.column));
                    Narrow::new(c, extent)
                }
                _ => None,
            })
            .as_ref()
    }

    /// [`Table::narrow`] from the second call on for a column, `None` on the first: the
    /// encoding pays off for a column binned again (a reader moving a bins slider, a chart
    /// re-run on the same source), which reads 2 bytes per row instead of 8 from then on,
    /// while a column binned once (or a filtered copy, binned once) keeps the `f64` path and
    /// is not read a third time to build an encoding it would not use.
    ///
    /// ```
    /// use storychart::data::{Column, NumberColumn, Table};
    /// let rows = 1 << 15;
    /// let mut t = Table::with_rows(rows);
    /// let years = (0..rows).map(|i| Some(1990.0 + (i % 35) as f64));
    /// t.push_column("year", Column::Number(NumberColumn::from_options(years))).unwrap();
    /// assert!(t.narrow_on_reuse("year").is_none());
    /// assert_eq!(t.narrow_on_reuse("year").map(|n| n.base), Some(1990.0));
    /// ```
    pub fn narrow_on_reuse(&self, name: &str) -> Option<&Narrow> {
        let i = self.names.iter().position(|n| n == name)?;
        let slot = self.columns.get(i)?;
        if slot.narrow.get().is_none() && !slot.reused.swap(true, Ordering::Relaxed) {
            return None;
        }
        self.narrow(name)
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
                    *slot = Arc::new(Slot::new(column));
                }
            }
            None => {
                self.names.push(name.to_string());
                self.columns.push(Arc::new(Slot::new(column)));
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

    #[test]
    fn extent_is_the_columns_extent_remembered_and_replaced_with_the_column() {
        use crate::data::kernels::bin::extent;
        use crate::data::kernels::test_util::Rng;
        use crate::data::Value;
        let mut rng = Rng(17);
        for round in 0..200 {
            let rows = rng.below(100) as usize;
            let mut t = Table::with_rows(rows);
            let mut number = || match rng.below(12) {
                0 => None,
                1 => Some(f64::NAN),
                2 if round % 4 == 0 => Some(f64::INFINITY),
                3 if round % 4 == 1 => Some(f64::NEG_INFINITY),
                _ => Some(rng.below(1000) as f64 - 500.0),
            };
            let a = NumberColumn::from_options((0..rows).map(|_| number()));
            let b = NumberColumn::from_options((0..rows).map(|_| number()));
            let mixed = Column::Mixed(
                (0..rows)
                    .map(|i| a.get(i).map_or(Value::Null, Value::Number))
                    .collect(),
            );
            let want = extent(&Column::Number(a.clone()));
            assert_eq!(want, extent(&mixed));
            t.push_column("a", Column::Number(a)).unwrap();
            // First call computes, later calls (and clones sharing the column) remember.
            assert_eq!(t.extent("a"), want);
            let shared = t.clone();
            assert_eq!((t.extent("a"), shared.extent("a")), (want, want));
            // Replacing the column replaces its statistics; the clone keeps the old column.
            let want_b = extent(&Column::Number(b.clone()));
            t.push_column("a", Column::Number(b)).unwrap();
            assert_eq!((t.extent("a"), shared.extent("a")), (want_b, want));
            assert_eq!(t.extent("missing"), None);
        }
        // Vega's semantics: nulls and NaN skipped, an infinite value leaves no extent.
        let mut t = Table::with_rows(3);
        let col = |v: [Option<f64>; 3]| Column::Number(NumberColumn::from_options(v));
        t.push_column("x", col([None, Some(f64::NAN), Some(2.0)]))
            .unwrap();
        assert_eq!(t.extent("x"), Some([2.0, 2.0]));
        t.push_column("x", col([Some(1.0), Some(f64::INFINITY), Some(2.0)]))
            .unwrap();
        assert_eq!(t.extent("x"), None);
        t.push_column("x", col([None, None, None])).unwrap();
        assert_eq!(t.extent("x"), None);
    }
}
