//! Number phrases: decimals, signs, `%`, multipliers and unit words,
//! `about`, `at least`, `between … and …`, numbers in words; what each
//! reads as, and the warnings and misspellings around them.

use super::*;

// ---------------------------------------------------------------------------
// Parsing value phrases from tokens. Each parser must consume the whole slice.

pub(super) fn parse_decimal(s: &str) -> Option<i128> {
    let (neg, s) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, f),
        None => (s, ""),
    };
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit() || b == b',') {
        return None;
    }
    // Commas only as thousands separators: 14,000 or 1,500,000.
    if int.contains(',') {
        let groups: Vec<&str> = int.split(',').collect();
        if groups[0].is_empty() || groups[0].len() > 3 || groups[1..].iter().any(|g| g.len() != 3) {
            return None;
        }
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) || frac.len() > MAX_DECIMALS {
        return None;
    }
    if s.contains('.') && frac.is_empty() {
        return None;
    }
    let digits: String = int.chars().filter(|c| *c != ',').collect();
    if digits.len() > 21 {
        return None;
    }
    let int_v: i128 = digits.parse().ok()?;
    let mut frac_v: i128 = 0;
    if !frac.is_empty() {
        frac_v = frac.parse::<i128>().ok()? * 10i128.pow((18 - frac.len()) as u32);
    }
    let v = int_v.checked_mul(SCALE)?.checked_add(frac_v)?;
    if v > MAX_NUMBER {
        return None;
    }
    Some(if neg { -v } else { v })
}

/// The multiplier words, and what they multiply by.
pub const MULTIPLIERS: [(&str, i128); 6] = [
    ("thousand", 1_000),
    ("million", 1_000_000),
    ("billion", 1_000_000_000),
    ("trillion", 1_000_000_000_000),
    ("bn", 1_000_000_000),
    ("tn", 1_000_000_000_000),
];

/// The unit words, written after a number and its multiplier (`per cent` is
/// two words).
pub const UNIT_WORDS: [(&str, Unit); 6] = [
    ("percent", Unit::Percent),
    ("dollar", Unit::Dollar),
    ("dollars", Unit::Dollar),
    ("euro", Unit::Euro),
    ("euros", Unit::Euro),
    ("per cent", Unit::Percent),
];

pub(super) fn multiplier(w: &str) -> Option<i128> {
    MULTIPLIERS.iter().find(|(m, _)| *m == w).map(|(_, v)| *v)
}

pub(super) fn unit_word(w: &str) -> Option<Unit> {
    UNIT_WORDS.iter().find(|(u, _)| *u == w).map(|(_, v)| *v)
}

/// Whether a word right after a number belongs to it: a multiplier, a unit
/// word, or `per` of `per cent`. A number keeps such a word, so a template
/// may not put one right after a number slot.
pub fn belongs_to_number(word: &str, next: Option<&str>) -> bool {
    multiplier(word).is_some()
        || unit_word(word).is_some()
        || (word == "per" && next == Some("cent"))
}

/// The nearest multiplier or unit word to a misspelt one (`trilion`,
/// `precent`), if it is close: words of four letters or more, within two
/// edits, and not a valid word already.
pub fn nearest_unit_word(word: &str) -> Option<&'static str> {
    if word.chars().count() < 4 || belongs_to_number(word, None) {
        return None;
    }
    // Template matching asks this of the word after every number it tries
    // (`100 troops`), thousands of times for the same few words: remember
    // the answers (per thread, at most CACHED words).
    use std::cell::RefCell;
    const CACHED: usize = 4096;
    thread_local! {
        static SEEN: RefCell<rustc_hash::FxHashMap<String, Option<&'static str>>> =
            RefCell::default();
    }
    if let Some(hit) = SEEN.with(|s| s.borrow().get(word).copied()) {
        return hit;
    }
    let found = nearest_unit_word_uncached(word);
    SEEN.with(|s| {
        let mut s = s.borrow_mut();
        if s.len() >= CACHED {
            s.clear();
        }
        s.insert(word.to_string(), found);
    });
    found
}

