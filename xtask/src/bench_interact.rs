//! `cargo xtask bench interact`: interaction speed in Chromium, written into BENCHMARKS.md.
//!
//! Generates the data the pages read (1M flights with delay, distance and time of day like
//! vega-datasets' flights, and 100k scatter points; a fixed-seed generator, so every run reads
//! the same rows) under `www/bench-data/`, builds the release package, serves `www/`, and runs
//! `xtask/bench-interact.mjs` in Chromium: the median time of one brush pointer move on the
//! explorer (all four linked charts updated and redrawn) and of one hover move on the scatter.

use std::fmt::Write as _;
use std::fs;
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;

use crate::Ctx;

/// Rows of the generated flights file.
const FLIGHTS: usize = 1_000_000;
/// Points of the generated scatter.
const POINTS: usize = 100_000;

/// xorshift64*: a fixed, dependency-free stream of uniform numbers in [0, 1).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        #[allow(clippy::cast_precision_loss)]
        let v = (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64;
        v / (1u64 << 53) as f64
    }

    /// A standard normal number (Box-Muller).
    fn normal(&mut self) -> f64 {
        let u = self.next().max(1e-12);
        let v = self.next();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

fn write_data(dir: &Path) -> Result<(), String> {
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut rng = Rng(0x5EED_F11E);
    let mut csv = String::with_capacity(FLIGHTS * 20);
    csv.push_str("delay,distance,time\n");
    for _ in 0..FLIGHTS {
        // Most flights near on time, a long tail of late ones; distances log-normal.
        let delay = if rng.next() < 0.8 {
            (rng.normal() * 15.0).round()
        } else {
            (-40.0 * rng.next().max(1e-12).ln()).round()
        };
        let distance = (6.5 + 0.7 * rng.normal()).exp().clamp(30.0, 4962.0).round();
        let time = (6.0 + rng.next() * 18.0 + rng.normal() * 0.5).clamp(0.0, 23.99);
        let _ = writeln!(csv, "{delay},{distance},{time:.2}");
    }
    let path = dir.join("flights-1m.csv");
    fs::write(&path, csv).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let mut csv = String::with_capacity(POINTS * 16);
    csv.push_str("x,y\n");
    for _ in 0..POINTS {
        let (x, y) = (rng.normal(), rng.normal());
        let _ = writeln!(csv, "{:.4},{:.4}", x, 0.6 * x + 0.8 * y);
    }
    let path = dir.join("points-100k.csv");
    fs::write(&path, csv).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Runs the benchmark and returns its BENCHMARKS.md section.
pub fn run(ctx: &Ctx) -> Result<String, String> {
    crate::build::build(ctx)?;
    write_data(&ctx.root.join("www/bench-data"))?;
    let server = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| crate::serve::spawn(&ctx.root.join("www"), listener))
        .map_err(|e| format!("cannot start the server: {e}"))?;
    let out = Command::new("node")
        .arg("xtask/bench-interact.mjs")
        .env("STORYCHART_URL", server.url())
        .current_dir(&ctx.root)
        .output();
    if let Err(e) = server.stop() {
        eprintln!("xtask: {e}");
    }
    let out = out.map_err(|e| format!("cannot run node: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    if !out.status.success() {
        return Err(format!(
            "bench-interact.mjs failed:\n{text}{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let get = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix(' '))
            .unwrap_or("?")
            .to_string()
    };
    let verdict = |key: &str, target: f64| match get(key).parse::<f64>() {
        Ok(v) if v <= target => "met",
        Ok(_) => "**missed**",
        Err(_) => "?",
    };
    let load = fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into());
    let mut s = String::new();
    s.push_str("## Interaction speed\n\n");
    let _ = writeln!(
        s,
        "{} Load average at the end of the run: {load}.\n",
        crate::bench::machine_line()
    );
    s.push_str(
        "Chromium (headless), release package. Each pointer move is one animation frame's work, \
         measured in the page (`performance.measure` in www/interact.js).\n\n",
    );
    s.push_str("| what | rows | moves | median ms | p90 ms | target | |\n");
    s.push_str("|---|---:|---:|---:|---:|---:|---|\n");
    let _ = writeln!(
        s,
        "| brush on explore.html, 4 linked charts updated and redrawn | {} | {} | {} | {} | 16 | {} |",
        get("explore_rows"),
        get("brush_moves"),
        get("brush_median_ms"),
        get("brush_p90_ms"),
        verdict("brush_median_ms", 16.0)
    );
    let _ = writeln!(
        s,
        "| hover on a scatter (pick + highlight) | {} | {} | {} | {} | 2 | {} |",
        get("hover_points"),
        get("hover_moves"),
        get("hover_median_ms"),
        get("hover_p90_ms"),
        verdict("hover_median_ms", 2.0)
    );
    let _ = writeln!(
        s,
        "\nLoading the explorer (four charts sharing one parse of the 1M-row CSV): {} s.",
        get("explore_load_s")
    );
    Ok(s)
}
