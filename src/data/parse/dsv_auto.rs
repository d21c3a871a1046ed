//! Delimited text typed as it is read: [`parse_dsv_report`](super::parse_dsv_report) followed
//! by `format.parse: "auto"` ([`apply_auto_parse`](crate::data::parse::apply_auto_parse)),
//! in one pass and without the raw text columns in between.
//!
//! Stage: data. Natively (in WASM the two-step path is used, see [`parse_dsv_auto_report`]).
//! The two-step path copies the input into a shared text buffer, writes a `u64`
//! span per cell, then reads every span back to type its column: more fresh memory than
//! the input before the typed columns, and much of the parse's time in page faults. Here rows are tokenized a chunk at a time (a few thousand rows, whose spans stay in
//! cache), and each column's cells in the chunk go straight into its typed storage: the
//! column's type is speculated from its first cell (the only type vega-loader's
//! `inferType` can still give it after that cell, see [`Auto`]), and each later cell is
//! converted on the spot. A column whose cell contradicts the speculation falls back: from
//! that row on it keeps raw spans, and after the pass one re-read of the input up to the
//! latest such row recovers the spans of its earlier rows, so the column is typed by the
//! two-step path's own code from the whole raw column. The result is therefore the two-step
//! path's, always (a property test holds them equal on random and real files); only the work
//! and memory differ. Errors are the tokenizer's, unchanged (same line and column).

#![cfg_attr(target_arch = "wasm32", allow(dead_code, unused_imports))]

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

    /// Types the next rows' cells, the spans `chunk` of `parser`'s output buffer: one tight
    /// loop per column and type (the cells of a chunk are few enough to stay in cache).
    fn extend(&mut self, chunk: &[u64], parser: &Parser<'_>) {
        let text = |sp: u64| parser.field_text(unspan(sp));
        // Where a cell contradicts the column's type: `(row of the column, index in chunk)`.
        let stop = match self {
            Auto::Start => match chunk.first() {
                Some(&sp) => {
                    *self = Auto::first(text(sp));
                    return self.extend(chunk.get(1..).unwrap_or_default(), parser);
                }
                None => return,
            },
            Auto::Num(v) => typed_cells(v, chunk, text, |s| {
                if s.is_empty() {
                    return Some(f64::NAN);
                }
                let x = js_number(s);
                (!x.is_nan()).then_some(x)
            }),
            Auto::Str(d) => {
                for i in 0..chunk.len() {
                    match chunk.get(i).map_or("", |sp| text(*sp)) {
                        "" => d.push_null(),
                        s => d.push(s),
                    }
                }
                None
            }
            Auto::Date(v) => typed_cells(v, chunk, text, parse_date),
            Auto::Bool(v) => {
                let base = v.len();
                let mut stop = None;
                for i in 0..chunk.len() {
                    match chunk.get(i).map_or("", |sp| text(*sp)) {
                        "true" => v.push(true),
                        "false" => v.push(false),
                        _ => {
                            stop = Some(i);
                            break;
                        }
                    }
                }
                stop.map(|i| (base + i, i))
            }
            Auto::Text { spans, .. } => {
                spans.extend_from_slice(chunk);
                None
            }
        };
        if let Some((from, i)) = stop {
            *self = fall_back(from, chunk.get(i..).unwrap_or_default());
        }
    }
}

/// Types a chunk's cells (`chunk`, read by `text`) into `v` by `convert`: `Some` the cell's
/// value, `None` where the cell contradicts the column's type. Returns where the first such
/// cell is (`(row of the column, index in chunk)`), as [`Auto::extend`] wants it.
#[inline(always)]
fn typed_cells<'t>(
    v: &mut Vec<f64>,
    chunk: &[u64],
    text: impl Fn(u64) -> &'t str,
    convert: impl Fn(&str) -> Option<f64>,
) -> Option<(usize, usize)> {
    let base = v.len();
    v.resize(base + chunk.len(), f64::NAN);
    let slots = v.get_mut(base..).unwrap_or_default();
    for i in 0..chunk.len() {
        let s = chunk.get(i).map_or("", |sp| text(*sp));
        let Some(x) = convert(s) else {
            return Some((base + i, i));
        };
        if let Some(slot) = slots.get_mut(i) {
            *slot = x;
        }
    }
    None
}

