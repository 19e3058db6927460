//! The command line: clap's parse of the arguments (no I/O there), then one
//! file per command that loads, evaluates and writes. Every command that
//! reads a workspace goes through [`load`]: the limits of the run
//! ([`RunLimits`], built once from the flags), the loading spinner,
//! warnings on stderr, and a failed load's errors and exit code. `run`
//! returns the exit code; `main` only calls it.

mod check;
mod completions;
mod conflicts;
mod eval;
mod explain;
mod fmt;
mod lsp;
mod progress;
mod sql;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::analyze::Options;
use crate::limits::{FileLimits, Limits, RunLimits};
use crate::report::{self, human::Style};
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
    #[arg(long, global = true, value_name = "BYTES", default_value_t = crate::limits::MAX_TEXT_FILE)]
    pub max_text_file: u64,
    /// Largest `.jsonl` file read, in bytes (at most 4294967295).
    #[arg(long, global = true, value_name = "BYTES", default_value_t = crate::limits::MAX_JSONL_FILE)]
    pub max_jsonl_file: u64,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Junit,
    Github,
    Sarif,
    Html,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
/// `eval`, `explain` and `conflicts`: text for people, or JSON.
pub enum DataFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum SqlDialect {
    Duckdb,
    Spark,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Evaluate every assertion of the workspace (default: rules/ and fixtures/).
    Check {
        /// Rule files, fact files, or folders to search.
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// Write the report to FILE instead of stdout.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Exit 1 when any two facts of the workspace conflict.
        #[arg(long)]
        fail_on_conflict: bool,
        /// Let a source's `text:` point outside the workspace.
        #[arg(long)]
        allow_outside_paths: bool,
        #[command(flatten)]
        limits: LimitArgs,
        /// Exit 0 even when no assertion statement is found (or selected).
        #[arg(long)]
        allow_empty: bool,
        /// List only unmet expectations (and errors), then the summary line.
        #[arg(long, short)]
        quiet: bool,
        /// Run only assertions whose file path or claim text matches: a glob
        /// when PATTERN has `*`, `?`, `[` or `{`, else a substring (claim text
        /// compared case-insensitively).
        #[arg(long, value_name = "PATTERN")]
        select: Option<String>,
        /// Evidence lines shown per assertion in the human report (the rest
        /// are counted as `and N more`; JSON always lists every fact).
        #[arg(long, value_name = "N", default_value_t = report::human::DEFAULT_MAX_EVIDENCE)]
        max_evidence: usize,
        /// Sources in the HTML report's agreement matrix (those on the most
        /// assertions; the page says how many were left out).
        #[arg(long, value_name = "N", default_value_t = report::html::DEFAULT_MAX_MATRIX_SOURCES)]
        max_matrix_sources: usize,
        /// Compare with an earlier `--format json` report: which verdicts
        /// changed, which assertions were added or removed.
        #[arg(long, value_name = "OLD.json")]
        baseline: Option<PathBuf>,
        /// Exit 1 when anything changed since the baseline.
        #[arg(long, requires = "baseline")]
        fail_on_change: bool,
    },
    /// Show the evidence tree of the assertion at FILE:LINE.
    Explain {
        /// A rule file and the line of an assertion in it, as `rules/axis.claims:12`.
        location: String,
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "human")]
        format: DataFormat,
        /// Show every binding of a quantifier; without it, a quantifier of
        /// more than 20 bindings shows a count per verdict and the first
        /// three of each (JSON always lists every binding).
        #[arg(long)]
        all: bool,
        #[arg(long)]
        allow_outside_paths: bool,
        #[command(flatten)]
        limits: LimitArgs,
        /// Steps of the evidence tree (connectives, bindings, definitions,
        /// atoms) past which it is refused.
        #[arg(long, value_name = "N", default_value_t = crate::eval::explain::MAX_EXPLAIN_NODES)]
        max_explain_nodes: usize,
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
        format: DataFormat,
        /// Exit 1 when any conflict exists.
        #[arg(long)]
        fail_on_conflict: bool,
        #[arg(long)]
        allow_outside_paths: bool,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Write the workspace as Parquet tables, the input of `compile --sql`.
    Export {
        /// The folder to write the tables to (created if missing).
        #[arg(long, value_name = "DIR")]
        parquet: PathBuf,
        paths: Vec<PathBuf>,
        #[arg(long)]
        allow_outside_paths: bool,
    },
    /// Write one SQL script that computes every assertion's verdict over
    /// the tables `export --parquet DIR` wrote.
    Compile {
        /// Write SQL (the only target).
        #[arg(long, required = true)]
        sql: bool,
        /// The folder the workspace was exported to.
        #[arg(long, value_name = "DIR")]
        data: PathBuf,
        #[arg(long, value_enum, default_value = "duckdb")]
        dialect: SqlDialect,
        paths: Vec<PathBuf>,
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
        #[arg(long, value_enum, default_value = "human")]
        format: DataFormat,
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
    let limits = RunLimits {
        files: FileLimits {
            text: cli.max_text_file,
            jsonl: cli.max_jsonl_file,
        },
        work: match &cli.command {
            Command::Check { limits, .. }
            | Command::Explain { limits, .. }
            | Command::Conflicts { limits, .. }
            | Command::Eval { limits, .. } => limits.limits(),
            _ => Limits::default(),
        },
    };
    let limits = &limits;
    let mut stdout = std::io::stdout().lock();
    let mut timings = Timings::default();
    let code = match cli.command {
        Command::Check {
            paths,
            format,
            output,
            fail_on_conflict,
            allow_outside_paths,
            allow_empty,
            quiet,
            select,
            max_evidence,
            max_matrix_sources,
            baseline,
            fail_on_change,
            ..
        } => check::check_command(
            &mut stdout,
            &check::CheckArgs {
                paths,
                format,
                output,
                fail_on_conflict,
                allow_outside_paths,
                allow_empty,
                select,
                max_matrix_sources,
                baseline,
                fail_on_change,
                human: report::human::Options {
                    quiet,
                    max_evidence,
                },
            },
            limits,
            &mut timings,
        ),
        Command::Eval {
            claim,
            paths,
            format,
            allow_outside_paths,
            ..
        } => eval::eval_command(
            &mut stdout,
            &claim,
            &paths,
            format,
            allow_outside_paths,
            limits,
            &mut timings,
        ),
        Command::Explain {
            location,
            paths,
            format,
            all,
            allow_outside_paths,
            max_explain_nodes,
            ..
        } => explain::explain_command(
            &mut stdout,
            &location,
            &paths,
            format,
            explain::Tree {
                all,
                max_nodes: max_explain_nodes,
            },
            allow_outside_paths,
            limits,
            &mut timings,
        ),
        Command::Fmt { check, paths } => fmt::fmt_command(&mut stdout, limits, check, &paths),
        Command::Lsp => {
            // The server owns stdout for the protocol.
            drop(stdout);
            return lsp::lsp_command();
        }
        Command::Completions { shell } => completions::completions_command(&mut stdout, shell),
        Command::Conflicts {
            paths,
            format,
            fail_on_conflict,
            allow_outside_paths,
            ..
        } => conflicts::conflicts_command(
            &mut stdout,
            &paths,
            format,
            fail_on_conflict,
            allow_outside_paths,
            limits,
            &mut timings,
        ),
        Command::Export {
            parquet,
            paths,
            allow_outside_paths,
        } => sql::export_command(limits, &parquet, &paths, allow_outside_paths),
        Command::Compile {
            sql: _,
            data,
            dialect,
            paths,
            allow_outside_paths,
        } => sql::compile_command(
            &mut stdout,
            limits,
            &data,
            dialect,
            &paths,
            allow_outside_paths,
        ),
    };
    let _ = stdout.flush();
    if cli.timings {
        let _ = write!(std::io::stderr(), "{}", timings.render());
    }
    code
}

