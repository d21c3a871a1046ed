//! Stage 5: sizes, margins and scales: where everything goes.
//!
//! [`text`] measures text through the [`TextMeasure`] trait (fixed metrics natively and in
//! tests, the browser's canvas `measureText` live). [`scales`] resolves each position
//! channel's scale: its domain from the data, its range from the plot size; [`channels`] the
//! scales of colour, size, opacity and shape.

pub mod channels;
pub mod scales;
pub mod text;

pub use scales::PositionScale;
pub use text::{FixedMetrics, TextMeasure};
