//! `textDocument/completion`. In a rule file: statement keywords at the
//! start of a line, verdicts after `expect`, group names after `in`, and in
//! a claim the relations' templates (snippets when the client takes them) or,
//! in a slot, the entity names and aliases of the kind it wants. In a YAML
//! file: the keys of the section, source ids after `source:`/`via:`, and
//! claim completion after `says:`/`only:`.

use std::collections::BTreeSet;

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionParams, CompletionResponse, InsertTextFormat,
};

use crate::load::FileKind;
use crate::lsp::lookup::line_key;
use crate::lsp::main_loop::Server;
use crate::lsp::text::LineIndex;
use crate::lsp::workspace::{Named, Workspace};
use crate::model::{Slot, SlotType, Template, TemplatePart};
use crate::syntax::lexer::{lex, Token, TokenKind};
use crate::Verdict;

const STATEMENTS: [&str; 7] = [
    "relation", "entity", "group", "define", "assert:", "expect", "check:",
];
const CLAIM_WORDS: [&str; 6] = ["and", "or", "not", "every", "some", "no"];
/// Bound on the prefix matcher's steps per template.
const MAX_STEPS: usize = 4096;

pub fn handle(server: &Server, p: CompletionParams) -> Option<CompletionResponse> {
    let pos = p.text_document_position;
    let (ws, file) = server.find(&pos.text_document.uri)?;
    let f = ws.files.get(file);
    let offset = LineIndex::new(&f.text, server.encoding).offset(pos.position);
    let items = match f.kind {
        FileKind::Rules => rules(ws, &f.text, offset, server.snippets),
        FileKind::Yaml => yaml(ws, &f.text, offset, server.snippets),
        _ => Vec::new(),
    };
    Some(CompletionResponse::Array(items))
}

fn item(label: &str, kind: CompletionItemKind, detail: Option<String>) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail,
        ..CompletionItem::default()
    }
}

fn rules(ws: &Workspace, text: &str, offset: usize, snippets: bool) -> Vec<CompletionItem> {
    // The statement so far: from its first line (the last one starting at
    // column 1) to the cursor.
    let upto = &text[..offset];
    let mut start = upto.rfind('\n').map_or(0, |i| i + 1);
    while start > 0 && text[start..].starts_with([' ', '\t']) {
        start = text[..start - 1].rfind('\n').map_or(0, |i| i + 1);
    }
    let stmt = crate::syntax::parser::blank_comments(&text[start..offset]);
    let head = stmt
        .split(|c: char| c.is_whitespace() || c == ':')
        .next()
        .unwrap_or("");
    let Some(colon) = head_colon(&stmt) else {
        if !stmt.contains(char::is_whitespace) {
            return STATEMENTS
                .iter()
                .map(|k| item(k, CompletionItemKind::KEYWORD, None))
                .collect();
        }
        if head == "expect" && words_typed(&stmt) <= 2 {
            return Verdict::ALL
                .iter()
                .map(|v| {
                    let mut it = item(v.name(), CompletionItemKind::ENUM_MEMBER, None);
                    it.insert_text = Some(format!("{}: ", v.name()));
                    it
                })
                .collect();
        }
        if head == "group" && stmt.contains('=') {
            return entities(ws, None);
        }
        if head == "entity" && stmt.contains('(') && !stmt.contains(')') {
            return kinds(ws);
        }
        return Vec::new();
    };
    match head {
        "assert" | "expect" | "check" | "define" => claim_items(ws, &stmt[colon + 1..], snippets),
        _ => Vec::new(),
    }
}

/// Words typed so far, counting the one about to start after a space.
fn words_typed(stmt: &str) -> usize {
    stmt.split_whitespace().count() + usize::from(stmt.ends_with(char::is_whitespace))
}

/// The colon that ends a statement's head (not one inside a `{slot:kind}`).
fn head_colon(stmt: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in stmt.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ':' if depth == 0 => return Some(i),
            _ => {}
        }
    }
    None
}

