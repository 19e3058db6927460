//! Diagnostics as a newcomer meets them: warnings that do not stop the run,
//! and error output that stays small whatever the input.

use crate::{workspace, Test};

const FACTS: &str = "sources:\n  - {id: s, title: Example}\n";

// Regression: template words `more than` before a number slot silently made
// `sent more than 100 troops` state exactly 100.
#[test]
fn value_phrase_words_in_a_template_get_a_warning() {
    let ws = workspace(&[
        (
            "rules.claims",
            "relation troops: {from:country} sent more than {n:number} troops to {to:country}\n\
             relation met: {a:country} met {b:country} before {d:date}\n\
             relation visit: {a:country} visited {b:country} in {d:date}\n\
             entity Iran (country)\nentity Russia (country)\n\
             check: Iran sent more than 5 troops to Russia\n",
        ),
        ("facts.yaml", FACTS),
    ]);
    let out = Test::new(ws.path()).args(&["check", "."]).expect_code(0);
    assert!(out.stdout.contains("0 passed, 0 failed"), "{}", out.stdout);
    // Two warnings: `in` before a date means the same with or without it.
    assert_eq!(out.stderr.matches("warning:").count(), 2, "{}", out.stderr);
    insta::assert_snapshot!("value_phrase_warning", out.stderr);
}

// Error output is bounded: a 20,000-character misspelt name on a
// 100,000-character line gives a short error, not the whole line.
#[test]
fn a_huge_misspelt_name_gives_a_short_error() {
    let name = "Rusia".repeat(4_000);
    let rules = format!(
        "relation troops: {{from:country}} sent troops to {{to:country}}\nentity Russia (country)\n\
         assert: {name} sent troops to Russia and {} sent troops to {name}\n",
        "x".repeat(60_000)
    );
    let ws = workspace(&[("rules.claims", &rules), ("facts.yaml", FACTS)]);
    let out = Test::new(ws.path()).args(&["check", "."]).expect_code(2);
    assert!(out.stderr.len() < 4_000, "{} bytes", out.stderr.len());
    assert!(out.stderr.contains("rules.claims:3:9"), "{}", out.stderr);
}

// Error output as a whole stays under a megabyte: 3,000 unknown entities,
// each on a long line, are shown up to a limit and then counted.
#[test]
fn many_errors_are_counted_past_a_limit() {
    let mut rules = String::from(
        "relation troops: {from:country} sent troops to {to:country}\nentity Russia (country)\n",
    );
    for i in 0..3_000 {
        rules.push_str(&format!(
            "assert: Nowhere{i}{} sent troops to Russia\n",
            "x".repeat(200)
        ));
    }
    let ws = workspace(&[("rules.claims", &rules), ("facts.yaml", FACTS)]);
    let out = Test::new(ws.path()).args(&["check", "."]).expect_code(2);
    assert!(out.stderr.len() < 1_000_000, "{} bytes", out.stderr.len());
    assert!(
        out.stderr.contains("more errors not shown"),
        "{}",
        &out.stderr[out.stderr.len() - 300..]
    );
    assert!(
        out.stderr.ends_with("could not be loaded (3000 errors)\n"),
        "{}",
        &out.stderr[out.stderr.len() - 300..]
    );
}
