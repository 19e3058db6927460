//! The benchmark generator (`examples/synth.rs`) writes workspaces whose
//! expectations it computed itself: claimcheck must meet every one, and a
//! single wrong expectation must fail the run.

use crate::Test;

#[allow(dead_code)]
#[path = "../../examples/synth.rs"]
pub mod generator;

fn generate(dir: &std::path::Path, seed: u64) -> generator::Summary {
    generator::generate(&generator::Options {
        facts: 2_000,
        claims: 200,
        out: dir.to_path_buf(),
        seed,
        format: generator::Format::Jsonl,
    })
    .expect("the generator writes its workspace")
}

/// Counts report lines `  ok    LINE  VERDICT  …` per verdict.
fn verdict_counts(report: &str) -> [usize; 4] {
    let mut counts = [0; 4];
    for line in report.lines() {
        let Some(rest) = line.strip_prefix("  ok ") else {
            continue;
        };
        let mut words = rest.split_whitespace();
        words.next(); // the line number
        match words.next() {
            Some("supported") => counts[0] += 1,
            Some("refuted") => counts[1] += 1,
            Some("contested") => counts[2] += 1,
            Some("unknown") => counts[3] += 1,
            other => panic!("unexpected verdict {other:?} in {line}"),
        }
    }
    counts
}

#[test]
fn a_generated_workspace_meets_every_expectation() {
    let dir = tempfile::tempdir().unwrap();
    let summary = generate(dir.path(), 7);
    assert_eq!(summary.facts, 2_000);
    assert_eq!(summary.claims, 200);
    assert!(
        summary.verdicts.iter().all(|&n| n > 0),
        "every verdict occurs: {summary:?}"
    );
    let out = Test::new(dir.path()).args(&["check", "."]).expect_code(0);
    assert!(
        out.stdout.ends_with("\n200 passed, 0 failed\n"),
        "{}",
        &out.stdout[out.stdout.len().saturating_sub(500)..]
    );
    assert_eq!(verdict_counts(&out.stdout), summary.verdicts);
}

#[test]
fn the_same_seed_writes_the_same_bytes() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    generate(a.path(), 3);
    generate(b.path(), 3);
    for name in [
        "rules/schema.claims",
        "rules/claims-000.claims",
        "fixtures/facts.jsonl",
        "fixtures/entities.yaml",
        "fixtures/regions.yaml",
        "fixtures/sources.yaml",
        "peer/claims.ndjson",
    ] {
        let x = std::fs::read(a.path().join(name)).unwrap();
        let y = std::fs::read(b.path().join(name)).unwrap();
        assert!(x == y, "{name} differs between two runs with one seed");
    }
}

#[test]
fn one_wrong_expectation_fails_the_run() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), 11);
    let path = dir.path().join("rules/claims-000.claims");
    let text = std::fs::read_to_string(&path).unwrap();
    // Change the first `expect` to a verdict it cannot have.
    let (at, line) = text
        .lines()
        .scan(0, |at, l| {
            let here = *at;
            *at += l.len() + 1;
            Some((here, l))
        })
        .find(|(_, l)| l.starts_with("expect "))
        .expect("an expect line");
    let verdict = line["expect ".len()..].split(':').next().unwrap();
    let wrong = if verdict == "unknown" {
        "supported"
    } else {
        "unknown"
    };
    let changed = format!(
        "{}expect {wrong}:{}",
        &text[..at],
        &text[at + "expect ".len() + verdict.len() + 1..]
    );
    std::fs::write(&path, changed).unwrap();
    let out = Test::new(dir.path()).args(&["check", "."]).expect_code(1);
    assert!(
        out.stdout.ends_with("\n199 passed, 1 failed\n"),
        "{}",
        &out.stdout[out.stdout.len().saturating_sub(500)..]
    );
}
