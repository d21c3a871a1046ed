//! Scale stage: maps data values to positions, chooses ticks and formats numbers.
//!
//! Sits between the data kernels and the guides/marks in the pipeline: scales take domains
//! computed from data and ranges from layout. Everything here is a port of d3 (d3-array 3.2
//! ticks, d3-scale 4 linear/band/point, d3-format 3.1) that reproduces d3's floats and strings
//! exactly, so the native and WebAssembly builds draw the same numbers Vega would.
//!
//! Guarantees: no function here panics, whatever the input (NaN, ±∞, empty domains, count 0,
//! huge values); degenerate input gives d3's degenerate answer (NaN, empty lists, midpoints).
//!
//! - [`ticks`] — `ticks`, `tick_increment`, `tick_step`, `nice`;
//! - [`linear`] — [`LinearScale`];
//! - [`band`] — [`BandScale`] (band and point scales over indices);
//! - [`format`] — [`NumberFormat`], [`FormatSpec`], [`Locale`] and the `precision_*` helpers;
//! - [`locale`] — [`LocaleName`]: the four chart locales (numbers and [`TimeLocale`] names).

pub mod band;
pub mod color;
mod digits;
pub mod format;
pub mod linear;
pub mod locale;
pub mod ticks;
pub mod time;

pub use band::BandScale;
pub use format::{FormatSpec, Locale, NumberFormat};
pub use linear::LinearScale;
pub use locale::{LocaleName, TimeLocale};
