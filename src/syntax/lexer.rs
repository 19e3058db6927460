//! The claim lexer: turns the text of a claim (or an entity name, a value
//! phrase) into tokens with byte spans. Built from nom recognizers. It knows
//! nothing of templates or entities: words are just words.

use compact_str::CompactString;
use nom::{
    branch::alt,
    bytes::complete::{tag, take_while1},
    character::complete::{char, multispace0, satisfy},
    combinator::recognize,
    multi::many0,
    sequence::{delimited, pair},
    IResult,
};

use crate::diag::{ErrorKind, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// A word: letters, digits and any punctuation not listed below.
    Word,
    /// A double-quoted string; `norm` holds its lower-cased content.
    Text,
    /// `{name}` — a definition's slot, used inside a definition's body.
    Placeholder,
    Comma,
    Colon,
    LParen,
    RParen,
    Pipe,
    Equals,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    /// The token as written (for a string: its content, unescaped; for a
    /// placeholder: the slot name).
    pub text: CompactString,
    /// Lower-cased `text`: what matching compares.
    pub norm: CompactString,
    pub span: Span,
}

impl Token {
    pub fn is_word(&self, w: &str) -> bool {
        self.kind == TokenKind::Word && self.norm == w
    }
}

fn is_word_char(c: char) -> bool {
    // A word ends at whitespace and at the characters that are tokens of
    // their own or start one (a string, a placeholder): `(),:|="{}`.
    !(c.is_whitespace() || matches!(c, '(' | ')' | ',' | ':' | '|' | '=' | '"' | '{' | '}'))
}

/// A word; a comma between digits (`14,000`) stays inside it.
fn word(i: &str) -> IResult<&str, &str> {
    recognize(pair(
        take_while1(is_word_char),
        many0(pair(
            pair(char(','), satisfy(|c| c.is_ascii_digit())),
            nom::bytes::complete::take_while(is_word_char),
        )),
    ))(i)
}

fn placeholder(i: &str) -> IResult<&str, &str> {
    delimited(
        char('{'),
        take_while1(|c: char| c.is_alphanumeric() || c == '_' || c == '-'),
        char('}'),
    )(i)
}

fn punct(i: &str) -> IResult<&str, (TokenKind, &str)> {
    alt((
        nom::combinator::map(tag(","), |s| (TokenKind::Comma, s)),
        nom::combinator::map(tag(":"), |s| (TokenKind::Colon, s)),
        nom::combinator::map(tag("("), |s| (TokenKind::LParen, s)),
        nom::combinator::map(tag(")"), |s| (TokenKind::RParen, s)),
        nom::combinator::map(tag("|"), |s| (TokenKind::Pipe, s)),
        nom::combinator::map(tag("="), |s| (TokenKind::Equals, s)),
    ))(i)
}

/// Reads a double-quoted string starting at `i` (which begins with `"`).
/// Returns the rest and the unescaped content, or `None` if unterminated.
fn string(i: &str) -> Option<(&str, String)> {
    let body = i.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => return Some((&body[at + 1..], out)),
            '\\' => match chars.next() {
                Some((_, e)) => out.push(e),
                None => return None,
            },
            c => out.push(c),
        }
    }
    None
}

