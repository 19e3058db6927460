//! `textDocument/references`: every use of what is under the cursor, in
//! every file of the workspace.

use lsp_types::{Location, ReferenceParams};

use crate::lsp::diagnostics::location;
use crate::lsp::lookup::{declaration, references, target_at};
use crate::lsp::main_loop::Server;
use crate::lsp::text::LineIndex;

pub fn handle(server: &Server, p: ReferenceParams) -> Option<Vec<Location>> {
    let pos = p.text_document_position;
    let (ws, file) = server.find(&pos.text_document.uri)?;
    let offset = LineIndex::new(&ws.files.get(file).text, server.encoding).offset(pos.position);
    let target = target_at(ws, file, offset)?;
    let decl = declaration(&ws.analysis.model, target);
    Some(
        references(ws, target)
            .into_iter()
            .filter(|l| p.context.include_declaration || Some(*l) != decl)
            .map(|l| location(ws, l, server.encoding))
            .collect(),
    )
}
