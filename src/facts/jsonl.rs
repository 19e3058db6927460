//! JSONL fact files.

use std::borrow::Cow;

use serde::de::{
    Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
};

use super::*;
use crate::diag::nearest;

// ---------------------------------------------------------------------------
// JSONL.

/// A string of a JSONL fact, borrowed from the line unless it had escapes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lstr<'a> {
    pub text: Cow<'a, str>,
    pub span: Span,
}

impl Lstr<'_> {
    pub fn owned(&self) -> Located {
        Located {
            text: self.text.as_ref().into(),
            span: self.span,
        }
    }
}

/// A JSON value where a single value belongs: its text (a string as is, a
/// number as JSON writes it, `true`/`false`), `null`, or a list or object.
enum JScalar<'a> {
    Text(Cow<'a, str>),
    Null,
    Composite,
}

impl<'de> Deserialize<'de> for JScalar<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = JScalar<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(JScalar::Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(JScalar::Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(JScalar::Text(Cow::Owned(v)))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
                Ok(JScalar::Text(Cow::Borrowed(if v {
                    "true"
                } else {
                    "false"
                })))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
                Ok(JScalar::Text(Cow::Owned(v.to_string())))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
                Ok(JScalar::Text(Cow::Owned(v.to_string())))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
                // As serde_json writes the number (`2500.5`, `1000.0`).
                Ok(JScalar::Text(Cow::Owned(
                    serde_json::Number::from_f64(v)
                        .map_or_else(|| v.to_string(), |n| n.to_string()),
                )))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(JScalar::Null)
            }
            fn visit_none<E>(self) -> Result<Self::Value, E> {
                Ok(JScalar::Null)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(JScalar::Composite)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(JScalar::Composite)
            }
        }
        d.deserialize_any(V)
    }
}

/// `args`: absent or null, an object (pairs in order), or something else.
/// Large on purpose: one lives on the stack while a line is read, and its
/// pairs inline spare an allocation per line. Filled in place by
/// [`ArgsSeed`], never returned through serde's layers (a copy each).
#[derive(Default)]
#[allow(clippy::large_enum_variant)]
enum JArgs<'a> {
    #[default]
    Null,
    Map(smallvec::SmallVec<[(Cow<'a, str>, JScalar<'a>); 4]>),
    Other,
}

/// Reads `args` into the line's `JArgs`, where it stands.
struct ArgsSeed<'s, 'a>(&'s mut JArgs<'a>);

impl<'de> DeserializeSeed<'de> for ArgsSeed<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ArgsSeed<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
        // A repeated `args` key: the last one counts.
        *self.0 = JArgs::Map(smallvec::SmallVec::new());
        let JArgs::Map(out) = self.0 else {
            unreachable!("just set")
        };
        while let Some(k) = a.next_key::<CowStr<'de>>()? {
            out.push((k.0, a.next_value::<JScalar>()?));
        }
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        *self.0 = JArgs::Null;
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
        while a.next_element::<IgnoredAny>()?.is_some() {}
        *self.0 = JArgs::Other;
        Ok(())
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        *self.0 = JArgs::Other;
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        *self.0 = JArgs::Other;
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        *self.0 = JArgs::Other;
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        *self.0 = JArgs::Other;
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        *self.0 = JArgs::Other;
        Ok(())
    }
}

/// `negated`: absent or null, a JSON boolean, or anything else.
#[derive(Default)]
enum JBool {
    #[default]
    Null,
    Bool(bool),
    Other,
}

impl<'de> Deserialize<'de> for JBool {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = JBool;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
                Ok(JBool::Bool(v))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(JBool::Null)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(JBool::Other)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(JBool::Other)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(JBool::Other)
            }
            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok(JBool::Other)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(JBool::Other)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(JBool::Other)
            }
        }
        d.deserialize_any(V)
    }
}

/// A map key, borrowed when it has no escapes.
struct CowStr<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for CowStr<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = CowStr<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// One JSONL line as read: every known key, and the unknown ones.
#[derive(Default)]
struct JLine<'a> {
    // Each known field with its key as written (borrowed from the line
    // unless escaped), which gives the key's position.
    relation: Option<(Cow<'a, str>, JScalar<'a>)>,
    source: Option<(Cow<'a, str>, JScalar<'a>)>,
    quote: Option<(Cow<'a, str>, JScalar<'a>)>,
    as_of: Option<(Cow<'a, str>, JScalar<'a>)>,
    note: Option<JScalar<'a>>,
    args: JArgs<'a>,
    negated: JBool,
    unknown: Vec<Cow<'a, str>>,
}

/// The marker error of a line that is valid JSON but no object.
const NOT_AN_OBJECT: &str = "claimcheck: not an object";

