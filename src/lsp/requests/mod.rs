//! Requests from the client, one file each; `dispatch` routes by method and
//! turns parameters and results into JSON.

mod code_lens;
mod completion;
mod definition;
mod document_symbol;
mod formatting;
mod hover;
mod inlay_hint;
mod references;

use lsp_server::Request;
use lsp_types::request::{self as r, Request as _};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::main_loop::{Server, PANIC_REQUEST};

type Answer = Result<serde_json::Value, String>;

fn run<P: DeserializeOwned, R: Serialize>(
    server: &Server,
    req: Request,
    handler: fn(&Server, P) -> R,
) -> Answer {
    let params: P = serde_json::from_value(req.params).map_err(|e| e.to_string())?;
    serde_json::to_value(handler(server, params)).map_err(|e| e.to_string())
}

/// The answer to a request, or `None` for a method this server lacks.
pub fn dispatch(server: &Server, req: Request) -> Option<Answer> {
    Some(match req.method.as_str() {
        r::HoverRequest::METHOD => run(server, req, hover::handle),
        r::GotoDefinition::METHOD => run(server, req, definition::handle),
        r::References::METHOD => run(server, req, references::handle),
        r::Completion::METHOD => run(server, req, completion::handle),
        r::Formatting::METHOD => run(server, req, formatting::handle),
        r::DocumentSymbolRequest::METHOD => run(server, req, document_symbol::handle),
        r::InlayHintRequest::METHOD => run(server, req, inlay_hint::handle),
        r::CodeLensRequest::METHOD => run(server, req, code_lens::handle),
        PANIC_REQUEST => panic!("{PANIC_REQUEST} was asked to panic"),
        _ => return None,
    })
}
