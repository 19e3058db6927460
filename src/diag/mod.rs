//! Diagnostics: every error the library reports is a `Diagnostic` — a file, a
//! byte span and a typed `ErrorKind`. All wording lives in `ErrorKind`'s
//! `Display`; `render` turns one into text with `path:line:col`, the source line
//! and carets. Nothing here prints: only the binary does.

mod position;
mod render;
mod suggest;

pub use position::{line_col, line_of, line_starts};
pub use render::{render, render_with, Related};
pub use suggest::{edit_distance, edit_distance_within, nearest};

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
            Yaml { message } => match yaml_plainly(message) {
                Some(plain) => write!(f, "invalid YAML: {plain} (the YAML parser says: {message})"),
                None => write!(f, "invalid YAML: {message}"),
            },
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

/// The YAML parser's commonest messages said in terms of what to fix;
/// `None` for the rest, which are shown as the parser words them.
fn yaml_plainly(message: &str) -> Option<&'static str> {
    const PLAIN: [(&str, &str); 7] = [
        (
            "mapping values are not allowed",
            "a `: ` inside a plain value starts a second mapping; put the whole value in quotes",
        ),
        (
            "did not find expected '-' indicator",
            "this line is indented differently from the list items around it: items start with `- ` at one column, and an item's keys line up under its first key",
        ),
        (
            "did not find expected key",
            "this line is indented differently from the keys above it: the keys of one mapping start at the same column",
        ),
        ("found a tab", "a tab where YAML wants spaces: indent with spaces only"),
        (
            "quoted scalar",
            "a quoted value is not closed, or its next line is indented less than the key it belongs to",
        ),
        (
            "cannot start any token",
            "a character that cannot start a plain YAML value (such as `@` or a backquote): put the value in quotes",
        ),
        ("duplicate entry with key", "a key appears twice in one mapping"),
    ];
    PLAIN
        .iter()
        .find(|(said, _)| message.contains(said))
        .map(|(_, plain)| *plain)
}
