//! The human report: per rule file, each assertion's status, line, verdict and
//! claim, the sources on each side, and a closing `N passed, N failed` line.

use std::fmt::Write;

use super::{
    escape_controls, evidence_line, independent_sources, source_labels, write_evidence_line, Run,
};
use crate::syntax::ast::Expectation;

/// ANSI styling, or none.
#[derive(Clone, Copy)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        let mut out = String::new();
        self.paint_into(&mut out, code, s);
        out
    }

    /// `paint`, appended to `out`.
    fn paint_into(&self, out: &mut String, code: &str, s: &str) {
        if self.color {
            let _ = write!(out, "\x1b[{code}m{s}\x1b[0m");
        } else {
            out.push_str(s);
        }
    }
}

/// How much the human report shows.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Only unmet expectations, then the summary line.
    pub quiet: bool,
    /// Evidence lines per assertion; the rest are counted (`and N more`).
    pub max_evidence: usize,
}

/// Evidence lines shown per assertion unless `--max-evidence` says otherwise.
pub const DEFAULT_MAX_EVIDENCE: usize = 10;

impl Default for Options {
    fn default() -> Options {
        Options {
            quiet: false,
            max_evidence: DEFAULT_MAX_EVIDENCE,
        }
    }
}

pub fn render(run: &Run, style: Style, options: &Options) -> String {
    let mut out = Vec::new();
    write(run, style, options, None, &mut out).expect("writing to memory");
    String::from_utf8(out).expect("the report is text")
}

/// Writes the human report to `out` as it is made (a large report is never
/// held whole); `note`, if any, goes on a line before the summary line.
pub fn write(
    run: &Run,
    style: Style,
    options: &Options,
    note: Option<&str>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut current = None;
    let shown: Vec<&crate::eval::Checked> = run
        .results
        .iter()
        .filter(|r| !options.quiet || r.passed == Some(false))
        .collect();
    let width = shown
        .iter()
        .map(|r| run.model.assertions[r.assertion].line.to_string().len())
        .max()
        .unwrap_or(1);
    // Each assertion's lines are written on their own, in parallel, a wave
    // at a time; each wave is then written out in order, while the next
    // wave's lines are made.
    use rayon::prelude::*;
    let labels = source_labels(run.model);
    let make = |wave: &[&crate::eval::Checked]| -> Vec<String> {
        wave.par_iter()
            .map(|r| assertion_block(run, &labels, r, style, options, width))
            .collect()
    };
    let waves: Vec<&[&crate::eval::Checked]> = shown.chunks(4096).collect();
    let mut ready = waves.first().map(|w| make(w));
    for (i, wave) in waves.iter().enumerate() {
        let blocks = ready.take().unwrap_or_default();
        let mut next = None;
        let mut written = Ok(());
        rayon::in_place_scope(|s| {
            if let Some(w) = waves.get(i + 1) {
                let next = &mut next;
                let make = &make;
                s.spawn(move |_| *next = Some(make(w)));
            }
            // Each block goes straight to `out` (buffered by the caller):
            // a wave is never copied into one string.
            written = wave.iter().zip(blocks).try_for_each(|(r, block)| {
                let a = &run.model.assertions[r.assertion];
                if current != Some(a.file) {
                    let gap = if current.is_some() { "\n" } else { "" };
                    current = Some(a.file);
                    let name = style.paint("1", &escape_controls(&run.files.get(a.file).display));
                    writeln!(out, "{gap}{name}")?;
                }
                out.write_all(block.as_bytes())
            });
        });
        written?;
        ready = next;
    }
    let mut tail = String::new();
    if !shown.is_empty() {
        tail.push('\n');
    }
    if let Some(note) = note {
        let _ = writeln!(tail, "{note}");
    }
    let _ = writeln!(tail, "{}", run.summary());
    out.write_all(tail.as_bytes())
}

