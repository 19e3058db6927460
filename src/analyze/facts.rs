//! The analyzer's facts: the stage's entry (`read_facts`: YAML files,
//! then JSONL, as parts read by `slots.rs`), a `says:` sentence or
//! structured fact into a tuple, and the values and dates read on the way
//! (`ValueMemo`). YAML items: `yaml.rs`; JSONL lines: `jsonl.rs`.

use smallvec::SmallVec;
use thin_vec::ThinVec;

use super::claims::{read_fact_sentence, Context, Reader};
use super::slots::{Part, ReadFacts};
use super::{canonical, hints, Analyzer};
use crate::diag::{nearest, Diagnostic, ErrorKind, FileId, Span};
use crate::facts::{Located, Lstr, RawFactFile};
use crate::load::Files;
use crate::model::*;
use crate::syntax::lexer::{fold_spaces, lex, Token, TokenKind};
use crate::value::{self, ValueKind};

impl Analyzer {
    /// Reads a fact sentence (`says:` or one of `only:`'s) into a tuple.
    pub(super) fn sentence(
        &self,
        file: FileId,
        src: &str,
        l: &Located,
        errs: &mut Vec<Diagnostic>,
    ) -> Option<(Tuple, bool)> {
        let toks = match lex_at(&l.text, l.span) {
            Ok(t) => t,
            Err((span, kind)) => {
                errs.push(Diagnostic::new(file, span, kind));
                return None;
            }
        };
        let lexicon = self.lexicon();
        let mut reader = Reader::new(&lexicon, file, src, &toks, Context::Fact, &[]);
        reader.quiet_unknown_relation = self.broken_relations;
        let read = read_fact_sentence(&mut reader);
        errs.extend(std::mem::take(&mut reader.errors).into_iter().filter(|d| {
            !(self.broken_entities && matches!(d.kind, ErrorKind::UnknownEntity { .. }))
        }));
        let (atom, negated) = read.ok()?;
        let Target::Relation(rel) = atom.target else {
            return None;
        };
        Some((self.tuple(rel, &atom.args), negated))
    }

    /// A fact's source, `None` when unknown (its error pushed), and its
    /// `as_of` date; `None` in all when the date does not read (its error
    /// pushed). Each `(text, span)` is where it stands in the file.
    pub(super) fn source_and_date(
        &self,
        file: FileId,
        source: (&str, Span),
        as_of: Option<(&str, Span)>,
        memo: &mut ValueMemo,
        errs: &mut Vec<Diagnostic>,
    ) -> Option<(Option<SourceId>, Option<std::sync::Arc<Value>>)> {
        let id = self.source_index.get(source.0).copied();
        if id.is_none() {
            self.source_error_into(errs, file, source.0, source.1);
        }
        let date = match as_of {
            Some((text, span)) => match memo.date(text, span) {
                Ok(v) => Some(v),
                Err((span, kind)) => {
                    errs.push(Diagnostic::new(file, span, kind));
                    return None;
                }
            },
            None => None,
        };
        Some((id, date))
    }

    pub(super) fn tuple(&self, rel: RelId, args: &[Arg]) -> Tuple {
        let mut key_args = KeyArgs::new();
        let mut values = ThinVec::new();
        for a in args {
            match a {
                Arg::Key(Term::Entity(e)) => key_args.push(KeyArg::Entity(*e)),
                Arg::Key(Term::Text { norm, .. }) => {
                    key_args.push(KeyArg::Text(norm.as_str().into()))
                }
                Arg::Key(_) => unreachable!("facts have no variables"),
                Arg::Value(v) => values.push(v.as_deref().cloned()),
            }
        }
        canonical(&self.model.relations[rel as usize], &mut key_args);
        Tuple {
            key: Key {
                relation: rel,
                args: key_args,
            },
            values,
        }
    }

