//! Typing raw columns: Vega's type inference and `format.parse` conversions.
//!
//! Stage: data. [`infer_kind`] is vega-loader's `inferType` (tests in the order boolean,
//! integer, number, date; a column takes the first type every non-null value passes; no
//! type left is `string`). Note that an empty string is *not* skipped there (only `null`,
//! `undefined` and `NaN` are): `""` passes the integer and number tests (`+"" === 0`) and
//! fails boolean and date. The conversions are vega-util's `toNumber`, `toBoolean`, `toDate`
//! and `toString`, and [`apply_parse`] is vega-loader's `read` step for `format.parse`.
//!
//! Where storychart differs from JavaScript, it is in representation only: a number column
//! cannot tell `NaN` from null (both invalid), and dates are epoch milliseconds (which is
//! what Vega's `toDate` gives for `"date"` anyway).

use super::date::parse_date;
use super::date_format::TimeFormat;
use super::dict::DictBuilder;
use super::number::js_number;
use crate::data::column::js_to_number;
use crate::data::{Bitmap, Column, NumberColumn, StrColumn, Table, TextColumn, Value};
use crate::error::{Error, Result};

/// The type vega-loader's `inferType` gives a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// Every value is `"true"` or `"false"`.
    Boolean,
    /// Every value is a number with no fraction.
    Integer,
    /// Every value is a number.
    Number,
    /// Every value is text `Date.parse` accepts.
    Date,
    /// Anything else.
    String,
}

/// A `format.parse` instruction for one field (Vega-Lite's `parse` values).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseKind {
    /// `"number"` (or `"integer"`): vega-util `toNumber`.
    Number,
    /// `"boolean"`: vega-util `toBoolean`.
    Boolean,
    /// `"date"`: vega-util `toDate` (`Date.parse`), epoch milliseconds.
    Date,
    /// `"date:'%d/%m/%Y'"` or `"utc:'...'"`: d3-time-format's `timeParse` / `utcParse`.
    Pattern {
        /// The d3-time-format pattern, without its quotes.
        pattern: String,
        /// Whether the fields are UTC (`utc:`) rather than local time (`date:`).
        utc: bool,
    },
    /// `"string"`: vega-util `toString` (an empty string becomes null).
    String,
    /// `"unknown"`: the values are kept as they are.
    Keep,
}

impl ParseKind {
    /// Reads a Vega `format.parse` value such as `"number"` or `"date:'%Y'"`. `field` names
    /// the entry in errors.
    ///
    /// ```
    /// use storychart::data::parse::ParseKind;
    /// assert_eq!(ParseKind::from_spec("x", "number").unwrap(), ParseKind::Number);
    /// assert_eq!(
    ///     ParseKind::from_spec("x", "utc:'%Y-%m'").unwrap(),
    ///     ParseKind::Pattern { pattern: "%Y-%m".into(), utc: true }
    /// );
    /// assert!(ParseKind::from_spec("x", "Number").is_err());
    /// ```
    pub fn from_spec(field: &str, kind: &str) -> Result<Self> {
        let pattern = |rest: &str| -> Result<String> {
            if rest.is_empty() {
                return Err(Error::bad_parse_type(field, kind));
            }
            let quoted = |q: char| rest.starts_with(q) && rest.ends_with(q);
            let inner = if quoted('\'') || quoted('"') {
                let mut chars = rest.chars();
                chars.next();
                chars.next_back();
                chars.as_str()
            } else {
                rest
            };
            Ok(inner.to_string())
        };
        if let Some(rest) = kind.strip_prefix("date:") {
            let pattern = pattern(rest)?;
            return Ok(ParseKind::Pattern {
                pattern,
                utc: false,
            });
        }
        if let Some(rest) = kind.strip_prefix("utc:") {
            let pattern = pattern(rest)?;
            return Ok(ParseKind::Pattern { pattern, utc: true });
        }
        match kind {
            "number" | "integer" => Ok(ParseKind::Number),
            "boolean" => Ok(ParseKind::Boolean),
            "date" => Ok(ParseKind::Date),
            "string" => Ok(ParseKind::String),
            "unknown" => Ok(ParseKind::Keep),
            _ => Err(Error::bad_parse_type(field, kind)),
        }
    }
}

