//! The pattern compiler of the regexp engine: pattern text to a backtracking program.
//!
//! Stage: expressions. Parses the JavaScript pattern syntax listed in [`super`] into a tree,
//! then compiles it to instructions; counted repetitions expand, bounded by a program size
//! limit, and group nesting is bounded too. Never panics.

/// Largest compiled program (counted repetitions expand).
const MAX_PROGRAM: usize = 20_000;
/// Deepest group nesting in a pattern.
const MAX_NESTING: usize = 50;

#[derive(Clone, Debug, PartialEq)]
enum Node {
    Empty,
    Char(u16),
    Any,
    Class(Vec<(u16, u16)>, bool),
    Bol,
    Eol,
    WordB(bool),
    Group(Box<Node>, Option<usize>),
    Look(Box<Node>, bool),
    Backref(usize),
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat(Box<Node>, u32, Option<u32>, bool),
}

#[derive(Clone, Debug)]
pub(super) enum Inst {
    Char(u16),
    Any,
    Class(Vec<(u16, u16)>, bool),
    Bol,
    Eol,
    WordB(bool),
    Split(usize, usize),
    Jmp(usize),
    Save(usize),
    Backref(usize),
    Look { negate: bool, end: usize },
    LoopStart(usize),
    LoopCheck(usize),
    Match,
}

const DIGIT: &[(u16, u16)] = &[(0x30, 0x39)];
pub(super) const WORD: &[(u16, u16)] = &[(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)];
const SPACE: &[(u16, u16)] = &[
    (0x09, 0x0D),
    (0x20, 0x20),
    (0xA0, 0xA0),
    (0x1680, 0x1680),
    (0x2000, 0x200A),
    (0x2028, 0x2029),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
    (0xFEFF, 0xFEFF),
];

fn complement(ranges: &[(u16, u16)]) -> Vec<(u16, u16)> {
    let mut out = Vec::new();
    let mut next: u32 = 0;
    for &(lo, hi) in ranges {
        if u32::from(lo) > next {
            out.push((u16::try_from(next).unwrap_or(0), lo - 1));
        }
        next = u32::from(hi) + 1;
    }
    if next <= 0xFFFF {
        out.push((u16::try_from(next).unwrap_or(0), 0xFFFF));
    }
    out
}

struct PatternParser<'a> {
    s: &'a [u16],
    i: usize,
    groups: usize,
    depth: usize,
}

fn unit(c: char) -> u16 {
    u16::try_from(u32::from(c)).unwrap_or(0xFFFD)
}

