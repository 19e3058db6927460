//! The analyzer: from parsed files to the checked `Model`. Resolves names,
//! aliases, kinds and templates; rejects duplicates and cycles; reads every
//! claim and `says:` sentence; indexes facts by key; checks quotes. Every
//! error is collected, not only the first; an error caused only by an earlier
//! one is not reported again.

pub mod claims;
mod facts;
mod hints;
pub mod lint;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use rustc_hash::FxHashMap;

use crate::diag::{nearest, Diagnostic, ErrorKind, FileId, Loc, Span};
use crate::facts::{parse_yaml, RawFactFile};
use crate::load::{FileKind, Files};
use crate::model::*;
use crate::syntax::ast::{self, StatementKind};
use crate::syntax::lexer::{fold_spaces, lex, name_words, Token, TokenKind};
use crate::syntax::parser::parse_rule_file;
use crate::value::{self, ValueKind};
use crate::Timings;
use claims::{Context, DefHead, Lexicon, Reader, TemplateIndex};

/// Choices the command line makes about analysis.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Let a source's `text:` name a file outside the workspace.
    pub allow_outside_paths: bool,
    /// Limits on work (see `limits`).
    pub limits: crate::limits::Limits,
}

/// Builds the model of a loaded workspace, or returns every error found.
pub fn analyze(files: &Files, options: &Options) -> Result<Model, Vec<Diagnostic>> {
    analyze_timed(files, options, &mut Timings::default())
}

/// `analyze`, adding the time of its stages (parse, resolve, index) to `timings`.
pub fn analyze_timed(
    files: &Files,
    options: &Options,
    timings: &mut Timings,
) -> Result<Model, Vec<Diagnostic>> {
    let (model, errors) = analyze_partial_timed(files, options, timings);
    if errors.is_empty() {
        Ok(model)
    } else {
        Err(errors)
    }
}

/// Like `analyze`, but keeps the model built from everything that did
/// resolve: the editor server names, completes and evaluates what it can
/// while a line is half typed. Statements and facts with errors are left out.
pub fn analyze_partial(files: &Files, options: &Options) -> (Model, Vec<Diagnostic>) {
    analyze_partial_timed(files, options, &mut Timings::default())
}

/// `analyze_partial`, adding the time of its stages to `timings`.
pub fn analyze_partial_timed(
    files: &Files,
    options: &Options,
    timings: &mut Timings,
) -> (Model, Vec<Diagnostic>) {
    analyze_cached(files, options, timings, &mut ParseCache::default())
}

/// What parsing one rule or YAML file gave.
enum Parsed {
    Rules(ast::RuleFile, Vec<crate::syntax::parser::SyntaxError>),
    Yaml(RawFactFile, Vec<crate::facts::FactError>),
}

/// Parsed rule and YAML files, kept between analyses by a caller that
/// analyzes the same workspace again (the editor server): a file whose text
/// is unchanged is not parsed again. Keyed by path, checked by the text's
/// length and FxHash.
#[derive(Default)]
pub struct ParseCache {
    /// Whether parsed files are kept for the next analysis (`ParseCache::
    /// keeping`); a default cache keeps nothing, so a one-off analysis
    /// frees each file's tokens once its claims are read.
    keep: bool,
    entries: HashMap<std::path::PathBuf, (usize, u64, Arc<Parsed>)>,
    /// Files parsed by the last analysis (the others came from the cache).
    pub parsed_last: usize,
}

fn text_hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    text.hash(&mut h);
    h.finish()
}

impl ParseCache {
    /// A cache that keeps what it parses, for analyses to come.
    pub fn keeping() -> ParseCache {
        ParseCache {
            keep: true,
            ..ParseCache::default()
        }
    }

    /// Each rule and YAML file of `files` parsed (in parallel), from the
    /// cache where its text is unchanged; the cache then holds exactly
    /// these files.
    fn parse(&mut self, files: &Files) -> Vec<Option<Arc<Parsed>>> {
        use rayon::prelude::*;
        let wanted = |k: FileKind| matches!(k, FileKind::Rules | FileKind::Yaml);
        let keys: Vec<Option<(usize, u64)>> = files
            .files
            .par_iter()
            .map(|f| wanted(f.kind).then(|| (f.text.len(), text_hash(&f.text))))
            .collect();
        let cached: Vec<Option<Arc<Parsed>>> = files
            .files
            .iter()
            .zip(&keys)
            .map(|(f, key)| {
                let (len, hash) = (*key)?;
                match self.entries.get(&f.path) {
                    Some((l, h, p)) if *l == len && *h == hash => Some(p.clone()),
                    _ => None,
                }
            })
            .collect();
        let parsed: Vec<Option<Arc<Parsed>>> = files
            .files
            .par_iter()
            .zip(cached)
            .map(|(f, hit)| {
                if hit.is_some() {
                    return hit;
                }
                match f.kind {
                    FileKind::Rules => {
                        let (ast, errs) = parse_rule_file(&f.text);
                        Some(Arc::new(Parsed::Rules(ast, errs)))
                    }
                    FileKind::Yaml => {
                        let (raw, errs) = parse_yaml(&f.text);
                        Some(Arc::new(Parsed::Yaml(raw, errs)))
                    }
                    _ => None,
                }
            })
            .collect();
        let mut entries = HashMap::new();
        let mut reused = 0;
        for ((f, key), p) in files.files.iter().zip(&keys).zip(&parsed) {
            if let (Some((len, hash)), Some(p)) = (key, p) {
                if self
                    .entries
                    .get(&f.path)
                    .is_some_and(|(_, _, old)| Arc::ptr_eq(old, p))
                {
                    reused += 1;
                }
                entries.insert(f.path.clone(), (*len, *hash, p.clone()));
            }
        }
        self.parsed_last = entries.len() - reused;
        if self.keep {
            self.entries = entries;
        }
        parsed
    }
}

