//! The syntax tree of a `.claims` file: what was written, with spans, before
//! any name is resolved. Claims stay token lists here: which words form an
//! atom depends on the templates of the whole workspace, so the analyzer reads
//! them.

use crate::diag::Span;
use crate::eval::logic::Verdict;
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
        forms: Forms,
        optional: bool,
        span: Span,
    },
}

/// Most optional parts and `/` choices in one template word.
pub const MAX_WORD_PIECES: usize = 64;

/// The words one template word accepts, kept compiled: alternatives (`a/b`)
/// of pieces, each fixed text or optional text (`troop(s)`). Matching walks
/// the pieces with the set of positions reached in the word, so a word with
/// k optional parts costs k steps per position, never its 2^k spellings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forms {
    alts: Vec<Vec<Piece>>,
    /// The first alternative with every optional part: what reports write.
    first: String,
}

/// One piece of a template word (lower-cased).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Optional(String),
}

impl Forms {
    /// The alternatives of a word; each must be non-empty.
    pub fn new(alts: Vec<Vec<Piece>>) -> Forms {
        let first = alts
            .first()
            .map(|a| {
                a.iter()
                    .map(|p| match p {
                        Piece::Text(t) | Piece::Optional(t) => t.as_str(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Forms { alts, first }
    }

    /// One fixed word.
    pub fn word(w: &str) -> Forms {
        Forms::new(vec![vec![Piece::Text(w.to_lowercase())]])
    }

    /// Whether `word` (lower-cased) is one of the forms. The empty word
    /// never is (see `may_be_empty`).
    pub fn contains(&self, word: &str) -> bool {
        !word.is_empty() && self.alts.iter().any(|a| alt_matches(a, word))
    }

    /// Whether some alternative is optional text only (`(s)`).
    pub fn may_be_empty(&self) -> bool {
        self.alts
            .iter()
            .any(|a| a.iter().all(|p| matches!(p, Piece::Optional(_))))
    }

    /// The form reports write: the first alternative with its optional text.
    pub fn first(&self) -> Option<&String> {
        Some(&self.first).filter(|f| !f.is_empty())
    }

    /// Up to `limit` of the non-empty forms, in order (for suggestions).
    pub fn sample(&self, limit: usize) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for a in &self.alts {
            let mut forms = vec![String::new()];
            for p in a {
                match p {
                    Piece::Text(t) => forms.iter_mut().for_each(|f| f.push_str(t)),
                    Piece::Optional(t) => {
                        let mut with: Vec<String> = forms
                            .iter()
                            .take(limit)
                            .map(|f| format!("{f}{t}"))
                            .collect();
                        with.append(&mut forms);
                        with.truncate(limit);
                        forms = with;
                    }
                }
            }
            for f in forms {
                if !f.is_empty() && !out.contains(&f) && out.len() < limit {
                    out.push(f);
                }
            }
        }
        out
    }

    /// Every spelling of the word when there are at most `limit` and none
    /// is empty (for indexing templates by their first word); `None` when
    /// there are more, so a caller never enumerates 2^k spellings.
    pub fn spellings(&self, limit: usize) -> Option<Vec<String>> {
        if self.may_be_empty() {
            return None;
        }
        let all = self.sample(limit + 1);
        (all.len() <= limit).then_some(all)
    }

    /// Every piece's text, for checks on what a word may contain.
    pub fn pieces(&self) -> impl Iterator<Item = &str> {
        self.alts.iter().flatten().map(|p| match p {
            Piece::Text(t) | Piece::Optional(t) => t.as_str(),
        })
    }
}

/// Whether the pieces of one alternative spell `word` exactly.
fn alt_matches(pieces: &[Piece], word: &str) -> bool {
    let (mut min, mut max) = (0, 0);
    for p in pieces {
        match p {
            Piece::Text(t) => {
                min += t.len();
                max += t.len();
            }
            Piece::Optional(t) => max += t.len(),
        }
    }
    if word.len() < min || word.len() > max {
        return false;
    }
    // Byte positions of `word` reachable after the pieces so far.
    let mut at: Vec<usize> = vec![0];
    for p in pieces {
        let mut next: Vec<usize> = Vec::with_capacity(at.len() * 2);
        for &i in &at {
            match p {
                Piece::Text(t) => {
                    if word[i..].starts_with(t.as_str()) {
                        next.push(i + t.len());
                    }
                }
                Piece::Optional(t) => {
                    next.push(i);
                    if word[i..].starts_with(t.as_str()) {
                        next.push(i + t.len());
                    }
                }
            }
        }
        next.sort_unstable();
        next.dedup();
        if next.is_empty() {
            return false;
        }
        at = next;
    }
    at.last() == Some(&word.len())
}
