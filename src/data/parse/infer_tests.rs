//! Tests of type inference and conversions: literal answers from vega-loader 5.1.3 and
//! vega-util 2.1.3 in Node 20 (`TZ=UTC`), and the vega-datasets files.

use super::*;
use crate::data::column::js_to_number;
use crate::data::parse::dsv::tests::{generated_csv, DATASET_DIR};
use crate::data::parse::{parse_dsv, parse_dsv_bytes};

/// `(text, +text)` from Node; `None` is `NaN`.
const JS_NUMBERS: &[(&str, Option<f64>)] = &[
    ("1", Some(1_f64)),
    ("-1", Some(-1_f64)),
    ("+1", Some(1_f64)),
    ("1.5", Some(1.5_f64)),
    (".5", Some(0.5_f64)),
    ("5.", Some(5_f64)),
    ("1e5", Some(100000_f64)),
    ("1E5", Some(100000_f64)),
    ("1e+5", Some(100000_f64)),
    ("1e-5", Some(0.00001_f64)),
    ("1.e5", Some(100000_f64)),
    (".e5", None),
    ("e5", None),
    ("1e", None),
    ("0x1F", Some(31_f64)),
    ("0X1f", Some(31_f64)),
    ("0b101", Some(5_f64)),
    ("0o17", Some(15_f64)),
    ("-0x10", None),
    ("Infinity", Some(f64::INFINITY)),
    ("-Infinity", Some(f64::NEG_INFINITY)),
    ("+Infinity", Some(f64::INFINITY)),
    ("infinity", None),
    ("NaN", None),
    ("inf", None),
    ("1_000", None),
    ("1,000", None),
    (" 12 ", Some(12_f64)),
    ("\t12\n", Some(12_f64)),
    ("\u{a0}12", Some(12_f64)),
    ("\u{feff}12", Some(12_f64)),
    ("\u{85}12", None),
    ("1 2", None),
    ("--1", None),
    ("+-1", None),
    (".", None),
    ("", Some(0_f64)),
    ("  ", Some(0_f64)),
    ("0", Some(0_f64)),
    ("-0", Some(-0.0)),
    ("00012", Some(12_f64)),
    ("1.2.3", None),
    ("١٢", None),
    ("12abc", None),
    ("9007199254740993", Some(9007199254740992_f64)),
    ("1e400", Some(f64::INFINITY)),
    ("-1e400", Some(f64::NEG_INFINITY)),
    ("5e-400", Some(0_f64)),
    ("0.1e1", Some(1_f64)),
    ("1.5e1", Some(15_f64)),
    ("2e0", Some(2_f64)),
    ("3.0", Some(3_f64)),
];

#[test]
fn unary_plus_matches_javascript() {
    for (s, want) in JS_NUMBERS {
        let got = js_to_number(s);
        assert_eq!(got, *want, "{s:?}");
        if let (Some(g), Some(w)) = (got, want) {
            assert_eq!(g.is_sign_negative(), w.is_sign_negative(), "{s:?}");
        }
    }
}

