//! A diagnostic as text: `error: …`, `--> path:line:col`, the source line
//! (a window around the span when it is long) and carets, through
//! `annotate-snippets`. Long names and messages are clipped.

use super::{line_of, Diagnostic, Span};

/// Longest name echoed in a message; longer ones are shortened in the middle,
/// so that one error stays a few lines whatever the input.
const MAX_SHOWN_NAME: usize = 80;

/// Longest message shown (after names are shortened): a message listing
/// many names (a long definition cycle) is cut there.
const MAX_SHOWN_MESSAGE: usize = 1000;

/// Shortens every backquoted or double-quoted run longer than
/// [`MAX_SHOWN_NAME`] characters to its two ends around `…`, and the whole
/// message to [`MAX_SHOWN_MESSAGE`] characters.
fn clip_names(message: &str) -> String {
    let out = clip_quoted(message);
    if out.chars().count() > MAX_SHOWN_MESSAGE {
        let mut cut: String = out.chars().take(MAX_SHOWN_MESSAGE).collect();
        cut.push_str(" …");
        cut
    } else {
        out
    }
}

fn clip_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(4096));
    let mut rest = message;
    while let Some(i) = rest.find(['`', '"']) {
        let q = rest.as_bytes()[i] as char;
        out.push_str(&rest[..=i]);
        rest = &rest[i + 1..];
        let Some(j) = rest.find(q) else { break };
        let inner = &rest[..j];
        if inner.chars().count() > MAX_SHOWN_NAME {
            let head: String = inner.chars().take(MAX_SHOWN_NAME / 2).collect();
            let tail: Vec<char> = inner.chars().rev().take(MAX_SHOWN_NAME / 2).collect();
            out.push_str(&head);
            out.push('…');
            out.extend(tail.into_iter().rev());
        } else {
            out.push_str(inner);
        }
        out.push(q);
        rest = &rest[j + 1..];
    }
    out.push_str(rest);
    out
}

/// One line of a file around a span, with the span relative to it. Tabs are
/// four spaces (the renderer's own tab handling misplaces carets after a
/// leading tab).
struct Excerpt {
    line: usize,
    text: String,
    span: std::ops::Range<usize>,
    /// The span lies in the shown text's leading whitespace.
    in_lead: bool,
}

/// Longest part of a source line shown; a longer line shows a window around
/// the span (the renderer marks cut ends with `...`).
const MAX_SHOWN_LINE: usize = 240;

/// Width the renderer fits a shown line into (it cuts the ends with `...`).
const SHOWN_WIDTH: usize = 140;

fn excerpt(text: &str, span: Span, line: usize, line_start: usize) -> Excerpt {
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(span.start as usize);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line_end = if text[..line_end].ends_with('\r') && line_end > start {
        line_end - 1
    } else {
        line_end
    };
    let end = floor((span.end as usize).clamp(start, line_end));
    // A very long line: keep a window of whole characters around the span.
    let from = floor(start.saturating_sub(MAX_SHOWN_LINE / 2).max(line_start));
    let to = floor(
        (start + MAX_SHOWN_LINE / 2)
            .min(line_end)
            .max(end.min(start + MAX_SHOWN_LINE / 2)),
    );
    let end = end.min(to);
    let shown = &text[from..to];
    let in_lead = end <= from + (shown.len() - shown.trim_start().len());
    // As shown: a tab as four spaces, other whitespace as a space, other
    // control characters as U+FFFD, so the renderer sees one column per
    // character and nothing it would measure differently (a run of vertical
    // tabs made annotate-snippets 0.11 underflow, found by fuzzing).
    let expand = |s: &str| {
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            match c {
                '\t' => out.push_str("    "),
                c if c.is_whitespace() => out.push(' '),
                c if c.is_control() => out.push('\u{FFFD}'),
                c => out.push(c),
            }
        }
        out
    };
    let before = expand(&text[from..start]).len();
    let inside = expand(&text[start..end]).len();
    Excerpt {
        line,
        text: expand(&text[from..to]),
        span: before..before + inside,
        in_lead,
    }
}

/// Render one diagnostic as `error: …` (or `warning: …`), `--> path:line:col`,
/// the line and carets (through `annotate-snippets`, as rustc does: tabs, wide and
/// zero-width characters keep the carets under their text).
pub fn render(d: &Diagnostic, path: &str, text: &str) -> String {
    render_with(d, path, text, None, &[])
}

