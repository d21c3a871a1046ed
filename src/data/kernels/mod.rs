//! Free functions over columns: group, aggregate, bin, time units, sort, window, stack, fold,
//! joinaggregate, top-N, take.
//!
//! Stage: kernels. Every kernel takes columns (and group assignments) and returns new columns;
//! none of them looks at rows as structs, and none panics on any input: nulls, `NaN`, empty
//! tables and out-of-range indices all have defined results, documented per function.

pub mod aggregate;
pub mod bin;
pub mod crossfilter;
pub mod fold;
pub mod fused;
pub mod group;
pub mod impute;
pub mod joinaggregate;
pub mod keep;
pub mod lookup;
pub mod quantile;
pub mod select;
pub mod sort;
pub mod stack;
pub mod take;
pub mod timeunit;
pub mod topn;
pub mod window;

#[cfg(test)]
pub(crate) mod test_util;

pub use aggregate::{
    aggregate, aggregate_rows, aggregate_values, aggregate_with_param, AggregateOp,
};
pub use bin::{bin, bin_params, BinOptions, BinParams};
pub use fold::fold;
pub use group::{group_by, Groups};
pub use joinaggregate::joinaggregate;
pub use lookup::positions_in;
pub use sort::{sort_indices, Order, RowComparator};
pub use stack::{stack, stack_zero, StackOffset};
pub use take::{take, take_table};
pub use timeunit::{parse_time_unit, time_unit, TimeUnit};
pub use topn::top_n_other;
pub use window::{window, WindowOp, WindowSpec};