/// `(values, inferType(values))` from vega-loader (`unknown` for no values is `String`).
const INFER: &[(&[Option<&str>], FieldKind)] = &[
    (&[], FieldKind::String),
    (&[None], FieldKind::Boolean),
    (&[None, None], FieldKind::Boolean),
    (&[Some("true"), Some("false")], FieldKind::Boolean),
    (&[Some("true"), Some("false"), None], FieldKind::Boolean),
    (&[Some("true"), Some("")], FieldKind::String),
    (&[Some("TRUE"), Some("false")], FieldKind::String),
    (&[Some("1"), Some("0")], FieldKind::Integer),
    (&[Some("1"), Some("2"), Some("")], FieldKind::Integer),
    (&[Some(""), Some("")], FieldKind::Integer),
    (&[Some("")], FieldKind::Integer),
    (&[Some("1.5"), Some("2")], FieldKind::Number),
    (&[Some("1e3"), Some("2")], FieldKind::Integer),
    (&[Some("1e400")], FieldKind::Number),
    (&[Some("Infinity"), Some("1")], FieldKind::Number),
    (&[Some("0x10"), Some("3")], FieldKind::Integer),
    (&[Some(" 7 "), Some("8")], FieldKind::Integer),
    (&[Some("2020-01-01"), Some("2021")], FieldKind::Date),
    (&[Some("2020-01-01"), Some("")], FieldKind::String),
    (&[Some("Jan 1 2000"), Some("Feb 2 2001")], FieldKind::Date),
    (&[Some("2020-01-01"), Some("x")], FieldKind::String),
    (&[Some("a"), Some("1")], FieldKind::String),
    (&[Some("1"), Some("a")], FieldKind::String),
    (
        &[Some("McCarthy 2"), Some("Big Lake Strip Nr 2")],
        FieldKind::Date,
    ),
    (&[Some("12"), Some("2020-01-01")], FieldKind::Date),
    (&[Some("1.5"), Some("2020-01-01")], FieldKind::Date),
    (&[Some("true"), Some("2020-01-01")], FieldKind::String),
    (&[Some("true"), Some("1")], FieldKind::String),
    (&[Some("NaN"), Some("1")], FieldKind::String),
    (&[Some("-0"), Some("5")], FieldKind::Integer),
];

#[test]
fn infer_kind_matches_vega_loader() {
    for (values, want) in INFER {
        let col = TextColumn::from_options(values.iter().copied());
        assert_eq!(infer_kind(&col), *want, "{values:?}");
    }
}

/// `(text, toNumber, toBoolean, toDate, toString)` from vega-util (`NaN` is `None`).
#[allow(clippy::type_complexity)]
const CONVERT: &[(&str, Option<f64>, Option<bool>, Option<f64>, Option<&str>)] = &[
    ("", None, None, None, None),
    ("true", None, Some(true), None, Some("true")),
    ("false", None, Some(false), None, Some("false")),
    (
        "0",
        Some(0_f64),
        Some(false),
        Some(946684800000_f64),
        Some("0"),
    ),
    (
        "1",
        Some(1_f64),
        Some(true),
        Some(978307200000_f64),
        Some("1"),
    ),
    ("x", None, Some(true), None, Some("x")),
    ("FALSE", None, Some(true), None, Some("FALSE")),
    (
        "2020-01-01",
        None,
        Some(true),
        Some(1577836800000_f64),
        Some("2020-01-01"),
    ),
    (
        "Jan 1 2000",
        None,
        Some(true),
        Some(946684800000_f64),
        Some("Jan 1 2000"),
    ),
    (
        "12",
        Some(12_f64),
        Some(true),
        Some(1007164800000_f64),
        Some("12"),
    ),
    (
        " 3 ",
        Some(3_f64),
        Some(true),
        Some(983404800000_f64),
        Some(" 3 "),
    ),
    ("0x1f", Some(31_f64), Some(true), None, Some("0x1f")),
    ("abc", None, Some(true), None, Some("abc")),
    (
        "2001/01/01 00:47",
        None,
        Some(true),
        Some(978310020000_f64),
        Some("2001/01/01 00:47"),
    ),
];

#[test]
fn conversions_match_vega_util() {
    let col = Column::Text(TextColumn::from_options(CONVERT.iter().map(|c| Some(c.0))));
    let numbers = to_number(&col);
    let booleans = to_boolean(&col);
    let dates = to_date(&col, false);
    let strings = to_string(&col);
    for (i, (s, n, b, d, st)) in CONVERT.iter().enumerate() {
        assert_eq!(numbers.get(i), *n, "toNumber({s:?})");
        let want_b = b.map_or(Value::Null, Value::Bool);
        assert_eq!(booleans.value(i), want_b, "toBoolean({s:?})");
        assert_eq!(dates.get(i), *d, "toDate({s:?})");
        let want_s = st.map_or(Value::Null, |s| Value::Str(s.to_string()));
        assert_eq!(strings.value(i), want_s, "toString({s:?})");
    }
    // Non-text columns convert by value.
    let nums = Column::Number(NumberColumn::from_options([Some(0.0), Some(2.5), None]));
    assert_eq!(to_boolean(&nums).value(0), Value::Bool(false));
    assert_eq!(to_boolean(&nums).value(1), Value::Bool(true));
    assert_eq!(to_boolean(&nums).value(2), Value::Null);
    assert_eq!(to_date(&nums, true).get(1), Some(2.5));
    assert_eq!(to_string(&nums).value(1), Value::Str("2.5".into()));
}

