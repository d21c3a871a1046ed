//! `cargo xtask test`: the whole test suite, as CI runs it (`.ci/run`).
//!
//! Stages, in order; a failing stage is recorded and the next one still runs, only a tool that
//! cannot be installed stops the run early:
//!
//! 1. `cargo fmt --all --check`
//! 2. `cargo clippy --workspace --all-targets -- -D warnings`, then the same for the library and
//!    its tests on `wasm32-unknown-unknown` (the web module only compiles there)
//! 3. native `cargo test --workspace --no-fail-fast`
//! 4. browser unit tests, `tests/web.rs`, through wasm-bindgen-test-runner and headless Chromium
//! 5. the release build (as `cargo xtask build`)
//! 6. end-to-end tests: `node --test tests/e2e/*.test.mjs` against the release build, served on
//!    an ephemeral loopback port given to the tests as `STORYCHART_URL`
//!
//! The last line printed is `xtask test: N passed, M failed`: the tests counted from every
//! `test result:` line and node's closing summary, plus one failure per failed non-test stage
//! (and per test stage that failed or was skipped without reporting a failing test).

use std::fs;
use std::io::{IsTerminal, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use crate::proc::{self, Counts, Summary};
use crate::{build, serve, tools, Ctx};

/// How a stage ended.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Status {
    Passed,
    Failed,
    Skipped(String),
}

/// One finished stage.
#[derive(Debug)]
struct Stage {
    name: &'static str,
    status: Status,
    /// Test counts, including the failure charged for a failed or skipped stage.
    counts: Counts,
    /// Whether this stage runs tests (its counts are shown).
    tests: bool,
    elapsed: Duration,
}

/// The stages run so far.
#[derive(Debug, Default)]
struct Report {
    stages: Vec<Stage>,
}

impl Report {
    /// Records a stage that does not run tests: one failure if it failed.
    fn check(&mut self, name: &'static str, ok: bool, started: Instant) {
        self.stages.push(Stage {
            name,
            status: if ok { Status::Passed } else { Status::Failed },
            counts: Counts {
                passed: 0,
                failed: u64::from(!ok),
            },
            tests: false,
            elapsed: started.elapsed(),
        });
    }

    /// Records a test stage. A failed run that reported no failing test (a compile error, a
    /// crashed runner) is charged one failure so it cannot go unnoticed in the total.
    fn tests(&mut self, name: &'static str, outcome: proc::Outcome, started: Instant) {
        let mut counts = outcome.counts;
        if !outcome.success && counts.failed == 0 {
            println!(
                "xtask: {name} exited with an error {}; counting 1 failure",
                if outcome.saw_summary {
                    "although no test failed"
                } else {
                    "before reporting test results"
                }
            );
            counts.failed = 1;
        }
        self.stages.push(Stage {
            name,
            status: if outcome.success && counts.failed == 0 {
                Status::Passed
            } else {
                Status::Failed
            },
            counts,
            tests: true,
            elapsed: started.elapsed(),
        });
    }

    /// Records a skipped stage, which counts as one failure.
    fn skip(&mut self, name: &'static str, why: String, started: Instant) {
        println!("xtask: skipping {name}: {why} (counted as 1 failure)");
        self.stages.push(Stage {
            name,
            status: Status::Skipped(why),
            counts: Counts {
                passed: 0,
                failed: 1,
            },
            tests: true,
            elapsed: started.elapsed(),
        });
    }

    /// Records a stage whose command could not be started at all.
    fn error(&mut self, name: &'static str, err: &str, started: Instant) {
        eprintln!("error: {err}");
        self.check(name, false, started);
    }

    fn passed(&self, name: &str) -> bool {
        self.stages
            .iter()
            .any(|s| s.name == name && s.status == Status::Passed)
    }

