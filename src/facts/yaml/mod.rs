//! YAML fact files, read straight from the events of `saphyr-parser`. Every
//! event carries where it was written, so items, keys and values are located
//! as they are read: no tree of the whole file, no search of the text after.

mod chunked;
mod events;
mod reparse;
mod scalars;
#[cfg(test)]
mod tests;

use rustc_hash::FxHashSet;
use saphyr_parser::Event;

use super::*;
use crate::diag::nearest;
pub use chunked::{
    defer_facts, parse_chunked, parse_in as parse_chunked_in, read_facts_run, DeferredFacts,
};
use events::*;
pub use reparse::reparse_facts;

// ---------------------------------------------------------------------------
// Items.

/// Where an item of a sequence starts: its `-` when it has one.
fn item_at(text: &str, at: usize) -> usize {
    let b = text.as_bytes();
    let mut i = at;
    while i > 0 && matches!(b[i - 1], b' ' | b'\t') {
        i -= 1;
    }
    if i > 0 && b[i - 1] == b'-' {
        i - 1
    } else {
        at
    }
}

fn point(at: usize) -> Span {
    Span::new(at, at + 1)
}

struct Item<'n, 'a> {
    map: &'n [(Node<'a>, Node<'a>)],
}

impl<'n, 'a> Item<'n, 'a> {
    /// An item of a list: a mapping whose keys are among `keys` (else an
    /// error saying what `what` is: `shape`).
    fn of(
        node: &'n Node<'a>,
        at: usize,
        what: &'static str,
        shape: &str,
        keys: &[&str],
        errors: &mut Vec<FactError>,
    ) -> Option<Item<'n, 'a>> {
        let Kind::Map(map) = &node.kind else {
            errors.push((
                point(at),
                ErrorKind::BadFact {
                    message: format!("{what} is a mapping with {shape}"),
                },
            ));
            return None;
        };
        let item = Item { map };
        item.check_keys(keys, what, errors);
        Some(item)
    }
}

impl<'a> Item<'_, 'a> {
    fn get(&self, key: &str) -> Option<&Node<'a>> {
        self.map
            .iter()
            .find(|(k, _)| matches!(&k.kind, Kind::Str(s) if s == key))
            .map(|(_, v)| v)
    }

    fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    fn located(&self, key: &str, errors: &mut Vec<FactError>) -> Option<Located> {
        let v = self.get(key)?;
        let located = v.located();
        if located.is_none() {
            errors.push((
                point(v.start()),
                ErrorKind::BadFact {
                    message: format!("`{key}` must be a single value, not a list or mapping"),
                },
            ));
        }
        located
    }

    fn string(&self, key: &str) -> Option<String> {
        self.get(key).and_then(|v| v.text()).map(str::to_string)
    }

    fn check_keys(&self, known: &[&str], context: &'static str, errors: &mut Vec<FactError>) {
        for (k, _) in self.map {
            unknown_key(k, known, context, errors);
        }
    }
}

fn unknown_key(k: &Node, known: &[&str], context: &'static str, errors: &mut Vec<FactError>) {
    let name = k.text().unwrap_or_default();
    if !known.contains(&name) {
        errors.push((
            k.value_span(),
            ErrorKind::UnknownKey {
                suggestions: nearest(name, known.iter().copied()),
                key: name.to_string(),
                context,
            },
        ));
    }
}

/// Deepest nesting of YAML flow collections (`[…]`, `{…}`) read. The YAML
/// scanner slows quadratically with depth, so deeper text is refused first.
pub const MAX_YAML_FLOW_DEPTH: usize = 64;

