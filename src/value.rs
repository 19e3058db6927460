//! Values: numbers and dates as intervals (docs/language.md §9).
//!
//! Numbers are exact decimals, stored as integers scaled by 10^18 in an
//! `i128`, so `about 11000` is exactly [9900, 12100]. Dates are day numbers
//! (days since 1970-01-01). Both live on one ordered line, so one `Interval`
//! type with open, closed and infinite bounds serves both.

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

/// An interval of numbers (scaled by `SCALE`) or of days.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Interval {
    pub lo: Bound,
    pub hi: Bound,
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
    pub const ALL: Interval = Interval {
        lo: Bound::Infinite,
        hi: Bound::Infinite,
    };

    pub fn point(v: i128) -> Interval {
        Interval {
            lo: Bound::Closed(v),
            hi: Bound::Closed(v),
        }
    }
    pub fn closed(a: i128, b: i128) -> Interval {
        Interval {
            lo: Bound::Closed(a),
            hi: Bound::Closed(b),
        }
    }

    pub fn is_empty(&self) -> bool {
        match (self.lo, self.hi) {
            (Bound::Infinite, _) | (_, Bound::Infinite) => false,
            (Bound::Closed(a), Bound::Closed(b)) => a > b,
            (Bound::Closed(a) | Bound::Open(a), Bound::Closed(b) | Bound::Open(b)) => a >= b,
        }
    }

    /// Every value of `self` is in `other`.
    pub fn subset_of(&self, other: &Interval) -> bool {
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
        Interval { lo, hi }
    }

    pub fn overlaps(&self, other: &Interval) -> bool {
        !self.intersection(other).is_empty()
    }

    pub fn disjoint(&self, other: &Interval) -> bool {
        !self.overlaps(other)
    }

    /// Writes the interval in mathematical notation, e.g. `(14000, ∞)`.
    pub fn display(&self, kind: ValueKind) -> String {
        let v = |x: i128| match kind {
            ValueKind::Number => format_number(x),
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

fn multiplier(w: &str) -> Option<i128> {
    match w {
        "thousand" => Some(1_000),
        "million" => Some(1_000_000),
        "billion" => Some(1_000_000_000),
        _ => None,
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

/// `14000`, `14,000`, `14 thousand`, `1.5 million`.
fn number(w: &[&str]) -> Option<i128> {
    match w {
        [n] => parse_decimal(n),
        [n, m] => {
            let v = parse_decimal(n)?.checked_mul(multiplier(m)?)?;
            (v.abs() <= MAX_NUMBER).then_some(v)
        }
        _ => None,
    }
}

/// Parses a whole number phrase into an interval.
pub fn number_phrase(toks: &[Token]) -> Option<Interval> {
    number_words(&words(toks)?)
}

pub fn number_words(w: &[&str]) -> Option<Interval> {
    let i = match w {
        ["more", "than", rest @ ..] | ["over", rest @ ..] => Interval {
            lo: Bound::Open(number(rest)?),
            hi: Bound::Infinite,
        },
        ["at", "least", rest @ ..] => Interval {
            lo: Bound::Closed(number(rest)?),
            hi: Bound::Infinite,
        },
        ["fewer", "than", rest @ ..] | ["less", "than", rest @ ..] | ["under", rest @ ..] => {
            Interval {
                lo: Bound::Infinite,
                hi: Bound::Open(number(rest)?),
            }
        }
        ["at", "most", rest @ ..] => Interval {
            lo: Bound::Infinite,
            hi: Bound::Closed(number(rest)?),
        },
        ["between", rest @ ..] => {
            let and = rest.iter().position(|w| *w == "and")?;
            let a = number(&rest[..and])?;
            let b = number(&rest[and + 1..])?;
            if a > b {
                return None;
            }
            Interval::closed(a, b)
        }
        ["about", rest @ ..] | ["around", rest @ ..] | ["roughly", rest @ ..] => {
            let n = number(rest)?;
            let a = n.checked_mul(9)? / 10;
            let b = n.checked_mul(11)? / 10;
            Interval::closed(a.min(b), a.max(b))
        }
        rest => Interval::point(number(rest)?),
    };
    Some(i)
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
        ["before", rest @ ..] => Interval {
            lo: Bound::Infinite,
            hi: Bound::Closed(date(rest)?.0 - 1),
        },
        ["after", rest @ ..] => Interval {
            lo: Bound::Closed(date(rest)?.1 + 1),
            hi: Bound::Infinite,
        },
        ["since", rest @ ..] => Interval {
            lo: Bound::Closed(date(rest)?.0),
            hi: Bound::Infinite,
        },
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
                "a number phrase (up to 10^20, at most 15 decimals; as in `14000`, `more than 14,000`, `about 1.5 million`)"
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
    let digit = w.starts_with(|c: char| c.is_ascii_digit() || c == '-');
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

    impl Interval {
        fn lo_value(&self) -> i128 {
            match self.lo {
                Bound::Closed(v) | Bound::Open(v) => v,
                Bound::Infinite => 0,
            }
        }
    }
}
