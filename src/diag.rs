//! Diagnostics: every error the library reports is a `Diagnostic` — a file, a
//! byte span and a typed `ErrorKind`. All wording lives in `ErrorKind`'s
//! `Display`; `render` turns one into text with `path:line:col`, the source line
//! and carets. Nothing here prints: only the binary does.

use std::fmt;

/// Index of a loaded file in [`crate::load::Files`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end.max(start) as u32,
        }
    }
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
    pub fn shift(self, by: usize) -> Span {
        Span::new(self.start as usize + by, self.end as usize + by)
    }
}

/// A place in the workspace: file and span.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Loc {
    pub file: FileId,
    pub span: Span,
}

/// One error, located.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub loc: Loc,
    pub kind: ErrorKind,
}

impl Diagnostic {
    pub fn new(file: FileId, span: Span, kind: ErrorKind) -> Diagnostic {
        Diagnostic {
            loc: Loc { file, span },
            kind,
        }
    }
}

/// Everything that can be wrong with a workspace. `<&str>::from(&kind)` is
/// the variant's name in snake_case, the `kind` machine-readable reports give.
#[derive(Clone, Debug, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum ErrorKind {
    // Files.
    Io {
        message: String,
    },
    FileTooLarge {
        limit: u64,
    },
    NoInput {
        path: String,
    },
    PathOutsideWorkspace {
        path: String,
    },
    // Rule-file syntax.
    Syntax {
        expected: String,
        found: String,
    },
    UnknownStatement {
        found: String,
        suggestions: Vec<String>,
    },
    UnknownVerdict {
        found: String,
        suggestions: Vec<String>,
    },
    UnterminatedString,
    BadTemplate {
        message: String,
    },
    TooDeep {
        limit: usize,
    },
    // Names.
    UnknownEntity {
        name: String,
        suggestions: Vec<String>,
        group: bool,
    },
    UnknownRelation {
        phrase: String,
        suggestions: Vec<String>,
    },
    UnknownRelationName {
        name: String,
        suggestions: Vec<String>,
    },
    UnknownKind {
        kind: String,
        suggestions: Vec<String>,
    },
    UnknownGroup {
        name: String,
        suggestions: Vec<String>,
    },
    UnknownSource {
        id: String,
        suggestions: Vec<String>,
    },
    UnknownSlot {
        relation: String,
        slot: String,
        suggestions: Vec<String>,
    },
    UnknownParam {
        name: String,
        suggestions: Vec<String>,
    },
    UnknownKey {
        key: String,
        context: &'static str,
        suggestions: Vec<String>,
    },
    WrongKind {
        entity: String,
        kind: String,
        slot: String,
        wants: String,
    },
    VarWrongKind {
        var: String,
        group: String,
        member: String,
        kind: String,
        slot: String,
        wants: String,
    },
    GroupInSlot {
        name: String,
    },
    /// A name declared twice with different content; `first` is where the
    /// declaration that stands was made.
    Duplicate {
        what: &'static str,
        name: String,
        first: Option<Loc>,
    },
    /// `first_loc` is where the entity the name already names is declared.
    AliasClash {
        alias: String,
        first: String,
        second: String,
        first_loc: Option<Loc>,
    },
    Ambiguous {
        phrase: String,
        first: String,
        second: String,
    },
    DefinitionCycle {
        cycle: Vec<String>,
    },
    DefinitionTooDeep {
        name: String,
        limit: usize,
    },
    TooManyBindings {
        count: u128,
        limit: u128,
    },
    /// A limit on work (`crate::limits`): what went over, by how much, and
    /// the flag that raises the limit.
    LimitExceeded {
        what: String,
        count: u128,
        limit: u128,
        flag: &'static str,
    },
    BadVariable {
        name: String,
        reason: String,
    },
    AsOfNotAllowed {
        context: &'static str,
    },
    TrailingInput {
        found: String,
    },
    // Values.
    BadValue {
        text: String,
        wants: &'static str,
    },
    /// A month misspelt in a date phrase (`in Junuary 2025`).
    MisspeltMonth {
        word: String,
        month: &'static str,
    },
    /// A warning: template words that read as a value phrase right before a
    /// value slot (`more than {n:number}`).
    ValuePhraseInTemplate {
        words: String,
        slot: String,
        kind: &'static str,
    },
    /// A number written in words where a number belongs (`twelve troops`).
    NumberInWords {
        word: String,
        value: Option<u64>,
    },
    /// A number whose unit or multiplier is wrong (`$3%`, `3 trilion`).
    BadUnit {
        error: crate::value::ValueError,
    },
    /// A warning, not an error: a multiplier on one bound of `between`.
    OneBoundMultiplier {
        message: String,
    },
    // Fact files.
    Yaml {
        message: String,
    },
    Json {
        message: String,
    },
    BadFact {
        message: String,
    },
    MissingField {
        field: &'static str,
        context: &'static str,
    },
    /// YAML flow collections (`[[[…`) nested past the limit.
    YamlTooDeep {
        limit: usize,
    },
    /// A fact without exactly one of `says`, `relation`, `only`.
    FactForm,
    QuoteNotFound {
        quote: String,
        source: String,
        document: String,
        closest: Option<String>,
    },
}

