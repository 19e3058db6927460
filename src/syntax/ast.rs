//! The syntax tree of a `.claims` file: what was written, with spans, before
//! any name is resolved. Claims stay token lists here: which words form an
//! atom depends on the templates of the whole workspace, so the analyzer reads
//! them.

use crate::diag::Span;
use crate::logic::Verdict;
use crate::syntax::lexer::Token;

/// A name as written (`North Korea`), with its lower-cased words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    pub text: String,
    pub words: Vec<String>,
    pub span: Span,
}

impl Name {
    /// The key names compare by: lower-cased words joined by one space.
    pub fn key(&self) -> String {
        self.words.join(" ")
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleFile {
    pub statements: Vec<Statement>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub kind: StatementKind,
    /// The whole statement, continuation lines included.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StatementKind {
    Relation(RelationDecl),
    Entity(EntityDecl),
    Group(GroupDecl),
    Define(DefineDecl),
    Assertion(AssertionStmt),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelationDecl {
    pub name: Name,
    pub symmetric: bool,
    pub functional: bool,
    pub templates: Vec<Template>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntityDecl {
    pub name: Name,
    pub kind: Name,
    pub aliases: Vec<Name>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupDecl {
    pub name: Name,
    pub members: Vec<Name>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefineDecl {
    pub template: Template,
    pub body: Vec<Token>,
    pub body_span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expectation {
    Verdict(Verdict),
    /// `check:` — reported, never fails the run.
    Check,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssertionStmt {
    pub expectation: Expectation,
    pub claim: Vec<Token>,
    pub claim_span: Span,
}

/// A relation or definition template: literal words and slots.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    pub parts: Vec<Part>,
    /// As written, whitespace folded.
    pub text: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// `{name}` or `{name:kind}`.
    Slot {
        name: String,
        kind: Option<Name>,
        span: Span,
    },
    /// One word position: the lower-cased forms it accepts. `optional` when
    /// the whole word may be left out (`(s)` alone).
    Literal {
        forms: Vec<String>,
        optional: bool,
        span: Span,
    },
}
