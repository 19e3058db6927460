//! The fact files' facts read in parallel parts straight into their places:
//! the chunks of the JSONL files, the runs of a deferred YAML `facts:` list
//! and the items of the YAML files read whole, all in one parallel pass
//! (`read_parts`), then taken into the model (`take_facts`).
//!
//! Each part knows the most facts it can give (a line or an item holds at
//! most one), so every part gets its own slots of one vector before any is
//! read. The slots are made in parallel (`Fact::empty`, nothing allocated)
//! and each part writes its facts into its own: no fact is moved after it
//! is made, no list of a part's facts is built to be copied, no core waits
//! for a merge between files, and the first touch of the facts' memory is
//! shared by the cores. A line or item without a fact (blank, or an error)
//! leaves its slot empty; empty slots are closed up at the end, and errors,
//! quote checks and `only` facts are taken in part order, so the result is
//! what one reading of the files in order gives.
//!
//! Reading is read-only (`&Analyzer`), so it can run beside the reading of
//! the claims, which needs the same declarations and no facts.

use std::sync::Mutex;

use rayon::prelude::*;

use super::facts::ValueMemo;
use super::Analyzer;
use crate::diag::{Diagnostic, FileId};
use crate::facts::{Located, RawFact};
use crate::model::*;

/// A part of a fact file, read on its own into slots of its own.
pub(super) enum Part<'a> {
    /// Items of a YAML file read whole, with the file's line starts.
    Items {
        file: FileId,
        src: &'a str,
        starts: &'a [usize],
        items: &'a [RawFact],
    },
    /// A run of items of a deferred `facts:` list, `from..to` of the file,
    /// with the number of lines before it.
    Run {
        file: FileId,
        src: &'a str,
        from: usize,
        to: usize,
        before: usize,
    },
    /// Whole lines of a JSONL file (`text`, from byte `start`), with the
    /// number of lines before them.
    Chunk {
        file: FileId,
        start: usize,
        text: &'a str,
        before: u32,
    },
}

impl Part<'_> {
    fn file(&self) -> FileId {
        match self {
            Part::Items { file, .. } | Part::Run { file, .. } | Part::Chunk { file, .. } => *file,
        }
    }
}

/// What one part wrote: its facts in its first `written` slots, their
/// quotes to check and `only` facts (by slot), and its errors.
#[derive(Default)]
pub(super) struct Filled {
    pub written: usize,
    pub quotes: Vec<(usize, Located)>,
    pub closed: Vec<usize>,
    pub errs: Vec<Diagnostic>,
}

impl Filled {
    /// Writes `fact` into the next of `slots`, noting its quote (when its
    /// document has a text to check it against) and whether it is an `only`.
    pub(super) fn put(
        &mut self,
        a: &Analyzer,
        slots: &mut [Fact],
        fact: Fact,
        quote: Option<Located>,
    ) {
        if let Some(q) = quote.filter(|_| a.has_text[fact.source as usize]) {
            self.quotes.push((self.written, q));
        }
        if matches!(fact.body, FactBody::Only(_)) {
            self.closed.push(self.written);
        }
        slots[self.written] = fact;
        self.written += 1;
    }
}

/// Facts read and not yet taken: every part's slots, in part order, and
/// what each part wrote.
pub(super) struct ReadFacts {
    facts: Vec<Fact>,
    parts: Vec<(FileId, usize, Filled)>,
}

impl Analyzer {
    /// Reads `parts` in parallel, part `i` into `counts[i]` slots of its
    /// own; each worker keeps its memo of values and dates from part to
    /// part (a file repeats a few hundred dates over and over). `None` when
    /// a deferred run does not read on its own (the workspace is then to be
    /// read with every YAML file whole).
    pub(super) fn read_parts(&self, parts: &[Part], counts: &[usize]) -> Option<ReadFacts> {
        debug_assert_eq!(parts.len(), counts.len());
        let total: usize = counts.iter().sum();
        let mut facts = Vec::with_capacity(total);
        facts.par_extend((0..total).into_par_iter().map(|_| Fact::empty()));
        let mut slots: Vec<&mut [Fact]> = Vec::with_capacity(parts.len());
        let mut rest = &mut facts[..];
        for &n in counts {
            let (mine, after) = std::mem::take(&mut rest).split_at_mut(n);
            slots.push(mine);
            rest = after;
        }
        let memos: Vec<Mutex<ValueMemo>> = (0..rayon::current_num_threads().max(1))
            .map(|_| Default::default())
            .collect();
        let done: Vec<Option<Filled>> = parts
            .par_iter()
            .zip(slots)
            .map(|(part, slots)| {
                let worker = rayon::current_thread_index().unwrap_or(0) % memos.len();
                // A worker's memo is free unless this thread is inside a
                // part already (a part that waited on other rayon work and
                // was given this one): then a memo of its own, never a wait.
                let mut guard = memos[worker].try_lock().ok();
                let mut own = None;
                let memo = match guard.as_deref_mut() {
                    Some(m) => m,
                    None => own.insert(ValueMemo::default()),
                };
                match *part {
                    Part::Items {
                        file,
                        src,
                        starts,
                        items,
                    } => Some(self.read_items(file, src, starts, items, slots, memo)),
                    Part::Run {
                        file,
                        src,
                        from,
                        to,
                        before,
                    } => self.read_run(file, src, (from, to), before, slots, memo),
                    Part::Chunk {
                        file,
                        start,
                        text,
                        before,
                    } => Some(self.read_chunk(file, start, text, before, slots, memo)),
                }
            })
            .collect();
        let parts = parts
            .iter()
            .zip(counts)
            .zip(done)
            .map(|((part, &n), filled)| Some((part.file(), n, filled?)))
            .collect::<Option<Vec<_>>>()?;
        Some(ReadFacts { facts, parts })
    }

    /// Takes facts read by `read_parts` into the model: empty slots closed
    /// up (none when every line or item held a fact), then each part's
    /// errors and `only` facts in part order, then the quotes.
    pub(super) fn take_facts(&mut self, read: ReadFacts) {
        let ReadFacts { mut facts, parts } = read;
        let mut to = 0;
        let mut from = 0;
        let mut taken = Vec::with_capacity(parts.len());
        for (file, n, part) in parts {
            if to != from {
                for i in 0..part.written {
                    facts.swap(to + i, from + i);
                }
            }
            to += part.written;
            from += n;
            taken.push((file, to - part.written, part));
        }
        facts.truncate(to);
        let base = self.model.facts.len();
        if base == 0 {
            self.model.facts = facts;
        } else {
            self.model.facts.append(&mut facts);
        }
        let mut quotes = Vec::new();
        for (file, at, part) in taken {
            let at = base + at;
            self.errors.extend(part.errs);
            for i in part.closed {
                if let FactBody::Only(o) = &self.model.facts[at + i].body {
                    let relation = o.relation;
                    self.model
                        .closed_worlds
                        .entry(relation)
                        .or_default()
                        .push((at + i) as FactId);
                }
            }
            quotes.extend(
                part.quotes
                    .into_iter()
                    .map(|(i, q)| (file, self.model.facts[at + i].source, q)),
            );
        }
        self.check_quotes(quotes);
    }
}
