//! Bin tests against Vega: the 25 `bin` transforms of the Vega-Lite example gallery
//! (`../shared/vega-lite/specs`, extents from the real datasets) and 200 random cases (random
//! extents, magnitudes 1e-8..1e8, maxbins 2..51, `nice: false`, `anchor`, `step`, `steps`,
//! `minstep`, `base: 2`, `divide`), all computed with vega 6.4.0 in Node and stored bit-exact
//! in `bin_oracle.json`.

use super::*;
use crate::data::Value;

fn num(v: &serde_json::Value) -> Option<f64> {
    match v {
        serde_json::Value::String(s) => Some(f64::from_bits(u64::from_str_radix(s, 16).unwrap())),
        serde_json::Value::Number(n) => n.as_f64(),
        _ => None,
    }
}

fn options(o: &serde_json::Value) -> BinOptions {
    let mut b = BinOptions::default();
    let list = |v: &serde_json::Value| v.as_array().map(|a| a.iter().filter_map(num).collect());
    for (k, v) in o.as_object().unwrap() {
        match k.as_str() {
            "maxbins" => b.maxbins = num(v).unwrap(),
            "base" => b.base = num(v).unwrap(),
            "minstep" => b.minstep = num(v).unwrap(),
            "step" => b.step = num(v),
            "anchor" => b.anchor = num(v),
            "span" => b.span = num(v),
            "nice" => b.nice = v.as_bool().unwrap(),
            "steps" => b.steps = list(v),
            "divide" => b.divide = list(v).unwrap(),
            _ => panic!("option {k}"),
        }
    }
    b
}

fn bits(x: Option<f64>) -> Option<u64> {
    x.map(f64::to_bits)
}

#[test]
fn bins_equal_vegas_on_gallery_and_random_cases() {
    let cases: serde_json::Value =
        serde_json::from_str(include_str!("../bin_oracle.json")).unwrap();
    let cases = cases.as_array().unwrap();
    assert_eq!(cases.len(), 225);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let ext = case["extent"].as_array().unwrap();
        let extent = [num(&ext[0]).unwrap(), num(&ext[1]).unwrap()];
        let p = bin_params(extent, &options(&case["options"]));
        let want = [&case["start"], &case["stop"], &case["step"]].map(|v| bits(num(v)));
        assert_eq!(
            [bits(Some(p.start)), bits(Some(p.stop)), bits(Some(p.step))],
            want,
            "{name}: {p:?} vs {:?}",
            want.map(|b| b.map(f64::from_bits))
        );
        let Some(values) = case["values"].as_array() else {
            continue;
        };
        let col = Column::Mixed(
            values
                .iter()
                .map(|v| match v.as_str() {
                    Some("empty") => Value::Str(String::new()),
                    _ => num(v).map_or(Value::Null, Value::Number),
                })
                .collect(),
        );
        let (b0, b1) = bin(&col, &p);
        for (i, _) in values.iter().enumerate() {
            // Vega writes NaN for a NaN input; the column holds it as null.
            let w0 = num(&case["bin0"][i]).filter(|v| !v.is_nan());
            let w1 = num(&case["bin1"][i]).filter(|v| !v.is_nan());
            assert_eq!(bits(b0.get(i)), bits(w0), "{name} row {i} bin0");
            assert_eq!(bits(b1.get(i)), bits(w1), "{name} row {i} bin1");
        }
        // The number fast path gives the same bins.
        let numbers: Vec<Option<f64>> = (0..values.len()).map(|i| col.value(i).as_f64()).collect();
        if numbers.iter().all(|v| v.is_some_and(|v| !v.is_nan())) {
            let fast = bin(&Column::Number(NumberColumn::from_options(numbers)), &p);
            assert_eq!((fast.0, fast.1), (b0, b1));
        }
    }
}

#[test]
fn degenerate_inputs_do_not_panic_or_hang() {
    for ext in [
        [0.0, 0.0],
        [5.0, 5.0],
        [f64::NAN, 1.0],
        [0.0, f64::INFINITY],
        [1e-320, 2e-320],
        [-1e308, 1e308],
        [3.0, -3.0],
    ] {
        for maxbins in [0.0, 1.0, -5.0, f64::NAN, 1e9] {
            let o = BinOptions {
                maxbins,
                ..BinOptions::default()
            };
            let p = bin_params(ext, &o);
            let col = Column::Number(NumberColumn::from_options([Some(1.0), None, Some(ext[0])]));
            let (a, b) = bin(&col, &p);
            assert_eq!((a.values.len(), b.values.len()), (3, 3));
        }
    }
    let empty = Column::Number(NumberColumn::default());
    assert_eq!(
        bin(&empty, &bin_params([0.0, 1.0], &BinOptions::default()))
            .0
            .values
            .len(),
        0
    );
    assert_eq!(extent(&empty), None);
    let with_inf = Column::Number(NumberColumn::from_options([Some(1.0), Some(f64::INFINITY)]));
    assert_eq!(extent(&with_inf), None);
}

