//! Error cases: each folder of tests/errors is a workspace that must fail to
//! load (exit 2). Every line of its `expected.txt` must appear in stderr (the
//! place, the wrong name, the suggestion), and stderr is pinned as a snapshot.

use crate::Test;

#[test]
fn errors() {
    insta::glob!("../errors", "*/expected.txt", |path| {
        let dir = path.parent().unwrap();
        let out = Test::new(dir).args(&["check", "."]).expect_code(2);
        let expected = std::fs::read_to_string(path).unwrap();
        for line in expected.lines().filter(|l| !l.trim().is_empty()) {
            assert!(
                out.stderr.contains(line),
                "{}: stderr lacks {line:?}\n{}",
                dir.display(),
                out.stderr
            );
        }
        assert!(
            out.stdout.is_empty(),
            "nothing on stdout when loading fails"
        );
        insta::assert_snapshot!(out.stderr);
    });
}
