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

/// The limits of this run, set once the arguments are parsed.
static WORK_LIMITS: std::sync::RwLock<Option<Limits>> = std::sync::RwLock::new(None);

fn work_limits() -> Limits {
    WORK_LIMITS
        .read()
        .ok()
        .and_then(|l| l.clone())
        .unwrap_or_default()
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
    let run_limits = match &cli.command {
        Command::Check { limits, .. }
        | Command::Explain { limits, .. }
        | Command::Conflicts { limits, .. }
        | Command::Eval { limits, .. } => limits.limits(),
        _ => Limits::default(),
    };
    if let Ok(mut l) = WORK_LIMITS.write() {
        *l = Some(run_limits);
    }
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
        } => check_command(
            &mut stdout,
            &CheckArgs {
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
            &mut timings,
        ),
        Command::Eval {
            claim,
            paths,
            format,
            allow_outside_paths,
            ..
        } => eval_command(
            &mut stdout,
            &claim,
            &paths,
            format,
            allow_outside_paths,
            &mut timings,
        ),
        Command::Explain {
            location,
            paths,
            format,
            allow_outside_paths,
            ..
        } => explain_command(
            &mut stdout,
            &location,
            &paths,
            format,
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
            &mut timings,
        ),
        Command::Export {
            parquet,
            paths,
            allow_outside_paths,
        } => export_command(&parquet, &paths, allow_outside_paths),
        Command::Compile {
            sql: _,
            data,
            dialect,
            paths,
            allow_outside_paths,
        } => compile_command(&mut stdout, &data, dialect, &paths, allow_outside_paths),
    };
    let _ = stdout.flush();
    if cli.timings {
        let _ = write!(std::io::stderr(), "{}", timings.render());
    }
    code
}

fn export_command(dir: &std::path::Path, paths: &[PathBuf], allow_outside_paths: bool) -> i32 {
    let ws = match load(paths, allow_outside_paths, &mut Timings::default(), |_| {}) {
        Ok(ws) => ws,
        Err(code) => return code,
    };
    match crate::sql::export(&ws, dir) {
        Ok(()) => EXIT_OK,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {e}");
            EXIT_LOAD
        }
    }
}

fn compile_command(
    out: &mut impl Write,
    dir: &std::path::Path,
    dialect: SqlDialect,
    paths: &[PathBuf],
    allow_outside_paths: bool,
) -> i32 {
    let ws = match load(paths, allow_outside_paths, &mut Timings::default(), |_| {}) {
        Ok(ws) => ws,
        Err(code) => return code,
    };
    let dialect = match dialect {
        SqlDialect::Duckdb => crate::sql::Dialect::DuckDb,
        SqlDialect::Spark => crate::sql::Dialect::Spark,
    };
    match crate::sql::compile(&ws, dir, dialect) {
        Ok(sql) => {
            let _ = out.write_all(sql.as_bytes());
            EXIT_OK
        }
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {e}");
            EXIT_LOAD
        }
    }
}

/// `check`'s resolved options.
struct CheckArgs {
    paths: Vec<PathBuf>,
    format: Format,
    output: Option<PathBuf>,
    fail_on_conflict: bool,
    allow_outside_paths: bool,
    allow_empty: bool,
    select: Option<String>,
    max_matrix_sources: usize,
    baseline: Option<PathBuf>,
    fail_on_change: bool,
    human: report::human::Options,
}

/// Writes a report to `--output FILE` or stdout; false if the file cannot be written.
fn emit(out: &mut impl Write, output: Option<&PathBuf>, text: &str) -> bool {
    match output {
        Some(path) => match std::fs::write(path, text) {
            Ok(()) => true,
            Err(e) => {
                let _ = writeln!(
                    std::io::stderr(),
                    "error: cannot write {}: {e}",
                    path.display()
                );
                false
            }
        },
        None => {
            let _ = out.write_all(text.as_bytes());
            true
        }
    }
}

/// The paths a run searched, for messages: as given, or the default folders.
fn searched(paths: &[PathBuf]) -> String {
    if paths.is_empty() {
        return "rules/ and fixtures/".into();
    }
    let names: Vec<String> = paths
        .iter()
        .map(|p| format!("`{}`", report::escape_controls(&p.display().to_string())))
        .collect();
    names.join(", ")
}

/// The report of a run that could not be used, in the chosen format
/// (nothing on stdout for the human format: stderr has it all).
fn error_report(format: Format, problems: &[report::Problem]) -> String {
    match format {
        Format::Human => String::new(),
        Format::Json => report::json::render_errors(problems),
        Format::Junit => report::ci::junit_errors(problems),
        Format::Github => report::ci::github_errors(problems),
        Format::Sarif => report::sarif::render(&report::json::error_report(problems)),
        Format::Html => report::html::render(
            None,
            &report::json::error_report(problems),
            report::html::DEFAULT_MAX_MATRIX_SOURCES,
        ),
    }
}