/// Completion inside a claim whose text so far is `claim`.
fn claim_items(ws: &Workspace, claim: &str, snippets: bool) -> Vec<CompletionItem> {
    let Ok(mut toks) = lex(claim, 0) else {
        return Vec::new();
    };
    // A word being typed is the client's to filter: match what precedes it.
    if !claim.ends_with(char::is_whitespace)
        && toks.last().is_some_and(|t| t.kind == TokenKind::Word)
    {
        toks.pop();
    }
    if toks.last().is_some_and(|t| t.is_word("in")) {
        return groups(ws);
    }
    let model = &ws.analysis.model;
    let mut templates: Vec<(&Template, &[Slot], String)> = Vec::new();
    for r in &model.relations {
        for t in &r.templates {
            templates.push((t, &r.slots, format!("relation {}", r.name)));
        }
    }
    for d in &model.definitions {
        templates.push((&d.template, &d.slots, "definition".into()));
    }
    // Where an atom may start: the claim's start and after a connective.
    let starts: Vec<usize> = (0..=toks.len())
        .filter(|&j| {
            j == 0
                || matches!(toks[j - 1].kind, TokenKind::LParen | TokenKind::Colon)
                || ["and", "or", "not", "no"]
                    .iter()
                    .any(|w| toks[j - 1].is_word(w))
        })
        .collect();
    let mut items = Vec::new();
    let mut seen = BTreeSet::new();
    let mut slot_kinds: Vec<Option<String>> = Vec::new();
    let mut any_entity = false;
    for &j in starts.iter().rev() {
        let words = &toks[j..];
        if words.is_empty() {
            // A new atom: every template, and the names that start most.
            for (t, slots, detail) in &templates {
                let (label, insert, format) = rest(t, slots, 0, snippets);
                if seen.insert(label.clone()) {
                    items.push(template_item(label, insert, format, detail));
                }
            }
            for w in CLAIM_WORDS {
                items.push(item(w, CompletionItemKind::KEYWORD, None));
            }
            any_entity = true;
            continue;
        }
        for (t, slots, detail) in &templates {
            for p in next_parts(ws, t, slots, words) {
                match &t.parts[p] {
                    TemplatePart::Slot(i) => {
                        if let SlotType::Entity(kind) = &slots[*i].ty {
                            slot_kinds.push(kind.clone());
                        }
                    }
                    TemplatePart::Literal { .. } => {
                        let (label, insert, format) = rest(t, slots, p, snippets);
                        if seen.insert(label.clone()) {
                            items.push(template_item(label, insert, format, detail));
                        }
                    }
                }
            }
        }
    }
    if any_entity || slot_kinds.iter().any(Option::is_none) {
        items.extend(entities(ws, None));
    } else {
        let wanted: BTreeSet<String> = slot_kinds.into_iter().flatten().collect();
        for k in wanted {
            items.extend(entities(ws, Some(&k)));
        }
    }
    items
}

fn template_item(
    label: String,
    insert: String,
    format: InsertTextFormat,
    detail: &str,
) -> CompletionItem {
    CompletionItem {
        label,
        kind: Some(CompletionItemKind::SNIPPET),
        detail: Some(detail.to_string()),
        insert_text: Some(insert),
        insert_text_format: Some(format),
        ..CompletionItem::default()
    }
}

