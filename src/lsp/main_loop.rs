//! The server's one loop: read a message, update the state, answer from the
//! latest analysis. Edits mark the workspace dirty; it is analyzed again
//! when the client pauses for `DEBOUNCE` (or before any request, so answers
//! never lag behind the text), and the diagnostics that changed are sent.
//! A panic inside one handler is caught, logged to stderr and answered with
//! an error; the server goes on.

use std::collections::{HashMap, HashSet};
use std::error::Error;
use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::Notification as _;
use lsp_types::*;

use super::text::{path_to_uri, uri_to_path, Encoding};
use super::workspace::{root_for, Workspace};
use super::{diagnostics, notifications, requests};

/// How long the client must pause typing before the workspace is analyzed.
pub const DEBOUNCE: Duration = Duration::from_millis(20);

/// A request that panics on purpose: tests use it to check that the server
/// survives a panic in a handler.
pub const PANIC_REQUEST: &str = "claimcheck/panic";

pub struct Server {
    pub encoding: Encoding,
    pub snippets: bool,
    pub workspaces: Vec<Workspace>,
    /// Documents the client opened: path → the URI it uses for it.
    pub open: HashMap<PathBuf, Uri>,
    /// Workspaces with edits not yet analyzed, and since when.
    dirty: HashSet<usize>,
    deadline: Option<Instant>,
    /// Diagnostics last sent, per URI, so only changes are sent again.
    published: HashMap<Uri, Vec<lsp_types::Diagnostic>>,
    /// Files whose diagnostics are sent at the next publish even if unchanged.
    force: HashSet<PathBuf>,
    outbox: Vec<Message>,
    /// `CLAIMCHECK_LSP_TIMINGS` set: log how long each analysis takes.
    timings: bool,
}

pub fn serve(conn: &Connection) -> Result<i32, Box<dyn Error + Send + Sync>> {
    let (id, params) = conn.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params)?;
    let encoding = if params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref())
        .is_some_and(|e| e.contains(&PositionEncodingKind::UTF8))
    {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    };
    let snippets = params
        .capabilities
        .text_document
        .as_ref()
        .and_then(|t| t.completion.as_ref())
        .and_then(|c| c.completion_item.as_ref())
        .and_then(|i| i.snippet_support)
        .unwrap_or(false);
    let result = InitializeResult {
        capabilities: capabilities(encoding),
        server_info: Some(ServerInfo {
            name: "claimcheck".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    };
    conn.initialize_finish(id, serde_json::to_value(result)?)?;

    let mut roots: Vec<PathBuf> = Vec::new();
    #[allow(deprecated)]
    let root_uri = params.root_uri.clone();
    for f in params.workspace_folders.iter().flatten() {
        roots.extend(uri_to_path(&f.uri));
    }
    if roots.is_empty() {
        roots.extend(root_uri.as_ref().and_then(uri_to_path));
    }
    let mut server = Server {
        encoding,
        snippets,
        workspaces: Vec::new(),
        open: HashMap::new(),
        dirty: HashSet::new(),
        deadline: None,
        published: HashMap::new(),
        force: HashSet::new(),
        outbox: Vec::new(),
        timings: std::env::var_os("CLAIMCHECK_LSP_TIMINGS").is_some(),
    };
    for root in roots {
        server.add_workspace(&root);
    }
    server.refresh();
    server.flush(conn)?;
    server.run(conn)
}

fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(match encoding {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Kind(
            TextDocumentSyncKind::INCREMENTAL,
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![" ".into(), ":".into(), "{".into()]),
            ..CompletionOptions::default()
        }),
        document_formatting_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        inlay_hint_provider: Some(OneOf::Left(true)),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        ..ServerCapabilities::default()
    }
}

impl Server {
    fn run(&mut self, conn: &Connection) -> Result<i32, Box<dyn Error + Send + Sync>> {
        loop {
            let msg = match self.deadline {
                Some(deadline) => match conn.receiver.recv_deadline(deadline) {
                    Ok(m) => Some(m),
                    Err(e) if e.is_timeout() => None,
                    Err(_) => return Ok(1),
                },
                None => match conn.receiver.recv() {
                    Ok(m) => Some(m),
                    Err(_) => return Ok(1),
                },
            };
            match msg {
                None => self.refresh(),
                Some(Message::Request(req)) => {
                    if conn.handle_shutdown(&req)? {
                        return Ok(0);
                    }
                    self.refresh();
                    let resp = self.request(req);
                    self.outbox.push(Message::Response(resp));
                }
                Some(Message::Notification(n)) => {
                    if n.method == notification::Exit::METHOD {
                        // `exit` without `shutdown` first.
                        return Ok(1);
                    }
                    let method = n.method.clone();
                    if let Err(p) = catch_unwind(AssertUnwindSafe(|| self.notification(n))) {
                        log(&format!("panic in {method}: {}", panic_text(&p)));
                    }
                }
                Some(Message::Response(_)) => {}
            }
            self.flush(conn)?;
        }
    }

