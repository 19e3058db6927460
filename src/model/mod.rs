//! The checked model: interned entities, relations with compiled templates,
//! definitions with parsed bodies, sources, and facts indexed by key. Built
//! only by the analyzer; the evaluator trusts it (every name in it resolved,
//! every kind checked).

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;

use rustc_hash::FxHasher;

use crate::diag::{FileId, Loc, Span};
use crate::syntax::ast::Expectation;
use crate::value::{Interval, ValueKind};

mod index;
pub use index::{Index, Row};

pub type EntityId = u32;
pub type GroupId = u32;
pub type RelId = u32;
pub type DefId = u32;
pub type SourceId = u32;
pub type FactId = u32;

#[derive(Clone, Debug)]
pub struct Entity {
    pub name: String,
    pub kind: String,
    pub aliases: Vec<String>,
    pub loc: Loc,
}

#[derive(Clone, Debug)]
pub struct Group {
    pub name: String,
    pub members: Vec<EntityId>,
    pub loc: Loc,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SlotType {
    /// An entity, of the given kind if any.
    Entity(Option<String>),
    Text,
    Value(ValueKind),
}

impl SlotType {
    pub fn is_key(&self) -> bool {
        !matches!(self, SlotType::Value(_))
    }
    pub fn describe(&self) -> String {
        match self {
            SlotType::Entity(Some(k)) => k.clone(),
            SlotType::Entity(None) => "entity".into(),
            SlotType::Text => "text".into(),
            SlotType::Value(v) => v.to_string(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    pub name: String,
    pub ty: SlotType,
}

#[derive(Clone, Debug)]
pub enum TemplatePart {
    Literal {
        forms: crate::syntax::ast::Forms,
        optional: bool,
    },
    Slot(usize),
}

#[derive(Clone, Debug)]
pub struct Template {
    pub parts: Vec<TemplatePart>,
    pub text: String,
}

#[derive(Clone, Debug)]
pub struct Relation {
    pub name: String,
    pub symmetric: bool,
    pub functional: bool,
    pub slots: Vec<Slot>,
    pub templates: Vec<Template>,
    pub loc: Loc,
}

#[derive(Clone, Debug)]
pub struct Definition {
    pub slots: Vec<Slot>,
    pub template: Template,
    /// `None` only while the workspace has errors (a body that failed to read).
    pub body: Option<Claim>,
    pub loc: Loc,
}

#[derive(Clone, Debug, Default)]
pub struct Source {
    pub id: String,
    pub title: Option<String>,
    pub publisher: Option<String>,
    pub date: Option<String>,
    pub url: Option<String>,
    pub name: Option<String>,
    pub role: Option<String>,
    pub via: Option<SourceId>,
    pub text: Option<PathBuf>,
    pub loc: Option<Loc>,
}

/// What fills a key slot of an atom.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Term {
    Entity(EntityId),
    /// A text value; `norm` is lower-cased with whitespace folded.
    Text {
        text: String,
        norm: String,
    },
    /// A quantifier's variable (index into the binding stack).
    Var(u32),
    /// A definition's slot (index into its arguments).
    Param(u32),
}

/// A stated value: its interval and the phrase as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Value {
    pub interval: Interval,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    Key(Term),
    /// `None`: the sentence says nothing about this value.
    Value(Option<Box<Value>>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    Relation(RelId),
    Definition(DefId),
}

#[derive(Clone, Debug)]
pub struct Atom {
    pub target: Target,
    /// One per slot of the target, in slot order.
    pub args: Vec<Arg>,
    pub span: Span,
    /// The atom as written.
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantifier {
    Every,
    Some,
    No,
}

#[derive(Clone, Debug)]
pub enum Claim {
    Atom(Atom),
    Not(Box<Claim>),
    /// `A and B and …`: flat, so a long chain is no deeper than one link.
    And(Vec<Claim>),
    /// `A or B or …`, flat likewise.
    Or(Vec<Claim>),
    Quant {
        quantifier: Quantifier,
        vars: Vec<String>,
        /// Index of the first variable on the binding stack.
        first_var: u32,
        group: GroupId,
        body: Box<Claim>,
    },
}

/// A key argument with nothing left to resolve.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyArg {
    Entity(EntityId),
    Text(Box<str>),
}

/// The key of a fact: its relation and its entity and text slots (symmetric
/// relations store their two entities in sorted order). Two arguments (most
/// relations' keys) sit in the key itself: a fact's key is compared and
/// hashed without reading a second place in memory, and made without an
/// allocation.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub relation: RelId,
    pub args: KeyArgs,
}

/// A key's arguments, up to two inline.
pub type KeyArgs = smallvec::SmallVec<[KeyArg; 2]>;

impl Key {
    /// The index's hash of the key (FxHash: fast, and the same on every run).
    pub fn hash64(&self) -> u64 {
        let mut h = FxHasher::default();
        self.hash(&mut h);
        h.finish()
    }
}

/// One asserted or denied tuple: values per value slot of the relation.
#[derive(Clone, Debug)]
pub struct Tuple {
    pub key: Key,
    /// One pointer (`ThinVec`: its length sits with the values), so a
    /// fact without values costs 8 bytes here and allocates nothing.
    pub values: thin_vec::ThinVec<Option<Value>>,
}

#[derive(Clone, Debug)]
pub enum FactBody {
    /// `says:` or `relation:` — an atom, asserted or denied.
    Atom { tuple: Tuple },
    /// `only: … among: GROUP` — the listed tuples, and no others among the
    /// group (boxed: rare, and large).
    Only(Box<Only>),
}

/// The sets are looked up for every atom of the relation (FxHash: a few
/// nanoseconds a lookup, where SipHash took tens); they are never iterated.
#[derive(Clone, Debug)]
pub struct Only {
    pub relation: RelId,
    pub group: GroupId,
    pub members: rustc_hash::FxHashSet<EntityId>,
    pub listed: Vec<Tuple>,
    pub listed_keys: rustc_hash::FxHashSet<Key>,
}

/// A fact: 96 bytes, its key's first two arguments inline, its values
/// behind one thin pointer, with what few facts have (a quote, a note, a
/// sentence as written) behind another.
#[derive(Clone, Debug)]
pub struct Fact {
    pub source: SourceId,
    /// Line of the fact in its file (from 1).
    pub line: u32,
    pub loc: Loc,
    /// Denied (`negated: true`, `says: not …`); an `only` fact never is.
    /// Here rather than in `FactBody::Atom`, where it cost 8 bytes.
    pub negated: bool,
    pub body: FactBody,
    /// Shared by the facts of one file region that give the same date
    /// (`Arc`: a million facts hold a few hundred distinct dates).
    pub as_of: Option<std::sync::Arc<Value>>,
    pub extra: Option<Box<FactExtra>>,
}

/// The parts of a fact most facts do not have.
#[derive(Clone, Debug, Default)]
pub struct FactExtra {
    pub quote: Option<Box<str>>,
    pub note: Option<Box<str>>,
    /// The fact's sentence as written (`says:`, `only:`); `None` for a
    /// structured fact, whose sentence is written from its tuple when a
    /// report shows it (`Model::fact_text`).
    pub text: Option<Box<str>>,
}

impl FactExtra {
    /// `None` when there is nothing to keep.
    pub fn of(
        quote: Option<Box<str>>,
        note: Option<Box<str>>,
        text: Option<Box<str>>,
    ) -> Option<Box<FactExtra>> {
        (quote.is_some() || note.is_some() || text.is_some())
            .then(|| Box::new(FactExtra { quote, note, text }))
    }
}

impl Fact {
    /// A slot for a fact still to be read (`FactBody::Atom` of relation 0
    /// with no arguments): allocates nothing.
    pub fn empty() -> Fact {
        Fact {
            source: 0,
            line: 0,
            loc: Loc {
                file: crate::diag::FileId(0),
                span: crate::diag::Span::new(0, 0),
            },
            body: FactBody::Atom {
                tuple: Tuple {
                    key: Key {
                        relation: 0,
                        args: KeyArgs::new(),
                    },
                    values: thin_vec::ThinVec::new(),
                },
            },
            negated: false,
            as_of: None,
            extra: None,
        }
    }

