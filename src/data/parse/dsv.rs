//! Delimited text (CSV, TSV, any single-byte delimiter) -> a table of raw text columns.
//!
//! Stage: data. Parses RFC 4180 text the way d3-dsv's `dsvFormat(delimiter).parse` does (Vega
//! reads `csv`, `tsv` and `dsv` data with it), in one streaming pass over the bytes, writing
//! each field straight into its column's text arena (never a `String` per cell). The result
//! is a [`Table`] of [`Column::Text`] columns named by the header row; typing them is
//! [`super::infer`]'s job.
//!
//! What it guarantees, case by case (d3-dsv's behaviour unless noted):
//!
//! - Quoted fields may hold delimiters, line breaks and doubled quotes (`""` is one `"`). A
//!   quote only opens a quoted field at the start of a field; elsewhere it is plain text.
//! - Line endings are CRLF, LF or a lone CR. One trailing line ending is dropped; a further
//!   blank line at the end is a row of empty fields, as in d3.
//! - A UTF-8 byte order mark at the start is dropped (browsers drop it when decoding too).
//! - Empty input is a table of no rows and no columns.
//! - A short row's missing fields are empty strings, exactly as d3-dsv's `d[i] || ""` gives
//!   them (not nulls: Vega's type inference sees `""` there). [`DsvReport::short_rows`]
//!   counts such rows.
//! - A long row's extra fields are dropped, as d3 drops them; [`DsvReport::dropped_fields`]
//!   counts them.
//! - Duplicate header names: d3 builds each row as an object literal, so the *last* column of
//!   a name wins, at the position of the *first*. Same here; the shadowed columns are listed
//!   in [`DsvReport::duplicate_headers`]. A header `__proto__` sets the object's prototype in
//!   JavaScript, so Vega never sees that column; it is dropped here too.
//! - Empty header names are kept as columns named `""`.
//! - An unterminated quote is an error naming `source line L, column C` of the opening quote
//!   (d3 would swallow the rest of the file into one field).
//! - Text right after a closing quote (`"ab"cd,`) is *recovered* by appending it to the field
//!   (`abcd`), as most CSV readers do; d3 would silently eat one character and shift the rest
//!   of the row. [`DsvReport::text_after_quote`] counts these.
//! - Linear time: every byte is visited a bounded number of times.

use super::dict::read8;
use crate::data::{Column, Table, TextColumn};
use crate::error::{Error, Result};

const QUOTE: u8 = b'"';
const LF: u8 = b'\n';
const CR: u8 = b'\r';
const BOM: &str = "\u{feff}";
/// `0x01` in every byte of a word.
const ONES: u64 = 0x0101_0101_0101_0101;
const LF_WORD: u64 = ONES * LF as u64;
const CR_WORD: u64 = ONES * CR as u64;

/// The high bit of each byte of the result is set where `w`'s byte is zero, exactly for the
/// lowest such byte (bytes above it may be flagged falsely, which a scan for the first hit
/// never looks at).
#[inline(always)]
fn zero_bytes(w: u64) -> u64 {
    w.wrapping_sub(ONES) & !w & (ONES << 7)
}

/// What parsing found besides the table: the delimiter used and the ragged rows repaired.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DsvReport {
    /// The delimiter used (given, or sniffed from the header line).
    pub delimiter: u8,
    /// Number of data rows (the header row not counted).
    pub rows: usize,
    /// Rows with fewer fields than the header (missing fields read as `""`).
    pub short_rows: usize,
    /// Rows with more fields than the header.
    pub long_rows: usize,
    /// Fields dropped from long rows, in total.
    pub dropped_fields: usize,
    /// Quoted fields followed by more text before the delimiter (recovered by appending it).
    pub text_after_quote: usize,
    /// The 0-based index of the first data row that was short, long or had text after a quote.
    pub first_irregular_row: Option<usize>,
    /// Header names that occur more than once (the last such column is kept).
    pub duplicate_headers: Vec<String>,
}

impl DsvReport {
    /// How many rows or fields were repaired; 0 for regular input.
    pub fn warnings(&self) -> usize {
        self.short_rows + self.long_rows + self.text_after_quote + self.duplicate_headers.len()
    }
}

