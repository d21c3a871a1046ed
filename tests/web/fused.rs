//! The fused filter + group kernels in the browser build: the wasm32 `f64x2` range test
//! (`data::kernels::keep`, compiled only there) against the portable row-by-row selection,
//! and the one-pass kernel on it against the selection path, on random columns with nulls,
//! `NaN`, zeros of both signs and infinities.

use storychart::data::kernels::fused::{
    filter_group_aggregate, range_group_aggregate, select_range,
};
use storychart::data::kernels::keep::range_words;
use storychart::data::kernels::AggregateOp;
use storychart::data::{Bitmap, NumberColumn, StrColumn};
use wasm_bindgen_test::*;

/// xorshift64*: deterministic.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        let mut x = self.0 | 1;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1)
    }
}

fn number(rng: &mut Rng) -> (f64, bool) {
    match rng.below(12) {
        0 => (f64::NAN, false),
        1 => (4.0, false),
        2 => (f64::NAN, true),
        3 => (-0.0, true),
        4 => (0.0, true),
        5 => (f64::INFINITY, true),
        6 => (f64::NEG_INFINITY, true),
        _ => (rng.below(21) as f64 * 0.5 - 5.0, true),
    }
}

fn column(rng: &mut Rng, len: usize, nulls: bool) -> NumberColumn {
    let mut c = NumberColumn::default();
    for _ in 0..len {
        let (v, valid) = number(rng);
        c.values.push(v);
        c.valid.push(valid || !nulls);
    }
    c
}

fn rows_of(words: &[u64]) -> Vec<u32> {
    let mut out = Vec::new();
    for (w, word) in words.iter().enumerate() {
        for j in 0..64 {
            if (word >> j) & 1 == 1 {
                out.push((w * 64 + j) as u32);
            }
        }
    }
    out
}

#[wasm_bindgen_test]
fn simd_range_words_equal_the_row_by_row_selection() {
    let mut rng = Rng(41);
    for round in 0..500 {
        let len = rng.below(700) as usize;
        let rows = len
            + if round % 3 == 0 {
                rng.below(130) as usize
            } else {
                0
            };
        let col = column(&mut rng, len, round % 2 == 0);
        let bound = |rng: &mut Rng| match rng.below(10) {
            0 => f64::NAN,
            1 => -0.0,
            2 => f64::INFINITY,
            k => k as f64 - 5.5,
        };
        let (lo, hi) = (bound(&mut rng), bound(&mut rng));
        let words = range_words(&col, lo, hi, rows);
        assert_eq!(words.len(), rows.div_ceil(64), "round {round}");
        assert_eq!(
            rows_of(&words),
            select_range(&col, lo, hi, rows),
            "round {round}: [{lo}, {hi}] over {rows} rows"
        );
    }
}

#[wasm_bindgen_test]
fn one_pass_kernel_equals_the_selection_path() {
    use AggregateOp as A;
    let ops = [
        A::Count,
        A::Valid,
        A::Missing,
        A::Sum,
        A::Mean,
        A::Median,
        A::Q1,
        A::Q3,
    ];
    let mut rng = Rng(43);
    for round in 0..40 {
        // Up to several chunks of range-tested words.
        let rows = rng.below(9000) as usize;
        let size = [3, 300, 70_000][round % 3];
        let dict: Vec<String> = (0..size).map(|i| format!("k{i}")).collect();
        let codes: Vec<u32> = (0..rows).map(|_| rng.below(size as u64) as u32).collect();
        let mut valid = Bitmap::filled(rows, true);
        if round % 2 == 1 {
            for r in 0..rows {
                if rng.below(9) == 0 {
                    valid.set(r, false);
                }
            }
        }
        let key = StrColumn::from_parts(dict, codes, valid);
        let filter = column(&mut rng, rows, round % 4 < 2);
        let value = column(&mut rng, rows, true);
        let (lo, hi) = (rng.below(8) as f64 - 4.0, rng.below(8) as f64 - 2.0);
        let sel = select_range(&filter, lo, hi, rows);
        let want = filter_group_aggregate(Some(&sel), &key, Some(&value), &ops).unwrap();
        let got = range_group_aggregate(&filter, lo, hi, &key, Some(&value), &ops).unwrap();
        assert_eq!(got.keys, want.keys, "round {round}");
        assert_eq!(got.first_row, want.first_row, "round {round}");
        for (a, b) in got.columns.iter().zip(&want.columns) {
            let bits = |c: &NumberColumn| -> Vec<Option<u64>> {
                (0..c.values.len())
                    .map(|i| c.get(i).map(f64::to_bits))
                    .collect()
            };
            assert_eq!(bits(a), bits(b), "round {round}");
        }
    }
}
