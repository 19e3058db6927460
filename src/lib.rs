//! claimcheck: checks claims written in a small English-like language against
//! facts extracted from sources, with four verdicts (supported, refuted,
//! contested, unknown) and the sources on each side.
//!
//! The pipeline, one module per stage:
//! `load` (files) → `syntax` / `facts` (parse) → `analyze` (resolve) →
//! `model` (checked, indexed) → `eval` (evidence, verdicts) → `report`.
//! The library never prints; the binary (`src/main.rs`, `cli`) does.

pub mod analyze;
pub mod cli;
pub mod diag;
pub mod eval;
pub mod facts;
pub mod fmt;
pub mod limits;
pub mod load;
pub mod lsp;
pub mod model;
pub mod quotes;
pub mod report;
pub mod sql;
pub mod syntax;
pub mod value;

use std::path::PathBuf;
use std::time::{Duration, Instant};

pub use diag::{Diagnostic, ErrorKind};
pub use eval::logic::Verdict;
/// The old paths of the evaluator's parts, still used by tests and the
/// fuzz targets.
pub use eval::{conflicts, explain, logic};

/// A loaded, checked workspace.
pub struct Workspace {
    pub files: load::Files,
    pub model: model::Model,
    /// What loaded but probably does not mean what its writer meant.
    pub warnings: Vec<Diagnostic>,
}

impl Workspace {
    /// Lets go of the text of each fact file (JSONL, YAML) that no warning
    /// points into. Once a workspace is loaded only a diagnostic's snippet
    /// reads a file's text, and the facts of a large workspace are most of
    /// its bytes (93 MB of JSONL for a million facts). Loading calls it
    /// before the index is built ([`analyze::Options::release_fact_texts`]),
    /// so that what comes after reuses the memory instead of adding to the
    /// run's peak.
    pub fn release_fact_texts(&mut self) {
        let warned: std::collections::HashSet<diag::FileId> =
            self.warnings.iter().map(|w| w.loc.file).collect();
        for (i, f) in self.files.files.iter_mut().enumerate() {
            let facts = matches!(f.kind, load::FileKind::Jsonl | load::FileKind::Yaml);
            if facts && !warned.contains(&diag::FileId(i as u32)) {
                f.text = String::new();
            }
        }
    }
}

/// A workspace that could not be loaded: the files read and every error.
pub struct LoadFailure {
    pub files: load::Files,
    pub errors: Vec<Diagnostic>,
}

/// Most bytes of rendered errors shown; past it, the rest are counted, not
/// shown, so error output stays well under a megabyte whatever the input.
pub const MAX_ERROR_OUTPUT: usize = 256 * 1024;

impl LoadFailure {
    /// The errors rendered with their snippets, in file order, up to
    /// [`MAX_ERROR_OUTPUT`] bytes; then a line saying how many are not shown.
    pub fn render(&self) -> String {
        self.render_limited(limits::Limits::default().errors)
    }

    /// As `render`, showing at most `max_errors` errors; the rest are counted.
    pub fn render_limited(&self, max_errors: usize) -> String {
        let mut out = String::new();
        let mut index = load::LineIndex::default();
        for (i, d) in self.errors.iter().enumerate() {
            if out.len() >= MAX_ERROR_OUTPUT || i >= max_errors {
                let rest = self.errors.len() - i;
                out.push_str(&format!(
                    "… {rest} more error{} not shown\n",
                    if rest == 1 { "" } else { "s" }
                ));
                break;
            }
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&self.files.render_indexed(d, &mut index));
        }
        out
    }
}

/// How long each stage of a run took (`--timings`), in the order they ran.
#[derive(Clone, Debug, Default)]
pub struct Timings {
    pub stages: Vec<(&'static str, Duration)>,
}

impl Timings {
    /// Adds `elapsed` to stage `name` (a stage may run in several pieces).
    pub fn add(&mut self, name: &'static str, elapsed: Duration) {
        match self.stages.iter_mut().find(|(n, _)| *n == name) {
            Some((_, d)) => *d += elapsed,
            None => self.stages.push((name, elapsed)),
        }
    }

    /// Runs `f` and adds its time to stage `name`.
    pub fn time<T>(&mut self, name: &'static str, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = f();
        self.add(name, start.elapsed());
        out
    }

    /// One line per stage, `timing NAME 0.123s`, then `timing total …`.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let mut total = Duration::ZERO;
        for (name, d) in &self.stages {
            total += *d;
            out.push_str(&format!("timing {name} {:.3}s\n", d.as_secs_f64()));
        }
        out.push_str(&format!("timing total {:.3}s\n", total.as_secs_f64()));
        out
    }
}

/// Loads and analyzes the workspace at `paths` (docs/language.md §1).
pub fn load_workspace(
    paths: &[PathBuf],
    options: &analyze::Options,
) -> Result<Workspace, LoadFailure> {
    load_workspace_timed(
        paths,
        options,
        &limits::FileLimits::default(),
        &mut Timings::default(),
    )
}

/// `load_workspace` with file size limits, adding the time of each stage to
/// `timings`.
pub fn load_workspace_timed(
    paths: &[PathBuf],
    options: &analyze::Options,
    limits: &limits::FileLimits,
    timings: &mut Timings,
) -> Result<Workspace, LoadFailure> {
    let (files, mut errors) = timings.time("read", || load::load_with(paths, limits));
    let (model, more) = analyze::analyze_unindexed(
        &files,
        options,
        timings,
        &mut analyze::ParseCache::default(),
    );
    errors.extend(more);
    if !errors.is_empty() {
        return Err(LoadFailure { files, errors });
    }
    // Part of resolving: the phrases that read, but maybe not as meant.
    let warnings = timings.time("resolve", || {
        let mut warnings = analyze::lint::warnings(&files);
        warnings.extend(value::warnings(&model));
        warnings.sort_by_key(|d| (d.loc.file, d.loc.span.start));
        warnings
    });
    let mut ws = Workspace {
        files,
        model,
        warnings,
    };
    // Before the index: its rows, the evaluation and the report then take
    // memory the texts gave back, instead of adding to the peak.
    if options.release_fact_texts {
        ws.release_fact_texts();
    }
    analyze::build_index(&mut ws.model, timings);
    Ok(ws)
}
