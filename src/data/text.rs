//! Raw text columns: the strings of one delimited-text column, before typing.
//!
//! Stage: data. A [`TextColumn`] holds every cell of a column in one contiguous `String`
//! arena plus one `u32` end offset per row and a validity [`Bitmap`], so parsing a file never
//! allocates a `String` per cell. An empty field is a valid empty string (as d3-dsv gives
//! `""`); an invalid row is a null. Reads never panic: out-of-range rows are `None`.

use super::bitmap::Bitmap;

/// The strings of one column, stored back to back in one arena.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TextColumn {
    arena: String,
    ends: Vec<u32>,
    valid: Bitmap,
}

impl TextColumn {
    /// An empty column.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty column with room for `rows` rows and `bytes` bytes of text.
    pub fn with_capacity(rows: usize, bytes: usize) -> Self {
        Self {
            arena: String::with_capacity(bytes),
            ends: Vec::with_capacity(rows),
            valid: Bitmap::new(),
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

    /// Appends one valid string.
    ///
    /// The arena addresses rows with `u32` offsets, so a single column holds at most 4 GiB of
    /// text; past that, further strings are stored as empty (the parser refuses such input
    /// before it gets here).
    // The parsers call these once per cell; the shipped opt-level z build inlines nothing
    // by itself (about 10% of CSV parsing in WASM when they were calls).
    #[inline(always)]
    pub fn push(&mut self, s: &str) {
        if u32::try_from(self.arena.len() + s.len()).is_ok() {
            self.arena.push_str(s);
        }
        self.ends.push(self.end_offset());
        self.valid.push(true);
    }

    /// Appends one null.
    #[inline(always)]
    pub fn push_null(&mut self) {
        self.ends.push(self.end_offset());
        self.valid.push(false);
    }

    #[inline(always)]
    fn end_offset(&self) -> u32 {
        u32::try_from(self.arena.len()).unwrap_or(u32::MAX)
    }

    /// The string at row `i`, if valid and in range.
    #[inline(always)]
    pub fn get(&self, i: usize) -> Option<&str> {
        if !self.valid.get(i) {
            return None;
        }
        let end = *self.ends.get(i)? as usize;
        let start = match i.checked_sub(1) {
            Some(p) => *self.ends.get(p)? as usize,
            None => 0,
        };
        self.arena.get(start..end)
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
        self.ends.len()
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Which rows are valid (not null).
    pub fn valid(&self) -> &Bitmap {
        &self.valid
    }

    /// Every row in order: `Some(text)` or `None` for null.
    pub fn iter(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        (0..self.len()).map(move |i| self.get(i))
    }

    /// Total bytes of text held.
    pub fn text_bytes(&self) -> usize {
        self.arena.len()
    }
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
}
