//! The engine benchmark, native side (`cargo xtask bench engine` runs it; by hand:
//! `cargo bench --bench engine -- 1000000`).
//!
//! A small hand-rolled harness, not criterion (keeps `cargo test` and CI free of its build):
//! each workload runs once to warm up, then `RUNS` times; the median is reported. Prints one
//! JSON object per line: `{"workload", "rows", "ms", "runs", "checksum"}` (for the CSV parse,
//! 15 runs, also `mb_per_s`, `cpu_mb_per_s` and `best_mb_per_s`: see [`csv_parse`]). The workloads themselves live in `storychart::data::synth::work`, shared with
//! the WASM exports, so both sides run the same code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::cast_precision_loss
)]

use std::time::Instant;

use storychart::data::synth::{self, work};
use storychart::Result;

const RUNS: usize = 7;
/// Runs of the CSV parse: it is the figure most moved by other processes on a shared
/// machine (it allocates and touches ~150 MB per run), so it gets more runs than the kernels.
const CSV_RUNS: usize = 15;
const SEED: u64 = 42;

/// This thread's time on a CPU so far, in ms (Linux `/proc/thread-self/schedstat`), if known.
/// On a shared machine wall-clock time includes waiting for a core; CPU time does not.
fn cpu_ms() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e6)
}

/// The median wall-clock ms and the result of `f` over `RUNS` runs after a warm-up.
fn median_ms(f: impl FnMut() -> Result<f64>) -> (f64, f64) {
    let t = timed_runs(RUNS, f);
    (t.wall[RUNS / 2], t.check)
}

/// The sorted wall-clock and CPU ms (`NaN` where unknown) of `runs` runs after a warm-up, and
/// the result every run gave.
struct Timings {
    wall: Vec<f64>,
    cpu: Vec<f64>,
    check: f64,
}

fn timed_runs(runs: usize, mut f: impl FnMut() -> Result<f64>) -> Timings {
    let check = f().unwrap();
    let (mut times, mut cpu): (Vec<f64>, Vec<f64>) = (0..runs)
        .map(|_| {
            let c0 = cpu_ms();
            let t = Instant::now();
            let c = f().unwrap();
            let wall = t.elapsed().as_secs_f64() * 1000.0;
            assert_eq!(
                c.to_bits(),
                check.to_bits(),
                "a workload changed its result"
            );
            let used = match (c0, cpu_ms()) {
                (Some(a), Some(b)) => b - a,
                _ => f64::NAN,
            };
            (wall, used)
        })
        .unzip();
    times.sort_by(f64::total_cmp);
    cpu.sort_by(f64::total_cmp);
    Timings {
        wall: times,
        cpu,
        check,
    }
}

/// [`median_ms`] of `f` on a new input from `prepare` each run (prepared outside the timing).
fn median_ms_fresh<T>(
    mut prepare: impl FnMut() -> T,
    mut f: impl FnMut(&T) -> Result<f64>,
) -> (f64, f64) {
    let check = f(&prepare()).unwrap();
    let mut times: Vec<f64> = (0..RUNS)
        .map(|_| {
            let input = prepare();
            let t = Instant::now();
            let c = f(&input).unwrap();
            let wall = t.elapsed().as_secs_f64() * 1000.0;
            assert_eq!(
                c.to_bits(),
                check.to_bits(),
                "a workload changed its result"
            );
            wall
        })
        .collect();
    times.sort_by(f64::total_cmp);
    (times[RUNS / 2], check)
}

fn report(workload: &str, rows: usize, (ms, checksum): (f64, f64), extra: &str) {
    report_runs(workload, rows, (ms, checksum), RUNS, extra);
}