/// `analyze_partial_timed` with a [`ParseCache`]: files whose text is as in
/// the cache are not parsed again.
pub fn analyze_cached(
    files: &Files,
    options: &Options,
    timings: &mut Timings,
    cache: &mut ParseCache,
) -> (Model, Vec<Diagnostic>) {
    let mut a = Analyzer {
        allow_outside_paths: options.allow_outside_paths,
        ..Analyzer::default()
    };
    a.model.limits = options.limits.clone();
    a.run(files, timings, cache);
    a.drop_consequences();
    a.errors.sort_by_key(|d| d.loc);
    a.errors.dedup();
    (a.model, a.errors)
}

#[derive(Default)]
struct Analyzer {
    model: Model,
    errors: Vec<Diagnostic>,
    /// Name or alias (lower-cased words, one space) → entity.
    name_index: HashMap<String, EntityId>,
    /// Name or alias exactly as declared → entity: looked up before the
    /// text is split into words and case-folded.
    exact_names: FxHashMap<String, EntityId>,
    /// Relation name exactly as declared → relation.
    relation_exact: FxHashMap<String, RelId>,
    /// Per source: whether its document has a text quotes are checked against.
    has_text: Vec<bool>,
    /// Templates by first literal word (built once every template is known).
    template_index: TemplateIndex,
    /// First word → (words, entity), longest first: for matching claims.
    names: HashMap<String, Vec<(Vec<String>, EntityId)>>,
    group_index: HashMap<String, GroupId>,
    relation_index: HashMap<String, RelId>,
    source_index: HashMap<String, SourceId>,
    kinds: BTreeSet<String>,
    def_heads: Vec<DefHead>,
    /// Some declaration of this sort failed: hold back errors it may cause.
    broken_relations: bool,
    broken_entities: bool,
    broken_groups: bool,
    /// Entities declared twice with different content: the first stands, and
    /// errors that only follow from the clash are not reported.
    disputed: Vec<EntityId>,
    allow_outside_paths: bool,
    /// The workspace's folders (source texts must resolve inside them).
    roots: Vec<std::path::PathBuf>,
    /// Bindings each definition's body ranges over (see `bindings`).
    binding_memo: HashMap<DefId, (u128, u128)>,
}

struct Rules<'f> {
    file: FileId,
    text: &'f str,
    ast: &'f ast::RuleFile,
}

fn key_of(words: &[String]) -> String {
    words.join(" ")
}

impl Analyzer {
    /// Drops the errors caused only by an earlier one: a slot-kind error about
    /// an entity declared twice with different kinds (`Russia` a country in
    /// one file, a person in another) repeats the duplicate's error at every use.
    fn drop_consequences(&mut self) {
        if self.disputed.is_empty() {
            return;
        }
        let fold = |s: &str| fold_spaces(&s.to_lowercase());
        let names: HashSet<String> = self
            .disputed
            .iter()
            .flat_map(|&id| {
                let e = &self.model.entities[id as usize];
                std::iter::once(&e.name).chain(&e.aliases)
            })
            .map(|n| fold(n))
            .collect();
        self.errors.retain(|d| match &d.kind {
            ErrorKind::WrongKind { entity, .. } => !names.contains(&fold(entity)),
            ErrorKind::VarWrongKind { member, .. } => !names.contains(&fold(member)),
            _ => true,
        });
    }

    fn error(&mut self, file: FileId, span: Span, kind: ErrorKind) {
        self.errors.push(Diagnostic::new(file, span, kind));
    }

