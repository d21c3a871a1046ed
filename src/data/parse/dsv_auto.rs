//! Delimited text typed as it is read: [`parse_dsv_report`](super::parse_dsv_report) followed
//! by `format.parse: "auto"` ([`apply_auto_parse`](crate::data::parse::apply_auto_parse)),
//! in one pass and without the raw text columns in between.
//!
//! Stage: data. The two-step path copies the input into a shared text buffer, writes a `u64`
//! span per cell, then reads every span back to type its column: about 2.7 bytes of fresh
//! memory per input byte before the typed columns, and a quarter of the parse's time in page
//! faults. Here each cell goes from the tokenizer straight into its column's typed storage:
//! the column's type is speculated from its first cell (the only type vega-loader's
//! `inferType` can still give it after that cell, see [`Auto`]), and each later cell is
//! converted on the spot. A column whose cell contradicts the speculation falls back: from
//! that row on it keeps raw spans, and after the pass one re-read of the input up to the
//! latest such row recovers the spans of its earlier rows, so the column is typed by the
//! two-step path's own code from the whole raw column. The result is therefore the two-step
//! path's, always (a property test holds them equal on random and real files); only the work
//! and memory differ. Errors are the tokenizer's, unchanged (same line and column).

use std::sync::Arc;

use super::{span, tokenize, Cells, DsvReport, Parser};
use crate::data::parse::date::parse_date;
use crate::data::parse::dict::DictBuilder;
use crate::data::parse::infer::{auto_column, number_column};
use crate::data::parse::number::js_number;
use crate::data::{Bitmap, Column, Table, TextColumn};
use crate::error::Result;

/// One column being typed while it is read.
///
/// vega-loader's `inferType` rules out types cell by cell, and after the first cell at most
/// one typed candidate is left: `"true"`/`"false"` is boolean and nothing else; any number
/// (or `""`, which passes the number test as `+"" === 0`) is not boolean; text that is
/// neither can only still be a date; a non-date is a string, for good. Later cells can only
/// rule that candidate out, which is when the column falls back to [`Auto::Text`].
enum Auto {
    /// No cell read yet.
    Start,
    /// Every cell so far is `"true"` or `"false"`.
    Bool(Vec<bool>),
    /// Every cell so far is a number or `""` (`NaN`, null, here), as `js_number` reads it.
    Num(Vec<f64>),
    /// Every cell so far is a date `parse_date` accepts: its epoch milliseconds.
    Date(Vec<f64>),
    /// A string column (final: no cell can change the type any more).
    Str(DictBuilder),
    /// Fell back at row `from`: the raw spans of rows `from..` (rows `..from` are recovered
    /// by a second read of the input).
    Text { from: usize, spans: Vec<u64> },
}

impl Auto {
    /// The column's state after its first cell `s`.
    #[cold]
    fn first(s: &str) -> Self {
        if s == "true" || s == "false" {
            return Auto::Bool(vec![s == "true"]);
        }
        if s.is_empty() {
            return Auto::Num(vec![f64::NAN]);
        }
        let x = js_number(s);
        if !x.is_nan() {
            return Auto::Num(vec![x]);
        }
        if let Some(t) = parse_date(s) {
            return Auto::Date(vec![t]);
        }
        let mut dict = DictBuilder::with_capacity(0);
        dict.push(s);
        Auto::Str(dict)
    }

    /// Makes room for `more` further rows.
    fn reserve(&mut self, more: usize) {
        match self {
            Auto::Start => {}
            Auto::Bool(v) => v.reserve_exact(more),
            Auto::Num(v) | Auto::Date(v) => v.reserve_exact(more),
            Auto::Str(d) => d.reserve(more),
            Auto::Text { spans, .. } => spans.reserve_exact(more),
        }
    }
}

/// The typed columns of a parse in progress.
struct AutoColumns {
    cols: Vec<Auto>,
}

/// The raw span of `field` (offsets fit: the input is below 4 GiB, checked up front).
#[inline(always)]
fn raw_span((start, stop): (usize, usize)) -> u64 {
    #[allow(clippy::cast_possible_truncation)]
    span(start as u32, stop as u32)
}

/// The column's state after it fell back at row `rows` on the cell `field`.
#[cold]
#[inline(never)]
fn fall_back(rows: usize, field: (usize, usize)) -> Auto {
    Auto::Text {
        from: rows,
        spans: vec![raw_span(field)],
    }
}

impl Cells for AutoColumns {
    #[inline(always)]
    fn cell(&mut self, slot: usize, field: (usize, usize), parser: &Parser<'_>) {
        let Some(col) = self.cols.get_mut(slot) else {
            return;
        };
        match col {
            Auto::Num(v) => {
                let s = parser.field_text(field);
                if s.is_empty() {
                    v.push(f64::NAN);
                } else {
                    let x = js_number(s);
                    if x.is_nan() {
                        *col = fall_back(v.len(), field);
                    } else {
                        v.push(x);
                    }
                }
            }
            Auto::Str(d) => {
                let s = parser.field_text(field);
                if s.is_empty() {
                    d.push_null();
                } else {
                    d.push(s);
                }
            }
            Auto::Date(v) => match parse_date(parser.field_text(field)) {
                Some(t) => v.push(t),
                None => *col = fall_back(v.len(), field),
            },
            Auto::Bool(v) => match parser.field_text(field) {
                "true" => v.push(true),
                "false" => v.push(false),
                _ => *col = fall_back(v.len(), field),
            },
            Auto::Text { spans, .. } => spans.push(raw_span(field)),
            Auto::Start => *col = Auto::first(parser.field_text(field)),
        }
    }

