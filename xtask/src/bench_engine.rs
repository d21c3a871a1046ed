//! `cargo xtask bench engine`: the data engine's speed and memory, natively and in WASM in
//! headless Chromium, next to a plain-JS typed-array loop doing the same work in the same page.
//!
//! - Native: `cargo bench --bench engine` (`benches/engine.rs`, a hand-rolled harness: median
//!   of 7 runs after a warm-up; release profile with LTO).
//! - WASM: the crate built by wasm-pack with the `bench` feature (exports in
//!   `src/web/bench.rs`) twice, at `opt-level = "z"` (what ships) and `3`, into
//!   `target/bench-web/pkg-{z,3}`, served from `target/bench-web/` with
//!   `xtask/bench/engine.html`; `xtask/bench/engine.mjs` drives Chromium (playwright-core,
//!   Debian's `/usr/bin/chromium`). Median of 9 runs after 2 warm-ups, `performance.now()`.
//!
//! The table: `storychart::data::synth::generate` (seed 42), 1M and 10M rows. Results go into
//! the `engine` section of BENCHMARKS.md, with the machine line and the targets.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs;
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::{proc, serve, Ctx};

const SIZES: [u64; 2] = [1_000_000, 10_000_000];
const OPT_LEVELS: [&str; 2] = ["z", "3"];

/// (workload, rows) -> the result object.
type Results = HashMap<(String, u64), Value>;

fn key(v: &Value) -> Option<(String, u64)> {
    Some((
        v.get("workload")?.as_str()?.to_owned(),
        v.get("rows")?.as_u64()?,
    ))
}

fn native(ctx: &Ctx) -> Result<Results, String> {
    println!("native: cargo bench --bench engine (release, LTO)...");
    let mut cmd = Command::new(&ctx.cargo);
    cmd.args(["bench", "--bench", "engine", "--"])
        .args(SIZES.iter().map(u64::to_string))
        .current_dir(&ctx.root);
    let out = proc::capture(&mut cmd).ok_or("cargo bench --bench engine failed")?;
    let mut results = Results::new();
    for line in out.lines().filter(|l| l.starts_with('{')) {
        let v: Value =
            serde_json::from_str(line).map_err(|e| format!("bad bench line {line}: {e}"))?;
        println!("  {line}");
        if let Some(k) = key(&v) {
            results.insert(k, v);
        }
    }
    Ok(results)
}

fn build_wasm(ctx: &Ctx, opt: &str, out_dir: &Path) -> Result<(), String> {
    println!("wasm: wasm-pack build --features bench at opt-level {opt}...");
    proc::run(
        Command::new("wasm-pack")
            .args([
                "build",
                "--release",
                "--target",
                "web",
                "--mode",
                "no-install",
            ])
            .arg("--out-dir")
            .arg(out_dir)
            .args(["--out-name", "storychart", "--", "--features", "bench"])
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", opt)
            .current_dir(&ctx.root),
    )
}

fn browser(ctx: &Ctx, url: &str, pkg: &str) -> Result<(String, Results), String> {
    println!("wasm: {pkg} in headless Chromium...");
    let mut cmd = Command::new("node");
    cmd.arg(ctx.root.join("xtask/bench/engine.mjs"))
        .arg(url)
        .arg(pkg)
        .args(SIZES.iter().map(u64::to_string))
        .current_dir(&ctx.root);
    let out = cmd.output().map_err(|e| format!("cannot run node: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "the browser bench failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let v: Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("bad browser bench output: {e}"))?;
    let version = v["browser"].as_str().unwrap_or("?").to_owned();
    let mut results = Results::new();
    for r in v["results"].as_array().into_iter().flatten() {
        println!("  {r}");
        if let Some(k) = key(r) {
            results.insert(k, r.clone());
        }
    }
    Ok((version, results))
}

/// Runs the engine benchmark and rewrites its section of BENCHMARKS.md.
pub fn bench(ctx: &Ctx) -> Result<(), String> {
    let load_before = loadavg();
    let native = native(ctx)?;
    let web = ctx.root.join("target").join("bench-web");
    fs::create_dir_all(&web).map_err(|e| format!("cannot create {}: {e}", web.display()))?;
    fs::copy(
        ctx.root.join("xtask/bench/engine.html"),
        web.join("index.html"),
    )
    .map_err(|e| format!("cannot copy the bench page: {e}"))?;
    for opt in OPT_LEVELS {
        build_wasm(ctx, opt, &web.join(format!("pkg-{opt}")))?;
    }
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|e| format!("cannot bind a port: {e}"))?;
    let server = serve::spawn(&web, listener).map_err(|e| format!("cannot serve: {e}"))?;
    let url = server.url();
    let mut wasm = Vec::new();
    let mut chromium = String::new();
    for opt in OPT_LEVELS {
        match browser(ctx, &url, &format!("pkg-{opt}")) {
            Ok((version, results)) => {
                chromium = version;
                wasm.push(results);
            }
            Err(e) => {
                let _ = server.stop();
                return Err(e);
            }
        }
    }
    server.stop()?;
    let load = format!("{load_before} before, {} after", loadavg());
    let section = render(&native, &wasm, &chromium, &load);
    println!("{section}");
    crate::bench::write_section(&ctx.root.join("BENCHMARKS.md"), "engine", &section)
}

