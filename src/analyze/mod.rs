//! The analyzer: from parsed files to the checked `Model`. Resolves names,
//! aliases, kinds and templates; rejects duplicates and cycles; reads every
//! claim and `says:` sentence; indexes facts by key; checks quotes. Every
//! error is collected, not only the first; an error caused only by an earlier
//! one is not reported again.

mod assertions;
pub mod claims;
mod definitions;
mod facts;
mod hints;
mod jsonl;
pub mod lint;
mod names;
mod relations;
mod slots;
mod sources;
mod yaml;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use rustc_hash::FxHashMap;
use smallvec::SmallVec;

use crate::diag::{Diagnostic, ErrorKind, FileId, Span};
use crate::facts::{parse_yaml, RawFactFile};
use crate::load::{FileKind, Files};
use crate::model::*;
use crate::syntax::ast::{self};
use crate::syntax::lexer::fold_spaces;
use crate::syntax::parser::{parse_rule_file_part, Part};
use crate::Timings;
use claims::{DefHead, TemplateIndex};

pub use assertions::{read_claim, reread_assertions};
pub use definitions::cost;

/// Choices the command line makes about analysis.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Let a source's `text:` name a file outside the workspace.
    pub allow_outside_paths: bool,
    /// Limits on work (see `limits`).
    pub limits: crate::limits::Limits,
    /// Let go of fact files' texts once a workspace has loaded
    /// ([`crate::Workspace::release_fact_texts`]), before its index is
    /// built. The command line does (nothing it does reads them again);
    /// a caller that renders its own snippets keeps them (the default).
    pub release_fact_texts: bool,
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
    /// A rule file's declarations only (`Part::Declarations`): a one-off
    /// analysis parses its assertions when it reads them.
    Declarations(ast::RuleFile, Vec<crate::syntax::parser::SyntaxError>),
    Yaml(RawFactFile, Vec<crate::facts::FactError>),
    /// A large YAML file of a one-off analysis: its declarations, and its
    /// `facts:` list cut into runs read (and dropped) as the facts resolve.
    YamlDeferred(crate::facts::DeferredFacts),
}

/// About how many bytes of a deferred `facts:` list are read at a time.
const FACTS_RUN: usize = 1 << 18;

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
    entries: HashMap<std::path::PathBuf, Entry>,
    /// Files parsed by the last analysis (the others came from the cache).
    pub parsed_last: usize,
    /// Of those, YAML files read again from the fact items an edit touched.
    pub reparsed_last: usize,
    /// Parse every YAML file whole: set when a deferred `facts:` list did
    /// not read in runs (it has an error), so the analysis is run again
    /// and the file's errors read exactly as a whole parse gives them.
    whole: bool,
}