impl ErrorKind {
    /// Warnings are reported, but the workspace still loads.
    pub fn is_warning(&self) -> bool {
        matches!(
            self,
            ErrorKind::OneBoundMultiplier { .. } | ErrorKind::ValuePhraseInTemplate { .. }
        )
    }
}

fn did_you_mean(f: &mut fmt::Formatter<'_>, suggestions: &[String]) -> fmt::Result {
    match suggestions {
        [] => Ok(()),
        [one] => write!(f, "; did you mean `{one}`?"),
        many => {
            let list: Vec<String> = many.iter().map(|s| format!("`{s}`")).collect();
            write!(f, "; did you mean one of {}?", list.join(", "))
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ErrorKind::*;
        match self {
            Io { message } => write!(f, "cannot read: {message}"),
            FileTooLarge { limit } => write!(f, "file is larger than the limit of {limit} bytes"),
            NoInput { path } => write!(f, "no such file or folder `{path}`"),
            PathOutsideWorkspace { path } => write!(
                f,
                "path `{path}` leaves the workspace; pass --allow-outside-paths to read it"
            ),
            Syntax { expected, found } => write!(f, "expected {expected}, found {found}"),
            UnknownStatement { found, suggestions } => {
                write!(
                    f,
                    "unknown statement `{found}`: expected `relation`, `entity`, `group`, `define`, `assert:`, `expect VERDICT:` or `check:`"
                )?;
                did_you_mean(f, suggestions)
            }
            UnknownVerdict { found, suggestions } => {
                write!(
                    f,
                    "unknown verdict `{found}`: expected a verdict (supported, refuted, contested, unknown)"
                )?;
                did_you_mean(f, suggestions)
            }
            UnterminatedString => write!(f, "unterminated string: expected a closing `\"`"),
            BadTemplate { message } => write!(f, "bad template: {message}"),
            TooDeep { limit } => write!(f, "claim is nested too deeply (limit {limit} levels)"),
            UnknownEntity { name, suggestions, group } => {
                if *group {
                    write!(
                        f,
                        "`{name}` is a group, not an entity; a group never fills an entity slot (quantify over it: `every x in {name}: …`)"
                    )
                } else {
                    write!(f, "unknown entity `{name}`")?;
                    did_you_mean(f, suggestions)
                }
            }
            UnknownRelation { phrase, suggestions } => {
                write!(f, "no relation or definition matches `{phrase}`")?;
                match suggestions.as_slice() {
                    [] => Ok(()),
                    [one] => write!(f, "; the nearest template is `{one}`"),
                    many => {
                        let list: Vec<String> = many.iter().map(|s| format!("`{s}`")).collect();
                        write!(f, "; the nearest templates are {}", list.join(", "))
                    }
                }
            }
            UnknownRelationName { name, suggestions } => {
                write!(f, "unknown relation `{name}`")?;
                did_you_mean(f, suggestions)
            }
            UnknownKind { kind, suggestions } => {
                write!(
                    f,
                    "unknown kind `{kind}`: expected number, date, text or a kind used by an entity"
                )?;
                did_you_mean(f, suggestions)
            }
            UnknownGroup { name, suggestions } => {
                write!(f, "unknown group `{name}`")?;
                did_you_mean(f, suggestions)
            }
            UnknownSource { id, suggestions } => {
                write!(f, "unknown source `{id}`")?;
                did_you_mean(f, suggestions)
            }
            UnknownSlot { relation, slot, suggestions } => {
                write!(f, "relation `{relation}` has no slot `{slot}`")?;
                did_you_mean(f, suggestions)
            }
            UnknownParam { name, suggestions } => {
                write!(f, "the definition has no slot `{{{name}}}`")?;
                did_you_mean(f, suggestions)
            }
            UnknownKey { key, context, suggestions } => {
                write!(f, "unknown key `{key}` in {context}")?;
                did_you_mean(f, suggestions)
            }
            WrongKind { entity, kind, slot, wants } => write!(
                f,
                "`{entity}` is a {kind}, but slot {{{slot}}} wants a {wants}"
            ),
            VarWrongKind { var, group, member, kind, slot, wants } => write!(
                f,
                "variable `{var}` ranges over `{group}`, whose member `{member}` is a {kind}, but slot {{{slot}}} wants a {wants}"
            ),
            GroupInSlot { name } => write!(
                f,
                "`{name}` is a group, not an entity; a group never fills an entity slot"
            ),
            Duplicate { what, name, .. } => write!(
                f,
                "{what} `{name}` is declared twice with different content"
            ),
            AliasClash {
                alias,
                first,
                second,
                ..
            } => write!(
                f,
                "the name `{alias}` names two entities: `{first}` and `{second}`"
            ),
            Ambiguous { phrase, first, second } => write!(
                f,
                "`{phrase}` is ambiguous: it matches both `{first} and `{second} with the same length"
            ),
            DefinitionCycle { cycle } => write!(
                f,
                "definitions form a cycle: {}",
                cycle.join(" -> ")
            ),
            DefinitionTooDeep { name, limit } => write!(
                f,
                "definition `{name}` nests definitions more than {limit} deep; raise the limit with `--max-definition-depth`"
            ),
            TooManyBindings { count, limit } => write!(
                f,
                "claim ranges over {count} quantifier bindings (nested quantifiers multiply, definitions included), more than the limit of {limit}; raise it with `--max-bindings`"
            ),
            LimitExceeded {
                what,
                count,
                limit,
                flag,
            } => write!(
                f,
                "{what}: {count}, more than the limit of {limit}; raise it with `{flag}` if this is meant"
            ),
            BadVariable { name, reason } => write!(f, "`{name}` cannot be a variable: {reason}"),
            AsOfNotAllowed { context } => write!(
                f,
                "`as of` is only allowed at the end of an assertion, not {context}"
            ),
            TrailingInput { found } => write!(
                f,
                "expected `and`, `or` or the end of the claim, found {found}"
            ),
            BadValue { text, wants } => write!(f, "`{text}` is not {wants}"),
            MisspeltMonth { word, month } => write!(
                f,
                "`{word}` is not a month; did you mean `{month}`? (months are written in full or as three letters: `{month}`, `{}`)",
                &month[..3]
            ),
            ValuePhraseInTemplate { words, slot, kind } => write!(
                f,
                "the template words `{words}` stand right before the {kind} slot {{{slot}}}, so they are not part of its value: a claim saying `{words} X` states exactly X; leave `{words}` out of the template and write it in claims"
            ),
            NumberInWords { word, value } => {
                write!(f, "`{word}` is a number in words: numbers are written in digits")?;
                match value {
                    Some(v) => write!(f, " (`{v}`)"),
                    None => Ok(()),
                }
            }
            BadUnit { error } => write!(f, "{error}"),
            OneBoundMultiplier { message } => write!(f, "{message}"),
            Yaml { message } => write!(f, "invalid YAML: {message}"),
            Json { message } => write!(f, "invalid JSON fact: {message}"),
            BadFact { message } => write!(f, "{message}"),
            MissingField { field, context } => write!(f, "{context} needs `{field}`"),
            YamlTooDeep { limit } => write!(
                f,
                "YAML lists or mappings nested more than {limit} levels deep"
            ),
            FactForm => write!(
                f,
                "a fact has exactly one of `says`, `relation` (with `args`) or `only` (with `among`)"
            ),
            QuoteNotFound { quote, source, document, closest } => {
                if source == document {
                    write!(f, "quote \"{quote}\" is not in the text of source `{source}`")?;
                } else {
                    write!(
                        f,
                        "quote \"{quote}\" of `{source}` is not in the text of `{document}`"
                    )?;
                }
                if let Some(c) = closest {
                    write!(f, "; the closest passage is \"{c}\"")?;
                }
                Ok(())
            }
        }
    }
}

/// Line and column (both from 1; the column counts characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut offset = offset;
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = text[line_start..offset].chars().count() + 1;
    (line, col)
}

