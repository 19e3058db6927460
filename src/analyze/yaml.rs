//! The analyzer's YAML facts: one fact resolved (`yaml_fact`, read-only,
//! so facts resolve in parallel), and a deferred `facts:` list read and
//! resolved run by run (`read_run`).

use std::borrow::Cow;

use rayon::prelude::*;

use super::facts::ValueMemo;
use super::slots::{Filled, Part};
use super::Analyzer;
use crate::diag::{Diagnostic, ErrorKind, FileId, Loc, Span};
use crate::facts::{Located, Lstr, RawFact, RawFactBody};
use crate::model::*;
use crate::syntax::lexer::fold_spaces;

impl Analyzer {
    /// Resolves one fact of a YAML file. Read-only (facts resolve in
    /// parallel); errors go to `errs`.
    pub(super) fn yaml_fact(
        &self,
        file: FileId,
        src: &str,
        line: u32,
        raw: &crate::facts::RawFact,
        memo: &mut ValueMemo,
        errs: &mut Vec<Diagnostic>,
    ) -> Option<Fact> {
        let as_of = raw.as_of.as_ref().map(|l| (l.text.as_str(), l.span));
        let (source, as_of) =
            self.source_and_date(file, (&raw.source.text, raw.source.span), as_of, memo, errs)?;
        let ((body, negated), text) = match &raw.body {
            RawFactBody::Says(l) => {
                let (tuple, negated) = self.sentence(file, src, l, errs)?;
                (
                    (FactBody::Atom { tuple }, negated),
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
                ((FactBody::Atom { tuple }, *negated), None)
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
                        false,
                    ),
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
            negated,
            body,
        })
    }

    /// Resolves items of a YAML file read whole into `slots`.
    pub(super) fn read_items(
        &self,
        file: FileId,
        src: &str,
        starts: &[usize],
        items: &[RawFact],
        slots: &mut [Fact],
        memo: &mut ValueMemo,
    ) -> Filled {
        let mut filled = Filled::default();
        for raw in items {
            let line = crate::diag::line_of(starts, raw.span.start as usize) as u32;
            if let Some(fact) = self.yaml_fact(file, src, line, raw, memo, &mut filled.errs) {
                filled.put(self, slots, fact, raw.quote.clone());
            }
        }
        filled
    }

    /// Reads and resolves a run of a deferred `facts:` list, bytes
    /// `from..to` of `src` with `before` lines before it, into `slots`; its
    /// raw items are dropped once resolved, and a fact's line is counted
    /// within its run (no table of the whole file's lines). `None` when the
    /// run does not read on its own (the file is then to be parsed whole).
    pub(super) fn read_run(
        &self,
        file: FileId,
        src: &str,
        (from, to): (usize, usize),
        before: usize,
        slots: &mut [Fact],
        memo: &mut ValueMemo,
    ) -> Option<Filled> {
        let raws = crate::facts::read_facts_run(src, from, to)?;
        if raws.len() > slots.len() {
            return None;
        }
        let starts = crate::diag::line_starts(&src[from..to]);
        let mut filled = Filled::default();
        for mut raw in raws {
            let line = before + crate::diag::line_of(&starts, raw.span.start as usize - from);
            if let Some(fact) = self.yaml_fact(file, src, line as u32, &raw, memo, &mut filled.errs)
            {
                filled.put(self, slots, fact, raw.quote.take());
            }
        }
        Some(filled)
    }
}

/// The runs of a deferred `facts:` list as parts, each with the lines
/// before it, and how many items each holds.
pub(super) fn runs<'a>(
    file: FileId,
    src: &'a str,
    deferred: &crate::facts::DeferredFacts,
) -> Vec<Part<'a>> {
    let lines = |text: &str| memchr::memchr_iter(b'\n', text.as_bytes()).count();
    let cuts = &deferred.cuts;
    let counts: Vec<usize> = cuts
        .par_windows(2)
        .map(|w| lines(&src[w[0]..w[1]]))
        .collect();
    let mut before = lines(&src[..cuts[0]]);
    let mut runs = Vec::with_capacity(counts.len());
    for (w, n) in cuts.windows(2).zip(counts) {
        runs.push(Part::Run {
            file,
            src,
            from: w[0],
            to: w[1],
            before,
        });
        before += n;
    }
    runs
}

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
