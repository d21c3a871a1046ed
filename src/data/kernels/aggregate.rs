//! Aggregate ops over groups, with the semantics of Vega's `aggregate` transform
//! (vega-transforms `AggregateOps.js`, Vega 6.4).
//!
//! Stage: kernels. Group once ([`group_by`](super::group_by)), then aggregate each column
//! against the groups. Vega's rules, kept here:
//!
//! - `count` counts rows. Every other op reads the field: `null`, a missing field and `""` are
//!   *missing*; a raw `NaN` is skipped (neither missing nor valid); everything else is *valid*
//!   and coerced with unary `+`, so a non-numeric string poisons `sum`/`mean` with `NaN`
//!   (shown as null). A number column cannot tell `null` from `NaN`: its invalid rows count
//!   as missing.
//! - A group with no valid value gives null for every op but `count`, `valid`, `missing` and
//!   `distinct` (Vega 6 returns `undefined` for an empty `sum` too, not 0).
//! - `mean` and the variance family use Vega's running (Welford) updates
//!   (`mean += (v - mean) / n; dev += d * (v - mean)`), so results equal Vega's bit for bit.
//! - `median`, `q1`, `q3` are d3's R-7 quantiles of the valid numbers ([`super::quantile`]),
//!   computed by selection. `ci0`/`ci1` are Vega's bootstrap with a fixed seed: they cannot
//!   equal Vega's, which draws from `Math.random`.
//! - `min`/`max` keep the first of equal values; text compares as text (UTF-16 order) as in
//!   JavaScript, and the result is the winning value coerced to a number.
//! - `argmin`, `argmax` and `values` produce rows, not numbers: see [`aggregate_rows`] and
//!   [`aggregate_values`]. Where Vega gives `{}` (no valid value), `aggregate_rows` gives `None`.
//! - `exponential`/`exponentialb` take Vega's `aggregate_params` value through
//!   [`aggregate_with_param`]; without one (Vega-Lite passes none) Vega computes `NaN`.

pub(crate) mod cells;
mod distinct;
mod extreme;
#[cfg(test)]
mod tests;

use cells::{Cells, State};
use extreme::End;

use crate::data::kernels::quantile::{bootstrap_ci, quantile_select, Rng, BOOTSTRAP_SEED};
use crate::data::kernels::Groups;
use crate::data::{Column, NumberColumn};

/// An aggregate operation (Vega's `aggregate` ops; `encoding.*.aggregate` in Vega-Lite).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AggregateOp {
    /// Number of rows.
    Count,
    /// Sum of valid values.
    Sum,
    /// Arithmetic mean of valid values.
    Mean,
    /// The same as `Mean`, spelled `average` (Vega-Lite keeps the spelling in field names).
    Average,
    /// Smallest valid value.
    Min,
    /// Largest valid value.
    Max,
    /// Number of valid values (not null, `""` or `NaN`).
    Valid,
    /// Number of null, undefined or `""` values.
    Missing,
    /// Number of distinct values, null included.
    Distinct,
    /// Product of valid values.
    Product,
    /// Sample variance.
    Variance,
    /// Population variance.
    VarianceP,
    /// Sample standard deviation.
    Stdev,
    /// Population standard deviation.
    StdevP,
    /// Standard error of the mean.
    Stderr,
    /// Median (d3 R-7 quantile at 0.5).
    Median,
    /// Lower quartile.
    Q1,
    /// Upper quartile.
    Q3,
    /// Lower bound of the bootstrapped 95% confidence interval of the mean.
    Ci0,
    /// Upper bound of the bootstrapped 95% confidence interval of the mean.
    Ci1,
    /// The row holding the smallest value (see [`aggregate_rows`]).
    Argmin,
    /// The row holding the largest value (see [`aggregate_rows`]).
    Argmax,
    /// All rows of the group (see [`aggregate_values`]).
    Values,
    /// Exponentially weighted mean (Vega's `exponential`; needs a parameter).
    Exponential,
    /// Vega's bias-corrected `exponentialb` (needs a parameter).
    ExponentialB,
}

