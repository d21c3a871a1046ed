//! The narrow path against the `f64` path and a naive per-row reference, on random
//! whole-number columns (nulls, `NaN`, `-0`, negative and large bases, spans up to and just
//! past 65534) and random bins (steps that are not whole, edges between whole numbers,
//! values outside the bins, maxbins 1..200): both the threshold pass and the histogram.

use super::*;
use crate::data::kernels::bin::{bin_count, bin_of, bin_params, extent, BinOptions};
use crate::data::kernels::test_util::Rng;
use crate::data::{Column, Table};

type Groups = Vec<(Option<u64>, u64)>;

/// Row by row: each row's bin start (Vega's formula, [`bin_of`]), grouped by bits in order
/// of first appearance, with counts.
fn naive(col: &NumberColumn, p: &BinParams) -> Groups {
    let mut out: Groups = Vec::new();
    for i in 0..col.values.len() {
        let key = col
            .get(i)
            .filter(|v| !v.is_nan())
            .map(|v| bin_of(v, p).to_bits());
        match out.iter_mut().find(|(k, _)| *k == key) {
            Some((_, n)) => *n += 1,
            None => out.push((key, 1)),
        }
    }
    out
}

fn groups(r: Option<(Vec<Option<f64>>, Vec<u64>)>) -> Groups {
    let (s, c) = r.unwrap();
    s.iter().map(|s| s.map(f64::to_bits)).zip(c).collect()
}

/// A random whole-number column: a base (negative, zero, large), offsets up to `span`,
/// with nulls, `NaN` and `-0` in some columns.
fn column(rng: &mut Rng, rows: usize, base: f64, span: u64, odd: bool) -> NumberColumn {
    NumberColumn::from_options((0..rows).map(|_| match rng.below(20) {
        0 if odd => None,
        1 if odd => Some(f64::NAN),
        2 if odd && base <= 0.0 && base + span as f64 >= 0.0 => Some(-0.0),
        3 => Some(base),
        4 => Some(base + span as f64),
        _ => Some(base + rng.below(span + 1) as f64),
    }))
}

/// Random bins for `ext`: Vega's (maxbins 1..200, sometimes not nice, sometimes a step that
/// is not whole), or raw parameters whose edges fall between whole numbers and may leave
/// values outside.
fn params(rng: &mut Rng, ext: [f64; 2]) -> BinParams {
    let span = ext[1] - ext[0];
    match rng.below(3) {
        0 => bin_params(
            ext,
            &BinOptions {
                maxbins: 1.0 + rng.below(200) as f64,
                nice: rng.below(4) != 0,
                ..BinOptions::default()
            },
        ),
        1 => bin_params(
            ext,
            &BinOptions {
                step: Some((1 + rng.below(1000)) as f64 / 37.0 * (1.0 + span / 300.0)),
                ..BinOptions::default()
            },
        ),
        _ => {
            let start =
                ext[0] + (rng.below(2001) as f64 - 1000.0) / 1000.0 * (span + 3.0) / 3.0 + 0.37;
            let step = (1 + rng.below(5000)) as f64 / 1000.0 * (span + 1.0) / 20.0;
            let k = 1 + rng.below(60);
            BinParams {
                start,
                stop: start + step * k as f64,
                step,
            }
        }
    }
}