    fn run(&mut self, files: &Files, timings: &mut Timings, cache: &mut ParseCache) {
        self.roots = files.roots.clone();
        // Parse every file (JSONL files are read line by line as they resolve).
        let start = Instant::now();
        let parsed = cache.parse(files);
        let mut rules = Vec::new();
        let mut yamls: Vec<(FileId, &RawFactFile)> = Vec::new();
        let mut jsonls: Vec<FileId> = Vec::new();
        for (i, (f, p)) in files.files.iter().zip(&parsed).enumerate() {
            let id = FileId(i as u32);
            match (f.kind, p.as_deref()) {
                (FileKind::Rules, Some(Parsed::Rules(ast, errs))) => {
                    for (span, kind) in errs.iter().cloned() {
                        match &kind {
                            ErrorKind::BadTemplate { .. } => self.broken_relations = true,
                            // A misspelt statement word: what it was meant to declare is missing.
                            ErrorKind::UnknownStatement { suggestions, .. } => {
                                for s in suggestions {
                                    match s.as_str() {
                                        "relation" | "define" => self.broken_relations = true,
                                        "entity" => self.broken_entities = true,
                                        "group" => self.broken_groups = true,
                                        _ => {}
                                    }
                                }
                            }
                            _ => {
                                let line = statement_head(&f.text, span);
                                match line {
                                    "relation" | "define" => self.broken_relations = true,
                                    "entity" => self.broken_entities = true,
                                    "group" => self.broken_groups = true,
                                    _ => {}
                                }
                            }
                        }
                        self.error(id, span, kind);
                    }
                    rules.push(Rules {
                        file: id,
                        text: &f.text,
                        ast,
                    });
                }
                (FileKind::Yaml, Some(Parsed::Yaml(raw, errs))) => {
                    if !errs.is_empty() {
                        self.broken_entities = true;
                        self.broken_groups = true;
                    }
                    for (span, kind) in errs.iter().cloned() {
                        self.error(id, span, kind);
                    }
                    yamls.push((id, raw));
                }
                (FileKind::Jsonl, _) => jsonls.push(id),
                _ => {}
            }
        }
        timings.add("parse", start.elapsed());

        let start = Instant::now();
        self.entities(&rules, &yamls);
        self.groups(&rules, &yamls);
        self.relations(&rules);
        self.definitions(&rules);
        self.sources(files, &yamls);
        self.facts(files, &yamls, &jsonls);
        self.assertions(&rules);
        // The parsed files (every claim's tokens) are done with: free them
        // before the index is built, unless the cache keeps them.
        drop((rules, yamls));
        drop(parsed);
        timings.add("resolve", start.elapsed());
        timings.time("index", || {
            self.model.index = Index::build(&self.model.facts);
        });
    }

    // -- Entities -----------------------------------------------------------

    fn entities(&mut self, rules: &[Rules], yamls: &[(FileId, &RawFactFile)]) {
        let mut decls: Vec<(FileId, ast::Name, ast::Name, Vec<ast::Name>)> = Vec::new();
        for r in rules {
            for s in &r.ast.statements {
                if let StatementKind::Entity(e) = &s.kind {
                    decls.push((r.file, e.name.clone(), e.kind.clone(), e.aliases.clone()));
                }
            }
        }
        for (file, raw) in yamls {
            for e in &raw.entities {
                let mut name_of = |l: &crate::facts::Located| -> Option<ast::Name> {
                    match name_words(&l.text) {
                        Some(words) => Some(ast::Name {
                            text: fold_spaces(&l.text),
                            words,
                            span: l.span,
                        }),
                        None => {
                            self.errors.push(Diagnostic::new(
                                *file,
                                l.span,
                                ErrorKind::BadFact {
                                    message: format!("`{}` is not a name: use words only", l.text),
                                },
                            ));
                            None
                        }
                    }
                };
                let (Some(name), Some(kind)) = (name_of(&e.name), name_of(&e.kind)) else {
                    continue;
                };
                let aliases = e.aka.iter().filter_map(&mut name_of).collect();
                decls.push((*file, name, kind, aliases));
            }
        }
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
            let alias_set: BTreeSet<String> = aliases.iter().map(|a| a.key()).collect();
            if let Some(&id) = self.name_index.get(&key) {
                let e = &self.model.entities[id as usize];
                if e.name.to_lowercase() == fold_spaces(&name.text).to_lowercase() {
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
            self.kinds.insert(kind_word.clone());
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
            for a in &aliases {
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
                    _ => {
                        self.name_index.insert(ak, id);
                    }
                }
            }
        }
        for (id, e) in self.model.entities.iter().enumerate() {
            for n in std::iter::once(&e.name).chain(&e.aliases) {
                let by_words = name_words(n).and_then(|w| self.name_index.get(&key_of(&w)));
                if by_words == Some(&(id as EntityId)) {
                    self.exact_names.insert(n.clone(), id as EntityId);
                }
            }
        }
        for (key, &id) in &self.name_index {
            let words: Vec<String> = key.split(' ').map(str::to_string).collect();
            self.names
                .entry(words[0].clone())
                .or_default()
                .push((words, id));
        }
        for v in self.names.values_mut() {
            v.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        }
    }

    fn entity_error(&mut self, file: FileId, span: Span, text: &str) {
        let mut errs = Vec::new();
        self.entity_error_into(&mut errs, file, span, text);
        self.errors.extend(errs);
    }

