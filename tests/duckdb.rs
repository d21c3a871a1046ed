//! The DuckDB oracle: storychart's group-by, aggregate, filter and bin kernels against DuckDB
//! on real data (vega-datasets and every `../shared/data/*.csv`).
//!
//! DuckDB (pip `duckdb`, pinned in `xtask/src/tools.rs`) runs in a Python helper,
//! `tests/duckdb/run_queries.py`; `cargo xtask test` installs it into `target/duckdb-venv` and
//! points `STORYCHART_DUCKDB_PYTHON` at it. When DuckDB cannot be run, the test fails under
//! `cargo xtask test` and in CI (`STORYCHART_REQUIRE_DUCKDB=1` or `CI` set) and prints a
//! SKIPPED line otherwise; missing data files are always a SKIPPED line.
//!
//! How the two sides see the same data: storychart parses each file as Vega does
//! (`format.parse: "auto"` for CSV, JSON types as they are). DuckDB reads the same file itself
//! (`read_csv(all_varchar)` / `read_json`) and casts each column the way storychart typed it:
//! numbers with `TRY_CAST(NULLIF(x, '') AS DOUBLE)` (Vega's `toNumber`), CSV text with
//! `COALESCE(x, '')` (d3-dsv gives `""` for an empty field, never null). Groups are matched by
//! key, never by order. Comparison: counts exact; every other op within a relative 1e-9.
//!
//! Where the semantics differ, the SQL spells out Vega's rule:
//! - `distinct` counts null as one value in Vega: `count(DISTINCT x) + (count(*) > count(x))`.
//! - `missing` is `count(*) - count(x)`; `valid` is `count(x)`.
//! - `median`/`q1`/`q3`: Vega uses d3's `quantile` (R-7: `v[i0] + (v[i0+1] - v[i0]) * (i - i0)`,
//!   `i = (n - 1) p`); DuckDB's `quantile_cont` is the same R-7 definition.
//! - `variance`/`variancep`/`stdev`/`stdevp` are `var_samp`/`var_pop`/`stddev_samp`/
//!   `stddev_pop` (Vega's Welford updates and DuckDB's agree within 1e-9).
//! - A range predicate compiles to Vega's `inrange(datum.x, [lo, hi])`, where JavaScript turns a
//!   null into 0: the SQL is `coalesce(x, 0) BETWEEN lo AND hi`. `oneOf` is `indexof([...],
//!   datum.x) !== -1`, which null never passes: `x IN (...)`.
//! - Bins: storychart computes Vega's `start`/`stop`/`step` ([`bin_params`]); DuckDB assigns
//!   `start + step * floor(1e-14 + (greatest(start, least(x, stop - step)) - start) / step)`
//!   (Vega's formula, with its epsilon and the last bin closed) and counts per bin.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::cast_precision_loss
)]

mod common;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value as Json};
use storychart::data::kernels::bin::{bin, bin_params, extent, BinOptions};
use storychart::data::kernels::{aggregate, group_by, take_table, AggregateOp, Groups};
use storychart::data::parse::{apply_auto_parse, infer_kinds, parse_dsv, parse_json, FieldKind};
use storychart::data::{Column, Table, Value};
use storychart::expr::Env;
use storychart::plan::predicate::predicate_expr;
use storychart::plan::{execute, Plan, Step};
use storychart::spec::transform::{parse_transform, Transform};

use common::say;

/// Group keys with more distinct values than this are not used (the output stays small).
const MAX_KEY_CARDINALITY: usize = 1000;
/// Relative tolerance for every op but the counts.
const REL_TOL: f64 = 1e-9;

