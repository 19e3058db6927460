//! CI formats: JUnit XML (a test suite per rule file, a test case per
//! assertion, valid against Jenkins xunit's `junit-10.xsd`) and GitHub Actions
//! annotations. Both also carry load errors, so a pipeline's report step
//! shows why a run stopped.

use std::fmt::Write;

use super::{escape_controls, evidence_line, Problem, Run};
use crate::eval::logic::Verdict;
use crate::eval::Checked;
use crate::syntax::ast::Expectation;

/// Text for XML 1.0 content or a quoted attribute. Characters XML 1.0 cannot
/// hold at all (C0 controls but tab, newline and CR; U+FFFE; U+FFFF) become
/// U+FFFD; CR is kept as `&#13;` (a literal one would be read as a newline),
/// and in attributes newline and tab are kept as references too.
fn xml_text(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn xml(s: &str) -> String {
    xml_text(s, false)
}

fn attr(s: &str) -> String {
    xml_text(s, true)
}

/// One line per fact on each side: `for      source…: "quote"`.
fn evidence_lines(run: &Run, r: &Checked) -> Vec<String> {
    let mut out = Vec::new();
    for (label, facts) in [("for", &r.outcome.support), ("against", &r.outcome.refute)] {
        for f in facts {
            out.push(format!(
                "{label:<8} {}",
                evidence_line(run.model, &run.model.facts[*f as usize])
            ));
        }
    }
    out
}

fn evidence_text(run: &Run, r: &Checked) -> String {
    evidence_lines(run, r)
        .into_iter()
        .map(|l| l + "\n")
        .collect()
}

/// JUnit XML. `check:` lines are test cases that never fail, so `tests`
/// counts every assertion statement: passed + failed + checks.
pub fn junit(run: &Run) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"claimcheck\" tests=\"{}\" failures=\"{}\" errors=\"0\">",
        run.results.len(),
        run.failed()
    );
    let file_of = |r: &Checked| run.model.assertions[r.assertion].file;
    for suite in run.results.chunk_by(|a, b| file_of(a) == file_of(b)) {
        let display = &run.files.get(file_of(&suite[0])).display;
        let name = attr(display);
        let failures = suite.iter().filter(|r| r.passed == Some(false)).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\">",
            suite.len()
        );
        for r in suite {
            let a = &run.model.assertions[r.assertion];
            let verdict = r.outcome.verdict();
            let _ = writeln!(
                out,
                "    <testcase name=\"{}: {}\" classname=\"{name}\" time=\"0\">",
                a.line,
                attr(&a.text),
            );
            let body = xml(&format!(
                "{display}:{}:{}\nverdict: {verdict}\n{}",
                a.line,
                a.col,
                evidence_text(run, r)
            ));
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

/// JUnit XML for a workspace that could not be used: a suite per file, a test
/// case with an `<error>` per problem.
pub fn junit_errors(problems: &[Problem]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"claimcheck\" tests=\"{n}\" failures=\"0\" errors=\"{n}\">",
        n = problems.len()
    );
    for suite in problems.chunk_by(|a, b| a.file == b.file) {
        let name = attr(&suite[0].file);
        let _ = writeln!(
            out,
            "  <testsuite name=\"{name}\" tests=\"{n}\" failures=\"0\" errors=\"{n}\">",
            n = suite.len()
        );
        for p in suite {
            let _ = writeln!(
                out,
                "    <testcase name=\"{}:{}: {}\" classname=\"{name}\" time=\"0\">",
                p.line,
                p.col,
                attr(&p.message)
            );
            let _ = writeln!(
                out,
                "      <error type=\"{}\" message=\"{}\">{}</error>",
                attr(&p.kind),
                attr(&p.message),
                xml(&p.rendered)
            );
            let _ = writeln!(out, "    </testcase>");
        }
        let _ = writeln!(out, "  </testsuite>");
    }
    out.push_str("</testsuites>\n");
    out
}

/// Escapes a workflow-command message (after control characters in user
/// text were made visible, so only our own line breaks remain).
fn gh_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow-command property (`file=…`).
fn gh_prop(s: &str) -> String {
    gh_data(&escape_controls(s))
        .replace(':', "%3A")
        .replace(',', "%2C")
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
        let evidence: Vec<String> = evidence_lines(run, r)
            .iter()
            .map(|l| escape_controls(l).into_owned())
            .collect();
        let msg = format!(
            "{summary}: {}\n{}",
            escape_controls(&a.text),
            evidence.join("\n")
        );
        let _ = writeln!(
            out,
            "::{level} file={},line={},col={},title=claimcheck::{}",
            gh_prop(&run.files.get(a.file).display),
            a.line,
            a.col,
            gh_data(msg.trim_end())
        );
    }
    let _ = writeln!(out, "{}", run.summary());
    out
}

/// GitHub annotations for a workspace that could not be used.
pub fn github_errors(problems: &[Problem]) -> String {
    let mut out = String::new();
    for p in problems {
        let _ = writeln!(
            out,
            "::error file={},line={},col={},title=claimcheck {}::{}",
            gh_prop(&p.file),
            p.line,
            p.col,
            gh_prop(&p.kind),
            gh_data(&escape_controls(&p.message))
        );
    }
    let n = problems.len();
    let _ = writeln!(
        out,
        "the workspace could not be loaded ({n} error{})",
        if n == 1 { "" } else { "s" }
    );
    out
}
