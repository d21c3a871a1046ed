//! Raw text columns: the strings of one delimited-text column, before typing.
//!
//! Stage: data. A [`TextColumn`] holds one `u64` span per row (start and end byte offsets)
//! into a text buffer, so parsing a file never allocates a `String` per cell nor copies a
//! cell: the delimited-text parser copies its input once into a shared buffer and every
//! column of the file points into it (cells that needed unescaping are rewritten in place
//! there, see `parse::dsv`). Columns built cell by cell with [`TextColumn::push`] own their
//! buffer. An empty field is a valid empty string (as d3-dsv gives `""`); an invalid row is a
//! null. Reads never panic: out-of-range rows are `None`.

use std::sync::Arc;

use super::bitmap::Bitmap;

/// The span of a null row: start past end, which no text slice accepts.
const NULL_SPAN: u64 = u32::MAX as u64;

/// The span of bytes `start..end` of a buffer (both at most `u32::MAX`).
#[inline(always)]
pub(crate) fn span(start: u32, end: u32) -> u64 {
    u64::from(start) | (u64::from(end) << 32)
}

/// Where a column's text lives.
#[derive(Clone)]
enum Buf {
    /// Built here, cell by cell.
    Owned(String),
    /// Shared with the other columns parsed from the same text.
    Shared(Arc<str>),
}

/// The strings of one column, as spans of one text buffer.
#[derive(Clone)]
pub struct TextColumn {
    buf: Buf,
    /// `start | end << 32` byte offsets into `buf` per row; [`NULL_SPAN`] for null.
    spans: Vec<u64>,
}

impl Default for TextColumn {
    fn default() -> Self {
        Self {
            buf: Buf::Owned(String::new()),
            spans: Vec::new(),
        }
    }
}

impl PartialEq for TextColumn {
    /// Equal rows (the buffers themselves may differ).
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl std::fmt::Debug for TextColumn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl TextColumn {
    /// An empty column.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty column with room for `rows` rows and `bytes` bytes of text.
    pub fn with_capacity(rows: usize, bytes: usize) -> Self {
        Self {
            buf: Buf::Owned(String::with_capacity(bytes)),
            spans: Vec::with_capacity(rows),
        }
    }

    /// A column whose row `i` is the bytes `spans[i]` (see [`span`]) of `text`, which other
    /// columns may share. A span that is not a slice of `text` on character boundaries reads
    /// as null.
    pub(crate) fn from_spans(text: Arc<str>, spans: Vec<u64>) -> Self {
        Self {
            buf: Buf::Shared(text),
            spans,
        }
    }

    /// Builds a column from optional strings (`None` is null).
    ///
    /// ```
    /// use storychart::data::TextColumn;
    /// let c = TextColumn::from_options([Some("a"), None, Some("")]);
    /// assert_eq!((c.get(0), c.get(1), c.get(2), c.len()), (Some("a"), None, Some(""), 3));
    /// ```
    pub fn from_options<'a>(values: impl IntoIterator<Item = Option<&'a str>>) -> Self {
        let mut col = Self::new();
        for v in values {
            match v {
                Some(s) => col.push(s),
                None => col.push_null(),
            }
        }
        col
    }

    /// The rows' text copied out of a shared buffer into an owned one (spans rewritten).
    fn unshare(&mut self, text: &str) -> String {
        let mut own = String::new();
        for s in self.spans.iter_mut() {
            *s = match text.get(cell_range(*s)) {
                Some(cell) => {
                    let start = u32::try_from(own.len()).unwrap_or(u32::MAX);
                    own.push_str(cell);
                    span(start, u32::try_from(own.len()).unwrap_or(u32::MAX))
                }
                None => NULL_SPAN,
            };
        }
        own
    }

