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
pub mod conflicts;
pub mod diag;
pub mod eval;
pub mod explain;
pub mod facts;
pub mod fmt;
pub mod load;
pub mod logic;
pub mod model;
pub mod quotes;
pub mod report;
pub mod sql;
pub mod syntax;
pub mod value;

use std::path::PathBuf;

pub use diag::{Diagnostic, ErrorKind};
pub use logic::Verdict;

/// A loaded, checked workspace.
pub struct Workspace {
    pub files: load::Files,
    pub model: model::Model,
}

/// A workspace that could not be loaded: the files read and every error.
pub struct LoadFailure {
    pub files: load::Files,
    pub errors: Vec<Diagnostic>,
}

impl LoadFailure {
    /// Every error rendered with its snippet, in file order.
    pub fn render(&self) -> String {
        self.errors
            .iter()
            .map(|d| self.files.render(d))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Loads and analyzes the workspace at `paths` (SPEC §1).
pub fn load_workspace(
    paths: &[PathBuf],
    options: &analyze::Options,
) -> Result<Workspace, LoadFailure> {
    let (files, mut errors) = load::load(paths);
    match analyze::analyze(&files, options) {
        Ok(model) if errors.is_empty() => Ok(Workspace { files, model }),
        Ok(_) => Err(LoadFailure { files, errors }),
        Err(more) => {
            errors.extend(more);
            Err(LoadFailure { files, errors })
        }
    }
}
