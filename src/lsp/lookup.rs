//! What is at a place in a file, where a thing is declared, and where it is
//! used: the questions hover, definition and references share.

use crate::diag::{FileId, Loc, Span};
use crate::load::FileKind;
use crate::model::*;
use crate::syntax::ast::StatementKind;

use super::workspace::{name_key, words, Named, Workspace};

/// The name under `offset` in the line that holds it (entity, alias,
/// group, source id): the longest run of words that names something.
pub fn name_at(ws: &Workspace, file: FileId, offset: usize) -> Option<(Named, Span)> {
    let text = &ws.files.get(file).text;
    let (ls, le) = line_bounds(text, offset);
    let line = &text[ls..le];
    let spans = words(line);
    let k = spans
        .iter()
        .position(|&(s, e)| ls + s <= offset && offset <= ls + e)?;
    let names = &ws.analysis.names;
    for len in (1..=ws.analysis.longest_name.min(spans.len())).rev() {
        let first = k.saturating_sub(len - 1);
        for start in first..=k {
            let Some(run) = spans.get(start..start + len) else {
                continue;
            };
            let (s, e) = (run[0].0, run[len - 1].1);
            let key = name_key(&line[s..e]);
            if let Some(found) = names.get(&key) {
                // An entity and a source may share a name; the entity wins
                // in rule files, the source in fact files' `source:` lines.
                let pick = if line_key(line) == Some("source") || line_key(line) == Some("via") {
                    found.iter().find(|n| matches!(n, Named::Source(_)))
                } else {
                    found.iter().find(|n| !matches!(n, Named::Source(_)))
                }
                .or(found.first())?;
                return Some((*pick, Span::new(ls + s, ls + e)));
            }
        }
    }
    None
}

/// What the cursor is on: a name, else the relation or definition of the
/// atom (or fact) around it, else the relation declared on the line.
pub fn target_at(ws: &Workspace, file: FileId, offset: usize) -> Option<Named> {
    if let Some((n, _)) = name_at(ws, file, offset) {
        return Some(n);
    }
    let model = &ws.analysis.model;
    let f = ws.files.get(file);
    let (ls, le) = line_bounds(&f.text, offset);
    let line = &f.text[ls..le];
    // `relation NAME …` in a rule file, `relation: NAME` in a fact file.
    if line.starts_with("relation") || line_key(line) == Some("relation") {
        let word = word_at(&f.text, offset)?;
        if let Some(i) = model
            .relations
            .iter()
            .position(|r| r.name.eq_ignore_ascii_case(word))
        {
            return Some(Named::Relation(i as u32));
        }
    }
    let mut found = None;
    for_each_atom(model, |loc, atom| {
        if loc == file && atom.span.start as usize <= offset && offset <= atom.span.end as usize {
            found = Some(target(atom.target));
        }
    });
    if found.is_some() {
        return found;
    }
    if let Some(i) = model.definitions.iter().position(|d| {
        d.loc.file == file
            && d.loc.span.start as usize <= offset
            && offset <= d.loc.span.end as usize
    }) {
        return Some(Named::Definition(i as u32));
    }
    if f.kind == FileKind::Yaml || f.kind == FileKind::Jsonl {
        if let Some(fact) = fact_at(model, file, offset) {
            return Some(Named::Relation(relation_of(fact)));
        }
    }
    None
}

pub fn target(t: Target) -> Named {
    match t {
        Target::Relation(r) => Named::Relation(r),
        Target::Definition(d) => Named::Definition(d),
    }
}

pub fn relation_of(fact: &Fact) -> RelId {
    match &fact.body {
        FactBody::Atom { tuple, .. } => tuple.key.relation,
        FactBody::Only(o) => o.relation,
    }
}

/// The fact whose item holds `offset` in a fact file.
pub fn fact_at(model: &Model, file: FileId, offset: usize) -> Option<&Fact> {
    model
        .facts
        .iter()
        .filter(|f| f.loc.file == file && f.loc.span.start as usize <= offset)
        .max_by_key(|f| f.loc.span.start)
}

/// Calls `f` with every atom of every assertion and definition body.
pub fn for_each_atom<'m>(model: &'m Model, mut f: impl FnMut(FileId, &'m Atom)) {
    fn walk<'m>(c: &'m Claim, file: FileId, f: &mut impl FnMut(FileId, &'m Atom)) {
        let mut stack = vec![c];
        while let Some(c) = stack.pop() {
            match c {
                Claim::Atom(a) => f(file, a),
                Claim::Not(x) => stack.push(x),
                Claim::And(xs) | Claim::Or(xs) => stack.extend(xs.iter()),
                Claim::Quant { body, .. } => stack.push(body),
            }
        }
    }
    for a in &model.assertions {
        walk(&a.claim, a.file, &mut f);
    }
    for d in &model.definitions {
        if let Some(b) = &d.body {
            walk(b, d.loc.file, &mut f);
        }
    }
}

