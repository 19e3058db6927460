//! Values: numbers and dates as intervals, numbers with their units
//! (docs/language.md §9, §10).
//!
//! Numbers are exact decimals, stored as integers scaled by 10^18 in an
//! `i128`, so `about 11000` is exactly [9900, 12100]. Dates are day numbers
//! (days since 1970-01-01). Both live on one ordered line, so one `Interval`
//! type with open, closed and infinite bounds serves both. A number may carry
//! one unit (`3.4%`, `$27 trillion`, `€4.12 trillion`, `£40 billion`); values
//! compare only within one unit, and the unbounded interval (a value left
//! out) stands for every value in every unit. This module owns every rule
//! about units: how they are written, read, compared and shown.

use std::fmt;

use crate::syntax::lexer::{Token, TokenKind};

/// 10^18: one unit of a number.
pub const SCALE: i128 = 1_000_000_000_000_000_000;
/// Most decimal places a written number may have.
pub const MAX_DECIMALS: usize = 15;
/// Largest magnitude a number may have (10^20).
pub const MAX_NUMBER: i128 = 100_000_000_000_000_000_000 * SCALE;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bound {
    Infinite,
    Closed(i128),
    Open(i128),
}

/// The unit a number is written in. Dates and plain numbers have none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unit {
    Percent,
    Dollar,
    Euro,
    Pound,
}

