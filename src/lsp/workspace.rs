//! One workspace in memory: the files of a client's workspace folder, read
//! from disk once, with every open editor buffer in place of its file, and
//! the latest analysis (model, errors, verdicts) of those texts. Nothing here
//! writes to disk.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::analyze::{analyze_partial, Options};
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
}

pub struct Workspace {
    pub root: PathBuf,
    pub paths: Vec<PathBuf>,
    pub files: Files,
    /// Errors reading the files from disk (kept across analyses).
    pub read_errors: Vec<Diagnostic>,
    pub analysis: Analysis,
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
                // A buffer replaces a file that could not be read.
                self.read_errors.retain(|d| d.loc.file != id);
            }
            None => {
                let kind = kind_of(path).unwrap_or(FileKind::Rules);
                let shown = path.to_string_lossy().replace('\\', "/");
                self.files
                    .add(path.to_path_buf(), shown, kind, text.to_string());
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

    /// Analyzes the current texts and evaluates every assertion.
    pub fn analyze(&mut self) {
        let (model, mut errors) = analyze_partial(&self.files, &Options::default());
        errors.extend(self.read_errors.iter().cloned());
        errors.sort_by_key(|d| d.loc);
        let results = crate::eval::check(&model);
        let mut by_assertion: Vec<Option<Checked>> = vec![None; model.assertions.len()];
        for c in results {
            let i = c.assertion;
            by_assertion[i] = Some(c);
        }
        let mut names: HashMap<String, Vec<Named>> = HashMap::new();
        let mut add = |text: &str, n: Named| {
            let key = name_key(text);
            let v = names.entry(key).or_default();
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
            results: by_assertion,
            names,
            longest_name,
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