/// One assertion's lines in the human report: status, line, verdict and
/// claim, then the sources on each side.
fn assertion_block(
    run: &Run,
    labels: &[String],
    r: &crate::eval::Checked,
    style: Style,
    options: &Options,
    width: usize,
) -> String {
    let mut out = String::new();
    let a = &run.model.assertions[r.assertion];
    let verdict = r.outcome.verdict();
    let (status, code) = match r.passed {
        Some(true) => ("ok", "32"),
        Some(false) => ("FAIL", "1;31"),
        None => ("check", "36"),
    };
    let status = style.paint(code, &format!("{status:<5}"));
    let mut line = format!(
        "  {status} {:>width$}  {:<9}  {}",
        a.line,
        verdict.name(),
        escape_controls(&a.text)
    );
    if let (Some(false), Expectation::Verdict(v)) = (r.passed, &a.expectation) {
        line.push_str(&style.paint("31", &format!("    expected {v}")));
    }
    let _ = writeln!(out, "{}", line.trim_end());
    let indent = " ".repeat(2 + 5 + 1 + width + 2);
    let (pro, con) = (&r.outcome.support, &r.outcome.refute);
    if !pro.is_empty() || !con.is_empty() {
        let text = format!(
            "{:<8} {} for, {} against",
            "sources",
            independent_sources(run.model, pro),
            independent_sources(run.model, con)
        );
        let _ = writeln!(out, "{indent}{}", style.paint("2", &text));
    }
    let mut budget = options.max_evidence;
    // Each line is made in one buffer, reused (a large report writes
    // millions of them).
    let mut line = String::new();
    for (label, facts) in [("for", &r.outcome.support), ("against", &r.outcome.refute)] {
        for f in facts.iter().take(budget) {
            let fact = &run.model.facts[*f as usize];
            line.clear();
            let _ = write!(line, "{label:<8} ");
            write_evidence_line(run.model, labels, fact, &mut line);
            out.push_str(&indent);
            style.paint_into(&mut out, "2", &escape_controls(&line));
            out.push('\n');
        }
        budget -= facts.len().min(budget);
    }
    let hidden = (pro.len() + con.len()).saturating_sub(options.max_evidence);
    if hidden > 0 {
        let text = format!(
            "{:<8} and {hidden} more (--max-evidence {} shows more; --format json lists all)",
            "", options.max_evidence
        );
        let _ = writeln!(out, "{indent}{}", style.paint("2", &text));
    }
    out
}

/// `eval`'s output: one claim's verdict and the evidence on each side.
pub fn render_outcome(
    model: &crate::model::Model,
    claim: &str,
    outcome: &crate::eval::Outcome,
    style: Style,
) -> String {
    let mut out = String::new();
    let verdict = outcome.verdict();
    let code = match verdict {
        crate::Verdict::Supported => "32",
        crate::Verdict::Refuted => "31",
        crate::Verdict::Contested => "33",
        crate::Verdict::Unknown => "2",
    };
    let _ = writeln!(
        out,
        "{}  {}",
        style.paint(code, &format!("{:<9}", verdict.name())),
        escape_controls(&crate::syntax::lexer::fold_spaces(claim))
    );
    for (label, facts) in [("for", &outcome.support), ("against", &outcome.refute)] {
        for f in facts {
            let fact = &model.facts[*f as usize];
            let _ = writeln!(
                out,
                "           {label:<8} {}",
                escape_controls(&evidence_line(model, fact))
            );
        }
    }
    out
}

/// `conflicts`: each asserted sentence with the facts on both sides.
pub fn render_conflicts(
    files: &crate::load::Files,
    model: &crate::model::Model,
    found: &crate::eval::conflicts::Found,
    style: Style,
) -> String {
    use crate::eval::conflicts::ConflictKind;
    let conflicts = &found.conflicts;
    let mut out = String::new();
    let place = |f: u32| {
        let fact = &model.facts[f as usize];
        format!("{}:{}", files.get(fact.loc.file).display, fact.line)
    };
    for (sentence, group) in crate::eval::conflicts::grouped(conflicts) {
        let _ = writeln!(out, "{}", style.paint("1", &escape_controls(sentence)));
        for c in group {
            let label = match c.kind {
                ConflictKind::Denial => "denies",
                ConflictKind::Values => "differs",
                ConflictKind::ClosedWorld => "excludes",
            };
            for (l, f) in [("says", c.asserted), (label, c.against)] {
                let fact = &model.facts[f as usize];
                let _ = writeln!(
                    out,
                    "  {l:<8} {}  {}",
                    escape_controls(&evidence_line(model, fact)),
                    style.paint("2", &escape_controls(&format!("({})", place(f))))
                );
            }
        }
        out.push('\n');
    }
    let n = conflicts.len();
    if found.truncated {
        let _ = writeln!(
            out,
            "{n} conflicts shown; more may exist (the listing stops at {} pairs, and at {} pairs of facts examined per key: raise it with --max-conflicts-per-key)",
            crate::eval::conflicts::MAX_CONFLICTS,
            model.limits.conflicts_per_key
        );
    } else {
        let _ = writeln!(out, "{n} conflict{}", if n == 1 { "" } else { "s" });
    }
    out
}
