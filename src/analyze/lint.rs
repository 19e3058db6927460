//! Warnings: rule files that load fine but probably do not say what their
//! writer meant. Today one: template words that read as a value phrase right
//! before a number or date slot (`sent more than {n:number} troops`). They
//! are template words, so a claim `sent more than 100 troops` then states
//! exactly 100, not more than 100.

use std::collections::HashMap;

use crate::diag::{Diagnostic, ErrorKind, FileId, Span};
use crate::load::{FileKind, Files};
use crate::syntax::ast::{Forms, Part, StatementKind, Template};
use crate::syntax::parser::parse_relations;

/// Word pairs and words that start a number phrase.
const NUMBER_PAIRS: [(&str, &str); 5] = [
    ("more", "than"),
    ("fewer", "than"),
    ("less", "than"),
    ("at", "least"),
    ("at", "most"),
];
const NUMBER_WORDS: [&str; 6] = ["over", "under", "about", "around", "roughly", "between"];
/// Words that start a date phrase and change its meaning (`on` and `in` do not).
const DATE_WORDS: [&str; 4] = ["before", "after", "since", "between"];

/// The warnings of every rule file of the workspace, in file order.
pub fn warnings(files: &Files) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    // The files in parallel (each is searched for its relations), in order.
    files
        .files
        .par_iter()
        .enumerate()
        .filter(|(_, f)| f.kind == FileKind::Rules)
        .flat_map_iter(|(i, f)| file_warnings(FileId(i as u32), &f.text))
        .collect()
}

/// The warnings of one rule file.
fn file_warnings(file: FileId, text: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for s in &parse_relations(text) {
        if let StatementKind::Relation(r) = &s.kind {
            // A slot typed in one template is that type in all of them.
            let mut kinds: HashMap<String, String> = HashMap::new();
            for t in &r.templates {
                for p in &t.parts {
                    if let Part::Slot {
                        name,
                        kind: Some(k),
                        ..
                    } = p
                    {
                        kinds.insert(name.to_lowercase(), k.text.to_lowercase());
                    }
                }
            }
            for t in &r.templates {
                check(file, t, &kinds, &mut out);
            }
        }
    }
    out
}

fn words_of(p: Option<&Part>) -> Option<&Forms> {
    match p {
        Some(Part::Literal {
            forms,
            optional: false,
            ..
        }) => Some(forms),
        _ => None,
    }
}

fn span_of(p: &Part) -> Span {
    match p {
        Part::Slot { span, .. } | Part::Literal { span, .. } => *span,
    }
}

fn check(file: FileId, t: &Template, kinds: &HashMap<String, String>, out: &mut Vec<Diagnostic>) {
    for (i, p) in t.parts.iter().enumerate() {
        let Part::Slot { name, .. } = p else { continue };
        let Some(kind) = kinds.get(&name.to_lowercase()) else {
            continue;
        };
        let last = words_of(i.checked_sub(1).and_then(|j| t.parts.get(j)));
        let before = words_of(i.checked_sub(2).and_then(|j| t.parts.get(j)));
        let has = |forms: Option<&Forms>, w: &str| forms.is_some_and(|f| f.contains(w));
        let (words, from) = match kind.as_str() {
            "number" => {
                if let Some((a, b)) = NUMBER_PAIRS
                    .iter()
                    .find(|(a, b)| has(before, a) && has(last, b))
                {
                    (format!("{a} {b}"), i - 2)
                } else if let Some(w) = NUMBER_WORDS.iter().find(|w| has(last, w)) {
                    (w.to_string(), i - 1)
                } else {
                    continue;
                }
            }
            "date" => match DATE_WORDS.iter().find(|w| has(last, w)) {
                Some(w) => (w.to_string(), i - 1),
                None => continue,
            },
            _ => continue,
        };
        out.push(Diagnostic::new(
            file,
            span_of(&t.parts[from]).to(span_of(&t.parts[i - 1])),
            ErrorKind::ValuePhraseInTemplate {
                words,
                slot: name.clone(),
                kind: if kind == "number" { "number" } else { "date" },
            },
        ));
    }
}
