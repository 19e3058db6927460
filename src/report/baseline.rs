//! `check --baseline OLD.json`: compares this run with an earlier JSON
//! report. Assertions are matched by file path (as reported), claim text and
//! `as of` — not by line, so assertions that moved still match; identical
//! keys are matched in order. Reads only the fields it needs, so reports of
//! schema versions 1 and 2 both serve as baselines.

use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write;

use serde::{Deserialize, Serialize};

use super::escape_controls;
use super::json::{AssertionJson, EvidenceJson, Report};

#[derive(Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub assertions: Vec<OldAssertion>,
}

#[derive(Deserialize)]
pub struct OldAssertion {
    pub file: String,
    pub line: u32,
    pub claim: String,
    #[serde(default)]
    pub as_of: Option<String>,
    pub verdict: String,
    #[serde(default)]
    pub support: Vec<OldEvidence>,
    #[serde(default)]
    pub refute: Vec<OldEvidence>,
}

/// The fields of an evidence entry that say which fact it is.
#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct OldEvidence {
    pub source: String,
    #[serde(default)]
    pub speaker: Option<String>,
    pub document: String,
    #[serde(default)]
    pub quote: Option<String>,
    #[serde(default)]
    pub as_of: Option<String>,
    pub fact: String,
}

impl From<&EvidenceJson> for OldEvidence {
    fn from(e: &EvidenceJson) -> OldEvidence {
        OldEvidence {
            source: e.source.clone(),
            speaker: e.speaker.clone(),
            document: e.document.clone(),
            quote: e.quote.clone(),
            as_of: e.as_of.clone(),
            fact: e.fact.clone(),
        }
    }
}

impl OldEvidence {
    /// `gabuev (Alexander Gabuev via axis-report), as of June 2025: "quote"`.
    fn line(&self) -> String {
        let mut s = match &self.speaker {
            Some(who) => format!("{} ({who} via {})", self.source, self.document),
            None => self.source.clone(),
        };
        if let Some(a) = &self.as_of {
            let _ = write!(s, ", as of {a}");
        }
        match &self.quote {
            Some(q) => {
                let _ = write!(s, ": \"{q}\"");
            }
            None => {
                let _ = write!(s, ": {}", self.fact);
            }
        }
        s
    }
}

impl Baseline {
    /// Reads a JSON report written by `check --format json`.
    pub fn read(path: &std::path::Path) -> Result<Baseline, String> {
        let shown = escape_controls(&path.display().to_string()).into_owned();
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the baseline `{shown}`: {e}"))?;
        let b: Baseline = serde_json::from_str(&text).map_err(|e| {
            format!("the baseline `{shown}` is not a claimcheck JSON report (`check --format json`): {e}")
        })?;
        if !(1..=super::json::SCHEMA_VERSION).contains(&b.version) {
            return Err(format!(
                "the baseline `{shown}` has schema version {}; this claimcheck reads versions 1 to {}",
                b.version,
                super::json::SCHEMA_VERSION
            ));
        }
        Ok(b)
    }
}

/// An assertion whose verdict changed.
#[derive(Serialize, Clone, Debug)]
pub struct Change {
    pub file: String,
    /// The line in this run.
    pub line: u32,
    pub claim: String,
    pub as_of: Option<String>,
    pub before: String,
    pub after: String,
    /// Evidence present now and not before, and the reverse (for the human
    /// report: what made the difference).
    #[serde(skip)]
    pub gained: Vec<(&'static str, String)>,
    #[serde(skip)]
    pub lost: Vec<(&'static str, String)>,
}

/// An assertion only one of the two runs has.
#[derive(Serialize, Clone, Debug)]
pub struct Entry {
    pub file: String,
    pub line: u32,
    pub claim: String,
    pub as_of: Option<String>,
    pub verdict: String,
}

#[derive(Debug, Default)]
pub struct Comparison {
    pub changes: Vec<Change>,
    pub added: Vec<Entry>,
    pub removed: Vec<Entry>,
}

impl Comparison {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.added.is_empty() && self.removed.is_empty()
    }
}

/// Lines of `now` whose fact is not in `then` (facts compared by source,
/// sentence, quote and as-of: their lines may move), labelled by side.
fn difference(now: [&[OldEvidence]; 2], then: [&[OldEvidence]; 2]) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for (i, label) in ["for", "against"].into_iter().enumerate() {
        for e in now[i] {
            if !then[i].contains(e) {
                out.push((label, e.line()));
            }
        }
    }
    out
}

