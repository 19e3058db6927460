//! Notifications from the client, one file each: they change the state and
//! answer nothing.

mod did_change;
mod did_close;
mod did_open;

use lsp_server::Notification;
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _,
};

use super::main_loop::{log, Server};

pub fn dispatch(server: &mut Server, n: Notification) {
    let result = match n.method.as_str() {
        DidOpenTextDocument::METHOD => n
            .extract(DidOpenTextDocument::METHOD)
            .map(|p| did_open::handle(server, p)),
        DidChangeTextDocument::METHOD => n
            .extract(DidChangeTextDocument::METHOD)
            .map(|p| did_change::handle(server, p)),
        DidCloseTextDocument::METHOD => n
            .extract(DidCloseTextDocument::METHOD)
            .map(|p| did_close::handle(server, p)),
        // Saving changes nothing: the buffer was already in use.
        _ => Ok(()),
    };
    if let Err(e) = result {
        log(&format!("bad notification: {e}"));
    }
}
