//! Reading an edited fact file again from the items the edit touched: the
//! editor server's fast path for a long `facts:` list.
//!
//! The items before the edit are kept as they were, the items after it are
//! kept with their positions moved by how much the text grew, and only the
//! items in between are parsed, as a document of their own (`facts:` and
//! their lines). Whenever that could read differently from parsing the whole
//! file, it gives up and the caller parses the whole file.

use super::*;

/// What a small document of facts starts with; its items follow as written.
pub(super) const HEADER: &str = "facts:\n";

/// `new`, an edit of `old_text`, read by parsing only the fact items the
/// edit touched; `None` where only a whole parse can say (the old or the new
/// text has an error, the edit is outside the `facts:` items, anchors are
/// involved, …).
pub fn reparse_facts(old_text: &str, old: &RawFactFile, new: &str) -> Option<RawFactFile> {
    let starts: Vec<usize> = old.facts.iter().map(|f| f.span.start as usize).collect();
    if starts.is_empty() || !starts.windows(2).all(|w| w[0] < w[1]) {
        return None;
    }
    // The edit: a common prefix and a common suffix around what changed.
    let (o, n) = (old_text.as_bytes(), new.as_bytes());
    let mut prefix = o.iter().zip(n).take_while(|(a, b)| a == b).count();
    let most = o.len().min(n.len()) - prefix;
    let mut suffix = o
        .iter()
        .rev()
        .zip(n.iter().rev())
        .take(most)
        .take_while(|(a, b)| a == b)
        .count();
    while !old_text.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
        prefix -= 1;
    }
    while !old_text.is_char_boundary(o.len() - suffix) || !new.is_char_boundary(n.len() - suffix) {
        suffix -= 1;
    }
    let (old_end, new_end) = (o.len() - suffix, n.len() - suffix);
    let delta = new_end as i64 - old_end as i64;
    // The first item read again: the last one that starts on a line before
    // the edit's line (a change to an item's indentation is in its own line).
    let edit_line = line_start(old_text, prefix);
    let first = starts
        .iter()
        .rposition(|&a| line_start(old_text, a) < edit_line)?;
    let from = line_start(old_text, starts[first]);
    // The first item kept after the edit: one whose whole line is after it.
    let last = starts
        .iter()
        .position(|&a| line_start(old_text, a) >= old_end && a > starts[first]);
    let to = match last {
        Some(j) => (line_start(old_text, starts[j]) as i64 + delta) as usize,
        None => n.len(),
    };
    // Item dashes stand at the start of their line, after spaces only.
    let dash_alone = |text: &str, a: usize| text[line_start(text, a)..a].bytes().all(|b| b == b' ');
    if !dash_alone(old_text, starts[first])
        || last.is_some_and(|j| !dash_alone(old_text, starts[j]))
    {
        return None;
    }
    // The kept items still start a line of their own.
    if to > from && n[to - 1] != b'\n' {
        return None;
    }
    let old_to = last.map_or(o.len(), |j| line_start(old_text, starts[j]));
    let (replaced, fragment) = (&old_text[from..old_to], &new[from..to]);
    // An anchor the kept items may read through an alias, or a document
    // marker: only a whole parse knows what they mean. (An alias of an
    // anchor before the fragment fails to parse in it, and so falls back.)
    let anchors = replaced.contains('&') || fragment.contains('&');
    if (anchors && old_text[old_to..].contains('*'))
        || [replaced, fragment]
            .iter()
            .any(|t| t.contains("\n---") || t.contains("\n..."))
    {
        return None;
    }
    let doc = format!("{HEADER}{fragment}");
    let (mut read, errors) = parse_yaml(&doc);
    if !errors.is_empty()
        || !read.sources.is_empty()
        || !read.entities.is_empty()
        || !read.groups.is_empty()
    {
        return None;
    }
    let at_fragment = from as i64 - HEADER.len() as i64;
    for f in &mut read.facts {
        shift_fact(f, at_fragment);
    }
    let mut out = RawFactFile {
        sources: old.sources.clone(),
        entities: old.entities.clone(),
        groups: old.groups.clone(),
        facts: Vec::with_capacity(old.facts.len() + read.facts.len()),
    };
    out.facts.extend_from_slice(&old.facts[..first]);
    out.facts.append(&mut read.facts);
    if let Some(j) = last {
        out.facts
            .extend(old.facts[j..].iter().cloned().map(|mut f| {
                shift_fact(&mut f, delta);
                f
            }));
    }
    // What comes after the facts moved too.
    let after = |s: &Span| s.start as usize >= old_end;
    let moved = |l: &mut Located| {
        if after(&l.span) {
            l.span = shifted(l.span, delta);
        }
    };
    for s in &mut out.sources {
        for l in [&mut s.id, &mut s.text, &mut s.via].into_iter().flatten() {
            moved(l);
        }
        if after(&s.span) {
            s.span = shifted(s.span, delta);
        }
    }
    for e in &mut out.entities {
        for l in [&mut e.name, &mut e.kind].into_iter().chain(&mut e.aka) {
            moved(l);
        }
        if after(&e.span) {
            e.span = shifted(e.span, delta);
        }
    }
    for g in &mut out.groups {
        for l in std::iter::once(&mut g.name).chain(&mut g.members) {
            moved(l);
        }
    }
    Some(out)
}

pub(super) fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

