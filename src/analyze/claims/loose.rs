//! The loose second reading after a failure: what is wrong with the words
//! (an unknown entity, the wrong kind, a bad value) or the nearest template.

use crate::diag::{edit_distance, nearest, ErrorKind, Span};
use crate::model::{EntityId, TemplatePart};
use crate::syntax::lexer::TokenKind;
use crate::value::{self, ValueKind};

use super::{found, Context, Reader};

/// What a loose reading found wrong with a slot filling.
#[derive(Clone, Debug)]
pub(super) enum Problem {
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

impl Reader<'_> {
    /// When the last atom ends at `pos` and a loose reading of it runs past
    /// `pos`, what that reading found wrong (a bad value, usually).
    pub(super) fn longer_loose_reading(&self, pos: usize) -> Option<Vec<Problem>> {
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
    pub(super) fn misspelt_after_number(&self, pos: usize) -> Option<ErrorKind> {
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

    /// Says why no claim could be read at `pos`.
    pub(super) fn explain_failure(&mut self, pos: usize) {
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

    pub(super) fn report(&mut self, p: Problem) {
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
