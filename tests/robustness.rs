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

// ---- Data engine robustness: parsers, kernels and expressions on hostile data. ----

use storychart::data::kernels::bin::{bin, bin_params, extent, BinOptions};
use storychart::data::kernels::{aggregate, group_by, AggregateOp};
use storychart::data::parse::{apply_auto_parse, parse_dsv_bytes, parse_dsv_report, parse_json};
use storychart::data::Table;

/// Every numeric op, every column as a group key and as a measure, and a bin of every
/// column: nothing may panic, whatever the table holds.
fn run_kernels(t: &Table) {
    let rows = t.num_rows();
    let names = t.names();
    for key in names.iter().take(3) {
        let k = t.column(key).unwrap();
        let g = group_by(&[k], rows);
        assert!(g.len() <= rows.max(1));
        for m in names.iter().take(4) {
            for op in AggregateOp::all().filter(|op| op.is_numeric()) {
                // The bootstrap (1000 resamples) is slow in a debug build; small inputs only.
                if matches!(op, AggregateOp::Ci0 | AggregateOp::Ci1) && rows > 20 {
                    continue;
                }
                let out = aggregate(t.column(m), &g, op);
                assert_eq!(out.values.len(), g.len());
            }
        }
    }
    for m in names.iter().take(6) {
        let col = t.column(m).unwrap();
        if let Some(ext) = extent(col) {
            let p = bin_params(ext, &BinOptions::default());
            let (b0, b1) = bin(col, &p);
            assert_eq!((b0.values.len(), b1.values.len()), (col.len(), col.len()));
        }
    }
}

/// Parses `bytes` as the format of `name` and, when it parses, types and aggregates it. Errors
/// must say where: a non-empty place and message.
fn feed(name: &str, bytes: &[u8]) {
    let parsed = if name.ends_with(".json") {
        parse_json(&String::from_utf8_lossy(bytes), name)
    } else {
        let delimiter = if name.ends_with(".tsv") { b'\t' } else { b',' };
        parse_dsv_bytes(bytes, Some(delimiter), name)
    };
    match parsed {
        Ok(mut t) => {
            if apply_auto_parse(&mut t).is_ok() {
                run_kernels(&t);
            }
        }
        Err(e) => {
            assert!(!e.place().is_empty(), "{name}: error without a place: {e}");
            assert!(
                e.place().starts_with(name),
                "{name}: error does not name the source: {e}"
            );
        }
    }
}

/// Up to `max` bytes of a file, cut at a line end.
fn head(bytes: &[u8], max: usize) -> Vec<u8> {
    if bytes.len() <= max {
        return bytes.to_vec();
    }
    let end = bytes[..max]
        .iter()
        .rposition(|b| *b == b'\n')
        .unwrap_or(max);
    bytes[..end + 1].to_vec()
}

const NASTY: &[&[u8]] = &[
    b"\"",
    b",",
    b"\n",
    b"\r\n",
    b"\r",
    b"\"\"",
    b"\xff",
    b"\xc3",
    b"\xe2\x82",
    b"\0",
    b"{",
    b"}",
    b"[",
    b"]",
    b":",
    b"null",
    b"NaN",
    b"Infinity",
    b"-Infinity",
    b"1e999",
    b"-0",
    b"\t",
    b";",
    b"\xef\xbb\xbf",
];

fn mutate(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for _ in 0..1 + rng.below(4) {
        if out.is_empty() {
            out.extend_from_slice(NASTY[rng.below(NASTY.len())]);
            continue;
        }
        let at = rng.below(out.len());
        let end = (at + 1 + rng.below(40)).min(out.len());
        match rng.below(5) {
            0 => {
                let token = NASTY[rng.below(NASTY.len())];
                out.splice(at..at, token.iter().copied());
            }
            1 => {
                out.drain(at..end);
            }
            2 => {
                let copy = out[at..end].to_vec();
                out.splice(at..at, copy);
            }
            3 => out[at] = (rng.next() & 0xff) as u8,
            _ => out.truncate(at),
        }
    }
    out
}

#[test]
fn mutated_real_data_files_never_panic() {
    let Some(dir) = common::datasets() else {
        common::say("robustness: vega-datasets SKIPPED (node_modules/vega-datasets missing)");
        return;
    };
    let files = [
        "cars.json",
        "movies.json",
        "seattle-weather.csv",
        "birdstrikes.csv",
        "barley.json",
        "stocks.csv",
        "unemployment.tsv",
        "github.csv",
        "la-riots.csv",
    ];
    let mut rng = Rng(0xda7a);
    let mut fed = 0;
    for name in files {
        let Ok(bytes) = std::fs::read(dir.join(name)) else {
            continue;
        };
        let bytes = head(&bytes, 6_000);
        feed(name, &bytes);
        for _ in 0..40 {
            feed(name, &mutate(&mut rng, &bytes));
            fed += 1;
        }
    }
    assert!(fed >= 300, "only {fed} mutated files");
}

