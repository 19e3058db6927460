//! Bulk data: a JSONL file large enough to be read in several parallel
//! chunks gives the same report, byte for byte, on one thread and on many;
//! bad JSONL lines are errors at file:line:col; `--timings` names each stage.

use crate::{workspace, Test};

/// A workspace of `n` JSONL facts over a few entities, with assertions whose
/// verdicts follow from how the facts were made.
fn bulk(n: usize) -> tempfile::TempDir {
    let mut rules = String::from(
        "relation ties: {a:org} works with {b:org}\nrelation size functional: {a:org} has {n:number} staff\n",
    );
    for i in 0..40 {
        rules.push_str(&format!("entity Org{i} Co (org) aka O{i}\n"));
    }
    let mut jsonl = String::new();
    for i in 0..n {
        let (a, b) = (i % 40, (i * 7 + 3) % 40);
        let negated = if i % 11 == 0 { ",\"negated\":true" } else { "" };
        jsonl.push_str(&format!(
            "{{\"relation\":\"ties\",\"args\":{{\"a\":\"Org{a} Co\",\"b\":\"O{b}\"}},\"source\":\"s{}\",\"quote\":\"line {i} of a long enough quote to fill the chunks\"{negated}}}\n",
            i % 3
        ));
        if i % 5 == 0 {
            jsonl.push_str(&format!(
                "{{\"relation\":\"size\",\"args\":{{\"a\":\"Org{a} Co\",\"n\":{}}},\"source\":\"s0\"}}\n",
                100 * (1 + i % 2)
            ));
        }
    }
    // What the facts say of each pair: (asserted, denied).
    let mut said = vec![[false; 2]; 40 * 40];
    for i in 0..n {
        let (a, b) = (i % 40, (i * 7 + 3) % 40);
        said[a * 40 + b][usize::from(i % 11 == 0)] = true;
    }
    for a in 0..40 {
        for b in 0..40 {
            let verdict = match said[a * 40 + b] {
                [true, false] => "supported",
                [false, true] => "refuted",
                [true, true] => "contested",
                [false, false] => "unknown",
            };
            rules.push_str(&format!("expect {verdict}: Org{a} Co works with O{b}\n"));
        }
        rules.push_str(&format!("check: O{a} has 100 staff\n"));
    }
    let yaml = "sources:\n  - id: s0\n  - id: s1\n  - id: s2\n";
    workspace(&[
        ("rules.claims", &rules),
        ("facts.yaml", yaml),
        ("bulk.jsonl", &jsonl),
    ])
}

#[test]
fn one_thread_and_many_give_the_same_bytes() {
    let ws = bulk(6000);
    assert!(
        std::fs::metadata(ws.path().join("bulk.jsonl"))
            .unwrap()
            .len()
            > 600_000
    );
    for format in ["human", "json"] {
        let one = Test::new(ws.path())
            .args(&["check", ".", "--format", format])
            .env("RAYON_NUM_THREADS", "1")
            .expect_code(0);
        let many = Test::new(ws.path())
            .args(&["check", ".", "--format", format])
            .env("RAYON_NUM_THREADS", "4")
            .expect_code(0);
        assert_eq!(one.stdout, many.stdout);
        assert!(one.stdout.contains("contested"), "{}", one.stdout);
    }
    // Facts keep their lines across chunks: the last fact is on the last line.
    let out = Test::new(ws.path())
        .args(&["check", ".", "--format", "json"])
        .expect_code(0);
    let lines = std::fs::read_to_string(ws.path().join("bulk.jsonl"))
        .unwrap()
        .lines()
        .count();
    assert!(
        out.stdout.contains(&format!("\"fact_line\": {lines}")),
        "{lines}"
    );
}

/// A large JSONL file is cut into chunks near fixed byte offsets; a cut
/// that falls inside a character (here, the 256 KiB mark inside `ô`) moves
/// to the next line end, and every fact reads.
#[test]
fn a_chunk_cut_inside_a_character_moves_to_the_line_end() {
    let line = "{\"relation\":\"ties\",\"args\":{\"a\":\"Côte Co\",\"b\":\"Org1 Co\"},\"source\":\"s0\"}\n";
    let body = line.repeat(300_000 / line.len() + 1);
    // Blank lines first, as many as put byte 262,144 inside a character.
    let pad = (0..line.len())
        .find(|&pad| !format!("{}{body}", "\n".repeat(pad)).is_char_boundary(1 << 18))
        .expect("a padding that cuts a character");
    let jsonl = format!("{}{body}", "\n".repeat(pad));
    let ws = workspace(&[
        (
            "rules.claims",
            "relation ties: {a:org} works with {b:org}\nentity Côte Co (org)\nentity Org1 Co (org)\nexpect supported: Côte Co works with Org1 Co\n",
        ),
        ("facts.yaml", "sources:\n  - id: s0\n"),
        ("bulk.jsonl", &jsonl),
    ]);
    let out = Test::new(ws.path())
        .args(&["check", ".", "--format", "json"])
        .expect_code(0);
    let last = jsonl.lines().count();
    assert!(
        out.stdout.contains(&format!("\"fact_line\": {last}")),
        "{}",
        &out.stdout[..out.stdout.len().min(2000)]
    );
}

