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

use std::sync::Arc;

use super::dict::read8;
use crate::data::text::span;
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
/// `0x7f` in every byte of a word.
const LOW7: u64 = ONES * 0x7f;
/// Bytes per block of the scan bitmap (one bit per byte in a `u64`).
const BLOCK: usize = 64;

/// `0x80` in each byte of the result where `w`'s byte equals `pattern`'s, `0` elsewhere: exact
/// for every byte (no borrow runs from one byte into the next).
#[inline(always)]
fn equal_bytes(w: u64, pattern: u64) -> u64 {
    let t = w ^ pattern;
    !(((t & LOW7) + LOW7) | t) & (ONES << 7)
}

/// The high bits of `w`'s eight bytes, gathered into its low eight bits (byte `k` -> bit `k`):
/// one multiplication, whose partial products never overlap.
#[inline(always)]
fn gather_high_bits(w: u64) -> u64 {
    ((w >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

/// Bit `i` set where `block[i]` is `delimiter`, CR or LF (a full block of [`BLOCK`] bytes),
/// eight bytes at a time (SWAR). Where SIMD is available, [`block_bits`] is used instead
/// (tests hold the two equal).
#[cfg_attr(
    all(target_arch = "wasm32", target_feature = "simd128"),
    allow(dead_code)
)]
#[inline(always)]
fn block_bits_swar(block: &[u8], delimiter_word: u64) -> u64 {
    let mut bits = 0u64;
    for k in 0..BLOCK / 8 {
        let w = read8(block.get(k * 8..).unwrap_or_default());
        let hits =
            equal_bytes(w, delimiter_word) | equal_bytes(w, LF_WORD) | equal_bytes(w, CR_WORD);
        bits |= gather_high_bits(hits) << (k * 8);
    }
    bits
}

/// [`block_bits_swar`] with WASM's 128-bit SIMD: sixteen bytes per compare.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn block_bits(block: &[u8], delimiter: u8) -> u64 {
    use core::arch::wasm32::{i8x16_eq, u64x2, u8x16_bitmask, u8x16_splat, v128_or};
    let (d, lf, cr) = (u8x16_splat(delimiter), u8x16_splat(LF), u8x16_splat(CR));
    let mut bits = 0u64;
    for k in 0..BLOCK / 16 {
        let lo = read8(block.get(k * 16..).unwrap_or_default());
        let hi = read8(block.get(k * 16 + 8..).unwrap_or_default());
        let v = u64x2(lo, hi);
        let hits = v128_or(v128_or(i8x16_eq(v, d), i8x16_eq(v, lf)), i8x16_eq(v, cr));
        bits |= u64::from(u8x16_bitmask(hits)) << (k * 16);
    }
    bits
}

/// The portable [`block_bits_swar`] elsewhere (natively too: `std::arch`'s x86 intrinsics
/// need `unsafe` to call, which the crate forbids).
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
fn block_bits(block: &[u8], delimiter: u8) -> u64 {
    block_bits_swar(block, ONES * u64::from(delimiter))
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
    let tokens = tokenize(text, delimiter, source, usize::MAX, |width| {
        (0..width).map(|_| Vec::new()).collect::<Vec<Vec<u64>>>()
    })?;
    let buffer = tokens.parser.finish();
    let mut table = Table::with_rows(tokens.report.rows);
    for (name, spans) in tokens.names.iter().zip(tokens.columns) {
        table.push_column(
            name,
            Column::Text(TextColumn::from_spans(buffer.clone(), spans)),
        )?;
    }
    Ok((table, tokens.report))
}

/// Where the tokenizer puts each data cell: one cell per row and output column, in row
/// order.
trait Cells {
    /// The cell of output column `slot` in the next row: the span `field` of `parser`'s
    /// output buffer (`(0, 0)`, the empty string, for a field missing from a short row).
    fn cell(&mut self, slot: usize, field: (usize, usize), parser: &Parser<'_>);
    /// Makes room for about `more` further rows.
    fn reserve(&mut self, more: usize);
}

/// Span lists, one per output column (see [`span`]).
impl Cells for Vec<Vec<u64>> {
    #[inline(always)]
    fn cell(&mut self, slot: usize, (start, stop): (usize, usize), _: &Parser<'_>) {
        if let Some(col) = self.get_mut(slot) {
            // Offsets fit: the input is below 4 GiB (checked up front).
            #[allow(clippy::cast_possible_truncation)]
            col.push(span(start as u32, stop as u32));
        }
    }

