//! The analyzer's facts (`says:`, structured, `only:`), from YAML files and
//! JSONL chunks.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::PathBuf;

use rayon::prelude::*;
use smallvec::SmallVec;

use super::claims::{read_fact_sentence, Context, Reader};
use super::{canonical, hints, Analyzer};
use crate::diag::{nearest, Diagnostic, ErrorKind, FileId, Loc, Span};
use crate::facts::{Located, Lstr, RawFactBody, RawFactFile};
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

    pub(super) fn tuple(&self, rel: RelId, args: &[Arg]) -> Tuple {
        let mut key_args = Vec::new();
        let mut values = Vec::new();
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
                args: key_args.into(),
            },
            values: values.into(),
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
        // Exact sizes: the boxed slices keep their one allocation.
        let keys = slots.iter().filter(|s| s.ty.is_key()).count();
        let mut key_args = Vec::with_capacity(keys);
        let mut values = Vec::with_capacity(slots.len() - keys);
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
                args: key_args.into_boxed_slice(),
            },
            values: values.into_boxed_slice(),
        })
    }

    /// Resolves one fact of a YAML file. Read-only (facts resolve in
    /// parallel); errors go to `errs`.
    fn yaml_fact(
        &self,
        file: FileId,
        src: &str,
        starts: &[usize],
        raw: &crate::facts::RawFact,
        memo: &mut ValueMemo,
        errs: &mut Vec<Diagnostic>,
    ) -> Option<Fact> {
        let line = crate::diag::line_of(starts, raw.span.start as usize) as u32;
        let source = self.source_index.get(raw.source.text.as_str()).copied();
        if source.is_none() {
            self.source_error_into(errs, file, &raw.source.text, raw.source.span);
        }
        let as_of = match &raw.as_of {
            Some(l) => match memo.date(&l.text, l.span) {
                Ok(v) => Some(v),
                Err((span, kind)) => {
                    errs.push(Diagnostic::new(file, span, kind));
                    return None;
                }
            },
            None => None,
        };
        let (body, text) = match &raw.body {
            RawFactBody::Says(l) => {
                let (tuple, negated) = self.sentence(file, src, l, errs)?;
                (
                    FactBody::Atom { tuple, negated },
                    Some(fold_spaces(&l.text).into()),
                )
            }
            RawFactBody::Structured {
                relation,
                args,
                negated,
            } => {
                let relation = Lstr {
                    text: Cow::Borrowed(relation.text.as_str()),
                    span: relation.span,
                };
                let args: Vec<(Lstr, Lstr)> = args
                    .iter()
                    .map(|(k, v)| {
                        (
                            Lstr {
                                text: Cow::Borrowed(k.text.as_str()),
                                span: k.span,
                            },
                            Lstr {
                                text: Cow::Borrowed(v.text.as_str()),
                                span: v.span,
                            },
                        )
                    })
                    .collect();
                let tuple = self.structured(file, &relation, &args, memo, errs)?;
                (
                    FactBody::Atom {
                        tuple,
                        negated: *negated,
                    },
                    None,
                )
            }
            RawFactBody::Only { sentences, among } => {
                let mut listed = Vec::new();
                let mut ok = true;
                let mut at = 0;
                for piece in sentences.text.split(';') {
                    let lead = piece.len() - piece.trim_start().len();
                    // Each sentence's own span: errors about it underline
                    // it alone, not the rest of the `only`.
                    let start = sentences.span.start as usize + at + lead;
                    let l = Located {
                        text: piece.trim().into(),
                        span: Span::new(start, start + piece.trim().len()),
                    };
                    at += piece.len() + 1;
                    if l.text.is_empty() {
                        continue;
                    }
                    match self.sentence(file, src, &l, errs) {
                        Some((_, true)) => {
                            errs.push(Diagnostic::new(
                                file,
                                l.span,
                                ErrorKind::BadFact {
                                    message: "an `only` lists what is true: no `not` or `no` in it"
                                        .into(),
                                },
                            ));
                            ok = false;
                        }
                        Some((t, false)) => listed.push((t, l.span)),
                        None => ok = false,
                    }
                }
                let group = self
                    .group_index
                    .get(&fold_spaces(&among.text).to_lowercase())
                    .copied();
                if group.is_none() {
                    self.group_error_into(errs, file, among);
                    ok = false;
                }
                if !ok || listed.is_empty() {
                    if ok {
                        errs.push(Diagnostic::new(
                            file,
                            sentences.span,
                            ErrorKind::BadFact {
                                message: "`only` needs at least one sentence".into(),
                            },
                        ));
                    }
                    return None;
                }
                let relation = listed[0].0.key.relation;
                if let Some((_, span)) = listed.iter().find(|(t, _)| t.key.relation != relation) {
                    errs.push(Diagnostic::new(
                        file,
                        *span,
                        ErrorKind::BadFact {
                            message: "the sentences of one `only` must all be of one relation"
                                .into(),
                        },
                    ));
                    return None;
                }
                let group = group.expect("checked above");
                let listed: Vec<Tuple> = listed.into_iter().map(|(t, _)| t).collect();
                let text = format!(
                    "only {}, among {}",
                    fold_spaces(&sentences.text),
                    self.model.groups[group as usize].name
                );
                (
                    FactBody::Only(Box::new(Only {
                        relation,
                        group,
                        members: self.model.groups[group as usize]
                            .members
                            .iter()
                            .copied()
                            .collect(),
                        listed_keys: listed.iter().map(|t| t.key.clone()).collect(),
                        listed,
                    })),
                    Some(text.into()),
                )
            }
        };
        let source = source?;
        Some(Fact {
            source,
            as_of,
            extra: FactExtra::of(
                raw.quote.as_ref().map(|q| q.text.as_str().into()),
                raw.note.as_deref().map(Into::into),
                text,
            ),
            loc: Loc {
                file,
                span: raw.span,
            },
            line,
            body,
        })
    }

    pub(super) fn facts(
        &mut self,
        files: &Files,
        yamls: &[(FileId, &RawFactFile)],
        deferred: &[(FileId, &[usize])],
        jsonls: &[FileId],
    ) {
        // Which sources' documents have a text that quotes are checked against.
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
        let mut texts: HashMap<PathBuf, Option<String>> = HashMap::new();
        // Each fact is read on its own, so they are read in parallel; facts
        // and errors are then taken in file order.
        for (file, raw) in yamls {
            let src = &files.get(*file).text;
            let starts = crate::diag::line_starts(src);
            let this = &*self;
            let read: Vec<(Option<Fact>, Vec<Diagnostic>)> = raw
                .facts
                .par_iter()
                .map_init(ValueMemo::default, |memo, raw| {
                    let mut errs = Vec::new();
                    let fact = this.yaml_fact(*file, src, &starts, raw, memo, &mut errs);
                    (fact, errs)
                })
                .collect();
            for ((fact, errs), raw) in read.into_iter().zip(&raw.facts) {
                self.errors.extend(errs);
                if let Some(fact) = fact {
                    self.take_fact(*file, fact, raw.quote.as_ref(), &mut texts);
                }
            }
            if let Some((_, cuts)) = deferred.iter().find(|(f, _)| f == file) {
                if !self.yaml_runs(*file, src, &starts, cuts, &mut texts) {
                    self.deferral_failed = true;
                    return;
                }
            }
        }
        for &file in jsonls {
            self.jsonl_file(file, &files.get(file).text, &mut texts);
        }
    }
}

