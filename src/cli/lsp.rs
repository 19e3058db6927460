//! `lsp`: serve the Language Server Protocol on stdin/stdout (src/lsp/).

/// Runs the server; it owns stdout for the protocol.
pub(super) fn lsp_command() -> i32 {
    crate::lsp::run()
}
