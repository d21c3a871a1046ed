//! Tests of the DSV parser: d3-dsv's answers, edge cases, a property test against a naive
//! reference, robustness on random bytes, and the vega-datasets files.

use super::*;
use crate::data::Value;

/// The table as rows of optional strings, header first.
fn rows(t: &Table) -> Vec<Vec<Option<String>>> {
    let names = t.names();
    let mut out = vec![names.iter().map(|n| Some(n.to_string())).collect()];
    for r in 0..t.num_rows() {
        out.push(
            names
                .iter()
                .map(|n| match t.column(n).unwrap().value(r) {
                    Value::Str(s) => Some(s),
                    Value::Null => None,
                    other => panic!("not text: {other:?}"),
                })
                .collect(),
        );
    }
    out
}

fn check(text: &str, delimiter: u8, expected: &[&[&str]]) {
    let t = parse_dsv(text, Some(delimiter), "t.csv").unwrap();
    let got = rows(&t);
    let want: Vec<Vec<Option<String>>> = expected
        .iter()
        .map(|r| r.iter().map(|s| Some(s.to_string())).collect())
        .collect();
    assert_eq!(got, want, "input {text:?}");
    for name in t.names() {
        assert!(matches!(t.column(name), Some(Column::Text(_))));
    }
}

#[test]
fn matches_d3_dsv_on_the_usual_and_the_odd() {
    // Expected values from d3-dsv 3.0.2 `csvParse` (header, then rows in column order).
    check(
        "a,b\n1,2\n3,4\n",
        b',',
        &[&["a", "b"], &["1", "2"], &["3", "4"]],
    );
    check("a,b\r\n1,2\r\n", b',', &[&["a", "b"], &["1", "2"]]);
    check(
        "a,b\r1,2\r3,4",
        b',',
        &[&["a", "b"], &["1", "2"], &["3", "4"]],
    );
    check(
        "a,b\n\"x,y\",\"line\nbreak\"\n\"he said \"\"hi\"\"\",\"\"\n",
        b',',
        &[
            &["a", "b"],
            &["x,y", "line\nbreak"],
            &["he said \"hi\"", ""],
        ],
    );
    check("a,b\n1,\n,\n", b',', &[&["a", "b"], &["1", ""], &["", ""]]);
    check("a,b\n1,2\n\n", b',', &[&["a", "b"], &["1", "2"], &["", ""]]);
    check("a,b\n\n1,2", b',', &[&["a", "b"], &["", ""], &["1", "2"]]);
    check("a,b,c\n1\n", b',', &[&["a", "b", "c"], &["1", "", ""]]);
    check("a,b\n1,2,3,4\n", b',', &[&["a", "b"], &["1", "2"]]);
    check("a\tb\n1\t2", b'\t', &[&["a", "b"], &["1", "2"]]);
    check("a,b\nx\"y,z\"\n", b',', &[&["a", "b"], &["x\"y", "z\""]]);
    check("\u{feff}a,b\n1,2", b',', &[&["a", "b"], &["1", "2"]]);
    check("a", b',', &[&["a"]]);
    check("\n", b',', &[&[""]]);
    check(",a,\n1,2,3", b',', &[&["", "a"], &["3", "2"]]);
    check("\"a\"\n\"\"\n", b',', &[&["a"], &[""]]);
    check(
        "a,b\n\"1\"\r\n2,3",
        b',',
        &[&["a", "b"], &["1", ""], &["2", "3"]],
    );
}

#[test]
fn duplicate_headers_keep_the_last_value_at_the_first_position() {
    // d3: {a: "3", b: "2"} with keys in order a, b.
    let (t, report) = parse_dsv_report("a,b,a\n1,2,3\n", Some(b','), "t.csv").unwrap();
    assert_eq!(
        rows(&t)[1],
        vec![Some("3".to_string()), Some("2".to_string())]
    );
    assert_eq!(t.names(), vec!["a", "b"]);
    assert_eq!(report.duplicate_headers, vec!["a".to_string()]);
    let t = parse_dsv("__proto__,b\n1,2\n", Some(b','), "t.csv").unwrap();
    assert_eq!(t.names(), vec!["b"]);
}

