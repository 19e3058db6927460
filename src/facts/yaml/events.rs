//! The event reader: `saphyr-parser`'s events with byte offsets and aliases
//! expanded, and the nodes (one item at a time) read from them.

use std::borrow::Cow;
use std::rc::Rc;

use rustc_hash::FxHashMap;
use saphyr_parser::{Event, Parser, ScalarStyle, StrInput};

use super::scalars::*;
use super::*;

// ---------------------------------------------------------------------------
// Events, with byte offsets and aliases expanded.

/// Byte offsets from the parser's character indices. Asked in (nearly)
/// increasing order, it walks the text forward from the last answer: linear
/// over the file, and free when the text is ASCII.
pub(super) struct Offsets<'t> {
    pub(super) bytes: &'t [u8],
    pub(super) ascii: bool,
    pub(super) ch: usize,
    pub(super) byte: usize,
}

impl<'t> Offsets<'t> {
    pub(super) fn new(text: &'t str) -> Self {
        Offsets {
            bytes: text.as_bytes(),
            ascii: text.is_ascii(),
            ch: 0,
            byte: 0,
        }
    }

    pub(super) fn byte(&mut self, ch: usize) -> usize {
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
pub(super) struct Ev<'a> {
    pub(super) event: Event<'a>,
    pub(super) start: usize,
    pub(super) end: usize,
    /// On the first event of an alias's expansion: where the alias is written.
    pub(super) alias: Option<usize>,
}

/// Alias expansions may replay (and anchors record) at most this many events
/// per event the parser read: a file of nested aliases ("billion laughs") is
/// refused early instead of expanded.
pub(super) const ALIAS_EXPANSION_FACTOR: usize = 100;

/// The parser's events, one document deep: aliases are replaced by the
/// events of their anchored node (recorded as it is read), so readers never
/// see one. After an error or the end, every event is `StreamEnd`.
pub(super) struct Events<'a> {
    pub(super) text: &'a str,
    pub(super) parser: Parser<'a, StrInput<'a>>,
    pub(super) offsets: Offsets<'a>,
    pub(super) peeked: Option<Ev<'a>>,
    pub(super) anchors: FxHashMap<usize, Rc<[Ev<'a>]>>,
    /// Anchored nodes being read: anchor id, nesting depth, events so far.
    pub(super) recording: Vec<(usize, isize, Vec<Ev<'a>>)>,
    pub(super) replay: Vec<(Rc<[Ev<'a>]>, usize)>,
    pub(super) pending_alias: Option<usize>,
    pub(super) parsed: usize,
    pub(super) copied: usize,
    pub(super) done: bool,
    /// The first YAML error: the file is then read as nothing but it.
    pub(super) error: Option<FactError>,
    /// A repeated key in a mapping (an error of the whole file, like a
    /// syntax error, but only if the file has none).
    pub(super) duplicate: Option<FactError>,
}

impl<'a> Events<'a> {
    pub(super) fn new(text: &'a str) -> Self {
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

    pub(super) fn peek(&mut self) -> &Event<'a> {
        let ev = match self.peeked.take() {
            Some(ev) => ev,
            None => self.advance(),
        };
        &self.peeked.insert(ev).event
    }

    pub(super) fn next(&mut self) -> Ev<'a> {
        match self.peeked.take() {
            Some(ev) => ev,
            None => self.advance(),
        }
    }

    pub(super) fn at_end(&mut self) -> bool {
        matches!(
            self.peek(),
            Event::SequenceEnd | Event::MappingEnd | Event::StreamEnd
        )
    }

    pub(super) fn stream_end(&self) -> Ev<'a> {
        let end = self.text.len();
        Ev {
            event: Event::StreamEnd,
            start: end,
            end,
            alias: None,
        }
    }

    pub(super) fn fail(&mut self, at: usize, message: String) -> Ev<'a> {
        if self.error.is_none() {
            self.error = Some((Span::new(at, at + 1), ErrorKind::Yaml { message }));
        }
        self.done = true;
        self.stream_end()
    }

    pub(super) fn advance(&mut self) -> Ev<'a> {
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
    pub(super) fn record(&mut self, ev: &Ev<'a>, fresh: bool) {
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
    pub(super) fn skip(&mut self) {
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

    pub(super) fn duplicate_key(&mut self, key: &Node) {
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

pub(super) fn alias_limit_message() -> String {
    format!(
        "repetition limit exceeded: aliases expand to more than {ALIAS_EXPANSION_FACTOR} times \
         the file's own nodes"
    )
}

// ---------------------------------------------------------------------------
// Nodes: one item at a time.

/// A value as read: scalars resolved as YAML 1.2's core schema does (what
/// serde_yaml did before), numbers kept as text.
pub(super) enum Kind<'a> {
    Null,
    Bool(bool),
    Num(String),
    Str(Cow<'a, str>),
    Seq(Vec<Node<'a>>),
    Map(Vec<(Node<'a>, Node<'a>)>),
    /// A tagged value, or one nested deeper than any fact file needs.
    Other,
}

pub(super) struct Node<'a> {
    pub(super) kind: Kind<'a>,
    /// The value as written: inside quotes, past anchors, tags and a block
    /// scalar's header.
    pub(super) span: Span,
    /// Where the node starts (its anchor or tag, or the alias that names it).
    pub(super) at: usize,
}

impl<'a> Node<'a> {
    pub(super) fn text(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            Kind::Num(n) => Some(n),
            Kind::Bool(true) => Some("true"),
            Kind::Bool(false) => Some("false"),
            _ => None,
        }
    }

    pub(super) fn located(&self) -> Option<Located> {
        self.text().map(|t| Located {
            text: t.into(),
            span: self.value_span(),
        })
    }

    pub(super) fn value_span(&self) -> Span {
        if self.span.end > self.span.start {
            self.span
        } else {
            Span::new(self.span.start as usize, self.span.start as usize + 1)
        }
    }

    pub(super) fn start(&self) -> usize {
        self.span.start as usize
    }
}

/// Items, keys and values nest no deeper than this in a fact file (an
/// item's `args` mapping holds scalars); deeper values are skipped.
pub(super) const MAX_NODE_DEPTH: usize = 4;

pub(super) fn read_node<'a>(ev: &mut Events<'a>, depth: usize) -> Node<'a> {
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

pub(super) fn same_key(a: &Node, b: &Node) -> bool {
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
pub(super) fn skip_properties(s: &str) -> usize {
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
pub(super) fn scalar_span(
    text: &str,
    start: usize,
    end: usize,
    style: ScalarStyle,
) -> (usize, usize) {
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
pub(super) fn is_block_header(line: &str) -> bool {
    let line = line.trim_end_matches('\r');
    let Some(rest) = line.strip_prefix(['|', '>']) else {
        return false;
    };
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit() || c == '+' || c == '-');
    let rest = rest.trim_start_matches([' ', '\t']);
    rest.is_empty() || rest.starts_with('#')
}
