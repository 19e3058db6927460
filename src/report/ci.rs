//! CI formats: JUnit XML (a test suite per rule file, a test case per
//! assertion) and GitHub Actions annotations.

use std::fmt::Write;

use super::{evidence_line, Run};
use crate::eval::Checked;
use crate::logic::Verdict;
use crate::syntax::ast::Expectation;

fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot hold at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn evidence_text(run: &Run, r: &Checked) -> String {
    let mut s = String::new();
    for (label, facts) in [("for", &r.outcome.support), ("against", &r.outcome.refute)] {
        for f in facts {
            let _ = writeln!(
                s,
                "{label:<8} {}",
                evidence_line(run.model, &run.model.facts[*f as usize])
            );
        }
    }
    s
}

pub fn junit(run: &Run) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"claimcheck\" tests=\"{}\" failures=\"{}\">",
        run.results.len(),
        run.failed()
    );
    let file_of = |r: &Checked| run.model.assertions[r.assertion].file;
    for suite in run.results.chunk_by(|a, b| file_of(a) == file_of(b)) {
        let name = xml(&run.files.get(file_of(&suite[0])).display);
        let failures = suite.iter().filter(|r| r.passed == Some(false)).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{failures}\">",
            suite.len()
        );
        for r in suite {
            let a = &run.model.assertions[r.assertion];
            let verdict = r.outcome.verdict();
            let _ = writeln!(
                out,
                "    <testcase name=\"{}: {}\" classname=\"{name}\" file=\"{name}\" line=\"{}\">",
                a.line,
                xml(&a.text),
                a.line
            );
            let body = xml(&format!("verdict: {verdict}\n{}", evidence_text(run, r)));
            match (r.passed, &a.expectation) {
                (Some(false), Expectation::Verdict(want)) => {
                    let _ = writeln!(
                        out,
                        "      <failure type=\"verdict\" message=\"expected {want}, got {verdict}\">{body}</failure>"
                    );
                }
                _ => {
                    let _ = writeln!(out, "      <system-out>{body}</system-out>");
                }
            }
            let _ = writeln!(out, "    </testcase>");
        }
        let _ = writeln!(out, "  </testsuite>");
    }
    out.push_str("</testsuites>\n");
    out
}

/// Escapes a workflow-command message.
fn gh_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow-command property (`file=…`).
fn gh_prop(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn github(run: &Run) -> String {
    let mut out = String::new();
    for r in run.results {
        let a = &run.model.assertions[r.assertion];
        let verdict = r.outcome.verdict();
        let (level, summary) = match (r.passed, &a.expectation) {
            (Some(false), Expectation::Verdict(want)) => {
                ("error", format!("expected {want}, got {verdict}"))
            }
            (None, _) if verdict == Verdict::Contested => ("warning", "contested".to_string()),
            _ => continue,
        };
        let msg = format!("{summary}: {}\n{}", a.text, evidence_text(run, r));
        let _ = writeln!(
            out,
            "::{level} file={},line={},col={},title=claimcheck::{}",
            gh_prop(&run.files.get(a.file).display),
            a.line,
            a.col,
            gh_data(msg.trim_end())
        );
    }
    let _ = writeln!(out, "{} passed, {} failed", run.passed(), run.failed());
    out
}
