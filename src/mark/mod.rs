//! Stage 8: marks encode rows into scene items; [`MarkData`] reads back the rows drawn.
//!
//! A mark reads the planned table and the resolved scales, never the spec. Every item keeps
//! the index of the row it was drawn from, so hit testing and the mark-data export can go back
//! from pixels to data.

pub mod bar;
pub mod data;

pub use bar::bars;
pub use data::{marks_json, MarkData};