#[test]
fn narrow_bin_count_equals_the_f64_path_and_a_naive_reference() {
    let mut rng = Rng(41);
    let (mut lanes, mut dense) = (0, 0);
    for round in 0..500 {
        let rows = rng.below(if round % 3 == 0 { 20 } else { 700 }) as usize;
        let base = [0.0, -3.0, -40_000.0, 1990.0, 1e15, -65_534.0][rng.below(6) as usize];
        let span = match rng.below(4) {
            0 => rng.below(10),
            1 => rng.below(2000),
            2 => 65_534 - rng.below(3),
            _ => 65_534,
        };
        let col = column(&mut rng, rows, base, span, round % 4 != 0);
        let ext = extent(&Column::Number(col.clone()));
        assert_eq!(
            Narrow::new(&col, ext),
            Narrow::new_rows(&col, ext),
            "round {round}"
        );
        let Some(n) = Narrow::new(&col, ext) else {
            // Only a column with no number at all has no encoding here.
            assert_eq!(ext, None, "round {round}");
            continue;
        };
        assert_eq!(
            n.nulls,
            (0..rows)
                .filter(|i| col.get(*i).is_none_or(f64::is_nan))
                .count() as u64
        );
        for i in 0..rows {
            let want = col
                .get(i)
                .filter(|v| !v.is_nan())
                .map_or(SENTINEL, |v| (v - n.base) as u16);
            assert_eq!(n.offset(i), want, "round {round} row {i}");
        }
        for _ in 0..4 {
            let p = params(&mut rng, ext.unwrap_or([0.0, 1.0]));
            let f64_path = bin_count(&col, &p);
            let by_thresholds = bin_count_narrow_with(&col, &n, &p, 16);
            let by_histogram = bin_count_narrow_with(&col, &n, &p, 0);
            assert_eq!(
                by_thresholds.is_some(),
                f64_path.is_some(),
                "round {round}: {p:?}"
            );
            assert_eq!(
                by_histogram.is_some(),
                f64_path.is_some(),
                "round {round}: {p:?}"
            );
            if f64_path.is_none() {
                continue;
            }
            let want = naive(&col, &p);
            assert_eq!(groups(f64_path), want, "f64 path, round {round}: {p:?}");
            assert_eq!(
                groups(by_thresholds),
                want,
                "thresholds, round {round}: {p:?}"
            );
            assert_eq!(
                groups(by_histogram),
                want,
                "histogram, round {round}: {p:?}"
            );
            let (bins, b) = count_setup(&col, &p).unwrap();
            let rank = |off: u16| {
                let s = b.slot(n.value(off));
                if s == bins {
                    0
                } else if s == bins + 1 {
                    bins + 1
                } else {
                    s + 1
                }
            };
            match steps(n.top, &rank, 16) {
                Some(cuts) if !cuts.is_empty() => lanes += 1,
                Some(_) => {}
                None => dense += 1,
            }
        }
    }
    // Both counting passes were exercised.
    assert!(
        lanes > 500 && dense > 500,
        "{lanes} threshold cases, {dense} histogram cases"
    );
}

#[test]
fn only_whole_numbers_within_65534_are_encoded() {
    let col = |v: &[Option<f64>]| NumberColumn::from_options(v.iter().copied());
    let enc = |v: &[Option<f64>]| {
        let c = col(v);
        Narrow::new(&c, extent(&Column::Number(c.clone())))
    };
    assert!(enc(&[Some(-32_767.0), Some(32_767.0)]).is_some());
    assert_eq!(enc(&[Some(-32_767.0), Some(32_768.0)]), None);
    assert_eq!(enc(&[Some(0.0), Some(2.5)]), None);
    assert_eq!(enc(&[Some(0.0), Some(f64::INFINITY)]), None);
    assert_eq!(enc(&[None, None]), None);
    // Nulls and NaN are the sentinel; -0 with a base of 0 is offset 0.
    let n = enc(&[Some(0.0), None, Some(f64::NAN), Some(-0.0), Some(7.0)]).unwrap();
    let offs: Vec<u16> = (0..5).map(|i| n.offset(i)).collect();
    assert_eq!(
        (offs, n.nulls, n.top),
        (vec![0, SENTINEL, SENTINEL, 0, 7], 2, 7)
    );
    // A wrong extent is refused rather than trusted.
    let c = col(&[Some(1.0), Some(5.0)]);
    assert_eq!(Narrow::new(&c, Some([2.0, 5.0])), None);
}

#[test]
fn counting_passes_equal_a_count_per_offset() {
    let mut rng = Rng(5);
    for _ in 0..200 {
        let words: Vec<u64> = (0..rng.below(50))
            .map(|_| {
                let mut w = 0u64;
                for j in 0..4 {
                    let off = if rng.below(9) == 0 {
                        SENTINEL
                    } else {
                        rng.below(300) as u16
                    };
                    w |= u64::from(off) << (16 * j);
                }
                w
            })
            .collect();
        let offs: Vec<u16> = words
            .iter()
            .flat_map(|w| (0..4).map(move |j| (w >> (16 * j)) as u16))
            .collect();
        let thresholds: Vec<u16> = (0..rng.below(20))
            .map(|_| 1 + rng.below(u64::from(SENTINEL)) as u16)
            .collect();
        let want: Vec<u64> = thresholds
            .iter()
            .map(|t| offs.iter().filter(|o| **o >= *t).count() as u64)
            .collect();
        assert_eq!(count_at_least(&words, &thresholds), want);
        let top = rng.below(300) as u16;
        let want: Vec<u64> = (0..=top)
            .map(|t| offs.iter().filter(|o| **o == t).count() as u64)
            .collect();
        assert_eq!(offset_histogram(&words, top), want);
    }
}

