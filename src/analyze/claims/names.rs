//! The entity names a claim can use, by their first word: the table the
//! reader looks up at every token an entity slot may start at.

use compact_str::CompactString;
use rustc_hash::FxHashMap;
use smallvec::SmallVec;

use crate::model::EntityId;
use crate::syntax::lexer::{Token, TokenKind};

/// One name or alias: the words after its first, its entity and the
/// entity's kind (a number of the table's own, see `NameTable::kind`).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Name {
    /// The words after the first, lower-cased, one space between (inline
    /// up to 24 bytes: most names are one or two words).
    rest: CompactString,
    /// How many words the name has.
    words: u32,
    entity: EntityId,
    kind: u32,
}

/// First word of a name or alias → the names it starts, longest first.
///
/// A lookup reads the table's bucket and, for a name of one or two short
/// words, nothing else: the first word is the key, the others sit inline,
/// the entity's kind beside its id (a claim reader checks the slot's kind
/// without reading the entity). One name per first word is the common case,
/// held in the bucket itself.
#[derive(Clone, Debug, Default)]
pub struct NameTable {
    by_first: FxHashMap<CompactString, SmallVec<[Name; 1]>>,
    /// Kind → its number here.
    kinds: FxHashMap<String, u32>,
}

/// A name found at a token: how many tokens it covers, its entity and the
/// entity's kind number.
pub type NameAt = (usize, EntityId, u32);

impl NameTable {
    /// Adds a name (its words, lower-cased) of `entity`, whose kind is `kind`.
    pub fn add(&mut self, words: &[String], entity: EntityId, kind: &str) {
        let Some((first, rest)) = words.split_first() else {
            return;
        };
        let kind = self.intern_kind(kind);
        self.by_first
            .entry(CompactString::from(first.as_str()))
            .or_default()
            .push(Name {
                rest: match rest {
                    [one] => CompactString::from(one.as_str()),
                    _ => CompactString::from(rest.join(" ")),
                },
                words: words.len() as u32,
                entity,
                kind,
            });
    }

    /// Puts each first word's names longest first (then by their words),
    /// without repeats: call once every name is added.
    pub fn finish(&mut self) {
        self.by_first.shrink_to_fit();
        for names in self.by_first.values_mut() {
            names.sort_by(|a, b| b.words.cmp(&a.words).then(a.rest.cmp(&b.rest)));
            names.dedup();
        }
    }

    /// The number of `kind`, a new one if it has none yet (the analyzer
    /// numbers the kinds of its entities here too).
    pub fn intern_kind(&mut self, kind: &str) -> u32 {
        match self.kinds.get(kind) {
            Some(&k) => k,
            None => {
                let k = self.kinds.len() as u32;
                self.kinds.insert(kind.to_string(), k);
                k
            }
        }
    }

    /// The number of `kind` in this table; `None` if no entity has it.
    pub fn kind(&self, kind: &str) -> Option<u32> {
        self.kinds.get(kind).copied()
    }

    /// Whether `word` is a one-word name or alias.
    pub fn is_name(&self, word: &str) -> bool {
        self.by_first
            .get(word)
            .is_some_and(|v| v.iter().any(|n| n.words == 1))
    }

    /// The names that start at `toks[at]`, longest first.
    pub fn at(&self, toks: &[Token], at: usize) -> SmallVec<[NameAt; 2]> {
        let mut out = SmallVec::new();
        let Some(first) = toks.get(at).filter(|t| t.kind == TokenKind::Word) else {
            return out;
        };
        let Some(names) = self.by_first.get(first.norm.as_str()) else {
            return out;
        };
        for n in names {
            let fits = n.rest.is_empty()
                || n.rest.split(' ').enumerate().all(|(k, w)| {
                    toks.get(at + 1 + k)
                        .is_some_and(|t| t.kind == TokenKind::Word && t.norm == w)
                });
            if fits {
                out.push((n.words as usize, n.entity, n.kind));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::lexer::lex;

    fn words(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_string).collect()
    }

    #[test]
    fn names_at_a_token_come_longest_first_with_their_kinds() {
        let mut t = NameTable::default();
        t.add(&words("north korea"), 0, "country");
        t.add(&words("north"), 1, "person");
        t.add(&words("north korea army"), 2, "organization");
        t.add(&words("south korea"), 3, "country");
        t.add(&words("north korea"), 0, "country");
        t.finish();
        let toks = lex("says North Korea army", 0).unwrap();
        let found = t.at(&toks, 1);
        let country = t.kind("country").unwrap();
        let person = t.kind("person").unwrap();
        let org = t.kind("organization").unwrap();
        assert_eq!(
            found.as_slice(),
            &[(3, 2, org), (2, 0, country), (1, 1, person)]
        );
        // Only the names whose every word follows.
        let toks = lex("North Korean", 0).unwrap();
        assert_eq!(t.at(&toks, 0).as_slice(), &[(1, 1, person)]);
        assert!(t.at(&toks, 1).is_empty());
        assert!(t.is_name("north"));
        assert!(!t.is_name("south"));
        assert_eq!(t.kind("city"), None);
    }
}