/// Every op with its Vega name, in Vega-Lite's schema order.
const OPS: [(AggregateOp, &str); 25] = [
    (AggregateOp::Argmax, "argmax"),
    (AggregateOp::Argmin, "argmin"),
    (AggregateOp::Average, "average"),
    (AggregateOp::Count, "count"),
    (AggregateOp::Distinct, "distinct"),
    (AggregateOp::Max, "max"),
    (AggregateOp::Mean, "mean"),
    (AggregateOp::Median, "median"),
    (AggregateOp::Min, "min"),
    (AggregateOp::Missing, "missing"),
    (AggregateOp::Product, "product"),
    (AggregateOp::Q1, "q1"),
    (AggregateOp::Q3, "q3"),
    (AggregateOp::Ci0, "ci0"),
    (AggregateOp::Ci1, "ci1"),
    (AggregateOp::Stderr, "stderr"),
    (AggregateOp::Stdev, "stdev"),
    (AggregateOp::StdevP, "stdevp"),
    (AggregateOp::Sum, "sum"),
    (AggregateOp::Valid, "valid"),
    (AggregateOp::Values, "values"),
    (AggregateOp::Variance, "variance"),
    (AggregateOp::VarianceP, "variancep"),
    (AggregateOp::Exponential, "exponential"),
    (AggregateOp::ExponentialB, "exponentialb"),
];

impl AggregateOp {
    /// Every op, in Vega-Lite's schema order.
    pub fn all() -> impl Iterator<Item = AggregateOp> {
        OPS.iter().map(|(op, _)| *op)
    }

    /// Parses a Vega-Lite op name; `None` for names Vega does not know.
    pub fn from_name(name: &str) -> Option<Self> {
        OPS.iter().find(|(_, n)| *n == name).map(|(op, _)| *op)
    }

    /// The op's name as Vega-Lite spells it in derived field names (`sum_people`).
    pub fn name(self) -> &'static str {
        OPS.iter()
            .find(|(op, _)| *op == self)
            .map_or("count", |(_, n)| n)
    }

    /// Whether stacking values of this op is meaningful (Vega-Lite's `SUM_OPS`).
    pub fn is_summative(self) -> bool {
        use AggregateOp::{Count, Distinct, Missing, Sum, Valid};
        matches!(self, Count | Sum | Distinct | Valid | Missing)
    }

    /// Whether the op yields one number per group ([`aggregate`]); `false` for `argmin`,
    /// `argmax` and `values`, which yield rows.
    pub fn is_numeric(self) -> bool {
        !matches!(
            self,
            AggregateOp::Argmin | AggregateOp::Argmax | AggregateOp::Values
        )
    }
}

/// Applies `op` to `column` (ignored for `count`; may be `None` then) within `groups`,
/// returning one value per group. Non-numeric ops (`argmin`, `argmax`, `values`) give nulls
/// here; use [`aggregate_rows`] or [`aggregate_values`] for them.
///
/// ```
/// use storychart::data::{kernels::{aggregate, group_by}, parse::parse_json};
/// use storychart::data::kernels::AggregateOp;
/// let t = parse_json(r#"[{"k": "a", "v": 1}, {"k": "b", "v": 5}, {"k": "a", "v": 2}]"#, "t").unwrap();
/// let g = group_by(&[t.column("k").unwrap()], 3);
/// let sums = aggregate(t.column("v"), &g, AggregateOp::Sum);
/// assert_eq!(sums.values, vec![3.0, 5.0]);
/// let medians = aggregate(t.column("v"), &g, AggregateOp::Median);
/// assert_eq!(medians.values, vec![1.5, 5.0]);
/// ```
pub fn aggregate(column: Option<&Column>, groups: &Groups, op: AggregateOp) -> NumberColumn {
    aggregate_with_param(column, groups, op, None)
}