/// Reads a line into a `JLine` where it stands: serde hands back only `()`,
/// so the line's fields are written once, not copied out through each layer
/// of the deserializer.
struct LineSeed<'s, 'a>(&'s mut JLine<'a>);

impl<'de> DeserializeSeed<'de> for LineSeed<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for LineSeed<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(NOT_AN_OBJECT)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
        let l = self.0;
        while let Some(k) = a.next_key::<CowStr<'de>>()? {
            // A repeated key: the last one counts (as in a JSON object).
            match k.0.as_ref() {
                "relation" => l.relation = Some((k.0, a.next_value()?)),
                "source" => l.source = Some((k.0, a.next_value()?)),
                "quote" => l.quote = Some((k.0, a.next_value()?)),
                "as_of" => l.as_of = Some((k.0, a.next_value()?)),
                "note" => l.note = Some(a.next_value()?),
                "args" => a.next_value_seed(ArgsSeed(&mut l.args))?,
                "negated" => l.negated = a.next_value()?,
                _ => {
                    a.next_value::<IgnoredAny>()?;
                    if !l.unknown.contains(&k.0) {
                        l.unknown.push(k.0);
                    }
                }
            }
        }
        Ok(())
    }
}

/// A structured fact read from one JSONL line, its strings borrowed from the
/// file's text where they have no escapes.
#[derive(Clone, Debug)]
pub struct JsonlFact<'a> {
    pub relation: Lstr<'a>,
    pub source: Lstr<'a>,
    /// In key order; a repeated key once (its last value). Inline up to
    /// four: no allocation for a line's arguments.
    pub args: smallvec::SmallVec<[(Lstr<'a>, Lstr<'a>); 4]>,
    pub negated: bool,
    pub quote: Option<Lstr<'a>>,
    pub as_of: Option<Lstr<'a>>,
    pub note: Option<Cow<'a, str>>,
    /// The line, from its first non-blank byte.
    pub span: Span,
}

/// The span of the JSON string `s` in `body` (which starts at byte
/// `start`), quotes included, when `s` borrows from `body` (a string without
/// escapes); else the first `"s"` found in `body`, else `here`.
fn string_span(body: &str, start: usize, s: &str, here: Span) -> Span {
    if within(body, s) {
        let off = s.as_ptr() as usize - body.as_ptr() as usize;
        return Span::new(start + off - 1, start + off + s.len() + 1);
    }
    key_span(body, start, s, here)
}

/// Whether `s` borrows from `body` (not, say, a `true` read from a JSON
/// boolean).
fn within(body: &str, s: &str) -> bool {
    let (from, at) = (body.as_ptr() as usize, s.as_ptr() as usize);
    at > from && at + s.len() < from + body.len()
}

/// The span of `"key"` in `body` (which starts at byte `start`), else `here`.
fn key_span(body: &str, start: usize, key: &str, here: Span) -> Span {
    let b = body.as_bytes();
    let mut from = 0;
    while let Some(p) = body[from..].find(key) {
        let p = from + p;
        if p > 0 && b[p - 1] == b'"' && b.get(p + key.len()) == Some(&b'"') {
            return Span::new(start + p - 1, start + p + key.len() + 1);
        }
        from = p + 1;
    }
    here
}

fn json_error(e: &serde_json::Error, body: &str, start: usize) -> FactError {
    let col = e.column().saturating_sub(1).min(body.len());
    let msg = e.to_string();
    let msg = msg
        .find(" at line ")
        .map_or(msg.clone(), |i| msg[..i].to_string());
    // The column counts bytes; keep the span on a character boundary.
    let mut at = col;
    while at > 0 && !body.is_char_boundary(at) {
        at -= 1;
    }
    (
        Span::new(start + at, start + at + 1),
        ErrorKind::Json { message: msg },
    )
}