/// Loads the workspace within the run's limits, or prints why not (on
/// stderr, and through `on_failure` in the report's format) and gives the
/// exit code. Every command that reads a workspace starts here.
pub(super) fn load(
    limits: &RunLimits,
    timings: &mut Timings,
    paths: &[PathBuf],
    allow_outside_paths: bool,
    on_failure: impl FnOnce(&crate::LoadFailure),
) -> Result<crate::Workspace, i32> {
    let progress = progress::Progress::start();
    let loaded = crate::load_workspace_timed(
        paths,
        &Options {
            allow_outside_paths,
            limits: limits.work.clone(),
            // No command reads a fact file's text again: reports show a
            // file's name and a fact's line; only a warning's snippet needs
            // the text, and those files keep it.
            release_fact_texts: true,
        },
        &limits.files,
        timings,
    );
    drop(progress);
    loaded
        .map_err(|f| {
            on_failure(&f);
            load_failed(limits, &f)
        })
        .inspect(|ws| {
            let mut err = std::io::stderr().lock();
            let mut index = crate::load::LineIndex::default();
            for w in &ws.warnings {
                let rendered = ws.files.render_indexed(w, &mut index);
                let _ = writeln!(err, "{}", escape_lines(&rendered));
            }
        })
}

/// With `--format json`, a failed load's errors as the JSON report on stdout.
pub(super) fn json_errors(out: &mut impl Write, format: DataFormat, f: &crate::LoadFailure) {
    if format == DataFormat::Json {
        let problems = report::Problem::from_failure(f);
        let _ = out.write_all(report::json::render_errors(&problems).as_bytes());
    }
}

/// Colour when stdout is a terminal and `NO_COLOR` is not set.
pub(super) fn stdout_style() -> Style {
    Style {
        color: color(std::io::stdout().is_terminal()),
    }
}

/// Rendered diagnostics with control characters from user text (a rule
/// line, a name, a quote) escaped, line by line, so they cannot drive the
/// terminal.
pub(super) fn escape_lines(text: &str) -> String {
    text.split('\n')
        .map(|l| report::escape_controls(l).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

pub(super) fn load_failed(limits: &RunLimits, f: &crate::LoadFailure) -> i32 {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "{}",
        escape_lines(&f.render_limited(limits.work.errors))
    );
    let n = f.errors.len();
    let _ = writeln!(
        err,
        "claimcheck: the workspace could not be loaded ({n} error{})",
        if n == 1 { "" } else { "s" }
    );
    EXIT_LOAD
}