/// [`aggregate`] with Vega's `aggregate_params` value for the op (the weight `r` of
/// `exponential`/`exponentialb`; ignored by other ops).
///
/// ```
/// use storychart::data::{kernels::{aggregate_with_param, group_by}, parse::parse_json};
/// use storychart::data::kernels::AggregateOp;
/// let t = parse_json(r#"[{"v": 1}, {"v": 2}]"#, "t").unwrap();
/// let g = group_by(&[], 2);
/// let e = aggregate_with_param(t.column("v"), &g, AggregateOp::Exponential, Some(0.5));
/// assert_eq!(e.values, vec![5.0 / 3.0]);
/// ```
pub fn aggregate_with_param(
    column: Option<&Column>,
    groups: &Groups,
    op: AggregateOp,
    param: Option<f64>,
) -> NumberColumn {
    use AggregateOp as A;
    let n = groups.len();
    let rg = groups.row_group.as_slice();
    // Ops that never read the values skip classifying them.
    match op {
        A::Count => {
            return NumberColumn::from_options(counts(rg, n).into_iter().map(|c| Some(c as f64)))
        }
        A::Distinct => {
            let d = distinct::distinct(column, rg, n);
            return NumberColumn::from_options(d.into_iter().map(|c| Some(c as f64)));
        }
        A::Argmin | A::Argmax | A::Values => return NumberColumn::from_options(vec![None; n]),
        _ => {}
    }
    let cells = Cells::new(column);
    let values: Vec<Option<f64>> = match op {
        A::Valid => cells
            .counts(rg, n)
            .0
            .into_iter()
            .map(|c| Some(c as f64))
            .collect(),
        A::Missing => {
            let (valid, skip) = cells.counts(rg, n);
            let rows = counts(rg, n);
            rows.iter()
                .zip(valid.iter().zip(&skip))
                .map(|(r, (v, s))| Some(r.saturating_sub(v + s) as f64))
                .collect()
        }
        A::Sum => fold(&cells, rg, n, 0.0, |s, v| *s += v),
        A::Product => fold(&cells, rg, n, 1.0, |s, v| *s *= v),
        A::Mean | A::Average => moments(&cells, rg, n)
            .into_iter()
            .map(|m| (m.n > 0.0).then_some(m.mean))
            .collect(),
        A::Variance | A::VarianceP | A::Stdev | A::StdevP | A::Stderr => moments(&cells, rg, n)
            .into_iter()
            .map(|m| m.spread(op))
            .collect(),
        A::Median => quantiles(&cells, rg, n, 0.5),
        A::Q1 => quantiles(&cells, rg, n, 0.25),
        A::Q3 => quantiles(&cells, rg, n, 0.75),
        A::Ci0 | A::Ci1 => confidence(&cells, rg, n, op == A::Ci1),
        A::Min | A::Max => extremes(column, &cells, rg, n, op),
        A::Exponential | A::ExponentialB => exponential(&cells, rg, n, param, op),
        A::Count | A::Distinct | A::Argmin | A::Argmax | A::Values => vec![None; n],
    };
    NumberColumn::from_options(values)
}

/// Per group, the row Vega's `argmin` or `argmax` returns (the first row holding the
/// extreme value); `None` where Vega returns `{}` (no valid value). Other ops give `None`.
///
/// ```
/// use storychart::data::{kernels::{aggregate_rows, group_by}, parse::parse_json};
/// use storychart::data::kernels::AggregateOp;
/// let t = parse_json(r#"[{"v": 3}, {"v": 1}, {"v": 9}, {"v": 1}]"#, "t").unwrap();
/// let g = group_by(&[], 4);
/// assert_eq!(aggregate_rows(t.column("v"), &g, AggregateOp::Argmin), vec![Some(1)]);
/// assert_eq!(aggregate_rows(t.column("v"), &g, AggregateOp::Argmax), vec![Some(2)]);
/// ```
pub fn aggregate_rows(
    column: Option<&Column>,
    groups: &Groups,
    op: AggregateOp,
) -> Vec<Option<u32>> {
    let n = groups.len();
    let cells = Cells::new(column);
    let rg = groups.row_group.as_slice();
    match op {
        AggregateOp::Argmin => extreme::arg_rows(column, &cells, rg, n, End::Min),
        AggregateOp::Argmax => extreme::arg_rows(column, &cells, rg, n, End::Max),
        _ => vec![None; n],
    }
}

