//! Stage 10: interaction, as pure functions over the scene and the chart's data.
//!
//! Nothing here draws or touches the browser: `src/web/` forwards pointer positions, these
//! functions answer what is under them, and the host page shows the answer. Hover reads the
//! scene only, so moving the pointer never recomputes data.

pub mod focus;
pub mod frame;
pub mod pick;
pub mod select;
pub mod tween;

pub use pick::{pick, Hit};
