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

/// A source's text, folded once, that quotes are looked for in. The first
/// quote not found numbers its words (`closest`'s table); later misses
/// reuse it, so a thousand missing quotes cost one pass over the text each
/// and no allocation per word.
pub struct Document {
    folded: String,
    words: std::sync::OnceLock<Words>,
}

/// The words of a folded text (split at spaces), each as its stripped
/// form's number, and where each word is.
struct Words {
    ids: Vec<u32>,
    spans: Vec<(usize, usize)>,
    vocabulary: rustc_hash::FxHashMap<String, u32>,
}

/// A word without the punctuation around it.
fn strip(w: &str) -> &str {
    w.trim_matches(|c: char| !c.is_alphanumeric())
}

impl Document {
    /// The document of a text as read (`text` is folded here).
    pub fn new(text: &str) -> Document {
        Document::folded(fold(text))
    }

    /// The document of a text already folded.
    pub fn folded(folded: String) -> Document {
        Document {
            folded,
            words: Default::default(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.folded.is_empty()
    }

    /// Whether the folded `quote` stands in the text.
    pub fn contains(&self, quote: &str) -> bool {
        memchr::memmem::find(self.folded.as_bytes(), quote.as_bytes()).is_some()
    }

    /// The passage of the text that shares the most words with the folded
    /// `quote`: a window of the quote's length slid over the text, keeping
    /// a running count, so the search is linear in the text (not text ×
    /// quote); the first such passage, `None` when no word is shared.
    pub fn closest(&self, quote: &str) -> Option<String> {
        let words = self.words.get_or_init(|| {
            let mut vocabulary = rustc_hash::FxHashMap::default();
            let mut ids = Vec::new();
            let mut spans = Vec::new();
            let mut at = 0;
            for w in self.folded.split(' ') {
                let n = vocabulary.len() as u32;
                ids.push(*vocabulary.entry(strip(w).to_string()).or_insert(n));
                spans.push((at, at + w.len()));
                at += w.len() + 1;
            }
            Words {
                ids,
                spans,
                vocabulary,
            }
        });
        let q: Vec<&str> = quote.split(' ').collect();
        let n = q.len().max(1);
        // The quote's words the text has (others can never be hits).
        let wanted: Vec<u32> = q
            .iter()
            .filter_map(|w| words.vocabulary.get(strip(w)).copied())
            .collect();
        let hit = |i: usize| wanted.contains(&words.ids[i]);
        let len = words.ids.len();
        // score = hits in words[start..start + n]
        let mut score = (0..n.min(len)).filter(|&i| hit(i)).count();
        let mut best = (score, 0usize);
        for start in 1..len {
            if hit(start - 1) {
                score -= 1;
            }
            if start + n - 1 < len && hit(start + n - 1) {
                score += 1;
            }
            if score > best.0 {
                best = (score, start);
            }
        }
        if best.0 == 0 {
            return None;
        }
        let end = (best.1 + n).min(len);
        let (from, to) = (words.spans[best.1].0, words.spans[end - 1].1);
        Some(self.folded[from..to].to_string())
    }
}

/// The passage of `text` (folded) that shares the most words with `quote`
/// (`Document::closest`).
pub fn closest(text: &str, quote: &str) -> Option<String> {
    Document::folded(text.to_string()).closest(quote)
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
