//! Reports as a CI pipeline reads them: JUnit valid against junit-10.xsd,
//! load errors in every format, SARIF valid against the SARIF 2.1.0 schema,
//! selection, quiet output, the baseline comparison and the HTML page.

use crate::{root, workspace, Test};

const RULES: &str = "relation troops functional: {from:country} sent {n:number} troops to {to:country}\n  | {from:country} sent troops to {to:country}\nentity Russia (country)\nentity North Korea (country) aka DPRK\nentity Iran (country)\n";
const FACTS: &str = "sources:\n  - id: report\n    publisher: Example Daily\n    date: 2025-06-27\nfacts:\n  - says: North Korea sent more than 14000 troops to Russia\n    source: report\n    quote: more than 14,000 troops\n    as_of: June 2025\n";

/// A workspace with two load errors in two files.
fn broken() -> tempfile::TempDir {
    workspace(&[
        (
            "rules/r.claims",
            &format!("{RULES}assert: Iran sent troops to Rusia\n"),
        ),
        (
            "fixtures/f.yaml",
            "sources:\n  - id: report\nfacts:\n  - says: Iran sent troops to Russia\n    source: reprot\n",
        ),
    ])
}

/// Validates `xml` against tests/schemas/junit-10.xsd with xmllint. Without
/// xmllint the check is skipped (saying why), except in CI, where it fails.
#[track_caller]
fn assert_valid_junit(xml: &str) {
    let have = std::process::Command::new("xmllint")
        .arg("--version")
        .output()
        .is_ok();
    if !have {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("xmllint is missing: install libxml2-utils (.ci/run does when it is absent)");
        }
        eprintln!("skipping JUnit schema validation: xmllint not installed (apt-get install libxml2-utils)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.xml");
    std::fs::write(&file, xml).unwrap();
    let out = std::process::Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(root().join("tests/schemas/junit-10.xsd"))
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "JUnit report is not valid against junit-10.xsd:\n{}\n--- report\n{xml}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn junit_of_the_example_validates_against_junit_10_xsd() {
    let out = Test::new(root())
        .args(&["check", "--format", "junit"])
        .expect_code(0);
    assert_valid_junit(&out.stdout);
    let doc = roxmltree::Document::parse(&out.stdout).unwrap();
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    assert_eq!(suite.attribute("errors"), Some("0"));
    // Every assertion statement is a test case: passed + failed + checks.
    let human = Test::new(root()).arg("check").expect_code(0);
    let summary = human.stdout.lines().last().unwrap().to_string();
    let n: Vec<usize> = summary
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|w| w.parse().ok())
        .collect();
    assert_eq!(n.len(), 3, "{summary}");
    assert_eq!(
        suite.attribute("tests"),
        Some((n[0] + n[1] + n[2]).to_string().as_str()),
        "JUnit's test count reconciles with `{summary}`"
    );
}

#[test]
fn junit_with_forbidden_characters_and_failures_validates() {
    let facts = "sources:\n  - id: a\n  - id: b\nfacts:\n  - says: Iran sent troops to Russia\n    source: a\n    quote: \"odd \\uFFFE \\x01 bytes\\r\\nhere\"\n  - says: not Iran sent troops to Russia\n    source: b\n";
    let ws = workspace(&[
        (
            "rules.claims",
            &format!(
                "{RULES}assert: Iran sent troops to Russia\ncheck: Iran sent troops to Russia\n"
            ),
        ),
        ("facts.yaml", facts),
    ]);
    let out = Test::new(ws.path())
        .args(&["check", ".", "--format", "junit"])
        .expect_code(1);
    assert_valid_junit(&out.stdout);
    assert!(
        out.stdout
            .contains("odd \u{FFFD} \u{FFFD} bytes&#13;\nhere"),
        "{}",
        out.stdout
    );
    let doc = roxmltree::Document::parse(&out.stdout).unwrap();
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 2);
    for c in &cases {
        let mut attrs: Vec<&str> = c.attributes().map(|a| a.name()).collect();
        attrs.sort();
        assert_eq!(attrs, ["classname", "name", "time"]);
    }
    // The check: line is a test case that never fails.
    assert_eq!(
        cases[1]
            .children()
            .filter(|n| n.has_tag_name("failure"))
            .count(),
        0
    );
}

