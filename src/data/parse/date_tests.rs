//! Tests of `Date.parse`: literal answers from Node 20 (`TZ=UTC`), and an optional large
//! corpus compared line by line.

use super::*;

/// `(text, Date.parse(text))` from Node 20 with `TZ=UTC`; `None` is `NaN`.
const NODE: &[(&str, Option<f64>)] = &[
    ("2020", Some(1577836800000.0)),
    ("2020-06", Some(1590969600000.0)),
    ("2020-06-01", Some(1590969600000.0)),
    ("2020-06-01T12:00", Some(1591012800000.0)),
    ("2020-06-01T12:00:30", Some(1591012830000.0)),
    ("2020-06-01T12:00:30.5", Some(1591012830500.0)),
    ("2020-06-01T12:00:30.123456Z", Some(1591012830123.0)),
    ("2020-06-01T12:00Z", Some(1591012800000.0)),
    ("2020-06-01T12:00+02:00", Some(1591005600000.0)),
    ("2020-06-01T12:00-0530", Some(1591032600000.0)),
    ("2020-06-01T24:00", Some(1591056000000.0)),
    ("2020-06-01T24:01", None),
    ("+002020-06-01", Some(1590969600000.0)),
    ("-000001-01-01", Some(-62198755200000.0)),
    ("-000000-01-01", Some(978307200000.0)),
    ("Jan 1 2000", Some(946684800000.0)),
    ("2000/01/01", Some(946684800000.0)),
    ("01/02/2000", Some(946771200000.0)),
    ("Sun, 01 Jan 2000 00:00:00 GMT", Some(946684800000.0)),
    ("1/1/2000 12:00", Some(946728000000.0)),
    ("1/1/2000 12:00 PM", Some(946728000000.0)),
    ("1/1/2000 12:00 AM", Some(946684800000.0)),
    ("12/31/99", Some(946598400000.0)),
    ("1/1/49", Some(2493072000000.0)),
    ("1/1/50", Some(-631152000000.0)),
    ("Jan 5", Some(978652800000.0)),
    ("2", Some(980985600000.0)),
    ("McCarthy 2", Some(980985600000.0)),
    ("2020-13-01", None),
    ("2020-02-30", Some(1583020800000.0)),
    ("Feb 30 2020", Some(1583020800000.0)),
    ("2000-01-01 00:00:00", Some(946684800000.0)),
    ("2000-01-01 00:00:00 GMT+0100", Some(946681200000.0)),
    (
        "Thu Jan 01 1970 00:00:00 GMT+0000 (Coordinated Universal Time)",
        Some(0.0),
    ),
    ("1 January 2000", Some(946684800000.0)),
    ("2000 Jan 1", Some(946684800000.0)),
    ("December 17, 1995 03:24:00", Some(819170640000.0)),
    ("Mon, 25 Dec 1995 13:30:00 +0430", Some(819882000000.0)),
    ("2014-25-23", None),
    ("x 12", Some(1007164800000.0)),
    ("12 x", None),
    ("", None),
    ("  ", None),
    ("T", None),
    ("2020-06-01T", None),
    ("2020-06-01T12", None),
    ("20200601", None),
    ("2020-6-1", Some(1590969600000.0)),
    ("2020/6/1 1:2:3.4", Some(1590973323400.0)),
    ("12:00", None),
    ("+275760-09-13T00:00:00Z", Some(8640000000000000.0)),
    ("+275760-09-13T00:00:01Z", None),
    ("-271821-04-20T00:00:00Z", Some(-8640000000000000.0)),
    ("1.5.8", Some(1199491200000.0)),
    ("10000", Some(253402300800000.0)),
    ("3.14", Some(984528000000.0)),
    ("1995-02-04 10:00 UTC+01:00", Some(791888400000.0)),
    ("1990-01-08", Some(631756800000.0)),
    ("2015/01/01 01:00:00", Some(1420074000000.0)),
    ("2001/01/01 00:47", Some(978310020000.0)),
    ("2010-01-01T01:00:00", Some(1262307600000.0)),
    ("2000-01-01T08:00:00.000Z", Some(946713600000.0)),
    ("01/31/2015", Some(1422662400000.0)),
    ("Jun 12 1998", Some(897609600000.0)),
    ("B-52", Some(-568080000000.0)),
    ("DC-9-30", Some(1001808000000.0)),
    ("No. 457", Some(-47745590400000.0)),
    ("<10000", Some(253402300800000.0)),
    ("9,029,000", Some(970185600000.0)),
    ("Fahrenheit 9/11", Some(1000166400000.0)),
    ("Buffalo '66", Some(-126230400000.0)),
    ("Revolution#9", Some(999302400000.0)),
    ("161-12", Some(-57057609600000.0)),
];

