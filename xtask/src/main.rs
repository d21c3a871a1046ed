//! `cargo xtask`: build tooling for storychart.
//!
//! Commands (run from anywhere inside the repository, through the `xtask` cargo alias):
//!
//! - `cargo xtask serve [--port N]`: ensure tools, build the release package into `www/pkg`,
//!   then serve `www/` on `http://127.0.0.1:N/` (default 8080) until killed.
//! - `cargo xtask build`: ensure tools, then build the release package and print its size.
//! - `cargo xtask review [--passing] [NAME...]`: build `www/pkg`, then screenshot each corpus
//!   spec with storychart beside vega-embed into `target/review/` (tests/review/review.mjs).
//! - `cargo xtask test`: the whole test suite (fmt, clippy, native tests, browser unit tests,
//!   release build, end-to-end tests) with one summary line at the end; CI runs this.
//!
//! This file only parses arguments and dispatches; the work lives in the modules below.

mod bench;
mod bench_engine;
mod bench_interact;
mod build;
mod proc;
mod serve;
mod test;
mod tools;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

/// Default port of `cargo xtask serve`.
const DEFAULT_PORT: u16 = 8080;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  serve [--port N]  build the release package and serve www/ on http://127.0.0.1:N/ (default 8080)
  build             build the release package into www/pkg and print its size
  test              run fmt, clippy, native tests, browser tests, release build and e2e tests
  review [--passing] [NAME...]
                    build www/pkg, then save storychart-beside-Vega screenshots of the corpus
                    specs (../shared/vega-lite/specs) into target/review/
  bench [size]      measure and rewrite BENCHMARKS.md (download size against vega-embed, Chart.js, uPlot)
  bench engine      data engine speed and memory, native and WASM in Chromium, against a JS loop
  bench interact    interaction speed in Chromium: brushing linked charts, hovering a scatter
  help              print this message

Missing tools (wasm32 target, wasm-bindgen-cli, wasm-pack, npm packages, and for `test`
chromium + chromedriver) are installed on first use.";

/// Paths and programs shared by every command.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// Repository root (the workspace root, parent of `xtask/`).
    pub root: PathBuf,
    /// The cargo binary to run (`$CARGO` when started through cargo, else `cargo`).
    pub cargo: OsString,
}

/// A parsed command line.
#[derive(Debug, PartialEq, Eq)]
enum Cmd {
    Serve { port: u16 },
    Build,
    Test,
    Bench { which: String },
    Review { args: Vec<String> },
    Help,
}

fn parse_args(args: &[String]) -> Result<Cmd, String> {
    let mut it = args.iter();
    let cmd = match it.next().map(String::as_str) {
        None | Some("help" | "-h" | "--help") => Cmd::Help,
        Some("build") => Cmd::Build,
        Some("test") => Cmd::Test,
        Some("review") => {
            return Ok(Cmd::Review {
                args: it.cloned().collect(),
            })
        }
        Some("bench") => {
            let which = it.next().map_or_else(|| "size".to_owned(), String::clone);
            Cmd::Bench { which }
        }
        Some("serve") => {
            let mut port = DEFAULT_PORT;
            while let Some(arg) = it.next() {
                let value = if arg == "--port" || arg == "-p" {
                    it.next()
                        .ok_or_else(|| format!("{arg} needs a value"))?
                        .as_str()
                } else if let Some(v) = arg.strip_prefix("--port=") {
                    v
                } else {
                    return Err(format!("unknown argument to serve: {arg}"));
                };
                port = value
                    .parse()
                    .map_err(|_| format!("invalid port: {value}"))?;
            }
            return Ok(Cmd::Serve { port });
        }
        Some(other) => return Err(format!("unknown command: {other}")),
    };
    match it.next() {
        Some(extra) => Err(format!("unexpected argument: {extra}")),
        None => Ok(cmd),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cmd = match parse_args(&args) {
        Ok(cmd) => cmd,
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if cmd == Cmd::Help {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }

    let root = match PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent() {
        Some(p) => p.to_path_buf(),
        None => {
            eprintln!("error: cannot find the repository root above xtask/");
            return ExitCode::FAILURE;
        }
    };
    let ctx = Ctx {
        root,
        cargo: std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()),
    };
    // Set PATH once, before any thread starts, so every subprocess inherits it.
    if let Err(e) = tools::setup_path(&ctx) {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }

    let result = match cmd {
        Cmd::Build => tools::ensure(&ctx, false).and_then(|()| build::build(&ctx)),
        Cmd::Serve { port } => serve::run(&ctx, port),
        Cmd::Test => return test::run(&ctx),
        Cmd::Bench { which } => {
            tools::ensure(&ctx, false).and_then(|()| bench::bench(&ctx, &which))
        }
        Cmd::Review { args } => tools::ensure(&ctx, false)
            .and_then(|()| build::build(&ctx))
            .and_then(|()| {
                proc::run(
                    std::process::Command::new("node")
                        .arg("tests/review/review.mjs")
                        .args(&args)
                        .current_dir(&ctx.root),
                )
            }),
        Cmd::Help => Ok(()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn parses_commands() {
        assert_eq!(parse_args(&args(&[])), Ok(Cmd::Help));
        assert_eq!(parse_args(&args(&["build"])), Ok(Cmd::Build));
        assert_eq!(parse_args(&args(&["test"])), Ok(Cmd::Test));
        assert_eq!(
            parse_args(&args(&["bench"])),
            Ok(Cmd::Bench {
                which: "size".into()
            })
        );
        assert_eq!(
            parse_args(&args(&["review", "--passing", "bar"])),
            Ok(Cmd::Review {
                args: args(&["--passing", "bar"])
            })
        );
        assert_eq!(
            parse_args(&args(&["serve"])),
            Ok(Cmd::Serve { port: DEFAULT_PORT })
        );
        assert_eq!(
            parse_args(&args(&["serve", "--port", "8099"])),
            Ok(Cmd::Serve { port: 8099 })
        );
        assert_eq!(
            parse_args(&args(&["serve", "--port=9000"])),
            Ok(Cmd::Serve { port: 9000 })
        );
    }

    #[test]
    fn rejects_bad_arguments() {
        assert!(parse_args(&args(&["deploy"])).is_err());
        assert!(parse_args(&args(&["build", "--port", "1"])).is_err());
        assert!(parse_args(&args(&["serve", "--port"])).is_err());
        assert!(parse_args(&args(&["serve", "--port", "http"])).is_err());
        assert!(parse_args(&args(&["serve", "--port", "70000"])).is_err());
    }
}
