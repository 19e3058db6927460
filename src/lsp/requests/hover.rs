//! `textDocument/hover`: on an assertion, its verdict, the expectation and
//! the evidence on each side; then what the word under the cursor is.

use lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};

use crate::lsp::lookup::{assertion_at, name_at, target_at};
use crate::lsp::main_loop::Server;
use crate::lsp::text::LineIndex;
use crate::lsp::workspace::{Named, Workspace};
use crate::model::{Fact, Model, SlotType};
use crate::report::{independent_sources, source_label};
use crate::syntax::ast::Expectation;

pub fn handle(server: &Server, p: HoverParams) -> Option<Hover> {
    let pos = p.text_document_position_params;
    let (ws, file) = server.find(&pos.text_document.uri)?;
    let text = &ws.files.get(file).text;
    let offset = LineIndex::new(text, server.encoding).offset(pos.position);
    let mut parts = Vec::new();
    if let Some(i) = assertion_at(ws, file, offset) {
        parts.extend(assertion(ws, i));
    }
    let range = name_at(ws, file, offset).map(|(_, span)| {
        LineIndex::new(text, server.encoding).range(span.start as usize, span.end as usize)
    });
    if let Some(n) = target_at(ws, file, offset) {
        parts.push(describe(ws, n));
    }
    if parts.is_empty() {
        return None;
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: parts.join("\n\n---\n\n"),
        }),
        range,
    })
}

/// The verdict of assertion `i`, what was expected, and the evidence.
fn assertion(ws: &Workspace, i: usize) -> Option<String> {
    let model = &ws.analysis.model;
    let a = &model.assertions[i];
    let r = ws.analysis.results.get(i)?.as_ref()?;
    let verdict = r.outcome.verdict();
    let (mark, expected) = match (&a.expectation, r.passed) {
        (Expectation::Verdict(v), Some(true)) => ("✓", format!("expected {v}: met")),
        (Expectation::Verdict(v), _) => ("✗", format!("expected **{v}**: not met")),
        (Expectation::Check, _) => ("·", "`check:` — reported, never fails".to_string()),
    };
    let mut s = format!("{mark} **{verdict}** — {expected}");
    if let Some(d) = &a.as_of {
        s.push_str(&format!(" (as of {})", d.text));
    }
    if !ws.analysis.errors.is_empty() {
        s.push_str(&format!(
            "\n\n_The workspace has {} load error(s); this verdict counts only what loaded._",
            ws.analysis.errors.len()
        ));
    }
    s.push_str(&format!(
        "\n\n{} for, {} against",
        independent_sources(model, &r.outcome.support),
        independent_sources(model, &r.outcome.refute)
    ));
    for (side, facts) in [("For", &r.outcome.support), ("Against", &r.outcome.refute)] {
        if facts.is_empty() {
            continue;
        }
        s.push_str(&format!("\n\n**{side}**\n"));
        for f in facts.iter() {
            s.push_str(&format!(
                "\n- {}",
                evidence(model, &model.facts[*f as usize])
            ));
        }
    }
    Some(s)
}

/// One fact as evidence: source id, speaker, document, as-of and quote.
fn evidence(model: &Model, fact: &Fact) -> String {
    let src = &model.sources[fact.source as usize];
    let mut s = format!("`{}` {}", src.id, source_label(model, fact.source));
    if let Some(a) = &fact.as_of {
        s.push_str(&format!(", as of {}", a.text));
    }
    match fact.quote() {
        Some(q) => s.push_str(&format!(": “{q}”")),
        None => s.push_str(&format!(": {}", model.fact_text(fact))),
    }
    s
}

/// Markdown for what a name stands for.
pub fn describe(ws: &Workspace, n: Named) -> String {
    let model = &ws.analysis.model;
    let place = |loc: Option<crate::diag::Loc>| {
        loc.map(|l| {
            let f = ws.files.get(l.file);
            let (line, _) = crate::diag::line_col(&f.text, l.span.start as usize);
            format!("\n\ndeclared in `{}:{line}`", short(ws, &f.path))
        })
        .unwrap_or_default()
    };
    match n {
        Named::Entity(i) => {
            let e = &model.entities[i as usize];
            let mut s = format!("entity **{}** ({})", e.name, e.kind);
            if !e.aliases.is_empty() {
                s.push_str(&format!("\n\naka {}", e.aliases.join(", ")));
            }
            s + &place(Some(e.loc))
        }
        Named::Group(i) => {
            let g = &model.groups[i as usize];
            let members: Vec<&str> = g
                .members
                .iter()
                .map(|m| model.entities[*m as usize].name.as_str())
                .collect();
            format!("group **{}** = {}", g.name, members.join(", ")) + &place(Some(g.loc))
        }
        Named::Relation(i) => {
            let r = &model.relations[i as usize];
            let mut flags = String::new();
            if r.symmetric {
                flags.push_str(" symmetric");
            }
            if r.functional {
                flags.push_str(" functional");
            }
            let slots: Vec<String> = r
                .slots
                .iter()
                .map(|s| format!("{{{}:{}}}", s.name, kind(&s.ty)))
                .collect();
            let templates: Vec<String> = r.templates.iter().map(|t| t.text.clone()).collect();
            format!(
                "relation **{}**{flags} — slots {}\n\n```claims\n{}\n```",
                r.name,
                slots.join(" "),
                templates.join("\n")
            ) + &place(Some(r.loc))
        }
        Named::Definition(i) => {
            let d = &model.definitions[i as usize];
            let f = ws.files.get(d.loc.file);
            let (ls, le) = crate::lsp::lookup::line_bounds(&f.text, d.loc.span.start as usize);
            format!(
                "definition\n\n```claims\n{}\n```",
                f.text[ls..le].trim_end()
            ) + &place(Some(d.loc))
        }
        Named::Source(i) => {
            let s = &model.sources[i as usize];
            let mut out = format!("source **{}**", s.id);
            let via = s.via.map(|v| model.sources[v as usize].id.clone());
            for (label, value) in [
                ("name", s.name.as_ref()),
                ("role", s.role.as_ref()),
                ("via", via.as_ref()),
                ("title", s.title.as_ref()),
                ("publisher", s.publisher.as_ref()),
                ("date", s.date.as_ref()),
                ("url", s.url.as_ref()),
            ] {
                if let Some(v) = value {
                    out.push_str(&format!("\n- {label}: {v}"));
                }
            }
            out + &place(s.loc)
        }
    }
}

fn kind(t: &SlotType) -> String {
    t.describe()
}

/// A path relative to the workspace folder.
pub fn short(ws: &Workspace, path: &std::path::Path) -> String {
    let p = crate::load::normalize(path);
    p.strip_prefix(&ws.root)
        .unwrap_or(&p)
        .to_string_lossy()
        .replace('\\', "/")
}