/// Parses delimited text into a table of [`Column::Text`] columns named by the header row.
/// `delimiter` `None` sniffs it from the header line (see [`sniff_delimiter`]). `source`
/// names the text in errors.
///
/// ```
/// use storychart::data::parse::parse_dsv;
/// let t = parse_dsv("name,note\nA,\"x, \"\"y\"\"\"\r\nB,z\n", Some(b','), "inline.csv").unwrap();
/// assert_eq!(t.names(), vec!["name", "note"]);
/// assert_eq!(t.num_rows(), 2);
/// assert_eq!(t.column("note").unwrap().value(0).to_label(), "x, \"y\"");
/// ```
pub fn parse_dsv(text: &str, delimiter: Option<u8>, source: &str) -> Result<Table> {
    parse_dsv_report(text, delimiter, source).map(|(table, _)| table)
}

/// [`parse_dsv`] for bytes: reports invalid UTF-8 as `source line L, column C`.
///
/// ```
/// use storychart::data::parse::parse_dsv_bytes;
/// let e = parse_dsv_bytes(b"a,b\n1,\xff\n", None, "x.csv").unwrap_err();
/// assert_eq!(e.place(), "x.csv line 2, column 3");
/// ```
pub fn parse_dsv_bytes(bytes: &[u8], delimiter: Option<u8>, source: &str) -> Result<Table> {
    match std::str::from_utf8(bytes) {
        Ok(text) => parse_dsv(text, delimiter, source),
        Err(e) => {
            let valid = bytes.get(..e.valid_up_to()).unwrap_or_default();
            let text = std::str::from_utf8(valid).unwrap_or_default();
            let (line, column) = line_column(text, text.len());
            Err(Error::dsv_invalid_utf8(source, line, column))
        }
    }
}

/// [`parse_dsv`], also returning what was repaired on the way.
pub fn parse_dsv_report(
    text: &str,
    delimiter: Option<u8>,
    source: &str,
) -> Result<(Table, DsvReport)> {
    let text = text.strip_prefix(BOM).unwrap_or(text);
    if u32::try_from(text.len()).is_err() {
        return Err(Error::dsv_too_large(source, text.len()));
    }
    let delimiter = match delimiter {
        Some(d) if d.is_ascii() && !matches!(d, QUOTE | LF | CR) => d,
        Some(d) => {
            return Err(Error::dsv_bad_delimiter(
                "data.format.delimiter",
                &char::from(d).to_string(),
            ))
        }
        None => sniff_delimiter(text),
    };
    let mut parser = Parser::new(text, delimiter, source);
    let mut report = DsvReport {
        delimiter,
        ..DsvReport::default()
    };
    let Some(header) = parser.header()? else {
        return Ok((Table::with_rows(0), report));
    };
    let (names, slots) = assign_slots(&header, &mut report);
    let mut columns: Vec<TextColumn> = names.iter().map(|_| TextColumn::new()).collect();
    let data_start = parser.pos;
    parser.rows(&slots, &mut columns, &mut report, SAMPLE_ROWS)?;
    if !parser.done {
        columns = presized(columns, parser.pos - data_start, parser.n - parser.pos);
        parser.rows(&slots, &mut columns, &mut report, usize::MAX)?;
    }
    let mut table = Table::with_rows(report.rows);
    for (name, column) in names.iter().zip(columns) {
        table.push_column(name, Column::Text(column))?;
    }
    Ok((table, report))
}

/// Rows parsed before the columns' sizes are estimated (see [`presized`]).
const SAMPLE_ROWS: usize = 1024;

/// The sampled `columns`, copied into columns with room for the whole input: `consumed`
/// bytes of data gave them their rows so far, `remaining` bytes are left. Growing a column
/// by doubling would copy its text about once more and touch twice the memory; an estimate
/// 5% over the sample's rate avoids that for regular files (a wrong guess only costs the
/// doubling it saves).
fn presized(columns: Vec<TextColumn>, consumed: usize, remaining: usize) -> Vec<TextColumn> {
    let consumed = consumed.max(1);
    // Integer arithmetic: `x * remaining / consumed` in u128 cannot overflow.
    let scale = |x: usize| -> usize {
        let more = (x as u128 * remaining as u128 / consumed as u128) * 21 / 20;
        x.saturating_add(usize::try_from(more).unwrap_or(0))
            .saturating_add(16)
    };
    columns
        .into_iter()
        .map(|sample| {
            let mut c = TextColumn::with_capacity(scale(sample.len()), scale(sample.text_bytes()));
            for v in sample.iter() {
                match v {
                    Some(s) => c.push(s),
                    None => c.push_null(),
                }
            }
            c
        })
        .collect()
}