    pub fn quote(&self) -> Option<&str> {
        self.extra.as_ref()?.quote.as_deref()
    }

    pub fn note(&self) -> Option<&str> {
        self.extra.as_ref()?.note.as_deref()
    }

    /// The fact's sentence as written, if it was written as one.
    pub fn text(&self) -> Option<&str> {
        self.extra.as_ref()?.text.as_deref()
    }
}

#[derive(Clone, Debug)]
pub struct Assertion {
    pub file: FileId,
    pub line: u32,
    pub col: u32,
    pub expectation: Expectation,
    pub claim: Claim,
    /// The claim as written, `as of` suffix included.
    pub text: String,
    pub as_of: Option<Box<Value>>,
}

#[derive(Clone, Debug, Default)]
pub struct Model {
    pub entities: Vec<Entity>,
    pub groups: Vec<Group>,
    pub relations: Vec<Relation>,
    pub definitions: Vec<Definition>,
    pub sources: Vec<Source>,
    pub facts: Vec<Fact>,
    /// Facts by key: an atom lookup never scans all facts.
    pub index: Index,
    /// `only` facts by relation.
    pub closed_worlds: HashMap<RelId, Vec<FactId>>,
    pub assertions: Vec<Assertion>,
    /// The limits the workspace was checked with; evaluation keeps to them.
    pub limits: crate::limits::Limits,
}

impl Model {
    pub fn tuple(&self, row: Row) -> (&Tuple, bool) {
        match &self.facts[row.fact as usize].body {
            FactBody::Atom { tuple } => (tuple, self.facts[row.fact as usize].negated),
            FactBody::Only(o) => (&o.listed[row.tuple as usize], false),
        }
    }