    fn entity_error_into(&self, errs: &mut Vec<Diagnostic>, file: FileId, span: Span, text: &str) {
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
    fn resolve_entity(&mut self, file: FileId, span: Span, text: &str) -> Option<EntityId> {
        let id = self.entity_of(text);
        if id.is_none() {
            self.entity_error(file, span, text);
        }
        id
    }

    /// The entity a whole string names: exact text first, then its words
    /// case-folded.
    fn entity_of(&self, text: &str) -> Option<EntityId> {
        if let Some(&id) = self.exact_names.get(text) {
            return Some(id);
        }
        name_words(text).and_then(|w| self.name_index.get(&key_of(&w)).copied())
    }

    // -- Groups ---------------------------------------------------------------

    fn groups(&mut self, rules: &[Rules], yamls: &[(FileId, &RawFactFile)]) {
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
                    g.name.text.clone(),
                    g.name.span,
                    g.members.iter().map(|m| (m.text.clone(), m.span)).collect(),
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

    // -- Relations -------------------------------------------------------------

    /// The slot type a template writes, checking the kind exists.
    fn slot_type(&mut self, file: FileId, kind: &Option<ast::Name>) -> Option<SlotType> {
        let Some(k) = kind else {
            return Some(SlotType::Entity(None));
        };
        let w = k.key();
        match w.as_str() {
            "number" => Some(SlotType::Value(ValueKind::Number)),
            "date" => Some(SlotType::Value(ValueKind::Date)),
            "text" => Some(SlotType::Text),
            _ if self.kinds.contains(&w) => Some(SlotType::Entity(Some(w))),
            _ => {
                let known: Vec<&str> = ["number", "date", "text"]
                    .into_iter()
                    .chain(self.kinds.iter().map(String::as_str))
                    .collect();
                let suggestions = nearest(&k.text, known);
                if self.broken_entities {
                    // The entity that uses this kind may be in the file that failed.
                    return None;
                }
                self.error(
                    file,
                    k.span,
                    ErrorKind::UnknownKind {
                        kind: k.text.clone(),
                        suggestions,
                    },
                );
                None
            }
        }
    }

    /// Compiles templates that share one slot list. `values_optional`: number
    /// and date slots may be left out of a template.
    fn compile_templates(
        &mut self,
        file: FileId,
        templates: &[ast::Template],
    ) -> Option<(Vec<Slot>, Vec<Template>, Vec<Span>)> {
        let mut slots: Vec<Slot> = Vec::new();
        let mut slot_spans: Vec<Span> = Vec::new();
        let mut ok = true;
        // Slot types: an untyped mention takes the kind written elsewhere.
        let mut written: HashMap<String, (Option<ast::Name>, Span)> = HashMap::new();
        for t in templates {
            for p in &t.parts {
                if let ast::Part::Slot { name, kind, span } = p {
                    let key = name.to_lowercase();
                    match (written.get(&key), kind) {
                        (Some((Some(k1), _)), Some(k2)) if k1.key() != k2.key() => {
                            self.error(file, k2.span, ErrorKind::BadTemplate {
                                message: format!("slot {{{name}}} has kind `{}` here but `{}` in another template", k2.text, k1.text),
                            });
                            ok = false;
                        }
                        (Some((Some(_), _)), _) => {}
                        _ => {
                            written.insert(key, (kind.clone(), *span));
                        }
                    }
                }
            }
        }
        let mut compiled = Vec::new();
        for t in templates {
            let mut parts = Vec::new();
            let mut here: Vec<usize> = Vec::new();
            for p in &t.parts {
                match p {
                    ast::Part::Literal {
                        forms, optional, ..
                    } => parts.push(TemplatePart::Literal {
                        forms: forms.clone(),
                        optional: *optional,
                    }),
                    ast::Part::Slot { name, span, .. } => {
                        let key = name.to_lowercase();
                        let idx = match slots.iter().position(|s| s.name.to_lowercase() == key) {
                            Some(i) => i,
                            None => {
                                let (kind, _) = written[&key].clone();
                                let ty = match self.slot_type(file, &kind) {
                                    Some(ty) => ty,
                                    None => {
                                        ok = false;
                                        SlotType::Entity(None)
                                    }
                                };
                                slots.push(Slot {
                                    name: name.clone(),
                                    ty,
                                });
                                slot_spans.push(*span);
                                slots.len() - 1
                            }
                        };
                        if here.contains(&idx) {
                            self.error(
                                file,
                                *span,
                                ErrorKind::BadTemplate {
                                    message: format!(
                                        "slot {{{name}}} appears twice in one template"
                                    ),
                                },
                            );
                            ok = false;
                        }
                        here.push(idx);
                        parts.push(TemplatePart::Slot(idx));
                    }
                }
            }
            compiled.push((
                Template {
                    parts,
                    text: t.text.clone(),
                },
                here,
                t.span,
            ));
        }
        ok &= self.check_words_after_numbers(file, templates, &compiled, &slots);
        for (t, here, span) in &compiled {
            for (i, s) in slots.iter().enumerate() {
                if s.ty.is_key() && !here.contains(&i) {
                    self.error(file, *span, ErrorKind::BadTemplate {
                        message: format!("template `{}` leaves out slot {{{}}}; only number and date slots may be left out", t.text, s.name),
                    });
                    ok = false;
                }
            }
        }
        ok.then(|| {
            (
                slots,
                compiled.into_iter().map(|c| c.0).collect(),
                slot_spans,
            )
        })
    }

    /// A number keeps a multiplier or unit word that follows it, so a
    /// template may not put one (nor a choice or optional text that could
    /// begin so) right after a number slot.
    fn check_words_after_numbers(
        &mut self,
        file: FileId,
        templates: &[ast::Template],
        compiled: &[(Template, Vec<usize>, Span)],
        slots: &[Slot],
    ) -> bool {
        let mut ok = true;
        for (t, (c, _, _)) in templates.iter().zip(compiled) {
            for (pi, part) in c.parts.iter().enumerate() {
                let TemplatePart::Slot(si) = part else {
                    continue;
                };
                if slots.get(*si).map(|s| &s.ty) != Some(&SlotType::Value(ValueKind::Number)) {
                    continue;
                }
                let following = c.parts[pi + 1..].iter().zip(&t.parts[pi + 1..]);
                for (k, (next, ast_part)) in following.enumerate() {
                    let (
                        TemplatePart::Literal { forms, optional },
                        ast::Part::Literal { span, .. },
                    ) = (next, ast_part)
                    else {
                        break;
                    };
                    let cent_after = matches!(
                        c.parts.get(pi + 2 + k),
                        Some(TemplatePart::Literal { forms, .. }) if forms.contains("cent")
                    );
                    // A word's first spellings are enough to see a unit word.
                    let word = forms.sample(64).into_iter().find(|f| {
                        value::belongs_to_number(f, None) || (f.as_str() == "per" && cent_after)
                    });
                    if let Some(word) = word {
                        let word = if word == "per" {
                            "per cent"
                        } else {
                            word.as_str()
                        };
                        self.error(
                            file,
                            *span,
                            ErrorKind::BadTemplate {
                                message: format!(
                                    "`{word}` cannot follow a number slot: a number keeps the multiplier or unit word after it, so claims write it in the value (`3.4 percent`, `$27 trillion`); leave `{word}` out of the template, and the slot takes `3.4%`, `3.4 percent` and `27 trillion dollars` alike"
                                ),
                            },
                        );
                        ok = false;
                        break;
                    }
                    if !optional {
                        break;
                    }
                }
            }
        }
        ok
    }

    fn relations(&mut self, rules: &[Rules]) {
        let mut signatures: HashMap<RelId, (bool, bool, BTreeSet<String>)> = HashMap::new();
        for r in rules {
            for s in &r.ast.statements {
                let StatementKind::Relation(decl) = &s.kind else {
                    continue;
                };
                let Some((slots, templates, _)) = self.compile_templates(r.file, &decl.templates)
                else {
                    self.broken_relations = true;
                    continue;
                };
                let sig = (
                    decl.symmetric,
                    decl.functional,
                    decl.templates
                        .iter()
                        .map(|t| t.text.to_lowercase())
                        .collect::<BTreeSet<_>>(),
                );
                let key = decl.name.key();
                if let Some(&id) = self.relation_index.get(&key) {
                    if signatures[&id] != sig {
                        self.error(
                            r.file,
                            decl.name.span,
                            ErrorKind::Duplicate {
                                what: "relation",
                                name: decl.name.text.clone(),
                                first: Some(self.model.relations[id as usize].loc),
                            },
                        );
                    }
                    continue;
                }
                if decl.symmetric {
                    let entity_slots: Vec<&Slot> = slots
                        .iter()
                        .filter(|s| matches!(s.ty, SlotType::Entity(_)))
                        .collect();
                    if entity_slots.len() != 2 || entity_slots[0].ty != entity_slots[1].ty {
                        self.error(r.file, decl.name.span, ErrorKind::BadTemplate {
                            message: format!("symmetric relation `{}` needs exactly two entity slots of one kind", decl.name.text),
                        });
                        self.broken_relations = true;
                        continue;
                    }
                }
                let id = self.model.relations.len() as RelId;
                signatures.insert(id, sig);
                if key == decl.name.text.to_lowercase() {
                    self.relation_exact.insert(decl.name.text.clone(), id);
                }
                self.relation_index.insert(key, id);
                self.model.relations.push(Relation {
                    name: decl.name.text.clone(),
                    symmetric: decl.symmetric,
                    functional: decl.functional,
                    slots,
                    templates,
                    loc: Loc {
                        file: r.file,
                        span: decl.name.span,
                    },
                });
            }
        }
    }

    fn lexicon(&self) -> Lexicon<'_> {
        Lexicon {
            index: &self.template_index,
            entities: &self.model.entities,
            groups: &self.model.groups,
            relations: &self.model.relations,
            definitions: &self.def_heads,
            names: &self.names,
            group_index: &self.group_index,
            limits: &self.model.limits,
        }
    }

    // -- Definitions -------------------------------------------------------------

    fn definitions(&mut self, rules: &[Rules]) {
        struct Pending<'r> {
            file: FileId,
            src: &'r str,
            body: &'r [Token],
            span: Span,
            name: String,
        }
        let mut pending: Vec<Pending> = Vec::new();
        let mut bodies: HashMap<String, (usize, String, Loc)> = HashMap::new();
        for r in rules {
            for s in &r.ast.statements {
                let StatementKind::Define(d) = &s.kind else {
                    continue;
                };
                let Some((slots, mut templates, spans)) =
                    self.compile_templates(r.file, std::slice::from_ref(&d.template))
                else {
                    self.broken_relations = true;
                    continue;
                };
                let mut ok = true;
                for (s, span) in slots.iter().zip(&spans) {
                    if let SlotType::Value(_) = s.ty {
                        self.error(
                            r.file,
                            *span,
                            ErrorKind::BadTemplate {
                                message: format!(
                                    "a definition's slots are entity or text slots; {{{}}} is a {}",
                                    s.name,
                                    s.ty.describe()
                                ),
                            },
                        );
                        ok = false;
                    }
                }
                if !ok {
                    self.broken_relations = true;
                    continue;
                }
                let key = d.template.text.to_lowercase();
                let body_text = crate::syntax::parser::tokens_text(r.text, &d.body).to_lowercase();
                if let Some((_, prev, first)) = bodies.get(&key) {
                    if *prev != body_text {
                        self.error(
                            r.file,
                            d.template.span,
                            ErrorKind::Duplicate {
                                what: "definition",
                                name: d.template.text.clone(),
                                first: Some(*first),
                            },
                        );
                    }
                    continue;
                }
                let first = Loc {
                    file: r.file,
                    span: d.template.span,
                };
                bodies.insert(key, (self.def_heads.len(), body_text, first));
                self.def_heads.push(DefHead {
                    slots,
                    template: templates.remove(0),
                });
                pending.push(Pending {
                    file: r.file,
                    src: r.text,
                    body: &d.body,
                    span: d.template.span,
                    name: d.template.text.clone(),
                });
            }
        }
        // Read the bodies now that every template is known.
        self.template_index = TemplateIndex::build(&self.model.relations, &self.def_heads);
        let mut read: Vec<Option<Claim>> = Vec::new();
        let mut uses: Vec<Vec<u32>> = Vec::new();
        let mut inferred: Vec<Vec<Option<SlotType>>> = Vec::new();
        for (i, p) in pending.iter().enumerate() {
            let lex = self.lexicon();
            let slots = self.def_heads[i].slots.clone();
            let mut reader = Reader::new(&lex, p.file, p.src, p.body, Context::Definition, &slots);
            reader.quiet_unknown_relation = self.broken_relations;
            let claim = reader.read_all().ok();
            // A bare slot takes the type of its uses: an entity kind, or text.
            let mut kinds: Vec<Option<SlotType>> = slots
                .iter()
                .map(|s| (s.ty != SlotType::Entity(None)).then(|| s.ty.clone()))
                .collect();
            let mut errs = std::mem::take(&mut reader.errors);
            for (param, used, span) in &reader.param_uses {
                let merged = match (&kinds[*param], used) {
                    (None, u) => Some(u.clone()),
                    (Some(h), u) if h == u => Some(h.clone()),
                    (Some(SlotType::Entity(None)), SlotType::Entity(k)) => {
                        Some(SlotType::Entity(k.clone()))
                    }
                    (Some(SlotType::Entity(k)), SlotType::Entity(None)) => {
                        Some(SlotType::Entity(k.clone()))
                    }
                    _ => None,
                };
                match merged {
                    Some(t) => kinds[*param] = Some(t),
                    None => errs.push(Diagnostic::new(
                        p.file,
                        *span,
                        ErrorKind::BadTemplate {
                            message: format!(
                                "slot {{{}}} is used both as {} and as {}; give it one kind",
                                slots[*param].name,
                                kinds[*param]
                                    .as_ref()
                                    .map_or("entity".into(), SlotType::describe),
                                used.describe()
                            ),
                        },
                    )),
                }
            }
            uses.push(std::mem::take(&mut reader.uses));
            self.errors.extend(errs);
            read.push(claim);
            inferred.push(kinds);
        }
        for (i, kinds) in inferred.into_iter().enumerate() {
            for (s, k) in self.def_heads[i].slots.iter_mut().zip(kinds) {
                s.ty = k.unwrap_or(SlotType::Entity(None));
            }
        }
        // Cycles and depth.
        let n = pending.len();
        let mut depth: Vec<Option<usize>> = vec![None; n];
        let mut state = vec![0u8; n]; // 0 new, 1 on stack, 2 done
        /// Why a walk stopped: a cycle (the definitions on it), or a chain
        /// deeper than the limit (checked before going deeper, so a long
        /// chain never recurses past the limit).
        enum Stop {
            Cycle(Vec<usize>),
            Deep,
        }
        fn visit(
            i: usize,
            uses: &[Vec<u32>],
            state: &mut [u8],
            depth: &mut [Option<usize>],
            stack: &mut Vec<usize>,
            limit: usize,
        ) -> Result<usize, Stop> {
            if state[i] == 2 {
                return Ok(depth[i].unwrap_or(0));
            }
            if state[i] == 1 {
                let from = stack.iter().position(|&x| x == i).unwrap_or(0);
                let mut cycle = stack[from..].to_vec();
                cycle.push(i);
                return Err(Stop::Cycle(cycle));
            }
            if stack.len() > limit {
                return Err(Stop::Deep);
            }
            state[i] = 1;
            stack.push(i);
            let mut d = 0;
            let mut deps: Vec<u32> = uses[i].clone();
            deps.sort();
            deps.dedup();
            for u in deps {
                match visit(u as usize, uses, state, depth, stack, limit) {
                    Ok(e) => d = d.max(1 + e),
                    Err(Stop::Deep) => {
                        // Unsettled: walked again from its own start, where
                        // its own depth is measured.
                        stack.pop();
                        state[i] = 0;
                        return Err(Stop::Deep);
                    }
                    Err(cycle) => return Err(cycle),
                }
            }
            stack.pop();
            state[i] = 2;
            depth[i] = Some(d);
            Ok(d)
        }
        let limit = self.model.limits.definition_depth;
        for i in 0..n {
            let mut stack = Vec::new();
            match visit(i, &uses, &mut state, &mut depth, &mut stack, limit) {
                Ok(d) if d <= limit => {}
                Ok(_) | Err(Stop::Deep) => {
                    self.error(
                        pending[i].file,
                        pending[i].span,
                        ErrorKind::DefinitionTooDeep {
                            name: pending[i].name.clone(),
                            limit,
                        },
                    );
                    read[i] = None;
                }
                Err(Stop::Cycle(cycle)) => {
                    let names = cycle.iter().map(|&c| pending[c].name.clone()).collect();
                    let first = cycle[0];
                    self.error(
                        pending[first].file,
                        pending[first].span,
                        ErrorKind::DefinitionCycle { cycle: names },
                    );
                    for c in cycle {
                        read[c] = None;
                    }
                    // Every definition on the way is settled, so each cycle is
                    // reported once and no later walk mistakes them for one.
                    for st in state.iter_mut().filter(|st| **st == 1) {
                        *st = 2;
                    }
                }
            }
        }
        for (i, claim) in read.into_iter().enumerate() {
            let head = &self.def_heads[i];
            self.model.definitions.push(Definition {
                slots: head.slots.clone(),
                template: head.template.clone(),
                // A body that failed to read was reported; the run stops there.
                body: claim,
                loc: Loc {
                    file: pending[i].file,
                    span: pending[i].span,
                },
            });
        }
        // Quantifiers in a body count where the definition is used, and in
        // the body itself when it uses other definitions.
        for i in 0..self.model.definitions.len() {
            let def = &self.model.definitions[i];
            if let Some(kind) = def
                .body
                .as_ref()
                .and_then(|b| too_many_bindings(&self.model, b, &mut self.binding_memo))
            {
                let loc = def.loc;
                self.error(loc.file, loc.span, kind);
            }
        }
    }
}

