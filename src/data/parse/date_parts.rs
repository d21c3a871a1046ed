//! The pieces of V8's date parser: its tokenizer (`DateStringTokenizer` over an
//! `InputReader`), keyword table, and the composers that turn numbers and words into a date,
//! a time and a zone. [`super::date`] drives them.
//!
//! Stage: data. A faithful port, quirks included (the year defaults to 2001 for `Jan 5`
//! because V8 fills missing day parts with 1 and then reads the third as a 2-digit year).
//! Nothing here panics.

/// V8's "missing" marker.
pub(super) const NONE: i32 = i32::MAX;

/// Keyword kinds of V8's `KeywordTable` (`Invalid` is any other word).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kw {
    Invalid,
    Month,
    Zone,
    T,
    AmPm,
}

/// A token of V8's `DateStringTokenizer`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Tok {
    Invalid,
    Unknown,
    Number { value: i32, len: usize },
    Symbol(u8),
    Space,
    End,
    Word { kind: Kw, value: i32, len: usize },
}

impl Tok {
    /// The value of a number of exactly `len` digits.
    pub(super) fn fixed(self, len: usize) -> Option<i32> {
        match self {
            Tok::Number { value, len: l } if l == len => Some(value),
            _ => None,
        }
    }

    pub(super) fn is_keyword_z(self) -> bool {
        matches!(
            self,
            Tok::Word {
                kind: Kw::Zone,
                value: 0,
                len: 1
            }
        )
    }
}

/// V8's `InputReader` + `DateStringTokenizer` over the characters of the text.
pub(super) struct Scanner<'a> {
    chars: std::str::Chars<'a>,
    ch: u32,
    next: Tok,
}

impl<'a> Scanner<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        let mut s = Self {
            chars: text.chars(),
            ch: 0,
            next: Tok::End,
        };
        s.advance();
        s.next = s.scan();
        s
    }

    /// Moves to the next character; NUL marks the end, as in V8.
    fn advance(&mut self) {
        self.ch = self.chars.next().map_or(0, u32::from);
    }

    pub(super) fn peek(&self) -> Tok {
        self.next
    }

    pub(super) fn next(&mut self) -> Tok {
        let t = self.next;
        self.next = self.scan();
        t
    }

    pub(super) fn skip_symbol(&mut self, c: u8) -> bool {
        if self.next == Tok::Symbol(c) {
            self.next = self.scan();
            true
        } else {
            false
        }
    }

    fn scan(&mut self) -> Tok {
        let ch = self.ch;
        if ch == 0 {
            return Tok::End;
        }
        if let Some(d) = char::from_u32(ch).and_then(|c| c.to_digit(10)) {
            let (mut n, mut len) = (0i32, 0usize);
            let mut digit = Some(d);
            while let Some(d) = digit {
                if len < 9 {
                    n = n * 10 + d as i32;
                }
                len += 1;
                self.advance();
                digit = char::from_u32(self.ch).and_then(|c| c.to_digit(10));
            }
            return Tok::Number { value: n, len };
        }
        if let Ok(b @ (b':' | b'-' | b'+' | b'.' | b')')) = u8::try_from(ch) {
            self.advance();
            return Tok::Symbol(b);
        }
        if ch >= u32::from(b'A') {
            return self.word();
        }
        if matches!(ch, 9..=13 | 32) {
            self.advance();
            return Tok::Space;
        }
        if ch == u32::from(b'(') {
            let mut balance = 0i32;
            loop {
                if self.ch == u32::from(b')') {
                    balance -= 1;
                } else if self.ch == u32::from(b'(') {
                    balance += 1;
                }
                self.advance();
                if balance <= 0 || self.ch == 0 {
                    break;
                }
            }
            return Tok::Unknown;
        }
        self.advance();
        Tok::Unknown
    }

    /// A word (characters >= 'A'), looked up by its lower-cased first three characters.
    fn word(&mut self) -> Tok {
        let mut prefix = [0u32; 3];
        let mut len = 0usize;
        while self.ch >= u32::from(b'A') {
            if let Some(p) = prefix.get_mut(len) {
                *p = self.ch | 0x20;
            }
            len += 1;
            self.advance();
        }
        let (kind, value) = keyword(prefix, len);
        Tok::Word { kind, value, len }
    }
}

/// V8's `KeywordTable::Lookup`: months match by prefix, other keywords exactly.
fn keyword(prefix: [u32; 3], len: usize) -> (Kw, i32) {
    const MONTHS: [&[u8; 3]; 12] = [
        b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov",
        b"dec",
    ];
    const OTHERS: [(&[u8], Kw, i32); 16] = [
        (b"am", Kw::AmPm, 0),
        (b"pm", Kw::AmPm, 12),
        (b"ut", Kw::Zone, 0),
        (b"utc", Kw::Zone, 0),
        (b"z", Kw::Zone, 0),
        (b"gmt", Kw::Zone, 0),
        (b"cdt", Kw::Zone, -5),
        (b"cst", Kw::Zone, -6),
        (b"edt", Kw::Zone, -4),
        (b"est", Kw::Zone, -5),
        (b"mdt", Kw::Zone, -6),
        (b"mst", Kw::Zone, -7),
        (b"pdt", Kw::Zone, -7),
        (b"pst", Kw::Zone, -8),
        (b"t", Kw::T, 0),
        (b"", Kw::Invalid, 0),
    ];
    let matches = |key: &[u8]| {
        (0..3).all(|i| prefix.get(i).copied() == Some(key.get(i).map_or(0, |b| u32::from(*b))))
    };
    for (i, m) in MONTHS.iter().enumerate() {
        if matches(*m) {
            return (Kw::Month, i as i32 + 1);
        }
    }
    for (key, kind, value) in OTHERS {
        if kind != Kw::Invalid && len <= 3 && matches(key) {
            return (kind, value);
        }
    }
    (Kw::Invalid, 0)
}

