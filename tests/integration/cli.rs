//! The command line as a user meets it: the bundled example, exit codes,
//! colour, `eval`, and errors that point into the claim.

use crate::{root, workspace, Test};

const RULES: &str = "relation troops functional: {from:country} sent {n:number} troops to {to:country}\n  | {from:country} sent troops to {to:country}\nentity Russia (country)\nentity North Korea (country) aka DPRK\nentity Iran (country)\n";
const FACTS: &str = "sources:\n  - id: report\n    publisher: Example Daily\n    date: 2025-06-27\nfacts:\n  - says: North Korea sent more than 14000 troops to Russia\n    source: report\n    quote: more than 14,000 troops\n    as_of: June 2025\n";

#[test]
fn the_bundled_example_passes() {
    let out = Test::new(root()).arg("check").expect_code(0);
    assert!(
        out.stdout.ends_with(" passed, 0 failed, 3 checks\n"),
        "{}",
        out.stdout
    );
    assert!(out.stderr.is_empty());
    insta::assert_snapshot!("axis_report", out.stdout);
}

#[test]
fn the_example_is_the_same_bytes_whatever_the_path_order() {
    let a = Test::new(root())
        .args(&["check", "rules", "fixtures"])
        .run();
    let b = Test::new(root())
        .args(&["check", "fixtures", "rules/axis.claims"])
        .run();
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn an_unmet_expectation_exits_1_and_check_lines_never_count() {
    let ws = workspace(&[
        ("rules.claims", &format!("{RULES}assert: Iran sent troops to Russia\ncheck: Iran sent troops to Russia\nassert: DPRK sent troops to Russia\n")),
        ("facts.yaml", FACTS),
    ]);
    let out = Test::new(ws.path()).args(&["check", "."]).expect_code(1);
    assert!(
        out.stdout
            .contains("FAIL  6  unknown    Iran sent troops to Russia    expected supported"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("check 7  unknown"), "{}", out.stdout);
    assert!(
        out.stdout.ends_with("1 passed, 1 failed, 1 check\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn evidence_shows_source_as_of_and_quote() {
    let ws = workspace(&[
        (
            "rules.claims",
            &format!("{RULES}assert: North Korea sent more than 10000 troops to Russia\n"),
        ),
        ("facts.yaml", FACTS),
    ]);
    let out = Test::new(ws.path()).args(&["check", "."]).expect_code(0);
    assert!(
        out.stdout.contains("for      report (Example Daily, 2025-06-27), as of June 2025: \"more than 14,000 troops\""),
        "{}",
        out.stdout
    );
}

#[test]
fn no_colour_when_not_a_terminal_or_with_no_color() {
    let out = Test::new(root())
        .arg("check")
        .env("NO_COLOR", "1")
        .expect_code(0);
    assert!(!out.stdout.contains('\x1b'));
    let out = Test::new(root()).arg("check").expect_code(0);
    assert!(!out.stdout.contains('\x1b'), "stdout is a pipe here");
}

#[test]
fn a_missing_path_is_a_load_error() {
    let out = Test::new(root())
        .args(&["check", "no/such/place"])
        .expect_code(2);
    assert!(
        out.stderr
            .contains("no such file or folder `no/such/place`"),
        "{}",
        out.stderr
    );
}

#[test]
fn usage_errors_exit_2() {
    Test::new(root())
        .args(&["check", "--format", "yaml"])
        .expect_code(2);
    Test::new(root()).arg("frobnicate").expect_code(2);
}

#[test]
fn eval_prints_verdict_and_evidence() {
    let ws = workspace(&[("rules.claims", RULES), ("facts.yaml", FACTS)]);
    let out = Test::new(ws.path())
        .args(&[
            "eval",
            "DPRK sent more than 10 thousand troops to Russia",
            ".",
        ])
        .expect_code(0);
    assert!(
        out.stdout
            .starts_with("supported  DPRK sent more than 10 thousand troops to Russia\n"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("for      report"), "{}", out.stdout);
    let out = Test::new(ws.path())
        .args(&["eval", "not Iran sent troops to Russia", "."])
        .expect_code(0);
    assert!(out.stdout.starts_with("unknown"), "{}", out.stdout);
    let out = Test::new(ws.path())
        .args(&[
            "eval",
            "North Korea sent more than 14000 troops to Russia as of 2024",
            ".",
        ])
        .expect_code(0);
    assert!(
        out.stdout.starts_with("unknown"),
        "as of 2024 leaves the June 2025 fact out: {}",
        out.stdout
    );
}

#[test]
fn eval_errors_point_into_the_claim() {
    let ws = workspace(&[("rules.claims", RULES), ("facts.yaml", FACTS)]);
    let out = Test::new(ws.path())
        .args(&["eval", "Nroth Korea sent troops to Russia", "."])
        .expect_code(2);
    assert!(
        out.stderr
            .contains("unknown entity `Nroth Korea`; did you mean `North Korea`?"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("--> <claim>:1:1"), "{}", out.stderr);
    insta::assert_snapshot!("eval_unknown_entity", out.stderr);
}

// Regression: a claim nested thousands of levels deep must be an error, not a
// stack overflow.
#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let claim = format!(
        "{}Iran sent troops to Russia{}",
        "(".repeat(5000),
        ")".repeat(5000)
    );
    let ws = workspace(&[
        ("rules.claims", &format!("{RULES}assert: {claim}\n")),
        ("facts.yaml", FACTS),
    ]);
    let out = Test::new(ws.path()).args(&["check", "."]).expect_code(2);
    assert!(out.stderr.contains("nested too deeply"), "{}", out.stderr);
    let nots = format!("{}Iran sent troops to Russia", "not ".repeat(5000));
    let out = Test::new(ws.path())
        .args(&["eval", &nots, "."])
        .expect_code(2);
    assert!(out.stderr.contains("nested too deeply"), "{}", out.stderr);
}

#[test]
fn every_error_of_a_run_is_reported() {
    let ws = workspace(&[
        ("rules.claims", &format!("{RULES}assert: Iran sent troops to Rusia\nexpect supportd: Iran sent troops to Russia\n")),
        ("facts.yaml", "sources:\n  - id: report\nfacts:\n  - says: Iran sent troops to Russia\n    source: reprot\n"),
    ]);
    let out = Test::new(ws.path()).args(&["check", "."]).expect_code(2);
    assert!(
        out.stderr.contains("did you mean `Russia`?"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("did you mean `supported`?"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("unknown source `reprot`; did you mean `report`?"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("(3 errors)"), "{}", out.stderr);
}

#[test]
fn conflicts_lists_each_pair_and_fail_on_conflict_exits_1() {
    let out = Test::new(root()).arg("conflicts").expect_code(0);
    assert!(out.stdout.ends_with("3 conflicts\n"), "{}", out.stdout);
    insta::assert_snapshot!("axis_conflicts", out.stdout);
    Test::new(root())
        .args(&["conflicts", "--fail-on-conflict"])
        .expect_code(1);
    Test::new(root())
        .args(&["check", "--fail-on-conflict"])
        .expect_code(1);
    let json = Test::new(root())
        .args(&["conflicts", "--format", "json"])
        .expect_code(0);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["conflicts"].as_array().unwrap().len(), 3);
    assert_eq!(v["conflicts"][0]["kind"], "denial");
}

#[test]
fn conflicts_skip_pairs_dated_apart_and_cover_values_and_only() {
    let rules = format!("{RULES}relation treaty symmetric: treaty between {{a:country}} and {{b:country}}\ngroup axis = Russia, North Korea, Iran\n");
    let facts = "sources:\n  - id: a\n  - id: b\nfacts:\n  - says: North Korea sent 14000 troops to Russia\n    source: a\n    as_of: June 2025\n  - says: North Korea sent 11000 troops to Russia\n    source: b\n    as_of: December 2024\n  - says: North Korea sent 12000 troops to Russia\n    source: b\n  - only: treaty between Russia and North Korea\n    among: axis\n    source: a\n  - says: treaty between Iran and Russia\n    source: b\n";
    let ws = workspace(&[("rules.claims", &rules), ("facts.yaml", facts)]);
    let out = Test::new(ws.path())
        .args(&["conflicts", "."])
        .expect_code(0);
    // 14000 (June 2025) vs 11000 (Dec 2024) are dated apart; 12000 has no date.
    assert!(out.stdout.ends_with("3 conflicts\n"), "{}", out.stdout);
    assert!(out.stdout.contains("excludes"), "{}", out.stdout);
    insta::assert_snapshot!("conflict_kinds", out.stdout);
}

#[test]
fn junit_is_well_formed_xml_with_a_case_per_assertion() {
    let out = Test::new(root())
        .args(&["check", "--format", "junit"])
        .expect_code(0);
    let doc = roxmltree::Document::parse(&out.stdout).expect("JUnit parses as XML");
    let suites: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), 1);
    assert_eq!(suites[0].attribute("name"), Some("rules/axis.claims"));
    let cases = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .count();
    assert_eq!(
        Some(cases.to_string().as_str()),
        suites[0].attribute("tests")
    );
    assert!(doc.descendants().all(|n| !n.has_tag_name("failure")));
}

#[test]
fn junit_and_github_report_unmet_expectations() {
    let facts = "sources:\n  - id: a\n  - id: b\nfacts:\n  - says: Iran sent troops to Russia\n    source: a\n  - says: not Iran sent troops to Russia\n    source: b\n";
    let ws = workspace(&[
        ("rules.claims", &format!("{RULES}assert: Iran sent troops to Russia\ncheck: Iran sent troops to Russia\nexpect unknown: North Korea sent troops to Iran\n")),
        ("facts.yaml", facts),
    ]);
    let out = Test::new(ws.path())
        .args(&["check", ".", "--format", "junit"])
        .expect_code(1);
    let doc = roxmltree::Document::parse(&out.stdout).expect("JUnit parses as XML");
    let failure = doc
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .expect("one failure");
    assert_eq!(
        failure.attribute("message"),
        Some("expected supported, got contested")
    );
    let out = Test::new(ws.path())
        .args(&["check", ".", "--format", "github"])
        .expect_code(1);
    insta::assert_snapshot!("github_annotations", out.stdout);
    assert!(out.stdout.starts_with("::error file=rules.claims,line=6,col=1,title=claimcheck::expected supported, got contested"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("::warning file=rules.claims,line=7,col=1,title=claimcheck::contested"),
        "{}",
        out.stdout
    );
}

#[test]
fn explain_shows_the_evidence_tree() {
    let out = Test::new(root())
        .args(&["explain", "rules/axis.claims:131"])
        .expect_code(0);
    assert!(
        out.stdout
            .contains("functional, and its values share none with the claim's"),
        "{}",
        out.stdout
    );
    insta::assert_snapshot!("explain_troops", out.stdout);
    let out = Test::new(root())
        .args(&["explain", "rules/axis.claims:121"])
        .expect_code(0);
    assert!(
        out.stdout.contains("closed world: among axis"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("x = Russia, y = North Korea"),
        "{}",
        out.stdout
    );
}

#[test]
fn explain_names_facts_left_out_by_as_of() {
    let ws = workspace(&[
        (
            "rules.claims",
            &format!("{RULES}assert: North Korea sent troops to Russia as of 2024\n"),
        ),
        ("facts.yaml", FACTS),
    ]);
    let out = Test::new(ws.path())
        .args(&["explain", "rules.claims:6", "."])
        .expect_code(0);
    assert!(out.stdout.contains("skipped"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("left out: its as of June 2025 does not overlap as of 2024"),
        "{}",
        out.stdout
    );
    let out = Test::new(ws.path())
        .args(&["explain", "rules.claims:3", "."])
        .expect_code(2);
    assert!(
        out.stderr
            .contains("assertions of that file start on lines 6"),
        "{}",
        out.stderr
    );
}

fn claims_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            claims_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "claims") {
            out.push(p);
        }
    }
}

#[test]
fn fmt_is_idempotent_on_every_claims_file_and_keeps_meaning() {
    let mut files = Vec::new();
    claims_files(&root().join("rules"), &mut files);
    claims_files(&root().join("tests"), &mut files);
    assert!(files.len() > 50);
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let once = claimcheck::fmt::format(&text);
        assert_eq!(claimcheck::fmt::format(&once), once, "{}", f.display());
        let comments = |s: &str| s.matches('#').count();
        assert_eq!(
            comments(&text),
            comments(&once),
            "comments kept in {}",
            f.display()
        );
    }
    // Formatting a case changes no verdict.
    for case in ["case-and-whitespace", "text-slots", "precedence"] {
        let src = root().join("tests/cases").join(case);
        let before = Test::new(&src).args(&["check", "."]).expect_code(0);
        let ws = tempfile::tempdir().unwrap();
        for e in std::fs::read_dir(&src).unwrap() {
            let p = e.unwrap().path();
            if p.is_file() {
                std::fs::copy(&p, ws.path().join(p.file_name().unwrap())).unwrap();
            }
        }
        Test::new(ws.path()).args(&["fmt", "--check", "."]).run();
        Test::new(ws.path()).args(&["fmt", "."]).expect_code(0);
        Test::new(ws.path())
            .args(&["fmt", "--check", "."])
            .expect_code(0);
        let after = Test::new(ws.path()).args(&["check", "."]).expect_code(0);
        let verdicts = |s: &str| {
            s.lines()
                .filter_map(|l| l.split_whitespace().nth(2).map(str::to_string))
                .collect::<Vec<_>>()
        };
        assert_eq!(verdicts(&before.stdout), verdicts(&after.stdout), "{case}");
    }
}

#[test]
fn fmt_check_names_the_files_that_would_change() {
    let ws = workspace(&[
        ("rules.claims", "assert:   a  b\n\n\n"),
        ("ok.claims", "assert: a b\n"),
    ]);
    let out = Test::new(ws.path())
        .args(&["fmt", "--check", "."])
        .expect_code(1);
    assert_eq!(out.stdout, "rules.claims\n");
    assert_eq!(
        std::fs::read_to_string(ws.path().join("rules.claims")).unwrap(),
        "assert:   a  b\n\n\n"
    );
    Test::new(ws.path()).args(&["fmt", "."]).expect_code(0);
    assert_eq!(
        std::fs::read_to_string(ws.path().join("rules.claims")).unwrap(),
        "assert: a b\n"
    );
}

// Regression: `fmt` rewrote CRLF files as LF and dropped the byte order mark,
// so `fmt --check` failed on every Windows checkout.
#[test]
fn fmt_keeps_crlf_line_endings_and_the_bom() {
    let formatted = "\u{feff}relation r: {a} met {b}\r\n\r\ncheck: x met y\r\n";
    let ws = workspace(&[
        ("done.claims", formatted),
        (
            "todo.claims",
            "relation   s: {a} saw {b}\r\n\r\n\r\ncheck:  x saw y\r\n",
        ),
    ]);
    let out = Test::new(ws.path())
        .args(&["fmt", "--check", "."])
        .expect_code(1);
    assert_eq!(out.stdout, "todo.claims\n");
    Test::new(ws.path()).args(&["fmt", "."]).expect_code(0);
    assert_eq!(
        std::fs::read_to_string(ws.path().join("todo.claims")).unwrap(),
        "relation s: {a} saw {b}\r\n\r\ncheck: x saw y\r\n"
    );
    assert_eq!(
        std::fs::read_to_string(ws.path().join("done.claims")).unwrap(),
        formatted
    );
    Test::new(ws.path())
        .args(&["fmt", "--check", "."])
        .expect_code(0);
}

// Regression: a byte-order mark made the first statement unknown, and CRLF
// line endings must read like LF.
#[test]
fn bom_and_crlf_files_load() {
    let ws = workspace(&[
        ("r.claims", "\u{feff}relation t: {a} sent troops to {b}\r\nentity Iran (country)\r\nentity Russia (country)\r\nassert: Iran sent troops to Russia\r\n"),
        ("f.yaml", "sources:\r\n  - id: s\r\nfacts:\r\n  - says: Iran sent troops to Russia\r\n    source: s\r\n"),
    ]);
    let out = Test::new(ws.path()).args(&["check", "."]).expect_code(0);
    assert!(
        out.stdout.ends_with("1 passed, 0 failed\n"),
        "{}",
        out.stdout
    );
}

// Regression: a misspelt `relation` also produced an error at every claim
// that used it; only the cause is reported.
#[test]
fn a_misspelt_declaration_is_reported_once() {
    let ws = workspace(&[
        ("r.claims", "relaton t: {a} sent troops to {b}\nentity Iran (country)\nentity Russia (country)\nassert: Iran sent troops to Russia\n"),
        ("f.yaml", "sources:\n  - id: s\nfacts:\n  - says: Iran sent troops to Russia\n    source: s\n"),
    ]);
    let out = Test::new(ws.path()).args(&["check", "."]).expect_code(2);
    assert!(
        out.stderr.contains("did you mean `relation`?"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("(1 error)"), "{}", out.stderr);
}

// Regression: a workspace named by an absolute path had every source `text:`
// refused as "an absolute path".
#[test]
fn source_texts_load_from_an_absolute_workspace_path() {
    let case = root().join("tests/cases/quote-folding");
    Test::new(root())
        .args(&["check", case.to_str().unwrap()])
        .expect_code(0);
}

#[test]
fn source_texts_outside_the_workspace_are_refused_unless_allowed() {
    let outside = workspace(&[("secret.txt", "the fleet sailed at dawn\n")]);
    let secret = outside.path().join("secret.txt");
    let facts = |text: &str| {
        format!("sources:\n  - id: s\n    text: {text}\nfacts:\n  - says: Iran sent troops to Russia\n    source: s\n    quote: the fleet sailed\n")
    };
    // `../` up to the root, then down to the file: relative, yet outside.
    let climbing = "../".repeat(30) + secret.to_string_lossy().trim_start_matches('/');
    for text in [secret.to_string_lossy().to_string(), climbing] {
        let ws = workspace(&[("rules.claims", RULES), ("facts.yaml", &facts(&text))]);
        let out = Test::new(ws.path()).args(&["check", "."]).expect_code(2);
        assert!(
            out.stderr
                .contains("leaves the workspace; pass --allow-outside-paths"),
            "{}",
            out.stderr
        );
        assert!(
            !out.stderr.contains("quote"),
            "a refused text is never read: {}",
            out.stderr
        );
    }
    let ws = workspace(&[
        ("rules.claims", RULES),
        ("facts.yaml", &facts(&secret.to_string_lossy())),
    ]);
    Test::new(ws.path())
        .args(&["check", ".", "--allow-outside-paths", "--allow-empty"])
        .expect_code(0);
}

// Regression: a flat chain of 40,000 atoms built a left-nested tree whose
// evaluation (and drop) overflowed the stack; `and`/`or` chains are flat now.
#[test]
fn a_long_flat_chain_is_no_deeper_than_one_link() {
    let and = vec!["Iran sent troops to Russia"; 50_000].join(" and ");
    let or = vec!["Iran sent troops to Russia"; 50_000].join(" or ");
    let ws = workspace(&[
        (
            "rules.claims",
            &format!("{RULES}expect unknown: {and}\nexpect unknown: {or}\n"),
        ),
        ("facts.yaml", FACTS),
    ]);
    let out = Test::new(ws.path()).args(&["check", "."]).expect_code(0);
    assert!(out.stdout.ends_with("2 passed, 0 failed\n"));
}

// Regression: a quantifier inside a definition, used under another
// quantifier, escaped the binding limit and the run hung.
#[test]
fn bindings_inside_definitions_count_toward_the_limit() {
    let mut facts = String::from("entities:\n");
    for i in 0..1000 {
        facts.push_str(&format!("  - {{name: E{i}, kind: thing}}\n"));
    }
    let members: Vec<String> = (0..1000).map(|i| format!("E{i}")).collect();
    facts.push_str(&format!(
        "groups:\n  big: [{}]\nsources:\n  - id: s\n",
        members.join(", ")
    ));
    let rules = "relation talk symmetric: {a} talk(s) with {b}\ndefine {a} is social: every x, y in big: x talks with y or {a} talks with x\ncheck: every z in big: z is social\n";
    let ws = workspace(&[("rules.claims", rules), ("facts.yaml", &facts)]);
    let out = Test::new(ws.path()).args(&["check", "."]).expect_code(2);
    assert!(
        out.stderr
            .contains("ranges over 999000000 quantifier bindings"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("rules.claims:3:8"), "{}", out.stderr);
}

// Regression: an escaped `\{x\}` in a template could never match, since the
// lexer reads `{x}` in a claim as a placeholder.
#[test]
fn escaped_braces_in_templates_match_literally() {
    let rules = "relation likes: {a} likes \\{x\\}\nrelation hates: {a} hates \\{y}\nentity Russia (country)\nassert: Russia likes {x}\nassert: Russia hates {y}\n";
    let facts = "sources:\n  - id: s\nfacts:\n  - says: Russia likes {x}\n    source: s\n  - relation: hates\n    args: {a: Russia}\n    source: s\n";
    let ws = workspace(&[("rules.claims", rules), ("facts.yaml", facts)]);
    Test::new(ws.path()).args(&["check", "."]).expect_code(0);
}

// Regression: a bare definition slot used in a text slot did not match.
#[test]
fn a_bare_definition_slot_can_be_text() {
    let rules = "relation stance: {who} called the strikes {word:text}\nentity Vladimir Putin (person) aka Putin\ndefine {p} condemned it as {w}: {p} called the strikes {w}\nassert: Putin condemned it as \"ILLEGAL\"\nexpect unknown: Putin condemned it as \"fine\"\n";
    let facts = "sources:\n  - id: s\nfacts:\n  - says: Putin called the strikes \"illegal\"\n    source: s\n";
    let ws = workspace(&[("rules.claims", rules), ("facts.yaml", facts)]);
    Test::new(ws.path()).args(&["check", "."]).expect_code(0);
    let bad = "relation stance: {who} called the strikes {word:text}\nentity Vladimir Putin (person) aka Putin\ndefine {p} said {w}: {p} called the strikes {w} and {w} called the strikes \"x\"\n";
    let ws = workspace(&[("rules.claims", bad), ("facts.yaml", facts)]);
    let out = Test::new(ws.path()).args(&["check", "."]).expect_code(2);
    assert!(
        out.stderr
            .contains("slot {w} is used both as text and as entity"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_upper_case_variable_is_named_as_such() {
    let ws = workspace(&[
        (
            "rules.claims",
            &format!("{RULES}group axis = Iran, Russia\n"),
        ),
        ("facts.yaml", FACTS),
    ]);
    let out = Test::new(ws.path())
        .args(&["eval", "some X in axis: X sent troops to Russia", "."])
        .expect_code(2);
    assert!(
        out.stderr
            .contains("`X` cannot be a variable: variables are lower-case words"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("<claim>:1:6"), "{}", out.stderr);
}

// Regression: 100,000 nested `[` made the YAML scanner run for minutes.
#[test]
fn deeply_nested_yaml_is_refused_at_once() {
    let yaml = format!("facts: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let ws = workspace(&[("rules.claims", RULES), ("facts.yaml", &yaml)]);
    let out = Test::new(ws.path()).args(&["check", "."]).expect_code(2);
    assert!(
        out.stderr.contains("nested more than 64 levels deep"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("facts.yaml:1:72"), "{}", out.stderr);
}

// Regression: 8,000 contradicting values held all 32 million pairs in memory.
#[test]
fn conflicts_stop_listing_at_the_limit() {
    let mut jsonl = String::new();
    for i in 0..8000 {
        jsonl.push_str(&format!(
            "{{\"relation\":\"troops\",\"args\":{{\"from\":\"North Korea\",\"to\":\"Russia\",\"n\":{i}}},\"source\":\"report\"}}\n"
        ));
    }
    let ws = workspace(&[
        ("rules.claims", RULES),
        ("facts.yaml", FACTS),
        ("bulk.jsonl", &jsonl),
    ]);
    let out = Test::new(ws.path())
        .args(&["conflicts", "."])
        .expect_code(0);
    assert!(
        out.stdout
            .ends_with("10000 conflicts shown; more may exist (the listing stops at 10000 pairs, and at 1000000 pairs of facts examined per key: raise it with --max-conflicts-per-key)\n"),
        "{}",
        &out.stdout[out.stdout.len() - 200..]
    );
    let a = Test::new(ws.path())
        .args(&["conflicts", ".", "--format", "json"])
        .expect_code(0);
    let b = Test::new(ws.path())
        .args(&["conflicts", ".", "--format", "json"])
        .expect_code(0);
    assert_eq!(a.stdout, b.stdout, "the same pairs on every run");
    let v: serde_json::Value = serde_json::from_str(&a.stdout).unwrap();
    assert_eq!(v["truncated"], true);
}

// Regression: a value out of range said only "no relation matches".
#[test]
fn a_bad_value_is_named_with_what_a_value_may_be() {
    let ws = workspace(&[("rules.claims", RULES), ("facts.yaml", FACTS)]);
    for (claim, bad) in [
        (
            "North Korea sent 999999999999999999999999 troops to Russia",
            "`999999999999999999999999` is not a number phrase (up to 10^20",
        ),
        (
            "North Korea sent between 20 and 10 troops to Russia",
            "`between 20 and 10` is not a number phrase",
        ),
    ] {
        let out = Test::new(ws.path())
            .args(&["eval", claim, "."])
            .expect_code(2);
        assert!(out.stderr.contains(bad), "{}", out.stderr);
        assert!(out.stderr.contains("<claim>:1:18"), "{}", out.stderr);
    }
}

#[test]
fn each_side_counts_independent_sources() {
    // Two facts of `report` count once; `gabuev`, quoted via `report`, is a
    // source of its own.
    let facts = "sources:\n  - id: report\n  - id: gabuev\n    name: Alexander Gabuev\n    via: report\nfacts:\n  - says: North Korea sent more than 14000 troops to Russia\n    source: report\n  - says: North Korea sent 15000 troops to Russia\n    source: report\n  - says: North Korea sent about 9000 troops to Russia\n    source: gabuev\n";
    let ws = workspace(&[
        (
            "rules.claims",
            &format!("{RULES}check: North Korea sent more than 10000 troops to Russia\n"),
        ),
        ("facts.yaml", facts),
    ]);
    let out = Test::new(ws.path()).args(&["check", "."]).expect_code(0);
    assert!(
        out.stdout.contains("sources  1 for, 1 against"),
        "{}",
        out.stdout
    );
    let ws2 = workspace(&[
        (
            "rules.claims",
            &format!("{RULES}check: North Korea sent troops to Russia\n"),
        ),
        ("facts.yaml", facts),
    ]);
    let out = Test::new(ws2.path()).args(&["check", "."]).expect_code(0);
    assert!(
        out.stdout.contains("sources  2 for, 0 against"),
        "{}",
        out.stdout
    );
    let json = Test::new(ws2.path())
        .args(&["check", ".", "--format", "json"])
        .expect_code(0);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["assertions"][0]["support_sources"], 2);
    assert_eq!(v["assertions"][0]["support"].as_array().unwrap().len(), 3);
}

#[test]
fn completions_for_each_shell_name_every_command() {
    for shell in ["bash", "zsh", "fish"] {
        let out = Test::new(root())
            .args(&["completions", shell])
            .expect_code(0);
        for cmd in ["check", "eval", "explain", "conflicts", "fmt"] {
            assert!(out.stdout.contains(cmd), "{shell} completions lack {cmd}");
        }
    }
    Test::new(root())
        .args(&["completions", "powershell"])
        .expect_code(2);
}

#[test]
fn every_format_of_the_example_is_pinned() {
    for format in ["json", "junit", "github"] {
        let out = Test::new(root())
            .args(&["check", "--format", format])
            .expect_code(0);
        insta::assert_snapshot!(format!("axis_{format}"), out.stdout);
    }
    let out = Test::new(root())
        .args(&["conflicts", "--format", "json"])
        .expect_code(0);
    insta::assert_snapshot!("axis_conflicts_json", out.stdout);
}

#[test]
fn explain_summarizes_a_quantifier_over_many_bindings() {
    // 26 lands: 10 supported, 6 refuted, 2 contested, 8 unknown bindings.
    let letters: Vec<char> = ('A'..='Z').collect();
    let mut rules = String::from(
        "relation troops functional: {from:country} sent {n:number} troops to {to:country}\nentity Russia (country)\n",
    );
    for c in &letters {
        rules.push_str(&format!("entity Land {c} (country)\n"));
    }
    let names: Vec<String> = letters.iter().map(|c| format!("Land {c}")).collect();
    rules.push_str(&format!("group lands = {}\n", names.join(", ")));
    rules.push_str("assert: every x in lands: x sent 100 troops to Russia\n");
    let mut facts = String::from(
        "sources:\n  - id: report\n    publisher: Example Daily\n    date: 2025-06-27\nfacts:\n",
    );
    let mut says = |land: char, n: u32| {
        facts.push_str(&format!(
            "  - says: Land {land} sent {n} troops to Russia\n    source: report\n"
        ));
    };
    for &c in &letters[..10] {
        says(c, 100);
    }
    for &c in &letters[10..16] {
        says(c, 50);
    }
    for &c in &letters[16..18] {
        says(c, 100);
        says(c, 50);
    }
    let line = rules.lines().count();
    let ws = workspace(&[("rules.claims", &rules), ("facts.yaml", &facts)]);
    let at = format!("rules.claims:{line}");
    let out = Test::new(ws.path())
        .args(&["explain", &at, "."])
        .expect_code(0);
    assert!(
        out.stdout
            .contains("bindings: 10 supported, 6 refuted, 2 contested, 8 unknown"),
        "{}",
        out.stdout
    );
    insta::assert_snapshot!("explain_summarized_bindings", out.stdout);
    // --all shows every binding, as the JSON does.
    let all = Test::new(ws.path())
        .args(&["explain", &at, ".", "--all"])
        .expect_code(0);
    assert_eq!(
        all.stdout.matches("  x = Land ").count(),
        26,
        "{}",
        all.stdout
    );
    assert!(!all.stdout.contains("--all shows"), "{}", all.stdout);
}