#[test]
fn matches_node_on_literal_cases() {
    for (text, want) in NODE {
        assert_eq!(parse_date(text), *want, "{text:?}");
    }
}

#[test]
fn make_date_follows_javascript_overflow() {
    // Date.UTC(2000, 12, 0) and Date.UTC(-1, 0, 1, 25, 61, 61, 1001) in Node.
    assert_eq!(
        make_date(2000.0, 12.0, 0.0, [0.0; 4]),
        Some(978_220_800_000.0)
    );
    assert_eq!(
        make_date(-1.0, 0.0, 1.0, [25.0, 61.0, 61.0, 1001.0]),
        Some(-62_198_661_477_999.0)
    );
    assert_eq!(make_date(f64::NAN, 0.0, 1.0, [0.0; 4]), None);
    assert_eq!(make_date(275_760.0, 8.0, 14.0, [0.0; 4]), None);
}

#[test]
fn odd_text_never_panics() {
    for s in [
        "\0",
        "(((",
        ")",
        "9999999999999999999",
        "+",
        "-1",
        "\u{10ffff}2",
        "1:2:3:4:5",
        "12::",
        "1.",
        "T1",
    ] {
        let _ = parse_date(s);
    }
}

/// Compares against a corpus file of `JSON string \t result` lines written by Node
/// (`DATE_CORPUS=/path cargo test --lib date -- --nocapture`).
#[test]
fn matches_node_on_a_corpus_file() {
    let Ok(path) = std::env::var("DATE_CORPUS") else {
        println!("SKIPPED: set DATE_CORPUS to a Node-made corpus file");
        return;
    };
    let text = std::fs::read_to_string(path).unwrap();
    let (mut bad, mut n) = (0, 0);
    for line in text.lines() {
        let (s, v) = line.rsplit_once('\t').unwrap();
        let s: String = serde_json::from_str(s).unwrap();
        let want: Option<f64> = if v == "NaN" {
            None
        } else {
            Some(v.parse().unwrap())
        };
        n += 1;
        let got = parse_date(&s);
        if got != want {
            bad += 1;
            if bad < 40 {
                println!("MISMATCH {s:?}: got {got:?}, node {want:?}");
            }
        }
    }
    println!("{bad} mismatches of {n}");
    assert_eq!(bad, 0);
}

#[test]
fn iso_fast_paths_equal_the_general_parser() {
    let mut rng = crate::data::parse::dsv::tests::Rng::new(31);
    let mut fast = 0;
    for _ in 0..100_000 {
        let n = |rng: &mut crate::data::parse::dsv::tests::Rng, max: usize, width: usize| {
            format!("{:0width$}", rng.below(max))
        };
        let mut s = format!(
            "{}-{}-{}",
            n(&mut rng, 10_000, 4),
            n(&mut rng, 14, 2),
            n(&mut rng, 33, 2)
        );
        let shape = rng.below(6);
        if shape > 0 {
            s.push(['T', ' ', 't'][rng.below(3)]);
            s.push_str(&format!("{}:{}", n(&mut rng, 26, 2), n(&mut rng, 62, 2)));
        }
        if shape > 1 {
            s.push_str(&format!(":{}", n(&mut rng, 62, 2)));
        }
        if shape > 2 {
            let width = 1 + rng.below(4);
            s.push_str(&format!(".{}", n(&mut rng, 1000, width)));
        }
        if shape > 0 && rng.below(2) == 0 {
            s.push(['Z', 'z', '+'][rng.below(3)]);
        }
        if rng.below(20) == 0 {
            // A random byte somewhere.
            let mut b = s.into_bytes();
            let i = rng.below(b.len());
            b[i] = [b'x', b'-', b':', b'9', b'0'][rng.below(5)];
            s = String::from_utf8(b).unwrap();
        }
        let b = s.as_bytes();
        if iso_day(b).or_else(|| iso_date_time(b)).is_some() {
            fast += 1;
        }
        assert_eq!(parse_date(&s), parse_date_general(&s), "{s:?}");
    }
    assert!(fast > 15_000, "only {fast} texts took a fast path");
}

#[test]
fn unsigned_day_count_equals_days_from_civil() {
    for year in 0..=9999u32 {
        for month in 1..=12u32 {
            for day in [1u32, 15, 28, 31] {
                let want =
                    days_from_civil(i64::from(year), i64::from(month), 1) + i64::from(day) - 1;
                assert_eq!(
                    i64::from(days_from_civil_u32(year, month, day)),
                    want,
                    "{year}-{month}-{day}"
                );
            }
        }
    }
}
