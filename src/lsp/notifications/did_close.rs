//! `textDocument/didClose`: the file on disk counts again.

use lsp_types::DidCloseTextDocumentParams;

use crate::lsp::main_loop::Server;
use crate::lsp::text::uri_to_path;

pub fn handle(server: &mut Server, p: DidCloseTextDocumentParams) {
    let Some(path) = uri_to_path(&p.text_document.uri) else {
        return;
    };
    if let Some(ws) = server.workspaces.iter().position(|w| w.contains(&path)) {
        if server.workspaces[ws].revert(&path) {
            server.touch(ws, None);
        }
    }
}
