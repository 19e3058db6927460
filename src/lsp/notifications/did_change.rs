//! `textDocument/didChange`: applies the edits to the buffer. The workspace
//! is analyzed again once the client pauses (an edit in a fact file
//! re-evaluates every rule file's claims).

use lsp_types::DidChangeTextDocumentParams;

use crate::lsp::main_loop::Server;
use crate::lsp::text::{uri_to_path, LineIndex};

pub fn handle(server: &mut Server, p: DidChangeTextDocumentParams) {
    let Some(path) = uri_to_path(&p.text_document.uri) else {
        return;
    };
    let ws = server.workspace_of(&path);
    let Some(id) = server.workspaces[ws].file_id(&path) else {
        return;
    };
    let mut text = server.workspaces[ws].files.get(id).text.clone();
    for change in p.content_changes {
        match change.range {
            Some(range) => {
                let idx = LineIndex::new(&text, server.encoding);
                let start = idx.offset(range.start);
                let end = idx.offset(range.end).max(start);
                text.replace_range(start..end, &change.text);
            }
            None => text = change.text,
        }
    }
    if server.workspaces[ws].set_text(&path, &text) {
        server.touch(ws, None);
    }
}