#[test]
fn bad_jsonl_lines_are_errors_at_their_place() {
    let good = "{\"relation\":\"ties\",\"args\":{\"a\":\"Org0 Co\",\"b\":\"Org1 Co\"},\"source\":\"s0\"}\n";
    let rules =
        "relation ties: {a:org} works with {b:org}\nentity Org0 Co (org)\nentity Org1 Co (org)\n";
    let yaml = "sources:\n  - id: s0\n";
    let jsonl = format!(
        "{good}{{\"args\":{{\"a\":\"Org0 Co\",\"b\":\"Org1 Co\"}},\"source\":\"s0\"}}\n[1, 2]\n[1, x]\n{{\"relation\":\"ties\",\"args\":[],\"source\":\"s0\",\"negated\":\"yes\"}}\n{good}"
    );
    let ws = workspace(&[
        ("rules.claims", rules),
        ("facts.yaml", yaml),
        ("bulk.jsonl", &jsonl),
    ]);
    let out = Test::new(ws.path()).args(&["check", "."]).expect_code(2);
    let e = &out.stderr;
    assert!(e.contains("bulk.jsonl:2:1"), "{e}");
    assert!(e.contains("relation"), "{e}");
    assert!(e.contains("bulk.jsonl:3:1"), "{e}");
    assert!(e.contains("each line is one JSON object"), "{e}");
    assert!(e.contains("bulk.jsonl:4:5"), "{e}");
    assert!(e.contains("`args` maps slot names to values"), "{e}");
    assert!(e.contains("`negated` is `true` or `false`"), "{e}");
    insta::assert_snapshot!("bad_jsonl_lines", e);
}

#[test]
fn a_line_cut_inside_a_character_is_an_error_at_its_place() {
    let dir = workspace(&[
        (
            "rules.claims",
            "relation ties: {a:org} works with {b:org}\nentity Côte (org)\n",
        ),
        ("facts.yaml", "sources:\n  - id: s0\n"),
    ]);
    // "Côte" with the second byte of `ô` cut off.
    let mut bytes = b"{\"relation\":\"ties\"}\n{\"relation\":\"ties\",\"args\":{\"a\":\"C".to_vec();
    bytes.push(0xC3);
    bytes.extend_from_slice(b"\n");
    std::fs::write(dir.path().join("bulk.jsonl"), bytes).unwrap();
    let out = Test::new(dir.path()).args(&["check", "."]).expect_code(2);
    assert!(out.stderr.contains("bulk.jsonl:2:34"), "{}", out.stderr);
    assert!(out.stderr.contains("not UTF-8 text"), "{}", out.stderr);
}

#[test]
fn timings_name_every_stage_on_stderr() {
    let ws = bulk(50);
    let out = Test::new(ws.path())
        .args(&["check", ".", "--timings"])
        .expect_code(0);
    for stage in [
        "read", "parse", "resolve", "index", "evaluate", "report", "total",
    ] {
        assert!(
            out.stderr
                .lines()
                .any(|l| l.starts_with(&format!("timing {stage} ")) && l.ends_with('s')),
            "{stage}: {}",
            out.stderr
        );
    }
    let plain = Test::new(ws.path()).args(&["check", "."]).expect_code(0);
    assert_eq!(plain.stdout, out.stdout);
    assert!(plain.stderr.is_empty());
}

#[test]
fn folders_skip_hidden_and_editor_files_links_twice_and_loops() {
    let rules = "relation ties: {a:org} works with {b:org}\nentity Org0 Co (org)\nentity Org1 Co (org)\nassert: Org0 Co works with Org1 Co\n";
    let ws = workspace(&[
        ("w/rules.claims", rules),
        (
            "w/facts.yaml",
            "sources:\n  - id: s0\nfacts:\n  - says: Org0 Co works with Org1 Co\n    source: s0\n",
        ),
        // Editor and hidden files: broken on purpose, never read.
        ("w/.#rules.claims", "this is not a rule file\n"),
        ("w/.rules.claims.swp", "nor this\n"),
        ("w/rules.claims~", "nor this\n"),
        ("w/.hidden/more.claims", "nor this\n"),
    ]);
    #[cfg(unix)]
    {
        let w = ws.path().join("w");
        // A second path to the same file, and a link back up the tree.
        std::os::unix::fs::symlink(w.join("rules.claims"), w.join("again.claims")).unwrap();
        std::os::unix::fs::symlink(&w, w.join("loop")).unwrap();
    }
    let out = Test::new(ws.path()).args(&["check", "w"]).expect_code(0);
    assert!(
        out.stdout.ends_with("1 passed, 0 failed\n"),
        "{}",
        out.stdout
    );
    assert!(out.stderr.is_empty(), "{}", out.stderr);
}