    /// Prints the per-stage table and the final summary line; returns the exit code.
    fn finish(&self, started: Instant) -> ExitCode {
        let mut total = Counts::default();
        println!();
        println!("== summary ==");
        for stage in &self.stages {
            total += stage.counts;
            let result = match (&stage.status, stage.tests) {
                (Status::Skipped(why), _) => format!("SKIPPED ({why})"),
                (status, true) => format!(
                    "{} ({} passed, {} failed)",
                    if *status == Status::Passed {
                        "ok"
                    } else {
                        "FAILED"
                    },
                    stage.counts.passed,
                    stage.counts.failed
                ),
                (Status::Passed, false) => "ok".to_owned(),
                (Status::Failed, false) => "FAILED".to_owned(),
            };
            println!(
                "  {:<14} {:>9}  {result}",
                stage.name,
                elapsed(stage.elapsed)
            );
        }
        println!("  {:<14} {:>9}", "total", elapsed(started.elapsed()));
        println!(
            "xtask test: {} passed, {} failed",
            total.passed, total.failed
        );
        let _ = std::io::stdout().flush();
        if total.failed == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    }
}

/// `12.3s` or `4m 05s`.
fn elapsed(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs < 60.0 {
        format!("{secs:.1}s")
    } else {
        let whole = d.as_secs();
        format!("{}m {:02}s", whole / 60, whole % 60)
    }
}

/// Prints a stage header and returns the stage's start time.
fn header(name: &str) -> Instant {
    println!("\n== {name} ==");
    let _ = std::io::stdout().flush();
    Instant::now()
}

/// A `cargo` command in the repository root, coloured when our terminal is.
fn cargo(ctx: &Ctx, args: &[&str]) -> Command {
    let mut cmd = Command::new(&ctx.cargo);
    cmd.args(args).current_dir(&ctx.root);
    if std::env::var_os("CARGO_TERM_COLOR").is_none() && std::io::stderr().is_terminal() {
        cmd.env("CARGO_TERM_COLOR", "always");
    }
    cmd
}

/// Runs a stage that does not run tests.
fn check_stage(report: &mut Report, name: &'static str, mut cmd: Command) {
    let started = header(name);
    match proc::stream(&mut cmd, Summary::Cargo) {
        Ok(outcome) => report.check(name, outcome.success, started),
        Err(e) => report.error(name, &e, started),
    }
}

/// Runs a test stage, parsing its summary lines.
fn test_stage(
    report: &mut Report,
    name: &'static str,
    started: Instant,
    mut cmd: Command,
    summary: Summary,
) {
    match proc::stream(&mut cmd, summary) {
        Ok(outcome) => report.tests(name, outcome, started),
        Err(e) => report.error(name, &e, started),
    }
}

/// `tests/e2e/*.test.mjs`, sorted, relative to the repository root.
fn e2e_files(ctx: &Ctx) -> Vec<PathBuf> {
    let dir = ctx.root.join("tests").join("e2e");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.ends_with(".test.mjs"))
        })
        .filter_map(|p| p.strip_prefix(&ctx.root).ok().map(PathBuf::from))
        .collect();
    files.sort();
    files
}

/// Runs the end-to-end tests against the release build, served from `www/` in-process.
fn e2e_stage(ctx: &Ctx, report: &mut Report) {
    const NAME: &str = "e2e";
    let started = header(NAME);
    if !report.passed("build") {
        report.skip(NAME, "the release build failed".to_owned(), started);
        return;
    }
    let files = e2e_files(ctx);
    if files.is_empty() {
        report.skip(NAME, "no tests/e2e/*.test.mjs".to_owned(), started);
        return;
    }
    let server = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| serve::spawn(&ctx.root.join("www"), listener));
    let server = match server {
        Ok(s) => s,
        Err(e) => {
            report.error(NAME, &format!("cannot start the server: {e}"), started);
            return;
        }
    };
    println!("serving www/ at {}", server.url());
    let mut cmd = Command::new("node");
    cmd.args(["--test", "--test-reporter=spec"])
        .args(&files)
        .env("STORYCHART_URL", server.url())
        .current_dir(&ctx.root);
    test_stage(report, NAME, started, cmd, Summary::Node);
    if let Err(e) = server.stop() {
        eprintln!("xtask: {e}");
    }
}

