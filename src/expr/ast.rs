//! The expression tree that [`super::parse`] builds and [`super::eval`] walks.
//!
//! Stage: expressions (used by the `filter` and `calculate` transforms and `test` conditions).
//! Guarantees: every [`Node`] knows its depth, and the parser never builds a tree deeper than
//! [`MAX_DEPTH`], so walking (and dropping) a tree never exhausts the stack.

use std::rc::Rc;

use super::regex::Regex;
use super::value::JsValue;

/// The deepest tree the parser builds; deeper trees are a syntax error, not a stack overflow.
/// (Real specs stay under 30; a debug build evaluates 100 levels in well under 1 MB of stack.)
pub const MAX_DEPTH: usize = 100;

/// The deepest parser recursion (brackets, calls, unary operators, `?:` inside each other).
/// Debug builds use about 20 KB of stack per level, so this keeps parsing under 1.5 MB.
pub const MAX_NESTING: usize = 64;

/// Unary operators: `-x`, `+x`, `!x`, `~x`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-x` (numeric negation).
    Neg,
    /// `+x` (to number).
    Plus,
    /// `!x` (logical not).
    Not,
    /// `~x` (bitwise not on int32).
    BitNot,
}

/// Binary (non-short-circuit) operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    /// `+` (addition or string concatenation).
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/`.
    Div,
    /// `%` (remainder with the sign of the dividend).
    Rem,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `==` (loose equality).
    Eq,
    /// `!=`.
    Ne,
    /// `===` (strict equality).
    StrictEq,
    /// `!==`.
    StrictNe,
    /// `&` on int32.
    BitAnd,
    /// `|` on int32.
    BitOr,
    /// `^` on int32.
    BitXor,
    /// `<<`.
    Shl,
    /// `>>` (sign-propagating).
    Shr,
    /// `>>>` (zero-fill, result is uint32).
    UShr,
}

/// Short-circuit operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogicalOp {
    /// `&&`: the left value if falsy, else the right value.
    And,
    /// `||`: the left value if truthy, else the right value.
    Or,
}

/// One node of the tree, with its depth (a leaf has depth 1).
#[derive(Clone, Debug)]
pub struct Node {
    /// What the node is.
    pub kind: Kind,
    /// 1 + the depth of the deepest child.
    pub depth: usize,
}

/// The kinds of node.
#[derive(Clone, Debug)]
pub enum Kind {
    /// A literal or named constant (`3`, `'a'`, `true`, `null`, `PI`).
    Literal(JsValue),
    /// A regular expression literal (`/ab+c/i`).
    Regex(Rc<Regex>),
    /// `datum.name` or `datum['name']`: a field of the current row.
    Field(String),
    /// `datum[expr]`: a field whose name is computed per row.
    DynField(Box<Node>),
    /// A bare identifier that is neither a constant nor `datum`: a Vega parameter (signal).
    Param(String),
    /// `[a, b, ...]`.
    Array(Vec<Node>),
    /// `{key: value, ...}`.
    Object(Vec<(String, Node)>),
    /// `object.name` or `object[expr]` on a value other than `datum`.
    Member(Box<Node>, Box<Node>),
    /// A unary operator.
    Unary(UnaryOp, Box<Node>),
    /// A binary operator.
    Binary(BinaryOp, Box<Node>, Box<Node>),
    /// `&&` or `||`.
    Logical(LogicalOp, Box<Node>, Box<Node>),
    /// `test ? a : b` (also `if(test, a, b)`).
    Cond(Box<Node>, Box<Node>, Box<Node>),
    /// A call of a whitelisted function.
    Call(&'static str, Vec<Node>),
}

impl Node {
    /// Wraps `kind`, computing its depth from its children.
    pub fn new(kind: Kind) -> Node {
        let depth = 1 + kind.children().map(|c| c.depth).max().unwrap_or(0);
        Node { kind, depth }
    }
}

impl Kind {
    /// The direct children, in evaluation order.
    pub fn children(&self) -> Box<dyn Iterator<Item = &Node> + '_> {
        match self {
            Kind::Literal(_) | Kind::Regex(_) | Kind::Field(_) | Kind::Param(_) => {
                Box::new(std::iter::empty())
            }
            Kind::DynField(a) | Kind::Unary(_, a) => Box::new(std::iter::once(a.as_ref())),
            Kind::Array(v) | Kind::Call(_, v) => Box::new(v.iter()),
            Kind::Object(v) => Box::new(v.iter().map(|(_, n)| n)),
            Kind::Member(a, b) | Kind::Binary(_, a, b) | Kind::Logical(_, a, b) => {
                Box::new([a.as_ref(), b.as_ref()].into_iter())
            }
            Kind::Cond(a, b, c) => Box::new([a.as_ref(), b.as_ref(), c.as_ref()].into_iter()),
        }
    }
}