#[test]
fn text_cells_bin_as_vega_coerces_them() {
    let mut c = crate::data::StrColumn::default();
    for s in [Some("12"), Some(""), Some("abc"), None, Some(" 7 ")] {
        c.push(s);
    }
    let (b0, _) = bin(
        &Column::Str(c),
        &BinParams {
            start: 0.0,
            stop: 20.0,
            step: 5.0,
        },
    );
    let got: Vec<Option<f64>> = (0..5).map(|i| b0.get(i)).collect();
    assert_eq!(got, [Some(10.0), None, None, None, Some(5.0)]);
}

#[test]
fn vega_lite_default_maxbins_per_channel() {
    assert_eq!(auto_max_bins("row"), 6.0);
    assert_eq!(auto_max_bins("strokeDash"), 4.0);
    assert_eq!(auto_max_bins("y"), 10.0);
}

#[test]
fn bin_count_equals_bin_then_group_then_count() {
    use crate::data::kernels::test_util::Rng;
    let mut rng = Rng(3);
    for round in 0..300 {
        // Short columns, and columns of several 64-row blocks (whole and partial).
        let rows = rng.below(if round % 2 == 0 { 60 } else { 300 }) as usize;
        let scale = [0.001, 1.0, 37.0, 1e6][rng.below(4) as usize];
        // Some columns without nulls (the all-valid loop), the others with about 10%.
        let nulls = round % 5 != 0;
        let col = NumberColumn::from_options((0..rows).map(|_| match rng.below(10) {
            0 if nulls => None,
            _ => Some((rng.below(2000) as f64 - 700.0) * scale / 100.0),
        }));
        let ext = extent(&Column::Number(col.clone())).unwrap_or([0.0, 1.0]);
        // Sometimes a narrower extent, so values fall outside and go to +/-Infinity.
        let ext = if round % 3 == 0 {
            [ext[0] / 2.0, ext[1] / 2.0]
        } else {
            ext
        };
        let p = bin_params(
            ext,
            &BinOptions {
                maxbins: 2.0 + rng.below(40) as f64,
                ..BinOptions::default()
            },
        );
        assert_bin_count_is_bin_group_count(&col, &p, rows, &format!("round {round}"));
    }
}

#[test]
fn bin_count_places_values_at_bin_edges_as_vega_does() {
    // Values on, just below and just above every bin boundary (where `(v - start) / step`
    // rounds and the 1e-14 bias matters), for steps that are not powers of two.
    for (ext, maxbins) in [
        ([0.0, 55.9], 10.0),
        ([-3.3, 7.7], 7.0),
        ([0.001, 0.0097], 20.0),
        ([1e6, 3.7e9], 13.0),
        ([0.1, 0.7], 30.0),
    ] {
        let p = bin_params(
            ext,
            &BinOptions {
                maxbins,
                ..BinOptions::default()
            },
        );
        let mut values = Vec::new();
        let mut k = 0.0;
        while p.start + p.step * k <= p.stop + p.step {
            let b = p.start + p.step * k;
            for v in [
                b,
                b.next_up(),
                b.next_down(),
                b + p.step * 1e-14,
                b - p.step * 1e-14,
            ] {
                values.push(Some(v));
            }
            k += 1.0;
        }
        values.push(None);
        values.push(Some(p.start - 1.0));
        let col = NumberColumn::from_options(values.iter().copied());
        assert_bin_count_is_bin_group_count(&col, &p, values.len(), "edges");
    }
}

#[test]
fn bin_count_takes_back_a_block_that_leaves_the_bins() {
    // Whole valid blocks counted by the short loop, one value per block outside the bins
    // (below, above, infinite) at varying rows: the block's counts are taken back out and
    // it is counted again row by row.
    let p = bin_params([0.0, 100.0], &BinOptions::default());
    for (at, odd) in [
        (0, -1.0),
        (63, 100.5),
        (17, f64::INFINITY),
        (40, f64::NEG_INFINITY),
        (5, -1e-300),
    ] {
        let mut values: Vec<Option<f64>> =
            (0..64 * 5 + 7).map(|i| Some(f64::from(i % 101))).collect();
        for block in 0..5 {
            values[block * 64 + (at + block) % 64] = Some(odd);
        }
        let col = NumberColumn::from_options(values.iter().copied());
        assert_bin_count_is_bin_group_count(&col, &p, values.len(), &format!("{odd} at {at}"));
    }
}

/// Doubles in order: `ord` is monotone from `f64` (not NaN) to `u64`, `unord` its inverse.
fn ord(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 {
        !b
    } else {
        b | 1 << 63
    }
}

fn unord(k: u64) -> f64 {
    f64::from_bits(if k >> 63 == 1 { k & !(1 << 63) } else { !k })
}