/// An aggregate op with its DuckDB spelling (`{x}` is the measure column) and whether it is
/// an exact count.
const OPS: &[(AggregateOp, &str, bool)] = &[
    (AggregateOp::Count, "count(*)", true),
    (AggregateOp::Valid, "count({x})", true),
    (AggregateOp::Missing, "count(*) - count({x})", true),
    (
        AggregateOp::Distinct,
        "count(DISTINCT {x}) + CASE WHEN count(*) > count({x}) THEN 1 ELSE 0 END",
        true,
    ),
    (AggregateOp::Sum, "sum({x})", false),
    (AggregateOp::Mean, "avg({x})", false),
    (AggregateOp::Min, "min({x})", false),
    (AggregateOp::Max, "max({x})", false),
    (AggregateOp::Median, "quantile_cont({x}, 0.5)", false),
    (AggregateOp::Q1, "quantile_cont({x}, 0.25)", false),
    (AggregateOp::Q3, "quantile_cont({x}, 0.75)", false),
    (AggregateOp::Variance, "var_samp({x})", false),
    (AggregateOp::VarianceP, "var_pop({x})", false),
    (AggregateOp::Stdev, "stddev_samp({x})", false),
    (AggregateOp::StdevP, "stddev_pop({x})", false),
];

/// One data file, parsed by storychart, and the SQL that reads it in DuckDB.
struct Source {
    name: String,
    table: Table,
    /// `CREATE TABLE src AS SELECT <casts> FROM read_...`: columns `c0`, `c1`, ... in table
    /// order, read once per file.
    create: String,
    /// The table the queries read.
    from: String,
    /// Column name -> SQL alias.
    alias: HashMap<String, String>,
    /// Number columns (dates excluded).
    measures: Vec<String>,
    /// Group keys: strings and numbers of at most [`MAX_KEY_CARDINALITY`] distinct values.
    keys: Vec<String>,
}

fn sql_str(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn sql_ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// A DOUBLE literal holding exactly `v` (a bare `0.1` would be a DECIMAL in DuckDB).
fn sql_num(v: f64) -> String {
    format!("CAST('{v:?}' AS DOUBLE)")
}

fn distinct_count(col: &Column, rows: usize) -> usize {
    match col {
        Column::Str(c) => c.dict.len(),
        _ => group_by(&[col], rows).len(),
    }
}

fn load(path: &Path) -> Option<Source> {
    let name = path.file_name()?.to_string_lossy().to_string();
    let text = std::fs::read_to_string(path).ok()?;
    let csv = name.ends_with(".csv");
    let mut table = if csv {
        parse_dsv(&text, Some(b','), &name).unwrap()
    } else {
        parse_json(&text, &name).unwrap()
    };
    let dates: Vec<String> = infer_kinds(&table)
        .into_iter()
        .filter(|(_, k)| *k == FieldKind::Date)
        .map(|(n, _)| n)
        .collect();
    if csv {
        apply_auto_parse(&mut table).unwrap();
    }
    let rows = table.num_rows();
    let path_sql = sql_str(&path.display().to_string());
    let mut select = Vec::new();
    let mut alias = HashMap::new();
    let (mut measures, mut keys) = (Vec::new(), Vec::new());
    for (i, col_name) in table.names().into_iter().enumerate() {
        let a = format!("c{i}");
        let id = sql_ident(col_name);
        let col = table.column(col_name)?;
        let is_date = dates.iter().any(|d| d == col_name);
        let expr = match col {
            Column::Number(_) if is_date => continue,
            Column::Number(_) if csv => format!("TRY_CAST(NULLIF({id}, '') AS DOUBLE)"),
            Column::Number(_) => format!("TRY_CAST({id} AS DOUBLE)"),
            Column::Str(_) | Column::Text(_) if csv => format!("NULLIF({id}, '')"),
            Column::Str(_) => format!("CAST({id} AS VARCHAR)"),
            _ => continue,
        };
        if matches!(col, Column::Number(_)) {
            measures.push(col_name.to_string());
        }
        if distinct_count(col, rows) <= MAX_KEY_CARDINALITY {
            keys.push(col_name.to_string());
        }
        select.push(format!("{expr} AS {a}"));
        alias.insert(col_name.to_string(), a);
    }
    let reader = if csv {
        format!("read_csv({path_sql}, all_varchar = true, header = true, delim = ',', quote = '\"', escape = '\"')")
    } else {
        format!("read_json({path_sql}, format = 'array', sample_size = -1, maximum_object_size = 1000000000)")
    };
    let create = format!(
        "CREATE OR REPLACE TABLE src AS SELECT {} FROM {reader}",
        select.join(", ")
    );
    Some(Source {
        name,
        table,
        create,
        from: "src".to_string(),
        alias,
        measures,
        keys,
    })
}

/// A group key as both sides report it: strings by text, numbers by value (`-0` is `0`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Key {
    Null,
    Str(String),
    Num(u64),
}

