//! Source text -> [`Table`](crate::data::Table).
//!
//! Stage: data. Parsing never panics; malformed input is an [`Error`](crate::Error) naming the
//! source and the place in it.

pub mod date;
pub mod date_format;
mod date_parts;
mod dict;
pub mod dsv;
pub mod infer;
pub mod json;
pub mod number;

pub use date::parse_date;
pub use date_format::{parse_with_format, TimeFormat};
pub use dsv::{
    parse_dsv, parse_dsv_auto_report, parse_dsv_bytes, parse_dsv_report, sniff_delimiter, DsvReport,
};
pub use infer::{
    apply_auto_parse, apply_parse, infer_kind, infer_kinds, to_boolean, to_date, to_number,
    to_string, FieldKind, ParseKind,
};
pub use json::{from_json_rows, parse_json};

use crate::data::Table;
use crate::error::{Error, Result};

/// Parses the text of a data file of the given format type (`json`, `csv`, `tsv`, `dsv`
/// with its delimiter sniffed). `source` names the file in error messages. Delimited text
/// stays text: fields are typed later by `format.parse`, as in Vega.
pub fn parse_text(text: &str, format: &str, source: &str) -> Result<Table> {
    match format {
        "json" => parse_json(text, source),
        "csv" => parse_dsv(text, Some(b','), source),
        "tsv" => parse_dsv(text, Some(b'\t'), source),
        "dsv" => parse_dsv(text, None, source),
        other => Err(Error::unsupported(
            "data.format.type",
            &format!("the \"{other}\" data format (in {source})"),
        )),
    }
}
