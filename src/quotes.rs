//! Quote folding (docs/language.md §13): quotes are compared after folding case,
//! whitespace, curly quotes and dashes.

/// Lower-cases, straightens quotes, unifies dashes and collapses whitespace.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        let c = match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '«' | '»' => '"',
            '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
            | '\u{2212}' => '-',
            '\u{00A0}' => ' ',
            c => c,
        };
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.extend(c.to_lowercase());
    }
    out
}

/// The passage of `text` (folded) that shares the most words with `quote`:
/// a window of the quote's length slid over the text, keeping a running
/// count, so the search is linear in the text (not text × quote).
pub fn closest(text: &str, quote: &str) -> Option<String> {
    let words: Vec<&str> = text.split(' ').collect();
    let q: Vec<&str> = quote.split(' ').collect();
    let n = q.len().max(1);
    let strip = |w: &str| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string();
    let qset: std::collections::HashSet<String> = q.iter().map(|w| strip(w)).collect();
    let hit: Vec<bool> = words.iter().map(|w| qset.contains(&strip(w))).collect();
    // score = hits in words[start..start + n]
    let mut score = hit[..n.min(hit.len())].iter().filter(|h| **h).count();
    let mut best = (score, 0usize);
    for start in 1..words.len() {
        if hit[start - 1] {
            score -= 1;
        }
        if start + n - 1 < hit.len() && hit[start + n - 1] {
            score += 1;
        }
        if score > best.0 {
            best = (score, start);
        }
    }
    if best.0 == 0 {
        return None;
    }
    let end = (best.1 + n).min(words.len());
    Some(words[best.1..end].join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_space_quotes_and_dashes() {
        assert_eq!(
            fold("The  “axis”\n idea — ‘no limits’"),
            "the \"axis\" idea - 'no limits'"
        );
        assert!(fold("sent more than\n   14,000 Troops")
            .contains(&fold("sent more than 14,000 troops")));
    }

    #[test]
    fn closest_passage() {
        let t = fold("Russia and China did not rush to help Iran when it mattered.");
        assert_eq!(
            closest(&t, &fold("China did not rush to aid Iran")).as_deref(),
            Some("china did not rush to help iran")
        );
        // The same passage as the quadratic search finds, on a long text.
        let long = format!(
            "{} china did not rush to help iran {}",
            "word ".repeat(5000),
            "x ".repeat(5000)
        );
        assert_eq!(
            closest(&fold(&long), &fold("China did not rush to aid Iran")).as_deref(),
            Some("china did not rush to help iran")
        );
        assert_eq!(closest("a b c", "x y"), None);
        assert_eq!(closest("a", "a b c d").as_deref(), Some("a"));
    }
}
