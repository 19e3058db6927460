//! The command line: clap's parse of the arguments (no I/O there), then one
//! function per command that loads, evaluates and writes. Returns the exit
//! code; `main` only calls `run`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::analyze::Options;
use crate::eval::{check, Evaluator};
use crate::load::{FileKind, Files};
use crate::report::{self, human::Style, Run};
use crate::Timings;

#[derive(Parser, Debug)]
#[command(
    name = "claimcheck",
    version,
    about = "Check claims against facts extracted from sources"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Print how long each stage took to stderr (`timing read 0.123s`, …).
    #[arg(long, global = true)]
    pub timings: bool,
    /// Largest `.claims` or `.yaml` file read, in bytes.
    #[arg(long, global = true, value_name = "BYTES", default_value_t = crate::load::MAX_TEXT_FILE)]
    pub max_text_file: u64,
    /// Largest `.jsonl` file read, in bytes (at most 4294967295).
    #[arg(long, global = true, value_name = "BYTES", default_value_t = crate::load::MAX_JSONL_FILE)]
    pub max_jsonl_file: u64,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Junit,
    Github,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ConflictFormat {
    Human,
    Json,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Evaluate every assertion of the workspace (default: rules/ and fixtures/).
    Check {
        /// Rule files, fact files, or folders to search.
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// Exit 1 when any two facts of the workspace conflict.
        #[arg(long)]
        fail_on_conflict: bool,
        /// Let a source's `text:` point outside the workspace.
        #[arg(long)]
        allow_outside_paths: bool,
    },
    /// Show the evidence tree of the assertion at FILE:LINE.
    Explain {
        /// A rule file and the line of an assertion in it, as `rules/axis.claims:12`.
        location: String,
        paths: Vec<PathBuf>,
        #[arg(long)]
        allow_outside_paths: bool,
    },
    /// Rewrite `.claims` files in the canonical layout (comments kept).
    Fmt {
        /// Report the files that would change and exit 1; write nothing.
        #[arg(long)]
        check: bool,
        paths: Vec<PathBuf>,
    },
    /// Print a shell completion script (bash, zsh or fish) to stdout.
    Completions {
        #[arg(value_enum)]
        shell: Shell,
    },
    /// List every pair of facts where one would refute what the other asserts.
    Conflicts {
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "human")]
        format: ConflictFormat,
        /// Exit 1 when any conflict exists.
        #[arg(long)]
        fail_on_conflict: bool,
        #[arg(long)]
        allow_outside_paths: bool,
    },
    /// Serve the Language Server Protocol on stdin/stdout (for editors).
    Lsp,
    /// Evaluate one claim: its verdict and the evidence on each side.
    Eval {
        /// The claim, in the rule language (may end with `as of DATE`).
        claim: String,
        paths: Vec<PathBuf>,
        #[arg(long)]
        allow_outside_paths: bool,
    },
}

thread_local! {
    /// The file size limits of this run (set from the flags by `run`).
    static LIMITS: std::cell::Cell<crate::load::Limits> =
        std::cell::Cell::new(crate::load::Limits::default());
}

/// Exit codes (docs/language.md §17).
pub const EXIT_OK: i32 = 0;
pub const EXIT_FAILED: i32 = 1;
pub const EXIT_LOAD: i32 = 2;

fn color(stream_is_terminal: bool) -> bool {
    stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Runs the command line; returns the process's exit code.
pub fn run(args: Vec<String>) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_LOAD } else { EXIT_OK };
        }
    };
    let mut stdout = std::io::stdout().lock();
    let mut timings = Timings::default();
    LIMITS.with(|l| {
        l.set(crate::load::Limits {
            text: cli.max_text_file,
            jsonl: cli.max_jsonl_file,
        })
    });
    let code = match cli.command {
        Command::Check {
            paths,
            format,
            fail_on_conflict,
            allow_outside_paths,
        } => check_command(
            &mut stdout,
            &paths,
            format,
            fail_on_conflict,
            allow_outside_paths,
            &mut timings,
        ),
        Command::Eval {
            claim,
            paths,
            allow_outside_paths,
        } => eval_command(
            &mut stdout,
            &claim,
            &paths,
            allow_outside_paths,
            &mut timings,
        ),
        Command::Explain {
            location,
            paths,
            allow_outside_paths,
        } => explain_command(
            &mut stdout,
            &location,
            &paths,
            allow_outside_paths,
            &mut timings,
        ),
        Command::Fmt { check, paths } => fmt_command(&mut stdout, check, &paths),
        Command::Lsp => {
            // The server owns stdout for the protocol.
            drop(stdout);
            return crate::lsp::run();
        }
        Command::Completions { shell } => {
            let shell = match shell {
                Shell::Bash => clap_complete::Shell::Bash,
                Shell::Zsh => clap_complete::Shell::Zsh,
                Shell::Fish => clap_complete::Shell::Fish,
            };
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "claimcheck", &mut stdout);
            EXIT_OK
        }
        Command::Conflicts {
            paths,
            format,
            fail_on_conflict,
            allow_outside_paths,
        } => conflicts_command(
            &mut stdout,
            &paths,
            format,
            fail_on_conflict,
            allow_outside_paths,
            &mut timings,
        ),
    };
    let _ = stdout.flush();
    if cli.timings {
        let _ = write!(std::io::stderr(), "{}", timings.render());
    }
    code
}