/// Tokenizes `text`, whose first byte sits at `base` in its file.
pub fn lex(text: &str, base: usize) -> Result<Vec<Token>, (Span, ErrorKind)> {
    let mut tokens = Vec::new();
    // A long text (a claim of many thousand atoms) gets room for a token
    // every other byte at once: pages not written are never resident, and
    // growing by doubling would hold the old and the new buffer together.
    if text.len() > 1 << 16 {
        tokens.reserve(text.len() / 2);
    }
    let mut rest = text;
    loop {
        let (r, _) = multispace0::<&str, ()>(rest).expect("multispace0 cannot fail");
        rest = r;
        if rest.is_empty() {
            return Ok(tokens);
        }
        let at = base + (text.len() - rest.len());
        if rest.starts_with('"') {
            let Some((r, content)) = string(rest) else {
                return Err((Span::new(at, at + 1), ErrorKind::UnterminatedString));
            };
            let end = base + (text.len() - r.len());
            tokens.push(Token {
                kind: TokenKind::Text,
                norm: fold_spaces(&content.to_lowercase()).into(),
                text: content.into(),
                span: Span::new(at, end),
            });
            rest = r;
            continue;
        }
        if let Ok((r, name)) = placeholder(rest) {
            tokens.push(Token {
                kind: TokenKind::Placeholder,
                text: name.into(),
                norm: lower(name),
                span: Span::new(at, at + name.len() + 2),
            });
            rest = r;
            continue;
        }
        if let Ok((r, (kind, s))) = punct(rest) {
            tokens.push(Token {
                kind,
                text: s.into(),
                norm: s.into(),
                span: Span::new(at, at + s.len()),
            });
            rest = r;
            continue;
        }
        if let Ok((r, w)) = word(rest) {
            // A full stop after a number is a word of its own (`3.4%.`):
            // only a decimal point between digits belongs to a number.
            if let Some(n) = w.strip_suffix('.') {
                if crate::value::is_number_word(&n.to_lowercase()) {
                    for (text, start) in [(n, at), (".", at + n.len())] {
                        tokens.push(Token {
                            kind: TokenKind::Word,
                            text: text.into(),
                            norm: lower(text),
                            span: Span::new(start, start + text.len()),
                        });
                    }
                    rest = r;
                    continue;
                }
            }
            tokens.push(Token {
                kind: TokenKind::Word,
                text: w.into(),
                norm: lower(w),
                span: Span::new(at, at + w.len()),
            });
            rest = r;
            continue;
        }
        // A lone `{` or `}` that is not a well-formed placeholder.
        let c = rest.chars().next().unwrap_or(' ');
        return Err((
            Span::new(at, at + c.len_utf8()),
            ErrorKind::Syntax {
                expected: "a word, a quoted string or a slot `{name}`".into(),
                found: format!("`{c}`"),
            },
        ));
    }
}

/// `s` lower-cased, without a detour through `String` when it already is
/// (a short token then needs no allocation at all).
fn lower(s: &str) -> CompactString {
    if !s.is_ascii() {
        return s.to_lowercase().into();
    }
    // ASCII (`Russia`): lower-cased in place, inline up to 24 bytes.
    let mut out = CompactString::from(s);
    out.as_mut_str().make_ascii_lowercase();
    out
}

/// Collapses runs of whitespace to one space and trims.
pub fn fold_spaces(s: &str) -> String {
    // Most text has nothing to fold: copy it as it is.
    let b = s.as_bytes();
    let plain = b.first().is_none_or(|&c| c != b' ')
        && b.last().is_none_or(|&c| c != b' ')
        && !b.windows(2).any(|w| w[1] == b' ' && w[0] == b' ')
        && (b
            .iter()
            .all(|&c| c.is_ascii() && !(b'\t'..=b'\r').contains(&c))
            || !s.chars().any(|c| c.is_whitespace() && c != ' '));
    if plain {
        return s.to_string();
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Lower-cased words of a name (`North  Korea` → `["north", "korea"]`), as the
/// lexer would split them; `None` if the name holds anything but words.
pub fn name_words(name: &str) -> Option<Vec<String>> {
    // Letters, digits and spaces (most names): the words the lexer gives,
    // without lexing. A workspace may declare tens of thousands of names.
    if name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b' ') {
        let words: Vec<String> = name
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_lowercase)
            .collect();
        return (!words.is_empty()).then_some(words);
    }
    lexed_name_words(name)
}

