//! The CLI's mark data against Vega's (`../shared/vega-lite/expected`), by the README's rule.
//!
//! Runs the real `storychart` binary. Skipped, saying so, when `../shared/vega-lite` or the
//! npm package `vega-datasets` (installed by `cargo xtask`) is absent.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::path::Path;
use std::process::Command;

/// Specs of the shared corpus that storychart must match exactly today.
const MUST_PASS: &[&str] = &[
    "bar",
    "bar_aggregate_vertical",
    "bar_multi_values_per_categories",
];

fn run_data(spec: &Path, data_dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_storychart"))
        .arg("data")
        .arg(spec)
        .arg("--data-dir")
        .arg(data_dir)
        .output()
        .unwrap()
}

fn dirs() -> Option<(std::path::PathBuf, std::path::PathBuf)> {
    let Some(shared) = common::shared_vega_lite() else {
        common::say("SKIPPED: ../shared/vega-lite is not here; the oracle tests need it");
        return None;
    };
    let Some(data) = common::datasets() else {
        common::say("SKIPPED: node_modules/vega-datasets is missing; run `cargo xtask test` (it runs npm ci)");
        return None;
    };
    Some((shared, data))
}

#[test]
fn bar_specs_match_vega_mark_data() {
    let Some((shared, data)) = dirs() else { return };
    for name in MUST_PASS {
        let out = run_data(&shared.join(format!("specs/{name}.vl.json")), &data);
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let actual: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let expected: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(shared.join(format!("expected/{name}.marks.json"))).unwrap(),
        )
        .unwrap();
        assert_eq!(actual["spec"], expected["spec"]);
        if let Some(why) = common::oracle_mismatch(&expected, &actual) {
            panic!("{name}: {why}");
        }
    }
}

/// Every corpus spec either produces mark data or fails with one clear line on stderr and
/// exit code 1: the CLI never panics (exit 101) on any of them. Every spec listed in
/// `tests/oracle-passing.txt` must match Vega (a regression guard: add specs there as they
/// start to match; the run prints the ones that match but are not listed yet). Prints
/// `N passed, M failed` over the whole corpus.
#[test]
fn the_whole_corpus_runs_without_a_panic() {
    let Some((shared, data)) = dirs() else { return };
    let listed: Vec<String> =
        std::fs::read_to_string(common::root().join("tests/oracle-passing.txt"))
            .unwrap()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect();
    let mut regressions = Vec::new();
    let mut unlisted = Vec::new();
    let (mut passed, mut failed, mut errors) = (0, 0, 0);
    let mut specs: Vec<_> = std::fs::read_dir(shared.join("specs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    specs.sort();
    for spec in &specs {
        let name = spec
            .file_name()
            .unwrap()
            .to_string_lossy()
            .replace(".vl.json", "");
        let out = run_data(spec, &data);
        match out.status.code() {
            Some(0) => {
                let actual: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                let expected: serde_json::Value = serde_json::from_str(
                    &std::fs::read_to_string(shared.join(format!("expected/{name}.marks.json")))
                        .unwrap(),
                )
                .unwrap();
                match common::oracle_mismatch(&expected, &actual) {
                    None => {
                        passed += 1;
                        if !listed.contains(&name) {
                            unlisted.push(name.clone());
                        }
                    }
                    Some(why) => {
                        failed += 1;
                        if listed.contains(&name) {
                            regressions.push(format!("{name}: {why}"));
                        }
                    }
                }
            }
            Some(1) => {
                if listed.contains(&name) {
                    regressions.push(format!("{name}: now rejected"));
                }
                let stderr = String::from_utf8_lossy(&out.stderr);
                assert_eq!(
                    stderr.lines().count(),
                    1,
                    "{name}: error is not one line: {stderr}"
                );
                assert!(stderr.starts_with("storychart: "), "{name}: {stderr}");
                errors += 1;
            }
            other => panic!(
                "{name}: exit {other:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            ),
        }
    }
    common::say(&format!(
        "vega-lite corpus: {passed} match Vega, {failed} differ, {errors} rejected with a clear error (of {})",
        specs.len()
    ));
    common::say(&format!(
        "vega-lite corpus: {passed} passed, {} failed",
        failed + errors
    ));
    if !unlisted.is_empty() {
        common::say(&format!(
            "matching but not in tests/oracle-passing.txt yet: {}",
            unlisted.join(", ")
        ));
    }
    assert!(
        regressions.is_empty(),
        "specs that matched Vega no longer do:\n{}",
        regressions.join("\n")
    );
    assert!(passed >= MUST_PASS.len());
}
