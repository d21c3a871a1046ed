//! The tokenizer of the Vega expression language (a JavaScript expression subset).
//!
//! Stage: expressions. Follows vega-expression's scanner (derived from Esprima): decimal, hex
//! and exponent numbers, single- and double-quoted strings with JavaScript escapes, regular
//! expression literals (scanned on the parser's request, since `/` is ambiguous), and the
//! punctuators. Offsets are character indices into the source. Never panics.

/// A token and where it starts and ends (character offsets).
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    /// What was read.
    pub kind: Tok,
    /// First character.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
}

/// Token kinds.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// A number literal.
    Num(f64),
    /// A string literal, unescaped.
    Str(String),
    /// An identifier (including `true`, `false`, `null`, which the parser maps).
    Ident(String),
    /// A reserved word of JavaScript.
    Keyword(String),
    /// An operator or bracket.
    Punct(&'static str),
    /// The end of the source.
    Eof,
}

/// A lexing error: where and what.
#[derive(Clone, Debug, PartialEq)]
pub struct LexError {
    /// Character offset.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

const KEYWORDS: &[&str] = &[
    "if",
    "in",
    "do",
    "var",
    "for",
    "new",
    "try",
    "let",
    "this",
    "else",
    "case",
    "void",
    "with",
    "enum",
    "while",
    "break",
    "catch",
    "throw",
    "const",
    "yield",
    "class",
    "super",
    "return",
    "typeof",
    "delete",
    "switch",
    "export",
    "import",
    "public",
    "static",
    "default",
    "finally",
    "extends",
    "package",
    "private",
    "function",
    "continue",
    "debugger",
    "interface",
    "protected",
    "instanceof",
    "implements",
];

/// Longest first, so that `>>>` wins over `>>` and `>`.
const PUNCTUATORS: &[&str] = &[
    ">>>=", "===", "!==", ">>>", "<<=", ">>=", "==", "!=", "<=", ">=", "&&", "||", "++", "--",
    "<<", ">>", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "=>", ".", "(", ")", ";", ",", "{",
    "}", "[", "]", ":", "?", "~", "<", ">", "=", "!", "+", "-", "*", "%", "&", "|", "^", "/",
];

/// Reads tokens from a source on demand.
pub struct Lexer {
    chars: Vec<char>,
    pos: usize,
}

/// A regular expression literal: its pattern and flags.
#[derive(Clone, Debug, PartialEq)]
pub struct RegexLit {
    /// The text between the slashes.
    pub pattern: String,
    /// The flags after the closing slash.
    pub flags: String,
    /// One past the last character.
    pub end: usize,
}

impl Lexer {
    /// A lexer at the start of `source`.
    pub fn new(source: &str) -> Lexer {
        Lexer {
            chars: source.chars().collect(),
            pos: 0,
        }
    }

    fn at(&self, i: usize) -> Option<char> {
        self.chars.get(i).copied()
    }

    fn err<T>(&self, offset: usize, message: &str) -> Result<T, LexError> {
        Err(LexError {
            offset,
            message: message.to_string(),
        })
    }

