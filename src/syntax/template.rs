//! Templates in Cucumber-expression style (docs/language.md §3), parsed with nom:
//! `{from:country} sent troop(s) to {to}`, `arms/weapons`, `\{` escapes.
//! The result is a list of parts; slot names and kinds are resolved later.

use nom::{
    branch::alt,
    bytes::complete::{take_while, take_while1},
    character::complete::{anychar, char},
    combinator::{map, opt, recognize},
    sequence::{delimited, pair, preceded},
    IResult,
};

use crate::diag::{ErrorKind, Span};
use crate::syntax::ast::{Name, Part, Template};
use crate::syntax::lexer::fold_spaces;

type Err = (Span, ErrorKind);

fn bad(at: usize, len: usize, message: impl Into<String>) -> Err {
    (
        Span::new(at, at + len.max(1)),
        ErrorKind::BadTemplate {
            message: message.into(),
        },
    )
}

fn ident(i: &str) -> IResult<&str, &str> {
    take_while1(|c: char| c.is_alphanumeric() || c == '_' || c == '-')(i)
}

/// `{name}` or `{name:kind}` → (name, kind with its offset in the slot text).
fn slot(i: &str) -> IResult<&str, (&str, Option<&str>)> {
    delimited(
        char('{'),
        pair(
            delimited(take_while(|c| c == ' '), ident, take_while(|c| c == ' ')),
            opt(preceded(
                char(':'),
                delimited(take_while(|c| c == ' '), ident, take_while(|c| c == ' ')),
            )),
        ),
        char('}'),
    )(i)
}

/// One segment of a literal word: escaped char, `(optional)` or plain char.
#[derive(Debug)]
enum Seg {
    Char(char),
    Opt(String),
    Slash,
}

fn escaped(i: &str) -> IResult<&str, Seg> {
    map(preceded(char('\\'), anychar), Seg::Char)(i)
}

fn optional(i: &str) -> IResult<&str, Seg> {
    map(
        delimited(
            char('('),
            recognize(take_while1(|c: char| {
                !"()/{}\\".contains(c) && !c.is_whitespace()
            })),
            char(')'),
        ),
        |s: &str| Seg::Opt(s.to_string()),
    )(i)
}

fn seg(i: &str) -> IResult<&str, Seg> {
    alt((
        escaped,
        optional,
        map(char('/'), |_| Seg::Slash),
        map(
            nom::character::complete::satisfy(|c| !c.is_whitespace() && !"(){".contains(c)),
            Seg::Char,
        ),
    ))(i)
}

