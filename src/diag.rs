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

/// Everything that can be wrong with a workspace.
#[derive(Clone, Debug, PartialEq, Eq)]
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
    Duplicate {
        what: &'static str,
        name: String,
    },
    AliasClash {
        alias: String,
        first: String,
        second: String,
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
        matches!(self, ErrorKind::OneBoundMultiplier { .. })
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
            Duplicate { what, name } => write!(
                f,
                "{what} `{name}` is declared twice with different content"
            ),
            AliasClash { alias, first, second } => write!(
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
                "definition `{name}` nests definitions more than {limit} deep"
            ),
            TooManyBindings { count, limit } => write!(
                f,
                "claim ranges over {count} quantifier bindings (nested quantifiers multiply, definitions included), more than the limit of {limit}"
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

/// Render one diagnostic as `error: …`, `--> path:line:col`, the line and carets.
pub fn render(d: &Diagnostic, path: &str, text: &str) -> String {
    let start = (d.loc.span.start as usize).min(text.len());
    let (line, col) = line_col(text, start);
    let level = if d.kind.is_warning() {
        "warning"
    } else {
        "error"
    };
    let mut out = format!("{level}: {}\n  --> {}:{}:{}\n", d.kind, path, line, col);
    if text.is_empty() {
        return out;
    }
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line_text = &text[line_start..line_end];
    let end = (d.loc.span.end as usize).clamp(start, line_end);
    let mut end = end;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let gutter = line.to_string();
    let pad = " ".repeat(gutter.len());
    // Tabs are shown as four spaces, in the line and under it alike.
    let shown: String = line_text.replace('\t', "    ");
    let lead: usize = text[line_start..start]
        .chars()
        .map(|c| if c == '\t' { 4 } else { 1 })
        .sum();
    let width: usize = text[start..end]
        .chars()
        .map(|c| if c == '\t' { 4 } else { 1 })
        .sum::<usize>()
        .max(1);
    out.push_str(&format!(
        "{pad} |\n{gutter} | {shown}\n{pad} | {}{}\n",
        " ".repeat(lead),
        "^".repeat(width)
    ));
    out
}

/// Edit distance over characters, case-insensitive, counting a swap of two
/// neighbouring characters as one edit (optimal string alignment).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

/// The known names nearest to `wrong`: those at the smallest edit distance
/// (at most three), if that distance is small enough to be a plausible typo;
/// else names that `wrong` is a prefix of, or that are a prefix of it.
pub fn nearest<'a>(wrong: &str, known: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let wrong_l = wrong.to_lowercase();
    let limit = (wrong_l.chars().count() / 3).max(2);
    let mut close: Vec<(usize, String)> = Vec::new();
    let mut prefixed: Vec<String> = Vec::new();
    for k in known {
        let kl = k.to_lowercase();
        let d = edit_distance(&wrong_l, &kl);
        if d <= limit {
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
        assert!(r.contains("        ^^^^^^^^^^^"), "{r}");
        assert!(r.contains("did you mean `North Korea`?"), "{r}");
    }
}