impl Unit {
    /// The unit's name in reports and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Unit::Percent => "percent",
            Unit::Dollar => "dollar",
            Unit::Euro => "euro",
            Unit::Pound => "pound",
        }
    }

    /// A number in this unit, the way reports write it: `3.06%`,
    /// `$27.36 trillion`, `-€5 billion`.
    pub fn show(unit: Option<Unit>, x: i128) -> String {
        match unit {
            None => format_number(x),
            Some(Unit::Percent) => format!("{}%", format_number(x)),
            Some(u) => {
                let sign = match u {
                    Unit::Dollar => "$",
                    Unit::Euro => "€",
                    _ => "£",
                };
                let minus = if x < 0 { "-" } else { "" };
                let a = x.abs();
                let big = [
                    (1_000_000_000_000i128, "trillion"),
                    (1_000_000_000, "billion"),
                    (1_000_000, "million"),
                ];
                match big.iter().find(|(m, _)| a >= m * SCALE) {
                    // Exact: a scaled number has 18 decimals, a shown one at
                    // most 15 + 12, so dividing by 10^12 loses nothing shown.
                    Some((m, word)) if a % m == 0 => {
                        format!("{minus}{sign}{} {word}", format_number(a / m))
                    }
                    _ => format!("{minus}{sign}{}", format_number(a)),
                }
            }
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An interval of numbers (scaled by `SCALE`, in `unit`) or of days.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Interval {
    pub lo: Bound,
    pub hi: Bound,
    /// `None` for dates and for numbers written without a unit.
    pub unit: Option<Unit>,
}

/// What kind of value a slot holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValueKind {
    Number,
    Date,
}

// Lower bounds order by where they start; upper bounds by where they end.
fn lo_key(b: Bound) -> (i8, i128, i8) {
    match b {
        Bound::Infinite => (-1, 0, 0),
        Bound::Closed(v) => (0, v, 0),
        Bound::Open(v) => (0, v, 1),
    }
}
fn hi_key(b: Bound) -> (i8, i128, i8) {
    match b {
        Bound::Infinite => (1, 0, 0),
        Bound::Closed(v) => (0, v, 1),
        Bound::Open(v) => (0, v, 0),
    }
}

impl Interval {
    /// Every value, in every unit: what a value left out stands for.
    pub const ALL: Interval = Interval {
        lo: Bound::Infinite,
        hi: Bound::Infinite,
        unit: None,
    };

    pub fn point(v: i128) -> Interval {
        Interval::closed(v, v)
    }
    pub fn closed(a: i128, b: i128) -> Interval {
        Interval {
            lo: Bound::Closed(a),
            hi: Bound::Closed(b),
            unit: None,
        }
    }
    fn new(lo: Bound, hi: Bound) -> Interval {
        Interval { lo, hi, unit: None }
    }
    /// The same bounds in `unit`.
    pub fn with_unit(self, unit: Option<Unit>) -> Interval {
        Interval { unit, ..self }
    }

    /// Unbounded on both sides: every value of every unit.
    pub fn is_all(&self) -> bool {
        self.lo == Bound::Infinite && self.hi == Bound::Infinite
    }

    /// Whether the two can be compared at all: the same unit (or none on
    /// both), or one of them is every value.
    pub fn comparable(&self, other: &Interval) -> bool {
        self.unit == other.unit || self.is_all() || other.is_all()
    }

    pub fn is_empty(&self) -> bool {
        match (self.lo, self.hi) {
            (Bound::Infinite, _) | (_, Bound::Infinite) => false,
            (Bound::Closed(a), Bound::Closed(b)) => a > b,
            (Bound::Closed(a) | Bound::Open(a), Bound::Closed(b) | Bound::Open(b)) => a >= b,
        }
    }

    /// Every value of `self` is in `other`. Values of different units are
    /// never contained in each other.
    pub fn subset_of(&self, other: &Interval) -> bool {
        if !self.comparable(other) {
            return false;
        }
        if self.is_empty() {
            return true;
        }
        lo_key(self.lo) >= lo_key(other.lo) && hi_key(self.hi) <= hi_key(other.hi)
    }

    pub fn intersection(&self, other: &Interval) -> Interval {
        let lo = if lo_key(self.lo) >= lo_key(other.lo) {
            self.lo
        } else {
            other.lo
        };
        let hi = if hi_key(self.hi) <= hi_key(other.hi) {
            self.hi
        } else {
            other.hi
        };
        Interval {
            lo,
            hi,
            unit: self.unit,
        }
    }

    /// Not disjoint: they share a value, or their units differ (so nothing
    /// can be said either way).
    pub fn overlaps(&self, other: &Interval) -> bool {
        !self.disjoint(other)
    }

    /// No value in common, within one unit. Values of different units are
    /// never disjoint.
    pub fn disjoint(&self, other: &Interval) -> bool {
        self.comparable(other) && self.intersection(other).is_empty()
    }

    /// Writes the interval in mathematical notation, the unit on each bound:
    /// `(14000, ∞)`, `[3.06%, 3.74%]`, `($27 trillion, ∞)`.
    pub fn display(&self, kind: ValueKind) -> String {
        let v = |x: i128| match kind {
            ValueKind::Number => Unit::show(self.unit, x),
            ValueKind::Date => format_day(x),
        };
        let lo = match self.lo {
            Bound::Infinite => "(−∞".to_string(),
            Bound::Closed(x) => format!("[{}", v(x)),
            Bound::Open(x) => format!("({}", v(x)),
        };
        let hi = match self.hi {
            Bound::Infinite => "∞)".to_string(),
            Bound::Closed(x) => format!("{}]", v(x)),
            Bound::Open(x) => format!("{})", v(x)),
        };
        format!("{lo}, {hi}")
    }
}

/// A scaled number in plain decimal notation.
pub fn format_number(x: i128) -> String {
    let neg = x < 0;
    let a = x.unsigned_abs();
    let int = a / SCALE as u128;
    let frac = a % SCALE as u128;
    let mut s = int.to_string();
    if frac != 0 {
        let f = format!("{frac:018}");
        s.push('.');
        s.push_str(f.trim_end_matches('0'));
    }
    if neg {
        s.insert(0, '-');
    }
    s
}

// ---------------------------------------------------------------------------
// Calendar.

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn month_of(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.');
    MONTHS
        .iter()
        .position(|m| {
            *m == w || (w.len() == 3 && m.starts_with(w)) || (w == "sept" && *m == "september")
        })
        .map(|i| i as u32 + 1)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

pub fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
pub fn day_number(y: i64, m: u32, d: u32) -> i128 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146097 + doe - 719468) as i128
}