fn check_command(out: &mut impl Write, args: &CheckArgs, timings: &mut Timings) -> i32 {
    let loaded = load(&args.paths, args.allow_outside_paths, timings, |f| {
        let problems = report::Problem::from_failure(f);
        emit(
            out,
            args.output.as_ref(),
            &error_report(args.format, &problems),
        );
    });
    let ws = match loaded {
        Ok(ws) => ws,
        Err(code) => return code,
    };
    // A large workspace is never torn down: the process ends right after.
    let ws = &*Box::leak(Box::new(ws));
    let mut results = timings.time("evaluate", || check(&ws.model));
    let total = results.len();
    let mut selected_note = None;
    if let Some(pattern) = &args.select {
        let select = match report::Selection::new(pattern) {
            Ok(s) => s,
            Err(message) => return usage_failed(out, args, "bad_select", message),
        };
        results.retain(|r| {
            let a = &ws.model.assertions[r.assertion];
            select.matches(&ws.files.get(a.file).display, &a.text)
        });
        selected_note = Some(format!(
            "selected {} of {total} assertion{} with --select `{}`",
            results.len(),
            if total == 1 { "" } else { "s" },
            report::escape_controls(pattern)
        ));
    }
    if results.is_empty() && !args.allow_empty {
        let message = match &args.select {
            None => format!(
                "no assertion statement (`assert`, `expect` or `check:`) found in {}; pass --allow-empty to accept an empty workspace",
                searched(&args.paths)
            ),
            Some(p) => format!(
                "--select `{}` matches none of the {total} assertions found in {}; pass --allow-empty to accept that",
                report::escape_controls(p),
                searched(&args.paths)
            ),
        };
        return usage_failed(out, args, "no_assertions", message);
    }
    let run = Run {
        files: &ws.files,
        model: &ws.model,
        results: &results,
    };
    // The run's data (every assertion's evidence as JSON values) is built
    // only for the formats written from it and for a baseline comparison:
    // on a large workspace it costs more than the evaluation.
    let needs_data = args.baseline.is_some()
        || matches!(args.format, Format::Json | Format::Sarif | Format::Html);
    let mut data = needs_data.then(|| timings.time("report", || report::json::report(&run)));
    let comparison = match &args.baseline {
        None => None,
        Some(path) => match report::baseline::Baseline::read(path) {
            Ok(old) => {
                let d = data.take().expect("built for a baseline");
                let c = report::baseline::compare(&old, &d);
                data = Some(d.with_changes(&c));
                Some(c)
            }
            Err(message) => return usage_failed(out, args, "bad_baseline", message),
        },
    };
    let text = timings.time("report", || match args.format {
        Format::Human => {
            // A file gets no colour, whatever stdout is.
            let style = match args.output {
                Some(_) => Style { color: false },
                None => stdout_style(),
            };
            let mut human = report::human::render(&run, style, &args.human);
            if let Some(note) = &selected_note {
                // Before the summary line.
                let at = human[..human.len() - 1].rfind('\n').map_or(0, |i| i + 1);
                human.insert_str(at, &format!("{note}\n"));
            }
            if let Some(c) = &comparison {
                human.push_str(&report::baseline::render_human(c));
            }
            human
        }
        Format::Json => report::json::to_text(data.as_ref().expect("built for json")),
        Format::Junit => report::ci::junit(&run),
        Format::Github => report::ci::github(&run),
        Format::Sarif => report::sarif::render(data.as_ref().expect("built for sarif")),
        Format::Html => report::html::render(
            Some(&run),
            data.as_ref().expect("built for html"),
            args.max_matrix_sources,
        ),
    });
    if args.format != Format::Human {
        if let Some(note) = &selected_note {
            let _ = writeln!(std::io::stderr(), "claimcheck: {note}");
        }
    }
    if !emit(out, args.output.as_ref(), &text) {
        return EXIT_LOAD;
    }
    std::mem::forget(text);
    std::mem::forget(data);
    let failed = run.failed();
    std::mem::forget(results);
    let conflicted =
        args.fail_on_conflict && !crate::eval::conflicts::find(&ws.model).conflicts.is_empty();
    if conflicted {
        let _ = writeln!(
            std::io::stderr(),
            "claimcheck: facts conflict (see `claimcheck conflicts`)"
        );
    }
    let changed = args.fail_on_change && comparison.as_ref().is_some_and(|c| !c.is_empty());
    if changed {
        let _ = writeln!(
            std::io::stderr(),
            "claimcheck: verdicts changed since the baseline"
        );
    }
    if failed > 0 || conflicted || changed {
        EXIT_FAILED
    } else {
        EXIT_OK
    }
}

/// A usage error of `check`: said on stderr and in the chosen format; exit 2.
fn usage_failed(out: &mut impl Write, args: &CheckArgs, kind: &str, message: String) -> i32 {
    let problem = report::Problem::usage(kind, message);
    let _ = write!(std::io::stderr(), "{}", problem.rendered);
    emit(
        out,
        args.output.as_ref(),
        &error_report(args.format, std::slice::from_ref(&problem)),
    );
    EXIT_LOAD
}