#[test]
fn parse_kinds_read_vega_lite_values() {
    let p = |s: &str| ParseKind::from_spec("f", s);
    assert_eq!(p("integer").unwrap(), ParseKind::Number);
    assert_eq!(p("unknown").unwrap(), ParseKind::Keep);
    assert_eq!(
        p("date:\"%d/%m/%Y\"").unwrap(),
        ParseKind::Pattern {
            pattern: "%d/%m/%Y".into(),
            utc: false
        }
    );
    assert_eq!(
        p("date:%Y:%m").unwrap(),
        ParseKind::Pattern {
            pattern: "%Y:%m".into(),
            utc: false
        }
    );
    let e = p("Date").unwrap_err();
    assert_eq!(e.place(), "data.format.parse.f");
    assert!(p("date:").is_err());
}

#[test]
fn apply_parse_converts_named_fields_and_ignores_unknown_ones() {
    let mut t = parse_dsv("a,b,c\n1,true,01/02/2020\n,0,x\n", Some(b','), "t").unwrap();
    let parse = vec![
        ("a".to_string(), ParseKind::Number),
        ("b".to_string(), ParseKind::Boolean),
        (
            "c".to_string(),
            ParseKind::from_spec("c", "date:'%d/%m/%Y'").unwrap(),
        ),
        ("nope".to_string(), ParseKind::Number),
    ];
    apply_parse(&mut t, &parse).unwrap();
    assert_eq!(t.names(), vec!["a", "b", "c"]);
    assert_eq!(t.column("a").unwrap().value(0), Value::Number(1.0));
    assert_eq!(t.column("a").unwrap().value(1), Value::Null);
    assert_eq!(t.column("b").unwrap().value(1), Value::Bool(false));
    // d3.timeParse("%d/%m/%Y")("01/02/2020") with TZ=UTC.
    assert_eq!(
        t.column("c").unwrap().value(0),
        Value::Number(1_580_515_200_000.0)
    );
    assert_eq!(t.column("c").unwrap().value(1), Value::Null);
    let bad = vec![(
        "c".to_string(),
        ParseKind::Pattern {
            pattern: "%U".into(),
            utc: false,
        },
    )];
    assert!(apply_parse(&mut t, &bad).is_err());
    let mut empty = parse_dsv("a\n", Some(b','), "t").unwrap();
    apply_parse(&mut empty, &bad).unwrap();
}

#[test]
fn auto_parse_types_every_text_column() {
    let mut t = parse_dsv(
        "n,s,d,b\n1,x,2020-01-01,true\n2,,2020-01-02,false\n",
        None,
        "t",
    )
    .unwrap();
    apply_auto_parse(&mut t).unwrap();
    assert!(matches!(t.column("n"), Some(Column::Number(_))));
    assert!(matches!(t.column("d"), Some(Column::Number(_))));
    assert!(matches!(t.column("b"), Some(Column::Bool { .. })));
    // toString turns "" into null.
    assert_eq!(t.column("s").unwrap().value(1), Value::Null);
}