    /// Reads the token that starts at `pos` (after white space).
    pub fn token_at(&mut self, pos: usize) -> Result<Token, LexError> {
        self.pos = pos;
        while self.at(self.pos).is_some_and(super::value::is_js_space) {
            self.pos += 1;
        }
        let start = self.pos;
        let Some(c) = self.at(start) else {
            return Ok(Token {
                kind: Tok::Eof,
                start,
                end: start,
            });
        };
        let kind = if is_ident_start(c) {
            self.ident()
        } else if c == '\'' || c == '"' {
            Tok::Str(self.string(c)?)
        } else if c.is_ascii_digit()
            || (c == '.' && self.at(start + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            Tok::Num(self.number()?)
        } else {
            self.punct()?
        };
        Ok(Token {
            kind,
            start,
            end: self.pos,
        })
    }

    fn ident(&mut self) -> Tok {
        let start = self.pos;
        while self.at(self.pos).is_some_and(is_ident_part) {
            self.pos += 1;
        }
        let id: String = self
            .chars
            .get(start..self.pos)
            .unwrap_or(&[])
            .iter()
            .collect();
        if id.chars().count() > 1 && KEYWORDS.contains(&id.as_str()) {
            Tok::Keyword(id)
        } else {
            Tok::Ident(id)
        }
    }

    fn punct(&mut self) -> Result<Tok, LexError> {
        let rest: String = self.chars.iter().skip(self.pos).take(4).collect();
        if rest.starts_with("//") {
            return self.err(self.pos, "unexpected \"//\" (comments are not allowed)");
        }
        for p in PUNCTUATORS {
            if rest.starts_with(p) {
                self.pos += p.len();
                return Ok(Tok::Punct(p));
            }
        }
        let c = rest.chars().next().unwrap_or(' ');
        self.err(self.pos, &format!("unexpected character \"{c}\""))
    }

    fn digits(&mut self, radix: u32) -> String {
        let mut s = String::new();
        while let Some(c) = self.at(self.pos).filter(|c| c.is_digit(radix)) {
            s.push(c);
            self.pos += 1;
        }
        s
    }

    fn number(&mut self) -> Result<f64, LexError> {
        let start = self.pos;
        let first = self.at(start);
        let second = self.at(start + 1);
        let value = if first == Some('0') && matches!(second, Some('x' | 'X')) {
            self.pos += 2;
            let digits = self.digits(16);
            if digits.is_empty() {
                return self.err(self.pos, "expected hexadecimal digits");
            }
            digits
                .chars()
                .filter_map(|c| c.to_digit(16))
                .fold(0.0, |v, d| v * 16.0 + f64::from(d))
        } else if first == Some('0') && second.is_some_and(|c| c.is_ascii_digit()) {
            return self.err(start, "octal and zero-padded numbers are not allowed");
        } else {
            let mut text = self.digits(10);
            if self.at(self.pos) == Some('.') {
                self.pos += 1;
                text.push('.');
                text.push_str(&self.digits(10));
            }
            if matches!(self.at(self.pos), Some('e' | 'E')) {
                self.pos += 1;
                text.push('e');
                if let Some(sign @ ('+' | '-')) = self.at(self.pos) {
                    self.pos += 1;
                    text.push(sign);
                }
                let exp = self.digits(10);
                if exp.is_empty() {
                    return self.err(self.pos, "expected exponent digits");
                }
                text.push_str(&exp);
            }
            if text.starts_with('.') {
                text.insert(0, '0');
            }
            text.parse::<f64>().unwrap_or(f64::NAN)
        };
        if self.at(self.pos).is_some_and(is_ident_start) {
            return self.err(self.pos, "unexpected character after number");
        }
        Ok(value)
    }

    fn hex_escape(&mut self, len: usize) -> Result<u32, LexError> {
        let mut code = 0u32;
        for _ in 0..len {
            let Some(d) = self.at(self.pos).and_then(|c| c.to_digit(16)) else {
                return self.err(self.pos, "invalid escape sequence");
            };
            code = code * 16 + d;
            self.pos += 1;
        }
        Ok(code)
    }

    fn string(&mut self, quote: char) -> Result<String, LexError> {
        let start = self.pos;
        self.pos += 1;
        let mut units: Vec<u16> = Vec::new();
        let mut buf = [0u16; 2];
        loop {
            let Some(c) = self.at(self.pos) else {
                return self.err(start, "unterminated string");
            };
            self.pos += 1;
            if c == quote {
                break;
            }
            if matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}') {
                return self.err(start, "unterminated string");
            }
            if c != '\\' {
                units.extend_from_slice(c.encode_utf16(&mut buf));
                continue;
            }
            let Some(e) = self.at(self.pos) else {
                return self.err(start, "unterminated string");
            };
            self.pos += 1;
            let code: u32 = match e {
                'n' => 10,
                'r' => 13,
                't' => 9,
                'b' => 8,
                'f' => 12,
                'v' => 11,
                'x' => self.hex_escape(2)?,
                'u' if self.at(self.pos) == Some('{') => {
                    self.pos += 1;
                    let mut code = 0u32;
                    let mut n = 0;
                    while let Some(d) = self.at(self.pos).and_then(|c| c.to_digit(16)) {
                        code = code.saturating_mul(16).saturating_add(d);
                        self.pos += 1;
                        n += 1;
                    }
                    if n == 0 || code > 0x10FFFF || self.at(self.pos) != Some('}') {
                        return self.err(self.pos, "invalid escape sequence");
                    }
                    self.pos += 1;
                    code
                }
                'u' => self.hex_escape(4)?,
                '\r' => {
                    if self.at(self.pos) == Some('\n') {
                        self.pos += 1;
                    }
                    continue;
                }
                '\n' | '\u{2028}' | '\u{2029}' => continue,
                '0'..='7' => {
                    if e != '0' || self.at(self.pos).is_some_and(|c| c.is_ascii_digit()) {
                        return self.err(self.pos - 1, "octal escapes are not allowed");
                    }
                    0
                }
                other => u32::from(other),
            };
            match char::from_u32(code) {
                Some(ch) => units.extend_from_slice(ch.encode_utf16(&mut buf)),
                // A lone surrogate: keep the code unit.
                None => units.push(u16::try_from(code).unwrap_or(0xFFFD)),
            }
        }
        Ok(String::from_utf16_lossy(&units))
    }

