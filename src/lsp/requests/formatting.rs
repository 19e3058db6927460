//! `textDocument/formatting`: the layout `claimcheck fmt` writes, as one
//! edit (none when the text is already canonical). Rule files only.

use lsp_types::{DocumentFormattingParams, Range, TextEdit};

use crate::load::FileKind;
use crate::lsp::main_loop::Server;
use crate::lsp::text::LineIndex;

pub fn handle(server: &Server, p: DocumentFormattingParams) -> Option<Vec<TextEdit>> {
    let (ws, file) = server.find(&p.text_document.uri)?;
    let f = ws.files.get(file);
    if f.kind != FileKind::Rules {
        return None;
    }
    let formatted = crate::fmt::format(&f.text);
    if formatted == f.text {
        return Some(Vec::new());
    }
    let idx = LineIndex::new(&f.text, server.encoding);
    Some(vec![TextEdit {
        range: Range::new(idx.position(0), idx.end()),
        new_text: formatted,
    }])
}