impl PatternParser<'_> {
    fn peek(&self) -> Option<u16> {
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(unit(c)) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn alternation(&mut self) -> Result<Node, String> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err("groups nest too deeply".into());
        }
        let mut alts = vec![self.sequence()?];
        while self.eat('|') {
            alts.push(self.sequence()?);
        }
        self.depth -= 1;
        Ok(if alts.len() == 1 {
            alts.pop().unwrap_or(Node::Empty)
        } else {
            Node::Alt(alts)
        })
    }

    fn sequence(&mut self) -> Result<Node, String> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == unit('|') || c == unit(')') {
                break;
            }
            let atom = self.atom()?;
            let atom = self.quantifier(atom)?;
            items.push(atom);
        }
        Ok(Node::Concat(items))
    }

    fn number(&mut self) -> Option<u32> {
        let start = self.i;
        let mut v: u32 = 0;
        while let Some(d) = self.peek().filter(|c| (0x30..=0x39).contains(c)) {
            v = v.saturating_mul(10).saturating_add(u32::from(d - 0x30));
            self.i += 1;
        }
        (self.i > start).then_some(v)
    }

    fn quantifier(&mut self, atom: Node) -> Result<Node, String> {
        let start = self.i;
        let (min, max) = match self
            .peek()
            .map(|c| char::from_u32(u32::from(c)).unwrap_or('\0'))
        {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => {
                self.i += 1;
                let Some(min) = self.number() else {
                    self.i = start;
                    return Ok(atom);
                };
                let max = if self.eat(',') {
                    self.number()
                } else {
                    Some(min)
                };
                if !self.eat('}') {
                    self.i = start;
                    return Ok(atom);
                }
                self.i -= 1;
                (min, max)
            }
            _ => return Ok(atom),
        };
        self.i += 1;
        if max.is_some_and(|m| m < min) {
            return Err("numbers out of order in {} quantifier".into());
        }
        if matches!(
            atom,
            Node::Bol | Node::Eol | Node::WordB(_) | Node::Look(..)
        ) {
            return Err("nothing to repeat".into());
        }
        let greedy = !self.eat('?');
        Ok(Node::Repeat(Box::new(atom), min, max, greedy))
    }

    fn atom(&mut self) -> Result<Node, String> {
        let Some(c) = self.peek() else {
            return Ok(Node::Empty);
        };
        self.i += 1;
        let ch = char::from_u32(u32::from(c)).unwrap_or('\u{FFFD}');
        Ok(match ch {
            '.' => Node::Any,
            '^' => Node::Bol,
            '$' => Node::Eol,
            '*' | '+' | '?' => return Err("nothing to repeat".into()),
            '(' => {
                let capture = if self.eat('?') {
                    if self.eat(':') {
                        None
                    } else if self.eat('=') || self.eat('!') {
                        let negate = self.s.get(self.i - 1) == Some(&unit('!'));
                        let inner = self.alternation()?;
                        if !self.eat(')') {
                            return Err("unterminated group".into());
                        }
                        return Ok(Node::Look(Box::new(inner), negate));
                    } else {
                        return Err("named groups and lookbehind are not supported".into());
                    }
                } else {
                    self.groups += 1;
                    Some(self.groups)
                };
                let inner = self.alternation()?;
                if !self.eat(')') {
                    return Err("unterminated group".into());
                }
                Node::Group(Box::new(inner), capture)
            }
            ')' => return Err("unmatched \")\"".into()),
            '[' => self.class()?,
            '\\' => self.escape(false)?,
            _ => Node::Char(c),
        })
    }

    /// After a backslash. In a class, `\b` is a backspace and there are no references.
    fn escape(&mut self, in_class: bool) -> Result<Node, String> {
        let Some(c) = self.peek() else {
            return Err("\\ at end of pattern".into());
        };
        self.i += 1;
        let ch = char::from_u32(u32::from(c)).unwrap_or('\u{FFFD}');
        let class = |r: &[(u16, u16)], neg: bool| Node::Class(r.to_vec(), neg);
        Ok(match ch {
            'd' => class(DIGIT, false),
            'D' => class(DIGIT, true),
            'w' => class(WORD, false),
            'W' => class(WORD, true),
            's' => class(SPACE, false),
            'S' => class(SPACE, true),
            'b' if in_class => Node::Char(8),
            'b' => Node::WordB(true),
            'B' if !in_class => Node::WordB(false),
            'n' => Node::Char(10),
            'r' => Node::Char(13),
            't' => Node::Char(9),
            'v' => Node::Char(11),
            'f' => Node::Char(12),
            '0' if !self.peek().is_some_and(|d| (0x30..=0x39).contains(&d)) => Node::Char(0),
            '1'..='9' if !in_class => {
                self.i -= 1;
                let n = self.number().unwrap_or(0);
                Node::Backref(n as usize)
            }
            'x' | 'u' => {
                let len = if ch == 'x' { 2 } else { 4 };
                let digits = self.s.get(self.i..self.i + len).unwrap_or(&[]);
                let text = String::from_utf16_lossy(digits);
                match u16::from_str_radix(&text, 16) {
                    Ok(v) if digits.len() == len && text.chars().all(|c| c.is_ascii_hexdigit()) => {
                        self.i += len;
                        Node::Char(v)
                    }
                    _ => Node::Char(c),
                }
            }
            'c' => match self
                .peek()
                .filter(|l| char::from_u32(u32::from(*l)).is_some_and(|l| l.is_ascii_alphabetic()))
            {
                Some(l) => {
                    self.i += 1;
                    Node::Char(l % 32)
                }
                None => {
                    self.i -= 1;
                    Node::Char(unit('\\'))
                }
            },
            'p' | 'P' | 'k' => return Err(format!("\\{ch} is not supported")),
            _ => Node::Char(c),
        })
    }

    fn class(&mut self) -> Result<Node, String> {
        let negate = self.eat('^');
        let mut ranges: Vec<(u16, u16)> = Vec::new();
        loop {
            let Some(c) = self.peek() else {
                return Err("unterminated character class".into());
            };
            if c == unit(']') {
                self.i += 1;
                break;
            }
            let lo = self.class_atom()?;
            let is_range = self.peek() == Some(unit('-'))
                && self.s.get(self.i + 1).is_some_and(|n| *n != unit(']'));
            match (lo, is_range) {
                (Node::Char(a), true) => {
                    self.i += 1;
                    match self.class_atom()? {
                        Node::Char(b) if b >= a => ranges.push((a, b)),
                        Node::Char(_) => return Err("range out of order in character class".into()),
                        Node::Class(r, neg) => {
                            ranges.push((a, a));
                            ranges.push((unit('-'), unit('-')));
                            ranges.extend(if neg { complement(&r) } else { r });
                        }
                        _ => {}
                    }
                }
                (Node::Char(a), false) => ranges.push((a, a)),
                (Node::Class(r, neg), _) => ranges.extend(if neg { complement(&r) } else { r }),
                _ => {}
            }
        }
        crate::sorting::sort(&mut ranges);
        Ok(Node::Class(ranges, negate))
    }

    fn class_atom(&mut self) -> Result<Node, String> {
        let c = self.peek().unwrap_or(0);
        self.i += 1;
        if c == unit('\\') {
            self.escape(true)
        } else {
            Ok(Node::Char(c))
        }
    }
}