/// Vega's unclamped index of `v`: `floor(1e-14 + (v - start) / step)`.
fn vega_index(v: f64, p: &BinParams) -> f64 {
    (EPSILON + (v - p.start) / p.step).floor()
}

/// For every bin edge `K` of `p`, the smallest double in `[start, stop]` whose Vega index is
/// at least `K` (by bisection on the doubles), and its three neighbours on either side.
fn near_edge_values(p: &BinParams) -> Vec<f64> {
    let mut out = Vec::new();
    let top = vega_index(p.stop, p);
    let mut k = 1.0;
    while k <= top {
        let (mut lo, mut hi) = (ord(p.start), ord(p.stop));
        // Invariant: index(lo) < k <= index(hi).
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if vega_index(unord(mid), p) >= k {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        for i in hi.saturating_sub(3)..=hi + 3 {
            let v = unord(i);
            if p.start <= v && v <= p.stop {
                out.push(v);
            }
        }
        k += 1.0;
    }
    out
}

/// Random bins (mostly with steps that are not powers of two) with up to 40 bins, at
/// magnitudes 1e-6..1e9.
fn random_params(rng: &mut crate::data::kernels::test_util::Rng) -> BinParams {
    let scale = [1e-6, 0.3, 1.0, 7.0, 1e3, 1e9][rng.below(6) as usize];
    let a = (rng.below(2_000_001) as f64 - 1e6) / 1e5 * scale;
    let span = (1 + rng.below(1_000_000)) as f64 / 1e4 * scale;
    let options = BinOptions {
        maxbins: 2.0 + rng.below(40) as f64,
        nice: rng.below(2) == 0,
        ..BinOptions::default()
    };
    bin_params([a, a + span], &options)
}

#[test]
fn bin_count_counts_values_next_to_every_edge_as_vega_does() {
    // The values where Vega's index steps up (found by bisection, with their neighbours: where
    // a quotient one ulp off, or a lost 1e-14, changes the bin), cycled into whole 64-row
    // blocks inside the bins (the short loop of `count_slots`), then with a null and values
    // outside the bins.
    let mut rng = crate::data::kernels::test_util::Rng(23);
    for round in 0..60 {
        let p = random_params(&mut rng);
        let values = near_edge_values(&p);
        if values.is_empty() {
            continue;
        }
        let rows = 64 * 3 + (round % 64);
        let mut col: Vec<Option<f64>> =
            values.iter().cycle().take(rows).map(|v| Some(*v)).collect();
        let inside = NumberColumn::from_options(col.iter().copied());
        assert_bin_count_is_bin_group_count(&inside, &p, rows, &format!("inside {round}"));
        col[5] = None;
        col[70] = Some(p.stop + p.step);
        col[140] = Some(p.start - p.step);
        let mixed = NumberColumn::from_options(col.iter().copied());
        assert_bin_count_is_bin_group_count(&mixed, &p, rows, &format!("mixed {round}"));
    }
}

#[test]
fn number_extent_equals_the_general_extent() {
    use crate::data::kernels::test_util::Rng;
    let mut rng = Rng(9);
    for _ in 0..100 {
        let rows = rng.below(200) as usize;
        let values: Vec<Value> = (0..rows)
            .map(|_| match rng.below(8) {
                0 => Value::Null,
                1 => Value::Number(f64::NAN),
                _ => Value::Number(rng.below(1000) as f64 - 500.0),
            })
            .collect();
        let col = NumberColumn::from_options(values.iter().map(|v| match v {
            Value::Number(n) => Some(*n),
            _ => None,
        }));
        assert_eq!(extent(&Column::Number(col)), extent(&Column::Mixed(values)));
    }
}

/// `bin_count` gives the bin starts (bit for bit, in first-appearance order) and counts of
/// `bin` + `group_by` + `count` over the first `rows` rows.
fn assert_bin_count_is_bin_group_count(col: &NumberColumn, p: &BinParams, rows: usize, what: &str) {
    let (b0, _) = bin(&Column::Number(col.clone()), p);
    let b = Column::Number(b0);
    let g = crate::data::kernels::group_by(&[&b], rows);
    let counts =
        crate::data::kernels::aggregate(None, &g, crate::data::kernels::AggregateOp::Count);
    let starts: Vec<Option<u64>> = g
        .first_row
        .iter()
        .map(|r| b.number(*r).map(f64::to_bits))
        .collect();
    let (fs, fc) = bin_count(col, p).unwrap();
    let fs: Vec<Option<u64>> = fs.iter().map(|s| s.map(f64::to_bits)).collect();
    assert_eq!(fs, starts, "{what}: {p:?}");
    let fc: Vec<f64> = fc.iter().map(|c| *c as f64).collect();
    assert_eq!(fc, counts.values, "{what}: {p:?}");
}