fn nearest_unit_word_uncached(word: &str) -> Option<&'static str> {
    let known = MULTIPLIERS
        .iter()
        .map(|(m, _)| *m)
        .chain(UNIT_WORDS.iter().map(|(u, _)| *u))
        .filter(|k| k.len() > 2 && !k.contains(' '));
    known
        .map(|k| (crate::diag::edit_distance(word, k), k))
        .filter(|(d, k)| *d <= 2 && *d < k.len() / 2)
        .min()
        .map(|(_, k)| k)
}

/// One number as written: its value (multiplier applied), its unit, and
/// whether a multiplier was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Num {
    value: i128,
    unit: Option<Unit>,
    multiplied: bool,
}

/// The word holding the digits, read: `-$3.5bn`, `US$5`, `−0.4%`, `14,000`.
pub(super) struct Digits {
    value: i128,
    unit: Option<Unit>,
    percent: bool,
    mult: Option<i128>,
}

/// The word holding the digits. `Ok(None)` when the word is no number at all.
pub(super) fn number_word(w: &str) -> Result<Option<Digits>, ValueError> {
    let (neg, rest) = match w.strip_prefix('-').or_else(|| w.strip_prefix('−')) {
        Some(r) => (true, r),
        None => (false, w),
    };
    let (sign, rest) = [
        ("us$", Unit::Dollar),
        ("$", Unit::Dollar),
        ("€", Unit::Euro),
        ("£", Unit::Pound),
    ]
    .iter()
    .find_map(|(p, u)| rest.strip_prefix(p).map(|r| (Some(*u), r)))
    .unwrap_or((None, rest));
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
        .unwrap_or(rest.len());
    let (digits, suffix) = rest.split_at(end);
    if !digits.starts_with(|c: char| c.is_ascii_digit()) {
        return Ok(None);
    }
    let Some(v) = parse_decimal(digits) else {
        return Ok(None);
    };
    let (mult, percent) = match suffix {
        "" => (None, false),
        "%" => (None, true),
        "bn" | "tn" => (multiplier(suffix), false),
        "bn%" | "tn%" => {
            return Err(ValueError::MultiplierWithPercent { number: w.into() });
        }
        _ => return Ok(None),
    };
    let unit = match (sign, percent) {
        (Some(_), true) => return Err(ValueError::TwoUnits { number: w.into() }),
        (Some(u), false) => Some(u),
        (None, true) => Some(Unit::Percent),
        (None, false) => None,
    };
    Ok(Some(Digits {
        value: if neg { -v } else { v },
        unit,
        percent,
        mult,
    }))
}

/// `14000`, `14,000`, `14 thousand`, `1.5 million`, `3.4%`, `3.4 per cent`,
/// `$27.36 trillion`, `4.12 trillion euros`, `-$5bn`.
pub(super) fn number(w: &[&str]) -> Result<Num, ValueError> {
    let Some((first, rest)) = w.split_first() else {
        return Err(ValueError::NotAPhrase);
    };
    let Some(Digits {
        mut value,
        mut unit,
        percent,
        mut mult,
    }) = number_word(first)?
    else {
        return Err(ValueError::NotAPhrase);
    };
    let mut rest = rest;
    let whole = || w.join(" ");
    if let Some((m, r)) = rest.split_first() {
        if let Some(k) = multiplier(m) {
            if mult.is_some() {
                return Err(ValueError::NotAPhrase);
            }
            if percent {
                return Err(ValueError::MultiplierWithPercent { number: whole() });
            }
            mult = Some(k);
            rest = r;
        }
    }
    // `3 million%`: a multiplier written against `%`.
    if let Some(m) = rest.first().and_then(|u| u.strip_suffix('%')) {
        if multiplier(m).is_some() {
            return Err(ValueError::MultiplierWithPercent { number: whole() });
        }
    }
    let unit_here = match rest {
        [] => None,
        ["per", "cent"] => Some(Unit::Percent),
        [u] => match unit_word(u) {
            Some(u) => Some(u),
            None => {
                return Err(match nearest_unit_word(u) {
                    Some(suggestion) => ValueError::Misspelt {
                        word: u.to_string(),
                        suggestion,
                    },
                    None => ValueError::NotAPhrase,
                })
            }
        },
        [u, ..] => {
            return Err(match nearest_unit_word(u) {
                Some(suggestion) => ValueError::Misspelt {
                    word: u.to_string(),
                    suggestion,
                },
                None => ValueError::NotAPhrase,
            })
        }
    };
    if let Some(u) = unit_here {
        if unit.is_some() {
            return Err(ValueError::TwoUnits { number: whole() });
        }
        unit = Some(u);
    }
    if let Some(m) = mult {
        value = value.checked_mul(m).ok_or(ValueError::NotAPhrase)?;
        if value.abs() > MAX_NUMBER {
            return Err(ValueError::NotAPhrase);
        }
    }
    Ok(Num {
        value,
        unit,
        multiplied: mult.is_some(),
    })
}

