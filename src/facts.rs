//! Fact files: YAML (docs/language.md §11) and JSONL bulk facts (§3.5), read with serde
//! into raw, located records. Nothing is resolved here: names stay strings,
//! sentences stay text. serde_yaml gives no positions for values, so a small
//! `Locator` finds each item's and key's place in the block-style text.

use std::borrow::Cow;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_yaml::Value;

use crate::diag::{nearest, ErrorKind, Span};

pub type FactError = (Span, ErrorKind);

/// A string from a fact file, with where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    pub text: String,
    pub span: Span,
}

#[derive(Clone, Debug, Default)]
pub struct RawFactFile {
    pub sources: Vec<RawSource>,
    pub entities: Vec<RawEntity>,
    pub groups: Vec<RawGroup>,
    pub facts: Vec<RawFact>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawSource {
    pub id: Option<Located>,
    pub title: Option<String>,
    pub publisher: Option<String>,
    pub date: Option<String>,
    pub url: Option<String>,
    pub text: Option<Located>,
    pub name: Option<String>,
    pub role: Option<String>,
    pub via: Option<Located>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct RawEntity {
    pub name: Located,
    pub kind: Located,
    pub aka: Vec<Located>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct RawGroup {
    pub name: Located,
    pub members: Vec<Located>,
}

#[derive(Clone, Debug)]
pub enum RawFactBody {
    Says(Located),
    Structured {
        relation: Located,
        args: Vec<(Located, Located)>,
        negated: bool,
    },
    Only {
        sentences: Located,
        among: Located,
    },
}

#[derive(Clone, Debug)]
pub struct RawFact {
    pub body: RawFactBody,
    pub source: Located,
    pub quote: Option<Located>,
    pub as_of: Option<Located>,
    pub note: Option<String>,
    /// Where the fact's item starts.
    pub span: Span,
}

/// The keys a fact file may hold, by section (also offered by the editor's
/// completion, so the two can never disagree).
pub const TOP_KEYS: [&str; 4] = ["sources", "entities", "groups", "facts"];
pub const SOURCE_KEYS: [&str; 9] = [
    "id",
    "title",
    "publisher",
    "date",
    "url",
    "text",
    "name",
    "role",
    "via",
];
pub const ENTITY_KEYS: [&str; 3] = ["name", "kind", "aka"];
pub const FACT_KEYS: [&str; 10] = [
    "says", "relation", "args", "negated", "only", "among", "source", "quote", "as_of", "note",
];
const JSON_FACT_KEYS: [&str; 7] = [
    "relation", "args", "negated", "source", "quote", "as_of", "note",
];

// ---------------------------------------------------------------------------
// Locating items and keys in block-style YAML.

struct Line {
    start: usize,
    indent: usize,
    /// Content after indentation.
    body_at: usize,
}

pub struct Locator<'t> {
    text: &'t str,
    lines: Vec<Line>,
}

impl<'t> Locator<'t> {
    pub fn new(text: &'t str) -> Locator<'t> {
        let mut lines = Vec::new();
        let mut at = 0;
        for l in text.split_inclusive('\n') {
            let indent = l.len() - l.trim_start_matches(' ').len();
            lines.push(Line {
                start: at,
                indent,
                body_at: at + indent,
            });
            at += l.len();
        }
        Locator { text, lines }
    }

    fn content(&self, i: usize) -> &'t str {
        let l = &self.lines[i];
        let end = self.lines.get(i + 1).map_or(self.text.len(), |n| n.start);
        self.text[l.body_at..end].trim_end()
    }

    fn blank(&self, i: usize) -> bool {
        let c = self.content(i);
        c.is_empty() || c.starts_with('#')
    }

    /// Line index of the top-level `key:`.
    fn section(&self, key: &str) -> Option<usize> {
        (0..self.lines.len()).find(|&i| {
            self.lines[i].indent == 0
                && self
                    .content(i)
                    .strip_prefix(key)
                    .is_some_and(|r| r.trim_start().starts_with(':'))
        })
    }

    /// The lines where the items of a top-level section start (sequence items
    /// `- …`, or mapping keys for `groups`), with the section's end line.
    fn items(&self, key: &str) -> (Vec<usize>, usize) {
        let Some(sec) = self.section(key) else {
            return (Vec::new(), 0);
        };
        let mut items = Vec::new();
        let mut item_indent = None;
        let mut end = self.lines.len();
        for i in sec + 1..self.lines.len() {
            if self.blank(i) {
                continue;
            }
            let ind = self.lines[i].indent;
            let c = self.content(i);
            let is_dash = c == "-" || c.starts_with("- ");
            if ind == 0 && !is_dash {
                end = i;
                break;
            }
            match item_indent {
                None => {
                    item_indent = Some(ind);
                    items.push(i);
                }
                Some(ii) if ind == ii && (is_dash || key == "groups") => items.push(i),
                _ => {}
            }
        }
        (items, end)
    }

    /// Byte offset of `key` itself (where [`Self::key_value`] finds its value).
    fn key_at(&self, from: usize, to: usize, key: &str) -> Option<usize> {
        let v = self.key_value(from, to, key)?;
        let line_start = self.text[..v].rfind('\n').map_or(0, |i| i + 1);
        Some(
            self.text[line_start..v]
                .rfind(key)
                .map_or(v, |p| line_start + p),
        )
    }

    /// Byte offset of the value of `key` within lines `from..to`, else of the
    /// line `from` itself.
    fn key_value(&self, from: usize, to: usize, key: &str) -> Option<usize> {
        for i in from..to.min(self.lines.len()) {
            let c = self.content(i);
            let (c, shift) = match c.strip_prefix("- ") {
                Some(r) => {
                    let r2 = r.trim_start();
                    (r2, 2 + r.len() - r2.len())
                }
                None => (c, 0),
            };
            if let Some(r) = c.strip_prefix(key) {
                if let Some(v) = r.strip_prefix(':') {
                    let lead = v.len() - v.trim_start().len();
                    let mut at = self.lines[i].body_at + shift + key.len() + 1 + lead;
                    if v.trim_start().starts_with(['"', '\'']) {
                        at += 1;
                    }
                    return Some(at);
                }
            }
        }
        // A flow mapping (`{a: x, b: y}`): the key after `{` or `,`. An
        // empty key (YAML null, `{}: x`) is found everywhere: never search it.
        if key.is_empty() {
            return None;
        }
        for i in from..to.min(self.lines.len()) {
            let c = self.content(i);
            let mut search = 0;
            while let Some(p) = c[search..].find(key) {
                let p = search + p;
                let before = c[..p].trim_end().chars().last();
                let after = c[p + key.len()..].trim_start();
                if matches!(before, Some('{' | ',')) && after.starts_with(':') {
                    // Point at the value (past `key:`, spaces and a quote).
                    let v = &c[p + key.len()..];
                    let v = v.trim_start().strip_prefix(':').unwrap_or(v);
                    let lead = v.len() - v.trim_start().len();
                    let quote = usize::from(v.trim_start().starts_with(['"', '\'']));
                    return Some(self.lines[i].body_at + c.len() - v.len() + lead + quote);
                }
                search = p + key.len();
            }
        }
        None
    }
}

// ---------------------------------------------------------------------------
// Reading values.

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        // A YAML float that is a whole number (`1e3`) reads as written: 1000.
        Value::Number(n) => Some(match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
            _ => n.to_string(),
        }),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn span_at(at: usize, text: &str) -> Span {
    Span::new(at, at + text.len().max(1))
}

struct Item<'a> {
    map: &'a serde_yaml::Mapping,
    from: usize,
    to: usize,
    at: usize,
}

