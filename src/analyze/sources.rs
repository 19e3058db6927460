//! The analyzer's sources: their documents, `via` chains, and the quotes
//! checked against a document's text.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::Analyzer;
use crate::diag::{nearest, Diagnostic, ErrorKind, FileId, Loc, Span};
use crate::facts::{Located, RawFactFile};
use crate::load::Files;
use crate::model::*;

impl Analyzer {
    pub(super) fn sources(&mut self, files: &Files, yamls: &[(FileId, &RawFactFile)]) {
        let mut vias: Vec<(SourceId, FileId, Located)> = Vec::new();
        for (file, raw) in yamls {
            let dir = files
                .get(*file)
                .path
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default();
            for s in &raw.sources {
                let Some(id) = &s.id else { continue };
                let text = s.text.as_ref().map(|t| dir.join(&t.text));
                if let Some(&existing) = self.source_index.get(id.text.as_str()) {
                    let e = &self.model.sources[existing as usize];
                    let same = e.title == s.title
                        && e.publisher == s.publisher
                        && e.date == s.date
                        && e.url == s.url
                        && e.name == s.name
                        && e.role == s.role
                        && e.text
                            .as_ref()
                            .map(|p| p.file_name().map(|f| f.to_os_string()))
                            == text
                                .as_ref()
                                .map(|p| p.file_name().map(|f| f.to_os_string()));
                    if !same {
                        self.error(
                            *file,
                            id.span,
                            ErrorKind::Duplicate {
                                what: "source",
                                name: id.text.to_string(),
                                first: e.loc,
                            },
                        );
                    }
                    continue;
                }
                let mut text = text;
                if let Some(t) = &s.text {
                    if let Some(why) = self.outside(&files.roots, &dir, &t.text) {
                        self.error(
                            *file,
                            t.span,
                            ErrorKind::PathOutsideWorkspace {
                                path: format!("{} ({why})", t.text),
                            },
                        );
                        text = None; // never read
                    }
                }
                let sid = self.model.sources.len() as SourceId;
                self.source_index.insert(id.text.as_str().into(), sid);
                if let Some(v) = &s.via {
                    vias.push((sid, *file, v.clone()));
                }
                self.model.sources.push(Source {
                    id: id.text.to_string(),
                    title: s.title.clone(),
                    publisher: s.publisher.clone(),
                    date: s.date.clone(),
                    url: s.url.clone(),
                    name: s.name.clone(),
                    role: s.role.clone(),
                    via: None,
                    text,
                    loc: Some(Loc {
                        file: *file,
                        span: id.span,
                    }),
                });
            }
        }
        for (sid, file, via) in vias {
            match self.source_index.get(via.text.as_str()) {
                Some(&v) if v != sid => self.model.sources[sid as usize].via = Some(v),
                Some(_) => self.error(
                    file,
                    via.span,
                    ErrorKind::BadFact {
                        message: format!("source `{}` cannot be quoted via itself", via.text),
                    },
                ),
                None => {
                    let known: Vec<&str> =
                        self.model.sources.iter().map(|s| s.id.as_str()).collect();
                    let suggestions = nearest(&via.text, known);
                    self.error(
                        file,
                        via.span,
                        ErrorKind::UnknownSource {
                            id: via.text.to_string(),
                            suggestions,
                        },
                    );
                }
            }
        }
        // A `via` chain must end at a document, within the limit: each walk
        // stops after `via_depth` steps, so chains cost O(sources × limit).
        let limit = self.model.limits.via_depth;
        let mut broken = Vec::new();
        for sid in 0..self.model.sources.len() {
            let mut seen: Vec<usize> = vec![sid];
            let mut cur = sid;
            let mut problem = None;
            while let Some(v) = self.model.sources[cur].via {
                cur = v as usize;
                if seen.contains(&cur) {
                    problem = Some(None);
                    break;
                }
                if seen.len() > limit {
                    problem = Some(Some(seen.len()));
                    break;
                }
                seen.push(cur);
            }
            let Some(problem) = problem else { continue };
            let s = &self.model.sources[sid];
            let loc = s.loc.expect("sources from files have a place");
            let kind = match problem {
                None => ErrorKind::BadFact {
                    message: format!(
                        "source `{}` is quoted via a chain that loops back to itself",
                        s.id
                    ),
                },
                Some(n) => ErrorKind::LimitExceeded {
                    what: format!(
                        "source `{}` reaches its document through more `via` steps than allowed",
                        s.id
                    ),
                    count: n as u128,
                    limit: limit as u128,
                    flag: "--max-via-depth",
                },
            };
            self.error(loc.file, loc.span, kind);
            broken.push(sid);
        }
        for sid in broken {
            self.model.sources[sid].via = None;
        }
    }