impl Analyzer {
    /// Adds a resolved fact of a YAML file, checking its quote.
    fn take_fact(
        &mut self,
        file: FileId,
        fact: Fact,
        quote: Option<&Located>,
        texts: &mut HashMap<PathBuf, Option<String>>,
    ) {
        if let Some(q) = quote {
            self.check_quote(file, fact.source, q, texts);
        }
        let id = self.model.facts.len() as FactId;
        if let FactBody::Only(o) = &fact.body {
            self.model
                .closed_worlds
                .entry(o.relation)
                .or_default()
                .push(id);
        }
        self.model.facts.push(fact);
    }

    /// Reads and resolves a deferred `facts:` list run by run, in parallel
    /// waves, each run's raw items dropped once resolved; facts and errors
    /// are taken in file order. `false` when a run does not read on its own
    /// (the file is then to be parsed whole).
    fn yaml_runs(
        &mut self,
        file: FileId,
        src: &str,
        starts: &[usize],
        cuts: &[usize],
        texts: &mut HashMap<PathBuf, Option<String>>,
    ) -> bool {
        /// A run's facts, each with its errors and its quote.
        type Run = Vec<(Option<Fact>, Vec<Diagnostic>, Option<Located>)>;
        let runs: Vec<(usize, usize)> = cuts.windows(2).map(|w| (w[0], w[1])).collect();
        let wave = 8 * rayon::current_num_threads().max(1);
        for runs in runs.chunks(wave) {
            let this = &*self;
            let done: Vec<Option<Run>> = runs
                .par_iter()
                .map_init(ValueMemo::default, |memo, &(from, to)| {
                    let raws = crate::facts::read_facts_run(src, from, to)?;
                    Some(
                        raws.into_iter()
                            .map(|mut raw| {
                                let mut errs = Vec::new();
                                let fact = this.yaml_fact(file, src, starts, &raw, memo, &mut errs);
                                (fact, errs, raw.quote.take())
                            })
                            .collect(),
                    )
                })
                .collect();
            for run in done {
                let Some(run) = run else { return false };
                for (fact, errs, quote) in run {
                    self.errors.extend(errs);
                    if let Some(fact) = fact {
                        self.take_fact(file, fact, quote.as_ref(), texts);
                    }
                }
            }
        }
        true
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

/// Slot values read once for each distinct kind and text within a run of
/// facts (a JSONL chunk, a share of a YAML file's facts): dates and amounts
/// repeat. Only values that read are remembered; an error points into the
/// text where it stands. At most `MEMO_TEXTS` texts of a kind are kept (a
/// worker keeps its memo from chunk to chunk of a file).
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

#[cfg(test)]
mod tests {
    use super::super::{analyze_cached, analyze_partial, Options, ParseCache, FACTS_RUN};
    use crate::load::{FileKind, Files};

    const RULES: &str = "\
relation ties: {a:org} works with {b:org}
relation size functional: {a:org} has {n:number} staff
relation met symmetric: {a:org} met {b:org} {d:date}
  | {a:org} met {b:org}
group pair: Org0 Co, Org1 Co
expect supported: Org0 Co works with Org1 Co
";

    /// A fact file over 1 MB whose last section is a facts list of every
    /// form: `says:`, structured (with quotes, notes, `as_of`, a value, a
    /// date), `only:`. `bad` puts a fact naming no entity every 997 items.
    fn big_yaml(bad: bool) -> String {
        let mut y = String::from("sources:\n  - id: s0\n  - id: s1\nentities:\n");
        for i in 0..40 {
            y.push_str(&format!(
                "  - {{name: Org{i} Co, kind: org, aka: [O{i}]}}\n"
            ));
        }
        y.push_str("facts:\n");
        let mut i = 0;
        while y.len() < 1_300_000 {
            let (a, b) = (i % 40, (i * 7 + 3) % 40);
            y.push_str(&match i % 6 {
                0 => format!("  - says: Org{a} Co works with O{b}\n    source: s0\n"),
                1 => format!(
                    "  - relation: ties\n    args: {{a: Org{a} Co, b: O{b}}}\n    source: s1\n    quote: 'item {i}'\n    note: >\n      folded\n      - not an item\n"
                ),
                2 => format!(
                    "  - relation: size\n    args: {{a: O{a}, n: {}}}\n    source: s0\n    as_of: 2024-0{}\n",
                    100 + i % 3,
                    1 + i % 9
                ),
                3 => format!(
                    "  - relation: met\n    args: {{a: O{a}, b: O{b}, d: '2023-05-{:02}'}}\n    negated: true\n    source: s1\n",
                    1 + i % 28
                ),
                4 => "  - only: Org0 Co works with Org1 Co\n    among: pair\n    source: s0\n\n  # between items\n".to_string(),
                _ if bad && i % 997 == 5 => {
                    format!("  - says: Org{a} Co works with Nobody {i}\n    source: s0\n")
                }
                _ => format!("  - {{says: O{a} works with O{b}, source: s1}}\n"),
            });
            i += 1;
        }
        y
    }

    /// The facts and errors of a one-off analysis (which defers the facts
    /// list) and of an editor's (which reads the file whole), as text.
    fn both(yaml: &str) -> [String; 2] {
        let mut files = Files::new();
        files.add_text("rules.claims", FileKind::Rules, RULES);
        files.add_text("facts.yaml", FileKind::Yaml, yaml);
        let options = Options::default();
        let mut timings = crate::Timings::default();
        let (once, once_errs) = analyze_partial(&files, &options);
        let (kept, kept_errs) =
            analyze_cached(&files, &options, &mut timings, &mut ParseCache::keeping());
        let worlds = |m: &crate::model::Model| {
            let mut w: Vec<_> = m.closed_worlds.iter().collect();
            w.sort();
            format!("{w:?}")
        };
        [
            format!("{:?}\n{}\n{:?}", once.facts, worlds(&once), once_errs),
            format!("{:?}\n{}\n{:?}", kept.facts, worlds(&kept), kept_errs),
        ]
    }

    #[test]
    fn a_deferred_facts_list_resolves_as_a_whole_read_does() {
        for bad in [false, true] {
            let yaml = big_yaml(bad);
            let deferred = crate::facts::defer_facts(&yaml, FACTS_RUN).expect("deferred");
            assert!(deferred.cuts.len() > 3, "{} runs", deferred.cuts.len() - 1);
            // Every run reads on its own: the facts were read deferred.
            for w in deferred.cuts.windows(2) {
                assert!(crate::facts::read_facts_run(&yaml, w[0], w[1]).is_some());
            }
            let [once, kept] = both(&yaml);
            assert_eq!(once, kept);
            assert_eq!(once.contains("Nobody"), bad);
        }
    }

    #[test]
    fn a_deferred_list_with_a_yaml_error_reads_as_a_whole_file_does() {
        let mut yaml = big_yaml(true);
        let at = yaml.len() / 2;
        let at = at + yaml[at..].find("\n  - ").unwrap() + 1;
        yaml.insert_str(at, "  - says: [unclosed\n    source: s0\n");
        assert!(crate::facts::defer_facts(&yaml, FACTS_RUN).is_some());
        let [once, kept] = both(&yaml);
        assert_eq!(once, kept);
        assert!(once.contains("Yaml"), "{}", &once[once.len() - 500..]);
    }
}
