//! The browser side (wasm32 only): the `StoryChart` handle JavaScript holds, and the Canvas 2D
//! back end.
//!
//! Stage: render (browser). This is the only module that touches `wasm_bindgen`, `web_sys` or
//! `js_sys`. JavaScript holds an opaque handle; the spec and the data text cross the boundary
//! once, and calls return small values (numbers, short strings).

#[cfg(feature = "bench")]
pub mod bench;
pub mod canvas;
pub mod handle;

pub use handle::StoryChart;
