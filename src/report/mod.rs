//! Reports: turn checked assertions into text for people (`human`) or
//! machines (`json`, `junit`, `github`, `sarif`, `html`). Reports only
//! format; they never evaluate.
pub mod baseline;
pub mod ci;
pub mod html;
pub mod human;
pub mod json;
pub mod sarif;

use crate::eval::Checked;
use crate::load::Files;
use crate::model::{Fact, Model};

/// Everything a report needs.
pub struct Run<'a> {
    pub files: &'a Files,
    pub model: &'a Model,
    pub results: &'a [Checked],
}

impl Run<'_> {
    pub fn passed(&self) -> usize {
        self.results
            .iter()
            .filter(|r| r.passed == Some(true))
            .count()
    }
    pub fn failed(&self) -> usize {
        self.results
            .iter()
            .filter(|r| r.passed == Some(false))
            .count()
    }
    /// `check:` lines: reported, counted in neither number above.
    pub fn checks(&self) -> usize {
        self.results.iter().filter(|r| r.passed.is_none()).count()
    }
    /// The closing line: `109 passed, 0 failed, 2 checks` (the checks part
    /// only when there are `check:` lines).
    pub fn summary(&self) -> String {
        summary_line(self.passed(), self.failed(), self.checks())
    }
}

/// `N passed, N failed[, K checks]`.
pub fn summary_line(passed: usize, failed: usize, checks: usize) -> String {
    match checks {
        0 => format!("{passed} passed, {failed} failed"),
        1 => format!("{passed} passed, {failed} failed, 1 check"),
        k => format!("{passed} passed, {failed} failed, {k} checks"),
    }
}

/// `axis-report (Example Daily, 2025-06-27)`: a document and what identifies it.
pub fn document_label(model: &Model, id: u32) -> String {
    let s = &model.sources[id as usize];
    let details: Vec<&str> = [s.publisher.as_deref(), s.date.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    if details.is_empty() {
        s.id.clone()
    } else {
        format!("{} ({})", s.id, details.join(", "))
    }
}

/// Who said it: `Alexander Gabuev via axis-report (…)`, or the document alone.
pub fn source_label(model: &Model, id: u32) -> String {
    let s = &model.sources[id as usize];
    match s.via {
        Some(doc) => {
            let who = s.name.clone().unwrap_or_else(|| s.id.clone());
            format!("{who} via {}", document_label(model, doc))
        }
        None => document_label(model, id),
    }
}

/// The document a source's words appear in (itself, or the end of its `via`).
pub fn document_of(model: &Model, id: u32) -> u32 {
    let mut d = id;
    while let Some(v) = model.sources[d as usize].via {
        d = v;
    }
    d
}

/// How many independent sources stand behind `facts`: each source once,
/// however many of its facts; a speaker quoted via a document is its own.
pub fn independent_sources(model: &Model, facts: &[u32]) -> usize {
    let mut ids: Vec<u32> = facts
        .iter()
        .map(|f| model.facts[*f as usize].source)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.len()
}

/// One evidence line: source, `as of`, and the quote (or the fact's sentence).
pub fn evidence_line(model: &Model, fact: &Fact) -> String {
    let mut s = source_label(model, fact.source);
    evidence_after_label(model, fact, &mut s);
    s
}

/// Every source's `source_label`, by id: a report of many evidence lines
/// writes each label once.
pub fn source_labels(model: &Model) -> Vec<String> {
    (0..model.sources.len() as u32)
        .map(|id| source_label(model, id))
        .collect()
}

/// `evidence_line` appended to `out`, its label from `labels`
/// (`source_labels`): no allocation once `out` has grown.
pub fn write_evidence_line(model: &Model, labels: &[String], fact: &Fact, out: &mut String) {
    out.push_str(&labels[fact.source as usize]);
    evidence_after_label(model, fact, out);
}

/// The evidence line after its source's label.
fn evidence_after_label(model: &Model, fact: &Fact, s: &mut String) {
    if let Some(a) = &fact.as_of {
        s.push_str(", as of ");
        s.push_str(&a.text);
    }
    match fact.quote() {
        Some(q) => {
            s.push_str(": \"");
            s.push_str(q);
            s.push('"');
        }
        None => {
            s.push_str(": ");
            model.write_fact_text(fact, s);
        }
    }
}

/// One evidence line from the JSON report's data:
/// `gabuev (Alexander Gabuev via axis-report), as of June 2025: "quote"`.
pub fn evidence_json_line(e: &json::EvidenceJson) -> String {
    let mut s = match &e.speaker {
        Some(who) => format!("{} ({who} via {})", e.source, e.document),
        None => e.source.clone(),
    };
    if let Some(a) = &e.as_of {
        s.push_str(&format!(", as of {a}"));
    }
    match &e.quote {
        Some(q) => s.push_str(&format!(": \"{q}\"")),
        None => s.push_str(&format!(": {}", e.fact)),
    }
    s
}

/// `check --select PATTERN`: a glob when the pattern has `*`, `?`, `[` or
/// `{` (matched against the file path and against the claim text), else a
/// substring of the file path or (case-insensitively) of the claim text.
pub enum Selection {
    Glob(globset::GlobMatcher),
    Substring { exact: String, folded: String },
}

impl Selection {
    pub fn new(pattern: &str) -> Result<Selection, String> {
        if pattern.contains(['*', '?', '[', '{']) {
            globset::GlobBuilder::new(pattern)
                .case_insensitive(true)
                .build()
                .map(|g| Selection::Glob(g.compile_matcher()))
                .map_err(|e| {
                    format!(
                        "--select `{}` is not a valid glob: {e}",
                        escape_controls(pattern)
                    )
                })
        } else {
            Ok(Selection::Substring {
                exact: pattern.to_string(),
                folded: pattern.to_lowercase(),
            })
        }
    }

    pub fn matches(&self, file: &str, claim: &str) -> bool {
        match self {
            Selection::Glob(g) => g.is_match(file) || g.is_match(claim),
            Selection::Substring { exact, folded } => {
                file.contains(exact.as_str()) || claim.to_lowercase().contains(folded.as_str())
            }
        }
    }
}

/// One reason a workspace could not be used (a load error, or a usage error
/// such as an empty workspace), as every machine format reports it.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    pub file: String,
    pub line: u32,
    pub col: u32,
    /// The error's kind in snake_case (`unknown_entity`, `no_assertions`, …).
    pub kind: String,
    pub message: String,
    /// The nearest known names, for a misspelling; else empty.
    pub suggestions: Vec<String>,
    /// The error as the terminal shows it (snippet and carets).
    #[serde(skip)]
    pub rendered: String,
}