    fn reserve(&mut self, more: usize) {
        for c in &mut self.cols {
            c.reserve(more);
        }
    }
}

/// The spans of the first `limit` rows of the columns that fell back (`None` elsewhere): the
/// second read of the input.
struct Prefixes {
    cols: Vec<Option<(usize, Vec<u64>)>>,
}

impl Cells for Prefixes {
    #[inline(always)]
    fn cell(&mut self, slot: usize, field: (usize, usize), _: &Parser<'_>) {
        if let Some(Some((limit, spans))) = self.cols.get_mut(slot) {
            if spans.len() < *limit {
                spans.push(raw_span(field));
            }
        }
    }

    fn reserve(&mut self, _: usize) {}
}

/// [`parse_dsv_report`](super::parse_dsv_report) and then `format.parse: "auto"`
/// ([`apply_auto_parse`](crate::data::parse::apply_auto_parse)) on the table, with the same
/// result (table and report) and the same errors, in one pass (see the module docs).
///
/// ```
/// use storychart::data::parse::{apply_auto_parse, parse_dsv_auto_report, parse_dsv_report};
/// let text = "n,b,d,s\n1.5,true,2020-01-01,x\n2,false,2020-02-01,\n";
/// let (fused, report) = parse_dsv_auto_report(text, Some(b','), "t.csv").unwrap();
/// let (mut two_step, _) = parse_dsv_report(text, Some(b','), "t.csv").unwrap();
/// apply_auto_parse(&mut two_step).unwrap();
/// assert_eq!(fused, two_step);
/// assert_eq!(report.rows, 2);
/// assert_eq!(fused.column("s").unwrap().value(1).to_label(), "null");
/// ```
pub fn parse_dsv_auto_report(
    text: &str,
    delimiter: Option<u8>,
    source: &str,
) -> Result<(Table, DsvReport)> {
    let tokens = tokenize(text, delimiter, source, usize::MAX, |width| AutoColumns {
        cols: (0..width).map(|_| Auto::Start).collect(),
    })?;
    let rows = tokens.report.rows;
    let mut table = Table::with_rows(rows);
    if rows == 0 {
        // `apply_auto_parse` leaves a table without rows as it is: raw text columns.
        let empty: Arc<str> = Arc::from("");
        for name in &tokens.names {
            let col = TextColumn::from_spans(empty.clone(), Vec::new());
            table.push_column(name, Column::Text(col))?;
        }
        return Ok((table, tokens.report));
    }
    // A column still at `Start` read no cell (not possible with rows): typed from its spans.
    let mut cols = tokens.columns.cols;
    for c in &mut cols {
        if matches!(c, Auto::Start) {
            *c = Auto::Text {
                from: 0,
                spans: Vec::new(),
            };
        }
    }
    let mut prefixes: Vec<Option<(usize, Vec<u64>)>> = cols
        .iter()
        .map(|c| match c {
            Auto::Text { from, .. } => Some((*from, Vec::with_capacity(*from))),
            _ => None,
        })
        .collect();
    let reread = prefixes.iter().flatten().map(|(from, _)| *from).max();
    if let Some(limit) = reread.filter(|l| *l > 0) {
        // The same tokenizer on the same text gives the same spans; its own output buffer
        // is not needed (the first read's covers every row).
        let delimiter = Some(tokens.report.delimiter);
        prefixes = tokenize(text, delimiter, source, limit, |_| Prefixes {
            cols: prefixes,
        })?
        .columns
        .cols;
    }
    let buffer = reread.map(|_| tokens.parser.finish());
    for ((name, col), prefix) in tokens.names.iter().zip(cols).zip(prefixes) {
        let column = match col {
            Auto::Bool(values) => {
                let valid = Bitmap::filled(values.len(), true);
                Column::Bool { values, valid }
            }
            Auto::Num(v) | Auto::Date(v) => Column::Number(number_column(v)),
            Auto::Str(d) => Column::Str(d.finish()),
            Auto::Text { spans: rest, .. } => {
                let mut spans = prefix.map(|(_, p)| p).unwrap_or_default();
                spans.extend_from_slice(&rest);
                let buffer = buffer.clone().unwrap_or_else(|| Arc::from(""));
                auto_column(&TextColumn::from_spans(buffer, spans))
            }
            // Replaced by `Text` above.
            Auto::Start => Column::Text(TextColumn::new()),
        };
        table.push_column(name, column)?;
    }
    Ok((table, tokens.report))
}

#[cfg(test)]
#[path = "dsv_auto_tests.rs"]
mod tests;
