//! A large fact file read on every core: its `facts:` list cut into runs of
//! whole items, each run parsed as a document of its own (`facts:` and its
//! lines), in parallel, and the items put back in order at their places.
//!
//! Only a file whose reading cannot depend on the cuts is cut: the `facts:`
//! list is the file's last section, in block style; the file has no anchors,
//! aliases, directives or document markers; and every part reads without an
//! error. Anything else, and every file with an error, is parsed whole, so
//! errors read exactly as they always do.

use rayon::prelude::*;

use super::reparse::{line_start, shift_fact, HEADER};
use super::*;

/// Files smaller than this are parsed whole (cutting would not pay).
const MIN_CUT: usize = 1 << 20;

/// `text` read in parallel runs of items, or `None` where only a whole parse
/// can say (see the module's comment).
pub fn parse_chunked(text: &str) -> Option<RawFactFile> {
    parse_in(text, MIN_CUT, 2 * rayon::current_num_threads().max(1))
}

/// `parse_chunked` with the smallest file it cuts and how many parts it cuts
/// into given (for tests and fuzzing: any text, cut anywhere it allows, must
/// read as a whole parse does).
pub fn parse_in(text: &str, min: usize, parts: usize) -> Option<RawFactFile> {
    if text.len() < min || parts < 2 {
        return None;
    }
    let marked = |m: &str| text.starts_with(m) || text.contains(&format!("\n{m}"));
    if text.contains(['&', '*', '\r']) || marked("---") || marked("...") || marked("%") {
        return None;
    }
    let (first, cuts) = cut_points(text, parts)?;
    let (mut out, errors) = parse_yaml(&text[..first]);
    if !errors.is_empty() || !out.facts.is_empty() {
        return None;
    }
    let read: Vec<Option<Vec<RawFact>>> = cuts
        .par_windows(2)
        .map(|w| {
            let (from, to) = (w[0], w[1]);
            let (read, errors) = parse_yaml(&format!("{HEADER}{}", &text[from..to]));
            let only_facts =
                read.sources.is_empty() && read.entities.is_empty() && read.groups.is_empty();
            if !errors.is_empty() || !only_facts {
                return None;
            }
            let mut facts = read.facts;
            for f in &mut facts {
                shift_fact(f, from as i64 - HEADER.len() as i64);
            }
            Some(facts)
        })
        .collect();
    for facts in read {
        out.facts.extend(facts?);
    }
    Some(out)
}

/// Where the items of the file's last section, `facts:`, start (the first
/// item's line), and the cuts: line starts of items about evenly apart,
/// from the first item's line to the end of the file.
fn cut_points(text: &str, parts: usize) -> Option<(usize, Vec<usize>)> {
    // The one `facts:` key at the start of a line.
    let mut keys = text
        .match_indices("facts:")
        .filter(|&(i, _)| i == 0 || text.as_bytes()[i - 1] == b'\n');
    let (key, _) = keys.next()?;
    if keys.next().is_some() {
        return None;
    }
    let after_key = &text[key + "facts:".len()..];
    let rest = after_key.find('\n')? + key + "facts:".len() + 1;
    if !text[key + "facts:".len()..rest].trim().is_empty() {
        return None;
    }
    // The items' column: that of the first item's dash.
    let mut at = rest;
    let mut indent = None;
    let mut starts = Vec::new();
    while at < text.len() {
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
        let line = &text[at..end];
        let body = line.trim_start_matches(' ');
        let col = line.len() - body.len();
        let blank = body.trim().is_empty() || body.starts_with('#');
        if !blank {
            let dash = body.starts_with("- ") || body.trim_end() == "-";
            match indent {
                None if dash => indent = Some(col),
                None => return None,
                Some(c) if col < c || (col == c && !dash) => return None,
                _ => {}
            }
            if dash && Some(col) == indent {
                starts.push(at);
            }
        }
        at = end;
    }
    let first = *starts.first()?;
    // Cuts at the first item past each even share of the text.
    let share = (text.len() - first) / parts;
    let mut cuts = vec![first];
    for &s in &starts {
        if s >= cuts[cuts.len() - 1] + share.max(1) {
            cuts.push(s);
        }
    }
    debug_assert!(cuts.iter().all(|&c| c == line_start(text, c)));
    cuts.push(text.len());
    Some((first, cuts))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "\
sources:
  - id: report
entities:
  - {name: Côte d'Ivoire, kind: country}
facts:
  - says: Ghana borders Côte d'Ivoire
    source: report
    quote: 'they share a border'
  - relation: troops
    args: {from: Ghana, to: \"C\\u00f4te d'Ivoire\", n: 200}
    source: report

  # a comment between items
  - says: |
      Ghana borders
      Mali
    source: report
  - only: Ghana borders Togo; Ghana borders Mali
    among: neighbours
    source: report
    note: >
      folded
      - not an item
";

    /// Reads `text` in runs of items, checking that it reads exactly as the
    /// whole text does.
    fn agreed(text: &str, parts: usize) -> Option<RawFactFile> {
        let read = parse_in(text, 0, parts)?;
        super::super::tests::assert_reads_as_whole(text, &read);
        Some(read)
    }

    #[test]
    fn a_long_facts_list_reads_in_parts_as_a_whole() {
        let mut text = FILE.to_string();
        for i in 0..200 {
            text.push_str(&format!(
                "  - says: Ghana sent {i} troops to Mali\n    source: report\n"
            ));
        }
        for parts in [2, 3, 8, 500] {
            let read = agreed(&text, parts).expect("read in parts");
            assert_eq!(read.facts.len(), 204);
        }
    }

    #[test]
    fn files_that_only_a_whole_parse_can_read_are_not_cut() {
        for text in [
            format!("{FILE}groups:\n  g: [Ghana]\n"),
            FILE.replace("source: report\n\n", "source: &r report\n\n"),
            format!("---\n{FILE}"),
            FILE.replace("  - relation: troops", "  - relation: [troops"),
            FILE.replace("facts:\n", "facts: # the facts\n  # none yet\n")
                .replace("  - says: Ghana", "- says: Ghana"),
        ] {
            // Cut after all: it must read as the whole file does.
            agreed(&text, 4);
        }
    }

    /// Random edits of a fact file: whenever it is read in parts, it reads
    /// as the whole file does.
    #[test]
    fn random_edits_read_in_parts_as_a_whole() {
        let pieces: Vec<&str> = super::super::tests::EDIT_PIECES
            .into_iter()
            .chain(["|\n", "\n- ", "\n-\n", "facts:\n", "\t"])
            .collect();
        let mut cut = 0;
        let edits = super::super::tests::random_edits(FILE, &pieces, 0x2545_f491_4f6c_dd1d, 4000);
        for (i, text) in edits.iter().enumerate() {
            if agreed(text, 2 + i % 4).is_some() {
                cut += 1;
            }
        }
        assert!(cut > 500, "only {cut} edits read in parts");
    }
}