fn lexed_name_words(name: &str) -> Option<Vec<String>> {
    let toks = lex(name, 0).ok()?;
    if toks.is_empty() || toks.iter().any(|t| t.kind != TokenKind::Word) {
        return None;
    }
    Some(toks.into_iter().map(|t| t.norm.into_string()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_fold_to_one_between_words() {
        for (text, folded) in [
            ("North Korea", "North Korea"),
            ("  North   Korea ", "North Korea"),
            ("North\tKorea", "North Korea"),
            ("North\r\nKorea", "North Korea"),
            ("Côte d'Ivoire", "Côte d'Ivoire"),
            ("Côte\u{a0}d'Ivoire", "Côte d'Ivoire"),
            ("a\u{3000}b\u{2028}c", "a b c"),
            ("", ""),
        ] {
            assert_eq!(fold_spaces(text), folded, "{text:?}");
        }
    }

    #[test]
    fn plain_names_split_as_the_lexer_splits_them() {
        for name in [
            "North Korea",
            "  North   KOREA ",
            "Kim Jong Un",
            "G7",
            "2024",
            "a",
            "",
            "   ",
            "Côte d'Ivoire",
            "U.S.",
            "Foo, Bar",
        ] {
            assert_eq!(name_words(name), lexed_name_words(name), "{name:?}");
        }
    }

    fn kinds(s: &str) -> Vec<(TokenKind, String)> {
        lex(s, 0)
            .unwrap()
            .into_iter()
            .map(|t| (t.kind, t.text.into_string()))
            .collect()
    }

    #[test]
    fn numbers_keep_their_commas_but_lists_split() {
        use TokenKind::*;
        assert_eq!(
            kinds("sent 14,000 troops"),
            vec![
                (Word, "sent".into()),
                (Word, "14,000".into()),
                (Word, "troops".into())
            ]
        );
        assert_eq!(
            kinds("every x, y in axis:"),
            vec![
                (Word, "every".into()),
                (Word, "x".into()),
                (Comma, ",".into()),
                (Word, "y".into()),
                (Word, "in".into()),
                (Word, "axis".into()),
                (Colon, ":".into()),
            ]
        );
        assert_eq!(
            kinds("June 23, 2025"),
            vec![
                (Word, "June".into()),
                (Word, "23".into()),
                (Comma, ",".into()),
                (Word, "2025".into())
            ]
        );
    }

    #[test]
    fn a_full_stop_after_a_number_is_a_word() {
        use TokenKind::*;
        assert_eq!(
            kinds("rose 3.4%. Then"),
            vec![
                (Word, "rose".into()),
                (Word, "3.4%".into()),
                (Word, ".".into()),
                (Word, "Then".into())
            ]
        );
        assert_eq!(
            kinds("$27.36 U.S."),
            vec![(Word, "$27.36".into()), (Word, "U.S.".into())]
        );
    }

    #[test]
    fn strings_and_placeholders() {
        use TokenKind::*;
        assert_eq!(
            kinds(r#"{who} called the strikes "a \"crime\"""#),
            vec![
                (Placeholder, "who".into()),
                (Word, "called".into()),
                (Word, "the".into()),
                (Word, "strikes".into()),
                (Text, "a \"crime\"".into()),
            ]
        );
        assert!(matches!(
            lex("say \"oops", 0),
            Err((_, ErrorKind::UnterminatedString))
        ));
    }

    #[test]
    fn words_end_at_punctuation_and_fold_to_lower_case() {
        let toks = lex("RUSSIA(Côte),d'Ivoire|x=\"Ab\" {slot}:ÉTÉ", 0).unwrap();
        let seen: Vec<(TokenKind, &str, &str)> = toks
            .iter()
            .map(|t| (t.kind, t.text.as_str(), t.norm.as_str()))
            .collect();
        use TokenKind::*;
        assert_eq!(
            seen,
            [
                (Word, "RUSSIA", "russia"),
                (LParen, "(", "("),
                (Word, "Côte", "côte"),
                (RParen, ")", ")"),
                (Comma, ",", ","),
                (Word, "d'Ivoire", "d'ivoire"),
                (Pipe, "|", "|"),
                (Word, "x", "x"),
                (Equals, "=", "="),
                (Text, "Ab", "ab"),
                (Placeholder, "slot", "slot"),
                (Colon, ":", ":"),
                (Word, "ÉTÉ", "été"),
            ]
        );
    }
}
