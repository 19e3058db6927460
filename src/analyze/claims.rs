//! Reading claims: turns a token list into a `Claim` tree, matching atoms
//! against every relation and definition template of the workspace (docs/language.md §7):
//! the longest template match at each position, with no backtracking to a
//! shorter atom; `and`/`or`/`not`/`no`, parentheses and quantifiers around
//! atoms. On failure it reads the words again loosely to say what is wrong:
//! the unknown entity, the wrong kind, or the nearest template.

use std::collections::HashMap;

use super::hints;
use crate::diag::{edit_distance, nearest, Diagnostic, ErrorKind, FileId, Span};
use crate::model::{
    Arg, Atom, Claim, Entity, EntityId, Group, GroupId, Quantifier, Relation, Slot, SlotType,
    Target, Template, TemplatePart, Term, Value,
};
use crate::syntax::ast::Forms;
use crate::syntax::lexer::{Token, TokenKind};
use crate::value::{self, ValueKind, MAX_PHRASE_TOKENS};

/// Deepest nesting of parentheses, negations and quantifiers in one claim.
pub const MAX_DEPTH: usize = 128;
/// A template whose first word has more spellings than this (optional parts
/// multiply them) is tried at every position instead of being indexed.
const MAX_INDEXED_SPELLINGS: usize = 64;

const KEYWORDS: [&str; 7] = ["and", "or", "not", "no", "every", "some", "in"];

/// A definition's head: what the reader needs before its body is read.
#[derive(Clone, Debug)]
pub struct DefHead {
    pub slots: Vec<Slot>,
    pub template: Template,
}

/// Templates by the literal words they can start with, so an atom tries
/// only the templates that can match at its first word (10,000 relations and
/// 10,000 claims stay linear). A template that starts with a slot or an
/// optional word is tried everywhere.
#[derive(Clone, Debug, Default)]
pub struct TemplateIndex {
    /// First word (each of its forms) → templates, in lexicon order.
    by_word: HashMap<String, Vec<(Target, usize)>>,
    /// Templates that may match whatever the first word is.
    anywhere: Vec<(Target, usize)>,
}

fn order(t: &(Target, usize)) -> (u8, u32, usize) {
    match t.0 {
        Target::Relation(r) => (0, r, t.1),
        Target::Definition(d) => (1, d, t.1),
    }
}

impl TemplateIndex {
    pub fn build(relations: &[Relation], definitions: &[DefHead]) -> TemplateIndex {
        let mut ix = TemplateIndex::default();
        let all = relations
            .iter()
            .enumerate()
            .flat_map(|(r, rel)| {
                rel.templates
                    .iter()
                    .enumerate()
                    .map(move |(i, t)| ((Target::Relation(r as u32), i), t))
            })
            .chain(
                definitions
                    .iter()
                    .enumerate()
                    .map(|(d, h)| ((Target::Definition(d as u32), 0), &h.template)),
            );
        for (target, t) in all {
            let first_words = match t.parts.first() {
                Some(TemplatePart::Literal {
                    forms,
                    optional: false,
                }) => forms
                    .spellings(MAX_INDEXED_SPELLINGS)
                    .filter(|all| !all.iter().any(|f| f.starts_with('{'))),
                _ => None,
            };
            match first_words {
                Some(mut words) => {
                    words.sort();
                    words.dedup();
                    for f in words {
                        ix.by_word.entry(f).or_default().push(target);
                    }
                }
                None => ix.anywhere.push(target),
            }
        }
        ix
    }

    /// The templates that may match at `t`, in lexicon order (relations by
    /// id and template, then definitions).
    fn candidates(&self, t: &Token, defs: bool) -> Vec<(Target, usize)> {
        let mut out: Vec<(Target, usize)> = match t.kind {
            TokenKind::Word | TokenKind::Comma | TokenKind::Colon => {
                let mut v = self.anywhere.clone();
                if let Some(w) = self.by_word.get(t.norm.as_str()) {
                    v.extend_from_slice(w);
                }
                v
            }
            // `{x}` may be an escaped literal word of any template.
            TokenKind::Placeholder => {
                let mut v = self.anywhere.clone();
                v.extend(self.by_word.values().flatten().copied());
                v
            }
            _ => self.anywhere.clone(),
        };
        if !defs {
            out.retain(|t| matches!(t.0, Target::Relation(_)));
        }
        out.sort_by_key(order);
        out.dedup();
        out
    }
}