fn num_key(v: f64) -> Key {
    Key::Num(if v == 0.0 { 0 } else { v.to_bits() })
}

fn key_of_value(v: &Value) -> Key {
    match v {
        Value::Null => Key::Null,
        Value::Str(s) => Key::Str(s.clone()),
        Value::Number(n) => num_key(*n),
        Value::Bool(b) => Key::Str(b.to_string()),
    }
}

fn key_of_json(v: &Json) -> Key {
    match v {
        Json::Null => Key::Null,
        Json::String(s) => Key::Str(s.clone()),
        Json::Number(n) => num_key(n.as_f64().unwrap()),
        other => Key::Str(other.to_string()),
    }
}

fn num_of_json(v: &Json) -> Option<f64> {
    match v {
        Json::Null => None,
        Json::Number(n) => n.as_f64(),
        Json::String(s) => match s.as_str() {
            "NaN" => Some(f64::NAN),
            "Infinity" => Some(f64::INFINITY),
            "-Infinity" => Some(f64::NEG_INFINITY),
            _ => None,
        },
        _ => None,
    }
}

fn close(a: Option<f64>, b: Option<f64>, exact: bool) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) if a.is_nan() || b.is_nan() => a.is_nan() && b.is_nan(),
        (Some(a), Some(b)) if exact || a == b => a == b,
        (Some(a), Some(b)) => (a - b).abs() <= REL_TOL * a.abs().max(b.abs()),
        _ => false,
    }
}

/// One query: the SQL, and storychart's answer as rows `(key values, numbers)` to compare
/// with DuckDB's rows (`key columns..., number columns...`).
struct Query {
    what: String,
    sql: String,
    key_cols: usize,
    exact: Vec<bool>,
    expected: HashMap<Vec<Key>, Vec<Option<f64>>>,
}

/// storychart's per-group results of `ops` over `measure`, grouped by `keys`, on `table`.
fn storychart_groups(
    table: &Table,
    keys: &[&str],
    measure: Option<&str>,
    ops: &[AggregateOp],
) -> HashMap<Vec<Key>, Vec<Option<f64>>> {
    let rows = table.num_rows();
    let key_cols: Vec<&Column> = keys.iter().map(|k| table.column(k).unwrap()).collect();
    let groups: Groups = group_by(&key_cols, rows);
    let m = measure.and_then(|m| table.column(m));
    let results: Vec<_> = ops.iter().map(|op| aggregate(m, &groups, *op)).collect();
    let mut out = HashMap::new();
    for (g, first) in groups.first_row.iter().enumerate() {
        let key: Vec<Key> = key_cols
            .iter()
            .map(|c| key_of_value(&c.value(*first)))
            .collect();
        let values = results.iter().map(|r| r.get(g)).collect();
        out.insert(key, values);
    }
    out
}

fn group_query(src: &Source, table: &Table, keys: &[&str], measure: &str, filter: &str) -> Query {
    let x = &src.alias[measure];
    let ops: Vec<AggregateOp> = OPS.iter().map(|o| o.0).collect();
    let select: Vec<String> = OPS.iter().map(|o| o.1.replace("{x}", x)).collect();
    let key_sql: Vec<&str> = keys.iter().map(|k| src.alias[*k].as_str()).collect();
    let mut sql = String::from("SELECT ");
    for k in &key_sql {
        write!(sql, "{k}, ").unwrap();
    }
    write!(sql, "{} FROM {}", select.join(", "), src.from).unwrap();
    if !filter.is_empty() {
        write!(sql, " WHERE {filter}").unwrap();
    }
    if keys.is_empty() {
        // SQL aggregates an empty input to one row; Vega's aggregate emits none.
        sql.push_str(" HAVING count(*) > 0");
    } else {
        write!(sql, " GROUP BY {}", key_sql.join(", ")).unwrap();
    }
    let expected = storychart_groups(table, keys, Some(measure), &ops);
    Query {
        what: format!(
            "{}: group by {keys:?}, ops on {measure:?}{}",
            src.name,
            if filter.is_empty() {
                String::new()
            } else {
                format!(" where {filter}")
            }
        ),
        sql,
        key_cols: keys.len(),
        exact: OPS.iter().map(|o| o.2).collect(),
        expected,
    }
}