    /// Appends one valid string (a column sharing its parser's buffer first copies its own
    /// rows out of it).
    ///
    /// The buffer addresses rows with `u32` offsets, so a single column holds at most 4 GiB of
    /// text; past that, further strings are stored as empty (the parser refuses such input
    /// before it gets here).
    pub fn push(&mut self, s: &str) {
        let mut own = match std::mem::replace(&mut self.buf, Buf::Owned(String::new())) {
            Buf::Owned(own) => own,
            Buf::Shared(text) => self.unshare(&text),
        };
        let start = u32::try_from(own.len()).unwrap_or(u32::MAX);
        if u32::try_from(own.len() + s.len()).is_ok() {
            own.push_str(s);
        }
        let end = u32::try_from(own.len()).unwrap_or(u32::MAX);
        self.spans.push(span(start, end));
        self.buf = Buf::Owned(own);
    }

    /// Appends one null.
    pub fn push_null(&mut self) {
        self.spans.push(NULL_SPAN);
    }

    /// The text buffer the spans point into.
    #[inline(always)]
    fn text(&self) -> &str {
        match &self.buf {
            Buf::Owned(s) => s,
            Buf::Shared(s) => s,
        }
    }

    /// The string at row `i`, if valid and in range.
    #[inline(always)]
    pub fn get(&self, i: usize) -> Option<&str> {
        self.text().get(cell_range(*self.spans.get(i)?))
    }

    /// The same strings, dictionary-encoded (one `String` per distinct value).
    pub fn to_dictionary(&self) -> crate::data::StrColumn {
        let mut out = crate::data::StrColumn::default();
        for v in self.iter() {
            out.push(v);
        }
        out
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Which rows are valid (not null).
    pub fn valid(&self) -> Bitmap {
        let mut valid = Bitmap::new();
        for s in self.iter() {
            valid.push(s.is_some());
        }
        valid
    }

    /// Every row in order: `Some(text)` or `None` for null.
    pub fn iter(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        let text = self.text();
        self.spans.iter().map(move |s| text.get(cell_range(*s)))
    }

    /// Total bytes of text in the rows.
    pub fn text_bytes(&self) -> usize {
        self.iter().map(|s| s.map_or(0, str::len)).sum()
    }
}

/// The byte range of span `s`.
#[inline(always)]
fn cell_range(s: u64) -> std::ops::Range<usize> {
    // `as` keeps the low 32 bits: the start.
    #[allow(clippy::cast_possible_truncation)]
    let start = s as u32 as usize;
    start..(s >> 32) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_get_and_nulls() {
        let mut c = TextColumn::new();
        c.push("héllo");
        c.push("");
        c.push_null();
        c.push("x,y");
        assert_eq!(c.len(), 4);
        assert_eq!(c.get(0), Some("héllo"));
        assert_eq!(c.get(1), Some(""));
        assert_eq!(c.get(2), None);
        assert_eq!(c.get(3), Some("x,y"));
        assert_eq!(c.get(4), None);
        assert_eq!(c.valid().count_valid(), 3);
        assert_eq!(c.text_bytes(), "héllox,y".len());
        let all: Vec<_> = c.iter().collect();
        assert_eq!(all, vec![Some("héllo"), Some(""), None, Some("x,y")]);
    }

    #[test]
    fn shared_spans_read_and_copy_out_on_push() {
        let text: Arc<str> = Arc::from("ab,cd,é");
        let spans = vec![
            span(0, 2),
            span(3, 5),
            NULL_SPAN,
            span(6, 8),
            span(6, 7),
            span(9, 9),
        ];
        let mut c = TextColumn::from_spans(text.clone(), spans);
        let other = TextColumn::from_spans(text, vec![span(3, 5)]);
        // Row 4 splits "é" and row 5 lies past the end: both read as null, never a panic.
        let want = [Some("ab"), Some("cd"), None, Some("é"), None, None];
        assert_eq!(c.iter().collect::<Vec<_>>(), want);
        assert_eq!(
            (c.len(), c.valid().count_valid(), c.text_bytes()),
            (6, 3, 6)
        );
        assert_eq!(c, TextColumn::from_options(want));
        c.push("x");
        c.push_null();
        let mut more = want.to_vec();
        more.extend([Some("x"), None]);
        assert_eq!(c.iter().collect::<Vec<_>>(), more);
        assert_eq!(other.get(0), Some("cd"));
        assert_eq!(format!("{other:?}"), "[Some(\"cd\")]");
    }
}
