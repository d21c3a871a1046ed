//! A small backtracking regular-expression engine for the JavaScript regexps Vega-Lite
//! specs use (`test(/^[A-Z]/, datum.x)`, `replace(datum.s, /-/g, ' ')`).
//!
//! Stage: expressions. Matches over UTF-16 code units, as JavaScript does without the `u`
//! flag. Supports literals and escapes, `.`, classes `[a-z]`/`[^...]` with `\d \w \s` (and
//! negations), anchors `^ $ \b \B`, groups `(...)` and `(?:...)`, lookahead `(?=...)`/`(?!...)`,
//! back-references `\1`, alternation, greedy and lazy `* + ? {n} {n,} {n,m}`, and flags `g`,
//! `i` and `m`. Guarantees: a step limit turns catastrophic backtracking into an error; a
//! nesting limit and a program size limit bound the work; nothing panics.

mod compile;

use std::fmt;

use compile::{Inst, WORD};

/// Backtracking steps allowed for one search before it is abandoned with an error.
const STEP_LIMIT: u64 = 2_000_000;

/// A compiled regular expression.
#[derive(Clone, Debug)]
pub struct Regex {
    source: String,
    flags: String,
    prog: Vec<Inst>,
    groups: usize,
    slots: usize,
    /// The `g` flag: `replace` replaces every match.
    pub global: bool,
    icase: bool,
    multiline: bool,
}

fn canon(c: u16) -> u16 {
    let Some(ch) = char::from_u32(u32::from(c)) else {
        return c;
    };
    let mut up = ch.to_uppercase();
    match (up.next(), up.next()) {
        (Some(u), None) if !(u32::from(c) >= 128 && u.is_ascii()) => {
            u16::try_from(u32::from(u)).unwrap_or(c)
        }
        _ => c,
    }
}

fn is_word(c: Option<u16>) -> bool {
    c.is_some_and(|c| WORD.iter().any(|&(lo, hi)| (lo..=hi).contains(&c)))
}

fn is_line_end(c: u16) -> bool {
    matches!(c, 0x0A | 0x0D | 0x2028 | 0x2029)
}

enum Frame {
    Try(usize, usize),
    Restore(usize, Option<usize>),
}

impl Regex {
    /// Compiles `pattern` with `flags` (any of `g`, `i`, `m`).
    pub fn new(pattern: &str, flags: &str) -> Result<Regex, String> {
        for f in flags.chars() {
            if !matches!(f, 'g' | 'i' | 'm') || flags.chars().filter(|g| *g == f).count() > 1 {
                return Err(format!("the flag \"{f}\" is not supported (use g, i or m)"));
            }
        }
        let (prog, groups, loops) = compile::compile(pattern)?;
        Ok(Regex {
            source: pattern.to_string(),
            flags: flags.to_string(),
            slots: 2 * (groups + 1) + loops,
            prog,
            groups,
            global: flags.contains('g'),
            icase: flags.contains('i'),
            multiline: flags.contains('m'),
        })
    }

    /// `RegExp.prototype.test` on a fresh regexp: whether `s` contains a match.
    pub fn is_match(&self, s: &str) -> Result<bool, String> {
        let units: Vec<u16> = s.encode_utf16().collect();
        Ok(self.find_at(&units, 0)?.is_some())
    }

    /// The first match at or after `start`: capture slots (start, end) per group, group 0 first.
    pub fn find_at(
        &self,
        input: &[u16],
        start: usize,
    ) -> Result<Option<Vec<Option<usize>>>, String> {
        let mut steps = 0u64;
        for s in start..=input.len() {
            let mut slots = vec![None; self.slots];
            if self.run(input, 0, s, &mut slots, &mut steps)? {
                slots.truncate(2 * (self.groups + 1));
                return Ok(Some(slots));
            }
        }
        Ok(None)
    }

