//! `explain FILE:LINE`: the evidence tree of one assertion.

use std::io::Write;
use std::path::PathBuf;

use super::{json_errors, load, DataFormat, RunLimits, EXIT_LOAD, EXIT_OK};
use crate::report::{self, Run};
use crate::Timings;

/// Whether the file shown as `shown` is the one the user named `wanted`
/// (either may be a path suffix of the other).
fn names_file(shown: &str, wanted: &str) -> bool {
    shown == wanted
        || shown.ends_with(&format!("/{wanted}"))
        || wanted.ends_with(&format!("/{shown}"))
}

/// How the tree is shown: every binding (`--all`), and the most nodes it
/// may have (`--max-explain-nodes`).
pub(super) struct Tree {
    pub all: bool,
    pub max_nodes: usize,
}

pub(super) fn explain_command(
    out: &mut impl Write,
    location: &str,
    paths: &[PathBuf],
    format: DataFormat,
    tree_options: Tree,
    allow_outside_paths: bool,
    limits: &RunLimits,
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
    let ws = match load(limits, timings, paths, allow_outside_paths, |f| {
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
    let tree = match crate::eval::explain::Explainer::new(&ws.model, a.as_of.as_deref().cloned())
        .explain_within(&a.claim, &a.text, tree_options.max_nodes)
    {
        Ok(tree) => tree,
        Err(nodes) => {
            let message = format!(
                "the evidence tree of {}:{} has {nodes} steps (connectives, bindings, definitions and atoms), more than --max-explain-nodes {}; pass a larger --max-explain-nodes, or explain a narrower claim (`check` gives its verdict)",
                ws.files.get(a.file).display,
                a.line,
                tree_options.max_nodes
            );
            let problem = report::Problem::usage("too_many_explain_nodes", message);
            let _ = write!(std::io::stderr(), "{}", problem.rendered);
            if format == DataFormat::Json {
                let _ = out.write_all(
                    report::json::render_errors(std::slice::from_ref(&problem)).as_bytes(),
                );
            }
            return EXIT_LOAD;
        }
    };
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
    let text = if tree_options.all {
        crate::eval::explain::render(&ws.model, &ws.files, &tree)
    } else {
        crate::eval::explain::render_summary(&ws.model, &ws.files, &tree)
    };
    let _ = out.write_all(text.as_bytes());
    EXIT_OK
}