fn report_runs(workload: &str, rows: usize, (ms, checksum): (f64, f64), runs: usize, extra: &str) {
    println!(
        "{{\"workload\": \"{workload}\", \"rows\": {rows}, \"ms\": {ms:.3}, \"runs\": {runs}, \"checksum\": {checksum}{extra}}}"
    );
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let mut sizes: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    if sizes.is_empty() {
        sizes = vec![1_000_000, 10_000_000];
    }
    // `csv`: only the CSV parse (for work on the parser: `cargo bench --bench engine -- csv`).
    let csv_only = args.iter().any(|a| a == "csv");
    for rows in sizes {
        if csv_only {
            csv_parse(rows);
            continue;
        }
        let t = synth::generate(rows, SEED).unwrap();
        for (name, key, median) in [
            ("filter_group_3", "s10", false),
            ("filter_group_3_k1000", "s1000", false),
            ("filter_group_median", "s10", true),
        ] {
            let fused = median_ms(|| work::filter_group_fused(&t, key, 250.0, 750.0, median));
            report(&format!("{name}_fused"), rows, fused, "");
            if rows <= 1_000_000 {
                let planned =
                    median_ms(|| work::filter_group_planned(&t, key, 250.0, 750.0, median));
                let same = (planned.1 - fused.1).abs() <= 1e-9 * planned.1.abs();
                assert!(same, "fused {} != planned {}", fused.1, planned.1);
                report(&format!("{name}_planned"), rows, planned, "");
            }
            if rows <= 1_000_000 || name == "filter_group_3" {
                let chart = median_ms(|| work::filter_group_chart(&t, key, 250.0, 750.0, median));
                let same = (chart.1 - fused.1).abs() <= 1e-9 * chart.1.abs();
                assert!(same, "fused {} != chart {}", fused.1, chart.1);
                report(&format!("{name}_chart"), rows, chart, "");
            }
        }
        report(
            "bin_count_fused",
            rows,
            median_ms(|| work::bin_count_fused(&t)),
            "",
        );
        // The f64 path (n0 has two decimals, so no narrow encoding).
        report(
            "bin_count_fused_n0",
            rows,
            median_ms(|| work::bin_count_fused_n0(&t)),
            "",
        );
        // The first bin of a freshly loaded column: its extent is not known yet.
        report(
            "bin_count_fused_first",
            rows,
            median_ms_fresh(|| work::fresh_n2(&t).unwrap(), work::bin_count_fused),
            "",
        );
        // A histogram spec planned and executed: the chart's path to the same counts.
        let planned = median_ms(|| work::bin_count(&t));
        let fused = work::bin_count_fused(&t).unwrap_or(f64::NAN);
        assert!(planned.1 == fused, "planned {} != fused {fused}", planned.1);
        report("bin_count_planned", rows, planned, "");
        if rows <= 1_000_000 {
            csv_parse(rows);
        }
    }
}

/// The CSV parse over [`CSV_RUNS`] runs: the median wall-clock time (`ms`, `mb_per_s`, the
/// figure BENCHMARKS.md shows), the median CPU time of the thread (`cpu_ms`, `cpu_mb_per_s`:
/// without the time spent waiting for a core), and the fastest run (`best_mb_per_s`, what the
/// code does with the machine to itself).
fn csv_parse(rows: usize) {
    let text = synth::csv(rows, SEED);
    let t = timed_runs(CSV_RUNS, || work::parse_csv(&text));
    let (ms, cpu, best) = (t.wall[CSV_RUNS / 2], t.cpu[CSV_RUNS / 2], t.wall[0]);
    let mb = text.len() as f64 / 1e6;
    let rate = |ms: f64| mb / (ms / 1000.0);
    report_runs(
        "csv_parse",
        rows,
        (ms, t.check),
        CSV_RUNS,
        &format!(
            ", \"bytes\": {}, \"mb_per_s\": {:.1}, \"cpu_ms\": {cpu:.3}, \"cpu_mb_per_s\": {:.1}, \"best_mb_per_s\": {:.1}",
            text.len(),
            rate(ms),
            rate(cpu),
            rate(best)
        ),
    );
}
