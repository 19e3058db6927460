//! YAML fact files, read straight from the events of `saphyr-parser`. Every
//! event carries where it was written, so items, keys and values are located
//! as they are read: no tree of the whole file, no search of the text after.

use std::borrow::Cow;
use std::rc::Rc;

use rustc_hash::{FxHashMap, FxHashSet};
use saphyr_parser::{Event, Parser, ScalarStyle, StrInput, Tag};

use super::*;
use crate::diag::nearest;

// ---------------------------------------------------------------------------
// Events, with byte offsets and aliases expanded.

/// Byte offsets from the parser's character indices. Asked in (nearly)
/// increasing order, it walks the text forward from the last answer: linear
/// over the file, and free when the text is ASCII.
struct Offsets<'t> {
    bytes: &'t [u8],
    ascii: bool,
    ch: usize,
    byte: usize,
}

impl<'t> Offsets<'t> {
    fn new(text: &'t str) -> Self {
        Offsets {
            bytes: text.as_bytes(),
            ascii: text.is_ascii(),
            ch: 0,
            byte: 0,
        }
    }

    fn byte(&mut self, ch: usize) -> usize {
        if self.ascii {
            return ch.min(self.bytes.len());
        }
        while self.ch < ch && self.byte < self.bytes.len() {
            self.byte += match self.bytes[self.byte] {
                b if b < 0x80 => 1,
                b if b < 0xE0 => 2,
                b if b < 0xF0 => 3,
                _ => 4,
            };
            self.ch += 1;
        }
        while self.ch > ch && self.byte > 0 {
            self.byte -= 1;
            while self.byte > 0 && self.bytes[self.byte] & 0xC0 == 0x80 {
                self.byte -= 1;
            }
            self.ch -= 1;
        }
        self.byte
    }
}

/// One parser event, placed in bytes.
#[derive(Clone)]
struct Ev<'a> {
    event: Event<'a>,
    start: usize,
    end: usize,
    /// On the first event of an alias's expansion: where the alias is written.
    alias: Option<usize>,
}

/// Alias expansions may replay (and anchors record) at most this many events
/// per event the parser read: a file of nested aliases ("billion laughs") is
/// refused early instead of expanded.
const ALIAS_EXPANSION_FACTOR: usize = 100;