fn ms(r: &Results, w: &str, rows: u64) -> Option<f64> {
    r.get(&(w.to_owned(), rows))?.get("ms")?.as_f64()
}

fn field(r: &Results, w: &str, rows: u64, f: &str) -> Option<f64> {
    r.get(&(w.to_owned(), rows))?.get(f)?.as_f64()
}

fn cell(v: Option<f64>, digits: usize) -> String {
    v.map_or_else(|| "-".to_owned(), |v| format!("{v:.digits$}"))
}

/// A target: `Some(true)` met, `Some(false)` missed.
fn verdict(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "yes",
        Some(false) => "**no**",
        None => "-",
    }
}

/// The 1-minute load average (`/proc/loadavg`), to show how busy the machine was.
fn loadavg() -> String {
    fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".to_owned())
}

fn render(native: &Results, wasm: &[Results], chromium: &str, load: &str) -> String {
    let empty = Results::new();
    let z = wasm.first().unwrap_or(&empty);
    let o3 = wasm.get(1).unwrap_or(&empty);
    let mut out = String::new();
    out.push_str("## Data engine speed\n\n");
    let _ = writeln!(
        out,
        "{} Chromium {chromium}. Load average (1 min) during the run: {load}; wall-clock \
         times on a shared machine are upper bounds.\n",
        crate::bench::machine_line()
    );
    out.push_str(
        "Table: `storychart::data::synth::generate` (seed 42): strings `s10` (10 distinct) and \
         `s1000` (1,000), numbers `n0` (uniform 0..1000), `n1` (1% nulls), `n2`, a date. \
         Workloads: `filter_group_3` = `filter: {field: n0, range: [250, 750]}` (about half \
         the rows) + group by `s10` + `count`, `sum(n1)`, `mean(n1)`; `_k1000` groups by \
         `s1000`; `_median` adds `median(n1)`; `bin_count` = `bin` of `n2` (10 bins) + \
         `count`, its extent a statistic of the column that the table computes once \
         (`Table::extent`): `bin_count_fused` is a chart's bin of a loaded table \
         binned before (`n2` is whole numbers: from a column's second bin on, the narrow \
         `u16` path, `Table::narrow_on_reuse`), `_first` the first bin of a fresh copy of \
         the column (its extent pass included; a first bin takes the `f64` path), `_n0` the \
         same bin of `n0` (two decimals: the `f64` path), \
         `bin_count_planned` a histogram spec (`x: {bin: true, field: n2}`, `y: count`) \
         planned and executed by `plan::execute` (the chart's path). `fused` is the fused kernel (`data::kernels::fused`, `bin::bin_count`); \
         `planned` (`filter_group` rows) is the pre-planner-wiring path (expression filter, gathered rows, \
         group-by, one pass per op); `chart` is what a reader's chart pays: the spec parsed, \
         normalized, planned and executed by `plan::execute` on the table (as \
         `Chart` runs it: a table's columns are shared, never copied; field predicates on number columns take the column-wise fast path). Native: hand-rolled harness, median of 7 runs. WASM: \
         median of at least 9 runs and 500 ms of runs in headless Chromium, after a warm-up of at least 2 runs and 250 ms (V8 tiers WASM up from its baseline compiler in the background); `opt z` is the shipped build, `opt 3` the \
         same code at `opt-level = 3`. Plain JS: a hand-written typed-array loop over \
         copies of the same columns in the same page (its mean is `sum / n`, its median \
         sorts each group: the simplest loop, which favours JS). Times in ms.\n\n",
    );
    out.push_str(
        "| workload | rows | native | WASM opt z | WASM opt 3 | plain JS | JS / WASM z | target (WASM z) | met |\n",
    );
    out.push_str("|---|---:|---:|---:|---:|---:|---:|---|---|\n");
    for rows in SIZES {
        for (w, js, target) in [
            (
                "filter_group_3_fused",
                Some("filter_group_3_js"),
                Some(if rows == 1_000_000 { 3.0 } else { 30.0 }),
            ),
            ("filter_group_3_planned", None, None),
            ("filter_group_3_chart", Some("filter_group_3_js"), None),
            (
                "filter_group_3_k1000_fused",
                Some("filter_group_3_k1000_js"),
                None,
            ),
            ("filter_group_3_k1000_planned", None, None),
            (
                "filter_group_3_k1000_chart",
                Some("filter_group_3_k1000_js"),
                None,
            ),
            (
                "filter_group_median_fused",
                Some("filter_group_median_js"),
                (rows == 1_000_000).then_some(15.0),
            ),
            ("filter_group_median_planned", None, None),
            (
                "filter_group_median_chart",
                Some("filter_group_median_js"),
                None,
            ),
            (
                "bin_count_fused",
                Some("bin_count_js"),
                (rows == 10_000_000).then_some(15.0),
            ),
            ("bin_count_fused_first", Some("bin_count_js"), None),
            ("bin_count_fused_n0", None, None),
            ("bin_count_planned", None, None),
        ] {
            let wz = ms(z, w, rows);
            if wz.is_none() && ms(native, w, rows).is_none() {
                continue;
            }
            let jsv = js.and_then(|j| ms(z, j, rows));
            let ratio = jsv.zip(wz).map(|(j, w)| j / w);
            let mut goal = String::new();
            let mut met = None;
            if let Some(t) = target {
                goal = format!("<= {t} ms");
                met = wz.map(|w| w <= t);
            }
            if w == "filter_group_3_fused" {
                goal.push_str(", >= 4x JS");
                met = met.zip(ratio).map(|(m, r)| m && r >= 4.0);
            }
            let _ = writeln!(
                out,
                "| {w} | {} | {} | {} | {} | {} | {} | {goal} | {} |",
                crate::build::thousands(rows),
                cell(ms(native, w, rows), 2),
                cell(wz, 2),
                cell(ms(o3, w, rows), 2),
                cell(jsv, 2),
                ratio.map_or_else(|| "-".to_owned(), |r| format!("{r:.1}x")),
                verdict(met),
            );
        }
    }
    let rows = SIZES[0];
    let (n, wz, w3) = (
        field(native, "csv_parse", rows, "mb_per_s"),
        field(z, "csv_parse", rows, "mb_per_s"),
        field(o3, "csv_parse", rows, "mb_per_s"),
    );
    let bytes = field(native, "csv_parse", rows, "bytes").unwrap_or(0.0);
    out.push_str(
        "\nCSV parse + type inference (`parse_dsv_auto_report`: `parse_dsv` + `format.parse: \"auto\"`, typed in one pass natively, the two steps in WASM; a chart loads `\"auto\"` CSV through it), MB/s:\n\n",
    );
    out.push_str("| input | native | WASM opt z | WASM opt 3 | target | met |\n|---|---:|---:|---:|---|---|\n");
    let _ = writeln!(
        out,
        "| generated table as CSV, 1,000,000 rows, {:.1} MB | {} | {} | {} | >= 150 native, >= 60 WASM | {} |",
        bytes / 1e6,
        cell(n, 1),
        cell(wz, 1),
        cell(w3, 1),
        verdict(n.zip(wz).map(|(n, w)| n >= 150.0 && w >= 60.0)),
    );
    out.push_str(
        "\nWASM memory: growth of `memory.buffer.byteLength` while generating the 1M-row table, \
         the first thing the fresh page does (later tables reuse freed memory, so their growth \
         says nothing):\n\n",
    );
    out.push_str("| table | WASM opt z | target | met |\n|---|---:|---|---|\n");
    let b = field(z, "table_memory", SIZES[0], "bytes");
    let _ = writeln!(
        out,
        "| 1,000,000 rows x 6 columns | {} MB ({} MiB) | <= 40 MB | {} |",
        cell(b.map(|b| b / 1e6), 1),
        cell(b.map(|b| b / 1_048_576.0), 1),
        verdict(b.map(|b| b / 1e6 <= 40.0)),
    );
    out
}