/// Per group, all its rows in row order: Vega's `values` op (which keeps every datum,
/// missing values included).
///
/// ```
/// use storychart::data::{kernels::{aggregate_values, group_by}, parse::parse_json};
/// let t = parse_json(r#"[{"k": "a"}, {"k": "b"}, {"k": "a"}]"#, "t").unwrap();
/// let g = group_by(&[t.column("k").unwrap()], 3);
/// assert_eq!(aggregate_values(&g), vec![vec![0, 2], vec![1]]);
/// ```
pub fn aggregate_values(groups: &Groups) -> Vec<Vec<u32>> {
    let n = groups.len();
    let mut out: Vec<Vec<u32>> = counts(&groups.row_group, n)
        .into_iter()
        .map(|c| Vec::with_capacity(usize::try_from(c).unwrap_or(0)))
        .collect();
    for (row, g) in groups.row_group.iter().enumerate() {
        if let (Some(rows), Ok(row)) = (out.get_mut(*g as usize), u32::try_from(row)) {
            rows.push(row);
        }
    }
    out
}

/// Rows per group.
fn counts(row_group: &[u32], n: usize) -> Vec<u64> {
    let mut c = vec![0u64; n];
    for g in row_group {
        if let Some(c) = c.get_mut(*g as usize) {
            *c += 1;
        }
    }
    c
}

/// Folds the valid values of each group into an accumulator starting at `init`; null for
/// groups without a valid value (Vega's `m.valid ? m.x : undefined`).
#[inline]
fn fold(
    cells: &Cells,
    rg: &[u32],
    n: usize,
    init: f64,
    step: impl Fn(&mut f64, f64),
) -> Vec<Option<f64>> {
    let mut acc = vec![(init, false); n];
    cells.each_valid(rg, |g, v| {
        if let Some((a, seen)) = acc.get_mut(g) {
            step(a, v);
            *seen = true;
        }
    });
    acc.into_iter().map(|(a, seen)| seen.then_some(a)).collect()
}

/// Vega's running mean and sum of squared deviations.
#[derive(Clone, Copy, Default)]
struct Moments {
    n: f64,
    mean: f64,
    dev: f64,
}

impl Moments {
    /// The variance-family op's value (`Math.max(0, dev)` keeps `NaN`, as JavaScript does).
    fn spread(self, op: AggregateOp) -> Option<f64> {
        let dev = if self.dev.is_nan() {
            f64::NAN
        } else {
            self.dev.max(0.0)
        };
        let n = self.n;
        match op {
            AggregateOp::Variance if n > 1.0 => Some(dev / (n - 1.0)),
            AggregateOp::VarianceP if n > 0.0 => Some(dev / n),
            AggregateOp::Stdev if n > 1.0 => Some((dev / (n - 1.0)).sqrt()),
            AggregateOp::StdevP if n > 0.0 => Some((dev / n).sqrt()),
            AggregateOp::Stderr if n > 1.0 => Some((dev / (n * (n - 1.0))).sqrt()),
            _ => None,
        }
    }
}

fn moments(cells: &Cells, rg: &[u32], n: usize) -> Vec<Moments> {
    let mut m = vec![Moments::default(); n];
    cells.each_valid(rg, |g, v| {
        if let Some(m) = m.get_mut(g) {
            m.n += 1.0;
            let d = v - m.mean;
            m.mean += d / m.n;
            m.dev += d * (v - m.mean);
        }
    });
    m
}