#[test]
fn a_workspace_that_fails_to_load_is_reported_in_every_format() {
    let ws = broken();
    for format in ["human", "json", "junit", "github"] {
        let out = Test::new(ws.path())
            .args(&["check", "--format", format])
            .expect_code(2);
        assert!(out.stderr.contains("(2 errors)"), "{}", out.stderr);
        // Humans read stderr; machines get the errors on stdout too.
        let shown = if format == "human" {
            &out.stderr
        } else {
            &out.stdout
        };
        insta::assert_snapshot!(format!("broken_{format}"), shown);
    }
    let json = Test::new(ws.path())
        .args(&["check", "--format", "json"])
        .expect_code(2);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["assertions"], serde_json::json!([]));
    assert_eq!(v["passed"], 0);
    assert_eq!(v["failed"], 0);
    assert_eq!(v["errors"][0]["kind"], "unknown_source");
    assert_eq!(v["errors"][0]["suggestions"], serde_json::json!(["report"]));
    assert_eq!(v["errors"][1]["file"], "rules/r.claims");
    assert_eq!(v["errors"][1]["line"], 6);
    assert_eq!(v["errors"][1]["col"], 29);
    let junit = Test::new(ws.path())
        .args(&["check", "--format", "junit"])
        .expect_code(2);
    assert_valid_junit(&junit.stdout);
    assert_eq!(junit.stdout.matches("<error ").count(), 2);
}

#[test]
fn reports_go_to_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.json");
    let out = Test::new(root())
        .args(&[
            "check",
            "--format",
            "json",
            "--output",
            file.to_str().unwrap(),
        ])
        .expect_code(0);
    assert!(out.stdout.is_empty());
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(v["version"], 2);
}

/// Validates a SARIF log against tests/schemas/sarif-schema-2.1.0.json.
#[track_caller]
fn assert_valid_sarif(text: &str) -> serde_json::Value {
    let mut schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/schemas/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    // The published schema's `language` patterns have a stray `]` that
    // ECMA-262 regexes (which the meta-schema asks for) reject; escaped, it
    // means the same literal `]`.
    fn fix(v: &mut serde_json::Value, fixed: &mut usize) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m.iter_mut() {
                    if k == "pattern" && x == "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$" {
                        *x = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$".into();
                        *fixed += 1;
                    } else {
                        fix(x, fixed);
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(|x| fix(x, fixed)),
            _ => {}
        }
    }
    let mut fixed = 0;
    fix(&mut schema, &mut fixed);
    assert!(fixed > 0, "the schema's known flaw is there to fix");
    let log: serde_json::Value = serde_json::from_str(text).expect("SARIF is JSON");
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF is not valid:\n{}",
        errors.join("\n")
    );
    log
}

#[test]
fn sarif_of_the_example_validates_and_is_pinned() {
    let out = Test::new(root())
        .args(&["check", "--format", "sarif"])
        .expect_code(0);
    let log = assert_valid_sarif(&out.stdout);
    assert_eq!(log["version"], "2.1.0");
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["unmet-expectation", "contested-check"]);
    insta::assert_snapshot!("axis_sarif", out.stdout);
}

#[test]
fn sarif_reports_unmet_expectations_contested_checks_and_load_errors() {
    let facts = "sources:\n  - id: a\n  - id: b\nfacts:\n  - says: Iran sent troops to Russia\n    source: a\n  - says: not Iran sent troops to Russia\n    source: b\n";
    let ws = workspace(&[
        ("rules.claims", &format!("{RULES}assert: Iran sent troops to Russia\ncheck: Iran sent troops to Russia\nexpect unknown: North Korea sent troops to Iran\n")),
        ("facts.yaml", facts),
    ]);
    let out = Test::new(ws.path())
        .args(&["check", ".", "--format", "sarif"])
        .expect_code(1);
    let log = assert_valid_sarif(&out.stdout);
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["level"], "error");
    assert_eq!(results[0]["ruleId"], "unmet-expectation");
    assert!(results[0]["message"]["text"]
        .as_str()
        .unwrap()
        .starts_with("expected supported, got contested: Iran sent troops to Russia"));
    let loc = &results[0]["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "rules.claims");
    assert_eq!(loc["region"]["startLine"], 6);
    assert_eq!(loc["region"]["startColumn"], 1);
    assert_eq!(results[1]["level"], "warning");
    assert_eq!(results[1]["ruleId"], "contested-check");

    // Named by an absolute path outside the current folder: a file:// URI.
    let elsewhere = tempfile::tempdir().unwrap();
    let out = Test::new(elsewhere.path())
        .args(&["check", ws.path().to_str().unwrap(), "--format", "sarif"])
        .expect_code(1);
    let log = assert_valid_sarif(&out.stdout);
    let uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        uri.starts_with("file:///") && uri.ends_with("/rules.claims"),
        "{uri}"
    );

    let broken = broken();
    let out = Test::new(broken.path())
        .args(&["check", "--format", "sarif"])
        .expect_code(2);
    let log = assert_valid_sarif(&out.stdout);
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[1]["ruleId"], "load-error/unknown_entity");
    insta::assert_snapshot!("broken_sarif", out.stdout);
}