/// What evaluating `claim` costs: the quantifier bindings it ranges over
/// (nested quantifiers multiply) and the atom evaluations it does (each atom
/// once per binding of the quantifiers around it). An atom of a definition
/// costs its body's (memoized in `memo`). Saturates instead of overflowing.
pub fn cost(model: &Model, claim: &Claim, memo: &mut HashMap<DefId, (u128, u128)>) -> (u128, u128) {
    match claim {
        Claim::Atom(a) => match a.target {
            Target::Relation(_) => (1, 1),
            Target::Definition(d) => {
                if let Some(&n) = memo.get(&d) {
                    return n;
                }
                let n = match &model.definitions[d as usize].body {
                    Some(body) => cost(model, body, memo),
                    None => (1, 1),
                };
                memo.insert(d, n);
                n
            }
        },
        Claim::Not(c) => cost(model, c, memo),
        Claim::And(all) | Claim::Or(all) => {
            let (mut bindings, mut work) = (1u128, 0u128);
            for c in all {
                let (b, w) = cost(model, c, memo);
                bindings = bindings.max(b);
                work = work.saturating_add(w);
            }
            (bindings, work)
        }
        Claim::Quant {
            vars, group, body, ..
        } => {
            let n = model.groups[*group as usize].members.len() as u128;
            let count: u128 = (0..vars.len() as u128)
                .map(|x| n.saturating_sub(x))
                .product();
            let (b, w) = cost(model, body, memo);
            (count.max(1).saturating_mul(b), count.saturating_mul(w))
        }
    }
}

