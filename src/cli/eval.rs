//! `eval CLAIM`: one claim's verdict and the evidence on each side.

use std::io::Write;
use std::path::PathBuf;

use super::{
    escape_lines, json_errors, load, load_failed, stdout_style, DataFormat, RunLimits, EXIT_OK,
};
use crate::eval::Evaluator;
use crate::load::{FileKind, Files};
use crate::report::{self, Run};
use crate::Timings;

pub(super) fn eval_command(
    out: &mut impl Write,
    claim: &str,
    paths: &[PathBuf],
    format: DataFormat,
    allow_outside_paths: bool,
    limits: &RunLimits,
    timings: &mut Timings,
) -> i32 {
    let ws = match load(limits, timings, paths, allow_outside_paths, |f| {
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
            return load_failed(limits, &failure);
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