/// The Cucumber Expressions mistakes that a template could otherwise accept
/// in silence, at `r` (offset `at`): escapes of characters that need none,
/// a `\` that escapes nothing, empty and nested optional text.
fn cucumber_misuse(r: &str, at: usize) -> Option<Err> {
    let mut chars = r.chars();
    match chars.next()? {
        '\\' => match chars.next() {
            None => Some(bad(at, 1, "a `\\` at the end of a template escapes nothing")),
            Some(c) if c.is_whitespace() => Some(bad(
                at,
                2,
                "an escaped space would never match: the words of a claim are separated by spaces, so write them as two words",
            )),
            Some('{' | '}' | '/' | '\\') => None,
            Some(c @ ('(' | ')')) => Some(bad(
                at,
                2,
                format!("`\\{c}` would be a literal parenthesis, and templates contain none (parentheses group claims)"),
            )),
            Some(c) => Some(bad(
                at,
                1 + c.len_utf8(),
                format!("`\\{c}` escapes nothing: the escapes are `\\{{`, `\\}}`, `\\/` and `\\\\`; write `{c}` as it is"),
            )),
        },
        '(' => {
            let inner = &r[1..];
            if inner.starts_with(')') {
                return Some(bad(at, 2, "empty optional text `()`: put the optional letters between the parentheses, as in `troop(s)`"));
            }
            let close = inner.find(')');
            let open = inner.find('(');
            match (open, close) {
                (Some(o), Some(c)) if o < c => Some(bad(
                    at,
                    c + 2,
                    "optional text may not hold another optional (as in Cucumber Expressions): write `(ab)` or two optionals side by side",
                )),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Expands one alternative (a list of segments) into the words it accepts.
fn expand(segs: &[Seg]) -> Vec<String> {
    let mut forms = vec![String::new()];
    for s in segs {
        match s {
            Seg::Char(c) => forms.iter_mut().for_each(|f| f.extend(c.to_lowercase())),
            Seg::Opt(o) => {
                // The form with the optional text comes first: reports write it.
                let mut with: Vec<String> = forms
                    .iter()
                    .map(|f| format!("{f}{}", o.to_lowercase()))
                    .collect();
                with.append(&mut forms);
                forms = with;
            }
            Seg::Slash => unreachable!("alternatives are split before expansion"),
        }
    }
    forms
}

/// Parses `text` (one template, without `|`) that starts at byte `base`.
pub fn parse_template(text: &str, base: usize) -> Result<Template, Err> {
    let mut parts = Vec::new();
    let mut rest = text;
    let off = |r: &str| base + (text.len() - r.len());
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        let at = off(rest);
        if rest.starts_with('{') {
            let (r, (name, kind)) =
                slot(rest).map_err(|_| bad(at, 1, "expected a slot `{name}` or `{name:kind}`"))?;
            let len = rest.len() - r.len();
            let kind = kind.map(|k| {
                let k_at = at + rest[..len].find(k).unwrap_or(0);
                Name {
                    text: k.to_string(),
                    words: vec![k.to_lowercase()],
                    span: Span::new(k_at, k_at + k.len()),
                }
            });
            parts.push(Part::Slot {
                name: name.to_string(),
                kind,
                span: Span::new(at, at + len),
            });
            rest = r;
            if rest.starts_with(['%', '$', '€', '£']) {
                return Err(bad(
                    off(rest),
                    1,
                    "a unit cannot be written on a slot: a number slot takes the number with its unit, so write `{p:number}` and claims say `3.4%` or `$5`",
                ));
            }
            if rest.starts_with(|c: char| !c.is_whitespace() && c != ',' && c != ':') {
                return Err(bad(off(rest), 1, "a slot must stand as a word of its own"));
            }
            continue;
        }
        if rest.starts_with(')') {
            return Err(bad(at, 1, "templates contain no literal parentheses"));
        }
        // A literal word: segments up to whitespace or a slot.
        let mut alts: Vec<Vec<Seg>> = vec![Vec::new()];
        let mut r = rest;
        while let Some(c) = r.chars().next() {
            if c.is_whitespace() || c == '{' {
                break;
            }
            if c == '"' {
                return Err(bad(off(r), 1, "templates cannot contain `\"`"));
            }
            if (c == ',' || c == ':') && !alts.iter().all(|a| a.is_empty()) {
                break; // punctuation is its own word, as in claims
            }
            if (c == ',' || c == ':') && alts.iter().all(|a| a.is_empty()) {
                alts[0].push(Seg::Char(c));
                r = &r[1..];
                break;
            }
            if let Some(e) = cucumber_misuse(r, off(r)) {
                return Err(e);
            }
            match seg(r) {
                Ok((r2, Seg::Slash)) => {
                    alts.push(Vec::new());
                    r = r2;
                }
                Ok((r2, s)) => {
                    alts.last_mut().expect("one alternative at least").push(s);
                    r = r2;
                }
                Err(_) => {
                    if c == '(' {
                        return Err(bad(
                            off(r),
                            1,
                            "an optional part `(…)` must close within its word; templates contain no literal parentheses",
                        ));
                    }
                    return Err(bad(off(r), 1, format!("unexpected `{c}`")));
                }
            }
        }
        let len = rest.len() - r.len();
        if alts.iter().any(|a| a.is_empty()) && alts.len() > 1 {
            return Err(bad(at, len, "an alternative `/` needs words on both sides"));
        }
        if alts.len() > 1
            && alts
                .iter()
                .any(|a| a.iter().all(|s| matches!(s, Seg::Opt(_))))
        {
            return Err(bad(
                at,
                len,
                "an alternative may not be only optional text (as in Cucumber Expressions): write `(brown)/black` as `brown/black` and make the word optional elsewhere",
            ));
        }
        let mut forms: Vec<String> = alts.iter().flat_map(|a| expand(a)).collect();
        let mut seen = std::collections::HashSet::new();
        forms.retain(|f| seen.insert(f.clone()));
        let optional = forms.iter().any(|f| f.is_empty());
        forms.retain(|f| !f.is_empty());
        if forms.iter().any(|f| f.contains(['(', ')'])) {
            return Err(bad(at, len, "templates contain no literal parentheses"));
        }
        parts.push(Part::Literal {
            forms,
            optional,
            span: Span::new(at, at + len),
        });
        rest = r;
    }
    if parts.is_empty() {
        return Err(bad(base, text.len(), "a template needs at least one word"));
    }
    if parts
        .iter()
        .all(|p| matches!(p, Part::Literal { optional: true, .. }))
    {
        return Err(bad(
            base,
            text.len(),
            "a template needs a word that is not optional",
        ));
    }
    Ok(Template {
        parts,
        text: fold_spaces(text),
        span: Span::new(
            base + (text.len() - text.trim_start().len()),
            base + text.trim_end().len(),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forms(t: &Template) -> Vec<String> {
        t.parts
            .iter()
            .map(|p| match p {
                Part::Slot { name, kind, .. } => match kind {
                    Some(k) => format!("{{{name}:{}}}", k.text),
                    None => format!("{{{name}}}"),
                },
                Part::Literal {
                    forms, optional, ..
                } => {
                    format!("{}{}", forms.join("/"), if *optional { "?" } else { "" })
                }
            })
            .collect()
    }

    #[test]
    fn cucumber_syntax() {
        let t = parse_template("{seller} sold arms/weapons to {buyer:country}", 0).unwrap();
        assert_eq!(
            forms(&t),
            ["{seller}", "sold", "arms/weapons", "to", "{buyer:country}"]
        );
        let t = parse_template("sent troop(s) to", 0).unwrap();
        assert_eq!(forms(&t), ["sent", "troops/troop", "to"]);
        let t = parse_template(r"a\/b \{x\} very (much)", 0).unwrap();
        assert_eq!(forms(&t), ["a/b", "{x}", "very", "much?"]);
        let t = parse_template("{a}, {b}", 0).unwrap();
        assert_eq!(forms(&t), ["{a}", ",", "{b}"]);
    }

    #[test]
    fn rejects_bad_templates() {
        assert!(parse_template("sent (troops", 0).is_err());
        assert!(parse_template("{a}x", 0).is_err());
        // Only `{` needs its escape: `\{x}` and `\{x\}` are the word `{x}`.
        let t = parse_template(r"likes \{x} \{y\}", 0).unwrap();
        assert_eq!(forms(&t), ["likes", "{x}", "{y}"]);
        assert!(parse_template("say \"x\"", 0).is_err());
        assert!(parse_template("/b", 0).is_err());
    }

    fn message(t: &str) -> String {
        match parse_template(t, 0) {
            Err((_, e)) => e.to_string(),
            Ok(_) => panic!("{t} was accepted"),
        }
    }

    // Each of these was accepted and then matched nothing, or matched what
    // Cucumber Expressions would not.
    #[test]
    fn rejects_what_cucumber_rejects_and_says_why() {
        assert!(message("three (brown)/black mice").contains("only optional text"));
        assert!(message(r"x\ y").contains("escaped space"));
        assert!(message(r"x \[").contains("escapes nothing"));
        assert!(message(r"x \").contains("end of a template"));
        assert!(message(r"x \(y").contains("literal parenthesis"));
        assert!(message("troop() to").contains("empty optional"));
        assert!(message("troop((s)) to").contains("another optional"));
        assert!(message("a(b(c))").contains("another optional"));
        // Still fine: escapes that mean something, optional text in a choice.
        let t = parse_template(r"a\\b arm(s)/weapon(s)", 0).unwrap();
        assert_eq!(forms(&t), [r"a\b", "arms/arm/weapons/weapon"]);
    }
}
