//! A deterministic generated table for the engine benchmarks (`cargo xtask bench engine`).
//!
//! Stage: data. The same seed gives the same table natively and in WASM: two string columns
//! of 10 and 1,000 distinct values (`s10`, `s1000`), three numbers (`n0` uniform in
//! `[0, 1000)`, `n1` uniform in `[-50, 50)` with 1% nulls, `n2` a skewed positive amount) and
//! one date (`date`, epoch milliseconds at whole days from 2000-01-01 to 2019-12-31).

use super::{Bitmap, Codes, Column, NumberColumn, StrColumn, Table};
use crate::error::Result;

/// The columns of [`generate`], in order.
pub const COLUMNS: [&str; 6] = ["s10", "s1000", "n0", "n1", "n2", "date"];

/// SplitMix64: small, fast and deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    #[allow(clippy::cast_precision_loss)]
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }

    #[allow(clippy::cast_possible_truncation)]
    fn below(&mut self, n: u32) -> u32 {
        (((self.next() >> 32) * u64::from(n)) >> 32) as u32
    }
}

/// Generates `rows` rows from `seed`; each column is allocated once at its final size.
///
/// ```
/// let t = storychart::data::synth::generate(1000, 7).unwrap();
/// assert_eq!((t.num_rows(), t.names().len()), (1000, 6));
/// ```
pub fn generate(rows: usize, seed: u64) -> Result<Table> {
    let mut rng = Rng(seed);
    let mut s10 = Vec::with_capacity(rows);
    let mut s1000 = Vec::with_capacity(rows);
    let mut n0 = Vec::with_capacity(rows);
    let mut n1 = Vec::with_capacity(rows);
    let mut n2 = Vec::with_capacity(rows);
    let mut date = Vec::with_capacity(rows);
    let mut n1_valid = Bitmap::filled(rows, true);
    let mut n1_nulls = Vec::new();
    const DAY: f64 = 86_400_000.0;
    const START: f64 = 946_684_800_000.0; // 2000-01-01T00:00:00Z
    for row in 0..rows {
        // Codes stored narrow (u8, u16), as StrColumn keeps them.
        s10.push(u8::try_from(rng.below(10)).unwrap_or(0));
        s1000.push(u16::try_from(rng.below(1000)).unwrap_or(0));
        n0.push((rng.unit() * 1000.0 * 100.0).floor() / 100.0);
        if rng.below(100) == 0 {
            n1.push(f64::NAN);
            n1_nulls.push(row);
        } else {
            n1.push((rng.unit() * 10_000.0).floor() / 100.0 - 50.0);
        }
        let u = rng.unit();
        n2.push((u * u * u * 10_000.0).round());
        date.push(START + f64::from(rng.below(7305)) * DAY);
    }
    for row in n1_nulls {
        n1_valid.set(row, false);
    }
    let dict = |prefix: &str, n: usize| -> Vec<String> {
        (0..n).map(|i| format!("{prefix}{i:04}")).collect()
    };
    let number = |values: Vec<f64>| {
        Column::Number(NumberColumn {
            valid: Bitmap::filled(values.len(), true),
            values,
        })
    };
    let mut t = Table::with_rows(rows);
    t.push_column(
        "s10",
        Column::Str(StrColumn::from_codes(
            dict("cat", 10),
            Codes::U8(s10),
            Bitmap::filled(rows, true),
        )),
    )?;
    t.push_column(
        "s1000",
        Column::Str(StrColumn::from_codes(
            dict("item", 1000),
            Codes::U16(s1000),
            Bitmap::filled(rows, true),
        )),
    )?;
    t.push_column("n0", number(n0))?;
    t.push_column(
        "n1",
        Column::Number(NumberColumn {
            values: n1,
            valid: n1_valid,
        }),
    )?;
    t.push_column("n2", number(n2))?;
    t.push_column("date", number(date))?;
    Ok(t)
}