    /// Resolves a structured fact's relation and arguments into a tuple.
    /// Read-only, so JSONL lines resolve in parallel; errors go to `errs`.
    pub(super) fn structured(
        &self,
        file: FileId,
        relation: &Lstr,
        args: &[(Lstr, Lstr)],
        memo: &mut ValueMemo,
        errs: &mut Vec<Diagnostic>,
    ) -> Option<Tuple> {
        let rel_text: &str = &relation.text;
        let rel = match self.relation_exact.get(rel_text) {
            Some(&r) => r,
            None => match self.relation_index.get(&rel_text.to_lowercase()) {
                Some(&r) => r,
                None => {
                    if !self.broken_relations {
                        let known: Vec<&str> = self
                            .model
                            .relations
                            .iter()
                            .map(|r| r.name.as_str())
                            .collect();
                        let suggestions = nearest(rel_text, known);
                        errs.push(Diagnostic::new(
                            file,
                            relation.span,
                            ErrorKind::UnknownRelationName {
                                name: rel_text.to_string(),
                                suggestions,
                            },
                        ));
                    }
                    return None;
                }
            },
        };
        /// A slot's resolved argument.
        enum Filled {
            Key(KeyArg),
            Value(crate::model::Value),
        }
        let relation_decl = &self.model.relations[rel as usize];
        let slots = &relation_decl.slots;
        let slot_kinds = &self.slot_kinds[rel as usize];
        let rel_name = &relation_decl.name;
        let mut filled: SmallVec<[Option<Filled>; 4]> = (0..slots.len()).map(|_| None).collect();
        let mut ok = true;
        for (k, v) in args {
            let Some(si) = slots
                .iter()
                .position(|s| s.name.eq_ignore_ascii_case(&k.text))
            else {
                let names: Vec<&str> = slots.iter().map(|s| s.name.as_str()).collect();
                let suggestions = nearest(&k.text, names);
                errs.push(Diagnostic::new(
                    file,
                    k.span,
                    ErrorKind::UnknownSlot {
                        relation: rel_name.clone(),
                        slot: k.text.to_string(),
                        suggestions,
                    },
                ));
                ok = false;
                continue;
            };
            let arg = match &slots[si].ty {
                SlotType::Text => Some(Filled::Key(KeyArg::Text(
                    fold_spaces(&v.text.to_lowercase()).into(),
                ))),
                SlotType::Entity(want) => match self.entity_and_kind(&v.text) {
                    Some((e, kind_id)) => {
                        // Kinds compared by number: the entity itself is
                        // read only for an error.
                        let wrong = slot_kinds[si].is_some_and(|w| w != Some(kind_id));
                        match want {
                            Some(w) if wrong => {
                                let kind = &self.model.entities[e as usize].kind;
                                errs.push(Diagnostic::new(
                                    file,
                                    v.span,
                                    ErrorKind::WrongKind {
                                        entity: v.text.to_string(),
                                        kind: kind.clone(),
                                        slot: slots[si].name.clone(),
                                        wants: w.clone(),
                                    },
                                ));
                                None
                            }
                            _ => Some(Filled::Key(KeyArg::Entity(e))),
                        }
                    }
                    None => {
                        self.entity_error_into(errs, file, v.span, &v.text);
                        None
                    }
                },
                SlotType::Value(kind) => {
                    // Plain digits are one word to the lexer: skip it.
                    let digits = *kind == value::ValueKind::Number
                        && (1..=20).contains(&v.text.len())
                        && v.text.bytes().all(|b| b.is_ascii_digit());
                    let parsed = if digits {
                        // Read directly: cheaper than remembering it.
                        value::read_number_words(&[&v.text])
                    } else {
                        match memo.get(*kind, &v.text) {
                            Some(interval) => Ok(interval),
                            None => {
                                let read = lex_at(&v.text, v.span)
                                    .map_err(|_| value::ValueError::NotAPhrase)
                                    .and_then(|t| value::read(*kind, &t));
                                if let Ok(interval) = &read {
                                    memo.put(*kind, &v.text, *interval);
                                }
                                read
                            }
                        }
                    };
                    match parsed {
                        Ok(interval) => Some(Filled::Value(crate::model::Value {
                            interval,
                            text: fold_spaces(&v.text),
                        })),
                        Err(error) if error != value::ValueError::NotAPhrase => {
                            // Point at a misspelt word; else at the value.
                            let span = match &error {
                                value::ValueError::Misspelt { word, .. } => v
                                    .text
                                    .to_lowercase()
                                    .find(word.as_str())
                                    .filter(|_| {
                                        (v.span.end - v.span.start) as usize == v.text.len()
                                    })
                                    .map_or(v.span, |at| {
                                        let start = v.span.start as usize + at;
                                        Span::new(start, start + word.len())
                                    }),
                                _ => v.span,
                            };
                            errs.push(Diagnostic::new(file, span, ErrorKind::BadUnit { error }));
                            None
                        }
                        Err(_) => {
                            let (span, error) = super::hints::value_error(*kind, &v.text, v.span)
                                .unwrap_or_else(|| {
                                    let wants = kind.wants();
                                    let text = v.text.to_string();
                                    (v.span, ErrorKind::BadValue { text, wants })
                                });
                            errs.push(Diagnostic::new(file, span, error));
                            None
                        }
                    }
                }
            };
            match arg {
                Some(a) => filled[si] = Some(a),
                None => ok = false,
            }
        }
        for (si, s) in slots.iter().enumerate() {
            if s.ty.is_key() && filled[si].is_none() && ok {
                errs.push(Diagnostic::new(
                    file,
                    relation.span,
                    ErrorKind::BadFact {
                        message: format!(
                            "relation `{rel_name}` needs `args` for slot `{}`",
                            s.name
                        ),
                    },
                ));
                ok = false;
            }
        }
        if !ok {
            return None;
        }
        // Exact sizes: the values keep their one allocation, the key none (up
        // to two arguments).
        let keys = slots.iter().filter(|s| s.ty.is_key()).count();
        let mut key_args = KeyArgs::with_capacity(keys);
        let mut values = ThinVec::with_capacity(slots.len() - keys);
        for f in filled {
            match f {
                Some(Filled::Key(k)) => key_args.push(k),
                Some(Filled::Value(v)) => values.push(Some(v)),
                None => values.push(None),
            }
        }
        canonical(relation_decl, &mut key_args);
        Some(Tuple {
            key: Key {
                relation: rel,
                args: key_args,
            },
            values,
        })
    }