/// `inferTypes` of every CSV/TSV in vega-datasets, from vega-loader in Node.
const DATASET_TYPES: &[(&str, &[(&str, FieldKind)])] = &[
    (
        "airports.csv",
        &[
            ("iata", FieldKind::String),
            ("name", FieldKind::String),
            ("city", FieldKind::String),
            ("state", FieldKind::String),
            ("country", FieldKind::String),
            ("latitude", FieldKind::Number),
            ("longitude", FieldKind::Number),
        ],
    ),
    (
        "birdstrikes.csv",
        &[
            ("Airport Name", FieldKind::String),
            ("Aircraft Make Model", FieldKind::String),
            ("Effect Amount of damage", FieldKind::String),
            ("Flight Date", FieldKind::Date),
            ("Aircraft Airline Operator", FieldKind::String),
            ("Origin State", FieldKind::String),
            ("Phase of flight", FieldKind::String),
            ("Wildlife Size", FieldKind::String),
            ("Wildlife Species", FieldKind::String),
            ("Time of day", FieldKind::String),
            ("Cost Other", FieldKind::Integer),
            ("Cost Repair", FieldKind::Integer),
            ("Cost Total $", FieldKind::Integer),
            ("Speed IAS in knots", FieldKind::Integer),
        ],
    ),
    (
        "co2-concentration.csv",
        &[
            ("Date", FieldKind::Date),
            ("CO2", FieldKind::Number),
            ("adjusted CO2", FieldKind::Number),
        ],
    ),
    (
        "disasters.csv",
        &[
            ("Entity", FieldKind::String),
            ("Year", FieldKind::Integer),
            ("Deaths", FieldKind::Integer),
        ],
    ),
    (
        "flights-airport.csv",
        &[
            ("origin", FieldKind::String),
            ("destination", FieldKind::String),
            ("count", FieldKind::Integer),
        ],
    ),
    (
        "gapminder-health-income.csv",
        &[
            ("country", FieldKind::String),
            ("income", FieldKind::Integer),
            ("health", FieldKind::Number),
            ("population", FieldKind::Integer),
            ("region", FieldKind::String),
        ],
    ),
    (
        "github.csv",
        &[("time", FieldKind::Date), ("count", FieldKind::Integer)],
    ),
    (
        "global-temp.csv",
        &[("year", FieldKind::Integer), ("temp", FieldKind::Number)],
    ),
    (
        "iowa-electricity.csv",
        &[
            ("year", FieldKind::Date),
            ("source", FieldKind::String),
            ("net_generation", FieldKind::Integer),
        ],
    ),
    (
        "la-riots.csv",
        &[
            ("first_name", FieldKind::String),
            ("last_name", FieldKind::String),
            ("age", FieldKind::Integer),
            ("gender", FieldKind::String),
            ("race", FieldKind::String),
            ("death_date", FieldKind::Date),
            ("address", FieldKind::String),
            ("neighborhood", FieldKind::String),
            ("type", FieldKind::String),
            ("longitude", FieldKind::Number),
            ("latitude", FieldKind::Number),
        ],
    ),
    (
        "lookup_groups.csv",
        &[("group", FieldKind::Integer), ("person", FieldKind::String)],
    ),
    (
        "lookup_people.csv",
        &[
            ("name", FieldKind::String),
            ("age", FieldKind::Integer),
            ("height", FieldKind::Integer),
        ],
    ),
    (
        "population_engineers_hurricanes.csv",
        &[
            ("state", FieldKind::String),
            ("id", FieldKind::Integer),
            ("population", FieldKind::Integer),
            ("engineers", FieldKind::Number),
            ("hurricanes", FieldKind::Integer),
        ],
    ),
    (
        "seattle-weather-hourly-normals.csv",
        &[
            ("date", FieldKind::Date),
            ("pressure", FieldKind::Number),
            ("temperature", FieldKind::Number),
            ("wind", FieldKind::Number),
        ],
    ),
    (
        "seattle-weather.csv",
        &[
            ("date", FieldKind::Date),
            ("precipitation", FieldKind::Number),
            ("temp_max", FieldKind::Number),
            ("temp_min", FieldKind::Number),
            ("wind", FieldKind::Number),
            ("weather", FieldKind::String),
        ],
    ),
    (
        "sp500-2000.csv",
        &[
            ("date", FieldKind::Date),
            ("open", FieldKind::Number),
            ("high", FieldKind::Number),
            ("low", FieldKind::Number),
            ("close", FieldKind::Number),
            ("adjclose", FieldKind::Number),
            ("volume", FieldKind::Integer),
        ],
    ),
    (
        "sp500.csv",
        &[("date", FieldKind::Date), ("price", FieldKind::Number)],
    ),
    (
        "species.csv",
        &[
            ("item_id", FieldKind::String),
            ("common_name", FieldKind::String),
            ("scientific_name", FieldKind::String),
            ("gap_species_code", FieldKind::String),
            ("county_id", FieldKind::Integer),
            ("habitat_yearround_pct", FieldKind::Number),
        ],
    ),
    (
        "stocks.csv",
        &[
            ("symbol", FieldKind::String),
            ("date", FieldKind::Date),
            ("price", FieldKind::Number),
        ],
    ),
    (
        "unemployment.tsv",
        &[("id", FieldKind::Integer), ("rate", FieldKind::Number)],
    ),
    (
        "us-employment.csv",
        &[
            ("month", FieldKind::Date),
            ("nonfarm", FieldKind::Integer),
            ("private", FieldKind::Integer),
            ("goods_producing", FieldKind::Integer),
            ("service_providing", FieldKind::Integer),
            ("private_service_providing", FieldKind::Integer),
            ("mining_and_logging", FieldKind::Integer),
            ("construction", FieldKind::Integer),
            ("manufacturing", FieldKind::Integer),
            ("durable_goods", FieldKind::Integer),
            ("nondurable_goods", FieldKind::Integer),
            ("trade_transportation_utilties", FieldKind::Integer),
            ("wholesale_trade", FieldKind::Number),
            ("retail_trade", FieldKind::Number),
            ("transportation_and_warehousing", FieldKind::Number),
            ("utilities", FieldKind::Number),
            ("information", FieldKind::Integer),
            ("financial_activities", FieldKind::Integer),
            ("professional_and_business_services", FieldKind::Integer),
            ("education_and_health_services", FieldKind::Integer),
            ("leisure_and_hospitality", FieldKind::Integer),
            ("other_services", FieldKind::Integer),
            ("government", FieldKind::Integer),
            ("nonfarm_change", FieldKind::Integer),
        ],
    ),
    (
        "weather.csv",
        &[
            ("location", FieldKind::String),
            ("date", FieldKind::Date),
            ("precipitation", FieldKind::Number),
            ("temp_max", FieldKind::Number),
            ("temp_min", FieldKind::Number),
            ("wind", FieldKind::Number),
            ("weather", FieldKind::String),
        ],
    ),
    (
        "windvectors.csv",
        &[
            ("longitude", FieldKind::Number),
            ("latitude", FieldKind::Number),
            ("dir", FieldKind::Integer),
            ("dirCat", FieldKind::Integer),
            ("speed", FieldKind::Number),
        ],
    ),
    (
        "zipcodes.csv",
        &[
            ("zip_code", FieldKind::Integer),
            ("latitude", FieldKind::Number),
            ("longitude", FieldKind::Number),
            ("city", FieldKind::String),
            ("state", FieldKind::String),
            ("county", FieldKind::String),
        ],
    ),
];