/// Byte offsets where lines start: `line_of` then finds a line in O(log n),
/// where `line_col` rescans the text.
pub fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// The line (from 1) of a byte offset, given `line_starts`.
pub fn line_of(starts: &[usize], offset: usize) -> usize {
    starts.partition_point(|&s| s <= offset)
}

/// Longest name echoed in a message; longer ones are shortened in the middle,
/// so that one error stays a few lines whatever the input.
const MAX_SHOWN_NAME: usize = 80;

/// Longest message shown (after names are shortened): a message listing
/// many names (a long definition cycle) is cut there.
const MAX_SHOWN_MESSAGE: usize = 1000;

/// Shortens every backquoted or double-quoted run longer than
/// [`MAX_SHOWN_NAME`] characters to its two ends around `…`, and the whole
/// message to [`MAX_SHOWN_MESSAGE`] characters.
fn clip_names(message: &str) -> String {
    let out = clip_quoted(message);
    if out.chars().count() > MAX_SHOWN_MESSAGE {
        let mut cut: String = out.chars().take(MAX_SHOWN_MESSAGE).collect();
        cut.push_str(" …");
        cut
    } else {
        out
    }
}

fn clip_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(4096));
    let mut rest = message;
    while let Some(i) = rest.find(['`', '"']) {
        let q = rest.as_bytes()[i] as char;
        out.push_str(&rest[..=i]);
        rest = &rest[i + 1..];
        let Some(j) = rest.find(q) else { break };
        let inner = &rest[..j];
        if inner.chars().count() > MAX_SHOWN_NAME {
            let head: String = inner.chars().take(MAX_SHOWN_NAME / 2).collect();
            let tail: Vec<char> = inner.chars().rev().take(MAX_SHOWN_NAME / 2).collect();
            out.push_str(&head);
            out.push('…');
            out.extend(tail.into_iter().rev());
        } else {
            out.push_str(inner);
        }
        out.push(q);
        rest = &rest[j + 1..];
    }
    out.push_str(rest);
    out
}

