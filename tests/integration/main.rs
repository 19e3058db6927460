//! One integration-test binary, a module per feature. `Test` runs the real
//! binary in a folder and checks its exit status and output together.

mod cases;
mod cli;
mod diagnostics;
mod docs;
mod errors;
mod hostile;
mod logic;
mod lsp;
mod reports;
mod scale;
mod synth;
mod units;

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// A run of the `claimcheck` binary.
pub struct Test {
    args: Vec<String>,
    dir: PathBuf,
    env: Vec<(String, String)>,
}

impl Test {
    pub fn new(dir: impl AsRef<Path>) -> Test {
        Test {
            args: Vec::new(),
            dir: dir.as_ref().to_path_buf(),
            env: Vec::new(),
        }
    }

    pub fn arg(mut self, a: &str) -> Test {
        self.args.push(a.to_string());
        self
    }

    pub fn args(mut self, a: &[&str]) -> Test {
        self.args.extend(a.iter().map(|s| s.to_string()));
        self
    }

    pub fn env(mut self, k: &str, v: &str) -> Test {
        self.env.push((k.into(), v.into()));
        self
    }

    #[track_caller]
    pub fn run(&self) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_claimcheck"));
        cmd.args(&self.args)
            .current_dir(&self.dir)
            .env_remove("NO_COLOR");
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("the binary runs");
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        }
    }

    /// Runs and checks the exit code, showing both streams on a mismatch.
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> Output {
        let out = self.run();
        assert_eq!(
            out.code,
            code,
            "exit code of claimcheck {:?} in {}\n--- stdout\n{}\n--- stderr\n{}",
            self.args,
            self.dir.display(),
            out.stdout,
            out.stderr
        );
        out
    }
}

/// The repository's root (where `rules/` and `fixtures/` are).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A scratch workspace with the given files.
pub fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}
