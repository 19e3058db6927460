//! The analyzer's assertions and their `as of` dates; claims read against a
//! finished model (`eval`, the editor server).

use std::collections::HashMap;

use rayon::prelude::*;

use super::claims::{self, Context, DefHead, Lexicon, NameTable, Reader, TemplateIndex};
use super::definitions::too_many_bindings;
use super::{hints, Analyzer, Rules};
use crate::diag::{Diagnostic, ErrorKind, FileId, Span};
use crate::model::*;
use crate::syntax::ast::{self, StatementKind};
use crate::syntax::lexer::{fold_spaces, lex, name_words, TokenKind};
use crate::value::{self, ValueKind};

/// Assertions read and not yet taken, in file and statement order: each
/// with its errors and where its claim is.
pub(super) type ReadAssertions = Vec<(Option<Assertion>, Vec<Diagnostic>, Span)>;

impl Analyzer {
    pub(super) fn assertions(&mut self, rules: &[Rules]) {
        let read = self.read_assertions(rules);
        self.take_assertions(read);
    }

    /// Reads the assertions of `rules`. Read-only: each claim is read on
    /// its own, so they are read in parallel (and beside the facts).
    pub(super) fn read_assertions(&self, rules: &[Rules]) -> ReadAssertions {
        let mut read = Vec::new();
        self.read_assertions_into(rules, &mut read);
        read
    }

    /// `read_assertions`, appended to `out` (written in place where `out`
    /// has room: one vector serves every rule file).
    pub(super) fn read_assertions_into(&self, rules: &[Rules], out: &mut ReadAssertions) {
        let statements: Vec<(
            &Rules,
            &crate::syntax::ast::Statement,
            &crate::syntax::ast::AssertionStmt,
        )> = rules
            .iter()
            .flat_map(|r| {
                r.ast.statements.iter().filter_map(move |s| match &s.kind {
                    StatementKind::Assertion(a) => Some((r, s, a)),
                    _ => None,
                })
            })
            .collect();
        let starts: Vec<Vec<usize>> = rules
            .iter()
            .map(|r| crate::diag::line_starts(r.text))
            .collect();
        let lexicon = self.lexicon();
        let quiet_relations = self.broken_relations;
        let quiet_entities = self.broken_entities;
        // Indexed: rayon writes each into its place in `out`'s spare room.
        let read = statements.par_iter().map(|&(r, s, a)| {
            let mut errs = Vec::new();
            let (claim_toks, as_of) = split_as_of(&a.claim);
            let as_of = match as_of {
                Some((toks, span)) => {
                    let words_ok = toks
                        .iter()
                        .all(|t| matches!(t.kind, TokenKind::Word | TokenKind::Comma));
                    match value::date_phrase(toks).filter(|_| words_ok) {
                        Some(interval) => Some(crate::model::Value {
                            interval,
                            text: crate::syntax::parser::tokens_text(r.text, toks),
                        }),
                        None => {
                            let (span, error) =
                                super::hints::token_error(value::ValueKind::Date, toks)
                                    .unwrap_or_else(|| {
                                        let text = crate::syntax::parser::tokens_text(r.text, toks);
                                        let wants =
                                            "a date phrase after `as of` (as in `as of June 2025`)";
                                        (span, ErrorKind::BadValue { text, wants })
                                    });
                            errs.push(Diagnostic::new(r.file, span, error));
                            return (None, errs, a.claim_span);
                        }
                    }
                }
                None => None,
            };
            let mut reader = Reader::new(
                &lexicon,
                r.file,
                r.text,
                claim_toks,
                Context::Assertion,
                &[],
            );
            reader.quiet_unknown_relation = quiet_relations;
            let claim = reader.read_all();
            errs.extend(std::mem::take(&mut reader.errors).into_iter().filter(|d| {
                !(quiet_entities && matches!(d.kind, ErrorKind::UnknownEntity { .. }))
            }));
            let Ok(claim) = claim else {
                return (None, errs, a.claim_span);
            };
            let file_index = rules
                .iter()
                .position(|x| x.file == r.file)
                .expect("the statement's file");
            let line = crate::diag::line_of(&starts[file_index], s.span.start as usize);
            let assertion = Assertion {
                file: r.file,
                line: line as u32,
                col: 1, // statements start at column 1
                expectation: a.expectation.clone(),
                claim,
                text: crate::syntax::parser::tokens_text(r.text, &a.claim),
                as_of: as_of.map(Box::new),
            };
            (Some(assertion), errs, a.claim_span)
        });
        out.par_extend(read);
    }

    /// Takes assertions `read_assertions` read, with their errors, in
    /// order; a claim with too many bindings is an error instead.
    /// The assertions are collected in place, in `read`'s allocation: a
    /// hundred thousand of them are never held twice.
    pub(super) fn take_assertions(&mut self, read: ReadAssertions) {
        let (model, errors, memo) = (&self.model, &mut self.errors, &mut self.binding_memo);
        let taken: Vec<Assertion> = read
            .into_iter()
            .filter_map(|(assertion, errs, claim_span)| {
                errors.extend(errs);
                let assertion = assertion?;
                if let Some(kind) = too_many_bindings(model, &assertion.claim, memo) {
                    errors.push(Diagnostic::new(assertion.file, claim_span, kind));
                    return None;
                }
                Some(assertion)
            })
            .collect();
        if self.model.assertions.is_empty() {
            self.model.assertions = taken;
        } else {
            self.model.assertions.extend(taken);
        }
    }
}