    fn class_has(&self, ranges: &[(u16, u16)], c: u16) -> bool {
        let has = |c: u16| ranges.iter().any(|&(lo, hi)| (lo..=hi).contains(&c));
        if has(c) {
            return true;
        }
        if !self.icase {
            return false;
        }
        let Some(ch) = char::from_u32(u32::from(c)) else {
            return false;
        };
        ch.to_lowercase()
            .chain(ch.to_uppercase())
            .filter_map(|x| u16::try_from(u32::from(x)).ok())
            .any(|x| canon(x) == canon(c) && has(x))
    }

    /// Whether a zero-width instruction holds at `pos`.
    fn assertion(&self, inst: &Inst, input: &[u16], pos: usize, slots: &[Option<usize>]) -> bool {
        let cur = input.get(pos).copied();
        match inst {
            Inst::Bol => {
                pos == 0
                    || (self.multiline
                        && pos
                            .checked_sub(1)
                            .and_then(|p| input.get(p))
                            .is_some_and(|c| is_line_end(*c)))
            }
            Inst::Eol => pos == input.len() || (self.multiline && cur.is_some_and(is_line_end)),
            Inst::WordB(want) => {
                let before = pos.checked_sub(1).and_then(|p| input.get(p).copied());
                (is_word(before) != is_word(cur)) == *want
            }
            Inst::LoopCheck(k) => {
                slots.get(2 * (self.groups + 1) + k).copied().flatten() != Some(pos)
            }
            _ => false,
        }
    }

    /// Runs the program from `pc` at `pos`; true when it reaches `Match`.
    fn run(
        &self,
        input: &[u16],
        pc: usize,
        pos: usize,
        slots: &mut [Option<usize>],
        steps: &mut u64,
    ) -> Result<bool, String> {
        let mut stack = vec![Frame::Try(pc, pos)];
        while let Some(frame) = stack.pop() {
            let (mut pc, mut pos) = match frame {
                Frame::Try(pc, pos) => (pc, pos),
                Frame::Restore(slot, old) => {
                    if let Some(s) = slots.get_mut(slot) {
                        *s = old;
                    }
                    continue;
                }
            };
            loop {
                *steps += 1;
                if *steps > STEP_LIMIT {
                    return Err("the regular expression takes too long on this text (too much backtracking)".into());
                }
                let Some(inst) = self.prog.get(pc) else {
                    return Ok(false);
                };
                let cur = input.get(pos).copied();
                let ok = match inst {
                    Inst::Match => return Ok(true),
                    Inst::Char(c) => {
                        cur.is_some_and(|x| x == *c || (self.icase && canon(x) == canon(*c)))
                    }
                    Inst::Any => cur.is_some_and(|x| !is_line_end(x)),
                    Inst::Class(r, neg) => cur.is_some_and(|x| self.class_has(r, x) != *neg),
                    Inst::Bol | Inst::Eol | Inst::WordB(_) | Inst::LoopCheck(_) => {
                        if !self.assertion(inst, input, pos, slots) {
                            break;
                        }
                        pc += 1;
                        continue;
                    }
                    Inst::Jmp(t) => {
                        pc = *t;
                        continue;
                    }
                    Inst::Split(a, b) => {
                        stack.push(Frame::Try(*b, pos));
                        pc = *a;
                        continue;
                    }
                    Inst::Save(k) | Inst::LoopStart(k) => {
                        let k = if matches!(inst, Inst::LoopStart(_)) {
                            2 * (self.groups + 1) + k
                        } else {
                            *k
                        };
                        if let Some(s) = slots.get_mut(k) {
                            stack.push(Frame::Restore(k, *s));
                            *s = Some(pos);
                        }
                        pc += 1;
                        continue;
                    }
                    Inst::Backref(k) => {
                        let (Some(Some(a)), Some(Some(b))) =
                            (slots.get(2 * k), slots.get(2 * k + 1))
                        else {
                            pc += 1;
                            continue;
                        };
                        let sub = input.get(*a..*b).unwrap_or(&[]);
                        let here = input.get(pos..pos + sub.len());
                        let same = here.is_some_and(|h| {
                            h.iter()
                                .zip(sub)
                                .all(|(x, y)| x == y || (self.icase && canon(*x) == canon(*y)))
                        });
                        if same {
                            pos += sub.len();
                            pc += 1;
                            continue;
                        }
                        false
                    }
                    Inst::Look { negate, end } => {
                        let mut inner = slots.to_vec();
                        let found = self.run(input, pc + 1, pos, &mut inner, steps)?;
                        if found && !*negate {
                            for (k, v) in inner.into_iter().enumerate().take(2 * (self.groups + 1))
                            {
                                if let Some(s) = slots.get_mut(k) {
                                    if *s != v {
                                        stack.push(Frame::Restore(k, *s));
                                        *s = v;
                                    }
                                }
                            }
                        }
                        if found != *negate {
                            pc = *end;
                            continue;
                        }
                        false
                    }
                };
                if !ok {
                    break;
                }
                pc += 1;
                pos += 1;
            }
        }
        Ok(false)
    }

