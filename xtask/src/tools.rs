//! Making sure the build and test tools are present, installing only what is missing.
//!
//! - PATH for every subprocess starts with `<repo>/node_modules/.bin` and `$CARGO_HOME/bin`,
//!   so npm's `wasm-opt` (binaryen) wins over Debian's, whose output crashes in Chromium.
//! - the `wasm32-unknown-unknown` rustup target;
//! - `wasm-bindgen-cli` at exactly the `wasm-bindgen` version in Cargo.lock (installed without
//!   `--locked`: its lockfile pins a `webpki-roots` release the registry here does not serve);
//! - `wasm-pack`;
//! - the npm devDependencies (`npm ci`) unless `node_modules` was installed from this very
//!   `package-lock.json` (a stamp file in `node_modules` holds the lockfile it came from);
//! - for `test`: Debian's `chromium` and `chromium-driver` (apt, root only);
//! - `www/data/`, a copy of the `vega-datasets` data files served to the demo page;
//! - for `test`: pip `duckdb` at exactly [`DUCKDB_VERSION`] in a venv under `target/` (the
//!   DuckDB oracle, `tests/duckdb.rs`), see [`ensure_duckdb`].
//!
//! A second run installs nothing and prints only `tools ok`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::proc;
use crate::Ctx;

/// Where Debian's chromium package puts the browser.
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Where Debian's chromium-driver package puts chromedriver.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The wasm target the library is built for.
const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Stamp file in `www/data/` holding the vega-datasets version it was copied from.
const DATA_STAMP: &str = ".vega-datasets-version";

/// `$CARGO_HOME`, or `~/.cargo`.
fn cargo_home() -> PathBuf {
    if let Some(home) = std::env::var_os("CARGO_HOME").filter(|h| !h.is_empty()) {
        return PathBuf::from(home);
    }
    let home = std::env::var_os("HOME").unwrap_or_else(|| "/root".into());
    PathBuf::from(home).join(".cargo")
}

/// Prepends `<repo>/node_modules/.bin` and `$CARGO_HOME/bin` to this process's PATH, which
/// every subprocess inherits. Must run before any thread is started.
pub fn setup_path(ctx: &Ctx) -> Result<(), String> {
    let first = [
        ctx.root.join("node_modules").join(".bin"),
        cargo_home().join("bin"),
    ];
    let old = std::env::var_os("PATH").unwrap_or_default();
    let rest = std::env::split_paths(&old).filter(|p| !first.contains(p));
    let dirs: Vec<PathBuf> = first.iter().cloned().chain(rest).collect();
    let path = std::env::join_paths(dirs).map_err(|e| format!("cannot build PATH: {e}"))?;
    std::env::set_var("PATH", path);
    Ok(())
}

/// The first executable file called `name` on PATH.
pub fn which(name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| {
            fs::metadata(p)
                .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
                .unwrap_or(false)
        })
}

/// Ensures every tool is present; `browser` adds chromium and chromedriver (for `test`).
/// Prints one line per installed tool, then `tools ok`.
pub fn ensure(ctx: &Ctx, browser: bool) -> Result<(), String> {
    if browser {
        ensure_chromium()?;
    }
    ensure_wasm_target()?;
    ensure_wasm_bindgen(ctx)?;
    ensure_wasm_pack(ctx)?;
    ensure_npm(ctx)?;
    ensure_data(ctx)?;
    println!("tools ok");
    Ok(())
}

/// The pip `duckdb` version the DuckDB oracle (`tests/duckdb.rs`) runs against.
pub const DUCKDB_VERSION: &str = "2.0.1";