/// Splits a trailing top-level `as of DATE` off an assertion's claim.
pub(super) fn split_as_of(
    toks: &[crate::syntax::lexer::Token],
) -> (
    &[crate::syntax::lexer::Token],
    Option<(&[crate::syntax::lexer::Token], Span)>,
) {
    let mut depth: i32 = 0;
    let mut last = None;
    for (i, t) in toks.iter().enumerate() {
        match t.kind {
            TokenKind::LParen => depth += 1,
            TokenKind::RParen => depth -= 1,
            _ if depth == 0
                && t.is_word("as")
                && toks.get(i + 1).is_some_and(|n| n.is_word("of")) =>
            {
                last = Some(i)
            }
            _ => {}
        }
    }
    match last {
        Some(i) if i + 2 <= toks.len() => {
            let date = &toks[i + 2..];
            let span = match (date.first(), date.last()) {
                (Some(a), Some(b)) => a.span.to(b.span),
                _ => toks[i].span.to(toks[i + 1].span),
            };
            (&toks[..i], Some((date, span)))
        }
        _ => (toks, None),
    }
}

/// The lookups claim reading needs, rebuilt from a finished model: for
/// `eval`'s claim and the editor's claims-only re-read (`run` builds the same
/// ones as declarations resolve).
struct ClaimLookups {
    names: NameTable,
    group_index: HashMap<String, GroupId>,
    def_heads: Vec<DefHead>,
    template_index: TemplateIndex,
}

impl ClaimLookups {
    fn of(model: &Model) -> ClaimLookups {
        let mut names = NameTable::default();
        for (id, e) in model.entities.iter().enumerate() {
            for n in std::iter::once(&e.name).chain(&e.aliases) {
                if let Some(words) = name_words(n) {
                    names.add(&words, id as EntityId, &e.kind);
                }
            }
        }
        names.finish();
        let group_index = model
            .groups
            .iter()
            .enumerate()
            .map(|(i, g)| (fold_spaces(&g.name).to_lowercase(), i as GroupId))
            .collect();
        let def_heads: Vec<DefHead> = model
            .definitions
            .iter()
            .map(|d| DefHead {
                slots: d.slots.clone(),
                template: d.template.clone(),
            })
            .collect();
        let template_index = TemplateIndex::build(&model.relations, &def_heads);
        ClaimLookups {
            names,
            group_index,
            def_heads,
            template_index,
        }
    }
}

/// Reads one claim (`claimcheck eval`) against an analyzed model. `file` holds
/// the claim's text, so errors point into it. A trailing `as of DATE` is split
/// off as for an assertion.
pub fn read_claim(
    model: &Model,
    file: FileId,
    text: &str,
) -> Result<(Claim, Option<crate::model::Value>), Vec<Diagnostic>> {
    let toks = lex(text, 0).map_err(|(span, kind)| vec![Diagnostic::new(file, span, kind)])?;
    if toks.is_empty() {
        return Err(vec![Diagnostic::new(
            file,
            Span::new(0, 1),
            ErrorKind::Syntax {
                expected: "a claim".into(),
                found: "nothing".into(),
            },
        )]);
    }
    let lookups = ClaimLookups::of(model);
    let lexicon = Lexicon {
        index: &lookups.template_index,
        entities: &model.entities,
        groups: &model.groups,
        relations: &model.relations,
        definitions: &lookups.def_heads,
        names: &lookups.names,
        group_index: &lookups.group_index,
        limits: &model.limits,
    };
    let (claim_toks, as_of) = split_as_of(&toks);
    let as_of = match as_of {
        Some((date, span)) => match value::date_phrase(date) {
            Some(interval) => Some(crate::model::Value {
                interval,
                text: crate::syntax::parser::tokens_text(text, date),
            }),
            None => {
                let (span, error) =
                    hints::token_error(ValueKind::Date, date).unwrap_or_else(|| {
                        let text = crate::syntax::parser::tokens_text(text, date);
                        let wants = "a date phrase after `as of` (as in `as of June 2025`)";
                        (span, ErrorKind::BadValue { text, wants })
                    });
                return Err(vec![Diagnostic::new(file, span, error)]);
            }
        },
        None => None,
    };
    let mut reader = Reader::new(&lexicon, file, text, claim_toks, Context::Assertion, &[]);
    match reader.read_all() {
        Ok(c) => match too_many_bindings(model, &c, &mut HashMap::new()) {
            Some(kind) => Err(vec![Diagnostic::new(file, Span::new(0, text.len()), kind)]),
            None => Ok((c, as_of)),
        },
        Err(claims::Reported) => Err(std::mem::take(&mut reader.errors)),
    }
}

/// Reads the assertions of one rule file again against a model analyzed
/// before, when nothing but that file's assertions changed: the editor
/// server re-reads the claims being typed instead of the whole workspace.
/// The file's old assertions are replaced; returns the new ones' errors.
/// It rebuilds the lookups `run` builds for reading claims (`ClaimLookups`):
/// keep the two in step (`lsp::workspace`'s test compares this path with a
/// full analysis).
pub fn reread_assertions(
    model: &mut Model,
    file: FileId,
    text: &str,
    ast: ast::RuleFile,
) -> Vec<Diagnostic> {
    let mut a = Analyzer {
        model: std::mem::take(model),
        ..Analyzer::default()
    };
    let lookups = ClaimLookups::of(&a.model);
    a.names = lookups.names;
    a.group_index = lookups.group_index;
    a.def_heads = lookups.def_heads;
    a.template_index = lookups.template_index;
    a.model.assertions.retain(|x| x.file != file);
    a.assertions(&[Rules {
        file,
        text,
        ast: &ast,
    }]);
    *model = std::mem::take(&mut a.model);
    a.errors.sort_by_key(|d| d.loc);
    a.errors.dedup();
    a.errors
}
