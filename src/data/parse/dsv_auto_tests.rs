//! The one-pass typed parse against the two-step path it replaces (parse to raw text
//! columns, then `apply_auto_parse`, itself held equal to infer-then-convert): the same
//! table, bit for bit, the same report, and the same errors.

use super::*;
use crate::data::parse::dsv::tests::{Rng, DATASET_DIR};
use crate::data::parse::{apply_auto_parse, parse_dsv_report};
use crate::data::NumberColumn;

/// Cells of every kind the inference tells apart, and ones that need quoting.
const CELLS: &[&str] = &[
    "true",
    "false",
    "",
    "0",
    "-0",
    "1",
    "-2.5",
    "+3",
    "1e3",
    "0x1F",
    " 7 ",
    "Infinity",
    "NaN",
    "9007199254740993",
    "2000-01-01",
    "2020-06-01T12:00Z",
    "Jan 1 2000",
    "2001/01/01 00:47",
    "abc",
    "12abc",
    "é",
    "True",
    "a,b",
    "say \"hi\"",
    "two\nlines",
];

/// Equal tables: names, row counts, and columns (numbers bit for bit).
pub(crate) fn assert_same_table(a: &Table, b: &Table, what: &str) {
    assert_eq!(a.names(), b.names(), "{what}");
    assert_eq!(a.num_rows(), b.num_rows(), "{what}");
    for name in b.names() {
        match (a.column(name), b.column(name)) {
            (Some(Column::Number(x)), Some(Column::Number(y))) => {
                assert_eq!(x.valid, y.valid, "{what} {name}");
                let bits = |c: &NumberColumn| -> Vec<Option<u64>> {
                    (0..c.values.len())
                        .map(|i| c.get(i).map(f64::to_bits))
                        .collect()
                };
                assert_eq!(bits(x), bits(y), "{what} {name}");
            }
            (x, y) => assert_eq!(x, y, "{what} {name}"),
        }
    }
}

/// The two-step path: raw text columns, then `format.parse: "auto"`.
fn two_step(text: &str, delimiter: Option<u8>) -> Result<(Table, DsvReport)> {
    let (mut t, report) = parse_dsv_report(text, delimiter, "t.csv")?;
    apply_auto_parse(&mut t)?;
    Ok((t, report))
}

/// Both paths on `text`: equal results, or equal errors.
fn check(text: &str, delimiter: Option<u8>, what: &str) {
    let fused = parse_dsv_auto_report(text, delimiter, "t.csv");
    match (fused, two_step(text, delimiter)) {
        (Ok((a, ra)), Ok((b, rb))) => {
            assert_eq!(ra, rb, "{what}");
            assert_same_table(&a, &b, what);
        }
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{what}"),
        (a, b) => panic!("{what}: {:?} vs {:?}", a.map(|_| ()), b.map(|_| ())),
    }
}

