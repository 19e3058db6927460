//! `fmt`: the canonical layout of `.claims` files. Line based, so it keeps
//! every comment and never changes what a file means: whitespace runs outside
//! strings become one space, trailing space goes, a continuation line is
//! indented four spaces (a `|` line aligns its `|` under the statement's first
//! `:`, when that is within `MAX_ALIGN` columns), blank lines collapse to one, and the file ends with one newline.
//! Formatting formatted text changes nothing. A file keeps its line endings
//! (those of its first line: `\r\n` stays `\r\n`) and its byte order mark.

use crate::syntax::parser::comment_start;

/// The farthest column a `|` line is aligned to; past it, it is indented four
/// spaces. This keeps the output within a small multiple of the input.
pub const MAX_ALIGN: usize = 40;

/// Splits a line into code and comment (`#` outside double quotes).
fn split_comment(line: &str) -> (&str, &str) {
    line.split_at(comment_start(line).unwrap_or(line.len()))
}

/// Collapses whitespace runs outside double-quoted strings to one space.
fn collapse(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut in_str = false;
    let mut escaped = false;
    let mut space = false;
    for c in code.trim().chars() {
        if in_str {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_str = false;
            }
            continue;
        }
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        if c == '"' {
            in_str = true;
        }
        out.push(c);
    }
    out
}

/// The canonical layout of a `.claims` file's text, with the file's byte
/// order mark (if any) and the line ending of its first line.
pub fn format(text: &str) -> String {
    let (bom, body) = match text.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", text),
    };
    let eol = match body.find('\n') {
        Some(i) if body[..i].ends_with('\r') => "\r\n",
        _ => "\n",
    };
    let mut s = layout(body).join(eol);
    if !s.is_empty() {
        s.push_str(eol);
    }
    format!("{bom}{s}")
}

/// The canonical lines of a text (without line endings).
fn layout(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut colon: Option<usize> = None;
    let mut blank = false;
    for raw in text.lines() {
        let (code, comment) = split_comment(raw);
        let comment = comment.trim_end();
        let code_t = collapse(code);
        if code_t.is_empty() && comment.is_empty() {
            blank = true;
            continue;
        }
        if blank && !out.is_empty() {
            out.push(String::new());
        }
        blank = false;
        if code_t.is_empty() {
            // A comment alone keeps its indentation (it may sit inside a statement).
            let indent = &raw[..raw.len() - raw.trim_start().len()];
            let indent = if indent.is_empty() { "" } else { "    " };
            out.push(format!("{indent}{comment}"));
            continue;
        }
        let continuation = raw.starts_with(char::is_whitespace);
        let line = if continuation {
            let indent = match (code_t.starts_with('|'), colon) {
                // Aligned only up to a column: a statement head thousands of
                // characters long must not indent every `|` line as far.
                (true, Some(c)) if c > 0 && c <= MAX_ALIGN => c,
                _ => 4,
            };
            format!("{}{code_t}", " ".repeat(indent))
        } else {
            colon = code_t.find(':');
            code_t
        };
        if comment.is_empty() {
            out.push(line);
        } else {
            out.push(format!("{line}  {comment}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_layout() {
        let src = "relation troops  functional:   {from} sent {n:number} troops to {to}   # why\n\t| {from} sent troops to {to}\n\n\n\nassert:   Iran   sent \"a  b\" # x\n";
        let want = "relation troops functional: {from} sent {n:number} troops to {to}  # why\n                          | {from} sent troops to {to}\n\nassert: Iran sent \"a  b\"  # x\n";
        assert_eq!(format(src), want);
        assert_eq!(format(want), want);
    }

    #[test]
    fn keeps_crlf_and_bom() {
        let src = "\u{feff}relation  r: a  b\r\n\r\n\r\nassert:  a b\r\n";
        let want = "\u{feff}relation r: a b\r\n\r\nassert: a b\r\n";
        assert_eq!(format(src), want);
        assert_eq!(format(want), want);
        assert_eq!(format("assert: a\nassert: b"), "assert: a\nassert: b\n");
    }

    #[test]
    fn output_stays_within_a_small_multiple_of_the_input() {
        // A statement head 35,000 characters wide and 23,000 `|` lines: each
        // `|` line would be indented 35,000 spaces if aligned under the `:`.
        let src = format!(
            "relation r {}: a\n{}",
            "x".repeat(35_000),
            " |\n".repeat(23_000)
        );
        let out = format(&src);
        assert!(
            out.len() < 3 * src.len(),
            "{} bytes from {}",
            out.len(),
            src.len()
        );
        assert_eq!(format(&out), out);
    }
}
