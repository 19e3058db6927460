//! Loading: turns the paths of a run into the sorted list of workspace files
//! and reads them, within size limits. Folders are searched recursively in
//! sorted order; the same file named twice is read once.

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, ErrorKind, FileId, Span};

/// Largest `.claims` or `.yaml` file read (YAML takes ~23× its size in memory).
pub const MAX_TEXT_FILE: u64 = 64 * 1024 * 1024;
/// Largest `.jsonl` file read.
pub const MAX_JSONL_FILE: u64 = 2 * 1024 * 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Rules,
    Yaml,
    Jsonl,
    /// A source text that quotes are checked against; also the command line.
    Text,
}

#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    /// The path as shown in reports (as given, `/`-separated).
    pub display: String,
    pub kind: FileKind,
    pub text: String,
}

/// Every file of a run. `FileId(0)` is the command line itself, so errors
/// about arguments have a place too.
#[derive(Clone, Debug)]
pub struct Files {
    pub files: Vec<SourceFile>,
    /// Folders the workspace may read from (absolute, normalized): the current
    /// folder and each folder given (or holding a file given) on the command line.
    pub roots: Vec<PathBuf>,
}

impl Files {
    pub fn new() -> Files {
        Files {
            files: vec![SourceFile {
                path: PathBuf::from("<command line>"),
                display: "<command line>".into(),
                kind: FileKind::Text,
                text: String::new(),
            }],
            roots: std::env::current_dir()
                .map(|d| normalize(&d))
                .into_iter()
                .collect(),
        }
    }
    pub const COMMAND_LINE: FileId = FileId(0);

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn add(&mut self, path: PathBuf, display: String, kind: FileKind, text: String) -> FileId {
        self.files.push(SourceFile {
            path,
            display,
            kind,
            text,
        });
        FileId(self.files.len() as u32 - 1)
    }

    /// Adds a file given as text (used for `eval`'s claim and by tests).
    pub fn add_text(&mut self, display: &str, kind: FileKind, text: &str) -> FileId {
        self.add(PathBuf::from(display), display.into(), kind, text.into())
    }

    /// Renders a diagnostic against the file it points into, with the other
    /// place it names (the first of two declarations) as a note.
    pub fn render(&self, d: &Diagnostic) -> String {
        let f = self.get(d.loc.file);
        let related: Vec<crate::diag::Related<'_>> = match &d.kind {
            ErrorKind::Duplicate {
                what,
                first: Some(first),
                ..
            } => {
                let g = self.get(first.file);
                vec![crate::diag::Related {
                    path: &g.display,
                    text: &g.text,
                    span: first.span,
                    label: match *what {
                        "entity" => "the first declaration of this entity",
                        "group" => "the first declaration of this group",
                        "relation" => "the first declaration of this relation",
                        "definition" => "the first declaration of this definition",
                        _ => "the first declaration",
                    },
                }]
            }
            _ => Vec::new(),
        };
        crate::diag::render_with(d, &f.display, &f.text, &related)
    }
}

impl Default for Files {
    fn default() -> Self {
        Files::new()
    }
}

/// `path` made absolute (against the current folder) with `.` and `..`
/// resolved by name, without touching the file system.
pub fn normalize(path: &Path) -> PathBuf {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

fn kind_of(path: &Path) -> Option<FileKind> {
    match path.extension()?.to_str()? {
        "claims" => Some(FileKind::Rules),
        "yaml" | "yml" => Some(FileKind::Yaml),
        "jsonl" => Some(FileKind::Jsonl),
        _ => None,
    }
}

fn display(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, errors: &mut Vec<Diagnostic>, depth: usize) {
    if depth > 64 {
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(Diagnostic::new(
                Files::COMMAND_LINE,
                Span::default(),
                ErrorKind::Io {
                    message: format!("{}: {e}", display(dir)),
                },
            ));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            walk(&p, out, errors, depth + 1);
        } else if kind_of(&p).is_some() {
            out.push(p);
        }
    }
}

/// Reads the workspace named by `paths` (or `rules/` and `fixtures/` when
/// empty). Files come out sorted by path, whatever order the paths came in.
pub fn load(paths: &[PathBuf]) -> (Files, Vec<Diagnostic>) {
    let mut files = Files::new();
    let mut errors = Vec::new();
    let defaults = [PathBuf::from("rules"), PathBuf::from("fixtures")];
    let given: Vec<PathBuf> = if paths.is_empty() {
        defaults.iter().filter(|p| p.exists()).cloned().collect()
    } else {
        paths.to_vec()
    };
    if given.is_empty() {
        errors.push(Diagnostic::new(
            Files::COMMAND_LINE,
            Span::default(),
            ErrorKind::NoInput {
                path: "rules/ or fixtures/ (give the workspace's paths)".into(),
            },
        ));
    }
    let mut found = Vec::new();
    for p in &given {
        let root = if p.is_dir() {
            normalize(p)
        } else {
            normalize(p.parent().unwrap_or(Path::new("")))
        };
        if !files.roots.contains(&root) {
            files.roots.push(root);
        }
        if p.is_dir() {
            walk(p, &mut found, &mut errors, 0);
        } else if p.is_file() {
            found.push(p.clone());
        } else {
            errors.push(Diagnostic::new(
                Files::COMMAND_LINE,
                Span::default(),
                ErrorKind::NoInput { path: display(p) },
            ));
        }
    }
    let mut found: Vec<(String, PathBuf)> = found.into_iter().map(|p| (display(&p), p)).collect();
    found.sort();
    found.dedup_by(|a, b| a.0 == b.0);
    for (shown, p) in found {
        let kind = kind_of(&p).unwrap_or(FileKind::Rules);
        let limit = if kind == FileKind::Jsonl {
            MAX_JSONL_FILE
        } else {
            MAX_TEXT_FILE
        };
        let id = files.add(p.clone(), shown, kind, String::new());
        match std::fs::metadata(&p) {
            Ok(m) if m.len() > limit => {
                errors.push(Diagnostic::new(
                    id,
                    Span::default(),
                    ErrorKind::FileTooLarge { limit },
                ));
                continue;
            }
            _ => {}
        }
        match std::fs::read(&p) {
            Ok(bytes) => match String::from_utf8(bytes) {
                // A byte-order mark is not part of the text.
                Ok(t) => {
                    files.files[id.0 as usize].text =
                        t.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(t)
                }
                Err(e) => errors.push(Diagnostic::new(
                    id,
                    Span::default(),
                    ErrorKind::Io {
                        message: format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()),
                    },
                )),
            },
            Err(e) => errors.push(Diagnostic::new(
                id,
                Span::default(),
                ErrorKind::Io {
                    message: e.to_string(),
                },
            )),
        }
    }
    (files, errors)
}