impl Item<'_> {
    fn located(&self, loc: &Locator, key: &str, errors: &mut Vec<FactError>) -> Option<Located> {
        let v = self.map.get(key)?;
        let at = loc.key_value(self.from, self.to, key).unwrap_or(self.at);
        match scalar(v) {
            Some(text) => Some(Located {
                span: span_at(at, &text),
                text,
            }),
            None => {
                errors.push((
                    Span::new(at, at + 1),
                    ErrorKind::BadFact {
                        message: format!("`{key}` must be a single value, not a list or mapping"),
                    },
                ));
                None
            }
        }
    }

    fn string(&self, key: &str) -> Option<String> {
        self.map.get(key).and_then(scalar)
    }

    fn check_keys(
        &self,
        loc: &Locator,
        known: &[&str],
        context: &'static str,
        errors: &mut Vec<FactError>,
    ) {
        for k in self.map.keys() {
            let name = scalar(k).unwrap_or_default();
            if !known.contains(&name.as_str()) {
                let at = loc.key_at(self.from, self.to, &name).unwrap_or(self.at);
                errors.push((
                    Span::new(at, at + name.len().max(1)),
                    ErrorKind::UnknownKey {
                        suggestions: nearest(&name, known.iter().copied()),
                        key: name,
                        context,
                    },
                ));
            }
        }
    }
}

