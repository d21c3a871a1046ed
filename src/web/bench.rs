//! WASM exports for `cargo xtask bench engine` (feature `bench`; never in the shipped
//! package): the generated table and the same workloads the native bench runs
//! ([`crate::data::synth::work`]), plus copies of columns as typed arrays for the plain-JS
//! loop the page runs next to them.
//!
//! Stage: kernels (browser benchmark entry point).

use wasm_bindgen::prelude::*;

use crate::data::kernels::bin::{bin_params, extent, BinOptions};
use crate::data::synth::{self, work};
use crate::data::{Column, Table};

fn js_error(e: &crate::Error) -> JsError {
    JsError::new(&e.to_string())
}

/// A generated benchmark table held in WASM memory.
#[wasm_bindgen]
pub struct BenchTable {
    table: Table,
    /// A copy of `n2` in a table of its own whose statistics are not known yet
    /// ([`BenchTable::prepare_first`]), used up by [`BenchTable::bin_count_fused_first`].
    fresh: Option<Table>,
}

#[wasm_bindgen]
impl BenchTable {
    /// Generates `rows` rows from `seed` ([`synth::generate`]).
    #[wasm_bindgen(constructor)]
    pub fn new(rows: u32, seed: u32) -> Result<BenchTable, JsError> {
        let table = synth::generate(rows as usize, u64::from(seed)).map_err(|e| js_error(&e))?;
        Ok(BenchTable { table, fresh: None })
    }

    /// Filter `lo <= n0 <= hi`, group by `key`, count + sum + mean of `n1` (+ median):
    /// the fused kernel. Returns a checksum.
    #[wasm_bindgen(js_name = filterGroupFused)]
    pub fn filter_group_fused(
        &self,
        key: &str,
        lo: f64,
        hi: f64,
        median: bool,
    ) -> Result<f64, JsError> {
        work::filter_group_fused(&self.table, key, lo, hi, median).map_err(|e| js_error(&e))
    }

    /// The same work as a chart's plan runs it today (expression filter, gathered rows,
    /// group-by, one pass per op).
    #[wasm_bindgen(js_name = filterGroupPlanned)]
    pub fn filter_group_planned(
        &self,
        key: &str,
        lo: f64,
        hi: f64,
        median: bool,
    ) -> Result<f64, JsError> {
        work::filter_group_planned(&self.table, key, lo, hi, median).map_err(|e| js_error(&e))
    }

    /// The same work as a reader's chart runs it: spec -> normalize -> plan -> execute on the
    /// table (its columns shared, as a chart's are).
    #[wasm_bindgen(js_name = filterGroupChart)]
    pub fn filter_group_chart(
        &self,
        key: &str,
        lo: f64,
        hi: f64,
        median: bool,
    ) -> Result<f64, JsError> {
        work::filter_group_chart(&self.table, key, lo, hi, median).map_err(|e| js_error(&e))
    }

    /// `bin` + `count` of `n2` (fused; whole numbers, so the narrow path).
    #[wasm_bindgen(js_name = binCountFused)]
    pub fn bin_count_fused(&self) -> Result<f64, JsError> {
        work::bin_count_fused(&self.table).map_err(|e| js_error(&e))
    }

    /// `bin` + `count` of `n0` (fused; two-decimal values, so the `f64` path).
    #[wasm_bindgen(js_name = binCountFusedN0)]
    pub fn bin_count_fused_n0(&self) -> Result<f64, JsError> {
        work::bin_count_fused_n0(&self.table).map_err(|e| js_error(&e))
    }

    /// Copies `n2` into a table of its own whose statistics are not known yet, for one
    /// [`BenchTable::bin_count_fused_first`] (call it before each timed run; not timed).
    #[wasm_bindgen(js_name = prepareFirst)]
    pub fn prepare_first(&mut self) -> Result<(), JsError> {
        self.fresh = None;
        self.fresh = Some(work::fresh_n2(&self.table).map_err(|e| js_error(&e))?);
        Ok(())
    }

    /// `bin` + `count` of `n2` (fused) on the copy [`BenchTable::prepare_first`] made: the
    /// first bin of a freshly loaded column, which pays its extent pass too.
    #[wasm_bindgen(js_name = binCountFusedFirst)]
    pub fn bin_count_fused_first(&mut self) -> Result<f64, JsError> {
        let fresh = self
            .fresh
            .take()
            .ok_or_else(|| JsError::new("prepareFirst was not called"))?;
        work::bin_count_fused(&fresh).map_err(|e| js_error(&e))
    }

    /// A histogram of `n2` (`bin` + `count`) as a chart runs it: the spec planned and
    /// executed ([`work::bin_count`]).
    #[wasm_bindgen(js_name = binCountPlanned)]
    pub fn bin_count_planned(&self) -> Result<f64, JsError> {
        work::bin_count(&self.table).map_err(|e| js_error(&e))
    }

    /// `[start, stop, step]` of Vega's default bins of `n2` (for the JS loop).
    #[wasm_bindgen(js_name = binParams)]
    pub fn bin_params(&self) -> Vec<f64> {
        let ext = self
            .table
            .column("n2")
            .and_then(extent)
            .unwrap_or([0.0, 1.0]);
        let p = bin_params(ext, &BinOptions::default());
        vec![p.start, p.stop, p.step]
    }

    /// A copy of a string column's dictionary codes (a `Uint32Array`).
    pub fn codes(&self, name: &str) -> Vec<u32> {
        match self.table.column(name) {
            Some(Column::Str(c)) => c.codes.to_vec(),
            _ => Vec::new(),
        }
    }

    /// A copy of a number column's values, `NaN` where null (a `Float64Array`).
    pub fn numbers(&self, name: &str) -> Vec<f64> {
        match self.table.column(name) {
            Some(Column::Number(c)) => (0..c.values.len())
                .map(|i| c.get(i).unwrap_or(f64::NAN))
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// The generated table as CSV text ([`synth::csv`]).
#[wasm_bindgen(js_name = benchCsv)]
pub fn bench_csv(rows: u32, seed: u32) -> String {
    synth::csv(rows as usize, u64::from(seed))
}

/// Parses CSV bytes (as the element hands fetched data over: copied into WASM memory, checked
/// as UTF-8) and types its columns (`format.parse: "auto"`); returns the row count.
#[wasm_bindgen(js_name = benchParseCsv)]
pub fn bench_parse_csv(bytes: &[u8]) -> Result<f64, JsError> {
    work::parse_csv(&String::from_utf8_lossy(bytes)).map_err(|e| js_error(&e))
}
