//! Dictionary-encoding text cells fast, for typing a CSV column as strings.
//!
//! Stage: data. [`DictBuilder`] assigns each distinct string a code in order of first
//! appearance, as [`StrColumn::push`] does, but with an open-addressing table keyed by an
//! in-house FxHash-style hash of the bytes (computed once per cell, eight bytes at a time)
//! instead of SipHash, and it compares a candidate slot's stored hash before its bytes. The
//! column itself is then built through [`StrColumn::from_parts`], so the dictionary layout
//! stays column.rs's business.

use crate::data::{Bitmap, StrColumn};

/// The FxHash multiplier (rustc's `FxHasher`).
const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// An FxHash-style hash of `bytes`: eight bytes at a time, the tail as one (overlapping)
/// word read without a variable-length copy, then the length.
/// Not cryptographic: a file crafted to collide only slows the lookup down (linear probing
/// stays correct), it cannot change a code.
#[inline(always)]
pub(crate) fn hash_bytes(bytes: &[u8]) -> u64 {
    #[inline(always)]
    fn add(h: u64, word: u64) -> u64 {
        (h.rotate_left(5) ^ word).wrapping_mul(SEED)
    }
    let len = bytes.len();
    let mut h = 0u64;
    if len >= 8 {
        let mut i = 0;
        while let Some(rest) = bytes.get(i..) {
            if rest.len() < 8 {
                break;
            }
            h = add(h, read8(rest));
            i += 8;
        }
        if i < len {
            // The last eight bytes, overlapping the previous word.
            h = add(h, read8(bytes.get(len - 8..).unwrap_or_default()));
        }
    } else if len >= 4 {
        let lo = u64::from(read4(bytes));
        let hi = u64::from(read4(bytes.get(len - 4..).unwrap_or_default()));
        h = add(h, lo | (hi << 32));
    } else if let (Some(&a), Some(&b), Some(&c)) = (bytes.first(), bytes.get(len / 2), bytes.last())
    {
        h = add(h, u64::from(a) | (u64::from(b) << 8) | (u64::from(c) << 16));
    }
    // Mix in the length (so "a" and "a\0" differ). The low bits of a product depend only
    // on the low bits of its factors, so tables index by the *high* bits (see `slot`).
    add(h, len as u64)
}

/// The slot of hash `h` in a table of `2^(64 - shift)` slots: its top bits.
#[inline(always)]
fn slot(h: u64, shift: u32) -> usize {
    usize::try_from(h >> shift).unwrap_or(0)
}

/// The first eight bytes of `b` (at least eight long) as a little-endian word. A slice
/// pattern rather than `copy_from_slice`, which the opt-level z build leaves as a call.
#[inline(always)]
pub(crate) fn read8(b: &[u8]) -> u64 {
    match b {
        [b0, b1, b2, b3, b4, b5, b6, b7, ..] => {
            u64::from_le_bytes([*b0, *b1, *b2, *b3, *b4, *b5, *b6, *b7])
        }
        _ => 0,
    }
}

/// The first four bytes of `b` (at least four long) as a little-endian word.
#[inline(always)]
pub(crate) fn read4(b: &[u8]) -> u32 {
    match b {
        [b0, b1, b2, b3, ..] => u32::from_le_bytes([*b0, *b1, *b2, *b3]),
        _ => 0,
    }
}

/// The first `min(8, b.len())` bytes of `b` as a little-endian word, zero above them: a full
/// word, or two (three) overlapping reads that put each byte at its own place.
#[inline(always)]
pub(crate) fn load_upto8(b: &[u8]) -> u64 {
    let len = b.len();
    if len >= 8 {
        return read8(b);
    }
    let byte = |i: usize| u64::from(b.get(i).copied().unwrap_or(0)) << (8 * i);
    if len >= 4 {
        let lo = u64::from(read4(b));
        let hi = u64::from(read4(b.get(len - 4..).unwrap_or_default()));
        lo | (hi << (8 * (len - 4)))
    } else if len > 0 {
        byte(0) | byte(len / 2) | byte(len - 1)
    } else {
        0
    }
}