impl From<FieldKind> for ParseKind {
    /// The parser vega-loader's `typeParsers` uses for an inferred type.
    fn from(kind: FieldKind) -> Self {
        match kind {
            FieldKind::Boolean => ParseKind::Boolean,
            FieldKind::Integer | FieldKind::Number => ParseKind::Number,
            FieldKind::Date => ParseKind::Date,
            FieldKind::String => ParseKind::String,
        }
    }
}

/// vega-loader's `inferType` over a raw text column. Nulls are skipped; an all-null column
/// is `Boolean`, as in Vega (whose `parse` then leaves nulls as they are). An empty column is
/// `String` (Vega says `unknown` and parses nothing).
///
/// ```
/// use storychart::data::TextColumn;
/// use storychart::data::parse::{infer_kind, FieldKind};
/// let kind = |v: &[&str]| infer_kind(&TextColumn::from_options(v.iter().map(|s| Some(*s))));
/// assert_eq!(kind(&["1", "2", ""]), FieldKind::Integer);
/// assert_eq!(kind(&["1.5", "2"]), FieldKind::Number);
/// assert_eq!(kind(&["2020-01-01", "Jan 2 2020"]), FieldKind::Date);
/// assert_eq!(kind(&["true", "false"]), FieldKind::Boolean);
/// assert_eq!(kind(&["true", ""]), FieldKind::String);
/// ```
pub fn infer_kind(column: &TextColumn) -> FieldKind {
    if column.is_empty() {
        return FieldKind::String;
    }
    let [mut boolean, mut integer, mut number, mut date] = [true; 4];
    // Date tests are costly and only decide the result once the first three types are out,
    // so rows are date-tested lazily, from `date_from` on, once that happens.
    let mut date_from = 0;
    for (row, value) in column.iter().enumerate() {
        let Some(s) = value else { continue };
        boolean &= s == "true" || s == "false";
        if integer || number {
            let (is_integer, is_number) = match plain_decimal(s) {
                Some(whole) => (whole, true),
                None => {
                    let n = js_to_number(s);
                    (
                        n.is_some_and(|n| n.is_finite() && n.fract() == 0.0),
                        n.is_some(),
                    )
                }
            };
            integer &= is_integer;
            number &= is_number;
        }
        if !(boolean || integer || number) {
            if date {
                date = (date_from..=row)
                    .filter_map(|r| column.get(r))
                    .all(|s| parse_date(s).is_some());
                date_from = row + 1;
            }
            if !date {
                return FieldKind::String;
            }
        }
    }
    [
        (boolean, FieldKind::Boolean),
        (integer, FieldKind::Integer),
        (number, FieldKind::Number),
        (date, FieldKind::Date),
    ]
    .into_iter()
    .find_map(|(alive, kind)| alive.then_some(kind))
    .unwrap_or(FieldKind::String)
}

/// A fast path for `-?digits(.digits)?` text (at most 15 digits, so `+s` is exact): whether
/// it is a whole number. `None` for anything else, which takes the general path.
fn plain_decimal(s: &str) -> Option<bool> {
    let b = s.as_bytes();
    let b = b.strip_prefix(b"-").unwrap_or(b);
    if b.is_empty() || b.len() > 16 {
        return None;
    }
    let (int, frac) = match b.iter().position(|c| *c == b'.') {
        Some(dot) => (b.get(..dot)?, b.get(dot + 1..)?),
        None => (b, &[][..]),
    };
    let ok = !int.is_empty()
        && int.iter().all(u8::is_ascii_digit)
        && frac.iter().all(u8::is_ascii_digit)
        && (b.len() - usize::from(b.len() != int.len())) <= 15;
    ok.then(|| frac.iter().all(|c| *c == b'0'))
}

/// vega-loader's `inferTypes`: the inferred kind of every [`Column::Text`] column, in order.
pub fn infer_kinds(table: &Table) -> Vec<(String, FieldKind)> {
    table
        .names()
        .into_iter()
        .filter_map(|name| match table.column(name) {
            Some(Column::Text(c)) => Some((name.to_string(), infer_kind(c))),
            _ => None,
        })
        .collect()
}