pub fn compare(old: &Baseline, new: &Report) -> Comparison {
    let mut pending: BTreeMap<(&str, &str, Option<&str>), VecDeque<usize>> = BTreeMap::new();
    for (i, a) in old.assertions.iter().enumerate() {
        pending
            .entry((&a.file, &a.claim, a.as_of.as_deref()))
            .or_default()
            .push_back(i);
    }
    let mut out = Comparison::default();
    let mut matched = vec![false; old.assertions.len()];
    for a in &new.assertions {
        let found = pending
            .get_mut(&(a.file.as_str(), a.claim.as_str(), a.as_of.as_deref()))
            .and_then(|q| q.pop_front());
        let Some(i) = found else {
            out.added.push(entry(a));
            continue;
        };
        matched[i] = true;
        let o = &old.assertions[i];
        if o.verdict != a.verdict {
            let support: Vec<OldEvidence> = a.support.iter().map(OldEvidence::from).collect();
            let refute: Vec<OldEvidence> = a.refute.iter().map(OldEvidence::from).collect();
            out.changes.push(Change {
                file: a.file.clone(),
                line: a.line,
                claim: a.claim.clone(),
                as_of: a.as_of.clone(),
                before: o.verdict.clone(),
                after: a.verdict.to_string(),
                gained: difference([&support, &refute], [&o.support, &o.refute]),
                lost: difference([&o.support, &o.refute], [&support, &refute]),
            });
        }
    }
    for (o, _) in old.assertions.iter().zip(matched).filter(|(_, m)| !m) {
        out.removed.push(Entry {
            file: o.file.clone(),
            line: o.line,
            claim: o.claim.clone(),
            as_of: o.as_of.clone(),
            verdict: o.verdict.clone(),
        });
    }
    out
}

fn entry(a: &AssertionJson) -> Entry {
    Entry {
        file: a.file.clone(),
        line: a.line,
        claim: a.claim.clone(),
        as_of: a.as_of.clone(),
        verdict: a.verdict.to_string(),
    }
}

/// The human report's closing section.
pub fn render_human(c: &Comparison) -> String {
    let mut out = String::from("\nchanged since the baseline\n");
    if c.is_empty() {
        out.push_str("  nothing changed\n");
        return out;
    }
    // The claim text includes its `as of` suffix.
    let claim = |claim: &str, _: &Option<String>| escape_controls(claim).into_owned();
    for ch in &c.changes {
        let _ = writeln!(
            out,
            "  {}:{}  {}  {} → {}",
            escape_controls(&ch.file),
            ch.line,
            claim(&ch.claim, &ch.as_of),
            ch.before,
            ch.after
        );
        for (sign, lines) in [("+", &ch.gained), ("-", &ch.lost)] {
            for (label, line) in lines {
                let _ = writeln!(out, "      {sign} {label:<8} {}", escape_controls(line));
            }
        }
        if ch.gained.is_empty() && ch.lost.is_empty() {
            let _ = writeln!(out, "      (the same evidence; the rules changed)");
        }
    }
    for (label, list) in [("added", &c.added), ("removed", &c.removed)] {
        for e in list {
            let _ = writeln!(
                out,
                "  {label:<8} {}:{}  {}  ({})",
                escape_controls(&e.file),
                e.line,
                claim(&e.claim, &e.as_of),
                e.verdict
            );
        }
    }
    let _ = writeln!(
        out,
        "{} changed, {} added, {} removed",
        c.changes.len(),
        c.added.len(),
        c.removed.len()
    );
    out
}
