//! `textDocument/definition`: from claim words to their relation or
//! definition, from a name to its declaration, from a source id to the source.

use lsp_types::{GotoDefinitionParams, GotoDefinitionResponse};

use crate::lsp::diagnostics::location;
use crate::lsp::lookup::{declaration, target_at};
use crate::lsp::main_loop::Server;
use crate::lsp::text::LineIndex;

pub fn handle(server: &Server, p: GotoDefinitionParams) -> Option<GotoDefinitionResponse> {
    let pos = p.text_document_position_params;
    let (ws, file) = server.find(&pos.text_document.uri)?;
    let offset = LineIndex::new(&ws.files.get(file).text, server.encoding).offset(pos.position);
    let target = target_at(ws, file, offset)?;
    let loc = declaration(&ws.analysis.model, target)?;
    Some(GotoDefinitionResponse::Scalar(location(
        ws,
        loc,
        server.encoding,
    )))
}
