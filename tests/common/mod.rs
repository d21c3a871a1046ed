//! Helpers shared by the native integration tests: paths, golden files and the Vega oracle's
//! comparison rule (`shared/vega-lite/README.md`, "Comparing").
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};

use serde_json::Value;

/// Prints a line on the terminal even while the test harness captures output (a skipped
/// oracle must say so in CI's log, and the corpus count should be visible there).
pub fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/vega-lite` next to the repository, if present (CI always has it; a fresh clone
/// may not).
pub fn shared_vega_lite() -> Option<PathBuf> {
    let dir = root().join("../shared/vega-lite");
    dir.join("specs").is_dir().then_some(dir)
}

/// The vega-datasets data folder installed by `npm ci` (`cargo xtask` runs it).
pub fn datasets() -> Option<PathBuf> {
    let dir = root().join("node_modules/vega-datasets/data");
    dir.is_dir().then_some(dir)
}

/// Compares `actual` with the golden file `path`; with `UPDATE_GOLDEN=1` rewrites it instead.
/// On a mismatch writes `<path>.new` beside it and fails with a pointer to it.
pub fn check_golden(path: &Path, actual: &str) {
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        std::fs::write(path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_else(|_| {
        panic!(
            "missing golden file {}; run with UPDATE_GOLDEN=1 to create it",
            path.display()
        )
    });
    let new = PathBuf::from(format!("{}.new", path.display()));
    if expected != actual {
        std::fs::write(&new, actual).unwrap();
        panic!(
            "{} differs from the new output; see {} (diff them, then UPDATE_GOLDEN=1 if it is right)",
            path.display(),
            new.display()
        );
    }
    let _ = std::fs::remove_file(new);
}

/// Why produced mark data does not match the oracle, or `None` when it does.
pub fn oracle_mismatch(expected: &Value, actual: &Value) -> Option<String> {
    let (em, am) = (expected["marks"].as_array()?, actual["marks"].as_array()?);
    if em.len() != am.len() {
        return Some(format!(
            "{} marks expected, {} produced",
            em.len(),
            am.len()
        ));
    }
    for (i, (e, a)) in em.iter().zip(am).enumerate() {
        let fields: Vec<&str> = e["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect();
        let project = |rows: &Value| -> Vec<Vec<Value>> {
            let mut rows: Vec<Vec<Value>> = rows
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    fields
                        .iter()
                        .map(|f| r.get(*f).cloned().unwrap_or(Value::Null))
                        .collect()
                })
                .collect();
            rows.sort_by_key(|r| sort_key(r));
            rows
        };
        let (er, ar) = (project(&e["rows"]), project(&a["rows"]));
        if er.len() != ar.len() {
            return Some(format!(
                "mark {i}: {} rows expected, {} produced",
                er.len(),
                ar.len()
            ));
        }
        for (x, y) in er.iter().zip(&ar) {
            if !x.iter().zip(y).all(|(p, q)| same(p, q)) {
                return Some(format!(
                    "mark {i}: expected row {x:?}, produced {y:?} (fields {fields:?})"
                ));
            }
        }
    }
    None
}

fn sort_key(row: &[Value]) -> String {
    row.iter()
        .map(|v| match v.as_f64() {
            Some(n) => format!("{n:.6e}"),
            None => v.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\u{1}")
}

fn same(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y || (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0),
        _ => a == b,
    }
}