    /// What reading facts needs besides the declarations: which sources'
    /// documents have a text that quotes are checked against, and each
    /// relation's entity-slot kinds by number.
    pub(super) fn prepare_facts(&mut self) {
        self.has_text = (0..self.model.sources.len())
            .map(|s| {
                let mut d = s;
                while let Some(v) = self.model.sources[d].via {
                    d = v as usize;
                }
                self.model.sources[d].text.is_some()
            })
            .collect();
        self.slot_kinds = self
            .model
            .relations
            .iter()
            .map(|r| {
                r.slots
                    .iter()
                    .map(|s| match &s.ty {
                        SlotType::Entity(Some(w)) => Some(self.names.kind(w)),
                        _ => None,
                    })
                    .collect()
            })
            .collect();
    }

    /// Reads the facts of every fact file, in files' order, in one parallel
    /// pass over their parts (`slots.rs`): the items of YAML files read
    /// whole, 1,024 at a time; a deferred `facts:` list run by run; JSONL
    /// files in chunks of lines. Read-only, so it runs beside the claims.
    /// `None` when a deferred run does not read on its own.
    pub(super) fn read_facts(
        &self,
        files: &Files,
        yamls: &[(FileId, &RawFactFile)],
        deferred: &[(FileId, &crate::facts::DeferredFacts)],
        jsonls: &[FileId],
    ) -> Option<ReadFacts> {
        const ITEMS: usize = 1024;
        // Line starts of the YAML files with items read whole (a deferred
        // list's lines are counted run by run).
        let starts: Vec<Vec<usize>> = yamls
            .iter()
            .map(|(file, raw)| match raw.facts.is_empty() {
                true => Vec::new(),
                false => crate::diag::line_starts(&files.get(*file).text),
            })
            .collect();
        let mut parts = Vec::new();
        let mut counts = Vec::new();
        for ((file, raw), starts) in yamls.iter().zip(&starts) {
            let src = &files.get(*file).text;
            for items in raw.facts.chunks(ITEMS) {
                parts.push(Part::Items {
                    file: *file,
                    src,
                    starts,
                    items,
                });
                counts.push(items.len());
            }
            if let Some((_, d)) = deferred.iter().find(|(f, _)| f == file) {
                parts.extend(super::yaml::runs(*file, src, d));
                counts.extend(&d.items);
            }
        }
        for &file in jsonls {
            let (chunks, lines) = super::jsonl::chunks(file, &files.get(file).text);
            parts.extend(chunks);
            counts.extend(lines);
        }
        self.read_parts(&parts, &counts)
    }
}