/// Ensures a Python that imports `duckdb` at exactly [`DUCKDB_VERSION`], installing only when
/// missing: a venv at `target/duckdb-venv` (`python3 -m venv`, then `pip install
/// duckdb==VERSION`), or, where `venv` is unavailable, `pip install --user`. Returns the
/// Python to run the oracle's helper with.
pub fn ensure_duckdb(ctx: &Ctx) -> Result<PathBuf, String> {
    let venv = ctx.root.join("target").join("duckdb-venv");
    let venv_python = venv.join("bin").join("python");
    let pin = format!("duckdb=={DUCKDB_VERSION}");
    let has_duckdb = |python: &Path| {
        let check =
            format!("import duckdb, sys; sys.exit(duckdb.__version__ != '{DUCKDB_VERSION}')");
        Command::new(python)
            .args(["-c", &check])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if has_duckdb(&venv_python) {
        return Ok(venv_python);
    }
    println!(
        "installing {pin} into {} (pip, for the DuckDB oracle)...",
        venv.display()
    );
    let venv_made = venv_python.is_file()
        || proc::run(Command::new("python3").arg("-m").arg("venv").arg(&venv)).is_ok();
    if venv_made {
        proc::run(
            Command::new(&venv_python)
                .args([
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                ])
                .arg(&pin),
        )?;
        if has_duckdb(&venv_python) {
            return Ok(venv_python);
        }
        return Err(format!(
            "{} still cannot import {pin}",
            venv_python.display()
        ));
    }
    let python = PathBuf::from("python3");
    if !has_duckdb(&python) {
        println!("python3 -m venv failed; installing {pin} with pip install --user...");
        proc::run(
            Command::new(&python)
                .args([
                    "-m",
                    "pip",
                    "install",
                    "--user",
                    "--quiet",
                    "--disable-pip-version-check",
                ])
                .arg(&pin),
        )?;
    }
    if has_duckdb(&python) {
        Ok(python)
    } else {
        Err(format!("python3 still cannot import {pin}"))
    }
}

/// Installs Debian's chromium and chromium-driver when either binary is missing.
fn ensure_chromium() -> Result<(), String> {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return Ok(());
    }
    if !is_root() {
        println!("sudo apt-get update && sudo apt-get install -y chromium chromium-driver");
        return Err(format!(
            "{CHROMIUM} or {CHROMEDRIVER} is missing; install them with the command above"
        ));
    }
    println!("installing chromium and chromium-driver (apt-get, ~1 min)...");
    proc::run(Command::new("apt-get").arg("update"))?;
    proc::run(
        Command::new("apt-get")
            .args(["install", "-y", "chromium", "chromium-driver"])
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )?;
    for bin in [CHROMIUM, CHROMEDRIVER] {
        if !Path::new(bin).exists() {
            return Err(format!("{bin} is still missing after apt-get install"));
        }
    }
    Ok(())
}

/// True when running with effective uid 0 (read from /proc, else `id -u`).
fn is_root() -> bool {
    if let Ok(status) = fs::read_to_string("/proc/self/status") {
        if let Some(uids) = status.lines().find_map(|l| l.strip_prefix("Uid:")) {
            // Fields: real, effective, saved, filesystem.
            return uids.split_whitespace().nth(1) == Some("0");
        }
    }
    proc::capture(Command::new("id").arg("-u")).is_some_and(|out| out.trim() == "0")
}

/// `rustup target add wasm32-unknown-unknown` unless it is installed.
fn ensure_wasm_target() -> Result<(), String> {
    let installed = proc::capture(Command::new("rustup").args(["target", "list", "--installed"]))
        .ok_or("`rustup target list --installed` failed; is rustup installed?")?;
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        return Ok(());
    }
    println!("installing the {WASM_TARGET} target (rustup)...");
    proc::run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

/// Installs wasm-bindgen-cli at the `wasm-bindgen` version locked in Cargo.lock.
fn ensure_wasm_bindgen(ctx: &Ctx) -> Result<(), String> {
    let lock = ctx.root.join("Cargo.lock");
    if !lock.exists() {
        println!("creating Cargo.lock (cargo metadata)...");
        proc::run(
            Command::new(&ctx.cargo)
                .args(["metadata", "--format-version", "1", "--quiet"])
                .current_dir(&ctx.root)
                .stdout(std::process::Stdio::null()),
        )?;
    }
    let text =
        fs::read_to_string(&lock).map_err(|e| format!("cannot read {}: {e}", lock.display()))?;
    let want = locked_version(&text, "wasm-bindgen")
        .ok_or("Cargo.lock has no wasm-bindgen package; is it a dependency of storychart?")?;
    let have = proc::capture(Command::new("wasm-bindgen").arg("--version"))
        .and_then(|out| out.split_whitespace().nth(1).map(str::to_owned));
    if have.as_deref() == Some(want.as_str()) {
        return Ok(());
    }
    match have {
        Some(v) => println!(
            "installing wasm-bindgen-cli {want} (cargo install, ~6.5 min cold; found {v})..."
        ),
        None => println!("installing wasm-bindgen-cli {want} (cargo install, ~6.5 min cold)..."),
    }
    // No --locked: the crate's own lockfile pins a webpki-roots release this registry lacks.
    proc::run(Command::new(&ctx.cargo).args(["install", "wasm-bindgen-cli", "--version", &want]))
}

/// The version of package `name` in a Cargo.lock (the first entry if there are several).
fn locked_version(lock: &str, name: &str) -> Option<String> {
    let wanted_name = format!("name = \"{name}\"");
    lock.split("[[package]]").skip(1).find_map(|block| {
        let mut lines = block.lines().map(str::trim);
        if !lines.clone().any(|l| l == wanted_name) {
            return None;
        }
        lines.find_map(|l| {
            l.strip_prefix("version = \"")
                .and_then(|v| v.strip_suffix('"'))
                .map(str::to_owned)
        })
    })
}