/// A misspelt key also leaves its field missing. Among `errors[from..]` (one
/// item's), drops the missing-field errors that an unknown key's suggestion
/// already explains, so one typo is one error.
fn drop_explained_by_typos(errors: &mut Vec<FactError>, from: usize, to: usize) {
    let meant: Vec<String> = errors[from..to]
        .iter()
        .filter_map(|(_, k)| match k {
            ErrorKind::UnknownKey { suggestions, .. } => Some(suggestions.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    if meant.is_empty() {
        return;
    }
    let explained = |k: &ErrorKind| match k {
        ErrorKind::MissingField { field, .. } => meant.iter().any(|m| m == field),
        ErrorKind::FactForm => meant
            .iter()
            .any(|m| ["says", "relation", "only"].contains(&m.as_str())),
        _ => false,
    };
    let mut i = from;
    let mut to = to;
    while i < to {
        if explained(&errors[i].1) {
            errors.remove(i);
            to -= 1;
        } else {
            i += 1;
        }
    }
}

fn yaml_error(e: &serde_yaml::Error, text: &str) -> FactError {
    let at = e.location().map_or(0, |l| l.index().min(text.len()));
    let message = e.to_string();
    // serde_yaml appends " at line N column M"; the renderer shows that already.
    let message = match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message,
    };
    (Span::new(at, at + 1), ErrorKind::Yaml { message })
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

/// Parses one YAML fact file. Returns what could be read and every error.
pub fn parse_yaml(text: &str) -> (RawFactFile, Vec<FactError>) {
    let mut out = RawFactFile::default();
    let mut errors = Vec::new();
    if let Some(at) = flow_too_deep(text) {
        errors.push((
            Span::new(at, at + 1),
            ErrorKind::YamlTooDeep {
                limit: MAX_YAML_FLOW_DEPTH,
            },
        ));
        return (out, errors);
    }
    let doc: Value = match serde_yaml::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            errors.push(yaml_error(&e, text));
            return (out, errors);
        }
    };
    let root = match doc {
        Value::Null => return (out, errors),
        Value::Mapping(m) => m,
        _ => {
            errors.push((
                Span::new(0, 1),
                ErrorKind::BadFact {
                    message:
                        "a fact file is a mapping with `sources`, `entities`, `groups` and `facts`"
                            .into(),
                },
            ));
            return (out, errors);
        }
    };
    let loc = Locator::new(text);
    // Where each item's errors start, to drop those a key typo explains.
    let mut item_marks: Vec<usize> = Vec::new();
    for k in root.keys() {
        let name = scalar(k).unwrap_or_default();
        if !TOP_KEYS.contains(&name.as_str()) {
            let at = loc.section(&name).map_or(0, |i| loc.lines[i].start);
            errors.push((
                Span::new(at, at + name.len().max(1)),
                ErrorKind::UnknownKey {
                    suggestions: nearest(&name, TOP_KEYS),
                    key: name,
                    context: "a fact file",
                },
            ));
        }
    }

    let seq_items = |key: &str, errors: &mut Vec<FactError>| -> Vec<(Value, usize, usize, usize)> {
        let Some(v) = root.get(key) else {
            return Vec::new();
        };
        let (lines, end) = loc.items(key);
        let sec_at = loc.section(key).map_or(0, |i| loc.lines[i].start);
        match v {
            Value::Null => Vec::new(),
            Value::Sequence(s) => {
                let aligned = lines.len() == s.len();
                s.iter()
                    .enumerate()
                    .map(|(i, item)| {
                        if aligned {
                            let from = lines[i];
                            let to = lines.get(i + 1).copied().unwrap_or(end);
                            (item.clone(), from, to, loc.lines[from].body_at)
                        } else {
                            (item.clone(), 0, 0, sec_at)
                        }
                    })
                    .collect()
            }
            _ => {
                errors.push((
                    Span::new(sec_at, sec_at + key.len()),
                    ErrorKind::BadFact {
                        message: format!("`{key}` must be a list"),
                    },
                ));
                Vec::new()
            }
        }
    };

    for (v, from, to, at) in seq_items("sources", &mut errors) {
        item_marks.push(errors.len());
        let Value::Mapping(map) = &v else {
            errors.push((
                Span::new(at, at + 1),
                ErrorKind::BadFact {
                    message: "a source is a mapping with at least `id`".into(),
                },
            ));
            continue;
        };
        let item = Item { map, from, to, at };
        item.check_keys(&loc, &SOURCE_KEYS, "a source", &mut errors);
        let id = item.located(&loc, "id", &mut errors);
        if id.is_none() {
            errors.push((
                Span::new(at, at + 1),
                ErrorKind::MissingField {
                    field: "id",
                    context: "a source",
                },
            ));
        }
        out.sources.push(RawSource {
            id,
            title: item.string("title"),
            publisher: item.string("publisher"),
            date: item.string("date"),
            url: item.string("url"),
            text: item.located(&loc, "text", &mut errors),
            name: item.string("name"),
            role: item.string("role"),
            via: item.located(&loc, "via", &mut errors),
            span: Span::new(at, at + 1),
        });
    }

    for (v, from, to, at) in seq_items("entities", &mut errors) {
        item_marks.push(errors.len());
        let Value::Mapping(map) = &v else {
            errors.push((
                Span::new(at, at + 1),
                ErrorKind::BadFact {
                    message: "an entity is a mapping with `name` and `kind`".into(),
                },
            ));
            continue;
        };
        let item = Item { map, from, to, at };
        item.check_keys(&loc, &ENTITY_KEYS, "an entity", &mut errors);
        let name = item.located(&loc, "name", &mut errors);
        let kind = item.located(&loc, "kind", &mut errors);
        let aka_at = loc.key_value(from, to, "aka").unwrap_or(at);
        let aka = match map.get("aka") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Sequence(s)) => s
                .iter()
                .filter_map(scalar)
                .map(|t| Located {
                    span: span_at(aka_at, &t),
                    text: t,
                })
                .collect(),
            Some(v) => scalar(v)
                .map(|t| {
                    vec![Located {
                        span: span_at(aka_at, &t),
                        text: t,
                    }]
                })
                .unwrap_or_default(),
        };
        match (name, kind) {
            (Some(name), Some(kind)) => out.entities.push(RawEntity {
                name,
                kind,
                aka,
                span: Span::new(at, at + 1),
            }),
            (None, _) => errors.push((
                Span::new(at, at + 1),
                ErrorKind::MissingField {
                    field: "name",
                    context: "an entity",
                },
            )),
            (_, None) => errors.push((
                Span::new(at, at + 1),
                ErrorKind::MissingField {
                    field: "kind",
                    context: "an entity",
                },
            )),
        }
    }

    if let Some(g) = root.get("groups") {
        let sec = loc.section("groups");
        let (lines, end) = loc.items("groups");
        match g {
            Value::Null => {}
            Value::Mapping(m) => {
                for (k, v) in m {
                    let name = scalar(k).unwrap_or_default();
                    let line = lines.iter().copied().find(|&i| {
                        loc.content(i)
                            .strip_prefix(name.as_str())
                            .is_some_and(|r| r.trim_start().starts_with(':'))
                    });
                    let at = line.map_or(sec.map_or(0, |i| loc.lines[i].start), |i| {
                        loc.lines[i].body_at
                    });
                    let to = line.map_or(end, |l| {
                        lines.iter().copied().find(|&x| x > l).unwrap_or(end)
                    });
                    let member_at = line.and_then(|l| loc.key_value(l, to, &name)).unwrap_or(at);
                    let members = match v {
                        Value::Sequence(s) => s
                            .iter()
                            .filter_map(scalar)
                            .map(|t| Located {
                                span: span_at(member_at, &t),
                                text: t,
                            })
                            .collect(),
                        Value::Null => Vec::new(),
                        _ => {
                            errors.push((
                                Span::new(at, at + 1),
                                ErrorKind::BadFact {
                                    message: format!("group `{name}` must be a list of entities"),
                                },
                            ));
                            continue;
                        }
                    };
                    out.groups.push(RawGroup {
                        name: Located {
                            span: span_at(at, &name),
                            text: name,
                        },
                        members,
                    });
                }
            }
            _ => {
                let at = sec.map_or(0, |i| loc.lines[i].start);
                errors.push((
                    Span::new(at, at + 6),
                    ErrorKind::BadFact {
                        message: "`groups` maps each group name to a list of entities".into(),
                    },
                ));
            }
        }
    }

    for (v, from, to, at) in seq_items("facts", &mut errors) {
        item_marks.push(errors.len());
        let Value::Mapping(map) = &v else {
            errors.push((
                Span::new(at, at + 1),
                ErrorKind::BadFact {
                    message: "a fact is a mapping with `says`, `relation` or `only`, and `source`"
                        .into(),
                },
            ));
            continue;
        };
        let item = Item { map, from, to, at };
        item.check_keys(&loc, &FACT_KEYS, "a fact", &mut errors);
        if let Some(f) = read_fact(&item, &loc, &mut errors) {
            out.facts.push(f);
        }
    }
    let mut end = errors.len();
    for &mark in item_marks.iter().rev() {
        drop_explained_by_typos(&mut errors, mark, end);
        end = mark;
    }
    (out, errors)
}