fn field(out: &mut String, s: &str, delimiter: char, rng: &mut Rng) {
    if s.contains(['"', '\n', '\r', delimiter]) || rng.below(10) == 0 {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

#[test]
fn random_tables_type_as_the_two_step_path() {
    let mut rng = Rng::new(61);
    for case in 0..1500 {
        let delimiter = [',', ';', '\t', '|'][rng.below(4)];
        let width = 1 + rng.below(5);
        // Some tables run past the sampled first rows, with a contradicting cell late.
        let height = match case % 25 {
            0 => 1500 + rng.below(9000),
            1 => 0,
            _ => rng.below(20),
        };
        let names: Vec<&str> = (0..width)
            .map(|_| ["a", "b", "c", "d", "", "__proto__", "a"][rng.below(7)])
            .collect();
        // Each column draws from a few kinds of cells, so every inferred type turns up;
        // rarely, one cell from anywhere (a late contradiction in long tables).
        let pools: Vec<Vec<&str>> = (0..width)
            .map(|_| {
                (0..1 + rng.below(3))
                    .map(|_| CELLS[rng.below(CELLS.len())])
                    .collect()
            })
            .collect();
        let newline = if rng.below(4) == 0 { "\r\n" } else { "\n" };
        let mut text = String::new();
        if rng.below(10) == 0 {
            text.push('\u{feff}');
        }
        for (i, n) in names.iter().enumerate() {
            if i > 0 {
                text.push(delimiter);
            }
            field(&mut text, n, delimiter, &mut rng);
        }
        for _ in 0..height {
            text.push_str(newline);
            let cells = match rng.below(40) {
                0 => width.saturating_sub(1).max(1),
                1 => width + 1,
                _ => width,
            };
            for (j, pool) in pools.iter().cycle().take(cells).enumerate() {
                if j > 0 {
                    text.push(delimiter);
                }
                let s = if rng.below(2000) == 0 {
                    CELLS[rng.below(CELLS.len())]
                } else {
                    pool[rng.below(pool.len())]
                };
                field(&mut text, s, delimiter, &mut rng);
                if rng.below(300) == 0 {
                    text.push('x');
                }
            }
        }
        if rng.below(2) == 0 {
            text.push_str(newline);
        }
        let d = u8::try_from(delimiter).unwrap();
        check(&text, Some(d), &format!("case {case}"));
        if case % 5 == 0 {
            check(&text, None, &format!("case {case}, sniffed"));
        }
    }
}

#[test]
fn late_contradictions_fall_back_with_the_earlier_rows() {
    // Numbers until row 6000, dates until 1500, booleans until the last row (each in a
    // different chunk of rows), quoted fields with doubled quotes and stray text (rewritten
    // in the output buffer) before and after.
    let mut text = String::from("n,d,b,s\n");
    for i in 0..10_000 {
        let n = if i == 6000 {
            "x".to_string()
        } else {
            format!("{i}.5")
        };
        let d = if i == 1500 { "soon" } else { "2020-01-02" };
        let b = if i == 9999 {
            "yes"
        } else {
            ["true", "false"][i % 2]
        };
        let s = match i % 500 {
            7 => "\"q\"\"uote\"".to_string(),
            8 => "\"q\"z".to_string(),
            _ => format!("v{}", i % 9),
        };
        text.push_str(&format!("{n},{d},{b},{s}\n"));
    }
    check(&text, Some(b','), "late");
    let (t, _) = parse_dsv_auto_report(&text, Some(b','), "t.csv").unwrap();
    assert!(matches!(t.column("n"), Some(Column::Str(_))));
    assert_eq!(t.column("n").unwrap().value(5999).to_label(), "5999.5");
    assert_eq!(t.column("d").unwrap().value(1500).to_label(), "soon");
    assert_eq!(t.column("b").unwrap().value(9999).to_label(), "yes");
    assert_eq!(t.column("s").unwrap().value(9508).to_label(), "qz");
    assert_eq!(t.column("s").unwrap().value(7).to_label(), "q\"uote");
    assert_eq!(t.column("s").unwrap().value(508).to_label(), "qz");
}

#[test]
fn bad_input_gives_the_two_step_errors_and_never_panics() {
    let mut rng = Rng::new(67);
    let alphabet = [
        "a",
        "1",
        ",",
        "\"",
        "\n",
        "\r",
        "true",
        "2020-01-01",
        "é",
        "",
    ];
    for case in 0..3000 {
        let len = rng.below(40);
        let text: String = (0..len)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        check(&text, Some(b','), &format!("case {case}: {text:?}"));
    }
    let e = parse_dsv_auto_report("a,b\n1,2\n3,\"x\n", Some(b','), "q.csv").unwrap_err();
    assert_eq!(e.place(), "q.csv line 3, column 3");
}

#[test]
fn vega_datasets_type_as_the_two_step_path() {
    if std::fs::metadata(DATASET_DIR).is_err() {
        println!("SKIPPED: {DATASET_DIR} is absent");
        return;
    }
    let mut files = 0;
    for entry in std::fs::read_dir(DATASET_DIR).unwrap() {
        let path = entry.unwrap().path();
        let name = path.to_string_lossy().to_string();
        let delimiter = if name.ends_with(".tsv") {
            b'\t'
        } else if name.ends_with(".csv") {
            b','
        } else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        check(&text, Some(delimiter), &name);
        files += 1;
    }
    assert!(files >= 10, "{files} files");
}
