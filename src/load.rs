//! Loading: turns the paths of a run into the sorted list of workspace files
//! and reads them, within size limits. Folders are searched recursively in
//! sorted order (walkdir; `.gitignore` is not honoured, since fact files are
//! often generated); the same file named twice, or reached twice through a
//! symbolic link, is read once; a link that loops is skipped. Inside folders,
//! hidden files and folders (`.x`, which covers editor files such as
//! `.#x.claims` and `.x.claims.swp`) and anything but regular files and links
//! to them are skipped; backup files (`x.claims~`) have no workspace
//! extension. Everything after loading works on the texts held in `Files`.

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, ErrorKind, FileId, Span};
use crate::limits::{FileLimits, MAX_ANY_FILE, MAX_TEXT_FILE};

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
            text: line_breaks(text),
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
        self.render_indexed(d, &mut LineIndex::default())
    }

    /// [`Files::render`], finding lines through `index`, which keeps each
    /// file's line starts: many errors in one large file then cost one scan.
    pub fn render_indexed(&self, d: &Diagnostic, index: &mut LineIndex) -> String {
        for id in [Some(d.loc.file), related_file(d)].into_iter().flatten() {
            index
                .0
                .entry(id)
                .or_insert_with(|| crate::diag::line_starts(&self.get(id).text));
        }
        let f = self.get(d.loc.file);
        // A span is trusted only as far as the text goes: clamp it onto
        // character boundaries so no stage's arithmetic can make rendering panic.
        let clamp = |text: &str, span: Span| {
            let floor = |at: u32| {
                let mut at = (at as usize).min(text.len());
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                at
            };
            let (start, end) = (floor(span.start), floor(span.end));
            Span::new(start, end.max(start))
        };
        let mut d = d.clone();
        d.loc.span = clamp(&f.text, d.loc.span);
        let d = &d;
        let related: Vec<crate::diag::Related<'_>> = match &d.kind {
            ErrorKind::AliasClash {
                first_loc: Some(first),
                ..
            } => {
                let g = self.get(first.file);
                vec![crate::diag::Related {
                    path: &g.display,
                    text: &g.text,
                    starts: index.0.get(&first.file).map(Vec::as_slice),
                    span: first.span,
                    label: "the entity this name already names",
                }]
            }
            ErrorKind::Duplicate {
                what,
                first: Some(first),
                ..
            } => {
                let g = self.get(first.file);
                vec![crate::diag::Related {
                    path: &g.display,
                    text: &g.text,
                    starts: index.0.get(&first.file).map(Vec::as_slice),
                    span: clamp(&g.text, first.span),
                    label: match *what {
                        "entity" => "the first declaration of this entity",
                        "group" => "the first declaration of this group",
                        "relation" => "the first declaration of this relation",
                        "definition" => "the first declaration of this definition",
                        "source" => "the first declaration of this source",
                        _ => "the first declaration",
                    },
                }]
            }
            _ => Vec::new(),
        };
        let starts = index.0.get(&d.loc.file).map(Vec::as_slice);
        crate::diag::render_with(d, &f.display, &f.text, starts, &related)
    }
}

/// Line starts of the files that diagnostics were rendered against.
#[derive(Default)]
pub struct LineIndex(std::collections::HashMap<FileId, Vec<usize>>);

impl LineIndex {
    /// Line and column (both from 1; the column counts characters) of byte
    /// `offset` of `file`, as `diag::line_col` gives them, with one scan of
    /// the file for all the positions asked of it.
    pub fn line_col(&mut self, files: &Files, file: FileId, offset: usize) -> (usize, usize) {
        let text = &files.get(file).text;
        let starts = self
            .0
            .entry(file)
            .or_insert_with(|| crate::diag::line_starts(text));
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = crate::diag::line_of(starts, offset);
        let col = text[starts[line - 1]..offset].chars().count() + 1;
        (line, col)
    }
}

/// The file of the second place a diagnostic names, if any.
fn related_file(d: &Diagnostic) -> Option<FileId> {
    match &d.kind {
        ErrorKind::Duplicate {
            first: Some(first), ..
        }
        | ErrorKind::AliasClash {
            first_loc: Some(first),
            ..
        } => Some(first.file),
        _ => None,
    }
}

impl Default for Files {
    fn default() -> Self {
        Files::new()
    }
}

/// The text with every line break a `\n`: a lone CR (old Mac files) becomes
/// LF, CRLF stays (its CR is trimmed with the line). One byte for one, so
/// every offset stays where it was.
pub fn line_breaks(text: String) -> String {
    if memchr::memchr(b'\r', text.as_bytes()).is_none() {
        return text;
    }
    let mut bytes = text.into_bytes();
    for i in 0..bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
            bytes[i] = b'\n';
        }
    }
    String::from_utf8(bytes).expect("an ASCII byte replaced by an ASCII byte")
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

/// Whether a folder entry is left out: hidden files and folders (editor
/// and version-control files among them).
fn hidden(entry: &walkdir::DirEntry) -> bool {
    entry.depth() > 0 && entry.file_name().to_string_lossy().starts_with('.')
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, errors: &mut Vec<Diagnostic>) {
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .max_depth(64)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !hidden(e));
    for entry in walker {
        match entry {
            Ok(e) => {
                if e.file_type().is_file() && kind_of(e.path()).is_some() {
                    out.push(e.path().to_path_buf());
                }
            }
            // A symbolic link that loops back is skipped, not an error.
            Err(e) if e.loop_ancestor().is_some() => {}
            Err(e) => {
                // A dangling link or an unreadable entry inside the folder.
                let path = e.path().map_or_else(|| display(dir), display);
                let dangling = e
                    .io_error()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound);
                let ours = e.path().and_then(kind_of).is_some();
                if e.depth() == 0 || !dangling || ours {
                    errors.push(Diagnostic::new(
                        Files::COMMAND_LINE,
                        Span::default(),
                        ErrorKind::Io {
                            message: format!(
                                "{path}: {}",
                                e.io_error().map_or(e.to_string(), |io| io.to_string())
                            ),
                        },
                    ));
                }
            }
        }
    }
}