fn read_fact(item: &Item, loc: &Locator, errors: &mut Vec<FactError>) -> Option<RawFact> {
    let at = item.at;
    let forms = ["says", "relation", "only"]
        .iter()
        .filter(|k| item.map.contains_key(**k))
        .count();
    if forms != 1 {
        errors.push((Span::new(at, at + 1), ErrorKind::FactForm));
        return None;
    }
    let body = if let Some(s) = item.located(loc, "says", errors) {
        RawFactBody::Says(s)
    } else if let Some(relation) = item.located(loc, "relation", errors) {
        let args_at = loc.key_value(item.from, item.to, "args").unwrap_or(at);
        let mut args = Vec::new();
        match item.map.get("args") {
            Some(Value::Mapping(m)) => {
                for (k, v) in m {
                    let key = scalar(k).unwrap_or_default();
                    let k_at = loc.key_at(item.from, item.to, &key).unwrap_or(args_at);
                    let v_at = loc.key_value(item.from, item.to, &key).unwrap_or(k_at);
                    let Some(val) = scalar(v) else {
                        errors.push((
                            Span::new(k_at, k_at + 1),
                            ErrorKind::BadFact {
                                message: format!("argument `{key}` must be a single value"),
                            },
                        ));
                        continue;
                    };
                    args.push((
                        Located {
                            span: span_at(k_at, &key),
                            text: key,
                        },
                        Located {
                            span: span_at(v_at, &val),
                            text: val,
                        },
                    ));
                }
            }
            None | Some(Value::Null) => {}
            Some(_) => {
                errors.push((
                    Span::new(args_at, args_at + 1),
                    ErrorKind::BadFact {
                        message: "`args` maps slot names to values".into(),
                    },
                ));
                return None;
            }
        }
        let negated = match item.map.get("negated") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                let n_at = loc.key_value(item.from, item.to, "negated").unwrap_or(at);
                errors.push((
                    Span::new(n_at, n_at + 1),
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
    } else if let Some(sentences) = item.located(loc, "only", errors) {
        let Some(among) = item.located(loc, "among", errors) else {
            errors.push((
                Span::new(at, at + 1),
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
            if item.map.contains_key(k) {
                let k_at = loc.key_value(item.from, item.to, k).unwrap_or(at);
                errors.push((
                    Span::new(k_at, k_at + 1),
                    ErrorKind::BadFact {
                        message: format!("`{k}` belongs to a `relation:` fact"),
                    },
                ));
            }
        }
    }
    if !matches!(body, RawFactBody::Only { .. }) && item.map.contains_key("among") {
        let k_at = loc.key_value(item.from, item.to, "among").unwrap_or(at);
        errors.push((
            Span::new(k_at, k_at + 1),
            ErrorKind::BadFact {
                message: "`among` belongs to an `only:` fact".into(),
            },
        ));
    }
    let Some(source) = item.located(loc, "source", errors) else {
        errors.push((
            Span::new(at, at + 1),
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
        quote: item.located(loc, "quote", errors),
        as_of: item.located(loc, "as_of", errors),
        note: item.string("note"),
        span: Span::new(at, at + 1),
    })
}

// ---------------------------------------------------------------------------
// JSONL.

/// A string of a JSONL fact, borrowed from the line unless it had escapes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lstr<'a> {
    pub text: Cow<'a, str>,
    pub span: Span,
}

impl Lstr<'_> {
    pub fn owned(&self) -> Located {
        Located {
            text: self.text.to_string(),
            span: self.span,
        }
    }
}

/// A JSON value where a single value belongs: its text (a string as is, a
/// number as JSON writes it, `true`/`false`), `null`, or a list or object.
enum JScalar<'a> {
    Text(Cow<'a, str>),
    Null,
    Composite,
}

impl<'de> Deserialize<'de> for JScalar<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = JScalar<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(JScalar::Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(JScalar::Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(JScalar::Text(Cow::Owned(v)))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
                Ok(JScalar::Text(Cow::Borrowed(if v {
                    "true"
                } else {
                    "false"
                })))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
                Ok(JScalar::Text(Cow::Owned(v.to_string())))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
                Ok(JScalar::Text(Cow::Owned(v.to_string())))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
                // As serde_json writes the number (`2500.5`, `1000.0`).
                Ok(JScalar::Text(Cow::Owned(
                    serde_json::Number::from_f64(v)
                        .map_or_else(|| v.to_string(), |n| n.to_string()),
                )))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(JScalar::Null)
            }
            fn visit_none<E>(self) -> Result<Self::Value, E> {
                Ok(JScalar::Null)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(JScalar::Composite)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(JScalar::Composite)
            }
        }
        d.deserialize_any(V)
    }
}

/// `args`: absent or null, an object (pairs in order), or something else.
enum JArgs<'a> {
    Null,
    Map(Vec<(Cow<'a, str>, JScalar<'a>)>),
    Other,
}