/// The civil date of a day number.
pub fn civil(z: i128) -> (i64, u32, u32) {
    let z = z as i64 + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

pub fn format_day(z: i128) -> String {
    let (y, m, d) = civil(z);
    format!("{y:04}-{m:02}-{d:02}")
}

// ---------------------------------------------------------------------------
// Parsing value phrases from tokens. Each parser must consume the whole slice.

fn parse_decimal(s: &str) -> Option<i128> {
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

fn multiplier(w: &str) -> Option<i128> {
    MULTIPLIERS.iter().find(|(m, _)| *m == w).map(|(_, v)| *v)
}

fn unit_word(w: &str) -> Option<Unit> {
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

/// Why words are not a value phrase, when it can be said more precisely
/// than "not a number phrase".
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueError {
    /// Not a value phrase of the kind; nothing more specific to say.
    NotAPhrase,
    /// Two unit markers on one number (`$3%`, `$27 trillion dollars`).
    TwoUnits { number: String },
    /// A multiplier next to `%` (`3bn%`, `3% million`).
    MultiplierWithPercent { number: String },
    /// `between 3% and 4 euros`.
    BetweenUnits { first: Unit, second: Unit },
    /// A near miss of a multiplier or unit word.
    Misspelt {
        word: String,
        suggestion: &'static str,
    },
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueError::NotAPhrase => f.write_str("not a value phrase"),
            ValueError::TwoUnits { number } => write!(
                f,
                "`{number}` has two unit markers; a number takes one: a sign (`$`, `US$`, `€`, `£`), `%`, or one unit word"
            ),
            ValueError::MultiplierWithPercent { number } => write!(
                f,
                "`{number}`: a multiplier cannot stand next to `%` (write `3%`, or `3 million percent`)"
            ),
            ValueError::BetweenUnits { first, second } => write!(
                f,
                "the bounds of `between` have two different units, {first} and {second}; values compare only within one unit"
            ),
            ValueError::Misspelt { word, suggestion } => write!(
                f,
                "`{word}` is not a multiplier or unit word; did you mean `{suggestion}`?"
            ),
        }
    }
}

fn words(toks: &[Token]) -> Option<Vec<&str>> {
    toks.iter()
        .map(|t| match t.kind {
            TokenKind::Word => Some(t.norm.as_str()),
            TokenKind::Comma => Some(","),
            _ => None,
        })
        .collect()
}

/// One number as written: its value (multiplier applied), its unit, and
/// whether a multiplier was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Num {
    value: i128,
    unit: Option<Unit>,
    multiplied: bool,
}

/// The word holding the digits, read: `-$3.5bn`, `US$5`, `−0.4%`, `14,000`.
struct Digits {
    value: i128,
    unit: Option<Unit>,
    percent: bool,
    mult: Option<i128>,
}

