//! The analyzer's JSONL fact files: read and resolved in parallel chunks of
//! whole lines (`slots.rs` takes them in line order).

use rayon::prelude::*;

use super::facts::ValueMemo;
use super::slots::{Filled, Part};
use super::Analyzer;
use crate::diag::{Diagnostic, FileId, Loc};
use crate::facts::{parse_jsonl_line, JsonlFact, Located, Lstr};
use crate::model::*;

/// A JSONL file cut into chunks of whole lines, about 256 KB each, as
/// parts, with each chunk's line count (the most facts it can give):
/// counted first, so every chunk knows the line it starts at.
pub(super) fn chunks(file: FileId, text: &str) -> (Vec<Part<'_>>, Vec<usize>) {
    const CHUNK: usize = 1 << 18;
    let mut bounds: Vec<(usize, usize)> = Vec::new();
    let mut at = 0;
    while at < text.len() {
        let mut end = (at + CHUNK).min(text.len());
        if end < text.len() {
            // Searched as bytes: `end` may fall inside a character, and
            // the byte after a line end always starts one.
            end =
                memchr::memchr(b'\n', &text.as_bytes()[end..]).map_or(text.len(), |i| end + i + 1);
        }
        bounds.push((at, end));
        at = end;
    }
    // Lines per chunk: its line ends, and a last line without one.
    let counts: Vec<usize> = bounds
        .par_iter()
        .map(|&(from, to)| {
            let c = &text.as_bytes()[from..to];
            memchr::memchr_iter(b'\n', c).count() + usize::from(!c.ends_with(b"\n"))
        })
        .collect();
    let mut before = 0u32;
    let mut parts = Vec::with_capacity(bounds.len());
    for (&(from, to), &n) in bounds.iter().zip(&counts) {
        parts.push(Part::Chunk {
            file,
            start: from,
            text: &text[from..to],
            before,
        });
        before = before.saturating_add(n as u32);
    }
    (parts, counts)
}

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
                negated: raw.negated,
                body: FactBody::Atom { tuple },
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

    /// Reads and resolves whole lines of a JSONL file (`text`, from byte
    /// `start` of the file, after `before` lines) into `slots`.
    pub(super) fn read_chunk(
        &self,
        file: FileId,
        start: usize,
        text: &str,
        before: u32,
        slots: &mut [Fact],
        values: &mut ValueMemo,
    ) -> Filled {
        let mut filled = Filled::default();
        let mut raw_errs = Vec::new();
        let mut line = before;
        // Lines with their ends (as `split_inclusive`), found by memchr's
        // vectorized search.
        let mut from = 0;
        while from < text.len() {
            let end = memchr::memchr(b'\n', &text.as_bytes()[from..])
                .map_or(text.len(), |i| from + i + 1);
            let here = start + from;
            let line_text = &text[from..end];
            from = end;
            line += 1;
            let parsed = parse_jsonl_line(line_text, here, &mut raw_errs);
            filled.errs.extend(
                raw_errs
                    .drain(..)
                    .map(|(span, kind)| Diagnostic::new(file, span, kind)),
            );
            if let Some(raw) = parsed {
                if let Some((f, q)) = self.jsonl_fact(file, line, raw, values, &mut filled.errs) {
                    filled.put(self, slots, f, q);
                }
            }
        }
        filled
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
