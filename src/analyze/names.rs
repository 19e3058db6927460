//! The analyzer's names: entities, their aliases, and groups.

use std::collections::{BTreeSet, HashMap};

use super::{Analyzer, Rules};
use crate::diag::{nearest, Diagnostic, ErrorKind, FileId, Loc, Span};
use crate::facts::RawFactFile;
use crate::model::*;
use crate::syntax::ast::{self, StatementKind};
use crate::syntax::lexer::{fold_spaces, name_words};

pub(super) fn key_of(words: &[String]) -> String {
    words.join(" ")
}

/// An entity as declared: file, name, kind and aliases.
type EntityDecl = (FileId, ast::Name, ast::Name, Vec<ast::Name>);

impl Analyzer {
    // -- Entities -----------------------------------------------------------

    pub(super) fn entities(&mut self, rules: &[Rules], yamls: &[(FileId, &RawFactFile)]) {
        let mut decls: Vec<EntityDecl> = Vec::new();
        for r in rules {
            for s in &r.ast.statements {
                if let StatementKind::Entity(e) = &s.kind {
                    decls.push((r.file, e.name.clone(), e.kind.clone(), e.aliases.clone()));
                }
            }
        }
        // A YAML file's entities are split into words in parallel (a large
        // workspace declares tens of thousands), each into its place in
        // `decls`; errors keep their order.
        for (file, raw) in yamls {
            use rayon::prelude::*;
            let mut read: Vec<(Vec<Diagnostic>, Option<EntityDecl>)> = Vec::new();
            raw.entities
                .par_iter()
                .map(|e| {
                    let mut errs = Vec::new();
                    let mut name_of = |l: &crate::facts::Located| -> Option<ast::Name> {
                        match name_words(&l.text) {
                            Some(words) => Some(ast::Name {
                                text: fold_spaces(&l.text),
                                words,
                                span: l.span,
                            }),
                            None => {
                                errs.push(Diagnostic::new(
                                    *file,
                                    l.span,
                                    ErrorKind::BadFact {
                                        message: format!(
                                            "`{}` is not a name: use words only",
                                            l.text
                                        ),
                                    },
                                ));
                                None
                            }
                        }
                    };
                    let (Some(name), Some(kind)) = (name_of(&e.name), name_of(&e.kind)) else {
                        return (errs, None);
                    };
                    let aliases = e.aka.iter().filter_map(&mut name_of).collect();
                    (errs, Some((*file, name, kind, aliases)))
                })
                .collect_into_vec(&mut read);
            decls.reserve(read.len());
            for (errs, decl) in read {
                self.errors.extend(errs);
                decls.extend(decl);
            }
        }
        let names = decls.iter().map(|d| 1 + d.3.len()).sum::<usize>();
        self.name_index.reserve(names);
        self.model.entities.reserve(decls.len());
        // Names and aliases entered for their own entity: (entity, 0 for
        // the name or 1 + the alias's place).
        let mut own: Vec<(EntityId, usize)> = Vec::with_capacity(names);
        for (file, name, kind, aliases) in decls {
            let kind_word = kind.key();
            if kind.words.len() != 1 || ["number", "date", "text"].contains(&kind_word.as_str()) {
                self.error(
                    file,
                    kind.span,
                    ErrorKind::BadFact {
                        message: format!("`{}` cannot be an entity kind: a kind is one word other than number, date or text", kind.text),
                    },
                );
                continue;
            }
            let key = name.key();
            if let Some(&id) = self.name_index.get(&key) {
                let e = &self.model.entities[id as usize];
                if e.name.to_lowercase() == fold_spaces(&name.text).to_lowercase() {
                    let alias_set: BTreeSet<String> = aliases.iter().map(|a| a.key()).collect();
                    let same = e.kind == kind_word
                        && e.aliases
                            .iter()
                            .map(|a| name_words(a).map(|w| key_of(&w)).unwrap_or_default())
                            .collect::<BTreeSet<_>>()
                            == alias_set;
                    if !same {
                        self.error(
                            file,
                            name.span,
                            ErrorKind::Duplicate {
                                what: "entity",
                                name: name.text.clone(),
                                first: Some(e.loc),
                            },
                        );
                        self.disputed.push(id);
                    }
                    continue;
                }
                let other = e.name.clone();
                let first_loc = Some(e.loc);
                self.error(
                    file,
                    name.span,
                    ErrorKind::AliasClash {
                        alias: name.text.clone(),
                        first: other,
                        second: name.text.clone(),
                        first_loc,
                    },
                );
                continue;
            }
            let id = self.model.entities.len() as EntityId;
            if !self.kinds.contains(&kind_word) {
                self.kinds.insert(kind_word.clone());
            }
            let kind_id = self.names.intern_kind(&kind_word);
            self.entity_kinds.push(kind_id);
            self.model.entities.push(Entity {
                name: fold_spaces(&name.text),
                kind: kind_word,
                aliases: aliases.iter().map(|a| fold_spaces(&a.text)).collect(),
                loc: Loc {
                    file,
                    span: name.span,
                },
            });
            self.name_index.insert(key, id);
            own.push((id, 0));
            self.names
                .add(&name.words, id, &self.model.entities[id as usize].kind);
            for (k, a) in aliases.iter().enumerate() {
                let ak = a.key();
                match self.name_index.get(&ak) {
                    Some(&other) if other != id => {
                        let e = &self.model.entities[other as usize];
                        let (first, first_loc) = (e.name.clone(), Some(e.loc));
                        self.error(
                            file,
                            a.span,
                            ErrorKind::AliasClash {
                                alias: a.text.clone(),
                                first,
                                second: name.text.clone(),
                                first_loc,
                            },
                        );
                    }
                    Some(_) => own.push((id, k + 1)),
                    None => {
                        self.name_index.insert(ak, id);
                        own.push((id, k + 1));
                        self.names
                            .add(&a.words, id, &self.model.entities[id as usize].kind);
                    }
                }
            }
        }
        // Each name and alias as written whose words lead to its own entity
        // (`own`, in declaration order), looked up before case folding.
        self.exact_names.reserve(own.len());
        for (id, k) in own {
            let e = &self.model.entities[id as usize];
            let n = if k == 0 { &e.name } else { &e.aliases[k - 1] };
            let kind = self.entity_kinds[id as usize];
            self.exact_names.insert(n.as_str().into(), (id, kind));
        }
        self.names.finish();
    }

