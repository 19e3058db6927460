//! Fact files: YAML (docs/language.md §11) and JSONL bulk facts (§3.5), read
//! into raw, located records. Nothing is resolved here: names stay strings,
//! sentences stay text. YAML is read from the events of `saphyr-parser`,
//! which place every node; JSONL with serde.

mod jsonl;
mod yaml;

pub use jsonl::{parse_jsonl, parse_jsonl_line, JsonlFact, Lstr};
pub use yaml::{
    defer_facts, parse_chunked, parse_chunked_in, parse_yaml, read_facts_run, reparse_facts,
    DeferredFacts, MAX_YAML_FLOW_DEPTH,
};

use crate::diag::{ErrorKind, Span};

pub type FactError = (Span, ErrorKind);

/// A string from a fact file, with where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    pub text: compact_str::CompactString,
    pub span: Span,
}

#[derive(Clone, Debug, Default)]
pub struct RawFactFile {
    pub sources: Vec<RawSource>,
    pub entities: Vec<RawEntity>,
    pub groups: Vec<RawGroup>,
    pub facts: Vec<RawFact>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawSource {
    pub id: Option<Located>,
    pub title: Option<String>,
    pub publisher: Option<String>,
    pub date: Option<String>,
    pub url: Option<String>,
    pub text: Option<Located>,
    pub name: Option<String>,
    pub role: Option<String>,
    pub via: Option<Located>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct RawEntity {
    pub name: Located,
    pub kind: Located,
    pub aka: Vec<Located>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct RawGroup {
    pub name: Located,
    pub members: Vec<Located>,
}

#[derive(Clone, Debug)]
pub enum RawFactBody {
    Says(Located),
    Structured {
        relation: Located,
        args: Vec<(Located, Located)>,
        negated: bool,
    },
    Only {
        sentences: Located,
        among: Located,
    },
}

#[derive(Clone, Debug)]
pub struct RawFact {
    pub body: RawFactBody,
    pub source: Located,
    pub quote: Option<Located>,
    pub as_of: Option<Located>,
    pub note: Option<String>,
    /// Where the fact's item starts.
    pub span: Span,
}

/// The keys a fact file may hold, by section (also offered by the editor's
/// completion, so the two can never disagree).
pub const TOP_KEYS: [&str; 4] = ["sources", "entities", "groups", "facts"];
pub const SOURCE_KEYS: [&str; 9] = [
    "id",
    "title",
    "publisher",
    "date",
    "url",
    "text",
    "name",
    "role",
    "via",
];
pub const ENTITY_KEYS: [&str; 3] = ["name", "kind", "aka"];
pub const FACT_KEYS: [&str; 10] = [
    "says", "relation", "args", "negated", "only", "among", "source", "quote", "as_of", "note",
];
const JSON_FACT_KEYS: [&str; 7] = [
    "relation", "args", "negated", "source", "quote", "as_of", "note",
];

/// A misspelt key also leaves its field missing. Among `errors[from..]` (one
/// item's), drops the missing-field errors that an unknown key's suggestion
/// already explains, so one typo is one error.
pub(crate) fn drop_explained_by_typos(errors: &mut Vec<FactError>, from: usize, to: usize) {
    let meant: Vec<String> = errors[from..to]
        .iter()
        .filter_map(|(_, k)| match k {
            ErrorKind::UnknownKey { suggestions, .. } => Some(suggestions.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    if meant.is_empty() {
        return;
    }
    let explained = |k: &ErrorKind| match k {
        ErrorKind::MissingField { field, .. } => meant.iter().any(|m| m == field),
        ErrorKind::FactForm => meant
            .iter()
            .any(|m| ["says", "relation", "only"].contains(&m.as_str())),
        _ => false,
    };
    let mut i = from;
    let mut to = to;
    while i < to {
        if explained(&errors[i].1) {
            errors.remove(i);
            to -= 1;
        } else {
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::line_col;

    const DOC: &str = "sources:\n  - id: axis-report\n    title: The limits\n  - id: gabuev\n    via: axis-report\nentities:\n  - name: North Korea\n    kind: country\n    aka: [DPRK, Pyongyang]\ngroups:\n  axis: [Russia, China]\nfacts:\n  - says: North Korea sent troops to Russia\n    source: axis-report\n  - relation: treaty\n    args: {a: Russia, b: North Korea}\n    source: gabuev\n    qoute: x\n";

    #[test]
    fn reads_every_section_with_positions() {
        let (f, errors) = parse_yaml(DOC);
        assert_eq!(f.sources.len(), 2);
        assert_eq!(f.sources[1].via.as_ref().unwrap().text, "axis-report");
        assert_eq!(f.entities[0].aka.len(), 2);
        assert_eq!(f.groups[0].members.len(), 2);
        assert_eq!(f.facts.len(), 2);
        let RawFactBody::Says(s) = &f.facts[0].body else {
            panic!()
        };
        assert_eq!(line_col(DOC, s.span.start as usize), (13, 11));
        assert_eq!(errors.len(), 1);
        assert_eq!(line_col(DOC, errors[0].0.start as usize), (18, 5));
        assert!(
            matches!(&errors[0].1, ErrorKind::UnknownKey { suggestions, .. } if suggestions == &["quote"])
        );
    }

    #[test]
    fn jsonl_facts() {
        let text = "{\"relation\":\"troops\",\"args\":{\"from\":\"North Korea\",\"n\":14000},\"source\":\"s\"}\n\n{oops\n";
        let (facts, errors) = parse_jsonl(text);
        assert_eq!(facts.len(), 1);
        let RawFactBody::Structured { args, .. } = &facts[0].body else {
            panic!()
        };
        assert_eq!(args[1].1.text, "14000");
        assert_eq!(errors.len(), 1);
        assert_eq!(line_col(text, errors[0].0.start as usize).0, 3);
    }
}