impl<'de> Deserialize<'de> for JArgs<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = JArgs<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = a.next_key::<CowStr<'de>>()? {
                    out.push((k.0, a.next_value::<JScalar>()?));
                }
                Ok(JArgs::Map(out))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(JArgs::Null)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(JArgs::Other)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(JArgs::Other)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(JArgs::Other)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(JArgs::Other)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(JArgs::Other)
            }
            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok(JArgs::Other)
            }
        }
        d.deserialize_any(V)
    }
}

/// `negated`: absent or null, a JSON boolean, or anything else.
#[derive(Default)]
enum JBool {
    #[default]
    Null,
    Bool(bool),
    Other,
}

impl<'de> Deserialize<'de> for JBool {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = JBool;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
                Ok(JBool::Bool(v))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(JBool::Null)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(JBool::Other)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(JBool::Other)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(JBool::Other)
            }
            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok(JBool::Other)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(JBool::Other)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(JBool::Other)
            }
        }
        d.deserialize_any(V)
    }
}

/// A map key, borrowed when it has no escapes.
struct CowStr<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for CowStr<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = CowStr<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// One JSONL line as read: every known key, and the unknown ones.
#[derive(Default)]
struct JLine<'a> {
    relation: Option<JScalar<'a>>,
    source: Option<JScalar<'a>>,
    quote: Option<JScalar<'a>>,
    as_of: Option<JScalar<'a>>,
    note: Option<JScalar<'a>>,
    args: Option<JArgs<'a>>,
    negated: JBool,
    unknown: Vec<Cow<'a, str>>,
}

