//! One workspace in memory: the files of a client's workspace folder, read
//! from disk once, with every open editor buffer in place of its file, and
//! the latest analysis (model, errors, verdicts) of those texts. Nothing here
//! writes to disk.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::analyze::{analyze_cached, Options, ParseCache};
use crate::diag::{Diagnostic, FileId};
use crate::eval::Checked;
use crate::load::{FileKind, Files};
use crate::model::*;

/// The served file kinds, by extension.
pub fn kind_of(path: &Path) -> Option<FileKind> {
    match path.extension()?.to_str()? {
        "claims" => Some(FileKind::Rules),
        "yaml" | "yml" => Some(FileKind::Yaml),
        "jsonl" => Some(FileKind::Jsonl),
        _ => None,
    }
}

/// The folders `claimcheck check` would load for a workspace folder: its
/// `rules/` and `fixtures/` when both exist, else the whole folder.
pub fn load_paths(root: &Path) -> Vec<PathBuf> {
    let (rules, fixtures) = (root.join("rules"), root.join("fixtures"));
    if rules.is_dir() && fixtures.is_dir() {
        vec![rules, fixtures]
    } else {
        vec![root.to_path_buf()]
    }
}

/// The workspace folder for a file opened outside every workspace folder:
/// the nearest ancestor holding `rules/` and `fixtures/`, else its folder.
pub fn root_for(file: &Path) -> PathBuf {
    let parent = file.parent().unwrap_or(Path::new("/"));
    parent
        .ancestors()
        .take(4)
        .find(|d| d.join("rules").is_dir() && d.join("fixtures").is_dir())
        .unwrap_or(parent)
        .to_path_buf()
}

/// What a name in the workspace stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Named {
    Entity(EntityId),
    Group(GroupId),
    Relation(RelId),
    Definition(DefId),
    Source(SourceId),
}

/// The result of analyzing the workspace's current texts.
#[derive(Default)]
pub struct Analysis {
    /// Everything that resolved, even when some statements did not.
    pub model: Model,
    /// Load errors: reading, parsing, names, quotes.
    pub errors: Vec<Diagnostic>,
    /// One per assertion of the model, in the model's order.
    pub results: Vec<Option<Checked>>,
    /// Entity names and aliases, group names and source ids (lower-cased
    /// words joined by one space) to what they name.
    pub names: HashMap<String, Vec<Named>>,
    /// The longest name in words, to bound lookups.
    pub longest_name: usize,
    /// Whether only one rule file's claims were read again (the fast path).
    pub claims_only: bool,
}

pub struct Workspace {
    pub root: PathBuf,
    pub paths: Vec<PathBuf>,
    pub files: Files,
    /// Errors reading the files from disk (kept across analyses).
    pub read_errors: Vec<Diagnostic>,
    pub analysis: Analysis,
    /// Files whose text changed since the last analysis.
    changed: HashSet<FileId>,
    /// The statements of each rule file at the last analysis.
    shapes: HashMap<FileId, Shape>,
    /// Parsed files of the last analysis: an unchanged file is not parsed
    /// again.
    pub parse_cache: ParseCache,
}

impl Workspace {
    /// Reads the workspace folder `root` from disk.
    pub fn load(root: &Path) -> Workspace {
        let paths = load_paths(root);
        let (files, read_errors) = crate::load::load(&paths);
        Workspace {
            root: root.to_path_buf(),
            paths,
            files,
            read_errors,
            analysis: Analysis::default(),
            changed: HashSet::new(),
            shapes: HashMap::new(),
            parse_cache: ParseCache::keeping(),
        }
    }

    /// Whether `path` is (or would be) one of this workspace's files.
    pub fn contains(&self, path: &Path) -> bool {
        kind_of(path).is_some() && self.paths.iter().any(|p| path.starts_with(p))
    }

    pub fn file_id(&self, path: &Path) -> Option<FileId> {
        self.files
            .files
            .iter()
            .position(|f| f.kind != FileKind::Text && crate::load::normalize(&f.path) == path)
            .map(|i| FileId(i as u32))
    }