/// The error for a claim that ranges over too many bindings or evaluates
/// too many atoms, if it does.
fn too_many_bindings(
    model: &Model,
    claim: &Claim,
    memo: &mut HashMap<DefId, (u128, u128)>,
) -> Option<ErrorKind> {
    let (bindings, work) = cost(model, claim, memo);
    let limits = &model.limits;
    if bindings > limits.bindings {
        return Some(ErrorKind::TooManyBindings {
            count: bindings,
            limit: limits.bindings,
        });
    }
    (work > limits.work).then(|| ErrorKind::LimitExceeded {
        what: "atom evaluations of this claim (each atom once per binding of the quantifiers around it, definitions included)".into(),
        count: work,
        limit: limits.work,
        flag: "--max-work",
    })
}

/// The first word of the statement that holds `span`'s start.
fn statement_head(text: &str, span: Span) -> &str {
    let start = (span.start as usize).min(text.len());
    let mut line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    // Walk up over continuation lines to the statement's first line.
    while line_start > 0 && text[line_start..].starts_with(char::is_whitespace) {
        line_start = text[..line_start - 1].rfind('\n').map_or(0, |i| i + 1);
    }
    let line = &text[line_start..];
    let end = line
        .find(|c: char| !c.is_alphanumeric())
        .unwrap_or(line.len());
    &line[..end]
}

