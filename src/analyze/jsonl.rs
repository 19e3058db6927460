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
    ///
    /// Each chunk's lines are counted first, so every chunk knows the line
    /// it starts at and the slots of the file's facts it fills (a line holds
    /// at most one fact). The slots are made in parallel, and each chunk
    /// writes its facts into its own slots: no fact is moved after it is
    /// made, no core waits for a merge, and the first touch of the facts'
    /// memory is shared by the cores. A line without a fact (blank, or an
    /// error) leaves its slot empty; empty slots are closed up at the end.
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
                // Searched as bytes: `end` may fall inside a character, and
                // the byte after a line end always starts one.
                end = memchr::memchr(b'\n', &text.as_bytes()[end..])
                    .map_or(text.len(), |i| end + i + 1);
            }
            chunks.push((at, &text[at..end]));
            at = end;
        }
        // Lines per chunk: its line ends, and a last line without one.
        let counts: Vec<usize> = chunks
            .par_iter()
            .map(|(_, c)| {
                memchr::memchr_iter(b'\n', c.as_bytes()).count() + usize::from(!c.ends_with('\n'))
            })
            .collect();
        let mut facts = std::mem::take(&mut self.model.facts);
        let base = facts.len();
        let total: usize = counts.iter().sum();
        facts.par_extend((0..total).into_par_iter().map(|_| Fact::empty()));
        // Each chunk's slots and the line before its first.
        let mut slots: Vec<(&mut [Fact], u32)> = Vec::with_capacity(chunks.len());
        let mut rest = &mut facts[base..];
        let mut line = 0u32;
        for &n in &counts {
            let (mine, after) = std::mem::take(&mut rest).split_at_mut(n);
            slots.push((mine, line));
            rest = after;
            line = line.saturating_add(n as u32);
        }
        /// A chunk's facts written (into its first slots), quotes to check
        /// (by slot) and errors.
        struct Chunk {
            written: usize,
            quotes: Vec<(usize, Located)>,
            errs: Vec<Diagnostic>,
        }
        // Each worker keeps its dates and values read from chunk to chunk
        // (a file repeats a few hundred dates over and over).
        let memos: Vec<std::sync::Mutex<ValueMemo>> = (0..rayon::current_num_threads().max(1))
            .map(|_| Default::default())
            .collect();
        let this = &*self;
        let done: Vec<Chunk> = chunks
            .par_iter()
            .zip(slots)
            .map(|(&(start, chunk), (slots, first_line))| {
                let mut written = 0;
                let mut quotes = Vec::new();
                let mut errs = Vec::new();
                let mut raw_errs = Vec::new();
                let worker = rayon::current_thread_index().unwrap_or(0) % memos.len();
                let mut memo = memos[worker].lock().unwrap_or_else(|e| e.into_inner());
                let values = &mut *memo;
                let mut line = first_line;
                // Lines with their ends (as `split_inclusive`), found by
                // memchr's vectorized search.
                let mut from = 0;
                while from < chunk.len() {
                    let end = memchr::memchr(b'\n', &chunk.as_bytes()[from..])
                        .map_or(chunk.len(), |i| from + i + 1);
                    let text = &chunk[from..end];
                    let here = start + from;
                    from = end;
                    line += 1;
                    let parsed = parse_jsonl_line(text, here, &mut raw_errs);
                    errs.extend(
                        raw_errs
                            .drain(..)
                            .map(|(span, kind)| Diagnostic::new(file, span, kind)),
                    );
                    if let Some(raw) = parsed {
                        if let Some((f, q)) = this.jsonl_fact(file, line, raw, values, &mut errs) {
                            if let Some(q) = q {
                                quotes.push((written, q));
                            }
                            slots[written] = f;
                            written += 1;
                        }
                    }
                }
                Chunk {
                    written,
                    quotes,
                    errs,
                }
            })
            .collect();
        // Empty slots closed up, chunk by chunk (none when every line held
        // a fact); the quotes' slots follow their facts.
        let mut to = base;
        let mut from = base;
        let mut checks = Vec::new();
        for (chunk, &n) in done.into_iter().zip(&counts) {
            if to != from {
                for i in 0..chunk.written {
                    facts.swap(to + i, from + i);
                }
            }
            checks.push((chunk.errs, to, chunk.quotes));
            to += chunk.written;
            from += n;
        }
        facts.truncate(to);
        self.model.facts = facts;
        for (errs, at, quotes) in checks {
            self.errors.extend(errs);
            for (i, q) in quotes {
                let source = self.model.facts[at + i].source;
                self.check_quote(file, source, &q, texts);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::analyze_partial;
    use crate::load::{FileKind, Files};
    use crate::model::FactBody;

    /// A JSONL file of several chunks with blank lines and bad lines (an
    /// unknown entity, broken JSON) among its facts: each fact keeps its
    /// line, its place and its quote, in line order, and each bad line is
    /// one error at its line.
    #[test]
    fn facts_after_empty_and_bad_lines_keep_their_lines() {
        let rules = "relation ties: {a:org} works with {b:org}\nentity Org0 Co (org)\nentity Org1 Co (org)\n";
        let mut jsonl = String::new();
        let mut good = Vec::new(); // (line, byte offset, quote)
        let mut bad: Vec<usize> = Vec::new();
        let mut line = 0usize;
        while jsonl.len() < 1_500_000 {
            line += 1;
            let at = jsonl.len();
            match line % 7 {
                3 if line.is_multiple_of(5) => jsonl.push('\n'),
                4 if line.is_multiple_of(11) => {
                    jsonl.push_str("{\"relation\":\"ties\",\"args\":{\"a\":\"Nobody\",\"b\":\"Org1 Co\"},\"source\":\"s0\"}\n");
                    bad.push(line);
                }
                5 if line.is_multiple_of(13) => {
                    jsonl.push_str("{\"relation\": [\n");
                    bad.push(line);
                }
                _ => {
                    let quote = format!("fact on line {line}");
                    jsonl.push_str(&format!(
                        "{{\"relation\":\"ties\",\"args\":{{\"a\":\"Org0 Co\",\"b\":\"Org1 Co\"}},\"source\":\"s0\",\"quote\":\"{quote}\"}}\n"
                    ));
                    good.push((line, at, quote));
                }
            }
        }
        let mut files = Files::new();
        files.add_text("rules.claims", FileKind::Rules, rules);
        files.add_text("facts.yaml", FileKind::Yaml, "sources:\n  - id: s0\n");
        files.add_text("bulk.jsonl", FileKind::Jsonl, &jsonl);
        let (model, errors) = analyze_partial(&files, &Default::default());
        let got: Vec<(u32, u32, Option<&str>)> = model
            .facts
            .iter()
            .map(|f| (f.line, f.loc.span.start, f.quote()))
            .collect();
        let want: Vec<(u32, u32, Option<&str>)> = good
            .iter()
            .map(|(l, at, q)| (*l as u32, *at as u32, Some(q.as_str())))
            .collect();
        assert_eq!(got, want);
        assert!(model.facts.iter().all(|f| matches!(
            &f.body,
            FactBody::Atom { tuple, .. } if tuple.key.args.len() == 2
        )));
        let lines = crate::diag::line_starts(&jsonl);
        let error_lines: Vec<usize> = errors
            .iter()
            .map(|d| crate::diag::line_of(&lines, d.loc.span.start as usize))
            .collect();
        assert_eq!(error_lines, bad);
    }
}