/// Whether `a` and `b` hold the same bytes: inline word compares up to 16 bytes (a call to
/// `memcmp` per cell costs more than the compare for short keys), the slice compare above.
#[inline(always)]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let len = a.len();
    if len != b.len() {
        return false;
    }
    if len <= 8 {
        load_upto8(a) == load_upto8(b)
    } else if len <= 16 {
        let tail = |x: &[u8]| read8(x.get(len - 8..).unwrap_or_default());
        read8(a) == read8(b) && tail(a) == tail(b)
    } else {
        a == b
    }
}

/// Builds the codes, dictionary and validity of a string column.
pub(crate) struct DictBuilder {
    dict: Vec<String>,
    /// Open-addressing slots: the entry's hash's top 32 bits above `code + 1`, or 0 when
    /// empty (one load tells a probe whether the bytes are worth comparing). Length a power
    /// of two, at most 2^32 (codes are `u32`), so a slot's index is in its stored bits.
    slots: Vec<u64>,
    /// 64 less log2 of the number of slots.
    shift: u32,
    /// One code per row, allocated up front (`len` of them used so far).
    codes: Vec<u32>,
    len: usize,
    /// The null rows, in order (few, usually).
    nulls: Vec<usize>,
}

impl DictBuilder {
    /// An empty builder with room for `rows` rows.
    pub(crate) fn with_capacity(rows: usize) -> Self {
        Self {
            dict: Vec::new(),
            slots: vec![0; 64],
            shift: 64 - 6,
            codes: vec![0; rows],
            len: 0,
            nulls: Vec::new(),
        }
    }

    /// Makes room for `more` further rows.
    pub(crate) fn reserve(&mut self, more: usize) {
        let free = self.codes.len() - self.len;
        self.codes.reserve_exact(more.saturating_sub(free));
    }

    /// Appends a null row.
    pub(crate) fn push_null(&mut self) {
        self.nulls.push(self.len);
        self.set_code(0);
    }

    /// Appends a string row.
    #[inline(always)]
    pub(crate) fn push(&mut self, s: &str) {
        let code = self.code(s);
        self.set_code(code);
    }

    /// Stores the next row's code.
    #[inline(always)]
    fn set_code(&mut self, code: u32) {
        match self.codes.get_mut(self.len) {
            Some(slot) => *slot = code,
            None => self.codes.push(code),
        }
        self.len += 1;
    }

    /// The code of `s`, adding it to the dictionary when new.
    #[inline(always)]
    fn code(&mut self, s: &str) -> u32 {
        let h = hash_bytes(s.as_bytes());
        let tag = h >> 32;
        let mask = self.slots.len() - 1;
        let mut i = slot(h, self.shift);
        loop {
            let entry = self.slots.get(i).copied().unwrap_or(0);
            if entry == 0 {
                break;
            }
            if entry >> 32 == tag {
                // The low half is `code + 1`.
                #[allow(clippy::cast_possible_truncation)]
                let code = (entry as u32).wrapping_sub(1);
                if self
                    .dict
                    .get(code as usize)
                    .is_some_and(|d| same_bytes(d.as_bytes(), s.as_bytes()))
                {
                    return code;
                }
            }
            i = (i + 1) & mask;
        }
        self.insert(s, tag, i)
    }

    /// Adds `s` (hash top bits `tag`) to the dictionary at the empty slot `i`; its new code.
    #[cold]
    #[inline(never)]
    fn insert(&mut self, s: &str, tag: u64, i: usize) -> u32 {
        let code = u32::try_from(self.dict.len()).unwrap_or(u32::MAX);
        self.dict.push(s.to_string());
        if let Some(slot) = self.slots.get_mut(i) {
            *slot = (tag << 32) | u64::from(code.saturating_add(1));
        }
        if self.dict.len() * 2 > self.slots.len() {
            self.grow();
        }
        code
    }

