//! Scalar resolution: a scalar's value resolved as serde_yaml 0.9 did.

use std::borrow::Cow;

use saphyr_parser::{ScalarStyle, Tag};

use super::events::*;

/// A scalar's value, resolved like serde_yaml 0.9 did (YAML 1.2 core schema:
/// `yes` and `no` are words, `0x1f` is 31, `1e3` reads as 1000).
pub(super) fn resolve<'a>(value: Cow<'a, str>, style: ScalarStyle, tag: Option<&Tag>) -> Kind<'a> {
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
pub(super) fn number_text(v: &str) -> Option<String> {
    // A number starts with a digit, a sign or a point (`.5`, `.inf`):
    // most scalars of a fact file are names and start with a letter.
    if !v.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.')) {
        return None;
    }
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
pub(super) fn digits_but_not_number(v: &str) -> bool {
    let v = v.strip_prefix(['-', '+']).unwrap_or(v);
    v.len() > 1 && v.starts_with('0') && v[1..].bytes().all(|b| b.is_ascii_digit())
}

/// Integers as YAML 1.2 writes them: decimal, `0x`, `0o`, `0b`, signed.
/// Those past 64 bits are left as text.
pub(super) fn parse_int(v: &str) -> Option<i128> {
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

pub(super) fn parse_float(v: &str) -> Option<f64> {
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

#[cfg(test)]
mod tests {
    use super::number_text;

    #[test]
    fn numbers_read_as_yaml_1_2_and_words_do_not() {
        for (text, number) in [
            ("12", Some("12")),
            ("+1", Some("1")),
            ("-7", Some("-7")),
            ("1e3", Some("1000")),
            ("2.5", Some("2.5")),
            (".5", Some("0.5")),
            ("0x1F", Some("31")),
            (".inf", Some(".inf")),
            ("-.inf", Some("-.inf")),
            (".NaN", Some(".nan")),
            ("0123", None),
            // Words Rust's own float parser would take: not YAML numbers.
            ("inf", None),
            ("Infinity", None),
            ("nan", None),
            ("NaN", None),
            ("e5", None),
            ("Russia", None),
            ("été", None),
            ("_1", None),
        ] {
            assert_eq!(number_text(text).as_deref(), number, "{text}");
        }
    }
}