    /// Puts an editor's text in place of the file at `path` (adding the
    /// file when it is new). Returns whether anything changed.
    pub fn set_text(&mut self, path: &Path, text: &str) -> bool {
        match self.file_id(path) {
            Some(id) => {
                let f = &mut self.files.files[id.0 as usize];
                if f.text == text {
                    return false;
                }
                f.text = text.to_string();
                self.changed.insert(id);
                // A buffer replaces a file that could not be read.
                if self.read_errors.iter().any(|d| d.loc.file == id) {
                    self.read_errors.retain(|d| d.loc.file != id);
                    self.shapes.clear();
                }
            }
            None => {
                let kind = kind_of(path).unwrap_or(FileKind::Rules);
                let shown = path.to_string_lossy().replace('\\', "/");
                self.files
                    .add(path.to_path_buf(), shown, kind, text.to_string());
                // A new file: analyze everything.
                self.shapes.clear();
            }
        }
        true
    }

    /// A closed buffer: the file on disk counts again (empty if it is gone).
    pub fn revert(&mut self, path: &Path) -> bool {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
        self.set_text(path, &text)
    }

    /// Analyzes the current texts and evaluates every assertion. When only
    /// the claims of one rule file changed, only they are read again.
    pub fn analyze(&mut self) {
        let changed: Vec<FileId> = self.changed.drain().collect();
        if let [file] = changed[..] {
            if self.reanalyze_claims(file) {
                return;
            }
        }
        let (model, mut errors) = analyze_cached(
            &self.files,
            &Options::default(),
            &mut crate::Timings::default(),
            &mut self.parse_cache,
        );
        errors.extend(self.read_errors.iter().cloned());
        errors.sort_by_key(|d| d.loc);
        self.shapes = self
            .served()
            .filter(|(_, f)| f.kind == FileKind::Rules)
            .map(|(id, f)| (id, Shape::of(&f.text)))
            .collect();
        self.set_analysis(model, errors);
    }

    /// The fast path: `file`'s declarations are as before and nothing else
    /// in the workspace has an error, so the model stands; the file's
    /// declarations only move, and its assertions are read again.
    fn reanalyze_claims(&mut self, file: FileId) -> bool {
        if self.files.get(file).kind != FileKind::Rules || !self.read_errors.is_empty() {
            return false;
        }
        let Some(old) = self.shapes.get(&file) else {
            return false;
        };
        let text = self.files.get(file).text.clone();
        let new = Shape::of(&text);
        if old.declarations != new.declarations
            || !self
                .analysis
                .errors
                .iter()
                .all(|d| d.loc.file == file && old.in_assertion(d.loc.span.start as usize))
        {
            return false;
        }
        // Declarations moved by as much as the text before them grew.
        let moves: Vec<(usize, usize, i64)> = old
            .declaration_spans
            .iter()
            .zip(&new.declaration_spans)
            .map(|(o, n)| (o.0, o.1, n.0 as i64 - o.0 as i64))
            .collect();
        let shift = |span: &mut crate::diag::Span| {
            let start = span.start as usize;
            if let Some(&(_, _, by)) = moves.iter().find(|m| m.0 <= start && start <= m.1) {
                span.start = (span.start as i64 + by) as u32;
                span.end = (span.end as i64 + by) as u32;
            }
        };
        let mut model = std::mem::take(&mut self.analysis.model);
        for e in model.entities.iter_mut().filter(|e| e.loc.file == file) {
            shift(&mut e.loc.span);
        }
        for g in model.groups.iter_mut().filter(|g| g.loc.file == file) {
            shift(&mut g.loc.span);
        }
        for r in model.relations.iter_mut().filter(|r| r.loc.file == file) {
            shift(&mut r.loc.span);
        }
        for d in model.definitions.iter_mut().filter(|d| d.loc.file == file) {
            shift(&mut d.loc.span);
            if let Some(body) = &mut d.body {
                shift_atoms(body, &shift);
            }
        }
        let (ast, syntax) = crate::syntax::parser::parse_rule_file(&text);
        let mut errors: Vec<Diagnostic> = syntax
            .into_iter()
            .map(|(span, kind)| Diagnostic::new(file, span, kind))
            .collect();
        errors.extend(crate::analyze::reread_assertions(
            &mut model, file, &text, ast,
        ));
        errors.sort_by_key(|d| d.loc);
        self.shapes.insert(file, new);
        // Facts and declarations are as before: a claim read the same way
        // as before has the same outcome, so only new claims are evaluated.
        let mut known: HashMap<String, crate::eval::Outcome> = HashMap::new();
        for (a, r) in self
            .analysis
            .model
            .assertions
            .iter()
            .zip(&self.analysis.results)
        {
            if let Some(r) = r {
                known.insert(a.text.clone(), r.outcome.clone());
            }
        }
        self.set_analysis_with(model, errors, &known);
        self.analysis.claims_only = true;
        true
    }