/// A template from part `from` on: its wording with `{slot}`s as the label,
/// and what to insert (a snippet with a placeholder per slot, or the text).
fn rest(
    t: &Template,
    slots: &[Slot],
    from: usize,
    snippets: bool,
) -> (String, String, InsertTextFormat) {
    let mut label = Vec::new();
    let mut snippet = Vec::new();
    let mut n = 0;
    for part in &t.parts[from..] {
        match part {
            TemplatePart::Literal { forms, optional } => {
                if *optional {
                    continue;
                }
                let w = forms.first().cloned().unwrap_or_default();
                snippet.push(escape_snippet(&w));
                label.push(w);
            }
            TemplatePart::Slot(i) => {
                n += 1;
                let name = &slots[*i].name;
                label.push(format!("{{{name}}}"));
                snippet.push(format!("${{{n}:{}}}", escape_snippet(name)));
            }
        }
    }
    let label = label.join(" ").replace(" ,", ",");
    if snippets {
        (
            label,
            snippet.join(" ").replace(" ,", ","),
            InsertTextFormat::SNIPPET,
        )
    } else {
        (label.clone(), label, InsertTextFormat::PLAIN_TEXT)
    }
}

fn escape_snippet(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('$', "\\$")
        .replace('}', "\\}")
}

/// The parts of `t` that could come next after `words`, read as the start
/// of an atom of `t` (a bounded search: slots take one or more words).
fn next_parts(ws: &Workspace, t: &Template, slots: &[Slot], words: &[Token]) -> BTreeSet<usize> {
    let names = &ws.analysis.names;
    let is_entity = |ws_: &[Token]| {
        let key: Vec<&str> = ws_.iter().map(|t| t.norm.as_str()).collect();
        names
            .get(&key.join(" "))
            .is_some_and(|n| n.iter().any(|n| matches!(n, Named::Entity(_))))
    };
    let mut out = BTreeSet::new();
    let mut stack = vec![(0usize, 0usize)];
    let mut steps = 0;
    while let Some((p, w)) = stack.pop() {
        steps += 1;
        if steps > MAX_STEPS {
            break;
        }
        if w == words.len() {
            if p < t.parts.len() {
                out.insert(p);
                if let TemplatePart::Literal { optional: true, .. } = t.parts[p] {
                    stack.push((p + 1, w));
                }
            }
            continue;
        }
        let Some(part) = t.parts.get(p) else { continue };
        match part {
            TemplatePart::Literal { forms, optional } => {
                if words[w].kind == TokenKind::Word && forms.contains(&words[w].norm) {
                    stack.push((p + 1, w + 1));
                }
                if *optional {
                    stack.push((p + 1, w));
                }
            }
            TemplatePart::Slot(i) => match &slots[*i].ty {
                SlotType::Entity(_) => {
                    let longest = ws.analysis.longest_name;
                    for len in 1..=longest.min(words.len() - w) {
                        if is_entity(&words[w..w + len]) {
                            stack.push((p + 1, w + len));
                        }
                    }
                    // A quantifier's variable or a definition's slot.
                    if matches!(words[w].kind, TokenKind::Word | TokenKind::Placeholder) {
                        stack.push((p + 1, w + 1));
                    }
                }
                SlotType::Text => {
                    if matches!(words[w].kind, TokenKind::Text | TokenKind::Placeholder) {
                        stack.push((p + 1, w + 1));
                    }
                }
                SlotType::Value(_) => {
                    for len in 1..=6.min(words.len() - w) {
                        stack.push((p + 1, w + len));
                    }
                }
            },
        }
    }
    out
}

fn entities(ws: &Workspace, kind: Option<&str>) -> Vec<CompletionItem> {
    let mut out = Vec::new();
    for e in &ws.analysis.model.entities {
        if kind.is_some_and(|k| !e.kind.eq_ignore_ascii_case(k)) {
            continue;
        }
        for name in std::iter::once(&e.name).chain(&e.aliases) {
            let detail = if *name == e.name {
                format!("{} (entity)", e.kind)
            } else {
                format!("{} (alias of {})", e.kind, e.name)
            };
            out.push(item(name, CompletionItemKind::CONSTANT, Some(detail)));
        }
    }
    out
}

fn groups(ws: &Workspace) -> Vec<CompletionItem> {
    ws.analysis
        .model
        .groups
        .iter()
        .map(|g| {
            item(
                &g.name,
                CompletionItemKind::ENUM,
                Some(format!("group of {}", g.members.len())),
            )
        })
        .collect()
}