#[test]
fn empty_input_has_no_rows_and_no_columns() {
    for text in ["", "\u{feff}"] {
        let t = parse_dsv(text, None, "t.csv").unwrap();
        assert_eq!((t.num_rows(), t.names().len()), (0, 0));
    }
}

#[test]
fn ragged_rows_are_counted() {
    let (t, r) = parse_dsv_report("a,b\n1\n1,2,3,4\n5,6\n\"x\"y,z", Some(b','), "t").unwrap();
    assert_eq!(t.num_rows(), 4);
    assert_eq!((r.short_rows, r.long_rows, r.dropped_fields), (1, 1, 2));
    assert_eq!(r.text_after_quote, 1);
    assert_eq!(r.first_irregular_row, Some(0));
    assert_eq!(r.warnings(), 3);
    assert_eq!(rows(&t)[4][0].as_deref(), Some("xy"));
    let (_, r) = parse_dsv_report("a,b\n1,2\n", Some(b','), "t").unwrap();
    assert_eq!((r.warnings(), r.first_irregular_row, r.rows), (0, None, 1));
}

#[test]
fn unterminated_quote_names_where_it_opened() {
    let e = parse_dsv("a,b\n1,2\nxé,\"open\n3,4\n", Some(b','), "data.csv").unwrap_err();
    assert_eq!(e.place(), "data.csv line 3, column 4");
    assert!(e.to_string().contains("no closing quote"));
    let e = parse_dsv("\"a", None, "d.csv").unwrap_err();
    assert_eq!(e.place(), "d.csv line 1, column 1");
    let e = parse_dsv("a\r\n\r\n\"", None, "d.csv").unwrap_err();
    assert_eq!(e.place(), "d.csv line 3, column 1");
}

#[test]
fn invalid_utf8_names_line_and_column() {
    let e = parse_dsv_bytes(b"a,b\r\n1,2\r\n\xc3\xa9\xc3(", None, "x.csv").unwrap_err();
    assert_eq!(e.place(), "x.csv line 3, column 2");
    let t = parse_dsv_bytes("a\nü".as_bytes(), None, "x.csv").unwrap();
    assert_eq!(t.column("a").unwrap().value(0), Value::Str("ü".into()));
}

#[test]
fn bad_delimiters_are_refused() {
    for d in [b'"', b'\n', b'\r', 0xC3] {
        assert!(parse_dsv("a", Some(d), "t").is_err());
    }
}

#[test]
fn sniffing_looks_at_the_header_line_outside_quotes() {
    assert_eq!(sniff_delimiter("a\tb\tc\n1,2,3,4,5"), b'\t');
    assert_eq!(sniff_delimiter("\"a,b,c\"|d\n"), b'|');
    assert_eq!(sniff_delimiter("a,b;c"), b',');
    assert_eq!(sniff_delimiter(""), b',');
    let t = parse_dsv("x;y\n1;2", None, "t").unwrap();
    assert_eq!(t.names(), vec!["x", "y"]);
}

/// A small deterministic PRNG (xorshift64*).
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn random_cell(rng: &mut Rng) -> String {
    const ALPHABET: &[&str] = &[
        "a", "b", "1", " ", ",", ";", "\"", "\n", "\r", "\r\n", "é", "\t", "|", "日",
    ];
    let len = rng.below(6);
    (0..len)
        .map(|_| ALPHABET[rng.below(ALPHABET.len())])
        .collect()
}

