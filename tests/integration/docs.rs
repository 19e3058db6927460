//! The examples of README.md and docs/language.md, run through the binary so
//! that they cannot rot.
//!
//! A fenced block whose info string has `example=NAME` belongs to the example
//! workspace NAME; with `file=PATH` it is that file of the workspace (blocks of
//! one example may sit in different sections). A `console` block of an example
//! is a run: its first line is `$ claimcheck ARGS…` (arguments split at spaces,
//! `"…"` and `'…'` keep spaces), and every further non-blank line must appear,
//! trimmed, in stdout or stderr. `exit=N` on the block is the expected exit
//! code (default 0). An example without a `console` block is checked with
//! `claimcheck check`, which must exit 0: its rule files say the verdicts they
//! expect with `assert:` and `expect VERDICT:` lines.

use std::collections::BTreeMap;

use crate::{root, Test};

#[derive(Default)]
struct Example {
    files: Vec<(String, String)>,
    runs: Vec<Run>,
    /// Where the example first appears, for failure messages.
    at: String,
}

struct Run {
    args: Vec<String>,
    expected: Vec<String>,
    code: i32,
    at: String,
}

/// Splits `claimcheck check "a b" c` into words, quotes keeping spaces.
fn split_args(line: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut any = false;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                any = true;
            }
            (None, c) if c.is_whitespace() => {
                if any || !cur.is_empty() {
                    args.push(std::mem::take(&mut cur));
                }
                any = false;
            }
            (None, c) => cur.push(c),
        }
    }
    if any || !cur.is_empty() {
        args.push(cur);
    }
    args
}

/// Every example of a Markdown file, by name.
fn examples(doc: &str, text: &str) -> BTreeMap<String, Example> {
    let mut out: BTreeMap<String, Example> = BTreeMap::new();
    let mut lines = text.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        let Some(info) = line.strip_prefix("```") else {
            continue;
        };
        let mut body = Vec::new();
        for (_, l) in lines.by_ref() {
            if l.starts_with("```") {
                break;
            }
            body.push(l);
        }
        let mut words = info.split_whitespace();
        let lang = words.next().unwrap_or("");
        let attrs: BTreeMap<&str, &str> = words.filter_map(|w| w.split_once('=')).collect();
        let Some(name) = attrs.get("example") else {
            continue;
        };
        let at = format!("{doc}:{}", n + 1);
        let ex = out.entry(name.to_string()).or_default();
        if ex.at.is_empty() {
            ex.at = at.clone();
        }
        if lang == "console" {
            let (first, rest) = body
                .split_first()
                .unwrap_or_else(|| panic!("{at}: empty run"));
            let cmd = first
                .strip_prefix("$ claimcheck ")
                .unwrap_or_else(|| panic!("{at}: a run starts with `$ claimcheck`"));
            ex.runs.push(Run {
                args: split_args(cmd),
                expected: rest
                    .iter()
                    .map(|l| l.trim().to_string())
                    .filter(|l| !l.is_empty())
                    .collect(),
                code: attrs.get("exit").map_or(0, |c| c.parse().unwrap()),
                at,
            });
        } else if let Some(path) = attrs.get("file") {
            let mut text = body.join("\n");
            text.push('\n');
            ex.files.push((path.to_string(), text));
        } else {
            panic!("{at}: an example block needs `file=PATH` or to be a `console` run");
        }
    }
    out
}

fn run_examples(doc: &str) -> usize {
    let text = std::fs::read_to_string(root().join(doc)).unwrap();
    let all = examples(doc, &text);
    for (name, ex) in &all {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in &ex.files {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            let mut old = std::fs::read_to_string(&p).unwrap_or_default();
            old.push_str(text);
            std::fs::write(&p, old).unwrap();
        }
        let default = [Run {
            args: vec!["check".into()],
            expected: Vec::new(),
            code: 0,
            at: ex.at.clone(),
        }];
        let runs = if ex.runs.is_empty() {
            &default[..]
        } else {
            &ex.runs[..]
        };
        for run in runs {
            let args: Vec<&str> = run.args.iter().map(String::as_str).collect();
            let out = Test::new(dir.path()).args(&args).run();
            let both = format!("{}{}", out.stdout, out.stderr);
            assert_eq!(
                out.code, run.code,
                "example `{name}` ({}): exit code of claimcheck {args:?}\n{both}",
                run.at
            );
            for line in &run.expected {
                assert!(
                    both.contains(line.as_str()),
                    "example `{name}` ({}): the output lacks {line:?}\n{both}",
                    run.at
                );
            }
        }
    }
    all.len()
}

#[test]
fn the_readme_examples_work_verbatim() {
    assert!(run_examples("README.md") >= 1);
}

#[test]
fn the_language_reference_examples_work() {
    assert!(run_examples("docs/language.md") >= 15);
}

#[test]
fn args_split_like_a_shell() {
    assert_eq!(
        split_args(r#"eval "Iran sold arms to Russia" . --format json"#),
        ["eval", "Iran sold arms to Russia", ".", "--format", "json"]
    );
    assert_eq!(split_args("eval ''"), ["eval", ""]);
}

/// Every text file of the repository, outside build output and VCS folders.
fn repository_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if path.is_dir() {
            if !["target", ".git"].contains(&name.as_str()) {
                repository_files(&path, out);
            }
        } else {
            out.push(path);
        }
    }
}

// Users have only the repository: no file may send them to a specification
// outside it (the reference is docs/language.md).
#[test]
fn no_file_refers_to_a_specification_outside_the_repository() {
    let banned = [
        concat!("SPEC", ".md"),
        concat!("../", "shared"),
        concat!("SPEC", " §"),
        concat!("SPEC", " 2."),
        concat!("the ", "SPEC"),
    ];
    let mut files = Vec::new();
    repository_files(&root(), &mut files);
    let mut found = Vec::new();
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        for b in banned {
            if text.contains(b) {
                found.push(format!("{} mentions {b:?}", f.display()));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
