//! A large fact file read on every core: its last list, `facts:` or
//! `entities:`, cut into runs of whole items, each run parsed as a document
//! of its own (the key and its lines), in parallel, and the items put back
//! in order at their places.
//!
//! Only a file whose reading cannot depend on the cuts is cut: the list is
//! the file's last section, in block style; the file has no anchors,
//! aliases, directives or document markers; and every part reads without an
//! error. Anything else, and every file with an error, is parsed whole, so
//! errors read exactly as they always do.

use rayon::prelude::*;

use super::reparse::{line_start, shift_entity, shift_fact};
use super::*;

/// Files smaller than this are parsed whole (cutting would not pay).
const MIN_CUT: usize = 1 << 20;

/// The lists a file may be cut in, by their key.
const LISTS: [&str; 2] = ["facts", "entities"];

/// `text` read in parallel runs of items, or `None` where only a whole parse
/// can say (see the module's comment).
pub fn parse_chunked(text: &str) -> Option<RawFactFile> {
    parse_in(text, MIN_CUT, 2 * rayon::current_num_threads().max(1))
}

/// `parse_chunked` with the smallest file it cuts and how many parts it cuts
/// into given (for tests and fuzzing: any text, cut anywhere it allows, must
/// read as a whole parse does).
pub fn parse_in(text: &str, min: usize, parts: usize) -> Option<RawFactFile> {
    if text.len() < min || parts < 2 || !cuttable(text) {
        return None;
    }
    let (list, Cuts { first, cuts, .. }) = LISTS
        .iter()
        .find_map(|&list| cut_points(text, list, parts).map(|c| (list, c)))?;
    let mut out = head(text, list, first)?;
    let read: Vec<Option<RawFactFile>> = cuts
        .par_windows(2)
        .map(|w| read_part(text, list, w[0], w[1]))
        .collect();
    for part in read {
        let part = part?;
        out.facts.extend(part.facts);
        out.entities.extend(part.entities);
    }
    Some(out)
}

/// Whether the file has nothing that could make a part read otherwise than
/// within the whole: anchors, aliases, carriage returns, directives,
/// document markers.
fn cuttable(text: &str) -> bool {
    let marked = |m: &str| {
        text.starts_with(m)
            || memchr::memmem::find(text.as_bytes(), format!("\n{m}").as_bytes()).is_some()
    };
    // memchr: a char-set `contains` reads a large file a character at a time.
    memchr::memchr3(b'&', b'*', b'\r', text.as_bytes()).is_none()
        && !(marked("---") || marked("...") || marked("%"))
}

/// The file up to the first item of its last list, parsed: `None` when it
/// has errors or items of that list already.
fn head(text: &str, list: &str, first: usize) -> Option<RawFactFile> {
    let (out, errors) = parse_yaml(&text[..first]);
    let items_before = match list {
        "facts" => out.facts.len(),
        _ => out.entities.len(),
    };
    (errors.is_empty() && items_before == 0).then_some(out)
}

/// The items of `list` from byte `from` to `to` of `text` (whole items),
/// read as a document of their own and put back at their places; `None`
/// when they do not read as items of that list alone, without errors.
fn read_part(text: &str, list: &str, from: usize, to: usize) -> Option<RawFactFile> {
    let header = format!("{list}:\n");
    let (mut read, errors) = parse_yaml(&format!("{header}{}", &text[from..to]));
    let by = from as i64 - header.len() as i64;
    let other = match list {
        "facts" => read.entities.is_empty(),
        _ => read.facts.is_empty(),
    };
    let only_list = read.sources.is_empty() && read.groups.is_empty() && other;
    if !errors.is_empty() || !only_list {
        return None;
    }
    for f in &mut read.facts {
        shift_fact(f, by);
    }
    for e in &mut read.entities {
        shift_entity(e, by);
    }
    Some(read)
}

/// A large fact file whose last section is `facts:`, split so the list is
/// read later, a run of items at a time, each run dropped once its facts
/// are resolved (`read_facts_run`): the file's raw facts are never all held
/// at once.
#[derive(Debug)]
pub struct DeferredFacts {
    /// Everything before the first fact item (sources, entities, groups).
    pub head: RawFactFile,
    /// The runs' bounds: byte offsets of item starts, then the text's end.
    pub cuts: Vec<usize>,
    /// How many items each run holds (the most facts it can give).
    pub items: Vec<usize>,
}