/// Reads the workspace named by `paths` (or `rules/` and `fixtures/` when
/// empty). Files come out sorted by path, whatever order the paths came in.
pub fn load(paths: &[PathBuf]) -> (Files, Vec<Diagnostic>) {
    load_with(paths, &FileLimits::default())
}

/// `load` with size limits per file kind.
pub fn load_with(paths: &[PathBuf], limits: &FileLimits) -> (Files, Vec<Diagnostic>) {
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
            walk(p, &mut found, &mut errors);
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
    // One file reached by two paths (a link, `a/../a`) is read once: at
    // the first path in sorted order.
    let mut seen = std::collections::HashSet::new();
    found.retain(|(_, p)| match std::fs::canonicalize(p) {
        Ok(real) => seen.insert(real),
        Err(_) => true,
    });
    for (shown, p) in found {
        let kind = kind_of(&p).unwrap_or(FileKind::Rules);
        let limit = if kind == FileKind::Jsonl {
            limits.jsonl
        } else {
            limits.text
        }
        .min(MAX_ANY_FILE);
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
        match read_file(&p) {
            Ok(bytes) => match String::from_utf8(bytes) {
                // A byte-order mark is not part of the text.
                Ok(t) => {
                    files.files[id.0 as usize].text =
                        line_breaks(t.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(t))
                }
                Err(e) => {
                    // Keep the text (invalid bytes replaced) so the error can
                    // point at the line and column where it stops being UTF-8.
                    let at = e.utf8_error().valid_up_to();
                    let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                    files.files[id.0 as usize].text = text;
                    errors.push(Diagnostic::new(
                        id,
                        Span::new(at, at + 1),
                        ErrorKind::Io {
                            message: format!("not UTF-8 text (byte {at})"),
                        },
                    ))
                }
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

/// A file's bytes. A large one is read in pieces on every core (positioned
/// reads into one buffer): the copy from the page cache and the page faults
/// of the buffer are split between the cores. Should the file change size
/// meanwhile, it is read again the plain way.
#[cfg(not(unix))]
fn read_file(path: &Path) -> std::io::Result<Vec<u8>> {
    std::fs::read(path)
}

/// (See the other `read_file`.)
#[cfg(unix)]
fn read_file(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::os::unix::fs::FileExt;
    /// Smallest piece worth a core of its own.
    const PIECE: usize = 8 << 20;
    let file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    let threads = rayon::current_num_threads().max(1);
    let pieces = usize::try_from(len).map_or(1, |n| (n / PIECE).clamp(1, threads));
    if pieces < 2 {
        return std::fs::read(path);
    }
    let len = len as usize;
    let mut buf = vec![0u8; len];
    let size = len.div_ceil(pieces);
    use rayon::prelude::*;
    let read = buf
        .par_chunks_mut(size)
        .enumerate()
        .try_for_each(|(i, piece)| file.read_exact_at(piece, (i * size) as u64));
    match read {
        Ok(()) => Ok(buf),
        Err(_) => std::fs::read(path),
    }
}

/// Reads a source's text (quotes are checked against it). Symbolic links are
/// resolved, and unless `allow_outside` the real file must lie inside one of
/// `roots` (also resolved); only a regular file within `MAX_TEXT_FILE` is
/// read, so a link to `/dev/zero` or to a file elsewhere is refused.
pub fn read_source_text(
    path: &Path,
    roots: &[PathBuf],
    allow_outside: bool,
) -> Result<String, String> {
    let real = std::fs::canonicalize(path).map_err(|e| e.to_string())?;
    if !allow_outside {
        let inside = roots
            .iter()
            .any(|r| std::fs::canonicalize(r).is_ok_and(|r| real.starts_with(r)));
        if !inside {
            return Err(format!(
                "it leads to {}, outside the workspace (allow with --allow-outside-paths)",
                display(&real)
            ));
        }
    }
    let meta = std::fs::metadata(&real).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    if meta.len() > MAX_TEXT_FILE {
        return Err(format!("larger than the limit of {MAX_TEXT_FILE} bytes"));
    }
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(&real)
        .and_then(|f| f.take(MAX_TEXT_FILE + 1).read_to_end(&mut bytes))
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_TEXT_FILE {
        return Err(format!("larger than the limit of {MAX_TEXT_FILE} bytes"));
    }
    String::from_utf8(bytes)
        .map_err(|e| format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_file_read_in_pieces_is_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.jsonl");
        // 25 MB: three pieces of a four-thread pool, the last one short.
        let bytes: Vec<u8> = (0..25_000_017u32)
            .map(|i| b"abcdefghij\n"[(i % 11) as usize] ^ (i % 7 == 0) as u8)
            .collect();
        std::fs::write(&path, &bytes).unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .unwrap();
        let read = pool.install(|| read_file(&path)).unwrap();
        assert!(read == bytes, "the pieces differ from the file");
    }

    #[test]
    fn the_line_index_places_every_offset_as_a_scan_does() {
        let text = "é\nCôte d'Ivoire\n\n  x\u{1F600}y\nlast";
        let mut files = Files::new();
        let file = files.add_text("t.yaml", FileKind::Yaml, text);
        let mut index = LineIndex::default();
        for offset in 0..=text.len() + 2 {
            assert_eq!(
                index.line_col(&files, file, offset),
                crate::diag::line_col(text, offset),
                "offset {offset}"
            );
        }
    }
}