    /// Doubles the slot table and re-inserts every entry at the place its stored hash bits
    /// give it.
    fn grow(&mut self) {
        let len = self.slots.len() * 2;
        let mask = len - 1;
        self.shift -= 1;
        let mut slots = vec![0u64; len];
        for entry in self.slots.iter().filter(|e| **e != 0) {
            let mut i = slot(entry & !0xFFFF_FFFF, self.shift);
            while slots.get(i).is_some_and(|s| *s != 0) {
                i = (i + 1) & mask;
            }
            if let Some(slot) = slots.get_mut(i) {
                *slot = *entry;
            }
        }
        self.slots = slots;
    }

    /// The finished column.
    pub(crate) fn finish(mut self) -> StrColumn {
        self.codes.truncate(self.len);
        let mut valid = Bitmap::filled(self.codes.len(), true);
        for row in self.nulls {
            valid.set(row, false);
        }
        StrColumn::from_parts(self.dict, self.codes, valid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::parse::dsv::tests::Rng;

    #[test]
    fn codes_and_dictionary_equal_str_column_push() {
        let mut rng = Rng::new(5);
        for distinct in [1, 3, 40, 1000, 20_000] {
            let mut fast = DictBuilder::with_capacity(0);
            let mut slow = StrColumn::default();
            for _ in 0..50_000 {
                if rng.below(50) == 0 {
                    fast.push_null();
                    slow.push(None);
                } else {
                    let n = rng.below(distinct);
                    // Strings of many lengths, sharing prefixes, including "" and a NUL.
                    let s = match n % 4 {
                        0 => format!("k{n}"),
                        1 => format!("a long shared prefix of more than eight bytes {n}"),
                        2 => "x\0".repeat(n % 5),
                        _ => "é".repeat(n % 13),
                    };
                    fast.push(&s);
                    slow.push(Some(&s));
                }
            }
            let fast = fast.finish();
            assert_eq!(fast.dict, slow.dict, "{distinct}");
            assert_eq!(fast.codes, slow.codes, "{distinct}");
            assert_eq!(fast.valid, slow.valid, "{distinct}");
        }
    }

    #[test]
    fn similar_keys_spread_over_the_table() {
        // Keys that differ only in their last bytes (the shape of real category columns)
        // must not pile up in a few slots: count the distinct slots of 1,000 such keys in a
        // table of 2,048 (a uniform hash fills about 790).
        for prefix in ["item", "cat", "a long shared prefix "] {
            let mut used = std::collections::HashSet::new();
            for i in 0..1000 {
                used.insert(slot(
                    hash_bytes(format!("{prefix}{i:04}").as_bytes()),
                    64 - 11,
                ));
            }
            assert!(used.len() > 700, "{prefix}: {} slots", used.len());
        }
    }

    #[test]
    fn same_bytes_equals_slice_equality() {
        let mut rng = Rng::new(9);
        for _ in 0..100_000 {
            let la = rng.below(20);
            let a: Vec<u8> = (0..la).map(|_| b"ab\0"[rng.below(3)]).collect();
            let mut b = a.clone();
            match rng.below(3) {
                0 if !b.is_empty() => {
                    let i = rng.below(b.len());
                    b[i] ^= 1 << rng.below(8);
                }
                1 => b.push(0),
                _ => {}
            }
            assert_eq!(same_bytes(&a, &b), a == b, "{a:?} {b:?}");
        }
        for len in 0..=9 {
            let a: Vec<u8> = (0..len).map(|i| b'0' + i as u8).collect();
            assert_eq!(load_upto8(&a).to_le_bytes()[..len.min(8)], a[..len.min(8)]);
            assert!(load_upto8(&a).to_le_bytes()[len.min(8)..]
                .iter()
                .all(|b| *b == 0));
        }
    }

    #[test]
    fn hashes_differ_for_lengths_and_tails() {
        let h = |s: &[u8]| hash_bytes(s);
        assert_ne!(h(b"a"), h(b"a\0"));
        assert_ne!(h(b""), h(b"\0"));
        assert_ne!(h(b"abcdefgh"), h(b"abcdefgh\0"));
        assert_ne!(h(b"item0001"), h(b"item0002"));
    }
}