struct Compiler {
    prog: Vec<Inst>,
    loops: usize,
}

impl Compiler {
    fn emit(&mut self, inst: Inst) -> Result<usize, String> {
        if self.prog.len() >= MAX_PROGRAM {
            return Err("the pattern is too large".into());
        }
        self.prog.push(inst);
        Ok(self.prog.len() - 1)
    }

    fn patch(&mut self, at: usize, inst: Inst) {
        if let Some(slot) = self.prog.get_mut(at) {
            *slot = inst;
        }
    }

    fn node(&mut self, n: &Node) -> Result<(), String> {
        match n {
            Node::Empty => {}
            Node::Char(c) => {
                self.emit(Inst::Char(*c))?;
            }
            Node::Any => {
                self.emit(Inst::Any)?;
            }
            Node::Class(r, neg) => {
                self.emit(Inst::Class(r.clone(), *neg))?;
            }
            Node::Bol => {
                self.emit(Inst::Bol)?;
            }
            Node::Eol => {
                self.emit(Inst::Eol)?;
            }
            Node::WordB(b) => {
                self.emit(Inst::WordB(*b))?;
            }
            Node::Backref(k) => {
                self.emit(Inst::Backref(*k))?;
            }
            Node::Group(inner, cap) => {
                if let Some(k) = cap {
                    self.emit(Inst::Save(2 * k))?;
                }
                self.node(inner)?;
                if let Some(k) = cap {
                    self.emit(Inst::Save(2 * k + 1))?;
                }
            }
            Node::Look(inner, negate) => {
                let at = self.emit(Inst::Match)?;
                self.node(inner)?;
                self.emit(Inst::Match)?;
                let end = self.prog.len();
                self.patch(
                    at,
                    Inst::Look {
                        negate: *negate,
                        end,
                    },
                );
            }
            Node::Concat(items) => {
                for item in items {
                    self.node(item)?;
                }
            }
            Node::Alt(alts) => {
                let mut jumps = Vec::new();
                for (i, alt) in alts.iter().enumerate() {
                    if i + 1 < alts.len() {
                        let split = self.emit(Inst::Match)?;
                        self.node(alt)?;
                        jumps.push(self.emit(Inst::Match)?);
                        let next = self.prog.len();
                        self.patch(split, Inst::Split(split + 1, next));
                    } else {
                        self.node(alt)?;
                    }
                }
                let end = self.prog.len();
                for j in jumps {
                    self.patch(j, Inst::Jmp(end));
                }
            }
            Node::Repeat(inner, min, max, greedy) => self.repeat(inner, *min, *max, *greedy)?,
        }
        Ok(())
    }

    fn split(&mut self, at: usize, body: usize, exit: usize, greedy: bool) {
        let inst = if greedy {
            Inst::Split(body, exit)
        } else {
            Inst::Split(exit, body)
        };
        self.patch(at, inst);
    }

    fn repeat(
        &mut self,
        inner: &Node,
        min: u32,
        max: Option<u32>,
        greedy: bool,
    ) -> Result<(), String> {
        for _ in 0..min {
            self.node(inner)?;
        }
        match max {
            None => {
                let slot = self.loops;
                self.loops += 1;
                let split = self.emit(Inst::Match)?;
                self.emit(Inst::LoopStart(slot))?;
                self.node(inner)?;
                self.emit(Inst::LoopCheck(slot))?;
                self.emit(Inst::Jmp(split))?;
                let exit = self.prog.len();
                self.split(split, split + 1, exit, greedy);
            }
            Some(max) => {
                let mut splits = Vec::new();
                for _ in min..max {
                    splits.push(self.emit(Inst::Match)?);
                    self.node(inner)?;
                }
                let exit = self.prog.len();
                for s in splits {
                    self.split(s, s + 1, exit, greedy);
                }
            }
        }
        Ok(())
    }
}

/// The compiled program of `pattern`, and its number of capture groups and loop registers.
pub(super) fn compile(pattern: &str) -> Result<(Vec<Inst>, usize, usize), String> {
    let units: Vec<u16> = pattern.encode_utf16().collect();
    let mut p = PatternParser {
        s: &units,
        i: 0,
        groups: 0,
        depth: 0,
    };
    let tree = p.alternation()?;
    if p.i < units.len() {
        return Err("unmatched \")\"".into());
    }
    let mut c = Compiler {
        prog: Vec::new(),
        loops: 0,
    };
    c.emit(Inst::Save(0))?;
    c.node(&tree)?;
    c.emit(Inst::Save(1))?;
    c.emit(Inst::Match)?;
    Ok((c.prog, p.groups, c.loops))
}