struct Entry {
    len: usize,
    hash: u64,
    parsed: Arc<Parsed>,
    /// A YAML file's text, for reading an edit of it from the items it
    /// touched (`reparse_facts`).
    text: Option<Arc<str>>,
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
                    Some(e) if e.len == len && e.hash == hash => Some(e.parsed.clone()),
                    _ => None,
                }
            })
            .collect();
        let entries = &self.entries;
        let keep = self.keep;
        // Only a one-off analysis defers a facts list: the editor keeps each
        // file's items to read an edit from.
        let defer = !self.keep && !self.whole;
        let parsed: Vec<(Option<Arc<Parsed>>, bool)> = files
            .files
            .par_iter()
            .zip(cached)
            .map(|(f, hit)| {
                if hit.is_some() {
                    return (hit, false);
                }
                match f.kind {
                    FileKind::Rules => {
                        let parsed = if keep {
                            let (ast, errs) = parse_rule_file_part(&f.text, Part::All);
                            Parsed::Rules(ast, errs)
                        } else {
                            let (ast, errs) = parse_rule_file_part(&f.text, Part::Declarations);
                            Parsed::Declarations(ast, errs)
                        };
                        (Some(Arc::new(parsed)), false)
                    }
                    FileKind::Yaml => {
                        // An edit of a file read without errors: its other
                        // items stand.
                        let edited =
                            entries
                                .get(&f.path)
                                .and_then(|e| match (&*e.parsed, &e.text) {
                                    (Parsed::Yaml(old, errs), Some(text)) if errs.is_empty() => {
                                        crate::facts::reparse_facts(text, old, &f.text)
                                    }
                                    _ => None,
                                });
                        if let Some(raw) = edited {
                            return (Some(Arc::new(Parsed::Yaml(raw, Vec::new()))), true);
                        }
                        if defer {
                            if let Some(d) = crate::facts::defer_facts(&f.text, FACTS_RUN) {
                                return (Some(Arc::new(Parsed::YamlDeferred(d))), false);
                            }
                        }
                        // A long facts list is read in parallel runs of
                        // items where that reads as the whole file does.
                        let (raw, errs) = match crate::facts::parse_chunked(&f.text) {
                            Some(raw) => (raw, Vec::new()),
                            None => parse_yaml(&f.text),
                        };
                        (Some(Arc::new(Parsed::Yaml(raw, errs))), false)
                    }
                    _ => (None, false),
                }
            })
            .collect();
        let (parsed, reparsed): (Vec<Option<Arc<Parsed>>>, Vec<bool>) = parsed.into_iter().unzip();
        let mut entries = HashMap::new();
        let mut reused = 0;
        for ((f, key), p) in files.files.iter().zip(&keys).zip(&parsed) {
            if let (Some((len, hash)), Some(p)) = (key, p) {
                let old = self.entries.remove(&f.path);
                let same = old.as_ref().is_some_and(|e| Arc::ptr_eq(&e.parsed, p));
                if same {
                    reused += 1;
                }
                let text = match (self.keep, f.kind) {
                    (true, FileKind::Yaml) => match old {
                        Some(Entry { text: Some(t), .. }) if same => Some(t),
                        _ => Some(Arc::from(f.text.as_str())),
                    },
                    _ => None,
                };
                entries.insert(
                    f.path.clone(),
                    Entry {
                        len: *len,
                        hash: *hash,
                        parsed: p.clone(),
                        text,
                    },
                );
            }
        }
        self.parsed_last = entries.len() - reused;
        self.reparsed_last = reparsed.iter().filter(|&&r| r).count();
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
    let (mut model, errors) = analyze_unindexed(files, options, timings, cache);
    build_index(&mut model, timings);
    (model, errors)
}

/// Builds `model`'s index of facts by key (the "index" stage).
pub fn build_index(model: &mut Model, timings: &mut Timings) {
    timings.time("index", || {
        model.index = Index::build(&model.facts);
    });
}

/// `analyze_cached` without the index: the caller builds it
/// ([`build_index`]) when it is ready to.
pub fn analyze_unindexed(
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
    if a.deferral_failed {
        // A deferred facts list has an error: read every file whole, so
        // the errors are those a whole parse gives.
        cache.whole = true;
        a = Analyzer {
            allow_outside_paths: options.allow_outside_paths,
            ..Analyzer::default()
        };
        a.model.limits = options.limits.clone();
        a.run(files, timings, cache);
    }
    a.drop_consequences();
    a.errors.sort_by_key(|d| d.loc);
    a.errors.dedup();
    // The analyzer's tables (names, templates, sources by id) are freed
    // here, before the index is built: they are not needed after reading.
    (a.model, a.errors)
}

#[derive(Default)]
struct Analyzer {
    model: Model,
    errors: Vec<Diagnostic>,
    /// Name or alias (lower-cased words, one space) → entity.
    name_index: FxHashMap<String, EntityId>,
    /// Name or alias exactly as declared → entity: looked up before the
    /// text is split into words and case-folded. Names of up to 24 bytes
    /// sit in the table itself, so a lookup (one per entity argument of
    /// every fact) reads no second cache line to compare them.
    /// The value also holds the entity's kind (its number in `names`,
    /// `NameTable::kind`), so a slot's kind is checked without reading the
    /// entity.
    exact_names: FxHashMap<compact_str::CompactString, (EntityId, u32)>,
    /// Entity → its kind's number.
    entity_kinds: Vec<u32>,
    /// Per relation, per slot: the kind number an entity slot wants
    /// (`Some(None)`: a kind no entity has), so a fact's argument is checked
    /// without looking the kind's name up. Filled before facts are read.
    slot_kinds: Vec<SmallVec<[Option<Option<u32>>; 4]>>,
    /// Relation name exactly as declared → relation.
    relation_exact: FxHashMap<String, RelId>,
    /// Per source: whether its document has a text quotes are checked against.
    has_text: Vec<bool>,
    /// Templates by first literal word (built once every template is known).
    template_index: TemplateIndex,
    /// Names and aliases by first word, with their kinds: for matching
    /// claims, and the numbering of kinds `exact_names` uses.
    names: claims::NameTable,
    group_index: HashMap<String, GroupId>,
    relation_index: HashMap<String, RelId>,
    /// Source id → source; ids inline in the table (each fact looks one up).
    source_index: FxHashMap<compact_str::CompactString, SourceId>,
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
    /// A deferred `facts:` list did not read in runs (`Parsed::YamlDeferred`).
    deferral_failed: bool,
    /// Bindings each definition's body ranges over (see `bindings`).
    binding_memo: HashMap<DefId, (u128, u128)>,
}