/// Guesses the delimiter from the header line: whichever of `,` `;` tab `|` occurs most often
/// outside quotes (ties go to that order), `,` when none occurs.
///
/// ```
/// use storychart::data::parse::sniff_delimiter;
/// assert_eq!(sniff_delimiter("a;b;\"c,d\"\n1;2;3"), b';');
/// assert_eq!(sniff_delimiter("single"), b',');
/// ```
pub fn sniff_delimiter(text: &str) -> u8 {
    const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
    let mut counts = [0usize; 4];
    let mut quoted = false;
    for &b in text.as_bytes() {
        match b {
            QUOTE => quoted = !quoted,
            LF | CR if !quoted => break,
            _ if !quoted => {
                for (c, n) in CANDIDATES.iter().zip(counts.iter_mut()) {
                    if *c == b {
                        *n += 1;
                    }
                }
            }
            _ => {}
        }
    }
    let mut best = (b',', 0usize);
    for (c, n) in CANDIDATES.iter().zip(counts) {
        if n > best.1 {
            best = (*c, n);
        }
    }
    best.0
}

/// Maps each header field to the output column it fills (`None`: shadowed by a later column
/// of the same name, or `__proto__`), and lists the distinct names in first-seen order.
fn assign_slots(header: &[String], report: &mut DsvReport) -> (Vec<String>, Vec<Option<usize>>) {
    let mut names: Vec<String> = Vec::new();
    let mut slots = Vec::with_capacity(header.len());
    for (i, name) in header.iter().enumerate() {
        let later = header.iter().skip(i + 1).any(|n| n == name);
        let first = names.iter().position(|n| n == name);
        if first.is_none() && name != "__proto__" {
            names.push(name.clone());
        }
        if later {
            if !report.duplicate_headers.contains(name) {
                report.duplicate_headers.push(name.clone());
            }
            slots.push(None);
        } else if name == "__proto__" {
            slots.push(None);
        } else {
            slots.push(first.or(names.len().checked_sub(1)));
        }
    }
    (names, slots)
}

/// How a field ended.
#[derive(Clone, Copy, PartialEq, Eq)]
enum End {
    Delimiter,
    Line,
    Input,
}

