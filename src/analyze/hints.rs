//! Hints for words that are almost a value: a misspelt month (`Junuary`) and
//! a number written in words (`twelve`). Used only to explain a claim that
//! could not be read; they never make a claim readable.

use crate::diag::edit_distance_within;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The month `word` is a misspelling of (`Junuary` → `January`): within two
/// edits of a full name, for words of four letters or more that are no month
/// or month abbreviation themselves.
pub fn near_month(word: &str) -> Option<&'static str> {
    let w = word.trim_end_matches('.').to_lowercase();
    if w.chars().count() < 4 || !w.chars().all(char::is_alphabetic) {
        return None;
    }
    let exact = MONTHS.iter().any(|m| {
        let m = m.to_lowercase();
        m == w || (w.len() == 3 && m.starts_with(&w)) || w == "sept"
    });
    if exact {
        return None;
    }
    MONTHS
        .iter()
        .filter_map(|m| edit_distance_within(&w, &m.to_lowercase(), 2).map(|d| (d, *m)))
        .min()
        .map(|(_, m)| m)
}

const UNITS: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];

const TENS: [&str; 8] = [
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

/// The value of a number written in words (`twelve`, `forty-two`, `dozen`,
/// `hundred`), if `word` is one.
pub fn number_word(word: &str) -> Option<u64> {
    let w = word.to_lowercase();
    let unit = |s: &str| UNITS.iter().position(|u| *u == s).map(|i| i as u64);
    let ten = |s: &str| {
        TENS.iter()
            .position(|t| *t == s)
            .map(|i| 20 + 10 * i as u64)
    };
    match w.as_str() {
        "dozen" => return Some(12),
        "hundred" => return Some(100),
        _ => {}
    }
    if let Some((t, u)) = w.split_once('-') {
        return Some(ten(t)? + unit(u).filter(|&u| (1..10).contains(&u))?);
    }
    unit(&w).or_else(|| ten(&w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_and_number_words() {
        assert_eq!(near_month("Junuary"), Some("January"));
        assert_eq!(near_month("Febuary"), Some("February"));
        assert_eq!(near_month("Jun"), None);
        assert_eq!(near_month("June"), None);
        assert_eq!(near_month("Russia"), None);
        assert_eq!(number_word("twelve"), Some(12));
        assert_eq!(number_word("Forty-two"), Some(42));
        assert_eq!(number_word("troops"), None);
        assert_eq!(number_word("forty-ten"), None);
    }
}
