//! Free functions over columns: group, aggregate, bin, time units, stack, take.
//!
//! Stage: kernels. Every kernel takes columns (and group assignments) and returns new columns;
//! none of them looks at rows as structs, and none panics on any input: nulls, `NaN`, empty
//! tables and out-of-range indices all have defined results, documented per function.

pub mod aggregate;
pub mod bin;
pub mod group;
pub mod quantile;
pub mod stack;
pub mod take;
pub mod timeunit;

pub use aggregate::{
    aggregate, aggregate_rows, aggregate_values, aggregate_with_param, AggregateOp,
};
pub use group::{group_by, Groups};
pub use stack::stack_zero;
pub use take::take;
