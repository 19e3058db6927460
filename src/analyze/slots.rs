//! A fact file's facts read in parallel parts straight into their places
//! in the model: the JSONL chunks, the runs of a deferred YAML `facts:`
//! list and the items of a YAML file read whole all go through `fill`.
//!
//! Each part knows the most facts it can give (a line or an item holds at
//! most one), so every part gets its own slots of the model's facts before
//! any is read. The slots are made in parallel (`Fact::empty`, nothing
//! allocated) and each part writes its facts into its own: no fact is moved
//! after it is made, no list of a part's facts is built to be copied, no
//! core waits for a merge, and the first touch of the facts' memory is
//! shared by the cores. A line or item without a fact (blank, or an error)
//! leaves its slot empty; empty slots are closed up at the end, and errors
//! and quote checks are taken in part order, so the result is what one
//! reading in file order gives.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use rayon::prelude::*;

use super::facts::ValueMemo;
use super::Analyzer;
use crate::diag::{Diagnostic, FileId};
use crate::facts::Located;
use crate::model::*;

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

impl Analyzer {
    /// Reads `parts` of `file` in parallel, part `i` into `counts[i]` slots
    /// of its own (`read` writes them in order with `Filled::put`, sharing
    /// its worker's memo of values and dates), then closes up the empty
    /// slots and takes the errors, quote checks and `only` facts in part
    /// order. `false`, and no facts added, when `read` gives `None` for a
    /// part, or a part writes past its slots.
    pub(super) fn fill<P: Sync>(
        &mut self,
        parts: &[P],
        counts: &[usize],
        file: FileId,
        texts: &mut HashMap<PathBuf, Option<String>>,
        read: impl Fn(&Analyzer, &P, &mut [Fact], &mut ValueMemo) -> Option<Filled> + Sync,
    ) -> bool {
        debug_assert_eq!(parts.len(), counts.len());
        let mut facts = std::mem::take(&mut self.model.facts);
        let base = facts.len();
        let total: usize = counts.iter().sum();
        facts.par_extend((0..total).into_par_iter().map(|_| Fact::empty()));
        let mut slots: Vec<&mut [Fact]> = Vec::with_capacity(parts.len());
        let mut rest = &mut facts[base..];
        for &n in counts {
            let (mine, after) = std::mem::take(&mut rest).split_at_mut(n);
            slots.push(mine);
            rest = after;
        }
        // Each worker keeps its dates and values read from part to part (a
        // file repeats a few hundred dates over and over).
        let memos: Vec<Mutex<ValueMemo>> = (0..rayon::current_num_threads().max(1))
            .map(|_| Default::default())
            .collect();
        let this = &*self;
        let done: Vec<Option<Filled>> = parts
            .par_iter()
            .zip(slots)
            .map(|(part, slots)| {
                let worker = rayon::current_thread_index().unwrap_or(0) % memos.len();
                let mut memo = memos[worker].lock().unwrap_or_else(|e| e.into_inner());
                let n = slots.len();
                read(this, part, slots, &mut memo).filter(|f| f.written <= n)
            })
            .collect();
        if done.iter().any(Option::is_none) {
            facts.truncate(base);
            self.model.facts = facts;
            return false;
        }
        // Empty slots closed up, part by part (none when every line or item
        // held a fact); the noted slots follow their facts.
        let mut to = base;
        let mut from = base;
        let mut taken = Vec::with_capacity(done.len());
        for (part, &n) in done.into_iter().flatten().zip(counts) {
            if to != from {
                for i in 0..part.written {
                    facts.swap(to + i, from + i);
                }
            }
            to += part.written;
            from += n;
            taken.push((to - part.written, part));
        }
        facts.truncate(to);
        self.model.facts = facts;
        for (at, part) in taken {
            self.errors.extend(part.errs);
            for i in part.closed {
                let id = (at + i) as FactId;
                if let FactBody::Only(o) = &self.model.facts[at + i].body {
                    let relation = o.relation;
                    self.model
                        .closed_worlds
                        .entry(relation)
                        .or_default()
                        .push(id);
                }
            }
            for (i, q) in part.quotes {
                let source = self.model.facts[at + i].source;
                self.check_quote(file, source, &q, texts);
            }
        }
        true
    }
}