fn shifted(span: Span, by: i64) -> Span {
    Span::new(
        (span.start as i64 + by) as usize,
        (span.end as i64 + by) as usize,
    )
}

pub(super) fn shift_entity(e: &mut RawEntity, by: i64) {
    for l in std::iter::once(&mut e.name)
        .chain(std::iter::once(&mut e.kind))
        .chain(&mut e.aka)
    {
        l.span = shifted(l.span, by);
    }
    e.span = shifted(e.span, by);
}

pub(super) fn shift_fact(f: &mut RawFact, by: i64) {
    let l = |l: &mut Located| l.span = shifted(l.span, by);
    match &mut f.body {
        RawFactBody::Says(s) => l(s),
        RawFactBody::Structured { relation, args, .. } => {
            l(relation);
            for (k, v) in args {
                l(k);
                l(v);
            }
        }
        RawFactBody::Only { sentences, among } => {
            l(sentences);
            l(among);
        }
    }
    l(&mut f.source);
    for x in [&mut f.quote, &mut f.as_of].into_iter().flatten() {
        l(x);
    }
    f.span = shifted(f.span, by);
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "\
sources:
  - id: report
    title: A report
entities:
  - {name: Côte d'Ivoire, kind: country}
  - name: Ghana
    kind: country
facts:
  - says: Ghana borders Côte d'Ivoire
    source: report
    quote: 'they share a border'
  - relation: troops
    args: {from: Ghana, to: \"C\\u00f4te d'Ivoire\", n: 200}
    source: report
    as_of: 2024
  - says: not Ghana borders Mali
    source: report

  # a comment between items
  - only: Ghana borders Togo; Ghana borders Mali
    among: neighbours
    source: report
";

    /// What `reparse_facts` reads, if anything, after checking that it is
    /// exactly what parsing the whole new text reads.
    fn agreed(old: &str, new: &str) -> Option<RawFactFile> {
        let (before, errors) = parse_yaml(old);
        assert!(errors.is_empty(), "{errors:?}");
        let read = reparse_facts(old, &before, new)?;
        super::super::tests::assert_reads_as_whole(new, &read);
        Some(read)
    }

    #[test]
    fn an_item_added_at_the_end_is_read_alone() {
        let new = format!("{BASE}  - says: Ghana borders Togo\n    source: report\n");
        let read = agreed(BASE, &new).expect("read from the items");
        assert_eq!(read.facts.len(), 5);
    }

    #[test]
    fn an_edit_inside_an_item_moves_the_items_after_it() {
        for (from, to) in [
            ("n: 200", "n: 14000"),
            ("as_of: 2024", "as_of: June 2024"),
            ("not Ghana borders Mali", "Ghana borders Mali"),
            ("they share a border", "shared"),
            ("  # a comment between items\n", ""),
        ] {
            let new = BASE.replacen(from, to, 1);
            assert!(agreed(BASE, &new).is_some(), "{from} -> {to}");
        }
    }

    #[test]
    fn edits_only_a_whole_parse_can_read_fall_back() {
        for (from, to) in [
            // The first item, the entities, the sources.
            ("Ghana borders Côte", "Togo borders Côte"),
            ("kind: country}", "kind: region}"),
            ("title: A report", "title: Another"),
            // Two items joined into one line.
            ("as_of: 2024\n", "as_of: 2024"),
            // An error in the edit.
            ("source: report\n\n", "source: [report\n\n"),
            // A section after the facts.
            (
                "among: neighbours\n    source: report\n",
                "among: neighbours\n    source: report\ngroups: []\n",
            ),
        ] {
            let new = BASE.replacen(from, to, 1);
            assert_ne!(new, BASE);
            let (before, _) = parse_yaml(BASE);
            assert!(
                reparse_facts(BASE, &before, &new).is_none(),
                "{from} -> {to}"
            );
        }
    }

    #[test]
    fn anchors_read_later_fall_back() {
        let old = "facts:\n  - says: a b\n    source: s\n  - says: &x c d\n    source: s\n  - says: *x\n    source: s\n";
        let new = old.replace("&x c d", "&x e f");
        let (before, _) = parse_yaml(old);
        assert!(reparse_facts(old, &before, &new).is_none());
    }

    /// Random edits of a fact file: whenever the items are read alone, they
    /// read as the whole file does.
    #[test]
    fn random_edits_read_as_the_whole_file() {
        let pieces: Vec<&str> = super::super::tests::EDIT_PIECES
            .into_iter()
            .chain(["&a ", "*a", "as_of: 2025\n", "---\n", "facts:\n"])
            .collect();
        let mut read_alone = 0;
        let after = format!("{BASE}groups:\n  neighbours: [Ghana, &m Mali]\n  west: [*m]\n");
        for (i, base) in [BASE, &after].into_iter().enumerate() {
            let (_, errors) = parse_yaml(base);
            assert!(errors.is_empty(), "{errors:?}");
            let seed = 0x9e37_79b9_7f4a_7c15 + i as u64;
            let (before, _) = parse_yaml(base);
            for new in super::super::tests::random_edits(base, &pieces, seed, 3000) {
                if let Some(read) = reparse_facts(base, &before, &new) {
                    super::super::tests::assert_reads_as_whole(&new, &read);
                    read_alone += 1;
                }
            }
        }
        assert!(read_alone > 500, "only {read_alone} edits read alone");
        eprintln!("{read_alone} of 6000 edits read alone");
    }
}