/// Where flow collections first nest past `MAX_YAML_FLOW_DEPTH`, if they do.
/// Quoted scalars and comments are skipped; this is a guard, not a parser.
fn flow_too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut prev = '\n';
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match quote {
            Some(q) => {
                if c == '\\' && q == '"' {
                    chars.next();
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                '"' | '\'' => quote = Some(c),
                '#' if prev.is_whitespace() => {
                    for (_, c) in chars.by_ref() {
                        if c == '\n' {
                            break;
                        }
                    }
                }
                '[' | '{' => {
                    depth += 1;
                    if depth > MAX_YAML_FLOW_DEPTH {
                        return Some(i);
                    }
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
        prev = c;
    }
    None
}

/// Errors by section, kept apart while the file is read in its own order
/// and reported in the order of the sections.
#[derive(Default)]
struct Errors {
    top: Vec<FactError>,
    sources: Vec<FactError>,
    entities: Vec<FactError>,
    groups: Vec<FactError>,
    facts: Vec<FactError>,
}

/// Parses one YAML fact file. Returns what could be read and every error.
pub fn parse_yaml(text: &str) -> (RawFactFile, Vec<FactError>) {
    let mut out = RawFactFile::default();
    if let Some(at) = flow_too_deep(text) {
        let error = (
            point(at),
            ErrorKind::YamlTooDeep {
                limit: MAX_YAML_FLOW_DEPTH,
            },
        );
        return (out, vec![error]);
    }
    let mut ev = Events::new(text);
    let mut errors = Errors::default();
    ev.next(); // StreamStart
    if matches!(ev.next().event, Event::DocumentStart(_)) {
        read_root(&mut ev, &mut out, &mut errors);
        ev.next(); // DocumentEnd
        let second = ev.next();
        if matches!(second.event, Event::DocumentStart(_)) && ev.error.is_none() {
            let message =
                "deserializing from YAML containing more than one document is not supported";
            ev.fail(second.start, message.into());
        }
    }
    if let Some(e) = ev.error.or(ev.duplicate) {
        return (RawFactFile::default(), vec![e]);
    }
    let Errors {
        mut top,
        sources,
        entities,
        groups,
        facts,
    } = errors;
    for section in [sources, entities, groups, facts] {
        top.extend(section);
    }
    (out, top)
}

fn read_root<'a>(ev: &mut Events<'a>, out: &mut RawFactFile, errors: &mut Errors) {
    match ev.peek() {
        Event::MappingStart(..) => {
            ev.next();
        }
        Event::Scalar(..) => {
            let root = read_node(ev, MAX_NODE_DEPTH);
            if !matches!(root.kind, Kind::Null) {
                not_a_mapping(errors, root.start());
            }
            return;
        }
        _ => {
            let root = read_node(ev, MAX_NODE_DEPTH);
            not_a_mapping(errors, root.start());
            return;
        }
    }
    let mut seen: Vec<Node> = Vec::new();
    while !ev.at_end() {
        let key = read_node(ev, MAX_NODE_DEPTH - 1);
        if seen.iter().any(|s| same_key(s, &key)) {
            ev.duplicate_key(&key);
        }
        match key.text().unwrap_or_default() {
            "sources" => read_items(
                ev,
                &key,
                "sources",
                &mut errors.sources,
                |item, at, errors| {
                    if let Some(s) = read_source(item, at, errors) {
                        out.sources.push(s);
                    }
                },
            ),
            "entities" => read_items(
                ev,
                &key,
                "entities",
                &mut errors.entities,
                |item, at, errors| {
                    if let Some(e) = read_entity(item, at, errors) {
                        out.entities.push(e);
                    }
                },
            ),
            "groups" => read_groups(ev, &key, out, &mut errors.groups),
            "facts" => read_items(ev, &key, "facts", &mut errors.facts, |item, at, errors| {
                if let Some(f) = read_fact(item, at, errors) {
                    out.facts.push(f);
                }
            }),
            _ => {
                unknown_key(&key, &TOP_KEYS, "a fact file", &mut errors.top);
                ev.skip();
            }
        }
        seen.push(key);
    }
    ev.next(); // MappingEnd
}

/// At the root value itself (not a tab or space before it).
fn not_a_mapping(errors: &mut Errors, at: usize) {
    errors.top.push((
        point(at),
        ErrorKind::BadFact {
            message: "a fact file is a mapping with `sources`, `entities`, `groups` and `facts`"
                .into(),
        },
    ));
}

/// Reads the value of a section that is a list (or null), one item at a
/// time: `each` gets the item and where it starts.
fn read_items<'a>(
    ev: &mut Events<'a>,
    key: &Node,
    name: &str,
    errors: &mut Vec<FactError>,
    mut each: impl FnMut(&Node<'a>, usize, &mut Vec<FactError>),
) {
    if !matches!(ev.peek(), Event::SequenceStart(..)) {
        if matches!(ev.peek(), Event::Scalar(..)) {
            if matches!(read_node(ev, MAX_NODE_DEPTH).kind, Kind::Null) {
                return;
            }
        } else {
            ev.skip();
        }
        errors.push((
            Span::new(key.start(), key.start() + name.len()),
            ErrorKind::BadFact {
                message: format!("`{name}` must be a list"),
            },
        ));
        return;
    }
    ev.next();
    while !ev.at_end() {
        let item = read_node(ev, 0);
        let at = item_at(ev.text, item.at);
        let mark = errors.len();
        each(&item, at, errors);
        let end = errors.len();
        drop_explained_by_typos(errors, mark, end);
    }
    ev.next(); // SequenceEnd
}

fn read_source(item: &Node, at: usize, errors: &mut Vec<FactError>) -> Option<RawSource> {
    let item = Item::of(item, at, "a source", "at least `id`", &SOURCE_KEYS, errors)?;
    let id = item.located("id", errors);
    if id.is_none() {
        errors.push((
            point(at),
            ErrorKind::MissingField {
                field: "id",
                context: "a source",
            },
        ));
    }
    Some(RawSource {
        id,
        title: item.string("title"),
        publisher: item.string("publisher"),
        date: item.string("date"),
        url: item.string("url"),
        text: item.located("text", errors),
        name: item.string("name"),
        role: item.string("role"),
        via: item.located("via", errors),
        span: point(at),
    })
}

fn read_entity(item: &Node, at: usize, errors: &mut Vec<FactError>) -> Option<RawEntity> {
    let item = Item::of(
        item,
        at,
        "an entity",
        "`name` and `kind`",
        &ENTITY_KEYS,
        errors,
    )?;
    let name = item.located("name", errors);
    let kind = item.located("kind", errors);
    let aka = match item.get("aka") {
        None => Vec::new(),
        Some(Node {
            kind: Kind::Seq(names),
            ..
        }) => names.iter().filter_map(Node::located).collect(),
        Some(v) => v.located().into_iter().collect(),
    };
    match (name, kind) {
        (Some(name), Some(kind)) => {
            return Some(RawEntity {
                name,
                kind,
                aka,
                span: point(at),
            })
        }
        (None, _) => errors.push((
            point(at),
            ErrorKind::MissingField {
                field: "name",
                context: "an entity",
            },
        )),
        (_, None) => errors.push((
            point(at),
            ErrorKind::MissingField {
                field: "kind",
                context: "an entity",
            },
        )),
    }
    None
}

/// `groups:` maps each group's name to its members.
fn read_groups<'a>(
    ev: &mut Events<'a>,
    key: &Node,
    out: &mut RawFactFile,
    errors: &mut Vec<FactError>,
) {
    if !matches!(ev.peek(), Event::MappingStart(..)) {
        if matches!(ev.peek(), Event::Scalar(..)) {
            if matches!(read_node(ev, MAX_NODE_DEPTH).kind, Kind::Null) {
                return;
            }
        } else {
            ev.skip();
        }
        errors.push((
            Span::new(key.start(), key.start() + 6),
            ErrorKind::BadFact {
                message: "`groups` maps each group name to a list of entities".into(),
            },
        ));
        return;
    }
    ev.next();
    let mut seen: FxHashSet<String> = FxHashSet::default();
    while !ev.at_end() {
        let k = read_node(ev, MAX_NODE_DEPTH - 1);
        if let Kind::Str(s) = &k.kind {
            if !seen.insert(s.to_string()) {
                ev.duplicate_key(&k);
            }
        }
        let v = read_node(ev, 1);
        let name = k.text().unwrap_or_default().to_string();
        let at = k.start();
        let members = match &v.kind {
            Kind::Seq(s) => s.iter().filter_map(Node::located).collect(),
            Kind::Null => Vec::new(),
            _ => {
                errors.push((
                    point(at),
                    ErrorKind::BadFact {
                        message: format!("group `{name}` must be a list of entities"),
                    },
                ));
                continue;
            }
        };
        out.groups.push(RawGroup {
            name: Located {
                span: k.value_span(),
                text: name.into(),
            },
            members,
        });
    }
    ev.next(); // MappingEnd
}