#[test]
fn vega_datasets_infer_as_vega_does() {
    if std::fs::metadata(DATASET_DIR).is_err() {
        println!("SKIPPED: {DATASET_DIR} is absent");
        return;
    }
    for (file, kinds) in DATASET_TYPES {
        let delimiter = if file.ends_with(".tsv") { b'\t' } else { b',' };
        let bytes = std::fs::read(format!("{DATASET_DIR}/{file}")).unwrap();
        let t = parse_dsv_bytes(&bytes, Some(delimiter), file).unwrap();
        let got = infer_kinds(&t);
        let want: Vec<(String, FieldKind)> =
            kinds.iter().map(|(n, k)| (n.to_string(), *k)).collect();
        assert_eq!(got, want, "{file}");
    }
}

#[test]
#[ignore]
fn speed_of_parse_and_infer_on_20_mb() {
    let text = generated_csv(20_000_000);
    let t0 = std::time::Instant::now();
    let t = parse_dsv(&text, Some(b','), "g.csv").unwrap();
    let parsed = t0.elapsed().as_secs_f64();
    let kinds = infer_kinds(&t);
    let total = t0.elapsed().as_secs_f64();
    let mb = text.len() as f64 / 1e6;
    println!(
        "20 MB CSV: parse {:.0} MB/s, parse + infer {:.0} MB/s ({} rows, {kinds:?})",
        mb / parsed,
        mb / total,
        t.num_rows()
    );
}