    /// `String.prototype.replace(regex, replacement)`: the first match, or every match with
    /// the `g` flag; `$&`, `` $` ``, `$'`, `$1`..`$99` and `$$` in `replacement` expand.
    pub fn replace(&self, s: &str, replacement: &str) -> Result<String, String> {
        let input: Vec<u16> = s.encode_utf16().collect();
        let repl: Vec<u16> = replacement.encode_utf16().collect();
        let mut out: Vec<u16> = Vec::new();
        let mut last = 0;
        let mut at = 0;
        while at <= input.len() {
            let Some(caps) = self.find_at(&input, at)? else {
                break;
            };
            let (Some(Some(ms)), Some(Some(me))) = (caps.first(), caps.get(1)) else {
                break;
            };
            let (ms, me) = (*ms, *me);
            out.extend_from_slice(input.get(last..ms).unwrap_or(&[]));
            expand(&repl, &input, &caps, &mut out);
            last = me;
            if !self.global {
                break;
            }
            at = if me == ms { me + 1 } else { me };
        }
        out.extend_from_slice(input.get(last..).unwrap_or(&[]));
        Ok(String::from_utf16_lossy(&out))
    }
}

/// `GetSubstitution`: expands `$` patterns of a replacement.
fn expand(repl: &[u16], input: &[u16], caps: &[Option<usize>], out: &mut Vec<u16>) {
    let groups = caps.len() / 2;
    let cap = |k: usize| match (caps.get(2 * k), caps.get(2 * k + 1)) {
        (Some(Some(a)), Some(Some(b))) => input.get(*a..*b).unwrap_or(&[]),
        _ => &[],
    };
    let (ms, me) = match (caps.first(), caps.get(1)) {
        (Some(Some(a)), Some(Some(b))) => (*a, *b),
        _ => (0, 0),
    };
    let digit = |c: Option<&u16>| {
        c.filter(|c| (0x30..=0x39).contains(*c))
            .map(|c| usize::from(c - 0x30))
    };
    let mut i = 0;
    while let Some(&c) = repl.get(i) {
        i += 1;
        if c != 0x24 {
            out.push(c);
            continue;
        }
        match repl.get(i).copied() {
            Some(0x24) => out.push(0x24),
            Some(0x26) => out.extend_from_slice(cap(0)),
            Some(0x60) => out.extend_from_slice(input.get(..ms).unwrap_or(&[])),
            Some(0x27) => out.extend_from_slice(input.get(me..).unwrap_or(&[])),
            _ => {
                let d1 = digit(repl.get(i));
                let d2 = digit(repl.get(i + 1));
                match (d1, d2) {
                    (Some(a), Some(b)) if a * 10 + b >= 1 && a * 10 + b < groups => {
                        out.extend_from_slice(cap(a * 10 + b));
                        i += 2;
                    }
                    (Some(a), _) if a >= 1 && a < groups => {
                        out.extend_from_slice(cap(a));
                        i += 1;
                    }
                    _ => out.push(0x24),
                }
                continue;
            }
        }
        i += 1;
    }
}

