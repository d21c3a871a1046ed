//! The one error type of storychart, and every user-facing message.
//!
//! Stage: all of them. Every fallible step of the pipeline returns [`Error`]. An error says
//! *where* (a JSON path into the spec such as `encoding.x.field`, or a data location such as
//! `data.csv line 12, column 3`), *what* went wrong, and, where there is one, *how to fix it*.
//! Messages are built only by the constructors in this file, so their wording stays consistent
//! and can be reviewed in one place.

use std::fmt;

/// What kind of problem an [`Error`] reports; lets hosts react without parsing text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The spec is not valid JSON or does not have the shape of a Vega-Lite spec.
    Spec,
    /// The spec asks for a Vega-Lite feature storychart does not implement.
    Unsupported,
    /// The spec names a field that the data does not have, or a field of the wrong kind.
    Field,
    /// The data could not be read or parsed.
    Data,
    /// Writing output (SVG, JSON) or reading a file failed.
    Io,
}

/// A storychart error: where, what, and how to fix it.
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    kind: ErrorKind,
    place: String,
    message: String,
    hint: Option<String>,
}

/// Shorthand for results in this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    fn new(kind: ErrorKind, place: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            kind,
            place: place.into(),
            message: message.into(),
            hint: None,
        }
    }

    fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The same error placed inside `prefix` (a layer's error reads `layer[1].mark`).
    pub fn within(mut self, prefix: &str) -> Self {
        self.place = if self.place == "spec" {
            prefix.to_string()
        } else {
            format!("{prefix}.{}", self.place)
        };
        self
    }

    /// The same error with the `from` prefix of its place replaced by `to` (a channel read
    /// under another name: `encoding.x` -> `encoding.theta`).
    pub fn renamed(mut self, from: &str, to: &str) -> Self {
        if let Some(rest) = self.place.strip_prefix(from) {
            self.place = format!("{to}{rest}");
        }
        self
    }

    /// The kind of problem.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Where the problem is: a JSON path into the spec, or a place in the data.
    pub fn place(&self) -> &str {
        &self.place
    }

    /// The spec text is not JSON. `line` and `column` are 1-based.
    pub fn spec_json(line: usize, column: usize, detail: &str) -> Self {
        Self::new(
            ErrorKind::Spec,
            format!("spec line {line}, column {column}"),
            format!("not valid JSON ({detail})"),
        )
        .hint("check for a missing comma, quote or bracket near that place")
    }

    /// The spec is JSON but a value has the wrong shape.
    pub fn spec_shape(path: &str, detail: &str) -> Self {
        Self::new(ErrorKind::Spec, path_or_root(path), detail.to_string())
    }

    /// A required spec property is missing.
    pub fn spec_missing(path: &str, what: &str) -> Self {
        Self::new(
            ErrorKind::Spec,
            path_or_root(path),
            format!("missing {what}"),
        )
    }

    /// A spec property storychart does not support (yet).
    pub fn unsupported(path: &str, what: &str) -> Self {
        Self::new(
            ErrorKind::Unsupported,
            path_or_root(path),
            format!("{what} is not supported by storychart"),
        )
        .hint("see the supported subset in README.md")
    }

    /// An encoding or transform names a field the data does not have.
    pub fn unknown_field(path: &str, field: &str, columns: &[&str]) -> Self {
        let list = if columns.is_empty() {
            "the data has no columns".to_string()
        } else {
            format!("columns: {}", columns.join(", "))
        };
        Self::new(
            ErrorKind::Field,
            path_or_root(path),
            format!("no column \"{field}\" ({list})"),
        )
        .hint("check the spelling and case of the field name")
    }

    /// A field was expected to hold numbers but holds something else.
    pub fn not_numeric(path: &str, field: &str) -> Self {
        Self::new(
            ErrorKind::Field,
            path_or_root(path),
            format!("column \"{field}\" does not hold numbers"),
        )
        .hint("use a nominal or ordinal type, or fix the data")
    }

    /// The data could not be parsed. `place` names the source and position.
    pub fn data(place: &str, detail: &str) -> Self {
        Self::new(ErrorKind::Data, place.to_string(), detail.to_string())
    }

    /// The spec names data by URL but no content for that URL was provided.
    pub fn data_not_loaded(url: &str) -> Self {
        Self::new(
            ErrorKind::Data,
            "data.url",
            format!("the data at \"{url}\" has not been loaded"),
        )
        .hint("load it first (the <story-chart> element and the CLI do this for you)")
    }

    /// Reading or writing a file failed.
    pub fn io(place: &str, detail: &str) -> Self {
        Self::new(ErrorKind::Io, place.to_string(), detail.to_string())
    }

    /// A PNG of `width` x `height` device pixels (at `scale`) cannot be drawn.
    pub fn png_size(width: f64, height: f64, scale: f64, max_pixels: f64) -> Self {
        Self::new(
            ErrorKind::Io,
            "png",
            format!(
                "cannot draw an image of {width} x {height} pixels at scale {scale} \
                 (at most {max_pixels} pixels)"
            ),
        )
        .hint("use a positive --scale, and a smaller --scale, --width or --height")
    }

    /// A window op parameter (`ntile`'s count, `nth_value`'s position) is not greater than 0.
    pub fn window_param(op: &str, value: f64) -> Self {
        Self::new(
            ErrorKind::Spec,
            format!("window {op}"),
            format!(
                "the parameter must be greater than 0, not {}",
                crate::data::value::js_number_string(value)
            ),
        )
        .hint("set \"param\" of this window op to a positive number")
    }

    /// A quoted field of a delimited text file never closes. `line` and `column` (1-based) are
    /// where its opening quote is.
    pub fn dsv_unterminated_quote(source: &str, line: usize, column: usize) -> Self {
        Self::new(
            ErrorKind::Data,
            format!("{source} line {line}, column {column}"),
            "this quoted field has no closing quote",
        )
        .hint("add the closing \" or double each \" inside the field (\"\")")
    }

    /// Delimited text bytes are not UTF-8. `line` and `column` (1-based) are where the first
    /// invalid byte is.
    pub fn dsv_invalid_utf8(source: &str, line: usize, column: usize) -> Self {
        Self::new(
            ErrorKind::Data,
            format!("{source} line {line}, column {column}"),
            "the text is not valid UTF-8",
        )
        .hint("save the file as UTF-8")
    }

    /// A delimiter that delimited text cannot use (d3-dsv's "invalid delimiter").
    pub fn dsv_bad_delimiter(path: &str, delimiter: &str) -> Self {
        Self::new(
            ErrorKind::Spec,
            path_or_root(path),
            format!("{delimiter:?} cannot be a delimiter"),
        )
        .hint("use one ASCII character other than a quote or a line break, such as \",\" or \"|\"")
    }

    /// Delimited text too large to hold (a column holds at most 4 GiB of text).
    pub fn dsv_too_large(source: &str, bytes: usize) -> Self {
        Self::new(
            ErrorKind::Data,
            source.to_string(),
            format!("{bytes} bytes of text is more than storychart can hold (4 GiB)"),
        )
        .hint("aggregate or filter the data before charting it")
    }

    /// A `format.parse` entry that is not a known type or date pattern.
    pub fn bad_parse_type(field: &str, kind: &str) -> Self {
        Self::new(
            ErrorKind::Spec,
            format!("data.format.parse.{field}"),
            format!("\"{kind}\" is not a parse type"),
        )
        .hint("use \"number\", \"boolean\", \"date\", \"string\", \"date:'%Y-%m-%d'\" or \"utc:'...'\"")
    }

    /// An expression (`filter`, `calculate`, `test`) does not parse, or uses a feature
    /// storychart does not support. `column` is 1-based, in characters.
    pub fn expr_syntax(
        place: &str,
        text: &str,
        column: usize,
        detail: &str,
        unsupported: bool,
    ) -> Self {
        let e = Self::new(
            if unsupported {
                ErrorKind::Unsupported
            } else {
                ErrorKind::Spec
            },
            path_or_root(place),
            format!("{detail} at column {column} in \"{text}\""),
        );
        if unsupported {
            e.hint("see the supported expression subset in src/expr/mod.rs")
        } else {
            e
        }
    }

    /// An expression names a parameter that the spec does not define.
    pub fn expr_param(place: &str, text: &str, name: &str, known: &[&str]) -> Self {
        let list = if known.is_empty() {
            "no parameters are defined".to_string()
        } else {
            format!("parameters: {}", known.join(", "))
        };
        Self::new(
            ErrorKind::Spec,
            path_or_root(place),
            format!("unknown parameter \"{name}\" in \"{text}\" ({list})"),
        )
        .hint("define it in the spec's \"params\", or write datum.{name} for a field")
    }

    /// Evaluating an expression failed where JavaScript would throw (e.g. `length(null)`).
    pub fn expr_eval(place: &str, text: &str, detail: &str) -> Self {
        Self::new(
            ErrorKind::Data,
            path_or_root(place),
            format!("{detail} while evaluating \"{text}\""),
        )
        .hint("guard the expression, e.g. isValid(datum.x) ? ... : ...")
    }

    /// An expression gives values a data column cannot hold (arrays, objects).
    pub fn expr_result(place: &str, text: &str, detail: &str) -> Self {
        Self::new(
            ErrorKind::Unsupported,
            path_or_root(place),
            format!("{detail} (in \"{text}\")"),
        )
    }

    /// A parameter name that the spec's `params` do not define (`--signal`, `setParam`).
    pub fn unknown_param(name: &str, known: &[&str]) -> Self {
        let list = if known.is_empty() {
            "the spec defines no parameters".to_string()
        } else {
            format!("parameters: {}", known.join(", "))
        };
        Self::new(
            ErrorKind::Spec,
            "params",
            format!("no parameter named \"{name}\" ({list})"),
        )
        .hint("use the \"name\" of one of the spec's \"params\"")
    }

    /// Two entries of `params` share a name.
    pub fn duplicate_param(path: &str, name: &str) -> Self {
        Self::new(
            ErrorKind::Spec,
            path_or_root(path),
            format!("the parameter name \"{name}\" is already used by an earlier parameter"),
        )
        .hint("give every parameter a unique name")
    }

    /// A value for a selection parameter that does not have the selection's shape.
    pub fn bad_selection_value(place: &str, name: &str, detail: &str) -> Self {
        Self::new(
            ErrorKind::Spec,
            path_or_root(place),
            format!("bad value for the selection \"{name}\": {detail}"),
        )
        .hint("a point selection takes [{\"field\": value}, ...], an interval {\"field\": [min, max]}, and null clears either")
    }
}

fn path_or_root(path: &str) -> String {
    if path.is_empty() || path == "." {
        "spec".to_string()
    } else {
        path.to_string()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "; {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_field_names_the_place_the_field_and_the_columns() {
        let e = Error::unknown_field("encoding.x.field", "yaer", &["year", "share"]);
        assert_eq!(
            e.to_string(),
            "encoding.x.field: no column \"yaer\" (columns: year, share); \
             check the spelling and case of the field name"
        );
        assert_eq!(e.kind(), ErrorKind::Field);
    }

    #[test]
    fn an_empty_path_is_the_spec_root() {
        assert_eq!(Error::spec_missing("", "\"mark\"").place(), "spec");
    }
}