fn read_fact(item: &Node, at: usize, errors: &mut Vec<FactError>) -> Option<RawFact> {
    let item = Item::of(
        item,
        at,
        "a fact",
        "`says`, `relation` or `only`, and `source`",
        &FACT_KEYS,
        errors,
    )?;
    let forms = ["says", "relation", "only"]
        .iter()
        .filter(|k| item.has(k))
        .count();
    if forms != 1 {
        errors.push((point(at), ErrorKind::FactForm));
        return None;
    }
    let body = if let Some(s) = item.located("says", errors) {
        RawFactBody::Says(s)
    } else if let Some(relation) = item.located("relation", errors) {
        let mut args = Vec::new();
        match item.get("args") {
            Some(Node {
                kind: Kind::Map(m), ..
            }) => {
                for (k, v) in m {
                    let key = k.text().unwrap_or_default();
                    let k_at = k.start();
                    let Some(value) = v.located() else {
                        errors.push((
                            point(k_at),
                            ErrorKind::BadFact {
                                message: format!("argument `{key}` must be a single value"),
                            },
                        ));
                        continue;
                    };
                    args.push((
                        Located {
                            span: k.value_span(),
                            text: key.into(),
                        },
                        value,
                    ));
                }
            }
            None
            | Some(Node {
                kind: Kind::Null, ..
            }) => {}
            Some(v) => {
                errors.push((
                    point(v.start()),
                    ErrorKind::BadFact {
                        message: "`args` maps slot names to values".into(),
                    },
                ));
                return None;
            }
        }
        let negated = match item.get("negated") {
            None => false,
            Some(Node {
                kind: Kind::Bool(b),
                ..
            }) => *b,
            Some(v) => {
                errors.push((
                    point(v.start()),
                    ErrorKind::BadFact {
                        message: "`negated` is `true` or `false`".into(),
                    },
                ));
                false
            }
        };
        RawFactBody::Structured {
            relation,
            args,
            negated,
        }
    } else if let Some(sentences) = item.located("only", errors) {
        let Some(among) = item.located("among", errors) else {
            errors.push((
                point(at),
                ErrorKind::MissingField {
                    field: "among",
                    context: "an `only` fact",
                },
            ));
            return None;
        };
        RawFactBody::Only { sentences, among }
    } else {
        return None;
    };
    if !matches!(body, RawFactBody::Structured { .. }) {
        for k in ["args", "negated"] {
            if let Some(v) = item.get(k) {
                errors.push((
                    point(v.start()),
                    ErrorKind::BadFact {
                        message: format!("`{k}` belongs to a `relation:` fact"),
                    },
                ));
            }
        }
    }
    if !matches!(body, RawFactBody::Only { .. }) {
        if let Some(v) = item.get("among") {
            errors.push((
                point(v.start()),
                ErrorKind::BadFact {
                    message: "`among` belongs to an `only:` fact".into(),
                },
            ));
        }
    }
    let Some(source) = item.located("source", errors) else {
        errors.push((
            point(at),
            ErrorKind::MissingField {
                field: "source",
                context: "a fact",
            },
        ));
        return None;
    };
    Some(RawFact {
        body,
        source,
        quote: item.located("quote", errors),
        as_of: item.located("as_of", errors),
        note: item.string("note"),
        span: point(at),
    })
}