/// Filters `src.table` with a Vega-Lite filter predicate, as the planner does (predicate ->
/// Vega expression -> column-wise evaluation -> selection).
fn storychart_filter(table: &Table, predicate: &Json) -> Table {
    let t = parse_transform(0, &json!({ "filter": predicate })).unwrap();
    let Transform::Filter(pred) = t else {
        panic!("not a filter: {predicate}")
    };
    let text = predicate_expr("transform[0].filter", &pred).unwrap();
    let expr = storychart::expr::parse(&text).unwrap();
    let rows = expr.eval_filter(table, &Env::new()).unwrap();
    let rows: Vec<usize> = rows.into_iter().map(|r| r as usize).collect();
    take_table(table, &rows).unwrap()
}

fn filter_queries(src: &Source, out: &mut Vec<Query>) {
    let (Some(m), Some(k)) = (
        src.measures.first(),
        src.keys.iter().find(|k| **k != src.measures[0]),
    ) else {
        return;
    };
    let Some(col) = src.table.column(m) else {
        return;
    };
    let Some([lo, hi]) = extent(col) else {
        return;
    };
    let (a, b) = (lo + (hi - lo) * 0.2, lo + (hi - lo) * 0.6);
    // Three values of the key, in order of first appearance.
    let kcol = src.table.column(k).unwrap();
    let g = group_by(&[kcol], src.table.num_rows());
    let values: Vec<Value> = g
        .first_row
        .iter()
        .map(|r| kcol.value(*r))
        .filter(|v| *v != Value::Null)
        .take(3)
        .collect();
    let to_json = |v: &Value| match v {
        Value::Str(s) => json!(s),
        Value::Number(n) => json!(n),
        _ => Json::Null,
    };
    let to_sql = |v: &Value| match v {
        Value::Str(s) => sql_str(s),
        Value::Number(n) => sql_num(*n),
        _ => "NULL".to_string(),
    };
    let (xm, xk) = (&src.alias[m], &src.alias[k]);
    let range = json!({"field": m, "range": [a, b]});
    let range_sql = format!(
        "coalesce({xm}, 0) BETWEEN {} AND {}",
        sql_num(a),
        sql_num(b)
    );
    let one_of = json!({"field": k, "oneOf": values.iter().map(to_json).collect::<Vec<_>>()});
    let one_of_sql = format!(
        "{xk} IN ({})",
        values.iter().map(to_sql).collect::<Vec<_>>().join(", ")
    );
    let cases = [
        (range.clone(), range_sql.clone()),
        (one_of.clone(), one_of_sql.clone()),
        (
            json!({"and": [range.clone(), one_of.clone()]}),
            format!("({range_sql}) AND ({one_of_sql})"),
        ),
        (
            json!({"or": [range, one_of]}),
            format!("({range_sql}) OR ({one_of_sql})"),
        ),
    ];
    for (pred, sql) in cases {
        let filtered = storychart_filter(&src.table, &pred);
        out.push(group_query(src, &filtered, &[k.as_str()], m, &sql));
        out.push(group_query(src, &filtered, &[], m, &sql));
    }
}