/// Writes a field as d3-dsv's `format` does: quote a field holding a quote, the delimiter,
/// CR or LF. Unlike d3, an empty field alone on its line is quoted too, since unquoted it
/// would be a blank line that merges with a neighbouring line ending.
fn write_field(out: &mut String, s: &str, delimiter: char, alone: bool) {
    if s.contains(['"', '\n', '\r', delimiter]) || (alone && s.is_empty()) {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

#[test]
fn property_random_tables_round_trip() {
    let mut rng = Rng::new(42);
    for case in 0..400 {
        let delimiter = [',', ';', '\t', '|'][rng.below(4)];
        let width = 1 + rng.below(5);
        // Every 20th table runs past the sampled first rows the column sizes are guessed from.
        let height = if case % 20 == 0 {
            1000 + rng.below(1500)
        } else {
            rng.below(8)
        };
        // Distinct, non-empty header names so the reference needs no duplicate rules.
        let header: Vec<String> = (0..width)
            .map(|i| format!("c{i}{}", random_cell(&mut rng)))
            .collect();
        let body: Vec<Vec<String>> = (0..height)
            .map(|_| (0..width).map(|_| random_cell(&mut rng)).collect())
            .collect();
        let mut text = String::new();
        for (r, row) in std::iter::once(&header).chain(body.iter()).enumerate() {
            if r > 0 {
                text.push_str(["\n", "\r\n", "\r"][rng.below(3)]);
            }
            for (i, cell) in row.iter().enumerate() {
                if i > 0 {
                    text.push(delimiter);
                }
                write_field(&mut text, cell, delimiter, width == 1);
            }
        }
        if rng.below(2) == 0 {
            text.push('\n');
        }
        let t = parse_dsv(&text, Some(delimiter as u8), "p.csv")
            .unwrap_or_else(|e| panic!("case {case}: {e} for {text:?}"));
        let got = rows(&t);
        let mut want = vec![header.iter().map(|s| Some(s.clone())).collect::<Vec<_>>()];
        want.extend(
            body.iter()
                .map(|r| r.iter().map(|s| Some(s.clone())).collect()),
        );
        let got_names: Vec<String> = t.names().iter().map(|s| s.to_string()).collect();
        let dedup: Vec<String> = {
            let mut seen = Vec::new();
            for h in &header {
                if !seen.contains(h) {
                    seen.push(h.clone());
                }
            }
            seen
        };
        if dedup.len() == header.len() {
            assert_eq!(got, want, "case {case}: {text:?}");
        } else {
            assert_eq!(got_names, dedup, "case {case}");
        }
    }
}

#[test]
fn random_bytes_and_mutations_never_panic() {
    let mut rng = Rng::new(7);
    let seed = "name,value,\"quoted, field\"\r\nA,1,\"x\"\"y\"\nB,2,\"multi\nline\"\n";
    for _ in 0..3000 {
        let len = rng.below(40);
        let bytes: Vec<u8> = (0..len)
            .map(|_| [b'"', b',', b'\n', b'\r', b'a', 0xC3, 0xA9, 0xFF, b';', 0][rng.below(10)])
            .collect();
        let _ = parse_dsv_bytes(&bytes, None, "r");
        let _ = parse_dsv_bytes(&bytes, Some(b','), "r");
        let mut m = seed.as_bytes().to_vec();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(m.len() + 1);
            match rng.below(3) {
                0 if at < m.len() => {
                    m.remove(at);
                }
                1 => m.insert(at, [b'"', b',', b'\n', b'\r', 0xE6][rng.below(5)]),
                _ if at < m.len() => m[at] = rng.next() as u8,
                _ => {}
            }
        }
        if let Ok(t) = parse_dsv_bytes(&m, Some(b','), "m") {
            for name in t.names() {
                assert_eq!(t.column(name).unwrap().len(), t.num_rows());
            }
        }
    }
}

/// Rows and columns of every CSV/TSV in vega-datasets as d3-dsv 3.0.2 reads them (computed
/// once in Node with `csvParse`/`tsvParse`).
const DATASETS: &[(&str, usize, usize)] = &[
    ("airports.csv", 3376, 7),
    ("birdstrikes.csv", 10000, 14),
    ("co2-concentration.csv", 741, 3),
    ("disasters.csv", 803, 3),
    ("flights-airport.csv", 5366, 3),
    ("gapminder-health-income.csv", 187, 5),
    ("github.csv", 955, 2),
    ("global-temp.csv", 144, 2),
    ("iowa-electricity.csv", 51, 3),
    ("la-riots.csv", 63, 11),
    ("lookup_groups.csv", 9, 2),
    ("lookup_people.csv", 9, 3),
    ("population_engineers_hurricanes.csv", 52, 5),
    ("seattle-weather-hourly-normals.csv", 8759, 4),
    ("seattle-weather.csv", 1461, 6),
    ("sp500-2000.csv", 5105, 7),
    ("sp500.csv", 123, 2),
    ("species.csv", 12360, 6),
    ("stocks.csv", 560, 3),
    ("unemployment.tsv", 3218, 2),
    ("us-employment.csv", 120, 24),
    ("weather.csv", 2922, 7),
    ("windvectors.csv", 4800, 5),
    ("zipcodes.csv", 42049, 6),
];

pub(crate) const DATASET_DIR: &str = "/work/main/node_modules/vega-datasets/data";

#[test]
fn vega_datasets_have_d3s_row_and_column_counts() {
    let Ok(entries) = std::fs::read_dir(DATASET_DIR) else {
        println!("SKIPPED: {DATASET_DIR} is absent");
        return;
    };
    let mut seen = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let delimiter = if name.ends_with(".csv") {
            b','
        } else if name.ends_with(".tsv") {
            b'\t'
        } else {
            continue;
        };
        let bytes = std::fs::read(entry.path()).unwrap();
        let t = parse_dsv_bytes(&bytes, Some(delimiter), &name).unwrap();
        let Some((_, rows, cols)) = DATASETS.iter().find(|(n, _, _)| *n == name) else {
            panic!("{name} is not in the table of d3's counts");
        };
        assert_eq!((t.num_rows(), t.names().len()), (*rows, *cols), "{name}");
        let sniffed = parse_dsv_bytes(&bytes, None, &name).unwrap();
        assert_eq!(sniffed.names().len(), *cols, "{name} sniffed");
        seen += 1;
    }
    assert_eq!(seen, DATASETS.len());
}