/// vega-util `toNumber`: null and `""` are null, anything else `+value` (`NaN` is null).
///
/// ```
/// use storychart::data::{Column, TextColumn};
/// use storychart::data::parse::to_number;
/// let c = Column::Text(TextColumn::from_options([Some("1.5"), Some(""), None, Some("x")]));
/// assert_eq!(to_number(&c).values[0], 1.5);
/// assert_eq!(to_number(&c).valid.count_valid(), 1);
/// ```
pub fn to_number(column: &Column) -> NumberColumn {
    NumberColumn::from_options((0..column.len()).map(|i| {
        match column {
            Column::Text(c) => c
                .get(i)
                .filter(|s| !s.is_empty())
                .map(js_number)
                .filter(|n| !n.is_nan()),
            Column::Str(c) => c.get(i).filter(|s| !s.is_empty()).and_then(js_to_number),
            Column::Mixed(v) => match v.get(i) {
                Some(Value::Str(s)) if s.is_empty() => None,
                _ => column.number(i),
            },
            _ => column.number(i),
        }
    }))
}

/// vega-util `toBoolean`: null and `""` are null; `false`, `0`, `NaN`, `"false"` and `"0"`
/// are false; anything else true.
pub fn to_boolean(column: &Column) -> Column {
    let mut values = Vec::with_capacity(column.len());
    let mut valid = Bitmap::new();
    for i in 0..column.len() {
        let b = match column.value(i) {
            Value::Null => None,
            Value::Str(s) if s.is_empty() => None,
            Value::Str(s) => Some(s != "false" && s != "0"),
            Value::Number(n) => Some(n != 0.0 && !n.is_nan()),
            Value::Bool(b) => Some(b),
        };
        values.push(b.unwrap_or(false));
        valid.push(b.is_some());
    }
    Column::Bool { values, valid }
}

/// vega-util `toDate` with its default parser: null and `""` are null, numbers stay as they
/// are (epoch milliseconds), text goes through `Date.parse` ([`parse_date`]).
///
/// `utc` asks for date-time text without an offset to be read as UTC rather than local
/// time; storychart's local time *is* UTC (see [`super::date`]), so both give the same
/// result until the browser's offset is applied.
pub fn to_date(column: &Column, utc: bool) -> NumberColumn {
    let _ = utc;
    NumberColumn::from_options((0..column.len()).map(|i| match column.value(i) {
        Value::Null => None,
        Value::Number(n) => Some(n),
        Value::Str(s) => parse_date(&s),
        Value::Bool(b) => parse_date(if b { "true" } else { "false" }),
    }))
}

/// d3-time-format's parser on every value's JavaScript string form (`null` becomes the text
/// "null", which no pattern of digits accepts), as Vega applies a `date:'...'` parser.
fn to_pattern_date(column: &Column, format: &mut TimeFormat) -> NumberColumn {
    NumberColumn::from_options((0..column.len()).map(|i| match column {
        Column::Text(c) => format.parse(c.get(i).unwrap_or("null")),
        _ => format.parse(&column.value(i).to_label()),
    }))
}

/// vega-util `toString`: null and `""` are null, anything else its JavaScript string form.
pub fn to_string(column: &Column) -> Column {
    let mut out = StrColumn::default();
    for i in 0..column.len() {
        match column.value(i) {
            Value::Null => out.push(None),
            v => {
                let s = v.to_label();
                out.push((!s.is_empty()).then_some(s.as_str()));
            }
        }
    }
    Column::Str(out)
}

/// Applies `format.parse` to `table` as vega-loader does: each named field is replaced by its
/// converted column, in place. Fields the table does not have are ignored. A table with no
/// rows is left alone (Vega returns early for empty data).
///
/// ```
/// use storychart::data::parse::{apply_parse, parse_dsv, ParseKind};
/// use storychart::data::Value;
/// let mut t = parse_dsv("d,v\n2020,1.5\n2021,x\n", Some(b','), "inline").unwrap();
/// let parse = [
///     ("v".to_string(), ParseKind::Number),
///     ("d".to_string(), ParseKind::from_spec("d", "date:'%Y'").unwrap()),
/// ];
/// apply_parse(&mut t, &parse).unwrap();
/// assert_eq!(t.column("v").unwrap().value(1), Value::Null);
/// assert_eq!(t.column("d").unwrap().value(0), Value::Number(1_577_836_800_000.0));
/// ```
pub fn apply_parse(table: &mut Table, parse: &[(String, ParseKind)]) -> Result<()> {
    if table.num_rows() == 0 {
        return Ok(());
    }
    for (field, kind) in parse {
        let Some(column) = table.column(field) else {
            continue;
        };
        let converted = match kind {
            ParseKind::Number => Column::Number(to_number(column)),
            ParseKind::Boolean => to_boolean(column),
            ParseKind::Date => Column::Number(to_date(column, false)),
            ParseKind::Pattern { pattern, utc } => {
                let path = format!("data.format.parse.{field}");
                let mut format = TimeFormat::new(pattern, *utc, &path)?;
                Column::Number(to_pattern_date(column, &mut format))
            }
            ParseKind::String => to_string(column),
            ParseKind::Keep => continue,
        };
        table.push_column(field, converted)?;
    }
    Ok(())
}

