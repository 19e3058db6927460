//! Template matching: the lexicon of what a claim can name, and the
//! reader's filling of slots and atoms (the templates an atom tries come
//! from `index.rs`).

use std::collections::HashMap;

use super::super::hints;
use crate::diag::{ErrorKind, Span};
use crate::model::{
    Arg, Atom, Claim, Entity, Group, GroupId, Relation, Slot, SlotType, Target, Template,
    TemplatePart, Term, Value,
};
use crate::syntax::ast::Forms;
use crate::syntax::lexer::{Token, TokenKind};
use crate::value::{self, ValueKind, MAX_PHRASE_TOKENS};
use smallvec::SmallVec;

use super::index::TemplateIndex;
use super::loose::Problem;
use super::names::{NameAt, NameTable};
use super::{Context, DefHead, Reader, Reported, KEYWORDS, R};

/// Everything a claim can name: built once by the analyzer.
pub struct Lexicon<'a> {
    /// Templates by their first literal word.
    pub index: &'a TemplateIndex,
    pub entities: &'a [Entity],
    pub groups: &'a [Group],
    pub relations: &'a [Relation],
    pub definitions: &'a [DefHead],
    /// Names and aliases by first word, with their entities' kinds.
    pub names: &'a NameTable,
    /// Group names (lower-cased, folded) → group.
    pub group_index: &'a HashMap<String, GroupId>,
    pub limits: &'a crate::limits::Limits,
}

impl Lexicon<'_> {
    pub(super) fn template(&self, t: Target, i: usize) -> (&Template, &[Slot]) {
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
    pub(super) fn names_at(&self, toks: &[Token], at: usize) -> SmallVec<[NameAt; 2]> {
        self.names.at(toks, at)
    }

    pub(super) fn is_name(&self, word: &str) -> bool {
        self.names.is_name(word)
    }

    pub(super) fn all_names(&self) -> Vec<&str> {
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
pub(super) fn literal_matches(forms: &Forms, t: &Token) -> bool {
    match t.kind {
        TokenKind::Word | TokenKind::Comma | TokenKind::Colon => forms.contains(&t.norm),
        TokenKind::Placeholder => forms.contains(&format!("{{{}}}", t.norm)),
        _ => false,
    }
}

#[derive(Clone, Debug)]
pub(super) struct Partial {
    pub(super) end: usize,
    pub(super) args: Vec<Option<Arg>>,
    pub(super) problems: Vec<Problem>,
    pub(super) spans: Vec<(usize, Span)>,
}

impl Reader<'_> {
    /// Fills one slot at `ti`: every candidate, longest first.
    /// A misspelt month (in a date) or a number in words (in a number) at
    /// token `k`.
    pub(super) fn value_hint(&self, kind: ValueKind, k: usize) -> Option<Problem> {
        let t = self.tok(k).filter(|t| t.kind == TokenKind::Word)?;
        match kind {
            ValueKind::Date => hints::near_month(&t.text)
                .map(|m| Problem::MonthTypo(t.span, t.text.to_string(), m)),
            ValueKind::Number => hints::number_word(&t.text)
                .map(|v| Problem::NumberWord(t.span, t.text.to_string(), Some(v))),
        }
    }

    pub(super) fn fill(
        &self,
        slot: &Slot,
        ti: usize,
        loose: bool,
    ) -> Vec<(usize, Arg, Option<Problem>)> {
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
                            out.push((
                                len,
                                Arg::Value(Some(Box::new(Value { interval, text }))),
                                None,
                            ));
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
                // Kinds compared by number: no entity is read to match.
                let want_kind = want.as_ref().map(|w| self.lex.names.kind(w));
                for &(len, id, kind) in &names {
                    match want {
                        Some(w) if want_kind != Some(Some(kind)) => {
                            if loose {
                                out.push((
                                    len,
                                    Arg::Key(Term::Entity(id)),
                                    Some(Problem::WrongKind {
                                        span: self.span_of(ti, ti + len),
                                        entity: id,
                                        slot: slot.name.clone(),
                                        wants: w.clone(),
                                    }),
                                ));
                            }
                        }
                        _ => out.push((len, Arg::Key(Term::Entity(id)), None)),
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
                        if names.iter().any(|(l, _, _)| *l == len) {
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

    pub(super) fn dfs(
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
    pub(super) fn matches(&self, pos: usize, loose: bool) -> Vec<(Target, usize, Partial)> {
        let defs = self.context != Context::Fact;
        let inner = self
            .inner_templates
            .get_or_init(|| self.lex.index.inner_present(self.toks));
        let candidates = self.lex.index.candidates(&self.toks[pos], inner, defs);
        self.matches_of(pos, loose, candidates)
    }

    /// The best match at `pos` of each of `templates` that matches there.
    pub(super) fn matches_of(
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
    pub(super) fn describe(&self, target: Target, i: usize) -> String {
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
    pub(super) fn atom(&mut self, pos: usize) -> R<Option<(Claim, usize)>> {
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
}
