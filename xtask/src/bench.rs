//! `cargo xtask bench`: measurements written into BENCHMARKS.md, peers measured in the same run.
//!
//! `size`: the gzip -9 size of what a page downloads to draw a chart, storychart's package
//! (wasm + JS glue + the `<story-chart>` element) against the peers' real npm packages as
//! installed from the lockfile (vega + vega-lite + vega-embed, Chart.js, uPlot). Each section
//! of BENCHMARKS.md sits between `<!-- bench:NAME -->` markers and is replaced whole, so every
//! number there comes from this command.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::build::{measure, thousands};
use crate::Ctx;

/// One measured download: a label and the files it consists of.
struct Bundle {
    label: &'static str,
    what: &'static str,
    files: &'static [&'static str],
}

const STORYCHART: Bundle = Bundle {
    label: "storychart",
    what: "Vega-Lite subset, WASM",
    files: &[
        "www/pkg/storychart_bg.wasm",
        "www/pkg/storychart.js",
        "www/story-chart.js",
    ],
};

const PEERS: &[Bundle] = &[
    Bundle {
        label: "vega-embed",
        what: "Vega-Lite (vega + vega-lite + vega-embed)",
        files: &[
            "node_modules/vega/build/vega.min.js",
            "node_modules/vega-lite/build/vega-lite.min.js",
            "node_modules/vega-embed/build/vega-embed.min.js",
        ],
    },
    Bundle {
        label: "Chart.js",
        what: "canvas charts, no grammar",
        files: &["node_modules/chart.js/dist/chart.umd.min.js"],
    },
    Bundle {
        label: "uPlot",
        what: "canvas time series",
        files: &["node_modules/uplot/dist/uPlot.iife.min.js"],
    },
];

/// Runs the named benchmark (`size`, the default) and rewrites its section of BENCHMARKS.md.
pub fn bench(ctx: &Ctx, which: &str) -> Result<(), String> {
    match which {
        "size" => {
            crate::build::build(ctx)?;
            let section = size_section(&ctx.root)?;
            println!("{section}");
            write_section(&ctx.root.join("BENCHMARKS.md"), "size", &section)
        }
        "engine" => crate::bench_engine::bench(ctx),
        "interact" => crate::bench_interact::run(ctx).and_then(|section| {
            println!("{section}");
            write_section(&ctx.root.join("BENCHMARKS.md"), "interact", &section)
        }),
        other => Err(format!(
            "unknown benchmark \"{other}\" (known: size, engine, interact)"
        )),
    }
}

fn gzip_total(root: &Path, bundle: &Bundle) -> Result<(u64, u64), String> {
    let mut raw = 0;
    let mut gzip = 0;
    for file in bundle.files {
        let size = measure(&root.join(file))?;
        raw += size.raw;
        gzip += size.gzip;
    }
    Ok((raw, gzip))
}

fn size_section(root: &Path) -> Result<String, String> {
    let (own_raw, own_gz) = gzip_total(root, &STORYCHART)?;
    let mut out = String::new();
    out.push_str("## Download size\n\n");
    out.push_str(&format!("{}\n\n", machine_line()));
    out.push_str(
        "What a page downloads to draw a chart: minified JS (and WASM), gzip -9, measured from \
         the packages in this run. Ratio = peer / storychart.\n\n",
    );
    out.push_str("| library | what | files | raw bytes | gzip bytes | ratio |\n");
    out.push_str("|---|---|---|---:|---:|---:|\n");
    out.push_str(&format!(
        "| **{}** | {} | {} | {} | **{}** | 1.00 |\n",
        STORYCHART.label,
        STORYCHART.what,
        STORYCHART.files.len(),
        thousands(own_raw),
        thousands(own_gz)
    ));
    for peer in PEERS {
        let (raw, gz) = gzip_total(root, peer)?;
        #[allow(clippy::cast_precision_loss)]
        let ratio = gz as f64 / own_gz.max(1) as f64;
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {:.2} |\n",
            peer.label,
            peer.what,
            peer.files.len(),
            thousands(raw),
            thousands(gz),
            ratio
        ));
    }
    Ok(out)
}

/// `2 cores, <CPU model>, rustc X, node Y, YYYY-MM-DD`.
pub(crate) fn machine_line() -> String {
    let cpu = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let version = |cmd: &str, arg: &str| {
        Command::new(cmd)
            .arg(arg)
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default()
    };
    let date = version("date", "+%Y-%m-%d");
    format!(
        "Machine: {cores} cores, {cpu}; {}; node {}; {date}.",
        version("rustc", "--version"),
        version("node", "--version")
    )
}

/// Replaces the section between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` (or appends it).
pub(crate) fn write_section(path: &Path, name: &str, body: &str) -> Result<(), String> {
    let header = "# Benchmarks\n\nEvery number in this file is written by `cargo xtask bench`, \
                  with the peers measured in the same run. Do not edit the sections by hand.\n";
    let old = fs::read_to_string(path).unwrap_or_else(|_| header.to_string());
    let (open, close) = (
        format!("<!-- bench:{name} -->"),
        format!("<!-- /bench:{name} -->"),
    );
    let block = format!("{open}\n{body}{close}");
    let new = match (old.find(&open), old.find(&close)) {
        (Some(a), Some(b)) if b > a => {
            let tail = old.get(b + close.len()..).unwrap_or("");
            format!("{}{block}{tail}", old.get(..a).unwrap_or(""))
        }
        _ => format!("{}\n{block}\n", old.trim_end()),
    };
    fs::write(path, new).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_are_replaced_in_place() {
        let dir = std::env::temp_dir().join(format!("xtask-bench-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("BENCHMARKS.md");
        let _ = fs::remove_file(&path);
        write_section(&path, "size", "one\n").unwrap();
        write_section(&path, "speed", "two\n").unwrap();
        write_section(&path, "size", "three\n").unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains("<!-- bench:size -->\nthree\n<!-- /bench:size -->"));
        assert!(text.contains("<!-- bench:speed -->\ntwo\n<!-- /bench:speed -->"));
        assert!(!text.contains("one"));
    }
}