/// The same rows as CSV text (a header, then one line per row; dates as ISO `YYYY-MM-DD`,
/// nulls as empty fields), for the parse benchmark.
///
/// ```
/// let csv = storychart::data::synth::csv(3, 7);
/// assert!(csv.starts_with("s10,s1000,n0,n1,n2,date\n"));
/// assert_eq!(csv.lines().count(), 4);
/// ```
pub fn csv(rows: usize, seed: u64) -> String {
    use std::fmt::Write as _;
    let Ok(t) = generate(rows, seed) else {
        return String::new();
    };
    let mut out = String::with_capacity(rows * 48);
    out.push_str(&COLUMNS.join(","));
    out.push('\n');
    let cols: Vec<Option<&Column>> = COLUMNS.iter().map(|c| t.column(c)).collect();
    for row in 0..rows {
        for (i, col) in cols.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let v = col.map(|c| c.value(row));
            match v {
                Some(super::Value::Str(s)) => out.push_str(&s),
                Some(super::Value::Number(n)) if i == 5 => {
                    #[allow(clippy::cast_possible_truncation)]
                    let (y, m, d) = crate::js::date::civil_from_days((n / 86_400_000.0) as i64);
                    let _ = write!(out, "{y:04}-{m:02}-{d:02}");
                }
                Some(super::Value::Number(n)) => {
                    let _ = write!(out, "{n}");
                }
                _ => {}
            }
        }
        out.push('\n');
    }
    out
}

/// The benchmark workloads, shared by the native bench (`benches/engine.rs`) and the WASM
/// exports (`src/web/bench.rs`), so both run the same code. Each returns a checksum that
/// depends on every result, so no work can be optimised away and both sides can be compared.
pub mod work {
    use crate::data::kernels::bin::{bin_params, BinOptions};
    use crate::data::kernels::{aggregate, group_by, take_table, AggregateOp};
    use crate::data::{Column, NumberColumn, Table};
    use crate::error::{Error, Result};
    use crate::expr::Env;

    fn checksum(cols: &[NumberColumn]) -> f64 {
        cols.iter()
            .flat_map(|c| c.values.iter())
            .filter(|v| v.is_finite())
            .sum()
    }