    /// The rows of `key`, in fact order.
    pub fn rows<'a>(&'a self, key: &'a Key) -> impl Iterator<Item = Row> + 'a {
        self.index
            .hashed(key.hash64())
            .iter()
            .map(|(_, r)| *r)
            .filter(move |r| self.tuple(*r).0.key == *key)
    }

    /// Every key of the index with its rows (in fact order), keys sorted.
    pub fn keys(&self) -> Vec<(&Key, Vec<Row>)> {
        let mut out: Vec<(&Key, Vec<Row>)> = Vec::new();
        let rows = &self.index.rows;
        let mut i = 0;
        while i < rows.len() {
            let h = rows[i].0;
            let mut j = i;
            let mut here: Vec<(&Key, Vec<Row>)> = Vec::new();
            while j < rows.len() && rows[j].0 == h {
                let r = rows[j].1;
                let k = &self.tuple(r).0.key;
                match here.iter_mut().find(|(x, _)| *x == k) {
                    Some((_, v)) => v.push(r),
                    None => here.push((k, vec![r])),
                }
                j += 1;
            }
            out.extend(here);
            i = j;
        }
        out.sort_by(|a, b| (a.0.relation, &a.0.args).cmp(&(b.0.relation, &b.0.args)));
        out
    }

    /// A fact as a sentence, for reports: as written, or (for a structured
    /// fact) written from its tuple now.
    pub fn fact_text<'a>(&self, fact: &'a Fact) -> Cow<'a, str> {
        if let Some(t) = fact.text() {
            return Cow::Borrowed(t);
        }
        let mut s = String::with_capacity(48);
        self.write_fact_text(fact, &mut s);
        Cow::Owned(s)
    }

    /// `fact_text` appended to `out`.
    pub fn write_fact_text(&self, fact: &Fact, out: &mut String) {
        if let Some(t) = fact.text() {
            out.push_str(t);
            return;
        }
        match &fact.body {
            FactBody::Atom { tuple } => {
                if fact.negated {
                    out.push_str("not ");
                }
                self.write_sentence(tuple, out);
            }
            FactBody::Only(o) => self.write_sentence(&o.listed[0], out),
        }
    }