/// `text` split for a deferred read of its facts list in runs of about
/// `run` bytes, where a chunked read would be allowed (see the module's
/// comment); `None` otherwise (parse it whole).
pub fn defer_facts(text: &str, run: usize) -> Option<DeferredFacts> {
    if text.len() < MIN_CUT || !cuttable(text) {
        return None;
    }
    let parts = (text.len() / run.max(1)).max(2);
    let Cuts { first, cuts, items } = cut_points(text, "facts", parts)?;
    Some(DeferredFacts {
        head: head(text, "facts", first)?,
        cuts,
        items,
    })
}

/// The facts of one run, `from`..`to` of `text` (two neighbouring cuts of
/// `DeferredFacts`), at their places in the file. `None` when the run does
/// not read as fact items alone without errors: then the file is parsed
/// whole, so its errors read exactly as they always do.
pub fn read_facts_run(text: &str, from: usize, to: usize) -> Option<Vec<RawFact>> {
    read_part(text, "facts", from, to).map(|r| r.facts)
}

/// Where the items of the file's last section, `list:`, start (the first
/// item's line), and the cuts: line starts of items about evenly apart,
/// from the first item's line to the end of the file.
fn cut_points(text: &str, list: &str, parts: usize) -> Option<Cuts> {
    // The one `list:` key at the start of a line.
    let key_text = format!("{list}:");
    let mut keys = text
        .match_indices(&key_text)
        .filter(|&(i, _)| i == 0 || text.as_bytes()[i - 1] == b'\n');
    let (key, _) = keys.next()?;
    if keys.next().is_some() {
        return None;
    }
    let after_key = &text[key + key_text.len()..];
    let rest = after_key.find('\n')? + key + key_text.len() + 1;
    if !text[key + key_text.len()..rest].trim().is_empty() {
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
    // Cuts at the first item past each even share of the text, and the
    // items from each cut to the next.
    let share = (text.len() - first) / parts;
    let mut cuts = vec![first];
    let mut items = vec![0];
    for &s in &starts {
        if s >= cuts[cuts.len() - 1] + share.max(1) {
            cuts.push(s);
            items.push(0);
        }
        *items.last_mut().expect("one per cut") += 1;
    }
    debug_assert!(cuts.iter().all(|&c| c == line_start(text, c)));
    cuts.push(text.len());
    Some(Cuts { first, cuts, items })
}

/// Where a list's items start and how it is cut (`cut_points`).
struct Cuts {
    /// The first item's line.
    first: usize,
    /// Line starts of items about evenly apart, then the text's end.
    cuts: Vec<usize>,
    /// How many items each run, from one cut to the next, holds.
    items: Vec<usize>,
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
    fn a_long_entities_list_reads_in_parts_as_a_whole() {
        let mut text = "sources:\n  - id: report\nentities:\n".to_string();
        for i in 0..300 {
            text.push_str(&match i % 3 {
                0 => format!(
                    "  - {{name: Land {i}, kind: country, aka: [L{i}, \"C\\u00f4te {i}\"]}}\n"
                ),
                1 => format!("  - name: 'd''Ivoire {i}'\n    kind: country\n\n  # between\n"),
                _ => {
                    format!("  - name: Ana Côte {i}\n    kind: person\n    aka:\n      - Ana {i}\n")
                }
            });
        }
        for parts in [2, 3, 8, 1000] {
            let read = agreed(&text, parts).expect("read in parts");
            assert_eq!(read.entities.len(), 300);
            assert_eq!(read.sources.len(), 1);
        }
        // A list that is not the file's last section is read whole.
        let text = format!("{text}facts:\n  - says: Land 0 borders Land 3\n    source: report\n");
        let read = agreed(&text, 4).expect("the facts cut");
        assert_eq!(read.entities.len(), 300);
        assert_eq!(read.facts.len(), 1);
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
            .chain(["|\n", "\n- ", "\n-\n", "facts:\n", "entities:\n", "\t"])
            .collect();
        // A file whose last list is its facts, and one whose last is its
        // entities.
        let (before_facts, _) = FILE.split_at(FILE.find("facts:").unwrap());
        let entities_last = format!(
            "facts:\n  - says: Ghana borders Mali\n    source: report\n{}  - name: Ghana\n    kind: country\n    aka: [GH, \"Gh\\u00e2na\"]\n  - {{name: Mali, kind: country}}\n",
            before_facts
        );
        for (base, seed) in [
            (FILE, 0x2545_f491_4f6c_dd1d),
            (&entities_last[..], 0x9e37_79b9_7f4a_7c15),
        ] {
            let mut cut = 0;
            let edits = super::super::tests::random_edits(base, &pieces, seed, 4000);
            for (i, text) in edits.iter().enumerate() {
                if agreed(text, 2 + i % 4).is_some() {
                    cut += 1;
                }
            }
            assert!(cut > 500, "only {cut} edits read in parts");
        }
    }
}