    fn column<'a>(t: &'a Table, name: &str) -> Result<&'a Column> {
        t.column(name)
            .ok_or_else(|| Error::data(name, "no such column in the generated table"))
    }

    /// What a chart runs today for `filter: {field: "n0", range: [lo, hi]}` then an
    /// aggregate by `key` of `count`, `sum(n1)`, `mean(n1)` (and `median(n1)`): the predicate
    /// as Vega's expression, a selection, the selected rows gathered, group-by, one pass per op.
    pub fn filter_group_planned(
        t: &Table,
        key: &str,
        lo: f64,
        hi: f64,
        median: bool,
    ) -> Result<f64> {
        let text = format!("inrange(datum[\"n0\"], [{lo}, {hi}])");
        let rows = crate::expr::parse(&text)?.eval_filter(t, &Env::new())?;
        let rows: Vec<usize> = rows.into_iter().map(|r| r as usize).collect();
        let t = take_table(t, &rows)?;
        let g = group_by(&[column(&t, key)?], t.num_rows());
        let v = t.column("n1");
        let mut out = vec![
            aggregate(None, &g, AggregateOp::Count),
            aggregate(v, &g, AggregateOp::Sum),
            aggregate(v, &g, AggregateOp::Mean),
        ];
        if median {
            out.push(aggregate(v, &g, AggregateOp::Median));
        }
        Ok(checksum(&out))
    }

    /// What a reader's chart pays: the spec `filter: {field: "n0", range: [lo, hi]}` then an
    /// `aggregate` by `key` of `count`, `sum(n1)`, `mean(n1)` (and `median(n1)`), parsed,
    /// normalized and planned, then executed on the table (a clone shares its columns, as `Chart`'s
    /// source table does on every parameter change). Parsing
    /// and planning are timed too; they are microseconds.
    pub fn filter_group_chart(t: &Table, key: &str, lo: f64, hi: f64, median: bool) -> Result<f64> {
        let median_op = if median {
            r#",{"op": "median", "field": "n1", "as": "md"}"#
        } else {
            ""
        };
        let spec = format!(
            r#"{{"data": {{"values": []}},
              "transform": [
                {{"filter": {{"field": "n0", "range": [{lo}, {hi}]}}}},
                {{"aggregate": [{{"op": "count", "as": "c"}},
                               {{"op": "sum", "field": "n1", "as": "s"}},
                               {{"op": "mean", "field": "n1", "as": "m"}}{median_op}],
                  "groupby": ["{key}"]}}],
              "mark": "bar",
              "encoding": {{"x": {{"field": "{key}", "type": "nominal"}},
                           "y": {{"field": "s", "type": "quantitative"}}}}}}"#
        );
        let view = crate::spec::normalize(&crate::spec::parse_spec(&spec)?)?;
        let plan = crate::plan::plan(&view);
        let out = crate::plan::execute(&plan, t.clone())?;
        let mut cols = Vec::new();
        for name in ["c", "s", "m", "md"] {
            match out.column(name) {
                Some(Column::Number(c)) => cols.push(c.clone()),
                Some(_) => return Err(Error::data(name, "not a number column")),
                None => {}
            }
        }
        Ok(checksum(&cols))
    }

    /// The same work through the fused kernel ([`crate::data::kernels::fused`]): one pass
    /// testing the range and updating dense accumulators over the key's dictionary codes.
    pub fn filter_group_fused(t: &Table, key: &str, lo: f64, hi: f64, median: bool) -> Result<f64> {
        use crate::data::kernels::fused::{
            filter_group_aggregate, range_group_aggregate, select_range,
        };
        let (Column::Number(n0), Column::Str(k), Column::Number(n1)) =
            (column(t, "n0")?, column(t, key)?, column(t, "n1")?)
        else {
            return Err(Error::data(key, "unexpected column types"));
        };
        let mut ops = vec![AggregateOp::Count, AggregateOp::Sum, AggregateOp::Mean];
        if median {
            ops.push(AggregateOp::Median);
        }
        let f = range_group_aggregate(n0, lo, hi, k, Some(n1), &ops)
            .or_else(|| {
                let sel = select_range(n0, lo, hi, t.num_rows());
                filter_group_aggregate(Some(&sel), k, Some(n1), &ops)
            })
            .ok_or_else(|| Error::data(key, "fused kernel declined"))?;
        Ok(checksum(&f.columns))
    }

    /// `bin` + `count` of `n2` through the fused
    /// [`bin_count_field`](crate::data::kernels::bin::bin_count_field): `n2` is whole
    /// numbers in `[0, 10000]`, so this takes the narrow path (`Table::narrow`).
    pub fn bin_count_fused(t: &Table) -> Result<f64> {
        bin_count_fused_of(t, "n2")
    }

    /// `bin` + `count` of `n0` (two-decimal values: the `f64` path of
    /// [`bin_count`](crate::data::kernels::bin::bin_count)) through the same entry point.
    pub fn bin_count_fused_n0(t: &Table) -> Result<f64> {
        bin_count_fused_of(t, "n0")
    }

    #[allow(clippy::cast_precision_loss)]
    fn bin_count_fused_of(t: &Table, field: &str) -> Result<f64> {
        // As a chart's plan takes it: the column's extent, remembered by the table.
        let ext = t.extent(field).unwrap_or([0.0, 1.0]);
        let p = bin_params(ext, &BinOptions::default());
        let (_, counts) = crate::data::kernels::bin::bin_count_field(t, field, &p)
            .ok_or_else(|| Error::data(field, "fused bin declined"))?;
        Ok(counts.iter().map(|c| *c as f64).sum())
    }

    /// A new table holding a copy of `t`'s `n2` alone, whose statistics are not known yet:
    /// [`bin_count_fused`] on it pays what a chart's first bin of a freshly loaded column
    /// pays (the extent pass, the narrow encoding's pass, then the bin pass). The copy is made here, outside the timing.
    pub fn fresh_n2(t: &Table) -> Result<Table> {
        let mut fresh = Table::with_rows(t.num_rows());
        fresh.push_column("n2", column(t, "n2")?.clone())?;
        Ok(fresh)
    }

    /// What a reader's histogram pays: the spec `"x": {"bin": true, "field": "n2"}, "y":
    /// {"aggregate": "count"}` (Vega's default 10 bins) parsed, normalized and planned, then
    /// executed on the table (a clone shares its columns and their remembered extents, as
    /// `Chart`'s source table does). The plan routes bin + count to the fused kernel.
    pub fn bin_count(t: &Table) -> Result<f64> {
        let spec = r#"{"data": {"values": []}, "mark": "bar", "encoding": {
            "x": {"bin": true, "field": "n2"}, "y": {"aggregate": "count"}}}"#;
        let view = crate::spec::normalize(&crate::spec::parse_spec(spec)?)?;
        let plan = crate::plan::plan(&view);
        let out = crate::plan::execute(&plan, t.clone())?;
        match out.column("__count") {
            Some(Column::Number(c)) => Ok(checksum(std::slice::from_ref(c))),
            _ => Err(Error::data(
                "__count",
                "no count column in the histogram's output",
            )),
        }
    }

    /// CSV text -> typed table (`format.parse: "auto"`): returns the row count.
    #[allow(clippy::cast_precision_loss)]
    pub fn parse_csv(text: &str) -> Result<f64> {
        let (t, _) = crate::data::parse::parse_dsv_auto_report(text, Some(b','), "bench.csv")?;
        Ok(t.num_rows() as f64)
    }
}