/// The marker error of a line that is valid JSON but no object.
const NOT_AN_OBJECT: &str = "claimcheck: not an object";

impl<'de> Deserialize<'de> for JLine<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = JLine<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(NOT_AN_OBJECT)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                let mut l = JLine::default();
                while let Some(k) = a.next_key::<CowStr<'de>>()? {
                    // A repeated key: the last one counts (as in a JSON object).
                    match k.0.as_ref() {
                        "relation" => l.relation = Some(a.next_value()?),
                        "source" => l.source = Some(a.next_value()?),
                        "quote" => l.quote = Some(a.next_value()?),
                        "as_of" => l.as_of = Some(a.next_value()?),
                        "note" => l.note = Some(a.next_value()?),
                        "args" => l.args = Some(a.next_value()?),
                        "negated" => l.negated = a.next_value()?,
                        _ => {
                            a.next_value::<IgnoredAny>()?;
                            if !l.unknown.contains(&k.0) {
                                l.unknown.push(k.0);
                            }
                        }
                    }
                }
                Ok(l)
            }
        }
        d.deserialize_any(V)
    }
}

/// A structured fact read from one JSONL line, its strings borrowed from the
/// file's text where they have no escapes.
#[derive(Clone, Debug)]
pub struct JsonlFact<'a> {
    pub relation: Lstr<'a>,
    pub source: Lstr<'a>,
    /// In key order; a repeated key once (its last value).
    pub args: Vec<(Lstr<'a>, Lstr<'a>)>,
    pub negated: bool,
    pub quote: Option<Lstr<'a>>,
    pub as_of: Option<Lstr<'a>>,
    pub note: Option<Cow<'a, str>>,
    /// The line, from its first non-blank byte.
    pub span: Span,
}