fn check_command(
    out: &mut impl Write,
    paths: &[PathBuf],
    format: Format,
    fail_on_conflict: bool,
    allow_outside_paths: bool,
    timings: &mut Timings,
) -> i32 {
    let ws = match load(paths, allow_outside_paths, timings) {
        Ok(ws) => ws,
        Err(code) => return code,
    };
    // A large workspace is never torn down: the process ends right after.
    let ws = &*Box::leak(Box::new(ws));
    let results = timings.time("evaluate", || check(&ws.model));
    let run = Run {
        files: &ws.files,
        model: &ws.model,
        results: &results,
    };
    let text = timings.time("report", || match format {
        Format::Human => report::human::render(&run, stdout_style()),
        Format::Json => report::json::render(&run),
        Format::Junit => report::ci::junit(&run),
        Format::Github => report::ci::github(&run),
    });
    let _ = out.write_all(text.as_bytes());
    std::mem::forget(text);
    let failed = run.failed();
    std::mem::forget(results);
    let conflicted = fail_on_conflict && !crate::conflicts::find(&ws.model).conflicts.is_empty();
    if conflicted {
        let _ = writeln!(
            std::io::stderr(),
            "claimcheck: facts conflict (see `claimcheck conflicts`)"
        );
    }
    if failed > 0 || conflicted {
        EXIT_FAILED
    } else {
        EXIT_OK
    }
}

fn eval_command(
    out: &mut impl Write,
    claim: &str,
    paths: &[PathBuf],
    allow_outside_paths: bool,
    timings: &mut Timings,
) -> i32 {
    let ws = match load(paths, allow_outside_paths, timings) {
        Ok(ws) => ws,
        Err(code) => return code,
    };
    let mut files: Files = ws.files.clone();
    let file = files.add_text("<claim>", FileKind::Text, claim);
    let (c, as_of) = match crate::analyze::read_claim(&ws.model, file, claim) {
        Ok(x) => x,
        Err(errors) => return load_failed(&crate::LoadFailure { files, errors }),
    };
    let outcome = Evaluator::new(&ws.model, as_of.map(|v| v.interval)).eval(&c);
    for w in crate::value::claim_warnings(&c, file) {
        let _ = writeln!(std::io::stderr(), "{}", files.render(&w));
    }
    for hint in crate::value::unit_hints(&ws.model, &c) {
        let _ = writeln!(std::io::stderr(), "hint: {hint}");
    }
    let _ = write!(
        out,
        "{}",
        report::human::render_outcome(&ws.model, claim, &outcome, stdout_style())
    );
    EXIT_OK
}

/// Whether the file shown as `shown` is the one the user named `wanted`
/// (either may be a path suffix of the other).
fn names_file(shown: &str, wanted: &str) -> bool {
    shown == wanted
        || shown.ends_with(&format!("/{wanted}"))
        || wanted.ends_with(&format!("/{shown}"))
}

fn explain_command(
    out: &mut impl Write,
    location: &str,
    paths: &[PathBuf],
    allow_outside_paths: bool,
    timings: &mut Timings,
) -> i32 {
    let Some((file, line)) = location
        .rsplit_once(':')
        .and_then(|(f, l)| Some((f, l.parse::<u32>().ok()?)))
    else {
        let _ = writeln!(
            std::io::stderr(),
            "error: expected FILE:LINE (as in rules/axis.claims:12), found `{location}`"
        );
        return EXIT_LOAD;
    };
    let ws = match load(paths, allow_outside_paths, timings) {
        Ok(ws) => ws,
        Err(code) => return code,
    };
    let wanted = file.trim_start_matches("./").replace('\\', "/");
    let in_file: Vec<&crate::model::Assertion> = ws
        .model
        .assertions
        .iter()
        .filter(|a| names_file(&ws.files.get(a.file).display, &wanted))
        .collect();
    let Some(a) = in_file.iter().find(|a| a.line == line) else {
        let hint = if in_file.is_empty() {
            "no rule file of the workspace has that name".to_string()
        } else {
            let lines: Vec<String> = in_file.iter().map(|a| a.line.to_string()).collect();
            format!(
                "assertions of that file start on lines {}",
                lines.join(", ")
            )
        };
        let _ = writeln!(
            std::io::stderr(),
            "error: no assertion starts at {location}: {hint}"
        );
        return EXIT_LOAD;
    };
    let expected = match &a.expectation {
        crate::syntax::ast::Expectation::Verdict(v) => format!("expect {v}"),
        crate::syntax::ast::Expectation::Check => "check".to_string(),
    };
    let as_of = a
        .as_of
        .as_ref()
        .map_or(String::new(), |v| format!(", as of {}", v.text));
    let tree =
        crate::explain::Explainer::new(&ws.model, a.as_of.clone()).explain(&a.claim, &a.text);
    let _ = writeln!(
        out,
        "{}:{}  {expected}{as_of}",
        ws.files.get(a.file).display,
        a.line
    );
    let _ = write!(
        out,
        "{}",
        crate::explain::render(&ws.model, &ws.files, &tree)
    );
    EXIT_OK
}

