//! Diagnostics for every served file of a workspace: load errors (the CLI's
//! wording and suggestions; the other place as related information), each
//! unmet expectation as an error on its assertion's line, and contested
//! `check:` lines as warnings.

use std::path::PathBuf;

use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Range,
};

use super::text::{path_to_uri, Encoding, LineIndex};
use super::workspace::Workspace;
use crate::diag::{ErrorKind, FileId, Loc};
use crate::eval::logic::Verdict;
use crate::eval::Checked;
use crate::model::Model;
use crate::report::{evidence_line, independent_sources};
use crate::syntax::ast::Expectation;

/// Every served file of the workspace with its diagnostics (maybe none).
pub fn collect(ws: &Workspace, enc: Encoding) -> Vec<(PathBuf, Vec<lsp_types::Diagnostic>)> {
    let n = ws.files.files.len();
    let mut per_file: Vec<Vec<lsp_types::Diagnostic>> = vec![Vec::new(); n];
    let mut indexes: Vec<Option<LineIndex>> = (0..n).map(|_| None).collect();
    let a = &ws.analysis;
    for d in &a.errors {
        let file = d.loc.file.0 as usize;
        if file == 0 {
            // About the command line: nothing a buffer can show.
            super::main_loop::log(&d.kind.to_string());
            continue;
        }
        let idx =
            indexes[file].get_or_insert_with(|| LineIndex::new(&ws.files.files[file].text, enc));
        let range = idx.range(d.loc.span.start as usize, d.loc.span.end as usize);
        let related = related(ws, &a.model, &d.kind, enc).map(|(loc, message)| {
            vec![DiagnosticRelatedInformation {
                location: location(ws, loc, enc),
                message,
            }]
        });
        per_file[file].push(diagnostic(
            range,
            DiagnosticSeverity::ERROR,
            d.kind.to_string(),
            related,
        ));
    }
    for (i, r) in a.results.iter().enumerate() {
        let Some(r) = r else { continue };
        let assertion = &a.model.assertions[i];
        let file = assertion.file.0 as usize;
        let severity = match (&assertion.expectation, r.passed) {
            (_, Some(false)) => DiagnosticSeverity::ERROR,
            (Expectation::Check, _) if r.outcome.verdict() == Verdict::Contested => {
                DiagnosticSeverity::WARNING
            }
            _ => continue,
        };
        let idx =
            indexes[file].get_or_insert_with(|| LineIndex::new(&ws.files.files[file].text, enc));
        let range = idx.line_range(assertion.line);
        per_file[file].push(diagnostic(
            range,
            severity,
            verdict_message(&a.model, r),
            None,
        ));
    }
    ws.served()
        .map(|(id, f)| {
            (
                crate::load::normalize(&f.path),
                std::mem::take(&mut per_file[id.0 as usize]),
            )
        })
        .collect()
}

fn diagnostic(
    range: Range,
    severity: DiagnosticSeverity,
    message: String,
    related: Option<Vec<DiagnosticRelatedInformation>>,
) -> lsp_types::Diagnostic {
    lsp_types::Diagnostic {
        range,
        severity: Some(severity),
        code: None::<NumberOrString>,
        source: Some("claimcheck".into()),
        message,
        related_information: related,
        ..lsp_types::Diagnostic::default()
    }
}

/// `refuted, expected supported: 0 sources for, 1 against` and one line per
/// fact on each side, as the CLI report shows them.
pub fn verdict_message(model: &Model, r: &Checked) -> String {
    let a = &model.assertions[r.assertion];
    let verdict = r.outcome.verdict();
    let mut s = match &a.expectation {
        Expectation::Verdict(v) if *v != verdict => format!("{verdict}, expected {v}"),
        _ => verdict.to_string(),
    };
    s.push_str(&format!(
        ": {} for, {} against",
        sources(independent_sources(model, &r.outcome.support)),
        independent_sources(model, &r.outcome.refute)
    ));
    for (side, facts) in [("for", &r.outcome.support), ("against", &r.outcome.refute)] {
        for f in facts.iter() {
            s.push_str(&format!(
                "\n{side}: {}",
                evidence_line(model, &model.facts[*f as usize])
            ));
        }
    }
    s
}

fn sources(n: usize) -> String {
    format!("{n} source{}", if n == 1 { "" } else { "s" })
}

pub fn location(ws: &Workspace, loc: Loc, enc: Encoding) -> Location {
    let f = ws.files.get(loc.file);
    let idx = LineIndex::new(&f.text, enc);
    Location {
        uri: path_to_uri(&f.path),
        range: idx.range(loc.span.start as usize, loc.span.end as usize),
    }
}

/// The second place an error is about, when it has one: the first
/// declaration a duplicate clashes with, the entity an alias already names.
fn related(
    ws: &Workspace,
    model: &Model,
    kind: &ErrorKind,
    _enc: Encoding,
) -> Option<(Loc, String)> {
    let key = |s: &str| super::workspace::name_key(s);
    let entity = |name: &str| {
        let k = key(name);
        model
            .entities
            .iter()
            .find(|e| key(&e.name) == k || e.aliases.iter().any(|a| key(a) == k))
    };
    match kind {
        ErrorKind::Duplicate { what, name, first } => {
            let k = key(name);
            let loc = first.or_else(|| match *what {
                "entity" => entity(name).map(|e| e.loc),
                "group" => model
                    .groups
                    .iter()
                    .find(|g| key(&g.name) == k)
                    .map(|g| g.loc),
                "relation" => model
                    .relations
                    .iter()
                    .find(|r| key(&r.name) == k)
                    .map(|r| r.loc),
                "source" => model
                    .sources
                    .iter()
                    .find(|s| s.id == *name)
                    .and_then(|s| s.loc),
                _ => None,
            })?;
            Some((loc, format!("the first declaration of {what} `{name}`")))
        }
        ErrorKind::AliasClash {
            alias,
            first,
            first_loc: Some(loc),
            ..
        } => Some((*loc, format!("`{alias}` already names `{first}` here"))),
        ErrorKind::AliasClash { alias, first, .. } => {
            let e = entity(first)?;
            Some((e.loc, format!("`{alias}` already names `{}` here", e.name)))
        }
        _ => {
            let _ = ws;
            None
        }
    }
    .filter(|(loc, _)| loc.file != FileId(0))
}