    /// Scans a regular expression literal starting with the `/` at `start`.
    pub fn regex_at(&mut self, start: usize) -> Result<RegexLit, LexError> {
        self.pos = start + 1;
        let mut pattern = String::new();
        let mut in_class = false;
        loop {
            let Some(c) = self.at(self.pos) else {
                return self.err(start, "unterminated regular expression (missing /)");
            };
            self.pos += 1;
            if matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}') {
                return self.err(start, "unterminated regular expression (missing /)");
            }
            if c == '\\' {
                let Some(n) = self.at(self.pos).filter(|n| !matches!(n, '\n' | '\r')) else {
                    return self.err(start, "unterminated regular expression (missing /)");
                };
                self.pos += 1;
                pattern.push(c);
                pattern.push(n);
                continue;
            }
            if in_class {
                in_class = c != ']';
            } else if c == '/' {
                break;
            } else if c == '[' {
                in_class = true;
            }
            pattern.push(c);
        }
        let mut flags = String::new();
        while let Some(c) = self.at(self.pos).filter(|c| is_ident_part(*c)) {
            flags.push(c);
            self.pos += 1;
        }
        Ok(RegexLit {
            pattern,
            flags,
            end: self.pos,
        })
    }
}

fn is_ident_start(c: char) -> bool {
    c == '$' || c == '_' || c.is_ascii_alphabetic() || (!c.is_ascii() && c.is_alphabetic())
}

fn is_ident_part(c: char) -> bool {
    is_ident_start(c) || c.is_ascii_digit() || (!c.is_ascii() && c.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex_all(s: &str) -> Vec<Tok> {
        let mut lx = Lexer::new(s);
        let mut pos = 0;
        let mut out = Vec::new();
        loop {
            let t = lx.token_at(pos).unwrap();
            pos = t.end;
            if t.kind == Tok::Eof {
                return out;
            }
            out.push(t.kind);
        }
    }

    #[test]
    fn numbers_strings_and_punctuators() {
        assert_eq!(
            lex_all("0x1F 1.5e3 .5 'a\\'b' \"\\u0041\\x42\\n\" >>> !== ="),
            vec![
                Tok::Num(31.0),
                Tok::Num(1500.0),
                Tok::Num(0.5),
                Tok::Str("a'b".into()),
                Tok::Str("AB\n".into()),
                Tok::Punct(">>>"),
                Tok::Punct("!=="),
                Tok::Punct("="),
            ]
        );
        assert_eq!(
            lex_all("in x"),
            vec![Tok::Keyword("in".into()), Tok::Ident("x".into())]
        );
    }

    #[test]
    fn bad_input_is_an_error() {
        for s in ["'abc", "09", "1e", "0x", "3a", "#", "// c", "'\\u12'"] {
            let mut lx = Lexer::new(s);
            let mut pos = 0;
            let mut failed = false;
            for _ in 0..10 {
                match lx.token_at(pos) {
                    Ok(t) if t.kind == Tok::Eof => break,
                    Ok(t) => pos = t.end,
                    Err(_) => {
                        failed = true;
                        break;
                    }
                }
            }
            assert!(failed, "{s}");
        }
    }
}
