//! Running subprocesses: plain runs with inherited output, captured runs for version checks,
//! and streamed runs whose stdout is echoed line by line while test counts are parsed from it.

use std::io::{self, BufRead, BufReader, Write};
use std::process::{Command, Stdio};

/// Passed and failed test counts.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Tests that passed.
    pub passed: u64,
    /// Tests that failed (for node: failed plus cancelled).
    pub failed: u64,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, other: Self) {
        self.passed += other.passed;
        self.failed += other.failed;
    }
}

/// Which test summary format to look for in a streamed run's output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Summary {
    /// libtest / wasm-bindgen-test-runner: every `test result: ok. N passed; M failed; ...`
    /// line is added up (one per test binary and one for doc-tests).
    Cargo,
    /// `node --test`: the closing `ℹ pass N` / `ℹ fail N` / `ℹ cancelled N` lines of the spec
    /// reporter (or `# pass N` ... of the TAP reporter); the last value of each wins.
    Node,
}

/// Result of a streamed run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// The process exited with status 0.
    pub success: bool,
    /// Test counts parsed from its stdout.
    pub counts: Counts,
    /// At least one summary line was seen (false e.g. when compilation failed).
    pub saw_summary: bool,
}

/// `program arg1 arg2 ...` for messages.
pub fn describe(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for arg in cmd.get_args() {
        s.push(' ');
        s.push_str(&arg.to_string_lossy());
    }
    s
}

/// Runs `cmd` with inherited stdio; an error if it cannot start or exits non-zero.
pub fn run(cmd: &mut Command) -> Result<(), String> {
    let status = cmd
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run `{}`: {e}", describe(cmd)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", describe(cmd)))
    }
}

/// Runs `cmd` quietly and returns its stdout, or `None` if it cannot start or exits non-zero.
pub fn capture(cmd: &mut Command) -> Option<String> {
    let out = cmd
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if out.status.success() {
        Some(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        None
    }
}

/// Runs `cmd`, echoing its stdout line by line to our stdout (stderr is inherited) and
/// parsing test summary lines of the given format. An error only if it cannot start.
pub fn stream(cmd: &mut Command, summary: Summary) -> Result<Outcome, String> {
    let what = describe(cmd);
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot run `{what}`: {e}"))?;
    let mut parser = Parser::new(summary);
    if let Some(stdout) = child.stdout.take() {
        let mut reader = BufReader::new(stdout);
        let mut line = Vec::new();
        let out = io::stdout();
        loop {
            line.clear();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) => break,
                Ok(_) => {
                    // Echo failures (e.g. a closed pipe) must not stop the child: keep draining.
                    let mut lock = out.lock();
                    let _ = lock.write_all(&line).and_then(|()| lock.flush());
                    parser.line(&String::from_utf8_lossy(&line));
                }
                Err(e) => {
                    eprintln!("xtask: reading output of `{what}`: {e}");
                    break;
                }
            }
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("waiting for `{what}`: {e}"))?;
    Ok(Outcome {
        success: status.success(),
        counts: parser.counts(),
        saw_summary: parser.saw_summary,
    })
}

/// Accumulates test counts from output lines.
#[derive(Debug)]
struct Parser {
    summary: Summary,
    saw_summary: bool,
    cargo: Counts,
    node_pass: u64,
    node_fail: u64,
    node_cancelled: u64,
}

impl Parser {
    fn new(summary: Summary) -> Self {
        Self {
            summary,
            saw_summary: false,
            cargo: Counts::default(),
            node_pass: 0,
            node_fail: 0,
            node_cancelled: 0,
        }
    }