#[test]
fn sarif_validation_can_fail() {
    let bad = r#"{"version": "2.1.0", "runs": [{"tool": {}}]}"#;
    let caught = std::panic::catch_unwind(|| assert_valid_sarif(bad));
    assert!(
        caught.is_err(),
        "a run without tool.driver is invalid SARIF"
    );
}

#[test]
fn an_empty_workspace_fails_unless_allowed() {
    let ws = workspace(&[("rules/r.claims", RULES), ("fixtures/f.yaml", FACTS)]);
    let out = Test::new(ws.path()).arg("check").expect_code(2);
    assert_eq!(
        out.stderr,
        "error: no assertion statement (`assert`, `expect` or `check:`) found in rules/ and fixtures/; pass --allow-empty to accept an empty workspace\n"
    );
    let out = Test::new(ws.path())
        .args(&["check", "rules", "--format", "json"])
        .expect_code(2);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["errors"][0]["kind"], "no_assertions");
    assert!(v["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("found in `rules`"));
    let out = Test::new(ws.path())
        .args(&["check", "--allow-empty"])
        .expect_code(0);
    assert_eq!(out.stdout, "0 passed, 0 failed\n");
}

fn three_assertions() -> tempfile::TempDir {
    workspace(&[
        (
            "rules/troops.claims",
            &format!("{RULES}assert: North Korea sent troops to Russia\nassert: Iran sent troops to Russia\ncheck: DPRK sent more than 10000 troops to Russia\n"),
        ),
        ("rules/other.claims", "expect unknown: Iran sent troops to North Korea\n"),
        ("fixtures/f.yaml", FACTS),
    ])
}

#[test]
fn select_runs_matching_assertions_and_says_how_many() {
    let ws = three_assertions();
    // A substring of the claim text, any case.
    let out = Test::new(ws.path())
        .args(&["check", "--select", "IRAN sent"])
        .expect_code(1);
    assert!(
        out.stdout
            .contains("selected 2 of 4 assertions with --select `IRAN sent`\n1 passed, 1 failed\n"),
        "{}",
        out.stdout
    );
    // A glob over the file path.
    let out = Test::new(ws.path())
        .args(&["check", "--select", "rules/o*"])
        .expect_code(0);
    assert!(
        out.stdout
            .ends_with("selected 1 of 4 assertions with --select `rules/o*`\n1 passed, 0 failed\n"),
        "{}",
        out.stdout
    );
    // Machine formats say it on stderr.
    let out = Test::new(ws.path())
        .args(&["check", "--select", "other.claims", "--format", "json"])
        .expect_code(0);
    assert_eq!(
        out.stderr,
        "claimcheck: selected 1 of 4 assertions with --select `other.claims`\n"
    );
    // Matching none is an error naming the paths searched.
    let out = Test::new(ws.path())
        .args(&["check", "--select", "Atlantis"])
        .expect_code(2);
    assert!(
        out.stderr.contains(
            "--select `Atlantis` matches none of the 4 assertions found in rules/ and fixtures/"
        ),
        "{}",
        out.stderr
    );
    Test::new(ws.path())
        .args(&["check", "--select", "Atlantis", "--allow-empty"])
        .expect_code(0);
    let out = Test::new(ws.path())
        .args(&["check", "--select", "[oops"])
        .expect_code(2);
    assert!(out.stderr.contains("is not a valid glob"), "{}", out.stderr);
}

#[test]
fn quiet_lists_only_unmet_expectations() {
    let ws = three_assertions();
    let out = Test::new(ws.path())
        .args(&["check", "--quiet"])
        .expect_code(1);
    insta::assert_snapshot!("quiet", out.stdout);
    assert!(!out.stdout.contains("ok "), "{}", out.stdout);
    assert!(out.stdout.contains("FAIL"), "{}", out.stdout);
    assert!(out.stdout.ends_with("2 passed, 1 failed, 1 check\n"));
}

#[test]
fn evidence_lines_are_bounded_with_an_exact_count() {
    let mut facts = String::from("sources:\n");
    for i in 0..14 {
        facts.push_str(&format!("  - id: s{i:02}\n"));
    }
    facts.push_str("facts:\n");
    for i in 0..12 {
        facts.push_str(&format!(
            "  - says: Iran sent troops to Russia\n    source: s{i:02}\n"
        ));
    }
    for i in 12..14 {
        facts.push_str(&format!(
            "  - says: not Iran sent troops to Russia\n    source: s{i:02}\n"
        ));
    }
    let ws = workspace(&[
        (
            "r.claims",
            &format!("{RULES}expect contested: Iran sent troops to Russia\n"),
        ),
        ("f.yaml", &facts),
    ]);
    let out = Test::new(ws.path()).args(&["check", "."]).expect_code(0);
    let count = |s: &str, label: &str| {
        s.lines()
            .filter(|l| l.trim_start().starts_with(&format!("{label} ")))
            .count()
    };
    assert_eq!(count(&out.stdout, "for"), 10, "{}", out.stdout);
    assert!(
        out.stdout
            .contains("and 4 more (--max-evidence 10 shows more; --format json lists all)"),
        "{}",
        out.stdout
    );
    let out = Test::new(ws.path())
        .args(&["check", ".", "--max-evidence", "13"])
        .expect_code(0);
    assert_eq!(count(&out.stdout, "for"), 12, "{}", out.stdout);
    assert_eq!(count(&out.stdout, "against"), 1, "{}", out.stdout);
    assert!(out.stdout.contains("and 1 more"), "{}", out.stdout);
    let out = Test::new(ws.path())
        .args(&["check", ".", "--max-evidence", "0"])
        .expect_code(0);
    assert!(
        out.stdout.contains("sources  12 for, 2 against"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("and 14 more"), "{}", out.stdout);
    let json = Test::new(ws.path())
        .args(&["check", ".", "--format", "json"])
        .expect_code(0);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["assertions"][0]["support"].as_array().unwrap().len(), 12);
}

#[test]
fn control_characters_in_user_text_are_escaped() {
    let facts = "sources:\n  - id: \"evil\\e[2J\"\n    publisher: \"Pub\\u202Elisher\"\nfacts:\n  - says: Iran sent troops to Russia\n    source: \"evil\\e[2J\"\n    quote: \"line one\\nline two \\e[31mred\\a\"\n";
    let ws = workspace(&[
        (
            "r.claims",
            &format!("{RULES}check: Iran sent troops to Russia\n"),
        ),
        ("f.yaml", facts),
    ]);
    for env in [None, Some("1")] {
        let mut t = Test::new(ws.path()).args(&["check", "."]);
        if let Some(v) = env {
            t = t.env("NO_COLOR", v);
        }
        let out = t.expect_code(0);
        assert!(
            !out.stdout.contains('\x1b') && !out.stdout.contains('\x07'),
            "{:?}",
            out.stdout
        );
        assert!(
            out.stdout.contains(
                "evil\\u{1b}[2J (Pub\\u{202e}lisher): \"line one\\nline two \\u{1b}[31mred\\u{7}\""
            ),
            "{}",
            out.stdout
        );
    }
    let ws2 = workspace(&[
        (
            "r.claims",
            &format!("{RULES}assert: not Iran sent troops to Russia\n"),
        ),
        ("f.yaml", facts),
    ]);
    let out = Test::new(ws2.path())
        .args(&["check", ".", "--format", "github"])
        .expect_code(1);
    assert!(!out.stdout.contains('\x1b'), "{:?}", out.stdout);
    // Exactly one annotation line plus the summary: the quote's newline
    // cannot start a workflow command of its own.
    assert_eq!(out.stdout.lines().count(), 2, "{}", out.stdout);
    assert!(
        out.stdout.contains("line one\\nline two \\u{1b}[31mred"),
        "{}",
        out.stdout
    );
    let out = Test::new(ws.path())
        .args(&["eval", "Iran sent troops to Russia", "."])
        .expect_code(0);
    assert!(!out.stdout.contains('\x1b'), "{:?}", out.stdout);
    let out = Test::new(ws.path())
        .args(&["explain", "r.claims:6", "."])
        .expect_code(0);
    assert!(!out.stdout.contains('\x1b'), "{:?}", out.stdout);
}

#[test]
fn eval_explain_and_conflicts_speak_json() {
    let ws = workspace(&[("rules.claims", RULES), ("facts.yaml", FACTS)]);
    let out = Test::new(ws.path())
        .args(&[
            "eval",
            "DPRK sent more than 10 thousand troops to Russia",
            ".",
            "--format",
            "json",
        ])
        .expect_code(0);
    insta::assert_snapshot!("eval_json", out.stdout);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["verdict"], "supported");
    assert_eq!(v["support"][0]["source"], "report");
    let out = Test::new(root())
        .args(&["explain", "rules/axis.claims:131", "--format", "json"])
        .expect_code(0);
    insta::assert_snapshot!("explain_json", out.stdout);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["line"], 131);
    assert!(v["tree"]["verdict"].is_string());
    let out = Test::new(ws.path())
        .args(&[
            "eval",
            "Nroth Korea sent troops to Russia",
            ".",
            "--format",
            "json",
        ])
        .expect_code(2);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["errors"][0]["kind"], "unknown_entity");
    assert_eq!(v["errors"][0]["file"], "<claim>");
    let broken = broken();
    let out = Test::new(broken.path())
        .args(&["conflicts", "--format", "json"])
        .expect_code(2);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["errors"].as_array().unwrap().len(), 2);
}