fn fmt_command(out: &mut impl Write, check: bool, paths: &[PathBuf]) -> i32 {
    let (files, errors) = crate::load::load_with(paths, &LIMITS.with(std::cell::Cell::get));
    if !errors.is_empty() {
        return load_failed(&crate::LoadFailure { files, errors });
    }
    let mut changed = 0;
    for f in files.files.iter().filter(|f| f.kind == FileKind::Rules) {
        // Loading drops a byte order mark; fmt puts back the one on disk.
        let bom = std::fs::read(&f.path).is_ok_and(|b| b.starts_with("\u{feff}".as_bytes()));
        let original = if bom {
            format!("\u{feff}{}", f.text)
        } else {
            f.text.clone()
        };
        let formatted = crate::fmt::format(&original);
        if formatted == original {
            continue;
        }
        changed += 1;
        if check {
            let _ = writeln!(out, "{}", f.display);
        } else if let Err(e) = std::fs::write(&f.path, formatted) {
            let _ = writeln!(std::io::stderr(), "error: cannot write {}: {e}", f.display);
            return EXIT_LOAD;
        } else {
            let _ = writeln!(out, "formatted {}", f.display);
        }
    }
    if check && changed > 0 {
        EXIT_FAILED
    } else {
        EXIT_OK
    }
}

fn conflicts_command(
    out: &mut impl Write,
    paths: &[PathBuf],
    format: ConflictFormat,
    fail_on_conflict: bool,
    allow_outside_paths: bool,
    timings: &mut Timings,
) -> i32 {
    let ws = match load(paths, allow_outside_paths, timings) {
        Ok(ws) => ws,
        Err(code) => return code,
    };
    let found = crate::conflicts::find(&ws.model);
    let text = match format {
        ConflictFormat::Human => {
            report::human::render_conflicts(&ws.files, &ws.model, &found, stdout_style())
        }
        ConflictFormat::Json => {
            let run = Run {
                files: &ws.files,
                model: &ws.model,
                results: &[],
            };
            report::json::render_conflicts(&run, &found)
        }
    };
    let _ = out.write_all(text.as_bytes());
    if fail_on_conflict && !found.conflicts.is_empty() {
        EXIT_FAILED
    } else {
        EXIT_OK
    }
}

/// A spinner on stderr while loading, shown only when loading takes more
/// than a second and stderr is a terminal (never in CI logs or pipes).
struct Progress {
    done: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    fn start() -> Progress {
        use std::sync::atomic::Ordering;
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let thread = std::io::stderr().is_terminal().then(|| {
            let done = done.clone();
            std::thread::spawn(move || {
                let tick = std::time::Duration::from_millis(50);
                let start = std::time::Instant::now();
                while start.elapsed() < std::time::Duration::from_secs(1) {
                    if done.load(Ordering::Relaxed) {
                        return;
                    }
                    std::thread::sleep(tick);
                }
                let bar = indicatif::ProgressBar::new_spinner();
                if let Ok(style) = indicatif::ProgressStyle::with_template(
                    "{spinner} loading the workspace {elapsed}",
                ) {
                    bar.set_style(style);
                }
                bar.enable_steady_tick(std::time::Duration::from_millis(100));
                while !done.load(Ordering::Relaxed) {
                    std::thread::sleep(tick);
                }
                bar.finish_and_clear();
            })
        });
        Progress { done, thread }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.done.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Loads the workspace, or prints why not and gives the exit code.
fn load(
    paths: &[PathBuf],
    allow_outside_paths: bool,
    timings: &mut Timings,
) -> Result<crate::Workspace, i32> {
    let progress = Progress::start();
    let loaded = crate::load_workspace_timed(
        paths,
        &Options {
            allow_outside_paths,
        },
        &LIMITS.with(std::cell::Cell::get),
        timings,
    );
    drop(progress);
    loaded.map_err(|f| load_failed(&f)).inspect(|ws| {
        let mut err = std::io::stderr().lock();
        for w in crate::value::warnings(&ws.model).iter().chain(&ws.warnings) {
            let _ = writeln!(err, "{}", ws.files.render(w));
        }
    })
}

/// Colour when stdout is a terminal and `NO_COLOR` is not set.
fn stdout_style() -> Style {
    Style {
        color: color(std::io::stdout().is_terminal()),
    }
}

fn load_failed(f: &crate::LoadFailure) -> i32 {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{}", f.render());
    let n = f.errors.len();
    let _ = writeln!(
        err,
        "claimcheck: the workspace could not be loaded ({n} error{})",
        if n == 1 { "" } else { "s" }
    );
    EXIT_LOAD
}