/// Where a thing is declared.
pub fn declaration(model: &Model, n: Named) -> Option<Loc> {
    match n {
        Named::Entity(i) => model.entities.get(i as usize).map(|e| e.loc),
        Named::Group(i) => model.groups.get(i as usize).map(|g| g.loc),
        Named::Relation(i) => model.relations.get(i as usize).map(|r| r.loc),
        Named::Definition(i) => model.definitions.get(i as usize).map(|d| d.loc),
        Named::Source(i) => model.sources.get(i as usize).and_then(|s| s.loc),
    }
}

/// Every place a thing is used (declarations included), sorted.
pub fn references(ws: &Workspace, n: Named) -> Vec<Loc> {
    let model = &ws.analysis.model;
    let mut out: Vec<Loc> = Vec::new();
    match n {
        Named::Relation(_) | Named::Definition(_) => {
            for_each_atom(model, |file, atom| {
                if target(atom.target) == n {
                    out.push(Loc {
                        file,
                        span: atom.span,
                    });
                }
            });
            if let Named::Relation(r) = n {
                out.extend(
                    model
                        .facts
                        .iter()
                        .filter(|f| relation_of(f) == r)
                        .map(|f| f.loc),
                );
            }
            out.extend(declaration(model, n));
        }
        Named::Entity(_) | Named::Group(_) | Named::Source(_) => {
            let keys: Vec<String> = match n {
                Named::Entity(i) => {
                    let e = &model.entities[i as usize];
                    std::iter::once(&e.name)
                        .chain(&e.aliases)
                        .map(|s| name_key(s))
                        .collect()
                }
                Named::Group(i) => vec![name_key(&model.groups[i as usize].name)],
                Named::Source(i) => vec![name_key(&model.sources[i as usize].id)],
                _ => Vec::new(),
            };
            for (id, f) in ws.served() {
                for span in find_names(&f.text, &keys) {
                    // Quotes, notes and titles are prose, not uses.
                    let (ls, le) = line_bounds(&f.text, span.start as usize);
                    let prose = matches!(
                        line_key(&f.text[ls..le]),
                        Some("quote" | "note" | "title" | "publisher" | "role")
                    );
                    if f.kind == FileKind::Rules || !prose {
                        out.push(Loc { file: id, span });
                    }
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Where any of `keys` (name keys) is written in `text`, as whole words.
pub fn find_names(text: &str, keys: &[String]) -> Vec<Span> {
    let lens: Vec<usize> = keys.iter().map(|k| k.split(' ').count()).collect();
    let firsts: Vec<&str> = keys
        .iter()
        .map(|k| k.split(' ').next().unwrap_or(""))
        .collect();
    let spans = words(text);
    let mut out = Vec::new();
    for (i, &(s, e)) in spans.iter().enumerate() {
        let w = &text[s..e];
        for (k, key) in keys.iter().enumerate() {
            if !w.eq_ignore_ascii_case(firsts[k]) && w.to_lowercase() != firsts[k] {
                continue;
            }
            let Some(run) = spans.get(i..i + lens[k]) else {
                continue;
            };
            let end = run[lens[k] - 1].1;
            // A name never runs across lines.
            if text[s..end].contains('\n') {
                continue;
            }
            if name_key(&text[s..end]) == *key {
                out.push(Span::new(s, end));
            }
        }
    }
    out
}

/// The byte range of the line holding `offset`.
pub fn line_bounds(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    (start, end)
}

/// A YAML line's key: `  - source: x` → `source`.
pub fn line_key(line: &str) -> Option<&str> {
    let t = line.trim_start().trim_start_matches('-').trim_start();
    let t = t.trim_start_matches('{').trim_start();
    let (k, _) = t.split_once(':')?;
    let k = k.trim().trim_matches('"');
    (!k.is_empty() && k.chars().all(|c| c.is_alphanumeric() || c == '_')).then_some(k)
}

/// The word under `offset`.
pub fn word_at(text: &str, offset: usize) -> Option<&str> {
    let (ls, le) = line_bounds(text, offset);
    words(&text[ls..le])
        .into_iter()
        .find(|&(s, e)| ls + s <= offset && offset <= ls + e)
        .map(|(s, e)| &text[ls + s..ls + e])
}

/// The assertion whose statement holds `offset` (continuation lines too).
pub fn assertion_at(ws: &Workspace, file: FileId, offset: usize) -> Option<usize> {
    let f = ws.files.get(file);
    if f.kind != FileKind::Rules {
        return None;
    }
    let (ast, _) = crate::syntax::parser::parse_rule_file(&f.text);
    let stmt = ast.statements.iter().find(|s| {
        matches!(s.kind, StatementKind::Assertion(_))
            && s.span.start as usize <= offset
            && offset <= s.span.end as usize
    })?;
    let line = crate::diag::line_col(&f.text, stmt.span.start as usize).0 as u32;
    ws.analysis
        .model
        .assertions
        .iter()
        .position(|a| a.file == file && a.line == line)
}