    pub(super) fn entity_error(&mut self, file: FileId, span: Span, text: &str) {
        let mut errs = Vec::new();
        self.entity_error_into(&mut errs, file, span, text);
        self.errors.extend(errs);
    }

    pub(super) fn entity_error_into(
        &self,
        errs: &mut Vec<Diagnostic>,
        file: FileId,
        span: Span,
        text: &str,
    ) {
        if self.broken_entities {
            return;
        }
        let is_group = self
            .group_index
            .contains_key(&fold_spaces(text).to_lowercase());
        let known: Vec<&str> = self
            .model
            .entities
            .iter()
            .flat_map(|e| {
                std::iter::once(e.name.as_str()).chain(e.aliases.iter().map(String::as_str))
            })
            .collect();
        let suggestions = nearest(text, known);
        errs.push(Diagnostic::new(
            file,
            span,
            ErrorKind::UnknownEntity {
                name: text.to_string(),
                suggestions,
                group: is_group,
            },
        ));
    }

    /// Resolves an entity written as a whole string (YAML args, group members).
    pub(super) fn resolve_entity(
        &mut self,
        file: FileId,
        span: Span,
        text: &str,
    ) -> Option<EntityId> {
        let id = self.entity_of(text);
        if id.is_none() {
            self.entity_error(file, span, text);
        }
        id
    }

    /// The entity a whole string names: exact text first, then its words
    /// case-folded.
    pub(super) fn entity_of(&self, text: &str) -> Option<EntityId> {
        self.entity_and_kind(text).map(|(id, _)| id)
    }

    /// `entity_of` with the entity's kind number (`NameTable::kind`).
    pub(super) fn entity_and_kind(&self, text: &str) -> Option<(EntityId, u32)> {
        if let Some(&found) = self.exact_names.get(text) {
            return Some(found);
        }
        let id = name_words(text).and_then(|w| self.name_index.get(&key_of(&w)).copied())?;
        Some((id, self.entity_kinds[id as usize]))
    }

    // -- Groups ---------------------------------------------------------------

    pub(super) fn groups(&mut self, rules: &[Rules], yamls: &[(FileId, &RawFactFile)]) {
        /// A group as declared: file, name, where, members and where.
        type Decl = (FileId, String, Span, Vec<(String, Span)>);
        let mut decls: Vec<Decl> = Vec::new();
        for r in rules {
            for s in &r.ast.statements {
                if let StatementKind::Group(g) = &s.kind {
                    decls.push((
                        r.file,
                        g.name.text.clone(),
                        g.name.span,
                        g.members.iter().map(|m| (m.text.clone(), m.span)).collect(),
                    ));
                }
            }
        }
        for (file, raw) in yamls {
            for g in &raw.groups {
                decls.push((
                    *file,
                    g.name.text.to_string(),
                    g.name.span,
                    g.members
                        .iter()
                        .map(|m| (m.text.to_string(), m.span))
                        .collect(),
                ));
            }
        }
        // Names first, so an entity error can tell a group from a typo.
        for (_, name, _, _) in &decls {
            let key = fold_spaces(name).to_lowercase();
            let next = self.group_index.len() as GroupId;
            self.group_index.entry(key).or_insert(next);
        }
        let mut seen: HashMap<GroupId, BTreeSet<EntityId>> = HashMap::new();
        self.model.groups = vec![
            Group {
                name: String::new(),
                members: Vec::new(),
                loc: Loc {
                    file: FileId(0),
                    span: Span::default()
                }
            };
            self.group_index.len()
        ];
        for (file, name, span, members) in decls {
            let gid = self.group_index[&fold_spaces(&name).to_lowercase()];
            let mut ids = Vec::new();
            let mut ok = true;
            for (m, mspan) in &members {
                match self.resolve_entity(file, *mspan, m) {
                    Some(id) => {
                        if !ids.contains(&id) {
                            ids.push(id)
                        }
                    }
                    None => ok = false,
                }
            }
            let set: BTreeSet<EntityId> = ids.iter().copied().collect();
            match seen.get(&gid) {
                Some(prev) => {
                    if ok && *prev != set {
                        self.error(
                            file,
                            span,
                            ErrorKind::Duplicate {
                                what: "group",
                                name: name.clone(),
                                first: Some(self.model.groups[gid as usize].loc),
                            },
                        );
                    }
                }
                None => {
                    seen.insert(gid, set);
                    self.model.groups[gid as usize] = Group {
                        name: fold_spaces(&name),
                        members: ids,
                        loc: Loc { file, span },
                    };
                }
            }
        }
    }
}