/// Generates about `bytes` of CSV: a date, a symbol, a number, an integer and a quoted text.
pub(crate) fn generated_csv(bytes: usize) -> String {
    let mut rng = Rng::new(3);
    let mut s = String::with_capacity(bytes + 100);
    s.push_str("date,symbol,price,volume,note\n");
    let mut i = 0u64;
    while s.len() < bytes {
        let day = 1 + i % 28;
        let sym = ["MSFT", "AMZN", "IBM", "GOOG", "AAPL"][rng.below(5)];
        let price = rng.below(100_000) as f64 / 100.0;
        let volume = rng.below(10_000_000);
        s.push_str(&format!(
            "2000-01-{day:02},{sym},{price},{volume},\"note {i}, with a comma\"\n"
        ));
        i += 1;
    }
    s
}

#[test]
fn parsing_is_linear_sanity() {
    let small = generated_csv(200_000);
    let large = generated_csv(2_000_000);
    let time = |s: &str| {
        let t0 = std::time::Instant::now();
        let t = parse_dsv(s, Some(b','), "g.csv").unwrap();
        assert_eq!(t.names().len(), 5);
        t0.elapsed().as_secs_f64()
    };
    let (a, b) = (time(&small), time(&large));
    // 10x the input must not take 100x the time (generous for a loaded debug build).
    assert!(b < 40.0 * a + 0.5, "small {a}s, large {b}s");
}