/// Lexes a string from a fact file that starts at `span`.
pub(super) fn lex_at(text: &str, span: Span) -> Result<Vec<Token>, (Span, ErrorKind)> {
    lex(text, span.start as usize)
}

/// A date phrase from a fact file (`as_of`), as a value.
pub(super) fn date_value(text: &str, span: Span) -> Result<crate::model::Value, (Span, ErrorKind)> {
    let toks = lex_at(text, span)?;
    let words_ok = toks
        .iter()
        .all(|t| matches!(t.kind, TokenKind::Word | TokenKind::Comma));
    match value::date_phrase(&toks).filter(|_| words_ok) {
        Some(interval) => Ok(crate::model::Value {
            interval,
            text: fold_spaces(text),
        }),
        None => Err(hints::value_error(ValueKind::Date, text, span).unwrap_or((
            span,
            ErrorKind::BadValue {
                text: text.to_string(),
                wants: ValueKind::Date.wants(),
            },
        ))),
    }
}

/// Slot values and `as_of` dates read once for each distinct kind and text
/// by one worker, over the whole pass of every fact file's parts
/// (`slots.rs`): dates and amounts repeat. Only values
/// that read are remembered; an error points into the text where it stands.
/// At most `MEMO_TEXTS` texts of a kind are kept.
#[derive(Default)]
pub(super) struct ValueMemo {
    read: Vec<(ValueKind, rustc_hash::FxHashMap<Box<str>, value::Interval>)>,
    /// `as_of` dates: the facts share the value of each date they give.
    dates: rustc_hash::FxHashMap<Box<str>, std::sync::Arc<Value>>,
}

impl ValueMemo {
    /// An `as_of` date's value, read once for each distinct text.
    pub(super) fn date(
        &mut self,
        text: &str,
        span: Span,
    ) -> Result<std::sync::Arc<Value>, (Span, ErrorKind)> {
        if let Some(v) = self.dates.get(text) {
            return Ok(v.clone());
        }
        // Errors point into the text where it stands: never remembered.
        let v = std::sync::Arc::new(date_value(text, span)?);
        if self.dates.len() < MEMO_TEXTS {
            self.dates.insert(text.into(), v.clone());
        }
        Ok(v)
    }

    fn get(&self, kind: ValueKind, text: &str) -> Option<value::Interval> {
        let (_, m) = self.read.iter().find(|(k, _)| *k == kind)?;
        m.get(text).copied()
    }

    fn put(&mut self, kind: ValueKind, text: &str, interval: value::Interval) {
        let i = match self.read.iter().position(|(k, _)| *k == kind) {
            Some(i) => i,
            None => {
                self.read.push((kind, Default::default()));
                self.read.len() - 1
            }
        };
        if self.read[i].1.len() < MEMO_TEXTS {
            self.read[i].1.entry(text.into()).or_insert(interval);
        }
    }
}

/// Most distinct value texts of one kind a `ValueMemo` keeps.
const MEMO_TEXTS: usize = 1 << 14;
