//! A validity bitmap: one bit per row, set when the row holds a valid value.
//!
//! Stage: data. Out-of-range reads return `false`; nothing here panics.

/// One bit per row; bit set = valid.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bitmap {
    words: Vec<u64>,
    len: usize,
}

impl Bitmap {
    /// An empty bitmap.
    pub fn new() -> Self {
        Self::default()
    }

    /// A bitmap of `len` rows, all set to `valid`.
    pub fn filled(len: usize, valid: bool) -> Self {
        let word = if valid { u64::MAX } else { 0 };
        let mut b = Self {
            words: vec![word; len.div_ceil(64)],
            len,
        };
        b.clear_tail();
        b
    }

    fn clear_tail(&mut self) {
        let used = self.len % 64;
        if used != 0 {
            if let Some(last) = self.words.last_mut() {
                *last &= (1u64 << used) - 1;
            }
        }
    }

    /// Appends one bit.
    #[inline(always)]
    pub fn push(&mut self, valid: bool) {
        if self.len % 64 == 0 {
            self.words.push(0);
        }
        if valid {
            if let Some(last) = self.words.last_mut() {
                *last |= 1u64 << (self.len % 64);
            }
        }
        self.len += 1;
    }

    /// Sets row `i`'s bit (no effect past the end).
    pub fn set(&mut self, i: usize, valid: bool) {
        if i >= self.len {
            return;
        }
        if let Some(w) = self.words.get_mut(i / 64) {
            let bit = 1u64 << (i % 64);
            if valid {
                *w |= bit;
            } else {
                *w &= !bit;
            }
        }
    }

    /// The bits, 64 rows per word (row `i` is bit `i % 64` of word `i / 64`; bits past
    /// [`Bitmap::len`] are zero).
    pub fn words(&self) -> &[u64] {
        &self.words
    }

    /// Whether row `i` is valid (`false` past the end).
    #[inline(always)]
    pub fn get(&self, i: usize) -> bool {
        self.words
            .get(i / 64)
            .is_some_and(|w| (w >> (i % 64)) & 1 == 1)
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of valid rows.
    pub fn count_valid(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_get_and_count() {
        let mut b = Bitmap::new();
        for i in 0..130 {
            b.push(i % 3 == 0);
        }
        assert_eq!(b.len(), 130);
        assert!(b.get(0) && !b.get(1) && b.get(129) && !b.get(500));
        assert_eq!(b.count_valid(), 44);
        assert_eq!(Bitmap::filled(70, true).count_valid(), 70);
    }
}
