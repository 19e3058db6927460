//! Nearest known names for a misspelt one (`strsim`, bounded by length).

/// Longest name compared by edit distance: longer names only get prefix
/// suggestions, so a 20,000-character typo costs no quadratic work.
const MAX_COMPARED: usize = 64;

/// Edit distance over characters, case-insensitive, counting a swap of two
/// neighbouring characters as one edit (optimal string alignment, from
/// `strsim`). `None` when it is surely more than `limit`: the lengths differ
/// by more, or a name is longer than [`MAX_COMPARED`] characters.
pub fn edit_distance_within(a: &str, b: &str, limit: usize) -> Option<usize> {
    let (la, lb) = (a.chars().count(), b.chars().count());
    if la.abs_diff(lb) > limit || la > MAX_COMPARED || lb > MAX_COMPARED {
        return None;
    }
    let d = strsim::osa_distance(&a.to_lowercase(), &b.to_lowercase());
    (d <= limit).then_some(d)
}

/// Edit distance, or `usize::MAX` when it is more than `limit` (see
/// [`edit_distance_within`]).
pub fn edit_distance(a: &str, b: &str) -> usize {
    edit_distance_within(a, b, 3).unwrap_or(usize::MAX)
}

/// The known names nearest to `wrong`: those at the smallest edit distance
/// (a third of the name's length, at least two), if that distance is small enough to be a plausible typo;
/// else names that `wrong` is a prefix of, or that are a prefix of it.
pub fn nearest<'a>(wrong: &str, known: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let wrong_l = wrong.to_lowercase();
    let limit = (wrong_l.chars().count() / 3).max(2);
    let mut close: Vec<(usize, String)> = Vec::new();
    let mut prefixed: Vec<String> = Vec::new();
    for k in known {
        let kl = k.to_lowercase();
        if let Some(d) = edit_distance_within(&wrong_l, &kl, limit) {
            close.push((d, k.to_string()));
        } else if (kl.starts_with(&wrong_l) || wrong_l.starts_with(&kl))
            && kl.len().min(wrong_l.len()) >= 3
        {
            prefixed.push(k.to_string());
        }
    }
    close.sort();
    close.dedup_by(|a, b| a.1.eq_ignore_ascii_case(&b.1));
    if let Some(best) = close.first().map(|c| c.0) {
        return close
            .into_iter()
            .filter(|c| c.0 == best)
            .take(3)
            .map(|c| c.1)
            .collect();
    }
    prefixed.sort();
    prefixed.dedup();
    prefixed.truncate(3);
    prefixed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_finds_typos() {
        let known = ["North Korea", "South Korea", "Russia"];
        assert_eq!(nearest("Nroth Korea", known), vec!["North Korea"]);
        assert_eq!(nearest("Rusia", known), vec!["Russia"]);
        assert!(nearest("Atlantis", known).is_empty());
    }

    #[test]
    fn suggestions_are_bounded() {
        // A 20,000-character typo is compared by length first, never by a
        // 20,000 × 20,000 table.
        let long = "a".repeat(20_000);
        let near = format!("{}b", "a".repeat(19_999));
        assert_eq!(edit_distance_within(&long, &near, 3), None);
        assert_eq!(edit_distance_within("Rusia", "Russia", 2), Some(1));
        assert_eq!(edit_distance_within("Rusia", "Russian Federation", 2), None);
        assert!(nearest(&long, [near.as_str(), "Russia"]).is_empty());
    }
}
