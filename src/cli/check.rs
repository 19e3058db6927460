//! `check`: evaluate every assertion, write the report in the chosen format
//! (or to `--output`), compare with a baseline, and pick the exit code.

use std::io::Write;
use std::path::PathBuf;

use super::{load, stdout_style, Format, RunLimits, EXIT_FAILED, EXIT_LOAD, EXIT_OK};
use crate::eval::check;
use crate::report::{self, human::Style, Run};
use crate::Timings;

/// `check`'s resolved options.
pub(super) struct CheckArgs {
    pub(super) paths: Vec<PathBuf>,
    pub(super) format: Format,
    pub(super) output: Option<PathBuf>,
    pub(super) fail_on_conflict: bool,
    pub(super) allow_outside_paths: bool,
    pub(super) allow_empty: bool,
    pub(super) select: Option<String>,
    pub(super) max_matrix_sources: usize,
    pub(super) baseline: Option<PathBuf>,
    pub(super) fail_on_change: bool,
    pub(super) human: report::human::Options,
}

/// Writes a report to `--output FILE` or stdout; false if the file cannot be written.
fn emit(out: &mut impl Write, output: Option<&PathBuf>, text: &str) -> bool {
    emit_with(out, output, |w| w.write_all(text.as_bytes()))
}

/// Writes a report as `write` makes it, to `--output FILE` or stdout; false
/// if the file cannot be written.
fn emit_with(
    out: &mut impl Write,
    output: Option<&PathBuf>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> bool {
    match output {
        Some(path) => {
            let written = std::fs::File::create(path).and_then(|f| {
                let mut w = std::io::BufWriter::with_capacity(1 << 16, f);
                write(&mut w)?;
                w.flush()
            });
            match written {
                Ok(()) => true,
                Err(e) => {
                    let _ = writeln!(
                        std::io::stderr(),
                        "error: cannot write {}: {e}",
                        path.display()
                    );
                    false
                }
            }
        }
        None => {
            let mut w = std::io::BufWriter::with_capacity(1 << 16, out);
            let _ = write(&mut w).and_then(|()| w.flush());
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

pub(super) fn check_command(
    out: &mut impl Write,
    args: &CheckArgs,
    limits: &RunLimits,
    timings: &mut Timings,
) -> i32 {
    let loaded = load(
        limits,
        timings,
        &args.paths,
        args.allow_outside_paths,
        |f| {
            // The terminal's errors are printed by `load_failed`: a human
            // report of a failed load is empty.
            let problems = match args.format {
                Format::Human => Vec::new(),
                _ => report::Problem::from_failure(f),
            };
            emit(
                out,
                args.output.as_ref(),
                &error_report(args.format, &problems),
            );
        },
    );
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
    if args.format == Format::Human {
        // A file gets no colour, whatever stdout is.
        let style = match args.output {
            Some(_) => Style { color: false },
            None => stdout_style(),
        };
        // Written as it is made: a large report is never held whole.
        let written = timings.time("report", || {
            emit_with(out, args.output.as_ref(), |w| {
                report::human::write(&run, style, &args.human, selected_note.as_deref(), w)?;
                match &comparison {
                    Some(c) => w.write_all(report::baseline::render_human(c).as_bytes()),
                    None => Ok(()),
                }
            })
        });
        if !written {
            return EXIT_LOAD;
        }
    }
    let text = timings.time("report", || match args.format {
        Format::Human => String::new(),
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
    if args.format != Format::Human && !emit(out, args.output.as_ref(), &text) {
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
