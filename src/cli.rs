//! The command line: clap's parse of the arguments (no I/O there), then one
//! function per command that loads, evaluates and writes. Returns the exit
//! code; `main` only calls `run`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::analyze::Options;
use crate::eval::{check, Evaluator};
use crate::limits::Limits;
use crate::load::{FileKind, Files};
use crate::report::{self, human::Style, Run};

#[derive(Parser, Debug)]
#[command(
    name = "claimcheck",
    version,
    about = "Check claims against facts extracted from sources"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
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
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Show the evidence tree of the assertion at FILE:LINE.
    Explain {
        /// A rule file and the line of an assertion in it, as `rules/axis.claims:12`.
        location: String,
        paths: Vec<PathBuf>,
        #[arg(long)]
        allow_outside_paths: bool,
        #[command(flatten)]
        limits: LimitArgs,
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
        #[command(flatten)]
        limits: LimitArgs,
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
        #[command(flatten)]
        limits: LimitArgs,
    },
}

/// Limits on work (README, "Limits"): each stops a run with a clear error
/// instead of letting hostile input run for minutes or flood the log.
#[derive(clap::Args, Debug, Clone)]
pub struct LimitArgs {
    /// Errors shown before the rest are only counted.
    #[arg(long, value_name = "N", default_value_t = Limits::default().errors)]
    pub max_errors: usize,
    /// Steps tried matching one template at one position of a claim.
    #[arg(long, value_name = "N", default_value_t = Limits::default().match_steps)]
    pub max_match_steps: usize,
    /// Definitions using definitions, deepest chain.
    #[arg(long, value_name = "N", default_value_t = Limits::default().definition_depth)]
    pub max_definition_depth: usize,
    /// Quantifier bindings of one claim (nested quantifiers multiply).
    #[arg(long, value_name = "N", default_value_t = Limits::default().bindings)]
    pub max_bindings: u128,
    /// Atom evaluations of one claim (atoms × bindings around them).
    #[arg(long, value_name = "N", default_value_t = Limits::default().work)]
    pub max_work: u128,
    /// Pairs of facts examined for conflicts among the facts of one key.
    #[arg(long, value_name = "N", default_value_t = Limits::default().conflicts_per_key)]
    pub max_conflicts_per_key: usize,
    /// `via` steps from a source to its document.
    #[arg(long, value_name = "N", default_value_t = Limits::default().via_depth)]
    pub max_via_depth: usize,
}

impl LimitArgs {
    pub fn limits(&self) -> Limits {
        Limits {
            errors: self.max_errors,
            match_steps: self.max_match_steps,
            definition_depth: self.max_definition_depth,
            bindings: self.max_bindings,
            work: self.max_work,
            conflicts_per_key: self.max_conflicts_per_key,
            via_depth: self.max_via_depth,
        }
    }
}

/// The limits of this run, set once the arguments are parsed.
static LIMITS: std::sync::RwLock<Option<Limits>> = std::sync::RwLock::new(None);

fn limits() -> Limits {
    LIMITS
        .read()
        .ok()
        .and_then(|l| l.clone())
        .unwrap_or_default()
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
    let run_limits = match &cli.command {
        Command::Check { limits, .. }
        | Command::Explain { limits, .. }
        | Command::Conflicts { limits, .. }
        | Command::Eval { limits, .. } => limits.limits(),
        _ => Limits::default(),
    };
    if let Ok(mut l) = LIMITS.write() {
        *l = Some(run_limits);
    }
    let mut stdout = std::io::stdout().lock();
    let code = match cli.command {
        Command::Check {
            paths,
            format,
            fail_on_conflict,
            allow_outside_paths,
            ..
        } => check_command(
            &mut stdout,
            &paths,
            format,
            fail_on_conflict,
            allow_outside_paths,
        ),
        Command::Eval {
            claim,
            paths,
            allow_outside_paths,
            ..
        } => eval_command(&mut stdout, &claim, &paths, allow_outside_paths),
        Command::Explain {
            location,
            paths,
            allow_outside_paths,
            ..
        } => explain_command(&mut stdout, &location, &paths, allow_outside_paths),
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
            // Into memory first: clap_complete panics when a write fails,
            // and a closed pipe (`| head`) must end the command quietly.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cmd, "claimcheck", &mut script);
            let _ = stdout.write_all(&script);
            EXIT_OK
        }
        Command::Conflicts {
            paths,
            format,
            fail_on_conflict,
            allow_outside_paths,
            ..
        } => conflicts_command(
            &mut stdout,
            &paths,
            format,
            fail_on_conflict,
            allow_outside_paths,
        ),
    };
    let _ = stdout.flush();
    code
}

fn check_command(
    out: &mut impl Write,
    paths: &[PathBuf],
    format: Format,
    fail_on_conflict: bool,
    allow_outside_paths: bool,
) -> i32 {
    let ws = match load(paths, allow_outside_paths) {
        Ok(ws) => ws,
        Err(code) => return code,
    };
    let results = check(&ws.model);
    let run = Run {
        files: &ws.files,
        model: &ws.model,
        results: &results,
    };
    let text = match format {
        Format::Human => report::human::render(&run, stdout_style()),
        Format::Json => report::json::render(&run),
        Format::Junit => report::ci::junit(&run),
        Format::Github => report::ci::github(&run),
    };
    let _ = out.write_all(text.as_bytes());
    let conflicted = fail_on_conflict && !crate::conflicts::find(&ws.model).conflicts.is_empty();
    if conflicted {
        let _ = writeln!(
            std::io::stderr(),
            "claimcheck: facts conflict (see `claimcheck conflicts`)"
        );
    }
    if run.failed() > 0 || conflicted {
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
) -> i32 {
    let ws = match load(paths, allow_outside_paths) {
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
    let ws = match load(paths, allow_outside_paths) {
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
    let (files, errors) = crate::load::load(paths);
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
) -> i32 {
    let ws = match load(paths, allow_outside_paths) {
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

/// Loads the workspace, or prints why not and gives the exit code.
fn load(paths: &[PathBuf], allow_outside_paths: bool) -> Result<crate::Workspace, i32> {
    crate::load_workspace(
        paths,
        &Options {
            allow_outside_paths,
            limits: limits(),
        },
    )
    .map_err(|f| load_failed(&f))
    .inspect(|ws| {
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
    let _ = writeln!(err, "{}", f.render_limited(limits().errors));
    let n = f.errors.len();
    let _ = writeln!(
        err,
        "claimcheck: the workspace could not be loaded ({n} error{})",
        if n == 1 { "" } else { "s" }
    );
    EXIT_LOAD
}