/// Reads one line of a JSONL file. `line` is the line with its end, `start`
/// its byte offset in the file. `None` when the line is blank or has errors
/// (pushed to `errors`).
pub fn parse_jsonl_line<'a>(
    line: &'a str,
    start: usize,
    errors: &mut Vec<FactError>,
) -> Option<JsonlFact<'a>> {
    let body = line.trim_end();
    if body.trim().is_empty() {
        return None;
    }
    let mark = errors.len();
    let lead = body.len() - body.trim_start().len();
    let here = Span::new(start + lead, start + body.len());
    let find = |key: &str| key_span(body, start, key, here);
    let mut l = JLine::default();
    let mut de = serde_json::Deserializer::from_str(body);
    match LineSeed(&mut l)
        .deserialize(&mut de)
        .and_then(|()| de.end())
    {
        Ok(()) => {}
        Err(e) if e.classify() == serde_json::error::Category::Data => {
            // Valid JSON that is no object, or a syntax error further on.
            match serde_json::from_str::<IgnoredAny>(body) {
                Err(e) => errors.push(json_error(&e, body, start)),
                Ok(_) => errors.push((
                    here,
                    ErrorKind::Json {
                        message: "each line is one JSON object".into(),
                    },
                )),
            }
            return None;
        }
        Err(e) => {
            errors.push(json_error(&e, body, start));
            return None;
        }
    };
    let mut ok = true;
    for k in &l.unknown {
        ok = false;
        errors.push((
            find(k),
            ErrorKind::UnknownKey {
                key: k.to_string(),
                context: "a JSONL fact",
                suggestions: nearest(k, JSON_FACT_KEYS),
            },
        ));
    }
    let get = |v: Option<(Cow<'a, str>, JScalar<'a>)>| -> Option<Lstr<'a>> {
        match v {
            Some((key, JScalar::Text(t))) => Some(Lstr {
                text: t,
                span: string_span(body, start, &key, here),
            }),
            _ => None,
        }
    };
    let parsed = (|| {
        let Some(relation) = get(l.relation) else {
            errors.push((
                here,
                ErrorKind::MissingField {
                    field: "relation",
                    context: "a JSONL fact",
                },
            ));
            return None;
        };
        let Some(source) = get(l.source) else {
            errors.push((
                here,
                ErrorKind::MissingField {
                    field: "source",
                    context: "a JSONL fact",
                },
            ));
            return None;
        };
        let mut args = smallvec::SmallVec::new();
        match l.args {
            JArgs::Map(mut pairs) => {
                // Key order, and a repeated key's last value: reversed, a
                // stable sort puts the last value of a key first.
                // Most lines have their keys in order already.
                if !pairs.windows(2).all(|w| w[0].0 < w[1].0) {
                    pairs.reverse();
                    pairs.sort_by(|a, b| a.0.cmp(&b.0));
                    pairs.dedup_by(|later, first| later.0 == first.0);
                }
                args.reserve_exact(pairs.len());
                for (k, v) in pairs {
                    let sp = string_span(body, start, &k, here);
                    match v {
                        JScalar::Text(t) => {
                            // A string without escapes is where it points
                            // (an error about it underlines it); a number or
                            // an escaped string, at its key.
                            let at = match &t {
                                Cow::Borrowed(b) if within(body, b) => {
                                    string_span(body, start, b, sp)
                                }
                                _ => sp,
                            };
                            args.push((Lstr { text: k, span: sp }, Lstr { text: t, span: at }))
                        }
                        _ => {
                            ok = false;
                            errors.push((
                                sp,
                                ErrorKind::BadFact {
                                    message: format!("argument `{k}` must be a string or a number"),
                                },
                            ));
                        }
                    }
                }
            }
            JArgs::Null => {}
            JArgs::Other => {
                ok = false;
                errors.push((
                    find("args"),
                    ErrorKind::BadFact {
                        message: "`args` maps slot names to values".into(),
                    },
                ));
            }
        }
        let negated = match l.negated {
            JBool::Null => false,
            JBool::Bool(b) => b,
            JBool::Other => {
                ok = false;
                errors.push((
                    find("negated"),
                    ErrorKind::BadFact {
                        message: "`negated` is `true` or `false`".into(),
                    },
                ));
                false
            }
        };
        if !ok {
            return None;
        }
        Some(JsonlFact {
            relation,
            source,
            args,
            negated,
            quote: get(l.quote),
            as_of: get(l.as_of),
            note: match l.note {
                Some(JScalar::Text(t)) => Some(t),
                _ => None,
            },
            span: here,
        })
    })();
    let end = errors.len();
    drop_explained_by_typos(errors, mark, end);
    parsed
}

/// Parses a JSONL file: one structured fact per non-blank line (owned; the
/// analyzer reads lines in parallel with `parse_jsonl_line`).
pub fn parse_jsonl(text: &str) -> (Vec<RawFact>, Vec<FactError>) {
    let mut facts = Vec::new();
    let mut errors = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        if let Some(f) = parse_jsonl_line(line, start, &mut errors) {
            facts.push(RawFact {
                body: RawFactBody::Structured {
                    relation: f.relation.owned(),
                    args: f.args.iter().map(|(k, v)| (k.owned(), v.owned())).collect(),
                    negated: f.negated,
                },
                source: f.source.owned(),
                quote: f.quote.as_ref().map(Lstr::owned),
                as_of: f.as_of.as_ref().map(Lstr::owned),
                note: f.note.map(|n| n.to_string()),
                span: f.span,
            });
        }
    }
    (facts, errors)
}