/// The parser's events, one document deep: aliases are replaced by the
/// events of their anchored node (recorded as it is read), so readers never
/// see one. After an error or the end, every event is `StreamEnd`.
struct Events<'a> {
    text: &'a str,
    parser: Parser<'a, StrInput<'a>>,
    offsets: Offsets<'a>,
    peeked: Option<Ev<'a>>,
    anchors: FxHashMap<usize, Rc<[Ev<'a>]>>,
    /// Anchored nodes being read: anchor id, nesting depth, events so far.
    recording: Vec<(usize, isize, Vec<Ev<'a>>)>,
    replay: Vec<(Rc<[Ev<'a>]>, usize)>,
    pending_alias: Option<usize>,
    parsed: usize,
    copied: usize,
    done: bool,
    /// The first YAML error: the file is then read as nothing but it.
    error: Option<FactError>,
    /// A repeated key in a mapping (an error of the whole file, like a
    /// syntax error, but only if the file has none).
    duplicate: Option<FactError>,
}

impl<'a> Events<'a> {
    fn new(text: &'a str) -> Self {
        Events {
            text,
            parser: Parser::new_from_str(text),
            offsets: Offsets::new(text),
            peeked: None,
            anchors: FxHashMap::default(),
            recording: Vec::new(),
            replay: Vec::new(),
            pending_alias: None,
            parsed: 0,
            copied: 0,
            done: false,
            error: None,
            duplicate: None,
        }
    }

    fn peek(&mut self) -> &Event<'a> {
        let ev = match self.peeked.take() {
            Some(ev) => ev,
            None => self.advance(),
        };
        &self.peeked.insert(ev).event
    }

    fn next(&mut self) -> Ev<'a> {
        match self.peeked.take() {
            Some(ev) => ev,
            None => self.advance(),
        }
    }

    fn at_end(&mut self) -> bool {
        matches!(
            self.peek(),
            Event::SequenceEnd | Event::MappingEnd | Event::StreamEnd
        )
    }

    fn stream_end(&self) -> Ev<'a> {
        let end = self.text.len();
        Ev {
            event: Event::StreamEnd,
            start: end,
            end,
            alias: None,
        }
    }

    fn fail(&mut self, at: usize, message: String) -> Ev<'a> {
        if self.error.is_none() {
            self.error = Some((Span::new(at, at + 1), ErrorKind::Yaml { message }));
        }
        self.done = true;
        self.stream_end()
    }

    fn advance(&mut self) -> Ev<'a> {
        loop {
            if self.done {
                return self.stream_end();
            }
            let (mut ev, fresh) = if let Some((events, i)) = self.replay.last_mut() {
                match events.get(*i) {
                    Some(ev) => {
                        *i += 1;
                        (ev.clone(), false)
                    }
                    None => {
                        self.replay.pop();
                        continue;
                    }
                }
            } else {
                match self.parser.next_event() {
                    None => {
                        self.done = true;
                        return self.stream_end();
                    }
                    Some(Err(e)) => {
                        let at = self.offsets.byte(e.marker().index());
                        return self.fail(at, e.info().to_string());
                    }
                    Some(Ok((event, span))) => {
                        self.parsed += 1;
                        let start = self.offsets.byte(span.start.index());
                        let end = self.offsets.byte(span.end.index()).max(start);
                        if matches!(event, Event::StreamEnd) {
                            self.done = true;
                        }
                        let ev = Ev {
                            event,
                            start,
                            end,
                            alias: None,
                        };
                        (ev, true)
                    }
                }
            };
            if let Event::Alias(id) = ev.event {
                // An alias inside the node it names has nothing recorded yet.
                let Some(events) = self.anchors.get(&id).cloned() else {
                    return self.fail(
                        ev.start,
                        "an alias refers to a node that contains it".into(),
                    );
                };
                self.copied += events.len();
                if self.copied > ALIAS_EXPANSION_FACTOR * self.parsed {
                    return self.fail(ev.start, alias_limit_message());
                }
                self.pending_alias = Some(ev.start);
                self.replay.push((events, 0));
                continue;
            }
            if let Some(at) = self.pending_alias.take() {
                ev.alias = Some(at);
            }
            self.record(&ev, fresh);
            if self.copied > ALIAS_EXPANSION_FACTOR * self.parsed {
                return self.fail(ev.start, alias_limit_message());
            }
            return ev;
        }
    }

    /// Keeps the events of anchored nodes, for their aliases to replay.
    fn record(&mut self, ev: &Ev<'a>, fresh: bool) {
        let anchor = match &ev.event {
            Event::Scalar(_, _, a, _) | Event::SequenceStart(a, _) | Event::MappingStart(a, _)
                if fresh =>
            {
                *a
            }
            _ => 0,
        };
        if anchor > 0 {
            self.recording.push((anchor, 0, Vec::new()));
        }
        if self.recording.is_empty() {
            return;
        }
        let delta = match ev.event {
            Event::SequenceStart(..) | Event::MappingStart(..) => 1,
            Event::SequenceEnd | Event::MappingEnd => -1,
            _ => 0,
        };
        self.copied += self.recording.len();
        for (_, depth, events) in &mut self.recording {
            events.push(ev.clone());
            *depth += delta;
        }
        while let Some((_, depth, _)) = self.recording.last() {
            if *depth > 0 {
                break;
            }
            if let Some((id, _, events)) = self.recording.pop() {
                self.anchors.insert(id, events.into());
            }
        }
    }

    /// Reads past one node without keeping it (however deep).
    fn skip(&mut self) {
        let mut depth = 0isize;
        loop {
            match self.next().event {
                Event::SequenceStart(..) | Event::MappingStart(..) => depth += 1,
                Event::SequenceEnd | Event::MappingEnd => depth -= 1,
                Event::StreamEnd => return,
                _ => {}
            }
            if depth <= 0 {
                return;
            }
        }
    }

    fn duplicate_key(&mut self, key: &Node) {
        if self.duplicate.is_some() {
            return;
        }
        let message = match &key.kind {
            Kind::Null => "duplicate entry with null key".to_string(),
            Kind::Bool(b) => format!("duplicate entry with key `{b}`"),
            Kind::Num(n) => format!("duplicate entry with key {n}"),
            Kind::Str(s) => format!("duplicate entry with key {s:?}"),
            _ => "duplicate entry in YAML map".to_string(),
        };
        let at = key.span.start as usize;
        self.duplicate = Some((Span::new(at, at + 1), ErrorKind::Yaml { message }));
    }
}

