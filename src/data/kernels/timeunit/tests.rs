//! Time unit tests against vega 6.4.0's `timeunit` transform run in Node with `TZ=UTC`
//! (`timeunit_oracle.json`): 49 timestamps (36 random in 1900..2100, plus epoch edges, a leap
//! day, year ends, fractional and negative times, year 50, year -300, the end of the valid
//! range) for every Vega-Lite unit, local and `utc`, and steps on 15 units.

use super::*;

#[test]
fn every_unit_equals_vega_time() {
    let data: serde_json::Value =
        serde_json::from_str(include_str!("../timeunit_oracle.json")).unwrap();
    let ts: Vec<Option<f64>> = data["timestamps"]
        .as_array()
        .unwrap()
        .iter()
        .map(serde_json::Value::as_f64)
        .collect();
    let col = Column::Number(NumberColumn::from_options(ts.iter().copied()));
    let cases = data["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 110);
    for case in cases {
        let name = case["unit"].as_str().unwrap();
        let mut unit = parse_time_unit(name).unwrap_or_else(|| panic!("{name}"));
        unit.step = case["step"].as_f64().unwrap();
        let (start, end) = time_unit(&col, &unit, unit.utc);
        for (i, t) in ts.iter().enumerate() {
            let want = (case["start"][i].as_f64(), case["end"][i].as_f64());
            let got = (start.get(i), end.get(i));
            assert_eq!(got, want, "{name} step {} at {t:?} (row {i})", unit.step);
        }
    }
}

#[test]
fn every_vega_lite_unit_name_parses() {
    let names = "year quarter month week day dayofyear date hours minutes seconds milliseconds \
        yearquarter yearquartermonth yearmonth yearmonthdate yearmonthdatehours \
        yearmonthdatehoursminutes yearmonthdatehoursminutesseconds yearweek yearweekday \
        yearweekdayhours yearweekdayhoursminutes yearweekdayhoursminutesseconds yeardayofyear \
        quartermonth monthdate monthdatehours monthdatehoursminutes monthdatehoursminutesseconds \
        weekday weekdayhours weekdayhoursminutes weekdayhoursminutesseconds dayhours \
        dayhoursminutes dayhoursminutesseconds hoursminutes hoursminutesseconds minutesseconds \
        secondsmilliseconds";
    for n in names.split_whitespace() {
        let local = parse_time_unit(n).unwrap_or_else(|| panic!("{n}"));
        let utc = parse_time_unit(&format!("utc{n}")).unwrap();
        assert!(!local.utc && utc.utc && local.parts == utc.parts, "{n}");
    }
    let wd = parse_time_unit("weekday").unwrap();
    assert_eq!(wd.parts, [TimePart::Week, TimePart::Day]);
    for bad in [
        "",
        "utc",
        "monthyear",
        "yearyear",
        "dayofyearmonth",
        "weekdate",
        "hour",
        "binnedyear",
    ] {
        assert_eq!(parse_time_unit(bad), None, "{bad}");
    }
}

#[test]
fn odd_inputs_give_nulls_not_panics() {
    let unit = parse_time_unit("yearquarter").unwrap();
    let col = Column::Mixed(vec![
        crate::data::Value::Null,
        crate::data::Value::Str(String::new()),
        crate::data::Value::Str("abc".into()),
        crate::data::Value::Number(f64::NAN),
        crate::data::Value::Number(f64::INFINITY),
        crate::data::Value::Number(8.64e15),
    ]);
    let (s, e) = time_unit(&col, &unit, false);
    assert!((0..6).all(|i| e.get(i).is_none()));
    assert!((0..5).all(|i| s.get(i).is_none()));
    // The last quarter of the valid range starts inside it but ends outside (Vega hangs).
    assert!(s.get(5).is_some());
    for step in [0.0, -3.0, f64::NAN, 1e12] {
        let u = TimeUnit {
            step,
            ..unit.clone()
        };
        let _ = time_unit(&col, &u, true);
    }
    let empty = TimeUnit {
        parts: Vec::new(),
        utc: false,
        step: 1.0,
    };
    let _ = time_unit(&col, &empty, false);
}
