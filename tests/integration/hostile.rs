//! Hostile inputs: each folder of tests/hostile is a workspace that once
//! crashed, hung or misread (found by fuzzing or by hand). `expected.txt`
//! says how a run must end:
//!
//! ```text
//! args: check .            (optional; `check .` when absent)
//! exit 2
//! stderr: rules.claims:1:15 (a line that must appear in stderr)
//! stdout: 1 passed          (a line that must appear in stdout)
//! ```
//!
//! Every run must also keep its error output under 1 MB.

use crate::Test;

#[test]
fn hostile_inputs() {
    let root = crate::root().join("tests/hostile");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .expect("tests/hostile exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expected.txt").is_file())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty());
    for dir in dirs {
        let expected = std::fs::read_to_string(dir.join("expected.txt")).unwrap();
        let mut args: Vec<String> = vec!["check".into(), ".".into()];
        let mut code = None;
        let mut wants = Vec::new();
        for line in expected.lines().filter(|l| !l.trim().is_empty()) {
            if let Some(a) = line.strip_prefix("args:") {
                args = a.split_whitespace().map(str::to_string).collect();
            } else if let Some(c) = line.strip_prefix("exit ") {
                code = Some(c.trim().parse::<i32>().expect("exit code"));
            } else if let Some(s) = line.strip_prefix("stderr: ") {
                wants.push((true, s.to_string()));
            } else if let Some(s) = line.strip_prefix("stdout: ") {
                wants.push((false, s.to_string()));
            } else {
                panic!("{}: unknown line {line:?}", dir.display());
            }
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = Test::new(&dir)
            .args(&args)
            .expect_code(code.expect("expected.txt names the exit code"));
        for (err, want) in wants {
            let stream = if err { &out.stderr } else { &out.stdout };
            assert!(
                stream.contains(&want),
                "{}: {} lacks {want:?}\n{stream}",
                dir.display(),
                if err { "stderr" } else { "stdout" }
            );
        }
        assert!(
            out.stderr.len() < 1 << 20,
            "{}: error output",
            dir.display()
        );
    }
}