/// Parses a whole number phrase into an interval.
pub fn number_phrase(toks: &[Token]) -> Option<Interval> {
    number_words(&words(toks)?)
}

pub fn number_words(w: &[&str]) -> Option<Interval> {
    read_number_words(w).ok()
}

/// Parses a number phrase, saying precisely what is wrong when it can.
pub fn read_number_words(w: &[&str]) -> Result<Interval, ValueError> {
    let one = |rest: &[&str]| number(rest);
    let i = match w {
        ["more", "than", rest @ ..] | ["over", rest @ ..] => {
            let n = one(rest)?;
            Interval::new(Bound::Open(n.value.into()), Bound::Infinite).with_unit(n.unit)
        }
        ["at", "least", rest @ ..] => {
            let n = one(rest)?;
            Interval::new(Bound::Closed(n.value.into()), Bound::Infinite).with_unit(n.unit)
        }
        ["fewer", "than", rest @ ..] | ["less", "than", rest @ ..] | ["under", rest @ ..] => {
            let n = one(rest)?;
            Interval::new(Bound::Infinite, Bound::Open(n.value.into())).with_unit(n.unit)
        }
        ["at", "most", rest @ ..] => {
            let n = one(rest)?;
            Interval::new(Bound::Infinite, Bound::Closed(n.value.into())).with_unit(n.unit)
        }
        ["between", rest @ ..] => {
            let (a, b) = between(rest)?;
            if a.value > b.value {
                return Err(ValueError::NotAPhrase);
            }
            Interval::closed(a.value, b.value).with_unit(a.unit.or(b.unit))
        }
        ["about", rest @ ..] | ["around", rest @ ..] | ["roughly", rest @ ..] => {
            let n = one(rest)?;
            let a = n.value.checked_mul(9).ok_or(ValueError::NotAPhrase)? / 10;
            let b = n.value.checked_mul(11).ok_or(ValueError::NotAPhrase)? / 10;
            Interval::closed(a.min(b), a.max(b)).with_unit(n.unit)
        }
        rest => {
            let n = one(rest)?;
            Interval::point(n.value).with_unit(n.unit)
        }
    };
    Ok(i)
}

/// The two bounds of `between N and M`: a unit written on one applies to
/// both; two different units are an error.
pub(super) fn between(rest: &[&str]) -> Result<(Num, Num), ValueError> {
    let and = rest
        .iter()
        .position(|w| *w == "and")
        .ok_or(ValueError::NotAPhrase)?;
    let a = number(&rest[..and])?;
    let b = number(&rest[and + 1..])?;
    match (a.unit, b.unit) {
        (Some(x), Some(y)) if x != y => Err(ValueError::BetweenUnits {
            first: x,
            second: y,
        }),
        _ => Ok((a, b)),
    }
}

/// A warning for a phrase that reads, but maybe not as meant: `between 4 and
/// 4.5 trillion euros` has a multiplier on one bound only, so it is €4 to
/// €4.5 trillion (multipliers are never shared).
pub fn number_warning(toks: &[Token]) -> Option<String> {
    let w = words(toks)?;
    let ["between", rest @ ..] = w.as_slice() else {
        return None;
    };
    let (a, b) = between(rest).ok()?;
    (a.multiplied != b.multiplied).then(|| {
        let text: Vec<&str> = toks.iter().map(|t| t.text.as_str()).collect();
        format!(
            "`{}`: the multiplier is written on one bound only, and multipliers are never shared, so this is {}; write it on both bounds if that is meant",
            text.join(" "),
            Interval::closed(a.value, b.value)
                .with_unit(a.unit.or(b.unit))
                .display(ValueKind::Number)
        )
    })
}
