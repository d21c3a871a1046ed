//! The crate must not panic on any input (a panic kills the widget in WASM): random bytes and
//! random mutations of real specs go through the whole pipeline and must come back as `Ok` or
//! as an `Err`, never as a panic.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use storychart::{Chart, FixedMetrics, SceneOptions};

/// A small deterministic PRNG (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn run_all(text: &str) {
    if let Ok(mut chart) = Chart::from_spec(text) {
        if chart.pending_url().is_some() {
            let _ = chart.load(r#"[{"a": 1, "b": "x"}]"#);
        }
        for width in [None, Some(0.0), Some(-5.0), Some(f64::NAN), Some(320.0)] {
            let options = SceneOptions {
                container_width: width,
                container_height: None,
                ..SceneOptions::default()
            };
            if let Ok(scene) = chart.scene(&options, &FixedMetrics) {
                let _ = storychart::to_svg(&scene);
            }
        }
        let _ = chart.mark_data();
    }
}

const TOKENS: &[&str] = &[
    "null",
    "0",
    "-1",
    "1e308",
    "-0",
    "\"\"",
    "[]",
    "{}",
    "true",
    "\"nominal\"",
    "\"quantitative\"",
    "\"sum\"",
    "\"count\"",
    "\"container\"",
    "{\"step\": 0}",
    "\"-x\"",
    "\"zzz\"",
    "NaN",
    "\"#zzz\"",
];

#[test]
fn mutated_specs_never_panic() {
    let mut seeds = vec![];
    for dir in ["tests/specs", "www/specs"] {
        for e in std::fs::read_dir(common::root().join(dir)).unwrap() {
            seeds.push(std::fs::read_to_string(e.unwrap().path()).unwrap());
        }
    }
    let mut rng = Rng(0x5eed_cafe);
    for _ in 0..3000 {
        let seed = &seeds[rng.below(seeds.len())];
        let mut text = seed.clone();
        for _ in 0..1 + rng.below(3) {
            // Replace a JSON scalar-ish span with a random token, or cut/duplicate bytes.
            let bytes = text.as_bytes();
            let at = rng.below(bytes.len());
            let end = (at + 1 + rng.below(12)).min(bytes.len());
            let (Some(head), Some(tail)) = (text.get(..at), text.get(end..)) else {
                continue;
            };
            text = match rng.below(3) {
                0 => format!("{head}{}{tail}", TOKENS[rng.below(TOKENS.len())]),
                1 => format!("{head}{tail}"),
                _ => format!("{head}{}{tail}", &text[at..end].repeat(2)),
            };
        }
        run_all(&text);
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(42);
    for _ in 0..2000 {
        let len = rng.below(200);
        let bytes: Vec<u8> = (0..len).map(|_| (rng.next() & 0xff) as u8).collect();
        run_all(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn extreme_values_never_panic() {
    for v in ["1e308", "-1e308", "5e-324", "0", "null", "\"x\"", "true"] {
        let spec = format!(
            r#"{{"data": {{"values": [{{"a": "A", "b": {v}}}, {{"a": null, "b": 1}}]}}, "mark": "bar",
                "encoding": {{"x": {{"field": "a"}}, "y": {{"field": "b", "type": "quantitative"}}}}}}"#
        );
        run_all(&spec);
    }
}
