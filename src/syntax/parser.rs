//! The `.claims` parser: splits a file into statements (a line starting with
//! whitespace continues the one above; `#` comments are blanked out) and parses
//! each statement's head. It never stops at the first error: a bad statement
//! is reported and skipped, and the next one is parsed.

use crate::diag::{nearest, ErrorKind, Span};
use crate::eval::logic::Verdict;
use crate::syntax::ast::*;
use crate::syntax::lexer::{fold_spaces, lex, Token, TokenKind};
use crate::syntax::template::parse_template;

pub type SyntaxError = (Span, ErrorKind);

const STATEMENT_WORDS: [&str; 7] = [
    "relation", "entity", "group", "define", "assert", "expect", "check",
];

/// Where the `#` comment of a line starts (a `#` inside a double-quoted
/// string, `\"` escapes included, is text).
pub fn comment_start(line: &str) -> Option<usize> {
    // Most lines have no `#` at all: found (or not) by memchr.
    memchr::memchr(b'#', line.as_bytes())?;
    let mut in_str = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        if in_str {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_str = false;
            }
        } else if c == '"' {
            in_str = true;
        } else if c == '#' {
            return Some(i);
        }
    }
    None
}

/// Replaces every `#` comment (outside double quotes) with spaces, keeping
/// every byte offset where it was.
pub fn blank_comments(text: &str) -> String {
    if memchr::memchr(b'#', text.as_bytes()).is_none() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        match comment_start(line) {
            Some(i) => {
                out.push_str(&line[..i]);
                for c in line[i..].chars() {
                    if c == '\n' || c == '\r' {
                        out.push(c);
                    } else {
                        out.extend(std::iter::repeat_n(' ', c.len_utf8()));
                    }
                }
            }
            None => out.push_str(line),
        }
    }
    out
}

/// Byte ranges of the statements: a non-blank line at column 1 starts one;
/// indented lines continue it. An indented line with nothing above is an error.
fn statement_ranges(text: &str, errors: &mut Vec<SyntaxError>) -> Vec<(usize, usize)> {
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let start = at;
        at += line.len();
        if content.trim().is_empty() {
            continue;
        }
        let end = start + content.len();
        if content.starts_with(char::is_whitespace) {
            match ranges.last_mut() {
                Some(r) => r.1 = end,
                None => {
                    let lead = content.len() - content.trim_start().len();
                    errors.push((
                        Span::new(start + lead, end),
                        ErrorKind::Syntax {
                            expected: "a statement at the start of the line".into(),
                            found: "an indented line with no statement above it".into(),
                        },
                    ));
                }
            }
        } else {
            ranges.push((start, end));
        }
    }
    ranges
}

/// Parses a whole `.claims` file. Returns the statements that parsed and the
/// errors of those that did not.
pub fn parse_rule_file(text: &str) -> (RuleFile, Vec<SyntaxError>) {
    parse_rule_file_part(text, Part::All)
}

/// Which statements of a rule file to parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    All,
    /// Every statement but the assertions, and the errors of the file's
    /// layout (`statement_ranges`).
    Declarations,
    /// The assertions (`assert`, `expect`, `check:`) alone: with
    /// `Declarations`, the whole file, each error once.
    Assertions,
}

/// The statements of `part` of a rule file, and their errors. A check reads
/// the declarations of every file first and then the claims a file at a
/// time, so the claims' tokens of every file are never held at once.
pub fn parse_rule_file_part(text: &str, part: Part) -> (RuleFile, Vec<SyntaxError>) {
    use rayon::prelude::*;
    let clean = blank_comments(text);
    let mut errors = Vec::new();
    let mut ranges = statement_ranges(&clean, &mut errors);
    if part == Part::Assertions {
        errors.clear();
    }
    if part != Part::All {
        let assertions = part == Part::Assertions;
        ranges.retain(|&(start, end)| {
            matches!(head(&clean[start..end]).0, "assert" | "expect" | "check") == assertions
        });
    }
    // Statements parse on their own: in parallel, taken in order.
    let parsed: Vec<Result<Statement, SyntaxError>> = ranges
        .par_iter()
        .with_min_len(256)
        .map(|&(start, end)| {
            parse_statement(&clean[start..end], start).map(|kind| Statement {
                kind,
                span: Span::new(start, end),
            })
        })
        .collect();
    let mut statements = Vec::with_capacity(parsed.len());
    for p in parsed {
        match p {
            Ok(s) => statements.push(s),
            Err(e) => errors.push(e),
        }
    }
    (RuleFile { statements }, errors)
}

