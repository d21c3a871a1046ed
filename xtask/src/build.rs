//! The release build of the web package and its size report.
//!
//! `wasm-pack build --release --target web --mode no-install --out-dir www/pkg
//! --out-name storychart` compiles the crate for wasm32, runs the `wasm-bindgen` on PATH (the
//! version `tools` installed) and then npm's `wasm-opt` with the flags in Cargo.toml's
//! `[package.metadata.wasm-pack.profile.release]`. `--mode no-install` makes a missing tool an
//! error instead of a download attempt.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::Command;

use flate2::write::GzEncoder;
use flate2::Compression;

use crate::proc;
use crate::Ctx;

/// Output directory of the package, relative to the repository root.
pub const PKG_DIR: &str = "www/pkg";
/// Base name of the generated files (`storychart.js`, `storychart_bg.wasm`).
const OUT_NAME: &str = "storychart";

/// Builds the release package into `www/pkg` and prints its size. Skips the build when the
/// package is newer than every input (`src/`, `Cargo.toml`, `Cargo.lock`): wasm-opt alone
/// takes about 20 s, so an unchanged tree serves at once.
pub fn build(ctx: &Ctx) -> Result<(), String> {
    let wasm = ctx.root.join(PKG_DIR).join(format!("{OUT_NAME}_bg.wasm"));
    let inputs = [
        ctx.root.join("src"),
        ctx.root.join("Cargo.toml"),
        ctx.root.join("Cargo.lock"),
    ];
    let built = fs::metadata(&wasm).and_then(|m| m.modified()).ok();
    let newest = inputs.iter().filter_map(|p| newest_mtime(p)).max();
    if let (Some(built), Some(newest)) = (built, newest) {
        if newest <= built {
            println!("{PKG_DIR} is up to date");
            return print_sizes(&ctx.root.join(PKG_DIR));
        }
    }
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
            .args(["--out-dir", PKG_DIR, "--out-name", OUT_NAME])
            // The WASM is optimised for size; the native CLI keeps `opt-level = 3` from
            // Cargo.toml; opt-level z made the gzip package about a fifth smaller when measured.
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "z")
            .current_dir(&ctx.root),
    )?;
    print_sizes(&ctx.root.join(PKG_DIR))
}

/// The latest modification time of a file, or of any file below a directory.
fn newest_mtime(path: &Path) -> Option<std::time::SystemTime> {
    let meta = fs::metadata(path).ok()?;
    if !meta.is_dir() {
        return meta.modified().ok();
    }
    fs::read_dir(path)
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| newest_mtime(&e.path()))
        .max()
}

/// Raw and gzip -9 sizes of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub raw: u64,
    pub gzip: u64,
}

pub fn measure(path: &Path) -> Result<Size, String> {
    let bytes = fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut gz = GzEncoder::new(Vec::new(), Compression::best());
    gz.write_all(&bytes)
        .and_then(|()| gz.finish())
        .map(|out| Size {
            raw: bytes.len() as u64,
            gzip: out.len() as u64,
        })
        .map_err(|e| format!("cannot gzip {}: {e}", path.display()))
}

/// Prints a table of raw and gzip -9 sizes of the wasm module and its JS glue.
fn print_sizes(pkg: &Path) -> Result<(), String> {
    let files = [format!("{OUT_NAME}_bg.wasm"), format!("{OUT_NAME}.js")];
    let mut rows = Vec::new();
    for name in files {
        let size = measure(&pkg.join(&name))?;
        rows.push((name, size));
    }
    let total: u64 = rows.iter().map(|(_, s)| s.gzip).sum();
    println!();
    println!("{:<24} {:>10} {:>10}", "www/pkg/", "raw", "gzip -9");
    for (name, size) in &rows {
        println!(
            "{:<24} {:>10} {:>10}",
            name,
            thousands(size.raw),
            thousands(size.gzip)
        );
    }
    println!("{:<24} {:>10} {:>10}", "total", "", thousands(total));
    println!();
    Ok(())
}

/// `1234567` -> `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(23462), "23,462");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn gzip_is_smaller_for_repetitive_input() {
        let path = std::env::temp_dir().join(format!("xtask-size-{}.txt", std::process::id()));
        fs::write(&path, "storychart ".repeat(1000)).unwrap();
        let size = measure(&path).unwrap();
        fs::remove_file(&path).unwrap();
        assert_eq!(size.raw, 11_000);
        assert!(size.gzip < 200, "{size:?}");
    }
}