    /// Value slots of a relation, in slot order.
    /// The kinds of the relation's value slots, in slot order.
    pub fn value_kinds(&self, rel: RelId) -> Vec<ValueKind> {
        self.value_slots(rel).into_iter().map(|(_, k)| k).collect()
    }

    pub fn value_slots(&self, rel: RelId) -> Vec<(usize, ValueKind)> {
        self.relations[rel as usize]
            .slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| match s.ty {
                SlotType::Value(k) => Some((i, k)),
                _ => None,
            })
            .collect()
    }

    /// Writes a tuple as a sentence, with the relation's first template that
    /// has a slot for every value the tuple states.
    pub fn sentence(&self, tuple: &Tuple) -> String {
        let mut s = String::with_capacity(48);
        self.write_sentence(tuple, &mut s);
        s
    }

    /// `sentence` appended to `out`.
    pub fn write_sentence(&self, tuple: &Tuple, out: &mut String) {
        let rel = &self.relations[tuple.key.relation as usize];
        let mut key_args = tuple.key.args.iter();
        let mut value_args = tuple.values.iter();
        // Borrowed where the words already exist: a report writes one
        // sentence per piece of evidence, a million on a large run.
        let filled: smallvec::SmallVec<[Option<Cow<str>>; 4]> = rel
            .slots
            .iter()
            .map(|s| {
                if s.ty.is_key() {
                    key_args.next().map(|a| match a {
                        KeyArg::Entity(e) => {
                            Cow::Borrowed(self.entities[*e as usize].name.as_str())
                        }
                        KeyArg::Text(t) => Cow::Owned(format!("\"{t}\"")),
                    })
                } else {
                    value_args
                        .next()
                        .and_then(|v| v.as_ref())
                        .map(|v| Cow::Borrowed(v.text.as_str()))
                }
            })
            .collect();
        // The first template with a slot for exactly the values stated.
        let has = |t: &Template, i: usize| {
            t.parts
                .iter()
                .any(|p| matches!(p, TemplatePart::Slot(s) if *s == i))
        };
        let template = rel
            .templates
            .iter()
            .find(|t| {
                filled
                    .iter()
                    .enumerate()
                    .all(|(i, f)| f.is_some() == has(t, i))
            })
            .or_else(|| {
                rel.templates.iter().find(|t| {
                    filled
                        .iter()
                        .enumerate()
                        .all(|(i, f)| f.is_none() || has(t, i))
                })
            })
            .unwrap_or(&rel.templates[0]);
        // The words joined by spaces, with no space before a comma.
        let start = out.len();
        let s = out;
        let mut first = true;
        for p in &template.parts {
            let word: &str = match p {
                TemplatePart::Literal { optional: true, .. } => continue,
                TemplatePart::Literal { forms, .. } => match forms.first() {
                    Some(f) => f,
                    None => continue,
                },
                TemplatePart::Slot(i) => filled[*i].as_deref().unwrap_or("…"),
            };
            if !first {
                s.push(' ');
            }
            first = false;
            s.push_str(word);
        }
        if s[start..].contains(" ,") {
            let fixed = s[start..].replace(" ,", ",");
            s.truncate(start);
            s.push_str(&fixed);
        }
    }
}

#[cfg(test)]
mod tests {
    /// A fact stays compact: a million of them fit in 96 MB plus values
    /// (keys of up to two arguments inline, values behind a thin pointer).
    #[test]
    fn a_fact_is_small() {
        let size = std::mem::size_of::<super::Fact>();
        assert!(size <= 96, "a Fact is {size} bytes");
        let tuple = std::mem::size_of::<super::Tuple>();
        assert!(tuple <= 56, "a Tuple is {tuple} bytes");
        // A value: bounds at 8-byte alignment (`Wide`), 24 bytes each.
        let value = std::mem::size_of::<Option<super::Value>>();
        assert!(value <= 80, "a value is {value} bytes");
    }
}
