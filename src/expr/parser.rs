//! The parser of the Vega expression language subset: source text to a [`Node`] tree.
//!
//! Stage: expressions. Mirrors vega-expression's grammar (an Esprima-derived JavaScript
//! expression parser): literals, arrays, objects, member access, calls of whitelisted
//! functions, unary `- + ! ~`, the binary operators with JavaScript precedence, `&&`, `||`
//! and `?:`. Identifiers resolve at parse time to constants (`PI`, `NaN`, ...), row fields
//! (`datum.x`, `datum['x y']`) or parameters (any other name, looked up at evaluation).
//! Guarantees: never panics; trees deeper than [`MAX_DEPTH`] and brackets nested deeper than
//! [`MAX_NESTING`] are errors, not stack overflows; every error
//! carries the character offset where parsing stopped and what was expected there.

use std::rc::Rc;

use super::ast::{BinaryOp, Kind, LogicalOp, Node, UnaryOp, MAX_DEPTH, MAX_NESTING};
use super::functions::{self, FnKind};
use super::lexer::{LexError, Lexer, Tok, Token};
use super::regex::Regex;
use super::value::JsValue;

/// A syntax error: the character offset and what went wrong there.
#[derive(Clone, Debug, PartialEq)]
pub struct ParseError {
    /// Character offset (0-based).
    pub offset: usize,
    /// What was expected or what is not allowed.
    pub message: String,
    /// Whether the problem is a feature storychart does not support (rather than bad syntax).
    pub unsupported: bool,
}

impl From<LexError> for ParseError {
    fn from(e: LexError) -> Self {
        ParseError {
            offset: e.offset,
            message: e.message,
            unsupported: false,
        }
    }
}

type PResult<T> = Result<T, ParseError>;

/// Parses a whole expression.
pub fn parse_tree(source: &str) -> PResult<Node> {
    let mut lx = Lexer::new(source);
    let tok = lx.token_at(0)?;
    let mut p = Parser {
        lx,
        tok,
        nesting: 0,
    };
    let node = p.expression()?;
    if p.tok.kind != Tok::Eof {
        return p.unexpected("the end of the expression");
    }
    Ok(node)
}

struct Parser {
    lx: Lexer,
    tok: Token,
    nesting: usize,
}

/// The constants Vega defines (vega-expression `constants.js`).
fn constant(name: &str) -> Option<f64> {
    Some(match name {
        "NaN" => f64::NAN,
        "E" => std::f64::consts::E,
        "LN2" => std::f64::consts::LN_2,
        "LN10" => std::f64::consts::LN_10,
        "LOG2E" => std::f64::consts::LOG2_E,
        "LOG10E" => std::f64::consts::LOG10_E,
        "PI" => std::f64::consts::PI,
        "SQRT1_2" => std::f64::consts::FRAC_1_SQRT_2,
        "SQRT2" => std::f64::consts::SQRT_2,
        "MIN_VALUE" => 5e-324,
        "MAX_VALUE" => f64::MAX,
        _ => return None,
    })
}

fn binary_op(tok: &Tok) -> Option<(u8, BinOrLogic)> {
    use BinOrLogic::{Bin, Logic};
    let p = match tok {
        Tok::Punct(p) => *p,
        Tok::Keyword(k) if k == "in" || k == "instanceof" => {
            return Some((7, BinOrLogic::Unsupported))
        }
        _ => return None,
    };
    Some(match p {
        "||" => (1, Logic(LogicalOp::Or)),
        "&&" => (2, Logic(LogicalOp::And)),
        "|" => (3, Bin(BinaryOp::BitOr)),
        "^" => (4, Bin(BinaryOp::BitXor)),
        "&" => (5, Bin(BinaryOp::BitAnd)),
        "==" => (6, Bin(BinaryOp::Eq)),
        "!=" => (6, Bin(BinaryOp::Ne)),
        "===" => (6, Bin(BinaryOp::StrictEq)),
        "!==" => (6, Bin(BinaryOp::StrictNe)),
        "<" => (7, Bin(BinaryOp::Lt)),
        ">" => (7, Bin(BinaryOp::Gt)),
        "<=" => (7, Bin(BinaryOp::Le)),
        ">=" => (7, Bin(BinaryOp::Ge)),
        "<<" => (8, Bin(BinaryOp::Shl)),
        ">>" => (8, Bin(BinaryOp::Shr)),
        ">>>" => (8, Bin(BinaryOp::UShr)),
        "+" => (9, Bin(BinaryOp::Add)),
        "-" => (9, Bin(BinaryOp::Sub)),
        "*" => (11, Bin(BinaryOp::Mul)),
        "/" => (11, Bin(BinaryOp::Div)),
        "%" => (11, Bin(BinaryOp::Rem)),
        _ => return None,
    })
}