#[test]
fn random_bytes_to_each_parser_never_panic() {
    let mut rng = Rng(7);
    for i in 0..600 {
        let len = rng.below(300);
        let bytes: Vec<u8> = (0..len)
            .map(|_| match rng.below(4) {
                0 => NASTY[rng.below(NASTY.len())][0],
                _ => (rng.next() & 0xff) as u8,
            })
            .collect();
        let name = ["r.csv", "r.tsv", "r.json"][i % 3];
        feed(name, &bytes);
    }
}

/// Expressions from the Vega-Lite corpus (when present) and a fixed list, mutated, parsed and
/// evaluated on a real table: errors, never panics.
#[test]
fn mutated_expressions_never_panic() {
    let mut seeds: Vec<String> = [
        "datum.Horsepower > 100 && datum.Origin == 'USA'",
        "datum['Miles_per_Gallon'] / (datum.Weight_in_lbs || 1) * 1000",
        "isValid(datum.Horsepower) ? round(datum.Horsepower / 10) * 10 : null",
        "test(/^ford/i, datum.Name) || indexof(datum.Name, 'chev') >= 0",
        "year(toDate(datum.Year)) + month(datum.Year) / 12",
        "format(datum.Acceleration, '.2f') + ' s'",
        "timeFormat(datum.Year, '%Y-%m')",
        "clamp(log(datum.Displacement), 0, sqrt(pow(2, 10)))",
        "substring(upper(datum.Name), 0, length(datum.Origin)) + replace(datum.Name, /a/g, 'b')",
        "inrange(datum.Cylinders, [4, 6]) && !(datum.Year < datetime(1975, 0, 1))",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect();
    if let Some(vl) = common::shared_vega_lite() {
        for e in std::fs::read_dir(vl.join("specs")).unwrap().flatten() {
            let text = std::fs::read_to_string(e.path()).unwrap_or_default();
            let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
                continue;
            };
            for t in json["transform"].as_array().into_iter().flatten() {
                for k in ["filter", "calculate"] {
                    if let Some(s) = t[k].as_str() {
                        seeds.push(s.to_string());
                    }
                }
            }
        }
    }
    let table = common::datasets()
        .and_then(|d| std::fs::read_to_string(d.join("cars.json")).ok())
        .and_then(|t| parse_json(&t, "cars.json").ok())
        .unwrap_or_else(|| parse_json(r#"[{"Horsepower": 1, "Name": "a"}]"#, "t").unwrap());
    let env = storychart::expr::Env::new();
    let mut rng = Rng(0xe4e4);
    const TOKENS: &[&str] = &[
        "(",
        ")",
        "[",
        "]",
        "'",
        "\"",
        "/",
        "\\",
        "datum.",
        "datum[",
        "?",
        ":",
        "&&",
        "||",
        "!",
        "1e308",
        "-",
        "+",
        "*",
        "%",
        ",",
        ".",
        "/a(/",
        "/[/",
        "test(",
        "(((((((((((((",
        "\u{ffff}",
        "é",
    ];
    let mut n = 0;
    for seed in &seeds {
        for _ in 0..12 {
            let mut text = seed.clone();
            for _ in 0..1 + rng.below(3) {
                let chars: Vec<char> = text.chars().collect();
                let at = rng.below(chars.len() + 1);
                let end = (at + 1 + rng.below(6)).min(chars.len());
                let head: String = chars[..at].iter().collect();
                let tail: String = chars[end.max(at)..].iter().collect();
                text = match rng.below(3) {
                    0 => format!("{head}{}{tail}", TOKENS[rng.below(TOKENS.len())]),
                    1 => format!("{head}{tail}"),
                    _ => format!(
                        "{head}{}{tail}",
                        chars[at..end.max(at)].iter().collect::<String>().repeat(3)
                    ),
                };
            }
            match storychart::expr::parse(&text) {
                Ok(expr) => {
                    let _ = expr.eval_filter(&table, &env);
                    let _ = expr.eval_column(&table, &env);
                }
                Err(e) => assert!(!e.to_string().is_empty()),
            }
            n += 1;
        }
    }
    assert!(n >= 100, "only {n} expressions");
}

#[test]
fn hostile_values_have_defined_results() {
    // All-null columns, NaN/Infinity text, empty and duplicate headers.
    let csv = "a,,a,n,e\nx,1,NaN,Infinity,\ny,2,-Infinity,NaN,\nx,3,,1e999,\n";
    let (mut t, report) = parse_dsv_report(csv, Some(b','), "h.csv").unwrap();
    assert_eq!(report.duplicate_headers, vec!["a".to_string()]);
    assert!(t.names().contains(&""));
    apply_auto_parse(&mut t).unwrap();
    run_kernels(&t);
    let n = t.column("n").unwrap();
    // JavaScript's +"Infinity" is Infinity, +"1e999" too, +"NaN" is NaN (a null).
    assert_eq!(n.number(0), Some(f64::INFINITY));
    assert_eq!(n.number(1), None);
    // The all-empty column: every op but count/missing/distinct is null; missing counts all.
    let g = group_by(&[], t.num_rows());
    let e = t.column("e");
    assert_eq!(aggregate(e, &g, AggregateOp::Count).values, vec![3.0]);
    assert_eq!(aggregate(e, &g, AggregateOp::Missing).values, vec![3.0]);
    assert_eq!(aggregate(e, &g, AggregateOp::Sum).get(0), None);
    assert_eq!(aggregate(e, &g, AggregateOp::Median).get(0), None);
    assert!(extent(t.column("e").unwrap()).is_none());
    // Infinities: a sum with both signs is NaN (null), as in JavaScript.
    let a = t.column("a").unwrap();
    let by_a = group_by(&[a], t.num_rows());
    assert_eq!(by_a.len(), 3); // "1", "2", "3": the last "a" column wins (d3)
    let json = r#"[{"v": null}, {"v": null}, {"w": 1}]"#;
    let t = parse_json(json, "n.json").unwrap();
    run_kernels(&t);
}

/// Generated CSV of `rows` rows whose first column has a distinct value per row.
fn distinct_csv(rows: usize) -> String {
    let mut s = String::with_capacity(rows * 40);
    s.push_str("id,category,value,when\n");
    for i in 0..rows {
        s.push_str(&format!(
            "{i},cat-{:07},{}.{},2020-01-{:02}\n",
            i * 7919 % rows.max(1),
            i % 977,
            i % 10,
            1 + i % 28
        ));
    }
    s
}

fn big_tests() -> bool {
    std::env::var_os("STORYCHART_BIG_TESTS").is_some_and(|v| v == "1")
}

#[test]
fn many_distinct_categories() {
    let rows = if big_tests() { 1_000_000 } else { 20_000 };
    if !big_tests() {
        common::say(&format!(
            "robustness: {rows} distinct categories (STORYCHART_BIG_TESTS=1 runs 1,000,000)"
        ));
    }
    let text = distinct_csv(rows);
    let mut t = parse_dsv_bytes(text.as_bytes(), Some(b','), "cats.csv").unwrap();
    apply_auto_parse(&mut t).unwrap();
    let cat = t.column("category").unwrap();
    let g = group_by(&[cat], rows);
    assert_eq!(g.len(), rows);
    let sums = aggregate(t.column("value"), &g, AggregateOp::Sum);
    assert_eq!(sums.values.len(), rows);
    let two = group_by(&[cat, t.column("when").unwrap()], rows);
    assert_eq!(two.len(), rows);
}

#[test]
fn a_200_mb_input() {
    let target = if big_tests() { 200_000_000 } else { 1_000_000 };
    if !big_tests() {
        common::say(&format!(
            "robustness: a {target}-byte CSV (STORYCHART_BIG_TESTS=1 runs 200 MB, best with --release)"
        ));
    }
    let line =
        "Some Airport Name,AB-123,None,2001-02-03,\"OPERATOR, INC\",Texas,Climb,Small,12.5,0.25\n";
    let mut text = String::with_capacity(target + 200);
    text.push_str("airport,model,damage,date,operator,state,phase,size,cost,ratio\n");
    let mut i = 0u64;
    while text.len() < target {
        // Vary numbers so columns are not constant; every 1000th row is ragged.
        let mut l = line.replace("12.5", &format!("{}.5", i % 1000));
        if i % 1000 == 999 {
            l = l.replace(",0.25", "");
        }
        text.push_str(&l);
        i += 1;
    }
    let (mut t, report) = parse_dsv_report(&text, None, "big.csv").unwrap();
    assert_eq!(report.rows as u64, i);
    assert_eq!(report.short_rows as u64, i / 1000);
    drop(text);
    apply_auto_parse(&mut t).unwrap();
    let g = group_by(&[t.column("state").unwrap()], t.num_rows());
    let mean = aggregate(t.column("cost"), &g, AggregateOp::Mean);
    assert_eq!(mean.values.len(), 1);
    assert!(mean.values[0] > 0.0);
}
