//! Data-driven cases: each folder of tests/cases is a small self-checking
//! workspace (rules + facts with `expect` lines). Each must exit 0 (or 1 when
//! it holds `EXPECT_EXIT_1`), and its report is pinned as a snapshot.

use crate::Test;

#[test]
fn cases() {
    insta::glob!("../cases", "*/facts.yaml", |path| {
        let dir = path.parent().unwrap();
        let code = if dir.join("EXPECT_EXIT_1").exists() {
            1
        } else {
            0
        };
        let out = Test::new(dir).args(&["check", "."]).expect_code(code);
        insta::assert_snapshot!(out.stdout);
    });
}

#[test]
fn cases_give_the_same_bytes_in_json() {
    insta::glob!("../cases", "*/facts.yaml", |path| {
        let dir = path.parent().unwrap();
        let a = Test::new(dir)
            .args(&["check", ".", "--format", "json"])
            .run();
        let b = Test::new(dir)
            .args(&["check", "--format", "json", "."])
            .run();
        assert_eq!(a.stdout, b.stdout);
        let v: serde_json::Value = serde_json::from_str(&a.stdout).expect("valid JSON");
        assert_eq!(v["version"], 2);
        let failed = v["failed"].as_u64().unwrap();
        assert_eq!(failed > 0, a.code == 1, "{}", dir.display());
    });
}