#[derive(Clone, Copy)]
enum BinOrLogic {
    Bin(BinaryOp),
    Logic(LogicalOp),
    Unsupported,
}

fn describe(tok: &Tok) -> String {
    match tok {
        Tok::Eof => "the end of the expression".to_string(),
        Tok::Num(_) => "a number".to_string(),
        Tok::Str(_) => "a string".to_string(),
        Tok::Ident(s) | Tok::Keyword(s) => format!("\"{s}\""),
        Tok::Punct(p) => format!("\"{p}\""),
    }
}

impl Parser {
    fn advance(&mut self) -> PResult<Token> {
        let next = self.lx.token_at(self.tok.end)?;
        Ok(std::mem::replace(&mut self.tok, next))
    }

    fn is(&self, p: &str) -> bool {
        matches!(self.tok.kind, Tok::Punct(q) if q == p)
    }

    fn expect(&mut self, p: &str) -> PResult<()> {
        if self.is(p) {
            self.advance()?;
            Ok(())
        } else {
            self.unexpected(&format!("\"{p}\""))
        }
    }

    fn unexpected<T>(&self, expected: &str) -> PResult<T> {
        Err(ParseError {
            offset: self.tok.start,
            message: format!("expected {expected}, found {}", describe(&self.tok.kind)),
            unsupported: false,
        })
    }

    fn fail<T>(&self, offset: usize, message: String, unsupported: bool) -> PResult<T> {
        Err(ParseError {
            offset,
            message,
            unsupported,
        })
    }

    fn node(&self, offset: usize, kind: Kind) -> PResult<Node> {
        let n = Node::new(kind);
        if n.depth > MAX_DEPTH {
            return self.fail(
                offset,
                format!("the expression nests deeper than {MAX_DEPTH} levels"),
                false,
            );
        }
        Ok(n)
    }

