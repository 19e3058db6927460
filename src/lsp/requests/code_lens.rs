//! `textDocument/codeLens`: each assertion's verdict above its line, for
//! editors without inlay hints (Neovim 0.7 shows code lenses).

use lsp_types::{CodeLens, CodeLensParams, Command};

use super::inlay_hint::label;
use crate::lsp::main_loop::Server;
use crate::lsp::text::LineIndex;

pub fn handle(server: &Server, p: CodeLensParams) -> Option<Vec<CodeLens>> {
    let (ws, file) = server.find(&p.text_document.uri)?;
    let text = &ws.files.get(file).text;
    let idx = LineIndex::new(text, server.encoding);
    let mut out = Vec::new();
    for (i, a) in ws.analysis.model.assertions.iter().enumerate() {
        if a.file != file {
            continue;
        }
        let Some(title) = label(ws, i) else { continue };
        out.push(CodeLens {
            range: idx.line_range(a.line),
            command: Some(Command {
                title,
                command: String::new(),
                arguments: None,
            }),
            data: None,
        });
    }
    Some(out)
}