/// Puts the two entities of a symmetric relation's key in sorted order.
pub fn canonical(relation: &Relation, args: &mut [KeyArg]) {
    if relation.symmetric {
        let mut ents = args
            .iter()
            .enumerate()
            .filter(|(_, a)| matches!(a, KeyArg::Entity(_)))
            .map(|(i, _)| i);
        if let (Some(a), Some(b), None) = (ents.next(), ents.next(), ents.next()) {
            if args[a] > args[b] {
                args.swap(a, b);
            }
        }
    }
}

/// Lexes a string from a fact file that starts at `span`.
fn lex_at(text: &str, span: Span) -> Result<Vec<Token>, (Span, ErrorKind)> {
    lex(text, span.start as usize)
}

/// A date phrase from a fact file (`as_of`), as a value.
fn date_value(text: &str, span: Span) -> Result<crate::model::Value, (Span, ErrorKind)> {
    let toks = lex_at(text, span)?;
    let words_ok = toks
        .iter()
        .all(|t| matches!(t.kind, TokenKind::Word | TokenKind::Comma));
    match value::date_phrase(&toks).filter(|_| words_ok) {
        Some(interval) => Ok(crate::model::Value {
            interval,
            text: fold_spaces(text),
        }),
        None => Err(hints::value_error(ValueKind::Date, text, span).unwrap_or((
            span,
            ErrorKind::BadValue {
                text: text.to_string(),
                wants: ValueKind::Date.wants(),
            },
        ))),
    }
}