    fn enter(&mut self) -> PResult<()> {
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            return self.fail(
                self.tok.start,
                format!("the expression nests deeper than {MAX_NESTING} levels"),
                false,
            );
        }
        Ok(())
    }

    fn expression(&mut self) -> PResult<Node> {
        let node = self.conditional()?;
        if self.is(",") {
            return self.fail(
                self.tok.start,
                "the comma operator is not allowed".into(),
                false,
            );
        }
        Ok(node)
    }

    fn conditional(&mut self) -> PResult<Node> {
        self.enter()?;
        let start = self.tok.start;
        let mut node = self.binary(1)?;
        if self.is("?") {
            self.advance()?;
            let yes = self.conditional()?;
            self.expect(":")?;
            let no = self.conditional()?;
            node = self.node(
                start,
                Kind::Cond(Box::new(node), Box::new(yes), Box::new(no)),
            )?;
        }
        self.nesting -= 1;
        Ok(node)
    }

    fn binary(&mut self, min_prec: u8) -> PResult<Node> {
        let start = self.tok.start;
        let mut left = self.unary()?;
        while let Some((prec, op)) = binary_op(&self.tok.kind) {
            if prec < min_prec {
                break;
            }
            let op_tok = self.advance()?;
            let right = self.binary(prec + 1)?;
            let kind = match op {
                BinOrLogic::Bin(op) => Kind::Binary(op, Box::new(left), Box::new(right)),
                BinOrLogic::Logic(op) => Kind::Logical(op, Box::new(left), Box::new(right)),
                BinOrLogic::Unsupported => {
                    let what = describe(&op_tok.kind);
                    return self.fail(
                        op_tok.start,
                        format!("the {what} operator is not supported"),
                        true,
                    );
                }
            };
            left = self.node(start, kind)?;
        }
        Ok(left)
    }

    fn unary(&mut self) -> PResult<Node> {
        let start = self.tok.start;
        let op = match &self.tok.kind {
            Tok::Punct("-") => UnaryOp::Neg,
            Tok::Punct("+") => UnaryOp::Plus,
            Tok::Punct("!") => UnaryOp::Not,
            Tok::Punct("~") => UnaryOp::BitNot,
            Tok::Punct(p @ ("++" | "--")) => {
                return self.fail(start, format!("the \"{p}\" operator is not allowed"), false)
            }
            Tok::Keyword(k) if matches!(k.as_str(), "typeof" | "void" | "delete") => {
                return self.fail(
                    start,
                    format!("\"{k}\" is not allowed in expressions"),
                    false,
                )
            }
            _ => return self.postfix(),
        };
        self.advance()?;
        self.enter()?;
        let arg = self.unary()?;
        self.nesting -= 1;
        self.node(start, Kind::Unary(op, Box::new(arg)))
    }

    fn postfix(&mut self) -> PResult<Node> {
        let start = self.tok.start;
        let mut node = match self.tok.kind.clone() {
            Tok::Ident(name) => {
                self.advance()?;
                self.identifier(&name, start)?
            }
            Tok::Keyword(k) if k == "if" => {
                self.advance()?;
                if !self.is("(") {
                    return self.unexpected("\"(\" after \"if\"");
                }
                self.call("if", start)?
            }
            _ => self.primary()?,
        };
        loop {
            if self.is(".") {
                self.advance()?;
                let (Tok::Ident(name) | Tok::Keyword(name)) = self.tok.kind.clone() else {
                    return self.unexpected("a property name");
                };
                self.advance()?;
                let key = self.node(start, Kind::Literal(JsValue::str(&name)))?;
                node = self.node(start, Kind::Member(Box::new(node), Box::new(key)))?;
            } else if self.is("[") {
                self.advance()?;
                let key = self.expression()?;
                self.expect("]")?;
                node = self.node(start, Kind::Member(Box::new(node), Box::new(key)))?;
            } else if self.is("(") {
                return self.fail(
                    self.tok.start,
                    "only named functions can be called".into(),
                    false,
                );
            } else if self.is("++") || self.is("--") {
                let what = describe(&self.tok.kind);
                return self.fail(
                    self.tok.start,
                    format!("the {what} operator is not allowed"),
                    false,
                );
            } else {
                return Ok(node);
            }
        }
    }

    /// A bare identifier: a call, `datum` access, a constant or a parameter.
    fn identifier(&mut self, name: &str, start: usize) -> PResult<Node> {
        if self.is("(") {
            return self.call(name, start);
        }
        match name {
            "true" => return self.node(start, Kind::Literal(JsValue::Bool(true))),
            "false" => return self.node(start, Kind::Literal(JsValue::Bool(false))),
            "null" => return self.node(start, Kind::Literal(JsValue::Null)),
            "datum" => return self.datum(start),
            "event" | "item" => {
                return self.fail(
                    start,
                    format!("\"{name}\" is not supported in data expressions"),
                    true,
                )
            }
            "_" => return self.fail(start, "the identifier \"_\" is not allowed".into(), false),
            _ => {}
        }
        if let Some(v) = constant(name) {
            return self.node(start, Kind::Literal(JsValue::Num(v)));
        }
        self.node(start, Kind::Param(name.to_string()))
    }

    /// `datum.name`, `datum['name']` or `datum[expr]`.
    fn datum(&mut self, start: usize) -> PResult<Node> {
        if self.is(".") {
            self.advance()?;
            let (Tok::Ident(name) | Tok::Keyword(name)) = self.tok.kind.clone() else {
                return self.unexpected("a field name after \"datum.\"");
            };
            self.advance()?;
            return self.node(start, Kind::Field(name));
        }
        if self.is("[") {
            self.advance()?;
            let key = self.expression()?;
            self.expect("]")?;
            if let Kind::Literal(v) = &key.kind {
                return self.node(start, Kind::Field(v.to_js_string()));
            }
            return self.node(start, Kind::DynField(Box::new(key)));
        }
        self.fail(
            start,
            "\"datum\" as a whole value (use datum.field)".into(),
            true,
        )
    }

    fn call(&mut self, name: &str, start: usize) -> PResult<Node> {
        let f = match functions::lookup(name) {
            FnKind::Known(f) => f,
            FnKind::Unsupported(reason) => {
                return self.fail(start, format!("the function \"{name}\" ({reason})"), true)
            }
            FnKind::Unknown => {
                return self.fail(start, format!("unknown function \"{name}\""), false)
            }
        };
        self.expect("(")?;
        let mut args = Vec::new();
        while !self.is(")") {
            args.push(self.conditional()?);
            if !self.is(")") {
                self.expect(",")?;
            }
        }
        self.advance()?;
        if f == "if" {
            let mut it = args.into_iter();
            let (Some(t), Some(a), Some(b), None) = (it.next(), it.next(), it.next(), it.next())
            else {
                return self.fail(
                    start,
                    "if(test, then, else) takes exactly 3 arguments".into(),
                    false,
                );
            };
            return self.node(start, Kind::Cond(Box::new(t), Box::new(a), Box::new(b)));
        }
        if f == "clamp" && args.len() != 3 {
            return self.fail(
                start,
                "clamp(value, min, max) takes exactly 3 arguments".into(),
                false,
            );
        }
        self.node(start, Kind::Call(f, args))
    }

    fn primary(&mut self) -> PResult<Node> {
        let start = self.tok.start;
        match self.tok.kind.clone() {
            Tok::Num(n) => {
                self.advance()?;
                self.node(start, Kind::Literal(JsValue::Num(n)))
            }
            Tok::Str(s) => {
                self.advance()?;
                self.node(start, Kind::Literal(JsValue::Str(Rc::from(s))))
            }
            Tok::Punct("(") => {
                self.advance()?;
                let node = self.expression()?;
                self.expect(")")?;
                Ok(node)
            }
            Tok::Punct("[") => self.array(start),
            Tok::Punct("{") => self.object(start),
            Tok::Punct("/" | "/=") => {
                let lit = self.lx.regex_at(start)?;
                let re = Regex::new(&lit.pattern, &lit.flags).or_else(|e| {
                    self.fail(start, format!("invalid regular expression: {e}"), false)
                })?;
                self.tok = self.lx.token_at(lit.end)?;
                self.node(start, Kind::Regex(Rc::new(re)))
            }
            Tok::Keyword(k) => self.fail(
                start,
                format!("the reserved word \"{k}\" is not allowed"),
                false,
            ),
            _ => self.unexpected("a value"),
        }
    }

    fn array(&mut self, start: usize) -> PResult<Node> {
        self.advance()?;
        let mut items = Vec::new();
        while !self.is("]") {
            if self.is(",") {
                return self.unexpected("an array element");
            }
            items.push(self.conditional()?);
            if !self.is("]") {
                self.expect(",")?;
            }
        }
        self.advance()?;
        self.node(start, Kind::Array(items))
    }

    fn object(&mut self, start: usize) -> PResult<Node> {
        self.advance()?;
        let mut props: Vec<(String, Node)> = Vec::new();
        while !self.is("}") {
            let key_start = self.tok.start;
            let key = match &self.tok.kind {
                Tok::Ident(s) | Tok::Keyword(s) | Tok::Str(s) => s.clone(),
                Tok::Num(n) => super::value::number_to_string(*n),
                _ => return self.unexpected("a property name"),
            };
            if matches!(key.as_str(), "__proto__" | "constructor" | "prototype") {
                return self.fail(
                    key_start,
                    format!("the property name \"{key}\" is not allowed"),
                    false,
                );
            }
            if props.iter().any(|(k, _)| *k == key) {
                return self.fail(key_start, format!("duplicate property \"{key}\""), false);
            }
            self.advance()?;
            self.expect(":")?;
            props.push((key, self.conditional()?));
            if !self.is("}") {
                self.expect(",")?;
            }
        }
        self.advance()?;
        self.node(start, Kind::Object(props))
    }
}