/// Everything a claim can name: built once by the analyzer.
pub struct Lexicon<'a> {
    /// Templates by their first literal word.
    pub index: &'a TemplateIndex,
    pub entities: &'a [Entity],
    pub groups: &'a [Group],
    pub relations: &'a [Relation],
    pub definitions: &'a [DefHead],
    /// First word of a name or alias → (all its words, entity), longest first.
    pub names: &'a HashMap<String, Vec<(Vec<String>, EntityId)>>,
    /// Group names (lower-cased, folded) → group.
    pub group_index: &'a HashMap<String, GroupId>,
    pub limits: &'a crate::limits::Limits,
}

impl Lexicon<'_> {
    fn template(&self, t: Target, i: usize) -> (&Template, &[Slot]) {
        match t {
            Target::Relation(r) => {
                let r = &self.relations[r as usize];
                (&r.templates[i], &r.slots)
            }
            Target::Definition(d) => {
                let d = &self.definitions[d as usize];
                (&d.template, &d.slots)
            }
        }
    }

    pub fn templates(&self, defs: bool) -> Vec<(Target, usize)> {
        let mut out = Vec::new();
        for (r, rel) in self.relations.iter().enumerate() {
            for i in 0..rel.templates.len() {
                out.push((Target::Relation(r as u32), i));
            }
        }
        if defs {
            for d in 0..self.definitions.len() {
                out.push((Target::Definition(d as u32), 0));
            }
        }
        out
    }

    /// Entity names or aliases that start at `toks[at]`, longest first.
    fn names_at(&self, toks: &[Token], at: usize) -> Vec<(usize, EntityId)> {
        let Some(first) = toks.get(at) else {
            return Vec::new();
        };
        if first.kind != TokenKind::Word {
            return Vec::new();
        }
        let mut out = Vec::new();
        for (words, id) in self
            .names
            .get(first.norm.as_str())
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            let fits = words.iter().enumerate().all(|(k, w)| {
                toks.get(at + k)
                    .is_some_and(|t| t.kind == TokenKind::Word && t.norm == w)
            });
            if fits {
                out.push((words.len(), *id));
            }
        }
        out
    }

    fn is_name(&self, word: &str) -> bool {
        self.names
            .get(word)
            .is_some_and(|v| v.iter().any(|(w, _)| w.len() == 1))
    }

    fn all_names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = Vec::new();
        for e in self.entities {
            v.push(&e.name);
            v.extend(e.aliases.iter().map(String::as_str));
        }
        v
    }
}

/// Whether a template's literal word (one of `forms`) is the token. An
/// escaped `\{x\}` in a template is the literal word `{x}`, which the lexer
/// reads as a placeholder token.
fn literal_matches(forms: &Forms, t: &Token) -> bool {
    match t.kind {
        TokenKind::Word | TokenKind::Comma | TokenKind::Colon => forms.contains(&t.norm),
        TokenKind::Placeholder => forms.contains(&format!("{{{}}}", t.norm)),
        _ => false,
    }
}

/// What a loose reading found wrong with a slot filling.
#[derive(Clone, Debug)]
enum Problem {
    UnknownEntity(Span, String),
    GroupInSlot(Span, String),
    WrongKind {
        span: Span,
        entity: EntityId,
        slot: String,
        wants: String,
    },
    VarKind {
        span: Span,
        var: usize,
        member: EntityId,
        slot: String,
        wants: String,
    },
    /// Words where a value belongs that are no valid value phrase.
    BadValue(Span, String, ValueKind),
    /// A misspelt month where a date belongs: the word and the month.
    MonthTypo(Span, String, &'static str),
    /// A number in words where a number belongs.
    NumberWord(Span, String, Option<u64>),
    /// A number whose unit or multiplier is wrong.
    BadUnit(Span, value::ValueError),
    ParamKind {
        span: Span,
        name: String,
        kind: String,
        slot: String,
        wants: String,
    },
}

#[derive(Clone, Debug)]
struct Partial {
    end: usize,
    args: Vec<Option<Arg>>,
    problems: Vec<Problem>,
    spans: Vec<(usize, Span)>,
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