/// One line of a file around a span, with the span relative to it. Tabs are
/// four spaces (the renderer's own tab handling misplaces carets after a
/// leading tab).
struct Excerpt {
    line: usize,
    text: String,
    span: std::ops::Range<usize>,
    /// The span lies in the shown text's leading whitespace.
    in_lead: bool,
}

/// Longest part of a source line shown; a longer line shows a window around
/// the span (the renderer marks cut ends with `...`).
const MAX_SHOWN_LINE: usize = 240;

/// Width the renderer fits a shown line into (it cuts the ends with `...`).
const SHOWN_WIDTH: usize = 140;

fn excerpt(text: &str, span: Span, line: usize, line_start: usize) -> Excerpt {
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(span.start as usize);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line_end = if text[..line_end].ends_with('\r') && line_end > start {
        line_end - 1
    } else {
        line_end
    };
    let end = floor((span.end as usize).clamp(start, line_end));
    // A very long line: keep a window of whole characters around the span.
    let from = floor(start.saturating_sub(MAX_SHOWN_LINE / 2).max(line_start));
    let to = floor(
        (start + MAX_SHOWN_LINE / 2)
            .min(line_end)
            .max(end.min(start + MAX_SHOWN_LINE / 2)),
    );
    let end = end.min(to);
    let shown = &text[from..to];
    let in_lead = end <= from + (shown.len() - shown.trim_start().len());
    let expand = |s: &str| s.replace('\t', "    ");
    let before = expand(&text[from..start]).len();
    let inside = expand(&text[start..end]).len();
    Excerpt {
        line,
        text: expand(&text[from..to]),
        span: before..before + inside,
        in_lead,
    }
}

