//! The analyzer's JSONL fact files: read and resolved in parallel chunks of
//! whole lines, merged in line order.

use std::collections::HashMap;
use std::path::PathBuf;

use rayon::prelude::*;

use super::facts::ValueMemo;
use super::Analyzer;
use crate::diag::{Diagnostic, FileId, Loc};
use crate::facts::{parse_jsonl_line, JsonlFact, Located, Lstr};
use crate::model::*;

impl Analyzer {
    /// Resolves one JSONL fact. Read-only (lines resolve in parallel): the
    /// fact, and its quote when the source's document has a text to check.
    pub(super) fn jsonl_fact(
        &self,
        file: FileId,
        line: u32,
        raw: JsonlFact,
        values: &mut ValueMemo,
        errs: &mut Vec<Diagnostic>,
    ) -> Option<(Fact, Option<Located>)> {
        let as_of = raw.as_of.as_ref().map(|l| (l.text.as_ref(), l.span));
        let (source, as_of) = self.source_and_date(
            file,
            (&raw.source.text, raw.source.span),
            as_of,
            values,
            errs,
        )?;
        let tuple = self.structured(file, &raw.relation, &raw.args, values, errs)?;
        let source = source?;
        let check = raw
            .quote
            .as_ref()
            .filter(|_| self.has_text[source as usize])
            .map(Lstr::owned);
        Some((
            Fact {
                source,
                line,
                loc: Loc {
                    file,
                    span: raw.span,
                },
                body: FactBody::Atom {
                    tuple,
                    negated: raw.negated,
                },
                as_of,
                extra: FactExtra::of(
                    raw.quote.map(|q| q.text.into()),
                    raw.note.map(|n| n.into()),
                    None,
                ),
            },
            check,
        ))
    }

    /// Reads and resolves a JSONL file in parallel chunks of whole lines;
    /// facts and errors come out in line order, as a sequential read gives.
    pub(super) fn jsonl_file(
        &mut self,
        file: FileId,
        text: &str,
        texts: &mut HashMap<PathBuf, Option<String>>,
    ) {
        const CHUNK: usize = 1 << 18;
        let mut chunks: Vec<(usize, &str)> = Vec::new();
        let mut at = 0;
        while at < text.len() {
            let mut end = (at + CHUNK).min(text.len());
            if end < text.len() {
                end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
            }
            chunks.push((at, &text[at..end]));
            at = end;
        }
        /// A chunk's lines, facts (line numbers from the chunk's first),
        /// quotes to check (by index into its facts) and errors.
        struct Chunk {
            lines: u32,
            facts: Vec<Fact>,
            quotes: Vec<(usize, Located)>,
            errs: Vec<Diagnostic>,
        }
        // One allocation for the facts of the file (a line holds at most
        // one). Chunks are read in waves, each merged before the next, so
        // the facts are never held twice over.
        let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1;
        self.model.facts.reserve(lines);
        let wave = 8 * rayon::current_num_threads().max(1);
        // Each worker keeps its dates and values read from chunk to chunk
        // (a file repeats a few hundred dates over and over).
        let memos: Vec<std::sync::Mutex<ValueMemo>> = (0..rayon::current_num_threads().max(1))
            .map(|_| Default::default())
            .collect();
        let mut first_line = 0u32;
        for chunks in chunks.chunks(wave) {
            let this = &*self;
            let done: Vec<Chunk> = chunks
                .par_iter()
                .map(|&(start, chunk)| {
                    // Sized once (a line holds at most one fact): no doubling
                    // series, each of which the allocator would map and zero.
                    let mut facts = Vec::with_capacity(
                        memchr::memchr_iter(b'\n', chunk.as_bytes()).count() + 1,
                    );
                    let mut quotes = Vec::new();
                    let mut errs = Vec::new();
                    let mut raw_errs = Vec::new();
                    let worker = rayon::current_thread_index().unwrap_or(0) % memos.len();
                    let mut memo = memos[worker].lock().unwrap_or_else(|e| e.into_inner());
                    let values = &mut *memo;
                    let mut lines = 0u32;
                    // Lines with their ends (as `split_inclusive`), found
                    // by memchr's vectorized search.
                    let mut from = 0;
                    while from < chunk.len() {
                        let end = memchr::memchr(b'\n', &chunk.as_bytes()[from..])
                            .map_or(chunk.len(), |i| from + i + 1);
                        let line = &chunk[from..end];
                        let here = start + from;
                        from = end;
                        lines += 1;
                        let parsed = parse_jsonl_line(line, here, &mut raw_errs);
                        errs.extend(
                            raw_errs
                                .drain(..)
                                .map(|(span, kind)| Diagnostic::new(file, span, kind)),
                        );
                        if let Some(raw) = parsed {
                            if let Some((f, q)) =
                                this.jsonl_fact(file, lines, raw, values, &mut errs)
                            {
                                if let Some(q) = q {
                                    quotes.push((facts.len(), q));
                                }
                                facts.push(f);
                            }
                        }
                    }
                    Chunk {
                        lines,
                        facts,
                        quotes,
                        errs,
                    }
                })
                .collect();
            for chunk in done {
                self.errors.extend(chunk.errs);
                let base = self.model.facts.len();
                self.model
                    .facts
                    .extend(chunk.facts.into_iter().map(|mut fact| {
                        fact.line += first_line;
                        fact
                    }));
                for (i, q) in chunk.quotes {
                    let source = self.model.facts[base + i].source;
                    self.check_quote(file, source, &q, texts);
                }
                first_line += chunk.lines;
            }
        }
    }
}
