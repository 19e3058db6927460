//! Shared by the fuzz targets: a workspace built in memory (no disk), loaded,
//! checked and rendered in every format, with the invariants every input
//! must keep.

#![allow(dead_code)]

use std::path::PathBuf;

use claimcheck::analyze::{analyze, Options};
use claimcheck::eval::check;
use claimcheck::load::{FileKind, Files};
use claimcheck::report::{self, human::Style, Run};
use claimcheck::{LoadFailure, Verdict};

/// Largest error output any input may produce.
pub const MAX_ERROR_OUTPUT: usize = 1024 * 1024;

/// What a workspace came to: the verdict of each assertion, or the number of
/// load errors.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Checked(Vec<(u32, Verdict, Option<bool>)>),
    Failed(usize),
}

/// The analysis options of every target: the defaults, but claims past
/// 50,000 bindings or 1,000,000 atom evaluations are refused. A fuzz build
/// (debug assertions, no LTO) runs an evaluation about ten times slower
/// than a release build, and a target walks each claim up to four times
/// (check, explain, the reports): a claim just under the default
/// `--max-bindings` (a million bindings, under a second per command in a
/// release build) takes more than the 10 s a run may. The defaults
/// themselves are tested by the hostile workspaces.
pub fn options() -> Options {
    let mut options = Options::default();
    options.limits.bindings = 50_000;
    options.limits.work = 1_000_000;
    options
}

/// Files for an in-memory workspace. No folder is a root, so a source's
/// `text:` is always refused as outside the workspace: nothing is read.
pub fn files(parts: &[(&str, FileKind, &str)]) -> Files {
    let mut files = Files::new();
    files.roots.clear();
    for (name, kind, text) in parts {
        files.add(
            PathBuf::from(format!("/nonexistent-fuzz-workspace/{name}")),
            name.to_string(),
            *kind,
            text.to_string(),
        );
    }
    files
}

/// Loads, checks and renders the workspace; panics when an invariant breaks.
pub fn run(parts: &[(&str, FileKind, &str)]) -> Outcome {
    let files = files(parts);
    match analyze(&files, &options()) {
        Ok(model) => {
            let results = check(&model);
            let run = Run {
                files: &files,
                model: &model,
                results: &results,
            };
            let style = Style { color: false };
            let _ = report::human::render(&run, style, &report::human::Options::default());
            let _ = report::json::render(&run);
            let _ = report::ci::junit(&run);
            let _ = report::ci::github(&run);
            let found = claimcheck::conflicts::find(&model);
            let _ = report::human::render_conflicts(&files, &model, &found, style);
            let _ = report::json::render_conflicts(&run, &found);
            // As `explain` does: a tree past the default
            // `--max-explain-nodes` is refused, not built.
            for a in &model.assertions {
                let explainer =
                    claimcheck::explain::Explainer::new(&model, a.as_of.as_deref().cloned());
                let max = claimcheck::explain::MAX_EXPLAIN_NODES;
                if let Ok(tree) = explainer.explain_within(&a.claim, &a.text, max) {
                    let _ = claimcheck::explain::render(&model, &files, &tree);
                }
            }
            Outcome::Checked(
                results
                    .iter()
                    .map(|r| {
                        (
                            model.assertions[r.assertion].line,
                            r.outcome.verdict(),
                            r.passed,
                        )
                    })
                    .collect(),
            )
        }
        Err(errors) => {
            let n = errors.len();
            assert!(n > 0, "a failed load names its errors");
            let failure = LoadFailure { files, errors };
            let text = failure.render();
            assert!(
                text.len() < MAX_ERROR_OUTPUT,
                "error output of {} bytes",
                text.len()
            );
            Outcome::Failed(n)
        }
    }
}

/// Splits fuzz input into up to `n` texts at NUL bytes (invalid UTF-8 is
/// replaced, as the loader would refuse it anyway).
pub fn split(data: &[u8], n: usize) -> Vec<String> {
    let text = String::from_utf8_lossy(data);
    let mut parts: Vec<String> = text.splitn(n, '\0').map(str::to_string).collect();
    parts.resize(n, String::new());
    parts
}
