//! `textDocument/didOpen`: the buffer's text replaces the file's; its
//! diagnostics are sent after the next analysis even if unchanged.

use lsp_types::DidOpenTextDocumentParams;

use crate::lsp::main_loop::Server;
use crate::lsp::text::uri_to_path;
use crate::lsp::workspace::kind_of;

pub fn handle(server: &mut Server, p: DidOpenTextDocumentParams) {
    let Some(path) = uri_to_path(&p.text_document.uri) else {
        return;
    };
    if kind_of(&path).is_none() {
        return;
    }
    server.open.insert(path.clone(), p.text_document.uri);
    let ws = server.workspace_of(&path);
    server.workspaces[ws].set_text(&path, &p.text_document.text);
    server.touch(ws, Some(&path));
}