/// The span of a cell as the tokenizer gives it.
#[inline(always)]
fn unspan(sp: u64) -> (usize, usize) {
    // The halves are `u32`s, which fit a `usize` on every target storychart builds for.
    #[allow(clippy::cast_possible_truncation)]
    ((sp as u32) as usize, (sp >> 32) as usize)
}

/// Rows tokenized before their cells are typed: few enough that a chunk's spans stay in
/// cache, many enough that the per-chunk work is nothing.
const CHUNK: usize = 4096;

/// The spans of one chunk of rows, one list per output column.
struct Chunk {
    cols: Vec<Vec<u64>>,
}

/// The raw span of `field` (offsets fit: the input is below 4 GiB, checked up front).
#[inline(always)]
fn raw_span((start, stop): (usize, usize)) -> u64 {
    #[allow(clippy::cast_possible_truncation)]
    span(start as u32, stop as u32)
}

/// The state of a column that fell back at row `from` on the first cell of `rest`, the
/// spans of its rows from there to the end of the chunk.
#[cold]
#[inline(never)]
fn fall_back(from: usize, rest: &[u64]) -> Auto {
    Auto::Text {
        from,
        spans: rest.to_vec(),
    }
}

impl Cells for Chunk {
    #[inline(always)]
    fn cell(&mut self, slot: usize, field: (usize, usize), _: &Parser<'_>) {
        if let Some(col) = self.cols.get_mut(slot) {
            col.push(raw_span(field));
        }
    }

    fn reserve(&mut self, _: usize) {}
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
    #[cfg(not(target_arch = "wasm32"))]
    return one_pass(text, delimiter, source);
    #[cfg(target_arch = "wasm32")]
    return two_step(text, delimiter, source);
}

/// The two-step path, in WASM: it timed a little faster there (opt-level z in Chromium,
/// where memory freed by the last parse is reused rather than faulted in afresh, so the
/// one-pass path's saving is small and its per-chunk work shows).
#[cfg(target_arch = "wasm32")]
fn two_step(text: &str, delimiter: Option<u8>, source: &str) -> Result<(Table, DsvReport)> {
    let (mut table, report) = super::parse_dsv_report(text, delimiter, source)?;
    crate::data::parse::apply_auto_parse(&mut table)?;
    Ok((table, report))
}

/// The one-pass typed parse (see the module docs).
fn one_pass(text: &str, delimiter: Option<u8>, source: &str) -> Result<(Table, DsvReport)> {
    let mut tokens = tokenize(text, delimiter, source, CHUNK, |width| Chunk {
        cols: (0..width).map(|_| Vec::with_capacity(CHUNK)).collect(),
    })?;
    let mut cols: Vec<Auto> = tokens.names.iter().map(|_| Auto::Start).collect();
    let mut reserved = false;
    loop {
        for (col, chunk) in cols.iter_mut().zip(tokens.columns.cols.iter_mut()) {
            col.extend(chunk, &tokens.parser);
            if !reserved {
                col.reserve(tokens.rows_estimate.saturating_sub(tokens.report.rows));
            }
            chunk.clear();
        }
        reserved = true;
        if tokens.parser.done {
            break;
        }
        let limit = tokens.report.rows.saturating_add(CHUNK);
        let (parser, slots, columns, report) = (
            &mut tokens.parser,
            &tokens.slots,
            &mut tokens.columns,
            &mut tokens.report,
        );
        parser.rows(slots, columns, report, limit)?;
    }
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
pub(crate) mod tests;
