//! The command line's contract: output files, one-line errors, exit codes, no panics.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::process::Command;

fn storychart(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_storychart"))
        .args(args)
        .output()
        .unwrap()
}

fn temp(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("storychart-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn render_writes_an_svg_with_every_bar() {
    let spec = common::root().join("www/specs/victims-by-group.vl.json");
    let out = std::env::temp_dir().join(format!("storychart-{}.svg", std::process::id()));
    let o = storychart(&[
        "render",
        spec.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--width",
        "500",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let svg = std::fs::read_to_string(&out).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"500\""));
    assert_eq!(svg.matches("fill=\"#b5442c\"").count(), 4);
    for label in ["Girls", "Women", "Boys", "Men", "Share of victims (%)"] {
        assert!(svg.contains(&format!(">{label}</text>")), "{label}");
    }
}

#[test]
fn data_prints_vega_named_fields() {
    let spec = temp(
        "count.vl.json",
        r#"{"data": {"values": [{"k": "a"}, {"k": "a"}, {"k": "b"}]}, "mark": "bar",
            "encoding": {"x": {"field": "k"}, "y": {"aggregate": "count"}}}"#,
    );
    let o = storychart(&["data", spec.to_str().unwrap()]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["spec"], "count.vl.json");
    assert_eq!(v["marks"][0]["fields"], serde_json::json!(["__count", "k"]));
    // Rows are sorted by their JSON text, as in the oracle files.
    assert_eq!(
        v["marks"][0]["rows"],
        serde_json::json!([{"__count": 1, "k": "b"}, {"__count": 2, "k": "a"}])
    );
}

#[test]
fn errors_are_one_line_with_the_place_and_exit_1() {
    let cases = [
        (
            "bad.vl.json",
            "{\"mark\": \"bar\",,}",
            "spec line 1, column 16: not valid JSON",
        ),
        (
            "field.vl.json",
            r#"{"data": {"values": [{"year": 1}]}, "mark": "bar", "encoding": {"x": {"field": "yaer", "type": "quantitative"}}}"#,
            "encoding.x.field: no column \"yaer\" (columns: year)",
        ),
        (
            "line.vl.json",
            r#"{"data": {"values": []}, "mark": "geoshape"}"#,
            "mark: the \"geoshape\" mark is not supported",
        ),
        (
            "url.vl.json",
            r#"{"data": {"url": "data/missing.json"}, "mark": "bar"}"#,
            "missing.json",
        ),
    ];
    for (name, text, want) in cases {
        let o = storychart(&["data", temp(name, text).to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{name}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        assert!(err.contains(want), "{name}: {err}");
    }
    let o = storychart(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
    let o = storychart(&["data", "/no/such/spec.json"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn a_closed_stdout_is_not_a_panic() {
    // `storychart data big.json | head -1`: the reader goes away mid-output.
    let rows: Vec<String> = (0..20_000)
        .map(|i| format!(r#"{{"k": "k{i}", "v": {i}}}"#))
        .collect();
    let spec = temp(
        "big.vl.json",
        &format!(
            r#"{{"data": {{"values": [{}]}}, "mark": "bar",
                "encoding": {{"x": {{"field": "k"}}, "y": {{"field": "v", "type": "quantitative"}}}}}}"#,
            rows.join(",")
        ),
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_storychart"))
        .args(["data", spec.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    assert_ne!(
        status.code(),
        Some(101),
        "the CLI panicked on a closed pipe"
    );
}

#[test]
fn alt_text_names_the_chart_the_measure_and_the_extremes() {
    let spec = common::root().join("www/specs/platforms.vl.json");
    let o = storychart(&["alt", spec.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "Bar chart of Share of those recruited on social media (%), 4 bars. \
         Highest: Facebook (65). Lowest: Snapchat (8).\n"
    );
}
