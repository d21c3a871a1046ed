//! JavaScript's number and date semantics, shared by every stage that must equal Vega.
//!
//! Stage: none (a utility under the pipeline). Vega computes in JavaScript, so matching it to
//! the last bit needs JavaScript's `Math.round`, V8's `Math.pow(10, k)`, `Number.toString`,
//! `toFixed`/`toPrecision` ([`num`]) and `Date`'s proleptic Gregorian arithmetic ([`date`]).
//! One copy of each lives here; the scales, the kernels, the parsers and the expression
//! evaluator all call it.

pub(crate) mod date;
pub(crate) mod num;
