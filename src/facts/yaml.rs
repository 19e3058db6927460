//! YAML fact files.

use serde_yaml::Value;

use super::*;
use crate::diag::nearest;

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