    fn set_analysis(&mut self, model: Model, errors: Vec<Diagnostic>) {
        self.set_analysis_with(model, errors, &HashMap::new())
    }

    /// Keeps a new analysis; `known` holds outcomes of claims (by their
    /// text) that need no evaluation.
    fn set_analysis_with(
        &mut self,
        model: Model,
        errors: Vec<Diagnostic>,
        known: &HashMap<String, crate::eval::Outcome>,
    ) {
        use rayon::prelude::*;
        let results: Vec<Option<Checked>> = model
            .assertions
            .par_iter()
            .enumerate()
            .map(|(i, a)| {
                let outcome = match known.get(&a.text) {
                    Some(o) => o.clone(),
                    None => {
                        crate::eval::Evaluator::new(&model, a.as_of.as_ref().map(|v| v.interval))
                            .eval(&a.claim)
                    }
                };
                let passed = match a.expectation {
                    crate::syntax::ast::Expectation::Verdict(v) => Some(outcome.verdict() == v),
                    crate::syntax::ast::Expectation::Check => None,
                };
                Some(Checked {
                    assertion: i,
                    outcome,
                    passed,
                })
            })
            .collect();
        let mut names: HashMap<String, Vec<Named>> = HashMap::new();
        let mut add = |text: &str, n: Named| {
            let v = names.entry(name_key(text)).or_default();
            if !v.contains(&n) {
                v.push(n);
            }
        };
        for (i, e) in model.entities.iter().enumerate() {
            add(&e.name, Named::Entity(i as u32));
            for a in &e.aliases {
                add(a, Named::Entity(i as u32));
            }
        }
        for (i, g) in model.groups.iter().enumerate() {
            add(&g.name, Named::Group(i as u32));
        }
        for (i, s) in model.sources.iter().enumerate() {
            add(&s.id, Named::Source(i as u32));
        }
        let longest_name = names
            .keys()
            .map(|k| k.split(' ').count())
            .max()
            .unwrap_or(1);
        self.analysis = Analysis {
            model,
            errors,
            results,
            names,
            longest_name,
            claims_only: false,
        };
    }

    /// The served files: rule and fact files.
    pub fn served(&self) -> impl Iterator<Item = (FileId, &crate::load::SourceFile)> {
        self.files
            .files
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(_, f)| f.kind != FileKind::Text)
            .map(|(i, f)| (FileId(i as u32), f))
    }
}