    fn line(&mut self, raw: &str) {
        let line = strip_ansi(raw);
        let line = line.trim();
        match self.summary {
            Summary::Cargo => {
                if let Some(counts) = parse_cargo_result(line) {
                    self.cargo += counts;
                    self.saw_summary = true;
                }
            }
            Summary::Node => {
                let Some(rest) = line.strip_prefix("ℹ ").or_else(|| line.strip_prefix("# "))
                else {
                    return;
                };
                let mut words = rest.split_whitespace();
                let (Some(key), Some(value), None) = (words.next(), words.next(), words.next())
                else {
                    return;
                };
                let Ok(n) = value.parse::<u64>() else {
                    return;
                };
                match key {
                    "pass" => self.node_pass = n,
                    "fail" => self.node_fail = n,
                    "cancelled" => self.node_cancelled = n,
                    _ => return,
                }
                self.saw_summary = true;
            }
        }
    }

    fn counts(&self) -> Counts {
        match self.summary {
            Summary::Cargo => self.cargo,
            Summary::Node => Counts {
                passed: self.node_pass,
                failed: self.node_fail + self.node_cancelled,
            },
        }
    }
}

/// Parses `test result: ok. 3 passed; 1 failed; 0 ignored; ...` into its counts.
fn parse_cargo_result(line: &str) -> Option<Counts> {
    let (_, rest) = line.split_once("test result:")?;
    let mut counts = Counts::default();
    let mut found = false;
    for part in rest.split([';', '.']) {
        let mut words = part.split_whitespace();
        let (Some(n), Some(what)) = (words.next(), words.next()) else {
            continue;
        };
        let Ok(n) = n.parse::<u64>() else {
            continue;
        };
        match what {
            "passed" => counts.passed = n,
            "failed" => counts.failed = n,
            _ => continue,
        }
        found = true;
    }
    found.then_some(counts)
}

/// Removes ANSI escape sequences (colours) from a line.
fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        // CSI: ESC [ parameters... final byte in '@'..='~'; other escapes: drop one char.
        if chars.next() == Some('[') {
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(summary: Summary, lines: &[&str]) -> (Counts, bool) {
        let mut p = Parser::new(summary);
        for l in lines {
            p.line(l);
        }
        (p.counts(), p.saw_summary)
    }

    #[test]
    fn cargo_results_are_summed() {
        let (counts, seen) = parse(
            Summary::Cargo,
            &[
                "running 3 tests\n",
                "test result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s\n",
                "test result: FAILED. 4 passed; 2 failed; 1 ignored; 0 measured; 0 filtered out; finished in 1.50s\n",
                "\u{1b}[32mtest result: \u{1b}[32mok\u{1b}[0m. 1 passed; 0 failed; 0 ignored\n",
                "test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n",
            ],
        );
        assert!(seen);
        assert_eq!(
            counts,
            Counts {
                passed: 8,
                failed: 2
            }
        );
    }

    #[test]
    fn cargo_without_results() {
        let (counts, seen) = parse(Summary::Cargo, &["error[E0425]: cannot find value\n"]);
        assert!(!seen);
        assert_eq!(counts, Counts::default());
    }

    #[test]
    fn node_spec_and_tap_summaries() {
        let spec = [
            "✔ renders (12ms)\n",
            "ℹ tests 4\n",
            "ℹ suites 0\n",
            "ℹ pass 2\n",
            "ℹ fail 1\n",
            "ℹ cancelled 1\n",
            "ℹ skipped 0\n",
            "ℹ duration_ms 235.9\n",
        ];
        assert_eq!(
            parse(Summary::Node, &spec),
            (
                Counts {
                    passed: 2,
                    failed: 2
                },
                true
            )
        );
        let tap = ["1..3\n", "# tests 3\n", "# pass 3\n", "# fail 0\n"];
        assert_eq!(
            parse(Summary::Node, &tap),
            (
                Counts {
                    passed: 3,
                    failed: 0
                },
                true
            )
        );
        // A diagnostic that merely mentions pass is not a summary line.
        assert!(!parse(Summary::Node, &["ℹ pass the data through\n"]).1);
    }

    #[test]
    fn strips_colours() {
        assert_eq!(strip_ansi("\u{1b}[1;31mred\u{1b}[0m text"), "red text");
        assert_eq!(strip_ansi("plain ℹ"), "plain ℹ");
    }
}