/// The `relation` statements of a `.claims` file that parse, and nothing
/// else: for checks over templates, which need not lex every claim again.
pub fn parse_relations(text: &str) -> Vec<Statement> {
    let clean = blank_comments(text);
    statement_ranges(&clean, &mut Vec::new())
        .into_iter()
        .filter(|&(start, end)| head(&clean[start..end]).0 == "relation")
        .filter_map(|(start, end)| {
            let kind = parse_statement(&clean[start..end], start).ok()?;
            Some(Statement {
                kind,
                span: Span::new(start, end),
            })
        })
        .collect()
}

fn found(t: Option<&Token>) -> String {
    match t {
        None => "the end of the statement".into(),
        Some(t) if t.kind == TokenKind::Text => format!("\"{}\"", t.text),
        Some(t) => format!("`{}`", t.text),
    }
}

fn expected(what: &str, t: Option<&Token>, end: usize) -> SyntaxError {
    let span = t.map_or(Span::new(end, end + 1), |t| t.span);
    (
        span,
        ErrorKind::Syntax {
            expected: what.into(),
            found: found(t),
        },
    )
}

/// The first word of a statement and where its text after that word starts.
fn head(stmt: &str) -> (&str, usize) {
    let end = stmt
        .find(|c: char| c.is_whitespace() || c == ':' || c == '(' || c == '{')
        .unwrap_or(stmt.len());
    (&stmt[..end], end)
}

fn parse_statement(stmt: &str, base: usize) -> Result<StatementKind, SyntaxError> {
    let (word, after) = head(stmt);
    let rest = &stmt[after..];
    let rest_base = base + after;
    match word {
        "relation" => parse_relation(rest, rest_base),
        "entity" => parse_entity(rest, rest_base),
        "group" => parse_group(rest, rest_base),
        "define" => parse_define(rest, rest_base),
        "assert" => parse_assertion(Expectation::Verdict(Verdict::Supported), rest, rest_base),
        "check" => parse_assertion(Expectation::Check, rest, rest_base),
        "expect" => {
            // Lexed once: the verdict is the first token, the claim's
            // tokens follow it.
            let toks = lex(rest, rest_base)?;
            let Some(v) = toks.first() else {
                return Err(expected(
                    "a verdict (supported, refuted, contested, unknown)",
                    None,
                    base + stmt.len(),
                ));
            };
            if v.kind != TokenKind::Word {
                return Err(expected(
                    "a verdict (supported, refuted, contested, unknown)",
                    Some(v),
                    0,
                ));
            }
            let Some(verdict) = Verdict::parse(&v.text) else {
                let names = Verdict::ALL.map(|v| v.name());
                return Err((
                    v.span,
                    ErrorKind::UnknownVerdict {
                        found: v.text.to_string(),
                        suggestions: nearest(&v.text, names),
                    },
                ));
            };
            assertion_from(Expectation::Verdict(verdict), toks, 1, base + stmt.len())
        }
        _ => {
            let w = if word.is_empty() {
                stmt.split_whitespace().next().unwrap_or("")
            } else {
                word
            };
            Err((
                Span::new(base, base + w.len().max(1)),
                ErrorKind::UnknownStatement {
                    found: w.to_string(),
                    suggestions: nearest(w, STATEMENT_WORDS),
                },
            ))
        }
    }
}

/// `: CLAIM` after `assert`, `check` or `expect VERDICT`.
fn parse_assertion(
    expectation: Expectation,
    rest: &str,
    base: usize,
) -> Result<StatementKind, SyntaxError> {
    assertion_from(expectation, lex(rest, base)?, 0, base + rest.len())
}

/// An assertion from a statement's tokens, whose `: CLAIM` starts at
/// `toks[skip]` (after the verdict of an `expect`); `end` is where the
/// statement ends.
fn assertion_from(
    expectation: Expectation,
    mut toks: Vec<Token>,
    skip: usize,
    end: usize,
) -> Result<StatementKind, SyntaxError> {
    match toks.get(skip) {
        Some(t) if t.kind == TokenKind::Colon => {}
        other => return Err(expected("`:`", other, end)),
    }
    toks.drain(..=skip);
    let claim = toks;
    let Some(first) = claim.first() else {
        return Err(expected("a claim", None, end));
    };
    let claim_span = first.span.to(claim.last().expect("non-empty").span);
    Ok(StatementKind::Assertion(AssertionStmt {
        expectation,
        claim,
        claim_span,
    }))
}