/// The byte-level tokenizer: d3-dsv's `parseRows`, over UTF-8 bytes.
struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    /// Parse limit: the text length less one trailing line ending.
    n: usize,
    pos: usize,
    done: bool,
    special: [bool; 256],
    /// The delimiter in every byte of a word.
    delimiter_word: u64,
    source: &'a str,
    /// Reused buffer for fields that need unescaping.
    scratch: String,
    /// Quoted fields followed by stray text so far.
    stray: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str, delimiter: u8, source: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut n = bytes.len();
        let done = n == 0;
        if n > 0 && bytes.get(n - 1) == Some(&LF) {
            n -= 1;
        }
        if n > 0 && bytes.get(n - 1) == Some(&CR) {
            n -= 1;
        }
        let mut special = [false; 256];
        for b in [delimiter, LF, CR] {
            if let Some(s) = special.get_mut(usize::from(b)) {
                *s = true;
            }
        }
        Self {
            text,
            bytes,
            n,
            pos: 0,
            done,
            special,
            delimiter_word: ONES * u64::from(delimiter),
            source,
            scratch: String::new(),
            stray: 0,
        }
    }

    /// The header row's fields, or `None` for empty input.
    fn header(&mut self) -> Result<Option<Vec<String>>> {
        if self.done {
            return Ok(None);
        }
        let mut names = Vec::new();
        loop {
            let (field, end) = self.field()?;
            names.push(field.to_string());
            if end != End::Delimiter {
                return Ok(Some(names));
            }
        }
    }

    /// Reads every data row into `columns` through `slots`.
    fn rows(
        &mut self,
        slots: &[Option<usize>],
        columns: &mut [TextColumn],
        report: &mut DsvReport,
        limit: usize,
    ) -> Result<()> {
        let width = slots.len();
        while !self.done && report.rows < limit {
            let mut j = 0usize;
            let mut irregular = false;
            loop {
                let before = self.stray;
                let (field, end) = self.field()?;
                match slots.get(j) {
                    Some(Some(slot)) => {
                        if let Some(col) = columns.get_mut(*slot) {
                            col.push(field);
                        }
                    }
                    Some(None) => {}
                    None => report.dropped_fields += 1,
                }
                j += 1;
                if self.stray != before {
                    report.text_after_quote += 1;
                    irregular = true;
                }
                if end != End::Delimiter {
                    break;
                }
            }
            if j < width {
                report.short_rows += 1;
                irregular = true;
                for slot in slots.iter().skip(j).flatten() {
                    if let Some(col) = columns.get_mut(*slot) {
                        col.push("");
                    }
                }
            } else if j > width {
                report.long_rows += 1;
                irregular = true;
            }
            if irregular && report.first_irregular_row.is_none() {
                report.first_irregular_row = Some(report.rows);
            }
            report.rows += 1;
        }
        Ok(())
    }

    /// Reads one field starting at `pos` and the separator after it.
    #[inline(always)]
    fn field(&mut self) -> Result<(&str, End)> {
        if self.bytes.get(self.pos) == Some(&QUOTE) && self.pos < self.n {
            return self.quoted_field();
        }
        let start = self.pos;
        let stop = self.scan_unquoted(start);
        let end = self.separator(stop);
        Ok((self.text.get(start..stop).unwrap_or_default(), end))
    }

    /// The end of an unquoted run starting at `from`: the next delimiter, CR or LF, or `n`.
    /// Eight bytes at a time (SWAR: a word has a byte equal to `b` when `word ^ b*0x01..01`
    /// has a zero byte), then byte by byte for the tail.
    #[inline(always)]
    fn scan_unquoted(&self, from: usize) -> usize {
        let bytes = self.bytes.get(..self.n).unwrap_or_default();
        let mut i = from;
        while let Some(chunk) = bytes.get(i..i + 8) {
            let w = read8(chunk);
            let hits = zero_bytes(w ^ self.delimiter_word)
                | zero_bytes(w ^ LF_WORD)
                | zero_bytes(w ^ CR_WORD);
            if hits != 0 {
                return i + (hits.trailing_zeros() / 8) as usize;
            }
            i += 8;
        }
        let special = &self.special;
        let rest = bytes.get(i..).unwrap_or_default();
        let offset = rest
            .iter()
            .position(|b| special.get(usize::from(*b)).copied().unwrap_or(false));
        offset.map_or(self.n, |o| i + o)
    }

    /// Consumes the separator at `at` (delimiter, CR, LF, CRLF) or notes the end of input.
    #[inline(always)]
    fn separator(&mut self, at: usize) -> End {
        if at >= self.n {
            self.pos = self.n;
            self.done = true;
            return End::Input;
        }
        self.pos = at + 1;
        match self.bytes.get(at) {
            Some(&LF) => End::Line,
            Some(&CR) => {
                if self.bytes.get(self.pos) == Some(&LF) {
                    self.pos += 1;
                }
                End::Line
            }
            _ => End::Delimiter,
        }
    }

    /// A field opening with a quote at `pos`.
    #[inline(never)]
    fn quoted_field(&mut self) -> Result<(&str, End)> {
        let open = self.pos;
        let body = open + 1;
        let mut search = body;
        let mut doubled = false;
        let close = loop {
            let rest = self.bytes.get(search..self.n).unwrap_or_default();
            let Some(k) = rest.iter().position(|b| *b == QUOTE) else {
                let (line, column) = line_column(self.text, open);
                return Err(Error::dsv_unterminated_quote(self.source, line, column));
            };
            let q = search + k;
            if q + 1 < self.n && self.bytes.get(q + 1) == Some(&QUOTE) {
                doubled = true;
                search = q + 2;
            } else {
                break q;
            }
        };
        let inner = self.text.get(body..close).unwrap_or_default();
        let after = close + 1;
        let next = self.bytes.get(after).copied().unwrap_or(LF);
        let stray = after < self.n && !self.special.get(usize::from(next)).copied().unwrap_or(true);
        if !doubled && !stray {
            let end = self.separator(after);
            return Ok((inner, end));
        }
        self.scratch.clear();
        let mut pieces = inner.split("\"\"");
        if let Some(first) = pieces.next() {
            self.scratch.push_str(first);
        }
        for piece in pieces {
            self.scratch.push('"');
            self.scratch.push_str(piece);
        }
        let mut stop = after;
        if stray {
            self.stray += 1;
            stop = self.scan_unquoted(after);
            self.scratch
                .push_str(self.text.get(after..stop).unwrap_or_default());
        }
        let end = self.separator(stop);
        Ok((self.scratch.as_str(), end))
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`; CRLF, LF and CR
/// each end a line.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let mut line = 1;
    let mut line_start = 0;
    let bytes = before.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        let ends_line = *b == LF || (*b == CR && bytes.get(i + 1) != Some(&LF));
        if ends_line {
            line += 1;
            line_start = i + 1;
        }
    }
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
#[path = "dsv_tests.rs"]
pub(crate) mod tests;