#[test]
fn a_file_over_its_size_limit_is_an_error_and_the_flag_moves_it() {
    let ws = bulk(20);
    let out = Test::new(ws.path())
        .args(&["check", ".", "--max-jsonl-file", "100"])
        .expect_code(2);
    assert!(
        out.stderr
            .contains("file is larger than the limit of 100 bytes"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("bulk.jsonl"), "{}", out.stderr);
    let out = Test::new(ws.path())
        .args(&["check", ".", "--max-text-file", "10"])
        .expect_code(2);
    assert!(out.stderr.contains("rules.claims"), "{}", out.stderr);
    Test::new(ws.path())
        .args(&["check", ".", "--max-jsonl-file", "100000000"])
        .expect_code(0);
}

/// A top-level key pasted into the middle of a long facts list turns every
/// fact after it into an entity with unknown keys: tens of thousands of
/// errors in one file. They are counted, the first few shown, and every one
/// is in the JSON report at its line and column (each error once placed
/// through one line index of the file: this took minutes when each error
/// rescanned the file).
#[test]
fn many_errors_in_one_large_file_are_counted_and_placed() {
    let mut yaml = String::from("sources:\n  - id: s0\nfacts:\n");
    let items = 6000;
    for i in 0..items {
        if i == 10 {
            yaml.push_str("entities:\n");
        }
        yaml.push_str(&format!(
            "  - says: Org{} Co works with Org{} Co\n    source: s0\n    note: item {i}\n",
            i % 2,
            (i + 1) % 2
        ));
    }
    let rules = "relation ties: {a:org} works with {b:org}\nentity Org0 Co (org)\nentity Org1 Co (org)\nexpect supported: Org0 Co works with Org1 Co\n";
    let ws = workspace(&[("rules.claims", rules), ("facts.yaml", &yaml)]);
    let out = Test::new(ws.path()).args(&["check", "."]).expect_code(2);
    // Each item after the key: three errors, as an entity.
    let errors = 3 * (items - 10);
    assert!(
        out.stderr
            .contains(&format!("could not be loaded ({errors} errors)")),
        "{}",
        &out.stderr[out.stderr.len().saturating_sub(300)..]
    );
    assert!(out.stderr.contains("more errors not shown"));
    let json = Test::new(ws.path())
        .args(&["check", ".", "--format", "json"])
        .expect_code(2);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let listed = report["errors"].as_array().unwrap();
    assert_eq!(listed.len(), errors);
    // The last error is the last item's `note` key: the file's last line,
    // column 5.
    let last = listed.last().unwrap();
    let lines = yaml.lines().count();
    assert_eq!(last["line"], serde_json::json!(lines));
    assert_eq!(last["col"], serde_json::json!(5));
}

/// Many quotes checked against one document: each missing quote is one
/// error at its fact's line, naming the passage that shares the most words
/// with it, and the quotes found are silent (the document is read and
/// folded once, and the quotes are looked for in parallel).
#[test]
fn every_missing_quote_names_its_closest_passage() {
    let n = 2000;
    let doc: String = (0..n)
        .map(|i| format!("W{i}a w{i}b w{i}c w{i}d.\n"))
        .collect();
    let mut jsonl = String::new();
    let mut missing = Vec::new();
    for i in 0..n {
        let quote = match i % 4 {
            // One word changed: not in the text.
            3 => {
                missing.push((i + 1, i));
                format!("w{i}a w{i}b w{i}x w{i}d")
            }
            _ => format!("w{i}b  W{i}c"),
        };
        jsonl.push_str(&format!(
            "{{\"relation\":\"ties\",\"args\":{{\"a\":\"Org0 Co\",\"b\":\"Org1 Co\"}},\"source\":\"s{}\",\"quote\":\"{quote}\"}}\n",
            i % 2
        ));
    }
    let ws = workspace(&[
        (
            "rules.claims",
            "relation ties: {a:org} works with {b:org}\nentity Org0 Co (org)\nentity Org1 Co (org)\nexpect supported: Org0 Co works with Org1 Co\n",
        ),
        (
            "facts.yaml",
            "sources:\n  - id: s0\n    text: doc.txt\n  - id: s1\n    via: s0\n",
        ),
        ("doc.txt", &doc),
        ("bulk.jsonl", &jsonl),
    ]);
    let out = Test::new(ws.path())
        .args(&["check", ".", "--max-errors", "100000"])
        .expect_code(2);
    let e = &out.stderr;
    assert_eq!(
        e.matches("is not in the text of").count(),
        missing.len(),
        "{e}"
    );
    // Each error's block (its message, then its place), in file order.
    let blocks: Vec<&str> = e
        .split("error: ")
        .filter(|b| b.contains("bulk.jsonl:"))
        .collect();
    assert_eq!(blocks.len(), missing.len(), "{e}");
    for (block, (line, i)) in blocks.iter().zip(missing) {
        assert!(block.contains(&format!("bulk.jsonl:{line}:")), "{block}");
        let passage = format!("the closest passage is \"w{i}a w{i}b w{i}c w{i}d.\"");
        assert!(block.contains(&passage), "{block}");
        if i % 2 == 1 {
            assert!(
                block.contains("of `s1` is not in the text of `s0`"),
                "{block}"
            );
        }
    }
}