/// Words up to (not including) the first token that is not a word.
fn name_from(toks: &[Token]) -> Option<(Name, usize)> {
    let n = toks
        .iter()
        .take_while(|t| t.kind == TokenKind::Word)
        .count();
    if n == 0 {
        return None;
    }
    let words: Vec<String> = toks[..n].iter().map(|t| t.norm.to_string()).collect();
    let text = toks[..n]
        .iter()
        .map(|t| t.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    Some((
        Name {
            text,
            words,
            span: toks[0].span.to(toks[n - 1].span),
        },
        n,
    ))
}

/// `relation NAME [symmetric] [functional]: TEMPLATE (| TEMPLATE)*`
fn parse_relation(rest: &str, base: usize) -> Result<StatementKind, SyntaxError> {
    let colon = rest
        .find(':')
        .ok_or_else(|| expected("`:` after the relation's name", None, base + rest.len()))?;
    let toks = lex(&rest[..colon], base)?;
    let Some(name_tok) = toks.first().filter(|t| t.kind == TokenKind::Word) else {
        return Err(expected("a relation name", toks.first(), base + colon));
    };
    let name = Name {
        text: name_tok.text.to_string(),
        words: vec![name_tok.norm.to_string()],
        span: name_tok.span,
    };
    let (mut symmetric, mut functional) = (false, false);
    for t in &toks[1..] {
        match t.norm.as_str() {
            "symmetric" if t.kind == TokenKind::Word => symmetric = true,
            "functional" if t.kind == TokenKind::Word => functional = true,
            _ => return Err(expected("`symmetric`, `functional` or `:`", Some(t), 0)),
        }
    }
    let body = &rest[colon + 1..];
    let body_base = base + colon + 1;
    let mut templates = Vec::new();
    let mut start = 0;
    let bytes = body.as_bytes();
    let mut i = 0;
    loop {
        // `\` escapes the next byte; at the very end it escapes nothing, and
        // the template parser says so (the last template is never dropped).
        let at_end = i >= bytes.len();
        if at_end || bytes[i] == b'|' {
            let end = i.min(bytes.len());
            let piece = &body[start..end];
            if piece.trim().is_empty() {
                return Err(expected("a template", None, body_base + end));
            }
            templates.push(parse_template(piece, body_base + start)?);
            if at_end {
                break;
            }
            start = i + 1;
        } else if bytes[i] == b'\\' && i + 1 < bytes.len() {
            // `\|` is no separator; a `\` at the very end is the template's
            // own error (it used to drop the last template).
            i += 1;
        }
        i += 1;
    }
    Ok(StatementKind::Relation(RelationDecl {
        name,
        symmetric,
        functional,
        templates,
    }))
}

/// `entity NAME (KIND) [aka ALIAS, …]`
fn parse_entity(rest: &str, base: usize) -> Result<StatementKind, SyntaxError> {
    let toks = lex(rest, base)?;
    let end = base + rest.len();
    let (name, n) =
        name_from(&toks).ok_or_else(|| expected("an entity name", toks.first(), end))?;
    let mut i = n;
    match toks.get(i) {
        Some(t) if t.kind == TokenKind::LParen => i += 1,
        other => {
            return Err(expected(
                "`(` and the entity's kind, as in `(country)`",
                other,
                end,
            ))
        }
    }
    let (kind, k) = name_from(&toks[i..]).ok_or_else(|| expected("a kind", toks.get(i), end))?;
    if k != 1 {
        return Err(expected("a kind of one word", toks.get(i + 1), end));
    }
    i += 1;
    match toks.get(i) {
        Some(t) if t.kind == TokenKind::RParen => i += 1,
        other => return Err(expected("`)`", other, end)),
    }
    let mut aliases = Vec::new();
    if i < toks.len() {
        if !toks[i].is_word("aka") {
            return Err(expected(
                "`aka` or the end of the statement",
                toks.get(i),
                end,
            ));
        }
        i += 1;
        loop {
            let (alias, a) =
                name_from(&toks[i..]).ok_or_else(|| expected("an alias", toks.get(i), end))?;
            aliases.push(alias);
            i += a;
            match toks.get(i) {
                None => break,
                Some(t) if t.kind == TokenKind::Comma => i += 1,
                other => return Err(expected("`,` or the end of the statement", other, end)),
            }
        }
    }
    Ok(StatementKind::Entity(EntityDecl {
        name,
        kind,
        aliases,
    }))
}

/// `group NAME = MEMBER, …`
fn parse_group(rest: &str, base: usize) -> Result<StatementKind, SyntaxError> {
    let toks = lex(rest, base)?;
    let end = base + rest.len();
    let (name, n) = name_from(&toks).ok_or_else(|| expected("a group name", toks.first(), end))?;
    if n != 1 {
        return Err(expected(
            "`=` after the group's name (one word)",
            toks.get(1),
            end,
        ));
    }
    match toks.get(1) {
        Some(t) if t.kind == TokenKind::Equals => {}
        other => return Err(expected("`=`", other, end)),
    }
    let mut members = Vec::new();
    let mut i = 2;
    if i < toks.len() {
        loop {
            let (m, a) = name_from(&toks[i..])
                .ok_or_else(|| expected("a member entity", toks.get(i), end))?;
            members.push(m);
            i += a;
            match toks.get(i) {
                None => break,
                Some(t) if t.kind == TokenKind::Comma => i += 1,
                other => return Err(expected("`,` or the end of the statement", other, end)),
            }
        }
    }
    Ok(StatementKind::Group(GroupDecl { name, members }))
}

/// `define TEMPLATE: CLAIM` — the template ends at the first `:` outside a slot.
fn parse_define(rest: &str, base: usize) -> Result<StatementKind, SyntaxError> {
    let mut depth = 0;
    let mut colon = None;
    let mut escaped = false;
    for (i, c) in rest.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '{' => depth += 1,
            '}' => depth -= 1,
            ':' if depth == 0 => {
                colon = Some(i);
                break;
            }
            _ => {}
        }
    }
    let colon = colon.ok_or_else(|| {
        expected(
            "`:` after the definition's template",
            None,
            base + rest.len(),
        )
    })?;
    let template = parse_template(&rest[..colon], base)?;
    let body = lex(&rest[colon + 1..], base + colon + 1)?;
    let Some(first) = body.first() else {
        return Err(expected("a claim after `:`", None, base + rest.len()));
    };
    let body_span = first.span.to(body.last().expect("non-empty").span);
    Ok(StatementKind::Define(DefineDecl {
        template,
        body,
        body_span,
    }))
}