/// Runs every stage and prints the summary; the exit code is non-zero if anything failed.
pub fn run(ctx: &Ctx) -> ExitCode {
    let started_all = Instant::now();
    let mut report = Report::default();

    let started = header("tools");
    if let Err(e) = tools::ensure(ctx, true) {
        eprintln!("error: {e}");
        report.check("tools", false, started);
        return report.finish(started_all);
    }
    // The DuckDB oracle fails (never skips) when this could not install duckdb.
    let duckdb = tools::ensure_duckdb(ctx).unwrap_or_else(|e| {
        eprintln!("error: {e} (tests/duckdb.rs will fail)");
        PathBuf::from("python3")
    });
    report.check("tools", true, started);

    check_stage(&mut report, "fmt", cargo(ctx, &["fmt", "--all", "--check"]));
    check_stage(
        &mut report,
        "clippy",
        cargo(
            ctx,
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
        ),
    );
    check_stage(
        &mut report,
        "clippy wasm32",
        cargo(
            ctx,
            &[
                "clippy",
                "--lib",
                "--tests",
                "--target",
                "wasm32-unknown-unknown",
                // No CLI binary on wasm32: it would collide with the cdylib's file name.
                "--no-default-features",
                "--",
                "-D",
                "warnings",
            ],
        ),
    );

    let started = header("test native");
    test_stage(
        &mut report,
        "test native",
        started,
        {
            let mut cmd = cargo(ctx, &["test", "--workspace", "--no-fail-fast"]);
            cmd.env("STORYCHART_DUCKDB_PYTHON", &duckdb)
                .env("STORYCHART_REQUIRE_DUCKDB", "1");
            cmd
        },
        Summary::Cargo,
    );

    let started = header("test browser");
    if ctx.root.join("tests").join("web.rs").is_file() {
        let mut cmd = cargo(
            ctx,
            &[
                "test",
                "--target",
                "wasm32-unknown-unknown",
                "--no-default-features",
                "--test",
                "web",
                "--no-fail-fast",
            ],
        );
        cmd.env("CHROMEDRIVER", tools::CHROMEDRIVER);
        test_stage(&mut report, "test browser", started, cmd, Summary::Cargo);
    } else {
        report.skip(
            "test browser",
            "tests/web.rs does not exist".to_owned(),
            started,
        );
    }

    let started = header("build");
    match build::build(ctx) {
        Ok(()) => report.check("build", true, started),
        Err(e) => report.error("build", &e, started),
    }

    e2e_stage(ctx, &mut report);

    report.finish(started_all)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(success: bool, passed: u64, failed: u64, saw_summary: bool) -> proc::Outcome {
        proc::Outcome {
            success,
            counts: Counts { passed, failed },
            saw_summary,
        }
    }

    #[test]
    fn failures_are_charged() {
        let now = Instant::now();
        let mut r = Report::default();
        r.check("fmt", true, now);
        r.check("clippy", false, now);
        r.tests("unit", outcome(false, 5, 2, true), now);
        r.tests("compile error", outcome(false, 0, 0, false), now);
        r.tests("fine", outcome(true, 3, 0, true), now);
        r.skip("browser", "no tests".to_owned(), now);
        let mut total = Counts::default();
        for s in &r.stages {
            total += s.counts;
        }
        assert_eq!(
            total,
            Counts {
                passed: 8,
                failed: 1 + 2 + 1 + 1
            }
        );
        assert!(r.passed("fmt"));
        assert!(!r.passed("clippy"));
        assert!(!r.passed("compile error"));
        assert!(r.passed("fine"));
    }

    #[test]
    fn formats_elapsed() {
        assert_eq!(elapsed(Duration::from_millis(12_340)), "12.3s");
        assert_eq!(elapsed(Duration::from_secs(245)), "4m 05s");
    }
}
