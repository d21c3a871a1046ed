//! Source text -> [`Table`](crate::data::Table).
//!
//! Stage: data. Parsing never panics; malformed input is an [`Error`](crate::Error) naming the
//! source and the place in it.

pub mod json;

pub use json::{from_json_rows, parse_json};

use crate::data::Table;
use crate::error::{Error, Result};

/// Parses the text of a data file of the given format type (`json`, `csv`, `tsv`).
/// `source` names the file in error messages.
pub fn parse_text(text: &str, format: &str, source: &str) -> Result<Table> {
    match format {
        "json" => parse_json(text, source),
        other => Err(Error::unsupported(
            "data.format.type",
            &format!("the \"{other}\" data format (in {source})"),
        )),
    }
}