/// The text of a token list as written, whitespace folded.
pub fn tokens_text(src: &str, toks: &[Token]) -> String {
    match (toks.first(), toks.last()) {
        (Some(a), Some(b)) => fold_spaces(&src[a.span.start as usize..b.span.end as usize]),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The declarations and the assertions parsed apart are the whole file:
    // every statement and every error once.
    #[test]
    fn the_two_parts_make_the_whole_file() {
        let src = "relation treaty: treaty between {a} and {b}\n\
                   asert: x\n\
                   expect maybe: y\n\
                   entity Russia (country\n\
                   assert: treaty between Russia and \"open\n\
                   check: Russia\n\
                   \texpect refuted: z\n\
                   group g = Russia\n";
        let (whole, mut all_errors) = parse_rule_file(src);
        let (decls, mut errors) = parse_rule_file_part(src, Part::Declarations);
        let (claims, more) = parse_rule_file_part(src, Part::Assertions);
        errors.extend(more);
        assert!(!all_errors.is_empty() && !decls.statements.is_empty());
        assert!(!claims.statements.is_empty());
        let mut parts: Vec<_> = decls
            .statements
            .into_iter()
            .chain(claims.statements)
            .collect();
        parts.sort_by_key(|s| s.span.start);
        assert_eq!(format!("{parts:?}"), format!("{:?}", whole.statements));
        all_errors.sort_by_key(|e| e.0);
        errors.sort_by_key(|e| e.0);
        assert_eq!(errors, all_errors);
    }

    #[test]
    fn continuation_lines_and_comments() {
        let src = "relation troops functional: {from} sent {n:number} troops to {to} # note\n  | {from} sent troops to {to}\n\n# only a comment\nassert: x y # trailing\n";
        let (file, errors) = parse_rule_file(src);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(file.statements.len(), 2);
        let StatementKind::Relation(r) = &file.statements[0].kind else {
            panic!()
        };
        assert!(r.functional && !r.symmetric);
        assert_eq!(r.templates.len(), 2);
        let StatementKind::Assertion(a) = &file.statements[1].kind else {
            panic!()
        };
        assert_eq!(a.claim.len(), 2);
    }

    #[test]
    fn keeps_hash_inside_strings() {
        assert_eq!(blank_comments("a \"#b\" # c\n"), "a \"#b\"    \n");
    }

    #[test]
    fn reports_every_bad_statement() {
        let src =
            "asert: x\nexpect supportd: y\nentity North Korea (country) aka DPRK, Pyongyang\n";
        let (file, errors) = parse_rule_file(src);
        assert_eq!(file.statements.len(), 1);
        assert_eq!(errors.len(), 2);
        assert!(
            matches!(&errors[0].1, ErrorKind::UnknownStatement { suggestions, .. } if suggestions == &["assert"])
        );
        assert!(
            matches!(&errors[1].1, ErrorKind::UnknownVerdict { suggestions, .. } if suggestions == &["supported"])
        );
    }
}
