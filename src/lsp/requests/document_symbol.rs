//! `textDocument/documentSymbol`: relations, definitions, entities, groups
//! and assertions of a rule file; sources, entities and groups of a YAML file.

use lsp_types::{DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse, SymbolKind};

use crate::load::FileKind;
use crate::lsp::main_loop::Server;
use crate::lsp::text::LineIndex;
use crate::syntax::ast::{Expectation, StatementKind};

pub fn handle(server: &Server, p: DocumentSymbolParams) -> Option<DocumentSymbolResponse> {
    let (ws, file) = server.find(&p.text_document.uri)?;
    let f = ws.files.get(file);
    let idx = LineIndex::new(&f.text, server.encoding);
    let mut out = Vec::new();
    let mut push =
        |name: String, detail: Option<String>, kind, whole: (u32, u32), sel: (u32, u32)| {
            let range = idx.range(whole.0 as usize, whole.1 as usize);
            let mut selection_range = idx.range(sel.0 as usize, sel.1 as usize);
            if selection_range.start < range.start || selection_range.end > range.end {
                selection_range = range;
            }
            #[allow(deprecated)]
            out.push(DocumentSymbol {
                name: if name.is_empty() { "…".into() } else { name },
                detail,
                kind,
                tags: None,
                deprecated: None,
                range,
                selection_range,
                children: None,
            });
        };
    match f.kind {
        FileKind::Rules => {
            let (ast, _) = crate::syntax::parser::parse_rule_file(&f.text);
            for s in &ast.statements {
                let whole = (s.span.start, s.span.end);
                match &s.kind {
                    StatementKind::Relation(r) => push(
                        r.name.text.clone(),
                        Some(
                            r.templates
                                .iter()
                                .map(|t| t.text.as_str())
                                .collect::<Vec<_>>()
                                .join(" | "),
                        ),
                        SymbolKind::INTERFACE,
                        whole,
                        (r.name.span.start, r.name.span.end),
                    ),
                    StatementKind::Define(d) => push(
                        d.template.text.clone(),
                        Some("definition".into()),
                        SymbolKind::FUNCTION,
                        whole,
                        (d.template.span.start, d.template.span.end),
                    ),
                    StatementKind::Entity(e) => push(
                        e.name.text.clone(),
                        Some(e.kind.text.clone()),
                        SymbolKind::OBJECT,
                        whole,
                        (e.name.span.start, e.name.span.end),
                    ),
                    StatementKind::Group(g) => push(
                        g.name.text.clone(),
                        Some(
                            g.members
                                .iter()
                                .map(|m| m.text.as_str())
                                .collect::<Vec<_>>()
                                .join(", "),
                        ),
                        SymbolKind::ARRAY,
                        whole,
                        (g.name.span.start, g.name.span.end),
                    ),
                    StatementKind::Assertion(a) => {
                        let claim = crate::syntax::parser::tokens_text(&f.text, &a.claim);
                        let head = match &a.expectation {
                            Expectation::Verdict(crate::Verdict::Supported) => "assert".into(),
                            Expectation::Verdict(v) => format!("expect {v}"),
                            Expectation::Check => "check".into(),
                        };
                        push(
                            format!("{head}: {claim}"),
                            None,
                            SymbolKind::EVENT,
                            whole,
                            (a.claim_span.start, a.claim_span.end),
                        )
                    }
                }
            }
        }
        FileKind::Yaml => {
            let (raw, _) = crate::facts::parse_yaml(&f.text);
            for s in &raw.sources {
                if let Some(id) = &s.id {
                    let sel = (id.span.start, id.span.end);
                    push(
                        id.text.to_string(),
                        s.title.clone().or(s.name.clone()),
                        SymbolKind::FILE,
                        sel,
                        sel,
                    );
                }
            }
            for e in &raw.entities {
                let sel = (e.name.span.start, e.name.span.end);
                push(
                    e.name.text.to_string(),
                    Some(e.kind.text.to_string()),
                    SymbolKind::OBJECT,
                    sel,
                    sel,
                );
            }
            for g in &raw.groups {
                let sel = (g.name.span.start, g.name.span.end);
                push(g.name.text.to_string(), None, SymbolKind::ARRAY, sel, sel);
            }
        }
        _ => {}
    }
    Some(DocumentSymbolResponse::Nested(out))
}