impl Problem {
    /// Every error of a failed load, in the order they were found.
    /// Lines are found through one index of each file, so many errors in
    /// one large file cost one scan of it.
    pub fn from_failure(f: &crate::LoadFailure) -> Vec<Problem> {
        let mut index = crate::load::LineIndex::default();
        f.errors
            .iter()
            .map(|d| {
                let file = f.files.get(d.loc.file);
                let (line, col) = index.line_col(&f.files, d.loc.file, d.loc.span.start as usize);
                Problem {
                    file: file.display.clone(),
                    line: line as u32,
                    col: col as u32,
                    kind: <&str>::from(&d.kind).to_string(),
                    message: d.kind.to_string(),
                    suggestions: suggestions(&d.kind).to_vec(),
                    rendered: f.files.render_indexed(d, &mut index),
                }
            })
            .collect()
    }

    /// A usage error that belongs to no file (it points at the command line).
    pub fn usage(kind: &str, message: String) -> Problem {
        Problem {
            file: "<command line>".into(),
            line: 1,
            col: 1,
            kind: kind.into(),
            rendered: format!("error: {message}\n"),
            message,
            suggestions: Vec::new(),
        }
    }
}

/// The nearest names an error suggests, if it is a kind that does.
fn suggestions(kind: &crate::ErrorKind) -> &[String] {
    use crate::ErrorKind::*;
    match kind {
        UnknownStatement { suggestions, .. }
        | UnknownVerdict { suggestions, .. }
        | UnknownEntity { suggestions, .. }
        | UnknownRelation { suggestions, .. }
        | UnknownRelationName { suggestions, .. }
        | UnknownKind { suggestions, .. }
        | UnknownGroup { suggestions, .. }
        | UnknownSource { suggestions, .. }
        | UnknownSlot { suggestions, .. }
        | UnknownParam { suggestions, .. }
        | UnknownKey { suggestions, .. } => suggestions,
        _ => &[],
    }
}

/// User text made safe for a terminal or a CI log: control characters
/// (escape sequences, carriage returns, newlines inside a quote) and
/// bidirectional overrides are written as `\u{1b}`-style escapes, so text
/// from a fact file can neither restyle nor rewrite what the reader sees.
pub fn escape_controls(s: &str) -> std::borrow::Cow<'_, str> {
    // Printable ASCII (most text) needs no look at its characters.
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return std::borrow::Cow::Borrowed(s);
    }
    let unsafe_char =
        |c: char| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !s.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if unsafe_char(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::escape_controls;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape_controls("plain text"), "plain text");
        assert_eq!(escape_controls("a\x1b[31mred"), "a\\u{1b}[31mred");
        assert_eq!(escape_controls("two\nlines\r"), "two\\nlines\\r");
        assert_eq!(escape_controls("\u{202e}abc"), "\\u{202e}abc");
        assert_eq!(escape_controls("\u{9b}"), "\\u{9b}");
        assert_eq!(escape_controls("del\x7f"), "del\\u{7f}");
        assert_eq!(escape_controls("tab\tend"), "tab\\tend");
        assert!(matches!(
            escape_controls("Côte d'Ivoire ~ 100%"),
            std::borrow::Cow::Borrowed("Côte d'Ivoire ~ 100%")
        ));
    }
}