fn eval_command(
    out: &mut impl Write,
    claim: &str,
    paths: &[PathBuf],
    format: DataFormat,
    allow_outside_paths: bool,
    timings: &mut Timings,
) -> i32 {
    let ws = match load(paths, allow_outside_paths, timings, |f| {
        json_errors(out, format, f)
    }) {
        Ok(ws) => ws,
        Err(code) => return code,
    };
    let mut files: Files = ws.files.clone();
    let file = files.add_text("<claim>", FileKind::Text, claim);
    let (c, as_of) = match crate::analyze::read_claim(&ws.model, file, claim) {
        Ok(x) => x,
        Err(errors) => {
            let failure = crate::LoadFailure { files, errors };
            if format == DataFormat::Json {
                let problems = report::Problem::from_failure(&failure);
                let _ = out.write_all(report::json::render_errors(&problems).as_bytes());
            }
            return load_failed(&failure);
        }
    };
    let as_of_text = as_of.as_ref().map(|v| v.text.clone());
    let outcome = Evaluator::new(&ws.model, as_of.map(|v| v.interval)).eval(&c);
    for w in crate::value::claim_warnings(&c, file) {
        let _ = writeln!(std::io::stderr(), "{}", escape_lines(&files.render(&w)));
    }
    for hint in crate::value::unit_hints(&ws.model, &c) {
        let _ = writeln!(std::io::stderr(), "hint: {hint}");
    }
    let text = match format {
        DataFormat::Human => {
            report::human::render_outcome(&ws.model, claim, &outcome, stdout_style())
        }
        DataFormat::Json => {
            let run = Run {
                files: &files,
                model: &ws.model,
                results: &[],
            };
            report::json::render_outcome(&run, claim, as_of_text, &outcome)
        }
    };
    let _ = out.write_all(text.as_bytes());
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
    format: DataFormat,
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
    let ws = match load(paths, allow_outside_paths, timings, |f| {
        json_errors(out, format, f)
    }) {
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
        crate::eval::explain::Explainer::new(&ws.model, a.as_of.clone()).explain(&a.claim, &a.text);
    if format == DataFormat::Json {
        let run = Run {
            files: &ws.files,
            model: &ws.model,
            results: &[],
        };
        let _ = out.write_all(report::json::render_explain(&run, a, &tree).as_bytes());
        return EXIT_OK;
    }
    let _ = writeln!(
        out,
        "{}:{}  {expected}{}",
        report::escape_controls(&ws.files.get(a.file).display),
        a.line,
        report::escape_controls(&as_of)
    );
    let _ = write!(
        out,
        "{}",
        crate::eval::explain::render(&ws.model, &ws.files, &tree)
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
            let _ = writeln!(out, "{}", report::escape_controls(&f.display));
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
    format: DataFormat,
    fail_on_conflict: bool,
    allow_outside_paths: bool,
    timings: &mut Timings,
) -> i32 {
    let ws = match load(paths, allow_outside_paths, timings, |f| {
        json_errors(out, format, f)
    }) {
        Ok(ws) => ws,
        Err(code) => return code,
    };
    let found = crate::eval::conflicts::find(&ws.model);
    let text = match format {
        DataFormat::Human => {
            report::human::render_conflicts(&ws.files, &ws.model, &found, stdout_style())
        }
        DataFormat::Json => {
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

/// Loads the workspace, or prints why not (on stderr, and through
/// `on_failure` in the report's format) and gives the exit code.
fn load(
    paths: &[PathBuf],
    allow_outside_paths: bool,
    timings: &mut Timings,
    on_failure: impl FnOnce(&crate::LoadFailure),
) -> Result<crate::Workspace, i32> {
    let progress = Progress::start();
    let loaded = crate::load_workspace_timed(
        paths,
        &Options {
            allow_outside_paths,
            limits: work_limits(),
        },
        &LIMITS.with(std::cell::Cell::get),
        timings,
    );
    drop(progress);
    loaded
        .map_err(|f| {
            on_failure(&f);
            load_failed(&f)
        })
        .inspect(|ws| {
            let mut err = std::io::stderr().lock();
            for w in &ws.warnings {
                let _ = writeln!(err, "{}", escape_lines(&ws.files.render(w)));
            }
        })
}

/// With `--format json`, a failed load's errors as the JSON report on stdout.
fn json_errors(out: &mut impl Write, format: DataFormat, f: &crate::LoadFailure) {
    if format == DataFormat::Json {
        let problems = report::Problem::from_failure(f);
        let _ = out.write_all(report::json::render_errors(&problems).as_bytes());
    }
}

/// Colour when stdout is a terminal and `NO_COLOR` is not set.
fn stdout_style() -> Style {
    Style {
        color: color(std::io::stdout().is_terminal()),
    }
}

/// Rendered diagnostics with control characters from user text (a rule
/// line, a name, a quote) escaped, line by line, so they cannot drive the
/// terminal.
fn escape_lines(text: &str) -> String {
    text.split('\n')
        .map(|l| report::escape_controls(l).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

fn load_failed(f: &crate::LoadFailure) -> i32 {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "{}",
        escape_lines(&f.render_limited(work_limits().errors))
    );
    let n = f.errors.len();
    let _ = writeln!(
        err,
        "claimcheck: the workspace could not be loaded ({n} error{})",
        if n == 1 { "" } else { "s" }
    );
    EXIT_LOAD
}
