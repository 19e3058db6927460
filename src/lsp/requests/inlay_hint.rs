//! `textDocument/inlayHint`: each assertion's verdict at the end of its line.

use lsp_types::{InlayHint, InlayHintKind, InlayHintLabel, InlayHintParams};

use crate::lsp::main_loop::Server;
use crate::lsp::text::LineIndex;
use crate::lsp::workspace::Workspace;
use crate::syntax::ast::Expectation;

pub fn handle(server: &Server, p: InlayHintParams) -> Option<Vec<InlayHint>> {
    let (ws, file) = server.find(&p.text_document.uri)?;
    let text = &ws.files.get(file).text;
    let idx = LineIndex::new(text, server.encoding);
    let mut out = Vec::new();
    for (i, a) in ws.analysis.model.assertions.iter().enumerate() {
        if a.file != file || a.line == 0 {
            continue;
        }
        let line = a.line - 1;
        if line < p.range.start.line || line > p.range.end.line {
            continue;
        }
        let Some(label) = label(ws, i) else { continue };
        out.push(InlayHint {
            position: idx.line_range(a.line).end,
            label: InlayHintLabel::String(label),
            kind: Some(InlayHintKind::TYPE),
            text_edits: None,
            tooltip: None,
            padding_left: Some(true),
            padding_right: None,
            data: None,
        });
    }
    Some(out)
}

/// `✓ supported`, `✗ refuted (expected supported)`, `· contested`.
pub fn label(ws: &Workspace, i: usize) -> Option<String> {
    let a = &ws.analysis.model.assertions[i];
    let r = ws.analysis.results.get(i)?.as_ref()?;
    let v = r.outcome.verdict();
    Some(match (&a.expectation, r.passed) {
        (Expectation::Verdict(_), Some(true)) => format!("✓ {v}"),
        (Expectation::Verdict(e), _) => format!("✗ {v} (expected {e})"),
        (Expectation::Check, _) => format!("· {v}"),
    })
}