#[test]
#[ignore]
fn speed_of_a_20_mb_csv() {
    let text = generated_csv(20_000_000);
    let t0 = std::time::Instant::now();
    let t = parse_dsv(&text, Some(b','), "g.csv").unwrap();
    let parsed = t0.elapsed().as_secs_f64();
    let mb = text.len() as f64 / 1e6;
    println!("parse: {:.0} MB/s ({} rows)", mb / parsed, t.num_rows());
}

#[test]
fn bitmap_scan_equals_a_byte_scan() {
    let mut rng = Rng::new(23);
    let alphabet = [
        b'a', b',', b';', b'\n', b'\r', b'"', 0x80, 0xff, 0x2b, 0x0b, 0x2d, 0x0c, b'\t', b'|',
    ];
    for case in 0..3000 {
        // Mostly short texts (the tail path), some over several 64-byte blocks, some sparse.
        let len = if case % 3 == 0 {
            rng.below(300)
        } else {
            rng.below(40)
        };
        let sparse = case % 5 == 0;
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                if sparse && rng.below(40) != 0 {
                    b'x'
                } else {
                    alphabet[rng.below(alphabet.len())]
                }
            })
            .collect();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        for delimiter in [b',', b';', b'\t', b'|'] {
            let mut p = Parser::new(&text, delimiter, "t");
            let n = p.n;
            for from in 0..=n {
                let want = (from..n)
                    .find(|&i| {
                        matches!(text.as_bytes()[i], b'\n' | b'\r')
                            || text.as_bytes()[i] == delimiter
                    })
                    .unwrap_or(n);
                assert_eq!(p.scan_unquoted(from), want, "{text:?} from {from}");
            }
        }
    }
}

#[test]
fn block_bits_simd_and_swar_equal_a_byte_loop() {
    let mut rng = Rng::new(31);
    for _ in 0..20_000 {
        let block: Vec<u8> = (0..64)
            .map(|_| match rng.below(4) {
                0 => [b',', b';', b'\n', b'\r', b'\t', b'|'][rng.below(6)],
                1 => rng.next() as u8,
                _ => b'a' + rng.below(26) as u8,
            })
            .collect();
        for delimiter in [b',', b';', b'\t', b'|', 0x80, 0xff] {
            let want = block.iter().enumerate().fold(0u64, |m, (i, b)| {
                m | (u64::from(*b == delimiter || *b == b'\n' || *b == b'\r') << i)
            });
            assert_eq!(block_bits(&block, delimiter), want, "{block:?}");
            assert_eq!(
                block_bits_swar(&block, ONES * u64::from(delimiter)),
                want,
                "{block:?}"
            );
        }
    }
}

#[test]
fn rows_after_the_size_sample_are_read_and_reported_the_same() {
    let mut text = String::from("a,b\n");
    for i in 0..3000 {
        match i {
            10 => text.push_str("1,2,3\n"),
            1023 => text.push_str("\"x\ny\",1\n"),
            2000 => text.push_str("short\n"),
            2500 => text.push_str("\"q\"z,\"\"\"\"\n"),
            _ => text.push_str(&format!("{i},v{}\n", i % 7)),
        }
    }
    let (t, report) = parse_dsv_report(&text, None, "s.csv").unwrap();
    assert_eq!(t.num_rows(), 3000);
    assert_eq!(report.rows, 3000);
    assert_eq!((report.long_rows, report.short_rows), (1, 1));
    assert_eq!(
        (report.text_after_quote, report.first_irregular_row),
        (1, Some(10))
    );
    let a = t.column("a").unwrap();
    let b = t.column("b").unwrap();
    assert_eq!(a.value(1023).to_label(), "x\ny");
    assert_eq!(a.value(2000).to_label(), "short");
    assert_eq!(b.value(2000).to_label(), "");
    assert_eq!(a.value(2500).to_label(), "qz");
    assert_eq!(b.value(2500).to_label(), "\"");
    assert_eq!(a.value(2999).to_label(), "2999");
    assert_eq!(b.value(1500).to_label(), format!("v{}", 1500 % 7));
}
