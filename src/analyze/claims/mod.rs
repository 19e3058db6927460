//! Reading claims: turns a token list into a `Claim` tree, matching atoms
//! against every relation and definition template of the workspace (docs/language.md §7):
//! the longest template match at each position, with no backtracking to a
//! shorter atom; `and`/`or`/`not`/`no`, parentheses and quantifiers around
//! atoms. On failure it reads the words again loosely to say what is wrong:
//! the unknown entity, the wrong kind, or the nearest template.

mod index;
mod loose;
mod matching;
mod names;

use crate::diag::{nearest, Diagnostic, ErrorKind, FileId, Span};
use crate::model::{Atom, Claim, GroupId, Quantifier, Slot, SlotType, Target, Template};
use crate::syntax::lexer::{Token, TokenKind};

pub use index::TemplateIndex;
pub use matching::Lexicon;
pub use names::NameTable;

/// Deepest nesting of parentheses, negations and quantifiers in one claim.
pub const MAX_DEPTH: usize = 128;

const KEYWORDS: [&str; 7] = ["and", "or", "not", "no", "every", "some", "in"];

/// A definition's head: what the reader needs before its body is read.
#[derive(Clone, Debug)]
pub struct DefHead {
    pub slots: Vec<Slot>,
    pub template: Template,
}

/// A bound quantifier variable.
struct Var {
    name: String,
    group: GroupId,
}

/// Where a claim is being read, which decides what it may contain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    Assertion,
    Definition,
    Fact,
}

pub struct Reader<'a> {
    lex: &'a Lexicon<'a>,
    file: FileId,
    src: &'a str,
    toks: &'a [Token],
    context: Context,
    params: &'a [Slot],
    vars: Vec<Var>,
    depth: usize,
    bindings: u128,
    /// Kinds that definition slots were used with: (param, kind, span).
    pub param_uses: Vec<(usize, SlotType, Span)>,
    /// Definitions an atom named.
    pub uses: Vec<u32>,
    pub errors: Vec<Diagnostic>,
    /// Set when a claim-level "unknown relation" error should be held back
    /// (a relation declaration failed to parse, so it may be the cause).
    pub quiet_unknown_relation: bool,
    /// Tokens of the last atom read: where a loose reading may explain the
    /// words after it.
    last_atom: Option<(usize, usize)>,
    /// A template whose matching at some position ran out of steps.
    out_of_steps: std::cell::Cell<Option<(Target, usize)>>,
    /// Templates found by an inner word that occurs in `toks`.
    inner_templates: std::cell::OnceCell<Vec<(Target, usize)>>,
}

/// The error of a read: what went wrong is already in `Reader::errors`.
#[derive(Debug)]
pub struct Reported;

type R<T> = Result<T, Reported>;

fn found(t: Option<&Token>) -> String {
    match t {
        None => "the end of the claim".into(),
        Some(t) if t.kind == TokenKind::Text => format!("\"{}\"", t.text),
        Some(t) => format!("`{}`", t.text),
    }
}