#[test]
fn the_decimal_fast_path_agrees_with_unary_plus() {
    let mut rng = crate::data::parse::dsv::tests::Rng::new(11);
    for _ in 0..20_000 {
        let len = rng.below(19);
        let s: String = (0..len)
            .map(|_| ['0', '1', '9', '.', '-', 'e'][rng.below(6)])
            .collect();
        if let Some(whole) = plain_decimal(&s) {
            let n = js_to_number(&s).unwrap_or_else(|| panic!("{s:?}"));
            assert_eq!(whole, n.fract() == 0.0, "{s:?}");
        }
    }
    for s in ["5.", "-0", "12.50", "1.0", "007"] {
        assert!(plain_decimal(s).is_some(), "{s}");
    }
    for s in [".5", "-", "", "1e3", "0x1", " 1"] {
        assert!(plain_decimal(s).is_none(), "{s}");
    }
}

/// The reference `format.parse: "auto"`: vega-loader's `inferTypes`, then `parse` with them.
fn reference_auto_parse(table: &mut Table) {
    let parse: Vec<(String, ParseKind)> = infer_kinds(table)
        .into_iter()
        .map(|(name, kind)| (name, ParseKind::from(kind)))
        .collect();
    apply_parse(table, &parse).unwrap();
}

/// Equal columns, numbers compared bit for bit (`-0` is not `0`; NaN only where invalid).
fn assert_same_column(a: &Column, b: &Column, what: &str) {
    match (a, b) {
        (Column::Number(x), Column::Number(y)) => {
            assert_eq!(x.valid, y.valid, "{what}");
            let bits = |c: &NumberColumn| -> Vec<Option<u64>> {
                (0..c.values.len())
                    .map(|i| c.get(i).map(f64::to_bits))
                    .collect()
            };
            assert_eq!(bits(x), bits(y), "{what}");
        }
        _ => assert_eq!(a, b, "{what}"),
    }
}

#[test]
fn one_pass_auto_parse_equals_infer_then_convert() {
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
        "1.5e-7",
        "0x1F",
        " 7 ",
        "Infinity",
        "-Infinity",
        "NaN",
        "9007199254740993",
        "2000-01-01",
        "2019-12-31",
        "2020-06-01T12:00Z",
        "2020-06-01T12:00:30.5",
        "Jan 1 2000",
        "2001/01/01 00:47",
        "abc",
        "12abc",
        "é",
        "True",
        "null",
    ];
    let mut rng = crate::data::parse::dsv::tests::Rng::new(17);
    for case in 0..3000 {
        // A few cell kinds per column, so columns of every inferred type turn up.
        let pool: Vec<&str> = (0..1 + rng.below(3))
            .map(|_| CELLS[rng.below(CELLS.len())])
            .collect();
        let rows = rng.below(12);
        let mut col = TextColumn::new();
        for _ in 0..rows {
            if rng.below(8) == 0 {
                col.push_null();
            } else {
                col.push(pool[rng.below(pool.len())]);
            }
        }
        let mut fast = Table::with_rows(rows);
        fast.push_column("c", Column::Text(col)).unwrap();
        let mut slow = fast.clone();
        apply_auto_parse(&mut fast).unwrap();
        reference_auto_parse(&mut slow);
        let what = format!("case {case}: {:?}", slow.column("c"));
        assert_same_column(fast.column("c").unwrap(), slow.column("c").unwrap(), &what);
    }
}

#[test]
fn one_pass_auto_parse_equals_reference_on_vega_datasets() {
    if std::fs::metadata(DATASET_DIR).is_err() {
        println!("SKIPPED: {DATASET_DIR} is absent");
        return;
    }
    for (file, _) in DATASET_TYPES {
        let delimiter = if file.ends_with(".tsv") { b'\t' } else { b',' };
        let bytes = std::fs::read(format!("{DATASET_DIR}/{file}")).unwrap();
        let mut fast = parse_dsv_bytes(&bytes, Some(delimiter), file).unwrap();
        let mut slow = fast.clone();
        apply_auto_parse(&mut fast).unwrap();
        reference_auto_parse(&mut slow);
        for name in slow.names() {
            let what = format!("{file} {name}");
            assert_same_column(
                fast.column(name).unwrap(),
                slow.column(name).unwrap(),
                &what,
            );
        }
    }
}