/// The word holding the digits. `Ok(None)` when the word is no number at all.
fn number_word(w: &str) -> Result<Option<Digits>, ValueError> {
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
fn number(w: &[&str]) -> Result<Num, ValueError> {
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
            Interval::new(Bound::Open(n.value), Bound::Infinite).with_unit(n.unit)
        }
        ["at", "least", rest @ ..] => {
            let n = one(rest)?;
            Interval::new(Bound::Closed(n.value), Bound::Infinite).with_unit(n.unit)
        }
        ["fewer", "than", rest @ ..] | ["less", "than", rest @ ..] | ["under", rest @ ..] => {
            let n = one(rest)?;
            Interval::new(Bound::Infinite, Bound::Open(n.value)).with_unit(n.unit)
        }
        ["at", "most", rest @ ..] => {
            let n = one(rest)?;
            Interval::new(Bound::Infinite, Bound::Closed(n.value)).with_unit(n.unit)
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
fn between(rest: &[&str]) -> Result<(Num, Num), ValueError> {
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

/// A bare date: the days it covers.
fn date(w: &[&str]) -> Option<(i128, i128)> {
    let year = |s: &str| -> Option<i64> {
        (s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
    };
    let day = |s: &str| -> Option<u32> {
        (s.len() <= 2 && !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())?
    };
    let ymd = |y: i64, m: u32, d: u32| -> Option<(i128, i128)> {
        (d >= 1 && d <= days_in_month(y, m)).then(|| {
            let n = day_number(y, m, d);
            (n, n)
        })
    };
    let ym = |y: i64, m: u32| (day_number(y, m, 1), day_number(y, m, days_in_month(y, m)));
    match w {
        [one] => {
            let parts: Vec<&str> = one.split('-').collect();
            match parts.as_slice() {
                [y] => {
                    let y = year(y)?;
                    Some((day_number(y, 1, 1), day_number(y, 12, 31)))
                }
                [y, m] if m.len() == 2 => {
                    let (y, m) = (year(y)?, day(m)?);
                    (1..=12).contains(&m).then(|| ym(y, m))
                }
                [y, m, d] if m.len() == 2 && d.len() == 2 => {
                    let (y, m, d) = (year(y)?, day(m)?, day(d)?);
                    if !(1..=12).contains(&m) {
                        return None;
                    }
                    ymd(y, m, d)
                }
                _ => None,
            }
        }
        [m, y] => Some(ym(year(y)?, month_of(m)?)),
        [m, d, ",", y] | [m, d, y] if month_of(m).is_some() => ymd(year(y)?, month_of(m)?, day(d)?),
        [d, m, y] => ymd(year(y)?, month_of(m)?, day(d)?),
        _ => None,
    }
}

/// Parses a whole date phrase into an interval of days.
pub fn date_phrase(toks: &[Token]) -> Option<Interval> {
    date_words(&words(toks)?)
}

pub fn date_words(w: &[&str]) -> Option<Interval> {
    let i = match w {
        ["on", rest @ ..] | ["in", rest @ ..] => {
            let (a, b) = date(rest)?;
            Interval::closed(a, b)
        }
        // Dates are whole days, so open bounds become the neighbouring day:
        // `before D` and `after D` then share no day with D, nor with each other.
        ["before", rest @ ..] => Interval::new(Bound::Infinite, Bound::Closed(date(rest)?.0 - 1)),
        ["after", rest @ ..] => Interval::new(Bound::Closed(date(rest)?.1 + 1), Bound::Infinite),
        ["since", rest @ ..] => Interval::new(Bound::Closed(date(rest)?.0), Bound::Infinite),
        ["between", rest @ ..] => {
            let and = rest.iter().position(|w| *w == "and")?;
            let a = date(&rest[..and])?.0;
            let b = date(&rest[and + 1..])?.1;
            if a > b {
                return None;
            }
            Interval::closed(a, b)
        }
        rest => {
            let (a, b) = date(rest)?;
            Interval::closed(a, b)
        }
    };
    Some(i)
}

impl ValueKind {
    /// What a phrase of this kind must be, for error messages.
    pub fn wants(self) -> &'static str {
        match self {
            ValueKind::Number => {
                "a number phrase (up to 10^20, at most 15 decimals; as in `14000`, `more than 14,000`, `about 1.5 million`, `3.4%`, `$27.36 trillion`)"
            }
            ValueKind::Date => {
                "a date phrase (a real day, month or year; as in `June 2025`, `2025-06-23`, `before 2024`)"
            }
        }
    }
}

/// Whether a phrase of `kind` could start with this token: a digit, or a word
/// that value phrases begin with. Used only to explain a failed match.
pub fn starts_like(kind: ValueKind, t: &Token) -> bool {
    if t.kind != TokenKind::Word {
        return false;
    }
    let w = t.norm.as_str();
    let digit =
        w.starts_with(|c: char| c.is_ascii_digit() || "-−$€£".contains(c)) || w.starts_with("us$");
    match kind {
        ValueKind::Number => {
            digit
                || [
                    "more", "over", "at", "fewer", "less", "under", "between", "about", "around",
                    "roughly",
                ]
                .contains(&w)
        }
        ValueKind::Date => {
            digit
                || month_of(w).is_some()
                || ["on", "in", "before", "after", "since", "between"].contains(&w)
        }
    }
}

/// Parses a value phrase of the given kind.
pub fn phrase(kind: ValueKind, toks: &[Token]) -> Option<Interval> {
    match kind {
        ValueKind::Number => number_phrase(toks),
        ValueKind::Date => date_phrase(toks),
    }
}

/// Parses a value phrase of the given kind, saying what is wrong when it can.
pub fn read(kind: ValueKind, toks: &[Token]) -> Result<Interval, ValueError> {
    match kind {
        ValueKind::Number => read_number_words(&words(toks).ok_or(ValueError::NotAPhrase)?),
        ValueKind::Date => date_phrase(toks).ok_or(ValueError::NotAPhrase),
    }
}

/// Whether `toks[i]` belongs to a number that ends right before it (a
/// multiplier, a unit word, `per cent`): a number keeps what follows it, so
/// a value may not end before such a word.
pub fn kept_by_number(toks: &[Token], i: usize) -> bool {
    let Some(t) = toks.get(i) else { return false };
    let next = toks.get(i + 1).map(|t| t.norm.as_str());
    t.kind == TokenKind::Word && belongs_to_number(&t.norm, next)
}

/// Whether the word could be the digits of a number (`3.4%`, `$5`, `-2`).
pub fn is_number_word(word: &str) -> bool {
    !matches!(number_word(word), Ok(None))
}

fn value_warnings(v: &crate::model::Value, out: &mut Vec<String>) {
    // Only `between` phrases can warn: skip lexing every other value.
    let between = v
        .text
        .get(..8)
        .is_some_and(|w| w.eq_ignore_ascii_case("between "));
    if !between {
        return;
    }
    if let Ok(toks) = crate::syntax::lexer::lex(&v.text, 0) {
        out.extend(number_warning(&toks));
    }
}

/// Warnings for the value phrases of one claim (a multiplier on one bound of
/// `between`), each at its atom.
pub fn claim_warnings(
    claim: &crate::model::Claim,
    file: crate::diag::FileId,
) -> Vec<crate::diag::Diagnostic> {
    use crate::diag::{Diagnostic, ErrorKind};
    use crate::model::{Arg, Claim};
    fn walk(c: &Claim, file: crate::diag::FileId, out: &mut Vec<Diagnostic>) {
        match c {
            Claim::Atom(a) => {
                let mut found = Vec::new();
                for arg in &a.args {
                    if let Arg::Value(Some(v)) = arg {
                        value_warnings(v, &mut found);
                    }
                }
                out.extend(found.into_iter().map(|message| {
                    Diagnostic::new(file, a.span, ErrorKind::OneBoundMultiplier { message })
                }));
            }
            Claim::Not(c) => walk(c, file, out),
            Claim::And(all) | Claim::Or(all) => all.iter().for_each(|c| walk(c, file, out)),
            Claim::Quant { body, .. } => walk(body, file, out),
        }
    }
    let mut out = Vec::new();
    walk(claim, file, &mut out);
    out
}

/// Warnings for value phrases of the workspace that read, but maybe not as
/// meant (a multiplier on one bound of `between`), in claims and facts.
pub fn warnings(model: &crate::model::Model) -> Vec<crate::diag::Diagnostic> {
    use crate::diag::{Diagnostic, ErrorKind};
    use crate::model::FactBody;
    let mut out = Vec::new();
    for d in &model.definitions {
        if let Some(body) = &d.body {
            out.extend(claim_warnings(body, d.loc.file));
        }
    }
    for a in &model.assertions {
        out.extend(claim_warnings(&a.claim, a.file));
    }
    for f in &model.facts {
        let tuples = match &f.body {
            FactBody::Atom { tuple, .. } => std::slice::from_ref(tuple),
            FactBody::Only(o) => o.listed.as_slice(),
        };
        let mut found = Vec::new();
        for t in tuples {
            for v in t.values.iter().flatten() {
                value_warnings(v, &mut found);
            }
        }
        out.extend(found.into_iter().map(|message| {
            Diagnostic::new(
                f.loc.file,
                f.loc.span,
                ErrorKind::OneBoundMultiplier { message },
            )
        }));
    }
    out
}

/// Hints for a claim whose number is in a unit that no fact of its relation
/// uses in that slot (`more than 3` where every fact says `3.4%`): such a
/// claim can only be unknown, and the user should see why.
pub fn unit_hints(model: &crate::model::Model, claim: &crate::model::Claim) -> Vec<String> {
    use crate::model::{Arg, Claim, FactBody, Target};
    use std::collections::BTreeSet;
    fn atoms<'c>(c: &'c Claim, out: &mut Vec<&'c crate::model::Atom>) {
        match c {
            Claim::Atom(a) => out.push(a),
            Claim::Not(c) => atoms(c, out),
            Claim::And(all) | Claim::Or(all) => all.iter().for_each(|c| atoms(c, out)),
            Claim::Quant { body, .. } => atoms(body, out),
        }
    }
    let name = |u: Option<Unit>| u.map_or("plain numbers (no unit)", |u| u.name());
    let mut found = Vec::new();
    atoms(claim, &mut found);
    let mut hints = Vec::new();
    for atom in found {
        let Target::Relation(rel) = atom.target else {
            continue;
        };
        let slots = model.value_slots(rel);
        let relation = &model.relations[rel as usize];
        let written: Vec<_> = atom
            .args
            .iter()
            .filter(|a| matches!(a, Arg::Value(_)))
            .collect();
        for (k, ((slot, kind), arg)) in slots.iter().zip(written).enumerate() {
            let (ValueKind::Number, Arg::Value(Some(v))) = (kind, arg) else {
                continue;
            };
            let mut units: BTreeSet<Option<Unit>> = BTreeSet::new();
            for f in &model.facts {
                let tuples = match &f.body {
                    FactBody::Atom { tuple, .. } => std::slice::from_ref(tuple),
                    FactBody::Only(o) => o.listed.as_slice(),
                };
                for t in tuples.iter().filter(|t| t.key.relation == rel) {
                    if let Some(Some(fv)) = t.values.get(k) {
                        units.insert(fv.interval.unit);
                    }
                }
            }
            if !units.is_empty() && !units.contains(&v.interval.unit) {
                let used: Vec<&str> = units.iter().map(|u| name(*u)).collect();
                let has = match v.interval.unit {
                    Some(u) => format!("is in {}", u.name()),
                    None => "has no unit".to_string(),
                };
                hints.push(format!(
                    "`{}` {has}, but the facts of relation `{}` state {{{}}} in {}: values compare only within one unit, so none of them supports or refutes `{}`",
                    v.text,
                    relation.name,
                    relation.slots[*slot].name,
                    used.join(", "),
                    atom.text,
                ));
            }
        }
    }
    hints
}

/// The longest a value phrase can be, in tokens (`between June 23 , 2025 and June 24 , 2025`).
pub const MAX_PHRASE_TOKENS: usize = 11;

impl fmt::Display for ValueKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValueKind::Number => "number",
            ValueKind::Date => "date",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::lexer::lex;

    fn num(s: &str) -> Interval {
        number_phrase(&lex(s, 0).unwrap()).unwrap_or_else(|| panic!("no number: {s}"))
    }
    fn day(s: &str) -> Interval {
        date_phrase(&lex(s, 0).unwrap()).unwrap_or_else(|| panic!("no date: {s}"))
    }
    fn n(x: i128) -> i128 {
        x * SCALE
    }

    #[test]
    fn number_forms() {
        assert_eq!(num("14000"), Interval::point(n(14000)));
        assert_eq!(num("14,000"), Interval::point(n(14000)));
        assert_eq!(num("14 thousand"), Interval::point(n(14000)));
        assert_eq!(num("1.5 million"), Interval::point(n(1_500_000)));
        assert_eq!(num("more than 10").lo, Bound::Open(n(10)));
        assert_eq!(num("over 10").lo, Bound::Open(n(10)));
        assert_eq!(num("at least 10").lo, Bound::Closed(n(10)));
        assert_eq!(num("fewer than 10").hi, Bound::Open(n(10)));
        assert_eq!(num("under 10").hi, Bound::Open(n(10)));
        assert_eq!(num("at most 10").hi, Bound::Closed(n(10)));
        assert_eq!(num("between 10 and 20"), Interval::closed(n(10), n(20)));
        assert_eq!(num("about 11000"), Interval::closed(n(9900), n(12100)));
        assert_eq!(
            num("roughly 1.5 million"),
            Interval::closed(n(1_350_000), n(1_650_000))
        );
        assert!(number_phrase(&lex("14,00", 0).unwrap()).is_none());
        assert!(number_phrase(&lex("between 20 and 10", 0).unwrap()).is_none());
    }

    #[test]
    fn about_is_exact_at_its_bounds() {
        let about = num("about 11000");
        assert!(num("between 9900 and 12100").subset_of(&about));
        assert!(about.subset_of(&num("between 9900 and 12100")));
        assert!(!num("between 9899.999 and 12100").subset_of(&about));
        assert!(num("about 0.3").subset_of(&num("between 0.27 and 0.33")));
    }

    #[test]
    fn date_forms() {
        let d = |y, m, dd| day_number(y, m, dd);
        assert_eq!(day("2025-06-23"), Interval::point(d(2025, 6, 23)));
        assert_eq!(day("June 23, 2025"), Interval::point(d(2025, 6, 23)));
        assert_eq!(day("23 June 2025"), Interval::point(d(2025, 6, 23)));
        assert_eq!(day("on Jun 23 2025"), Interval::point(d(2025, 6, 23)));
        assert_eq!(
            day("June 2025"),
            Interval::closed(d(2025, 6, 1), d(2025, 6, 30))
        );
        assert_eq!(
            day("in 2025-02"),
            Interval::closed(d(2025, 2, 1), d(2025, 2, 28))
        );
        assert_eq!(
            day("2024"),
            Interval::closed(d(2024, 1, 1), d(2024, 12, 31))
        );
        assert_eq!(day("before June 2025").hi, Bound::Closed(d(2025, 5, 31)));
        assert_eq!(day("after June 2025").lo, Bound::Closed(d(2025, 7, 1)));
        // Whole days: nothing is both before 2024 and after 2023.
        assert!(day("before 2024").disjoint(&day("after 2023")));
        assert_eq!(day("since June 2025").lo, Bound::Closed(d(2025, 6, 1)));
        assert_eq!(
            day("between March 2023 and June 2025"),
            Interval::closed(d(2023, 3, 1), d(2025, 6, 30))
        );
        assert!(date_phrase(&lex("June 31, 2025", 0).unwrap()).is_none());
        assert!(date_phrase(&lex("June 23", 0).unwrap()).is_none());
        assert_eq!(format_day(d(2025, 6, 23)), "2025-06-23");
    }

    #[test]
    fn interval_relations() {
        let more = num("more than 100");
        let least = num("at least 100");
        assert!(more.subset_of(&least));
        assert!(!least.subset_of(&more));
        assert!(num("fewer than 100").disjoint(&least));
        assert!(!num("at most 100").disjoint(&least));
        assert!(num("at most 100").disjoint(&more));
        assert_eq!(format_number(n(14000)), "14000");
        assert_eq!(format_number(num("about 0.3").lo_value()), "0.27");
    }

    fn pct(x: &str) -> i128 {
        parse_decimal(x).unwrap()
    }

    #[test]
    fn units_table() {
        let p = Some(Unit::Percent);
        let d = Some(Unit::Dollar);
        let e = Some(Unit::Euro);
        let pound = Some(Unit::Pound);
        for (text, unit, v) in [
            ("3.4%", p, pct("3.4")),
            ("3.4 percent", p, pct("3.4")),
            ("3.4 per cent", p, pct("3.4")),
            ("3.4 PERCENT", p, pct("3.4")),
            ("$27 trillion", d, n(27_000_000_000_000)),
            ("US$5", d, n(5)),
            ("us$5", d, n(5)),
            ("27 trillion dollars", d, n(27_000_000_000_000)),
            ("5 dollar", d, n(5)),
            ("€4.12 trillion", e, n(4_120_000_000_000)),
            ("4.12 trillion euros", e, n(4_120_000_000_000)),
            ("1 euro", e, n(1)),
            ("£40 billion", pound, n(40_000_000_000)),
            ("$3bn", d, n(3_000_000_000)),
            ("3 bn", None, n(3_000_000_000)),
            ("3 tn", None, n(3_000_000_000_000)),
            ("3 Trillion", None, n(3_000_000_000_000)),
            ("-$5bn", d, n(-5_000_000_000)),
            ("−0.4%", p, -pct("0.4")),
            ("-0.3%", p, -pct("0.3")),
            ("14,000", None, n(14000)),
        ] {
            assert_eq!(num(text), Interval::point(v).with_unit(unit), "{text}");
        }
    }

    #[test]
    fn unit_errors() {
        let err = |s: &str| read(ValueKind::Number, &lex(s, 0).unwrap()).unwrap_err();
        assert!(matches!(err("$3%"), ValueError::TwoUnits { .. }));
        assert!(matches!(
            err("$27 trillion dollars"),
            ValueError::TwoUnits { .. }
        ));
        assert!(matches!(err("3% percent"), ValueError::TwoUnits { .. }));
        assert!(matches!(
            err("3bn%"),
            ValueError::MultiplierWithPercent { .. }
        ));
        assert!(matches!(
            err("3% million"),
            ValueError::MultiplierWithPercent { .. }
        ));
        assert_eq!(
            err("3 trilion"),
            ValueError::Misspelt {
                word: "trilion".into(),
                suggestion: "trillion"
            }
        );
        assert_eq!(
            err("3 precent"),
            ValueError::Misspelt {
                word: "precent".into(),
                suggestion: "percent"
            }
        );
        assert_eq!(
            err("between 3% and 4 euros"),
            ValueError::BetweenUnits {
                first: Unit::Percent,
                second: Unit::Euro
            }
        );
        // Other words are ordinary template words, not units.
        assert_eq!(err("3 pounds"), ValueError::NotAPhrase);
        assert_eq!(err("3 usd"), ValueError::NotAPhrase);
        assert_eq!(err("3 points"), ValueError::NotAPhrase);
        assert_eq!(err("$-5"), ValueError::NotAPhrase);
        // A multiplier may come before `percent`.
        assert_eq!(num("3 million percent").unit, Some(Unit::Percent));
    }

    #[test]
    fn unit_bounds_are_exact() {
        let p = Some(Unit::Percent);
        assert_eq!(
            num("about 3.4%"),
            Interval::closed(pct("3.06"), pct("3.74")).with_unit(p)
        );
        assert_eq!(
            num("about 3.4%").display(ValueKind::Number),
            "[3.06%, 3.74%]"
        );
        assert_eq!(
            num("about -2%"),
            Interval::closed(-pct("2.2"), -pct("1.8")).with_unit(p)
        );
        assert_eq!(num("about 3%").display(ValueKind::Number), "[2.7%, 3.3%]");
        // `between 2% and 3%` holds both ends, and nothing past them.
        let b = num("between 2% and 3%");
        assert!(num("2%").subset_of(&b));
        assert!(num("3%").subset_of(&b));
        assert!(num("1.999999%").disjoint(&b));
        assert!(num("3.000001%").disjoint(&b));
        // A unit written once applies to both bounds; a multiplier never does.
        assert_eq!(num("between 3 and 4 percent"), num("between 3% and 4%"));
        assert_eq!(
            num("between 4 and 4.5 trillion euros"),
            Interval::closed(n(4), n(4_500_000_000_000)).with_unit(Some(Unit::Euro))
        );
        let warn = |s: &str| number_warning(&lex(s, 0).unwrap());
        assert!(warn("between 4 and 4.5 trillion euros").is_some());
        assert!(warn("between 4 trillion and 4.5 trillion euros").is_none());
        assert!(warn("between 3 and 4 percent").is_none());
        assert_eq!(
            num("more than $25 trillion").display(ValueKind::Number),
            "($25 trillion, ∞)"
        );
        assert_eq!(
            num("-$5bn").display(ValueKind::Number),
            "[-$5 billion, -$5 billion]"
        );
        assert_eq!(num("£1500").display(ValueKind::Number), "[£1500, £1500]");
    }

    #[test]
    fn values_compare_only_within_one_unit() {
        let three_pct = num("3%");
        let three = num("3");
        let three_usd = num("$3");
        for (a, b) in [
            (three_pct, three),
            (three_pct, three_usd),
            (three, three_usd),
        ] {
            assert!(!a.subset_of(&b) && !b.subset_of(&a));
            assert!(!a.disjoint(&b) && !b.disjoint(&a));
        }
        assert!(!num("more than 3").subset_of(&num("more than 3%")));
        assert!(!num("5%").disjoint(&num("less than 3")));
        // A value left out is every value of every unit.
        assert!(three_pct.subset_of(&Interval::ALL));
        assert!(!Interval::ALL.disjoint(&three_usd));
        assert!(!num("€3").subset_of(&num("$3")));
    }

    proptest::proptest! {
        /// No text makes value reading panic, and what reads shows.
        #[test]
        fn any_words_read_without_panic(s in "([-−]?(US\\$|\\$|€|£)?[0-9,.]{0,25}(bn|tn|%|bn%)?| |between|and|about|more|than|per|cent|percent|dollars?|euros?|trillion|trilion|million%|[a-z]{1,9}){0,8}") {
            if let Ok(toks) = lex(&s, 0) {
                for kind in [ValueKind::Number, ValueKind::Date] {
                    if let Ok(i) = read(kind, &toks) {
                        let _ = i.display(kind);
                    }
                }
                let _ = number_warning(&toks);
            }
        }

        /// What reports show of a number reads back as the same number.
        #[test]
        fn shown_numbers_read_back(
            units in 0..5usize,
            whole in -10_000_000_000_000_000i128..10_000_000_000_000_000i128,
            decimals in 0..1000i128,
        ) {
            let unit = [None, Some(Unit::Percent), Some(Unit::Dollar), Some(Unit::Euro), Some(Unit::Pound)][units];
            let x = whole * SCALE + whole.signum() * decimals * (SCALE / 1000);
            let shown = Unit::show(unit, x);
            let back = number_phrase(&lex(&shown, 0).unwrap());
            proptest::prop_assert_eq!(back, Some(Interval::point(x).with_unit(unit)), "{}", shown);
        }
    }

    impl Interval {
        fn lo_value(&self) -> i128 {
            match self.lo {
                Bound::Closed(v) | Bound::Open(v) => v,
                Bound::Infinite => 0,
            }
        }
    }
}