/// The key a name is looked up by: lower-cased words, one space between.
pub fn name_key(text: &str) -> String {
    words(text)
        .into_iter()
        .map(|(s, e)| text[s..e].to_lowercase())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Word spans of a text as the claim lexer splits words: runs of anything
/// but whitespace and `(),:|="{}`; a YAML list dash is no word.
pub fn words(text: &str) -> Vec<(usize, usize)> {
    const PUNCT: &str = "(),:|=\"{}[]#";
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let word_char = !c.is_whitespace() && !PUNCT.contains(c);
        match (word_char, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out.retain(|&(s, e)| &text[s..e] != "-");
    out
}

/// Moves every atom span of a claim.
fn shift_atoms(claim: &mut Claim, shift: &impl Fn(&mut crate::diag::Span)) {
    let mut stack = vec![claim];
    while let Some(c) = stack.pop() {
        match c {
            Claim::Atom(a) => shift(&mut a.span),
            Claim::Not(x) => stack.push(x),
            Claim::And(xs) | Claim::Or(xs) => stack.extend(xs.iter_mut()),
            Claim::Quant { body, .. } => stack.push(body),
        }
    }
}

/// The statements of a rule file, as far as the fast path needs them: the
/// declarations' text (comments blanked, whitespace folded) and places, and
/// where the assertions are.
#[derive(Debug)]
struct Shape {
    declarations: Vec<String>,
    declaration_spans: Vec<(usize, usize)>,
    assertion_spans: Vec<(usize, usize)>,
}

impl Shape {
    fn of(text: &str) -> Shape {
        let clean = crate::syntax::parser::blank_comments(text);
        let mut statements: Vec<(usize, usize)> = Vec::new();
        let mut at = 0;
        for line in clean.split_inclusive('\n') {
            let body = line.trim_end();
            if !body.trim().is_empty() {
                match statements.last_mut() {
                    Some(last) if line.starts_with([' ', '\t']) => last.1 = at + body.len(),
                    _ => statements.push((at, at + body.len())),
                }
            }
            at += line.len();
        }
        let mut shape = Shape {
            declarations: Vec::new(),
            declaration_spans: Vec::new(),
            assertion_spans: Vec::new(),
        };
        const DECLARATIONS: [&str; 4] = ["relation", "entity", "group", "define"];
        for (start, end) in statements {
            let stmt = &clean[start..end];
            let head = stmt
                .split(|c: char| c.is_whitespace() || c == ':')
                .next()
                .unwrap_or("");
            // A misspelt declaration counts as one: the analyzer treats it so.
            let declaration = DECLARATIONS.contains(&head)
                || !crate::diag::nearest(head, DECLARATIONS).is_empty();
            if declaration {
                shape
                    .declarations
                    .push(stmt.split_whitespace().collect::<Vec<_>>().join(" "));
                shape.declaration_spans.push((start, end));
            } else {
                shape.assertion_spans.push((start, end));
            }
        }
        shape
    }

    fn in_assertion(&self, offset: usize) -> bool {
        self.assertion_spans
            .iter()
            .any(|&(s, e)| s <= offset && offset <= e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: &str = "\
relation treaty symmetric: treaty between {a:country} and {b:country}
entity Russia (country)
entity Iran (country)
entity China (country)
define {a} and {b} are allies: treaty between {a} and {b}
group axis = Russia, Iran, China
assert: treaty between Russia and Iran
expect unknown: China and Iran are allies
";
    const FACTS: &str = "\
sources:
  - id: r
facts:
  - says: treaty between Iran and Russia
    source: r
";

    fn workspace(rules: &str) -> Workspace {
        let mut files = Files::new();
        files.add_text("rules/a.claims", FileKind::Rules, rules);
        files.add_text("fixtures/f.yaml", FileKind::Yaml, FACTS);
        let mut ws = Workspace {
            root: PathBuf::from("/"),
            paths: vec![PathBuf::from("/")],
            files,
            read_errors: Vec::new(),
            analysis: Analysis::default(),
            changed: HashSet::new(),
            shapes: HashMap::new(),
            parse_cache: ParseCache::keeping(),
        };
        ws.analyze();
        ws
    }

    /// What an editor shows of an analysis: errors, verdicts, and where
    /// each declaration and definition atom is.
    fn seen(ws: &Workspace) -> String {
        let m = &ws.analysis.model;
        let mut out = format!("{:?}\n", ws.analysis.errors);
        for (a, r) in m.assertions.iter().zip(&ws.analysis.results) {
            let v = r.as_ref().map(|r| r.outcome.verdict());
            out.push_str(&format!("{}:{} {v:?}\n", a.line, a.text));
        }
        for e in &m.entities {
            out.push_str(&format!("{} {:?}\n", e.name, e.loc));
        }
        for r in &m.relations {
            out.push_str(&format!("{} {:?}\n", r.name, r.loc));
        }
        for d in &m.definitions {
            out.push_str(&format!(
                "{:?} {:?}\n",
                d.loc,
                d.body.as_ref().map(|b| format!("{b:?}"))
            ));
        }
        out
    }

    // A full analysis parses only the files whose text changed.
    #[test]
    fn an_edit_parses_only_its_file_again() {
        let mut ws = workspace(RULES);
        assert_eq!(ws.parse_cache.parsed_last, 2, "both files at first");
        let path = crate::load::normalize(Path::new("fixtures/f.yaml"));
        let edited = FACTS.replace("Iran and Russia", "Russia and Iran");
        assert!(ws.set_text(&path, &edited));
        ws.analyze();
        assert_eq!(ws.parse_cache.parsed_last, 1, "only the fact file");
        assert!(ws.analysis.errors.is_empty(), "{:?}", ws.analysis.errors);
        let path = crate::load::normalize(Path::new("rules/a.claims"));
        assert!(ws.set_text(&path, &format!("{RULES}group g: Iran\n")));
        ws.analyze();
        assert_eq!(ws.parse_cache.parsed_last, 1, "only the rule file");
    }

    // An item added to a fact file is read alone; the analysis is the one
    // a fresh server makes of the same texts.
    #[test]
    fn an_added_fact_is_read_from_its_item_alone() {
        let mut ws = workspace(RULES);
        let path = crate::load::normalize(Path::new("fixtures/f.yaml"));
        let edited = format!("{FACTS}  - says: not treaty between China and Iran\n    source: r\n");
        assert!(ws.set_text(&path, &edited));
        ws.analyze();
        assert_eq!(ws.parse_cache.reparsed_last, 1, "read from the new item");
        let mut fresh = workspace(RULES);
        assert!(fresh.set_text(&path, &edited));
        fresh.parse_cache = ParseCache::keeping();
        fresh.analyze();
        assert_eq!(fresh.parse_cache.reparsed_last, 0);
        assert_eq!(seen(&ws), seen(&fresh));
        let verdicts: Vec<_> = ws
            .analysis
            .results
            .iter()
            .flatten()
            .map(|r| r.outcome.verdict())
            .collect();
        use crate::eval::logic::Verdict;
        assert_eq!(verdicts, [Verdict::Supported, Verdict::Refuted]);
    }

    // Each edit through the fast path shows what a full analysis shows.
    #[test]
    fn rereading_claims_matches_a_full_analysis() {
        let edits = [
            RULES.replace("Russia and Iran", "Russia and China"),
            RULES.replace("Russia and Iran", "Rusia and Iran"),
            format!("# a comment above everything\n\n{RULES}"),
            RULES.replace("assert: treaty", "assert:   treaty"),
            format!("{RULES}asser"),
            format!("{RULES}expect refuted: every x in axis: not x and Iran are allies\n"),
            RULES.replace("entity Iran (country)", "entity Iran (country) aka Persia"),
            RULES.replace("group axis", "grop axis"),
        ];
        for (i, edit) in edits.iter().enumerate() {
            let mut fast = workspace(RULES);
            let path = crate::load::normalize(Path::new("rules/a.claims"));
            assert!(fast.file_id(&path).is_some());
            assert!(fast.set_text(&path, edit));
            fast.analyze();
            // The last two edits change declarations: a full analysis.
            assert_eq!(fast.analysis.claims_only, i < 6, "{edit}");
            assert_eq!(
                seen(&fast),
                seen(&workspace(edit)),
                "after editing to:\n{edit}"
            );
        }
    }
}