/// The span of `"key"` in `body` (which starts at byte `start`), else `here`.
fn key_span(body: &str, start: usize, key: &str, here: Span) -> Span {
    let b = body.as_bytes();
    let mut from = 0;
    while let Some(p) = body[from..].find(key) {
        let p = from + p;
        if p > 0 && b[p - 1] == b'"' && b.get(p + key.len()) == Some(&b'"') {
            return Span::new(start + p - 1, start + p + key.len() + 1);
        }
        from = p + 1;
    }
    here
}

fn json_error(e: &serde_json::Error, body: &str, start: usize) -> FactError {
    let col = e.column().saturating_sub(1).min(body.len());
    let msg = e.to_string();
    let msg = msg
        .find(" at line ")
        .map_or(msg.clone(), |i| msg[..i].to_string());
    // The column counts bytes; keep the span on a character boundary.
    let mut at = col;
    while at > 0 && !body.is_char_boundary(at) {
        at -= 1;
    }
    (
        Span::new(start + at, start + at + 1),
        ErrorKind::Json { message: msg },
    )
}

/// Reads one line of a JSONL file. `line` is the line with its end, `start`
/// its byte offset in the file. `None` when the line is blank or has errors
/// (pushed to `errors`).
pub fn parse_jsonl_line<'a>(
    line: &'a str,
    start: usize,
    errors: &mut Vec<FactError>,
) -> Option<JsonlFact<'a>> {
    let body = line.trim_end();
    if body.trim().is_empty() {
        return None;
    }
    let mark = errors.len();
    let lead = body.len() - body.trim_start().len();
    let here = Span::new(start + lead, start + body.len());
    let find = |key: &str| key_span(body, start, key, here);
    let l: JLine = match serde_json::from_str(body) {
        Ok(l) => l,
        Err(e) if e.classify() == serde_json::error::Category::Data => {
            // Valid JSON that is no object, or a syntax error further on.
            match serde_json::from_str::<IgnoredAny>(body) {
                Err(e) => errors.push(json_error(&e, body, start)),
                Ok(_) => errors.push((
                    here,
                    ErrorKind::Json {
                        message: "each line is one JSON object".into(),
                    },
                )),
            }
            return None;
        }
        Err(e) => {
            errors.push(json_error(&e, body, start));
            return None;
        }
    };
    let mut ok = true;
    for k in &l.unknown {
        ok = false;
        errors.push((
            find(k),
            ErrorKind::UnknownKey {
                key: k.to_string(),
                context: "a JSONL fact",
                suggestions: nearest(k, JSON_FACT_KEYS),
            },
        ));
    }
    let get = |v: Option<JScalar<'a>>, key: &str| -> Option<Lstr<'a>> {
        match v {
            Some(JScalar::Text(t)) => Some(Lstr {
                text: t,
                span: find(key),
            }),
            _ => None,
        }
    };
    let parsed = (|| {
        let Some(relation) = get(l.relation, "relation") else {
            errors.push((
                here,
                ErrorKind::MissingField {
                    field: "relation",
                    context: "a JSONL fact",
                },
            ));
            return None;
        };
        let Some(source) = get(l.source, "source") else {
            errors.push((
                here,
                ErrorKind::MissingField {
                    field: "source",
                    context: "a JSONL fact",
                },
            ));
            return None;
        };
        let mut args = Vec::new();
        match l.args {
            Some(JArgs::Map(pairs)) => {
                // Key order, and a repeated key's last value.
                let mut pairs: Vec<(Cow<str>, JScalar)> = pairs;
                pairs.reverse();
                let mut seen: Vec<Cow<str>> = Vec::new();
                pairs.retain(|(k, _)| {
                    if seen.contains(k) {
                        false
                    } else {
                        seen.push(k.clone());
                        true
                    }
                });
                pairs.sort_by(|a, b| a.0.cmp(&b.0));
                for (k, v) in pairs {
                    let sp = find(&k);
                    match v {
                        JScalar::Text(t) => {
                            args.push((Lstr { text: k, span: sp }, Lstr { text: t, span: sp }))
                        }
                        _ => {
                            ok = false;
                            errors.push((
                                sp,
                                ErrorKind::BadFact {
                                    message: format!("argument `{k}` must be a string or a number"),
                                },
                            ));
                        }
                    }
                }
            }
            None | Some(JArgs::Null) => {}
            Some(JArgs::Other) => {
                ok = false;
                errors.push((
                    find("args"),
                    ErrorKind::BadFact {
                        message: "`args` maps slot names to values".into(),
                    },
                ));
            }
        }
        let negated = match l.negated {
            JBool::Null => false,
            JBool::Bool(b) => b,
            JBool::Other => {
                ok = false;
                errors.push((
                    find("negated"),
                    ErrorKind::BadFact {
                        message: "`negated` is `true` or `false`".into(),
                    },
                ));
                false
            }
        };
        if !ok {
            return None;
        }
        Some(JsonlFact {
            relation,
            source,
            args,
            negated,
            quote: get(l.quote, "quote"),
            as_of: get(l.as_of, "as_of"),
            note: match l.note {
                Some(JScalar::Text(t)) => Some(t),
                _ => None,
            },
            span: here,
        })
    })();
    let end = errors.len();
    drop_explained_by_typos(errors, mark, end);
    parsed
}

