//! `claimcheck lsp`: a Language Server over stdio. Errors, unmet
//! expectations and every claim's verdict as the user types, from the
//! editor's unsaved buffers; hover, go to definition, references,
//! completion, formatting, symbols and inlay hints. It never writes to disk.
//!
//! `main_loop` owns the state and answers one message at a time from the
//! latest analysis; each request and notification has a small file of its
//! own under `requests/` and `notifications/`.

mod diagnostics;
mod lookup;
mod main_loop;
mod notifications;
mod requests;
mod text;
mod workspace;

use std::io::Write;

/// Serves the Language Server Protocol on stdin/stdout until the client
/// says `exit`; returns the process's exit code (0 after `shutdown`).
pub fn run() -> i32 {
    let (connection, io_threads) = lsp_server::Connection::stdio();
    let code = match main_loop::serve(&connection) {
        Ok(code) => code,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "claimcheck lsp: {e}");
            1
        }
    };
    drop(connection);
    if let Err(e) = io_threads.join() {
        let _ = writeln!(std::io::stderr(), "claimcheck lsp: {e}");
    }
    code
}