/// Vega's `min`/`max`: a running extreme with strict comparisons.
fn extremes(
    column: Option<&Column>,
    cells: &Cells,
    rg: &[u32],
    n: usize,
    op: AggregateOp,
) -> Vec<Option<f64>> {
    let end = if op == AggregateOp::Min {
        End::Min
    } else {
        End::Max
    };
    if matches!(column, Some(Column::Str(_) | Column::Mixed(_))) {
        return extreme::extreme_rows(column, cells, rg, n, end)
            .into_iter()
            .map(|r| r.map(|r| cells.values.get(r as usize).copied().unwrap_or(f64::NAN)))
            .collect();
    }
    let mut acc: Vec<Option<f64>> = vec![None; n];
    cells.each_valid(rg, |g, v| {
        if let Some(a) = acc.get_mut(g) {
            match a {
                None => *a = Some(v),
                Some(m) if (end == End::Min && v < *m) || (end == End::Max && v > *m) => *m = v,
                Some(_) => {}
            }
        }
    });
    acc
}

/// The valid numbers of every group, contiguous per group (`offsets[g]..offsets[g + 1]`), in
/// row order: vega-statistics `numbers()` (valid and not `NaN` after `+`).
fn gather(cells: &Cells, rg: &[u32], n: usize) -> (Vec<f64>, Vec<usize>) {
    let mut offsets = vec![0usize; n + 1];
    cells.each_valid(rg, |g, v| {
        if let (Some(o), false) = (offsets.get_mut(g + 1), v.is_nan()) {
            *o += 1;
        }
    });
    for g in 0..n {
        let prev = offsets.get(g).copied().unwrap_or(0);
        if let Some(o) = offsets.get_mut(g + 1) {
            *o += prev;
        }
    }
    let total = offsets.last().copied().unwrap_or(0);
    let mut buf = vec![0.0; total];
    let mut next = offsets.clone();
    cells.each_valid(rg, |g, v| {
        if v.is_nan() {
            return;
        }
        if let Some(at) = next.get_mut(g) {
            if let Some(slot) = buf.get_mut(*at) {
                *slot = v;
            }
            *at += 1;
        }
    });
    (buf, offsets)
}

fn quantiles(cells: &Cells, rg: &[u32], n: usize, p: f64) -> Vec<Option<f64>> {
    if let (State::AllValid, true) = (&cells.state, n == 1) {
        // One group of plain numbers: select on a copy without the gather pass.
        let mut scratch: Vec<f64> = cells.values.iter().take(rg.len()).copied().collect();
        return vec![quantile_select(&mut scratch, p)];
    }
    let (mut buf, offsets) = gather(cells, rg, n);
    (0..n)
        .map(|g| {
            let a = offsets.get(g).copied()?;
            let b = offsets.get(g + 1).copied()?;
            quantile_select(buf.get_mut(a..b)?, p)
        })
        .collect()
}

fn confidence(cells: &Cells, rg: &[u32], n: usize, upper: bool) -> Vec<Option<f64>> {
    let (buf, offsets) = gather(cells, rg, n);
    let mut rng = Rng::new(BOOTSTRAP_SEED);
    (0..n)
        .map(|g| {
            let a = offsets.get(g).copied()?;
            let b = offsets.get(g + 1).copied()?;
            let (lo, hi) = bootstrap_ci(buf.get(a..b)?, 1000, 0.05, &mut rng);
            if upper {
                hi
            } else {
                lo
            }
        })
        .collect()
}

/// Vega's `exponential` (`exp = r * exp + v`, value `exp * (1 - r) / (1 - r ** n)`) and
/// `exponentialb` (`exp * (1 - r)`). Without a parameter Vega's `r` is undefined: `NaN`.
fn exponential(
    cells: &Cells,
    rg: &[u32],
    n: usize,
    param: Option<f64>,
    op: AggregateOp,
) -> Vec<Option<f64>> {
    let r = param.unwrap_or(f64::NAN);
    let mut acc = vec![(0.0, 0.0); n];
    cells.each_valid(rg, |g, v| {
        if let Some((e, k)) = acc.get_mut(g) {
            *e = r * *e + v;
            *k += 1.0;
        }
    });
    acc.into_iter()
        .map(|(e, k)| {
            (k > 0.0).then(|| match op {
                AggregateOp::ExponentialB => e * (1.0 - r),
                _ => e * (1.0 - r) / (1.0 - r.powf(k)),
            })
        })
        .collect()
}