    /// When the last atom ends at `pos` and a loose reading of it runs past
    /// `pos`, what that reading found wrong (a bad value, usually).
    fn longer_loose_reading(&self, pos: usize) -> Option<Vec<Problem>> {
        let (start, end) = self.last_atom?;
        if end != pos {
            return None;
        }
        self.matches(start, true)
            .into_iter()
            .filter(|m| m.2.end > pos && !m.2.problems.is_empty())
            .max_by_key(|m| {
                let values = m.2.problems.iter().all(|p| {
                    matches!(
                        p,
                        Problem::BadValue(..) | Problem::MonthTypo(..) | Problem::NumberWord(..)
                    )
                });
                (m.2.end, values, std::cmp::Reverse(m.2.problems.len()))
            })
            .map(|m| m.2.problems)
    }

    /// `… was $27.36 trilion`: a misspelt multiplier or unit word right
    /// after a number, left over after the atom.
    fn misspelt_after_number(&self, pos: usize) -> Option<ErrorKind> {
        let t = self.tok(pos)?;
        let before = self.tok(pos.checked_sub(1)?)?;
        if !value::is_number_word(&before.norm) {
            return None;
        }
        let suggestion = value::nearest_unit_word(&t.norm)?;
        Some(ErrorKind::BadUnit {
            error: value::ValueError::Misspelt {
                word: t.text.to_string(),
                suggestion,
            },
        })
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
        let (first, mut pos) = self.and(pos)?;
        let mut all = vec![first];
        while self.tok(pos).is_some_and(|t| t.is_word("or")) {
            let (next, p) = self.and(pos + 1)?;
            all.push(next);
            pos = p;
        }
        Ok((
            if all.len() == 1 {
                all.remove(0)
            } else {
                Claim::Or(all)
            },
            pos,
        ))
    }