    fn flush(&mut self, conn: &Connection) -> Result<(), Box<dyn Error + Send + Sync>> {
        for m in self.outbox.drain(..) {
            conn.sender.send(m)?;
        }
        Ok(())
    }

    fn request(&mut self, req: Request) -> Response {
        let id = req.id.clone();
        let method = req.method.clone();
        match catch_unwind(AssertUnwindSafe(|| requests::dispatch(self, req))) {
            Ok(Some(Ok(value))) => Response::new_ok(id, value),
            Ok(Some(Err(message))) => {
                Response::new_err(id, ErrorCode::InvalidParams as i32, message)
            }
            Ok(None) => Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("claimcheck lsp does not handle `{method}`"),
            ),
            Err(p) => {
                let text = panic_text(&p);
                log(&format!("panic in {method}: {text}"));
                Response::new_err(
                    id,
                    ErrorCode::InternalError as i32,
                    format!("claimcheck lsp failed on `{method}`: {text}"),
                )
            }
        }
    }

    fn notification(&mut self, n: Notification) {
        notifications::dispatch(self, n);
    }

    pub fn add_workspace(&mut self, root: &Path) -> usize {
        let root = crate::load::normalize(root);
        if let Some(i) = self.workspaces.iter().position(|w| w.root == root) {
            return i;
        }
        self.workspaces.push(Workspace::load(&root));
        let i = self.workspaces.len() - 1;
        self.dirty.insert(i);
        self.deadline.get_or_insert_with(Instant::now);
        i
    }

    /// The workspace a file belongs to; one is made for a file outside every
    /// workspace folder.
    pub fn workspace_of(&mut self, path: &Path) -> usize {
        match self.workspaces.iter().position(|w| w.contains(path)) {
            Some(i) => i,
            None => self.add_workspace(&root_for(path)),
        }
    }

    /// The workspace and file of an open document, analyzed up to date.
    pub fn find(&self, uri: &Uri) -> Option<(&Workspace, crate::diag::FileId)> {
        let path = uri_to_path(uri)?;
        self.workspaces
            .iter()
            .find_map(|w| Some((w, w.file_id(&path)?)))
    }

    /// Marks a workspace as edited: analyzed after the debounce pause.
    pub fn touch(&mut self, ws: usize, path: Option<&Path>) {
        self.dirty.insert(ws);
        if let Some(p) = path {
            self.force.insert(p.to_path_buf());
        }
        self.deadline = Some(Instant::now() + DEBOUNCE);
    }

    /// Analyzes every dirty workspace and queues the diagnostics that changed.
    pub fn refresh(&mut self) {
        self.deadline = None;
        let mut dirty: Vec<usize> = self.dirty.drain().collect();
        dirty.sort_unstable();
        for i in dirty {
            let ws = &mut self.workspaces[i];
            let started = Instant::now();
            if let Err(p) = catch_unwind(AssertUnwindSafe(|| ws.analyze())) {
                log(&format!("panic while analyzing: {}", panic_text(&p)));
                continue;
            }
            let analyzed = started.elapsed();
            let by_file = diagnostics::collect(&self.workspaces[i], self.encoding);
            if self.timings {
                let how = if self.workspaces[i].analysis.claims_only {
                    "claims of one file"
                } else {
                    "everything"
                };
                let cache = &self.workspaces[i].parse_cache;
                log(&format!(
                    "analyzed {} ({how}; files parsed: {}, from the items an edit touched: {}) in {analyzed:.1?}, diagnostics in {:.1?}",
                    self.workspaces[i].root.display(),
                    cache.parsed_last,
                    cache.reparsed_last,
                    started.elapsed() - analyzed
                ));
            }
            for (path, diags) in by_file {
                let uri = self
                    .open
                    .get(&path)
                    .cloned()
                    .unwrap_or_else(|| path_to_uri(&path));
                let forced = self.force.remove(&path);
                let before = self.published.get(&uri);
                let unchanged = match before {
                    Some(b) => *b == diags,
                    None => diags.is_empty(),
                };
                if unchanged && !forced {
                    continue;
                }
                let params = PublishDiagnosticsParams {
                    uri: uri.clone(),
                    diagnostics: diags.clone(),
                    version: None,
                };
                self.outbox.push(Message::Notification(Notification::new(
                    notification::PublishDiagnostics::METHOD.into(),
                    params,
                )));
                if diags.is_empty() {
                    self.published.remove(&uri);
                } else {
                    self.published.insert(uri, diags);
                }
            }
        }
    }
}

pub fn log(message: &str) {
    let _ = writeln!(std::io::stderr(), "claimcheck lsp: {message}");
}

fn panic_text(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}
