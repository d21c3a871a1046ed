//! `storychart data --signal` against Vega's mark data with the same parameters set
//! (`tests/oracle-signals/`, made by its `make-expected.mjs`).
//!
//! Every case whose spec storychart draws must match Vega by the corpus rule. Corpus specs
//! that storychart rejects with a clear error (marks and `{"expr"}` properties it does not
//! support yet) are reported and skipped; the specs in `tests/oracle-signals/specs` must run.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::process::Command;

use serde_json::Value;

#[test]
fn signals_set_params_as_vega_does() {
    let Some(data) = common::datasets() else {
        common::say("SKIPPED: node_modules/vega-datasets is missing; run `cargo xtask test` (it runs npm ci)");
        return;
    };
    let dir = common::root().join("tests/oracle-signals");
    let cases: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("cases.json")).unwrap()).unwrap();
    let (mut matched, mut skipped) = (0, Vec::new());
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let spec = case["spec"].as_str().unwrap();
        let spec_path = match spec.strip_prefix("corpus:") {
            Some(corpus) => {
                let Some(shared) = common::shared_vega_lite() else {
                    skipped.push(format!("{name} (no ../shared/vega-lite)"));
                    continue;
                };
                shared.join(format!("specs/{corpus}.vl.json"))
            }
            None => dir.join(spec),
        };
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_storychart"));
        cmd.arg("data").arg(&spec_path).arg("--data-dir").arg(&data);
        for (param, value) in case["signals"].as_object().unwrap() {
            cmd.arg("--signal").arg(format!("{param}={value}"));
        }
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        if spec.starts_with("corpus:") && out.status.code() == Some(1) {
            skipped.push(format!("{name} ({})", stderr.trim()));
            continue;
        }
        assert!(out.status.success(), "{name}: {stderr}");
        let actual: Value = serde_json::from_slice(&out.stdout).unwrap();
        let expected: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join(format!("expected/{name}.marks.json"))).unwrap(),
        )
        .unwrap();
        if let Some(why) = common::oracle_mismatch(&expected, &actual) {
            panic!("{name}: {why}");
        }
        matched += 1;
    }
    common::say(&format!(
        "--signal oracle: {matched} match Vega, {} skipped as unsupported:\n  {}",
        skipped.len(),
        skipped.join("\n  ")
    ));
    assert!(matched >= 14, "only {matched} cases ran");
}

#[test]
fn an_unknown_signal_name_is_an_error_naming_it() {
    let spec = common::root().join("tests/oracle-signals/specs/bar_min_year.vl.json");
    let out = Command::new(env!("CARGO_BIN_EXE_storychart"))
        .arg("data")
        .arg(&spec)
        .args(["--signal", "minYaer=1980"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no parameter named \"minYaer\" (parameters: minYear, span)"),
        "{stderr}"
    );
    for bad in ["minYear", "=1", "minYear=19x0"] {
        let out = Command::new(env!("CARGO_BIN_EXE_storychart"))
            .arg("data")
            .arg(&spec)
            .args(["--signal", bad])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
    }
}