fn bin_queries(src: &Source, out: &mut Vec<Query>) {
    for m in &src.measures {
        let col = src.table.column(m).unwrap();
        let Some(ext) = extent(col) else { continue };
        for maxbins in [10.0, 37.0] {
            let p = bin_params(
                ext,
                &BinOptions {
                    maxbins,
                    ..BinOptions::default()
                },
            );
            let (b0, _) = bin(col, &p);
            let mut t = Table::with_rows(src.table.num_rows());
            t.push_column("bin", Column::Number(b0)).unwrap();
            let expected = storychart_groups(&t, &["bin"], None, &[AggregateOp::Count]);
            let x = &src.alias[m];
            let (s, e, st) = (sql_num(p.start), sql_num(p.stop), sql_num(p.step));
            let sql = format!(
                "SELECT CASE WHEN {x} IS NULL THEN NULL ELSE {s} + {st} * floor(1e-14 + (greatest({s}, least({x}, {e} - {st})) - {s}) / {st}) END AS b, count(*) FROM {} GROUP BY b",
                src.from
            );
            out.push(Query {
                what: format!(
                    "{}: bin {m:?} maxbins {maxbins} (start {}, stop {}, step {}), count",
                    src.name, p.start, p.stop, p.step
                ),
                sql: sql.clone(),
                key_cols: 1,
                exact: vec![true],
                expected,
            });
            // The same bins through the plan: `bin` then a count by the bin, the histogram
            // route (`bin_count`) a chart's histogram takes.
            let plan = Plan {
                steps: vec![
                    Step::Bin {
                        field: m.clone(),
                        options: BinOptions {
                            maxbins,
                            ..BinOptions::default()
                        },
                        extent: None,
                        as_start: "b".into(),
                        as_end: "b_end".into(),
                    },
                    Step::Aggregate {
                        groupby: vec!["b".into(), "b_end".into()],
                        ops: vec![(AggregateOp::Count, None, "c".into())],
                        args: vec![],
                    },
                ],
                ..Plan::default()
            };
            let hist = execute(&plan, src.table.clone()).unwrap();
            let (b, c) = (hist.column("b").unwrap(), hist.column("c").unwrap());
            let routed = (0..hist.num_rows())
                .map(|r| (vec![key_of_value(&b.value(r))], vec![c.number(r)]))
                .collect();
            out.push(Query {
                what: format!(
                    "{}: histogram plan of {m:?} maxbins {maxbins}, count",
                    src.name
                ),
                sql,
                key_cols: 1,
                exact: vec![true],
                expected: routed,
            });
        }
    }
}

fn queries(src: &Source) -> Vec<Query> {
    let mut out = Vec::new();
    for m in &src.measures {
        out.push(group_query(src, &src.table, &[], m, ""));
        for k in &src.keys {
            if k != m {
                out.push(group_query(src, &src.table, &[k.as_str()], m, ""));
            }
        }
    }
    // Two keys at once (the hashed group-by path).
    if let ([k1, k2, ..], Some(m)) = (src.keys.as_slice(), src.measures.last()) {
        out.push(group_query(
            src,
            &src.table,
            &[k1.as_str(), k2.as_str()],
            m,
            "",
        ));
    }
    filter_queries(src, &mut out);
    bin_queries(src, &mut out);
    out
}

/// Compares DuckDB's rows with storychart's groups; `Err` says what differs.
fn compare(q: &Query, rows: &[Json]) -> Result<usize, String> {
    let mut seen = 0;
    let mut compared = 0;
    for row in rows {
        let cells = row.as_array().ok_or("row is not an array")?;
        let key: Vec<Key> = cells[..q.key_cols].iter().map(key_of_json).collect();
        let Some(mine) = q.expected.get(&key) else {
            return Err(format!("DuckDB has group {key:?}, storychart does not"));
        };
        seen += 1;
        for (i, (theirs, exact)) in cells[q.key_cols..].iter().zip(&q.exact).enumerate() {
            let theirs = num_of_json(theirs);
            let own = mine[i];
            if !close(own, theirs, *exact) {
                return Err(format!(
                    "group {key:?}, value {i} ({}): storychart {own:?}, DuckDB {theirs:?}",
                    OPS.get(i).map_or("count", |o| o.0.name())
                ));
            }
            compared += 1;
        }
    }
    if seen != q.expected.len() {
        return Err(format!(
            "storychart has {} groups, DuckDB {seen}",
            q.expected.len()
        ));
    }
    Ok(compared)
}