fn alias_limit_message() -> String {
    format!(
        "repetition limit exceeded: aliases expand to more than {ALIAS_EXPANSION_FACTOR} times \
         the file's own nodes"
    )
}

// ---------------------------------------------------------------------------
// Nodes: one item at a time.

/// A value as read: scalars resolved as YAML 1.2's core schema does (what
/// serde_yaml did before), numbers kept as text.
enum Kind<'a> {
    Null,
    Bool(bool),
    Num(String),
    Str(Cow<'a, str>),
    Seq(Vec<Node<'a>>),
    Map(Vec<(Node<'a>, Node<'a>)>),
    /// A tagged value, or one nested deeper than any fact file needs.
    Other,
}

struct Node<'a> {
    kind: Kind<'a>,
    /// The value as written: inside quotes, past anchors, tags and a block
    /// scalar's header.
    span: Span,
    /// Where the node starts (its anchor or tag, or the alias that names it).
    at: usize,
}

impl<'a> Node<'a> {
    fn text(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            Kind::Num(n) => Some(n),
            Kind::Bool(true) => Some("true"),
            Kind::Bool(false) => Some("false"),
            _ => None,
        }
    }

    fn located(&self) -> Option<Located> {
        self.text().map(|t| Located {
            text: t.to_string(),
            span: self.value_span(),
        })
    }

    fn value_span(&self) -> Span {
        if self.span.end > self.span.start {
            self.span
        } else {
            Span::new(self.span.start as usize, self.span.start as usize + 1)
        }
    }

    fn start(&self) -> usize {
        self.span.start as usize
    }
}

/// Items, keys and values nest no deeper than this in a fact file (an
/// item's `args` mapping holds scalars); deeper values are skipped.
const MAX_NODE_DEPTH: usize = 4;

fn read_node<'a>(ev: &mut Events<'a>, depth: usize) -> Node<'a> {
    let text = ev.text;
    let first = ev.next();
    let at = first.alias.unwrap_or(first.start);
    match first.event {
        Event::Scalar(value, style, _, tag) => {
            let (start, end) = scalar_span(text, first.start, first.end, style);
            Node {
                kind: resolve(value, style, tag.as_deref()),
                span: Span::new(start, end),
                at,
            }
        }
        Event::SequenceStart(_, ref tag) | Event::MappingStart(_, ref tag) => {
            let is_map = matches!(first.event, Event::MappingStart(..));
            let start = first.start + skip_properties(&text[first.start..first.end]);
            let kind = if depth >= MAX_NODE_DEPTH {
                // Read the rest of the collection (its start is read).
                let mut open = 1isize;
                while open > 0 {
                    match ev.next().event {
                        Event::SequenceStart(..) | Event::MappingStart(..) => open += 1,
                        Event::SequenceEnd | Event::MappingEnd => open -= 1,
                        Event::StreamEnd => break,
                        _ => {}
                    }
                }
                Kind::Other
            } else if is_map {
                let mut pairs: Vec<(Node, Node)> = Vec::new();
                while !ev.at_end() {
                    let k = read_node(ev, depth + 1);
                    if pairs.iter().any(|(seen, _)| same_key(seen, &k)) {
                        ev.duplicate_key(&k);
                    }
                    let v = read_node(ev, depth + 1);
                    pairs.push((k, v));
                }
                Kind::Map(pairs)
            } else {
                let mut items = Vec::new();
                while !ev.at_end() {
                    items.push(read_node(ev, depth + 1));
                }
                Kind::Seq(items)
            };
            let end = if matches!(kind, Kind::Other) {
                start
            } else {
                let close = ev.next();
                close.end.max(start)
            };
            let end = start + text[start..end].trim_end().len();
            let kind = match tag {
                Some(t) if !t.is_yaml_core_schema() => Kind::Other,
                _ => kind,
            };
            Node {
                kind,
                span: Span::new(start, end),
                at,
            }
        }
        // Only after an error (every event is then `StreamEnd`).
        _ => Node {
            kind: Kind::Null,
            span: Span::new(first.start, first.start),
            at,
        },
    }
}