#[test]
fn baseline_lists_what_changed_and_why() {
    let ws = three_assertions();
    let old = ws.path().join("old.json");
    let out = Test::new(ws.path())
        .args(&["check", "--format", "json"])
        .expect_code(1);
    std::fs::write(&old, &out.stdout).unwrap();
    // Nothing changed yet.
    let out = Test::new(ws.path())
        .args(&["check", "--baseline", "old.json", "--fail-on-change", "-q"])
        .expect_code(1);
    assert!(
        out.stdout
            .ends_with("changed since the baseline\n  nothing changed\n"),
        "{}",
        out.stdout
    );
    // New facts: Iran now sent troops (unknown → supported), a denial makes
    // North Korea's contested; lines move, one assertion goes, one comes.
    std::fs::write(
        ws.path().join("fixtures/more.yaml"),
        "sources:\n  - id: wire\nfacts:\n  - says: Iran sent troops to Russia\n    source: wire\n    quote: Iranian units arrived\n  - says: not North Korea sent troops to Russia\n    source: wire\n",
    )
    .unwrap();
    std::fs::write(
        ws.path().join("rules/troops.claims"),
        format!("{RULES}\nassert: Iran sent troops to Russia\nassert: North Korea sent troops to Russia\nexpect unknown: Russia sent troops to Iran\n"),
    )
    .unwrap();
    let out = Test::new(ws.path())
        .args(&["check", "--baseline", "old.json"])
        .expect_code(1);
    let section = &out.stdout[out.stdout.find("changed since the baseline").unwrap()..];
    insta::assert_snapshot!("baseline_human", section);
    assert!(
        section.contains("rules/troops.claims:7  Iran sent troops to Russia  unknown → supported\n      + for      wire: \"Iranian units arrived\""),
        "{section}"
    );
    let json = Test::new(ws.path())
        .args(&["check", "--baseline", "old.json", "--format", "json"])
        .expect_code(1);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let changes = v["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2, "{}", json.stdout);
    assert_eq!(
        changes[0],
        serde_json::json!({"file": "rules/troops.claims", "line": 7, "claim": "Iran sent troops to Russia", "as_of": null, "before": "unknown", "after": "supported"})
    );
    assert_eq!(changes[1]["before"], "supported");
    assert_eq!(changes[1]["after"], "contested");
    assert_eq!(v["added"][0]["claim"], "Russia sent troops to Iran");
    assert_eq!(
        v["removed"][0]["claim"],
        "DPRK sent more than 10000 troops to Russia"
    );
    // Without --baseline the fields are absent.
    let plain = Test::new(ws.path())
        .args(&["check", "--format", "json"])
        .expect_code(1);
    assert!(!plain.stdout.contains("\"changes\""));
    // A file that is not a report is a usage error.
    std::fs::write(ws.path().join("bad.json"), "{\"nope\": 1}").unwrap();
    let out = Test::new(ws.path())
        .args(&["check", "--baseline", "bad.json"])
        .expect_code(2);
    assert!(
        out.stderr
            .contains("the baseline `bad.json` is not a claimcheck JSON report"),
        "{}",
        out.stderr
    );
    Test::new(ws.path())
        .args(&["check", "--fail-on-change"])
        .expect_code(2);
}

#[test]
fn html_of_the_example_is_self_contained_and_pinned() {
    let out = Test::new(root())
        .args(&["check", "--format", "html"])
        .expect_code(0);
    let page = &out.stdout;
    assert!(page.len() < 2 * 1024 * 1024, "{} bytes", page.len());
    assert!(page.starts_with("<!DOCTYPE html>"));
    for needle in [
        "<script src",
        "<link",
        "@import",
        "url(",
        "http://",
        "fetch(",
        "XMLHttpRequest",
    ] {
        let outside_data = page.replace("http://www.w3.org/2000/svg", "");
        let body = &outside_data[..outside_data.find("id=\"claimcheck-data\"").unwrap()];
        assert!(!body.contains(needle), "the page loads {needle}");
    }
    // The embedded data is the JSON report.
    let start = page.find("id=\"claimcheck-data\">").unwrap() + "id=\"claimcheck-data\">".len();
    let end = start + page[start..].find("</script>").unwrap();
    let data: serde_json::Value = serde_json::from_str(&page[start..end]).unwrap();
    let json = Test::new(root())
        .args(&["check", "--format", "json"])
        .expect_code(0);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(data["report"], report);
    insta::assert_snapshot!("axis_html", page);
    let broken = broken();
    let out = Test::new(broken.path())
        .args(&["check", "--format", "html"])
        .expect_code(2);
    insta::assert_snapshot!("broken_html", out.stdout);
}

#[test]
fn agreement_counts_pairs_of_sources_on_the_same_and_opposite_sides() {
    let facts = "sources:\n  - id: a\n  - id: b\n  - id: c\n  - id: doc\n  - id: sp\n    name: Speaker\n    via: doc\nfacts:\n  - says: Iran sent troops to Russia\n    source: a\n  - says: Iran sent troops to Russia\n    source: b\n  - says: not Iran sent troops to Russia\n    source: c\n  - says: North Korea sent troops to Russia\n    source: a\n  - says: not North Korea sent troops to Russia\n    source: sp\n  - says: North Korea sent troops to Russia\n    source: doc\n";
    let ws = workspace(&[
        ("r.claims", &format!("{RULES}check: Iran sent troops to Russia\ncheck: North Korea sent troops to Russia\n")),
        ("f.yaml", facts),
    ]);
    let out = Test::new(ws.path())
        .args(&["check", ".", "--format", "html"])
        .expect_code(0);
    let start =
        out.stdout.find("id=\"claimcheck-data\">").unwrap() + "id=\"claimcheck-data\">".len();
    let end = start + out.stdout[start..].find("</script>").unwrap();
    let data: serde_json::Value = serde_json::from_str(&out.stdout[start..end]).unwrap();
    let ag = &data["agreement"];
    assert_eq!(
        ag["sources"],
        serde_json::json!(["a", "b", "c", "doc", "sp"])
    );
    let (a, b, c, doc, sp) = (0, 1, 2, 3, 4);
    assert_eq!(ag["agree"][a][b], serde_json::json!([0]));
    assert_eq!(ag["conflict"][a][c], serde_json::json!([0]));
    assert_eq!(ag["conflict"][b][c], serde_json::json!([0]));
    // A quoted speaker is a source of its own, beside its document.
    assert_eq!(ag["agree"][a][doc], serde_json::json!([1]));
    assert_eq!(ag["conflict"][a][sp], serde_json::json!([1]));
    assert_eq!(ag["conflict"][doc][sp], serde_json::json!([1]));
    assert_eq!(ag["agree"][c][doc], serde_json::json!([]));
    assert_eq!(ag["agree"][b][a], ag["agree"][a][b], "symmetric");
}

#[test]
fn control_characters_in_load_errors_are_escaped() {
    let ws = workspace(&[("rules/x.claims", "assert: Iran \x1b[31msent troops\n")]);
    let out = Test::new(ws.path()).arg("check").expect_code(2);
    assert!(!out.stderr.contains('\x1b'), "{:?}", out.stderr);
    assert!(
        out.stderr.contains("Iran \\u{1b}[31msent troops"),
        "{}",
        out.stderr
    );
    let out = Test::new(ws.path())
        .args(&["check", "--format", "github"])
        .expect_code(2);
    assert!(!out.stdout.contains('\x1b'), "{:?}", out.stdout);
}
