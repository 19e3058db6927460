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