fn same_key(a: &Node, b: &Node) -> bool {
    match (&a.kind, &b.kind) {
        (Kind::Null, Kind::Null) => true,
        (Kind::Bool(x), Kind::Bool(y)) => x == y,
        (Kind::Num(x), Kind::Num(y)) => x == y,
        (Kind::Str(x), Kind::Str(y)) => x == y,
        _ => false,
    }
}

/// Length of the anchors (`&a`) and tags (`!t`) that start `s`, with the
/// spaces, line breaks and comments after them.
fn skip_properties(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && matches!(b[i], b'&' | b'!') {
        while i < b.len() && !b[i].is_ascii_whitespace() {
            i += 1;
        }
        loop {
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && b[i] == b'#' {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            } else {
                break;
            }
        }
    }
    i
}

/// The bytes of a scalar's value as written, from the parser's span of it.
fn scalar_span(text: &str, start: usize, end: usize, style: ScalarStyle) -> (usize, usize) {
    let s = &text[start..end];
    let props = skip_properties(s);
    let written = s.trim_end();
    let (from, to) = match style {
        ScalarStyle::Plain => (props, written.len()),
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
            let quoted = s[props..].starts_with(['"', '\'']) && written.ends_with(['"', '\'']);
            if quoted && written.len() > props + 1 {
                (props + 1, written.len() - 1)
            } else {
                (props, written.len())
            }
        }
        ScalarStyle::Literal | ScalarStyle::Folded => {
            // The span starts at the first line of content, or at the
            // properties before the header (`&a |`): then past the header.
            let rest = &s[props..];
            let header = rest.find('\n').map(|nl| (&rest[..nl], nl));
            match header {
                Some((line, nl)) if is_block_header(line) => {
                    let body = props + nl + 1;
                    let indent = s[body..].len() - s[body..].trim_start_matches(' ').len();
                    (body + indent, written.len())
                }
                _ => (0, written.len()),
            }
        }
    };
    let to = to.max(from);
    (start + from.min(s.len()), start + to.min(s.len()))
}

/// `|`, `>-`, `|2+ # comment`…
fn is_block_header(line: &str) -> bool {
    let line = line.trim_end_matches('\r');
    let Some(rest) = line.strip_prefix(['|', '>']) else {
        return false;
    };
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit() || c == '+' || c == '-');
    let rest = rest.trim_start_matches([' ', '\t']);
    rest.is_empty() || rest.starts_with('#')
}

/// A scalar's value, resolved like serde_yaml 0.9 did (YAML 1.2 core schema:
/// `yes` and `no` are words, `0x1f` is 31, `1e3` reads as 1000).
fn resolve<'a>(value: Cow<'a, str>, style: ScalarStyle, tag: Option<&Tag>) -> Kind<'a> {
    let untagged = match tag {
        None => style == ScalarStyle::Plain,
        Some(t) if t.is_yaml_core_schema() => match t.suffix.as_str() {
            "str" => false,
            "null" | "bool" | "int" | "float" => true,
            _ => return Kind::Other,
        },
        // The non-specific tag `!`: a string.
        Some(t) if t.handle.is_empty() && t.suffix == "!" => false,
        Some(_) => return Kind::Other,
    };
    if !untagged {
        return Kind::Str(value);
    }
    let v = value.as_ref();
    if matches!(v, "" | "~" | "null" | "Null" | "NULL") {
        return Kind::Null;
    }
    match v {
        "true" | "True" | "TRUE" => return Kind::Bool(true),
        "false" | "False" | "FALSE" => return Kind::Bool(false),
        _ => {}
    }
    if let Some(n) = number_text(v) {
        return Kind::Num(n);
    }
    Kind::Str(value)
}