    /// Why `path` (relative to `dir`) leaves the workspace, if it does.
    /// Why `path` (written in a fact file in `dir`) leaves the workspace's
    /// `roots`, if it does. Compared by name: `..` is resolved, links are not.
    pub(super) fn outside(
        &self,
        roots: &[PathBuf],
        dir: &Path,
        path: &str,
    ) -> Option<&'static str> {
        if self.allow_outside_paths {
            return None;
        }
        let p = Path::new(path);
        if p.is_absolute() || path.starts_with('/') || path.starts_with('\\') {
            return Some("an absolute path");
        }
        let target = crate::load::normalize(&dir.join(p));
        if roots.iter().any(|r| target.starts_with(r)) {
            None
        } else {
            Some("it climbs out of the workspace")
        }
    }

    pub(super) fn source_error_into(
        &self,
        errs: &mut Vec<Diagnostic>,
        file: FileId,
        id: &str,
        span: Span,
    ) {
        let known: Vec<&str> = self.model.sources.iter().map(|s| s.id.as_str()).collect();
        let suggestions = nearest(id, known);
        errs.push(Diagnostic::new(
            file,
            span,
            ErrorKind::UnknownSource {
                id: id.to_string(),
                suggestions,
            },
        ));
    }

    pub(super) fn group_error_into(&self, errs: &mut Vec<Diagnostic>, file: FileId, l: &Located) {
        if self.broken_groups {
            return;
        }
        let known: Vec<&str> = self.model.groups.iter().map(|g| g.name.as_str()).collect();
        let suggestions = nearest(&l.text, known);
        errs.push(Diagnostic::new(
            file,
            l.span,
            ErrorKind::UnknownGroup {
                name: l.text.to_string(),
                suggestions,
            },
        ));
    }

    /// Checks quotes against their sources' documents, in order: each
    /// document is read and folded once (a document that cannot be read is
    /// one error, at its source); then the quotes are looked for in
    /// parallel, and a quote not found is an error that names the closest
    /// passage.
    pub(super) fn check_quotes(&mut self, quotes: Vec<(FileId, SourceId, Located)>) {
        use rayon::prelude::*;
        let mut texts: HashMap<PathBuf, crate::quotes::Document> = HashMap::new();
        let document_of = |mut doc: SourceId| {
            while let Some(v) = self.model.sources[doc as usize].via {
                doc = v;
            }
            doc
        };
        let docs: Vec<SourceId> = quotes.iter().map(|(_, s, _)| document_of(*s)).collect();
        for &doc in &docs {
            let document = &self.model.sources[doc as usize];
            let Some(path) = &document.text else { continue };
            if texts.contains_key(path) {
                continue;
            }
            let read = crate::load::read_source_text(path, &self.roots, self.allow_outside_paths);
            let text = match read {
                Ok(text) => crate::quotes::Document::new(&text),
                Err(why) => {
                    let loc = document.loc.expect("sources from files have a place");
                    self.errors.push(Diagnostic::new(
                        loc.file,
                        loc.span,
                        ErrorKind::Io {
                            message: format!(
                                "cannot read the text of source `{}`: {}: {why}",
                                document.id,
                                path.display()
                            ),
                        },
                    ));
                    // Report a missing text once.
                    crate::quotes::Document::folded(String::new())
                }
            };
            texts.insert(path.clone(), text);
        }
        let this = &*self;
        let texts = &texts;
        let missed: Vec<Option<Diagnostic>> = quotes
            .par_iter()
            .zip(&docs)
            .map(|((file, source, quote), &doc)| {
                let path = this.model.sources[doc as usize].text.as_ref()?;
                let document = &texts[path];
                if document.is_empty() {
                    return None;
                }
                let q = crate::quotes::fold(&quote.text);
                if document.contains(&q) {
                    return None;
                }
                Some(Diagnostic::new(
                    *file,
                    quote.span,
                    ErrorKind::QuoteNotFound {
                        quote: quote.text.to_string(),
                        source: this.model.sources[*source as usize].id.clone(),
                        document: this.model.sources[doc as usize].id.clone(),
                        closest: document.closest(&q),
                    },
                ))
            })
            .collect();
        self.errors.extend(missed.into_iter().flatten());
    }
}