struct Rules<'f> {
    file: FileId,
    text: &'f str,
    ast: &'f ast::RuleFile,
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

    /// Reads the assertions of each rule file, a file at a time: a file
    /// parsed for its declarations only is parsed for its assertions here,
    /// and its tokens freed once its claims are read (unless the cache
    /// keeps them), so the tokens of every file are never held at once.
    /// A file's parse errors come first in its part. Every file's
    /// assertions go into one vector, sized once (by the lines that may
    /// start a statement), which `take_assertions` turns into the model's
    /// in place.
    fn read_claims(
        &self,
        files: &Files,
        rule_files: Vec<(FileId, Arc<Parsed>)>,
    ) -> assertions::ReadAssertions {
        let room = rule_files
            .iter()
            .map(|(file, _)| statement_lines(&files.get(*file).text))
            .sum();
        let mut read = Vec::with_capacity(room);
        for (file, p) in rule_files {
            let text = &files.get(file).text;
            match &*p {
                Parsed::Rules(ast, _) => {
                    self.read_assertions_into(&[Rules { file, text, ast }], &mut read)
                }
                Parsed::Declarations(..) => {
                    drop(p);
                    let (ast, errs) = parse_rule_file_part(text, Part::Assertions);
                    read.extend(
                        errs.into_iter().map(|(span, kind)| {
                            (None, vec![Diagnostic::new(file, span, kind)], span)
                        }),
                    );
                    self.read_assertions_into(
                        &[Rules {
                            file,
                            text,
                            ast: &ast,
                        }],
                        &mut read,
                    );
                }
                Parsed::Yaml(..) | Parsed::YamlDeferred(..) => {}
            }
        }
        read
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
        let mut deferred: Vec<(FileId, &crate::facts::DeferredFacts)> = Vec::new();
        for (i, (f, p)) in files.files.iter().zip(&parsed).enumerate() {
            let id = FileId(i as u32);
            match (f.kind, p.as_deref()) {
                (
                    FileKind::Rules,
                    Some(Parsed::Rules(ast, errs) | Parsed::Declarations(ast, errs)),
                ) => {
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
                (FileKind::Yaml, Some(Parsed::YamlDeferred(d))) => {
                    yamls.push((id, &d.head));
                    deferred.push((id, d));
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
        // The facts and the claims need the declarations and not each
        // other: both are read at once (each in parallel), then taken, the
        // facts first.
        self.prepare_facts();
        let rule_files: Vec<(FileId, Arc<Parsed>)> = parsed
            .iter()
            .enumerate()
            .filter_map(|(i, p)| match p.as_deref() {
                Some(Parsed::Rules(..) | Parsed::Declarations(..)) => {
                    p.clone().map(|p| (FileId(i as u32), p))
                }
                _ => None,
            })
            .collect();
        let this = &*self;
        let (facts, claims) = rayon::join(
            || this.read_facts(files, &yamls, &deferred, &jsonls),
            || this.read_claims(files, rule_files),
        );
        let Some(facts) = facts else {
            self.deferral_failed = true;
            return;
        };
        self.take_facts(facts);
        drop((rules, yamls, deferred));
        drop(parsed);
        self.take_assertions(claims);
        timings.add("resolve", start.elapsed());
    }
}

/// How many lines of `text` may start a statement (not blank, not a
/// comment, not indented): at least as many as its statements.
fn statement_lines(text: &str) -> usize {
    let b = text.as_bytes();
    let starts = std::iter::once(0).chain(memchr::memchr_iter(b'\n', b).map(|i| i + 1));
    starts
        .filter(|&i| b.get(i).is_some_and(|c| !b" \t\r\n#".contains(c)))
        .count()
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