/// A plain scalar that YAML reads as a number, as text: integers in
/// decimal, whole floats without a fraction (`1e3` → `1000`), others as
/// the shortest text that reads back the same.
fn number_text(v: &str) -> Option<String> {
    if let Some(i) = parse_int(v) {
        return Some(i.to_string());
    }
    // An integer past 64 bits: as written.
    let unsigned = v.strip_prefix(['-', '+']).unwrap_or(v);
    if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if digits_but_not_number(v) {
        return None;
    }
    let f = parse_float(v)?;
    Some(if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else if f.is_nan() {
        ".nan".to_string()
    } else if f.is_infinite() {
        if f < 0.0 { "-.inf" } else { ".inf" }.to_string()
    } else {
        ryu::Buffer::new().format_finite(f).to_string()
    })
}

/// Leading zeros then digits (`0123`): a string in YAML 1.2.
fn digits_but_not_number(v: &str) -> bool {
    let v = v.strip_prefix(['-', '+']).unwrap_or(v);
    v.len() > 1 && v.starts_with('0') && v[1..].bytes().all(|b| b.is_ascii_digit())
}

/// Integers as YAML 1.2 writes them: decimal, `0x`, `0o`, `0b`, signed.
/// Those past 64 bits are left as text.
fn parse_int(v: &str) -> Option<i128> {
    let (negative, digits) = match v.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, v.strip_prefix('+').unwrap_or(v)),
    };
    if digits.starts_with(['+', '-']) {
        return None;
    }
    let radix = |p: &str| {
        digits
            .strip_prefix(p)
            .filter(|r| !r.starts_with(['+', '-']))
    };
    let magnitude = if let Some(r) = radix("0x") {
        u64::from_str_radix(r, 16).ok()
    } else if let Some(r) = radix("0o") {
        u64::from_str_radix(r, 8).ok()
    } else if let Some(r) = radix("0b") {
        u64::from_str_radix(r, 2).ok()
    } else if digits_but_not_number(v) {
        None
    } else {
        digits.parse::<u64>().ok()
    }? as i128;
    if negative {
        let n = -magnitude;
        (n >= i64::MIN as i128).then_some(n)
    } else {
        Some(magnitude)
    }
}

fn parse_float(v: &str) -> Option<f64> {
    let unsigned = match v.strip_prefix('+') {
        Some(rest) if rest.starts_with(['+', '-']) => return None,
        Some(rest) => rest,
        None => v,
    };
    match unsigned {
        ".inf" | ".Inf" | ".INF" => return Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        _ => {}
    }
    unsigned.parse::<f64>().ok().filter(|f| f.is_finite())
}

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
    let Kind::Map(map) = &item.kind else {
        errors.push((
            point(at),
            ErrorKind::BadFact {
                message: "a source is a mapping with at least `id`".into(),
            },
        ));
        return None;
    };
    let item = Item { map };
    item.check_keys(&SOURCE_KEYS, "a source", errors);
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
    let Kind::Map(map) = &item.kind else {
        errors.push((
            point(at),
            ErrorKind::BadFact {
                message: "an entity is a mapping with `name` and `kind`".into(),
            },
        ));
        return None;
    };
    let item = Item { map };
    item.check_keys(&ENTITY_KEYS, "an entity", errors);
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
                text: name,
            },
            members,
        });
    }
    ev.next(); // MappingEnd
}