    fn reserve(&mut self, more: usize) {
        for c in self.iter_mut() {
            c.reserve_exact(more);
        }
    }
}

/// A tokenized text: the header's distinct names, the cells of the data rows (up to a
/// limit) in the sink, and the parser (for its output buffer).
struct Tokens<'a, C> {
    parser: Parser<'a>,
    names: Vec<String>,
    slots: Vec<Option<usize>>,
    columns: C,
    report: DsvReport,
    /// About how many rows the whole text has (from the rate of the first rows read).
    rows_estimate: usize,
}

/// Tokenizes `text` (BOM dropped, delimiter checked or sniffed) into the sink `make(width)`
/// builds for the header's distinct names, reading at most `limit` data rows.
fn tokenize<'a, C: Cells>(
    text: &'a str,
    delimiter: Option<u8>,
    source: &'a str,
    limit: usize,
    make: impl FnOnce(usize) -> C,
) -> Result<Tokens<'a, C>> {
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
    // Empty input (no header) is a table of no rows and no columns: `parser` is done.
    let header = parser.header()?.unwrap_or_default();
    let (names, slots) = assign_slots(&header, &mut report);
    let mut columns = make(names.len());
    let data_start = parser.pos;
    parser.rows(&slots, &mut columns, &mut report, SAMPLE_ROWS.min(limit))?;
    let mut rows_estimate = report.rows;
    if !parser.done {
        let more = estimate(report.rows, parser.pos - data_start, parser.n - parser.pos);
        rows_estimate = rows_estimate.saturating_add(more);
        if report.rows < limit {
            columns.reserve(more.min(limit - report.rows));
            parser.rows(&slots, &mut columns, &mut report, limit)?;
        }
    }
    Ok(Tokens {
        parser,
        names,
        slots,
        columns,
        report,
        rows_estimate,
    })
}

/// Rows parsed before the columns' sizes are estimated (see [`estimate`]).
const SAMPLE_ROWS: usize = 1024;

