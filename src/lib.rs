//! storychart: Vega-Lite charts for news articles, computed and drawn in Rust/WebAssembly.
//!
//! The pipeline, one module per stage (see ARCHITECTURE.md):
//!
//! ```text
//! spec -> plan -> data (columns) -> kernels -> scales/layout -> guides -> marks -> scene -> render
//! ```
//!
//! [`Chart`] runs it end to end. Only [`web`] (compiled for `wasm32` alone) touches the
//! browser; everything else is plain Rust, tested natively.

pub mod chart;
pub mod data;
pub mod error;
pub mod expr;
pub mod guide;
pub mod interact;
mod js;
pub mod layout;
pub mod mark;
pub mod plan;
pub mod render;
pub mod scale;
pub mod scene;
mod sorting;
pub mod spec;
#[cfg(target_arch = "wasm32")]
pub mod web;

pub use chart::{Chart, SceneOptions};
pub use error::{Error, ErrorKind, Result};
pub use layout::{FixedMetrics, TextMeasure};
pub use mark::{marks_json, MarkData};
pub use render::to_svg;
pub use scene::Scene;
