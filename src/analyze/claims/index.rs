//! The index of templates by their literal words: which templates an atom
//! may match, without trying every template of the workspace.

use std::collections::HashMap;

use crate::model::{Relation, Target, TemplatePart};
use crate::syntax::lexer::{Token, TokenKind};

use super::DefHead;

/// A literal word with more spellings than this (optional parts multiply
/// them) is not indexed: its template is found by another word, or tried
/// everywhere.
const MAX_INDEXED_SPELLINGS: usize = 64;

/// Templates by their literal words, so an atom tries only the templates
/// that can match there (10,000 relations and 10,000 claims stay linear). A
/// template that starts with a literal word is found by that word at the
/// atom's first token; one that starts with a slot or an optional word, by
/// its first required literal word, which must occur among the claim's
/// tokens. Only a template with no required literal word that can be
/// indexed is tried everywhere.
#[derive(Clone, Debug, Default)]
pub struct TemplateIndex {
    /// First word (each of its forms) → templates, in lexicon order.
    by_word: HashMap<String, Vec<(Target, usize)>>,
    /// First required word (each of its forms) of a template that starts
    /// with a slot or an optional word → templates, in lexicon order.
    by_inner_word: rustc_hash::FxHashMap<String, Vec<(Target, usize)>>,
    /// Templates that may match whatever the words are.
    anywhere: Vec<(Target, usize)>,
}

fn order(t: &(Target, usize)) -> (u8, u32, usize) {
    match t.0 {
        Target::Relation(r) => (0, r, t.1),
        Target::Definition(d) => (1, d, t.1),
    }
}

impl TemplateIndex {
    pub fn build(relations: &[Relation], definitions: &[DefHead]) -> TemplateIndex {
        let mut ix = TemplateIndex::default();
        let all = relations
            .iter()
            .enumerate()
            .flat_map(|(r, rel)| {
                rel.templates
                    .iter()
                    .enumerate()
                    .map(move |(i, t)| ((Target::Relation(r as u32), i), t))
            })
            .chain(
                definitions
                    .iter()
                    .enumerate()
                    .map(|(d, h)| ((Target::Definition(d as u32), 0), &h.template)),
            );
        // Every spelling of a required literal word, or `None` when it has
        // too many or one that a placeholder token could stand for.
        let spellings = |part: &TemplatePart| match part {
            TemplatePart::Literal {
                forms,
                optional: false,
            } => forms
                .spellings(MAX_INDEXED_SPELLINGS)
                .filter(|all| !all.iter().any(|f| f.starts_with('{')))
                .map(|mut words| {
                    words.sort();
                    words.dedup();
                    words
                }),
            _ => None,
        };
        for (target, t) in all {
            if let Some(words) = t.parts.first().and_then(spellings) {
                for f in words {
                    ix.by_word.entry(f).or_default().push(target);
                }
            } else if let Some(words) = t.parts.iter().find_map(spellings) {
                for f in words {
                    ix.by_inner_word.entry(f).or_default().push(target);
                }
            } else {
                ix.anywhere.push(target);
            }
        }
        ix
    }

    /// The templates indexed by an inner word that occurs among `toks`
    /// (all of them when a placeholder is among them, as it may stand for
    /// an escaped literal word): found once per claim reader.
    pub(super) fn inner_present(&self, toks: &[Token]) -> Vec<(Target, usize)> {
        if toks.iter().any(|t| t.kind == TokenKind::Placeholder) {
            return self.by_inner_word.values().flatten().copied().collect();
        }
        // Each distinct word once (the order does not matter: `candidates`
        // sorts); sorted in place, no set to allocate for a short claim.
        let mut words: smallvec::SmallVec<[&str; 16]> = toks
            .iter()
            .filter(|t| {
                matches!(
                    t.kind,
                    TokenKind::Word | TokenKind::Comma | TokenKind::Colon
                )
            })
            .map(|t| t.norm.as_str())
            .collect();
        words.sort_unstable();
        words.dedup();
        let mut out = Vec::new();
        for w in words {
            if let Some(v) = self.by_inner_word.get(w) {
                out.extend_from_slice(v);
            }
        }
        out
    }

    /// The templates that may match at `t`, in lexicon order (relations by
    /// id and template, then definitions). `inner` are the templates whose
    /// inner word occurs in the claim (`inner_present`).
    pub(super) fn candidates(
        &self,
        t: &Token,
        inner: &[(Target, usize)],
        defs: bool,
    ) -> Vec<(Target, usize)> {
        let mut out: Vec<(Target, usize)> = match t.kind {
            TokenKind::Word | TokenKind::Comma | TokenKind::Colon => {
                let mut v = self.anywhere.clone();
                if let Some(w) = self.by_word.get(t.norm.as_str()) {
                    v.extend_from_slice(w);
                }
                v
            }
            // `{x}` may be an escaped literal word of any template.
            TokenKind::Placeholder => {
                let mut v = self.anywhere.clone();
                v.extend(self.by_word.values().flatten().copied());
                v
            }
            _ => self.anywhere.clone(),
        };
        out.extend_from_slice(inner);
        if !defs {
            out.retain(|t| matches!(t.0, Target::Relation(_)));
        }
        out.sort_by_key(order);
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{FileKind, Files};

    /// Many relations whose templates start with a slot: an atom tries
    /// only the one whose word it has, wherever that word stands.
    #[test]
    fn a_template_that_starts_with_a_slot_is_found_by_its_inner_word() {
        let mut rules = String::from("entity Ann (person)\nentity Bob (person)\n");
        for i in 0..100 {
            rules += &format!("relation r{i}: {{a:person}} verb{i} {{b:person}}\n");
        }
        rules += "relation arms: {a:person} sold/provided arms to {b:person}\n";
        let mut files = Files::new();
        files.add_text("rules.claims", FileKind::Rules, &rules);
        let model = crate::analyze::analyze(&files, &Default::default()).expect("valid rules");
        let ix = TemplateIndex::build(&model.relations, &[]);
        let found = |claim: &str| {
            let toks = crate::syntax::lexer::lex(claim, 0).unwrap();
            let inner = ix.inner_present(&toks);
            ix.candidates(&toks[0], &inner, false)
        };
        assert_eq!(found("Ann verb42 Bob"), vec![(Target::Relation(42), 0)]);
        assert_eq!(
            found("Ann provided arms to Bob"),
            vec![(Target::Relation(100), 0)]
        );
        assert_eq!(found("Ann met Bob"), vec![]);
        // A placeholder may stand for any literal word: every template.
        assert_eq!(found("Ann {x} Bob").len(), 101);
    }
}