/// How many more rows to make room for: `rows` rows came from `consumed` bytes of data,
/// `remaining` bytes are left. Growing the span vectors by doubling would copy them about
/// once more and touch twice the memory; an estimate 5% over the sample's rate avoids that
/// for regular files (a wrong guess only costs the doubling it saves).
fn estimate(rows: usize, consumed: usize, remaining: usize) -> usize {
    let consumed = consumed.max(1);
    // Integer arithmetic: `rows * remaining / consumed` in u128 cannot overflow.
    let more = (rows as u128 * remaining as u128 / consumed as u128) * 21 / 20;
    usize::try_from(more).unwrap_or(0).saturating_add(16)
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
///
/// Fields come out as byte spans of the *output buffer*, which is the input itself except
/// where a field needed unescaping (doubled quotes, text after a closing quote): such a field's
/// text is written over its own raw bytes there (it is never longer), the rest of them padded
/// with spaces no span covers, so every span keeps its input offsets. The output buffer is
/// only built (lazily, up to the last rewritten field) when some field needs it.
struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    /// Parse limit: the text length less one trailing line ending.
    n: usize,
    pos: usize,
    done: bool,
    special: [bool; 256],
    delimiter: u8,
    /// The block of the scan bitmap last computed: its start and bits (see [`Self::bits_at`]).
    block_start: usize,
    block_bits: u64,
    source: &'a str,
    /// Reused buffer for fields that need unescaping.
    scratch: String,
    /// The output buffer so far, when some field was rewritten: `text[..copied]` with the
    /// rewritten fields.
    out: Option<String>,
    copied: usize,
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
            delimiter,
            block_start: usize::MAX,
            block_bits: 0,
            source,
            scratch: String::new(),
            out: None,
            copied: 0,
            stray: 0,
        }
    }

    /// The output buffer every span points into (see [`Parser`]).
    fn finish(self) -> Arc<str> {
        match self.out {
            None => Arc::from(self.text),
            Some(mut out) => {
                out.push_str(self.text.get(self.copied..).unwrap_or_default());
                Arc::from(out)
            }
        }
    }

    /// The text of a field span just read.
    #[inline(always)]
    fn field_text(&self, (start, end): (usize, usize)) -> &str {
        match &self.out {
            Some(out) if out.len() >= end => out.get(start..end),
            _ => self.text.get(start..end),
        }
        .unwrap_or_default()
    }

    /// The header row's fields, or `None` for empty input.
    fn header(&mut self) -> Result<Option<Vec<String>>> {
        if self.done {
            return Ok(None);
        }
        let mut names = Vec::new();
        loop {
            let (field, end) = self.field()?;
            names.push(self.field_text(field).to_string());
            if end != End::Delimiter {
                return Ok(Some(names));
            }
        }
    }

    /// Reads every data row (up to `limit` rows in all) into `columns` (one cell per row
    /// and output column) through `slots`.
    fn rows<C: Cells>(
        &mut self,
        slots: &[Option<usize>],
        columns: &mut C,
        report: &mut DsvReport,
        limit: usize,
    ) -> Result<()> {
        let width = slots.len();
        while !self.done && report.rows < limit {
            let mut j = 0usize;
            let mut irregular = false;
            loop {
                let before = self.stray;
                let ((start, stop), end) = self.field()?;
                match slots.get(j) {
                    Some(Some(slot)) => columns.cell(*slot, (start, stop), self),
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
                    columns.cell(*slot, (0, 0), self);
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

    /// Reads one field starting at `pos` and the separator after it: the field's span in
    /// the output buffer.
    #[inline(always)]
    fn field(&mut self) -> Result<((usize, usize), End)> {
        if self.bytes.get(self.pos) == Some(&QUOTE) && self.pos < self.n {
            return self.quoted_field();
        }
        let start = self.pos;
        let stop = self.scan_unquoted(start);
        let end = self.separator(stop);
        Ok(((start, stop), end))
    }

    /// The scan bitmap of the [`BLOCK`] bytes from `start` (a multiple of [`BLOCK`]): bit `i`
    /// set where byte `start + i`, below `n`, is the delimiter, CR or LF. Computed once per
    /// block (fields are read forwards, so that is once per block of the input).
    #[inline(always)]
    fn bits_at(&mut self, start: usize) -> u64 {
        if start != self.block_start {
            self.block_start = start;
            self.block_bits = match self.bytes.get(start..self.n) {
                Some(rest) if rest.len() >= BLOCK => block_bits(rest, self.delimiter),
                Some(rest) => {
                    let mut bits = 0u64;
                    for (i, b) in rest.iter().enumerate() {
                        if self.special.get(usize::from(*b)).copied().unwrap_or(false) {
                            bits |= 1 << i;
                        }
                    }
                    bits
                }
                None => 0,
            };
        }
        self.block_bits
    }

    /// The end of an unquoted run starting at `from`: the next delimiter, CR or LF, or `n`.
    /// A lookup in the scan bitmap ([`Self::bits_at`], built 8 or 16 bytes per step):
    /// no branch per byte, and one per field that mostly goes the same way.
    #[inline(always)]
    fn scan_unquoted(&mut self, from: usize) -> usize {
        let mut start = from & !(BLOCK - 1);
        let mut bits = self.bits_at(start) & (u64::MAX << (from - start));
        loop {
            if bits != 0 {
                return start + bits.trailing_zeros() as usize;
            }
            start += BLOCK;
            if start >= self.n {
                return self.n;
            }
            bits = self.bits_at(start);
        }
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
    fn quoted_field(&mut self) -> Result<((usize, usize), End)> {
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
            return Ok(((body, close), end));
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
        // Rewrite the field over its raw bytes `open..stop` in the output buffer.
        let out = self.out.get_or_insert_with(String::new);
        out.push_str(self.text.get(self.copied..open).unwrap_or_default());
        out.push_str(&self.scratch);
        let raw = stop - open;
        for _ in self.scratch.len()..raw {
            out.push(' ');
        }
        self.copied = stop;
        let end = self.separator(stop);
        Ok(((open, open + self.scratch.len().min(raw)), end))
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

#[path = "dsv_auto.rs"]
pub(crate) mod auto;
pub use auto::parse_dsv_auto_report;

#[cfg(test)]
#[path = "dsv_tests.rs"]
pub(crate) mod tests;
