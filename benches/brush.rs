//! Native microbench of linked brushing on the explorer's four charts (issue 5):
//! `cargo bench --bench brush` after `cargo xtask bench interact` has written
//! `www/bench-data/flights-1m.csv`. Prints the load time of the four charts and the median
//! time of one brush move (setting `brush_delay` on the four charts, as the page does).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::cast_precision_loss
)]

use std::time::Instant;

use storychart::Chart;

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let Ok(text) = std::fs::read_to_string(root.join("www/bench-data/flights-1m.csv")) else {
        println!(
            "SKIPPED: www/bench-data/flights-1m.csv is absent (run cargo xtask bench interact)"
        );
        return;
    };
    let moves: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(30);
    let t = Instant::now();
    let mut charts: Vec<Chart> = ["delay", "distance", "time", "status"]
        .iter()
        .map(|name| {
            let spec = std::fs::read_to_string(
                root.join(format!("www/interact-specs/explore-{name}.vl.json")),
            )
            .unwrap();
            let mut spec: serde_json::Value = serde_json::from_str(&spec).unwrap();
            spec["data"]["url"] = "bench-data/flights-1m.csv".into();
            Chart::from_spec(&spec.to_string()).unwrap()
        })
        .collect();
    let mut shared = storychart::chart::SharedData::default();
    for c in &mut charts {
        c.load_shared("bench-data/flights-1m.csv", Some(&text), &mut shared)
            .unwrap();
    }
    if std::env::var_os("BRUSH_PLANS").is_some() {
        for c in &charts {
            println!("{:#?}", storychart::plan::plan(c.view().unwrap()).steps);
        }
    }
    println!("load_4_charts_ms {:.1}", t.elapsed().as_secs_f64() * 1000.0);
    let mut times = Vec::new();
    for i in 0..moves {
        let hi = -50.0 + 150.0 * (i + 1) as f64 / moves as f64;
        let value = serde_json::json!({"delay": [-55.0, hi]});
        let t = Instant::now();
        for c in &mut charts {
            c.set_param("brush_delay", value.clone()).unwrap();
        }
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let total: f64 = charts[1].mark_data().unwrap()[0]
        .rows
        .iter()
        .filter_map(|r| r.get("__count").and_then(serde_json::Value::as_f64))
        .sum();
    println!(
        "brush_move_median_ms {:.2} (moves {moves}, p90 {:.2}, distance chart rows counted after the last move {total})",
        times[(moves - 1) / 2],
        times[(moves * 9 / 10).min(moves - 1)]
    );
}