/// `cargo install wasm-pack --locked` unless `wasm-pack --version` works.
fn ensure_wasm_pack(ctx: &Ctx) -> Result<(), String> {
    if proc::capture(Command::new("wasm-pack").arg("--version")).is_some() {
        return Ok(());
    }
    println!("installing wasm-pack (cargo install, ~5 min cold)...");
    proc::run(Command::new(&ctx.cargo).args(["install", "wasm-pack", "--locked"]))
}

/// `npm ci` unless node_modules was installed from this very package-lock.json (a stamp
/// holding the lockfile's text, written after each install: file times are no guide, since a
/// checkout or a new worktree touches the lockfile); then checks that `wasm-opt` resolves to
/// npm's binaryen.
fn ensure_npm(ctx: &Ctx) -> Result<(), String> {
    let lock = ctx.root.join("package-lock.json");
    let lock_text =
        fs::read_to_string(&lock).map_err(|e| format!("cannot read {}: {e}", lock.display()))?;
    let stamp = ctx.root.join("node_modules").join(".storychart-lock");
    let installed = ctx.root.join("node_modules").join(".package-lock.json");
    let current =
        installed.exists() && fs::read_to_string(&stamp).is_ok_and(|text| text == lock_text);
    if !current {
        println!("installing npm packages (npm ci)...");
        proc::run(
            Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(&ctx.root),
        )
        .map_err(|e| format!("{e} (are node and npm installed?)"))?;
        fs::write(&stamp, &lock_text)
            .map_err(|e| format!("cannot write {}: {e}", stamp.display()))?;
    }
    let expected = ctx.root.join("node_modules").join(".bin").join("wasm-opt");
    match which("wasm-opt") {
        Some(found) if found == expected => Ok(()),
        Some(found) => Err(format!(
            "wasm-opt resolves to {} instead of {}; Debian's binaryen produces modules that \
             crash in Chromium",
            found.display(),
            expected.display()
        )),
        None => Err(format!(
            "{} is missing after npm ci; is `binaryen` in package.json?",
            expected.display()
        )),
    }
}

/// Copies `node_modules/vega-datasets/data/` to `www/data/` unless the copy is from the same
/// vega-datasets version (recorded in a stamp file, so a second run only reads that file).
fn ensure_data(ctx: &Ctx) -> Result<(), String> {
    let pkg = ctx.root.join("node_modules").join("vega-datasets");
    let src = pkg.join("data");
    let dst = ctx.root.join("www").join("data");
    let manifest = fs::read_to_string(pkg.join("package.json"))
        .map_err(|e| format!("cannot read vega-datasets/package.json: {e}"))?;
    let version = json_string_field(&manifest, "version")
        .ok_or("no version in vega-datasets/package.json")?;
    let stamp = dst.join(DATA_STAMP);
    if fs::read_to_string(&stamp).is_ok_and(|s| s.trim() == version) {
        return Ok(());
    }
    println!("copying vega-datasets {version} data to www/data/...");
    if dst.exists() {
        fs::remove_dir_all(&dst).map_err(|e| format!("cannot remove {}: {e}", dst.display()))?;
    }
    copy_dir(&src, &dst)?;
    fs::write(&stamp, format!("{version}\n"))
        .map_err(|e| format!("cannot write {}: {e}", stamp.display()))
}

/// Recursively copies directory `src` to `dst`.
fn copy_dir(src: &Path, dst: &Path) -> Result<(), String> {
    fs::create_dir_all(dst).map_err(|e| format!("cannot create {}: {e}", dst.display()))?;
    let entries = fs::read_dir(src).map_err(|e| format!("cannot read {}: {e}", src.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", src.display()))?;
        let from = entry.path();
        let to = dst.join(entry.file_name());
        if from.is_dir() {
            copy_dir(&from, &to)?;
        } else {
            fs::copy(&from, &to).map_err(|e| format!("cannot copy {}: {e}", from.display()))?;
        }
    }
    Ok(())
}

/// The string value of the first `"key": "value"` in a JSON text (enough for package.json).
fn json_string_field(json: &str, key: &str) -> Option<String> {
    let (_, rest) = json.split_once(&format!("\"{key}\""))?;
    let rest = rest.trim_start().strip_prefix(':')?.trim_start();
    let rest = rest.strip_prefix('"')?;
    rest.split_once('"').map(|(v, _)| v.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_locked_version() {
        let lock = r#"
version = 4

[[package]]
name = "wasm-bindgen-macro"
version = "0.2.130"

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = [
 "wasm-bindgen-macro",
]
"#;
        assert_eq!(
            locked_version(lock, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(locked_version(lock, "serde"), None);
    }

    #[test]
    fn reads_package_json_version() {
        let json = "{\n  \"name\": \"vega-datasets\",\n  \"version\" : \"3.2.1\",\n}";
        assert_eq!(json_string_field(json, "version").as_deref(), Some("3.2.1"));
        assert_eq!(json_string_field(json, "main"), None);
    }
}
