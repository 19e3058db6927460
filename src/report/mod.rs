//! Reports: turn checked assertions into text for people (`human`) or
//! machines (`json`). Reports only format; they never evaluate.
pub mod ci;
pub mod human;
pub mod json;

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
    if let Some(a) = &fact.as_of {
        s.push_str(&format!(", as of {}", a.text));
    }
    match &fact.quote {
        Some(q) => s.push_str(&format!(": \"{q}\"")),
        None => s.push_str(&format!(": {}", model.fact_text(fact))),
    }
    s
}