impl<'a> Reader<'a> {
    pub fn new(
        lex: &'a Lexicon<'a>,
        file: FileId,
        src: &'a str,
        toks: &'a [Token],
        context: Context,
        params: &'a [Slot],
    ) -> Reader<'a> {
        Reader {
            lex,
            file,
            src,
            toks,
            context,
            params,
            vars: Vec::new(),
            depth: 0,
            bindings: 1,
            param_uses: Vec::new(),
            uses: Vec::new(),
            errors: Vec::new(),
            quiet_unknown_relation: false,
            out_of_steps: std::cell::Cell::new(None),
            inner_templates: std::cell::OnceCell::new(),
            last_atom: None,
        }
    }

    fn error(&mut self, span: Span, kind: ErrorKind) {
        if self.quiet_unknown_relation && matches!(kind, ErrorKind::UnknownRelation { .. }) {
            return;
        }
        self.errors.push(Diagnostic::new(self.file, span, kind));
    }

    fn tok(&self, i: usize) -> Option<&'a Token> {
        self.toks.get(i)
    }

    fn span_of(&self, from: usize, to: usize) -> Span {
        let a = self.toks[from].span;
        let b = self.toks[to.max(from + 1) - 1].span;
        a.to(b)
    }

    fn text_of(&self, from: usize, to: usize) -> String {
        if from >= to {
            return String::new();
        }
        let s = self.span_of(from, to);
        crate::syntax::lexer::fold_spaces(&self.src[s.start as usize..s.end as usize])
    }

    fn end_span(&self) -> Span {
        let e = self.toks.last().map_or(0, |t| t.span.end as usize);
        Span::new(e, e + 1)
    }

    /// Reads the whole token list as one claim.
    pub fn read_all(&mut self) -> R<Claim> {
        let (c, pos) = self.claim(0)?;
        if pos < self.toks.len() {
            let t = &self.toks[pos];
            if t.kind == TokenKind::RParen {
                self.error(
                    t.span,
                    ErrorKind::Syntax {
                        expected: "`and`, `or` or the end of the claim".into(),
                        found: "`)` with no `(` before it".into(),
                    },
                );
            } else if self.is_as_of(pos) {
                self.as_of_error(pos);
            } else if let Some(kind) = self.misspelt_after_number(pos) {
                self.error(t.span, kind);
            } else if let Some(problems) = self.longer_loose_reading(pos) {
                // `Iran met Russia in Junuary 2025`, where the date of `met`
                // may be left out: the words after the atom are a bad date.
                for p in problems {
                    self.report(p);
                }
            } else {
                self.error(
                    t.span,
                    ErrorKind::TrailingInput {
                        found: found(Some(t)),
                    },
                );
            }
            return Err(Reported);
        }
        Ok(c)
    }

    fn is_as_of(&self, pos: usize) -> bool {
        self.tok(pos).is_some_and(|t| t.is_word("as"))
            && self.tok(pos + 1).is_some_and(|t| t.is_word("of"))
    }

    fn as_of_error(&mut self, pos: usize) {
        let span = self.span_of(pos, pos + 2);
        let kind = match self.context {
            Context::Definition => ErrorKind::AsOfNotAllowed {
                context: "in a definition",
            },
            Context::Fact => ErrorKind::AsOfNotAllowed {
                context: "in a fact's sentence (use the fact's `as_of` key)",
            },
            Context::Assertion if self.depth > 0 => ErrorKind::AsOfNotAllowed {
                context: "inside parentheses",
            },
            Context::Assertion => ErrorKind::BadValue {
                text: self.text_of(pos, self.toks.len()),
                wants: "`as of` and a date phrase (as in `as of June 2025`)",
            },
        };
        self.error(span, kind);
    }

    fn claim(&mut self, pos: usize) -> R<(Claim, usize)> {
        self.chain(pos, "or", Self::and, Claim::Or)
    }

    fn and(&mut self, pos: usize) -> R<(Claim, usize)> {
        self.chain(pos, "and", Self::unary, Claim::And)
    }

    /// `operand (word operand)*`: one operand alone, or all of them as one
    /// flat `join` (a long chain is no deeper than one link).
    fn chain(
        &mut self,
        pos: usize,
        word: &str,
        operand: fn(&mut Self, usize) -> R<(Claim, usize)>,
        join: fn(Vec<Claim>) -> Claim,
    ) -> R<(Claim, usize)> {
        let (first, mut pos) = operand(self, pos)?;
        let mut all = vec![first];
        while self.tok(pos).is_some_and(|t| t.is_word(word)) {
            let (next, p) = operand(self, pos + 1)?;
            all.push(next);
            pos = p;
        }
        let claim = if all.len() == 1 {
            all.remove(0)
        } else {
            join(all)
        };
        Ok((claim, pos))
    }

    fn unary(&mut self, pos: usize) -> R<(Claim, usize)> {
        if self.depth >= MAX_DEPTH {
            let span = self.tok(pos).map_or(self.end_span(), |t| t.span);
            self.error(span, ErrorKind::TooDeep { limit: MAX_DEPTH });
            return Err(Reported);
        }
        self.depth += 1;
        let r = self.unary_inner(pos);
        self.depth -= 1;
        r
    }

    fn unary_inner(&mut self, pos: usize) -> R<(Claim, usize)> {
        let Some(t) = self.tok(pos) else {
            self.error(
                self.end_span(),
                ErrorKind::Syntax {
                    expected: "a claim".into(),
                    found: "the end of the claim".into(),
                },
            );
            return Err(Reported);
        };
        if t.kind == TokenKind::LParen {
            let (inner, p) = self.claim(pos + 1)?;
            match self.tok(p) {
                Some(c) if c.kind == TokenKind::RParen => return Ok((inner, p + 1)),
                other => {
                    if self.is_as_of(p) {
                        self.as_of_error(p);
                    } else {
                        let span = other.map_or(self.end_span(), |c| c.span);
                        self.error(
                            span,
                            ErrorKind::Syntax {
                                expected: format!(
                                    "`)` to close the `(` at column {}",
                                    self.col(t.span)
                                ),
                                found: found(other),
                            },
                        );
                    }
                    return Err(Reported);
                }
            }
        }
        if let Some(q) = self.quantifier(pos)? {
            return Ok(q);
        }
        if let Some(atom) = self.atom(pos)? {
            return Ok(atom);
        }
        if t.is_word("not") || t.is_word("no") {
            let (inner, p) = self.unary(pos + 1)?;
            return Ok((Claim::Not(Box::new(inner)), p));
        }
        self.explain_failure(pos);
        Err(Reported)
    }

    fn col(&self, span: Span) -> usize {
        crate::diag::line_col(self.src, span.start as usize).1
    }

    fn looks_like_var(&self, t: &Token) -> bool {
        t.kind == TokenKind::Word
            && t.text.chars().next().is_some_and(|c| c.is_lowercase())
            && t.text.chars().all(|c| c.is_alphanumeric() || c == '_')
            && !KEYWORDS.contains(&t.norm.as_str())
    }

    /// `every|some|no VAR (, VAR)* in GROUP : CLAIM`, if the words at `pos`
    /// have that shape.
    fn quantifier(&mut self, pos: usize) -> R<Option<(Claim, usize)>> {
        let t = &self.toks[pos];
        let quantifier = match t.norm.as_str() {
            "every" if t.kind == TokenKind::Word => Quantifier::Every,
            "some" if t.kind == TokenKind::Word => Quantifier::Some,
            "no" if t.kind == TokenKind::Word => Quantifier::No,
            _ => return Ok(None),
        };
        let mut i = pos + 1;
        let mut vars: Vec<&Token> = Vec::new();
        loop {
            match self.tok(i) {
                // Any plain word has the shape; whether it may be a variable
                // is checked below, so `some X in g:` gets a clear error.
                Some(v) if v.kind == TokenKind::Word && !KEYWORDS.contains(&v.norm.as_str()) => {
                    vars.push(v)
                }
                _ => return Ok(None),
            }
            i += 1;
            match self.tok(i) {
                Some(c) if c.kind == TokenKind::Comma => i += 1,
                Some(w) if w.is_word("in") => break,
                _ => return Ok(None),
            }
        }
        let group_from = i + 1;
        let mut j = group_from;
        while self.tok(j).is_some_and(|t| t.kind == TokenKind::Word) && j - group_from < 6 {
            j += 1;
        }
        if j == group_from || !self.tok(j).is_some_and(|t| t.kind == TokenKind::Colon) {
            return Ok(None);
        }
        // The shape is a quantifier's: from here on, problems are errors.
        if self.context == Context::Fact {
            self.error(
                t.span,
                ErrorKind::BadFact {
                    message: "a fact's sentence is one atom: no quantifiers".into(),
                },
            );
            return Err(Reported);
        }
        for (k, v) in vars.iter().enumerate() {
            let reason = if self.lex.is_name(&v.norm) {
                Some("it is the name of an entity or alias")
            } else if !self.looks_like_var(v) {
                Some("variables are lower-case words (letters, digits and `_`)")
            } else if vars[..k].iter().any(|o| o.norm == v.norm) {
                Some("it is already a variable of this quantifier")
            } else {
                None
            };
            if let Some(reason) = reason {
                self.error(
                    v.span,
                    ErrorKind::BadVariable {
                        name: v.text.to_string(),
                        reason: reason.into(),
                    },
                );
                return Err(Reported);
            }
        }
        let group_name = self.toks[group_from..j]
            .iter()
            .map(|t| t.norm.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let gspan = self.span_of(group_from, j);
        let Some(&group) = self.lex.group_index.get(&group_name) else {
            let known: Vec<&str> = self.lex.groups.iter().map(|g| g.name.as_str()).collect();
            let is_entity = !self.lex.names_at(self.toks, group_from).is_empty();
            let mut suggestions = nearest(&group_name, known);
            if suggestions.is_empty() && is_entity {
                suggestions = self
                    .lex
                    .groups
                    .iter()
                    .map(|g| g.name.clone())
                    .take(3)
                    .collect();
            }
            self.error(
                gspan,
                ErrorKind::UnknownGroup {
                    name: self.text_of(group_from, j),
                    suggestions,
                },
            );
            return Err(Reported);
        };
        let n = self.lex.groups[group as usize].members.len() as u128;
        let k = vars.len() as u128;
        let count: u128 = (0..k).map(|x| n.saturating_sub(x)).product::<u128>();
        let outer = self.bindings;
        let total = outer.saturating_mul(count.max(1));
        if total > self.lex.limits.bindings {
            self.error(
                self.span_of(pos, j + 1),
                ErrorKind::TooManyBindings {
                    count: total,
                    limit: self.lex.limits.bindings,
                },
            );
            return Err(Reported);
        }
        let first_var = self.vars.len() as u32;
        for v in &vars {
            self.vars.push(Var {
                name: v.norm.to_string(),
                group,
            });
        }
        self.bindings = total;
        let body = self.claim(j + 1);
        self.bindings = outer;
        self.vars.truncate(first_var as usize);
        let (body, p) = body?;
        Ok(Some((
            Claim::Quant {
                quantifier,
                vars: vars.iter().map(|v| v.text.to_string()).collect(),
                first_var,
                group,
                body: Box::new(body),
            },
            p,
        )))
    }

    fn var(&self, t: &Token) -> Option<usize> {
        if t.kind != TokenKind::Word {
            return None;
        }
        self.vars.iter().rposition(|v| v.name == t.norm)
    }
}