/// A second place a diagnostic points at (the first declaration of a
/// duplicate): its file's path and text, span and label.
pub struct Related<'a> {
    pub path: &'a str,
    pub text: &'a str,
    /// The file's [`line_starts`], if known (else the text is scanned).
    pub starts: Option<&'a [usize]>,
    pub span: Span,
    pub label: &'a str,
}

/// [`render`], with further places shown under the first, each as a note.
/// `starts` are the file's [`line_starts`] when the caller keeps them (many
/// errors in one large file), else the text is scanned for the line.
pub fn render_with(
    d: &Diagnostic,
    path: &str,
    text: &str,
    starts: Option<&[usize]>,
    related: &[Related<'_>],
) -> String {
    let title = clip_names(&d.kind.to_string());
    let level = if d.kind.is_warning() {
        annotate_snippets::Level::Warning
    } else {
        annotate_snippets::Level::Error
    };
    let mut out = block(level, &title, path, text, starts, d.loc.span);
    for r in related {
        out.push_str(&block(
            annotate_snippets::Level::Note,
            r.label,
            r.path,
            r.text,
            r.starts,
            r.span,
        ));
    }
    out
}

/// One titled snippet: `LEVEL: title`, `--> path:line:col`, the line and carets.
fn block(
    level: annotate_snippets::Level,
    title: &str,
    path: &str,
    text: &str,
    starts: Option<&[usize]>,
    span: Span,
) -> String {
    use annotate_snippets::{Renderer, Snippet};
    let mut start = (span.start as usize).min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let (line, line_start) = match starts {
        Some(starts) => {
            let line = line_of(starts, start).max(1);
            (line, starts[line - 1])
        }
        None => {
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            (text[..line_start].matches('\n').count() + 1, line_start)
        }
    };
    let col = text[line_start..start].chars().count() + 1;
    let pad = " ".repeat(line.to_string().len());
    let header = format!("{pad}--> {path}:{line}:{col}\n");
    if text.is_empty() {
        return format!("{}: {title}\n{header}", level_name(level));
    }
    let ex = excerpt(text, span, line, line_start);
    if ex.in_lead && ex.text.chars().count() > SHOWN_WIDTH / 2 {
        // annotate-snippets 0.11 underflows (a panic in debug builds) on a
        // wide line whose span lies in its leading whitespace: such a line
        // is drawn here, the same way, cut at the width.
        let num = ex.line.to_string();
        let pad = " ".repeat(num.len());
        let mut shown: String = ex.text.chars().take(SHOWN_WIDTH).collect();
        if shown.len() < ex.text.len() {
            shown.push_str("...");
        }
        let carets = "^".repeat(ex.span.len().max(1));
        let at = " ".repeat(ex.span.start);
        return format!(
            "{}: {title}\n{header}{pad} |\n{num} | {}\n{pad} | {at}{carets}\n{pad} |\n",
            level_name(level),
            shown.trim_end()
        );
    }
    let message = level.title(title).snippet(
        Snippet::source(&ex.text)
            .line_start(ex.line)
            .annotation(level.span(ex.span.clone())),
    );
    let rendered = Renderer::plain()
        .term_width(SHOWN_WIDTH)
        .render(message)
        .to_string();
    // The header goes under the title (the snippet has no origin, since its
    // column would count from the start of a long line's window).
    let (first, rest) = rendered.split_once('\n').unwrap_or((&rendered, ""));
    format!("{first}\n{header}{rest}\n")
}

fn level_name(level: annotate_snippets::Level) -> &'static str {
    match level {
        annotate_snippets::Level::Error => "error",
        annotate_snippets::Level::Warning => "warning",
        _ => "note",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{line_starts, ErrorKind, FileId};

    #[test]
    fn render_points_at_the_column() {
        let text = "assert: x\nassert: Nroth Korea sent troops\n";
        let d = Diagnostic::new(
            FileId(0),
            Span::new(18, 29),
            ErrorKind::UnknownEntity {
                name: "Nroth Korea".into(),
                suggestions: vec!["North Korea".into()],
                group: false,
            },
        );
        let r = render(&d, "a.claims", text);
        assert!(r.contains("--> a.claims:2:9"), "{r}");
        assert!(r.contains("2 | assert: Nroth Korea sent troops\n"), "{r}");
        assert!(r.contains("  |         ^^^^^^^^^^^\n"), "{r}");
        assert!(r.contains("did you mean `North Korea`?"), "{r}");
    }

    fn unknown(text: &str, name: &str) -> String {
        let at = text.find(name).unwrap();
        let d = Diagnostic::new(
            FileId(0),
            Span::new(at, at + name.len()),
            ErrorKind::UnknownEntity {
                name: name.into(),
                suggestions: vec![],
                group: false,
            },
        );
        render(&d, "a.claims", text)
    }

    #[test]
    fn vertical_tabs_in_a_long_line_are_drawn() {
        // Found by fuzzing (template target): a window of a long line that
        // starts inside a run of vertical tabs.
        let text = format!(
            "mno ta{}lks x {}\n",
            "\u{b}".repeat(125),
            "\u{b0}".repeat(20)
        );
        let at = text.find("lks").unwrap();
        let d = Diagnostic::new(
            FileId(0),
            Span::new(at, at + 3),
            ErrorKind::Json {
                message: "x".into(),
            },
        );
        let r = render(&d, "r.claims", &text);
        assert!(r.contains("--> r.claims:1:132"), "{r}");
        assert!(!r.contains('\u{b}'), "{r}");
    }

    #[test]
    fn a_span_in_the_leading_tabs_of_a_wide_line_is_drawn() {
        // Found by fuzzing: annotate-snippets underflowed on this shape.
        let text = format!("a:\n{}x{}\n", "\t".repeat(60), "\t".repeat(60));
        let d = Diagnostic::new(
            FileId(0),
            Span::new(3, 4),
            ErrorKind::Json {
                message: "a tab".into(),
            },
        );
        let r = render(&d, "f.yaml", &text);
        assert!(r.contains("--> f.yaml:2:1"), "{r}");
        assert!(r.contains("\n  | ^^^^\n"), "{r}");
        assert!(r.lines().all(|l| l.len() < 160), "{r}");
    }

    #[test]
    fn carets_stay_under_wide_characters_and_tabs() {
        // 中国 and 🎉 take two columns each; a tab shows as four spaces.
        let r = unknown("assert:\t中国🎉 sent troops to Irn\n", "Irn");
        assert!(r.contains("--> a.claims:1:28"), "{r}");
        assert!(
            r.contains("1 | assert:    中国🎉 sent troops to Irn\n"),
            "{r}"
        );
        assert!(r.contains(&format!("  | {}^^^\n", " ".repeat(33))), "{r}");
        let r = unknown("assert: 中国🎉 x\n", "中国🎉");
        assert!(r.contains("  |         ^^^^^^\n"), "{r}");
    }

    #[test]
    fn a_long_line_shows_a_window_and_long_names_are_shortened() {
        let name = "y".repeat(30_000);
        let text = format!("assert: {name} sent troops to Irn\n");
        let r = unknown(&text, "Irn");
        assert!(r.contains("--> a.claims:1:30025"), "{r}");
        assert!(r.len() < 1000, "{} bytes", r.len());
        let r = unknown(&text, &name);
        assert!(r.len() < 1000, "{} bytes", r.len());
        assert!(r.contains("yyy…yyy"), "{r}");
    }

    proptest::proptest! {
        // Any text, any span: rendering never panics and stays small.
        #[test]
        fn rendering_any_span_is_safe_and_bounded(
            text in "(\\PC|[\t\r\n]|中|🎉){0,2000}",
            a in 0usize..8000,
            b in 0usize..8000,
        ) {
            let d = Diagnostic::new(
                FileId(0),
                Span::new(a.min(b), a.max(b)),
                ErrorKind::UnknownEntity { name: text.clone(), suggestions: vec![], group: false },
            );
            let r = render(&d, "a.claims", &text);
            proptest::prop_assert!(r.len() < 8_000, "{} bytes", r.len());
            let starts = line_starts(&text);
            let r2 = render_with(&d, "a.claims", &text, Some(&starts), &[]);
            proptest::prop_assert_eq!(r, r2);
        }
    }
}
