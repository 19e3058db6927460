//! `conflicts`: every pair of facts where one refutes what the other asserts.

use std::io::Write;
use std::path::PathBuf;

use super::{json_errors, load, stdout_style, DataFormat, RunLimits, EXIT_FAILED, EXIT_OK};
use crate::report::{self, Run};
use crate::Timings;

pub(super) fn conflicts_command(
    out: &mut impl Write,
    paths: &[PathBuf],
    format: DataFormat,
    fail_on_conflict: bool,
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