fn read_fact(item: &Node, at: usize, errors: &mut Vec<FactError>) -> Option<RawFact> {
    let Kind::Map(map) = &item.kind else {
        errors.push((
            point(at),
            ErrorKind::BadFact {
                message: "a fact is a mapping with `says`, `relation` or `only`, and `source`"
                    .into(),
            },
        ));
        return None;
    };
    let item = Item { map };
    item.check_keys(&FACT_KEYS, "a fact", errors);
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
                            text: key.to_string(),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<Option<String>> {
        let mut ev = Events::new(text);
        ev.next();
        ev.next();
        let node = read_node(&mut ev, 0);
        let Kind::Seq(items) = node.kind else {
            panic!("not a list")
        };
        items.iter().map(|n| n.text().map(str::to_string)).collect()
    }

    #[test]
    fn whole_yaml_floats_read_as_written() {
        let texts = values("[1e3, 2500.5, 14000]");
        assert_eq!(
            texts,
            ["1000", "2500.5", "14000"].map(|t| Some(t.to_string()))
        );
    }

    /// Scalars read as serde_yaml 0.9 read them (YAML 1.2 core schema), but
    /// integers past 64 bits, which it refused, are kept as written.
    #[test]
    fn scalars_resolve_as_before() {
        let table = [
            ("1e3", Some("1000")),
            ("2500.5", Some("2500.5")),
            ("0x1f", Some("31")),
            ("0o17", Some("15")),
            ("0b101", Some("5")),
            ("+12", Some("12")),
            ("-12", Some("-12")),
            ("-0", Some("0")),
            ("012", Some("012")),
            ("1_000", Some("1_000")),
            (".inf", Some(".inf")),
            ("-.inf", Some("-.inf")),
            ("+.inf", Some(".inf")),
            (".NaN", Some(".nan")),
            ("1.0", Some("1")),
            ("-1.5", Some("-1.5")),
            ("1e400", Some("1e400")),
            ("3.", Some("3")),
            (".5", Some("0.5")),
            ("1e20", Some("1e20")),
            ("1e15", Some("1000000000000000.0")),
            ("1e-5", Some("0.00001")),
            ("1e+3", Some("1000")),
            ("1E3", Some("1000")),
            ("-0.0", Some("0")),
            ("1.5e300", Some("1.5e300")),
            ("12e", Some("12e")),
            ("0x", Some("0x")),
            ("+0x1f", Some("31")),
            ("-0x1f", Some("-31")),
            ("00", Some("00")),
            ("inf", Some("inf")),
            ("yes", Some("yes")),
            ("no", Some("no")),
            ("on", Some("on")),
            ("True", Some("true")),
            ("FALSE", Some("false")),
            ("~", None),
            ("null", None),
            ("NULL", None),
            ("18446744073709551615", Some("18446744073709551615")),
            ("-9223372036854775808", Some("-9223372036854775808")),
            ("99999999999999999999", Some("99999999999999999999")),
            ("-99999999999999999999", Some("-99999999999999999999")),
            ("!!str 12", Some("12")),
            ("!!int 12", Some("12")),
            ("!!float 3", Some("3")),
            ("!foo x", None),
            ("'1e3'", Some("1e3")),
            ("\"yes\"", Some("yes")),
        ];
        for (written, want) in table {
            let got = values(&format!("[{written}]"));
            assert_eq!(got, [want.map(String::from)], "{written}");
        }
    }

    fn written(text: &str, l: &Located) -> String {
        text[l.span.start as usize..l.span.end as usize].to_string()
    }

    #[test]
    fn values_are_placed_as_written() {
        let text = "sources:\n  - id: \"caf\\u00e9 s\"\n    via: &v 'd''Ivoire'\n  - {id: é, via: *v}\nentities:\n  - name: Côte d'Ivoire\n    kind: country\n    aka: [CIV, \"日本\"]\ngroups:\n  axis: [Côte d'Ivoire, CIV]\nfacts:\n  - says: >-\n      Côte d'Ivoire sent\n      troops\n    source: &s é\n  - {says: 日本 met CIV, source: *s}\n  - relation: troops\n    args: {from: \"日本\", n: 1e3}\n    source: |\n      é\n    quote: !!str plain\n";
        let (f, errors) = parse_yaml(text);
        assert!(errors.is_empty(), "{errors:?}");
        let id = f.sources[0].id.as_ref().unwrap();
        assert_eq!(
            (id.text.as_str(), written(text, id).as_str()),
            ("café s", "caf\\u00e9 s")
        );
        let via = f.sources[0].via.as_ref().unwrap();
        assert_eq!(
            (via.text.as_str(), written(text, via).as_str()),
            ("d'Ivoire", "d''Ivoire")
        );
        assert_eq!(written(text, f.sources[1].id.as_ref().unwrap()), "é");
        // An alias reads its anchor's value, placed where that is written.
        assert_eq!(f.sources[1].via.as_ref().unwrap().span, via.span);
        assert_eq!(written(text, &f.entities[0].name), "Côte d'Ivoire");
        let aka: Vec<String> = f.entities[0].aka.iter().map(|a| written(text, a)).collect();
        assert_eq!(aka, ["CIV", "日本"]);
        let members: Vec<String> = f.groups[0]
            .members
            .iter()
            .map(|a| written(text, a))
            .collect();
        assert_eq!(members, ["Côte d'Ivoire", "CIV"]);
        assert_eq!(written(text, &f.groups[0].name), "axis");
        let RawFactBody::Says(s) = &f.facts[0].body else {
            panic!()
        };
        assert_eq!(s.text, "Côte d'Ivoire sent troops");
        assert_eq!(written(text, s), "Côte d'Ivoire sent\n      troops");
        assert_eq!(written(text, &f.facts[0].source), "é");
        let RawFactBody::Says(s) = &f.facts[1].body else {
            panic!()
        };
        assert_eq!(written(text, s), "日本 met CIV");
        assert_eq!(f.facts[1].source.span, f.facts[0].source.span);
        let RawFactBody::Structured { args, .. } = &f.facts[2].body else {
            panic!()
        };
        assert_eq!(written(text, &args[0].0), "from");
        assert_eq!(written(text, &args[0].1), "日本");
        assert_eq!(
            (args[1].1.text.as_str(), written(text, &args[1].1).as_str()),
            ("1000", "1e3")
        );
        assert_eq!(written(text, &f.facts[2].source), "é");
        assert_eq!(written(text, f.facts[2].quote.as_ref().unwrap()), "plain");
        // Items start at their `-`, or their `{` in flow style.
        let starts: Vec<&str> = f
            .facts
            .iter()
            .map(|f| &text[f.span.start as usize..][..2])
            .collect();
        assert_eq!(starts, ["- ", "- ", "- "]);
    }

    #[test]
    fn nested_aliases_are_refused_quickly() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let prev = (b'a' + i - 1) as char;
            let name = (b'a' + i) as char;
            let refs = vec![format!("*{prev}"); 10].join(", ");
            text.push_str(&format!("{name}: &{name} [{refs}]\n"));
        }
        text.push_str("facts: *l\n");
        let started = std::time::Instant::now();
        let (_, errors) = parse_yaml(&text);
        assert!(started.elapsed().as_secs() < 2);
        assert_eq!(errors.len(), 1);
        let ErrorKind::Yaml { message } = &errors[0].1 else {
            panic!("{errors:?}")
        };
        assert!(
            message.starts_with("repetition limit exceeded"),
            "{message}"
        );
    }

    #[test]
    fn odd_keys_are_errors_not_panics() {
        for text in [
            "facts:\n  - ~: x\n    says: a\n    source: s\n",
            "facts:\n  - : x\n",
            "facts:\n  - {[a]: x}\n",
            "facts:\n  - 12: x\n",
            "? [a, b]\n: x\n",
            "sources:\n  - &a {id: x, via: *a}\n",
            "- - - - - - - - - - - - - - x\n",
            "facts:\n  - says: a\n    says: b\n",
        ] {
            let (_, errors) = parse_yaml(text);
            assert!(!errors.is_empty(), "{text:?}");
        }
        let (_, errors) = parse_yaml("facts:\n  - says: a\n    says: b\n");
        assert_eq!(errors[0].0.start, 23);
        let ErrorKind::Yaml { message } = &errors[0].1 else {
            panic!()
        };
        assert_eq!(message, "duplicate entry with key \"says\"");
    }

    #[test]
    fn deep_block_nesting_is_read_quickly() {
        let text = "- ".repeat(20_000) + "x\n";
        let started = std::time::Instant::now();
        let (_, errors) = parse_yaml(&text);
        assert!(started.elapsed().as_secs() < 5);
        assert_eq!(errors.len(), 1);
    }
}