/// `format.parse: "auto"`: infers every text column's kind and converts it, exactly as
/// [`infer_kinds`] followed by [`apply_parse`] with the inferred kinds would (a property test
/// holds the two equal), but in one pass per column (see [`auto_column`]).
pub fn apply_auto_parse(table: &mut Table) -> Result<()> {
    if table.num_rows() == 0 {
        return Ok(());
    }
    let names: Vec<String> = table.names().into_iter().map(str::to_string).collect();
    for name in names {
        let converted = match table.column(&name) {
            Some(Column::Text(c)) => auto_column(c),
            _ => continue,
        };
        table.push_column(&name, converted)?;
    }
    Ok(())
}

/// Speculative typing of one raw column: [`infer_kind`] and the conversion of the kind it
/// finds, fused. Every cell is parsed once, straight into the candidate typed values: numbers
/// while the column may still be numeric, then dates (from the first row on, as soon as
/// boolean and number are ruled out), and the column falls back to strings, re-reading it
/// into a dictionary, only when a cell contradicts every typed guess.
pub(crate) fn auto_column(column: &TextColumn) -> Column {
    let rows = column.len();
    let mut boolean = true;
    let mut number = true;
    // Typed values by row, `NaN` for null; allocated at the first value that needs them.
    // Plain loops over row indices and slots written in place, rather than iterator adapters
    // and `Vec::push`: the shipped WASM build (opt-level z) inlines neither.
    let mut numbers: Vec<f64> = Vec::new();
    let mut dates: Option<Vec<f64>> = None;
    for row in 0..rows {
        let Some(s) = column.get(row) else { continue };
        if boolean {
            boolean = s == "true" || s == "false";
        }
        // `""` passes vega-loader's number test (`+"" === 0`) but converts to null.
        if number && !s.is_empty() {
            let x = js_number(s);
            if x.is_nan() {
                number = false;
            } else {
                if numbers.is_empty() {
                    numbers = vec![f64::NAN; rows];
                }
                if let Some(slot) = numbers.get_mut(row) {
                    *slot = x;
                }
            }
        }
        if boolean || number {
            continue;
        }
        match dates.as_mut() {
            Some(d) => match (parse_date(s), d.get_mut(row)) {
                (Some(t), Some(slot)) => *slot = t,
                (Some(_), None) => {}
                (None, _) => return strings(column),
            },
            None => {
                let mut d = vec![f64::NAN; rows];
                for (earlier, slot) in d.iter_mut().enumerate().take(row + 1) {
                    if let Some(s) = column.get(earlier) {
                        match parse_date(s) {
                            Some(t) => *slot = t,
                            None => return strings(column),
                        }
                    }
                }
                dates = Some(d);
            }
        }
    }
    if boolean {
        let mut values = Vec::with_capacity(rows);
        let mut valid = Bitmap::new();
        for value in column.iter() {
            values.push(value == Some("true"));
            valid.push(value.is_some());
        }
        return Column::Bool { values, valid };
    }
    match (number, dates) {
        (true, _) => {
            if numbers.is_empty() {
                numbers = vec![f64::NAN; rows];
            }
            Column::Number(number_column(numbers))
        }
        (false, Some(d)) => Column::Number(number_column(d)),
        (false, None) => strings(column),
    }
}

/// A number column whose invalid rows are the `NaN`s of `values`.
pub(crate) fn number_column(values: Vec<f64>) -> NumberColumn {
    let mut valid = Bitmap::filled(values.len(), true);
    for (i, v) in values.iter().enumerate() {
        if v.is_nan() {
            valid.set(i, false);
        }
    }
    NumberColumn { values, valid }
}

/// [`to_string`] of a raw column: null and `""` are null.
fn strings(column: &TextColumn) -> Column {
    let mut dict = DictBuilder::with_capacity(column.len());
    for row in 0..column.len() {
        match column.get(row) {
            Some(s) if !s.is_empty() => dict.push(s),
            _ => dict.push_null(),
        }
    }
    Column::Str(dict.finish())
}

#[cfg(test)]
#[path = "infer_tests.rs"]
mod tests;
