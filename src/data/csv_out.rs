//! A table written as CSV (RFC 4180), for a reader's "Get the data".
//!
//! Stage: data (output). One header line with the column names, one line per row, fields
//! quoted only when they hold a comma, a quote or a line break (quotes doubled). Numbers are
//! written as JavaScript prints them, missing values as empty fields, and the columns named
//! in `dates` (epoch milliseconds) as ISO 8601 UTC timestamps. Lines end with CRLF.

use super::{Table, Value};
use crate::expr::time_format::format_time;

/// `table` as CSV text; `dates` names the columns that hold dates (epoch ms).
///
/// ```
/// use storychart::data::{csv_out::to_csv, parse::from_json_rows};
/// let rows = serde_json::json!([{"name": "a, b", "n": 1.5}, {"name": "c", "n": null}]);
/// let table = from_json_rows(&rows, "data.values").unwrap();
/// // JSON rows' columns come in name order.
/// assert_eq!(to_csv(&table, &[]), "n,name\r\n1.5,\"a, b\"\r\n,c\r\n");
/// ```
pub fn to_csv(table: &Table, dates: &[&str]) -> String {
    let names = table.names();
    let mut out = String::new();
    let header: Vec<String> = names.iter().map(|n| field(n)).collect();
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    let columns: Vec<_> = names
        .iter()
        .map(|n| (table.column(n), dates.contains(n)))
        .collect();
    for row in 0..table.num_rows() {
        let cells: Vec<String> = columns
            .iter()
            .map(|(column, date)| {
                let value = column.map_or(Value::Null, |c| c.value(row));
                match value {
                    Value::Null => String::new(),
                    Value::Number(n) if !n.is_finite() => String::new(),
                    Value::Number(t) if *date => format_time("%Y-%m-%dT%H:%M:%S.%LZ", t),
                    other => field(&other.to_label()),
                }
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

/// One CSV field, quoted when it must be.
fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::parse::from_json_rows;

    fn table(rows: serde_json::Value) -> Table {
        from_json_rows(&rows, "data.values").unwrap()
    }

    #[test]
    fn quotes_only_what_needs_quoting() {
        let t = table(serde_json::json!([
            {"say": "he said \"hi\"", "n": -0.25, "ok": true},
            {"say": "two\nlines", "n": 1e21, "ok": false},
            {"say": "plain", "n": 3, "ok": null},
        ]));
        assert_eq!(
            to_csv(&t, &[]),
            "n,ok,say\r\n-0.25,true,\"he said \"\"hi\"\"\"\r\n1e+21,false,\"two\nlines\"\r\n3,,plain\r\n"
        );
    }

    #[test]
    fn dates_are_iso_and_headers_are_quoted() {
        let t = table(serde_json::json!([{"when, utc": 0, "v": 1}]));
        assert_eq!(
            to_csv(&t, &["when, utc"]),
            "v,\"when, utc\"\r\n1,1970-01-01T00:00:00.000Z\r\n"
        );
    }

    #[test]
    fn an_empty_table_is_its_header() {
        let t = table(serde_json::json!([{"a": 1}]));
        let empty = crate::data::kernels::take_table(&t, &[]).unwrap();
        assert_eq!(to_csv(&empty, &[]), "a\r\n");
    }
}