/// The Python that can `import duckdb`, or why not.
fn duckdb_python(helper: &Path) -> Result<PathBuf, String> {
    let python = std::env::var_os("STORYCHART_DUCKDB_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| common::root().join("target/duckdb-venv/bin/python"));
    let out = Command::new(&python)
        .arg(helper)
        .arg("--version")
        .output()
        .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
    if !out.status.success() {
        return Err(format!(
            "{} cannot import duckdb: {}",
            python.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    say(&format!(
        "duckdb oracle: DuckDB {} ({})",
        String::from_utf8_lossy(&out.stdout).trim(),
        python.display()
    ));
    Ok(python)
}

fn run_duckdb(python: &Path, helper: &Path, sql: &[&str]) -> Vec<Json> {
    let dir = std::env::temp_dir().join(format!("storychart-duckdb-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("queries.json");
    std::fs::write(&file, serde_json::to_string(sql).unwrap()).unwrap();
    let out = Command::new(python)
        .arg(helper)
        .arg(&file)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "the DuckDB helper failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Json = serde_json::from_slice(&out.stdout).unwrap();
    json.as_array().unwrap().clone()
}

fn required() -> bool {
    std::env::var_os("STORYCHART_REQUIRE_DUCKDB").is_some_and(|v| v == "1")
        || std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false")
}

#[test]
fn kernels_equal_duckdb() {
    let helper = common::root().join("tests/duckdb/run_queries.py");
    let python = match duckdb_python(&helper) {
        Ok(p) => p,
        Err(e) if required() => panic!(
            "duckdb oracle: {e}. `cargo xtask test` installs it (pip duckdb into target/duckdb-venv)"
        ),
        Err(e) => {
            say(&format!(
                "duckdb oracle: SKIPPED ({e}; `cargo xtask test` installs it into target/duckdb-venv)"
            ));
            return;
        }
    };
    let mut files: Vec<PathBuf> = Vec::new();
    match common::datasets() {
        Some(dir) => {
            for f in [
                "cars.json",
                "movies.json",
                "seattle-weather.csv",
                "birdstrikes.csv",
                "flights-200k.json",
            ] {
                files.push(dir.join(f));
            }
        }
        None => say(
            "duckdb oracle: vega-datasets SKIPPED (node_modules/vega-datasets missing; run npm ci)",
        ),
    }
    let shared = common::root().join("../shared/data");
    match std::fs::read_dir(&shared) {
        Ok(dir) => {
            let mut csv: Vec<PathBuf> = dir
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "csv"))
                .collect();
            csv.sort();
            files.extend(csv);
        }
        Err(_) => say("duckdb oracle: ../shared/data SKIPPED (not present)"),
    }
    let (mut equal, mut values) = (0usize, 0usize);
    let mut failures = Vec::new();
    for file in &files {
        let src = load(file).unwrap_or_else(|| panic!("cannot read {}", file.display()));
        // The row counts must agree before anything else means something.
        let count_sql = format!("SELECT count(*) FROM {}", src.from);
        let qs = queries(&src);
        let mut sql: Vec<&str> = vec![src.create.as_str(), count_sql.as_str()];
        sql.extend(qs.iter().map(|q| q.sql.as_str()));
        let results = run_duckdb(&python, &helper, &sql);
        let rows = results[1]["rows"][0][0].as_f64();
        if rows != Some(src.table.num_rows() as f64) {
            failures.push(format!(
                "{}: storychart reads {} rows, DuckDB {rows:?} ({:?})",
                src.name,
                src.table.num_rows(),
                &results[..2]
            ));
            continue;
        }
        for (q, r) in qs.iter().zip(&results[2..]) {
            let outcome = match r.get("rows").and_then(Json::as_array) {
                Some(rows) => compare(q, rows),
                None => Err(format!("DuckDB error: {}", r["error"])),
            };
            match outcome {
                Ok(n) => {
                    equal += 1;
                    values += n;
                }
                Err(e) => failures.push(format!("{}: {e}\n    SQL: {}", q.what, q.sql)),
            }
        }
        say(&format!(
            "duckdb oracle: {} ({} rows, {} measures, {} keys): {} queries",
            src.name,
            src.table.num_rows(),
            src.measures.len(),
            src.keys.len(),
            qs.len()
        ));
    }
    say(&format!(
        "duckdb oracle: {equal} queries equal ({values} values), {} differ",
        failures.len()
    ));
    assert!(
        failures.is_empty(),
        "{} queries differ from DuckDB:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(equal > 0 || files.is_empty(), "no query was compared");
}