/// V8 `DayComposer`: up to three numbers and a named month, resolved to a date.
pub(super) struct DayComposer {
    comp: [i32; 3],
    index: usize,
    pub(super) named_month: i32,
    pub(super) iso: bool,
}

impl DayComposer {
    pub(super) fn new() -> Self {
        Self {
            comp: [0; 3],
            index: 0,
            named_month: NONE,
            iso: false,
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.index == 0
    }

    pub(super) fn add(&mut self, n: i32) -> bool {
        match self.comp.get_mut(self.index) {
            Some(slot) => {
                *slot = n;
                self.index += 1;
                true
            }
            None => false,
        }
    }

    /// Year, 0-based month and day; `None` when they do not make a date.
    pub(super) fn write(&self) -> Option<(i32, i32, i32)> {
        if self.index < 1 {
            return None;
        }
        // Missing parts are 1. (V8 then always sees three parts.)
        let mut c = [1i32; 3];
        for (slot, v) in c.iter_mut().zip(self.comp.iter()).take(self.index) {
            *slot = *v;
        }
        let is_day = |x: i32| (1..=31).contains(&x);
        let (mut year, month, day);
        if self.named_month == NONE {
            if self.iso || !is_day(c[0]) {
                (year, month, day) = (c[0], c[1], c[2]);
            } else {
                (month, day, year) = (c[0], c[1], c[2]);
            }
        } else {
            month = self.named_month;
            if !is_day(c[0]) {
                (year, day) = (c[0], c[1]);
            } else {
                (day, year) = (c[0], c[1]);
            }
        }
        if !self.iso {
            if (0..=49).contains(&year) {
                year += 2000;
            } else if (50..=99).contains(&year) {
                year += 1900;
            }
        }
        ((1..=12).contains(&month) && is_day(day)).then_some((year, month - 1, day))
    }
}

/// V8 `TimeComposer`: hour, minute, second, millisecond and an AM/PM offset.
pub(super) struct TimeComposer {
    comp: [i32; 4],
    index: usize,
    pub(super) hour_offset: i32,
}

impl TimeComposer {
    pub(super) fn new() -> Self {
        Self {
            comp: [0; 4],
            index: 0,
            hour_offset: NONE,
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.index == 0
    }

    pub(super) fn is_expecting(&self, n: i32) -> bool {
        match self.index {
            1 | 2 => (0..=59).contains(&n),
            3 => (0..=999).contains(&n),
            _ => false,
        }
    }

    pub(super) fn add(&mut self, n: i32) -> bool {
        match self.comp.get_mut(self.index) {
            Some(slot) => {
                *slot = n;
                self.index += 1;
                true
            }
            None => false,
        }
    }

    pub(super) fn add_final(&mut self, n: i32) -> bool {
        if !self.add(n) {
            return false;
        }
        while self.add(0) {}
        true
    }

    pub(super) fn write(&self) -> Option<[i32; 4]> {
        let mut c = [0i32; 4];
        for (slot, v) in c.iter_mut().zip(self.comp.iter()).take(self.index) {
            *slot = *v;
        }
        let [mut hour, minute, second, ms] = c;
        if self.hour_offset != NONE {
            if !(0..=12).contains(&hour) {
                return None;
            }
            hour = hour % 12 + self.hour_offset;
        }
        let in_range = (0..=23).contains(&hour)
            && (0..=59).contains(&minute)
            && (0..=59).contains(&second)
            && (0..=999).contains(&ms);
        if !in_range && (hour != 24 || minute != 0 || second != 0 || ms != 0) {
            return None;
        }
        Some([hour, minute, second, ms])
    }
}

/// V8 `TimeZoneComposer`.
pub(super) struct ZoneComposer {
    pub(super) sign: i32,
    pub(super) hour: i32,
    pub(super) minute: i32,
}

impl ZoneComposer {
    pub(super) fn new() -> Self {
        Self {
            sign: NONE,
            hour: NONE,
            minute: NONE,
        }
    }

    pub(super) fn set(&mut self, offset_hours: i32) {
        self.sign = if offset_hours < 0 { -1 } else { 1 };
        self.hour = offset_hours.saturating_mul(self.sign);
        self.minute = 0;
    }

    pub(super) fn is_expecting(&self, n: i32) -> bool {
        self.hour != NONE && self.minute == NONE && (0..=59).contains(&n)
    }

    pub(super) fn is_utc(&self) -> bool {
        self.hour == 0 && self.minute == 0
    }

    pub(super) fn is_empty(&self) -> bool {
        self.hour == NONE
    }

    /// The offset in seconds (`Some(None)`: no zone given); `None` when it is too large.
    pub(super) fn write(&self) -> Option<Option<i32>> {
        if self.sign == NONE {
            return Some(None);
        }
        let hour = if self.hour == NONE { 0 } else { self.hour };
        let minute = if self.minute == NONE { 0 } else { self.minute };
        // V8 computes this in unsigned 32-bit arithmetic and refuses more than a Smi.
        let total = (hour as u32)
            .wrapping_mul(3600)
            .wrapping_add((minute as u32).wrapping_mul(60));
        let total = i32::try_from(total).ok().filter(|t| *t < (1 << 30))?;
        Some(Some(if self.sign < 0 { -total } else { total }))
    }
}