    fn and(&mut self, pos: usize) -> R<(Claim, usize)> {
        let (first, mut pos) = self.unary(pos)?;
        let mut all = vec![first];
        while self.tok(pos).is_some_and(|t| t.is_word("and")) {
            let (next, p) = self.unary(pos + 1)?;
            all.push(next);
            pos = p;
        }
        Ok((
            if all.len() == 1 {
                all.remove(0)
            } else {
                Claim::And(all)
            },
            pos,
        ))
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

    /// Fills one slot at `ti`: every candidate, longest first.
    /// A misspelt month (in a date) or a number in words (in a number) at
    /// token `k`.
    fn value_hint(&self, kind: ValueKind, k: usize) -> Option<Problem> {
        let t = self.tok(k).filter(|t| t.kind == TokenKind::Word)?;
        match kind {
            ValueKind::Date => hints::near_month(&t.text)
                .map(|m| Problem::MonthTypo(t.span, t.text.to_string(), m)),
            ValueKind::Number => hints::number_word(&t.text)
                .map(|v| Problem::NumberWord(t.span, t.text.to_string(), Some(v))),
        }
    }

    fn fill(&self, slot: &Slot, ti: usize, loose: bool) -> Vec<(usize, Arg, Option<Problem>)> {
        let mut out = Vec::new();
        let Some(t) = self.tok(ti) else { return out };
        match &slot.ty {
            SlotType::Value(kind) => {
                let max = MAX_PHRASE_TOKENS.min(self.toks.len() - ti);
                for len in (1..=max).rev() {
                    // A number keeps a multiplier or unit word after it.
                    if *kind == ValueKind::Number && value::kept_by_number(self.toks, ti + len) {
                        continue;
                    }
                    let words = &self.toks[ti..ti + len];
                    match value::read(*kind, words) {
                        Ok(interval) => {
                            let text = self.text_of(ti, ti + len);
                            out.push((len, Arg::Value(Some(Value { interval, text })), None));
                        }
                        // Read loosely, a unit or multiplier gone wrong
                        // (`$3%`, `3 trilion`) is that problem.
                        Err(e) if loose && e != value::ValueError::NotAPhrase => {
                            // A misspelt word is pointed at; any other problem
                            // at the whole number.
                            let span = match &e {
                                value::ValueError::Misspelt { word, .. } => words
                                    .iter()
                                    .find(|t| t.norm == word)
                                    .map_or(self.span_of(ti, ti + len), |t| t.span),
                                _ => self.span_of(ti, ti + len),
                            };
                            out.push((len, Arg::Value(None), Some(Problem::BadUnit(span, e))));
                        }
                        Err(_) => {}
                    }
                }
                out.sort_by_key(|c| std::cmp::Reverse(c.0));
                // Read loosely, words that start like a value but are none
                // (`999999999999999999999999`, `Feb 30, 2024`) are that
                // problem; a misspelt month or a number in words is named.
                if loose && out.is_empty() {
                    let hint = |k: usize| self.value_hint(*kind, k);
                    if value::starts_like(*kind, t) || hint(ti).is_some() {
                        for len in (1..=max).rev() {
                            let problem = (ti..ti + len).find_map(hint).unwrap_or_else(|| {
                                let span = self.span_of(ti, ti + len);
                                Problem::BadValue(span, self.text_of(ti, ti + len), *kind)
                            });
                            out.push((len, Arg::Value(None), Some(problem)));
                        }
                    }
                }
            }
            SlotType::Text => {
                if t.kind == TokenKind::Text {
                    out.push((
                        1,
                        Arg::Key(Term::Text {
                            text: t.text.to_string(),
                            norm: t.norm.to_string(),
                        }),
                        None,
                    ));
                } else if t.kind == TokenKind::Placeholder {
                    if let Some(p) = self
                        .params
                        .iter()
                        .position(|s| s.name.eq_ignore_ascii_case(&t.text))
                    {
                        // A bare `{w}` takes the kind its uses need: here, text.
                        if matches!(self.params[p].ty, SlotType::Text | SlotType::Entity(None)) {
                            out.push((1, Arg::Key(Term::Param(p as u32)), None));
                        }
                    }
                }
            }
            SlotType::Entity(want) => {
                if t.kind == TokenKind::Placeholder {
                    if let Some(p) = self
                        .params
                        .iter()
                        .position(|s| s.name.eq_ignore_ascii_case(&t.text))
                    {
                        match (&self.params[p].ty, want) {
                            (SlotType::Entity(Some(have)), Some(w)) if have != w && loose => {
                                out.push((
                                    1,
                                    Arg::Key(Term::Param(p as u32)),
                                    Some(Problem::ParamKind {
                                        span: t.span,
                                        name: t.text.to_string(),
                                        kind: have.clone(),
                                        slot: slot.name.clone(),
                                        wants: w.clone(),
                                    }),
                                ));
                            }
                            (SlotType::Entity(_), _) => {
                                out.push((1, Arg::Key(Term::Param(p as u32)), None))
                            }
                            _ => {}
                        }
                    }
                    return out;
                }
                if let Some(v) = self.var(t) {
                    let group = &self.lex.groups[self.vars[v].group as usize];
                    let misfit = want.as_ref().and_then(|w| {
                        group
                            .members
                            .iter()
                            .find(|m| &self.lex.entities[**m as usize].kind != w)
                    });
                    match misfit {
                        None => out.push((1, Arg::Key(Term::Var(v as u32)), None)),
                        Some(m) if loose => out.push((
                            1,
                            Arg::Key(Term::Var(v as u32)),
                            Some(Problem::VarKind {
                                span: t.span,
                                var: v,
                                member: *m,
                                slot: slot.name.clone(),
                                wants: want.clone().unwrap_or_default(),
                            }),
                        )),
                        Some(_) => {}
                    }
                    return out;
                }
                let names = self.lex.names_at(self.toks, ti);
                for (len, id) in &names {
                    let kind = &self.lex.entities[*id as usize].kind;
                    match want {
                        Some(w) if w != kind => {
                            if loose {
                                out.push((
                                    *len,
                                    Arg::Key(Term::Entity(*id)),
                                    Some(Problem::WrongKind {
                                        span: self.span_of(ti, ti + len),
                                        entity: *id,
                                        slot: slot.name.clone(),
                                        wants: w.clone(),
                                    }),
                                ));
                            }
                        }
                        _ => out.push((*len, Arg::Key(Term::Entity(*id)), None)),
                    }
                }
                if loose {
                    // Any short run of plain words might be a misspelt entity.
                    let mut len = 0;
                    while len < 4
                        && self.tok(ti + len).is_some_and(|t| {
                            t.kind == TokenKind::Word && !KEYWORDS.contains(&t.norm.as_str())
                        })
                    {
                        len += 1;
                        if names.iter().any(|(l, _)| *l == len) {
                            continue;
                        }
                        let span = self.span_of(ti, ti + len);
                        let text = self.text_of(ti, ti + len);
                        let problem = if self.lex.group_index.contains_key(&text.to_lowercase()) {
                            Problem::GroupInSlot(span, text)
                        } else {
                            Problem::UnknownEntity(span, text)
                        };
                        out.push((len, Arg::Key(Term::Entity(0)), Some(problem)));
                    }
                    out.sort_by_key(|c| std::cmp::Reverse(c.0));
                }
            }
        }
        out
    }

    fn dfs(
        &self,
        parts: &[TemplatePart],
        slots: &[Slot],
        pi: usize,
        ti: usize,
        cur: &mut Partial,
        loose: bool,
        out: &mut Vec<Partial>,
        budget: &mut usize,
    ) {
        if *budget == 0 {
            return;
        }
        *budget -= 1;
        let Some(part) = parts.get(pi) else {
            let mut done = cur.clone();
            done.end = ti;
            out.push(done);
            return;
        };
        match part {
            TemplatePart::Literal { forms, optional } => {
                if let Some(t) = self.tok(ti) {
                    if literal_matches(forms, t) {
                        self.dfs(parts, slots, pi + 1, ti + 1, cur, loose, out, budget);
                    }
                }
                if *optional {
                    self.dfs(parts, slots, pi + 1, ti, cur, loose, out, budget);
                }
            }
            TemplatePart::Slot(si) => {
                for (len, arg, problem) in self.fill(&slots[*si], ti, loose) {
                    let had = cur.problems.len();
                    if let Some(p) = problem {
                        cur.problems.push(p);
                    }
                    cur.args[*si] = Some(arg);
                    cur.spans.push((*si, self.span_of(ti, ti + len)));
                    self.dfs(parts, slots, pi + 1, ti + len, cur, loose, out, budget);
                    cur.spans.pop();
                    cur.args[*si] = None;
                    cur.problems.truncate(had);
                }
            }
        }
    }

    /// The best matches at `pos` of the templates this context may use.
    fn matches(&self, pos: usize, loose: bool) -> Vec<(Target, usize, Partial)> {
        let defs = self.context != Context::Fact;
        let candidates = self.lex.index.candidates(&self.toks[pos], defs);
        self.matches_of(pos, loose, candidates)
    }

    /// The best match at `pos` of each of `templates` that matches there.
    fn matches_of(
        &self,
        pos: usize,
        loose: bool,
        templates: Vec<(Target, usize)>,
    ) -> Vec<(Target, usize, Partial)> {
        let mut best: Vec<(Target, usize, Partial)> = Vec::new();
        let t0 = &self.toks[pos];
        for (target, ti) in templates {
            let (tpl, slots) = self.lex.template(target, ti);
            if let Some(TemplatePart::Literal {
                forms,
                optional: false,
            }) = tpl.parts.first()
            {
                if !literal_matches(forms, t0) {
                    continue;
                }
            }
            let mut out = Vec::new();
            let mut cur = Partial {
                end: pos,
                args: vec![None; slots.len()],
                problems: Vec::new(),
                spans: Vec::new(),
            };
            let mut budget = self.lex.limits.match_steps;
            self.dfs(
                &tpl.parts,
                slots,
                0,
                pos,
                &mut cur,
                loose,
                &mut out,
                &mut budget,
            );
            if budget == 0 && !loose {
                self.out_of_steps.set(Some((target, ti)));
            }
            // The longest match of this template; among equals, fewest problems.
            let Some(m) = out
                .into_iter()
                .enumerate()
                .max_by(|(ia, a), (ib, b)| {
                    a.end
                        .cmp(&b.end)
                        .then(b.problems.len().cmp(&a.problems.len()))
                        .then(ib.cmp(ia))
                })
                .map(|(_, m)| m)
            else {
                continue;
            };
            best.push((target, ti, m));
        }
        best
    }

    /// `{a} sold arms to {b}` (relation `arms`), for messages.
    fn describe(&self, target: Target, i: usize) -> String {
        let text = &self.lex.template(target, i).0.text;
        match target {
            Target::Relation(r) => format!(
                "{text}` (relation `{}`)",
                self.lex.relations[r as usize].name
            ),
            Target::Definition(_) => format!("{text}` (a definition)"),
        }
    }

    /// Reads the atom at `pos`, if a template matches there.
    fn atom(&mut self, pos: usize) -> R<Option<(Claim, usize)>> {
        let found = self.matches(pos, false);
        if let Some((target, i)) = self.out_of_steps.take() {
            // A longest match cut short would be a wrong reading: stop.
            let what = format!(
                "matching `{} at `{}` takes too many steps",
                self.describe(target, i),
                self.text_of(pos, (pos + 8).min(self.toks.len()))
            );
            self.error(
                self.tok(pos).map_or(self.end_span(), |t| t.span),
                ErrorKind::LimitExceeded {
                    what,
                    count: self.lex.limits.match_steps as u128 + 1,
                    limit: self.lex.limits.match_steps as u128,
                    flag: "--max-match-steps",
                },
            );
            return Err(Reported);
        }
        let Some(end) = found.iter().map(|m| m.2.end).max() else {
            return Ok(None);
        };
        let longest: Vec<&(Target, usize, Partial)> =
            found.iter().filter(|m| m.2.end == end).collect();
        let (target, _, m) = longest[0];
        if let Some((t2, i2, _)) = longest[1..]
            .iter()
            .find(|(t, _, m2)| t != target || m2.args != m.args)
        {
            let first = self.describe(*target, longest[0].1);
            let second = self.describe(*t2, *i2);
            self.error(
                self.span_of(pos, end),
                ErrorKind::Ambiguous {
                    phrase: self.text_of(pos, end),
                    first,
                    second,
                },
            );
            return Err(Reported);
        }
        let (_, slots) = self.lex.template(*target, longest[0].1);
        let args: Vec<Arg> = m
            .args
            .iter()
            .zip(slots)
            .map(|(a, s)| match a {
                Some(a) => a.clone(),
                None if s.ty.is_key() => unreachable!("templates name every key slot"),
                None => Arg::Value(None),
            })
            .collect();
        for (si, a) in args.iter().enumerate() {
            if let Arg::Key(Term::Param(p)) = a {
                let span = m
                    .spans
                    .iter()
                    .find(|(s, _)| *s == si)
                    .map_or(Span::default(), |x| x.1);
                self.param_uses
                    .push((*p as usize, slots[si].ty.clone(), span));
            }
        }
        if let Target::Definition(d) = target {
            self.uses.push(*d);
        }
        self.last_atom = Some((pos, end));
        let atom = Atom {
            target: *target,
            args,
            span: self.span_of(pos, end),
            text: self.text_of(pos, end),
        };
        Ok(Some((Claim::Atom(atom), end)))
    }

    /// Says why no claim could be read at `pos`.
    fn explain_failure(&mut self, pos: usize) {
        let t = &self.toks[pos];
        if self.is_as_of(pos) {
            self.as_of_error(pos);
            return;
        }
        if t.kind != TokenKind::Word
            && t.kind != TokenKind::Text
            && t.kind != TokenKind::Placeholder
            || ["and", "or"].contains(&t.norm.as_str()) && t.kind == TokenKind::Word
        {
            self.error(
                t.span,
                ErrorKind::Syntax {
                    expected: "a claim".into(),
                    found: found(Some(t)),
                },
            );
            return;
        }
        if t.kind == TokenKind::Placeholder && self.context == Context::Definition {
            let p = &t.text;
            if !self.params.iter().any(|s| s.name.eq_ignore_ascii_case(p)) {
                let names: Vec<&str> = self.params.iter().map(|s| s.name.as_str()).collect();
                self.error(
                    t.span,
                    ErrorKind::UnknownParam {
                        name: p.to_string(),
                        suggestions: nearest(p, names),
                    },
                );
                return;
            }
        }
        // A loose reading: which template fits if unknown words are entities?
        let loose = self.matches(pos, true);
        if let Some(best) = loose
            .iter()
            .filter(|m| !m.2.problems.is_empty())
            .max_by(|a, b| {
                a.2.end
                    .cmp(&b.2.end)
                    .then(b.2.problems.len().cmp(&a.2.problems.len()))
            })
        {
            let problems = best.2.problems.clone();
            for p in problems {
                self.report(p);
            }
            return;
        }
        // No template comes close: name the nearest ones.
        let mut end = pos;
        while end < self.toks.len()
            && !matches!(self.toks[end].kind, TokenKind::LParen | TokenKind::RParen)
            && !(end > pos && (self.toks[end].is_word("or") || self.is_as_of(end)))
        {
            end += 1;
        }
        let phrase_words: Vec<&str> = self.toks[pos..end]
            .iter()
            .map(|t| t.norm.as_str())
            .collect();
        let mut scored: Vec<(usize, String)> = Vec::new();
        for (target, i) in self.lex.templates(self.context != Context::Fact) {
            let tpl = self.lex.template(target, i).0;
            let mut hits = 0;
            for p in &tpl.parts {
                if let TemplatePart::Literal { forms, .. } = p {
                    let near = forms.sample(8);
                    if phrase_words.iter().any(|w| {
                        forms.contains(w)
                            || near.iter().any(|f| f.len() > 3 && edit_distance(w, f) <= 1)
                    }) {
                        hits += 1;
                    }
                }
            }
            if hits > 0 {
                scored.push((hits, tpl.text.clone()));
            }
        }
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let top = scored.first().map_or(0, |s| s.0);
        let suggestions: Vec<String> = scored
            .into_iter()
            .filter(|s| s.0 == top)
            .map(|s| s.1)
            .take(3)
            .collect();
        let span = self.span_of(pos, end.max(pos + 1));
        self.error(
            span,
            ErrorKind::UnknownRelation {
                phrase: self.text_of(pos, end.max(pos + 1)),
                suggestions,
            },
        );
    }

    fn report(&mut self, p: Problem) {
        match p {
            Problem::BadUnit(span, error) => self.error(span, ErrorKind::BadUnit { error }),
            Problem::BadValue(span, text, kind) => self.error(
                span,
                ErrorKind::BadValue {
                    text,
                    wants: kind.wants(),
                },
            ),
            Problem::MonthTypo(span, word, month) => {
                self.error(span, ErrorKind::MisspeltMonth { word, month })
            }
            Problem::NumberWord(span, word, value) => {
                self.error(span, ErrorKind::NumberInWords { word, value })
            }
            Problem::UnknownEntity(span, name) => {
                let suggestions = nearest(&name, self.lex.all_names());
                self.error(
                    span,
                    ErrorKind::UnknownEntity {
                        name,
                        suggestions,
                        group: false,
                    },
                );
            }
            Problem::GroupInSlot(span, name) => self.error(span, ErrorKind::GroupInSlot { name }),
            Problem::WrongKind {
                span,
                entity,
                slot,
                wants,
            } => {
                let e = &self.lex.entities[entity as usize];
                let entity = self.src[span.start as usize..span.end as usize].to_string();
                self.error(
                    span,
                    ErrorKind::WrongKind {
                        entity,
                        kind: e.kind.clone(),
                        slot,
                        wants,
                    },
                );
            }
            Problem::VarKind {
                span,
                var,
                member,
                slot,
                wants,
            } => {
                let v = &self.vars[var];
                let g = &self.lex.groups[v.group as usize];
                let m = &self.lex.entities[member as usize];
                self.error(
                    span,
                    ErrorKind::VarWrongKind {
                        var: v.name.clone(),
                        group: g.name.clone(),
                        member: m.name.clone(),
                        kind: m.kind.clone(),
                        slot,
                        wants,
                    },
                );
            }
            Problem::ParamKind {
                span,
                name,
                kind,
                slot,
                wants,
            } => {
                self.error(
                    span,
                    ErrorKind::WrongKind {
                        entity: format!("{{{name}}}"),
                        kind,
                        slot,
                        wants,
                    },
                );
            }
        }
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
