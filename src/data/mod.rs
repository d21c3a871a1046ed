//! Stage 2 of the pipeline: typed columnar tables. Knows nothing about charts.
//!
//! A [`Table`] is a set of named [`Column`]s of equal length. Numbers are `f64` with a validity
//! [`Bitmap`]; strings are dictionary-encoded (`u32` codes into a dictionary of distinct
//! values); booleans are plain. [`parse`] turns source text into tables and [`kernels`] are free
//! functions over columns (group, aggregate, stack).

pub mod bitmap;
pub mod column;
pub mod csv_out;
pub mod kernels;
pub mod parse;
pub mod synth;
pub mod table;
pub mod text;
pub mod value;

pub use bitmap::Bitmap;
pub use column::{Codes, Column, NumberColumn, StrColumn};
pub use table::Table;
pub use text::TextColumn;
pub use value::Value;
