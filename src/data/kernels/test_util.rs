//! Test helpers for the kernels: a deterministic PRNG and random tables with nulls, `NaN`,
//! duplicate keys and ties.

use crate::data::{Bitmap, Column, NumberColumn, StrColumn, Table, Value};

/// xorshift64*: small, deterministic, good enough for property tests.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        let mut x = self.0 | 1;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in `0..n` (0 when `n == 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
}

/// A random table of up to `max_rows` rows with columns:
/// `g` (strings, few distinct, nulls), `n` (numbers, small with ties, nulls, fractions),
/// `b` (booleans with nulls), `m` (mixed: null, NaN, numbers, numeric and other strings,
/// booleans).
pub fn random_table(rng: &mut Rng, max_rows: u64) -> Table {
    let rows = rng.below(max_rows + 1) as usize;
    let mut g = StrColumn::default();
    let mut n = NumberColumn::default();
    let mut bv = Vec::new();
    let mut bvalid = Bitmap::new();
    let mut m = Vec::new();
    for _ in 0..rows {
        let k = rng.below(5);
        g.push(["a", "b", "B", "c"].get(k as usize).copied());
        n.push(match rng.below(8) {
            0 => None,
            1 => Some(-(rng.below(4) as f64)),
            2 => Some(rng.below(8) as f64 / 4.0),
            3 => Some(0.1 * rng.below(5) as f64),
            _ => Some(rng.below(6) as f64),
        });
        let b = rng.below(3);
        bv.push(b == 1);
        bvalid.push(b != 0);
        m.push(match rng.below(9) {
            0 => Value::Null,
            1 => Value::Number(f64::NAN),
            2 => Value::Str("x".into()),
            3 => Value::Str(format!("{}", rng.below(4))),
            4 => Value::Bool(rng.below(2) == 1),
            5 => Value::Str(String::new()),
            _ => Value::Number(rng.below(5) as f64 - 1.0),
        });
    }
    let mut t = Table::with_rows(rows);
    t.push_column("g", Column::Str(g)).unwrap();
    t.push_column("n", Column::Number(n)).unwrap();
    t.push_column(
        "b",
        Column::Bool {
            values: bv,
            valid: bvalid,
        },
    )
    .unwrap();
    t.push_column("m", Column::Mixed(m)).unwrap();
    t
}