fn kinds(ws: &Workspace) -> Vec<CompletionItem> {
    let set: BTreeSet<&str> = ws
        .analysis
        .model
        .entities
        .iter()
        .map(|e| e.kind.as_str())
        .collect();
    set.into_iter()
        .map(|k| {
            item(
                k,
                CompletionItemKind::TYPE_PARAMETER,
                Some("entity kind".into()),
            )
        })
        .collect()
}

fn sources(ws: &Workspace) -> Vec<CompletionItem> {
    ws.analysis
        .model
        .sources
        .iter()
        .map(|s| {
            let detail = s.title.clone().or(s.name.clone());
            item(&s.id, CompletionItemKind::REFERENCE, detail)
        })
        .collect()
}

/// Keys of each top-level section of a YAML fact file.
fn keys_of(section: &str) -> &'static [&'static str] {
    use crate::facts::{ENTITY_KEYS, FACT_KEYS, SOURCE_KEYS, TOP_KEYS};
    match section {
        "sources" => &SOURCE_KEYS,
        "entities" => &ENTITY_KEYS,
        // `groups` maps each group's name to its members: no fixed keys.
        "groups" => &[],
        "facts" => &FACT_KEYS,
        _ => &TOP_KEYS,
    }
}

fn yaml(ws: &Workspace, text: &str, offset: usize, snippets: bool) -> Vec<CompletionItem> {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    // The section: the last line above at column 1 that is a key.
    let section = text[..line_start]
        .lines()
        .rev()
        .find(|l| l.starts_with(|c: char| c.is_ascii_alphabetic()))
        .and_then(|l| l.split(':').next())
        .unwrap_or("");
    let typing_key = before
        .trim_start()
        .trim_start_matches('-')
        .trim_start()
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_');
    if typing_key {
        let section = if before.starts_with(char::is_whitespace) || before.starts_with('-') {
            section
        } else {
            ""
        };
        return keys_of(section)
            .iter()
            .map(|k| {
                let mut it = item(k, CompletionItemKind::FIELD, Some(format!("{section} key")));
                it.insert_text = Some(format!("{k}: "));
                it
            })
            .collect();
    }
    let value = before.split_once(':').map_or("", |(_, v)| v);
    match line_key(before) {
        Some("source" | "via") => sources(ws),
        Some("among") => groups(ws),
        Some("kind") => kinds(ws),
        Some("relation") => ws
            .analysis
            .model
            .relations
            .iter()
            .map(|r| item(&r.name, CompletionItemKind::INTERFACE, None))
            .collect(),
        Some("says" | "only") => claim_items(ws, value, snippets),
        _ => entities(ws, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Slot;
    use crate::syntax::ast::Forms;

    #[test]
    fn templates_complete_as_snippets_or_as_their_wording() {
        let word = |w: &str| TemplatePart::Literal {
            forms: Forms::word(w),
            optional: false,
        };
        let t = Template {
            parts: vec![
                TemplatePart::Slot(0),
                word("sent"),
                TemplatePart::Slot(1),
                word("to"),
                TemplatePart::Slot(2),
            ],
            text: "{from} sent {n} to {to}".into(),
        };
        let slot = |name: &str| Slot {
            name: name.into(),
            ty: SlotType::Entity(None),
        };
        let slots = [slot("from"), slot("n$"), slot("to")];
        let (label, insert, format) = rest(&t, &slots, 0, true);
        assert_eq!(label, "{from} sent {n$} to {to}");
        assert_eq!(insert, "${1:from} sent ${2:n\\$} to ${3:to}");
        assert_eq!(format, InsertTextFormat::SNIPPET);
        let (label, insert, format) = rest(&t, &slots, 1, false);
        assert_eq!(label, "sent {n$} to {to}");
        assert_eq!(insert, "sent {n$} to {to}");
        assert_eq!(format, InsertTextFormat::PLAIN_TEXT);
    }
}