/// Render one diagnostic as `error: …` (or `warning: …`), `--> path:line:col`,
/// the line and carets (through `annotate-snippets`, as rustc does: tabs, wide and
/// zero-width characters keep the carets under their text).
pub fn render(d: &Diagnostic, path: &str, text: &str) -> String {
    render_with(d, path, text, None, &[])
}

/// A second place a diagnostic points at (the first declaration of a
/// duplicate): its file's path and text, span and label.
pub struct Related<'a> {
    pub path: &'a str,
    pub text: &'a str,
    /// The file's [`line_starts`], if known (else the text is scanned).
    pub starts: Option<&'a [usize]>,
    pub span: Span,
    pub label: &'a str,
}

/// [`render`], with further places shown under the first, each as a note.
/// `starts` are the file's [`line_starts`] when the caller keeps them (many
/// errors in one large file), else the text is scanned for the line.
pub fn render_with(
    d: &Diagnostic,
    path: &str,
    text: &str,
    starts: Option<&[usize]>,
    related: &[Related<'_>],
) -> String {
    let title = clip_names(&d.kind.to_string());
    let level = if d.kind.is_warning() {
        annotate_snippets::Level::Warning
    } else {
        annotate_snippets::Level::Error
    };
    let mut out = block(level, &title, path, text, starts, d.loc.span);
    for r in related {
        out.push_str(&block(
            annotate_snippets::Level::Note,
            r.label,
            r.path,
            r.text,
            r.starts,
            r.span,
        ));
    }
    out
}

/// One titled snippet: `LEVEL: title`, `--> path:line:col`, the line and carets.
fn block(
    level: annotate_snippets::Level,
    title: &str,
    path: &str,
    text: &str,
    starts: Option<&[usize]>,
    span: Span,
) -> String {
    use annotate_snippets::{Renderer, Snippet};
    let mut start = (span.start as usize).min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let (line, line_start) = match starts {
        Some(starts) => {
            let line = line_of(starts, start).max(1);
            (line, starts[line - 1])
        }
        None => {
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            (text[..line_start].matches('\n').count() + 1, line_start)
        }
    };
    let col = text[line_start..start].chars().count() + 1;
    let pad = " ".repeat(line.to_string().len());
    let header = format!("{pad}--> {path}:{line}:{col}\n");
    if text.is_empty() {
        return format!("{}: {title}\n{header}", level_name(level));
    }
    let ex = excerpt(text, span, line, line_start);
    if ex.in_lead && ex.text.chars().count() > SHOWN_WIDTH / 2 {
        // annotate-snippets 0.11 underflows (a panic in debug builds) on a
        // wide line whose span lies in its leading whitespace: such a line
        // is drawn here, the same way, cut at the width.
        let num = ex.line.to_string();
        let pad = " ".repeat(num.len());
        let mut shown: String = ex.text.chars().take(SHOWN_WIDTH).collect();
        if shown.len() < ex.text.len() {
            shown.push_str("...");
        }
        let carets = "^".repeat(ex.span.len().max(1));
        let at = " ".repeat(ex.span.start);
        return format!(
            "{}: {title}\n{header}{pad} |\n{num} | {}\n{pad} | {at}{carets}\n{pad} |\n",
            level_name(level),
            shown.trim_end()
        );
    }
    let message = level.title(title).snippet(
        Snippet::source(&ex.text)
            .line_start(ex.line)
            .annotation(level.span(ex.span.clone())),
    );
    let rendered = Renderer::plain()
        .term_width(SHOWN_WIDTH)
        .render(message)
        .to_string();
    // The header goes under the title (the snippet has no origin, since its
    // column would count from the start of a long line's window).
    let (first, rest) = rendered.split_once('\n').unwrap_or((&rendered, ""));
    format!("{first}\n{header}{rest}\n")
}

fn level_name(level: annotate_snippets::Level) -> &'static str {
    match level {
        annotate_snippets::Level::Error => "error",
        annotate_snippets::Level::Warning => "warning",
        _ => "note",
    }
}