/// Parses a JSONL file: one structured fact per non-blank line (owned; the
/// analyzer reads lines in parallel with `parse_jsonl_line`).
pub fn parse_jsonl(text: &str) -> (Vec<RawFact>, Vec<FactError>) {
    let mut facts = Vec::new();
    let mut errors = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        if let Some(f) = parse_jsonl_line(line, start, &mut errors) {
            facts.push(RawFact {
                body: RawFactBody::Structured {
                    relation: f.relation.owned(),
                    args: f.args.iter().map(|(k, v)| (k.owned(), v.owned())).collect(),
                    negated: f.negated,
                },
                source: f.source.owned(),
                quote: f.quote.as_ref().map(Lstr::owned),
                as_of: f.as_of.as_ref().map(Lstr::owned),
                note: f.note.map(|n| n.to_string()),
                span: f.span,
            });
        }
    }
    (facts, errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::line_col;

    const DOC: &str = "sources:\n  - id: axis-report\n    title: The limits\n  - id: gabuev\n    via: axis-report\nentities:\n  - name: North Korea\n    kind: country\n    aka: [DPRK, Pyongyang]\ngroups:\n  axis: [Russia, China]\nfacts:\n  - says: North Korea sent troops to Russia\n    source: axis-report\n  - relation: treaty\n    args: {a: Russia, b: North Korea}\n    source: gabuev\n    qoute: x\n";

    #[test]
    fn reads_every_section_with_positions() {
        let (f, errors) = parse_yaml(DOC);
        assert_eq!(f.sources.len(), 2);
        assert_eq!(f.sources[1].via.as_ref().unwrap().text, "axis-report");
        assert_eq!(f.entities[0].aka.len(), 2);
        assert_eq!(f.groups[0].members.len(), 2);
        assert_eq!(f.facts.len(), 2);
        let RawFactBody::Says(s) = &f.facts[0].body else {
            panic!()
        };
        assert_eq!(line_col(DOC, s.span.start as usize), (13, 11));
        assert_eq!(errors.len(), 1);
        assert_eq!(line_col(DOC, errors[0].0.start as usize), (18, 5));
        assert!(
            matches!(&errors[0].1, ErrorKind::UnknownKey { suggestions, .. } if suggestions == &["quote"])
        );
    }

    #[test]
    fn jsonl_facts() {
        let text = "{\"relation\":\"troops\",\"args\":{\"from\":\"North Korea\",\"n\":14000},\"source\":\"s\"}\n\n{oops\n";
        let (facts, errors) = parse_jsonl(text);
        assert_eq!(facts.len(), 1);
        let RawFactBody::Structured { args, .. } = &facts[0].body else {
            panic!()
        };
        assert_eq!(args[1].1.text, "14000");
        assert_eq!(errors.len(), 1);
        assert_eq!(line_col(text, errors[0].0.start as usize).0, 3);
    }
}

#[cfg(test)]
mod number_tests {
    use super::*;

    #[test]
    fn whole_yaml_floats_read_as_written() {
        let v: Value = serde_yaml::from_str("[1e3, 2500.5, 14000]").unwrap();
        let Value::Sequence(s) = v else { panic!() };
        let texts: Vec<String> = s.iter().filter_map(scalar).collect();
        assert_eq!(texts, ["1000", "2500.5", "14000"]);
    }
}