/// The lookups claim reading needs, rebuilt from a finished model: for
/// `eval`'s claim and the editor's claims-only re-read (`run` builds the same
/// ones as declarations resolve).
struct ClaimLookups {
    names: HashMap<String, Vec<(Vec<String>, EntityId)>>,
    group_index: HashMap<String, GroupId>,
    def_heads: Vec<DefHead>,
    template_index: TemplateIndex,
}

impl ClaimLookups {
    fn of(model: &Model) -> ClaimLookups {
        let mut names: HashMap<String, Vec<(Vec<String>, EntityId)>> = HashMap::new();
        for (id, e) in model.entities.iter().enumerate() {
            for n in std::iter::once(&e.name).chain(&e.aliases) {
                if let Some(words) = name_words(n) {
                    names
                        .entry(words[0].clone())
                        .or_default()
                        .push((words, id as EntityId));
                }
            }
        }
        for v in names.values_mut() {
            v.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
            v.dedup();
        }
        let group_index = model
            .groups
            .iter()
            .enumerate()
            .map(|(i, g)| (fold_spaces(&g.name).to_lowercase(), i as GroupId))
            .collect();
        let def_heads: Vec<DefHead> = model
            .definitions
            .iter()
            .map(|d| DefHead {
                slots: d.slots.clone(),
                template: d.template.clone(),
            })
            .collect();
        let template_index = TemplateIndex::build(&model.relations, &def_heads);
        ClaimLookups {
            names,
            group_index,
            def_heads,
            template_index,
        }
    }
}

/// Reads one claim (`claimcheck eval`) against an analyzed model. `file` holds
/// the claim's text, so errors point into it. A trailing `as of DATE` is split
/// off as for an assertion.
pub fn read_claim(
    model: &Model,
    file: FileId,
    text: &str,
) -> Result<(Claim, Option<crate::model::Value>), Vec<Diagnostic>> {
    let toks = lex(text, 0).map_err(|(span, kind)| vec![Diagnostic::new(file, span, kind)])?;
    if toks.is_empty() {
        return Err(vec![Diagnostic::new(
            file,
            Span::new(0, 1),
            ErrorKind::Syntax {
                expected: "a claim".into(),
                found: "nothing".into(),
            },
        )]);
    }
    let lookups = ClaimLookups::of(model);
    let lexicon = Lexicon {
        index: &lookups.template_index,
        entities: &model.entities,
        groups: &model.groups,
        relations: &model.relations,
        definitions: &lookups.def_heads,
        names: &lookups.names,
        group_index: &lookups.group_index,
        limits: &model.limits,
    };
    let (claim_toks, as_of) = facts::split_as_of(&toks);
    let as_of = match as_of {
        Some((date, span)) => match value::date_phrase(date) {
            Some(interval) => Some(crate::model::Value {
                interval,
                text: crate::syntax::parser::tokens_text(text, date),
            }),
            None => {
                let (span, error) =
                    hints::token_error(ValueKind::Date, date).unwrap_or_else(|| {
                        let text = crate::syntax::parser::tokens_text(text, date);
                        let wants = "a date phrase after `as of` (as in `as of June 2025`)";
                        (span, ErrorKind::BadValue { text, wants })
                    });
                return Err(vec![Diagnostic::new(file, span, error)]);
            }
        },
        None => None,
    };
    let mut reader = Reader::new(&lexicon, file, text, claim_toks, Context::Assertion, &[]);
    match reader.read_all() {
        Ok(c) => match too_many_bindings(model, &c, &mut HashMap::new()) {
            Some(kind) => Err(vec![Diagnostic::new(file, Span::new(0, text.len()), kind)]),
            None => Ok((c, as_of)),
        },
        Err(claims::Reported) => Err(std::mem::take(&mut reader.errors)),
    }
}

/// Reads the assertions of one rule file again against a model analyzed
/// before, when nothing but that file's assertions changed: the editor
/// server re-reads the claims being typed instead of the whole workspace.
/// The file's old assertions are replaced; returns the new ones' errors.
/// It rebuilds the lookups `run` builds for reading claims (`ClaimLookups`):
/// keep the two in step (`lsp::workspace`'s test compares this path with a
/// full analysis).
pub fn reread_assertions(
    model: &mut Model,
    file: FileId,
    text: &str,
    ast: ast::RuleFile,
) -> Vec<Diagnostic> {
    let mut a = Analyzer {
        model: std::mem::take(model),
        ..Analyzer::default()
    };
    let lookups = ClaimLookups::of(&a.model);
    a.names = lookups.names;
    a.group_index = lookups.group_index;
    a.def_heads = lookups.def_heads;
    a.template_index = lookups.template_index;
    a.model.assertions.retain(|x| x.file != file);
    a.assertions(&[Rules {
        file,
        text,
        ast: &ast,
    }]);
    *model = std::mem::take(&mut a.model);
    a.errors.sort_by_key(|d| d.loc);
    a.errors.dedup();
    a.errors
}