/// Reads a fact's sentence: one atom of a relation, optionally denied with a
/// leading `not` or `no`. Returns the atom and whether it is denied.
pub fn read_fact_sentence(reader: &mut Reader) -> R<(Atom, bool)> {
    let toks = reader.toks;
    if toks.is_empty() {
        reader.error(
            reader.end_span(),
            ErrorKind::Syntax {
                expected: "a sentence".into(),
                found: "nothing".into(),
            },
        );
        return Err(Reported);
    }
    let whole = |r: &mut Reader, from: usize| -> R<Option<Atom>> {
        match r.atom(from)? {
            Some((Claim::Atom(a), end)) if end == toks.len() => Ok(Some(a)),
            _ => Ok(None),
        }
    };
    if let Some(a) = whole(reader, 0)? {
        return Ok((a, false));
    }
    let denial = toks[0].is_word("not") || toks[0].is_word("no");
    if denial && toks.len() > 1 {
        if let Some(a) = whole(reader, 1)? {
            return Ok((a, true));
        }
    }
    // Say what is wrong: a connective, or a word the templates don't know.
    let from = usize::from(denial && toks.len() > 1);
    if let Some((_, end)) = reader.atom(from)? {
        let t = &toks[end];
        if let Some(kind) = reader.misspelt_after_number(end) {
            reader.error(t.span, kind);
            return Err(Reported);
        }
        reader.error(
            t.span,
            ErrorKind::BadFact {
                message: format!(
                    "a fact's sentence is one atom, optionally after `not` or `no`; found {} after it",
                    found(Some(t))
                ),
            },
        );
        return Err(Reported);
    }
    if let Ok(Some(_)) = reader.quantifier(from) {
        return Err(Reported);
    }
    if !reader.errors.is_empty() {
        return Err(Reported);
    }
    // A definition's template: say so, rather than "nothing matches".
    let defs: Vec<(Target, usize)> = reader
        .lex
        .templates(true)
        .into_iter()
        .filter(|(t, _)| matches!(t, Target::Definition(_)))
        .collect();
    if let Some((target, i, _)) = reader.matches_of(from, false, defs).first() {
        let text = reader.lex.template(*target, *i).0.text.clone();
        reader.error(
            reader.span_of(from, toks.len()),
            ErrorKind::BadFact {
                message: format!("a fact states a relation, but `{text}` is a definition: state the relations it is defined by"),
            },
        );
        return Err(Reported);
    }
    reader.explain_failure(from);
    Err(Reported)
}