impl fmt::Display for Regex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let src = if self.source.is_empty() {
            "(?:)"
        } else {
            &self.source
        };
        write!(f, "/{src}/{}", self.flags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, f: &str, s: &str) -> bool {
        Regex::new(p, f).unwrap().is_match(s).unwrap()
    }

    #[test]
    fn matches_like_javascript() {
        // Each row checked in node: new RegExp(p, f).test(s).
        let cases = [
            ("^[A-Z]", "", "Hello", true),
            ("^[A-Z]", "", "hello", false),
            ("^[A-Z]", "i", "hello", true),
            ("ab+c", "", "xabbbcx", true),
            ("ab+c", "", "xacx", false),
            ("^a{2,3}$", "", "aaa", true),
            ("^a{2,3}$", "", "aaaa", false),
            ("^(a|bc)*d$", "", "abcabcd", true),
            ("^\\d+(\\.\\d+)?$", "", "3.14", true),
            ("^\\d+(\\.\\d+)?$", "", "3.", false),
            ("\\bcat\\b", "", "a cat!", true),
            ("\\bcat\\b", "", "concat", false),
            ("^(\\w)\\w*\\1$", "", "abca", true),
            ("^(\\w)\\w*\\1$", "", "abcd", false),
            ("foo(?=bar)", "", "foobar", true),
            ("foo(?!bar)", "", "foobar", false),
            ("^$", "", "", true),
            ("^b", "m", "a\nb", true),
            ("^b", "", "a\nb", false),
            ("[^a-c]", "", "abc", false),
            ("[\\s\\-]", "", "a-b", true),
            ("a.c", "", "a\nc", false),
            ("(a*)*b", "", "aaaaaaaaac", false),
            ("x{", "", "x{", true),
            ("^(?:a|ab)c$", "", "abc", true),
            ("a+?b", "", "aaab", true),
            ("[é]", "i", "É", true),
        ];
        for (p, f, s, want) in cases {
            assert_eq!(m(p, f, s), want, "/{p}/{f} on {s:?}");
        }
    }

    #[test]
    fn replace_expands_dollar_patterns() {
        let r = Regex::new("(\\w+)@(\\w+)", "g").unwrap();
        assert_eq!(
            r.replace("a@b c@d", "$2-$1 [$&] $$").unwrap(),
            "b-a [a@b] $ d-c [c@d] $"
        );
        assert_eq!(
            Regex::new("x*", "g").unwrap().replace("abc", "-").unwrap(),
            "-a-b-c-"
        );
        assert_eq!(
            Regex::new("b", "")
                .unwrap()
                .replace("abcb", "[$`|$']")
                .unwrap(),
            "a[a|cb]cb"
        );
    }

    #[test]
    fn bad_and_pathological_patterns_are_errors() {
        for p in ["(", "a)", "[a", "*", "a{3,1}", "(?<n>a)", "\\p{L}"] {
            assert!(Regex::new(p, "").is_err(), "{p}");
        }
        assert!(Regex::new("a", "u").is_err());
        let r = Regex::new("^(a+)+$", "").unwrap();
        assert!(r
            .is_match(&"a".repeat(40).chars().chain(['!']).collect::<String>())
            .is_err());
        assert!(Regex::new("(((a{100}){100}){100})", "").is_err());
        let deep = format!("{}a{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(Regex::new(&deep, "").is_err());
        let deep = format!("{}a{}", "(?=".repeat(49), ")".repeat(49));
        assert!(Regex::new(&deep, "").unwrap().is_match("a").unwrap());
    }
}
