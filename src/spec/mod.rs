//! Stage 1 of the pipeline: the Vega-Lite spec.
//!
//! [`types`] holds the serde structs for the subset of Vega-Lite storychart reads, exactly as
//! written in the JSON; [`normalize()`] turns them into a [`View`]: shorthand expanded, types and
//! titles filled with Vega-Lite's defaults, and anything storychart does not support rejected
//! with an error naming its JSON path. Later stages read only the normalized [`View`].

pub mod layer;
mod locate;
pub mod normalize;
pub mod params;
pub mod scale;
pub mod transform;
pub mod types;
pub mod view;

pub use layer::unit_specs;
pub use normalize::{normalize, parse_spec};
pub use view::{
    AggregateOp, AxisSpec, BinSpec, Channel, DataParse, DataSource, FieldType, MarkKind, MarkProps,
    PositionDef, Size, SortOrder, StackOffset, TimeUnitSpec, TitleSpec, View,
};