/// Longest name compared by edit distance: longer names only get prefix
/// suggestions, so a 20,000-character typo costs no quadratic work.
const MAX_COMPARED: usize = 64;

/// Edit distance over characters, case-insensitive, counting a swap of two
/// neighbouring characters as one edit (optimal string alignment, from
/// `strsim`). `None` when it is surely more than `limit`: the lengths differ
/// by more, or a name is longer than [`MAX_COMPARED`] characters.
pub fn edit_distance_within(a: &str, b: &str, limit: usize) -> Option<usize> {
    let (la, lb) = (a.chars().count(), b.chars().count());
    if la.abs_diff(lb) > limit || la > MAX_COMPARED || lb > MAX_COMPARED {
        return None;
    }
    let d = strsim::osa_distance(&a.to_lowercase(), &b.to_lowercase());
    (d <= limit).then_some(d)
}

/// Edit distance, or `usize::MAX` when it is more than `limit` (see
/// [`edit_distance_within`]).
pub fn edit_distance(a: &str, b: &str) -> usize {
    edit_distance_within(a, b, 3).unwrap_or(usize::MAX)
}

/// The known names nearest to `wrong`: those at the smallest edit distance
/// (a third of the name's length, at least two), if that distance is small enough to be a plausible typo;
/// else names that `wrong` is a prefix of, or that are a prefix of it.
pub fn nearest<'a>(wrong: &str, known: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let wrong_l = wrong.to_lowercase();
    let limit = (wrong_l.chars().count() / 3).max(2);
    let mut close: Vec<(usize, String)> = Vec::new();
    let mut prefixed: Vec<String> = Vec::new();
    for k in known {
        let kl = k.to_lowercase();
        if let Some(d) = edit_distance_within(&wrong_l, &kl, limit) {
            close.push((d, k.to_string()));
        } else if (kl.starts_with(&wrong_l) || wrong_l.starts_with(&kl))
            && kl.len().min(wrong_l.len()) >= 3
        {
            prefixed.push(k.to_string());
        }
    }
    close.sort();
    close.dedup_by(|a, b| a.1.eq_ignore_ascii_case(&b.1));
    if let Some(best) = close.first().map(|c| c.0) {
        return close
            .into_iter()
            .filter(|c| c.0 == best)
            .take(3)
            .map(|c| c.1)
            .collect();
    }
    prefixed.sort();
    prefixed.dedup();
    prefixed.truncate(3);
    prefixed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_finds_typos() {
        let known = ["North Korea", "South Korea", "Russia"];
        assert_eq!(nearest("Nroth Korea", known), vec!["North Korea"]);
        assert_eq!(nearest("Rusia", known), vec!["Russia"]);
        assert!(nearest("Atlantis", known).is_empty());
    }

    #[test]
    fn render_points_at_the_column() {
        let text = "assert: x\nassert: Nroth Korea sent troops\n";
        let d = Diagnostic::new(
            FileId(0),
            Span::new(18, 29),
            ErrorKind::UnknownEntity {
                name: "Nroth Korea".into(),
                suggestions: vec!["North Korea".into()],
                group: false,
            },
        );
        let r = render(&d, "a.claims", text);
        assert!(r.contains("--> a.claims:2:9"), "{r}");
        assert!(r.contains("2 | assert: Nroth Korea sent troops\n"), "{r}");
        assert!(r.contains("  |         ^^^^^^^^^^^\n"), "{r}");
        assert!(r.contains("did you mean `North Korea`?"), "{r}");
    }

    fn unknown(text: &str, name: &str) -> String {
        let at = text.find(name).unwrap();
        let d = Diagnostic::new(
            FileId(0),
            Span::new(at, at + name.len()),
            ErrorKind::UnknownEntity {
                name: name.into(),
                suggestions: vec![],
                group: false,
            },
        );
        render(&d, "a.claims", text)
    }

    #[test]
    fn a_span_in_the_leading_tabs_of_a_wide_line_is_drawn() {
        // Found by fuzzing: annotate-snippets underflowed on this shape.
        let text = format!("a:\n{}x{}\n", "\t".repeat(60), "\t".repeat(60));
        let d = Diagnostic::new(
            FileId(0),
            Span::new(3, 4),
            ErrorKind::Json {
                message: "a tab".into(),
            },
        );
        let r = render(&d, "f.yaml", &text);
        assert!(r.contains("--> f.yaml:2:1"), "{r}");
        assert!(r.contains("\n  | ^^^^\n"), "{r}");
        assert!(r.lines().all(|l| l.len() < 160), "{r}");
    }

    #[test]
    fn carets_stay_under_wide_characters_and_tabs() {
        // 中国 and 🎉 take two columns each; a tab shows as four spaces.
        let r = unknown("assert:\t中国🎉 sent troops to Irn\n", "Irn");
        assert!(r.contains("--> a.claims:1:28"), "{r}");
        assert!(
            r.contains("1 | assert:    中国🎉 sent troops to Irn\n"),
            "{r}"
        );
        assert!(r.contains(&format!("  | {}^^^\n", " ".repeat(33))), "{r}");
        let r = unknown("assert: 中国🎉 x\n", "中国🎉");
        assert!(r.contains("  |         ^^^^^^\n"), "{r}");
    }

    #[test]
    fn a_long_line_shows_a_window_and_long_names_are_shortened() {
        let name = "y".repeat(30_000);
        let text = format!("assert: {name} sent troops to Irn\n");
        let r = unknown(&text, "Irn");
        assert!(r.contains("--> a.claims:1:30025"), "{r}");
        assert!(r.len() < 1000, "{} bytes", r.len());
        let r = unknown(&text, &name);
        assert!(r.len() < 1000, "{} bytes", r.len());
        assert!(r.contains("yyy…yyy"), "{r}");
    }

    proptest::proptest! {
        // Any text, any span: rendering never panics and stays small.
        #[test]
        fn rendering_any_span_is_safe_and_bounded(
            text in "(\\PC|[\t\r\n]|中|🎉){0,2000}",
            a in 0usize..8000,
            b in 0usize..8000,
        ) {
            let d = Diagnostic::new(
                FileId(0),
                Span::new(a.min(b), a.max(b)),
                ErrorKind::UnknownEntity { name: text.clone(), suggestions: vec![], group: false },
            );
            let r = render(&d, "a.claims", &text);
            proptest::prop_assert!(r.len() < 8_000, "{} bytes", r.len());
            let starts = line_starts(&text);
            let r2 = render_with(&d, "a.claims", &text, Some(&starts), &[]);
            proptest::prop_assert_eq!(r, r2);
        }
    }

    #[test]
    fn suggestions_are_bounded() {
        // A 20,000-character typo is compared by length first, never by a
        // 20,000 × 20,000 table.
        let long = "a".repeat(20_000);
        let near = format!("{}b", "a".repeat(19_999));
        assert_eq!(edit_distance_within(&long, &near, 3), None);
        assert_eq!(edit_distance_within("Rusia", "Russia", 2), Some(1));
        assert_eq!(edit_distance_within("Rusia", "Russian Federation", 2), None);
        assert!(nearest(&long, [near.as_str(), "Russia"]).is_empty());
    }
}