#[test]
fn tables_encode_large_whole_number_columns_once() {
    let rows = MIN_ROWS;
    let mut t = Table::with_rows(rows);
    let years = NumberColumn::from_options((0..rows).map(|i| Some(1990.0 + (i % 35) as f64)));
    t.push_column("year", Column::Number(years.clone()))
        .unwrap();
    let n = t.narrow("year").unwrap();
    assert_eq!(
        Some(n),
        Narrow::new(&years, Some([1990.0, 2024.0])).as_ref()
    );
    // Remembered: the same encoding, not a new one.
    assert!(std::ptr::eq(n, t.narrow("year").unwrap()));
    let cents = NumberColumn::from_options((0..rows).map(|i| Some(i as f64 / 100.0)));
    t.push_column("year", Column::Number(cents)).unwrap();
    assert_eq!(t.narrow("year"), None);
    let mut small = Table::with_rows(rows - 1);
    let few = NumberColumn::from_options((0..rows - 1).map(|i| Some((i % 7) as f64)));
    small.push_column("n", Column::Number(few)).unwrap();
    assert_eq!((small.narrow("n"), small.narrow("missing")), (None, None));
    // bin_count_field takes the narrow path from a column's second bin on (the first keeps
    // the f64 path and builds nothing), with bin_count's result each time.
    let mut fresh = Table::with_rows(rows);
    fresh
        .push_column("year", Column::Number(years.clone()))
        .unwrap();
    let q = bin_params([1990.0, 2024.0], &BinOptions::default());
    let once = crate::data::kernels::bin::bin_count_field(&fresh, "year", &q);
    assert_eq!(once, bin_count(&years, &q));
    assert_eq!(
        once,
        crate::data::kernels::bin::bin_count_field(&fresh, "year", &q)
    );
    assert!(fresh.narrow_on_reuse("year").is_some());
    let p = bin_params([1990.0, 2024.0], &BinOptions::default());
    assert_eq!(
        crate::data::kernels::bin::bin_count_field(&t, "year", &p),
        bin_count(&years_column(&t), &p)
    );
}

fn years_column(t: &Table) -> NumberColumn {
    match t.column("year") {
        Some(Column::Number(c)) => c.clone(),
        _ => NumberColumn::default(),
    }
}

#[test]
fn a_value_that_does_not_fit_in_a_whole_valid_block_is_found() {
    // Whole valid 64-row blocks take the encoder's block path; one value anywhere that is
    // not whole, out of range or NaN sends the block row by row (NaN: the sentinel).
    let mut rng = Rng(77);
    for round in 0..300 {
        let rows = 64 + rng.below(600) as usize;
        let mut values: Vec<f64> = (0..rows).map(|_| rng.below(1000) as f64).collect();
        let at = rng.below(rows as u64) as usize;
        let odd = [0.5, f64::NAN, 1e6, -1.0, f64::INFINITY, 999.0][round % 6];
        values[at] = odd;
        let col = NumberColumn::from_options(values.iter().map(|v| Some(*v)));
        // The true extent, and one that does not cover the odd value.
        for (true_extent, ext) in [
            (true, extent(&Column::Number(col.clone()))),
            (false, Some([0.0, 999.0])),
        ] {
            let n = Narrow::new(&col, ext);
            assert_eq!(n, Narrow::new_rows(&col, ext), "round {round}");
            let fits = odd.is_nan() || odd == 999.0 || (odd == -1.0 && true_extent);
            assert_eq!(n.is_some(), fits, "round {round}: {odd} at {at}, {ext:?}");
            if let Some(n) = n {
                let want = if odd.is_nan() {
                    SENTINEL
                } else {
                    (odd - n.base) as u16
                };
                assert_eq!(n.offset(at), want, "round {round}");
            }
        }
    }
}
