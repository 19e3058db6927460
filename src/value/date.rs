//! Dates: the calendar (day numbers, months) and date phrases
//! (`March 2022`, `1 March 2022`, `2022`) as intervals of days.

use super::*;

// ---------------------------------------------------------------------------
// Calendar.

pub(super) const MONTHS: [&str; 12] = [
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

pub(super) fn month_of(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.');
    MONTHS
        .iter()
        .position(|m| {
            *m == w || (w.len() == 3 && m.starts_with(w)) || (w == "sept" && *m == "september")
        })
        .map(|i| i as u32 + 1)
}

pub(super) fn is_leap(y: i64) -> bool {
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

/// A bare date: the days it covers.
pub(super) fn date(w: &[&str]) -> Option<(i128, i128)> {
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
        ["before", rest @ ..] => {
            Interval::new(Bound::Infinite, Bound::Closed((date(rest)?.0 - 1).into()))
        }
        ["after", rest @ ..] => {
            Interval::new(Bound::Closed((date(rest)?.1 + 1).into()), Bound::Infinite)
        }
        ["since", rest @ ..] => Interval::new(Bound::Closed(date(rest)?.0.into()), Bound::Infinite),
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
